"""Direct air cooling: axial air forced through the air gap and through channels between the coils
of a tooth-coil winding, its heat transfer, pressure drop and fan power (SI units).

The flow (a fan, or ram air, delivering ``air_flow`` m^3/s at the inlet temperature) splits between
two parallel paths of the stack length L: the air-gap annulus (width g, hydraulic diameter 2 g) and
Q slot channels (one per slot, the gap of width w_ch between the two coil sides of a double-layer
tooth-coil winding, over the slot depth d). Both paths see the same pressure drop; the split is
solved for that (:func:`split_flow`).

Pressure drop of one path at mean velocity v (:func:`channel_pressure_drop`):
  dp = (f L / D_h + K_in + K_out) rho v^2 / 2,
- f: Darcy friction factor; laminar (Re <= 2300) fully developed f = (f Re) / Re with f Re of a
  rectangular duct of aspect ratio a <= 1 from Shah & London's polynomial (R. K. Shah, A. L. London,
  *Laminar Flow Forced Convection in Ducts*, Academic Press 1978, eq. 341: f Re = 96 (1 - 1.3553 a
  + 1.9467 a^2 - 1.7012 a^3 + 0.9564 a^4 - 0.2537 a^5); 96 for parallel plates, 56.91 for a square);
  turbulent (Re >= 1e4) Petukhov's smooth-tube f = (0.790 ln Re - 1.64)^-2 (Incropera et al.,
  *Fundamentals of Heat and Mass Transfer*, 6th ed., eq. 8.21); linear in Re in between (as the
  Nusselt number, Gnielinski 2013). The laminar entrance's extra (apparent) friction is not counted.
- K_in = 0.5 (sharp-edged entrance) and K_out = 1.0 (the exit's kinetic energy is lost) (F. M. White,
  *Fluid Mechanics*, 7th ed., Fig. 6.21/6.22; I. E. Idelchik, *Handbook of Hydraulic Resistance*).
Fan: P_fan = dp V_dot / eta_fan (electrical power from the DC link; counted as a loss in the
system's cycle/mission energy, :mod:`motoropt.system.evaluation`). The fan's pressure budget
``fan_max_pressure`` gives ``air_pressure_margin_pa`` = budget - dp (negative: the fan cannot
deliver the flow). Ram air is not modelled separately: its budget would be the recovered dynamic
pressure of the inlet and its cost the momentum drag, not DC power.

Heat transfer (mean Nusselt number over the path, hydraulic diameter basis; air properties at the
inlet + 20 K):
- channel (:func:`channel_nusselt`): laminar, the thermal-entry mean Nusselt number of Hausen
  (Incropera eq. 8.57, constant wall temperature): Nu = Nu_fd + 0.0668 Gz / (1 + 0.04 Gz^(2/3)),
  Gz = (D_h / L) Re Pr, Nu_fd = 3.66 (circular; rectangular ducts 3-7.5, Shah & London: 3.66 kept
  as the conservative value); turbulent (Re >= 1e4), Gnielinski (1976) with his developing-flow
  factor [1 + (D_h / L)^(2/3)] (V. Gnielinski, VDI Heat Atlas, 2nd ed. 2010, ch. G1, eq. 27);
  transition 2300 < Re < 1e4, linear in Re between the two (Gnielinski, IJHMT 63 (2013) 134).
- air gap with axial flow and rotation (Taylor-Couette-Poiseuille flow; :func:`gap_nusselt`):
  the larger of the rotation-driven Nusselt number of Becker & Kaye (1962, inner cylinder rotating,
  no axial flow; :func:`motoropt.thermal.correlations.airgap_nusselt`) and the axial-flow channel
  Nusselt number above at the axial Reynolds number (annulus, D_h = 2 g). The review of M. Fenot,
  Y. Bertin, E. Dorignac, G. Lalizel, "A review of heat transfer between concentric rotating
  cylinders with or without axial flow", Int. J. Therm. Sci. 50 (2011) 1138-1155, shows that
  heat transfer follows the rotation-driven value at low axial Reynolds number and the axial
  (Poiseuille) value at high axial Reynolds number; taking the larger of the two limits under-
  predicts the mixed regime where both act (conservative). With the OUTER cylinder rotating the flow
  is centrifugally stable (Rayleigh), so only the axial value is taken (conservative).
- the air is one node per path at the path's mean temperature, joined to the inlet temperature by
  2 m_dot c_p (exact for a linear temperature rise, as the coolant nodes of :mod:`.cooling`); the
  air leaves at T_out = 2 T_mean - T_in and removes m_dot c_p (T_out - T_in).

Geometry (stated assumptions): the slot channels take their cross-section from the slot's non-
copper space (the winding's fill factor is kept; the channel must fit in (1 - ff) / 2 of the slot
area, else an InputError); heat reaches a channel through the two coil faces along it (2 d L per
slot), conducting through half a coil side's width in the potted winding (3 k_eq A / t: the mean
temperature of a uniformly heated slab to one face). The air's path through the end spaces (where it
also meets the end windings) is not counted (conservative).

Potting: ``potting_conductivity_w_per_mk`` replaces the impregnation resin's conductivity in the
slot's equivalent conductivity (:func:`motoropt.thermal.correlations.slot_equivalent_conductivity`)
and joins the end windings to the housing/hub through the potting
(:func:`motoropt.thermal.network.potted_end_winding_conductance`).
Typical values: unfilled impregnation varnish/epoxy 0.2-0.3 W/m/K (Boglietti et al., IEEE TIE 56(3)
2009); thermally conductive filled epoxy or silicone potting compounds ~0.6-3 W/m/K (e.g. the
potting compounds compared by Z. Polikarpova et al., "Thermal effects of stator potting in an
axial-flux permanent magnet synchronous generator", Appl. Therm. Eng. 75 (2015) 421-429; and
manufacturers' datasheets of filled epoxies, ~1-1.5 W/m/K).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq

from motoropt.errors import InputError
from motoropt.thermal import correlations as cr

K_ENTRY = 0.5
K_EXIT = 1.0
RE_LAM, RE_TURB = 2300.0, 1.0e4
NU_LAMINAR_FD = 3.66
FILM_RISE_K = 20.0  # air properties at inlet + this


def laminar_f_re(aspect: float) -> float:
    """Shah & London f Re (Darcy) of a rectangular duct of aspect ratio ``aspect`` = short/long side
    (0: parallel plates, 96; 1: square, 56.91)."""
    a = min(max(aspect, 0.0), 1.0)
    return 96.0 * (1 - 1.3553 * a + 1.9467 * a**2 - 1.7012 * a**3 + 0.9564 * a**4 - 0.2537 * a**5)


def petukhov_f(Re: float) -> float:
    """Petukhov's smooth-duct turbulent Darcy friction factor (0.790 ln Re - 1.64)^-2."""
    return (0.790 * math.log(Re) - 1.64) ** -2


