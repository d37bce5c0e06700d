"""Validation of the thermal network against ORNL/TM-2005/33 (issues 4 and 14).

Reference: J. S. Hsu, S. C. Nelson, P. A. Jallouk, C. W. Ayers, R. H. Wiles, S. L. Campbell, C. L.
Coomer, K. T. Lowe, T. A. Burress, "Report on Toyota/Prius Motor Thermal Management",
ORNL/TM-2005/33, February 2005 (OSTI 885987, public domain); data in
motoropt/data/validation/ornl_tm2005_33_thermal.csv (Table 7 steady continuous-load points, Table 10
loss separation, Tables 17/18 winding thermocouples). Harness and steps:
motoropt.evaluation.validation_thermal (its docstring states every input and assumption).

Tolerance fixed before the comparison (issue 4): +-10 K on the winding temperature (the three
thermocouples spread 4-10 K at each point; ORNL's own finite-difference model lands within ~10 K).

Like with like: the reported winding temperature is the hottest thermocouple, a local value. The
energy balance bounds the resistance-average winding temperature at 144.0/148.5/150.7/145.5 degC
(core loss >= 0), 18-22 K below the hottest thermocouple and below the thermocouples' mean, so the
thermocouples are hot spots. The model's hottest winding temperature is compared with the hottest
thermocouple (the target), and the model's copper-weighted mean with the energy bound.

Results with issue 13's Prius case (slot traced from the lamination), model hottest - hottest
thermocouple (K) at 35/50/75/105 degC coolant (the numbers `motoropt validate prius2004` reports as
winding_temperature_errors_k; winding_temperature_max_abs_error_k is the drip step's 18.9 K):
  as shipped (Table 10 losses, housing pinned, spray h 1000)  -25.5 -24.3 -28.9 -21.0
  copper recomputed from I and R(T)                           -27.1 -25.9 -30.3 -22.0
  housing as a node (ORNL casing, oil-wetted end walls)       -25.3 -24.6 -29.4 -22.9
  passive drip oil on the end windings (2 l/min, films)       -10.5 -11.8 -18.9 -16.1
Recomputing the copper loss (about 2x Table 10's) does not raise the result because the measured
total heat is fixed: the copper comes out of Table 10's "core" loss (the winding is 1-1.6 K cooler:
the heat moves from the teeth into the conductors, which the oil-cooled end windings drain). The
housing node moves it by 0.2-1.9 K. The end-winding cooling decides: the spray default removes the
end-winding heat far too well; drip films (h ~ 360 W/m^2/K at 2 l/min) raise the model by 7-15 K,
still 10.5-18.9 K low: strict xfails at all four points. At the drip default the model's mean
winding temperature already exceeds the energy bound by 2.9-7.6 K at three points (the core clamps
at 0: 8-41 W more heat than measured, <= 1.9 %); at 40 l/h the model is 18-24 K low and
energy-consistent, at 6 l/min (above Davin et al.'s tested 360 l/h) the 75 and 105 degC points stay
11 K low while the 35 degC point's mean exceeds the bound by 20.7 K. So the remaining gap is not a
coefficient to fit: the LPTN's end windings have no internal gradient, and the thermocouples read hot
spots the model cannot resolve without violating the energy balance. No published drip/splash
end-winding coefficient could be cited; OilDrip's flow is an assumption (module docstrings).
"""

import math

import numpy as np
import pytest

from motoropt.evaluation import validation as V
from motoropt.evaluation.validation_thermal import (
    STEPS,
    TOL_K,
    compare_thermal,
    comparison_text,
    energy_bound_c,
    ornl_thermal_points,
)

POINTS = ornl_thermal_points()
SPEED = 900.0 * 2.0 * math.pi / 60.0


@pytest.fixture(scope="module")
def registry(prius_design):
    """The ``thermal`` comparison exactly as ``motoropt validate prius2004`` runs it: (metrics, details)."""
    return V.COMPARISONS["thermal"](V.REGISTRY["prius2004"], prius_design, [])


@pytest.fixture(scope="module")
def cmp(registry):
    return {c.step: c for c in registry[1]}


