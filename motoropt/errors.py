"""Errors raised where the input is understood (case loading, geometry checks).

Kernels assume valid input; everything a user can get wrong is caught before them and reported as an
:class:`InputError` naming the field, the value and what is allowed. The CLI prints its message on
one line and exits with status 2.
"""

from __future__ import annotations


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
