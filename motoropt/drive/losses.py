"""Losses of a PMSM at an operating point: copper, iron by region, magnet eddy current, mechanical.

All powers in W, currents A peak (amplitude-invariant dq), speeds rad/s, frequencies Hz.

Models and their stated assumptions
-----------------------------------
Copper:  P_cu = 1.5 R_ac I^2 with I = hypot(i_d, i_q) (peak) and
         R_ac = R_s_20 (1 + alpha_R (T_winding_c - 20)) (1 + k_ac (f_e / f_ref)^2), f_ref = 1000 Hz.
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
Mechanical: bearings P_b = T_b0 w + c_visc w^2; windage in the air gap (Bilgen & Boulos 1973 torque
         coefficient, as used by Saari 1998), see :func:`windage_loss`.

The loss kernels take the FluxMap as arrays (``fluxmap.fluxmap_stack``) and the parameters
packed by :func:`pack_loss_params`: a float vector ``lv`` (indices ``LV_*``) and a per-region matrix
``rc`` with columns (A_h, A_c, A_e, freq_factor), A_x = k_build m k_x (so A_h has W/Hz/T^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from motoropt.errors import InputError
from motoropt.magnetics.fluxmap import FluxMap, fluxmap_stack, interp_bilinear3, interp_stack

F_REF_AC = 1000.0  # reference frequency of the AC copper factor, Hz
F_REF_MAGNET = 1000.0  # reference electrical frequency of magnet_eddy_coeff, Hz
ALPHA_CU = 0.00393  # resistance temperature coefficient of annealed copper at 20 degC, 1/K (IEC 60028)
MU_AIR = 1.81e-5  # dynamic viscosity of air at 20 degC, Pa s (CRC Handbook)
RHO_AIR_GAP = 1.2  # air density in the gap, kg/m^3 (20 degC, 1 atm)

# indices of the packed loss-parameter vector
LV_R20, LV_ALPHA, LV_TW, LV_KAC, LV_FREF, LV_CMAG, LV_NMAG, LV_PSIPM = 0, 1, 2, 3, 4, 5, 6, 7
LV_TB0, LV_CVISC, LV_RROT, LV_LSTK, LV_GAP, LV_KF, LV_RHO, LV_MU = 8, 9, 10, 11, 12, 13, 14, 15
N_LV = 16


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

    def __post_init__(self):
        nonneg = ("R_s_20", "alpha_R", "k_ac", "magnet_eddy_coeff", "magnet_eddy_load_exp", "T_b0",
                  "c_visc", "rotor_radius", "stack_length", "windage_k_f")
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


def pack_loss_params(params: LossParams, fluxmap: FluxMap):
    """(lv, rc) for the kernels; rc rows follow ``fluxmap.regions`` (matched by name)."""
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
    rc = np.zeros((len(fluxmap.regions), 4))
    ff = params.region_freq_factor or (1.0,) * len(params.regions)
    for r, name in enumerate(fluxmap.regions):
        if name not in params.regions:
            raise InputError("LossParams.regions", params.regions, f"to include the flux-map region {name!r}")
        i = params.regions.index(name)
        a = params.region_mass[i] * params.k_build[i]
        rc[r] = (a * params.kh[i], a * params.kc[i], a * params.ke[i], ff[i])
    return lv, rc


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
    return lv[LV_R20] * (1.0 + lv[LV_ALPHA] * (lv[LV_TW] - 20.0)) * (1.0 + lv[LV_KAC] * r * r)


@njit(cache=True)
def mechanical_loss(lv, omega_m):
    """Bearing + windage loss at mechanical speed omega_m (rad/s), W."""
    return (bearing_loss(omega_m, lv[LV_TB0], lv[LV_CVISC])
            + windage_loss(omega_m, lv[LV_RROT], lv[LV_LSTK], lv[LV_GAP], lv[LV_KF], lv[LV_RHO], lv[LV_MU]))


@njit(cache=True, inline="always")
def iron_magnet_at(f_e, pd, pq, k, j, t, u, G, lv, rc):
    """(iron loss total, magnet loss) at one point, W.

    (k, j, t, u) is the FluxMap cell of (i_d, |i_q|) and (pd, pq) the flux linkages there; G is the
    stacked map array of fluxmap.fluxmap_stack (layers 2.. are the iron flux densities).
    """
    f = abs(f_e)
    p_fe = 0.0
    for r in range(rc.shape[0]):
        B = abs(interp_bilinear3(G, r + 2, k, j, t, u))
        fr = f * rc[r, 3]
        fb = fr * B
        p_fe += fr * B * B * (rc[r, 0] + rc[r, 1] * fr) + rc[r, 2] * fb * math.sqrt(fb)
    p_mag = 0.0
    if lv[LV_CMAG] > 0.0:
        x = f / F_REF_MAGNET
        m2 = (pd * pd + pq * pq) / (lv[LV_PSIPM] * lv[LV_PSIPM])
        if lv[LV_NMAG] == 2.0:
            load = m2
        else:
            load = m2 ** (0.5 * lv[LV_NMAG])
        p_mag = lv[LV_CMAG] * x * x * load
    return p_fe, p_mag


@njit(cache=True)
def iron_by_region(f_e, k, j, t, u, G, rc, p_reg):
    """Iron loss of each region into p_reg, W (same model as iron_magnet_at)."""
    f = abs(f_e)
    for r in range(rc.shape[0]):
        B = abs(interp_bilinear3(G, r + 2, k, j, t, u))
        fr = f * rc[r, 3]
        fb = fr * B
        p_reg[r] = fr * B * B * (rc[r, 0] + rc[r, 1] * fr) + rc[r, 2] * fb * math.sqrt(fb)


@njit(cache=True)
def loss_components(i_d, i_q, omega_m, id_ax, iq_ax, G, uni_d, uni_q, p, lv, rc):
    """Losses on arrays of operating points (i_d, i_q in A peak, omega_m in rad/s mechanical).

    The map comes as fluxmap.fluxmap_stack; (lv, rc) from pack_loss_params.
    Returns (copper (n,), iron (n, n_regions), magnet (n,), mechanical (n,)), all in W.
    """
    n = i_d.shape[0]
    nreg = rc.shape[0]
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
    lv, rc = pack_loss_params(params, fluxmap)
    ida, iqa, G, ud, uq = fluxmap_stack(fluxmap)
    cu, fe, mag, mech = loss_components(np.ascontiguousarray(i_d.ravel()), np.ascontiguousarray(i_q.ravel()),
                                        np.ascontiguousarray(omega_m.ravel()), ida, iqa, G, ud, uq,
                                        float(fluxmap.pole_pairs), lv, rc)
    shape = i_d.shape
    iron = fe.sum(axis=1).reshape(shape)
    return {
        "copper": cu.reshape(shape), "iron": iron,
        "iron_by_region": {name: fe[:, r].reshape(shape) for r, name in enumerate(fluxmap.regions)},
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
