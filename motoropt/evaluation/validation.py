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
- ``inverter_efficiency_mean_abs_error``: mean |eta_inv,model - eta_inv,meas| of the machine's
  inverter case (``inverter_case``, e.g. ``cases/prius2004_system.toml``) at the measured inverter
  points (the ``inverter`` comparison, :mod:`motoropt.evaluation.validation_inverter`).

Extra comparisons register a function in :data:`COMPARISONS` and are named in their dataset's
``comparisons``; their metrics join the result after the six keys without a change to the command,
their details go to :attr:`ValidationResult.comparisons` (for the PNGs):

- ``inverter``: the inverter alone against ORNL/TM-2006/423 Table B-1 (shared points with
  P_ac >= 5 kW and torque < 300 N m), also ``inverter_efficiency_max_abs_error``;
- ``thermal``: the thermal network against ORNL/TM-2005/33's continuous-load tests, in steps
  (:mod:`motoropt.evaluation.validation_thermal`), ``winding_temperature_max_abs_error_k`` (final
  step ``drip``: model hottest winding - hottest thermocouple, K) and
  ``winding_temperature_errors_k`` (per step, per point).

A point outside the model's envelope is not compared (listed with its reason). A dataset without
measured current or temperature (the 2010 Prius's digitised map) gives None for the current metric
and is evaluated at the case's temperatures. Every machine is evaluated with the same models and
defaults (:data:`VALIDATION_FEA`): nothing is tuned per machine.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from motoropt.case import load_case, nominal_design
from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError, OperatingPointError
from motoropt.evaluation.pipeline import design_specs, inverter_at_point, point_model
from motoropt.evaluation.validation_data import DATA_DIR, read_points
from motoropt.evaluation.validation_inverter import compare_inverter
from motoropt.evaluation.validation_thermal import STEPS as THERMAL_STEPS
from motoropt.evaluation.validation_thermal import compare_thermal
from motoropt.machines.base import MachineDesign
from motoropt.magnetics.fea.pipeline import FeaFluxMaps
from motoropt.magnetics.fea.settings import parse_fea

__all__ = ["DATA_DIR", "METRIC_KEYS", "REGISTRY", "ValidationSet", "read_points", "validate"]

CASES_DIR = Path(__file__).resolve().parents[2] / "cases"
METRIC_KEYS = ("n_points", "mean_abs_current_error", "mean_abs_motor_efficiency_error",
               "max_abs_motor_efficiency_error", "back_emf_error", "inverter_efficiency_mean_abs_error")
#: the issue-13 model every machine is validated with: embedded-FEA flux map with field-waveform losses
VALIDATION_FEA = {"fidelity": "fea", "positions": 8}


@dataclass(frozen=True)
class ValidationSet:
    """One machine's measured data and how to compare with it.

    name: machine name (``motoropt validate NAME``); case: case file name in ``cases/``;
    points: CSV in ``motoropt/data/validation`` with columns speed_rpm, torque_Nm, eta_motor, v_dc_V
    and, where measured, i_ac_A (phase rms) and t_stator_C (empty: None; then no current error,
    resp. the case's winding temperature);
    rows_ok: which rows are compared at all (e.g. an energy check of digitised points);
    efficiency_ok: which compared rows enter the efficiency metrics (row dict -> bool);
    back_emf: CSV of open-circuit (speed_rpm, v_ll_rms_V) and the magnet temperature of that
    measurement (degC), or None; fea: ``[fea]`` settings that replace the case's for the validation
    (e.g. the FEA flux map with field-waveform losses), None: the case's own; extra_points: further
    named single points of the same CSV (speed, torque) reported as current checks;
    comparisons: names in :data:`COMPARISONS`; inverter_case: case file with the machine's
    ``[inverter]`` for the ``inverter`` comparison; description: what the data are.
    """

    name: str
    case: str
    points: str
    efficiency_ok: Callable[[dict], bool] = lambda row: True
    rows_ok: Callable[[dict], bool] = lambda row: True
    back_emf: tuple | None = None  # (csv file, magnet temperature degC)
    fea: dict | None = None
    extra_points: tuple = ()  # ((label, csv file, speed_rpm, torque_nm), ...)
    comparisons: tuple = ()
    inverter_case: str | None = None
    description: str = ""

    @property
    def case_path(self) -> Path:
        return _case_path(self.name, self.case)


def _case_path(name: str, case: str) -> Path:
    p = CASES_DIR / case
    if not p.is_file():
        raise InputError("validate", name, f"a machine whose case file {p} exists (the repository's cases/)")
    return p


def _prius_efficiency_ok(row: dict) -> bool:
    """ORNL/TM-2006/423 Table B-1: rows >= 300 N m ran with 0 degC coolant; P_dc, P_ac unreliable."""
    return row["torque_Nm"] < 300.0


R_PHASE_21C_2010 = 0.077  # ohm, ORNL/TM-2010/253 Table 2.7 (line-to-line / 2)
ETA_READ_TOLERANCE = 0.005  # the 2010 contours are read to the whole per cent: half a point


def energy_check(row: dict, R21: float = R_PHASE_21C_2010, eta_tol: float = ETA_READ_TOLERANCE) -> bool:
    """A digitised 2010 Prius point is kept when the copper loss at its derived current,
    3 R_21 (I_peak / sqrt 2)^2 (a lower bound: the cold resistance), fits inside the total loss its
    efficiency allows read ``eta_tol`` low: P_mech (1 / (eta - eta_tol) - 1) (SOURCES.md)."""
    p_mech = row["torque_Nm"] * row["speed_rpm"] * RPM_TO_RAD_S
    p_cu_min = 3.0 * R21 * (row["i_peak_derived_A"] / math.sqrt(2.0)) ** 2
    return p_cu_min <= p_mech * (1.0 / (row["eta_motor"] - eta_tol) - 1.0)


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
    fea=VALIDATION_FEA,
    extra_points=(("892 rpm / 374.8 N m (highest measured torque)", "prius2004_ornl_tm2006_423_tableB1.csv",
                   892.0, 374.8),),
    comparisons=("inverter", "thermal"),
    inverter_case="prius2004_system.toml",
    description="2004 Toyota Prius MG2, ORNL/TM-2006/423 Table B-1 (15 shared points), back-EMF ORNL/TM-2004/247 "
                "Table 3.4; model: embedded FEA flux map with field-waveform losses, 8 positions; inverter: "
                "cases/prius2004_system.toml vs Table B-1; thermal: ORNL/TM-2005/33",
))

