"""Efficiency map over a torque-speed grid (motoring and generating) and loss look-up for cycles.

The map is a machine model's operating-point solver (:class:`motoropt.machines.base.MachineModel`:
the PMSM's drive kernel, the induction machine's slip control, ...) evaluated on a rectangular grid
of mechanical speed (0 .. speed_max) x shaft torque (-T_gen,max .. +T_mot,max), all points in one call.
Efficiency: motoring P_mech / P_elec, generating P_elec / P_mech (= |P_elec| / |P_mech|); NaN
outside the envelope. Losses are kept per kind so that cycle energy can be integrated from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from motoropt.constants import ENVELOPE_MARGIN, RPM_TO_RAD_S
from motoropt.drive.control import CURRENT_LIMIT, POWER_LIMIT, VOLTAGE_LIMIT
from motoropt.errors import InputError
from motoropt.jit import njit

if TYPE_CHECKING:
    from motoropt.machines.base import MachineModel


@dataclass(frozen=True)
class EfficiencyMap:
    """Efficiency map on a (torque, speed) grid; 2-D arrays have shape (n_torque, n_speed).

    Attributes:
        speed_rpm: (n_speed,) mechanical speed axis, rpm, from 0.
        torque_nm: (n_torque,) shaft torque axis, N m (negative = generating).
        efficiency: fraction, NaN outside the envelope.
        losses: {kind: W} for the model's loss kinds (PMSM: copper, iron, magnet, mechanical) and
            "total" (NaN outside).
        i_d, i_q: A peak. voltage_ll_rms: V. power_factor (signed). p_mech, p_elec: W.
        feasible: bool mask; reason: drive reason codes (0 ok, 1 current, 2 voltage, 3 speed, 4 power).
        envelope_speed_rpm, envelope_motoring_nm, envelope_generating_nm: envelope on a finer speed
            axis (magnitudes, N m).
        model: the machine model (used to solve points near the envelope edge exactly).
        connection: with a winding changeover, the connection (0/1) that runs each point, else None.
        envelope_motoring_unlimited_nm: the motoring envelope without the drive's power limit
            (None: the model has no such limit).
    """

    speed_rpm: np.ndarray
    torque_nm: np.ndarray
    efficiency: np.ndarray
    losses: dict
    i_d: np.ndarray
    i_q: np.ndarray
    voltage_ll_rms: np.ndarray
    power_factor: np.ndarray
    p_mech: np.ndarray
    p_elec: np.ndarray
    feasible: np.ndarray
    reason: np.ndarray
    envelope_speed_rpm: np.ndarray
    envelope_motoring_nm: np.ndarray
    envelope_generating_nm: np.ndarray
    model: MachineModel
    connection: np.ndarray | None = None
    envelope_motoring_unlimited_nm: np.ndarray | None = None

    def envelope_at(self, speed_rpm):
        """(motoring max, generating max magnitude) in N m at the given speeds, linear interpolation."""
        s = np.asarray(speed_rpm, dtype=float)
        return (np.interp(s, self.envelope_speed_rpm, self.envelope_motoring_nm),
                np.interp(s, self.envelope_speed_rpm, self.envelope_generating_nm))

    def envelope_bound(self, speed_rpm):
        """(motoring, generating magnitude) upper bounds, N m, of the envelope at the given speeds:
        the larger of the envelope's two nodes around each speed, raised by ENVELOPE_RISE times the
        speed step over the axis' top speed.

        Assumption (checked against an 801-speed envelope in the tests): the envelope does not rise
        within a speed step by more than that. The voltage and power limits only lower it as speed
        rises; at the current limit, the loss torque (iron, friction, windage) adds to the
        generating shaft torque and raises it, by a fraction of the torque over the speed range
        (0.6 % over a seventh of it on the test IPM). Beyond the axis, the last step's bound."""
        s = np.asarray(speed_rpm, dtype=float)
        ws = self.envelope_speed_rpm
        # the speed cell k of each speed, clamped to 0 .. len(ws) - 2: searchsorted(ws, s, "right") - 1,
        # clamped, is the count of inner nodes ws[1:-1] <= s
        k = np.searchsorted(ws[1:-1], s, side="right")
        m, g = self.envelope_motoring_nm, self.envelope_generating_nm
        f = 1.0 + ENVELOPE_RISE * (ws[1:] - ws[:-1]) / ws[-1]  # per cell
        return (np.maximum(m[:-1], m[1:]) * f)[k], (np.maximum(g[:-1], g[1:]) * f)[k]


