"""Thermal stage of an evaluation: the design's LPTN, continuous and 30-s ratings, cycle
temperatures, demagnetisation and overspeed checks, returned as a :class:`~motoropt.results.StageResult`.

Called by the evaluation pipeline (:mod:`motoropt.evaluation.pipeline`) as
``thermal_evaluation(ev, spec)`` with the case's ``[thermal]`` spec (keys and defaults:
:mod:`motoropt.thermal.settings`; without the section every default applies, so every case gets
thermal KPIs: water-glycol jacket, 8 l/min, inlet at ``temperatures.coolant_c``, insulation class H).

Loss split (losses at the map's reference temperatures T_winding_c / T_magnet_c):
- copper: active / end by conductor length, L / (L + l_end) and l_end / (L + l_end), l_end the
  end-winding length per side per half turn (mean turn = 2 (L + l_end));
- iron: teeth / yoke from the drive model's per-region iron loss (solve_operating_points on a
  (speed, motoring torque / envelope) grid; cycle points use the teeth fraction interpolated on
  that grid at |T|). Generating points take the motoring split at the same |T| (clipped to the
  motoring envelope): the flux map's symmetry (psi_d even, psi_q odd in i_q) makes the iron's
  field at (i_d, -i_q) the mirror image of that at (i_d, i_q), so each region's iron loss is the
  same; the two points differ only through the drag torque (T_em = T + T_drag: |T_em| is smaller
  by 2 T_drag when generating), a shift of the split of the order of T_drag / T (approximation).
  The small rotor-surface (slot-ripple) iron loss of the PMSM models is lumped with the stator
  yoke here (approximation: a few % of the iron loss; iron_rotor receives only loss kinds whose
  name contains "rotor", except "rotor_copper", which heats the rotor heat body: the cage);
- magnet eddy loss on the magnets; mechanical: bearing loss T_b0 |w| + c_visc w^2 (the drive's own
  formula) on the bearings, the rest (windage) on the air-gap surfaces;
- no inverter node (the inverter issue owns its losses).
Coupling: copper rho(T) and magnet Br(T) as in lptn.py, with alpha_cu = conductor.alpha,
alpha_br = magnet.alpha_Br; the copper-loss/Br exponent n_br = 2 f_pm / (2 - f_pm) from the PM
share f_pm of the torque at half peak torque, low speed (holding T = a Br i + b i^2: the exact
small-signal exponent; 2 for an SPM, less for reluctance-assisted IPMs).

Ratings:
- continuous envelope: per speed, the largest motoring torque whose coupled steady state keeps the
  winding hotspot <= the insulation limit and the magnets <= their limit (lptn.continuous_rating);
  continuous_torque_nm is its value at the lowest grid speed (2 % of max speed), continuous_power_kw
  the maximum of T w over speed;
- peak_power_30s_kw: the maximum over speed of the torque sustainable for pulse_duration_s
  (lptn.pulse_rating, same limits) x speed, from the preload state above.
Demagnetisation (demag.py one-pole circuit, knee at knee_fraction x HcJ(T)): at the hottest magnet
temperature of admissible operation computed here (continuous steady states within the limits,
rated pulses, cycle transients), for (a) the most
negative i_d of the efficiency map (flux weakening up to the envelope) and (b) the peak i_d of a
three-phase short circuit from no load at the maximum speed (linear dq model with chord
inductances from the flux map). demag_margin = min of both, floored at DEMAG_MARGIN_FLOOR = -10
(a grade whose HcJ(T) has vanished gives -inf).
Rotor stress at overspeed_factor x max speed: the design's own check (:meth:`rotor_stress`: IPM
bridges + post and the disc bore; SPM sleeve and disc; cage disc and end rings, with the models of
:mod:`motoropt.mechanics`); rotor_stress_margin = min over the checks.

Magnet-free (cage, induction) rotors (design.magnet is None):
- network: the same LPTN; its "magnets" node stands for the CAGE (bars + both end rings): mass =
  cage mass, cp and k of the cage conductor, Q_r buried "magnets" of width = bar height and
  thickness = bar width (heat leaves each bar through its two side faces into the laminations,
  conduction over half the bar width), a 10 um contact layer (assumption: cast or swaged bars in
  intimate contact; the PM default 50 um glue layer does not apply). The "rotor_core" node is the
  laminations. The end rings' own convection to the end-space air is not modelled (conservative).
  Rotor copper loss (loss kind "rotor_copper") is put on the cage node; it stays at the model's
  reference rotor temperature T_rotor_c (its rise with the cage temperature is not coupled, nor is
  the Br coupling used: alpha_br = 0). The rotor-surface iron loss is lumped with the stator iron
  loss as for the PMSM. Bearing loss: T_b0 |w| with the circuit's Coulomb drag (no viscous term).
- limit: thermal.rotor_max_c (default 200 degC, a typical design limit for copper or die-cast
  aluminium cages: cage integrity/creep and the solder/braze joints, and the bearing and lamination
  insulation nearby; not a material property) replaces the magnet limit in the ratings.
- KPIs: rotor_limit_c, cycles.<name>.rotor_temperature_c_max (max of cage and lamination nodes);
  no demag KPIs (magnet-free).
- stress: laminated core as a plain disc (bore hoop stress, density = (lamination + bars in the
  stack) / disc volume, against rotor_steel.yield_strength) and the end ring (mechanics.py,
  end_ring_hoop_stress) against thermal.cage_yield_mpa (default by cage conductor: copper 200 MPa,
  half-hard/cold-worked Cu -- annealed copper is ~70 MPa, set it for brazed rings; aluminium 60
  MPa (EC grade, H1x temper); die-cast aluminium 40 MPa (unalloyed rotor casting alloys ~20-50
  MPa)); with [induction] end_ring_retainer_mm > 0 the ring is carried by a shrink-fitted Inconel 718
  hoop (mechanics.py retained_end_ring_stress).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from motoropt.constants import ENVELOPE_MARGIN, RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.jit import njit
from motoropt.results import StageResult
from motoropt.thermal.demag import demag_check, short_circuit_peak_id, stator_d_mmf
from motoropt.thermal.kernels import (
    _continuous_kernel,
    _first_not_below,
    _pulse_kernel,
    _run_dt,
    _steady_batch_kernel,
    _transient_kernel,
)
from motoropt.thermal.lptn import SteadyResult, hotspot
from motoropt.thermal.network import Coupling, ThermalGeometry, ThermalMaterials, build_network
from motoropt.thermal.nodes import LOSS_COMPONENTS, N_COMP
from motoropt.thermal.outer_rotor import build_outer_rotor_network, outer_thermal_geometry
from motoropt.thermal.settings import ThermalSettings, ThermalSpec, thermal_settings

C = {name: i for i, name in enumerate(LOSS_COMPONENTS)}

# numerical settings (documented in the report; not case keys)
N_SPEED_RATING = 13  # speeds of the continuous / pulse envelopes
N_TORQUE_GRID = 11   # motoring torque fractions 0..1 of the envelope per speed
LOW_SPEED_FRACTION = 0.02
# demag margins below this (down to -inf where the grade's linear HcJ(T) reaches 0) are reported as
# this value, so that an optimiser constraint stays finite
DEMAG_MARGIN_FLOOR = -10.0
CAGE_CONTACT_GAP = 10e-6  # m, cast or swaged cage bars in the laminations (module docstring)


# ---- design -> thermal geometry --------------------------------------------------------------------


def end_winding_overhang(design) -> float:
    """Axial overhang of the end winding per side, m: straight extension + radius of the
    semicircular end turn (half the coil span at mid-slot; the model of motoropt.windings)."""
    s, w = design.stator, design.winding
    span = w.coil_pitch * math.pi * (s.D_i + s.slot_depth) / s.Q
    return design.end_extension + 0.5 * span


def thermal_geometry(design, settings: ThermalSettings) -> ThermalGeometry:
    """Map a design onto a :class:`ThermalGeometry` (SI units). The network's "magnets" node is the
    design's rotor heat body (:meth:`MachineDesign.rotor_heat_body`: the magnets, or the cage)."""
    s = design.stator
    ms = design.masses()
    body = design.rotor_heat_body()
    extra = {}
    mat = {} if settings.k_resin is None else {"k_resin": settings.k_resin, "potted_end_windings": True}
    if body.conductivity is not None:
        mat.update(k_magnet=body.conductivity, cp_magnet=body.specific_heat,
                   interface_gap_magnet=body.interface_gap if body.interface_gap is not None else CAGE_CONTACT_GAP)
    if mat:
        extra["materials"] = ThermalMaterials(**mat)
    return ThermalGeometry(
        stator_outer_diameter=s.D_o, bore_diameter=s.D_i, stack_length=s.L, slots=s.Q,
        slot_depth=s.slot_depth, slot_width=0.5 * (s.slot_width_top + s.slot_width_bottom),
        tooth_width=s.tooth_width, yoke_height=s.yoke_height, fill_factor=design.fill_factor,
        copper_mass=ms["copper"], end_winding_overhang=end_winding_overhang(design), pole_pairs=design.p,
        airgap=design.air_gap, rotor_outer_diameter=design.rotor.D_r, rotor_inner_diameter=design.rotor.D_shaft,
        shaft_diameter=settings.shaft_diameter, magnet_mass=body.mass, magnet_thickness=body.thickness,
        magnet_width=body.width, n_magnets=body.count, rotor_core_mass=ms["rotor_core"],
        stator_teeth_mass=ms["stator_teeth"], stator_yoke_mass=ms["stator_yoke"],
        end_turn_length=design.end_winding_length, magnet_surface=body.surface, **extra, **settings.housing,
    )


