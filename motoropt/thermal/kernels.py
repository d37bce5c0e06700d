"""numba kernels of the LPTN solvers: sparse elimination, steady states (with the copper and
magnet coupling), coupled transients, continuous and pulse ratings. Pure functions over the
network's arrays (``ThermalNetwork._kn`` of :mod:`motoropt.thermal.network`); the model is documented in
:mod:`motoropt.thermal.lptn`.
"""

from __future__ import annotations

import numpy as np

from motoropt.jit import njit
from motoropt.thermal.nodes import EW_FRONT, EW_REAR, TEETH, WINDING, YOKE

# ---- numba kernels -------------------------------------------------------------------------------
#
# Linear solves: the network matrix (conductance Laplacian + boundary conductances + C/dt - copper
# temperature coefficients) is symmetric and, short of thermal runaway, a strictly diagonally
# dominant M-matrix. It is sparse (each node touches 1-6 others), so it is eliminated without
# pivoting in a minimum-degree order (computed once per network, :func:`_elimination_pattern`)
# touching only the entries of the filled pattern: the same Gaussian elimination as a dense solve,
# in another order (results equal to rounding), at a fraction of the cost of the dense n^3/3.
#
# The kernels take the network as one tuple ``nt`` (:func:`_kernel_net`):
# (C, G, g_b, T_b, var_i, var_j, speed_grid, G_var, map_comp, map_node, map_frac, map_kind,
#  cpl = [alpha_cu_eff, T_ref_w, alpha_br, T_ref_m, n_br, T_lo], hot (4,),
#  ip = [magnet node (0 if none), Br coupling on, has a magnets node, hotspot mode, winding node,
#        k_tail: the copper nodes (diagonal changes with rho(T)) are eliminated last, from k_tail on],
#  pos (node -> elimination position), nb_ptr, nb_idx (filled pattern, CSR by pivot), slot, toff,
#  tgt (:func:`_solver_tables`), es (speed-dependent edge e -> its value slots)). Matrices are
#  value vectors over the filled pattern.


@njit(cache=True, _nrt=False)
def _copy(dst, src):
    """dst[:] = src by an explicit loop (a slice assignment in numba checks for overlap and may
    copy through a temporary: measurably slower in the per-step loops)."""
    for i in range(src.shape[0]):
        dst[i] = src[i]


@njit(cache=True)
def _elimination_pattern(mask, last):
    """Minimum-degree elimination order of the symmetric pattern ``mask`` (n x n bool), the nodes
    with last[i] True eliminated last, and its filled pattern: (pos (n,) node -> position, nb_ptr
    (n+1,), nb_idx) with nb_idx[nb_ptr[k]:nb_ptr[k+1]] the positions > k coupled to pivot k after
    fill-in (ascending)."""
    n = mask.shape[0]
    adj = mask.copy()
    for i in range(n):
        adj[i, i] = False
    done = np.zeros(n, np.bool_)
    order = np.empty(n, np.int64)
    n_first = n - np.sum(last)
    for k in range(n):
        best, best_deg = -1, n + 1
        for i in range(n):
            if done[i] or (k < n_first and last[i]):
                continue
            deg = 0
            for j in range(n):
                if adj[i, j] and not done[j]:
                    deg += 1
            if deg < best_deg:
                best, best_deg = i, deg
        order[k] = best
        done[best] = True
        for i in range(n):  # the remaining neighbours of the pivot become a clique (fill-in)
            if adj[best, i] and not done[i]:
                for j in range(n):
                    if j != i and adj[best, j] and not done[j]:
                        adj[i, j] = True
    pos = np.empty(n, np.int64)
    for k in range(n):
        pos[order[k]] = k
    nb_ptr = np.zeros(n + 1, np.int64)
    for k in range(n):
        c = 0
        for j in range(n):
            if adj[order[k], j] and pos[j] > k:
                c += 1
        nb_ptr[k + 1] = nb_ptr[k] + c
    nb_idx = np.empty(nb_ptr[n], np.int64)
    for k in range(n):
        c = nb_ptr[k]
        for q in range(k + 1, n):
            if adj[order[k], order[q]]:
                nb_idx[c] = q
                c += 1
    return pos, nb_ptr, nb_idx


