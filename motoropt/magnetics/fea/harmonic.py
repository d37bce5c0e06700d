"""Embedded time-harmonic 2-D magnetics solver: FEMM 4.2's AC problems ([Frequency] > 0).

Physics (planar, complex amplitudes: a field x(t) = Re(X e^{j w t}), X a *peak* phasor as in FEMM):
- curl(nu curl A) = J with J = J_src - j w sigma A - sigma G_k, A = A_z (Wb/m) complex, w = 2 pi f.
  J_src is a block's source current density (FEMM's J_re + j J_im) plus, for stranded regions, the
  uniform density of their circuit; -j w sigma A is the eddy current of a conducting block; G_k (V/m)
  is the voltage gradient (dphi/dz) of solid conductor k, an unknown fixed by its circuit current.
- Conductors, as FEMM defines them (FEMM's solver: a series circuit becomes one "circuit" per block
  label carrying turns x I; every circuit is then parallel):
  * a *stranded* region: a block label with |turns| > 1, or a wire LamType >= 3: no eddy currents,
    uniform J = turns I / area (series) or I / (total area) (parallel); voltage
    V = depth (turns / area) integral (j w A + J / sigma) dS (the J / sigma term is the winding's
    DC resistance with the block's conductivity as the copper's, fill 1, as FEMM; none if sigma = 0);
  * a *solid* conductor: a block with sigma > 0 and |turns| <= 1 in a circuit: one unknown G per
    (series-split) circuit with the constraint integral J dS = turns I (series) or I (parallel, all
    the circuit's solid blocks share G); its voltage V = -depth G turns (series, summed over the
    circuit's blocks) or -depth G (parallel);
  * a conductor in no circuit: G = 0 (the ends are short-circuited at infinity: FEMM's meaning; the
    net current is whatever the field induces -- zero by symmetry in a uniform field). A net
    current of zero is imposed by putting the block in its own circuit with 0 A;
  * a circuit whose blocks all have sigma = 0 carries a uniform J over its area (FEMM's "case 1").
  A parallel circuit mixing stranded and solid blocks is refused (FEMM's result is ill-defined).
- Materials (FEMM's harmonic treatment):
  * linear: mu_x e^{-j phi_hx}, mu_y e^{-j phi_hy} (hysteresis lag angles); laminated in plane
    (LamType 0) with thickness d > 0: mu_eff = f mu tanh(K)/K + (1 - f), K = e^{-j phi/2} (1 + j) d /
    (2 delta), delta = sqrt(2 / (w sigma mu0 |mu|)) (the lamination's 1-D eddy-current solution,
    averaged over its thickness) and the block has no bulk eddy current; d > 0 and sigma = 0: f mu +
    (1 - f); d = 0: the fill factor is NOT applied (FEMM 4.2's harmonic solver applies it only with
    d > 0; its magnetostatic solver always does); wire LamTypes >= 3: mu = 1.
  * nonlinear (B-H curve): FEMM's effective-permeability approach. The DC curve (its low-field
    Rayleigh part replaced by the maximum-permeability chord, as the static solver) is turned into
    the curve of the *fundamental* of B under a sinusoidal H of amplitude H_m,
    B_1(H_m) = (4/pi) integral_0^{pi/2} B(H_m sin t) sin t dt (evaluated by 96-point Gauss-Legendre
    on a dense table; FEMM 4.2 evaluates the same integral in closed form with the segment end
    angles taken as (pi/2) H_k/H_m instead of asin(H_k/H_m), which gives up to ~2 % more B at the
    knee); hysteresis lag phi_h mu/mu_max (lag proportional to permeability, O'Kelly's rule as in
    FEMM); with d > 0 and sigma > 0 the apparent curve of the lamination from a 1-D nonlinear FE
    solution across its half thickness (:func:`lamination_mu`); then the fill factor. Each element
    gets the secant nu(|B|) of that curve at its peak |B| = sqrt(|Bx|^2 + |By|^2) (FEMM's measure; it
    is the true peak for a pulsating field and sqrt(2) x the peak for a circularly rotating one;
    ``peak="ellipse"`` uses the major semi-axis of the field ellipse instead). Iteration:
    Newton-Raphson on the real and imaginary parts (default) or FEMM's "successive approximation"
    (mean of secant and incremental nu), both with a halving line search, to the same fixed point
    (residual with the secant nu); converged when the relative residual < tol.
  * permanent magnets: H_c is ignored at a frequency (FEMM's harmonic solver has no magnet source).
- Boundaries, mesh, constraints: those of the static solver (:mod:`.solver`, :mod:`.mesh`): Dirichlet
  A = (a0 + a1 x + a2 y) e^{j phi}, natural Neumann, periodic and antiperiodic pairs. Not supported
  (refused by the reader, as by the static solver): mixed (c0, c1), small-skin-depth and air-gap
  boundaries.
- Discretisation: first-order triangles (the static solver's mesh, gradients and constraint
  elimination), consistent mass matrix for j w sigma A, the solid-conductor unknowns appended to the
  reduced system (complex symmetric); SuperLU.

Post-processing (peak phasors in, time averages out): circuit current, voltage and flux linkage
(FEMM's definitions: psi = depth integral A J* dS / I* when I != 0, else V / (j w) -- FEMM 4.2 divides
by w without the j there); time-average resistive loss (1/2) integral |J|^2 / sigma dS x depth per
element (exact for the linear J of a first-order element); iron (hysteresis and lamination) loss
(w / 2) Im(H . B*) x area x depth; time-average weighted Maxwell stress tensor torque
<T_ij> = nu0/2 Re(B_i B_j*) - nu0/4 |B|^2 delta_ij with FEMM's weighting function (:mod:`.post`).
Energy balance (tested): sum over circuits of Re(V I*)/2 = resistive + iron losses.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import PchipInterpolator
from scipy.linalg import solve_banded
from scipy.sparse.linalg import splu

from motoropt.constants import MU0
from motoropt.errors import ConvergenceError, InputError
from motoropt.jit import njit
from motoropt.magnetics.fea.femfile import check_harmonic_material
from motoropt.magnetics.fea.geometry2d import Geometry
from motoropt.magnetics.fea.mesh import Mesh
from motoropt.magnetics.fea.post import stress_tensor_weight
from motoropt.magnetics.fea.solver import (
    TIME_LIMIT_S,
    Problem,
    _bh_curve,
    _constraints,
    _free_values,
    build_problem,
    check_limits,
    not_converged,
)

N_AC_TABLE = 2001
_N_GAUSS = 96
_LU_OPTS = {"SymmetricMode": True}


# ---------------------------------------------------------------------- materials at a frequency
def lamination_factor(mu_r: complex, sigma: float, d: float, omega: float) -> complex:
    """tanh(K)/K of a lamination of thickness d (m), conductivity sigma (S/m), complex relative
    permeability mu_r at w (rad/s): the thickness-average of B over mu H_surface, from the 1-D
    diffusion d^2H/dx^2 = j w sigma mu0 mu_r H with H = H_s on both faces."""
    if sigma <= 0 or d <= 0 or omega <= 0:
        return 1.0 + 0j
    k = np.sqrt(1j * omega * sigma * MU0 * complex(mu_r))
    K = k * d / 2.0
    if abs(K) < 1e-6:
        return 1.0 + 0j
    return complex(np.tanh(K) / K)


def linear_mu(mat, omega: float) -> tuple:
    """Complex relative permeabilities (mu_x, mu_y) of a linear block at w (FEMM's rules, module doc)."""
    if mat.lam_type >= 3:
        return 1.0 + 0j, 1.0 + 0j
    out = []
    for mu, ph in ((mat.mu_x, mat.phi_hx_deg), (mat.mu_y, mat.phi_hy_deg)):
        m = mu * np.exp(-1j * math.radians(ph))
        if mat.lam_thickness > 0:
            f = mat.lam_fill
            m = f * m * lamination_factor(m, mat.sigma_ms * 1e6, mat.lam_thickness, omega) + (1.0 - f)
        out.append(complex(m))
    return tuple(out)


def fundamental_bh(H_m, B_of_H) -> np.ndarray:
    """B_1(H_m): amplitude of the fundamental of B(H_m sin t) (T) for amplitudes H_m (A/m)."""
    x, wq = np.polynomial.legendre.leggauss(_N_GAUSS)
    t = 0.25 * math.pi * (x + 1.0)
    wq = 0.25 * math.pi * wq
    H_m = np.asarray(H_m, float)
    s = np.sin(t)
    return (4.0 / math.pi) * (B_of_H(H_m[:, None] * s[None, :]) * (s * wq)[None, :]).sum(axis=1)


def _dc_curve(mat):
    """Dense DC B(H) of an iron (no fill), as the static solver interpolates it (PCHIP H(B), tail mu0)."""
    bh = _bh_curve(dataclasses.replace(mat, lam_fill=1.0, lam_type=0))
    h_of_b = PchipInterpolator(bh[:, 0], bh[:, 1])
    Bd = np.linspace(0.0, bh[-1, 0], 4001)
    Hd = h_of_b(Bd)
    Bl, Hl = Bd[-1], Hd[-1]

    def B_of_H(H):
        H = np.asarray(H, float)
        return np.where(H <= Hl, np.interp(H, Hd, Bd), Bl + MU0 * (H - Hl))

    return bh, B_of_H


@dataclass(frozen=True)
class ACCurve:
    """Effective complex B-H curve at a frequency: |B| grid b (T), complex H(b) amplitude (A/m);
    secant nu_sec = H/b and incremental nu_inc = dH/db on the uniform grid; tail H_last + (b - b_last)/mu0."""

    b: np.ndarray
    H: np.ndarray
    nu_sec: np.ndarray
    nu_inc: np.ndarray

    def nu(self, B):
        """(nu_sec, nu_inc) complex at peak flux densities B (array, T)."""
        B = np.asarray(B, float)
        bl = self.b[-1]
        sec = np.interp(B, self.b, self.nu_sec)
        inc = np.interp(B, self.b, self.nu_inc)
        hi = B > bl
        if np.any(hi):
            Hh = self.H[-1] + (B[hi] - bl) / MU0
            sec[hi] = Hh / B[hi]
            inc[hi] = 1.0 / MU0
        return sec, inc


def _curve_from_points(Bp, Hp) -> ACCurve:
    """ACCurve from effective points (B increasing from 0, complex H from 0)."""
    Bp = np.asarray(Bp, float)
    Hp = np.asarray(Hp, complex)
    if np.any(np.diff(Bp) <= 0):
        raise InputError("material B-H curve at frequency", "non-monotone effective curve", "increasing B")
    re = PchipInterpolator(Bp, Hp.real)
    im = PchipInterpolator(Bp, Hp.imag)
    b = np.linspace(0.0, Bp[-1], N_AC_TABLE)
    H = re(b) + 1j * im(b)
    inc = re.derivative()(b) + 1j * im.derivative()(b)
    sec = np.empty_like(H)
    sec[1:] = H[1:] / b[1:]
    sec[0] = inc[0] if inc[0].real > 0 else sec[1]
    return ACCurve(b, H, sec, inc)


def ac_curve(mat, omega: float, elements_per_depth: int = 16) -> ACCurve:
    """The effective curve of a nonlinear block at w (rad/s): fundamental, lag, lamination, fill
    (see the module docstring)."""
    bh, B_of_H = _dc_curve(mat)
    Hk = bh[1:, 1]
    # amplitudes: the DC points and 3 geometric points inside every interval
    lo = np.concatenate(([Hk[0] * 0.05], Hk[:-1]))
    sub = np.concatenate([np.geomspace(a, b, 5)[1:-1] for a, b in zip(lo, Hk)])
    H_m = np.unique(np.concatenate((lo[:1], sub, Hk)))
    B1 = fundamental_bh(H_m, B_of_H)
    H = H_m.astype(complex)
    if mat.phi_h_deg != 0.0:
        mu = B1 / H_m
        H = H * np.exp(1j * math.radians(mat.phi_h_deg) * mu / mu.max())
    curve = _curve_from_points(np.concatenate(([0.0], B1)), np.concatenate(([0.0], H)))
    sigma = mat.sigma_ms * 1e6
    if mat.lam_type == 0 and mat.lam_thickness > 0 and sigma > 0 and omega > 0:
        Hs = np.abs(H)
        mu_app = np.array([lamination_mu(curve, sigma, mat.lam_thickness, omega, h, elements_per_depth) for h in Hs])
        B1 = np.abs(mu_app) * Hs
        H = B1 / mu_app
        order = np.argsort(B1)
        B1, H = B1[order], H[order]
    f = mat.lam_fill if mat.lam_type == 0 else 1.0
    if f < 1.0:
        mu = f * B1 / H + (1.0 - f) * MU0
        B1 = np.abs(mu * H)
        H = B1 / mu
    return _curve_from_points(np.concatenate(([0.0], B1)), np.concatenate(([0.0], H)))


def lamination_mu(curve: ACCurve, sigma: float, d: float, omega: float, H_s: float,
                  elements_per_depth: int = 16, tol: float = 1e-10, max_iter: int = 200) -> complex:
    """Apparent complex permeability (H/m) B_mean / H_s of a lamination of thickness d (m),
    conductivity sigma (S/m) whose faces see the tangential field amplitude H_s (A/m).

    1-D nonlinear finite elements across the half thickness 0 <= x <= d/2 (A(0) = 0 by symmetry,
    nu dA/dx = H_s at the face): -d/dx(nu(|B|) dA/dx) + j w sigma A = 0, B = dA/dx, nu the secant
    of ``curve``; first-order elements, consistent mass, at least ``elements_per_depth`` per skin
    depth (from the initial permeability) and 16 in all; fixed point on nu with halving
    relaxation when the change grows. Returns A(d/2) / (H_s d / 2). Linear material: tanh(K)/K mu
    (tested)."""
    h = d / 2.0
    mu0 = 1.0 / abs(curve.nu_sec[0])
    delta = math.sqrt(2.0 / (omega * sigma * mu0))
    n = max(16, int(math.ceil(elements_per_depth * h / delta)))
    L = h / n
    nu = np.full(n, curve.nu_sec[0], complex)
    A = np.zeros(n + 1, complex)
    relax, last = 1.0, math.inf
    for it in range(max_iter):
        # banded matrix of the n unknowns A_1..A_n (A_0 = 0)
        kd = nu / L
        m_d, m_o = 1j * omega * sigma * L / 3.0, 1j * omega * sigma * L / 6.0
        diag = np.zeros(n + 1, complex)
        off = np.zeros(n, complex)
        diag[:-1] += kd + m_d
        diag[1:] += kd + m_d
        off[:] = -kd + m_o
        ab = np.zeros((3, n), complex)
        ab[0, 1:] = off[1:]
        ab[1, :] = diag[1:]
        ab[2, :-1] = off[1:]
        rhs = np.zeros(n, complex)
        rhs[-1] = H_s
        A_new = np.concatenate(([0.0], solve_banded((1, 1), ab, rhs)))
        ch = float(np.max(np.abs(A_new - A))) / max(float(np.max(np.abs(A_new))), 1e-300)
        if it > 5:
            relax = relax / 2.0 if (ch > last and relax > 0.1) else relax + 0.1 * (1.0 - relax)
        A = relax * A_new + (1.0 - relax) * A if it > 0 else A_new
        if ch < tol:
            break
        last = ch
        nu = curve.nu(np.abs(np.diff(A)) / L)[0]
    else:
        raise ConvergenceError(f"lamination 1-D solve did not converge (H_s = {H_s:.4g} A/m)", [ch])
    return complex(A[-1] / (H_s * h))


# ---------------------------------------------------------------------- problem
@dataclass
class Piece:
    """A FEMM "circuit" after series splitting: the labels it spans, its current (complex, A peak) per
    unit circuit current, its kind ("stranded": uniform J; "solid": a voltage-gradient unknown)."""

    circuit: str
    labels: tuple
    turns: float
    kind: str
    elements: np.ndarray
    area: float


@dataclass
class HarmonicProblem:
    """Arrays of a time-harmonic problem, on the static solver's :class:`~.solver.Problem` (mesh,
    gradients, constraints, sparse pattern). Element arrays (E,): nu_x, nu_y (complex, linear or
    initial), curve index (-1 linear), sigma (eddy conductivity, S/m), sigma_loss (conductivity for
    resistive loss, S/m), J_src (complex block source density, A/m^2), piece (index or -1)."""

    static: Problem
    frequency_hz: float
    omega: float
    g: np.ndarray
    nu_x: np.ndarray
    nu_y: np.ndarray
    curve_idx: np.ndarray
    curves: list
    sigma: np.ndarray
    sigma_loss: np.ndarray
    J_src: np.ndarray
    pieces: list
    piece: np.ndarray
    solid: list
    C_full: sp.csr_matrix
    D: np.ndarray
    circuits: dict
    currents: dict = field(default_factory=dict)

    @property
    def linear(self) -> bool:
        return bool(np.all(self.curve_idx < 0))

    @property
    def n_solid(self) -> int:
        return len(self.solid)


def _complex_g(p: Problem, geom: Geometry) -> np.ndarray:
    """Constraint offsets g with each Dirichlet boundary's phase e^{j phi}."""
    bds = {n: b for n, b in geom.boundaries.items() if b.kind == "dirichlet"}
    if all(b.phi_deg == 0.0 for b in bds.values()):
        return p.g.astype(complex)
    g = np.zeros(p.g.shape, complex)
    for name, b in bds.items():
        if b.a0 == 0.0 and b.a1 == 0.0 and b.a2 == 0.0:
            continue
        only = dict(geom.boundaries)
        for other, ob in bds.items():
            if other != name:
                only[other] = dataclasses.replace(ob, a0=0.0, a1=0.0, a2=0.0)
        gb = _constraints(dataclasses.replace(geom, boundaries=only), p.mesh)[1]
        g += gb * np.exp(1j * math.radians(b.phi_deg))
    return g


def build_harmonic_problem(geom: Geometry, mesh: Mesh | None = None, static: Problem | None = None,
                           frequency_hz: float | None = None) -> HarmonicProblem:
    """Arrays of the time-harmonic problem of ``geom`` at ``frequency_hz`` (default geom.frequency_hz).

    ``static``: a :class:`~.solver.Problem` of the same geometry and mesh to reuse (else built here)."""
    f = geom.frequency_hz if frequency_hz is None else float(frequency_hz)
    if not (f > 0 and math.isfinite(f)):
        raise InputError("frequency_hz", f, "> 0 Hz (a time-harmonic problem)")
    p = static if static is not None else build_problem(geom, mesh)
    geom = p.geometry
    w = 2.0 * math.pi * f
    names = p.mats.names
    mats = [geom.materials[n] for n in names]
    nm = len(mats)
    for m in mats:
        check_harmonic_material(m, f"material '{m.name}'")
    nux_m, nuy_m = np.zeros(nm, complex), np.zeros(nm, complex)
    cidx_m = -np.ones(nm, np.int64)
    curves = []
    for k, m in enumerate(mats):
        if m.nonlinear and m.lam_type < 3:
            c = ac_curve(m, w)
            cidx_m[k] = len(curves)
            curves.append(c)
            nux_m[k] = nuy_m[k] = c.nu_sec[0]
        else:
            mx, my = linear_mu(m, w)
            nux_m[k], nuy_m[k] = 1.0 / (MU0 * mx), 1.0 / (MU0 * my)
    labels = geom.labels
    lab_wound = np.array([abs(l.turns) > 1 or (l.material in geom.materials and geom.materials[l.material].lam_type >= 3)
                          for l in labels], bool)
    sig_m = np.array([m.sigma_ms * 1e6 for m in mats])
    lamd_m = np.array([m.lam_type == 0 and m.lam_thickness > 0 for m in mats])
    em = p.emat
    wound = lab_wound[p.label]
    sigma_loss = np.where(lamd_m[em], 0.0, sig_m[em])
    sigma = np.where(wound, 0.0, sigma_loss)
    J_src = np.array([m.J_a_per_m2 + 1j * m.J_im_a_per_m2 for m in mats])[em]
    # pieces (FEMM's series splitting)
    lab_area = np.bincount(p.label, weights=p.area, minlength=len(labels))
    pieces = []
    for cname, c in geom.circuits.items():
        labs = [k for k, l in enumerate(labels) if l.circuit == cname and lab_area[k] > 0]
        groups = [[k] for k in labs] if c.series else ([labs] if labs else [])
        for gl in groups:
            el = np.nonzero(np.isin(p.label, gl))[0]
            w_sig = float(np.sum(sigma[el] * p.area[el]))
            has_wound = bool(np.any(lab_wound[gl]))
            if w_sig > 0 and has_wound:
                raise InputError(f"circuit '{cname}'", "stranded and solid blocks in one parallel circuit",
                                 "only stranded (|turns| > 1) or only solid blocks")
            turns = float(labels[gl[0]].turns) if c.series else 1.0
            pieces.append(Piece(cname, tuple(gl), turns, "solid" if w_sig > 0 else "stranded", el,
                                float(lab_area[gl].sum())))
    piece = -np.ones(p.tri.shape[0], np.int64)
    for i, pc in enumerate(pieces):
        piece[pc.elements] = i
    solid = [i for i, pc in enumerate(pieces) if pc.kind == "solid"]
    N = p.nodes.shape[0]
    rows, cols, vals = [], [], []
    D = np.zeros(len(solid), complex)
    for j, i in enumerate(solid):
        el = pieces[i].elements
        wv = 1j * w * sigma[el] * p.area[el] / 3.0
        rows.append(p.tri[el].ravel())
        cols.append(np.full(3 * el.size, j))
        vals.append(np.repeat(wv, 3))
        D[j] = 1j * w * float(np.sum(sigma[el] * p.area[el]))
    if solid:
        C_full = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(N, len(solid)))
    else:
        C_full = sp.csr_matrix((N, 0), dtype=complex)
    circuits = {n: (c.series, complex(c.current_a, c.current_im_a)) for n, c in geom.circuits.items()}
    return HarmonicProblem(p, f, w, _complex_g(p, geom), nux_m[em], nuy_m[em], cidx_m[em], curves, sigma,
                           sigma_loss, J_src, pieces, piece, solid, C_full, D, circuits,
                           {n: v[1] for n, v in circuits.items()})