ENVELOPE_RISE = 0.1  # bound on the envelope's rise over the speed range, a fraction of it (envelope_bound)
DEMAND_WEIGHT = 0.5  # share of the torque axis' node density that follows the cycles' demand (torque_axis)


def torque_axis(t_gen: float, t_mot: float, n: int, demand=None) -> np.ndarray:
    """The map's torque axis, N m: n nodes from -t_gen to t_mot with one node at T = 0, the rest
    on each side in proportion to its range (at least one node beyond zero on a side with a
    positive range): evenly spread, or, given the drive cycles' ``demand`` (torque N m, weight s:
    the time at each torque), at equal steps of the side's mixed distribution function
    F(|T|) = (1 - DEMAND_WEIGHT) |T| / T_max + DEMAND_WEIGHT F_demand(|T|), F_demand the
    time-weighted distribution of the cycle points on that side (clipped to T_max).

    A node at zero torque matters: a loss-minimising drive's losses are not smooth there (the
    induction machine's optimal flux makes them ~|T|, a PM machine's no-load iron loss is the
    floor of a parabola), so a cell straddling T = 0 interpolates the losses of the light-load
    points, where drive cycles spend most of their time, from nodes at +-T_max/n.
    The demand puts nodes where the cycles spend their time: the cycle losses are interpolated
    between nodes, and the losses bend most at light load in field weakening (car cycles) or
    around the hover torque (air-mobility missions), where no fixed spacing suits both. The even
    half keeps every cell at most 2 T_max / m wide (m cells on the side). Measured on 20 random
    designs per optimisation case, optimiser grid against the case's even 50 x 50 or 40 x 40
    (benchmarks/bench_accuracy.py), largest cycle efficiency error even -> by the cycles:
    prius_opt 0.144 -> 0.028 points (HWFET; hotspot 0.48 -> 0.09 K), im_eaxle 0.198 -> 0.046
    (2.6 -> 0.9 K), dyfree_eaxle_150kw 0.093 -> 0.055, multipole_car_eaxle 0.073 -> 0.033,
    air_mobility_geared 0.026 -> 0.007; aircooled_air_mobility_outer 0.019 -> 0.027 and its
    hotspot 0.50 -> 1.00 K (it keeps the even axis). DEMAND_WEIGHT = 0.5 is the first value tried,
    not fitted. Selected by the case's ``[map] torque_nodes`` (or ``[optimization]
    map_torque_nodes``); the evaluation passes the demand of the design's cycles.
    """
    t_gen, t_mot = max(float(t_gen), 0.0), max(float(t_mot), 0.0)
    if n < 3 or t_gen <= 0 or t_mot <= 0:
        return np.linspace(-t_gen, t_mot, n)
    n_m = min(max(int(round((n - 1) * t_mot / (t_mot + t_gen))), 1), n - 2)
    n_g = n - 1 - n_m
    T_d = w_d = np.empty(0)
    if demand is not None:
        T_d, w_d = (np.asarray(a, dtype=float).ravel() for a in demand)
        ok = np.isfinite(T_d) & np.isfinite(w_d) & (w_d > 0)  # points that carry demand
        T_d, w_d = T_d[ok], w_d[ok]
    pos, neg = T_d > 0, T_d < 0
    mot = _side_nodes(t_mot, n_m, T_d[pos], w_d[pos])
    gen = _side_nodes(t_gen, n_g, -T_d[neg], w_d[neg])
    return np.concatenate([0.0 - gen[::-1], mot[1:]])  # 0.0 - x: +0.0 at zero


