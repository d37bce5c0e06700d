"""Thermal evaluation hook: the design's LPTN, continuous and 30-s ratings, cycle temperatures,
demagnetisation and overspeed checks, added to an :class:`~motoropt.evaluation.pipeline.Evaluation` in place.

Called by :func:`motoropt.evaluation.pipeline.evaluate_design` as ``thermal_evaluation(ev)``.

Case file: the free section ``[thermal]`` (all keys optional; unknown keys are rejected with an
InputError naming ``thermal.<key>``). Without the section every default below applies, so every
case gets thermal KPIs. Defaults (documented choice, not measured data): water-glycol jacket,
8 l/min, inlet at ``temperatures.coolant_c`` (65 degC by default), insulation class H.

  cooling            "water_jacket" (default) | "oil_spray" (oil on the end windings + a jacket)
                     | "forced_air" (finned housing) | "natural" (housing free convection only)
  flow_lpm, inlet_c  jacket flow (8 l/min) and inlet (temperatures.coolant_c)
  channel_width_mm, channel_height_mm (12, 6), n_channels (1), channel_length_m
                     (default: a helix over the stack, one turn per channel width + 4 mm rib, on
                     the mean housing diameter)
  oil_flow_lpm, oil_inlet_c, oil_h_ref (4 l/min, inlet_c + 5, 1000 W/m^2/K)
  fin_count, fin_height_mm, fin_thickness_mm, air_speed_m_s (36, 20, 2, 10)
  ambient_c (40)     ambient air (natural convection, fins)
  housing_thickness_mm (8), housing_outer_diameter_mm, housing_length_mm, housing_mass_kg
                     (0 / absent -> from the geometry, see ThermalGeometry)
  shaft_diameter_mm  solid shaft diameter (default: the rotor bore, capped at 0.35 D_r: a large
                     rotor bore is taken to sit on a hub, not on a solid shaft of that size)
  insulation_class   "B" | "F" | "H" (default) | "N" -> winding hotspot limit (IEC 60085)
  winding_max_c      override of that limit
  magnet_max_c       magnet limit (default: the grade's max_temperature_c)
  pulse_duration_s (30), pulse_preload (0.5): the 30-s pulse starts from the steady state at
                     pulse_preload x the continuous torque at that speed ("continuous-duty state";
                     1.0 would start at the limit and leave no pulse headroom)
  stress_safety_factor (1.5), overspeed_factor (1.2), bridge_kt (1.5),
  sleeve_strength_mpa (1200, carbon-fibre hoop winding) for SPM sleeves
  demag_corner_factor (1.0): field concentration at magnet corners (see demag.py)

Loss split (losses at the map's reference temperatures T_winding_c / T_magnet_c):
- copper: active / end by conductor length, L / (L + l_end) and l_end / (L + l_end), l_end the
  end-winding length per side per half turn (mean turn = 2 (L + l_end));
- iron: teeth / yoke from the drive model's per-region iron loss (solve_operating_points on a
  (speed, torque / envelope) grid; cycle points use the teeth fraction interpolated on that grid).
  The small rotor-surface (slot-ripple) iron loss of the PMSM models is lumped with the stator
  yoke here (approximation: a few % of the iron loss; iron_rotor receives only loss kinds whose
  name contains "rotor", e.g. an induction motor's rotor copper);
- magnet eddy loss on the magnets; mechanical: bearing loss T_b0 |w| + c_visc w^2 (the drive's own
  formula) on the bearings, the rest (windage) on the air-gap surfaces;
- no inverter node (the inverter issue owns its losses).
Coupling: copper rho(T) and magnet Br(T) as in lptn.py, with alpha_cu = conductor.alpha,
alpha_br = magnet.alpha_Br; the copper-loss/Br exponent n_br = 2 f_pm / (2 - f_pm) from the PM
share f_pm of the torque at half peak torque, low speed (holding T = a Br i + b i^2: the exact
small-signal exponent; 2 for an SPM, less for reluctance-assisted IPMs).

Ratings:
- continuous envelope: per speed, the largest motoring torque whose coupled steady state keeps the
  winding hotspot <= the insulation limit and the magnets <= their limit (lptn.continuous_rating);
  continuous_torque_nm is its value at the lowest grid speed (2 % of max speed), continuous_power_kw
  the maximum of T w over speed;
- peak_power_30s_kw: the maximum over speed of the torque sustainable for pulse_duration_s
  (lptn.pulse_rating, same limits) x speed, from the preload state above.
Demagnetisation (demag.py one-pole circuit, knee at knee_fraction x HcJ(T)): at the hottest magnet
temperature of admissible operation computed here (continuous steady states within the limits,
rated pulses, cycle transients), for (a) the most
negative i_d of the efficiency map (flux weakening up to the envelope) and (b) the peak i_d of a
three-phase short circuit from no load at the maximum speed (linear dq model with chord
inductances from the flux map). demag_margin = min of both, floored at DEMAG_MARGIN_FLOOR = -10
(a grade whose HcJ(T) has vanished gives -inf).
Rotor stress at overspeed_factor x max speed: IPM bridges + post (pole piece + magnets outside the
barrier, r_cg from the region centroids) and the plain-disc bore hoop stress against
rotor_steel.yield_strength / stress_safety_factor; SPM: retaining sleeve (if any) and the disc.
rotor_stress_margin = min over the checks.

Cage (induction) rotors (design.magnet is None, rotor a CageRotor):
- network: the same LPTN; its "magnets" node stands for the CAGE (bars + both end rings): mass =
  cage mass, cp and k of the cage conductor, Q_r buried "magnets" of width = bar height and
  thickness = bar width (heat leaves each bar through its two side faces into the laminations,
  conduction over half the bar width), a 10 um contact layer (assumption: cast or swaged bars in
  intimate contact; the PM default 50 um glue layer does not apply). The "rotor_core" node is the
  laminations. The end rings' own convection to the end-space air is not modelled (conservative).
  Rotor copper loss (loss kind "rotor_copper") is put on the cage node; it stays at the model's
  reference rotor temperature T_rotor_c (its rise with the cage temperature is not coupled, nor is
  the Br coupling used: alpha_br = 0). The rotor-surface iron loss is lumped with the stator iron
  loss as for the PMSM. Bearing loss: T_b0 |w| with the circuit's Coulomb drag (no viscous term).
- limit: thermal.rotor_max_c (default 200 degC, a typical design limit for copper or die-cast
  aluminium cages: cage integrity/creep and the solder/braze joints, and the bearing and lamination
  insulation nearby; not a material property) replaces the magnet limit in the ratings.
- KPIs: rotor_limit_c, cycles.<name>.rotor_temperature_c_max (max of cage and lamination nodes);
  no demag KPIs (magnet-free).
- stress: laminated core as a plain disc (bore hoop stress, density = (lamination + bars in the
  stack) / disc volume, against rotor_steel.yield_strength) and the end ring (stress.py,
  end_ring_hoop_stress) against thermal.cage_yield_mpa (default by cage conductor: copper 200 MPa,
  half-hard/cold-worked Cu -- annealed copper is ~70 MPa, set it for brazed rings; aluminium 60
  MPa (EC grade, H1x temper); die-cast aluminium 40 MPa (unalloyed rotor casting alloys ~20-50
  MPa)); with [induction] end_ring_retainer_mm > 0 the ring is carried by a shrink-fitted Inconel 718
  hoop (thermal/stress.py retained_end_ring_stress).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.mechanics import disc_bore_hoop_stress, end_ring_hoop_stress, ipm_bridge_stress, spm_sleeve_stress
from motoropt.thermal.cooling import Cooling, ForcedAirFins, NaturalConvection, OilSpray, WaterJacket
from motoropt.thermal.demag import demag_check, short_circuit_peak_id, stator_d_mmf
from motoropt.thermal.lptn import (
    INSULATION_CLASS_C,
    LOSS_COMPONENTS,
    N_COMP,
    Coupling,
    SteadyResult,
    ThermalGeometry,
    _continuous_kernel,
    _peak_batch_kernel,
    _pulse_kernel,
    _run_dt,
    _steady_batch_kernel,
    _transient_kernel,
    build_network,
    hotspot,
)

COOLING_TYPES = ("water_jacket", "oil_spray", "forced_air", "natural")
C = {name: i for i, name in enumerate(LOSS_COMPONENTS)}

# key -> (kind, lo, hi) ; kind "float"/"int"/"str"
_KEYS = {
    "cooling": ("str", COOLING_TYPES),
    "flow_lpm": ("float", 0.0, 200.0), "inlet_c": ("float", -40.0, 150.0),
    "channel_width_mm": ("float", 0.0, 200.0), "channel_height_mm": ("float", 0.0, 100.0),
    "n_channels": ("int", 1, 64), "channel_length_m": ("float", 0.0, 100.0),
    "oil_flow_lpm": ("float", 0.0, 100.0), "oil_inlet_c": ("float", -40.0, 150.0),
    "oil_h_ref": ("float", 0.0, 1e5),
    "fin_count": ("int", 1, 1000), "fin_height_mm": ("float", 0.0, 500.0),
    "fin_thickness_mm": ("float", 0.0, 50.0), "air_speed_m_s": ("float", 0.0, 300.0),
    "ambient_c": ("float", -60.0, 100.0),
    "housing_thickness_mm": ("float", 0.0, 100.0), "housing_outer_diameter_mm": ("float", 0.0, 2000.0),
    "housing_length_mm": ("float", 0.0, 2000.0), "housing_mass_kg": ("float", 0.0, 1000.0),
    "shaft_diameter_mm": ("float", 0.0, 1000.0),
    "insulation_class": ("str", tuple(INSULATION_CLASS_C)),
    "winding_max_c": ("float", 20.0, 400.0), "magnet_max_c": ("float", 20.0, 400.0),
    "pulse_duration_s": ("float", 0.0, 3600.0), "pulse_preload": ("float", 0.0, 1.0),
    "stress_safety_factor": ("float", 1.0, 10.0), "overspeed_factor": ("float", 1.0, 3.0),
    "bridge_kt": ("float", 1.0, 5.0), "sleeve_strength_mpa": ("float", 0.0, 1e4),
    "demag_corner_factor": ("float", 1.0, 5.0),
    "rotor_max_c": ("float", 20.0, 400.0), "cage_yield_mpa": ("float", 0.0, 1e4),
}
_STRICT_POSITIVE = {"flow_lpm", "channel_width_mm", "channel_height_mm", "channel_length_m", "oil_flow_lpm",
                    "oil_h_ref", "fin_height_mm", "fin_thickness_mm", "air_speed_m_s", "housing_thickness_mm",
                    "shaft_diameter_mm", "pulse_duration_s", "sleeve_strength_mpa", "cage_yield_mpa"}

# numerical settings (documented in the report; not case keys)
N_SPEED_RATING = 13  # speeds of the continuous / pulse envelopes
N_TORQUE_GRID = 11   # torque fractions 0..1 of the envelope per speed (plus 4 generating for the iron split)
LOW_SPEED_FRACTION = 0.02
# demag margins below this (down to -inf where the grade's linear HcJ(T) reaches 0) are reported as
# this value, so that an optimiser constraint stays finite
DEMAG_MARGIN_FLOOR = -10.0
# cage rotors (module docstring): rotor limit, degC; end-ring yield by cage conductor, Pa; bar contact
ROTOR_MAX_C_DEFAULT = 200.0
CAGE_YIELD_DEFAULT = {"copper": 200e6, "aluminium": 60e6, "die_cast_aluminium": 40e6}
CAGE_CONTACT_GAP = 10e-6


def is_cage(design) -> bool:
    """A magnet-free cage (induction) rotor design?"""
    return getattr(design, "magnet", None) is None and hasattr(design.rotor, "Q_r")


@dataclass(frozen=True)
class ThermalSettings:
    """Parsed ``[thermal]`` section (SI units, degC)."""

    cooling: Cooling
    cooling_type: str
    coolant_c: float  # temperature the machine starts the cycles from
    T_winding_max: float
    T_magnet_max: float
    insulation_class: str
    shaft_diameter: float
    housing: dict
    pulse_duration: float = 30.0
    pulse_preload: float = 0.5
    safety_factor: float = 1.5
    overspeed_factor: float = 1.2
    bridge_kt: float = 1.5
    sleeve_strength: float = 1200e6
    corner_factor: float = 1.0
    cage_yield: float = 0.0  # Pa, end-ring yield strength (cage rotors only)


def _check(section: dict) -> dict:
    out = {}
    for k, v in section.items():
        if k not in _KEYS:
            raise InputError(f"thermal.{k}", v, f"one of the keys {sorted(_KEYS)}")
        spec = _KEYS[k]
        if spec[0] == "str":
            if v not in spec[1]:
                raise InputError(f"thermal.{k}", v, f"one of {list(spec[1])}")
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(f"thermal.{k}", v, "a finite number")
            if spec[0] == "int" and int(v) != v:
                raise InputError(f"thermal.{k}", v, "an integer")
            lo, hi = spec[1], spec[2]
            if k in _STRICT_POSITIVE and not v > 0:
                raise InputError(f"thermal.{k}", v, "> 0")
            if not (lo <= v <= hi):
                raise InputError(f"thermal.{k}", v, f"in [{lo}, {hi}]")
        out[k] = v
    return out


def thermal_settings(design) -> ThermalSettings:
    """Parse and validate ``design.free["thermal"]`` (see module docstring for keys and defaults)."""
    raw = design.free.get("thermal") if design.free else None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("thermal", raw, "a table")
    s = _check(raw)
    kind = s.get("cooling", "water_jacket")
    inlet = float(s.get("inlet_c", design.T_coolant_c))
    ambient = float(s.get("ambient_c", 40.0))
    D_o = design.stator.D_o
    h_t = float(s.get("housing_thickness_mm", 8.0)) * 1e-3
    natural = NaturalConvection(ambient_c=ambient, surface_c=max(ambient + 20.0, inlet + 10.0))
    jacket = oil = air = None
    if kind in ("water_jacket", "oil_spray"):
        w = float(s.get("channel_width_mm", 12.0)) * 1e-3
        h = float(s.get("channel_height_mm", 6.0)) * 1e-3
        n_par = int(s.get("n_channels", 1))
        if "channel_length_m" in s:
            path = float(s["channel_length_m"])
        else:
            turns = max(1, int(round(design.stator.L / (n_par * (w + 4e-3)))))
            path = turns * math.pi * (D_o + h_t)
        jacket = WaterJacket(flow_lpm=float(s.get("flow_lpm", 8.0)), inlet_c=inlet, channel_width=w,
                             channel_height=h, path_length=path, n_parallel=n_par)
    if kind == "oil_spray":
        oil = OilSpray(flow_lpm=float(s.get("oil_flow_lpm", 4.0)), inlet_c=float(s.get("oil_inlet_c", inlet + 5.0)),
                       h_ref=float(s.get("oil_h_ref", 1000.0)))
    if kind == "forced_air":
        air = ForcedAirFins(n_fins=int(s.get("fin_count", 36)), fin_height=float(s.get("fin_height_mm", 20.0)) * 1e-3,
                            fin_thickness=float(s.get("fin_thickness_mm", 2.0)) * 1e-3,
                            air_speed=float(s.get("air_speed_m_s", 10.0)), ambient_c=ambient)
    cooling = Cooling(jacket=jacket, oil=oil, air=air, natural=natural)
    coolant = inlet if jacket is not None else ambient
    ins = s.get("insulation_class", "H")
    T_w = float(s.get("winding_max_c", INSULATION_CLASS_C[ins]))
    cage = is_cage(design)
    for key in (("magnet_max_c", "demag_corner_factor") if cage else ("rotor_max_c", "cage_yield_mpa")):
        if key in s:
            raise InputError(f"thermal.{key}", s[key], "absent for this rotor type ("
                             + ("cage rotor: use rotor_max_c / cage_yield_mpa)" if cage else "PM rotor)"))
    if cage:
        T_m = float(s.get("rotor_max_c", ROTOR_MAX_C_DEFAULT))
        cy = float(s["cage_yield_mpa"]) * 1e6 if "cage_yield_mpa" in s else CAGE_YIELD_DEFAULT.get(
            getattr(design.cage_conductor, "name", ""), 40e6)
    else:
        T_m = float(s.get("magnet_max_c", design.magnet.max_temperature_c))
        cy = 0.0
    r = design.rotor
    if "shaft_diameter_mm" in s:
        d_sh = float(s["shaft_diameter_mm"]) * 1e-3
        if d_sh > r.D_shaft:
            raise InputError("thermal.shaft_diameter_mm", s["shaft_diameter_mm"],
                             f"<= the rotor bore ({r.D_shaft * 1e3:.2f} mm)")
    else:
        d_sh = min(r.D_shaft, 0.35 * r.D_r)
    housing = {"housing_thickness": h_t,
               "housing_outer_diameter": float(s.get("housing_outer_diameter_mm", 0.0)) * 1e-3,
               "housing_length": float(s.get("housing_length_mm", 0.0)) * 1e-3,
               "housing_mass": float(s.get("housing_mass_kg", 0.0))}
    return ThermalSettings(
        cooling=cooling, cooling_type=kind, coolant_c=coolant, T_winding_max=T_w, T_magnet_max=T_m,
        insulation_class=ins, shaft_diameter=d_sh, housing=housing,
        pulse_duration=float(s.get("pulse_duration_s", 30.0)), pulse_preload=float(s.get("pulse_preload", 0.5)),
        safety_factor=float(s.get("stress_safety_factor", 1.5)), overspeed_factor=float(s.get("overspeed_factor", 1.2)),
        bridge_kt=float(s.get("bridge_kt", 1.5)), sleeve_strength=float(s.get("sleeve_strength_mpa", 1200.0)) * 1e6,
        corner_factor=float(s.get("demag_corner_factor", 1.0)), cage_yield=cy,
    )


# ---- design -> thermal geometry --------------------------------------------------------------------


def end_winding_overhang(design) -> float:
    """Axial overhang of the end winding per side, m: straight extension + radius of the
    semicircular end turn (half the coil span at mid-slot; the model of motoropt.windings)."""
    s, w = design.stator, design.winding
    span = w.coil_pitch * math.pi * (s.D_i + s.slot_depth) / s.Q
    return design.end_extension + 0.5 * span


def thermal_geometry(design, settings: ThermalSettings | None = None) -> ThermalGeometry:
    """Map a :class:`~motoropt.machines.pmsm.design.Design` onto a :class:`ThermalGeometry` (SI units)."""
    from motoropt.geometry.rotor import SurfacePMRotor

    settings = settings or thermal_settings(design)
    s, r = design.stator, design.rotor
    ms = design.masses()
    hs = settings.housing
    if is_cage(design):
        from motoropt.thermal.lptn import ThermalMaterials

        cc = design.cage_conductor
        mat = ThermalMaterials(k_magnet=cc.thermal_conductivity, cp_magnet=cc.specific_heat,
                               interface_gap_magnet=CAGE_CONTACT_GAP)
        return ThermalGeometry(
            stator_outer_diameter=s.D_o, bore_diameter=s.D_i, stack_length=s.L, slots=s.Q,
            slot_depth=s.slot_depth, slot_width=0.5 * (s.slot_width_top + s.slot_width_bottom),
            tooth_width=s.tooth_width, yoke_height=s.yoke_height, fill_factor=design.fill_factor,
            copper_mass=ms["copper"], end_winding_overhang=end_winding_overhang(design), pole_pairs=design.p,
            airgap=design.air_gap, rotor_outer_diameter=r.D_r, rotor_inner_diameter=r.D_shaft,
            shaft_diameter=settings.shaft_diameter, magnet_mass=ms["cage"], magnet_thickness=r.bar_width,
            magnet_width=r.bar_height, n_magnets=r.Q_r, rotor_core_mass=ms["rotor_core"],
            stator_teeth_mass=ms["stator_teeth"], stator_yoke_mass=ms["stator_yoke"],
            end_turn_length=design.end_winding_length, magnet_surface=False, materials=mat, **hs,
        )
    spm = isinstance(r, SurfacePMRotor)
    n_mag = 2 * design.p * (1 if spm else r.magnets_per_pole)
    return ThermalGeometry(
        stator_outer_diameter=s.D_o, bore_diameter=s.D_i, stack_length=s.L, slots=s.Q,
        slot_depth=s.slot_depth, slot_width=0.5 * (s.slot_width_top + s.slot_width_bottom),
        tooth_width=s.tooth_width, yoke_height=s.yoke_height, fill_factor=design.fill_factor,
        copper_mass=ms["copper"], end_winding_overhang=end_winding_overhang(design), pole_pairs=design.p,
        airgap=design.air_gap, rotor_outer_diameter=r.D_r, rotor_inner_diameter=r.D_shaft,
        shaft_diameter=settings.shaft_diameter, magnet_mass=ms["magnets"], magnet_thickness=r.magnet_thickness,
        magnet_width=r.magnet_width, n_magnets=n_mag, rotor_core_mass=ms["rotor_core"],
        stator_teeth_mass=ms["stator_teeth"], stator_yoke_mass=ms["stator_yoke"],
        end_turn_length=design.end_winding_length, magnet_surface=spm, **hs,
    )


def pm_torque_exponent(ev) -> float:
    """n_br = 2 f_pm / (2 - f_pm), f_pm = 1.5 p psi_pm i_q / T at half peak torque, lowest nonzero map speed."""
    em = ev.emap
    fm = ev.fluxmap
    T_pk = float(np.nanmax(em.torque_nm))
    j = int(np.argmin(np.abs(em.torque_nm - 0.5 * T_pk)))
    col = 1 if em.speed_rpm.size > 1 else 0
    iq, T = em.i_q[j, col], em.torque_nm[j]
    if not (np.isfinite(iq) and T > 0):
        return 2.0
    f = float(np.clip(1.5 * fm.pole_pairs * fm.psi_pm * iq / T, 0.0, 1.0))
    return 2.0 * f / (2.0 - f)


def thermal_network(ev, settings: ThermalSettings | None = None):
    """(network, settings) of an evaluation's design."""
    d = ev.design
    settings = settings or thermal_settings(d)
    if is_cage(d):  # no Br coupling (alpha_br = 0: Br factors 1); copper rho(T) of the stator winding only
        cp = Coupling(alpha_cu=d.conductor.alpha, T_ref_winding_c=d.T_winding_c, alpha_br=0.0,
                      T_ref_magnet_c=d.T_rotor_c, br_current_exponent=0.0)
        net = build_network(thermal_geometry(d, settings), settings.cooling, cp, max_speed=d.speed_max, n_speed=25)
        return net, settings
    cp = Coupling(alpha_cu=d.conductor.alpha, T_ref_winding_c=d.T_winding_c, alpha_br=d.magnet.alpha_Br,
                  T_ref_magnet_c=d.T_magnet_c, br_current_exponent=pm_torque_exponent(ev))
    net = build_network(thermal_geometry(d, settings), settings.cooling, cp, max_speed=d.speed_max, n_speed=25)
    return net, settings


