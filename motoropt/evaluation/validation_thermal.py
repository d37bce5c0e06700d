"""The thermal network against ORNL/TM-2005/33's steady continuous-load tests of the 2004 Prius MG2
(issue 14; the first comparison was issue 4's). Run by ``motoropt validate prius2004`` as its
``thermal`` comparison (:mod:`motoropt.evaluation.validation`).

Reference: J. S. Hsu et al., "Report on Toyota/Prius Motor Thermal Management", ORNL/TM-2005/33,
February 2005 (data in ``motoropt/data/validation/ornl_tm2005_33_thermal.csv``, sources in its
SOURCES.md): 900 rpm, line-fed at 60 Hz (no inverter), load raised until the winding settled near
170 degC, coolant 35/50/75/105 degC feeding the transaxle oil cooler; the motor is cooled by the
transaxle oil (no jacket). Measured: electrical input, shaft power, line current, the oil
temperature and three winding thermocouples (W1-W3); the reported winding temperature is the
hottest thermocouple.

Model: motoropt's LPTN of the design (:func:`motoropt.thermal.evaluation.thermal_geometry`; all
materials and interfaces at their defaults), solved in steady state at 900 rpm with the oil held at
the measured oil temperature (the sink). The comparison is built up in steps, each changing one
input (:data:`STEPS`):

1. ``as_shipped`` -- issue 4's harness: ORNL Table 10's loss split (copper 1019 W etc.), housing
   pinned at the oil temperature, end windings under motoropt's jet-spray default (OilSpray,
   h 1000 W/m^2/K on 60 % of their surface).
2. ``copper`` -- the loss split recomputed from the measurement: copper = 3 I^2 R(T) with the
   measured line current, ORNL's phase resistance 0.069 ohm at 21 degC (TM-2010/253 T2.7:
   line-to-line / 2) and the copper's alpha, at each winding node's own temperature (coupled);
   the total heat is the measured P_elec - P_mech; mechanical loss ORNL's (160 / 151 W); core =
   total - copper - mechanical, iterated to consistency (clamped at 0: then the model's copper alone
   exceeds the measured heat and the excess is reported). Table 10's copper loss is 3 I^2 x 0.051 ohm
   at all four points, below even the 21 degC resistance: about half the copper loss at 160 degC.
3. ``housing`` -- the housing becomes a node: ORNL's casing (8.9 kg, 299 mm x 205 mm,
   TM-2010/253 T2.7), its end-space inner walls wetted by drip oil films (cooling.OilDrip with no
   film on the end windings), natural convection and radiation outside to a 25 degC test cell
   (assumption). The end windings keep the spray default.
4. ``drip`` -- the end windings under passive splash/drip oil instead of the spray: cooling.OilDrip
   (laminar falling films; its flow, 2 l/min reaching the end windings, is an assumption: no
   published coefficient for drip/splash-cooled end windings could be cited, see OilDrip).

Compared quantities (like with like):
- the hottest thermocouple against the model's hottest winding temperature, max(slot hotspot
  estimate, active-winding mean, end-winding means): both are local maxima. The LPTN's end windings
  are single nodes without an internal gradient, so where the end winding is the hottest part the
  model's value is a mean, i.e. low by the bundle's internal rise;
- the mean winding temperature against the energy balance: copper loss cannot exceed the measured
  heat minus the mechanical loss (core >= 0), so the resistance-average winding temperature is at
  most T_bound = 21 + ((P_elec - P_mech - P_mech_loss) / (3 I^2 R_21) - 1) / alpha_21 (144.0,
  148.5, 150.7, 145.5 degC at the four points with the copper's alpha: 17-23 K below the hottest thermocouple, below even the
  thermocouples' mean). The model's copper-weighted mean winding temperature must respect it. That
  the thermocouples read above the bound shows they are hot spots: a model matching them with its
  mean would violate energy conservation.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.evaluation.validation_data import read_points
from motoropt.thermal import Cooling, Coupling, NaturalConvection, OilDrip, OilSpray, build_network, steady_state
from motoropt.thermal.evaluation import thermal_geometry
from motoropt.thermal.nodes import HOUSING
from motoropt.thermal.settings import thermal_settings

DATA = "ornl_tm2005_33_thermal.csv"
STEPS = ("as_shipped", "copper", "housing", "drip")
SPEED = 900.0 * 2.0 * math.pi / 60.0  # rad/s, 60 Hz line-fed, 4 pole pairs
R_PHASE_21C = 0.069  # ohm at 21 degC, ORNL/TM-2010/253 T2.7 (line-to-line / 2)
T_R_C = 21.0
CASING = {"housing_outer_diameter": 0.299, "housing_length": 0.205, "housing_mass": 8.9}  # ORNL T2.7
T_CELL_C = 25.0  # test-cell air around the transaxle (assumption)
OIL_H_SPRAY = OilSpray().h_ref  # motoropt's spray default, W/m^2/K
G_PIN = 1.0e6  # W/K: a node held at the measured oil temperature
TOL_K = 10.0  # issue 14 target on the winding temperature


def ornl_thermal_points() -> list[dict]:
    """The four steady ORNL/TM-2005/33 points (Table 7 + Table 10 + thermocouples Tables 17/18)."""
    return read_points(DATA)


def alpha_at_21c(alpha_20: float) -> float:
    """Resistance temperature coefficient referred to 21 degC (R(T) = R_21 (1 + a (T - 21))), 1/K,
    from the copper's alpha at 20 degC."""
    return alpha_20 / (1.0 + alpha_20 * (T_R_C - 20.0))


