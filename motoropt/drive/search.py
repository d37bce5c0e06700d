"""Brent's one-dimensional minimisation as two inlined numba steps, shared by the drives' searches.

Brent (1973), "Algorithms for Minimization without Derivatives", ch. 5: parabolic interpolation
through the three best points, with golden-section steps whenever the parabola's step is not
acceptable (outside the bracket, or not smaller than half the step before last). It converges
superlinearly on a smooth minimum and never slower than golden sections otherwise (a penalty jump at
a constraint boundary makes it fall back to golden sections, converging onto the boundary from the
feasible side).

The caller owns the objective and the loop (numba passes no closures cheaply)::

    x = w = v = x0; fx = fw = fv = f0; d = e = 0.0
    while not brent_done(a, b, x, tol):
        u, d, e = brent_propose(a, b, x, w, v, fx, fw, fv, d, e, tol)
        a, b, x, w, v, fx, fw, fv = brent_accept(a, b, x, w, v, fx, fw, fv, u, f(u))

State: [a, b] the bracket, x the best point (value fx), w the second best, v the previous w; d the
last step, e the step before it. ``tol`` is the absolute tolerance on x: done when the bracket
around x is within 2 tol (x within ~tol of the minimum of a unimodal function).
"""

from __future__ import annotations

import math

import numpy as np

from motoropt.jit import njit

GOLD = 0.5 * (math.sqrt(5.0) - 1.0)  # golden-section ratio, 0.618...


@njit(cache=True, inline="always")
def brent_done(a, b, x, tol):
    """True when the bracket [a, b] around x is within 2 tol (Brent's stopping test)."""
    return abs(x - 0.5 * (a + b)) <= 2.0 * tol - 0.5 * (b - a)


@njit(cache=True, inline="always")
def brent_propose(a, b, x, w, v, fx, fw, fv, d, e, tol):
    """Next abscissa u to evaluate, and the updated steps: (u, d, e)."""
    xm = 0.5 * (a + b)
    tol2 = 2.0 * tol
    take_golden = True
    if abs(e) > tol:
        r = (x - w) * (fx - fv)
        q = (x - v) * (fx - fw)
        pp = (x - v) * q - (x - w) * r
        q = 2.0 * (q - r)
        if q > 0.0:
            pp = -pp
        q = abs(q)
        etemp = e
        e = d
        if not (abs(pp) >= abs(0.5 * q * etemp) or pp <= q * (a - x) or pp >= q * (b - x)):
            d = pp / q
            u = x + d
            if u - a < tol2 or b - u < tol2:
                d = tol if xm >= x else -tol
            take_golden = False
    if take_golden:
        e = (a - x) if x >= xm else (b - x)
        d = (1.0 - GOLD) * e
    if abs(d) >= tol:
        u = x + d
    else:
        u = x + (tol if d >= 0.0 else -tol)
    return u, d, e


@njit(cache=True, inline="always")
def brent_accept(a, b, x, w, v, fx, fw, fv, u, fu):
    """Brent's state after evaluating fu = f(u): (a, b, x, w, v, fx, fw, fv)."""
    if fu <= fx:
        if u >= x:
            a = x
        else:
            b = x
        v, w, x = w, x, u
        fv, fw, fx = fw, fx, fu
    else:
        if u < x:
            a = u
        else:
            b = u
        if fu <= fw or w == x:
            v, w = w, u
            fv, fw = fw, fu
        elif fu <= fv or v == x or v == w:
            v = u
            fv = fu
    return a, b, x, w, v, fx, fw, fv


def golden_max(f, a: float, b: float, rel_tol: float, max_evals: int) -> float:
    """Golden-section search for the maximum of f on [a, b] (f unimodal there): narrows the bracket
    until it is within rel_tol of its mid-point or max_evals values are taken; returns the larger of
    the last two values. :func:`motoropt.drive.control.golden_power_kernel` is the same loop in numba."""
    c, d = b - GOLD * (b - a), a + GOLD * (b - a)
    fc, fd = f(c), f(d)
    n = 2
    while b - a > rel_tol * 0.5 * (a + b) and n < max_evals:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - GOLD * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + GOLD * (b - a)
            fd = f(d)
        n += 1
    return max(fc, fd)


def envelope_golden_power(envelope, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                          max_evals: int = 30) -> float:
    """The largest T(w) w (W) of a motoring torque envelope on [a, b] rad/s by :func:`golden_max`;
    ``envelope(speeds, generating=False)`` is a model's envelope (its column ``key``, N m), called at
    single speeds. A speed without (finite, positive) torque counts as 0 W."""

    def power(ws: float) -> float:
        t = float(np.asarray(envelope(np.array([ws]), generating=False)[key], dtype=float)[0])
        return t * ws if math.isfinite(t) and t > 0 else 0.0

    return golden_max(power, a, b, w_tol, max_evals)