def _side_nodes(t_max: float, m: int, T, w) -> np.ndarray:
    """m + 1 nodes 0 .. t_max at equal steps of the mixed distribution function of torque_axis
    (evenly spaced without demand on this side). T > 0 (N m) and w > 0 (s): the side's demand,
    finite (torque_axis filters it). The demand's distribution is first spread over
    +-t_max / m around each point (a box of two even cells), so that a cycle holding one torque
    (a constant braking torque, a hover) draws nodes to it without stacking them: the cells stay
    wider than ~4 t_max / m^2."""
    if T.size == 0 or m < 2:
        return np.linspace(0.0, t_max, m + 1)
    fine = 64  # fine cells per even cell: the mixed function is inverted on this grid
    n_f = fine * m
    # fine cell of each point, torques above t_max in the top one
    bins = np.minimum(T * (n_f / t_max), n_f - 1).astype(np.int64)
    mass = np.bincount(bins, weights=w, minlength=n_f)
    # +-1 even cell: the box sum of np.convolve(mass, ones(2 fine + 1), "same") from the running sum
    # (0.2 ms -> 0.02 ms; the same sums, exactly so for the 1 s weights of the shipped cycles)
    c = np.zeros(n_f + 1)
    np.cumsum(mass, out=c[1:])
    i = np.arange(n_f)
    mass = np.maximum(c[np.minimum(i + fine + 1, n_f)] - c[np.maximum(i - fine, 0)], 0.0)
    f_dem = np.zeros(n_f + 1)
    np.cumsum(mass, out=f_dem[1:])
    f_dem /= mass.sum()
    t = np.linspace(0.0, t_max, n_f + 1)
    F = (1.0 - DEMAND_WEIGHT) * t / t_max + DEMAND_WEIGHT * f_dem  # strictly increasing
    nodes = np.interp(np.linspace(0.0, 1.0, m + 1), F, t)
    nodes[0], nodes[-1] = 0.0, t_max
    return nodes


def efficiency_map(model: MachineModel, n_speed: int = 50, n_torque: int = 50, speed_max=None,
                   strategy: str = "min_loss", n_envelope: int | None = None,
                   torque_demand=None) -> EfficiencyMap:
    """Evaluate the machine on an n_torque x n_speed grid.

    Args:
        speed_max: top of the speed axis, rad/s (default: limits.speed_max).
        strategy: passed to the model's solver (PMSM: "min_loss" or "mtpa").
        n_envelope: speeds of the envelope axis (default: the map's own speed axis).
        torque_demand: (torque N m, weight s) of the drive cycles' points the map will serve, or
            None: places the torque nodes (:func:`torque_axis`).
    The torque axis runs from the largest generating torque magnitude (negative) to the largest
    motoring torque over all speeds, each times 1 - ENVELOPE_MARGIN (1e-6), with a node at zero
    torque (:func:`torque_axis`). Grid points above the envelope at their speed (by more than
    1e-9 relative) are marked infeasible without a solve (reason: current limit where the envelope
    equals its standstill value, else voltage limit); the rest go through the point solver.
    """
    for field, v in (("n_speed", n_speed), ("n_torque", n_torque)):
        if int(v) != v or v < 2:
            raise InputError(f"efficiency_map.{field}", v, "an integer >= 2")
    w_max = model.limits.speed_max if speed_max is None else float(speed_max)
    if not (np.isfinite(w_max) and 0 < w_max <= model.limits.speed_max * (1 + 1e-12)):
        raise InputError("efficiency_map.speed_max", speed_max, f"in (0, {model.limits.speed_max}] rad/s")
    speeds = np.linspace(0.0, w_max, int(n_speed))
    env_speeds = speeds if n_envelope is None else np.linspace(0.0, w_max, int(n_envelope))
    env = model.envelope(env_speeds)
    t_mot = float(np.fmax.reduce(env["torque_motoring"]))  # np.nanmax without its Python wrapper
    t_gen = float(np.fmax.reduce(env["torque_generating"]))
    torques = torque_axis(t_gen * (1.0 - ENVELOPE_MARGIN), t_mot * (1.0 - ENVELOPE_MARGIN), int(n_torque),
                          torque_demand)
    W, T = speeds[None, :], torques[:, None]  # (n_torque, n_speed) by broadcasting
    shape = (torques.size, speeds.size)
    em = np.interp(speeds, env_speeds, env["torque_motoring"])[None, :]
    eg = np.interp(speeds, env_speeds, env["torque_generating"])[None, :]
    above = (T > em * (1 + 1e-9)) | (-T > eg * (1 + 1e-9))
    solve = ~above
    jj, ii = np.nonzero(solve)  # row-major, the order of a boolean index
    rs = model.solve_operating_points(speeds[ii], torques[jj], strategy=strategy)
    ok = rs["feasible"]
    feas = np.zeros(shape, dtype=bool)
    feas[solve] = ok
    reason = np.zeros(shape, dtype=rs["reason"].dtype)
    reason[solve] = rs["reason"]
    cur = np.where(T > 0, em >= env["torque_motoring"][0] * (1 - 1e-9), eg >= env["torque_generating"][0] * (1 - 1e-9))
    reason[above] = np.where(cur[above], CURRENT_LIMIT, VOLTAGE_LIMIT)
    p_max = getattr(model.limits, "p_max", None)
    if p_max is not None:
        reason[above & (np.abs(T) * W > p_max * (1 + 1e-9))] = POWER_LIMIT
    # the grids kept, NaN where infeasible (unsolved or rejected), filled in one indexing
    keys = tuple("p_" + k for k in model.loss_kinds) + _MAP_GRIDS
    grids = np.full((len(keys),) + shape, np.nan)
    grids[:, feas] = np.array([rs[k] for k in keys])[:, ok]
    g = dict(zip(keys, grids))
    losses = {k: g["p_" + k] for k in model.loss_kinds}
    losses["total"] = sum(losses[k] for k in model.loss_kinds)
    connection = None
    if "connection" in rs:
        connection = np.full(shape, -1, dtype=rs["connection"].dtype)
        connection[feas] = rs["connection"][ok]
    speed_rpm = speeds / RPM_TO_RAD_S
    return EfficiencyMap(
        speed_rpm=speed_rpm, torque_nm=torques, efficiency=g["efficiency"], losses=losses,
        i_d=g["i_d"], i_q=g["i_q"], voltage_ll_rms=g["v_ll_rms"], power_factor=g["power_factor"],
        p_mech=g["p_mech"], p_elec=g["p_elec"], feasible=feas, reason=reason,
        envelope_speed_rpm=speed_rpm if env_speeds is speeds else env_speeds / RPM_TO_RAD_S,
        envelope_motoring_nm=env["torque_motoring"], envelope_generating_nm=env["torque_generating"], model=model,
        connection=connection, envelope_motoring_unlimited_nm=env.get("torque_motoring_unlimited"),
    )