def energy_bound_c(p: dict, alpha: float, R21: float = R_PHASE_21C) -> float:
    """Upper bound of the resistance-average winding temperature, degC (module docstring); ``alpha``
    the copper's coefficient at 20 degC."""
    P_cu21 = 3.0 * p["i_line_a"] ** 2 * R21
    return T_R_C + ((p["p_elec_w"] - p["p_mech_out_w"] - p["p_mech_w"]) / P_cu21 - 1.0) / alpha_at_21c(alpha)


@dataclass(frozen=True)
class ThermalPointResult:
    """One ORNL point under one step: temperatures (degC) and the heat split the model used (W)."""

    coolant_c: float
    T_oil_c: float
    T_tc_max_c: float  # measured: hottest winding thermocouple
    T_tc_mean_c: float
    T_bound_c: float  # energy-balance bound of the mean winding temperature
    T_hot_c: float  # model: hottest winding temperature
    T_mean_c: float  # model: copper-weighted mean winding temperature
    T_end_winding_c: float
    T_housing_c: float
    p_copper_w: float
    p_core_w: float
    p_mech_w: float
    excess_w: float  # model heat above the measured one (core clamped at 0), >= 0
    q_out_w: float  # heat leaving through the boundaries

    @property
    def error_k(self) -> float:
        """Model hottest winding - hottest thermocouple, K."""
        return self.T_hot_c - self.T_tc_max_c


@dataclass(frozen=True)
class ThermalComparison:
    step: str
    points: tuple

    @property
    def errors_k(self) -> np.ndarray:
        return np.array([p.error_k for p in self.points])

    @property
    def max_abs_error_k(self) -> float:
        return float(np.max(np.abs(self.errors_k)))


def _geometry(design, step):
    geom = thermal_geometry(design, thermal_settings(design, design.specs.thermal))
    return geom if step in ("as_shipped", "copper") else dataclasses.replace(geom, **CASING)


def _network(design, geom, step, T_oil, alpha, drip_flow_lpm):
    spray = OilSpray(flow_lpm=1000.0, flow_ref_lpm=1000.0, inlet_c=T_oil, h_ref=OIL_H_SPRAY)
    if step in ("as_shipped", "copper"):
        cooling = Cooling(oil=spray, natural=NaturalConvection(ambient_c=T_oil, surface_c=T_oil + 10.0))
    elif step == "housing":
        cooling = Cooling(oil=spray, drip=OilDrip(flow_lpm=drip_flow_lpm, inlet_c=T_oil, wetted_fraction=0.0),
                          natural=NaturalConvection(ambient_c=T_CELL_C, surface_c=T_oil))
    else:
        cooling = Cooling(drip=OilDrip(flow_lpm=drip_flow_lpm, inlet_c=T_oil),
                          natural=NaturalConvection(ambient_c=T_CELL_C, surface_c=T_oil))
    coupled = step != "as_shipped"
    coupling = Coupling(alpha_cu=alpha, T_ref_winding_c=T_R_C, alpha_br=0.0, enabled=coupled)
    net = build_network(geom, cooling, coupling, max_speed=200.0)
    g_b, T_b = net.g_b.copy(), net.T_b.copy()
    if step in ("as_shipped", "copper"):
        g_b[HOUSING], T_b[HOUSING] = G_PIN, T_oil
    if "drip_oil" in net.names:
        o = net.index("drip_oil")
        g_b[o], T_b[o] = G_PIN, T_oil
    return dataclasses.replace(net, g_b=g_b, T_b=T_b)