# ---- loss split -------------------------------------------------------------------------------------


def _mech_split(ev, speed_rad_s, mechanical):
    lp = ev.model.loss_params
    w = np.abs(np.asarray(speed_rad_s, dtype=float))
    if lp is None:  # models without PMSM loss parameters (induction): Coulomb bearing drag only
        T_b0 = float(getattr(getattr(ev.model, "params", None), "T_b0", 0.0))
        brg = T_b0 * w
    else:
        brg = lp.T_b0 * w + lp.c_visc * w * w  # losses.bearing_loss, vectorised
    brg = np.minimum(brg, _finite(mechanical))
    return brg, np.asarray(mechanical) - brg


def _finite(v) -> np.ndarray:
    """np.nan_to_num of a float array (NaN -> 0, +-inf -> +-max float), without its cost when all finite."""
    a = np.asarray(v, dtype=float)
    return a if np.isfinite(a).all() else np.nan_to_num(a)


def split_losses(ev, speed_rad_s, losses: dict, teeth_fraction) -> np.ndarray:
    """Loss components (..., N_COMP) in the order of LOSS_COMPONENTS from the drive's loss kinds
    {kind: W array} (module docstring). Kinds beyond the PMSM's four (other machine models) go to
    the rotor core if their name contains "rotor" (e.g. rotor copper), else to the stator teeth."""
    d = ev.design
    L, l_end = d.stator.L, d.end_winding_length
    a = L / (L + l_end)
    arr = {k: _finite(v) for k, v in losses.items()}
    shape = np.broadcast(*arr.values(), np.asarray(teeth_fraction)).shape
    out = np.zeros(shape + (N_COMP,))
    zero = np.zeros(shape)
    cu, fe = arr.get("copper", zero), arr.get("iron", zero)
    out[..., C["copper_active"]] = cu * a
    out[..., C["copper_end"]] = cu * (1.0 - a)
    out[..., C["iron_teeth"]] = fe * teeth_fraction
    out[..., C["iron_yoke"]] = fe * (1.0 - teeth_fraction)
    out[..., C["magnet"]] = arr.get("magnet", zero)
    brg, wind = _mech_split(ev, speed_rad_s, arr.get("mechanical", zero))
    out[..., C["mechanical_bearings"]] = brg
    out[..., C["windage"]] = wind
    rotor_comp = C["magnet"] if is_cage(d) else C["iron_rotor"]  # cage rotors: the cage node (module doc)
    for k, v in arr.items():
        if k not in ("copper", "iron", "magnet", "mechanical", "total"):
            out[..., rotor_comp if "rotor" in k else C["iron_teeth"]] += v
    return out


