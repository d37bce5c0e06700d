"""Ultra-multi-pole thin direct drive (issue 5, part 2): FSCW winding data, MEC against the embedded
FEA on a q = 1/2 SPM, magnet segmentation, pole-count trends, bad input (the winding changeover of
the case: tests/drive/test_changeover.py)."""

import dataclasses
import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.windings import make_winding


def _values(case, **over):
    """The case's nominal values with ``section__key=value`` overrides."""
    v = case.nominal()
    for path, val in over.items():
        sec, key = path.split("__")
        v[sec][key] = val
    return v


@pytest.mark.parametrize("Q,p,layers,kw1", [(48, 20, 2, 0.933), (60, 20, 2, 0.866), (54, 24, 2, 0.945),
                                            (36, 16, 2, 0.945), (24, 10, 1, 0.966)])
def test_fscw_winding_factors_published(Q, p, layers, kw1):
    """Fundamental winding factors of the shipped/typical FSCW combinations against Libert &
    Soulard (ICEM 2004) tables: 12s/10p DL 0.933, 3s/2p (q = 1/2) 0.866, 9s/8p DL 0.945 (54/48 =
    9/8 x 6; 36/32 = 9/8 x 4), 12s/10p single layer 0.966 (24/20 = 12/10 x 2)."""
    w = make_winding(Q, p, layers)
    assert w.is_balanced
    assert float(w.k_w1) == pytest.approx(kw1, abs=5e-4)


def test_mmf_harmonics_q_half_closed_form():
    """q = 1/2 tooth coils (60 slots / 40 poles = 3s/2p x 20): every MMF space harmonic of mechanical
    order n not divisible by 3 (per unit: n/20) has k_w = sqrt(3)/2 = k_w1, so F_n/F_p = p/n, and the
    differential-leakage coefficient sum_{nu != 1, 3 !| nu} 1/nu^2 = (8/9)(pi^2/6) - 1 = 0.4622
    (Pyrhonen et al. 2014, sigma_delta of q = 1/2: 46 %)."""
    w = make_winding(60, 20, 2)
    n_max = 20 * 3000
    F = w.mmf_harmonics(n_max)
    n = np.arange(n_max + 1)
    sub = n[(n % 20 == 0) & (n > 0)]
    nu = sub // 20
    expect = np.where(nu % 3 == 0, 0.0, 1.0 / nu)
    assert np.allclose(F[sub], expect, atol=1e-9)
    sigma = np.sum(F[sub][nu != 1] ** 2)
    tail = 2 / 3 / 3000  # sum of 1/nu^2 over nu > 3000 not divisible by 3 (integral bound)
    assert sigma + tail == pytest.approx(8 / 9 * math.pi**2 / 6 - 1, abs=2e-6)
    assert np.all(F[n % 20 != 0] < 1e-9)  # periodicity t = 20: only multiples of 20 pole pairs


def test_twelve_ten_family_subharmonic():
    """12s/10p double layer (x4 = 48/40): the strongest non-working MMF wave is the 7th (electrical
    order 7/5, mechanical n = 28) with F/F_p = 5/7 (k_w7 = k_w1 = 0.933), and the sub-harmonic
    nu = 1/5 (n = 4) has F/F_p = 5 k_w(1/5)/k_w1 = 5 x 0.067/0.933 = 0.359 (Libert & Soulard)."""
    w = make_winding(48, 20, 2)
    F = w.mmf_harmonics(60)
    assert F[28] == pytest.approx(5 / 7, rel=1e-6)
    assert F[4] == pytest.approx(5 * 0.0670 / 0.933, rel=0.01)


def test_magnet_segmentation_thin_plate(multipole_case):
    """Thin-plate eddy loss P ~ sigma w^2 B^2 b^2 V / 24: n segments across the width divide b by n,
    so the loss by n^2 (losses.magnet_eddy_coefficient)."""
    d1 = design_from_values(_values(multipole_case, rotor__magnet_segments=1))
    d4 = design_from_values(_values(multipole_case, rotor__magnet_segments=4))
    assert d4.magnet_eddy_coeff() == pytest.approx(d1.magnet_eddy_coeff() / 16.0, rel=1e-12)


