"""Efficiency map (motoropt.drive.effmap): conservation, definitions, envelope, min-loss vs MTPA, look-up."""


import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import Limits, solve_operating_points
from motoropt.drive.effmap import efficiency_map, interpolate_losses
from motoropt.drive.losses import LossParams
from motoropt.drive.model import FluxMapModel
from motoropt.magnetics.fluxmap import linear_fluxmap


def model():
    """Salient linear IPM-like machine (psi_f 0.08 Wb, L_d 0.4 mH, L_q 1.0 mH, p 4, 250 A, 300 V DC) with
    copper (80 degC, AC factor), M235-35A-like iron (Bertotti fit from shared/reference/materials.md),
    magnet eddy and mechanical losses; mild saturation so the map is not exactly bilinear."""
    fm = linear_fluxmap(0.08, 0.4e-3, 1.0e-3, 4, 250.0, sat_q=0.3)
    lp = LossParams(R_s_20=0.02, T_winding_c=80.0, k_ac=0.2, regions=("stator_teeth", "stator_yoke"),
                    region_mass=(3.0, 5.0), kh=(1.306e-2,) * 2, kc=(3.312e-5,) * 2, ke=(7.572e-4,) * 2,
                    k_build=(1.5, 1.3), magnet_eddy_coeff=60.0, T_b0=0.1, rotor_radius=0.07,
                    stack_length=0.1, air_gap=7e-4)
    return FluxMapModel(fm, lp, Limits(u_dc=300.0, i_max=250.0, speed_max=1600.0), "test-ipm")


@pytest.fixture(scope="module")
def emap():
    return efficiency_map(model(), n_speed=30, n_torque=31)


def test_energy_balance_every_point(emap):
    """P_elec = P_mech + copper + iron + magnet + mechanical at every feasible map point (1e-9 rel of
    P_elec), with P_elec from the terminal voltages and currents and P_mech = w T from the axes."""
    W, T = np.meshgrid(emap.speed_rpm * RPM_TO_RAD_S, emap.torque_nm)
    f = emap.feasible
    assert f.sum() >= 300  # coverage guard: field weakening leaves roughly half the rectangle feasible
    lhs = emap.p_elec[f]
    rhs = (W * T)[f] + emap.losses["total"][f]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-9 * np.abs(lhs).max())
    np.testing.assert_allclose(emap.p_mech[f], (W * T)[f], rtol=1e-9, atol=1e-6)


def test_efficiency_definitions_and_nan_outside(emap):
    """Motoring eta = P_mech/P_elec, generating eta = P_elec/P_mech; NaN exactly where infeasible."""
    f = emap.feasible
    mot = f & (emap.p_mech > 0) & (emap.p_elec > 0)
    gen = f & (emap.p_mech < 0) & (emap.p_elec < 0)
    np.testing.assert_allclose(emap.efficiency[mot], emap.p_mech[mot] / emap.p_elec[mot], rtol=1e-12)
    np.testing.assert_allclose(emap.efficiency[gen], emap.p_elec[gen] / emap.p_mech[gen], rtol=1e-12)
    assert np.isnan(emap.efficiency[~f]).all() and np.isfinite(emap.efficiency[f]).all()
    assert np.nanmax(emap.efficiency) < 1.0 and np.nanmax(emap.efficiency) > 0.9
    assert emap.torque_nm[0] < 0 < emap.torque_nm[-1]


def test_feasibility_matches_envelope(emap):
    """Every grid point below 0.99 of the envelope (and speed > 0) is feasible; every point above 1.01 is not."""
    em, eg = emap.envelope_at(emap.speed_rpm)
    T = emap.torque_nm[:, None]
    below = (T <= 0.99 * em[None, :]) & (-T <= 0.99 * eg[None, :])
    above = (T > 1.01 * em[None, :]) | (-T > 1.01 * eg[None, :])
    assert emap.feasible[below].all()
    assert not emap.feasible[above].any()


