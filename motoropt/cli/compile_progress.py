"""Progress of numba's compilation on a cold cache (the first command after installing).

numba compiles a kernel the first time it is called with new argument types, unless its
``cache=True`` file is on disk; that first run takes a minute on a small machine and prints
nothing by itself. :func:`report_compilation` listens to numba's ``numba:compile`` events (sent
only on a cache miss) and writes one line per kernel called from Python (not the functions it
calls, which compile inside it) to a stream: its name when it starts, and its seconds when done.
A warm cache sends no event, so a warm run prints nothing. The listener also keeps the outermost
compilations it saw (``compiled``: dispatcher, argument types, seconds), which the kernel manifest's
recorder reads (:mod:`motoropt.cli.manifest_record`).
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from numba.core import event


class _CompileListener(event.Listener):
    """Writes the kernels numba compiles from Python (outermost compilations) to ``stream``."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.depth = 0
        self.n = 0
        self.t_first = None
        self.t_start = 0.0
        self.compiled: list = []  # (dispatcher, argument types, seconds) of each outermost compilation

    def on_start(self, ev):
        if self.depth == 0:
            if self.t_first is None:
                self.t_first = time.perf_counter()
                print(f"{self.label}: compiling the numba kernels (first run after installing; they are cached "
                      f"for later runs)", file=self.stream, flush=True)
            self.n += 1
            self.t_start = time.perf_counter()
            f = ev.data["dispatcher"].py_func
            print(f"  [{self.n}] {f.__module__.removeprefix('motoropt.')}.{f.__qualname__} ...", end="",
                  file=self.stream, flush=True)
        self.depth += 1

    def on_end(self, ev):
        self.depth -= 1
        if self.depth == 0:
            dt = time.perf_counter() - self.t_start
            self.compiled.append((ev.data["dispatcher"], tuple(ev.data["args"]), dt))
            print(f" {dt:.1f} s", file=self.stream, flush=True)


@contextmanager
def report_compilation(label: str = "motoropt", stream=None, enabled: bool = True):
    """Within the block, print each kernel numba compiles (cold cache only) and, at the end, the
    total compile time, to ``stream`` (default stderr)."""
    if not enabled:
        yield
        return
    listener = _CompileListener(stream if stream is not None else sys.stderr, label)
    event.register("numba:compile", listener)
    try:
        yield listener
    finally:
        event.unregister("numba:compile", listener)
        if listener.t_first is not None:
            print(f"{label}: {listener.n} kernels compiled in {time.perf_counter() - listener.t_first:.0f} s",
                  file=listener.stream, flush=True)
