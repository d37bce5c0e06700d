"""Aircraft mission profiles (motoropt.mission): momentum-theory powers by hand, and a [mission]
evaluated like a drive cycle (the programme case cases/programme/aircooled_air_mobility.toml).

References: hand calculations (momentum theory); the mission's shaft energy sum(P dt) from its
phases, computed independently of the evaluation here (1e-9); energy conservation (in = out +
losses, 1e-12)."""

import math

import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.mission import MissionSpec, MissionVehicle, get_mission, mission_points, oei_power_w, parse_mission

CASE = "programme/aircooled_air_mobility"


def test_mission_as_cycle_energy(shipped):
    """The mission's shaft energy out equals sum(P dt) of the mission phases (momentum-theory powers
    in motoropt.mission), and energy in = energy out + losses, motor and motor + inverter."""
    ev = shipped.evaluation(CASE)
    k = ev.kpis["cycles"]["uber_elevate"]
    spec = ev.design.specs.mission
    assert isinstance(spec, MissionSpec) and spec.name == "uber_elevate"
    assert spec == parse_mission(shipped.case(CASE).free["mission"])
    rpm, T, dt, _ = mission_points(get_mission(spec.name, spec.vehicle), spec.gear_ratio)
    for a, b in zip(spec.points(), (rpm, T, dt)):
        np.testing.assert_array_equal(a, b)
    e_mech = float(np.sum(rpm * 2 * np.pi / 60 * T * dt)) / 3600
    assert k["points_beyond_envelope"] == 0
    assert k["energy_out_wh"] == pytest.approx(e_mech, rel=1e-9)
    assert k["loss_wh"] == pytest.approx(k["energy_in_wh"] - k["energy_out_wh"], rel=1e-12)
    assert 0.5 < k["motor_inverter_efficiency"] < k["motor_efficiency"] < 1.0
    assert "winding_hotspot_c_max" in k


def test_mission_bad_input():
    """A [mission] without a name or with an unknown key: InputError naming the field."""
    with pytest.raises(InputError, match="mission.name"):
        parse_mission({"gear_ratio": 2})
    with pytest.raises(InputError, match="mission.rotor_size"):
        parse_mission({"name": "uber_elevate", "rotor_size": 2})


def test_mission_momentum_theory_and_energy():
    """Hand calculation (momentum theory): 2200 kg / 6 rotors -> T = 2200 x 9.80665 / 6 = 3595.8 N;
    A = pi 1.0^2 = 3.1416 m^2; P_ideal = T^1.5 / sqrt(2 x 1.225 x A) = 77.72 kW; / FM 0.75 = 103.6 kW.
    Hover rpm = 180 / 1.0 rad/s = 1718.9 rpm. One-inoperative: x (6/5)^1.5 = 1.3145.
    Conservation: sum(w T dt) over the points = sum(P_phase x duration) (Wh), durations sum to
    60 + 180 + 1440 + 180 + 60 = 1920 s; a gear ratio scales speed up and torque down, same energy."""
    m = get_mission("uber_elevate")
    T = 2200 * 9.80665 / 6
    P = T ** 1.5 / math.sqrt(2 * 1.225 * math.pi) / 0.75
    assert m.hover_power_w == pytest.approx(P, rel=1e-12) and P == pytest.approx(103.6e3, rel=1e-3)
    assert m.hover_rpm == pytest.approx(180 / RPM_TO_RAD_S, rel=1e-12)
    assert oei_power_w(m) / m.hover_power_w == pytest.approx(1.2 ** 1.5, rel=1e-12)
    assert m.duration_s == 1920.0
    for g in (1.0, 4.5):
        rpm, Tq, dt, t_mid = mission_points(m, gear_ratio=g)
        assert dt.sum() == pytest.approx(1920.0) and np.all(np.diff(t_mid) > 0)
        e = float(np.sum(rpm * RPM_TO_RAD_S * Tq * dt)) / 3600
        assert e == pytest.approx(m.energy_wh, rel=1e-12)
    rpm1, T1, _, _ = mission_points(m, 1.0)
    rpm2, T2, _, _ = mission_points(m, 4.5)
    assert np.allclose(rpm2, 4.5 * rpm1) and np.allclose(T2, T1 / 4.5)
    with pytest.raises(InputError):
        get_mission("nope")
    with pytest.raises(InputError):
        get_mission("uber_elevate", MissionVehicle(mass_kg=-1))
    with pytest.raises(InputError):
        mission_points(m, gear_ratio=0)
