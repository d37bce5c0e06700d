"""The lumped-parameter thermal network (LPTN) of a radial-flux machine: node and loss-component
names, material defaults, the geometry it is built from, and the builder (conductances, capacities,
boundary conductances and the loss-to-node map). The model and its assumptions are in
:mod:`motoropt.thermal.lptn`; the solvers in :mod:`.kernels` (numba) and :mod:`.lptn` (public API).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from motoropt.errors import InputError
from motoropt.memo import Memo
from motoropt.thermal import correlations as cr
from motoropt.thermal.cooling import Cooling
from motoropt.thermal.kernels import _elimination_pattern, _solver_tables
from motoropt.thermal.nodes import (
    AIR_FRONT,
    AIR_REAR,
    BRG_FRONT,
    BRG_REAR,
    EW_FRONT,
    EW_REAR,
    HOUSING,
    KIND_COPPER,
    KIND_IRON,
    KIND_NONE,
    MAGNET,
    NODE_NAMES,
    ROTOR,
    SHAFT,
    TEETH,
    WINDING,
    YOKE,
)

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
    potted_end_windings: bool = False  # molded winding: the potting fills the end space to the housing
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


DEFAULT_MATERIALS = ThermalMaterials()


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
    materials: ThermalMaterials = DEFAULT_MATERIALS  # frozen: one shared instance

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
    def n_comp(self) -> int:
        """Number of loss components the loss map reads (1 + the largest component index; 0 if none)."""
        return int(self.map_comp.max()) + 1 if self.map_comp.size else 0

    @cached_property
    def hot_active(self) -> bool:
        """Whether the hotspot estimate has an active-slot part (a "winding_active" node and hotspot
        conductances), see :func:`motoropt.thermal.lptn.hotspot`."""
        return "winding_active" in self.names and any(np.asarray(self.hot).tolist())

    @cached_property
    def _kn(self) -> tuple:
        """The network as the kernels take it (see the numba kernels section); computed once."""
        n = self.n
        c = self.coupling
        has_mag = "magnets" in self.names
        mag = self.names.index("magnets") if has_mag else 0
        T_lo = min((t for g, t in zip(self.g_b.tolist(), self.T_b.tolist()) if g > 0), default=0.0)
        cpl = np.array([c.alpha_cu_eff, c.T_ref_winding_c, c.alpha_br if c.enabled else 0.0, c.T_ref_magnet_c,
                        c.br_current_exponent, T_lo], dtype=np.float64)
        hot_mode = int(self.hot_active)
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
        mask = G != 0.0
        mask.reshape(-1)[:: n + 1] = True  # the diagonal (np.fill_diagonal's indexing, without its checks)
        vi, vj = i64(self.var_i), i64(self.var_j)
        mask[vi, vj] = True
        mask[vj, vi] = True
        pos, nb_ptr, nb_idx, slot, toff, tgt = _solver_pattern(mask, copper)
        pi, pj = pos[vi], pos[vj]
        es = np.empty((vi.size, 3), dtype=np.int64)  # speed-dependent edge -> value slots (off-diag, diag i, diag j)
        es[:, 0], es[:, 1], es[:, 2] = slot[pi, pj], pi, pj
        return (f64(self.C), G, f64(self.g_b), f64(self.T_b), vi, vj, f64(self.speed_grid), f64(self.G_var),
                i64(self.map_comp), i64(self.map_node), f64(self.map_frac), i64(self.map_kind), cpl,
                f64(np.asarray(self.hot).reshape(4)), ip, pos, nb_ptr, nb_idx, slot, toff, tgt, es)


_PATTERNS = Memo(256)  # (mask, last) bytes -> _solver_pattern's tables; a case's designs share a few patterns


def _solver_pattern(mask: np.ndarray, last: np.ndarray) -> tuple:
    """The sparse solver's elimination order and tables (pos, nb_ptr, nb_idx, slot, toff, tgt) of the
    symmetric pattern ``mask`` with the nodes ``last`` eliminated last (kernels._elimination_pattern,
    kernels._solver_tables). Remembered per pattern: it depends only on which nodes are coupled, which
    is the same for every design of a network topology. The arrays are shared: not to be written (left
    writeable: numba types read-only arrays apart, which would compile every solver kernel again)."""
    def make():
        pos, nb_ptr, nb_idx = _elimination_pattern(mask, last)
        return (pos, nb_ptr, nb_idx) + tuple(_solver_tables(pos, nb_ptr, nb_idx))

    return _PATTERNS.get((mask.shape[0], mask.tobytes(), last.tobytes()), make)


# ---- builder -------------------------------------------------------------------------------------


def _sym(G, i, j, g):
    G[i, j] += g
    G[j, i] += g


@dataclass(frozen=True)
class _Radii:
    """Radii (m) and lengths of the network's regions, from a ThermalGeometry."""

    L: float  # stack length
    so: float  # stator outer
    b: float  # bore
    yi: float  # yoke inner
    ro: float  # rotor outer
    ri: float  # rotor inner (lamination bore)
    sh: float  # shaft
    ho: float  # housing outer
    hi: float  # housing inner
    L_h: float  # housing length

    @classmethod
    def of(cls, geom: ThermalGeometry) -> _Radii:
        R_so = 0.5 * geom.stator_outer_diameter
        R_ho = 0.5 * geom.d_housing_out
        R_hi = R_ho - geom.housing_thickness
        if R_hi < R_so - 1e-9:
            raise InputError("thermal.housing_outer_diameter", geom.d_housing_out,
                             ">= stator_outer_diameter + 2 housing_thickness")
        return cls(L=geom.stack_length, so=R_so, b=0.5 * geom.bore_diameter, yi=R_so - geom.yoke_height,
                   ro=0.5 * geom.rotor_outer_diameter, ri=0.5 * geom.rotor_inner_diameter,
                   sh=0.5 * geom.shaft_diameter, ho=R_ho, hi=max(R_hi, R_so), L_h=geom.l_housing)


