"""One design's evaluation: machine model -> efficiency map -> envelope KPIs -> drive cycles ->
drive system (inverter, gear) -> thermal -> KPIs.

The field-model provider (the analytic model, or the embedded FEA's when the case's ``[fea]
fidelity = "fea"``: flux maps for PM designs, the equivalent circuit for induction designs) and
the drive limits (with the ``[inverter]``'s voltage limit) are chosen here and passed to the
design (:meth:`motoropt.machines.base.MachineDesign.machine_model`). The stages return their KPIs
and arrays (:class:`~motoropt.results.StageResult`); the record is :class:`.records.Evaluation`.

Definitions used in the KPI record (all efficiencies are fractions):
- ``peak_torque_nm``: the largest motoring torque of the envelope (at or near standstill);
  ``peak_power_kw``: the largest T·w along the motoring envelope (with the case's
  ``limits.max_power_kw`` applied); ``motor_peak_power_kw``: the same without that system power
  limit (what the motor reaches within its current and voltage limits); ``max_speed_rpm``: the
  highest speed at which the envelope still holds a positive motoring torque (at most the speed
  limit).
- ``motor_mass_kg``: active mass = stator core + rotor core + magnets + copper (incl. end
  windings) + sleeve (or cage); the housing/shaft allowance is reported separately
  (``motor_mass_with_housing_kg``). ``motor_power_density_kw_per_kg`` = peak power / active mass.
- Per cycle: :mod:`motoropt.evaluation.cycles`.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from motoropt.case import CaseSpecs, load_case, nominal_design
from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.effmap import EfficiencyMap
from motoropt.evaluation.cycles import cycle_points, evaluate_cycle, evaluate_cycles  # noqa: F401 - evaluate_cycle re-exported
from motoropt.evaluation.records import Evaluation
from motoropt.inverter.losses import inverter_operating_points
from motoropt.machines.base import FluxMapProvider, MachineDesign, MachineModel
from motoropt.results import StageResult
from motoropt.system.evaluation import system_evaluation
from motoropt.thermal.evaluation import thermal_evaluation
from motoropt.thermal.settings import direct_air_of


def design_specs(design: MachineDesign) -> CaseSpecs:
    """The design's parsed optional sections (all defaults when it has none)."""
    return design.specs if design.specs is not None else CaseSpecs()


def fluxmap_provider(design: MachineDesign) -> FluxMapProvider | None:
    """The family's FEA provider (:meth:`MachineDesign.fea_provider`: the FEA flux maps of a PM
    design, the FEA-derived circuit of an induction design) when the case asks for ``[fea]
    fidelity = "fea"``, else None (the design's own analytic model)."""
    fea = design_specs(design).fea
    return design.fea_provider(fea) if fea.fidelity == "fea" else None


def machine_model(design: MachineDesign, fluxmaps: FluxMapProvider | None = None) -> MachineModel:
    """The design's machine model with the case's flux-map provider (or ``fluxmaps``) and the drive
    limits including the inverter's voltage limit."""
    provider = fluxmaps if fluxmaps is not None else fluxmap_provider(design)
    return design.machine_model(fluxmaps=provider, limits=design.drive_limits(design_specs(design).inverter))


def _power_cap(emap: EfficiencyMap) -> float | None:
    """The power limit that caps the map's motoring envelope at P_max / w, W, or None: the envelopes
    that report the torque without the limit beside it (:func:`motoropt.drive.control.max_torque_envelope`)
    are the capped ones."""
    if emap.envelope_motoring_unlimited_nm is None or emap.model is None:
        return None
    return getattr(emap.model.limits, "p_max", None)


def envelope_kpis(emap: EfficiencyMap) -> dict:
    """Peak torque, peak power, maximum and base speed from the torque envelope."""
    s, t = emap.envelope_speed_rpm, emap.envelope_motoring_nm
    ok = np.isfinite(t) & (t > 0)
    if not ok.any():
        return {"peak_torque_nm": 0.0, "peak_power_kw": 0.0, "max_speed_rpm": 0.0, "base_speed_rpm": 0.0}
    s_ok, t_ok = s[ok], t[ok]
    T_peak = float(t_ok.max())  # finite by the mask
    below = t_ok < 0.98 * T_peak
    base = s_ok[np.argmax(below)] if below.any() else s_ok[-1]
    P_peak = peak_power(emap.model, s * RPM_TO_RAD_S, t, p_cap=_power_cap(emap))
    return {"peak_torque_nm": T_peak, "peak_power_kw": P_peak / 1e3,
            "max_speed_rpm": float(s_ok.max()), "base_speed_rpm": float(base)}


