"""Outer-rotor surface-PM machines (topology ``spm_outer``): the design (case values -> SI objects),
its MEC inputs, loss parameters and machine model.

Geometry (:mod:`motoropt.geometry.outer_rotor`): the stator inside with its slots opening outwards
(``[stator]`` outer_diameter_mm is its gap-side diameter, bore_diameter_mm its inner diameter on the
hub), the rotor outside: magnets (radial arcs or a Halbach array, ``rotor.halbach_segments``) on the
inside of a rim (``rotor.rim_thickness_mm``, ``rotor.rim_material``), an optional carbon-fibre can
over the rim (``rotor.can_thickness_mm``). Windings: fractional-slot tooth coils (coil pitch 1,
q < 1), the slotted-stator winding of :mod:`motoropt.machines.common`.

Models (and their stated approximations, beyond those of :mod:`motoropt.machines.common`):
- magnetics: the tooth-coil MEC of :mod:`motoropt.magnetics.analytic` with the stator's teeth
  pointing outwards and the layered rotor of :mod:`motoropt.magnetics.magnet_layer` (Halbach
  segments with their tangential magnetisation, a saturable rim or a non-magnetic one), checked
  against the embedded FEA (tests/machines/outer_rotor); end-winding leakage linear (as the PMSM's);
- losses as the inner-rotor surface-PM design's (:mod:`motoropt.machines.pmsm.design`): stator iron
  by Bertotti with the build factor 1.5, the rim's slot-ripple (pole-face) loss at Q/p x f_e over a
  depth tau_s / 2 pi (attenuated by exp(-2 pi h_m / tau_s) through the magnets), magnet eddy loss
  from the slot-opening ripple; the rotor losses of the tooth-coil winding's asynchronous MMF
  harmonics are not modelled (as for the inner SPM); windage: the Couette formula on the rotor's
  gap radius (the rim's outer surface drag in free air is not counted);
- masses: stator teeth + yoke + copper, magnets, rim, sleeve + can are active; the end disc that
  carries the rim, the shaft and the bearings are in the housing allowance
  (``mechanical.housing_mass_fraction``);
- rotor stress: the rim's hoop stress at overspeed with the magnets' load, shared with the can
  (:func:`motoropt.mechanics.rim_stress`);
- thermal: the outer-rotor network (:mod:`motoropt.thermal.outer_rotor`), selected by the rim that
  :meth:`OuterDesign.rotor_heat_body` declares.
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
from motoropt.geometry.outer_rotor import OuterRotor, OuterStator, outward_parallel_tooth_slot
from motoropt.machines.base import FluxMapProvider, RotorHeatBody, RotorRim
from motoropt.machines.common import (
    MM,
    StatorWinding,
    remember_last,
    remember_parts,
    vehicle_of,
    winding_from_values,
)
from motoropt.magnetics.analytic import (
    MECInputs,
    ToothCoilStator,
    compute_fluxmap,
    leakage_inductance,
    network_kind,
    tooth_coil_unit,
    trapezoid_slot_lambda,
)
from motoropt.magnetics.fea.pipeline import FeaFluxMaps
from motoropt.magnetics.fluxmap import FluxMap
from motoropt.magnetics.magnet_layer import MagnetLayer, equivalent_air_thickness
from motoropt.materials import Conductor, Magnet, Steel, get_conductor, get_magnet, get_steel
from motoropt.mechanics import ALUMINIUM_7075, CFRP_HOOP, TITANIUM_6AL4V, RingMaterial, StressLimits
from motoropt.vehicle import Vehicle
from motoropt.windings import Winding

if TYPE_CHECKING:
    from motoropt.case.specs import CaseSpecs

K_BUILD = 1.5  # iron-loss build factor (module docstring)
MAGNET_SUBLAYERS = 2  # magnet sublayers of the layered rotor network (motoropt.magnetics.magnet_layer)
RIM_MATERIALS: dict[str, RingMaterial | None] = {
    "rotor_steel": None, "titanium": TITANIUM_6AL4V, "aluminium": ALUMINIUM_7075, "cfrp": CFRP_HOOP}
# radial thermal conductivity of the non-magnetic rims, W/m/K: Ti-6Al-4V 6.7 and 7075-T6 130 (ASM
# Aerospace Specification Metals / ASM Handbook vol. 2 data sheets); carbon fibre / epoxy across the
# fibres 0.6 (typical transverse value of T700-class laminates, 0.5-0.8; assumption)
RIM_CONDUCTIVITY = {"titanium": 6.7, "aluminium": 130.0, "cfrp": 0.6}
# specific heat, J/kg/K: Ti-6Al-4V 526, 7075-T6 960 (same sources); carbon fibre / epoxy 900 (800-1000)
RIM_SPECIFIC_HEAT = {"titanium": 526.0, "aluminium": 960.0, "cfrp": 900.0}


@dataclass(frozen=True)
class OuterDesign(StatorWinding):
    """A fully specified outer-rotor surface-PM design (SI units)."""

    name: str
    topology: str
    p: int
    stator: OuterStator
    rotor: OuterRotor
    winding: Winding
    steel: Steel
    rotor_steel: Steel
    magnet: Magnet
    conductor: Conductor
    air_gap: float
    fill_factor: float
    strand_diameter: float
    end_extension: float
    u_dc: float
    i_max: float
    speed_max: float
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
    specs: CaseSpecs | None = None
    values: dict = dataclasses.field(default_factory=dict)

    @property
    def T_rotor_c(self) -> float:
        """Reference temperature of the rotor's heat body (the magnets), degC."""
        return self.T_magnet_c

    # --- winding geometry (the slots open outwards) -------------------------------------------
    @property
    def end_winding_length(self) -> float:
        """Length of one coil end, m: the semicircular end turn over the coil span at mid-slot
        (diameter D_o - h_s) plus the straight extensions (:func:`motoropt.windings.end_winding_length`)."""
        s = self.stator
        return self.winding.end_winding_length(s.D_o - 2.0 * s.slot_depth, s.slot_depth, self.end_extension)

    # --- masses -----------------------------------------------------------------------------------
    @remember_parts
    def masses(self) -> dict:
        """Part masses, kg (module docstring). 'rotor_core' is the rim, 'sleeve' the sleeve + can."""
        s, r = self.stator, self.rotor
        magnets = r.magnet_volume * self.magnet.density
        active = s.core_mass + self.copper_mass + magnets + r.core_mass + r.sleeve_mass
        return {
            "stator_teeth": s.teeth_mass, "stator_yoke": s.yoke_mass, "stator_core": s.core_mass,
            "copper": self.copper_mass, "magnets": magnets, "rotor_core": r.core_mass, "sleeve": r.sleeve_mass,
            "rotor": r.core_mass + magnets + r.sleeve_mass, "active": active,
            "housing_allowance": self.housing_mass_fraction * active,
        }

    # --- MEC -------------------------------------------------------------------------------------
    def magnet_layer(self, T_magnet_c: float | None = None) -> MagnetLayer:
        """The rotor as the MEC's layered magnet network (:mod:`motoropt.magnetics.magnet_layer`)."""
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        s, r, mg = self.stator, self.rotor, self.magnet
        g_phys = self.air_gap + r.sleeve
        g_mag = g_phys + r.magnet_thickness / mg.mu_r
        gap = g_mag * s.carter_coefficient(g_mag) - r.magnet_thickness / mg.mu_r
        if r.magnetic_rim:  # the rim, and the air beyond it in parallel (what a saturated rim spills into)
            back = dict(back_iron=True, back_area=r.rim_thickness * r.L * r.stacking_factor,
                        r_back=r.R_magnet_outer + 0.5 * r.rim_thickness,
                        back_air_thickness=equivalent_air_thickness(r.R_rim_outer, self.p))
        else:
            back = dict(back_iron=False, r_back=r.R_magnet_outer,
                        back_air_thickness=equivalent_air_thickness(r.R_magnet_outer, self.p))
        return MagnetLayer(array=r.array, Br=float(mg.Br(T_m)), mu_r=float(mg.mu_r), h_m=r.magnet_thickness,
                           r_magnet=r.R_magnet_mean, r_gap=s.R_gap + 0.5 * g_phys, gap=gap, gap_physical=g_phys,
                           toward_stator=-1.0, sublayers=MAGNET_SUBLAYERS, **back)

    def kernel_variant(self) -> str:
        """The MEC network kind this design's flux map solves ("cells" or "tooth_coil")."""
        return network_kind(self.mec_inputs())

    @remember_last
    def mec_inputs(self, T_magnet_c: float | None = None) -> MECInputs:
        """MECInputs: the real-tooth network of the tooth-coil winding (stator inside, teeth pointing
        outwards) with the layered rotor; L_sigma is the end-winding leakage only (the slot and tip
        leakage are network permeances)."""
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        s, r, w = self.stator, self.rotor, self.winding
        kfe = s.stacking_factor
        r_gap = s.R_gap + 0.5 * self.air_gap
        tau_gap = 2 * math.pi * r_gap / s.Q
        q = s.Q / (6.0 * self.p)
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        l_end = 2.0 * self.end_winding_length
        L_total = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening, q, l_end,
                                     w.layers, 1.0)
        L_slot = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening, q, 0.0,
                                    w.layers, 1.0)
        teeth, anti, units, turns = tooth_coil_unit(s.Q, self.p, w.coils, w.turns_per_coil, w.parallel_paths)
        tc = ToothCoilStator(Q=s.Q, teeth=teeth, antiperiodic=anti, units=units, turns=tuple(map(tuple, turns.tolist())),
                             tooth_width=s.tooth_width_top, tooth_width_root=s.tooth_width_bottom,
                             tooth_length=s.slot_depth, tip_height=s.tip_height, slot_opening=s.slot_opening,
                             R_bore=s.R_gap, k_fe=kfe,
                             slot_permeance=MU0 * s.L * s.tip_height / s.slot_opening,
                             slot_body_permeance=MU0 * s.L * trapezoid_slot_lambda(
                                 s.slot_depth - s.tip_height, s.slot_width_bottom, s.slot_width_top),
                             outer_rotor=True)
        ml = self.magnet_layer(T_m)
        h_y = s.yoke_height
        return MECInputs(p=self.p, kw1=float(w.k_w1), N_ph=self.N_ph, r_gap=r_gap, L=s.L,
                         g_eff=ml.gap, tooth_fraction=s.tooth_width_top / tau_gap * kfe,
                         tooth_fraction_root=s.tooth_width_bottom / tau_gap * kfe, tooth_length=s.slot_depth,
                         yoke_area=h_y * s.L * kfe, yoke_radius=0.5 * s.D_i + 0.5 * h_y, Br=ml.Br, mu_r=ml.mu_r,
                         h_m=r.magnet_thickness, A_m=r.magnet_area_per_pole, pole_arc=r.magnet_fraction, spm=True,
                         L_sigma=L_total - L_slot, slots=s.Q, tooth_coil=tc, magnet_layer=ml)

    def mec_fluxmap(self, T_magnet_c: float | None = None) -> FluxMap:
        """The MEC's flux map on the case's [map] grid."""
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        H, B = self.steel.bh_arrays()
        return compute_fluxmap(self.mec_inputs(T_m), H, B, self.i_max, self.fm_n_d, self.fm_n_q, T_m,
                               nodes=self.fm_nodes)

    # --- rotor iron: slot-ripple (pole-face) loss in the rim -------------------------------------
    def slot_ripple_ratio(self) -> float:
        """Slot-opening ripple amplitude / mean gap flux density (Heller-Hamata dip, as the PMSM's)."""
        g = self.air_gap + self.rotor.magnetic_gap_extension(self.magnet.mu_r)
        u = self.stator.slot_opening / (2.0 * g)
        return 0.5 - 0.5 / math.sqrt(1.0 + u * u)

    @property
    def rotor_surface_mass(self) -> float:
        """Iron mass of the rim's inner layer that carries the slot-ripple field (depth tau_s / 2 pi;
        none for a non-magnetic rim), kg."""
        r = self.rotor
        if not r.magnetic_rim:
            return 0.0
        depth = min(self.stator.slot_pitch / (2.0 * math.pi), r.rim_thickness)
        return 2 * math.pi * r.R_core * r.L * depth * r.stacking_factor * r.density

    def with_rotor_surface_region(self, fm: FluxMap) -> FluxMap:
        """Add the region "rotor_surface": slot-ripple flux density beta B_gap at the rim
        (B_gap from the teeth's fundamental, attenuated exp(-2 pi h_m / tau_s)), at Q/p f_e."""
        if "rotor_surface" in fm.regions:
            return fm
        s = self.stator
        i_t = fm.regions.index("stator_teeth")
        tau_gap = 2 * math.pi * (s.R_gap + 0.5 * self.air_gap) / s.Q
        B_gap = fm.B_iron[i_t] * s.tooth_width_top / tau_gap * s.stacking_factor
        B_r = self.slot_ripple_ratio() * B_gap * self.rotor.surface_ripple_attenuation(s.slot_pitch)
        return dataclasses.replace(fm, B_iron=np.concatenate((fm.B_iron, B_r[None])),
                                   regions=tuple(fm.regions) + ("rotor_surface",))

    def magnet_eddy_coeff(self) -> float:
        """Magnet eddy loss at f_e = 1 kHz and no load, W (slot-opening ripple on the magnet face)."""
        s, r = self.stator, self.rotor
        B_ripple = self.slot_ripple_ratio() * 0.8 * float(self.magnet.Br(self.T_magnet_c))
        return magnet_eddy_coefficient(r.magnet_volume, r.magnet_width, self.magnet.resistivity, B_ripple,
                                       s.Q / self.p, r.magnet_segments)

    def loss_params(self, T_winding_c: float | None = None) -> LossParams:
        """Loss-model parameters (:class:`motoropt.drive.losses.LossParams`) of this design."""
        ms = self.masses()
        st, rs = self.steel, self.rotor_steel
        return LossParams(
            R_s_20=self.R_s_20, alpha_R=self.conductor.alpha,
            T_winding_c=self.T_winding_c if T_winding_c is None else T_winding_c, k_ac=self.k_ac(),
            regions=("stator_teeth", "stator_yoke", "rotor_surface"),
            region_mass=(ms["stator_teeth"], ms["stator_yoke"], self.rotor_surface_mass),
            kh=(st.kh, st.kh, rs.kh), kc=(st.kc, st.kc, rs.kc), ke=(st.ke, st.ke, rs.ke),
            k_build=(K_BUILD, K_BUILD, K_BUILD), region_freq_factor=(1.0, 1.0, self.stator.Q / self.p),
            magnet_eddy_coeff=self.magnet_eddy_coeff(), T_b0=self.bearing_drag_torque(),
            rotor_radius=self.rotor.R_gap, stack_length=self.rotor.L, air_gap=self.air_gap,
        )

    @property
    def changeover(self) -> str | None:
        """The case's winding changeover ("series_parallel", "star_delta") or None."""
        kind = self.values.get("winding", {}).get("changeover")
        return None if kind in (None, "none") else kind

    def fea_provider(self, settings) -> FeaFluxMaps:
        """The FEA flux-map provider with the case's ``[fea]`` settings (the outer-rotor section)."""
        return FeaFluxMaps(settings)

    def machine_model(self, fluxmaps: FluxMapProvider | None = None, limits: Limits | None = None,
                      T_magnet_c: float | None = None, T_winding_c: float | None = None,
                      switched: bool = True) -> FluxMapModel | SwitchedModel:
        """Flux map (``fluxmaps``, default the MEC) + loss parameters + limits (default the design's
        without an inverter); with a winding changeover the model of both connections."""
        provider = fluxmaps if fluxmaps is not None else OuterDesign.mec_fluxmap
        fm = self.with_rotor_surface_region(provider(self, T_magnet_c))
        lim = limits if limits is not None else self.drive_limits()
        model = FluxMapModel(fluxmap=fm, loss_params=self.loss_params(T_winding_c), limits=lim, name=self.name)
        if switched and self.changeover is not None:
            return switched_model(model, self.changeover)
        return model

    # --- rotor mechanics and heat ------------------------------------------------------------------
    def rotor_stress(self, lim: StressLimits) -> dict:
        """Overspeed hoop stress margins of the rim (and can) (:meth:`OuterRotor.stress_margins`)."""
        return self.rotor.stress_margins(self.speed_max, self.rotor_steel.yield_strength, self.magnet.density, lim)

    def rotor_heat_body(self) -> RotorHeatBody:
        """The magnets (2p x segments per pole, facing the gap), with the rim outside them: the
        thermal stage builds the outer-rotor network for it."""
        r = self.rotor
        if r.magnetic_rim:
            k_rim, cp_rim = self.rotor_steel.thermal_conductivity, self.rotor_steel.specific_heat
        else:
            k_rim, cp_rim = RIM_CONDUCTIVITY[r.rim.name], RIM_SPECIFIC_HEAT[r.rim.name]
        rim = RotorRim(magnet_inner_diameter=2.0 * r.R_magnet_inner, inner_diameter=2.0 * r.R_magnet_outer,
                       outer_diameter=2.0 * r.R_rim_outer, mass=r.rim_mass, conductivity=k_rim, specific_heat=cp_rim,
                       can_thickness=r.can_thickness, can_mass=r.can_mass)
        return RotorHeatBody(mass=self.masses()["magnets"], thickness=r.magnet_thickness, width=r.magnet_width,
                             count=2 * self.p * r.magnets_per_pole, surface=True, rim=rim)


