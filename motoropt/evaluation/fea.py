"""Evaluations with the embedded FEA's flux map: a FEA-refined evaluation (the optimiser's and the
scoreboard's ``--refine-fea``), and the analytic-vs-FEA comparison on the same design with the same
control, loss, map and cycle pipeline."""

from __future__ import annotations

import dataclasses
import math

from motoropt.case import design_from_values
from motoropt.errors import OperatingPointError
from motoropt.evaluation.pipeline import design_specs, evaluate_design, machine_model
from motoropt.evaluation.records import Evaluation
from motoropt.machines.base import MachineDesign, MachineModel
from motoropt.magnetics.fea.pipeline import FeaFluxMaps, inductances, mtpa_at
from motoropt.magnetics.fea.settings import FeaSettings, parse_fea


def fea_settings_for(design: MachineDesign, **overrides) -> FeaSettings:
    """The design's ``[fea]`` settings with ``overrides`` ([fea] keys: positions, mesh_scale, sector,
    fluxmap_n_d, fluxmap_n_q, cache) and fidelity "fea" (validated like the case section)."""
    s = design_specs(design).fea
    if overrides:
        s = parse_fea({**{k: v for k, v in dataclasses.asdict(s).items() if v is not None}, **overrides})
    return dataclasses.replace(s, fidelity="fea")


def analytic_fluxmap(design: MachineDesign, T_magnet_c: float | None = None):
    """Flux-map provider: the design's analytic (MEC) map, whatever its case's [fea] fidelity."""
    return design.mec_fluxmap(T_magnet_c)


def fea_machine_model(design: MachineDesign, **overrides) -> MachineModel:
    """The design's machine model (same loss parameters and limits) with the FEA flux map."""
    return machine_model(design, FeaFluxMaps(fea_settings_for(design, **overrides)))


def fea_evaluate(design: MachineDesign, **overrides) -> Evaluation:
    """:func:`motoropt.evaluation.pipeline.evaluate_design` with the FEA flux map."""
    return evaluate_design(design, fluxmaps=FeaFluxMaps(fea_settings_for(design, **overrides)))


def fea_evaluator(values: dict, free: dict | None = None) -> dict:
    """The optimiser's ``--refine-fea`` evaluator: KPIs of the design of case-file ``values`` with the
    FEA flux map ([fea] settings from ``free``), plus ``fea_positions`` and ``fea_mesh_scale``."""
    d = design_from_values(values, free)
    s = fea_settings_for(d)
    k = dict(evaluate_design(d, fluxmaps=FeaFluxMaps(s)).kpis)
    k["fea_positions"] = s.positions
    k["fea_mesh_scale"] = s.mesh_scale
    return k


def compare_analytic_fea(design, points=None, cycles: bool = True, **overrides) -> dict:
    """Analytic vs FEA on the same design, same control/loss/map/cycle pipeline.

    Returns {"design": name, "settings": {...}, "rows": [{"quantity", "unit", "analytic", "fea",
    "diff_pct"}]}; diff_pct = 100 (fea - analytic) / |analytic|. Rows: psi_PM, back-EMF per krpm,
    L_d/L_q at 0.25/0.5/1 I_max, MTPA torque and angle at I_max, peak torque/power, max speed, peak
    efficiency, efficiency at ``points`` [(rpm, N m)] (default: (0.25, 0.5), (0.5, 0.2), (0.75, 0.1)
    x (max speed, peak torque) of the analytic envelope; NaN where outside an envelope) and each
    cycle's motor efficiency.
    """
    ev_a = evaluate_design(design, cycles=cycles, fluxmaps=analytic_fluxmap)
    s = fea_settings_for(design, **overrides)
    ev_f = evaluate_design(design, cycles=cycles, fluxmaps=FeaFluxMaps(s))
    rows = []

    def row(q, unit, a, f):
        a, f = float(a), float(f)
        d = 100.0 * (f - a) / abs(a) if (math.isfinite(a) and math.isfinite(f) and a != 0) else float("nan")
        rows.append({"quantity": q, "unit": unit, "analytic": a, "fea": f, "diff_pct": d})

    ka, kf = ev_a.kpis, ev_f.kpis
    fa, ff = ev_a.fluxmap, ev_f.fluxmap
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
        row(f"{name} motor efficiency", "%", 100 * ka["cycles"][name]["motor_efficiency"],
            100 * kf["cycles"][name]["motor_efficiency"])
    return {"design": design.name, "settings": {"positions": s.positions, "mesh_scale": s.mesh_scale,
                                                "sector": s.sector, "n_d": ff.i_d.size, "n_q": ff.i_q.size},
            "rows": rows}


def compare_text(table: dict) -> str:
    """The comparison table as fixed-width text."""
    rows = table["rows"]
    w = max(len(r["quantity"]) + len(r["unit"]) + 3 for r in rows)
    s = table["settings"]
    out = [f"{table['design']}: analytic vs FEA ({s['n_d']} x {s['n_q']} currents, {s['positions']} positions, "
           f"mesh scale {s['mesh_scale']:g}, {s['sector']} sector)",
           f"{'quantity':<{w}}  {'analytic':>10}  {'FEA':>10}  {'diff %':>7}"]
    for r in rows:
        q = f"{r['quantity']} ({r['unit']})"
        out.append(f"{q:<{w}}  {r['analytic']:>10.4g}  {r['fea']:>10.4g}  {r['diff_pct']:>7.1f}")
    return "\n".join(out)


