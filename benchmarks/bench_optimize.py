"""Optimiser throughput on cases/prius_opt.toml: designs per second.

Run: ``python benchmarks/bench_optimize.py [--pop 100] [--generations 4]``

Prints
1. the raw evaluation rate in this process (evaluate_chunk over random designs from the ranges,
   after warm-up), at the case's optimisation map grid and at the full 50 x 50 grid, with the
   time split model (flux map + loss params) / efficiency map / cycles;
2. end-to-end ``run_optimization`` rates (pymoo, HDF5 storage, checkpoints included) on 1 worker
   and on 2 spawned worker processes (process start-up and numba cache loading included, and
   also reported without the first generation).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "prius_opt.toml"


def raw_rate(case, spec, n: int, overrides: dict) -> dict:
    from motoropt.case import design_from_values
    from motoropt.evaluation.pipeline import evaluate_design
    from motoropt.optimize.problem import bounds, decode, design_values, evaluate_chunk

    xl, xu = bounds(case.variables)
    rng = np.random.default_rng(0)
    A = [decode(case.variables, xl + rng.random(len(xl)) * (xu - xl)) for _ in range(n)]
    evaluate_chunk(case, A[:3], overrides)  # warm-up (numba caches)
    t0 = time.perf_counter()
    res = evaluate_chunk(case, A, overrides)
    dt = time.perf_counter() - t0
    tm = {}
    n_ok = 0
    for a, (k, _err) in zip(A[:40], res[:40]):
        if k is None:
            continue
        ev = evaluate_design(design_from_values(design_values(case, a, overrides), case.free))
        for key in ("model_s", "map_s", "cycles_s", "system_s", "thermal_s"):  # top-level stages present
            if key in ev.timings:
                tm[key] = tm.get(key, 0.0) + ev.timings[key]
        n_ok += 1
    return {"rate": n / dt, "errors": sum(1 for k, e in res if k is None),
            "stages": {k[:-2]: 1e3 * v / max(n_ok, 1) for k, v in tm.items()}}


def pool_rate(case, n: int, overrides: dict, workers: int) -> float:
    """Steady-state rate of the process-pool backend (workers started and warmed up first)."""
    from motoropt.optimize.problem import bounds, decode
    from motoropt.optimize.runner import PoolBackend

    xl, xu = bounds(case.variables)
    rng = np.random.default_rng(1)
    A = [decode(case.variables, xl + rng.random(len(xl)) * (xu - xl)) for _ in range(n)]
    be = PoolBackend(workers)
    try:
        list(be.map(case, A[: 4 * workers], overrides))  # start + warm up every worker
        t0 = time.perf_counter()
        n_done = sum(len(r) for _, r in be.map(case, A, overrides))
        return n_done / (time.perf_counter() - t0)
    finally:
        be.close()


def run_rate(pop: int, gens: int, workers: int) -> dict:
    from motoropt.optimize.runner import run_optimization
    from motoropt.optimize.storage import RunData

    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "run.h5")
        t0 = time.perf_counter()
        res = run_optimization(CASE, out, pop=pop, generations=gens, workers=workers, seed=1, progress=False)
        dt = time.perf_counter() - t0
        run = RunData(out)
        feas = run.feasible.mean()
    return {"rate": res.n_evaluated / dt, "elapsed": dt, "n": res.n_evaluated, "feasible": feas}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pop", type=int, default=100)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--n-raw", type=int, default=200)
    a = ap.parse_args()

    from motoropt.case import load_case
    from motoropt.optimize.problem import parse_optimization

    case = load_case(CASE)
    spec = parse_optimization(case.free)
    print(f"case {CASE.name}: {len(case.variables)} variables, objectives "
          f"{[o.kpi for o in spec.objectives]}, map overrides {spec.map_overrides}; cores: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f} (other processes slow every figure below)")
    for label, ov in (("optimisation grid", spec.map_overrides), ("full 50x50 map", {})):
        r = raw_rate(case, spec, a.n_raw, ov)
        print(f"raw evaluation, 1 process, {label:18s}: {r['rate']:6.1f} designs/s "
              f"({r['errors']}/{a.n_raw} infeasible geometry); per design: "
              + ", ".join(f"{k} {v:.1f} ms" for k, v in r["stages"].items()))
    for w in (1, 2):
        print(f"process pool, {w} worker{'s' if w > 1 else ' '}, steady state: "
              f"{pool_rate(case, a.n_raw, spec.map_overrides, w):6.1f} designs/s")
    for w in (1, 2):
        r = run_rate(a.pop, a.generations, w)
        print(f"run_optimization, {w} worker{'s' if w > 1 else ' '}: {r['rate']:6.1f} designs/s "
              f"({r['n']} designs in {r['elapsed']:.1f} s incl. start-up; feasible {r['feasible']:.0%})")


if __name__ == "__main__":
    main()
