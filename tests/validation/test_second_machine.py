"""The second production machine, the 2010 Toyota Prius MG2 (cases/prius2010.toml), against its
published map points with the same models and defaults as the 2004 machine: ``motoropt validate
prius2010`` (issue 14; registry in motoropt.evaluation.validation).

Reference: ORNL/TM-2010/253 (Burress et al., 2011) -- dimensions, winding, resistance and magnet
measurements (Table 2.7, section 2.3.3) through the heat-sweep transcription, and 17 map points of
its Figs. 3.15-3.17 as digitised by a third party (sandialabs/GeneratorSE.jl): whole-per-cent
efficiencies, map type unconfirmed, no measured current or temperature. 5 of the 17 fail an energy
check and are dropped (motoropt/data/validation/prius2010_points.csv and SOURCES.md).

Nothing is tuned to these points: the case copies the 2004 case's issue-13 defaults (temperatures,
SVPWM at 5 kHz with 4 us dead time, strand paralleling per coil, the traced 2004 slot shape, loss
models) and the registry evaluates it with the same model as the 2004 machine (embedded FEA flux map,
8 positions, field-waveform losses); the unpublished dimensions come from the 2004 machine ([A] in
the case); no spin-loss measurement exists for 2010, so the model's default mechanical loss applies.
The issue-13 targets (mean |d eta| <= 1.5 points, max <= 4 points) are a target, not a tuning.
Measured with issue 13's model: 10 of 12 points compared (230 V / 3000 rpm / 70 N m and
230 V / 4500 rpm / 40 N m lie beyond the model's voltage limit), mean 1.65 points, max 3.16 points
(12 000 rpm / 22 N m: 0.852 vs 0.82); before issue 13 (MEC, no PWM/spin/circulating losses) it was
11 points, mean 3.09, max 11.96. The remaining pattern: the model is 2.2-2.7 points low at 650 V
from 4500 to 8000 rpm and too efficient at 12 000 rpm (no measured oil drag for 2010). The phase
resistance is 33 % above ORNL's (0.102 vs 0.077 ohm): the end-winding geometry copied from 2004 is
too long for this machine (assumption, reported, not adjusted).
"""

import math

import pytest

from motoropt.evaluation import validation as V
from motoropt.evaluation.validation import R_PHASE_21C_2010, energy_check, read_points

MEAN_TARGET, MAX_TARGET = 0.015, 0.04  # issue 13's motor-efficiency targets (fractions)
VS = V.REGISTRY["prius2010"]


@pytest.fixture(scope="module")
def result():
    return V.validate("prius2010")


def test_data_and_energy_check():
    """The shipped points: P_mech = T w and P_ac = P_mech / eta (derived columns, rounded: 1 W); the
    energy_check column equals the check recomputed (copper at the derived current and ORNL's 21 degC
    resistance <= the loss eta allows read 0.5 points low); exactly the 5 high-torque points
    650 V 750/1500/2500/3500 rpm and 500 V 2000 rpm fail and are dropped; no current or temperature
    was measured."""
    rows = read_points(VS.points)
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
    assert sum(VS.rows_ok(r) for r in rows) == 12


def test_case_uses_the_2004_defaults_and_the_2010_dimensions(shipped):
    """Same models and defaults as the 2004 case (temperatures, modulation / carrier / dead time,
    strand paralleling, steel grade, conductor, slot tip, fill-factor method) and the same validation
    model (the registry's FEA settings); the published 2010 dimensions are the case's (ORNL/TM-2010/253
    T2.7: stack 50.8 mm, OD 264 mm, bore 161.9 mm, slot depth 30.9 mm, 11 turns/coil x 8 coils =
    88 series turns, AWG 20, magnet 17.88 x 7.16 mm, 650 V, 13 500 rpm)."""
    a, b = shipped.case("prius2004").values, shipped.case("prius2010").values
    assert a["temperatures"] == b["temperatures"]
    assert V.REGISTRY["prius2004"].fea == VS.fea == V.VALIDATION_FEA
    for sec, key in (("stator", "steel"), ("stator", "stacking_factor"), ("stator", "slot_width_top_mm"),
                     ("stator", "tip_height_mm"), ("winding", "conductor"), ("winding", "layers"),
                     ("winding", "strand_paralleling"), ("rotor", "bridge_mm"), ("limits", "modulation"),
                     ("limits", "switching_frequency_khz"), ("limits", "dead_time_us")):
        assert a[sec][key] == b[sec][key]
    d = shipped.design("prius2010")
    assert (d.stator.L, d.stator.D_o, d.stator.D_i, d.stator.slot_depth) == pytest.approx(
        (0.0508, 0.264, 0.1619, 0.0309))
    assert b["winding"]["turns_per_coil"] * 8 == 88 and b["limits"]["dc_link_voltage_v"] == 650
    assert b["rotor"]["magnet"] == "prius2010" and b["limits"]["max_speed_rpm"] == 13500


@pytest.mark.xfail(strict=True, reason="model phase resistance 0.102 ohm vs ORNL 0.077 ohm at 21 degC (+33 %): the "
                   "end-winding extension copied from the 2004 machine is too long for the 2010 stator (assumption)")
def test_phase_resistance_within_5_percent(shipped):
    """The model's phase resistance at 21 degC within 5 % of ORNL's 0.077 ohm (the 2004 case is
    within 3 %). Measured gap: +33 %."""
    d = shipped.design("prius2010")
    R21 = d.R_s_20 * (1 + d.conductor.alpha)
    assert abs(R21 / R_PHASE_21C_2010 - 1) <= 0.05


@pytest.mark.slow
def test_metrics_reached(result):
    """What the unchanged models reach (the numbers `motoropt validate prius2010 --json` prints):
    10 points compared (230 V / 3000 rpm / 70 N m and 230 V / 4500 rpm / 40 N m are beyond the voltage
    limit), no current, back-EMF or inverter reference (None), mean |d eta| 1.65 points and max 3.16
    points (+-0.05; at 12 000 rpm / 22 N m, the model too efficient there); max target reached."""
    m = result.metrics
    assert list(m)[:6] == list(V.METRIC_KEYS)
    assert m["n_points"] == 10
    assert m["mean_abs_current_error"] is None and m["back_emf_error"] is None
    assert m["inverter_efficiency_mean_abs_error"] is None
    assert m["mean_abs_motor_efficiency_error"] == pytest.approx(0.0165, abs=5e-4)
    assert m["max_abs_motor_efficiency_error"] == pytest.approx(0.0319, abs=5e-4)
    assert m["max_abs_motor_efficiency_error"] <= MAX_TARGET
    out = [(p.row["point_id"], "voltage limit" in p.reason) for p in result.points if not p.feasible]
    assert out == [("230V_3000rpm_070Nm", True), ("230V_4500rpm_040Nm", True)]
    worst = max((p for p in result.points if p.feasible), key=lambda p: abs(p.efficiency_error))
    assert (worst.row["speed_rpm"], worst.row["torque_Nm"]) == (12000, 22) and worst.efficiency_error > 0


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="2010 Prius mean |d eta| 1.65 points > 1.5 (issue 13's model, nothing tuned): "
                   "2.2-2.7 points low at 650 V / 4500-8000 rpm, +3.2 at 12 000 rpm (no measured 2010 spin loss); "
                   "the points are third-party contour readings to the whole per cent")
def test_mean_efficiency_error_target(result):
    """Issue 13's mean target applied to the second machine: mean |d eta| <= 1.5 points (gap 1.65)."""
    assert result.metrics["mean_abs_motor_efficiency_error"] <= MEAN_TARGET
