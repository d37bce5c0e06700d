"""The MEC's envelope (profile) Cholesky solve, ``_cholesky_solve``, and the dense one of the
Kron-reduced tooth-coil network, ``_dense_cholesky_solve``: against numpy's dense solve on matrices
with a given envelope, and their report of a matrix that is not positive definite."""

from __future__ import annotations

import numpy as np
import pytest

from motoropt.magnetics.analytic import _cholesky_solve, _dense_cholesky_solve


def _envelope_spd(n: int, first: np.ndarray, seed: int = 0) -> np.ndarray:
    """A = L L^T with L lower triangular, zero left of first[i] in row i (first non-decreasing), so A
    has the same envelope; diagonally dominant factor: well conditioned."""
    rng = np.random.default_rng(seed)
    L = np.tril(rng.random((n, n))) + n * np.eye(n)
    for i in range(n):
        L[i, : first[i]] = 0.0
    return L @ L.T


@pytest.mark.parametrize("n, band", [(1, 0), (2, 1), (7, 2), (36, 36), (72, 72), (72, 5)])
def test_envelope_solve_equals_dense_solve(n, band):
    """Exact solution: x = A^-1 rhs (numpy's LU), to 1e-12 relative, for dense (band = n) and banded
    envelopes, the smallest sizes included; the envelope outside the band is never read (it holds
    NaN here)."""
    first = np.maximum(np.arange(n) - band, 0).astype(np.int64)
    A = _envelope_spd(n, first)
    rhs = np.random.default_rng(1).random(n)
    J = A.copy()
    for i in range(n):
        J[i, : first[i]] = np.nan  # outside the envelope: must not be read
    x = np.empty(n)
    assert _cholesky_solve(J, first, rhs, x)
    np.testing.assert_allclose(x, np.linalg.solve(A, rhs), rtol=1e-12, atol=0.0)


def test_not_positive_definite_is_reported():
    """A symmetric matrix with a negative eigenvalue: the factorisation meets a pivot <= 0 and
    returns False."""
    A = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert not _cholesky_solve(A.copy(), np.zeros(2, np.int64), np.ones(2), np.empty(2))


@pytest.mark.parametrize("n", [1, 2, 5, 36, 72])
def test_dense_solve_equals_numpy_solve(n):
    """Exact solution: x = A^-1 rhs (numpy's LU) to 1e-12 relative on dense SPD matrices; the upper
    triangle is never read (NaN here); the factor equals the envelope solve's (first = 0) to 1e-13."""
    first = np.zeros(n, np.int64)
    A = _envelope_spd(n, first, seed=n)
    rhs = np.random.default_rng(2).random(n)
    J = np.where(np.tril(np.ones((n, n))) > 0, A, np.nan)
    x = np.empty(n)
    assert _dense_cholesky_solve(J, rhs, x)
    np.testing.assert_allclose(x, np.linalg.solve(A, rhs), rtol=1e-12, atol=0.0)
    J_env, x_env = np.tril(A), np.empty(n)
    assert _cholesky_solve(J_env, first, rhs, x_env)
    np.testing.assert_allclose(np.tril(J), J_env, rtol=1e-13, atol=0.0)


def test_dense_not_positive_definite_is_reported():
    """The dense solve meets the pivot <= 0 of an indefinite matrix and returns False."""
    A = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert not _dense_cholesky_solve(A.copy(), np.ones(2), np.empty(2))


def test_jacobian_assembly_fills_the_lower_envelope():
    """_assemble_jacobian's lower triangle within the envelope equals sum_i g_i c_i c_i^T built densely
    (c_i: +sa_i at node a_i, -sb_i at node b_i, nothing for GROUND = -1) on a ring of 9 nodes with
    antiperiodic closure and ground branches, incl. a branch from a node to its own antiperiodic
    image (a = b, sa = -sb: both off-diagonal terms land on the diagonal, 4 g in all); entries left
    of the envelope and above the diagonal are left as they were (NaN here), and a second assembly
    over the first gives the same matrix (the envelope is cleared first)."""
    from motoropt.magnetics.analytic import _assemble_jacobian, _envelope_order

    n = 9
    a = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 6, 4], dtype=np.int64)
    b = np.array([1, 2, 3, 4, 5, 6, 7, 8, 0, -1, -1, -1, 4], dtype=np.int64)
    sa = np.ones(a.size)
    sb = np.ones(a.size)
    sb[8] = -1.0  # ring closure onto the antiperiodic image of node 0
    sb[12] = -1.0  # node 4 to its own image
    g = np.random.default_rng(2).random(a.size) + 0.5
    new, first = _envelope_order(n, a, b)
    a2 = np.where(a >= 0, new[np.maximum(a, 0)], -1)
    b2 = np.where(b >= 0, new[np.maximum(b, 0)], -1)
    ref = np.zeros((n, n))
    for gi, ai, si, bi, ti in zip(g, a2, sa, b2, sb):
        c = np.zeros(n)
        if ai >= 0:
            c[ai] += si
        if bi >= 0:
            c[bi] -= ti
        ref += gi * np.outer(c, c)
    J = np.full((n, n), np.nan)
    for _ in range(2):
        _assemble_jacobian(J, first, g, a2, sa, b2, sb)
        for i in range(n):
            np.testing.assert_allclose(J[i, first[i]: i + 1], ref[i, first[i]: i + 1], rtol=1e-14, atol=1e-14)
            assert np.isnan(J[i, : first[i]]).all() and np.isnan(J[i, i + 1:]).all()
    assert J[new[4], new[4]] == pytest.approx(g[3] + g[4] + 4.0 * g[12], rel=1e-14)  # its branches by hand
