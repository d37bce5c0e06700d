"""Tests of the materials library (motoropt.materials).

References: the datasheet loss points stored with each steel (Tata Hi-Lite NO20, pyleecan material
files, VACOFLUX 48 via TUM FTM MEAPA), the classical eddy-current loss of a lamination
(pi^2 sigma d^2 / (6 rho_mass)), and ORNL/TM-2010/253's measured 2010 Prius magnet
(Br 1.220 T / HcJ 1142.7 kA/m at 114 degC, Br 1.051 T / HcJ 433.7 kA/m at 215 degC).
"""

import math

import numpy as np
import pytest
from scipy.optimize import nnls

from motoropt import materials as mat
from motoropt.constants import MU0
from motoropt.errors import InputError

SIFE = ["NO20-1200H", "M235-35A", "M19_29Ga", "M400-50A"]
ALL_STEELS = SIFE + ["FeCo_49Co2V"]


def _rel_err(steel):
    pts = np.asarray(steel.loss_points, float)
    return np.abs(steel.specific_loss(pts[:, 0], pts[:, 1]) / pts[:, 2] - 1.0)


# ---------------------------------------------------------------- Bertotti fits
@pytest.mark.parametrize("name", SIFE)
def test_sife_fit_reproduces_datasheet_points(name):
    """Stored kh, kc, ke reproduce the 5 datasheet loss points (50/400/1000 Hz, 1.0/1.5 T) of each
    SiFe grade with mean relative error <= 8 % and max <= 13 % (achieved: NO20 6.3/11.5 %,
    M235-35A 6.0/11.0 %, M19 4.1/7.8 %, M400-50A 5.7/12.7 %)."""
    err = _rel_err(mat.get_steel(name))
    assert err.mean() <= 0.08
    assert err.max() <= 0.13


def test_feco_fit_error_and_its_cause():
    """FeCo (VACOFLUX 48, 48 points 50-1000 Hz x 0.5-2.0 T): mean error 11.3 %, max 29 %. The
    limit is the model's fixed B^2 law: the datasheet's own 50 Hz losses scale as B^1.55 between
    0.5 and 2.0 T (log(2.25/0.262)/log 4), far from 2, so no (kh, kc, ke) can do much better."""
    steel = mat.get_steel("FeCo_49Co2V")
    err = _rel_err(steel)
    assert err.mean() <= 0.12
    assert err.max() <= 0.30
    pts = {(f, B): P for f, B, P in steel.loss_points}
    exponent = math.log(pts[(50.0, 2.0)] / pts[(50.0, 0.5)]) / math.log(4.0)
    assert exponent == pytest.approx(1.55, abs=0.01)
    # between 1.0 and 1.5 T, where motors work, every point is within 20 % (achieved max 19.4 %,
    # at 1 kHz / 1.0 T)
    pts_arr = np.asarray(steel.loss_points, float)
    mid = (pts_arr[:, 1] >= 1.0) & (pts_arr[:, 1] <= 1.5)
    assert err[mid].max() <= 0.20


@pytest.mark.parametrize("name", ALL_STEELS)
def test_refit_gives_stored_coefficients(name):
    """Re-running NNLS (scipy.optimize.nnls) on the relative residual over loss_points reproduces
    the stored coefficients to 1e-4 relative (stored numbers have 7 significant digits)."""
    steel = mat.get_steel(name)
    pts = np.asarray(steel.loss_points, float)
    f, B, P = pts.T
    A = np.column_stack([f * B**2, f**2 * B**2, (f * B) ** 1.5])
    x, _ = nnls(A / P[:, None], np.ones_like(P))
    stored = np.array([steel.kh, steel.kc, steel.ke])
    np.testing.assert_allclose(x, stored, rtol=1e-4, atol=1e-10)
    kh, kc, ke, mean_err, _ = mat.fit_bertotti(steel.loss_points)
    np.testing.assert_allclose([kh, kc, ke], stored, rtol=1e-4, atol=1e-10)
    assert mean_err == pytest.approx(_rel_err(steel).mean(), rel=1e-3)


