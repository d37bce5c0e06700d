"""Modulation modes, their voltage limits and the harmonic (PWM carrier / six-step) losses
(motoropt.drive.modulation, motoropt.drive.losses) against closed forms and a time-domain simulation."""

import math

import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive import modulation as M
from motoropt.drive.control import Limits, operating_point, solve_operating_points
from motoropt.drive.losses import LossParams, ac_factor_table, strand_ac_factors
from motoropt.drive.model import FluxMapModel
from motoropt.errors import InputError
from motoropt.magnetics.fluxmap import linear_fluxmap

U_DC = 500.0


@pytest.mark.parametrize("pattern", ["svpwm", "spwm"])
def test_carrier_table_total_rms_closed_form(pattern):
    """Any carrier PWM in the linear range: V_ph,rms^2 = (2 sqrt(3) / (3 pi)) u_dc V1 (the line-to-neutral
    voltage is 0 in zero vectors and has sum of squares (2/3) u_dc^2 in active ones). The table's harmonic
    moments plus the fundamental V1^2/2 per phase reproduce it within 0.1 % over the whole linear range."""
    tab = M.carrier_table(pattern)
    x = tab[1:, 0]
    vh2_phase = 0.5 * (tab[1:, 1] + tab[1:, 2])  # dq mean square / 2 = per-phase mean square
    total = vh2_phase + 0.5 * x * x
    closed = 2.0 * math.sqrt(3.0) / (3.0 * math.pi) * x
    assert np.max(np.abs(total / closed - 1.0)) < 1e-3
    assert tab[-1, 0] == pytest.approx(M.LINEAR[pattern])


