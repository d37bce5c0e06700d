"""Drive system: motor + inverter (+ reduction gear) evaluated together (issue 3).

Hooked into :func:`motoropt.evaluation.pipeline.evaluate_design` as ``system_evaluation(ev)``; reads the case's
free sections ``[inverter]`` and ``[gear]`` (``design.free``) and adds KPIs, arrays and plots to the
evaluation. Without ``[inverter]`` nothing is added.

Case keys (SI inside; units in the key names):

``[inverter]``: ``device`` (required, a name of :data:`motoropt.inverter.DEVICES`), ``modulation``
("svpwm" | "dpwm1", default "svpwm"), ``switching_frequency_khz`` (default 10), ``dead_time_us``
(default 1.0 for an IGBT, 0.25 for a SiC MOSFET: typical gate-driver settings, an assumption),
``cooling`` ("water_cold_plate" | "double_side_cooled" | "forced_air", default water cold plate),
``coolant_c`` (default: ``temperatures.coolant_c``), ``dc_link_ripple`` (allowed peak-to-peak
DC-link voltage ripple as a fraction of u_dc, default 0.03). Checked: the DC link must not exceed the
device's allowed voltage (``u_dc_max_fraction`` x rating), f_sw must lie in the device's range.

``[gear]``: ``ratio`` (w_motor / w_wheel; default the vehicle's gear_ratio; when given it replaces
the vehicle's ratio AND the vehicle's constant gear_efficiency), ``stages`` (1 | 2), ``eta_mesh``
(per stage), ``drag_torque_nm`` and ``drag_ref_rpm`` (spin-loss torque at the motor shaft at a
reference motor speed), ``drag_exponent``, ``stage_ratios``, ``torque_rating_wheel_nm`` (mass sizing;
default: the motor's peak torque x ratio). Model: :mod:`motoropt.gear`.

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
  ``e_axle_mass_kg`` = system + gear. Power densities use the motor's peak shaft power.
- Limitation: the motor model has no PWM-harmonic (current-ripple) iron or copper loss term, so a
  change of switching frequency moves loss only inside the inverter (switching loss ~ f_sw, and
  through the dead time the available voltage); the motor's share does not change with f_sw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.gear import Gear, gear_mass
from motoropt.inverter.devices import COOLING_TYPES, PowerModule, get_device
from motoropt.inverter.losses import MODULATIONS, inverter_operating_points, max_phase_voltage_peak
from motoropt.inverter.mass import inverter_mass
from motoropt.vehicle import MotorDemand

SIX_STEP_UTILISATION = 2.0 * math.sqrt(3.0) / math.pi  # six-step fundamental / SVPWM linear limit
DEFAULT_DEAD_TIME_US = {"igbt": 1.0, "sic_mosfet": 0.25}
INVERTER_KEYS = ("device", "modulation", "switching_frequency_khz", "dead_time_us", "cooling", "coolant_c",
                 "dc_link_ripple")
GEAR_KEYS = ("ratio", "stages", "eta_mesh", "drag_torque_nm", "drag_ref_rpm", "drag_exponent", "stage_ratios",
             "torque_rating_wheel_nm")
LOSS_BAR_KINDS = ("copper", "iron", "magnet", "mechanical", "inverter conduction", "inverter switching", "gear")


@dataclass(frozen=True)
class InverterSpec:
    """Validated ``[inverter]`` section: device, modulation, f_sw (Hz), t_dead (s), cooling, coolant
    temperature (degC), allowed DC-link ripple (fraction of u_dc), DC-link voltage u_dc (V)."""

    device: PowerModule
    modulation: str
    f_sw: float
    t_dead: float
    cooling: str
    T_coolant_c: float
    ripple_pp_fraction: float
    u_dc: float


def _number(field, value, lo=None, hi=None, lo_open=False, allowed=None):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and lo is not None:
        ok = value > lo if lo_open else value >= lo
    if ok and hi is not None:
        ok = value <= hi
    if not ok:
        if allowed is None:
            lo_s = "" if lo is None else (f"> {lo:g}" if lo_open else f">= {lo:g}")
            hi_s = "" if hi is None else f"<= {hi:g}"
            allowed = "a number " + " and ".join(s for s in (lo_s, hi_s) if s)
        raise InputError(field, value, allowed)
    return float(value)


def _table(design, name):
    sec = (getattr(design, "free", None) or {}).get(name)
    if sec is None:
        return None
    if not isinstance(sec, dict):
        raise InputError(name, sec, "a table")
    return sec


def inverter_spec(design) -> InverterSpec | None:
    """The validated ``[inverter]`` section of a design's case (None when absent)."""
    sec = _table(design, "inverter")
    if sec is None:
        return None
    for k in sec:
        if k not in INVERTER_KEYS:
            raise InputError(f"inverter.{k}", sec[k], f"a known key of [inverter]: {sorted(INVERTER_KEYS)}")
    if "device" not in sec:
        raise InputError("inverter.device", None, "given (required)")
    dev = get_device(sec["device"], field="inverter.device")
    mod = sec.get("modulation", "svpwm")
    if mod not in MODULATIONS:
        raise InputError("inverter.modulation", mod, f"one of {list(MODULATIONS)}")
    cooling = sec.get("cooling", "water_cold_plate")
    if cooling not in COOLING_TYPES:
        raise InputError("inverter.cooling", cooling, f"one of {list(COOLING_TYPES)}")
    f_khz = _number("inverter.switching_frequency_khz", sec.get("switching_frequency_khz", 10.0), 0.0, lo_open=True)
    if not (dev.f_sw_min <= f_khz * 1e3 <= dev.f_sw_max):
        raise InputError("inverter.switching_frequency_khz", sec.get("switching_frequency_khz", 10.0),
                         f"within [{dev.f_sw_min / 1e3:g}, {dev.f_sw_max / 1e3:g}] kHz for {dev.name}")
    f_sw = f_khz * 1e3
    td_us = _number("inverter.dead_time_us", sec.get("dead_time_us", DEFAULT_DEAD_TIME_US[dev.kind]), 0.0)
    if 2e-6 * td_us * f_sw > 0.1:
        raise InputError("inverter.dead_time_us", td_us, f"<= {0.05 / f_sw * 1e6:g} us (2 t_dead f_sw <= 0.1)")
    T_c = _number("inverter.coolant_c", sec.get("coolant_c", design.T_coolant_c), -50.0, 150.0)
    ripple = _number("inverter.dc_link_ripple", sec.get("dc_link_ripple", 0.03), 0.0, 0.5, lo_open=True)
    u_dc = float(design.u_dc)
    if u_dc > dev.u_dc_max * (1 + 1e-12):
        raise InputError("limits.dc_link_voltage_v", u_dc,
                         f"<= {dev.u_dc_max:g} V for inverter.device = {dev.name!r} "
                         f"({dev.u_dc_max_fraction:g} x {dev.V_rating:g} V rating)")
    return InverterSpec(device=dev, modulation=mod, f_sw=f_sw, t_dead=td_us * 1e-6, cooling=cooling,
                        T_coolant_c=T_c, ripple_pp_fraction=ripple, u_dc=u_dc)


