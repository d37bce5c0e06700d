"""Longitudinal vehicle model: wheel road load and motor torque/speed demand over a drive cycle.

Model and assumptions (SI units throughout):

* Point-mass vehicle on a flat road (no grade, no wind), driven along a 1 Hz speed trace.
* Quantities live on the cycle's *intervals* [t_k, t_k+1]: dt = Δt, v̄ = (v_k + v_k+1)/2,
  a = Δv/Δt (constant acceleration inside an interval).
* Wheel force  F = (m + n·J/r²)·a + ½·ρ·Cd·A·v̄² + m·g·Crr·[v̄ > 0]   (N)
  with m the test mass (kg), J the rotational inertia of ONE wheel (kg·m²), n wheels, r the wheel
  radius (m), ρ the air density (kg/m³), g = 9.80665 m/s². This is the FASTSim road-load
  convention; it reproduces the FASTSim wheel energies for the 2022 Tesla Model 3 RWD.
  Rotating inertia of motor and gears is not included (only the wheels').
* Wheel power P = F·v̄ (W). P > 0: traction; P < 0: braking energy available at the wheels.
* Gear: one fixed ratio G (motor speed / wheel speed) with a CONSTANT efficiency η_g — a
  placeholder that a later gear/loss model replaces through :func:`_gear_torque_to_motor`.
  Motoring: T_motor = T_wheel / (G·η_g); generating: T_motor = T_wheel·η_g / G.
* Braking blend: the motor(s) provide the share ``regen_fraction`` of the braking force at every
  braking interval; friction brakes the rest. No speed- or power-limit on regeneration here
  (the motor envelope is checked later, against the machine's flux map).
* ``n_motors`` identical motors share the torque equally (each sees the same speed).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields

import numpy as np

from motoropt.constants import G_ACCEL, RHO_AIR
from motoropt.cycles import DriveCycle, load_cycle
from motoropt.errors import InputError
from motoropt.gear import Gear, gear_motor_side
from motoropt.memo import Memo

_WS_PER_WH = 3600.0


@dataclass(frozen=True, kw_only=True)
class Vehicle:
    """Vehicle parameters for the longitudinal model (SI units).

    mass_kg: test mass (kg); drag_coefficient: Cd (-); frontal_area_m2: A (m²);
    rolling_resistance: Crr (-); wheel_radius_m: r (m); gear_ratio: G = ω_motor/ω_wheel (-);
    gear_efficiency: η_g (-), constant placeholder for the later gear model;
    regen_fraction: share of the braking force the motor(s) provide, 0..1;
    wheel_inertia_kgm2: J of ONE wheel (kg·m², FASTSim default 0.815); n_wheels: n;
    n_motors: motors sharing the traction equally; air_density: ρ (kg/m³).
    """

    mass_kg: float
    drag_coefficient: float
    frontal_area_m2: float
    rolling_resistance: float
    wheel_radius_m: float
    gear_ratio: float
    gear_efficiency: float
    regen_fraction: float
    wheel_inertia_kgm2: float = 0.815
    n_wheels: int = 4
    n_motors: int = 1
    air_density: float = RHO_AIR

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first out-of-range field."""
        positive = ("mass_kg", "frontal_area_m2", "wheel_radius_m", "gear_ratio", "air_density")
        for name in positive:
            val = getattr(self, name)
            if not (np.isfinite(val) and val > 0):
                raise InputError(f"vehicle.{name}", val, "> 0")
        for name in ("drag_coefficient", "rolling_resistance", "wheel_inertia_kgm2"):
            val = getattr(self, name)
            if not (np.isfinite(val) and val >= 0):
                raise InputError(f"vehicle.{name}", val, ">= 0")
        if not (0 < self.gear_efficiency <= 1):
            raise InputError("vehicle.gear_efficiency", self.gear_efficiency, "in (0, 1]")
        if not (0 <= self.regen_fraction <= 1):
            raise InputError("vehicle.regen_fraction", self.regen_fraction, "in [0, 1]")
        for name in ("n_wheels", "n_motors"):
            val = getattr(self, name)
            if isinstance(val, bool) or int(val) != val or val < 1:
                raise InputError(f"vehicle.{name}", val, "an integer >= 1")

    @property
    def equivalent_mass_kg(self) -> float:
        """m + n·J/r², kg (translating mass plus the wheels' rotating inertia)."""
        return self.mass_kg + self.n_wheels * self.wheel_inertia_kgm2 / self.wheel_radius_m**2

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class RoadLoad:
    """Road load on the N-1 intervals of a cycle: dt (s), v_mean (m/s), a (m/s²),
    F_wheel (N, total at the wheels), P_wheel (W, = F_wheel·v_mean)."""

    dt: np.ndarray
    v_mean: np.ndarray
    a: np.ndarray
    F_wheel: np.ndarray
    P_wheel: np.ndarray

    @property
    def traction_wh(self) -> float:
        """Positive wheel energy (traction), Wh."""
        return float(np.sum(np.clip(self.P_wheel, 0.0, None) * self.dt) / _WS_PER_WH)

    @property
    def braking_wh(self) -> float:
        """Braking energy available at the wheels, Wh, as a positive number."""
        return float(-np.sum(np.clip(self.P_wheel, None, 0.0) * self.dt) / _WS_PER_WH)


