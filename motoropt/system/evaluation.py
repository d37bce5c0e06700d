"""Drive system: motor + inverter (+ reduction gear) evaluated together.

A stage of :func:`motoropt.evaluation.pipeline.evaluate_design`: ``system_evaluation(ev, inverter,
gear)`` with the case's parsed ``[inverter]`` (:mod:`motoropt.inverter.spec`) and ``[gear]``
(:func:`motoropt.gear.parse_gear`) returns the KPIs and arrays of the system (a
:class:`~motoropt.results.StageResult`); it runs only with an ``[inverter]``.

Case keys: :mod:`motoropt.inverter.spec` (``[inverter]``) and :func:`motoropt.gear.parse_gear`
(``[gear]``).

Model and definitions (powers per motor, W; efficiencies fractions):
- Inverter losses at every map point from the motor's operating point: i_peak = |i_dq| (A, peak),
  v_ph,peak = sqrt(2/3) V_ll,rms, cos phi = the drive's signed power factor, f_e = p n / 60,
  averaged-model formulas of :mod:`motoropt.inverter.losses` with the junction temperature solved
  against the coolant. Points whose modulation index exceeds the linear limit 2/sqrt(3) (the case
  may allow over-modulation up to six-step) take the losses at the linear limit and are counted in
  ``inverter_overmodulated_map_points``.
- DC power P_dc = P_elec (motor terminals, = P_mech + motor losses) + P_inverter,loss.
- With a gear the output is the wheel: T_wheel, w_wheel from the motor point by inverting
  :func:`motoropt.gear.gear_motor_side`; P_gear = T_m w_m - T_wheel w_wheel.
- Efficiency at a point (map): motoring (output torque > 0) P_out / P_dc; generating P_dc / P_out
  (both < 0), 0 when the DC side still draws power; NaN outside the envelope. P_out = P_mech
  (no gear) or P_wheel (gear).
- Cycle (per interval, defined like the motor's, :mod:`motoropt.evaluation.pipeline`): intervals with output
  torque >= 0 count as motoring (energy in = P_dc dt, out = P_out dt), the others as generating
  (in = -P_out dt, out = -P_dc dt); combined ``system_efficiency`` = sum(out) / sum(in), so the
  system loss = motor + inverter (+ gear) loss exactly. Only the intervals the motor serves (inside
  its envelope) count. ``motor_inverter_efficiency`` is the same with the motor shaft as output.
  Inverter losses on cycle intervals: bilinear interpolation of the inverter loss maps where all
  four surrounding map nodes are feasible, otherwise the motor point is solved exactly (as the
  motor losses are, :func:`motoropt.drive.effmap.interpolate_losses`).
- Masses: inverter from :func:`motoropt.inverter.inverter_mass` rated at the largest motor-terminal
  power over the map, at the largest map inverter loss and the current limit i_max; gear from
  :func:`motoropt.gear.gear_mass`. ``system_mass_kg`` = motor active mass + inverter;
  ``e_axle_mass_kg`` = system + gear; ``motor_gear_mass_kg`` = motor active mass + gear (a geared
  propulsion motor's figure beside a direct drive's motor mass).
- A ``[mission]`` with a ``[gear]`` (geared propulsion motor): the output is the rotor shaft, the
  gear's loss per interval from :func:`motoropt.gear.gear_motor_side` at the rotor's points. Power densities use the motor's peak shaft power.
- The motor's PWM-harmonic losses (ripple copper, harmonic iron and magnet loss,
  :mod:`motoropt.drive.losses`) are part of its P_elec; the inverter model takes the fundamental
  current, voltage and power factor.
- Auxiliary power ``aux_power_w`` (the direct-air-cooling fan, :mod:`motoropt.thermal.air_cooling`:
  dp V_dot / eta_fan, constant while the motor runs) is drawn from the DC link: added to P_dc at every
  feasible map point and every served cycle interval, so it lowers ``system_efficiency`` and
  ``motor_inverter_efficiency`` alike; per cycle ``fan_energy_wh``.
- The drive limits with the inverter's voltage limit are applied by the pipeline to the machine
  model (:meth:`motoropt.machines.common.StatorWinding.drive_limits`) before the map is computed.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.cycles import CYCLE_NAMES
from motoropt.drive.effmap import map_cells
from motoropt.gear import GearSpec, gear_mass, gear_motor_side, gear_wheel_side
from motoropt.inverter.losses import inverter_operating_points
from motoropt.inverter.mass import inverter_mass
from motoropt.inverter.spec import InverterSpec, inverter_voltage_limit
from motoropt.results import StageResult
from motoropt.vehicle import cycle_demand

LOSS_BAR_KINDS = ("copper", "iron", "magnet", "mechanical", "inverter conduction", "inverter switching", "gear",
                  "fan")


# --------------------------------------------------------------------------------------------------
# Inverter at motor operating points

def _inverter_points(spec: InverterSpec, i_d, i_q, v_ll_rms, power_factor, speed_rad_s, pole_pairs):
    """inverter_operating_points for motor points (1-D arrays of feasible points)."""
    i_pk = np.hypot(i_d, i_q)
    v_pk = v_ll_rms * math.sqrt(2.0 / 3.0)
    f_e = pole_pairs * speed_rad_s / (2.0 * math.pi)
    cos_phi = np.nan_to_num(power_factor, nan=1.0)
    return inverter_operating_points(i_pk, v_pk, cos_phi, f_e, spec.u_dc, spec.f_sw, spec.T_coolant_c,
                                     spec.device, spec.modulation, spec.t_dead, spec.cooling)


def _efficiency(p_out, p_dc, T_out):
    """System efficiency at points (see module docstring); NaN where p_dc is NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mot = np.where(p_dc > 0, p_out / p_dc, 0.0)
        gen = np.where(p_dc < 0, p_dc / p_out, 0.0)
    eta = np.where(T_out > 0, mot, np.where(T_out < 0, gen, 0.0))
    eta = np.where(np.isfinite(p_dc), np.nan_to_num(eta, nan=0.0, posinf=0.0, neginf=0.0), np.nan)
    return eta


