"""The optimisation problem: the case's ``[optimization]`` table, variable encoding, one design's
evaluation, objective/constraint vectors and the pymoo :class:`~pymoo.core.problem.Problem`.

Conventions (pymoo): every objective is minimised (``sense = "max"`` objectives enter as ``-value``);
every inequality constraint is ``g <= 0``. Constraints are normalised by their bound,
``g = (min - v) / max(|min|, 1e-12)`` and ``g = (v - max) / max(|max|, 1e-12)`` (bound 0: absolute),
so that violations of different KPIs are comparable in the summed constraint violation.
A design whose construction or evaluation fails (InputError for infeasible geometry,
ConvergenceError, any exception) or whose objective/constraint KPI is NaN gets
``g = ERROR_VIOLATION`` on every constraint and on the extra ``evaluation_ok`` constraint, and its
objectives are set to ``ERROR_OBJECTIVE`` (any failure is worse than every evaluated design).

Variable encoding: pymoo sees reals. A float variable is its own value in [lo, hi]; an integer
variable is ``round(x)`` with x in [lo - 0.5 + eps, hi + 0.5 - eps] (every integer equally wide);
a choice among n names is the index ``round(x)`` with x in [-0.5 + eps, n - 0.5 - eps].

The ``[optimization]`` table (all keys optional except ``objectives``)::

    objectives  = [{kpi = "cycles.wltc3b.motor_efficiency", sense = "max"}, ...]
    constraints = [{kpi = "peak_torque_nm", min = 300}, {kpi = "motor_mass_kg", max = 40}, ...]
    pop = 100            generations = 100      algorithm = "nsga2" | "nsga3"      seed = 1
    map_n_speed = 20     map_n_torque = 20      (efficiency-map grid used during the optimisation)
    map_torque_nodes = "even" | "cycles"        (its torque nodes: [map] torque_nodes)
    fluxmap_n_d = 13     fluxmap_n_q = 11       (flux-map grid used during the optimisation)
    fluxmap_nodes = "current_limit" | "all"     (the flux-map points the MEC solves; default
                                                 "current_limit": those the drive can reach)

KPI names are dotted paths into the evaluation's KPI record (e.g. ``cycles.udds.motor_efficiency``).
"""

from __future__ import annotations

import math
import traceback
from pathlib import Path

import numpy as np

from motoropt.case import Case, design_from_values, load_case
from motoropt.case.optimization import (  # noqa: F401 - the optimisation spec's names, re-exported
    ALGORITHMS,
    MAP_OVERRIDES,
    Constraint,
    Objective,
    OptimizationSpec,
    parse_optimization,
)
from motoropt.errors import InputError, MotoroptError
from motoropt.evaluation.pipeline import evaluate_design

ERROR_VIOLATION = 1.0e6
ERROR_OBJECTIVE = 1.0e9
_EPS = 1e-9
# --- KPIs ---------------------------------------------------------------------------------------
def get_kpi(kpis: dict, path: str):
    """Value of a dotted KPI path (KeyError if absent)."""
    if path in kpis:
        return kpis[path]
    node = kpis
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def flatten_kpis(kpis: dict, prefix: str = "") -> dict:
    """Every numeric scalar leaf of the KPI record as {dotted path: float}."""
    out = {}
    for k, v in kpis.items():
        p = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten_kpis(v, p + "."))
        elif isinstance(v, (bool, np.bool_)):
            out[p] = float(v)
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out[p] = float(v)
    return out


def check_kpi_names(spec: OptimizationSpec, kpis: dict) -> None:
    """InputError naming the first objective/constraint whose KPI is not a numeric KPI."""
    flat = flatten_kpis(kpis)
    for i, o in enumerate(spec.objectives):
        if o.kpi not in flat:
            raise InputError(f"optimization.objectives[{i}].kpi", o.kpi, f"a numeric KPI, one of {sorted(flat)}")
    for i, c in enumerate(spec.constraints):
        if c.kpi not in flat:
            raise InputError(f"optimization.constraints[{i}].kpi", c.kpi, f"a numeric KPI, one of {sorted(flat)}")


# --- variables ----------------------------------------------------------------------------------
def bounds(variables) -> tuple[np.ndarray, np.ndarray]:
    """(xl, xu) of the real encoding (see the module docstring)."""
    xl, xu = [], []
    for v in variables:
        if v.kind == "float":
            xl.append(v.lo)
            xu.append(v.hi)
        elif v.kind == "int":
            xl.append(v.lo - 0.5 + _EPS)
            xu.append(v.hi + 0.5 - _EPS)
        else:
            xl.append(-0.5 + _EPS)
            xu.append(len(v.choices) - 0.5 - _EPS)
    return np.array(xl, float), np.array(xu, float)


def decode(variables, x) -> dict:
    """Assignment {variable path: value (case-file units / choice name)} of one encoded vector."""
    out = {}
    for v, xi in zip(variables, x):
        if v.kind == "float":
            out[v.path] = float(min(max(xi, v.lo), v.hi))
        elif v.kind == "int":
            out[v.path] = int(min(max(round(float(xi)), v.lo), v.hi))
        else:
            out[v.path] = v.choices[int(min(max(round(float(xi)), 0), len(v.choices) - 1))]
    return out


def numeric_row(variables, assignment: dict) -> np.ndarray:
    """Stored variable values: floats/ints as numbers, choices as their index."""
    row = []
    for v in variables:
        a = assignment[v.path]
        row.append(float(v.choices.index(a)) if v.kind == "choice" else float(a))
    return np.array(row, float)