# ------------------------------------------------------------------------------ builder
def outer_stator_from_values(st: dict, steel: Steel) -> OuterStator:
    """The outer-rotor machine's stator from [stator] (case-file units; outer_diameter_mm = the gap
    side, bore_diameter_mm = the inner diameter): parallel teeth from tooth_width_mm or the two slot
    widths, validated."""
    D_o, D_i, L = st["outer_diameter_mm"] * MM, st["bore_diameter_mm"] * MM, st["stack_length_mm"] * MM
    Q = int(st["slots"])
    depth, tip = st["slot_depth_mm"] * MM, st["tip_height_mm"] * MM
    if st.get("tooth_width_mm") is not None:
        if st.get("slot_width_top_mm") is not None or st.get("slot_width_bottom_mm") is not None:
            raise InputError("stator.tooth_width_mm", st["tooth_width_mm"],
                             "given alone: either tooth_width_mm (parallel teeth) or slot_width_top_mm + slot_width_bottom_mm")
        w_top, w_bot = outward_parallel_tooth_slot(D_o, Q, depth, tip, st["tooth_width_mm"] * MM)
    else:
        if st.get("slot_width_top_mm") is None or st.get("slot_width_bottom_mm") is None:
            raise InputError("stator.tooth_width_mm", None, "given, or both slot_width_top_mm and slot_width_bottom_mm")
        w_top, w_bot = st["slot_width_top_mm"] * MM, st["slot_width_bottom_mm"] * MM
    if w_top <= 0.3e-3 or w_bot <= 0.3e-3:
        raise InputError("stator.tooth_width_mm", st.get("tooth_width_mm"),
                         "small enough to leave slots of >= 0.3 mm (the slots of an outer-rotor stator narrow inwards)")
    stator = OuterStator(D_o=D_o, D_i=D_i, L=L, Q=Q, slot_depth=depth, slot_width_top=w_top, slot_width_bottom=w_bot,
                         slot_opening=st["slot_opening_mm"] * MM, tip_height=tip, stacking_factor=st["stacking_factor"],
                         density=steel.density)
    stator.validate()
    return stator


