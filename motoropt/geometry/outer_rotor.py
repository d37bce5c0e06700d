"""Parametric outer-rotor surface-PM machine: a slotted stator inside (slots opening outwards) and a
rotor around it (magnets on the inner surface of a rim, an optional retaining can wound over the
rim). All lengths in m.

Stator (:class:`OuterStator`), the mirror of :class:`motoropt.geometry.stator.Stator`: the air gap
is at the outer diameter ``D_o``; slots of depth ``slot_depth`` run inwards from it, of width
``slot_width_top`` just below the tooth tip (radius R_o - tip_height) and ``slot_width_bottom`` at the
slot bottom (R_o - slot_depth), with a rectangular opening ``slot_opening`` through the tips; the yoke
is the annulus between the slot bottoms and the inner diameter ``D_i`` (the lamination bore, on the
stator hub). Fillets are ignored; masses use the stacking factor.

Rotor (:class:`OuterRotor`), from the air gap outwards: a non-magnetic sleeve of thickness
``sleeve`` (optional, on the magnets' gap face), the magnet layer of thickness ``magnet_thickness``
(radially magnetised arcs or a Halbach array: :mod:`motoropt.geometry.magnet_array`), the rim of
thickness ``rim_thickness`` (laminated rotor steel = the back iron, or a non-magnetic structural
ring), and an optional retaining can of thickness ``can_thickness`` (hoop-wound carbon fibre) over
the rim. The rim is carried by an end disc to the shaft of diameter ``D_shaft``; the disc, shaft and
bearings are structure (the design's housing allowance), not active parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from motoropt.errors import InputError
from motoropt.geometry.magnet_array import MagnetArray, magnet_array
from motoropt.geometry.polygons import arc_polyline
from motoropt.geometry.rotor import pole_section_polygons
from motoropt.mechanics import ELECTRICAL_STEEL_E, RingMaterial, StressLimits, rim_stress


def _mm(v: float) -> float:
    return round(v * 1e3, 6)


@dataclass(frozen=True)
class OuterStator:
    """Slotted stator of an outer-rotor machine (module docstring): D_o the gap-side (outer)
    diameter, D_i the lamination bore on the hub."""

    D_o: float
    D_i: float
    L: float
    Q: int
    slot_depth: float
    slot_width_top: float
    slot_width_bottom: float
    slot_opening: float
    tip_height: float
    stacking_factor: float = 0.95
    density: float = 7650.0

    @property
    def R_gap(self) -> float:
        """Radius of the stator's gap surface, m."""
        return 0.5 * self.D_o

    @property
    def slot_pitch(self) -> float:
        """Slot pitch at the gap surface, m."""
        return math.pi * self.D_o / self.Q

    @property
    def yoke_height(self) -> float:
        return 0.5 * (self.D_o - self.D_i) - self.slot_depth

    @property
    def tooth_width_top(self) -> float:
        """Tooth width just below the tip (radius R_o - tip_height), m."""
        return 2.0 * math.pi * (0.5 * self.D_o - self.tip_height) / self.Q - self.slot_width_top

    @property
    def tooth_width_bottom(self) -> float:
        """Tooth width at the tooth root (radius R_o - slot_depth), m."""
        return 2.0 * math.pi * (0.5 * self.D_o - self.slot_depth) / self.Q - self.slot_width_bottom

    @property
    def tooth_width(self) -> float:
        return 0.5 * (self.tooth_width_top + self.tooth_width_bottom)

    @property
    def slot_area(self) -> float:
        """Winding area of one slot (trapezoid below the tip), m^2."""
        return 0.5 * (self.slot_width_top + self.slot_width_bottom) * (self.slot_depth - self.tip_height)

    @property
    def tooth_length(self) -> float:
        return self.slot_depth

    def carter_coefficient(self, g: float) -> float:
        """Carter's coefficient of the slot openings for the magnetic gap g (as Stator's)."""
        b = self.slot_opening
        kappa = (b / g) / (5.0 + b / g)
        return self.slot_pitch / (self.slot_pitch - kappa * b)

    @property
    def teeth_mass(self) -> float:
        tip = (self.slot_pitch - self.slot_opening) * self.tip_height
        body = self.tooth_width * (self.slot_depth - self.tip_height)
        return self.Q * (tip + body) * self.L * self.stacking_factor * self.density

    @property
    def yoke_mass(self) -> float:
        r_y = 0.5 * self.D_o - self.slot_depth
        return math.pi * (r_y**2 - (0.5 * self.D_i) ** 2) * self.L * self.stacking_factor * self.density

    @property
    def core_mass(self) -> float:
        return self.teeth_mass + self.yoke_mass

    def validate(self, prefix: str = "stator") -> None:
        """Geometric consistency; InputError naming the case field."""
        for name, key in (("D_o", "outer_diameter_mm"), ("D_i", "bore_diameter_mm"), ("L", "stack_length_mm"),
                          ("slot_depth", "slot_depth_mm"), ("slot_width_top", "slot_width_top_mm"),
                          ("slot_width_bottom", "slot_width_bottom_mm"), ("slot_opening", "slot_opening_mm"),
                          ("tip_height", "tip_height_mm")):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{key}", _mm(v), "> 0")
        if self.Q < 3:
            raise InputError(f"{prefix}.slots", self.Q, ">= 3")
        if self.D_i >= self.D_o:
            raise InputError(f"{prefix}.bore_diameter_mm", _mm(self.D_i),
                             f"< outer_diameter_mm ({_mm(self.D_o)}): for an outer-rotor machine the bore is the "
                             "stator's inner diameter on its hub")
        y_min = max(1e-3, 0.01 * self.D_o)
        if self.yoke_height < y_min:
            raise InputError(f"{prefix}.slot_depth_mm", _mm(self.slot_depth),
                             f"small enough to leave a yoke: <= {_mm(0.5 * (self.D_o - self.D_i) - y_min)}")
        if self.tip_height >= 0.5 * self.slot_depth:
            raise InputError(f"{prefix}.tip_height_mm", _mm(self.tip_height), f"< half the slot depth ({_mm(0.5 * self.slot_depth)})")
        if self.tooth_width_top < 0.5e-3:
            raise InputError(f"{prefix}.slot_width_top_mm", _mm(self.slot_width_top),
                             f"< {_mm(2 * math.pi * (0.5 * self.D_o - self.tip_height) / self.Q - 0.5e-3)} to leave a tooth of >= 0.5 mm")
        if self.tooth_width_bottom < 0.5e-3:
            raise InputError(f"{prefix}.slot_width_bottom_mm", _mm(self.slot_width_bottom),
                             f"< {_mm(2 * math.pi * (0.5 * self.D_o - self.slot_depth) / self.Q - 0.5e-3)} to leave a tooth of >= 0.5 mm")
        if self.slot_opening >= self.slot_pitch - 0.5e-3:
            raise InputError(f"{prefix}.slot_opening_mm", _mm(self.slot_opening),
                             f"< slot pitch at the gap minus 0.5 mm ({_mm(self.slot_pitch - 0.5e-3)})")
        if self.slot_opening > self.slot_width_top + 1e-12:
            raise InputError(f"{prefix}.slot_opening_mm", _mm(self.slot_opening),
                             f"<= the slot width below the tip ({_mm(self.slot_width_top)})")
        if not (0.5 <= self.stacking_factor <= 1.0):
            raise InputError(f"{prefix}.stacking_factor", self.stacking_factor, "in [0.5, 1]")