def test_iron_loss_credible_at_kilohertz(multipole_design):
    """NO20 data point (Tata Hi-Lite NO20: 42.4 W/kg at 1 T, 1 kHz, Epstein): the loss model of the
    case's steel at 1 kHz and 1 T reproduces it within 10 % (the fit spans 50 Hz - 1 kHz)."""
    st = multipole_design.steel
    w = st.kh * 1000 * 1.0 ** 2 + st.kc * (1000 * 1.0) ** 2 + st.ke * (1000 * 1.0) ** 1.5
    assert w == pytest.approx(42.4, rel=0.10)


def _scaled(case, p: int):
    """The case with p pole pairs: slots 12/5 x p (12s/10p family), yoke height scaled ~ 1/p (same
    yoke flux density), everything else equal."""
    h_y0 = (600 - 500) / 2 - 38  # 12 mm at p = 20
    h_y = h_y0 * 20 / p
    return design_from_values(_values(case, machine__pole_pairs=p, stator__slots=12 * p // 5,
                                      stator__outer_diameter_mm=500 + 2 * (38 + h_y),
                                      stator__tooth_width_mm=16.0 * 20 / p))


def _w_per_kg(st, f, B):
    """Steinmetz / Bertotti loss density of steel ``st`` at frequency f (Hz) and peak B (T), W/kg."""
    return st.kh * f * B**2 + st.kc * (f * B) ** 2 + st.ke * (f * B) ** 1.5


def test_pole_count_trends(multipole_case):
    """More poles (p = 10, 20, 30 with the 12s/10p family, yoke sized for the same flux density):
    less yoke mass (flux per pole ~ 1/p) and more iron loss per kg of stator core at the same speed
    at no load (f_e = p n; eddy ~ f^2; Steinmetz terms of the case's steel at the MEC's no-load
    tooth and yoke flux densities, mass-weighted). Reference: the trend itself (issue 5), asserted
    monotone. (Not at the loss-minimising load point: with tooth coils the d-axis inductance grows
    ~ p (FEA: L_d 3.7 mH at p = 30 vs 2.0 mH at p = 20), so the drive weakens the field to cut the
    iron loss and the loaded per-kg loss need not rise.)"""
    yoke, per_kg = [], []
    f_mech = 500 / 60
    for p in (10, 20, 30):
        d = _scaled(multipole_case, p)
        fm = d.mec_fluxmap()
        i0 = int(np.argmin(np.abs(fm.i_d)))
        st, ms = d.steel, d.masses()
        f = p * f_mech
        B_t, B_y = fm.B_iron[0][i0, 0], fm.B_iron[1][i0, 0]
        assert 1.0 < B_t < 2.0 and 0.5 < B_y < 1.8
        per_kg.append((_w_per_kg(st, f, B_t) * ms["stator_teeth"] + _w_per_kg(st, f, B_y) * ms["stator_yoke"])
                      / ms["stator_core"])
        yoke.append(ms["stator_yoke"])
    assert yoke[0] > yoke[1] > yoke[2]
    assert per_kg[0] < per_kg[1] < per_kg[2]


def test_bad_input(multipole_case):
    """Unbalanced slot/pole combination, pole count too high for the diameter: InputError naming the
    field (an unknown changeover: tests/drive/test_changeover.py)."""
    with pytest.raises(InputError, match="winding"):
        design_from_values(_values(multipole_case, stator__slots=50))
    with pytest.raises(InputError, match="machine.pole_pairs"):
        design_from_values(_values(multipole_case, stator__outer_diameter_mm=140, stator__bore_diameter_mm=100,
                                   stator__slot_depth_mm=12, stator__tooth_width_mm=3,
                                   stator__slot_opening_mm=1.0, rotor__shaft_diameter_mm=60))


