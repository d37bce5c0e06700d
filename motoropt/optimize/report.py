"""Pareto review of an optimisation run: ``motoropt report``, ``show`` and ``export``.

- :func:`pareto_front_rows`: the non-dominated feasible designs (objectives as minimised);
- :func:`front_table`: a text table of them with their objective and constraint KPIs;
- :func:`infeasibility_text`: when no design is feasible, which constraints are violated (how
  many designs meet each one and the best value reached) and the closest designs (smallest summed
  normalised violation);
- plots: Pareto pairs (colour = a third objective, or the generation), parallel coordinates of
  the variables (normalised to their ranges), the cross-section of selected designs drawn from
  their geometry (stator slots with coils, rotor, V or surface magnets, barriers, shaft), each
  selected design's efficiency map with its cycle points (re-evaluated, full case map grid);
- :func:`write_html`: one self-contained HTML page (PNG images embedded as base64).
"""

from __future__ import annotations

import base64
import html as _html
import math
import sys
from pathlib import Path

import numpy as np

from ..errors import InputError
from .storage import RunData

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
    for j, (k, kind, b) in enumerate(terms):
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
    from .problem import assignment_from_row

    r = _run(run)
    i = r.row(design_id)
    case = r.case()
    values = case.with_values(assignment_from_row(case.variables, r.x[i]))
    if not full_map:
        for k, v in r.map_overrides.items():
            values["map"][k] = v
    return values


def evaluate_run_design(run, design_id: int, full_map: bool = False):
    """Re-evaluate one design of a run: an :class:`~motoropt.evaluate.Evaluation`."""
    from ..design import design_from_values
    from ..evaluate import evaluate_design

    r = _run(run)
    case = r.case()
    d = design_from_values(run_design_values(r, design_id, full_map), case.free)
    return evaluate_design(d, case_path=r.case_path)


def show(run, design_id: int, full_map: bool = False, out=None) -> dict:
    """Re-evaluate design ``design_id`` and print its KPIs; returns the KPI record."""
    from .problem import flatten_kpis

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
    from ..store import values_to_toml

    r = _run(run)
    values = run_design_values(r, design_id, full_map)
    free = {k: v for k, v in r.case().free.items() if k != "optimization"}
    i = r.row(design_id)
    head = (f"# design {design_id} of optimisation run {Path(r.path).name} (case {r.case_path}), "
            f"{'feasible' if r.feasible[i] else 'infeasible'}\n")
    p = Path(case_out)
    p.write_text(head + values_to_toml(values, free), encoding="utf-8")
    return p


