"""Shipped machines against their measurements: a small registry of validation datasets and the
comparison behind ``motoropt validate``.

A :class:`ValidationSet` names a machine (``prius2004``), its case file (in the repository's
``cases/``), its measured operating points (``motoropt/data/validation/``, sources in
``SOURCES.md`` there), which points enter the metrics, the back-EMF reference and the extra
comparisons it supports. :func:`validate` evaluates the case's model at every measured point **at
the point's measured conditions** (DC-link voltage and winding temperature of the row; the
magnets at the case's ``temperatures.magnet_c``, the rule of ``motoropt point --winding-c``) and
returns the metrics (fractions; None where the dataset has no reference):

- ``n_points``: measured points compared;
- ``mean_abs_current_error``: mean |I_model - I_meas| / I_meas (phase rms) over the points;
- ``mean_abs_motor_efficiency_error``, ``max_abs_motor_efficiency_error``: |eta_model - eta_meas|
  (motor: P_mech / P_ac) over the points the dataset trusts for efficiency;
- ``back_emf_error``: (model - measured) / measured open-circuit line-to-line rms voltage per
  1000 rpm at the measurement's magnet temperature (signed);
- ``inverter_efficiency_mean_abs_error``: |eta_inv,model - eta_inv,meas| where the case has an
  ``[inverter]`` and the dataset measured it (a registered comparison, see :data:`COMPARISONS`).

Extra comparisons (inverter, thermal, ...) register a function in :data:`COMPARISONS` and name it
in their dataset's ``comparisons``; their metrics join the result without a change to the
command. A point outside the model's envelope is not compared (listed with its reason).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from motoropt.case import load_case, nominal_design
from motoropt.errors import InputError, OperatingPointError
from motoropt.evaluation.pipeline import design_specs, inverter_at_point, point_model
from motoropt.machines.base import MachineDesign
from motoropt.magnetics.fea.pipeline import FeaFluxMaps
from motoropt.magnetics.fea.settings import parse_fea

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "validation"
CASES_DIR = Path(__file__).resolve().parents[2] / "cases"
METRIC_KEYS = ("n_points", "mean_abs_current_error", "mean_abs_motor_efficiency_error",
               "max_abs_motor_efficiency_error", "back_emf_error", "inverter_efficiency_mean_abs_error")


@dataclass(frozen=True)
class ValidationSet:
    """One machine's measured data and how to compare with it.

    name: machine name (``motoropt validate NAME``); case: case file name in ``cases/``;
    points: CSV in ``motoropt/data/validation`` with columns speed_rpm, torque_Nm, i_ac_A (phase rms),
    eta_motor, v_dc_V, t_stator_C (and optionally eta_inverter, p_ac_W, p_dc_W, p_mech_W);
    efficiency_ok: which rows enter the efficiency metrics (row dict -> bool);
    back_emf: CSV of open-circuit (speed_rpm, v_ll_rms_V) and the magnet temperature of that
    measurement (degC), or None; fea: ``[fea]`` settings that replace the case's for the validation
    (e.g. the FEA flux map with field-waveform losses), None: the case's own; extra_points: further
    named single points of the same CSV (speed, torque) reported as current checks;
    comparisons: names in :data:`COMPARISONS`; description: what the data are.
    """

    name: str
    case: str
    points: str
    efficiency_ok: Callable[[dict], bool] = lambda row: True
    back_emf: tuple | None = None  # (csv file, magnet temperature degC)
    fea: dict | None = None
    extra_points: tuple = ()  # ((label, csv file, speed_rpm, torque_nm), ...)
    comparisons: tuple = ()
    description: str = ""

    @property
    def case_path(self) -> Path:
        p = CASES_DIR / self.case
        if not p.is_file():
            raise InputError("validate", self.name, f"a machine whose case file {p} exists (the repository's cases/)")
        return p


def _prius_efficiency_ok(row: dict) -> bool:
    """ORNL/TM-2006/423 Table B-1: rows >= 300 N m ran with 0 degC coolant; P_dc, P_ac unreliable."""
    return row["torque_Nm"] < 300.0


REGISTRY: dict[str, ValidationSet] = {}


def register(vs: ValidationSet) -> ValidationSet:
    """Add a dataset to the registry (a second machine registers itself the same way)."""
    if vs.name in REGISTRY:
        raise ValueError(f"validation set {vs.name!r} registered twice")
    REGISTRY[vs.name] = vs
    return vs


register(ValidationSet(
    name="prius2004", case="prius2004.toml", points="prius2004_ornl_points.csv",
    efficiency_ok=_prius_efficiency_ok,
    back_emf=("prius2004_ornl_tm2004_247_back_emf_25C.csv", 25.0),
    fea={"fidelity": "fea", "positions": 8},
    extra_points=(("892 rpm / 374.8 N m (highest measured torque)", "prius2004_ornl_tm2006_423_tableB1.csv",
                   892.0, 374.8),),
    comparisons=("inverter",),
    description="2004 Toyota Prius MG2, ORNL/TM-2006/423 Table B-1 (15 shared points), back-EMF ORNL/TM-2004/247 "
                "Table 3.4; model: embedded FEA flux map with field-waveform losses, 8 positions",
))


# ------------------------------------------------------------------------------ data
def read_points(filename: str) -> list[dict]:
    """Rows of a shipped CSV as dicts of floats (text columns kept as str)."""
    path = DATA_DIR / filename
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            r = {}
            for k, v in row.items():
                try:
                    r[k] = float(v)
                except (TypeError, ValueError):
                    r[k] = v
            out.append(r)
    return out


def _find_row(rows: list[dict], speed: float, torque: float) -> dict:
    for r in rows:
        if abs(r["speed_rpm"] - speed) < 0.5 and abs(r["torque_Nm"] - torque) < 0.05:
            return r
    raise InputError("validation point", (speed, torque), "a row of the dataset")


# ------------------------------------------------------------------------------ evaluation
@dataclass
class PointResult:
    """The model at one measured point (model values None where the point is outside its envelope)."""

    row: dict
    feasible: bool
    result: dict | None = None
    reason: str = ""
    inverter: dict | None = None

    @property
    def current_error(self) -> float | None:
        if not self.feasible:
            return None
        return self.result["current_rms_a"] / self.row["i_ac_A"] - 1.0

    @property
    def efficiency_error(self) -> float | None:
        if not self.feasible:
            return None
        return self.result["motor_efficiency"] - self.row["eta_motor"]


@dataclass
class ValidationResult:
    """metrics (the command's JSON keys and any registered comparison's), the per-point results,
    the extra single-point checks and the back-EMF values (V rms per 1000 rpm, line to line)."""

    name: str
    metrics: dict
    points: list = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    back_emf: dict = field(default_factory=dict)
    design: MachineDesign | None = None


def _provider(vs: ValidationSet, design: MachineDesign):
    if vs.fea is None:
        return None
    return FeaFluxMaps(parse_fea(vs.fea))


def evaluate_point(design: MachineDesign, row: dict, fluxmaps=None, models: dict | None = None) -> PointResult:
    """The model at a measured row: DC link = the row's v_dc_V, winding = its t_stator_C, magnets at
    the case's temperature."""
    models = {} if models is None else models
    key = (round(row["v_dc_V"], 6), round(row["t_stator_C"], 6))
    if key not in models:
        models[key] = point_model(design, winding_c=row["t_stator_C"], u_dc=row["v_dc_V"], fluxmaps=fluxmaps)
    try:
        res = models[key].operating_point(row["speed_rpm"], row["torque_Nm"])
    except OperatingPointError as e:
        return PointResult(row=row, feasible=False, reason=str(e))
    return PointResult(row=row, feasible=True, result=res, inverter=inverter_at_point(design, res, u_dc=row["v_dc_V"]))


