"""Squirrel-cage rotor geometry: bars, neck (slot opening or closed bridge), end rings, masses.

Assumptions (all lengths in m):
- ``Q_r`` rectangular bars of width ``bar_width`` and radial height ``bar_height``; the bar top lies
  ``opening_height`` below the rotor surface. Semi-closed slots: a neck of width ``bar_opening`` and
  height ``opening_height`` (air). Closed slots (``closed``): a steel bridge of thickness
  ``opening_height`` over the bar (the bridge width seen by the bar's leakage flux is the bar width).
- The rotor teeth between rectangular bars taper (narrowest at the bar bottom).
- Bars run the stack length plus ``bar_extension`` at each end into the end rings; the rings are
  rectangular (radial height ``ring_height`` x axial width ``ring_width``) with their mean
  diameter at the bar centre diameter.
- Optional end-ring retaining ring (``retainer_thickness`` > 0): a non-magnetic hoop (default
  Inconel 718, 8190 kg/m^3, Special Metals SMC-045) of that radial thickness shrink-fitted over each
  ring's outer surface, the ring's axial width; it must stay inside the rotor radius (the rotor
  passes through the stator bore). Its mass is part of ``cage_mass`` (the cage assembly: bars, rings,
  retainers); its stress model is motoropt.mechanics.retained_end_ring_stress.
- Lamination yoke = annulus between the bar bottoms and the shaft (the shaft is not counted as
  magnetic path; stated).

Slot-number rules enforced by :func:`check_slot_combination` (stator Q_s, rotor Q_r, pole pairs p);
classical rules for cage rotors, after Richter and as listed in Pyrhönen, Jokinen & Hrabovcová,
*Design of Rotating Electrical Machines* (Wiley 2008/2014), §7.1 (rotor slot number), and Boldea &
Nasar, *The Induction Machine Handbook* (CRC 2002), ch. 6 (parasitic torques):
1. Q_r != Q_s: synchronous (cusping/locking) torque at standstill;
2. |Q_s - Q_r| != 2p: synchronous torques at standstill from the slot harmonics;
3. |Q_s - Q_r| not in {1, 2, p +- 1, p +- 2, 2p +- 1, 2p +- 2} (positive values): low-order
   radial force waves (unbalanced magnetic pull, vibration and noise);
4. Q_r <= 1.25 Q_s: limits the rotor slot-harmonic (asynchronous crawling) torques and the
   rotor differential leakage rules of thumb (Pyrhönen §7.1; rule of thumb, stated);
5. Q_r >= 6 p: at least three bars per pole (the cage's phase count per pole pair; below it the
   rotor differential leakage formula and the fundamental model break down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from motoropt.errors import InputError
from motoropt.geometry.polygons import rotate
from motoropt.mechanics import (
    CAGE_ELASTIC,
    StressLimits,
    disc_bore_hoop_stress,
    end_ring_hoop_stress,
    retained_end_ring_stress,
)

#: end-ring yield strength by cage conductor, Pa (used when the case gives no thermal.cage_yield_mpa)
CAGE_YIELD_DEFAULT = {"copper": 200e6, "aluminium": 60e6, "die_cast_aluminium": 40e6}


@dataclass(frozen=True)
class CageRotor:
    """Cage rotor (SI). See the module docstring for the geometry conventions.

    D_r: rotor outer diameter; D_shaft: lamination inner diameter; L: stack length; Q_r: bars;
    bar_width, bar_height: rectangular bar; bar_opening: neck width (0 for closed slots);
    opening_height: neck height (semi-closed) or bridge thickness (closed); closed: closed slots;
    ring_height (radial), ring_width (axial): end-ring section; bar_extension: bar length outside
    the stack at each end; stacking_factor; density: lamination, kg/m^3; cage_density: kg/m^3;
    retainer_thickness: radial thickness of the end-ring retaining rings (0 = none), m;
    retainer_density: their density, kg/m^3.
    """

    D_r: float
    D_shaft: float
    L: float
    Q_r: int
    bar_width: float
    bar_height: float
    bar_opening: float
    opening_height: float
    closed: bool
    ring_height: float
    ring_width: float
    bar_extension: float = 0.005
    stacking_factor: float = 0.95
    density: float = 7650.0
    cage_density: float = 8900.0
    retainer_thickness: float = 0.0
    retainer_density: float = 8190.0

    @property
    def R(self) -> float:
        return 0.5 * self.D_r

    @property
    def r_bar_top(self) -> float:
        return self.R - self.opening_height

    @property
    def r_bar_bottom(self) -> float:
        return self.R - self.opening_height - self.bar_height

    @property
    def r_bar_centre(self) -> float:
        return self.R - self.opening_height - 0.5 * self.bar_height

    @property
    def bar_area(self) -> float:
        return self.bar_width * self.bar_height

    @property
    def slot_pitch(self) -> float:
        """Rotor slot pitch at the rotor surface, m."""
        return math.pi * self.D_r / self.Q_r

    def tooth_width_at(self, r: float) -> float:
        """Rotor tooth width at radius r (between rectangular bars), m."""
        return 2.0 * math.pi * r / self.Q_r - self.bar_width

    @property
    def tooth_width_third(self) -> float:
        """Tooth width one third of the bar height from the narrow (bottom) end: the usual
        representative section for tapered teeth (Pyrhönen §3.4), m."""
        return self.tooth_width_at(self.r_bar_bottom + self.bar_height / 3.0)

    @property
    def tooth_height(self) -> float:
        return self.opening_height + self.bar_height

    @property
    def yoke_height(self) -> float:
        return self.r_bar_bottom - 0.5 * self.D_shaft

    @property
    def ring_mean_diameter(self) -> float:
        return 2.0 * self.r_bar_centre

    @property
    def ring_area(self) -> float:
        return self.ring_height * self.ring_width

    @property
    def bar_length(self) -> float:
        """Bar length between the end rings, m."""
        return self.L + 2.0 * self.bar_extension

    # --- masses -----------------------------------------------------------------------------
    @property
    def core_mass(self) -> float:
        """Lamination mass (annulus minus bar slots and necks), kg."""
        area = math.pi * (self.R**2 - (0.5 * self.D_shaft) ** 2)
        area -= self.Q_r * (self.bar_area + (0.0 if self.closed else self.bar_opening * self.opening_height))
        return area * self.L * self.stacking_factor * self.density

    @property
    def teeth_mass(self) -> float:
        """Rotor teeth (between the bar bottoms and the surface), kg."""
        area = math.pi * (self.R**2 - self.r_bar_bottom**2) - self.Q_r * (
            self.bar_area + (0.0 if self.closed else self.bar_opening * self.opening_height))
        return area * self.L * self.stacking_factor * self.density

    @property
    def yoke_mass(self) -> float:
        return self.core_mass - self.teeth_mass

    @property
    def bar_mass(self) -> float:
        return self.Q_r * self.bar_area * self.bar_length * self.cage_density

    @property
    def ring_mass(self) -> float:
        """Both end rings, kg."""
        return 2.0 * math.pi * self.ring_mean_diameter * self.ring_area * self.cage_density

    @property
    def ring_outer_radius(self) -> float:
        """Outer radius of the end rings (= inner radius of a retaining ring), m."""
        return self.r_bar_centre + 0.5 * self.ring_height

    @property
    def retainer_mass(self) -> float:
        """Both end-ring retaining rings (thin hoops at mean radius ring_outer + t/2), kg."""
        t = self.retainer_thickness
        return 2.0 * 2.0 * math.pi * (self.ring_outer_radius + 0.5 * t) * t * self.ring_width * self.retainer_density

    @property
    def cage_mass(self) -> float:
        """Cage assembly: bars + end rings + retaining rings (if any), kg."""
        return self.bar_mass + self.ring_mass + self.retainer_mass

    def section_polygons(self) -> list:
        """The whole rotor's polygons: (kind "conductor" (bar) | "air" (neck), polygon (m), bar index)."""
        out = []
        hw = 0.5 * self.bar_width
        for j in range(self.Q_r):
            a = 2 * math.pi * j / self.Q_r
            bar = [(self.r_bar_bottom, -hw), (self.r_bar_top, -hw), (self.r_bar_top, hw), (self.r_bar_bottom, hw)]
            out.append(("conductor", rotate(bar, a), j))
            if not self.closed:
                hb = 0.5 * self.bar_opening
                neck = [(self.r_bar_top, -hb), (self.R, -hb), (self.R, hb), (self.r_bar_top, hb)]
                out.append(("air", rotate(neck, a), j))
        return out

    def stress_margins(self, omega: float, yield_strength: float, cage_material: str, lim: StressLimits) -> dict:
        """Overspeed margins (:mod:`motoropt.mechanics`): the lamination disc (laminations + bars in
        the stack) at the bore, and the end rings -- free rings (end_ring_hoop_stress) or, with a
        retaining ring (``retainer_thickness`` > 0), the copper ring + Inconel 718 hoop assembly
        (retained_end_ring_stress: fit sized per design, hot states at ``lim.hot_delta_T``):
        end_ring_margin is the cage ring's, end_ring_retainer_margin the hoop's,
        end_ring_retainer_fit_um the radial interference used."""
        sf, of = lim.safety_factor, lim.overspeed_factor
        cage_yield = lim.cage_yield if lim.cage_yield is not None else CAGE_YIELD_DEFAULT.get(cage_material, 40e6)
        r_i = 0.5 * self.D_shaft
        vol = math.pi * (self.R**2 - r_i**2) * self.L
        rho_eff = (self.core_mass + self.Q_r * self.bar_area * self.L * self.cage_density) / vol
        disc = disc_bore_hoop_stress(r_i, self.R, rho=rho_eff, omega=omega, yield_strength=yield_strength,
                                     safety_factor=sf, overspeed_factor=of)
        out = {"disc_margin": disc["margin"], "disc_sigma_mpa": disc["sigma"] / 1e6}
        if self.retainer_thickness > 0:
            ring = retained_end_ring_stress(0.5 * self.ring_mean_diameter, self.ring_height, self.ring_width,
                                            CAGE_ELASTIC[cage_material], self.Q_r, self.bar_area, self.bar_extension,
                                            self.r_bar_centre, omega, self.retainer_thickness,
                                            delta_T=lim.hot_delta_T, cage_yield=cage_yield, safety_factor=sf,
                                            overspeed_factor=of)
            out["end_ring_margin"] = ring["ring_margin"]
            out["end_ring_sigma_mpa"] = ring["sigma_ring_max"] / 1e6
            out["end_ring_retainer_margin"] = ring["retainer_margin"]
            out["end_ring_retainer_sigma_mpa"] = ring["sigma_retainer"] / 1e6
            out["end_ring_retainer_fit_um"] = ring["interference"] * 1e6
        else:
            ring = end_ring_hoop_stress(0.5 * self.ring_mean_diameter, self.ring_area, self.cage_density, self.Q_r,
                                        self.bar_area, self.bar_extension, self.r_bar_centre, omega,
                                        yield_strength=cage_yield, safety_factor=sf, overspeed_factor=of)
            out["end_ring_margin"] = ring["margin"]
            out["end_ring_sigma_mpa"] = ring["sigma"] / 1e6
        out["margin"] = min(v for k, v in out.items() if k.endswith("_margin"))
        return out

    def validate(self, prefix: str = "induction") -> None:
        """Does the cage fit the rotor? InputError naming the case field otherwise."""
        mm = 1e3
        for key, v in (("bar_width_mm", self.bar_width), ("bar_height_mm", self.bar_height),
                       ("opening_height_mm", self.opening_height), ("end_ring_height_mm", self.ring_height),
                       ("end_ring_width_mm", self.ring_width)):
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"{prefix}.{key}", v * mm, "> 0")
        if self.Q_r < 3:
            raise InputError(f"{prefix}.rotor_bars", self.Q_r, ">= 3")
        if not self.closed:
            b_max = self.slot_pitch - 0.5e-3
            if not (0 < self.bar_opening <= b_max):
                raise InputError(f"{prefix}.bar_opening_mm", self.bar_opening * mm,
                                 f"in (0, {b_max * mm:.3f}] (rotor slot pitch minus 0.5 mm) for semi-closed "
                                 "slots (or set closed_slots = true)")
        # bar must leave a yoke of >= 2 mm above the shaft
        y_min = 2e-3
        if self.yoke_height < y_min:
            h_max = self.R - self.opening_height - 0.5 * self.D_shaft - y_min
            raise InputError(f"{prefix}.bar_height_mm", self.bar_height * mm,
                             f"<= {h_max * mm:.3f} so that the bars fit above the shaft with a 2 mm yoke "
                             f"(rotor radius {self.R * mm:.2f} mm, shaft radius {0.5 * self.D_shaft * mm:.2f} mm)")
        # teeth between bars >= 0.5 mm at the narrowest section (bar bottom)
        w_bot = self.tooth_width_at(self.r_bar_bottom)
        if w_bot < 0.5e-3:
            b_max = 2 * math.pi * self.r_bar_bottom / self.Q_r - 0.5e-3
            raise InputError(f"{prefix}.bar_width_mm", self.bar_width * mm,
                             f"<= {b_max * mm:.3f} to leave rotor teeth of >= 0.5 mm at the bar bottom "
                             f"(radius {self.r_bar_bottom * mm:.2f} mm, {self.Q_r} bars)")
        if self.ring_height > self.R - 0.5 * self.D_shaft:
            raise InputError(f"{prefix}.end_ring_height_mm", self.ring_height * mm,
                             f"<= rotor radius - shaft radius = {(self.R - 0.5 * self.D_shaft) * mm:.2f}")
        if not (math.isfinite(self.retainer_thickness) and self.retainer_thickness >= 0):
            raise InputError(f"{prefix}.end_ring_retainer_mm", self.retainer_thickness * mm, ">= 0 (0 = none)")
        if self.retainer_thickness > 0 and self.ring_outer_radius + self.retainer_thickness > self.R + 1e-12:
            raise InputError(f"{prefix}.end_ring_retainer_mm", self.retainer_thickness * mm,
                             f"<= rotor radius - end-ring outer radius = {(self.R - self.ring_outer_radius) * mm:.3f} "
                             "(the retained ring must pass through the stator bore)")


