"""Parametric PM rotors: interior PM with a V of two magnets per pole (flat single layer as the
special case of a straight V), and surface PM.

Interior-PM V (lengths in m, angles in rad; cf. the 2004 Prius rotor):
  ``v_depth``    depth of the V's vertex (upper edge of the barrier at the pole centre) below the
                 rotor surface;
  ``v_opening``  chord between the two outer tips of the V, measured on the circle of radius
                 R_r - bridge;
  ``bridge``     thickness of the tangential bridge between each outer tip and the air gap;
  ``post``       width of the radial centre post between the two barriers (0: one V-shaped hole);
  ``magnet_width``, ``magnet_thickness``: each of the two magnets per pole.
A flat single-layer rotor is ``v_depth = bridge + sagitta`` (legs tangential): use
:func:`flat_ipm` to build one from a depth.

Assumptions: magnets fill their barrier leg (air pockets only at the tips); the pole piece is the
iron between the rotor surface and the V; masses use the stacking factor; fillets are ignored.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from motoropt.errors import InputError
from motoropt.geometry.magnet_array import MagnetArray, magnet_array
from motoropt.geometry.polygons import arc_polyline, polygon_area, rotate
from motoropt.mechanics import StressLimits, disc_bore_hoop_stress, ipm_bridge_stress, spm_sleeve_stress

MIN_IRON = 0.3e-3  # thinnest bridge/post/rib a lamination can be punched or cut with, m


class BuriedMagnetRotor:
    """What the interior-PM rotors (V, flat, arc) share: iron up to the air gap, magnets buried below
    a pole piece held by bridges (and a post). Needs R, L, p, bridge, v_depth, post,
    magnet_thickness, magnet_width, magnets_per_pole, pole_piece_mass, stacking_factor."""

    surface_mounted: ClassVar[bool] = False
    sleeve: ClassVar[float] = 0.0
    sleeve_mass: ClassVar[float] = 0.0

    @property
    def R(self) -> float:
        return 0.5 * self.D_r

    @property
    def half_opening_angle(self) -> float:
        """Mechanical half angle of the pole piece at the surface (centre to outer tip), rad: the
        barrier's end chord (``opening_chord``) on the circle R - bridge."""
        return math.asin(min(1.0, self.opening_chord / (2.0 * (self.R - self.bridge))))

    @property
    def pole_arc_ratio(self) -> float:
        """Pole-piece arc / pole pitch (electrical: fraction of pi)."""
        return 2.0 * self.half_opening_angle / (math.pi / self.p)

    @property
    def sagitta(self) -> float:
        return (self.R - self.bridge) * (1.0 - math.cos(self.half_opening_angle))

    @property
    def R_core(self) -> float:
        """Outer radius of the rotor iron, m (the rotor surface)."""
        return self.R

    def magnetic_gap_extension(self, mu_r: float) -> float:
        """Magnetic gap the stator slot openings see beyond the air gap, m (none: iron surface)."""
        return 0.0

    def surface_ripple_attenuation(self, slot_pitch: float) -> float:
        """Slot-ripple field at the rotor iron / at the rotor surface (the iron is the surface)."""
        return 1.0

    def section_polygons(self) -> list:
        """The whole rotor's polygons: (kind "magnet" | "air", polygon (m), pole index) for every pole."""
        return pole_section_polygons(self)

    def magnet_ripple_attenuation(self, slot_pitch: float) -> float:
        """Slot-ripple field at the magnets / at the rotor surface: Laplace decay exp(-2 pi d /
        tau_s) through the bridge and half the pole-piece depth."""
        return math.exp(-2 * math.pi * self.bridge / slot_pitch) * math.exp(-2 * math.pi * 0.5 * self.v_depth / slot_pitch)

    def stress_margins(self, omega: float, yield_strength: float, magnet_density: float, lim: StressLimits) -> dict:
        """Overspeed margins (:mod:`motoropt.mechanics`): lamination disc at the bore, and the bridges
        + post carrying the pole piece and magnets (centroid radii approximate: pole piece at
        R - v_depth / 2, magnets at mid-leg, mid-thickness)."""
        sf, of = lim.safety_factor, lim.overspeed_factor
        disc = disc_bore_hoop_stress(0.5 * self.D_shaft, self.R, rho=self.density, omega=omega,
                                     yield_strength=yield_strength, safety_factor=sf, overspeed_factor=of)
        m_iron = self.pole_piece_mass
        m_mag = self.magnets_per_pole * self.magnet_width * self.magnet_thickness * self.L * magnet_density
        r_iron = self.R - 0.5 * self.v_depth
        r_mag = self.R - 0.5 * (self.v_depth + self.bridge) - 0.5 * self.magnet_thickness
        r_cg = (m_iron * r_iron + m_mag * r_mag) / (m_iron + m_mag)
        b = ipm_bridge_stress(m_iron, m_mag, r_cg, omega, self.L * self.stacking_factor, self.bridge, 2, self.post,
                              k_t=lim.bridge_kt, yield_strength=yield_strength, safety_factor=sf, overspeed_factor=of)
        out = {"disc_margin": disc["margin"], "disc_sigma_mpa": disc["sigma"] / 1e6,
               "bridge_margin": b["margin"], "bridge_sigma_peak_mpa": b["sigma_peak"] / 1e6}
        out["margin"] = min(out["disc_margin"], out["bridge_margin"])
        return out


