"""The data the HTML review embeds (one JSON object, ``review_data``), read from a run file.

Layout (``format`` "motoropt-review", ``format_version`` 1; every array is a JSON list, NaN and
infinities are ``null``):

- ``run``: the run's metadata: file, case path and name, algorithm, population, generations
  (planned and done), seed, budget (population x generations), designs evaluated, complete,
  motoropt version that wrote the run, created (UTC), the optimisation's map grids
  (``map_overrides``), the case file's text (``case_toml``); ``report``: the version and time of
  the report itself and which grid the design details were evaluated on (``detail_grid``: "run",
  the run's own grids, so the details reproduce the stored KPIs; or "case", the case's grids).
- ``objectives`` [{kpi, sense}], ``constraints`` [{kpi, kind "min"|"max", bound, label}] (one per
  bound, the order of the run's normalised constraint columns), ``variables`` [{name, kind, lo,
  hi, choices}].
- ``designs``: columns over every evaluated design, in the run file's row order: ``id``,
  ``generation``, ``feasible`` (0/1), ``front`` (0/1: non-dominated feasible), ``error``,
  ``violation``, ``x`` {variable: values (choices as their index)}, ``objectives`` {kpi: values as
  reported}, ``g`` {constraint label: normalised g, <= 0 met}, ``kpis`` {dotted KPI name: values}:
  the run file's own numbers (``/designs/*``), not rounded.
- ``front``: ids of the non-dominated feasible designs; ``selected``: the designs the page opens
  with (best for each objective and the knee, :func:`motoropt.optimize.report.select_designs`;
  without a feasible design, the three with the smallest violation, which then get details too);
  ``key_kpis``: the KPIs shown on hover and in the tables.
- ``details`` {id: {``kpis`` (re-evaluated, flattened), ``envelope``, ``cycle_losses_wh`` {cycle:
  {kind: Wh}}, ``hotspot_c_max`` {cycle: degC}, ``figures`` {section, map, losses, thermal: plotly
  figures}}}: computed for the front (or the closest designs) and the designs asked for, not for
  every design.
"""

from __future__ import annotations

import datetime as _dt
import math
import sys
from pathlib import Path

import numpy as np
import plotly.io as pio

from motoropt import __version__
from motoropt.errors import InputError
from motoropt.optimize.problem import flatten_kpis
from motoropt.optimize.report import STANDARD_KPIS, _run, evaluate_run_design, pareto_front_rows, select_designs
from motoropt.plots.interactive import cycle_loss_wh, design_figures, envelope_arrays

N_CLOSEST = 3  # designs detailed when no design is feasible
FORMAT = "motoropt-review"
FORMAT_VERSION = 1


def clean(obj):
    """``obj`` with numpy scalars and arrays as Python numbers and lists, NaN/inf as None."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    return obj


def constraint_terms(r) -> list[dict]:
    """One entry per constraint bound, in the order of the run's normalised columns (g)."""
    terms = []
    for c in r.constraints:
        for kind in ("min", "max"):
            if c.get(kind) is not None:
                terms.append({"kpi": c["kpi"], "kind": kind, "bound": float(c[kind])})
    for t, label in zip(terms, r.constraint_labels):
        t["label"] = label
    return terms


def key_kpis(r) -> list[str]:
    """Objectives, constraint KPIs, the standard KPIs and each cycle's motor efficiency, in that
    order, where the run stores them."""
    cols = [o["kpi"] for o in r.objectives] + [c["kpi"] for c in r.constraints]
    cols += [k for k in STANDARD_KPIS if k in r.kpi_columns]
    cols += [k for k in r.kpi_columns if k.startswith("cycles.") and k.endswith(".motor_efficiency")]
    return [c for c in dict.fromkeys(cols) if c in r.kpi_columns]


def parse_ids(text) -> list[int]:
    """``"3,17, 42"`` (or a list) -> [3, 17, 42]; InputError naming ``--designs`` otherwise."""
    if text is None:
        return []
    items = text if isinstance(text, (list, tuple)) else [t for t in str(text).replace(" ", "").split(",") if t]
    try:
        ids = [int(t) for t in items]
    except (TypeError, ValueError):
        raise InputError("--designs", text, "design ids separated by commas, e.g. 3,17,42") from None
    return list(dict.fromkeys(ids))


