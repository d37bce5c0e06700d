"""Flux maps, no-load waveforms, back-EMF and cogging torque from the embedded finite-element solver.

Method (see :mod:`.machine` for the model and its assumptions):
- loaded: for each rotor position theta_r (mechanical) and each (i_d, i_q) the phase currents are
  i_x = i_d cos(th_x) - i_q sin(th_x), th_x = p theta_r - phi_x (amplitude-invariant Park, d = magnet
  axis); the phase flux linkages (full machine, series turns) are Park-transformed back to psi_d, psi_q.
  Positions: K equally spaced over ``span_elec_deg`` electrical degrees (default 60: the flux and torque
  ripples of a balanced three-phase machine in the dq frame have orders 6k, so K positions over 60 deg
  cancel every ripple harmonic below 6K; for a q = 2 winding 60 deg is two slot pitches).
  psi_d, psi_q and the Arkkio torque (middle air-gap layer, times the number of sectors) are position
  averages.
- iron flux density per region (the iron-loss input): "stator_teeth" = peak spatial fundamental (p pole
  pairs) of the radial flux density in the tooth bodies (R_i + h_tip < r < slot bottom), "stator_yoke"
  = that of the tangential flux density in the yoke, both averaged over positions. Because the field
  turns synchronously with the rotor, the spatial fundamental over a pole equals the time fundamental
  that one tooth (or yoke cross-section) sees; slot harmonics are left out as in the analytic model.
- ``method="reference"`` (the original path): at each position the currents are swept in a snake
  order, each solve starting from the previous one (same mesh), Newton with one LU factorisation per
  step, tol 1e-7; the first current of a position starts from the previous position's field rotated
  with the rotor and interpolated onto the new mesh.
- ``method="fast"`` (default): the same model, mesh, grid and post-processing; per position one mesh,
  one problem (element geometry, B-H tables, constraints, sparsity pattern) and one set of
  post-processing operators serve all current points; each solve starts from the parallelogram
  predictor A(a-1, b) + A(a, b') - A(a-1, b') of its solved neighbours (exact for a field additive
  in i_d and i_q), Newton steps are preconditioned CG with a factorised Jacobian kept across
  solves (:class:`.solver.JacobianCache`), an energy line search, tol 1e-4; positions (split into
  row blocks so that there are >= 4 tasks) run in a pool of spawned processes. Each task starts
  cold and alone, so the map is the same (bit for bit) for any number of workers. Measured on the
  10 x 10 x 4 Prius map against the reference path: flux linkage and torque within 0.01 % of
  their largest values, B_iron within 0.01 % (tests/test_fea_fluxmap_speed.py and
  benchmarks/bench_fea.py).
- positions and what they are for: the map feeds the position-averaged psi_d, psi_q (control,
  voltage limit), torque and the iron-loss flux densities. The mirror symmetry of a machine whose
  stator and rotor are symmetric about the d axis maps (theta_e, i_d, i_q) to (-theta_e, i_d,
  -i_q), so it would halve the positions only on a grid symmetric in i_q; the motoring grid here
  (i_q >= 0) gains nothing from it and every position is solved.
- magnets at T_magnet_c (default the design's): B_r(T), mu_r; steel B-H curves of the design.
- ``waveform_losses`` (fast method, machines with an integer number of slots per pole and phase):
  the fields of every solve are also sampled at fixed stator, rotor and magnet points, and the map
  carries the harmonic-complete iron-loss terms per region, the magnet eddy loss under load and
  the magnet PWM-ripple coefficients (:mod:`.losses`). Resolution: 6K samples per electrical period
  in the stator (harmonics up to 3K), K per 60 degrees in the rotor frame; K >= 8 resolves the
  first slot harmonics (orders 11, 13 and 12 f_e in the rotor).

Units: A (peak phase), Wb (peak phase flux linkage), N m, T, rad, V.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing as mp
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.magnetics.fea.losses import (
    PositionSampler,
    loss_terms,
    magnet_pwm_terms,
    sixty_degree_symmetry,
    wave_grid,
)
from motoropt.magnetics.fea.machine import (
    PHASES,
    MeshSpec,
    abc_to_dq,
    build_section,
    d_axis_angle_deg,
    dq_to_abc,
)
from motoropt.magnetics.fea.mesh import build_mesh
from motoropt.magnetics.fea.post import ArkkioOperator, flux_linkage, flux_linkage_operator
from motoropt.magnetics.fea.solver import JacobianCache, build_problem, solve
from motoropt.magnetics.fluxmap import FluxMap
from motoropt.parallel import default_single_blas_thread, make_process_pool

REGIONS = ("stator_teeth", "stator_yoke")
METHODS = ("fast", "reference")
TOL = {"fast": 1e-4, "reference": 1e-7}
MIN_TASKS = 4  # positions are split into row blocks until a map has at least this many tasks


@dataclass
class _Position:
    section: object
    problem: object
    theta_x: np.ndarray  # electrical angles p theta_r - phi_x of the three phases, rad


def _position(design, angle_deg, sector, mesh, T_m):
    sec = build_section(design, angle_deg, (0.0, 0.0, 0.0), sector, mesh, T_m)
    prob = build_problem(sec.geometry, build_mesh(sec.geometry))
    th = design.p * math.radians(angle_deg) - np.asarray(sec.phase_axes_rad)
    return _Position(sec, prob, th)


def _transfer(prev, new, delta_rad):
    """Warm start on ``new`` from ``prev``'s solution, the field turned by delta with the rotor."""
    from matplotlib.tri import LinearTriInterpolator, Triangulation

    pp, pn = prev[0].problem, new.problem
    sec = new.section
    c0, c1 = (math.radians(a) for a in sec.sector_deg)
    span = c1 - c0
    x, y = pn.nodes[:, 0], pn.nodes[:, 1]
    ang = np.arctan2(y, x) - delta_rad
    r = np.hypot(x, y)
    sign = np.ones_like(ang)
    if sec.sectors > 1:
        k = np.floor((ang - c0) / span)
        ang = ang - k * span
        if sec.antiperiodic:
            sign = np.where(k % 2 == 0, 1.0, -1.0)
    xs, ys = r * np.cos(ang), r * np.sin(ang)
    tr = Triangulation(pp.nodes[:, 0], pp.nodes[:, 1], pp.tri)
    A = LinearTriInterpolator(tr, prev[1])(xs, ys)
    A = np.where(np.ma.getmaskarray(A), 0.0, np.ma.getdata(A)) * sign
    return np.where(np.isfinite(A), A, 0.0)