@dataclass
class RatingGrid:
    """Operating points solved on speeds x torque fractions of the envelope (motoring > 0)."""

    speed: np.ndarray  # (nS,) rad/s
    frac: np.ndarray  # (nF,) torque / envelope, -1..1
    torque: np.ndarray  # (nF, nS) N m
    comp: np.ndarray  # (nF, nS, N_COMP) W, NaN where infeasible
    teeth_fraction: np.ndarray  # (nF, nS)
    i_d: np.ndarray  # (nF, nS) A


def rating_grid(ev, n_speed: int = N_SPEED_RATING, n_torque: int = N_TORQUE_GRID) -> RatingGrid:
    """Solve the drive on speeds (2 % .. 100 % of max speed) x torques (-1..1 of the envelope)."""
    from motoropt.drive.control import solve_operating_points
    from motoropt.drive.effmap import loss_kinds

    d = ev.design
    sp = np.linspace(0.0, d.speed_max, n_speed)
    sp[0] = LOW_SPEED_FRACTION * d.speed_max
    env_m, env_g = ev.emap.envelope_at(sp / RPM_TO_RAD_S)
    f = np.concatenate([np.linspace(-1.0, 0.0, 5)[:-1], np.linspace(0.0, 1.0, n_torque)])
    shrink = 1.0 - 1e-6  # stay just inside the envelope
    T = np.where(f[:, None] >= 0, f[:, None] * env_m[None, :], f[:, None] * env_g[None, :]) * shrink
    W = np.broadcast_to(sp[None, :], T.shape)
    solver = getattr(ev.model, "solve_operating_points", None)  # model-owned control (other machines)
    r = solver(W, T) if solver is not None else solve_operating_points(ev.model, W, T)
    ok = np.asarray(r["feasible"], dtype=bool)
    reg = r.get("iron_by_region") or {}
    ms = d.masses()
    tf = np.full(T.shape, np.nan)
    if "stator_teeth" in reg:
        tot = sum(reg.values())
        with np.errstate(invalid="ignore", divide="ignore"):
            tf = np.where(tot > 0, reg["stator_teeth"] / tot, np.nan)
    # where the split is unknown (no region data, zero iron loss): the teeth share of the core mass
    fill = float(np.nanmean(tf)) if np.any(np.isfinite(tf)) else ms["stator_teeth"] / ms["stator_core"]
    tf = np.where(np.isfinite(tf), tf, fill)
    comp = split_losses(ev, W, {k: r["p_" + k] for k in loss_kinds(ev.emap)}, tf)
    comp[~ok] = np.nan
    return RatingGrid(speed=sp, frac=f, torque=T, comp=comp, teeth_fraction=tf, i_d=np.where(ok, r["i_d"], np.nan))


