"""Control / operating-point solver (motoropt.drive.control) against closed-form linear-PMSM results.

All machines are built with fluxmap.linear_fluxmap (psi_d = psi_f + L_d i_d, psi_q = L_q i_q),
for which bilinear interpolation is exact, so the references below are exact closed forms.
Voltage limit: u_dc = 300 V, utilisation 0.95 -> v_max = 0.95*300/sqrt(3) = 164.545 V peak phase.
"""

import math

import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import (
    CURRENT_LIMIT,
    POWER_LIMIT,
    SPEED_LIMIT,
    VOLTAGE_LIMIT,
    Limits,
    max_torque_envelope,
    operating_point,
    solve_operating_points,
)
from motoropt.drive.losses import LossParams
from motoropt.drive.model import FluxMapModel
from motoropt.errors import InputError, OperatingPointError
from motoropt.magnetics.fluxmap import linear_fluxmap
from tests.envelope_checks import envelope_speeds_together_vs_alone

P = 4
LIM = Limits(u_dc=300.0, i_max=200.0, speed_max=2000.0)
V_MAX = 0.95 * 300.0 / math.sqrt(3.0)


def copper_only(R):
    """Copper loss only (no iron, magnet or mechanical loss): minimum loss = MTPA."""
    return LossParams(R_s_20=R, regions=("stator_teeth", "stator_yoke"), region_mass=(0.0, 0.0),
                      kh=(0.0, 0.0), kc=(0.0, 0.0), ke=(0.0, 0.0), k_build=(1.0, 1.0))


def with_iron(R):
    """Copper + M235-35A-like iron (Bertotti fit, shared/reference/materials.md) + magnet + mechanical."""
    return LossParams(R_s_20=R, T_winding_c=80.0, k_ac=0.2, regions=("stator_teeth", "stator_yoke"),
                      region_mass=(3.0, 5.0), kh=(1.306e-2,) * 2, kc=(3.312e-5,) * 2, ke=(7.572e-4,) * 2,
                      k_build=(1.5, 1.3), magnet_eddy_coeff=60.0, T_b0=0.1, rotor_radius=0.07,
                      stack_length=0.1, air_gap=7e-4)


def nonsalient(R=0.02, limits=LIM):
    fm = linear_fluxmap(0.1, 1e-3, 1e-3, P, 200.0)
    return FluxMapModel(fm, copper_only(R), limits, "nonsalient")


LIM_SALIENT = Limits(u_dc=300.0, i_max=250.0, speed_max=2000.0)


def salient(loss=None, limits=LIM_SALIENT):
    fm = linear_fluxmap(0.08, 0.4e-3, 1.0e-3, P, 250.0)
    return FluxMapModel(fm, loss or copper_only(0.02), limits, "salient")


def test_nonsalient_mtpa_is_pure_q_current():
    """Non-salient, below base speed: MTPA = (i_d = 0, i_q = T / (1.5 p psi_f)); T = 30 N m -> i_q = 50 A."""
    m = nonsalient()
    for T in (5.0, 30.0, 90.0):
        r = operating_point(m, 300.0, T)
        assert abs(r["id_a"]) < 1e-3
        assert r["iq_a"] == pytest.approx(T / (1.5 * P * 0.1), rel=1e-9)


def test_nonsalient_base_speed_closed_form():
    """Base speed at i_d = 0, i_q = I_max: (R I)^2 + ... : w_e^2 (L^2 I^2 + psi_f^2) + 2 R psi_f I w_e
    + R^2 I^2 - v_max^2 = 0. Below it the envelope is T = 1.5 p psi_f I_max = 120 N m, above it less."""
    R, L, psi, I = 0.02, 1e-3, 0.1, 200.0
    a, b, c = L**2 * I**2 + psi**2, 2 * R * psi * I, R**2 * I**2 - V_MAX**2
    w_base = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a) / P
    env = max_torque_envelope(nonsalient().fluxmap, copper_only(R), LIM, [0.5 * w_base, 0.999 * w_base, 1.01 * w_base])
    t = env["torque_motoring"]
    assert t[0] == pytest.approx(120.0, rel=1e-9)
    assert t[1] == pytest.approx(120.0, rel=1e-9)
    assert t[2] < 120.0 * (1 - 1e-4)
    assert abs(env["i_d_motoring"][1]) < 1e-3


