"""Permanent-magnet synchronous machines (topologies ``spm``, ``ipm_v``, ``ipm_flat``, ``ipm_arc``;
surface-PM machines with tooth-coil windings use the real-tooth MEC network): the design (case
values -> SI objects), its magnetic equivalent circuit inputs, loss parameters and machine model.

This is where the object model is converted once per design into the plain numbers the numba
kernels take (:class:`~motoropt.magnetics.analytic.MECInputs`, :class:`~motoropt.drive.losses.LossParams`,
:class:`~motoropt.drive.control.Limits`).

Stated approximations beyond those of the models themselves (and of :mod:`motoropt.machines.common`):
- iron: on the MEC's flux map, build factor B50_FIELD = 5000.0  # A/m: the field of the datasheet figure B50 (rotor_yoke_saturation_margin)
K_BUILD = 1.5 on the Bertotti loss of the fundamental
  (rotational fields, space and slot harmonics the fundamental misses, punching damage; a common
  design allowance, e.g. SyR-e and Pyrhönen §3.6 quote 1.5–2; the PWM-carrier and six-step
  harmonics are computed separately now, :mod:`motoropt.drive.losses`). On a flux map that carries
  the FEA's field-waveform loss terms (harmonic-complete, per region) the build factor is the
  manufacturing factor K_BUILD_MANUFACTURING = 1.0 (punching/stacking damage only; no published
  value for this steel; the Prius no-load spin loss, ORNL/TM-2004/247 Table 3.7, leaves no room for
  a factor > 1 with the M19 coefficients);
- magnet eddy loss from the slot-opening ripple (Heller–Hamata dip amplitude), which a buried
  magnet sees attenuated by exp(-2 pi d / tau_s) (Laplace decay through the pole-piece depth d);
- windage by the Couette formula in :mod:`motoropt.drive.losses`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from motoropt.constants import MU0, RPM_TO_RAD_S
from motoropt.drive.changeover import SwitchedModel, switched_model
from motoropt.drive.control import Limits
from motoropt.drive.losses import LossParams, magnet_eddy_coefficient
from motoropt.drive.model import FluxMapModel
from motoropt.errors import InputError
from motoropt.geometry.rotor import ArcPMRotor, InteriorPMRotor, SurfacePMRotor, flat_ipm
from motoropt.geometry.stator import Stator
from motoropt.machines.base import FluxMapProvider, RotorHeatBody
from motoropt.machines.common import (
    MM,
    StatorWinding,
    remember_last,
    remember_parts,
    stator_from_values,
    vehicle_of,
    winding_from_values,
)
from motoropt.magnetics.analytic import (
    MECInputs,
    ToothCoilStator,
    compute_fluxmap,
    leakage_inductance,
    network_kind,
    slot_leakage_lambdas,
    tooth_coil_unit,
    trapezoid_slot_lambda,
)
from motoropt.magnetics.fea.pipeline import FeaFluxMaps
from motoropt.magnetics.fea.settings import FeaSettings
from motoropt.magnetics.fluxmap import FluxMap
from motoropt.magnetics.magnet_layer import MagnetLayer
from motoropt.materials import Conductor, Magnet, Steel, get_conductor, get_magnet, get_steel
from motoropt.mechanics import StressLimits
from motoropt.vehicle import Vehicle
from motoropt.windings import Winding

if TYPE_CHECKING:
    from motoropt.case.specs import CaseSpecs

B50_FIELD = 5000.0  # A/m: the field of the datasheet figure B50 (rotor_yoke_saturation_margin)
K_BUILD = 1.5  # iron-loss build factor on the MEC's fundamental (module docstring)
K_BUILD_MANUFACTURING = 1.0  # on the FEA's harmonic-complete loss terms: manufacturing only (module docstring)


@dataclass(frozen=True)
class Design(StatorWinding):
    """A fully specified PM design (SI units)."""

    name: str
    topology: str
    p: int
    stator: Stator
    rotor: InteriorPMRotor | SurfacePMRotor | ArcPMRotor
    winding: Winding
    steel: Steel
    rotor_steel: Steel
    magnet: Magnet
    conductor: Conductor
    air_gap: float
    fill_factor: float
    strand_diameter: float
    end_extension: float  # straight axial part of each coil side outside the core, m
    u_dc: float
    i_max: float  # peak phase current, A
    speed_max: float  # rad/s
    voltage_utilisation: float
    T_winding_c: float
    T_magnet_c: float
    T_coolant_c: float
    bearing_torque: float | None
    housing_mass_fraction: float
    vehicle: Vehicle | None
    cycles: tuple
    n_speed: int
    n_torque: int
    fm_n_d: int
    fm_n_q: int
    fm_nodes: str = "all"  # [map] fluxmap_nodes (motoropt.magnetics.analytic.compute_fluxmap)
    specs: CaseSpecs | None = None  # the case's optional sections, parsed (motoropt.case.specs)
    values: dict = dataclasses.field(default_factory=dict)  # the case-file values it came from

    @property
    def T_rotor_c(self) -> float:
        """Reference temperature of the rotor's heat body (the magnets), degC."""
        return self.T_magnet_c

    # --- masses -------------------------------------------------------------------------------
    @remember_parts
    def masses(self) -> dict:
        """Part masses, kg. 'active' = stator + rotor incl. coils, magnets and cores."""
        s, r = self.stator, self.rotor
        copper = self.copper_mass
        magnets = r.magnet_volume * self.magnet.density
        rotor_core = r.core_mass
        sleeve = r.sleeve_mass
        active = s.core_mass + copper + magnets + rotor_core + sleeve
        return {
            "stator_teeth": s.teeth_mass, "stator_yoke": s.yoke_mass, "stator_core": s.core_mass,
            "copper": copper, "magnets": magnets, "rotor_core": rotor_core, "sleeve": sleeve,
            "rotor": rotor_core + magnets + sleeve, "active": active,
            "housing_allowance": self.housing_mass_fraction * active,
        }

    # --- model inputs ---------------------------------------------------------------------------
    def kernel_variant(self) -> str:
        """The MEC network kind this design's flux map solves ("cells" or "tooth_coil")."""
        return network_kind(self.mec_inputs())

    @remember_last
    def mec_inputs(self, T_magnet_c: float | None = None):
        """MECInputs of this design. The stator is tooth-level: the slot and tooth-tip leakage is a
        network permeance between adjacent tooth tips (so it saturates with the teeth) and L_sigma is
        the end-winding leakage only. IPM: the magnets end before the pole-piece tips (air pocket
        under the tip, leaking to the core), the pole-piece depth falls from v_depth at the centre to
        the bridge at the tip, and the whole inter-polar arc is iron joined to the q-axis rib (the
        barrier ends in the cap at the V's outer tip, as the geometry draws it). SPM with tooth coils
        (coil pitch 1, q < 1): a real-tooth network over the winding's unit (ToothCoilStator: the
        actual coil MMFs in the teeth, the real slot's leakage, tip iron; see the analytic module's
        docstring) replaces the smeared cells. The rotor part comes from the topology's builder in
        :data:`MEC_INPUTS`."""
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        s, r = self.stator, self.rotor
        kfe = s.stacking_factor
        r_gap = 0.5 * s.D_i - 0.5 * self.air_gap
        tau_gap = 2 * math.pi * r_gap / s.Q
        h_y = s.yoke_height
        w = self.winding
        q = s.Q / (6.0 * self.p)
        pitch_ratio = min(1.0, w.coil_pitch / (s.Q / (2.0 * self.p)))
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        L_total = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening,
                                     q, 2.0 * self.end_winding_length, w.layers, pitch_ratio)
        L_slot = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening,
                                    q, 0.0, w.layers, pitch_ratio)
        g_mag = self.air_gap + r.sleeve
        lam_u, lam_tt = slot_leakage_lambdas(s.slot_depth, s.tip_height, b_s, s.slot_opening, g_mag,
                                             w.layers, pitch_ratio)
        # the network's slot MMFs are those of the fundamental: 1/k_w1^2 restores the slot-leakage
        # energy of the real slot currents (sum of squares of the slot ampere-turns)
        P_slot = MU0 * s.L * (lam_u + lam_tt) / float(w.k_w1) ** 2
        # The air-gap harmonic ("differential") leakage of the winding's MMF harmonics
        # (differential_leakage_coefficient) is NOT added: against the embedded FEA on a q = 1/2 SPM
        # (tests/test_multipole.py) the network alone gives psi_q within 6 % at i_q = 200 A and
        # psi_d(-200, 0) within 3 %; adding sigma_delta L_m made psi_q +18 % (the network's slot
        # leakage, scaled by 1/k_w1^2, already carries that energy for tooth coils).
        common = dict(p=self.p, kw1=float(w.k_w1), N_ph=self.N_ph, r_gap=r_gap, L=s.L,
                      tooth_fraction=s.tooth_width_top / tau_gap * kfe,
                      tooth_fraction_root=s.tooth_width_bottom / tau_gap * kfe,
                      tooth_length=s.slot_depth, yoke_area=h_y * s.L * kfe,
                      yoke_radius=0.5 * (s.D_o - h_y), Br=float(self.magnet.Br(T_m)),
                      mu_r=float(self.magnet.mu_r), h_m=r.magnet_thickness, A_m=r.magnet_area_per_pole,
                      L_sigma=L_total - L_slot, slot_permeance=P_slot, slots=s.Q)
        return MEC_INPUTS[self.topology](self, common)


    @property
    def tooth_flux_factor(self) -> float:
        """Fundamental of one tooth's flux / (fundamental gap flux density x slot pitch area), for the
        iron-loss flux density of tooth-coil windings (q < 1): sin(a/2) / (a/2), a = 2 pi p / Q the
        electrical slot angle (the tooth integrates the gap wave over its slot pitch: 0.83 for
        q = 1/2, 0.74 for q = 2/5). The network's saturation keeps the local (cell) flux: the FEA
        check on a q = 1/2 SPM gave psi_PM -2 % with the local flux and +13 % with the averaged one
        (a flat-topped pole field fills a tooth spanning 2/3 of the pole). 1 for q >= 1. Applied in
        fluxmap only for the cell network (IPM tooth coils): the tooth-coil network of SPM designs
        (mec_inputs: tooth_coil) returns the real teeth's flux fundamental itself."""
        if self.winding.q >= 1:
            return 1.0
        a_s = 2.0 * math.pi * self.p / self.stator.Q
        return math.sin(0.5 * a_s) / (0.5 * a_s)

    def differential_leakage_coefficient(self) -> float:
        """sigma_delta = sum over the winding's MMF space harmonics n != p below the first slot
        harmonic (mechanical orders n < Q) of (F_n / F_p)^2 = (p k_w(n) / (n k_w1))^2 (Pyrhonen et
        al. 2014, eq. 4.40; the slot harmonics Q -+ p are the zig-zag field the tooth-tip permeance of
        the network carries). Multiplies the magnetising inductance 6 mu0 r L (k_w1 N)^2 / (pi p^2 g)."""
        import numpy as np

        n, amp, _ = self.winding.mmf_spectrum(max(self.stator.Q - 1, self.p))
        F = amp / amp[self.p]
        keep = (n != self.p) & (n > 0)
        return float(np.sum(F[keep] ** 2))

    def mec_fluxmap(self, T_magnet_c: float | None = None) -> FluxMap:
        """The MEC's flux map (:func:`motoropt.magnetics.analytic.compute_fluxmap`) on the case's
        [map] grid; for tooth coils on the cell network, the teeth's iron-loss flux density is the
        tooth flux's fundamental (``tooth_flux_factor``; the tooth-coil network returns it itself)."""
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        H, B = self.steel.bh_arrays()
        m = self.mec_inputs(T_m)
        fm = compute_fluxmap(m, H, B, self.i_max, self.fm_n_d, self.fm_n_q, T_m, nodes=self.fm_nodes)
        kt = self.tooth_flux_factor
        if kt != 1.0 and m.tooth_coil is None:
            Bi = fm.B_iron.copy()
            Bi[fm.regions.index("stator_teeth")] *= kt
            fm = dataclasses.replace(fm, B_iron=Bi)
        return fm

    # --- the MEC's validity: the surface-PM rotor yoke -------------------------------------------
    def rotor_yoke_flux_density(self) -> float | None:
        """No-load flux density in the rotor yoke of a surface-PM rotor with radial magnets, T, in
        closed form (None for other rotors: buried-magnet rotors have their yoke as a nonlinear MEC
        branch, Halbach arrays the layered network's saturable core ring).

        The surface-PM MEC treats the rotor yoke as infinitely permeable, so nothing stops an
        optimiser from thinning it until it saturates (on 28-40-pole rotors the embedded FEA found
        2.8 T in a 2.2 mm yoke and psi_PM 21 % below the MEC's). Assumptions, each raising the
        estimate (an upper bound of the mean): the magnet on its load line with the mechanical gap
        and sleeve only, B_m = B_r(T_magnet) / (1 + mu_r (g + sleeve) / h_m) (no Carter factor, no
        leakage, iron infinitely permeable); the pole's flux leaves the magnet's inner face,
        Phi_p = B_m alpha_p (pi R_core / p) L, and half of it crosses the yoke section
        h_ry L k_fe at the q axis: B_ry = B_m alpha_p pi R_core / (2 p h_ry k_fe)."""
        r = self.rotor
        if r.kind != "spm" or r.halbach_segments > 1:
            return None
        h_ry = r.R_core - 0.5 * r.D_shaft
        B_m = float(self.magnet.Br(self.T_magnet_c)) / (
            1.0 + self.magnet.mu_r * (self.air_gap + r.sleeve) / r.magnet_thickness)
        return B_m * r.pole_arc_ratio * math.pi * r.R_core / (2.0 * self.p * h_ry * r.stacking_factor)

    def model_validity_kpis(self) -> dict:
        """Surface-PM rotors with radial magnets: ``rotor_yoke_flux_density_t``
        (:meth:`rotor_yoke_flux_density`) and ``rotor_yoke_saturation_margin`` = 1 - B_ry / B50 of the
        rotor steel (B50: B at H = 5 kA/m, the datasheet's saturation figure; below it the yoke's MMF
        drop, H x half a pole pitch, is a few per cent of the magnet's H_c h_m, as the MEC assumes).
        A constraint ``rotor_yoke_saturation_margin >= 0`` keeps an optimisation where the MEC holds."""
        B_ry = self.rotor_yoke_flux_density()
        if B_ry is None:
            return {}
        B50 = float(self.rotor_steel.B_of_H(B50_FIELD))
        return {"rotor_yoke_flux_density_t": B_ry, "rotor_yoke_saturation_margin": 1.0 - B_ry / B50}

    # --- rotor iron: slot-ripple (pole-face) loss ------------------------------------------------
    def slot_ripple_ratio(self) -> float:
        """Slot-opening ripple amplitude / mean gap flux density at the rotor surface (Heller-Hamata
        dip: beta = 1/2 - 1/(2 sqrt(1 + (b_o/2g)^2)), g the magnetic gap seen by the openings)."""
        g = self.air_gap + self.rotor.magnetic_gap_extension(self.magnet.mu_r)
        u = self.stator.slot_opening / (2.0 * g)
        return 0.5 - 0.5 / math.sqrt(1.0 + u * u)

    @property
    def rotor_surface_depth(self) -> float:
        """Depth over which the slot-frequency field decays into the rotor iron, tau_s / (2 pi), m."""
        return self.stator.slot_pitch / (2.0 * math.pi)

    @property
    def rotor_surface_mass(self) -> float:
        """Iron mass of the rotor surface layer that carries the slot-ripple field, kg."""
        r = self.rotor
        return 2 * math.pi * r.R_core * r.L * self.rotor_surface_depth * r.stacking_factor * r.density

    def with_rotor_surface_region(self, fm: FluxMap) -> FluxMap:
        """Add the region "rotor_surface": slot-ripple flux density beta * B_gap (B_gap from the
        teeth's fundamental), at the slot frequency Q/p * f_e, attenuated to the rotor iron
        (surface magnets: exp(-2 pi h_m / tau_s), Laplace decay)."""
        if "rotor_surface" in fm.regions:
            return fm
        s = self.stator
        i_t = fm.regions.index("stator_teeth")
        tau_gap = 2 * math.pi * (0.5 * s.D_i - 0.5 * self.air_gap) / s.Q
        B_gap = fm.B_iron[i_t] * s.tooth_width_top / tau_gap * s.stacking_factor / self.tooth_flux_factor
        B_r = self.slot_ripple_ratio() * B_gap
        att = self.rotor.surface_ripple_attenuation(s.slot_pitch)
        if att != 1.0:
            B_r = B_r * att
        return dataclasses.replace(fm, B_iron=np.concatenate((fm.B_iron, B_r[None])),
                                   regions=tuple(fm.regions) + ("rotor_surface",))

    def magnet_eddy_coeff(self) -> float:
        """Magnet eddy loss at f_e = 1 kHz and no load, W (see module doc)."""
        s, r = self.stator, self.rotor
        B_gap = 0.8 * float(self.magnet.Br(self.T_magnet_c))  # typical working point of the gap field
        B_ripple = self.slot_ripple_ratio() * B_gap
        att = r.magnet_ripple_attenuation(s.slot_pitch)
        if att != 1.0:
            B_ripple *= att
        return magnet_eddy_coefficient(r.magnet_volume, r.magnet_width, self.magnet.resistivity, B_ripple,
                                       s.Q / self.p, r.magnet_segments)

    def loss_params(self, T_winding_c: float | None = None, harmonic_iron: bool = False) -> LossParams:
        """Loss-model parameters (:class:`motoropt.drive.losses.LossParams`) of this design;
        ``harmonic_iron``: for a flux map with the FEA's field-waveform loss terms (build factor for
        manufacturing only, module docstring; region "rotor_core" with the rotor steel)."""
        ms = self.masses()
        st, rs = self.steel, self.rotor_steel
        kb = K_BUILD_MANUFACTURING if harmonic_iron else K_BUILD
        drag = self.measured_drag
        T_w = self.T_winding_c if T_winding_c is None else T_winding_c
        k_circ, f_circ = self.circulating_current_factor(T_w)
        return LossParams(
            R_s_20=self.R_s_20, alpha_R=self.conductor.alpha,
            T_winding_c=T_w, k_ac=self.k_ac(T_w), k_circ=k_circ, f_circ=f_circ,
            regions=("stator_teeth", "stator_yoke", "rotor_surface", "rotor_core"),
            region_mass=(ms["stator_teeth"], ms["stator_yoke"], self.rotor_surface_mass, ms["rotor_core"]),
            kh=(st.kh, st.kh, rs.kh, rs.kh), kc=(st.kc, st.kc, rs.kc, rs.kc), ke=(st.ke, st.ke, rs.ke, rs.ke),
            k_build=(kb, kb, kb, kb), region_freq_factor=(1.0, 1.0, self.stator.Q / self.p, 1.0),
            magnet_eddy_coeff=self.magnet_eddy_coeff(),
            T_b0=self.bearing_drag_torque(), c_visc=0.0 if drag is None else drag[1],
            rotor_radius=0.0 if drag is not None else 0.5 * self.rotor.D_r, stack_length=self.rotor.L,
            air_gap=self.air_gap, strand_diameter=self.strand_diameter,
            conductor_sigma_20=1.0 / float(self.conductor.resistivity(20.0)),
            magnet_width=self.rotor.magnet_width / max(int(self.rotor.magnet_segments), 1),
            magnet_resistivity=float(self.magnet.resistivity),
        )

    @property
    def changeover(self) -> str | None:
        """The case's winding changeover ("series_parallel", "star_delta") or None."""
        kind = self.values.get("winding", {}).get("changeover")
        return None if kind in (None, "none") else kind

    def machine_model(self, fluxmaps: FluxMapProvider | None = None, limits: Limits | None = None,
                      T_magnet_c: float | None = None, T_winding_c: float | None = None,
                      switched: bool = True) -> FluxMapModel | SwitchedModel:
        """Flux map + loss parameters + limits: everything the drive pipeline needs. ``fluxmaps``:
        the flux-map provider (default the MEC, :meth:`mec_fluxmap`); ``limits``: the drive limits
        (default :meth:`drive_limits` without an inverter). With a winding changeover (and
        ``switched``) the model of both connections (:mod:`motoropt.drive.changeover`)."""
        provider = fluxmaps if fluxmaps is not None else Design.mec_fluxmap
        fm = self.with_rotor_surface_region(provider(self, T_magnet_c))
        lim = limits if limits is not None else self.drive_limits()
        lp = self.loss_params(T_winding_c, harmonic_iron=fm.loss_terms is not None)
        model = FluxMapModel(fluxmap=fm, loss_params=lp, limits=lim, name=self.name)
        if switched and self.changeover is not None:
            return switched_model(model, self.changeover)
        return model

    def fea_provider(self, settings: FeaSettings) -> FeaFluxMaps:
        """The FEA flux-map provider with the case's ``[fea]`` settings (for ``machine_model(fluxmaps=...)``)."""
        return FeaFluxMaps(settings)

    # --- rotor mechanics and heat ---------------------------------------------------------------
    def rotor_stress(self, lim: StressLimits) -> dict:
        """Overspeed stress margins of the rotor (:meth:`stress_margins` of the rotor geometry)."""
        return self.rotor.stress_margins(self.speed_max, self.rotor_steel.yield_strength, self.magnet.density, lim)

    def rotor_heat_body(self) -> RotorHeatBody:
        """The magnets: 2p x magnets per pole pieces, surface-facing for surface PM."""
        r = self.rotor
        return RotorHeatBody(mass=self.masses()["magnets"], thickness=r.magnet_thickness, width=r.magnet_width,
                             count=2 * self.p * r.magnets_per_pole, surface=r.surface_mounted)


