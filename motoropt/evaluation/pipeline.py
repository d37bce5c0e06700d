"""One design evaluation: machine model → efficiency map → envelope KPIs → drive cycles → KPIs.

Definitions used in the KPI record (all efficiencies are fractions):
- ``peak_torque_nm``: the largest motoring torque of the envelope (at or near standstill);
  ``peak_power_kw``: the largest T·w along the motoring envelope; ``max_speed_rpm``: the highest
  speed at which the envelope still holds a positive motoring torque (at most the speed limit).
- ``motor_mass_kg``: active mass = stator core + rotor core + magnets + copper (incl. end
  windings) + sleeve; the housing/shaft allowance is reported separately
  (``motor_mass_with_housing_kg``). ``motor_power_density_kw_per_kg`` = peak power / active mass.
- Per cycle (motor operating points from the vehicle model, one per 1-s interval; losses from the
  efficiency map, with points at the envelope edge solved exactly):
  ``motoring_efficiency`` = mechanical energy out / electrical energy in over the motoring intervals;
  ``generating_efficiency`` = electrical energy out / mechanical energy in over the generating ones;
  ``motor_efficiency`` (combined) = (E_mech,out + E_elec,out) / (E_elec,in + E_mech,in) = energy
  out / energy in over the whole cycle, so ``loss_wh = energy_in_wh - energy_out_wh``.
  Points beyond the envelope are not clipped: they are left out of the energies and reported as
  ``points_beyond_envelope`` with the shaft energy they asked for (``unmet_energy_wh``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from motoropt.constants import RPM_TO_RAD_S


@dataclass
class MapData:
    """Efficiency map arrays ([torque, speed]) and the envelope, as stored and plotted."""

    speed_rpm: np.ndarray
    torque_nm: np.ndarray
    efficiency: np.ndarray
    losses: dict
    i_d: np.ndarray
    i_q: np.ndarray
    voltage_ll_rms: np.ndarray
    feasible: np.ndarray
    env_speed_rpm: np.ndarray
    env_torque_max: np.ndarray
    env_torque_min: np.ndarray


@dataclass
class CycleData:
    """One drive cycle's motor operating points (per interval) and results."""

    name: str
    time_s: np.ndarray
    dt_s: np.ndarray
    speed_rpm: np.ndarray
    torque_nm: np.ndarray
    p_mech_w: np.ndarray
    p_elec_w: np.ndarray
    losses: dict
    feasible: np.ndarray
    summary: dict


@dataclass
class Evaluation:
    design: object
    model: object
    fluxmap: object
    emap: object
    map: MapData
    cycles: dict
    kpis: dict
    case_path: str | None = None
    timings: dict = field(default_factory=dict)
    # Arrays added by the system (inverter/gear) and thermal models for storage and plots:
    # {"map": {name: (n_t, n_s) array}, "cycles": {cycle: {name: (n,) array}}, "series": {name: array}}
    extra: dict = field(default_factory=lambda: {"map": {}, "cycles": {}, "series": {}})


def _map_data(emap) -> MapData:
    from motoropt.drive.effmap import loss_kinds

    return MapData(
        speed_rpm=emap.speed_rpm, torque_nm=emap.torque_nm, efficiency=emap.efficiency,
        losses={k: emap.losses[k] for k in loss_kinds(emap)}, i_d=emap.i_d, i_q=emap.i_q,
        voltage_ll_rms=emap.voltage_ll_rms, feasible=emap.feasible,
        env_speed_rpm=emap.envelope_speed_rpm, env_torque_max=emap.envelope_motoring_nm,
        env_torque_min=-emap.envelope_generating_nm,
    )


def envelope_kpis(m: MapData) -> dict:
    """Peak torque, peak power and maximum speed from the torque envelope."""
    s, t = m.env_speed_rpm, m.env_torque_max
    ok = np.isfinite(t) & (t > 0)
    if not np.any(ok):
        return {"peak_torque_nm": 0.0, "peak_power_kw": 0.0, "max_speed_rpm": 0.0, "base_speed_rpm": 0.0}
    T_peak = float(np.nanmax(t[ok]))
    P = np.where(ok, t * s * RPM_TO_RAD_S, 0.0)
    base = s[ok][np.argmax(t[ok] < 0.98 * T_peak)] if np.any(t[ok] < 0.98 * T_peak) else s[ok][-1]
    return {"peak_torque_nm": T_peak, "peak_power_kw": float(P.max()) / 1e3,
            "max_speed_rpm": float(s[ok].max()), "base_speed_rpm": float(base)}