def gear_from_design(design) -> Gear | None:
    """The validated :class:`motoropt.gear.Gear` of a design's ``[gear]`` section (None when absent).

    Without ``torque_rating_wheel_nm`` the Gear keeps its default rating; :func:`system_evaluation`
    sizes the mass from the motor's peak torque instead.
    """
    sec = _table(design, "gear")
    if sec is None:
        return None
    for k in sec:
        if k not in GEAR_KEYS:
            raise InputError(f"gear.{k}", sec[k], f"a known key of [gear]: {sorted(GEAR_KEYS)}")
    veh = getattr(design, "vehicle", None)
    if "ratio" in sec:
        ratio = _number("gear.ratio", sec["ratio"], 1.0)
    elif veh is not None:
        ratio = float(veh.gear_ratio)
    else:
        raise InputError("gear.ratio", None, "given (no [vehicle] gear_ratio to take it from)")
    kw = {"ratio": ratio}
    if "stages" in sec:
        st = sec["stages"]
        if isinstance(st, bool) or st not in (1, 2):
            raise InputError("gear.stages", st, "1 or 2")
        kw["stages"] = int(st)
    if "eta_mesh" in sec:
        kw["eta_mesh"] = _number("gear.eta_mesh", sec["eta_mesh"], 0.9, 1.0)
    if "drag_torque_nm" in sec:
        kw["T_drag_ref"] = _number("gear.drag_torque_nm", sec["drag_torque_nm"], 0.0)
    if "drag_ref_rpm" in sec:
        kw["w_ref"] = _number("gear.drag_ref_rpm", sec["drag_ref_rpm"], 0.0, lo_open=True) * RPM_TO_RAD_S
    if "drag_exponent" in sec:
        kw["drag_exponent"] = _number("gear.drag_exponent", sec["drag_exponent"], 0.0, 3.0)
    if "torque_rating_wheel_nm" in sec:
        kw["torque_rating_wheel"] = _number("gear.torque_rating_wheel_nm", sec["torque_rating_wheel_nm"], 0.0,
                                            lo_open=True)
    if "stage_ratios" in sec:
        sr = sec["stage_ratios"]
        if not isinstance(sr, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 1
                                               for x in sr):
            raise InputError("gear.stage_ratios", sr, "a list of numbers >= 1")
        kw["stage_ratios"] = tuple(float(x) for x in sr)
    return Gear(**kw)


