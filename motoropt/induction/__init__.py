"""Squirrel-cage induction motor: cage geometry, equivalent circuit from geometry, loss-minimising
control and the machine model that plugs into motoropt's evaluation (see :mod:`.model`)."""

from motoropt.induction.model import InductionDesign, InductionModel, induction_design_from_values

__all__ = ["InductionDesign", "InductionModel", "induction_design_from_values"]