def cycle_points(design, cycle_name: str):
    """Motor speed (rpm), torque (N m), dt (s) and interval mid-times of a cycle for the design's vehicle."""
    from motoropt.mission import get_mission, mission_points, mission_spec

    mission = mission_spec(design.free)
    if mission is not None and cycle_name == mission["name"]:  # aircraft mission profile
        return mission_points(get_mission(mission["name"], mission["vehicle"]), mission["gear_ratio"])
    from motoropt.cycles import load_cycle
    from motoropt.system.evaluation import gear_from_design, motor_demand_with_gear
    from motoropt.vehicle import motor_demand

    cyc = load_cycle(cycle_name)
    gear = gear_from_design(design)  # the [gear] model replaces the vehicle's constant gear efficiency
    dem = motor_demand_with_gear(cyc, design.vehicle, gear) if gear is not None else motor_demand(cyc, design.vehicle)
    t_mid = 0.5 * (cyc.t[1:] + cyc.t[:-1])
    return dem.speed_rad_s / RPM_TO_RAD_S, dem.torque_nm, dem.dt, t_mid


def evaluate_cycle(emap, design, name: str) -> CycleData:
    """Energies and efficiencies of the motor over one cycle (definitions in the module docstring)."""
    from motoropt.drive.effmap import interpolate_losses, loss_kinds

    rpm, T, dt, t_mid = cycle_points(design, name)
    moving = (rpm > 0) & (T != 0)
    res = interpolate_losses(emap, rpm, T)
    inside = res["in_envelope"] | ~moving
    kinds = loss_kinds(emap)
    losses = {k: np.where(moving & inside, np.nan_to_num(res[k]), 0.0) for k in kinds}
    p_mech = np.where(moving, rpm * RPM_TO_RAD_S * T, 0.0)
    total = sum(losses.values())
    p_elec = np.where(moving & inside, p_mech + total, 0.0)
    ok = moving & inside
    mot = ok & (T > 0)
    gen = ok & (T < 0)
    wh = 1.0 / 3600.0
    e_elec_in = float(np.sum(p_elec[mot] * dt[mot])) * wh
    e_mech_out = float(np.sum(p_mech[mot] * dt[mot])) * wh
    e_mech_in = float(-np.sum(p_mech[gen] * dt[gen])) * wh
    e_elec_out = float(-np.sum(p_elec[gen] * dt[gen])) * wh
    e_in, e_out = e_elec_in + e_mech_in, e_mech_out + e_elec_out
    beyond = moving & ~inside
    summary = {
        "motor_efficiency": e_out / e_in if e_in > 0 else float("nan"),
        "energy_in_wh": e_in, "energy_out_wh": e_out, "loss_wh": e_in - e_out,
        "motoring_efficiency": e_mech_out / e_elec_in if e_elec_in > 0 else float("nan"),
        "generating_efficiency": e_elec_out / e_mech_in if e_mech_in > 0 else float("nan"),
        "motoring_energy_in_wh": e_elec_in, "motoring_energy_out_wh": e_mech_out,
        "generating_energy_in_wh": e_mech_in, "generating_energy_out_wh": e_elec_out,
        "points_beyond_envelope": int(beyond.sum()),
        "unmet_energy_wh": float(np.sum(np.abs(p_mech[beyond]) * dt[beyond])) * wh,
    }
    summary.update({f"{k}_loss_wh": float(np.sum(losses[k] * dt)) * wh for k in kinds})
    return CycleData(name=name, time_s=t_mid, dt_s=dt, speed_rpm=rpm, torque_nm=T, p_mech_w=p_mech,
                     p_elec_w=p_elec, losses=losses, feasible=inside, summary=summary)


