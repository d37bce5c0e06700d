"""Post-processing of a magnetostatic :class:`~.solver.Solution`.

- ``flux_linkage``: psi = depth * sum over the circuit's regions of (turns / region area) * integral A dS
  (series; parallel circuits use 1 / total circuit area), Wb, sign by turns; for the modelled part only.
- ``energy``: W = depth * integral w(B) dS with w = integral H dB (J); ``coenergy``: W' = -Pi at
  equilibrium = depth * integral (J A + H_c m.B - w(B)) dS (J), the function whose derivative with
  respect to rotor angle at fixed currents and magnets is the torque.
- ``arkkio_torque``: T = depth / (mu0 (r2 - r1)) * integral over the air band r1 < r < r2 of r B_r B_theta dS
  (band elements chosen by centroid radius, robust to mesh points on the arcs' chords).
- ``stress_tensor_torque``: FEMM's weighted Maxwell stress tensor block integral: a weight w = 1 on the
  group's elements, 0 on every other non-air element, harmonic in the air between; force
  F = -depth * integral T . grad(w) dS, torque about the origin, T_ij = nu0 (B_i B_j - B^2 delta_ij / 2).
- ``coenergy_torque``: virtual work: nodes inside r_cut rotated by +/- delta on the same mesh (elements
  crossing r_cut deform), magnets turned with the rotor, co-energy difference / (2 delta).
- the ``motoropt fea solve`` entry point is :func:`.fem_solve.solve_fem_file`.
- ``flux_linkage_operator``, ``ArkkioOperator``: the same flux linkage and Arkkio torque as linear
  (matrix) and quadratic forms in the nodal A, set up once per mesh for the many solves of a flux map.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from motoropt.constants import MU0
from motoropt.errors import InputError
from motoropt.magnetics.fea.solver import Problem, Solution, _energy_density, _grads, solve


def flux_linkage(sol: Solution) -> dict:
    """{circuit name: flux linkage, Wb} over the modelled geometry."""
    p = sol.problem
    Am = sol.A[p.tri].mean(axis=1)
    out = {}
    for ci, name in enumerate(p.circuit_names):
        sel = p.circuit == ci
        out[name] = float(p.depth * np.sum(p.cdens[sel] * p.area[sel] * Am[sel]))
    return out


def flux_linkage_operator(p: Problem) -> sp.csr_matrix:
    """W (n_circuits, N) with W @ A = the :func:`flux_linkage` values (Wb) in ``p.circuit_names``
    order: row c holds depth * cdens * area / 3 of each element of circuit c on its three nodes."""
    N = p.nodes.shape[0]
    sel = p.circuit >= 0
    w = np.repeat((p.depth * p.cdens[sel] * p.area[sel] / 3.0)[:, None], 3, axis=1).ravel()
    rows = np.repeat(p.circuit[sel], 3)
    return sp.csr_matrix((w, (rows, p.tri[sel].ravel())), shape=(len(p.circuit_names), N))


@dataclasses.dataclass(frozen=True)
class ArkkioOperator:
    """:func:`arkkio_torque` as a quadratic form in A: the band elements (same selection), their
    gradient rows and the weights depth * area * r / (mu0 (r2 - r1)); ``torque(A)`` in N m."""

    tri: np.ndarray
    bg: np.ndarray
    cg: np.ndarray
    cs: np.ndarray
    sn: np.ndarray
    weight: np.ndarray

    @classmethod
    def build(cls, p: Problem, r1: float, r2: float, center=(0.0, 0.0)) -> ArkkioOperator:
        xy = p.nodes - np.asarray(center)
        c = xy[p.tri].mean(axis=1)
        rc = np.hypot(c[:, 0], c[:, 1])
        sel = (rc >= r1) & (rc <= r2) & _air(p)
        if not np.any(sel):
            raise InputError("arkkio band", (r1, r2), "radii of a meshed air layer")
        c = c[sel]
        r = np.hypot(c[:, 0], c[:, 1])
        return cls(p.tri[sel], p.bg[sel], p.cg[sel], c[:, 0] / r, c[:, 1] / r,
                   p.depth / (MU0 * (r2 - r1)) * p.area[sel] * r)

    def torque(self, A: np.ndarray) -> float:
        At = A[self.tri]
        Bx = np.sum(self.cg * At, axis=1)
        By = -np.sum(self.bg * At, axis=1)
        Br = Bx * self.cs + By * self.sn
        Bt = -Bx * self.sn + By * self.cs
        return float(np.sum(self.weight * Br * Bt))


def _w(sol: Solution) -> np.ndarray:
    p, m = sol.problem, sol.problem.mats
    Bx, By = sol.B[:, 0], sol.B[:, 1]
    b2 = Bx * Bx + By * By
    return np.array([_energy_density(int(p.emat[e]), b2[e], m.kind, m.nu_x, m.nu_y, Bx[e] ** 2, By[e] ** 2,
                                     m.tab, m.wtab, m.db2, m.tail_B, m.tail_H) for e in range(b2.size)])


def energy(sol: Solution) -> float:
    """Stored magnetic energy W = depth * sum area * w(B), J."""
    p = sol.problem
    return float(p.depth * np.sum(p.area * _w(sol)))


def coenergy(sol: Solution) -> float:
    """Co-energy W' = depth * integral (J A + H_c m.B - w(B)) dS, J."""
    p = sol.problem
    Ic = np.array([sol.currents[n] for n in p.circuit_names] + [0.0])
    J = p.J_block + np.where(p.circuit >= 0, Ic[p.circuit] * p.cdens, 0.0)
    Am = sol.A[p.tri].mean(axis=1)
    mB = p.mdir[:, 0] * sol.B[:, 0] + p.mdir[:, 1] * sol.B[:, 1]
    return float(p.depth * np.sum(p.area * (J * Am + p.H_c * mB - _w(sol))))


