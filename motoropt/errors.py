"""Errors raised where the input is understood (case loading, geometry checks).

Kernels assume valid input; everything a user can get wrong is caught before them and reported as an
:class:`InputError` naming the field, the value and what is allowed. The CLI prints its message on
one line and exits with status 2.
"""

from __future__ import annotations

import math


class MotoroptError(Exception):
    """Base class of every error motoropt reports to a user."""


class InputError(MotoroptError, ValueError):
    """Bad input: names the field, the value given and what is allowed.

    Example: ``InputError("stator.bore_diameter_mm", -3, "> 0")`` prints
    ``stator.bore_diameter_mm = -3: must be > 0``.
    """

    def __init__(self, field: str, value=None, allowed: str = "", message: str | None = None):
        self.field = field
        self.value = value
        self.allowed = allowed
        if message is None:
            message = f"{field} = {value!r}: must be {allowed}" if allowed else f"{field} = {value!r}"
        super().__init__(message)


class OperatingPointError(MotoroptError):
    """An operating point outside the design's torque-speed envelope."""


class ConvergenceError(MotoroptError):
    """A nonlinear solve that did not converge; carries its residual history."""

    def __init__(self, message: str, residuals=None):
        self.residuals = list(residuals) if residuals is not None else []
        super().__init__(message)


def check_number(field: str, value, lo: float | None = None, hi: float | None = None, lo_open: bool = False,
                 integer: bool = False, allowed: str | None = None) -> float | int:
    """``value`` as a float (or int with ``integer``) if it is a finite number within [lo, hi]
    (``lo_open``: > lo); otherwise an :class:`InputError` naming ``field`` and the allowed range.
    Booleans are not numbers here (TOML ``true`` is a typo for a number)."""


    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and integer:
        ok = float(value).is_integer()
    if ok and lo is not None:
        ok = value > lo if lo_open else value >= lo
    if ok and hi is not None:
        ok = value <= hi
    if not ok:
        if allowed is None:
            lo_s = "" if lo is None else (f"> {lo:g}" if lo_open else f">= {lo:g}")
            hi_s = "" if hi is None else f"<= {hi:g}"
            allowed = ("an integer " if integer else "a number ") + " and ".join(s for s in (lo_s, hi_s) if s)
        raise InputError(field, value, allowed.strip())
    return int(value) if integer else float(value)
