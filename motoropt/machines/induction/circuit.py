"""Induction-machine equivalent circuit: parameters from the geometry and the steady-state solution.

Circuit (per phase, peak amplitude-invariant phasors in the synchronous frame, SI units):
T-circuit with a saturable magnetising branch and a parallel core-loss branch::

    v_s = (R_s + j w_e L_ss) i_s + e_m,    e_m = j w_e psi_m,
    0   = R_r(w_r) i_r + j w_r (L_rs(w_r, i_r) i_r + psi_m),      (rotor, referred to the stator)
    i_s = i_m(psi_m) + i_fe - i_r,         i_fe = e_m 2 P_fe,s / (3 |e_m|^2),

w_e = p w_m + w_r (w_r the slip angular frequency, signed: > 0 motoring), psi_m the air-gap
(magnetising) flux linkage taken as the real axis. Torque T_em = 1.5 p R_r |i_r|^2 / w_r (air-gap
power minus rotor copper loss over w_m), power P_elec = 1.5 Re(v_s i_s*) = P_cu,s + P_fe,s +
P_cu,r + w_m T_em exactly (tested). Given (T_em, w_r) everything is explicit:
|i_r|^2 = |T_em| |w_r| / (1.5 p R_r(w_r)) and psi_m = |i_r| |R_r + j w_r L_rs| / |w_r|, which is what the
loss-minimising control (:mod:`.control`) searches over.

Parameters from the geometry (sources):
- R_s: DC resistance of the stator winding with its mean turn length (as :class:`motoropt.machines.pmsm.design.
  Design`), temperature coefficient of the conductor, AC factor 1 + k_ac (f_e / 1 kHz)^2 (the
  PMSM's strand proximity model, reused).
- Rotor: bar and end-ring resistances referred to the stator with
  R_r' = (4 m (k_w1 N)^2 / Q_r) (R_bar + R_ring,seg / (2 sin^2(pi p / Q_r))) (Pyrhönen, Jokinen &
  Hrabovcová, *Design of Rotating Electrical Machines*, 2nd ed. 2014, eqs. 7.xx "cage rotor
  resistance"; the ring-segment current is I_bar / (2 sin(pi p / Q_r))). Inductances use the same
  ratio. Bar current per referred current: I_bar = (2 m k_w1 N / Q_r) I_r'.
- Skin effect in the bar inside the stack at the slip frequency, rectangular bar of height h in a
  slot of the same width (Field 1905, A. B. Field, "Eddy currents in large slot-wound conductors",
  Trans. AIEE 24; as in Pyrhönen eqs. 5.xx): xi = h sqrt(w_r mu0 / (2 rho)),
  k_R = xi (sinh 2xi + sin 2xi) / (cosh 2xi - cos 2xi), k_X = 3/(2 xi) (sinh 2xi - sin 2xi) /
  (cosh 2xi - cos 2xi) (series 1 + 4 xi^4/45, 1 - 8 xi^4/315 for small xi). The bar extensions and
  rings carry no skin effect (stated).
- Leakage: stator slot + tooth tip + end winding (:func:`motoropt.magnetics.analytic.
  leakage_inductance`, Pyrhönen eqs. 4.50/4.62) plus differential (air-gap harmonic) leakage
  sigma_ds L_m0 with sigma_ds = sum_{nu = 6k +- 1, nu > 1} (k_w,nu / (nu k_w1))^2 over the winding's
  MMF harmonics up to nu = 199 (Pyrhönen eq. 4.xx); rotor: bar slot permeance k_X h_bar / (3 b_bar), neck h_o / b_o
  (semi-closed) or a saturable closed bridge, end ring (Boldea & Nasar, *The Induction Machine
  Handbook*, CRC 2002, §6: lambda_er = 2.3 D_ring / (4 Q_r L sin^2(pi p/Q_r)) log10(4.7 D_ring /
  (h_ring + 2 w_ring))), rotor differential sigma_dr = (pi p / Q_r)^2 / sin^2(pi p / Q_r) - 1
  times L_m0. L_m0 is the unsaturated (air-gap only) magnetising inductance.
- Closed bridge (thickness h_b over a bar of width b_w): Ampère around the bar gives the bridge
  field H = I_bar / b_w, the bridge flux per length B(H) h_b from the steel's B-H curve, hence a
  current-dependent permeance lambda_b = B(I_bar / b_w) h_b / (mu0 I_bar): large while the bridge
  is unsaturated, falling as 1/I_bar once it saturates.
- Magnetising curve psi_m(i_m): for each psi_m the peak air-gap flux density
  B_g = psi_m / (k_w1 N (2/pi) tau_p L), tooth densities at one third of the tooth height from the
  narrow end, yoke densities from half the pole flux; magnetic voltages: gap g k_Cs k_Cr B_g / mu0
  (Carter on both sides), teeth H(B) h, yokes 0.5 H(B) times a pole pitch at the yoke mid-diameter
  (the 0.5 accounts for the sinusoidal flux along the yoke; Pyrhönen §3.x uses c ~ 0.3-0.7); the
  peak fundamental MMF F = (3/(pi p)) k_w1 N i_m covers the gap, the teeth and half of each yoke
  path. The flattening of the gap field by saturation is neglected (stated).
- Iron loss (Bertotti, the steel's kh/kc/ke, build factor 1.5 as for the PMSM): stator teeth and
  yoke at f_e with the densities above (parallel core-loss branch: taken from the supply); rotor
  tooth-tip pulsation loss from the stator slot openings (ripple beta B_g at the frequency
  Q_s w_m / 2 pi in the surface layer of depth tau_s / 2 pi, Heller-Hamata beta as in the PMSM
  design), taken from the shaft as a drag torque like the mechanical loss. The rotor iron loss at
  the slip frequency (a few hertz) is neglected (stated). Stray-load loss from MMF harmonics in the
  cage is not modelled (IEC 60034-2-1 allowances 0.5-2.5 % of input; stated).

Rotor tables (the FEA-derived circuit, :mod:`.fea`): instead of Field's factors and the bridge
permeance, R_r and L_rs (the whole rotor branch, ends included) are read from tables over the slip
angular frequency x = |w_r| and the referred rotor current amplitude I_r: bilinear in (ln x, I_r),
I_r clamped to the table's range; beyond the table's slip range the bar's skin-effect change
follows Field's factors from the nearest edge, R_r(x) = R_r(x_e) + R_bar (k_R(x) - k_R(x_e)) and
L_rs(x) = L_rs(x_e) + L_bar (k_X(x) - k_X(x_e)). Given (T_em, x), I_r solves
I_r^2 = |T_em| x / (1.5 p R_r(x, I_r)) by fixed point (:func:`rotor_current`; exact in one step
when R_r does not depend on I_r, as in the analytic circuit).
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

import numpy as np

from motoropt.jit import njit
from motoropt.materials import b_of_h_table

# packed circuit vector indices
(C_P, C_RS, C_KAC, C_LSS, C_RBAR, C_RREST, C_XI, C_LBAR, C_LRC, C_CLOSED, C_BRH, C_BRW, C_IBAR,
 C_KML, C_AHS, C_ACS, C_AES, C_AHP, C_ACP, C_AEP, C_QS, C_TB0, C_RROT, C_LSTK, C_GAP, C_KF, C_PSIMAX) = range(27)
N_CV = 27


@dataclass(frozen=True)
class CircuitParams:
    """Equivalent-circuit parameters of one induction machine (SI, peak phasors, per phase).

    p: pole pairs. R_s: stator phase resistance at the winding temperature (DC), Ohm. k_ac: AC factor
    coefficient (R_ac = R_s (1 + k_ac (f_e/1 kHz)^2)). L_ss: stator leakage (slot, tip, end,
    differential), H. R_bar: referred bar resistance inside the stack at the rotor temperature (DC),
    Ohm; R_rest: referred resistance of bar extensions and end rings, Ohm; xi_coeff: skin parameter
    xi = xi_coeff sqrt(|w_r|). L_bar: referred bar slot leakage (multiplied by k_X), H; L_rc:
    referred constant rotor leakage (neck or none, ring, differential), H. closed: closed slots;
    bridge_h, bridge_w: bridge thickness and width, m; i_bar_ratio: peak bar current per peak
    referred rotor current; k_mu_l: referral factor x mu0 x L (H per unit permeance). Iron-loss
    coefficients: stator P = ahs f psi^2 + acs f^2 psi^2 + aes (f psi)^1.5 (f = f_e); rotor pulsation
    the same with ah_p, ac_p, ae_p at f = Q_s w_m / 2 pi. Mechanical: T_b0 (N m), windage geometry.
    psi_tab, im_tab: magnetising curve (peak flux linkage Wb, peak magnetising current A).
    L_m0: unsaturated magnetising inductance, H. ring_fraction_dc: ring share of the DC rotor
    resistance (for splitting the rotor loss into bars and rings). rotor_x (n_x >= 2, rad/s,
    increasing), rotor_I (n_i >= 1, A peak, increasing), rotor_R, rotor_L (n_i, n_x; Ohm, H): the
    rotor tables (module docstring) replacing Field's factors and the bridge permeance; None: the
    analytic rotor branch. source: "analytic" or "fea" (where the magnetising curve, L_ss and the
    rotor branch come from).
    """

    p: int
    R_s: float
    k_ac: float
    L_ss: float
    R_bar: float
    R_rest: float
    xi_coeff: float
    L_bar: float
    L_rc: float
    closed: bool
    bridge_h: float
    bridge_w: float
    i_bar_ratio: float
    k_mu_l: float
    ahs: float
    acs: float
    aes: float
    ah_p: float
    ac_p: float
    ae_p: float
    Q_s: int
    T_b0: float
    rotor_radius: float
    stack_length: float
    air_gap: float
    windage_k_f: float
    psi_tab: np.ndarray
    im_tab: np.ndarray
    L_m0: float
    ring_fraction_dc: float
    bh_H: np.ndarray
    bh_B: np.ndarray
    rotor_x: np.ndarray | None = None
    rotor_I: np.ndarray | None = None
    rotor_R: np.ndarray | None = None
    rotor_L: np.ndarray | None = None
    source: str = "analytic"

    def rotor_table(self) -> np.ndarray:
        """The rotor tables packed for the kernels: [n_x, n_i, ln x (n_x), I (n_i), R (n_i n_x),
        L (n_i n_x)], or [0] for the analytic rotor branch."""
        if self.rotor_x is None:
            return np.zeros(1)
        x, I = np.asarray(self.rotor_x, float), np.asarray(self.rotor_I, float)
        R, L = np.asarray(self.rotor_R, float), np.asarray(self.rotor_L, float)
        if (x.ndim != 1 or x.size < 2 or np.any(np.diff(x) <= 0) or x[0] <= 0 or I.ndim != 1 or I.size < 1
                or np.any(np.diff(I) <= 0) or R.shape != (I.size, x.size) or L.shape != R.shape
                or not (np.all(np.isfinite(R)) and np.all(np.isfinite(L)))):
            raise ValueError("rotor tables: x increasing > 0 (n_x >= 2), I increasing, R and L finite (n_i, n_x)")
        return np.concatenate(([x.size, I.size], np.log(x), I, R.ravel(), L.ravel()))

    def pack(self) -> np.ndarray:
        cv = np.zeros(N_CV)
        cv[C_P] = self.p
        cv[C_RS] = self.R_s
        cv[C_KAC] = self.k_ac
        cv[C_LSS] = self.L_ss
        cv[C_RBAR] = self.R_bar
        cv[C_RREST] = self.R_rest
        cv[C_XI] = self.xi_coeff
        cv[C_LBAR] = self.L_bar
        cv[C_LRC] = self.L_rc
        cv[C_CLOSED] = 1.0 if self.closed else 0.0
        cv[C_BRH] = self.bridge_h
        cv[C_BRW] = self.bridge_w
        cv[C_IBAR] = self.i_bar_ratio
        cv[C_KML] = self.k_mu_l
        cv[C_AHS], cv[C_ACS], cv[C_AES] = self.ahs, self.acs, self.aes
        cv[C_AHP], cv[C_ACP], cv[C_AEP] = self.ah_p, self.ac_p, self.ae_p
        cv[C_QS] = self.Q_s
        cv[C_TB0] = self.T_b0
        cv[C_RROT] = self.rotor_radius
        cv[C_LSTK] = self.stack_length
        cv[C_GAP] = self.air_gap
        cv[C_KF] = self.windage_k_f
        cv[C_PSIMAX] = float(self.psi_tab[-1])
        return cv


# ----------------------------------------------------------------------------- kernels

@njit(cache=True, _nrt=False)
def skin_factors(xi):
    """Field's resistance and inductance factors (k_R, k_X) of a rectangular bar, xi >= 0."""
    if xi < 0.05:
        x4 = xi ** 4
        return 1.0 + 4.0 * x4 / 45.0, 1.0 - 8.0 * x4 / 315.0
    a = 2.0 * xi
    if a > 40.0:
        return xi, 1.5 / xi
    ch = math.cosh(a)
    c = math.cos(a)
    d = ch - c
    return xi * (math.sinh(a) + math.sin(a)) / d, 1.5 / xi * (math.sinh(a) - math.sin(a)) / d


