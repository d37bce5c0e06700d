"""Tests of the inverter device library, loss model and mass model (issue 3)."""

import dataclasses
import math
import time

import numpy as np
import pytest

from motoropt.errors import InputError
from motoropt.inverter import (
    DEVICES,
    M_LINEAR_MAX,
    conduction_coefficients,
    dpwm1_switching_factor,
    get_device,
    inverter_losses,
    inverter_operating_points,
    max_phase_voltage_peak,
    position_losses,
)
from motoropt.inverter.losses import duty_components

FUJI = DEVICES["fuji_2mbi600xee065_50"]
SIC = DEVICES["wolfspeed_cab530m12bm3"]


def _frozen_T(dev, T_index=-1):
    """Device with temperature-independent parameters (values at one datasheet temperature)."""
    pick = lambda t: (t[T_index],)  # noqa: E731
    return dataclasses.replace(
        dev, T_cond_c=(150.0,), V0_T=pick(dev.V0_T), r_T=pick(dev.r_T),
        T_diode_c=(150.0,), V0_D=pick(dev.V0_D), r_D=pick(dev.r_D),
        T_sw_c=(150.0,), E_on=pick(dev.E_on), E_off=pick(dev.E_off), E_rr=pick(dev.E_rr))


def _time_domain(dev, I, m, phi, u_dc, f_sw, modulation="svpwm", zero_seq=None, n=20000):
    """Second method: average-model circuit over one fundamental period, all three phases.

    Duty from the modulation's zero sequence (or an explicit function), pole voltages with the device
    drops (v_T = V0_T + r_T i, v_D = V0_D + r_D i), switching energies counted per switching period
    at the instantaneous current (events only where the phase is not clamped, 0 < d < 1).
    Returns (P_dc, P_ac, P_cond_total, P_sw_total).
    """
    th = (np.arange(n) + 0.5) * 2 * math.pi / n
    P_dc = P_ac = P_cond = P_sw = 0.0
    for k in range(3):
        sh = -2 * math.pi * k / 3
        thk = th + sh
        if zero_seq is None:
            alpha, g = duty_components(thk, modulation)
            d = alpha + 0.5 * m * g
        else:
            d = 0.5 * (1 + m * np.cos(thk) + zero_seq(thk))
        i = I * np.cos(thk - phi)
        ia = np.abs(i)
        vT = dev.V0_T[0] + dev.r_T[0] * ia
        vD = dev.V0_D[0] + dev.r_D[0] * ia
        # pole voltage w.r.t. the negative rail, averaged over a switching period
        v_pole = np.where(i > 0, d * (u_dc - vT) + (1 - d) * (-vD), d * (u_dc + vD) + (1 - d) * vT)
        P_dc += np.mean(u_dc * d * i)
        P_ac += np.mean(v_pole * i)
        p_c = np.where(i > 0, d * vT * ia + (1 - d) * vD * ia, d * vD * ia + (1 - d) * vT * ia)
        P_cond += np.mean(p_c)
        switching = (d > 1e-12) & (d < 1 - 1e-12)
        E_T = (dev.E_on[0] + dev.E_off[0]) * (ia / dev.I_ref) ** dev.K_i * (u_dc / dev.V_ref) ** dev.K_v
        E_D = dev.E_rr[0] * (ia / dev.I_ref) ** dev.K_i_D * (u_dc / dev.V_ref) ** dev.K_v_D
        P_sw += np.mean(f_sw * (E_T + E_D) * switching)  # one T and one D event per period per leg
    return P_dc, P_ac, P_cond, P_sw


