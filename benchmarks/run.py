"""Evaluation benchmarks: `python benchmarks/run.py [--n 20] [--no-cold] [--cases PATTERN]`.

Prints, each against its target (issue 15):
1. cold start, wall and CPU time of each process, each on a new temporary numba cache
   (NUMBA_CACHE_DIR):
   - the compilation an editable install runs (``python -m motoropt.compilation``, what
     ``pip install -e`` runs in its build backend), then the first ``motoropt evaluate
     cases/prius2004.toml`` on that cache: the first result after the README's install (target:
     <= 15 s);
   - ``motoropt evaluate cases/prius2004.toml`` on an empty cache (an install without that step:
     a wheel, ``MOTOROPT_NO_PRECOMPILE=1``, another numba release), then on that cache warm;
2. one full design evaluation after warm-up, on one core, for every shipped case: flux map,
   the case's efficiency map (50 x 50), its cycles, the system and thermal stages; median and
   minimum wall time and the median CPU time of ``n`` evaluations (targets: Prius <= 20 ms,
   every case <= 30 ms), and where the time goes: per stage, per numba kernel and the Python
   around them (benchmarks/profiling.py).
The machine's load average is printed: other processes on the cores slow every figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from motoropt.parallel import default_single_blas_thread

default_single_blas_thread()  # "on one core", as the CLI: before numpy loads (profiling imports it)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profiling import profile_evaluations  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_COLD_S = 15.0
TARGET_PRIUS_MS = 20.0
TARGET_CASE_MS = 30.0


def _verdict(value: float, target: float, unit: str) -> str:
    return f"target <= {target:g} {unit}: {'met' if value <= target else 'MISSED'}"


def cold_start(case: Path, cache_dir: str) -> tuple[float, float]:
    """(wall s, CPU s) of ``motoropt evaluate case`` in a new process with NUMBA_CACHE_DIR=cache_dir."""
    exe = Path(sys.executable).with_name("motoropt")
    cmd = [str(exe), "evaluate", str(case)] if exe.exists() else [sys.executable, "-m", "motoropt", "evaluate", str(case)]
    return timed(cmd, cache_dir)


def timed(cmd: list[str], cache_dir: str) -> tuple[float, float]:
    """(wall s, CPU s) of the command in a new process with NUMBA_CACHE_DIR=cache_dir."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, MPLBACKEND="Agg")
    env.pop("MOTOROPT_NO_PRECOMPILE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def warm_eval(case: Path, n: int = 20) -> dict:
    """Wall (median, min) and CPU (median) ms of n evaluations after warm-up, and the profile."""
    from motoropt.case import design_from_values, load_case
    from motoropt.evaluation.pipeline import evaluate_design

    c = load_case(case)
    d = design_from_values(c.nominal(), c.free)
    evaluate_design(d)
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        evaluate_design(d)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    wall.sort()
    cpu.sort()
    _, table = profile_evaluations(lambda: evaluate_design(d), n=5)
    return {"median_ms": 1e3 * wall[n // 2], "min_ms": 1e3 * wall[0], "cpu_ms": 1e3 * cpu[n // 2], "profile": table}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20, help="evaluations per case")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-start measurement")
    ap.add_argument("--cases", default="*.toml", help="glob under cases/ (recursive)")
    a = ap.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    print(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} "
          "(other processes on the cores slow every figure)")
    prius = ROOT / "cases" / "prius2004.toml"
    if not a.no_cold:
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = timed([sys.executable, "-m", "motoropt.compilation"], tmp)
            print(f"compilation at install (`pip install -e` runs `python -m motoropt.compilation`): "
                  f"{wall:6.2f} s wall, {cpu:6.2f} s CPU")
            wall, cpu = cold_start(prius, tmp)
            print(f"first `motoropt evaluate cases/prius2004.toml` after it (the README's install)   : "
                  f"{wall:6.2f} s wall, {cpu:6.2f} s CPU  ({_verdict(wall, TARGET_COLD_S, 's')})")
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu = cold_start(prius, tmp)
            print(f"first `motoropt evaluate cases/prius2004.toml` on an empty cache (no install step): "
                  f"{wall:6.2f} s wall, {cpu:6.2f} s CPU")
            wall, cpu = cold_start(prius, tmp)
            print(f"second run, warm cache                                                       : "
                  f"{wall:6.2f} s wall, {cpu:6.2f} s CPU")
    print()
    print("full design evaluation after warm-up (one core; the case's flux map, efficiency map, cycles, system, "
          "thermal):")
    for case in sorted((ROOT / "cases").rglob(a.cases)):
        rel = str(case.relative_to(ROOT))
        try:
            r = warm_eval(case, a.n)
        except Exception as e:  # a case of a family whose model is not in yet
            print(f"  {rel}: not evaluated ({type(e).__name__}: {e})")
            continue
        target = TARGET_PRIUS_MS if case.name == "prius2004.toml" else TARGET_CASE_MS
        print(f"  {rel:44s} median {r['median_ms']:6.1f} ms, min {r['min_ms']:6.1f} ms, CPU {r['cpu_ms']:6.1f} ms  "
              f"({_verdict(r['median_ms'], target, 'ms')})")
        print(r["profile"])
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
