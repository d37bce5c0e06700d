"""Fixtures for the shipped cases (``cases/``): paths, loaded cases, nominal designs, machine models
and evaluations, session-scoped and built at most once per test process (:mod:`tests.shipped`).

Generic access: ``shipped.case_path(name)``, ``shipped.case(name)``, ``shipped.design(name)``,
``shipped.model(name)``, ``shipped.evaluation(name, cycles=True)`` with the short names of
:data:`tests.shipped.CASE_FILES`; the commonly used ones also have their own fixtures below.
Everything handed out is shared between tests: never mutate it (build a changed design with
``design_from_values`` on a copy of ``case.nominal()``).
"""

from __future__ import annotations

import pytest

from tests import shipped as _shipped


@pytest.fixture(scope="session")
def shipped():
    """The shipped-case accessors (:mod:`tests.shipped`)."""
    return _shipped


@pytest.fixture(scope="session")
def root():
    """The repository root (cases/ and the package beside tests/)."""
    return _shipped.ROOT


# --- 2004 Prius MG2 ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def prius_path():
    return _shipped.case_path("prius2004")


@pytest.fixture(scope="session")
def prius_case():
    return _shipped.case("prius2004")


@pytest.fixture(scope="session")
def prius_design():
    return _shipped.design("prius2004")


@pytest.fixture(scope="session")
def prius_ev():
    """The Prius nominal design evaluated with its cycles (wltc3b, udds, hwfet)."""
    return _shipped.evaluation("prius2004")


# --- 2004 Prius with inverter and gear ----------------------------------------------------------
@pytest.fixture(scope="session")
def prius_system_path():
    return _shipped.case_path("prius2004_system")


@pytest.fixture(scope="session")
def prius_system_design():
    return _shipped.design("prius2004_system")


@pytest.fixture(scope="session")
def prius_system_ev():
    return _shipped.evaluation("prius2004_system")


# --- induction traction motor -------------------------------------------------------------------
@pytest.fixture(scope="session")
def induction_case():
    return _shipped.case("induction_traction")


@pytest.fixture(scope="session")
def induction_design():
    return _shipped.design("induction_traction")


@pytest.fixture(scope="session")
def induction_model():
    return _shipped.model("induction_traction")


# --- multipole direct drive, Dy-free bonded e-axle ----------------------------------------------
@pytest.fixture(scope="session")
def multipole_case():
    return _shipped.case("multipole")


@pytest.fixture(scope="session")
def multipole_design():
    return _shipped.design("multipole")


@pytest.fixture(scope="session")
def bonded_design():
    return _shipped.design("dyfree_bonded")


# --- programme cases ----------------------------------------------------------------------------
@pytest.fixture(scope="session", params=_shipped.PROGRAMME, ids=lambda n: n.split("/")[1])
def programme_name(request):
    """Each programme case's short name (parametrised)."""
    return request.param
