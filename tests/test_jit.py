"""motoropt.jit: the kernels' on-disk cache goes stale with every source a kernel can reach."""

import ast
import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from numba.core.registry import CPUDispatcher

from motoropt import jit

ROOT = Path(__file__).resolve().parents[1]
KERNEL_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "motoropt").rglob("*.py") if "njit(" in p.read_text())


def test_kernel_modules_take_njit_from_motoropt_jit():
    """No module decorates with numba's own njit: every kernel gets the stamped cache."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "motoropt").rglob("*.py")
                 if p.name != "jit.py" and "from numba import njit" in p.read_text()]
    assert offenders == []
    assert len(KERNEL_MODULES) >= 14


def test_every_cached_kernel_is_stamped_with_the_sources_digest():
    """Each cached dispatcher of each kernel module has motoropt's locator, whose stamp is numba's
    own plus the digest of the kernel layers' sources."""
    assert jit.INSTALLED
    digest = jit.sources_digest()
    checked = 0
    for name in KERNEL_MODULES:
        mod = importlib.import_module(name)
        for obj in vars(mod).values():
            if isinstance(obj, CPUDispatcher) and obj.__module__ == name and obj._cache.__class__.__name__ != "NullCache":
                loc = obj._cache._impl.locator
                assert type(loc).__name__.startswith("Motoropt"), (name, obj.__name__)
                assert loc.get_source_stamp()[1] == digest
                checked += 1
    assert checked > 100