def friction_factor(Re: float, aspect: float) -> float:
    """Darcy friction factor (module docstring): laminar Shah-London, turbulent Petukhov, linear in Re
    in the transition range."""
    if not Re > 0:
        raise InputError("air.Re", Re, "> 0")
    if Re <= RE_LAM:
        return laminar_f_re(aspect) / Re
    if Re >= RE_TURB:
        return petukhov_f(Re)
    g = (Re - RE_LAM) / (RE_TURB - RE_LAM)
    return (1 - g) * laminar_f_re(aspect) / RE_LAM + g * petukhov_f(RE_TURB)


def hausen_nusselt(Re: float, Pr: float, Dh_over_L: float, nu_fd: float = NU_LAMINAR_FD) -> float:
    """Laminar thermal-entry mean Nusselt number (Hausen; Incropera eq. 8.57)."""
    Gz = Dh_over_L * Re * Pr
    return nu_fd + 0.0668 * Gz / (1.0 + 0.04 * Gz ** (2.0 / 3.0))


def gnielinski_developing(Re: float, Pr: float, Dh_over_L: float) -> float:
    """Gnielinski (1976) turbulent Nusselt number with the developing-flow factor 1 + (D_h/L)^(2/3)."""
    return cr.gnielinski(Re, Pr) * (1.0 + Dh_over_L ** (2.0 / 3.0))