# ---------------------------------------------------------------------- assembly and solve
@njit(cache=True)
def _scatter_c(Je_flat, ent, coef, idx, nnz):
    data = np.zeros(nnz, np.complex128)
    for k in range(ent.shape[0]):
        data[idx[k]] += coef[k] * Je_flat[ent[k]]
    return data


def _element_matrices(hp: HarmonicProblem, nux, nuy) -> np.ndarray:
    """(E, 3, 3) complex element matrices area (nu_y b b^T + nu_x c c^T) + j w sigma area / 12 (1 + I)
    (b, c: the x and y derivatives of the shape functions; H_x = nu_x B_x, H_y = nu_y B_y)."""
    p = hp.static
    bg, cg, ar = p.bg, p.cg, p.area
    K = ar[:, None, None] * (nuy[:, None, None] * bg[:, :, None] * bg[:, None, :]
                             + nux[:, None, None] * cg[:, :, None] * cg[:, None, :])
    mass = 1j * hp.omega * hp.sigma * ar / 12.0
    K = K + mass[:, None, None] * (np.ones((3, 3)) + np.eye(3))[None, :, :]
    return K


def _currents(hp: HarmonicProblem, currents: dict | None) -> dict:
    cur = dict(hp.currents)
    for k, v in (currents or {}).items():
        if k not in cur:
            raise InputError("currents", k, f"one of {sorted(cur)}")
        cur[k] = complex(v)
    return cur


