"""The case's ``[thermal]`` section: validated once when the case loads (:func:`parse_thermal`), and
turned into the settings of one design (:func:`thermal_settings`: cooling circuits sized on its
housing, limits from its materials).

Keys (all optional; defaults in brackets; the models are documented in :mod:`.evaluation`):

  cooling            "water_jacket" (default) | "oil_spray" (oil on the end windings + a jacket)
                     | "oil_drip" (passive splash/drip oil films on the end windings and the end-space
                     walls, no jacket: a motor in a transaxle; cooling.OilDrip)
                     | "forced_air" (finned housing) | "natural" (housing free convection only)
  flow_lpm, inlet_c  jacket flow (8 l/min) and inlet (temperatures.coolant_c)
  channel_width_mm, channel_height_mm (12, 6), n_channels (1), channel_length_m
                     (default: a helix over the stack, one turn per channel width + 4 mm rib, on
                     the mean housing diameter)
  oil_flow_lpm, oil_inlet_c, oil_h_ref (4 l/min, inlet_c + 5, 1000 W/m^2/K); with oil_drip:
                     oil_flow_lpm (2 l/min, the oil reaching the end windings: an assumption, see
                     OilDrip), oil_inlet_c (inlet_c + 5: the sump oil from its cooler); oil_h_ref
                     does not apply (the film h is computed)
  fin_count, fin_height_mm, fin_thickness_mm, air_speed_m_s (36, 20, 2, 10)
  ambient_c (40)     ambient air (natural convection, fins)
  housing_thickness_mm (8), housing_outer_diameter_mm, housing_length_mm, housing_mass_kg
                     (0 / absent -> from the geometry, see ThermalGeometry)
  shaft_diameter_mm  solid shaft diameter (default: the rotor bore, capped at 0.35 D_r: a large
                     rotor bore is taken to sit on a hub, not on a solid shaft of that size)
  insulation_class   "B" | "F" | "H" (default) | "N" -> winding hotspot limit (IEC 60085)
  winding_max_c      override of that limit
  magnet_max_c       magnet limit (default: the grade's max_temperature_c); PM rotors only
  rotor_max_c        cage limit (default 200 degC); cage rotors only
  pulse_duration_s (30), pulse_preload (0.5): the 30-s pulse starts from the steady state at
                     pulse_preload x the continuous torque at that speed
  stress_safety_factor (1.5), overspeed_factor (1.2), bridge_kt (1.5),
  sleeve_strength_mpa (1200, carbon-fibre hoop winding) for SPM sleeves,
  cage_yield_mpa (default by cage conductor) for cage end rings
  demag_corner_factor (1.0): field concentration at magnet corners; PM rotors only
Direct air cooling (:mod:`.air_cooling`; in addition to the ``cooling`` type, active when
``air_flow_m3_per_s`` is given): air_flow_m3_per_s (total axial flow through the air gap and the slot
channels), fan_efficiency (0.5: small axial fans, total-to-static 0.3-0.6), fan_max_pressure_pa
(2000: the fan's pressure budget), slot_channel_width_mm (0: no channels between the coils; tooth-coil
windings, coil_pitch_slots = 1, only), air_inlet_c (ambient_c).
potting_conductivity_w_per_mk (absent: plain impregnation resin, 0.25): a molded/potted winding: this
resin in the slot's equivalent conductivity, and the end windings potted to the housing (inner rotor)
or hub (outer rotor) through the radial space between them
(:func:`motoropt.thermal.network.potted_end_winding_conductance`; typical values in :mod:`.air_cooling`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from motoropt.errors import InputError
from motoropt.mechanics import StressLimits
from motoropt.thermal.air_cooling import DirectAir, channel_fits
from motoropt.thermal.cooling import Cooling, ForcedAirFins, NaturalConvection, OilDrip, OilSpray, WaterJacket
from motoropt.thermal.nodes import INSULATION_CLASS_C

if TYPE_CHECKING:
    from motoropt.machines.base import MachineDesign

COOLING_TYPES = ("water_jacket", "oil_spray", "oil_drip", "forced_air", "natural")

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
    "air_flow_m3_per_s": ("float", 0.0, 10.0), "fan_efficiency": ("float", 0.05, 1.0),
    "fan_max_pressure_pa": ("float", 0.0, 1e5), "slot_channel_width_mm": ("float", 0.0, 50.0),
    "air_inlet_c": ("float", -60.0, 100.0), "potting_conductivity_w_per_mk": ("float", 0.1, 5.0),
}
_STRICT_POSITIVE = {"flow_lpm", "channel_width_mm", "channel_height_mm", "channel_length_m", "oil_flow_lpm",
                    "oil_h_ref", "fin_height_mm", "fin_thickness_mm", "air_speed_m_s", "housing_thickness_mm",
                    "shaft_diameter_mm", "pulse_duration_s", "sleeve_strength_mpa", "cage_yield_mpa",
                    "air_flow_m3_per_s", "fan_max_pressure_pa"}
DIRECT_AIR_KEYS = ("fan_efficiency", "fan_max_pressure_pa", "slot_channel_width_mm", "air_inlet_c")
PM_ONLY_KEYS = ("magnet_max_c", "demag_corner_factor")
CAGE_ONLY_KEYS = ("rotor_max_c", "cage_yield_mpa")
ROTOR_MAX_C_DEFAULT = 200.0  # cage rotors: a typical design limit (module docstring of .evaluation)


@dataclass(frozen=True)
class ThermalSpec:
    """The validated ``[thermal]`` keys (case-file units) as sorted (key, value) pairs; absent keys
    take the defaults of :func:`thermal_settings`."""

    items: tuple = ()

    @cached_property
    def _dict(self) -> dict:
        """The items as a dict, built once (a spec is read for every design of a case); not to be written."""
        return dict(self.items)

    @property
    def keys(self) -> dict:
        return dict(self.items)

    def get(self, key: str, default=None):
        return self._dict.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self._dict


def parse_thermal(section: dict | None) -> ThermalSpec:
    """Validate a ``[thermal]`` table: known keys, numbers in range (InputError naming the key)."""
    section = {} if section is None else section
    if not isinstance(section, dict):
        raise InputError("thermal", section, "a table")
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
    for k in DIRECT_AIR_KEYS:
        if k in out and "air_flow_m3_per_s" not in out:
            raise InputError(f"thermal.{k}", out[k], "given only with thermal.air_flow_m3_per_s (direct air cooling)")
    return ThermalSpec(tuple(sorted(out.items())))


@dataclass(frozen=True)
class ThermalSettings:
    """Thermal settings of one design (SI units, degC)."""

    cooling: Cooling
    cooling_type: str
    coolant_c: float  # temperature the machine starts the cycles from
    T_winding_max: float
    T_magnet_max: float  # magnet limit, or the cage limit of a magnet-free rotor
    insulation_class: str
    shaft_diameter: float
    housing: dict
    pulse_duration: float = 30.0
    pulse_preload: float = 0.5
    corner_factor: float = 1.0
    stress: StressLimits = StressLimits()
    k_resin: float | None = None  # potting/impregnation resin conductivity, W/m/K (None: the network default)


def _cooling(s: ThermalSpec, design: MachineDesign, inlet: float, ambient: float, h_t: float) -> Cooling:
    kind = s.get("cooling", "water_jacket")
    natural = NaturalConvection(ambient_c=ambient, surface_c=max(ambient + 20.0, inlet + 10.0))
    jacket = oil = drip = air = None
    if kind in ("water_jacket", "oil_spray"):
        w = float(s.get("channel_width_mm", 12.0)) * 1e-3
        h = float(s.get("channel_height_mm", 6.0)) * 1e-3
        n_par = int(s.get("n_channels", 1))
        if "channel_length_m" in s:
            path = float(s.get("channel_length_m"))
        else:
            turns = max(1, int(round(design.stator.L / (n_par * (w + 4e-3)))))
            path = turns * math.pi * (design.stator.D_o + h_t)
        jacket = WaterJacket(flow_lpm=float(s.get("flow_lpm", 8.0)), inlet_c=inlet, channel_width=w,
                             channel_height=h, path_length=path, n_parallel=n_par)
    if kind == "oil_spray":
        oil = OilSpray(flow_lpm=float(s.get("oil_flow_lpm", 4.0)), inlet_c=float(s.get("oil_inlet_c", inlet + 5.0)),
                       h_ref=float(s.get("oil_h_ref", 1000.0)))
    if kind == "oil_drip":
        if "oil_h_ref" in s:
            raise InputError("thermal.oil_h_ref", s.get("oil_h_ref"), "absent with cooling = 'oil_drip' (its film h "
                             "is computed from oil_flow_lpm)")
        drip = OilDrip(flow_lpm=float(s.get("oil_flow_lpm", 2.0)), inlet_c=float(s.get("oil_inlet_c", inlet + 5.0)))
    if kind == "forced_air":
        air = ForcedAirFins(n_fins=int(s.get("fin_count", 36)), fin_height=float(s.get("fin_height_mm", 20.0)) * 1e-3,
                            fin_thickness=float(s.get("fin_thickness_mm", 2.0)) * 1e-3,
                            air_speed=float(s.get("air_speed_m_s", 10.0)), ambient_c=ambient)
    return Cooling(jacket=jacket, oil=oil, drip=drip, air=air, natural=natural, direct_air=_direct_air(s, design, ambient))


def _direct_air(s: ThermalSpec, design: MachineDesign, ambient: float) -> DirectAir | None:
    """The direct-air circuit of ``design`` (None without ``air_flow_m3_per_s``). The gap surface is the
    stator's bore (inner rotor) or outer diameter (outer rotor: its rotor heat body has a rim)."""
    if "air_flow_m3_per_s" not in s:
        return None
    st, w = design.stator, design.winding
    outer = design.rotor_heat_body().rim is not None
    w_ch = float(s.get("slot_channel_width_mm", 0.0)) * 1e-3
    side = 0.0
    if w_ch > 0:
        if w.coil_pitch != 1 or w.layers != 2:
            raise InputError("thermal.slot_channel_width_mm", s.get("slot_channel_width_mm"),
                             "0 unless the winding is a double-layer tooth-coil winding (coil_pitch_slots = 1, layers = 2)")
        w_slot = 0.5 * (st.slot_width_top + st.slot_width_bottom)
        if not channel_fits(w_ch, st.slot_depth, w_slot * st.slot_depth, design.fill_factor):
            raise InputError("thermal.slot_channel_width_mm", s.get("slot_channel_width_mm"),
                             f"<= {0.5 * (1 - design.fill_factor) * w_slot * 1e3:.3g} mm (half the slot's non-copper area)")
        side = 0.5 * (w_slot - w_ch)
    return DirectAir(air_flow=float(s.get("air_flow_m3_per_s")), inlet_c=float(s.get("air_inlet_c", ambient)),
                     fan_efficiency=float(s.get("fan_efficiency", 0.5)),
                     fan_max_pressure=float(s.get("fan_max_pressure_pa", 2000.0)),
                     gap_radius=0.5 * (st.D_o if outer else st.D_i), gap=design.air_gap, inner_rotating=not outer,
                     length=st.L, slots=st.Q if w_ch > 0 else 0, slot_depth=st.slot_depth if w_ch > 0 else 0.0,
                     channel_width=w_ch, coil_side_width=side)