register(ValidationSet(
    name="prius2010", case="prius2010.toml", points="prius2010_points.csv",
    rows_ok=lambda row: row["energy_check"] == "pass",
    fea=VALIDATION_FEA,
    description="2010 Toyota Prius MG2, ORNL/TM-2010/253 Figs. 3.15-3.17 (third-party digitisation, energy-checked "
                "points; no measured current or temperature); the 2004 machine's models and defaults (issue 13), "
                "nothing tuned",
))


# ------------------------------------------------------------------------------ data
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
        if not self.feasible or self.row.get("i_ac_A") is None:
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
    comparisons: dict = field(default_factory=dict)  # name -> the comparison's details (PNGs)


def _provider(vs: ValidationSet, design: MachineDesign):
    if vs.fea is None:
        return None
    return FeaFluxMaps(parse_fea(vs.fea))


def evaluate_point(design: MachineDesign, row: dict, fluxmaps=None, models: dict | None = None) -> PointResult:
    """The model at a measured row: DC link = the row's v_dc_V, winding = its t_stator_C (the case's
    when not measured), magnets at the case's temperature."""
    models = {} if models is None else models
    T_w = row.get("t_stator_C")
    key = (round(row["v_dc_V"], 6), None if T_w is None else round(T_w, 6))
    if key not in models:
        models[key] = point_model(design, winding_c=T_w, u_dc=row["v_dc_V"], fluxmaps=fluxmaps)
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