# ------------------------------------------------------------------------------ MEC inputs by topology
def _spm_mec_inputs(d: Design, common: dict) -> MECInputs:
    """Surface PM: Carter with the magnetic gap the slot openings see (gap + sleeve + h_m / mu_r);
    tooth coils (coil pitch 1, q < 1) get the real-tooth network (ToothCoilStator)."""
    s, r, w = d.stator, d.rotor, d.winding
    q = s.Q / (6.0 * d.p)
    b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
    kfe = s.stacking_factor
    # Carter with the magnetic gap seen by the slot openings (gap + sleeve + magnet/mu_r)
    g_mag = d.air_gap + r.sleeve + r.magnet_thickness / d.magnet.mu_r
    # the MEC adds the magnet's h_m/mu_r itself
    g_eff = g_mag * s.carter_coefficient(g_mag) - r.magnet_thickness / d.magnet.mu_r
    tc = None
    if w.coil_pitch == 1 and q < 1:
        # tooth coils: real-tooth network (ToothCoilStator) with the actual coil MMFs, so the
        # real slot's leakage permeance (no 1/k_w1^2) between the tips of adjacent teeth
        # (the network has the real slot currents: no chording factors, layers side by side)
        _, lam_tt1 = slot_leakage_lambdas(s.slot_depth, s.tip_height, b_s, s.slot_opening, g_mag)
        teeth, anti, units, turns = tooth_coil_unit(s.Q, d.p, w.coils, w.turns_per_coil,
                                                    w.parallel_paths)
        tc = ToothCoilStator(Q=s.Q, teeth=teeth, antiperiodic=anti, units=units,
                             turns=tuple(map(tuple, turns.tolist())), tooth_width=s.tooth_width_top,
                             tooth_width_root=s.tooth_width_bottom,
                             tooth_length=s.slot_depth, tip_height=s.tip_height,
                             slot_opening=s.slot_opening, R_bore=0.5 * s.D_i, k_fe=kfe,
                             slot_permeance=MU0 * s.L * (s.tip_height / s.slot_opening + lam_tt1),
                             slot_body_permeance=MU0 * s.L * (s.slot_depth - s.tip_height) / (3 * b_s))
    if r.halbach_segments > 1:
        return _halbach_mec_inputs(d, common, tc, g_eff)
    return MECInputs(g_eff=g_eff, pole_arc=r.pole_arc_ratio, spm=True, tooth_coil=tc, **common)