def inverter_voltage_limit(design) -> float | None:
    """Peak phase voltage (V) the inverter can apply at the current limit i_max; None without [inverter].

    V = u_v u_dc / sqrt(3) - (4/pi) V0 - r i_max - (4/pi) t_dead f_sw u_dc, with u_v the case's
    ``limits.voltage_utilisation`` (1 = linear limit of SVPWM/DPWM1, m = 2/sqrt(3); up to the
    six-step limit 2 sqrt(3)/pi = 1.1027 when the case allows over-modulation) and the device drops
    and dead-time error of :func:`motoropt.inverter.losses.max_phase_voltage_peak` at the device's
    maximum junction temperature (conservative). Meant for ``Limits.u_ph_max_override``.
    """
    spec = inverter_spec(design)
    if spec is None:
        return None
    u_v = float(design.voltage_utilisation)
    if u_v > SIX_STEP_UTILISATION * (1 + 1e-9):
        raise InputError("limits.voltage_utilisation", u_v,
                         f"<= {SIX_STEP_UTILISATION:.4f} (six-step) with an [inverter]")
    v_lin = float(max_phase_voltage_peak(spec.u_dc, design.i_max, spec.device, spec.modulation, spec.t_dead,
                                         spec.f_sw))
    v = v_lin + (u_v - 1.0) * spec.u_dc / math.sqrt(3.0)
    if not v > 0:
        raise InputError("inverter", spec.device.name, "device drops and dead time leaving a positive voltage")
    return v


# --------------------------------------------------------------------------------------------------
# Gear: vehicle demand through the gear model, and the inverse (motor -> wheel) for the map.

@dataclass(frozen=True)
class GearedMotorDemand(MotorDemand):
    """:class:`motoropt.vehicle.MotorDemand` through a :class:`Gear`, with the wheel side per motor:
    wheel_torque_nm (N m), wheel_speed_rad_s (rad/s), gear_loss_w (W, >= 0)."""

    wheel_torque_nm: np.ndarray = None
    wheel_speed_rad_s: np.ndarray = None
    gear_loss_w: np.ndarray = None


def motor_demand_with_gear(cycle, vehicle, gear: Gear) -> GearedMotorDemand:
    """Motor demand of a drive cycle with the vehicle driving its wheels through ``gear``.

    Same road load and braking blend as :func:`motoropt.vehicle.motor_demand` (regen_fraction of
    the braking force taken by the motors, nothing at standstill, n_motors sharing equally), but the
    vehicle's constant ratio/efficiency is replaced by :func:`motoropt.gear.gear_motor_side`
    (load-dependent mesh loss + speed-dependent spin loss), one gear per motor.
    """
    from motoropt.gear import gear_motor_side
    from motoropt.vehicle import road_load

    rl = road_load(cycle, vehicle)
    r = vehicle.wheel_radius_m
    w_wheel = rl.v_mean / r
    F = np.where(rl.F_wheel >= 0.0, rl.F_wheel, vehicle.regen_fraction * rl.F_wheel)
    F = np.where(rl.v_mean > 0.0, F, 0.0)
    T_wheel = F * r / vehicle.n_motors
    T_m, w_m, P_loss = gear_motor_side(T_wheel, w_wheel, gear)
    braking = rl.braking_wh
    regen = vehicle.regen_fraction * braking
    return GearedMotorDemand(
        speed_rad_s=w_m, torque_nm=T_m, dt=rl.dt, wheel_traction_wh=rl.traction_wh, wheel_braking_wh=braking,
        wheel_regen_wh=regen, wheel_friction_wh=braking - regen, n_motors=int(vehicle.n_motors),
        wheel_torque_nm=T_wheel, wheel_speed_rad_s=w_wheel, gear_loss_w=P_loss,
    )


