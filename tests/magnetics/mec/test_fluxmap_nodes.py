"""The optimiser's flux map solves only the grid points the drive can reach (issue 15).

compute_fluxmap(nodes="current_limit") leaves out the points the drive never reads: those that are
neither a corner of a cell meeting the current circle the map covers nor in the node-slope stencil
of such a corner (the incremental inductance of the PWM-harmonic losses). So every operating point
is the same as from the whole map; only the Newton warm starts differ (both converge to 1e-8 of the
flux scale).
"""

import dataclasses

import numpy as np
import pytest

from motoropt.case.optimization import parse_optimization
from motoropt.case.schema import SCHEMA
from motoropt.errors import InputError
from motoropt.magnetics.analytic import FLUXMAP_NODES, compute_fluxmap, current_limit_nodes
from tests import shipped


def _cell_meets_circle_by_sampling(d0, d1, q0, q1, r, n=201):
    """Whether the cell [d0, d1] x [q0, q1] holds a point with |i| <= r, by a dense sample of the
    cell (a second method for current_limit_nodes's closest-point test)."""
    d, q = np.meshgrid(np.linspace(d0, d1, n), np.linspace(q0, q1, n))
    return bool(np.min(d * d + q * q) <= r * r * (1 + 1e-9))


def test_current_limit_nodes_against_sampled_cells():
    """Default grid (i_d in [-1.05, 0.15], 13 points; i_q in [0, 1.05], 11 points; r = 1.05):
    a point is kept exactly when it is a corner of a cell holding a point of the circle (by sampling
    each cell), or a neighbour along i_d or i_q of such a corner (the three-point stencils of the
    incremental inductance's node slopes, one-sided at the axes' ends); 10 of the 143 points are left
    out (15 without the stencils), none on the axes i_q = 0 or near i_d = 0."""
    i_d = np.linspace(-1.05, 0.15, 13)
    i_q = np.linspace(0.0, 1.05, 11)
    keep = current_limit_nodes(i_d, i_q)
    meets = np.array([[_cell_meets_circle_by_sampling(i_d[k], i_d[k + 1], i_q[j], i_q[j + 1], 1.05)
                       for j in range(10)] for k in range(12)])
    corner = np.array([[any(meets[a, b] for a in (k - 1, k) for b in (j - 1, j) if 0 <= a < 12 and 0 <= b < 10)
                        for j in range(11)] for k in range(13)])
    expected = corner.copy()
    for kk, jj in zip(*np.nonzero(corner)):
        m = min(max(kk - 1, 0), 10)
        expected[m: m + 3, jj] = True
        m = min(max(jj - 1, 0), 8)
        expected[kk, m: m + 3] = True
    assert np.array_equal(keep, expected)
    assert int((~corner).sum()) == 15 and int((~keep).sum()) == 10
    assert keep[:, 0].all() and keep[-3:, :].all()


def test_incremental_inductance_reads_only_kept_points():
    """A map holding NaN at the points current_limit_nodes leaves out: the incremental inductance
    (drive.losses.incremental_inductance, the PWM-harmonic losses' L) is finite at every corner and
    centre of every cell that meets the current circle. Without the node-slope stencils in the node
    set it read NaN at a corner on the circle (an operating point on an i_q node at the current
    limit lost its harmonic losses)."""
    from motoropt.drive.losses import incremental_inductance

    i_d = np.linspace(-1.05, 0.15, 13)
    i_q = np.linspace(0.0, 1.05, 11)
    keep = current_limit_nodes(i_d, i_q)
    D, Q = np.meshgrid(i_d, i_q, indexing="ij")
    G = np.stack([0.1 + 0.02 * D - 0.01 * Q * Q, 0.05 * Q - 0.01 * D * Q])
    G[:, ~keep] = np.nan
    checked = 0
    for k in range(12):
        for j in range(10):
            if not _cell_meets_circle_by_sampling(i_d[k], i_d[k + 1], i_q[j], i_q[j + 1], 1.05):
                continue
            for t, u in ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.5, 0.5)):
                L = incremental_inductance(i_q[j] + u * (i_q[j + 1] - i_q[j]), k, j, t, u, i_d, i_q, G)
                assert np.isfinite(L).all(), (k, j, t, u)
                checked += 1
    assert checked > 400


def test_current_limit_nodes_without_a_circle():
    """Axes that do not span a circle around the origin (i_d > 0 only) keep every point."""
    assert current_limit_nodes(np.array([1.0, 2.0]), np.array([0.0, 1.0])).all()