def channel_nusselt(Re: float, Pr: float, Dh_over_L: float, nu_fd: float = NU_LAMINAR_FD) -> float:
    """Mean Nusselt number of a heated channel of length L (module docstring)."""
    if not (Re > 0 and Pr > 0 and Dh_over_L > 0):
        raise InputError("air.Re/Pr/Dh_over_L", (Re, Pr, Dh_over_L), "> 0")
    if Re <= RE_LAM:
        return hausen_nusselt(Re, Pr, Dh_over_L, nu_fd)
    if Re >= RE_TURB:
        return gnielinski_developing(Re, Pr, Dh_over_L)
    g = (Re - RE_LAM) / (RE_TURB - RE_LAM)
    return (1 - g) * hausen_nusselt(RE_LAM, Pr, Dh_over_L, nu_fd) + g * gnielinski_developing(RE_TURB, Pr, Dh_over_L)


@dataclass(frozen=True)
class Path:
    """One flow path: ``n`` parallel ducts, each of cross-section ``area`` (m^2), hydraulic diameter
    ``Dh`` (m), aspect ratio (short/long side), length (m)."""

    name: str
    n: int
    area: float
    Dh: float
    aspect: float
    length: float

    def pressure_drop(self, Q: float, rho: float, mu: float) -> float:
        """dp (Pa) at total volumetric flow Q (m^3/s) over the path's ducts."""
        return channel_pressure_drop(Q / self.n, self.area, self.Dh, self.length, self.aspect, rho, mu)


def channel_pressure_drop(Q: float, area: float, Dh: float, length: float, aspect: float, rho: float,
                          mu: float) -> float:
    """(f L / D_h + K_in + K_out) rho v^2 / 2 of one duct at flow Q (m^3/s), Pa."""
    if Q <= 0:
        return 0.0
    v = Q / area
    Re = rho * v * Dh / mu
    return (friction_factor(Re, aspect) * length / Dh + K_ENTRY + K_EXIT) * 0.5 * rho * v * v


def split_flow(Q_total: float, paths: tuple, rho: float, mu: float) -> tuple[tuple, float]:
    """Flows (m^3/s) of parallel ``paths`` that share ``Q_total`` at one pressure drop, and that
    pressure drop (Pa): dp_k(Q_k) = dp for all k, sum Q_k = Q_total (dp_k increases with Q_k)."""
    if len(paths) == 1:
        return (Q_total,), paths[0].pressure_drop(Q_total, rho, mu)

    def flow_at(dp):
        return tuple(brentq(lambda q, p=p: p.pressure_drop(q, rho, mu) - dp, 0.0, Q_total, xtol=1e-14 * Q_total)
                     if p.pressure_drop(Q_total, rho, mu) > dp else Q_total for p in paths)

    hi = max(p.pressure_drop(Q_total, rho, mu) for p in paths)
    dp = brentq(lambda x: sum(flow_at(x)) - Q_total, 0.0, hi, xtol=1e-10 * hi, rtol=1e-12)
    return flow_at(dp), dp


