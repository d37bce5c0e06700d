"""The second production machine: the 2010 Toyota Prius MG2 (``cases/prius2010.toml``) against its
published map points, with the same models and defaults as the 2004 machine (issue 14).

Data: ``motoropt/data/validation/prius2010_points.csv`` (sources and caveats in SOURCES.md there):
17 points of ORNL/TM-2010/253's contour maps as digitised by a third party (GeneratorSE.jl),
efficiency to the whole per cent, map type (motor-only or combined) unconfirmed, no measured current
or temperature. Each point carries an energy check: the lowest copper loss at the third party's
derived current (3 R_21 I^2, ORNL's 0.077 ohm at 21 degC) must fit inside the loss the efficiency
allows (read 0.5 points low); the 5 points that fail it are dropped (:func:`energy_check`
recomputes the column).

The comparison evaluates the case's nominal design, unchanged except for the DC-link voltage of
each point (650 / 500 / 230 V), at the case's default temperatures (no measured temperature
exists), and reports the issue-13 metrics (fractions; None where the data have no reference):
n_points (points compared), mean_abs_current_error (None: no measured current),
mean_abs_motor_efficiency_error, max_abs_motor_efficiency_error, back_emf_error (None: the 2010
back-EMF was not found), inverter_efficiency_mean_abs_error (None). Points outside the model's
envelope are listed with the reason and not compared. These errors are a target, not a tuning.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from motoropt.case import design_from_values, load_case
from motoropt.constants import RPM_TO_RAD_S
from motoropt.drive.control import REASONS
from motoropt.evaluation.pipeline import machine_model
from motoropt.evaluation.validation_inverter import read_validation_csv

PRIUS2010_POINTS = "prius2010_points.csv"
R_PHASE_21C_2010 = 0.077  # ohm, ORNL/TM-2010/253 Table 2.7 (line-to-line / 2)
ETA_READ_TOLERANCE = 0.005  # contours read to the whole per cent: half a point


def energy_check(row: dict, R21: float = R_PHASE_21C_2010, eta_tol: float = ETA_READ_TOLERANCE) -> bool:
    """True when the copper loss at the row's derived current, 3 R_21 (I_peak / sqrt 2)^2 (a lower
    bound: the cold resistance), fits inside the total loss its efficiency allows read ``eta_tol``
    low: P_mech (1 / (eta - eta_tol) - 1)."""
    p_mech = row["torque_Nm"] * row["speed_rpm"] * RPM_TO_RAD_S
    p_cu_min = 3.0 * R21 * (row["i_peak_derived_A"] / math.sqrt(2.0)) ** 2
    return p_cu_min <= p_mech * (1.0 / (row["eta_motor"] - eta_tol) - 1.0)


def prius2010_points(trusted_only: bool = True) -> list[dict]:
    """The shipped 2010 Prius points; by default only those passing the energy check (12 of 17)."""
    rows = read_validation_csv(PRIUS2010_POINTS)
    return [r for r in rows if r["energy_check"] == "pass"] if trusted_only else rows


@dataclass(frozen=True)
class MapPointResult:
    point_id: str
    speed_rpm: float
    torque_nm: float
    v_dc: float
    eta_measured: float
    eta_model: float | None  # None outside the model's envelope
    i_rms_model: float | None
    reason: str = ""

    @property
    def error(self) -> float | None:
        return None if self.eta_model is None else self.eta_model - self.eta_measured


def _design_at_voltage(case, v_dc: float):
    values = copy.deepcopy(case.nominal())
    values["limits"]["dc_link_voltage_v"] = float(v_dc)
    return design_from_values(values, case.free)


def compare_second_machine(case_path, rows: list[dict] | None = None) -> list[MapPointResult]:
    """Model efficiency at each row (module docstring), one design per DC-link voltage."""
    case = load_case(case_path)
    rows = prius2010_points() if rows is None else rows
    out = []
    for v_dc in sorted({r["v_dc_V"] for r in rows}, reverse=True):
        sub = [r for r in rows if r["v_dc_V"] == v_dc]
        model = machine_model(_design_at_voltage(case, v_dc))
        w = np.array([r["speed_rpm"] for r in sub]) * RPM_TO_RAD_S
        res = model.solve_operating_points(w, np.array([r["torque_Nm"] for r in sub]))
        for k, r in enumerate(sub):
            ok = bool(res["feasible"][k])
            out.append(MapPointResult(
                point_id=r["point_id"], speed_rpm=r["speed_rpm"], torque_nm=r["torque_Nm"], v_dc=v_dc,
                eta_measured=r["eta_motor"], eta_model=float(res["efficiency"][k]) if ok else None,
                i_rms_model=float(res["i_rms"][k]) if ok else None,
                reason="" if ok else REASONS.get(int(res["reason"][k]), str(res["reason"][k]))))
    return out


def second_machine_metrics(results: list[MapPointResult]) -> dict:
    """The issue-13 metrics of a comparison (module docstring)."""
    e = np.array([r.error for r in results if r.error is not None])
    return {"n_points": int(e.size), "mean_abs_current_error": None,
            "mean_abs_motor_efficiency_error": float(np.mean(np.abs(e))) if e.size else None,
            "max_abs_motor_efficiency_error": float(np.max(np.abs(e))) if e.size else None,
            "back_emf_error": None, "inverter_efficiency_mean_abs_error": None}


def results_text(results: list[MapPointResult]) -> str:
    lines = ["2010 Prius MG2 vs ORNL/TM-2010/253 map points (third-party digitisation; energy-checked rows)",
             "  point                    eta meas  eta model  d (pt)   I model (A rms)"]
    for r in results:
        if r.eta_model is None:
            lines.append(f"  {r.point_id:24s} {r.eta_measured:7.3f}  outside the model envelope ({r.reason})")
        else:
            lines.append(f"  {r.point_id:24s} {r.eta_measured:7.3f}  {r.eta_model:8.4f}  {100 * r.error:+6.2f}"
                         f"   {r.i_rms_model:6.1f}")
    m = second_machine_metrics(results)
    lines.append(f"  n {m['n_points']}, mean |d eta| {100 * m['mean_abs_motor_efficiency_error']:.2f} pt, "
                 f"max {100 * m['max_abs_motor_efficiency_error']:.2f} pt")
    return "\n".join(lines)
