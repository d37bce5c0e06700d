"""numba's ``njit`` for motoropt's kernels, with an on-disk cache that goes stale with its sources.

Every kernel module imports ``njit`` from here, never from numba, so that this module has set up
the cache before the first kernel is decorated.

numba stamps a cached kernel with the contents of its own source file only. A kernel that calls
or inlines a function of another module, or reads a module-level constant of another module,
is compiled against those sources, yet numba loads it from the cache after they have changed. For
example, after an update of ``drive/losses.py`` alone, the cached point solver of
``drive/control.py`` would keep the old loss model, and nothing would say so.

Here the stamp of every motoropt kernel is numba's own stamp plus a digest of every source file
that kernels can reach. Those are the modules of the lower layers of the import contract in
``pyproject.toml``: ``system | thermal`` and every layer below it (:data:`KERNEL_LAYERS`). A change
to any of these files compiles the kernels again, once, on the next run (in parallel, where
:mod:`motoropt.compilation` does it). Changes to the upper layers (evaluation, optimiser, CLI,
review) keep the cache. The digest is a SHA-256 of the files' paths and contents (about 1 MB),
computed once per process.

This uses numba's cache-locator classes, which are internal. If a numba version lacks them, the
kernels are cached with numba's own stamp, as before, and a warning says so.

Helpers that allocate no array are compiled with ``njit(..., _nrt=False)`` (numba's option: no
reference counting in that function). numba counts references to every array a function holds, and
a called (not inlined) function takes a reference to each array argument on entry and drops it on
every exit: two atomic operations per array per call, which its reference-count pruning cannot
remove across loops and branches. In the PM point solver these took over half the time (perf,
prius_opt: 2.3 -> 0.8 ms per map call; the MEC flux map 5.5 -> 3.1 ms). Without reference
counting a function borrows its caller's arrays, so it must not return an array argument or a view
of one, and it cannot allocate (numba refuses that at compile time: "NRT required but not
enabled"); tests/test_jit.py checks the first rule on the sources. Results are the same bit for bit.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from pathlib import Path

from numba import njit
from numba.core import caching as _caching

__all__ = ["KERNEL_LAYERS", "njit", "sources_digest"]

PACKAGE_DIR = Path(__file__).resolve().parent

# the modules and packages a kernel can import, by the layers contract of pyproject.toml: the layer
# "motoropt.system | motoropt.thermal" and every layer below it
KERNEL_LAYERS = ("system", "thermal", "machines", "drive", "inverter", "vehicle", "mission", "gear", "cycles",
                 "magnetics", "geometry", "windings", "materials", "mechanics", "errors", "constants", "results",
                 "parallel", "jit", "memo")


def kernel_source_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """The .py files of :data:`KERNEL_LAYERS` under the package directory ``root``, sorted."""
    files = []
    for name in KERNEL_LAYERS:
        module = root / f"{name}.py"
        if module.is_file():
            files.append(module)
        package = root / name
        if package.is_dir():
            files.extend(package.rglob("*.py"))
    return sorted(files)


def sources_digest(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 (hex) of the relative paths and contents of :func:`kernel_source_files`."""
    h = hashlib.sha256()
    for f in kernel_source_files(root):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _package_digest() -> str:
    return sources_digest(PACKAGE_DIR)


def _in_package(py_file) -> bool:
    try:
        return Path(py_file).resolve().is_relative_to(PACKAGE_DIR)
    except (OSError, ValueError):
        return False


def _stamped(base):
    """A subclass of numba's locator ``base`` for motoropt's files whose stamp adds the digest."""

    class Locator(base):
        @classmethod
        def from_function(cls, py_func, py_file):
            if not _in_package(py_file):
                return None
            return super().from_function(py_func, py_file)

        def get_source_stamp(self):
            return (super().get_source_stamp(), _package_digest())

    Locator.__name__ = Locator.__qualname__ = "Motoropt" + base.__name__.lstrip("_")
    return Locator


def _install() -> bool:
    """Put a stamped locator in front of each of numba's source-file locators (once)."""
    impl = getattr(_caching, "CacheImpl", None) or getattr(_caching, "_CacheImpl", None)
    classes = getattr(impl, "_locator_classes", None)
    if not isinstance(classes, list):
        return False
    if any(getattr(c, "_motoropt", False) for c in classes):
        return True
    names = ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")
    bases = [getattr(_caching, n, None) or getattr(_caching, "_" + n, None) for n in names]
    if any(b is None or b not in classes for b in bases):
        return False
    for base in bases:
        loc = _stamped(base)
        loc._motoropt = True
        classes.insert(classes.index(base), loc)
    return True


INSTALLED = _install()
if not INSTALLED:
    warnings.warn("motoropt.jit: this numba version's cache locators are unknown; cached kernels are stamped "
                  "with their own source file only (clear __pycache__ after changing motoropt's sources)",
                  RuntimeWarning, stacklevel=1)
