"""Winding changeover (motoropt.drive.changeover): the second connection as an exact transform of the
first one's model, and the switched model that runs each point in the lower-loss connection, on the
shipped multipole direct drive (series/parallel).

References: the ampere-turn scaling of the module docstring (exact: current x 2, flux linkage / 2,
R / 4); the series model at half the current (same ampere-turns) as a second computation of the
parallel connection's standstill torque; each connection's own solution as the reference of the
switched model's per-point choice (1e-12)."""

import dataclasses

import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.changeover import SwitchedModel, switched_model
from motoropt.drive.control import max_torque_envelope, solve_operating_points
from motoropt.errors import InputError
from motoropt.evaluation.cycles import evaluate_cycle


def test_changeover_scaling_exact(multipole_design):
    """Parallel connection = the series map with current x 2 and flux linkage / 2: psi_PM halves, R
    quarters, the torque at the same ampere-turns is equal; the standstill torque is the series one at
    half the current (same inverter current; more than half of it where the series one saturates),
    the envelope at top speed is larger."""
    d = multipole_design
    assert d.changeover == "series_parallel"
    sm = d.machine_model()
    assert isinstance(sm, SwitchedModel) and sm.connection_names == ("series", "parallel")
    m0, m1 = sm.models
    assert m1.fluxmap.psi_pm == pytest.approx(m0.fluxmap.psi_pm / 2, rel=1e-12)
    assert m1.loss_params.R_s_20 == pytest.approx(m0.loss_params.R_s_20 / 4, rel=1e-12)
    assert np.allclose(m1.fluxmap.torque, m0.fluxmap.torque)
    w = np.array([1.0, d.speed_max])
    e0 = max_torque_envelope(m0.fluxmap, m0.loss_params, m0.limits, w)["torque_motoring"]
    e1 = max_torque_envelope(m1.fluxmap, m1.loss_params, m1.limits, w)["torque_motoring"]
    # at standstill the parallel connection is the series one at half the current (same ampere-turns)
    half = dataclasses.replace(m0.limits, i_max=m0.limits.i_max / 2)
    e_half = max_torque_envelope(m0.fluxmap, m0.loss_params, half, w[:1])["torque_motoring"]
    assert e1[0] == pytest.approx(e_half[0], rel=1e-6)
    assert e1[0] < e0[0]
    assert e1[1] > 1.2 * e0[1]


def test_switched_map_and_cycle(multipole_design):
    """The switched map: envelope = max of both connections; parallel used at high speed; the WLTC
    (beyond the series envelope at high speed) asks for less unmet energy; losses per point are the
    smaller of the two connections (energy per point <= either)."""
    d = multipole_design
    m = d.machine_model(switched=False)  # the series connection alone
    sm = d.machine_model()
    e0 = m.efficiency_map(30, 30)
    es = sm.efficiency_map(30, 30)
    assert np.all(es.envelope_motoring_nm >= np.interp(es.envelope_speed_rpm, e0.envelope_speed_rpm,
                                                       e0.envelope_motoring_nm) * (1 - 1e-6))
    conn = sm.envelope(es.envelope_speed_rpm * RPM_TO_RAD_S)["connection"]
    assert conn[-1] == 1 and conn[0] == 0
    assert es.connection is not None and set(np.unique(es.connection)) <= {-1, 0, 1}
    assert np.all((es.connection >= 0) == es.feasible)
    c0 = evaluate_cycle(e0, d, "wltc3b").summary
    cs = evaluate_cycle(es, d, "wltc3b").summary
    assert cs["unmet_energy_wh"] < c0["unmet_energy_wh"]
    r = sm.solve_operating_points(np.array([60.0]), np.array([800.0]))
    tot = lambda x: x["p_copper"] + x["p_iron"] + x["p_magnet"] + x["p_mechanical"]  # noqa: E731
    r0 = solve_operating_points(sm.models[0], np.array([60.0]), np.array([800.0]))
    r1 = solve_operating_points(sm.models[1], np.array([60.0]), np.array([800.0]))
    assert tot(r)[0] == pytest.approx(min(tot(r0)[0], tot(r1)[0]), rel=1e-12)


def test_switched_operating_point_picks_the_lower_loss_connection(multipole_design):
    """SwitchedModel.operating_point runs the point in the connection with the lower total loss and
    names it: at 60 rad/s, 800 N m and at the top speed, light load, its losses equal the smaller of
    the two connections' own operating points (1e-12)."""
    sm = multipole_design.machine_model()
    for rpm, T in ((60.0 / RPM_TO_RAD_S, 800.0), (0.9 * multipole_design.speed_max / RPM_TO_RAD_S, 100.0)):
        r = sm.operating_point(rpm, T)
        own = []
        for m in sm.models:
            try:
                own.append(m.operating_point(rpm, T)["losses_w"]["total"])
            except Exception:
                own.append(np.inf)
        assert r["losses_w"]["total"] == pytest.approx(min(own), rel=1e-12)
        assert r["connection"] == sm.connection_names[int(np.argmin(own))]


def test_unknown_changeover_names_the_field(multipole_design):
    """An unknown changeover kind: InputError naming winding.changeover."""
    with pytest.raises(InputError, match="winding.changeover"):
        switched_model(multipole_design.machine_model(switched=False), "zigzag")


