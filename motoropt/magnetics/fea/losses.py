"""Iron and magnet losses from the embedded FEA's field waveforms on the flux-map grid.

For every (i_d, i_q) of a fast FEA flux map (:func:`motoropt.magnetics.fea.fluxmap_fea.fea_fluxmap`
with ``waveform_losses``) the solved fields at the map's K rotor positions are sampled at fixed
points and turned into frequency-independent loss terms stored with the map
(:class:`motoropt.magnetics.fluxmap.FluxMap` ``loss_terms``, ``magnet_loss``, ``magnet_pwm``);
:mod:`motoropt.drive.losses` applies the frequency at each operating point.

Sampling (SI units; one modelled sector, antiperiodic or periodic images mapped back with sign):
- stator: a polar grid over the sector (steel points only; mass weights r dr dtheta L k_fe rho x
  sectors), split into "stator_teeth" (r below the slot bottom, tips included) and "stator_yoke".
  The map's positions span 60 electrical degrees; the full electrical period comes from the
  machine's symmetry: with an integer number of slots per pole and phase (checked), turning the
  rotor by 60 electrical degrees and the stator pattern by Q/(6p) slots maps the slot currents
  onto themselves, so B(x, theta + m 60 deg) = R(m alpha) B(R(-m alpha) x, theta) (alpha = 60 deg
  / p mechanical). K positions give 6K samples per period at each stator point.
- rotor: a polar grid over pole 0 in the rotor frame (steel points and magnet points, found with
  the rotor's own pole polygons), followed with the rotor; in the rotor frame the field repeats
  every 60 electrical degrees (same symmetry), so the K positions are one period at 6 f_e.
- magnets: A_z at the magnet points (barycentric in the containing element).

Loss terms per region (per kg, frequency-free; harmonic order n in units of f_e):
  S_h = sum_n n B_n^2,  S_c = sum_n n^2 B_n^2,  S_e = sum_n (n B_n)^1.5,
with B_n^2 = |B_x,n|^2 + |B_y,n|^2 (two orthogonal alternating components: a rotating field counts
twice its alternating value, the usual superposition; stated), so Bertotti's model gives
P = k_b m (kh f S_h + kc f^2 S_c + ke f^1.5 S_e) (exact for the classical term, a superposition
approximation for hysteresis and excess loss; minor loops and DC bias not modelled).

Magnets: 2-D resistance-limited eddy currents J = -sigma (dA/dt - <dA/dt>_piece) (zero net current
in each magnet piece), the magnet's own reaction field neglected (valid while the piece is thin
against the skin depth at the harmonic frequencies, e.g. 8.7 mm at 4.8 kHz for sintered NdFeB
against a 18.9 mm Prius piece: an overestimate there, stated), with the 3-D end factor of a plate
of width b and axial length L_m, k = 1 - (192 / pi^5) (b / L_m) sum_odd tanh(n pi L_m / 2b) / n^5
(the loss of a rectangular plate in a uniform normal field relative to the infinitely long plate;
the same series as the torsion constant of a rectangular bar, Timoshenko & Goodier, Theory of
Elasticity, 1970, sec. 109). Under load: magnet_loss = P / f_e^2 (W/Hz^2). PWM ripple:
a_d = dA/di_d, a_q = dA/di_q from central differences over the map's current grid (secants over
one grid step, stated), M_xy = sigma L_m k sum_pieces int a_x' a_y' dS (zero-mean parts), W per
(A/s)^2, averaged over the positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.magnetics.fea.machine import dq_to_abc, phase_axes

STATOR_REGIONS = ("stator_teeth", "stator_yoke")
ROTOR_REGION = "rotor_core"
N_R_STATOR, N_A_STATOR = 48, 24  # radial levels over the stator, angles per 60 electrical degrees
H_ROTOR = 0.6e-3  # rotor grid step (radial, and angular at the rotor surface), m


def sixty_degree_symmetry(design) -> bool:
    """True if turning the rotor by 60 electrical degrees and the slot pattern by Q/(6p) slots maps
    the slot currents of any (i_d, i_q) onto themselves (integer slots per pole and phase)."""
    Q, p = design.stator.Q, design.p
    if Q % (6 * p):
        return False
    s = Q // (6 * p)
    lay = np.asarray(design.winding.layout)
    axes = np.asarray(phase_axes(design.winding))
    alpha = math.pi / (3 * p)
    for i_d, i_q in ((1.0, 0.0), (0.0, 1.0)):
        for th in (0.1, 0.7):
            c0 = _slot_currents(lay, dq_to_abc(i_d, i_q, p * th - axes))
            c1 = _slot_currents(lay, dq_to_abc(i_d, i_q, p * (th + alpha) - axes))
            if not np.allclose(np.roll(c0, s), c1, atol=1e-9):
                return False
    return True


def _slot_currents(lay, i_abc):
    out = np.zeros(lay.shape[0])
    for layer in range(lay.shape[1]):
        out += lay[:, layer, 1] * np.asarray(i_abc)[lay[:, layer, 0].astype(int)]
    return out


def plate_end_factor(b: float, L: float, terms: int = 50) -> float:
    """3-D end factor of the eddy loss of a rectangular plate (width b, length L) in a uniform
    normal field relative to the 2-D (infinitely long) plate (module docstring); -> 1 - 0.630 b / L
    for L >> b."""
    if b <= 0 or L <= 0:
        return 1.0
    if b > L:
        b, L = L, b
    s = sum(math.tanh(n * math.pi * L / (2 * b)) / n ** 5 for n in range(1, 2 * terms, 2))
    return 1.0 - 192.0 / math.pi ** 5 * (b / L) * s


@dataclass(frozen=True)
class WaveGrid:
    """Fixed sample points (module docstring), m, with mass weights (kg) and classification.

    stator_xy (n_s, 2): physical points in the sector at rotor angle independence; stator_mass (n_s,);
    stator_region (n_s,) index into STATOR_REGIONS. rotor_xy (n_r, 2): rotor-frame points of pole 0
    (pole axis along +x); rotor_mass (n_r,) kg for steel points (0 for magnet points);
    magnet_piece (n_r,) piece index (-1: steel); magnet_area (n_r,) m^2 of magnet points.
    n_poles: poles the rotor samples stand for (2p); sectors; L: stack length; L_magnet; sigma_magnet;
    end_factor: the plate factor of the magnet pieces."""

    stator_xy: np.ndarray
    stator_mass: np.ndarray
    stator_region: np.ndarray
    rotor_xy: np.ndarray
    rotor_mass: np.ndarray
    magnet_piece: np.ndarray
    magnet_area: np.ndarray
    n_poles: int
    sector_start: float
    sector_span: float
    antiperiodic: bool
    alpha: float
    L_magnet: float
    sigma_magnet: float
    end_factor: float


def wave_grid(design, position) -> WaveGrid:
    """The sample points of a design for the sector of a solved-geometry position (an object with
    ``section`` and ``problem``, e.g. one rotor position of the flux map): stator points kept where
    the position's mesh has stator steel (the stator does not move), rotor points classified with
    the rotor's pole polygons."""
    from matplotlib.path import Path as MplPath
    from matplotlib.tri import Triangulation

    section, P = position.section, position.problem
    s, r = design.stator, design.rotor
    c0, c1 = (math.radians(a) for a in section.sector_deg)
    span = c1 - c0
    alpha = math.pi / (3 * design.p)
    # stator: polar grid, angles at half steps (never on a cut), radii at half steps
    n_a = int(round(N_A_STATOR * span / alpha))
    th = c0 + (np.arange(n_a) + 0.5) * span / n_a
    Ri, Ro = 0.5 * s.D_i, 0.5 * s.D_o
    rr = Ri + (np.arange(N_R_STATOR) + 0.5) * (Ro - Ri) / N_R_STATOR
    R, T = np.meshgrid(rr, th, indexing="ij")
    dA = R * ((Ro - Ri) / N_R_STATOR) * (span / n_a)
    xy = np.column_stack([(R * np.cos(T)).ravel(), (R * np.sin(T)).ravel()])
    finder = Triangulation(P.nodes[:, 0], P.nodes[:, 1], P.tri).get_trifinder()
    e = finder(xy[:, 0], xy[:, 1])
    steel_id = P.mats.names.index("stator_steel") if "stator_steel" in P.mats.names else -1
    keep = (e >= 0) & (P.emat[np.maximum(e, 0)] == steel_id)
    m_st = (dA * s.L * s.stacking_factor * design.steel.density * section.sectors).ravel()[keep]
    reg = np.where(R.ravel() < section.R_tooth_root, 0, 1)[keep]
    # rotor: polar grid over pole 0 in the rotor frame
    Rsh, Rr = 0.5 * r.D_shaft, r.R
    n_r = max(8, int(math.ceil((Rr - Rsh) / H_ROTOR)))
    n_t = max(8, int(math.ceil(Rr * math.pi / design.p / H_ROTOR)))
    rr2 = Rsh + (np.arange(n_r) + 0.5) * (Rr - Rsh) / n_r
    th2 = -math.pi / (2 * design.p) + (np.arange(n_t) + 0.5) * (math.pi / design.p) / n_t
    R2, T2 = np.meshgrid(rr2, th2, indexing="ij")
    dA2 = (R2 * ((Rr - Rsh) / n_r) * ((math.pi / design.p) / n_t)).ravel()
    rxy = np.column_stack([(R2 * np.cos(T2)).ravel(), (R2 * np.sin(T2)).ravel()])
    piece = np.full(len(rxy), -1)
    hole = np.zeros(len(rxy), bool)
    polys = r.pole_polygons()
    k_mag = 0
    for kind, poly, _ in polys:
        inside = MplPath(np.asarray(poly, float)).contains_points(rxy)
        if kind == "magnet":
            piece[inside & (piece < 0)] = k_mag
            k_mag += 1
        else:
            hole |= inside
    steel = (piece < 0) & ~hole
    use = steel | (piece >= 0)
    m_r = np.where(steel, dA2 * r.L * r.stacking_factor * design.rotor_steel.density, 0.0) * 2 * design.p
    width = r.magnet_width / max(int(getattr(r, "magnet_segments", 1)), 1)
    return WaveGrid(stator_xy=xy[keep], stator_mass=m_st, stator_region=reg, rotor_xy=rxy[use], rotor_mass=m_r[use],
                    magnet_piece=piece[use], magnet_area=np.where(piece >= 0, dA2, 0.0)[use], n_poles=2 * design.p,
                    sector_start=c0, sector_span=span, antiperiodic=section.antiperiodic, alpha=alpha,
                    L_magnet=r.L, sigma_magnet=1.0 / design.magnet.resistivity,
                    end_factor=plate_end_factor(width, r.L))