def _sources(hp: HarmonicProblem, cur: dict):
    """Element uniform current densities J0 (E,) (block source + stranded circuit density) and the
    solid-conductor right-hand sides (integral J_src dS - piece current)."""
    p = hp.static
    J0 = hp.J_src.copy()
    rc = np.zeros(hp.n_solid, complex)
    for i, pc in enumerate(hp.pieces):
        I_p = pc.turns * cur[pc.circuit]
        el = pc.elements
        Jsrc_int = complex(np.sum(hp.J_src[el] * p.area[el]))
        if pc.kind == "stranded":
            if pc.area > 0:
                J0[el] += (I_p - Jsrc_int) / pc.area
        else:
            rc[hp.solid.index(i)] = Jsrc_int - I_p
    return J0, rc


def _peak_b(B, peak: str) -> np.ndarray:
    a2 = np.abs(B[:, 0]) ** 2 + np.abs(B[:, 1]) ** 2
    if peak == "ellipse":
        return np.sqrt(0.5 * (a2 + np.abs(B[:, 0] ** 2 + B[:, 1] ** 2)))
    return np.sqrt(a2)


def _field(p: Problem, A: np.ndarray) -> np.ndarray:
    Ae = A[p.tri]
    return np.column_stack((np.sum(p.cg * Ae, axis=1), -np.sum(p.bg * Ae, axis=1)))