def _halbach_mec_inputs(d: Design, common: dict, tc: ToothCoilStator | None, g_eff: float) -> MECInputs:
    """Surface PM with a Halbach array (``rotor.halbach_segments`` >= 2; tooth-coil windings only): the
    tooth-coil network with the layered magnet network of :mod:`motoropt.magnetics.magnet_layer` (the
    segments' radial and tangential magnetisation, the rotor core as a saturable ring down to the
    shaft). With the gap resolved by the layers, the slot's tip-to-tip permeance is the opening's
    h_o / b_o alone (the tooth-tip zig-zag leakage through the gap is the network's own) and the slot
    body's is the trapezoid's (:func:`trapezoid_slot_lambda`), as in the outer-rotor family."""
    s, r = d.stator, d.rotor
    if tc is None:
        raise InputError("rotor.halbach_segments", r.halbach_segments,
                         "1 unless the winding has tooth coils (coil pitch 1, q < 1): the Halbach MEC is the tooth-coil "
                         "network's layered rotor")
    tc = dataclasses.replace(tc, slot_permeance=MU0 * s.L * s.tip_height / s.slot_opening,
                             slot_body_permeance=MU0 * s.L * trapezoid_slot_lambda(
                                 s.slot_depth - s.tip_height, s.slot_width_bottom, s.slot_width_top))
    g_phys = d.air_gap + r.sleeve
    R_sh = 0.5 * r.D_shaft
    ml = MagnetLayer(array=r.array, Br=common["Br"], mu_r=common["mu_r"], h_m=r.magnet_thickness,
                     r_magnet=r.R_magnet - 0.5 * r.magnet_thickness, r_gap=0.5 * s.D_i - 0.5 * g_phys, gap=g_eff,
                     gap_physical=g_phys, toward_stator=1.0, back_iron=True,
                     back_area=(r.R_core - R_sh) * r.L * r.stacking_factor, r_back=0.5 * (r.R_core + R_sh))
    return MECInputs(g_eff=g_eff, pole_arc=1.0, spm=True, tooth_coil=tc, magnet_layer=ml, **common)