def gear_wheel_side(T_motor, w_motor, gear: Gear):
    """Inverse of :func:`motoropt.gear.gear_motor_side` for w_motor >= 0: (T_wheel, w_wheel, P_loss).

    T_mesh = T_motor - T_drag(w_motor); T_wheel = T_mesh ratio eta if T_mesh w_motor >= 0 (power to
    the wheel; at standstill, as gear_motor_side, the motor side drives) else T_mesh ratio / eta;
    P_loss = T_motor w_motor - T_wheel w_wheel.
    """
    T, w = np.broadcast_arrays(np.asarray(T_motor, dtype=float), np.asarray(w_motor, dtype=float))
    eta = gear.efficiency_mesh
    T_drag = gear.T_drag_ref * (np.abs(w) / gear.w_ref) ** gear.drag_exponent * np.sign(w)
    T_mesh = T - T_drag
    T_w = np.where(T_mesh * w >= 0, T_mesh * gear.ratio * eta, T_mesh * gear.ratio / eta)
    w_w = w / gear.ratio
    return T_w, w_w, T * w - T_w * w_w


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


def _pole_pairs(ev) -> int:
    """Pole pairs of the evaluated machine (only used for f_e, which the averaged inverter model
    merely checks to be >= 0)."""
    fm = getattr(ev.model, "fluxmap", None)
    if fm is not None:
        return int(fm.pole_pairs)
    return int(getattr(ev.model, "pole_pairs", getattr(ev.design, "pole_pairs", 1)))


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
    """Inverter conduction and switching loss (W) at cycle points: bilinear where the map cell is
    fully feasible, exact motor solve + inverter model elsewhere (0 where not ok)."""
    from motoropt.drive.control import solve_operating_points

    em = ev.emap
    sp, tq = em.speed_rpm, em.torque_nm
    i = np.clip(np.searchsorted(sp, rpm, side="right") - 1, 0, len(sp) - 2)
    j = np.clip(np.searchsorted(tq, T, side="right") - 1, 0, len(tq) - 2)
    u = np.clip((rpm - sp[i]) / (sp[i + 1] - sp[i]), 0.0, 1.0)
    v = np.clip((T - tq[j]) / (tq[j + 1] - tq[j]), 0.0, 1.0)
    F = em.feasible
    cell_ok = F[j, i] & F[j, i + 1] & F[j + 1, i] & F[j + 1, i + 1]
    out = {}
    for k in ("cond", "sw"):
        G = inv_maps[k]
        val = (1 - v) * ((1 - u) * G[j, i] + u * G[j, i + 1]) + v * ((1 - u) * G[j + 1, i] + u * G[j + 1, i + 1])
        out[k] = np.where(ok & cell_ok, val, 0.0)
    exact = ok & ~cell_ok
    if np.any(exact):
        w = rpm[exact] * RPM_TO_RAD_S
        solver = getattr(em.model, "solve_operating_points", None)  # models with their own control
        r = solver(w, T[exact]) if solver is not None else solve_operating_points(em.model, w, T[exact])
        good = r["feasible"]
        if np.any(good):
            inv = _inverter_points(spec, r["i_d"][good], r["i_q"][good], r["v_ll_rms"][good],
                                   r["power_factor"][good], w[good], _pole_pairs(ev))
            idx = np.flatnonzero(exact)[good]
            out["cond"][idx] = inv["p_cond_T"] + inv["p_cond_D"]
            out["sw"][idx] = inv["p_sw_T"] + inv["p_sw_D"]
    return out["cond"], out["sw"]


