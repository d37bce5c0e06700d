"""Tests of the reduction-gear model (motoropt.gear)."""

import math

import numpy as np
import pytest

from motoropt.errors import InputError
from motoropt.gear import (
    FACE_RATIO,
    K_FACTOR,
    RHO_STEEL,
    WHEEL_FILL,
    Gear,
    gear_mass,
    gear_motor_side,
    parse_gear,
    planetary_efficiency,
    planetary_gear_mass,
)
from motoropt.mission import get_mission


def test_energy_balance_both_directions():
    """Conservation: motor power = wheel power + loss, loss > 0 motoring and generating, and power
    flows motor -> wheel when motoring, wheel -> motor (|P_motor| < |P_wheel|) when generating."""
    g = Gear(ratio=9.0, stages=2)
    T = np.array([1500.0, -1500.0, 300.0, -300.0])
    w = np.array([50.0, 50.0, 100.0, -100.0])
    T_m, w_m, P = gear_motor_side(T, w, g)
    np.testing.assert_allclose(T_m * w_m, T * w + P, rtol=1e-12)
    assert np.all(P > 0)
    assert T_m[0] * w_m[0] > T[0] * w[0] > 0
    assert T[1] * w[1] < T_m[1] * w_m[1] < 0
    np.testing.assert_allclose(w_m, 9.0 * w)


def test_efficiency_rises_with_load_toward_mesh_efficiency():
    """At fixed speed eta = P_wheel / P_motor rises monotonically with torque toward eta_mesh^stages
    (0.985^2 = 0.970225), never exceeding it."""
    g = Gear(ratio=9.0, stages=2, eta_mesh=0.985)
    T = np.linspace(10.0, 3000.0, 50)
    T_m, w_m, P = gear_motor_side(T, 80.0, g)
    eta = T * 80.0 / (T_m * w_m)
    assert np.all(np.diff(eta) > 0)
    assert eta[-1] < 0.970225 and eta[-1] > 0.96


def test_zero_speed_no_spin_loss():
    """Standstill: no churning/bearing drag (Palmgren form ~ w^(2/3)) and no loss; motor torque is
    the mesh-transformed holding torque T/(ratio eta)."""
    g = Gear(ratio=8.0)
    T_m, w_m, P = gear_motor_side(np.array([0.0, 1000.0]), 0.0, g)
    assert P[0] == 0.0 and P[1] == 0.0 and w_m[1] == 0.0
    assert T_m[1] == pytest.approx(1000.0 / (8.0 * 0.985))
    # spin loss alone at zero torque equals T_drag_ref w_ref at the reference speed
    _, _, P_spin = gear_motor_side(0.0, g.w_ref / g.ratio, g)
    assert float(P_spin) == pytest.approx(g.T_drag_ref * g.w_ref)


def test_mass_hand_calculation_single_stage():
    """Single stage, u = 8, wheel torque 2000 N m: pinion torque 250 N m,
    d1 = (2*250*9/(8*8e6*0.6))^(1/3) = (4500/3.84e7)^(1/3) = 0.048936 m, b = 0.029362 m, d2 = 0.39149 m,
    gears = 7850*pi/4*b*(d1^2 + 0.6 d2^2) = 181.02*(0.0023947 + 0.091957) = 17.08 kg (hand calc)."""
    g = Gear(ratio=8.0, stages=1, torque_rating_wheel=2000.0)
    d1 = (2 * 250 * 9 / (8 * K_FACTOR * FACE_RATIO)) ** (1 / 3)
    assert d1 == pytest.approx(0.048936, rel=1e-4)
    mg = gear_mass(g)
    assert mg["gears_kg"] == pytest.approx(17.08, rel=2e-3)
    assert mg["total_kg"] > mg["gears_kg"]
    # geometric similarity: d^3 ~ T -> gear volume ~ T (doubling torque doubles gear mass)
    assert gear_mass(Gear(ratio=8.0, torque_rating_wheel=4000.0))["gears_kg"] == pytest.approx(2 * mg["gears_kg"])
    assert RHO_STEEL * math.pi / 4 > 0 and WHEEL_FILL < 1


def test_two_stage_lighter_than_single_at_high_ratio():
    """At ratio 12 a two-stage reducer (sqrt split) needs less gear mass than one 1:12 stage
    (the single-stage wheel diameter grows with u); this is why high ratios use two stages."""
    one = gear_mass(Gear(ratio=12.0, stages=1, torque_rating_wheel=3000.0))["gears_kg"]
    two = gear_mass(Gear(ratio=12.0, stages=2, torque_rating_wheel=3000.0))["gears_kg"]
    assert two < one


