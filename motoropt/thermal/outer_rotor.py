"""The lumped-parameter thermal network of an outer-rotor machine: the stator inside, cooled from its
bore through the stationary hub it sits on; the rotor outside, its rim cooled by the air around it.
Same nodes, loss components, coupling and kernels as the inner-rotor network of
:mod:`motoropt.thermal.network` (so the ratings, cycles and hotspot estimate run unchanged); the
node "housing" is the stator hub, and one node is added: "rotor_ambient", the air around the rotor
(pinned to the ambient temperature by a large boundary conductance, so that the rim's convection can
be a speed-dependent edge).

Heat paths (radii from the machine axis; conduction formulas of :mod:`motoropt.thermal.correlations`):
- winding -> teeth (slot sides) and -> yoke (slot bottoms, now at the inner end of the slots):
  the inner network's slot model (equivalent slot conductivity, liner); winding -> end windings by
  axial copper conduction;
- teeth -> yoke -> hub: half-shells of the yoke (inner half towards the hub), a 30 um contact layer
  (stator pressed on the hub) and the hub's outer half-shell (aluminium, ``hub_thickness``);
- hub -> coolant: a water jacket in the hub (the WaterJacket of the case's [thermal], on the hub's
  bore), forced air along fins lining the hub bore (air driven through the hollow stator support;
  ForcedAirFins on the bore diameter), and natural convection + radiation from the hub's exposed
  bore and one end face (always);
- air gap: laminar Couette conduction 2 pi k L / ln(r_rotor / r_stator): with the outer cylinder
  rotating and the inner one at rest the flow is centrifugally stable (Rayleigh's criterion; Taylor
  1923; Fenot et al., Int. J. Therm. Sci. 50 (2011) 1138, review), so no Taylor vortices form and
  heat crosses the gap by conduction (conservative: the shear-driven transition at high Reynolds
  number and any axial flow are not counted);
- magnets -> rim: half the magnet, a 50 um glue layer over the magnets' back face, the rim's inner
  half-shell;
- rim -> air around the rotor: the rim's outer half-shell, the can (hoop-wound carbon fibre, 0.6
  W/m/K across the fibres) and convection from the rotating cylinder, Nu_D = 0.133 Re_D^(2/3)
  Pr^(1/3), Re_D = omega D^2 / nu (Incropera et al., Fundamentals of Heat and Mass Transfer, 6th ed.,
  the rotating-cylinder correlation stated for Re_D < 4.3e5, 0.7 < Pr < 670; extrapolated beyond:
  turbulent data rise faster with Re, so this is conservative), at least the natural-convection
  value, or with forced air the flat plate along the rotor at the air speed, whichever is larger;
  the end disc's outer face (rim to shaft) with the same coefficient;
- rim -> shaft through the end disc (aluminium, radial conduction of an annulus of ``disc_thickness``),
  shaft -> bearings -> hub as the inner network;
- end spaces: end windings, hub end face and rotor end (disc inner face + rim end) to the end air
  with h = 15 + 6.75 v^0.65 at the rim's peripheral speed (Schubert, as the inner network).
Capacities: the inner network's, with the rim (+ can + end disc) as "rotor_core" and the hub as
"housing". Stated approximations: one node per region as the inner network; the end disc's face
at the rim temperature (a fin of efficiency 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from motoropt.errors import InputError
from motoropt.thermal import correlations as cr
from motoropt.thermal.cooling import Cooling
from motoropt.thermal.network import Coupling, ThermalMaterials, ThermalNetwork, _loss_map, _node_names, _sym
from motoropt.thermal.nodes import (
    AIR_FRONT,
    AIR_REAR,
    BRG_FRONT,
    BRG_REAR,
    EW_FRONT,
    EW_REAR,
    HOUSING,
    MAGNET,
    ROTOR,
    SHAFT,
    TEETH,
    WINDING,
    YOKE,
)

if TYPE_CHECKING:
    from motoropt.machines.base import MachineDesign
    from motoropt.thermal.settings import ThermalSettings

AMBIENT_NODE = "rotor_ambient"
AMBIENT_PIN = 1.0e6  # W/K: the ambient node's boundary conductance (pins it to the ambient temperature)
K_CAN = 0.6  # carbon fibre / epoxy across the fibres, W/m/K (as the rim's, motoropt.machines.outer_rotor)
CP_CAN = 900.0  # J/kg/K, carbon fibre / epoxy (typical 800-1000)
K_DISC, CP_DISC, RHO_DISC = 150.0, 900.0, 2700.0  # aluminium end disc (the hub's alloy data)
K_AIR_GAP_C = 80.0  # air-gap air temperature for its conductivity, degC


@dataclass(frozen=True)
class OuterRotorThermalGeometry:
    """Plain-number thermal geometry of an outer-rotor machine (SI: m, kg, W/m/K, J/kg/K).

    stator_outer_diameter (gap side), stator_inner_diameter (on the hub), stack_length, slots,
    slot_depth (from the outer diameter inwards), slot_width (mean), tooth_width (mean),
    yoke_height, fill_factor, copper_mass, end_winding_overhang, end_turn_length (conductor length
    of one end turn), pole_pairs, gap (air + sleeve, stator to magnets); magnet_mass,
    magnet_thickness, magnet_coverage (fraction of the circumference); rim_inner_diameter,
    rim_outer_diameter, rim_mass, rim_conductivity, rim_specific_heat, can_thickness, can_mass;
    shaft_diameter; stator_teeth_mass, stator_yoke_mass; hub_thickness, hub_length (0 -> stack + 2
    overhang + 0.04), hub_mass (0 -> the aluminium hub + one end plate); disc_thickness (end disc
    from the rim to the shaft); bearing data as the inner network's; materials.
    """

    stator_outer_diameter: float
    stator_inner_diameter: float
    stack_length: float
    slots: int
    slot_depth: float
    slot_width: float
    tooth_width: float
    yoke_height: float
    fill_factor: float
    copper_mass: float
    end_winding_overhang: float
    end_turn_length: float
    pole_pairs: int
    gap: float
    magnet_mass: float
    magnet_thickness: float
    magnet_coverage: float
    rim_inner_diameter: float
    rim_outer_diameter: float
    rim_mass: float
    rim_conductivity: float
    rim_specific_heat: float
    shaft_diameter: float
    stator_teeth_mass: float
    stator_yoke_mass: float
    can_thickness: float = 0.0
    can_mass: float = 0.0
    hub_thickness: float = 0.008
    hub_length: float = 0.0
    hub_mass: float = 0.0
    disc_thickness: float = 0.005
    liner_thickness: float = 0.25e-3
    shaft_length: float = 0.0
    bearing_mass: float = 0.4
    bearing_width: float = 0.016
    bearing_mean_diameter: float = 0.0
    bearing_distance: float = 0.0
    materials: ThermalMaterials = field(default_factory=ThermalMaterials)

    def __post_init__(self):
        for f in ("stator_outer_diameter", "stator_inner_diameter", "stack_length", "slots", "slot_depth",
                  "slot_width", "tooth_width", "yoke_height", "copper_mass", "end_winding_overhang",
                  "end_turn_length", "pole_pairs", "gap", "magnet_mass", "magnet_thickness", "rim_mass",
                  "rim_conductivity", "rim_specific_heat", "shaft_diameter", "stator_teeth_mass",
                  "stator_yoke_mass", "hub_thickness", "disc_thickness", "liner_thickness"):
            if not (getattr(self, f) > 0):
                raise InputError(f"thermal.{f}", getattr(self, f), "> 0")
        if not (0 < self.fill_factor < 0.9069):
            raise InputError("thermal.fill_factor", self.fill_factor, "0 < ff < 0.9069")
        if not (self.shaft_diameter < self.stator_inner_diameter - 2 * self.hub_thickness):
            raise InputError("thermal.housing_thickness_mm", self.hub_thickness * 1e3,
                             "small enough that the hub (stator bore - 2 x thickness) clears the shaft")

    @property
    def l_hub(self) -> float:
        return self.hub_length or self.stack_length + 2 * self.end_winding_overhang + 0.04


@dataclass(frozen=True)
class _R:
    """Radii (m) of the outer-rotor network's regions."""

    L: float
    hi: float  # hub bore
    si: float  # stator inner (hub outer)
    yo: float  # slot bottoms (yoke outer)
    so: float  # stator outer (gap)
    mi: float  # magnet inner face
    ri: float  # rim inner
    ro: float  # rim outer
    co: float  # over the can
    sh: float  # shaft
    L_h: float

    @classmethod
    def of(cls, g: OuterRotorThermalGeometry) -> _R:
        so = 0.5 * g.stator_outer_diameter
        si = 0.5 * g.stator_inner_diameter
        ro = 0.5 * g.rim_outer_diameter
        return cls(L=g.stack_length, hi=si - g.hub_thickness, si=si, yo=si + g.yoke_height, so=so, mi=so + g.gap,
                   ri=0.5 * g.rim_inner_diameter, ro=ro, co=ro + g.can_thickness, sh=0.5 * g.shaft_diameter,
                   L_h=g.l_hub)


