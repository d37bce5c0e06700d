"""Programme scoreboard benchmark (issue 8): all programme optimisations at a reduced size, then the
scoreboard, so that a regression in any model (machine, inverter, thermal, gear, optimiser) shows as
a change in the table.

Run: ``python benchmarks/bench_scoreboard.py [--pop 16] [--generations 4] [--workers N]
[--out DIR] [--png DIR/scoreboard.png] [--json]``

``--full`` is the full-size scoreboard (issue 17): every programme case at 100 x 60 (pop x
generations; --pop/--generations still override), the scoreboard's named designs re-evaluated with
the FEA flux map (``--refine-fea``), one PNG per case (its front against the targets) and one of
all, each run's wall time, and the convergence check: the hypervolume of the feasible front
(normalised objectives, reference point 1.1 x the worst feasible value) after each generation; the
run counts as converged when the last 10 generations raised it by less than 0.5 %. A killed
``--full`` run resumes where it stopped (run files and checkpoints are kept in --out).

Cases: every ``cases/programme/*.toml`` with an ``[optimization]`` table (the case files' own coarse
optimisation map grids, map_n_speed / map_n_torque, are used; seed 1 unless --seed). Each run
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PROGRAMME = ROOT / "cases" / "programme"


def programme_cases() -> list[Path]:
    out = []
    for p in sorted(PROGRAMME.glob("*.toml")):
        if "optimization" in tomllib.loads(p.read_text(encoding="utf-8")):
            out.append(p)
    return out


def front_hypervolume_by_generation(run) -> np.ndarray:
    """Hypervolume of the feasible non-dominated set after each generation (objectives as
    minimised, normalised by the whole run's feasible range; reference point 1.1). pymoo's HV."""
    from pymoo.indicators.hv import HV

    g = np.asarray(run.generation)
    f = np.asarray(run.minimised(), float)
    ok = run.feasible & np.all(np.isfinite(f), axis=1)
    if not ok.any():
        return np.zeros(int(g.max()) + 1 if g.size else 0)
    lo, hi = f[ok].min(axis=0), f[ok].max(axis=0)
    z = (f - lo) / np.where(hi > lo, hi - lo, 1.0)
    hv = HV(ref_point=np.full(f.shape[1], 1.1))
    return np.array([hv(z[ok & (g <= k)]) if (ok & (g <= k)).any() else 0.0 for k in range(int(g.max()) + 1)])


def converged(hv: np.ndarray, window: int = 10, rel: float = 0.005) -> bool:
    """True when the last ``window`` generations raised the hypervolume by less than ``rel``."""
    return hv.size > window and hv[-1] > 0 and (hv[-1] - hv[-1 - window]) < rel * hv[-1]


def main(argv=None) -> int:
    from motoropt.cli.scoreboard import scoreboard_table
    from motoropt.optimize.runner import run_optimization
    from motoropt.optimize.storage import RunData
    from motoropt.plots.scoreboard import scoreboard_png
    from motoropt.scoreboard import refine_scoreboard_designs, scoreboard

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pop", type=int, default=None, help="default 16 (100 with --full)")
    ap.add_argument("--generations", type=int, default=None, help="default 4 (60 with --full)")
    ap.add_argument("--full", action="store_true", help="full-size scoreboard: 100 x 60, --refine-fea, a PNG per case")
    ap.add_argument("--refine-fea", action="store_true", help="re-evaluate the named designs with the FEA flux map")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--out", default=None, help="directory for the run files (default: a temporary one)")
    ap.add_argument("--png", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cases", nargs="*", default=None, help="case stems to run (default: all)")
    a = ap.parse_args(argv)
    pop = a.pop or (100 if a.full else 16)
    generations = a.generations or (60 if a.full else 4)
    refine = a.refine_fea or a.full
    if a.full and not a.out:
        a.out = str(ROOT / "scoreboard_full")
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="motoropt_scoreboard_"))
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    t_all = time.perf_counter()
    for case in programme_cases():
        if a.cases and case.stem not in a.cases:
            continue
        t0 = time.perf_counter()
        path = out / f"{case.stem}.h5"
        resume = path.exists() and Path(str(path) + ".ckpt").exists()
        res = run_optimization(case, path, pop=pop, generations=generations, seed=a.seed,
                               workers=a.workers, progress=False, resume=resume)
        t_opt = time.perf_counter() - t0
        hv = front_hypervolume_by_generation(RunData(res.path))
        gain = (hv[-1] - hv[-11]) / hv[-1] * 100 if hv.size > 10 and hv[-1] > 0 else float("nan")
        print(f"{case.stem}: {res.n_evaluated} designs, {res.n_feasible} feasible, {res.n_errors} failed, "
              f"{t_opt:.1f} s{' (resumed)' if resume else ''}; front hypervolume {hv[-1] if hv.size else 0:.4f}, "
              f"last 10 generations +{gain:.2f} % ({'converged' if converged(hv) else 'NOT converged'})", flush=True)
        if refine:
            t1 = time.perf_counter()
            refine_scoreboard_designs(res.path)
            print(f"  FEA refinement of the named designs: {time.perf_counter() - t1:.1f} s", flush=True)
        runs.append(res.path)
    sb = scoreboard(runs)
    print()
    print(json.dumps(sb, indent=1) if a.json else scoreboard_table(sb))
    if a.png or a.full:
        png = Path(a.png) if a.png else out / "scoreboard.png"
        print(f"wrote {scoreboard_png(runs, png, sb=sb)}")
        if a.full:
            for p, rec in zip(runs, sb["runs"]):
                print(f"wrote {scoreboard_png([p], out / f'{Path(p).stem}_front.png', sb={'runs': [rec]})}")
    print(f"\nwall time {time.perf_counter() - t_all:.0f} s; run files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