def teeth_fraction_at(ev, grid: RatingGrid, speed_rpm, torque_nm) -> np.ndarray:
    """Teeth share of the iron loss at arbitrary points: bilinear on (speed, torque / envelope)."""
    s = np.asarray(speed_rpm, dtype=float)
    t = np.asarray(torque_nm, dtype=float)
    env_m, env_g = ev.emap.envelope_at(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(t >= 0, t / np.where(env_m > 0, env_m, np.inf), t / np.where(env_g > 0, env_g, np.inf))
    u = np.clip(_finite(u), -1.0, 1.0)
    w = np.clip(s * RPM_TO_RAD_S, grid.speed[0], grid.speed[-1])
    return _bilinear(np.ascontiguousarray(grid.frac, dtype=np.float64), np.ascontiguousarray(grid.speed, dtype=np.float64),
                     np.ascontiguousarray(grid.teeth_fraction, dtype=np.float64), np.ascontiguousarray(u.ravel()),
                     np.ascontiguousarray(w.ravel()))


@njit(cache=True)
def _bilinear(xa, ya, Z, x, y):
    """Bilinear interpolation of Z (nx, ny) on the ascending axes xa, ya at points (x[k], y[k]) inside
    the grid (as scipy's RegularGridInterpolator, method "linear")."""
    nx, ny = xa.shape[0], ya.shape[0]
    out = np.empty(x.shape[0])
    for k in range(x.shape[0]):
        i = min(max(np.searchsorted(xa, x[k]) - 1, 0), nx - 2)
        j = min(max(np.searchsorted(ya, y[k]) - 1, 0), ny - 2)
        fx = (x[k] - xa[i]) / (xa[i + 1] - xa[i])
        fy = (y[k] - ya[j]) / (ya[j + 1] - ya[j])
        out[k] = ((1.0 - fx) * ((1.0 - fy) * Z[i, j] + fy * Z[i, j + 1])
                  + fx * ((1.0 - fy) * Z[i + 1, j] + fy * Z[i + 1, j + 1]))
    return out


# ---- ratings ----------------------------------------------------------------------------------------


def _envelope_grids(grid: RatingGrid):
    """Motoring part of the rating grid for the lptn rating kernels: (torque (nS, nT) N m,
    components (n_comp, nT, nS) W), C-contiguous."""
    pos = grid.frac >= 0
    return (np.ascontiguousarray(grid.torque[pos].T, dtype=np.float64),
            np.ascontiguousarray(np.moveaxis(grid.comp[pos], -1, 0), dtype=np.float64))


@njit(cache=True)
def _components_at(tg, lg, torque):
    """(nS, n_comp) loss components at torque[s] per speed column s, linear in torque (np.interp:
    clamped at the grid ends; an exact grid torque takes that point's value)."""
    nS, nc = tg.shape[0], lg.shape[0]
    out = np.empty((nS, nc))
    for s in range(nS):
        for c in range(nc):
            out[s, c] = np.interp(torque[s], tg[s], lg[c, :, s])
    return out


def _steady_states(net, speeds, comp) -> list:
    """Coupled steady states (SteadyResult, None on thermal runaway) of component losses comp
    (m, n_comp) at speeds (m,), one kernel call."""
    T, st, it, hot, _, _ = _steady_batch_kernel(net._kn, np.ascontiguousarray(speeds, dtype=np.float64),
                                                np.ascontiguousarray(comp), 1e-6, 100, 1000.0)
    mag = net.names.index("magnets") if "magnets" in net.names else None
    return [SteadyResult(T=T[k], names=net.names, hotspot_c=float(hot[k]),
                         magnet_c=float(T[k, mag]) if mag is not None else math.nan, iterations=int(it[k]))
            if st[k] == 0 else None for k in range(len(st))]


def continuous_envelope(net, grid: RatingGrid, settings: ThermalSettings, tol: float = 0.5):
    """Continuous motoring torque per grid speed (N m; lptn.continuous_rating's bisection with each
    speed's own torque grid, one kernel call) and its steady states (list of SteadyResult|None)."""
    tg, lg = _envelope_grids(grid)
    tq = _continuous_kernel(net._kn, grid.speed, tg, lg, float(settings.T_winding_max),
                            float(settings.T_magnet_max), float(tol), 1e-6, 100, 1000.0)
    return tq, _steady_states(net, grid.speed, _components_at(tg, lg, tq))


def pulse_envelope(net, grid: RatingGrid, settings: ThermalSettings, T_cont, tol: float = 0.5):
    """Torque sustainable for settings.pulse_duration s per grid speed (N m), from the steady state at
    settings.pulse_preload x the continuous torque (lptn.pulse_rating's bisection, steps of
    duration / 30, one kernel call); and the hottest magnet temperature of each rated pulse (degC;
    None where the preload state itself is not admissible, the torque is then 0)."""
    tg, lg = _envelope_grids(grid)
    pre = _steady_states(net, grid.speed, _components_at(tg, lg, settings.pulse_preload * np.asarray(T_cont, float)))
    active = np.array([st is not None and _admissible(st, settings) for st in pre], dtype=np.bool_)
    T0 = np.array([st.T if st is not None else np.full(net.n, np.nan) for st in pre])
    dt = max(settings.pulse_duration / 30.0, 1e-3)
    n_steps = max(1, int(round(settings.pulse_duration / dt)))
    out = _pulse_kernel(net._kn, grid.speed, tg, lg, T0, active, n_steps, dt, float(settings.T_winding_max),
                        float(settings.T_magnet_max), float(tol))
    idx = np.flatnonzero(active)
    _, mag_pk, _ = _peak_batch_kernel(net._kn, grid.speed[idx], _components_at(tg, lg, out)[idx], T0[idx],
                                      n_steps, dt)
    mag_max = [None] * grid.speed.size
    for j, s in enumerate(idx):
        mag_max[s] = float(mag_pk[j])
    return out, mag_max


def _admissible(st, settings: ThermalSettings, slack: float = 0.5) -> bool:
    """A steady state within the winding and magnet limits (+ slack K for the bisection tolerance)."""
    return st.hotspot_c <= settings.T_winding_max + slack and st.magnet_c <= settings.T_magnet_max + slack


# ---- cycles -----------------------------------------------------------------------------------------


def cycle_components(ev, grid: RatingGrid, cyc) -> np.ndarray:
    """(n, N_COMP) loss components of a cycle's intervals (W, map reference temperatures)."""
    tf = teeth_fraction_at(ev, grid, cyc.speed_rpm, cyc.torque_nm)
    return split_losses(ev, cyc.speed_rpm * RPM_TO_RAD_S, cyc.losses, tf)


def cycle_transient(net, comp: np.ndarray, speed_rad_s: np.ndarray, dt_s: np.ndarray, T0_c: float):
    """Coupled backward-Euler transient over a cycle (runs of equal dt chained; one kernel call),
    starting with every node at T0_c. Returns (T (n+1, nodes), hotspot (n+1,), P_used (n, nodes),
    Q_out (n,), dt (n,))."""
    dt_s = np.asarray(dt_s, dtype=float)
    if not np.all(dt_s > 0):
        raise InputError("dt", dt_s, "> 0")
    P = np.ascontiguousarray(comp, dtype=np.float64).reshape(dt_s.size, -1)
    n_comp = int(net.map_comp.max()) + 1 if net.map_comp.size else 0
    if P.shape[1] < n_comp:
        raise InputError("losses", P.shape, f"(n_steps, >= {n_comp})")
    sp = np.ascontiguousarray(np.broadcast_to(np.asarray(speed_rad_s, dtype=np.float64), dt_s.shape))
    T, Pu, Qo = _transient_kernel(net._kn, sp, P, np.full(net.n, float(T0_c)), _run_dt(dt_s))
    return T, hotspot(net, T), Pu, Qo, dt_s


# ---- demagnetisation and stress ---------------------------------------------------------------------


def chord_inductances(fm):
    """(L_d, L_q) chord inductances, H: L_d = (psi_pm - psi_d(i_d,min, 0)) / |i_d,min|,
    L_q = psi_q(0, i_q,max) / i_q,max (i_d nearest zero)."""
    psi_pm = fm.psi_pm
    L_d = (psi_pm - float(fm.psi_d[0, 0])) / abs(float(fm.i_d[0]))
    k0 = int(np.argmin(np.abs(fm.i_d)))
    L_q = float(fm.psi_q[k0, -1]) / float(fm.i_q[-1])
    return L_d, L_q


def demag_assessment(ev, T_magnet_c: float, settings: ThermalSettings, i_d_fw: float) -> dict:
    """Demag margins (field weakening and short circuit) at magnet temperature T_magnet_c."""
    d = ev.design
    mg, r, s = d.magnet, d.rotor, d.stator
    fm = ev.fluxmap
    mec = d.mec_inputs(T_magnet_c)
    g_eff = mec.g_eff  # Carter-corrected gap (SPM: incl. sleeve; the magnet's h_m/mu_r is in the circuit)
    r_gap = 0.5 * (s.D_i - d.air_gap)
    A_g = r.pole_arc_ratio * math.pi * r_gap / d.p * s.L
    k_a = r.magnet_area_per_pole / A_g
    L_d, L_q = chord_inductances(fm)
    R_hot = d.R_s_20 * (1.0 + d.conductor.alpha * (d.T_winding_c - 20.0))
    i_sc, _ = short_circuit_peak_id(fm.psi_pm, L_d, L_q, R_hot, d.p * d.speed_max)
    out = {"L_d_h": L_d, "L_q_h": L_q, "psi_pm_wb": fm.psi_pm, "i_d_fw_a": i_d_fw, "i_d_short_circuit_a": i_sc}
    for tag, i_d in (("fw", i_d_fw), ("short_circuit", i_sc)):
        F = stator_d_mmf(min(i_d, 0.0), d.N_ph, float(d.winding.k_w1), d.p)
        if float(mg.Br(T_magnet_c)) <= 0.0:  # beyond the linear model's range (runaway temperatures)
            out[f"margin_{tag}"], out[f"H_m_{tag}"], out["H_knee"] = -math.inf, -math.inf, 0.0
            continue
        c = demag_check(mg.Br_20, mg.alpha_Br, mg.HcJ_20, mg.alpha_HcJ, T_magnet_c, mg.mu_r, r.magnet_thickness,
                        g_eff, k_a, F, knee_factor=mg.knee_fraction, corner_factor=settings.corner_factor)
        out[f"margin_{tag}"] = c["margin"]
        out[f"H_m_{tag}"] = c["H_m"]
        out["H_knee"] = c["H_knee"]
    out["margin"] = min(out["margin_fw"], out["margin_short_circuit"])
    return out


def rotor_stress(design, settings: ThermalSettings) -> dict:
    """Overspeed stress margins (see module docstring). Cage rotors with an end-ring retaining ring
    (rotor.retainer_thickness > 0, case key induction.end_ring_retainer_mm) are checked with
    stress.retained_end_ring_stress (copper ring + Inconel 718 hoop, shrink fit sized per design,
    standstill/overspeed x assembly/hot rotor limit): end_ring_margin is the copper ring's,
    end_ring_retainer_margin the hoop's, end_ring_retainer_fit_um the radial interference used."""
    from motoropt.geometry.rotor import SurfacePMRotor

    r, st, mg = design.rotor, design.rotor_steel, design.magnet
    w = design.speed_max
    sf, of = settings.safety_factor, settings.overspeed_factor
    out = {}
    if is_cage(design):
        r_i = 0.5 * r.D_shaft
        vol = math.pi * (r.R**2 - r_i**2) * r.L
        rho_eff = (r.core_mass + r.Q_r * r.bar_area * r.L * r.cage_density) / vol  # laminations + bars in the stack
        disc = disc_bore_hoop_stress(r_i, r.R, rho=rho_eff, omega=w, yield_strength=st.yield_strength,
                                     safety_factor=sf, overspeed_factor=of)
        out["disc_margin"] = disc["margin"]
        out["disc_sigma_mpa"] = disc["sigma"] / 1e6
        t_ret = float(getattr(r, "retainer_thickness", 0.0))
        if t_ret > 0:
            # shrink-fitted Inconel 718 retaining ring over each end ring (induction.end_ring_retainer_mm):
            # copper + hoop assembly, the fit sized per design; hot states at the rotor limit
            # (assembly at 20 degC); stress.retained_end_ring_stress
            from motoropt.mechanics import CAGE_ELASTIC, retained_end_ring_stress

            cage_el = CAGE_ELASTIC[getattr(design.cage_conductor, "name", "copper")]
            ring = retained_end_ring_stress(0.5 * r.ring_mean_diameter, r.ring_height, r.ring_width, cage_el, r.Q_r,
                                            r.bar_area, r.bar_extension, r.r_bar_centre, w, t_ret,
                                            delta_T=settings.T_magnet_max - 20.0, cage_yield=settings.cage_yield,
                                            safety_factor=sf, overspeed_factor=of)
            out["end_ring_margin"] = ring["ring_margin"]
            out["end_ring_sigma_mpa"] = ring["sigma_ring_max"] / 1e6
            out["end_ring_retainer_margin"] = ring["retainer_margin"]
            out["end_ring_retainer_sigma_mpa"] = ring["sigma_retainer"] / 1e6
            out["end_ring_retainer_fit_um"] = ring["interference"] * 1e6
        else:
            ring = end_ring_hoop_stress(0.5 * r.ring_mean_diameter, r.ring_area, r.cage_density, r.Q_r, r.bar_area,
                                        r.bar_extension, r.r_bar_centre, w, yield_strength=settings.cage_yield,
                                        safety_factor=sf, overspeed_factor=of)
            out["end_ring_margin"] = ring["margin"]
            out["end_ring_sigma_mpa"] = ring["sigma"] / 1e6
        out["margin"] = min(v for k, v in out.items() if k.endswith("_margin"))
        return out
    disc = disc_bore_hoop_stress(0.5 * r.D_shaft, r.R if not isinstance(r, SurfacePMRotor) else r.R_core,
                                 rho=r.density, omega=w, yield_strength=st.yield_strength, safety_factor=sf,
                                 overspeed_factor=of)
    out["disc_margin"] = disc["margin"]
    out["disc_sigma_mpa"] = disc["sigma"] / 1e6
    if isinstance(r, SurfacePMRotor):
        if r.sleeve > 0:
            sl = spm_sleeve_stress(r.R - 0.5 * r.sleeve, r.sleeve, r.sleeve_density, mg.density, r.magnet_thickness,
                                   w, strength=settings.sleeve_strength, safety_factor=sf, overspeed_factor=of)
            out["sleeve_margin"] = sl["margin"]
            out["sleeve_sigma_mpa"] = sl["sigma"] / 1e6
    else:
        m_iron = r.pole_piece_mass
        m_mag = r.magnets_per_pole * r.magnet_width * r.magnet_thickness * r.L * mg.density
        r_iron = r.R - 0.5 * r.v_depth  # centroid of the pole piece (surface .. V vertex), approx.
        r_mag = r.R - 0.5 * (r.v_depth + r.bridge) - 0.5 * r.magnet_thickness  # mid-leg, mid-thickness
        r_cg = (m_iron * r_iron + m_mag * r_mag) / (m_iron + m_mag)
        b = ipm_bridge_stress(m_iron, m_mag, r_cg, w, r.L * r.stacking_factor, r.bridge, 2, r.post,
                              k_t=settings.bridge_kt, yield_strength=st.yield_strength, safety_factor=sf,
                              overspeed_factor=of)
        out["bridge_margin"] = b["margin"]
        out["bridge_sigma_peak_mpa"] = b["sigma_peak"] / 1e6
    out["margin"] = min(v for k, v in out.items() if k.endswith("_margin"))
    return out


# ---- the hook ---------------------------------------------------------------------------------------


def thermal_evaluation(ev) -> None:
    """Add thermal KPIs, arrays and plots to ``ev`` in place (see module docstring)."""
    t_start = time.perf_counter()
    d = ev.design
    net, settings = thermal_network(ev)
    grid = rating_grid(ev)
    k = ev.kpis
    tm = ev.timings

    t0 = time.perf_counter()
    T_cont, states = continuous_envelope(net, grid, settings)
    tm["thermal_continuous_s"] = time.perf_counter() - t0
    P_cont = T_cont * grid.speed
    i_best = int(np.argmax(P_cont))
    t0 = time.perf_counter()
    T_pulse, pulse_mag = pulse_envelope(net, grid, settings, T_cont)
    tm["thermal_pulse_s"] = time.perf_counter() - t0
    P_pulse = T_pulse * grid.speed
    # magnet temperatures of admissible operation: continuous states within the limits (at speeds
    # where even no load overheats, the rating is 0 and that state is not an operating state) and
    # the rated pulses; the cycle transients are added below
    mags = [st.magnet_c for st in states if st is not None and _admissible(st, settings)]
    mags += [m for m in pulse_mag if m is not None]
    k["continuous_max_speed_rpm"] = float(grid.speed[T_cont > 0].max() / RPM_TO_RAD_S) if np.any(T_cont > 0) else 0.0

    cage = is_cage(d)
    k["thermal_cooling"] = settings.cooling_type
    k["winding_limit_c"] = settings.T_winding_max
    k["rotor_limit_c" if cage else "magnet_limit_c"] = settings.T_magnet_max
    k["continuous_torque_nm"] = float(T_cont[0])
    k["continuous_power_kw"] = float(P_cont[i_best]) / 1e3
    k["continuous_power_speed_rpm"] = float(grid.speed[i_best] / RPM_TO_RAD_S)
    k["peak_power_30s_kw"] = float(P_pulse.max()) / 1e3
    k["pulse_duration_s"] = settings.pulse_duration
    ex = ev.extra
    ex.setdefault("series", {})
    ex["series"]["continuous_speed_rpm"] = grid.speed / RPM_TO_RAD_S
    ex["series"]["continuous_torque_nm"] = T_cont
    ex["series"]["pulse_torque_nm"] = T_pulse

    # cycles
    ex.setdefault("cycles", {})
    cyc_k = k.setdefault("cycles", {})
    for name, cyc in ev.cycles.items():
        t0 = time.perf_counter()
        comp = cycle_components(ev, grid, cyc)
        T, hot, _, _, _ = cycle_transient(net, comp, cyc.speed_rpm * RPM_TO_RAD_S, cyc.dt_s, settings.coolant_c)
        tm[f"thermal_cycle_{name}_s"] = time.perf_counter() - t0
        mag = T[:, net.index("magnets")]
        ex["cycles"].setdefault(name, {})
        ex["cycles"][name]["T_winding_c"] = hot[1:]
        cyc_k.setdefault(name, {})
        cyc_k[name]["winding_hotspot_c_max"] = float(hot.max())
        if cage:  # the "magnets" node is the cage; rotor temperature = hotter of cage and laminations
            rot = np.maximum(mag, T[:, net.index("rotor_core")])
            ex["cycles"][name]["T_rotor_c"] = rot[1:]
            cyc_k[name]["rotor_temperature_c_max"] = float(rot.max())
            continue
        ex["cycles"][name]["T_magnet_c"] = mag[1:]
        cyc_k[name]["magnet_temperature_c_max"] = float(mag.max())
        mags.append(float(mag.max()))

    rs = rotor_stress(d, settings)
    k["rotor_stress_margin"] = float(rs["margin"])
    for key, v in rs.items():
        if key != "margin":
            k[f"rotor_{key}"] = float(v)
    ex.setdefault("plot_functions", []).extend([plot_cycle_temperatures, plot_continuous_envelope])
    if cage:  # magnet-free: no demagnetisation check
        tm["thermal_internal_s"] = time.perf_counter() - t_start
        return

    # demagnetisation at the hottest computed magnet temperature
    T_hot = max(mags) if mags else d.T_magnet_c
    i_d_map = np.where(ev.emap.feasible, ev.emap.i_d, np.nan)
    i_d_fw = float(min(np.nanmin(i_d_map), np.nanmin(grid.i_d))) if np.any(np.isfinite(i_d_map)) else 0.0
    dm = demag_assessment(ev, T_hot, settings, i_d_fw)
    k["demag_margin"] = max(float(dm["margin"]), DEMAG_MARGIN_FLOOR)
    k["demag_margin_flux_weakening"] = max(float(dm["margin_fw"]), DEMAG_MARGIN_FLOOR)
    k["demag_margin_short_circuit"] = max(float(dm["margin_short_circuit"]), DEMAG_MARGIN_FLOOR)
    k["demag_magnet_temperature_c"] = float(T_hot)
    k["short_circuit_peak_id_a"] = float(dm["i_d_short_circuit_a"])
    tm["thermal_internal_s"] = time.perf_counter() - t_start


# ---- plots ------------------------------------------------------------------------------------------


def plot_cycle_temperatures(ev, outdir) -> list:
    """One PNG per cycle: winding hotspot and magnet temperature vs time, with the motor speed."""
    from motoropt.plots.maps import _plt

    plt = _plt()
    paths = []
    for name, arrs in ev.extra.get("cycles", {}).items():
        if "T_winding_c" not in arrs or name not in ev.cycles:
            continue
        c = ev.cycles[name]
        t = np.cumsum(c.dt_s)
        fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
        ax.plot(t, arrs["T_winding_c"], "r-", label="winding hotspot")
        rotor = "T_rotor_c" in arrs
        ax.plot(t, arrs["T_rotor_c" if rotor else "T_magnet_c"], "b-", label="rotor (cage)" if rotor else "magnets")
        ax.axhline(ev.kpis.get("winding_limit_c", np.nan), color="r", ls=":", lw=1, label="winding limit")
        ax.axhline(ev.kpis.get("rotor_limit_c" if rotor else "magnet_limit_c", np.nan), color="b", ls=":", lw=1,
                   label="rotor limit" if rotor else "magnet limit")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("temperature (degC)")
        ax2 = ax.twinx()
        ax2.plot(t, c.speed_rpm, color="0.6", lw=0.6)
        ax2.set_ylabel("motor speed (rpm)", color="0.4")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"{ev.design.name}: {name} temperatures (coupled LPTN)")
        fig.tight_layout()
        p = Path(outdir) / f"thermal_{name}.png"
        fig.savefig(p)
        plt.close(fig)
        paths.append(p)
    return paths