def test_nonsalient_infinite_speed_mtpv_closed_form():
    """R = 0, characteristic current psi_f/L = 100 A < I_max: at high speed MTPV gives i_d = -psi_f/L,
    psi_q = L i_q = v_max / w_e, T = 1.5 p psi_f v_max / (w_e L); the power w_m T tends to the constant
    1.5 psi_f v_max / L = 2468.2 W (infinite-speed capability)."""
    m = nonsalient(R=0.0)
    speeds = np.array([1000.0, 1500.0, 2000.0])
    env = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds)
    ref = 1.5 * P * 0.1 * V_MAX / (P * speeds * 1e-3)
    np.testing.assert_allclose(env["torque_motoring"], ref, rtol=1e-7)
    np.testing.assert_allclose(env["i_d_motoring"], -100.0, atol=1e-4)
    np.testing.assert_allclose(speeds * env["torque_motoring"], 1.5 * 0.1 * V_MAX / 1e-3, rtol=1e-7)


def test_finite_max_speed_when_characteristic_current_exceeds_imax():
    """psi_f/L_d = 0.1/0.3e-3 = 333 A > I_max = 200 A, R = 0: no torque above
    w_m = v_max / (p (psi_f - L_d I_max)) = 164.545/(4*0.04) = 1028.4 rad/s; torque just below it."""
    fm = linear_fluxmap(0.1, 0.3e-3, 0.3e-3, P, 200.0)
    w_lim = V_MAX / (P * (0.1 - 0.3e-3 * 200.0))
    env = max_torque_envelope(fm, copper_only(0.0), LIM, [0.97 * w_lim, 1.03 * w_lim])
    assert env["torque_motoring"][0] > 0.5
    assert env["torque_motoring"][1] == 0.0
    m = FluxMapModel(fm, copper_only(0.0), LIM)
    r = solve_operating_points(m, 1.03 * w_lim, 0.1)
    assert not r["feasible"] and r["reason"] == VOLTAGE_LIMIT


def mtpa_id(I, psi_f=0.08, L_d=0.4e-3, L_q=1.0e-3):
    """Closed-form MTPA d-current of a linear salient PMSM for current amplitude I (A peak)."""
    dL = L_q - L_d
    return (psi_f - math.sqrt(psi_f**2 + 8 * dL**2 * I**2)) / (4 * dL)


def test_salient_mtpa_closed_form():
    """Salient (psi_f 0.08 Wb, L_d 0.4 mH, L_q 1.0 mH), copper loss only, low speed: the min-loss
    current lies on the MTPA curve i_d = (psi_f - sqrt(psi_f^2 + 8 (L_q-L_d)^2 I^2)) / (4 (L_q-L_d))
    and gives the torque 1.5 p (psi_f + (L_d - L_q) i_d) i_q."""
    m = salient()
    for T in (20.0, 80.0, 150.0):
        r = operating_point(m, 200.0, T)
        I = math.hypot(r["id_a"], r["iq_a"])
        assert r["id_a"] == pytest.approx(mtpa_id(I), abs=2e-3)
        assert 1.5 * P * (0.08 + (0.4e-3 - 1.0e-3) * r["id_a"]) * r["iq_a"] == pytest.approx(T, rel=1e-9)


def test_salient_envelope_low_speed_is_mtpa_at_imax():
    """Below base speed the envelope is the MTPA torque at I_max = 250 A (closed form above)."""
    m = salient()
    i_d = mtpa_id(250.0)
    i_q = math.sqrt(250.0**2 - i_d**2)
    T_ref = 1.5 * P * (0.08 + (0.4e-3 - 1.0e-3) * i_d) * i_q
    env = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, [10.0, 100.0])
    np.testing.assert_allclose(env["torque_motoring"], T_ref, rtol=1e-9)


def mtpv_torque(w_e, psi_f=0.08, L_d=0.4e-3, L_q=1.0e-3, v=V_MAX):
    """MTPV torque of the lossless linear salient PMSM at flux magnitude Psi = v / w_e.

    With psi_d = Psi cos(th), psi_q = Psi sin(th): T/(1.5 p) = Psi sin(th) [psi_f/L_d + Psi cos(th)
    (1/L_q - 1/L_d)]; dT/dth = 0 gives 2 a c^2 + b c - a = 0 for c = cos(th), with
    a = Psi (1/L_q - 1/L_d), b = psi_f / L_d. Returns (T, i_d)."""
    Psi = v / w_e
    a, b = Psi * (1 / L_q - 1 / L_d), psi_f / L_d
    best = (-np.inf, 0.0)
    for sgn in (1.0, -1.0):
        c = (-b + sgn * math.sqrt(b * b + 8 * a * a)) / (4 * a)
        if -1 <= c <= 1:
            s = math.sqrt(1 - c * c)
            T = 1.5 * P * Psi * s * (b + Psi * c * (1 / L_q - 1 / L_d))
            best = max(best, (T, (Psi * c - psi_f) / L_d))
    return best


