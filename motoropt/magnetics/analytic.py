"""Analytic PMSM model: a nonlinear magnetic equivalent circuit (MEC) over one pole → flux maps.

Method (a rotor-position-averaged, air-gap-discretised MEC; cf. Hanic, Zarko & Hinov, IEEE TEC 2016
for saturated IPM MECs, and Pyrhönen et al., *Design of Rotating Electrical Machines*, ch. 3–4):

- One pole (electrical angle theta in [-pi/2, pi/2], d axis at 0) with antiperiodic closure.
  The air gap is split into cells: ``J`` cells over the pole piece / magnet arc and ``M`` cells
  over each inter-polar region, so the pole-arc edges are cell boundaries.
- Stator: per cell a linear gap (length g·k_C, Carter) and a tapered tooth (tooth fraction w_t/tau_s
  of the area over the slot depth, steel B-H curve: d-q cross-saturation arises here). Adjacent cells
  are joined through the stator yoke (nonlinear), closed antiperiodically. Tooth-level option
  (``slot_permeance`` > 0, what Design.mec_inputs uses): each cell has a tooth-tip node and adjacent
  tips are joined by the leakage permeance of the slots between the cell centres (slot body +
  opening + tooth-tip zig-zag, Pyrhönen eqs. 4.50, 4.63, slots in series), so slot leakage is part
  of the network and saturates with the teeth (L_sigma is then the end winding only).
- Stator MMF: only the fundamental of the three-phase winding, F(theta) =
  (3/pi)·k_w1·N_ph/p·(i_d cos theta + i_q sin theta) (A-turns per pole, amplitude-invariant d-q,
  peak phase currents), as in a classical tooth-level MEC placed in the yoke branches between cells
  (F_k - F_{k+1}: the conductors lying between the cell centres; cell averages of cos and sin).
- IPM rotor: the pole piece is ``J`` iron nodes joined tangentially by its own cross-section
  (depth falling from ``v_depth`` at the centre to the bridge at the tips: q-axis saturation). The
  magnets (H_c·h_m source and internal reluctance h_m/(mu0 mu_r A_m)) feed the pole-piece nodes
  over the magnets' arc (``magnet_arc``; the tip cell beyond it lies over the barrier's air pocket,
  which leaks to the core through ``pocket_permeance``) from the rotor core, which sits at zero potential at the pole centre by symmetry. The tangential
  bridges join the pole-piece tips to the inter-polar iron; the centre post joins the pole piece to
  the core; the inter-polar rib and the rotor yoke under the V carry q-axis flux (all nonlinear).
- SPM rotor: each cell's branch includes the magnet (source and reluctance over the magnet arc,
  air elsewhere) and the retaining sleeve; the rotor core is taken as unsaturated.
- Flux linkages: psi_x = sum over the MMF-carrying yoke branches of (dF/di_x) phi (x 4p/3 for the
  machine and amplitude-invariant Park) = k_w1·N_ph·(4/pi)·sum_k phi_yoke,k (c_k - c_k+1), which is
  the fundamental gap flux plus the slot-leakage linkage, plus a linear L_sigma (end winding; plus
  slot and tooth tip without the tooth-level option, Pyrhönen eqs. 4.50–4.62) times the current.
  Torque T = 1.5 p (psi_d i_q - psi_q i_d); with the fundamental-only coupling this is the
  co-energy torque of the network exactly (no ripple: the model is position-averaged).

Tooth-coil stator (``MECInputs.tooth_coil``: a :class:`ToothCoilStator`; Design.mec_inputs sets it
for SPM designs with coil pitch 1 and q < 1; IPM tooth-coil designs keep the cell network). The
cell network above is wrong for tooth coils (diagnosed against the embedded FEA on a 60-slot /
40-pole SPM at (i_d, i_q) = (0, 396) A: torque -18 %, psi_d 0.385 vs 0.471 Wb): a q = 1/2 tooth spans
120 electrical degrees, so ~7 cells share one real tooth, joined only by slot-leakage permeances
scaled by the fraction of a slot between cell centres (x 12 here) and driven by the smeared
fundamental MMF; that leakage flux (1.1-1.7 mWb per cell vs 0.1-0.4 mWb of gap flux) ran through every
cell tooth and saturated all of them at 1.8 T (cross-saturation far too strong). The tooth-coil
network instead models the real teeth over the smallest unit the slot layout repeats over (periodic,
or antiperiodic for an odd pole count: 3 teeth for 60/40, 6 for 48/40):
- per tooth: a tooth-top node joined to the yoke node by the tapered nonlinear tooth body, which
  carries the coil MMF sum_x N_kx i_x (the actual coils: turns around tooth k of phase x / parallel
  paths); ``n_overhang`` tip nodes on each side chained to the top through the tip cross-section
  h_tip L k_fe (nonlinear: the tips saturate); yoke branches between adjacent teeth;
- the real slot's leakage: body h_s/(3 b_s) between the tooth tops, opening + tooth-tip (zig-zag)
  h_o/b_o + lambda_tt between the outer tips (Pyrhönen eqs. 4.50, 4.63; no chording factors or 1/k_w1^2:
  the network carries the real slot currents);
- the air gap over each tooth in ``n_body`` + 2 ``n_overhang`` cells (Carter gap, the slot opening
  shared by the two outer cells), each split into two radial halves at a gap node, the magnet's MMF
  and h_m/mu_r in the rotor-side half for the part of the cell over a magnet (exact overlap at the
  rotor position), and adjacent gap nodes joined by the tangential permeance of the gap layer
  mu0 L (g + h_m)/dx: a lumped 2-D gap, which gives the short-wavelength MMF harmonics of tooth
  coils their fringing (the 1-D radial gap alone gave L_d 17 % low). The gap nodes are linear and
  are eliminated exactly (Kron reduction) before the Newton solve;
- rotor positions: the unit's poles already sample 2p/gcd(Q, 2p) offsets to the teeth; the network
  is solved at :func:`auto_positions` positions over one cogging period (>= 4 offsets per slot pitch;
  2 for 60/40, 1 for 48/40) and psi_d, psi_q averaged;
- flux linkage psi_x = (units) sum_k N_kx phi_tooth,k (the tooth-body flux, which includes the slot
  leakage), Park-transformed (amplitude-invariant) at each position: co-energy consistent
  (d psi_d/d i_q = d psi_q/d i_d, tests/test_multipole.py), torque 1.5 p (psi_d i_q - psi_q i_d);
- iron-loss inputs: spatial fundamentals (p pole pairs) of the tooth-body (top) and yoke flux
  densities over the teeth (the tooth flux already integrates the gap wave: no tooth_flux_factor).
Assumptions: SPM rotor core unsaturated; the magnet (mu_r ~ 1) and the air gap one uniform layer for
the tangential path; the tooth-tip overhangs as rectangular shoes of height h_tip; the slot leakage
lumped at the tooth tops and tips. Against the embedded FEA at 20 degC (tests/test_multipole.py):
60 slots / 40 poles: psi_PM -3.8 %, secant L_d (0 to -200 A) +0.1 %, psi_q(0, 200) +3.5 %, torque at
(0, 200), (0, 396), (-200, 300) A -2.4 %, -6.4 %, +0.7 %; the shipped 48 / 40: psi_PM -5.1 %, L_d
-1.9 %, psi_q +0.7 %, torque -1.1 %, +3.8 %, -4.2 %. Also checked (80 degC, not in the tests): the
12s/10p family at p = 10 and 30: psi_PM -8 %, torque at (0, 200) and (0, 396) A within 7 %. A
13 x 11 map of the shipped 48/40 design takes ~7 ms (the Prius cell network: ~5 ms).

Solver (both networks): Newton on the node potentials and the fluxes of the nonlinear branches
(mixed form: each nonlinear branch's equation is its explicit MMF drop drop(phi) = du, so no
branch needs an inner iteration and saturation is approached from the flux side), the branch fluxes
eliminated in each step; the node Jacobian factored by an envelope Cholesky in reverse
Cuthill-McKee order; each grid point started from its neighbours' solutions extrapolated
(``_predict``); ~4.4 Newton steps per point on the Prius, converged to _NEWTON_TOL = 1e-6 of the
flux scale (the map's bilinear interpolation errs by ~1e-3: 1e-8 took 8 % more steps and changed
the shipped cases' and 20 optimiser designs' KPIs by < 3e-6 relative).

Layered rotor (``MECInputs.magnet_layer``, :mod:`motoropt.magnetics.magnet_layer`): the tooth-coil
network's rotor side as the magnet layer in sublayers with radial and tangential branches (Halbach
arrays, outer rotors, a saturable back-iron ring with the air behind it in parallel); used by the
outer-rotor family and by inner SPM rotors with Halbach arrays. With the gap resolved in layers the
slot's tip-to-tip permeance is the opening's h_o / b_o alone (the tooth-tip zig-zag leakage lambda_tt
runs through the network's gap cells: adding it made psi_q 13-17 % high against the FEA) and the
slot body's the trapezoid's (:func:`trapezoid_slot_lambda`). Against the embedded FEA
(tests/machines/outer_rotor, tests/machines/pmsm/test_halbach.py): psi_PM within 2.3 %, torque
within 5 %, psi_q within 8 %.

Approximations to keep in mind (cell network): slotting only through Carter's coefficient (no cogging/ripple),
winding MMF harmonics ignored in the mean flux linkage, slot currents smeared as the fundamental's
(the slot permeance is divided by k_w1^2 to keep the real slot-leakage energy), air-pocket leakage
only across the pocket (no fringing), unsaturated rotor core for SPM, linear end-winding leakage.
Against the embedded 2-D FEA on the Prius (tests/test_mec.py): psi_q within 5 %, psi_d within
0.02 Wb under load, psi_PM +6 %; the d-axis inductance is ~25 % low (psi_d(-100, 0) 0.03 Wb high). The
iron-loss inputs are the fundamental flux-density amplitudes in teeth and yoke.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import MU0
from motoropt.errors import ConvergenceError, InputError
from motoropt.jit import njit
from motoropt.magnetics.fluxmap import FluxMap
from motoropt.magnetics.magnet_layer import MagnetLayer, half_layer, series, tangential
from motoropt.memo import Memo

# branch kinds
_GAP_TOOTH = 0  # linear gap permeance in series with a nonlinear tooth (implicit flux)
_IRON = 1  # nonlinear iron: flux = A B(du/l)
_LINEAR = 2  # linear permeance with an MMF source: flux = P (du + F)
_TOOTH = 3  # nonlinear tapered tooth alone (implicit flux)

GROUND = -1


# ---------------------------------------------------------------------------------------------
# B-H curve kernels on a densely resampled, strictly monotone table (odd extension for H < 0)
# ---------------------------------------------------------------------------------------------
_BH_MEMO = Memo(32)  # designs of one run share steels


def resample_bh(bh_H: np.ndarray, bh_B: np.ndarray, n: int = 2000):
    """Monotone (PCHIP) resampling of a B-H curve on a grid uniform in B, up to the point beyond
    which the curve is the straight line of slope mu0 (the kernels continue that line exactly).

    Returns float64 arrays (H, B) starting at (0, 0), for :func:`h_of_b`; the
    uniform B spacing makes :func:`h_of_b` an O(1) look-up (it runs inside every network solve).
    Remembered per table (callers must not modify the arrays): the designs of an optimisation share
    their steels.
    """
    H = np.asarray(bh_H, float)
    B = np.asarray(bh_B, float)
    return _BH_MEMO.get((H.tobytes(), B.tobytes(), int(n)), lambda: _resample_bh(H, B, int(n)))


def _resample_bh(H: np.ndarray, B: np.ndarray, n: int):
    from scipy.interpolate import PchipInterpolator

    if H[0] > 0:
        H = np.concatenate(([0.0], H))
        B = np.concatenate(([0.0], B))
    slopes = np.diff(B) / np.diff(H)
    steep = np.flatnonzero(slopes > 1.001 * MU0)
    last = int(steep[-1]) + 1 if steep.size else len(H) - 1  # end of the non-linear part
    H, B = H[: last + 1], B[: last + 1]
    f = PchipInterpolator(H, B)
    Hd = np.concatenate(([0.0], np.geomspace(max(H[1], 1.0) * 1e-3, H[-1], 20 * n)))
    Bd = np.maximum.accumulate(f(Hd))
    Bu = np.linspace(0.0, B[-1], n + 1)
    Hu = np.interp(Bu, Bd, Hd)
    return Hu, Bu


@njit(cache=True, inline="always")
def h_of_b(B, Ht, Bt):
    """H(B) and dH/dB at that point from the table (odd in B)."""
    s = 1.0
    if B < 0.0:
        s = -1.0
        B = -B
    n = Bt.shape[0]
    if B >= Bt[n - 1]:
        return s * (Ht[n - 1] + (B - Bt[n - 1]) / MU0), 1.0 / MU0
    x = B * ((n - 1) / Bt[n - 1])  # the table is uniform in B (resample_bh): B = Bt[n - 1] x / (n - 1)
    lo = int(x)
    if lo > n - 2:
        lo = n - 2
    dH = Ht[lo + 1] - Ht[lo]
    return s * (Ht[lo] + (x - lo) * dH), dH * ((n - 1) / Bt[n - 1])


_N_SEG = 4  # segments of a tapered tooth
_NEWTON_TOL = 1e-6  # flux-map points: converged when |r| and max |g e| <= this x the flux scale (_newton)
_NEWTON_MAX_ITER = 60


@njit(cache=True, inline="always")
def _tooth_drop(phi, A_top, A_bot, l, Ht, Bt):
    """MMF drop over a tapered tooth (area A_top at the tip end, A_bot at the root, length l) carrying
    flux phi, by the midpoint rule over _N_SEG segments; returns (drop, d drop / d phi)."""
    drop = 0.0
    ddrop = 0.0
    for s_ in range(_N_SEG):
        Ai = A_top + (A_bot - A_top) * (s_ + 0.5) / _N_SEG
        H, dHdB = h_of_b(phi / Ai, Ht, Bt)
        drop += l / _N_SEG * H
        ddrop += l / _N_SEG * dHdB / Ai
    return drop, ddrop


# ---------------------------------------------------------------------------------------------
# Network solve
# ---------------------------------------------------------------------------------------------
@njit(cache=True, _nrt=False)
def _assemble_jacobian(J, first, g, a, sa, b, sb):
    """J = sum_i g_i c_i c_i^T, c_i the signed incidence of branch i (d phi_i / d u), in place: its
    lower triangle within the envelope ``first`` (the part the Cholesky factorisations read; the
    rest of J is neither cleared nor written)."""
    for i in range(J.shape[0]):
        for j in range(first[i], i + 1):
            J[i, j] = 0.0
    for i in range(g.shape[0]):
        ai, bi = a[i], b[i]
        if ai >= 0:
            J[ai, ai] += g[i] * sa[i] * sa[i]
        if bi >= 0:
            J[bi, bi] += g[i] * sb[i] * sb[i]
        if ai >= 0 and bi >= 0:
            if ai > bi:
                J[ai, bi] -= g[i] * sa[i] * sb[i]
            elif bi > ai:
                J[bi, ai] -= g[i] * sa[i] * sb[i]
            else:  # a node and its antiperiodic image: both off-diagonal terms land on the diagonal
                J[ai, ai] -= g[i] * sa[i] * sb[i]
                J[ai, ai] -= g[i] * sa[i] * sb[i]


@njit(cache=True, _nrt=False)
def _cholesky_solve(J, first, rhs, x):
    """Solve J x = rhs for a symmetric positive-definite J (the node-permeance Jacobian: sum of
    g_i a_i a_i^T with g_i > 0 and at least one grounded branch) by an envelope (profile) Cholesky:
    row i of J has no entry left of column ``first[i]`` (<= i), and neither has the factor, so the
    work is confined to the envelope (the node order of :func:`envelope_order` keeps it narrow;
    ``first`` = 0 is the dense factorisation). J's lower triangle is overwritten by the factor L,
    except that its diagonal holds 1 / L_ii (the elimination multiplies instead of dividing: no
    chain of divisions). Returns False (x undefined) if a pivot is not positive.

    The indices are unsigned: numba then indexes without the negative-index wrap-around test,
    which took about a fifth of the factorisation's time (n = 72: 56-60 -> 44-46 us); the operations
    and their order are those of the signed version, so the results are the same bit for bit."""
    n = np.uint64(J.shape[0])
    for i in range(n):
        fi = np.uint64(first[i])
        for j in range(fi, i):
            v = J[i, j]
            for k in range(max(fi, np.uint64(first[j])), j):
                v -= J[i, k] * J[j, k]
            J[i, j] = v * J[j, j]
        d = J[i, i]
        for k in range(fi, i):
            d -= J[i, k] * J[i, k]
        if not d > 0.0:
            return False
        J[i, i] = 1.0 / math.sqrt(d)
    for i in range(n):  # L y = rhs
        v = rhs[i]
        for k in range(np.uint64(first[i]), i):
            v -= J[i, k] * x[k]
        x[i] = v * J[i, i]
    for m in range(n):  # L^T x = y, by columns of L^T (rows of L), i = n - 1 ... 0
        i = n - np.uint64(1) - m
        x[i] *= J[i, i]
        xi = x[i]
        for k in range(np.uint64(first[i]), i):
            x[k] -= J[i, k] * xi
    return True


@njit(cache=True, fastmath={"reassoc", "contract"}, _nrt=False)
def _dense_kcl(G, h, u, r):
    """r = G u + h, each row's inner product reassociated (vectorised; one call for all rows)."""
    n = r.shape[0]
    for i in range(n):
        v = 0.0
        for k in range(n):
            v += G[i, k] * u[k]
        r[i] = h[i] + v


