"""Validation of the thermal network (motoropt.thermal) against a published measurement (issue 4).

Reference
---------
J. S. Hsu, S. C. Nelson, P. A. Jallouk, C. W. Ayers, R. H. Wiles, S. L. Campbell, C. L. Coomer,
K. T. Lowe, T. A. Burress, "Report on Toyota/Prius Motor Thermal Management", ORNL/TM-2005/33,
Oak Ridge National Laboratory, February 2005 (OSTI 885987, public domain). Data in
tests/validation/data/thermal_prius2004_ornl_tm2005_33.csv: Table 7 (p. 15) steady continuous-load points,
Table 10 (p. 16) their loss separation, Tables 17/18 (pp. 32, 35) the winding thermocouples.

Test conditions (ORNL): the 2004 Prius MG2 in its transaxle, 900 rpm, line-fed at 60 Hz (no
inverter, so no PWM losses), load raised until the winding settled near its 170 degC limit
(48-99 min per point), water-glycol coolant at 35 / 50 / 75 / 105 degC inlet, 2.4 gpm, feeding the
transaxle oil cooler. The motor is cooled by the transaxle oil; winding and oil temperatures were
measured. Losses are ORNL's measured separation (copper I^2R, "core" = the remainder after
mechanical loss, i.e. iron + stray + rotor losses), i.e. losses *as measured*, not as motoropt's
loss model computes them.

Model (motoropt APIs: thermal_geometry of cases/prius2004.toml -> build_network -> steady_state):
- geometry, masses, fill factor and end windings from the Prius case (ORNL/pyleecan dimensions);
  all thermal materials, the 30 um stator-housing interface, slot liner/resin: the model defaults.
- heat sink = the measured oil temperature T_oil: (a) end windings: motoropt's OilSpray with its
  default h_ref = 1000 W/m^2/K on 60 % of the end-winding surface, the oil node held at T_oil (flow
  made large, flow_ref equal to it so that h stays h_ref); (b) the housing is pinned at T_oil (the
  stator sits in the oil-bathed aluminium transaxle case; an infinite housing-to-oil conductance,
  i.e. an optimistic bound: a finite one can only raise the winding temperature).
- losses: copper split active/end by conductor length L / (L + l_end) as evaluation.split_losses
  does; "core" loss on stator teeth and yoke in proportion to their masses (uniform loss density);
  mechanical loss half bearings, half air-gap windage. Copper rho(T) / Br(T) coupling off (the
  losses were measured at the test temperatures). 900 rpm for the speed-dependent conductances.
- compared quantity: the hottest winding temperature of the model, max(hotspot estimate, active
  winding mean, end-winding means), against ORNL's winding temperature (the hottest thermocouple).

Tolerance, fixed before running the comparison: +-10 K on the winding temperature. Reasons: the
three winding thermocouples themselves spread by 4-10 K at each point (a lumped model has one
winding-hotspot number), the loss separation is good to ~+-5 % (+-2.5 K on the ~50 K rise above
the oil), and ORNL's own validated finite-difference model (HEATING 7.3) lands within ~10 K of the
thermocouples (Tables 17/18).

Result: the model misses. With the defaults it reaches only 42-51 % of the measured winding rise
above the oil (26 vs 52 K at 35 degC coolant); the hottest winding temperature is 21-30 K low. The
cause is the end-winding oil convection: OilSpray's default h_ref (an actively sprayed jet) removes
most of the copper loss through the end windings, whereas the 2004 Prius end windings are only
drip/splash-wetted; the model reproduces the measurement only with an effective end-winding
h ~ 100 W/m^2/K (see test_sensitivity_to_end_winding_oil_h). Following the rules, the +-10 K target is
kept as a strict xfail with the measured gap, and what is reached is asserted separately.
A second finding, now fixed: lptn.hotspot fell below the active-winding mean when the teeth feed
heat into the slot (the net slot outflow is now clamped at 0; test_hotspot_not_below_winding_mean).
"""

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from motoropt.thermal import Cooling, Coupling, NaturalConvection, OilSpray, build_network, steady_state
from motoropt.thermal.evaluation import thermal_geometry
from motoropt.thermal.nodes import HOUSING
from motoropt.thermal.settings import thermal_settings

