"""Node indices and names, loss components and loss kinds of the LPTN (:mod:`motoropt.thermal.network`),
and the insulation classes' hotspot limits."""

HOUSING, YOKE, TEETH, WINDING, EW_FRONT, EW_REAR, ROTOR, MAGNET, SHAFT, BRG_FRONT, BRG_REAR = range(11)
AIR_FRONT, AIR_REAR = 11, 12
NODE_NAMES = (
    "housing", "stator_yoke", "stator_teeth", "winding_active", "end_winding_front",
    "end_winding_rear", "rotor_core", "magnets", "shaft", "bearing_front", "bearing_rear",
    "end_air_front", "end_air_rear",
)
N_BASE = len(NODE_NAMES)

LOSS_COMPONENTS = (
    "copper_active", "copper_end", "iron_teeth", "iron_yoke", "iron_rotor", "magnet",
    "mechanical_bearings", "windage", "inverter",
)
N_COMP = len(LOSS_COMPONENTS)
KIND_NONE, KIND_COPPER, KIND_IRON = 0, 1, 2


INSULATION_CLASS_C = {"B": 130.0, "F": 155.0, "H": 180.0, "N": 200.0}  # IEC 60085 thermal classes
