"""The results of an optimisation run: its Pareto front, the designs to review, text tables, one
design re-evaluated or exported as a case file, and FEA refinement of designs (stored in the run).

- :func:`pareto_front_rows`: the non-dominated feasible designs (objectives as minimised);
- :func:`front_table`: a text table of them with their objective and constraint KPIs;
- :func:`infeasibility_text`: when no design is feasible, which constraints are violated (how
  many designs meet each one and the best value reached) and the closest designs (smallest summed
  normalised violation);
- :func:`refine_designs`, :func:`refine_fea`: FEA-refined KPIs of chosen designs in ``/refined/<name>``.

The HTML review is :mod:`motoropt.review`; the plots are in :mod:`motoropt.plots.runs`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.evaluation.fea import fea_evaluator
from motoropt.evaluation.pipeline import evaluate_design
from motoropt.optimize.problem import assignment_from_row, flatten_kpis
from motoropt.optimize.storage import RunData, open_h5, writer_lock, writing
from motoropt.store import values_to_toml

STANDARD_KPIS = ("peak_torque_nm", "peak_power_kw", "max_speed_rpm", "motor_mass_kg", "magnet_mass_kg",
                 "rare_earth_mass_kg", "motor_power_density_kw_per_kg", "peak_motor_efficiency")


def _run(run) -> RunData:
    return run if isinstance(run, RunData) else RunData(run)


def nondominated(F: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated rows of F (all minimised)."""
    if len(F) == 0:
        return np.zeros(0, int)
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    return np.sort(NonDominatedSorting().do(F, only_non_dominated_front=True))


def pareto_front_rows(run) -> np.ndarray:
    """Row indices (into the run's design arrays) of the non-dominated feasible designs."""
    r = _run(run)
    feas = np.nonzero(r.feasible)[0]
    return feas[nondominated(r.minimised()[feas])]


def select_designs(run, rows=None) -> list[int]:
    """Rows to review: the best front design for each objective, then the knee (closest to the
    ideal point in objectives normalised over the front)."""
    r = _run(run)
    rows = pareto_front_rows(r) if rows is None else np.asarray(rows)
    if len(rows) == 0:
        return []
    F = r.minimised()[rows]
    sel = [int(rows[np.argmin(F[:, j])]) for j in range(F.shape[1])]
    span = np.ptp(F, axis=0)
    Fn = (F - F.min(axis=0)) / np.where(span > 0, span, 1.0)
    sel.append(int(rows[np.argmin(np.linalg.norm(Fn, axis=1))]))
    return list(dict.fromkeys(sel))


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "nan"
    a = abs(v)
    return f"{v:.4g}" if (a >= 1e-3 and a < 1e5) or a == 0 else f"{v:.3e}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w[i]) for i, h in enumerate(header)), "  ".join("-" * x for x in w)]
    lines += ["  ".join(c.rjust(w[i]) for i, c in enumerate(r)) for r in rows]
    return "\n".join(lines)


def _kpi_cols(r: RunData) -> list[str]:
    cols = [o["kpi"] for o in r.objectives] + [c["kpi"] for c in r.constraints]
    cols += [k for k in STANDARD_KPIS if k in r.kpi_columns]
    return [c for c in dict.fromkeys(cols) if c in r.kpi_columns]


def front_table(run, rows=None) -> str:
    """Text table of designs (default: the feasible front, sorted by the first objective)."""
    r = _run(run)
    rows = pareto_front_rows(r) if rows is None else np.asarray(rows)
    rows = rows[np.argsort(r.minimised()[rows, 0], kind="stable")] if len(rows) else rows
    cols = _kpi_cols(r)
    kp, var = [], []
    for i in rows:
        ids = [str(int(r.id[i])), str(int(r.generation[i]))]
        kp.append(ids + [_fmt(r.kpis[i, r.kpi_columns.index(c)]) for c in cols])
        var.append(ids + [r.var_choices[j][int(round(r.x[i, j]))] if r.var_kinds[j] == "choice" else _fmt(r.x[i, j])
                          for j in range(len(r.var_names))])
    return (_table(["id", "gen"] + cols, kp) + "\n\nvariables of the same designs:\n"
            + _table(["id", "gen"] + r.var_names, var))


