"""The build backend (build_backend/motoropt_backend.py): an editable install compiles the V-IPM
kernels into numba's cache, after which ``motoropt evaluate cases/prius2004.toml`` compiles nothing;
the build environment it asks for holds everything that compilation imports."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _backend():
    spec = importlib.util.spec_from_file_location("motoropt_backend", ROOT / "build_backend" / "motoropt_backend.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pyproject_names_the_backend():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    assert build["build-backend"] == "motoropt_backend" and build["backend-path"] == ["build_backend"]


def test_editable_build_requires_the_projects_own_kernel_requirements(monkeypatch):
    """The extra build requirements are pyproject's dependency strings for numpy, numba, scipy and
    triangle, verbatim, so pip resolves the build environment's releases as it does the install's;
    setuptools' own requirements come first."""
    backend = _backend()
    monkeypatch.setattr(backend._setuptools, "get_requires_for_build_editable", lambda config_settings=None: ["wheel"])
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    reqs = backend.kernel_requirements()
    assert sorted(backend._name(r) for r in reqs) == sorted(backend.KERNEL_DISTRIBUTIONS)
    assert set(reqs) <= set(deps)
    assert backend.get_requires_for_build_editable() == ["wheel", *reqs]


def test_compilation_imports_only_the_kernel_distributions():
    """``python -m motoropt.compilation``'s imports (the module and every manifest kernel's module) need
    no distribution outside KERNEL_DISTRIBUTIONS and the standard library: the project's other
    dependencies are blocked in a fresh interpreter, and the imports still succeed."""
    backend = _backend()
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    others = sorted({backend._name(d) for d in deps} - set(backend.KERNEL_DISTRIBUTIONS))
    # import names of the other distributions where they differ from the distribution's
    blocked = set(others) | {"femm", "distributed", "mpl_toolkits", "PIL"}
    code = f"""
import importlib.abc, sys
BLOCKED = {sorted(blocked)!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import motoropt.compilation as c
mods = sorted({{e.module for e in c.load_manifest()}})
for e in c.load_manifest():
    e.dispatcher()
print(len(mods))
"""
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) >= 5


def test_no_precompile_skips_the_step(monkeypatch, capsys):
    backend = _backend()
    monkeypatch.setenv("MOTOROPT_NO_PRECOMPILE", "1")
    monkeypatch.setattr(backend.subprocess, "run", lambda *a, **k: pytest.fail("compiled despite the switch"))
    assert backend.compile_kernels() is False
    assert "MOTOROPT_NO_PRECOMPILE" in capsys.readouterr().err


def test_a_failed_compilation_does_not_fail_the_build(monkeypatch, tmp_path, capsys):
    """A compilation that fails (here: an interpreter exiting 1) is reported, and the editable wheel
    is still returned."""
    backend = _backend()
    monkeypatch.delenv("MOTOROPT_NO_PRECOMPILE", raising=False)

    def failing_run(argv, **kw):
        raise subprocess.CalledProcessError(1, argv)

    monkeypatch.setattr(backend.subprocess, "run", failing_run)
    monkeypatch.setattr(backend._setuptools, "build_editable", lambda *a, **k: "motoropt-0.1.0-0.editable.whl")
    assert backend.build_editable(str(tmp_path)) == "motoropt-0.1.0-0.editable.whl"
    assert "the first command compiles them" in capsys.readouterr().err


@pytest.mark.slow
def test_install_compilation_leaves_nothing_for_evaluate(tmp_path):
    """The backend's compilation step on an empty cache (NUMBA_CACHE_DIR), then ``motoropt evaluate
    cases/prius2004.toml``: the command compiles nothing (neither the parallel step nor numba's
    per-kernel progress prints a line) and succeeds."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    env.pop("MOTOROPT_NO_PRECOMPILE", None)
    code = ("import importlib.util, sys; "
            f"spec = importlib.util.spec_from_file_location('b', {str(ROOT / 'build_backend' / 'motoropt_backend.py')!r}); "
            "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b); "
            "sys.exit(0 if b.compile_kernels() else 1)")
    built = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env,
                           timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "numba kernels compiled at install" in built.stderr
    run = subprocess.run([sys.executable, "-m", "motoropt", "evaluate", "cases/prius2004.toml", "--json"], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0 and run.stderr == "", run.stderr
