"""Losses of a PMSM at an operating point: copper, iron by region, magnet eddy current, mechanical.

All powers in W, currents A peak (amplitude-invariant dq), speeds rad/s, frequencies Hz.

Models and their stated assumptions
-----------------------------------
Copper:  P_cu = 1.5 R_ac I^2 with I = hypot(i_d, i_q) (peak) and
         R_ac = R_s_20 (1 + alpha_R (T_winding_c - 20)) (1 + k_ac r^2 + k_circ r^2 / (1 + (f_e/f_circ)^2)),
         r = f_e / f_ref, f_ref = 1000 Hz; k_circ: circulating currents between non-transposed parallel
         strands (:mod:`motoropt.machines.common`), inductance-limited above f_circ.
         The (f_e/f_ref)^2 term is the low-frequency expansion of the strand skin/proximity effect
         (Dowell 1966, Proc. IEE 113(8); valid while strands are thin against the skin depth); k_ac
         is supplied by the caller (computed from strand size and conductors per slot).
Iron:    per region r, Bertotti's separation (W/kg, f in Hz, B peak in T)
         p = kh f B^2 + kc f^2 B^2 + ke (f B)^1.5,
         P_r = k_build_r m_r p(f_r, B_r), with B_r the FluxMap's peak fundamental flux density at the
         operating (i_d, i_q) and f_r = region_freq_factor_r f_e (1 for the stator; a rotor region
         whose B_iron holds a harmonic amplitude uses that harmonic's frequency ratio). k_build covers
         punching/stacking damage and the flux-density harmonics that a fundamental model misses
         (stated, typically 1.3-1.8).
Magnet:  eddy currents from the stator slot-ripple field,
         P_mag = magnet_eddy_coeff (f_e / 1000 Hz)^2 (|psi| / psi_pm)^magnet_eddy_load_exp,
         |psi| = hypot(psi_d, psi_q): the ripple amplitude scales with the air-gap flux density, so the
         physical exponent is 2 (default). magnet_eddy_coeff (W at f_e = 1 kHz, no load) comes from
         :func:`magnet_eddy_coefficient` (resistance-limited thin-plate loss).
         With the FEA's field waveforms on the map (:attr:`FluxMap.magnet_loss`): the 2-D
         resistance-limited eddy loss of the magnets under load, P_mag = c(i_d, i_q) f_e^2 (see
         :mod:`motoropt.magnetics.fea.losses`), instead of the slot-ripple formula.
Iron from field waveforms: with :attr:`FluxMap.loss_terms` (the embedded FEA's harmonic-complete
         per-kg sums S_h = sum_n n B_n^2, S_c = sum_n n^2 B_n^2, S_e = sum_n (n B_n)^1.5 per region,
         n the harmonic order in units of f_e), P_r = k_build_r m_r (kh f_e S_h + kc f_e^2 S_c +
         ke f_e^1.5 S_e) for the map's loss regions, m_r the LossParams' region mass (the FluxMap's B_iron then only scales the
         harmonic losses below). Harmonic superposition is exact for the classical term and an
         approximation for hysteresis and excess loss (stated).
Mechanical: bearings P_b = T_b0 w + c_visc w^2; windage in the air gap (Bilgen & Boulos 1973 torque
         coefficient, as used by Saari 1998), see :func:`windage_loss`. A measured spin loss enters
         as T_b0 (constant drag) and c_visc with the windage disabled (rotor_radius 0).
Harmonic (PWM carrier, over-modulation, six-step) losses, :func:`harmonic_losses_at`: from the
         harmonic voltage and flux moments of :mod:`motoropt.drive.modulation` at the operating
         point's fundamental voltage, the incremental inductance matrix of the flux map (its node slopes,
         interpolated: continuous across cells),
         - copper: ripple current covariance C_i = L^-1 C_psi L^-T, P = 1.5 R_dc(T) sum_b s_b F(f_b)
           tr(C_i), with the AC factor F(f) of :func:`ac_factor_table` at each band's frequency;
         - stator iron (regions flagged stator): the harmonic flux density taken proportional to the
           fundamental's, B_h = (B_r / |psi|) psi_h, so (f B)_eq = (B_r / |psi|) sqrt(<|v_h|^2>) / (2 pi)
           and P = m (kc (f B)_eq^2 + ke (f B)_eq^1.5) (exact classical term for any waveform in the
           resistance-limited lamination; excess by its sinusoidal equivalent; minor-loop hysteresis
           and the lamination skin effect at the carrier are neglected; no build factor);
         - magnets (FEA maps only: :attr:`FluxMap.magnet_pwm`, the 2-D eddy loss per (A/s)^2 of
           ripple current): P = F_skin (M_dd <x^2> + 2 M_dq <x y> + M_qq <y^2>), (x, y) = L^-1 v_h,
           resistance-limited (independent of f_sw; Boglietti et al., IEEE Trans. Magn. 39(2), 2003)
           times the 1-D skin factor of the piece width b, F(xi) = (3/xi)(sinh xi - sin xi)/(cosh xi
           - cos xi), xi = b / delta (the classical lamination result: the eddy currents flow axially
           and close across the width, the field is parallel to the faces they close through),
           weighted over the harmonic bands by their share of <v_h^2> (recoil mu_r 1.05);
         These losses are supplied electrically (P_elec = 1.5 v.i + P_h), not through the torque
         balance, and are not part of the current optimisation (stated).

The loss kernels take the FluxMap as arrays (``fluxmap.fluxmap_stack``: psi_d, psi_q, B_iron
layers, then the loss_terms layers, the magnet loss and the magnet PWM layers) and the parameters
packed by :func:`pack_loss_params`: a float vector ``lv`` (indices ``LV_*``), a per-row matrix
``rc`` with columns RC_* (A_x = k_build m k_x, so A_h has W/Hz/T^2; the layer of G each row reads;
whether the row counts in the iron loss, is stator iron for the harmonic losses) and the AC-factor
table ``ac`` (2, n): log10 f and F(f).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import jve

from motoropt.constants import MU0
from motoropt.errors import InputError
from motoropt.jit import njit
from motoropt.magnetics.fluxmap import FluxMap, fluxmap_stack, interp_bilinear3, interp_stack

F_REF_AC = 1000.0  # reference frequency of the AC copper factor, Hz
F_REF_MAGNET = 1000.0  # reference electrical frequency of magnet_eddy_coeff, Hz
ALPHA_CU = 0.00393  # resistance temperature coefficient of annealed copper at 20 degC, 1/K (IEC 60028)
MU_AIR = 1.81e-5  # dynamic viscosity of air at 20 degC, Pa s (CRC Handbook)
RHO_AIR_GAP = 1.2  # air density in the gap, kg/m^3 (20 degC, 1 atm)

# indices of the packed loss-parameter vector
LV_R20, LV_ALPHA, LV_TW, LV_KAC, LV_FREF, LV_CMAG, LV_NMAG, LV_PSIPM = 0, 1, 2, 3, 4, 5, 6, 7
LV_TB0, LV_CVISC, LV_RROT, LV_LSTK, LV_GAP, LV_KF, LV_RHO, LV_MU = 8, 9, 10, 11, 12, 13, 14, 15
LV_MAG_LAYER, LV_PWM_LAYER = 16, 17  # G layer of the FEA magnet loss / magnet PWM coefficients (-1: none)
LV_MAG_B, LV_MAG_RHO = 18, 19  # magnet piece width (m) and resistivity (Ohm m) for the skin factor
LV_KCIRC, LV_FCIRC = 20, 21  # strand circulating-current AC coefficient and its corner frequency (Hz)
N_LV = 22
# columns of the per-row matrix rc
RC_AH, RC_AC, RC_AE, RC_FF, RC_MKC, RC_MKE, RC_STATOR, RC_KIND, RC_LAYER, RC_LOSS = range(10)
N_RC = 10
KIND_FUNDAMENTAL, KIND_HARMONIC = 0, 1
AC_LOG_F = np.linspace(0.0, 6.5, 66)  # log10 f of the AC-factor table, Hz


@dataclass(frozen=True)
class LossParams:
    """Loss-model parameters of one machine (SI units; see the module docstring for the models).

    Attributes:
        R_s_20: phase DC resistance at 20 degC including end windings, Ohm.
        alpha_R: resistance temperature coefficient, 1/K (copper 0.00393).
        T_winding_c: winding temperature, degC.
        k_ac: AC factor, R_ac/R_dc = 1 + k_ac (f_e / 1000 Hz)^2 (dimensionless, >= 0).
        regions: iron-region names; must cover every name in FluxMap.regions (order free).
        region_mass: kg per region. kh, kc, ke: Bertotti coefficients per region (W/kg, f in Hz,
            B in T). k_build: build factor per region (>= 1 typically).
        region_freq_factor: loss frequency / f_e per region (None: 1 for all).
        magnet_eddy_coeff: magnet eddy loss at f_e = 1 kHz and no load, W.
        magnet_eddy_load_exp: exponent of |psi|/psi_pm in the magnet loss (2 = ripple ~ air-gap B).
        T_b0: bearing friction torque, N m. c_visc: viscous bearing/seal coefficient, N m s/rad.
        rotor_radius, stack_length, air_gap: windage geometry, m (rotor_radius 0 disables windage).
        windage_k_f: surface roughness factor (1 smooth; Saari 1998 uses ~2.5 for slotted rotors).
        rho_air: kg/m^3, mu_air: Pa s (gap fluid).
        k_circ: strand circulating-current coefficient, R_circ / R_dc = k_circ (f / 1 kHz)^2 below
            f_circ (Hz), 0: none.
        magnet_width: width of one magnet piece across which the eddy currents close, m, and
            magnet_resistivity, Ohm m: the skin factor of the magnets' harmonic (PWM) loss
            (0: resistance-limited).
        strand_diameter: bare strand diameter, m, and conductor_sigma_20: its conductivity at
            20 degC, S/m, for the AC factor at harmonic frequencies (:func:`ac_factor_table`;
            0: the low-frequency form 1 + k_ac (f / 1 kHz)^2 at every frequency).
    """

    R_s_20: float
    T_winding_c: float = 20.0
    alpha_R: float = ALPHA_CU
    k_ac: float = 0.0
    regions: tuple = ()
    region_mass: tuple = ()
    kh: tuple = ()
    kc: tuple = ()
    ke: tuple = ()
    k_build: tuple = ()
    region_freq_factor: tuple | None = None
    magnet_eddy_coeff: float = 0.0
    magnet_eddy_load_exp: float = 2.0
    T_b0: float = 0.0
    c_visc: float = 0.0
    rotor_radius: float = 0.0
    stack_length: float = 0.0
    air_gap: float = 1e-3
    windage_k_f: float = 1.0
    rho_air: float = RHO_AIR_GAP
    mu_air: float = MU_AIR
    strand_diameter: float = 0.0
    conductor_sigma_20: float = 0.0
    magnet_width: float = 0.0
    magnet_resistivity: float = 0.0
    k_circ: float = 0.0
    f_circ: float = math.inf

    def __post_init__(self):
        nonneg = ("R_s_20", "alpha_R", "k_ac", "magnet_eddy_coeff", "magnet_eddy_load_exp", "T_b0",
                  "c_visc", "rotor_radius", "stack_length", "windage_k_f", "strand_diameter",
                  "conductor_sigma_20", "magnet_width", "magnet_resistivity", "k_circ")
        for name in nonneg:
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise InputError(f"LossParams.{name}", v, "a finite number >= 0")
        for name in ("air_gap", "rho_air", "mu_air"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise InputError(f"LossParams.{name}", v, "a finite number > 0")
        if not (-60.0 <= self.T_winding_c <= 400.0):
            raise InputError("LossParams.T_winding_c", self.T_winding_c, "between -60 and 400 degC")
        n = len(self.regions)
        per_region = ["region_mass", "kh", "kc", "ke", "k_build"]
        if self.region_freq_factor is not None:
            per_region.append("region_freq_factor")
        for name in per_region:
            v = getattr(self, name)
            if len(v) != n:
                raise InputError(f"LossParams.{name}", v, f"one value per region {self.regions}")
            if any(not (math.isfinite(x) and x >= 0) for x in v):
                raise InputError(f"LossParams.{name}", v, "finite values >= 0")


def loss_regions(fluxmap: FluxMap) -> tuple:
    """Names of the regions whose iron loss the kernels report (``iron_by_region``): the map's
    harmonic loss regions when it carries field-waveform loss terms, else its B_iron regions."""
    return tuple(fluxmap.loss_regions) if fluxmap.loss_terms is not None else tuple(fluxmap.regions)


def _region_coeffs(params: LossParams, name: str):
    if name not in params.regions:
        raise InputError("LossParams.regions", params.regions, f"to include the flux-map region {name!r}")
    i = params.regions.index(name)
    ff = (params.region_freq_factor or (1.0,) * len(params.regions))[i]
    return i, ff


def pack_loss_params(params: LossParams, fluxmap: FluxMap):
    """(lv, rc, ac) for the kernels (module docstring): rc has one row per B_iron region of the map
    (rows that count in the iron loss unless the map carries harmonic loss terms) followed by one
    row per harmonic loss region; ac is the AC-factor table of :func:`ac_factor_table`."""
    lv = np.zeros(N_LV)
    lv[LV_R20] = params.R_s_20
    lv[LV_ALPHA] = params.alpha_R
    lv[LV_TW] = params.T_winding_c
    lv[LV_KAC] = params.k_ac
    lv[LV_FREF] = F_REF_AC
    lv[LV_CMAG] = params.magnet_eddy_coeff
    lv[LV_NMAG] = params.magnet_eddy_load_exp
    lv[LV_PSIPM] = fluxmap.psi_pm
    lv[LV_TB0] = params.T_b0
    lv[LV_CVISC] = params.c_visc
    lv[LV_RROT] = params.rotor_radius
    lv[LV_LSTK] = params.stack_length
    lv[LV_GAP] = params.air_gap
    lv[LV_KF] = params.windage_k_f
    lv[LV_RHO] = params.rho_air
    lv[LV_MU] = params.mu_air
    if not lv[LV_PSIPM] > 0:
        raise InputError("fluxmap.psi_pm", lv[LV_PSIPM], "> 0 (the d axis is the magnet axis)")
    harmonic = fluxmap.loss_terms is not None
    nB = len(fluxmap.regions)
    nH = len(fluxmap.loss_regions) if harmonic else 0
    rc = np.zeros((nB + nH, N_RC))
    for r, name in enumerate(fluxmap.regions):
        i, ff = _region_coeffs(params, name)
        m = params.region_mass[i]
        a = m * params.k_build[i]
        rc[r, :RC_KIND] = (a * params.kh[i], a * params.kc[i], a * params.ke[i], ff, m * params.kc[i],
                           m * params.ke[i], 1.0 if (ff == 1.0 and name.startswith("stator")) else 0.0)
        rc[r, RC_KIND] = KIND_FUNDAMENTAL
        rc[r, RC_LAYER] = 2 + r
        rc[r, RC_LOSS] = 0.0 if harmonic else 1.0
    for h, name in enumerate(fluxmap.loss_regions if harmonic else ()):
        i, _ = _region_coeffs(params, name)
        a = params.region_mass[i] * params.k_build[i]  # the design's region mass x the map's per-kg terms
        rc[nB + h, :RC_KIND] = (a * params.kh[i], a * params.kc[i], a * params.ke[i], 1.0, 0.0, 0.0, 0.0)
        rc[nB + h, RC_KIND] = KIND_HARMONIC
        rc[nB + h, RC_LAYER] = 2 + nB + 3 * h
        rc[nB + h, RC_LOSS] = 1.0
    layer = 2 + nB + 3 * nH
    lv[LV_MAG_LAYER] = -1.0
    lv[LV_PWM_LAYER] = -1.0
    lv[LV_MAG_B] = params.magnet_width
    lv[LV_MAG_RHO] = params.magnet_resistivity
    lv[LV_KCIRC] = params.k_circ
    lv[LV_FCIRC] = params.f_circ if math.isfinite(params.f_circ) else 1e30
    if fluxmap.magnet_loss is not None:
        lv[LV_MAG_LAYER] = layer
        layer += 1
    if fluxmap.magnet_pwm is not None:
        lv[LV_PWM_LAYER] = layer
    ac = ac_factor_table(params)
    return lv, rc, ac


def strand_ac_factors(f, d: float, sigma: float):
    """(skin, proximity) factors of a round strand of diameter d (m), conductivity sigma (S/m) at
    frequency f (Hz), exact 2-D solutions (Bessel functions of complex argument, kappa^2 = -j w mu0 sigma):

    - skin: R_ac / R_dc = Re{(kappa a / 2) J0(kappa a) / J1(kappa a)} of the strand's own current;
    - proximity: the eddy loss in a uniform transverse field of peak B, P' = (pi sigma w^2 / 2)
      |C|^2 int_0^a |J1(kappa r)|^2 r dr with C = 2 B / (kappa J0(kappa a)) (A = C J1(kappa r) sin
      theta inside, matched to the uniform field outside), divided by its low-frequency limit
      pi sigma w^2 B^2 d^4 / 128 (the form behind :attr:`LossParams.k_ac`), so -> 1 as f -> 0.
      The integral in closed form (Lommel, with J1(conj z) = conj J1(z)):
      int_0^a r J1(k r) J1(k' r) dr = a [k' J1(k a) J1'(k' a) - k J1'(k a) J1(k' a)] / (k^2 - k'^2),
      k' = conj(kappa), J1'(z) = J0(z) - J1(z) / z; exponentially scaled Bessel functions keep it
      finite at any a / delta (the scale cancels in both ratios).
    Eddy currents of neighbouring strands do not change the applied field (orthogonality
    assumption, e.g. Ferreira, IEEE Trans. Power Electron. 9(1), 1994).
    """
    f = np.atleast_1d(np.asarray(f, dtype=float))
    a = 0.5 * d
    skin = np.ones_like(f)
    prox = np.ones_like(f)
    on = f > 0.0
    w = 2.0 * math.pi * f[on]
    kappa = (1.0 - 1j) * np.sqrt(0.5 * w * MU0 * sigma)  # kappa^2 = -j w mu0 sigma
    ka = kappa * a
    j0, j1 = jve(0, ka), jve(1, ka)  # scaled by exp(-|Im ka|), the same factor for ka and conj(ka)
    j1p = j0 - j1 / ka
    skin[on] = np.real(0.5 * ka * j0 / j1)
    kc = np.conj(kappa)
    # int_0^a |J1(kappa r)|^2 r dr, scaled like |j0|^2 (Lommel; J1(conj z) = conj J1(z))
    integral = np.real(a * (kc * j1 * np.conj(j1p) - kappa * j1p * np.conj(j1)) / (kappa ** 2 - kc ** 2))
    exact = 0.5 * math.pi * sigma * w * w * 4.0 / (np.abs(kappa) ** 2 * np.abs(j0) ** 2) * integral
    low = math.pi * sigma * w * w * d ** 4 / 128.0
    prox[on] = exact / low
    return skin, prox


def ac_factor_table(params: LossParams) -> np.ndarray:
    """(2, n) table of log10 f and the phase resistance factor F(f) = R_ac(f) / R_dc(T) for harmonic
    currents: F = 1 + k_ac (f / 1 kHz)^2 G(f) + (F_skin(f) - 1) + k_circ (f / 1 kHz)^2 / (1 + (f / f_circ)^2),
    with the strand proximity G and skin
    F_skin of :func:`strand_ac_factors` at the winding temperature (without a strand diameter:
    the low-frequency form, G = 1, F_skin = 1)."""
    sigma = 0.0
    if params.strand_diameter > 0 and params.conductor_sigma_20 > 0:
        sigma = params.conductor_sigma_20 / (1.0 + params.alpha_R * (params.T_winding_c - 20.0))
    return _ac_table(float(params.k_ac), float(params.strand_diameter), float(sigma), float(params.k_circ),
                     float(params.f_circ)).copy()


@lru_cache(maxsize=64)
def _ac_table(k_ac: float, d: float, sigma: float, k_circ: float = 0.0, f_circ: float = math.inf) -> np.ndarray:
    f = 10.0 ** AC_LOG_F
    skin, prox = _strand_table(d, sigma)
    r2 = (f / F_REF_AC) ** 2
    F = 1.0 + k_ac * r2 * prox + (skin - 1.0) + k_circ * r2 / (1.0 + (f / f_circ) ** 2)
    return np.ascontiguousarray(np.stack([AC_LOG_F, F]))


@lru_cache(maxsize=16)
def _strand_table(d: float, sigma: float) -> tuple:
    """:func:`strand_ac_factors` (skin, proximity) on the table's frequencies (ones without a
    strand), remembered per strand and conductivity: the Bessel functions, 0.15 ms, are the same for
    every design of a case, whose k_ac changes with the slot (read-only arrays)."""
    f = 10.0 ** AC_LOG_F
    if d > 0 and sigma > 0:
        skin, prox = strand_ac_factors(f, d, sigma)
    else:
        skin, prox = np.ones_like(f), np.ones_like(f)
    skin.flags.writeable = False
    prox.flags.writeable = False
    return skin, prox


# ---------------------------------------------------------------- scalar physics (njit)

@njit(cache=True)
def couette_torque_coefficient(reynolds, gap_over_radius):
    """Bilgen & Boulos (1973) torque coefficient C_M of a rotating inner cylinder in a closed gap.

    Bilgen E., Boulos R., "Functional dependence of torque coefficient of coaxial cylinders on gap
    width and Reynolds numbers", J. Fluids Eng. 95(1):122-126, 1973; used for electrical machines by
    Saari J., "Thermal analysis of high-speed induction machines", Acta Polytechnica Scandinavica
    El 90, 1998. With Re = rho w r delta / mu and x = (delta / r)^0.3:
        Re < 64:        C_M = 10 x / Re
        64 <= Re < 500: C_M = 2 x / Re^0.6
        500 <= Re < 1e4: C_M = 1.03 x / Re^0.5
        Re >= 1e4:      C_M = 0.065 x / Re^0.2
    C_M is defined by the drag torque T = 0.5 C_M pi rho w^2 r^4 L.
    """
    if reynolds <= 0.0:
        return 0.0
    x = gap_over_radius ** 0.3
    if reynolds < 64.0:
        return 10.0 * x / reynolds
    if reynolds < 500.0:
        return 2.0 * x / reynolds ** 0.6
    if reynolds < 1e4:
        return 1.03 * x / reynolds ** 0.5
    return 0.065 * x / reynolds ** 0.2


@njit(cache=True)
def windage_loss(omega, r_rotor, L, gap, k_f=1.0, rho=RHO_AIR_GAP, mu=MU_AIR):
    """Air-gap windage loss of a cylindrical rotor, W.

    P_w = k_f c_f pi rho w^3 r^4 L (Saari 1998), with the friction coefficient c_f = C_M / 2 from
    :func:`couette_torque_coefficient` at the Couette Reynolds number Re = rho w r gap / mu.
    Args: omega (rad/s mechanical), r_rotor (m), L (m, axial length), gap (m), k_f roughness factor,
    rho (kg/m^3), mu (Pa s). End-face (disc) friction is not included (stated).
    """
    w = abs(omega)
    if w == 0.0 or r_rotor <= 0.0 or L <= 0.0:
        return 0.0
    re = rho * w * r_rotor * gap / mu
    c_f = 0.5 * couette_torque_coefficient(re, gap / r_rotor)
    return k_f * c_f * math.pi * rho * w ** 3 * r_rotor ** 4 * L


@njit(cache=True)
def bearing_loss(omega, T_b0, c_visc=0.0):
    """Bearing (and seal) friction loss, W: P = T_b0 |w| + c_visc w^2 (constant + viscous torque)."""
    w = abs(omega)
    return T_b0 * w + c_visc * w * w


@njit(cache=True)
def bertotti_loss_density(f, B, kh, kc, ke):
    """Bertotti iron loss kh f B^2 + kc f^2 B^2 + ke (f B)^1.5 (W/kg if k's are in W/kg; f Hz, B T)."""
    fb = abs(f * B)
    return abs(f) * B * B * (kh + kc * abs(f)) + ke * fb * math.sqrt(fb)


@njit(cache=True, inline="always")
def ac_resistance(lv, f_e):
    """Phase resistance at the winding temperature and electrical frequency f_e (Hz), Ohm."""
    r = f_e / lv[LV_FREF]
    c = f_e / lv[LV_FCIRC]
    return (lv[LV_R20] * (1.0 + lv[LV_ALPHA] * (lv[LV_TW] - 20.0))
            * (1.0 + lv[LV_KAC] * r * r + lv[LV_KCIRC] * r * r / (1.0 + c * c)))


@njit(cache=True, _nrt=False)
def mechanical_loss(lv, omega_m):
    """Bearing + windage loss at mechanical speed omega_m (rad/s), W."""
    return (bearing_loss(omega_m, lv[LV_TB0], lv[LV_CVISC])
            + windage_loss(omega_m, lv[LV_RROT], lv[LV_LSTK], lv[LV_GAP], lv[LV_KF], lv[LV_RHO], lv[LV_MU]))


@njit(cache=True, inline="always")
def _row_loss(rc, r, f, k, j, t, u, G):
    """Iron loss of row r of rc at electrical frequency f (Hz) in cell (k, j, t, u), W."""
    lay = int(rc[r, RC_LAYER])
    fr = f * rc[r, RC_FF]
    if rc[r, RC_KIND] == KIND_FUNDAMENTAL:
        B = abs(interp_bilinear3(G, lay, k, j, t, u))
        fb = fr * B
        return fr * B * B * (rc[r, RC_AH] + rc[r, RC_AC] * fr) + rc[r, RC_AE] * fb * math.sqrt(fb)
    sh = max(interp_bilinear3(G, lay, k, j, t, u), 0.0)
    sc = max(interp_bilinear3(G, lay + 1, k, j, t, u), 0.0)
    se = max(interp_bilinear3(G, lay + 2, k, j, t, u), 0.0)
    return fr * (rc[r, RC_AH] * sh + rc[r, RC_AC] * fr * sc) + rc[r, RC_AE] * fr * math.sqrt(fr) * se


@njit(cache=True, inline="always")
def iron_magnet_at(f_e, pd, pq, k, j, t, u, G, lv, rc):
    """(iron loss total, magnet loss) at one point, W.

    (k, j, t, u) is the FluxMap cell of (i_d, |i_q|) and (pd, pq) the flux linkages there; G is the
    stacked map array of fluxmap.fluxmap_stack.
    """
    f = abs(f_e)
    p_fe = 0.0
    for r in range(rc.shape[0]):
        if rc[r, RC_LOSS] > 0.0:
            p_fe += _row_loss(rc, r, f, k, j, t, u, G)
    p_mag = 0.0
    if lv[LV_MAG_LAYER] >= 0.0:
        p_mag = max(interp_bilinear3(G, int(lv[LV_MAG_LAYER]), k, j, t, u), 0.0) * f * f
    elif lv[LV_CMAG] > 0.0:
        x = f / F_REF_MAGNET
        m2 = (pd * pd + pq * pq) / (lv[LV_PSIPM] * lv[LV_PSIPM])
        if lv[LV_NMAG] == 2.0:
            load = m2
        else:
            load = m2 ** (0.5 * lv[LV_NMAG])
        p_mag = lv[LV_CMAG] * x * x * load
    return p_fe, p_mag


@njit(cache=True, _nrt=False)
def iron_by_region(f_e, k, j, t, u, G, rc, p_reg):
    """Iron loss of each loss-counting row into p_reg (in row order), W (same model as iron_magnet_at)."""
    f = abs(f_e)
    n = 0
    for r in range(rc.shape[0]):
        if rc[r, RC_LOSS] > 0.0:
            p_reg[n] = _row_loss(rc, r, f, k, j, t, u, G)
            n += 1


@njit(cache=True, _nrt=False)
def n_loss_rows(rc):
    """Rows of rc that count in the iron loss (the length of iron_by_region's output)."""
    n = 0
    for r in range(rc.shape[0]):
        if rc[r, RC_LOSS] > 0.0:
            n += 1
    return n


@njit(cache=True, inline="always")
def ac_factor(ac, f):
    """R_ac / R_dc at frequency f (Hz) from the table of :func:`ac_factor_table` (log-linear)."""
    if f <= 1.0:
        return ac[1, 0]
    x = math.log10(f)
    n = ac.shape[1]
    if x >= ac[0, n - 1]:
        return ac[1, n - 1]
    step = ac[0, 1] - ac[0, 0]
    i = int((x - ac[0, 0]) / step)
    if i > n - 2:
        i = n - 2
    w = (x - ac[0, i]) / step
    return (1.0 - w) * ac[1, i] + w * ac[1, i + 1]


@njit(cache=True, inline="always")
def _lagrange_slope(f0, f1, f2, x0, x1, x2, x):
    """d/dx at x of the parabola through (x0, f0), (x1, f1), (x2, f2)."""
    return (f0 * ((x - x1) + (x - x2)) / ((x0 - x1) * (x0 - x2))
            + f1 * ((x - x0) + (x - x2)) / ((x1 - x0) * (x1 - x2))
            + f2 * ((x - x0) + (x - x1)) / ((x2 - x0) * (x2 - x1)))


@njit(cache=True, _nrt=False)
def _node_slopes(G, c, kk, jj, ida, iqa):
    """(d/d i_d, d/d i_q) of layer c (0: psi_d, even in i_q; 1: psi_q, odd) at node (kk, jj), from the
    parabola through the node and its neighbours (one-sided at the axis ends; across i_q = 0 by the
    layer's symmetry). Exact for a map quadratic in (i_d, i_q)."""
    nd, nq = ida.shape[0], iqa.shape[0]
    if nd < 3:
        dd = (G[c, 1, jj] - G[c, 0, jj]) / (ida[1] - ida[0])
    else:
        m = min(max(kk - 1, 0), nd - 3)
        dd = _lagrange_slope(G[c, m, jj], G[c, m + 1, jj], G[c, m + 2, jj], ida[m], ida[m + 1], ida[m + 2], ida[kk])
    if jj == 0:  # i_q = 0: psi_d even (slope 0), psi_q odd (central difference through its mirror image)
        dq = 0.0 if c == 0 else G[c, kk, 1] / iqa[1]
    elif nq < 3:
        dq = (G[c, kk, 1] - G[c, kk, 0]) / (iqa[1] - iqa[0])
    else:
        m = min(max(jj - 1, 0), nq - 3)
        dq = _lagrange_slope(G[c, kk, m], G[c, kk, m + 1], G[c, kk, m + 2], iqa[m], iqa[m + 1], iqa[m + 2], iqa[jj])
    return dd, dq


@njit(cache=True)
def incremental_inductance(i_q, k, j, t, u, ida, iqa, G):
    """Incremental inductance matrix (L_dd, L_dq, L_qd, L_qq) = d(psi_d, psi_q)/d(i_d, i_q), H, in cell
    (k, j, t, u) of (i_d, |i_q|) (odd symmetry in i_q applied).

    The slopes at the cell's four nodes (:func:`_node_slopes`, exact for a quadratic map) are
    interpolated bilinearly, so L is continuous across cell edges. (The bilinear map's own in-cell
    slopes jump at every node; a loss-minimising operating point often sits on a node, where the
    PWM-harmonic losses, which scale with 1/L^2, then depended on which side of it the search ended.)
    """
    out = np.empty(4)
    incremental_inductance_into(out, i_q, k, j, t, u, ida, iqa, G)
    return out


@njit(cache=True, _nrt=False)
def incremental_inductance_into(out, i_q, k, j, t, u, ida, iqa, G):
    """:func:`incremental_inductance` written into out (4,) (no allocation: the point solver's)."""
    s = -1.0 if i_q < 0.0 else 1.0
    for c in range(2):
        dd00, dq00 = _node_slopes(G, c, k, j, ida, iqa)
        dd01, dq01 = _node_slopes(G, c, k, j + 1, ida, iqa)
        dd10, dq10 = _node_slopes(G, c, k + 1, j, ida, iqa)
        dd11, dq11 = _node_slopes(G, c, k + 1, j + 1, ida, iqa)
        dd = (1.0 - t) * ((1.0 - u) * dd00 + u * dd01) + t * ((1.0 - u) * dd10 + u * dd11)
        dq = (1.0 - t) * ((1.0 - u) * dq00 + u * dq01) + t * ((1.0 - u) * dq10 + u * dq11)
        if c == 0:  # psi_d even in i_q: d/d i_d even, d/d i_q odd
            out[0] = dd
            out[1] = dq * s
        else:  # psi_q odd in i_q: d/d i_d odd, d/d i_q even
            out[2] = dd * s
            out[3] = dq


@njit(cache=True, _nrt=False)
def harmonic_losses_at(v_par2, v_perp2, psi_par2, psi_perp2, freqs, shares, theta_v, Linc, psi_abs,
                       i_q, k, j, t, u, G, lv, rc, ac, R_dc):
    """(copper, stator iron, magnet) harmonic losses at one point, W (module docstring).

    v_par2 .. psi_perp2: harmonic moments in the voltage frame (V^2, Wb^2); freqs, shares: the
    frequency content of <|psi_h|^2>; theta_v: angle of the fundamental voltage from the d axis;
    Linc: (L_dd, L_dq, L_qd, L_qq); psi_abs: |psi| at the point; R_dc: phase DC resistance at the
    winding temperature."""
    det = Linc[0] * Linc[3] - Linc[1] * Linc[2]
    if not (det > 0.0) or psi_abs <= 0.0:
        return 0.0, 0.0, 0.0
    # inverse of L
    i00, i01, i10, i11 = Linc[3] / det, -Linc[1] / det, -Linc[2] / det, Linc[0] / det
    c, s = math.cos(theta_v), math.sin(theta_v)
    # covariance in dq of a vector with moments (a along v, b across v): R diag(a, b) R^T
    pdd = psi_par2 * c * c + psi_perp2 * s * s
    pqq = psi_par2 * s * s + psi_perp2 * c * c
    pdq = (psi_par2 - psi_perp2) * c * s
    vdd = v_par2 * c * c + v_perp2 * s * s
    vqq = v_par2 * s * s + v_perp2 * c * c
    vdq = (v_par2 - v_perp2) * c * s
    # C_i = L^-1 C_psi L^-T
    idd = i00 * (i00 * pdd + i01 * pdq) + i01 * (i00 * pdq + i01 * pqq)
    iqq = i10 * (i10 * pdd + i11 * pdq) + i11 * (i10 * pdq + i11 * pqq)
    tr_i = idd + iqq
    Fb = 0.0
    for b in range(freqs.shape[0]):
        Fb += shares[b] * ac_factor(ac, freqs[b])
    p_cu = 1.5 * R_dc * tr_i * Fb
    # stator iron from the rms harmonic voltage
    vh = math.sqrt(max(v_par2 + v_perp2, 0.0))
    p_fe = 0.0
    for r in range(rc.shape[0]):
        if rc[r, RC_STATOR] > 0.0:
            B = abs(interp_bilinear3(G, int(rc[r, RC_LAYER]), k, j, t, u))
            fb = B / psi_abs * vh / (2.0 * math.pi)
            p_fe += rc[r, RC_MKC] * fb * fb + rc[r, RC_MKE] * fb * math.sqrt(fb)
    p_mag = 0.0
    skin = 1.0
    if lv[LV_MAG_B] > 0.0 and lv[LV_MAG_RHO] > 0.0:
        num = 0.0
        den = 0.0
        for b in range(freqs.shape[0]):
            w2 = shares[b] * freqs[b] * freqs[b]  # share of <v_h^2> ~ <psi_h^2> f^2
            num += w2 * plate_skin_factor(lv[LV_MAG_B], lv[LV_MAG_RHO], freqs[b], 1.05)
            den += w2
        if den > 0.0:
            skin = num / den
    if lv[LV_PWM_LAYER] >= 0.0:
        lay = int(lv[LV_PWM_LAYER])
        sgn = -1.0 if i_q < 0.0 else 1.0
        mdd = interp_bilinear3(G, lay, k, j, t, u)
        mdq = interp_bilinear3(G, lay + 1, k, j, t, u) * sgn
        mqq = interp_bilinear3(G, lay + 2, k, j, t, u)
        xdd = i00 * (i00 * vdd + i01 * vdq) + i01 * (i00 * vdq + i01 * vqq)
        xqq = i10 * (i10 * vdd + i11 * vdq) + i11 * (i10 * vdq + i11 * vqq)
        xdq = i00 * (i10 * vdd + i11 * vdq) + i01 * (i10 * vdq + i11 * vqq)
        p_mag = max(mdd * xdd + 2.0 * mdq * xdq + mqq * xqq, 0.0) * skin
    return p_cu, p_fe, p_mag


@njit(cache=True)
def plate_skin_factor(b, rho, f, mu_r):
    """Eddy loss of a plate of thickness b (m, resistivity rho Ohm m, relative permeability mu_r) in
    a field parallel to its faces at f (Hz), relative to the resistance-limited value:
    (3/xi)(sinh xi - sin xi)/(cosh xi - cos xi), xi = b / delta, delta = sqrt(2 rho / (w mu0 mu_r))."""
    if f <= 0.0:
        return 1.0
    delta = math.sqrt(2.0 * rho / (2.0 * math.pi * f * MU0 * mu_r))
    xi = b / delta
    if xi < 1e-3:
        return 1.0
    if xi > 50.0:
        return 3.0 / xi
    return 3.0 / xi * (math.sinh(xi) - math.sin(xi)) / (math.cosh(xi) - math.cos(xi))


@njit(cache=True)
def loss_components(i_d, i_q, omega_m, id_ax, iq_ax, G, uni_d, uni_q, p, lv, rc):
    """Losses on arrays of operating points (i_d, i_q in A peak, omega_m in rad/s mechanical).

    The map comes as fluxmap.fluxmap_stack; (lv, rc) from pack_loss_params. Harmonic (PWM)
    losses are not included (they need the drive's voltage).
    Returns (copper (n,), iron (n, n_loss_rows), magnet (n,), mechanical (n,)), all in W.
    """
    n = i_d.shape[0]
    nreg = n_loss_rows(rc)
    cu = np.empty(n)
    fe = np.empty((n, nreg))
    mag = np.empty(n)
    mech = np.empty(n)
    for m in range(n):
        f_e = p * omega_m[m] / (2.0 * math.pi)
        R = ac_resistance(lv, f_e)
        cu[m] = 1.5 * R * (i_d[m] * i_d[m] + i_q[m] * i_q[m])
        pd, pq, k, j, t, u = interp_stack(i_d[m], i_q[m], id_ax, iq_ax, G, uni_d, uni_q)
        _, mag[m] = iron_magnet_at(f_e, pd, pq, k, j, t, u, G, lv, rc)
        iron_by_region(f_e, k, j, t, u, G, rc, fe[m])
        mech[m] = mechanical_loss(lv, omega_m[m])
    return cu, fe, mag, mech


def compute_losses(fluxmap: FluxMap, params: LossParams, i_d, i_q, omega_m) -> dict:
    """Python wrapper of :func:`loss_components`: dict of arrays (W) keyed copper, iron (total),
    iron_by_region ({name: array}), magnet, mechanical, total."""
    i_d, i_q, omega_m = np.broadcast_arrays(*(np.atleast_1d(np.asarray(a, dtype=float)) for a in (i_d, i_q, omega_m)))
    lv, rc, _ = pack_loss_params(params, fluxmap)
    ida, iqa, G, ud, uq = fluxmap_stack(fluxmap)
    cu, fe, mag, mech = loss_components(np.ascontiguousarray(i_d.ravel()), np.ascontiguousarray(i_q.ravel()),
                                        np.ascontiguousarray(omega_m.ravel()), ida, iqa, G, ud, uq,
                                        float(fluxmap.pole_pairs), lv, rc)
    shape = i_d.shape
    iron = fe.sum(axis=1).reshape(shape)
    return {
        "copper": cu.reshape(shape), "iron": iron,
        "iron_by_region": {name: fe[:, r].reshape(shape) for r, name in enumerate(loss_regions(fluxmap))},
        "magnet": mag.reshape(shape), "mechanical": mech.reshape(shape),
        "total": cu.reshape(shape) + iron + mag.reshape(shape) + mech.reshape(shape),
    }


def magnet_eddy_coefficient(volume, width, resistivity, B_ripple, f_ripple_per_fe, segments=1):
    """Magnet eddy loss at f_e = 1 kHz (W), for LossParams.magnet_eddy_coeff.

    Classical thin-plate eddy loss in a uniform sinusoidal field (resistance-limited, i.e. the
    eddy-current reaction field is neglected; valid while each segment's width is small against the
    skin depth sqrt(2 rho / (w mu0 mu_r))): time-averaged power per volume
        P/V = sigma w^2 B^2 b^2 / 24,   sigma = 1/resistivity, w = 2 pi f, B peak, b = plate width,
    the same expression as the classical lamination loss pi^2 sigma d^2 B^2 f^2 / 6 (e.g. Bertotti,
    "Hysteresis in Magnetism", Academic Press 1998, ch. 12; Lammeraner & Stafl, "Eddy Currents", 1964).
    It holds for a magnet whose axial length is much larger than its width, with the ripple field
    normal to the width. Circumferential segmentation into ``segments`` pieces divides b.

    Args:
        volume: total magnet volume, m^3. width: width of one magnet piece (across which eddy currents
            flow), m. resistivity: Ohm m (sintered NdFeB ~1.4e-6). B_ripple: peak slot-ripple flux
            density in the magnet, T (e.g. from the Carter-factor ripple). f_ripple_per_fe: ripple
            frequency / electrical frequency (slot harmonic: Q_s / p for an integral-slot winding).
            segments: pieces per magnet across its width (>= 1).
    """
    if not (volume >= 0 and width > 0 and resistivity > 0 and B_ripple >= 0 and f_ripple_per_fe > 0):
        raise InputError("magnet_eddy_coefficient", (volume, width, resistivity, B_ripple, f_ripple_per_fe),
                         "volume >= 0, width > 0, resistivity > 0, B_ripple >= 0, f_ripple_per_fe > 0")
    if int(segments) != segments or segments < 1:
        raise InputError("magnet_eddy_coefficient.segments", segments, "an integer >= 1")
    omega_h = 2.0 * math.pi * f_ripple_per_fe * F_REF_MAGNET
    b = width / segments
    return omega_h ** 2 * B_ripple ** 2 * b ** 2 * volume / (24.0 * resistivity)