@njit(cache=True)
def _solver_tables(pos, nb_ptr, nb_idx):
    """Tables of the symmetric sparse elimination. The matrix is a value vector v: v[k] the
    diagonal entry of position k, v[n + p] the upper entry (k, nb_idx[p]) for p in
    nb_ptr[k]:nb_ptr[k+1]. Returns (slot (n, n): index into v of entry (i, j) of the filled pattern,
    -1 outside; toff (nnz + 1,), tgt: the entries updated by row entry p of pivot k, i.e. (i, j) for
    j = nb_idx[q], q = p .. nb_ptr[k+1] - 1, i = nb_idx[p], are v[tgt[toff[p]:toff[p+1]]])."""
    n = pos.shape[0]
    nnz = nb_idx.shape[0]
    slot = np.full((n, n), -1, np.int64)
    for k in range(n):
        slot[k, k] = k
        for p in range(nb_ptr[k], nb_ptr[k + 1]):
            j = nb_idx[p]
            slot[k, j] = n + p
            slot[j, k] = n + p
    toff = np.zeros(nnz + 1, np.int64)
    for k in range(n):
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            toff[p + 1] = toff[p] + (p1 - p)
    tgt = np.empty(toff[nnz], np.int64)
    for k in range(n):
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            c = toff[p]
            for q in range(p, p1):
                tgt[c] = slot[nb_idx[p], nb_idx[q]]
                c += 1
    return slot, toff, tgt


@njit(cache=True, _nrt=False)
def _factor(v, k0, k1, nb_ptr, toff, tgt):
    """Symmetric Gaussian elimination without pivoting of pivots k0 .. k1 - 1 of the value vector v
    (in place; v[k] <- 1 / pivot k), over the filled pattern only. Returns True if those pivots
    are all > 0 (all n pivots > 0: the symmetric matrix is positive definite). Eliminating the
    leading pivots first and the rest later gives the same factors: the trailing entries only
    accumulate updates, so a change of trailing diagonal entries in between is exact."""
    n = np.uint64(nb_ptr.shape[0] - 1)
    pd = True
    for k in range(np.uint64(k0), np.uint64(k1)):  # unsigned indices: see _sparse_solve
        if not v[k] > 0.0:
            pd = False
        inv = 1.0 / v[k]
        v[k] = inv
        p1 = np.uint64(nb_ptr[k + np.uint64(1)])
        for p in range(np.uint64(nb_ptr[k]), p1):
            f = v[n + p] * inv
            c = np.uint64(toff[p])
            for q in range(p, p1):
                v[np.uint64(tgt[c])] -= f * v[n + q]
                c += np.uint64(1)
    return pd


@njit(cache=True, _nrt=False)
def _subst(v, r, nb_ptr, nb_idx):
    """Forward and back substitution with the factors of :func:`_factor`: r <- A^-1 r (elimination order)."""
    n = np.uint64(r.shape[0])
    one = np.uint64(1)
    for k in range(n):  # unsigned indices: see _sparse_solve
        f = r[k] * v[k]
        for p in range(np.uint64(nb_ptr[k]), np.uint64(nb_ptr[k + one])):
            r[np.uint64(nb_idx[p])] -= v[n + p] * f
    for m in range(n):  # k = n - 1 ... 0
        k = n - one - m
        s = r[k]
        for p in range(np.uint64(nb_ptr[k]), np.uint64(nb_ptr[k + one])):
            s -= v[n + p] * r[np.uint64(nb_idx[p])]
        r[k] = s * v[k]


@njit(cache=True, _nrt=False)
def _sparse_solve(v, r, nb_ptr, nb_idx, toff, tgt):
    """Solve A x = r in place (x -> r, elimination order; v overwritten by the factors): as
    :func:`_factor` of all pivots + :func:`_subst`, fused. Returns True if A is positive definite.
    Unsigned indices: numba then skips the negative-index wrap-around test of every access (the
    operations and their order are the same; this runs once per step of every cycle transient)."""
    n = np.uint64(r.shape[0])
    pd = True
    for k in range(n):
        if not v[k] > 0.0:
            pd = False
        inv = 1.0 / v[k]
        v[k] = inv
        rk = r[k] * inv
        p1 = np.uint64(nb_ptr[k + np.uint64(1)])
        for p in range(np.uint64(nb_ptr[k]), p1):
            vp = v[n + p]
            f = vp * inv
            c = np.uint64(toff[p])
            for q in range(p, p1):
                v[np.uint64(tgt[c])] -= f * v[n + q]
                c += np.uint64(1)
            r[np.uint64(nb_idx[p])] -= vp * rk
    for m in range(n):  # k = n - 1 ... 0
        k = n - np.uint64(1) - m
        s = r[k]
        for p in range(np.uint64(nb_ptr[k]), np.uint64(nb_ptr[k + np.uint64(1)])):
            s -= v[n + p] * r[np.uint64(nb_idx[p])]
        r[k] = s * v[k]
    return pd


@njit(cache=True, _nrt=False)
def _matrix_const(nt, Cdt, v):
    """v (value vector, see :func:`_solver_tables`) <- speed-independent part: Laplacian of G +
    diag(g_b + Cdt)."""
    G, g_b, pos, slot = nt[1], nt[2], nt[15], nt[18]
    n = G.shape[0]
    v[:] = 0.0
    for i in range(n):
        d = g_b[i] + Cdt[i]
        for j in range(n):
            if j != i:
                d += G[i, j]
                if j > i and G[i, j] != 0.0:
                    v[slot[pos[i], pos[j]]] = -G[i, j]
        v[pos[i]] = d


