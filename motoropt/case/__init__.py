"""Case files (TOML): the schema of the machine sections (:mod:`.schema`), the optional sections
parsed into frozen specs by their owners (:mod:`.specs`), the ``[optimization]`` spec
(:mod:`.optimization`), and the design of a case's values (:func:`design_from_values`).

Every error is an :class:`~motoropt.errors.InputError` naming the field, the value and what is
allowed; the optional sections are parsed once when the case loads (and again per design only where
the design's own variables change them).
"""

from __future__ import annotations

from pathlib import Path

from motoropt.case.optimization import OptimizationSpec, parse_optimization
from motoropt.case.schema import (
    FREE_SECTIONS,
    SCHEMA,
    VARIABLE_FREE_SECTIONS,
    Case,
    Field,
    Variable,
    parse_case,
    read_case,
)
from motoropt.case.specs import CaseSpecs, case_specs, merged_tables
from motoropt.machines import MachineDesign, build_design


def load_case(path: str | Path) -> Case:
    """Read and validate a TOML case file, including its optional sections' specs (for the nominal
    design)."""
    case = read_case(path)
    case_specs(case.nominal(), case.free)
    return case


def design_from_values(values: dict, free: dict | None = None) -> MachineDesign:
    """Build and validate the design of case values (case-file units) and the case's optional
    sections' tables ``free`` (:attr:`Case.free`)."""
    return build_design(values, case_specs(values, free))


def nominal_design(case: Case) -> MachineDesign:
    """The nominal design of a loaded case."""
    return design_from_values(case.nominal(), case.free)


__all__ = [
    "FREE_SECTIONS", "SCHEMA", "VARIABLE_FREE_SECTIONS", "Case", "CaseSpecs", "Field", "OptimizationSpec",
    "Variable", "case_specs", "design_from_values", "load_case", "merged_tables", "nominal_design", "parse_case",
    "parse_optimization", "read_case",
]