@njit(cache=True, fastmath={"reassoc", "contract"}, _nrt=False)
def _dense_cholesky_solve(J, rhs, x):
    """:func:`_cholesky_solve` of a full (dense) J -- the Kron-reduced tooth-coil network's, whose gap
    couples nearly every node (n = 36-72) -- with the inner products as reassociated (vectorised)
    loops written out here: the same factor up to roundoff (on the shipped cases the same bits as
    one called dot-product function per inner product, whose calls cost more than their arithmetic:
    aircooled_air_mobility_outer's 72-node flux map 16.2 -> 10.9 ms). J's lower triangle holds the
    factor (1 / L_ii on the diagonal); returns False if a pivot is not positive."""
    n = np.uint64(J.shape[0])
    for i in range(n):
        for j in range(i):
            v = 0.0
            for k in range(j):
                v += J[i, k] * J[j, k]
            J[i, j] = (J[i, j] - v) * J[j, j]
        d = 0.0
        for k in range(i):
            d += J[i, k] * J[i, k]
        d = J[i, i] - d
        if not d > 0.0:
            return False
        J[i, i] = 1.0 / math.sqrt(d)
    for i in range(n):  # L y = rhs
        v = 0.0
        for k in range(i):
            v += J[i, k] * x[k]
        x[i] = (rhs[i] - v) * J[i, i]
    for m in range(n):  # L^T x = y, by rows of L, i = n - 1 ... 0
        i = n - np.uint64(1) - m
        x[i] *= J[i, i]
        xi = x[i]
        Ji = J[i]
        for k in range(i):
            x[k] -= Ji[k] * xi
    return True


_ORDER_MEMO = Memo(32)  # designs of one run share network topologies