_MAP_GRIDS = ("efficiency", "i_d", "i_q", "v_ll_rms", "power_factor", "p_mech", "p_elec")  # besides the losses


@dataclass(frozen=True)
class MapCells:
    """Where points (speed, torque) fall on a map's grid: cell indices i (speed), j (torque), the
    fractions u, v in the cell, ``ok`` = all four corner nodes feasible and both speed columns'
    torque cells cubic (:func:`cubic_cells`: no Hermite slope falls back to the secant), and the
    map's torque axis (N m) for the cubic interpolation along torque."""

    i: np.ndarray
    j: np.ndarray
    u: np.ndarray
    v: np.ndarray
    ok: np.ndarray
    torque_nm: np.ndarray | None = None

    def interpolate(self, G: np.ndarray) -> np.ndarray:
        """Interpolation of the (n_torque, n_speed) grid G at the points: linear in speed, cubic
        Hermite in torque (:func:`torque_slopes`; bilinear without a torque axis). G may carry
        leading axes (several grids at once, e.g. each loss kind): the result has them too."""
        i, j, u, v = self.i, self.j, self.u, self.v
        if self.torque_nm is None or len(self.torque_nm) < 3:
            return ((1 - v) * ((1 - u) * G[..., j, i] + u * G[..., j, i + 1])
                    + v * ((1 - u) * G[..., j + 1, i] + u * G[..., j + 1, i + 1]))
        s_lo, s_hi = torque_slopes(self.torque_nm, G)
        out = _hermite_kernel(_flat_grids(G), _flat_grids(s_lo), _flat_grids(s_hi),
                              np.ascontiguousarray(self.torque_nm, dtype=np.float64), G.shape[-1], i, j, u, v)
        return out.reshape(G.shape[:-2] + i.shape)


def _flat_grids(a: np.ndarray) -> np.ndarray:
    """Grids (..., rows, columns) as a C-contiguous float array (grids, rows x columns)."""
    return np.ascontiguousarray(a, dtype=np.float64).reshape((-1, a.shape[-2] * a.shape[-1]))


