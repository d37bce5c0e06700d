"""Direct air cooling (motoropt.thermal.air_cooling) and its wiring into the thermal networks.

References: Shah & London's laminar f Re of rectangular ducts (96 for parallel plates, 56.91 for a
square duct, their Table 44); the exact laminar pressure gradient between parallel plates
dp/L = 12 mu v / h^2 (plane Poiseuille flow); Hausen's thermal-entry formula's fully developed limit
3.66; Dittus-Boelter as a second turbulent correlation (Incropera: Gnielinski and Dittus-Boelter
agree within ~15 % for 1e4 < Re < 1e5 in air); Becker & Kaye's rotation-driven gap Nusselt number
as the limit of no axial flow; conservation of energy in the network (the losses leave through the
boundaries; the air removes m_dot c_p (T_out - T_in) with T_out = 2 T_mean - T_in)."""

import dataclasses
import math

import numpy as np
import pytest

from motoropt.errors import InputError
from motoropt.thermal import air_cooling as ac
from motoropt.thermal import correlations as cr
from motoropt.thermal.evaluation import thermal_network
from motoropt.thermal.lptn import steady_state
from motoropt.thermal.network import Coupling
from motoropt.thermal.outer_rotor import outer_thermal_geometry
from motoropt.thermal.settings import parse_thermal, thermal_settings

AIR = dict(air_flow_m3_per_s=0.15, slot_channel_width_mm=2.0, potting_conductivity_w_per_mk=1.0)


def _with_thermal(design, **keys):
    th = {**design.specs.thermal.keys, **keys}
    return dataclasses.replace(design, specs=dataclasses.replace(design.specs, thermal=parse_thermal(th)))


def test_shah_london_f_re_published_values():
    """f Re = 96.00 (parallel plates) and 56.91 (square duct), Shah & London 1978, to 0.1 %."""
    assert ac.laminar_f_re(0.0) == pytest.approx(96.0, rel=1e-12)
    assert ac.laminar_f_re(1.0) == pytest.approx(56.91, rel=1e-3)


def test_laminar_pressure_drop_is_plane_poiseuille():
    """A narrow annulus (g = 0.5 mm on r = 0.1 m) at Re ~ 400: dp = 12 mu v L / g^2 + (K_in + K_out)
    rho v^2 / 2 (plane Poiseuille flow between plates a gap g apart), to 1e-9."""
    rho, mu, _, _, _ = cr.air_properties(60.0)
    g, L, r = 0.5e-3, 0.1, 0.1
    A = 2 * math.pi * r * g
    v = 400 * mu / (rho * 2 * g)
    dp = ac.channel_pressure_drop(v * A, A, 2 * g, L, 0.0, rho, mu)
    assert dp == pytest.approx(12 * mu * v * L / g**2 + 1.5 * 0.5 * rho * v**2, rel=1e-9)


def test_channel_nusselt_limits_and_second_correlation():
    """Laminar: Hausen -> 3.66 for a very long channel (Gz -> 0), to 1e-3; turbulent long channel:
    Gnielinski within 15 % of Dittus-Boelter (heating) for Re = 2e4..1e5, Pr 0.71; continuous at
    Re = 2300 and 1e4 (the transition interpolation), to 1e-9."""
    assert ac.channel_nusselt(100.0, 0.71, 1e-7) == pytest.approx(3.66, rel=1e-3)
    for Re in (2e4, 5e4, 1e5):
        g = ac.channel_nusselt(Re, 0.71, 1e-9)
        assert abs(g / cr.dittus_boelter(Re, 0.71) - 1) < 0.15
    for Re in (ac.RE_LAM, ac.RE_TURB):
        lo, hi = ac.channel_nusselt(Re * (1 - 1e-12), 0.71, 0.05), ac.channel_nusselt(Re * (1 + 1e-12), 0.71, 0.05)
        assert lo == pytest.approx(hi, rel=1e-9)
    # developing-flow factor 1 + (Dh/L)^(2/3) on the turbulent value
    assert ac.channel_nusselt(3e4, 0.71, 0.1) == pytest.approx(cr.gnielinski(3e4, 0.71) * (1 + 0.1 ** (2 / 3)))


def _air(**kw):
    d = dict(air_flow=0.1, inlet_c=40.0, fan_efficiency=0.5, fan_max_pressure=2000.0, gap_radius=0.165,
             gap=1.5e-3, inner_rotating=True, length=0.09, slots=48, slot_depth=0.026, channel_width=2e-3,
             coil_side_width=3e-3)
    d.update(kw)
    return ac.DirectAir(**d)