def _inverter_comparison(vs: ValidationSet, design: MachineDesign, points: list) -> tuple[dict, object]:
    """The machine's inverter case (``vs.inverter_case``) against the measured inverter efficiency
    (:func:`motoropt.evaluation.validation_inverter.compare_inverter`: measured current, DC voltage
    and m cos(phi); the case's device, modulation, switching frequency and dead time). None without an
    inverter case or an [inverter] in it."""
    none = {"inverter_efficiency_mean_abs_error": None, "inverter_efficiency_max_abs_error": None}
    if vs.inverter_case is None:
        return none, None
    spec = design_specs(nominal_design(load_case(_case_path(vs.name, vs.inverter_case)))).inverter
    if spec is None:
        return none, None
    cmp = compare_inverter(spec)
    return {"inverter_efficiency_mean_abs_error": cmp.mean_abs_error,
            "inverter_efficiency_max_abs_error": cmp.max_abs_error}, cmp


def _thermal_comparison(vs: ValidationSet, design: MachineDesign, points: list) -> tuple[dict, object]:
    """The thermal network of the machine's case against ORNL/TM-2005/33, every step
    (:func:`motoropt.evaluation.validation_thermal.compare_thermal`); the metric is the final step's."""
    cmps = [compare_thermal(design, step) for step in THERMAL_STEPS]
    return {"winding_temperature_max_abs_error_k": cmps[-1].max_abs_error_k,
            "winding_temperature_errors_k": {c.step: [float(e) for e in c.errors_k] for c in cmps}}, cmps


COMPARISONS: dict[str, Callable] = {"inverter": _inverter_comparison, "thermal": _thermal_comparison}


def validate(name: str) -> ValidationResult:
    """Compare a registered machine with its measurements (module docstring)."""
    if name not in REGISTRY:
        raise InputError("validate", name, f"one of {sorted(REGISTRY)}")
    vs = REGISTRY[name]
    design = nominal_design(load_case(vs.case_path))
    if vs.fea is not None:
        design = dataclasses.replace(design, specs=dataclasses.replace(design_specs(design), fea=parse_fea(vs.fea)))
    fm = _provider(vs, design)
    rows = [r for r in read_points(vs.points) if vs.rows_ok(r)]
    models: dict = {}
    pts = [evaluate_point(design, r, fm, models) for r in rows]
    ok = [p for p in pts if p.feasible]
    dI = [abs(p.current_error) for p in ok if p.current_error is not None]
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
    details = {}
    for comp in vs.comparisons:
        m, details[comp] = COMPARISONS[comp](vs, design, pts)
        metrics.update(m)
    checks = {}
    for label, f, speed, torque in vs.extra_points:
        row = _find_row(read_points(f), speed, torque)
        p = evaluate_point(design, row, fm, models)
        checks[label] = {"speed_rpm": speed, "torque_nm": torque, "measured_current_rms_a": row["i_ac_A"],
                         "model_current_rms_a": p.result["current_rms_a"] if p.feasible else None,
                         "current_error": p.current_error, "reason": p.reason}
    return ValidationResult(name=name, metrics=metrics, points=pts, checks=checks, back_emf=emf, design=design,
                            comparisons=details)


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
    """Rows (speed, torque, I meas, I model, dI %, eta meas, eta model, d eta points) for printing
    (I meas and dI None where the current was not measured)."""
    out = []
    for p in result.points:
        r = p.row
        dI = p.current_error
        if p.feasible:
            out.append((r["speed_rpm"], r["torque_Nm"], r.get("i_ac_A"), p.result["current_rms_a"],
                        None if dI is None else 100 * dI, r["eta_motor"], p.result["motor_efficiency"],
                        100 * p.efficiency_error))
        else:
            out.append((r["speed_rpm"], r["torque_Nm"], r.get("i_ac_A"), None, None, r["eta_motor"], None, None))
    return out