def test_registry_and_unknown_device():
    """Every entry cites a datasheet and is valid (its DC-link margin the 0.8 default unless the
    entry lists it among its estimates); an unknown name raises naming inverter.device."""
    assert len(DEVICES) >= 5
    for d in DEVICES.values():
        assert d.datasheet
        assert d.u_dc_max == pytest.approx(0.8 * d.V_rating) or any("u_dc_max_fraction" in e for e in d.estimates)
        assert d.kind in ("igbt", "sic_mosfet") and d.mass_module_kg > 0
    with pytest.raises(InputError) as e:
        get_device("no_such_module")
    assert e.value.field == "inverter.device"
    with pytest.raises(InputError) as e:
        inverter_operating_points(100, 100, 0.9, 100, 400, 10e3, 65, "bogus")
    assert e.value.field == "inverter.device"


def test_bad_dc_link_and_fsw_name_their_fields():
    """u_dc above 0.8 x rating (650 V Fuji -> 520 V) and f_sw outside [2, 20] kHz are rejected."""
    with pytest.raises(InputError) as e:
        inverter_operating_points(100, 100, 0.9, 100, 600.0, 10e3, 65, FUJI)
    assert e.value.field == "inverter.u_dc" and "520" in str(e.value)
    with pytest.raises(InputError) as e:
        inverter_operating_points(100, 100, 0.9, 100, 400.0, 40e3, 65, FUJI)
    assert e.value.field == "inverter.f_sw"
    with pytest.raises(InputError) as e:
        inverter_operating_points(100, 100, 0.9, 100, 400.0, 10e3, 65, FUJI, modulation="spwm7")
    assert e.value.field == "inverter.modulation"


@pytest.mark.parametrize("m,cphi", [(0.3, 0.95), (0.8, 0.85), (1.1, 0.5), (1.0, -0.8), (0.6, 0.0)])
def test_closed_form_conduction_matches_numerical_integration(m, cphi):
    """Graovac & Puerschel (2009) closed forms with m3 = -m/6 vs direct numerical integration of
    v(i) i d(theta) over a fundamental with d = (1 + m cos th + m3 cos 3th)/2 (own second method):
    agreement < 1e-5 relative (reference value: the integral itself)."""
    dev = _frozen_T(FUJI)
    I, phi = 400.0, math.acos(cphi)
    m3 = -m / 6
    _, _, Pc, _ = _time_domain(dev, I, m, phi, 300.0, 10e3, zero_seq=lambda t: m3 * np.cos(3 * t), n=200000)
    a_T, b_T, a_D, b_D = conduction_coefficients(m, cphi, "svpwm")
    closed = 6 * (dev.V0_T[0] * I * a_T + dev.r_T[0] * I**2 * b_T + dev.V0_D[0] * I * a_D + dev.r_D[0] * I**2 * b_D)
    assert closed == pytest.approx(Pc, rel=1e-5)


@pytest.mark.parametrize("cphi,tol", [(0.85, 0.003), (0.95, 0.01)])
def test_third_harmonic_form_close_to_minmax_svpwm(cphi, tol):
    """The AN's m3 = -m/6 form vs exact min-max SVPWM (numerical), m = 1.1: the reference notes give
    < 0.3 % at PF 0.85 and ~2 % at PF 1 on the r I^2 term; here on total conduction loss."""
    dev = _frozen_T(FUJI)
    I, m, phi = 500.0, 1.1, math.acos(cphi)
    _, _, Pc, _ = _time_domain(dev, I, m, phi, 300.0, 10e3, modulation="svpwm", n=200000)
    a_T, b_T, a_D, b_D = conduction_coefficients(m, cphi, "svpwm")
    closed = 6 * (dev.V0_T[0] * I * a_T + dev.r_T[0] * I**2 * b_T + dev.V0_D[0] * I * a_D + dev.r_D[0] * I**2 * b_D)
    assert abs(closed / Pc - 1) < tol


