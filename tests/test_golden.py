"""Golden snapshot: every shipped case's KPIs and a short seeded optimisation, to 1e-9.

Reference: ``tests/golden/*.json``, written by ``python tests/golden/regenerate.py`` from the code
at the time a change was meant to move KPIs (each such regeneration names its cause in the commit
message). A refactoring must leave every number unchanged: relative 1e-9 (absolute 1e-12 near 0).
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
RTOL, ATOL = 1e-9, 1e-12


def differences(ref, new, path="") -> list[str]:
    """Paths where ``new`` differs from ``ref`` (numbers to RTOL/ATOL, everything else exactly)."""
    if isinstance(ref, dict) and isinstance(new, dict):
        out = [f"{path}.{k}: missing" for k in ref if k not in new]
        out += [f"{path}.{k}: new key" for k in new if k not in ref]
        for k in ref:
            if k in new:
                out += differences(ref[k], new[k], f"{path}.{k}")
        return out
    if isinstance(ref, list) and isinstance(new, list):
        if len(ref) != len(new):
            return [f"{path}: length {len(new)} != {len(ref)}"]
        return [d for i, (a, b) in enumerate(zip(ref, new)) for d in differences(a, b, f"{path}[{i}]")]
    num = (int, float)
    if isinstance(ref, num) and isinstance(new, num) and not isinstance(ref, bool):
        if math.isclose(float(new), float(ref), rel_tol=RTOL, abs_tol=ATOL):
            return []
        return [f"{path}: {new!r} != {ref!r}"]
    return [] if ref == new else [f"{path}: {new!r} != {ref!r}"]


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
    diff = differences(GOLDEN_OPT["designs"], regenerate.optimize_rows())
    assert not diff, f"{len(diff)} values moved, first: {diff[:8]}"


def test_differences_sees_a_change():
    """The comparison itself: a relative change of 1e-8 is reported, 1e-10 is not."""
    assert differences({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.0 * (1 + 1e-8)}]})
    assert not differences({"a": [1.0, {"b": 2.0}]}, {"a": [1.0, {"b": 2.0 * (1 + 1e-10)}]})
    assert differences({"a": "x"}, {"a": "y"}) and differences({"a": 1}, {})
