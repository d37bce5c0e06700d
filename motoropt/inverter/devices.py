"""Power-module library from public datasheet parameters.

Each :class:`PowerModule` describes ONE switch position (transistor + its antiparallel / body diode)
of a two-level voltage-source inverter leg, plus the module it is packaged in (a half-bridge holds 2
positions, a six-pack 6). All values are typical datasheet values, SI units:
voltages V, currents A, resistances ohm, energies J, thermal resistances K/W, temperatures degC,
masses kg, frequencies Hz.

Models (used by :mod:`motoropt.inverter.losses`):
- IGBT on-state: ``v_CE = V0_T(T_j) + r_T(T_j) * i``; diode ``v_F = V0_D(T_j) + r_D(T_j) * i``
  (piecewise-linear fit of the datasheet output characteristic at the listed temperatures).
- SiC MOSFET: ``V0_T = 0`` and ``r_T = R_DS(on)(T_j)``; the channel conducts in both directions
  (synchronous rectification) with the same R_DS(on); the body diode (V0_D, r_D) conducts only during
  the dead time.
- Switching energy per event ``E(T_j) * (i / I_ref)**K_i * (u_dc / V_ref)**K_v`` (transistor: E_on +
  E_off; diode: E_rr with K_i_D, K_v_D), E linear in T_j between the datasheet temperatures
  ``T_sw_c`` (linear extrapolation beyond them; all temperature-dependent parameters likewise).
- Thermal: ``R_th_jc_T`` / ``R_th_jc_D`` junction-to-case per position (for pin-fin direct-cooled
  modules the datasheet gives junction-to-fluid directly, and ``R_th_ch`` is then 0). ``R_th_ch``
  is case-to-coolant per position for a water-glycol cold plate including the thermal interface
  material (assumption unless stated: 0.3 x the module's total junction-to-case of one position,
  typical of a greased baseplate on a cold plate). Other cooling types are handled in
  :func:`R_th_junction_coolant`.
- DC-link limit: ``u_dc_max = u_dc_max_fraction * V_rating`` with fraction 0.8 by default
  (turn-off overshoot L_s di/dt and cosmic-ray failure-rate margin; common design practice, e.g.
  a 650 V device on a <= 500 V bus, a 1200 V SiC device on an 800 V-class bus).

``estimates`` lists the fields that are NOT read from the cited datasheet (fits, extrapolations or
engineering estimates); everything else is transcribed from the datasheet as collected in the
project's reference notes (datasheets digitised in the Paderborn LEA transistor database).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from motoropt.errors import InputError

KINDS = ("igbt", "sic_mosfet")
COOLING_TYPES = ("water_cold_plate", "double_side_cooled", "forced_air")

# Double-side cooling: junction-to-coolant resistance relative to single-side cold plate.
# Assumption: 0.6 (published DSC modules report 30-50 % lower R_th,j-coolant than single-side
# cooled modules of the same chip area, e.g. Denso/Delphi DSC packages; not a datasheet value).
DSC_RTH_FACTOR = 0.6
# Forced air: heat-sink-to-air resistance of an inverter-sized finned aluminium heat sink with a fan,
# whole inverter (6 positions share it): 0.05 K/W. Assumption (catalogue heat sinks of ~0.3 x 0.2 m
# with 5 m/s air reach 0.03-0.06 K/W). Per position this is 6 x 0.05 K/W.
FORCED_AIR_R_SA_INVERTER = 0.05


@dataclass(frozen=True)
class PowerModule:
    """One switch position + package data of a power module (see module docstring for the models)."""

    name: str
    kind: str  # "igbt" | "sic_mosfet"
    datasheet: str  # citation
    V_rating: float  # blocking voltage, V
    I_rating: float  # nominal current, A
    positions_per_module: int  # 2 = half-bridge, 6 = six-pack
    mass_module_kg: float
    footprint_m2: float  # module baseplate area (cooler sizing), m^2
    # conduction, switch (IGBT: V_CE0, r_CE; MOSFET: 0, R_DS(on))
    T_cond_c: tuple
    V0_T: tuple
    r_T: tuple
    # conduction, diode (IGBT: antiparallel diode; MOSFET: body diode)
    T_diode_c: tuple
    V0_D: tuple
    r_D: tuple
    # switching energies at V_ref, I_ref, at temperatures T_sw_c
    V_ref: float
    I_ref: float
    T_sw_c: tuple
    E_on: tuple
    E_off: tuple
    E_rr: tuple
    K_i: float
    K_v: float
    K_i_D: float
    K_v_D: float
    K_source: str
    # thermal
    R_th_jc_T: float
    R_th_jc_D: float
    R_th_ch: float  # case-to-coolant per position, water cold plate incl. TIM
    T_j_max_c: float
    f_sw_min: float
    f_sw_max: float
    u_dc_max_fraction: float = 0.8
    estimates: tuple = field(default=())
    notes: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InputError("inverter.device.kind", self.kind, f"one of {KINDS}")
        for a, b in (("T_cond_c", ("V0_T", "r_T")), ("T_diode_c", ("V0_D", "r_D")),
                     ("T_sw_c", ("E_on", "E_off", "E_rr"))):
            n = len(getattr(self, a))
            for name in b:
                if len(getattr(self, name)) != n:
                    raise InputError(f"inverter.device.{name}", getattr(self, name), f"{n} values (one per {a})")

    @property
    def u_dc_max(self) -> float:
        """Largest allowed DC-link voltage, V (rating x margin fraction)."""
        return self.u_dc_max_fraction * self.V_rating


def R_th_junction_coolant(device: PowerModule, cooling: str = "water_cold_plate"):
    """(R_jc_T, R_jc_D, R_ch) per switch position for a cooling type, K/W.

    Thermal network per position: T_case = T_coolant + (P_T + P_D) R_ch;
    T_j,T = T_case + P_T R_jc_T; T_j,D = T_case + P_D R_jc_D (for a SiC MOSFET the body diode is the
    same die, so both use R_jc_T with P_T + P_D). Cooling types (assumptions stated at the top):
    water_cold_plate: datasheet R_jc + R_ch; double_side_cooled: both x DSC_RTH_FACTOR;
    forced_air: R_ch + 6 x FORCED_AIR_R_SA_INVERTER (shared heat sink, equal losses per position).
    """
    if cooling == "water_cold_plate":
        return device.R_th_jc_T, device.R_th_jc_D, device.R_th_ch
    if cooling == "double_side_cooled":
        f = DSC_RTH_FACTOR
        return f * device.R_th_jc_T, f * device.R_th_jc_D, f * device.R_th_ch
    if cooling == "forced_air":
        return device.R_th_jc_T, device.R_th_jc_D, device.R_th_ch + 6.0 * FORCED_AIR_R_SA_INVERTER
    raise InputError("inverter.cooling", cooling, f"one of {COOLING_TYPES}")


_mJ = 1e-3
_mOhm = 1e-3

# K_v of the Wolfspeed CAB530M12BM3 from its own datasheet: E_on + E_off at 530 A, 25 degC is
# 32.6 mJ at 600 V and 47.0 mJ at 800 V -> K_v = ln(47.0 / 32.6) / ln(800 / 600) = 1.27.
_KV_SIC_BM3 = math.log((24.3 + 22.7) / (16.7 + 15.9)) / math.log(800.0 / 600.0)

PRIUS2004_MG2 = "toyota_prius2004_mg2"  # the 2004 Prius MG2 inverter's switch position (see its entry)

DEVICES = {
    "fuji_2mbi600xee065_50": PowerModule(
        name="fuji_2mbi600xee065_50",
        kind="igbt",
        datasheet="Fuji Electric 2MBI600XEE065-50, 650 V / 600 A X-series dual IGBT module, datasheet "
        "(V_CE at 600 A 1.30 V @25 degC / 1.52 V @150 degC; fit at 150 degC V_CE0 0.659 V, r_CE 1.43 mOhm; "
        "diode fit at 150 degC V_F0 0.847 V, r_F 1.08 mOhm; E_on/E_off/E_rr at 300 V, 600 A, Rg 3.3 Ohm: "
        "19.4/35.9/7.7 mJ @150 degC, 15.4/31.7/4.2 mJ @25 degC; R_th,jc 0.054 / 0.087 K/W)",
        V_rating=650.0, I_rating=600.0, positions_per_module=2,
        mass_module_kg=0.35, footprint_m2=0.062 * 0.108,
        T_cond_c=(25.0, 150.0), V0_T=(0.80, 0.659), r_T=(0.833 * _mOhm, 1.43 * _mOhm),
        T_diode_c=(25.0, 150.0), V0_D=(1.00, 0.847), r_D=(0.85 * _mOhm, 1.08 * _mOhm),
        V_ref=300.0, I_ref=600.0, T_sw_c=(25.0, 150.0),
        E_on=(15.4 * _mJ, 19.4 * _mJ), E_off=(31.7 * _mJ, 35.9 * _mJ), E_rr=(4.2 * _mJ, 7.7 * _mJ),
        K_i=1.0, K_v=1.3, K_i_D=0.6, K_v_D=0.6,
        K_source="K_i = 1 (Graovac & Puerschel, Infineon AN 2009); K_v = 1.3 for IGBTs and K_i,D = 0.6, "
        "K_v,D = 0.6 for diodes: commonly used refinements (project reference notes, unconfirmed)",
        R_th_jc_T=0.054, R_th_jc_D=0.087, R_th_ch=0.3 * 0.054,
        T_j_max_c=175.0, f_sw_min=2e3, f_sw_max=20e3,
        estimates=("V0_T[25C]", "r_T[25C]", "V0_D[25C]", "r_D[25C]", "mass_module_kg", "footprint_m2",
                   "R_th_ch", "K_v", "K_i_D", "K_v_D", "f_sw range"),
        notes="25 degC conduction fit: V_CE0 assumed 0.80 V (threshold falls ~1.1 mV/K), r_CE from "
        "V_CE(600 A) = 1.30 V; diode 25 degC fit assumed. Module mass not found: estimate for a "
        "62 x 108 mm dual with Cu baseplate.",
    ),
    "infineon_ff300r12ke3": PowerModule(
        name="infineon_ff300r12ke3",
        kind="igbt",
        datasheet="Infineon FF300R12KE3, 1200 V / 300 A 62 mm IGBT3 half-bridge, datasheet (V_CE,sat at "
        "300 A 1.70 V @25 degC / 2.00 V @125 degC; E_on/E_off/E_rec at 600 V, 300 A, 125 degC: "
        "25.3/44.3/26.0 mJ; R_th,jc 0.085 / 0.15 K/W; 62 mm package 340 g)",
        V_rating=1200.0, I_rating=300.0, positions_per_module=2,
        mass_module_kg=0.34, footprint_m2=0.062 * 0.106,
        T_cond_c=(25.0, 125.0), V0_T=(0.90, 0.80), r_T=(2.67 * _mOhm, 4.00 * _mOhm),
        T_diode_c=(25.0, 125.0), V0_D=(1.00, 0.85), r_D=(2.17 * _mOhm, 2.67 * _mOhm),
        V_ref=600.0, I_ref=300.0, T_sw_c=(25.0, 125.0),
        E_on=(0.75 * 25.3 * _mJ, 25.3 * _mJ), E_off=(0.80 * 44.3 * _mJ, 44.3 * _mJ),
        E_rr=(0.55 * 26.0 * _mJ, 26.0 * _mJ),
        K_i=1.0, K_v=1.3, K_i_D=0.6, K_v_D=0.6,
        K_source="as fuji_2mbi600xee065_50",
        R_th_jc_T=0.085, R_th_jc_D=0.15, R_th_ch=0.3 * 0.085,
        T_j_max_c=125.0, f_sw_min=1e3, f_sw_max=15e3,
        estimates=("V0_T", "r_T split of V_CE,sat", "V0_D", "r_D", "E_*[25C] (scaled 0.55-0.80 of 125C)",
                   "mass_module_kg (62 mm package value, recalled)", "R_th_ch", "f_sw range"),
        notes="Only V_CE,sat at I_nom is used from the datasheet for conduction; split into V_CE0/r_CE "
        "assumed. 25 degC switching energies are estimates (datasheet gives 125 degC).",
    ),
    "semikron_skm400gb12t4": PowerModule(
        name="semikron_skm400gb12t4",
        kind="igbt",
        datasheet="Semikron SKM400GB12T4, 1200 V / 400 A SEMITRANS 3 IGBT4 half-bridge, datasheet "
        "(V_CE,sat at 400 A 1.94 V @25 degC / 2.41 V @150 degC; E_on/E_off/E_rr at 600 V, 400 A, "
        "150 degC: 32.3/42.5/31.0 mJ; R_th,jc 0.072 / 0.14 K/W)",
        V_rating=1200.0, I_rating=400.0, positions_per_module=2,
        mass_module_kg=0.325, footprint_m2=0.062 * 0.106,
        T_cond_c=(25.0, 150.0), V0_T=(0.80, 0.70), r_T=(2.85 * _mOhm, 4.28 * _mOhm),
        T_diode_c=(25.0, 150.0), V0_D=(1.10, 0.90), r_D=(2.75 * _mOhm, 3.10 * _mOhm),
        V_ref=600.0, I_ref=400.0, T_sw_c=(25.0, 150.0),
        E_on=(0.70 * 32.3 * _mJ, 32.3 * _mJ), E_off=(0.80 * 42.5 * _mJ, 42.5 * _mJ),
        E_rr=(0.50 * 31.0 * _mJ, 31.0 * _mJ),
        K_i=1.0, K_v=1.3, K_i_D=0.6, K_v_D=0.6,
        K_source="as fuji_2mbi600xee065_50",
        R_th_jc_T=0.072, R_th_jc_D=0.14, R_th_ch=0.3 * 0.072,
        T_j_max_c=175.0, f_sw_min=1e3, f_sw_max=20e3,
        estimates=("V0_T", "r_T split", "V0_D", "r_D", "E_*[25C]", "mass_module_kg (recalled 325 g)",
                   "R_th_ch", "f_sw range"),
    ),
    "wolfspeed_cab530m12bm3": PowerModule(
        name="wolfspeed_cab530m12bm3",
        kind="sic_mosfet",
        datasheet="Wolfspeed CAB530M12BM3, 1200 V / 530 A SiC 62 mm half-bridge, datasheet (R_DS(on) "
        "2.78/3.78/4.17 mOhm @25/125/150 degC; E_on/E_off at 600 V, 530 A, 25 degC, Rg 1.5 Ohm "
        "16.7/15.9 mJ (800 V: 24.3/22.7 mJ); body-diode E_rr 0.64 mJ (600 V); V_SD at 530 A 4.76 V "
        "@25 / 4.30 V @150 degC; R_th,jc 0.065 K/W)",
        V_rating=1200.0, I_rating=530.0, positions_per_module=2,
        mass_module_kg=0.30, footprint_m2=0.062 * 0.106,
        T_cond_c=(25.0, 125.0, 150.0), V0_T=(0.0, 0.0, 0.0),
        r_T=(2.78 * _mOhm, 3.78 * _mOhm, 4.17 * _mOhm),
        T_diode_c=(25.0, 150.0), V0_D=(2.90, 2.50), r_D=(3.51 * _mOhm, 3.40 * _mOhm),
        V_ref=600.0, I_ref=530.0, T_sw_c=(25.0, 150.0),
        E_on=(16.7 * _mJ, 16.7 * _mJ), E_off=(15.9 * _mJ, 15.9 * _mJ), E_rr=(0.64 * _mJ, 0.64 * _mJ),
        K_i=1.0, K_v=_KV_SIC_BM3, K_i_D=0.6, K_v_D=0.6,
        K_source="K_v = 1.27 from the datasheet's 600 V / 800 V energies; K_i = 1 (AN); diode 0.6/0.6 "
        "(common refinement, unconfirmed)",
        R_th_jc_T=0.065, R_th_jc_D=0.065, R_th_ch=0.3 * 0.065,
        T_j_max_c=175.0, f_sw_min=5e3, f_sw_max=50e3,
        estimates=("V0_D/r_D split of V_SD", "E at 150 degC taken equal to 25 degC (SiC switching energy "
                   "nearly temperature independent)", "mass_module_kg", "R_th_ch", "f_sw range"),
    ),
    "wolfspeed_cab450m12xm3": PowerModule(
        name="wolfspeed_cab450m12xm3",
        kind="sic_mosfet",
        datasheet="Wolfspeed CAB450M12XM3 (automotive EAB450M12XM3), 1200 V / 450 A SiC XM3 half-bridge, "
        "80 x 53 x 19 mm, datasheet Rev. A 2019 (R_DS(on) 4.6 mOhm hot used for I_D rating at 175 degC; "
        "R_th,jc 0.11 K/W; V_SD 4.7 V @25 / 4.2 V @175 degC at 450 A; Q_rr 6.6 uC at 600 V, 450 A, 175 degC)",
        V_rating=1200.0, I_rating=450.0, positions_per_module=2,
        mass_module_kg=0.19, footprint_m2=0.080 * 0.053,
        T_cond_c=(25.0, 125.0, 150.0, 175.0), V0_T=(0.0, 0.0, 0.0, 0.0),
        r_T=(2.8 * _mOhm, 3.8 * _mOhm, 4.2 * _mOhm, 4.6 * _mOhm),
        T_diode_c=(25.0, 175.0), V0_D=(2.90, 2.40), r_D=(4.0 * _mOhm, 4.0 * _mOhm),
        V_ref=600.0, I_ref=450.0, T_sw_c=(25.0, 175.0),
        E_on=(14.2 * _mJ, 14.2 * _mJ), E_off=(13.5 * _mJ, 13.5 * _mJ), E_rr=(1.2 * _mJ, 1.2 * _mJ),
        K_i=1.0, K_v=_KV_SIC_BM3, K_i_D=0.6, K_v_D=0.6,
        K_source="as wolfspeed_cab530m12bm3 (same 3rd-generation die technology)",
        R_th_jc_T=0.11, R_th_jc_D=0.11, R_th_ch=0.3 * 0.11,
        T_j_max_c=175.0, f_sw_min=5e3, f_sw_max=50e3,
        estimates=("r_T at 25/125/150 degC (CAB530 normalised R_DS(on)(T) curve anchored at 4.6 mOhm @175)",
                   "E_on/E_off (CAB530 energies scaled by 450/530)", "E_rr (~0.3 Q_rr V_dc)",
                   "V0_D/r_D split", "mass_module_kg (estimate from 80x53x19 mm Cu-baseplate package)",
                   "R_th_ch", "f_sw range"),
    ),
    "infineon_fs820r08a6p2b": PowerModule(
        name="infineon_fs820r08a6p2b",
        kind="igbt",
        datasheet="Infineon HybridPACK Drive FS820R08A6P2B, 750 V / 820 A EDT2 IGBT six-pack, pin-fin "
        "direct-cooled baseplate, Final Data Sheet V3.1 2019-10-10 (V_CES 750 V, I_C,nom 820 A, "
        "T_vj,op 150 degC (175 degC short-time), EDT2 optimised for ~10 kHz)",
        V_rating=750.0, I_rating=820.0, positions_per_module=6,
        mass_module_kg=0.70, footprint_m2=0.154 * 0.090,
        T_cond_c=(25.0, 150.0), V0_T=(0.75, 0.62), r_T=(0.73 * _mOhm, 1.07 * _mOhm),
        T_diode_c=(25.0, 150.0), V0_D=(0.95, 0.75), r_D=(0.73 * _mOhm, 0.85 * _mOhm),
        V_ref=400.0, I_ref=820.0, T_sw_c=(25.0, 150.0),
        E_on=(30.0 * _mJ, 40.0 * _mJ), E_off=(35.0 * _mJ, 42.0 * _mJ), E_rr=(15.0 * _mJ, 25.0 * _mJ),
        K_i=1.0, K_v=1.3, K_i_D=0.6, K_v_D=0.6,
        K_source="as fuji_2mbi600xee065_50",
        R_th_jc_T=0.10, R_th_jc_D=0.15, R_th_ch=0.0,
        T_j_max_c=150.0, f_sw_min=2e3, f_sw_max=15e3,
        estimates=("V0_T", "r_T", "V0_D", "r_D", "E_on", "E_off", "E_rr", "V_ref/I_ref",
                   "R_th_jc_T/R_th_jc_D (junction-to-fluid)", "mass_module_kg", "footprint_m2", "f_sw range"),
        notes="Only ratings, T_vj,op and the pin-fin direct cooling were read from public datasheet text "
        "at the time; the loss and thermal data here are ENGINEERING ESTIMATES for a 750 V EDT2 "
        "six-pack (V_CE,sat(820 A) ~1.35 V @25 / 1.50 V @150 degC) and must be replaced by the "
        "datasheet values before quantitative use. R_th is junction-to-fluid (R_th_ch = 0).",
    ),
    PRIUS2004_MG2: PowerModule(
        name=PRIUS2004_MG2,
        kind="igbt",
        datasheet="2004 Toyota Prius MG2 inverter switch position (Toyota planar-gate 600 V Si IGBT + "
        "diode; no public datasheet): silicon per position from ORNL/TM-2010/253 Table 2.5 (12 IGBT dies "
        "x 131.9 mm^2 and 12 diode dies x 40.7 mm^2 for the six positions: 2 + 2 dies in parallel, "
        "263.8 mm^2 IGBT and 81.4 mm^2 diode per position); characteristics SCALED from the Fuji "
        "Electric 2MBI400U2B-060 (600 V / 400 A U-series dual, datasheet 2004-01 Rev. a; curves "
        "digitised in the Paderborn LEA transistor database, IGBT/650V/Fuji_2MBI400U2B-060.json): "
        "V_CE(400 A) 1.86 / 2.11 V @25/125 degC, E_on/E_off/E_rr at 300 V, 400 A, R_G 6.8 Ohm "
        "13.0/14.7/2.06 mJ @25 and 18.1/18.7/3.95 mJ @125 degC, R_th,jc 0.10 / 0.16 K/W",
        V_rating=600.0, I_rating=366.4, positions_per_module=6,
        mass_module_kg=1.0, footprint_m2=0.01,
        T_cond_c=(25.0, 125.0), V0_T=(0.8407, 0.7949), r_T=(3.006 * _mOhm, 3.932 * _mOhm),
        T_diode_c=(25.0, 125.0), V0_D=(1.003, 0.8204), r_D=(2.643 * _mOhm, 3.647 * _mOhm),
        V_ref=300.0, I_ref=200.0, T_sw_c=(25.0, 125.0),
        E_on=(6.394 * _mJ, 8.579 * _mJ), E_off=(5.930 * _mJ, 8.229 * _mJ), E_rr=(1.191 * _mJ, 2.194 * _mJ),
        K_i=1.091, K_v=1.3, K_i_D=0.5811, K_v_D=0.6,
        K_source="K_i, K_i_D: power-law fits of the Fuji E(I) curves (mean of E_on/E_off and of the two "
        "temperatures); K_v = 1.3, K_v,D = 0.6 as fuji_2mbi600xee065_50 (the datasheet has one voltage)",
        R_th_jc_T=0.1092, R_th_jc_D=0.2830, R_th_ch=0.3 * 0.1092,
        T_j_max_c=150.0, f_sw_min=1e3, f_sw_max=20e3, u_dc_max_fraction=0.85,
        estimates=("Fuji reference silicon per position (2 x 144 mm^2 IGBT, 2 x 72 mm^2 diode: not published; "
                   "sets the area ratios k_T = 0.916, k_D = 0.565)",
                   "scaling at equal current density (Toyota's die technology taken equal to Fuji's U-series)",
                   "K_v", "K_v_D", "R_th_ch", "T_j_max_c", "mass_module_kg", "footprint_m2", "f_sw range",
                   "u_dc_max_fraction (set to admit ORNL's measured 505 V bus on 600 V dies)"),
        notes="Scaling from the Fuji module to the Prius silicon (per position) at equal current density, "
        "k = A_Prius / A_Fuji (k_T IGBT, k_D diode): V0 unchanged, r = r_Fuji / k, E(I) = k E_Fuji(I / k), "
        "R_th,jc = R_th,jc,Fuji / k, I_rating = 400 A x k_T. Fits over 30-300 A at the Prius scale "
        "(the per-position peak currents of the ORNL map): V-I straight lines, E(I) power laws; "
        "tests/system/test_inverter_prius.py recomputes every value from the digitised curves.",
    ),
}


def get_device(name, field: str = "inverter.device") -> PowerModule:
    """The :class:`PowerModule` named ``name`` (case-insensitive); a PowerModule passes through.

    Raises InputError(field, name, allowed names) for an unknown name.
    """
    if isinstance(name, PowerModule):
        return name
    key = str(name).strip().lower()
    if key not in DEVICES:
        raise InputError(field, name, f"one of {sorted(DEVICES)}")
    return DEVICES[key]