def test_hand_calculation_fuji_datasheet_point():
    """Hand calculation, Fuji 2MBI600XEE065-50 at its 150 degC datasheet point (I = 600 A, u_dc =
    V_ref = 300 V, m = 1, cos phi = 0.85, f_sw = 10 kHz), temperature frozen:
    IGBT cond = 0.659*600*(1/2pi + 0.85/8) + 1.43e-3*600^2*(1/8 + 0.85/3pi - (1/6)cos3phi/15pi)
      cos3phi = 4*0.85^3 - 3*0.85 = -0.0935 -> 0.659*600*(0.159155+0.10625) + 514.8*(0.125+0.090188+0.000331)
      = 104.94 + 110.95 = 215.89 W
    IGBT switching = f_sw (E_on+E_off)/pi = 1e4 * 55.3e-3 / pi = 176.02 W
    diode cond = 0.847*600*(1/pi - 0.265405) + 1.08e-3*360000*(1/4 - 0.215519) = 26.89 + 13.41 = 40.29 W
    diode switching (K_i,D = 0.6 at I = I_ref: factor 1 x G(0.6)) = 1e4 * 7.7e-3 * G(0.6),
      G(0.6) = Gamma(0.8)/(2 sqrt(pi) Gamma(1.3)) = 1.16423/(3.54491*0.89747) = 0.36595 -> 28.18 W."""
    dev = _frozen_T(FUJI)
    r = position_losses(600.0, 1.0, 0.85, 300.0, 10e3, 150.0, dev, "svpwm", 0.0)
    assert float(r["p_cond_T"]) == pytest.approx(215.89, rel=2e-3)
    assert float(r["p_sw_T"]) == pytest.approx(176.02, rel=2e-3)
    assert float(r["p_cond_D"]) == pytest.approx(40.29, rel=2e-3)
    assert float(r["p_sw_D"]) == pytest.approx(28.18, rel=2e-3)


@pytest.mark.parametrize("mod", ["svpwm", "dpwm1"])
@pytest.mark.parametrize("cphi", [0.9, 0.3, -0.9])
def test_energy_balance_and_switching_vs_event_count(mod, cphi):
    """Energy balance P_dc = P_ac + losses: the time-domain circuit's P_dc - P_ac equals the model's
    conduction loss; the model's switching loss equals the count of switching events at the
    instantaneous current (own second method; DPWM1 clamped intervals have no events); both < 0.5 %.
    Generating points (cos phi < 0) have P_ac < 0 and |P_dc| = |P_ac| - losses."""
    dev = _frozen_T(FUJI)
    I, m, phi, u = 350.0, 0.9, math.acos(cphi), 280.0
    P_dc, P_ac, Pc_td, Psw_td = _time_domain(dev, I, m, phi, u, 10e3, modulation=mod, n=100000)
    r = inverter_losses(I, m, cphi, u, 10e3, 150.0, dev, mod, 0.0)
    cond = float(r["p_cond_T_inv"] + r["p_cond_D_inv"])
    sw = float(r["p_sw_T_inv"] + r["p_sw_D_inv"])
    tol = 0.003 if mod == "dpwm1" else 0.005  # svpwm closed form uses m3 = -m/6 (see test above)
    assert P_dc - P_ac == pytest.approx(cond, rel=tol)
    assert sw == pytest.approx(Psw_td, rel=5e-3)
    if cphi < 0:
        assert P_ac < 0 and abs(P_dc) < abs(P_ac)


def test_efficiency_definition_both_directions():
    """eta = P_ac / (P_ac + P_loss) motoring and (|P_ac| - P_loss)/|P_ac| generating; p_dc = p_ac + loss."""
    r = inverter_operating_points(np.array([300.0, 300.0]), 200.0, np.array([0.9, -0.9]), 200.0, 500.0,
                                  10e3, 65.0, FUJI, "svpwm", 1e-6)
    loss = r["p_loss"]
    p_ac = 1.5 * 200 * 300 * np.array([0.9, -0.9])
    np.testing.assert_allclose(r["p_dc"], p_ac + loss)
    eta = inverter_losses(np.array([300.0, 300.0]), 0.8, np.array([0.9, -0.9]), 500.0, 10e3, 65.0, FUJI,
                          "svpwm", 1e-6, p_ac=p_ac)["eta"]
    assert 0.9 < eta[0] < 1 and 0.9 < eta[1] < 1