def _node_names(cooling: Cooling) -> tuple[list, dict]:
    """Node names: the base nodes plus the cooling circuits' (their indices in ``extra``)."""
    names = list(NODE_NAMES)
    extra = {}
    for key, name, present in (("jacket", "jacket_coolant", cooling.jacket), ("oil", "spray_oil", cooling.oil),
                               ("drip", "drip_oil", cooling.drip),
                               ("junction", "inverter_junction", cooling.inverter),
                               ("case", "inverter_case", cooling.inverter),
                               ("gap_air", "gap_air", cooling.direct_air),
                               ("slot_air", "slot_air", cooling.direct_air if cooling.direct_air is not None
                                and cooling.direct_air.channel_width > 0 else None)):
        if present is not None:
            extra[key] = len(names)
            names.append(name)
    return names, extra


def potted_end_winding_conductance(k_eq: float, k_pot: float, r_face: float, overhang: float, depth: float,
                                   t_pot: float) -> float:
    """Conductance (W/K) of one potted end winding to the housing (inner rotor) or hub (outer rotor):
    the bundle's half depth at its equivalent conductivity, then a potting layer of thickness t_pot
    (the radial space between the bundle and the housing/hub, taken as filled by the potting) over
    the bundle face A = 2 pi r_face overhang: series(k_eq A / (d / 2), k_pot A / t_pot). Stated
    approximations: radial path only (the axial face to the end cap is not counted), plane layers."""
    A = 2.0 * math.pi * r_face * overhang
    return cr.series(cr.slab_conductance(k_eq, A, 0.5 * depth), cr.slab_conductance(k_pot, A, t_pot))


@dataclass(frozen=True)
class GapSides:
    """The two surfaces of the air gap for the direct-air edges: node, conductance from the node to
    its gap surface (W/K) and that surface's area (m^2), stator then rotor; ``edge`` is the index of
    the speed-dependent edge across the gap that the air path replaces."""

    stator_node: int
    stator_half: float
    stator_area: float
    rotor_node: int
    rotor_half: float
    rotor_area: float
    edge: int = 0


