"""Programme scoreboard: which programme targets each optimisation run meets.

``motoropt scoreboard RUN.h5 [RUN2.h5 ...] [--json] [--png PATH]``

Targets (Japan's Green Innovation Fund, mobility motor systems; project reference
benchmarks_and_targets.md), each a bound on one KPI that the evaluation writes to the run file:

=====================  ==================================================  ======  =======
key                    KPI (run-file column)                               sense   bound
=====================  ==================================================  ======  =======
cycle_eff_85           cycles.<cycle>.motor_inverter_efficiency            >=      0.85
cycle_eff_90           (the same; one programme's stretch target)          >=      0.90
motor_kw_per_kg        motor_power_density_kw_per_kg (peak power / active  >=      8.0
                       mass: stator + rotor cores, coils, magnets)
system_kw_per_kg       system_power_density_kw_per_kg (motor active +      >=      3.0
                       inverter mass)
inverter_kw_per_kg     inverter_power_density_kw_per_kg                    >=      25.0
dy_free                dysprosium_mass_kg (rare-earth mass reported too)   <=      0.0
=====================  ==================================================  ======  =======

"Average motor+inverter efficiency over a drive cycle" is the energy ratio
``motor_inverter_efficiency`` of :mod:`motoropt.system.evaluation` (DC side to motor shaft, motoring and
generating intervals, gear excluded). The cycle is the one named in the run's first objective
(``cycles.<cycle>.*``), else the first cycle found in the run's KPI columns (``cycle=`` overrides).

For each run (read with :class:`motoropt.optimize.storage.RunData`, nothing re-evaluated):

- candidates: the feasible Pareto front (:func:`motoropt.optimize.report.pareto_front_rows`), or
  every feasible design with ``population="feasible"``;
- per target: the candidate with the best value of the target's KPI (ties: the smaller rare-earth
  mass), its value, the margin (value - bound for ">=", bound - value for "<="; >= 0 met) and the
  relative margin (margin / |bound|, None for a zero bound);
- all at once: the candidates meeting every primary target (all but the stretch) and those also
  meeting the stretch; if none, the candidate with the smallest summed relative shortfall;
- limiter of a missed target: among ALL evaluated designs (feasible or not) that reach the target,
  the one with the smallest summed normalised constraint violation; the constraints it violates are
  what stops the target
  (e.g. demag_margin, rotor_stress_margin, a winding hotspot, envelope points); if no design reaches
  it, the target is out of reach inside the case's variable ranges and models ("ranges/model", with
  the best value of all designs).

Every value is a stored KPI of one design id, so ``motoropt show RUN.h5 --design ID`` (same map grid)
reproduces it.

FEA refinement (``--refine-fea``): the designs the table names (best per target, closest to all at
once, the limiter design of a missed target) are re-evaluated with the embedded finite-element
field model (:mod:`motoropt.evaluation.fea`: the flux map of a PM design, the FEA-derived
equivalent circuit of an induction design; the case's own full map grid) and stored in the run's ``/refined/fea``; when present, an "FEA-refined"
column gives each target's value with that map and the run's constraints the refined design
violates (JSON: ``fea_value``, ``fea_margin``, ``fea_met``, ``fea_violates``, ``fea_error``); the
all-at-once lines say whether the closest design still meets them all and stays feasible
(``fea_met``). Designs already refined (also by ``motoropt optimize --refine-fea``) are not re-run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from motoropt.errors import InputError
from motoropt.optimize.report import pareto_front_rows, refine_designs, refined_results
from motoropt.optimize.storage import RunData


@dataclass(frozen=True)
class Target:
    """One programme target: ``kpi`` (run-file column; ``{cycle}`` is filled in per run), ``sense``
    ">=" or "<=", ``bound`` (KPI units), ``stretch`` (not part of "all primary targets at once")."""

    key: str
    label: str
    kpi: str
    sense: str
    bound: float
    stretch: bool = False


TARGETS = (
    Target("cycle_eff_85", "cycle motor+inverter efficiency", "cycles.{cycle}.motor_inverter_efficiency", ">=", 0.85),
    Target("cycle_eff_90", "cycle motor+inverter efficiency (stretch)", "cycles.{cycle}.motor_inverter_efficiency",
           ">=", 0.90, stretch=True),
    Target("motor_kw_per_kg", "motor kW/kg", "motor_power_density_kw_per_kg", ">=", 8.0),
    Target("system_kw_per_kg", "motor+inverter kW/kg", "system_power_density_kw_per_kg", ">=", 3.0),
    Target("inverter_kw_per_kg", "inverter kW/kg", "inverter_power_density_kw_per_kg", ">=", 25.0),
    Target("dy_free", "dysprosium mass kg (Dy-free)", "dysprosium_mass_kg", "<=", 0.0),
)
RARE_EARTH_KPI = "rare_earth_mass_kg"


def margin(value: float, target: Target) -> float:
    """Margin of ``value`` against ``target`` (>= 0 met; NaN value -> NaN)."""
    v = float(value)
    return v - target.bound if target.sense == ">=" else target.bound - v


def relative_margin(value: float, target: Target):
    m = margin(value, target)
    return None if target.bound == 0 else m / abs(target.bound)


def is_met(value: float, target: Target) -> bool:
    m = margin(value, target)
    return bool(math.isfinite(m) and m >= 0.0)


def _choose_cycle(run, cycle):
    cols = run.kpi_columns
    if cycle is not None:
        if f"cycles.{cycle}.motor_inverter_efficiency" not in cols:
            have = sorted({c.split(".")[1] for c in cols if c.startswith("cycles.")})
            raise InputError("--cycle", cycle, f"a cycle of the run with a motor_inverter_efficiency KPI: {have}")
        return cycle
    for o in run.objectives:
        parts = o["kpi"].split(".")
        if parts[0] == "cycles" and len(parts) == 3 and f"cycles.{parts[1]}.motor_inverter_efficiency" in cols:
            return parts[1]
    for c in cols:
        if c.startswith("cycles.") and c.endswith(".motor_inverter_efficiency"):
            return c.split(".")[1]
    return None


def _column(run, name):
    """KPI column as an array (NaN for every row when the run has no such column)."""
    if name is None or name not in run.kpi_columns:
        return np.full(len(run.id), np.nan)
    return np.asarray(run.kpi(name), float)


def _order_key(values: np.ndarray, target: Target, tiebreak: np.ndarray) -> np.ndarray:
    """Indices sorted best first (NaN last); ties broken by the smaller tiebreak (rare-earth mass)."""
    v = values if target.sense == "<=" else -values
    v = np.where(np.isfinite(v), v, np.inf)
    tb = np.where(np.isfinite(tiebreak), tiebreak, np.inf)
    return np.lexsort((tb, v))


def _violated_constraints(run, row: int) -> list[str]:
    lab = list(run.constraint_labels)
    out = [lab[j] for j in range(min(len(lab), run.con.shape[1])) if run.con[row, j] > 0]
    if run.error[row]:
        out.append(f"evaluation error: {run.error[row]}")
    return out


def score_rows(values: dict, rows: np.ndarray, targets=TARGETS, rare_earth=None, ids=None) -> dict:
    """Target logic on plain arrays (no run file): ``values[target.key]`` the KPI per design, ``rows``
    the candidate indices, ``rare_earth`` the tie-break per design, ``ids`` the design ids.

    Returns {"targets": {key: {design_id, value, margin, relative_margin, met}}, "all_at_once":
    {...}} (see the module docstring)."""
    rows = np.asarray(rows, int)
    n = len(next(iter(values.values()))) if values else 0
    ids = np.arange(n) if ids is None else np.asarray(ids)
    re = np.zeros(n) if rare_earth is None else np.asarray(rare_earth, float)
    res = {}
    for t in targets:
        v = np.asarray(values[t.key], float)
        if len(rows) == 0 or not np.any(np.isfinite(v[rows])):
            res[t.key] = {"design_id": None, "value": None, "margin": None, "relative_margin": None, "met": False}
            continue
        best = int(rows[_order_key(v[rows], t, re[rows])[0]])
        res[t.key] = {"design_id": int(ids[best]), "value": float(v[best]), "margin": margin(v[best], t),
                      "relative_margin": relative_margin(v[best], t), "met": is_met(v[best], t),
                      "rare_earth_mass_kg": float(re[best])}

    def together(ts):
        if len(rows) == 0:
            return {"met": False, "n_designs": 0, "design_ids": [], "closest_design_id": None, "shortfalls": {}}
        ok = np.ones(len(rows), bool)
        short = np.zeros(len(rows))
        for t in ts:
            v = np.asarray(values[t.key], float)[rows]
            m = np.array([margin(x, t) for x in v])
            ok &= np.isfinite(m) & (m >= 0)
            scale = abs(t.bound) if t.bound != 0 else 1.0
            short += np.where(np.isfinite(m), np.maximum(-m, 0.0) / scale, np.inf)
        meet = rows[ok]
        if len(meet):  # the one among them with the least rare earth, then the first id
            pick = int(meet[np.lexsort((ids[meet], re[meet]))[0]])
        else:
            pick = int(rows[np.lexsort((ids[rows], short))[0]])
        shortfalls = {t.key: margin(values[t.key][pick], t) for t in ts}
        return {"met": bool(len(meet)), "n_designs": int(len(meet)), "design_ids": [int(ids[i]) for i in meet],
                "closest_design_id": int(ids[pick]), "margins": shortfalls}

    primary = [t for t in targets if not t.stretch]
    return {"targets": res, "all_at_once": together(primary), "all_at_once_with_stretch": together(list(targets))}


def scoreboard_run(run, targets=TARGETS, cycle=None, population: str = "front") -> dict:
    """Scoreboard record of one run (path or RunData); see the module docstring."""

    r = run if isinstance(run, RunData) else RunData(run)
    if population not in ("front", "feasible"):
        raise InputError("population", population, "'front' or 'feasible'")
    cyc = _choose_cycle(r, cycle)
    rows = pareto_front_rows(r) if population == "front" else np.nonzero(r.feasible)[0]
    kpi_of = {t.key: (t.kpi.format(cycle=cyc) if "{cycle}" in t.kpi else t.kpi) if (cyc or "{cycle}" not in t.kpi)
              else None for t in targets}
    values = {t.key: _column(r, kpi_of[t.key]) for t in targets}
    re = _column(r, RARE_EARTH_KPI)
    sc = score_rows(values, rows, targets, rare_earth=re, ids=r.id)
    all_rows = np.arange(len(r.id))
    name = ""
    try:
        import tomllib

        name = tomllib.loads(r.case_toml).get("machine", {}).get("name", "")
    except Exception:
        pass

    refined = refined_results(r, "fea")
    out_t = []
    for t in targets:
        rec = {"target": t.key, "label": t.label, "kpi": kpi_of[t.key], "sense": t.sense, "bound": t.bound,
               "stretch": t.stretch, **sc["targets"][t.key]}
        if kpi_of[t.key] is None or kpi_of[t.key] not in r.kpi_columns:
            rec["limit"] = (f"not evaluated: the run has no KPI {kpi_of[t.key]}" if kpi_of[t.key] else
                            "not evaluated: the run has no drive cycle/mission (no cycles.*.motor_inverter_efficiency)")
            rec["evaluated"] = False
        elif not rec["met"]:
            v = values[t.key]
            best_any = int(all_rows[_order_key(v, t, re)[0]]) if np.any(np.isfinite(v)) else None
            reach = np.array([is_met(x, t) for x in v], bool)
            if reach.any():  # of the designs reaching the target, the least constraint-violating one
                cand = all_rows[reach]
                best_any = int(cand[np.lexsort((r.id[cand], r.violation[cand]))[0]])
            if best_any is None:
                rec["limit"] = "no design evaluated"
            elif is_met(v[best_any], t):
                viol = _violated_constraints(r, best_any)
                rec["limit"] = (f"constraints: design {int(r.id[best_any])} reaches {v[best_any]:.4g} but violates "
                                + ", ".join(viol) if viol else
                                f"not on the front: design {int(r.id[best_any])} (feasible) reaches {v[best_any]:.4g}")
                rec["best_any"] = {"design_id": int(r.id[best_any]), "value": float(v[best_any]), "violated": viol}
            else:
                rec["limit"] = (f"ranges/model: best of all {len(r.id)} designs {v[best_any]:.4g} "
                                f"(design {int(r.id[best_any])})")
                rec["best_any"] = {"design_id": int(r.id[best_any]), "value": float(v[best_any]),
                                   "violated": _violated_constraints(r, best_any)}
        else:
            rec["limit"] = None
        rec.setdefault("evaluated", True)
        _add_refined(rec, refined, t, r.constraints)
        out_t.append(rec)
    for key in ("all_at_once", "all_at_once_with_stretch"):
        a = sc[key]
        fea = refined.get(a["closest_design_id"]) if a["closest_design_id"] is not None else None
        if fea is not None:
            ts = [t for t in targets if key.endswith("stretch") or not t.stretch]
            a["fea_violates"] = [] if fea["error"] else refined_violations(r.constraints, fea["kpis"])
            a["fea_met"] = bool(fea["kpis"]) and not a["fea_violates"] and all(
                is_met(fea["kpis"].get(kpi_of[t.key], float("nan")), t) for t in ts if kpi_of[t.key])
            a["fea_error"] = fea["error"]
    return {"run": r.path, "case": r.case_path, "name": name, "cycle": cyc, "population": population,
            "n_designs": int(len(r.id)), "n_feasible": int(r.feasible.sum()), "n_candidates": int(len(rows)),
            "candidate_ids": [int(r.id[i]) for i in rows], "targets": out_t,
            "all_at_once": sc["all_at_once"], "all_at_once_with_stretch": sc["all_at_once_with_stretch"]}


def refined_violations(constraints: list, kpis: dict | None) -> list[str]:
    """The run's constraints (``RunData.constraints``: dicts kpi/min/max) that refined KPIs violate, as
    labels like "demag_margin >= 0" (a missing or NaN KPI counts as violated)."""
    if not kpis:
        return ["no refined KPIs"]
    out = []
    for c in constraints:
        v = kpis.get(c["kpi"], float("nan"))
        if c.get("min") is not None and not (v >= c["min"]):
            out.append(f"{c['kpi']} >= {c['min']:g}")
        if c.get("max") is not None and not (v <= c["max"]):
            out.append(f"{c['kpi']} <= {c['max']:g}")
    return out


def _add_refined(rec: dict, refined: dict, t: Target, constraints: list = ()) -> None:
    """Put the FEA-refined value of the target's best design into ``rec`` (keys fea_value, fea_margin,
    fea_met, fea_error, fea_violates: the run's constraints the refined design violates) when that
    design has been re-evaluated with the finite-element flux map."""
    did = rec.get("design_id")
    if did is None and rec.get("best_any"):
        did = rec["best_any"]["design_id"]  # a missed target: the design named in "limited by"
    fea = refined.get(did) if did is not None else None
    if fea is None:
        return
    rec["fea_design_id"] = did
    v = fea["kpis"].get(rec["kpi"], float("nan")) if fea["kpis"] else float("nan")
    rec["fea_value"] = v if math.isfinite(v) else None
    rec["fea_margin"] = margin(v, t) if math.isfinite(v) else None
    rec["fea_met"] = is_met(v, t)
    rec["fea_error"] = fea["error"]
    rec["fea_violates"] = [] if fea["error"] else refined_violations(list(constraints), fea["kpis"])


def refine_scoreboard_designs(run_path, targets=TARGETS, cycle=None, population: str = "front",
                              evaluator=None, progress: bool = True) -> list[dict]:
    """Re-evaluate with the finite-element field model (``--refine-fea``) the designs the scoreboard
    names for ``run_path``: the best design of each target, the design named as the limiter of a
    missed target, and the closest design to all targets at once. Stored in the run's ``/refined/fea`` (designs already there are kept, not re-run)."""

    rec = scoreboard_run(run_path, targets, cycle, population)
    ids = [t["design_id"] for t in rec["targets"] if t["design_id"] is not None]
    ids += [t["best_any"]["design_id"] for t in rec["targets"] if t.get("best_any")]
    ids += [rec[k]["closest_design_id"] for k in ("all_at_once", "all_at_once_with_stretch")
            if rec[k]["closest_design_id"] is not None]
    if not ids:
        return []
    return refine_designs(run_path, ids, evaluator=evaluator, name="fea", progress=progress)


def scoreboard(run_paths, targets=TARGETS, cycle=None, population: str = "front") -> dict:
    """Scoreboard of several runs: {"targets": [Target fields], "runs": [scoreboard_run records]}."""
    if isinstance(run_paths, (str, Path)):
        run_paths = [run_paths]
    return {"targets": [asdict(t) for t in targets],
            "runs": [scoreboard_run(p, targets, cycle, population) for p in run_paths]}