def road_load(cycle: DriveCycle, vehicle: Vehicle) -> RoadLoad:
    """Wheel force and power on each interval of ``cycle`` (model in the module docstring)."""
    t = np.asarray(cycle.t, dtype=float)
    v = np.asarray(cycle.v, dtype=float)
    dt = np.diff(t)
    v_mean = 0.5 * (v[1:] + v[:-1])
    a = np.diff(v) / dt
    f_inertia = vehicle.equivalent_mass_kg * a
    cda = vehicle.drag_coefficient * vehicle.frontal_area_m2
    f_aero = 0.5 * vehicle.air_density * cda * v_mean**2
    f_roll = np.where(v_mean > 0.0, vehicle.mass_kg * G_ACCEL * vehicle.rolling_resistance, 0.0)
    F = f_inertia + f_aero + f_roll
    return RoadLoad(dt=dt, v_mean=v_mean, a=a, F_wheel=F, P_wheel=F * v_mean)


def _gear_torque_to_motor(T_wheel, w_wheel, ratio: float, eta: float):
    """Map total wheel torque (N·m) and wheel speed (rad/s) to motor-side torque and speed.

    Constant-efficiency single-ratio gear (placeholder): ω_m = G·ω_w; motoring (T_w >= 0)
    T_m = T_w/(G·η); generating (T_w < 0) T_m = T_w·η/G. A gear-loss model with the same
    signature (arrays in, (T_motor, w_motor) out) can replace this function.
    """
    T_wheel = np.asarray(T_wheel, dtype=float)
    w_motor = np.asarray(w_wheel, dtype=float) * ratio
    T_motor = np.where(T_wheel >= 0.0, T_wheel / (ratio * eta), T_wheel * eta / ratio)
    return T_motor, w_motor


@dataclass(frozen=True)
class MotorDemand:
    """Per-interval demand on ONE motor, plus wheel-side energy totals of the whole vehicle.

    speed_rad_s: motor shaft speed (rad/s); torque_nm: motor shaft torque (N·m, negative when
    regenerating; 0 where only friction brakes or at standstill); dt: interval length (s).
    Energies (Wh, positive numbers, whole vehicle): wheel_traction_wh, wheel_braking_wh (available
    at the wheels), wheel_regen_wh (braking taken by the motors, at the wheels),
    wheel_friction_wh (taken by the friction brakes). n_motors: motors sharing the demand.
    """

    speed_rad_s: np.ndarray
    torque_nm: np.ndarray
    dt: np.ndarray
    wheel_traction_wh: float
    wheel_braking_wh: float
    wheel_regen_wh: float
    wheel_friction_wh: float
    n_motors: int

    @property
    def shaft_power_w(self) -> np.ndarray:
        """Mechanical power at ONE motor shaft, W (T·ω)."""
        return self.torque_nm * self.speed_rad_s

    @property
    def motoring_wh(self) -> float:
        """Shaft energy delivered by all motors while motoring, Wh."""
        p = np.clip(self.shaft_power_w, 0.0, None)
        return float(self.n_motors * np.sum(p * self.dt) / _WS_PER_WH)

    @property
    def generating_wh(self) -> float:
        """Shaft energy absorbed by all motors while regenerating, Wh (positive)."""
        p = np.clip(self.shaft_power_w, None, 0.0)
        return float(-self.n_motors * np.sum(p * self.dt) / _WS_PER_WH)


