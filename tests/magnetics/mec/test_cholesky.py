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