def test_kernel_layers_are_the_import_contracts_lower_layers():
    """KERNEL_LAYERS = the layer holding motoropt.thermal and every layer below it in pyproject.toml,
    and every module with a kernel lies in one of them."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    first = next(i for i, layer in enumerate(layers) if "motoropt.thermal" in layer)
    below = {m.strip().removeprefix("motoropt.") for layer in layers[first:] for m in layer.split("|")}
    assert below == set(jit.KERNEL_LAYERS)
    assert {m.split(".")[1] for m in KERNEL_MODULES} <= set(jit.KERNEL_LAYERS)


def test_digest_changes_with_kernel_layer_sources_only(tmp_path):
    """A package tree: editing a kernel layer's file (a subpackage module or a top-level module)
    changes the digest; editing an upper layer's file (cli) does not."""
    for rel in ("drive/control.py", "drive/sub/deep.py", "constants.py", "cli/main.py", "evaluation.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"# {rel}\n")
    d0 = jit.sources_digest(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in jit.kernel_source_files(tmp_path)] == [
        "constants.py", "drive/control.py", "drive/sub/deep.py"]
    (tmp_path / "cli/main.py").write_text("# edited\n")
    (tmp_path / "evaluation.py").write_text("# edited\n")
    assert jit.sources_digest(tmp_path) == d0
    for rel in ("drive/sub/deep.py", "constants.py"):
        before = jit.sources_digest(tmp_path)
        (tmp_path / rel).write_text("# edited\n")
        assert jit.sources_digest(tmp_path) != before


_CHECK = """
import sys
import numpy as np
import motoropt.jit as jit
if sys.argv[1] == "changed":
    jit._package_digest = lambda: "another source tree"
from motoropt.compilation import is_cached
from motoropt.thermal.kernels import _run_dt
sig = (_run_dt.typeof_pyval(np.ones(3)),)
print(is_cached(_run_dt, sig))
if sys.argv[1] == "compile":
    _run_dt(np.ones(3))
"""


@pytest.mark.slow
def test_a_cached_kernel_is_stale_once_the_sources_change(tmp_path):
    """In fresh processes on an empty cache: a kernel compiled and cached is found by the next
    process, but not by one whose sources digest differs (a dependency of the kernel changed)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}

    def run(mode):
        out = subprocess.run([sys.executable, "-c", _CHECK, mode], env=env, cwd=ROOT, capture_output=True,
                             text=True, check=True)
        return out.stdout.split()[-1]

    assert run("compile") == "False"
    assert run("same") == "True"
    assert run("changed") == "False"



def _no_refcount_functions(source: str):
    """The function nodes of ``source`` decorated with ``_nrt=False``."""
    return [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and any(k.arg == "_nrt" for k in d.keywords) for d in n.decorator_list)]


def _returned_borrowed_arrays(fn) -> list[str]:
    """Return values of ``fn`` that are one of its array parameters or a slice (view) of anything.
    Array parameters: those the body subscripts or asks the shape, size, ndim or transpose of."""
    params = {a.arg for a in fn.args.args}
    arrays = {n.value.id for n in ast.walk(fn) if isinstance(n, (ast.Subscript, ast.Attribute))
              and isinstance(n.value, ast.Name) and n.value.id in params
              and (isinstance(n, ast.Subscript) or n.attr in ("shape", "size", "ndim", "T"))}
    out = []
    for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None):
        for it in (ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]):
            bare = isinstance(it, ast.Name) and it.id in arrays
            view = isinstance(it, ast.Subscript) and any(isinstance(s, ast.Slice) for s in ast.walk(it.slice))
            if bare or view:
                out.append(f"{fn.name} returns {ast.unparse(it)}")
    return out


def test_functions_without_refcounting_return_no_borrowed_array():
    """A function compiled without reference counting (``_nrt=False``, motoropt.jit's docstring)
    borrows its caller's arrays: it must not return one (its caller would drop a reference it never
    took) nor a view of one. numba itself refuses an allocation in such a function."""
    found, offenders = 0, []
    for p in sorted((ROOT / "motoropt").rglob("*.py")):
        for fn in _no_refcount_functions(p.read_text()):
            found += 1
            offenders += [f"{p.relative_to(ROOT)}:{r}" for r in _returned_borrowed_arrays(fn)]
    assert found >= 40
    assert offenders == []


def test_the_borrowed_array_rule_flags_an_array_argument_and_a_view():
    """The rule above on a made-up module: f returns its array argument, g a slice of one, h a
    scalar element and a scalar argument (allowed)."""
    src = ("@njit(cache=True, _nrt=False)\ndef f(a, x):\n    a[0] = x\n    return a\n\n"
           "@njit(cache=True, _nrt=False)\ndef g(a, x):\n    return x, a[1:]\n\n"
           "@njit(cache=True, _nrt=False)\ndef h(a, x):\n    return a[0], x\n\n"
           "@njit(cache=True)\ndef k(a):\n    return a\n")
    fns = _no_refcount_functions(src)
    assert [f.name for f in fns] == ["f", "g", "h"]
    assert [_returned_borrowed_arrays(f) for f in fns] == [["f returns a"], ["g returns a[1:]"], []]


def _njit_options(source: str) -> dict:
    """{function name: set of njit keyword names} of the njit-decorated functions in ``source``."""
    out = {}
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.FunctionDef):
            for d in n.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "njit":
                    out[n.name] = {k.arg for k in d.keywords}
    return out


# counting kernels that take and return scalars only (public loss formulas, also called from Python):
# nothing to leak
SCALAR_KERNELS = {"bearing_loss", "windage_loss", "plate_skin_factor"}


def test_functions_without_refcounting_call_no_counting_function():
    """A function without reference counting calls only others like it, inlined ones or
    SCALAR_KERNELS: a called function that counts references could hand it an array it would never
    release (a leak). Names resolve to the calling module's own kernels first, then to any kernel
    module's (without SCALAR_KERNELS' bearing_loss this flags drive.losses.mechanical_loss)."""
    sources = {p: p.read_text() for p in sorted((ROOT / "motoropt").rglob("*.py"))}
    options = {p: _njit_options(s) for p, s in sources.items()}
    anywhere = {}
    for opts in options.values():
        for name, kw in opts.items():
            anywhere.setdefault(name, kw)
    offenders = []
    for p, src in sources.items():
        for fn in _no_refcount_functions(src):
            for call in (c for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)):
                kw = options[p].get(call.func.id, anywhere.get(call.func.id))
                if kw is not None and "_nrt" not in kw and "inline" not in kw and call.func.id not in SCALAR_KERNELS:
                    offenders.append(f"{p.relative_to(ROOT)}:{fn.name} calls {call.func.id}")
    assert offenders == []
