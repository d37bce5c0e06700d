"""Inverter mass model: power modules + DC-link film capacitor + gate drive/control + busbars + cooler
+ housing, with each part's share and the power density.

Assumptions (SI units; every constant below is an engineering estimate unless a source is named):
- Power modules: 6 switch positions; modules = ceil(6 / positions_per_module) x n_parallel, with
  n_parallel = ceil(i_peak_max / I_rating) (peak phase current within the module's nominal current).
- DC-link capacitor RMS current (Kolar & Round, "Analytical calculation of the RMS current stress on
  the DC-link capacitor of voltage-PWM converter systems", IEE Proc. Electr. Power Appl. 153(4),
  2006): I_C,rms = I_hat sqrt(m (sqrt3/(4 pi) + (sqrt3/pi - 9 m/16) cos^2 phi)), m = 2 V_hat/u_dc;
  sized at the worst case over m in [0, 2/sqrt3] and cos phi in [-1, 1] at i_peak_max (0.459 I_hat).
- Peak-to-peak voltage ripple: worst-case charge excursion per switching period of a centred-PWM
  three-phase VSI is I_hat T_sw / 4 (obtained here by time-domain simulation of the switching period
  over m, phi for SVPWM and DPWM1; see tests) -> C >= I_hat / (4 f_sw dU_pp).
- Film capacitor (metallised polypropylene, automotive DC-link): energy density at rated voltage
  CAP_J_PER_KG = 150 J/kg and ripple-current capability CAP_ARMS_PER_KG = 200 A_rms/kg (estimates in
  the range of automotive DC-link film capacitors such as TDK/EPCOS MKP DC B2562x and Kemet C4AK
  families; not transcribed from one datasheet). Rated voltage 1.1 x u_dc. Mass = max(energy-based,
  ripple-based).
- Gate drivers + control board + sensors: GATE_CONTROL_KG = 0.5 kg + 0.05 kg per switch position.
- Busbars: copper, current density 6 A/mm^2 at the phase RMS current (DC busbar carries comparable
  RMS), total length BUSBAR_LENGTH_M = 1.5 m of that cross-section.
- Cooler: area = max(P_loss / q_max, 1.2 x module footprint), mass = sigma x area + 0.2 kg manifolds:
  water_cold_plate q_max 20 W/cm^2, sigma 12 kg/m^2 (aluminium plate ~4.5 mm equivalent);
  double_side_cooled q_max 50 W/cm^2, sigma 8 kg/m^2; forced_air q_max 1 W/cm^2 of fin-base area,
  sigma 30 kg/m^2 (finned aluminium heat sink).
- Housing (cast aluminium): HOUSING_FRACTION = 0.3 x the sum of all other parts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.inverter.devices import COOLING_TYPES, get_device
from motoropt.inverter.losses import M_LINEAR_MAX

CAP_J_PER_KG = 150.0
CAP_ARMS_PER_KG = 200.0
CAP_VOLTAGE_MARGIN = 1.1
RIPPLE_CHARGE_FACTOR = 0.25  # max dQ_pp / (I_hat T_sw)
GATE_CONTROL_KG = 0.5
GATE_CONTROL_KG_PER_POSITION = 0.05
BUSBAR_J_A_PER_M2 = 6e6
BUSBAR_LENGTH_M = 1.5
RHO_CU = 8960.0
COOLER = {  # q_max W/m^2, sigma kg/m^2
    "water_cold_plate": (20e4, 12.0),
    "double_side_cooled": (50e4, 8.0),
    "forced_air": (1e4, 30.0),
}
COOLER_FIXED_KG = 0.2
HOUSING_FRACTION = 0.3


def dc_link_rms_current(i_peak, m, cos_phi):
    """Kolar & Round (2006) DC-link capacitor RMS current of a two-level VSI, A."""
    m = np.asarray(m, dtype=float)
    c2 = np.asarray(cos_phi, dtype=float) ** 2
    val = m * (math.sqrt(3) / (4 * math.pi) + (math.sqrt(3) / math.pi - 9.0 * m / 16.0) * c2)
    return np.abs(np.asarray(i_peak, dtype=float)) * np.sqrt(np.maximum(val, 0.0))


def dc_link_rms_current_worst(i_peak):
    """max over m in [0, 2/sqrt3], cos phi in [-1, 1] of :func:`dc_link_rms_current` (A)."""
    m = np.linspace(0.0, M_LINEAR_MAX, 2001)
    worst = np.maximum(dc_link_rms_current(1.0, m, 0.0), dc_link_rms_current(1.0, m, 1.0)).max()
    return abs(i_peak) * worst


@dataclass(frozen=True)
class InverterMass:
    """Mass breakdown (kg), DC-link sizing and power density of one inverter."""

    modules_kg: float
    dc_link_kg: float
    gate_drive_control_kg: float
    busbars_kg: float
    cooler_kg: float
    housing_kg: float
    n_modules: int
    C_dc_F: float
    I_c_rms_A: float
    cooling: str
    rated_power_W: float

    @property
    def total_kg(self) -> float:
        return (self.modules_kg + self.dc_link_kg + self.gate_drive_control_kg + self.busbars_kg
                + self.cooler_kg + self.housing_kg)

    @property
    def power_density_kw_per_kg(self) -> float:
        return self.rated_power_W / 1e3 / self.total_kg

    @property
    def shares(self) -> dict:
        t = self.total_kg
        return {k: getattr(self, k) / t for k in ("modules_kg", "dc_link_kg", "gate_drive_control_kg",
                                                  "busbars_kg", "cooler_kg", "housing_kg")}


def inverter_mass(device, rated_power_W, u_dc, i_peak_max, f_sw, p_loss_max_W,
                  cooling="water_cold_plate", ripple_pp_fraction=0.03) -> InverterMass:
    """Inverter mass from the device, rated power (W), DC-link voltage (V), peak phase current (A),
    switching frequency (Hz), the largest inverter loss (W) and the cooling type.

    ripple_pp_fraction: allowed peak-to-peak DC-link voltage ripple as a fraction of u_dc.
    """
    dev = get_device(device)
    if cooling not in COOLING_TYPES:
        raise InputError("inverter.cooling", cooling, f"one of {COOLING_TYPES}")
    for name, v in (("inverter.rated_power", rated_power_W), ("inverter.u_dc", u_dc),
                    ("inverter.i_peak_max", i_peak_max), ("inverter.f_sw", f_sw)):
        if not (np.isfinite(v) and v > 0):
            raise InputError(name, v, "> 0")
    if not (0 < ripple_pp_fraction < 0.5):
        raise InputError("inverter.dc_link_ripple", ripple_pp_fraction, "in (0, 0.5)")
    if p_loss_max_W < 0:
        raise InputError("inverter.p_loss_max", p_loss_max_W, ">= 0")
    n_par = max(1, math.ceil(i_peak_max / dev.I_rating - 1e-9))
    n_modules = math.ceil(6 / dev.positions_per_module) * n_par
    modules_kg = n_modules * dev.mass_module_kg
    I_c = float(dc_link_rms_current_worst(i_peak_max))
    C = i_peak_max * RIPPLE_CHARGE_FACTOR / (f_sw * ripple_pp_fraction * u_dc)
    V_cap = CAP_VOLTAGE_MARGIN * u_dc
    cap_kg = max(0.5 * C * V_cap**2 / CAP_J_PER_KG, I_c / CAP_ARMS_PER_KG)
    gd_kg = GATE_CONTROL_KG + 6 * n_par * GATE_CONTROL_KG_PER_POSITION
    busbar_kg = RHO_CU * (i_peak_max / math.sqrt(2) / BUSBAR_J_A_PER_M2) * BUSBAR_LENGTH_M
    q_max, sigma = COOLER[cooling]
    area = max(p_loss_max_W / q_max, 1.2 * n_modules * dev.footprint_m2)
    cooler_kg = sigma * area + COOLER_FIXED_KG
    housing_kg = HOUSING_FRACTION * (modules_kg + cap_kg + gd_kg + busbar_kg + cooler_kg)
    return InverterMass(modules_kg, cap_kg, gd_kg, busbar_kg, cooler_kg, housing_kg, n_modules, C, I_c,
                        cooling, float(rated_power_W))
