"""Drive: operating points of a machine under its limits (:mod:`.control`: loss-minimising current,
MTPA/field weakening/MTPV, envelope), losses per operating point (:mod:`.losses`), the flux-map
machine model (:mod:`.model`), efficiency maps and cycle loss look-up (:mod:`.effmap`) and winding
changeover (:mod:`.changeover`)."""

from motoropt.drive.control import Limits, max_torque_envelope, operating_point, solve_operating_points
from motoropt.drive.effmap import EfficiencyMap, efficiency_map, interpolate_losses
from motoropt.drive.model import FluxMapModel, MachineModel

__all__ = ["EfficiencyMap", "FluxMapModel", "Limits", "MachineModel", "efficiency_map", "interpolate_losses",
           "max_torque_envelope", "operating_point", "solve_operating_points"]