@pytest.mark.parametrize("name", ALL_STEELS)
def test_kc_near_classical_eddy(name):
    """Fitted kc within a factor 2 of pi^2 sigma d^2 / (6 rho_mass) (classical eddy loss of a
    lamination of thickness d, uniform flux). Reference: project materials table quotes
    ~1.7e-5 (0.20 mm), 5.1e-5 (0.35 mm), 1.0e-4 (0.50 mm). Achieved ratios 0.77-1.77."""
    steel = mat.get_steel(name)
    kc_cl = math.pi**2 * steel.thickness**2 / (6 * steel.resistivity * steel.density)
    assert kc_cl == pytest.approx(steel.kc_classical())
    assert 0.5 <= steel.kc / kc_cl <= 2.0


def test_thin_grade_has_lowest_high_frequency_loss():
    """Ordering check against the datasheets at 1 kHz / 1 T: NO20 (42.4) < M235 (71.5) < M19 (80)
    < M400 (173 W/kg); the fitted models keep this order."""
    p = [mat.get_steel(n).specific_loss(1000.0, 1.0) for n in SIFE]
    assert p == sorted(p)


def test_specific_loss_vectorised_and_even():
    """specific_loss broadcasts over numpy arrays and is even in B and f (loss depends on |B|)."""
    s = mat.get_steel("M235-35A")
    f = np.array([50.0, 400.0, 1000.0])[:, None]
    B = np.array([-1.5, 0.5, 1.5])[None, :]
    P = s.specific_loss(f, B)
    assert P.shape == (3, 3)
    np.testing.assert_allclose(P[:, 0], P[:, 2])
    assert s.specific_loss(0.0, 1.5) == 0.0


# ---------------------------------------------------------------- B-H curves
@pytest.mark.parametrize("name", ALL_STEELS)
def test_bh_monotone_and_mu0_tail(name):
    """B(H) is strictly increasing, odd, passes through the table points, and beyond the last point
    has slope exactly mu0 (B = B_last + mu0 (H - H_last))."""
    s = mat.get_steel(name)
    H = np.concatenate([np.linspace(0, 3e5, 3001), np.geomspace(3.1e5, 1e8, 50)])
    B = s.B_of_H(H)
    assert np.all(np.diff(B) > 0)
    np.testing.assert_allclose(s.B_of_H(-H), -B)
    np.testing.assert_allclose(s.B_of_H(np.array(s.bh_H)), s.bh_B, atol=1e-12)
    H_last, B_last = s.bh_H[-1], s.bh_B[-1]
    for dH in (1e3, 1e5, 1e7):
        assert s.B_of_H(H_last + dH) == pytest.approx(B_last + MU0 * dH, rel=1e-12)
    slope = (s.B_of_H(H_last + 2e6) - s.B_of_H(H_last + 1e6)) / 1e6
    assert slope == pytest.approx(MU0, rel=1e-9)