def back_emf_per_krpm(design: MachineDesign, T_magnet_c: float, fluxmaps=None) -> float:
    """Open-circuit line-to-line rms voltage per 1000 rpm (fundamental) of the model's flux map at
    magnet temperature T_magnet_c: sqrt(3/2) w_e psi_PM at 1000 rpm."""
    model = point_model(design, magnet_c=T_magnet_c, fluxmaps=fluxmaps)
    fm = model.fluxmap
    return fm.psi_pm * 1000.0 * 2.0 * math.pi / 60.0 * fm.pole_pairs * math.sqrt(1.5)


def measured_back_emf_per_krpm(filename: str) -> float:
    """Least-squares slope through the origin of the measured (speed, V_ll rms), V per 1000 rpm."""
    rows = read_points(filename)
    n = np.array([r["speed_rpm"] for r in rows]) / 1000.0
    v = np.array([r["v_ll_rms_V"] for r in rows])
    return float(np.sum(n * v) / np.sum(n * n))


def _inverter_comparison(vs: ValidationSet, points: list) -> dict:
    """Mean |eta_inv,model - eta_inv,meas| over the efficiency rows with a model inverter (None
    without an [inverter] in the case or without measured inverter efficiencies)."""
    err = [abs(p.inverter["inverter_efficiency"] - p.row["eta_inverter"]) for p in points
           if p.feasible and p.inverter is not None and vs.efficiency_ok(p.row)
           and isinstance(p.row.get("eta_inverter"), float) and math.isfinite(p.row["eta_inverter"])]
    return {"inverter_efficiency_mean_abs_error": float(np.mean(err)) if err else None}


