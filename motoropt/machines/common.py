"""What the families with the slotted stator of :mod:`motoropt.geometry.stator` share: the stator
and winding from case values, the current limit, winding-derived quantities (turns, resistance,
AC factor), the bearing drag, and the drive limits with the inverter's voltage limit.

Stated approximations:
- mean turn length = 2 (L + l_end) with the end-winding length per side from :mod:`motoropt.windings`;
- AC copper loss: proximity effect of round strands in the slot-leakage field (low-frequency,
  resistance-limited: P = pi sigma w^2 d^4 B^2 / 128 per unit length of strand, with the slot field
  rising linearly from the slot bottom to mu0 n_c i / b_s), applied to the active length only;
- circulating currents between parallel strands (``winding.strand_paralleling`` "coil" or "phase":
  the strands of a turn joined only at each coil's, resp. the phase's, terminals, not transposed):
  a strand at height h of the winding height H_w links the slot-leakage flux above it,
  Phi(h) = mu0 L n_c i (H_w^2 - h^2) / (2 b_s H_w) (1-D slot field, all conductors of a slot in one
  phase: an overestimate for chorded double layers); with its height random, uniform and independent
  in each of the N_p slot passages between the paralleling points (random-wound coils; the least
  coherent case, so a lower bound), the EMF of strand k differs from the group mean by
  <dE^2> = (w Phi_s)^2 N_p Var(1 - u^2) (1 - 1/n_s), Var = 4/45, Phi_s = mu0 L n_c i H_w / (2 b_s);
  the loop is resistance-limited below f_c = R_pass / (2 pi L_pass), L_pass = mu0 L H_w / (3 b_s),
  R_pass the strand resistance of one passage (half a turn). Loss = n_s <dE^2> / (2 R_strand) per
  group: an AC factor k_circ (f_e / 1 kHz)^2 / (1 + (f / f_c)^2), proportional to I^2 f^2 (the
  shape of the Prius's high-speed residual, ORNL/TM-2006/423; Popescu & Dorrell, "Skin effect and
  proximity losses in high speed brushless PM motors", IEEE IEMDC 2013, for the mechanism).
- bearings: Coulomb drag torque mu F d/2 with mu = 0.0015 (SKF, deep-groove ball bearings) for
  the rotor weight x 1.3 (+ shaft) plus a 200 N preload per bearing, on the shaft radius (>= 20 mm);
  a measured spin loss (``mechanical.drag_torque_nm`` and ``drag_viscous_nm_per_krpm``, case data
  with its source) replaces it (and, in the PM family, the windage model, which the measurement
  contains);
- drive limits: the case's ``limits.modulation`` (or the ``[inverter]``'s) as a
  :class:`motoropt.drive.modulation.Modulation`, which sets the voltage limit and the harmonic
  losses; without either, the legacy limit voltage_utilisation u_dc / sqrt(3) and no harmonic
  losses; ``limits.max_power_kw`` the shaft power limit.
"""

from __future__ import annotations

import functools
import inspect
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from motoropt.constants import MU0, RPM_TO_RAD_S
from motoropt.drive.control import Limits
from motoropt.drive.modulation import Modulation
from motoropt.errors import InputError
from motoropt.geometry.stator import Stator, parallel_tooth_slot
from motoropt.inverter.spec import InverterSpec, device_drop_voltage, inverter_voltage_limit
from motoropt.memo import Memo
from motoropt.vehicle import Vehicle, vehicle_from_table
from motoropt.windings import Winding, make_winding

if TYPE_CHECKING:
    from motoropt.materials import Steel

MM = 1e-3
BEARING_MU = 0.0015  # Coulomb friction coefficient of deep-groove ball bearings (SKF)
BEARING_PRELOAD_N = 200.0  # per bearing
HOUSING_NOTE = "housing, shaft and bearings are an allowance (mechanical.housing_mass_fraction x active mass)"


_VEHICLES = Memo(64)


def vehicle_of(values: dict) -> Vehicle | None:
    """The design's vehicle (:func:`motoropt.vehicle.vehicle_from_table` of the case values' [vehicle]
    table; None without one or with no field given), remembered by the table's text (``repr``): an
    optimisation's designs share it unless their own variables change it (frozen, shared)."""
    table = values.get("vehicle")
    if not table or not any(v is not None for v in table.values()):
        return None
    return _VEHICLES.get(repr(table), lambda: vehicle_from_table(table))