# --- plots --------------------------------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def pareto_png(run, path) -> Path:
    """2-D Pareto plots of every objective pair; feasible designs coloured by a third objective
    (or the generation), infeasible ones as grey crosses, the front as circled points."""
    plt = _plt()
    r = _run(run)
    n = len(r.objectives)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)] or [(0, 0)]
    fig, axs = plt.subplots(1, len(pairs), figsize=(5.5 * len(pairs), 4.5), squeeze=False)
    fr = pareto_front_rows(r)
    feas = r.feasible
    for ax, (a, b) in zip(axs[0], pairs):
        third = [k for k in range(n) if k not in (a, b)]
        c = r.obj[:, third[0]] if third else r.generation.astype(float)
        clabel = r.objectives[third[0]]["kpi"] if third else "generation"
        ok = np.isfinite(r.obj[:, a]) & np.isfinite(r.obj[:, b])
        ax.scatter(r.obj[ok & ~feas, a], r.obj[ok & ~feas, b], marker="x", c="0.75", s=12, label="infeasible")
        sc = ax.scatter(r.obj[ok & feas, a], r.obj[ok & feas, b], c=c[ok & feas], s=14, cmap="viridis", label="feasible")
        if len(fr):
            o = fr[np.argsort(r.obj[fr, a])]
            ax.plot(r.obj[o, a], r.obj[o, b], "o-", mfc="none", mec="r", color="r", lw=0.8, ms=7, label="front")
        if feas.any():
            fig.colorbar(sc, ax=ax, label=clabel)
        ax.set_xlabel(f"{r.objectives[a]['kpi']} ({r.objectives[a]['sense']})")
        ax.set_ylabel(f"{r.objectives[b]['kpi']} ({r.objectives[b]['sense']})")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def parallel_coordinates_png(run, path) -> Path:
    """Variables normalised to their ranges: all feasible designs in grey, the front coloured by
    the first objective."""
    plt = _plt()
    r = _run(run)
    span = np.where(r.var_hi > r.var_lo, r.var_hi - r.var_lo, 1.0)
    lo = r.var_lo.copy()
    for j, k in enumerate(r.var_kinds):
        if k == "choice":
            lo[j], span[j] = 0.0, max(len(r.var_choices[j]) - 1, 1)
    Xn = (r.x - lo) / span
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(r.var_names)), 4.5))
    xs = np.arange(len(r.var_names))
    feas = np.nonzero(r.feasible)[0]
    for i in feas[:: max(1, len(feas) // 400)]:
        ax.plot(xs, Xn[i], color="0.85", lw=0.5)
    fr = pareto_front_rows(r)
    if len(fr):
        v = r.obj[fr, 0]
        cmap = plt.get_cmap("viridis")
        vn = (v - v.min()) / (np.ptp(v) or 1.0)
        for i, t in zip(fr, vn):
            ax.plot(xs, Xn[i], color=cmap(t), lw=1.2)
        sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(v.min(), v.max()))
        fig.colorbar(sm, ax=ax, label=f"front: {r.objectives[0]['kpi']}")
    ax.set_xticks(xs)
    ax.set_xticklabels([n.split(".")[-1] for n in r.var_names], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("position in range (0 = min, 1 = max)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def _rot(pts, phi):
    c, s = math.cos(phi), math.sin(phi)
    pts = np.asarray(pts, float)
    return np.column_stack([c * pts[:, 0] - s * pts[:, 1], s * pts[:, 0] + c * pts[:, 1]])


def draw_cross_section(ax, design) -> None:
    """Draw the machine cross-section (mm) from its geometry: stator lamination with trapezoidal
    slots (copper) and slot openings, rotor lamination, V (two magnets per pole in their barrier
    legs, magnetisation alternating N/S) or surface magnets, shaft."""
    from matplotlib.patches import Circle, Polygon, Wedge

    from ..geometry.rotor import SurfacePMRotor

    s, ro, p = design.stator, design.rotor, design.p
    k = 1e3
    steel, air, cu = "#b8bcc4", "white", "#d08a3a"
    ax.add_patch(Circle((0, 0), s.D_o / 2 * k, fc=steel, ec="k", lw=0.6))
    ax.add_patch(Circle((0, 0), s.D_i / 2 * k, fc=air, ec="k", lw=0.6))
    R_i = s.D_i / 2
    r_tip, r_bot = R_i + s.tip_height, R_i + s.slot_depth
    for q in range(s.Q):
        phi = 2 * math.pi * q / s.Q
        opening = [(R_i - 1e-5, -s.slot_opening / 2), (r_tip, -s.slot_opening / 2),
                   (r_tip, s.slot_opening / 2), (R_i - 1e-5, s.slot_opening / 2)]
        slot = [(r_tip, -s.slot_width_top / 2), (r_bot, -s.slot_width_bottom / 2),
                (r_bot, s.slot_width_bottom / 2), (r_tip, s.slot_width_top / 2)]
        ax.add_patch(Polygon(_rot(opening, phi) * k, closed=True, fc=air, ec="none"))
        ax.add_patch(Polygon(_rot(slot, phi) * k, closed=True, fc=cu, ec="k", lw=0.3))
    R = ro.D_r / 2
    ax.add_patch(Circle((0, 0), R * k, fc=steel, ec="k", lw=0.6))
    for pole in range(2 * p):
        theta = math.pi * pole / p  # pole centre
        col = "#c0392b" if pole % 2 == 0 else "#2e6da4"
        if isinstance(ro, SurfacePMRotor):
            half = 0.5 * ro.pole_arc_ratio * math.pi / p
            ax.add_patch(Wedge((0, 0), ro.R_magnet * k, math.degrees(theta - half), math.degrees(theta + half),
                               width=ro.magnet_thickness * k, fc=col, ec="k", lw=0.4))
            continue
        R1 = R - ro.bridge
        a = ro.half_opening_angle
        for side in (1, -1):
            v0 = np.array([R - ro.v_depth, side * ro.post / 2])  # vertex end of the leg's outer edge
            v1 = np.array([R1 * math.cos(a), side * R1 * math.sin(a)])  # outer tip
            u = (v1 - v0) / np.linalg.norm(v1 - v0)
            n = np.array([-u[1], u[0]]) if side == 1 else np.array([u[1], -u[0]])  # away from the pole piece
            if n[0] > 0:
                n = -n
            L = np.linalg.norm(v1 - v0)
            h = ro.magnet_thickness
            barrier = [v0, v1, v1 + h * n, v0 + h * n]
            s0 = 0.5 * (L - ro.magnet_width)
            mag = [v0 + s0 * u, v0 + (s0 + ro.magnet_width) * u, v0 + (s0 + ro.magnet_width) * u + h * n, v0 + s0 * u + h * n]
            ax.add_patch(Polygon(_rot(barrier, theta) * k, closed=True, fc=air, ec="k", lw=0.3))
            ax.add_patch(Polygon(_rot(mag, theta) * k, closed=True, fc=col, ec="k", lw=0.3))
    ax.add_patch(Circle((0, 0), ro.D_shaft / 2 * k, fc="0.35", ec="k", lw=0.6))
    lim = s.D_o / 2 * k * 1.03
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("mm")


def cross_section_png(design, path, title: str | None = None) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    draw_cross_section(ax, design)
    ax.set_title(title or design.name, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def _b64(path) -> str:
    return base64.b64encode(Path(path).read_bytes()).decode("ascii")


def write_html(run, html_path, workdir=None, selected=None) -> Path:
    """Design-review HTML: summary, front table, Pareto plots, parallel coordinates, and for each
    selected design its cross-section and efficiency map with the cycle points."""
    import tempfile

    from ..plots import efficiency_map_png
    from .problem import flatten_kpis

    r = _run(run)
    tmp = Path(workdir or tempfile.mkdtemp(prefix="motoropt_report_"))
    tmp.mkdir(parents=True, exist_ok=True)
    parts = [f"<h1>Optimisation run {_html.escape(Path(r.path).name)}</h1>",
             f"<pre>{_html.escape(summary_text(r))}</pre>"]
    if len(r.id) and np.isfinite(r.obj).any():
        parts.append(f'<h2>Pareto front</h2><img src="data:image/png;base64,{_b64(pareto_png(r, tmp / "pareto.png"))}">')
        parts.append(f'<h2>Variables (parallel coordinates)</h2>'
                     f'<img src="data:image/png;base64,{_b64(parallel_coordinates_png(r, tmp / "parallel.png"))}">')
    sel = select_designs(r) if selected is None else [r.row(i) for i in selected]
    for i in sel:
        did = int(r.id[i])
        ev = evaluate_run_design(r, did, full_map=True)
        xs = cross_section_png(ev.design, tmp / f"design_{did}_xs.png", title=f"design {did}")
        em = efficiency_map_png(ev, tmp / f"design_{did}_map.png", title=f"design {did}")
        flat = flatten_kpis(ev.kpis)
        rows = "".join(f"<tr><td>{_html.escape(k)}</td><td>{_fmt(flat[k])}</td></tr>"
                       for k in _kpi_cols(r) if k in flat)
        parts.append(f"<h2>Design {did}</h2><table border=1 cellpadding=3>{rows}</table>"
                     f'<img src="data:image/png;base64,{_b64(xs)}"><img src="data:image/png;base64,{_b64(em)}">')
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>motoropt run report</title>"
            "<style>body{font-family:sans-serif;margin:1em} img{max-width:100%} pre{font-size:11px}</style>"
            "</head><body>" + "\n".join(parts) + "</body></html>")
    p = Path(html_path)
    p.write_text(page, encoding="utf-8")
    return p


def report(run_path, html=None, out=None) -> str:
    """``motoropt report``: print the summary and front table; write the HTML review if asked."""
    out = out or sys.stdout
    r = _run(run_path)
    text = summary_text(r)
    print(text, file=out)
    if html:
        write_html(r, html)
        print(f"wrote {html}", file=out)
    return text


# --- FEA refinement hook ------------------------------------------------------------------------------
def resolve_fea_evaluator():
    """The FEA-backed evaluator ``f(values: dict, free: dict) -> kpis`` if the FEA path provides
    one (``motoropt.evaluate_fea.evaluate_values``), else None."""
    try:
        from ..evaluate_fea import evaluate_values  # type: ignore[import-not-found]
    except ImportError:
        return None
    return evaluate_values


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
                                            "(motoropt.evaluate_fea.evaluate_values not found), or with evaluator=")
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

    from .storage import open_h5

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
    already stored are not re-evaluated (unless ``replace``). Returns the new results as
    ``{"id", "kpis", "error"}`` dicts; an evaluation error is recorded, not raised."""
    import h5py

    from .problem import flatten_kpis
    from .storage import RunData

    ev = evaluator or resolve_fea_evaluator()
    if ev is None:
        raise InputError("--refine-fea", list(ids), "used once an FEA evaluator is available "
                                                     "(motoropt.evaluate_fea.evaluate_values not found), or with evaluator=")
    r = run if isinstance(run, RunData) else RunData(run)
    have = {} if replace else refined_results(r, name)
    free = r.case().free
    results = []
    todo = [int(i) for i in dict.fromkeys(int(i) for i in ids) if replace or int(i) not in have]
    for n, did in enumerate(todo):
        r.row(did)  # a clear error for an unknown id
        if progress:
            print(f"  FEA refinement {n + 1}/{len(todo)}: design {did}", file=sys.stderr, flush=True)
        try:
            kp = ev(run_design_values(r, did, full_map=True), free)
            results.append({"id": did, "kpis": flatten_kpis(kp), "error": ""})
        except Exception as e:  # noqa: BLE001 - recorded per design
            results.append({"id": did, "kpis": None, "error": f"{type(e).__name__}: {e}"})
    new_ids = {x["id"] for x in results}
    merged = [{"id": i, **v} for i, v in have.items() if i not in new_ids] + results
    cols = sorted(set().union(*[x["kpis"] for x in merged if x["kpis"]]))
    from .storage import writer_lock, writing

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