@njit(cache=True)
def _hermite_kernel(G, lo, hi, tq, n_s, i, j, u, v):
    """:meth:`MapCells.interpolate`'s cubic path: grids G (m, n_torque n_speed) and slopes lo, hi
    (m, (n_torque - 1) n_speed), flattened over (torque, speed), at the points' cells (i, j) and
    fractions (u, v); (m, n points). Node (j, i) and cell row j of the slopes share the flat index
    j n_s + i. The operations and their order are those of the numpy form it replaced, so the
    values are the same bit for bit."""
    m, n = G.shape[0], i.shape[0]
    out = np.empty((m, n))
    for p in range(n):
        uu, vv = u[p], v[p]
        h = tq[j[p] + 1] - tq[j[p]]
        w = 1 - vv
        h00, h10 = (1 + 2 * vv) * (w * w), vv * (w * w) * h
        h01, h11 = vv * vv * (3 - 2 * vv), vv * vv * (vv - 1) * h
        a, b = 1 - uu, uu
        k = j[p] * n_s + i[p]
        for c in range(m):
            acc = G[c, k] * (a * h00)
            acc += G[c, k + 1] * (b * h00)
            acc += G[c, k + n_s] * (a * h01)
            acc += G[c, k + n_s + 1] * (b * h01)
            acc += lo[c, k] * (a * h10)
            acc += lo[c, k + 1] * (b * h10)
            acc += hi[c, k] * (a * h11)
            acc += hi[c, k + 1] * (b * h11)
            out[c, p] = acc
    return out