def test_salient_mtpv_closed_form():
    """R = 0, psi_f/L_d = 200 A < 250 A: at 1200-2000 rad/s the envelope equals the MTPV torque
    (closed form in mtpv_torque) and lies inside the current circle."""
    m = salient(copper_only(0.0))
    speeds = np.array([1200.0, 1600.0, 2000.0])
    env = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds)
    for k, w in enumerate(speeds):
        T, i_d = mtpv_torque(P * w)
        assert env["torque_motoring"][k] == pytest.approx(T, rel=1e-7)
        assert env["i_d_motoring"][k] == pytest.approx(i_d, abs=1e-3)
        assert math.hypot(env["i_d_motoring"][k], env["i_q_motoring"][k]) < 250.0


def test_solver_consistent_with_envelope():
    """With all losses: points at 0.999 of the envelope are feasible, at 1.001 infeasible, motoring and
    generating, from base speed to deep flux weakening (second method: envelope vs point solver)."""
    m = salient(with_iron(0.02))
    speeds = np.array([50.0, 400.0, 900.0, 1500.0, 2000.0])
    env = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds)
    for key, sgn in (("torque_motoring", 1.0), ("torque_generating", -1.0)):
        inside = solve_operating_points(m, speeds, sgn * 0.999 * env[key])
        outside = solve_operating_points(m, speeds, sgn * 1.001 * env[key])
        assert inside["feasible"].all()
        assert not outside["feasible"].any()
        np.testing.assert_allclose(inside["torque_shaft"], sgn * 0.999 * env[key], rtol=1e-9)


def test_motoring_only_envelope_equals_the_motoring_side():
    """generating=False (the peak-power search's single-speed calls) solves the motoring side only:
    its entries equal the full envelope's bit for bit, the generating ones are NaN."""
    m = salient(with_iron(0.02))
    speeds = np.array([50.0, 400.0, 900.0, 1500.0, 2000.0])
    full = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds)
    mot = max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds, generating=False)
    for key in ("torque_motoring", "i_d_motoring", "i_q_motoring", "torque_motoring_unlimited"):
        np.testing.assert_array_equal(mot[key], full[key])
    assert np.isnan(mot["torque_generating"]).all() and np.isfinite(full["torque_generating"]).all()


def test_generating_symmetric_to_motoring():
    """Copper loss only, below base speed: the generating point at -T mirrors the motoring point at +T
    (i_d equal, i_q opposite, equal loss); lossless machine (R = 0): envelopes coincide at all speeds."""
    m = salient()
    mot = solve_operating_points(m, 150.0, [10.0, 60.0, 120.0])
    gen = solve_operating_points(m, 150.0, [-10.0, -60.0, -120.0])
    np.testing.assert_allclose(gen["i_d"], mot["i_d"], atol=2e-3)
    np.testing.assert_allclose(gen["i_q"], -mot["i_q"], rtol=1e-6)
    np.testing.assert_allclose(gen["p_copper"], mot["p_copper"], rtol=1e-6)
    lossless = salient(copper_only(0.0))
    env = max_torque_envelope(lossless.fluxmap, lossless.loss_params, lossless.limits, np.linspace(0, 2000, 9))
    np.testing.assert_allclose(env["torque_generating"], env["torque_motoring"], rtol=1e-9)


def test_power_balance_and_definitions_single_points():
    """P_elec = 1.5 (v_d i_d + v_q i_q) equals P_mech + all losses (1e-9 rel); motoring efficiency
    P_mech/P_elec, generating P_elec/P_mech; |v| <= v_max and |i| <= I_max at the solution."""
    m = salient(with_iron(0.02))
    w = np.array([100.0, 800.0, 1500.0, 800.0, 1500.0])
    T = np.array([100.0, 40.0, 10.0, -40.0, -10.0])
    r = solve_operating_points(m, w, T)
    assert r["feasible"].all()
    losses = r["p_copper"] + r["p_iron"] + r["p_magnet"] + r["p_mechanical"]
    p_el = 1.5 * (r["v_d"] * r["i_d"] + r["v_q"] * r["i_q"])
    np.testing.assert_allclose(r["p_elec"], p_el, rtol=1e-12)
    np.testing.assert_allclose(p_el, w * T + losses, rtol=1e-9)
    np.testing.assert_allclose(r["efficiency"][:3], (w * T / p_el)[:3], rtol=1e-12)
    np.testing.assert_allclose(r["efficiency"][3:], (p_el / (w * T))[3:], rtol=1e-12)
    assert np.all(np.hypot(r["v_d"], r["v_q"]) <= V_MAX * (1 + 1e-12))
    assert np.all(np.hypot(r["i_d"], r["i_q"]) <= 250.0 * (1 + 1e-12))
    np.testing.assert_allclose(r["v_ll_rms"], math.sqrt(1.5) * np.hypot(r["v_d"], r["v_q"]), rtol=1e-12)


