"""The rating search of the thermal kernels (:func:`_search_start`, :func:`_search_next`,
:func:`_search_step`) on margins whose root is known in closed form: the result is the largest
admissible torque to within tol, whatever the guess, in at most about twice bisection's tests."""

import math

import numpy as np
import pytest

from motoropt.thermal.kernels import N_SEARCH, S_RESULT, _search_next, _search_start, _search_step


def _run(margin, t_max, guess, slope, tol):
    """Search margin(t) >= 0 on [0, t_max]; (result, tested torques)."""
    st = np.empty(N_SEARCH)
    _search_start(st, margin(0.0), t_max, guess, slope)
    tested = []
    for _ in range(200):
        x = _search_next(st, tol)
        if math.isnan(x):
            break
        tested.append(x)
        _search_step(st, x, margin(x))
    return st[S_RESULT], tested


def _bisection_tests(t_max, tol):
    """Tests of a bisection from the bracket [0, t_max] to width tol."""
    return math.ceil(math.log2(t_max / tol))


@pytest.mark.parametrize("guess", [np.nan, 10.0, 149.0, 150.5, 199.0, 400.0])
@pytest.mark.parametrize("slope", [np.nan, -0.01, -0.3, -30.0, 2.0])
def test_root_of_a_quadratic_margin(guess, slope):
    """Margin 60 K - (t / 150 N m)^2 * 60 K, a copper-loss-like fall: root t* = 150 N m exactly.
    The result r is admissible and within tol of t* (t* - tol < r <= t*) for any guess or slope
    (also useless ones), in no more tests than twice bisection's plus 3."""
    tol, t_max = 0.5, 400.0

    def margin(t):
        return 60.0 - 60.0 * (t / 150.0) ** 2

    r, tested = _run(margin, t_max, guess, slope, tol)
    assert 150.0 - tol < r <= 150.0
    assert len(tested) <= 2 * _bisection_tests(t_max, tol) + 3


def test_good_guess_and_slope_take_few_tests():
    """With the previous speed's rating and slope close to this speed's (the usual case), the
    search needs about three tests instead of bisection's nine: linear margin 40 - 0.2 t K,
    root 200 N m; guess 195, slope -0.21 K / N m."""
    tol, t_max = 0.5, 300.0
    r, tested = _run(lambda t: 40.0 - 0.2 * t, t_max, 195.0, -0.21, tol)
    assert 200.0 - tol < r <= 200.0
    assert len(tested) <= 3 < _bisection_tests(t_max, tol)


def test_top_torque_admissible_returns_it():
    """A margin that stays positive up to t_max gives t_max itself (the grid's top torque)."""
    r, _ = _run(lambda t: 50.0 - 0.01 * t, 250.0, np.nan, np.nan, 0.5)
    assert r == 250.0


def test_nan_margin_counts_as_inadmissible():
    """A margin that is NaN (steady state lost, e.g. runaway) above 120 N m and positive below it:
    the result is within tol below 120 N m, NaN tests taking no part in the secants."""
    tol = 0.5

    def margin(t):
        return np.nan if t > 120.0 else 30.0 - 0.05 * t

    r, tested = _run(margin, 300.0, 250.0, -0.05, tol)
    assert 120.0 - tol < r <= 120.0
    assert len(tested) <= 2 * _bisection_tests(300.0, tol) + 3


def test_step_margin_falls_back_to_bisection():
    """A margin with a jump (secants useless): admissible up to 77.3 N m, -5 K above. The result
    is within tol of the jump, in at most twice bisection's tests plus 3."""
    tol = 0.5
    r, tested = _run(lambda t: 5.0 if t <= 77.3 else -5.0, 300.0, np.nan, np.nan, tol)
    assert 77.3 - tol < r <= 77.3
    assert len(tested) <= 2 * _bisection_tests(300.0, tol) + 3