@dataclass(frozen=True)
class InteriorPMRotor(BuriedMagnetRotor):
    D_r: float
    D_shaft: float
    L: float
    p: int
    magnet_width: float
    magnet_thickness: float
    v_depth: float
    v_opening: float
    bridge: float
    post: float = 0.0
    rib: float | None = None  # q-axis rib width between adjacent poles' barrier pockets (None: the
    #                           barrier ends at the outer tips of the V)
    magnets_per_pole: int = 2
    magnet_segments: int = 1  # axial segments per magnet (eddy loss)
    stacking_factor: float = 0.95
    density: float = 7650.0
    kind: str = "ipm_v"

    # --- derived ----------------------------------------------------------------------------
    @property
    def opening_chord(self) -> float:
        return self.v_opening

    @property
    def leg_rise(self) -> float:
        """Radial rise of each leg from the vertex to the outer tip, m."""
        return self.v_depth - self.bridge - self.sagitta

    @property
    def leg_angle(self) -> float:
        """Inclination of each leg from the tangential direction, rad (0 = flat)."""
        return math.atan2(self.leg_rise, 0.5 * (self.v_opening - self.post))

    @property
    def leg_length(self) -> float:
        return math.hypot(self.leg_rise, 0.5 * (self.v_opening - self.post))

    @property
    def magnet_area_per_pole(self) -> float:
        """Pole-face area of the magnets of one pole (flux-carrying), m^2."""
        return self.magnets_per_pole * self.magnet_width * self.L

    @property
    def magnet_volume(self) -> float:
        return 2 * self.p * self.magnets_per_pole * self.magnet_width * self.magnet_thickness * self.L

    @property
    def pole_piece_area(self) -> float:
        """Cross-section of the iron pole piece above the V (per pole), m^2."""
        R1 = self.R - self.bridge
        a = self.half_opening_angle
        segment = 0.5 * R1**2 * (2 * a - math.sin(2 * a))
        trapezoid = 0.5 * (self.v_opening + self.post) * self.leg_rise
        return segment + trapezoid + self.bridge * self.v_opening

    @property
    def pole_piece_depth(self) -> float:
        """Radial depth of the pole piece at the pole centre, m (tangential q-flux path height)."""
        return self.v_depth

    @property
    def bridge_area_per_pole(self) -> float:
        """Iron cross-section per unit length shunting the magnets of one pole (two tangential
        bridges + centre post), m (multiply by L for m^2)."""
        return 2.0 * self.bridge + self.post

    @property
    def bridge_length(self) -> float:
        """Flux path length through a saturated bridge, m (about the magnet thickness)."""
        return self.magnet_thickness

    @property
    def barrier_depth(self) -> float:
        """Depth of the lowest point of the barriers below the surface, m."""
        return self.v_depth + self.magnet_thickness / max(math.cos(self.leg_angle), 0.2)

    @property
    def hole_area_per_pole(self) -> float:
        return self.magnets_per_pole * self.magnet_thickness * max(self.leg_length, self.magnet_width)

    @property
    def core_mass(self) -> float:
        annulus = math.pi * (self.R**2 - (0.5 * self.D_shaft) ** 2)
        return (annulus - 2 * self.p * self.hole_area_per_pole) * self.L * self.stacking_factor * self.density

    @property
    def pole_piece_mass(self) -> float:
        return self.pole_piece_area * self.L * self.stacking_factor * self.density

    def pole_polygons(self):
        """Hole polygons of one pole (:func:`ipm_pole_polygons`)."""
        return ipm_pole_polygons(self)

    def validate(self, prefix: str = "rotor") -> None:
        for name in ("D_r", "D_shaft", "L", "magnet_width", "magnet_thickness", "v_depth", "v_opening", "bridge"):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{_KEYS[name]}", round(v * 1e3, 6), "> 0")
        if self.post < 0:
            raise InputError(f"{prefix}.post_mm", round(self.post * 1e3, 6), ">= 0")
        if self.bridge < MIN_IRON:
            raise InputError(f"{prefix}.bridge_mm", round(self.bridge * 1e3, 6), f">= {MIN_IRON * 1e3} (thinnest lamination bridge)")
        if self.D_shaft >= self.D_r:
            raise InputError(f"{prefix}.shaft_diameter_mm", round(self.D_shaft * 1e3, 6), f"< rotor outer diameter ({self.D_r * 1e3:.3f})")
        if self.v_opening >= 2 * (self.R - self.bridge):
            raise InputError(f"{prefix}.v_opening_mm", round(self.v_opening * 1e3, 6), f"< rotor diameter minus bridges ({2e3 * (self.R - self.bridge):.3f})")
        rib = 2.0 * (math.pi / (2 * self.p) - self.half_opening_angle) * (self.R - self.bridge)
        if rib < MIN_IRON + self.magnet_thickness * math.sin(self.leg_angle):
            max_open = 2 * (self.R - self.bridge) * math.sin(math.pi / (2 * self.p)) - self.magnet_thickness
            raise InputError(f"{prefix}.v_opening_mm", round(self.v_opening * 1e3, 6),
                             f"small enough to leave an iron rib between poles (about <= {max_open * 1e3:.3f})")
        if self.leg_rise < -1e-9:
            raise InputError(f"{prefix}.v_depth_mm", round(self.v_depth * 1e3, 6),
                             f">= bridge + sagitta ({(self.bridge + self.sagitta) * 1e3:.3f}) so that the V opens towards the gap")
        if self.magnet_width > self.leg_length + 1e-9:
            raise InputError(f"{prefix}.magnet_width_mm", round(self.magnet_width * 1e3, 6),
                             f"<= the barrier leg length ({self.leg_length * 1e3:.3f}) so that the magnet fits")
        if self.rib is not None:
            rib_max = 2 * (math.pi / (2 * self.p) - self.half_opening_angle) * (self.R - self.bridge)
            if not (MIN_IRON <= self.rib <= rib_max):
                raise InputError(f"{prefix}.rib_mm", round(self.rib * 1e3, 6),
                                 f"in [{MIN_IRON * 1e3}, {rib_max * 1e3:.3f}] (between the V tips of adjacent poles)")
        yoke = self.R - self.barrier_depth - 0.5 * self.D_shaft
        if yoke < 2e-3:
            raise InputError(f"{prefix}.magnet_thickness_mm", round(self.magnet_thickness * 1e3, 6),
                             f"small enough to leave >= 2 mm of rotor yoke above the shaft (yoke is {yoke * 1e3:.2f} mm)")


