"""Regenerate the golden KPI snapshot: ``python tests/golden/regenerate.py``.

Writes ``tests/golden/kpis.json`` (the ``evaluate --json`` KPI record of every shipped case) and
``tests/golden/points.json`` (``motoropt point --json`` at a few operating points) and
``tests/golden/optimize.json`` (the designs of a short seeded optimisation of ``cases/prius_opt.toml``:
variables, objectives, constraints, KPIs, with the names of the KPI and constraint columns).
``tests/test_golden.py`` compares the code against them (relative 1e-6; its docstring says why).
Regenerate only when a change is meant to move KPIs, and say in the commit message which and why.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OPT = dict(pop=8, generations=2, seed=11)


def shipped_cases() -> list[Path]:
    return sorted(ROOT.glob("cases/*.toml")) + sorted(ROOT.glob("cases/programme/*.toml"))


def clean(o):
    """JSON-able copy: non-finite floats -> None, numpy scalars -> Python."""
    if isinstance(o, dict):
        return {str(k): clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, float)):
        return float(o) if math.isfinite(float(o)) else None
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, np.bool_):
        return bool(o)
    return o


def case_kpis(path: Path) -> dict:
    from motoropt.evaluation.pipeline import evaluate_case

    return clean(evaluate_case(path).kpis)


POINTS = {"cases/prius2004.toml": [(303, 20.2), (1904, 249.0), (3409, 119.2), (5406, -59.9)],
          "cases/prius2004_system.toml": [(2329, 197.7)],
          "cases/induction_traction.toml": [(3000, 100.0), (12000, -40.0)],
          "cases/programme/multipole_direct_drive.toml": [(400, 500.0)],
          "cases/programme/dyfree_eaxle_150kw.toml": [(9000, 80.0)]}


def point_results() -> dict:
    """``motoropt point --json`` results at a few operating points of some cases."""
    from motoropt.evaluation.pipeline import operating_point_case

    return {f"{case}@{rpm}rpm,{T}Nm": clean(operating_point_case(ROOT / case, rpm, T))
            for case, pts in POINTS.items() for rpm, T in pts}


def optimize_rows() -> dict:
    from motoropt.optimize.runner import run_optimization

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.h5"
        run_optimization(ROOT / "cases/prius_opt.toml", out, progress=False, **OPT)
        with h5py.File(out, "r") as f:
            d = f["designs"]
            rows = {k: np.asarray(d[k][()]).tolist() for k in sorted(d) if d[k].dtype.kind in "fiub"}
            rows["kpi_columns"] = json.loads(d["kpis"].attrs["columns"])
            rows["constraint_labels"] = json.loads(f.attrs["constraint_labels"])
            return clean(rows)


def main() -> int:
    kpis = {p.relative_to(ROOT).as_posix(): case_kpis(p) for p in shipped_cases()}
    (HERE / "kpis.json").write_text(json.dumps(kpis, indent=1, sort_keys=True) + "\n")
    (HERE / "points.json").write_text(json.dumps(point_results(), indent=1, sort_keys=True) + "\n")
    (HERE / "optimize.json").write_text(json.dumps({"settings": OPT, "designs": optimize_rows()}, indent=1,
                                                   sort_keys=True) + "\n")
    print(f"wrote {HERE / 'kpis.json'} ({len(kpis)} cases) and {HERE / 'optimize.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