def outer_rotor_from_values(ro: dict, stator: OuterStator, p: int, rotor_steel: Steel) -> OuterRotor:
    """The rotor from [rotor] (module docstring of :mod:`motoropt.geometry.outer_rotor`), validated."""
    for key in ("rim_thickness_mm",):
        if ro.get(key) is None:
            raise InputError(f"rotor.{key}", None, "given for topology 'spm_outer'")
    n = int(ro.get("halbach_segments") or 1)
    arc = ro.get("pole_arc_ratio")
    if arc is None:
        if n == 1:
            raise InputError("rotor.pole_arc_ratio", None, "given for radially magnetised arcs (halbach_segments = 1)")
        arc = 1.0
    rim_name = ro.get("rim_material") or "rotor_steel"
    if rim_name not in RIM_MATERIALS:
        raise InputError("rotor.rim_material", rim_name, f"one of {sorted(RIM_MATERIALS)}")
    g = ro["air_gap_mm"] * MM
    rotor = OuterRotor(D_gap=stator.D_o + 2 * g, D_shaft=ro["shaft_diameter_mm"] * MM, L=stator.L, p=p,
                       magnet_thickness=ro["magnet_thickness_mm"] * MM, rim_thickness=ro["rim_thickness_mm"] * MM,
                       pole_arc_ratio=arc, halbach_segments=n, sleeve=ro["sleeve_mm"] * MM,
                       can_thickness=(ro.get("can_thickness_mm") or 0.0) * MM, rim=RIM_MATERIALS[rim_name],
                       can=CFRP_HOOP, magnet_segments=int(ro["magnet_segments"]),
                       stacking_factor=0.95, density=rotor_steel.density)
    rotor.validate()
    if rotor.D_shaft >= stator.D_i:
        raise InputError("rotor.shaft_diameter_mm", ro["shaft_diameter_mm"],
                         f"< the stator's inner diameter ({stator.D_i * 1e3:.3f} mm): the shaft runs through the stator hub")
    return rotor