@dataclass(frozen=True)
class SurfacePMRotor:
    """Surface-mounted magnets (radially magnetised arcs, or a Halbach array) on a solid-lamination
    rotor core.

    D_r: outer diameter over magnets (and sleeve); sleeve: non-magnetic retaining sleeve thickness
    (adds to the magnetic air gap); pole_arc_ratio: magnet arc / pole pitch; halbach_segments: 1 for
    radial arcs, 2-5 for a Halbach array of that many parallel-magnetised segments per pole filling
    the pole pitch (strong side outwards; :mod:`motoropt.geometry.magnet_array`).
    """

    D_r: float
    D_shaft: float
    L: float
    p: int
    magnet_thickness: float
    pole_arc_ratio: float
    sleeve: float = 0.0
    sleeve_density: float = 1600.0  # carbon-fibre composite, kg/m^3
    magnet_segments: int = 1
    stacking_factor: float = 0.95
    density: float = 7650.0
    kind: str = "spm"
    halbach_segments: int = 1

    @property
    def R(self) -> float:
        return 0.5 * self.D_r

    @property
    def R_magnet(self) -> float:
        """Outer radius of the magnets, m."""
        return self.R - self.sleeve

    @property
    def R_core(self) -> float:
        return self.R_magnet - self.magnet_thickness

    @property
    def magnet_area_per_pole(self) -> float:
        return self.pole_arc_ratio * math.pi / self.p * (self.R_magnet - 0.5 * self.magnet_thickness) * self.L

    @property
    def magnet_width(self) -> float:
        """Width of one magnet piece (a Halbach segment or the pole's arc) at mid-thickness, m."""
        return (self.pole_arc_ratio * math.pi / self.p * (self.R_magnet - 0.5 * self.magnet_thickness)
                / self.halbach_segments)

    @property
    def array(self) -> MagnetArray:
        """The magnet array (:func:`motoropt.geometry.magnet_array.magnet_array`; stator outside)."""
        return magnet_array(self.p, self.pole_arc_ratio, self.halbach_segments, outer_rotor=False)

    @property
    def magnets_per_pole(self) -> int:
        return int(self.halbach_segments)

    @property
    def magnet_volume(self) -> float:
        return self.pole_arc_ratio * math.pi * (self.R_magnet**2 - self.R_core**2) * self.L

    @property
    def core_mass(self) -> float:
        return math.pi * (self.R_core**2 - (0.5 * self.D_shaft) ** 2) * self.L * self.stacking_factor * self.density

    @property
    def sleeve_mass(self) -> float:
        return math.pi * (self.R**2 - self.R_magnet**2) * self.L * self.sleeve_density

    surface_mounted: ClassVar[bool] = True

    def magnetic_gap_extension(self, mu_r: float) -> float:
        """Magnetic gap the stator slot openings see beyond the air gap, m: sleeve + h_m / mu_r."""
        return self.sleeve + self.magnet_thickness / mu_r

    def surface_ripple_attenuation(self, slot_pitch: float) -> float:
        """Slot-ripple field at the core surface / at the magnet surface: exp(-2 pi h_m / tau_s)."""
        return math.exp(-2 * math.pi * self.magnet_thickness / slot_pitch)

    def magnet_ripple_attenuation(self, slot_pitch: float) -> float:
        """The magnets face the gap: no attenuation."""
        return 1.0

    def pole_polygons(self):
        """Magnet and inter-polar air polygons of one pole (:func:`spm_pole_polygons`)."""
        return spm_pole_polygons(self)

    def section_polygons(self) -> list:
        """The whole rotor's polygons: (kind, polygon (m), pole index) for every pole."""
        return pole_section_polygons(self)

    def stress_margins(self, omega: float, yield_strength: float, magnet_density: float, lim: StressLimits) -> dict:
        """Overspeed margins: core disc at the bore and, with a sleeve, its hoop stress."""
        sf, of = lim.safety_factor, lim.overspeed_factor
        disc = disc_bore_hoop_stress(0.5 * self.D_shaft, self.R_core, rho=self.density, omega=omega,
                                     yield_strength=yield_strength, safety_factor=sf, overspeed_factor=of)
        out = {"disc_margin": disc["margin"], "disc_sigma_mpa": disc["sigma"] / 1e6}
        if self.sleeve > 0:
            sl = spm_sleeve_stress(self.R - 0.5 * self.sleeve, self.sleeve, self.sleeve_density, magnet_density,
                                   self.magnet_thickness, omega, strength=lim.sleeve_strength, safety_factor=sf,
                                   overspeed_factor=of)
            out["sleeve_margin"] = sl["margin"]
            out["sleeve_sigma_mpa"] = sl["sigma"] / 1e6
        out["margin"] = min(v for k, v in out.items() if k.endswith("_margin"))
        return out

    def validate(self, prefix: str = "rotor") -> None:
        for name in ("D_r", "D_shaft", "L", "magnet_thickness"):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{_KEYS[name]}", round(v * 1e3, 6), "> 0")
        if not (0.3 <= self.pole_arc_ratio <= 1.0):
            raise InputError(f"{prefix}.pole_arc_ratio", self.pole_arc_ratio, "in [0.3, 1.0]")
        magnet_array(self.p, self.pole_arc_ratio, self.halbach_segments, outer_rotor=False)  # InputError if invalid
        if self.sleeve < 0:
            raise InputError(f"{prefix}.sleeve_mm", round(self.sleeve * 1e3, 6), ">= 0")
        if self.R_core - 0.5 * self.D_shaft < 2e-3:
            raise InputError(f"{prefix}.magnet_thickness_mm", round(self.magnet_thickness * 1e3, 6),
                             "small enough to leave >= 2 mm of rotor core above the shaft")


