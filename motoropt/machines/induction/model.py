"""Induction design (case values -> SI objects -> circuit parameters) and the machine model that
the evaluation uses (efficiency map, operating points, envelope) -- same KPIs as the PMSM.

Case file: the stator, winding, limits, temperatures, mechanical, vehicle, cycles and map sections
as for the PMSM (:mod:`motoropt.case.schema`); ``[machine] topology = "induction"``; the cage rotor in a
section ``[induction]`` with the keys of :data:`INDUCTION_SCHEMA` (no ``[rotor]`` section).
Until the case schema knows the topology, :func:`load_induction_case` parses such a file.

Stated approximations beyond :mod:`.circuit`: bearing drag and windage as for the PMSM design
(mu = 0.0015 Coulomb bearing torque on rotor weight x 1.3 + 2 x 200 N preload; Couette windage);
rated air-gap flux density for the constant-flux comparison strategy B_g = 0.8 T peak (typical
0.7-0.9 T for induction machines, Pyrhönen Table 6.3).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from motoropt.case.schema import SCHEMA, Field, _parse_value
from motoropt.constants import MU0, RPM_TO_RAD_S
from motoropt.errors import InputError, OperatingPointError
from motoropt.geometry.cage import CageRotor, check_slot_combination
from motoropt.geometry.stator import Stator
from motoropt.machines.induction.circuit import CircuitParams
from motoropt.machines.induction.control import (
    CURRENT_LIMIT,
    OUT_NAMES,
    SPEED_LIMIT,
    VOLTAGE_LIMIT,
    envelope_kernel,
    solve_points_kernel,
)
from motoropt.machines.pmsm.design import StatorWinding

MM = 1e-3
B_GAP_RATED = 0.8  # T peak, rated air-gap flux density for the constant-flux strategy (see doc)
_CONDUCTOR_CHOICES = ("copper", "aluminium", "die_cast_aluminium")

#: keys of the case section [induction] (the schema lives in motoropt.case.schema with the others)
INDUCTION_SCHEMA: dict[str, Field] = SCHEMA["induction"]


@dataclass(frozen=True)
class InductionDesign(StatorWinding):
    """A fully specified cage induction design (SI). Attribute names follow
    :class:`motoropt.machines.pmsm.design.Design` where they mean the same; ``magnet`` is None."""

    name: str
    p: int
    stator: Stator
    rotor: CageRotor
    winding: object
    steel: object
    rotor_steel: object
    conductor: object
    cage_conductor: object
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
    vehicle: object | None
    cycles: tuple
    n_speed: int
    n_torque: int
    free: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    topology: str = "induction"
    magnet: object = None

    # winding-derived quantities (turn area, mean turn length, N_ph, R_s_20): design.StatorWinding

    def k_ac(self) -> float:
        """Strand proximity AC factor, the PMSM design's model (motoropt.machines.pmsm.design.Design.k_ac)."""
        from motoropt.machines.pmsm.design import Design

        return Design.k_ac(self)

    # --- masses -------------------------------------------------------------------------------
    def masses(self) -> dict:
        """Part masses, kg; 'active' = stator core + copper + rotor core + cage."""
        s, r = self.stator, self.rotor
        copper = 3 * self.N_ph * self.winding.parallel_paths * self.mean_turn_length * self.turn_area * self.conductor.density
        active = s.core_mass + copper + r.core_mass + r.cage_mass
        return {
            "stator_teeth": s.teeth_mass, "stator_yoke": s.yoke_mass, "stator_core": s.core_mass,
            "copper": copper, "magnets": 0.0, "rotor_core": r.core_mass, "sleeve": 0.0,
            "bars": r.bar_mass, "end_rings": r.ring_mass, "cage": r.cage_mass,
            "rotor": r.core_mass + r.cage_mass, "active": active,
            "housing_allowance": self.housing_mass_fraction * active,
        }

    def bearing_drag_torque(self) -> float:
        if self.bearing_torque is not None:
            return self.bearing_torque
        F = self.masses()["rotor"] * 1.3 * 9.81 + 2 * 200.0
        return 0.0015 * F * 0.5 * max(self.rotor.D_shaft * 0.5, 0.02)

    # --- circuit parameters ---------------------------------------------------------------------
    def circuit_params(self, n_psi: int = 64) -> CircuitParams:
        """Equivalent-circuit parameters from the geometry (models and sources: :mod:`.circuit`)."""
        from motoropt.magnetics.analytic import leakage_inductance

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

    def machine_model(self) -> "InductionModel":
        from motoropt.drive.control import Limits

        cp = self.circuit_params()
        lim = Limits(u_dc=self.u_dc, i_max=self.i_max, speed_max=self.speed_max,
                     voltage_utilisation=self.voltage_utilisation)
        kw1 = float(self.winding.k_w1)
        tau_p = math.pi * (self.stator.D_i - self.air_gap) / (2 * self.p)
        psi_rated = B_GAP_RATED * kw1 * self.N_ph * (2.0 / math.pi) * tau_p * self.stator.L
        return InductionModel(params=cp, limits=lim, name=self.name, psi_rated=psi_rated,
                              masses=self.masses())