def pm_torque_exponent(ev) -> float:
    """n_br = 2 f_pm / (2 - f_pm), f_pm = 1.5 p psi_pm i_q / T at T = half peak torque, lowest nonzero
    map speed; i_q linear in torque between the map's torque nodes (NaN, hence n_br = 2, if either
    neighbour is infeasible).

    Interpolated, not taken at the node nearest T_pk / 2: the motoring nodes are
    linspace(0, T_pk, n_m + 1) (drive.effmap.torque_axis), so for odd n_m half peak torque lies
    exactly midway between two nodes and "nearest" was decided by the last bit of the axis (a
    1e-13 N m tie that flipped with the CPU's rounding of the envelope: in aircooled_air_mobility
    n_br 1.8111 or 1.8149, the cycle's winding hotspot 504.56 or 504.35 degC)."""
    em = ev.emap
    fm = ev.fluxmap
    T = 0.5 * float(np.nanmax(em.torque_nm))
    col = 1 if em.speed_rpm.size > 1 else 0
    iq = float(np.interp(T, em.torque_nm, em.i_q[:, col]))  # ascending axis; a node's own value at a node
    if not (np.isfinite(iq) and T > 0):
        return 2.0
    f = min(max(float(1.5 * fm.pole_pairs * fm.psi_pm * iq / T), 0.0), 1.0)  # iq, T finite: np.clip's value
    return 2.0 * f / (2.0 - f)


