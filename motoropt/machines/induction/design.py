"""Squirrel-cage induction machine (topology ``induction``): the design (case values -> SI
objects; the cage rotor in the case's ``[induction]`` section) and its equivalent-circuit parameters
from geometry (models and sources: :mod:`.circuit`).

Stated approximations beyond :mod:`.circuit` and :mod:`motoropt.machines.common`: windage by the
Couette formula as for the PMSM; rated air-gap flux density for the constant-flux comparison
strategy B_g = 0.8 T peak (typical 0.7-0.9 T for induction machines, Pyrhönen Table 6.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from motoropt.constants import MU0, RPM_TO_RAD_S
from motoropt.drive.control import Limits
from motoropt.errors import InputError
from motoropt.geometry.cage import CageRotor, check_slot_combination
from motoropt.geometry.stator import Stator
from motoropt.machines.base import FluxMapProvider, RotorHeatBody
from motoropt.machines.common import (
    MM,
    StatorWinding,
    remember_parts,
    stator_from_values,
    vehicle_of,
    winding_from_values,
)
from motoropt.machines.induction.circuit import CircuitParams
from motoropt.machines.induction.fea import FeaCageCircuits
from motoropt.machines.induction.model import InductionModel
from motoropt.magnetics.analytic import leakage_inductance
from motoropt.materials import Conductor, Steel, get_conductor, get_steel
from motoropt.mechanics import StressLimits
from motoropt.vehicle import Vehicle
from motoropt.windings import Winding

if TYPE_CHECKING:
    from motoropt.case.specs import CaseSpecs
    from motoropt.magnetics.fea.settings import FeaSettings

B_GAP_RATED = 0.8  # T peak, rated air-gap flux density for the constant-flux strategy (see doc)
CAGE_CONTACT_GAP = 10e-6  # m, contact layer between cast or swaged bars and the laminations


@dataclass(frozen=True)
class InductionDesign(StatorWinding):
    """A fully specified cage induction design (SI). Attribute names follow
    :class:`motoropt.machines.pmsm.design.Design` where they mean the same; ``magnet`` is None."""

    name: str
    p: int
    stator: Stator
    rotor: CageRotor
    winding: Winding
    steel: Steel
    rotor_steel: Steel
    conductor: Conductor
    cage_conductor: Conductor
    air_gap: float
    fill_factor: float
    strand_diameter: float
    end_extension: float
    u_dc: float
    i_max: float  # peak phase current, A
    speed_max: float  # rad/s
    voltage_utilisation: float
    T_winding_c: float
    T_rotor_c: float
    T_coolant_c: float
    bearing_torque: float | None
    housing_mass_fraction: float
    vehicle: Vehicle | None
    cycles: tuple
    n_speed: int
    n_torque: int
    specs: CaseSpecs | None = None  # the case's optional sections, parsed (motoropt.case.specs)
    values: dict = field(default_factory=dict)
    topology: str = "induction"
    magnet: None = None  # magnet-free

    # --- masses -------------------------------------------------------------------------------
    @remember_parts
    def masses(self) -> dict:
        """Part masses, kg; 'active' = stator core + copper + rotor core + cage."""
        s, r = self.stator, self.rotor
        copper = self.copper_mass
        active = s.core_mass + copper + r.core_mass + r.cage_mass
        return {
            "stator_teeth": s.teeth_mass, "stator_yoke": s.yoke_mass, "stator_core": s.core_mass,
            "copper": copper, "magnets": 0.0, "rotor_core": r.core_mass, "sleeve": 0.0,
            "bars": r.bar_mass, "end_rings": r.ring_mass, "cage": r.cage_mass,
            "rotor": r.core_mass + r.cage_mass, "active": active,
            "housing_allowance": self.housing_mass_fraction * active,
        }

    # --- circuit parameters ---------------------------------------------------------------------
    def circuit_params(self, n_psi: int = 64) -> CircuitParams:
        """Equivalent-circuit parameters from the geometry (models and sources: :mod:`.circuit`)."""
        s, r, w, p = self.stator, self.rotor, self.winding, self.p
        m = 3
        g = self.air_gap
        kw1 = float(w.k_w1)
        N = self.N_ph
        L = s.L
        kfe_s, kfe_r = s.stacking_factor, r.stacking_factor
        # --- air gap, Carter on both sides
        k_cs = s.carter_coefficient(g)
        if r.closed:
            k_cr = 1.0
        else:
            b = r.bar_opening
            kappa = (b / g) / (5.0 + b / g)
            k_cr = r.slot_pitch / (r.slot_pitch - kappa * b)
        g_e = g * k_cs * k_cr
        D_g = s.D_i - g
        tau_p = math.pi * D_g / (2 * p)
        L_m0 = 3.0 * MU0 * (kw1 * N) ** 2 * D_g * L / (math.pi * p * p * g_e)
        # --- magnetising curve psi_m(i_m)
        c_g = 1.0 / (kw1 * N * (2.0 / math.pi) * tau_p * L)  # B_g per psi
        tau_s = math.pi * s.D_i / s.Q
        c_ts = c_g * tau_s / (s.tooth_width * kfe_s)
        h_ys = s.yoke_height
        c_ys = c_g * (2.0 / math.pi) * tau_p * L / (2.0 * h_ys * L * kfe_s)
        l_ys = math.pi * (s.D_o - h_ys) / (2 * p)
        c_tr = c_g * r.slot_pitch / (r.tooth_width_third * kfe_r)
        h_yr = r.yoke_height
        c_yr = c_g * (2.0 / math.pi) * tau_p * L / (2.0 * h_yr * L * kfe_r)
        l_yr = math.pi * (r.r_bar_bottom + 0.5 * r.D_shaft) / (2 * p)
        Bg_max = min(1.6, 2.6 / max(c_ts, c_tr, c_ys, c_yr) * c_g)
        psi = np.linspace(0.0, Bg_max / c_g, n_psi)
        st, rs = self.steel, self.rotor_steel
        F = (psi * c_g * g_e / MU0 + st.H_of_B(psi * c_ts) * s.slot_depth + rs.H_of_B(psi * c_tr) * r.tooth_height
             + 0.5 * (0.5 * st.H_of_B(psi * c_ys) * l_ys + 0.5 * rs.H_of_B(psi * c_yr) * l_yr))
        i_m = F * math.pi * p / (3.0 * kw1 * N)
        # --- stator leakage: slot + tip + end (PMSM's function) + differential
        q = s.Q / (6.0 * p)
        pitch_ratio = min(1.0, w.coil_pitch / (s.Q / (2.0 * p)))
        L_ss = leakage_inductance(s.Q, N, L, s.slot_depth, s.tip_height, 0.5 * (s.slot_width_top + s.slot_width_bottom),
                                  s.slot_opening, q, 2.0 * self.end_winding_length, w.layers, pitch_ratio)
        nu = np.arange(2, 200)
        nu = nu[(nu % 2 == 1) & (nu % 3 != 0)]  # 6k +- 1: the harmonics a balanced 3-phase winding's MMF has
        kw_nu = np.asarray(w.winding_factor_mech(nu * p), dtype=float)
        sigma_ds = float(np.sum((kw_nu / (nu * kw1)) ** 2))
        L_ss += sigma_ds * L_m0
        # --- rotor: resistances referred to the stator
        rho_r = float(self.cage_conductor.resistivity(self.T_rotor_c))
        K = 4.0 * m * (kw1 * N) ** 2 / r.Q_r
        sin_a = math.sin(math.pi * p / r.Q_r)
        R_bar_stack = rho_r * L / r.bar_area
        R_bar_ext = rho_r * 2.0 * r.bar_extension / r.bar_area
        R_ring_seg = rho_r * math.pi * r.ring_mean_diameter / (r.Q_r * r.ring_area)
        R_ring_eq = R_ring_seg / (2.0 * sin_a * sin_a)
        ring_fraction = R_ring_eq / (R_bar_stack + R_bar_ext + R_ring_eq)
        # --- rotor leakage
        lam_bar = r.bar_height / (3.0 * r.bar_width)
        lam_neck = 0.0 if r.closed else r.opening_height / r.bar_opening
        D_er = r.ring_mean_diameter
        lam_er = 2.3 * D_er / (r.Q_r * L * 4.0 * sin_a * sin_a) * math.log10(4.7 * D_er / (r.ring_height + 2.0 * r.ring_width))
        a_r = math.pi * p / r.Q_r
        sigma_dr = a_r * a_r / (sin_a * sin_a) - 1.0
        T_b0 = self.bearing_drag_torque()
        # --- iron loss coefficients (build factor 1.5, as the PMSM design)
        kb = 1.5
        m_t, m_y = s.teeth_mass, s.yoke_mass
        ahs = kb * st.kh * (m_t * c_ts**2 + m_y * c_ys**2)
        acs = kb * st.kc * (m_t * c_ts**2 + m_y * c_ys**2)
        aes = kb * st.ke * (m_t * c_ts**1.5 + m_y * c_ys**1.5)
        u = s.slot_opening / (2.0 * g)
        beta = 0.5 - 0.5 / math.sqrt(1.0 + u * u)
        m_p = 2 * math.pi * r.R * L * (s.slot_pitch / (2 * math.pi)) * kfe_r * rs.density
        c_p = beta * c_g
        H, B = rs.bh_arrays()
        return CircuitParams(
            p=p, R_s=self.R_s_20 * (1.0 + self.conductor.alpha * (self.T_winding_c - 20.0)), k_ac=self.k_ac(),
            L_ss=L_ss, R_bar=K * R_bar_stack, R_rest=K * (R_bar_ext + R_ring_eq),
            xi_coeff=r.bar_height * math.sqrt(MU0 / (2.0 * rho_r)),
            L_bar=K * MU0 * L * lam_bar, L_rc=K * MU0 * L * (lam_neck + lam_er) + sigma_dr * L_m0,
            closed=bool(r.closed), bridge_h=r.opening_height if r.closed else 0.0, bridge_w=r.bar_width,
            i_bar_ratio=2.0 * m * kw1 * N / r.Q_r, k_mu_l=K * MU0 * L,
            ahs=ahs, acs=acs, aes=aes, ah_p=kb * rs.kh * m_p * c_p**2, ac_p=kb * rs.kc * m_p * c_p**2,
            ae_p=kb * rs.ke * m_p * c_p**1.5, Q_s=s.Q, T_b0=T_b0, rotor_radius=r.R, stack_length=r.L,
            air_gap=g, windage_k_f=1.0, psi_tab=psi, im_tab=i_m, L_m0=L_m0, ring_fraction_dc=ring_fraction,
            bh_H=H, bh_B=B,
        )

    def machine_model(self, fluxmaps: FluxMapProvider | None = None, limits: Limits | None = None,
                      T_magnet_c: float | None = None, T_winding_c: float | None = None) -> InductionModel:
        """The equivalent-circuit machine model under ``limits`` (default :meth:`drive_limits`
        without an inverter). ``fluxmaps``: the circuit provider, (design, None) -> CircuitParams
        (default the geometry's, :meth:`circuit_params`; the FEA one: :meth:`fea_provider`). Its
        temperatures are the design's (``T_magnet_c``/``T_winding_c`` are not supported)."""
        if T_magnet_c is not None or T_winding_c is not None:
            raise InputError("machine_model", (T_magnet_c, T_winding_c), "None for topology 'induction'")
        cp = self.circuit_params() if fluxmaps is None else fluxmaps(self, None)
        if not isinstance(cp, CircuitParams):
            raise InputError("machine_model(fluxmaps=...)", type(cp).__name__,
                             "a circuit provider returning CircuitParams for topology 'induction' "
                             "(design.fea_provider(settings), not a PM flux-map provider)")
        lim = limits if limits is not None else self.drive_limits()
        return InductionModel(params=cp, limits=lim, name=self.name, psi_rated=self.psi_rated)

    @property
    def psi_rated(self) -> float:
        """Rated air-gap flux linkage, Wb peak: B_GAP_RATED as the fundamental gap wave."""
        kw1 = float(self.winding.k_w1)
        tau_p = math.pi * (self.stator.D_i - self.air_gap) / (2 * self.p)
        return B_GAP_RATED * kw1 * self.N_ph * (2.0 / math.pi) * tau_p * self.stator.L

    def fea_provider(self, settings: FeaSettings) -> FeaCageCircuits:
        """The FEA-derived circuit's provider with the case's ``[fea]`` settings (mesh_scale, sector
        "auto" | "full", cache; :class:`.fea.FeaCageCircuits`)."""
        return FeaCageCircuits(settings)

    # --- rotor mechanics and heat ---------------------------------------------------------------
    def rotor_stress(self, lim: StressLimits) -> dict:
        """Overspeed stress margins of the cage rotor (:meth:`CageRotor.stress_margins`)."""
        return self.rotor.stress_margins(self.speed_max, self.rotor_steel.yield_strength, self.cage_conductor.name, lim)

    def rotor_heat_body(self) -> RotorHeatBody:
        """The cage (bars + end rings): Q_r buried bars (thickness = bar width, width = bar height),
        the cage conductor's conductivity and heat capacity, a 10 um contact layer to the laminations
        (cast or swaged bars in intimate contact)."""
        r, cc = self.rotor, self.cage_conductor
        return RotorHeatBody(mass=self.masses()["cage"], thickness=r.bar_width, width=r.bar_height, count=r.Q_r,
                             surface=False, conductivity=cc.thermal_conductivity, specific_heat=cc.specific_heat,
                             interface_gap=CAGE_CONTACT_GAP)


def build_induction_design(values: dict, specs: CaseSpecs | None = None) -> InductionDesign:
    """Build and validate an :class:`InductionDesign` from case values (case-file units; the
    shared sections of :mod:`motoropt.case` plus ``values["induction"]``)."""
    ind = values["induction"]
    m, st, li = values["machine"], values["stator"], values["limits"]
    te, me, ma = values["temperatures"], values["mechanical"], values["map"]
    p = int(m["pole_pairs"])
    steel = get_steel(st["steel"], field="stator.steel")
    rotor_steel = get_steel(ind["rotor_steel"], field="induction.rotor_steel") if ind.get("rotor_steel") else steel
    conductor = get_conductor(values["winding"]["conductor"], field="winding.conductor")
    cage = get_conductor(ind["bar_material"], field="induction.bar_material")
    stator = stator_from_values(st, steel)
    g = ind["air_gap_mm"] * MM
    D_r = stator.D_i - 2 * g
    D_sh = ind["shaft_diameter_mm"] * MM
    if D_sh >= D_r - 4e-3:
        raise InputError("induction.shaft_diameter_mm", ind["shaft_diameter_mm"], f"< rotor diameter - 4 mm = {(D_r - 4e-3) / MM:.2f}")
    if g >= 0.1 * D_r:
        raise InputError("induction.air_gap_mm", ind["air_gap_mm"], "much smaller than the rotor diameter (< 10 %)")
    closed = bool(ind["closed_slots"])
    if not closed and ind.get("bar_opening_mm") is None:
        raise InputError("induction.bar_opening_mm", None, "given for semi-closed slots (or closed_slots = true)")
    Q_r = int(ind["rotor_bars"])
    # pole count vs diameter: an induction machine needs a pole pitch of many air gaps for an
    # acceptable magnetising current (tau_p / g >= 25 here; L_m ~ tau_p / g) and 3 bars per pole
    tau_p = math.pi * D_r / (2 * p)
    if tau_p < 25 * g:
        raise InputError("machine.pole_pairs", p, f"<= {int(math.pi * D_r / (50 * g))} for this rotor diameter and air gap "
                                                  f"(pole pitch {tau_p / MM:.1f} mm must be >= 25 air gaps)")
    check_slot_combination(stator.Q, Q_r, p)
    rotor = CageRotor(D_r=D_r, D_shaft=D_sh, L=stator.L, Q_r=Q_r, bar_width=ind["bar_width_mm"] * MM,
                      bar_height=ind["bar_height_mm"] * MM,
                      bar_opening=0.0 if closed else ind["bar_opening_mm"] * MM,
                      opening_height=ind["opening_height_mm"] * MM, closed=closed,
                      ring_height=ind["end_ring_height_mm"] * MM, ring_width=ind["end_ring_width_mm"] * MM,
                      bar_extension=ind["bar_extension_mm"] * MM, stacking_factor=st["stacking_factor"],
                      density=rotor_steel.density, cage_density=cage.density,
                      retainer_thickness=(ind.get("end_ring_retainer_mm") or 0.0) * MM)
    rotor.validate()
    wv = winding_from_values(values, stator, p)
    vehicle = vehicle_of(values)
    return InductionDesign(
        name=m["name"], p=p, stator=stator, rotor=rotor, winding=wv.winding, steel=steel, rotor_steel=rotor_steel,
        conductor=conductor, cage_conductor=cage, air_gap=g, fill_factor=wv.fill_factor,
        strand_diameter=wv.strand_diameter, end_extension=wv.end_extension, u_dc=li["dc_link_voltage_v"], i_max=wv.i_max,
        speed_max=li["max_speed_rpm"] * RPM_TO_RAD_S, voltage_utilisation=li["voltage_utilisation"],
        T_winding_c=te["winding_c"], T_rotor_c=ind["rotor_temperature_c"], T_coolant_c=te["coolant_c"],
        bearing_torque=me.get("bearing_torque_nm"), housing_mass_fraction=me["housing_mass_fraction"],
        vehicle=vehicle, cycles=tuple(values["cycles"]["names"]), n_speed=int(ma["n_speed"]),
        n_torque=int(ma["n_torque"]), specs=specs, values=values,
    )
