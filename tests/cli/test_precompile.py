"""Parallel compilation on a cold numba cache (issue 15): the manifest's signature descriptions
round-trip to the same numba types, the split over processes balances the recorded seconds, the
manifest lists every top-level kernel a command calls (so nothing is left to compile serially),
and an ``evaluate`` on an empty cache compiles everything in the parallel step, after which the
command itself compiles nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from numba import types as nbt

from motoropt.compilation import Entry, _bins, load_manifest, type_from_json, type_to_json, use_key

ROOT = Path(__file__).resolve().parents[2]


def test_type_descriptions_round_trip():
    """Every manifest signature maps back to numba types that map to the same description; a
    hand-made set covers each kind (scalars, arrays with layout / read-only flag, tuples)."""
    manifest = load_manifest()
    assert manifest, "the manifest is empty"
    for e in manifest:
        assert [type_to_json(t) for t in e.argtypes()] == list(e.signature), f"{e.module}.{e.name}"
    samples = [nbt.float64, nbt.int64, nbt.boolean, nbt.Array(nbt.float64, 2, "C"),
               nbt.Array(nbt.int64, 1, "A", readonly=True), nbt.UniTuple(nbt.float64[::1], 3),
               nbt.Tuple([nbt.int64, nbt.float64[:, ::1]])]
    for t in samples:
        assert type_from_json(json.loads(json.dumps(type_to_json(t)))) == t
    with pytest.raises(TypeError):
        type_to_json(nbt.literal(3))  # a literal specialisation has no manifest form
    with pytest.raises(ValueError):
        type_from_json("float128x")


def test_bins_balance_recorded_seconds():
    """Longest first onto the least-loaded process: 5, 4, 3, 3, 1.5, 1 s on two processes -> 8.5 and
    9 s; fewer entries than processes -> one entry each, no empty group; two kernels of one module
    of >= 2 s each share a process."""
    def e(s, module="m"):
        return Entry(module, f"k{s}", (), float(s), ("u",))
    groups = _bins([e(1), e(5, "a"), e(3, "b"), e(4, "c"), e(3, "d"), e(1.5)], 2)
    assert sorted(sum(x.seconds for x in g) for g in groups) == [8.5, 9.0]
    assert [len(g) for g in _bins([e(1), e(1.5)], 4)] == [1, 1]
    # two big kernels of one module (shared callees) stay in one process
    groups = _bins([e(4.5, "drive"), e(4.4, "drive"), e(5.7, "mec"), e(4.5, "th"), e(1.3, "th")], 2)
    assert any({x.module for x in g} == {"drive"} or [x.module for x in g].count("drive") == 2 for g in groups)


def test_use_keys_of_the_shipped_families():
    """The key names the command, family package, class and MEC network kind (which selects the
    MEC kernel): the Prius (V-IPM) and a tooth-coil SPM are both pmsm.Design with different kernels."""
    from motoropt.case import load_case, nominal_design
    key = {c: use_key("evaluate", nominal_design(load_case(ROOT / c))) for c in
           ("cases/prius2004.toml", "cases/programme/multipole_heavy.toml", "cases/induction_traction.toml")}
    assert key == {"cases/prius2004.toml": "evaluate:pmsm.Design/cells",
                   "cases/programme/multipole_heavy.toml": "evaluate:pmsm.Design/tooth_coil",
                   "cases/induction_traction.toml": "evaluate:induction.InductionDesign"}
    uses = {u for e in load_manifest() for u in e.uses}
    assert set(key.values()) <= uses


def _check(case: str) -> subprocess.CompletedProcess:
    """``manifest_record --check evaluate CASE`` in a fresh process (exit 1 and one line per kernel
    signature the manifest lacks)."""
    return subprocess.run([sys.executable, "-m", "motoropt.cli.manifest_record", "--check", "evaluate", case],
                          cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, MPLBACKEND="Agg"))


def test_manifest_lists_what_evaluate_calls():
    """``evaluate`` on the Prius calls only kernel signatures the manifest lists for its key."""
    r = _check("cases/prius2004.toml")
    assert r.returncode == 0 and "not in the manifest" not in r.stdout, (
        f"manifest out of date (python -m motoropt.cli.manifest_record --record):\n{r.stdout}{r.stderr}")


@pytest.mark.slow
@pytest.mark.parametrize("case", ["cases/programme/multipole_heavy.toml", "cases/induction_traction.toml",
                                  "cases/outer_rotor_halbach.toml"])
def test_manifest_lists_what_evaluate_calls_other_families(case):
    """The same for a tooth-coil SPM, the induction machine and the outer-rotor family."""
    r = _check(case)
    assert r.returncode == 0 and "not in the manifest" not in r.stdout, (
        f"manifest out of date (python -m motoropt.cli.manifest_record --record):\n{r.stdout}{r.stderr}")


@pytest.mark.slow
def test_cold_evaluate_compiles_only_in_the_parallel_step(tmp_path):
    """On an empty numba cache (NUMBA_CACHE_DIR), ``motoropt evaluate`` compiles the manifest's
    kernels on two processes first; the evaluation after it compiles nothing (numba's own
    per-kernel progress, printed only on a compile, stays silent) and the KPIs equal a warm run's."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    argv = [sys.executable, "-m", "motoropt", "evaluate", "cases/prius2004.toml", "--json"]
    cold = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert cold.returncode == 0, cold.stderr
    assert "numba kernels on 2 process(es)" in cold.stderr or "numba kernels on 1 process(es)" in cold.stderr
    assert "compiling the numba kernels (first run" not in cold.stderr, cold.stderr
    warm = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert warm.returncode == 0 and warm.stderr == "", warm.stderr
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
