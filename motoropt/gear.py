"""Single- and two-stage spur/helical reduction gear (e-axle), or a single-stage planetary reduction
(geared propulsion motors): speed/torque transformation, losses, mass.

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

Planetary stage (``kind = "planetary"``: sun input, carrier output, ring fixed; ratio i = 1 + z_r/z_s,
3 <= i <= 12; ``planets`` n_p planets share the load):
- mesh loss: only the rolling power P (1 - 1/i) passes through the meshes (the power seen in the
  carrier frame), so eta = 1 - (1 - eta_0)(1 - 1/i) with the basic (fixed-carrier) efficiency
  eta_0 = eta_mesh^2 (sun-planet and planet-ring meshes in series) (H. W. Mueller, *Epicyclic Drive
  Trains*, Wayne State University Press 1982, ch. 4; the same result in the ratio/efficiency
  formulas of Willis' method, e.g. Arnaudov & Karaivanov, *Planetary Gear Trains*, CRC 2019). For
  eta_mesh = 0.99 and i = 6: eta = 0.9833 (a simple planetary's 98-99 %).
- spin loss (bearings no-load + churning + seals): the drag torque model above at the sun (motor)
  shaft; the planet bearings' load-dependent loss is lumped in eta_mesh (approximation).
- mass: K-factor sizing of the sun-planet mesh, the most loaded contact: tangential force per planet
  F_t = 2 T_sun / (n_p d_s), u = d_p/d_s = (i - 2)/2, K = F_t/(b d_s) (u+1)/u, b = psi d_s ->
  d_s^3 = 2 T_sun (u + 1) / (n_p u K psi); ring pitch diameter d_r = (i - 1) d_s with a rim of
  RING_RIM x d_r radial thickness; masses: sun pi/4 b d_s^2, planets n_p pi/4 b d_p^2 WHEEL_FILL,
  ring pi b d_r RING_RIM d_r (1 + RING_RIM); carrier, shafts, bearings and housing as
  HOUSING_FACTOR x gear mass + FIXED_KG. ``k_factor`` (Pa) is a [gear] key (``k_factor_mpa``):
  the e-axle default 8 MPa at the peak torque; through-hardened/carburised aerospace gears are
  rated higher (D. W. Dudley, *Handbook of Practical Gear Design*, 1984, ch. 3: K-factor ranges for
  aircraft-quality carburised gears well above vehicle gears), a case states its value.
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
RING_RIM = 0.08  # ring gear rim radial thickness / ring pitch diameter (assumption)
GEAR_KINDS = ("parallel", "planetary")


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
    kind: str = "parallel"
    planets: int = 3
    k_factor: float = K_FACTOR

    def __post_init__(self):
        if self.kind not in GEAR_KINDS:
            raise InputError("gear.kind", self.kind, f"one of {list(GEAR_KINDS)}")
        if self.kind == "planetary":
            if self.stages != 1 or not (3.0 <= self.ratio <= 12.0):
                raise InputError("gear.ratio", self.ratio, "in [3, 12] for a single planetary stage (stages = 1)")
            if not (isinstance(self.planets, int) and 2 <= self.planets <= 8):
                raise InputError("gear.planets", self.planets, "an integer in [2, 8]")
        if not self.k_factor > 0:
            raise InputError("gear.k_factor_mpa", self.k_factor / 1e6, "> 0")
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
        """Load-dependent efficiency: eta_mesh^stages, or the planetary stage's (module docstring)."""
        if self.kind == "planetary":
            return planetary_efficiency(self.ratio, self.eta_mesh)
        return self.eta_mesh ** self.stages


def planetary_efficiency(ratio: float, eta_mesh: float) -> float:
    """Sun-in, carrier-out, ring-fixed planetary efficiency 1 - (1 - eta_mesh^2)(1 - 1/ratio)."""
    return 1.0 - (1.0 - eta_mesh**2) * (1.0 - 1.0 / ratio)


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


def planetary_gear_mass(T_out: float, ratio: float, planets: int, k_factor: float = K_FACTOR) -> float:
    """Mass (kg) of the sun, planets and ring of a planetary stage rated at output torque T_out (N m)
    (module docstring)."""
    T_sun = T_out / ratio
    u = 0.5 * (ratio - 2.0)
    d_s = (2.0 * T_sun * (u + 1.0) / (planets * u * k_factor * FACE_RATIO)) ** (1.0 / 3.0)
    b = FACE_RATIO * d_s
    d_p, d_r = u * d_s, (ratio - 1.0) * d_s
    sun = math.pi / 4.0 * b * d_s**2
    pl = planets * math.pi / 4.0 * b * d_p**2 * WHEEL_FILL
    ring = math.pi * b * d_r * RING_RIM * d_r * (1.0 + RING_RIM)
    return RHO_STEEL * (sun + pl + ring)


def gear_mass(gear: Gear) -> dict:
    """Sized-gear mass estimate (kg): {'gears_kg', 'housing_shafts_bearings_kg', 'total_kg'}."""
    T_out = gear.torque_rating_wheel
    if not T_out > 0:
        raise InputError("gear.torque_rating_wheel", T_out, "> 0")
    if gear.kind == "planetary":
        m = planetary_gear_mass(T_out, gear.ratio, gear.planets, gear.k_factor)
        rest = HOUSING_FACTOR * m + FIXED_KG
        return {"gears_kg": m, "housing_shafts_bearings_kg": rest, "total_kg": m + rest}
    m_gears = 0.0
    T_stage_out = T_out
    for u in reversed(gear.ratios):  # from the wheel backwards
        T_pinion = T_stage_out / u
        d1 = (2.0 * T_pinion * (u + 1.0) / (u * gear.k_factor * FACE_RATIO)) ** (1.0 / 3.0)
        b = FACE_RATIO * d1
        d2 = u * d1
        m_gears += RHO_STEEL * math.pi / 4.0 * b * (d1**2 + WHEEL_FILL * d2**2)
        T_stage_out = T_pinion
    rest = HOUSING_FACTOR * m_gears + FIXED_KG
    return {"gears_kg": m_gears, "housing_shafts_bearings_kg": rest, "total_kg": m_gears + rest}


GEAR_KEYS = ("ratio", "stages", "eta_mesh", "drag_torque_nm", "drag_ref_rpm", "drag_exponent", "stage_ratios",
             "torque_rating_wheel_nm", "kind", "planets", "k_factor_mpa")


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
    sizing; default: the motor's peak torque x ratio, applied by the system model), ``kind``
    ("parallel" | "planetary"), ``planets`` (planetary, 2-8, default 3), ``k_factor_mpa`` (mass sizing
    load intensity, default 8).
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
    if "kind" in sec:
        if sec["kind"] not in GEAR_KINDS:
            raise InputError("gear.kind", sec["kind"], f"one of {list(GEAR_KINDS)}")
        kw["kind"] = sec["kind"]
    if "planets" in sec:
        kw["planets"] = check_number("gear.planets", sec["planets"], 2, 8, integer=True)
    if "k_factor_mpa" in sec:
        kw["k_factor"] = check_number("gear.k_factor_mpa", sec["k_factor_mpa"], 0.5, 50.0) * 1e6
    if "stage_ratios" in sec:
        sr = sec["stage_ratios"]
        if not isinstance(sr, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 1
                                               for x in sr):
            raise InputError("gear.stage_ratios", sr, "a list of numbers >= 1")
        kw["stage_ratios"] = tuple(float(x) for x in sr)
    return GearSpec(gear=Gear(**kw), rating_given="torque_rating_wheel_nm" in sec)