def envelope_order(n: int, a: np.ndarray, b: np.ndarray):
    """Node order (reverse Cuthill-McKee of the branch graph) that keeps the Jacobian's envelope
    narrow, and the envelope of the reordered matrix. Returns (new index of each node, first):
    ``first[i]`` is the leftmost column of row i holding an entry. Remembered per topology (callers
    must not modify the arrays)."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    return _ORDER_MEMO.get((int(n), a.tobytes(), b.tobytes()), lambda: _envelope_order(n, a, b))


def _envelope_order(n: int, a: np.ndarray, b: np.ndarray):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    both = (a >= 0) & (b >= 0)
    rows = np.concatenate((a[both], b[both], np.arange(n)))
    cols = np.concatenate((b[both], a[both], np.arange(n)))
    graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    order = np.asarray(reverse_cuthill_mckee(graph, symmetric_mode=True), np.int64)
    new = np.empty(n, np.int64)
    new[order] = np.arange(n)
    first = np.arange(n, dtype=np.int64)
    i, j = new[rows], new[cols]
    np.minimum.at(first, np.maximum(i, j), np.minimum(i, j))
    return new, first


@njit(cache=True, inline="always")
def _branch_drop(kind, phi, P, A, A2, l, Ht, Bt):
    """MMF drop (A) of a nonlinear branch carrying flux phi (Wb) and its derivative d drop / d phi
    (A/Wb): iron l H(phi/A); tapered tooth (:func:`_tooth_drop`); gap + tooth phi/P + tooth drop."""
    if kind == _IRON:
        H, dHdB = h_of_b(phi / A, Ht, Bt)
        return l * H, l * dHdB / A
    drop, ddrop = _tooth_drop(phi, A, A2, l, Ht, Bt)
    if kind == _GAP_TOOTH:
        return drop + phi / P, ddrop + 1.0 / P
    return drop, ddrop


@njit(cache=True, _nrt=False)
def _residual(kind, a, sa, b, sb, P, A, A2, l, F, G, h, dense, Ht, Bt, uu, phi, g_out, e_out, r):
    """Residuals of the mixed network equations at node potentials ``uu`` and nonlinear-branch
    fluxes ``phi``: KCL r (the linear part G uu + h when ``dense``, the linear branches' P du and
    the nonlinear branches' phi, signed) and, per nonlinear branch, e = drop(phi) - du (A; 0 for the
    linear ones). g_out <- the branch conductances d phi / d du (P, or 1 / drop'(phi)); the linear
    branches' fluxes are written to phi. Returns |r|^2 (Wb^2). The dense G u + h comes from
    :func:`_dense_kcl` (reassociated, vectorised inner products; this function keeps strict order)."""
    n = r.shape[0]
    if dense:
        _dense_kcl(G, h, uu, r)
    else:
        r[:] = 0.0
    m = 0.0
    for i in range(kind.shape[0]):
        du = F[i]
        if a[i] >= 0:
            du += sa[i] * uu[a[i]]
        if b[i] >= 0:
            du -= sb[i] * uu[b[i]]
        if kind[i] == _LINEAR:
            f = P[i] * du
            phi[i] = f
            g_out[i] = P[i]
            e_out[i] = 0.0
        else:
            f = phi[i]
            drop, R = _branch_drop(kind[i], f, P[i], A[i], A2[i], l[i], Ht, Bt)
            g_out[i] = 1.0 / R
            e_out[i] = drop - du
        if a[i] >= 0:
            r[a[i]] += sa[i] * f
        if b[i] >= 0:
            r[b[i]] -= sb[i] * f
    for i in range(n):
        m += r[i] * r[i]
    return m


@njit(cache=True, _nrt=False)
def _merit(r2, g, e):
    """|r|^2 + sum (g e)^2 (Wb^2): the Newton step is a descent direction of it for fixed weights g."""
    m = r2
    for i in range(e.shape[0]):
        m += (g[i] * e[i]) ** 2
    return m


@njit(cache=True, _nrt=False)
def _newton(n, kind, a, sa, b, sb, P, A, A2, l, F, G, h, dense, first, Ht, Bt, u, phi, scale, tol, max_iter, wn, wb,
            J):
    """Newton solve of a magnetic network (KCL), damped by a halving line search.

    Branch i carries flux from endpoint a to endpoint b driven by du = sa*u[a] - sb*u[b] + F[i]
    (GROUND = -1 has potential 0; a sign of -1 refers to the antiperiodic image of a node); with
    ``dense`` the network's linear part is a dense permeance matrix G and flux injection h (the
    Kron-reduced gap of the tooth-coil network). Mixed formulation: the unknowns are the node
    potentials u and the fluxes phi of the nonlinear branches, whose equations drop(phi) = du are
    written in their explicit, convex (reluctance) form (:func:`_branch_drop`: no inner iteration,
    and the Newton step approaches saturation from the flux side). Each step eliminates the branch
    fluxes: J du = -(r - sum g_i e_i c_i) with J = sum g_i c_i c_i^T, g_i = 1 / drop_i'(phi_i),
    then dphi_i = g_i (c_i du - e_i); J is symmetric positive definite (envelope Cholesky,
    :func:`_cholesky_solve`; should a pivot not be positive, the iteration stops there and the
    caller reports the residual). The line search halves the step until the merit |r|^2 + sum
    (g e)^2 (weights g of the current point: :func:`_merit`) falls. Converged when both |r| and max |g e| are <= tol scale (Wb).
    Starts from (u, phi) (node potentials, branch fluxes) and leaves the solution there. Scratch
    (allocated once per flux map by the caller, :func:`newton_scratch`): wn (5, n), wb (6, branches),
    J (n, n). Returns (iterations, final residual / scale).
    """
    nb = kind.shape[0]
    g, e, g_try, e_try, dphi, phi_try = wb[0], wb[1], wb[2], wb[3], wb[4], wb[5]
    r, r_try, rhs, du_vec, u_try = wn[0], wn[1], wn[2], wn[3], wn[4]
    r2 = _residual(kind, a, sa, b, sb, P, A, A2, l, F, G, h, dense, Ht, Bt, u, phi, g, e, r)
    merit = _merit(r2, g, e)
    lim = (tol * scale) ** 2
    it_done = 0
    for it in range(max_iter):
        it_done = it
        if merit <= lim:
            break
        _assemble_jacobian(J, first, g, a, sa, b, sb)
        if dense:
            for i in range(n):
                for j in range(first[i], i + 1):
                    J[i, j] += G[i, j]
        for k in range(n):
            rhs[k] = -r[k]
        for i in range(nb):
            if kind[i] != _LINEAR:
                ge = g[i] * e[i]
                if a[i] >= 0:
                    rhs[a[i]] += sa[i] * ge
                if b[i] >= 0:
                    rhs[b[i]] -= sb[i] * ge
        solved = _dense_cholesky_solve(J, rhs, du_vec) if dense else _cholesky_solve(J, first, rhs, du_vec)
        if not solved:  # not positive definite (should not happen)
            break
        for i in range(nb):
            if kind[i] != _LINEAR:
                dd = 0.0
                if a[i] >= 0:
                    dd += sa[i] * du_vec[a[i]]
                if b[i] >= 0:
                    dd -= sb[i] * du_vec[b[i]]
                dphi[i] = g[i] * (dd - e[i])
            else:
                dphi[i] = 0.0
        step = 1.0
        for _ls in range(12):
            for k in range(n):
                u_try[k] = u[k] + step * du_vec[k]
            for i in range(nb):
                phi_try[i] = phi[i] + step * dphi[i]
            r2 = _residual(kind, a, sa, b, sb, P, A, A2, l, F, G, h, dense, Ht, Bt, u_try, phi_try, g_try, e_try, r_try)
            if _merit(r2, g, e_try) < merit or _ls == 11:  # the current point's weights g
                # explicit loops: an array-to-array slice assignment compiles numba's shape-mismatch
                # error path (string formatting, ~2 s of the first run's compilation)
                for k in range(n):
                    u[k] = u_try[k]
                    r[k] = r_try[k]
                for i in range(nb):
                    phi[i] = phi_try[i]
                    g[i] = g_try[i]
                    e[i] = e_try[i]
                merit = _merit(r2, g, e)
                break
            step *= 0.5
        it_done = it + 1
    return it_done, math.sqrt(merit) / scale


@njit(cache=True)
def newton_scratch(n, nb):
    """The scratch arrays of :func:`_newton` for n nodes and nb branches: (wn, wb, J)."""
    return np.empty((5, n)), np.empty((6, nb)), np.empty((n, n))


@njit(cache=True, _nrt=False)
def _network_scale(kind, P, A, l, F):
    """Flux scale of the convergence test: the largest linear-branch flux P F (gap-tooth branches
    x 1e-3), or for winding MMF in an iron branch its flux at mu_r = 1000 (x 1e-3)."""
    scale = 0.0
    for i in range(kind.shape[0]):
        if kind[i] == _LINEAR:
            scale = max(scale, abs(P[i] * F[i]))
    for i in range(kind.shape[0]):
        if kind[i] == _GAP_TOOTH:
            scale = max(scale, abs(P[i] * F[i]) * 1e-3)
        elif (kind[i] == _IRON or kind[i] == _TOOTH) and F[i] != 0.0:
            scale = max(scale, MU0 * A[i] * abs(F[i]) / l[i])
    return scale if scale != 0.0 else 1.0


@njit(cache=True, _nrt=False)
def _solve_network(n, kind, a, sa, b, sb, P, A, A2, l, F, first, Ht, Bt, u, phi, tol, max_iter, G0, h0, wn, wb, J):
    """:func:`_newton` on a network of branches only (the cell network; G0 (1, 1), h0 (1,): unused
    placeholders of the dense part)."""
    return _newton(n, kind, a, sa, b, sb, P, A, A2, l, F, G0, h0, False, first, Ht, Bt, u, phi,
                   _network_scale(kind, P, A, l, F), tol, max_iter, wn, wb, J)


@njit(cache=True, _nrt=False)
def _predict(X, jd, jq, out):
    """Starting point at grid point (jd, jq) from the solutions X[jd', jq'] (last axis: the unknowns)
    already found, the grid being swept row by row in i_d (jd) within i_q (jq): bilinear
    extrapolation X[jd-1, jq] + X[jd, jq-1] - X[jd-1, jq-1] inside, linear along the first row and
    column (the map's currents step uniformly: exact for a network linear in the currents)."""
    m = out.shape[0]
    if jd >= 1 and jq >= 1:
        for k in range(m):
            out[k] = X[jd - 1, jq, k] + X[jd, jq - 1, k] - X[jd - 1, jq - 1, k]
    elif jq == 0 and jd >= 2:
        for k in range(m):
            out[k] = 2.0 * X[jd - 1, 0, k] - X[jd - 2, 0, k]
    elif jq == 0 and jd == 1:
        for k in range(m):
            out[k] = X[0, 0, k]
    elif jd == 0 and jq >= 2:
        for k in range(m):
            out[k] = 2.0 * X[0, jq - 1, k] - X[0, jq - 2, k]
    elif jd == 0 and jq == 1:
        for k in range(m):
            out[k] = X[0, 0, k]
    else:
        out[:] = 0.0


@njit(cache=True, _nrt=False)
def _predict_solved(X, jd, jq, out, solved):
    """:func:`_predict` where some grid points are not solved (``solved`` False: outside the current
    circle, :func:`current_limit_nodes`). The solved points form a staircase towards i_d = 0 and
    i_q = 0, so (jd, jq - 1) is solved whenever (jd, jq) is; when the bilinear stencil lacks
    (jd - 1, jq) or (jd - 1, jq - 1), the start is extrapolated linearly along i_q instead (or
    copied from (jd, jq - 1) on the second row). With every point solved this is :func:`_predict`."""
    if jd >= 1 and jq >= 1 and not (solved[jd - 1, jq] and solved[jd - 1, jq - 1]):
        m = out.shape[0]
        if jq >= 2:
            for k in range(m):
                out[k] = 2.0 * X[jd, jq - 1, k] - X[jd, jq - 2, k]
        else:
            for k in range(m):
                out[k] = X[jd, 0, k]
        return
    _predict(X, jd, jq, out)


FLUXMAP_NODES = ("all", "current_limit")  # compute_fluxmap's ``nodes`` (case key [map] fluxmap_nodes)


def current_limit_nodes(i_d, i_q) -> np.ndarray:
    """(n_d, n_q) bool: the grid points the drive kernels read for currents within the circle |i| <= r,
    r = min(-i_d[0], i_q[-1]) (the radius the map covers, FluxMap.i_max): the corners of every cell
    that meets the circle, and the nodes of the three-point stencils along i_d and along i_q through
    each of those corners, which the incremental inductance's node slopes read
    (:func:`motoropt.drive.losses.incremental_inductance`, for the PWM-harmonic losses). The drive's
    currents stay within limits.i_max <= the map's i_max, so the other points are never used; all
    True when the axes do not span a circle (r <= 0)."""
    i_d = np.asarray(i_d, dtype=float)
    i_q = np.asarray(i_q, dtype=float)
    r = min(-i_d[0], i_q[-1])
    if not r > 0.0:
        return np.ones((i_d.size, i_q.size), dtype=bool)
    lo, hi = i_d[:-1], i_d[1:]
    near_d = np.where((lo <= 0.0) & (hi >= 0.0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))  # per i_d cell
    meets = near_d[:, None] ** 2 + i_q[None, :-1] ** 2 <= r * r * (1.0 + 1e-12)  # (n_d - 1, n_q - 1) cells
    corners = np.zeros((i_d.size, i_q.size), dtype=bool)
    corners[:-1, :-1] = meets
    corners[1:, :-1] |= meets
    corners[:-1, 1:] |= meets
    corners[1:, 1:] |= meets
    out = _with_stencils(corners, 0)
    out |= _with_stencils(corners, 1)
    return out


def _with_stencils(nodes: np.ndarray, axis: int) -> np.ndarray:
    """nodes (2-D) plus the three-point stencil along ``axis`` of each (drive.losses._node_slopes: the
    node and its two neighbours, the first / last three nodes at the ends of the axis, the whole axis
    when it has fewer than three nodes), as whole-array shifts."""
    x = nodes.T if axis == 1 else nodes
    out = x.copy()
    if x.shape[0] >= 3:
        out[1:] |= x[:-1]
        out[:-1] |= x[1:]
        out[2] |= x[0]
        out[-3] |= x[-1]
    else:
        out[:] |= x.any(axis=0)
    return out.T if axis == 1 else out


# ---------------------------------------------------------------------------------------------
# Building the network from geometry
# ---------------------------------------------------------------------------------------------
class _Branches:
    """The branch list of a network under construction: kind, endpoints a/b with their signs
    (GROUND = -1; sign -1: the antiperiodic image), permeance P (linear), areas A (A2: far end),
    length l and source MMF F of each branch."""

    COLUMNS = ("kind", "a", "sa", "b", "sb", "P", "A", "A2", "l", "F")

    def __init__(self):
        self.rows = []  # one tuple per branch, in COLUMNS order

    def add(self, kind, a, sa, b, sb, P=0.0, A=0.0, l=1.0, F=0.0, A2=None) -> int:
        """Append a branch; returns its index."""
        self.rows.append((kind, a, sa, b, sb, P, A, A if A2 is None else A2, l, F))
        return len(self.rows) - 1

    def arrays(self) -> dict:
        """The branches as arrays (int64 kind/endpoints, float64 the rest), one conversion of the
        whole table (the endpoints and kinds are small integers, exact as floats)."""
        ints = ("kind", "a", "b")
        table = np.array(self.rows, dtype=float).reshape(-1, len(self.COLUMNS)).T.copy()
        return {k: table[j].astype(np.int64) if k in ints else table[j] for j, k in enumerate(self.COLUMNS)}


@dataclass(frozen=True)
class MECInputs:
    """Plain numbers the MEC needs (SI), built from the design by :func:`mec_inputs`."""

    p: int
    kw1: float
    N_ph: float  # series turns per phase
    r_gap: float  # radius at which gap areas are taken (mid-gap), m
    L: float  # stack length, m
    g_eff: float  # Carter-corrected magnetic gap (incl. sleeve for SPM), m
    tooth_fraction: float  # tooth width below the tip / slot pitch at r_gap x stacking factor
    tooth_fraction_root: float  # tooth width at the root / slot pitch at r_gap x stacking factor
    tooth_length: float  # m
    yoke_area: float  # h_y L k_fe, m^2
    yoke_radius: float  # mean radius of the stator yoke, m
    Br: float  # at the magnet temperature, T
    mu_r: float
    h_m: float  # magnet thickness, m
    A_m: float  # magnet pole-face area per pole, m^2
    pole_arc: float  # pole-piece (IPM) or magnet (SPM) arc / pole pitch
    spm: bool
    # IPM rotor (ignored for SPM)
    pp_depth_centre: float = 0.0
    pp_depth_tip: float = 0.0
    R_r: float = 0.0
    bridge_area: float = 0.0  # one tangential bridge, m^2
    bridge_length: float = 0.0
    post_area: float = 0.0
    post_length: float = 0.0
    rib_area: float = 0.0
    rib_length: float = 0.0
    rotor_yoke_area: float = 0.0
    rotor_yoke_length: float = 0.0
    k_fe_rotor: float = 0.95
    L_sigma: float = 0.0  # leakage inductance not carried by the network (end winding; + slot if
    #                       slot_permeance is 0), H
    rib_arc: float = 0.0  # IPM: q-axis rib at the surface / pole pitch (0: the rib spans all of the
    #                       inter-polar arc); the rest of the inter-polar arc is the barrier's end pocket
    pocket_depth: float = 0.0  # IPM: radial depth of air under the bridge in the end pocket, m
    # tooth-level stator (0: the slot leakage is in L_sigma and the teeth are joined only by the yoke)
    slot_permeance: float = 0.0  # leakage permeance of one slot between its two tooth tips
    #                              (slot body + opening + tooth-tip zig-zag), H (Wb/A)
    slots: int = 0  # Q, for the slot count between cell centres
    # IPM pole tip: the magnets end before the pole-piece tip, leaving an air pocket under it
    magnet_arc: float = 0.0  # arc of the magnets' outer ends / pole pitch (0: = pole_arc)
    pocket_permeance: float = 0.0  # one tip pocket: pole-piece tip -> rotor core across the air, H
    # tooth-coil (FSCW) stator with real teeth (ToothCoilStator; SPM only): replaces the smeared cells
    tooth_coil: object = None
    # IPM pole-piece depth profile (arc rotor): ((u, depth m), ...) with u = |theta| / half pole arc,
    # ascending from 0 to 1 (empty: depth linear from pp_depth_centre to pp_depth_tip). Each
    # tangential pole-piece branch then has the smallest depth over its span as its cross-section
    # (where it saturates first) and the length that keeps the series reluctance of the tapered strip
    # at constant permeability: l_eq = integral of d_min / depth(l) dl
    pp_depth_profile: tuple = ()
    # surface-PM rotor as a layered network (tooth-coil stator only): Halbach arrays, outer rotors,
    # saturable back iron (motoropt.magnetics.magnet_layer.MagnetLayer); None: the classic rotor side
    # (magnet and gap in one radial branch per cell, unsaturated rotor core)
    magnet_layer: MagnetLayer | None = None


def _cells(pole_arc: float, J: int, M: int, rib_arc: float = 0.0, magnet_arc: float = 0.0):
    """Cell edges (electrical rad) over one pole: M cells per inter-polar side (half of them over
    the rib and half over the end pocket when ``rib_arc`` > 0), J over the pole arc (of which one
    at each end over the tip pocket when 0 < ``magnet_arc`` < ``pole_arc``)."""
    a = 0.5 * math.pi * pole_arc
    if rib_arc > 0.0 and M >= 2:
        r = 0.5 * math.pi * (1.0 - min(rib_arc, 1.0 - pole_arc))  # rib edge, measured from the d axis
        Mr = M // 2
        left = np.concatenate((np.linspace(-0.5 * math.pi, -r, Mr + 1), np.linspace(-r, -a, M - Mr + 1)[1:]))
        right = -left[::-1]
    else:
        left = np.linspace(-0.5 * math.pi, -a, M + 1)
        right = np.linspace(a, 0.5 * math.pi, M + 1)
    if 0.0 < magnet_arc < pole_arc and J >= 4:
        am = 0.5 * math.pi * magnet_arc
        mid = np.concatenate(([-a], np.linspace(-am, am, J - 1), [a]))
    else:
        mid = np.linspace(-a, a, J + 1)
    edges = np.concatenate((left, mid[1:], right[1:]))
    return edges


def _stator_yoke_branches(add, m: MECInputs, theta_c, w, c, s, K: int, tl: bool):
    """Stator yoke branches (antiperiodic wrap from K-1 to the image of node 0) carrying the winding
    MMF: branch k -> k+1 holds F_k - F_{k+1} (F_k = stator MMF at cell k; the wrap holds
    F_{K-1} + F_0); with slot leakage (``tl``) the tip-to-tip slot permeances. ``theta_c``: the cell
    centres, ``w`` widths, ``c``/``s`` cell averages of cos/sin (sequences of floats). Returns (yoke
    branch indices, dcos, dsin)."""
    yoke_branch, dcos, dsin = [], [], []
    slot_elec = 2.0 * math.pi * m.p / m.slots if tl else 1.0
    for k in range(K):
        wk = 0.5 * (w[k] + w[(k + 1) % K]) / m.p * m.yoke_radius
        if k < K - 1:
            yoke_branch.append(add(_IRON, k, 1.0, k + 1, 1.0, 0.0, m.yoke_area, wk))
            dcos.append(c[k] - c[k + 1])
            dsin.append(s[k] - s[k + 1])
            if tl:
                n_s = (theta_c[k + 1] - theta_c[k]) / slot_elec
                add(_LINEAR, K + k, 1.0, K + k + 1, 1.0, m.slot_permeance / n_s)
        else:
            yoke_branch.append(add(_IRON, K - 1, 1.0, 0, -1.0, 0.0, m.yoke_area, wk))
            dcos.append(c[K - 1] + c[0])
            dsin.append(s[K - 1] + s[0])
            if tl:
                n_s = (theta_c[0] + math.pi - theta_c[K - 1]) / slot_elec
                add(_LINEAR, 2 * K - 1, 1.0, K, -1.0, m.slot_permeance / n_s)
    return yoke_branch, dcos, dsin


def _interior_rotor_branches(add, m: MECInputs, J: int, M: int, RB: int, w, theta_c, tip_pocket: bool, F_m: float):
    """Rotor of an interior-PM pole: magnets (core -> pole-piece nodes over the magnets' arc, area
    shared by cell width), tip air pockets, the pole piece's tangential iron (depth from the profile,
    or falling linearly from the centre to the tips), bridges to the inter-polar iron, centre post,
    inter-polar rib and rotor yoke. Nodes: pole piece RB..RB+J-1, inter-polar iron iQ, yoke iY."""
    iQ, iY = RB + J, RB + J + 1
    # magnets: core (ground) -> pole-piece nodes over the magnets' arc (area shared by cell width)
    mag = [j for j in range(J) if not (tip_pocket and (j == 0 or j == J - 1))]
    w_mag = sum(w[M + j] for j in mag)
    for j in mag:
        A_mj = m.A_m * w[M + j] / w_mag
        add(_LINEAR, GROUND, 1.0, RB + j, 1.0, MU0 * m.mu_r * A_mj / m.h_m, 0.0, 1.0, F_m)
    if tip_pocket and m.pocket_permeance > 0.0:
        # air pocket beyond the magnet's end: pole-piece tip -> rotor core
        add(_LINEAR, RB, 1.0, GROUND, 1.0, m.pocket_permeance)
        add(_LINEAR, RB + J - 1, 1.0, GROUND, 1.0, m.pocket_permeance)
    # pole piece tangential: depth falls linearly from the centre to the tips
    tc = theta_c[M:M + J]
    a_half = 0.5 * math.pi * m.pole_arc
    prof = np.asarray(m.pp_depth_profile, float).reshape(-1, 2)
    for j in range(J - 1):
        th = 0.5 * (tc[j] + tc[j + 1])
        if prof.shape[0]:
            ths = np.linspace(tc[j], tc[j + 1], 65)
            ths = 0.5 * (ths[1:] + ths[:-1])  # midpoints of 64 pieces
            dep = np.interp(np.abs(ths) / a_half, prof[:, 0], prof[:, 1])
            depth = float(dep.min())
            length = float(np.sum((tc[j + 1] - tc[j]) / 64 / m.p * (m.R_r - 0.5 * dep) * depth / dep))
        else:
            depth = m.pp_depth_tip + (m.pp_depth_centre - m.pp_depth_tip) * (1.0 - abs(th) / a_half)
            length = (tc[j + 1] - tc[j]) / m.p * (m.R_r - 0.5 * depth)
        add(_IRON, RB + j, 1.0, RB + j + 1, 1.0, 0.0, depth * m.L * m.k_fe_rotor, length)
    # bridges: tips -> inter-polar iron (image -Q on the left, Q on the right)
    add(_IRON, RB, 1.0, iQ, -1.0, 0.0, m.bridge_area, m.bridge_length)
    add(_IRON, RB + J - 1, 1.0, iQ, 1.0, 0.0, m.bridge_area, m.bridge_length)
    # centre post: the middle pole-piece node(s) -> core
    if m.post_area > 0:
        jm = J // 2
        add(_IRON, RB + jm, 1.0, GROUND, 1.0, 0.0, m.post_area, m.post_length)
    # inter-polar rib Q -> Y, rotor yoke from the left image (-Y) to Y under the pole
    add(_IRON, iQ, 1.0, iY, 1.0, 0.0, m.rib_area, m.rib_length)
    add(_IRON, iY, -1.0, iY, 1.0, 0.0, m.rotor_yoke_area, m.rotor_yoke_length)


def build_network(m: MECInputs, J: int = 10, M: int = 4):
    """Assemble the branch arrays of the one-pole network. Returns a dict of numpy arrays.

    Stator: yoke nodes 0..K-1 (one per cell) joined by nonlinear yoke branches that carry the
    winding MMF (the conductors lying between the two cell centres: ``dcos``/``dsin`` per A of i_d,
    i_q x Fk_per_A). Without slot leakage each cell's gap and tooth are one branch from the rotor node
    to the yoke node; with ``slot_permeance`` > 0 each cell also has a tooth-tip node (K..2K-1):
    gap rotor -> tip (linear), tooth tip -> yoke (nonlinear), and adjacent tips are joined by the
    leakage permeance of the slots between the cell centres (slot_permeance / n_slots, slots in series).
    """
    if m.pole_arc > 1.0 - 1e-6:
        M = 0  # no inter-polar arc: no (degenerate) inter-polar cells
    tip_pocket = (not m.spm) and 0.0 < m.magnet_arc < m.pole_arc and J >= 4
    edges = _cells(m.pole_arc, J, M, 0.0 if m.spm else m.rib_arc, m.magnet_arc if tip_pocket else 0.0)
    pocket = (not m.spm) and m.rib_arc > 0.0 and M >= 2
    K = len(edges) - 1
    w = np.diff(edges)  # electrical cell widths
    c = (np.sin(edges[1:]) - np.sin(edges[:-1])) / w  # cell averages of cos
    s = (np.cos(edges[:-1]) - np.cos(edges[1:])) / w  # cell averages of sin
    A_cell = m.r_gap * (w / m.p) * m.L
    A_c = A_cell.tolist()  # Python floats in the per-branch loops (the same IEEE arithmetic, less overhead)
    br = _Branches()
    add = br.add

    tl = m.slot_permeance > 0.0 and m.slots > 0
    RB = 2 * K if tl else K  # first rotor node
    n_nodes = RB if m.spm else RB + J + 2
    iQ = RB + J  # inter-polar iron node (the rotor yoke node iY = RB + J + 1)
    F_m = m.Br * m.h_m / (MU0 * m.mu_r)
    cell_branch = []
    for k in range(K):
        pole_cell = M <= k < M + J
        if m.spm:
            if pole_cell:
                Pk = MU0 * A_c[k] / (m.g_eff + m.h_m / m.mu_r)
                Fk = F_m
            else:
                Pk = MU0 * A_c[k] / (m.g_eff + m.h_m)
                Fk = 0.0
            ra, rs = GROUND, 1.0
        else:
            Pk = MU0 * A_c[k] / m.g_eff
            Fk = 0.0
            if pocket and (M // 2 <= k < M or M + J <= k < M + J + M - M // 2):
                Pk = MU0 * A_c[k] / (m.g_eff + m.pocket_depth)  # over the end pocket of the barrier
            if k < M:
                ra, rs = iQ, -1.0
            elif k >= M + J:
                ra, rs = iQ, 1.0
            else:
                ra, rs = RB + (k - M), 1.0
        if tl:
            cell_branch.append(add(_LINEAR, ra, rs, K + k, 1.0, Pk, 0.0, 1.0, Fk))
            add(_TOOTH, K + k, 1.0, k, 1.0, 0.0, A_c[k] * m.tooth_fraction, m.tooth_length, 0.0,
                A_c[k] * m.tooth_fraction_root)
        else:
            cell_branch.append(add(_GAP_TOOTH, ra, rs, k, 1.0, Pk, A_c[k] * m.tooth_fraction, m.tooth_length,
                                   Fk, A_c[k] * m.tooth_fraction_root))
    theta_c = (0.5 * (edges[:-1] + edges[1:])).tolist()
    yoke_branch, dcos, dsin = _stator_yoke_branches(add, m, theta_c, w.tolist(), c.tolist(), s.tolist(), K, tl)
    if not m.spm:
        _interior_rotor_branches(add, m, J, M, RB, w, theta_c, tip_pocket, F_m)
    return dict(n=n_nodes, K=K, **br.arrays(), cos=c, sin=s, cell_branch=np.asarray(cell_branch, np.int64), A_cell=A_cell,
                width=w, n_stator=RB, yoke_branch=np.asarray(yoke_branch, np.int64), dcos=np.asarray(dcos), dsin=np.asarray(dsin))


@njit(cache=True)
def _fluxmap_kernel(i_d, i_q, solved, n, branches, F0, cells, first, consts, Ht, Bt, tol, max_iter):
    """Flux map of the cell network on the (i_d, i_q) grid (A peak): psi_d, psi_q (Wb), teeth and
    yoke fundamental flux densities (T), Newton iterations and residuals per point.

    branches = (kind, a, sa, b, sb, P, A, A2, l) of :func:`build_network` (nodes renumbered by
    :func:`envelope_order`, envelope ``first``); cells = (cos, sin, cell_branch, yoke_branch, dcos,
    dsin) of the stator cells; consts = [MMF per ampere Fk_per_A, p, k_w1 N_ph, r_gap, L, L_sigma,
    tooth_fraction, yoke_area]. Each point's Newton solve starts from the extrapolated neighbours
    (:func:`_predict_solved`). Points with ``solved`` False are not solved: NaN in every output."""
    kind, a, sa, b, sb, P, A, A2, l = branches
    cosk, sink, cell_branch, yoke_branch, dcos, dsin = cells
    Fk_per_A, p, kwN, r_gap, L, L_sigma, tooth_fraction, yoke_area = (
        consts[0], consts[1], consts[2], consts[3], consts[4], consts[5], consts[6], consts[7])
    n_d, n_q = i_d.shape[0], i_q.shape[0]
    psi_d = np.empty((n_d, n_q))
    psi_q = np.empty((n_d, n_q))
    B_t = np.empty((n_d, n_q))
    B_y = np.empty((n_d, n_q))
    iters = np.zeros((n_d, n_q), dtype=np.int64)
    resid = np.zeros((n_d, n_q))
    K = cell_branch.shape[0]
    nb = kind.shape[0]
    U = np.zeros((n_d, n_q, n))
    PHI = np.zeros((n_d, n_q, nb))
    u = np.empty(n)
    phi = np.empty(nb)
    Fb = np.empty(nb)
    G0, h0 = np.zeros((1, 1)), np.zeros(1)
    wn, wb, J = newton_scratch(n, nb)
    for jq in range(n_q):
        for jd in range(n_d):
            if not solved[jd, jq]:
                psi_d[jd, jq] = psi_q[jd, jq] = B_t[jd, jq] = B_y[jd, jq] = np.nan
                continue
            for i in range(nb):
                Fb[i] = F0[i]
            for k in range(K):
                Fb[yoke_branch[k]] += Fk_per_A * (i_d[jd] * dcos[k] + i_q[jq] * dsin[k])
            _predict_solved(U, jd, jq, u, solved)
            _predict_solved(PHI, jd, jq, phi, solved)
            it, rn = _solve_network(n, kind, a, sa, b, sb, P, A, A2, l, Fb, first, Ht, Bt, u, phi, tol, max_iter, G0,
                                    h0, wn, wb, J)
            for k in range(n):  # element loops: no slice assignment (see _newton)
                U[jd, jq, k] = u[k]
            for i in range(nb):
                PHI[jd, jq, i] = phi[i]
            iters[jd, jq] = it
            resid[jd, jq] = rn
            # flux linkage = sum over the MMF-carrying branches of (dF/di) phi (co-energy consistent)
            Yd = 0.0
            Yq = 0.0
            for k in range(K):
                f = phi[yoke_branch[k]]
                Yd += f * dcos[k]
                Yq += f * dsin[k]
            psi_d[jd, jq] = kwN * 4.0 / np.pi * Yd + L_sigma * i_d[jd]
            psi_q[jd, jq] = kwN * 4.0 / np.pi * Yq + L_sigma * i_q[jq]
            # fundamental gap flux density amplitude -> teeth and yoke
            Bd1 = 0.0
            Bq1 = 0.0
            for k in range(K):
                f = phi[cell_branch[k]]
                Bd1 += f * cosk[k]
                Bq1 += f * sink[k]
            Phi1 = 4.0 / np.pi * np.sqrt(Bd1 * Bd1 + Bq1 * Bq1)  # fundamental flux per pole, Wb
            B1 = Phi1 * p / (2.0 * r_gap * L)
            B_t[jd, jq] = B1 / tooth_fraction  # at the narrow (tip) end of the tooth
            B_y[jd, jq] = 0.5 * Phi1 / yoke_area
    return psi_d, psi_q, B_t, B_y, iters, resid


# ---------------------------------------------------------------------------------------------
# Tooth-coil (fractional-slot concentrated winding) stator: real teeth over one periodic unit
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ToothCoilStator:
    """Real-tooth stator of a tooth-coil (coil pitch 1) winding over the smallest unit the slot layout
    repeats over (built by Design.mec_inputs; SI units). Tooth k of the unit lies between slots k and
    k+1 (slot k at mechanical angle 2 pi k / Q) and carries the coils listed in ``turns``."""

    Q: int  # slots of the machine
    teeth: int  # teeth in the modelled unit
    antiperiodic: bool  # the unit is half a period (odd pole count, negated layout beyond it)
    units: int  # modelled units making up the machine
    turns: tuple  # (teeth x 3) signed turns around tooth k of phase x per A of phase current (N_c s / a)
    tooth_width: float  # tooth body width below the tip, m
    tooth_width_root: float  # tooth body width at the slot bottom, m
    tooth_length: float  # radial length of the tooth body (slot depth - tip height), m
    tip_height: float  # m
    slot_opening: float  # m
    R_bore: float  # stator bore radius, m
    k_fe: float  # stacking factor of the stator
    slot_permeance: float  # one real slot's opening + tooth-tip (zig-zag) leakage, tip to tip, H
    slot_body_permeance: float  # one real slot's body leakage (h_s / 3 b_s), tooth top to tooth top, H
    n_overhang: int = 2  # gap cells (own tip nodes) over each tooth-tip overhang
    n_body: int = 2  # gap cells over the tooth body
    n_positions: int = 0  # rotor positions averaged over one cogging period 2 pi / lcm(Q, 2p); 0: enough
    #                       for the unit's poles to sample >= 4 pole-edge offsets per slot pitch (auto_positions)
    outer_rotor: bool = False  # the stator is inside the rotor: R_bore is its outer (gap-side) radius, the
    #                            teeth point outwards and the tips lie inside R_bore


def auto_positions(Q: int, p: int) -> int:
    """Rotor positions for the tooth-coil network: the unit's poles already sit at 2p / gcd(Q, 2p)
    distinct offsets from the teeth (5 for 48 slots / 40 poles, 2 for 60 / 40); positions are added
    until >= 4 offsets per slot pitch are sampled (60 / 40: 2 positions, 48 / 40: 1)."""
    n_align = 2 * p // math.gcd(Q, 2 * p)
    return max(1, -(-4 // n_align))


def tooth_coil_unit(Q: int, p: int, coils, turns_per_coil: float, parallel_paths: int):
    """(teeth, antiperiodic, units, turns) of the smallest unit of a tooth-coil winding: the turns
    matrix (Q x 3, turns of phase x around tooth k per A of phase current) and the shortest roll n of
    it that maps it onto itself (periodic, even pole count over it) or onto its negative
    (antiperiodic, odd pole count). ``coils``: rows (go slot, return slot = go + 1, phase, sign)."""
    N = np.zeros((Q, 3))
    for go, ret, ph, sg in np.asarray(coils):
        if (ret - go) % Q != 1:
            raise InputError("winding.coil_pitch_slots", int((ret - go) % Q), "1 for the tooth-coil network")
        N[go, ph] += sg * turns_per_coil / parallel_paths
    for n in range(1, Q + 1):
        if Q % n or (2 * p * n) % Q:
            continue
        poles = 2 * p * n // Q
        rolled = np.roll(N, -n, axis=0)
        if poles % 2 == 1 and np.allclose(rolled, -N):
            return n, True, Q // n, N[:n]
        if poles % 2 == 0 and np.allclose(rolled, N):
            return n, False, Q // n, N[:n]
    return Q, False, 1, N


def build_tooth_coil_network(m: MECInputs):
    """Branch arrays of the tooth-coil network over one unit (see the module docstring).

    Nodes per tooth k: tooth top T_k, yoke Y_k, ``n_overhang`` tip nodes on each side, and one gap
    node per gap cell (mid-layer of the magnetic gap). Per gap cell: rotor core (ground) -> gap node
    (half the gap reluctance, with the magnet's MMF and h_m / mu_r over the magnet) -> its stator node
    (the other half; body cells end on T_k, overhang cells on their tip node); adjacent gap nodes are
    joined by the tangential permeance of the gap layer (thickness g + h_m). Stator: tip iron (overhang
    nodes chained to T_k through h_tip L k_fe), the tooth body T_k -> Y_k (tapered, nonlinear, carrying
    the coil MMF), the yoke Y_k -> Y_k+1, the slot opening + tooth-tip leakage between the outer tip
    nodes of adjacent teeth and the slot-body leakage between their tops. The radial gap branches'
    permeance and magnet MMF depend on the rotor position: returned per position (P_pos, F_pos).

    With ``m.magnet_layer`` the rotor side is the layered magnet network of
    :mod:`motoropt.magnetics.magnet_layer` instead (the gap node is the middle of the non-magnetic
    gap; magnet sublayer and back nodes follow the stator's nodes). An outer rotor
    (``tooth_coil.outer_rotor``) has its tooth branches from Y_k to T_k, so that in both layouts a
    tooth's flux and its coil's MMF are positive along +r (the physical right-hand rule of the coils)."""
    tc = m.tooth_coil
    ml = m.magnet_layer
    nt, no, nbody = tc.teeth, tc.n_overhang, tc.n_body
    tau = 2.0 * math.pi / tc.Q  # mechanical slot pitch
    half_body = min(0.5 * tc.tooth_width / tc.R_bore, 0.5 * tau)
    ncell = nbody + 2 * no
    per = 2 + 2 * no + ncell  # nodes per tooth: T, Y, left overhang, right overhang, gap nodes
    n_nodes = per * nt
    sgn_wrap = -1.0 if tc.antiperiodic else 1.0
    br = _Branches()
    add = br.add

    arcs, mag_branch, air_branch, tooth_branch, yoke_branch, gap_link = [], [], [], [], [], []
    A_tip = tc.tip_height * m.L * tc.k_fe
    R_tip = tc.R_bore + 0.5 * tc.tip_height * (-1.0 if tc.outer_rotor else 1.0)
    ov_edges = np.linspace(half_body, 0.5 * tau, no + 1)  # overhang cells, from the body edge outwards
    ov_c = 0.5 * (ov_edges[:-1] + ov_edges[1:])
    body_edges = np.linspace(-half_body, half_body, nbody + 1)
    # physical thickness of the gap layer (classic: air + magnet, mu_r ~ 1; layered: air + sleeve)
    g_layer = m.g_eff + m.h_m if ml is None else ml.gap_physical
    r_gap = m.r_gap if ml is None else ml.r_gap
    first_gap, last_gap = [], []
    for k in range(nt):
        th = (k + 0.5) * tau
        T, Y = per * k, per * k + 1
        left = [per * k + 2 + j for j in range(no)]  # left[j]: j-th overhang cell from the body edge
        right = [per * k + 2 + no + j for j in range(no)]
        gap0 = per * k + 2 + 2 * no
        # cells in angular order with their stator node
        cells = [((th - ov_edges[j + 1], th - ov_edges[j]), left[j]) for j in range(no - 1, -1, -1)]
        cells += [((th + body_edges[j], th + body_edges[j + 1]), T) for j in range(nbody)]
        cells += [((th + ov_edges[j], th + ov_edges[j + 1]), right[j]) for j in range(no)]
        for c, ((lo, hi), node) in enumerate(cells):
            # rotor -> gap node (magnet side): the rotor core, or the first magnet sublayer's node
            rotor = GROUND if ml is None else n_nodes + (k * ncell + c) * ml.sublayers
            arcs.append((lo, hi))
            mag_branch.append(add(_LINEAR, rotor, 1.0, gap0 + c, 1.0))
            air_branch.append(add(_LINEAR, gap0 + c, 1.0, node, 1.0))  # gap node -> stator
            if c > 0:
                dx = 0.5 * (hi - cells[c - 1][0][0]) * r_gap
                gap_link.append(add(_LINEAR, gap0 + c - 1, 1.0, gap0 + c, 1.0, MU0 * m.L * g_layer / dx))
        first_gap.append((gap0, cells[0][0]))
        last_gap.append((gap0 + ncell - 1, cells[-1][0]))
        for nodes in (left, right):
            for j in range(no):
                inner = T if j == 0 else nodes[j - 1]
                length = (ov_c[j] - (half_body if j == 0 else ov_c[j - 1])) * R_tip
                add(_IRON, nodes[j], 1.0, inner, 1.0, 0.0, A_tip, max(length, 1e-6))
        a_, b_ = (Y, T) if tc.outer_rotor else (T, Y)
        tooth_branch.append(add(_TOOTH, a_, 1.0, b_, 1.0, 0.0, tc.tooth_width * m.L * tc.k_fe, tc.tooth_length,
                                A2=tc.tooth_width_root * m.L * tc.k_fe))
    for k in range(nt):  # to the next tooth (antiperiodic image beyond the unit)
        kn = (k + 1) % nt
        s_ = sgn_wrap if k == nt - 1 else 1.0
        T, Y, Tn, Yn = per * k, per * k + 1, per * kn, per * kn + 1
        yoke_branch.append(add(_IRON, Y, 1.0, Yn, s_, 0.0, m.yoke_area, tau * m.yoke_radius))
        add(_LINEAR, T + 2 + 2 * no - 1, 1.0, Tn + 2 + no - 1, s_, tc.slot_permeance)  # outer tips
        add(_LINEAR, T, 1.0, Tn, s_, tc.slot_body_permeance)
        (ga, (lo_a, hi_a)), (gb, (lo_b, hi_b)) = last_gap[k], first_gap[kn]
        dx = 0.5 * ((hi_a - lo_a) + (hi_b - lo_b)) * r_gap
        add(_LINEAR, ga, 1.0, gb, s_, MU0 * m.L * g_layer / dx)
    period = 2.0 * math.pi / (tc.Q * 2 * m.p // math.gcd(tc.Q, 2 * m.p))  # cogging period, mech rad
    n_pos = int(tc.n_positions) if tc.n_positions > 0 else auto_positions(tc.Q, m.p)
    theta_r = np.arange(n_pos) * period / n_pos  # d axis (north pole centre) positions, mech rad
    if ml is None:
        branches = br.arrays()
        P_pos, F_pos = _classic_gap_positions(m, branches, arcs, mag_branch, air_branch, theta_r)
    else:
        layer = _layered_rotor_branches(add, m, np.asarray(arcs), n_nodes, nt * tau, sgn_wrap)
        n_nodes = layer["n"]
        branches = br.arrays()
        P_pos, F_pos = _layered_positions(m, branches, np.asarray(arcs), mag_branch, air_branch, layer, theta_r,
                                          nt * tau)
    turns = np.asarray(tc.turns, float).reshape(nt, 3)
    th_t = (np.arange(nt) + 0.5) * tau
    z = turns.T @ np.exp(1j * m.p * th_t)  # phase MMF fundamentals (electrical axes)
    i64 = np.int64
    return dict(n=n_nodes, **{k: branches[k] for k in ("kind", "a", "sa", "b", "sb", "A", "A2", "l")},
                P_pos=P_pos, F_pos=F_pos, theta_e=m.p * theta_r, phase_axis=np.angle(z), turns=turns,
                tooth_branch=np.asarray(tooth_branch, i64), yoke_branch=np.asarray(yoke_branch, i64),
                th_tooth_e=m.p * th_t, th_yoke_e=m.p * (th_t + 0.5 * tau), gap_branch=np.asarray(air_branch, i64),
                y_node=np.asarray([per * k + 1 for k in range(nt)], i64))


def _classic_gap_positions(m: MECInputs, branches: dict, arcs, mag_branch, air_branch, theta_r):
    """Per-position permeances and MMFs of the classic rotor side: radial gap branches over the
    magnet (source, h_m / mu_r) and over air, each split into two halves at the gap node (the
    magnet's MMF in the rotor-side half)."""
    F_m = m.Br * m.h_m / (MU0 * m.mu_r)
    n_pos = theta_r.size
    nb = branches["kind"].size
    P_pos = np.tile(branches["P"], (n_pos, 1))
    F_pos = np.zeros((n_pos, nb))
    half_mag = 0.5 * m.pole_arc * math.pi / m.p
    pole = math.pi / m.p
    Pm = MU0 * m.r_gap * m.L / (m.g_eff + m.h_m / m.mu_r)  # per rad of arc
    Pa = MU0 * m.r_gap * m.L / (m.g_eff + m.h_m)
    for ip, t0 in enumerate(theta_r):
        for (lo, hi), bm, ba in zip(arcs, mag_branch, air_branch):
            j0 = math.floor((lo - t0) / pole) - 1
            j1 = math.ceil((hi - t0) / pole) + 1
            net_ov, ov = 0.0, 0.0
            for j in range(j0, j1 + 1):
                c = t0 + j * pole
                o = max(0.0, min(hi, c + half_mag) - max(lo, c - half_mag))
                ov += o
                net_ov += o * (1.0 if j % 2 == 0 else -1.0)
            Pc = Pm * ov + Pa * (hi - lo - ov)
            P_pos[ip, bm] = 2.0 * Pc
            P_pos[ip, ba] = 2.0 * Pc
            F_pos[ip, bm] = F_m * Pm * net_ov / Pc  # two halves in series: flux Pc (du + F)
    return P_pos, F_pos


def _layered_rotor_branches(add, m: MECInputs, arcs: np.ndarray, n_nodes: int, span: float, sgn_wrap: float) -> dict:
    """Add the layered rotor's branches (magnet sublayers, back) after the stator's nodes
    (:mod:`motoropt.magnetics.magnet_layer`). Cell i's sublayer j node is n_nodes + i s + j (j = 0 at
    the gap side); its back node follows all of them, except that on a periodic unit the first back
    node is the ground (the network's potential is otherwise defined only up to a constant).
    Returns the branch indices per kind and the node count."""
    ml = m.magnet_layer
    nc, s = arcs.shape[0], ml.sublayers
    nxt = n_nodes + nc * s
    back = []
    for i in range(nc):
        if i == 0 and sgn_wrap > 0:
            back.append(GROUND)
        else:
            back.append(nxt)
            nxt += 1
    radial = [[add(_LINEAR, n_nodes + i * s + j + 1, 1.0, n_nodes + i * s + j, 1.0) for j in range(s - 1)]
              for i in range(nc)]
    to_back = [add(_LINEAR, back[i], 1.0, n_nodes + i * s + s - 1, 1.0) for i in range(nc)]
    tang, ring = [], []
    c = 0.5 * (arcs[:, 0] + arcs[:, 1])
    r_b = ml.r_back
    for i in range(nc):
        ii = (i + 1) % nc
        sg = sgn_wrap if ii == 0 else 1.0
        d_th = (c[ii] + (span if ii == 0 else 0.0)) - c[i]
        tang.append([add(_LINEAR, n_nodes + i * s + j, 1.0, n_nodes + ii * s + j, sg) for j in range(s)])
        if ml.back_iron:
            ring.append(add(_IRON, back[i], 1.0, back[ii], sg, 0.0, ml.back_area, r_b * d_th))
        if ml.back_air_thickness > 0.0:  # the non-magnetic region behind (beyond a saturable rim: in parallel)
            add(_LINEAR, back[i], 1.0, back[ii], sg, MU0 * m.L * ml.back_air_thickness / (r_b * d_th))
    return {"n": nxt, "radial": radial, "to_back": to_back, "tang": tang, "ring": ring}


def _layered_positions(m: MECInputs, branches: dict, arcs: np.ndarray, mag_branch, air_branch, layer: dict,
                       theta_r, span: float):
    """Per-position permeances and MMFs of the layered rotor (module docstring of
    :mod:`motoropt.magnetics.magnet_layer`): all radial and tangential magnet branches; the gap's
    halves and tangential links are position-independent."""
    ml = m.magnet_layer
    L, s = m.L, ml.sublayers
    n_pos = theta_r.size
    P_pos = np.tile(branches["P"], (n_pos, 1))
    F_pos = np.zeros((n_pos, branches["kind"].size))
    lo, hi = arcs[:, 0], arcs[:, 1]
    w = hi - lo
    r_s = ml.sublayer_radii()
    P_gap_half = MU0 * L * ml.r_gap * w / (0.5 * ml.gap)
    c = 0.5 * (lo + hi)
    c_next = np.roll(c, -1)
    c_next[-1] += span
    mag, air = np.asarray(mag_branch), np.asarray(air_branch)
    for ip, t0 in enumerate(theta_r):
        # the magnetisation integrals depend on the arcs and the position, not on the sublayer radius
        radial, along = ml.array.integrals(lo, hi, t0), ml.array.integrals(c, c_next, t0)
        halves = [half_layer(ml, r, lo, hi, t0, radial) for r in r_s]  # (P per m, F) of each half sublayer
        P_pos[ip, air] = P_gap_half
        P, F = series([(P_gap_half, 0.0), (L * halves[0][0], halves[0][1])])
        P_pos[ip, mag], F_pos[ip, mag] = P, F
        for j in range(s - 1):
            P, F = series([(L * halves[j][0], halves[j][1]), (L * halves[j + 1][0], halves[j + 1][1])])
            idx = [layer["radial"][i][j] for i in range(arcs.shape[0])]
            P_pos[ip, idx], F_pos[ip, idx] = P, F
        idx = layer["to_back"]
        P_pos[ip, idx], F_pos[ip, idx] = L * halves[-1][0], halves[-1][1]
        for j, r in enumerate(r_s):
            Pt, Ft = tangential(ml, r, c, c_next, t0, along)
            idx = [layer["tang"][i][j] for i in range(arcs.shape[0])]
            P_pos[ip, idx], F_pos[ip, idx] = L * Pt, Ft
    return P_pos, F_pos


@njit(cache=True, _nrt=False)
def _solve_reduced(n, kind, a, sa, b, sb, A, A2, l, F, G, h, Ht, Bt, u, phi, scale, tol, max_iter, no_linear, dense,
                   wn, wb, J):
    """:func:`_newton` on a network whose linear part is the dense permeance matrix G and flux
    injection h (KCL residual r = G u + h + the nonlinear branches' signed fluxes; branch kinds
    _TOOTH and _IRON). no_linear: zeros (branches,), the branch permeances (no linear branch is left
    after the reduction); dense: zeros (n,) int, the envelope (G couples every node)."""
    return _newton(n, kind, a, sa, b, sb, no_linear, A, A2, l, F, G, h, True, dense, Ht, Bt, u, phi, scale, tol,
                   max_iter, wn, wb, J)


def reduce_linear(net):
    """Exact elimination (Kron reduction) of the nodes joined only by linear branches (the gap
    nodes): per rotor position, the linear branches become a dense permeance matrix G and flux
    injection h on the remaining nodes; the nonlinear branches are renumbered onto them. Returns a
    dict (kind, a, sa, b, sb, A, A2, l of the nonlinear branches; G_pos, h_pos; n; y_node; and the
    nonlinear branch indices of the teeth and the yoke)."""
    n = net["n"]
    lin = net["kind"] == _LINEAR
    touched = np.zeros(n, bool)  # the nodes a nonlinear branch ends on
    nl_ends = np.concatenate((net["a"][~lin], net["b"][~lin]))
    touched[nl_ends[nl_ends >= 0]] = True
    keep = np.flatnonzero(touched)
    elim = np.flatnonzero(~touched)
    new_index = -np.ones(n, np.int64)
    new_index[keep] = np.arange(keep.size)
    n_pos = net["P_pos"].shape[0]
    G_pos = np.zeros((n_pos, keep.size, keep.size))
    h_pos = np.zeros((n_pos, keep.size))
    li = np.flatnonzero(lin)
    # signed incidence c_i of linear branch i (du = sa u[a] - sb u[b]: +sa at a, -sb at b; GROUND ends
    # dropped): G = sum_i P_i c_i c_i^T, h = sum_i P_i F_i c_i, assembled from the (at most 2) entries
    # of each c_i (a branch between a node and its antiperiodic image adds both at the same node)
    a_l, b_l = net["a"][li], net["b"][li]
    ends = [(a_l, net["sa"][li]), (b_l, -net["sb"][li])]
    # per (row end, column end): the flat G index, the coefficient and the branches with both ends
    # on nodes; per end: its node, coefficient and branches on a node (the same for every position)
    g_terms = [(e * n + f, ce * cf, (e >= 0) & (f >= 0)) for e, ce in ends for f, cf in ends]
    g_terms = [(idx[on], c[on], on) for idx, c, on in g_terms]
    h_terms = [(e[e >= 0], ce[e >= 0], e >= 0) for e, ce in ends]
    for ip in range(n_pos):
        P_ = net["P_pos"][ip, li]
        PF = P_ * net["F_pos"][ip, li]
        Gf = np.zeros(n * n)
        hf = np.zeros(n)
        for idx, c, on in g_terms:
            Gf += np.bincount(idx, weights=c * P_[on], minlength=n * n)
        for node, ce, on in h_terms:
            hf += np.bincount(node, weights=ce * PF[on], minlength=n)
        Gf = Gf.reshape(n, n)
        Gkk, Gke, Gee = Gf[np.ix_(keep, keep)], Gf[np.ix_(keep, elim)], Gf[np.ix_(elim, elim)]
        X = np.linalg.solve(Gee, np.column_stack((Gke.T, hf[elim]))) if elim.size else np.zeros((0, keep.size + 1))
        G_pos[ip] = Gkk - Gke @ X[:, :-1]
        h_pos[ip] = hf[keep] - Gke @ X[:, -1]
    G_pos = 0.5 * (G_pos + np.transpose(G_pos, (0, 2, 1)))
    nl = np.flatnonzero(~lin)
    pos_in_nl = -np.ones(lin.size, np.int64)
    pos_in_nl[nl] = np.arange(nl.size)
    def remap(e):
        return np.where(e >= 0, new_index[np.maximum(e, 0)], e)

    return dict(n=int(keep.size), kind=net["kind"][nl], a=remap(net["a"][nl]), sa=net["sa"][nl],
                b=remap(net["b"][nl]), sb=net["sb"][nl], A=net["A"][nl], A2=net["A2"][nl], l=net["l"][nl],
                G_pos=G_pos, h_pos=h_pos, y_node=new_index[net["y_node"]],
                tooth_branch=pos_in_nl[net["tooth_branch"]], yoke_branch=pos_in_nl[net["yoke_branch"]])


@njit(cache=True)
def _fluxmap_tc_kernel(i_d, i_q, solved, n, branches, G_pos, h_pos, teeth, consts, Ht, Bt, tol, max_iter):
    """Flux map of the Kron-reduced tooth-coil network, averaged over the rotor positions theta_e.

    branches = (kind, a, sa, b, sb, A, A2, l); G_pos, h_pos: the reduced gap per position;
    teeth = (theta_e, phase_axis, turns, tooth_branch, yoke_branch, th_tooth_e, th_yoke_e);
    consts = [units, L_sigma, A_tooth, yoke_area]. Points with ``solved`` False are not solved: NaN in
    every output but the residual and the iteration count (0)."""
    kind, a, sa, b, sb, A, A2, l = branches
    theta_e, phase_axis, turns, tooth_branch, yoke_branch, th_tooth_e, th_yoke_e = teeth
    units, L_sigma, A_tooth, yoke_area = consts[0], consts[1], consts[2], consts[3]
    n_d, n_q = i_d.shape[0], i_q.shape[0]
    n_pos = theta_e.shape[0]
    nt = tooth_branch.shape[0]
    nb = kind.shape[0]
    psi_d = np.zeros((n_d, n_q))
    psi_q = np.zeros((n_d, n_q))
    B_t = np.zeros((n_d, n_q))
    B_y = np.zeros((n_d, n_q))
    resid = np.zeros((n_d, n_q))
    iters = np.zeros((n_d, n_q), dtype=np.int64)
    cs = np.empty(3)
    sn = np.empty(3)
    F0 = np.zeros(nb)
    U = np.zeros((n_d, n_q, n))
    PHI = np.zeros((n_d, n_q, nb))
    u = np.empty(n)  # each point's start, then its solution (in place)
    phi = np.empty(nb)
    Fb = np.empty(nb)
    no_linear = np.zeros(nb)
    dense = np.zeros(n, np.int64)
    wn, wb, J = newton_scratch(n, nb)
    for ip in range(n_pos):
        for x in range(3):
            cs[x] = math.cos(theta_e[ip] - phase_axis[x])
            sn[x] = math.sin(theta_e[ip] - phase_axis[x])
        G = G_pos[ip].copy()
        h = h_pos[ip].copy()
        scale0 = 0.0
        for k in range(h.shape[0]):
            scale0 = max(scale0, abs(h[k]))
        # warm starts: each point's solution extrapolated from its neighbours' (_predict)
        for jq in range(n_q):
            for jd in range(n_d):
                if not solved[jd, jq]:
                    continue
                for i in range(nb):  # F0's copy, into one array for all points
                    Fb[i] = F0[i]
                scale = scale0
                for k in range(nt):
                    Fk = 0.0
                    for x in range(3):
                        Fk += turns[k, x] * (i_d[jd] * cs[x] - i_q[jq] * sn[x])
                    Fb[tooth_branch[k]] += Fk
                    i = tooth_branch[k]
                    scale = max(scale, MU0 * A[i] * abs(Fk) / l[i])  # flux at mu_r = 1000, x 1e-3
                if scale == 0.0:
                    scale = 1.0
                _predict_solved(U, jd, jq, u, solved)
                _predict_solved(PHI, jd, jq, phi, solved)
                it, rn = _solve_reduced(n, kind, a, sa, b, sb, A, A2, l, Fb, G, h, Ht, Bt, u, phi, scale, tol,
                                        max_iter, no_linear, dense, wn, wb, J)
                resid[jd, jq] = max(resid[jd, jq], rn)
                iters[jd, jq] += it
                for k in range(n):  # element loops: no slice assignment (see _newton)
                    U[jd, jq, k] = u[k]
                for i in range(PHI.shape[2]):
                    PHI[jd, jq, i] = phi[i]
                # phase flux linkages (machine) = units x sum_k turns_kx phi_tooth,k; Park (amplitude-invariant)
                pd = 0.0
                pq = 0.0
                btr = 0.0
                bti = 0.0
                byr = 0.0
                byi = 0.0
                for k in range(nt):
                    f = phi[tooth_branch[k]]
                    for x in range(3):
                        pd += turns[k, x] * f * cs[x]
                        pq -= turns[k, x] * f * sn[x]
                    btr += f * math.cos(th_tooth_e[k])
                    bti -= f * math.sin(th_tooth_e[k])
                    fy = phi[yoke_branch[k]]
                    byr += fy * math.cos(th_yoke_e[k])
                    byi -= fy * math.sin(th_yoke_e[k])
                psi_d[jd, jq] += (2.0 / 3.0 * units * pd + L_sigma * i_d[jd]) / n_pos
                psi_q[jd, jq] += (2.0 / 3.0 * units * pq + L_sigma * i_q[jq]) / n_pos
                # spatial fundamentals (p pole pairs) of the tooth-body (top) and yoke flux densities
                B_t[jd, jq] += 2.0 / nt * math.sqrt(btr * btr + bti * bti) / A_tooth / n_pos
                B_y[jd, jq] += 2.0 / nt * math.sqrt(byr * byr + byi * byi) / yoke_area / n_pos
    for jq in range(n_q):
        for jd in range(n_d):
            if not solved[jd, jq]:
                psi_d[jd, jq] = psi_q[jd, jq] = B_t[jd, jq] = B_y[jd, jq] = np.nan
    return psi_d, psi_q, B_t, B_y, resid, iters


def _compute_fluxmap_tc(m: MECInputs, Ht, Bt, i_d, i_q, solved):
    full = build_tooth_coil_network(m)
    net = reduce_linear(full)
    tc = m.tooth_coil
    branches = tuple(net[k] for k in ("kind", "a", "sa", "b", "sb", "A", "A2", "l"))
    teeth = (full["theta_e"], full["phase_axis"], full["turns"], net["tooth_branch"], net["yoke_branch"],
             full["th_tooth_e"], full["th_yoke_e"])
    consts = np.array([float(tc.units), m.L_sigma, tc.tooth_width * m.L * tc.k_fe, m.yoke_area])
    return _fluxmap_tc_kernel(i_d, i_q, solved, net["n"], branches, net["G_pos"], net["h_pos"], teeth, consts, Ht, Bt,
                              _NEWTON_TOL, _NEWTON_MAX_ITER)


def _renumbered(n: int, a: np.ndarray, b: np.ndarray):
    """Branch endpoints in the node order of :func:`envelope_order` (GROUND kept) and the envelope."""
    new, first = envelope_order(n, a, b)
    def remap(e):
        return np.where(e >= 0, new[np.maximum(e, 0)], e)
    return remap(a), remap(b), first


def _compute_fluxmap_cells(m: MECInputs, net, Ht, Bt, i_d, i_q, solved):
    Fk_per_A = 3.0 / math.pi * m.kw1 * m.N_ph / m.p
    a, b, first = _renumbered(net["n"], net["a"], net["b"])
    branches = (net["kind"], a, net["sa"], b, net["sb"], net["P"], net["A"], net["A2"], net["l"])
    cells = tuple(net[k] for k in ("cos", "sin", "cell_branch", "yoke_branch", "dcos", "dsin"))
    consts = np.array([Fk_per_A, m.p, m.kw1 * m.N_ph, m.r_gap, m.L, m.L_sigma, m.tooth_fraction, m.yoke_area])
    psi_d, psi_q, B_t, B_y, iters, resid = _fluxmap_kernel(
        i_d, i_q, solved, net["n"], branches, net["F"], cells, first, consts, Ht, Bt, _NEWTON_TOL, _NEWTON_MAX_ITER)
    return psi_d, psi_q, B_t, B_y, resid


def network_kind(m: MECInputs) -> str:
    """Which network (and kernel) :func:`compute_fluxmap` solves for these inputs: "tooth_coil" (surface
    magnets on a tooth-coil stator, :func:`build_tooth_coil_network`) or "cells" (:func:`build_network`)."""
    return "tooth_coil" if m.tooth_coil is not None and m.spm else "cells"


def compute_fluxmap(m: MECInputs, bh_H, bh_B, i_max: float, n_d: int = 13, n_q: int = 11,
                    T_magnet_c: float = 20.0, J: int = 10, M: int = 4, id_pos_frac: float = 0.15,
                    axes=None, nodes: str = "all") -> FluxMap:
    """Flux map of the MEC on i_d in [-1.05 I_max, id_pos_frac I_max], i_q in [0, 1.05 I_max]
    (or on explicit ``axes = (i_d, i_q)``, i_q starting at 0).

    ``nodes``: "all" solves every grid point; "current_limit" only those the drive reads for currents
    within the circle the map covers (:func:`current_limit_nodes`; 133 of the default 143), the
    others are NaN. The drive never reads those (its currents stay within limits.i_max <= the map's
    i_max), so operating points, envelopes and losses are the same as from the whole map (to the
    Newton tolerance: the warm starts differ); for the optimiser, not for plots or exports."""
    if nodes not in FLUXMAP_NODES:
        raise InputError("map.fluxmap_nodes", nodes, f"one of {list(FLUXMAP_NODES)}")
    Ht, Bt = resample_bh(bh_H, bh_B)
    if axes is not None:
        i_d, i_q = (np.asarray(a, dtype=float) for a in axes)
    else:
        i_d = np.linspace(-1.05 * i_max, id_pos_frac * i_max, n_d)
        i_q = np.linspace(0.0, 1.05 * i_max, n_q)
    if nodes == "current_limit":
        solved = current_limit_nodes(i_d, i_q)
    else:
        solved = np.ones((i_d.size, i_q.size), dtype=bool)
    if network_kind(m) == "tooth_coil":
        psi_d, psi_q, B_t, B_y, resid, _ = _compute_fluxmap_tc(m, Ht, Bt, i_d, i_q, solved)
    else:
        psi_d, psi_q, B_t, B_y, resid = _compute_fluxmap_cells(m, build_network(m, J, M), Ht, Bt, i_d, i_q, solved)
    bad = resid > _NEWTON_TOL
    if np.any(bad):
        raise ConvergenceError(f"MEC did not converge at {int(np.sum(bad))} flux-map points",
                               residuals=resid[bad][:20])
    torque = 1.5 * m.p * (psi_d * i_q[None, :] - psi_q * i_d[:, None])
    return FluxMap(i_d=i_d, i_q=i_q, psi_d=psi_d, psi_q=psi_q, torque=torque,
                   B_iron=np.stack((B_t, B_y)), regions=("stator_teeth", "stator_yoke"),
                   pole_pairs=m.p, T_magnet_c=T_magnet_c, source="analytic")


def slot_leakage_lambdas(slot_depth: float, tip_height: float, slot_width_mean: float, slot_opening: float,
                         air_gap: float, layers: int = 1, pitch_ratio: float = 1.0):
    """Permeance factors (lambda_u, lambda_tt) of one slot (Pyrhönen et al. 2014, eqs. 4.50, 4.63):
    slot body + opening lambda_u = k1 h_s/(3 b_s) + k2 h_o/b_o and tooth-tip (zig-zag) leakage
    lambda_tt = k2 (5 g/b_o)/(5 + 4 g/b_o), with the chording factors of :func:`leakage_inductance`."""
    eps = 1.0 - pitch_ratio
    k1 = 1.0 - 9.0 / 16.0 * eps if layers == 2 else 1.0
    k2 = (1.0 + k1) / 2.0
    h_s = slot_depth - tip_height
    lam_u = k1 * h_s / (3.0 * slot_width_mean) + k2 * tip_height / slot_opening
    x = air_gap / slot_opening
    lam_tt = k2 * 5.0 * x / (5.0 + 4.0 * x)
    return lam_u, lam_tt


def trapezoid_slot_lambda(h: float, b_bottom: float, b_top: float, n: int = 64) -> float:
    """Slot-body leakage permeance factor of a trapezoidal slot with uniformly distributed
    conductors, lambda = integral over the height of (A(y) / A)^2 / b(y) dy (A(y) the slot area
    below height y: the enclosed current's share; Pyrhonen et al. 2014 sec. 4.2, whose h / (3 b) is
    the rectangular case). Midpoint rule over n strips (exact for b_top = b_bottom)."""
    y = (np.arange(n) + 0.5) * h / n
    b = b_bottom + (b_top - b_bottom) * y / h
    A = b_bottom * y + 0.5 * (b_top - b_bottom) * y * y / h
    A_tot = 0.5 * (b_bottom + b_top) * h
    return float(np.sum((A / A_tot) ** 2 / b) * h / n)


def leakage_inductance(Q: int, N_ph: float, L: float, slot_depth: float, tip_height: float,
                       slot_width_mean: float, slot_opening: float, q: float, l_end: float,
                       layers: int = 1, pitch_ratio: float = 1.0, lambda_ew: float = 0.3) -> float:
    """Slot + tooth-tip + end-winding leakage inductance per phase, H (Pyrhönen et al. 2014,
    eqs. 4.50, 4.62): L_u = (4 m / Q) mu0 L N^2 lambda_u with the rectangular-slot permeance factor
    lambda_u = k1 h_s/(3 b_s) + k2 h_o/b_o (k1 = k2 = 1 for full pitch, (1+3 k)/4 style chording
    factors otherwise); L_w = (4 m / Q) q N^2 mu0 l_w lambda_w, l_w the end-winding length per side
    x 2, lambda_w ~ 0.3 (empirical)."""
    m = 3
    eps = 1.0 - pitch_ratio
    k1 = 1.0 - 9.0 / 16.0 * eps if layers == 2 else 1.0
    k2 = (1.0 + k1) / 2.0
    h_s = slot_depth - tip_height
    lam_u = k1 * h_s / (3.0 * slot_width_mean) + k2 * tip_height / slot_opening
    L_u = 4.0 * m / Q * MU0 * L * N_ph**2 * lam_u
    L_w = 4.0 * m / Q * q * N_ph**2 * MU0 * l_end * lambda_ew
    return L_u + L_w