def infeasibility_text(run, n_closest: int = 5) -> str:
    """What stops every design from being feasible (empty string if some design is feasible)."""
    r = _run(run)
    if r.feasible.any() or len(r.id) == 0:
        return "" if len(r.id) else "no design was evaluated"
    ok = np.array([not e for e in r.error])
    lines = [f"NO FEASIBLE DESIGN among {len(r.id)} evaluated ({int((~ok).sum())} failed to evaluate)."]
    if not ok.any():
        errs = {}
        for e in r.error:
            errs[e] = errs.get(e, 0) + 1
        lines.append("Every evaluation failed; most frequent errors:")
        lines += [f"  {n} x {e}" for e, n in sorted(errs.items(), key=lambda t: -t[1])[:5]]
        return "\n".join(lines)
    lines.append("Constraints (designs that evaluated):")
    terms = []
    for c in r.constraints:
        if c.get("min") is not None:
            terms.append((c["kpi"], "min", c["min"]))
        if c.get("max") is not None:
            terms.append((c["kpi"], "max", c["max"]))
    for j, (k, kind, _bound) in enumerate(terms):
        g = r.con[ok, j]
        v = r.kpi(k)[ok]
        best = np.nanmax(v) if kind == "min" else np.nanmin(v)
        met = int(np.sum(g <= 0))
        tag = "VIOLATED BY ALL" if met == 0 else f"met by {met}"
        lines.append(f"  {r.constraint_labels[j]}: {tag}; best value reached {_fmt(best)}")
    idx = np.nonzero(ok)[0]
    closest = idx[np.argsort(r.violation[idx], kind="stable")[:n_closest]]
    lines.append("Closest designs (smallest summed normalised violation):")
    lines.append(front_table(r, closest))
    lines.append("violation: " + ", ".join(f"id {int(r.id[i])}: {r.violation[i]:.4g}" for i in closest))
    return "\n".join(lines)


def summary_text(run) -> str:
    r = _run(run)
    n_err = sum(1 for e in r.error if e)
    head = (f"run {r.path}: {len(r.id)} designs, {int(r.generation.max()) + 1 if len(r.id) else 0} generations, "
            f"{int(r.feasible.sum())} feasible, {n_err} failed to evaluate\n"
            f"objectives: " + ", ".join(f"{o['sense']} {o['kpi']}" for o in r.objectives) + "\n"
            "constraints: " + (", ".join(r.constraint_labels) or "none"))
    inf = infeasibility_text(r)
    if inf:
        return head + "\n" + inf
    fr = pareto_front_rows(r)
    return head + f"\nnon-dominated feasible designs ({len(fr)}):\n" + front_table(r, fr)


# --- design re-construction -----------------------------------------------------------------------
def run_design_values(run, design_id: int, full_map: bool = False) -> dict:
    """Case-file values of design ``design_id`` as evaluated in the run (with the run's map grid,
    or the case's own map grid if ``full_map``)."""

    r = _run(run)
    i = r.row(design_id)
    case = r.case()
    values = case.with_values(assignment_from_row(case.variables, r.x[i]))
    if not full_map:
        for k, v in r.map_overrides.items():
            values["map"][k] = v
    return values


def evaluate_run_design(run, design_id: int, full_map: bool = False):
    """Re-evaluate one design of a run: an :class:`~motoropt.evaluation.pipeline.Evaluation`."""

    r = _run(run)
    case = r.case()
    d = design_from_values(run_design_values(r, design_id, full_map), case.free)
    return evaluate_design(d, case_path=r.case_path)


def show(run, design_id: int, full_map: bool = False, out=None) -> dict:
    """Re-evaluate design ``design_id`` and print its KPIs; returns the KPI record."""

    out = out or sys.stdout
    r = _run(run)
    i = r.row(design_id)
    ev = evaluate_run_design(r, design_id, full_map)
    print(f"design {design_id} (generation {int(r.generation[i])}, "
          f"{'feasible' if r.feasible[i] else 'infeasible'}{'; error: ' + r.error[i] if r.error[i] else ''})", file=out)
    for j, name in enumerate(r.var_names):
        v = r.var_choices[j][int(round(r.x[i, j]))] if r.var_kinds[j] == "choice" else _fmt(r.x[i, j])
        print(f"  {name} = {v}", file=out)
    for k, v in flatten_kpis(ev.kpis).items():
        print(f"{k} = {_fmt(v)}", file=out)
    return ev.kpis


def export(run, design_id: int, case_out, full_map: bool = False) -> Path:
    """Write design ``design_id`` as a case file (fixed values; the [optimization] table dropped)."""

    r = _run(run)
    values = run_design_values(r, design_id, full_map)
    # the run's fluxmap_nodes changes no result, it only leaves flux-map points the drive never reads
    # unsolved: the exported design keeps the case's own choice (a whole flux map by default)
    values["map"]["fluxmap_nodes"] = r.case().values["map"]["fluxmap_nodes"]
    free = {k: v for k, v in r.case().free.items() if k != "optimization"}
    i = r.row(design_id)
    head = (f"# design {design_id} of optimisation run {Path(r.path).name} (case {r.case_path}), "
            f"{'feasible' if r.feasible[i] else 'infeasible'}\n")
    p = Path(case_out)
    p.write_text(head + values_to_toml(values, free), encoding="utf-8")
    return p


# --- FEA refinement hook ------------------------------------------------------------------------------
def resolve_fea_evaluator():
    """The FEA-backed evaluator ``f(values: dict, free: dict) -> kpis``
    (:func:`motoropt.evaluation.fea.fea_evaluator`)."""
    return fea_evaluator


