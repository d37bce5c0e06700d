"""Loss-minimising control of the induction machine over torque-speed points (numba).

For each operating point (w_m >= 0, shaft torque T; T < 0 generating) the drive chooses the slip
frequency w_r and with it the flux: given the air-gap torque T_em and |w_r| = x the circuit state
is explicit (:func:`.circuit.circuit_point`), so the 2-D choice (flux, slip) with the torque
constraint is a 1-D search over x. Objective: total loss P_cu,s + P_cu,r + P_fe + P_pulsation +
P_mech (the last does not depend on x) subject to |i_s| <= i_max and |v_s| <= v_max (peak phase,
v_max = voltage_utilisation u_dc / sqrt(3)) and the magnetising curve's range. The air-gap torque
covers the shaft torque plus the drag of the mechanical and rotor pulsation losses,
T_em = T + (P_mech + P_puls(psi)) / w_m, solved by fixed-point iteration (four iterations; the
contraction is ~ the drag's slope dP_puls/dT_em / w_m, << 1 at the slips the drive uses: the solved
points' residuals are below 1e-10 relative). At low slip the flux for the torque is large and so
is its pulsation drag: braking, the drag can exceed |T|, the iteration then diverges and its last
state does not deliver T (seen: a -29 N m point of im_eaxle at 6667 rpm returned as a -0.03 N m
state losing 54 W, which the scan picked as the loss minimum; the best state delivering T loses
about 800 W). A slip whose drag balance misses by more than ``DRAG_RTOL`` max(1, |T|) N m is
therefore infeasible for the point solver and the constant-flux strategy (constraint ratio
c = 1 + the miss): a state that brakes through rotor-tooth losses is no operating point. The
envelope's search does not apply this check: the miss grows steeply with |T|, and as a constraint
it made the largest-torque search take 11.1 instead of 7.4 circuit evaluations on im_eaxle, while
the envelope's maxima lie at slips near breakdown, where the fixed point converges (with the check
applied to the envelope too, its results were the same bit for bit on 120 im_eaxle designs).

Algorithm per point: scan ``N_SCAN`` log-spaced x in [1e-4, 2] x_bd (x_bd = R_r0 / L_r0, the
constant-parameter breakdown slip); score phi(x) = loss if feasible, else BIG (1 + c) with the
constraint ratio c = max(|i_s| / i_max, |v_s| / v_max, psi_m / psi_max) (psi_max: top of the
magnetising table); phi is unimodal when the feasible set is an interval in x (loss convex-ish, c U-shaped),
so Brent's search (:mod:`motoropt.drive.search`) on phi over the two grid cells around the best scan point finds the loss
minimum inside the feasible set or on its boundary (field weakening: the voltage limit is active
and the slip rises towards breakdown as the flux falls). This is loss-minimising flux control, not
constant rated flux: at light load the flux falls until the magnetising and rotor copper losses
balance (tested against a constant-flux strategy).

Envelope: for each speed, the largest |T| (motoring and generating) for which some x has c <= 1:
at fixed x, c grows monotonically with |T| (the largest feasible torque is found by regula falsi on
sqrt|T|); that maximum is maximised over log x by a scan and Brent's search.

The rotor branch R_r(x, I_r), L_rs(x, I_r) is the circuit's (:func:`.circuit.rotor_current`): Field's
factors, or the FEA-derived tables ``rt`` when the parameters carry them; the search range's
breakdown slip x_bd uses the geometry's constant parameters either way.

Strategy "constant_flux" (for comparison): psi_m held at ``psi_ref`` (rated flux) below base speed
(reduced in proportion to 1/w_e above it only where the voltage requires), slip from the torque.
"""

from __future__ import annotations

import math

import numpy as np

from motoropt.drive.losses import bearing_loss, windage_loss
from motoropt.drive.search import brent_accept, brent_done, brent_propose
from motoropt.jit import njit
from motoropt.machines.induction.circuit import (
    C_GAP,
    C_KF,
    C_LBAR,
    C_LRC,
    C_LSTK,
    C_P,
    C_PSIMAX,
    C_RBAR,
    C_RREST,
    C_RROT,
    C_TB0,
    circuit_point_k,
    iron_pulsation,
    rotor_current_k,
    slip_state,
)

