"""Materials library: one source of truth for every steel, magnet, conductor and insulation.

Every number carries its public source in a comment or in the entry's ``source`` string. Values
marked "unconfirmed" are secondary/typical figures not checked against a primary datasheet;
"estimate" marks engineering estimates (notably costs). SI units throughout (m, kg, T, A/m, Ohm m,
W/m/K, J/kg/K); temperatures named ``_c`` are in degC.

Models and assumptions
----------------------
Steel B-H: anhysteretic (DC) magnetisation curve, piecewise-linear in the tabulated points, odd in H
(B(-H) = -B(H)). Beyond the last tabulated point the curve continues with slope mu0:
``B = B_last + mu0 (H - H_last)`` (polarisation saturated; never a fitted polynomial).

Steel iron loss: Bertotti three-term separation for sinusoidal flux at frequency f (Hz) and peak
flux density B (T), specific loss in W/kg::

    P = kh f B^2 + kc f^2 B^2 + ke (f B)^1.5

The coefficients were fitted offline (see :func:`fit_bertotti`) by non-negative least squares on the
*relative* residual (each row divided by the measured loss) over the grade's ``loss_points``; the
tests re-run the fit and check the stored numbers, the fit error and that ``kc`` is close to the
classical eddy-current value ``pi^2 sigma d^2 / (6 rho_mass)``.

Magnets: linear reversible temperature coefficients about T_REF_C = 20 degC,
``Br(T) = Br_20 (1 + alpha_Br (T - 20))``, ``HcJ(T) = HcJ_20 (1 + alpha_HcJ (T - 20))``; straight
recoil line of relative permeability ``mu_r``; ``HcB = min(Br / (mu0 mu_r), HcJ)``. The knee
(onset of irreversible demagnetisation) is at ``|H| = knee_fraction * HcJ(T)``, with
``knee_fraction`` the loop squareness Hk/HcJ: 0.9 for sintered / GBD / hot-deformed NdFeB (square
loop, Hk/HcJ >= 0.9 is the usual acceptance figure), 0.75 for anisotropic bonded, 0.7 for isotropic
bonded (rounder loops), 0.85 for sintered ferrite (all "typical", unconfirmed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import MU0, T_REF_C
from motoropt.errors import InputError
from motoropt.jit import njit

# --------------------------------------------------------------------------------------------------
# numba kernels: piecewise-linear B-H tables (odd in H, mu0 slope beyond the table)
# --------------------------------------------------------------------------------------------------


@njit(cache=True, _nrt=False)
def b_of_h_table(H, bh_H, bh_B):
    """B (T) at field H (A/m) from a table (bh_H, bh_B) starting at (0, 0), both strictly ascending.

    Piecewise-linear inside the table, slope mu0 beyond its last point, odd symmetry for H < 0.
    """
    s = 1.0
    h = H
    if h < 0.0:
        s = -1.0
        h = -h
    n = bh_H.shape[0]
    if h >= bh_H[n - 1]:
        return s * (bh_B[n - 1] + MU0 * (h - bh_H[n - 1]))
    k = np.searchsorted(bh_H, h, side="right") - 1
    if k < 0:
        k = 0
    t = (h - bh_H[k]) / (bh_H[k + 1] - bh_H[k])
    return s * (bh_B[k] + t * (bh_B[k + 1] - bh_B[k]))


@njit(cache=True, _nrt=False)
def h_of_b_table(B, bh_H, bh_B):
    """H (A/m) at flux density B (T): exact inverse of :func:`b_of_h_table`."""
    s = 1.0
    b = B
    if b < 0.0:
        s = -1.0
        b = -b
    n = bh_B.shape[0]
    if b >= bh_B[n - 1]:
        return s * (bh_H[n - 1] + (b - bh_B[n - 1]) / MU0)
    k = np.searchsorted(bh_B, b, side="right") - 1
    if k < 0:
        k = 0
    t = (b - bh_B[k]) / (bh_B[k + 1] - bh_B[k])
    return s * (bh_H[k] + t * (bh_H[k + 1] - bh_H[k]))


@njit(cache=True)
def mu_diff_table(H, bh_H, bh_B):
    """Differential permeability dB/dH (H/m) at field H: slope of the segment containing |H|."""
    h = abs(H)
    n = bh_H.shape[0]
    if h >= bh_H[n - 1]:
        return MU0
    k = np.searchsorted(bh_H, h, side="right") - 1
    if k < 0:
        k = 0
    return (bh_B[k + 1] - bh_B[k]) / (bh_H[k + 1] - bh_H[k])


# --------------------------------------------------------------------------------------------------
# Electrical steels
# --------------------------------------------------------------------------------------------------

_TAIL_H = (2.0e5, 5.0e5, 1.0e6, 3.0e6, 1.0e7)  # saturated-tail points of bh_arrays(), A/m


@dataclass(frozen=True)
class Steel:
    """Laminated soft-magnetic steel.

    Attributes:
        name, source: registry key and citation.
        thickness: lamination thickness d, m.
        density: kg/m^3.  resistivity: Ohm m.
        bh_H, bh_B: DC magnetisation curve points, A/m and T, strictly ascending from (0, 0).
        kh, kc, ke: Bertotti coefficients (P in W/kg, f in Hz, B peak in T), fitted to loss_points.
        loss_points: ((f_Hz, B_T, W_per_kg), ...) datasheet points the fit came from.
        yield_strength: Pa.  thermal_conductivity: W/m/K (in-plane).  specific_heat: J/kg/K.
        B_sat: nominal saturation polarisation, T.
    """

    name: str
    source: str
    thickness: float
    density: float
    resistivity: float
    bh_H: tuple
    bh_B: tuple
    kh: float
    kc: float
    ke: float
    loss_points: tuple
    yield_strength: float
    thermal_conductivity: float
    specific_heat: float
    B_sat: float

    def __post_init__(self):
        H = np.asarray(self.bh_H, dtype=float)
        B = np.asarray(self.bh_B, dtype=float)
        if H.shape != B.shape or H.size < 3:
            raise InputError(f"steel[{self.name}].bh_H", H.size, "same length as bh_B, >= 3 points")
        if H[0] != 0.0 or B[0] != 0.0:
            raise InputError(f"steel[{self.name}].bh_H", (H[0], B[0]), "starting at H = 0, B = 0")
        if np.any(np.diff(H) <= 0) or np.any(np.diff(B) <= 0):
            raise InputError(f"steel[{self.name}].bh_B", None, "strictly ascending in H and B")
        for field in ("thickness", "density", "resistivity"):
            if not getattr(self, field) > 0:
                raise InputError(f"steel[{self.name}].{field}", getattr(self, field), "> 0")
        if min(self.kh, self.kc, self.ke) < 0:
            raise InputError(f"steel[{self.name}].kh/kc/ke", (self.kh, self.kc, self.ke), ">= 0")

    def bh_arrays(self):
        """(H, B) float64 arrays for numba kernels: the table plus a saturated tail to H = 1e7 A/m
        along slope mu0 (so kernels never need to extrapolate in practice)."""
        H = np.asarray(self.bh_H, dtype=np.float64)
        B = np.asarray(self.bh_B, dtype=np.float64)
        tail = np.array([h for h in _TAIL_H if h > H[-1]], dtype=np.float64)
        return np.concatenate([H, tail]), np.concatenate([B, B[-1] + MU0 * (tail - H[-1])])

    def B_of_H(self, H):
        """Flux density (T) at field H (A/m); numpy-vectorised, odd, monotone, mu0 tail."""
        Ht, Bt = np.asarray(self.bh_H, float), np.asarray(self.bh_B, float)
        H = np.asarray(H, dtype=float)
        h = np.abs(H)
        b = np.where(h >= Ht[-1], Bt[-1] + MU0 * (h - Ht[-1]), np.interp(h, Ht, Bt))
        return np.sign(H) * b

    def H_of_B(self, B):
        """Field (A/m) at flux density B (T); exact inverse of :meth:`B_of_H`."""
        Ht, Bt = np.asarray(self.bh_H, float), np.asarray(self.bh_B, float)
        B = np.asarray(B, dtype=float)
        b = np.abs(B)
        h = np.where(b >= Bt[-1], Ht[-1] + (b - Bt[-1]) / MU0, np.interp(b, Bt, Ht))
        return np.sign(B) * h

    def specific_loss(self, f, B):
        """Iron loss density, W/kg, for sinusoidal flux of frequency f (Hz) and peak B (T)."""
        f = np.abs(np.asarray(f, dtype=float))
        B = np.abs(np.asarray(B, dtype=float))
        return self.kh * f * B**2 + self.kc * f**2 * B**2 + self.ke * (f * B) ** 1.5

    def kc_classical(self):
        """Classical eddy coefficient pi^2 sigma d^2 / (6 rho_mass), W/kg per (Hz T)^2."""
        return math.pi**2 * self.thickness**2 / (6.0 * self.resistivity * self.density)


def fit_bertotti(loss_points):
    """Fit (kh, kc, ke) >= 0 to ((f, B, P), ...) by NNLS on the relative residual (P_model/P - 1).

    Returns (kh, kc, ke, mean_rel_err, max_rel_err). Used offline to produce the stored numbers.
    """
    from scipy.optimize import nnls

    pts = np.asarray(loss_points, dtype=float)
    f, B, P = pts[:, 0], pts[:, 1], pts[:, 2]
    A = np.column_stack([f * B**2, f**2 * B**2, (f * B) ** 1.5])
    x, _ = nnls(A / P[:, None], np.ones_like(P))
    err = np.abs(A @ x / P - 1.0)
    return float(x[0]), float(x[1]), float(x[2]), float(err.mean()), float(err.max())


def _o(values):
    """Prepend the origin point 0.0 to a B-H column."""
    return (0.0,) + tuple(float(v) for v in values)


# B-H points: /work reference table "B-H curves" (values from the pyleecan material files
# Eomys/pyleecan pyleecan/Data/Material/*.json, Apache-2.0, and the Tata Steel Hi-Lite datasheet).
_H_STD = (50, 100, 200, 300, 500, 1000, 2500, 5000, 10000, 20000, 50000, 100000)

# Loss points (f Hz, B T, W/kg): Epstein, sinusoidal. NO20 from the Tata Steel Hi-Lite NO20
# datasheet; the others from the pyleecan material files (as tabulated in the project reference).
_LOSS_NO20 = ((50, 1.0, 0.80), (50, 1.5, 2.02), (400, 1.0, 11.2), (400, 1.5, 28.0), (1000, 1.0, 42.4))
_LOSS_M235 = ((50, 1.0, 0.92), (50, 1.5, 2.25), (400, 1.0, 16.9), (400, 1.5, 41.2), (1000, 1.0, 71.5))
_LOSS_M19 = ((50, 1.0, 1.09), (50, 1.5, 2.56), (400, 1.0, 18.9), (400, 1.5, 44.4), (1000, 1.0, 80.0))
_LOSS_M400 = ((50, 1.0, 1.49), (50, 1.5, 3.57), (400, 1.0, 35.9), (400, 1.5, 91.7), (1000, 1.0, 173.0))

# VACOFLUX 48 (VACUUMSCHMELZE 49Co-1.9V-Fe): B-H curve and loss table as digitised from the VAC
# datasheet in TUM FTM's MEAPA tool (github.com/TUMFTM/Electric_Machine_Design,
# "MEAPA+Optimization/5_Material/1_ElectricalSheet/VACOFLUX 48.mat", commit 25c1ecc).
# The file gives no strip thickness; 0.35 mm is assumed (unconfirmed): the fitted kc is 0.77x the
# classical value for 0.35 mm / 0.44 uOhm m, i.e. an equivalent thickness of 0.31 mm.
_FECO_H = (20, 25, 30, 35.0131, 40, 45.0131, 50, 54.9869, 60, 64.9869, 70, 80, 90, 100, 120, 140,
           160, 180, 200, 250, 300, 349.869, 400, 449.869, 500, 549.869, 599.738, 649.606, 699.475,
           799.738, 899.213, 999.475, 1402.1, 1601.31, 1800.52, 2001.05, 2199.74, 2401.84, 2599.21,
           2797.9, 3000, 3503.94, 4018.37, 5498.69, 6524.93, 7976.38, 13976.4, 14971.1, 16005.2)
_FECO_B = (0.090663, 0.15752, 0.27312, 0.4853, 0.85377, 1.2896, 1.4799, 1.5744, 1.6368, 1.6823,
           1.7187, 1.7731, 1.8135, 1.8459, 1.8942, 1.931, 1.9586, 1.9833, 2.0031, 2.0443, 2.0707,
           2.0922, 2.1114, 2.1271, 2.1405, 2.1521, 2.1618, 2.1708, 2.1787, 2.1924, 2.2029, 2.2123,
           2.2392, 2.2464, 2.2525, 2.2574, 2.2612, 2.2646, 2.268, 2.271, 2.2733, 2.2774, 2.2808,
           2.2874, 2.2902, 2.2928, 2.3031, 2.3047, 2.3062)
_FECO_F = (50, 60, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000)
_FECO_P = {  # W/kg at (B, f)
    0.5: (0.262, 0.325, 0.592, 1.419, 2.459, 3.707, 5.104, 6.666, 8.363, 10.44, 12.4, 14.59),
    1.0: (0.75, 0.93, 1.768, 4.541, 8.057, 12.25, 17.19, 22.79, 29.15, 36.07, 43.88, 52.36),
    1.5: (1.404, 1.769, 3.488, 9.527, 17.98, 28.83, 41.97, 57.9, 75.96, 96.37, 119.8, 144.6),
    2.0: (2.25, 2.865, 5.903, 17.62, 35.49, 59.56, 89.67, 125.2, 167.4, 214.8, 269.1, 334.7),
}
_LOSS_FECO = tuple((float(f), B, P) for B, row in _FECO_P.items() for f, P in zip(_FECO_F, row))

STEELS: dict[str, Steel] = {}


def _add_steel(s: Steel):
    STEELS[s.name] = s


_add_steel(Steel(
    name="NO20-1200H",
    source="Tata Steel Hi-Lite NO20 datasheet (B-H, losses); density/resistivity/mechanical/thermal "
           "typical for 0.20 mm high-Si NO grades (unconfirmed)",
    thickness=0.20e-3,
    density=7650.0,  # typical thin high-Si NO (unconfirmed)
    resistivity=0.52e-6,  # typical thin high-Si NO (unconfirmed)
    bh_H=_o(_H_STD[:10]),
    bh_B=_o((0.590, 1.040, 1.260, 1.310, 1.378, 1.448, 1.553, 1.646, 1.733, 1.785)),
    kh=1.573314e-02, kc=2.920729e-05, ke=8.064394e-06,  # fit: mean 6.3 %, max 11.5 %
    loss_points=_LOSS_NO20,
    yield_strength=420e6,  # typical thin NO grades (unconfirmed)
    thermal_conductivity=25.0,  # in-plane, typical 3 % SiFe (unconfirmed)
    specific_heat=490.0,  # typical SiFe (unconfirmed)
    B_sat=2.0,  # nominal 3 % SiFe saturation polarisation (unconfirmed)
))
_add_steel(Steel(
    name="M235-35A",
    source="pyleecan M235-35A.json (B-H, rho 4.6e-7 Ohm m, density 7650); EN 10106 grade "
           "P1.5/50 <= 2.35 W/kg; losses as tabulated in the project reference",
    thickness=0.35e-3,
    density=7650.0,  # pyleecan M235-35A.json
    resistivity=0.46e-6,  # pyleecan M235-35A.json
    bh_H=_o(_H_STD),
    bh_B=_o((0.572, 1.039, 1.258, 1.321, 1.395, 1.450, 1.557, 1.657, 1.788, 1.926,
                 2.018, 2.080)),
    kh=1.539636e-02, kc=5.504414e-05, ke=2.029484e-04,  # fit: mean 6.0 %, max 11.0 %
    loss_points=_LOSS_M235,
    yield_strength=455e6,  # typical M235-35A catalogue value (unconfirmed)
    thermal_conductivity=25.0,  # typical (unconfirmed)
    specific_heat=490.0,  # typical (unconfirmed)
    B_sat=2.0,  # nominal (unconfirmed)
))
_add_steel(Steel(
    name="M19_29Ga",
    source="pyleecan M19_29Ga.json (B-H, losses as tabulated in the project reference). Used for "
           "the 2004 Prius stator/rotor: ORNL/TM-2010/253 reports M19 for the 2010 Prius; ORNL "
           "measured 0.33 mm laminations on the 2004 motor, 29 gauge (0.356 mm) is the nearest "
           "M19 gauge",
    thickness=0.356e-3,
    density=7700.0,  # project reference (M19 7700 kg/m^3)
    resistivity=0.52e-6,  # typical M19 (unconfirmed)
    bh_H=_o(_H_STD),
    bh_B=_o((0.528, 0.958, 1.248, 1.337, 1.413, 1.492, 1.593, 1.684, 1.802, 1.923,
                 2.050, 2.146)),
    kh=1.746967e-02, kc=5.551763e-05, ke=3.553733e-04,  # fit: mean 4.1 %, max 7.8 %
    loss_points=_LOSS_M19,
    yield_strength=360e6,  # typical M19 fully processed (unconfirmed)
    thermal_conductivity=25.0,  # typical (unconfirmed)
    specific_heat=490.0,  # typical (unconfirmed)
    B_sat=2.0,  # nominal (unconfirmed)
))
_add_steel(Steel(
    name="M400-50A",
    source="pyleecan M400-50A.json (B-H, losses as tabulated in the project reference); EN 10106 "
           "P1.5/50 <= 4.00 W/kg",
    thickness=0.50e-3,
    density=7650.0,  # project reference
    resistivity=0.42e-6,  # typical M400-50A (unconfirmed)
    bh_H=_o(_H_STD),
    bh_B=_o((0.250, 0.500, 0.900, 1.050, 1.175, 1.308, 1.504, 1.639, 1.785, 1.905,
                 2.073, 2.206)),
    kh=2.285501e-02, kc=1.651085e-04, ke=0.0,  # fit: mean 5.7 %, max 12.7 %
    loss_points=_LOSS_M400,
    yield_strength=310e6,  # typical M400-50A (unconfirmed)
    thermal_conductivity=30.0,  # lower Si -> higher conductivity, typical (unconfirmed)
    specific_heat=490.0,  # typical (unconfirmed)
    B_sat=2.05,  # nominal (unconfirmed)
))
_add_steel(Steel(
    name="FeCo_49Co2V",
    source="VACUUMSCHMELZE VACOFLUX 48 (49Co-2V-Fe) datasheet curves as digitised in TUM FTM MEAPA "
           "(github TUMFTM/Electric_Machine_Design, 5_Material/1_ElectricalSheet/VACOFLUX 48.mat): "
           "B-H to 16 kA/m and losses 50-1000 Hz x 0.5-2.0 T, density 8120; thickness 0.35 mm, "
           "resistivity, yield, thermal values unconfirmed",
    thickness=0.35e-3,  # assumed, unconfirmed (see comment above _FECO_H)
    density=8120.0,  # MEAPA VACOFLUX 48.mat
    resistivity=0.44e-6,  # typical 49Co-2V (VACOFLUX 48 / Hiperco 50 ~0.40-0.44 uOhm m), unconfirmed
    bh_H=_o(_FECO_H),
    bh_B=_o(_FECO_B),
    # fit over all 48 points: mean 11.3 %, max 29 %. The fixed B^2 law is the limit: the measured
    # 50 Hz loss rises as B^1.55 between 0.5 and 2.0 T (see tests), not B^2.
    kh=9.792337e-03, kc=4.359994e-05, ke=2.891243e-04,
    loss_points=_LOSS_FECO,
    yield_strength=250e6,  # typical annealed for best magnetic properties (unconfirmed)
    thermal_conductivity=30.0,  # typical 49Co-2V (unconfirmed)
    specific_heat=420.0,  # typical (unconfirmed)
    B_sat=2.35,  # VACOFLUX 48 nominal saturation polarisation ~2.35 T (unconfirmed)
))


# --------------------------------------------------------------------------------------------------
# Permanent magnets
# --------------------------------------------------------------------------------------------------

MAGNET_KINDS = ("sintered", "sintered-gbd", "hot-deformed", "bonded-anisotropic",
                "bonded-isotropic", "ferrite")
_KNEE_FRACTION = {"sintered": 0.9, "sintered-gbd": 0.9, "hot-deformed": 0.9,
                  "bonded-anisotropic": 0.75, "bonded-isotropic": 0.7, "ferrite": 0.85}


@dataclass(frozen=True)
class Magnet:
    """Permanent-magnet grade (linear temperature model about 20 degC, straight recoil line).

    Attributes:
        name, source, kind (one of MAGNET_KINDS).
        Br_20: remanence at 20 degC, T.  HcJ_20: intrinsic coercivity at 20 degC, A/m.
        alpha_Br, alpha_HcJ: reversible temperature coefficients, 1/K (e.g. -0.0012).
        mu_r: recoil relative permeability.  density: kg/m^3.  resistivity: Ohm m.
        rare_earth_fraction: mass fraction Nd+Pr+Dy+Tb.  dy_fraction: mass fraction Dy+Tb.
        max_temperature_c: maker's maximum working temperature, degC.
        cost_per_kg: USD/kg (all estimates unless the source says otherwise).
        thermal_conductivity: W/m/K.  specific_heat: J/kg/K.
        knee_fraction: Hk/HcJ loop squareness; None -> default for the kind (module docstring).
    """

    name: str
    source: str
    kind: str
    Br_20: float
    HcJ_20: float
    alpha_Br: float
    alpha_HcJ: float
    mu_r: float
    density: float
    resistivity: float
    rare_earth_fraction: float
    dy_fraction: float
    max_temperature_c: float
    cost_per_kg: float
    thermal_conductivity: float
    specific_heat: float
    knee_fraction: float | None = None

    def __post_init__(self):
        if self.kind not in MAGNET_KINDS:
            raise InputError(f"magnet[{self.name}].kind", self.kind, f"one of {list(MAGNET_KINDS)}")
        for field in ("Br_20", "HcJ_20", "mu_r", "density", "resistivity"):
            if not getattr(self, field) > 0:
                raise InputError(f"magnet[{self.name}].{field}", getattr(self, field), "> 0")
        if not 0.0 <= self.dy_fraction <= self.rare_earth_fraction <= 1.0:
            raise InputError(f"magnet[{self.name}].dy_fraction", self.dy_fraction,
                             "0 <= dy_fraction <= rare_earth_fraction <= 1")
        if self.knee_fraction is None:
            object.__setattr__(self, "knee_fraction", _KNEE_FRACTION[self.kind])

    def Br(self, T_c):
        """Remanence at T_c (degC), T."""
        return self.Br_20 * (1.0 + self.alpha_Br * (np.asarray(T_c, dtype=float) - T_REF_C))

    def HcJ(self, T_c):
        """Intrinsic coercivity at T_c (degC), A/m (rises with T for ferrite: alpha_HcJ > 0)."""
        return self.HcJ_20 * (1.0 + self.alpha_HcJ * (np.asarray(T_c, dtype=float) - T_REF_C))

    def HcB(self, T_c):
        """Normal coercivity at T_c, A/m: min(Br/(mu0 mu_r), HcJ)."""
        return np.minimum(self.Br(T_c) / (MU0 * self.mu_r), self.HcJ(T_c))

    def H_knee(self, T_c):
        """Magnitude of the demagnetising field (A/m) at which the recoil line meets the knee of the
        intrinsic curve: knee_fraction * HcJ(T_c) (loop squareness assumption, see module doc).
        Operating with |H| above this causes irreversible loss of Br."""
        return self.knee_fraction * self.HcJ(T_c)


MAGNETS: dict[str, Magnet] = {}


def _add_magnet(m: Magnet):
    MAGNETS[m.name] = m


# Generic sintered NdFeB data (project reference "Permanent magnets", which follows common maker
# tables, e.g. Shanghai Magnet / MPCO grade tables): recoil 1.05, density 7.4-7.6 g/cm^3,
# resistivity 1.4-1.6 uOhm m, RE ~30-32 wt %, NdFeB thermal conductivity ~8.5 W/m/K and specific
# heat ~450 J/kg/K (pyleecan N42UH.json HT block: lambda 8.5, Cp 450).
_add_magnet(Magnet(
    name="N42", kind="sintered",
    source="class N (HcJ min 955 kA/m, 80 degC), N42 Br 1.28-1.32 T, aBr -0.12 %/K, aHcJ -0.76 %/K "
           "(maker grade tables, e.g. en.shanghaimagnet.com); no Dy; cost estimate",
    Br_20=1.30, HcJ_20=955e3, alpha_Br=-0.0012, alpha_HcJ=-0.0076, mu_r=1.05,
    density=7500.0, resistivity=1.5e-6,
    rare_earth_fraction=0.31, dy_fraction=0.0,
    max_temperature_c=80.0, cost_per_kg=50.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))
_add_magnet(Magnet(
    name="N48SH", kind="sintered",
    source="class SH (HcJ min 1592 kA/m, 150 degC), N48SH Br 1.37-1.42 T; aBr -0.11 %/K, aHcJ "
           "-0.55 %/K typical Dy grades; Dy ~4 wt % estimate (Dy content rises with class, several "
           "wt % for SH-AH: Arnold Magnetic Technologies, 'The important role of dysprosium in "
           "modern permanent magnets'), unconfirmed; cost estimate",
    Br_20=1.395, HcJ_20=1592e3, alpha_Br=-0.0011, alpha_HcJ=-0.0055, mu_r=1.05,
    density=7550.0, resistivity=1.5e-6,
    rare_earth_fraction=0.315, dy_fraction=0.04,  # Dy estimate, unconfirmed
    max_temperature_c=150.0, cost_per_kg=70.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))
_add_magnet(Magnet(
    name="N42UH", kind="sintered",
    source="class UH (HcJ min 1990 kA/m, 180 degC), N42UH Br 1.28-1.32 T; aBr -0.11 %/K and "
           "resistivity 1.8 uOhm m, density 7650, lambda 8.5, Cp 450 from pyleecan N42UH.json; "
           "aHcJ -0.50 %/K typical; Dy ~6 wt % estimate after Arnold Magnetic Technologies, "
           "'The important role of dysprosium in modern permanent magnets' (unconfirmed); "
           "cost estimate",
    Br_20=1.30, HcJ_20=1990e3, alpha_Br=-0.0011, alpha_HcJ=-0.0050, mu_r=1.05,
    density=7650.0, resistivity=1.8e-6,
    rare_earth_fraction=0.32, dy_fraction=0.06,  # Dy estimate, unconfirmed
    max_temperature_c=180.0, cost_per_kg=90.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))

# 2004 Prius (grade not published). Br, alpha_Br, mu_r: pyleecan Toyota_Prius machine /
# MagnetPrius.json assumption (Br 1.24 T at 20 degC, -0.1 %/K, mu_r 1.05). HcJ: straight line
# through ORNL's two measurements on the 2010 Prius magnet (ORNL/TM-2010/253: HcJ 1142.7 kA/m at
# 114 degC, 433.7 kA/m at 215 degC) extrapolated to 20 degC -> 1802.6 kA/m, alpha -0.389 %/K.
_HCJ_114, _HCJ_215 = 1142.7e3, 433.7e3
_dHcJ_dT = (_HCJ_215 - _HCJ_114) / (215.0 - 114.0)
_HCJ_PRIUS_20 = _HCJ_114 + _dHcJ_dT * (T_REF_C - 114.0)
_add_magnet(Magnet(
    name="prius2004", kind="sintered",
    source="Br 1.24 T / aBr -0.1 %/K / mu_r 1.05: pyleecan Toyota_Prius assumption; HcJ: ORNL/TM-"
           "2010/253 2010-Prius magnet measurements (114 and 215 degC) extrapolated linearly to "
           "20 degC (the 2004 magnet itself was not measured); Dy content and cost estimates",
    Br_20=1.24, HcJ_20=_HCJ_PRIUS_20, alpha_Br=-0.001, alpha_HcJ=_dHcJ_dT / _HCJ_PRIUS_20,
    mu_r=1.05, density=7500.0, resistivity=1.5e-6,  # density: 77 g per 83.1x18.9x6.5 mm -> 7540
    rare_earth_fraction=0.31, dy_fraction=0.05,  # estimate: HcJ ~1.8 MA/m at 20 degC needs Dy
    max_temperature_c=150.0, cost_per_kg=70.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))
# 2010 Prius magnet entirely from ORNL/TM-2010/253 (Br 1.220 T / HcJ 1142.7 kA/m at 114 degC;
# Br 1.051 T / HcJ 433.7 kA/m at 215 degC): straight lines through both points.
_BR_114, _BR_215 = 1.220, 1.051
_dBr_dT = (_BR_215 - _BR_114) / (215.0 - 114.0)
_BR_2010_20 = _BR_114 + _dBr_dT * (T_REF_C - 114.0)
_add_magnet(Magnet(
    name="prius2010", kind="sintered",
    source="ORNL/TM-2010/253 measured 2010 Prius magnet at 114 and 215 degC, linear in T through "
           "both points (extrapolation to 20 degC is ours); mu_r, density, Dy, cost estimates",
    Br_20=_BR_2010_20, HcJ_20=_HCJ_PRIUS_20, alpha_Br=_dBr_dT / _BR_2010_20,
    alpha_HcJ=_dHcJ_dT / _HCJ_PRIUS_20, mu_r=1.05, density=7500.0, resistivity=1.5e-6,
    rare_earth_fraction=0.31, dy_fraction=0.05,  # estimate
    max_temperature_c=150.0, cost_per_kg=70.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))
_add_magnet(Magnet(
    name="N48SH_GBD", kind="sintered-gbd",
    source="grain-boundary-diffused SH-class grade: reaches SH HcJ (1592 kA/m) with ~0.8 wt % "
           "Tb/Dy diffused at grain boundaries instead of ~4 wt % bulk Dy (project reference; "
           "figure is an estimate, unconfirmed); Br kept near the Dy-free value; cost estimate",
    Br_20=1.40, HcJ_20=1592e3, alpha_Br=-0.0011, alpha_HcJ=-0.0055, mu_r=1.05,
    density=7550.0, resistivity=1.5e-6,
    rare_earth_fraction=0.31, dy_fraction=0.008,  # estimate, unconfirmed
    max_temperature_c=150.0, cost_per_kg=62.0,  # estimate
    thermal_conductivity=8.5, specific_heat=450.0,
))
_add_magnet(Magnet(
    name="HD_HREfree", kind="hot-deformed",
    source="Daido Electronics heavy-RE-free hot-deformed NdFeB (2016 Honda Freed i-DCD motor; Daido/"
           "Honda press release 12 Jul 2016): HcJ > 1600 kA/m reported for HRE-free grades (Sci. "
           "Technol. Adv. Mater. 2021); Br 1.30 T (1.3-1.4 T, unconfirmed); temperature "
           "coefficients typical/unconfirmed; cost estimate",
    Br_20=1.30, HcJ_20=1600e3, alpha_Br=-0.0011, alpha_HcJ=-0.0045, mu_r=1.05,
    density=7600.0, resistivity=1.4e-6,  # unconfirmed
    rare_earth_fraction=0.30, dy_fraction=0.0,
    max_temperature_c=150.0, cost_per_kg=60.0,  # estimate
    thermal_conductivity=8.0, specific_heat=450.0,  # assumed ~ sintered NdFeB
))
_add_magnet(Magnet(
    name="MF18C", kind="bonded-anisotropic",
    source="Aichi Steel MAGFINE MF18C (compression-moulded anisotropic bonded, d-HDDR powder, "
           "Dy-free, use to 150 degC; MAGFINE technical datasheet): ~18 MGOe, Br ~0.90 T, density "
           "~6.0 g/cm^3 (unconfirmed); HcJ ~1000 kA/m, aBr -0.13 %/K, aHcJ -0.50 %/K, mu_r 1.10, "
           "resistivity ~1e-4 Ohm m: estimates, unconfirmed (datasheet table not read); cost estimate",
    Br_20=0.90, HcJ_20=1000e3, alpha_Br=-0.0013, alpha_HcJ=-0.0050, mu_r=1.10,
    density=6000.0, resistivity=1.0e-4,
    rare_earth_fraction=0.27, dy_fraction=0.0,  # ~28 wt % RE powder x ~97 wt % powder (estimate)
    max_temperature_c=150.0, cost_per_kg=60.0,  # estimate
    thermal_conductivity=2.0, specific_heat=450.0,  # resin-bonded, estimate
))
_add_magnet(Magnet(
    name="bonded_iso_NdFeB", kind="bonded-isotropic",
    source="isotropic bonded NdFeB (compression moulded, MQ-type powder): Br 0.62-0.70 T, HcJ "
           "600-720 kA/m, mu_rec 1.2, density 5.6-6.0 g/cm^3, aBr -0.11 %/K (maker tables, e.g. "
           "mpcomagnetics.com BNP grades; project reference); aHcJ -0.40 %/K, resistivity: "
           "estimates; cost estimate",
    Br_20=0.66, HcJ_20=660e3, alpha_Br=-0.0011, alpha_HcJ=-0.0040, mu_r=1.2,
    density=5800.0, resistivity=1.0e-4,
    rare_earth_fraction=0.26, dy_fraction=0.0,
    max_temperature_c=150.0, cost_per_kg=45.0,  # estimate
    thermal_conductivity=2.0, specific_heat=450.0,  # estimate
))
_add_magnet(Magnet(
    name="ferrite_SrLaCo", kind="ferrite",
    source="sintered Sr/La-Co ferrite: Br 0.44-0.48 T, HcJ 350-500 kA/m, aBr -0.18 to -0.20 %/K, "
           "aHcJ +0.1 to +0.3 %/K, density 4.9-5.1 g/cm^3 (project reference, unconfirmed); "
           "mu_r 1.1, resistivity, thermal data and cost: typical/estimates",
    Br_20=0.46, HcJ_20=400e3, alpha_Br=-0.0019, alpha_HcJ=+0.0020, mu_r=1.1,
    density=5000.0, resistivity=1.0e2,  # ceramic, ~1e2 Ohm m (unconfirmed)
    rare_earth_fraction=0.0, dy_fraction=0.0,
    max_temperature_c=250.0, cost_per_kg=5.0,  # estimate
    thermal_conductivity=4.0, specific_heat=750.0,  # typical hexaferrite (unconfirmed)
))


# --------------------------------------------------------------------------------------------------
# Conductors
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conductor:
    """Winding / cage conductor. resistivity_20 Ohm m at 20 degC, alpha 1/K (linear),
    density kg/m^3, thermal_conductivity W/m/K, specific_heat J/kg/K."""

    name: str
    source: str
    resistivity_20: float
    alpha: float
    density: float
    thermal_conductivity: float
    specific_heat: float

    def resistivity(self, T_c):
        """rho(T) = rho_20 (1 + alpha (T_c - 20)), Ohm m."""
        return self.resistivity_20 * (1.0 + self.alpha * (np.asarray(T_c, dtype=float) - T_REF_C))


CONDUCTORS: dict[str, Conductor] = {
    "copper": Conductor(
        name="copper",
        source="IACS annealed copper 1.724e-8 Ohm m at 20 degC, alpha 0.00393/K; density 8890-8960 "
               "(project reference); lambda ~390 W/m/K, cp 385 J/kg/K (handbook, unconfirmed)",
        resistivity_20=1.724e-8, alpha=0.00393, density=8900.0,
        thermal_conductivity=390.0, specific_heat=385.0,
    ),
    "aluminium": Conductor(
        name="aluminium",
        source="EC-grade aluminium 2.82e-8 Ohm m at 20 degC, alpha 0.00403/K, 2700 kg/m^3 (project "
               "reference); lambda ~230 W/m/K, cp 900 (handbook, unconfirmed)",
        resistivity_20=2.82e-8, alpha=0.00403, density=2700.0,
        thermal_conductivity=230.0, specific_heat=900.0,
    ),
    "die_cast_aluminium": Conductor(
        name="die_cast_aluminium",
        source="die-cast rotor aluminium 3.0-3.6e-8 Ohm m (project reference; mid value 3.3e-8); "
               "alpha 0.0039/K, lambda 180, cp 900: typical, unconfirmed",
        resistivity_20=3.3e-8, alpha=0.0039, density=2700.0,
        thermal_conductivity=180.0, specific_heat=900.0,
    ),
}


# --------------------------------------------------------------------------------------------------
# Insulation / impregnation
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Insulation:
    """Electrical insulation / impregnation: thermal_conductivity W/m/K, density kg/m^3,
    specific_heat J/kg/K, max_temperature_c (thermal class) degC."""

    name: str
    source: str
    thermal_conductivity: float
    density: float
    specific_heat: float
    max_temperature_c: float


INSULATIONS: dict[str, Insulation] = {
    "slot_liner": Insulation(
        "slot_liner", "slot insulation ~1200 kg/m^3, lambda ~0.2 W/m/K (project reference); "
        "cp 1200 and class H 180 degC typical (unconfirmed)", 0.2, 1200.0, 1200.0, 180.0),
    "impregnation_varnish": Insulation(
        "impregnation_varnish", "unfilled polyester/epoxy impregnating resin: lambda ~0.2-0.25 W/m/K, "
        "~1150 kg/m^3 (typical, unconfirmed)", 0.22, 1150.0, 1300.0, 180.0),
    "potting_epoxy_filled": Insulation(
        "potting_epoxy_filled", "mineral-filled thermally conductive epoxy potting: lambda ~0.8-1.0 "
        "W/m/K, ~2000 kg/m^3 (typical, unconfirmed)", 0.8, 2000.0, 1000.0, 180.0),
}
SLOT_LINER = INSULATIONS["slot_liner"]
VARNISH = INSULATIONS["impregnation_varnish"]


# --------------------------------------------------------------------------------------------------
# Registry look-ups
# --------------------------------------------------------------------------------------------------


def _get(registry, name, field):
    try:
        return registry[name]
    except (KeyError, TypeError):
        raise InputError(field, name, f"one of {sorted(registry)}") from None


def get_steel(name: str, field: str = "steel") -> Steel:
    """Steel by registry key (case-sensitive); InputError(field, name, 'one of [...]') if unknown."""
    return _get(STEELS, name, field)


def get_magnet(name: str, field: str = "magnet") -> Magnet:
    """Magnet by registry key (case-sensitive); InputError naming ``field`` if unknown."""
    return _get(MAGNETS, name, field)


def get_conductor(name: str, field: str = "conductor") -> Conductor:
    """Conductor by registry key (case-sensitive); InputError naming ``field`` if unknown."""
    return _get(CONDUCTORS, name, field)


def get_insulation(name: str, field: str = "insulation") -> Insulation:
    """Insulation by registry key (case-sensitive); InputError naming ``field`` if unknown."""
    return _get(INSULATIONS, name, field)
