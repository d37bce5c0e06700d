"""The induction machine as the evaluation sees it (:class:`motoropt.machines.base.MachineModel`):
loss-minimising slip control on the equivalent circuit (:mod:`.control`), the torque envelope,
efficiency maps and single operating points -- the same KPIs as the PMSM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import Limits
from motoropt.drive.effmap import efficiency_map
from motoropt.drive.search import envelope_golden_power
from motoropt.errors import InputError, OperatingPointError
from motoropt.machines.induction.circuit import CircuitParams, rotor_current
from motoropt.machines.induction.control import (
    CURRENT_LIMIT,
    OUT_NAMES,
    SPEED_LIMIT,
    envelope_kernel,
    solve_points_kernel,
)


@dataclass(frozen=True)
class InductionModel:
    """An induction machine as the evaluation sees it: circuit parameters + drive limits.

    Loss kinds of its maps: copper (stator), rotor_copper, iron, mechanical. It has no PM flux
    map (``fluxmap`` is None); ``params.source`` says whether its circuit is the geometry's
    ("analytic") or the FEA-derived one ("fea", :mod:`.fea`).
    """

    params: CircuitParams
    limits: Limits
    name: str = "induction machine"
    psi_rated: float = 0.0

    loss_kinds = ("copper", "rotor_copper", "iron", "mechanical")
    fluxmap = None

    @property
    def pole_pairs(self) -> int:
        return int(self.params.p)

    @property
    def bearing_drag_torque(self) -> float:
        """Coulomb bearing drag torque, N m (no viscous term)."""
        return float(self.params.T_b0)

    def bearing_loss(self, speed_rad_s):
        """Bearing loss, W: T_b0 |w|."""
        return self.params.T_b0 * np.abs(np.asarray(speed_rad_s, dtype=float))

    def _arrays(self):
        cache = self.__dict__.get("_cache")
        if cache is None:
            P = self.params
            cache = (P.pack(), np.ascontiguousarray(P.psi_tab, dtype=float), np.ascontiguousarray(P.im_tab, dtype=float),
                     np.ascontiguousarray(P.bh_H, dtype=float), np.ascontiguousarray(P.bh_B, dtype=float),
                     np.ascontiguousarray(P.rotor_table(), dtype=float))
            object.__setattr__(self, "_cache", cache)
        return cache

    def solve_operating_points(self, speed_rad_s, torque, strategy: str = "min_loss") -> dict:
        """Loss-minimising (or "constant_flux") operating points; dict of arrays keyed as
        :data:`.control.OUT_NAMES` (feasible bool, reason int) -- "p_<kind>" for every loss kind."""
        if strategy not in ("min_loss", "constant_flux"):
            raise InputError("strategy", strategy, "'min_loss' or 'constant_flux'")
        w, t = np.broadcast_arrays(np.atleast_1d(np.asarray(speed_rad_s, dtype=float)),
                                   np.atleast_1d(np.asarray(torque, dtype=float)))
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(t))) or np.any(w < 0):
            raise InputError("speed_rad_s/torque", "non-finite or negative speed", "finite, speed >= 0")
        cv, pt, it, H, B, rt = self._arrays()
        lim = self.limits
        out = solve_points_kernel(np.ascontiguousarray(w.ravel()), np.ascontiguousarray(t.ravel()), cv, pt, it, H, B, rt,
                                  lim.v_max, lim.i_max, lim.speed_max, 0 if strategy == "min_loss" else 1,
                                  self.psi_rated)
        res = {}
        for k, name in enumerate(OUT_NAMES):
            col = out[:, k].reshape(w.shape)
            if name == "feasible":
                col = col > 0.5
            elif name == "reason":
                col = np.nan_to_num(col).astype(np.int64)
            res[name] = col
        return res

    def peak_power_between(self, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                           max_evals: int = 30) -> float:
        """The envelope's largest power on [a, b] rad/s by golden-section search over :meth:`envelope`
        at single speeds (:func:`motoropt.drive.search.envelope_golden_power`), W."""
        return envelope_golden_power(self.envelope, a, b, key=key, w_tol=w_tol, max_evals=max_evals)

    def envelope(self, speeds_rad_s, generating: bool = True) -> dict:
        """Max shaft torque (motoring, generating magnitude), N m, at the given speeds (rad/s);
        ``generating`` False: the motoring side only (generating NaN; half the work)."""
        cv, pt, it, H, B, rt = self._arrays()
        lim = self.limits
        T_up = 3.0 * self.params.p * float(pt[-1]) * lim.i_max
        s = np.ascontiguousarray(np.atleast_1d(np.asarray(speeds_rad_s, dtype=float)))
        tm, tg = envelope_kernel(s, cv, pt, it, H, B, rt, lim.v_max, lim.i_max, T_up, 2 if generating else 1)
        return {"torque_motoring": tm, "torque_generating": tg}

    def efficiency_map(self, n_speed: int = 50, n_torque: int = 50, speed_max=None, strategy: str = "min_loss",
                       torque_demand=None):
        """:class:`motoropt.drive.effmap.EfficiencyMap` on an n_torque x n_speed grid (conventions of
        :func:`motoropt.drive.effmap.efficiency_map`; loss kinds :attr:`loss_kinds`)."""
        return efficiency_map(self, n_speed, n_torque, speed_max=speed_max, strategy=strategy,
                              torque_demand=torque_demand)

    def operating_point(self, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict:
        """One point as a dict with the keys of :func:`motoropt.drive.control.operating_point` (losses_w has
        copper, rotor_copper, iron, mechanical, total; plus rotor_bar/rotor_ring split) and slip,
        rotor_frequency_hz, psi_m_wb. Raises OperatingPointError outside the envelope."""
        for fld, v in (("speed_rpm", speed_rpm), ("torque_nm", torque_nm)):
            if not (isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(v)):
                raise InputError(fld, v, "a finite number")
        if speed_rpm < 0:
            raise InputError("speed_rpm", speed_rpm, ">= 0 (use a negative torque for generating)")
        w = speed_rpm * RPM_TO_RAD_S
        r = self.solve_operating_points(w, torque_nm, strategy=strategy)
        if not bool(r["feasible"][0]):
            reason = int(r["reason"][0])
            if reason == SPEED_LIMIT:
                raise OperatingPointError(f"{speed_rpm:g} rpm is above the speed limit "
                                          f"{self.limits.speed_max / RPM_TO_RAD_S:.0f} rpm")
            env = self.envelope([w])
            key = "torque_motoring" if torque_nm >= 0 else "torque_generating"
            raise OperatingPointError(
                f"{speed_rpm:g} rpm, {torque_nm:g} N m is outside the envelope "
                f"({'current' if reason == CURRENT_LIMIT else 'voltage'} limit): max "
                f"{'motoring' if torque_nm >= 0 else 'generating'} torque at {speed_rpm:g} rpm is {float(env[key][0]):.1f} N m")
        f = lambda k: float(r[k][0])  # noqa: E731
        losses = {k: f("p_" + k) for k in self.loss_kinds}
        losses["total"] = sum(losses.values())
        # rotor loss split (skin effect raises the bar share at high slip frequency)
        P = self.params
        cv, _, _, H, B, rt = self._arrays()
        x = abs(f("f_rotor")) * 2 * math.pi
        R_tot = rotor_current(cv, rt, x, abs(f("torque_em")), H, B)[1] if x > 0 else P.R_bar + P.R_rest
        # the rings' referred resistance from the DC split (R_rest = bar extensions + rings)
        R_ring = P.ring_fraction_dc * (P.R_bar + P.R_rest)
        bars = losses["rotor_copper"] * (R_tot - R_ring) / R_tot
        return {
            "speed_rpm": float(speed_rpm), "torque_nm": float(torque_nm), "motor_efficiency": f("efficiency"),
            "id_a": f("i_d"), "iq_a": f("i_q"), "current_rms_a": f("i_rms"), "voltage_ll_rms_v": f("v_ll_rms"),
            "power_factor": f("power_factor"), "p_mech_w": f("p_mech"), "p_elec_w": f("p_elec"),
            "torque_em_nm": f("torque_em"), "losses_w": losses,
            "rotor_loss_split_w": {"bars": bars, "end_rings": losses["rotor_copper"] - bars},
            "slip": f("slip"), "rotor_frequency_hz": f("f_rotor"), "psi_m_wb": f("psi_m"),
        }