def direct_air_of(design: MachineDesign, spec: ThermalSpec | None) -> DirectAir | None:
    """The design's direct-air circuit from its ``[thermal]`` spec (None without direct air); what the
    system stage needs for the fan power."""
    s = spec if spec is not None else parse_thermal(None)
    return _direct_air(s, design, float(s.get("ambient_c", 40.0)))


def thermal_settings(design: MachineDesign, spec: ThermalSpec | None = None) -> ThermalSettings:
    """The settings of ``design`` from its validated ``[thermal]`` keys (defaults in the module doc).
    Keys that do not apply to the design's rotor (magnet keys on a cage rotor and the reverse) are
    InputErrors."""
    s = spec if spec is not None else parse_thermal(None)
    kind = s.get("cooling", "water_jacket")
    inlet = float(s.get("inlet_c", design.T_coolant_c))
    ambient = float(s.get("ambient_c", 40.0))
    h_t = float(s.get("housing_thickness_mm", 8.0)) * 1e-3
    cooling = _cooling(s, design, inlet, ambient, h_t)
    coolant = inlet if cooling.jacket is not None else (cooling.drip.inlet_c if cooling.drip is not None else ambient)
    ins = s.get("insulation_class", "H")
    T_w = float(s.get("winding_max_c", INSULATION_CLASS_C[ins]))
    magnet_free = design.magnet is None
    for key in (PM_ONLY_KEYS if magnet_free else CAGE_ONLY_KEYS):
        if key in s:
            raise InputError(f"thermal.{key}", s.get(key), "absent for this rotor type ("
                             + ("cage rotor: use rotor_max_c / cage_yield_mpa)" if magnet_free else "PM rotor)"))
    if magnet_free:
        T_m = float(s.get("rotor_max_c", ROTOR_MAX_C_DEFAULT))
    else:
        T_m = float(s.get("magnet_max_c", design.magnet.max_temperature_c))
    r = design.rotor
    if "shaft_diameter_mm" in s:
        d_sh = float(s.get("shaft_diameter_mm")) * 1e-3
        if d_sh > r.D_shaft:
            raise InputError("thermal.shaft_diameter_mm", s.get("shaft_diameter_mm"),
                             f"<= the rotor bore ({r.D_shaft * 1e3:.2f} mm)")
    else:
        d_sh = min(r.D_shaft, 0.35 * r.D_r)
    housing = {"housing_thickness": h_t,
               "housing_outer_diameter": float(s.get("housing_outer_diameter_mm", 0.0)) * 1e-3,
               "housing_length": float(s.get("housing_length_mm", 0.0)) * 1e-3,
               "housing_mass": float(s.get("housing_mass_kg", 0.0))}
    stress = StressLimits(
        safety_factor=float(s.get("stress_safety_factor", 1.5)), overspeed_factor=float(s.get("overspeed_factor", 1.2)),
        bridge_kt=float(s.get("bridge_kt", 1.5)), sleeve_strength=float(s.get("sleeve_strength_mpa", 1200.0)) * 1e6,
        cage_yield=float(s.get("cage_yield_mpa")) * 1e6 if "cage_yield_mpa" in s else None,
        hot_delta_T=T_m - 20.0)
    return ThermalSettings(
        cooling=cooling, cooling_type=kind, coolant_c=coolant, T_winding_max=T_w, T_magnet_max=T_m,
        insulation_class=ins, shaft_diameter=d_sh, housing=housing,
        pulse_duration=float(s.get("pulse_duration_s", 30.0)), pulse_preload=float(s.get("pulse_preload", 0.5)),
        corner_factor=float(s.get("demag_corner_factor", 1.0)), stress=stress,
        k_resin=float(s.get("potting_conductivity_w_per_mk")) if "potting_conductivity_w_per_mk" in s else None,
    )
