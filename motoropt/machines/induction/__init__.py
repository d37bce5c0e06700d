"""Squirrel-cage induction machines: cage geometry (:mod:`motoropt.geometry.cage`), equivalent
circuit from geometry (:mod:`.circuit`), loss-minimising slip control (:mod:`.control`), the design
(:mod:`.design`) and the machine model (:mod:`.model`)."""

from motoropt.machines.base import Family, register
from motoropt.machines.induction.design import InductionDesign, build_induction_design
from motoropt.machines.induction.model import InductionModel

register(Family(topology="induction", family="induction", build=build_induction_design,
                doc="squirrel-cage induction machine"))

__all__ = ["InductionDesign", "InductionModel", "build_induction_design"]
