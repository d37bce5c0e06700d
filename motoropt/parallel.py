"""Child processes that never outlive motoropt.

A process pool's workers (and a program such as FEMM under wine) are children of motoropt. If
motoropt is killed with SIGKILL (a batch scheduler, the OOM killer, ``kill -9``) nothing in it runs
again, so the children must watch their parent themselves. Two independent mechanisms are used:

- Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (through ctypes) asks the kernel to SIGKILL the child
  when its parent dies. The kernel ties this to the parent *thread* that started the child, so
  create a pool in the thread that will use it and keep that thread alive while the pool lives
  (the optimiser does).
- Everywhere (POSIX and Windows): a daemon thread in each pool worker blocks on
  ``multiprocessing.parent_process().sentinel`` (the read end of a pipe whose write end only the
  parent holds; it becomes readable when the parent process is gone) and then ends the worker
  with ``os._exit``. When no sentinel is available it polls ``os.getppid()`` once a second.

Workers ignore SIGINT and SIGTERM: a Ctrl-C in a terminal or a scheduler's SIGTERM reaches the
whole process group, and the parent decides how to stop (it finishes or abandons the chunks in
flight and then kills the workers with :func:`kill_pool`).

Use :func:`make_process_pool` for a ``ProcessPoolExecutor`` (spawned workers, or forked ones:
:func:`fast_start_method`) and :func:`popen_dies_with_parent` for a non-Python program.

Start methods: a spawned worker starts a new interpreter, imports motoropt (~1 s) and loads every
numba kernel from the cache on its first task (~0.5 s); a forked worker (Linux) starts at once with
the parent's modules and loaded kernels (copy-on-write). Forking is safe here because the parent
forks from the thread that owns the pool, holds no lock another thread could own at that moment
(motoropt starts no threads before its pools, and a progress bar is created after them), and the
workers use no BLAS threads for the models' small dense solves.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent thread ends.
    Returns False where this is not available (other systems, or prctl refused)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_parent_dies(parent_pid: int) -> None:
    """Block until the parent process is gone, then end this process at once (no cleanup: the
    work in progress belongs to a run that no longer exists)."""
    parent = mp.parent_process()
    if parent is not None and getattr(parent, "sentinel", None) is not None:
        from multiprocessing.connection import wait

        try:
            wait([parent.sentinel])
        except OSError:
            pass
    else:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
    os._exit(1)


def start_parent_watchdog(parent_pid: int) -> threading.Thread:
    """Daemon thread that ends this process when ``parent_pid`` (its parent) dies."""
    t = threading.Thread(target=_exit_when_parent_dies, args=(parent_pid,), name="motoropt-parent-watchdog",
                         daemon=True)
    t.start()
    return t


def worker_initializer(parent_pid: int, initializer=None, initargs=()) -> None:
    """Initialiser of every pool worker: ignore SIGINT/SIGTERM, die with the parent (death signal
    on Linux and a watchdog thread everywhere), then run the caller's ``initializer(*initargs)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    start_parent_watchdog(parent_pid)
    if initializer is not None:
        initializer(*initargs)


#: environment variables that set the BLAS/OpenMP thread count numpy's BLAS starts with
BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_single_blas_thread() -> None:
    """One BLAS thread unless the user set a count (read when numpy loads, so call this first).

    motoropt runs in parallel by processes; its dense linear algebra is small (MEC networks, Kron
    reductions), where OpenBLAS threads only spin: with default threads a tooth-coil case's single
    evaluation used 2 cores and took longer (outer_rotor_halbach 80 vs 71 ms on 2 cores), and 2
    optimiser workers did not scale."""
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, "1")


def fast_start_method() -> str:
    """"fork" on Linux (workers start at once with this process's loaded kernels), else "spawn"."""
    return "fork" if sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods() else "spawn"


def make_process_pool(workers: int, initializer=None, initargs=(), start_method: str = "spawn") -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` processes started by ``start_method`` ("spawn", or
    "fork": see the module docstring) that die with this process; ``initializer(*initargs)`` runs
    in each worker after that is set up."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(start_method),
                               initializer=worker_initializer, initargs=(os.getpid(), initializer, initargs))


def kill_pool(ex: ProcessPoolExecutor) -> None:
    """Abandon a pool: cancel the queued tasks, SIGKILL the workers (their running tasks are
    dropped) and release the executor without waiting for them."""
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for p in procs:
        try:
            p.join(5.0)
        except (OSError, ValueError, AssertionError):
            pass


# A trampoline run with the same Python: arms the death signal (Linux) and execs the program, so
# the program itself carries it; elsewhere it stays as the program's parent and kills it when the
# original parent is gone. It imports nothing from motoropt (fast start, no side effects).
_TRAMPOLINE = r"""
import ctypes, os, signal, subprocess, sys, time
ppid, argv = int(sys.argv[1]), sys.argv[2:]
armed = False
if sys.platform.startswith("linux"):
    try:
        armed = ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0
    except Exception:
        armed = False
if os.getppid() != ppid:
    sys.exit(1)
if armed:
    os.execvp(argv[0], argv)
child = subprocess.Popen(argv)
while child.poll() is None:
    if os.getppid() != ppid:
        child.kill()
        break
    time.sleep(0.5)
sys.exit(child.wait())
"""


def popen_dies_with_parent(argv, **kwargs) -> subprocess.Popen:
    """``subprocess.Popen(argv, **kwargs)`` for a program that must not outlive this process.

    On Linux the returned process is the program itself (exec'd after ``PR_SET_PDEATHSIG``); on
    other systems it is a small Python watchdog whose only child is the program. Start it from the
    thread that keeps running while the program is needed (see the module docstring)."""
    return subprocess.Popen([sys.executable, "-c", _TRAMPOLINE, str(os.getpid()), *map(str, argv)], **kwargs)
