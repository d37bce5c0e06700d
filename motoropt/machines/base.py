"""What every machine family provides, and the registry from topology name to family.

A family is a package under :mod:`motoropt.machines` (``pmsm``, ``induction``) that registers a
:class:`Family` for each topology it builds. Code that uses a machine goes through the two
Protocols below and never asks which family it has:

- :class:`MachineDesign` -- one fully specified design (SI units): masses, resistance, the machine
  model for given flux maps and limits, its rotor's overspeed stress and the heat-carrying rotor
  body the thermal network needs. ``magnet`` is None for a magnet-free machine (declared, not
  guessed).
- :class:`MachineModel` -- what the drive, map, cycle, system and thermal code evaluate: operating
  points under the drive limits, the torque envelope, efficiency maps and single points, with the
  loss kinds it reports. ``fluxmap`` is the PM flux map (None for machines without one).

The field-model provider (analytic or FEA: flux maps for the PM families, the equivalent circuit
for the induction family; the FEA one from :meth:`MachineDesign.fea_provider`) and the drive limits
(with the inverter's voltage limit) are passed to :meth:`MachineDesign.machine_model` by the
evaluation pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from motoropt.errors import InputError

if TYPE_CHECKING:
    from motoropt.case.specs import CaseSpecs
    from motoropt.drive.control import Limits
    from motoropt.drive.effmap import EfficiencyMap
    from motoropt.inverter.spec import InverterSpec
    from motoropt.magnetics.fea.settings import FeaSettings
    from motoropt.magnetics.fluxmap import FluxMap
    from motoropt.materials import Magnet
    from motoropt.mechanics import StressLimits
    from motoropt.vehicle import Vehicle


@dataclass(frozen=True)
class RotorRim:
    """The rim of an outer rotor (the rotor surrounds the stator), for the thermal network: the
    diameter of the magnets' gap face, m; inner and outer diameter of the rim, m; its mass, kg,
    radial thermal conductivity, W/m/K, and specific heat, J/kg/K; the thickness (m) and mass (kg)
    of a retaining can over it (0: none)."""

    magnet_inner_diameter: float
    inner_diameter: float
    outer_diameter: float
    mass: float
    conductivity: float
    specific_heat: float
    can_thickness: float = 0.0
    can_mass: float = 0.0


@dataclass(frozen=True)
class RotorHeatBody:
    """The rotor's heat-carrying body for the thermal network (magnets of a PM rotor, the cage of an
    induction rotor): total mass (kg), thickness and width of one piece (m, across and along the
    rotor surface), number of pieces, whether it faces the air gap (surface magnets), and its
    thermal conductivity (W/m/K), specific heat (J/kg/K) and contact gap to the laminations (m);
    None = the thermal model's default for magnets. ``rim``: set by an outer rotor (the magnets sit
    on the inside of that rim, the stator is inside the rotor); None for a rotor inside its stator."""

    mass: float
    thickness: float
    width: float
    count: int
    surface: bool
    conductivity: float | None = None
    specific_heat: float | None = None
    interface_gap: float | None = None
    rim: RotorRim | None = None


#: a field-model provider, what :meth:`MachineDesign.machine_model` takes as ``fluxmaps``: (design,
#: magnet temperature degC or None for the design's) -> the family's field model -- a FluxMap for
#: the PM families, the equivalent-circuit parameters for the induction family
#: (:meth:`MachineDesign.fea_provider` makes the FEA one)
FluxMapProvider = Callable[[Any, "float | None"], "FluxMap"]


class MachineModel(Protocol):
    """A machine as the drive, map, cycle, system and thermal code see it."""

    name: str
    limits: Limits
    loss_kinds: tuple[str, ...]
    fluxmap: FluxMap | None
    pole_pairs: int
    bearing_drag_torque: float  # N m at the shaft (the mechanical loss's speed-proportional part)

    def solve_operating_points(self, speed, torque, strategy: str = "min_loss") -> dict: ...

    def envelope(self, speeds, generating: bool = True) -> dict:
        """Max shaft torque at the given speeds, rad/s: torque_motoring, torque_generating
        (magnitude), N m; ``generating`` False lets a model skip the generating side (NaN there)."""
        ...

    def peak_power_between(self, a: float, b: float, key: str = "torque_motoring", w_tol: float = 0.005,
                           max_evals: int = 30) -> float:
        """The largest T(w) w of the motoring envelope (``key``: "torque_motoring", or
        "torque_motoring_unlimited" where the envelope has it) on [a, b] rad/s, W: the golden-section
        search of :func:`motoropt.drive.search.golden_max`, narrowed to w_tol of the speed or
        max_evals envelope evaluations."""
        ...

    def efficiency_map(self, n_speed: int = 50, n_torque: int = 50, speed_max=None,
                       strategy: str = "min_loss", torque_demand=None) -> EfficiencyMap: ...

    def operating_point(self, speed_rpm: float, torque_nm: float, strategy: str = "min_loss") -> dict: ...


class MachineDesign(Protocol):
    """One fully specified design of any family (SI units)."""

    name: str
    topology: str
    p: int
    magnet: Magnet | None
    i_max: float
    u_dc: float
    speed_max: float
    voltage_utilisation: float
    T_winding_c: float
    T_rotor_c: float  # reference temperature of the rotor's heat body (magnets, cage), degC
    T_coolant_c: float
    vehicle: Vehicle | None  # the case's vehicle (None: no road cycles)
    cycles: tuple[str, ...]  # cycle names to evaluate
    n_speed: int  # efficiency-map grid
    n_torque: int
    specs: CaseSpecs | None  # the case's parsed optional sections
    values: dict  # the case-file values the design came from

    def masses(self) -> dict: ...

    def drive_limits(self, inverter: InverterSpec | None = None) -> Limits: ...

    @property
    def R_s_20(self) -> float: ...

    def machine_model(self, fluxmaps: FluxMapProvider | None = None, limits: Limits | None = None,
                      T_magnet_c: float | None = None, T_winding_c: float | None = None) -> MachineModel: ...

    def fea_provider(self, settings: FeaSettings) -> FluxMapProvider:
        """The family's FEA field-model provider for ``machine_model(fluxmaps=...)`` with the case's
        ``[fea]`` settings (PM: the FEA flux maps; induction: the FEA-derived circuit)."""
        ...

    def rotor_stress(self, lim: StressLimits) -> dict: ...

    def rotor_heat_body(self) -> RotorHeatBody: ...

    def model_validity_kpis(self) -> dict:
        """KPIs saying whether the design stays inside its field model's assumptions ({} if none)."""
        ...

    def kernel_variant(self) -> str:
        """Which of its family's numba kernels the design uses where a family has several (the
        MEC network kind), "" where it has one; names the design's kernels in the cold-start
        manifest (:mod:`motoropt.compilation`)."""
        ...


@dataclass(frozen=True)
class Family:
    """A registered topology: its family name and the builder from case values to a design."""

    topology: str
    family: str
    build: Callable[..., MachineDesign]
    doc: str = ""


_REGISTRY: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Add a topology to the registry (each family package registers its topologies on import)."""
    if family.topology in _REGISTRY:
        raise ValueError(f"topology {family.topology!r} registered twice")
    _REGISTRY[family.topology] = family
    return family


def family_for(topology: str) -> Family:
    """The registered family of a topology (InputError naming machine.topology otherwise)."""
    try:
        return _REGISTRY[topology]
    except KeyError:
        raise InputError("machine.topology", topology, f"one of {sorted(_REGISTRY)}") from None


def topologies() -> tuple[str, ...]:
    """Registered topology names."""
    return tuple(sorted(_REGISTRY))