def _assert_skipped_points_only(design):
    """design's MEC map with fm_nodes = "current_limit" against its whole map: some points skipped,
    NaN there; the solved points equal to 1e-7 of each array's largest value. Returns the design
    with "current_limit"."""
    part = dataclasses.replace(design, fm_nodes="current_limit")
    f0, f1 = design.mec_fluxmap(), part.mec_fluxmap()
    keep = current_limit_nodes(f0.i_d, f0.i_q)
    assert (~keep).sum() > 0
    assert np.isnan(f1.psi_d[~keep]).all() and np.isnan(f1.psi_q[~keep]).all() and np.isnan(f1.B_iron[:, ~keep]).all()
    for a, b in ((f0.psi_d, f1.psi_d), (f0.psi_q, f1.psi_q), (f0.B_iron[0], f1.B_iron[0]),
                 (f0.B_iron[1], f1.B_iron[1])):
        np.testing.assert_allclose(b[keep], a[keep], rtol=0, atol=1e-7 * np.max(np.abs(a)))
    return part


def test_skipped_points_change_no_operating_point(prius_design):
    """Prius MEC: the points solved agree with the whole map to 1e-7 of the largest value, the
    others are NaN; the torque envelope (to 1e-7) and the losses on a 16 x 16 efficiency map (every
    cell the drive reaches, motoring and generating; each kind to 1e-6 of the point's total loss, the
    point solver's tolerance) are the same: a NaN read would show as a NaN or a difference."""
    full = prius_design
    part = _assert_skipped_points_only(full)
    m0, m1 = full.machine_model(), part.machine_model()
    e0, e1 = m0.efficiency_map(n_speed=16, n_torque=16), m1.efficiency_map(n_speed=16, n_torque=16)
    np.testing.assert_allclose(e1.envelope_motoring_nm, e0.envelope_motoring_nm, rtol=1e-7)
    np.testing.assert_allclose(e1.envelope_generating_nm, e0.envelope_generating_nm, rtol=1e-7)
    assert np.array_equal(e0.feasible, e1.feasible) and e0.feasible.sum() > 100
    total = e0.losses["total"][e0.feasible]
    for k in e0.losses:
        a, b = e0.losses[k][e0.feasible], e1.losses[k][e1.feasible]
        assert np.all(np.isfinite(b)), k
        # the point solver locates i_d to 1e-6 i_max: a flux map equal to 3e-13 moves each loss kind
        # by up to ~1e-7 of the point's total loss
        assert np.max(np.abs(b - a) / total) <= 1e-6, (k, np.max(np.abs(b - a) / total))


def test_optimiser_solves_only_the_reachable_points():
    """The optimiser's map overrides default to fluxmap_nodes = "current_limit"; a case may ask for
    "all"; another value is an error naming the key."""
    free = shipped.case("prius_opt").free
    opt = dict(free["optimization"])
    assert "fluxmap_nodes" not in opt
    assert parse_optimization(free).map_overrides["fluxmap_nodes"] == "current_limit"
    assert parse_optimization(dict(free, optimization=dict(opt, fluxmap_nodes="all"))).map_overrides[
        "fluxmap_nodes"] == "all"
    with pytest.raises(InputError, match="optimization.fluxmap_nodes"):
        parse_optimization(dict(free, optimization=dict(opt, fluxmap_nodes="some")))


def test_case_key_offers_the_choices_compute_fluxmap_takes():
    """[map] fluxmap_nodes (case schema, above the magnetics layer) and compute_fluxmap's own check
    list the same values."""
    assert tuple(SCHEMA["map"]["fluxmap_nodes"].choices) == FLUXMAP_NODES


def test_unknown_nodes_choice_is_an_input_error(prius_design):
    d = prius_design
    H, B = d.steel.bh_arrays()
    with pytest.raises(InputError, match="map.fluxmap_nodes"):
        compute_fluxmap(d.mec_inputs(), H, B, d.i_max, nodes="inside")


def test_tooth_coil_network_skips_the_same_points(multipole_design):
    """The tooth-coil network's kernel (multipole case): the points solved agree with the whole map
    to 1e-7 of its largest value, the others are NaN."""
    assert multipole_design.kernel_variant() == "tooth_coil"  # the case exercises the tooth-coil kernel
    part = _assert_skipped_points_only(multipole_design)
    f1 = part.mec_fluxmap()
    keep = current_limit_nodes(f1.i_d, f1.i_q)
    assert np.isfinite(f1.psi_d[keep]).all() and np.isfinite(f1.psi_q[keep]).all()