def _motor_cycle(emap, name, rpm, T, dt, t_mid):
    """Motor-side CycleData at given points (the definitions of motoropt.evaluation.pipeline.evaluate_cycle).

    Used only while ``evaluate.cycle_points`` does not yet route the vehicle through the gear.
    """
    from motoropt.drive.effmap import interpolate_losses, loss_kinds
    from motoropt.evaluation.pipeline import CycleData

    kinds = loss_kinds(emap)
    moving = (rpm > 0) & (T != 0)
    res = interpolate_losses(emap, rpm, T)
    inside = res["in_envelope"] | ~moving
    losses = {k: np.where(moving & inside, np.nan_to_num(res[k]), 0.0) for k in kinds}
    p_mech = np.where(moving, rpm * RPM_TO_RAD_S * T, 0.0)
    p_elec = np.where(moving & inside, p_mech + sum(losses.values()), 0.0)
    ok = moving & inside
    eff, eff_m, eff_g, e_in, e_out = _cycle_energies(p_elec, p_mech, T, ok & (T != 0), dt)
    wh = 1.0 / 3600.0
    mot, gen = ok & (T > 0), ok & (T < 0)
    beyond = moving & ~inside
    summary = {
        "motor_efficiency": eff, "energy_in_wh": e_in, "energy_out_wh": e_out, "loss_wh": e_in - e_out,
        "motoring_efficiency": eff_m, "generating_efficiency": eff_g,
        "motoring_energy_in_wh": float(np.sum(p_elec[mot] * dt[mot])) * wh,
        "motoring_energy_out_wh": float(np.sum(p_mech[mot] * dt[mot])) * wh,
        "generating_energy_in_wh": float(-np.sum(p_mech[gen] * dt[gen])) * wh,
        "generating_energy_out_wh": float(-np.sum(p_elec[gen] * dt[gen])) * wh,
        "points_beyond_envelope": int(beyond.sum()),
        "unmet_energy_wh": float(np.sum(np.abs(p_mech[beyond]) * dt[beyond])) * wh,
    }
    summary.update({f"{k}_loss_wh": float(np.sum(losses[k] * dt)) * wh for k in kinds})
    return CycleData(name=name, time_s=t_mid, dt_s=dt, speed_rpm=rpm, torque_nm=T, p_mech_w=p_mech,
                     p_elec_w=p_elec, losses=losses, feasible=inside, summary=summary)


# --------------------------------------------------------------------------------------------------