def outer_thermal_geometry(design: MachineDesign, settings: ThermalSettings) -> OuterRotorThermalGeometry:
    """Map an outer-rotor design (its rotor heat body declares the rim) onto the network's geometry:
    the stator's [stator] dimensions (outer diameter at the gap, bore on the hub), the rotor heat
    body (magnets) and its rim; the hub is the settings' housing (thickness, length, mass)."""
    s, w = design.stator, design.winding
    ms = design.masses()
    body = design.rotor_heat_body()
    rim = body.rim
    span = w.coil_pitch * math.pi * (s.D_o - s.slot_depth) / s.Q
    h = settings.housing
    D_mag_mean = rim.magnet_inner_diameter + body.thickness
    return OuterRotorThermalGeometry(
        stator_outer_diameter=s.D_o, stator_inner_diameter=s.D_i, stack_length=s.L, slots=s.Q,
        slot_depth=s.slot_depth, slot_width=0.5 * (s.slot_width_top + s.slot_width_bottom), tooth_width=s.tooth_width,
        yoke_height=s.yoke_height, fill_factor=design.fill_factor, copper_mass=ms["copper"],
        end_winding_overhang=design.end_extension + 0.5 * span, end_turn_length=design.end_winding_length,
        pole_pairs=design.p, gap=0.5 * (rim.magnet_inner_diameter - s.D_o), magnet_mass=body.mass,
        magnet_thickness=body.thickness, magnet_coverage=min(1.0, body.count * body.width / (math.pi * D_mag_mean)),
        rim_inner_diameter=rim.inner_diameter, rim_outer_diameter=rim.outer_diameter, rim_mass=rim.mass,
        rim_conductivity=rim.conductivity, rim_specific_heat=rim.specific_heat, can_thickness=rim.can_thickness,
        can_mass=rim.can_mass, shaft_diameter=settings.shaft_diameter, stator_teeth_mass=ms["stator_teeth"],
        stator_yoke_mass=ms["stator_yoke"], hub_thickness=h["housing_thickness"], hub_length=h["housing_length"],
        hub_mass=h["housing_mass"],
    )