def test_infeasible_points_raise_and_report_reason():
    """1000 N m at 1000 rpm exceeds the envelope -> OperatingPointError naming the max torque;
    speed above speed_max -> speed limit; the batch API reports reason codes instead of raising."""
    m = salient(with_iron(0.02))
    with pytest.raises(OperatingPointError, match=r"max motoring torque at 1000 rpm is \d+\.\d N m"):
        operating_point(m, 1000.0, 1000.0)
    with pytest.raises(OperatingPointError, match="max speed"):
        operating_point(m, 2041.0 / RPM_TO_RAD_S, 10.0)  # > 2 % above speed_max = 2000 rad/s
    r = solve_operating_points(m, [100.0, 2500.0, 1800.0], [1000.0, 10.0, 150.0])
    assert list(r["reason"]) == [CURRENT_LIMIT, SPEED_LIMIT, VOLTAGE_LIMIT]
    assert not r["feasible"].any() and np.isnan(r["efficiency"]).all()
    with pytest.raises(InputError, match="speed_rpm"):
        operating_point(m, -5.0, 10.0)
    with pytest.raises(InputError, match="u_dc"):
        Limits(u_dc=-1.0, i_max=10.0, speed_max=10.0)
    with pytest.raises(InputError, match="i_max"):  # map covers 250 A only
        solve_operating_points(FluxMapModel(m.fluxmap, m.loss_params, Limits(300.0, 300.0, 2000.0)), 10.0, 1.0)


def test_operating_point_dict_keys():
    """The CLI contract: motor_efficiency, id_a, iq_a, current_rms_a, voltage_ll_rms_v, losses_w{...}."""
    r = operating_point(salient(with_iron(0.02)), 3000.0, -20.0)
    for k in ("motor_efficiency", "id_a", "iq_a", "current_rms_a", "voltage_ll_rms_v", "power_factor"):
        assert np.isfinite(r[k])
    assert set(r["losses_w"]) >= {"copper", "iron", "magnet", "mechanical"}
    assert r["current_rms_a"] == pytest.approx(math.hypot(r["id_a"], r["iq_a"]) / math.sqrt(2), rel=1e-12)
    assert 0.5 < r["motor_efficiency"] < 1.0 and r["power_factor"] < 0


def test_point_within_two_percent_above_speed_limit_is_evaluated_with_warning():
    """A point up to 2 % above speed_max (ORNL's 6005 rpm against 6000) is evaluated, not refused, with a
    warning; its result equals that of the same model with the limit raised to the point (exact, 1e-12)."""
    m = salient(with_iron(0.02))  # speed_max 2000 rad/s
    w = 2030.0  # 1.5 % above
    r = operating_point(m, w / RPM_TO_RAD_S, 5.0)
    assert len(r["warnings"]) == 1 and "above the speed limit" in r["warnings"][0]
    raised = FluxMapModel(m.fluxmap, m.loss_params, Limits(300.0, 250.0, w))
    ref = operating_point(raised, w / RPM_TO_RAD_S, 5.0)
    assert ref["warnings"] == []
    assert r["current_rms_a"] == pytest.approx(ref["current_rms_a"], rel=1e-12)
    assert r["motor_efficiency"] == pytest.approx(ref["motor_efficiency"], rel=1e-12)


def test_power_limit_caps_envelope_and_points():
    """limits.p_max = 30 kW: the envelope is min(motor envelope, P_max / w) at every speed (1e-12), the
    motor-only envelope is kept alongside; points above P_max / w are infeasible with the reason "power
    limit", points below it are unchanged (the same solution as without the limit, 1e-12)."""
    m = salient(with_iron(0.02))
    lim = Limits(300.0, 250.0, 2000.0, p_max=30e3)
    ml = FluxMapModel(m.fluxmap, m.loss_params, lim)
    sp = np.array([50.0, 200.0, 400.0, 800.0])
    e0, e1 = m.envelope(sp), ml.envelope(sp)
    np.testing.assert_allclose(e1["torque_motoring"], np.minimum(e0["torque_motoring"], 30e3 / sp), rtol=1e-12)
    np.testing.assert_allclose(e1["torque_motoring_unlimited"], e0["torque_motoring"], rtol=1e-12)
    T_hi = 30e3 / 400.0 * 1.01
    r = solve_operating_points(ml, [400.0, 400.0], [T_hi, 50.0])
    assert not r["feasible"][0] and r["reason"][0] == POWER_LIMIT and r["feasible"][1]
    r0 = solve_operating_points(m, 400.0, 50.0)
    assert float(r["i_q"][1]) == pytest.approx(float(r0["i_q"]), rel=1e-12)
    with pytest.raises(InputError, match="max_power_kw"):
        Limits(300.0, 250.0, 2000.0, p_max=-1.0)