@dataclass
class HarmonicSolution:
    """A solved time-harmonic field: A (N,) complex Wb/m peak, B (E, 2) complex T peak, u (n_solid,)
    solid-conductor unknowns (G = j w u, V/m), nu_x, nu_y (E,) complex reluctivities used, currents
    {circuit: complex A peak}, iteration record."""

    problem: HarmonicProblem
    A: np.ndarray
    B: np.ndarray
    u: np.ndarray
    nu_x: np.ndarray
    nu_y: np.ndarray
    currents: dict
    J0: np.ndarray
    iterations: int
    residuals: list
    solve_time_s: float


def _factor(M, symmetric: bool = True):
    """SuperLU with a symmetric fill-reducing order; no pivoting for the complex-symmetric matrix
    (positive definite real part), threshold pivoting for the real Newton matrix."""
    M = M.tocsc()
    M.sort_indices()
    try:
        return splu(M, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0 if symmetric else 0.01, options=_LU_OPTS)
    except RuntimeError:
        try:
            return splu(M)
        except RuntimeError as exc:
            raise ConvergenceError(f"singular system ({exc}): is the field fixed somewhere "
                                   "(a Dirichlet boundary)?", []) from None


def _real_part(M):
    M = M.tocsr()
    return sp.csr_matrix((np.ascontiguousarray(M.data.real), M.indices, M.indptr), shape=M.shape)