def assignment_from_row(variables, row) -> dict:
    """Inverse of :func:`numeric_row`."""
    out = {}
    for v, r in zip(variables, row):
        if v.kind == "float":
            out[v.path] = float(r)
        elif v.kind == "int":
            out[v.path] = int(round(float(r)))
        else:
            out[v.path] = v.choices[int(round(float(r)))]
    return out


# --- one design -----------------------------------------------------------------------------------
_CASE_CACHE: dict = {}


def _as_case(case):
    if isinstance(case, Case):
        return case
    key = str(Path(case).resolve())
    if key not in _CASE_CACHE:
        _CASE_CACHE[key] = load_case(case)
    return _CASE_CACHE[key]


def design_values(case, assignment: dict, map_overrides: dict | None = None) -> dict:
    """Case-file values of the design ``assignment`` with the optimisation's map grid applied."""
    values = _as_case(case).with_values(assignment)
    for k, v in (map_overrides or {}).items():
        values["map"][k] = v
    return values


def evaluate_assignment(case, assignment: dict, map_overrides: dict | None = None):
    """Evaluate one design: ``(kpis, None)`` or ``(None, error text)``; never raises.

    ``case`` is a :class:`~motoropt.case.schema.Case` or a case-file path (loaded once per process).
    Pure (no state beyond the case cache) and top-level, so it runs in process pools and on Dask.
    """

    try:
        c = _as_case(case)
        values = design_values(c, assignment, map_overrides)
        design = design_from_values(values, c.free)
        return evaluate_design(design).kpis, None
    except MotoroptError as e:
        return None, f"{type(e).__name__}: {e}"
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        return None, f"{type(e).__name__}: {e}{where}"


def evaluate_chunk(case, assignments: list, map_overrides: dict | None = None) -> list:
    """:func:`evaluate_assignment` over a list (one task of a process pool or Dask worker)."""
    return [evaluate_assignment(case, a, map_overrides) for a in assignments]


# --- objective / constraint vectors ------------------------------------------------------------
def objective_constraint_rows(spec: OptimizationSpec, kpis: dict | None, error: str | None):
    """(raw objective values, F row (minimised), G row incl. evaluation_ok column, error text).

    The raw objective values are the KPI values as reported (NaN for failed designs)."""
    n_obj, terms = len(spec.objectives), spec.constraint_terms
    raw = np.full(n_obj, np.nan)
    F = np.full(n_obj, ERROR_OBJECTIVE)
    G = np.full(len(terms) + 1, ERROR_VIOLATION)
    if kpis is None:
        return raw, F, G, error or "evaluation failed"
    bad = []
    for j, o in enumerate(spec.objectives):
        try:
            v = float(get_kpi(kpis, o.kpi))
        except (KeyError, TypeError, ValueError):
            v = float("nan")
        raw[j] = v
        if math.isfinite(v):
            F[j] = -v if o.sense == "max" else v
        else:
            bad.append(o.kpi)
    for j, (k, kind, b) in enumerate(terms):
        try:
            v = float(get_kpi(kpis, k))
        except (KeyError, TypeError, ValueError):
            v = float("nan")
        if not math.isfinite(v):
            bad.append(k)
            continue
        s = abs(b) if abs(b) > 1e-12 else 1.0
        G[j] = (b - v) / s if kind == "min" else (v - b) / s
    if bad:
        F[:] = ERROR_OBJECTIVE
        return raw, F, G, "non-finite KPI: " + ", ".join(sorted(set(bad)))
    G[-1] = 0.0
    return raw, F, G, None


# --- pymoo problem ---------------------------------------------------------------------------------
try:
    from pymoo.core.problem import Problem as _Problem
except ImportError:  # pragma: no cover - pymoo is a dependency
    _Problem = object


class MotorProblem(_Problem):
    """pymoo problem over a case's design variables (vectorised over the population).

    Holds only data (case, spec) so that it and the algorithm that references it pickle with the
    standard pickle module; evaluation is serial here (``_evaluate``): the runner evaluates
    populations in parallel itself and hands F/G to the algorithm (ask/tell), keeping
    evaluation separable from parallelism. ``last_results`` keeps the (kpis, error) of the last
    evaluated population.
    """

    def __init__(self, case, spec: OptimizationSpec):
        self.case = _as_case(case)
        self.spec = spec
        self.variables = list(self.case.variables)
        if not self.variables:
            raise InputError("case", self.case.path, "a case with at least one range [min, max] (a design variable)")
        xl, xu = bounds(self.variables)
        super().__init__(n_var=len(self.variables), n_obj=len(spec.objectives),
                         n_ieq_constr=len(spec.constraint_terms) + 1, xl=xl, xu=xu)
        self.last_results: list = []

    def assignments(self, X) -> list[dict]:
        return [decode(self.variables, x) for x in np.atleast_2d(X)]

    def rows(self, results):
        """F, G (n, n_obj), (n, n_constr) from a list of (kpis, error)."""
        F = np.empty((len(results), self.n_obj))
        G = np.empty((len(results), self.n_ieq_constr))
        for i, (k, e) in enumerate(results):
            _, F[i], G[i], _ = objective_constraint_rows(self.spec, k, e)
        return F, G

    def _evaluate(self, X, out, *args, **kwargs):
        results = evaluate_chunk(self.case, self.assignments(X), self.spec.map_overrides)
        self.last_results = results
        out["F"], out["G"] = self.rows(results)
