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

from dataclasses import dataclass

import numpy as np

from motoropt.errors import ConvergenceError, InputError
from motoropt.thermal.kernels import (
    _continuous_kernel,
    _pulse_kernel,
    _steady_batch_kernel,
    _transient_kernel,
)
from motoropt.thermal.network import (  # noqa: F401 - the network's public names, re-exported
    Coupling,
    ThermalGeometry,
    ThermalMaterials,
    ThermalNetwork,
    build_network,
    custom_network,
)
from motoropt.thermal.nodes import (  # noqa: F401 - re-exported
    EW_FRONT,
    EW_REAR,
    INSULATION_CLASS_C,
    LOSS_COMPONENTS,
    N_COMP,
    NODE_NAMES,
    TEETH,
    WINDING,
    YOKE,
)

# ---- public functions ----------------------------------------------------------------------------


def _loss_vector(net: ThermalNetwork, losses) -> np.ndarray:
    """Accept a dict {component name: W} or an array of component losses."""
    n_comp = net.n_comp
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
    if not net.hot_active:
        i = net.names.index("winding_active") if "winding_active" in net.names else 0
        return T[..., i]
    gsi, gs, gbi, gb = np.asarray(net.hot).tolist()  # floats: the same products, cheaper to unpack
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
    n_comp = net.n_comp
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
    Losses are interpolated linearly in torque. Result: 0 if the lowest torque violates a limit,
    the top valid grid torque if it does not, else an admissible torque with an inadmissible one
    within ``tol`` N m above it (a secant search on the temperature margin from the previous speed's
    rating, safeguarded by bisection: :mod:`motoropt.thermal.kernels`; it assumes the margin falls
    with torque, as bisection did). Each test is a coupled steady state (:func:`steady_state`,
    default tolerances). Returns (torque (nS,), power (nS,) W). A thermal runaway counts as a violation.
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
    the hotspot and the magnet temperature. Same grid conventions and search as
    :func:`continuous_rating`. Returns (torque (nS,), power (nS,) W). One numba call for all speeds."""
    tg, sg, lg = _rating_grids(torque_grid, speed_grid, loss_grid)
    if not dt > 0:
        raise InputError("dt", dt, "> 0")
    T0 = _default_T0(net) if T0 is None else np.asarray(T0, dtype=np.float64)
    if T0.shape != (net.n,):
        raise InputError("T0", T0.shape, f"({net.n},)")
    n_steps = max(1, int(round(duration / dt)))
    out, _ = _pulse_kernel(net._kn, sg, tg, lg, np.ascontiguousarray(np.broadcast_to(T0, (sg.size, net.n))),
                           np.ones(sg.size, dtype=np.bool_), n_steps, float(dt), float(T_winding_max),
                           float(T_magnet_max), float(tol))
    return out, out * sg