def peak_power(model: MachineModel | None, w, T, key: str = "torque_motoring", w_tol: float = 0.005,
               max_evals: int = 30, hump: float = 0.9, p_cap: float | None = None) -> float:
    """The largest T(w)·w along an envelope, W, located beyond its speed samples.

    ``w`` (rad/s, ascending) and ``T`` (N m) are the envelope's samples. Every local maximum of the
    sampled P = T·w within ``hump`` of the best (an envelope may have two humps, e.g. with a
    winding changeover; at most 3) is bracketed by its neighbours and located by golden-section
    search (``model.peak_power_between``, the model's own search over its envelope; ``key``: its
    motoring torque, limited or not) until the bracket is
    narrower than ``w_tol`` of its speed (or ``max_evals``). So is the corner cell (base speed: its
    left sample within 1 % of the peak torque, its right one 1 % below the left) when no bracket
    covered it and its left torque times its upper speed, a bound of P in it, exceeds the best found
    (T does not rise with speed there): the power can peak at the corner speed and dip before a
    second, sampled hump (air_mobility_geared: 115.4 kW at the corner, 114.8 kW at the sampled hump
    of a 16-speed envelope). Assumes P(w) unimodal within a bracket (it rises as
    T_max·w below base speed, falls or stays flat above): at a smooth maximum the power error is
    then ~(w_tol)^2, at a corner (a steep voltage-limited fall at base speed) at most ~w_tol.
    Without a model (None) the best sample. ``p_cap``: a bound the envelope's T·w cannot exceed, W
    (the power limit P_max that caps it at P_max / w): a sample within 1e-12 of it is the peak, and
    no search runs (the searches would return P_max to rounding).
    """
    w = np.asarray(w, dtype=float)
    T = np.asarray(T, dtype=float)
    ok = np.isfinite(T) & (T > 0)
    P = np.where(ok, T * w, 0.0)
    best = float(P.max()) if P.size else 0.0
    if model is None or w.size < 2 or best <= 0 or (p_cap is not None and best >= p_cap * (1.0 - 1e-12)):
        return best

    def golden(a: float, b: float) -> float:
        return model.peak_power_between(a, b, key=key, w_tol=w_tol, max_evals=max_evals)

    top = P >= hump * best  # local maxima among these: not below either neighbour (the ends have one)
    top[1:] &= P[1:] >= P[:-1]
    top[:-1] &= P[:-1] >= P[1:]
    peaks = np.flatnonzero(top)
    searched = []  # index brackets searched
    for k in peaks[np.argsort(-P[peaks])][:3]:
        lo, hi = max(k - 1, 0), min(k + 1, w.size - 1)
        searched.append((lo, hi))
        best = max(best, golden(w[lo], w[hi]))
    # the corner cell: its left sample (above standstill) still at the peak torque (within 1 %), its
    # right one 1 % below the left (the voltage limit); T <= T[k - 1] in it bounds P by T[k - 1] w[k]
    T_peak = float(np.where(ok, T, 0.0).max())
    T_left, T_right = T[1:-1], T[2:]  # the cells k - 1 .. k, k >= 2
    corner = np.flatnonzero(ok[1:-1] & ok[2:] & (T_left >= 0.99 * T_peak) & (T_right < 0.99 * T_left))
    if corner.size:
        kc = int(corner[0]) + 2
        covered = any(lo <= kc - 1 and kc <= hi for lo, hi in searched)
        if not covered and T[kc - 1] * w[kc] > best * (1.0 + 1e-9):
            best = max(best, golden(w[kc - 1], w[kc]))
    return best