@njit(cache=True, inline="always")
def _interp(x, xs, ys):
    n = xs.shape[0]
    if x <= xs[0]:
        return ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
    if x >= xs[n - 1]:
        return ys[n - 1] + (x - xs[n - 1]) * (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2])
    k = np.searchsorted(xs, x, side="right") - 1
    t = (x - xs[k]) / (xs[k + 1] - xs[k])
    return ys[k] + t * (ys[k + 1] - ys[k])


@njit(cache=True, inline="always")
def iron_stator(cv, f, psi):
    """Stator iron loss (teeth + yoke) at |f| (Hz) and air-gap flux linkage psi (Wb), W."""
    f = abs(f)
    fp = f * psi
    return psi * psi * f * (cv[C_AHS] + cv[C_ACS] * f) + cv[C_AES] * fp * math.sqrt(fp)


@njit(cache=True, inline="always")
def iron_pulsation(cv, w_m, psi):
    """Rotor tooth-tip pulsation loss from the stator slot openings, W."""
    f = cv[C_QS] * abs(w_m) / (2.0 * math.pi)
    fp = f * psi
    return psi * psi * f * (cv[C_AHP] + cv[C_ACP] * f) + cv[C_AEP] * fp * math.sqrt(fp)


@njit(cache=True, inline="always")
def rotor_rl(cv, kR, kX, I_r, bhH, bhB):
    """(R_r, L_rs) from the skin factors (k_R, k_X) and the referred rotor current amplitude I_r
    (A peak; used by the closed-bridge permeance only)."""
    R = cv[C_RBAR] * kR + cv[C_RREST]
    L = cv[C_LBAR] * kX + cv[C_LRC]
    if cv[C_CLOSED] > 0.5:
        Ib = cv[C_IBAR] * I_r
        if Ib > 1e-9:
            B = b_of_h_table(Ib / cv[C_BRW], bhH, bhB)
            lam = B * cv[C_BRH] / (4e-7 * math.pi * Ib)
        else:
            lam = (bhB[1] / bhH[1]) * cv[C_BRH] / (4e-7 * math.pi * cv[C_BRW])
        L += cv[C_KML] * lam
    return R, L


