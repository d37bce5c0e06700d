"""Lumped-parameter thermal network (LPTN) of a radial-flux PM machine: build, steady state,
coupled transient, continuous and pulse ratings.

Network (node names in :data:`NODE_NAMES`, indices fixed): housing, stator yoke, stator teeth,
active winding (mean), end winding front/rear, rotor core, magnets, shaft, bearings front/rear,
end-space air front/rear, plus optional nodes jacket coolant (mean), spray oil (mean), inverter
junction and case. There is no air-gap node: the gap is a direct teeth-to-rotor-surface
conductance (its air heat capacity is negligible).

Assumptions (all regions):
- Each node is the mean temperature of its region; conductances join region centroids (radial
  shells: mean radius; winding: 1-D slot model below; axial paths: centroid distances).
- Conduction is linear (constant k); convection coefficients depend on speed only (not on the
  temperature difference); radiation inside the machine is neglected.
- Slot winding: transverse conductivity k_eq from the Hashin-Shtrikman formula
  (:func:`correlations.slot_equivalent_conductivity`); the slot (width w, depth d) loses heat
  sideways to the teeth (1-D slab with uniform generation, both faces cooled: mean-to-wall
  conductance 12 k_eq d L / w per slot) and through its bottom to the yoke (slab cooled on one face,
  insulated at the slot opening: 3 k_eq w L / d), each in series with the liner (k_liner, thickness
  t). The two paths are combined in parallel (an approximation of the 2-D problem). Hotspot: in
  both 1-D solutions the peak rise above the wall is 1.5 x the mean rise, so
  T_hot = T_w + 0.5 dT_int, with dT_int the winding-internal part of the mean-to-wall drop. The
  end windings are reported as their mean temperature (no internal gradient).
- Stator-housing contact: equivalent air interface gap (default 30 um; Staton et al., IEEE TEC
  20(3) 2005: 0.01-0.08 mm typical for aluminium housings). Bearings: equivalent air gap 0.3 mm
  over the bearing bore area (assumption, of the order used by Motor-CAD-type models), half on the
  shaft side, half on the housing side.
- Air gap: Becker & Kaye (1962) Taylor-Couette correlation at the rotor speed; end spaces:
  h = 15 + 6.75 v^0.65 with v the rotor peripheral speed (Schubert, in Boglietti et al. 2009).
- Windage loss: half on the rotor surface node, half on the teeth (it heats the gap air, which both
  surfaces exchange with). Bearing loss: split equally between the two bearings. End-winding copper
  loss: split equally between the two ends.

Time integration: backward (implicit) Euler. The network is stiff (coolant and end-air nodes have
time constants ~0.1-1 s, windings and housing 10^2-10^3 s); backward Euler is L-stable (stiff
modes are damped, never oscillate, for any step), whereas Crank-Nicolson is only A-stable and rings
on stiff modes at large steps. Its first-order error is small for the slow (relevant) modes at the
1 s steps of drive cycles (tested against the closed form). Each step solves a dense n x n system by
Gaussian elimination without pivoting (the matrix is a strictly diagonally dominant M-matrix unless
the temperature coefficient of the copper loss makes the system thermally run away), over the
filled sparsity pattern of a minimum-degree order. Thermal runaway in a steady state: the
symmetric matrix G + diag(g_b) - diag(dP_cu/dT) is not positive definite (a pivot <= 0). Past
that point the linear equations still have formal solutions (far below the boundary
temperatures), which are rejected.

Loss coupling (first order, documented): with T_w a winding node temperature and T_m the magnet
temperature, copper loss = P_cu_ref (rho(T_w)/rho(T_ref_w)) (Br(T_ref_m)/Br(T_m))^n_br, n_br = 2 by
default (torque held with i proportional to 1/Br: exact only for the PM-torque part; set
``br_current_exponent`` lower for reluctance-dominated machines); iron loss in teeth, yoke and
rotor = P_ref (Br(T_m)/Br(T_ref_m))^2 (flux proportional to Br, iron loss ~ B^2). Magnet eddy,
bearing and windage losses are not coupled. Copper rho(T) enters implicitly (it is linear in
T_w); the Br factors use the previous step's magnet temperature (lagged: the magnet time constant
is minutes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numba import njit

from motoropt.errors import ConvergenceError, InputError
from motoropt.thermal import correlations as cr
from motoropt.thermal.cooling import Cooling

# ---- node indices --------------------------------------------------------------------------------
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

# ---- material defaults (sources) -----------------------------------------------------------------
# copper k 400, cp 385 (IDBL Table A.1, pure Cu 401 W/m/K, 385 J/kg/K); laminated steel in-plane
# k 28, axial ~1.5 (Staton et al. 2005: 20-30 in-plane for Si-steel, 1-3 through the stack),
# cp 460; sintered NdFeB k 8, cp 440 (manufacturer datasheets, e.g. Arnold/Shin-Etsu: 7-9 W/m/K,
# 420-460 J/kg/K); impregnation resin 0.25 (Boglietti 2009: 0.2-0.3), liner (Nomex-type) 0.2;
# cast aluminium housing k 150, cp 900, rho 2700 (IDBL Table A.1, Al alloys 150-180); steel shaft
# k 45, cp 470, rho 7850; bearings (steel) cp 470.


@dataclass(frozen=True)
class ThermalMaterials:
    """Thermal properties per region: k in W/(m K), cp in J/(kg K), rho in kg/m^3."""

    k_copper: float = 400.0
    cp_copper: float = 385.0
    k_steel_radial: float = 28.0
    k_steel_axial: float = 1.5
    cp_steel: float = 460.0
    k_magnet: float = 8.0
    cp_magnet: float = 440.0
    k_resin: float = 0.25
    k_liner: float = 0.2
    k_housing: float = 150.0
    cp_housing: float = 900.0
    rho_housing: float = 2700.0
    k_shaft: float = 45.0
    cp_shaft: float = 470.0
    rho_shaft: float = 7850.0
    cp_bearing: float = 470.0
    interface_gap_stator_housing: float = 30e-6
    interface_gap_magnet: float = 50e-6  # glue/clearance layer around magnets (assumption)
    interface_gap_shaft: float = 10e-6  # shrink fit rotor-shaft (assumption)
    bearing_equivalent_gap: float = 0.3e-3


@dataclass(frozen=True)
class ThermalGeometry:
    """Plain-number thermal geometry of a radial-flux inner-rotor PM machine (SI: m, kg).

    stator_outer_diameter, bore_diameter, stack_length; slots; slot_depth (radial, from bore),
    slot_width (mean), tooth_width (mean), yoke_height; fill_factor (copper/slot area inside the
    liner); liner_thickness; copper_mass (active + both end windings); end_winding_overhang (axial,
    per side); end_turn_length (conductor length of the end turn per side; 0 -> estimated as
    max(2 overhang, pi/2 x pole pitch at mid-slot)); pole_pairs; airgap; rotor_outer_diameter,
    rotor_inner_diameter, shaft_diameter, shaft_length; magnet_mass, magnet_thickness (along
    magnetisation), magnet_width, n_magnets, magnet_surface (True: SPM, magnets on the rotor
    surface; False: IPM, buried); rotor_core_mass, stator_teeth_mass, stator_yoke_mass;
    housing_outer_diameter, housing_length (0 -> stack + 2 overhang + 0.04), housing_mass (0 ->
    from the aluminium shell + end plates of housing_thickness); housing_thickness; bearing_mass
    (each), bearing_width, bearing_mean_diameter; bearing_distance (stack end to bearing centre;
    0 -> overhang + 0.02); materials.
    """

    stator_outer_diameter: float
    bore_diameter: float
    stack_length: float
    slots: int
    slot_depth: float
    slot_width: float
    tooth_width: float
    yoke_height: float
    fill_factor: float
    copper_mass: float
    end_winding_overhang: float
    pole_pairs: int
    airgap: float
    rotor_outer_diameter: float
    rotor_inner_diameter: float
    shaft_diameter: float
    magnet_mass: float
    magnet_thickness: float
    magnet_width: float
    n_magnets: int
    rotor_core_mass: float
    stator_teeth_mass: float
    stator_yoke_mass: float
    housing_thickness: float = 0.008
    housing_outer_diameter: float = 0.0
    housing_length: float = 0.0
    housing_mass: float = 0.0
    liner_thickness: float = 0.25e-3
    end_turn_length: float = 0.0
    magnet_surface: bool = False
    shaft_length: float = 0.0
    bearing_mass: float = 0.4
    bearing_width: float = 0.016
    bearing_mean_diameter: float = 0.0
    bearing_distance: float = 0.0
    materials: ThermalMaterials = field(default_factory=ThermalMaterials)

    def __post_init__(self):
        for f in ("stator_outer_diameter", "bore_diameter", "stack_length", "slots", "slot_depth",
                  "slot_width", "tooth_width", "yoke_height", "copper_mass", "end_winding_overhang",
                  "pole_pairs", "airgap", "rotor_outer_diameter", "shaft_diameter", "magnet_mass",
                  "magnet_thickness", "magnet_width", "n_magnets", "rotor_core_mass",
                  "stator_teeth_mass", "stator_yoke_mass", "housing_thickness", "liner_thickness"):
            if not (getattr(self, f) > 0):
                raise InputError(f"thermal.{f}", getattr(self, f), "> 0")
        if not (0 < self.fill_factor < 0.9069):
            raise InputError("thermal.fill_factor", self.fill_factor, "0 < ff < 0.9069")
        if self.bore_diameter >= self.stator_outer_diameter:
            raise InputError("thermal.bore_diameter", self.bore_diameter, "< stator_outer_diameter")
        if not (self.shaft_diameter <= self.rotor_inner_diameter < self.rotor_outer_diameter):
            raise InputError("thermal.rotor_inner_diameter", self.rotor_inner_diameter,
                             "shaft_diameter <= rotor_inner_diameter < rotor_outer_diameter")

    # derived quantities
    @property
    def end_turn(self) -> float:
        if self.end_turn_length > 0:
            return self.end_turn_length
        tau_p = math.pi * (self.bore_diameter + self.slot_depth) / (2 * self.pole_pairs)
        return max(2.0 * self.end_winding_overhang, 0.5 * math.pi * tau_p)

    @property
    def d_housing_out(self) -> float:
        return self.housing_outer_diameter or self.stator_outer_diameter + 2 * self.housing_thickness

    @property
    def l_housing(self) -> float:
        return self.housing_length or self.stack_length + 2 * self.end_winding_overhang + 0.04


@dataclass(frozen=True)
class Coupling:
    """Temperature coupling of losses (see module docstring). Temperatures in degC, alphas in 1/K.

    alpha_cu: copper resistivity coefficient at 20 degC (0.00393, IACS; shared reference
    materials.md); T_ref_winding_c: temperature the reference copper losses were computed at;
    alpha_br: magnet remanence coefficient (e.g. -0.0011 for Dy grades); T_ref_magnet_c: magnet
    temperature of the reference losses (the flux map's); br_current_exponent: n_br.
    ``Coupling(enabled=False)`` keeps losses at their reference values.
    """

    alpha_cu: float = 0.00393
    T_ref_winding_c: float = 20.0
    alpha_br: float = -0.0011
    T_ref_magnet_c: float = 20.0
    br_current_exponent: float = 2.0
    enabled: bool = True

    @property
    def alpha_cu_eff(self) -> float:
        """Slope of rho(T)/rho(T_ref) per K: alpha / (1 + alpha (T_ref - 20))."""
        if not self.enabled:
            return 0.0
        return self.alpha_cu / (1.0 + self.alpha_cu * (self.T_ref_winding_c - 20.0))


@dataclass(frozen=True)
class ThermalNetwork:
    """An assembled network. Arrays (n nodes):

    names; C (J/K); G (n x n symmetric conductances at zero speed, W/K, zero diagonal);
    g_b (W/K to a fixed boundary temperature), T_b (degC); var_i, var_j (speed-dependent edges),
    speed_grid (rad/s, ascending), G_var (n_speed x n_var, W/K: replaces G[i, j] for those edges);
    loss map (comp, node, fraction, kind); hotspot data: G_side_int, G_side_series, G_bot_int,
    G_bot_series (W/K, for the active-winding hotspot estimate).
    """

    names: tuple
    C: np.ndarray
    G: np.ndarray
    g_b: np.ndarray
    T_b: np.ndarray
    var_i: np.ndarray
    var_j: np.ndarray
    speed_grid: np.ndarray
    G_var: np.ndarray
    map_comp: np.ndarray
    map_node: np.ndarray
    map_frac: np.ndarray
    map_kind: np.ndarray
    hot: np.ndarray  # [G_side_int, G_side_series, G_bot_int, G_bot_series]
    coupling: Coupling = field(default_factory=Coupling)

    @property
    def n(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)

    @cached_property
    def _kn(self) -> tuple:
        """The network as the kernels take it (see the numba kernels section); computed once."""
        n = self.n
        c = self.coupling
        has_mag = "magnets" in self.names
        mag = self.names.index("magnets") if has_mag else 0
        T_lo = float(np.min(self.T_b[self.g_b > 0])) if np.any(self.g_b > 0) else 0.0
        cpl = np.array([c.alpha_cu_eff, c.T_ref_winding_c, c.alpha_br if c.enabled else 0.0, c.T_ref_magnet_c,
                        c.br_current_exponent, T_lo], dtype=np.float64)
        hot_mode = int("winding_active" in self.names and bool(np.any(self.hot)))
        w_idx = self.names.index("winding_active") if "winding_active" in self.names else 0
        copper = np.zeros(n, dtype=np.bool_)  # nodes whose diagonal changes with the copper rho(T)
        copper[np.asarray(self.map_node)[np.asarray(self.map_kind) == KIND_COPPER]] = True
        ip = np.array([mag, int(c.enabled and has_mag), int(has_mag), hot_mode, w_idx, n - int(copper.sum())],
                      dtype=np.int64)
        def f64(x):
            return np.ascontiguousarray(x, dtype=np.float64)

        def i64(x):
            return np.ascontiguousarray(x, dtype=np.int64)

        G = f64(self.G)
        mask = (G != 0.0) | np.eye(n, dtype=bool)
        vi, vj = i64(self.var_i), i64(self.var_j)
        mask[vi, vj] = True
        mask[vj, vi] = True
        pos, nb_ptr, nb_idx = _elimination_pattern(mask, copper)
        slot, toff, tgt = _solver_tables(pos, nb_ptr, nb_idx)
        es = np.ascontiguousarray(np.stack([slot[pos[vi], pos[vj]], pos[vi], pos[vj]], axis=1).reshape(-1, 3),
                                  dtype=np.int64)  # speed-dependent edge -> value slots (off-diag, diag i, diag j)
        return (f64(self.C), G, f64(self.g_b), f64(self.T_b), vi, vj, f64(self.speed_grid), f64(self.G_var),
                i64(self.map_comp), i64(self.map_node), f64(self.map_frac), i64(self.map_kind), cpl,
                f64(np.asarray(self.hot).reshape(4)), ip, pos, nb_ptr, nb_idx, slot, toff, tgt, es)


# ---- builder -------------------------------------------------------------------------------------


def _sym(G, i, j, g):
    G[i, j] += g
    G[j, i] += g


def build_network(geom: ThermalGeometry, cooling: Cooling | None = None, coupling: Coupling | None = None,
                  max_speed: float = 2000.0, n_speed: int = 41) -> ThermalNetwork:
    """Build the LPTN of ``geom`` with ``cooling`` (default natural convection only).

    Speed-dependent conductances (air gap, end spaces) are tabulated on ``n_speed`` points from 0
    to ``max_speed`` (rad/s mechanical) and interpolated linearly; speeds beyond are clipped.
    """
    cooling = cooling or Cooling()
    coupling = coupling or Coupling()
    m = geom.materials
    names = list(NODE_NAMES)
    extra = {}
    if cooling.jacket is not None:
        extra["jacket"] = len(names)
        names.append("jacket_coolant")
    if cooling.oil is not None:
        extra["oil"] = len(names)
        names.append("spray_oil")
    if cooling.inverter is not None:
        extra["junction"] = len(names)
        names.append("inverter_junction")
        extra["case"] = len(names)
        names.append("inverter_case")
    n = len(names)
    G = np.zeros((n, n))
    g_b = np.zeros(n)
    T_b = np.zeros(n)
    C = np.zeros(n)

    L = geom.stack_length
    R_so = 0.5 * geom.stator_outer_diameter
    R_b = 0.5 * geom.bore_diameter
    R_yi = R_so - geom.yoke_height
    R_ro = 0.5 * geom.rotor_outer_diameter
    R_ri = 0.5 * geom.rotor_inner_diameter
    R_sh = 0.5 * geom.shaft_diameter
    R_ho = 0.5 * geom.d_housing_out
    R_hi = R_ho - geom.housing_thickness
    if R_hi < R_so - 1e-9:
        raise InputError("thermal.housing_outer_diameter", geom.d_housing_out,
                         ">= stator_outer_diameter + 2 housing_thickness")
    R_hi = max(R_hi, R_so)
    L_h = geom.l_housing
    k_air = cr.air_properties(80.0)[2]
    Q = geom.slots
    d, w = geom.slot_depth, geom.slot_width
    l_et = geom.end_turn

    # -- stator: yoke <-> housing (yoke outer half, interface gap, housing inner half)
    g_yoke_out = cr.cylinder_half_conductance(R_yi, R_so, m.k_steel_radial, L, "outer")
    g_contact = cr.slab_conductance(k_air, 2 * math.pi * R_so * L, m.interface_gap_stator_housing)
    g_h_in = cr.cylinder_half_conductance(R_hi, R_ho, m.k_housing, L_h, "inner")
    _sym(G, YOKE, HOUSING, cr.series(g_yoke_out, g_contact, g_h_in))
    # -- teeth <-> yoke (tooth half-depth slab, yoke inner half-shell)
    g_tooth_half = cr.slab_conductance(m.k_steel_radial, Q * geom.tooth_width * L, 0.5 * d)
    g_yoke_in = cr.cylinder_half_conductance(R_yi, R_so, m.k_steel_radial, L, "inner")
    _sym(G, TEETH, YOKE, cr.series(g_tooth_half, g_yoke_in))
    # -- winding <-> teeth / yoke (see module docstring)
    k_eq = cr.slot_equivalent_conductivity(geom.fill_factor, m.k_copper, m.k_resin)
    g_side_int = Q * 12.0 * k_eq * d * L / w
    g_side_liner = Q * 2.0 * m.k_liner * d * L / geom.liner_thickness
    g_side = cr.series(g_side_int, g_side_liner)
    g_bot_int = Q * 3.0 * k_eq * w * L / d
    g_bot_liner = Q * m.k_liner * w * L / geom.liner_thickness
    g_bot = cr.series(g_bot_int, g_bot_liner)
    _sym(G, WINDING, TEETH, g_side)
    _sym(G, WINDING, YOKE, cr.series(g_bot, g_yoke_in))
    # -- winding active <-> end windings (axial copper, centroid to centroid)
    A_cu = geom.fill_factor * w * d * Q
    g_ax = m.k_copper * A_cu / (0.25 * L + 0.5 * l_et)
    _sym(G, WINDING, EW_FRONT, g_ax)
    _sym(G, WINDING, EW_REAR, g_ax)
    # -- rotor: magnets, core, shaft
    A_mag_face = geom.magnet_width * L * geom.n_magnets
    g_mag = cr.series(
        cr.slab_conductance(m.k_magnet, A_mag_face, 0.5 * geom.magnet_thickness),
        cr.slab_conductance(k_air, A_mag_face, m.interface_gap_magnet),
    )
    if geom.magnet_surface:
        R_rc_out = R_ro - geom.magnet_thickness  # core outer radius under surface magnets
        g_core_out = cr.cylinder_half_conductance(R_ri, R_rc_out, m.k_steel_radial, L, "outer")
        _sym(G, MAGNET, ROTOR, cr.series(g_mag, g_core_out))
        rotor_surface, g_surf_half = MAGNET, cr.slab_conductance(m.k_magnet, A_mag_face, 0.5 * geom.magnet_thickness)
        R_core_o = R_rc_out
    else:
        # buried magnets: both faces in contact with the core lamination (2 x area)
        g_mag2 = cr.series(
            cr.slab_conductance(m.k_magnet, 2 * A_mag_face, 0.25 * geom.magnet_thickness),
            cr.slab_conductance(k_air, 2 * A_mag_face, m.interface_gap_magnet),
        )
        _sym(G, MAGNET, ROTOR, g_mag2)
        rotor_surface = ROTOR
        g_surf_half = cr.cylinder_half_conductance(R_ri, R_ro, m.k_steel_radial, L, "outer")
        R_core_o = R_ro
    g_core_in = cr.cylinder_half_conductance(R_ri, R_core_o, m.k_steel_radial, L, "inner")
    g_shrink = cr.slab_conductance(k_air, 2 * math.pi * R_ri * L, m.interface_gap_shaft)
    g_shaft_rad = 8.0 * math.pi * m.k_shaft * L  # solid cylinder, mean temperature to surface
    _sym(G, ROTOR, SHAFT, cr.series(g_core_in, g_shrink, g_shaft_rad))
    # -- shaft <-> bearings <-> housing
    l_b = geom.bearing_distance or geom.end_winding_overhang + 0.02
    g_shaft_ax = m.k_shaft * math.pi * R_sh**2 / (0.25 * L + l_b)
    D_bm = geom.bearing_mean_diameter or geom.shaft_diameter * 1.4
    A_brg = math.pi * D_bm * geom.bearing_width
    g_brg_half = cr.slab_conductance(k_air, A_brg, 0.5 * m.bearing_equivalent_gap)
    for b in (BRG_FRONT, BRG_REAR):
        _sym(G, SHAFT, b, cr.series(g_shaft_ax, g_brg_half))
        _sym(G, b, HOUSING, g_brg_half)

    # -- speed-dependent edges: air gap and end spaces
    A_bore = 2 * math.pi * R_b * L
    A_rs = 2 * math.pi * R_ro * L
    D_sm = geom.bore_diameter + d
    ov = geom.end_winding_overhang
    A_ew = math.pi * geom.bore_diameter * ov + math.pi * (geom.bore_diameter + 2 * d) * ov + math.pi * D_sm * d
    A_cap = math.pi * R_hi**2 + 2 * math.pi * R_hi * max(0.5 * (L_h - L), ov)
    A_rend = math.pi * (R_ro**2 - R_ri**2)
    var_edges = [(TEETH, rotor_surface)]
    for air, ew in ((AIR_FRONT, EW_FRONT), (AIR_REAR, EW_REAR)):
        var_edges += [(air, ew), (air, HOUSING), (air, ROTOR)]
    speed_grid = np.linspace(0.0, max(max_speed, 1.0), n_speed)
    G_var = np.zeros((n_speed, len(var_edges)))
    for s, om in enumerate(speed_grid):
        h_g = cr.airgap_h(om, R_ro, geom.airgap)
        G_var[s, 0] = cr.series(g_tooth_half, h_g * A_bore, h_g * A_rs, g_surf_half)
        h_e = cr.end_space_h(om * R_ro)
        for side in range(2):
            G_var[s, 1 + 3 * side] = h_e * A_ew
            G_var[s, 2 + 3 * side] = h_e * A_cap
            G_var[s, 3 + 3 * side] = h_e * A_rend
    var_i = np.array([e[0] for e in var_edges], dtype=np.int64)
    var_j = np.array([e[1] for e in var_edges], dtype=np.int64)

    # -- cooling
    A_h_out = 2 * math.pi * R_ho * L_h + 2 * math.pi * R_ho**2
    g_b[HOUSING] += cooling.natural.h(2 * R_ho) * A_h_out
    T_b[HOUSING] = cooling.natural.ambient_c
    if cooling.air is not None:
        g_fin = cooling.air.conductance(2 * R_ho, L_h)
        # combine with natural convection into one boundary at the fin air temperature
        gsum = g_b[HOUSING] + g_fin
        T_b[HOUSING] = (g_b[HOUSING] * T_b[HOUSING] + g_fin * cooling.air.ambient_c) / gsum
        g_b[HOUSING] = gsum
    if cooling.jacket is not None:
        j = extra["jacket"]
        jk = cooling.jacket
        _, _, _, h_j, _, mdot, cp = jk.flow_state()
        _sym(G, HOUSING, j, h_j * jk.area)
        g_b[j] = 2.0 * mdot * cp
        T_b[j] = jk.inlet_c
        C[j] = jk.fluid_capacitance
    if cooling.oil is not None:
        o = extra["oil"]
        oil = cooling.oil
        for ew in (EW_FRONT, EW_REAR):
            _sym(G, ew, o, oil.h * oil.wetted_fraction * A_ew)
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

    # -- capacitances
    l_tot = L + 2 * l_et
    C[WINDING] = geom.copper_mass * L / l_tot * m.cp_copper
    C[EW_FRONT] = C[EW_REAR] = geom.copper_mass * l_et / l_tot * m.cp_copper
    C[YOKE] = geom.stator_yoke_mass * m.cp_steel
    C[TEETH] = geom.stator_teeth_mass * m.cp_steel
    C[ROTOR] = geom.rotor_core_mass * m.cp_steel
    C[MAGNET] = geom.magnet_mass * m.cp_magnet
    sh_len = geom.shaft_length or L + 2 * l_b + 0.06
    C[SHAFT] = m.rho_shaft * math.pi * R_sh**2 * sh_len * m.cp_shaft
    C[BRG_FRONT] = C[BRG_REAR] = geom.bearing_mass * m.cp_bearing
    hm = geom.housing_mass or m.rho_housing * (math.pi * (R_ho**2 - R_hi**2) * L_h
                                               + 2 * math.pi * R_ho**2 * geom.housing_thickness)
    C[HOUSING] = hm * m.cp_housing
    rho_air, _, _, cp_air, _ = cr.air_properties(60.0)
    v_end = math.pi * R_hi**2 * max(0.5 * (L_h - L), ov)
    C[AIR_FRONT] = C[AIR_REAR] = rho_air * cp_air * v_end

    # -- loss map: (component, node, fraction, kind)
    lm = [
        (0, WINDING, 1.0, KIND_COPPER),
        (1, EW_FRONT, 0.5, KIND_COPPER), (1, EW_REAR, 0.5, KIND_COPPER),
        (2, TEETH, 1.0, KIND_IRON), (3, YOKE, 1.0, KIND_IRON), (4, ROTOR, 1.0, KIND_IRON),
        (5, MAGNET, 1.0, KIND_NONE),
        (6, BRG_FRONT, 0.5, KIND_NONE), (6, BRG_REAR, 0.5, KIND_NONE),
        (7, rotor_surface, 0.5, KIND_NONE), (7, TEETH, 0.5, KIND_NONE),
    ]
    if cooling.inverter is not None:
        lm.append((8, extra["junction"], 1.0, KIND_NONE))
    if not coupling.enabled:
        lm = [(c, nd, f, KIND_NONE) for (c, nd, f, _) in lm]
    return ThermalNetwork(
        names=tuple(names), C=C, G=G, g_b=g_b, T_b=T_b, var_i=var_i, var_j=var_j,
        speed_grid=speed_grid, G_var=G_var,
        map_comp=np.array([e[0] for e in lm], dtype=np.int64),
        map_node=np.array([e[1] for e in lm], dtype=np.int64),
        map_frac=np.array([e[2] for e in lm], dtype=np.float64),
        map_kind=np.array([e[3] for e in lm], dtype=np.int64),
        hot=np.array([g_side_int, g_side, g_bot_int, cr.series(g_bot, g_yoke_in)]),
        coupling=coupling,
    )


def custom_network(names, C, G, g_b, T_b, loss_nodes=None, coupling: Coupling | None = None) -> ThermalNetwork:
    """A network given directly by matrices (for tests and hand-built models); no speed dependence.

    ``loss_nodes[k]`` is the node receiving loss component k (default component k -> node k),
    uncoupled. The hotspot estimate reduces to the winding-node temperature if there is none.
    """
    n = len(names)
    G = np.asarray(G, dtype=np.float64)
    if G.shape != (n, n) or not np.allclose(G, G.T) or np.any(np.diag(G) != 0):
        raise InputError("G", G.shape, "symmetric n x n with zero diagonal")
    loss_nodes = list(range(n)) if loss_nodes is None else list(loss_nodes)
    return ThermalNetwork(
        names=tuple(names), C=np.asarray(C, dtype=np.float64), G=G, g_b=np.asarray(g_b, dtype=np.float64),
        T_b=np.asarray(T_b, dtype=np.float64), var_i=np.zeros(0, np.int64), var_j=np.zeros(0, np.int64),
        speed_grid=np.array([0.0, 1.0]), G_var=np.zeros((2, 0)),
        map_comp=np.arange(len(loss_nodes), dtype=np.int64), map_node=np.array(loss_nodes, dtype=np.int64),
        map_frac=np.ones(len(loss_nodes)), map_kind=np.zeros(len(loss_nodes), np.int64),
        hot=np.zeros(4), coupling=coupling or Coupling(enabled=False),
    )


# ---- numba kernels -------------------------------------------------------------------------------
#
# Linear solves: the network matrix (conductance Laplacian + boundary conductances + C/dt - copper
# temperature coefficients) is symmetric and, short of thermal runaway, a strictly diagonally
# dominant M-matrix. It is sparse (each node touches 1-6 others), so it is eliminated without
# pivoting in a minimum-degree order (computed once per network, :func:`_elimination_pattern`)
# touching only the entries of the filled pattern: the same Gaussian elimination as a dense solve,
# in another order (results equal to rounding), at a fraction of the cost of the dense n^3/3.
#
# The kernels take the network as one tuple ``nt`` (:func:`_kernel_net`):
# (C, G, g_b, T_b, var_i, var_j, speed_grid, G_var, map_comp, map_node, map_frac, map_kind,
#  cpl = [alpha_cu_eff, T_ref_w, alpha_br, T_ref_m, n_br, T_lo], hot (4,),
#  ip = [magnet node (0 if none), Br coupling on, has a magnets node, hotspot mode, winding node,
#        k_tail: the copper nodes (diagonal changes with rho(T)) are eliminated last, from k_tail on],
#  pos (node -> elimination position), nb_ptr, nb_idx (filled pattern, CSR by pivot), slot, toff,
#  tgt (:func:`_solver_tables`), es (speed-dependent edge e -> its value slots)). Matrices are
#  value vectors over the filled pattern.


@njit(cache=True, inline="always")
def _copy(dst, src):
    """dst[:] = src by an explicit loop (a slice assignment in numba checks for overlap and may
    copy through a temporary: measurably slower in the per-step loops)."""
    for i in range(src.shape[0]):
        dst[i] = src[i]


@njit(cache=True)
def _elimination_pattern(mask, last):
    """Minimum-degree elimination order of the symmetric pattern ``mask`` (n x n bool), the nodes
    with last[i] True eliminated last, and its filled pattern: (pos (n,) node -> position, nb_ptr
    (n+1,), nb_idx) with nb_idx[nb_ptr[k]:nb_ptr[k+1]] the positions > k coupled to pivot k after
    fill-in (ascending)."""
    n = mask.shape[0]
    adj = mask.copy()
    for i in range(n):
        adj[i, i] = False
    done = np.zeros(n, np.bool_)
    order = np.empty(n, np.int64)
    n_first = n - np.sum(last)
    for k in range(n):
        best, best_deg = -1, n + 1
        for i in range(n):
            if done[i] or (k < n_first and last[i]):
                continue
            deg = 0
            for j in range(n):
                if adj[i, j] and not done[j]:
                    deg += 1
            if deg < best_deg:
                best, best_deg = i, deg
        order[k] = best
        done[best] = True
        for i in range(n):  # the remaining neighbours of the pivot become a clique (fill-in)
            if adj[best, i] and not done[i]:
                for j in range(n):
                    if j != i and adj[best, j] and not done[j]:
                        adj[i, j] = True
    pos = np.empty(n, np.int64)
    for k in range(n):
        pos[order[k]] = k
    nb_ptr = np.zeros(n + 1, np.int64)
    for k in range(n):
        c = 0
        for j in range(n):
            if adj[order[k], j] and pos[j] > k:
                c += 1
        nb_ptr[k + 1] = nb_ptr[k] + c
    nb_idx = np.empty(nb_ptr[n], np.int64)
    for k in range(n):
        c = nb_ptr[k]
        for q in range(k + 1, n):
            if adj[order[k], order[q]]:
                nb_idx[c] = q
                c += 1
    return pos, nb_ptr, nb_idx


@njit(cache=True)
def _solver_tables(pos, nb_ptr, nb_idx):
    """Tables of the symmetric sparse elimination. The matrix is a value vector v: v[k] the
    diagonal entry of position k, v[n + p] the upper entry (k, nb_idx[p]) for p in
    nb_ptr[k]:nb_ptr[k+1]. Returns (slot (n, n): index into v of entry (i, j) of the filled pattern,
    -1 outside; toff (nnz + 1,), tgt: the entries updated by row entry p of pivot k, i.e. (i, j) for
    j = nb_idx[q], q = p .. nb_ptr[k+1] - 1, i = nb_idx[p], are v[tgt[toff[p]:toff[p+1]]])."""
    n = pos.shape[0]
    nnz = nb_idx.shape[0]
    slot = np.full((n, n), -1, np.int64)
    for k in range(n):
        slot[k, k] = k
        for p in range(nb_ptr[k], nb_ptr[k + 1]):
            j = nb_idx[p]
            slot[k, j] = n + p
            slot[j, k] = n + p
    toff = np.zeros(nnz + 1, np.int64)
    for k in range(n):
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            toff[p + 1] = toff[p] + (p1 - p)
    tgt = np.empty(toff[nnz], np.int64)
    for k in range(n):
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            c = toff[p]
            for q in range(p, p1):
                tgt[c] = slot[nb_idx[p], nb_idx[q]]
                c += 1
    return slot, toff, tgt


@njit(cache=True, inline="always")
def _factor(v, k0, k1, nb_ptr, toff, tgt):
    """Symmetric Gaussian elimination without pivoting of pivots k0 .. k1 - 1 of the value vector v
    (in place; v[k] <- 1 / pivot k), over the filled pattern only. Returns True if those pivots
    are all > 0 (all n pivots > 0: the symmetric matrix is positive definite). Eliminating the
    leading pivots first and the rest later gives the same factors: the trailing entries only
    accumulate updates, so a change of trailing diagonal entries in between is exact."""
    n = nb_ptr.shape[0] - 1
    pd = True
    for k in range(k0, k1):
        if not v[k] > 0.0:
            pd = False
        inv = 1.0 / v[k]
        v[k] = inv
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            f = v[n + p] * inv
            c = toff[p]
            for q in range(p, p1):
                v[tgt[c]] -= f * v[n + q]
                c += 1
    return pd


@njit(cache=True, inline="always")
def _subst(v, r, nb_ptr, nb_idx):
    """Forward and back substitution with the factors of :func:`_factor`: r <- A^-1 r (elimination order)."""
    n = r.shape[0]
    for k in range(n):
        f = r[k] * v[k]
        for p in range(nb_ptr[k], nb_ptr[k + 1]):
            r[nb_idx[p]] -= v[n + p] * f
    for k in range(n - 1, -1, -1):
        s = r[k]
        for p in range(nb_ptr[k], nb_ptr[k + 1]):
            s -= v[n + p] * r[nb_idx[p]]
        r[k] = s * v[k]


@njit(cache=True, inline="always")
def _sparse_solve(v, r, nb_ptr, nb_idx, toff, tgt):
    """Solve A x = r in place (x -> r, elimination order; v overwritten by the factors): as
    :func:`_factor` of all pivots + :func:`_subst`, fused. Returns True if A is positive definite."""
    n = r.shape[0]
    pd = True
    for k in range(n):
        if not v[k] > 0.0:
            pd = False
        inv = 1.0 / v[k]
        v[k] = inv
        rk = r[k] * inv
        p1 = nb_ptr[k + 1]
        for p in range(nb_ptr[k], p1):
            vp = v[n + p]
            f = vp * inv
            c = toff[p]
            for q in range(p, p1):
                v[tgt[c]] -= f * v[n + q]
                c += 1
            r[nb_idx[p]] -= vp * rk
    for k in range(n - 1, -1, -1):
        s = r[k]
        for p in range(nb_ptr[k], nb_ptr[k + 1]):
            s -= v[n + p] * r[nb_idx[p]]
        r[k] = s * v[k]
    return pd


@njit(cache=True)
def _matrix_const(nt, Cdt, v):
    """v (value vector, see :func:`_solver_tables`) <- speed-independent part: Laplacian of G +
    diag(g_b + Cdt)."""
    G, g_b, pos, slot = nt[1], nt[2], nt[15], nt[18]
    n = G.shape[0]
    v[:] = 0.0
    for i in range(n):
        d = g_b[i] + Cdt[i]
        for j in range(n):
            if j != i:
                d += G[i, j]
                if j > i and G[i, j] != 0.0:
                    v[slot[pos[i], pos[j]]] = -G[i, j]
        v[pos[i]] = d


@njit(cache=True, inline="always")
def _add_speed_edges(v, omega, speed_grid, G_var, es):
    """v += Laplacian of the speed-dependent edges at |omega| (linear in the tabulated speeds,
    clipped at the table ends)."""
    nv = es.shape[0]
    if nv == 0:
        return
    ns = speed_grid.shape[0]
    w = abs(omega)
    if w <= speed_grid[0]:
        s, f = 0, 0.0
    elif w >= speed_grid[ns - 1]:
        s, f = ns - 2, 1.0
    else:
        s, hi = 0, ns - 1  # speed_grid[s] < w <= speed_grid[s + 1] (searchsorted "left" - 1)
        while hi - s > 1:
            mid = (s + hi) >> 1
            if speed_grid[mid] < w:
                s = mid
            else:
                hi = mid
        f = (w - speed_grid[s]) / (speed_grid[s + 1] - speed_grid[s])
    for e in range(nv):
        g = (1.0 - f) * G_var[s, e] + f * G_var[s + 1, e]
        v[es[e, 0]] -= g
        v[es[e, 1]] += g
        v[es[e, 2]] += g


@njit(cache=True, inline="always")
def _loss_parts(P_comp, parts, map_comp, map_node, map_frac, map_kind, cpl):
    """Node loss parts from component losses: parts[0] uncoupled, parts[1] + parts[2] T copper at
    Br(T_ref) (rho(T) linear in T_i), parts[3] iron at Br(T_ref); W and W/K."""
    alpha_cu_eff, T_ref_w = cpl[0], cpl[1]
    parts[:, :] = 0.0
    for e in range(map_comp.shape[0]):
        p = P_comp[map_comp[e]] * map_frac[e]
        nd = map_node[e]
        if map_kind[e] == 1:
            parts[1, nd] += p * (1.0 - alpha_cu_eff * T_ref_w)
            parts[2, nd] += p * alpha_cu_eff
        elif map_kind[e] == 2:
            parts[3, nd] += p
        else:
            parts[0, nd] += p


@njit(cache=True, inline="always")
def _br_factors(cpl, T_mag):
    """(copper factor (Br/Br_ref)^-n_br, iron factor (Br/Br_ref)^2) at magnet temperature T_mag."""
    alpha_br, T_ref_m, n_br = cpl[2], cpl[3], cpl[4]
    br_ratio = (1.0 + alpha_br * (T_mag - 20.0)) / (1.0 + alpha_br * (T_ref_m - 20.0))
    return br_ratio ** (-n_br), br_ratio * br_ratio


@njit(cache=True, inline="always")
def _hot(T, hot, ip):
    """Winding hotspot of temperatures T (see :func:`hotspot`); NaN if any input is NaN."""
    if ip[3] == 0:
        return T[ip[4]]
    Tw = T[WINDING]
    q_int = max(hot[1] * (Tw - T[TEETH]) + hot[3] * (Tw - T[YOKE]), 0.0)  # net outflow; >= 0 (see hotspot)
    ha = Tw + 0.5 * q_int / (hot[0] + hot[2])
    ef, er = T[EW_FRONT], T[EW_REAR]
    if np.isnan(ha) or np.isnan(ef) or np.isnan(er):
        return np.nan
    return max(ha, max(ef, er))


@njit(cache=True, inline="always")
def _steady_tm(Ab, parts, gbTb, T_mag, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt):
    """Steady state with the Br factors at magnet temperature T_mag (copper rho(T) exact) on the
    matrix Ab (elimination order, at the speed, copper-free pivots already factored: see
    :func:`_factor`). T <- node temperatures; returns ok (False for a non-physical solution:
    thermal runaway, i.e. a matrix that is not positive definite, or temperatures outside
    -273.15 .. 1e4 degC)."""
    n = T.shape[0]
    kcu, kfe = _br_factors(cpl, T_mag)
    _copy(A, Ab)
    for i in range(n):
        p = pos[i]
        A[p] -= kcu * parts[2, i]  # nonzero on copper nodes only, all at positions >= k_tail
        r[p] = gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
    ok = _factor(A, k_tail, n, nb_ptr, toff, tgt)  # not positive definite: past thermal runaway (module docstring)
    for k in range(k_tail):
        if not A[k] > 0.0:
            ok = False
    _subst(A, r, nb_ptr, nb_idx)
    for i in range(n):
        T[i] = r[pos[i]]
        if not np.isfinite(T[i]) or T[i] < -273.15 or T[i] > 1.0e4:
            ok = False
    return ok


@njit(cache=True)
def _h_steady(Ab, parts, gbTb, x, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag):
    """Residual of the magnet-temperature equation, g(x) - x (1e9 where the solve fails)."""
    if _steady_tm(Ab, parts, gbTb, x, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt):
        return T[mag] - x
    return 1e9


@njit(cache=True)
def _brent_steady(Ab, parts, gbTb, a, b, fa, fb, xtol, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag):
    """Root of :func:`_h_steady` in [a, b] with fa > 0 >= fb, Brent's method (inverse quadratic
    interpolation / secant / bisection; Brent 1973), to xtol."""
    if fb == 0.0:
        return b
    c, fc = a, fa
    d = e = b - a
    for _ in range(200):
        if (fb > 0.0 and fc > 0.0) or (fb < 0.0 and fc < 0.0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol1 = 2.0 * 2.220446049250313e-16 * abs(b) + 0.5 * xtol
        xm = 0.5 * (c - b)
        if abs(xm) <= tol1 or fb == 0.0:
            return b
        if abs(e) >= tol1 and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p = 2.0 * xm * s
                q = 1.0 - s
            else:
                q = fa / fc
                rr = fb / fc
                p = s * (2.0 * xm * q * (q - rr) - (b - a) * (rr - 1.0))
                q = (q - 1.0) * (rr - 1.0) * (s - 1.0)
            if p > 0.0:
                q = -q
            p = abs(p)
            if 2.0 * p < min(3.0 * xm * q - abs(tol1 * q), abs(e * q)):
                e = d
                d = p / q
            else:
                d = xm
                e = d
        else:
            d = xm
            e = d
        a, fa = b, fb
        b += d if abs(d) > tol1 else (tol1 if xm > 0.0 else -tol1)
        fb = _h_steady(Ab, parts, gbTb, b, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
    return b


@njit(cache=True)
def _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist, x_stop=np.inf):
    """Coupled steady state (algorithm of :func:`steady_state`) on the matrix Ab at the speed.
    T <- temperatures. Returns (status, iterations, n_hist): status 0 ok, 1 no magnet-temperature
    root below T_runaway, 2 non-physical final solution, 3 the root scan passed x_stop (any root
    is hotter than x_stop: used by the ratings, whose verdict is then known); hist[:n_hist] the
    fixed-point residuals."""
    cpl, ip = nt[12], nt[14]
    mag = ip[0]
    pos, k_tail, nb_ptr, nb_idx, toff, tgt = nt[15], ip[5], nt[16], nt[17], nt[19], nt[20]
    T_m = cpl[3]
    ok = _steady_tm(Ab, parts, gbTb, T_m, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
    it = 1
    nh = 0
    if ip[1] != 0:
        converged = False
        have_prev = False
        px, pr = 0.0, 0.0
        while ok and it < max_iter:
            new = T[mag]
            res = new - T_m
            hist[nh] = abs(res)
            nh += 1
            if abs(res) < tol:
                converged = True
                break
            if nh > 3 and hist[nh - 1] > 0.9 * hist[nh - 2]:
                break  # not contracting
            # secant step on h(x) = g(x) - x, plain fixed-point step when degenerate / not towards
            x_next = new
            if have_prev and res != pr:
                x_sec = T_m - res * (T_m - px) / (res - pr)
                if np.isfinite(x_sec) and abs(x_sec - T_m) <= 10.0 * abs(res) + 1.0:
                    x_next = x_sec
            have_prev = True
            px, pr = T_m, res
            T_m = x_next
            ok = _steady_tm(Ab, parts, gbTb, T_m, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
            it += 1
        if not converged:
            # first (stable, physical) root scanning upward from the coolest boundary, then Brent
            x0 = cpl[5]
            h0 = _h_steady(Ab, parts, gbTb, x0, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
            x = x0
            found = False
            root = 0.0
            while x < T_runaway:
                if x0 >= x_stop:
                    return 3, it, nh
                x1 = min(x0 + 10.0, T_runaway)
                h1 = _h_steady(Ab, parts, gbTb, x1, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
                if h0 > 0 >= h1:
                    root = _brent_steady(Ab, parts, gbTb, x0, x1, h0, h1, tol, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt, mag)
                    found = True
                    break
                x0, h0, x = x1, h1, x1
            if not found:
                return 1, it, nh
            ok = _steady_tm(Ab, parts, gbTb, root, A, r, T, pos, k_tail, cpl, nb_ptr, nb_idx, toff, tgt)
            it += 1
    if not ok:
        return 2, it, nh
    return 0, it, nh


@njit(cache=True)
def _steady_batch_kernel(nt, speeds, P, tol, max_iter, T_runaway):
    """Coupled steady states of m points (speeds (m,) rad/s, P (m, n_comp) W). Returns
    T (m, n), status (m,), iterations (m,), hotspot (m,), hist (m, max_iter), n_hist (m,)."""
    n = nt[0].shape[0]
    m = speeds.shape[0]
    T_out = np.empty((m, n))
    status = np.empty(m, np.int64)
    iters = np.empty(m, np.int64)
    hots = np.empty(m)
    hist = np.zeros((m, max(max_iter, 1)))
    nhist = np.empty(m, np.int64)
    Ab = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    zero = np.zeros(n)
    gbTb = nt[2] * nt[3]
    for k in range(m):
        _matrix_const(nt, zero, Ab)
        _add_speed_edges(Ab, speeds[k], nt[6], nt[7], nt[21])
        _factor(Ab, 0, nt[14][5], nt[16], nt[19], nt[20])
        _loss_parts(P[k], parts, nt[8], nt[9], nt[10], nt[11], nt[12])
        st, it, nh = _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist[k])
        _copy(T_out[k], T)
        status[k], iters[k], nhist[k] = st, it, nh
        hots[k] = _hot(T, nt[13], nt[14])
    return T_out, status, iters, hots, hist, nhist


@njit(cache=True, inline="always")
def _interp_torque(tg, lg, s, t, out):
    """out <- component losses at torque t, speed column s: linear in torque between the grid
    points tg[s] (ascending), clamped at the ends. lg (n_comp, nT, nS)."""
    nT = tg.shape[1]
    if t <= tg[s, 0]:
        for c in range(out.shape[0]):
            out[c] = lg[c, 0, s]
        return
    if t >= tg[s, nT - 1]:
        for c in range(out.shape[0]):
            out[c] = lg[c, nT - 1, s]
        return
    lo, hi = 0, nT - 1  # largest k with tg[k] <= t (searchsorted side="right" - 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tg[s, mid] <= t:
            lo = mid
        else:
            hi = mid
    k = lo
    f = (t - tg[s, k]) / (tg[s, k + 1] - tg[s, k])
    for c in range(out.shape[0]):
        out[c] = (1.0 - f) * lg[c, k, s] + f * lg[c, k + 1, s]


@njit(cache=True)
def _n_valid(lg, s):
    """Number of leading torque points of speed column s with all components finite."""
    for k in range(lg.shape[1]):
        for c in range(lg.shape[0]):
            if not np.isfinite(lg[c, k, s]):
                return k
    return lg.shape[1]


@njit(cache=True)
def _scan_stop(nt, Tm):
    """Magnet temperature above which a rating test may stop the steady state's root scan: with
    Br falling with temperature (alpha_br <= 0) and n_br >= 0 the copper loss factor grows with
    the magnet temperature, the magnet-temperature residual is continuous where the solve is
    physical, and a root found beyond Tm + 10 K would put the magnets above Tm (a violation)."""
    cpl, ip = nt[12], nt[14]
    if ip[2] != 0 and cpl[2] <= 0.0 and cpl[4] >= 0.0:
        return Tm + 10.0
    return np.inf


@njit(cache=True)
def _continuous_ok(nt, Ab, tg, lg, s, t, Tw, Tm, tol, max_iter, T_runaway, P, parts, gbTb, A, r, T, hist):
    _interp_torque(tg, lg, s, t, P)
    _loss_parts(P, parts, nt[8], nt[9], nt[10], nt[11], nt[12])
    st, _, _ = _steady_core(nt, Ab, parts, gbTb, tol, max_iter, T_runaway, A, r, T, hist, _scan_stop(nt, Tm))
    if st != 0:
        return False
    magc = T[nt[14][0]] if nt[14][2] != 0 else np.nan
    return _hot(T, nt[13], nt[14]) <= Tw and magc <= Tm


@njit(cache=True)
def _continuous_kernel(nt, speeds, tg, lg, Tw, Tm, tol, s_tol, max_iter, T_runaway):
    """Continuous rating per speed (bisection of :func:`continuous_rating`); tg (nS, nT) N m per speed,
    lg (n_comp, nT, nS) W. Returns torque (nS,)."""
    n = nt[0].shape[0]
    nS = speeds.shape[0]
    out = np.zeros(nS)
    Ab = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    P = np.empty(lg.shape[0])
    hist = np.empty(max(max_iter, 1))
    zero = np.zeros(n)
    gbTb = nt[2] * nt[3]
    for s in range(nS):
        nvalid = _n_valid(lg, s)
        if nvalid == 0:
            continue
        t_hi = tg[s, nvalid - 1]
        _matrix_const(nt, zero, Ab)
        _add_speed_edges(Ab, speeds[s], nt[6], nt[7], nt[21])
        _factor(Ab, 0, nt[14][5], nt[16], nt[19], nt[20])
        if not _continuous_ok(nt, Ab, tg, lg, s, 0.0, Tw, Tm, s_tol, max_iter, T_runaway, P, parts, gbTb, A, r,
                              T, hist):
            continue
        if _continuous_ok(nt, Ab, tg, lg, s, t_hi, Tw, Tm, s_tol, max_iter, T_runaway, P, parts, gbTb, A, r,
                          T, hist):
            out[s] = t_hi
            continue
        lo, hi = 0.0, t_hi
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if _continuous_ok(nt, Ab, tg, lg, s, mid, Tw, Tm, s_tol, max_iter, T_runaway, P, parts, gbTb, A,
                              r, T, hist):
                lo = mid
            else:
                hi = mid
        out[s] = lo
    return out


@njit(cache=True)
def _pulse_run(nt, A0, Cdt, parts, gbTb, T0, n_steps, Tw, Tm, early, A, r, T):
    """Backward-Euler transient under constant loss parts from T0 on the matrix A0 (at the speed,
    incl. C/dt; copper-free pivots already factored). T <- final temperatures. Returns (max hotspot, max magnet-node temperature) over
    the steps incl. T0 (NaN propagates); with ``early`` it stops once a limit is exceeded (the
    maxima can only grow, so the verdict hot <= Tw and mag <= Tm is unchanged)."""
    cpl, hot, ip, pos = nt[12], nt[13], nt[14], nt[15]
    nb_ptr, nb_idx, toff, tgt = nt[16], nt[17], nt[19], nt[20]  # locals: no tuple access in the step loop
    mag, cbr, k_tail = ip[0], ip[1], ip[5]
    n = T.shape[0]
    _copy(T, T0)
    hmax = _hot(T, hot, ip)
    mmax = T[mag]
    if early and not (hmax <= Tw and mmax <= Tm):
        return hmax, mmax
    for _ in range(n_steps):
        T_mag = T[mag] if cbr != 0 else cpl[3]
        kcu, kfe = _br_factors(cpl, T_mag)
        _copy(A, A0)
        for i in range(n):
            p = pos[i]
            A[p] -= kcu * parts[2, i]
            r[p] = Cdt[i] * T[i] + gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
        _factor(A, k_tail, n, nb_ptr, toff, tgt)
        _subst(A, r, nb_ptr, nb_idx)
        for i in range(n):
            T[i] = r[pos[i]]
        h = _hot(T, hot, ip)
        if h > hmax or np.isnan(h):
            hmax = h
        m_ = T[mag]
        if m_ > mmax or np.isnan(m_):
            mmax = m_
        if early and not (hmax <= Tw and mmax <= Tm):
            break
    return hmax, mmax


@njit(cache=True)
def _pulse_kernel(nt, speeds, tg, lg, T0, active, n_steps, dt, Tw, Tm, tol):
    """Pulse rating per speed (bisection of :func:`pulse_rating`) from the states T0 (nS, n);
    speeds with active[s] False are skipped (0). Returns torque (nS,)."""
    n = nt[0].shape[0]
    nS = speeds.shape[0]
    out = np.zeros(nS)
    A0 = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    P = np.empty(lg.shape[0])
    Cdt = nt[0] / dt
    gbTb = nt[2] * nt[3]
    for s in range(nS):
        if not active[s]:
            continue
        nvalid = _n_valid(lg, s)
        if nvalid == 0:
            continue
        t_hi = tg[s, nvalid - 1]
        _matrix_const(nt, Cdt, A0)
        _add_speed_edges(A0, speeds[s], nt[6], nt[7], nt[21])
        _factor(A0, 0, nt[14][5], nt[16], nt[19], nt[20])
        lo, hi = 0.0, t_hi
        done = False
        for stage in range(2):  # ok(0), then ok(t_hi)
            t = 0.0 if stage == 0 else t_hi
            _interp_torque(tg, lg, s, t, P)
            _loss_parts(P, parts, nt[8], nt[9], nt[10], nt[11], nt[12])
            hm, mm = _pulse_run(nt, A0, Cdt, parts, gbTb, T0[s], n_steps, Tw, Tm, True, A, r, T)
            good = hm <= Tw and mm <= Tm
            if stage == 0 and not good:
                done = True
                break
            if stage == 1 and good:
                out[s] = t_hi
                done = True
        if done:
            continue
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            _interp_torque(tg, lg, s, mid, P)
            _loss_parts(P, parts, nt[8], nt[9], nt[10], nt[11], nt[12])
            hm, mm = _pulse_run(nt, A0, Cdt, parts, gbTb, T0[s], n_steps, Tw, Tm, True, A, r, T)
            if hm <= Tw and mm <= Tm:
                lo = mid
            else:
                hi = mid
        out[s] = lo
    return out


@njit(cache=True)
def _peak_batch_kernel(nt, speeds, P, T0, n_steps, dt):
    """Constant-loss pulses of m points (speeds (m,), P (m, n_comp), T0 (m, n)): (max hotspot (m,),
    max magnet-node temperature (m,), T_end (m, n))."""
    n = nt[0].shape[0]
    m = speeds.shape[0]
    hmax = np.empty(m)
    mmax = np.empty(m)
    T_end = np.empty((m, n))
    A0 = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    T = np.empty(n)
    parts = np.empty((4, n))
    Cdt = nt[0] / dt
    gbTb = nt[2] * nt[3]
    for k in range(m):
        _matrix_const(nt, Cdt, A0)
        _add_speed_edges(A0, speeds[k], nt[6], nt[7], nt[21])
        _factor(A0, 0, nt[14][5], nt[16], nt[19], nt[20])
        _loss_parts(P[k], parts, nt[8], nt[9], nt[10], nt[11], nt[12])
        hmax[k], mmax[k] = _pulse_run(nt, A0, Cdt, parts, gbTb, T0[k], n_steps, np.inf, np.inf, False, A, r, T)
        _copy(T_end[k], T)
    return hmax, mmax, T_end


@njit(cache=True)
def _transient_kernel(nt, speeds, P, T0, dt):
    """Coupled backward-Euler transient, step k of length dt[k] at speed speeds[k] with loss
    components P[k]. Returns (T_hist (n_steps+1, n), P_used (n_steps, n), Q_out (n_steps,))."""
    C, g_b, T_b, cpl, ip, pos = nt[0], nt[2], nt[3], nt[12], nt[14], nt[15]
    speed_grid, G_var, es = nt[6], nt[7], nt[21]  # locals: no tuple access in the step loop
    map_comp, map_node, map_frac, map_kind = nt[8], nt[9], nt[10], nt[11]
    nb_ptr, nb_idx, toff, tgt = nt[16], nt[17], nt[19], nt[20]
    mag, cbr = ip[0], ip[1]
    n = C.shape[0]
    n_steps = P.shape[0]
    T_hist = np.empty((n_steps + 1, n))
    P_used = np.empty((n_steps, n))
    Q_out = np.empty(n_steps)
    A0 = np.empty(n + nt[17].shape[0])
    A = np.empty(n + nt[17].shape[0])
    r = np.empty(n)
    parts = np.empty((4, n))
    Cdt = np.empty(n)
    gbTb = g_b * T_b
    T = T0.copy()
    _copy(T_hist[0], T)
    for k in range(n_steps):
        if k == 0 or dt[k] != dt[k - 1]:
            for i in range(n):
                Cdt[i] = C[i] / dt[k]
            _matrix_const(nt, Cdt, A0)
        _copy(A, A0)
        _add_speed_edges(A, speeds[k], speed_grid, G_var, es)
        _loss_parts(P[k], parts, map_comp, map_node, map_frac, map_kind, cpl)
        T_mag = T[mag] if cbr != 0 else cpl[3]
        kcu, kfe = _br_factors(cpl, T_mag)
        for i in range(n):
            p = pos[i]
            A[p] -= kcu * parts[2, i]
            r[p] = Cdt[i] * T[i] + gbTb[i] + parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i]
        _sparse_solve(A, r, nb_ptr, nb_idx, toff, tgt)
        q = 0.0
        for i in range(n):
            T[i] = r[pos[i]]
            P_used[k, i] = parts[0, i] + kcu * parts[1, i] + kfe * parts[3, i] + kcu * parts[2, i] * T[i]
            q += g_b[i] * (T[i] - T_b[i])
        Q_out[k] = q
        _copy(T_hist[k + 1], T)
    return T_hist, P_used, Q_out


@njit(cache=True)
def _run_dt(dt):
    """Per-step dt of a cycle with runs of equal dt (within 1e-9 relative of the run's first step)
    set to the run's first value."""
    n = dt.shape[0]
    out = np.empty(n)
    i = 0
    while i < n:
        j = i + 1
        while j < n and abs(dt[j] - dt[i]) <= 1e-9 * dt[i]:
            j += 1
        for k in range(i, j):
            out[k] = dt[i]
        i = j
    return out


# ---- public functions ----------------------------------------------------------------------------


def _loss_vector(net: ThermalNetwork, losses) -> np.ndarray:
    """Accept a dict {component name: W} or an array of component losses."""
    n_comp = int(net.map_comp.max()) + 1 if net.map_comp.size else 0
    if isinstance(losses, dict):
        v = np.zeros(max(n_comp, N_COMP))
        for k, val in losses.items():
            if k not in LOSS_COMPONENTS:
                raise InputError("losses", k, f"one of {LOSS_COMPONENTS}")
            v[LOSS_COMPONENTS.index(k)] = float(val)
        return v
    v = np.asarray(losses, dtype=np.float64)
    if v.ndim != 1 or v.size < n_comp:
        raise InputError("losses", v.shape, f"1-D with >= {n_comp} components")
    return v


def hotspot(net: ThermalNetwork, T: np.ndarray) -> np.ndarray:
    """Winding hotspot estimate, degC, for temperatures T (..., n): max of the active-slot hotspot
    (T_w + 0.5 x winding-internal drop, see module docstring) and the end-winding means.

    The internal drop is that of the net heat the slot sends through its insulation; when the teeth
    feed heat into the slot (net inflow, e.g. an oil-cooled end winding drawing core loss through the
    slot) it is clamped at 0, so the estimate never falls below the slot's mean temperature (a lower
    bound there: the copper's own internal rise on top of the through-flow is not resolved)."""
    T = np.asarray(T)
    if "winding_active" not in net.names or not np.any(net.hot):
        i = net.names.index("winding_active") if "winding_active" in net.names else 0
        return T[..., i]
    gsi, gs, gbi, gb = net.hot
    Tw = T[..., WINDING]
    q_int = np.maximum(gs * (Tw - T[..., TEETH]) + gb * (Tw - T[..., YOKE]), 0.0)
    hot_active = Tw + 0.5 * q_int / (gsi + gbi)
    return np.maximum(hot_active, np.maximum(T[..., EW_FRONT], T[..., EW_REAR]))


@dataclass(frozen=True)
class SteadyResult:
    T: np.ndarray  # node temperatures, degC
    names: tuple
    hotspot_c: float
    magnet_c: float
    iterations: int

    def __getitem__(self, name):
        return float(self.T[self.names.index(name)])


def steady_state(net: ThermalNetwork, losses, speed: float = 0.0, tol: float = 1e-6,
                 max_iter: int = 100, T_runaway_c: float = 1000.0) -> SteadyResult:
    """Steady node temperatures for loss components ``losses`` (dict or array, W) at mechanical
    speed ``speed`` (rad/s).

    Copper rho(T) is solved exactly (linear in T). The Br coupling is a scalar equation for the
    magnet temperature, T_m = g(T_m) (g: steady magnet temperature with the Br factors at T_m):
    solved by fixed-point iteration, and if that does not converge (gain |g'| >= 1 near the
    root), by scanning upward from the coolest boundary for the first (stable, physical) root and
    Brent's method. Raises ConvergenceError if no root exists below ``T_runaway_c`` (thermal runaway).
    """
    P = _loss_vector(net, losses)
    T, st, it, hot, hist, nh = _steady_batch_kernel(net._kn, np.array([float(speed)]), P[None, :], float(tol),
                                                    int(max_iter), float(T_runaway_c))
    return _steady_result(net, T[0], int(st[0]), int(it[0]), float(hot[0]), hist[0, :nh[0]], T_runaway_c)


def _steady_result(net: ThermalNetwork, T, status: int, it: int, hot: float, history, T_runaway_c: float):
    """SteadyResult of a :func:`_steady_batch_kernel` row, or ConvergenceError (status 1, 2)."""
    if status == 1:
        raise ConvergenceError("steady_state: thermal runaway (no magnet-temperature solution "
                               f"below {T_runaway_c} degC)", list(history))
    if status == 2:
        raise ConvergenceError("steady_state: thermal runaway (losses grow faster with temperature "
                               "than the network can remove)")
    mc = float(T[net._kn[14][0]]) if "magnets" in net.names else float("nan")
    return SteadyResult(T=T, names=net.names, hotspot_c=hot, magnet_c=mc, iterations=it)


@dataclass(frozen=True)
class TransientResult:
    t: np.ndarray  # (n_steps + 1,) s
    T: np.ndarray  # (n_steps + 1, n) degC
    P: np.ndarray  # (n_steps, n) node losses actually injected (after coupling), W
    Q_out: np.ndarray  # (n_steps,) heat leaving to the boundaries during each step, W
    names: tuple
    hotspot_c: np.ndarray  # (n_steps + 1,)

    def __getitem__(self, name):
        return self.T[:, self.names.index(name)]


def transient(net: ThermalNetwork, losses, speeds, dt: float, T0=None) -> TransientResult:
    """Coupled transient by backward Euler over ``n_steps`` steps of ``dt`` s.

    losses: (n_steps, n_comp) loss components at reference temperatures, W (step k holds over
    (t_k, t_k+1]); speeds: (n_steps,) mechanical speed, rad/s (or a scalar); T0: initial node
    temperatures (default: each node at the mean boundary temperature).
    """
    P = np.ascontiguousarray(np.atleast_2d(np.asarray(losses, dtype=np.float64)))
    n_steps = P.shape[0]
    sp = np.broadcast_to(np.asarray(speeds, dtype=np.float64), (n_steps,)).copy()
    if not dt > 0:
        raise InputError("dt", dt, "> 0")
    n_comp = int(net.map_comp.max()) + 1 if net.map_comp.size else 0
    if P.shape[1] < n_comp:
        raise InputError("losses", P.shape, f"(n_steps, >= {n_comp})")
    if T0 is None:
        T0 = _default_T0(net)
    T0 = np.asarray(T0, dtype=np.float64).copy()
    if T0.shape != (net.n,):
        raise InputError("T0", T0.shape, f"({net.n},)")
    Th, Pu, Qo = _transient_kernel(net._kn, sp, P, T0, np.full(n_steps, float(dt)))
    return TransientResult(t=np.arange(n_steps + 1) * dt, T=Th, P=Pu, Q_out=Qo, names=net.names,
                           hotspot_c=hotspot(net, Th))


def loss_array(components: dict, n_steps: int | None = None) -> np.ndarray:
    """Stack named loss components (scalars or (n_steps,) arrays, W) into (n_steps, N_COMP)."""
    if n_steps is None:
        n_steps = max((np.size(v) for v in components.values()), default=1)
    out = np.zeros((n_steps, N_COMP))
    for k, v in components.items():
        if k not in LOSS_COMPONENTS:
            raise InputError("losses", k, f"one of {LOSS_COMPONENTS}")
        out[:, LOSS_COMPONENTS.index(k)] = v
    return out


# ---- ratings -------------------------------------------------------------------------------------

INSULATION_CLASS_C = {"B": 130.0, "F": 155.0, "H": 180.0, "N": 200.0}  # IEC 60085 thermal classes


def _rating_grids(torque_grid, speed_grid, loss_grid):
    """(tg (nS, nT), sg (nS,), lg (n_comp, nT, nS)) as contiguous float64 for the rating kernels."""
    tg = np.asarray(torque_grid, dtype=np.float64)
    sg = np.ascontiguousarray(np.atleast_1d(np.asarray(speed_grid, dtype=np.float64)))
    lg = np.ascontiguousarray(loss_grid, dtype=np.float64)
    if tg.ndim != 1 or lg.ndim != 3 or lg.shape[1:] != (tg.size, sg.size):
        raise InputError("loss_grid", lg.shape, f"(n_comp, {tg.size}, {sg.size})")
    return np.ascontiguousarray(np.broadcast_to(tg, (sg.size, tg.size))), sg, lg


def continuous_rating(net: ThermalNetwork, torque_grid, speed_grid, loss_grid, T_winding_max: float = 155.0,
                      T_magnet_max: float = 150.0, tol: float = 0.05):
    """Continuous torque envelope: for each speed the largest torque whose steady winding hotspot
    <= T_winding_max and magnet temperature <= T_magnet_max.

    torque_grid (nT,) N m ascending from 0; speed_grid (nS,) rad/s; loss_grid (n_comp, nT, nS) loss
    components (order :data:`LOSS_COMPONENTS`) at the coupling reference temperatures (W), NaN
    where the point is outside the drive envelope (the search stops below the first NaN).
    Bisection on torque with losses interpolated linearly in torque, to ``tol`` N m: 0 if the
    lowest torque violates a limit, the top valid grid torque if it does not, else the last
    admissible bisection point. Each test is a coupled steady state (:func:`steady_state`, default
    tolerances). Returns (torque (nS,), power (nS,) W). A thermal runaway counts as a violation.
    One numba call for all speeds.
    """
    tg, sg, lg = _rating_grids(torque_grid, speed_grid, loss_grid)
    out = _continuous_kernel(net._kn, sg, tg, lg, float(T_winding_max), float(T_magnet_max), float(tol), 1e-6,
                             100, 1000.0)
    return out, out * sg


def peak_pulse(net: ThermalNetwork, losses, speed: float, duration: float = 30.0, dt: float = 0.5, T0=None):
    """Transient under constant loss components for ``duration`` s from ``T0`` (default: boundary
    temperatures). Returns dict(hotspot_c_max, magnet_c_max, T_end, result)."""
    n_steps = max(1, int(round(duration / dt)))
    P = np.tile(_loss_vector(net, losses), (n_steps, 1))
    r = transient(net, P, speed, dt, T0)
    mag = r.names.index("magnets") if "magnets" in r.names else 0
    return {"hotspot_c_max": float(r.hotspot_c.max()), "magnet_c_max": float(r.T[:, mag].max()),
            "T_end": r.T[-1].copy(), "result": r}


def _default_T0(net: ThermalNetwork) -> np.ndarray:
    """Every node at the conductance-weighted mean boundary temperature, degC."""
    return np.full(net.n, float(np.sum(net.g_b * net.T_b) / max(np.sum(net.g_b), 1e-300)))


def pulse_rating(net: ThermalNetwork, torque_grid, speed_grid, loss_grid, T0, duration: float = 30.0,
                 T_winding_max: float = 180.0, T_magnet_max: float = 150.0, dt: float = 1.0, tol: float = 0.1):
    """Largest torque per speed sustainable for ``duration`` s from the state T0 (e.g. the steady
    state at the continuous rating, or ambient; None: the boundary mean as in :func:`transient`)
    without exceeding the limits: the maxima over the pulse (:func:`peak_pulse`, steps of dt) of
    the hotspot and the magnet temperature. Same grid conventions and bisection as
    :func:`continuous_rating`. Returns (torque (nS,), power (nS,) W). One numba call for all speeds."""
    tg, sg, lg = _rating_grids(torque_grid, speed_grid, loss_grid)
    if not dt > 0:
        raise InputError("dt", dt, "> 0")
    T0 = _default_T0(net) if T0 is None else np.asarray(T0, dtype=np.float64)
    if T0.shape != (net.n,):
        raise InputError("T0", T0.shape, f"({net.n},)")
    n_steps = max(1, int(round(duration / dt)))
    out = _pulse_kernel(net._kn, sg, tg, lg, np.ascontiguousarray(np.broadcast_to(T0, (sg.size, net.n))),
                        np.ones(sg.size, dtype=np.bool_), n_steps, float(dt), float(T_winding_max),
                        float(T_magnet_max), float(tol))
    return out, out * sg