def rotating_cylinder_h(omega: float, D: float, T_c: float = 60.0) -> float:
    """Convection from a cylinder of diameter D rotating at omega (rad/s) in still air, W/m^2/K:
    Nu_D = 0.133 Re_D^(2/3) Pr^(1/3), Re_D = omega D^2 / nu (module docstring)."""
    rho, mu, k, _, Pr = cr.air_properties(T_c)
    Re = abs(omega) * D * D * rho / mu
    return 0.133 * Re ** (2.0 / 3.0) * Pr ** (1.0 / 3.0) * k / D


def end_winding_area(g: OuterRotorThermalGeometry) -> float:
    """Surface of one end winding, m^2 (inner, outer and end faces of the overhang)."""
    d, ov, D_o = g.slot_depth, g.end_winding_overhang, g.stator_outer_diameter
    return math.pi * (D_o - 2 * d) * ov + math.pi * D_o * ov + math.pi * (D_o - d) * d


def _stator_edges(G, g: OuterRotorThermalGeometry, r: _R, k_air: float) -> dict:
    """Hub-yoke, yoke-teeth, winding and end-winding conductances; returns those the speed edges and
    the hotspot estimate reuse."""
    m, Q, d, w = g.materials, g.slots, g.slot_depth, g.slot_width
    g_yoke_in = cr.cylinder_half_conductance(r.si, r.yo, m.k_steel_radial, r.L, "inner")
    g_contact = cr.slab_conductance(k_air, 2 * math.pi * r.si * r.L, m.interface_gap_stator_housing)
    g_hub_out = cr.cylinder_half_conductance(r.hi, r.si, m.k_housing, r.L_h, "outer")
    _sym(G, YOKE, HOUSING, cr.series(g_yoke_in, g_contact, g_hub_out))
    g_tooth_half = cr.slab_conductance(m.k_steel_radial, Q * g.tooth_width * r.L, 0.5 * d)
    g_yoke_out = cr.cylinder_half_conductance(r.si, r.yo, m.k_steel_radial, r.L, "outer")
    _sym(G, TEETH, YOKE, cr.series(g_tooth_half, g_yoke_out))
    k_eq = cr.slot_equivalent_conductivity(g.fill_factor, m.k_copper, m.k_resin)
    g_side_int = Q * 12.0 * k_eq * d * r.L / w
    g_side = cr.series(g_side_int, Q * 2.0 * m.k_liner * d * r.L / g.liner_thickness)
    g_bot_int = Q * 3.0 * k_eq * w * r.L / d
    g_bot = cr.series(g_bot_int, Q * m.k_liner * w * r.L / g.liner_thickness)
    _sym(G, WINDING, TEETH, g_side)
    _sym(G, WINDING, YOKE, cr.series(g_bot, g_yoke_out))
    g_ax = m.k_copper * g.fill_factor * w * d * Q / (0.25 * r.L + 0.5 * g.end_turn_length)
    _sym(G, WINDING, EW_FRONT, g_ax)
    _sym(G, WINDING, EW_REAR, g_ax)
    return {"tooth_half": g_tooth_half, "hot": (g_side_int, g_side, g_bot_int, cr.series(g_bot, g_yoke_out))}