DATA = Path(__file__).resolve().parent / "data" / "thermal_prius2004_ornl_tm2005_33.csv"

SPEED = 900.0 * 2.0 * math.pi / 60.0  # rad/s (line-fed 60 Hz, 4 pole pairs) [ORNL/TM-2005/33]
TOL_K = 10.0  # a-priori tolerance on the winding temperature (module docstring)
OIL_H_DEFAULT = OilSpray().h_ref  # motoropt's default end-winding oil h, W/m^2/K
G_PINNED = 1.0e6  # W/K: housing pinned at the oil temperature (module docstring)


def _read_points():
    with open(DATA, newline="") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    return [{k: float(v) for k, v in r.items()} for r in rows]


POINTS = _read_points()


@pytest.fixture(scope="module")
def prius(prius_design):
    return prius_design, thermal_geometry(prius_design, thermal_settings(prius_design, prius_design.specs.thermal))


def _network(geom, T_oil, h_oil=OIL_H_DEFAULT):
    """Prius LPTN with the oil as the heat sink at the measured T_oil (module docstring)."""
    cooling = Cooling(
        oil=OilSpray(flow_lpm=1000.0, flow_ref_lpm=1000.0, inlet_c=T_oil, h_ref=h_oil),
        natural=NaturalConvection(ambient_c=T_oil, surface_c=T_oil + 10.0),
    )
    net = build_network(geom, cooling, Coupling(enabled=False), max_speed=200.0)
    g_b, T_b = net.g_b.copy(), net.T_b.copy()
    g_b[HOUSING], T_b[HOUSING] = G_PINNED, T_oil
    return dataclasses.replace(net, g_b=g_b, T_b=T_b)


def _losses(design, geom, p):
    L, l_end = design.stator.L, design.end_winding_length
    a = L / (L + l_end)
    f_teeth = geom.stator_teeth_mass / (geom.stator_teeth_mass + geom.stator_yoke_mass)
    return dict(copper_active=p["p_cu_w"] * a, copper_end=p["p_cu_w"] * (1.0 - a),
                iron_teeth=p["p_core_w"] * f_teeth, iron_yoke=p["p_core_w"] * (1.0 - f_teeth),
                mechanical_bearings=0.5 * p["p_mech_w"], windage=0.5 * p["p_mech_w"])


def _winding_max(r):
    return max(r.hotspot_c, r["winding_active"], r["end_winding_front"], r["end_winding_rear"])


def _solve(prius, p, h_oil=OIL_H_DEFAULT):
    design, geom = prius
    net = _network(geom, p["t_oil_c"], h_oil)
    return net, steady_state(net, _losses(design, geom, p), speed=SPEED)


def test_reference_data_energy_balance():
    """Integrity of the transcribed ORNL data: P_elec - P_mech = copper + core + mechanical loss
    (Tables 7 and 10, ORNL/TM-2005/33) within 2 W (rounding), and P_mech = T w at 900 rpm within
    0.1 %; the reported winding temperature equals the hottest thermocouple within 0.5 K at the
    35 and 50 degC points (Tables 17/18), which is why the model's hottest winding temperature is
    the compared quantity."""
    for p in POINTS:
        assert p["p_elec_w"] - p["p_mech_out_w"] == pytest.approx(p["p_cu_w"] + p["p_core_w"] + p["p_mech_w"], abs=2.0)
        assert p["p_mech_out_w"] == pytest.approx(p["torque_nm"] * SPEED, rel=1e-3)
    for p in POINTS[:2]:
        assert p["t_winding_c"] == pytest.approx(max(p["tc_w1_c"], p["tc_w2_c"], p["tc_w3_c"]), abs=0.5)


