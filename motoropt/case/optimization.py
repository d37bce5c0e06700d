"""The case's ``[optimization]`` table: objectives and constraints by KPI path, population,
generations, algorithm, seed and the map grid used while optimising (the keys are documented in
:mod:`motoropt.optimize.problem`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from motoropt.case.schema import SCHEMA
from motoropt.errors import InputError

ALGORITHMS = ("nsga2", "nsga3")

# [optimization] keys -> [map] keys applied to every evaluated design
MAP_OVERRIDES = {"map_n_speed": "n_speed", "map_n_torque": "n_torque", "map_torque_nodes": "torque_nodes",
                 "fluxmap_n_d": "fluxmap_n_d", "fluxmap_n_q": "fluxmap_n_q", "fluxmap_nodes": "fluxmap_nodes"}
# the optimiser's [map] values where its [optimization] table does not set them: the MEC solves only
# the flux-map points the drive can reach (the rest are never read: the same operating points)
OPTIMISER_MAP_DEFAULTS = {"fluxmap_nodes": "current_limit"}


@dataclass(frozen=True)
class Objective:
    kpi: str
    sense: str  # "min" | "max"

    @property
    def label(self) -> str:
        return f"{self.sense} {self.kpi}"


@dataclass(frozen=True)
class Constraint:
    kpi: str
    min: float | None = None
    max: float | None = None

    def terms(self) -> list[tuple[str, float]]:
        """(kind, bound) pairs: one g column each."""
        out = []
        if self.min is not None:
            out.append(("min", self.min))
        if self.max is not None:
            out.append(("max", self.max))
        return out


@dataclass(frozen=True)
class OptimizationSpec:
    """The validated ``[optimization]`` table."""

    objectives: tuple
    constraints: tuple = ()
    pop: int = 100
    generations: int = 100
    algorithm: str = "nsga2"
    seed: int = 1
    map_overrides: dict = field(default_factory=dict)  # [map] key -> value

    @property
    def constraint_terms(self) -> list[tuple[str, str, float]]:
        """(kpi, "min"|"max", bound) for every g column (excluding the evaluation_ok column)."""
        return [(c.kpi, kind, b) for c in self.constraints for kind, b in c.terms()]

    @property
    def constraint_labels(self) -> list[str]:
        return [f"{k} {'>=' if kind == 'min' else '<='} {b:g}" for k, kind, b in self.constraint_terms]


def _num(field_name, v, lo=None, integer=False):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
        raise InputError(field_name, v, "a finite number" if not integer else "an integer")
    if integer and not float(v).is_integer():
        raise InputError(field_name, v, "an integer")
    if lo is not None and v < lo:
        raise InputError(field_name, v, f">= {lo}")
    return int(v) if integer else float(v)


def parse_optimization(free: dict) -> OptimizationSpec:
    """Validate the case's ``[optimization]`` table (see the module docstring)."""
    opt = free.get("optimization")
    if opt is None:
        raise InputError("optimization", None, "a table [optimization] with at least 'objectives'")
    if not isinstance(opt, dict):
        raise InputError("optimization", opt, "a table")
    known = {"objectives", "constraints", "pop", "generations", "algorithm", "seed", *MAP_OVERRIDES}
    for k in opt:
        if k not in known:
            raise InputError(f"optimization.{k}", opt[k], f"a known key of [optimization]: {sorted(known)}")
    objs_raw = opt.get("objectives")
    if not isinstance(objs_raw, list) or not objs_raw:
        raise InputError("optimization.objectives", objs_raw, "a non-empty list of {kpi = .., sense = 'min'|'max'}")
    objectives = []
    for i, o in enumerate(objs_raw):
        f = f"optimization.objectives[{i}]"
        if not isinstance(o, dict):
            raise InputError(f, o, "a table {kpi = .., sense = 'min'|'max'}")
        for k in o:
            if k not in ("kpi", "sense"):
                raise InputError(f"{f}.{k}", o[k], "one of the keys kpi, sense")
        if not isinstance(o.get("kpi"), str) or not o["kpi"]:
            raise InputError(f"{f}.kpi", o.get("kpi"), "a KPI name (dotted path, e.g. 'cycles.wltc3b.motor_efficiency')")
        sense = o.get("sense", "min")
        if sense not in ("min", "max"):
            raise InputError(f"{f}.sense", sense, "'min' or 'max'")
        objectives.append(Objective(o["kpi"], sense))
    cons_raw = opt.get("constraints", [])
    if not isinstance(cons_raw, list):
        raise InputError("optimization.constraints", cons_raw, "a list of {kpi = .., min = .., max = ..}")
    constraints = []
    for i, c in enumerate(cons_raw):
        f = f"optimization.constraints[{i}]"
        if not isinstance(c, dict):
            raise InputError(f, c, "a table {kpi = .., min = .., max = ..}")
        for k in c:
            if k not in ("kpi", "min", "max"):
                raise InputError(f"{f}.{k}", c[k], "one of the keys kpi, min, max")
        if not isinstance(c.get("kpi"), str) or not c["kpi"]:
            raise InputError(f"{f}.kpi", c.get("kpi"), "a KPI name (dotted path)")
        if "min" not in c and "max" not in c:
            raise InputError(f, c, "a bound: min and/or max")
        lo = _num(f"{f}.min", c["min"]) if "min" in c else None
        hi = _num(f"{f}.max", c["max"]) if "max" in c else None
        if lo is not None and hi is not None and lo > hi:
            raise InputError(f, c, f"min <= max (got min {lo} > max {hi})")
        constraints.append(Constraint(c["kpi"], lo, hi))
    pop = _num("optimization.pop", opt.get("pop", 100), lo=4, integer=True)
    gens = _num("optimization.generations", opt.get("generations", 100), lo=1, integer=True)
    alg = opt.get("algorithm", "nsga2")
    if alg not in ALGORITHMS:
        raise InputError("optimization.algorithm", alg, f"one of {list(ALGORITHMS)}")
    seed = _num("optimization.seed", opt.get("seed", 1), lo=0, integer=True)
    mo = {}
    for k, mk in MAP_OVERRIDES.items():
        if k not in opt:
            if mk in OPTIMISER_MAP_DEFAULTS:
                mo[mk] = OPTIMISER_MAP_DEFAULTS[mk]
            continue
        choices = SCHEMA["map"][mk].choices  # the [map] key's own (e.g. torque_nodes, fluxmap_nodes)
        if choices:
            if opt[k] not in choices:
                raise InputError(f"optimization.{k}", opt[k], f"one of {list(choices)}")
            mo[mk] = opt[k]
        else:
            mo[mk] = _num(f"optimization.{k}", opt[k], lo=5, integer=True)
    return OptimizationSpec(tuple(objectives), tuple(constraints), pop, gens, alg, seed, mo)