def _buried_mec_inputs(d: Design, common: dict) -> MECInputs:
    """Interior PM, V or flat: the magnets end before the pole-piece tips (air pocket under the tip,
    leaking to the core), the pole-piece depth falls from v_depth at the centre to the bridge at the
    tip, and the whole inter-polar arc is iron joined to the q-axis rib."""
    s, r = d.stator, d.rotor
    R = r.R
    kfr = r.stacking_factor
    rib = 2 * (math.pi / (2 * d.p) - r.half_opening_angle) * (R - r.bridge) - r.magnet_thickness * math.sin(r.leg_angle)
    if r.rib is not None:  # q-axis rib between adjacent poles' barrier ends
        rib = r.rib
    # outer end of the magnet on the barrier's upper edge (vertex P0 -> outer tip P1)
    a = r.half_opening_angle
    P0 = (R - r.v_depth, 0.5 * r.post)
    P1 = ((R - r.bridge) * math.cos(a), (R - r.bridge) * math.sin(a))
    leg = math.hypot(P1[0] - P0[0], P1[1] - P0[1])
    wm = min(r.magnet_width, leg)
    M1 = (P0[0] + wm * (P1[0] - P0[0]) / leg, P0[1] + wm * (P1[1] - P0[1]) / leg)
    magnet_arc = 2 * math.atan2(M1[1], M1[0]) / (math.pi / d.p)
    # air pocket beyond the magnet: pole piece above (length leg - wm) and core below, h_m apart
    P_pocket = MU0 * r.L * (leg - wm) / r.magnet_thickness
    yoke_r = R - r.barrier_depth - 0.5 * r.D_shaft
    return MECInputs(g_eff=d.air_gap * s.carter_coefficient(d.air_gap), pole_arc=r.pole_arc_ratio,
                     spm=False, pp_depth_centre=r.v_depth, pp_depth_tip=r.bridge,
                     R_r=R, bridge_area=r.bridge * r.L * kfr, bridge_length=r.magnet_thickness,
                     post_area=r.post * r.L * kfr, post_length=r.magnet_thickness,
                     rib_area=max(rib, 1e-4) * r.L * kfr, rib_length=r.barrier_depth,
                     rotor_yoke_area=yoke_r * r.L * kfr,
                     rotor_yoke_length=math.pi / d.p * (0.5 * r.D_shaft + 0.5 * yoke_r),
                     k_fe_rotor=kfr, rib_arc=0.0, pocket_depth=0.0, magnet_arc=magnet_arc,
                     pocket_permeance=P_pocket, **common)