def flat_ipm(D_r, D_shaft, L, p, magnet_width, magnet_thickness, depth, bridge, post=0.0, **kw) -> InteriorPMRotor:
    """Single-layer flat-barrier IPM: the magnets' upper face lies ``depth`` below the surface at the
    pole centre and the barrier runs straight to the bridges at radius R - bridge."""
    R1 = 0.5 * D_r - bridge
    d = 0.5 * D_r - depth
    if not (0 < d < R1):
        raise InputError("rotor.magnet_depth_mm", round(depth * 1e3, 6), f"in ({bridge * 1e3:.3f}, {0.5e3 * D_r:.3f})")
    v_opening = 2.0 * math.sqrt(R1**2 - d**2)
    return InteriorPMRotor(D_r=D_r, D_shaft=D_shaft, L=L, p=p, magnet_width=magnet_width,
                           magnet_thickness=magnet_thickness, v_depth=depth, v_opening=v_opening,
                           bridge=bridge, post=post, kind="ipm_flat", **kw)


_KEYS = {
    "D_r": "outer_diameter_mm", "D_shaft": "shaft_diameter_mm", "L": "stack_length_mm",
    "magnet_width": "magnet_width_mm", "magnet_thickness": "magnet_thickness_mm",
    "v_depth": "v_depth_mm", "v_opening": "v_opening_mm", "bridge": "bridge_mm",
}


