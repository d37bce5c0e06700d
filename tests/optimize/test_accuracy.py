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

from motoropt.optimize.accuracy import BUDGET, RUNAWAY_C, _compared, _difference, _runaway_split, compare_paths
from tests.shipped import ROOT

CASES = ["programme/air_mobility_geared.toml"]


WITHIN = ["prius_opt.toml", "programme/im_eaxle.toml", "programme/dyfree_eaxle_150kw.toml",
          "programme/aircooled_air_mobility_outer.toml", "programme/multipole_car_eaxle.toml",
          "programme/multipole_direct_drive.toml"]


@pytest.mark.parametrize("case", WITHIN)
def test_fast_path_within_budget_met(case):
    """Cases whose fast path meets the budget on 20 random designs (bench_accuracy.py --n 20; the
    largest cycle efficiency error and hotspot error): prius_opt 0.028 points, 0.09 K; im_eaxle
    0.046 points, 0.89 K; dyfree_eaxle_150kw 0.055 points, 0.28 K; multipole_car_eaxle 0.033
    points, 0.85 K (these four with their torque nodes following the cycles); aircooled_air_mobility_outer
    0.019 points, 0.50 K; multipole_direct_drive 0.036 points, 0.78 K (16 speeds x 24 torques, with
    the points near the envelope classified by the solver on both paths); peak torque and power
    within 0.21 %. Here 3 random designs: every budget KPI within its limit (0.5 %, 0.1 point, 1 K)."""
    cmp = compare_paths(ROOT / "cases" / case, n=3, seed=1)
    assert cmp.n_designs >= 2, cmp.failed
    labels = {k.split(".")[-1] for k in cmp.diffs}
    assert {"peak_torque_nm", "peak_power_kw", "motor_efficiency", "winding_hotspot_c_max"} <= labels
    assert cmp.within_budget(), cmp.worst()


@pytest.mark.xfail(strict=True, reason=(
    "issue 15 budget not met on designs whose hotspot runs away (far above the winding's limit, where a "
    "small loss difference moves the runaway by many K): bench_accuracy.py --n 20 (seed 0), "
    "air_mobility_geared 89 K, aircooled_air_mobility 3e6 K, multipole_heavy 54 K on a design at 8650 degC. "
    "Without the designs above 250 degC every case's hotspot is within 0.70 K, and every other budget KPI "
    "of every case within its limit"))
@pytest.mark.parametrize("case", CASES)
def test_fast_path_within_budget(case):
    """3 random designs (the benchmark's seed 0, whose first designs include a runaway hotspot):
    every budget KPI within its limit (0.5 %, 0.1 point, 1 K) and at least 2 designs compared."""
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


def test_runaway_split():
    """Hotspot differences -0.3, 40, 0.7, -9 K at full-path hotspots 120, 8650, 250, 300 degC: two
    designs above RUNAWAY_C (250 degC, itself kept), the largest |difference| of the others 0.7 K;
    with every design above it, NaN."""
    assert RUNAWAY_C == 250.0
    n, worst = _runaway_split([-0.3, 40.0, 0.7, -9.0], [120.0, 8650.0, 250.0, 300.0])
    assert n == 2 and worst == pytest.approx(0.7)
    n, worst = _runaway_split([5.0], [900.0])
    assert n == 1 and math.isnan(worst)
