"""The magnet layer of a surface-PM rotor as a layered reluctance network (the rotor side of the
tooth-coil MEC, :func:`motoropt.magnetics.analytic.build_tooth_coil_network`, when
``MECInputs.magnet_layer`` is set): radially magnetised arcs or Halbach arrays
(:mod:`motoropt.geometry.magnet_array`), inside or outside the stator, on a saturable back-iron
ring (rotor core or rim) or on a non-magnetic back.

Model (per rad of arc, SI; the stator-fixed gap cells of the tooth-coil network, rotor position
theta_r):
- radial layers from the stator surface outwards (or inwards): the non-magnetic gap delta (air +
  sleeve, Carter-corrected as in the classic network) with one node at its middle, the magnet in
  ``sublayers`` equal sublayers with one node at each middle, and the back node (the back-iron ring,
  or the non-magnetic back). Each radial branch joins two adjacent nodes through half of each layer
  in series; a half layer over a cell is the parallel of its magnet part (mu0 mu_r, the Norton flux
  source B_r L r int m_r dtheta along the rotor -> stator direction) and its air part; the series
  sum keeps the sources as MMFs (F = sum S_i / P_i);
- tangential branches in every layer between adjacent cell centres: in a magnet sublayer the series
  of magnet and air along the arc, mu0 L t / (r (air arc + magnet arc / mu_r)), with the MMF of the
  tangential magnetisation (B_r / (mu0 mu_r)) r int m_theta dtheta (this is how the Halbach array's
  tangential segments drive flux, and how its flux returns inside the magnets instead of through
  the back iron); in the gap layer mu0 L delta / (r dtheta);
- back: the back-iron ring (nonlinear, cross-section ``back_area``, at radius ``r_back``) and/or a
  linear tangential layer of thickness ``back_air_thickness`` for the non-magnetic region behind
  (in parallel with a ring: what a saturated rim spills into): r / p behind a rotor with free space
  beyond it reproduces the exterior field's Dirichlet-to-Neumann map of the fundamental exactly
  (flux into the region mu0 (p / r) phi), and over-counts the higher harmonics.
Check against the exact 2-D slotless solution of a magnet layer between iron (planar, harmonic
k = p / r): with 2 sublayers the gap field of the radial part is within 0.2-1.2 % and that of the
tangential part within 1.3-7 % for k h_m = 0.3-1.5 (1 sublayer: 0.3-4 % and 1.3-21 %); the
embedded FEA of the whole machine is the reference in the tests (tests/machines/outer_rotor).
Assumptions: the magnet's recoil permeability mu_r in both directions; the back-iron ring carries
tangential flux only (its radial reluctance neglected); the stator side of the gap is the tooth-coil
network's (tooth tops and tip cells).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import MU0
from motoropt.geometry.magnet_array import MagnetArray


@dataclass(frozen=True)
class MagnetLayer:
    """What the layered rotor network needs (SI). ``toward_stator`` = -1 when the stator is inside
    (outer rotor: the rotor -> stator direction is -r), +1 otherwise; radii are those of the layer
    middles; ``gap`` is the Carter-corrected non-magnetic gap (radial branches), ``gap_physical``
    the physical one (tangential branch)."""

    array: MagnetArray
    Br: float
    mu_r: float
    h_m: float
    r_magnet: float  # mean radius of the magnet layer, m
    r_gap: float  # mean radius of the non-magnetic gap, m
    gap: float
    gap_physical: float
    toward_stator: float
    back_iron: bool
    back_area: float = 0.0  # back-iron ring cross-section (thickness x L x stacking factor), m^2
    r_back: float = 0.0  # mean radius of the back-iron ring (or of the non-magnetic back), m
    back_air_thickness: float = 0.0  # equivalent tangential air layer of the non-magnetic region behind, m
    sublayers: int = 2

    def sublayer_radii(self) -> np.ndarray:
        """Mid radii of the magnet sublayers from the gap side to the back side, m."""
        t = self.h_m / self.sublayers
        k = np.arange(self.sublayers) + 0.5
        face = self.r_magnet + 0.5 * self.h_m * self.toward_stator  # magnet face at the gap
        return face - self.toward_stator * t * k


def half_layer(ml: MagnetLayer, r: float, lo, hi, theta_r: float, integrals=None):
    """Permeance (H per m of stack) and MMF (A) of half a magnet sublayer over the arcs [lo, hi]
    (arrays, rad): parallel magnet and air columns of height t / 2 at radius r, the magnet's flux
    source along rotor -> stator (module docstring). ``integrals``: ``ml.array.integrals(lo, hi,
    theta_r)`` when the caller has it (they do not depend on r). Returns (P, F) arrays."""
    t2 = 0.5 * ml.h_m / ml.sublayers
    cov, ir, _ = ml.array.integrals(lo, hi, theta_r) if integrals is None else integrals
    w = np.asarray(hi) - np.asarray(lo)
    P = MU0 * r * (ml.mu_r * cov + (w - cov)) / t2
    S = ml.toward_stator * ml.Br * r * ir
    return P, S / P


def tangential(ml: MagnetLayer, r: float, lo, hi, theta_r: float, integrals=None):
    """Permeance (H per m of stack) and MMF (A) of a magnet sublayer along the arcs [lo, hi] (from
    cell centre to cell centre, rad): magnet and air in series along theta, with the tangential
    magnetisation's MMF in the +theta direction. ``integrals``: as for :func:`half_layer`. Returns
    (P, F) arrays."""
    t = ml.h_m / ml.sublayers
    cov, _, it = ml.array.integrals(lo, hi, theta_r) if integrals is None else integrals
    w = np.asarray(hi) - np.asarray(lo)
    P = MU0 * t / (r * ((w - cov) + cov / ml.mu_r))
    F = ml.Br / (MU0 * ml.mu_r) * r * it
    return P, F


def series(parts):
    """Series of (P, F) pieces: (1 / sum 1/P, sum F)."""
    P = 1.0 / sum(1.0 / p for p, _ in parts)
    return P, sum(f for _, f in parts)


def equivalent_air_thickness(r_back: float, p: int, r_inner_wall: float | None = None) -> float:
    """Tangential air layer equivalent to the non-magnetic region behind the magnets for the
    fundamental (module docstring): r / p into free space (outer rotor), or, towards a flux-excluding
    wall at r_w < r (inner rotor: the FEA's A = 0 shaft), (r / p) (1 - x) / (1 + x), x = (r_w / r)^(2p)."""
    t = r_back / p
    if r_inner_wall is not None and r_inner_wall > 0:
        x = (r_inner_wall / r_back) ** (2 * p)
        t *= (1.0 - x) / (1.0 + x)
    return t


def back_radius(ml: MagnetLayer) -> float:
    """Radius of the magnet's back face, m."""
    return ml.r_magnet - 0.5 * ml.h_m * ml.toward_stator


def ideal_slotless_gap_field(Br: float, mu_r: float, h_m: float, gap: float, k: float, back_iron: bool,
                             radial: float = 1.0, tangential_: float = 0.0) -> float:
    """Exact planar 2-D field at the stator surface (smooth iron) of a magnet layer with the
    magnetisation harmonic (radial cos kx, tangential sin kx, unit amplitudes x Br), over iron or
    free space behind: B_y amplitude, T (the reference the layer discretisation is checked against;
    sign: + along the radial component at x = 0). Scalar potential per layer, continuity of the
    potential and of B_y, phi = 0 on iron."""
    M = Br / MU0
    Mr, Mt = radial * M, tangential_ * M
    d = h_m + gap
    part = -(Mt / mu_r) / k

    def E(y):
        return math.exp(k * y)

    def Fm(y):
        return math.exp(-k * y)

    rows, rhs = [], []
    if back_iron:
        rows.append([1, 1, 0, 0])
        rhs.append(-part)
    else:
        rows.append([k * (1 - mu_r), k * (1 + mu_r), 0, 0])
        rhs.append(-Mr - k * part)
    rows.append([0, 0, E(d), Fm(d)])
    rhs.append(0.0)
    rows.append([E(h_m), Fm(h_m), -E(h_m), -Fm(h_m)])
    rhs.append(-part)
    rows.append([-mu_r * k * E(h_m), mu_r * k * Fm(h_m), k * E(h_m), -k * Fm(h_m)])
    rhs.append(-Mr)
    _, _, C, D = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return float(-MU0 * (k * C * E(d) - k * D * Fm(d)))


__all__ = ["MagnetLayer", "back_radius", "equivalent_air_thickness", "half_layer", "ideal_slotless_gap_field",
           "series", "tangential"]
