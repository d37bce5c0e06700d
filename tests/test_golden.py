"""Golden snapshot: every shipped case's KPIs and a short seeded optimisation, to relative 1e-6.

Reference: ``tests/golden/*.json``, written by ``python tests/golden/regenerate.py`` from the code
at the time a change was meant to move KPIs (each such regeneration names its cause in the commit
message). A refactoring must leave every number unchanged to the tolerances below.

Tolerances. Integers, strings, booleans and missing values (None) compare exactly. Floats compare to
relative RTOL = 1e-6 (absolute ATOL = 1e-12 near 0), not to the last bit: the same code gives
slightly different floats on different CPUs (numpy's SIMD kernels -- AVX-512 or AVX2 exp, log,
pow, sums -- and OpenBLAS pick their code path by CPU, and numba compiles for the host CPU), and
the solvers amplify those few ULP (the envelope search sets the map's torque axis, the cycle
integrals interpolate on it): the cycle loss energies differ by up to ~2e-8 relative between an
AVX-512 machine and an AVX2 build of the same code, everything else by less. 1e-6 leaves a factor
~50 above that and still sees any change of a model, a constant or a loss term.

KPIs that are the output of a search stopped at a stated tolerance compare at that tolerance
instead (ABS_TOL, absolute, by KPI name; the KPI's own name, an optimisation's KPI column or a
constraint on it):
- demag_margin_flux_weakening (and demag_margin, its minimum with the short-circuit margin; the
  optimisation's demag_margin constraint and the violation sum that holds it): the margin at the
  most negative i_d of the map and of the thermal rating grid, whose points 1e-6 inside the torque
  envelope sit on a flat loss minimum that the drive's Brent search (motoropt/drive/control.py)
  locates only "to 1e-6 i_max". Across the shipped cases and the snapshot's designs the margin moves
  by at most 1.4e-6 per 1e-6 i_max of i_d; Brent stops within ~2 x its tolerance, hence 3e-6
  (an AVX2 build moved one design's margin 0.2014090 -> 0.2014086, 2.1e-6 relative).
The thermal ratings' bisections (continuous and pulse torque, 0.5 N m) and the peak-power
golden-section search are not widened: they return the same probe sequence on every CPU unless a
probe's verdict lands within ~1e-9 of its limit; should that happen, the failure names the KPI.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "golden"))
import regenerate  # noqa: E402

GOLDEN_KPIS = json.loads((HERE / "golden" / "kpis.json").read_text())
GOLDEN_POINTS = json.loads((HERE / "golden" / "points.json").read_text())
GOLDEN_OPT = json.loads((HERE / "golden" / "optimize.json").read_text())
RTOL, ATOL = 1e-6, 1e-12
# absolute tolerances of KPIs that a search determines only to its stopping tolerance (module docstring)
ABS_TOL = {"demag_margin_flux_weakening": 3e-6, "demag_margin": 3e-6, "violation": 3e-6}


def kpi_name(key: str) -> str:
    """The KPI a record key names: "cycles.udds.loss_wh" -> "loss_wh", "demag_margin >= 0" -> "demag_margin"."""
    return key.split(" ")[0].rsplit(".", 1)[-1]


def differences(ref, new, path="", key="") -> list[str]:
    """Paths where ``new`` differs from ``ref``: floats to RTOL / ATOL (ABS_TOL for the KPIs it names;
    ``key`` is the innermost dict key), everything else (int, str, bool, None) exactly."""
    if isinstance(ref, dict) and isinstance(new, dict):
        out = [f"{path}.{k}: missing" for k in ref if k not in new]
        out += [f"{path}.{k}: new key" for k in new if k not in ref]
        for k in ref:
            if k in new:
                out += differences(ref[k], new[k], f"{path}.{k}", k)
        return out
    if isinstance(ref, list) and isinstance(new, list):
        if len(ref) != len(new):
            return [f"{path}: length {len(new)} != {len(ref)}"]
        return [d for i, (a, b) in enumerate(zip(ref, new)) for d in differences(a, b, f"{path}[{i}]", key)]
    numbers = (int, float)
    if (isinstance(ref, numbers) and isinstance(new, numbers) and not isinstance(ref, bool)
            and not isinstance(new, bool) and (isinstance(ref, float) or isinstance(new, float))):
        atol = max(ATOL, ABS_TOL.get(kpi_name(key), 0.0))
        if math.isclose(float(new), float(ref), rel_tol=RTOL, abs_tol=atol):
            return []
        return [f"{path}: {new!r} != {ref!r}"]
    return [] if ref == new and type(ref) is type(new) else [f"{path}: {new!r} != {ref!r}"]


def by_name(rows: dict) -> dict:
    """The optimisation's design rows with the KPI and constraint matrices as {column name: values
    per design} (so that a difference names its KPI, and ABS_TOL applies by name)."""
    out = dict(rows)
    for key, names in (("kpis", "kpi_columns"), ("constraints", "constraint_labels")):
        if key in rows and names in rows:
            out[key] = {n: [r[j] for r in rows[key]] for j, n in enumerate(rows[names])}
    return out


@pytest.mark.parametrize("case", sorted(GOLDEN_KPIS))
def test_case_kpis_unchanged(case):
    """``evaluate --json`` KPIs of each shipped case equal the snapshot."""
    diff = differences(GOLDEN_KPIS[case], regenerate.case_kpis(regenerate.ROOT / case))
    assert not diff, f"{len(diff)} KPIs moved, first: {diff[:8]}"


def test_operating_points_unchanged():
    """``motoropt point --json`` results at the snapshot's operating points are unchanged."""
    diff = differences(GOLDEN_POINTS, regenerate.point_results())
    assert not diff, f"{len(diff)} values moved, first: {diff[:8]}"