def thermal_network(ev, settings: ThermalSettings):
    """The LPTN of an evaluation's design. Magnet-free rotors: no Br coupling (alpha_br = 0: Br
    factors 1), copper rho(T) of the stator winding only."""
    d = ev.design
    if d.magnet is None:
        cp = Coupling(alpha_cu=d.conductor.alpha, T_ref_winding_c=d.T_winding_c, alpha_br=0.0,
                      T_ref_magnet_c=d.T_rotor_c, br_current_exponent=0.0)
    else:
        cp = Coupling(alpha_cu=d.conductor.alpha, T_ref_winding_c=d.T_winding_c, alpha_br=d.magnet.alpha_Br,
                      T_ref_magnet_c=d.T_rotor_c, br_current_exponent=pm_torque_exponent(ev))
    if d.rotor_heat_body().rim is not None:  # an outer rotor: the inverted heat paths
        return build_outer_rotor_network(outer_thermal_geometry(d, settings), settings.cooling, cp,
                                         max_speed=d.speed_max, n_speed=25)
    return build_network(thermal_geometry(d, settings), settings.cooling, cp, max_speed=d.speed_max, n_speed=25)


# ---- loss split -------------------------------------------------------------------------------------


def _mech_split(ev, speed_rad_s, mechanical):
    """(bearings, windage) W of the mechanical loss (finite array) at speed_rad_s: the drive's bearing
    loss, capped at the mechanical loss, and the rest."""
    brg = np.minimum(ev.model.bearing_loss(speed_rad_s), mechanical)
    return brg, mechanical - brg


_FLOAT_MAX = float(np.finfo(np.float64).max)


def _finite(v) -> np.ndarray:
    """np.nan_to_num of a float array (NaN -> 0, +-inf -> +-max float; a new array), without its cost
    when all finite (then the array itself)."""
    a = np.asarray(v, dtype=float)
    if np.isfinite(a).all():
        return a
    out = np.where(np.isnan(a), 0.0, a)  # nan_to_num's values with fewer NumPy calls
    np.minimum(out, _FLOAT_MAX, out=out)
    np.maximum(out, -_FLOAT_MAX, out=out)
    return out


def split_losses(ev, speed_rad_s, losses: dict, teeth_fraction) -> np.ndarray:
    """Loss components (..., N_COMP) in the order of LOSS_COMPONENTS from the drive's loss kinds
    {kind: W array} (module docstring). Kinds beyond the PMSM's four: "rotor_copper" (a cage's
    loss) goes to the rotor heat body (the "magnets" node), other kinds naming the rotor to the
    rotor core, the rest to the stator teeth."""
    d = ev.design
    L, l_end = d.stator.L, d.end_winding_length
    a = L / (L + l_end)
    arr = {k: _finite(v) for k, v in losses.items()}
    shape = np.broadcast(*arr.values(), np.asarray(teeth_fraction)).shape
    out = np.zeros(shape + (N_COMP,))

    def kind(k):
        return arr[k] if k in arr else np.zeros(shape)

    cu, fe = kind("copper"), kind("iron")
    np.multiply(cu, a, out=out[..., C["copper_active"]])  # products written in place: no temporaries
    np.multiply(cu, 1.0 - a, out=out[..., C["copper_end"]])
    np.multiply(fe, teeth_fraction, out=out[..., C["iron_teeth"]])
    np.multiply(fe, 1.0 - teeth_fraction, out=out[..., C["iron_yoke"]])
    if "magnet" in arr:
        out[..., C["magnet"]] = arr["magnet"]
    brg, wind = _mech_split(ev, speed_rad_s, kind("mechanical"))
    out[..., C["mechanical_bearings"]] = brg
    out[..., C["windage"]] = wind
    for k, v in arr.items():
        if k not in ("copper", "iron", "magnet", "mechanical", "total"):
            comp = C["magnet"] if k == "rotor_copper" else (C["iron_rotor"] if "rotor" in k else C["iron_teeth"])
            out[..., comp] += v
    return out


