"""Recording and checking the kernel manifest of :mod:`motoropt.compilation`.

``python -m motoropt.cli.manifest_record --record`` rewrites ``motoropt/data/kernel_signatures.json``:
one ``motoropt evaluate`` per shipped case and a short ``motoropt optimize``, each in a fresh process
on one temporary numba cache (so compile times are measured), observed through numba's compile
events (top-level kernels called from Python) and cache hits. ``--check evaluate CASE`` exits 1 when
the command calls a top-level kernel signature the manifest does not list for the case's key.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from numba.core.registry import CPUDispatcher

from motoropt.cli.compile_progress import report_compilation
from motoropt.cli.main import main
from motoropt.cli.precompile import case_key
from motoropt.compilation import MANIFEST, Entry, load_manifest, type_to_json

_ROOT = Path(__file__).resolve().parents[2]


def _observe(command_argv: list[str]) -> dict:
    """Run ``motoropt COMMAND_ARGV`` in this process and return the top-level kernels it called:
    {(module, name, signature JSON): seconds compiled (0 when loaded from the cache)}: the outermost
    compilations numba reports, and the kernels loaded from the cache (only a kernel called from
    Python is loaded by itself; its callees come inside it)."""
    def key(d, argtypes):
        return d.py_func.__module__, d.py_func.__name__, json.dumps([type_to_json(t) for t in argtypes])

    os.environ["MOTOROPT_NO_PRECOMPILE"] = "1"  # observe what the command itself calls
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with report_compilation("observe", stream=io.StringIO()) as listener:
            try:
                main(command_argv)
            except SystemExit:
                pass
    seen = {key(d, args): dt for d, args, dt in listener.compiled}
    for name, mod in list(sys.modules.items()):
        if not name.startswith("motoropt"):
            continue
        for attr, d in list(vars(mod).items()):
            if isinstance(d, CPUDispatcher) and d.py_func.__module__ == name and d.py_func.__name__ == attr:
                for sig in d._cache_hits:
                    seen.setdefault(key(d, sig), 0.0)
    return seen


def _record_runs(cases: list[str], run_file: Path) -> list[tuple[str, list[str]]]:
    """(use key, motoropt argv) of the recorded runs; the optimize writes ``run_file``."""
    runs = [(case_key("evaluate", c), ["evaluate", c]) for c in cases]
    runs.append((case_key("optimize", "cases/prius_opt.toml"),
                 ["optimize", "cases/prius_opt.toml", "--out", str(run_file), "--pop", "4", "--generations", "1",
                  "--workers", "1"]))
    return runs


def record(cases: list[str], path: Path = MANIFEST) -> list[Entry]:
    """Record the manifest: each run in a fresh process on one temporary numba cache (so compile
    times are measured), merged into one entry per kernel signature. Writes ``path``."""
    merged: dict = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, MPLBACKEND="Agg", MOTOROPT_NO_PRECOMPILE="1")
        for key, argv in _record_runs(cases, Path(cache) / "run.h5"):
            print(f"recording {key}: motoropt {' '.join(argv)}", file=sys.stderr, flush=True)
            r = subprocess.run([sys.executable, "-m", "motoropt.cli.manifest_record", "--observe", *argv],
                               env=env, cwd=_ROOT, capture_output=True, text=True, check=True)
            for mod, name, sig, secs in json.loads(r.stdout.strip().splitlines()[-1]):
                m = merged.setdefault((mod, name, sig), {"seconds": 0.0, "uses": set()})
                m["seconds"] = max(m["seconds"], secs)
                m["uses"].add(key)
    entries = [Entry(mod, name, tuple(json.loads(sig)), round(v["seconds"], 2), tuple(sorted(v["uses"])))
               for (mod, name, sig), v in sorted(merged.items())]
    doc = {"about": "numba kernels and argument types per command and design class, for parallel "
                    "compilation on a cold cache (motoropt/compilation.py); regenerate with "
                    "`python -m motoropt.cli.manifest_record --record`",
           "kernels": [{"module": e.module, "name": e.name, "signature": list(e.signature),
                        "seconds": e.seconds, "uses": list(e.uses)} for e in entries]}
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return entries


def missing_entries(command_argv: list[str], key: str, manifest: list[Entry] | None = None) -> list[str]:
    """Top-level kernels that ``motoropt COMMAND_ARGV`` calls but the manifest does not list for ``key``."""
    listed = {(e.module, e.name, json.dumps(list(e.signature))) for e in
              (load_manifest() if manifest is None else manifest) if key in e.uses}
    return [f"{m}.{n}{s}" for (m, n, s) in _observe(command_argv) if (m, n, s) not in listed]


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m motoropt.cli.manifest_record", description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--record", action="store_true", help="rewrite the manifest from the shipped cases")
    g.add_argument("--check", nargs=2, metavar=("COMMAND", "CASE"),
                   help="exit 1 when COMMAND on CASE calls a kernel signature the manifest lacks")
    g.add_argument("--observe", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.observe is not None:
        seen = _observe(a.observe)
        print(json.dumps([[m, n, s, t] for (m, n, s), t in seen.items()]))
        return 0
    if a.record:
        cases = sorted(str(p.relative_to(_ROOT)) for p in (_ROOT / "cases").rglob("*.toml"))
        entries = record(cases)
        print(f"wrote {MANIFEST}: {len(entries)} kernel signatures")
        return 0
    command, case = a.check
    if command != "evaluate":
        ap.error("--check supports COMMAND = evaluate")
    miss = missing_entries(["evaluate", case], case_key("evaluate", case))
    for m in miss:
        print(f"not in the manifest: {m}")
    return 1 if miss else 0


if __name__ == "__main__":
    raise SystemExit(_main())