def add_direct_air(G, g_b, T_b, C, var_i, var_j, speed_grid, G_var, cooling: Cooling, extra: dict, sides: GapSides,
                   k_eq: float):
    """Direct-air nodes and edges (:mod:`motoropt.thermal.air_cooling`): the gap air between the two gap
    surfaces (speed-dependent h, replacing the edge across the gap), the slot-channel air on the coil
    faces, each joined to the inlet by 2 m_dot c_p. Returns the extended (var_i, var_j, G_var)."""
    da = cooling.direct_air
    if da is None:
        return var_i, var_j, G_var
    rho, _, _, cp, _ = da.fluid
    fl = da.flows()
    ga = extra["gap_air"]
    G_var = np.array(G_var, dtype=float)
    G_var[:, sides.edge] = 0.0
    new = np.zeros((speed_grid.size, 2))
    for s, om in enumerate(speed_grid):
        h = da.gap_h(om)
        new[s, 0] = cr.series(sides.stator_half, h * sides.stator_area)
        new[s, 1] = cr.series(h * sides.rotor_area, sides.rotor_half)
    var_i = np.concatenate([var_i, np.array([sides.stator_node, ga], dtype=np.int64)])
    var_j = np.concatenate([var_j, np.array([ga, sides.rotor_node], dtype=np.int64)])
    G_var = np.concatenate([G_var, new], axis=1)
    g_b[ga] = 2.0 * fl["gap"]["m_dot"] * cp
    T_b[ga] = da.inlet_c
    C[ga] = rho * cp * da.paths[0].area * da.length
    if "slot_air" in extra:
        sa = extra["slot_air"]
        A_face = da.slots * 2.0 * da.slot_depth * da.length
        g_cond = 3.0 * k_eq * A_face / da.coil_side_width
        _sym(G, WINDING, sa, cr.series(g_cond, da.channel_h() * A_face))
        g_b[sa] = 2.0 * fl["slot"]["m_dot"] * cp
        T_b[sa] = da.inlet_c
        C[sa] = rho * cp * da.slots * da.paths[1].area * da.length
    return var_i, var_j, G_var


def _stator_edges(G, geom: ThermalGeometry, r: _Radii, k_air: float) -> dict:
    """Yoke-housing, teeth-yoke, winding-teeth/yoke and active-end winding conductances (module
    docstring); returns the conductances the speed edges and the hotspot reuse."""
    m, Q, d, w = geom.materials, geom.slots, geom.slot_depth, geom.slot_width
    # yoke <-> housing (yoke outer half, interface gap, housing inner half)
    g_yoke_out = cr.cylinder_half_conductance(r.yi, r.so, m.k_steel_radial, r.L, "outer")
    g_contact = cr.slab_conductance(k_air, 2 * math.pi * r.so * r.L, m.interface_gap_stator_housing)
    g_h_in = cr.cylinder_half_conductance(r.hi, r.ho, m.k_housing, r.L_h, "inner")
    _sym(G, YOKE, HOUSING, cr.series(g_yoke_out, g_contact, g_h_in))
    # teeth <-> yoke (tooth half-depth slab, yoke inner half-shell)
    g_tooth_half = cr.slab_conductance(m.k_steel_radial, Q * geom.tooth_width * r.L, 0.5 * d)
    g_yoke_in = cr.cylinder_half_conductance(r.yi, r.so, m.k_steel_radial, r.L, "inner")
    _sym(G, TEETH, YOKE, cr.series(g_tooth_half, g_yoke_in))
    # winding <-> teeth / yoke
    k_eq = cr.slot_equivalent_conductivity(geom.fill_factor, m.k_copper, m.k_resin)
    g_side_int = Q * 12.0 * k_eq * d * r.L / w
    g_side = cr.series(g_side_int, Q * 2.0 * m.k_liner * d * r.L / geom.liner_thickness)
    g_bot_int = Q * 3.0 * k_eq * w * r.L / d
    g_bot = cr.series(g_bot_int, Q * m.k_liner * w * r.L / geom.liner_thickness)
    _sym(G, WINDING, TEETH, g_side)
    _sym(G, WINDING, YOKE, cr.series(g_bot, g_yoke_in))
    # winding active <-> end windings (axial copper, centroid to centroid)
    g_ax = m.k_copper * geom.fill_factor * w * d * Q / (0.25 * r.L + 0.5 * geom.end_turn)
    _sym(G, WINDING, EW_FRONT, g_ax)
    _sym(G, WINDING, EW_REAR, g_ax)
    if m.potted_end_windings:  # the bundle's outer face (slot-bottom radius) to the housing bore
        g_pot = potted_end_winding_conductance(k_eq, m.k_resin, r.b + d, geom.end_winding_overhang, d,
                                               max(r.hi - r.b - d, 1e-4))
        _sym(G, EW_FRONT, HOUSING, g_pot)
        _sym(G, EW_REAR, HOUSING, g_pot)
    return {"tooth_half": g_tooth_half, "hot": (g_side_int, g_side, g_bot_int, cr.series(g_bot, g_yoke_in))}


