"""The 2004 Prius inverter (cases/prius2004_system.toml, device ``toyota_prius2004_mg2``) against
ORNL's measured inverter efficiency (issue 14).

Reference: ORNL/TM-2006/423 Table B-1 (motoropt/data/validation/prius2004_ornl_tm2006_423_tableB1.csv,
sources in its SOURCES.md): eta_inverter = P_ac / P_dc from a power analyser. Compared at the 13
shared points with P_ac >= 5 kW and torque < 300 N m (motoropt.evaluation.validation_inverter).

Target (issue 14, fixed before the comparison): |eta_model - eta_ORNL| <= 1 point, mean and max.
Reached at Toyota's normal 5 kHz carrier, measured current / DC voltage / power factor: mean 0.71
points, max 2.84 (503 rpm / 148.8 N m, model too efficient: 358 W against 656 W). The model is too
efficient at every point below ~1900 rpm; over the whole table (360 rows) the modelled loss is
0.52 of the measured one below 800 rpm rising to 0.86 above 4000 rpm (test_whole_table_structure),
and below 1400 rpm the missing loss is close to linear in the current (3 a I with a ~1.5-1.7 W/A; a
quadratic term adds < 2 % of explained variance): switching/threshold-like, not I^2 R. Neither
carrier mode, nor a silicon area or K_v within plausible bounds, removes that speed structure
(research notes of issue 14); the candidates left are the per-event energies of Toyota's planar die
at its (unknown) gate resistance, the carrier-mode split, and analyser error at low power factor.
The max target is therefore a strict xfail recording the gap.
"""

import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.evaluation import validation as V
from motoropt.evaluation.pipeline import machine_model
from motoropt.evaluation.validation_data import read_points
from motoropt.evaluation.validation_inverter import (
    P_AC_MIN_W,
    SHARED_POINTS,
    TABLE_B1,
    TORQUE_MAX_NM,
    carrier_mode_sensitivity,
    compare_inverter,
    comparison_text,
    inverter_efficiency_mean_abs_error,
    measured_modulation,
    ornl_points,
)

TOL = 0.01  # 1 efficiency point (issue 14)


@pytest.fixture(scope="module")
def spec(prius_system_design):
    return prius_system_design.specs.inverter


@pytest.fixture(scope="module")
def registry():
    """The ``inverter`` comparison exactly as ``motoropt validate prius2004`` runs it: (metrics, details)."""
    return V.COMPARISONS["inverter"](V.REGISTRY["prius2004"], None, [])


@pytest.fixture(scope="module")
def measured(registry):
    return registry[1]


def test_validate_reports_this_comparison(registry, spec, measured):
    """`motoropt validate prius2004` reports inverter_efficiency_mean_abs_error (and ..._max_...) from
    cases/prius2004_system.toml's [inverter] (the registry's inverter_case) at the 13 shared points
    with P_ac >= 5 kW and torque < 300 N m: the same numbers as this module's comparison."""
    m, cmp = registry
    assert V.REGISTRY["prius2004"].inverter_case == "prius2004_system.toml"
    assert cmp.f_sw == spec.f_sw and cmp.source == "measured" and len(cmp.points) == 13
    assert m["inverter_efficiency_mean_abs_error"] == compare_inverter(spec).mean_abs_error
    assert m["inverter_efficiency_max_abs_error"] == cmp.max_abs_error
    assert all(p.torque_nm < TORQUE_MAX_NM for p in cmp.points)
    assert V.COMPARISONS["inverter"](V.REGISTRY["prius2010"], None, [])[0] == {
        "inverter_efficiency_mean_abs_error": None, "inverter_efficiency_max_abs_error": None}


@pytest.fixture(scope="module")
def from_model(shipped):
    """The system case at ORNL's test conditions: SVPWM in the linear range (cases/prius2004.toml's
    header; the shipped system case runs the in-vehicle six-step mode)."""
    case = shipped.case("prius2004_system")
    free = {k: dict(v) for k, v in case.free.items()}
    free["inverter"] = {**free.get("inverter", {}), "modulation": "svpwm"}
    d = design_from_values(case.nominal(), free)
    return compare_inverter(d.specs.inverter, source="model", model=machine_model(d))