def _stator_regions(r, sec):
    """Masks of the tooth bodies (between the tip and slot-bottom radii) and of the yoke (beyond the
    slot bottoms, away from the gap) at element radii ``r``, for slots opening either way."""
    lo, hi = sorted((sec.R_tip, sec.R_tooth_root))
    yoke = r > sec.R_tooth_root if sec.R_tooth_root > sec.R_tip else r < sec.R_tooth_root
    return (r > lo) & (r < hi), yoke


def _iron_fundamentals(sol, sec, p):
    """Peak spatial fundamentals (T) of B_r in the tooth bodies and B_theta in the yoke."""
    P = sol.problem
    c = P.nodes[P.tri].mean(axis=1)
    r = np.hypot(c[:, 0], c[:, 1])
    th = np.arctan2(c[:, 1], c[:, 0])
    cs, sn = np.cos(th), np.sin(th)
    Br = sol.B[:, 0] * cs + sol.B[:, 1] * sn
    Bt = -sol.B[:, 0] * sn + sol.B[:, 1] * cs
    iron = np.array([P.mats.names[m] == "stator_steel" for m in P.emat])
    teeth, yoke = _stator_regions(r, sec)
    out = []
    for sel, comp in ((teeth & iron, Br), (yoke & iron, Bt)):
        if not np.any(sel):
            out.append(0.0)
            continue
        w = P.area[sel]
        # a pole sector holds half a period of the p-pole-pair wave: (2 / area) sum a B e^{-j p theta}
        z = np.sum(w * comp[sel] * np.exp(-1j * p * th[sel])) / np.sum(w)
        out.append(2.0 * abs(z))
    return out


