"""The second production machine, the 2010 Toyota Prius MG2 (cases/prius2010.toml), against its
published map points with the same models and defaults as the 2004 machine (issue 14).

Reference: ORNL/TM-2010/253 (Burress et al., 2011) -- dimensions, winding, resistance and magnet
measurements (Table 2.7, section 2.3.3) through the heat-sweep transcription, and 17 map points of
its Figs. 3.15-3.17 as digitised by a third party (sandialabs/GeneratorSE.jl): whole-per-cent
efficiencies, map type unconfirmed, no measured current. 5 of the 17 fail an energy check and are
dropped (motoropt/data/validation/prius2010_points.csv and SOURCES.md).

Nothing is tuned to these points: the case copies the 2004 case's defaults (temperatures, voltage
utilisation, loss models) and fills the unpublished dimensions from the 2004 machine (marked [A] in
the case). The issue-13 metrics are a target: mean |d eta| <= 1.5 points and max <= 4 points
(issue 13's Prius targets). Reached: 11 points compared (230 V / 3000 rpm / 70 N m lies beyond the
model's voltage limit), mean 3.09 points, max 11.96 points (12 000 rpm / 22 N m: 0.940 vs 0.82);
the model is too efficient at high speed exactly as for the 2004 machine (+1.1 at 6500, +2.1 at
8000, +5.5 at 10 000, +12.0 points at 12 000 rpm, 650 V) -- the missing high-speed losses of issue 13,
not a 2010-specific fit. The model's phase resistance is 32 % above ORNL's (0.102 vs 0.077 ohm),
its copper mass 23 % above (6.08 vs 4.93 kg): the end-winding geometry copied from 2004 is too long
for this machine (assumption, reported, not adjusted).
"""

import math

import numpy as np
import pytest

from motoropt.evaluation.validation_second_machine import (
    R_PHASE_21C_2010,
    compare_second_machine,
    energy_check,
    prius2010_points,
    results_text,
    second_machine_metrics,
)

MEAN_TARGET, MAX_TARGET = 0.015, 0.04  # issue 13's motor-efficiency targets (fractions)


@pytest.fixture(scope="module")
def results(shipped):
    return compare_second_machine(shipped.case_path("prius2010"))


@pytest.fixture(scope="module")
def metrics(results):
    return second_machine_metrics(results)


def test_data_and_energy_check():
    """The shipped points: P_mech = T w and P_ac = P_mech / eta (derived columns, rounded: 1 W); the
    energy_check column equals the check recomputed (copper at the derived current and ORNL's 21 degC
    resistance <= the loss eta allows read 0.5 points low); exactly the 5 high-torque points
    650 V 750/1500/2500/3500 rpm and 500 V 2000 rpm fail and are dropped; no current or temperature
    was measured."""
    rows = prius2010_points(trusted_only=False)
    assert len(rows) == 17
    for r in rows:
        assert r["p_mech_W"] == pytest.approx(r["torque_Nm"] * r["speed_rpm"] * math.pi / 30, abs=0.5)
        assert r["p_ac_W"] == pytest.approx(r["p_mech_W"] / r["eta_motor"], abs=1.0)
        assert r["p_cu_min_W"] == pytest.approx(3 * R_PHASE_21C_2010 * (r["i_peak_derived_A"] / math.sqrt(2)) ** 2,
                                                abs=0.5)
        assert (r["energy_check"] == "pass") == energy_check(r)
        assert r["i_ac_A"] is None and r["t_stator_C"] is None
    failed = {r["point_id"] for r in rows if r["energy_check"] == "FAIL"}
    assert failed == {"650V_0750rpm_180Nm", "650V_1500rpm_180Nm", "650V_2500rpm_160Nm", "650V_3500rpm_140Nm",
                      "500V_2000rpm_120Nm"}
    assert len(prius2010_points()) == 12