def test_dpwm1_factor_closed_form_and_reduction():
    """DPWM1 (60 deg clamps centred on the voltage peaks), K = 1: for |phi| <= 60 deg the clamp lies
    inside the conducting half-wave and removes int_{-30}^{30} cos(th - phi) / 2 = cos(phi)/2, so the
    kept share is 1 - cos(phi)/2 (0.5 at PF 1); at phi = 90 deg it is cos 30 deg = 0.866 (hand
    integration). Total switching loss drops at every PF."""
    for phi_deg in (0, 20, 45, 60):
        c = math.cos(math.radians(phi_deg))
        assert float(dpwm1_switching_factor(c, 1.0)) == pytest.approx(1 - c / 2, abs=2e-4)
    assert float(dpwm1_switching_factor(0.0, 1.0)) == pytest.approx(math.cos(math.pi / 6), abs=2e-4)
    c = np.linspace(-1, 1, 21)
    a = inverter_losses(300.0, 1.0, c, 500.0, 10e3, 65.0, FUJI, "svpwm", 1e-6)
    b = inverter_losses(300.0, 1.0, c, 500.0, 10e3, 65.0, FUJI, "dpwm1", 1e-6)
    assert np.all(b["p_sw_T_inv"] + b["p_sw_D_inv"] < 0.9 * (a["p_sw_T_inv"] + a["p_sw_D_inv"]))


def test_sic_beats_igbt_most_at_light_load():
    """Same point (500 V, 10 kHz, SVPWM, PF 0.9, 65 degC coolant): SiC CAB530M12BM3 vs Si IGBT
    2MBI600XEE065-50. SiC loss < IGBT loss at light load, and its relative advantage shrinks with
    current (SiC conduction ~ I^2 vs IGBT V_CE0 I): the ratio rises monotonically with current."""
    I = np.array([20.0, 50.0, 100.0, 200.0, 400.0, 550.0])
    kw = dict(v_ph_peak=200.0, cos_phi=0.9, f_e=200.0, u_dc=500.0, f_sw=10e3, T_coolant_c=65.0,
              modulation="svpwm", t_dead=1e-6)
    si = inverter_operating_points(I, device=FUJI, **kw)["p_loss"]
    sic = inverter_operating_points(I, device=SIC, **kw)["p_loss"]
    ratio = sic / si
    assert ratio[0] < 0.35
    assert np.all(np.diff(ratio) > 0)


def test_mosfet_dead_time_body_diode():
    """SiC: body-diode loss = 2 t_dead f_sw (V0_D I/pi + r_D I^2/4) (hand formula, frozen T); zero
    without dead time; channel conduction = R_DS(on) I^2 / 4 independent of m and phi."""
    dev = _frozen_T(SIC)
    I, td, f = 400.0, 1e-6, 20e3
    r = position_losses(I, 0.9, 0.7, 600.0, f, 150.0, dev, "svpwm", td)
    expect = 2 * td * f * (dev.V0_D[0] * I / math.pi + dev.r_D[0] * I**2 / 4)
    assert float(r["p_cond_D"]) == pytest.approx(expect, rel=1e-9)
    r0 = position_losses(I, 0.3, -0.2, 600.0, f, 150.0, dev, "svpwm", 0.0)
    assert float(r0["p_cond_D"]) == 0.0
    assert float(r0["p_cond_T"]) == pytest.approx(dev.r_T[0] * I**2 / 4, rel=1e-12)