def remember_last(method):
    """A design method of one argument, remembered for the last argument it was called with (the
    designs are frozen dataclasses: the result stays valid). The flux map, the kernel choice and the
    demagnetisation check each ask for the MEC inputs at the map's magnet temperature: one build.
    The argument may be given by position or keyword, or left to its default."""
    key = "_last_" + method.__name__
    sig = inspect.signature(method)
    (name,) = [n for n in sig.parameters if n != "self"]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if len(args) == 1 and not kwargs:  # the common call, by position
            arg = args[0]
        else:
            bound = sig.bind(self, *args, **kwargs)  # by keyword or default, as the method would
            bound.apply_defaults()
            arg = bound.arguments[name]
        hit = self.__dict__.get(key)
        if hit is None or hit[0] != arg:
            hit = (arg, method(self, arg))
            object.__setattr__(self, key, hit)  # a frozen dataclass: no field, a memo in the instance dict
        return hit[1]

    return wrapper


def remember_parts(method):
    """A design method without arguments that returns a dict of numbers (the part masses), computed
    once per design (a frozen dataclass: the result stays valid) and handed out as a new dict each
    call, so that a caller changing its copy changes no other's. Several stages read the masses of
    the same design (KPIs, loss parameters, thermal geometry, rotor heat body, bearings)."""
    key = "_parts_" + method.__name__

    @functools.wraps(method)
    def wrapper(self):
        hit = self.__dict__.get(key)
        if hit is None:
            hit = method(self)
            object.__setattr__(self, key, hit)  # a memo in the instance dict, not a field
        return dict(hit)

    return wrapper


