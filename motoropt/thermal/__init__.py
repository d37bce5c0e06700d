"""Thermal models: lumped-parameter thermal network (:mod:`.network` builds it, :mod:`.kernels`
solves it, :mod:`.lptn` is the public API), cooling options (direct air through the gap and coil
channels: :mod:`.air_cooling`), demagnetisation, and the evaluation
stage that rates a design (:mod:`.evaluation`, settings in :mod:`.settings`). See each module's
docstring for assumptions and sources."""

from motoropt.thermal.air_cooling import DirectAir
from motoropt.thermal.cooling import (
    Cooling,
    ForcedAirFins,
    InverterThermal,
    NaturalConvection,
    OilDrip,
    OilSpray,
    WaterJacket,
)
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
    "DirectAir",
    "Cooling", "ForcedAirFins", "InverterThermal", "NaturalConvection", "OilDrip", "OilSpray", "WaterJacket",
    "demag_check", "demag_margin", "magnet_field", "short_circuit_peak_id",
    "INSULATION_CLASS_C", "LOSS_COMPONENTS", "NODE_NAMES", "Coupling", "SteadyResult", "ThermalGeometry",
    "ThermalMaterials", "ThermalNetwork", "TransientResult", "build_network", "continuous_rating",
    "custom_network", "hotspot", "loss_array", "peak_pulse", "pulse_rating", "steady_state", "transient",
]