OK, CURRENT_LIMIT, VOLTAGE_LIMIT, SPEED_LIMIT = 0, 1, 2, 3
N_SCAN = 18
# slip search tolerance in log x, in scan steps (~6e-5 in log x, i.e. in relative slip): the loss minimum and
# the envelope's smooth maximum err quadratically in it, a limit's corner linearly. Against 5e-6: IM
# evaluations 10 % shorter (induction_traction 48.9 -> 44.0 ms), peak power 1.2e-5 and continuous ratings
# <= 1.7e-5 relative lower, efficiencies <= 2e-7 relative
X_TOL = 1e-4
BIG = 1e15
C_TOL = 1e-12  # the envelope's largest-torque search stops at a feasible c within this of 1
DRAG_RTOL = 1e-6  # largest miss of the drag balance of a feasible slip, relative to max(1 N m, |T|)

# output columns
(O_FEAS, O_REASON, O_ID, O_IQ, O_VLL, O_IRMS, O_PF, O_PCUS, O_PCUR, O_PFE, O_PMECHL, O_PMECH, O_PELEC,
 O_EFF, O_TEM, O_TSHAFT, O_SLIP, O_FR, O_PSI, O_VPK, O_IPK) = range(21)
N_OUT = 21
OUT_NAMES = ("feasible", "reason", "i_d", "i_q", "v_ll_rms", "i_rms", "power_factor", "p_copper",
             "p_rotor_copper", "p_iron", "p_mechanical", "p_mech", "p_elec", "efficiency", "torque_em",
             "torque_shaft", "slip", "f_rotor", "psi_m", "v_peak", "i_peak")


@njit(cache=True, _nrt=False)
def mech_loss(cv, w_m):
    return (bearing_loss(w_m, cv[C_TB0], 0.0)
            + windage_loss(w_m, cv[C_RROT], cv[C_LSTK], cv[C_GAP], cv[C_KF], 1.2, 1.81e-5))


@njit(cache=True, inline="always")
def _t_em(cv, bhH, bhB, rt, w_m, T, x, p_m, ss):
    """Air-gap torque for shaft torque T at slip magnitude x (fixed point on the drag; ss: the slip's
    :func:`.circuit.slip_state`)."""
    if w_m <= 0.0:
        return T
    T_em = T + p_m / w_m
    for _ in range(4):
        I_r, R, L = rotor_current_k(cv, rt, x, abs(T_em), bhH, bhB, ss)
        psi = I_r * math.sqrt(R * R + x * x * L * L) / x
        T_em = T + (p_m + iron_pulsation(cv, w_m, psi)) / w_m
    return T_em


@njit(cache=True, inline="always")
def _state(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m):
    """(T_em, then :func:`.circuit.circuit_point`'s outputs) for shaft torque T at slip magnitude x.

    The circuit's small functions are inlined (a call costs as much as their arithmetic: the
    objective :func:`_phi` takes 0.37 us instead of 0.96 us). Two compiled copies: in :func:`_phi`,
    and in :func:`_operating_state` for the cold paths (each inlined copy costs seconds of the
    first run's compilation)."""
    ss = slip_state(cv, rt, x)
    T_em = _t_em(cv, bhH, bhB, rt, w_m, T, x, p_m, ss)
    ok, i_s, v_s, psi, ang, I_r, p_cus, p_cur, p_fe, R, we = circuit_point_k(cv, psi_tab, im_tab, bhH, bhB, rt, w_m,
                                                                             T_em, x, ss)
    return T_em, ok, i_s, v_s, psi, ang, I_r, p_cus, p_cur, p_fe, R, we


@njit(cache=True, _nrt=False)
def _operating_state(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m):
    """:func:`_state` as a called function (the final state, the constant-flux search)."""
    return _state(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m)


@njit(cache=True, _nrt=False)
def _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m, v_max, i_max, use_loss):
    """(phi, c) at slip magnitude x (see module docstring); c = max(|i_s|/i_max, |v_s|/v_max,
    psi_m/psi_max) so that c <= 1 is feasible and c is continuous. ``use_loss`` (int64, not a
    literal bool, so one compiled copy serves both): 1 phi is the loss, 0 it is c."""
    T_em, ok, i_s, v_s, psi, ang, I_r, p_cus, p_cur, p_fe, R, we = _state(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x,
                                                                          p_m)
    c = max(abs(i_s) / i_max, abs(v_s) / v_max, psi / cv[C_PSIMAX])
    p_puls = iron_pulsation(cv, w_m, psi)
    if use_loss != 0 and w_m > 0.0:
        # the state must satisfy the drag balance it was computed for; where the fixed point did not
        # converge (module docstring) it does not deliver T and the slip is infeasible
        r = abs(T + (p_m + p_puls) / w_m - T_em) / max(1.0, abs(T))
        if r > DRAG_RTOL:
            c = max(c, 1.0 + r)
    if c > 1.0:
        return BIG * (1.0 + c), c
    if use_loss != 0:
        return p_cus + p_cur + p_fe + p_puls, c
    return c, c