def saturated(limits=LIM_SALIENT):
    """The salient machine's map made saturating and cross-coupled (psi_d = psi_f + L_d i_d - c i_q^2,
    psi_q = L_q i_q / (1 + |i_q| / i_s) - k i_d i_q, tabulated on the linear map's nodes, so that
    the bilinear map bends at its nodes), with iron, magnet and mechanical losses."""
    from dataclasses import replace

    lin = linear_fluxmap(0.08, 0.4e-3, 1.0e-3, P, 250.0)
    D, Q = np.meshgrid(lin.i_d, lin.i_q, indexing="ij")
    psi_d = 0.08 + 0.4e-3 * D - 1e-7 * Q * Q
    psi_q = 1.0e-3 * Q / (1.0 + Q / 150.0) - 5e-7 * D * Q
    fm = replace(lin, psi_d=psi_d, psi_q=psi_q, torque=1.5 * P * (psi_d * Q - psi_q * D))
    return FluxMapModel(fm, with_iron(0.02), limits, "saturated")


def test_iq_solve_meets_its_tolerance_on_a_saturated_map():
    """_solve_iq on a saturating, cross-coupled bilinear map (psi_d = psi_f + L_d i_d - c i_q^2,
    psi_q = L_q i_q / (1 + |i_q| / i_s) - k i_d i_q, tabulated on the linear map's nodes) with iron and mechanical losses: for
    reachable torques |T_shaft(i_q) - T| <= 1e-10 max(1, |T|) and |i_q| <= the limit; for torques
    beyond the current limit ok is False and the shortfall equals T - T_shaft(+-limit) (a second
    evaluation of the same map); a torque within the tolerance above the torque at the current limit
    is reachable there (the solve used to reject it, so map points at the envelope's peak torque,
    computed along another path, were infeasible when their last bits fell short). Each solve is
    repeated from starting guesses (none, near, far, the wrong sign, beyond the limit): the same
    conditions hold from every one."""
    from motoropt.drive.control import _eval_once, _pack, _solve_iq
    m = saturated()
    (ida, iqa, G, ud, uq), p, lv, rc, lim, ac, hx = _pack(m)
    w_m = 300.0
    f_e = p * w_m / (2.0 * math.pi)
    p_ml = 60.0  # mechanical loss, W: a drag torque of 0.2 N m at i_q = 0

    def solve(i_d, T, iq_lim, guess):
        return _solve_iq(i_d, T, iq_lim, w_m, f_e, p_ml, ida, iqa, G, ud, uq, p, lv, rc, 1e-10, guess)

    checked = 0
    for i_dk in (-200.0, -120.0, -30.0, 0.0, 40.0):
        iq_lim = math.sqrt(250.0**2 - i_dk**2)
        t_hi = _eval_once(i_dk, iq_lim, w_m, f_e, p_ml, ida, iqa, G, ud, uq, p, lv, rc)[0]
        t_lo = _eval_once(i_dk, -iq_lim, w_m, f_e, p_ml, ida, iqa, G, ud, uq, p, lv, rc)[0]
        drag0 = -_eval_once(i_dk, 0.0, w_m, f_e, p_ml, ida, iqa, G, ud, uq, p, lv, rc)[0]
        assert drag0 > 0.0
        # -0.5 drag0: a generating torque below the no-load drag, reached at a small positive i_q
        for T in [*np.linspace(0.98 * t_lo, 0.98 * t_hi, 9), -0.5 * drag0]:
            iq0 = solve(i_dk, T, iq_lim, np.nan)[1]
            for guess in (np.nan, iq0 * (1 + 1e-6), 0.8 * iq0, 1.3 * iq0, -iq0, -50.0, 50.0, 2.0 * iq_lim,
                          -2.0 * iq_lim):
                ok, iq, short, *_ = solve(i_dk, T, iq_lim, guess)
                t_sh = _eval_once(i_dk, iq, w_m, f_e, p_ml, ida, iqa, G, ud, uq, p, lv, rc)[0]
                assert ok and abs(iq) <= iq_lim and abs(t_sh - T) <= 1e-10 * max(1.0, abs(T)), (i_dk, T, guess)
                checked += 1
        for t_lim, sgn in ((t_hi, 1.0), (t_lo, -1.0)):
            for guess in (np.nan, 0.9 * sgn * iq_lim, -sgn * 10.0):
                ok, iq, short, *_ = solve(i_dk, t_lim * (1.0 + 1e-12), iq_lim, guess)
                assert ok and short == 0.0 and sgn * iq <= iq_lim and sgn * iq == pytest.approx(iq_lim, rel=1e-6)
        for guess in (np.nan, 100.0, -100.0):
            ok, iq, short, *_ = solve(i_dk, t_hi + 5.0, iq_lim, guess)
            assert not ok and iq == iq_lim and short == pytest.approx(5.0, rel=1e-9)
            ok, iq, short, *_ = solve(i_dk, t_lo - 5.0, iq_lim, guess)
            assert not ok and iq == -iq_lim and short == pytest.approx(5.0, rel=1e-9)
    assert checked == 5 * 10 * 9


