"""Operating-point control of a PMSM from its FluxMap: loss-minimising current, limits, envelope.

Model and conventions (SI, peak phase quantities, amplitude-invariant dq; see motoropt.magnetics.fluxmap):
- ``v_d = R i_d - w_e psi_q``, ``v_q = R i_q + w_e psi_d``, ``w_e = p w_m``; R is the AC phase
  resistance at the winding temperature and electrical frequency (losses.ac_resistance), so the
  stator circuit dissipates exactly the copper loss 1.5 R I^2.
- Electromagnetic torque ``T_em = 1.5 p (psi_d i_q - psi_q i_d)`` from the interpolated flux
  linkages (the FluxMap's torque array is not used: computing T_em from the same psi as the voltage
  makes the power balance exact, P_elec = 1.5 (v_d i_d + v_q i_q) = P_cu + w_m T_em).
- Speed w_m >= 0 always; the shaft torque T carries the sign: T > 0 motoring, T < 0 generating
  (braking). Iron, magnet and mechanical losses are drawn from the shaft as a drag torque
  ``T_drag = (P_fe + P_mag + P_mech) / w_m``, and ``T_em = T + T_drag`` for both signs: motoring the
  electromagnetic torque covers load plus drag; generating, the shaft supplies |T| and the drag is
  taken from it. This places the iron loss on the mechanical side of the air gap, which to first
  order equals the classical parallel core-loss resistance (whose current is in phase with the
  back-EMF, i.e. torque-producing); stated assumption. At w_m = 0 the drag is zero.
- Efficiency: motoring P_mech / P_elec; generating P_elec / P_mech (both negative) and 0 when the
  machine still draws electrical power while braking; 0 at T = 0 or w_m = 0.
- Power factor: cos phi = P_elec / (1.5 V I), signed (negative when generating).

Control: for each point (w_m, T) the current vector minimising copper + iron + magnet loss (the
mechanical loss does not depend on current) subject to shaft torque T, |i| <= i_max (and the map's
range: no extrapolation beyond the FluxMap) and |v| <= v_max. Algorithm per point, all in one numba
kernel: scan ``n_scan`` values of i_d over the map/current range; at each, solve i_q on the torque
curve (safeguarded Newton steps inside [-i_q,lim, i_q,lim], to 1e-4 relative torque: the scan only
ranks candidates a step apart; the best is then solved to 1e-10) and score the point by its loss
(or, over the voltage limit, by a penalty growing with the excess voltage; where the torque is out
of reach, by a larger penalty growing with the shortfall). Around the best candidate: if a
neighbour violates the voltage limit, the point where the torque curve meets the limit is located
(Newton on (i_d, i_q) at once, root finding along the curve as its fallback) and kept when the loss
still falls towards it (field weakening); otherwise (or if the loss turns back) Brent's
parabolic/golden minimisation refines i_d to 1e-6 i_max, trying the crossings of the map's i_q
nodes, where the loss bends. The loss also bends at the map's i_d nodes and can have local minima
there: the nodes inside the bracket are scored too, and a lower one is refined. The final i_q is
solved to 1e-13 relative torque. This yields MTPA at low speed (copper dominates), more negative
i_d where iron loss pays for it, flux weakening above base speed and MTPV at high speed.
``strategy="mtpa"`` minimises copper loss only (classical MTPA + flux weakening) for comparison.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.losses import (
    LV_ALPHA,
    LV_R20,
    LV_TW,
    LossParams,
    ac_resistance,
    harmonic_losses_at,
    incremental_inductance_into,
    iron_by_region,
    iron_magnet_at,
    loss_regions,
    mechanical_loss,
    n_loss_rows,
    pack_loss_params,
)
from motoropt.drive.modulation import (
    LINEAR,
    MODE_CODE,
    N_BANDS,
    SIX_STEP,
    SIX_STEP_ORDERS,
    Modulation,
    carrier_table,
    six_step_moments,
)
from motoropt.drive.search import GOLD, brent_accept, brent_done, brent_propose
from motoropt.errors import InputError, OperatingPointError
from motoropt.jit import njit
from motoropt.magnetics.fluxmap import FluxMap, fluxmap_stack, interp_stack, locate

# feasibility reason codes
OK, CURRENT_LIMIT, VOLTAGE_LIMIT, SPEED_LIMIT, POWER_LIMIT = 0, 1, 2, 3, 4
REASONS = {OK: "ok", CURRENT_LIMIT: "current limit", VOLTAGE_LIMIT: "voltage limit", SPEED_LIMIT: "speed limit",
           POWER_LIMIT: "power limit"}

# output columns of the point kernel
(O_FEAS, O_REASON, O_ID, O_IQ, O_VD, O_VQ, O_VLL, O_IRMS, O_PF, O_PCU, O_PFE, O_PMAG, O_PMECHL,
 O_PMECH, O_PELEC, O_EFF, O_TEM, O_TSHAFT, O_HCU, O_HFE, O_HMAG) = range(21)
N_OUT = 21
OUT_NAMES = ("feasible", "reason", "i_d", "i_q", "v_d", "v_q", "v_ll_rms", "i_rms", "power_factor",
             "p_copper", "p_iron", "p_magnet", "p_mechanical", "p_mech", "p_elec", "efficiency",
             "torque_em", "torque_shaft", "p_harmonic_copper", "p_harmonic_iron", "p_harmonic_magnet")
# the limits vector of the kernels
(L_IMAX, L_VMAX, L_SPEED, L_HARM, L_MODE, L_UDC, L_FSW, L_XOFF, L_LIN, L_PMAX) = range(10)
N_LIM = 10
SPEED_TOLERANCE = 0.02  # operating_point evaluates points up to 2 % above the speed limit, with a warning

_RTOL = 1e-10  # relative torque tolerance of the i_q solves while searching i_d (the final solve: 1e-13)
_RTOL_SCAN = 1e-4  # the same in the i_d scan, which only ranks candidates a scan step apart
# the flux map's i_d nodes near the search's result are scored at _RTOL_SCAN (the loss within ~2e-4);
# one scoring below the result plus this margin is solved to _RTOL and compared
_NODE_MARGIN = 1e-3
# the envelope's Brent search stops when i_d is known to this fraction of i_max. The torque it finds lies
# below the true maximum (Brent keeps the best point seen), by an error quadratic in the i_d error at a
# smooth maximum and linear at a limit's corner: < 1e-7 relative, inside ENVELOPE_MARGIN = 1e-6, which
# keeps the map's points below the envelope. Against 1e-9: 17 % less envelope time on the Prius, peak
# torque 3.7e-9 lower; the 17 shipped cases' KPIs moved by <= 7.4e-8 relative.
_ENV_XTOL = 1e-7
_SKIPPED = -1  # scan status of a candidate the copper-loss bound rules out
_PEN_V = 1e20  # penalty base: torque reachable, voltage limit exceeded
_PEN_I = 1e30  # penalty: torque not reachable within the current limit


@dataclass(frozen=True)
class Limits:
    """Drive limits.

    Attributes:
        u_dc: DC-link voltage, V.
        i_max: peak phase current limit, A.
        speed_max: maximum mechanical speed, rad/s.
        voltage_utilisation: peak phase voltage available = voltage_utilisation u_dc / sqrt(3)
            (1.0 is the SVPWM linear-range limit; default 0.95 leaves margin).
        u_ph_max_override: if given, the peak phase voltage available, V (e.g. from an inverter model).
        modulation: the inverter's modulation (:class:`motoropt.drive.modulation.Modulation`); when
            given (and no override), the voltage limit is the mode's (dead time and device drops
            included) and, with a switching frequency, the harmonic (PWM carrier, over-modulation,
            six-step) losses are computed. None: the legacy limit voltage_utilisation u_dc / sqrt(3)
            and no harmonic losses.
        p_max: shaft power limit, W (both directions: |T| w_m <= p_max), None: none. A system limit
            (supply, controller), not the motor's; points beyond it are infeasible ("power limit").
    """

    u_dc: float
    i_max: float
    speed_max: float
    voltage_utilisation: float = 0.95
    u_ph_max_override: float | None = None
    modulation: Modulation | None = None
    p_max: float | None = None

    def __post_init__(self):
        for name in ("u_dc", "i_max", "speed_max", "voltage_utilisation"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise InputError(f"Limits.{name}", v, "a finite number > 0")
        if self.voltage_utilisation > 1.2:
            raise InputError("Limits.voltage_utilisation", self.voltage_utilisation, "<= 1.2 (SVPWM: 1.0)")
        if self.u_ph_max_override is not None and not (math.isfinite(self.u_ph_max_override)
                                                       and self.u_ph_max_override > 0):
            raise InputError("Limits.u_ph_max_override", self.u_ph_max_override, "None or > 0")
        if self.p_max is not None and not (math.isfinite(self.p_max) and self.p_max > 0):
            raise InputError("limits.max_power_kw", self.p_max, "None or > 0")

    @property
    def v_max(self) -> float:
        """Peak phase voltage available, V."""
        if self.u_ph_max_override is not None:
            return float(self.u_ph_max_override)
        if self.modulation is not None:
            return self.modulation.v_max(self.u_dc)
        return self.voltage_utilisation * self.u_dc / math.sqrt(3.0)

    @property
    def harmonic_losses(self) -> bool:
        """Whether the harmonic (PWM) losses are computed: a modulation with a switching frequency,
        or six-step / over-modulation (whose low-order harmonics need no carrier)."""
        m = self.modulation
        return m is not None and (m.f_sw is not None or m.mode in ("six_step", "overmodulation"))


# ---------------------------------------------------------------- kernels

@njit(cache=True, inline="always")
def _eval_slope(i_d, i_q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc):
    """(T_shaft, T_em, psi_d, psi_q, P_fe, P_mag, dT_em/di_q) at one current vector (N m, Wb, W,
    N m/A; the slope exact for the bilinear flux map inside the cell of i_q: psi_d even and psi_q odd
    in i_q)."""
    pd, pq, k, j, t, u = interp_stack(i_d, i_q, ida, iqa, G, ud, uq)
    p_fe, p_mag = iron_magnet_at(f_e, pd, pq, k, j, t, u, G, lv, rc)
    T_em = 1.5 * p * (pd * i_q - pq * i_d)
    drag = 0.0
    if w_m > 0.0:
        drag = (p_fe + p_mag + p_mechl) / w_m
    h = iqa[j + 1] - iqa[j]
    dpd = ((1.0 - t) * (G[0, k, j + 1] - G[0, k, j]) + t * (G[0, k + 1, j + 1] - G[0, k + 1, j])) / h
    dpq = ((1.0 - t) * (G[1, k, j + 1] - G[1, k, j]) + t * (G[1, k + 1, j + 1] - G[1, k + 1, j])) / h
    s = -1.0 if i_q < 0.0 else 1.0
    slope = 1.5 * p * (pd + s * i_q * dpd - i_d * dpq)
    return T_em - drag, T_em, pd, pq, p_fe, p_mag, slope


@njit(cache=True, _nrt=False)
def _eval_once(i_d, i_q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc):
    """(T_shaft, T_em, psi_d, psi_q, P_fe, P_mag) of :func:`_eval_slope` as a called (not inlined)
    function, for evaluations outside the inner loops: one compiled copy instead of one per call site."""
    t_sh, t_em, pd, pq, p_fe, p_mag, _ = _eval_slope(i_d, i_q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)
    return t_sh, t_em, pd, pq, p_fe, p_mag


@njit(cache=True, inline="always")
def _v_abs(i_d, i_q, w_e, R, pd, pq):
    """Steady-state phase voltage magnitude |R i + j w_e psi|, V peak (psi_d, psi_q = pd, pq)."""
    vd = R * i_d - w_e * pq
    vq = R * i_q + w_e * pd
    return math.sqrt(vd * vd + vq * vq)


@njit(cache=True, inline="always")
def _iq_lim(i_d, i_max, iqa):
    r = i_max * i_max - i_d * i_d
    lim = math.sqrt(r) if r > 0.0 else 0.0
    return min(lim, iqa[iqa.shape[0] - 1])


@njit(cache=True, _nrt=False)
def _solve_iq(i_d, T, iq_lim, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc, rtol, guess):
    """i_q in [-iq_lim, iq_lim] with T_shaft(i_d, i_q) = T by safeguarded quasi-Newton steps.

    Returns (ok, i_q, short, psi_d, psi_q, P_fe, P_mag), the last four at the returned i_q (NaN when
    not ok). Assumes T_shaft increases with i_q. Converged when |T_shaft - T| <= rtol max(1, |T|) N m
    (or the bracket is below 1e-13 iq_lim). When T is out of reach, ok is False and short > 0 is the
    torque shortfall at the current limit, N m.

    The search runs in y = sigma i_q >= 0, sigma the sign that moves T_shaft towards T from i_q = 0, on
    h(y) = sigma (T_shaft - T), increasing with h(0) < 0. Steps: Newton with the slope dT_em/di_q of
    the bilinear flux map (exact in the cell) minus the secant slope of the loss drag torque between
    the last two iterates; before a sign change they stop at iq_lim (which decides reachability; also
    the next step when |h| fails to halve), after it they stay inside the bracket (bisection when a
    step leaves it or |h| fails to halve), so every solve ends well inside the iteration cap. The torque
    is evaluated at one place in the loop, so the inlined evaluation is compiled once.

    ``guess`` (A; NaN: none) is an i_q near the solution, e.g. the solution at a neighbouring i_d. The
    search then starts there with sigma = sign(guess) instead of at i_q = 0. For T > ftol, sigma = +1
    is known (T_shaft(i_d, 0) = -drag <= 0, psi_q being odd in i_q); otherwise h(0) < 0 is taken on
    trust until an iterate with h < 0 proves it (h increases) or a root is found. If the bracket would
    have to shrink onto y = 0 before that, i_q = 0 is evaluated: it confirms sigma, or the search
    restarts from there with the other sign. A poor guess costs steps, never the answer.
    """
    nan = np.nan
    ftol = rtol * max(1.0, abs(T))
    xtol = 1e-13 * iq_lim
    sig = 1.0
    lo, hi = 0.0, 0.0  # y with h < 0 (latest) and with h > 0 (once found)
    have_hi = False
    lo_ok = False  # h(lo) < 0 is established (for lo = 0: by the evaluation at 0 or by T > ftol)
    y_prev, drag_prev, h_prev = 0.0, 0.0, np.inf
    have_prev = False
    x = 0.0
    at_zero = True  # this evaluation is at i_q = 0 and decides sigma
    if guess == guess and guess != 0.0 and iq_lim > 0.0 and (guess > 0.0 or not T > ftol):
        sig = 1.0 if guess > 0.0 else -1.0
        lo_ok = T > ftol
        x = sig * min(abs(guess), iq_lim)
        at_zero = False
    for _ in range(203):
        t_sh, t_em, pd, pq, p_fe, p_mag, sl = _eval_slope(i_d, x, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)
        g = t_sh - T
        if abs(g) <= ftol:
            return True, x, 0.0, pd, pq, p_fe, p_mag
        if at_zero:
            at_zero = False
            if iq_lim <= 0.0:
                return False, 0.0, abs(g), nan, nan, nan, nan
            s0 = 1.0 if g < 0.0 else -1.0
            if s0 != sig:  # no guess, or the guess's side was wrong: start afresh from 0
                sig = s0
                have_hi, have_prev, h_prev = False, False, np.inf
        y = sig * x
        h = sig * g
        if h < 0.0:
            lo = y
            lo_ok = True
            if y >= iq_lim:
                return False, x, -h, nan, nan, nan, nan
        else:
            hi = y
            have_hi = True
        if have_hi and lo_ok and hi - lo <= xtol:
            return True, x, 0.0, pd, pq, p_fe, p_mag
        drag = t_em - t_sh
        slope = sl
        if have_prev and y != y_prev:
            slope -= sig * (drag - drag_prev) / (y - y_prev)
        bisect = abs(h) > 0.5 * h_prev
        y_prev, drag_prev, h_prev = y, drag, abs(h)
        have_prev = True
        yn = y - h / slope if slope > 0.0 else np.inf
        if have_hi:
            if bisect or not (lo < yn < hi) or hi - lo <= xtol:
                if not lo_ok:  # shrinking onto y = 0, whose sign is not known yet: evaluate it
                    x = 0.0
                    at_zero = True
                    continue
                yn = 0.5 * (lo + hi)
        elif bisect or not yn > y or yn > iq_lim:  # slow progress: the limit decides reachability
            yn = iq_lim
        x = sig * yn
    return True, x, 0.0, pd, pq, p_fe, p_mag


@njit(cache=True, _nrt=False)
def _phi(i_d, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, rtol, guess):
    """Score of the current vector on the torque curve at i_d: (score, i_q, status); ``guess``: an i_q
    near the solution or NaN (:func:`_solve_iq`).

    score = loss (copper + iron + magnet, or copper only for mode 1) when feasible; a penalty that
    grows with the voltage excess over the limit; when T is out of reach at this i_d, a larger penalty
    growing with the torque shortfall (so the refinement moves towards the reachable window).
    """
    lim = _iq_lim(i_d, i_max, iqa)
    ok, iq, short, pd, pq, p_fe, p_mag = _solve_iq(i_d, T, lim, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc,
                                                   rtol, guess)
    if not ok:
        return _PEN_I * (1.0 + short / max(1.0, abs(T))), iq, CURRENT_LIMIT
    v = _v_abs(i_d, iq, w_e, R, pd, pq)
    if v > v_max:
        return _PEN_V * (1.0 + (v - v_max) / v_max), iq, VOLTAGE_LIMIT
    loss = 1.5 * R * (i_d * i_d + iq * iq)
    if mode == 0:
        loss += p_fe + p_mag
    return loss, iq, OK


@njit(cache=True, _nrt=False)
def _vexcess(i_d, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, guess):
    """(|v| - v_max (1 - 1e-9) on the torque curve at i_d, V (+v_max when T is out of reach here), i_q).

    The 1e-9 margin keeps the located boundary feasible after the final, tighter i_q solve."""
    lim = _iq_lim(i_d, i_max, iqa)
    ok, iq, _, pd, pq, _, _ = _solve_iq(i_d, T, lim, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc, 1e-10, guess)
    if not ok:
        return v_max, iq
    return _v_abs(i_d, iq, w_e, R, pd, pq) - v_max * (1.0 - 1e-9), iq


@njit(cache=True, _nrt=False)
def _boundary_newton(x, y, xlo, xhi, T, w_m, w_e, f_e, R, p_mechl, v_t, i_max, ida, iqa, G, ud, uq, p, lv, rc):
    """The current vector (i_d, i_q) with T_shaft = T and |v| = v_t by Newton's method on both equations
    at once, from (x, y); returns i_d, or NaN when it leaves [xlo, xhi] or the current limit, or has
    not converged in 12 steps (the caller then falls back to root finding along the torque curve).

    The Jacobian is exact for the bilinear flux map inside the current's cell, except that the drag
    torque's (iron, magnet loss / w_m) dependence on the current is left out: its share of the torque
    is small, so the iteration still converges fast (linearly with that small ratio). Converged when
    |T_shaft - T| <= 1e-10 max(1, |T|) N m and |v| - v_t is within +-5e-11 v_t."""
    ftol = 1e-10 * max(1.0, abs(T))
    vtol = 5e-11 * v_t
    for _ in range(12):
        s = -1.0 if y < 0.0 else 1.0
        pd, pq, k, j, t, u = interp_stack(x, y, ida, iqa, G, ud, uq)
        p_fe, p_mag = iron_magnet_at(f_e, pd, pq, k, j, t, u, G, lv, rc)
        drag = (p_fe + p_mag + p_mechl) / w_m if w_m > 0.0 else 0.0
        f1 = 1.5 * p * (pd * y - pq * x) - drag - T
        vd = R * x - w_e * pq
        vq = R * y + w_e * pd
        v = math.sqrt(vd * vd + vq * vq)
        f2 = v - v_t
        if abs(f1) <= ftol and abs(f2) <= vtol:
            return x if abs(y) <= _iq_lim(x, i_max, iqa) else np.nan
        hx = ida[k + 1] - ida[k]
        hy = iqa[j + 1] - iqa[j]
        dpd_dx = ((1.0 - u) * (G[0, k + 1, j] - G[0, k, j]) + u * (G[0, k + 1, j + 1] - G[0, k, j + 1])) / hx
        dpq_dx = s * ((1.0 - u) * (G[1, k + 1, j] - G[1, k, j]) + u * (G[1, k + 1, j + 1] - G[1, k, j + 1])) / hx
        dpd_dy = s * ((1.0 - t) * (G[0, k, j + 1] - G[0, k, j]) + t * (G[0, k + 1, j + 1] - G[0, k + 1, j])) / hy
        dpq_dy = ((1.0 - t) * (G[1, k, j + 1] - G[1, k, j]) + t * (G[1, k + 1, j + 1] - G[1, k + 1, j])) / hy
        j11 = 1.5 * p * (y * dpd_dx - pq - x * dpq_dx)
        j12 = 1.5 * p * (pd + y * dpd_dy - x * dpq_dy)
        j21 = (vd * (R - w_e * dpq_dx) + vq * w_e * dpd_dx) / v
        j22 = (-vd * w_e * dpq_dy + vq * (R + w_e * dpd_dy)) / v
        det = j11 * j22 - j12 * j21
        if not det != 0.0:
            return np.nan
        x += (j12 * f2 - j22 * f1) / det
        y += (j21 * f1 - j11 * f2) / det
        if not (xlo <= x <= xhi):
            return np.nan
    return np.nan


@njit(cache=True, _nrt=False)
def _boundary_illinois(a, ga, b, gb, q, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc):
    """i_d where the torque curve meets the voltage limit by the Illinois method on |v| - v_max along
    the curve (:func:`_vexcess`: each value an i_q solve, started from the latest i_q q), from a (value
    ga <= 0) and b (gb > 0); returns the feasible end of its final bracket."""
    for _ in range(100):
        if abs(b - a) <= 1e-9 * i_max or gb == ga:
            break
        c = b - gb * (b - a) / (gb - ga)
        gc, q = _vexcess(c, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, q)
        if gc * gb < 0.0:
            a, ga = b, gb
        else:
            ga *= 0.5
        b, gb = c, gc
        if abs(gc) <= 1e-10 * v_max and gc <= 0.0:
            return c
    return a if ga <= 0.0 else b


@njit(cache=True, _nrt=False)
def _voltage_boundary(xf, xi, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, qf):
    """i_d where the torque curve meets the voltage limit, between feasible xf and infeasible xi; qf:
    i_q at xf. From the secant point of |v| - v_max between the two, Newton on (i_d, i_q) at once
    (:func:`_boundary_newton`, aiming 5e-11 v_max inside the 1e-9 margin of :func:`_vexcess`); where
    that fails, :func:`_boundary_illinois`. On the Prius map's field-weakening points Newton takes ~7
    steps (one flux-map evaluation each) where the Illinois method took ~40 evaluations in its i_q
    solves, and it fell back on 2 of ~460 points."""
    ga, qa = _vexcess(xf, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, qf)
    gb, qb = _vexcess(xi, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, qa)
    if ga > 0.0:
        return xf
    if gb > 0.0 and gb != ga:
        c = xi - gb * (xi - xf) / (gb - ga)
        xn = _boundary_newton(c, qa + (c - xf) * (qb - qa) / (xi - xf), min(xf, xi), max(xf, xi), T, w_m, w_e,
                              f_e, R, p_mechl, v_max * (1.0 - 1e-9) - 5e-11 * v_max, i_max, ida, iqa, G, ud, uq, p,
                              lv, rc)
        if xn == xn:
            return xn
    return _boundary_illinois(xf, ga, xi, gb, qb, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p,
                              lv, rc)


@njit(cache=True, _nrt=False)
def _kink_id(xa, xb, q, T, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc):
    """i_d in [xa, xb] where the torque curve T_shaft = T crosses i_q = q (a node of the flux map's
    i_q axis, where the bilinear map's slope in i_q jumps), by the Illinois method on
    T_shaft(i_d, q) - T; NaN if that has no sign change on the interval."""
    ga = _eval_once(xa, q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)[0] - T
    gb = _eval_once(xb, q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)[0] - T
    if ga == 0.0:
        return xa
    if gb == 0.0:
        return xb
    if not ga * gb < 0.0:
        return np.nan
    a, b = xa, xb
    ftol = 1e-13 * max(1.0, abs(T))
    xtol = 1e-12 * max(abs(xa), abs(xb), 1.0)
    c = a
    for _ in range(60):
        c = b - gb * (b - a) / (gb - ga)
        gc = _eval_once(c, q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)[0] - T
        if abs(gc) <= ftol:
            return c
        if gc * gb < 0.0:
            a, ga = b, gb
        else:
            ga *= 0.5
        b, gb = c, gc
        if abs(b - a) <= xtol:
            break
    return c


@njit(cache=True, inline="always")
def _objective(kind, x, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, guess):
    """(score, i_q) at i_d = x: kind 0 the point solver's, 1 the envelope's."""
    if kind == 0:
        s, q, _ = _phi(x, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, _RTOL,
                       guess)
        return s, q
    return _env_phi(x, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, guess)


@njit(cache=True, inline="always")
def _q_of(y, u, qu, x, qx, w, qw, v, qv):
    """The i_q recorded for Brent's point y, one of u (new), x, w, v (before the step)."""
    if y == u:
        return qu
    if y == x:
        return qx
    if y == w:
        return qw
    return qv


@njit(cache=True, _nrt=False)
def _brent_min(kind, a, b, x, fx, qx, w, fw, qw, v, fv, qv, xtol, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode,
               ida, iqa, G, ud, uq, p, lv, rc):
    """Brent's minimisation (:mod:`motoropt.drive.search`) of the objective on [a, b].

    x in [a, b] is the best point known, fx its value and qx its i_q; w and v (values fw, fv, i_q qw,
    qv) the second best and the one before it, Brent's state, or x itself (none known); returns
    (x_min, f_min, i_q there), the best point seen. Each i_q solve starts from the i_q interpolated
    (linearly in i_d) between the two best points, x and w, or from x's alone.
    Parabolic steps make it superlinear on the smooth loss; the penalty jump at the voltage limit
    makes it fall back to golden sections there, converging onto the boundary from the feasible side.
    The point solver's loss also bends where the torque curve crosses a node of the bilinear map's
    i_q axis; when the two best points lie on either side of one, the crossing (:func:`_kink_id`) is
    tried, and returned if it is lower than both its neighbours at xtol, else added to the search.
    """
    d = 0.0
    e = 0.0
    kinks = 0  # kink steps taken (:func:`_kink_id`)
    for it in range(100):
        if brent_done(a, b, x, xtol):
            break
        u, d, e = brent_propose(a, b, x, w, v, fx, fw, fv, d, e, xtol)
        guess = qx
        if w != x and qw == qw and qx == qx:
            guess = qx + (u - x) * (qw - qx) / (w - x)
        fu, qu = _objective(kind, u, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv,
                            rc, guess)
        x0, w0, v0, qx0, qw0, qv0 = x, w, v, qx, qw, qv
        a, b, x, w, v, fx, fw, fv = brent_accept(a, b, x, w, v, fx, fw, fv, u, fu)
        qx = _q_of(x, u, qu, x0, qx0, w0, qw0, v0, qv0)
        qw = _q_of(w, u, qu, x0, qx0, w0, qw0, v0, qv0)
        qv = _q_of(v, u, qu, x0, qx0, w0, qw0, v0, qv0)
        if kind == 0 and kinks < 2 and it >= 1 and w != x and qx == qx and qw == qw and (qx > 0.0) == (qw > 0.0):
            # the torque curve crosses a node of the map's i_q axis between the two best points: the loss
            # bends there, and its minimum often sits on the bend, where golden sections take ~15 more
            # steps (15 % of the Prius map's points; the i_d nodes' bends hold ~1 % of them, too few
            # to pay for the tries that fail)
            jx = locate(iqa, abs(qx), uq)[0]
            jw = locate(iqa, abs(qw), uq)[0]
            if abs(jx - jw) == 1:
                kinks += 1
                qn = iqa[max(jx, jw)] * (1.0 if qx > 0.0 else -1.0)
                xk = _kink_id(min(x, w), max(x, w), qn, T, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)
                if xk == xk and a < xk - xtol and xk + xtol < b:
                    fk, qk = _objective(kind, xk, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G,
                                        ud, uq, p, lv, rc, qn)
                    if fk < fx:  # the bend is the minimum if both neighbours at the tolerance are higher
                        fl, ql = _objective(kind, xk - xtol, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode,
                                            ida, iqa, G, ud, uq, p, lv, rc, qk)
                        fr, qr = _objective(kind, xk + xtol, T, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode,
                                            ida, iqa, G, ud, uq, p, lv, rc, qk)
                        if fl > fk and fr > fk:
                            return xk, fk, qk
                        for (uu, fuu, quu) in ((xk, fk, qk), (xk - xtol, fl, ql), (xk + xtol, fr, qr)):
                            x0, w0, v0, qx0, qw0, qv0 = x, w, v, qx, qw, qv
                            a, b, x, w, v, fx, fw, fv = brent_accept(a, b, x, w, v, fx, fw, fv, uu, fuu)
                            qx = _q_of(x, uu, quu, x0, qx0, w0, qw0, v0, qv0)
                            qw = _q_of(w, uu, quu, x0, qx0, w0, qw0, v0, qv0)
                            qv = _q_of(v, uu, quu, x0, qx0, w0, qw0, v0, qv0)
    return x, fx, qx


@njit(cache=True, _nrt=False)
def harmonic_moments_kernel(x, mode, lin, u_dc, f_sw, w_e, ctab, six, six_orders, six_sh, freqs, shares):
    """Harmonic moments (v_par2, v_perp2, psi_par2, psi_perp2) and frequency content (written into
    freqs/shares; returns their count) at commanded fundamental x = V1/u_dc (the numba version of
    :func:`motoropt.drive.modulation.harmonic_moments`; f_sw = 0: no carrier)."""
    nb = ctab.shape[1] - 5
    cp = cq = cpp = cpq = 0.0
    nf = 0
    xc = min(max(x, 0.0), lin)
    if f_sw > 0.0:
        step = ctab[1, 0] - ctab[0, 0]
        i = int(xc / step)
        if i > ctab.shape[0] - 2:
            i = ctab.shape[0] - 2
        w = (xc - ctab[i, 0]) / step
        # the table's row at xc, interpolated column by column (no row array: no allocation)
        cp = ((1.0 - w) * ctab[i, 1] + w * ctab[i + 1, 1]) * u_dc * u_dc
        cq = ((1.0 - w) * ctab[i, 2] + w * ctab[i + 1, 2]) * u_dc * u_dc
        cpp = ((1.0 - w) * ctab[i, 3] + w * ctab[i + 1, 3]) * (u_dc / f_sw) ** 2
        cpq = ((1.0 - w) * ctab[i, 4] + w * ctab[i + 1, 4]) * (u_dc / f_sw) ** 2
        tot = 0.0
        for b in range(nb):
            tot += (1.0 - w) * ctab[i, 5 + b] + w * ctab[i + 1, 5 + b]
        for b in range(nb):
            freqs[b] = f_sw * (b + 1)
            shares[b] = ((1.0 - w) * ctab[i, 5 + b] + w * ctab[i + 1, 5 + b]) / tot if tot > 0.0 else 0.0
        nf = nb
    if x <= lin or mode < 2 or w_e <= 0.0:
        return cp, cq, cpp, cpq, nf
    a = min((x - lin) / (SIX_STEP - lin), 1.0)
    sp, sq = six[0] * u_dc * u_dc, six[1] * u_dc * u_dc
    spp, spq = six[2] * (u_dc / w_e) ** 2, six[3] * (u_dc / w_e) ** 2
    wc = (1.0 - a) * (cpp + cpq)
    ws = a * (spp + spq)
    tot = wc + ws
    for b in range(nf):
        shares[b] = shares[b] * wc / tot if tot > 0.0 else 0.0
    for h in range(six_orders.shape[0]):
        freqs[nf + h] = six_orders[h] * w_e / (2.0 * math.pi)
        shares[nf + h] = six_sh[h] * ws / tot if tot > 0.0 else 0.0
    nf += six_orders.shape[0]
    return ((1.0 - a) * cp + a * sp, (1.0 - a) * cq + a * sq, (1.0 - a) * cpp + a * spp,
            (1.0 - a) * cpq + a * spq, nf)


@njit(cache=True, inline="always")
def _scan_guess(iqs, k, k0):
    """i_q guess for scan candidate k from the solved candidates between it and k0 (NaN: none):
    extrapolated from the two nearest with 1 / i_q linear in i_d, else the nearest.

    On a torque curve T = 1.5 p i_q (psi_d - L_q i_d) (L_q = psi_q / i_q), so 1 / i_q =
    1.5 p (psi_d - L_q i_d) / T is linear in i_d where the flux linkages are. A linear extrapolation
    of i_q itself undershoots this convex curve (on the Prius by 10-30 % of i_q one scan step on).
    No division by zero: a zero i_q, or 1 / i_q extrapolated to zero or past it, falls back to the
    nearest or the linear step."""
    d = 1 if k > k0 else -1
    q1 = iqs[k - d] if 0 <= k - d < iqs.shape[0] and k != k0 else np.nan
    if q1 != q1:
        return np.nan
    q2 = iqs[k - 2 * d] if 0 <= k - 2 * d < iqs.shape[0] and k - d != k0 else np.nan
    if q2 != q2 or (q2 > 0.0) != (q1 > 0.0) or q1 == 0.0 or q2 == 0.0:
        return q1
    r = 2.0 / q1 - 1.0 / q2
    if r == 0.0 or (r > 0.0) != (q1 > 0.0):  # 1 / i_q reaches 0 by this candidate: i_q runs away
        return 2.0 * q1 - q2
    return 1.0 / r


@njit(cache=True, _nrt=False)
def _node_minima(a, b, xbest, fbest, qbest, xtol, lo, step, iqs, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida,
                 iqa, G, ud, uq, p, lv, rc):
    """The best of (xbest, fbest, qbest) and the local minima at the flux map's i_d nodes inside (a, b).

    On the bilinear map the loss along the torque curve bends at every i_d node, and where the bend
    is sharp (a saturation knee on a coarse axis) the node is a local minimum: a search converged on
    another one can miss it (on a multipole direct-drive design, by 2 % of the loss at 3 % of the
    points: i_d = +28 A chosen where -28 A loses less). Each node farther than 2 xtol from xbest is
    scored at _RTOL_SCAN; one that scores below fbest (1 + _NODE_MARGIN) is solved to the search's
    tolerance and, if then below fbest, kept when both its neighbours at xtol are higher (the
    minimum sits on the bend), else searched by Brent between its neighbouring nodes (within
    (a, b)). A node whose d-axis copper loss alone is not below fbest is skipped (the scan's bound).
    lo, step, iqs: the scan's candidates and their i_q (NaN: none), whose 1 / i_q, linear in i_d
    between the two around a node (:func:`_scan_guess`), starts its i_q solve.
    Returns (x, score, i_q)."""
    n = ida.shape[0]
    for jn in range(n):
        xn = ida[jn]
        if not (a < xn < b) or abs(xn - xbest) <= 2.0 * xtol or 1.5 * R * xn * xn >= fbest:
            continue
        g = qbest
        k = min(max(int((xn - lo) / step), 0), iqs.shape[0] - 2)
        q1, q2 = iqs[k], iqs[k + 1]
        if q1 == q1 and q2 == q2 and q1 != 0.0 and q2 != 0.0 and (q1 > 0.0) == (q2 > 0.0):
            r = (xn - (lo + k * step)) / step
            g = 1.0 / ((1.0 - r) / q1 + r / q2)
        sn, qn, st = _phi(xn, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc,
                          _RTOL_SCAN, g)
        if st == CURRENT_LIMIT or not sn < fbest * (1.0 + _NODE_MARGIN):
            continue
        sn, qn, st = _phi(xn, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, _RTOL,
                          qn)
        if st != OK or not sn < fbest:
            continue
        fl, ql, _ = _phi(xn - xtol, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc,
                         _RTOL, qn)
        fr, qr, _ = _phi(xn + xtol, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc,
                         _RTOL, qn)
        if fl > sn and fr > sn:
            xbest, fbest, qbest = xn, sn, qn
            continue
        lo_n = max(a, ida[jn - 1]) if jn > 0 else a
        hi_n = min(b, ida[jn + 1]) if jn + 1 < n else b
        if fl <= sn:
            xw, fw, qw = xn - xtol, fl, ql
        else:
            xw, fw, qw = xn + xtol, fr, qr
        x2, f2, q2 = _brent_min(np.int64(0), lo_n, hi_n, xn, sn, qn, xw, fw, qw, xw, fw, qw, xtol, T, 1.0, w_m, w_e,
                                f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc)
        if f2 < fbest:
            xbest, fbest, qbest = x2, f2, q2
    return xbest, fbest, qbest


@njit(cache=True, _nrt=False)
def _solve_point(w_m, T, lim, mode, n_scan, ida, iqa, G, ud, uq, p, lv, rc, out, preg, ac, hx, iqs, prev, status, freqs,
                 shares, Linc):
    """Fill one row of ``out`` (columns O_*) and of ``preg`` (iron loss per region); ``hx`` are the
    harmonic tables (carrier table, six-step moments, orders, shares). ``iqs`` (n_scan,) <- the i_q
    solved at each scan candidate (NaN: not solved); ``prev`` (n_scan,): the same of a point at the
    same torque (another speed), the candidates' starting i_q (NaN: none; see the scan below).
    Scratch (:func:`solve_points_kernel` allocates it once): status (n_scan,) int, freqs and shares
    (N_BANDS + six-step orders,), Linc (4,)."""
    i_max, v_max, speed_max = lim[L_IMAX], lim[L_VMAX], lim[L_SPEED]
    for c in range(N_OUT):
        out[c] = np.nan
    for r in range(preg.shape[0]):
        preg[r] = np.nan
    out[O_FEAS] = 0.0
    for k in range(n_scan):
        iqs[k] = np.nan
    if w_m > speed_max * (1.0 + 1e-12) or w_m < 0.0:
        out[O_REASON] = SPEED_LIMIT
        return
    if lim[L_PMAX] > 0.0 and abs(T) * w_m > lim[L_PMAX] * (1.0 + 1e-9):
        out[O_REASON] = POWER_LIMIT
        return
    w_e = p * w_m
    f_e = w_e / (2.0 * math.pi)
    R = ac_resistance(lv, f_e)
    p_mechl = mechanical_loss(lv, w_m)
    lo, step = _scan_range(ida, i_max, n_scan)
    best_s = np.inf
    best_k = 0
    # scan outwards from the candidate nearest i_d = 0; a candidate whose d-axis copper loss alone,
    # 1.5 R i_d^2 (a lower bound of its score), is not below the best feasible score is skipped: it
    # cannot be the best (the lowest score, the lowest index among equal ones, as a plain scan)
    k0 = min(max(int(round(-lo / step)), 0), n_scan - 1)
    for m in range(2 * n_scan):
        k = k0 if m == 0 else (k0 + (m + 1) // 2 if m % 2 == 1 else k0 - m // 2)
        if k < 0 or k >= n_scan:
            continue
        x = lo + k * step
        if best_s < _PEN_V and 1.5 * R * x * x >= best_s:
            status[k] = _SKIPPED
            continue
        # the same candidate's i_q at the same torque and another speed differs only by the drag
        # torque's change: closer than the neighbours' extrapolation
        g0 = prev[k] if prev[k] == prev[k] else _scan_guess(iqs, k, k0)
        s, iq, st = _phi(x, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc,
                         _RTOL_SCAN, g0)
        status[k] = st
        if st != CURRENT_LIMIT:
            iqs[k] = iq
        if s < best_s or (s == best_s and k < best_k):
            best_s, best_k = s, k
    if best_s < _PEN_I:  # the best candidate's score to the search's tolerance: Brent starts from it
        best_s, iq, st = _phi(lo + best_k * step, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud,
                              uq, p, lv, rc, _RTOL, iqs[best_k])
        status[best_k] = st
        if st != CURRENT_LIMIT:
            iqs[best_k] = iq
    if best_s < _PEN_V:  # the voltage-limit test below needs the neighbours' status
        for kk in (best_k - 1, best_k + 1):
            if 0 <= kk < n_scan and status[kk] == _SKIPPED:
                status[kk] = _phi(lo + kk * step, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud,
                                  uq, p, lv, rc, _RTOL, iqs[best_k])[2]
    a = lo + max(best_k - 1, 0) * step
    b = lo + min(best_k + 1, n_scan - 1) * step
    a0, b0 = a, b  # the scan's bracket
    xk = lo + best_k * step
    side = 0  # +1: voltage limit between best and its right neighbour, -1: left, 0: none
    if best_s < _PEN_V:
        if best_k + 1 < n_scan and status[best_k + 1] == VOLTAGE_LIMIT:
            side = 1
        elif best_k > 0 and status[best_k - 1] == VOLTAGE_LIMIT:
            side = -1
    done = False
    qk = iqs[best_k]
    x0, f0, q0 = xk, best_s, qk
    if side != 0:
        # the optimum is on the voltage limit unless the loss still falls into the feasible side:
        # locate the limit by root finding (fast) instead of letting Brent crawl along the penalty jump
        xn = b if side == 1 else a
        xb = _voltage_boundary(xk, xn, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, qk)
        fb, qb, _ = _phi(xb, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, _RTOL,
                         qk)
        delta = 1e-3 * step
        xin = xb - side * delta
        fin, qin, _ = _phi(xin, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc,
                           _RTOL, qb)
        if fb < _PEN_V and fb <= fin:
            xbest, fbest, qbest = xb, fb, qb
            done = True
        else:
            if side == 1:
                b = xb
            else:
                a = xb
            if fin < f0 and a < xin < b:
                x0, f0, q0 = xin, fin, qin
            elif fb < f0:
                x0, f0, q0 = xb, fb, qb
    if not done:
        # Brent refinement on the bracket around the best scan point
        if not (a < x0 < b):
            x0, f0, q0 = xk, best_s, qk
        xbest, fbest, qbest = _brent_min(np.int64(0), a, b, x0, f0, q0, x0, f0, q0, x0, f0, q0, 1e-6 * i_max, T, 1.0,
                                         w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv,
                                         rc)
    if fbest < _PEN_V:
        # the map's i_d nodes inside the scan's bracket: a lower minimum on a bend. Not beyond it: a scan
        # that ranks the wrong basin best still misses (on one multipole design of 25 surveyed, 5 of
        # 1491 points by 0.36 %); scoring the nodes a scan step further catches those, for twice the
        # cost (5 instead of 2.5 flux-map evaluations per prius_opt point, which never gain)
        xbest, fbest, qbest = _node_minima(a0, b0, xbest, fbest, qbest, 1e-6 * i_max, lo, step, iqs, T, w_m, w_e, f_e,
                                           R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc)
    if fbest >= _PEN_I:
        out[O_REASON] = CURRENT_LIMIT
        return
    if fbest >= _PEN_V:
        out[O_REASON] = VOLTAGE_LIMIT
        return
    i_d = xbest
    _, i_q, st = _phi(i_d, T, w_m, w_e, f_e, R, p_mechl, v_max, i_max, mode, ida, iqa, G, ud, uq, p, lv, rc, 1e-13,
                      qbest)
    T_sh, T_em, pd, pq, p_fe, p_mag = _eval_once(i_d, i_q, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)
    _, _, k, j, t, u = interp_stack(i_d, i_q, ida, iqa, G, ud, uq)
    iron_by_region(f_e, k, j, t, u, G, rc, preg)
    vd = R * i_d - w_e * pq
    vq = R * i_q + w_e * pd
    v = math.sqrt(vd * vd + vq * vq)
    i_pk = math.sqrt(i_d * i_d + i_q * i_q)
    p_cu = 1.5 * R * i_pk * i_pk
    p_el = 1.5 * (vd * i_d + vq * i_q)
    p_me = w_m * T_sh
    out[O_FEAS] = 1.0
    out[O_REASON] = OK
    out[O_ID] = i_d
    out[O_IQ] = i_q
    out[O_VD] = vd
    out[O_VQ] = vq
    out[O_VLL] = math.sqrt(1.5) * v
    out[O_IRMS] = i_pk / math.sqrt(2.0)
    s_app = 1.5 * v * i_pk
    out[O_PF] = p_el / s_app if s_app > 0.0 else np.nan
    out[O_PCU] = p_cu
    out[O_PFE] = p_fe
    out[O_PMAG] = p_mag
    out[O_PMECHL] = p_mechl
    out[O_PMECH] = p_me
    out[O_TEM] = T_em
    out[O_TSHAFT] = T_sh
    out[O_HCU] = 0.0
    out[O_HFE] = 0.0
    out[O_HMAG] = 0.0
    if lim[L_HARM] > 0.0:
        ctab, six, six_orders, six_sh = hx
        u_dc = lim[L_UDC]
        x = v / u_dc + lim[L_XOFF]
        vp, vq_, pp, pq_, nf = harmonic_moments_kernel(x, int(lim[L_MODE]), lim[L_LIN], u_dc, lim[L_FSW], w_e,
                                                       ctab, six, six_orders, six_sh, freqs, shares)
        incremental_inductance_into(Linc, i_q, k, j, t, u, ida, iqa, G)
        R_dc = lv[LV_R20] * (1.0 + lv[LV_ALPHA] * (lv[LV_TW] - 20.0))
        hcu, hfe, hmag = harmonic_losses_at(vp, vq_, pp, pq_, freqs[:nf], shares[:nf], math.atan2(vq, vd), Linc,
                                            math.sqrt(pd * pd + pq * pq), i_q, k, j, t, u, G, lv, rc, ac, R_dc)
        out[O_HCU] = hcu
        out[O_HFE] = hfe
        out[O_HMAG] = hmag
        out[O_PCU] += hcu
        out[O_PFE] += hfe
        out[O_PMAG] += hmag
        p_el += hcu + hfe + hmag
    out[O_PELEC] = p_el  # with the PWM-harmonic losses where they are on
    eff = 0.0
    if p_me > 0.0 and p_el > 0.0:
        eff = p_me / p_el
    elif p_me < 0.0 and p_el < 0.0:
        eff = p_el / p_me
    out[O_EFF] = eff


@njit(cache=True)
def solve_points_kernel(speeds, torques, lim, mode, n_scan, ida, iqa, G, ud, uq, p, lv, rc, ac, hx):
    """Batch of operating points (w_m rad/s, T N m) -> (out (n, N_OUT), iron per region (n, nreg))."""
    n = speeds.shape[0]
    nreg = n_loss_rows(rc)
    out = np.empty((n, N_OUT))
    preg = np.empty((n, nreg))
    iqs = np.empty(n_scan)
    q1 = np.full(n_scan, np.nan)  # the scan's i_q of the point before and of the one before that
    q2 = np.full(n_scan, np.nan)
    guess = np.empty(n_scan)
    status = np.empty(n_scan, np.int64)
    nmax = N_BANDS + hx[2].shape[0]
    freqs = np.empty(nmax)
    shares = np.empty(nmax)
    Linc = np.empty(4)
    for m in range(n):
        # consecutive points at one torque (a map's row): each starts its candidates from the i_q of
        # the same candidates there, extrapolated linearly in speed from the last two
        s1 = m >= 1 and torques[m] == torques[m - 1] and speeds[m - 1] != speeds[m]
        s2 = s1 and m >= 2 and torques[m - 2] == torques[m] and speeds[m - 2] != speeds[m - 1]
        r = (speeds[m] - speeds[m - 1]) / (speeds[m - 1] - speeds[m - 2]) if s2 else 0.0
        for k in range(n_scan):
            g = q1[k] if s1 else np.nan
            if s2 and q2[k] == q2[k] and (q2[k] > 0.0) == (g > 0.0):
                g += r * (g - q2[k])
            guess[k] = g
        _solve_point(speeds[m], torques[m], lim, mode, n_scan, ida, iqa, G, ud, uq, p, lv, rc, out[m], preg[m], ac,
                     hx, iqs, guess, status, freqs, shares, Linc)
        for k in range(n_scan):
            q2[k] = q1[k]
            q1[k] = iqs[k]
    return out, preg


@njit(cache=True, inline="always")
def _voltage(i_d, i_q, w_e, R, ida, iqa, G, ud, uq):
    pd, pq, _, _, _, _ = interp_stack(i_d, i_q, ida, iqa, G, ud, uq)
    return _v_abs(i_d, i_q, w_e, R, pd, pq)


@njit(cache=True, _nrt=False)
def _env_phi(i_d, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, guess):
    """Largest sgn*T_shaft at i_d with |v| <= v_max: (-sgn*T_shaft or penalty, i_q).

    i_q is taken as large as the current circle and the voltage limit allow (|v| assumed to grow
    with |i_q| at fixed i_d, true while psi_d > R i_q / w_e; the Illinois method on the voltage limit).
    ``guess`` (A; NaN: none): an i_q near the answer (the same i_d's at the speed before, or Brent's
    interpolation); inside (0, the current limit) it is tried first and narrows the bracket: above
    the voltage limit it is the bracket's top (the current limit is then not evaluated), below it
    the bottom. A poor guess costs one evaluation, never the answer.
    """
    lim = _iq_lim(i_d, i_max, iqa)
    g = abs(guess) if guess == guess else -1.0
    # one voltage evaluation site (inlined once): stage 0 at i_q = 0, stage 3 at the guess, stage 1
    # at the current limit, stage 2 the Illinois method on f = |v| - v_max over the bracket
    # [lo (f <= 0), hi (f > 0)], stopped when the bracket is below 1e-13 lim or lo is within
    # 1e-12 v_max of the limit (bisection steps after 30 iterations guarantee the bracket shrinks)
    lo, hi = 0.0, lim
    f_lo, f_hi = 0.0, 0.0
    q = 0.0
    stage = 0
    last = 0  # the end the previous step replaced: -1 lo, +1 hi
    for it in range(100):
        v = _voltage(i_d, 0.0 if stage == 0 else sgn * q, w_e, R, ida, iqa, G, ud, uq)
        f = v - v_max
        if stage == 0:
            if f > 0.0:
                return _PEN_V * (1.0 + f / v_max), 0.0
            f_lo = f
            if 0.0 < g < lim:
                stage, q = 3, g
            else:
                stage, q = 1, lim
            continue
        if stage == 3:
            if f > 0.0:
                hi, f_hi = q, f
                stage = 2
            else:
                lo, f_lo = q, f
                if f >= -1e-12 * v_max:  # on the voltage limit below the current limit: the answer
                    stage = 2
                    break
                stage, q = 1, lim
                continue
        elif stage == 1:
            if f <= 0.0:
                break
            f_hi = f
            stage = 2
        elif f > 0.0:
            hi, f_hi = q, f
            if last == 1:
                f_lo *= 0.5
            last = 1
        else:
            lo, f_lo = q, f
            if last == -1:
                f_hi *= 0.5
            last = -1
            if f >= -1e-12 * v_max:
                break
        if hi - lo <= 1e-13 * lim:
            break
        q = lo - f_lo * (hi - lo) / (f_hi - f_lo)
        if it >= 30 or not (lo < q < hi):
            q = 0.5 * (lo + hi)
    x = lim if stage == 1 else lo
    T_sh = _eval_once(i_d, sgn * x, w_m, f_e, p_mechl, ida, iqa, G, ud, uq, p, lv, rc)[0]
    return -sgn * T_sh, sgn * x


@njit(cache=True, _nrt=False)
def _envelope_row(res, m, w_m, lim, n_scan, n_sides, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs):
    """:func:`envelope_kernel`'s row m at speed w_m (rad/s) in res (left NaN above speed_max).
    lo, step: the i_d scan's first value and step (A). qs (2, n_scan): each side's scan i_q at the
    speed before (NaN: none), the starting guesses (:func:`_env_phi`); updated to this speed's."""
    i_max, v_max, speed_max = lim[L_IMAX], lim[L_VMAX], lim[L_SPEED]
    if w_m > speed_max * (1.0 + 1e-12) or w_m < 0.0:
        return
    w_e = p * w_m
    f_e = w_e / (2.0 * math.pi)
    R = ac_resistance(lv, f_e)
    p_mechl = mechanical_loss(lv, w_m)
    for side in range(n_sides):
        sgn = 1.0 if side == 0 else -1.0
        best, bk = np.inf, 0
        for k in range(n_scan):
            s, q = _env_phi(lo + k * step, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv,
                            rc, qs[side, k])
            qs[side, k] = q if s < _PEN_V else np.nan
            if s < best:
                best, bk = s, k
        a = lo + max(bk - 1, 0) * step
        b = lo + min(bk + 1, n_scan - 1) * step
        xk, qk = lo + bk * step, qs[side, bk]
        xb, best, qb = _brent_min(np.int64(1), a, b, xk, best, qk, xk, best, qk, xk, best, qk, _ENV_XTOL * i_max, 0.0,
                                  sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, np.int64(0), ida, iqa, G, ud, uq, p, lv,
                                  rc)
        if best >= _PEN_V:
            res[m, 3 * side] = 0.0
            res[m, 6 + side] = 0.0
            continue
        s, iq = _env_phi(xb, sgn, w_m, w_e, f_e, R, p_mechl, v_max, i_max, ida, iqa, G, ud, uq, p, lv, rc, qb)
        res[m, 3 * side] = -s
        res[m, 6 + side] = -s
        res[m, 3 * side + 1] = xb
        res[m, 3 * side + 2] = iq
        if lim[L_PMAX] > 0.0 and w_m > 0.0 and -s * w_m > lim[L_PMAX]:
            # power limit: the torque P_max / w_m at the loss-minimising current (refined by the
            # point solver when the map is evaluated); the envelope's current is the unclipped one
            res[m, 3 * side] = lim[L_PMAX] / w_m


@njit(cache=True, _nrt=False)
def _scan_range(ida, i_max, n_scan):
    """(first i_d, step) of the i_d scan of the envelope and of the point solver: n_scan values over
    the map's i_d axis within the current limit, A."""
    lo = max(ida[0], -i_max)
    hi = min(ida[ida.shape[0] - 1], i_max)
    return lo, (hi - lo) / (n_scan - 1)


@njit(cache=True)
def envelope_kernel(speeds, lim, n_scan, n_sides, ida, iqa, G, ud, uq, p, lv, rc):
    """Per speed: (T_motoring_max, i_d, i_q, T_generating_max magnitude, i_d, i_q, and the two torques
    without the power limit); NaN above speed_max. n_sides = 1: the motoring side only (the
    generating columns stay NaN), 2: both."""
    n = speeds.shape[0]
    res = np.full((n, 8), np.nan)
    lo, step = _scan_range(ida, lim[L_IMAX], n_scan)
    qs = np.full((2, n_scan), np.nan)  # the scan's i_q at the speed before: the next speed's guesses
    for m in range(n):
        _envelope_row(res, m, speeds[m], lim, n_scan, n_sides, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
    return res


@njit(cache=True, _nrt=False)
def _motoring_power(res, w, col, lim, n_scan, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs):
    """T(w) w of the motoring envelope's column col (0: with the power limit, 6: without) at speed
    w, W; 0 where the envelope has no (finite, positive) torque. qs: :func:`_envelope_row`'s guesses,
    cleared first: each speed is evaluated as :func:`envelope_kernel` evaluates a single speed, so the
    search equals the Python search over single-speed envelopes bit for bit."""
    for c in range(8):
        res[0, c] = np.nan
    qs[:, :] = np.nan
    _envelope_row(res, 0, w, lim, n_scan, 1, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
    t = res[0, col]
    return t * w if (math.isfinite(t) and t > 0) else 0.0


@njit(cache=True)
def golden_power_kernel(a, b, col, w_tol, max_evals, lim, n_scan, ida, iqa, G, ud, uq, p, lv, rc):
    """:func:`motoropt.drive.search.golden_max` of :func:`_motoring_power` on [a, b] (rad/s), with
    the same steps and arithmetic, in one call: the larger of its last two powers, W."""
    res = np.empty((1, 8))
    lo, step = _scan_range(ida, lim[L_IMAX], n_scan)
    qs = np.empty((2, n_scan))  # the envelope's guesses (cleared per speed: _motoring_power)
    c, d = b - GOLD * (b - a), a + GOLD * (b - a)
    fc = _motoring_power(res, c, col, lim, n_scan, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
    fd = _motoring_power(res, d, col, lim, n_scan, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
    n = 2
    while b - a > w_tol * 0.5 * (a + b) and n < max_evals:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - GOLD * (b - a)
            fc = _motoring_power(res, c, col, lim, n_scan, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
        else:
            a, c, fc = c, d, fd
            d = a + GOLD * (b - a)
            fd = _motoring_power(res, d, col, lim, n_scan, lo, step, ida, iqa, G, ud, uq, p, lv, rc, qs)
        n += 1
    return max(fc, fd)


# ---------------------------------------------------------------- Python API

_STRATEGIES = {"min_loss": 0, "mtpa": 1}


@dataclass(frozen=True)
class _Bound:
    """Flux map, loss parameters and limits as the kernels' packer reads them."""

    fluxmap: FluxMap
    loss_params: LossParams
    limits: Limits


_PACK_SLOTS = 8  # packed models kept: a changeover drive alternates between its two connections' models
_PACKED: list = []  # (flux map, loss parameters, limits, packed arrays), the latest first


def _pack(model):
    """The kernels' arrays of a model (flux map stack, pole pairs, loss vectors, limits, AC table,
    harmonic tables). A call with the same flux map, loss parameters and limits objects (all frozen)
    as one of the last _PACK_SLOTS packs returns that pack's arrays, which no kernel writes: one
    design's evaluation asks ~15 times per model (map, envelope, peak-power search, cycles, thermal
    grid), and a star/delta changeover asks for its two models in turn."""
    for entry in _PACKED:
        if entry[0] is model.fluxmap and entry[1] is model.loss_params and entry[2] is model.limits:
            return entry[3]
    packed = _pack_arrays(model)
    _PACKED.insert(0, (model.fluxmap, model.loss_params, model.limits, packed))
    del _PACKED[_PACK_SLOTS:]
    return packed


def _pack_arrays(model):
    fmap = model.fluxmap
    if model.limits.i_max > fmap.i_max * (1 + 1e-9):
        raise InputError("limits.i_max", model.limits.i_max,
                         f"<= the current the flux map covers ({fmap.i_max:g} A; kernels never extrapolate)")
    lv, rc, ac = pack_loss_params(model.loss_params, fmap)
    ida, iqa, G, ud, uq = fluxmap_stack(fmap)
    L = model.limits
    lim = np.zeros(N_LIM)
    lim[L_IMAX], lim[L_VMAX], lim[L_SPEED] = L.i_max, L.v_max, L.speed_max
    lim[L_PMAX] = 0.0 if L.p_max is None else L.p_max
    mod = L.modulation
    if mod is not None and L.harmonic_losses:
        lim[L_HARM] = 1.0
        lim[L_MODE] = MODE_CODE[mod.mode]
        lim[L_UDC] = L.u_dc
        lim[L_FSW] = 0.0 if mod.f_sw is None else mod.f_sw
        lim[L_XOFF] = (mod.dead_time_drop(L.u_dc) + mod.v_device) / L.u_dc
        lim[L_LIN] = LINEAR[mod.mode]
    return (ida, iqa, G, ud, uq), float(fmap.pole_pairs), lv, rc, lim, ac, _harmonic_tables(mod)


def _harmonic_tables(mod: Modulation | None):
    """(carrier table, six-step moments, orders, shares) for the kernels."""
    pattern = "spwm" if (mod is not None and mod.mode == "spwm") else "svpwm"
    vp, vq, pp, pq, sh = six_step_moments()
    return (np.ascontiguousarray(carrier_table(pattern)), np.array([vp, vq, pp, pq]),
            np.ascontiguousarray(SIX_STEP_ORDERS), np.ascontiguousarray(sh))


def solve_operating_points(model, speed, torque, strategy: str = "min_loss",
                           n_scan: int = 12) -> dict:
    """Control + losses on arrays of points.

    Args:
        speed: mechanical speed, rad/s (>= 0); torque: shaft torque, N m (< 0 generating); broadcast.
        strategy: "min_loss" (copper + iron + magnet minimised) or "mtpa" (copper only).
        n_scan: i_d candidates before the golden-section refinement (>= 5).
    Returns: dict of arrays keyed by OUT_NAMES (W, V, A, N m; v_ll_rms line-to-line rms, i_rms phase
        rms) plus "iron_by_region" {name: array} and "reason_text"; infeasible points have NaN values
        and feasible == False.
    """
    if strategy not in _STRATEGIES:
        raise InputError("strategy", strategy, f"one of {sorted(_STRATEGIES)}")
    if int(n_scan) != n_scan or n_scan < 5:
        raise InputError("n_scan", n_scan, "an integer >= 5")
    sp, tq = np.asarray(speed, dtype=float), np.asarray(torque, dtype=float)
    if sp.shape != tq.shape:
        sp, tq = np.broadcast_arrays(sp, tq)
    shape = sp.shape
    if not np.isfinite(sp).all() or (sp < 0).any():
        raise InputError("speed", speed, "finite and >= 0 rad/s (the torque sign selects generating)")
    if not np.isfinite(tq).all():
        raise InputError("torque", torque, "finite")
    fm, p, lv, rc, lim, ac, hx = _pack(model)
    out, preg = solve_points_kernel(np.ascontiguousarray(sp.ravel()), np.ascontiguousarray(tq.ravel()),
                                    lim, _STRATEGIES[strategy], int(n_scan), *fm, p, lv, rc, ac, hx)
    # column c of out (point, column) as an array of the points' shape (``[c, ...]``: 0-d for one point)
    cols = out.T.reshape(out.shape[-1:] + shape)
    res = {name: cols[c, ...] for c, name in enumerate(OUT_NAMES)}
    res["feasible"] = res["feasible"] > 0.5
    res["reason"] = res["reason"].astype(int)
    regions = preg.T.reshape(preg.shape[-1:] + shape)
    res["iron_by_region"] = {name: regions[r, ...] for r, name in enumerate(loss_regions(model.fluxmap))}
    return res


def max_torque_envelope(fluxmap: FluxMap, params: LossParams, limits: Limits, speeds, n_scan: int = 24,
                        generating: bool = True) -> dict:
    """Torque-speed envelope: maximum motoring shaft torque and maximum generating torque magnitude.

    For each mechanical speed (rad/s) the shaft torque is maximised over i_d with i_q as large as
    the current circle and the voltage limit (including the R i drop) allow; this traces MTPA at
    low speed, flux weakening on the current circle, and MTPV where the voltage limit alone binds.
    With a power limit (``limits.p_max``) the torque is capped at P_max / w (the currents stay
    those of the unclipped maximum).
    Returns dict: speed (rad/s), torque_motoring, torque_generating (magnitudes, N m; NaN above
    speed_max; 0 where no torque is available), i_d_motoring, i_q_motoring, i_d_generating,
    i_q_generating (A peak), torque_motoring_unlimited, torque_generating_unlimited (without the
    power limit: what the motor reaches within its current and voltage limits). ``generating``
    False: the motoring side only (the generating entries are NaN; half the work).
    """
    model = _Bound(fluxmap, params, limits)
    sp = np.atleast_1d(np.asarray(speeds, dtype=float))
    if not np.all(np.isfinite(sp)) or np.any(sp < 0):
        raise InputError("speeds", speeds, "finite and >= 0 rad/s")
    fm, p, lv, rc, lim, _, _ = _pack(model)
    r = envelope_kernel(np.ascontiguousarray(sp), lim, int(n_scan), 2 if generating else 1, *fm, p, lv, rc)
    return {"speed": sp, "torque_motoring": r[:, 0], "i_d_motoring": r[:, 1], "i_q_motoring": r[:, 2],
            "torque_generating": r[:, 3], "i_d_generating": r[:, 4], "i_q_generating": r[:, 5],
            "torque_motoring_unlimited": r[:, 6], "torque_generating_unlimited": r[:, 7]}


_POWER_COLUMNS = {"torque_motoring": 0, "torque_motoring_unlimited": 6}


def peak_power_between(model, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                       max_evals: int = 30, n_scan: int = 24) -> float:
    """The largest T(w) w of the motoring envelope on [a, b] rad/s (``key``: "torque_motoring" or
    "torque_motoring_unlimited") by golden-section search in one kernel call: the same speeds and the
    same result as :func:`motoropt.drive.search.envelope_golden_power` over
    :func:`max_torque_envelope` at single speeds (n_scan as there), W."""
    if key not in _POWER_COLUMNS:
        raise InputError("key", key, f"one of {sorted(_POWER_COLUMNS)}")
    fm, p, lv, rc, lim, _, _ = _pack(_Bound(model.fluxmap, model.loss_params, model.limits))
    return float(golden_power_kernel(float(a), float(b), _POWER_COLUMNS[key], float(w_tol), int(max_evals), lim,
                                     int(n_scan), *fm, p, lv, rc))


def operating_point(model, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict:
    """One operating point (negative torque = generating) as a plain dict for the CLI and users.

    Keys: speed_rpm, torque_nm, motor_efficiency (fraction), id_a, iq_a (peak), current_rms_a (phase),
    voltage_ll_rms_v, vd_v, vq_v (peak), power_factor (signed, fundamental), p_mech_w, p_elec_w,
    torque_em_nm, losses_w {copper, iron, magnet, mechanical, total} (the harmonic parts included),
    harmonic_losses_w {copper, iron, magnet} (PWM carrier / over-modulation / six-step part),
    iron_by_region_w, modulation_index (2 V1 / u_dc of the fundamental), warnings (list of str).
    A point up to SPEED_TOLERANCE (2 %) above the speed limit is evaluated with the limit raised to
    it and a warning (a measured point may sit just above the nominal limit: ORNL's 2004 Prius map
    has 6005 rpm against 6000). Raises OperatingPointError when the point is outside the envelope.
    """
    for field, v in (("speed_rpm", speed_rpm), ("torque_nm", torque_nm)):
        if not (isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(v)):
            raise InputError(field, v, "a finite number")
    if speed_rpm < 0:
        raise InputError("speed_rpm", speed_rpm, ">= 0 (use a negative torque for generating)")
    w = speed_rpm * RPM_TO_RAD_S
    warnings = []
    w_max = model.limits.speed_max
    if w_max * (1.0 + 1e-12) < w <= w_max * (1.0 + SPEED_TOLERANCE):
        warnings.append(f"{speed_rpm:g} rpm is above the speed limit {w_max / RPM_TO_RAD_S:g} rpm "
                        f"(within {100 * SPEED_TOLERANCE:g} %): evaluated with the limit raised to it")
        model = dataclasses.replace(model, limits=dataclasses.replace(model.limits, speed_max=w))
    r = solve_operating_points(model, w, torque_nm, strategy=strategy)
    if not r["feasible"]:
        reason = REASONS[int(r["reason"])]
        if int(r["reason"]) == SPEED_LIMIT:
            raise OperatingPointError(
                f"{speed_rpm:g} rpm, {torque_nm:g} N m is outside the envelope ({reason}): "
                f"max speed is {model.limits.speed_max / RPM_TO_RAD_S:.0f} rpm")
        env = max_torque_envelope(model.fluxmap, model.loss_params, model.limits, [w])
        key = "torque_motoring" if torque_nm >= 0 else "torque_generating"
        kind = "motoring" if torque_nm >= 0 else "generating"
        raise OperatingPointError(
            f"{speed_rpm:g} rpm, {torque_nm:g} N m is outside the envelope ({reason}): "
            f"max {kind} torque at {speed_rpm:g} rpm is {float(env[key][0]):.1f} N m")
    f = lambda k: float(r[k])  # noqa: E731
    losses = {"copper": f("p_copper"), "iron": f("p_iron"), "magnet": f("p_magnet"), "mechanical": f("p_mechanical")}
    losses["total"] = sum(losses.values())
    v1 = math.hypot(f("v_d"), f("v_q"))
    return {
        "speed_rpm": float(speed_rpm), "torque_nm": float(torque_nm),
        "motor_efficiency": f("efficiency"), "id_a": f("i_d"), "iq_a": f("i_q"),
        "current_rms_a": f("i_rms"), "voltage_ll_rms_v": f("v_ll_rms"), "vd_v": f("v_d"), "vq_v": f("v_q"),
        "power_factor": f("power_factor"), "p_mech_w": f("p_mech"), "p_elec_w": f("p_elec"),
        "torque_em_nm": f("torque_em"), "losses_w": losses,
        "harmonic_losses_w": {"copper": f("p_harmonic_copper"), "iron": f("p_harmonic_iron"),
                              "magnet": f("p_harmonic_magnet")},
        "iron_by_region_w": {k: float(v) for k, v in r["iron_by_region"].items()},
        "modulation_index": 2.0 * v1 / model.limits.u_dc,
        "warnings": warnings,
    }