@njit(cache=True, inline="always")
def _rotor_x_cell(cv, rt, x):
    """The slip part of :func:`_rotor_table` at slip magnitude x: (cell j, fraction t in ln x, and
    Field's skin-effect change (dR, dL) beyond the tabulated slip range, 0 inside it)."""
    nx = int(rt[0])
    u = math.log(x)
    if u <= rt[2]:
        j, t, xe = 0, 0.0, math.exp(rt[2])
    elif u >= rt[1 + nx]:
        j, t, xe = nx - 2, 1.0, math.exp(rt[1 + nx])
    else:
        j = 0
        while rt[3 + j] < u:
            j += 1
        t = (u - rt[2 + j]) / (rt[3 + j] - rt[2 + j])
        xe = x
    dR = dL = 0.0
    if xe != x:
        kR, kX = skin_factors(cv[C_XI] * math.sqrt(x))
        kRe, kXe = skin_factors(cv[C_XI] * math.sqrt(xe))
        dR = cv[C_RBAR] * (kR - kRe)
        dL = cv[C_LBAR] * (kX - kXe)
    return j, t, dR, dL


@njit(cache=True, inline="always")
def _rotor_table_at(rt, j, t, dR, dL, I_r):
    """(R_r, L_rs) of :func:`_rotor_table` in the slip cell of :func:`_rotor_x_cell`."""
    nx = int(rt[0])
    ni = int(rt[1])
    o_i = 2 + nx
    o_r = o_i + ni
    o_l = o_r + ni * nx
    if ni == 1 or I_r <= rt[o_i]:
        k, s = 0, 0.0
    elif I_r >= rt[o_i + ni - 1]:
        k, s = ni - 2, 1.0
    else:
        k = 0
        while rt[o_i + k + 1] < I_r:
            k += 1
        s = (I_r - rt[o_i + k]) / (rt[o_i + k + 1] - rt[o_i + k])
    k1 = k + 1 if ni > 1 else k
    a00, a01 = k * nx + j, k * nx + j + 1
    a10, a11 = k1 * nx + j, k1 * nx + j + 1
    R = ((1.0 - s) * ((1.0 - t) * rt[o_r + a00] + t * rt[o_r + a01])
         + s * ((1.0 - t) * rt[o_r + a10] + t * rt[o_r + a11]))
    L = ((1.0 - s) * ((1.0 - t) * rt[o_l + a00] + t * rt[o_l + a01])
         + s * ((1.0 - t) * rt[o_l + a10] + t * rt[o_l + a11]))
    return R + dR, L + dL  # + 0.0 inside the slip range