@pytest.mark.parametrize("pattern", ["svpwm", "spwm"])
def test_carrier_table_batched_equals_per_x(pattern):
    """carrier_table computes all x at once; its rows equal the per-x (scalar x) helpers at a few x, and the
    batched helpers equal their scalar calls (bit-identical in practice; checked to 1e-13 relative)."""
    tab = M.carrier_table(pattern)
    rows = [0, 7, 16, M._N_X - 1]
    for i in rows:
        x = float(tab[i, 0])
        theta, v = M.pwm_waveform(x, pattern)
        (_, _, pp, pq), psi_a = M._harmonic_stats(theta, v, x, float(M._RATIO))
        vp, vq = M._pwm_voltage_moments(x, pattern)
        shares = M._band_shares(psi_a, theta.size, M._RATIO)
        np.testing.assert_allclose(tab[i], [x, vp, vq, pp, pq, *shares], rtol=1e-13, atol=1e-16)
    xs = tab[rows, 0]
    _, vb = M.pwm_waveform(xs, pattern, 33, 16)
    vpb, vqb = M._pwm_voltage_moments(xs, pattern, 33, 16)
    for j, x in enumerate(xs):
        np.testing.assert_allclose(vb[j], M.pwm_waveform(x, pattern, 33, 16)[1], rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose([vpb[j], vqb[j]], M._pwm_voltage_moments(x, pattern, 33, 16), rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("pattern", ["svpwm", "spwm"])
def test_pulse_train_moments_by_fine_sampling(pattern):
    """The exact pulse-train moments (each sample split at its switching instants, pole states looked
    up) against a second method: every sample cut into K = 1000 sub-intervals, each pole high where
    the carrier (rising: t < f, falling: t > 1 - f) says so at the sub-interval's midpoint; the
    instants are then known to 1 / K of a sample: the two agree within 1e-3 (measured: 3e-4)."""
    ratio, samples, K = 9, 16, 1000
    for x in (0.2, 0.45):
        theta, f, up = M._pwm_samples(x, pattern, ratio, samples)
        t = (np.arange(K) + 0.5) / K
        high = np.where(up[None, :, None], t < f[:, :, None], t > 1.0 - f[:, :, None])  # (3, n, K)
        pole = np.where(high, 0.5, -0.5)
        v = pole - pole.mean(axis=0)
        a, b = (2.0 * v[0] - v[1] - v[2]) / 3.0, (v[1] - v[2]) / np.sqrt(3.0)
        c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
        ref = (np.mean((a * c + b * s - x) ** 2), np.mean((-a * s + b * c) ** 2))
        np.testing.assert_allclose(M._pwm_voltage_moments(x, pattern, ratio, samples), ref, rtol=1e-3)


def test_six_step_moments_closed_form():
    """Rectangular wave: phase rms sqrt(2)/3 u_dc, fundamental 2/pi u_dc, harmonics v_n = V_6 / n (n = 6k -+ 1):
    <|v_h|^2> = 2 (2/9 - 2/pi^2) u_dc^2 and <|psi_h|^2> = sum_n (V_6 / n^2)^2 / w_e^2 (to n = 49) within 0.5 %."""
    vp, vq, pp, pq, sh = M.six_step_moments()
    assert vp + vq == pytest.approx(2.0 * (2.0 / 9.0 - 2.0 / math.pi ** 2), rel=2e-3)
    closed = sum((M.SIX_STEP / n ** 2) ** 2 for n in M.SIX_STEP_ORDERS)
    assert pp + pq == pytest.approx(closed, rel=5e-3)
    assert sh.sum() == pytest.approx(1.0) and sh[0] > sh[1] > sh[2]  # 5th, 7th, 11th ...


def test_mode_voltage_limits():
    """Fundamental limits: SVPWM u_dc/sqrt(3), SPWM u_dc/2, over-modulation mode I 0.9517 x 2/pi u_dc (Holtz 1993),
    six-step 2/pi u_dc; the dead-time drop (4/pi) t_d f_sw u_dc (4 us, 5 kHz, 500 V: 12.73 V) applies to the
    carrier modes, not to the rectangular wave."""
    dt = 4.0 / math.pi * 4e-6 * 5e3 * U_DC
    assert dt == pytest.approx(12.732, abs=1e-3)
    for mode, top in (("svpwm", 1 / math.sqrt(3)), ("spwm", 0.5), ("overmodulation", 0.9517 * 2 / math.pi)):
        assert M.Modulation(mode, 5e3, 4e-6).v_max(U_DC) == pytest.approx(top * U_DC - dt, rel=1e-12)
    assert M.Modulation("six_step", 5e3, 4e-6).v_max(U_DC) == pytest.approx(2 / math.pi * U_DC, rel=1e-12)
    lim = Limits(u_dc=U_DC, i_max=100.0, speed_max=1000.0, modulation=M.Modulation("svpwm", 5e3, 4e-6))
    assert lim.v_max == pytest.approx(U_DC / math.sqrt(3) - dt) and lim.harmonic_losses
    assert not Limits(u_dc=U_DC, i_max=100.0, speed_max=1000.0, modulation=M.Modulation("svpwm")).harmonic_losses
    with pytest.raises(InputError, match="limits.modulation"):
        M.Modulation("sine")


def _spm(R=1e-4, modulation=None, f_sw=None, speed_max=2000.0, L=1.0e-3, psi_f=0.1, p=4, i_max=200.0):
    fm = linear_fluxmap(psi_f, L, L, p, i_max, n=41, regions=(), B_at_psi_f=())
    lp = LossParams(R_s_20=R)
    lim = Limits(u_dc=U_DC, i_max=i_max, speed_max=speed_max,
                 modulation=None if modulation is None else M.Modulation(modulation, f_sw))
    return FluxMapModel(fm, lp, lim)


def test_six_step_point_fixed_voltage_torque_by_angle_closed_form():
    """Six-step in flux weakening: |v| = V_6 = 2 u_dc / pi exactly, and with R -> 0 a surface PM machine
    (L_d = L_q = L) gives the closed forms i_q = T / (1.5 p psi_f), (psi_f + L i_d)^2 + (L i_q)^2 = (V_6/w_e)^2,
    and the torque set by the voltage angle delta from the q axis: T = 1.5 p psi_f V_6 sin(delta) / (w_e L)
    (tolerance 1e-4: the grid's bilinear map is exact for the linear machine; R = 1e-4 ohm)."""
    m = _spm(modulation="six_step")
    p, psi_f, L = 4, 0.1, 1.0e-3
    V6 = 2 * U_DC / math.pi
    rpm, T = 8000.0, 30.0  # psi_f w_e = 335 V > V_6: flux weakening
    r = operating_point(m, rpm, T)
    w_e = p * rpm * RPM_TO_RAD_S
    v = math.hypot(r["vd_v"], r["vq_v"])
    assert v == pytest.approx(V6, rel=1e-6)  # at the limit: rectangular wave
    i_q = T / (1.5 * p * psi_f)
    i_d = (math.sqrt((V6 / w_e) ** 2 - (L * i_q) ** 2) - psi_f) / L
    assert r["iq_a"] == pytest.approx(i_q, rel=2e-4)
    assert r["id_a"] == pytest.approx(i_d, rel=2e-4)
    delta = math.atan2(-r["vd_v"], r["vq_v"])
    assert 1.5 * p * psi_f * V6 * math.sin(delta) / (w_e * L) == pytest.approx(T, rel=2e-4)
    # six-step reaches further than SVPWM: at this speed SVPWM's limit is 2 sqrt(3)/pi = 0.907 of it
    lin = operating_point(_spm(modulation="svpwm"), rpm, T)
    assert math.hypot(lin["vd_v"], lin["vq_v"]) == pytest.approx(U_DC / math.sqrt(3), rel=1e-6)
    assert lin["current_rms_a"] > r["current_rms_a"]


def _ripple_simulation(x, theta_v, f_sw, L_d, L_q, ratio=99, samples=512):
    """Time-domain second method: naturally sampled SVPWM, harmonic voltage in the rotor dq frame with
    the fundamental voltage at angle theta_v from d, ripple current i_h = L^-1 psi_h; mean |i_h|^2."""
    theta, v = M.pwm_waveform(x, "svpwm", ratio, samples)
    n = theta.size
    fund = np.stack([x * np.cos(theta - k * 2 * math.pi / 3) for k in range(3)])
    vh = (v - fund) * U_DC
    a = (2 * vh[0] - vh[1] - vh[2]) / 3
    b = (vh[1] - vh[2]) / math.sqrt(3)
    # rotor frame: d axis at theta - theta_v
    ang = theta - theta_v
    vd = a * np.cos(ang) + b * np.sin(ang)
    vq = -a * np.sin(ang) + b * np.cos(ang)
    T = ratio / f_sw
    out = []
    for w in (vd, vq):
        F = np.fft.rfft(w)
        k = np.arange(F.size)
        P = np.where(k > 0, F / (1j * 2 * math.pi * np.maximum(k, 1) / T), 0)
        out.append(np.fft.irfft(P, n=n))
    psd, psq = out
    return np.mean((psd / L_d) ** 2 + (psq / L_q) ** 2)


def test_ripple_copper_loss_against_time_domain_simulation():
    """PWM ripple copper loss of a salient linear machine (L_d 0.8 mH, L_q 2.0 mH, R 0.05 ohm, 10 kHz SVPWM):
    1.5 R <|i_h|^2> from the kernel's tables, the voltage-frame rotation and L^-1, against a direct
    time-domain ripple simulation at the same fundamental voltage and angle; within 3 % (the rotor-frame
    dq ripple of the simulation includes the slow rotation of the harmonic pattern exactly)."""
    fm = linear_fluxmap(0.08, 0.8e-3, 2.0e-3, 4, 200.0, n=41, regions=(), B_at_psi_f=())
    lim = Limits(u_dc=U_DC, i_max=200.0, speed_max=2000.0, modulation=M.Modulation("svpwm", 10e3))
    m = FluxMapModel(fm, LossParams(R_s_20=0.05), lim)
    r = solve_operating_points(m, 800.0, 60.0)
    vd, vq = float(r["v_d"]), float(r["v_q"])
    x = math.hypot(vd, vq) / U_DC
    ih2 = _ripple_simulation(x, math.atan2(vq, vd), 10e3, 0.8e-3, 2.0e-3)
    assert float(r["p_harmonic_copper"]) == pytest.approx(1.5 * 0.05 * ih2, rel=0.03)
    assert float(r["p_harmonic_copper"]) > 0


def test_eddy_harmonic_loss_independent_of_fsw_copper_falls_with_fsw2():
    """Resistance-limited eddy losses scale with <v_h^2>, which does not depend on f_sw (Boglietti et al.
    2003); the ripple current ~ 1/f_sw, so the ripple copper loss (AC factor 1: no strand data) falls as
    1/f_sw^2: 5 -> 10 kHz at the same point: iron equal (1e-9), copper / 4 (1e-6)."""
    fm = linear_fluxmap(0.08, 0.8e-3, 2.0e-3, 4, 200.0, n=41, regions=("stator_teeth",), B_at_psi_f=(1.5,))
    lp = LossParams(R_s_20=0.05, regions=("stator_teeth",), region_mass=(5.0,), kh=(0.02,), kc=(5e-5,),
                    ke=(3e-4,), k_build=(1.0,))
    out = []
    for f in (5e3, 10e3):
        lim = Limits(u_dc=U_DC, i_max=200.0, speed_max=2000.0, modulation=M.Modulation("svpwm", f))
        out.append(solve_operating_points(FluxMapModel(fm, lp, lim), 800.0, 60.0))
    assert float(out[1]["p_harmonic_iron"]) == pytest.approx(float(out[0]["p_harmonic_iron"]), rel=1e-9)
    assert float(out[1]["p_harmonic_copper"]) == pytest.approx(float(out[0]["p_harmonic_copper"]) / 4, rel=1e-6)
    assert float(out[0]["p_harmonic_iron"]) > 0
    # the harmonic losses are supplied electrically: P_elec = P_mech + all losses (power balance, 1e-9)
    r = out[0]
    tot = sum(float(r[k]) for k in ("p_copper", "p_iron", "p_magnet", "p_mechanical"))
    assert float(r["p_elec"]) == pytest.approx(float(r["p_mech"]) + tot, rel=1e-9)


def test_no_harmonic_losses_without_a_switching_frequency():
    """Without f_sw (or without a modulation) the harmonic losses are zero (the model says so)."""
    for lim in (Limits(u_dc=U_DC, i_max=200.0, speed_max=2000.0),
                Limits(u_dc=U_DC, i_max=200.0, speed_max=2000.0, modulation=M.Modulation("svpwm"))):
        m = _spm()
        r = solve_operating_points(FluxMapModel(m.fluxmap, m.loss_params, lim), 300.0, 60.0)
        assert bool(r["feasible"]) and float(r["p_harmonic_copper"]) == 0.0 and float(r["p_harmonic_iron"]) == 0.0


def test_strand_ac_factors_limits():
    """Round strand, exact Bessel solutions: -> 1 at low frequency (d / delta = 0.05: 1e-4); skin factor at
    a / delta = 10 approaches the asymptote a / (2 delta) + 1/4 (1 %); the proximity factor falls below 1
    as the strand's own eddy currents screen the field (monotone)."""
    sigma = 5.8e7
    d = 1e-3
    delta = lambda f: 1 / math.sqrt(math.pi * f * 4e-7 * math.pi * sigma)  # noqa: E731
    f_lo = 1 / (math.pi * 4e-7 * math.pi * sigma * (d / 0.05) ** 2)  # delta = d / 0.05
    sk, pr = strand_ac_factors([f_lo], d, sigma)
    assert sk[0] == pytest.approx(1.0, abs=1e-4) and pr[0] == pytest.approx(1.0, abs=1e-4)
    f_hi = (10 / (0.5 * d)) ** 2 / (math.pi * 4e-7 * math.pi * sigma)  # a / delta = 10
    sk, _ = strand_ac_factors([f_hi], d, sigma)
    assert delta(f_hi) == pytest.approx(0.05e-3, rel=1e-9)
    assert sk[0] == pytest.approx(10 / 2 + 0.25, rel=0.01)
    _, pr = strand_ac_factors(np.logspace(2, 6, 9), d, sigma)
    assert np.all(np.diff(pr) < 0) and pr[-1] < 0.5


def test_strand_proximity_closed_form_equals_quadrature():
    """The proximity factor's integral int_0^a |J1(kappa r)|^2 r dr in closed form (Lommel) equals
    adaptive quadrature of the integrand (1e-9) from a / delta = 0.05 to 20; the skin factor is the
    direct Bessel ratio."""
    from scipy.integrate import quad
    from scipy.special import jv

    sigma, d = 5.8e7, 1e-3
    a = 0.5 * d
    for a_over_delta in (0.05, 0.5, 1.0, 3.0, 8.0, 20.0):
        f = (a_over_delta / a) ** 2 / (math.pi * 4e-7 * math.pi * sigma)
        sk, pr = strand_ac_factors([f], d, sigma)
        w = 2 * math.pi * f
        kappa = (1 - 1j) * math.sqrt(0.5 * w * 4e-7 * math.pi * sigma)
        integral = quad(lambda r, k=kappa: abs(jv(1, k * r)) ** 2 * r, 0.0, a, epsabs=0.0, epsrel=1e-12, limit=400)[0]
        exact = 0.5 * math.pi * sigma * w * w * 4.0 / abs(kappa * jv(0, kappa * a)) ** 2 * integral
        assert pr[0] == pytest.approx(exact / (math.pi * sigma * w * w * d ** 4 / 128.0), rel=1e-9)
        ka = kappa * a
        assert sk[0] == pytest.approx(float(np.real(0.5 * ka * jv(0, ka) / jv(1, ka))), rel=1e-12)


def test_ac_factor_table_matches_low_frequency_form():
    """With strand data the harmonic-frequency factor equals the low-frequency form 1 + k_ac (f/1 kHz)^2 at
    low frequency (100 Hz: 1e-4) and stays below it where the strands screen (100 kHz)."""
    lp = LossParams(R_s_20=0.05, k_ac=0.2, strand_diameter=0.912e-3, conductor_sigma_20=5.8e7, T_winding_c=20.0)
    tab = ac_factor_table(lp)
    f = 10 ** tab[0]
    i100 = np.argmin(abs(f - 100.0))
    assert tab[1][i100] == pytest.approx(1 + 0.2 * (f[i100] / 1e3) ** 2, rel=1e-4)
    i100k = np.argmin(abs(f - 1e5))
    assert tab[1][i100k] < 1 + 0.2 * (f[i100k] / 1e3) ** 2


def test_overmodulation_moments_bridge_carrier_and_six_step():
    """Between the linear limit and six-step the harmonic moments are the linear interpolation (in V1) of the
    carrier table's end and the rectangular wave (stated approximation): at V_lin the carrier values, at V_6
    the six-step values (1e-12), halfway the mean; the frequency shares sum to 1 throughout."""
    f_sw, w_e = 5e3, 2 * math.pi * 300
    lin, six = M.LINEAR["six_step"] * U_DC, M.SIX_STEP * U_DC
    a = M.harmonic_moments("six_step", lin, U_DC, f_sw, w_e)
    b = M.harmonic_moments("six_step", six, U_DC, f_sw, w_e)
    c = M.harmonic_moments("six_step", 0.5 * (lin + six), U_DC, f_sw, w_e)
    vp, vq, pp, pq, _ = M.six_step_moments()
    assert b["v_par2"] == pytest.approx(vp * U_DC ** 2, rel=1e-12)
    assert b["psi_perp2"] == pytest.approx(pq * (U_DC / w_e) ** 2, rel=1e-12)
    for k in ("v_par2", "v_perp2", "psi_par2", "psi_perp2"):
        assert c[k] == pytest.approx(0.5 * (a[k] + b[k]), rel=1e-12)
    for r in (a, b, c):
        assert r["shares"].sum() == pytest.approx(1.0, rel=1e-12)
    # SVPWM alone stops at its linear limit: the same moments beyond it
    assert M.harmonic_moments("svpwm", six, U_DC, f_sw, w_e)["v_par2"] == pytest.approx(a["v_par2"], rel=1e-12)
