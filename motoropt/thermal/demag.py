"""Demagnetisation check: worst-case field in the magnet against its knee field at temperature.

Magnetic circuit (one pole; SI units). A magnet of thickness h_m (along its magnetisation), recoil
permeability mu_r and remanence Br feeds an effective air gap g_eff (Carter factor and iron
saturation folded in) whose cross-section is A_g; the magnet face area is A_m, area_ratio
k_a = A_m / A_g (> 1 for flux-concentrating IPM rotors, ~1 for SPM). Iron is infinitely permeable
and leakage (bridges, end effects) is neglected. The stator d-axis MMF per pole F_d (A-turns,
positive = demagnetising, i.e. for i_d < 0) acts in the loop.

  flux continuity:      B_g A_g = B_m A_m                      ->  B_g = k_a B_m
  recoil line:          B_m = Br + mu0 mu_r H_m                (valid above the knee)
  Ampere (one pole):    H_m h_m + H_g g_eff = -F_d,   H_g = B_g / mu0
  =>  H_m = -(k_a Br g_eff / mu0 + F_d) / (h_m + k_a mu_r g_eff)          (A/m, < 0: demagnetising)

Check: F_d = 0, k_a = 1 gives B_m = Br h_m / (h_m + mu_r g), the textbook load line.

Stator MMF per pole (fundamental, balanced three-phase winding, amplitude-invariant peak current
i_d): F_d = (3/2)(4/pi)(k_w N_s / (2 p)) |i_d| = (3/pi) k_w N_s |i_d| / p, N_s series turns per
phase (Hendershot & Miller, Design of Brushless PM Motors, ch. 4; any machine-design text).

Criterion: the magnet is safe if |H_m| k_c < H_knee(T) = knee_factor x HcJ(T) everywhere, with
HcJ(T) = HcJ(20) (1 + alpha_HcJ (T - 20)). knee_factor 0.9 follows the squareness of sintered
NdFeB datasheets (H_k at J = 0.9 Br is >= ~0.9 HcJ); k_c is a field-concentration factor for
magnet corners and edges next to the air gap (1.0 = mean field over the magnet; 1.2-1.5 is
typical of FEA corner values in IPM rotors; an assumption to be calibrated by FEA). With k_c the
criterion approximates "no magnet volume below the knee". margin = (H_knee - k_c |H_m|) / H_knee;
positive = safe. Ferrite magnets (alpha_HcJ > 0) must be checked at the coldest temperature.

Worst-case current: (a) the peak negative d-axis current of the flux-weakening operating points
(from the drive model), (b) a sudden three-phase short circuit, whose d-current transient follows
from the dq equations (see :func:`short_circuit_peak_id`).
"""

from __future__ import annotations

import math

import numpy as np

from motoropt.constants import MU0
from motoropt.errors import InputError
from motoropt.jit import njit


def stator_d_mmf(i_d: float, turns_series: float, winding_factor: float, pole_pairs: int) -> float:
    """Fundamental stator MMF per pole (A-turns) of a d-axis current i_d (A peak): (3/pi) k_w N_s |i_d| / p."""
    return 3.0 / math.pi * winding_factor * turns_series * abs(i_d) / pole_pairs


def magnet_field(Br: float, mu_r: float, h_m: float, g_eff: float, area_ratio: float, F_d: float) -> float:
    """Field in the magnet H_m (A/m; negative = opposing the magnetisation) from the one-pole
    magnetic circuit of the module docstring:

        H_m = -(k_a Br g_eff / mu0 + F_d) / (h_m + k_a mu_r g_eff)

    Br (T) at the magnet temperature; mu_r recoil permeability; h_m magnet thickness (m); g_eff
    effective gap (m); area_ratio k_a = A_m / A_g; F_d stator d-axis MMF per pole (A-turns,
    positive = demagnetising).
    """
    for name, v in (("Br", Br), ("mu_r", mu_r), ("h_m", h_m), ("g_eff", g_eff), ("area_ratio", area_ratio)):
        if not v > 0:
            raise InputError(f"demag.{name}", v, "> 0")
    return -(area_ratio * Br * g_eff / MU0 + F_d) / (h_m + area_ratio * mu_r * g_eff)


def hcj_at(HcJ_20: float, alpha_hcj: float, T_c: float) -> float:
    """HcJ(T) = HcJ(20 degC) (1 + alpha (T - 20)), A/m (alpha in 1/K, e.g. -0.005)."""
    return HcJ_20 * (1.0 + alpha_hcj * (T_c - 20.0))


def br_at(Br_20: float, alpha_br: float, T_c: float) -> float:
    """Br(T) = Br(20 degC) (1 + alpha (T - 20)), T."""
    return Br_20 * (1.0 + alpha_br * (T_c - 20.0))


def demag_margin(H_m: float, HcJ: float, knee_factor: float = 0.9, corner_factor: float = 1.0) -> float:
    """(H_knee - k_c |H_m|) / H_knee with H_knee = knee_factor HcJ; positive = safe."""
    if not HcJ > 0:
        return -math.inf
    H_knee = knee_factor * HcJ
    return (H_knee - corner_factor * abs(min(H_m, 0.0))) / H_knee