def _imag_part(M):
    M = M.tocsr()
    return sp.csr_matrix((np.ascontiguousarray(M.data.imag), M.indices, M.indptr), shape=M.shape)


def solve_harmonic(hp: HarmonicProblem, currents: dict | None = None, A0: np.ndarray | None = None,
                   tol: float = 1e-6, max_iter: int = 60, peak: str = "femm",
                   iteration: str = "newton", time_limit_s: float | None = TIME_LIMIT_S) -> HarmonicSolution:
    """Solve the time-harmonic problem (circuit currents: complex A peak, default the file's).

    ``peak``: "femm" (|B| = sqrt(|Bx|^2 + |By|^2)) or "ellipse" (major semi-axis of the field
    ellipse) for the nonlinear materials' effective permeability. ``iteration`` (nonlinear only):
    "newton" -- Newton-Raphson on the real and imaginary parts of the unknowns (the residual
    nu(|B|) B is not complex-analytic in A: its Jacobian has a term in conj(dA), so the step solves
    the real 2n x 2n system; quadratic convergence), or "femm" -- FEMM's successive approximation
    (isotropic mean of secant and incremental reluctivity as iteration matrix; linear convergence).
    Both converge to the same solution (the residual uses the secant nu). Linear problems: one
    complex-symmetric solve. Converged when the relative residual < ``tol``. Limits: at most
    ``max_iter`` iterations (default 60) and ``time_limit_s`` seconds of wall time from the call
    (default :data:`.solver.TIME_LIMIT_S` = 600 s; None: no time limit; checked before each
    iteration); else ConvergenceError with the history, the last residual and both limits."""
    t0 = time.perf_counter()
    check_limits(max_iter, time_limit_s)
    if peak not in ("femm", "ellipse"):
        raise InputError("peak", peak, "'femm' or 'ellipse'")
    if iteration not in ("newton", "femm"):
        raise InputError("iteration", iteration, "'newton' or 'femm'")
    p = hp.static
    cur = _currents(hp, currents)
    J0, rc = _sources(hp, cur)
    fe = (p.area * J0 / 3.0)[:, None] * np.ones(3)
    N, E, ns = p.nodes.shape[0], p.tri.shape[0], hp.n_solid
    nf = p.n_free
    Cr = (p.Tt @ hp.C_full).tocsc() if ns else None
    nonlin = np.nonzero(hp.curve_idx >= 0)[0]
    nux, nuy = hp.nu_x.copy(), hp.nu_y.copy()
    a = np.zeros(nf, complex)
    u = np.zeros(ns, complex)
    if A0 is not None:
        A0 = np.asarray(A0, complex)
        if A0.shape != (N,):
            raise InputError("A0", A0.shape, f"shape ({N},) (a solution on the same mesh)")
        a = _free_values_c(p, A0)
    V = np.stack((p.cg, -p.bg), axis=2)  # (E, 3, 2): B of a unit nodal potential

    def update_nu(A):
        """Secant reluctivities and, for the nonlinear elements, (nu_inc, nu_sec, B, c) where
        d|B| = Re(c . dB) (c = B*/b for peak "femm"; the ellipse's major semi-axis otherwise)."""
        if nonlin.size == 0:
            return nux, nuy, None
        Bn = _field(p, A)[nonlin]
        b = _peak_b(Bn, peak)
        sec = np.empty(nonlin.size, complex)
        inc = np.empty(nonlin.size, complex)
        for ci, c in enumerate(hp.curves):
            k = hp.curve_idx[nonlin] == ci
            sec[k], inc[k] = c.nu(b[k])
        sx, sy = nux.copy(), nuy.copy()
        sx[nonlin] = sy[nonlin] = sec
        bs = np.where(b > 0, b, 1.0)
        if peak == "femm":
            cvec = np.conj(Bn) / bs[:, None]
        else:
            sq = Bn[:, 0] ** 2 + Bn[:, 1] ** 2
            ph = np.where(np.abs(sq) > 0, np.conj(sq) / np.where(np.abs(sq) > 0, np.abs(sq), 1.0), 0.0)
            cvec = (np.conj(Bn) + ph[:, None] * Bn) / (2.0 * bs[:, None])
        cvec[b == 0] = 0.0
        return sx, sy, (inc, sec, Bn, cvec, b)

    def residual(A, u, sx, sy):
        Ae = A[p.tri]
        gx = np.sum(p.bg * Ae, axis=1)
        gy = np.sum(p.cg * Ae, axis=1)
        re = p.area[:, None] * (sy[:, None] * gx[:, None] * p.bg + sx[:, None] * gy[:, None] * p.cg)
        ms = 1j * hp.omega * hp.sigma * p.area / 12.0
        re += ms[:, None] * (Ae + Ae.sum(axis=1)[:, None]) - fe
        flat = re.ravel()
        tri = p.tri.ravel()
        r_full = np.bincount(tri, flat.real, N) + 1j * np.bincount(tri, flat.imag, N)
        if ns:
            r_full += hp.C_full @ u
            rcir = hp.C_full.T @ A + hp.D * u - rc
            return np.concatenate((p.Tt @ r_full, rcir))
        return p.Tt @ r_full

    def reduced(Ke):
        data = _scatter_c(Ke.reshape(E, 9).ravel(), p.ent, p.coef, p.idx, p.indptr[-1])
        # the static pattern is row-major (rows = test nodes): CSR
        return sp.csr_matrix((data, p.indices, p.indptr), shape=(nf, nf))

    def step(sx, sy, extra, r, femm_step):
        """Newton (or FEMM) correction of the reduced unknowns and the solid-conductor unknowns."""
        if extra is None or femm_step:
            tx, ty = sx, sy
            if extra is not None:  # FEMM: mean of secant and incremental, isotropic
                tx, ty = sx.copy(), sy.copy()
                tx[nonlin] = ty[nonlin] = 0.5 * (extra[0] + extra[1])
            M = reduced(_element_matrices(hp, tx, ty))
            if ns:
                M = sp.bmat([[M, Cr], [Cr.T, sp.diags(hp.D)]])
            return -_factor(M.tocsc()).solve(r)
        inc, sec, Bn, cvec, b = extra
        K1 = _element_matrices(hp, sx, sy)
        dnu = np.where(b > 0, (inc - sec) / np.where(b > 0, b, 1.0), 0.0)  # d nu / d|B|
        Vn = V[nonlin]
        vB = np.einsum("eak,ek->ea", Vn, Bn)
        cv = np.einsum("ebk,ek->eb", Vn, cvec)
        ccv = np.einsum("ebk,ek->eb", Vn, np.conj(cvec))
        w = 0.5 * p.area[nonlin] * dnu
        K1[nonlin] += w[:, None, None] * vB[:, :, None] * cv[:, None, :]
        K2 = np.zeros_like(K1)
        K2[nonlin] = w[:, None, None] * vB[:, :, None] * ccv[:, None, :]
        M1, M2 = reduced(K1), reduced(K2)
        if ns:
            M1 = sp.bmat([[M1, Cr], [Cr.T, sp.diags(hp.D)]])
            M2 = sp.bmat([[M2, None], [None, sp.csr_matrix((ns, ns))]])
        S, Dm = (M1 + M2).tocsr(), (M1 - M2).tocsr()
        Rm = sp.bmat([[_real_part(S), -_imag_part(Dm)], [_imag_part(S), _real_part(Dm)]], format="csc")
        n = nf + ns
        xy = _factor(Rm, symmetric=False).solve(-np.concatenate((r.real, r.imag)))
        return xy[:n] + 1j * xy[n:]

    A = p.T @ a + hp.g
    sx, sy, extra = update_nu(A)
    ref = float(np.linalg.norm(residual(hp.g, np.zeros(ns, complex), sx, sy)))
    if not math.isfinite(ref):
        raise ConvergenceError("harmonic iteration cannot start: the sources (currents, boundary potentials) give "
                               "a non-finite residual", [])
    r = residual(A, u, sx, sy)
    rn = float(np.linalg.norm(r))
    hist = []
    its = 0
    if ref == 0.0:
        return _finish_h(hp, A, u, sx, sy, cur, J0, 0, [0.0], t0)
    linear = hp.linear
    while True:
        hist.append(rn / ref)
        if rn / ref < (1e-12 if linear else tol) or (linear and its >= 1):
            break
        if its >= max_iter or (time_limit_s is not None and time.perf_counter() - t0 > time_limit_s):
            raise ConvergenceError(not_converged("harmonic iteration", its, time.perf_counter() - t0, rn / ref,
                                                 1e-12 if linear else tol, max_iter, time_limit_s), hist)
        dx = step(sx, sy, extra, r, iteration == "femm")
        its += 1
        alpha = 1.0
        while True:
            a_new = a + alpha * dx[:nf]
            u_new = u + alpha * dx[nf:]
            A_new = p.T @ a_new + hp.g
            sx_n, sy_n, extra_n = update_nu(A_new)
            r_new = residual(A_new, u_new, sx_n, sy_n)
            rn_new = float(np.linalg.norm(r_new))
            if linear or rn_new <= (1.0 - 1e-4 * alpha) * rn or alpha < 1.0 / 16:
                break
            alpha *= 0.5
        if not np.isfinite(rn_new):
            raise ConvergenceError("harmonic iteration produced a non-finite residual", hist)
        a, u, A, r, rn = a_new, u_new, A_new, r_new, rn_new
        sx, sy, extra = sx_n, sy_n, extra_n
    return _finish_h(hp, A, u, sx, sy, cur, J0, its, hist, t0)


