"""Accuracy budget of the optimiser's fast path (issue 15): the KPIs the optimiser decides on, from
the grids of each case's ``[optimization]``, against the case's own (full-accuracy) grids.

Budget: peak torque and peak power within 0.5 % (relative), each cycle's motor efficiency within
0.1 percentage point, each cycle's winding hotspot within 1 K. Issue 13's loss terms (PWM harmonic,
spin drag, strand circulating currents) are on in these cases. ``benchmarks/bench_accuracy.py``
runs the full comparison (20 designs per case); here a smaller sample.
"""

from __future__ import annotations

import math

import pytest

from motoropt.optimize.accuracy import BUDGET, _compared, _difference, compare_paths
from tests.shipped import ROOT

CASES = ["prius_opt.toml", "programme/multipole_direct_drive.toml", "programme/im_eaxle.toml"]


WITHIN = ["programme/dyfree_eaxle_150kw.toml", "programme/aircooled_air_mobility_outer.toml",
          "programme/multipole_car_eaxle.toml"]


@pytest.mark.parametrize("case", WITHIN)
def test_fast_path_within_budget_met(case):
    """Cases whose fast path meets the budget (bench_accuracy.py --n 20: dyfree_eaxle_150kw peak power
    0.013 %, cycle efficiency 0.093 points, hotspot 0.95 K; aircooled_air_mobility_outer 0 %, 0.019
    points, 0.50 K; multipole_car_eaxle 0.009 %, 0.073 points, 0.93 K): 3 random designs, every
    budget KPI within its limit (0.5 %, 0.1 point, 1 K)."""
    cmp = compare_paths(ROOT / "cases" / case, n=3, seed=1)
    assert cmp.n_designs >= 2, cmp.failed
    labels = {k.split(".")[-1] for k in cmp.diffs}
    assert {"peak_torque_nm", "peak_power_kw", "motor_efficiency", "winding_hotspot_c_max"} <= labels
    assert cmp.within_budget(), cmp.worst()


@pytest.mark.xfail(strict=True, reason=(
    "issue 15 budget not met by the optimisers' efficiency-map grids (16 x 16 / 20 x 20 vs the cases' "
    "40 x 40 / 50 x 50) on every design: bench_accuracy.py --n 20 (seed 0), with the cells whose torque "
    "slopes reach beyond the envelope solved exactly: prius_opt HWFET efficiency 0.14 points on one "
    "design (WLTC 0.03 points, hotspots <= 0.48 K); im_eaxle 0.20 points, 2.6 K; multipole_direct_drive "
    "1.0 points (manhattan), 16 K; multipole_heavy 0.40 points, 23 K; the air-mobility cases' designs "
    "far above the winding limit, where a small loss error moves a runaway hotspot by many K. The "
    "remaining errors are losses between torque nodes at light load in field weakening (a 40-node "
    "torque axis brings prius_opt to 0.03 points, at a 13 % lower design rate)"))
@pytest.mark.parametrize("case", CASES)
def test_fast_path_within_budget(case):
    """3 random designs per case (V-IPM, tooth-coil SPM, induction; the benchmark's seed 0, whose
    first designs include one beyond the budget in each): every budget KPI within its limit
    (0.5 %, 0.1 point, 1 K) and at least 2 designs compared."""
    cmp = compare_paths(ROOT / "cases" / case, n=3, seed=0)
    assert cmp.n_designs >= 2, cmp.failed
    labels = {k.split(".")[-1] for k in cmp.diffs}
    assert {"peak_torque_nm", "motor_efficiency", "winding_hotspot_c_max"} <= labels
    assert cmp.within_budget(), cmp.worst()


def test_budget_detects_a_coarse_flux_map():
    """The comparison is sensitive: a 7 x 6 MEC flux map (instead of the case's 13 x 11) moves the
    peak torque or a cycle efficiency beyond the budget on 2 random Prius designs."""
    cmp = compare_paths(ROOT / "cases" / "prius_opt.toml", n=2, seed=0,
                        overrides={"fluxmap_n_d": 7, "fluxmap_n_q": 6})
    assert cmp.n_designs == 2
    assert not cmp.within_budget(), cmp.worst()


def test_difference_units():
    """Relative difference as a fraction, efficiency in points (x 100), hotspot in K; cycle KPIs
    labelled per cycle."""
    assert _difference("rel", 101.0, 100.0) == pytest.approx(0.01)
    assert _difference("pt", 0.905, 0.904) == pytest.approx(0.1)
    assert _difference("abs", 120.5, 120.0) == pytest.approx(0.5)
    assert math.isinf(_difference("rel", 1.0, 0.0))
    got = _compared({"peak_torque_nm": 200.0, "cycles": {"udds": {"motor_efficiency": 0.9}}})
    assert got == {"peak_torque_nm": ("rel", 200.0), "cycles.udds.motor_efficiency": ("pt", 0.9)}
    assert BUDGET["winding_hotspot_c_max"] == ("abs", 1.0)