def test_junction_temperature_self_consistent():
    """After the fixed-point iteration T_j = T_c + P R_th with the losses evaluated at that T_j
    (residual < 0.05 K); hotter coolant -> higher IGBT losses (positive V_CE, E temperature coefficient)."""
    r = position_losses(500.0, 1.0, 0.9, 500.0, 10e3, 65.0, FUJI, "svpwm", 1e-6)
    dev = dataclasses.replace(FUJI)
    from motoropt.inverter.devices import R_th_junction_coolant
    R_T, R_D, R_ch = R_th_junction_coolant(dev)
    P_T = r["p_cond_T"] + r["p_sw_T"]
    P_D = r["p_cond_D"] + r["p_sw_D"]
    T_case = 65.0 + (P_T + P_D) * R_ch
    assert abs(float(T_case + P_T * R_T - r["T_j_T"])) < 0.05
    assert abs(float(T_case + P_D * R_D - r["T_j_D"])) < 0.05
    hot = position_losses(500.0, 1.0, 0.9, 500.0, 10e3, 105.0, FUJI, "svpwm", 1e-6)
    assert float(hot["p_cond_T"] + hot["p_sw_T"]) > float(P_T)


def test_pointwise_temperature_interpolation_is_numpys():
    """The fixed-point kernel's temperature interpolation (_tinterp1) against the array form
    (_tinterp: numpy.interp inside the table, linear extrapolation beyond it, clipped at 0) at the
    nodes, between them, beyond both ends (into the clip) and at NaN: equal bit for bit; a one-entry
    table is its value at any temperature."""
    from motoropt.inverter.losses import _tinterp, _tinterp1

    Ts = np.array([25.0, 125.0, 150.0])
    vals = np.array([1.2e-3, 1.9e-3, 2.05e-3])
    T = np.r_[Ts, np.linspace(-400.0, 400.0, 161), 25.0 + 1e-12, 150.0 - 1e-12, np.nan]
    ref = _tinterp(T, Ts, vals)
    got = np.array([_tinterp1(t, Ts, vals) for t in T])
    assert np.array_equal(got, ref, equal_nan=True)
    assert np.any(ref == 0.0) and np.isnan(got[-1])
    assert _tinterp1(80.0, np.array([25.0]), np.array([0.7])) == 0.7


def test_max_phase_voltage_hand_formula():
    """V_max = u_dc/sqrt3 - (4/pi)(V0_T+V0_D)/2 - (r_T+r_D)/2 I - (4/pi) t_dead f_sw u_dc (hand, Fuji
    at 150 degC, 500 V, 300 A, 2 us, 10 kHz): 288.675 - (4/pi)0.753 - 1.255e-3*300 - (4/pi)*10
    = 288.675 - 0.9588 - 0.3765 - 12.7324 = 274.607 V."""
    v = max_phase_voltage_peak(500.0, 300.0, FUJI, "svpwm", 2e-6, 10e3, T_j_c=150.0)
    assert float(v) == pytest.approx(274.607, abs=0.01)
    assert float(max_phase_voltage_peak(500.0, 300.0, FUJI, "svpwm", 0.0, 10e3, 150.0)) > float(v)


def test_overmodulation_flag_and_speed():
    """m above 2/sqrt3 is flagged (losses at the limit); a batch of 1e5 points takes < 0.5 s (~us/pt)."""
    r = inverter_operating_points(200.0, np.array([200.0, 300.0]), 0.9, 100.0, 500.0, 10e3, 65.0, FUJI)
    assert list(r["overmodulated"]) == [False, True] and r["m"][1] > M_LINEAR_MAX
    n = 100_000
    a = np.random.default_rng(0).random(n)
    inverter_operating_points(400 * a, 250 * a, 0.9, 200.0, 500.0, 10e3, 65.0, FUJI, "dpwm1", 1e-6)
    t = time.perf_counter()
    inverter_operating_points(400 * a, 250 * a, 0.9, 200.0, 500.0, 10e3, 65.0, FUJI, "dpwm1", 1e-6)
    assert time.perf_counter() - t < 0.5


# ----------------------------------------------------------------------------- mass model
from motoropt.inverter import dc_link_rms_current, inverter_mass  # noqa: E402
from motoropt.inverter.mass import RIPPLE_CHARGE_FACTOR  # noqa: E402