def test_both_connections_stay_packed(multipole_design):
    """The kernels' packed arrays of the two connections survive each other's use: a switched model
    asks for them in turn at every point batch (the cache served one model before, so each call
    repacked); the arrays are the same objects on the second round and equal to a fresh pack."""
    from motoropt.drive import control

    m0, m1 = multipole_design.machine_model().models
    first = (control._pack(m0), control._pack(m1))
    again = (control._pack(m0), control._pack(m1))
    assert again[0] is first[0] and again[1] is first[1]
    fresh = control._pack_arrays(m1)
    assert np.array_equal(fresh[0][2], again[1][0][2]) and np.array_equal(fresh[2], again[1][2])
    assert not np.array_equal(first[0][0][2], first[1][0][2])  # the two connections' flux-map stacks differ


def test_switched_peak_power_is_the_larger_connection_search(multipole_design):
    """The switched envelope is the larger of the two connections' at each speed, so its largest power
    is the larger of theirs. Reference: the golden-section search over the switched envelope itself
    (drive.search.envelope_golden_power). On a bracket where one connection is above the other
    throughout (low speed: series; top speed: parallel) both searches visit the same speeds and agree
    bit for bit; on a bracket around the crossover the connections' own searches find at least the
    kinked maximum's value (each runs on a unimodal curve), and not more than the brute-force maximum
    over a fine speed grid of the switched envelope plus the search tolerance."""
    from motoropt.drive.search import envelope_golden_power

    sm = multipole_design.machine_model()
    w_top = sm.limits.speed_max
    w = np.linspace(0.02 * w_top, w_top, 61)
    env = sm.envelope(w)
    conn = env["connection"]
    assert conn[0] == 0 and conn[-1] == 1
    k = int(np.argmax(conn == 1))  # first speed where the parallel connection is the larger
    for a, b in ((w[1], w[max(k - 3, 2)]), (w[min(k + 3, w.size - 3)], w[-1])):
        assert sm.peak_power_between(a, b) == envelope_golden_power(sm.envelope, a, b)
    a, b = w[k - 3], w[min(k + 3, w.size - 1)]
    p_switched = sm.peak_power_between(a, b)
    assert p_switched >= envelope_golden_power(sm.envelope, a, b) * (1 - 1e-12)
    fine = np.linspace(a, b, 801)
    p_fine = float(np.nanmax(sm.envelope(fine, generating=False)["torque_motoring"] * fine))
    assert p_switched <= p_fine * (1 + 1e-4)


def test_equal_losses_keep_the_first_connection(multipole_design):
    """Below base speed (this case has no PWM harmonic losses) the two connections solve the same
    ampere-turn optimum: the same loss to roundoff. Such ties keep the series connection, which draws
    half the inverter current (before, the last bit of the two totals chose, and a map's connection
    was a random mix of series and parallel at low speed)."""
    sm = multipole_design.machine_model()
    w = np.full(6, 0.1 * sm.limits.speed_max)
    T = np.linspace(0.1, 0.4, 6) * float(sm.envelope(w[:1])["torque_motoring"][0])
    r0, r1 = (solve_operating_points(m, w, T) for m in sm.models)
    assert np.all(r0["feasible"] & r1["feasible"])
    tot = lambda x: x["p_copper"] + x["p_iron"] + x["p_magnet"] + x["p_mechanical"]  # noqa: E731
    assert np.allclose(tot(r1), tot(r0), rtol=1e-9, atol=0.0)
    r = sm.solve_operating_points(w, T)
    assert np.all(r["connection"] == 0)
    assert np.array_equal(r["i_q"], r0["i_q"])


def test_connections_beyond_their_envelope_are_not_solved(multipole_design, monkeypatch):
    """After an envelope call, a point more than REACH_RTOL beyond one connection's envelope is not
    solved in that connection: on the whole speed x torque grid of a map (points beyond both
    envelopes included) the result is the same, array for array and bit for bit, as solving both
    connections at every point (the reference), and fewer connection solves run."""
    from motoropt.drive import changeover as co
    from motoropt.drive.effmap import efficiency_map

    sm = multipole_design.machine_model()
    em = efficiency_map(sm, 24, 24)  # takes the envelope at the map's speeds, then solves the points
    W, T = np.meshgrid(em.speed_rpm * RPM_TO_RAD_S, em.torque_nm)
    ref = co._pick(*(m.solve_operating_points(W, T) for m in sm.models))
    calls = []
    orig = co._solve_where

    def counting(model, sp, tq, mask, strategy):
        calls.append(int(mask.sum()))
        return orig(model, sp, tq, mask, strategy)

    monkeypatch.setattr(co, "_solve_where", counting)
    got = sm.solve_operating_points(W, T)
    for key, v in ref.items():
        if key == "iron_by_region":
            for n in v:
                assert np.array_equal(got[key][n], v[n], equal_nan=True), (key, n)
        else:
            assert np.array_equal(got[key], v, equal_nan=v.dtype.kind == "f"), key
    assert sum(calls) < 2 * W.size  # some connection solves were skipped
    feas = em.feasible
    assert np.array_equal(em.connection[feas], ref["connection"][feas])