def test_validate_reports_this_comparison(registry, cmp):
    """`motoropt validate prius2004` reports winding_temperature_max_abs_error_k (the final drip
    step's max |model hottest - hottest TC|) and winding_temperature_errors_k (every step, every
    point): the numbers of this module's comparison, in STEPS order."""
    m, _ = registry
    assert "thermal" in V.REGISTRY["prius2004"].comparisons
    assert list(cmp) == list(STEPS)
    assert m["winding_temperature_max_abs_error_k"] == cmp["drip"].max_abs_error_k
    assert m["winding_temperature_errors_k"] == {s: [float(e) for e in cmp[s].errors_k] for s in STEPS}
    assert m["winding_temperature_max_abs_error_k"] == pytest.approx(18.9, abs=0.1)


def test_reference_data_energy_balance():
    """Integrity of the transcribed ORNL data: P_elec - P_mech = copper + core + mechanical loss
    (Tables 7 and 10) within 2 W (rounding), and P_mech = T w at 900 rpm within 0.1 %; the reported
    winding temperature equals the hottest thermocouple within 0.5 K at the 35 and 50 degC points
    (Tables 17/18)."""
    for p in POINTS:
        assert p["p_elec_w"] - p["p_mech_out_w"] == pytest.approx(p["p_cu_w"] + p["p_core_w"] + p["p_mech_w"], abs=2.0)
        assert p["p_mech_out_w"] == pytest.approx(p["torque_nm"] * SPEED, rel=1e-3)
    for p in POINTS[:2]:
        assert p["t_winding_c"] == pytest.approx(max(p["tc_w1_c"], p["tc_w2_c"], p["tc_w3_c"]), abs=0.5)


def test_table10_copper_loss_implies_51_milliohm():
    """Table 10's copper loss equals 3 I^2 R with R = 0.0510-0.0515 ohm at all four points (a
    constant, not corrected for temperature), below even ORNL's 21 degC phase resistance 0.069 ohm
    (TM-2010/253 T2.7); 3 I^2 R(T) at the measured winding temperature is 1.8-2.1x Table 10."""
    for p in POINTS:
        R = p["p_cu_w"] / (3 * p["i_line_a"] ** 2)
        assert 0.0509 < R < 0.0516
        hot = 3 * p["i_line_a"] ** 2 * 0.069 * (1 + 0.00393 * (p["t_winding_c"] - 21.0))
        assert 1.8 < hot / p["p_cu_w"] < 2.2


def test_energy_bound_below_the_thermocouples(prius_design):
    """Like with like: the energy balance (copper <= measured heat - mechanical loss) bounds the
    resistance-average winding temperature at 144.0, 148.5, 150.7, 145.5 degC (0.1 K), 17-23 K below
    the hottest thermocouple and below the mean of the three thermocouples at every point."""
    alpha = prius_design.conductor.alpha
    for p, ref in zip(POINTS, (144.0, 148.5, 150.7, 145.5)):
        b = energy_bound_c(p, alpha)
        assert b == pytest.approx(ref, abs=0.1)
        assert 17.0 < p["t_winding_c"] - b < 23.0
        assert b < np.mean([p["tc_w1_c"], p["tc_w2_c"], p["tc_w3_c"]])


def test_harness_conserves_energy(cmp):
    """Conservation at every step and point: the heat leaving the boundaries equals the heat the
    model injects (1e-6 relative): Table 10's sum as shipped, otherwise the measured P_elec - P_mech
    plus the reported excess (> 0 only where the core loss clamps at 0); with the loss split
    recomputed (copper, housing steps) there is no excess and the copper loss is 3 I^2 R(T) >= 1.8x
    Table 10."""
    for step, c in cmp.items():
        for p, ref in zip(c.points, POINTS):
            total = ref["p_elec_w"] - ref["p_mech_out_w"]
            if step == "as_shipped":
                total = ref["p_cu_w"] + ref["p_core_w"] + ref["p_mech_w"]
            assert p.q_out_w == pytest.approx(total + p.excess_w, rel=1e-6), step
            assert p.p_core_w >= 0.0
            if step in ("copper", "housing"):
                assert p.excess_w == 0.0 and p.p_copper_w > 1.8 * ref["p_cu_w"]


