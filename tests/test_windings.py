"""Tests of motoropt.windings against closed forms, published tables and a second numerical method.

References used below:
- [P] Pyrhonen, Jokinen, Hrabovcova, Design of Rotating Electrical Machines, Wiley 2008, ch. 2:
  k_d(nu) = sin(nu pi / 6) / (q sin(nu pi / (6 q))), k_p(nu) = sin(nu (y / tau) pi / 2),
  F_1 = (m/2)(4/pi) k_w1 N_ph I / (2p), N_ph = Q z_Q / (2 m a).
- [BD] Bianchi & Dai Pre, IEE Proc. EPA 153(3) 2006 (star of slots; balance and single-layer rules).
- [LS] Libert & Soulard, "Investigation on pole-slot combinations for permanent-magnet machines with
  concentrated windings", ICEM 2004, table of double-layer tooth-coil fundamental winding factors
  (as transcribed in the SWAT-EM test-suite, github.com/mjfwest/swat-em, tests/test_wdggenerator.py).
- [SW] SWAT-EM test-suite (same file): single-layer tooth-coil and distributed k_w1, k_w5, k_w7.
- [ORNL] ORNL/TM-2004/247 and /work/shared reference notes for the 2004 Prius MG2 winding:
  48 slots, 8 poles, single layer full pitch, 9 turns/coil, 8 coils in series, 1 path, 72 turns;
  13 strands AWG 19 (0.912 mm) per turn; R_ph = 0.069 ohm at 21 degC; copper mass 6.8 kg.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from motoropt.errors import InputError
from motoropt.windings import (
    Winding,
    copper_area_per_conductor,
    copper_area_per_slot,
    end_winding_length,
    make_winding,
    mean_turn_length,
    phase_resistance,
)


def kd_integral(q: int, nu: int) -> float:
    """[P] distribution factor of an integral-slot (60-degree belt) winding."""
    return abs(math.sin(nu * math.pi / 6) / (q * math.sin(nu * math.pi / (6 * q))))


# ---------------------------------------------------------------------------- distributed windings
def test_48s8p_single_layer_full_pitch_q2():
    """48 slots / 8 poles, single layer, full pitch (q = 2): k_w1 = k_d1 = sin 30 / (2 sin 15) = 0.96593 [P]."""
    w = make_winding(48, 4, layers=1)
    assert w.q == 2 and w.coil_pitch == 6
    ref = math.sin(math.radians(30)) / (2 * math.sin(math.radians(15)))
    assert w.k_w1 == pytest.approx(ref, abs=1e-12)
    assert w.k_d1 == pytest.approx(ref, abs=1e-12)
    assert w.k_p1 == pytest.approx(1.0, abs=1e-12)
    assert w.is_balanced


def test_24s8p_single_layer_q1_has_unity_factor():
    """24 slots / 8 poles, q = 1, full pitch: k_w1 = 1 exactly (one slot per pole and phase) [P]."""
    w = make_winding(24, 4, layers=1)
    assert w.q == 1
    assert w.k_w1 == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("Q,p,layers,y", [(48, 4, 1, None), (48, 4, 2, 5), (36, 2, 2, 7), (72, 4, 2, 7), (36, 3, 2, None)])
def test_integral_slot_harmonic_factors_closed_form(Q, p, layers, y):
    """Integral-slot windings: k_w(nu) = k_p(nu) k_d(nu) from [P] closed forms for nu = 1..25 odd.

    (48/8 full pitch, 48/8 5/6-pitch DL, 36/4 7/9-pitch DL, 72/8 7/9-pitch DL, 36/6 full pitch DL.)
    """
    w = make_winding(Q, p, layers=layers, coil_pitch=y)
    q = int(w.q)
    tau = Q / (2 * p)
    for nu in range(1, 26, 2):
        kp = abs(math.sin(nu * w.coil_pitch / tau * math.pi / 2))
        kd = kd_integral(q, nu)
        assert w.winding_factor(nu) == pytest.approx(kp * kd, abs=1e-12), nu
        assert w.pitch_factor(nu) == pytest.approx(kp, abs=1e-12)
        assert w.distribution_factor(nu) == pytest.approx(kd, abs=1e-12)


def test_slot_harmonics_of_distributed_winding_have_fundamental_factor():
    """Slot harmonics nu = 2 k m q +- 1 have |k_w| = k_w1 ([P] ch. 2); for q = 2: 11, 13, 23, 25."""
    w = make_winding(48, 4, layers=1)
    for nu in (11, 13, 23, 25):
        assert w.winding_factor(nu) == pytest.approx(w.k_w1, abs=1e-12)


@pytest.mark.parametrize(
    "Q,p,layers,y,kw1,kw5,kw7",
    [
        (24, 2, 1, None, 0.9659, 0.2588, 0.2588),  # [SW] test6, single layer full pitch
        (24, 2, 2, 5, 0.9330, 0.0670, 0.0670),  # [SW] test7, double layer 5/6 pitch
        (12, 5, 1, 1, 0.9659, 0.2588, 0.2588),  # [SW] test4, 12/10 single layer
        (24, 11, 1, 1, 0.9577, 0.2053, 0.1576),  # [SW] test5, 24/22 single layer
        (12, 4, 1, 1, 0.8660, 0.8660, 0.8660),  # [SW] test3, 12/8 single layer
        (18, 8, 1, 1, 0.9452, 0.1398, 0.0607),  # [SW] test2, 18/16 single layer
        (18, 8, 2, 1, 0.9452, 0.1398, 0.0607),  # [SW] test1, 18/16 double layer
    ],
)
def test_published_factors_with_harmonics(Q, p, layers, y, kw1, kw5, kw7):
    """|k_w| for electrical orders 1, 5, 7 against the 4-decimal values of [SW]."""
    w = make_winding(Q, p, layers=layers, coil_pitch=y)
    assert w.winding_factor(1) == pytest.approx(kw1, abs=6e-5)
    assert w.winding_factor(5) == pytest.approx(kw5, abs=6e-5)
    assert w.winding_factor(7) == pytest.approx(kw7, abs=6e-5)


# ---------------------------------------------------------------------------- FSCW families
@pytest.mark.parametrize(
    "Q,poles,ref",
    [
        (12, 10, 0.933), (12, 14, 0.933), (24, 20, 0.933), (36, 30, 0.933), (60, 50, 0.933),  # q = 2/5, 2/7
        (12, 8, 0.866), (6, 4, 0.866), (24, 16, 0.866), (48, 32, 0.866),  # q = 1/2
        (9, 8, 0.945), (9, 10, 0.945), (18, 16, 0.945), (54, 48, 0.945), (54, 60, 0.945), (72, 64, 0.945),
        (15, 14, 0.951), (60, 56, 0.951), (21, 20, 0.953), (24, 22, 0.950), (48, 44, 0.950), (48, 46, 0.954),
        (63, 62, 0.955), (72, 70, 0.954),
    ],
)
def test_fscw_double_layer_families(Q, poles, ref):
    """Double-layer tooth coils: k_w1 against [LS] (3 decimals); families q = 2/5, 1/2, 3/8, high 2p."""
    w = make_winding(Q, poles // 2, layers=2)
    assert w.coil_pitch == 1
    assert w.k_w1 == pytest.approx(ref, abs=6e-4)
    assert w.is_balanced


# [LS] table, double layer, y = 1, restricted to q >= 1/4 (our feasibility rule). Transcribed numbers.
_LS = {
    9: {4: 0.616, 6: 0.866, 8: 0.945, 10: 0.945, 12: 0.866},
    12: {8: 0.866, 10: 0.933, 14: 0.933, 16: 0.866},
    15: {10: 0.866, 14: 0.951, 16: 0.951},
    18: {12: 0.866, 14: 0.902, 16: 0.945},
    21: {14: 0.866, 16: 0.890, 20: 0.953, 22: 0.953, 26: 0.890, 28: 0.866},
    24: {14: 0.760, 16: 0.866, 20: 0.933, 22: 0.950, 26: 0.95, 28: 0.933, 32: 0.866},
    27: {18: 0.866, 20: 0.877, 22: 0.915, 24: 0.945, 26: 0.954, 28: 0.954, 30: 0.945, 32: 0.915, 34: 0.877, 36: 0.866},
    30: {20: 0.866, 22: 0.874, 26: 0.936, 28: 0.951, 32: 0.951, 34: 0.936, 38: 0.874, 40: 0.866},
    33: {22: 0.866, 26: 0.903, 28: 0.928, 32: 0.954, 34: 0.954, 38: 0.928, 40: 0.903},
    36: {24: 0.866, 26: 0.867, 28: 0.902, 30: 0.933, 32: 0.945, 34: 0.953, 38: 0.953, 40: 0.945, 42: 0.933},
    39: {26: 0.866, 28: 0.863, 32: 0.918, 34: 0.936, 38: 0.954, 40: 0.954},
    42: {28: 0.866, 32: 0.890, 34: 0.913, 38: 0.945, 40: 0.953},
    45: {42: 0.951, 44: 0.955, 46: 0.955, 48: 0.951, 50: 0.945, 52: 0.927, 56: 0.886, 58: 0.859, 60: 0.866},
    48: {44: 0.950, 46: 0.954, 50: 0.954, 52: 0.950, 56: 0.933, 58: 0.905, 62: 0.857, 64: 0.866},
    51: {44: 0.933, 46: 0.944, 50: 0.955, 52: 0.955, 56: 0.944, 58: 0.933, 62: 0.901, 64: 0.880, 68: 0.866},
    54: {42: 0.902, 44: 0.915, 46: 0.930, 48: 0.945, 50: 0.949, 52: 0.954, 56: 0.954, 58: 0.949, 60: 0.945,
         62: 0.930, 64: 0.915, 66: 0.902, 68: 0.877, 70: 0.854, 72: 0.866},
    57: {46: 0.912, 50: 0.937, 52: 0.946, 56: 0.955, 58: 0.955, 62: 0.946, 64: 0.937, 68: 0.912, 74: 0.852, 76: 0.866},
    60: {44: 0.874, 46: 0.892, 50: 0.933, 52: 0.936, 56: 0.951, 58: 0.954, 62: 0.954, 64: 0.951, 68: 0.936,
         70: 0.933, 74: 0.892, 76: 0.874, 80: 0.866},
    63: {42: 0.866, 44: 0.850, 46: 0.871, 48: 0.890, 50: 0.905, 52: 0.919, 56: 0.945, 58: 0.948, 60: 0.953,
         62: 0.955, 64: 0.955, 66: 0.953, 68: 0.948, 70: 0.945, 74: 0.919, 76: 0.905, 78: 0.890, 80: 0.871},
    72: {48: 0.866, 50: 0.847, 52: 0.867, 56: 0.902, 58: 0.911, 60: 0.933, 62: 0.933, 64: 0.945, 66: 0.950,
         68: 0.953, 70: 0.954, 74: 0.954, 76: 0.953, 78: 0.950, 80: 0.945},
}


def test_libert_soulard_table():
    """Every [LS] double-layer tooth-coil k_w1 with q >= 1/4 (170 combinations), to the table's 3 decimals.

    Left out, as the SWAT-EM authors also found: 15/8 and 18/10 (q > 1/2: our 60-degree belts give
    0.711 and 0.735, a better balanced layout than the paper's 0.621 / 0.647), and 57/44, 57/70
    (see test_57_slots_44_poles_paper_misprint).
    Tolerance: one unit of the last printed digit; the table truncates or rounds inconsistently
    (9/4 printed 0.616 but 9/14, the same winding factor 0.61694, printed 0.617; 0.94947 printed 0.95).
    """
    n = 0
    for Q, row in _LS.items():
        for poles, ref in row.items():
            w = make_winding(Q, poles // 2, layers=2, coil_pitch=1)
            assert w.k_w1 == pytest.approx(ref, abs=1.05e-3), (Q, poles)
            n += 1
    assert n == 170


def test_57_slots_44_poles_paper_misprint():
    """57/44 DL: [LS] prints 0.932, which exceeds what any y = 1 winding can reach.

    Second method: k_p1 = sin(pi p / Q) = sin(22 pi / 57) = 0.9364, so 0.932 would need k_d = 0.995.
    With Q/t = 57 (odd) spokes, a phase collects 19 phasors spread evenly over 60 degrees (spacing
    180/57 deg) [BD], k_d = sin(pi/6) / (19 sin(pi / (6*19))) = 0.9553, k_w1 = 0.8945.
    """
    w = make_winding(57, 22, layers=2)
    kp = math.sin(22 * math.pi / 57)
    kd = math.sin(math.pi / 6) / (19 * math.sin(math.pi / (6 * 19)))
    assert w.k_p1 == pytest.approx(kp, abs=1e-12)
    assert w.k_d1 == pytest.approx(kd, abs=1e-12)
    assert w.k_w1 == pytest.approx(kp * kd, abs=1e-12)
    assert w.k_w1 < 0.932 - 0.03


def test_single_layer_fscw_values():
    """Single-layer tooth coils ([BD] Table / [SW]): 12/10 0.966, 24/22 0.958, 12/14 0.966, 48/40 0.966."""
    for Q, poles, ref in [(12, 10, 0.9659), (24, 22, 0.9577), (12, 14, 0.9659), (48, 40, 0.9659)]:
        w = make_winding(Q, poles // 2, layers=1)
        assert w.k_w1 == pytest.approx(ref, abs=6e-5), (Q, poles)


def test_factorisation_kw_equals_kp_kd_sweep():
    """Second method: for every feasible winding Q <= 48, p <= 20, the coil-side phasor sum equals
    k_p(n) k_d(n) computed separately (closed-form pitch factor x coil-axis distribution factor)."""
    n = np.arange(1, 61)
    count = 0
    for Q in range(6, 49, 3):
        for p in range(1, 21):
            for layers in (1, 2):
                try:
                    w = make_winding(Q, p, layers=layers)
                except InputError:
                    continue
                np.testing.assert_allclose(w.winding_factor_mech(n), w.pitch_factor_mech(n) * w.distribution_factor_mech(n),
                                           atol=1e-12)
                count += 1
    assert count > 100


# ---------------------------------------------------------------------------- layout structure and rules
@pytest.mark.parametrize("Q,p,layers", [(48, 4, 1), (48, 4, 2), (12, 5, 1), (12, 5, 2), (9, 4, 2), (24, 11, 1)])
def test_layout_structure(Q, p, layers):
    """Conservation: every slot holds `layers` coil sides; each phase has Q*layers/3 sides with zero net
    sign (what goes in comes back); coils_per_phase * 3 = number of coils."""
    w = make_winding(Q, p, layers=layers)
    lay = w.layout
    assert lay.shape == (Q, layers, 2)
    assert set(np.unique(lay[..., 0])) == {0, 1, 2}
    assert set(np.unique(lay[..., 1])) == {-1, 1}
    for ph in range(3):
        mask = lay[..., 0] == ph
        assert mask.sum() == Q * layers // 3
        assert lay[..., 1][mask].sum() == 0
    assert len(w.coils) == 3 * w.coils_per_phase
    # every coil spans coil_pitch slots
    assert np.all((w.coils[:, 1] - w.coils[:, 0]) % Q == w.coil_pitch)


def test_12s10p_single_layer_layout():
    """12/10 single layer [BD] Fig.: alternate teeth wound, A+ A- | B- B+ | C+ C- | A- A+ | B+ B- | C- C+."""
    w = make_winding(12, 5, layers=1)
    assert w.layout_string() == "A+ A- B- B+ C+ C- A- A+ B+ B- C- C+"


def test_balance_rule_matches_layout_sweep():
    """[BD] rules vs construction: for Q in 3..72, p in 1..48 (q >= 1/4), a double layer is accepted iff
    Q/(3t) is an integer; a single layer iff additionally Q is even and (Q/2)/gcd(Q/2, p) is a multiple
    of 3, which equals [BD]'s form (Q/t even: Q/(6t) integer; Q/t odd: Q/(3t) integer). Every accepted
    winding is balanced by the numerical check."""
    for Q in range(3, 73):
        for p in range(1, 49):
            if Fraction(Q, 6 * p) < Fraction(1, 4):
                continue
            t = math.gcd(Q, p)
            dl_ok = Q % (3 * t) == 0
            try:
                w = make_winding(Q, p, layers=2)
                assert dl_ok and w.is_balanced, (Q, p)
            except InputError:
                assert not dl_ok, (Q, p)
            bd_sl = Q % 2 == 0 and ((Q // t) % 2 == 0 and Q % (6 * t) == 0 or (Q // t) % 2 == 1 and Q % (3 * t) == 0)
            tc = math.gcd(Q // 2, p) if Q % 2 == 0 else 1
            ours = Q % 2 == 0 and ((Q // 2) // tc) % 3 == 0
            assert bd_sl == ours, (Q, p)
            try:
                w = make_winding(Q, p, layers=1)
                assert w.is_balanced, (Q, p)
                assert ours or (Q % (6 * p) == 0), (Q, p)  # integral-slot full-pitch needs only q integer
            except InputError:
                assert not (ours and dl_ok), (Q, p)


def test_errors_name_fields():
    """Bad input raises InputError naming prefix + field."""
    with pytest.raises(InputError) as e:
        make_winding(12, 6, layers=2, field_prefix="stator.winding")  # 12 slots / 12 poles: Q/(3t) = 2/3
    assert e.value.field == "stator.winding.slots"
    with pytest.raises(InputError) as e:
        make_winding(9, 4, layers=1)  # odd Q: no single layer
    assert e.value.field == "winding.layers"
    with pytest.raises(InputError) as e:
        make_winding(18, 4, layers=1, coil_pitch=4)  # q = 3/2: single layer needs odd pitch
    assert e.value.field == "winding.coil_pitch"
    with pytest.raises(InputError) as e:
        make_winding(6, 5)  # q = 1/5 < 1/4
    assert e.value.field == "winding.pole_pairs"
    for y in (0, 12, 2.5):
        with pytest.raises(InputError) as e:
            make_winding(12, 5, coil_pitch=y)
        assert e.value.field == "winding.coil_pitch"
    with pytest.raises(InputError) as e:
        make_winding(12, 5, parallel_paths=3)  # 12/10 DL allows a = 1, 2
    assert e.value.field == "winding.parallel_paths"
    with pytest.raises(InputError) as e:
        make_winding(48, 4, layers=1, parallel_paths=3)  # single layer integral: a | p = 4
    assert e.value.field == "winding.parallel_paths"
    with pytest.raises(InputError) as e:
        make_winding(12, 5, layers=3)
    assert e.value.field == "winding.layers"
    with pytest.raises(InputError) as e:
        make_winding(12, 0)
    assert e.value.field == "winding.pole_pairs"
    with pytest.raises(InputError):
        Winding(12, 6)  # direct construction validates too


def test_parallel_paths_limits():
    """a_max [P]/[BD]: 48/8 DL 2p = 8, 48/8 SL p = 4, 12/10 DL 2t = 2, 9/8 DL t = 1, 12/10 SL 2 (t' = 1,
    6 coil spokes). The a paths of 12/10 DL are really equal: phase-A coil phasors split into 2 equal sums."""
    assert make_winding(48, 4, layers=2).max_parallel_paths == 8
    assert make_winding(48, 4, layers=1).max_parallel_paths == 4
    assert make_winding(12, 5, layers=2).max_parallel_paths == 2
    assert make_winding(9, 4, layers=2).max_parallel_paths == 1
    assert make_winding(12, 5, layers=1).max_parallel_paths == 2
    w = make_winding(12, 5, layers=2)
    c = w.coils[w.coils[:, 2] == 0]
    ph = c[:, 3] * np.exp(1j * 5 * 2 * np.pi * c[:, 0] / 12)  # coil EMF phasors (go-side angle)
    assert abs(ph[:2].sum() - ph[2:].sum()) < 1e-12  # coils in slot order: {0,1} and {6,7}


def test_frozen_and_read_only():
    """The dataclass is frozen and its cached arrays cannot be modified."""
    w = make_winding(12, 5)
    with pytest.raises(AttributeError):
        w.slots = 24
    with pytest.raises(ValueError):
        w.layout[0, 0, 0] = 2
    assert w.periodicity == 1 and w.q == Fraction(2, 5)


def test_fractional_electrical_order():
    """winding_factor(nu) takes the electrical order; 12/10 sub-harmonic nu = 1/5 is the n = 1 wave:
    k_w = sin(pi/12) * k_d(1) = 0.0670 ([SW]-style 24/4 DL kw5 value has the same number)."""
    w = make_winding(12, 5)
    assert w.winding_factor(Fraction(1, 5)) == pytest.approx(w.winding_factor_mech(1), abs=1e-15)
    assert w.winding_factor(0.2) == pytest.approx(0.0670, abs=1e-4)
    with pytest.raises(InputError):
        w.winding_factor(Fraction(1, 3))


# ---------------------------------------------------------------------------- MMF
def _mmf_snapshot_fft(w: Winding, n_max: int, n_pts: int = 2**14):
    """Second method: staircase MMF at t = 0 (i_a = 1, i_b = i_c = -1/2) sampled on the bore, FFT.

    For a balanced winding each order has one travelling wave only, so the snapshot amplitude equals
    the travelling-wave amplitude."""
    Q = w.slots
    i_ph = np.array([1.0, -0.5, -0.5])
    slot_current = np.zeros(Q)
    for k in range(Q):
        for ph, s in w.layout[k]:
            slot_current[k] += s * i_ph[ph] * w.turns_per_coil / w.parallel_paths
    theta = np.arange(n_pts) * 2 * np.pi / n_pts
    last_slot = np.minimum(np.floor(theta * Q / (2 * np.pi)).astype(int), Q - 1)  # slots with theta_k <= theta
    F = np.cumsum(slot_current)[last_slot]  # Ampere: MMF steps by each slot's current
    F = F - F.mean()
    spec = np.abs(np.fft.rfft(F)) * 2 / n_pts
    return spec[: n_max + 1]


@pytest.mark.parametrize("Q,p,layers", [(12, 5, 2), (48, 4, 1), (9, 4, 2), (24, 11, 1)])
def test_mmf_matches_staircase_fft(Q, p, layers):
    """mmf_spectrum (Fourier of point conductors) vs FFT of the sampled staircase MMF: the amplitudes
    agree to the staircase's sampling error (step located within 1/2^14 of a turn), every order to 60."""
    w = make_winding(Q, p, layers=layers, turns_per_coil=3)
    _, amp, _ = w.mmf_spectrum(60)
    fft = _mmf_snapshot_fft(w, 60)
    np.testing.assert_allclose(amp[1:], fft[1:], atol=2e-3 * amp.max())


def test_mmf_12s10p_orders_and_directions():
    """12/10 DL: orders n = odd non-multiples of 3 present (1, 5, 7, 11, 13, ...), even and triplen absent.
    Working wave n = 5; F_7/F_5 = 5/7 since k_w7 = k_w5 (7 = Q - p is a slot harmonic); F_1/F_5 = 5 k_w(1)/k_w1.
    Directions: phase b is phase a shifted 8 slots (8 x 150 deg = 120 deg el.), so order n travels with the
    working wave iff 240 n = 240 * 5 (mod 360), i.e. n = 2 (mod 3): 5, 11, 17 forward; 1, 7, 13 backward."""
    w = make_winding(12, 5, layers=2)
    r = w.mmf_harmonics(30)
    _, _, d = w.mmf_spectrum(30)
    present = {n for n in range(1, 31) if r[n] > 1e-9}
    assert present == {n for n in range(1, 31) if n % 2 == 1 and n % 3 != 0}
    assert r[5] == pytest.approx(1.0)
    assert r[7] == pytest.approx(5 / 7, rel=1e-12)
    assert r[1] == pytest.approx(5 * w.winding_factor_mech(1) / w.k_w1, rel=1e-12)
    assert r[7] > 0.7 and r[1] > 0.3  # "strong 7th" and the sub-harmonic
    assert [d[n] for n in (5, 11, 17)] == [1, 1, 1]
    assert [d[n] for n in (1, 7, 13)] == [-1, -1, -1]


def test_mmf_distributed_orders():
    """48/8 SL (q = 2): only n = nu p with nu = 6k +- 1 exist; nu = 6k+1 forward, 6k-1 backward [P];
    amplitude ratio k_w(nu)/(nu k_w1), slot harmonics 11 and 13 at 1/11 and 1/13."""
    w = make_winding(48, 4, layers=1)
    r = w.mmf_harmonics(100)
    _, _, d = w.mmf_spectrum(100)
    for n in range(1, 101):
        nu, rem = divmod(n, 4)
        if rem == 0 and nu % 6 in (1, 5):
            assert r[n] == pytest.approx(w.winding_factor(nu) / (nu * w.k_w1), rel=1e-9), n
            assert d[n] == (1 if nu % 6 == 1 else -1), n
        else:
            assert r[n] < 1e-9, n
    assert r[44] == pytest.approx(1 / 11, rel=1e-9) and r[52] == pytest.approx(1 / 13, rel=1e-9)


def test_mmf_fundamental_absolute():
    """Absolute working-wave amplitude equals [P] F_1 = (3/2)(4/pi) k_w1 N_ph / (2p) per ampere
    (Prius: 3/2 * 4/pi * 0.9659 * 72 / 8 = 16.60 A-turns/A), with and without parallel paths."""
    for a in (1, 2, 4):
        w = make_winding(48, 4, layers=1, turns_per_coil=9 * a, parallel_paths=a)
        _, amp, _ = w.mmf_spectrum(8)
        ref = 1.5 * 4 / math.pi * w.k_w1 * 72 / 8
        assert amp[4] == pytest.approx(ref, rel=1e-12)
        assert w.mmf_fundamental_per_amp() == pytest.approx(ref, rel=1e-12)
    assert ref == pytest.approx(16.60, abs=0.01)


# ---------------------------------------------------------------------------- turns, lengths, resistance
def test_prius_2004_turns():
    """[ORNL] Prius 2004: 48 slots, p = 4, single layer, 9 turns per coil, 1 path -> 8 coils per phase,
    72 series turns per phase, 9 conductors per slot; [P] N = Q z_Q / (2 m a) = 48*9/6 = 72."""
    w = make_winding(48, 4, layers=1, turns_per_coil=9, parallel_paths=1)
    assert w.coils_per_phase == 8
    assert w.series_turns == 72
    assert w.conductors_per_slot == 9
    assert w.series_turns == w.slots * w.conductors_per_slot // (2 * 3 * w.parallel_paths)
    w2 = make_winding(48, 4, layers=2, turns_per_coil=9, parallel_paths=2)
    assert w2.series_turns == 72 and w2.conductors_per_slot == 18


def test_prius_2004_resistance_and_copper_mass():
    """[ORNL] Prius: R_ph = 0.069 ohm at 21 degC, copper 6.8 kg; 13 x AWG 19 (0.912 mm) per turn.

    Model: semicircular end turns on the span at mid-slot (D = 161.9 mm, h_s = 33.5 mm, L = 84 mm, y = 6),
    no straight extension, no leads: l_ew = 0.1205 m, l_av = 0.409 m, R = 0.0600 ohm (rho_Cu(21 degC) =
    1.724e-8 (1 + 0.00393)) -- 13 % below the measurement, which includes leads, connections and end-turn
    straight parts the model omits; so the check is 0.8 < R_model / R_meas < 1.0.  Copper mass
    3 N l_av A rho_m (8890 kg/m^3) = 6.67 kg vs 6.8 kg measured (within 5 %)."""
    w = make_winding(48, 4, layers=1, turns_per_coil=9)
    D, hs, L = 0.1619, 0.0335, 0.084
    l_ew = w.end_winding_length(D, hs)
    assert l_ew == pytest.approx(math.pi / 2 * 6 * math.pi * (D + hs) / 48, rel=1e-12)
    l_av = w.mean_turn_length(L, D, hs)
    assert l_av == pytest.approx(2 * (L + l_ew), rel=1e-12)
    A_c = 13 * math.pi / 4 * 0.912e-3**2
    rho = 1.724e-8 * (1 + 0.00393 * 1.0)
    R = phase_resistance(w, rho, L, l_av, A_c)
    assert 0.8 < R / 0.069 < 1.0
    m_cu = 3 * w.series_turns * l_av * A_c * 8890.0
    assert m_cu == pytest.approx(6.8, rel=0.05)


def test_resistance_parallel_paths_conserves_copper():
    """Same copper and same total turns split into a parallel paths: R scales as 1/a^2 (conservation)."""
    w1 = make_winding(48, 4, layers=2, turns_per_coil=8, parallel_paths=1)
    w4 = make_winding(48, 4, layers=2, turns_per_coil=8, parallel_paths=4)
    R1 = phase_resistance(w1, 1.724e-8, 0.1, 0.5, 1e-6)
    R4 = phase_resistance(w4, 1.724e-8, 0.1, 0.5, 1e-6)
    assert R4 == pytest.approx(R1 / 16, rel=1e-12)


def test_areas_and_length_helpers():
    """Slot fill arithmetic and end-winding proportional to coil span; tooth coil end shorter than a
    full-pitch coil end by y (1 vs 6 slots, same D, h_s, Q)."""
    assert copper_area_per_slot(100e-6, 0.45) == pytest.approx(45e-6)
    w = make_winding(48, 4, layers=2, turns_per_coil=5)
    assert copper_area_per_conductor(w, 100e-6, 0.45) == pytest.approx(4.5e-6)
    assert end_winding_length(6, 48, 0.16, 0.03) == pytest.approx(6 * end_winding_length(1, 48, 0.16, 0.03))
    assert end_winding_length(1, 48, 0.16, 0.03, straight_extension=0.01) == pytest.approx(
        end_winding_length(1, 48, 0.16, 0.03) + 0.02)
    assert mean_turn_length(w, 0.1, 0.16, 0.03) == pytest.approx(2 * (0.1 + w.end_winding_length(0.16, 0.03)))
    for bad in [(0.0, 0.4), (1e-4, 1.0), (1e-4, 0.0)]:
        with pytest.raises(InputError):
            copper_area_per_slot(*bad)
    with pytest.raises(InputError) as e:
        phase_resistance(w, 1.7e-8, 0.1, 0.15, 1e-6)  # shorter than two active sides
    assert e.value.field == "mean_turn_length"


def test_make_winding_remembers_valid_windings_only():
    """The same arguments give the same (frozen, read-only) winding object; an unbalanced
    combination still raises, naming the caller's field, also after valid calls."""
    w1 = make_winding(48, 4, 2, 5, 11, 1)
    w2 = make_winding(48, 4, 2, 5, 11, 1, field_prefix="other")
    assert w2 is w1
    assert not w1.layout.flags.writeable and not w1.coils.flags.writeable
    assert make_winding(48, 4, 2, 5, 12, 1) is not w1
    for _ in range(2):
        with pytest.raises(InputError, match="stator.slots"):
            make_winding(13, 2, 2, field_prefix="stator")
