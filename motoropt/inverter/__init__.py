"""Inverter models: power-device library, semiconductor losses, inverter mass, the [inverter] spec
and its phase-voltage limit."""

from motoropt.inverter.devices import COOLING_TYPES, DEVICES, PowerModule, R_th_junction_coolant, get_device
from motoropt.inverter.losses import (
                                       M_LINEAR_MAX,
                                       MODULATIONS,
                                       conduction_coefficients,
                                       dpwm1_switching_factor,
                                       inverter_losses,
                                       inverter_operating_points,
                                       max_phase_voltage_peak,
                                       position_losses,
)
from motoropt.inverter.mass import InverterMass, dc_link_rms_current, inverter_mass

__all__ = [
    "COOLING_TYPES", "DEVICES", "PowerModule", "R_th_junction_coolant", "get_device",
    "M_LINEAR_MAX", "MODULATIONS", "conduction_coefficients", "dpwm1_switching_factor",
    "inverter_losses", "inverter_operating_points", "max_phase_voltage_peak", "position_losses",
    "InverterMass", "dc_link_rms_current", "inverter_mass",
]
