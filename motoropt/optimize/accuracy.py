"""Accuracy budget of the optimiser's fast path (issue 15).

The optimiser evaluates each design on the grids of the case's ``[optimization]`` (``map_n_speed``,
``map_n_torque``, ``map_torque_nodes``, ``fluxmap_n_d``, ``fluxmap_n_q``:
:data:`motoropt.case.optimization.MAP_OVERRIDES`);
``motoropt evaluate``, ``show`` and ``export`` use the case's own ``[map]`` grids (the full-accuracy
path). :func:`compare_paths` evaluates random designs from a case's ranges both ways and reports
the differences of the KPIs the budget names:

- peak torque and peak power: relative difference, within 0.5 %;
- each cycle's motor efficiency: difference in percentage points, within 0.1 point;
- each cycle's winding hotspot: difference in K, within 1 K;

and, for information, the constraint KPIs a run also decides on (demagnetisation margin, points
beyond the envelope), and the hotspot difference without the designs whose full-path hotspot is
above RUNAWAY_C (250 degC, beyond every insulation class: a runaway, where a small loss difference
moves the hotspot by many K and both paths reject the design by far). Designs that fail to evaluate on either path are counted, not compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from motoropt.case import design_from_values, load_case
from motoropt.errors import MotoroptError
from motoropt.evaluation.pipeline import evaluate_design
from motoropt.optimize.problem import bounds, decode, design_values, parse_optimization

# KPI -> (kind, limit): "rel" relative difference (fraction), "pt" difference x 100 (percentage
# points of a fraction), "abs" absolute difference in the KPI's unit
BUDGET = {
    "peak_torque_nm": ("rel", 0.005),
    "peak_power_kw": ("rel", 0.005),
    "motor_efficiency": ("pt", 0.1),
    "winding_hotspot_c_max": ("abs", 1.0),
}
INFO = {"demag_margin": "abs", "points_beyond_envelope": "abs"}
# winding hotspot above every insulation class's limit (the highest, class 240: 240 degC): a design's
# hotspot there is a thermal runaway on both paths, reported apart (information)
RUNAWAY_C = 250.0


@dataclass
class PathComparison:
    """Differences fast - full per design and KPI; ``worst`` the largest |difference| per KPI (in
    the budget's unit: fraction, points or K); ``failed`` designs that did not evaluate on a path."""

    case: str
    n_designs: int = 0
    failed: int = 0
    diffs: dict = field(default_factory=dict)  # kpi label -> list of differences
    full: dict = field(default_factory=dict)  # kpi label -> list of the full path's values (same order)
    fast_s: float = 0.0
    full_s: float = 0.0

    def worst(self) -> dict:
        return {k: float(np.max(np.abs(v))) if v else math.nan for k, v in self.diffs.items()}

    def within_budget(self) -> bool:
        """Every budget KPI of every compared design within its limit."""
        return all(abs(d) <= BUDGET[_base(k)][1] * (1 + 1e-12) for k, v in self.diffs.items()
                   if _base(k) in BUDGET for d in v)


def _base(label: str) -> str:
    return label.split(".")[-1]


def _difference(kind: str, fast: float, full: float) -> float:
    if kind == "rel":
        return (fast - full) / abs(full) if full != 0 else (0.0 if fast == full else math.inf)
    if kind == "pt":
        return 100.0 * (fast - full)
    return fast - full


def _compared(kpis: dict) -> dict:
    """{label: (kind, value)} of the budget's and the informational KPIs present in a record."""
    out = {}
    for k, (kind, _) in BUDGET.items():
        if k in kpis:
            out[k] = (kind, kpis[k])
    for name, ck in kpis.get("cycles", {}).items():
        for k, (kind, _) in BUDGET.items():
            if k in ck:
                out[f"cycles.{name}.{k}"] = (kind, ck[k])
        if "points_beyond_envelope" in ck:
            out[f"cycles.{name}.points_beyond_envelope"] = ("abs", ck["points_beyond_envelope"])
    if "demag_margin" in kpis:
        out["demag_margin"] = ("abs", kpis["demag_margin"])
    return out


def sample_assignments(case, n: int, seed: int = 0) -> list[dict]:
    """n designs drawn uniformly from the case's ranges (seeded)."""
    xl, xu = bounds(case.variables)
    rng = np.random.default_rng(seed)
    return [decode(case.variables, xl + rng.random(len(xl)) * (xu - xl)) for _ in range(n)]


def compare_paths(case_path, n: int = 20, seed: int = 0, max_tries: int | None = None,
                  overrides: dict | None = None) -> PathComparison:
    """Evaluate up to ``max_tries`` (default 3 n) random designs of the case until ``n`` evaluated on
    both paths; returns the differences fast - full (see the module docstring). ``overrides``
    ({[map] key: value}, e.g. ``{"n_speed": 30}``) replaces the ``[optimization]`` grids."""
    import time

    case = load_case(case_path)
    spec = parse_optimization(case.free)
    fast_grid = spec.map_overrides if overrides is None else overrides
    res = PathComparison(case=str(case_path))
    for a in sample_assignments(case, max_tries or 3 * n, seed):
        if res.n_designs >= n:
            break
        try:
            t0 = time.process_time()
            fast = evaluate_design(design_from_values(design_values(case, a, fast_grid), case.free)).kpis
            t1 = time.process_time()
            full = evaluate_design(design_from_values(design_values(case, a, {}), case.free)).kpis
            t2 = time.process_time()
        except MotoroptError:
            res.failed += 1
            continue
        res.fast_s += t1 - t0
        res.full_s += t2 - t1
        res.n_designs += 1
        f, g = _compared(fast), _compared(full)
        for label, (kind, v) in g.items():
            if label in f and all(isinstance(x, (int, float)) and math.isfinite(x) for x in (v, f[label][1])):
                res.diffs.setdefault(label, []).append(_difference(kind, float(f[label][1]), float(v)))
                res.full.setdefault(label, []).append(float(v))
    return res


def comparison_text(cmp: PathComparison) -> str:
    """A table: per KPI the largest |difference| against its budget."""
    unit = {"rel": "%", "pt": "points", "abs": ""}
    lines = [f"{cmp.case}: {cmp.n_designs} designs compared ({cmp.failed} failed to evaluate); CPU per design "
             f"fast {1e3 * cmp.fast_s / max(cmp.n_designs, 1):.1f} ms, full {1e3 * cmp.full_s / max(cmp.n_designs, 1):.1f} ms"]
    for label, worst in cmp.worst().items():
        base = _base(label)
        if base in BUDGET:
            kind, lim = BUDGET[base]
            sc = 100.0 if kind == "rel" else 1.0
            ok = "ok" if worst <= lim * (1 + 1e-12) else "OVER BUDGET"
            lines.append(f"  {label:48s} max |fast - full| {sc * worst:9.4f} {unit[kind]:6s} "
                         f"(budget {sc * lim:g} {unit[kind]}: {ok})")
            if base == "winding_hotspot_c_max" and label in cmp.full:
                n_run, below = _runaway_split(cmp.diffs[label], cmp.full[label])
                if n_run:
                    lines.append(f"    {n_run} design(s) above {RUNAWAY_C:g} degC (runaway); the others: max |fast - "
                                 f"full| {below:.4f} (information)")
        else:
            lines.append(f"  {label:48s} max |fast - full| {worst:9.4f}         (information)")
    return "\n".join(lines)


def _runaway_split(diffs: list, full: list) -> tuple[int, float]:
    """(designs whose full-path hotspot is above RUNAWAY_C, largest |difference| among the others;
    NaN when there are none)."""
    d, f = np.abs(np.asarray(diffs, dtype=float)), np.asarray(full, dtype=float)
    keep = f <= RUNAWAY_C
    return int(np.sum(~keep)), float(np.max(d[keep])) if np.any(keep) else math.nan
