"""Flux maps: the common currency between machine models and the drive/loss/map/cycle pipeline.

Both the analytic magnetic-circuit model (:mod:`motoropt.magnetics.analytic`) and the finite-element
path produce a :class:`FluxMap`; control, losses, efficiency maps and cycles consume only this.

Conventions (used everywhere in motoropt):
- amplitude-invariant Park transform: the peak phase current is ``hypot(i_d, i_q)``; the peak phase
  voltage is ``hypot(v_d, v_q)`` with ``v_d = R i_d - w psi_q`` and ``v_q = R i_q + w psi_d``
  (w = electrical angular speed, rad/s); line-to-line rms voltage is ``sqrt(3/2) * V_peak``.
- electromagnetic torque ``T = 1.5 p (psi_d i_q - psi_q i_d)`` (N m); generating means ``i_q < 0``.
- the d axis is the magnet axis, so ``psi_d(0, 0) = psi_PM > 0`` and field weakening is ``i_d < 0``.
- maps are stored for ``i_q >= 0`` only; odd symmetry gives the rest:
  ``psi_d(i_d, -i_q) = psi_d(i_d, i_q)``, ``psi_q(i_d, -i_q) = -psi_q(i_d, i_q)``, the iron flux
  densities are even in ``i_q``, and torque is odd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FluxMap:
    """psi_d(i_d, i_q), psi_q(i_d, i_q), torque and iron flux densities on a rectangular grid.

    Attributes (SI units, peak phase quantities):
        i_d: (n_d,) d-axis currents, A, strictly ascending (typically -I_max .. +small).
        i_q: (n_q,) q-axis currents, A, strictly ascending from 0.
        psi_d, psi_q: (n_d, n_q) flux linkages, Wb.
        torque: (n_d, n_q) mean electromagnetic torque, N m.
        B_iron: (n_regions, n_d, n_q) peak fundamental flux density in each iron region, T
            (what the iron-loss model needs; the electrical frequency is applied later).
        regions: names of the iron regions, in the order of ``B_iron`` (e.g. "stator_teeth",
            "stator_yoke", "rotor_core").
        pole_pairs: p.
        T_magnet_c: magnet temperature the map was computed at, degC.
        source: "analytic" or "fea".
    """

    i_d: np.ndarray
    i_q: np.ndarray
    psi_d: np.ndarray
    psi_q: np.ndarray
    torque: np.ndarray
    B_iron: np.ndarray
    regions: tuple
    pole_pairs: int
    T_magnet_c: float
    source: str = "analytic"

    def __post_init__(self):
        n_d, n_q = len(self.i_d), len(self.i_q)
        for name in ("psi_d", "psi_q", "torque"):
            if getattr(self, name).shape != (n_d, n_q):
                raise ValueError(f"FluxMap.{name} has shape {getattr(self, name).shape}, expected {(n_d, n_q)}")
        if self.B_iron.shape != (len(self.regions), n_d, n_q):
            raise ValueError("FluxMap.B_iron must have shape (len(regions), n_d, n_q)")
        if np.any(np.diff(self.i_d) <= 0) or np.any(np.diff(self.i_q) <= 0) or self.i_q[0] != 0.0:
            raise ValueError("FluxMap axes must be strictly ascending and i_q must start at 0")

    @property
    def psi_pm(self) -> float:
        """Open-circuit flux linkage psi_d(0, 0), Wb (interpolated along i_d at i_q = 0)."""
        return float(np.interp(0.0, self.i_d, self.psi_d[:, 0]))

    @property
    def i_max(self) -> float:
        """Largest current amplitude the map covers along both axes, A."""
        return float(min(-self.i_d[0], self.i_q[-1]))