def _split(design, geom, p_cu, p_core, p_mech) -> dict:
    """Loss components: copper active/end by conductor length, core on teeth/yoke by mass, mechanical
    half bearings, half windage (issue 4's harness)."""
    a = design.stator.L / (design.stator.L + design.end_winding_length)
    ft = geom.stator_teeth_mass / (geom.stator_teeth_mass + geom.stator_yoke_mass)
    return dict(copper_active=p_cu * a, copper_end=p_cu * (1.0 - a), iron_teeth=p_core * ft,
                iron_yoke=p_core * (1.0 - ft), mechanical_bearings=0.5 * p_mech, windage=0.5 * p_mech)


def _point(design, geom, p, step, alpha, drip_flow_lpm, n_iter=100, tol_w=1e-3):
    T_oil = p["t_oil_c"]
    net = _network(design, geom, step, T_oil, alpha, drip_flow_lpm)
    a = design.stator.L / (design.stator.L + design.end_winding_length)
    total = p["p_elec_w"] - p["p_mech_out_w"]
    mech = p["p_mech_w"]

    def rho(T):
        return 1.0 + alpha_at_21c(alpha) * (T - T_R_C)

    if step == "as_shipped":
        cu, core = p["p_cu_w"], p["p_core_w"]
        r = steady_state(net, _split(design, geom, cu, core, mech), speed=SPEED)
    else:
        P21 = 3.0 * p["i_line_a"] ** 2 * R_PHASE_21C  # copper loss at 21 degC, scaled by rho(T) in the network
        core = max(total - mech - P21 * rho(140.0), 0.0)
        for _ in range(n_iter):
            r = steady_state(net, _split(design, geom, P21, core, mech), speed=SPEED)
            cu = P21 * (a * rho(r["winding_active"])
                        + 0.5 * (1.0 - a) * (rho(r["end_winding_front"]) + rho(r["end_winding_rear"])))
            new = max(total - cu - mech, 0.0)
            done = abs(new - core) < tol_w
            core = new if done else 0.5 * (core + new)
            if done:
                break
        r = steady_state(net, _split(design, geom, P21, core, mech), speed=SPEED)
        cu = P21 * (a * rho(r["winding_active"])
                    + 0.5 * (1.0 - a) * (rho(r["end_winding_front"]) + rho(r["end_winding_rear"])))
    T_ew = max(r["end_winding_front"], r["end_winding_rear"])
    tcs = [p["tc_w1_c"], p["tc_w2_c"], p["tc_w3_c"]]
    return ThermalPointResult(
        coolant_c=p["t_coolant_in_c"], T_oil_c=T_oil, T_tc_max_c=p["t_winding_c"], T_tc_mean_c=float(np.mean(tcs)),
        T_bound_c=energy_bound_c(p, alpha), T_hot_c=max(r.hotspot_c, r["winding_active"], T_ew),
        T_mean_c=a * r["winding_active"] + 0.5 * (1.0 - a) * (r["end_winding_front"] + r["end_winding_rear"]),
        T_end_winding_c=T_ew, T_housing_c=r["housing"], p_copper_w=cu, p_core_w=core, p_mech_w=mech,
        excess_w=cu + mech - total if core == 0.0 else 0.0, q_out_w=float(np.sum(net.g_b * (r.T - net.T_b))))


def compare_thermal(design, step: str = "drip", drip_flow_lpm: float | None = None) -> ThermalComparison:
    """The ORNL/TM-2005/33 comparison of ``design`` (the 2004 Prius case) at one step (module
    docstring); ``drip_flow_lpm`` overrides OilDrip's default flow (for the sensitivity only)."""
    if step not in STEPS:
        raise InputError("step", step, f"one of {STEPS}")
    flow = OilDrip().flow_lpm if drip_flow_lpm is None else float(drip_flow_lpm)
    geom = _geometry(design, step)
    alpha = design.conductor.alpha
    pts = tuple(_point(design, geom, p, step, alpha, flow) for p in ornl_thermal_points())
    return ThermalComparison(step=step, points=pts)


def comparison_text(cmps) -> str:
    """Per-step, per-point table (model hottest - hottest TC, K; model mean vs energy bound)."""
    lines = ["winding temperature vs ORNL/TM-2005/33 (model hottest - hottest thermocouple, K; "
             "model mean / energy bound of the mean, degC)"]
    for c in cmps:
        row = "  ".join(f"{p.error_k:+6.1f} ({p.T_mean_c:5.1f}/{p.T_bound_c:5.1f})" for p in c.points)
        lines.append(f"{c.step:11s} {row}")
    return "\n".join(lines)
