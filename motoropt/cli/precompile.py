"""Compiling the numba kernels a command needs before it runs (see :mod:`motoropt.compilation`).

``evaluate`` and ``optimize`` call :func:`precompile_for_case` first: on a cold cache it compiles the
kernels of the case's design class on every core, on a warm cache it costs milliseconds.
"""

from __future__ import annotations

import os
import sys

from motoropt.case import load_case, nominal_design
from motoropt.compilation import precompile, use_key
from motoropt.errors import MotoroptError


def case_key(command: str, case_path) -> str:
    """:func:`use_key` of a command run on a case file's nominal design."""
    return use_key(command, nominal_design(load_case(case_path)))


def precompile_for_case(command: str, case_path, stream=None, workers: int | None = None) -> int:
    """:func:`precompile` for a command about to run on a case file's nominal design. A case that
    does not load compiles nothing here (the command reports the error itself); a failure of the
    parallel compilation is reported in one line and leaves the compiling to numba, as without it."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("MOTOROPT_NO_PRECOMPILE"):
        return 0
    try:
        key = case_key(command, case_path)
    except (MotoroptError, OSError, ValueError):
        return 0
    try:
        return precompile(key, workers=workers, stream=stream, label=command)
    except Exception as e:  # e.g. a worker process killed: the command compiles what it needs itself
        print(f"{command}: parallel compilation failed ({type(e).__name__}: {e}); compiling on first use",
              file=stream, flush=True)
        return 0
