"""The thermal evaluation's interpolation kernels written out by hand (numba's np.interp and
searchsorted overloads cost seconds of the first run's compilation) against numpy itself: the
exact answer here is numpy's own result, bit for bit."""

import numpy as np

from motoropt.thermal.evaluation import _bilinear, _components_at


def test_components_at_equals_np_interp_bit_for_bit():
    """Per speed column, np.interp(torque, grid torques, losses): interior points, exact grid
    torques (also beside a NaN node, where numpy returns the node's value), both ends and beyond,
    and a NaN torque."""
    rng = np.random.default_rng(3)
    nS, nT, nc = 9, 7, 4
    tg = np.sort(rng.uniform(0, 300, (nS, nT)), axis=1)
    lg = rng.uniform(10, 900, (nc, nT, nS))
    lg[1, 4, 2] = np.nan  # a node without a loss value
    torque = rng.uniform(-20, 320, nS)
    torque[0] = tg[0, 3]  # exact grid torque
    torque[2] = tg[2, 3]  # exact grid torque beside the NaN node
    torque[3] = tg[3, 0]
    torque[4] = tg[4, -1]
    torque[5] = -50.0
    torque[6] = 400.0
    torque[7] = np.nan
    got = _components_at(tg, lg, torque)
    want = np.array([[np.interp(torque[s], tg[s], lg[c, :, s]) for c in range(nc)] for s in range(nS)])
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(got[2, 1])  # numpy's node value, not NaN from the neighbour


def test_bilinear_matches_searchsorted_indexing():
    """Bilinear look-up with the cell found by the hand-written bisection equals the same formula
    with np.searchsorted (side "left"), also at grid nodes and on the grid edges."""
    rng = np.random.default_rng(5)
    xa = np.cumsum(rng.uniform(0.5, 2.0, 8))
    ya = np.cumsum(rng.uniform(0.5, 2.0, 6))
    Z = rng.normal(size=(8, 6))
    x = np.concatenate((rng.uniform(xa[0], xa[-1], 50), xa, [xa[0], xa[-1]]))
    y = np.concatenate((rng.uniform(ya[0], ya[-1], 50), rng.choice(ya, xa.size), [ya[-1], ya[0]]))
    i = np.clip(np.searchsorted(xa, x) - 1, 0, xa.size - 2)
    j = np.clip(np.searchsorted(ya, y) - 1, 0, ya.size - 2)
    fx = (x - xa[i]) / (xa[i + 1] - xa[i])
    fy = (y - ya[j]) / (ya[j + 1] - ya[j])
    want = (1 - fx) * ((1 - fy) * Z[i, j] + fy * Z[i, j + 1]) + fx * ((1 - fy) * Z[i + 1, j] + fy * Z[i + 1, j + 1])
    np.testing.assert_array_equal(_bilinear(xa, ya, Z, x, y), want)