def _kernel_point(m, w_m):
    """The packed arrays of model m and the per-speed scalars of the point solver at w_m (rad/s)."""
    from motoropt.drive.control import _pack
    from motoropt.drive.losses import ac_resistance, mechanical_loss
    (ida, iqa, G, ud, uq), p, lv, rc, lim, ac, hx = _pack(m)
    w_e = p * w_m
    f_e = w_e / (2.0 * math.pi)
    return dict(w_m=w_m, w_e=w_e, f_e=f_e, R=ac_resistance(lv, f_e), p_mechl=mechanical_loss(lv, w_m),
                v_max=m.limits.v_max, i_max=m.limits.i_max, arrays=(ida, iqa, G, ud, uq, p, lv, rc))


def _field_weakening_brackets(m, speeds, fractions):
    """(w_m, T, feasible i_d, infeasible i_d) pairs one scan step apart where the torque curve leaves
    the voltage limit (searching from i_d = 0 towards -i_max), at fractions of the envelope."""
    from motoropt.drive.control import _vexcess
    env = m.envelope(np.asarray(speeds, dtype=float))["torque_motoring"]
    out = []
    for w_m, t_env in zip(speeds, env):
        k = _kernel_point(m, w_m)
        for frac in fractions:
            T = frac * t_env
            xs = np.linspace(0.0, -k["i_max"], 25)
            g = [_vexcess(x, T, w_m, k["w_e"], k["f_e"], k["R"], k["p_mechl"], k["v_max"], k["i_max"],
                          *k["arrays"], np.nan)[0] for x in xs]
            for i in range(len(xs) - 1):
                if g[i] > 0.0 >= g[i + 1]:
                    out.append((w_m, T, xs[i + 1], xs[i]))
                    break
    return out


def test_voltage_boundary_newton_agrees_with_root_finding():
    """The point where the torque curve meets the voltage limit, found by Newton on (i_d, i_q) at once
    (_boundary_newton, the voltage boundary's first method) equals the Illinois root finding along the
    torque curve (_boundary_illinois, its fallback: a second method) within their tolerances (1e-9
    i_max), on the saturating, cross-coupled map with iron and mechanical drag, at 3 speeds above
    base speed x 3 torques; Newton converges on every one of them, and the current solved there to
    1e-13 torque lies inside the voltage limit by at most 2e-10 v_max (the 1e-9 margin of _vexcess,
    then 5e-11 v_max inside it)."""
    from motoropt.drive.control import _boundary_illinois, _boundary_newton, _solve_iq, _vexcess, _voltage_boundary
    m = saturated()
    cases = _field_weakening_brackets(m, (500.0, 800.0, 1200.0), (0.3, 0.6, 0.9))
    assert len(cases) == 9
    for w_m, T, xf, xi in cases:
        k = _kernel_point(m, w_m)
        sc = (T, w_m, k["w_e"], k["f_e"], k["R"], k["p_mechl"], k["v_max"], k["i_max"])
        ga, qa = _vexcess(xf, *sc, *k["arrays"], np.nan)
        gb, qb = _vexcess(xi, *sc, *k["arrays"], qa)
        c = xi - gb * (xi - xf) / (gb - ga)
        v_t = k["v_max"] * (1.0 - 1e-9) - 5e-11 * k["v_max"]
        x_newton = _boundary_newton(c, qa + (c - xf) * (qb - qa) / (xi - xf), min(xf, xi), max(xf, xi), T, w_m, k["w_e"], k["f_e"],
                                    k["R"], k["p_mechl"], v_t, k["i_max"], *k["arrays"])
        assert np.isfinite(x_newton), (w_m, T)
        assert _voltage_boundary(xf, xi, *sc, *k["arrays"], qa) == x_newton
        x_ill = _boundary_illinois(xf, ga, xi, gb, qb, *sc, *k["arrays"])
        assert abs(x_newton - x_ill) <= 1e-9 * k["i_max"], (w_m, T, x_newton, x_ill)
        lim_q = math.sqrt(k["i_max"] ** 2 - x_newton ** 2)
        ok, iq, _, pd, pq, _, _ = _solve_iq(x_newton, T, lim_q, w_m, k["f_e"], k["p_mechl"], *k["arrays"], 1e-13, qa)
        v = math.hypot(k["R"] * x_newton - k["w_e"] * pq, k["R"] * iq + k["w_e"] * pd)
        assert ok and k["v_max"] * (1.0 - 1e-9) - 2e-10 * k["v_max"] <= v <= k["v_max"] * (1.0 - 1e-9), (w_m, T, v)