def motor_demand(cycle: DriveCycle, vehicle: Vehicle) -> MotorDemand:
    """Motor torque and speed on each interval of ``cycle`` (model in the module docstring).

    Traction: T_motor = F·r/(G·η_g)/n_motors. Braking (F < 0): the motors take
    regen_fraction·F, giving T_motor = regen_fraction·F·r·η_g/G/n_motors (< 0); friction brakes
    take the rest. Motor speed = v̄/r·G (zero on standstill intervals).
    """
    rl = road_load(cycle, vehicle)
    r = vehicle.wheel_radius_m
    w_wheel = rl.v_mean / r
    F_motor_side = np.where(rl.F_wheel >= 0.0, rl.F_wheel, vehicle.regen_fraction * rl.F_wheel)
    # no wheel torque where the wheels stand still (cannot transmit power)
    F_motor_side = np.where(rl.v_mean > 0.0, F_motor_side, 0.0)
    T_total, w_motor = _gear_torque_to_motor(
        F_motor_side * r, w_wheel, vehicle.gear_ratio, vehicle.gear_efficiency
    )
    braking = rl.braking_wh
    regen = vehicle.regen_fraction * braking
    return MotorDemand(
        speed_rad_s=w_motor,
        torque_nm=T_total / vehicle.n_motors,
        dt=rl.dt,
        wheel_traction_wh=rl.traction_wh,
        wheel_braking_wh=braking,
        wheel_regen_wh=regen,
        wheel_friction_wh=braking - regen,
        n_motors=int(vehicle.n_motors),
    )


# ---------------------------------------------------------------------------------------------
# Presets. Road-load data from the FASTSim (NREL) vehicle database
# (python/fastsim/resources/FASTSim_py_veh_db.csv and vehdb/*.csv, commit bd9111b, 2024):
# test mass (veh_override_kg where given), Cd, A, Crr, wheel radius, 0.815 kg·m² per wheel,
# trans_eff -> gear_efficiency, max_regen -> regen_fraction. Gear ratios are NOT in FASTSim:
# each is cited on its line; "unconfirmed" marks values not checked against a primary source.
# ---------------------------------------------------------------------------------------------
VEHICLES: dict[str, Vehicle] = {
    # FASTSim "2022 Tesla Model 3 RWD": veh_override_kg 1752, Cd 0.23, A 2.22, Crr 0.007,
    # r 0.33435, trans_eff 0.98, max_regen 0.98. Reduction 9.04:1 (public teardown figure;
    # unconfirmed).
    "tesla_model3_rwd_2022": Vehicle(
        mass_kg=1752.0, drag_coefficient=0.23, frontal_area_m2=2.22, rolling_resistance=0.007,
        wheel_radius_m=0.33435, gear_ratio=9.04, gear_efficiency=0.98, regen_fraction=0.98,
    ),
    # FASTSim "2022 Renault Zoe ZE50 R135": veh_override_kg 1600, Cd 0.33, A 2.5121646,
    # Crr 0.009, r 0.31045 (195/55R16), trans_eff 0.92, max_regen 0.98.
    # Reduction 9.3:1 (unconfirmed).
    "renault_zoe_2022": Vehicle(
        mass_kg=1600.0, drag_coefficient=0.33, frontal_area_m2=2.5121646,
        rolling_resistance=0.009, wheel_radius_m=0.31045, gear_ratio=9.3,
        gear_efficiency=0.92, regen_fraction=0.98,
    ),
    # FASTSim "2016 Leaf 24 kWh": Cd 0.315, A 2.755, Crr 0.008, r 0.336, trans_eff 0.98,
    # max_regen 0.98; FASTSim derives the mass from components (no override): ≈ 1520 kg as in
    # the project reference table (unconfirmed). Final drive 7.94 (reference table).
    "nissan_leaf_2016": Vehicle(
        mass_kg=1520.0, drag_coefficient=0.315, frontal_area_m2=2.755, rolling_resistance=0.008,
        wheel_radius_m=0.336, gear_ratio=7.94, gear_efficiency=0.98, regen_fraction=0.98,
    ),
    # FASTSim "2017 CHEVROLET Bolt": Cd 0.29, A 2.845, Crr 0.0073, r 0.336, trans_eff 0.98,
    # max_regen 0.98; mass ≈ 1625 kg (reference table; FASTSim derives it; unconfirmed).
    # Final drive 7.05:1 (GM published figure; unconfirmed here).
    "chevrolet_bolt_2017": Vehicle(
        mass_kg=1625.0, drag_coefficient=0.29, frontal_area_m2=2.845, rolling_resistance=0.0073,
        wheel_radius_m=0.336, gear_ratio=7.05, gear_efficiency=0.98, regen_fraction=0.98,
    ),
    # 2004 Toyota Prius (NHW20), hybrid; traction motor MG2 (50 kW) drives the ring gear, MG2 to
    # wheel ratio 4.113 (ORNL, "Evaluation of the 2004 Toyota Prius hybrid electric drive
    # system", ORNL/TM-2004/247; unconfirmed here). Cd 0.26 and curb mass 2890 lb = 1311 kg
    # (Toyota press figures quoted in contemporary reviews); test mass = curb + 136 kg (FASTSim
    # cargo convention) ≈ 1447 kg. A 2.2 m² (unconfirmed). r 0.311 m from 185/65R15 unloaded
    # (unconfirmed loaded radius). Crr 0.0064: proxy from FASTSim "2016 Toyota Prius Two FWD"
    # (unconfirmed for 2004). gear_efficiency 0.98, regen_fraction 0.98 as FASTSim defaults.
    # The engine is not modelled: all traction is put on MG2 (an upper bound on its duty).
    "toyota_prius_2004": Vehicle(
        mass_kg=1447.0, drag_coefficient=0.26, frontal_area_m2=2.2, rolling_resistance=0.0064,
        wheel_radius_m=0.311, gear_ratio=4.113, gear_efficiency=0.98, regen_fraction=0.98,
    ),
}


