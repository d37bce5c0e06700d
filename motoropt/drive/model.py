"""The flux-map machine model: a PM machine as the drive, map, cycle, system and thermal code see
it (:class:`motoropt.machines.base.MachineModel`), from its flux map, loss parameters and limits.

The control and loss kernels are in :mod:`.control` and :mod:`.losses`; the efficiency map in
:mod:`.effmap`. This class binds them to one machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motoropt.drive.control import (
    Limits,
    max_torque_envelope,
    operating_point,
    peak_power_between,
    solve_operating_points,
)
from motoropt.drive.effmap import EfficiencyMap, efficiency_map
from motoropt.drive.losses import LossParams
from motoropt.magnetics.fluxmap import FluxMap


@dataclass(frozen=True)
class FluxMapModel:
    """A machine as the drive pipeline sees it: flux map + loss parameters + limits."""

    fluxmap: FluxMap
    loss_params: LossParams
    limits: Limits
    name: str = "machine"

    loss_kinds = ("copper", "iron", "magnet", "mechanical")

    @property
    def pole_pairs(self) -> int:
        return int(self.fluxmap.pole_pairs)


    @property
    def bearing_drag_torque(self) -> float:
        """Coulomb bearing drag torque, N m."""
        return float(self.loss_params.T_b0)

    def bearing_loss(self, speed_rad_s):
        """Bearing loss, W: T_b0 |w| + c_visc w^2 (:func:`motoropt.drive.losses.bearing_loss`)."""
        w = np.abs(np.asarray(speed_rad_s, dtype=float))
        return self.loss_params.T_b0 * w + self.loss_params.c_visc * w * w

    def solve_operating_points(self, speed, torque, strategy: str = "min_loss", n_scan: int = 12) -> dict:
        """Loss-minimising (or "mtpa") points (:func:`motoropt.drive.control.solve_operating_points`)."""
        return solve_operating_points(self, speed, torque, strategy=strategy, n_scan=n_scan)

    def envelope(self, speeds, n_scan: int = 24, generating: bool = True) -> dict:
        """Torque-speed envelope (:func:`motoropt.drive.control.max_torque_envelope`)."""
        return max_torque_envelope(self.fluxmap, self.loss_params, self.limits, speeds, n_scan=n_scan,
                                   generating=generating)

    def peak_power_between(self, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                           max_evals: int = 30) -> float:
        """The envelope's largest power on [a, b] rad/s by golden-section search, in one kernel call
        (:func:`motoropt.drive.control.peak_power_between`), W."""
        return peak_power_between(self, a, b, key=key, w_tol=w_tol, max_evals=max_evals)

    def efficiency_map(self, n_speed: int = 50, n_torque: int = 50, speed_max=None, strategy: str = "min_loss",
                       n_envelope: int | None = None, torque_demand=None) -> EfficiencyMap:
        """Efficiency map (:func:`motoropt.drive.effmap.efficiency_map`)."""
        return efficiency_map(self, n_speed, n_torque, speed_max=speed_max, strategy=strategy, n_envelope=n_envelope,
                              torque_demand=torque_demand)

    def operating_point(self, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict:
        """One point as a plain dict (:func:`motoropt.drive.control.operating_point`)."""
        return operating_point(self, speed_rpm, torque_nm, strategy=strategy)


MachineModel = FluxMapModel  # the name this class had before machine families were declared
