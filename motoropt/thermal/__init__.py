"""Thermal models: lumped-parameter thermal network, cooling options, demagnetisation and rotor
stress checks (issue 4). See each module's docstring for assumptions and sources."""

from motoropt.mechanics import disc_bore_hoop_stress, ipm_bridge_stress, spm_sleeve_stress
from motoropt.thermal.cooling import Cooling, ForcedAirFins, InverterThermal, NaturalConvection, OilSpray, WaterJacket
from motoropt.thermal.demag import demag_check, demag_margin, magnet_field, short_circuit_peak_id
from motoropt.thermal.lptn import (
    INSULATION_CLASS_C,
    LOSS_COMPONENTS,
    NODE_NAMES,
    Coupling,
    SteadyResult,
    ThermalGeometry,
    ThermalMaterials,
    ThermalNetwork,
    TransientResult,
    build_network,
    continuous_rating,
    custom_network,
    hotspot,
    loss_array,
    peak_pulse,
    pulse_rating,
    steady_state,
    transient,
)

__all__ = [
    "Cooling", "ForcedAirFins", "InverterThermal", "NaturalConvection", "OilSpray", "WaterJacket",
    "demag_check", "demag_margin", "magnet_field", "short_circuit_peak_id",
    "INSULATION_CLASS_C", "LOSS_COMPONENTS", "NODE_NAMES", "Coupling", "SteadyResult", "ThermalGeometry",
    "ThermalMaterials", "ThermalNetwork", "TransientResult", "build_network", "continuous_rating",
    "custom_network", "hotspot", "loss_array", "peak_pulse", "pulse_rating", "steady_state", "transient",
    "disc_bore_hoop_stress", "ipm_bridge_stress", "spm_sleeve_stress",
]