def test_case_uses_the_2004_defaults_and_the_2010_dimensions(shipped):
    """Same models and defaults as the 2004 case (temperatures, voltage utilisation, steel grade,
    conductor, fill-factor method); the published 2010 dimensions are the case's (ORNL/TM-2010/253
    T2.7: stack 50.8 mm, OD 264 mm, bore 161.9 mm, slot depth 30.9 mm, 11 turns/coil x 8 coils =
    88 series turns, AWG 20, magnet 17.88 x 7.16 mm, 650 V, 13 500 rpm)."""
    a, b = shipped.case("prius2004").values, shipped.case("prius2010").values
    assert a["temperatures"] == b["temperatures"]
    assert a["limits"]["voltage_utilisation"] == b["limits"]["voltage_utilisation"]
    for sec, key in (("stator", "steel"), ("stator", "stacking_factor"), ("winding", "conductor"),
                     ("winding", "layers"), ("rotor", "bridge_mm")):
        assert a[sec][key] == b[sec][key]
    d = shipped.design("prius2010")
    assert (d.stator.L, d.stator.D_o, d.stator.D_i, d.stator.slot_depth) == pytest.approx(
        (0.0508, 0.264, 0.1619, 0.0309))
    assert b["winding"]["turns_per_coil"] * 8 == 88 and b["limits"]["dc_link_voltage_v"] == 650
    assert b["rotor"]["magnet"] == "prius2010" and b["limits"]["max_speed_rpm"] == 13500


@pytest.mark.xfail(strict=True, reason="model phase resistance 0.102 ohm vs ORNL 0.077 ohm at 21 degC (+32 %): the "
                   "end-winding extension copied from the 2004 machine is too long for the 2010 stator (assumption)")
def test_phase_resistance_within_5_percent(shipped):
    """The model's phase resistance at 21 degC within 5 % of ORNL's 0.077 ohm (the 2004 case is
    within 3 %). Measured gap: +32 %."""
    d = shipped.design("prius2010")
    R21 = d.R_s_20 * (1 + d.conductor.alpha)
    assert abs(R21 / R_PHASE_21C_2010 - 1) <= 0.05


def test_metrics_reached(results, metrics):
    """What the unchanged models reach (issue-13 metric names): 11 points compared (the 230 V /
    3000 rpm / 70 N m point is beyond the voltage limit), no current or back-EMF reference (None),
    mean |d eta| 3.09 points and max 11.96 points (+-0.05), and the error grows with speed at 650 V
    (too efficient above 6000 rpm, monotonic)."""
    assert metrics["n_points"] == 11
    assert metrics["mean_abs_current_error"] is None and metrics["back_emf_error"] is None
    assert metrics["inverter_efficiency_mean_abs_error"] is None
    assert metrics["mean_abs_motor_efficiency_error"] == pytest.approx(0.0309, abs=5e-4), results_text(results)
    assert metrics["max_abs_motor_efficiency_error"] == pytest.approx(0.1196, abs=5e-4)
    out = [r for r in results if r.eta_model is None]
    assert [(r.point_id, r.reason) for r in out] == [("230V_3000rpm_070Nm", "voltage limit")]
    hs = [r.error for r in results if r.v_dc == 650 and r.speed_rpm >= 6000]
    assert all(e > 0 for e in hs) and np.all(np.diff(hs) > 0)


@pytest.mark.xfail(strict=True, reason="2010 Prius mean |d eta| 3.09 points > 1.5: the model is too efficient at high "
                   "speed (missing high-speed losses, issue 13), as for the 2004 machine")
def test_mean_efficiency_error_target(metrics):
    """Issue 13's mean target applied to the second machine: mean |d eta| <= 1.5 points (gap 3.09)."""
    assert metrics["mean_abs_motor_efficiency_error"] <= MEAN_TARGET


@pytest.mark.xfail(strict=True, reason="2010 Prius max |d eta| 11.96 points at 12 000 rpm / 22 N m (model 0.940 vs "
                   "0.82) > 4 points")
def test_max_efficiency_error_target(metrics):
    """Issue 13's max target applied to the second machine: max |d eta| <= 4 points (gap 11.96)."""
    assert metrics["max_abs_motor_efficiency_error"] <= MAX_TARGET