def _free_values_c(p: Problem, A_full):
    """Free unknowns of a complex nodal vector (the static solver's rule, per part)."""
    return _free_values(p, np.ascontiguousarray(A_full.real)) + 1j * _free_values(p, np.ascontiguousarray(A_full.imag))


def _finish_h(hp, A, u, sx, sy, cur, J0, its, hist, t0):
    return HarmonicSolution(hp, A, _field(hp.static, A), u, sx, sy, cur, J0, its, hist, time.perf_counter() - t0)


# ---------------------------------------------------------------------- post-processing
def current_density(sol: HarmonicSolution) -> np.ndarray:
    """Nodal current density per element (E, 3), complex A/m^2: J0 - j w sigma (A_i + u_k)."""
    hp = sol.problem
    p = hp.static
    Ae = sol.A[p.tri].copy()
    for j, i in enumerate(hp.solid):
        Ae[hp.pieces[i].elements] += sol.u[j]
    return sol.J0[:, None] - 1j * hp.omega * hp.sigma[:, None] * Ae


def resistive_loss(sol: HarmonicSolution) -> np.ndarray:
    """Time-average resistive loss per element, W: depth / 2 integral |J|^2 / sigma dS (exact for
    linear J; stranded regions with their block conductivity; laminated blocks: none -- their eddy
    loss is in :func:`iron_loss`)."""
    hp = sol.problem
    p = hp.static
    J = current_density(sol)
    s = hp.sigma_loss
    ok = s > 0
    out = np.zeros(p.tri.shape[0])
    Jok = J[ok]
    int_j2 = p.area[ok] / 12.0 * (np.sum(np.abs(Jok) ** 2, axis=1) + np.abs(Jok.sum(axis=1)) ** 2)
    out[ok] = 0.5 * p.depth * int_j2 / s[ok]
    return out


