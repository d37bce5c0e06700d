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

The switched model solves each point with both connections and keeps the one with the lower total
motor loss (feasible beats infeasible; ties keep the first connection, which draws the smaller
inverter current). ``connection`` = 0 (series / star) or 1 (parallel / delta).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import MachineModel, max_torque_envelope, solve_operating_points
from motoropt.errors import InputError

CHANGEOVERS = {"series_parallel": 2.0, "star_delta": math.sqrt(3.0)}
CONNECTION_NAMES = {"series_parallel": ("series", "parallel"), "star_delta": ("star", "delta")}


def connection_factor(kind: str) -> float:
    """k of a changeover kind (turns ratio between the first and the second connection)."""
    if kind not in CHANGEOVERS:
        raise InputError("winding.changeover", kind, f"one of {sorted(CHANGEOVERS)}")
    return CHANGEOVERS[kind]


def rescaled_model(model: MachineModel, k: float, name_suffix: str = "") -> MachineModel:
    """The model with terminal turns / k: current axes x k, flux linkages / k, R / k^2, same limits.
    The map must cover the limits' current: i_max <= k x the original map's current (always true
    for k >= 1)."""
    fm = model.fluxmap
    fm2 = dataclasses.replace(fm, i_d=fm.i_d * k, i_q=fm.i_q * k, psi_d=fm.psi_d / k, psi_q=fm.psi_q / k)
    lp2 = dataclasses.replace(model.loss_params, R_s_20=model.loss_params.R_s_20 / k**2)
    return MachineModel(fluxmap=fm2, loss_params=lp2, limits=model.limits, name=model.name + name_suffix)


@dataclass(frozen=True)
class SwitchedModel:
    """Two connections of one machine; the pipeline sees the first one's flux map and loss
    parameters (same pole pairs, bearings, windage) and solves points through
    :meth:`solve_operating_points` (best connection per point)."""

    models: tuple  # (first connection, second connection) MachineModels
    kind: str
    k: float

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

    def solve_operating_points(self, speed, torque, strategy: str = "min_loss") -> dict:
        """Both connections at every point; keeps the lower total loss (dict as
        :func:`motoropt.drive.control.solve_operating_points` plus ``connection``, 0/1, -1 if infeasible)."""
        r0 = solve_operating_points(self.models[0], speed, torque, strategy=strategy)
        r1 = solve_operating_points(self.models[1], speed, torque, strategy=strategy)
        return _pick(r0, r1)


def _total(r):
    return r["p_copper"] + r["p_iron"] + r["p_magnet"] + r["p_mechanical"]


def _pick(r0: dict, r1: dict) -> dict:
    f0, f1 = r0["feasible"], r1["feasible"]
    with np.errstate(invalid="ignore"):
        use1 = f1 & (~f0 | (_total(r1) < _total(r0)))
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


@dataclass(frozen=True)
class SwitchedEfficiencyMap:
    """Efficiency map of a switched winding: the fields of :class:`motoropt.drive.effmap.EfficiencyMap`
    (same meaning and shapes; i_d, i_q, voltage are terminal quantities of the chosen connection)
    plus ``connection`` (n_torque, n_speed): 0 first (series/star), 1 second (parallel/delta), -1
    outside the envelope; ``connection_names``; ``envelope_connection`` on the envelope axis (the
    connection giving the larger motoring torque)."""

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
    model: SwitchedModel
    connection: np.ndarray
    connection_names: tuple
    envelope_connection: np.ndarray

    def envelope_at(self, speed_rpm):
        s = np.asarray(speed_rpm, dtype=float)
        return (np.interp(s, self.envelope_speed_rpm, self.envelope_motoring_nm),
                np.interp(s, self.envelope_speed_rpm, self.envelope_generating_nm))


def switched_model(design, model: MachineModel | None = None, kind: str | None = None) -> SwitchedModel:
    """The :class:`SwitchedModel` of a design (kind default: the case's ``winding.changeover``)."""
    if kind is None:
        kind = (getattr(design, "values", {}) or {}).get("winding", {}).get("changeover")
    k = connection_factor(kind)  # None / "none": InputError (no changeover to switch)
    m0 = design.machine_model() if model is None else model
    return SwitchedModel(models=(m0, rescaled_model(m0, k, f" ({CONNECTION_NAMES[kind][1]})")), kind=kind, k=k)