def machine_kpis(design: MachineDesign, model: MachineModel, emap: EfficiencyMap) -> dict:
    """Envelope, masses, rare-earth content, back-EMF (PM machines), resistance, current limit and
    peak efficiency of a design."""
    k = {"design_name": design.name, "topology": design.topology}
    k.update(envelope_kpis(emap))
    ms = design.masses()
    mag = design.magnet  # None: magnet-free machine
    m_mag = ms.get("magnets", 0.0)
    k.update({
        "motor_mass_kg": ms["active"], "motor_mass_with_housing_kg": ms["active"] + ms["housing_allowance"],
        "stator_core_mass_kg": ms["stator_core"], "rotor_core_mass_kg": ms["rotor_core"],
        "copper_mass_kg": ms["copper"], "magnet_mass_kg": m_mag,
        "rare_earth_mass_kg": m_mag * mag.rare_earth_fraction if mag is not None else 0.0,
        "dysprosium_mass_kg": m_mag * mag.dy_fraction if mag is not None else 0.0,
        "magnet_cost_usd": m_mag * mag.cost_per_kg if mag is not None else 0.0,
    })
    k["motor_peak_power_kw"] = k["peak_power_kw"]
    if emap.envelope_motoring_unlimited_nm is not None:  # the motor-only envelope (no system power limit)
        sp = emap.envelope_speed_rpm
        t = emap.envelope_motoring_unlimited_nm
        if not np.array_equal(t, emap.envelope_motoring_nm, equal_nan=True):  # the power limit acts
            k["motor_peak_power_kw"] = peak_power(emap.model, sp * RPM_TO_RAD_S, t, "torque_motoring_unlimited") / 1e3
    k["motor_power_density_kw_per_kg"] = k["peak_power_kw"] / ms["active"]
    k["motor_power_density_with_housing_kw_per_kg"] = k["peak_power_kw"] / (ms["active"] + ms["housing_allowance"])
    fm = model.fluxmap
    if fm is not None:
        k["psi_pm_wb"] = fm.psi_pm
        k["back_emf_ll_rms_v_per_krpm"] = fm.psi_pm * 1000 * RPM_TO_RAD_S * fm.pole_pairs * math.sqrt(1.5)
    k.update(design.model_validity_kpis())
    k["phase_resistance_20c_ohm"] = design.R_s_20
    k["max_current_rms_a"] = design.i_max / math.sqrt(2)
    k["peak_motor_efficiency"] = float(np.nanmax(emap.efficiency)) if np.any(np.isfinite(emap.efficiency)) else float("nan")
    return k


def _merge(ev: Evaluation, stage: StageResult) -> None:
    """Fold a stage's KPIs into the evaluation's record (top level and per cycle)."""
    ev.kpis.update(stage.kpis)
    for name, ck in stage.cycle_kpis.items():
        ev.kpis.setdefault("cycles", {}).setdefault(name, {}).update(ck)
    ev.timings.update(stage.timings)


def torque_nodes(design: MachineDesign) -> str:
    """The case's ``[map] torque_nodes``: "even" (default) or "cycles"."""
    return (design.values or {}).get("map", {}).get("torque_nodes", "even")


def cycle_torque_demand(design: MachineDesign):
    """(torque N m, time s) of all the design's cycle points (its vehicle's or mission's demand,
    which does not depend on the machine): where the efficiency map's torque nodes go
    (:func:`motoropt.drive.effmap.torque_axis`)."""
    pts = [cycle_points(design, name) for name in design.cycles]
    if not pts:
        return None
    return np.concatenate([p[1] for p in pts]), np.concatenate([p[2] for p in pts])


