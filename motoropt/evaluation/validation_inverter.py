"""Inverter efficiency against ORNL's measurement of the 2004 Prius inverter (issue 14).

Reference: ORNL/TM-2006/423 Table B-1 (all 428 dynamometer points, shipped as
``motoropt/data/validation/prius2004_ornl_tm2006_423_tableB1.csv``; sources and caveats in
``data/validation/SOURCES.md``): P_dc into the inverter and P_ac out of it were measured by a power
analyser, so eta_inverter = P_ac / P_dc is a measurement nobody here wrote.

Compared points: the 15 "shared" points (the subset of Table B-1 in the project's reference notes,
:data:`SHARED_POINTS`) with P_ac >= 5 kW and torque < 300 N m (the >= 300 N m rows ran with ~0 degC
coolant and their P_dc / P_ac are unreliable; below 5 kW the efficiency is dominated by a few tens of
watts) -- 13 points. The whole table under the same filter is available for diagnosis
(``points="all"``, 360 points).

Two ways to feed the inverter model (:func:`motoropt.inverter.losses.inverter_losses`, the case's
device, modulation and switching frequency; junction temperatures solved against ORNL's 55 degC
coolant, the report's primary test condition):

- ``measured`` (the inverter alone): the measured phase current (I_peak = sqrt(2) I_rms, the total rms
  taken as the fundamental), the measured DC voltage, and the measured power factor through the
  product m cos(phi) = 2 sqrt(2) P_ac / (3 V_dc I_rms), which follows from P_ac = 3 V_1 I cos(phi),
  V_1 = m V_dc / (2 sqrt 2), and is exact whatever the recorded phase voltage is. The split into m and
  cos(phi) needs a voltage: m = min(2 sqrt(2) v_ac / V_dc, 2 / sqrt(3)) (the recorded v_ac is the
  total rms, and at v_dc <= 502 V it is not the fundamental; the losses depend on m and cos(phi)
  almost only through their product), cos(phi) = m cos(phi) / m, capped at 1.
- ``model`` (motor + inverter): the machine model's own operating point at the measured speed and
  torque (i_dq, V_ll, power factor as the system stage uses them), the inverter at the measured DC
  voltage. This carries the motor model's current error into the inverter.

Efficiency error = model - measured, in fractions (0.01 = 1 point). Nothing here is fitted: the
switching frequency is the case's (Toyota's normal carrier mode), and the other carrier modes listed
in the case are reported alongside as a sensitivity, never chosen by their error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.evaluation.validation_data import read_points
from motoropt.inverter.losses import M_LINEAR_MAX, inverter_losses, inverter_operating_points
from motoropt.inverter.spec import InverterSpec

TABLE_B1 = "prius2004_ornl_tm2006_423_tableB1.csv"
#: (speed rpm, torque N m) of the shared ORNL points (the project's reference subset of Table B-1)
SHARED_POINTS = ((303, 20.2), (503, 148.8), (905, 109.5), (1104, 59.4), (1306, 89.6), (1307, 349.3),
                 (1704, 129.5), (1904, 249.0), (2102, 217.8), (2329, 197.7), (3004, 69.1), (3409, 119.2),
                 (4204, 59.8), (5406, 59.9), (6005, 49.4))
P_AC_MIN_W = 5000.0  # compared points: P_ac >= 5 kW ...
TORQUE_MAX_NM = 300.0  # ... and torque < 300 N m (module docstring)
T_COOLANT_ORNL_C = 55.0  # ORNL/TM-2006/423 primary coolant temperature (via heat-sweep's README)
SOURCES = ("measured", "model")


def ornl_points(points: str = "shared") -> list[dict]:
    """Table B-1 rows compared here: ``"shared"`` (the 13 shared points passing the filter) or
    ``"all"`` (every row passing it), ascending speed."""
    if points not in ("shared", "all"):
        raise InputError("points", points, "'shared' or 'all'")
    rows = [r for r in read_points(TABLE_B1)
            if r["p_ac_W"] >= P_AC_MIN_W and r["torque_Nm"] < TORQUE_MAX_NM]
    if points == "shared":
        keys = set(SHARED_POINTS)
        rows = [r for r in rows if (int(r["speed_rpm"]), r["torque_Nm"]) in keys]
    return sorted(rows, key=lambda r: (r["speed_rpm"], r["torque_Nm"]))


def measured_modulation(row: dict) -> tuple[float, float, float]:
    """(m, cos phi, m cos phi) of a Table B-1 row (module docstring: exact product, split by v_ac)."""
    mc = 2.0 * math.sqrt(2.0) * row["p_ac_W"] / (3.0 * row["v_dc_V"] * row["i_ac_A"])
    m = min(2.0 * math.sqrt(2.0) * row["v_ac_V"] / row["v_dc_V"], M_LINEAR_MAX)
    return m, min(mc / m, 1.0), mc


@dataclass(frozen=True)
class InverterPointResult:
    """One compared point: measured and modelled inverter efficiency and loss (W), the modulation
    the model used, and the hotter junction temperature (degC)."""

    speed_rpm: float
    torque_nm: float
    eta_measured: float
    eta_model: float
    loss_measured_w: float
    loss_model_w: float
    m: float
    cos_phi: float
    T_j_c: float

    @property
    def error(self) -> float:
        return self.eta_model - self.eta_measured


@dataclass(frozen=True)
class InverterComparison:
    """The comparison at one switching frequency: per-point results and the summary errors
    (fractions: mean |d eta|, max |d eta|, mean d eta)."""

    source: str
    f_sw: float
    points: tuple

    @property
    def errors(self) -> np.ndarray:
        return np.array([p.error for p in self.points])

    @property
    def mean_abs_error(self) -> float:
        return float(np.mean(np.abs(self.errors))) if self.points else float("nan")

    @property
    def max_abs_error(self) -> float:
        return float(np.max(np.abs(self.errors))) if self.points else float("nan")

    @property
    def mean_error(self) -> float:
        return float(np.mean(self.errors)) if self.points else float("nan")

    def worst(self) -> InverterPointResult:
        return max(self.points, key=lambda p: abs(p.error))


def _measured_inputs(rows):
    I_pk = np.array([math.sqrt(2.0) * r["i_ac_A"] for r in rows])
    mod = np.array([measured_modulation(r) for r in rows])
    return I_pk, mod[:, 0], mod[:, 1]


def _model_inputs(model, rows):
    """(i_peak, v_ph_peak, cos phi, feasible) of the machine model at the rows' speed and torque."""
    w = np.array([r["speed_rpm"] for r in rows]) * RPM_TO_RAD_S
    T = np.array([r["torque_Nm"] for r in rows])
    res = model.solve_operating_points(w, T)
    ok = np.asarray(res["feasible"], dtype=bool)
    i_pk = np.hypot(res["i_d"], res["i_q"])
    v_pk = np.asarray(res["v_ll_rms"]) * math.sqrt(2.0 / 3.0)
    return i_pk, v_pk, np.nan_to_num(res["power_factor"], nan=1.0), ok