def _rotor_edges(G, geom: ThermalGeometry, r: _Radii, k_air: float) -> tuple[int, float, float]:
    """Magnets (rotor heat body) - core - shaft - bearings - housing. Returns the node facing the
    air gap, its half conductance to the surface, and the shaft-to-bearing length."""
    m, L = geom.materials, r.L
    A_mag_face = geom.magnet_width * L * geom.n_magnets
    if geom.magnet_surface:
        g_mag = cr.series(cr.slab_conductance(m.k_magnet, A_mag_face, 0.5 * geom.magnet_thickness),
                          cr.slab_conductance(k_air, A_mag_face, m.interface_gap_magnet))
        R_core_o = r.ro - geom.magnet_thickness  # core outer radius under surface magnets
        g_core_out = cr.cylinder_half_conductance(r.ri, R_core_o, m.k_steel_radial, L, "outer")
        _sym(G, MAGNET, ROTOR, cr.series(g_mag, g_core_out))
        rotor_surface, g_surf_half = MAGNET, cr.slab_conductance(m.k_magnet, A_mag_face, 0.5 * geom.magnet_thickness)
    else:  # buried magnets: both faces in contact with the core lamination (2 x area)
        g_mag2 = cr.series(cr.slab_conductance(m.k_magnet, 2 * A_mag_face, 0.25 * geom.magnet_thickness),
                           cr.slab_conductance(k_air, 2 * A_mag_face, m.interface_gap_magnet))
        _sym(G, MAGNET, ROTOR, g_mag2)
        rotor_surface = ROTOR
        g_surf_half = cr.cylinder_half_conductance(r.ri, r.ro, m.k_steel_radial, L, "outer")
        R_core_o = r.ro
    g_core_in = cr.cylinder_half_conductance(r.ri, R_core_o, m.k_steel_radial, L, "inner")
    g_shrink = cr.slab_conductance(k_air, 2 * math.pi * r.ri * L, m.interface_gap_shaft)
    g_shaft_rad = 8.0 * math.pi * m.k_shaft * L  # solid cylinder, mean temperature to surface
    _sym(G, ROTOR, SHAFT, cr.series(g_core_in, g_shrink, g_shaft_rad))
    # shaft <-> bearings <-> housing
    l_b = geom.bearing_distance or geom.end_winding_overhang + 0.02
    g_shaft_ax = m.k_shaft * math.pi * r.sh**2 / (0.25 * L + l_b)
    D_bm = geom.bearing_mean_diameter or geom.shaft_diameter * 1.4
    g_brg_half = cr.slab_conductance(k_air, math.pi * D_bm * geom.bearing_width, 0.5 * m.bearing_equivalent_gap)
    for b in (BRG_FRONT, BRG_REAR):
        _sym(G, SHAFT, b, cr.series(g_shaft_ax, g_brg_half))
        _sym(G, b, HOUSING, g_brg_half)
    return rotor_surface, g_surf_half, l_b


def _end_winding_area(geom: ThermalGeometry) -> float:
    """Surface of one end winding, m^2 (inner, outer and end faces of the overhang)."""
    d, ov = geom.slot_depth, geom.end_winding_overhang
    D_sm = geom.bore_diameter + d
    return math.pi * geom.bore_diameter * ov + math.pi * (geom.bore_diameter + 2 * d) * ov + math.pi * D_sm * d


