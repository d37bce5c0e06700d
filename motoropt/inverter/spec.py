"""The case's ``[inverter]`` section as a validated spec, and the phase-voltage limit it sets.

Keys (SI inside; units in the key names): ``device`` (required, a name of
:data:`motoropt.inverter.DEVICES`), ``modulation`` ("svpwm" | "dpwm1" | "overmodulation" | "six_step",
default "svpwm"; the last two run SVPWM in the linear range, then over-modulation (mode I, resp. up
to six-step) and rectangular-wave operation at the six-step voltage, see
:mod:`motoropt.drive.modulation`; the inverter's semiconductor losses are computed with the SVPWM
formulas and the modulation index clipped at the linear limit there, flagged),
``switching_frequency_khz`` (default 10), ``dead_time_us`` (default 1.0 for an IGBT, 0.25 for a SiC
MOSFET: typical gate-driver settings, an assumption), ``cooling`` ("water_cold_plate" |
"double_side_cooled" | "forced_air", default water cold plate), ``coolant_c`` (default:
``temperatures.coolant_c``), ``dc_link_ripple`` (allowed peak-to-peak DC-link voltage ripple as a
fraction of u_dc, default 0.03). Checked: the DC link must not exceed the device's allowed voltage
(``u_dc_max_fraction`` x rating), f_sw must lie in the device's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from motoropt.errors import InputError, check_number
from motoropt.inverter.devices import COOLING_TYPES, PowerModule, get_device
from motoropt.inverter.losses import MODULATIONS, max_phase_voltage_peak

SIX_STEP_UTILISATION = 2.0 * math.sqrt(3.0) / math.pi  # six-step fundamental / SVPWM linear limit
DEFAULT_DEAD_TIME_US = {"igbt": 1.0, "sic_mosfet": 0.25}
HIGH_SPEED_MODES = ("overmodulation", "six_step")  # SVPWM carrier below the linear limit
INVERTER_KEYS = ("device", "modulation", "switching_frequency_khz", "dead_time_us", "cooling", "coolant_c",
                 "dc_link_ripple")


@dataclass(frozen=True)
class InverterSpec:
    """Validated ``[inverter]`` section: device, modulation (the carrier pattern of the loss model:
    "svpwm" | "dpwm1"), f_sw (Hz), t_dead (s), cooling, coolant temperature (degC), allowed DC-link
    ripple (fraction of u_dc), DC-link voltage u_dc (V), and the voltage range used: mode "linear"
    (carrier PWM, the case's voltage_utilisation applies), "overmodulation" or "six_step"."""

    device: PowerModule
    modulation: str
    f_sw: float
    t_dead: float
    cooling: str
    T_coolant_c: float
    ripple_pp_fraction: float
    u_dc: float
    mode: str = "linear"


def parse_inverter(sec: dict, u_dc: float, T_coolant_c: float) -> InverterSpec:
    """The :class:`InverterSpec` of an ``[inverter]`` table (InputError naming ``inverter.<key>``);
    ``u_dc`` (V) and ``T_coolant_c`` (degC) come from ``[limits]`` and ``[temperatures]``."""
    if not isinstance(sec, dict):
        raise InputError("inverter", sec, "a table")
    for k in sec:
        if k not in INVERTER_KEYS:
            raise InputError(f"inverter.{k}", sec[k], f"a known key of [inverter]: {sorted(INVERTER_KEYS)}")
    if "device" not in sec:
        raise InputError("inverter.device", None, "given (required)")
    dev = get_device(sec["device"], field="inverter.device")
    mod = sec.get("modulation", "svpwm")
    if mod not in MODULATIONS + HIGH_SPEED_MODES:
        raise InputError("inverter.modulation", mod, f"one of {list(MODULATIONS + HIGH_SPEED_MODES)}")
    mode = mod if mod in HIGH_SPEED_MODES else "linear"
    if mode != "linear":
        mod = "svpwm"
    cooling = sec.get("cooling", "water_cold_plate")
    if cooling not in COOLING_TYPES:
        raise InputError("inverter.cooling", cooling, f"one of {list(COOLING_TYPES)}")
    f_khz = check_number("inverter.switching_frequency_khz", sec.get("switching_frequency_khz", 10.0), 0.0,
                         lo_open=True)
    if not (dev.f_sw_min <= f_khz * 1e3 <= dev.f_sw_max):
        raise InputError("inverter.switching_frequency_khz", sec.get("switching_frequency_khz", 10.0),
                         f"within [{dev.f_sw_min / 1e3:g}, {dev.f_sw_max / 1e3:g}] kHz for {dev.name}")
    f_sw = f_khz * 1e3
    td_us = check_number("inverter.dead_time_us", sec.get("dead_time_us", DEFAULT_DEAD_TIME_US[dev.kind]), 0.0)
    if 2e-6 * td_us * f_sw > 0.1:
        raise InputError("inverter.dead_time_us", td_us, f"<= {0.05 / f_sw * 1e6:g} us (2 t_dead f_sw <= 0.1)")
    T_c = check_number("inverter.coolant_c", sec.get("coolant_c", T_coolant_c), -50.0, 150.0)
    ripple = check_number("inverter.dc_link_ripple", sec.get("dc_link_ripple", 0.03), 0.0, 0.5, lo_open=True)
    u_dc = float(u_dc)
    if u_dc > dev.u_dc_max * (1 + 1e-12):
        raise InputError("limits.dc_link_voltage_v", u_dc,
                         f"<= {dev.u_dc_max:g} V for inverter.device = {dev.name!r} "
                         f"({dev.u_dc_max_fraction:g} x {dev.V_rating:g} V rating)")
    return InverterSpec(device=dev, modulation=mod, f_sw=f_sw, t_dead=td_us * 1e-6, cooling=cooling,
                        T_coolant_c=T_c, ripple_pp_fraction=ripple, u_dc=u_dc, mode=mode)


def device_drop_voltage(spec: InverterSpec, i_max: float) -> float:
    """Fundamental amplitude of the device drops at the current limit, (4/pi) V0 + r i_max (V), at
    the device's maximum junction temperature (as in :func:`inverter_voltage_limit`)."""
    v_ideal = spec.u_dc / math.sqrt(3.0) - 4.0 / math.pi * spec.t_dead * spec.f_sw * spec.u_dc
    v = float(max_phase_voltage_peak(spec.u_dc, i_max, spec.device, spec.modulation, spec.t_dead, spec.f_sw))
    return max(v_ideal - v, 0.0)


def inverter_voltage_limit(spec: InverterSpec, i_max: float, voltage_utilisation: float) -> float:
    """Peak phase voltage (V) the inverter can apply at the current limit i_max (A peak).

    V = u_v u_dc / sqrt(3) - (4/pi) V0 - r i_max - (4/pi) t_dead f_sw u_dc, with u_v the case's
    ``limits.voltage_utilisation`` (1 = linear limit of SVPWM/DPWM1, m = 2/sqrt(3); up to the
    six-step limit 2 sqrt(3)/pi = 1.1027 when the case allows over-modulation) and the device drops
    and dead-time error of :func:`motoropt.inverter.losses.max_phase_voltage_peak` at the device's
    maximum junction temperature (conservative). Meant for ``Limits.u_ph_max_override``.
    """
    u_v = float(voltage_utilisation)
    if u_v > SIX_STEP_UTILISATION * (1 + 1e-9):
        raise InputError("limits.voltage_utilisation", u_v,
                         f"<= {SIX_STEP_UTILISATION:.4f} (six-step) with an [inverter]")
    v_lin = float(max_phase_voltage_peak(spec.u_dc, i_max, spec.device, spec.modulation, spec.t_dead, spec.f_sw))
    v = v_lin + (u_v - 1.0) * spec.u_dc / math.sqrt(3.0)
    if not v > 0:
        raise InputError("inverter", spec.device.name, "device drops and dead time leaving a positive voltage")
    return v