def check_slot_combination(Q_s: int, Q_r: int, p: int, prefix: str = "induction") -> None:
    """Enforce the stator/rotor slot-number rules of the module docstring (InputError naming
    ``<prefix>.rotor_bars``)."""
    f = f"{prefix}.rotor_bars"
    if Q_r == Q_s:
        raise InputError(f, Q_r, f"!= stator slots Q_s = {Q_s} (synchronous locking torque at standstill)")
    d = abs(Q_s - Q_r)
    if d == 2 * p:
        raise InputError(f, Q_r, f"with |Q_s - Q_r| != 2p = {2 * p} (synchronous cusp torque at standstill; Q_s = {Q_s})")
    bad = sorted({x for x in (1, 2, p - 1, p + 1, p - 2, p + 2, 2 * p - 1, 2 * p + 1, 2 * p - 2, 2 * p + 2) if x > 0})
    if d in bad:
        raise InputError(f, Q_r, f"with |Q_s - Q_r| not in {bad} (low-order radial force waves: vibration, "
                                 f"noise, magnetic pull; Q_s = {Q_s}, p = {p})")
    if Q_r > 1.25 * Q_s:
        raise InputError(f, Q_r, f"<= 1.25 Q_s = {1.25 * Q_s:g} (rotor slot-harmonic torques; Q_s = {Q_s})")
    if Q_r < 6 * p:
        raise InputError("machine.pole_pairs", p, f"<= Q_r / 6 = {Q_r // 6} (at least 3 bars per pole; rotor_bars = {Q_r})")