def test_harness_conserves_energy(prius):
    """Conservation law: at each ORNL point the heat leaving through the boundaries (oil and the
    pinned housing) equals the measured total loss within 1e-6 relative, and no node is colder
    than the oil (all heat flows to the sink)."""
    for p in POINTS:
        net, r = _solve(prius, p)
        q_out = float(np.sum(net.g_b * (r.T - net.T_b)))
        assert q_out == pytest.approx(p["p_cu_w"] + p["p_core_w"] + p["p_mech_w"], rel=1e-6)
        assert np.all(r.T >= p["t_oil_c"] - 1e-6)


def test_winding_rise_above_oil_reached(prius):
    """What the model reaches with its defaults (ORNL/TM-2005/33 Table 7, reference winding rise
    above the oil: 51.7, 48.7, 50.0, 36.0 K at 35/50/75/105 degC coolant): the model's rise is
    below the measured one at every point (the pinned housing is an optimistic bound) and at least
    35 % of it (reached: 42-51 %)."""
    for p in POINTS:
        _, r = _solve(prius, p)
        rise_meas = p["t_winding_c"] - p["t_oil_c"]
        rise_model = _winding_max(r) - p["t_oil_c"]
        assert 0.35 * rise_meas <= rise_model < rise_meas, (p["t_coolant_in_c"], rise_model, rise_meas)


@pytest.mark.xfail(strict=True, reason="end-winding oil h: OilSpray default 1000 W/m^2/K (active spray) is far "
                   "too strong for the Prius drip/splash cooling; model winding 21-30 K below ORNL (target 10 K)")
@pytest.mark.parametrize("idx", range(len(POINTS)))
def test_winding_temperature_within_10K(prius, idx):
    """Target of issue 4: hottest winding temperature within +-10 K of ORNL/TM-2005/33 Table 7
    (166.0, 167.2, 168.5, 166.3 degC at 35/50/75/105 degC coolant, oil 114.3, 118.5, 118.5, 130.3
    degC). Measured gap with the model defaults: -25.5, -24.4, -29.0, -21.0 K (model low)."""
    p = POINTS[idx]
    _, r = _solve(prius, p)
    assert abs(_winding_max(r) - p["t_winding_c"]) <= TOL_K


def test_sensitivity_to_end_winding_oil_h(prius):
    """Diagnosis of the gap, not a fit: at the 35 degC point (ORNL Table 7: winding 166.0 degC, oil
    114.3 degC) the model winding temperature falls monotonically as the end-winding oil h rises,
    and the measured value lies inside the model's range over 30..3000 W/m^2/K (drip-fed to jet
    spray); the housing-pinned model needs h of order 100 W/m^2/K to reach it, an order of
    magnitude below OilSpray's default. The bracket is only informative because the measured
    value is not at either end: it must be > 10 K from both."""
    p = POINTS[0]
    hs = [30.0, 100.0, 300.0, 1000.0, 3000.0]
    T = [_winding_max(_solve(prius, p, h)[1]) for h in hs]
    assert all(a > b for a, b in zip(T, T[1:]))
    assert T[-1] + TOL_K < p["t_winding_c"] < T[0] - TOL_K
    h_match = float(np.exp(np.interp(p["t_winding_c"], T[::-1], np.log(hs)[::-1])))
    assert 50.0 < h_match < 200.0


def test_hotspot_not_below_winding_mean(prius):
    """Physics bound: with non-negative copper generation in the slot the hottest point of the slot
    is at least its mean temperature, so lptn.hotspot must be >= the active-winding node at every
    ORNL/TM-2005/33 point. (Before the clamp of the net slot outflow at 0, the estimate at the 35 degC
    point was 140.0 degC against a mean of 140.5 degC, teeth at 142.2 degC.)"""
    for p in POINTS:
        _, r = _solve(prius, p)
        assert r.hotspot_c >= r["winding_active"] - 1e-9
