"""The shipped case files (``cases/``) for the tests: paths, loaded cases, nominal designs, machine
models and evaluations, each built at most once per test process (cached here; exposed as fixtures
by ``tests/conftest.py``).

The objects are shared between tests: a test that changes a design builds its own
(``design_from_values`` on a copy of ``case.nominal()``) and never mutates one of these.
"""

from __future__ import annotations

import functools
from pathlib import Path

from motoropt.case import Case, load_case, nominal_design
from motoropt.evaluation.pipeline import evaluate_design, machine_model
from motoropt.evaluation.records import Evaluation
from motoropt.machines.base import MachineDesign, MachineModel

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "cases"

#: short name -> case file (every shipped case)
CASE_FILES: dict[str, Path] = {
    "prius2004": CASES_DIR / "prius2004.toml",
    "prius2004_sic": CASES_DIR / "prius2004_sic.toml",
    "prius2004_system": CASES_DIR / "prius2004_system.toml",
    "prius_opt": CASES_DIR / "prius_opt.toml",
    "induction_traction": CASES_DIR / "induction_traction.toml",
    "multipole": CASES_DIR / "multipole_direct_drive.toml",
    "dyfree_bonded": CASES_DIR / "dyfree_bonded_eaxle.toml",
    "outer_rotor_halbach": CASES_DIR / "outer_rotor_halbach.toml",
    "programme/aircooled_air_mobility": CASES_DIR / "programme" / "aircooled_air_mobility.toml",
    "programme/dyfree_eaxle_150kw": CASES_DIR / "programme" / "dyfree_eaxle_150kw.toml",
    "programme/im_eaxle": CASES_DIR / "programme" / "im_eaxle.toml",
    "programme/multipole_direct_drive": CASES_DIR / "programme" / "multipole_direct_drive.toml",
}
PROGRAMME = tuple(n for n in CASE_FILES if n.startswith("programme/"))


def case_path(name: str) -> Path:
    """Path of a shipped case by its short name (:data:`CASE_FILES`)."""
    return CASE_FILES[name]


@functools.cache
def case(name: str) -> Case:
    """The loaded case (shared: do not mutate)."""
    return load_case(CASE_FILES[name])


@functools.cache
def design(name: str) -> MachineDesign:
    """The case's nominal design (shared: do not mutate)."""
    return nominal_design(case(name))


@functools.cache
def model(name: str) -> MachineModel:
    """The nominal design's machine model as the evaluation builds it (inverter voltage limit and
    [fea] fidelity applied: :func:`motoropt.evaluation.pipeline.machine_model`)."""
    return machine_model(design(name))


@functools.cache
def evaluation(name: str, cycles: bool = True) -> Evaluation:
    """The nominal design's evaluation (shared: do not mutate)."""
    return evaluate_design(design(name), cycles=cycles, case_path=str(CASE_FILES[name]))