class StatorWinding:
    """Winding-derived quantities of a design with the slotted stator (needs ``stator``,
    ``winding``, ``conductor``, ``fill_factor``, ``strand_diameter``, ``end_extension``,
    ``T_winding_c``, ``rotor`` (D_shaft), ``bearing_torque`` and ``masses()``). The designs are
    frozen dataclasses: the turn's area and length and the resistance at 20 degC, asked for by
    several stages, are computed once per design."""

    def model_validity_kpis(self) -> dict:
        """KPIs that say whether the design stays inside its field model's assumptions (none by
        default; a family adds its own, e.g. the surface-PM rotor yoke's saturation)."""
        return {}

    def kernel_variant(self) -> str:
        """One set of kernels per family unless the family says otherwise ("")."""
        return ""

    @property
    def conductors_per_slot(self) -> int:
        return int(self.winding.conductors_per_slot)

    @functools.cached_property
    def turn_area(self) -> float:
        """Copper cross-section of one turn (all strands in hand), m^2."""
        return self.stator.slot_area * self.fill_factor / self.conductors_per_slot

    @functools.cached_property
    def end_winding_length(self) -> float:
        """Length of one coil end (one end of one turn), m: half circle over the coil span plus the
        straight extensions (:func:`motoropt.windings.end_winding_length`)."""
        return self.winding.end_winding_length(self.stator.D_i, self.stator.slot_depth, self.end_extension)

    @functools.cached_property
    def mean_turn_length(self) -> float:
        return 2.0 * (self.stator.L + self.end_winding_length)

    @property
    def N_ph(self) -> float:
        """Series turns per phase (per parallel path)."""
        return float(self.winding.series_turns)

    @functools.cached_property
    def R_s_20(self) -> float:
        """Phase resistance at 20 degC, ohm."""
        a = self.winding.parallel_paths
        return self.conductor.resistivity(20.0) * self.N_ph * self.mean_turn_length / (self.turn_area * a)

    @property
    def copper_mass(self) -> float:
        """Stator winding copper (active + end windings), kg."""
        return (3 * self.N_ph * self.winding.parallel_paths * self.mean_turn_length * self.turn_area
                * self.conductor.density)

    @property
    def strands_in_hand(self) -> int:
        """Parallel strands per turn (from the turn's copper area and the strand diameter)."""
        d = self.strand_diameter
        return max(1, int(round(self.turn_area / (math.pi / 4 * d * d))))

    def circulating_current_factor(self, T_c: float | None = None) -> tuple:
        """(k_circ, f_c Hz) of the strand circulating currents (module docstring); (0, inf) without
        ``winding.strand_paralleling`` or with one strand."""
        mode = ((self.values or {}).get("winding") or {}).get("strand_paralleling") or "none"
        n_s = self.strands_in_hand
        if mode == "none" or n_s < 2:
            return 0.0, math.inf
        s, w = self.stator, self.winding
        T = self.T_winding_c if T_c is None else T_c
        rho = float(self.conductor.resistivity(T))
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        H_w = s.slot_depth - s.tip_height
        n_c = w.conductors_per_slot
        a = w.parallel_paths
        passages = 2 * self.N_ph  # slot passages of one parallel path
        N_p = 2 * w.turns_per_coil if mode == "coil" else passages
        groups = 3 * a * passages / N_p  # paralleled groups in the machine
        d = self.strand_diameter
        A_s = math.pi / 4 * d * d
        l_half = 0.5 * self.mean_turn_length
        w1k = 2 * math.pi * 1000.0
        # per unit peak phase current (each path carries 1/a of it)
        phi_s = MU0 * s.L * n_c * (1.0 / a) * H_w / (2.0 * b_s)
        var = 4.0 / 45.0 * (1.0 - 1.0 / n_s)
        p_circ = groups * n_s * (w1k * phi_s) ** 2 * var * A_s / (2.0 * rho * l_half)  # W at 1 kHz, 1 A peak
        R_dc = rho * self.N_ph * self.mean_turn_length / (self.turn_area * a)
        k = p_circ / (1.5 * R_dc)
        R_pass = rho * l_half / A_s
        L_pass = MU0 * s.L * H_w / (3.0 * b_s)
        return k, R_pass / (2 * math.pi * L_pass)

    def k_ac(self, T_c: float | None = None) -> float:
        """AC copper-loss factor coefficient: R_ac/R_dc = 1 + k_ac (f_e / 1 kHz)^2 (module docstring)."""
        s = self.stator
        sigma = 1.0 / self.conductor.resistivity(self.T_winding_c if T_c is None else T_c)
        d = self.strand_diameter
        n_strands = max(1.0, self.turn_area / (math.pi / 4 * d * d))
        n_c = self.conductors_per_slot
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        w = 2 * math.pi * 1000.0
        # per unit peak phase current: B_max = mu0 n_c / b_s, <B^2> = B_max^2 / 3 over the height
        B2 = (MU0 * n_c / b_s) ** 2 / 3.0
        p_prox = n_c * n_strands * math.pi * sigma * w**2 * d**4 * B2 / 128.0  # W/m per slot at 1 A peak
        p_dc = n_c * 0.5 / (sigma * self.turn_area)  # W/m per slot at 1 A peak (rms^2 = 1/2)
        return p_prox / p_dc * s.L / (0.5 * self.mean_turn_length)

    @property
    def measured_drag(self) -> tuple | None:
        """(constant drag torque N m, viscous coefficient N m s/rad) of the case's measured spin loss
        (``mechanical.drag_torque_nm``, ``drag_viscous_nm_per_krpm``), or None."""
        me = (self.values or {}).get("mechanical") or {}
        if me.get("drag_torque_nm") is None:
            return None
        c = (me.get("drag_viscous_nm_per_krpm") or 0.0) / (1000.0 * RPM_TO_RAD_S)
        return float(me["drag_torque_nm"]), float(c)

    def bearing_drag_torque(self) -> float:
        """Bearing drag torque, N m: the measured drag (``mechanical.drag_torque_nm``), the case's
        ``mechanical.bearing_torque_nm`` or the Coulomb estimate of the module docstring."""
        if self.measured_drag is not None:
            return self.measured_drag[0]
        if self.bearing_torque is not None:
            return self.bearing_torque
        F = self.masses()["rotor"] * 1.3 * 9.81 + 2 * BEARING_PRELOAD_N
        return BEARING_MU * F * 0.5 * max(self.rotor.D_shaft * 0.5, 0.02)

    def modulation(self, inverter: InverterSpec | None = None) -> Modulation | None:
        """The drive's :class:`Modulation`: the ``[inverter]``'s (mode, f_sw, dead time, device drop at
        the current limit) or the case's ``limits.modulation`` keys, or None (legacy limit)."""
        if inverter is not None:
            mode = "svpwm" if inverter.mode == "linear" else inverter.mode
            return Modulation(mode=mode, f_sw=inverter.f_sw, t_dead=inverter.t_dead,
                              v_device=device_drop_voltage(inverter, self.i_max))
        li = (self.values or {}).get("limits") or {}
        if li.get("modulation") is None:
            return None
        f = li.get("switching_frequency_khz")
        return Modulation(mode=li["modulation"], f_sw=None if f is None else f * 1e3,
                          t_dead=(li.get("dead_time_us") or 0.0) * 1e-6)

    def drive_limits(self, inverter: InverterSpec | None = None) -> Limits:
        """Drive limits of the design (module docstring); with an inverter in the linear range, its
        phase-voltage limit after device drops and dead time with the case's voltage_utilisation
        (:func:`motoropt.inverter.spec.inverter_voltage_limit`); over-modulation and six-step take
        the mode's limit (:meth:`Modulation.v_max`)."""
        mod = self.modulation(inverter)
        v = None
        if inverter is not None and inverter.mode == "linear":
            v = inverter_voltage_limit(inverter, self.i_max, self.voltage_utilisation)
        p_kw = ((self.values or {}).get("limits") or {}).get("max_power_kw")
        return Limits(u_dc=self.u_dc, i_max=self.i_max, speed_max=self.speed_max,
                      voltage_utilisation=self.voltage_utilisation, u_ph_max_override=v, modulation=mod,
                      p_max=None if p_kw is None else p_kw * 1e3)


