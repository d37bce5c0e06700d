"""Optimiser throughput on cases/prius_opt.toml: designs per second.

Run: ``python benchmarks/bench_optimize.py [--pop 100] [--generations 4] [--workers 2] [--n-raw 200]``

Prints, each against its target (issue 15: >= 150 designs/s on 2 workers, ``motoropt optimize``
itself >= 130 designs/s, on an idle 2-core machine):
1. the raw evaluation rate in this process (evaluate_chunk over random designs from the ranges,
   after warm-up) on the case's optimisation grids, with where the time goes per design (stages,
   numba kernels, Python; benchmarks/profiling.py);
2. the process pool's steady-state rate on 1 and ``--workers`` workers (workers started and
   warmed up first);
3. ``motoropt optimize`` itself (the command, pymoo, HDF5 storage and checkpoints; worker start-up
   included) with ``--pop``/``--generations``/``--workers``: the rate the command reports, and
   designs / the command's whole wall time.
The load average is printed: other processes on the cores slow every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profiling import profile_evaluations

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "prius_opt.toml"
TARGET_POOL = 150.0
TARGET_COMMAND = 130.0


def _verdict(value: float, target: float) -> str:
    return f"target >= {target:g}: {'met' if value >= target else 'MISSED'}"


def _designs(case, n: int, seed: int) -> list:
    from motoropt.optimize.problem import bounds, decode

    xl, xu = bounds(case.variables)
    rng = np.random.default_rng(seed)
    return [decode(case.variables, xl + rng.random(len(xl)) * (xu - xl)) for _ in range(n)]


def raw_rate(case, n: int, overrides: dict) -> dict:
    """Designs/s of evaluate_chunk in this process (wall and CPU), failures, and the stage profile."""
    from motoropt.optimize.problem import evaluate_chunk

    A = _designs(case, n, 0)
    evaluate_chunk(case, A[:3], overrides)  # warm-up (numba caches)
    t0, c0 = time.perf_counter(), time.process_time()
    res = evaluate_chunk(case, A, overrides)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    sub = A[:40]
    ms, table = profile_evaluations(lambda: evaluate_chunk(case, sub, overrides), n=1)
    return {"rate": n / dt, "cpu_rate": n / cpu, "errors": sum(1 for k, _ in res if k is None),
            "profile": table.replace(" ms ", " ms/40 "), "ms_per_design": ms / len(sub)}


def pool_rate(case, n: int, overrides: dict, workers: int) -> float:
    """Steady-state rate of the process-pool backend (workers started and warmed up first)."""
    from motoropt.optimize.runner import PoolBackend

    A = _designs(case, n, 1)
    be = PoolBackend(workers)
    try:
        list(be.map(case, A[: 4 * workers], overrides))  # start + warm up every worker
        t0 = time.perf_counter()
        n_done = sum(len(r) for _, r in be.map(case, A, overrides))
        return n_done / (time.perf_counter() - t0)
    finally:
        be.close()


def command_rate(pop: int, gens: int, workers: int) -> dict:
    """``motoropt optimize`` as a user runs it: (reported designs/s, designs / wall s, wall s)."""
    exe = Path(sys.executable).with_name("motoropt")
    with tempfile.TemporaryDirectory() as d:
        cmd = ([str(exe)] if exe.exists() else [sys.executable, "-m", "motoropt"]) + [
            "optimize", str(CASE), "--out", os.path.join(d, "run.h5"), "--pop", str(pop),
            "--generations", str(gens), "--workers", str(workers), "--quiet"]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True).stdout
        wall = time.perf_counter() - t0
    n = int(re.search(r"(\d+) designs in", out).group(1))
    rate = float(re.search(r"([\d.]+) designs/s this session", out).group(1))
    return {"rate": rate, "wall_rate": n / wall, "wall": wall, "n": n}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pop", type=int, default=100)
    ap.add_argument("--generations", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n-raw", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=2, help="runs of each rate (the best is reported)")
    a = ap.parse_args()

    from motoropt.case import load_case
    from motoropt.optimize.problem import parse_optimization

    case = load_case(CASE)
    spec = parse_optimization(case.free)
    print(f"case {CASE.name}: {len(case.variables)} variables, objectives "
          f"{[o.kpi for o in spec.objectives]}, map overrides {spec.map_overrides}; cores: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f} (other processes slow every figure below)")
    r = max((raw_rate(case, a.n_raw, spec.map_overrides) for _ in range(a.repeats)), key=lambda x: x["rate"])
    print(f"raw evaluation, 1 process: {r['rate']:6.1f} designs/s wall, {r['cpu_rate']:6.1f} designs/s CPU "
          f"({r['errors']}/{a.n_raw} failed: infeasible geometry)")
    print("  where the time goes (40 designs):")
    print(r["profile"])
    for w in sorted({1, a.workers}):
        rate = max(pool_rate(case, a.n_raw, spec.map_overrides, w) for _ in range(a.repeats))
        tgt = f"  ({_verdict(rate, TARGET_POOL)})" if w == a.workers else ""
        print(f"process pool, {w} worker{'s' if w > 1 else ' '}, steady state: {rate:6.1f} designs/s{tgt}")
    c = max((command_rate(a.pop, a.generations, a.workers) for _ in range(a.repeats)), key=lambda x: x["rate"])
    print(f"motoropt optimize --pop {a.pop} --generations {a.generations} --workers {a.workers}: "
          f"{c['rate']:6.1f} designs/s reported ({_verdict(c['rate'], TARGET_COMMAND)}); {c['n']} designs in "
          f"{c['wall']:.1f} s of command wall time ({c['wall_rate']:.1f} designs/s incl. interpreter start)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