def torque_slopes(torque_nm: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dG/dT at both ends of every torque cell of the grid G (..., n_torque, n_speed): (at the cell's
    lower node, at its upper node), each (..., n_torque - 1, n_speed).

    Interior nodes take the three-point derivative (exact for a quadratic in T); the axis ends and
    the node at T = 0 (where a loss-minimising drive's losses have a kink) take the one-sided
    three-point derivative of their side, so no stencil crosses zero torque. Where a stencil
    touches a NaN node (beyond the envelope) the cell's own secant is used (linear there; the
    interpolation of losses solves such cells exactly instead: :func:`map_cells`). A cubic
    Hermite with these slopes reproduces losses quadratic in torque (copper loss at constant flux)
    exactly on each side.
    """
    s_lo, s_hi, d = _stencil_slopes(torque_nm, G)
    return np.where(np.isfinite(s_lo), s_lo, d), np.where(np.isfinite(s_hi), s_hi, d)


def _stencil_slopes(torque_nm: np.ndarray, G: np.ndarray):
    """(s_lo, s_hi, secants) of :func:`torque_slopes` before the secant fallback: NaN where a
    slope's three-point stencil touches a NaN node."""
    T = np.ascontiguousarray(torque_nm, dtype=np.float64)
    G = np.asarray(G, dtype=np.float64)
    edge = np.zeros(T.size, dtype=np.bool_)
    edge[0] = edge[-1] = True
    edge |= T == 0.0
    lead, (n, n_s) = G.shape[:-2], G.shape[-2:]
    s_lo, s_hi, d = _slopes_kernel(T, np.ascontiguousarray(G).reshape((-1, n, n_s)), edge)
    shape = lead + (n - 1, n_s)
    return s_lo.reshape(shape), s_hi.reshape(shape), d.reshape(shape)


@njit(cache=True)
def _slopes_kernel(T, G, edge):
    """:func:`_stencil_slopes` of grids G (m, n, n_speed) on the torque axis T (n,): with
    h_x = T_x+1 - T_x and the secants d_x = (G_x+1 - G_x) / h_x, the central derivative at the
    interior node x, (h_x d_x-1 + h_x-1 d_x) / (h_x-1 + h_x), or at an edge node (axis end, T = 0)
    the one-sided one from the two cells above, ((2 h_x + h_x+1) d_x - h_x d_x+1) / (h_x + h_x+1)
    (for a cell's lower node), or below, ((2 h_x-1 + h_x-2) d_x-1 - h_x-1 d_x-2) / (h_x-2 + h_x-1)
    (for its upper node); NaN where the stencil leaves the axis."""
    m, n, n_s = G.shape
    d = np.empty((m, n - 1, n_s))
    s_lo = np.full((m, n - 1, n_s), np.nan)
    s_hi = np.full((m, n - 1, n_s), np.nan)
    for c in range(m):
        for x in range(n - 1):
            h = T[x + 1] - T[x]
            for q in range(n_s):
                d[c, x, q] = (G[c, x + 1, q] - G[c, x, q]) / h
        for x in range(n - 1):  # cell x: lower node x, upper node x + 1
            if edge[x]:
                if x <= n - 3:
                    h0, h1 = T[x + 1] - T[x], T[x + 2] - T[x + 1]
                    for q in range(n_s):
                        s_lo[c, x, q] = ((2 * h0 + h1) * d[c, x, q] - h0 * d[c, x + 1, q]) / (h0 + h1)
            elif 1 <= x <= n - 2:
                h0, h1 = T[x] - T[x - 1], T[x + 1] - T[x]
                for q in range(n_s):
                    s_lo[c, x, q] = (h1 * d[c, x - 1, q] + h0 * d[c, x, q]) / (h0 + h1)
            y = x + 1
            if edge[y]:
                if y >= 2:
                    h0, h1 = T[y - 1] - T[y - 2], T[y] - T[y - 1]
                    for q in range(n_s):
                        s_hi[c, x, q] = ((2 * h1 + h0) * d[c, y - 1, q] - h1 * d[c, y - 2, q]) / (h0 + h1)
            elif 1 <= y <= n - 2:
                h0, h1 = T[y] - T[y - 1], T[y + 1] - T[y]
                for q in range(n_s):
                    s_hi[c, x, q] = (h1 * d[c, y - 1, q] + h0 * d[c, y, q]) / (h0 + h1)
    return s_lo, s_hi, d


def cubic_cells(torque_nm: np.ndarray, feasible: np.ndarray) -> np.ndarray:
    """(n_torque - 1, n_speed) bool: the torque cell (j, i) has both Hermite slopes from three
    feasible nodes (:func:`torque_slopes` does not fall back to the secant there)."""
    if len(torque_nm) < 3:
        return np.ones((feasible.shape[0] - 1, feasible.shape[1]), dtype=bool)
    s_lo, s_hi, _ = _stencil_slopes(torque_nm, np.where(feasible, 0.0, np.nan))
    return np.isfinite(s_lo) & np.isfinite(s_hi)


def map_cells(emap: EfficiencyMap, speed_rpm, torque_nm) -> MapCells:
    """The grid cells of points (1-D arrays; indices clamped to the grid, meaningful inside it)."""
    sp, tq = emap.speed_rpm, emap.torque_nm
    s = np.ascontiguousarray(speed_rpm, dtype=np.float64)
    t = np.ascontiguousarray(torque_nm, dtype=np.float64)
    F = np.ascontiguousarray(emap.feasible, dtype=np.bool_)
    i, j, u, v, ok = _cells_kernel(np.ascontiguousarray(sp, dtype=np.float64), np.ascontiguousarray(tq, dtype=np.float64),
                                   s, t, F, np.ascontiguousarray(cubic_cells(tq, F)))
    return MapCells(i=i, j=j, u=u, v=v, ok=ok, torque_nm=tq)


@njit(cache=True, _nrt=False)
def _cell(a, x):
    """(index of the cell of the ascending axis a holding x, clamped to 0 .. len(a) - 2; the fraction
    of the cell, clamped to 0..1): np.searchsorted(a, x, "right") - 1 and the np.clip of the
    fraction, with the same arithmetic."""
    lo, hi = 0, a.shape[0]
    if x != x:  # NaN sorts last
        lo = hi
    while lo < hi:  # first index with a[index] > x
        mid = (lo + hi) >> 1
        if a[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    k = min(max(lo - 1, 0), a.shape[0] - 2)
    f = (x - a[k]) / (a[k + 1] - a[k])
    if f < 0.0:
        f = 0.0
    elif f > 1.0:
        f = 1.0
    return k, f


@njit(cache=True)
def _cells_kernel(sp, tq, s, t, F, C):
    """:func:`map_cells`' indices, fractions and ``ok`` of the points (s[k], t[k]) on the axes
    sp (speed) and tq (torque), with the feasible mask F and the cubic cells C."""
    n = s.shape[0]
    i, j = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    u, v = np.empty(n), np.empty(n)
    ok = np.empty(n, dtype=np.bool_)
    for k in range(n):
        ii, uu = _cell(sp, s[k])
        jj, vv = _cell(tq, t[k])
        i[k], j[k], u[k], v[k] = ii, jj, uu, vv
        ok[k] = F[jj, ii] and F[jj, ii + 1] and F[jj + 1, ii] and F[jj + 1, ii + 1] and C[jj, ii] and C[jj, ii + 1]
    return i, j, u, v, ok


def loss_kinds(emap) -> tuple:
    """The loss kinds a map carries (its model's)."""
    return tuple(k for k in emap.losses if k != "total")


def interpolate_losses(emap: EfficiencyMap, speed_rpm, torque_nm, exact_at_edge: bool = True) -> dict:
    """Losses at arbitrary (speed, torque) points, e.g. a drive cycle's, from the map.

    Interpolation on the loss grids (linear in speed, cubic Hermite in torque: :class:`MapCells`)
    where all four surrounding grid nodes are feasible.
    Points inside the envelope whose cell touches an infeasible node (the envelope edge), or whose
    torque slopes would need one (:func:`cubic_cells`: the cell would be linear in torque, which
    overestimates a convex loss; e.g. in field weakening at light load, the Prius-derived design's
    copper loss at 4466 rpm, 30 N m: 1242 W linear vs 1023 W solved, on the optimiser's 20-node
    torque axis), are solved exactly with the drive kernel when ``exact_at_edge`` (else NaN). So are
    the points above the envelope interpolated between its speed nodes but not above its bound
    (:meth:`EfficiencyMap.envelope_bound`; near the corner speed the envelope is concave, above its
    chord): the solver decides whether they are inside, so which points a map serves does not
    depend on its speed axis. Points beyond the envelope (|T| above it at that speed, or speed above
    the map's range) are not clipped: their losses are NaN and ``in_envelope`` is False.

    Returns dict of arrays (shape of the broadcast inputs): copper, iron, magnet, mechanical, total
    (W), p_elec (W, = P_mech + total), in_envelope (bool), exact (bool: solved, not interpolated).
    """
    s, t = np.broadcast_arrays(np.asarray(speed_rpm, dtype=float), np.asarray(torque_nm, dtype=float))
    shape = s.shape
    s = s.ravel()
    t = t.ravel()
    kinds = loss_kinds(emap)
    L, inside, exact = point_losses(emap, s, t, exact_at_edge)
    res = dict(zip(kinds, L))
    res["total"] = sum(res[k] for k in kinds)
    res["p_elec"] = s * RPM_TO_RAD_S * t + res["total"]
    res["in_envelope"] = inside
    res["exact"] = exact
    return {k: (val.reshape(shape) if isinstance(val, np.ndarray) else val) for k, val in res.items()}


def point_losses(emap: EfficiencyMap, speed_rpm: np.ndarray, torque_nm: np.ndarray, exact_at_edge: bool = True):
    """:func:`interpolate_losses` of 1-D arrays of points (rpm, N m), the losses as one array:
    (losses (n_kinds, n) W in :func:`loss_kinds` order, NaN where not served; in_envelope (n,) bool;
    exact (n,) bool)."""
    s, t = speed_rpm, torque_nm
    if not (np.isfinite(s).all() and np.isfinite(t).all()) or (s < 0).any():
        raise InputError("interpolate_losses.speed_rpm/torque_nm", "non-finite or negative speed",
                         "finite values, speed >= 0 rpm")
    env_m, env_g = emap.envelope_at(s)
    in_range = s <= emap.speed_rpm[-1] * (1 + 1e-12)
    inside = in_range & (t <= env_m) & (-t <= env_g)
    # above the interpolated envelope but not above its bound: the envelope between its speed nodes
    # is not linear (concave at the corner speed), so the solver decides these points
    near = np.zeros(s.shape, dtype=bool)
    above = np.flatnonzero(in_range & ~inside)  # few: the bound only at these
    if above.size:
        bound_m, bound_g = emap.envelope_bound(s[above])
        ta = t[above]
        near[above] = (ta <= bound_m) & (-ta <= bound_g)
    cells = map_cells(emap, s, t)
    kinds = loss_kinds(emap)
    served = inside & cells.ok
    L = cells.interpolate(np.array([emap.losses[k] for k in kinds]))  # all kinds in one pass
    L[:, ~served] = np.nan
    exact = inside & ~cells.ok
    if exact_at_edge:
        exact |= near
        inside |= near
    if exact_at_edge and exact.any():
        r = emap.model.solve_operating_points(s[exact] * RPM_TO_RAD_S, t[exact])
        L[:, exact] = np.where(r["feasible"], np.array([r["p_" + k] for k in kinds]), np.nan)
        # a point near the envelope that the solver rejects is reported outside
        inside[np.flatnonzero(exact)[~r["feasible"]]] = False
    return L, inside, exact & inside