def plot_continuous_envelope(ev, outdir) -> list:
    """Efficiency map (as motoropt.plots.maps) with the continuous and 30-s torque envelopes drawn."""
    from motoropt.plots.maps import EFF_LEVELS, _plt

    plt = _plt()
    m = ev.map
    S, T = np.meshgrid(m.speed_rpm, m.torque_nm)
    e = np.where(np.isfinite(m.efficiency), m.efficiency * 100.0, np.nan)
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    cf = ax.contourf(S, T, e, levels=[0, 50, 60] + EFF_LEVELS + [100], cmap="viridis")
    cs = ax.contour(S, T, e, levels=EFF_LEVELS, colors="k", linewidths=0.6)
    ax.clabel(cs, fmt="%g %%", fontsize=7, inline=True)
    fig.colorbar(cf, ax=ax, label="motor efficiency (%)")
    ax.plot(m.env_speed_rpm, m.env_torque_max, "r-", lw=2, label="peak torque envelope")
    ax.plot(m.env_speed_rpm, m.env_torque_min, "r-", lw=2)
    sr = ev.extra["series"]
    ax.plot(sr["continuous_speed_rpm"], sr["continuous_torque_nm"], "w--", lw=2.2, label="continuous (thermal)")
    if "pulse_torque_nm" in sr:
        ax.plot(sr["continuous_speed_rpm"], sr["pulse_torque_nm"], "m-.", lw=1.6,
                label=f"{ev.kpis.get('pulse_duration_s', 30):g} s pulse")
    ax.axhline(0, color="0.3", lw=0.5)
    ax.set_xlabel("speed (rpm)")
    ax.set_ylabel("torque (N m)")
    ax.set_title(f"{ev.design.name}: efficiency with continuous envelope")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    p = Path(outdir) / "efficiency_map_continuous.png"
    fig.savefig(p)
    plt.close(fig)
    return [p]