def system_evaluation(ev) -> None:
    """Add the inverter (and gear) KPIs, arrays and plots to an Evaluation in place (see module doc)."""
    design = ev.design
    spec = inverter_spec(design)
    gear = gear_from_design(design)
    if spec is None:
        return
    em = ev.emap
    k = ev.kpis
    p = _pole_pairs(ev)
    feas = em.feasible
    W = np.broadcast_to(em.speed_rpm[None, :] * RPM_TO_RAD_S, feas.shape)
    Tq = np.broadcast_to(em.torque_nm[:, None], feas.shape)
    inv = _inverter_points(spec, em.i_d[feas], em.i_q[feas], em.voltage_ll_rms[feas], em.power_factor[feas],
                           W[feas], p)

    def grid(a, fill=np.nan, dtype=float):
        g = np.full(feas.shape, fill, dtype=dtype)
        g[feas] = a
        return g

    cond = grid(inv["p_cond_T"] + inv["p_cond_D"])
    sw = grid(inv["p_sw_T"] + inv["p_sw_D"])
    p_inv = cond + sw
    p_mech = np.where(feas, em.p_mech, np.nan)
    p_dc = np.where(feas, em.p_elec, np.nan) + p_inv
    Tj = grid(np.maximum(inv["T_j_T"], inv["T_j_D"]))
    eta_mi = _efficiency(p_mech, p_dc, Tq)
    maps = {"inverter_loss_w": p_inv, "inverter_conduction_w": cond, "inverter_switching_w": sw,
            "T_j_c": Tj, "p_dc_w": p_dc, "motor_inverter_efficiency": eta_mi,
            "inverter_modulation_index": grid(inv["m"])}
    with np.errstate(divide="ignore", invalid="ignore"):
        maps["inverter_efficiency"] = _efficiency(np.where(feas, em.p_elec, np.nan), p_dc,
                                                  np.where(feas, em.p_elec, np.nan))
    if gear is not None:
        T_w, w_w, p_g = gear_wheel_side(Tq, W, gear)
        p_g = np.where(feas, p_g, np.nan)
        p_wheel = np.where(feas, T_w * w_w, np.nan)
        maps["gear_loss_w"] = p_g
        maps["p_wheel_w"] = p_wheel
        maps["system_efficiency"] = _efficiency(p_wheel, p_dc, T_w)
    else:
        maps["system_efficiency"] = eta_mi
    ev.extra.setdefault("map", {}).update(maps)

    # --- masses and map KPIs
    p_rated = float(np.nanmax(np.where(feas, em.p_elec, np.nan))) if np.any(feas) else 0.0
    p_loss_max = float(np.nanmax(p_inv)) if np.any(feas) else 0.0
    im = inverter_mass(spec.device, max(p_rated, 1.0), spec.u_dc, design.i_max, spec.f_sw, p_loss_max,
                       spec.cooling, spec.ripple_pp_fraction)
    P_peak_kw = k.get("peak_power_kw", 0.0)
    m_inv = im.total_kg
    m_sys = k["motor_mass_kg"] + m_inv
    k.update({
        "inverter_device": spec.device.name, "inverter_device_kind": spec.device.kind,
        "inverter_modulation": spec.modulation, "inverter_switching_frequency_khz": spec.f_sw / 1e3,
        "inverter_dead_time_us": spec.t_dead * 1e6, "inverter_cooling": spec.cooling,
        "inverter_voltage_limit_v": inverter_voltage_limit(design),
        "inverter_voltage_limit_applied": getattr(em.model.limits, "u_ph_max_override", None) is not None,
        "inverter_mass_kg": m_inv,
        "inverter_rated_power_kw": p_rated / 1e3,
        "inverter_power_density_kw_per_kg": p_rated / 1e3 / m_inv,
        "inverter_mass_shares": {n.removesuffix("_kg"): s for n, s in im.shares.items()},
        "inverter_mass_parts_kg": {n.removesuffix("_kg"): getattr(im, n) for n in im.shares},
        "inverter_n_modules": im.n_modules, "inverter_dc_link_capacitance_uf": im.C_dc_F * 1e6,
        "inverter_max_loss_w": p_loss_max,
        "inverter_max_junction_c": float(np.nanmax(Tj)) if np.any(feas) else float("nan"),
        "inverter_map_points_over_tj_max": int(np.sum(grid(inv["T_j_exceeded"], False, bool))),
        "inverter_overmodulated_map_points": int(np.sum(grid(inv["overmodulated"], False, bool))),
        "system_mass_kg": m_sys,
        "system_power_density_kw_per_kg": P_peak_kw / m_sys,
        "peak_system_efficiency": float(np.nanmax(maps["system_efficiency"])) if np.any(feas) else float("nan"),
        "peak_motor_inverter_efficiency": float(np.nanmax(eta_mi)) if np.any(feas) else float("nan"),
    })
    if gear is not None:
        if "torque_rating_wheel_nm" not in design.free["gear"]:
            import dataclasses
            gear_for_mass = dataclasses.replace(gear, torque_rating_wheel=max(k.get("peak_torque_nm", 0.0), 1.0)
                                                * gear.ratio)
        else:
            gear_for_mass = gear
        gm = gear_mass(gear_for_mass)
        k.update({
            "gear_ratio": gear.ratio, "gear_stages": gear.stages,
            "gear_mass_kg": gm["total_kg"], "e_axle_mass_kg": m_sys + gm["total_kg"],
            "e_axle_power_density_kw_per_kg": P_peak_kw / (m_sys + gm["total_kg"]),
        })

    # --- cycles
    if ev.cycles:
        from motoropt.cycles import CYCLE_NAMES, load_cycle

        inv_maps = {"cond": cond, "sw": sw}
        kc = k.setdefault("cycles", {})
        xc = ev.extra.setdefault("cycles", {})
        gear_rerouted = False
        for name in list(ev.cycles):
            c = ev.cycles[name]
            dt = c.dt_s
            # road cycles run through the gear; a mission profile ([mission]) is motor-side already
            geared = gear is not None and design.vehicle is not None and name in CYCLE_NAMES
            if geared:
                dem = motor_demand_with_gear(load_cycle(name), design.vehicle, gear)
                rpm_g = dem.speed_rad_s / RPM_TO_RAD_S
                if not (np.allclose(rpm_g, c.speed_rpm, rtol=1e-12, atol=1e-9)
                        and np.allclose(dem.torque_nm, c.torque_nm, rtol=1e-12, atol=1e-9)):
                    # evaluate.cycle_points does not use the gear yet: redo the motor side here
                    c = _motor_cycle(em, name, rpm_g, dem.torque_nm, dem.dt, c.time_s)
                    ev.cycles[name] = c
                    kc[name] = dict(c.summary)
                    gear_rerouted = True
            moving = (c.speed_rpm > 0) & (c.torque_nm != 0)
            ok = moving & c.feasible
            p_cond, p_sw = _cycle_inverter(ev, spec, inv_maps, c.speed_rpm, c.torque_nm, ok)
            p_i = p_cond + p_sw
            p_dc = np.where(ok, c.p_elec_w + p_i, 0.0)
            eff_mi, eff_mi_m, eff_mi_g, _, _ = _cycle_energies(p_dc, c.p_mech_w, c.torque_nm, ok, dt)
            wh = 1.0 / 3600.0
            s = kc.setdefault(name, dict(c.summary))
            if geared:
                g_loss = np.where(ok, dem.gear_loss_w, 0.0)
                p_out = np.where(ok, dem.wheel_torque_nm * dem.wheel_speed_rad_s, 0.0)
                T_out = dem.wheel_torque_nm
            else:
                g_loss = np.zeros_like(p_dc)
                p_out = c.p_mech_w
                T_out = c.torque_nm
            eff, eff_m, eff_g, e_in, e_out = _cycle_energies(p_dc, p_out, T_out, ok, dt)
            s.update({
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
            })
            arrays = {"inverter_loss_w": p_i, "inverter_conduction_w": p_cond, "inverter_switching_w": p_sw,
                      "p_dc_w": p_dc}
            if geared:
                s["gear_loss_wh"] = float(np.sum(g_loss * dt)) * wh
                arrays["gear_loss_w"] = g_loss
                arrays["wheel_torque_nm"] = np.asarray(dem.wheel_torque_nm)
                arrays["p_wheel_w"] = p_out
            xc.setdefault(name, {}).update(arrays)
        if gear is not None:
            k["gear_in_cycle_points"] = not gear_rerouted
    ev.extra.setdefault("plot_functions", []).extend([system_efficiency_map_plot, cycle_loss_breakdown_plot])