def _arc_mec_inputs(d: Design, common: dict) -> MECInputs:
    """MECInputs of an arc-barrier (ipm_arc) rotor (MEC cells in electrical angle, d axis at 0).

    The band's two ends are cut along the bridge circle R1 = R - bridge between E (end of the
    gap-side edge, polar angle a_E) and E' (end of the lower edge, a_E'); a_E' > a_E on every arc
    rotor (the arms rise towards the gap), so over a_E < |theta| < a_E' the rotor surface is only
    the bridge lying over the top of the magnet arm. Mapping onto the cell network:
    - pole piece over |theta| <= a_E' (pole_arc); the magnet (log-mean face A_m, thickness h_m:
      the band's whole internal permeance) feeds the cells over |theta| <= a_E (magnet_arc); the
      cell over each arm top (a_E .. a_E') is the tip node, joined to the pole piece by the bridge
      iron (pp_depth_profile: the true depth from the surface to the circular upper edge,
      R - (x_C cos th - sqrt(rho^2 - x_C^2 sin^2 th)), then the bridge thickness over the arm top)
      and to the q-axis rib by the other half of the bridge (bridge_length = |E E'| / 2);
    - no tip pocket permeance: the arm is magnet, whose permeance is already in A_m (the V rotor's
      pocket is the air beyond its magnet);
    - the inter-polar rib (rib_width, between the E' corners) joins the q-axis iron to the rotor
      yoke under the arc (path length = barrier depth).
    Diagnosed against the embedded FEA (tests/test_arc_mec.py): the earlier mapping put the arm tops
    (a_E .. a_E') at the q-axis iron's potential, i.e. iron directly behind the gap, so with i_d
    alone they took 3x the FEA's d-axis flux (programme case at -0.25 I_max: 0.59 vs 0.21 mWb per
    side; bonded case 0.15 vs 0.02 mWb): L_d +59 % / +11 % (network alone)."""

    s, r = d.stator, d.rotor
    kfr = r.stacking_factor
    yoke_r = r.R - r.barrier_depth - 0.5 * r.D_shaft
    xE, yE = r._end()
    xL, yL = r.lower_corner
    aE, aL = math.atan2(yE, xE), math.atan2(yL, xL)
    aL = max(aL, aE * (1.0 + 1e-9))
    EE = (r.R - r.bridge) * (aL - aE)  # bridge over the arm top, along the circle R1, m
    xc, rho = r.arc_centre, r.arc_radius
    prof = []
    for k in range(41):  # upper edge at polar angle th: nearer intersection of the ray with the circle
        th = aE * k / 40
        t = xc * math.cos(th) - math.sqrt(max(rho * rho - (xc * math.sin(th)) ** 2, 0.0))
        prof.append((th / aL, max(r.R - t, r.bridge)))
    # over the arm top only the bridge (a step at a_E where E lies beyond the ray's tangent point
    # on the circle, i.e. where the pole piece reaches down the arm's inner face)
    prof += [(aE / aL * (1.0 + 1e-9), r.bridge), (1.0, r.bridge)]
    pole = math.pi / d.p
    return MECInputs(g_eff=d.air_gap * s.carter_coefficient(d.air_gap), pole_arc=2 * aL / pole,
                     spm=False, pp_depth_centre=r.arc_depth, pp_depth_tip=r.bridge, R_r=r.R,
                     bridge_area=r.bridge * r.L * kfr, bridge_length=0.5 * EE,
                     post_area=0.0, post_length=r.magnet_thickness,
                     rib_area=max(r.rib_width, 1e-4) * r.L * kfr, rib_length=r.barrier_depth,
                     rotor_yoke_area=yoke_r * r.L * kfr,
                     rotor_yoke_length=math.pi / d.p * (0.5 * r.D_shaft + 0.5 * yoke_r),
                     k_fe_rotor=kfr, rib_arc=0.0, pocket_depth=0.0, magnet_arc=2 * aE / pole,
                     pocket_permeance=0.0, pp_depth_profile=tuple(prof), **common)