@njit(cache=True, _nrt=False)
def _rotor_table(cv, rt, x, I_r):
    """(R_r, L_rs) from the packed rotor tables ``rt`` (:meth:`CircuitParams.rotor_table`; module
    docstring): bilinear in (ln x, I_r), I_r clamped, Field's skin-effect change beyond the slip range."""
    j, t, dR, dL = _rotor_x_cell(cv, rt, x)
    return _rotor_table_at(rt, j, t, dR, dL, I_r)


@njit(cache=True, _nrt=False)
def rotor_branch(cv, rt, x, I_r, bhH, bhB):
    """(R_r, L_rs) referred rotor resistance and leakage at slip |w_r| = x (rad/s) and referred rotor
    current amplitude I_r (A peak): the rotor tables ``rt`` if given (rt[0] > 0), else Field's
    factors and the bridge permeance (:func:`rotor_rl`)."""
    if rt[0] > 0.5:
        return _rotor_table(cv, rt, x, I_r)
    kR, kX = skin_factors(cv[C_XI] * math.sqrt(x))
    return rotor_rl(cv, kR, kX, I_r, bhH, bhB)


@njit(cache=True, inline="always")
def slip_state(cv, rt, x):
    """What the rotor branch needs of slip magnitude x alone, computed once for all the rotor currents
    evaluated at one slip (the drag fixed point, then the circuit): (k_R, k_X, j, t, dR, dL),
    Field's factors for the analytic branch (rt[0] < 0.5), else the table's slip cell
    (:func:`_rotor_x_cell`); the other branch's entries are zeros."""
    if rt[0] < 0.5:
        kR, kX = skin_factors(cv[C_XI] * math.sqrt(x))
        return kR, kX, 0, 0.0, 0.0, 0.0
    j, t, dR, dL = _rotor_x_cell(cv, rt, x)
    return 0.0, 0.0, j, t, dR, dL


