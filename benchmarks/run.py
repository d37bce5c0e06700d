"""Kernel benchmarks: `python benchmarks/run.py` prints numbers (no pass/fail).

1. numba cold start: a fresh process evaluating the Prius case with an empty cache (NUMBA_CACHE_DIR
   pointed at a new temporary folder) and with the warm cache.
2. One full design evaluation after warm-up: flux map (MEC) + 50x50 efficiency map + WLTC + UDDS +
   HWFET (+ the system/thermal models when their case sections are present), on one core.
3. The same for every shipped case that evaluates.
Target (issue 2): <= 20 ms per full evaluation on one core.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = ("import time; t=time.perf_counter(); from motoropt.evaluation.pipeline import evaluate_case; "
           "evaluate_case(r'{case}'); print(time.perf_counter()-t)")


def cold_start(case: Path, cache_dir: str | None) -> float:
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", SNIPPET.format(case=case)], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    return wall, float(out.stdout.strip().splitlines()[-1])


def warm_eval(case: Path, n: int = 20) -> dict:
    from motoropt.case import design_from_values, load_case
    from motoropt.evaluation.pipeline import evaluate_design

    c = load_case(case)
    d = design_from_values(c.nominal(), c.free)
    evaluate_design(d)
    times, parts = [], {}
    for _ in range(n):
        t0 = time.perf_counter()
        ev = evaluate_design(d)
        times.append(time.perf_counter() - t0)
        for k, v in ev.timings.items():
            parts.setdefault(k, []).append(v)
    times.sort()
    return {"median_ms": 1e3 * times[len(times) // 2], "min_ms": 1e3 * times[0],
            **{f"{k}_ms": 1e3 * sorted(v)[len(v) // 2] for k, v in parts.items()}}


def main() -> None:
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    prius = ROOT / "cases" / "prius2004.toml"
    with tempfile.TemporaryDirectory() as tmp:
        wall, inner = cold_start(prius, tmp)
        print(f"numba cold start, empty cache : {wall:7.2f} s process wall, {inner:6.2f} s import+evaluate")
        wall, inner = cold_start(prius, tmp)
        print(f"numba cold start, warm cache  : {wall:7.2f} s process wall, {inner:6.2f} s import+evaluate")
    print()
    print("full design evaluation after warm-up (one core; 50x50 map + cycles of the case):")
    for case in sorted((ROOT / "cases").rglob("*.toml")):
        try:
            r = warm_eval(case)
        except Exception as e:  # a case of a family whose model is not in yet
            print(f"  {case.relative_to(ROOT)}: not evaluated ({type(e).__name__}: {e})")
            continue
        parts = ", ".join(f"{k[:-3]} {v:.1f}" for k, v in r.items() if k not in ("median_ms", "min_ms"))
        print(f"  {str(case.relative_to(ROOT)):40s} median {r['median_ms']:7.1f} ms  (min {r['min_ms']:.1f}; {parts} ms)")
    print("target: <= 20 ms per full evaluation (issue 2)")


if __name__ == "__main__":
    main()