def test_table_b1_integrity():
    """Conservation and consistency of the transcribed ORNL table (428 rows): P_mech = T w within
    0.6 %, eta_inverter = P_ac/P_dc and eta_motor = P_mech/P_ac within 0.0016 (3-digit rounding),
    P_dc > P_ac > P_mech on every row; the 15 shared points are rows of the table, 13 of them pass
    the comparison filter (P_ac >= 5 kW, T < 300 N m)."""
    rows = read_points(TABLE_B1)
    assert len(rows) == 428
    for r in rows:
        assert r["p_mech_W"] == pytest.approx(r["torque_Nm"] * r["speed_rpm"] * math.pi / 30, rel=6e-3)
        assert r["eta_inverter"] == pytest.approx(r["p_ac_W"] / r["p_dc_W"], abs=1.6e-3)
        assert r["eta_motor"] == pytest.approx(r["p_mech_W"] / r["p_ac_W"], abs=1.6e-3)
        assert r["p_dc_W"] > r["p_ac_W"] > r["p_mech_W"]
    keys = {(int(r["speed_rpm"]), r["torque_Nm"]) for r in rows}
    assert set(SHARED_POINTS) <= keys
    pts = ornl_points()
    assert len(pts) == 13
    assert all(p["p_ac_W"] >= P_AC_MIN_W and p["torque_Nm"] < TORQUE_MAX_NM for p in pts)
    assert len(ornl_points("all")) == 360


def test_measured_power_factor_product_is_exact():
    """Closed form: with m cos(phi) = 2 sqrt(2) P_ac / (3 V_dc I) the fundamental power
    3 (m V_dc / (2 sqrt 2)) I cos(phi) equals the measured P_ac to 1e-12 at every compared point
    (the split into m and cos(phi) does not change the product while cos(phi) <= 1, which holds at
    all 13 points)."""
    for r in ornl_points():
        m, c, mc = measured_modulation(r)
        assert c <= 1.0 and m * c == pytest.approx(mc, rel=1e-12)
        assert 3 * (m * r["v_dc_V"] / (2 * math.sqrt(2))) * r["i_ac_A"] * c == pytest.approx(r["p_ac_W"], rel=1e-12)


def test_spwm_and_svpwm_agree_at_the_ornl_points(spec, measured):
    """The case uses the API's svpwm although ORNL names sine-triangle PWM too: the two differ only in
    the conduction term m3 cos(3 phi) / (15 pi) (m3 = -m/6; Graovac & Puerschel) weighted by
    (r_T - r_D) I^2, which is below 0.001 efficiency points at every compared point."""
    dev = spec.device
    for r, p in zip(ornl_points(), measured.points):
        I = math.sqrt(2) * r["i_ac_A"]
        c3 = 4 * p.cos_phi**3 - 3 * p.cos_phi
        dP = 6 * max(abs(dev.r_T[k] - dev.r_D[k]) for k in range(2)) * I**2 * (p.m / 6) * abs(c3) / (15 * math.pi)
        assert dP / r["p_ac_W"] < 1e-5


def test_uses_the_case_carrier_not_the_best(spec, measured):
    """The comparison runs at the case's switching frequency (Toyota's normal 5 kHz mode); the low
    1.25 kHz mode is reported as a sensitivity: it can only lower the switching loss, so its model
    efficiency is higher at every point (and its error larger, the model being too efficient)."""
    assert measured.f_sw == spec.f_sw == 5e3
    sens = carrier_mode_sensitivity(spec)
    assert set(sens) == {"low", "normal"}
    assert sens["normal"].mean_abs_error == measured.mean_abs_error
    assert all(a.eta_model > b.eta_model for a, b in zip(sens["low"].points, sens["normal"].points))
    assert sens["low"].mean_abs_error > sens["normal"].mean_abs_error