def test_bad_gear_inputs_name_fields():
    """ratio < 1, stages not 1/2 and inconsistent stage ratios raise InputError naming the field."""
    for kw, field in ((dict(ratio=0.5), "gear.ratio"), (dict(ratio=8.0, stages=3), "gear.stages"),
                      (dict(ratio=8.0, stages=2, stage_ratios=(2.0, 3.0)), "gear.stage_ratios")):
        with pytest.raises(InputError) as e:
            Gear(**kw)
        assert e.value.field == field


# -------------------------------------------------------------------------------------------------
# single-stage planetary (sun in, carrier out, ring fixed)


def test_planetary_efficiency_rolling_power_closed_form():
    """Mueller's rolling-power relation: eta = 1 - (1 - eta_m^2)(1 - 1/i); i = 6, eta_m = 0.99 ->
    0.983417 (1e-6); without drag the loss is (1 - eta) of the transmitted power, motoring (1e-12)."""
    assert planetary_efficiency(6.0, 0.99) == pytest.approx(0.9834167, abs=1e-6)
    g = Gear(ratio=6.0, kind="planetary", eta_mesh=0.99, T_drag_ref=0.0)
    T_m, w_m, P = gear_motor_side(757.0, 180.0, g)
    assert w_m == pytest.approx(6 * 180.0)
    assert P == pytest.approx(757.0 * 180.0 * (1 / g.efficiency_mesh - 1), rel=1e-12)


def test_planetary_mass_scales_with_torque_and_geometry():
    """K-factor sizing: d_s^3 proportional to torque -> gear mass proportional to torque (1e-12); fewer
    planets -> a larger sun and a heavier stage; more torque density with a higher K (mass ~ 1/K)."""
    m1 = planetary_gear_mass(800.0, 6.0, 4)
    assert planetary_gear_mass(1600.0, 6.0, 4) == pytest.approx(2 * m1, rel=1e-12)
    assert planetary_gear_mass(800.0, 6.0, 3) > m1
    assert planetary_gear_mass(800.0, 6.0, 4, k_factor=16e6) == pytest.approx(m1 / 2, rel=1e-12)
    gm = gear_mass(Gear(ratio=6.0, kind="planetary", planets=4, torque_rating_wheel=800.0))
    assert gm["gears_kg"] == pytest.approx(m1, rel=1e-12)
    assert gm["total_kg"] == pytest.approx(2 * m1 + 2.0, rel=1e-12)


def test_planetary_bad_input_named():
    """Planetary limits: ratio in [3, 12], one stage, 2-8 planets; kind and k_factor_mpa checked."""
    with pytest.raises(InputError, match="gear.ratio"):
        Gear(ratio=15.0, kind="planetary")
    with pytest.raises(InputError, match="gear.planets"):
        parse_gear({"ratio": 6.0, "kind": "planetary", "planets": 1}, None)
    with pytest.raises(InputError, match="gear.kind"):
        parse_gear({"ratio": 6.0, "kind": "worm"}, None)
    with pytest.raises(InputError, match="gear.k_factor_mpa"):
        parse_gear({"ratio": 6.0, "k_factor_mpa": 0.0}, None)
    spec = parse_gear({"ratio": 6.0, "kind": "planetary", "planets": 4, "k_factor_mpa": 10}, None)
    assert spec.gear.planets == 4 and spec.gear.k_factor == 10e6


@pytest.mark.slow
def test_geared_mission_energy_balance(shipped):
    """air_mobility_geared: the motor's points are the rotor's through the gear; over the mission the
    motor shaft energy = rotor energy + gear loss (1e-9), and the system efficiency (DC -> rotor)
    = motor+inverter efficiency x rotor/shaft energy ratio (1e-9)."""
    ev = shipped.evaluation("programme/air_mobility_geared")
    c = ev.kpis["cycles"]["uber_elevate"]
    assert c["points_beyond_envelope"] == 0
    m = get_mission("uber_elevate")
    e_rotor = m.energy_wh
    assert c["system_energy_out_wh"] == pytest.approx(e_rotor, rel=1e-9)
    assert c["energy_out_wh"] == pytest.approx(e_rotor + c["gear_loss_wh"], rel=1e-9)
    assert c["system_efficiency"] == pytest.approx(c["motor_inverter_efficiency"] * e_rotor / c["energy_out_wh"],
                                                   rel=1e-9)
    assert ev.kpis["motor_gear_mass_kg"] == pytest.approx(ev.kpis["motor_mass_kg"] + ev.kpis["gear_mass_kg"])