def _cycle_energies(p_in_side, p_out, T_out, ok, dt):
    """(system efficiency, motoring, generating, energy in Wh, energy out Wh) per the docstring rule."""
    wh = 1.0 / 3600.0
    mot = ok & (T_out >= 0)
    gen = ok & (T_out < 0)
    e_in_m = float(np.sum(p_in_side[mot] * dt[mot])) * wh
    e_out_m = float(np.sum(p_out[mot] * dt[mot])) * wh
    e_in_g = float(-np.sum(p_out[gen] * dt[gen])) * wh
    e_out_g = float(-np.sum(p_in_side[gen] * dt[gen])) * wh
    e_in, e_out = e_in_m + e_in_g, e_out_m + e_out_g
    nan = float("nan")
    return (e_out / e_in if e_in > 0 else nan, e_out_m / e_in_m if e_in_m > 0 else nan,
            e_out_g / e_in_g if e_in_g > 0 else nan, e_in, e_out)


def _cycle_inverter(ev, spec, inv_maps, rpm, T, ok):
    """Inverter conduction and switching loss (W) at cycle points: interpolated on the map
    (:class:`~motoropt.drive.effmap.MapCells`) where the map cell serves it, exact motor solve +
    inverter model elsewhere (0 where not ok). Pointwise: the points of several cycles may come in
    one call."""
    em = ev.emap
    cells = map_cells(em, rpm, T)
    cell_ok = cells.ok
    both = cells.interpolate(np.stack([inv_maps["cond"], inv_maps["sw"]]))  # one pass for the two grids
    out = {k: np.where(ok & cell_ok, both[n], 0.0) for n, k in enumerate(("cond", "sw"))}
    exact = ok & ~cell_ok
    if np.any(exact):
        w = rpm[exact] * RPM_TO_RAD_S
        r = em.model.solve_operating_points(w, T[exact])
        good = r["feasible"]
        if np.any(good):
            inv = _inverter_points(spec, r["i_d"][good], r["i_q"][good], r["v_ll_rms"][good],
                                   r["power_factor"][good], w[good], ev.model.pole_pairs)
            idx = np.flatnonzero(exact)[good]
            out["cond"][idx] = inv["p_cond_T"] + inv["p_cond_D"]
            out["sw"][idx] = inv["p_sw_T"] + inv["p_sw_D"]
    return out["cond"], out["sw"]


