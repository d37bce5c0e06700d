"""motoropt's build backend: setuptools', plus compiling the numba kernels on an editable install.

``pip install -e .`` (the README's first command) builds an editable wheel with setuptools and then,
in the same build environment, runs ``python -m motoropt.compilation`` on the source tree: the
kernels that ``motoropt evaluate cases/prius2004.toml`` and the README's ``optimize`` need are
compiled on every core into numba's cache next to the sources (``motoropt/**/__pycache__``), where
the installed package finds them. The first command after installing then loads them (about 2 s)
instead of compiling them (30-40 s on two cores).

Assumptions, and what happens when one fails (the install itself never fails because of this step):

- the build environment holds the releases of numba, numpy, scipy and triangle that the install
  resolves to: pip resolves both from the same requirement strings (:func:`kernel_requirements`
  reads them from ``pyproject.toml``), so they agree unless the target environment already had an
  older numba. numba then finds the cache stale (its index names the numba release) and the first
  command compiles, as without this step;
- the sources are not edited afterwards (an edit of a kernel's sources compiles them again, once);
- ``MOTOROPT_NO_PRECOMPILE=1`` in the environment skips the step; a wheel or sdist build never
  runs it (an installed wheel's files get new times, which numba's cache stamp would not match).

pip shows the step's output with ``pip install -v``; without ``-v`` it shows the build's spinner.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 (the PEP 517 hooks this module does not change)

ROOT = Path(__file__).resolve().parent.parent

# the distributions the kernel modules import (python -m motoropt.compilation imports nothing else;
# tests/test_build_backend.py checks this)
KERNEL_DISTRIBUTIONS = ("numpy", "numba", "scipy", "triangle")


def _name(requirement: str) -> str:
    name = requirement.strip()
    for stop in "<>=!~;[ ":
        name = name.split(stop, 1)[0]
    return name.lower()


def kernel_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The project's own requirement strings for :data:`KERNEL_DISTRIBUTIONS` (one source of truth)."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    found = [d for d in deps if _name(d) in KERNEL_DISTRIBUTIONS]
    missing = set(KERNEL_DISTRIBUTIONS) - {_name(d) for d in found}
    if missing:
        raise RuntimeError(f"pyproject.toml's dependencies lack {sorted(missing)}")
    return found


def get_requires_for_build_editable(config_settings=None):
    return [*_setuptools.get_requires_for_build_editable(config_settings), *kernel_requirements()]


def compile_kernels(root: Path = ROOT) -> bool:
    """Run ``python -m motoropt.compilation`` on the source tree ``root`` (its output goes to this
    process's); True when it succeeded. A failure is reported on stderr and leaves compiling to the
    first command. ``NUMBA_CACHE_DIR``, where set, applies here as it will when the package runs."""
    if os.environ.get("MOTOROPT_NO_PRECOMPILE"):
        print("motoropt: MOTOROPT_NO_PRECOMPILE is set; the kernels compile on first use", file=sys.stderr, flush=True)
        return False
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    t0 = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "motoropt.compilation"], cwd=root, env=env, check=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as e:
        print(f"motoropt: compiling the numba kernels at install failed ({e}); the first command compiles them",
              file=sys.stderr, flush=True)
        return False
    print(f"motoropt: numba kernels compiled at install in {time.perf_counter() - t0:.0f} s", file=sys.stderr,
          flush=True)
    return True


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    compile_kernels()
    return name