def compare_inverter(spec: InverterSpec, rows: list[dict] | None = None, f_sw: float | None = None,
                     source: str = "measured", model=None,
                     T_coolant_c: float = T_COOLANT_ORNL_C) -> InverterComparison:
    """Inverter efficiency of ``spec`` (device, modulation, dead time, cooling; f_sw in Hz, default
    the spec's) at ORNL rows (default :func:`ornl_points`), fed from the measurement or from
    ``model``'s operating points (``source``: module docstring), against ORNL's eta_inverter.
    Points the model cannot reach (outside its envelope) are left out of the ``model`` comparison."""
    if source not in SOURCES:
        raise InputError("source", source, f"one of {SOURCES}")
    rows = ornl_points() if rows is None else rows
    f = spec.f_sw if f_sw is None else float(f_sw)
    n = len(rows)
    u_dc = np.array([r["v_dc_V"] for r in rows])
    loss, p_ac, m, c, Tj = (np.full(n, np.nan) for _ in range(5))
    if source == "measured":
        I_pk, m[:], c[:] = _measured_inputs(rows)
        res = inverter_losses(I_pk, m, c, u_dc, f, T_coolant_c, spec.device, spec.modulation, spec.t_dead,
                              spec.cooling)
        loss[:] = res["p_loss"]
        p_ac[:] = [r["p_ac_W"] for r in rows]
        Tj[:] = np.maximum(res["T_j_T"], res["T_j_D"])
        ok = np.ones(n, dtype=bool)
    else:
        if model is None:
            raise InputError("model", None, "a machine model for source='model'")
        i_pk, v_pk, cos_phi, ok = _model_inputs(model, rows)
        f_e = model.pole_pairs * np.array([r["speed_rpm"] for r in rows]) / 60.0
        k = np.flatnonzero(ok)
        res = inverter_operating_points(i_pk[k], v_pk[k], cos_phi[k], f_e[k], u_dc[k], f, T_coolant_c,
                                        spec.device, spec.modulation, spec.t_dead, spec.cooling)
        loss[k], p_ac[k], m[k], c[k] = res["p_loss"], res["p_ac"], res["m"], cos_phi[k]
        Tj[k] = np.maximum(res["T_j_T"], res["T_j_D"])
    pts = tuple(InverterPointResult(
        speed_rpm=r["speed_rpm"], torque_nm=r["torque_Nm"], eta_measured=r["eta_inverter"],
        eta_model=float(p_ac[k] / (p_ac[k] + loss[k])), loss_measured_w=r["p_dc_W"] - r["p_ac_W"],
        loss_model_w=float(loss[k]), m=float(m[k]), cos_phi=float(c[k]), T_j_c=float(Tj[k]))
        for k, r in enumerate(rows) if ok[k])
    return InverterComparison(source=source, f_sw=f, points=pts)


