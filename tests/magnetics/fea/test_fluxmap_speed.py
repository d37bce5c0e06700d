"""Fast FEA flux maps (issue 20): the fast path's shortcuts against the reference path and against
independent computations.

- sparse Cholesky (ordering and symbolic analysis reused) against SuperLU on the same matrix;
- flux-linkage / Arkkio / iron-fundamental operators against the direct post-processing functions;
- Newton with a kept factorised Jacobian (PCG steps, energy line search) against plain Newton;
- the fast map against the reference map (today's solver path) on a small grid, with the issue's
  limits: flux linkage within 0.5 % of the largest |psi|, torque within 1 % of the largest |T|,
  iron flux densities (the iron-loss inputs the map stores) within 2 % of their largest value;
- the map does not depend on the number of worker processes (bit for bit).
"""

import math
import time

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from motoropt.case import design_from_values, load_case
from motoropt.errors import InputError
from motoropt.magnetics.fea import fluxmap_fea as F
from motoropt.magnetics.fea.machine import PHASES, abc_to_dq, dq_to_abc
from motoropt.magnetics.fea.pipeline import fluxmap_axes
from motoropt.magnetics.fea.post import ArkkioOperator, arkkio_torque, flux_linkage, flux_linkage_operator
from motoropt.magnetics.fea.solver import JacobianCache, SparseCholesky, solve

LIMITS = {"psi": 0.5e-2, "torque": 1e-2, "B_iron": 2e-2}  # issue 20, fractions of the largest value


@pytest.fixture(scope="module")
def prius():
    return design_from_values(load_case("cases/prius2004.toml").values)


@pytest.fixture(scope="module")
def prius_position(prius):
    """A Prius pole at the second of 4 map positions, solved at 200 A, 120 deg (saturated)."""
    ang = F._positions(prius, 4, 60.0)[1]
    mp_ = F._map_position(prius, ang, "auto", None, prius.T_magnet_c)
    pos = mp_.position
    g = math.radians(120)
    cur = dict(zip(PHASES, dq_to_abc(200 * math.cos(g), 200 * math.sin(g), pos.theta_x)))
    return mp_, cur, solve(pos.problem, cur, tol=1e-9)


def _map_errors(fast, ref):
    """Largest |fast - ref| as fractions of the reference's largest value, per quantity."""
    psi_max = max(np.abs(ref.psi_d).max(), np.abs(ref.psi_q).max())
    return {"psi": max(np.abs(fast.psi_d - ref.psi_d).max(), np.abs(fast.psi_q - ref.psi_q).max()) / psi_max,
            "torque": np.abs(fast.torque - ref.torque).max() / np.abs(ref.torque).max(),
            "B_iron": max(np.abs(fast.B_iron[k] - ref.B_iron[k]).max() / np.abs(ref.B_iron[k]).max()
                          for k in range(ref.B_iron.shape[0]))}