@njit(cache=True, _nrt=False)
def _tmax_at_x(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn, x, p_m, v_max, i_max, u0):
    """Largest |T| (shaft) with c <= 1 at slip magnitude x: Illinois regula falsi on u = sqrt(|T|)
    (c is close to proportional to u: psi and the currents scale with sqrt(T) while unsaturated),
    to a bracket of 1e-9 u or a feasible u with c >= 1 - C_TOL (then u is within about C_TOL of the
    limit: the other end of the bracket would cost one or two more evaluations)."""
    u_lo, c_lo = 0.0, 0.0
    u = u0
    f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn * u * u, x, p_m, v_max, i_max, np.int64(0))
    # bracket by the proportional-scaling step
    for _ in range(40):
        if c <= 1.0:
            u_lo, c_lo = u, c
            if 1.0 - c <= C_TOL:
                return u_lo
            u = u / max(c, 0.05) * 1.02
        else:
            break
        f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn * u * u, x, p_m, v_max, i_max, np.int64(0))
    u_hi, c_hi = u, c
    side = 0
    for _ in range(40):
        if u_hi - u_lo < 1e-9 * u_hi or 1.0 - c_lo <= C_TOL:
            break
        un = u_lo + (1.0 - c_lo) * (u_hi - u_lo) / (c_hi - c_lo)
        if not (u_lo < un < u_hi):
            un = 0.5 * (u_lo + u_hi)
        f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn * un * un, x, p_m, v_max, i_max, np.int64(0))
        if c <= 1.0:
            u_lo, c_lo = un, c
            if side == -1:
                c_hi = 1.0 + 0.5 * (c_hi - 1.0)
            side = -1
        else:
            u_hi, c_hi = un, c
            if side == 1:
                c_lo = 1.0 - 0.5 * (1.0 - c_lo)
            side = 1
    return u_lo


@njit(cache=True, _nrt=False)
def _x_bd(cv):
    """Constant-parameter breakdown slip R_r0 / L_r0, rad/s."""
    return (cv[C_RBAR] + cv[C_RREST]) / (cv[C_LBAR] + cv[C_LRC])


@njit(cache=True, inline="always")
def _scan_grid(cv):
    """(lo, h): the slip scan's candidates are x_k = exp(lo + k h), k = 0 .. N_SCAN - 1, log-spaced over
    [1e-4, 2] x_bd."""
    xbd = _x_bd(cv)
    lo = math.log(1e-4 * xbd)
    hi = math.log(2.0 * xbd)
    return lo, (hi - lo) / (N_SCAN - 1)


@njit(cache=True, _nrt=False)
def _search(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, p_m, v_max, i_max, use_loss, k_start):
    """Scan + Brent on log x; returns (x_best, phi_best, c_best).

    ``k_start`` (-1: none) is a scan index to start from, e.g. that of the previous point's slip.
    When that candidate is feasible, the scan runs down from it to the first infeasible candidate
    and up from it to the first infeasible one (or the loss bound below): the feasible candidates
    form one run in x (c is U-shaped: module docstring), so the others are infeasible and cannot be
    the best, and the result is the whole scan's. Otherwise, or with no start, the whole scan runs
    from the lowest slip, whose first candidates are mostly infeasible (too much flux for the
    torque: about 12 of 17 evaluations on the induction cases' maps)."""
    lo, h = _scan_grid(cv)
    best = 1e308
    kb = 0
    # motoring, the rotor copper loss alone is P_cu,r = T_em x / p >= T x / p (the circuit's rotor
    # current makes it exact; T_em >= T): a lower bound of the loss rising with x, so once it reaches
    # the best loss no larger slip can be lower (the result is the whole scan's)
    bound = T / cv[C_P] * (1.0 - 1e-12) if use_loss != 0 and T > 0.0 else 0.0
    k_up = 0  # the upward scan's first candidate
    if 0 <= k_start < N_SCAN:
        f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, math.exp(lo + k_start * h), p_m, v_max, i_max, use_loss)
        if c <= 1.0:
            best, kb = f, k_start
            for k in range(k_start - 1, -1, -1):  # down to the run's lower end
                f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, math.exp(lo + k * h), p_m, v_max, i_max, use_loss)
                if c > 1.0:
                    break
                if f <= best:  # on a tie the lower index, as the whole scan
                    best, kb = f, k
            k_up = k_start + 1
    for k in range(k_up, N_SCAN):
        x = math.exp(lo + k * h)
        if bound > 0.0 and bound * x >= best:
            break
        f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m, v_max, i_max, use_loss)
        if k_up > 0 and c > 1.0:  # past the run's upper end
            break
        if f < best:
            best = f
            kb = k
    a = lo + max(kb - 1, 0) * h
    b = lo + min(kb + 1, N_SCAN - 1) * h
    # Brent on the two cells around the best scan point, to X_TOL scan steps in log x
    x = w = v = lo + kb * h
    fx = fw = fv = best
    d = e = 0.0
    for _ in range(100):
        if brent_done(a, b, x, X_TOL * h):
            break
        u, d, e = brent_propose(a, b, x, w, v, fx, fw, fv, d, e, X_TOL * h)
        fu, _ = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, math.exp(u), p_m, v_max, i_max, use_loss)
        a, b, x, w, v, fx, fw, fv = brent_accept(a, b, x, w, v, fx, fw, fv, u, fu)
    xb = x
    fx, cx = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, math.exp(xb), p_m, v_max, i_max, use_loss)
    return math.exp(xb), fx, cx