def _speed_edges(geom: ThermalGeometry, r: _Radii, rotor_surface: int, g_tooth_half: float, g_surf_half: float,
                 max_speed: float, n_speed: int):
    """Air-gap and end-space conductances tabulated over speed: (var_i, var_j, speed_grid, G_var)."""
    A_bore = 2 * math.pi * r.b * r.L
    A_rs = 2 * math.pi * r.ro * r.L
    ov = geom.end_winding_overhang
    A_ew = _end_winding_area(geom)
    A_cap = math.pi * r.hi**2 + 2 * math.pi * r.hi * max(0.5 * (r.L_h - r.L), ov)
    A_rend = math.pi * (r.ro**2 - r.ri**2)
    var_edges = [(TEETH, rotor_surface)]
    for air, ew in ((AIR_FRONT, EW_FRONT), (AIR_REAR, EW_REAR)):
        var_edges += [(air, ew), (air, HOUSING), (air, ROTOR)]
    speed_grid = np.linspace(0.0, max(max_speed, 1.0), n_speed)
    G_var = np.zeros((n_speed, len(var_edges)))
    h_g = cr.airgap_h_speeds(speed_grid, r.ro, geom.airgap)
    G_var[:, 0] = cr.series(g_tooth_half, h_g * A_bore, h_g * A_rs, g_surf_half)
    h_e = cr.end_space_h(speed_grid * r.ro)
    # columns 1..6: (end winding, end cap, rotor end) of the front, then the rear end space
    np.multiply(h_e[:, None], np.array([A_ew, A_cap, A_rend] * 2), out=G_var[:, 1:7])
    var_i, var_j = (np.array(side, dtype=np.int64) for side in zip(*var_edges))
    return var_i, var_j, speed_grid, G_var


def _cooling_boundaries(G, g_b, T_b, C, cooling: Cooling, geom: ThermalGeometry, r: _Radii, extra: dict) -> None:
    """Housing convection (natural, fins), jacket coolant, spray oil and inverter nodes."""
    A_h_out = 2 * math.pi * r.ho * r.L_h + 2 * math.pi * r.ho**2
    g_b[HOUSING] += cooling.natural.h(2 * r.ho) * A_h_out
    T_b[HOUSING] = cooling.natural.ambient_c
    if cooling.air is not None:
        g_fin = cooling.air.conductance(2 * r.ho, r.L_h)
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
        A_ew = _end_winding_area(geom)
        for ew in (EW_FRONT, EW_REAR):
            _sym(G, ew, o, oil.h * oil.wetted_fraction * A_ew)
        g_b[o] = 2.0 * oil.m_dot * cr.OIL_CP
        T_b[o] = oil.inlet_c
        C[o] = oil.holdup_mass * cr.OIL_CP
    if cooling.drip is not None:
        _drip_edges(G, g_b, T_b, C, cooling.drip, geom, r, extra["drip"])
    if cooling.inverter is not None:
        inv = cooling.inverter
        jn, cs = extra["junction"], extra["case"]
        _sym(G, jn, cs, 1.0 / inv.R_th_jc)
        g_b[cs] = 1.0 / inv.R_th_ch
        T_b[cs] = inv.coolant_c if inv.coolant_c is not None else (
            cooling.jacket.inlet_c if cooling.jacket is not None else cooling.natural.ambient_c)
        C[jn], C[cs] = inv.C_junction, inv.C_case


def end_space_wall(geom: ThermalGeometry) -> tuple[float, float]:
    """(inner housing area facing both end spaces, m^2; axial end-space length per side, m): the
    shell beyond the stack and both end caps."""
    r = _Radii.of(geom)
    w_es = max(0.5 * (r.L_h - r.L), geom.end_winding_overhang)
    return 2.0 * (2.0 * math.pi * r.hi * w_es + math.pi * r.hi**2), w_es


def _drip_edges(G, g_b, T_b, C, drip, geom: ThermalGeometry, r: _Radii, o: int) -> None:
    """Drip oil node ``o``: films on the end windings and the end-space walls (cooling.OilDrip)."""
    A_ew = _end_winding_area(geom)
    h_ew = drip.h(geom.end_winding_overhang, horizontal_cylinder=True)
    for ew in (EW_FRONT, EW_REAR):
        _sym(G, ew, o, h_ew * drip.wetted_fraction * A_ew)
    A_wall, w_es = end_space_wall(geom)
    _sym(G, HOUSING, o, drip.h(w_es, horizontal_cylinder=True) * drip.wall_wetted_fraction * A_wall)
    g_b[o] = 2.0 * drip.m_dot * cr.OIL_CP
    T_b[o] = drip.inlet_c
    C[o] = drip.holdup_mass * cr.OIL_CP