def test_tooth_coil_network_closed_form(multipole_case):
    """Tooth-coil MEC network (motoropt.magnetics.analytic.ToothCoilStator), ideal iron, no magnet
    (Br = 0), no slot leakage, thin gap (g 0.2 mm << slot pitch 26 mm, so the gap layer's tangential
    permeance is negligible): each tooth's gap permeance P_g = mu0 r L tau / g_e; with three-phase
    currents a coil sees N_c^2 P_g (self 2/3, mutual -1/3 for the 3-tooth unit of q = 1/2), so
    L_d = L_q = (Q/3) N_c^2 P_g / a^2 (series coils) within 1 %. Also: the unit's turns make up N_ph,
    and the phase axes are 120 electrical degrees apart."""
    from motoropt.constants import MU0
    from motoropt.magnetics.analytic import build_tooth_coil_network, compute_fluxmap

    d = design_from_values(_values(multipole_case, stator__slots=60, stator__tooth_width_mm=13.0))
    m = d.mec_inputs(20.0)
    tc = m.tooth_coil
    assert tc is not None and tc.teeth == 3 and not tc.antiperiodic and tc.units == 20
    turns = np.asarray(tc.turns)
    assert tc.units * np.abs(turns).sum(axis=0) == pytest.approx([d.N_ph] * 3, rel=1e-12)
    ax = np.sort(np.mod(build_tooth_coil_network(m)["phase_axis"], 2 * math.pi))
    assert np.diff(ax) == pytest.approx([2 * math.pi / 3] * 2, abs=1e-9)
    g = 2e-4
    m0 = dataclasses.replace(m, Br=0.0, L_sigma=0.0, g_eff=g, h_m=1e-6,
                             tooth_coil=dataclasses.replace(tc, slot_permeance=1e-15, slot_body_permeance=1e-15))
    IH, IB = np.array([0.0, 1e5]), np.array([0.0, 1e5 * MU0 * 1e5])
    fm = compute_fluxmap(m0, IH, IB, 100.0, axes=((-10.0, 0.0), (0.0, 10.0)))
    g_e = g + 1e-6 / m.mu_r
    L = 60 / 3 * (d.winding.turns_per_coil / d.winding.parallel_paths) ** 2 * MU0 * m.r_gap * m.L * (2 * math.pi / 60) / g_e
    assert -fm.psi_d[0, 0] / 10.0 == pytest.approx(L, rel=0.01)
    assert fm.psi_q[1, 1] / 10.0 == pytest.approx(L, rel=0.01)


@pytest.mark.parametrize("slots", [48, 60])
def test_tooth_coil_reciprocity(slots, multipole_case):
    """Maxwell reciprocity of the co-energy, d psi_d / d i_q = d psi_q / d i_d, for the tooth-coil
    network (the coil MMFs sit in the nonlinear teeth, the flux linkages are the coil-weighted tooth
    fluxes): central differences (h = 0.5 A) at points from light load to deep saturation agree to 2 %
    of the cross term. 48 slots: the shipped case (antiperiodic 6-tooth unit); 60: q = 1/2."""
    from motoropt.magnetics.analytic import compute_fluxmap

    over = {} if slots == 48 else dict(stator__slots=60, stator__tooth_width_mm=13.0)
    d = design_from_values(_values(multipole_case, **over))
    H, B = d.steel.bh_arrays()
    m = d.mec_inputs()
    assert m.tooth_coil is not None
    h = 0.5
    for i_d, i_q in ((-40.0, 60.0), (-120.0, 150.0), (-200.0, 300.0), (-60.0, 396.0)):
        fm = compute_fluxmap(m, H, B, d.i_max, axes=((i_d - h, i_d, i_d + h), (0.0, i_q - h, i_q, i_q + h)))
        dpd_diq = (fm.psi_d[1, 3] - fm.psi_d[1, 1]) / (2 * h)
        dpq_did = (fm.psi_q[2, 2] - fm.psi_q[0, 2]) / (2 * h)
        assert dpd_diq == pytest.approx(dpq_did, rel=0.02, abs=1e-7), (i_d, i_q)