@dataclass(frozen=True)
class ArcPMRotor(BuriedMagnetRotor):
    """Interior PM rotor with one circular-arc (U/C-shaped) barrier per pole, concave towards the
    air gap and filled with a bonded magnet moulded into it (topology "ipm_arc").

    Geometry (lengths in m, angles in rad, pole centre on the x axis):
      ``arc_opening``  chord between the two ends of the barrier's upper (gap-side) edge, measured on
                       the circle of radius R - bridge (the ends E = (R1 cos a, +-R1 sin a));
      ``arc_depth``    depth of the upper edge's lowest point (at the pole centre) below the surface;
      ``magnet_thickness``  thickness of the arc band (normal to the arc), magnet fills the barrier;
      ``bridge``       iron between the barrier ends and the air gap.
    The upper edge is the circle through E+, E- and B = (R - arc_depth, 0); its centre C = (x_c, 0)
    lies on the gap side (x_c > R1 cos a: concave towards the gap). The band runs between radii rho
    and rho + h_m about C over the angle 2 phi (sin phi = R1 sin a / rho); its ends are cut normal to
    the arc. The magnet is magnetised normal to the arc (radially about C), so its flux-carrying
    area is the log-mean face 2 phi L h_m / ln(1 + h_m / rho) (exact for a radially magnetised
    ring segment). Fillets are ignored; masses use the stacking factor.
    """

    D_r: float
    D_shaft: float
    L: float
    p: int
    magnet_thickness: float
    arc_depth: float
    arc_opening: float
    bridge: float
    magnet_segments: int = 1
    stacking_factor: float = 0.95
    density: float = 7650.0
    kind: str = "ipm_arc"
    post: float = 0.0  # no centre post (one arc per pole)
    magnets_per_pole: int = 1
    rib: float | None = None

    @property
    def opening_chord(self) -> float:
        return self.arc_opening

    def _end(self):
        R1, a = self.R - self.bridge, self.half_opening_angle
        return R1 * math.cos(a), R1 * math.sin(a)

    @property
    def arc_centre(self) -> float:
        """x of the arc centre C (on the pole axis), m."""
        xE, yE = self._end()
        xB = self.R - self.arc_depth
        return (xB * xB - xE * xE - yE * yE) / (2.0 * (xB - xE))

    @property
    def arc_radius(self) -> float:
        """Radius rho of the barrier's upper edge, m."""
        return self.arc_centre - (self.R - self.arc_depth)

    @property
    def arc_half_angle(self) -> float:
        """Half angle phi of the band about its centre, rad."""
        xE, yE = self._end()
        return math.atan2(yE, self.arc_centre - xE)

    @property
    def lower_corner(self):
        """Outer end E' of the band's lower edge: where the circle rho + h_m about C meets the circle
        R - bridge (the barrier ends follow the bridge), (x, y) in m."""
        xc, r2, R1 = self.arc_centre, self.arc_radius + self.magnet_thickness, self.R - self.bridge
        x = (R1 * R1 - r2 * r2 + xc * xc) / (2.0 * xc)
        return x, math.sqrt(max(R1 * R1 - x * x, 0.0))

    @property
    def lower_half_angle(self) -> float:
        """Half angle of the band's lower edge about C, rad."""
        x, y = self.lower_corner
        return math.atan2(y, self.arc_centre - x)

    @property
    def _mean_half_angle(self) -> float:
        return 0.5 * (self.arc_half_angle + self.lower_half_angle)

    @property
    def magnet_width(self) -> float:
        """Mean arc length of the band (the magnet's width across the flux), m."""
        return 2.0 * self._mean_half_angle * (self.arc_radius + 0.5 * self.magnet_thickness)

    @property
    def magnet_area_per_pole(self) -> float:
        """Flux-carrying area of the arc magnet (log-mean face over the mean angle), m^2."""
        rho, h = self.arc_radius, self.magnet_thickness
        return 2.0 * self._mean_half_angle * self.L * h / math.log1p(h / rho)

    @property
    def magnet_cross_section(self) -> float:
        """Area of the band in the lamination plane (mean angle x annulus), m^2 (per pole)."""
        rho, h = self.arc_radius, self.magnet_thickness
        return self._mean_half_angle * ((rho + h) ** 2 - rho**2)

    @property
    def magnet_volume(self) -> float:
        return 2 * self.p * self.magnet_cross_section * self.L

    @property
    def v_depth(self) -> float:
        """Pole-piece depth at the pole centre (= arc_depth; name shared with the V rotor), m."""
        return self.arc_depth

    @property
    def barrier_depth(self) -> float:
        """Depth of the band's lowest point below the surface, m."""
        return self.arc_depth + self.magnet_thickness

    @property
    def rib_width(self) -> float:
        """Iron between adjacent poles' barriers: twice the smallest distance of the band from the
        q-axis line (its corners E, E', and the lower arc, which can bulge past E' towards the q axis:
        on the arc P = C + r2 (cos psi, sin psi) the distance is x_C sin th - r2 sin(psi - th),
        smallest at psi = pi/2 + th when the arc reaches that angle), m."""
        th = math.pi / (2 * self.p)
        d = []
        for x, y in (self._end(), self.lower_corner):
            d.append(math.hypot(x, y) * math.sin(th - math.atan2(y, x)))
        if math.pi - self.lower_half_angle <= 0.5 * math.pi + th:  # the arc passes its closest point
            r2 = self.arc_radius + self.magnet_thickness
            d.append(self.arc_centre * math.sin(th) - r2)
        return 2.0 * min(d)

    @property
    def pole_piece_area(self) -> float:
        """Iron between the surface and the barrier's upper edge (per pole), m^2: the rotor's
        circular segment over the chord E+E- plus the lens between that chord and the arc, plus the
        bridges' strip."""
        R1, a = self.R - self.bridge, self.half_opening_angle
        segment = 0.5 * R1**2 * (2 * a - math.sin(2 * a))
        rho, phi = self.arc_radius, self.arc_half_angle
        lens = 0.5 * rho**2 * (2 * phi - math.sin(2 * phi))
        return segment + lens + self.bridge * self.arc_opening

    @property
    def pole_piece_mass(self) -> float:
        return self.pole_piece_area * self.L * self.stacking_factor * self.density

    @property
    def core_mass(self) -> float:
        annulus = math.pi * (self.R**2 - (0.5 * self.D_shaft) ** 2)
        return (annulus - 2 * self.p * self.magnet_cross_section) * self.L * self.stacking_factor * self.density

    def pole_polygons(self):
        """Magnet polygons of one pole (:func:`arc_pole_polygons`)."""
        return arc_pole_polygons(self)

    def validate(self, prefix: str = "rotor") -> None:
        for name, key in (("D_r", "outer_diameter_mm"), ("D_shaft", "shaft_diameter_mm"), ("L", "stack_length_mm"),
                          ("magnet_thickness", "magnet_thickness_mm"), ("arc_depth", "arc_depth_mm"),
                          ("arc_opening", "arc_opening_mm"), ("bridge", "bridge_mm")):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{key}", round(v * 1e3, 6), "> 0")
        if self.bridge < MIN_IRON:
            raise InputError(f"{prefix}.bridge_mm", round(self.bridge * 1e3, 6), f">= {MIN_IRON * 1e3} (thinnest lamination bridge)")
        if self.D_shaft >= self.D_r:
            raise InputError(f"{prefix}.shaft_diameter_mm", round(self.D_shaft * 1e3, 6), f"< rotor outer diameter ({self.D_r * 1e3:.3f})")
        R1 = self.R - self.bridge
        chord_max = 2 * R1 * math.sin(math.pi / (2 * self.p))
        if self.arc_opening >= chord_max:
            raise InputError(f"{prefix}.arc_opening_mm", round(self.arc_opening * 1e3, 6),
                             f"< the pole chord at R - bridge ({chord_max * 1e3:.3f}) minus the rib")
        flat = self.bridge + self.sagitta
        if self.arc_depth <= flat * 1.001 + 1e-5:
            raise InputError(f"{prefix}.arc_depth_mm", round(self.arc_depth * 1e3, 6),
                             f"> bridge + sagitta ({flat * 1e3:.3f}) + 0.01 so that the arc is concave towards the gap")
        if self.arc_centre <= self._end()[0]:
            raise InputError(f"{prefix}.arc_depth_mm", round(self.arc_depth * 1e3, 6),
                             "small enough for a circular arc through the ends (at most a half circle)")
        xc = self.arc_centre
        if not (abs(xc - R1) < self.arc_radius + self.magnet_thickness < xc + R1):
            raise InputError(f"{prefix}.magnet_thickness_mm", round(self.magnet_thickness * 1e3, 6),
                             "small enough that the band's lower edge meets the bridge circle")
        if self.rib_width < MIN_IRON:
            raise InputError(f"{prefix}.arc_opening_mm", round(self.arc_opening * 1e3, 6),
                             f"small enough to leave an iron rib of >= {MIN_IRON * 1e3} mm between poles "
                             f"(rib is {self.rib_width * 1e3:.3f} mm)")
        yoke = self.R - self.barrier_depth - 0.5 * self.D_shaft
        if yoke < 2e-3:
            raise InputError(f"{prefix}.arc_depth_mm", round(self.arc_depth * 1e3, 6),
                             f"small enough (with magnet_thickness_mm) to leave >= 2 mm of rotor yoke above the shaft (yoke is {yoke * 1e3:.2f} mm)")


