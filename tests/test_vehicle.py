"""Longitudinal vehicle model: FASTSim road-load check, conservation laws, input validation."""

import dataclasses

import numpy as np
import pytest

from motoropt.constants import G_ACCEL
from motoropt.cycles import DriveCycle, load_cycle
from motoropt.errors import InputError
from motoropt.vehicle import (
    VEHICLES,
    _gear_torque_to_motor,
    motor_demand,
    road_load,
)

M3 = VEHICLES["tesla_model3_rwd_2022"]


@pytest.mark.parametrize(
    "cycle, traction, braking",
    [("udds", 120.1, -68.1), ("hwfet", 94.0, -16.6), ("us06", 170.1, -71.1),
     ("wltc3b", 128.8, -51.5)],
)
def test_model3_wheel_energy_per_km_matches_fastsim(cycle, traction, braking):
    """2022 Tesla Model 3 RWD (FASTSim database values) wheel energy per km, traction and
    braking-available, vs the FASTSim figures in the project reference
    (cycles_and_vehicles.md): UDDS +120.1/-68.1, HWFET +94.0/-16.6, US06 +170.1/-71.1,
    WLTC 3b +128.8/-51.5 Wh/km. Tolerance 0.5 %."""
    c = load_cycle(cycle)
    rl = road_load(c, M3)
    assert rl.traction_wh / c.distance_km == pytest.approx(traction, rel=5e-3)
    assert -rl.braking_wh / c.distance_km == pytest.approx(braking, rel=5e-3)


def _synthetic_cycle(v):
    v = np.asarray(v, dtype=float)
    return DriveCycle(name="synthetic", t=np.arange(v.size, dtype=float), v=v, source="test")


def test_road_load_closed_form_constant_speed_and_acceleration():
    """Closed form: at constant 20 m/s, F = ½ρCdA·v² + m·g·Crr; accelerating 0 -> 2 m/s in
    1 s, F = (m + 4J/r²)·2 + ½ρCdA·1² + m·g·Crr."""
    veh = M3
    rl = road_load(_synthetic_cycle([20.0, 20.0]), veh)
    f = 0.5 * 1.2 * 0.23 * 2.22 * 400.0 + 1752.0 * G_ACCEL * 0.007
    assert rl.F_wheel[0] == pytest.approx(f, rel=1e-12)
    assert rl.P_wheel[0] == pytest.approx(f * 20.0, rel=1e-12)
    rl = road_load(_synthetic_cycle([0.0, 2.0]), veh)
    m_eq = 1752.0 + 4 * 0.815 / 0.33435**2
    f = m_eq * 2.0 + 0.5 * 1.2 * 0.23 * 2.22 * 1.0 + 1752.0 * G_ACCEL * 0.007
    assert rl.F_wheel[0] == pytest.approx(f, rel=1e-12)


def test_kinetic_energy_balance_without_losses():
    """Conservation: with Cd = Crr = 0, the net wheel energy over a start-stop cycle is zero,
    and the traction energy equals ½·m_eq·v_max² for a single accelerate/decelerate trip."""
    veh = dataclasses.replace(M3, drag_coefficient=0.0, rolling_resistance=0.0)
    c = _synthetic_cycle([0, 2, 4, 6, 8, 10, 10, 10, 7, 4, 1, 0])
    rl = road_load(c, veh)
    assert np.sum(rl.P_wheel * rl.dt) == pytest.approx(0.0, abs=1e-9)
    assert rl.traction_wh * 3600 == pytest.approx(0.5 * veh.equivalent_mass_kg * 100.0, rel=1e-12)