@dataclass(frozen=True)
class GearedMotorDemand(MotorDemand):
    """:class:`MotorDemand` through a :class:`~motoropt.gear.Gear`, with the wheel side per motor:
    wheel_torque_nm (N m), wheel_speed_rad_s (rad/s), gear_loss_w (W, >= 0)."""

    wheel_torque_nm: np.ndarray = None
    wheel_speed_rad_s: np.ndarray = None
    gear_loss_w: np.ndarray = None


def motor_demand_with_gear(cycle: DriveCycle, vehicle: Vehicle, gear: Gear) -> GearedMotorDemand:
    """Motor demand of a drive cycle with the vehicle driving its wheels through ``gear``.

    Same road load and braking blend as :func:`motor_demand` (regen_fraction of the braking force
    taken by the motors, nothing at standstill, n_motors sharing equally), but the vehicle's constant
    ratio/efficiency is replaced by :func:`motoropt.gear.gear_motor_side` (load-dependent mesh loss
    + speed-dependent spin loss), one gear per motor.
    """
    rl = road_load(cycle, vehicle)
    r = vehicle.wheel_radius_m
    w_wheel = rl.v_mean / r
    F = np.where(rl.F_wheel >= 0.0, rl.F_wheel, vehicle.regen_fraction * rl.F_wheel)
    F = np.where(rl.v_mean > 0.0, F, 0.0)
    T_wheel = F * r / vehicle.n_motors
    T_m, w_m, P_loss = gear_motor_side(T_wheel, w_wheel, gear)
    braking = rl.braking_wh
    regen = vehicle.regen_fraction * braking
    return GearedMotorDemand(
        speed_rad_s=w_m, torque_nm=T_m, dt=rl.dt, wheel_traction_wh=rl.traction_wh, wheel_braking_wh=braking,
        wheel_regen_wh=regen, wheel_friction_wh=braking - regen, n_motors=int(vehicle.n_motors),
        wheel_torque_nm=T_wheel, wheel_speed_rad_s=w_wheel, gear_loss_w=P_loss,
    )


_DEMANDS = Memo(64)


def cycle_demand(cycle_name: str, vehicle: Vehicle, gear: Gear | None = None) -> MotorDemand:
    """:func:`motor_demand` (with a ``gear``: :func:`motor_demand_with_gear`) of a shipped cycle by
    name. It depends on the cycle, vehicle and gear only, so it is remembered for the next caller
    with the same ones (an optimisation's designs share them; a design's cycle and system stages
    both ask). The object is shared: its arrays are read-only, as :func:`load_cycle`'s."""
    def make():
        cyc = load_cycle(cycle_name)
        dem = motor_demand_with_gear(cyc, vehicle, gear) if gear is not None else motor_demand(cyc, vehicle)
        for f in fields(dem):
            a = getattr(dem, f.name)
            if isinstance(a, np.ndarray):
                a.flags.writeable = False
        return dem

    key = (cycle_name, vehicle, gear)
    try:
        hash(key)
    except TypeError:  # an unhashable vehicle or gear: no memo
        return make()
    return _DEMANDS.get(key, make)


def vehicle_from_table(v: dict) -> Vehicle:
    """A :class:`Vehicle` from the case's [vehicle] table: a preset (optional) with any given field
    overriding it; without a preset every field is required."""
    given = {k: val for k, val in v.items() if val is not None and k != "preset"}
    if v.get("preset") is not None:
        if v["preset"] not in VEHICLES:
            raise InputError("vehicle.preset", v["preset"], f"one of {sorted(VEHICLES)}")
        return dataclasses.replace(VEHICLES[v["preset"]], **given)
    required = ("mass_kg", "drag_coefficient", "frontal_area_m2", "rolling_resistance", "wheel_radius_m",
                "gear_ratio", "gear_efficiency", "regen_fraction")
    for k in required:
        if k not in given:
            raise InputError(f"vehicle.{k}", None, "given (or a vehicle.preset)")
    return Vehicle(**given)