# ---------------------------------------------------------------------- pole polygons (pole frame)
def pole_section_polygons(r) -> list:
    """Every pole's polygons of a PM rotor: (kind, polygon rotated to the pole, pole index), pole j
    centred at j pi / p (pole 0 is N on the +x axis)."""
    return [(kind, rotate(poly, j * math.pi / r.p), j) for j in range(2 * r.p) for kind, poly, _ in r.pole_polygons()]



def ipm_pole_polygons(r: InteriorPMRotor):
    """Hole polygons of one pole (axis +x): list of (kind, polygon, magdir_deg) with kind "magnet"/"air"."""
    R = r.R
    t, w = r.magnet_thickness, r.magnet_width
    a = r.half_opening_angle
    Rb = R - r.bridge
    out = []
    legs = {}
    for side in (1, -1):
        P0 = np.array([R - r.v_depth, side * 0.5 * r.post])
        P1 = np.array([Rb * math.cos(a), side * Rb * math.sin(a)])
        u = (P1 - P0) / np.hypot(*(P1 - P0))
        n = np.array([u[1], -u[0]]) if side > 0 else np.array([-u[1], u[0]])  # towards the gap
        # lower edge: P0 - t n + s u; the barrier ends with a cap perpendicular to the leg at the outer
        # tip P1 (bridge = distance from P1 to the rotor surface; the cap takes t sin(leg angle) of the rib)
        L0 = P0 - t * n
        P2 = P1 - t * n
        wm = min(w, float(np.hypot(*(P1 - P0))))
        M1 = P0 + wm * u
        M2 = M1 - t * n
        legs[side] = (P0, P1, P2, L0, M1, M2, n)
        mag = [tuple(P0), tuple(M1), tuple(M2), tuple(L0)]
        out.append(("magnet", mag if polygon_area(mag) > 0 else mag[::-1], math.degrees(math.atan2(n[1], n[0]))))
        tip = [tuple(M1), tuple(P1), tuple(P2), tuple(M2)]
        if abs(polygon_area(tip)) > 1e-12:
            out.append(("air", tip if polygon_area(tip) > 0 else tip[::-1], 0.0))
    # vertex pocket
    P0p, L0p, L0m = legs[1][0], legs[1][3], legs[-1][3]
    if r.post <= 0.0:
        x_low = (R - r.v_depth) - t / max(math.cos(r.leg_angle), 1e-6)
        vert = [tuple(P0p), tuple(L0p), (x_low, 0.0), tuple(L0m)]
        if abs(polygon_area(vert)) > 1e-12:
            out.append(("air", vert if polygon_area(vert) > 0 else vert[::-1], 0.0))
    else:
        for side, (P0, _, _, L0, _, _, n) in legs.items():
            # lower line meets y = side*post/2
            u = np.array([-n[1], n[0]]) * side
            if abs(u[1]) > 1e-12:
                s = (side * 0.5 * r.post - L0[1]) / u[1]
                Q0 = L0 + s * u
                tri = [tuple(P0), tuple(L0), tuple(Q0)]
                if abs(polygon_area(tri)) > 1e-12:
                    out.append(("air", tri if polygon_area(tri) > 0 else tri[::-1], 0.0))
    return out


