"""An aircraft mission profile ([mission]) evaluated like a drive cycle."""

from pathlib import Path

import numpy as np
import pytest

from motoropt.case import load_case
from motoropt.errors import InputError
from motoropt.evaluation.pipeline import evaluate_design
from motoropt.case import design_from_values
from motoropt.mission import get_mission, mission_points, mission_spec

CASE = Path(__file__).parents[1] / "cases" / "programme" / "aircooled_air_mobility.toml"


def test_mission_as_cycle_energy():
    """The mission's shaft energy out equals sum(P dt) of the mission phases (momentum-theory powers
    in motoropt.mission), and energy in = energy out + losses, motor and motor + inverter."""
    c = load_case(CASE)
    d = design_from_values(c.nominal(), c.free)
    ev = evaluate_design(d)
    k = ev.kpis["cycles"]["uber_elevate"]
    spec = mission_spec(d.free)
    rpm, T, dt, _ = mission_points(get_mission(spec["name"], spec["vehicle"]), spec["gear_ratio"])
    e_mech = float(np.sum(rpm * 2 * np.pi / 60 * T * dt)) / 3600
    assert k["points_beyond_envelope"] == 0
    assert k["energy_out_wh"] == pytest.approx(e_mech, rel=1e-9)
    assert k["loss_wh"] == pytest.approx(k["energy_in_wh"] - k["energy_out_wh"], rel=1e-12)
    assert 0.5 < k["motor_inverter_efficiency"] < k["motor_efficiency"] < 1.0
    assert "winding_hotspot_c_max" in k


def test_mission_bad_input():
    with pytest.raises(InputError, match="mission.name"):
        mission_spec({"mission": {"gear_ratio": 2}})
    with pytest.raises(InputError, match="mission.rotor_size"):
        mission_spec({"mission": {"name": "uber_elevate", "rotor_size": 2}})