def _iron_operator(P, sec, p):
    """M (4, N): M @ A = (Re, Im) of the complex fundamentals z of :func:`_iron_fundamentals` for
    the tooth bodies and the yoke (B_iron = 2 |z|); the same element selection and weights."""
    c = P.nodes[P.tri].mean(axis=1)
    r = np.hypot(c[:, 0], c[:, 1])
    th = np.arctan2(c[:, 1], c[:, 0])
    cs, sn = np.cos(th), np.sin(th)
    steel = np.array([n == "stator_steel" for n in P.mats.names], bool)
    iron = steel[P.emat] if steel.size else np.zeros(P.emat.size, bool)
    # B_r = sum_k (cg cs - bg sn) A_k, B_theta = sum_k (-cg sn - bg cs) A_k over an element's nodes
    comp_r = P.cg * cs[:, None] - P.bg * sn[:, None]
    comp_t = -P.cg * sn[:, None] - P.bg * cs[:, None]
    N = P.nodes.shape[0]
    M = np.zeros((4, N))
    teeth, yoke = _stator_regions(r, sec)
    for k, (sel, comp) in enumerate(((teeth & iron, comp_r), (yoke & iron, comp_t))):
        if not np.any(sel):
            continue
        w = P.area[sel] / np.sum(P.area[sel])
        z = (w * np.exp(-1j * p * th[sel]))[:, None] * comp[sel]
        nodes = P.tri[sel].ravel()
        M[2 * k] = np.bincount(nodes, weights=z.real.ravel(), minlength=N)
        M[2 * k + 1] = np.bincount(nodes, weights=z.imag.ravel(), minlength=N)
    return M


@dataclass
class _MapPosition:
    """One rotor position of a fast flux map: the problem and its post-processing operators."""

    position: _Position
    W: object             # (3, N) sparse: W @ A = phase flux linkages A, B, C of the full machine, Wb
    iron: np.ndarray      # (4, N): Re/Im of the tooth and yoke fundamentals
    arkkio: ArkkioOperator
    sectors: int


def _map_position(design, angle_deg, sector, mesh, T_m):
    pos = _position(design, angle_deg, sector, mesh, T_m)
    P, sec = pos.problem, pos.section
    W = flux_linkage_operator(P)
    W = W[[P.circuit_names.index(n) for n in PHASES]] * (sec.sectors / sec.parallel_paths)
    r1, r2 = sec.r_band
    return _MapPosition(pos, W.tocsr(), _iron_operator(P, sec, design.p), ArkkioOperator.build(P, r1, r2),
                        sec.sectors)


def _predict(sols, a, b, a_prev, b_prev):
    """Start field at grid point (a, b) from solved neighbours: row a_prev (the previous row) and
    column b_prev (the previous point of this row): the parallelogram A(a_prev, b) + A(a, b_prev)
    - A(a_prev, b_prev) if all three are solved, else the nearest solved neighbour, else None."""
    s_row = sols.get((a, b_prev))
    s_col = sols.get((a_prev, b))
    s_dia = sols.get((a_prev, b_prev))
    if s_row is not None and s_col is not None and s_dia is not None:
        return s_col + s_row - s_dia
    if s_row is not None:
        return s_row
    return s_col