def _check_pole_pitch(p: int, rotor: OuterRotor, g: float) -> None:
    """Pole pitch >= max(4 mm, 2 x magnet, pi x magnetic gap (air + sleeve + magnet)): as the PMSM
    family's check, the MEC's radial layers need k delta <= 1."""
    pole_pitch = math.pi * rotor.D_gap / (2 * p)
    delta = g + rotor.sleeve + rotor.magnet_thickness
    pitch_min = max(4e-3, 2.0 * rotor.magnet_thickness, math.pi * delta)
    if pole_pitch < pitch_min:
        raise InputError("machine.pole_pairs", p, f"<= {int(math.pi * rotor.D_gap / (2 * pitch_min))} for this rotor "
                         f"diameter (pole pitch {pole_pitch * 1e3:.2f} mm < {pitch_min * 1e3:.2f} mm)")


def build_outer_design(values: dict, specs: CaseSpecs | None = None) -> OuterDesign:
    """Build and validate an :class:`OuterDesign` from case values (case-file units)."""
    m, st, ro, li = values["machine"], values["stator"], values["rotor"], values["limits"]
    te, me, ma = values["temperatures"], values["mechanical"], values["map"]
    p = int(m["pole_pairs"])
    steel = get_steel(st["steel"], field="stator.steel")
    rotor_steel = get_steel(ro["steel"], field="rotor.steel") if ro.get("steel") else steel
    magnet = get_magnet(ro["magnet"], field="rotor.magnet")
    conductor = get_conductor(values["winding"]["conductor"], field="winding.conductor")
    stator = outer_stator_from_values(st, steel)
    rotor = outer_rotor_from_values(ro, stator, p, rotor_steel)
    g = ro["air_gap_mm"] * MM
    _check_pole_pitch(p, rotor, g)
    wv = winding_from_values(values, stator, p)
    if wv.winding.coil_pitch != 1 or wv.winding.q >= 1:
        raise InputError("winding.coil_pitch_slots", values["winding"].get("coil_pitch_slots"),
                         "1 with q = slots / (6 pole_pairs) < 1 (the outer-rotor MEC models tooth-coil windings)")
    vehicle = vehicle_of(values)
    return OuterDesign(
        name=m["name"], topology=m["topology"], p=p, stator=stator, rotor=rotor, winding=wv.winding, steel=steel,
        rotor_steel=rotor_steel, magnet=magnet, conductor=conductor, air_gap=g, fill_factor=wv.fill_factor,
        strand_diameter=wv.strand_diameter, end_extension=wv.end_extension, u_dc=li["dc_link_voltage_v"],
        i_max=wv.i_max, speed_max=li["max_speed_rpm"] * RPM_TO_RAD_S, voltage_utilisation=li["voltage_utilisation"],
        T_winding_c=te["winding_c"], T_magnet_c=te["magnet_c"], T_coolant_c=te["coolant_c"],
        bearing_torque=me.get("bearing_torque_nm"), housing_mass_fraction=me["housing_mass_fraction"],
        vehicle=vehicle, cycles=tuple(values["cycles"]["names"]), n_speed=int(ma["n_speed"]),
        n_torque=int(ma["n_torque"]), fm_n_d=int(ma["fluxmap_n_d"]), fm_n_q=int(ma["fluxmap_n_q"]),
        fm_nodes=ma["fluxmap_nodes"], specs=specs,
        values=values,
    )