@njit(cache=True, inline="always")
def _first_not_below(a, x):
    """np.searchsorted(a, x) (side "left": the first index with a[i] >= x, len(a) if none) on an
    ascending array, by bisection (numba's searchsorted overload compiles in ~0.7 s)."""
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _add_speed_edges(v, omega, speed_grid, G_var, es):
    """v += Laplacian of the speed-dependent edges at |omega| (linear in the tabulated speeds,
    clipped at the table ends)."""
    nv = es.shape[0]
    if nv == 0:
        return
    ns = speed_grid.shape[0]
    w = abs(omega)
    if w <= speed_grid[0]:
        s, f = 0, 0.0
    elif w >= speed_grid[ns - 1]:
        s, f = ns - 2, 1.0
    else:
        s = _first_not_below(speed_grid, w) - 1  # speed_grid[s] < w <= speed_grid[s + 1]
        f = (w - speed_grid[s]) / (speed_grid[s + 1] - speed_grid[s])
    for e in range(nv):
        g = (1.0 - f) * G_var[s, e] + f * G_var[s + 1, e]
        v[es[e, 0]] -= g
        v[es[e, 1]] += g
        v[es[e, 2]] += g


@njit(cache=True, inline="always")
def _loss_parts(P_comp, parts, map_comp, map_node, map_frac, map_kind, cpl):
    """Node loss parts from component losses: parts[0] uncoupled, parts[1] + parts[2] T copper at
    Br(T_ref) (rho(T) linear in T_i), parts[3] iron at Br(T_ref); W and W/K."""
    alpha_cu_eff, T_ref_w = cpl[0], cpl[1]
    parts[:, :] = 0.0
    for e in range(map_comp.shape[0]):
        p = P_comp[map_comp[e]] * map_frac[e]
        nd = map_node[e]
        if map_kind[e] == 1:
            parts[1, nd] += p * (1.0 - alpha_cu_eff * T_ref_w)
            parts[2, nd] += p * alpha_cu_eff
        elif map_kind[e] == 2:
            parts[3, nd] += p
        else:
            parts[0, nd] += p


@njit(cache=True, inline="always")
def _br_factors(cpl, T_mag):
    """(copper factor (Br/Br_ref)^-n_br, iron factor (Br/Br_ref)^2) at magnet temperature T_mag."""
    alpha_br, T_ref_m, n_br = cpl[2], cpl[3], cpl[4]
    br_ratio = (1.0 + alpha_br * (T_mag - 20.0)) / (1.0 + alpha_br * (T_ref_m - 20.0))
    return br_ratio ** (-n_br), br_ratio * br_ratio


@njit(cache=True, _nrt=False)
def _hot(T, hot, ip):
    """Winding hotspot of temperatures T (see :func:`hotspot`); NaN if any input is NaN."""
    if ip[3] == 0:
        return T[ip[4]]
    Tw = T[WINDING]
    q_int = max(hot[1] * (Tw - T[TEETH]) + hot[3] * (Tw - T[YOKE]), 0.0)  # net outflow; >= 0 (see hotspot)
    ha = Tw + 0.5 * q_int / (hot[0] + hot[2])
    ef, er = T[EW_FRONT], T[EW_REAR]
    if np.isnan(ha) or np.isnan(ef) or np.isnan(er):
        return np.nan
    return max(ha, max(ef, er))


@njit(cache=True, _nrt=False)
def _steady_tm(Ab, parts, gbTb, T_mag, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt):
    """Steady state with the Br factors at magnet temperature T_mag (copper rho(T) exact) on the
    matrix Ab (elimination order, at the speed, copper-free pivots already factored: see
    :func:`_factor`). T <- node temperatures; returns ok (False for a non-physical solution:
    thermal runaway, i.e. a matrix that is not positive definite, or temperatures outside
    -273.15 .. 1e4 degC)."""
    n = T.shape[0]
    kcu, kfe = _br_factors(cpl, T_mag)
    _copy(A, Ab)
    for i in range(n):
        p = pos[i]
        A[p] -= kcu * parts[2, i]  # nonzero on copper nodes only, all at positions >= k_tail
        r[p] = gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
    ok = _factor(A, k_tail, n, nb_ptr, toff, tgt)  # not positive definite: past thermal runaway (module docstring)
    for k in range(k_tail):
        if not A[k] > 0.0:
            ok = False
    _subst(A, r, nb_ptr, nb_idx)
    for i in range(n):
        T[i] = r[pos[i]]
        if not np.isfinite(T[i]) or T[i] < -273.15 or T[i] > 1.0e4:
            ok = False
    return ok


