"""Parametric stator of a radial-flux inner-rotor machine: slotted lamination and winding space.

Assumptions:
- a trapezoidal slot of width ``slot_width_top`` just below the tooth tip and ``slot_width_bottom``
  at the slot bottom, depth ``slot_depth`` from the bore, with a tooth tip of height ``tip_height``
  and a slot opening ``slot_opening`` (the teeth taper accordingly; :func:`parallel_tooth_slot`
  gives the widths for parallel-sided teeth); the bottom fillet is ignored (a few % of slot area);
- the yoke is the annulus between the slot bottoms and the outer diameter;
- masses use the lamination stacking factor; copper mass uses the slot fill factor (copper area /
  slot area) and the mean turn length including both end windings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from motoropt.errors import InputError


@dataclass(frozen=True)
class Stator:
    """Slotted stator lamination (all lengths in m).

    D_o: outer diameter; D_i: bore diameter; L: stack length; Q: slots; slot_depth: from the bore
    to the slot bottom; slot_width_top/bottom: slot widths below the tip and at the bottom;
    slot_opening: width of the slot
    opening at the bore; tip_height: height of the tooth tip (opening); stacking_factor: iron
    fraction of the stack; density: lamination density, kg/m^3.
    """

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

    # --- derived geometry -------------------------------------------------------------------
    @property
    def slot_pitch(self) -> float:
        """Slot pitch at the bore, m."""
        return math.pi * self.D_i / self.Q

    @property
    def yoke_height(self) -> float:
        """Radial height of the back iron, m."""
        return 0.5 * (self.D_o - self.D_i) - self.slot_depth

    @property
    def tooth_width_top(self) -> float:
        """Tooth width just below the tip, m."""
        return 2.0 * math.pi * (0.5 * self.D_i + self.tip_height) / self.Q - self.slot_width_top

    @property
    def tooth_width_bottom(self) -> float:
        """Tooth width at the tooth root, m."""
        return 2.0 * math.pi * (0.5 * self.D_i + self.slot_depth) / self.Q - self.slot_width_bottom

    @property
    def tooth_width(self) -> float:
        """Mean tooth width, m."""
        return 0.5 * (self.tooth_width_top + self.tooth_width_bottom)

    @property
    def slot_area(self) -> float:
        """Winding area of one slot (trapezoid below the tip), m^2."""
        h = self.slot_depth - self.tip_height
        return 0.5 * (self.slot_width_top + self.slot_width_bottom) * h

    @property
    def tooth_length(self) -> float:
        """Radial length of a tooth (slot depth), m."""
        return self.slot_depth

    @property
    def yoke_mean_diameter(self) -> float:
        return self.D_o - self.yoke_height

    def carter_coefficient(self, g: float) -> float:
        """Carter's coefficient for the slot openings with air gap g (Carter 1901, as in Pyrhönen,
        Design of Rotating Electrical Machines, eq. 3.1): k_C = tau / (tau - kappa b_o),
        kappa = (b_o/g) / (5 + b_o/g)."""
        b = self.slot_opening
        kappa = (b / g) / (5.0 + b / g)
        return self.slot_pitch / (self.slot_pitch - kappa * b)

    # --- masses -----------------------------------------------------------------------------
    @property
    def teeth_mass(self) -> float:
        """Mass of all teeth incl. tips, kg."""
        r_i = 0.5 * self.D_i
        tip_area = (self.slot_pitch - self.slot_opening) * self.tip_height
        body = self.tooth_width * (self.slot_depth - self.tip_height)
        del r_i
        return self.Q * (tip_area + body) * self.L * self.stacking_factor * self.density

    @property
    def yoke_mass(self) -> float:
        r_o, r_y = 0.5 * self.D_o, 0.5 * self.D_i + self.slot_depth
        return math.pi * (r_o**2 - r_y**2) * self.L * self.stacking_factor * self.density

    @property
    def core_mass(self) -> float:
        return self.teeth_mass + self.yoke_mass

    def validate(self, prefix: str = "stator") -> None:
        """Geometric consistency; raises InputError naming the field."""
        for name in ("D_o", "D_i", "L", "slot_depth", "slot_width_top", "slot_width_bottom", "slot_opening", "tip_height"):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"{prefix}.{_KEYS[name]}", _mm(v, name), "> 0")
        if self.Q < 3:
            raise InputError(f"{prefix}.slots", self.Q, ">= 3")
        if self.D_i >= self.D_o:
            raise InputError(f"{prefix}.bore_diameter_mm", _mm(self.D_i), f"< outer_diameter_mm ({_mm(self.D_o)})")
        if self.yoke_height < 0.02 * self.D_o * 0.5 or self.yoke_height <= 1e-3:
            raise InputError(f"{prefix}.slot_depth_mm", _mm(self.slot_depth),
                             f"small enough to leave a yoke: <= {_mm(0.5 * (self.D_o - self.D_i) - max(1e-3, 0.01 * self.D_o))}")
        if self.tip_height >= 0.5 * self.slot_depth:
            raise InputError(f"{prefix}.tip_height_mm", _mm(self.tip_height), f"< half the slot depth ({_mm(0.5 * self.slot_depth)})")
        if self.tooth_width_top < 0.5e-3:
            raise InputError(f"{prefix}.slot_width_top_mm", _mm(self.slot_width_top),
                             f"< {_mm(2 * math.pi * (0.5 * self.D_i + self.tip_height) / self.Q - 0.5e-3)} to leave a tooth of >= 0.5 mm")
        if self.tooth_width_bottom < 0.5e-3:
            raise InputError(f"{prefix}.slot_width_bottom_mm", _mm(self.slot_width_bottom),
                             f"< {_mm(2 * math.pi * (0.5 * self.D_i + self.slot_depth) / self.Q - 0.5e-3)} to leave a tooth of >= 0.5 mm")
        if self.slot_opening >= self.slot_pitch - 0.5e-3:
            raise InputError(f"{prefix}.slot_opening_mm", _mm(self.slot_opening), f"< slot pitch at the bore minus 0.5 mm ({_mm(self.slot_pitch - 0.5e-3)})")
        if not (0.5 <= self.stacking_factor <= 1.0):
            raise InputError(f"{prefix}.stacking_factor", self.stacking_factor, "in [0.5, 1]")


def parallel_tooth_slot(D_i: float, Q: int, slot_depth: float, tip_height: float, tooth_width: float):
    """Slot widths (top, bottom) that give parallel-sided teeth of width ``tooth_width``, m."""
    top = 2.0 * math.pi * (0.5 * D_i + tip_height) / Q - tooth_width
    bottom = 2.0 * math.pi * (0.5 * D_i + slot_depth) / Q - tooth_width
    return top, bottom


_KEYS = {
    "D_o": "outer_diameter_mm", "D_i": "bore_diameter_mm", "L": "stack_length_mm",
    "slot_depth": "slot_depth_mm", "slot_width_top": "slot_width_top_mm",
    "slot_width_bottom": "slot_width_bottom_mm",
    "slot_opening": "slot_opening_mm", "tip_height": "tip_height_mm",
}


def _mm(v: float, name: str | None = None) -> float:
    return round(v * 1e3, 6)