def carrier_mode_sensitivity(spec: InverterSpec, rows: list[dict] | None = None) -> dict:
    """{mode name: InverterComparison (measured inputs)} at every carrier mode the case lists (the
    spec's own f_sw alone when it lists none): a sensitivity, not a choice."""
    modes = spec.carrier_modes or (("case", spec.f_sw),)
    return {name: compare_inverter(spec, rows, f_sw=f) for name, f in modes}


def inverter_efficiency_mean_abs_error(spec: InverterSpec) -> float:
    """The ``inverter_efficiency_mean_abs_error`` metric: mean |eta_model - eta_ORNL| over the
    shared points, measured inputs, the case's switching frequency (fraction)."""
    return compare_inverter(spec).mean_abs_error


def comparison_text(cmp: InverterComparison) -> str:
    """A per-point table of a comparison (for reports and test failure messages)."""
    lines = [f"inverter vs ORNL/TM-2006/423 Table B-1 ({cmp.source} inputs, f_sw {cmp.f_sw / 1e3:g} kHz)",
             "   rpm    N m   m     cos phi  T_j   loss meas  loss model  eta meas  eta model  d (pt)"]
    for p in cmp.points:
        lines.append(f"{p.speed_rpm:6.0f} {p.torque_nm:6.1f} {p.m:5.3f} {p.cos_phi:6.3f} {p.T_j_c:6.1f} "
                     f"{p.loss_measured_w:9.0f} {p.loss_model_w:10.0f}   {p.eta_measured:7.3f}  {p.eta_model:8.4f}"
                     f"  {100 * p.error:+6.2f}")
    lines.append(f"mean |d| {100 * cmp.mean_abs_error:.2f} pt, max |d| {100 * cmp.max_abs_error:.2f} pt, "
                 f"mean d {100 * cmp.mean_error:+.2f} pt")
    return "\n".join(lines)
