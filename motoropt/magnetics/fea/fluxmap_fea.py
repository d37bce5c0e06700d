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
- warm starts: at each position the currents are swept in a snake order, each solve starting from the
  previous one (same mesh); the first current of a position starts from the previous position's
  field rotated with the rotor and interpolated onto the new mesh.
- magnets at T_magnet_c (default the design's): B_r(T), mu_r; steel B-H curves of the design.

Units: A (peak phase), Wb (peak phase flux linkage), N m, T, rad, V.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.magnetics.fea.machine import MeshSpec, abc_to_dq, build_section, d_axis_angle_deg, dq_to_abc
from motoropt.magnetics.fea.mesh import build_mesh
from motoropt.magnetics.fea.post import flux_linkage
from motoropt.magnetics.fea.solver import build_problem, solve
from motoropt.magnetics.fluxmap import FluxMap

REGIONS = ("stator_teeth", "stator_yoke")


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
    out = []
    for sel, comp in (((r > sec.R_tip) & (r < sec.R_tooth_root) & iron, Br), ((r > sec.R_tooth_root) & iron, Bt)):
        if not np.any(sel):
            out.append(0.0)
            continue
        w = P.area[sel]
        # a pole sector holds half a period of the p-pole-pair wave: (2 / area) sum a B e^{-j p theta}
        z = np.sum(w * comp[sel] * np.exp(-1j * p * th[sel])) / np.sum(w)
        out.append(2.0 * abs(z))
    return out


def _positions(design, positions, span_elec_deg, start_elec_deg=0.0):
    if int(positions) < 1:
        raise InputError("positions", positions, ">= 1")
    th0 = d_axis_angle_deg(design)
    step = span_elec_deg / design.p / int(positions)
    return [th0 + start_elec_deg / design.p + k * step for k in range(int(positions))]


def fea_fluxmap(design, i_d_axis, i_q_axis, positions: int = 4, T_magnet_c: float | None = None,
                sector: str = "auto", mesh: MeshSpec | None = None, span_elec_deg: float = 60.0,
                tol: float = 1e-7) -> FluxMap:
    """FluxMap (source "fea") on the grid i_d_axis x i_q_axis (A peak; i_q_axis ascending from 0).

    See the module docstring. ``positions`` rotor positions over ``span_elec_deg`` electrical degrees.
    """
    i_d = np.asarray(i_d_axis, float)
    i_q = np.asarray(i_q_axis, float)
    if i_d.ndim != 1 or i_q.ndim != 1 or i_d.size < 1 or i_q.size < 1:
        raise InputError("i_d_axis, i_q_axis", (i_d.shape, i_q.shape), "1-D arrays")
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    n_d, n_q = i_d.size, i_q.size
    psi_d = np.zeros((n_d, n_q))
    psi_q = np.zeros((n_d, n_q))
    torque = np.zeros((n_d, n_q))
    B_iron = np.zeros((2, n_d, n_q))
    angles = _positions(design, positions, span_elec_deg)
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
