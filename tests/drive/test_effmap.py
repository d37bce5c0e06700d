"""Efficiency map (motoropt.drive.effmap): conservation, definitions, envelope, min-loss vs MTPA, look-up."""


import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import Limits, solve_operating_points
from motoropt.drive.effmap import (
    ENVELOPE_RISE,
    MapCells,
    cubic_cells,
    efficiency_map,
    interpolate_losses,
    map_cells,
    torque_axis,
    torque_slopes,
)
from motoropt.drive.losses import LossParams
from motoropt.drive.model import FluxMapModel
from motoropt.magnetics.fluxmap import linear_fluxmap
from tests import shipped


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


def test_peak_torque_corners_are_in_the_map(emap):
    """The torque axis ends 1e-6 inside the envelope's extremes (ENVELOPE_MARGIN), so the corners at
    the peak motoring and generating torque (each at the speed of its envelope's maximum, reachable
    only at I_max there) are solved feasible at |i| = I_max (1e-3 relative: the window in i_d is
    ~sqrt(1e-6) wide). Those corners used to be in or out of the map by the last bits of two
    searches (the envelope's and the point solver's)."""
    from motoropt.constants import ENVELOPE_MARGIN

    assert emap.speed_rpm.size == emap.envelope_speed_rpm.size  # the map's own speeds
    for j, env, sgn in ((-1, emap.envelope_motoring_nm, 1.0), (0, emap.envelope_generating_nm, -1.0)):
        k = int(np.nanargmax(env))
        assert emap.torque_nm[j] == pytest.approx(sgn * (1 - ENVELOPE_MARGIN) * env[k], rel=1e-12)
        assert emap.feasible[j, k]
        assert np.hypot(emap.i_d[j, k], emap.i_q[j, k]) == pytest.approx(250.0, rel=1e-3)


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


def test_torque_axis_has_a_zero_node():
    """The map's torque axis: n nodes from -t_gen to t_mot, one at T = 0 exactly, evenly spaced on
    each side, sides sharing the nodes in proportion to their ranges."""
    T = torque_axis(100.0, 300.0, 17)
    assert T.size == 17 and T[0] == -100.0 and T[-1] == 300.0 and np.sum(T == 0.0) == 1
    assert np.sum(T < 0) == 4 and np.sum(T > 0) == 12
    np.testing.assert_allclose(np.diff(T[T >= 0]), 25.0)
    np.testing.assert_allclose(np.diff(T[T <= 0]), 25.0)
    np.testing.assert_allclose(torque_axis(0.0, 10.0, 5), np.linspace(0.0, 10.0, 5))
    assert np.sum(torque_axis(50.0, 50.0, 16) == 0.0) == 1  # even n: zero still a node


def test_torque_axis_follows_the_cycle_demand():
    """Closed form of torque_axis' mixed distribution function F = |T|/(2 T_max) + F_demand / 2, the
    demand spread over +-T_max/m: half the cycle time at +30 N m and half at -60 N m, axis +-100 N m
    with 21 nodes (m = 10 cells a side). Motoring: F = 0.005 T below 20 N m, 0.03 T - 0.5 on
    [20, 40], 0.005 T + 0.5 above, so the nodes at F = k/10 are 0, 20, 23.3, 26.7, 30, 33.3, 36.7,
    40, 60, 80, 100; generating likewise around 60 N m (box [50, 70]). Asserted to 0.25 N m (the
    inversion's grid is T_max/640 and the demand is binned on it). Without demand: even."""
    demand = (np.r_[np.full(50, 30.0), np.full(50, -60.0)], np.ones(100))
    T = torque_axis(100.0, 100.0, 21, demand)
    mot = np.array([0, 20, 70 / 3, 80 / 3, 30, 100 / 3, 110 / 3, 40, 60, 80, 100])
    gen = np.array([0, 20, 40, 155 / 3, 55, 175 / 3, 185 / 3, 65, 205 / 3, 80, 100])
    np.testing.assert_allclose(T, np.r_[-gen[::-1], mot[1:]], atol=0.25)
    assert np.sum(T == 0.0) == 1 and np.all(np.diff(T) > 0) and T[0] == -100.0 and T[-1] == 100.0
    np.testing.assert_array_equal(torque_axis(100.0, 100.0, 21), np.linspace(-100.0, 100.0, 21))
    np.testing.assert_array_equal(torque_axis(100.0, 100.0, 21, (np.zeros(3), np.ones(3))),
                                  np.linspace(-100.0, 100.0, 21))  # standstill only: no demand on a side