@dataclass
class RatingGrid:
    """Operating points solved on speeds x motoring torque fractions of the envelope, and on the
    generating envelope's edge at each speed (for the flux-weakening i_d of the demag check)."""

    speed: np.ndarray  # (nS,) rad/s
    frac: np.ndarray  # (nF,) motoring torque / envelope, 0..1
    torque: np.ndarray  # (nF, nS) N m
    comp: np.ndarray  # (nF, nS, N_COMP) W, NaN where infeasible
    teeth_fraction: np.ndarray  # (nF, nS)
    i_d: np.ndarray  # (nF, nS) A
    # (nS,) A at the generating envelope x (1 - ENVELOPE_MARGIN); NaN where infeasible (above base speed the
    # envelope interpolated linearly between the map's speeds lies above the concave true one)
    i_d_generating: np.ndarray

    @cached_property
    def kernel_grids(self) -> tuple:
        """(torque (nS, nT) N m, components (n_comp, nT, nS) W), C-contiguous: the grid as the lptn
        rating kernels take it (computed once; not to be written)."""
        return (np.ascontiguousarray(self.torque.T, dtype=np.float64),
                np.ascontiguousarray(np.moveaxis(self.comp, -1, 0), dtype=np.float64))


def rating_grid(ev, n_speed: int = N_SPEED_RATING, n_torque: int = N_TORQUE_GRID) -> RatingGrid:
    """Solve the drive on speeds (2 % .. 100 % of max speed) x motoring torques (0..1 of the envelope)
    and at the generating envelope of each speed. The generating side's losses are not kept (its
    cycle points take the motoring iron split: module docstring); its i_d is, because the most
    negative i_d of operation can be a generating one (the demag check's flux-weakening case)."""
    d = ev.design
    sp = np.linspace(0.0, d.speed_max, n_speed)
    sp[0] = LOW_SPEED_FRACTION * d.speed_max
    env_m, env_g = ev.emap.envelope_at(sp / RPM_TO_RAD_S)
    f = np.linspace(0.0, 1.0, n_torque)
    shrink = 1.0 - ENVELOPE_MARGIN  # stay just inside the envelope
    T_all = np.empty((n_torque + 1, n_speed))
    np.multiply(f[:, None], env_m[None, :], out=T_all[:-1])
    np.negative(env_g, out=T_all[-1])
    T_all *= shrink
    W_all = np.broadcast_to(sp[None, :], T_all.shape)
    r = ev.model.solve_operating_points(W_all, T_all)
    ok_all = np.asarray(r["feasible"], dtype=bool)
    i_d_all = np.where(ok_all, r["i_d"], np.nan)
    ok, T, W = ok_all[:-1], T_all[:-1], W_all[:-1]
    reg = {k: v[:-1] for k, v in (r.get("iron_by_region") or {}).items()}
    tf = _teeth_share(reg, T.shape)
    # where the split is unknown (no region data, zero iron loss): the mean of the known ones, else
    # the teeth share of the core mass
    known = np.isfinite(tf)
    n_known = int(np.count_nonzero(known))
    if n_known:  # np.nanmean's arithmetic (NaN -> 0, sum, / count); tf is NaN or finite
        fill = float(np.sum(np.where(known, tf, 0.0)) / n_known)
    else:
        ms = d.masses()
        fill = ms["stator_teeth"] / ms["stator_core"]
    tf = np.where(known, tf, fill)
    comp = split_losses(ev, W, {k: r["p_" + k][:-1] for k in ev.model.loss_kinds}, tf)
    comp[~ok] = np.nan
    return RatingGrid(speed=sp, frac=f, torque=T, comp=comp, teeth_fraction=tf, i_d=i_d_all[:-1],
                      i_d_generating=i_d_all[-1])