def _rotor_edges(G, g: OuterRotorThermalGeometry, r: _R, k_air: float) -> tuple[float, float, float]:
    """Magnets - rim - end disc - shaft - bearings - hub. Returns the magnets' half conductance to
    the gap face, the rim's outer path conductance (rim half + can) and the bearing distance."""
    m, L = g.materials, r.L
    A_back = 2 * math.pi * r.ri * L * g.magnet_coverage
    g_mag_half = cr.slab_conductance(m.k_magnet, 2 * math.pi * r.mi * L * g.magnet_coverage, 0.5 * g.magnet_thickness)
    g_mag_rim = cr.series(cr.slab_conductance(m.k_magnet, A_back, 0.5 * g.magnet_thickness),
                          cr.slab_conductance(k_air, A_back, m.interface_gap_magnet),
                          cr.cylinder_half_conductance(r.ri, r.ro, g.rim_conductivity, L, "inner"))
    _sym(G, MAGNET, ROTOR, g_mag_rim)
    parts = [cr.cylinder_half_conductance(r.ri, r.ro, g.rim_conductivity, L, "outer")]
    if g.can_thickness > 0:
        parts.append(cr.cylinder_conductance(r.ro, r.co, K_CAN, L))
    g_rim_out = cr.series(*parts)
    # end disc: radial conduction of an aluminium annulus from the rim to the shaft, then the shaft
    g_disc = 2 * math.pi * K_DISC * g.disc_thickness / math.log(r.ri / r.sh)
    _sym(G, ROTOR, SHAFT, cr.series(g_disc, 8.0 * math.pi * m.k_shaft * g.disc_thickness))
    l_b = g.bearing_distance or g.end_winding_overhang + 0.02
    g_shaft_ax = m.k_shaft * math.pi * r.sh**2 / (0.25 * L + l_b)
    D_bm = g.bearing_mean_diameter or g.shaft_diameter * 1.4
    g_brg_half = cr.slab_conductance(k_air, math.pi * D_bm * g.bearing_width, 0.5 * m.bearing_equivalent_gap)
    for b in (BRG_FRONT, BRG_REAR):
        _sym(G, SHAFT, b, cr.series(g_shaft_ax, g_brg_half))
        _sym(G, b, HOUSING, g_brg_half)
    return g_mag_half, g_rim_out, l_b