def test_flow_split_equal_pressure_drop_and_fan_power():
    """Parallel paths: the flows add up to the total (1e-9) at one pressure drop (each path's own dp at
    its flow equals it, 1e-6); fan power = dp V_dot / eta exactly."""
    da = _air()
    rho, mu, *_ = da.fluid
    f = da.flows()
    assert f["gap"]["Q"] + f["slot"]["Q"] == pytest.approx(da.air_flow, rel=1e-9)
    for p in da.paths:
        assert p.pressure_drop(f[p.name]["Q"], rho, mu) == pytest.approx(f["dp"], rel=1e-6)
    assert da.fan_power == pytest.approx(f["dp"] * da.air_flow / da.fan_efficiency, rel=1e-12)
    # more flow -> more pressure drop, superlinearly
    assert _air(air_flow=0.2).pressure_drop > 2 * da.pressure_drop


def test_flow_split_solved_once_per_circuit():
    """The split is solved once per circuit and reused (the network asks at every speed); a circuit
    changed by dataclasses.replace solves its own, equal to a fresh circuit's."""
    da = _air()
    assert da.flows() is da.flows()
    more = dataclasses.replace(da, air_flow=0.2)
    assert more.flows() is not da.flows()
    assert more.flows()["dp"] == _air(air_flow=0.2).flows()["dp"] > da.flows()["dp"]


def test_gap_h_taylor_couette_poiseuille_limits():
    """Inner rotor: h at standstill is the axial-flow value; at high speed, where the rotation-driven
    Becker & Kaye value is larger, h equals it (1e-12). Outer rotor (stable flow): speed-independent."""
    da = _air(channel_width=0.0, slots=0, slot_depth=0.0, coil_side_width=0.0, air_flow=0.01)
    rho, mu, k, _, _ = da.fluid
    h0 = da.gap_h(0.0)
    assert h0 == pytest.approx(da.flows()["gap"]["Nu_axial"] * k / (2 * da.gap), rel=1e-12)
    w = 2000.0
    Ta = cr.taylor_number(w, da.gap_radius - da.gap, da.gap, mu / rho)
    h_bk = cr.airgap_nusselt(Ta) * k / (2 * da.gap)
    assert h_bk > h0
    assert da.gap_h(w) == pytest.approx(h_bk, rel=1e-12)
    out = dataclasses.replace(da, inner_rotating=False)
    assert out.gap_h(w) == pytest.approx(out.gap_h(0.0), rel=1e-12)


@pytest.fixture(scope="module")
def outer_air(shipped):
    d = _with_thermal(shipped.design("outer_rotor_halbach"), **AIR)
    ev = dataclasses.replace(shipped.evaluation("outer_rotor_halbach"), design=d)
    return d, ev


def _G_at(net, speed):
    G = net.G.copy()
    for e, (i, j) in enumerate(zip(net.var_i, net.var_j)):
        g = np.interp(speed, net.speed_grid, net.G_var[:, e])
        G[i, j] = G[j, i] = g
    return G


def test_network_energy_balance_and_air_pickup(outer_air):
    """Outer-rotor network with direct air, uncoupled steady state at 150 rad/s: losses = heat through
    all boundaries (1e-9 relative); each air node's pick-up from its surfaces = m_dot c_p (T_out - T_in),
    T_out = 2 T_mean - T_in (1e-9)."""
    d, ev = outer_air
    st = thermal_settings(d, d.specs.thermal)
    net = thermal_network(ev, st)
    net = dataclasses.replace(net, coupling=Coupling(enabled=False))
    losses = dict(copper_active=1500, copper_end=600, iron_teeth=500, iron_yoke=300, iron_rotor=20, magnet=30,
                  mechanical_bearings=40, windage=30)
    w = 150.0
    r = steady_state(net, losses, speed=w)
    q_out = float(np.sum(net.g_b * (r.T - net.T_b)))
    assert q_out == pytest.approx(sum(losses.values()), rel=1e-9)
    G = _G_at(net, w)
    da = st.cooling.direct_air
    _, _, _, cp, _ = da.fluid
    fl = da.flows()
    for node, path in (("gap_air", "gap"), ("slot_air", "slot")):
        a = net.index(node)
        q_in = float(np.sum(G[a] * (r.T - r.T[a])))
        T_out = 2 * r.T[a] - da.inlet_c
        assert q_in > 0
        assert q_in == pytest.approx(fl[path]["m_dot"] * cp * (T_out - da.inlet_c), rel=1e-9)