def evaluate_design(design, cycles: bool = True, case_path: str | None = None) -> Evaluation:
    """Full evaluation of one design (model, map, envelope, cycles, KPIs)."""
    from motoropt.drive.effmap import efficiency_map

    tm = {}
    t0 = time.perf_counter()
    model = design.machine_model()
    tm["model_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    from motoropt.drive.changeover import has_changeover, switched_efficiency_map

    if hasattr(model, "efficiency_map"):  # machine models with their own control (induction motor)
        emap = model.efficiency_map(design.n_speed, design.n_torque)
    elif has_changeover(design):  # winding changeover: the better connection at each point
        emap = switched_efficiency_map(design, model)
        model = emap.model
    else:
        emap = efficiency_map(model, n_speed=design.n_speed, n_torque=design.n_torque)
    tm["map_s"] = time.perf_counter() - t0
    m = _map_data(emap)
    k = {"design_name": design.name, "topology": design.topology}
    k.update(envelope_kpis(m))
    ms = design.masses()
    mag = getattr(design, "magnet", None)  # None: magnet-free machine
    m_mag = ms.get("magnets", 0.0)
    k.update({
        "motor_mass_kg": ms["active"], "motor_mass_with_housing_kg": ms["active"] + ms["housing_allowance"],
        "stator_core_mass_kg": ms["stator_core"], "rotor_core_mass_kg": ms["rotor_core"],
        "copper_mass_kg": ms["copper"], "magnet_mass_kg": m_mag,
        "rare_earth_mass_kg": m_mag * mag.rare_earth_fraction if mag is not None else 0.0,
        "dysprosium_mass_kg": m_mag * mag.dy_fraction if mag is not None else 0.0,
        "magnet_cost_usd": m_mag * mag.cost_per_kg if mag is not None else 0.0,
    })
    k["motor_power_density_kw_per_kg"] = k["peak_power_kw"] / ms["active"]
    k["motor_power_density_with_housing_kw_per_kg"] = k["peak_power_kw"] / (ms["active"] + ms["housing_allowance"])
    fm = getattr(model, "fluxmap", None)
    if fm is not None:
        k["psi_pm_wb"] = fm.psi_pm
        k["back_emf_ll_rms_v_per_krpm"] = fm.psi_pm * 1000 * RPM_TO_RAD_S * fm.pole_pairs * math.sqrt(1.5)
    k["phase_resistance_20c_ohm"] = design.R_s_20
    k["max_current_rms_a"] = design.i_max / math.sqrt(2)
    k["peak_motor_efficiency"] = float(np.nanmax(m.efficiency)) if np.any(np.isfinite(m.efficiency)) else float("nan")
    cyc = {}
    from motoropt.mission import mission_spec

    if cycles and (design.vehicle is not None or mission_spec(design.free) is not None):
        t0 = time.perf_counter()
        for name in design.cycles:
            cyc[name] = evaluate_cycle(emap, design, name)
        tm["cycles_s"] = time.perf_counter() - t0
        k["cycles"] = {n: c.summary for n, c in cyc.items()}
    ev = Evaluation(design=design, model=model, fluxmap=fm, emap=emap, map=m, cycles=cyc, kpis=k,
                    case_path=case_path, timings=tm)
    if hasattr(emap, "connection"):  # winding changeover: which connection runs each map point
        ev.extra["map"]["connection"] = emap.connection
    for name, hook in _hooks():
        t0 = time.perf_counter()
        hook(ev)  # adds KPIs (ev.kpis, ev.kpis["cycles"][name]) and arrays (ev.extra)
        tm[f"{name}_s"] = time.perf_counter() - t0
    return ev


def _hooks():
    """Models that extend an evaluation in place: the drive system (inverter, gear) and thermal."""
    hooks = []
    try:
        from motoropt.system.evaluation import system_evaluation
    except ImportError:  # pragma: no cover - while the module is absent
        system_evaluation = None
    if system_evaluation is not None:
        hooks.append(("system", system_evaluation))
    try:
        from motoropt.thermal.evaluation import thermal_evaluation
    except ImportError:  # pragma: no cover
        thermal_evaluation = None
    if thermal_evaluation is not None:
        hooks.append(("thermal", thermal_evaluation))
    return hooks


def evaluate_case(path, progress: bool = False) -> Evaluation:
    """Load a case file and evaluate its nominal design."""
    from motoropt.case.schema import load_case
    from motoropt.machines.pmsm.design import design_from_values

    case = load_case(path)
    design = design_from_values(case.nominal(), case.free)
    return evaluate_design(design, case_path=str(path))


def operating_point_case(path, rpm: float, torque: float) -> dict:
    """One operating point of a case's nominal design (see :func:`motoropt.drive.control.operating_point`)."""
    from motoropt.case.schema import load_case
    from motoropt.drive.control import operating_point
    from motoropt.machines.pmsm.design import design_from_values

    case = load_case(path)
    design = design_from_values(case.nominal(), case.free)
    model = design.machine_model()
    if hasattr(model, "operating_point"):  # machine models with their own control (induction motor)
        return model.operating_point(rpm, torque)
    return operating_point(model, rpm, torque)