def _air(p: Problem) -> np.ndarray:
    """Elements of linear, unit-permeability, source-free material."""
    m = p.mats
    lin_air = (m.kind == 0) & np.isclose(m.nu_x * MU0, 1.0) & np.isclose(m.nu_y * MU0, 1.0)
    return lin_air[p.emat] & (p.H_c == 0.0) & (p.J_block == 0.0) & (p.circuit < 0)


def arkkio_torque(sol: Solution, r1: float, r2: float, center=(0.0, 0.0)) -> float:
    """Arkkio's torque (N m) from the air elements whose centroid lies in r1 <= r <= r2 about ``center``.

    The band is selected by element centroids, not by node radii: the circles r1, r2 are meshed as
    polygons (chords) and Triangle's Steiner points on a chord sit up to its sag s = c^2 / (8 r) inside
    the circle. A band element's centroid lies at least a third of its height (>> s for any
    quality mesh) beyond the chord, and every element outside the band has its centroid outside
    [r1, r2], so the selection is exactly the band's elements when r1, r2 are meshed boundaries
    (for arbitrary radii it is the nearest element-aligned band)."""
    p = sol.problem
    xy = p.nodes - np.asarray(center)
    c = xy[p.tri].mean(axis=1)
    rc = np.hypot(c[:, 0], c[:, 1])
    sel = (rc >= r1) & (rc <= r2) & _air(p)
    if not np.any(sel):
        raise InputError("arkkio band", (r1, r2), "radii of a meshed air layer")
    c = xy[p.tri[sel]].mean(axis=1)
    r = np.hypot(c[:, 0], c[:, 1])
    cs, sn = c[:, 0] / r, c[:, 1] / r
    Bx, By = sol.B[sel, 0], sol.B[sel, 1]
    Br = Bx * cs + By * sn
    Bt = -Bx * sn + By * cs
    return float(p.depth / (MU0 * (r2 - r1)) * np.sum(p.area[sel] * r * Br * Bt))


def stress_tensor_weight(p: Problem, group: int, air: np.ndarray | None = None) -> np.ndarray:
    """FEMM-style weighting function w (N,) for the weighted stress tensor of ``group``; ``air`` (E,)
    bool overrides which elements count as air (default: linear, unit permeability, source-free)."""
    N = p.nodes.shape[0]
    air = (_air(p) if air is None else np.asarray(air, bool)) & (p.group != group)
    ing = p.group == group
    if not np.any(ing):
        raise InputError("torque group", group, f"a group of some block label (groups: {sorted(set(p.group.tolist()))})")
    fixed = np.zeros(N, bool)
    w = np.zeros(N)
    other = ~air & ~ing
    fixed[p.tri[other].ravel()] = True
    fixed[p.tri[ing].ravel()] = True
    w[p.tri[ing].ravel()] = 1.0
    t = p.tri[air]
    bg, cg, ar = p.bg[air], p.cg[air], p.area[air]
    rows = np.repeat(t, 3, axis=1).ravel()
    cols = np.tile(t, (1, 3)).ravel()
    vals = (ar[:, None, None] * (bg[:, :, None] * bg[:, None, :] + cg[:, :, None] * cg[:, None, :])).reshape(-1)
    K = sp.csr_matrix((vals, (rows, cols)), shape=(N, N))
    free = np.zeros(N, bool)
    free[t.ravel()] = True
    free &= ~fixed
    fi = np.nonzero(free)[0]
    if fi.size:
        Kff = K[fi][:, fi].tocsc()
        Kff = Kff + sp.identity(fi.size, format="csc") * (1e-12 * Kff.diagonal().mean())
        rhs = -(K[fi] @ w)
        w[fi] = splu(Kff, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                     options={"SymmetricMode": True}).solve(rhs)
    return w


