"""Programme scoreboard benchmark (issue 8): all programme optimisations at a reduced size, then the
scoreboard, so that a regression in any model (machine, inverter, thermal, gear, optimiser) shows as
a change in the table.

Run: ``python benchmarks/bench_scoreboard.py [--pop 16] [--generations 4] [--workers N]
[--out DIR] [--png DIR/scoreboard.png] [--json]``

Cases: every ``cases/programme/*.toml`` with an ``[optimization]`` table (the case files' own coarse
optimisation map grids, map_n_speed / map_n_torque, are used; seed 1 unless --seed); today
aircooled_air_mobility, dyfree_eaxle_150kw, im_eaxle, multipole_car_eaxle, multipole_direct_drive
and multipole_heavy (tests/case/test_case.py checks that tests/shipped.py names each one). Each run
is written to ``DIR/<case>.h5`` (a temporary directory by default) and can be reviewed afterwards
with ``motoropt report`` / ``motoropt show``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAMME = ROOT / "cases" / "programme"


def programme_cases() -> list[Path]:
    out = []
    for p in sorted(PROGRAMME.glob("*.toml")):
        if "optimization" in tomllib.loads(p.read_text(encoding="utf-8")):
            out.append(p)
    return out


def main(argv=None) -> int:
    from motoropt.optimize.runner import run_optimization
    from motoropt.scoreboard import scoreboard, scoreboard_png, scoreboard_table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pop", type=int, default=16)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--out", default=None, help="directory for the run files (default: a temporary one)")
    ap.add_argument("--png", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cases", nargs="*", default=None, help="case stems to run (default: all)")
    a = ap.parse_args(argv)
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="motoropt_scoreboard_"))
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for case in programme_cases():
        if a.cases and case.stem not in a.cases:
            continue
        t0 = time.perf_counter()
        res = run_optimization(case, out / f"{case.stem}.h5", pop=a.pop, generations=a.generations, seed=a.seed,
                               workers=a.workers, progress=False)
        print(f"{case.stem}: {res.n_evaluated} designs, {res.n_feasible} feasible, {res.n_errors} failed, "
              f"{time.perf_counter() - t0:.1f} s")
        runs.append(res.path)
    sb = scoreboard(runs)
    print()
    print(json.dumps(sb, indent=1) if a.json else scoreboard_table(sb))
    if a.png:
        print(f"wrote {scoreboard_png(runs, a.png, sb=sb)}")
    print(f"\nrun files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