def outward_parallel_tooth_slot(D_o: float, Q: int, slot_depth: float, tip_height: float, tooth_width: float):
    """Slot widths (top, bottom) that give parallel-sided teeth of width ``tooth_width`` on a stator
    whose slots open outwards (the slots narrow towards their bottom), m."""
    top = 2.0 * math.pi * (0.5 * D_o - tip_height) / Q - tooth_width
    bottom = 2.0 * math.pi * (0.5 * D_o - slot_depth) / Q - tooth_width
    return top, bottom


@dataclass(frozen=True)
class OuterRotor:
    """Rotor of an outer-rotor surface-PM machine (module docstring). ``D_gap``: the rotor's inner
    diameter at the air gap (stator outer diameter + 2 air gap); ``rim``: None for a laminated rim
    of the rotor steel (density ``density``, magnetic: the back iron), else the non-magnetic
    structural material; ``can``: the retaining can's material (used when can_thickness > 0)."""

    D_gap: float
    D_shaft: float
    L: float
    p: int
    magnet_thickness: float
    rim_thickness: float
    pole_arc_ratio: float = 1.0
    halbach_segments: int = 1
    sleeve: float = 0.0
    can_thickness: float = 0.0
    rim: RingMaterial | None = None
    can: RingMaterial | None = None
    sleeve_density: float = 1600.0  # carbon-fibre/glass composite, kg/m^3
    magnet_segments: int = 1  # axial segments per magnet (eddy loss)
    stacking_factor: float = 0.95
    density: float = 7650.0  # rim lamination (rotor steel), kg/m^3
    kind: str = "spm_outer"

    surface_mounted: ClassVar[bool] = True

    # --- radii ------------------------------------------------------------------------------
    @property
    def R_gap(self) -> float:
        """Inner radius of the rotor (sleeve or magnet face at the air gap), m."""
        return 0.5 * self.D_gap

    @property
    def R_magnet_inner(self) -> float:
        return self.R_gap + self.sleeve

    @property
    def R_magnet_outer(self) -> float:
        return self.R_magnet_inner + self.magnet_thickness

    @property
    def R_rim_outer(self) -> float:
        return self.R_magnet_outer + self.rim_thickness

    @property
    def R(self) -> float:
        """Outer radius over the rim and can, m."""
        return self.R_rim_outer + self.can_thickness

    @property
    def D_r(self) -> float:
        """Outer diameter of the rotor, m."""
        return 2.0 * self.R

    @property
    def R_core(self) -> float:
        """Radius of the back-iron surface the magnets sit on (the rim's inner surface), m."""
        return self.R_magnet_outer

    @property
    def magnetic_rim(self) -> bool:
        """Whether the rim is magnetic (laminated rotor steel: the back iron)."""
        return self.rim is None

    # --- magnets ----------------------------------------------------------------------------
    @property
    def array(self) -> MagnetArray:
        return magnet_array(self.p, self.pole_arc_ratio, self.halbach_segments, outer_rotor=True)

    @property
    def magnets_per_pole(self) -> int:
        return int(self.halbach_segments)

    @property
    def magnet_fraction(self) -> float:
        """Fraction of the circumference covered by magnet (1 for a Halbach array)."""
        return 1.0 if self.halbach_segments > 1 else self.pole_arc_ratio

    @property
    def R_magnet_mean(self) -> float:
        return self.R_magnet_inner + 0.5 * self.magnet_thickness

    @property
    def magnet_width(self) -> float:
        """Width of one magnet piece (arc at mid-thickness), m."""
        return self.magnet_fraction * math.pi / self.p * self.R_magnet_mean / self.magnets_per_pole

    @property
    def magnet_area_per_pole(self) -> float:
        return self.magnet_fraction * math.pi / self.p * self.R_magnet_mean * self.L

    @property
    def magnet_volume(self) -> float:
        return self.magnet_fraction * math.pi * (self.R_magnet_outer**2 - self.R_magnet_inner**2) * self.L

    # --- masses -----------------------------------------------------------------------------
    @property
    def rim_mass(self) -> float:
        a = math.pi * (self.R_rim_outer**2 - self.R_magnet_outer**2) * self.L
        return a * self.stacking_factor * self.density if self.rim is None else a * self.rim.density

    @property
    def core_mass(self) -> float:
        """The rim (the rotor's back iron or structural ring), kg."""
        return self.rim_mass

    @property
    def can_mass(self) -> float:
        if self.can_thickness <= 0:
            return 0.0
        return math.pi * (self.R**2 - self.R_rim_outer**2) * self.L * self.can.density

    @property
    def sleeve_mass(self) -> float:
        """Sleeve on the magnets' gap face plus the retaining can, kg."""
        return math.pi * (self.R_magnet_inner**2 - self.R_gap**2) * self.L * self.sleeve_density + self.can_mass

    # --- fields seen by the stator slots ---------------------------------------------------
    def magnetic_gap_extension(self, mu_r: float) -> float:
        """Magnetic gap the stator slot openings see beyond the air gap, m: sleeve + h_m / mu_r."""
        return self.sleeve + self.magnet_thickness / mu_r

    def surface_ripple_attenuation(self, slot_pitch: float) -> float:
        """Slot-ripple field at the rim / at the magnet face: exp(-2 pi h_m / tau_s) (Laplace decay)."""
        return math.exp(-2 * math.pi * self.magnet_thickness / slot_pitch)

    def magnet_ripple_attenuation(self, slot_pitch: float) -> float:
        """The magnets face the gap: no attenuation."""
        return 1.0

    # --- cross-section -----------------------------------------------------------------------
    def pole_polygons(self, arc_deg: float = 0.5):
        """Magnet segments of pole 0 (axis +x) between R_magnet_inner and R_magnet_outer, and the
        inter-polar air of radially magnetised arcs: (kind, polygon, magnetisation deg or None =
        radial), the convention of :func:`motoropt.geometry.rotor.spm_pole_polygons`."""
        r0, r1 = self.R_magnet_inner, self.R_magnet_outer
        out = []
        for lo, hi, _, mdir in self.array.pole_segments():
            out.append(("magnet", arc_polyline(r1, lo, hi, arc_deg) + arc_polyline(r0, hi, lo, arc_deg), mdir))
        if self.halbach_segments == 1:
            half = 0.5 * self.pole_arc_ratio * math.pi / self.p
            gap = math.pi / self.p - 2 * half
            if gap > 1e-6:
                out.append(("air", arc_polyline(r1, half, half + gap, arc_deg)
                            + arc_polyline(r0, half + gap, half, arc_deg), 0.0))
        return out

    def section_polygons(self) -> list:
        """The whole rotor's polygons: (kind, polygon (m), pole index) for every pole."""
        return pole_section_polygons(self)

    # --- mechanics -----------------------------------------------------------------------------
    def rim_material(self, yield_strength: float) -> RingMaterial:
        """The rim's ring material (a laminated steel rim: the rotor steel's density x stacking
        factor, E of :data:`motoropt.mechanics.ELECTRICAL_STEEL_E`, 12e-6 /K, its yield)."""
        if self.rim is not None:
            return self.rim
        return RingMaterial("rotor_steel", "rotor steel lamination", density=self.density * self.stacking_factor,
                            E=ELECTRICAL_STEEL_E, alpha=12e-6, yield_strength=yield_strength)

    def stress_margins(self, omega: float, yield_strength: float, magnet_density: float, lim: StressLimits) -> dict:
        """Overspeed hoop stress of the rim carrying the magnets and sleeve, with the can if any
        (:func:`motoropt.mechanics.rim_stress`; the rotor's hot limit from ``lim.hot_delta_T``)."""
        layers = [(magnet_density * self.magnet_fraction, self.magnet_thickness, self.R_magnet_mean)]
        if self.sleeve > 0:
            layers.append((self.sleeve_density, self.sleeve, self.R_gap + 0.5 * self.sleeve))
        r = rim_stress(self.R_magnet_outer + 0.5 * self.rim_thickness, self.rim_thickness,
                       self.rim_material(yield_strength), layers, omega, t_can=self.can_thickness,
                       can=self.can, can_strength=lim.sleeve_strength, delta_T=lim.hot_delta_T,
                       safety_factor=lim.safety_factor, overspeed_factor=lim.overspeed_factor)
        out = {"rim_margin": r["rim_margin"], "rim_sigma_mpa": r["sigma"] / 1e6}
        if r["can_margin"] is not None:
            out["can_margin"] = r["can_margin"]
            out["can_sigma_mpa"] = r["sigma_can"] / 1e6
        out["margin"] = min(v for k, v in out.items() if k.endswith("_margin"))
        return out

    def validate(self, prefix: str = "rotor") -> None:
        for name, key in (("D_gap", "air_gap_mm"), ("D_shaft", "shaft_diameter_mm"), ("L", "stack_length_mm"),
                          ("magnet_thickness", "magnet_thickness_mm"), ("rim_thickness", "rim_thickness_mm")):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{key}", _mm(v), "> 0")
        for name, key in (("sleeve", "sleeve_mm"), ("can_thickness", "can_thickness_mm")):
            if getattr(self, name) < 0:
                raise InputError(f"{prefix}.{key}", _mm(getattr(self, name)), ">= 0")
        if self.can_thickness > 0 and self.can is None:
            raise InputError(f"{prefix}.can_thickness_mm", _mm(self.can_thickness), "0 without a can material")
        magnet_array(self.p, self.pole_arc_ratio, self.halbach_segments, outer_rotor=True)  # InputError if invalid