def _switching_period_sim(m, phi, mod="svpwm", nth=120, nt=600):
    """Time-domain DC-link current of a centred-PWM VSI: returns (RMS of i_dc - I_dc over the
    fundamental, max peak-to-peak charge per switching period), both normalised to I_hat (T_sw = 1)."""
    t = (np.arange(nt) + 0.5) / nt
    ms, worst = 0.0, 0.0
    for th in np.linspace(0, 2 * math.pi, nth, endpoint=False):
        idc = np.zeros(nt)
        I_dc = 0.0
        for k in range(3):
            thk = th - 2 * math.pi * k / 3
            a, g = duty_components(np.array([thk]), mod)
            d = a[0] + 0.5 * m * g[0]
            i = math.cos(thk - phi)
            idc += (np.abs(t - 0.5) < d / 2) * i
            I_dc += d * i
        ic = idc - I_dc
        ms += np.mean(ic**2) / nth
        q = np.cumsum(ic) / nt
        worst = max(worst, q.max() - q.min())
    return math.sqrt(ms), worst


@pytest.mark.parametrize("m,cphi", [(0.8, 0.9), (0.5, 0.3), (1.1, -0.7)])
def test_kolar_dc_link_rms_vs_time_domain(m, cphi):
    """Kolar & Round (2006) closed form vs time-domain simulation of the switched DC-link current
    (SVPWM, own second method), < 1 %."""
    rms, _ = _switching_period_sim(m, math.acos(cphi))
    assert float(dc_link_rms_current(1.0, m, cphi)) == pytest.approx(rms, rel=0.01)


def test_ripple_charge_factor_is_worst_case():
    """The sizing constant max dQ_pp = I_hat T_sw / 4 bounds the simulated charge excursion over a
    grid of m, phi (SVPWM and DPWM1) and is attained (>= 0.24) - reference: the simulation."""
    worst = 0.0
    for mod in ("svpwm", "dpwm1"):
        for m in (0.2, 0.6, 1.0, 1.15):
            for phi in np.linspace(0, math.pi, 7):
                worst = max(worst, _switching_period_sim(m, phi, mod, nth=24, nt=1200)[1])
    assert 0.24 <= worst <= RIPPLE_CHARGE_FACTOR + 2e-3


def test_prius_like_si_inverter_mass_order():
    """50 kW, 500 V, 300 A peak Si IGBT (650 V Fuji modules), water cold plate, 3 kW loss: ORNL
    (ORNL/TM-2006/423) weighed the 2004 Prius inverter at 8.8 kg including its boost converter and
    generator inverter, which this model does not contain -> expect the same order, below 8.8 kg:
    3-8.8 kg (5.7 kW/kg in the ORNL figure)."""
    r = inverter_mass("fuji_2mbi600xee065_50", 50e3, 500.0, 300.0, 10e3, 3000.0, "water_cold_plate")
    assert 3.0 < r.total_kg < 8.8
    assert sum(r.shares.values()) == pytest.approx(1.0)
    air = inverter_mass("fuji_2mbi600xee065_50", 50e3, 500.0, 300.0, 10e3, 3000.0, "forced_air")
    assert air.cooler_kg > 3 * r.cooler_kg


def test_sic_double_side_cooled_reaches_tens_of_kw_per_kg():
    """250 kW, 800 V SiC (XM3), 400 A peak, 20 kHz, DSC, 4 kW loss: > 20 kW/kg (programme target 25
    kW/kg with DSC modules; 2010 Prius inverter 16.6 kW/kg per the project reference notes)."""
    r = inverter_mass("wolfspeed_cab450m12xm3", 250e3, 800.0, 400.0, 20e3, 4000.0, "double_side_cooled")
    assert r.power_density_kw_per_kg > 20.0


def test_mass_bad_cooling():
    """Unknown cooling type raises InputError naming inverter.cooling."""
    with pytest.raises(InputError) as e:
        inverter_mass("fuji_2mbi600xee065_50", 50e3, 500.0, 300.0, 10e3, 3000.0, "oil_spray")
    assert e.value.field == "inverter.cooling"
