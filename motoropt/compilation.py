"""The numba kernel manifest, and compiling its kernels on every core ahead of a command.

numba compiles a kernel the first time it is called with new argument types, one kernel after the
other in the order a command reaches them: about 25 s of one core for ``motoropt evaluate`` on an
empty cache. The kernels a command needs, with their argument types, are known in advance: they
are listed in ``motoropt/data/kernel_signatures.json`` (the *manifest*, one entry per top-level
kernel and signature, with the command and design class that use it and its measured compile
seconds). :func:`precompile` compiles the entries of one command and design class that are not in
numba's on-disk cache yet, spread over up to ``os.cpu_count()`` processes (the largest kernels
first, each to the least-loaded process); each process writes numba's ordinary cache, from which
the command then loads every kernel. A warm cache costs one index look-up per entry (milliseconds).

This happens at two moments:

- when installing: an editable install (the README's ``pip install -e``) runs
  ``python -m motoropt.compilation`` from the build backend (``build_backend/motoropt_backend.py``),
  which compiles the entries of :data:`INSTALL_USES` into the source tree's cache; its build
  environment holds the same numba, numpy and scipy releases the install resolves to;
- before ``evaluate`` and ``optimize`` (:mod:`motoropt.cli.precompile`): whatever the cache lacks for
  the case's design class (another family, an edited source, another numba release).

The manifest is a record, not a requirement: a kernel or signature missing from it is compiled
by numba when the command first calls it, as before, just not in parallel. The manifest is
regenerated with ``python -m motoropt.cli.manifest_record --record`` (one ``evaluate`` per shipped case
and a short ``optimize``, each in a fresh process on a temporary cache) and checked by
``python -m motoropt.cli.manifest_record --check evaluate CASE`` (used by the tests): the top-level
kernels the command calls must all be listed.
``MOTOROPT_NO_PRECOMPILE=1`` in the environment turns both off (numba then compiles on first use).
Signatures are stored as JSON descriptions of numba types (scalars by name, arrays by dtype,
ndim, layout and read-only flag, tuples by their members), never as code.

This module imports numba and :mod:`motoropt.parallel` only (its layer is just above the kernels'),
and the kernel modules by name when compiling, so that the build backend can run it with nothing
but the kernels' own dependencies installed.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from numba import types as nbt

from motoropt.parallel import fast_start_method, make_process_pool

MANIFEST = Path(__file__).resolve().parent / "data" / "kernel_signatures.json"


# ---- numba types <-> JSON ----------------------------------------------------------------------------

def type_to_json(t):
    """A JSON description of a numba argument type (scalars, arrays, tuples)."""
    if isinstance(t, nbt.Array):
        return {"array": str(t.dtype), "ndim": t.ndim, "layout": t.layout, "readonly": not t.mutable}
    if isinstance(t, nbt.UniTuple):
        return {"unituple": type_to_json(t.dtype), "count": t.count}
    if isinstance(t, nbt.Tuple):
        return {"tuple": [type_to_json(x) for x in t.types]}
    if isinstance(t, (nbt.Boolean, nbt.Integer, nbt.Float)) and not isinstance(t, nbt.Literal):
        return str(t)
    raise TypeError(f"kernel argument type {t!r} has no manifest form")


def _scalar(name: str):
    t = nbt.boolean if name == "bool" else getattr(nbt, name, None)
    if not isinstance(t, (nbt.Boolean, nbt.Integer, nbt.Float)):
        raise ValueError(f"unknown scalar type {name!r} in the kernel manifest")
    return t


def type_from_json(j):
    """The numba type a :func:`type_to_json` description stands for."""
    if isinstance(j, str):
        return _scalar(j)
    if "array" in j:
        return nbt.Array(_scalar(j["array"]), int(j["ndim"]), j["layout"], readonly=bool(j["readonly"]))
    if "unituple" in j:
        return nbt.UniTuple(type_from_json(j["unituple"]), int(j["count"]))
    if "tuple" in j:
        return nbt.Tuple([type_from_json(x) for x in j["tuple"]])
    raise ValueError(f"unknown type description {j!r} in the kernel manifest")


# ---- manifest ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One kernel signature: ``module.name`` with argument types ``signature`` (JSON form), its
    compile time when recorded (s, the functions it calls included) and the ``uses`` keys
    (:func:`use_key`) that call it."""

    module: str
    name: str
    signature: tuple
    seconds: float
    uses: tuple

    def dispatcher(self):
        return getattr(importlib.import_module(self.module), self.name)

    def argtypes(self) -> tuple:
        return tuple(type_from_json(j) for j in self.signature)


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    """The manifest's entries ([] when the file is absent)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return [Entry(e["module"], e["name"], tuple(e["signature"]), float(e["seconds"]), tuple(e["uses"]))
            for e in data["kernels"]]


def use_key(command: str, design) -> str:
    """The manifest key of a command run on a design: ``"evaluate:pmsm.Design/cells"`` (the design
    class's family package and name, and the design's :meth:`kernel_variant` where its family
    has several sets of kernels, e.g. the MEC network kind)."""
    cls = type(design)
    key = f"{command}:{cls.__module__.removeprefix('motoropt.machines.').split('.')[0]}.{cls.__qualname__}"
    try:
        variant = design.kernel_variant()
    except Exception:  # an invalid design: its command reports the error itself
        variant = ""
    return f"{key}/{variant}" if variant else key


def is_cached(dispatcher, argtypes: tuple) -> bool:
    """Whether numba's on-disk cache holds the kernel for these argument types (for the current
    source, CPU and numba version). Reads the cache index only. Unknown cache internals (another
    numba version) count as cached, which turns parallel compilation off, never on."""
    try:
        cache = dispatcher._cache
        index = cache._cache_file._load_index()
        return cache._index_key(argtypes, dispatcher.targetctx.codegen()) in index
    except Exception:  # numba internals changed: fall back to numba's own compilation
        return True


def _compile_group(entries: list[Entry], stream_fd: int | None = None) -> list[tuple[str, float]]:
    """Compile entries in this process (numba saves each to its cache); (name, seconds) each."""
    out = []
    for e in entries:
        t0 = time.perf_counter()
        e.dispatcher().compile(e.argtypes())
        dt = time.perf_counter() - t0
        out.append((f"{e.module.removeprefix('motoropt.')}.{e.name}", dt))
        if stream_fd is not None:
            os.write(stream_fd, f"  {out[-1][0]} ... {dt:.1f} s (process {os.getpid()})\n".encode())
    return out


_BIG_S = 2.0  # kernels of one module at least this big (s) share their large callees: one process


def _bins(entries: list[Entry], n: int) -> list[list[Entry]]:
    """Longest-processing-time-first split of the entries into at most n groups of similar total
    seconds. Entries of one module recorded at >= 2 s each go together as one unit (the drive's
    envelope and point kernels share the point solver, which one process then compiles once);
    the rest are placed one by one."""
    units: dict = {}
    for e in entries:
        key = (e.module, "big") if e.seconds >= _BIG_S else (e.module, e.name, json.dumps(e.signature))
        units.setdefault(key, []).append(e)
    bins: list[list[Entry]] = [[] for _ in range(n)]
    load = [0.0] * n
    for unit in sorted(units.values(), key=lambda u: -sum(e.seconds for e in u)):
        k = min(range(n), key=lambda i: load[i])
        bins[k].extend(unit)
        load[k] += sum(e.seconds for e in unit)
    return [b for b in bins if b]


def precompile(keys: str | tuple[str, ...], workers: int | None = None, stream=None, label: str = "motoropt",
               manifest: list[Entry] | None = None) -> int:
    """Compile the manifest's kernels used by ``keys`` (one :func:`use_key` or several) that numba's
    cache lacks, on up to ``workers`` processes (default: the CPU count), printing progress to
    ``stream`` (default stderr). Returns the number of kernels compiled (0 on a warm cache, where it
    prints nothing)."""
    stream = sys.stderr if stream is None else stream
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    entries = [e for e in (load_manifest() if manifest is None else manifest) if any(k in e.uses for k in keys)]
    todo = []
    for e in entries:
        try:
            if not is_cached(e.dispatcher(), e.argtypes()):
                todo.append(e)
        except (ImportError, AttributeError, ValueError, TypeError):
            continue  # a stale manifest entry: numba compiles what the command needs itself
    if not todo:
        return 0
    n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    groups = _bins(todo, n)
    t0 = time.perf_counter()
    print(f"{label}: compiling {len(todo)} numba kernels on {len(groups)} process(es) (once; they are cached "
          f"for later runs)", file=stream, flush=True)
    try:  # worker processes write their progress lines to a duplicate of the stream's descriptor
        fd = os.dup(stream.fileno())
    except (AttributeError, OSError, ValueError):
        fd = None  # a stream without a descriptor: the lines are printed when all are done
    if len(groups) == 1:
        done = _compile_group(groups[0], fd)
    else:
        with make_process_pool(len(groups) - 1, start_method=fast_start_method()) as ex:
            futures = [ex.submit(_compile_group, g, fd) for g in groups[1:]]
            done = _compile_group(groups[0], fd)
            for f in futures:
                done += f.result()
    if fd is None:
        for name, dt in done:
            print(f"  {name} ... {dt:.1f} s", file=stream, flush=True)
    else:
        os.close(fd)
    print(f"{label}: {len(todo)} kernels compiled in {time.perf_counter() - t0:.0f} s "
          f"({sum(dt for _, dt in done):.0f} s of compilation)", file=stream, flush=True)
    return len(todo)




# compiled by an editable install (the README's first command): the V-IPM family's kernels, which
# ``motoropt evaluate cases/prius2004.toml`` and the README's ``optimize`` of cases/prius_opt.toml use.
# The other families' kernels compile before their first command (``evaluate``, ``optimize``).
INSTALL_USES = ("evaluate:pmsm.Design/cells", "optimize:pmsm.Design/cells")


def main(argv: list[str] | None = None) -> int:
    """``python -m motoropt.compilation [--all | USE ...]``: compile the manifest's kernels of the given
    uses (default :data:`INSTALL_USES`; ``--all``: every entry) into numba's cache, on every core."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(main.__doc__)
        return 0
    manifest = load_manifest()
    if args == ["--all"]:
        keys = tuple(sorted({u for e in manifest for u in e.uses}))
    else:
        known = {u for e in manifest for u in e.uses}
        unknown = [a for a in args if a not in known]
        if unknown:
            print(f"motoropt.compilation: unknown use {unknown[0]!r}; the manifest's uses are: "
                  + ", ".join(sorted(known)), file=sys.stderr)
            return 2
        keys = tuple(args) or INSTALL_USES
    precompile(keys, manifest=manifest, label="motoropt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