def iron_loss(sol: HarmonicSolution) -> np.ndarray:
    """Time-average hysteresis and lamination eddy loss per element, W: (w/2) Im(H . B*) area depth."""
    hp = sol.problem
    p = hp.static
    Bx, By = sol.B[:, 0], sol.B[:, 1]
    q = sol.nu_x * np.abs(Bx) ** 2 + sol.nu_y * np.abs(By) ** 2
    return 0.5 * hp.omega * q.imag * p.area * p.depth


def circuit_results(sol: HarmonicSolution) -> dict:
    """{circuit: {"current", "voltage", "flux_linkage"}} complex peak phasors (A, V, Wb) of the modelled part."""
    hp = sol.problem
    p = hp.static
    w = hp.omega
    J = current_density(sol)
    Am = sol.A[p.tri]
    out = {}
    for name in hp.circuits:
        I = sol.currents[name]
        V = 0j
        AJ = 0j
        for i, pc in enumerate(hp.pieces):
            if pc.circuit != name:
                continue
            el = pc.elements
            if pc.kind == "solid":
                G = 1j * w * sol.u[hp.solid.index(i)]
                V += -p.depth * G * pc.turns
            else:
                s = hp.sigma_loss[el]
                rho = np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)
                integ = np.sum(p.area[el] * (1j * w * Am[el].mean(axis=1) + rho * J[el].mean(axis=1)))
                V += p.depth * integ * (pc.turns / pc.area if hp.circuits[name][0] else 1.0 / pc.area)
            # integral A J* (exact for linear A, J on a triangle)
            a_, j_ = Am[el], np.conj(J[el])
            AJ += np.sum(p.area[el] / 12.0 * (np.sum(a_ * j_, axis=1) + a_.sum(axis=1) * j_.sum(axis=1)))
        psi = p.depth * AJ / np.conj(I) if I != 0 else V / (1j * w)
        out[name] = {"current": complex(I), "voltage": complex(V), "flux_linkage": complex(psi)}
    return out