@dataclass(frozen=True)
class InductionModel:
    """An induction machine as the evaluation sees it: circuit parameters + drive limits.

    ``fluxmap`` and ``loss_params`` are None (no PM flux map); loss kinds of its maps:
    copper (stator), rotor_copper, iron, mechanical.
    """

    params: CircuitParams
    limits: object  # motoropt.drive.control.Limits
    name: str = "induction machine"
    psi_rated: float = 0.0
    masses: dict = field(default_factory=dict)
    fluxmap: object = None
    loss_params: object = None

    LOSS_KINDS = ("copper", "rotor_copper", "iron", "mechanical")

    def _arrays(self):
        cache = self.__dict__.get("_cache")
        if cache is None:
            P = self.params
            cache = (P.pack(), np.ascontiguousarray(P.psi_tab, dtype=float), np.ascontiguousarray(P.im_tab, dtype=float),
                     np.ascontiguousarray(P.bh_H, dtype=float), np.ascontiguousarray(P.bh_B, dtype=float))
            object.__setattr__(self, "_cache", cache)
        return cache

    def solve_operating_points(self, speed_rad_s, torque, strategy: str = "min_loss") -> dict:
        """Loss-minimising (or "constant_flux") operating points; dict of arrays keyed as
        :data:`.control.OUT_NAMES` (feasible bool, reason int) -- "p_<kind>" for every loss kind."""
        if strategy not in ("min_loss", "constant_flux"):
            raise InputError("strategy", strategy, "'min_loss' or 'constant_flux'")
        w, t = np.broadcast_arrays(np.atleast_1d(np.asarray(speed_rad_s, dtype=float)),
                                   np.atleast_1d(np.asarray(torque, dtype=float)))
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(t))) or np.any(w < 0):
            raise InputError("speed_rad_s/torque", "non-finite or negative speed", "finite, speed >= 0")
        cv, pt, it, H, B = self._arrays()
        lim = self.limits
        out = solve_points_kernel(np.ascontiguousarray(w.ravel()), np.ascontiguousarray(t.ravel()), cv, pt, it, H, B,
                                  lim.v_max, lim.i_max, lim.speed_max, 0 if strategy == "min_loss" else 1,
                                  self.psi_rated)
        res = {}
        for k, name in enumerate(OUT_NAMES):
            col = out[:, k].reshape(w.shape)
            if name == "feasible":
                col = col > 0.5
            elif name == "reason":
                col = np.nan_to_num(col).astype(np.int64)
            res[name] = col
        return res

    def envelope(self, speeds_rad_s) -> dict:
        """Max shaft torque (motoring, generating magnitude), N m, at the given speeds (rad/s)."""
        cv, pt, it, H, B = self._arrays()
        lim = self.limits
        T_up = 3.0 * self.params.p * float(pt[-1]) * lim.i_max
        s = np.ascontiguousarray(np.atleast_1d(np.asarray(speeds_rad_s, dtype=float)))
        tm, tg = envelope_kernel(s, cv, pt, it, H, B, lim.v_max, lim.i_max, T_up)
        return {"torque_motoring": tm, "torque_generating": tg}

    def efficiency_map(self, n_speed: int = 50, n_torque: int = 50, speed_max=None, strategy: str = "min_loss"):
        """:class:`motoropt.drive.effmap.EfficiencyMap` on an n_torque x n_speed grid (conventions of
        :func:`motoropt.drive.effmap.efficiency_map`; loss kinds :attr:`LOSS_KINDS`)."""
        from motoropt.drive.effmap import EfficiencyMap

        for fld, v in (("n_speed", n_speed), ("n_torque", n_torque)):
            if int(v) != v or v < 2:
                raise InputError(f"efficiency_map.{fld}", v, "an integer >= 2")
        w_max = self.limits.speed_max if speed_max is None else float(speed_max)
        speeds = np.linspace(0.0, w_max, int(n_speed))
        env = self.envelope(speeds)
        t_mot = float(np.max(env["torque_motoring"]))
        t_gen = float(np.max(env["torque_generating"]))
        torques = np.linspace(-t_gen, t_mot, int(n_torque))
        W, T = np.meshgrid(speeds, torques)
        em = env["torque_motoring"][None, :]
        eg = env["torque_generating"][None, :]
        above = (T > em * (1 + 1e-9)) | (-T > eg * (1 + 1e-9))
        solve = ~above
        rs = self.solve_operating_points(W[solve], T[solve], strategy=strategy)
        r = {}
        for k, v in rs.items():
            full = np.full(W.shape, False if k == "feasible" else (0 if k == "reason" else np.nan), dtype=v.dtype)
            full[solve] = v
            r[k] = full
        cap_m = np.broadcast_to(em >= env["torque_motoring"][0] * (1 - 1e-9), W.shape)
        cap_g = np.broadcast_to(eg >= env["torque_generating"][0] * (1 - 1e-9), W.shape)
        cur = np.where(T > 0, cap_m, cap_g)
        r["reason"][above] = np.where(cur[above], CURRENT_LIMIT, VOLTAGE_LIMIT)
        feas = r["feasible"]
        losses = {k: np.where(feas, r["p_" + k], np.nan) for k in self.LOSS_KINDS}
        losses["total"] = sum(losses[k] for k in self.LOSS_KINDS)
        nanf = lambda a: np.where(feas, a, np.nan)  # noqa: E731
        return EfficiencyMap(
            speed_rpm=speeds / RPM_TO_RAD_S, torque_nm=torques, efficiency=nanf(r["efficiency"]), losses=losses,
            i_d=nanf(r["i_d"]), i_q=nanf(r["i_q"]), voltage_ll_rms=nanf(r["v_ll_rms"]),
            power_factor=nanf(r["power_factor"]), p_mech=nanf(r["p_mech"]), p_elec=nanf(r["p_elec"]),
            feasible=feas, reason=r["reason"], envelope_speed_rpm=speeds / RPM_TO_RAD_S,
            envelope_motoring_nm=env["torque_motoring"], envelope_generating_nm=env["torque_generating"], model=self,
        )

    def operating_point(self, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict:
        """One point as a dict with the keys of :func:`motoropt.drive.control.operating_point` (losses_w has
        copper, rotor_copper, iron, mechanical, total; plus rotor_bar/rotor_ring split) and slip,
        rotor_frequency_hz, psi_m_wb. Raises OperatingPointError outside the envelope."""
        for fld, v in (("speed_rpm", speed_rpm), ("torque_nm", torque_nm)):
            if not (isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(v)):
                raise InputError(fld, v, "a finite number")
        if speed_rpm < 0:
            raise InputError("speed_rpm", speed_rpm, ">= 0 (use a negative torque for generating)")
        w = speed_rpm * RPM_TO_RAD_S
        r = self.solve_operating_points(w, torque_nm, strategy=strategy)
        if not bool(r["feasible"][0]):
            reason = int(r["reason"][0])
            if reason == SPEED_LIMIT:
                raise OperatingPointError(f"{speed_rpm:g} rpm is above the speed limit "
                                          f"{self.limits.speed_max / RPM_TO_RAD_S:.0f} rpm")
            env = self.envelope([w])
            key = "torque_motoring" if torque_nm >= 0 else "torque_generating"
            raise OperatingPointError(
                f"{speed_rpm:g} rpm, {torque_nm:g} N m is outside the envelope "
                f"({'current' if reason == CURRENT_LIMIT else 'voltage'} limit): max "
                f"{'motoring' if torque_nm >= 0 else 'generating'} torque at {speed_rpm:g} rpm is {float(env[key][0]):.1f} N m")
        f = lambda k: float(r[k][0])  # noqa: E731
        losses = {k: f("p_" + k) for k in self.LOSS_KINDS}
        losses["total"] = sum(losses.values())
        # rotor loss split (skin effect raises the bar share at high slip frequency)
        from motoropt.machines.induction.circuit import skin_factors

        P = self.params
        x = abs(f("f_rotor")) * 2 * math.pi
        kR, _ = skin_factors(P.xi_coeff * math.sqrt(x))
        R_bar = P.R_bar * kR
        R_tot = R_bar + P.R_rest
        # the rings' referred resistance from the DC split (R_rest = bar extensions + rings)
        R_ring = P.ring_fraction_dc * (P.R_bar + P.R_rest)
        bars = losses["rotor_copper"] * (R_tot - R_ring) / R_tot
        return {
            "speed_rpm": float(speed_rpm), "torque_nm": float(torque_nm), "motor_efficiency": f("efficiency"),
            "id_a": f("i_d"), "iq_a": f("i_q"), "current_rms_a": f("i_rms"), "voltage_ll_rms_v": f("v_ll_rms"),
            "power_factor": f("power_factor"), "p_mech_w": f("p_mech"), "p_elec_w": f("p_elec"),
            "torque_em_nm": f("torque_em"), "losses_w": losses,
            "rotor_loss_split_w": {"bars": bars, "end_rings": losses["rotor_copper"] - bars},
            "slip": f("slip"), "rotor_frequency_hz": f("f_rotor"), "psi_m_wb": f("psi_m"),
        }


# ----------------------------------------------------------------------------- case -> design

def _stator_from_values(st: dict, steel) -> Stator:
    """Stator lamination from [stator] values (the PMSM's rules: motoropt.machines.pmsm.design.stator_from_values)."""
    from motoropt.machines.pmsm.design import stator_from_values

    return stator_from_values(st, steel)


def parse_induction_section(raw: dict, variables: list | None = None) -> dict:
    """Validate an [induction] table against :data:`INDUCTION_SCHEMA` (case-file units)."""
    if not isinstance(raw, dict):
        raise InputError("induction", raw, "a table")
    variables = [] if variables is None else variables
    for k in raw:
        if k not in INDUCTION_SCHEMA:
            raise InputError(f"induction.{k}", raw[k], f"a known key of [induction]: {sorted(INDUCTION_SCHEMA)}")
    out = {}
    for k, f in INDUCTION_SCHEMA.items():
        if k in raw:
            out[k] = _parse_value(f"induction.{k}", f, raw[k], variables)
        elif f.required:
            raise InputError(f"induction.{k}", None, "given (required)")
        else:
            out[k] = f.default
    return out


def induction_design_from_values(values: dict, free: dict | None = None) -> InductionDesign:
    """Build and validate an :class:`InductionDesign` from case values (the PMSM sections plus
    ``values["induction"]``, or ``free["induction"]`` as a raw table)."""
    from motoropt.machines.pmsm.design import vehicle_from_values
    from motoropt.materials import get_conductor, get_steel
    from motoropt.windings import make_winding

    free = dict(free or {})
    ind = values.get("induction")
    if ind is None:
        if "induction" not in free:
            raise InputError("induction", None, "a section [induction] for topology 'induction'")
        ind = parse_induction_section(free["induction"])
    m, st, wi, li = values["machine"], values["stator"], values["winding"], values["limits"]
    te, me, ma = values["temperatures"], values["mechanical"], values["map"]
    p = int(m["pole_pairs"])
    steel = get_steel(st["steel"], field="stator.steel")
    rotor_steel = get_steel(ind["rotor_steel"], field="induction.rotor_steel") if ind.get("rotor_steel") else steel
    conductor = get_conductor(wi["conductor"], field="winding.conductor")
    cage = get_conductor(ind["bar_material"], field="induction.bar_material")
    stator = _stator_from_values(st, steel)
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
    winding = make_winding(slots=stator.Q, pole_pairs=p, layers=int(wi["layers"]), coil_pitch=wi.get("coil_pitch_slots"),
                           turns_per_coil=int(wi["turns_per_coil"]), parallel_paths=int(wi["parallel_paths"]),
                           field_prefix="winding")
    fill = wi["fill_factor"]
    turn_area = stator.slot_area * fill / winding.conductors_per_slot
    if li.get("max_current_rms_a") is not None:
        i_rms = li["max_current_rms_a"]
    elif li.get("max_current_density_a_per_mm2") is not None:
        i_rms = li["max_current_density_a_per_mm2"] * turn_area * 1e6 * winding.parallel_paths
    else:
        raise InputError("limits.max_current_rms_a", None, "given (or limits.max_current_density_a_per_mm2)")
    d_strand = wi["strand_diameter_mm"] * MM
    if d_strand * d_strand * math.pi / 4 > turn_area * 1.0001:
        raise InputError("winding.strand_diameter_mm", wi["strand_diameter_mm"],
                         f"<= {2e3 * math.sqrt(turn_area / math.pi):.3f} (the copper area of one turn is {turn_area * 1e6:.3f} mm^2)")
    vehicle = None
    if values.get("vehicle") and any(v is not None for v in values["vehicle"].values()):
        vehicle = vehicle_from_values(values["vehicle"])
    cycles = tuple(values["cycles"]["names"])
    from motoropt.cycles import CYCLE_NAMES

    for c in cycles:
        if c not in CYCLE_NAMES:
            raise InputError("cycles.names", c, f"one of {list(CYCLE_NAMES)}")
    vals = dict(values)
    vals["induction"] = ind
    return InductionDesign(
        name=m["name"], p=p, stator=stator, rotor=rotor, winding=winding, steel=steel, rotor_steel=rotor_steel,
        conductor=conductor, cage_conductor=cage, air_gap=g, fill_factor=fill, strand_diameter=d_strand,
        end_extension=wi["end_extension_mm"] * MM, u_dc=li["dc_link_voltage_v"], i_max=i_rms * math.sqrt(2.0),
        speed_max=li["max_speed_rpm"] * RPM_TO_RAD_S, voltage_utilisation=li["voltage_utilisation"],
        T_winding_c=te["winding_c"], T_rotor_c=ind["rotor_temperature_c"], T_coolant_c=te["coolant_c"],
        bearing_torque=me.get("bearing_torque_nm"), housing_mass_fraction=me["housing_mass_fraction"],
        vehicle=vehicle, cycles=cycles, n_speed=int(ma["n_speed"]), n_torque=int(ma["n_torque"]),
        free=free, values=vals,
    )


def parse_induction_case(data: dict) -> tuple[dict, dict]:
    """(values, free) of an induction case dictionary (TOML), validated with the PMSM schema for the
    shared sections and :data:`INDUCTION_SCHEMA` for [induction]. Stand-in until motoropt.case.schema knows
    the topology (the lead's schema change makes this the normal load_case path)."""
    from motoropt.case.schema import FREE_SECTIONS

    if not isinstance(data, dict):
        raise InputError("case", type(data).__name__, "a TOML table")
    shared = [s for s in SCHEMA if s != "rotor"]
    for sec in data:
        if sec not in shared and sec not in FREE_SECTIONS and sec != "induction":
            raise InputError(sec, "(section)", f"one of the sections {sorted(shared + list(FREE_SECTIONS) + ['induction'])}")
    m = data.get("machine", {})
    if m.get("topology") != "induction":
        raise InputError("machine.topology", m.get("topology"), "'induction' for an induction case")
    values: dict = {}
    variables: list = []
    for sec in shared:
        raw = data.get(sec, {})
        if not isinstance(raw, dict):
            raise InputError(sec, raw, "a table")
        out = {}
        for key in raw:
            if key not in SCHEMA[sec]:
                raise InputError(f"{sec}.{key}", raw[key], f"a known key of [{sec}]: {sorted(SCHEMA[sec])}")
        for key, f in SCHEMA[sec].items():
            if sec == "machine" and key == "topology":
                out[key] = "induction"
                continue
            if key in raw:
                out[key] = _parse_value(f"{sec}.{key}", f, raw[key], variables)
            elif f.required and (sec in data or sec in ("machine", "stator", "winding", "limits")):
                raise InputError(f"{sec}.{key}", None, "given (required)")
            else:
                out[key] = f.default
        values[sec] = out
    values["induction"] = parse_induction_section(data.get("induction", {}), variables)
    free = {s: data[s] for s in FREE_SECTIONS if s in data}
    return values, free


def load_induction_case(path) -> InductionDesign:
    """Read an induction TOML case and build its nominal design."""
    p = Path(path)
    if not p.is_file():
        raise InputError("case", str(path), "an existing TOML file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError("case", str(path), f"valid TOML ({e})") from None
    values, free = parse_induction_case(data)
    return induction_design_from_values(values, free)