def test_voltage_boundary_newton_linear_machine_closed_form():
    """Linear salient machine, copper loss only: on the torque curve i_q = T / (1.5 p (psi_f +
    (L_d - L_q) i_d)) the voltage limit |v| = v_t is one equation in i_d, solved by scipy's brentq to
    1e-13 A (an independent method); _boundary_newton lands on it within 1e-9 i_max at 3 speeds x 3
    torques in field weakening."""
    from scipy.optimize import brentq

    from motoropt.drive.control import _boundary_newton, _vexcess
    m = salient()
    psi_f, L_d, L_q = 0.08, 0.4e-3, 1.0e-3
    cases = _field_weakening_brackets(m, (500.0, 800.0, 1200.0), (0.3, 0.6, 0.9))
    assert len(cases) == 9
    for w_m, T, xf, xi in cases:
        k = _kernel_point(m, w_m)
        v_t = k["v_max"] * (1.0 - 1e-9) - 5e-11 * k["v_max"]
        R, w_e = k["R"], k["w_e"]

        def g(i_d, T, R, w_e, v_t):
            i_q = T / (1.5 * P * (psi_f + (L_d - L_q) * i_d))
            return math.hypot(R * i_d - w_e * L_q * i_q, R * i_q + w_e * (psi_f + L_d * i_d)) - v_t

        x_ref = brentq(g, xi, xf, args=(T, R, w_e, v_t), xtol=1e-13, rtol=1e-15)
        sc = (T, w_m, w_e, k["f_e"], R, k["p_mechl"], k["v_max"], k["i_max"])
        ga, qa = _vexcess(xf, *sc, *k["arrays"], np.nan)
        gb, qb = _vexcess(xi, *sc, *k["arrays"], qa)
        c = xi - gb * (xi - xf) / (gb - ga)
        x_newton = _boundary_newton(c, qa + (c - xf) * (qb - qa) / (xi - xf), min(xf, xi), max(xf, xi), T, w_m, w_e, k["f_e"], R,
                                    k["p_mechl"], v_t, k["i_max"], *k["arrays"])
        assert x_newton == pytest.approx(x_ref, abs=1e-9 * k["i_max"]), (w_m, T)


def test_loss_minimum_at_a_map_node_is_located_exactly():
    """On the saturating map the bilinear interpolation bends the loss along a torque curve where
    the curve crosses a node of the i_q axis, and the minimum often sits on that kink. The solver
    locates such a kink directly (_kink_id) instead of closing in on it by golden sections: those
    points' i_q is the node's value to 1e-12 i_max, and every point is a minimum along its torque
    curve, sampled at 81 currents within +-40 x the search tolerance (1e-6 i_max): at a kink every
    other sample has a higher loss; a minimum on the bend at an i_d node (not located directly) lies
    within Brent's bracket (2 tolerances) of the node; at a smooth minimum no sample is lower by more than 1e-10
    relative (the search compares losses whose i_q is solved to 1e-10 relative torque, so a flat
    minimum is resolved to that level, not to the tolerance: one point here lies 6 tolerances from
    the sampled minimum, 5e-11 above it, as before the kink step). Copper + iron + magnet loss, the
    solver's objective, evaluated by _phi."""
    from motoropt.drive.control import _phi
    m = saturated()
    speeds = np.repeat([50.0, 150.0, 400.0, 800.0], 12)
    env = m.envelope(np.array([50.0, 150.0, 400.0, 800.0]))["torque_motoring"]
    torques = np.concatenate([np.linspace(0.05, 0.95, 12) * t for t in env])
    r = solve_operating_points(m, speeds, torques)
    assert r["feasible"].all()
    iqa = m.fluxmap.i_q
    at_node = np.array([np.min(np.abs(abs(q) - iqa)) <= 1e-12 * 250.0 for q in r["i_q"]])
    assert at_node.sum() >= 3, at_node.sum()
    tol = 1e-6 * m.limits.i_max
    for n in range(speeds.size):
        k = _kernel_point(m, speeds[n])
        args = (torques[n], speeds[n], k["w_e"], k["f_e"], k["R"], k["p_mechl"], k["v_max"], k["i_max"], np.int64(0),
                *k["arrays"], 1e-13)
        f0 = _phi(r["i_d"][n], *args, r["i_q"][n])[0]
        assert f0 == pytest.approx(r["p_copper"][n] + r["p_iron"][n] + r["p_magnet"][n], rel=1e-12)
        dxs = np.linspace(-40.0 * tol, 40.0 * tol, 81)
        f = np.array([_phi(r["i_d"][n] + dx, *args, r["i_q"][n])[0] for dx in dxs])
        if at_node[n]:  # the kink itself: every neighbour is higher
            assert np.all(f[dxs != 0.0] > f0), n
        elif np.min(np.abs(m.fluxmap.i_d - r["i_d"][n])) <= 3.0 * tol:  # a bend at an i_d node: closed in on
            assert np.min(np.abs(m.fluxmap.i_d - r["i_d"][n])) <= 2.0 * tol, n  # to Brent's bracket, 2 tol
        else:  # a smooth minimum, resolved to the search's noise (its i_q solves: 1e-10 relative torque)
            assert f.min() >= f0 * (1.0 - 1e-10), n