def _air_h(hp: HarmonicProblem) -> np.ndarray:
    """Elements FEMM's weighted stress tensor treats as air: linear, unit permeability, no source,
    no conductivity, no circuit."""
    return ((hp.curve_idx < 0) & np.isclose(hp.nu_x * MU0, 1.0) & np.isclose(hp.nu_y * MU0, 1.0)
            & (hp.J_src == 0) & (hp.piece < 0) & (hp.sigma == 0) & (hp.sigma_loss == 0))


def torque_time_average(sol: HarmonicSolution, group: int, center=(0.0, 0.0)) -> float:
    """Time-average torque (N m) on the blocks of ``group`` about ``center``: FEMM's weighted Maxwell
    stress tensor with <T_ij> = nu0/2 Re(B_i B_j*) - nu0/4 |B|^2 delta_ij (modelled part)."""

    hp = sol.problem
    p = hp.static
    w = stress_tensor_weight(p, group, air=_air_h(hp))
    wx = np.sum(p.bg * w[p.tri], axis=1)
    wy = np.sum(p.cg * w[p.tri], axis=1)
    sel = (np.abs(wx) + np.abs(wy)) > 0
    Bx, By = sol.B[sel, 0], sol.B[sel, 1]
    nu0 = 1.0 / MU0
    Txx = 0.25 * nu0 * (np.abs(Bx) ** 2 - np.abs(By) ** 2)
    Tyy = -Txx
    Txy = 0.5 * nu0 * np.real(Bx * np.conj(By))
    fx = -(Txx * wx[sel] + Txy * wy[sel])
    fy = -(Txy * wx[sel] + Tyy * wy[sel])
    c = p.nodes[p.tri[sel]].mean(axis=1) - np.asarray(center)
    return float(p.depth * np.sum(p.area[sel] * (c[:, 0] * fy - c[:, 1] * fx)))


def _pair(z: complex) -> list:
    return [float(z.real), float(z.imag)]


def harmonic_summary(sol: HarmonicSolution, torque_group: int | None = None) -> dict:
    """JSON-able summary (the keys ``motoropt fea solve`` prints for a time-harmonic file): frequency_hz,
    mesh_nodes, mesh_elements, iterations, solve_time_s, circuits {name: {current_a, voltage_v,
    flux_linkage_wb}} as [re, im] (peak phasors), losses_w {total, by_group {group: W}} (time-average
    resistive), iron_loss_w (time-average hysteresis and lamination loss), and, with a torque group,
    torque_nm (time average) with torque_method."""
    hp = sol.problem
    p = hp.static
    circ = circuit_results(sol)
    pr = resistive_loss(sol)
    groups = sorted(set(int(x) for x in np.unique(p.group)))
    by = {str(gr): float(pr[p.group == gr].sum()) for gr in groups}
    out = {"frequency_hz": float(hp.frequency_hz), "mesh_nodes": int(p.nodes.shape[0]),
           "mesh_elements": int(p.tri.shape[0]), "iterations": int(sol.iterations),
           "solve_time_s": float(sol.solve_time_s),
           "circuits": {n: {"current_a": _pair(c["current"]), "voltage_v": _pair(c["voltage"]),
                            "flux_linkage_wb": _pair(c["flux_linkage"])} for n, c in circ.items()},
           "losses_w": {"total": float(pr.sum()), "by_group": by},
           "iron_loss_w": float(iron_loss(sol).sum())}
    if torque_group is not None:
        out["torque_nm"] = torque_time_average(sol, int(torque_group))
        out["torque_method"] = "weighted Maxwell stress tensor, time average (FEMM block integral 22)"
    return out


def solve_harmonic_geometry(geom: Geometry, torque_group: int | None = None, mesh: Mesh | None = None,
                            max_iter: int = 60, time_limit_s: float | None = TIME_LIMIT_S) -> dict:
    """Mesh, solve and summarise a time-harmonic geometry (:func:`harmonic_summary`); ``max_iter``,
    ``time_limit_s``: the limits of :func:`solve_harmonic`."""
    hp = build_harmonic_problem(geom, mesh)
    return harmonic_summary(solve_harmonic(hp, max_iter=max_iter, time_limit_s=time_limit_s), torque_group)