def _teeth_share(reg: dict, shape) -> np.ndarray:
    """Teeth share of the iron loss from the per-region iron losses {region: W array}; NaN where the
    total is not positive or the regions are unknown (elsewhere finite: a share, 0..1, of a positive
    total of non-negative region losses)."""
    if "stator_teeth" not in reg:
        return np.full(shape, np.nan)
    tot = sum(reg.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, reg["stator_teeth"] / tot, np.nan)


def teeth_fraction_at(ev, grid: RatingGrid, speed_rpm, torque_nm) -> np.ndarray:
    """Teeth share of the iron loss at arbitrary points: bilinear on (speed, |torque| / motoring
    envelope), clipped to the grid (generating points mirrored: module docstring)."""
    s = np.asarray(speed_rpm, dtype=float)
    return _teeth_fraction(ev, grid, s, s * RPM_TO_RAD_S, torque_nm)


def _teeth_fraction(ev, grid: RatingGrid, s, w, torque_nm) -> np.ndarray:
    """:func:`teeth_fraction_at` at speeds s (rpm, float array) = w (rad/s)."""
    t = np.asarray(torque_nm, dtype=float)
    env_m, _ = ev.emap.envelope_at(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.abs(t) / np.where(env_m > 0, env_m, np.inf)
    u = np.minimum(np.maximum(_finite(u), 0.0), 1.0)  # np.clip's arithmetic, without its wrapper's cost
    w = np.minimum(np.maximum(w, grid.speed[0]), grid.speed[-1])
    return _bilinear(np.ascontiguousarray(grid.frac, dtype=np.float64), np.ascontiguousarray(grid.speed, dtype=np.float64),
                     np.ascontiguousarray(grid.teeth_fraction, dtype=np.float64), np.ascontiguousarray(u.ravel()),
                     np.ascontiguousarray(w.ravel()))


@njit(cache=True)
def _bilinear(xa, ya, Z, x, y):
    """Bilinear interpolation of Z (nx, ny) on the ascending axes xa, ya at points (x[k], y[k]) inside
    the grid (as scipy's RegularGridInterpolator, method "linear")."""
    nx, ny = xa.shape[0], ya.shape[0]
    out = np.empty(x.shape[0])
    for k in range(x.shape[0]):
        i = min(max(_first_not_below(xa, x[k]) - 1, 0), nx - 2)
        j = min(max(_first_not_below(ya, y[k]) - 1, 0), ny - 2)
        fx = (x[k] - xa[i]) / (xa[i + 1] - xa[i])
        fy = (y[k] - ya[j]) / (ya[j + 1] - ya[j])
        out[k] = ((1.0 - fx) * ((1.0 - fy) * Z[i, j] + fy * Z[i, j + 1])
                  + fx * ((1.0 - fy) * Z[i + 1, j] + fy * Z[i + 1, j + 1]))
    return out


# ---- ratings ----------------------------------------------------------------------------------------


@njit(cache=True)
def _components_at(tg, lg, torque):
    """(nS, n_comp) loss components at torque[s] per speed column s, linear in torque as np.interp
    (clamped at the grid ends; an exact grid torque takes that point's value; the same arithmetic,
    written out: numba's np.interp overload costs ~1.5 s of the first run's compilation)."""
    nS, nT, nc = tg.shape[0], tg.shape[1], lg.shape[0]
    out = np.empty((nS, nc))
    for s in range(nS):
        x = torque[s]
        j = _first_not_below(tg[s], x)  # tg[s, j - 1] < x <= tg[s, j]
        if j < nT and tg[s, j] == x:  # a grid torque (or beyond the right end: see below)
            for c in range(nc):
                out[s, c] = lg[c, j, s]
            continue
        j -= 1  # tg[s, j] < x < tg[s, j + 1]
        for c in range(nc):
            if not x == x:
                out[s, c] = np.nan
            elif j < 0:
                out[s, c] = lg[c, 0, s]
            elif j >= nT - 1:
                out[s, c] = lg[c, nT - 1, s]
            else:
                y0, y1 = lg[c, j, s], lg[c, j + 1, s]
                slope = (y1 - y0) / (tg[s, j + 1] - tg[s, j])
                v = slope * (x - tg[s, j]) + y0
                if math.isnan(v):  # numpy's fallback: from the other end, then the common value
                    v = slope * (x - tg[s, j + 1]) + y1
                    if math.isnan(v) and y0 == y1:
                        v = y0
                out[s, c] = v
    return out


def _steady_batch(net, speeds, comp):
    """Coupled steady states of component losses comp (m, n_comp) at speeds (m,), one kernel call:
    (T (m, n) degC, ok (m,) bool: False on thermal runaway, hotspot (m,) degC, magnet (m,) degC: NaN
    without a "magnets" node, iterations (m,))."""
    T, st, it, hot, _, _ = _steady_batch_kernel(net._kn, np.ascontiguousarray(speeds, dtype=np.float64),
                                                np.ascontiguousarray(comp), 1e-6, 100, 1000.0)
    mag = T[:, net.names.index("magnets")] if "magnets" in net.names else np.full(st.shape, math.nan)
    return T, st == 0, hot, mag, it


def _steady_states(net, speeds, comp) -> list:
    """Coupled steady states (SteadyResult, None on thermal runaway) of component losses comp
    (m, n_comp) at speeds (m,), one kernel call."""
    T, ok, hot, mag, it = _steady_batch(net, speeds, comp)
    return [SteadyResult(T=T[k], names=net.names, hotspot_c=h, magnet_c=m, iterations=i) if good else None
            for k, (good, h, m, i) in enumerate(zip(ok.tolist(), hot.tolist(), mag.tolist(), it.tolist()))]


def continuous_envelope(net, grid: RatingGrid, settings: ThermalSettings, tol: float = 0.5):
    """Continuous motoring torque per grid speed (N m; lptn.continuous_rating's search with each
    speed's own torque grid, one kernel call) and its steady states (list of SteadyResult|None)."""
    tg, lg = grid.kernel_grids
    tq = _continuous_kernel(net._kn, grid.speed, tg, lg, float(settings.T_winding_max),
                            float(settings.T_magnet_max), float(tol), 1e-6, 100, 1000.0)
    return tq, _steady_states(net, grid.speed, _components_at(tg, lg, tq))


def pulse_envelope(net, grid: RatingGrid, settings: ThermalSettings, T_cont, tol: float = 0.5):
    """Torque sustainable for settings.pulse_duration s per grid speed (N m), from the steady state at
    settings.pulse_preload x the continuous torque (lptn.pulse_rating's search, steps of
    duration / 30, one kernel call); and the hottest magnet temperature of each rated pulse (degC;
    None where the preload state itself is not admissible, the torque is then 0)."""
    tg, lg = grid.kernel_grids
    T0, ok, hot, mag, _ = _steady_batch(net, grid.speed,
                                        _components_at(tg, lg, settings.pulse_preload * np.asarray(T_cont, float)))
    active = ok & _admissible_arrays(hot, mag, settings)
    T0[~ok] = np.nan
    dt = max(settings.pulse_duration / 30.0, 1e-3)
    n_steps = max(1, int(round(settings.pulse_duration / dt)))
    out, mag_pk = _pulse_kernel(net._kn, grid.speed, tg, lg, T0, active, n_steps, dt,
                                float(settings.T_winding_max), float(settings.T_magnet_max), float(tol))
    return out, [m if a else None for a, m in zip(active.tolist(), mag_pk.tolist())]


def _admissible_arrays(hotspot_c, magnet_c, settings: ThermalSettings, slack: float = 0.5) -> np.ndarray:
    """Steady states (given by their hotspot and magnet temperatures, degC, arrays or scalars) within
    the winding and magnet limits (+ slack K for the rating search's tolerance)."""
    return (hotspot_c <= settings.T_winding_max + slack) & (magnet_c <= settings.T_magnet_max + slack)


def _admissible(st, settings: ThermalSettings, slack: float = 0.5) -> bool:
    """:func:`_admissible_arrays` of one steady state (a SteadyResult)."""
    return bool(_admissible_arrays(st.hotspot_c, st.magnet_c, settings, slack))


# ---- cycles -----------------------------------------------------------------------------------------


def cycle_components(ev, grid: RatingGrid, cyc) -> np.ndarray:
    """(n, N_COMP) loss components of a cycle's intervals (W, map reference temperatures)."""
    return cycles_components(ev, grid, [cyc])[0]


def cycles_components(ev, grid: RatingGrid, cycles: list) -> list:
    """:func:`cycle_components` of each cycle, from one look-up over all their intervals (pointwise,
    so each cycle's result is the same as from its own)."""
    if not cycles:
        return []
    rpm = np.asarray(np.concatenate([c.speed_rpm for c in cycles]), dtype=float)
    w = rpm * RPM_TO_RAD_S
    tf = _teeth_fraction(ev, grid, rpm, w, np.concatenate([c.torque_nm for c in cycles]))
    losses = {k: np.concatenate([c.losses[k] for c in cycles]) for k in cycles[0].losses}
    comp = split_losses(ev, w, losses, tf)
    ends = list(itertools.accumulate(c.speed_rpm.size for c in cycles))
    return [comp[a:b] for a, b in zip([0] + ends[:-1], ends)]


def cycle_transient(net, comp: np.ndarray, speed_rad_s: np.ndarray, dt_s: np.ndarray, T0_c: float):
    """Coupled backward-Euler transient over a cycle (runs of equal dt chained; one kernel call),
    starting with every node at T0_c. Returns (T (n+1, nodes), hotspot (n+1,), P_used (n, nodes),
    Q_out (n,), dt (n,))."""
    # the kernels' argument types as compiled and listed in the kernel manifest: dt writable (a copy:
    # a cycle's arrays are shared read-only ones), speeds a read-only broadcast view
    dt_s = np.array(dt_s, dtype=float)
    if not (dt_s > 0).all():
        raise InputError("dt", dt_s, "> 0")
    P = np.ascontiguousarray(comp, dtype=np.float64).reshape(dt_s.size, -1)
    if P.shape[1] < net.n_comp:
        raise InputError("losses", P.shape, f"(n_steps, >= {net.n_comp})")
    sp = np.ascontiguousarray(np.broadcast_to(np.asarray(speed_rad_s, dtype=np.float64), dt_s.shape))
    T, Pu, Qo = _transient_kernel(net._kn, sp, P, np.full(net.n, float(T0_c)), _run_dt(dt_s))
    return T, hotspot(net, T), Pu, Qo, dt_s


# ---- demagnetisation and stress ---------------------------------------------------------------------


def chord_inductances(fm):
    """(L_d, L_q) chord inductances, H: L_d = (psi_pm - psi_d(i_d,min, 0)) / |i_d,min|,
    L_q = psi_q(0, i_q,max) / i_q,max, psi_q linear in i_d between the flux map's nodes (its end value
    if i_d = 0 is outside the axis). Not the node nearest i_d = 0: the shipped maps' i_d axes have
    nodes at +-h/2 around 0, and which of the two was "nearest" (psi_q 1-3 % apart) was decided by
    the last bit of the axis."""
    psi_pm = fm.psi_pm
    L_d = (psi_pm - float(fm.psi_d[0, 0])) / abs(float(fm.i_d[0]))
    L_q = float(np.interp(0.0, fm.i_d, fm.psi_q[:, -1])) / float(fm.i_q[-1])
    return L_d, L_q


def demag_assessment(ev, T_magnet_c: float, settings: ThermalSettings, i_d_fw: float) -> dict:
    """Demag margins (field weakening and short circuit) at magnet temperature T_magnet_c."""
    d = ev.design
    mg, r, s = d.magnet, d.rotor, d.stator
    fm = ev.fluxmap
    mec = d.mec_inputs(fm.T_magnet_c)  # its geometry (the flux map's inputs: remembered), not its Br
    g_eff = mec.g_eff  # Carter-corrected gap (SPM: incl. sleeve; the magnet's h_m/mu_r is in the circuit)
    r_gap = mec.r_gap  # mid-gap radius (inner or outer rotor)
    A_g = r.pole_arc_ratio * math.pi * r_gap / d.p * s.L
    k_a = r.magnet_area_per_pole / A_g
    L_d, L_q = chord_inductances(fm)
    R_hot = d.R_s_20 * (1.0 + d.conductor.alpha * (d.T_winding_c - 20.0))
    psi_pm = fm.psi_pm
    i_sc, _ = short_circuit_peak_id(psi_pm, L_d, L_q, R_hot, d.p * d.speed_max)
    out = {"L_d_h": L_d, "L_q_h": L_q, "psi_pm_wb": psi_pm, "i_d_fw_a": i_d_fw, "i_d_short_circuit_a": i_sc}
    for tag, i_d in (("fw", i_d_fw), ("short_circuit", i_sc)):
        F = stator_d_mmf(min(i_d, 0.0), d.N_ph, float(d.winding.k_w1), d.p)
        if float(mg.Br(T_magnet_c)) <= 0.0:  # beyond the linear model's range (runaway temperatures)
            out[f"margin_{tag}"], out[f"H_m_{tag}"], out["H_knee"] = -math.inf, -math.inf, 0.0
            continue
        c = demag_check(mg.Br_20, mg.alpha_Br, mg.HcJ_20, mg.alpha_HcJ, T_magnet_c, mg.mu_r, r.magnet_thickness,
                        g_eff, k_a, F, knee_factor=mg.knee_fraction, corner_factor=settings.corner_factor)
        out[f"margin_{tag}"] = c["margin"]
        out[f"H_m_{tag}"] = c["H_m"]
        out["H_knee"] = c["H_knee"]
    out["margin"] = min(out["margin_fw"], out["margin_short_circuit"])
    return out


# ---- the hook ---------------------------------------------------------------------------------------


def thermal_evaluation(ev, spec: ThermalSpec | None = None) -> StageResult:
    """Thermal KPIs and arrays of an evaluation (see module docstring); ``spec`` is the case's
    validated ``[thermal]`` section (None: every default)."""
    t_start = time.perf_counter()
    d = ev.design
    settings = thermal_settings(d, spec)
    net = thermal_network(ev, settings)
    grid = rating_grid(ev)
    res = StageResult()
    k, tm = res.kpis, res.timings

    t0 = time.perf_counter()
    T_cont, states = continuous_envelope(net, grid, settings)
    tm["thermal_continuous_s"] = time.perf_counter() - t0
    P_cont = T_cont * grid.speed
    i_best = int(np.argmax(P_cont))
    t0 = time.perf_counter()
    T_pulse, pulse_mag = pulse_envelope(net, grid, settings, T_cont)
    tm["thermal_pulse_s"] = time.perf_counter() - t0
    P_pulse = T_pulse * grid.speed
    # magnet temperatures of admissible operation: continuous states within the limits (at speeds
    # where even no load overheats, the rating is 0 and that state is not an operating state) and
    # the rated pulses; the cycle transients are added below
    mags = [st.magnet_c for st in states if st is not None and _admissible(st, settings)]
    mags += [m for m in pulse_mag if m is not None]
    k["continuous_max_speed_rpm"] = float(grid.speed[T_cont > 0].max() / RPM_TO_RAD_S) if np.any(T_cont > 0) else 0.0

    magnet_free = d.magnet is None
    k["thermal_cooling"] = settings.cooling_type
    k["winding_limit_c"] = settings.T_winding_max
    k["rotor_limit_c" if magnet_free else "magnet_limit_c"] = settings.T_magnet_max
    k["continuous_torque_nm"] = float(T_cont[0])
    k["continuous_power_kw"] = float(P_cont[i_best]) / 1e3
    k["continuous_power_speed_rpm"] = float(grid.speed[i_best] / RPM_TO_RAD_S)
    k["peak_power_30s_kw"] = float(P_pulse.max()) / 1e3
    k["pulse_duration_s"] = settings.pulse_duration
    if settings.cooling.direct_air is not None:
        k.update(settings.cooling.direct_air.summary())
    res.series.update(continuous_speed_rpm=grid.speed / RPM_TO_RAD_S, continuous_torque_nm=T_cont,
                      pulse_torque_nm=T_pulse)

    comps = cycles_components(ev, grid, list(ev.cycles.values()))
    for (name, cyc), comp in zip(ev.cycles.items(), comps):
        t0 = time.perf_counter()
        T, hot, _, _, _ = cycle_transient(net, comp, cyc.speed_rpm * RPM_TO_RAD_S, cyc.dt_s, settings.coolant_c)
        tm[f"thermal_cycle_{name}_s"] = time.perf_counter() - t0
        mag = T[:, net.index("magnets")]
        arrays = res.cycle_arrays.setdefault(name, {})
        ck = res.cycle_kpis.setdefault(name, {})
        arrays["T_winding_c"] = hot[1:]
        ck["winding_hotspot_c_max"] = float(hot.max())
        if magnet_free:  # the "magnets" node is the cage; rotor temperature = hotter of cage and laminations
            rot = np.maximum(mag, T[:, net.index("rotor_core")])
            arrays["T_rotor_c"] = rot[1:]
            ck["rotor_temperature_c_max"] = float(rot.max())
            continue
        arrays["T_magnet_c"] = mag[1:]
        ck["magnet_temperature_c_max"] = float(mag.max())
        mags.append(ck["magnet_temperature_c_max"])

    rs = d.rotor_stress(settings.stress)
    k["rotor_stress_margin"] = float(rs["margin"])
    for key, v in rs.items():
        if key != "margin":
            k[f"rotor_{key}"] = float(v)
    if not magnet_free:
        _demag_kpis(ev, grid, settings, max(mags) if mags else d.T_magnet_c, k)
    tm["thermal_internal_s"] = time.perf_counter() - t_start
    return res


def _demag_kpis(ev, grid: RatingGrid, settings: ThermalSettings, T_hot: float, k: dict) -> None:
    """Demagnetisation KPIs at the hottest computed magnet temperature T_hot (degC)."""
    i_d_map = np.where(ev.emap.feasible, ev.emap.i_d, np.nan)
    i_d_grid = np.concatenate([grid.i_d.ravel(), grid.i_d_generating])
    i_d_fw = float(min(np.nanmin(i_d_map), np.nanmin(i_d_grid))) if np.any(np.isfinite(i_d_map)) else 0.0
    dm = demag_assessment(ev, T_hot, settings, i_d_fw)
    k["demag_margin"] = max(float(dm["margin"]), DEMAG_MARGIN_FLOOR)
    k["demag_margin_flux_weakening"] = max(float(dm["margin_fw"]), DEMAG_MARGIN_FLOOR)
    k["demag_margin_short_circuit"] = max(float(dm["margin_short_circuit"]), DEMAG_MARGIN_FLOOR)
    k["demag_magnet_temperature_c"] = float(T_hot)
    k["short_circuit_peak_id_a"] = float(dm["i_d_short_circuit_a"])