# --------------------------------------------------------------------------------------------------

def system_evaluation(ev, spec: InverterSpec, gear_spec: GearSpec | None = None,
                      aux_power_w: float = 0.0) -> StageResult:
    """The inverter (and gear) KPIs and arrays of an evaluation (see module doc); ``aux_power_w``: the
    DC-side auxiliary (cooling fan) power while the motor runs, W."""
    res = StageResult()
    maps, inv_maps = _system_maps(ev, spec, gear_spec, aux_power_w)
    res.map_arrays.update(maps)
    res.kpis.update(_system_kpis(ev, spec, gear_spec, maps, inv_maps["counts"]))
    inverter = _cycles_inverter(ev, spec, inv_maps)
    for name, c in ev.cycles.items():
        ck, arrays = _system_cycle(ev, gear_spec, c, *inverter[name], aux_power_w)
        res.cycle_kpis[name] = ck
        res.cycle_arrays[name] = arrays
    return res


def _served(c) -> np.ndarray:
    """The points of a cycle the motor serves: moving with torque, inside the envelope."""
    return (c.speed_rpm > 0) & (c.torque_nm != 0) & c.feasible


def _cycles_inverter(ev, spec: InverterSpec, inv_maps: dict) -> dict:
    """{cycle: (conduction, switching loss, W)} of every cycle (:func:`_cycle_inverter`), from one
    look-up over all their points."""
    cycles = ev.cycles
    if not cycles:
        return {}
    p_cond, p_sw = _cycle_inverter(ev, spec, inv_maps, np.concatenate([c.speed_rpm for c in cycles.values()]),
                                   np.concatenate([c.torque_nm for c in cycles.values()]),
                                   np.concatenate([_served(c) for c in cycles.values()]))
    out, start = {}, 0
    for name, c in cycles.items():
        sl = slice(start, start + c.speed_rpm.size)
        start = sl.stop
        out[name] = (p_cond[sl], p_sw[sl])
    return out


def _system_maps(ev, spec: InverterSpec, gear_spec: GearSpec | None, aux_power_w: float = 0.0):
    """Inverter, DC-side and system maps on the efficiency-map grid, and the inverter loss maps the
    cycles interpolate."""
    em = ev.emap
    feas = em.feasible
    W = np.broadcast_to(em.speed_rpm[None, :] * RPM_TO_RAD_S, feas.shape)
    Tq = np.broadcast_to(em.torque_nm[:, None], feas.shape)
    inv = _inverter_points(spec, em.i_d[feas], em.i_q[feas], em.voltage_ll_rms[feas], em.power_factor[feas],
                           W[feas], ev.model.pole_pairs)

    def grid(a, fill=np.nan, dtype=float):
        g = np.full(feas.shape, fill, dtype=dtype)
        g[feas] = a
        return g

    cond = grid(inv["p_cond_T"] + inv["p_cond_D"])
    sw = grid(inv["p_sw_T"] + inv["p_sw_D"])
    p_inv = cond + sw
    p_mech = np.where(feas, em.p_mech, np.nan)
    p_dc = np.where(feas, em.p_elec, np.nan) + p_inv + aux_power_w
    eta_mi = _efficiency(p_mech, p_dc, Tq)
    maps = {"inverter_loss_w": p_inv, "inverter_conduction_w": cond, "inverter_switching_w": sw,
            "T_j_c": grid(np.maximum(inv["T_j_T"], inv["T_j_D"])), "p_dc_w": p_dc,
            "motor_inverter_efficiency": eta_mi, "inverter_modulation_index": grid(inv["m"])}
    with np.errstate(divide="ignore", invalid="ignore"):
        maps["inverter_efficiency"] = _efficiency(np.where(feas, em.p_elec, np.nan), p_dc - aux_power_w,
                                                  np.where(feas, em.p_elec, np.nan))
    if gear_spec is not None:
        T_w, w_w, p_g = gear_wheel_side(Tq, W, gear_spec.gear)
        p_wheel = np.where(feas, T_w * w_w, np.nan)
        maps["gear_loss_w"] = np.where(feas, p_g, np.nan)
        maps["p_wheel_w"] = p_wheel
        maps["system_efficiency"] = _efficiency(p_wheel, p_dc, T_w)
    else:
        maps["system_efficiency"] = eta_mi
    counts = {"over_tj": int(np.sum(grid(inv["T_j_exceeded"], False, bool))),
              "overmodulated": int(np.sum(grid(inv["overmodulated"], False, bool)))}
    return maps, {"cond": cond, "sw": sw, "counts": counts}