def _map_task(design, angle_deg, rows, i_d, i_q, sector, mesh, T_m, tol, grid=None):
    """Solve rows ``rows`` (indices into i_d) x all i_q at one rotor position (a task of the fast
    map; runs in a pool worker). Returns the position's psi_d, psi_q, torque (len(rows), n_q),
    B_iron (2, len(rows), n_q), counters and, with a waveform ``grid``, the field samples."""
    t0, c0 = time.perf_counter(), time.process_time()
    mp_ = _map_position(design, angle_deg, sector, mesh, T_m)
    pos, P = mp_.position, mp_.position.problem
    sampler = None if grid is None else PositionSampler(grid, P, math.radians(angle_deg))
    t_setup = time.perf_counter() - t0
    n_q = len(i_q)
    out = {k: np.zeros((len(rows), n_q)) for k in ("psi_d", "psi_q", "torque")}
    out["B_iron"] = np.zeros((2, len(rows), n_q))
    if sampler is not None:
        out["Bs"] = np.zeros((len(rows), n_q) + sampler.s_el.shape + (2,), np.float32)
        out["Br"] = np.zeros((len(rows), n_q, len(grid.rotor_xy), 2), np.float32)
        out["Am"] = np.zeros((len(rows), n_q, len(sampler.m_idx)))
        out["valid_s"] = sampler.s_valid
        out["valid_r"] = sampler.r_valid
    cache = JacobianCache(max_cg=5, eta=0.1)
    sols = {}
    newton = solves = 0
    a_prev = None
    for k, a in enumerate(rows):
        cols = range(n_q) if k % 2 == 0 else range(n_q - 1, -1, -1)
        b_prev = None
        for b in cols:
            cur = dq_to_abc(i_d[a], i_q[b], pos.theta_x) / pos.section.parallel_paths
            A0 = _predict(sols, a, b, a_prev, b_prev)
            sol = solve(P, dict(zip(PHASES, cur)), A0=A0, tol=tol, precond=cache, line_search="energy")
            sols[(a, b)] = sol.A
            newton += sol.newton_iterations
            solves += 1
            pd, pq = abc_to_dq(mp_.W @ sol.A, pos.theta_x)
            z = mp_.iron @ sol.A
            out["psi_d"][k, b] = pd
            out["psi_q"][k, b] = pq
            out["torque"][k, b] = mp_.arkkio.torque(sol.A) * mp_.sectors * pos.section.torque_sign
            out["B_iron"][:, k, b] = 2.0 * np.hypot(z[0::2], z[1::2])
            if sampler is not None:
                out["Bs"][k, b], out["Br"][k, b], out["Am"][k, b] = sampler.sample(sol.A, sol.B)
            b_prev = b
        if a_prev is not None:
            for b in range(n_q):
                sols.pop((a_prev, b), None)
        a_prev = a
    out["stats"] = {"solves": solves, "newton_steps": newton, "factorizations": cache.factorizations,
                    "cg_iterations": cache.cg_iterations, "setup_s": t_setup,
                    "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}
    return out


def _map_tasks(n_positions: int, n_d: int):
    """(position index, row indices) of a fast map: each position split into ceil(MIN_TASKS / K)
    blocks of consecutive rows (at most n_d). Fixed by the grid alone, not by the worker count."""
    blocks = min(n_d, -(-MIN_TASKS // n_positions))
    edges = np.linspace(0, n_d, blocks + 1).round().astype(int)
    return [(j, list(range(edges[k], edges[k + 1]))) for j in range(n_positions) for k in range(blocks)
            if edges[k + 1] > edges[k]]


def default_workers() -> int:
    """Worker processes of a fast FEA map: $MOTOROPT_FEA_WORKERS if set; 1 inside a worker
    process (the optimiser's pool or this pool: the cores are already in use); else the CPUs
    available to this process, at most 8."""
    env = os.environ.get("MOTOROPT_FEA_WORKERS")
    if env:
        try:
            n = int(env)
        except ValueError:
            raise InputError("MOTOROPT_FEA_WORKERS", env, "an integer >= 1") from None
        if n < 1:
            raise InputError("MOTOROPT_FEA_WORKERS", env, "an integer >= 1")
        return n
    if mp.parent_process() is not None:
        return 1
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(8, n))


_POOL = {"executor": None, "workers": 0, "unusable": False}


def _pool(workers: int) -> ProcessPoolExecutor:
    """The FEA map pool: ``workers`` spawned processes with one BLAS thread each that die with this
    process (:func:`motoropt.parallel.make_process_pool`, as the optimiser's), created on first use
    and kept for the next maps of this process."""
    if _POOL["executor"] is not None and _POOL["workers"] == workers:
        return _POOL["executor"]
    _shutdown_pool()
    default_single_blas_thread()
    _POOL["executor"] = make_process_pool(workers)  # spawned workers that die with this process
    _POOL["workers"] = workers
    return _POOL["executor"]


@atexit.register
def _shutdown_pool() -> None:
    ex = _POOL["executor"]
    _POOL["executor"], _POOL["workers"] = None, 0
    if ex is not None:
        ex.shutdown(wait=True, cancel_futures=True)


def _run_tasks(args_list, workers: int):
    """Results of _map_task(*args) for each args, in order; in a pool when workers > 1.

    If the pool breaks (a worker died: killed, out of memory, or a script without the
    ``if __name__ == "__main__":`` guard that spawned processes need) the map is computed here,
    serially, with a warning; a pool that broke before returning anything is not tried again."""
    if workers <= 1 or len(args_list) <= 1 or _POOL["unusable"]:
        return [_map_task(*args) for args in args_list]
    ex = _pool(min(workers, len(args_list)))
    futs = [ex.submit(_map_task, *args) for args in args_list]
    try:
        return [f.result() for f in futs]
    except BrokenProcessPool as exc:
        done = any(f.done() and not f.cancelled() and f.exception() is None for f in futs)
        _shutdown_pool()
        _POOL["unusable"] = not done
        warnings.warn(f"FEA map pool failed ({exc}); computing the map in this process. A script that "
                      "runs FEA maps must guard its top level with `if __name__ == \"__main__\":`.",
                      RuntimeWarning, stacklevel=3)
        return [_map_task(*args) for args in args_list]


def _fast_fluxmap(design, i_d, i_q, angles, sector, mesh, T_m, tol, workers, stats, waves=False):
    tasks = _map_tasks(len(angles), i_d.size)
    t0 = time.perf_counter()
    grid = wave_grid(design, _position(design, angles[0], sector, mesh, T_m)) if waves else None
    results = _run_tasks([(design, angles[j], rows, i_d, i_q, sector, mesh, T_m, tol, grid) for j, rows in tasks],
                         workers)
    n_d, n_q, K = i_d.size, i_q.size, len(angles)
    acc = {k: np.zeros((K, n_d, n_q)) for k in ("psi_d", "psi_q", "torque")}
    B = np.zeros((K, 2, n_d, n_q))
    for (j, rows), res in zip(tasks, results):
        for k in acc:
            acc[k][j, rows] = res[k]
        B[j][:, rows] = res["B_iron"]
    if stats is not None:
        st = [r["stats"] for r in results]
        tot = {k: sum(s[k] for s in st) for k in ("solves", "newton_steps", "factorizations", "cg_iterations",
                                                 "setup_s", "cpu_s")}
        stats.update(tot, method="fast", tasks=len(tasks), workers=min(workers, len(tasks)),
                     wall_s=time.perf_counter() - t0, task_wall_s=[s["wall_s"] for s in st])
    extra = {}
    if grid is not None:
        extra = _waveform_terms(grid, tasks, results, K, i_d, i_q)
    # position averages summed in position order (the same for any worker count)
    return (acc["psi_d"].sum(axis=0) / K, acc["psi_q"].sum(axis=0) / K, acc["torque"].sum(axis=0) / K,
            B.sum(axis=0) / K, extra)


def _waveform_terms(grid, tasks, results, K, i_d, i_q) -> dict:
    """FluxMap fields loss_terms, loss_regions, loss_region_mass, magnet_loss, magnet_pwm from the tasks'
    field samples (:mod:`.losses`)."""
    n_d, n_q = i_d.size, i_q.size
    r0 = results[0]
    Bs = np.zeros((K, n_d, n_q) + r0["Bs"].shape[2:], np.float32)
    Br = np.zeros((K, n_d, n_q) + r0["Br"].shape[2:], np.float32)
    Am = np.zeros((K, n_d, n_q, r0["Am"].shape[2]))
    valid_s = np.ones(r0["Bs"].shape[2], bool)
    valid_r = np.ones(r0["Br"].shape[2], bool)
    for (j, rows), res in zip(tasks, results):
        Bs[j, rows], Br[j, rows], Am[j, rows] = res["Bs"], res["Br"], res["Am"]
        valid_s &= res["valid_s"]
        valid_r &= res["valid_r"]
    terms = np.zeros((3, 3, n_d, n_q))
    mag = np.zeros((n_d, n_q))
    masses = np.zeros(3)
    for a in range(n_d):
        for b in range(n_q):
            t, masses, mag[a, b] = loss_terms(grid, Bs[:, a, b], Br[:, a, b], Am[:, a, b], valid_s, valid_r)
            terms[:, :, a, b] = t
    valid_m = valid_r[grid.magnet_piece >= 0]
    pwm = magnet_pwm_terms(grid, Am * valid_m, i_d, i_q)
    return {"loss_terms": terms, "loss_regions": ("stator_teeth", "stator_yoke", "rotor_core"),
            "loss_region_mass": tuple(float(m) for m in masses), "magnet_loss": mag, "magnet_pwm": pwm}


def _positions(design, positions, span_elec_deg, start_elec_deg=0.0):
    if int(positions) < 1:
        raise InputError("positions", positions, ">= 1")
    th0 = d_axis_angle_deg(design)
    step = span_elec_deg / design.p / int(positions)
    return [th0 + start_elec_deg / design.p + k * step for k in range(int(positions))]


def fea_fluxmap(design, i_d_axis, i_q_axis, positions: int = 4, T_magnet_c: float | None = None,
                sector: str = "auto", mesh: MeshSpec | None = None, span_elec_deg: float = 60.0,
                tol: float | None = None, method: str = "fast", workers: int | None = None,
                stats: dict | None = None, waveform_losses: bool = False) -> FluxMap:
    """FluxMap (source "fea") on the grid i_d_axis x i_q_axis (A peak; i_q_axis ascending from 0).

    See the module docstring. ``positions`` rotor positions over ``span_elec_deg`` electrical degrees.
    ``method``: "fast" (default) or "reference"; ``tol``: Newton relative residual (default 1e-4
    fast, 1e-7 reference); ``workers``: processes of the fast path (default :func:`default_workers`);
    ``stats``: a dict to fill with counters and times (solves, newton_steps, factorizations,
    cg_iterations, cpu_s, wall_s, ...); ``waveform_losses``: also the field-waveform loss terms
    (module docstring; fast method, 60-degree span, machines with integer slots per pole and phase
    only, otherwise the map has none).
    """
    i_d = np.asarray(i_d_axis, float)
    i_q = np.asarray(i_q_axis, float)
    if i_d.ndim != 1 or i_q.ndim != 1 or i_d.size < 1 or i_q.size < 1:
        raise InputError("i_d_axis, i_q_axis", (i_d.shape, i_q.shape), "1-D arrays")
    if method not in METHODS:
        raise InputError("method", method, f"one of {METHODS}")
    tol = TOL[method] if tol is None else float(tol)
    if not 0.0 < tol < 1.0:
        raise InputError("tol", tol, "0 < tol < 1")
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    n_d, n_q = i_d.size, i_q.size
    angles = _positions(design, positions, span_elec_deg)
    if method == "fast":
        if getattr(mp.current_process(), "_inheriting", False):
            # a spawned worker is importing a script that computes maps at its top level: fail its
            # start-up (the parent then computes the map itself) rather than run the script here
            raise RuntimeError("FEA map requested while a spawned process imports the main module; "
                               "guard the script with `if __name__ == \"__main__\":`")
        w = default_workers() if workers is None else int(workers)
        if w < 1:
            raise InputError("workers", workers, ">= 1")
        waves = bool(waveform_losses) and span_elec_deg == 60.0 and sixty_degree_symmetry(design)
        psi_d, psi_q, torque, B_iron, extra = _fast_fluxmap(design, i_d, i_q, angles, sector, mesh, T_m, tol, w,
                                                            stats, waves)
        return FluxMap(i_d=i_d, i_q=i_q, psi_d=psi_d, psi_q=psi_q, torque=torque, B_iron=B_iron,
                       regions=REGIONS, pole_pairs=design.p, T_magnet_c=T_m, source="fea", **extra)
    t0, c0 = time.perf_counter(), time.process_time()
    newton = 0
    psi_d = np.zeros((n_d, n_q))
    psi_q = np.zeros((n_d, n_q))
    torque = np.zeros((n_d, n_q))
    B_iron = np.zeros((2, n_d, n_q))
    order = [(a, b if a % 2 == 0 else n_q - 1 - b) for a in range(n_d) for b in range(n_q)]
    prev = None
    for ia, ang in enumerate(angles):
        pos = _position(design, ang, sector, mesh, T_m)
        sec = pos.section
        A0 = None
        sols = {}
        for k, (a, b) in enumerate(order):
            cur = dq_to_abc(i_d[a], i_q[b], pos.theta_x) / sec.parallel_paths
            if k == 0 and prev is not None:
                A0 = _transfer(prev, pos, math.radians(ang - angles[ia - 1]))
            sol = solve(pos.problem, dict(zip(("A", "B", "C"), cur)), A0=A0, tol=tol)
            A0 = sol.A
            newton += sol.newton_iterations
            if k == 0:
                sols["first"] = sol.A
            psi = sec.phase_flux_linkage(flux_linkage(sol))
            pd, pq = abc_to_dq(psi, pos.theta_x)
            psi_d[a, b] += pd
            psi_q[a, b] += pq
            torque[a, b] += sec.torque(sol)
            B_iron[:, a, b] += _iron_fundamentals(sol, sec, design.p)
        prev = (pos, sols["first"])
    K = len(angles)
    if stats is not None:
        stats.update(method="reference", solves=K * n_d * n_q, newton_steps=newton, factorizations=newton,
                     cg_iterations=0, tasks=1, workers=1, wall_s=time.perf_counter() - t0,
                     cpu_s=time.process_time() - c0)
    return FluxMap(i_d=i_d, i_q=i_q, psi_d=psi_d / K, psi_q=psi_q / K, torque=torque / K, B_iron=B_iron / K,
                   regions=REGIONS, pole_pairs=design.p, T_magnet_c=T_m, source="fea")


def operating_point(design, i_d: float, i_q: float, positions: int = 4, T_magnet_c: float | None = None,
                    sector: str = "auto", mesh: MeshSpec | None = None, span_elec_deg: float = 60.0) -> dict:
    """Position-resolved result at one (i_d, i_q): dict with theta_e (rad), psi_d, psi_q (Wb),
    torque (N m, Arkkio) per position and their means, and torque_dq = 1.5 p (psi_d i_q - psi_q i_d)."""
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    angles = _positions(design, positions, span_elec_deg)
    out = {"theta_e": [], "psi_d": [], "psi_q": [], "torque": [], "elements": []}
    for ang in angles:
        pos = _position(design, ang, sector, mesh, T_m)
        cur = dq_to_abc(i_d, i_q, pos.theta_x) / pos.section.parallel_paths
        sol = solve(pos.problem, dict(zip(("A", "B", "C"), cur)))
        pd, pq = abc_to_dq(pos.section.phase_flux_linkage(flux_linkage(sol)), pos.theta_x)
        out["theta_e"].append(float(pos.theta_x[0]))
        out["psi_d"].append(pd)
        out["psi_q"].append(pq)
        out["torque"].append(pos.section.torque(sol))
        out["elements"].append(pos.problem.tri.shape[0])
    res = {k: np.asarray(v) for k, v in out.items()}
    for k in ("psi_d", "psi_q", "torque"):
        res[k + "_mean"] = float(np.mean(res[k]))
    res["torque_dq"] = 1.5 * design.p * (res["psi_d_mean"] * i_q - res["psi_q_mean"] * i_d)
    return res


@dataclass(frozen=True)
class NoLoad:
    """Open-circuit results (magnets at T_magnet_c, no current).

    theta_e: (n,) electrical angles of the waveform over one period, rad; psi_abc: (3, n) phase flux
    linkages, Wb; psi_pm: fundamental amplitude of the phase flux linkage, Wb (peak); harmonics: (h,)
    orders 1, 3, 5, ... and psi_harmonics (h,) their amplitudes, Wb; emf_ll_rms_per_krpm: line-to-line
    rms back-EMF at 1000 rpm incl. harmonics, V; emf_ll_harmonics: (h,) line-to-line peak amplitudes of
    the harmonics at 1000 rpm, V; emf_phase_fund_peak_per_krpm: phase fundamental peak at 1000 rpm, V;
    cogging_angle: (m,) mechanical rotor angles over one slot pitch, rad; cogging_torque: (m,) N m.
    """

    theta_e: np.ndarray
    psi_abc: np.ndarray
    psi_pm: float
    harmonics: np.ndarray
    psi_harmonics: np.ndarray
    emf_ll_rms_per_krpm: float
    emf_ll_harmonics: np.ndarray
    emf_phase_fund_peak_per_krpm: float
    cogging_angle: np.ndarray
    cogging_torque: np.ndarray

    @property
    def cogging_peak_to_peak(self) -> float:
        return float(np.ptp(self.cogging_torque)) if self.cogging_torque.size else 0.0


def no_load(design, positions: int = 12, T_magnet_c: float | None = None, sector: str = "auto",
            mesh: MeshSpec | None = None, cogging_positions: int = 0) -> NoLoad:
    """Open-circuit flux linkage over one electrical period, back-EMF and cogging torque.

    ``positions`` rotor positions over half an electrical period (the other half from the half-wave
    symmetry psi(theta_e + pi) = -psi(theta_e) of the alternating poles); the spectrum keeps the odd
    orders. EMF: e = d psi / dt at 1000 rpm (omega_e = p * 1000 * 2 pi / 60), line-to-line
    e_ab = e_a - e_b. ``cogging_positions`` rotor positions over one slot pitch (0: none).
    """
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    n = int(positions)
    angles = _positions(design, n, 180.0)
    psi = np.zeros((3, n))
    prev = None
    for k, ang in enumerate(angles):
        pos = _position(design, ang, sector, mesh, T_m)
        A0 = None if prev is None else _transfer(prev, pos, math.radians(ang - angles[k - 1]))
        sol = solve(pos.problem, A0=A0)
        psi[:, k] = pos.section.phase_flux_linkage(flux_linkage(sol))
        prev = (pos, sol.A)
    th = np.linspace(0.0, 2 * math.pi, 2 * n, endpoint=False)
    wave = np.concatenate((psi, -psi), axis=1)
    spec = np.fft.rfft(wave, axis=1) * 2.0 / (2 * n)
    orders = np.arange(1, n, 2)
    amp_a = np.abs(spec[0, orders])
    w_e = design.p * 1000.0 * 2 * math.pi / 60.0
    ll = spec[0, orders] - spec[1, orders]
    E_ll = orders * w_e * np.abs(ll)
    cog_a, cog_t = np.zeros(0), np.zeros(0)
    if cogging_positions:
        m = int(cogging_positions)
        slot = 2 * math.pi / design.stator.Q
        cog_a = np.arange(m) * slot / m
        th0 = d_axis_angle_deg(design)
        ts = []
        for a in cog_a:
            pos = _position(design, th0 + math.degrees(a), sector, mesh, T_m)
            sol = solve(pos.problem)
            ts.append(pos.section.torque(sol))
        cog_t = np.asarray(ts)
    return NoLoad(theta_e=th, psi_abc=wave, psi_pm=float(amp_a[0]), harmonics=orders, psi_harmonics=amp_a,
                  emf_ll_rms_per_krpm=float(math.sqrt(np.sum(E_ll**2) / 2.0)), emf_ll_harmonics=E_ll,
                  emf_phase_fund_peak_per_krpm=float(w_e * amp_a[0]), cogging_angle=cog_a, cogging_torque=cog_t)
