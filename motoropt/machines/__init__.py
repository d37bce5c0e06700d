"""Machine families behind one interface (:mod:`.base`): each family package registers its
topologies; :func:`build_design` builds any of them from case values.

Where things go: a new family is a new package here (its design, its model, one :class:`Family`
per topology registered in its ``__init__``); code that uses a machine only calls the
:class:`~.base.MachineDesign` and :class:`~.base.MachineModel` Protocols.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motoropt.machines import induction, outer_rotor, pmsm  # noqa: F401 - register the families' topologies
from motoropt.machines.base import Family, MachineDesign, MachineModel, RotorHeatBody, RotorRim, family_for, topologies

if TYPE_CHECKING:
    from motoropt.case.specs import CaseSpecs


def build_design(values: dict, specs: CaseSpecs | None = None) -> MachineDesign:
    """The design of case values (case-file units) with the case's parsed optional sections."""
    return family_for(values["machine"]["topology"]).build(values, specs)


__all__ = ["Family", "MachineDesign", "MachineModel", "RotorHeatBody", "RotorRim", "build_design", "family_for",
           "topologies"]
