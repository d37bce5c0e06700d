"""Thermal KPIs of cage-rotor (induction) designs: motoropt.thermal.evaluation on InductionDesign and
the end-ring stress of motoropt.mechanics."""

import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.geometry.cage import CAGE_YIELD_DEFAULT, CageRotor
from motoropt.mechanics import disc_hoop_stress, end_ring_hoop_stress
from motoropt.thermal.evaluation import C, rating_grid, thermal_network
from motoropt.thermal.lptn import steady_state
from motoropt.thermal.settings import parse_thermal, thermal_settings

CASES = ["induction_traction", "programme/im_eaxle"]


@pytest.fixture(scope="module", params=CASES)
def ev(request, shipped):
    return shipped.evaluation(request.param)


def test_kpis_present(ev):
    """Reference: the brief's KPI list -- continuous/peak ratings, per-cycle winding hotspot and rotor
    temperature, rotor stress margin, no demag KPIs (magnet-free), no 'not available' marker."""
    k = ev.kpis
    assert ev.design.magnet is None and isinstance(ev.design.rotor, CageRotor)
    assert ev.thermal is not None and set(ev.thermal.kpis) <= set(k)
    for key in ("continuous_power_kw", "continuous_torque_nm", "peak_power_30s_kw", "rotor_stress_margin",
                "rotor_disc_margin", "rotor_end_ring_margin"):
        assert math.isfinite(k[key]), key
    assert k["rotor_limit_c"] == 200.0  # documented default for cages
    assert "thermal_model" not in k and "demag_margin" not in k and "magnet_limit_c" not in k
    assert ev.cycles, "case has drive cycles"
    for name in ev.cycles:
        c = k["cycles"][name]
        # machine starts at the coolant temperature (65 degC) and may not exceed the limits on a cycle
        assert 65.0 <= c["rotor_temperature_c_max"] <= k["rotor_limit_c"]
        assert 65.0 <= c["winding_hotspot_c_max"] <= k["winding_limit_c"]


def test_continuous_below_peak(ev):
    """Reference: thermal ratings are bounded by the electromagnetic envelope -- continuous power < 30-s
    power <= peak (envelope) power, continuous torque < peak torque, and all > 0."""
    k = ev.kpis
    assert 0 < k["continuous_power_kw"] < k["peak_power_30s_kw"] <= k["peak_power_kw"] * (1 + 1e-6)
    assert 0 < k["continuous_torque_nm"] < float(np.nanmax(ev.emap.torque_nm))


def test_rotor_copper_loss_heats_rotor(ev):
    """Reference: conservation of energy in the LPTN -- adding the rotor copper loss (a positive heat
    source on the cage node) raises the cage and lamination temperatures; with it set to zero the
    rotor is cooler. Point: half the envelope torque at mid speed of the rating grid."""
    net = thermal_network(ev, thermal_settings(ev.design, ev.design.specs.thermal))
    grid = rating_grid(ev, n_speed=5, n_torque=5)
    s = 2
    j = int(np.argmin(np.abs(grid.frac - 0.5)))
    comp = grid.comp[j, s].copy()
    assert comp[C["magnet"]] > 0  # the rotor copper loss sits on the cage ("magnets") node
    hot = steady_state(net, comp, speed=grid.speed[s])
    comp0 = comp.copy()
    comp0[C["magnet"]] = 0.0
    cold = steady_state(net, comp0, speed=grid.speed[s])
    for node in ("magnets", "rotor_core"):
        assert hot[node] > cold[node] + 1.0, node
    # the heated cage is the hottest rotor part
    assert hot["magnets"] >= hot["rotor_core"]


def test_end_ring_stress_hand_calculation():
    """Reference: hand calculation. r = 60 mm, A_ring = 10 x 20 mm, copper 8900 kg/m^3, 40 bars of
    50 mm^2 with 10 mm extension at r_bar = 62 mm, 1000 rad/s x 1.2:
    self = 8900 * 1200^2 * 0.06^2 = 46.1376 MPa; F_b = 8900 * 5e-5 * 0.01 * 0.062 * 1200^2 = 397.296 N;
    bars = 40 * 397.296 / (2 pi * 2e-4) = 12.6464 MPa; total 58.784 MPa;
    margin vs 200 MPa / 1.5 = (133.33 - 58.784) / 133.33 = 0.55912."""
    r = end_ring_hoop_stress(0.06, 2e-4, 8900.0, 40, 5e-5, 0.01, 0.062, 1000.0, yield_strength=200e6,
                             safety_factor=1.5, overspeed_factor=1.2)
    assert r["sigma_self"] == pytest.approx(46.1376e6, rel=1e-9)
    assert r["sigma_bars"] == pytest.approx(12.6464e6, rel=1e-4)
    assert r["sigma"] == pytest.approx(58.784e6, rel=1e-4)
    assert r["margin"] == pytest.approx(0.55912, abs=1e-4)
    # second method: a rotating disc of vanishing radial thickness is a thin ring (Timoshenko & Goodier)
    thin = disc_hoop_stress(0.06, 0.06 * (1 - 1e-6), 0.06, 8900.0, 0.3, 1200.0)
    assert r["sigma_self"] == pytest.approx(thin, rel=1e-5)
    with pytest.raises(InputError):
        end_ring_hoop_stress(0.06, 0.0, 8900.0, 40, 5e-5, 0.01, 0.062, 1000.0)


def test_rotor_stress_of_case(ev):
    """Reference: the end-ring stress scales with omega^2 -- the case's margin follows from its own
    sigma and the documented copper default 200 MPa / 1.5 (cage conductor copper in both cases, no
    thermal.cage_yield_mpa given); the evaluation reports the same margins."""
    st = thermal_settings(ev.design, ev.design.specs.thermal)
    assert st.stress.cage_yield is None and ev.design.cage_conductor.name == "copper"
    assert CAGE_YIELD_DEFAULT["copper"] == 200e6
    rs = ev.design.rotor_stress(st.stress)
    assert ev.kpis["rotor_stress_margin"] == rs["margin"]
    assert ev.kpis["rotor_end_ring_margin"] == rs["end_ring_margin"]
    allow = 200e6 / 1.5
    assert rs["end_ring_margin"] == pytest.approx((allow - rs["end_ring_sigma_mpa"] * 1e6) / allow, rel=1e-12)
    assert rs["margin"] == min(v for k, v in rs.items() if k.endswith("_margin"))
    assert rs["margin"] <= min(rs["disc_margin"], rs["end_ring_margin"])


def test_magnet_key_rejected_for_cage(ev):
    """Reference: the [thermal] key contract -- magnet_max_c is meaningless for a cage rotor and is
    rejected naming thermal.magnet_max_c; rotor_max_c sets the rotor limit."""
    with pytest.raises(InputError, match="thermal.magnet_max_c"):
        thermal_settings(ev.design, parse_thermal({"magnet_max_c": 150.0}))
    assert thermal_settings(ev.design, parse_thermal({"rotor_max_c": 180.0})).T_magnet_max == 180.0
    d2 = design_from_values(ev.design.values, {**ev.design.specs.tables, "thermal": {"rotor_max_c": 180.0}})
    assert thermal_settings(d2, d2.specs.thermal).T_magnet_max == 180.0