@njit(cache=True, _nrt=False)
def rotor_current(cv, rt, x, T_abs, bhH, bhB):
    """(I_r, R_r, L_rs) at slip magnitude x (rad/s) and air-gap torque magnitude T_abs (N m):
    I_r^2 = T_abs x / (1.5 p R_r(x, I_r)) (fixed point, 4 steps with tables; the analytic R_r does
    not depend on I_r: exact in one)."""
    return rotor_current_k(cv, rt, x, T_abs, bhH, bhB, slip_state(cv, rt, x))


@njit(cache=True, inline="always")
def rotor_current_k(cv, rt, x, T_abs, bhH, bhB, ss):
    """:func:`rotor_current` with the slip's :func:`slip_state` ss given."""
    p = cv[C_P]
    kR, kX, j, t, dR, dL = ss
    if rt[0] < 0.5:
        I_r = math.sqrt(T_abs * x / (1.5 * p * (cv[C_RBAR] * kR + cv[C_RREST])))
        R, L = rotor_rl(cv, kR, kX, I_r, bhH, bhB)
        return I_r, R, L
    R, L = _rotor_table_at(rt, j, t, dR, dL, 0.0)
    I_r = math.sqrt(T_abs * x / (1.5 * p * R))
    for _ in range(4):
        R, L = _rotor_table_at(rt, j, t, dR, dL, I_r)
        I_r = math.sqrt(T_abs * x / (1.5 * p * R))
    return I_r, R, L