MEC_INPUTS = {"spm": _spm_mec_inputs, "ipm_v": _buried_mec_inputs, "ipm_flat": _buried_mec_inputs,
              "ipm_arc": _arc_mec_inputs}


# ------------------------------------------------------------------------------ rotors by topology
def _spm_rotor(ro: dict, D_r: float, D_sh: float, L: float, p: int, density: float) -> SurfacePMRotor:
    halbach = int(ro.get("halbach_segments") or 1)
    if ro.get("pole_arc_ratio") is None and halbach == 1:
        raise InputError("rotor.pole_arc_ratio", None, "given for topology 'spm' (in [0.3, 1.0])")
    return SurfacePMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_thickness=ro["magnet_thickness_mm"] * MM,
                          pole_arc_ratio=ro.get("pole_arc_ratio") or 1.0, sleeve=ro["sleeve_mm"] * MM,
                          magnet_segments=int(ro["magnet_segments"]), density=density, halbach_segments=halbach)


def _require(ro: dict, keys: tuple, topology: str) -> None:
    for k in keys:
        if ro.get(k) is None:
            raise InputError(f"rotor.{k}", None, f"given for topology '{topology}'")


def _arc_rotor(ro: dict, D_r: float, D_sh: float, L: float, p: int, density: float) -> ArcPMRotor:
    _require(ro, ("arc_depth_mm", "arc_opening_mm", "bridge_mm"), "ipm_arc")
    return ArcPMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_thickness=ro["magnet_thickness_mm"] * MM,
                      arc_depth=ro["arc_depth_mm"] * MM, arc_opening=ro["arc_opening_mm"] * MM,
                      bridge=ro["bridge_mm"] * MM, magnet_segments=int(ro["magnet_segments"]), density=density)


