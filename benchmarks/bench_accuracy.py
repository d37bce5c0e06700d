"""Accuracy budget of the optimiser's fast path: ``python benchmarks/bench_accuracy.py [--n 20]``.

For every shipped case with an ``[optimization]`` table (one per machine family and topology:
prius_opt V-IPM, the programme's SPM, arc-IPM, tooth-coil SPM and induction cases), ``n`` random
designs from its ranges are evaluated on the optimiser's grids and on the case's own (full) grids
(:func:`motoropt.optimize.accuracy.compare_paths`); the largest differences are printed against
the budget: peak torque and power 0.5 %, cycle efficiency 0.1 point, winding hotspot 1 K.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def optimisation_cases() -> list[Path]:
    from motoropt.case import load_case

    return [p for p in sorted((ROOT / "cases").rglob("*.toml")) if "optimization" in load_case(p).free]


def main() -> None:
    from motoropt.optimize.accuracy import compare_paths, comparison_text

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20, help="designs per case")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    cases = optimisation_cases()
    missed = []
    for case in cases:
        cmp = compare_paths(case, a.n, a.seed)
        print(comparison_text(cmp).replace(str(ROOT) + "/", ""))
        if not cmp.within_budget():
            missed.append(case.relative_to(ROOT / "cases").as_posix())
    print("accuracy budget: met on every case" if not missed else
          f"accuracy budget: MISSED on {len(missed)} of {len(cases)} cases ({', '.join(missed)})")


if __name__ == "__main__":
    main()