def stress_tensor_torque(sol: Solution, group: int, center=(0.0, 0.0)) -> float:
    """Weighted Maxwell stress tensor torque (N m) on the elements of ``group`` about ``center``."""
    p = sol.problem
    w = stress_tensor_weight(p, group)
    wx = np.sum(p.bg * w[p.tri], axis=1)
    wy = np.sum(p.cg * w[p.tri], axis=1)
    sel = (np.abs(wx) + np.abs(wy)) > 0
    Bx, By = sol.B[sel, 0], sol.B[sel, 1]
    nu0 = 1.0 / MU0
    Txx = nu0 * 0.5 * (Bx * Bx - By * By)
    Tyy = -Txx
    Txy = nu0 * Bx * By
    fx = -(Txx * wx[sel] + Txy * wy[sel])
    fy = -(Txy * wx[sel] + Tyy * wy[sel])
    c = p.nodes[p.tri[sel]].mean(axis=1) - np.asarray(center)
    return float(p.depth * np.sum(p.area[sel] * (c[:, 0] * fy - c[:, 1] * fx)))


def rotated_problem(p: Problem, r_cut: float, delta_rad: float, center=(0.0, 0.0)) -> Problem:
    """The same mesh with the nodes inside r_cut rotated by delta (elements across r_cut deform) and
    the magnetisation of elements entirely inside r_cut turned with them."""
    c = np.asarray(center, float)
    d = p.nodes - c
    inside = np.hypot(d[:, 0], d[:, 1]) < r_cut
    cs, sn = math.cos(delta_rad), math.sin(delta_rad)
    nodes = p.nodes.copy()
    nodes[inside] = c + np.column_stack((cs * d[inside, 0] - sn * d[inside, 1], sn * d[inside, 0] + cs * d[inside, 1]))
    area, bg, cg = _grads(nodes, p.tri)
    rot = np.all(inside[p.tri], axis=1)
    mdir = p.mdir.copy()
    mdir[rot] = np.column_stack((cs * p.mdir[rot, 0] - sn * p.mdir[rot, 1], sn * p.mdir[rot, 0] + cs * p.mdir[rot, 1]))
    return dataclasses.replace(p, nodes=nodes, area=area, bg=bg, cg=cg, mdir=mdir)


def coenergy_torque(sol: Solution, r_cut: float, delta_rad: float = 1e-4, center=(0.0, 0.0)) -> float:
    """Virtual-work torque dW'/dtheta (N m) by central differences at fixed currents (same mesh)."""
    p = sol.problem
    wp = coenergy(solve(rotated_problem(p, r_cut, delta_rad, center), sol.currents, A0=sol.A, tol=1e-11))
    wm = coenergy(solve(rotated_problem(p, r_cut, -delta_rad, center), sol.currents, A0=sol.A, tol=1e-11))
    return (wp - wm) / (2.0 * delta_rad)


def field_at(sol: Solution, points) -> np.ndarray:
    """B (n, 2), T, at points (n, 2) m (element-constant field of the containing triangle; NaN outside)."""
    from matplotlib.tri import Triangulation

    p = sol.problem
    tr = Triangulation(p.nodes[:, 0], p.nodes[:, 1], p.tri)
    pts = np.asarray(points, float).reshape(-1, 2)
    e = tr.get_trifinder()(pts[:, 0], pts[:, 1])
    out = np.full((pts.shape[0], 2), np.nan)
    ok = e >= 0
    out[ok] = sol.B[e[ok]]
    return out