def _system_kpis(ev, spec: InverterSpec, gear_spec: GearSpec | None, maps: dict, counts: dict) -> dict:
    """Inverter and gear masses, power densities, the maps' peak values and the counts of map points
    over the junction limit and in over-modulation."""
    em, design, k = ev.emap, ev.design, ev.kpis
    feas = em.feasible
    any_ok = bool(np.any(feas))
    p_rated = float(np.nanmax(np.where(feas, em.p_elec, np.nan))) if any_ok else 0.0
    p_loss_max = float(np.nanmax(maps["inverter_loss_w"])) if any_ok else 0.0
    im = inverter_mass(spec.device, max(p_rated, 1.0), spec.u_dc, design.i_max, spec.f_sw, p_loss_max,
                       spec.cooling, spec.ripple_pp_fraction)
    P_peak_kw = k.get("peak_power_kw", 0.0)
    m_inv = im.total_kg
    m_sys = k["motor_mass_kg"] + m_inv
    lim = ev.model.limits
    out = {
        "inverter_device": spec.device.name, "inverter_device_kind": spec.device.kind,
        "inverter_modulation": spec.modulation, "inverter_switching_frequency_khz": spec.f_sw / 1e3,
        "inverter_dead_time_us": spec.t_dead * 1e6, "inverter_cooling": spec.cooling,
        "inverter_voltage_limit_v": inverter_voltage_limit(spec, design.i_max, design.voltage_utilisation),
        "inverter_voltage_limit_applied": lim.u_ph_max_override is not None,
        "inverter_mass_kg": m_inv,
        "inverter_rated_power_kw": p_rated / 1e3,
        "inverter_power_density_kw_per_kg": p_rated / 1e3 / m_inv,
        "inverter_mass_shares": {n.removesuffix("_kg"): s for n, s in im.shares.items()},
        "inverter_mass_parts_kg": {n.removesuffix("_kg"): getattr(im, n) for n in im.shares},
        "inverter_n_modules": im.n_modules, "inverter_dc_link_capacitance_uf": im.C_dc_F * 1e6,
        "inverter_max_loss_w": p_loss_max,
        "inverter_max_junction_c": float(np.nanmax(maps["T_j_c"])) if any_ok else float("nan"),
        "inverter_map_points_over_tj_max": counts["over_tj"],
        "inverter_overmodulated_map_points": counts["overmodulated"],
        "system_mass_kg": m_sys,
        "system_power_density_kw_per_kg": P_peak_kw / m_sys,
        "peak_system_efficiency": float(np.nanmax(maps["system_efficiency"])) if any_ok else float("nan"),
        "peak_motor_inverter_efficiency": float(np.nanmax(maps["motor_inverter_efficiency"])) if any_ok else float("nan"),
    }
    if gear_spec is not None:
        gear = gear_spec.gear
        gear_for_mass = gear if gear_spec.rating_given else dataclasses.replace(
            gear, torque_rating_wheel=max(k.get("peak_torque_nm", 0.0), 1.0) * gear.ratio)
        gm = gear_mass(gear_for_mass)
        out.update({
            "gear_ratio": gear.ratio, "gear_stages": gear.stages,
            "gear_mass_kg": gm["total_kg"], "e_axle_mass_kg": m_sys + gm["total_kg"],
            "e_axle_power_density_kw_per_kg": P_peak_kw / (m_sys + gm["total_kg"]),
            "motor_gear_mass_kg": k["motor_mass_kg"] + gm["total_kg"],
            "motor_gear_power_density_kw_per_kg": P_peak_kw / (k["motor_mass_kg"] + gm["total_kg"]),
        })
    return out


