"""Surface magnet arrays of a PM rotor: radially magnetised arcs, or Halbach arrays of 2 to 5
parallel-magnetised segments per pole, for rotors inside or outside the stator.

Conventions (angles in rad, rotor frame, pole 0 centred on theta = 0): pole 0 is magnetised
towards +r (outwards) at its centre and the poles alternate; a magnetisation direction is given by
its angle to the local radial direction r_hat (towards theta_hat positive), so the components at
angle theta are m_r = cos(rel), m_theta = sin(rel) (unit remanence).

- ``halbach_segments = 1``: one arc per pole of ``pole_arc_ratio`` x the pole pitch, magnetised
  radially (rel = 0 on even poles, pi on odd poles) everywhere in the arc.
- ``halbach_segments = n >= 2``: 2 p n equal segments fill the circumference (no inter-polar gap),
  segment k centred at theta_k = k pi / (p n), electrical angle phi_k = p theta_k = k pi / n. Each
  is a block magnetised in one fixed (parallel) direction: at its centre the angle to the radial is
  beta_k = -phi_k when the stator is outside (inner rotor: the strong side of the array faces
  +r) and +phi_k when the stator is inside (outer rotor: the strong side faces -r). This is the
  segmented form of the ideal Halbach cylinder whose magnetisation turns as alpha = (1 -+ p) theta
  (absolute angle; Halbach 1980, Zhu & Howe 2001). For even n a segment is centred on each q axis
  (tangentially magnetised); the d-axis segment is radial.

Closed forms (the tests check the integrals below against them): with the complex relative
magnetisation m = m_r + j m_theta, the ideal array is m = exp(+-j p theta) (a pure p-th space
harmonic); n radially-oriented segments per pole give the fundamental sin(pi/2n) / (pi/2n) of the
ideal (0.900, 0.955, 0.974, 0.984 for n = 2..5), and n parallel blocks give
sin(x) / x with x = (p +- 1) pi / (2 p n) (+ for the outer rotor: the block's direction is fixed
while r_hat turns across it). For n >= 2 the array has no counter-rotating fundamental (its space
harmonics are of orders p (1 - 2 n k)), so m_r and m_theta carry the same fundamental.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError

HALBACH_SEGMENTS = (1, 2, 3, 4, 5)  # 1 = radially magnetised arcs


@dataclass(frozen=True)
class MagnetArray:
    """The magnets of one pole pair (the pattern repeats every 2 pi / p): segment start and end
    angles (rad), the direction's angle to the radial at the segment centre ``rel`` (rad), and
    whether the direction is fixed across the segment (``parallel``: a block) or turns with r_hat
    (radial magnetisation)."""

    p: int
    start: tuple
    end: tuple
    rel: tuple
    parallel: tuple
    halbach_segments: int = 1

    @property
    def period(self) -> float:
        """Angular period of the pattern, rad (one pole pair)."""
        return 2.0 * math.pi / self.p

    def segments(self):
        """(start, end, rel, parallel) of every segment of the whole rotor, rad."""
        out = []
        for j in range(self.p):
            sh = j * self.period
            out += [(a + sh, b + sh, r, pa) for a, b, r, pa in zip(self.start, self.end, self.rel, self.parallel)]
        return out

    def pole_segments(self):
        """The segments of pole 0 (|theta| <= pi / 2p), the q-axis segments of an even-n Halbach
        array cut in halves at the pole boundary: (start, end, rel at the segment's own centre,
        absolute direction angle in deg or None for radial magnetisation)."""
        half = 0.5 * math.pi / self.p
        out = []
        for j in (-1, 0, 1):
            for a, b, r, pa in zip(self.start, self.end, self.rel, self.parallel):
                a, b = a + j * self.period, b + j * self.period
                lo, hi = max(a, -half), min(b, half)
                if hi - lo > 1e-12:
                    c = 0.5 * (a + b)
                    out.append((lo, hi, r, math.degrees(c + r) if pa else None))
        return out

    def integrals(self, lo, hi, theta_r: float = 0.0):
        """Integrals over the stator-frame arcs [lo, hi] (arrays, rad) with the rotor turned by
        ``theta_r``: (covered arc, int m_r dtheta, int m_theta dtheta), rad. Exact for both the
        radial (m constant) and the parallel (m_r = cos(alpha - theta)) segments."""
        lo = np.asarray(lo, float)
        hi = np.asarray(hi, float)
        cov = np.zeros_like(lo)
        ir = np.zeros_like(lo)
        it = np.zeros_like(lo)
        P = self.period
        for a0, b0, r, pa in zip(self.start, self.end, self.rel, self.parallel):
            a0, b0 = a0 + theta_r, b0 + theta_r
            # the segment's copies j (start a0 + j P) that can meet arc i: j0[i] .. j1[i], a few per arc;
            # each arc takes its own copies in ascending j (the others contribute exact zeros)
            j0 = np.floor((lo - b0) / P).astype(int)
            j1 = np.ceil((hi - a0) / P).astype(int)
            for d in range(int((j1 - j0).max()) + 1 if lo.size else 0):
                j = j0 + d
                a, b = a0 + j * P, b0 + j * P
                x0, x1 = np.maximum(lo, a), np.minimum(hi, b)
                ok = (x1 > x0) & (j <= j1)
                if not np.any(ok):
                    continue
                x0, x1 = np.where(ok, x0, 0.0), np.where(ok, x1, 0.0)
                cov += x1 - x0
                if pa:
                    alpha = 0.5 * (a + b) + r  # absolute direction of the block
                    ir += np.sin(alpha - x0) - np.sin(alpha - x1)
                    it += np.cos(alpha - x1) - np.cos(alpha - x0)
                else:
                    ir += (x1 - x0) * math.cos(r)
                    it += (x1 - x0) * math.sin(r)
        return cov, ir, it

    def fundamental(self) -> complex:
        """Complex p-th space harmonic of m = m_r + j m_theta over the rotor, (1 / 2 pi) integral of
        m exp(-+j p theta): 1 for the ideal Halbach array (sign of the exponent: the array's sense
        of rotation; for radial arcs the cos-component of m_r, i.e. (4 / pi) sin(pole_arc pi / 2) / 2)."""
        n = 4096
        edges = np.linspace(0.0, self.period, n * self.halbach_segments * 2 + 1)
        lo, hi = edges[:-1], edges[1:]
        _, ir, it = self.integrals(lo, hi)
        th = 0.5 * (lo + hi)
        w = hi - lo
        mr, mt = ir / w, it / w
        c_out = np.sum((mr + 1j * mt) * np.exp(-1j * self.p * th) * w) / self.period
        c_in = np.sum((mr + 1j * mt) * np.exp(1j * self.p * th) * w) / self.period
        return c_out if abs(c_out) >= abs(c_in) else c_in


def magnet_array(p: int, pole_arc_ratio: float, halbach_segments: int, outer_rotor: bool) -> MagnetArray:
    """The array of a rotor with p pole pairs (module docstring); ``outer_rotor``: the stator is
    inside (the Halbach array's strong side faces -r)."""
    n = int(halbach_segments)
    if n not in HALBACH_SEGMENTS:
        raise InputError("rotor.halbach_segments", halbach_segments, f"one of {list(HALBACH_SEGMENTS)}")
    pole = math.pi / p
    if n == 1:
        if not (0.3 <= pole_arc_ratio <= 1.0):
            raise InputError("rotor.pole_arc_ratio", pole_arc_ratio, "in [0.3, 1.0]")
        h = 0.5 * pole_arc_ratio * pole
        return MagnetArray(p, (-h, pole - h), (h, pole + h), (0.0, math.pi), (False, False), 1)
    if abs(pole_arc_ratio - 1.0) > 1e-12:
        raise InputError("rotor.pole_arc_ratio", pole_arc_ratio,
                         "1.0 or absent with rotor.halbach_segments >= 2 (the segments fill the pole pitch)")
    w = pole / n
    k = np.arange(2 * n)
    phi = k * math.pi / n
    rel = phi if outer_rotor else -phi
    return MagnetArray(p, tuple((k - 0.5) * w), tuple((k + 0.5) * w), tuple(float(x) for x in rel),
                       (True,) * (2 * n), n)


def halbach_fundamental_ratio(n: int, p: int | None = None, outer_rotor: bool = True) -> float:
    """Closed form of the array's fundamental / the ideal Halbach array's (module docstring):
    radially-oriented segments (p None) sin(pi/2n) / (pi/2n); parallel blocks sin(x)/x with
    x = (p +- 1) pi / (2 p n), + for the outer rotor."""
    x = math.pi / (2 * n) if p is None else (p + (1 if outer_rotor else -1)) * math.pi / (2 * p * n)
    return math.sin(x) / x if x != 0 else 1.0