@pytest.mark.parametrize("name", ALL_STEELS)
def test_h_of_b_inverts_b_of_h(name):
    """H_of_B(B_of_H(H)) == H over 0..1e6 A/m (including the saturated tail), both signs."""
    s = mat.get_steel(name)
    H = np.concatenate([-np.geomspace(1.0, 1e6, 200), np.geomspace(1.0, 1e6, 200), [0.0]])
    np.testing.assert_allclose(s.H_of_B(s.B_of_H(H)), H, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", ALL_STEELS)
def test_numba_kernels_match_numpy(name):
    """b_of_h_table / h_of_b_table on bh_arrays() agree with the numpy methods (same curve, incl.
    the tail to 1e7 A/m and beyond); mu_diff_table is the finite-difference slope."""
    s = mat.get_steel(name)
    Ht, Bt = s.bh_arrays()
    assert Ht.dtype == np.float64 and Bt.dtype == np.float64 and Ht[-1] == 1e7
    assert np.all(np.diff(Ht) > 0) and np.all(np.diff(Bt) > 0)
    for H in (-5e4, -30.0, 0.0, 12.3, 77.0, 450.0, 3.3e3, 2.2e4, 4e5, 5e6, 2e7):
        b = mat.b_of_h_table(H, Ht, Bt)
        assert b == pytest.approx(float(s.B_of_H(H)), rel=1e-12, abs=1e-15)
        assert mat.h_of_b_table(b, Ht, Bt) == pytest.approx(H, rel=1e-9, abs=1e-9)
    for H in (37.0, 800.0, 3e4):
        dh = 1e-4 * H
        fd = (s.B_of_H(H + dh) - s.B_of_H(H - dh)) / (2 * dh)
        assert mat.mu_diff_table(H, Ht, Bt) == pytest.approx(float(fd), rel=1e-6)
    assert mat.mu_diff_table(5e6, Ht, Bt) == pytest.approx(MU0, rel=1e-9)


def test_feco_saturates_higher_than_sife():
    """At 10 kA/m the 49Co-2V alloy carries ~2.29 T vs 1.73-1.80 T for the SiFe grades (datasheets):
    the reason to use it."""
    b_feco = float(mat.get_steel("FeCo_49Co2V").B_of_H(1e4))
    assert b_feco == pytest.approx(2.29, abs=0.01)
    for n in SIFE:
        assert b_feco - float(mat.get_steel(n).B_of_H(1e4)) > 0.45


# ---------------------------------------------------------------- magnets
def test_prius2004_against_ornl_hcj_and_pyleecan_br():
    """prius2004 HcJ is the straight line through ORNL/TM-2010/253's measurements of the 2010 Prius
    magnet: 1142.7 kA/m at 114 degC and 433.7 kA/m at 215 degC (reproduced to 0.1 %). Br follows
    pyleecan's assumption 1.24 T at 20 degC, -0.1 %/K -> 1.1234 T at 114 degC, i.e. 7.9 % below
    ORNL's 2010 measurement of 1.220 T (different magnet; documented, not hidden)."""
    m = mat.get_magnet("prius2004")
    assert m.HcJ(114.0) == pytest.approx(1142.7e3, rel=1e-3)
    assert m.HcJ(215.0) == pytest.approx(433.7e3, rel=1e-3)
    assert m.Br(20.0) == pytest.approx(1.24)
    assert m.Br(114.0) == pytest.approx(1.24 * (1 - 0.001 * 94))
    assert (1.220 - m.Br(114.0)) / 1.220 == pytest.approx(0.079, abs=0.002)
    assert m.mu_r == 1.05


def test_prius2010_reproduces_ornl_measurements():
    """prius2010 is built from the two ORNL/TM-2010/253 points and must return them:
    Br 1.220 T / HcJ 1142.7 kA/m at 114 degC; Br 1.051 T / HcJ 433.7 kA/m at 215 degC (0.1 %)."""
    m = mat.get_magnet("prius2010")
    assert m.Br(114.0) == pytest.approx(1.220, rel=1e-3)
    assert m.Br(215.0) == pytest.approx(1.051, rel=1e-3)
    assert m.HcJ(114.0) == pytest.approx(1142.7e3, rel=1e-3)
    assert m.HcJ(215.0) == pytest.approx(433.7e3, rel=1e-3)


def test_ferrite_coercivity_rises_with_temperature():
    """Sintered ferrite has alpha_HcJ > 0 (project reference +0.1..+0.3 %/K): HcJ at -40 degC is
    lower than at 20 and 120 degC, so cold is its demagnetisation case; Br still falls with T."""
    m = mat.get_magnet("ferrite_SrLaCo")
    assert m.HcJ(-40.0) < m.HcJ(20.0) < m.HcJ(120.0)
    assert m.Br(-40.0) > m.Br(20.0) > m.Br(120.0)
    assert m.H_knee(-40.0) < m.H_knee(120.0)


@pytest.mark.parametrize("name", sorted(mat.MAGNETS))
def test_magnet_temperature_laws(name):
    """Linear laws about 20 degC: Br(20) = Br_20, HcJ(20) = HcJ_20, Br(T) = Br_20 (1 + aBr dT);
    HcB = min(Br/(mu0 mu_r), HcJ); the knee lies inside the coercivity (0 < H_knee <= HcJ)."""
    m = mat.get_magnet(name)
    T = np.array([-40.0, 20.0, 80.0, 150.0])
    assert m.Br(20.0) == pytest.approx(m.Br_20)
    assert m.HcJ(20.0) == pytest.approx(m.HcJ_20)
    np.testing.assert_allclose(m.Br(T), m.Br_20 * (1 + m.alpha_Br * (T - 20.0)))
    np.testing.assert_allclose(m.HcB(T), np.minimum(m.Br(T) / (MU0 * m.mu_r), m.HcJ(T)))
    assert np.all(m.HcB(T) <= m.HcJ(T) + 1e-9)
    assert 0 < m.H_knee(20.0) <= m.HcJ(20.0)
    assert m.kind in mat.MAGNET_KINDS
    assert 0.0 <= m.dy_fraction <= m.rare_earth_fraction < 0.35
    assert m.source


def test_sintered_hcb_limited_by_br_when_hcj_large():
    """For N42UH at 20 degC HcJ (1990 kA/m) exceeds Br/(mu0 mu_r) = 1.30/(mu0 1.05) = 985 kA/m,
    so HcB is the recoil-line intercept; for N42 at 80 degC (HcJ 519 kA/m) HcB = HcJ."""
    uh = mat.get_magnet("N42UH")
    assert uh.HcB(20.0) == pytest.approx(1.30 / (MU0 * 1.05))
    n = mat.get_magnet("N42")
    assert n.HcB(80.0) == pytest.approx(n.HcJ(80.0))


def test_dy_ordering_and_heavy_re_free_grades():
    """Dy content rises with class (N < SH < UH); the GBD grade uses much less heavy RE than bulk
    SH; hot-deformed and MAGFINE bonded grades are heavy-RE-free (Daido/Honda 2016; Aichi Steel)."""
    g = mat.get_magnet
    assert g("N42").dy_fraction == 0.0 < g("N48SH").dy_fraction < g("N42UH").dy_fraction
    assert g("N48SH_GBD").dy_fraction < 0.25 * g("N48SH").dy_fraction
    assert g("N48SH_GBD").HcJ_20 == g("N48SH").HcJ_20
    for name in ("HD_HREfree", "MF18C", "bonded_iso_NdFeB", "ferrite_SrLaCo"):
        assert g(name).dy_fraction == 0.0
    assert g("HD_HREfree").HcJ_20 >= 1600e3


# ---------------------------------------------------------------- conductors / insulation
def test_conductor_resistivity():
    """Cu: 1.724e-8 Ohm m at 20 degC, alpha 0.00393 -> 2.265e-8 at 100 degC (IACS); die-cast Al
    between 3.0e-8 and 3.6e-8 at 20 degC; EC Al 2.82e-8."""
    cu = mat.get_conductor("copper")
    assert cu.resistivity(20.0) == pytest.approx(1.724e-8)
    assert cu.resistivity(100.0) == pytest.approx(1.724e-8 * (1 + 0.00393 * 80))
    assert mat.get_conductor("aluminium").resistivity(20.0) == pytest.approx(2.82e-8)
    assert 3.0e-8 <= mat.get_conductor("die_cast_aluminium").resistivity_20 <= 3.6e-8


def test_insulation_constants():
    """Slot liner lambda 0.2 W/m/K, 1200 kg/m^3 (project reference)."""
    assert mat.SLOT_LINER.thermal_conductivity == 0.2
    assert mat.SLOT_LINER.density == 1200.0
    assert mat.VARNISH.thermal_conductivity < mat.get_insulation("potting_epoxy_filled").thermal_conductivity


# ---------------------------------------------------------------- registry
@pytest.mark.parametrize("getter,field", [(mat.get_steel, "stator.steel"),
                                          (mat.get_magnet, "rotor.magnet"),
                                          (mat.get_conductor, "winding.conductor"),
                                          (mat.get_insulation, "slot.liner")])
def test_unknown_name_raises_input_error_naming_field(getter, field):
    """Unknown (or wrongly-cased) names raise InputError naming the given field and listing keys."""
    with pytest.raises(InputError) as exc:
        getter("unobtainium", field=field)
    assert exc.value.field == field
    assert exc.value.value == "unobtainium"
    assert exc.value.allowed.startswith("one of [")
    assert field in str(exc.value)


def test_default_fields_and_case_sensitivity():
    """Default field names are 'steel' / 'magnet' / 'conductor'; keys are case-sensitive."""
    for getter, field, bad in ((mat.get_steel, "steel", "m235-35a"),
                               (mat.get_magnet, "magnet", "n42uh"),
                               (mat.get_conductor, "conductor", "Copper")):
        with pytest.raises(InputError) as exc:
            getter(bad)
        assert exc.value.field == field
    assert mat.get_steel("M235-35A").name == "M235-35A"


def test_invalid_entries_rejected():
    """Constructing a steel with a non-monotone curve or a magnet of unknown kind is an InputError."""
    s = mat.get_steel("M235-35A")
    import dataclasses

    with pytest.raises(InputError):
        dataclasses.replace(s, bh_B=(0.0,) + s.bh_B[2:] + (1.0,))
    with pytest.raises(InputError):
        dataclasses.replace(mat.get_magnet("N42"), kind="alnico")