def test_torque_interpolation_exact_for_quadratic_losses_with_a_kink():
    """Closed form: G(w, T) = a(w) + b(w) T^2 + c |T| (a loss with a kink at T = 0, quadratic on each
    side, linear in speed) is reproduced to 1e-9 relative between nodes by the cubic Hermite
    interpolation along torque (three-point slopes, one-sided at the zero node and the ends);
    bilinear interpolation of the same grid is off by > 1 %."""
    T = torque_axis(200.0, 300.0, 12)
    w = np.linspace(0.0, 1000.0, 6)
    a, b, c = 50.0 + 0.3 * w, 0.02 + 1e-5 * w, 3.0

    def G_of(wv, Tv):
        return 50.0 + 0.3 * wv + (0.02 + 1e-5 * wv) * Tv ** 2 + c * np.abs(Tv)

    G = a[None, :] + b[None, :] * T[:, None] ** 2 + c * np.abs(T)[:, None]
    rng = np.random.default_rng(3)
    wq, Tq = rng.uniform(0, 1000, 200), rng.uniform(-200, 300, 200)
    i = np.clip(np.searchsorted(w, wq, side="right") - 1, 0, w.size - 2)
    j = np.clip(np.searchsorted(T, Tq, side="right") - 1, 0, T.size - 2)
    u, v = (wq - w[i]) / (w[i + 1] - w[i]), (Tq - T[j]) / (T[j + 1] - T[j])
    ok = np.ones(wq.size, dtype=bool)
    got = MapCells(i, j, u, v, ok, torque_nm=T).interpolate(G)
    np.testing.assert_allclose(got, G_of(wq, Tq), rtol=1e-9)
    lin = MapCells(i, j, u, v, ok).interpolate(G)
    assert np.max(np.abs(lin / G_of(wq, Tq) - 1)) > 0.01
    s_lo, s_hi = torque_slopes(T, G)
    assert s_lo.shape == s_hi.shape == (T.size - 1, w.size)


def test_cycle_losses_match_exact_solves(emap):
    """Second method: losses at 300 random points inside the envelope (light loads weighted in)
    interpolated in the 30 x 31 map against the drive kernel's exact solves: the total loss of the
    set within 0.1 % (the bilinear look-up on a zero-free axis was off by +1.0 %), 90 % of the
    points within 0.5 % (measured 0.4 %; the largest errors, a few %, are at a few W near
    standstill)."""
    rng = np.random.default_rng(5)
    s = rng.uniform(50.0, emap.speed_rpm[-1], 300)
    em, eg = emap.envelope_at(s)
    t = rng.uniform(-0.9, 0.9, 300) * np.where(rng.random(300) < 0.5, em, eg) * rng.random(300) ** 2
    r = interpolate_losses(emap, s, t)
    ex = solve_operating_points(emap.model, s * RPM_TO_RAD_S, t)
    tot = ex["p_copper"] + ex["p_iron"] + ex["p_magnet"] + ex["p_mechanical"]
    ok = r["in_envelope"] & ex["feasible"]
    assert ok.sum() > 250
    assert abs(r["total"][ok].sum() / tot[ok].sum() - 1) < 1e-3
    assert np.percentile(np.abs(r["total"][ok] / tot[ok] - 1), 90) < 5e-3


def test_interpolate_losses_near_edge_solves_exactly(emap):
    """A point just under the envelope (cell touching infeasible nodes) is solved exactly, not NaN."""
    s = emap.speed_rpm[-3] + 1.0
    t = 0.995 * emap.envelope_at(s)[0]
    r = interpolate_losses(emap, s, t)
    assert r["in_envelope"] and r["exact"] and np.isfinite(r["total"])