def _speed_edges(g: OuterRotorThermalGeometry, r: _R, cooling: Cooling, amb: int, g_tooth_half: float,
                 g_mag_half: float, g_rim_out: float, max_speed: float, n_speed: int):
    """Speed-dependent conductances tabulated over speed: (var_i, var_j, speed_grid, G_var)."""
    k_gap = cr.air_properties(K_AIR_GAP_C)[2]
    g_gap = cr.cylinder_conductance(r.so, r.mi, k_gap, r.L)  # laminar Couette conduction
    A_rim = 2 * math.pi * r.co * r.L
    A_disc = math.pi * (r.co**2 - r.sh**2)
    A_ew = end_winding_area(g)
    A_hub_end = math.pi * (r.si**2 - r.sh**2)
    A_rot_end = 0.5 * math.pi * (r.ri**2 - r.sh**2) + math.pi * (r.co**2 - r.mi**2)
    h_nat = cooling.natural.h(2 * r.co)
    h_air = cooling.air.h(r.L) if cooling.air is not None else 0.0
    edges = [(TEETH, MAGNET), (ROTOR, amb)]
    for air, ew in ((AIR_FRONT, EW_FRONT), (AIR_REAR, EW_REAR)):
        edges += [(air, ew), (air, HOUSING), (air, ROTOR)]
    speed_grid = np.linspace(0.0, max(max_speed, 1.0), n_speed)
    G_var = np.zeros((n_speed, len(edges)))
    for s, om in enumerate(speed_grid):
        G_var[s, 0] = cr.series(g_tooth_half, g_gap, g_mag_half)
        h_out = max(rotating_cylinder_h(om, 2 * r.co), h_nat, h_air)
        G_var[s, 1] = cr.series(g_rim_out, h_out * A_rim) + h_out * A_disc
        h_e = cr.end_space_h(om * r.co)
        for side in range(2):
            G_var[s, 2 + 3 * side] = h_e * A_ew
            G_var[s, 3 + 3 * side] = h_e * A_hub_end
            G_var[s, 4 + 3 * side] = h_e * A_rot_end
    return (np.array([e[0] for e in edges], np.int64), np.array([e[1] for e in edges], np.int64), speed_grid,
            G_var)


def _hub_boundaries(G, g_b, T_b, C, cooling: Cooling, g: OuterRotorThermalGeometry, r: _R, extra: dict) -> None:
    """Hub: natural convection from its bore and one end face; fins lining the bore (forced air);
    a water jacket in the hub; spray oil on the end windings; inverter nodes."""
    A_nat = 2 * math.pi * r.hi * r.L_h + math.pi * (r.si**2 - r.hi**2)
    g_b[HOUSING] += cooling.natural.h(2 * r.hi) * A_nat
    T_b[HOUSING] = cooling.natural.ambient_c
    if cooling.air is not None:
        g_fin = cooling.air.conductance(2 * r.hi, r.L_h)
        gsum = g_b[HOUSING] + g_fin
        T_b[HOUSING] = (g_b[HOUSING] * T_b[HOUSING] + g_fin * cooling.air.ambient_c) / gsum
        g_b[HOUSING] = gsum
    if cooling.jacket is not None:
        j, jk = extra["jacket"], cooling.jacket
        _, _, _, h_j, _, mdot, cp = jk.flow_state()
        _sym(G, HOUSING, j, h_j * jk.area)
        g_b[j] = 2.0 * mdot * cp
        T_b[j] = jk.inlet_c
        C[j] = jk.fluid_capacitance
    if cooling.oil is not None:
        o, oil = extra["oil"], cooling.oil
        for ew in (EW_FRONT, EW_REAR):
            _sym(G, ew, o, oil.h * oil.wetted_fraction * end_winding_area(g))
        g_b[o] = 2.0 * oil.m_dot * cr.OIL_CP
        T_b[o] = oil.inlet_c
        C[o] = oil.holdup_mass * cr.OIL_CP
    if cooling.inverter is not None:
        inv = cooling.inverter
        jn, cs = extra["junction"], extra["case"]
        _sym(G, jn, cs, 1.0 / inv.R_th_jc)
        g_b[cs] = 1.0 / inv.R_th_ch
        T_b[cs] = inv.coolant_c if inv.coolant_c is not None else (
            cooling.jacket.inlet_c if cooling.jacket is not None else cooling.natural.ambient_c)
        C[jn], C[cs] = inv.C_junction, inv.C_case