# --------------------------------------------------------------------------------------------------
# Plots: fn(ev, outdir) -> list[Path]

def system_efficiency_map_plot(ev, outdir) -> list[Path]:
    """System efficiency map PNG (motor x inverter (x gear)) on the motor's torque-speed grid."""
    from motoropt.plots.maps import efficiency_map_png

    eta = ev.extra.get("map", {}).get("system_efficiency")
    if eta is None:
        return []
    label = "system efficiency (motor x inverter x gear)" if "gear_loss_w" in ev.extra["map"] else \
        "system efficiency (motor x inverter)"
    return [efficiency_map_png(ev, Path(outdir) / "system_efficiency_map.png", efficiency=eta, label=label)]


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
        }
    return out


def cycle_loss_breakdown_plot(ev, outdir) -> list[Path]:
    """Per-cycle stacked loss bar (Wh): copper, iron, magnet, mechanical, inverter conduction,
    inverter switching, gear; the system efficiency written above each bar."""
    from motoropt.plots.maps import _plt

    data = cycle_loss_breakdown(ev)
    if not data:
        return []
    plt = _plt()
    names = list(data)
    fig, ax = plt.subplots(figsize=(1.8 * len(names) + 3.5, 4.8), dpi=100)
    bottom = np.zeros(len(names))
    for kind in LOSS_BAR_KINDS:
        wh = np.array([data[n][kind] for n in names])
        ax.bar(names, wh, bottom=bottom, label=kind)
        bottom += wh
    for x, n in enumerate(names):
        eff = ev.kpis["cycles"][n].get("system_efficiency", float("nan"))
        ax.text(x, bottom[x], f"{eff * 100:.1f} %", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("loss over the cycle (Wh)")
    ax.legend(fontsize=8)
    ax.set_title(f"{ev.design.name}\nloss per cycle (label: system efficiency)", fontsize=10)
    fig.tight_layout()
    path = Path(outdir) / "system_cycle_losses.png"
    fig.savefig(path)
    plt.close(fig)
    return [path]
