"""The flux map's cell search on a non-uniform axis (a hand-written bisection: numba's searchsorted
overload costs ~0.7 s of the first run's compilation) against np.searchsorted."""

import numpy as np

from motoropt.magnetics.fluxmap import locate


def test_locate_matches_searchsorted_right():
    """Cell k = searchsorted(ax, x, side="right") - 1 clamped to 0 .. n-2 and the fraction t in it,
    inside the axis, at every node (a node starts its cell; the last node ends the last cell) and
    outside it on both sides (t then leaves [0, 1]: linear extrapolation)."""
    rng = np.random.default_rng(7)
    ax = np.cumsum(rng.uniform(0.1, 3.0, 11)) - 10.0
    xs = np.concatenate((rng.uniform(ax[0] - 2, ax[-1] + 2, 200), ax))
    for x in xs:
        k, t = locate(ax, x, False)
        k_ref = min(max(int(np.searchsorted(ax, x, side="right")) - 1, 0), ax.size - 2)
        assert k == k_ref
        assert t == (x - ax[k_ref]) / (ax[k_ref + 1] - ax[k_ref])
    assert locate(ax, ax[3], False) == (3, 0.0)
    assert locate(ax, ax[-1], False) == (ax.size - 2, 1.0)