def test_seeded_optimisation_unchanged():
    """A short seeded NSGA-II run of prius_opt stores the same designs, objectives and constraints."""
    assert GOLDEN_OPT["settings"] == regenerate.OPT
    diff = differences(by_name(GOLDEN_OPT["designs"]), by_name(regenerate.optimize_rows()))
    assert not diff, f"{len(diff)} values moved, first: {diff[:8]}"


def test_differences_sees_a_change():
    """The comparison itself: floats to relative 1e-6 (1e-5 reported, 1e-7 not), ABS_TOL by KPI name,
    integers (both int), strings, booleans and None exactly."""
    assert differences({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.0 * (1 + 1e-5)}]})
    assert not differences({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.0 * (1 + 1e-7)}]})
    assert differences({"n": 10**9}, {"n": 10**9 + 1}) and not differences({"n": 3}, {"n": 3.0})
    assert differences({"a": "x"}, {"a": "y"}) and differences({"a": 1}, {})
    assert differences({"f": True}, {"f": 1}) and differences({"v": None}, {"v": 0.0})
    margin = {"demag_margin_flux_weakening": 0.2, "cycles": {"c": {"loss_wh": 0.2}}}
    near = {"demag_margin_flux_weakening": 0.2 + 2e-6, "cycles": {"c": {"loss_wh": 0.2}}}
    assert not differences(margin, near)
    assert differences(margin, {**near, "demag_margin_flux_weakening": 0.2 + 4e-6})
    assert differences(margin, {**margin, "cycles": {"c": {"loss_wh": 0.2 + 2e-6}}})
    rows = {"kpi_columns": ["demag_margin", "loss_wh"], "kpis": [[0.2, 0.2]],
            "constraint_labels": ["demag_margin >= 0"], "constraints": [[-0.2]]}
    moved = {**rows, "kpis": [[0.2 + 2e-6, 0.2]], "constraints": [[-0.2 - 2e-6]]}
    assert not differences(by_name(rows), by_name(moved))
    assert differences(by_name(rows), by_name({**rows, "kpis": [[0.2, 0.2 + 2e-6]]}))