def _into_sector(xy, c0, span, antiperiodic):
    """Images of physical points in the modelled sector: (points, sign, rotation k span of the image)."""
    ang = np.arctan2(xy[:, 1], xy[:, 0])
    k = np.floor((ang - c0) / span)
    rot = -k * span
    c, s = np.cos(rot), np.sin(rot)
    q = np.column_stack([c * xy[:, 0] - s * xy[:, 1], s * xy[:, 0] + c * xy[:, 1]])
    sign = np.where(k % 2 == 0, 1.0, -1.0) if antiperiodic else np.ones(len(xy))
    return q, sign, -rot


class PositionSampler:
    """Sampling operators of one rotor position (one mesh): stator points for the 6 symmetry shifts,
    rotor steel points and magnet points; :meth:`sample` gives (B_stator (n_s, 6, 2) in the physical
    frame, B_rotor (n_r, 2) in the rotor frame, A_magnet (n_m,))."""

    def __init__(self, grid: WaveGrid, problem, rotor_angle_rad: float):
        from matplotlib.tri import Triangulation

        P = problem
        finder = Triangulation(P.nodes[:, 0], P.nodes[:, 1], P.tri).get_trifinder()
        g = grid
        self.n_s = len(g.stator_xy)
        el, sg, ro = [], [], []
        for m in range(6):
            a = -m * g.alpha
            c, s = math.cos(a), math.sin(a)
            pts = np.column_stack([c * g.stator_xy[:, 0] - s * g.stator_xy[:, 1],
                                   s * g.stator_xy[:, 0] + c * g.stator_xy[:, 1]])
            q, sign, rot = _into_sector(pts, g.sector_start, g.sector_span, g.antiperiodic)
            e = finder(q[:, 0], q[:, 1])
            el.append(e)
            sg.append(sign * (e >= 0))
            ro.append(rot + m * g.alpha)  # B(x, theta + m alpha) = R(m alpha) B_true(R(-m alpha) x)
        self.s_el = np.maximum(np.stack(el, 1), 0)
        self.s_sign = np.stack(sg, 1)
        sid = P.mats.names.index("stator_steel") if "stator_steel" in P.mats.names else -2
        self.s_valid = np.all((np.stack(el, 1) >= 0) & (P.emat[self.s_el] == sid), axis=1)
        self.s_c, self.s_s = np.cos(np.stack(ro, 1)), np.sin(np.stack(ro, 1))
        # rotor points at this position: physical = R(theta_r) y
        c, s = math.cos(rotor_angle_rad), math.sin(rotor_angle_rad)
        y = g.rotor_xy
        pts = np.column_stack([c * y[:, 0] - s * y[:, 1], s * y[:, 0] + c * y[:, 1]])
        q, sign, rot = _into_sector(pts, g.sector_start, g.sector_span, g.antiperiodic)
        e = finder(q[:, 0], q[:, 1])
        self.r_el = np.maximum(e, 0)
        self.r_sign = sign * (e >= 0)
        names = P.mats.names
        want = np.where(g.magnet_piece >= 0, names.index("magnet") if "magnet" in names else -2,
                        names.index("rotor_steel") if "rotor_steel" in names else -2)
        self.r_valid = (e >= 0) & (P.emat[self.r_el] == want)  # the point lies in its material here
        tot = rot - rotor_angle_rad  # image -> physical (rot), physical -> rotor frame (-theta_r)
        self.r_c, self.r_s = np.cos(tot), np.sin(tot)
        # barycentric weights of the magnet points
        mag = g.magnet_piece >= 0
        self.m_idx = np.nonzero(mag)[0]
        qm, em = q[mag], self.r_el[mag]
        tri = P.tri[em]
        X, Y = P.nodes[tri, 0], P.nodes[tri, 1]
        det = (Y[:, 1] - Y[:, 2]) * (X[:, 0] - X[:, 2]) + (X[:, 2] - X[:, 1]) * (Y[:, 0] - Y[:, 2])
        det = np.where(np.abs(det) > 0, det, 1.0)
        l1 = ((Y[:, 1] - Y[:, 2]) * (qm[:, 0] - X[:, 2]) + (X[:, 2] - X[:, 1]) * (qm[:, 1] - Y[:, 2])) / det
        l2 = ((Y[:, 2] - Y[:, 0]) * (qm[:, 0] - X[:, 2]) + (X[:, 0] - X[:, 2]) * (qm[:, 1] - Y[:, 2])) / det
        self.m_tri = tri
        self.m_w = np.column_stack([l1, l2, 1.0 - l1 - l2])
        self.m_sign = self.r_sign[mag]

    def sample(self, A: np.ndarray, B: np.ndarray):
        """(B_stator (n_s, 6, 2), B_rotor (n_r, 2), A_magnet (n_m,)) of a solution (nodal A, element B)."""
        bx, by = B[self.s_el, 0], B[self.s_el, 1]
        Bs = np.stack([(self.s_c * bx - self.s_s * by) * self.s_sign, (self.s_s * bx + self.s_c * by) * self.s_sign],
                      axis=-1)
        bx, by = B[self.r_el, 0], B[self.r_el, 1]
        Br = np.stack([(self.r_c * bx - self.r_s * by) * self.r_sign, (self.r_s * bx + self.r_c * by) * self.r_sign],
                      axis=-1)
        Am = np.sum(A[self.m_tri] * self.m_w, axis=1) * self.m_sign
        return Bs.astype(np.float32), Br.astype(np.float32), Am