def test_sparse_cholesky_against_superlu():
    """A 2-D five-point Laplacian (40 x 40 grid) plus a random positive diagonal, in a random node
    order: SparseCholesky with SuperLU's minimum-degree ordering solves it to the same x as SuperLU
    (relative difference < 1e-10) and has the same fill as SuperLU's L (the ordering is reused, not
    recomputed); the negated matrix is reported not positive definite (False), not factorised."""
    n1 = 40
    lap = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n1, n1), dtype=float)
    A = (sp.kronsum(lap, lap) + sp.diags(np.random.default_rng(1).uniform(0.01, 1.0, n1 * n1))).tocsc()
    perm = np.random.default_rng(2).permutation(n1 * n1)
    A = A[perm][:, perm].tocsc()
    A.sort_indices()
    lu = splu(A, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    ch = SparseCholesky(A.indptr, A.indices, lu.perm_c)
    assert ch.factorize(A.data)
    assert ch.nnz == lu.L.nnz
    b = np.random.default_rng(3).standard_normal(A.shape[0])
    x = ch.solve(b)
    assert np.linalg.norm(x - lu.solve(b)) < 1e-10 * np.linalg.norm(x)
    assert np.linalg.norm(A @ x - b) < 1e-10 * np.linalg.norm(b)
    assert not ch.factorize(-A.data)


def test_post_operators_equal_direct_postprocessing(prius_position):
    """The map's precomputed operators reproduce the direct functions on the same solution to
    1e-10 relative: phase flux linkages (post.flux_linkage, section scaling), Arkkio torque
    (post.arkkio_torque, same band elements) and the tooth/yoke fundamentals (_iron_fundamentals)."""
    mp_, _, sol = prius_position
    pos = mp_.position
    sec, P = pos.section, pos.problem
    psi_ref = sec.phase_flux_linkage(flux_linkage(sol))
    assert np.allclose(mp_.W @ sol.A, psi_ref, rtol=1e-10, atol=0)
    W = flux_linkage_operator(P)
    direct = flux_linkage(sol)
    assert np.allclose(W @ sol.A, [direct[n] for n in P.circuit_names], rtol=1e-10, atol=0)
    t_ref = arkkio_torque(sol, *sec.r_band)
    assert ArkkioOperator.build(P, *sec.r_band).torque(sol.A) == pytest.approx(t_ref, rel=1e-10)
    assert abs(t_ref) > 1.0  # a loaded point: the comparison is not 0 = 0
    z = mp_.iron @ sol.A
    assert np.allclose(2 * np.hypot(z[0::2], z[1::2]), F._iron_fundamentals(sol, sec, pos.section.p), rtol=1e-10)


def test_kept_factorisation_newton_matches_plain_newton(prius_position):
    """Five currents along a row solved with one shared JacobianCache (PCG Newton steps, energy line
    search) reach the same field as plain Newton (one LU per step) at tol 1e-9: max |dA| < 1e-6 max |A|;
    and the kept factorisation is reused: fewer factorisations than Newton steps."""
    mp_, _, _ = prius_position
    pos = mp_.position
    P = pos.problem
    cache = JacobianCache(max_cg=5, eta=0.1)
    A_fast = A_ref = None
    steps = 0
    for i_q in np.linspace(0.0, 250.0, 5):
        cur = dict(zip(PHASES, dq_to_abc(-100.0, i_q, pos.theta_x)))
        s_f = solve(P, cur, A0=A_fast, tol=1e-9, precond=cache, line_search="energy")
        s_r = solve(P, cur, A0=A_ref, tol=1e-9)
        A_fast, A_ref = s_f.A, s_r.A
        steps += s_f.newton_iterations
        assert np.abs(A_fast - A_ref).max() < 1e-6 * np.abs(A_ref).max()
        assert s_f.residuals[-1] < 1e-9
    assert cache.factorizations < steps and cache.cg_iterations > 0


def test_map_tasks_cover_the_grid_independently_of_workers():
    """Every (position, row) is in exactly one task; a map has >= MIN_TASKS tasks where it has that
    many rows; the split depends only on the grid (no worker count in the signature)."""
    for K, n_d in ((1, 10), (2, 10), (3, 7), (4, 10), (6, 3), (1, 2)):
        tasks = F._map_tasks(K, n_d)
        seen = sorted((j, a) for j, rows in tasks for a in rows)
        assert seen == [(j, a) for j in range(K) for a in range(n_d)]
        assert len(tasks) >= min(F.MIN_TASKS, K * n_d)


def test_bad_map_options(prius, monkeypatch):
    """Unknown method, workers < 1, tol outside (0, 1) and a non-integer MOTOROPT_FEA_WORKERS are
    InputErrors naming the option."""
    with pytest.raises(InputError, match="method"):
        F.fea_fluxmap(prius, [0.0], [0.0], method="quick")
    with pytest.raises(InputError, match="workers"):
        F.fea_fluxmap(prius, [0.0], [0.0], workers=0)
    with pytest.raises(InputError, match="tol"):
        F.fea_fluxmap(prius, [0.0], [0.0], tol=2.0)
    monkeypatch.setenv("MOTOROPT_FEA_WORKERS", "two")
    with pytest.raises(InputError, match="MOTOROPT_FEA_WORKERS"):
        F.default_workers()
    monkeypatch.setenv("MOTOROPT_FEA_WORKERS", "3")
    assert F.default_workers() == 3


def _fast_and_reference(design, n_d, n_q, K):
    """The fast and the reference FEA map on the same axes: (errors per quantity, solves of each,
    factorisations of the fast path, Newton steps of the reference)."""
    i_d, i_q = fluxmap_axes(design, n_d, n_q)
    st_f, st_r = {}, {}
    fast = F.fea_fluxmap(design, i_d, i_q, positions=K, workers=1, stats=st_f)
    ref = F.fea_fluxmap(design, i_d, i_q, positions=K, method="reference", stats=st_r)
    return _map_errors(fast, ref), (st_f["solves"], st_r["solves"]), st_f["factorizations"], st_r["newton_steps"]


def test_fast_map_within_limits_of_reference_map(prius):
    """Prius, 2 x 2 currents (the analytic map's axes: -1.05 and +0.15 I_max; 0 and 1.05 I_max) x 2
    positions: the fast path against today's solver path (method="reference": remesh per position,
    one LU per Newton step, tol 1e-7) within the issue's limits (flux linkage 0.5 % of the largest
    |psi|, torque 1 %, B_iron 2 %; measured ~1e-5 relative), with fewer factorisations than the
    reference's Newton steps."""
    err, solves, factorizations, newton_steps = _fast_and_reference(prius, 2, 2, 2)
    assert all(err[k] < lim for k, lim in LIMITS.items()), err
    assert solves == (8, 8) and factorizations < newton_steps


@pytest.mark.slow
@pytest.mark.parametrize("case", ["cases/prius2004.toml", "cases/multipole_direct_drive.toml"])
def test_fast_map_within_limits_of_reference_map_4x4x4(case):
    """As above on 4 x 4 currents x 4 positions (64 solves) for the Prius (distributed winding, one
    pole) and the 40-pole direct drive (tooth coils, 'auto' sector of 5 poles)."""
    d = design_from_values(load_case(case).values)
    err, solves, factorizations, newton_steps = _fast_and_reference(d, 4, 4, 4)
    assert all(err[k] < lim for k, lim in LIMITS.items()), err
    assert solves == (64, 64) and factorizations < newton_steps


@pytest.mark.slow
def test_workers_do_not_change_the_map(prius):
    """The fast map computed serially and in a pool of 2 spawned processes is bit-identical (tasks
    start cold and alone; positions are summed in a fixed order)."""
    i_d, i_q = fluxmap_axes(prius, 4, 3)
    a = F.fea_fluxmap(prius, i_d, i_q, positions=1, workers=1)
    st = {}
    b = F.fea_fluxmap(prius, i_d, i_q, positions=1, workers=2, stats=st)
    assert st["workers"] == 2 and st["tasks"] >= 2
    for name in ("psi_d", "psi_q", "torque", "B_iron"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.slow
def test_prius_10x10x4_fast_map_work_and_cpu():
    """The issue's map (Prius, 10 x 10 currents x 4 positions = 400 solves) on the fast path: Newton
    steps per solve <= 4.5 (measured 3.7; the reference path takes 5.6 with one LU each),
    factorisations per solve <= 1.5 (measured 1.3), and the CPU time per solve at most 0.4 x that
    of the reference path's warm-started solves measured here on one row (measured ratio ~0.2; CPU
    time, so the bound holds on a loaded machine; the <= 5 s wall target is reported by
    benchmarks/bench_fea.py)."""
    d = design_from_values(load_case("cases/prius2004.toml").values)
    i_d, i_q = fluxmap_axes(d, 10, 10)
    st = {}
    F.fea_fluxmap(d, i_d, i_q, positions=4, workers=1, stats=st)
    assert st["solves"] == 400
    assert st["newton_steps"] / st["solves"] <= 4.5
    assert st["factorizations"] / st["solves"] <= 1.5
    ang = F._positions(d, 4, 60.0)[1]
    pos = F._position(d, ang, "auto", None, d.T_magnet_c)
    A0 = solve(pos.problem, dict(zip(PHASES, dq_to_abc(i_d[4], 0.0, pos.theta_x))), tol=1e-7).A
    c0 = time.process_time()
    for b in range(1, 10):
        A0 = solve(pos.problem, dict(zip(PHASES, dq_to_abc(i_d[4], i_q[b], pos.theta_x))), A0=A0, tol=1e-7).A
    ref_per_solve = (time.process_time() - c0) / 9
    fast_per_solve = st["cpu_s"] / st["solves"]
    print(f"fast {1e3 * fast_per_solve:.1f} ms CPU per solve, reference {1e3 * ref_per_solve:.1f} ms")
    assert fast_per_solve <= 0.4 * ref_per_solve
    _ = abc_to_dq  # (imported for readers comparing with fluxmap_fea)
