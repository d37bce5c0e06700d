"""Single- and two-stage spur/helical reduction gear (e-axle): speed/torque transformation, losses, mass.

Loss model (the split of ISO/TR 14179-1 into load-dependent and load-independent losses):
- load-dependent mesh loss: constant mesh efficiency per stage eta_mesh (default 0.985; 98.5-99 % is
  typical of ground helical automotive stages), total eta = eta_mesh ** stages, applied to the
  transmitted power in the direction it flows (motoring: motor -> wheel; generating: wheel -> motor).
- load-independent (spin) loss: churning + bearing no-load + seal drag torque at the motor shaft
  T_drag = T_drag_ref (|w_motor| / w_ref) ** drag_exponent, opposing rotation; exponent 2/3 follows
  Palmgren's no-load bearing torque M0 = 1e-7 f0 (nu n)^(2/3) d_m^3 used in ISO/TR 14179-2; it is
  zero at standstill. All stages' spin losses are lumped at the motor shaft.
  Defaults (T_drag_ref = 0.3 N m at 1000 rad/s, i.e. ~300 W at ~9500 rpm) are an estimate.
- P_loss = T_motor w_motor - T_wheel w_wheel >= 0 in both power-flow directions.

Mass model (sized gears, stated assumptions): per stage the pinion pitch diameter follows from the
K-factor (Hertzian load-intensity) rating, K = F_t/(b d1) (u+1)/u, with F_t = 2 T_pinion / d1 and face
width b = psi d1:  d1^3 = 2 T_pinion (u + 1) / (u K psi). Gear mass = rho_steel pi/4 b (d1^2 + fill d2^2)
(fill = 0.6 for a webbed wheel), K = K_FACTOR (8 MPa, estimate for carburised ground helical gears at
the peak torque), psi = 0.6. Shafts, bearings, housing and oil: HOUSING_FACTOR x gear mass + 2 kg.
Two-stage ratio split: i1 = i2 = sqrt(ratio) unless given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError, check_number

RHO_STEEL = 7850.0
K_FACTOR = 8e6  # Pa
FACE_RATIO = 0.6
WHEEL_FILL = 0.6
HOUSING_FACTOR = 1.0
FIXED_KG = 2.0


@dataclass(frozen=True)
class Gear:
    """Reduction gear. ratio = w_motor / w_wheel (> 1); stages 1 or 2; torque_rating_wheel in N m
    (peak wheel-side torque used for sizing); stage_ratios optional (product must equal ratio)."""

    ratio: float
    stages: int = 1
    eta_mesh: float = 0.985
    T_drag_ref: float = 0.3
    w_ref: float = 1000.0
    drag_exponent: float = 2.0 / 3.0
    torque_rating_wheel: float = 2500.0
    stage_ratios: tuple = ()

    def __post_init__(self):
        if not (np.isfinite(self.ratio) and self.ratio >= 1.0):
            raise InputError("gear.ratio", self.ratio, ">= 1")
        if self.stages not in (1, 2):
            raise InputError("gear.stages", self.stages, "1 or 2")
        if not (0.9 <= self.eta_mesh <= 1.0):
            raise InputError("gear.eta_mesh", self.eta_mesh, "in [0.9, 1]")
        if self.T_drag_ref < 0 or self.w_ref <= 0:
            raise InputError("gear.T_drag_ref", self.T_drag_ref, ">= 0 (with w_ref > 0)")
        if self.stage_ratios:
            if len(self.stage_ratios) != self.stages or not math.isclose(math.prod(self.stage_ratios), self.ratio, rel_tol=1e-9):
                raise InputError("gear.stage_ratios", self.stage_ratios, f"{self.stages} values with product {self.ratio}")

    @property
    def ratios(self) -> tuple:
        if self.stage_ratios:
            return tuple(self.stage_ratios)
        return (self.ratio,) if self.stages == 1 else (math.sqrt(self.ratio),) * 2

    @property
    def efficiency_mesh(self) -> float:
        return self.eta_mesh ** self.stages


def gear_motor_side(T_wheel, w_wheel, gear: Gear):
    """Motor-side torque (N m), speed (rad/s) and gear loss (W) for wheel torque/speed arrays.

    Motoring (T_wheel w_wheel >= 0): T_motor = T_wheel / (ratio eta) + T_drag sign(w);
    generating (T_wheel w_wheel < 0): T_motor = T_wheel eta / ratio + T_drag sign(w).
    """
    T, w = np.broadcast_arrays(np.asarray(T_wheel, dtype=float), np.asarray(w_wheel, dtype=float))
    eta = gear.efficiency_mesh
    w_m = gear.ratio * w
    motoring = T * w >= 0
    T_mesh = np.where(motoring, T / (gear.ratio * eta), T * eta / gear.ratio)
    T_drag = gear.T_drag_ref * (np.abs(w_m) / gear.w_ref) ** gear.drag_exponent * np.sign(w_m)
    T_m = T_mesh + T_drag
    P_loss = T_m * w_m - T * w
    return T_m, w_m, P_loss


def gear_wheel_side(T_motor, w_motor, gear: Gear):
    """Inverse of :func:`gear_motor_side` for w_motor >= 0: (T_wheel, w_wheel, P_loss).

    T_mesh = T_motor - T_drag(w_motor); T_wheel = T_mesh ratio eta if T_mesh w_motor >= 0 (power to
    the wheel; at standstill, as gear_motor_side, the motor side drives) else T_mesh ratio / eta;
    P_loss = T_motor w_motor - T_wheel w_wheel.
    """
    T, w = np.broadcast_arrays(np.asarray(T_motor, dtype=float), np.asarray(w_motor, dtype=float))
    eta = gear.efficiency_mesh
    T_drag = gear.T_drag_ref * (np.abs(w) / gear.w_ref) ** gear.drag_exponent * np.sign(w)
    T_mesh = T - T_drag
    T_w = np.where(T_mesh * w >= 0, T_mesh * gear.ratio * eta, T_mesh * gear.ratio / eta)
    w_w = w / gear.ratio
    return T_w, w_w, T * w - T_w * w_w


def gear_mass(gear: Gear) -> dict:
    """Sized-gear mass estimate (kg): {'gears_kg', 'housing_shafts_bearings_kg', 'total_kg'}."""
    T_out = gear.torque_rating_wheel
    if not T_out > 0:
        raise InputError("gear.torque_rating_wheel", T_out, "> 0")
    m_gears = 0.0
    T_stage_out = T_out
    for u in reversed(gear.ratios):  # from the wheel backwards
        T_pinion = T_stage_out / u
        d1 = (2.0 * T_pinion * (u + 1.0) / (u * K_FACTOR * FACE_RATIO)) ** (1.0 / 3.0)
        b = FACE_RATIO * d1
        d2 = u * d1
        m_gears += RHO_STEEL * math.pi / 4.0 * b * (d1**2 + WHEEL_FILL * d2**2)
        T_stage_out = T_pinion
    rest = HOUSING_FACTOR * m_gears + FIXED_KG
    return {"gears_kg": m_gears, "housing_shafts_bearings_kg": rest, "total_kg": m_gears + rest}


GEAR_KEYS = ("ratio", "stages", "eta_mesh", "drag_torque_nm", "drag_ref_rpm", "drag_exponent", "stage_ratios",
             "torque_rating_wheel_nm")


@dataclass(frozen=True)
class GearSpec:
    """The case's validated ``[gear]`` section: the :class:`Gear` and whether its mass is sized from
    a given wheel torque rating (``torque_rating_wheel_nm``) or from the motor's peak torque."""

    gear: Gear
    rating_given: bool