def test_min_loss_beats_mtpa_with_iron_loss():
    """Min-loss control never loses more than MTPA + flux weakening (copper-only optimum), and at speed
    below the no-load voltage limit (psi_f w_e = v_max at w_m = 164.5/(0.08*4) = 514 rad/s) and light load,
    where iron loss is a large share, it is strictly better (more negative i_d, 0.2-14 % less loss here).
    Above 514 rad/s the voltage limit fixes |psi| ~ v_max/w_e and both controls sit on it."""
    m = model()
    W, T = np.meshgrid(np.linspace(100, 1600, 12), np.linspace(-100, 100, 11))
    a = solve_operating_points(m, W, T, strategy="min_loss")
    b = solve_operating_points(m, W, T, strategy="mtpa")
    assert np.array_equal(a["feasible"], b["feasible"])
    f = a["feasible"]
    la = (a["p_copper"] + a["p_iron"] + a["p_magnet"])[f]
    lb = (b["p_copper"] + b["p_iron"] + b["p_magnet"])[f]
    # both optimisers locate i_d to 1e-7 I_max; where the optimum sits on the voltage limit the loss
    # slope there (~ W/A) makes that ~1e-8 relative, hence the 1e-7 margin
    assert np.all(la <= lb * (1 + 1e-7))
    hs = f & (W <= 450) & (np.abs(T) <= 40)
    assert hs.sum() == 15  # 3 speeds x 5 torques
    la, lb = a["p_copper"] + a["p_iron"] + a["p_magnet"], b["p_copper"] + b["p_iron"] + b["p_magnet"]
    assert np.all(la[hs] < lb[hs] * (1 - 1e-3))
    assert np.all(a["i_d"][hs] < b["i_d"][hs])


def test_interpolate_losses(emap):
    """At grid nodes the look-up returns the map; between nodes inside the envelope it is within 3 %
    of an exact solve (bilinear error on a 30 x 31 grid); beyond the envelope it is flagged, not clipped."""
    j, i = 12, 7
    r = interpolate_losses(emap, emap.speed_rpm[i], emap.torque_nm[j])
    assert r["total"] == pytest.approx(emap.losses["total"][j, i], rel=1e-12)
    s = 0.5 * (emap.speed_rpm[10] + emap.speed_rpm[11]) + np.array([0.0, 0.0, 0.0])
    t = np.array([40.0, -25.0, 5.0])
    r = interpolate_losses(emap, s, t)
    exact = solve_operating_points(emap.model, s * RPM_TO_RAD_S, t)
    tot = exact["p_copper"] + exact["p_iron"] + exact["p_magnet"] + exact["p_mechanical"]
    assert r["in_envelope"].all()
    np.testing.assert_allclose(r["total"], tot, rtol=0.03)
    top = emap.envelope_at(emap.speed_rpm[-1])[0]
    out = interpolate_losses(emap, [emap.speed_rpm[-1], 1e5], [1.2 * top, 1.0])
    assert not out["in_envelope"].any() and np.isnan(out["total"]).all()


def test_interpolate_losses_near_edge_solves_exactly(emap):
    """A point just under the envelope (cell touching infeasible nodes) is solved exactly, not NaN."""
    s = emap.speed_rpm[-3] + 1.0
    t = 0.995 * emap.envelope_at(s)[0]
    r = interpolate_losses(emap, s, t)
    assert r["in_envelope"] and r["exact"] and np.isfinite(r["total"])


def test_map_time_50x50(capsys):
    """Time of a 50 x 50 map after compilation (reported, not asserted tightly: a benchmark, not a
    timed test; the loose bound only catches a pathological slowdown)."""
    import time

    m = model()
    efficiency_map(m, 50, 50)
    t0 = time.perf_counter()
    efficiency_map(m, 50, 50)
    dt = time.perf_counter() - t0
    with capsys.disabled():
        print(f"\n50x50 efficiency map: {dt * 1e3:.1f} ms")
    assert dt < 5.0
