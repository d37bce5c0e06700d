"""Efficiency map over a torque-speed grid (motoring and generating) and loss look-up for cycles.

The map is a machine model's operating-point solver (:class:`motoropt.machines.base.MachineModel`:
the PMSM's drive kernel, the induction machine's slip control, ...) evaluated on a rectangular grid
of mechanical speed (0 .. speed_max) x shaft torque (-T_gen,max .. +T_mot,max), all points in one call.
Efficiency: motoring P_mech / P_elec, generating P_elec / P_mech (= |P_elec| / |P_mech|); NaN
outside the envelope. Losses are kept per kind so that cycle energy can be integrated from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import CURRENT_LIMIT, POWER_LIMIT, VOLTAGE_LIMIT
from motoropt.errors import InputError

if TYPE_CHECKING:
    from motoropt.machines.base import MachineModel


@dataclass(frozen=True)
class EfficiencyMap:
    """Efficiency map on a (torque, speed) grid; 2-D arrays have shape (n_torque, n_speed).

    Attributes:
        speed_rpm: (n_speed,) mechanical speed axis, rpm, from 0.
        torque_nm: (n_torque,) shaft torque axis, N m (negative = generating).
        efficiency: fraction, NaN outside the envelope.
        losses: {kind: W} for the model's loss kinds (PMSM: copper, iron, magnet, mechanical) and
            "total" (NaN outside).
        i_d, i_q: A peak. voltage_ll_rms: V. power_factor (signed). p_mech, p_elec: W.
        feasible: bool mask; reason: drive reason codes (0 ok, 1 current, 2 voltage, 3 speed, 4 power).
        envelope_speed_rpm, envelope_motoring_nm, envelope_generating_nm: envelope on a finer speed
            axis (magnitudes, N m).
        model: the machine model (used to solve points near the envelope edge exactly).
        connection: with a winding changeover, the connection (0/1) that runs each point, else None.
        envelope_motoring_unlimited_nm: the motoring envelope without the drive's power limit
            (None: the model has no such limit).
    """

    speed_rpm: np.ndarray
    torque_nm: np.ndarray
    efficiency: np.ndarray
    losses: dict
    i_d: np.ndarray
    i_q: np.ndarray
    voltage_ll_rms: np.ndarray
    power_factor: np.ndarray
    p_mech: np.ndarray
    p_elec: np.ndarray
    feasible: np.ndarray
    reason: np.ndarray
    envelope_speed_rpm: np.ndarray
    envelope_motoring_nm: np.ndarray
    envelope_generating_nm: np.ndarray
    model: MachineModel
    connection: np.ndarray | None = None
    envelope_motoring_unlimited_nm: np.ndarray | None = None

    def envelope_at(self, speed_rpm):
        """(motoring max, generating max magnitude) in N m at the given speeds, linear interpolation."""
        s = np.asarray(speed_rpm, dtype=float)
        return (np.interp(s, self.envelope_speed_rpm, self.envelope_motoring_nm),
                np.interp(s, self.envelope_speed_rpm, self.envelope_generating_nm))


def efficiency_map(model: MachineModel, n_speed: int = 50, n_torque: int = 50, speed_max=None,
                   strategy: str = "min_loss", n_envelope: int | None = None) -> EfficiencyMap:
    """Evaluate the machine on an n_torque x n_speed grid.

    Args:
        speed_max: top of the speed axis, rad/s (default: limits.speed_max).
        strategy: passed to the model's solver (PMSM: "min_loss" or "mtpa").
        n_envelope: speeds of the envelope axis (default: the map's own speed axis).
    The torque axis runs from the largest generating torque magnitude (negative) to the largest
    motoring torque over all speeds. Grid points above the envelope at their speed (by more than
    1e-9 relative) are marked infeasible without a solve (reason: current limit where the envelope
    equals its standstill value, else voltage limit); the rest go through the point solver.
    """
    for field, v in (("n_speed", n_speed), ("n_torque", n_torque)):
        if int(v) != v or v < 2:
            raise InputError(f"efficiency_map.{field}", v, "an integer >= 2")
    w_max = model.limits.speed_max if speed_max is None else float(speed_max)
    if not (np.isfinite(w_max) and 0 < w_max <= model.limits.speed_max * (1 + 1e-12)):
        raise InputError("efficiency_map.speed_max", speed_max, f"in (0, {model.limits.speed_max}] rad/s")
    speeds = np.linspace(0.0, w_max, int(n_speed))
    env_speeds = speeds if n_envelope is None else np.linspace(0.0, w_max, int(n_envelope))
    env = model.envelope(env_speeds)
    t_mot = float(np.nanmax(env["torque_motoring"]))
    t_gen = float(np.nanmax(env["torque_generating"]))
    torques = np.linspace(-t_gen, t_mot, int(n_torque))
    W, T = np.meshgrid(speeds, torques)  # (n_torque, n_speed)
    em = np.interp(speeds, env_speeds, env["torque_motoring"])[None, :]
    eg = np.interp(speeds, env_speeds, env["torque_generating"])[None, :]
    above = (T > em * (1 + 1e-9)) | (-T > eg * (1 + 1e-9))
    solve = ~above
    rs = model.solve_operating_points(W[solve], T[solve], strategy=strategy)
    r = {}
    for k, v in rs.items():
        if k == "iron_by_region":
            continue
        fill = False if k == "feasible" else (0 if k == "reason" else (-1 if k == "connection" else np.nan))
        full = np.full(W.shape, fill, dtype=v.dtype)
        full[solve] = v
        r[k] = full
    cap_m = np.broadcast_to(em >= env["torque_motoring"][0] * (1 - 1e-9), W.shape)
    cap_g = np.broadcast_to(eg >= env["torque_generating"][0] * (1 - 1e-9), W.shape)
    cur = np.where(T > 0, cap_m, cap_g)
    r["reason"][above] = np.where(cur[above], CURRENT_LIMIT, VOLTAGE_LIMIT)
    p_max = getattr(model.limits, "p_max", None)
    if p_max is not None:
        r["reason"][above & (np.abs(T) * W > p_max * (1 + 1e-9))] = POWER_LIMIT
    feas = r["feasible"]
    losses = {k: np.where(feas, r["p_" + k], np.nan) for k in model.loss_kinds}
    losses["total"] = sum(losses[k] for k in model.loss_kinds)
    eff = np.where(feas, r["efficiency"], np.nan)
    return EfficiencyMap(
        speed_rpm=speeds / RPM_TO_RAD_S, torque_nm=torques, efficiency=eff, losses=losses,
        i_d=np.where(feas, r["i_d"], np.nan), i_q=np.where(feas, r["i_q"], np.nan),
        voltage_ll_rms=np.where(feas, r["v_ll_rms"], np.nan), power_factor=np.where(feas, r["power_factor"], np.nan),
        p_mech=np.where(feas, r["p_mech"], np.nan), p_elec=np.where(feas, r["p_elec"], np.nan), feasible=feas,
        reason=r["reason"],
        envelope_speed_rpm=env_speeds / RPM_TO_RAD_S, envelope_motoring_nm=env["torque_motoring"],
        envelope_generating_nm=env["torque_generating"], model=model,
        connection=np.where(feas, r["connection"], -1) if "connection" in r else None,
        envelope_motoring_unlimited_nm=env.get("torque_motoring_unlimited"),
    )


@dataclass(frozen=True)
class MapCells:
    """Where points (speed, torque) fall on a map's grid: cell indices i (speed), j (torque), the
    fractions u, v in the cell, and ``ok`` = all four corner nodes feasible."""

    i: np.ndarray
    j: np.ndarray
    u: np.ndarray
    v: np.ndarray
    ok: np.ndarray

    def interpolate(self, G: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of the (n_torque, n_speed) grid G at the points."""
        i, j, u, v = self.i, self.j, self.u, self.v
        return (1 - v) * ((1 - u) * G[j, i] + u * G[j, i + 1]) + v * ((1 - u) * G[j + 1, i] + u * G[j + 1, i + 1])


def map_cells(emap: EfficiencyMap, speed_rpm, torque_nm) -> MapCells:
    """The grid cells of points (1-D arrays; indices clamped to the grid, meaningful inside it)."""
    sp, tq = emap.speed_rpm, emap.torque_nm
    i = np.clip(np.searchsorted(sp, speed_rpm, side="right") - 1, 0, len(sp) - 2)
    j = np.clip(np.searchsorted(tq, torque_nm, side="right") - 1, 0, len(tq) - 2)
    u = np.clip((speed_rpm - sp[i]) / (sp[i + 1] - sp[i]), 0.0, 1.0)
    v = np.clip((torque_nm - tq[j]) / (tq[j + 1] - tq[j]), 0.0, 1.0)
    F = emap.feasible
    return MapCells(i=i, j=j, u=u, v=v, ok=F[j, i] & F[j, i + 1] & F[j + 1, i] & F[j + 1, i + 1])


def loss_kinds(emap) -> tuple:
    """The loss kinds a map carries (its model's)."""
    return tuple(k for k in emap.losses if k != "total")


def interpolate_losses(emap: EfficiencyMap, speed_rpm, torque_nm, exact_at_edge: bool = True) -> dict:
    """Losses at arbitrary (speed, torque) points, e.g. a drive cycle's, from the map.

    Bilinear interpolation on the loss grids where all four surrounding grid nodes are feasible.
    Points inside the envelope whose cell touches an infeasible node (the envelope edge) are solved
    exactly with the drive kernel when ``exact_at_edge`` (else NaN). Points beyond the envelope
    (|T| above the envelope at that speed, or speed above the map's range) are not clipped: their
    losses are NaN and ``in_envelope`` is False.

    Returns dict of arrays (shape of the broadcast inputs): copper, iron, magnet, mechanical, total
    (W), p_elec (W, = P_mech + total), in_envelope (bool), exact (bool: solved, not interpolated).
    """
    s, t = np.broadcast_arrays(np.asarray(speed_rpm, dtype=float), np.asarray(torque_nm, dtype=float))
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(t))) or np.any(s < 0):
        raise InputError("interpolate_losses.speed_rpm/torque_nm", "non-finite or negative speed",
                         "finite values, speed >= 0 rpm")
    shape = s.shape
    s = s.ravel()
    t = t.ravel()
    env_m, env_g = emap.envelope_at(s)
    inside = (s <= emap.speed_rpm[-1] * (1 + 1e-12)) & (t <= env_m) & (-t <= env_g)
    cells = map_cells(emap, s, t)
    cell_ok = cells.ok
    res = {}
    kinds = loss_kinds(emap)
    for k in kinds:
        res[k] = np.where(inside & cell_ok, cells.interpolate(emap.losses[k]), np.nan)
    exact = inside & ~cell_ok
    if exact_at_edge and np.any(exact):
        r = emap.model.solve_operating_points(s[exact] * RPM_TO_RAD_S, t[exact])
        for k in kinds:
            res[k][exact] = r["p_" + k]
        # a point under the (interpolated) envelope that the solver still rejects is reported outside
        inside[np.flatnonzero(exact)[~r["feasible"]]] = False
    res["total"] = sum(res[k] for k in kinds)
    res["p_elec"] = s * RPM_TO_RAD_S * t + res["total"]
    res["in_envelope"] = inside
    res["exact"] = exact & inside
    return {k: (val.reshape(shape) if isinstance(val, np.ndarray) else val) for k, val in res.items()}