def _v_rotor(ro: dict, D_r: float, D_sh: float, L: float, p: int, density: float) -> InteriorPMRotor:
    _require(ro, ("magnet_width_mm", "bridge_mm", "v_depth_mm", "v_opening_mm"), "ipm_v")
    return InteriorPMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_width=ro["magnet_width_mm"] * MM,
                           magnet_thickness=ro["magnet_thickness_mm"] * MM, v_depth=ro["v_depth_mm"] * MM,
                           v_opening=ro["v_opening_mm"] * MM, bridge=ro["bridge_mm"] * MM, post=ro["post_mm"] * MM,
                           magnet_segments=int(ro["magnet_segments"]), density=density,
                           rib=None if ro.get("rib_mm") is None else ro["rib_mm"] * MM)


def _flat_rotor(ro: dict, D_r: float, D_sh: float, L: float, p: int, density: float) -> InteriorPMRotor:
    _require(ro, ("magnet_width_mm", "bridge_mm", "magnet_depth_mm"), "ipm_flat")
    return flat_ipm(D_r, D_sh, L, p, ro["magnet_width_mm"] * MM / 2, ro["magnet_thickness_mm"] * MM,
                    ro["magnet_depth_mm"] * MM, ro["bridge_mm"] * MM, ro["post_mm"] * MM,
                    magnet_segments=int(ro["magnet_segments"]), density=density)