def stator_from_values(st: dict, steel: Steel) -> Stator:
    """The stator lamination from the case's [stator] values (case-file units), validated: parallel
    teeth from tooth_width_mm, or a trapezoidal slot from slot_width_top_mm / slot_width_bottom_mm."""
    D_o, D_i, L = st["outer_diameter_mm"] * MM, st["bore_diameter_mm"] * MM, st["stack_length_mm"] * MM
    Q = int(st["slots"])
    depth, tip = st["slot_depth_mm"] * MM, st["tip_height_mm"] * MM
    if st.get("tooth_width_mm") is not None:
        if st.get("slot_width_top_mm") is not None or st.get("slot_width_bottom_mm") is not None:
            raise InputError("stator.tooth_width_mm", st["tooth_width_mm"],
                             "given alone: either tooth_width_mm (parallel teeth) or slot_width_top_mm + slot_width_bottom_mm")
        w_top, w_bot = parallel_tooth_slot(D_i, Q, depth, tip, st["tooth_width_mm"] * MM)
    else:
        if st.get("slot_width_top_mm") is None or st.get("slot_width_bottom_mm") is None:
            raise InputError("stator.tooth_width_mm", None, "given, or both slot_width_top_mm and slot_width_bottom_mm")
        w_top, w_bot = st["slot_width_top_mm"] * MM, st["slot_width_bottom_mm"] * MM
    if w_top <= 0.3e-3 or w_bot <= 0.3e-3:
        raise InputError("stator.tooth_width_mm", st.get("tooth_width_mm"), "small enough to leave slots of >= 0.3 mm")
    stator = Stator(D_o=D_o, D_i=D_i, L=L, Q=Q, slot_depth=depth, slot_width_top=w_top, slot_width_bottom=w_bot,
                    slot_opening=st["slot_opening_mm"] * MM, tip_height=tip, stacking_factor=st["stacking_factor"],
                    density=steel.density)
    stator.validate()
    return stator


@dataclass(frozen=True)
class WindingValues:
    """The winding and the electrical values every slotted-stator family takes from a case (SI)."""

    winding: Winding
    fill_factor: float
    strand_diameter: float  # m
    end_extension: float  # m
    i_max: float  # peak phase current, A


def winding_from_values(values: dict, stator: Stator, p: int) -> WindingValues:
    """Winding, fill, strands and the current limit from [winding] and [limits], validated: the
    current from ``max_current_rms_a`` or ``max_current_density_a_per_mm2``; strands that fit a turn."""
    wi, li = values["winding"], values["limits"]
    winding = make_winding(slots=stator.Q, pole_pairs=p, layers=int(wi["layers"]), coil_pitch=wi.get("coil_pitch_slots"),
                           turns_per_coil=int(wi["turns_per_coil"]), parallel_paths=int(wi["parallel_paths"]),
                           field_prefix="winding")
    fill = wi["fill_factor"]
    turn_area = stator.slot_area * fill / winding.conductors_per_slot
    if li.get("max_current_rms_a") is not None:
        i_rms = li["max_current_rms_a"]
    elif li.get("max_current_density_a_per_mm2") is not None:
        i_rms = li["max_current_density_a_per_mm2"] * turn_area * 1e6 * winding.parallel_paths
    else:
        raise InputError("limits.max_current_rms_a", None, "given (or limits.max_current_density_a_per_mm2)")
    d_strand = wi["strand_diameter_mm"] * MM
    if d_strand * d_strand * math.pi / 4 > turn_area * 1.0001:
        raise InputError("winding.strand_diameter_mm", wi["strand_diameter_mm"],
                         f"<= {2e3 * math.sqrt(turn_area / math.pi):.3f} (the copper area of one turn is {turn_area * 1e6:.3f} mm^2)")
    return WindingValues(winding=winding, fill_factor=fill, strand_diameter=d_strand,
                         end_extension=wi["end_extension_mm"] * MM, i_max=i_rms * math.sqrt(2.0))