def expm2(M: np.ndarray) -> np.ndarray:
    """Matrix exponential of a real 2 x 2 matrix in closed form: with s = tr(M)/2 and N = M - s I
    (traceless, so N^2 = -det(N) I = q^2 I), e^M = e^s (cosh q I + sinh(q)/q N) for q^2 >= 0 and
    e^s (cos w I + sin(w)/w N), w^2 = -q^2, for complex eigenvalues (the series terms, exact)."""
    (m00, m01), (m10, m11) = np.asarray(M, dtype=float).tolist()
    s = 0.5 * (m00 + m11)
    n00, n11 = m00 - s, m11 - s  # N = M - s I (scalars: 2 x 2 NumPy calls cost more than the arithmetic)
    q2 = -(n00 * n11 - m01 * m10)
    if q2 >= 0.0:
        q = math.sqrt(q2)
        c, k = math.cosh(q), (math.sinh(q) / q if q > 1e-8 else 1.0 + q2 / 6.0)
    else:
        w = math.sqrt(-q2)
        c, k = math.cos(w), (math.sin(w) / w if w > 1e-8 else 1.0 + q2 / 6.0)
    e = math.exp(s)
    return np.array([[e * (c + k * n00), e * (k * m01)], [e * (k * m10), e * (c + k * n11)]])


def short_circuit_peak_id(psi_pm: float, L_d: float, L_q: float, R_s: float, omega_e: float,
                          i_d0: float = 0.0, i_q0: float = 0.0, n_periods: float = 20.0,
                          points_per_period: int = 400):
    """Most negative d-axis current after a sudden three-phase short circuit at constant electrical
    speed omega_e (rad/s), from the linear dq equations with v_d = v_q = 0:

        L_d di_d/dt = -R i_d + omega L_q i_q
        L_q di_q/dt = -R i_q - omega L_d i_d - omega psi_pm

    starting from (i_d0, i_q0) (0, 0 = short from no load). Solved exactly on a uniform grid with the
    matrix exponential (x_{k+1} = x_ss + e^{A dt}(x_k - x_ss), a numba loop); assumes constant inductances (no
    saturation) and constant speed. For R = 0, L_d = L_q = L from no load the exact answer is
    i_d(t) = -(psi/L)(1 - cos omega t), peak -2 psi/L; the steady short-circuit current is
    i_d,ss = -psi omega^2 L_q / (R^2 + omega^2 L_d L_q).
    Returns (i_d_min, i_d_steady) in A.
    """
    if not (L_d > 0 and L_q > 0 and R_s >= 0):
        raise InputError("short_circuit", (L_d, L_q, R_s), "L_d, L_q > 0 and R_s >= 0")
    w = omega_e
    a00, a01, a10, a11 = -R_s / L_d, w * L_q / L_d, -w * L_d / L_q, -R_s / L_q  # A (scalars: 2 x 2)
    b1 = -w * psi_pm / L_q  # b = (0, b1)
    den = R_s**2 + w**2 * L_d * L_q
    x0, x1 = (-psi_pm * w**2 * L_q / den, -psi_pm * w * R_s / den) if den > 0 else (0.0, 0.0)
    assert max(abs(a00 * x0 + a01 * x1), abs(a10 * x0 + a11 * x1 + b1)) <= 1e-9 * max(1.0, abs(b1))  # A x_ss + b = 0
    T_e = 2 * math.pi / abs(w) if w != 0 else 1.0
    dt = T_e / points_per_period
    n = int(n_periods * points_per_period)
    E = expm2(np.array([[a00 * dt, a01 * dt], [a10 * dt, a11 * dt]]))  # exact one-step propagator
    i_min = _min_id_propagated(E, float(i_d0) - x0, float(i_q0) - x1, n) + x0
    return float(min(i_d0, i_min)), float(x0)


@njit(cache=True, _nrt=False)
def _min_id_propagated(E, x0, y0, n):
    """min over k = 1..n of the first component of E^k (x0, y0)."""
    x, y = x0, y0
    m = np.inf
    for _ in range(n):
        x, y = E[0, 0] * x + E[0, 1] * y, E[1, 0] * x + E[1, 1] * y
        if x < m:
            m = x
    return m


def demag_check(Br_20: float, alpha_br: float, HcJ_20: float, alpha_hcj: float, T_magnet_c: float,
                mu_r: float, h_m: float, g_eff: float, area_ratio: float, F_d: float,
                knee_factor: float = 0.9, corner_factor: float = 1.0) -> dict:
    """Demagnetisation margin of a magnet at temperature T_magnet_c under stator MMF F_d.

    Returns dict(H_m A/m, H_knee A/m, Br T, HcJ A/m, margin, ok). Criterion: module docstring.
    """
    Br = br_at(Br_20, alpha_br, T_magnet_c)
    HcJ = hcj_at(HcJ_20, alpha_hcj, T_magnet_c)
    H_m = magnet_field(Br, mu_r, h_m, g_eff, area_ratio, F_d)
    m = demag_margin(H_m, HcJ, knee_factor, corner_factor)
    return {"H_m": H_m, "H_knee": knee_factor * HcJ, "Br": Br, "HcJ": HcJ, "margin": m, "ok": m > 0}