@njit(cache=True, _nrt=False)
def _fill(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m, v_max, i_max, out):
    """Write the full state at slip magnitude x into out (feasibility judged by the caller)."""
    T_em, ok, i_s, v_s, psi, ang, I_r, p_cus, p_cur, p_fe, R, we = _operating_state(cv, psi_tab, im_tab, bhH, bhB, rt,
                                                                                    w_m, T, x, p_m)
    p_puls = iron_pulsation(cv, w_m, psi)
    c = complex(math.cos(ang), -math.sin(ang))
    i_rf = i_s * c
    out[O_ID] = i_rf.real
    out[O_IQ] = i_rf.imag
    vpk = abs(v_s)
    ipk = abs(i_s)
    out[O_VPK] = vpk
    out[O_IPK] = ipk
    out[O_VLL] = vpk * math.sqrt(1.5)
    out[O_IRMS] = ipk / math.sqrt(2.0)
    p_elec = 1.5 * (v_s.real * i_s.real + v_s.imag * i_s.imag)
    out[O_PELEC] = p_elec
    out[O_PF] = p_elec / (1.5 * vpk * ipk) if vpk * ipk > 0 else 0.0
    out[O_PCUS] = p_cus
    out[O_PCUR] = p_cur
    out[O_PFE] = p_fe + p_puls
    out[O_PMECHL] = p_m
    out[O_TEM] = T_em
    T_sh = T_em - (p_m + p_puls) / w_m if w_m > 0 else T_em
    out[O_TSHAFT] = T_sh
    out[O_PMECH] = w_m * T_sh
    wr = x if T_em >= 0 else -x
    out[O_SLIP] = wr / we if we != 0 else 1.0
    out[O_FR] = wr / (2.0 * math.pi)
    out[O_PSI] = psi
    pm = w_m * T_sh
    if T == 0.0 or w_m == 0.0:
        eff = 0.0
    elif T > 0:
        eff = pm / p_elec if p_elec > 0 else 0.0
    else:
        eff = p_elec / pm if p_elec < 0 else 0.0
    out[O_EFF] = eff


@njit(cache=True)
def solve_points_kernel(speeds, torques, cv, psi_tab, im_tab, bhH, bhB, rt, v_max, i_max, speed_max, mode, psi_ref):
    """All points; mode 0 loss-minimising, 1 constant flux psi_ref (see module docstring)."""
    n = speeds.shape[0]
    out = np.full((n, N_OUT), np.nan)
    lo, h = _scan_grid(cv)  # for the next point's scan start
    k_prev = -1
    for m in range(n):
        w_m = speeds[m]
        T = torques[m]
        o = out[m]
        p_m = mech_loss(cv, w_m)
        if w_m > speed_max * (1.0 + 1e-12):
            o[O_FEAS] = 0.0
            o[O_REASON] = SPEED_LIMIT
            continue
        if mode == 0:
            x, f, c = _search(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, p_m, v_max, i_max, np.int64(1), k_prev)
            # the next point's scan starts from this one's slip (nearest scan index)
            k_prev = min(max(int(round((math.log(x) - lo) / h)), 0), N_SCAN - 1) if x > 0.0 else -1
        else:
            x, c = _constant_flux_slip(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, p_m, v_max, i_max, psi_ref)
        _fill(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m, v_max, i_max, o)
        if c <= 1.0 + 1e-9:
            o[O_FEAS] = 1.0
            o[O_REASON] = OK
        else:
            o[O_FEAS] = 0.0
            o[O_REASON] = VOLTAGE_LIMIT if o[O_VPK] / v_max >= o[O_IPK] / i_max else CURRENT_LIMIT
    return out