@njit(cache=True, _nrt=False)
def _h_steady(Ab, parts, gbTb, x, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag):
    """Residual of the magnet-temperature equation, g(x) - x (1e9 where the solve fails)."""
    if _steady_tm(Ab, parts, gbTb, x, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt):
        return T[mag] - x
    return 1e9


@njit(cache=True, _nrt=False)
def _brent_steady(Ab, parts, gbTb, a, b, fa, fb, xtol, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag):
    """Root of :func:`_h_steady` in [a, b] with fa > 0 >= fb, Brent's method (inverse quadratic
    interpolation / secant / bisection; Brent 1973), to xtol."""
    if fb == 0.0:
        return b
    c, fc = a, fa
    d = e = b - a
    for _ in range(200):
        if (fb > 0.0 and fc > 0.0) or (fb < 0.0 and fc < 0.0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol1 = 2.0 * 2.220446049250313e-16 * abs(b) + 0.5 * xtol
        xm = 0.5 * (c - b)
        if abs(xm) <= tol1 or fb == 0.0:
            return b
        if abs(e) >= tol1 and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p = 2.0 * xm * s
                q = 1.0 - s
            else:
                q = fa / fc
                rr = fb / fc
                p = s * (2.0 * xm * q * (q - rr) - (b - a) * (rr - 1.0))
                q = (q - 1.0) * (rr - 1.0) * (s - 1.0)
            if p > 0.0:
                q = -q
            p = abs(p)
            if 2.0 * p < min(3.0 * xm * q - abs(tol1 * q), abs(e * q)):
                e = d
                d = p / q
            else:
                d = xm
                e = d
        else:
            d = xm
            e = d
        a, fa = b, fb
        b += d if abs(d) > tol1 else (tol1 if xm > 0.0 else -tol1)
        fb = _h_steady(Ab, parts, gbTb, b, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
    return b


@njit(cache=True, _nrt=False)
def _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist, x_stop):
    """Coupled steady state (algorithm of :func:`steady_state`) on the matrix Ab at the speed.
    T <- temperatures. Returns (status, iterations, n_hist): status 0 ok, 1 no magnet-temperature
    root below T_runaway, 2 non-physical final solution, 3 the root scan passed x_stop (any root
    is hotter than x_stop: used by the ratings, whose verdict is then known); hist[:n_hist] the
    fixed-point residuals. x_stop = inf: no stop. (Every caller passes x_stop: an omitted default would
    compile a second specialisation.)"""
    cpl, ip = nt[12], nt[14]
    mag = ip[0]
    pos, k_tail, nb_ptr, nb_idx, toff, tgt = nt[15], ip[5], nt[16], nt[17], nt[19], nt[20]
    T_m = cpl[3]
    ok = _steady_tm(Ab, parts, gbTb, T_m, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
    it = 1
    nh = 0
    if ip[1] != 0:
        converged = False
        have_prev = False
        px, pr = 0.0, 0.0
        while ok and it < max_iter:
            new = T[mag]
            res = new - T_m
            hist[nh] = abs(res)
            nh += 1
            if abs(res) < tol:
                converged = True
                break
            if nh > 3 and hist[nh - 1] > 0.9 * hist[nh - 2]:
                break  # not contracting
            # secant step on h(x) = g(x) - x, plain fixed-point step when degenerate / not towards
            x_next = new
            if have_prev and res != pr:
                x_sec = T_m - res * (T_m - px) / (res - pr)
                if np.isfinite(x_sec) and abs(x_sec - T_m) <= 10.0 * abs(res) + 1.0:
                    x_next = x_sec
            have_prev = True
            px, pr = T_m, res
            T_m = x_next
            ok = _steady_tm(Ab, parts, gbTb, T_m, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
            it += 1
        if not converged:
            # first (stable, physical) root scanning upward from the coolest boundary, then Brent
            x0 = cpl[5]
            h0 = _h_steady(Ab, parts, gbTb, x0, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
            x = x0
            found = False
            root = 0.0
            while x < T_runaway:
                if x0 >= x_stop:
                    return 3, it, nh
                x1 = min(x0 + 10.0, T_runaway)
                h1 = _h_steady(Ab, parts, gbTb, x1, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
                if h0 > 0 >= h1:
                    root = _brent_steady(Ab, parts, gbTb, x0, x1, h0, h1, tol, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
                    found = True
                    break
                x0, h0, x = x1, h1, x1
            if not found:
                return 1, it, nh
            ok = _steady_tm(Ab, parts, gbTb, root, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
            it += 1
    if not ok:
        return 2, it, nh
    return 0, it, nh


@njit(cache=True)
def _steady_batch_kernel(nt, speeds, P, tol, max_iter, T_runaway):
    """Coupled steady states of m points (speeds (m,) rad/s, P (m, n_comp) W). Returns
    T (m, n), status (m,), iterations (m,), hotspot (m,), hist (m, max_iter), n_hist (m,)."""
    n = nt[0].shape[0]
    m = speeds.shape[0]
    T_out = np.empty((m, n))
    status = np.empty(m, np.int64)
    iters = np.empty(m, np.int64)
    hots = np.empty(m)
    hist = np.zeros((m, max(max_iter, 1)))
    nhist = np.empty(m, np.int64)
    Ab = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    zero = np.zeros(n)
    gbTb = nt[2] * nt[3]
    for k in range(m):
        _matrix_const(nt, zero, Ab)
        _add_speed_edges(Ab, speeds[k], nt[6], nt[7], nt[21])
        _factor(Ab, 0, nt[14][5], nt[16], nt[19], nt[20])
        _loss_parts(P[k], parts, nt[8], nt[9], nt[10], nt[11], nt[12])
        st, it, nh = _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist[k], np.inf)
        _copy(T_out[k], T)
        status[k], iters[k], nhist[k] = st, it, nh
        hots[k] = _hot(T, nt[13], nt[14])
    return T_out, status, iters, hots, hist, nhist


@njit(cache=True, _nrt=False)
def _interp_torque(tg, lg, s, t, out):
    """out <- component losses at torque t, speed column s: linear in torque between the grid
    points tg[s] (ascending), clamped at the ends. lg (n_comp, nT, nS)."""
    nT = tg.shape[1]
    if t <= tg[s, 0]:
        for c in range(out.shape[0]):
            out[c] = lg[c, 0, s]
        return
    if t >= tg[s, nT - 1]:
        for c in range(out.shape[0]):
            out[c] = lg[c, nT - 1, s]
        return
    lo, hi = 0, nT - 1  # largest k with tg[k] <= t (searchsorted side="right" - 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tg[s, mid] <= t:
            lo = mid
        else:
            hi = mid
    k = lo
    f = (t - tg[s, k]) / (tg[s, k + 1] - tg[s, k])
    for c in range(out.shape[0]):
        out[c] = (1.0 - f) * lg[c, k, s] + f * lg[c, k + 1, s]


@njit(cache=True, _nrt=False)
def _n_valid(lg, s):
    """Number of leading torque points of speed column s with all components finite."""
    for k in range(lg.shape[1]):
        for c in range(lg.shape[0]):
            if not np.isfinite(lg[c, k, s]):
                return k
    return lg.shape[1]


@njit(cache=True, _nrt=False)
def _scan_stop(nt, Tm):
    """Magnet temperature above which a rating test may stop the steady state's root scan: with
    Br falling with temperature (alpha_br <= 0) and n_br >= 0 the copper loss factor grows with
    the magnet temperature, the magnet-temperature residual is continuous where the solve is
    physical, and a root found beyond Tm + 10 K would put the magnets above Tm (a violation)."""
    cpl, ip = nt[12], nt[14]
    if ip[2] != 0 and cpl[2] <= 0.0 and cpl[4] >= 0.0:
        return Tm + 10.0
    return np.inf


# A rating search (:func:`_continuous_kernel`, :func:`_pulse_kernel`) finds, per speed, the largest
# torque whose temperature margin (:func:`_margin`, K) is >= 0, to tol N m, on a margin that falls
# with torque. It is a step function over a state vector, so that each kernel tests its own margin:
# :func:`_search_start`, then x = :func:`_search_next` and :func:`_search_step` with the margin at
# x until x is NaN. The first test is at a guess (the previous speed's rating: the ratings change
# little from one speed to the next), the second a Newton step from it with the previous speed's
# slope of the margin at its rating, then secants through the last two tests with a finite margin;
# each estimate is aimed 0.4 tol past the root, so that a close one is confirmed by the next test
# on the other side, and a bisection is done whenever two tests have not halved the bracket or the
# last test had no margin (NaN: steady state lost); the worst case is then that of bisection within
# a factor 2.
S_LO, S_HI, S_HI_TESTED, S_T1, S_M1, S_T2, S_M2, S_N, S_SLOPE, S_W1, S_W2, S_T_MAX, S_RESULT, S_NAN = range(14)
N_SEARCH = 14


@njit(cache=True, _nrt=False)
def _search_start(st, m0, t_max, guess, slope):
    """st (N_SEARCH,) <- a search from torque 0 (tested: admissible, margin m0 >= 0 K) up to t_max
    (the top torque, not tested): first test at ``guess`` (N m; NaN or outside (0, t_max]: t_max /
    2), the next a Newton step with ``slope`` (dm/dtorque, K / N m; NaN: none, a secant through
    torque 0)."""
    st[S_LO], st[S_HI], st[S_HI_TESTED] = 0.0, t_max, 0.0
    st[S_T1], st[S_M1], st[S_T2], st[S_M2] = np.nan, np.nan, 0.0, m0
    st[S_N], st[S_SLOPE] = 0.0, slope
    st[S_W1], st[S_W2], st[S_T_MAX], st[S_RESULT], st[S_NAN] = np.inf, np.inf, t_max, np.nan, 0.0
    st[S_T1] = guess if 0.0 < guess <= t_max else 0.5 * t_max


@njit(cache=True, _nrt=False)
def _search_slope(st):
    """dm/dtorque through the last two finite tests, K / N m (NaN if not negative or unknown)."""
    k = (st[S_M2] - st[S_M1]) / (st[S_T2] - st[S_T1])
    return k if k < 0.0 else np.nan


@njit(cache=True, _nrt=False)
def _search_next(st, tol):
    """The next torque to test; NaN once done, the result then in st[S_RESULT]: t_max if it is
    admissible, else lo with lo admissible and some torque <= lo + tol not."""
    lo, hi, tested = st[S_LO], st[S_HI], st[S_HI_TESTED] != 0.0
    if lo >= st[S_T_MAX] or (tested and hi - lo <= tol):
        st[S_RESULT] = lo
        return np.nan
    if st[S_N] == 0.0:
        x = st[S_T1]
    else:
        k = st[S_SLOPE] if st[S_N] == 1.0 and st[S_SLOPE] < 0.0 else _search_slope(st)
        m2 = st[S_M2]
        if k < 0.0:
            x = st[S_T2] - m2 / k + (0.4 * tol if m2 >= 0.0 else -0.4 * tol)
        else:
            x = 0.5 * (lo + hi)
    if not tested:
        return min(max(x, lo + 0.4 * tol), hi)  # may test t_max itself
    if hi - lo > 0.5 * st[S_W2] or not np.isfinite(x) or st[S_NAN] != 0.0:
        x = 0.5 * (lo + hi)  # slow progress, no estimate, or the last test had no margin
    return min(max(x, lo + 0.4 * tol), hi - 0.4 * tol)


@njit(cache=True, _nrt=False)
def _search_step(st, x, m):
    """Record the margin m (K; >= 0 admissible, < 0 or NaN not) at the torque x of :func:`_search_next`."""
    st[S_W2] = st[S_W1]
    st[S_W1] = st[S_HI] - st[S_LO] if st[S_HI_TESTED] != 0.0 else np.inf
    st[S_N] += 1.0
    if m >= 0.0:
        st[S_LO] = x
    else:
        st[S_HI], st[S_HI_TESTED] = x, 1.0
    st[S_NAN] = 0.0 if np.isfinite(m) else 1.0
    if np.isfinite(m):
        st[S_T1], st[S_M1], st[S_T2], st[S_M2] = st[S_T2], st[S_M2], x, m


@njit(cache=True, _nrt=False)
def _margin(hot_c, mag_c, Tw, Tm):
    """Temperature margin min(Tw - hot_c, Tm - mag_c), K: >= 0 iff hot_c <= Tw and mag_c <= Tm;
    NaN (not admissible) if either temperature is NaN."""
    if np.isnan(hot_c) or np.isnan(mag_c):
        return np.nan
    return min(Tw - hot_c, Tm - mag_c)


@njit(cache=True, _nrt=False)
def _continuous_margin(nt, Ab, tg, lg, s, t, Tw, Tm, tol, max_iter, T_runaway, P, parts, gbTb, A, r, T, hist):
    """Steady-state temperature margin (:func:`_margin`) at torque t of speed column s; NaN where
    the steady state fails (runaway, or the root scan stopped past the magnet limit)."""
    _interp_torque(tg, lg, s, t, P)
    _loss_parts(P, parts, nt[8], nt[9], nt[10], nt[11], nt[12])
    st, _, _ = _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist, _scan_stop(nt, Tm))
    if st != 0:
        return np.nan
    magc = T[nt[14][0]] if nt[14][2] != 0 else np.nan
    return _margin(_hot(T, nt[13], nt[14]), magc, Tw, Tm)


@njit(cache=True)
def _continuous_kernel(nt, speeds, tg, lg, Tw, Tm, tol, s_tol, max_iter, T_runaway):
    """Continuous rating per speed (:func:`continuous_rating`); tg (nS, nT) N m per speed,
    lg (n_comp, nT, nS) W. Returns torque (nS,): 0 if torque 0 is not admissible, the top valid
    grid torque if it is admissible, else a torque lo that is admissible with lo + tol not
    (the search of :func:`_search_next`)."""
    n = nt[0].shape[0]
    nS = speeds.shape[0]
    out = np.zeros(nS)
    Ab = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    P = np.empty(lg.shape[0])
    hist = np.empty(max(max_iter, 1))
    zero = np.zeros(n)
    gbTb = nt[2] * nt[3]
    state = np.empty(N_SEARCH)
    guess, slope = np.nan, np.nan
    for s in range(nS):
        nvalid = _n_valid(lg, s)
        if nvalid == 0:
            continue
        t_hi = tg[s, nvalid - 1]
        _matrix_const(nt, zero, Ab)
        _add_speed_edges(Ab, speeds[s], nt[6], nt[7], nt[21])
        _factor(Ab, 0, nt[14][5], nt[16], nt[19], nt[20])
        m0 = _continuous_margin(nt, Ab, tg, lg, s, 0.0, Tw, Tm, s_tol, max_iter, T_runaway, P, parts, gbTb, A, r,
                                T, hist)
        if not m0 >= 0.0:
            continue
        _search_start(state, m0, t_hi, guess, slope)
        for _ in range(200):
            x = _search_next(state, tol)
            if np.isnan(x):
                break
            _search_step(state, x, _continuous_margin(nt, Ab, tg, lg, s, x, Tw, Tm, s_tol, max_iter, T_runaway, P,
                                                      parts, gbTb, A, r, T, hist))
        out[s] = state[S_RESULT]
        guess, slope = out[s], _search_slope(state)
    return out


@njit(cache=True, _nrt=False)
def _pulse_run(nt, A0, Cdt, parts, gbTb, T0, n_steps, A, r, T):
    """Backward-Euler transient under constant loss parts from T0 on the matrix A0 (at the speed,
    incl. C/dt; copper-free pivots already factored). T <- final temperatures. Returns (max
    hotspot, max magnet-node temperature) over the steps incl. T0 (NaN propagates). Every pulse
    runs to its end: the rating search uses the full pulse's margin."""
    cpl, hot, ip, pos = nt[12], nt[13], nt[14], nt[15]
    nb_ptr, nb_idx, toff, tgt = nt[16], nt[17], nt[19], nt[20]  # locals: no tuple access in the step loop
    mag, cbr, k_tail = ip[0], ip[1], ip[5]
    n = T.shape[0]
    _copy(T, T0)
    hmax = _hot(T, hot, ip)
    mmax = T[mag]
    for _ in range(n_steps):
        T_mag = T[mag] if cbr != 0 else cpl[3]
        kcu, kfe = _br_factors(cpl, T_mag)
        _copy(A, A0)
        for i in range(n):
            p = pos[i]
            A[p] -= kcu * parts[2, i]
            r[p] = Cdt[i] * T[i] + gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
        _factor(A, k_tail, n, nb_ptr, toff, tgt)
        _subst(A, r, nb_ptr, nb_idx)
        for i in range(n):
            T[i] = r[pos[i]]
        h = _hot(T, hot, ip)
        if h > hmax or np.isnan(h):
            hmax = h
        m_ = T[mag]
        if m_ > mmax or np.isnan(m_):
            mmax = m_
    return hmax, mmax


@njit(cache=True, _nrt=False)
def _pulse_margin(nt, A0, Cdt, tg, lg, s, t, T0, n_steps, Tw, Tm, P, parts, gbTb, A, r, T):
    """(temperature margin (:func:`_margin`), hottest magnet-node temperature) of a pulse at torque
    t of speed column s from T0 (:func:`_pulse_run`)."""
    _interp_torque(tg, lg, s, t, P)
    _loss_parts(P, parts, nt[8], nt[9], nt[10], nt[11], nt[12])
    hm, mm = _pulse_run(nt, A0, Cdt, parts, gbTb, T0, n_steps, A, r, T)
    return _margin(hm, mm, Tw, Tm), mm


@njit(cache=True)
def _pulse_kernel(nt, speeds, tg, lg, T0, active, n_steps, dt, Tw, Tm, tol):
    """Pulse rating per speed (:func:`pulse_rating`; the search of :func:`_continuous_kernel`) from
    the states T0 (nS, n); speeds with active[s] False are skipped (torque 0). Returns (torque (nS,),
    hottest magnet-node temperature of the pulse at that torque (nS,), NaN where skipped)."""
    n = nt[0].shape[0]
    nS = speeds.shape[0]
    out = np.zeros(nS)
    mag_out = np.full(nS, np.nan)
    A0 = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    P = np.empty(lg.shape[0])
    Cdt = nt[0] / dt
    gbTb = nt[2] * nt[3]
    state = np.empty(N_SEARCH)
    guess, slope = np.nan, np.nan
    for s in range(nS):
        if not active[s]:
            continue
        nvalid = _n_valid(lg, s)
        if nvalid == 0:
            continue
        t_hi = tg[s, nvalid - 1]
        _matrix_const(nt, Cdt, A0)
        _add_speed_edges(A0, speeds[s], nt[6], nt[7], nt[21])
        _factor(A0, 0, nt[14][5], nt[16], nt[19], nt[20])
        m0, mag_out[s] = _pulse_margin(nt, A0, Cdt, tg, lg, s, 0.0, T0[s], n_steps, Tw, Tm, P, parts, gbTb, A, r, T)
        if not m0 >= 0.0:
            continue
        _search_start(state, m0, t_hi, guess, slope)
        for _ in range(200):
            x = _search_next(state, tol)
            if np.isnan(x):
                break
            m, mag = _pulse_margin(nt, A0, Cdt, tg, lg, s, x, T0[s], n_steps, Tw, Tm, P, parts, gbTb, A, r, T)
            _search_step(state, x, m)
            if m >= 0.0:  # the new admissible end
                mag_out[s] = mag
        out[s] = state[S_RESULT]
        guess, slope = out[s], _search_slope(state)
    return out, mag_out


@njit(cache=True)
def _transient_kernel(nt, speeds, P, T0, dt):
    """Coupled backward-Euler transient, step k of length dt[k] at speed speeds[k] with loss
    components P[k]. Returns (T_hist (n_steps+1, n), P_used (n_steps, n), Q_out (n_steps,)).
    A step without copper loss at the speed and dt of the last such step (standstill: 12 % of the
    Prius cycles' steps) reuses that step's factors: its matrix is the same. The steps run in
    :func:`_transient_steps` (no reference counting: the rows of P and T_hist it reads and writes
    are views, each of which would otherwise cost two atomic operations per step)."""
    n = nt[0].shape[0]
    n_steps = P.shape[0]
    T_hist = np.empty((n_steps + 1, n))
    P_used = np.empty((n_steps, n))
    Q_out = np.empty(n_steps)
    work = np.empty((3, n + nt[17].shape[0]))
    _transient_steps(nt, speeds, P, dt, T_hist, P_used, Q_out, work, np.empty(n), np.empty((4, n)), np.empty(n),
                     nt[2] * nt[3], T0.copy())
    return T_hist, P_used, Q_out


@njit(cache=True, _nrt=False)
def _transient_steps(nt, speeds, P, dt, T_hist, P_used, Q_out, work, r, parts, Cdt, gbTb, T):
    """:func:`_transient_kernel`'s steps into T_hist, P_used, Q_out; work (3, matrix size), r (n,),
    parts (4, n), Cdt (n,) scratch; gbTb = g_b T_b; T the initial state on entry (updated)."""
    C, g_b, T_b, cpl, ip, pos = nt[0], nt[2], nt[3], nt[12], nt[14], nt[15]
    speed_grid, G_var, es = nt[6], nt[7], nt[21]  # locals: no tuple access in the step loop
    map_comp, map_node, map_frac, map_kind = nt[8], nt[9], nt[10], nt[11]
    nb_ptr, nb_idx, toff, tgt = nt[16], nt[17], nt[19], nt[20]
    mag, cbr = ip[0], ip[1]
    n = C.shape[0]
    n_steps = P.shape[0]
    A0, A, A_free = work[0], work[1], work[2]  # A_free: the factors of the last copper-free step
    free_speed = np.nan  # its speed (NaN: none since the last change of dt)
    _copy(T_hist[0], T)
    for k in range(n_steps):
        if k == 0 or dt[k] != dt[k - 1]:
            for i in range(n):
                Cdt[i] = C[i] / dt[k]
            _matrix_const(nt, Cdt, A0)
            free_speed = np.nan
        _loss_parts(P[k], parts, map_comp, map_node, map_frac, map_kind, cpl)
        T_mag = T[mag] if cbr != 0 else cpl[3]
        kcu, kfe = _br_factors(cpl, T_mag)
        free = np.isfinite(kcu)
        for i in range(n):
            r[pos[i]] = Cdt[i] * T[i] + gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
            if parts[2, i] != 0.0:
                free = False
        if free and speeds[k] == free_speed:
            _subst(A_free, r, nb_ptr, nb_idx)
        else:
            _copy(A, A0)
            _add_speed_edges(A, speeds[k], speed_grid, G_var, es)
            for i in range(n):
                A[pos[i]] -= kcu * parts[2, i]
            if free:
                _factor(A, 0, n, nb_ptr, toff, tgt)
                _subst(A, r, nb_ptr, nb_idx)  # the same operations as _sparse_solve's
                _copy(A_free, A)
                free_speed = speeds[k]
            else:
                _sparse_solve(A, r, nb_ptr, nb_idx, toff, tgt)
        q = 0.0
        for i in range(n):
            T[i] = r[pos[i]]
            T_hist[k + 1, i] = T[i]
            P_used[k, i] = parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i] + kcu * parts[2, i] * T[i]
            q += g_b[i] * (T[i] - T_b[i])
        Q_out[k] = q


@njit(cache=True)
def _run_dt(dt):
    """Per-step dt of a cycle with runs of equal dt (within 1e-9 relative of the run's first step)
    set to the run's first value."""
    n = dt.shape[0]
    out = np.empty(n)
    i = 0
    while i < n:
        j = i + 1
        while j < n and abs(dt[j] - dt[i]) <= 1e-9 * dt[i]:
            j += 1
        for k in range(i, j):
            out[k] = dt[i]
        i = j
    return out
