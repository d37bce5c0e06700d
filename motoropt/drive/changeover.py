"""Winding changeover (series/parallel or star/delta) chosen per operating point.

A changeover switches the same coils between two connections on the same inverter. Both are exact
transforms of one machine model, because the magnetic circuit sees only ampere-turns:

- ``series_parallel``: the coils of each phase form 2 parallel groups instead of one series string
  (the winding must allow a doubled number of parallel paths). Terminal quantities: turns per phase
  N/2 (per path), phase resistance R/4, flux linkages psi/2 at the same ampere-turns, i.e. the
  terminal current for a given torque is doubled (each group carries half of it).
- ``star_delta``: the same phase windings connected in delta instead of star; its equivalent star
  has N/sqrt(3) turns, R/3, psi/sqrt(3), terminal (line) current sqrt(3) x the phase current.
  Zero-sequence (triple-harmonic) circulating current in the delta is neglected: the MEC model has
  no EMF harmonics.

With k = 2 or sqrt(3), the second connection's flux map is the first one's with current axes x k
and flux linkages / k (torque, iron flux densities unchanged), its resistance R/k^2; every loss
parameter that depends on the slot ampere-turns (AC copper factor, iron, magnet, mechanical) is
unchanged. Both connections share the design's limits: the terminal (inverter) current i_max, DC
link and speed limits. So the second connection has 1/k of the low-speed torque but k x the base
speed; at a torque both reach below base speed the copper loss is identical (R/k^2 (k i)^2 = R i^2).

The switched model (a :class:`motoropt.machines.base.MachineModel`) solves each point with both
connections and keeps the one with the lower total motor loss (feasible beats infeasible; ties,
within TIE_RTOL = 1e-9 relative, keep the first connection, which draws the smaller inverter
current). ``connection`` = 0 (series / star) or 1 (parallel / delta), -1 where neither reaches the
point. Its envelope is the larger of the two
connections' at each speed; its efficiency map (:func:`motoropt.drive.effmap.efficiency_map`)
carries the connection of every point.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from motoropt.drive.control import CURRENT_LIMIT, operating_point
from motoropt.drive.effmap import EfficiencyMap, efficiency_map
from motoropt.drive.model import FluxMapModel
from motoropt.errors import InputError, OperatingPointError

CHANGEOVERS = {"series_parallel": 2.0, "star_delta": math.sqrt(3.0)}
CONNECTION_NAMES = {"series_parallel": ("series", "parallel"), "star_delta": ("star", "delta")}
# relative loss margin by which the second connection must be better to be chosen: below base speed
# (no harmonic losses) both connections solve the same ampere-turn optimum, and their losses differ
# by roundoff only (~1e-15), which would pick the second connection at random
TIE_RTOL = 1e-9
# a connection is not solved at a point more than this beyond its envelope (relative torque): the
# envelope's own search stops within ~1e-7 of the true maximum (motoropt.drive.control._ENV_XTOL)
REACH_RTOL = 1e-5


def connection_factor(kind: str) -> float:
    """k of a changeover kind (turns ratio between the first and the second connection)."""
    if kind not in CHANGEOVERS:
        raise InputError("winding.changeover", kind, f"one of {sorted(CHANGEOVERS)}")
    return CHANGEOVERS[kind]


def rescaled_model(model: FluxMapModel, k: float, name_suffix: str = "") -> FluxMapModel:
    """The model with terminal turns / k: current axes x k, flux linkages / k, R / k^2, same limits.
    The map must cover the limits' current: i_max <= k x the original map's current (always true
    for k >= 1)."""
    fm = model.fluxmap
    fm2 = dataclasses.replace(fm, i_d=fm.i_d * k, i_q=fm.i_q * k, psi_d=fm.psi_d / k, psi_q=fm.psi_q / k)
    lp2 = dataclasses.replace(model.loss_params, R_s_20=model.loss_params.R_s_20 / k**2)
    return FluxMapModel(fluxmap=fm2, loss_params=lp2, limits=model.limits, name=model.name + name_suffix)


@dataclass(frozen=True)
class SwitchedModel:
    """Two connections of one machine (module docstring). Flux map, loss parameters, limits and
    bearings are the first connection's; points are solved with both."""

    models: tuple  # (first connection, second connection) FluxMapModels
    kind: str
    k: float

    loss_kinds = FluxMapModel.loss_kinds

    @property
    def fluxmap(self):
        return self.models[0].fluxmap

    @property
    def loss_params(self):
        return self.models[0].loss_params

    @property
    def limits(self):
        return self.models[0].limits

    @property
    def name(self):
        return self.models[0].name

    @property
    def pole_pairs(self) -> int:
        return self.models[0].pole_pairs

    @property
    def bearing_drag_torque(self) -> float:
        return self.models[0].bearing_drag_torque

    @property
    def connection_names(self) -> tuple:
        return CONNECTION_NAMES[self.kind]

    def bearing_loss(self, speed_rad_s):
        return self.models[0].bearing_loss(speed_rad_s)

    def solve_operating_points(self, speed, torque, strategy: str = "min_loss") -> dict:
        """Both connections at every point; keeps the lower total loss (dict as
        :func:`motoropt.drive.control.solve_operating_points` plus ``connection``, 0/1, -1 if infeasible).

        A connection is not solved at a point beyond its own envelope (at a speed of the last
        :meth:`envelope` call, by more than REACH_RTOL: the envelope's search error is < 1e-7), where it
        is infeasible; the other connection decides the point. Where that one is infeasible too, the
        first connection is solved after all, for its reason (current or voltage limit). The result is
        the same as solving both everywhere."""
        sp, tq = np.broadcast_arrays(np.asarray(speed, dtype=float), np.asarray(torque, dtype=float))
        reach = self._reach(sp, tq)
        if reach is None:
            r0 = self.models[0].solve_operating_points(sp, tq, strategy=strategy)
            r1 = self.models[1].solve_operating_points(sp, tq, strategy=strategy)
            return _pick(r0, r1)
        r1 = _solve_where(self.models[1], sp, tq, reach[1], strategy)
        r0 = _solve_where(self.models[0], sp, tq, reach[0] | ~r1["feasible"], strategy)
        return _pick(r0, r1)

    def _reach(self, sp, tq):
        """(2, *shape) bool: the points each connection may reach (|T| within its envelope x (1 +
        REACH_RTOL) at a speed of the last envelope call, or at any other speed), or None when no
        envelope was taken yet or no point is beyond one."""
        last = self.__dict__.get("_last_envelopes")
        if last is None or sp.ndim == 0 or sp.size == 0:
            return None
        w_env, env = last
        k = np.clip(np.searchsorted(w_env, sp), 0, w_env.size - 1)
        known = w_env[k] == sp
        reach = np.ones((2, *sp.shape), dtype=bool)
        for c, e in enumerate(env):
            side = np.where(tq >= 0, e["torque_motoring"][k], e["torque_generating"][k])
            with np.errstate(invalid="ignore"):
                beyond = known & (np.abs(tq) > side * (1.0 + REACH_RTOL))  # NaN (no envelope there): solved
            reach[c] = ~beyond
        return None if reach.all() else reach

    def envelope(self, speeds, generating: bool = True) -> dict:
        """The larger of the two connections' envelopes at each speed; ``connection``: the one giving
        the larger motoring torque. Each connection's envelope at these speeds is kept for
        :meth:`solve_operating_points` (where a connection cannot reach a point, it is not solved)."""
        e0, e1 = (m.envelope(speeds, generating=generating) for m in self.models)
        w = np.asarray(e0["speed"], dtype=float)
        if w.ndim == 1 and np.all(np.diff(w) > 0):  # ascending: looked up by searchsorted
            object.__setattr__(self, "_last_envelopes", (w.copy(), (e0, e1)))  # a memo, not a field
        return {"speed": e0["speed"],
                "torque_motoring": np.fmax(e0["torque_motoring"], e1["torque_motoring"]),
                "torque_generating": np.fmax(e0["torque_generating"], e1["torque_generating"]),
                "torque_motoring_unlimited": np.fmax(e0["torque_motoring_unlimited"], e1["torque_motoring_unlimited"]),
                "connection": np.where(np.nan_to_num(e1["torque_motoring"]) > np.nan_to_num(e0["torque_motoring"]),
                                       1, 0)}

    def peak_power_between(self, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                           max_evals: int = 30) -> float:
        """The envelope's largest power on [a, b] rad/s, W: the larger of the two connections' (each
        connection's own search, :meth:`FluxMapModel.peak_power_between`). The envelope is the larger
        of the two at each speed, so its maximum is the larger of their maxima; where one connection
        is above the other on all of [a, b] this is the golden-section search over :meth:`envelope`
        itself, speed for speed, and where they cross in [a, b] each search runs on a connection's
        own (unimodal) power curve instead of the kinked maximum of the two."""
        return max(m.peak_power_between(a, b, key=key, w_tol=w_tol, max_evals=max_evals) for m in self.models)

    def efficiency_map(self, n_speed: int = 50, n_torque: int = 50, speed_max=None,
                       strategy: str = "min_loss", torque_demand=None) -> EfficiencyMap:
        """Efficiency map taking the better connection per point (``connection`` on the map)."""
        return efficiency_map(self, n_speed, n_torque, speed_max=speed_max, strategy=strategy,
                              torque_demand=torque_demand)

    def operating_point(self, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict:
        """The point in the connection with the lower total loss (keys of
        :func:`motoropt.drive.control.operating_point` plus ``connection``, its name)."""
        best, err = None, None
        for m, name in zip(self.models, self.connection_names):
            try:
                r = operating_point(m, speed_rpm, torque_nm, strategy=strategy)
            except OperatingPointError as e:
                err = err or e
                continue
            if best is None or r["losses_w"]["total"] < best["losses_w"]["total"] * (1.0 - TIE_RTOL):
                best = {**r, "connection": name}
        if best is None:
            raise err
        return best


def _total(r):
    return r["p_copper"] + r["p_iron"] + r["p_magnet"] + r["p_mechanical"]


def _solve_where(model, sp, tq, mask, strategy: str) -> dict:
    """The model's solve_operating_points at the points where ``mask``; elsewhere infeasible with NaN
    values (reason: current limit; :func:`SwitchedModel.solve_operating_points` never reads them)."""
    if mask.all():
        return model.solve_operating_points(sp, tq, strategy=strategy)
    r = model.solve_operating_points(sp[mask], tq[mask], strategy=strategy)
    n_solved = int(mask.sum())
    out = {}
    for key, v in r.items():
        if key == "iron_by_region":
            out[key] = {n: _scatter(x, mask, np.nan) for n, x in v.items()}
        elif isinstance(v, np.ndarray) and v.shape == (n_solved,):
            fill = False if key == "feasible" else (CURRENT_LIMIT if key == "reason" else np.nan)
            out[key] = _scatter(v, mask, fill)
        else:
            out[key] = v
    return out


def _scatter(v, mask, fill):
    """v (one value per True of mask) at mask's True places, ``fill`` elsewhere (v's dtype)."""
    full = np.full(mask.shape, fill, dtype=v.dtype)
    full[mask] = v
    return full


def _pick(r0: dict, r1: dict) -> dict:
    f0, f1 = r0["feasible"], r1["feasible"]
    with np.errstate(invalid="ignore"):
        use1 = f1 & (~f0 | (_total(r1) < _total(r0) * (1.0 - TIE_RTOL)))
    out = {}
    for key, v0 in r0.items():
        v1 = r1[key]
        if key == "iron_by_region":
            out[key] = {n: np.where(use1, v1[n], v0[n]) for n in v0}
        elif isinstance(v0, np.ndarray) and v0.shape == use1.shape:
            out[key] = np.where(use1, v1, v0)
        else:
            out[key] = v0
    out["connection"] = np.where(use1, 1, np.where(f0, 0, -1))
    return out


def switched_model(model: FluxMapModel, kind: str) -> SwitchedModel:
    """The :class:`SwitchedModel` of a machine model with a changeover of ``kind``."""
    k = connection_factor(kind)
    return SwitchedModel(models=(model, rescaled_model(model, k, f" ({CONNECTION_NAMES[kind][1]})")), kind=kind, k=k)