@pytest.mark.parametrize("n_speed", [6, 16])
@pytest.mark.parametrize("name", ["test", "prius2004", "programme/multipole_direct_drive", "induction_traction"])
def test_envelope_bound_holds_between_nodes(name, n_speed):
    """Second method: the envelope on 801 speeds (the envelope kernel at each) never exceeds
    EfficiencyMap.envelope_bound from a 6- or 16-speed axis, on either side, for the test IPM and
    three shipped machines (a V-IPM, a tooth-coil SPM, an induction machine; each with its loss
    torque). And the bound is needed: the fine envelope rises above the chord (concave at the corner
    speed), so linear interpolation alone would call feasible points beyond the envelope."""
    m = model() if name == "test" else shipped.model(name)
    em = efficiency_map(m, n_speed=n_speed, n_torque=9)
    w = np.linspace(0.0, m.limits.speed_max, 801)
    fine = m.envelope(w)
    rpm = w / RPM_TO_RAD_S
    bm, bg = em.envelope_bound(rpm)
    assert np.all(fine["torque_motoring"] <= bm * (1 + 1e-9))
    assert np.all(fine["torque_generating"] <= bg * (1 + 1e-9))
    cm, cg = em.envelope_at(rpm)
    assert np.max(fine["torque_motoring"] - cm) > 1e-3 * cm.max()


def test_points_near_the_envelope_are_classified_by_the_solver():
    """Which points a map serves does not depend on its speed axis: 400 points within +-3 % of the
    801-speed envelope are in_envelope exactly where the drive kernel finds them feasible, on a
    6-speed and a 30-speed map alike, and the feasible ones get the kernel's losses (to 1e-12: they
    are solved, not interpolated, on the 6-speed map's coarse cells)."""
    m = model()
    rng = np.random.default_rng(3)
    w = rng.uniform(0.02, 1.0, 400) * m.limits.speed_max
    env = m.envelope(np.sort(w))
    order = np.argsort(w)
    t = np.empty(400)
    side = np.where(rng.random(400) < 0.5, 1.0, -1.0)[order]
    t[order] = side * np.where(side > 0, env["torque_motoring"], env["torque_generating"]) * rng.uniform(0.97, 1.03, 400)
    ex = solve_operating_points(m, w, t)
    assert 100 < ex["feasible"].sum() < 300
    for n_speed in (6, 30):
        r = interpolate_losses(efficiency_map(m, n_speed=n_speed, n_torque=11), w / RPM_TO_RAD_S, t)
        np.testing.assert_array_equal(r["in_envelope"], ex["feasible"])
    ok = ex["feasible"]
    np.testing.assert_allclose(r["copper"][ok], ex["p_copper"][ok], rtol=1e-6)
    assert ENVELOPE_RISE <= 0.1


def test_cubic_cells_follow_the_slope_stencils():
    """Definition (torque_slopes' stencils): a torque cell is cubic when the three nodes of each of
    its two slopes are feasible -- central at interior nodes, one-sided at the axis ends and at
    T = 0. Axis -100, -50, 0, 50, 100, 150 N m; speed column 1 infeasible at 150 N m, column 2 from
    100 N m up. Column 1 loses [100, 150] (its upper slope: 50, 100, 150) and [50, 100] (upper slope
    central over 150); column 2 also [0, 50] (the zero node's one-sided slope uses 0, 50, 100), while
    [-50, 0] stays cubic (the zero node's slope from below uses -100, -50, 0)."""
    T = np.array([-100.0, -50.0, 0.0, 50.0, 100.0, 150.0])
    F = np.ones((6, 3), dtype=bool)
    F[5:, 1] = False
    F[4:, 2] = False
    C = cubic_cells(T, F)
    expected = np.ones((5, 3), dtype=bool)
    expected[[3, 4], 1] = False
    expected[[2, 3, 4], 2] = False
    np.testing.assert_array_equal(C, expected)


def test_interpolate_losses_solves_cells_whose_slopes_leave_the_envelope(emap):
    """A point whose cell has four feasible corners but a slope stencil reaching beyond the envelope
    (the cubic would fall back to linear) is solved exactly: its losses equal the drive kernel's to
    1e-12. Reference: the kernel itself at the point."""
    C = cubic_cells(emap.torque_nm, emap.feasible)
    F = emap.feasible
    corners = F[:-1, :-1] & F[1:, :-1] & F[:-1, 1:] & F[1:, 1:]
    jj, ii = np.nonzero(corners & ~(C[:, :-1] & C[:, 1:]))
    assert jj.size > 0
    j, i = jj[0], ii[0]
    s = 0.5 * (emap.speed_rpm[i] + emap.speed_rpm[i + 1])
    t = 0.5 * (emap.torque_nm[j] + emap.torque_nm[j + 1])
    assert not map_cells(emap, np.array([s]), np.array([t])).ok[0]
    r = interpolate_losses(emap, s, t)
    ex = solve_operating_points(emap.model, s * RPM_TO_RAD_S, t)
    assert r["exact"] and r["in_envelope"]
    assert float(r["copper"]) == pytest.approx(float(ex["p_copper"]), rel=1e-12)


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