def test_inverter_efficiency_mean_within_one_point(spec, measured):
    """Issue 14 target, mean part: mean |eta_model - eta_ORNL| <= 1 point over the 13 shared points
    (reached: 0.71 points, all of it the model being too efficient below ~1900 rpm)."""
    assert inverter_efficiency_mean_abs_error(spec) == measured.mean_abs_error
    assert measured.mean_abs_error <= TOL, comparison_text(measured)


@pytest.mark.xfail(strict=True, reason="max inverter-efficiency error 2.84 points (503 rpm / 148.8 N m: model loss "
                   "358 W vs 656 W measured) > 1 point: the model misses a loss linear in current at low speed "
                   "(the model has 0.52 of the measured loss below 800 rpm); carrier frequency not fitted")
def test_inverter_efficiency_max_within_one_point(measured):
    """Issue 14 target, max part: every shared point within 1 point. Measured gap: 2.84 points at
    503 rpm / 148.8 N m, 1.51 at 1104 rpm, 1.37 at 905 rpm, 1.10 at 1306 rpm (module docstring)."""
    assert measured.max_abs_error <= TOL, comparison_text(measured)


def test_error_structure_reached(measured):
    """What is reached, point by point (regression bound of the measured state): the model is too
    efficient below 1900 rpm at every point (error > 0), within 0.5 points above 2300 rpm, and its
    largest error is the 503 rpm point (2.84 points)."""
    for p in measured.points:
        if p.speed_rpm < 1900:
            assert p.error > 0
        if p.speed_rpm > 2300:
            assert abs(p.error) < 0.005
    w = measured.worst()
    assert (w.speed_rpm, w.torque_nm) == (503, 148.8)
    assert w.error == pytest.approx(0.0284, abs=5e-4)


def test_whole_table_structure(spec):
    """Diagnosis over all 360 filtered rows of Table B-1 (measured inputs, 5 kHz): the ratio of
    modelled to measured inverter loss rises with speed, from 0.52 below 800 rpm to 0.86 above
    4000 rpm (each band's ratio within 0.03 of these values; monotonic over the bands
    0-800-1400-2000-2600-3400-4000-7000 rpm within 0.01): the missing loss is a low-speed one."""
    a = compare_inverter(spec, ornl_points("all"))
    sp = np.array([p.speed_rpm for p in a.points])
    lm = np.array([p.loss_model_w for p in a.points])
    ls = np.array([p.loss_measured_w for p in a.points])
    edges = (0, 800, 1400, 2000, 2600, 3400, 4000, 7000)
    ratio = [lm[(sp >= lo) & (sp < hi)].sum() / ls[(sp >= lo) & (sp < hi)].sum() for lo, hi in zip(edges, edges[1:])]
    assert ratio[0] == pytest.approx(0.52, abs=0.03) and ratio[-1] == pytest.approx(0.86, abs=0.03)
    assert all(b >= a - 0.01 for a, b in zip(ratio, ratio[1:]))


def test_from_the_model_operating_point(from_model):
    """Motor + inverter: the inverter fed from the machine model's own operating point (current,
    voltage, power factor) at the measured speed and torque. Every feasible shared point is compared
    (6005 rpm lies beyond the case's 6000 rpm limit); the mean error stays within the 1-point target
    (reached: 0.92 points over 12 points, SVPWM at ORNL's test conditions) and the sign structure of the measured-input comparison
    remains (too efficient everywhere)."""
    assert len(from_model.points) == 12
    assert from_model.mean_abs_error <= TOL, comparison_text(from_model)
    assert np.all(from_model.errors > 0)


@pytest.mark.xfail(strict=True, reason="from the model's operating point the max error is 3.27 points (503 rpm), "
                   "same cause as the measured-input comparison")
def test_from_the_model_operating_point_max_within_one_point(from_model):
    """Issue 14 target with the model's operating point: every point within 1 point (gap: 3.27)."""
    assert from_model.max_abs_error <= TOL, comparison_text(from_model)
