"""Case files (TOML): schema, validation and the nominal / sampled design.

A case file describes a machine family (topology and its parameters), materials by name, winding,
limits, temperatures, vehicle and drive cycles. Every numeric parameter may be

- a number (fixed),
- a range ``[min, max]`` (a design variable for the optimiser; ``evaluate`` uses the midpoint,
  rounded for integers), or
- an inline table ``{min = .., max = .., nominal = ..}`` (a range with an explicit nominal).

String parameters that name a choice (magnet grade, steel grade, ...) may be a list of names: a
choice variable whose nominal is the first entry.

Units: keys say their unit when it is not SI (``stack_length_mm``, ``max_speed_rpm``,
``dc_link_voltage_v``); the loader converts to SI. Unknown keys are errors (typos are caught).
Every error is an :class:`~motoropt.errors.InputError` naming the field, the value and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motoropt.errors import InputError


@dataclass(frozen=True)
class Field:
    """One case-file key: its type, SI scale, allowed interval, default (None = required)."""

    kind: str  # "float" | "int" | "str" | "bool" | "strlist"
    lo: float | None = None
    hi: float | None = None
    default: Any = None
    scale: float = 1.0  # multiply to get SI
    choices: tuple | None = None  # allowed strings (None: checked later, e.g. material names)
    required: bool = False
    doc: str = ""


MM = 1e-3
RPM = 2.0 * math.pi / 60.0

SCHEMA: dict[str, dict[str, Field]] = {
    "machine": {
        "name": Field("str", default="unnamed design"),
        "topology": Field("str", choices=("ipm_v", "ipm_flat", "ipm_arc", "spm", "spm_outer", "induction"),
                          required=True),
        "pole_pairs": Field("int", 1, 60, required=True),
    },
    "stator": {
        "outer_diameter_mm": Field("float", 20, 2000, scale=MM, required=True),
        "bore_diameter_mm": Field("float", 10, 1900, scale=MM, required=True),
        "stack_length_mm": Field("float", 5, 1000, scale=MM, required=True),
        "slots": Field("int", 3, 360, required=True),
        "slot_depth_mm": Field("float", 1, 300, scale=MM, required=True),
        "slot_width_top_mm": Field("float", 0.3, 100, scale=MM),
        "slot_width_bottom_mm": Field("float", 0.3, 150, scale=MM),
        "tooth_width_mm": Field("float", 0.5, 100, scale=MM),
        "slot_opening_mm": Field("float", 0.2, 50, scale=MM, required=True),
        "tip_height_mm": Field("float", 0.1, 20, scale=MM, default=1.0),
        "stacking_factor": Field("float", 0.5, 1.0, default=0.95),
        "steel": Field("str", required=True),
    },
    "rotor": {
        "air_gap_mm": Field("float", 0.1, 20, scale=MM, required=True),
        "shaft_diameter_mm": Field("float", 1, 1800, scale=MM, required=True),
        "magnet": Field("str", required=True),
        "steel": Field("str"),
        "magnet_thickness_mm": Field("float", 0.3, 100, scale=MM, required=True),
        "magnet_width_mm": Field("float", 1, 300, scale=MM),
        "v_depth_mm": Field("float", 0.3, 200, scale=MM),
        "v_opening_mm": Field("float", 1, 500, scale=MM),
        "magnet_depth_mm": Field("float", 0.3, 200, scale=MM),
        "bridge_mm": Field("float", 0.05, 20, scale=MM),
        "post_mm": Field("float", 0, 20, scale=MM, default=0.0),
        "rib_mm": Field("float", 0.3, 100, scale=MM,
                        doc="q-axis rib width when the barrier pockets extend past the V tips"),
        "pole_arc_ratio": Field("float", 0.3, 1.0),
        "arc_depth_mm": Field("float", 0.3, 200, scale=MM,
                              doc="ipm_arc: depth of the arc barrier's upper edge at the pole centre"),
        "arc_opening_mm": Field("float", 1, 500, scale=MM,
                                doc="ipm_arc: chord between the arc's ends on the circle R - bridge"),
        "sleeve_mm": Field("float", 0, 30, scale=MM, default=0.0),
        "magnet_segments": Field("int", 1, 200, default=1),
        "halbach_segments": Field("int", 1, 5, default=1,
                                  doc="spm, spm_outer: 1 = radially magnetised arcs; 2-5 = Halbach array of that "
                                      "many parallel-magnetised segments per pole (fills the pole pitch)"),
        "rim_thickness_mm": Field("float", 0.3, 100, scale=MM,
                                  doc="spm_outer: radial thickness of the rotor rim outside the magnets"),
        "rim_material": Field("str", default="rotor_steel", choices=("rotor_steel", "titanium", "aluminium", "cfrp"),
                              doc="spm_outer: the rim's material (rotor_steel: laminated back iron; others non-magnetic)"),
        "can_thickness_mm": Field("float", 0, 30, scale=MM, default=0.0,
                                  doc="spm_outer: hoop-wound carbon-fibre retaining can over the rim (0 = none)"),
    },
    "winding": {
        "layers": Field("int", 1, 2, required=True),
        "coil_pitch_slots": Field("int", 1, 200),
        "turns_per_coil": Field("int", 1, 1000, required=True),
        "parallel_paths": Field("int", 1, 64, default=1),
        "fill_factor": Field("float", 0.1, 0.8, default=0.45),
        "conductor": Field("str", default="copper"),
        "strand_diameter_mm": Field("float", 0.05, 10, scale=MM, default=0.9),
        "end_extension_mm": Field("float", 0.0, 200.0, scale=MM, default=10.0,
                                  doc="straight axial part of each coil side outside the core"),
        "changeover": Field("str", choices=("none", "series_parallel", "star_delta"),
                            doc="winding changeover per operating point (motoropt.drive.changeover)"),
        "strand_paralleling": Field("str", choices=("none", "coil", "phase"), default="none",
                                    doc="where the parallel strands of a turn are joined when they are not "
                                        "transposed (circulating currents, motoropt.machines.common); none: "
                                        "transposed / Litz, no circulating current"),
    },
    "limits": {
        "dc_link_voltage_v": Field("float", 12, 2000, required=True),
        "max_current_rms_a": Field("float", 1, 5000),
        "max_current_density_a_per_mm2": Field("float", 1, 60),
        "max_speed_rpm": Field("float", 100, 200000, scale=RPM, required=True),
        "voltage_utilisation": Field("float", 0.5, 1.1027, default=0.95,
                                     doc="fraction of the linear SVPWM limit u_dc/sqrt(3) used (six-step: 2 sqrt(3)/pi = 1.1027); "
                                         "ignored with limits.modulation or an [inverter] in over-modulation / six-step, "
                                         "which set the limit themselves"),
        "modulation": Field("str", choices=("svpwm", "spwm", "overmodulation", "six_step"),
                            doc="the inverter's modulation when the case has no [inverter] (motoropt.drive.modulation): "
                                "voltage limit by mode and, with switching_frequency_khz, PWM harmonic losses"),
        "switching_frequency_khz": Field("float", 0.1, 200.0,
                                         doc="carrier frequency with limits.modulation (no [inverter]); absent: no "
                                             "PWM-carrier losses"),
        "dead_time_us": Field("float", 0.0, 20.0,
                              doc="inverter dead time with limits.modulation (no [inverter]): fundamental drop "
                                  "(4/pi) t_dead f_sw u_dc; default 0"),
        "max_power_kw": Field("float", 0.1, 100000.0,
                              doc="shaft power limit of the drive (system/controller limit), both directions: "
                                  "torque <= P_max / speed; absent: none"),
    },
    "temperatures": {
        "winding_c": Field("float", -40, 250, default=100.0),
        "magnet_c": Field("float", -40, 250, default=80.0),
        "coolant_c": Field("float", -40, 150, default=65.0),
    },
    "mechanical": {
        "bearing_torque_nm": Field("float", 0, 100, doc="bearing drag torque; default scales with rotor mass"),
        "drag_torque_nm": Field("float", 0, 1000,
                                doc="measured no-load mechanical drag torque (bearings, seals, oil, windage), "
                                    "constant part; replaces the bearing estimate and the windage model"),
        "drag_viscous_nm_per_krpm": Field("float", 0, 1000,
                                          doc="speed-proportional part of the measured drag, N m per 1000 rpm "
                                              "(with drag_torque_nm)"),
        "housing_mass_fraction": Field("float", 0, 2, default=0.25,
                                       doc="housing + shaft + bearings allowance as a fraction of active mass"),
    },
    "vehicle": {
        "preset": Field("str"),
        "mass_kg": Field("float", 50, 60000),
        "drag_coefficient": Field("float", 0.05, 2.0),
        "frontal_area_m2": Field("float", 0.1, 20),
        "rolling_resistance": Field("float", 0.0, 0.05),
        "wheel_radius_m": Field("float", 0.1, 1.5),
        "gear_ratio": Field("float", 0.5, 50),
        "gear_efficiency": Field("float", 0.5, 1.0),
        "regen_fraction": Field("float", 0.0, 1.0),
        "n_motors": Field("int", 1, 8),
    },
    "cycles": {
        "names": Field("strlist", default=("wltc3b", "udds", "hwfet")),
    },
    "map": {
        "n_speed": Field("int", 5, 400, default=50),
        "n_torque": Field("int", 5, 400, default=50),
        "fluxmap_n_d": Field("int", 5, 61, default=13),
        "fluxmap_n_q": Field("int", 5, 61, default=11),
        "fluxmap_nodes": Field("str", default="all", choices=("all", "current_limit"),
                               doc="flux-map grid points the MEC solves: all, or only the corners of cells "
                                   "inside the current circle (the rest NaN; the optimiser's default: "
                                   "motoropt.magnetics.analytic.compute_fluxmap)"),
        "torque_nodes": Field("str", default="even", choices=("even", "cycles"),
                              doc="torque-axis nodes: evenly spaced, or half following the cycles' time at "
                                  "each torque (motoropt.drive.effmap.torque_axis)"),
    },
}

SCHEMA["induction"] = {  # squirrel-cage rotor, topology "induction" only (motoropt/induction)
    "rotor_bars": Field("int", 3, 500, required=True),
    "bar_width_mm": Field("float", 0.3, 50, scale=MM, required=True),
    "bar_height_mm": Field("float", 0.5, 200, scale=MM, required=True),
    "bar_opening_mm": Field("float", 0.1, 20, scale=MM, doc="slot-opening (neck) width; semi-closed slots"),
    "opening_height_mm": Field("float", 0.1, 30, scale=MM, default=0.5,
                               doc="neck height (semi-closed) or bridge thickness (closed slots)"),
    "closed_slots": Field("bool", default=False),
    "bar_material": Field("str", default="copper", choices=("copper", "aluminium", "die_cast_aluminium")),
    "end_ring_height_mm": Field("float", 1, 200, scale=MM, required=True),
    "end_ring_width_mm": Field("float", 1, 200, scale=MM, required=True),
    "end_ring_retainer_mm": Field("float", 0, 50, scale=MM, default=0.0,
                                  doc="radial thickness of a shrink-fitted Inconel 718 end-ring retaining ring (0 = none)"),
    "bar_extension_mm": Field("float", 0, 100, scale=MM, default=5.0),
    "air_gap_mm": Field("float", 0.1, 20, scale=MM, required=True),
    "shaft_diameter_mm": Field("float", 1, 1800, scale=MM, required=True),
    "rotor_steel": Field("str"),
    "rotor_temperature_c": Field("float", -40, 300, default=120.0),
}

# Optional sections owned by other subsystems: read here as tables, parsed by their owners into
# specs (motoropt.case.specs).
FREE_SECTIONS = ("optimization", "inverter", "thermal", "gear", "fea", "mission")


@dataclass(frozen=True)
class Variable:
    """A design variable: a numeric range or a choice among strings."""

    path: str  # "stator.stack_length_mm"
    kind: str  # "float" | "int" | "choice"
    lo: float = 0.0
    hi: float = 0.0
    choices: tuple = ()
    nominal: Any = None


@dataclass
class Case:
    """A validated case: fixed values (in case-file units), design variables, and the optional
    sections' tables (``free``; parsed into specs by :func:`motoropt.case.case_specs`, which
    :func:`motoropt.case.load_case` runs once at load)."""

    path: str
    values: dict  # section -> key -> value (case-file units) at the nominal design
    variables: list[Variable] = field(default_factory=list)
    free: dict = field(default_factory=dict)

    def nominal(self) -> dict:
        """Values (case-file units) of the nominal design."""
        return {s: dict(v) for s, v in self.values.items()}

    def with_values(self, assignment: dict) -> dict:
        """Values of the design where ``assignment`` maps variable paths to values (variables of the
        optional sections land in ``values[section]`` too; :func:`motoropt.case.specs.merged_tables`
        lays them over the section's table)."""
        vals = self.nominal()
        for path, v in assignment.items():
            sec, key = path.split(".", 1)
            vals.setdefault(sec, {})[key] = v
        return vals


def _check_number(path: str, f: Field, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(path, v, f"a number{_interval(f)}")
    if f.kind == "int" and (not float(v).is_integer()):
        raise InputError(path, v, "an integer")
    if not math.isfinite(float(v)):
        raise InputError(path, v, f"a finite number{_interval(f)}")
    if (f.lo is not None and v < f.lo) or (f.hi is not None and v > f.hi):
        raise InputError(path, v, f"in [{f.lo}, {f.hi}]")
    return int(v) if f.kind == "int" else float(v)


def _interval(f: Field) -> str:
    return f" in [{f.lo}, {f.hi}]" if f.lo is not None else ""


def _parse_value(path: str, f: Field, raw, variables: list):
    """Validate one value; ranges become Variables. Returns the nominal value."""
    if f.kind in ("float", "int"):
        if isinstance(raw, list) or isinstance(raw, dict):
            if isinstance(raw, list):
                if len(raw) != 2:
                    raise InputError(path, raw, "a number or a range [min, max]")
                lo, hi, nom = raw[0], raw[1], None
            else:
                unknown = set(raw) - {"min", "max", "nominal"}
                if unknown or "min" not in raw or "max" not in raw:
                    raise InputError(path, raw, "a table {min = .., max = .., nominal = ..} (nominal optional)")
                lo, hi, nom = raw["min"], raw["max"], raw.get("nominal")
            lo = _check_number(path + "[min]", f, lo)
            hi = _check_number(path + "[max]", f, hi)
            if lo > hi:
                raise InputError(path, raw, f"a range with min <= max (got min {lo} > max {hi})")
            if nom is None:
                nom = (lo + hi) / 2.0
                if f.kind == "int":
                    nom = int(math.floor(nom + 0.5))
            nom = _check_number(path + "[nominal]", f, nom)
            if not (lo <= nom <= hi):
                raise InputError(path + "[nominal]", nom, f"in [{lo}, {hi}]")
            if lo < hi:
                variables.append(Variable(path, f.kind, lo, hi, (), nom))
            return nom
        return _check_number(path, f, raw)
    if f.kind == "str":
        if isinstance(raw, list):
            if not raw or not all(isinstance(x, str) for x in raw):
                raise InputError(path, raw, "a name or a non-empty list of names")
            for x in raw:
                if f.choices and x not in f.choices:
                    raise InputError(path, x, f"one of {list(f.choices)}")
            if len(raw) > 1:
                variables.append(Variable(path, "choice", choices=tuple(raw), nominal=raw[0]))
            return raw[0]
        if not isinstance(raw, str):
            raise InputError(path, raw, "a string")
        if f.choices and raw not in f.choices:
            raise InputError(path, raw, f"one of {list(f.choices)}")
        return raw
    if f.kind == "strlist":
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise InputError(path, raw, "a list of names")
        return tuple(raw)
    if f.kind == "bool":
        if not isinstance(raw, bool):
            raise InputError(path, raw, "true or false")
        return raw
    raise AssertionError(f.kind)


def parse_case(data: dict, path: str = "<case>") -> Case:
    """Validate a case dictionary (as read from TOML) against :data:`SCHEMA`."""
    if not isinstance(data, dict):
        raise InputError("case", type(data).__name__, "a TOML table")
    for sec in data:
        if sec not in SCHEMA and sec not in FREE_SECTIONS:
            raise InputError(sec, "(section)", f"one of the sections {sorted(list(SCHEMA) + list(FREE_SECTIONS))}")
    values: dict = {}
    variables: list[Variable] = []
    machine = data.get("machine", {})
    induction = isinstance(machine, dict) and machine.get("topology") == "induction"
    always = ("machine", "stator", "winding", "limits") + (("induction",) if induction else ("rotor",))
    if not induction and "induction" in data:
        raise InputError("induction", "(section)", "only for machine.topology = 'induction'")
    for sec, fields in SCHEMA.items():
        if sec == ("rotor" if induction else "induction"):
            if induction and sec in data:
                raise InputError("rotor", "(section)", "absent for machine.topology = 'induction' (the cage is in [induction])")
            continue
        raw_sec = data.get(sec, {})
        if not isinstance(raw_sec, dict):
            raise InputError(sec, raw_sec, "a table")
        for key in raw_sec:
            if key not in fields:
                raise InputError(f"{sec}.{key}", raw_sec[key], f"a known key of [{sec}]: {sorted(fields)}")
        out = {}
        for key, f in fields.items():
            p = f"{sec}.{key}"
            if key in raw_sec:
                out[key] = _parse_value(p, f, raw_sec[key], variables)
            elif f.required and (sec in always or (sec in data and not (induction and sec == "rotor"))):
                raise InputError(p, None, "given (required)")
            else:
                out[key] = f.default
        values[sec] = out
    free = {}
    for sec in FREE_SECTIONS:
        if sec in data:
            if not isinstance(data[sec], dict):
                raise InputError(sec, data[sec], "a table")
            free[sec] = _free_variables(sec, data[sec], variables)
    _check_drive_keys(data)
    return Case(path=path, values=values, variables=variables, free=free)


def _check_drive_keys(data: dict) -> None:
    """Cross-field rules of the modulation and drag keys (each key belongs to one place)."""
    li = data.get("limits") or {}
    inv = data.get("inverter")
    mech = data.get("mechanical") or {}
    if isinstance(li, dict):
        own = [k for k in ("modulation", "switching_frequency_khz", "dead_time_us") if k in li]
        if own and isinstance(inv, dict):
            raise InputError(f"limits.{own[0]}", li[own[0]],
                             "absent with an [inverter] section (its modulation, switching_frequency_khz "
                             "and dead_time_us apply)")
        for k in ("switching_frequency_khz", "dead_time_us"):
            if k in li and "modulation" not in li:
                raise InputError(f"limits.{k}", li[k], "given together with limits.modulation")
    if isinstance(mech, dict):
        if "drag_viscous_nm_per_krpm" in mech and "drag_torque_nm" not in mech:
            raise InputError("mechanical.drag_viscous_nm_per_krpm", mech["drag_viscous_nm_per_krpm"],
                             "given together with mechanical.drag_torque_nm")
        if "drag_torque_nm" in mech and "bearing_torque_nm" in mech:
            raise InputError("mechanical.bearing_torque_nm", mech["bearing_torque_nm"],
                             "absent with mechanical.drag_torque_nm (the measured drag includes the bearings)")


# Free sections whose top-level keys may be design variables (their owners validate the values).
VARIABLE_FREE_SECTIONS = ("inverter", "thermal", "gear")


def _free_variables(sec: str, table: dict, variables: list) -> dict:
    """In [inverter], [thermal] and [gear], a top-level ``[min, max]`` of numbers is a continuous
    variable and a list of several names a choice (e.g. ``device = ["CAB450M12XM3", ...]``,
    ``switching_frequency_khz = [5, 30]``); the table returned holds the nominal values (midpoint,
    first name), which the section's owner validates as usual."""
    if sec not in VARIABLE_FREE_SECTIONS:
        return table
    out = dict(table)
    for key, v in table.items():
        path = f"{sec}.{key}"
        if isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                       for x in v):
            lo, hi = float(v[0]), float(v[1])
            if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
                raise InputError(path, v, "a range [min, max] with min <= max")
            out[key] = 0.5 * (lo + hi)
            if lo < hi:
                variables.append(Variable(path, "float", lo, hi, (), out[key]))
        elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            out[key] = v[0]
            if len(v) > 1:
                variables.append(Variable(path, "choice", choices=tuple(v), nominal=v[0]))
    return out


def read_case(path: str | Path) -> Case:
    """Read a TOML case file and validate its sections against the schema (the optional sections'
    specs are parsed by :func:`motoropt.case.load_case`)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("case", str(path), "an existing TOML file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError("case", str(path), f"valid TOML ({e})") from None
    except UnicodeDecodeError:
        raise InputError("case", str(path), "a UTF-8 text file") from None
    return parse_case(data, str(p))
