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

import math
from dataclasses import dataclass

from ..errors import InputError

MIN_IRON = 0.3e-3  # thinnest bridge/post/rib a lamination can be punched or cut with, m


@dataclass(frozen=True)
class InteriorPMRotor:
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
    def R(self) -> float:
        return 0.5 * self.D_r

    @property
    def half_opening_angle(self) -> float:
        """Mechanical half angle of the pole piece at the surface (centre to outer tip), rad."""
        return math.asin(min(1.0, self.v_opening / (2.0 * (self.R - self.bridge))))

    @property
    def pole_arc_ratio(self) -> float:
        """Pole-piece arc / pole pitch (electrical: fraction of pi)."""
        return 2.0 * self.half_opening_angle / (math.pi / self.p)

    @property
    def sagitta(self) -> float:
        return (self.R - self.bridge) * (1.0 - math.cos(self.half_opening_angle))

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
    """Surface-mounted magnets (radially magnetised arcs) on a solid-lamination rotor core.

    D_r: outer diameter over magnets (and sleeve); sleeve: non-magnetic retaining sleeve thickness
    (adds to the magnetic air gap); pole_arc_ratio: magnet arc / pole pitch.
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
        return self.pole_arc_ratio * math.pi / self.p * (self.R_magnet - 0.5 * self.magnet_thickness)

    @property
    def magnet_volume(self) -> float:
        return self.pole_arc_ratio * math.pi * (self.R_magnet**2 - self.R_core**2) * self.L

    @property
    def core_mass(self) -> float:
        return math.pi * (self.R_core**2 - (0.5 * self.D_shaft) ** 2) * self.L * self.stacking_factor * self.density

    @property
    def sleeve_mass(self) -> float:
        return math.pi * (self.R**2 - self.R_magnet**2) * self.L * self.sleeve_density

    def validate(self, prefix: str = "rotor") -> None:
        for name in ("D_r", "D_shaft", "L", "magnet_thickness"):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{_KEYS[name]}", round(v * 1e3, 6), "> 0")
        if not (0.3 <= self.pole_arc_ratio <= 1.0):
            raise InputError(f"{prefix}.pole_arc_ratio", self.pole_arc_ratio, "in [0.3, 1.0]")
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