ROTORS = {"spm": _spm_rotor, "ipm_v": _v_rotor, "ipm_flat": _flat_rotor, "ipm_arc": _arc_rotor}


def _check_pole_pitch(ro: dict, topology: str, p: int, D_r: float, g: float, h_m: float) -> None:
    """Pole count vs diameter: a pole pitch of at least 2 magnet thicknesses and 4 mm, and (the MEC's
    gap is one-dimensional) at least pi x the magnetic gap (air gap + sleeve, + magnet for SPM): at
    k delta = pi delta / tau_p <= 1 the 2-D field of a pole (sinh(k h)/sinh(k delta) against h/delta)
    differs from the 1-D one by <= ~6 %; beyond it the poles short-circuit through the gap."""
    pole_pitch = math.pi * D_r / (2 * p)
    delta = g + (ro["sleeve_mm"] * MM + h_m if topology == "spm" else 0.0)
    pitch_min = max(4e-3, 2.0 * h_m, math.pi * delta)
    if pole_pitch < pitch_min:
        raise InputError("machine.pole_pairs", p, f"<= {int(math.pi * D_r / (2 * pitch_min))} for this rotor diameter "
                         f"(pole pitch {pole_pitch * 1e3:.2f} mm < {pitch_min * 1e3:.2f} mm = max(4 mm, 2 x magnet, "
                         f"pi x magnetic gap))")


def _check_rotor_keys(ro: dict, topology: str) -> None:
    """[rotor] keys of other topologies are errors here: a Halbach array only on surface-PM rotors,
    the rim and can keys only on outer rotors (topology spm_outer)."""
    if (ro.get("halbach_segments") or 1) != 1 and topology != "spm":
        raise InputError("rotor.halbach_segments", ro["halbach_segments"], f"1 for topology '{topology}'")
    for key, unset in (("rim_thickness_mm", None), ("can_thickness_mm", 0.0), ("rim_material", "rotor_steel")):
        if ro.get(key, unset) not in (unset, None):
            raise InputError(f"rotor.{key}", ro[key], "absent (an outer-rotor key: topology 'spm_outer')")


def build_pm_design(values: dict, specs: CaseSpecs | None = None) -> Design:
    """Build and validate a PM :class:`Design` from case values (case-file units, :mod:`motoropt.case`)."""
    m, st, ro, li = values["machine"], values["stator"], values["rotor"], values["limits"]
    te, me, ma = values["temperatures"], values["mechanical"], values["map"]
    p = int(m["pole_pairs"])
    topology = m["topology"]
    _check_rotor_keys(ro, topology)
    steel = get_steel(st["steel"], field="stator.steel")
    rotor_steel = get_steel(ro["steel"], field="rotor.steel") if ro.get("steel") else steel
    magnet = get_magnet(ro["magnet"], field="rotor.magnet")
    conductor = get_conductor(values["winding"]["conductor"], field="winding.conductor")
    stator = stator_from_values(st, steel)
    g = ro["air_gap_mm"] * MM
    D_r = stator.D_i - 2 * g
    D_sh = ro["shaft_diameter_mm"] * MM
    rotor = ROTORS[topology](ro, D_r, D_sh, stator.L, p, rotor_steel.density)
    if g >= 0.25 * (stator.D_i - D_sh):
        raise InputError("rotor.air_gap_mm", ro["air_gap_mm"], "much smaller than the rotor radius")
    rotor.validate()
    _check_pole_pitch(ro, topology, p, D_r, g, ro["magnet_thickness_mm"] * MM)
    wv = winding_from_values(values, stator, p)
    if topology == "spm" and rotor.halbach_segments > 1 and not (wv.winding.coil_pitch == 1 and wv.winding.q < 1):
        raise InputError("rotor.halbach_segments", rotor.halbach_segments,
                         "1 unless the winding has tooth coils (coil pitch 1, q < 1): the Halbach MEC is the "
                         "tooth-coil network's layered rotor")
    vehicle = vehicle_of(values)
    return Design(
        name=m["name"], topology=topology, p=p, stator=stator, rotor=rotor, winding=wv.winding, steel=steel,
        rotor_steel=rotor_steel, magnet=magnet, conductor=conductor, air_gap=g, fill_factor=wv.fill_factor,
        strand_diameter=wv.strand_diameter, end_extension=wv.end_extension, u_dc=li["dc_link_voltage_v"],
        i_max=wv.i_max, speed_max=li["max_speed_rpm"] * RPM_TO_RAD_S,
        voltage_utilisation=li["voltage_utilisation"], T_winding_c=te["winding_c"], T_magnet_c=te["magnet_c"],
        T_coolant_c=te["coolant_c"], bearing_torque=me.get("bearing_torque_nm"),
        housing_mass_fraction=me["housing_mass_fraction"], vehicle=vehicle, cycles=tuple(values["cycles"]["names"]),
        n_speed=int(ma["n_speed"]), n_torque=int(ma["n_torque"]), fm_n_d=int(ma["fluxmap_n_d"]),
        fm_n_q=int(ma["fluxmap_n_q"]), fm_nodes=ma["fluxmap_nodes"], specs=specs, values=values,
    )
