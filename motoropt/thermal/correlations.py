"""Heat-transfer correlations and conduction formulas used by the thermal network (SI units).

All functions are small, pure and vectorisable with numpy; nothing here is numba-compiled because
they run once per network build (or once per speed bin), not in the transient loop.

Sources (cited at each function):
- Incropera, DeWitt, Bergman, Lavine, *Fundamentals of Heat and Mass Transfer*, 6th ed., Wiley 2007
  (IDBL below): conduction, Dittus-Boelter, laminar pipe flow, flat plate, Churchill-Chu, fins.
- V. Gnielinski, Int. Chem. Eng. 16 (1976) 359-368; and "On heat transfer in tubes",
  Int. J. Heat Mass Transfer 63 (2013) 134-140 (transition interpolation).
- K. M. Becker, J. Kaye, "Measurements of diabatic flow in an annulus with an inner rotating
  cylinder", J. Heat Transfer 84 (1962) 97-105; as used for electrical-machine air gaps by
  D. A. Staton, A. Cavagnino, "Convection heat transfer and flow calculations suitable for electric
  machines thermal models", IEEE Trans. Ind. Electron. 55(10) (2008) 3509-3516, and A. Boglietti et
  al., "Evolution and modern approaches for thermal analysis of electrical machines", IEEE TIE 56(3)
  (2009) 871-882.
- Z. Hashin, S. Shtrikman, J. Appl. Phys. 33 (1962) 3125 (bounds for composites); the 2-D form for
  parallel round fibres is the classical Maxwell/Rayleigh-type formula used for impregnated slots by
  N. Simpson, R. Wrobel, P. Mellor, "Estimation of equivalent thermal parameters of impregnated
  electrical windings", IEEE Trans. Ind. Appl. 49(6) (2013) 2505-2515.
- End-space convection h = 15 + 6.75 v^0.65 (Schubert 1968, as tabulated in Boglietti et al. 2009
  above and in Staton et al., "Solving the more difficult aspects of electric motor thermal
  analysis", IEEE Trans. Energy Convers. 20(3) (2005) 620-628).
- Laminar falling film: W. Nusselt, "Die Oberflaechenkondensation des Wasserdampfes", Z. VDI 60
  (1916) 541-546 and 569-575 (film thickness of a laminar gravity-driven film); thermally developed
  heat transfer from the wall into the film, Nu_delta = h delta / k = 1.88 at constant wall
  temperature with an adiabatic free surface (VDI Heat Atlas, 2nd ed., Springer 2010, falling films;
  recomputed from the eigenvalue problem in tests/thermal/test_drip.py).
- Oil viscosity-temperature interpolation: ASTM D341 (Walther equation).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from motoropt.errors import InputError

SIGMA_SB = 5.670374419e-8  # Stefan-Boltzmann constant, W/(m^2 K^4) (CODATA 2018, exact)

# --------------------------------------------------------------------------------------------------
# conduction


def cylinder_conductance(r1: float, r2: float, k: float, length: float) -> float:
    """Radial conductance of a hollow cylinder, W/K: G = 2 pi k L / ln(r2/r1) (IDBL eq. 3.33).

    Assumes no internal heat generation, isotropic k (W/m/K), r2 > r1 > 0 (m), length L (m).
    """
    if not (r2 > r1 > 0):
        raise InputError("cylinder radii", (r1, r2), "r2 > r1 > 0")
    return 2.0 * math.pi * k * length / math.log(r2 / r1)


def cylinder_half_conductance(r1: float, r2: float, k: float, length: float, side: str) -> float:
    """Conductance from the mean-radius surface r_m = (r1+r2)/2 of a cylinder shell to one face, W/K.

    Networks place a region's node at its mean radius and join two regions with the series
    combination of the two half-shells (same approach as Mellor et al., IEE Proc. B 138(5) 1991,
    without their internal-generation correction, which is small for thin shells).
    """
    rm = 0.5 * (r1 + r2)
    if side == "inner":
        return cylinder_conductance(r1, rm, k, length)
    return cylinder_conductance(rm, r2, k, length)


def slab_conductance(k: float, area: float, thickness: float) -> float:
    """Plane-wall conductance k A / t, W/K (IDBL eq. 3.6)."""
    if thickness <= 0 or area <= 0:
        raise InputError("slab", (area, thickness), "area > 0 and thickness > 0")
    return k * area / thickness


def series(*g: float) -> float:
    """Series combination of conductances, W/K."""
    return 1.0 / sum(1.0 / x for x in g)


def slot_equivalent_conductivity(fill_factor: float, k_cu: float, k_resin: float) -> float:
    """Transverse equivalent conductivity of an impregnated slot, W/(m K).

    Hashin-Shtrikman lower bound for parallel round conductors (k_cu) in a continuous resin matrix
    (k_resin), transverse to the wires (the 2-D Maxwell-Garnett form, Hashin & Shtrikman 1962;
    applied to windings by Simpson, Wrobel & Mellor, IEEE TIA 2013):

        k_eq = k_r [(1 + ff) k_c + (1 - ff) k_r] / [(1 - ff) k_c + (1 + ff) k_r]

    ``fill_factor`` is the copper area over the slot area inside the liner (0 < ff < 0.9069, the
    hexagonal packing limit). Wire enamel is lumped into the resin. For ff = 0.45, k_c = 400,
    k_r = 0.25 this gives ~0.66 W/m/K, inside the 0.5-1.5 W/m/K range measured for impregnated
    random windings (Boglietti et al. 2009).
    """
    if not (0.0 < fill_factor < 0.9069):
        raise InputError("fill_factor", fill_factor, "0 < ff < 0.9069 (hexagonal packing limit)")
    ff = fill_factor
    return k_resin * ((1 + ff) * k_cu + (1 - ff) * k_resin) / ((1 - ff) * k_cu + (1 + ff) * k_resin)


# --------------------------------------------------------------------------------------------------
# fluids

# Air at 1 atm: Sutherland viscosity (White, Viscous Fluid Flow, 3rd ed., Table 1-2: mu0 1.716e-5
# Pa s at 273.15 K, S = 110.4 K), ideal-gas density (R = 287.05 J/kg/K), conductivity by the
# Sutherland-type law k = 0.0241 (T/273.15)^1.5 (273.15+194)/(T+194) (White Table 1-3), Pr = 0.71.


def air_properties(T_c: float):
    """(rho kg/m^3, mu Pa s, k W/m/K, cp J/kg/K, Pr) of dry air at 101325 Pa and T_c degC."""
    T = T_c + 273.15
    mu = 1.716e-5 * (T / 273.15) ** 1.5 * (273.15 + 110.4) / (T + 110.4)
    k = 0.0241 * (T / 273.15) ** 1.5 * (273.15 + 194.0) / (T + 194.0)
    rho = 101325.0 / (287.05 * T)
    cp = 1007.0
    return rho, mu, k, cp, cp * mu / k


# 50/50 ethylene glycol - water (by mass). Density: CoreChem "Ethylene glycol / water mixture
# properties" table (mass fraction 0.5); viscosity: Engineering ToolBox table for 50 % by volume
# (4.4, 26.7, 48.9, 71.1, 93.3 degC: 6.5, 2.8, 1.5, 0.95, 0.70 cP), interpolated in log(mu);
# cp and k: ASHRAE Handbook-Fundamentals (2009) ch. 31 tables, rounded (unconfirmed to better
# than ~3 %). Valid 0..100 degC; clipped outside.
_EG_T = np.array([0.0, 20.0, 40.0, 60.0, 80.0, 100.0])
_EG_RHO = np.array([1090.0, 1079.0, 1067.0, 1055.0, 1042.0, 1030.0])
_EG_CP = np.array([3280.0, 3340.0, 3400.0, 3460.0, 3520.0, 3580.0])
_EG_K = np.array([0.364, 0.378, 0.390, 0.400, 0.408, 0.413])
_EG_MU_T = np.array([4.4, 26.7, 48.9, 71.1, 93.3])
_EG_MU = np.array([6.5e-3, 2.8e-3, 1.5e-3, 0.95e-3, 0.70e-3])


@functools.lru_cache(maxsize=64)
def glycol50_properties(T_c: float):
    """(rho, mu, k, cp, Pr) of 50/50 water-ethylene glycol at T_c degC (0..100, clipped). Remembered
    per temperature (a case's designs share their coolant inlet; it is looked up twice per design)."""
    T = min(max(T_c, 0.0), 100.0)
    rho = float(np.interp(T, _EG_T, _EG_RHO))
    cp = float(np.interp(T, _EG_T, _EG_CP))
    k = float(np.interp(T, _EG_T, _EG_K))
    mu = float(np.exp(np.interp(T, _EG_MU_T, np.log(_EG_MU))))
    return rho, mu, k, cp, cp * mu / k


# Automatic-transmission-fluid-type oil (typical ATF/ e-axle oil, ISO VG ~ 20-30 class at 40 degC):
# rho 850 kg/m^3, cp 2000 J/kg/K, k 0.14 W/m/K (typical mineral-oil values, IDBL Table A.5 engine
# oil: rho 850-880, cp 1.9-2.1 kJ/kg/K, k 0.14).
OIL_RHO = 850.0
OIL_CP = 2000.0
OIL_K = 0.14
# Kinematic viscosity of a low-viscosity ATF-type oil at 40 / 100 degC, mm^2/s (cSt): 30 / 6.5, an
# assumption typical of automatic-transmission fluids (not one product's datasheet). The drip film's
# h scales as nu^(-1/3): a factor 2 in nu moves it by 26 %.
OIL_NU40_CST = 30.0
OIL_NU100_CST = 6.5


def walther_viscosity(T_c: float, nu40_cst: float = OIL_NU40_CST, nu100_cst: float = OIL_NU100_CST) -> float:
    """Kinematic viscosity (m^2/s) of a mineral oil at T_c degC from its 40 and 100 degC values by the
    Walther equation (ASTM D341): log10 log10(nu + 0.7) = A - B log10(T), nu in cSt, T in K."""
    if not (nu40_cst > nu100_cst > 0):
        raise InputError("oil viscosity", (nu40_cst, nu100_cst), "nu(40 degC) > nu(100 degC) > 0")
    t1, t2 = math.log10(313.15), math.log10(373.15)
    y1, y2 = math.log10(math.log10(nu40_cst + 0.7)), math.log10(math.log10(nu100_cst + 0.7))
    B = (y1 - y2) / (t2 - t1)
    A = y1 + B * t1
    nu_cst = 10.0 ** (10.0 ** (A - B * math.log10(T_c + 273.15))) - 0.7
    return nu_cst * 1e-6


FALLING_FILM_NU = 1.88  # h delta / k, laminar film, thermally developed, isothermal wall (module doc)
# Mean of sin(theta)^(1/3) over a half circumference: a film running down both sides of a horizontal
# cylinder sees the gravity component g sin(theta), delta ~ sin^(-1/3), h ~ sin^(1/3).
HORIZONTAL_CYLINDER_FILM_FACTOR = math.gamma(2.0 / 3.0) / (math.sqrt(math.pi) * math.gamma(7.0 / 6.0))
G_ACCEL = 9.80665  # m/s^2


def film_thickness(gamma: float, nu: float, rho: float = OIL_RHO) -> float:
    """Nusselt thickness (m) of a laminar film on a vertical wall: delta = (3 nu Gamma / (rho g))^(1/3),
    Gamma the mass flow per unit wetted width (kg/s/m), nu the kinematic viscosity (m^2/s)."""
    if not (gamma > 0 and nu > 0):
        raise InputError("falling film", (gamma, nu), "Gamma > 0 and nu > 0")
    return (3.0 * nu * gamma / (rho * G_ACCEL)) ** (1.0 / 3.0)


def falling_film_h(gamma: float, nu: float, k: float = OIL_K, rho: float = OIL_RHO,
                   horizontal_cylinder: bool = False) -> float:
    """Wall-to-film heat-transfer coefficient (W/m^2/K) of a laminar falling film, thermally
    developed: Nu_delta = 1.88 on the Nusselt thickness; on a horizontal cylinder (film down both
    sides) the circumferential mean, x HORIZONTAL_CYLINDER_FILM_FACTOR (0.824). Valid for film
    Reynolds numbers 4 Gamma / mu below ~1000 (wavy-laminar films transfer more: conservative)."""
    h = FALLING_FILM_NU * k / film_thickness(gamma, nu, rho)
    return h * HORIZONTAL_CYLINDER_FILM_FACTOR if horizontal_cylinder else h

# --------------------------------------------------------------------------------------------------
# internal forced convection


def nusselt_pipe(Re: float, Pr: float, laminar_nu: float = 3.66) -> float:
    """Mean Nusselt number for fully developed flow in a duct (hydraulic diameter basis).

    - Re <= 2300: laminar, Nu = 3.66 (constant wall temperature, circular duct; IDBL eq. 8.55) or the
      value given (4.36 for uniform heat flux).
    - Re >= 1e4: Gnielinski (1976), valid 3e3 < Re < 5e6, 0.5 < Pr < 2000:
      Nu = (f/8)(Re - 1000) Pr / (1 + 12.7 sqrt(f/8)(Pr^(2/3) - 1)),  f = (0.790 ln Re - 1.64)^-2
      (Petukhov friction factor, IDBL eq. 8.21 and 8.62).
    - 2300 < Re < 1e4: Gnielinski (2013) linear interpolation in Re between the laminar value at
      2300 and the turbulent value at 1e4 (his eq. 13-14), which removes the jump at transition.
    """
    if Re <= 0 or Pr <= 0:
        raise InputError("Re/Pr", (Re, Pr), "> 0")
    if Re <= 2300.0:
        return laminar_nu
    if Re >= 1.0e4:
        return gnielinski(Re, Pr)
    g = (Re - 2300.0) / (1.0e4 - 2300.0)
    return (1.0 - g) * laminar_nu + g * gnielinski(1.0e4, Pr)


def gnielinski(Re: float, Pr: float) -> float:
    """Gnielinski (1976) turbulent Nusselt number with the Petukhov friction factor."""
    f = (0.790 * math.log(Re) - 1.64) ** -2
    return (f / 8.0) * (Re - 1000.0) * Pr / (1.0 + 12.7 * math.sqrt(f / 8.0) * (Pr ** (2.0 / 3.0) - 1.0))


def dittus_boelter(Re: float, Pr: float, heating: bool = True) -> float:
    """Dittus-Boelter Nu = 0.023 Re^0.8 Pr^n, n = 0.4 heating the fluid, 0.3 cooling (IDBL eq. 8.60).

    Valid Re > 1e4, 0.6 < Pr < 160, L/D > 10; kept as a cross-check of Gnielinski.
    """
    return 0.023 * Re**0.8 * Pr ** (0.4 if heating else 0.3)


# --------------------------------------------------------------------------------------------------
# air gap (Taylor-Couette with axial-flow-free annulus, inner cylinder rotating)

TA_CRIT = 1697.0  # critical modified Taylor number for the onset of Taylor vortices (Taylor 1923;
# Becker & Kaye 1962 use 1700 as the regime boundary of their correlation).


def taylor_geometric_factor(r_mean: float, gap: float) -> float:
    """Geometric factor F_g of the modified Taylor number (Becker & Kaye 1962, as in Staton 2008).

    F_g = pi^4 / (1697 P) / (1 - g/(2 r_m)),
    P = 0.0571 (1 - 0.652 x) + 0.00056 (1 - 0.652 x)^-1, x = (g/r_m)/(1 - g/r_m).
    F_g -> 1 for a narrow gap (g << r_m).
    """
    x = (gap / r_mean) / (1.0 - gap / r_mean)
    P = 0.0571 * (1.0 - 0.652 * x) + 0.00056 / (1.0 - 0.652 * x)
    return math.pi**4 / (1697.0 * P) / (1.0 - gap / (2.0 * r_mean))


def taylor_number(omega: float, r_rotor: float, gap: float, nu: float, F_g: float | None = None) -> float:
    """Modified Taylor number Ta_m = omega^2 r_m g^3 / nu^2 / F_g (r_m = r_rotor + g/2); ``F_g``:
    :func:`taylor_geometric_factor` of (r_m, g) when the caller already has it."""
    r_m = r_rotor + 0.5 * gap
    if F_g is None:
        F_g = taylor_geometric_factor(r_m, gap)
    return omega**2 * r_m * gap**3 / nu**2 / F_g


def airgap_nusselt(Ta_m: float | np.ndarray) -> float | np.ndarray:
    """Becker & Kaye (1962) air-gap Nusselt number (basis: hydraulic diameter 2 g).

    Ta_m < 1700: Nu = 2 (laminar Couette flow: pure conduction across the gap, h = k/g);
    1700 <= Ta_m < 1e4: Nu = 0.128 Ta_m^0.367 (Taylor vortices);
    Ta_m >= 1e4: Nu = 0.409 Ta_m^0.241 (turbulent). Range of the data: Ta_m < 1e7.
    A float for a scalar Ta_m, an array for an array.
    """
    Ta = np.asarray(Ta_m, dtype=float)
    Nu = np.where(Ta < 1700.0, 2.0, np.where(Ta < 1.0e4, 0.128 * Ta**0.367, 0.409 * Ta**0.241))
    return float(Nu) if Nu.ndim == 0 else Nu


def airgap_h(omega: float, r_rotor: float, gap: float, T_c: float = 80.0) -> float:
    """Air-gap heat-transfer coefficient h = Nu k / (2 g), W/m^2/K, at rotor speed omega (rad/s).

    The value applies on both the rotor and the stator surface; the rotor-stator conductance is
    h A_r and h A_s in series. Air properties at T_c.
    """
    return float(airgap_h_speeds((omega,), r_rotor, gap, T_c)[0])


def airgap_h_speeds(omegas, r_rotor: float, gap: float, T_c: float = 80.0) -> np.ndarray:
    """:func:`airgap_h` at each speed of ``omegas`` (rad/s), W/m^2/K, with the air properties and the
    Taylor geometric factor computed once."""
    rho, mu, k, _, _ = air_properties(T_c)
    F_g = taylor_geometric_factor(r_rotor + 0.5 * gap, gap)
    Ta_m = taylor_number(np.abs(np.asarray(omegas, dtype=float)), r_rotor, gap, mu / rho, F_g)
    return np.asarray(airgap_nusselt(Ta_m)) * k / (2.0 * gap)


def end_space_h(v: float, a: float = 15.0, b: float = 6.75, c: float = 0.65) -> float:
    """End-space (end-winding / end-cap / rotor end) convection h = a + b v^c, W/m^2/K.

    v: rotor peripheral speed, m/s. Default coefficients are Schubert's (1968), listed by
    Boglietti et al. (IEEE TIE 2009, Table II) and Staton et al. (IEEE TEC 2005). The constant a
    covers natural convection at standstill. Motor-CAD-style user coefficients may be passed.
    """
    return a + b * abs(v) ** c


# --------------------------------------------------------------------------------------------------
# external convection


def flat_plate_nusselt(Re_L: float, Pr: float) -> float:
    """Average Nusselt number over a flat plate of length L along the flow (IDBL eq. 7.30, 7.38).

    Laminar (Re_L <= 5e5): Nu = 0.664 Re^0.5 Pr^(1/3); mixed (Re_L > 5e5, transition at 5e5):
    Nu = (0.037 Re^0.8 - 871) Pr^(1/3).
    """
    if Re_L <= 5.0e5:
        return 0.664 * Re_L**0.5 * Pr ** (1.0 / 3.0)
    return (0.037 * Re_L**0.8 - 871.0) * Pr ** (1.0 / 3.0)


def fin_efficiency(h: float, k_fin: float, thickness: float, height: float) -> float:
    """Efficiency of a straight rectangular fin with convective tip: tanh(m Lc)/(m Lc).

    m = sqrt(2 h / (k t)) (fin wide compared with t), corrected length Lc = H + t/2 (IDBL eq. 3.89,
    3.94, Table 3.5).
    """
    m = math.sqrt(2.0 * h / (k_fin * thickness))
    mL = m * (height + 0.5 * thickness)
    return math.tanh(mL) / mL if mL > 0 else 1.0


def natural_convection_cylinder_h(D: float, T_surface_c: float, T_amb_c: float) -> float:
    """Natural convection on a long horizontal cylinder, Churchill & Chu (1975) (IDBL eq. 9.34).

    Nu_D = {0.60 + 0.387 Ra^(1/6) / [1 + (0.559/Pr)^(9/16)]^(8/27)}^2, properties at film temperature.
    """
    Tf = 0.5 * (T_surface_c + T_amb_c)
    rho, mu, k, cp, Pr = air_properties(Tf)
    nu = mu / rho
    alpha = nu / Pr
    beta = 1.0 / (Tf + 273.15)
    Ra = 9.80665 * beta * abs(T_surface_c - T_amb_c) * D**3 / (nu * alpha)
    Nu = (0.60 + 0.387 * Ra ** (1.0 / 6.0) / (1.0 + (0.559 / Pr) ** (9.0 / 16.0)) ** (8.0 / 27.0)) ** 2
    return Nu * k / D


def radiation_h(emissivity: float, T_surface_c: float, T_amb_c: float) -> float:
    """Linearised radiation coefficient eps sigma (Ts^2 + Ta^2)(Ts + Ta), W/m^2/K (IDBL eq. 1.9)."""
    Ts, Ta = T_surface_c + 273.15, T_amb_c + 273.15
    return emissivity * SIGMA_SB * (Ts**2 + Ta**2) * (Ts + Ta)