COMPARISONS: dict[str, Callable] = {"inverter": _inverter_comparison}


def validate(name: str) -> ValidationResult:
    """Compare a registered machine with its measurements (module docstring)."""
    if name not in REGISTRY:
        raise InputError("validate", name, f"one of {sorted(REGISTRY)}")
    vs = REGISTRY[name]
    design = nominal_design(load_case(vs.case_path))
    if vs.fea is not None:
        design = dataclasses.replace(design, specs=dataclasses.replace(design_specs(design), fea=parse_fea(vs.fea)))
    fm = _provider(vs, design)
    rows = read_points(vs.points)
    models: dict = {}
    pts = [evaluate_point(design, r, fm, models) for r in rows]
    ok = [p for p in pts if p.feasible]
    dI = [abs(p.current_error) for p in ok]
    de = [abs(p.efficiency_error) for p in ok if vs.efficiency_ok(p.row)]
    metrics = {
        "n_points": len(ok),
        "mean_abs_current_error": float(np.mean(dI)) if dI else None,
        "mean_abs_motor_efficiency_error": float(np.mean(de)) if de else None,
        "max_abs_motor_efficiency_error": float(np.max(de)) if de else None,
        "back_emf_error": None,
        "inverter_efficiency_mean_abs_error": None,
    }
    emf = {}
    if vs.back_emf is not None:
        f, T_m = vs.back_emf
        emf = {"measured_v_per_krpm": measured_back_emf_per_krpm(f), "model_v_per_krpm": back_emf_per_krpm(design, T_m, fm),
               "magnet_c": T_m}
        metrics["back_emf_error"] = emf["model_v_per_krpm"] / emf["measured_v_per_krpm"] - 1.0
    for comp in vs.comparisons:
        metrics.update(COMPARISONS[comp](vs, pts))
    checks = {}
    for label, f, speed, torque in vs.extra_points:
        row = _find_row(read_points(f), speed, torque)
        p = evaluate_point(design, row, fm, models)
        checks[label] = {"speed_rpm": speed, "torque_nm": torque, "measured_current_rms_a": row["i_ac_A"],
                         "model_current_rms_a": p.result["current_rms_a"] if p.feasible else None,
                         "current_error": p.current_error, "reason": p.reason}
    return ValidationResult(name=name, metrics=metrics, points=pts, checks=checks, back_emf=emf, design=design)


def model_map(result: ValidationResult):
    """The model's efficiency map at the case's conditions (for the PNG of the points on the map)."""
    vs = REGISTRY[result.name]
    model = point_model(result.design, fluxmaps=_provider(vs, result.design))
    return model.efficiency_map(result.design.n_speed, result.design.n_torque)


def metrics_json(results: list[ValidationResult]) -> dict:
    """{name: metrics} as ``motoropt validate --json`` prints it (the six keys first)."""
    return {r.name: {**{k: r.metrics.get(k) for k in METRIC_KEYS},
                     **{k: v for k, v in r.metrics.items() if k not in METRIC_KEYS}} for r in results}


def points_table(result: ValidationResult) -> list[tuple]:
    """Rows (speed, torque, I meas, I model, dI %, eta meas, eta model, d eta points) for printing."""
    out = []
    for p in result.points:
        r = p.row
        if p.feasible:
            out.append((r["speed_rpm"], r["torque_Nm"], r["i_ac_A"], p.result["current_rms_a"], 100 * p.current_error,
                        r["eta_motor"], p.result["motor_efficiency"], 100 * p.efficiency_error))
        else:
            out.append((r["speed_rpm"], r["torque_Nm"], r["i_ac_A"], None, None, r["eta_motor"], None, None))
    return out