def _harmonic_sums(wave: np.ndarray, order_unit: float):
    """(S_h, S_c, S_e) per point of waveforms (T, n_pts, 2) over one period; harmonic orders of the
    period are multiplied by order_unit (6 for the rotor frame)."""
    n = wave.shape[0]
    F = np.fft.rfft(wave.astype(float), axis=0) * (2.0 / n)
    F = F[1:]
    if n % 2 == 0:
        F[-1] *= 0.5  # the Nyquist bin holds the full amplitude once
    B2 = np.abs(F[..., 0]) ** 2 + np.abs(F[..., 1]) ** 2  # (n_h, n_pts)
    order = order_unit * np.arange(1, F.shape[0] + 1)[:, None]
    Bn = np.sqrt(B2)
    return (np.sum(order * B2, axis=0), np.sum(order * order * B2, axis=0), np.sum((order * Bn) ** 1.5, axis=0))


def _piece_zero_mean(x: np.ndarray, piece: np.ndarray, area: np.ndarray) -> np.ndarray:
    """x (..., n_m) minus its area-weighted mean over each piece."""
    out = np.array(x, dtype=float, copy=True)
    for k in np.unique(piece):
        sel = piece == k
        w = area[sel] / area[sel].sum()
        out[..., sel] -= (out[..., sel] @ w)[..., None]
    return out


