"""Evaluations with the embedded FEA's field model (the family's :meth:`~motoropt.machines.base.
MachineDesign.fea_provider`: the FEA flux maps of a PM design, the FEA-derived equivalent circuit of
an induction design): a FEA-refined evaluation (the optimiser's and the scoreboard's
``--refine-fea``), and the analytic-vs-FEA comparison on the same design with the same control,
loss, map and cycle pipeline."""

from __future__ import annotations

import dataclasses
import math

from motoropt.case import design_from_values
from motoropt.errors import OperatingPointError
from motoropt.evaluation.pipeline import design_specs, evaluate_design, machine_model
from motoropt.evaluation.records import Evaluation
from motoropt.machines.base import MachineDesign, MachineModel
from motoropt.magnetics.fea.pipeline import inductances, mtpa_at
from motoropt.magnetics.fea.settings import FeaSettings, parse_fea


def fea_settings_for(design: MachineDesign, **overrides) -> FeaSettings:
    """The design's ``[fea]`` settings with ``overrides`` ([fea] keys: positions, mesh_scale, sector,
    fluxmap_n_d, fluxmap_n_q, cache) and fidelity "fea" (validated like the case section)."""
    s = design_specs(design).fea
    if overrides:
        s = parse_fea({**{k: v for k, v in dataclasses.asdict(s).items() if v is not None}, **overrides})
    return dataclasses.replace(s, fidelity="fea")


def analytic_fluxmap(design: MachineDesign, T_magnet_c: float | None = None):
    """Flux-map provider: the design's analytic (MEC) map, whatever its case's [fea] fidelity (PM
    designs; :func:`analytic_design` works for every family)."""
    return design.mec_fluxmap(T_magnet_c)


def analytic_design(design: MachineDesign) -> MachineDesign:
    """The design with its case's ``[fea] fidelity`` set to "analytic" (its own analytic model)."""
    specs = design_specs(design)
    if specs.fea.fidelity == "analytic":
        return design
    return dataclasses.replace(design, specs=dataclasses.replace(specs, fea=dataclasses.replace(specs.fea,
                                                                                               fidelity="analytic")))


def fea_machine_model(design: MachineDesign, **overrides) -> MachineModel:
    """The design's machine model (same loss parameters and limits) with the FEA field model."""
    return machine_model(design, design.fea_provider(fea_settings_for(design, **overrides)))


def fea_evaluate(design: MachineDesign, **overrides) -> Evaluation:
    """:func:`motoropt.evaluation.pipeline.evaluate_design` with the FEA field model."""
    return evaluate_design(design, fluxmaps=design.fea_provider(fea_settings_for(design, **overrides)))


def fea_evaluator(values: dict, free: dict | None = None) -> dict:
    """The optimiser's and the scoreboard's ``--refine-fea`` evaluator: KPIs of the design of
    case-file ``values`` with the FEA field model ([fea] settings from ``free``), plus
    ``fea_positions`` and ``fea_mesh_scale``."""
    d = design_from_values(values, free)
    s = fea_settings_for(d)
    k = dict(evaluate_design(d, fluxmaps=d.fea_provider(s)).kpis)
    k["fea_positions"] = s.positions
    k["fea_mesh_scale"] = s.mesh_scale
    return k