@dataclass(frozen=True)
class DirectAir:
    """Direct axial air cooling of one design (see module docstring); lengths in m.

    air_flow (m^3/s total, at the inlet), inlet_c (degC), fan_efficiency (0-1), fan_max_pressure
    (Pa, the fan's or ram inlet's budget), gap_radius (radius of the stator's gap surface), gap
    (annulus width), inner_rotating (True: inner rotor), length (stack), slots, slot_depth,
    channel_width (0: no slot channels), coil_side_width (a coil side's width across the slot, for
    the conduction to the channel face), rotor_surface_radius.
    """

    air_flow: float
    inlet_c: float
    fan_efficiency: float
    fan_max_pressure: float
    gap_radius: float
    gap: float
    inner_rotating: bool
    length: float
    slots: int = 0
    slot_depth: float = 0.0
    channel_width: float = 0.0
    coil_side_width: float = 0.0

    def __post_init__(self):
        for f in ("air_flow", "gap_radius", "gap", "length", "fan_max_pressure"):
            if not getattr(self, f) > 0:
                raise InputError(f"thermal.{f}", getattr(self, f), "> 0")
        if not 0 < self.fan_efficiency <= 1:
            raise InputError("thermal.fan_efficiency", self.fan_efficiency, "in (0, 1]")
        if self.channel_width > 0 and not (self.slots > 0 and self.slot_depth > 0 and self.coil_side_width > 0):
            raise InputError("thermal.slot_channel_width_mm", self.channel_width * 1e3,
                             "0 unless the stator has slots with coil sides beside the channel")

    @property
    def fluid(self):
        """(rho, mu, k, cp, Pr) of the air at inlet + FILM_RISE_K."""
        return cr.air_properties(self.inlet_c + FILM_RISE_K)

    @property
    def paths(self) -> tuple:
        r_m = self.gap_radius + (-0.5 if self.inner_rotating else 0.5) * self.gap
        gap = Path("gap", 1, 2 * math.pi * r_m * self.gap, 2 * self.gap, 0.0, self.length)
        if self.channel_width <= 0:
            return (gap,)
        w, d = self.channel_width, self.slot_depth
        ch = Path("slot", self.slots, w * d, 2 * w * d / (w + d), min(w, d) / max(w, d), self.length)
        return (gap, ch)

    def flows(self) -> dict:
        """{path name: {Q, v, Re, Nu_axial, m_dot}} and "dp" (Pa) of the flow split (solved once per
        circuit: the thermal network asks at every speed of its grid; read-only)."""
        cached = self.__dict__.get("_flows")
        if cached is not None:
            return cached
        out = self._solve_flows()
        object.__setattr__(self, "_flows", out)  # frozen: the split depends on the fields alone
        return out

    def _solve_flows(self) -> dict:
        rho, mu, k, cp, Pr = self.fluid
        Qs, dp = split_flow(self.air_flow, self.paths, rho, mu)
        out = {"dp": dp}
        for p, Q in zip(self.paths, Qs):
            v = Q / (p.n * p.area)
            Re = rho * v * p.Dh / mu
            out[p.name] = {"Q": Q, "v": v, "Re": Re, "m_dot": rho * Q, "Dh": p.Dh,
                           "Nu_axial": channel_nusselt(Re, Pr, p.Dh / p.length) if Re > 0 else NU_LAMINAR_FD}
        return out

    @property
    def pressure_drop(self) -> float:
        return self.flows()["dp"]

    @property
    def fan_power(self) -> float:
        """Electrical fan power dp V_dot / eta_fan, W."""
        return self.pressure_drop * self.air_flow / self.fan_efficiency

    @property
    def m_dot(self) -> float:
        return self.fluid[0] * self.air_flow

    def gap_h(self, omega: float) -> float:
        """Air-gap surface heat-transfer coefficient (W/m^2/K) at rotor speed omega (rad/s): the larger
        of the rotation-driven (inner rotor only) and the axial-flow Nusselt number (module docstring)."""
        rho, mu, k, _, _ = self.fluid
        Nu = self.flows()["gap"]["Nu_axial"]
        if self.inner_rotating:
            Ta = cr.taylor_number(abs(omega), self.gap_radius - self.gap, self.gap, mu / rho)
            Nu = max(Nu, cr.airgap_nusselt(Ta))
        return Nu * k / (2 * self.gap)

    def channel_h(self) -> float:
        """Slot-channel heat-transfer coefficient, W/m^2/K (0 without channels)."""
        if self.channel_width <= 0:
            return 0.0
        f = self.flows()["slot"]
        return f["Nu_axial"] * self.fluid[2] / f["Dh"]

    def summary(self) -> dict:
        """KPIs of the air circuit (case-file units)."""
        f = self.flows()
        out = {"air_flow_m3_per_s": self.air_flow, "air_pressure_drop_pa": f["dp"],
               "air_pressure_margin_pa": self.fan_max_pressure - f["dp"], "fan_power_w": self.fan_power,
               "air_gap_velocity_m_s": f["gap"]["v"], "air_gap_reynolds": f["gap"]["Re"],
               "air_gap_flow_fraction": f["gap"]["Q"] / self.air_flow,
               "air_gap_h_axial_w_per_m2k": f["gap"]["Nu_axial"] * self.fluid[2] / f["gap"]["Dh"]}
        if "slot" in f:
            out.update({"air_slot_velocity_m_s": f["slot"]["v"], "air_slot_reynolds": f["slot"]["Re"],
                        "air_slot_h_w_per_m2k": self.channel_h()})
        return out


def channel_fits(width: float, depth: float, slot_area: float, fill_factor: float) -> bool:
    """A slot channel of width x depth fits in half the slot's non-copper area."""
    return width * depth <= 0.5 * (1.0 - fill_factor) * slot_area
