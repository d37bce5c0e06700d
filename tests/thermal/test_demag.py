"""Demagnetisation check (motoropt.thermal.demag) against closed forms: the magnet load line, the
temperature laws of Br and HcJ (issue 4's criterion) and the short-circuit transient of a dq
machine; tolerances in each test's docstring."""

import numpy as np
import pytest

from motoropt.constants import MU0
from motoropt.thermal.demag import (
    demag_check,
    demag_margin,
    expm2,
    magnet_field,
    short_circuit_peak_id,
    stator_d_mmf,
)

# Prius-like circuit: 72 series turns/phase, q = 2 full-pitch winding factor 0.966, p = 4
# (ORNL/TM-2004/247); effective gap 0.9 mm (0.73 mm x Carter/saturation ~1.23, our estimate);
# area ratio A_m/A_g = 2 x 18.9 mm / (pi 160.5 mm / 8) = 0.60.
F_D_250A = stator_d_mmf(-250.0, 72, 0.966, 4)


def test_load_line_open_circuit():
    """F_d = 0, k_a = 1: B_m = Br h_m / (h_m + mu_r g) (textbook load line), i.e. H_m = (B_m - Br)/(mu0 mu_r)."""
    Br, mur, h, g = 1.2, 1.05, 5e-3, 1e-3
    H = magnet_field(Br, mur, h, g, 1.0, 0.0)
    Bm = Br * h / (h + mur * g)
    assert H == pytest.approx((Bm - Br) / (MU0 * mur), rel=1e-12)
    # linear in F_d with slope -1 / (h_m + k_a mu_r g) (Ampere's law)
    H2 = magnet_field(Br, mur, h, g, 0.6, 1000.0)
    H1 = magnet_field(Br, mur, h, g, 0.6, 0.0)
    assert (H2 - H1) == pytest.approx(-1000.0 / (h + 0.6 * mur * g), rel=1e-12)


def test_dy_free_thin_hot_fails_and_dy_thick_100c_passes():
    """Issue 4 check. Peak flux-weakening i_d = -250 A.
    Dy-free hot-deformed: HcJ 1600 kA/m at 20 degC, alpha_HcJ -0.5 %/K, Br 1.35 T, alpha_Br
    -0.12 %/K (materials.md: > 1600 kA/m, Sci. Technol. Adv. Mater. 2021), 3 mm magnet at 180 degC:
    HcJ(180) = 320 kA/m -> must FAIL. N42UH-class Dy grade: HcJ 1990 kA/m, -0.5 %/K, Br 1.30 T,
    -0.11 %/K, 7 mm at 100 degC: HcJ(100) = 1194 kA/m -> must PASS."""
    bad = demag_check(1.35, -0.0012, 1600e3, -0.005, 180.0, 1.05, 3e-3, 0.9e-3, 0.6, F_D_250A)
    good = demag_check(1.30, -0.0011, 1990e3, -0.005, 100.0, 1.05, 7e-3, 0.9e-3, 0.6, F_D_250A)
    assert bad["HcJ"] == pytest.approx(320e3)
    assert not bad["ok"] and bad["margin"] < 0
    assert good["ok"] and good["margin"] > 0.2
    # margin falls with temperature and with demagnetising current, and a corner factor lowers it
    ms = [demag_check(1.30, -0.0011, 1990e3, -0.005, T, 1.05, 7e-3, 0.9e-3, 0.6, F_D_250A)["margin"]
          for T in (60, 100, 140, 180)]
    assert np.all(np.diff(ms) < 0)
    H = magnet_field(1.2, 1.05, 7e-3, 0.9e-3, 0.6, F_D_250A)
    assert demag_margin(H, 1194e3, 0.9, 1.3) < demag_margin(H, 1194e3, 0.9, 1.0)


def test_short_circuit_lossless_closed_form():
    """R = 0, L_d = L_q = L, short from no load: i_d(t) = -(psi/L)(1 - cos wt) exactly, peak -2 psi/L
    (the 'factor up to 2'); steady value -psi/L. psi 0.175 Wb (Prius), L 1 mH."""
    i_min, i_ss = short_circuit_peak_id(0.175, 1e-3, 1e-3, 0.0, 2000.0)
    assert i_min == pytest.approx(-350.0, rel=1e-6)
    assert i_ss == pytest.approx(-175.0, rel=1e-12)


def test_short_circuit_with_resistance_and_saliency():
    """With R > 0 and L_q > L_d the transient decays to the steady short-circuit current
    -psi w^2 L_q / (R^2 + w^2 L_d L_q) (dq steady state); the peak lies between that and -2 psi/L_d."""
    psi, Ld, Lq, R, w = 0.175, 1e-3, 2.5e-3, 0.07, 1500.0
    i_min, i_ss = short_circuit_peak_id(psi, Ld, Lq, R, w, n_periods=400, points_per_period=100)
    assert i_ss == pytest.approx(-psi * w**2 * Lq / (R**2 + w**2 * Ld * Lq), rel=1e-12)
    assert -2 * psi / Ld < i_min < i_ss


def test_expm2_matches_the_series():
    """The closed-form 2 x 2 exponential equals scipy's Pade expm (and the exact rotation for a pure
    oscillator) to 1e-12 of the largest entry (rounding of either method for entries up to ~4), for real,
    complex and (nearly) repeated eigenvalues."""
    from scipy.linalg import expm

    rng = np.random.default_rng(3)
    mats = [rng.normal(size=(2, 2)) * sc for sc in (1e-9, 1e-3, 0.3, 1.0, 4.0) for _ in range(20)]
    mats += [np.array([[-0.5, 0.0], [0.0, -0.5]]), np.array([[1.0, 1.0], [0.0, 1.0]]),
             np.array([[-0.00036244, 0.01419867], [-0.01737769, -0.00040097]])]
    for M in mats:
        assert np.allclose(expm2(M), expm(M), rtol=0, atol=1e-12 * np.abs(expm(M)).max())
    w = 0.7
    assert np.allclose(expm2(np.array([[0.0, w], [-w, 0.0]])), [[np.cos(w), np.sin(w)], [-np.sin(w), np.cos(w)]],
                       rtol=0, atol=1e-15)