def _fea_errors(d, sector):
    """MEC (network alone, L_sigma = 0) against the embedded FEA at 20 degC: the measured relative
    errors per quantity (psi_pm, L_d, psi_q and T at three currents)."""
    from motoropt.magnetics.analytic import compute_fluxmap
    from motoropt.magnetics.fea.fluxmap_fea import no_load, operating_point

    H, B = d.steel.bh_arrays()
    m = dataclasses.replace(d.mec_inputs(20.0), L_sigma=0.0)
    err = {}
    psi_pm = no_load(d, positions=6, T_magnet_c=20.0, sector=sector).psi_pm
    fm = compute_fluxmap(m, H, B, d.i_max, axes=((-200.0, 0.0), (0.0, 1.0)))
    err["psi_pm"] = fm.psi_d[1, 0] / psi_pm - 1
    f = operating_point(d, -200.0, 0.0, positions=3, T_magnet_c=20.0, sector=sector)
    # secant d-axis inductance from no load to -200 A
    err["L_d"] = (fm.psi_d[1, 0] - fm.psi_d[0, 0]) / (psi_pm - f["psi_d_mean"]) - 1
    for i_d, i_q in ((0.0, 200.0), (0.0, 396.0), (-200.0, 300.0)):
        f = operating_point(d, i_d, i_q, positions=3, T_magnet_c=20.0, sector=sector)
        fm = compute_fluxmap(m, H, B, d.i_max, axes=((i_d - 1.0, i_d), (0.0, i_q)))
        err[f"psi_q{i_d, i_q}"] = fm.psi_q[1, 1] / f["psi_q_mean"] - 1
        err[f"T{i_d, i_q}"] = fm.torque[1, 1] / f["torque_mean"] - 1
    return err


@pytest.mark.slow
def test_fscw_spm_mec_against_embedded_fea(multipole_case):
    """The case's machine with 60 slots (q = 1/2; 3 slots per pole pair, a pole-pair FEA sector),
    20 degC, network without end winding, against the embedded 2-D FEA (reference values: the FEA,
    run here). FEA: psi_PM 0.691 Wb; psi_d(-200, 0) 0.223 Wb; psi_q(0, 200) 0.366 Wb; torque at
    (0, 200), (0, 396), (-200, 300) A: 3636, 5592, 5330 N m.
    Tooth-coil network measured when written: psi_PM -3.8 %; secant L_d (0 -> -200 A) +0.1 %
    (psi_d(-200, 0) 0.196 vs 0.223 Wb: the psi_PM offset); psi_q +3.5 %, +1.4 %, +4.0 %; torque
    -2.4 %, -6.4 %, +0.7 %. (The former smeared-cell MEC: torque at (0, 396) -18 %, psi_d there
    0.385 vs 0.471 Wb.) Asserted: psi_PM, L_d, psi_q and torque within 5 %, torque at (0, 396) A
    within 8 %."""
    d = design_from_values(_values(multipole_case, stator__slots=60, stator__tooth_width_mm=13.0))
    err = _fea_errors(d, "pole_pair")
    assert len(err) == 8
    for k, e in err.items():
        assert abs(e) <= (0.08 if k == "T(0.0, 396.0)" else 0.05), (k, e)


@pytest.mark.slow
def test_fscw_48_40_mec_against_embedded_fea(multipole_design):
    """The shipped 48-slot / 40-pole case (12s/10p family, q = 2/5; FEA over its antiperiodic
    6-slot / 5-pole unit), 20 degC, network without end winding, against the embedded FEA: psi_PM
    0.606 Wb; psi_d(-200, 0) 0.198 Wb; torque at (0, 200), (0, 396), (-200, 300) A: 3423, 5547,
    4831 N m. Measured when written: psi_PM -5.1 %, secant L_d -2 %, psi_q +0.7 %, +0.8 %, -3.0 %,
    torque -1.1 %, +3.8 %, -4.2 % (the former MEC: psi_d(-200, 0) +29 %, torque at (0, 396) -23 %).
    Asserted: psi_PM within 6 %, the rest within 5 %."""
    err = _fea_errors(multipole_design, "auto")
    assert len(err) == 8
    for k, e in err.items():
        assert abs(e) <= (0.06 if k == "psi_pm" else 0.05), (k, e)