def loss_terms(grid: WaveGrid, Bs: np.ndarray, Br: np.ndarray, Am: np.ndarray, valid_s: np.ndarray,
               valid_r: np.ndarray):
    """Terms of one current point from its samples over the K positions: Bs (K, n_s, 6, 2), Br (K, n_r, 2),
    Am (K, n_m). valid_*: steel points in every position. Returns (terms (3 regions, 3), masses (3,),
    magnet_loss W/Hz^2)."""
    K = Bs.shape[0]
    # stator waveform over the period: time index m K + k
    wave = np.transpose(Bs, (2, 0, 1, 3)).reshape(6 * K, Bs.shape[1], 2)
    Sh, Sc, Se = _harmonic_sums(wave, 1.0)
    terms = np.zeros((3, 3))
    masses = np.zeros(3)
    for reg in range(2):
        sel = valid_s & (grid.stator_region == reg)
        m = grid.stator_mass[sel]
        masses[reg] = m.sum()
        if masses[reg] > 0:
            terms[reg] = [np.sum(m * Sh[sel]) / masses[reg], np.sum(m * Sc[sel]) / masses[reg],
                          np.sum(m * Se[sel]) / masses[reg]]
    Sh, Sc, Se = _harmonic_sums(Br, 6.0)
    m = np.where(valid_r, grid.rotor_mass, 0.0)
    masses[2] = m.sum()
    if masses[2] > 0:
        terms[2] = [np.sum(m * Sh) / masses[2], np.sum(m * Sc) / masses[2], np.sum(m * Se) / masses[2]]
    # magnets: rotor-frame period = 60 electrical degrees -> harmonic n at 6 n f_e
    piece = grid.magnet_piece[grid.magnet_piece >= 0]
    area = grid.magnet_area[grid.magnet_piece >= 0]
    A0 = _piece_zero_mean(Am, piece, area)  # (K, n_m)
    F = np.fft.rfft(A0, axis=0) * (2.0 / K)
    F = F[1:]
    if K % 2 == 0 and F.shape[0]:
        F[-1] *= 0.5
    w_n = 2.0 * math.pi * 6.0 * np.arange(1, F.shape[0] + 1)[:, None]  # per Hz of f_e
    mean_dAdt2 = np.sum(0.5 * (w_n * np.abs(F)) ** 2, axis=0)  # <(dA/dt)^2> / f_e^2 per point
    p_mag = grid.sigma_magnet * grid.L_magnet * grid.end_factor * grid.n_poles * np.sum(area * mean_dAdt2)
    return terms, masses, p_mag


def magnet_pwm_terms(grid: WaveGrid, Am_grid: np.ndarray, i_d: np.ndarray, i_q: np.ndarray) -> np.ndarray:
    """(3, n_d, n_q) M_dd, M_dq, M_qq (W per (A/s)^2) from the magnet A samples Am_grid (K, n_d, n_q, n_m)
    by central differences over the current grid (one-sided at the edges), averaged over positions."""
    piece = grid.magnet_piece[grid.magnet_piece >= 0]
    area = grid.magnet_area[grid.magnet_piece >= 0]
    A = _piece_zero_mean(Am_grid, piece, area)
    ad = np.gradient(A, i_d, axis=1)
    aq = np.gradient(A, i_q, axis=2)
    c = grid.sigma_magnet * grid.L_magnet * grid.end_factor * grid.n_poles
    out = np.empty((3,) + A.shape[1:3])
    out[0] = c * np.mean(np.sum(ad * ad * area, axis=-1), axis=0)
    out[1] = c * np.mean(np.sum(ad * aq * area, axis=-1), axis=0)
    out[2] = c * np.mean(np.sum(aq * aq * area, axis=-1), axis=0)
    return out