def _capacitances(C, g: OuterRotorThermalGeometry, r: _R, l_b: float) -> None:
    """Heat capacities of the base nodes, J/K."""
    m, L, l_et = g.materials, r.L, g.end_turn_length
    l_tot = L + 2 * l_et
    C[WINDING] = g.copper_mass * L / l_tot * m.cp_copper
    C[EW_FRONT] = C[EW_REAR] = g.copper_mass * l_et / l_tot * m.cp_copper
    C[YOKE] = g.stator_yoke_mass * m.cp_steel
    C[TEETH] = g.stator_teeth_mass * m.cp_steel
    disc = RHO_DISC * math.pi * (r.ri**2 - r.sh**2) * g.disc_thickness
    C[ROTOR] = g.rim_mass * g.rim_specific_heat + g.can_mass * CP_CAN + disc * CP_DISC
    C[MAGNET] = g.magnet_mass * m.cp_magnet
    sh_len = g.shaft_length or L + 2 * l_b + 0.06
    C[SHAFT] = m.rho_shaft * math.pi * r.sh**2 * sh_len * m.cp_shaft
    C[BRG_FRONT] = C[BRG_REAR] = g.bearing_mass * m.cp_bearing
    hub = g.hub_mass or m.rho_housing * (math.pi * (r.si**2 - r.hi**2) * r.L_h + math.pi * r.si**2 * g.hub_thickness)
    C[HOUSING] = hub * m.cp_housing
    rho_air, _, _, cp_air, _ = cr.air_properties(60.0)
    v_end = math.pi * (r.co**2 - r.sh**2) * g.end_winding_overhang
    C[AIR_FRONT] = C[AIR_REAR] = rho_air * cp_air * v_end


def build_outer_rotor_network(g: OuterRotorThermalGeometry, cooling: Cooling | None = None,
                              coupling: Coupling | None = None, max_speed: float = 2000.0,
                              n_speed: int = 41) -> ThermalNetwork:
    """The LPTN of an outer-rotor machine (module docstring), as :func:`motoropt.thermal.network.
    build_network` builds the inner-rotor one."""
    cooling = cooling or Cooling()
    coupling = coupling or Coupling()
    names, extra = _node_names(cooling)
    amb = len(names)
    names.append(AMBIENT_NODE)
    n = len(names)
    G, g_b, T_b, C = np.zeros((n, n)), np.zeros(n), np.zeros(n), np.zeros(n)
    r = _R.of(g)
    k_air = cr.air_properties(80.0)[2]
    st = _stator_edges(G, g, r, k_air)
    g_mag_half, g_rim_out, l_b = _rotor_edges(G, g, r, k_air)
    var_i, var_j, speed_grid, G_var = _speed_edges(g, r, cooling, amb, st["tooth_half"], g_mag_half, g_rim_out,
                                                   max_speed, n_speed)
    _hub_boundaries(G, g_b, T_b, C, cooling, g, r, extra)
    g_b[amb] = AMBIENT_PIN
    T_b[amb] = cooling.air.ambient_c if cooling.air is not None else cooling.natural.ambient_c
    _capacitances(C, g, r, l_b)
    lm = _loss_map(MAGNET, cooling, coupling, extra)
    return ThermalNetwork(
        names=tuple(names), C=C, G=G, g_b=g_b, T_b=T_b, var_i=var_i, var_j=var_j, speed_grid=speed_grid, G_var=G_var,
        map_comp=np.array([e[0] for e in lm], dtype=np.int64), map_node=np.array([e[1] for e in lm], dtype=np.int64),
        map_frac=np.array([e[2] for e in lm], dtype=np.float64), map_kind=np.array([e[3] for e in lm], dtype=np.int64),
        hot=np.array(st["hot"]), coupling=coupling,
    )
