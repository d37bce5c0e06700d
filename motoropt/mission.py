"""eVTOL mission profiles for air-mobility propulsion motors (the air-mobility programme case).

A mission is a list of phases (take-off hover, climb/transition, cruise, descent, landing hover),
each with a duration and, per propulsion motor, a shaft power and a rotor speed. The motor's
operating points follow as T = P / w at n_motor = gear_ratio x n_rotor; the mission is expanded
into 1-s intervals (``dt``) like a drive cycle, so the evaluation's cycle code
(:func:`motoropt.evaluation.pipeline.evaluate_cycle` after ``cycle_points``) can integrate losses over it.

Reference mission "uber_elevate" (figures and their sources):
- Uber Elevate eVTOL requirements: 150 mph (241 km/h) cruise, 60-mile (97 km) sizing range, trips of
  ~25 miles, pilot + 4 passengers (Uber Elevate, "eVTOL Vehicle Requirements and Missions", 2018;
  as reported by Rotor & Wing, 30 Jan 2019, and Aviation International News, 2017/2019).
- Segments (after the Uber Elevate reference mission; durations rounded, an assumption where the
  public summaries give no number): take-off hover 60 s (the brief and the requirement document give
  30-60 s of hover per end; the longer value is the thermal design case), climb/transition to
  1,500 ft at 500 ft/min = 180 s, cruise 60 mi at 150 mph = 1440 s (24 min), descent 1,500 ft at
  500 ft/min = 180 s, landing hover 60 s. Reserve not included.
- Powers per motor from rotor momentum theory (assumptions, stated so they can be changed):
  gross mass m = 2200 kg, n_rotors = 6, rotor diameter D = 2.0 m, figure of merit FM = 0.75,
  sea-level air rho = 1.225 kg/m^3: hover thrust per rotor T_h = m g / n, ideal induced power
  P_i = T_h^1.5 / sqrt(2 rho A), hover shaft power P_hover = P_i / FM
  (= 3597 N -> 77.8 kW ideal -> 103.7 kW per motor). Hover rotor speed from a tip speed of 180 m/s
  (1719 rpm; low-noise eVTOL rotors run 150-200 m/s). Climb/transition 80 % of hover power at 95 %
  rpm; cruise 30 % of hover power (winged cruise, lift-to-drag ~ 12 vs hover power loading) at 80 %
  rpm; descent 15 % at 75 % rpm; landing hover as take-off.
- Sizing points derived from the same numbers: one-motor-inoperative hover with 5 of 6 rotors,
  P_oei = P_hover (6/5)^1.5 = 1.315 P_hover (peak rating at the hover rpm).

Case use: ``[mission] name = "uber_elevate"`` (plus optional overrides of :class:`MissionVehicle`
fields and ``gear_ratio``) is parsed by :func:`parse_mission` into a :class:`MissionSpec`; the
mission's name may then appear in ``[cycles] names``, where the evaluation takes its points from
:func:`mission_points` instead of a road cycle's demand, and every cycle KPI follows unchanged.
With a ``[gear]`` (a geared propulsion motor, e.g. a planetary reduction) the rotor's points pass
through the gear model (:meth:`MissionSpec.points`; the ratio is the gear's) and the system stage
takes the rotor shaft as the output.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.gear import Gear, gear_motor_side

G = 9.80665  # m/s^2
RHO_SL = 1.225  # kg/m^3, ISA sea level


@dataclass(frozen=True)
class MissionVehicle:
    """Multirotor/lift+cruise vehicle for the momentum-theory hover power (SI: kg, m, m/s)."""

    mass_kg: float = 2200.0
    n_rotors: int = 6
    rotor_diameter_m: float = 2.0
    figure_of_merit: float = 0.75
    tip_speed_m_s: float = 180.0
    rho: float = RHO_SL


@dataclass(frozen=True)
class Phase:
    """One mission segment: name, duration (s), shaft power per motor (W), rotor speed (rpm)."""

    name: str
    duration_s: float
    power_w: float
    rotor_rpm: float


@dataclass(frozen=True)
class Mission:
    name: str
    phases: tuple
    vehicle: MissionVehicle
    hover_power_w: float
    hover_rpm: float

    @property
    def duration_s(self) -> float:
        return float(sum(p.duration_s for p in self.phases))

    @property
    def energy_wh(self) -> float:
        """Shaft energy per motor over the mission, Wh."""
        return float(sum(p.power_w * p.duration_s for p in self.phases)) / 3600.0


def hover_power_w(v: MissionVehicle) -> float:
    """Hover shaft power per rotor (W): (m g / n)^1.5 / sqrt(2 rho A) / FM (momentum theory)."""
    for f, x in (("mass_kg", v.mass_kg), ("rotor_diameter_m", v.rotor_diameter_m), ("rho", v.rho),
                 ("tip_speed_m_s", v.tip_speed_m_s)):
        if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
            raise InputError(f"mission.{f}", x, "a positive number")
    if not (isinstance(v.n_rotors, int) and v.n_rotors >= 1):
        raise InputError("mission.n_rotors", v.n_rotors, "an integer >= 1")
    if not (0 < v.figure_of_merit <= 1):
        raise InputError("mission.figure_of_merit", v.figure_of_merit, "in (0, 1]")
    T = v.mass_kg * G / v.n_rotors
    A = math.pi * v.rotor_diameter_m ** 2 / 4
    return T ** 1.5 / math.sqrt(2 * v.rho * A) / v.figure_of_merit


def hover_rpm(v: MissionVehicle) -> float:
    """Rotor speed (rpm) at the hover tip speed."""
    return v.tip_speed_m_s / (v.rotor_diameter_m / 2) / RPM_TO_RAD_S


# (name, duration s, power / P_hover, rpm / hover rpm) -- see the module docstring for the sources
UBER_ELEVATE = (
    ("takeoff_hover", 60.0, 1.00, 1.00),
    ("climb_transition", 180.0, 0.80, 0.95),
    ("cruise", 1440.0, 0.30, 0.80),
    ("descent", 180.0, 0.15, 0.75),
    ("landing_hover", 60.0, 1.00, 1.00),
)
MISSIONS = {"uber_elevate": UBER_ELEVATE}


def get_mission(name: str = "uber_elevate", vehicle: MissionVehicle | None = None) -> Mission:
    """The named mission for ``vehicle`` (default :class:`MissionVehicle`)."""
    if name not in MISSIONS:
        raise InputError("mission.name", name, f"one of {sorted(MISSIONS)}")
    v = vehicle or MissionVehicle()
    P, n = hover_power_w(v), hover_rpm(v)
    phases = tuple(Phase(nm, d, fp * P, fn * n) for nm, d, fp, fn in MISSIONS[name])
    return Mission(name=name, phases=phases, vehicle=v, hover_power_w=P, hover_rpm=n)


def oei_power_w(m: Mission) -> float:
    """One-rotor-inoperative hover power per remaining motor: P_hover (n / (n - 1))^1.5 (W)."""
    n = m.vehicle.n_rotors
    if n < 2:
        raise InputError("mission.n_rotors", n, ">= 2 for a one-inoperative case")
    return m.hover_power_w * (n / (n - 1)) ** 1.5


def mission_points(m: Mission, gear_ratio: float = 1.0, dt_s: float = 1.0):
    """Motor operating points of the mission: (speed_rpm, torque_nm, dt_s, t_mid_s) arrays, one entry
    per interval of at most ``dt_s`` (each phase split evenly; constant power and rpm within a phase;
    motor speed = gear_ratio x rotor speed, torque = P / w_motor, gear losses not modelled)."""
    if not (isinstance(gear_ratio, (int, float)) and math.isfinite(gear_ratio) and gear_ratio > 0):
        raise InputError("mission.gear_ratio", gear_ratio, "a positive number")
    if not (isinstance(dt_s, (int, float)) and dt_s > 0):
        raise InputError("mission.dt_s", dt_s, "a positive number")
    rpm, T, dt = [], [], []
    for p in m.phases:
        k = max(1, int(math.ceil(p.duration_s / dt_s - 1e-9)))
        n_m = p.rotor_rpm * gear_ratio
        rpm += [n_m] * k
        T += [p.power_w / (n_m * RPM_TO_RAD_S)] * k
        dt += [p.duration_s / k] * k
    dt = np.asarray(dt)
    t_end = np.cumsum(dt)
    return np.asarray(rpm), np.asarray(T), dt, t_end - 0.5 * dt


@dataclass(frozen=True)
class MissionSpec:
    """The case's validated ``[mission]`` section: mission name, motor/rotor speed ratio, vehicle."""

    name: str
    gear_ratio: float
    vehicle: MissionVehicle

    def points(self, gear: Gear | None = None):
        """Motor operating points of this mission: (speed_rpm, torque_nm, dt_s, t_mid_s). Without a
        gear model :func:`mission_points` at ``gear_ratio`` (no gear loss); with ``gear`` (the case's
        [gear], e.g. a planetary reduction) the rotor's points through :func:`motoropt.gear.gear_motor_side`
        (motor speed = ratio x rotor speed, motor torque carries the gear's mesh and spin losses)."""
        if gear is None:
            return mission_points(get_mission(self.name, self.vehicle), self.gear_ratio)
        rpm, T, dt, t_mid = self.rotor_points()
        T_m, w_m, _ = gear_motor_side(T, rpm * RPM_TO_RAD_S, gear)
        return w_m / RPM_TO_RAD_S, T_m, dt, t_mid

    def rotor_points(self):
        """The rotor's (propeller shaft's) points: (speed_rpm, torque_nm, dt_s, t_mid_s)."""
        return mission_points(get_mission(self.name, self.vehicle), 1.0)


def parse_mission(raw: dict) -> MissionSpec:
    """The ``[mission]`` table validated: ``name`` (a mission of :func:`get_mission`), ``gear_ratio``
    (motor / rotor speed, default 1) and optional :class:`MissionVehicle` fields."""
    if not isinstance(raw, dict) or "name" not in raw:
        raise InputError("mission.name", None, "given (e.g. \"uber_elevate\")")
    fields = {f.name for f in dataclasses.fields(MissionVehicle)}
    for k in raw:
        if k not in fields | {"name", "gear_ratio"}:
            raise InputError(f"mission.{k}", raw[k], f"one of {sorted(fields | {'name', 'gear_ratio'})}")
    vehicle = MissionVehicle(**{k: v for k, v in raw.items() if k in fields})
    get_mission(raw["name"], vehicle)  # validates the name
    return MissionSpec(name=raw["name"], gear_ratio=float(raw.get("gear_ratio", 1.0)), vehicle=vehicle)