def evaluate_design(design: MachineDesign, cycles: bool = True, case_path: str | None = None,
                    fluxmaps: FluxMapProvider | None = None) -> Evaluation:
    """Full evaluation of one design (model, map, envelope, cycles, drive system, thermal, KPIs);
    ``fluxmaps`` overrides the case's flux-map provider (e.g. the FEA's for a refinement)."""
    specs = design_specs(design)
    tm = {}
    t0 = time.perf_counter()
    model = machine_model(design, fluxmaps)
    tm["model_s"] = time.perf_counter() - t0
    with_cycles = cycles and (design.vehicle is not None or specs.mission is not None)
    t0 = time.perf_counter()
    by_cycles = with_cycles and torque_nodes(design) == "cycles"
    emap = model.efficiency_map(design.n_speed, design.n_torque,
                                torque_demand=cycle_torque_demand(design) if by_cycles else None)
    tm["map_s"] = time.perf_counter() - t0
    k = machine_kpis(design, model, emap)
    cyc = {}
    if with_cycles:
        t0 = time.perf_counter()
        cyc = evaluate_cycles(emap, design, design.cycles)
        tm["cycles_s"] = time.perf_counter() - t0
        k["cycles"] = {n: c.summary for n, c in cyc.items()}
    ev = Evaluation(design=design, model=model, emap=emap, cycles=cyc, kpis=k, case_path=case_path, timings=tm)
    if specs.inverter is not None:
        t0 = time.perf_counter()
        air = direct_air_of(design, specs.thermal)  # its fan draws from the DC link
        ev.system = system_evaluation(ev, specs.inverter, specs.gear, air.fan_power if air is not None else 0.0)
        _merge(ev, ev.system)
        tm["system_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ev.thermal = thermal_evaluation(ev, specs.thermal)
    _merge(ev, ev.thermal)
    tm["thermal_s"] = time.perf_counter() - t0
    return ev


def evaluate_case(path, progress: bool = False) -> Evaluation:
    """Load a case file and evaluate its nominal design."""
    return evaluate_design(nominal_design(load_case(path)), case_path=str(path))


def point_model(design: MachineDesign, winding_c: float | None = None, magnet_c: float | None = None,
                u_dc: float | None = None, fluxmaps: FluxMapProvider | None = None) -> MachineModel:
    """The design's machine model (as :func:`machine_model`) at a winding temperature ``winding_c``, a
    magnet (rotor) temperature ``magnet_c`` (degC; None: the case's) and a DC-link voltage ``u_dc``
    (V; None: the case's), e.g. to compare with a measured point at its measured conditions."""
    specs = design_specs(design)
    d, inv = design, specs.inverter
    if u_dc is not None:
        d = dataclasses.replace(design, u_dc=float(u_dc))
        if inv is not None:
            inv = dataclasses.replace(inv, u_dc=float(u_dc))
    provider = fluxmaps if fluxmaps is not None else fluxmap_provider(design)
    return d.machine_model(fluxmaps=provider, limits=d.drive_limits(inv), T_magnet_c=magnet_c, T_winding_c=winding_c)


def inverter_at_point(design: MachineDesign, point: dict, u_dc: float | None = None) -> dict | None:
    """Inverter loss and efficiencies at a motor operating point (the dict of
    :meth:`MachineModel.operating_point`) with the case's ``[inverter]`` (None without one):
    ``inverter_loss_w``, ``inverter_efficiency`` (P_elec / P_dc motoring, P_dc / P_elec generating)
    and ``system_efficiency`` (motor + inverter: P_mech / P_dc, resp. P_dc / P_mech). The inverter's
    model (:mod:`motoropt.inverter.losses`) takes the fundamental current, voltage and power factor;
    P_dc = P_elec (incl. the motor's harmonic losses) + inverter loss."""
    spec = design_specs(design).inverter
    if spec is None:
        return None
    if u_dc is not None:
        spec = dataclasses.replace(spec, u_dc=float(u_dc))
    i_pk = math.hypot(point["id_a"], point["iq_a"])
    v_pk = math.hypot(point["vd_v"], point["vq_v"])
    f_e = design.p * point["speed_rpm"] / 60.0
    pf = point["power_factor"] if math.isfinite(point["power_factor"]) else 1.0
    inv = inverter_operating_points(i_pk, v_pk, pf, f_e, spec.u_dc, spec.f_sw, spec.T_coolant_c, spec.device,
                                    spec.modulation, spec.t_dead, spec.cooling)
    loss = float(np.asarray(inv["p_loss"]).ravel()[0])
    p_el, p_m = point["p_elec_w"], point["p_mech_w"]
    p_dc = p_el + loss
    if p_el > 0:
        eta_inv, eta_sys = p_el / p_dc, (p_m / p_dc if p_dc > 0 else 0.0)
    elif p_el < 0:
        eta_inv, eta_sys = (p_dc / p_el if p_dc < 0 else 0.0), (p_dc / p_m if p_dc < 0 and p_m < 0 else 0.0)
    else:
        eta_inv = eta_sys = 0.0
    return {"inverter_loss_w": loss, "inverter_efficiency": float(eta_inv), "system_efficiency": float(eta_sys)}


def operating_point_case(path, rpm: float, torque: float, winding_c: float | None = None,
                         magnet_c: float | None = None) -> dict:
    """One operating point of a case's nominal design (:meth:`MachineModel.operating_point`) at the
    winding temperature ``winding_c`` and magnet temperature ``magnet_c`` (degC). Rule: a temperature
    not given is the case's (``temperatures.winding_c`` / ``magnet_c``); in particular, when only the
    winding temperature is given the magnets stay at the case's magnet_c (a winding thermocouple says
    nothing about the rotor). With an ``[inverter]`` the result adds ``inverter_efficiency``,
    ``system_efficiency`` and ``inverter_loss_w`` (:func:`inverter_at_point`)."""
    design = nominal_design(load_case(path))
    res = point_model(design, winding_c=winding_c, magnet_c=magnet_c).operating_point(rpm, torque)
    res["winding_c"] = float(design.T_winding_c if winding_c is None else winding_c)
    res["magnet_c"] = float(design.T_rotor_c if magnet_c is None else magnet_c)
    inv = inverter_at_point(design, res)
    if inv is not None:
        res.update(inv)
    return res