def refine_fea(run_path, k: int, evaluator=None, name: str = "fea") -> list[dict]:
    """Re-evaluate the top-``k`` designs of a run with an FEA-backed evaluator.

    Top-k: the selected designs (best per objective, knee) first, then the rest of the feasible
    front in order of the first objective; if the front has fewer than k, the feasible designs
    nearest to it (non-dominated sorting ranks). ``evaluator(values, free) -> kpis dict`` gets
    the design's case-file values with the case's own map grid. Results are stored in
    ``/refined/<name>`` of the run file (ids, kpis with columns, error) and returned as a list of
    ``{"id", "kpis" (flattened: dotted KPI names), "error"}``. Raises
    :class:`~motoropt.errors.InputError` if no evaluator is given and the FEA path provides none.
    """
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError("--refine-fea", k, "an integer >= 1")
    ev = evaluator or resolve_fea_evaluator()
    if ev is None:
        raise InputError("--refine-fea", k, "used once an FEA evaluator is available "
                                            "(motoropt.evaluation.fea.fea_evaluator), or with evaluator=")
    r = _run(run_path)
    feas = np.nonzero(r.feasible)[0]
    if len(feas) == 0:
        raise InputError("--refine-fea", k, "used on a run with at least one feasible design")
    order = []
    sel = select_designs(r)
    order += sel
    fronts = NonDominatedSorting().do(r.minimised()[feas])
    for f in fronts:
        rows = feas[f]
        order += [int(i) for i in rows[np.argsort(r.minimised()[rows, 0], kind="stable")]]
    order = list(dict.fromkeys(order))[:k]
    return refine_designs(r, [int(r.id[i]) for i in order], evaluator=ev, name=name, replace=True)


def refined_results(run, name: str = "fea") -> dict:
    """Stored refinement results of a run: {design id: {"kpis": flat dict or None, "error": str}}
    ({} when the run has no ``/refined/<name>``)."""
    import json


    path = run.path if hasattr(run, "path") else str(run)
    with open_h5(path, "r") as f:  # waits while a running optimisation appends
        if f"refined/{name}" not in f:
            return {}
        h = f[f"refined/{name}"]
        cols = json.loads(h["kpis"].attrs["columns"])
        K = h["kpis"][()]
        err = [e.decode() if isinstance(e, bytes) else str(e) for e in h["error"][()]]
        out = {}
        for j, did in enumerate(h["id"][()]):
            kp = None if err[j] else {c: float(K[j, i]) for i, c in enumerate(cols)}
            out[int(did)] = {"kpis": kp, "error": err[j]}
        return out


def refine_designs(run, ids, evaluator=None, name: str = "fea", replace: bool = False,
                   progress: bool = False) -> list[dict]:
    """Re-evaluate the designs ``ids`` of a run (path or RunData) with an FEA-backed evaluator
    (``evaluator(values, free) -> kpis``; default: :func:`resolve_fea_evaluator`) and store them in
    ``/refined/<name>``: merged with the designs already stored there unless ``replace``. Designs
    already stored are not re-evaluated (unless ``replace``), except those whose stored refinement
    failed: they are tried again (the failure may have been the code's or the machine's, e.g. an
    FEA path that did not exist yet). Returns the new results as
    ``{"id", "kpis", "error"}`` dicts; an evaluation error is recorded, not raised."""
    import h5py


    ev = evaluator or resolve_fea_evaluator()
    if ev is None:
        raise InputError("--refine-fea", list(ids), "used once an FEA evaluator is available "
                                                     "(motoropt.evaluation.fea.fea_evaluator), or with evaluator=")
    r = run if isinstance(run, RunData) else RunData(run)
    have = {} if replace else refined_results(r, name)
    free = r.case().free
    results = []
    todo = [int(i) for i in dict.fromkeys(int(i) for i in ids)
            if replace or int(i) not in have or have[int(i)]["error"]]
    for n, did in enumerate(todo):
        r.row(did)  # a clear error for an unknown id
        if progress:
            print(f"  FEA refinement {n + 1}/{len(todo)}: design {did}", file=sys.stderr, flush=True)
        try:
            kp = ev(run_design_values(r, did, full_map=True), free)
            results.append({"id": did, "kpis": flatten_kpis(kp), "error": ""})
        except Exception as e:
            results.append({"id": did, "kpis": None, "error": f"{type(e).__name__}: {e}"})
    new_ids = {x["id"] for x in results}
    merged = [{"id": i, **v} for i, v in have.items() if i not in new_ids] + results
    cols = sorted(set().union(*[x["kpis"] for x in merged if x["kpis"]]))

    with writer_lock(r.path), writing(r.path, "store the FEA refinement in") as f:
        g = f.require_group("refined")
        if name in g:
            del g[name]
        h = g.create_group(name)
        h.create_dataset("id", data=np.array([x["id"] for x in merged], np.int64))
        K = np.full((len(merged), len(cols)), np.nan)
        for j, x in enumerate(merged):
            if x["kpis"]:
                K[j] = [x["kpis"].get(c, np.nan) for c in cols]
        d = h.create_dataset("kpis", data=K)
        d.attrs["columns"] = __import__("json").dumps(cols)
        h.create_dataset("error", data=np.array([x["error"] for x in merged], dtype=object), dtype=h5py.string_dtype())
    return results