def test_scan_guess_is_exact_on_a_linear_machine():
    """On a linear salient machine without losses the torque curve is 1 / i_q = 1.5 p (psi_f +
    (L_d - L_q) i_d) / T, linear in i_d, so the scan's guess for the next candidate (1 / i_q
    extrapolated linearly from the two nearest solved candidates) is the exact i_q there, on both
    sides of the start k0 and for a generating torque; with one solved neighbour it is that
    neighbour's i_q, with none NaN."""
    from motoropt.drive.control import _scan_guess
    psi_f, L_d, L_q = 0.08, 0.4e-3, 1.0e-3
    i_d = np.linspace(-240.0, 40.0, 24)
    for T in (60.0, -45.0):
        iq = T / (1.5 * P * (psi_f + (L_d - L_q) * i_d))
        k0 = 20
        for k, known in ((17, (19, 18)), (16, (18, 17)), (23, (21, 22))):
            iqs = np.full(24, np.nan)
            iqs[k0] = iq[k0]
            iqs[list(known)] = iq[list(known)]
            assert _scan_guess(iqs, k, k0) == pytest.approx(iq[k], rel=1e-12)
        iqs = np.full(24, np.nan)
        iqs[k0] = iq[k0]
        assert _scan_guess(iqs, k0 - 1, k0) == iq[k0]
        assert np.isnan(_scan_guess(np.full(24, np.nan), k0, k0))
    # degenerate neighbours (numba raises on a float division by zero): a zero i_q, and 1 / i_q
    # extrapolated exactly to zero (1/q2 = 2/q1), for both signs
    for q1, q2, expect in ((0.0, 5.0, 0.0), (-5.0, 0.0, -5.0), (-2.0, -1.0, -3.0), (2.0, 1.0, 3.0)):
        iqs = np.full(24, np.nan)
        iqs[20], iqs[19] = q2, q1
        assert _scan_guess(iqs, 18, 20) == expect, (q1, q2)


def test_points_at_one_torque_agree_with_each_point_alone():
    """A map's row (one torque, rising speed, through field weakening to beyond the voltage limit)
    is solved with each point's scan candidates started from their i_q at the points before it
    (extrapolated in speed). Only the starting guesses differ from solving each point alone, so
    the results agree to the solver's tolerances: the same feasibility and reason, i_d to
    1e-6 i_max, losses to 1e-6 relative."""
    m = saturated()
    speeds = np.linspace(0.0, 2000.0, 41)
    for T in (80.0, 35.0, -50.0):
        row = solve_operating_points(m, speeds, T)
        for k in range(speeds.size):
            one = solve_operating_points(m, speeds[k], T)
            assert bool(row["feasible"][k]) == bool(one["feasible"]), (T, k)
            assert int(row["reason"][k]) == int(one["reason"]), (T, k)
            if not one["feasible"]:
                continue
            assert float(row["i_d"][k]) == pytest.approx(float(one["i_d"]), abs=1e-6 * 250.0), (T, k)
            for key in ("p_copper", "p_iron", "p_magnet", "p_elec"):
                assert float(row[key][k]) == pytest.approx(float(one[key]), rel=1e-6, abs=1e-9), (T, key, k)
        assert np.sum(row["feasible"]) >= 10  # the row reaches well into the speed range


def test_envelope_over_speeds_agrees_with_each_speed_alone():
    """The envelope kernel starts each scan candidate's voltage-limit search from its i_q at the speed
    before (and Brent's from its interpolation); only the starting points differ from evaluating each
    speed alone, so the torques agree to the voltage-limit search's tolerance (1e-12 relative),
    through field weakening on both sides."""
    env, worst = envelope_speeds_together_vs_alone(saturated(), np.linspace(0.0, 2000.0, 33))
    assert worst <= 1e-12
    assert env["torque_motoring"][-1] < 0.5 * env["torque_motoring"][0]  # well into field weakening