@njit(cache=True, _nrt=False)
def _psi_at(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m):
    """Magnetising flux linkage psi_m at slip magnitude x for shaft torque T, Wb."""
    return _operating_state(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m)[4]


@njit(cache=True, _nrt=False)
def _constant_flux_slip(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, p_m, v_max, i_max, psi_ref):
    """Slip giving psi_m = psi_ref on the low-slip branch (bisection in log x); if the voltage
    limit is exceeded there, or the state there misses T (the drag fixed point: module docstring),
    fall back to the loss-minimising search (field weakening)."""
    xbd = _x_bd(cv)
    lo = math.log(1e-7 * xbd)
    hi = math.log(xbd)
    if T == 0.0:
        x = math.exp(lo)
    else:
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if _psi_at(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, math.exp(mid), p_m) > psi_ref:
                lo = mid
            else:
                hi = mid
        x = math.exp(0.5 * (lo + hi))
    # scored as the point solver scores (use_loss 1): with the drag-balance check, so that a slip whose
    # state misses T also falls back to the search
    f, c = _phi(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, x, p_m, v_max, i_max, np.int64(1))
    if c > 1.0:
        x2, f2, c2 = _search(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T, p_m, v_max, i_max, np.int64(1), -1)
        return x2, c2
    return x, c


@njit(cache=True)
def envelope_kernel(speeds, cv, psi_tab, im_tab, bhH, bhB, rt, v_max, i_max, T_up, n_sides):
    """(motoring max, generating max magnitude) shaft torque per speed, N m: max over x (scan +
    Brent on log x) of the largest feasible torque at that slip (:func:`_tmax_at_x`). ``n_sides``
    1: the motoring side only (generating NaN), 2: both."""
    n = speeds.shape[0]
    tm = np.zeros(n)
    tg = np.full(n, np.nan) if n_sides == 1 else np.zeros(n)
    xbd = _x_bd(cv)
    lo0 = math.log(1e-3 * xbd)
    hi0 = math.log(2.0 * xbd)
    ns = 14
    h = (hi0 - lo0) / (ns - 1)
    u_last = np.zeros((2, ns))  # each scan slip's largest sqrt|T| at the speed before (0: none)
    for m in range(n):
        w_m = speeds[m]
        p_m = mech_loss(cv, w_m)
        for s in range(n_sides):
            sgn = 1.0 if s == 0 else -1.0
            u0 = math.sqrt(0.01 * T_up)
            best = -1.0
            kb = 0
            for k in range(ns):
                # the regula falsi starts from this slip's value at the speed before (the speeds rise
                # in small steps), else from the last scan slip's
                start = u_last[s, k] if u_last[s, k] > 0.0 else u0
                u = _tmax_at_x(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn, math.exp(lo0 + k * h), p_m, v_max, i_max,
                               start)
                u_last[s, k] = u
                if u > best:
                    best = u
                    kb = k
                if u > 0:
                    u0 = u
            a = lo0 + max(kb - 1, 0) * h
            b = lo0 + min(kb + 1, ns - 1) * h
            u0 = max(best, 1e-3)
            # Brent on -u (the largest feasible sqrt|T|) around the best scan point, X_TOL steps
            x = w = v = lo0 + kb * h
            fx = fw = fv = -best
            d = e = 0.0
            for _ in range(100):
                if brent_done(a, b, x, X_TOL * h):
                    break
                un, d, e = brent_propose(a, b, x, w, v, fx, fw, fv, d, e, X_TOL * h)
                fu = -_tmax_at_x(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, sgn, math.exp(un), p_m, v_max, i_max, u0)
                a, b, x, w, v, fx, fw, fv = brent_accept(a, b, x, w, v, fx, fw, fv, un, fu)
            best = max(best, -fx)
            if s == 0:
                tm[m] = best * best
            else:
                tg[m] = best * best
    return tm, tg