def _capacitances(C, geom: ThermalGeometry, r: _Radii, l_b: float) -> None:
    """Heat capacities of the base nodes, J/K."""
    m, L, l_et = geom.materials, r.L, geom.end_turn
    l_tot = L + 2 * l_et
    C[WINDING] = geom.copper_mass * L / l_tot * m.cp_copper
    C[EW_FRONT] = C[EW_REAR] = geom.copper_mass * l_et / l_tot * m.cp_copper
    C[YOKE] = geom.stator_yoke_mass * m.cp_steel
    C[TEETH] = geom.stator_teeth_mass * m.cp_steel
    C[ROTOR] = geom.rotor_core_mass * m.cp_steel
    C[MAGNET] = geom.magnet_mass * m.cp_magnet
    sh_len = geom.shaft_length or L + 2 * l_b + 0.06
    C[SHAFT] = m.rho_shaft * math.pi * r.sh**2 * sh_len * m.cp_shaft
    C[BRG_FRONT] = C[BRG_REAR] = geom.bearing_mass * m.cp_bearing
    hm = geom.housing_mass or m.rho_housing * (math.pi * (r.ho**2 - r.hi**2) * r.L_h
                                               + 2 * math.pi * r.ho**2 * geom.housing_thickness)
    C[HOUSING] = hm * m.cp_housing
    rho_air, _, _, cp_air, _ = cr.air_properties(60.0)
    v_end = math.pi * r.hi**2 * max(0.5 * (r.L_h - L), geom.end_winding_overhang)
    C[AIR_FRONT] = C[AIR_REAR] = rho_air * cp_air * v_end


def _loss_map(rotor_surface: int, cooling: Cooling, coupling: Coupling, extra: dict) -> list:
    """(loss component, node, fraction, coupling kind) of every loss share (module docstring)."""
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
    return lm


def build_network(geom: ThermalGeometry, cooling: Cooling | None = None, coupling: Coupling | None = None,
                  max_speed: float = 2000.0, n_speed: int = 41) -> ThermalNetwork:
    """Build the LPTN of ``geom`` with ``cooling`` (default natural convection only).

    Speed-dependent conductances (air gap, end spaces) are tabulated on ``n_speed`` points from 0
    to ``max_speed`` (rad/s mechanical) and interpolated linearly; speeds beyond are clipped.
    """
    cooling = cooling or Cooling()
    coupling = coupling or Coupling()
    names, extra = _node_names(cooling)
    n = len(names)
    G = np.zeros((n, n))
    g_b = np.zeros(n)
    T_b = np.zeros(n)
    C = np.zeros(n)
    r = _Radii.of(geom)
    k_air = cr.air_properties(80.0)[2]
    st = _stator_edges(G, geom, r, k_air)
    rotor_surface, g_surf_half, l_b = _rotor_edges(G, geom, r, k_air)
    var_i, var_j, speed_grid, G_var = _speed_edges(geom, r, rotor_surface, st["tooth_half"], g_surf_half,
                                                   max_speed, n_speed)
    _cooling_boundaries(G, g_b, T_b, C, cooling, geom, r, extra)
    sides = GapSides(TEETH, st["tooth_half"], 2 * math.pi * r.b * r.L, rotor_surface, g_surf_half,
                     2 * math.pi * r.ro * r.L)
    k_eq = cr.slot_equivalent_conductivity(geom.fill_factor, geom.materials.k_copper, geom.materials.k_resin)
    var_i, var_j, G_var = add_direct_air(G, g_b, T_b, C, var_i, var_j, speed_grid, G_var, cooling, extra, sides, k_eq)
    _capacitances(C, geom, r, l_b)
    lm = _loss_map(rotor_surface, cooling, coupling, extra)
    return ThermalNetwork(
        names=tuple(names), C=C, G=G, g_b=g_b, T_b=T_b, var_i=var_i, var_j=var_j,
        speed_grid=speed_grid, G_var=G_var,
        map_comp=np.array([e[0] for e in lm], dtype=np.int64),
        map_node=np.array([e[1] for e in lm], dtype=np.int64),
        map_frac=np.array([e[2] for e in lm], dtype=np.float64),
        map_kind=np.array([e[3] for e in lm], dtype=np.int64),
        hot=np.array(st["hot"]),
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