@njit(cache=True, _nrt=False)
def circuit_point(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T_em, x):
    """Steady state at mechanical speed w_m (rad/s, >= 0), air-gap torque T_em (N m, signed) and
    slip magnitude x = |w_r| > 0 (rad/s; w_r takes the sign of T_em); ``rt`` the packed rotor
    tables (:meth:`CircuitParams.rotor_table`; [0]: analytic rotor branch).

    Returns (ok, i_s, v_s, psi_m, psi_r_angle, I_r, P_cu_s, P_cu_r, P_fe_s, R_r, w_e): ok False when
    psi_m exceeds the magnetising table; i_s, v_s complex peak phasors with psi_m on the real axis.
    """
    return circuit_point_k(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T_em, x, slip_state(cv, rt, x))


@njit(cache=True, inline="always")
def circuit_point_k(cv, psi_tab, im_tab, bhH, bhB, rt, w_m, T_em, x, ss):
    """:func:`circuit_point` with the slip's :func:`slip_state` ss given."""
    p = cv[C_P]
    sgn = 1.0 if T_em >= 0.0 else -1.0
    wr = sgn * x
    we = p * w_m + wr
    I_r, R, L = rotor_current_k(cv, rt, x, abs(T_em), bhH, bhB, ss)
    psi = I_r * math.sqrt(R * R + x * x * L * L) / x
    ok = psi <= cv[C_PSIMAX]
    i_r = -1j * wr * psi / (R + 1j * wr * L)
    i_m = _interp(psi, psi_tab, im_tab)
    f_e = we / (2.0 * math.pi)
    p_fe = iron_stator(cv, f_e, psi)
    i_fe = 0j
    if psi > 0.0 and we != 0.0:
        i_fe = 1j * p_fe / (1.5 * we * psi)
    i_s = i_m + i_fe - i_r
    r = f_e / 1000.0
    R_s = cv[C_RS] * (1.0 + cv[C_KAC] * r * r)
    v_s = (R_s + 1j * we * cv[C_LSS]) * i_s + 1j * we * psi
    psi_r = psi + L * i_r
    ang = cmath.phase(psi_r)
    p_cus = 1.5 * R_s * (i_s.real * i_s.real + i_s.imag * i_s.imag)
    p_cur = 1.5 * R * I_r * I_r
    return ok, i_s, v_s, psi, ang, I_r, p_cus, p_cur, p_fe, R, we


# ----------------------------------------------------------------------------- Chapman-style closed form

def solve_fixed_circuit(V_ll_rms, f_hz, poles, R1, X1, R2, X2, XM, slip, P_rot=0.0):
    """Classical constant-parameter T-circuit (per-phase rms, Y connection), closed form.

    Returns dict: I1 (complex A rms), pf, P_in, P_ag, P_conv, T_ind, P_out, efficiency, speed_rpm,
    T_max, s_max (Thevenin breakdown torque). Rotational loss P_rot is subtracted from P_conv (as in
    Chapman, *Electric Machinery Fundamentals*, ch. 6/7).
    """
    V = V_ll_rms / math.sqrt(3.0)
    ws = 4.0 * math.pi * f_hz / poles
    Z2 = R2 / slip + 1j * X2
    ZF = 1j * XM * Z2 / (1j * XM + Z2)
    I1 = V / (R1 + 1j * X1 + ZF)
    P_in = 3.0 * V * abs(I1) * math.cos(-cmath.phase(I1))
    P_ag = 3.0 * abs(I1) ** 2 * ZF.real
    P_conv = (1.0 - slip) * P_ag
    T_ind = P_ag / ws
    P_out = P_conv - P_rot
    Vth = V * XM / abs(R1 + 1j * (X1 + XM))
    Zth = (1j * XM) * (R1 + 1j * X1) / (R1 + 1j * (X1 + XM))
    s_max = R2 / math.sqrt(Zth.real ** 2 + (Zth.imag + X2) ** 2)
    T_max = 3.0 * Vth ** 2 / (2.0 * ws * (Zth.real + math.sqrt(Zth.real ** 2 + (Zth.imag + X2) ** 2)))
    return {"I1": I1, "pf": math.cos(cmath.phase(I1)), "P_in": P_in, "P_ag": P_ag, "P_conv": P_conv,
            "T_ind": T_ind, "P_out": P_out, "efficiency": P_out / P_in,
            "speed_rpm": (1.0 - slip) * 120.0 * f_hz / poles, "T_max": T_max, "s_max": s_max}