@pytest.mark.parametrize("cycle", ["udds", "us06", "wltc3b"])
@pytest.mark.parametrize("n_motors, regen", [(1, 0.98), (2, 0.6), (4, 0.0)])
def test_motor_energy_conservation(cycle, n_motors, regen):
    """Motor shaft energy = wheel traction / η_g (motoring) and = regen·braking × η_g
    (generating); friction + regen = braking available; totals independent of n_motors."""
    veh = dataclasses.replace(M3, n_motors=n_motors, regen_fraction=regen, gear_efficiency=0.95)
    md = motor_demand(load_cycle(cycle), veh)
    assert md.motoring_wh == pytest.approx(md.wheel_traction_wh / 0.95, rel=1e-10)
    assert md.generating_wh == pytest.approx(md.wheel_regen_wh * 0.95, rel=1e-10, abs=1e-12)
    assert md.wheel_regen_wh == pytest.approx(regen * md.wheel_braking_wh, rel=1e-12)
    assert md.wheel_friction_wh + md.wheel_regen_wh == pytest.approx(md.wheel_braking_wh,
                                                                     rel=1e-12)


def test_motor_speed_and_torque_definitions():
    """Motor speed = v̄/r·G; traction torque per motor = F·r/(G·η)/n; braking torque per
    motor = regen·F·r·η/G/n; zero-speed intervals give zero speed and zero torque."""
    veh = dataclasses.replace(M3, n_motors=2, regen_fraction=0.5, gear_efficiency=0.9)
    c = load_cycle("udds")
    rl = road_load(c, veh)
    md = motor_demand(c, veh)
    r, G = veh.wheel_radius_m, veh.gear_ratio
    np.testing.assert_allclose(md.speed_rad_s, rl.v_mean / r * G, rtol=1e-12)
    trac = rl.F_wheel > 0
    brk = rl.F_wheel < 0
    np.testing.assert_allclose(md.torque_nm[trac], rl.F_wheel[trac] * r / (G * 0.9) / 2,
                               rtol=1e-12)
    np.testing.assert_allclose(md.torque_nm[brk], 0.5 * rl.F_wheel[brk] * r * 0.9 / G / 2,
                               rtol=1e-12)
    still = rl.v_mean == 0.0
    assert still.sum() > 100  # UDDS has long idle periods
    assert np.all(md.speed_rad_s[still] == 0.0) and np.all(md.torque_nm[still] == 0.0)
    np.testing.assert_array_equal(md.dt, np.ones_like(md.dt))


def test_gear_function_is_the_single_efficiency_entry():
    """The constant-efficiency gear: power out = η·power in in both directions."""
    T_m, w_m = _gear_torque_to_motor(np.array([100.0, -100.0]), np.array([10.0, 10.0]), 9.0, 0.9)
    np.testing.assert_allclose(w_m, [90.0, 90.0])
    assert T_m[0] * w_m[0] * 0.9 == pytest.approx(100.0 * 10.0)  # motoring: wheel = η·motor
    assert T_m[1] * w_m[1] == pytest.approx(-100.0 * 10.0 * 0.9)  # generating: motor = η·wheel


def test_presets_are_valid_and_plausible():
    """All presets validate; Prius-like hybrid MG2 ratio 4.113 and Cd 0.26 as cited."""
    assert {"tesla_model3_rwd_2022", "renault_zoe_2022", "nissan_leaf_2016",
            "chevrolet_bolt_2017", "toyota_prius_2004"} <= set(VEHICLES)
    for v in VEHICLES.values():
        v.validate()
        assert 1000 < v.mass_kg < 2500
    p = VEHICLES["toyota_prius_2004"]
    assert p.gear_ratio == 4.113 and p.drag_coefficient == 0.26


@pytest.mark.parametrize(
    "field, value",
    [("mass_kg", 0.0), ("mass_kg", float("nan")), ("drag_coefficient", -0.1),
     ("frontal_area_m2", -1.0), ("rolling_resistance", -0.01), ("wheel_radius_m", 0.0),
     ("gear_ratio", -3.0), ("gear_efficiency", 0.0), ("gear_efficiency", 1.2),
     ("regen_fraction", -0.1), ("regen_fraction", 1.5), ("n_motors", 0), ("n_motors", 1.5),
     ("n_wheels", 0), ("wheel_inertia_kgm2", -1.0), ("air_density", 0.0)],
)
def test_invalid_vehicle_raises_input_error(field, value):
    """Out-of-range fields raise InputError naming vehicle.<field>."""
    with pytest.raises(InputError) as e:
        dataclasses.replace(M3, **{field: value})
    assert e.value.field == f"vehicle.{field}"