def test_direct_air_and_potting_cool_the_winding(outer_air, shipped):
    """Same losses: direct air lowers the winding hotspot; a potting resin of 1 W/m/K instead of 0.25
    raises the slot's equivalent conductivity (Hashin-Shtrikman form, monotone in k_resin)."""
    d, ev = outer_air
    d0 = shipped.design("outer_rotor_halbach")
    losses = dict(copper_active=1500, copper_end=600, iron_teeth=500, iron_yoke=300)
    hot = []
    for dd in (d0, d):
        net = thermal_network(dataclasses.replace(ev, design=dd), thermal_settings(dd, dd.specs.thermal))
        hot.append(steady_state(dataclasses.replace(net, coupling=Coupling(enabled=False)), losses, speed=150.0).hotspot_c)
    assert hot[1] < hot[0] - 10.0
    assert cr.slot_equivalent_conductivity(0.45, 400, 1.0) > 2 * cr.slot_equivalent_conductivity(0.45, 400, 0.25)


def test_bad_input_named(shipped):
    """Bad direct-air keys: InputError naming the field and its range."""
    with pytest.raises(InputError, match="thermal.fan_efficiency"):
        parse_thermal({"air_flow_m3_per_s": 0.1, "fan_efficiency": 0.0})
    with pytest.raises(InputError, match="thermal.air_flow_m3_per_s"):
        parse_thermal({"air_flow_m3_per_s": -1.0})
    with pytest.raises(InputError, match="thermal.slot_channel_width_mm.*air_flow"):
        parse_thermal({"slot_channel_width_mm": 2.0})
    with pytest.raises(InputError, match="thermal.potting_conductivity_w_per_mk"):
        parse_thermal({"potting_conductivity_w_per_mk": 50.0})
    d = _with_thermal(shipped.design("outer_rotor_halbach"), air_flow_m3_per_s=0.1, slot_channel_width_mm=9.0)
    with pytest.raises(InputError, match="thermal.slot_channel_width_mm.*non-copper"):
        thermal_settings(d, d.specs.thermal)
    p = _with_thermal(shipped.design("prius2004"), air_flow_m3_per_s=0.1, slot_channel_width_mm=1.0)
    with pytest.raises(InputError, match="thermal.slot_channel_width_mm.*tooth-coil"):
        thermal_settings(p, p.specs.thermal)


@pytest.mark.slow
def test_fan_energy_in_mission_energy(shipped):
    """Outer air-mobility programme case: the fan's energy = P_fan x mission time (1920 s), and the
    DC energy = the motor's electrical energy + inverter loss + fan energy (1e-9)."""
    ev = shipped.evaluation("programme/aircooled_air_mobility_outer")
    c = ev.kpis["cycles"]["uber_elevate"]
    assert c["points_beyond_envelope"] == 0
    assert c["fan_energy_wh"] == pytest.approx(ev.kpis["fan_power_w"] * 1920.0 / 3600.0, rel=1e-9)
    assert c["system_energy_in_wh"] == pytest.approx(c["energy_in_wh"] + c["inverter_loss_wh"] + c["fan_energy_wh"],
                                                     rel=1e-9)


def test_potted_end_windings_conductance_closed_form(outer_air, shipped):
    """Potting key given: each end winding joins the hub through series(k_eq A / (d/2), k_pot A / t),
    A = 2 pi r_yo overhang, t = the yoke height (the space from the slot bottoms to the hub), to 1e-12;
    without the key there is no such edge."""
    d, ev = outer_air
    st = thermal_settings(d, d.specs.thermal)
    net = thermal_network(ev, st)
    g = outer_thermal_geometry(d, st)
    k_eq = cr.slot_equivalent_conductivity(g.fill_factor, 400.0, 1.0)
    r_yo = 0.5 * g.stator_inner_diameter + g.yoke_height
    A = 2 * math.pi * r_yo * g.end_winding_overhang
    ref = cr.series(k_eq * A / (0.5 * g.slot_depth), 1.0 * A / g.yoke_height)
    for ew in ("end_winding_front", "end_winding_rear"):
        assert net.G[net.index(ew), net.index("housing")] == pytest.approx(ref, rel=1e-12)
    d0 = shipped.design("outer_rotor_halbach")
    net0 = thermal_network(dataclasses.replace(ev, design=d0), thermal_settings(d0, d0.specs.thermal))
    assert net0.G[net0.index("end_winding_front"), net0.index("housing")] == 0.0
