"""The case's optional sections, parsed once into frozen specs by their owners' parsers:
``[inverter]`` (:func:`motoropt.inverter.spec.parse_inverter`), ``[gear]``
(:func:`motoropt.gear.parse_gear`), ``[thermal]`` (:func:`motoropt.thermal.settings.parse_thermal`),
``[fea]`` (:func:`motoropt.magnetics.fea.settings.parse_fea`), ``[mission]``
(:func:`motoropt.mission.parse_mission`) and ``[optimization]``
(:func:`motoropt.case.optimization.parse_optimization`). Downstream code receives these specs, never
the raw tables; the raw tables stay in :attr:`CaseSpecs.tables` only to write a design back as a
case file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from motoropt.case.optimization import OptimizationSpec, parse_optimization
from motoropt.case.schema import VARIABLE_FREE_SECTIONS
from motoropt.cycles import CYCLE_NAMES
from motoropt.errors import InputError
from motoropt.gear import GearSpec, parse_gear
from motoropt.inverter.spec import InverterSpec, parse_inverter
from motoropt.magnetics.fea.settings import FeaSettings, parse_fea
from motoropt.memo import Memo
from motoropt.mission import MissionSpec, parse_mission
from motoropt.thermal.settings import ThermalSpec, parse_thermal
from motoropt.vehicle import vehicle_from_table


@dataclass(frozen=True)
class CaseSpecs:
    """The parsed optional sections of one design's case (None: the section is absent)."""

    inverter: InverterSpec | None = None
    gear: GearSpec | None = None
    thermal: ThermalSpec = field(default_factory=lambda: parse_thermal(None))
    fea: FeaSettings = field(default_factory=FeaSettings)
    mission: MissionSpec | None = None
    optimization: OptimizationSpec | None = None
    tables: dict = field(default_factory=dict)  # the raw tables, for writing the case back only (not to be changed)


def merged_tables(values: dict, free: dict | None) -> dict:
    """The optional sections' tables with the design's assignments of their variables laid over
    them (an optimiser's values of ``inverter.device`` etc. land in ``values[section]``)."""
    free = {k: dict(v) if isinstance(v, dict) else v for k, v in (free or {}).items()}
    for sec in VARIABLE_FREE_SECTIONS:
        if sec in values and sec in free and isinstance(free[sec], dict):
            free[sec] = {**free[sec], **values[sec]}
    return free


_PARSED = Memo(64)


def _parsed(parse, table, *args):
    """``parse(table, *args)``, remembered by the table's text (``repr``: nested plain values, their
    types included) and the arguments: an optimisation's designs share their sections' tables except
    where their own variables change them. The spec is shared (frozen; not to be changed). A table
    that fails to parse raises every time."""
    return _PARSED.get((parse, repr(table), args), lambda: parse(table, *args))


def _parse_optimization_table(table) -> OptimizationSpec:
    return parse_optimization({"optimization": table})


def case_specs(values: dict, free: dict | None) -> CaseSpecs:
    """Parse the optional sections of a case for the design with case values ``values`` (each
    section parsed once per distinct table, :func:`_parsed`); checks that every cycle name is a
    shipped cycle or the ``[mission]``'s name."""
    tables = merged_tables(values, free)
    li, te = values["limits"], values["temperatures"]
    inverter = None if "inverter" not in tables else _parsed(parse_inverter, tables["inverter"],
                                                             li["dc_link_voltage_v"], te["coolant_c"])
    gear = None
    if "gear" in tables:
        veh = values.get("vehicle") or {}
        ratio = vehicle_from_table(veh).gear_ratio if any(v is not None for v in veh.values()) else None
        gear = _parsed(parse_gear, tables["gear"], ratio)
    mission = _parsed(parse_mission, tables["mission"]) if "mission" in tables else None
    if mission is not None and gear is not None:  # the [gear] sets the motor/rotor ratio of the mission
        given = tables["mission"].get("gear_ratio")
        if given is not None and abs(float(given) - gear.gear.ratio) > 1e-9 * gear.gear.ratio:
            raise InputError("mission.gear_ratio", given, f"absent or equal to gear.ratio ({gear.gear.ratio})")
        mission = dataclasses.replace(mission, gear_ratio=gear.gear.ratio)
    specs = CaseSpecs(inverter=inverter, gear=gear, thermal=_parsed(parse_thermal, tables.get("thermal")),
                      fea=_parsed(parse_fea, tables.get("fea")), mission=mission,
                      optimization=(_parsed(_parse_optimization_table, tables["optimization"])
                                    if "optimization" in tables else None),
                      tables=tables)
    for c in values["cycles"]["names"]:
        if c not in CYCLE_NAMES and (mission is None or c != mission.name):
            raise InputError("cycles.names", c, f"one of {list(CYCLE_NAMES)} or the [mission] name")
    return specs
