"""Semiconductor losses of a two-level three-phase voltage-source inverter, per operating point.

Assumptions (SI units; temperatures in degC where named _c):
- sinusoidal phase current i(theta) = I_hat cos(theta - phi) with theta the angle of the phase-voltage
  fundamental; f_sw >> f_e (averaged over one switching period, then over the fundamental); the
  ripple current is neglected (losses use the fundamental current).
- modulation index m = 2 V_ph,peak / u_dc (linear up to 2/sqrt(3) for SVPWM and DPWM1).
- per-phase duty cycle d(theta) = 1/2 (1 + m cos(theta) + z(theta)), z the zero sequence:
  "svpwm": min-max injection z = -m (max + min)/2 of the three phase references; its conduction
  losses use the Graovac & Puerschel closed forms with third-harmonic injection m3 = -m/6
  (Infineon AN "IGBT Power Losses Calculation Using the Data-Sheet Parameters", 2009);
  "dpwm1": the phase with the largest |reference| is clamped to its rail (60 deg clamps centred on
  the phase-voltage peaks); conduction coefficients are integrated numerically over the
  fundamental (tables in phi, exact in m because d is affine in m), and the switching-loss factor is
  the numerically integrated share of |i|^K over the un-clamped intervals.
- IGBT position: conduction P_T = V0_T I a_T + r_T I^2 b_T, diode P_D = V0_D I a_D + r_D I^2 b_D with
  a_T = 1/(2 pi) + m cos(phi)/8, b_T = 1/8 + m cos(phi)/(3 pi) + m3 cos(3 phi)/(15 pi),
  a_D = 1/pi - a_T, b_D = 1/4 - b_T (SVPWM; AN eqs.).
- SiC MOSFET position (synchronous rectification): the channel conducts in both directions with the
  same R_DS(on): R I^2 (1/8 + m cos(phi)/(3 pi)) + R I^2 (1/8 - m cos(phi)/(3 pi)) = R I^2 / 4 for any
  zero sequence (the zero sequence is orthogonal to cos^2); the body diode conducts only during the
  dead time: 2 t_dead f_sw (V0_D I / pi + r_D I^2 / 4) (its channel share is removed from the channel
  loss); body-diode reverse recovery E_rr as a diode switching loss.
- switching per position: P_sw = f_sw E_ref(T_j) (I/I_ref)^K_i (u_dc/V_ref)^K_v G(K_i) k_mod,
  G(K) = (1/2 pi) int_{-pi/2}^{pi/2} cos^K = Gamma((K+1)/2) / (2 sqrt(pi) Gamma(K/2+1)) (= 1/pi for
  K = 1, the AN form), k_mod = 1 for SVPWM, < 1 for DPWM1 (computed).
- junction temperatures: steady state T_j = T_coolant + P R_th (network in
  :func:`motoropt.inverter.devices.R_th_junction_coolant`), solved by fixed-point iteration with the
  temperature-dependent V0, r, R_DS(on), E (linear in T_j between datasheet temperatures).
- inverter totals = 6 x per position (all six positions see the same averaged losses).
- not modelled: PWM current ripple and its extra motor losses (the motor model has no PWM-harmonic
  term, so changing f_sw moves loss only inside the inverter), the transient junction-temperature
  swing at low f_e (stall), gate-drive losses, over-modulation (m is clipped to the linear limit and
  the point flagged).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from motoropt.errors import InputError
from motoropt.inverter.devices import R_th_junction_coolant, get_device
from motoropt.jit import njit

MODULATIONS = ("svpwm", "dpwm1")
M_LINEAR_MAX = 2.0 / math.sqrt(3.0)  # linear-modulation limit of SVPWM and DPWM1
N_FIXED_POINT = 6

_N_THETA = 7200
_N_PHI = 721
_PHI = np.linspace(0.0, math.pi, _N_PHI)


def _theta_grid(n=_N_THETA):
    return (np.arange(n) + 0.5) * (2.0 * math.pi / n)


def _refs(theta):
    return np.stack([np.cos(theta), np.cos(theta - 2 * math.pi / 3), np.cos(theta + 2 * math.pi / 3)])


def duty_components(theta, modulation):
    """(alpha, g) with phase-a duty d = alpha(theta) + (m/2) g(theta) (d is affine in m).

    svpwm (min-max): alpha = 1/2, g = cos(theta) - (max + min)/2 of the three references.
    dpwm1: c* = reference of largest magnitude, alpha = (1 + sign c*)/2, g = cos(theta) - c*.
    """
    c = _refs(np.asarray(theta, dtype=float))
    if modulation == "svpwm":
        return np.full_like(c[0], 0.5), c[0] - 0.5 * (c.max(axis=0) + c.min(axis=0))
    if modulation == "dpwm1":
        k = np.abs(c).argmax(axis=0)
        cstar = np.take_along_axis(c, k[None, :], axis=0)[0]
        return 0.5 * (1.0 + np.sign(cstar)), c[0] - cstar
    raise InputError("inverter.modulation", modulation, f"one of {MODULATIONS}")


def clamped_mask(theta):
    """True where phase a is clamped under DPWM1 (|cos theta| is the largest of the three)."""
    c = _refs(np.asarray(theta, dtype=float))
    return np.abs(c).argmax(axis=0) == 0


@cache
def _conduction_tables(modulation):
    """A0, A1, B0, B1 on _PHI: a_T = A0 + m A1, b_T = B0 + m B1 (numerical, midpoint rule)."""
    th = _theta_grid()
    alpha, g = duty_components(th, modulation)
    out = np.empty((4, _N_PHI))
    for j, phi in enumerate(_PHI):
        ci = np.cos(th - phi)
        pos = ci > 0
        w1 = np.where(pos, ci, 0.0)
        w2 = w1 * ci
        out[0, j] = np.mean(alpha * w1)
        out[1, j] = np.mean(0.5 * g * w1)
        out[2, j] = np.mean(alpha * w2)
        out[3, j] = np.mean(0.5 * g * w2)
    return out


@cache
def _dpwm_switching_table(K):
    """k(phi) = share of int_{i>0} |cos(theta-phi)|^K falling in the un-clamped intervals (DPWM1)."""
    th = _theta_grid()
    free = ~clamped_mask(th)
    k = np.empty(_N_PHI)
    for j, phi in enumerate(_PHI):
        w = np.cos(th - phi)
        w = np.where(w > 0, w, 0.0) ** K
        k[j] = np.sum(w * free) / np.sum(w)
    return k


def dpwm1_switching_factor(cos_phi, K=1.0):
    """Fraction of SVPWM switching loss that DPWM1 keeps, as a function of cos(phi) (numerical)."""
    phi = np.arccos(np.clip(cos_phi, -1.0, 1.0))
    return np.interp(phi, _PHI, _dpwm_switching_table(float(K)))


def _gk(K):
    """G(K) = (1/2pi) int_{-pi/2}^{pi/2} cos^K dtheta."""
    return math.gamma((K + 1) / 2) / (2 * math.sqrt(math.pi) * math.gamma(K / 2 + 1))


def _tinterp(T, Ts, vals):
    """Linear interpolation in temperature with linear extrapolation beyond the end points."""
    Ts = np.asarray(Ts, dtype=float)
    vals = np.asarray(vals, dtype=float)
    if len(Ts) == 1:
        return np.full_like(T, vals[0])
    y = np.interp(T, Ts, vals)
    lo = T < Ts[0]
    if lo.any():  # (the extrapolations only where needed: this runs ~40 times per map)
        s0 = (vals[1] - vals[0]) / (Ts[1] - Ts[0])
        y = np.where(lo, vals[0] + s0 * (T - Ts[0]), y)
    hi = T > Ts[-1]
    if hi.any():
        s1 = (vals[-1] - vals[-2]) / (Ts[-1] - Ts[-2])
        y = np.where(hi, vals[-1] + s1 * (T - Ts[-1]), y)
    return np.maximum(y, 0.0)


@njit(cache=True, inline="always")
def _interp1(x, xp, fp):
    """numpy.interp(x, xp, fp) at one x inside [xp[0], xp[-1]], numpy's arithmetic: the node value at
    a node, else slope (x - xp[j]) + fp[j] with slope = (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])."""
    n = xp.shape[0]
    if x == xp[n - 1]:
        return fp[n - 1]
    lo, hi = 0, n - 1  # j: xp[j] <= x < xp[j+1]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    if xp[lo] == x:
        return fp[lo]
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    return slope * (x - xp[lo]) + fp[lo]


@njit(cache=True, inline="always")
def _tinterp1(T, Ts, vals):
    """:func:`_tinterp` at one temperature (the same operations)."""
    n = Ts.shape[0]
    if n == 1:
        return vals[0]
    if T < Ts[0]:
        y = vals[0] + (vals[1] - vals[0]) / (Ts[1] - Ts[0]) * (T - Ts[0])
    elif T > Ts[n - 1]:
        y = vals[n - 1] + (vals[n - 1] - vals[n - 2]) / (Ts[n - 1] - Ts[n - 2]) * (T - Ts[n - 1])
    elif T != T:
        y = T
    else:
        y = _interp1(T, Ts, vals)
    return max(y, 0.0) if y == y else y


@njit(cache=True)
def _junction_fixed_point(I, a_T, b_T, a_D, b_D, sw_T, sw_D, k_dt1, k_dt2, dt_frac, Tc, T_diode, V0_D, r_D, T_cond,
                          r_T, V0_T, T_sw, E_T, E_rr, R_ch, R_jc_T, R_jc_D, mosfet, n_iter):
    """The junction-temperature fixed point of :func:`position_losses`, point by point with its
    operations in its order: (p_cond_T, p_cond_D, p_sw_T, p_sw_D, T_j_T, T_j_D) (W, degC)."""
    out = np.empty((6, I.shape[0]))
    _junction_points(out, I, a_T, b_T, a_D, b_D, sw_T, sw_D, k_dt1, k_dt2, dt_frac, Tc, T_diode, V0_D, r_D, T_cond,
                     r_T, V0_T, T_sw, E_T, E_rr, R_ch, R_jc_T, R_jc_D, mosfet, n_iter)
    return out[0], out[1], out[2], out[3], out[4], out[5]


@njit(cache=True, _nrt=False)
def _junction_points(out, I, a_T, b_T, a_D, b_D, sw_T, sw_D, k_dt1, k_dt2, dt_frac, Tc, T_diode, V0_D, r_D, T_cond,
                     r_T, V0_T, T_sw, E_T, E_rr, R_ch, R_jc_T, R_jc_D, mosfet, n_iter):
    """:func:`_junction_fixed_point`'s loop, into out (6, n) (no reference counting: the inlined
    table look-ups would otherwise count references to their tables at every iteration)."""
    n = I.shape[0]
    for k in range(n):
        i = I[k]
        T_j_T = Tc[k] + 0.0
        T_j_D = Tc[k] + 0.0
        p_cT = p_cD = p_sT = p_sD = 0.0
        for _ in range(n_iter):
            V0D = _tinterp1(T_j_D, T_diode, V0_D)
            rD = _tinterp1(T_j_D, T_diode, r_D)
            rT = _tinterp1(T_j_T, T_cond, r_T)
            if mosfet:
                p_cT = rT * i**2 * (0.25 - dt_frac[k] * 0.25 * k_dt2[k])
                p_cD = dt_frac[k] * (V0D * i / math.pi * k_dt1[k] + rD * i**2 * 0.25 * k_dt2[k])
            else:
                V0T = _tinterp1(T_j_T, T_cond, V0_T)
                p_cT = V0T * i * a_T[k] + rT * i**2 * b_T[k]
                p_cD = V0D * i * a_D[k] + rD * i**2 * b_D[k]
            p_sT = sw_T[k] * _tinterp1(T_j_T, T_sw, E_T)
            p_sD = sw_D[k] * _tinterp1(T_j_D, T_sw, E_rr)
            P_T = p_cT + p_sT
            P_D = p_cD + p_sD
            T_case = Tc[k] + (P_T + P_D) * R_ch
            if mosfet:
                T_j_T = T_case + (P_T + P_D) * R_jc_T
                T_j_D = T_j_T
            else:
                T_j_T = T_case + P_T * R_jc_T
                T_j_D = T_case + P_D * R_jc_D
        out[0, k], out[1, k], out[2, k], out[3, k], out[4, k], out[5, k] = p_cT, p_cD, p_sT, p_sD, T_j_T, T_j_D


def conduction_coefficients(m, cos_phi, modulation):
    """(a_T, b_T, a_D, b_D) averaged conduction coefficients per position (see module docstring)."""
    m = np.asarray(m, dtype=float)
    c = np.clip(np.asarray(cos_phi, dtype=float), -1.0, 1.0)
    if modulation == "svpwm":
        m3 = -m / 6.0
        cos3 = 4.0 * c**3 - 3.0 * c
        a_T = 1.0 / (2 * math.pi) + m * c / 8.0
        b_T = 0.125 + m * c / (3 * math.pi) + m3 * cos3 / (15 * math.pi)
    elif modulation == "dpwm1":
        phi = np.arccos(c)
        A0, A1, B0, B1 = _conduction_tables("dpwm1")
        a_T = np.interp(phi, _PHI, A0) + m * np.interp(phi, _PHI, A1)
        b_T = np.interp(phi, _PHI, B0) + m * np.interp(phi, _PHI, B1)
    else:
        raise InputError("inverter.modulation", modulation, f"one of {MODULATIONS}")
    return a_T, b_T, 1.0 / math.pi - a_T, 0.25 - b_T


def _check(device, u_dc, f_sw, modulation, t_dead):
    dev = get_device(device)
    if modulation not in MODULATIONS:
        raise InputError("inverter.modulation", modulation, f"one of {MODULATIONS}")
    u = np.asarray(u_dc, dtype=float)
    if np.any(~np.isfinite(u)) or np.any(u <= 0):
        raise InputError("inverter.u_dc", float(np.min(u)), "> 0")
    if np.any(u > dev.u_dc_max * (1 + 1e-12)):
        raise InputError("inverter.u_dc", float(np.max(u)),
                         f"<= {dev.u_dc_max:g} V ({dev.u_dc_max_fraction:g} x {dev.V_rating:g} V rating of {dev.name})")
    f = np.asarray(f_sw, dtype=float)
    if np.any(f < dev.f_sw_min) or np.any(f > dev.f_sw_max) or np.any(~np.isfinite(f)):
        bad = float(f.flat[np.argmax((f < dev.f_sw_min) | (f > dev.f_sw_max) | ~np.isfinite(f))])
        raise InputError("inverter.f_sw", bad, f"within [{dev.f_sw_min:g}, {dev.f_sw_max:g}] Hz for {dev.name}")
    td = np.asarray(t_dead, dtype=float)
    if np.any(td < 0) or np.any(2 * td * f > 0.1):
        raise InputError("inverter.t_dead", float(np.max(td)), ">= 0 and 2 t_dead f_sw <= 0.1")
    return dev


def position_losses(i_peak, m, cos_phi, u_dc, f_sw, T_coolant_c, device, modulation="svpwm",
                    t_dead=0.0, cooling="water_cold_plate", n_iter=N_FIXED_POINT):
    """Averaged losses of ONE switch position (transistor + diode) and junction temperatures.

    Inputs broadcast against each other: i_peak (A, >= 0), m (modulation index, clipped to
    [0, 2/sqrt(3)]), cos_phi (signed; < 0 generating), u_dc (V), f_sw (Hz), T_coolant_c (degC),
    t_dead (s). Returns dict of arrays: p_cond_T, p_cond_D, p_sw_T, p_sw_D (W per position),
    T_j_T, T_j_D (degC). Validates u_dc, f_sw, t_dead, modulation, device (InputError naming the field).
    """
    dev = _check(device, u_dc, f_sw, modulation, t_dead)
    R_jc_T, R_jc_D, R_ch = R_th_junction_coolant(dev, cooling)
    I, m, c, u, f, Tc, td = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                                  (i_peak, m, cos_phi, u_dc, f_sw, T_coolant_c, t_dead)))
    I = np.abs(I)
    m = np.clip(m, 0.0, M_LINEAR_MAX)
    c = np.clip(c, -1.0, 1.0)
    a_T, b_T, a_D, b_D = conduction_coefficients(m, c, modulation)
    if modulation == "dpwm1":
        k_T = dpwm1_switching_factor(c, dev.K_i)
        k_D = dpwm1_switching_factor(c, dev.K_i_D)
        k_dt1 = dpwm1_switching_factor(c, 1.0)
        k_dt2 = dpwm1_switching_factor(c, 2.0)
    else:
        k_T = k_D = k_dt1 = k_dt2 = 1.0
    sw_T = f * (I / dev.I_ref) ** dev.K_i * (u / dev.V_ref) ** dev.K_v * _gk(dev.K_i) * k_T
    sw_D = f * (I / dev.I_ref) ** dev.K_i_D * (u / dev.V_ref) ** dev.K_v_D * _gk(dev.K_i_D) * k_D
    E_T = np.asarray(dev.E_on) + np.asarray(dev.E_off)
    mosfet = dev.kind == "sic_mosfet"
    dt_frac = 2.0 * td * f  # share of each switching period in dead time
    # a MOSFET's channel has no threshold V0_T: its slot takes r_T, which the kernel then never reads
    tables = tuple(np.ascontiguousarray(t, dtype=float) for t in
                   (dev.T_diode_c, dev.V0_D, dev.r_D, dev.T_cond_c, dev.r_T, dev.V0_T if not mosfet else dev.r_T,
                    dev.T_sw_c, E_T, dev.E_rr))
    per_point = np.broadcast_arrays(I, a_T, b_T, a_D, b_D, sw_T, sw_D, k_dt1, k_dt2, dt_frac, Tc)
    flat = tuple(np.ascontiguousarray(x, dtype=float).ravel() for x in per_point)
    res = _junction_fixed_point(*flat, *tables, float(R_ch), float(R_jc_T), float(R_jc_D), mosfet, max(1, n_iter))
    p_cT, p_cD, p_sT, p_sD, T_j_T, T_j_D = (x.reshape(I.shape) for x in res)
    return {"p_cond_T": p_cT, "p_cond_D": p_cD, "p_sw_T": p_sT, "p_sw_D": p_sD,
            "T_j_T": T_j_T, "T_j_D": T_j_D}


def inverter_losses(i_peak, m, cos_phi, u_dc, f_sw, T_coolant_c, device, modulation="svpwm",
                    t_dead=0.0, cooling="water_cold_plate", p_ac=None):
    """Per-position and inverter-total (x6) losses; efficiency if the AC power p_ac (W) is given.

    Returns position_losses' keys plus p_cond_T_inv, p_cond_D_inv, p_sw_T_inv, p_sw_D_inv, p_loss (W,
    inverter totals) and, with p_ac, eta: P_ac / P_dc motoring (p_ac > 0), P_dc / P_ac generating,
    with P_dc = P_ac + p_loss.
    """
    out = position_losses(i_peak, m, cos_phi, u_dc, f_sw, T_coolant_c, device, modulation, t_dead, cooling)
    for k in ("p_cond_T", "p_cond_D", "p_sw_T", "p_sw_D"):
        out[k + "_inv"] = 6.0 * out[k]
    out["p_loss"] = out["p_cond_T_inv"] + out["p_cond_D_inv"] + out["p_sw_T_inv"] + out["p_sw_D_inv"]
    if p_ac is not None:
        p_ac = np.asarray(p_ac, dtype=float)
        p_dc = p_ac + out["p_loss"]
        with np.errstate(divide="ignore", invalid="ignore"):
            eta = np.where(p_ac >= 0, p_ac / p_dc, p_dc / p_ac)
        out["p_dc"] = p_dc
        out["eta"] = np.where(np.abs(p_ac) > 0, eta, 0.0)
    return out


def max_phase_voltage_peak(u_dc, i_peak, device, modulation="svpwm", t_dead=0.0, f_sw=10e3, T_j_c=None):
    """Fundamental phase-voltage amplitude (V) the inverter can apply at current amplitude i_peak.

    V_max = u_dc / sqrt(3)                      (linear limit m = 2/sqrt(3), SVPWM and DPWM1)
            - (4/pi) V0 - r I                   (device drops: the pole loses V0 + r|i| with the sign
                                                 of the current; fundamental of V0 sign(i) is (4/pi) V0;
                                                 taken in phase with the voltage, i.e. conservative)
            - (4/pi) t_dead f_sw u_dc           (dead-time error: a square wave of height
                                                 t_dead f_sw u_dc opposing the current)
    with V0 = (V0_T + V0_D)/2, r = (r_T + r_D)/2 at T_j_c (default: the device's T_j_max_c); for a
    SiC MOSFET V0 = 0 and r = R_DS(on) (synchronous rectification). Clipped at 0.
    """
    dev = get_device(device)
    if modulation not in MODULATIONS:
        raise InputError("inverter.modulation", modulation, f"one of {MODULATIONS}")
    u = np.asarray(u_dc, dtype=float)
    I = np.abs(np.asarray(i_peak, dtype=float))
    T = np.asarray(dev.T_j_max_c if T_j_c is None else T_j_c, dtype=float)
    if dev.kind == "sic_mosfet":
        V0 = 0.0 * T
        r = _tinterp(T, dev.T_cond_c, dev.r_T)
    else:
        V0 = 0.5 * (_tinterp(T, dev.T_cond_c, dev.V0_T) + _tinterp(T, dev.T_diode_c, dev.V0_D))
        r = 0.5 * (_tinterp(T, dev.T_cond_c, dev.r_T) + _tinterp(T, dev.T_diode_c, dev.r_D))
    v = u / math.sqrt(3.0) - (4 / math.pi) * V0 - r * I - (4 / math.pi) * t_dead * f_sw * u
    return np.maximum(v, 0.0)


def inverter_operating_points(i_peak, v_ph_peak, cos_phi, f_e, u_dc, f_sw, T_coolant_c, device,
                              modulation="svpwm", t_dead=0.0, cooling="water_cold_plate"):
    """Inverter losses for a batch of motor operating points (the evaluation's entry point).

    i_peak: phase-current amplitude, A; v_ph_peak: phase-voltage fundamental amplitude at the motor
    terminals, V; cos_phi: displacement power factor (signed, < 0 generating); f_e: electrical
    frequency, Hz (checked >= 0; the averaged model assumes f_sw >> f_e); u_dc: DC-link voltage, V;
    f_sw: Hz; T_coolant_c: degC; device: name or PowerModule; modulation "svpwm" | "dpwm1";
    t_dead: s; cooling: "water_cold_plate" | "double_side_cooled" | "forced_air".
    Returns a dict of arrays (inverter totals in W): p_cond_T, p_cond_D, p_sw_T, p_sw_D, p_loss,
    T_j_T, T_j_D (degC), plus m (modulation index used), overmodulated (bool: m above the linear
    limit, losses evaluated at the limit), T_j_exceeded (bool vs the device's T_j_max_c), p_ac
    (= 1.5 v_ph_peak i_peak cos_phi, W) and p_dc (= p_ac + p_loss, W).
    """
    f_e = np.asarray(f_e, dtype=float)
    if np.any(f_e < 0) or np.any(~np.isfinite(f_e)):
        raise InputError("inverter.f_e", float(np.min(f_e)), ">= 0")
    u = np.asarray(u_dc, dtype=float)
    m = 2.0 * np.asarray(v_ph_peak, dtype=float) / u
    p_ac = 1.5 * np.asarray(v_ph_peak, dtype=float) * np.asarray(i_peak, dtype=float) * np.asarray(cos_phi, dtype=float)
    r = inverter_losses(i_peak, m, cos_phi, u_dc, f_sw, T_coolant_c, device, modulation, t_dead, cooling, p_ac=p_ac)
    dev = get_device(device)
    return {
        "p_cond_T": r["p_cond_T_inv"], "p_cond_D": r["p_cond_D_inv"],
        "p_sw_T": r["p_sw_T_inv"], "p_sw_D": r["p_sw_D_inv"], "p_loss": r["p_loss"],
        "T_j_T": r["T_j_T"], "T_j_D": r["T_j_D"],
        "m": np.broadcast_to(m, r["p_loss"].shape), "overmodulated": np.broadcast_to(m > M_LINEAR_MAX * (1 + 1e-9), r["p_loss"].shape),
        "T_j_exceeded": np.maximum(r["T_j_T"], r["T_j_D"]) > dev.T_j_max_c,
        "p_ac": np.broadcast_to(p_ac, r["p_loss"].shape), "p_dc": r["p_dc"],
    }