def test_steps_reached(cmp):
    """What each step reaches (module docstring): the first three steps are 21-30.3 K low at every
    point and within 2.5 K of each other (the housing node moves the result by 0.2-1.9 K); the drip
    option raises the model by 6.8-14.8 K at every point and keeps it below the hottest thermocouple."""
    e = {s: cmp[s].errors_k for s in STEPS}
    for s in ("as_shipped", "copper", "housing"):
        assert np.all((e[s] > -31.0) & (e[s] < -20.0)), (s, e[s])
        assert np.all(np.abs(e[s] - e["as_shipped"]) < 2.5)
    assert np.all(e["drip"] - e["housing"] > 6.5)
    assert np.all(e["drip"] < 0.0), comparison_text(cmp.values())


_GAP = "model {:.1f} K below the hottest thermocouple (drip default); the LPTN's end windings have no internal " \
    "gradient and the energy balance caps the mean winding temperature below the thermocouples"


@pytest.mark.parametrize("idx", [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=f"{c} degC coolant: "
                                                                         + _GAP.format(g)))
                                 for k, (c, g) in enumerate(((35, 10.5), (50, 11.8), (75, 18.9), (105, 16.1)))])
def test_winding_temperature_within_10K(cmp, idx):
    """Target of issues 4 and 14: the model's hottest winding temperature within +-10 K of the
    hottest thermocouple (ORNL Table 7: 166.0, 167.2, 168.5, 166.3 degC at 35/50/75/105 degC
    coolant), with the loss split recomputed, the housing a node and the drip option (default flow).
    Measured gap: -10.5, -11.8, -18.9, -16.1 K."""
    p = cmp["drip"].points[idx]
    assert abs(p.error_k) <= TOL_K, comparison_text([cmp["drip"]])


def test_mean_against_the_energy_bound(cmp):
    """Like with like for the mean: where the loss split is recomputed and the core loss stays >= 0
    (copper, housing steps) the model's copper-weighted mean winding temperature is below the
    energy bound (it must be: its copper loss <= the measured heat). With the drip default the
    mean exceeds the bound by at most 10 K and the model's extra heat stays within 2.5 % of the
    measured heat (reached: 2.9-7.6 K at three points, 8-41 W, <= 1.9 %)."""
    for s in ("copper", "housing"):
        assert all(p.T_mean_c <= p.T_bound_c + 1e-6 for p in cmp[s].points)
    for p in cmp["drip"].points:
        assert p.T_mean_c - p.T_bound_c < 10.0
        assert p.excess_w <= 0.025 * (p.q_out_w - p.excess_w)


def test_drip_flow_sensitivity(prius_design):
    """Over the flow range Davin et al. tested (40..360 l/h total) and beyond, the drip flow cannot
    close the gap consistently: at 40 l/h (thin film, h higher) every point is 18-24 K low and
    energy-consistent (mean below the bound); at 6 l/min the 75 and 105 degC points are still 11 K
    low while the model's mean winding temperature exceeds the energy bound at every point (by
    4.8-20.7 K): a match the measured heat cannot support."""
    lo = compare_thermal(prius_design, "drip", drip_flow_lpm=40.0 / 60.0)
    hi = compare_thermal(prius_design, "drip", drip_flow_lpm=6.0)
    assert np.all((lo.errors_k > -25.0) & (lo.errors_k < -17.0))
    assert all(p.T_mean_c <= p.T_bound_c + 1e-6 for p in lo.points)
    assert np.all(hi.errors_k[2:] < -10.0)
    assert all(p.T_mean_c - p.T_bound_c > 4.5 for p in hi.points)


def test_hotspot_not_below_winding_mean(prius_design):
    """Physics bound: the model's hottest winding temperature is never below its end-winding or
    mean temperature at any step."""
    for s in STEPS:
        for p in compare_thermal(prius_design, s).points:
            assert p.T_hot_c >= max(p.T_mean_c, p.T_end_winding_c) - 1e-9


def test_comparison_png(cmp, tmp_path):
    """The thermal comparison PNG (motoropt.plots.validation_thermal) is written for all steps."""
    from motoropt.plots.validation_thermal import thermal_comparison_png

    p = thermal_comparison_png(cmp.values(), tmp_path / "thermal_ornl.png")
    assert p.is_file() and p.stat().st_size > 20_000