def parse_gear(sec: dict, vehicle_gear_ratio: float | None) -> GearSpec:
    """The :class:`GearSpec` of a ``[gear]`` table (InputError naming ``gear.<key>``).

    Keys: ``ratio`` (w_motor / w_wheel; default the vehicle's gear_ratio; when given it replaces the
    vehicle's ratio AND the vehicle's constant gear_efficiency), ``stages`` (1 | 2), ``eta_mesh`` (per
    stage), ``drag_torque_nm`` and ``drag_ref_rpm`` (spin-loss torque at the motor shaft at a
    reference motor speed), ``drag_exponent``, ``stage_ratios``, ``torque_rating_wheel_nm`` (mass
    sizing; default: the motor's peak torque x ratio, applied by the system model).
    """
    if not isinstance(sec, dict):
        raise InputError("gear", sec, "a table")
    for k in sec:
        if k not in GEAR_KEYS:
            raise InputError(f"gear.{k}", sec[k], f"a known key of [gear]: {sorted(GEAR_KEYS)}")
    if "ratio" in sec:
        ratio = check_number("gear.ratio", sec["ratio"], 1.0)
    elif vehicle_gear_ratio is not None:
        ratio = float(vehicle_gear_ratio)
    else:
        raise InputError("gear.ratio", None, "given (no [vehicle] gear_ratio to take it from)")
    kw = {"ratio": ratio}
    if "stages" in sec:
        st = sec["stages"]
        if isinstance(st, bool) or st not in (1, 2):
            raise InputError("gear.stages", st, "1 or 2")
        kw["stages"] = int(st)
    if "eta_mesh" in sec:
        kw["eta_mesh"] = check_number("gear.eta_mesh", sec["eta_mesh"], 0.9, 1.0)
    if "drag_torque_nm" in sec:
        kw["T_drag_ref"] = check_number("gear.drag_torque_nm", sec["drag_torque_nm"], 0.0)
    if "drag_ref_rpm" in sec:
        kw["w_ref"] = check_number("gear.drag_ref_rpm", sec["drag_ref_rpm"], 0.0, lo_open=True) * RPM_TO_RAD_S
    if "drag_exponent" in sec:
        kw["drag_exponent"] = check_number("gear.drag_exponent", sec["drag_exponent"], 0.0, 3.0)
    if "torque_rating_wheel_nm" in sec:
        kw["torque_rating_wheel"] = check_number("gear.torque_rating_wheel_nm", sec["torque_rating_wheel_nm"], 0.0,
                                                 lo_open=True)
    if "stage_ratios" in sec:
        sr = sec["stage_ratios"]
        if not isinstance(sr, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 1
                                               for x in sr):
            raise InputError("gear.stage_ratios", sr, "a list of numbers >= 1")
        kw["stage_ratios"] = tuple(float(x) for x in sr)
    return GearSpec(gear=Gear(**kw), rating_given="torque_rating_wheel_nm" in sec)