def run_metadata(r) -> dict:
    a = r.attrs
    pop, gens = int(a.get("pop", 0)), int(a.get("generations", 0))
    case = r.case()
    return {"file": Path(r.path).name, "path": str(Path(r.path).resolve()), "case_path": r.case_path,
            "case_name": case.values.get("machine", {}).get("name", Path(r.case_path).stem),
            "algorithm": str(a.get("algorithm", "")), "pop": pop, "generations": gens,
            "generations_done": int(a.get("generations_done", 0)), "seed": clean(a.get("seed")),
            "budget": pop * gens, "evaluated": len(r.id), "feasible": int(r.feasible.sum()),
            "failed": sum(1 for e in r.error if e), "complete": bool(int(a.get("complete", 0))),
            "motoropt_version": str(a.get("motoropt_version", "")), "created_utc": str(a.get("created_utc", "")),
            "map_overrides": r.map_overrides, "case_toml": r.case_toml}


def design_detail(r, design_id: int, full_map: bool = False) -> dict:
    """One design re-evaluated (on the run's grids, or the case's with ``full_map``): its KPIs,
    envelope, cycle loss energies, hotspot maxima and interactive figures."""
    ev = evaluate_run_design(r, design_id, full_map=full_map)
    hot = {}
    for name in ev.cycles:
        arr = ev.cycle_arrays(name).get("T_winding_c")
        if arr is not None and len(arr):
            hot[name] = float(np.max(arr))
    return {"id": int(design_id), "kpis": flatten_kpis(ev.kpis), "envelope": envelope_arrays(ev),
            "cycle_losses_wh": cycle_loss_wh(ev), "hotspot_c_max": hot,
            "figures": design_figures(ev, f"design {design_id}")}


def review_data(run, designs=None, full_map: bool = False, progress: bool = False) -> dict:
    """The review's data for a run (path or RunData); details for the front and ``designs`` (ids)."""
    r = _run(run)
    extra = parse_ids(designs)
    for did in extra:
        r.row(did)  # InputError for an id the run does not have
    fr = pareto_front_rows(r)
    front_ids = [int(r.id[i]) for i in fr]
    front = np.zeros(len(r.id), np.uint8)
    front[fr] = 1
    terms = constraint_terms(r)
    if len(fr):
        selected = [int(r.id[i]) for i in select_designs(r)]
    else:  # no feasible design: the closest ones (smallest summed violation among those that evaluated)
        ok = np.nonzero([not e for e in r.error])[0]
        selected = [int(r.id[i]) for i in ok[np.argsort(r.violation[ok], kind="stable")[:N_CLOSEST]]]
    data = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "report": {"motoropt_version": __version__, "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                   "detail_grid": "case" if full_map else "run"},
        "run": run_metadata(r),
        "objectives": [{"kpi": o["kpi"], "sense": o["sense"]} for o in r.objectives],
        "constraints": terms,
        "variables": [{"name": n, "kind": k, "lo": float(lo), "hi": float(hi), "choices": ch}
                      for n, k, lo, hi, ch in zip(r.var_names, r.var_kinds, r.var_lo, r.var_hi, r.var_choices)],
        "designs": {
            "id": r.id, "generation": r.generation, "feasible": r.feasible.astype(np.uint8), "front": front,
            "error": list(r.error), "violation": r.violation,
            "x": {n: r.x[:, j] for j, n in enumerate(r.var_names)},
            "objectives": {o["kpi"]: r.obj[:, j] for j, o in enumerate(r.objectives)},
            "g": {t["label"]: r.con[:, j] for j, t in enumerate(terms)},
            "kpis": {c: r.kpis[:, j] for j, c in enumerate(r.kpi_columns)},
        },
        "front": front_ids, "selected": selected, "key_kpis": key_kpis(r),
        "details": {},
    }
    todo = list(dict.fromkeys(front_ids + (selected if not front_ids else []) + extra))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="design", desc="report: design details", file=sys.stderr, dynamic_ncols=True)
    try:
        for did in todo:
            data["details"][str(did)] = design_detail(r, did, full_map=full_map)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    data["template"] = _template()
    return clean(data)


def _template() -> dict:
    """The page's plotly template (plotly_white), applied to every figure by the page."""
    t = pio.templates["plotly_white"].to_plotly_json()
    return {"layout": t.get("layout", {})}