def test_map_cells_locate_points_as_numpy_does(emap):
    """Second method: map_cells' cell indices and fractions equal numpy's searchsorted (side
    "right") and clip formulas bit for bit, at random points, at the axis nodes and beyond both
    ends of both axes; ``ok`` is the four corners' feasibility and the two columns' cubic cells;
    several grids interpolated at once equal each grid's own interpolation."""
    sp, tq = emap.speed_rpm, emap.torque_nm
    rng = np.random.default_rng(11)
    s = np.concatenate([rng.uniform(-0.1, 1.1, 300) * sp[-1], sp, [sp[0] - 1.0, sp[-1] + 1.0]])
    t = np.concatenate([rng.uniform(1.1 * tq[0], 1.1 * tq[-1], 300), np.resize(tq, sp.size), [tq[0] - 1.0, tq[-1] + 1.0]])
    c = map_cells(emap, s, t)
    i = np.clip(np.searchsorted(sp, s, side="right") - 1, 0, len(sp) - 2)
    j = np.clip(np.searchsorted(tq, t, side="right") - 1, 0, len(tq) - 2)
    np.testing.assert_array_equal(c.i, i)
    np.testing.assert_array_equal(c.j, j)
    np.testing.assert_array_equal(c.u, np.clip((s - sp[i]) / (sp[i + 1] - sp[i]), 0.0, 1.0))
    np.testing.assert_array_equal(c.v, np.clip((t - tq[j]) / (tq[j + 1] - tq[j]), 0.0, 1.0))
    F, C = emap.feasible, cubic_cells(tq, emap.feasible)
    np.testing.assert_array_equal(c.ok, F[j, i] & F[j, i + 1] & F[j + 1, i] & F[j + 1, i + 1] & C[j, i] & C[j, i + 1])
    assert 0 < c.ok.sum() < c.ok.size
    G = np.stack([np.nan_to_num(emap.losses[k]) for k in ("copper", "iron")])
    both = c.interpolate(G)
    assert both.shape == (2, s.size)
    np.testing.assert_array_equal(both[0], c.interpolate(G[0]))
    np.testing.assert_array_equal(both[1], c.interpolate(G[1]))


def test_side_nodes_box_sum_equals_the_convolution():
    """The demand's spread over +-1 even cell is a box sum taken from the running sum; it equals
    np.convolve(mass, ones(2 fine + 1), "same") exactly for whole-second weights (integer sums) and
    to round-off for any others, and the nodes follow. With m = 2 (128 fine cells, fewer than the box's
    129) np.convolve's "same" output was one longer than the mass, which made the axis fail: the
    running sum has no such edge."""
    from motoropt.drive.effmap import DEMAND_WEIGHT, _side_nodes

    rng = np.random.default_rng(1)
    t_max, fine = 250.0, 64
    nodes = _side_nodes(t_max, 2, rng.random(100) * t_max, np.ones(100))
    assert nodes.shape == (3,) and nodes[0] == 0.0 and nodes[-1] == t_max and 0.0 < nodes[1] < t_max
    for m in (3, 7, 25):
        T = rng.random(1800) * 1.2 * t_max
        for w, exact in ((np.ones(T.size), True), (3.0 * rng.random(T.size), False)):
            n_f = fine * m
            bins = np.minimum((np.minimum(T, t_max) * (n_f / t_max)).astype(np.int64), n_f - 1)
            mass = np.convolve(np.bincount(bins, weights=w, minlength=n_f), np.ones(2 * fine + 1), mode="same")
            t = np.linspace(0.0, t_max, n_f + 1)
            F = (1.0 - DEMAND_WEIGHT) * t / t_max + DEMAND_WEIGHT * np.concatenate([[0.0], np.cumsum(mass)]) / mass.sum()
            ref = np.interp(np.linspace(0.0, 1.0, m + 1), F, t)
            ref[0], ref[-1] = 0.0, t_max
            got = _side_nodes(t_max, m, T, w)
            if exact:
                assert np.array_equal(got, ref), m
            else:
                assert np.allclose(got, ref, rtol=0, atol=1e-12 * t_max), m
