"""A design's motor over drive cycles: operating points from the vehicle (through the gear, if the
case has one) or from a mission profile, and the energies and efficiencies over the cycle.

Definitions (all efficiencies are fractions), per cycle (motor operating points from the vehicle
model, one per 1-s interval; losses from the efficiency map, with points at the envelope edge solved
exactly): ``motoring_efficiency`` = mechanical energy out / electrical energy in over the motoring
intervals; ``generating_efficiency`` = electrical energy out / mechanical energy in over the
generating ones; ``motor_efficiency`` (combined) = (E_mech,out + E_elec,out) / (E_elec,in +
E_mech,in) = energy out / energy in over the whole cycle, so ``loss_wh = energy_in_wh -
energy_out_wh``. Points beyond the envelope are not clipped: they are left out of the energies and
reported as ``points_beyond_envelope`` with the shaft energy they asked for (``unmet_energy_wh``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.cycles import load_cycle
from motoropt.drive.effmap import EfficiencyMap, loss_kinds, point_losses
from motoropt.evaluation.records import CycleData
from motoropt.memo import Memo
from motoropt.vehicle import cycle_demand

if TYPE_CHECKING:
    from motoropt.machines.base import MachineDesign

WH = 1.0 / 3600.0  # Wh per J


_POINTS = Memo(64)  # id(demand) -> (the demand, kept so that its id stays its own; cycle_points' arrays)


def cycle_points(design: MachineDesign, cycle_name: str):
    """Motor speed (rpm), torque (N m), dt (s) and interval mid-times of a cycle for the design's
    vehicle; the ``[mission]``'s name gives the mission profile's points instead. The vehicle's
    demand is :func:`motoropt.vehicle.cycle_demand`'s (remembered per cycle, vehicle and gear), and
    so are the arrays made from it: they are shared, hence read-only (a design's map and cycle
    stages both ask, and an optimisation's designs share them)."""
    specs = design.specs
    gear = specs.gear.gear if specs is not None and specs.gear is not None else None
    if specs is not None and specs.mission is not None and cycle_name == specs.mission.name:
        return specs.mission.points(gear)  # through the [gear] model when the case has one
    # the [gear] model replaces the vehicle's constant gear efficiency
    dem = cycle_demand(cycle_name, design.vehicle, gear)
    def make():
        t = load_cycle(cycle_name).t
        pts = (dem.speed_rad_s / RPM_TO_RAD_S, np.array(dem.torque_nm, dtype=float), np.array(dem.dt, dtype=float),
               0.5 * (t[1:] + t[:-1]))
        for arr in pts:
            arr.flags.writeable = False
        return dem, pts

    return _POINTS.get(id(dem), make)[1]


def evaluate_cycle(emap: EfficiencyMap, design: MachineDesign, name: str) -> CycleData:
    """Energies and efficiencies of the motor over one cycle (definitions in the module docstring)."""
    return evaluate_cycles(emap, design, (name,))[name]


def evaluate_cycles(emap: EfficiencyMap, design: MachineDesign, names) -> dict:
    """:func:`evaluate_cycle` of each cycle in ``names`` ({name: CycleData}): the losses and powers
    of all their points at once (the look-up and the powers are pointwise, so each cycle's result
    is the same as from its own); the energies are sums over each cycle's points."""
    pts = {name: cycle_points(design, name) for name in names}
    if not pts:
        return {}
    rpm, T, dt = (np.concatenate([p[c] for p in pts.values()]) for c in range(3))
    kinds = loss_kinds(emap)
    L, in_envelope, _ = point_losses(emap, rpm, T)
    moving = (rpm > 0) & (T != 0)
    inside = in_envelope | ~moving
    ok = moving & inside  # served points: finite losses (interpolated between feasible nodes or solved)
    L = np.where(ok, L, 0.0)  # (kind, point)
    p_mech = np.where(moving, rpm * RPM_TO_RAD_S * T, 0.0)
    p_elec = np.where(ok, p_mech + sum(L[n] for n in range(len(kinds))), 0.0)
    e = np.array([p_elec, p_mech]) * dt  # (electrical, mechanical) energy per point, J
    mot = ok & (T > 0)
    gen = ok & (T < 0)
    beyond = moving & ~inside
    unmet = np.abs(p_mech) * dt
    out, start = {}, 0
    for name, p in pts.items():
        sl = slice(start, start + p[0].size)
        start = sl.stop
        # row sums of C-contiguous (rows, points) arrays (compress and products are): each row the
        # same pairwise sum as its own np.sum
        e_elec_in, e_mech_out = e[:, sl].compress(mot[sl], axis=1).sum(axis=1) * WH
        e_elec_out, e_mech_in = -e[:, sl].compress(gen[sl], axis=1).sum(axis=1) * WH
        loss_wh = (L[:, sl] * dt[sl]).sum(axis=1) * WH
        b = beyond[sl]
        out[name] = _cycle_data(name, *p, p_mech[sl], p_elec[sl], dict(zip(kinds, L[:, sl])), inside[sl],
                                float(e_elec_in), float(e_mech_out), float(e_mech_in), float(e_elec_out),
                                int(np.count_nonzero(b)), float(unmet[sl][b].sum()) * WH,
                                {k: float(v) for k, v in zip(kinds, loss_wh)})
    return out


def _cycle_data(name: str, rpm, T, dt, t_mid, p_mech, p_elec, losses: dict, inside, e_elec_in: float,
                e_mech_out: float, e_mech_in: float, e_elec_out: float, n_beyond: int, unmet_wh: float,
                loss_wh: dict) -> CycleData:
    """One cycle's CycleData from its points, powers (W), losses ({kind: W}) and energies (Wh)."""
    e_in, e_out = e_elec_in + e_mech_in, e_mech_out + e_elec_out
    summary = {
        "motor_efficiency": e_out / e_in if e_in > 0 else float("nan"),
        "energy_in_wh": e_in, "energy_out_wh": e_out, "loss_wh": e_in - e_out,
        "motoring_efficiency": e_mech_out / e_elec_in if e_elec_in > 0 else float("nan"),
        "generating_efficiency": e_elec_out / e_mech_in if e_mech_in > 0 else float("nan"),
        "motoring_energy_in_wh": e_elec_in, "motoring_energy_out_wh": e_mech_out,
        "generating_energy_in_wh": e_mech_in, "generating_energy_out_wh": e_elec_out,
        "points_beyond_envelope": n_beyond,
        "unmet_energy_wh": unmet_wh,
    }
    summary.update({f"{k}_loss_wh": v for k, v in loss_wh.items()})
    return CycleData(name=name, time_s=t_mid, dt_s=dt, speed_rpm=rpm, torque_nm=T, p_mech_w=p_mech,
                     p_elec_w=p_elec, losses=losses, feasible=inside, summary=summary)