def _system_cycle(ev, gear_spec: GearSpec | None, c, p_cond, p_sw, aux_power_w: float = 0.0) -> tuple[dict, dict]:
    """System KPIs and arrays of one cycle (module docstring) with its inverter conduction and
    switching losses ``p_cond``, ``p_sw`` (W per point, :func:`_cycles_inverter`). Road cycles run
    through the gear; a mission profile is motor-side already."""
    design = ev.design
    dt = c.dt_s
    mission = design.specs.mission if design.specs is not None else None
    geared = gear_spec is not None and design.vehicle is not None and c.name in CYCLE_NAMES
    mission_geared = gear_spec is not None and mission is not None and c.name == mission.name
    if geared:
        dem = cycle_demand(c.name, design.vehicle, gear_spec.gear)  # the cycle stage's (remembered)
    ok = _served(c)
    p_i = p_cond + p_sw
    p_aux = np.where(ok, aux_power_w, 0.0)
    p_dc = np.where(ok, c.p_elec_w + p_i + p_aux, 0.0)
    eff_mi, eff_mi_m, eff_mi_g, _, _ = _cycle_energies(p_dc, c.p_mech_w, c.torque_nm, ok, dt)
    wh = 1.0 / 3600.0
    if geared:
        g_loss = np.where(ok, dem.gear_loss_w, 0.0)
        p_out = np.where(ok, dem.wheel_torque_nm * dem.wheel_speed_rad_s, 0.0)
        T_out = dem.wheel_torque_nm
    elif mission_geared:  # a geared propulsion motor: the output is the rotor (propeller) shaft
        rpm_r, T_out, _, _ = mission.rotor_points()
        w_r = rpm_r * RPM_TO_RAD_S
        _, _, loss = gear_motor_side(T_out, w_r, gear_spec.gear)
        g_loss = np.where(ok, loss, 0.0)
        p_out = np.where(ok, T_out * w_r, 0.0)
    else:
        p_out = c.p_mech_w
        T_out = c.torque_nm
    eff, eff_m, eff_g, e_in, e_out = _cycle_energies(p_dc, p_out, T_out, ok, dt)
    s = {
        "system_efficiency": eff, "system_motoring_efficiency": eff_m,
        "system_generating_efficiency": eff_g,
        "system_energy_in_wh": e_in, "system_energy_out_wh": e_out, "system_loss_wh": e_in - e_out,
        "motor_inverter_efficiency": eff_mi, "motor_inverter_motoring_efficiency": eff_mi_m,
        "motor_inverter_generating_efficiency": eff_mi_g,
        "inverter_loss_wh": float(np.sum(p_i * dt)) * wh,
        "inverter_conduction_loss_wh": float(np.sum(p_cond * dt)) * wh,
        "inverter_switching_loss_wh": float(np.sum(p_sw * dt)) * wh,
        "dc_energy_in_wh": float(np.sum(np.clip(p_dc, 0, None) * dt)) * wh,
        "dc_energy_out_wh": float(-np.sum(np.clip(p_dc, None, 0) * dt)) * wh,
    }
    if aux_power_w:
        s["fan_energy_wh"] = float(np.sum(p_aux * dt)) * wh
    arrays = {"inverter_loss_w": p_i, "inverter_conduction_w": p_cond, "inverter_switching_w": p_sw, "p_dc_w": p_dc}
    if geared or mission_geared:
        s["gear_loss_wh"] = float(np.sum(g_loss * dt)) * wh
        arrays["gear_loss_w"] = g_loss
        arrays["wheel_torque_nm"] = np.array(T_out, dtype=float)
        arrays["p_wheel_w"] = p_out
    return s, arrays


def cycle_loss_breakdown(ev) -> dict:
    """{cycle: {kind: Wh}} for the kinds of :data:`LOSS_BAR_KINDS` (gear 0 without a gear)."""
    out = {}
    for name, s in ev.kpis.get("cycles", {}).items():
        if "inverter_loss_wh" not in s:
            continue
        out[name] = {
            "copper": s["copper_loss_wh"], "iron": s["iron_loss_wh"], "magnet": s["magnet_loss_wh"],
            "mechanical": s["mechanical_loss_wh"], "inverter conduction": s["inverter_conduction_loss_wh"],
            "inverter switching": s["inverter_switching_loss_wh"], "gear": s.get("gear_loss_wh", 0.0),
            "fan": s.get("fan_energy_wh", 0.0),
        }
    return out