def spm_pole_polygons(r: SurfacePMRotor, arc_deg: float = 0.5):
    """Magnet arc of one pole (axis +x), radially magnetised (magdir None), and the inter-polar air
    between it and the next pole; both polylines with the same arc pieces, so together they form the
    rotor core's outer boundary at R_core. A Halbach array: its segments in the pole (the q-axis
    segments of an even count cut in halves at the pole boundary), each with its magnetisation
    direction (deg)."""
    if r.halbach_segments > 1:
        return [("magnet", arc_polyline(r.R_magnet, lo, hi, arc_deg) + arc_polyline(r.R_core, hi, lo, arc_deg), mdir)
                for lo, hi, _, mdir in r.array.pole_segments()]
    half = 0.5 * r.pole_arc_ratio * math.pi / r.p
    outer = arc_polyline(r.R_magnet, -half, half, arc_deg)
    inner = arc_polyline(r.R_core, half, -half, arc_deg)
    out = [("magnet", outer + inner, None)]
    gap = math.pi / r.p - 2 * half
    if gap > 1e-6:
        out.append(("air", arc_polyline(r.R_magnet, half, half + gap, arc_deg)
                    + arc_polyline(r.R_core, half + gap, half, arc_deg), 0.0))
    return out


def arc_pole_polygons(r: ArcPMRotor, seg_deg: float = 6.0, arc_deg: float = 2.0):
    """Magnet polygons of one pole (axis +x) of an arc-barrier (ipm_arc) rotor: list of
    (kind, polygon, magdir_deg), all kind "magnet", counter-clockwise, in m (the return convention of
    :func:`ipm_pole_polygons`).

    Shape (:class:`~motoropt.geometry.rotor.ArcPMRotor`): in polar coordinates (s, t) about the arc
    centre C = (x_c, 0) a point is (x_c - s cos t, s sin t) (t = 0 on the pole axis, rotor-centre side
    of C). The band lies between s = rho (gap-side edge, |t| <= phi, ends E on the circle R - bridge)
    and s = rho + h_m (lower edge, |t| <= phi_l, ends E' = :attr:`ArcPMRotor.lower_corner` on the
    same circle); each end E -> E' follows the circle R - bridge, so the bridge is exactly ``bridge``
    thick along it (the end is normal to the arc up to the small angle |phi - phi_l|). The bonded
    magnet fills the band, magnetised normal to the arc towards C, i.e. towards the air gap on an N
    pole (the V rotor's convention): at angle t the direction is (cos t, -sin t), magdir = -t.

    Discretisation: the band over |t| <= min(phi, phi_l) is split into an even number of equal angular
    segments of at most ``seg_deg`` degrees about C (so a vertex lies on the pole axis, at the band's
    deepest point), each its own magnet block with magdir = -t at its middle (the
    magnetisation deviates by at most seg_deg / 2 from the true direction: a flux loss of
    1 - sinc(seg_deg / 2), 0.05 % at 6 deg); the two end pieces between t = +-min(phi, phi_l) and the
    ends E -> E' are one block each (magdir at the middle of their t range). Arcs are polylines with
    vertices on the true circles and pieces of at most ``arc_deg`` degrees about their own centre
    (the chords cut off a relative area of about (arc_deg in rad)^2 / 12: 1e-4 at 2 deg). All vertices
    lie in the disc r <= R - bridge, which is convex, so the bridge to the air gap is >= ``bridge``.
    """
    if not (0.0 < seg_deg <= 30.0):
        raise InputError("seg_deg", seg_deg, "in (0, 30]")
    if not (0.0 < arc_deg <= seg_deg):
        raise InputError("arc_deg", arc_deg, f"in (0, seg_deg = {seg_deg}]")
    xc, s_lo, s_hi = r.arc_centre, r.arc_radius, r.arc_radius + r.magnet_thickness
    phi_u, phi_l = r.arc_half_angle, r.lower_half_angle
    t_min = min(phi_u, phi_l)
    R1 = r.R - r.bridge
    step = math.radians(arc_deg)

    def P(s, t):
        return (xc - s * math.cos(t), s * math.sin(t))

    def c_arc(s, t0, t1):
        """Polyline on the circle of radius s about C from t0 to t1 (rad), both ends included."""
        n = max(1, math.ceil(abs(t1 - t0) / step - 1e-9))
        return [P(s, t0 + (t1 - t0) * k / n) for k in range(n)] + [P(s, t1)]

    def ccw(poly):
        return poly if polygon_area(poly) > 0 else poly[::-1]

    out = []
    n_seg = 2 * max(1, math.ceil(math.degrees(t_min) / seg_deg - 1e-9))  # even: a vertex on the pole axis
    ts = [-t_min] + [-t_min + 2.0 * t_min * k / n_seg for k in range(1, n_seg)] + [t_min]
    for t0, t1 in itertools.pairwise(ts):
        out.append(("magnet", ccw(c_arc(s_lo, t0, t1) + c_arc(s_hi, t1, t0)), -math.degrees(0.5 * (t0 + t1))))
    if abs(phi_u - phi_l) > 1e-9:
        t_max = max(phi_u, phi_l)
        for side in (1.0, -1.0):
            # the radial cut at t_min, the longer edge from the cut to its end corner, back along the
            # bridge circle R - bridge to the other end corner (which lies on the cut)
            if phi_u > phi_l:  # gap-side edge longer; E' = P(s_hi, phi_l) is on the cut
                first = P(s_hi, side * t_min)
                edge = c_arc(s_lo, side * t_min, side * t_max)  # cut -> E
            else:  # lower edge longer; E = P(s_lo, phi_u) is on the cut
                first = P(s_lo, side * t_min)
                edge = c_arc(s_hi, side * t_min, side * t_max)  # cut -> E'
            end = edge[-1]
            a0, a1 = math.atan2(end[1], end[0]), math.atan2(first[1], first[0])
            back = arc_polyline(R1, a0, a1, arc_deg)[1:-1]
            out.append(("magnet", ccw([first] + edge + back), -math.degrees(0.5 * side * (t_min + t_max))))
    return out