def has_changeover(design) -> bool:
    """True when the case asks for a winding changeover ([winding] changeover other than "none")."""
    kind = (getattr(design, "values", {}) or {}).get("winding", {}).get("changeover")
    return kind not in (None, "none")


def switched_efficiency_map(design, model: MachineModel | None = None, kind: str | None = None,
                            n_speed: int | None = None, n_torque: int | None = None,
                            strategy: str = "min_loss") -> SwitchedEfficiencyMap:
    """Efficiency map taking the better connection per point (module docstring).

    Grid: speeds 0 .. limits.speed_max (n_speed), torques from the largest generating to the largest
    motoring torque of the combined envelope (the larger of the two connections' at each speed).
    """
    from motoropt.drive.control import CURRENT_LIMIT, VOLTAGE_LIMIT

    sm = switched_model(design, model, kind)
    n_speed = int(design.n_speed if n_speed is None else n_speed)
    n_torque = int(design.n_torque if n_torque is None else n_torque)
    for f, v in (("n_speed", n_speed), ("n_torque", n_torque)):
        if v < 2:
            raise InputError(f"efficiency_map.{f}", v, "an integer >= 2")
    speeds = np.linspace(0.0, sm.limits.speed_max, n_speed)
    envs = [max_torque_envelope(m.fluxmap, m.loss_params, m.limits, speeds) for m in sm.models]
    em = np.fmax(envs[0]["torque_motoring"], envs[1]["torque_motoring"])
    eg = np.fmax(envs[0]["torque_generating"], envs[1]["torque_generating"])
    env_conn = np.where(np.nan_to_num(envs[1]["torque_motoring"]) > np.nan_to_num(envs[0]["torque_motoring"]), 1, 0)
    torques = np.linspace(-float(np.nanmax(eg)), float(np.nanmax(em)), n_torque)
    W, T = np.meshgrid(speeds, torques)
    above = (T > em[None, :] * (1 + 1e-9)) | (-T > eg[None, :] * (1 + 1e-9))
    solve = ~above
    r = sm.solve_operating_points(W[solve], T[solve], strategy=strategy)
    full = {}
    for key, v in r.items():
        if key in ("iron_by_region", "reason_text"):
            continue
        v = np.asarray(v)
        fill = False if key == "feasible" else (-1 if key == "connection" else (0 if key == "reason" else np.nan))
        arr = np.full(W.shape, fill, dtype=v.dtype if v.dtype != bool else bool)
        arr[solve] = v
        full[key] = arr
    cap = np.where(T > 0, em[None, :] >= em[0] * (1 - 1e-9), eg[None, :] >= eg[0] * (1 - 1e-9))
    full["reason"][above] = np.where(cap[above], CURRENT_LIMIT, VOLTAGE_LIMIT)
    losses = {"copper": full["p_copper"], "iron": full["p_iron"], "magnet": full["p_magnet"],
              "mechanical": full["p_mechanical"]}
    losses["total"] = losses["copper"] + losses["iron"] + losses["magnet"] + losses["mechanical"]
    return SwitchedEfficiencyMap(
        speed_rpm=speeds / RPM_TO_RAD_S, torque_nm=torques,
        efficiency=np.where(full["feasible"], full["efficiency"], np.nan), losses=losses,
        i_d=full["i_d"], i_q=full["i_q"], voltage_ll_rms=full["v_ll_rms"], power_factor=full["power_factor"],
        p_mech=full["p_mech"], p_elec=full["p_elec"], feasible=full["feasible"], reason=full["reason"],
        envelope_speed_rpm=speeds / RPM_TO_RAD_S, envelope_motoring_nm=em, envelope_generating_nm=eg,
        model=sm, connection=np.where(full["feasible"], full["connection"], -1),
        connection_names=CONNECTION_NAMES[sm.kind], envelope_connection=env_conn)