def compare_analytic_fea(design, points=None, cycles: bool = True, **overrides) -> dict:
    """Analytic vs FEA on the same design, same control/loss/map/cycle pipeline.

    Returns {"design": name, "settings": {...}, "rows": [{"quantity", "unit", "analytic", "fea",
    "diff_pct"}]}; diff_pct = 100 (fea - analytic) / |analytic|. Rows: for designs with a PM flux
    map psi_PM, back-EMF per krpm, L_d/L_q at 0.25/0.5/1 I_max, MTPA torque and angle at I_max;
    for every design peak torque/power, max speed, peak efficiency, efficiency at ``points``
    [(rpm, N m)] (default: (0.25, 0.5), (0.5, 0.2), (0.75, 0.1) x (max speed, peak torque) of the
    analytic envelope; NaN where outside an envelope) and each cycle's motor efficiency (and
    motor+inverter efficiency with an [inverter]). The induction family's circuit quantities:
    :func:`motoropt.machines.induction.fea.circuit_rows`.
    """
    ev_a = evaluate_design(analytic_design(design), cycles=cycles)
    s = fea_settings_for(design, **overrides)
    ev_f = evaluate_design(design, cycles=cycles, fluxmaps=design.fea_provider(s))
    rows = []

    def row(q, unit, a, f):
        a, f = float(a), float(f)
        d = 100.0 * (f - a) / abs(a) if (math.isfinite(a) and math.isfinite(f) and a != 0) else float("nan")
        rows.append({"quantity": q, "unit": unit, "analytic": a, "fea": f, "diff_pct": d})

    ka, kf = ev_a.kpis, ev_f.kpis
    fa, ff = ev_a.model.fluxmap, ev_f.model.fluxmap
    settings = {"mesh_scale": s.mesh_scale, "sector": s.sector}
    if fa is not None and ff is not None:
        settings.update(positions=s.positions, n_d=ff.i_d.size, n_q=ff.i_q.size)
        row("psi_PM", "Wb", fa.psi_pm, ff.psi_pm)
        row("back-EMF (line-line rms) per 1000 rpm", "V", ka["back_emf_ll_rms_v_per_krpm"], kf["back_emf_ll_rms_v_per_krpm"])
        La, Lf = inductances(fa), inductances(ff)
        for key in La:
            name, k = key.rsplit("_", 1)
            row(f"{name} at {k} I_max", "mH", 1e3 * La[key], 1e3 * Lf[key])
        Ta, ga = mtpa_at(fa, design.i_max)
        Tf, gf = mtpa_at(ff, design.i_max)
        row("torque at I_max on the MTPA angle", "N m", Ta, Tf)
        row("MTPA current angle at I_max", "deg", ga, gf)
    row("peak torque (envelope)", "N m", ka["peak_torque_nm"], kf["peak_torque_nm"])
    row("peak power (envelope)", "kW", ka["peak_power_kw"], kf["peak_power_kw"])
    row("max speed with torque", "rpm", ka["max_speed_rpm"], kf["max_speed_rpm"])
    row("peak motor efficiency", "%", 100 * ka["peak_motor_efficiency"], 100 * kf["peak_motor_efficiency"])
    if points is None:
        n_max, T_pk = ka["max_speed_rpm"], ka["peak_torque_nm"]
        points = [(round(a * n_max, -1), round(b * T_pk)) for a, b in ((0.25, 0.5), (0.5, 0.2), (0.75, 0.1))]
    for rpm, T in points:
        eff = []
        for ev in (ev_a, ev_f):
            try:
                eff.append(100 * ev.model.operating_point(rpm, T)["motor_efficiency"])
            except OperatingPointError:
                eff.append(float("nan"))
        row(f"efficiency at {rpm:g} rpm, {T:g} N m", "%", *eff)
    for name in ka.get("cycles", {}):
        ca, cf = ka["cycles"][name], kf["cycles"][name]
        row(f"{name} motor efficiency", "%", 100 * ca["motor_efficiency"], 100 * cf["motor_efficiency"])
        if "motor_inverter_efficiency" in ca and "motor_inverter_efficiency" in cf:
            row(f"{name} motor+inverter efficiency", "%", 100 * ca["motor_inverter_efficiency"],
                100 * cf["motor_inverter_efficiency"])
    return {"design": design.name, "settings": settings, "rows": rows}


def compare_text(table: dict) -> str:
    """The comparison table as fixed-width text."""
    rows = table["rows"]
    w = max(len(r["quantity"]) + len(r["unit"]) + 3 for r in rows)
    s = table["settings"]
    grid = f"{s['n_d']} x {s['n_q']} currents, {s['positions']} positions, " if "n_d" in s else ""
    out = [f"{table['design']}: analytic vs FEA ({grid}mesh scale {s['mesh_scale']:g}, {s['sector']} sector)",
           f"{'quantity':<{w}}  {'analytic':>10}  {'FEA':>10}  {'diff %':>7}"]
    for r in rows:
        q = f"{r['quantity']} ({r['unit']})"
        out.append(f"{q:<{w}}  {r['analytic']:>10.4g}  {r['fea']:>10.4g}  {r['diff_pct']:>7.1f}")
    return "\n".join(out)


