"""Finite-element cross-section of a motoropt :class:`~motoropt.machines.pmsm.design.Design` (one pole, one pole pair
or the full machine) as a :class:`~.geometry2d.Geometry` for the embedded solver, the .fem writer and FEMM.

Model (SI units; planar, magnetostatic, depth = stack length L):
- stator lamination: annulus R_i = D_i/2 .. R_o = D_o/2 with Q trapezoidal slots (width w_top at
  R_i + h_tip, w_bot at R_i + slot_depth, flat bottom) and a rectangular slot opening of width b_0
  and height h_tip (the tooth tips); the opening is air joined to the air gap. B-H curve of
  ``design.steel`` with the stacking factor as FEMM's lamination fill (B = f B_fe(H) + (1-f) mu0 H).
- winding: each slot (single layer) or each half slot (double layer: radial top/bottom halves for
  distributed windings, side-by-side halves for tooth coils) is a stranded region of circuit "A", "B"
  or "C" with ``turns = sign * turns_per_coil`` (:attr:`Winding.layout`); the circuit current is the
  conductor current i_phase / a (a parallel paths). Phase flux linkage = (sectors / a) * the
  flux linkage of the modelled circuit (:meth:`MachineSection.phase_flux_linkage`).
- air gap: three concentric air layers; the middle one (r_1 .. r_2) is the Arkkio band. Rotor motion is
  a remesh per position (Triangle meshes ~15k elements in tens of ms).
- rotor, interior PM (V or flat): per pole a barrier of thickness h_m below the straight upper edge from
  the vertex (depth ``v_depth`` at the pole axis, half post width off the axis) to the outer tip on the
  circle R - bridge; the barrier ends in a cap perpendicular to the leg at that tip. Each leg holds a
  magnet of width ``magnet_width`` from the vertex end; the rest of the hole is air. Magnetisation
  perpendicular to the magnet face, towards the air gap on N poles (pole 0 is N, poles alternate).
  Surface PM: radially magnetised arcs of ``pole_arc_ratio`` between R_core and R_magnet, a non-magnetic
  sleeve (air). Arc barrier (ipm_arc, bonded magnet): the band of :func:`arc_pole_polygons`, filled with
  magnet, magnetised normal to the arc towards its centre (N pole towards the gap) in angular segments of
  <= 6 deg. Magnets are linear: B_r(T_magnet) and mu_r, H_c = B_r / (mu0 mu_r).
- shaft: non-magnetic, modelled as the boundary A = 0 at D_shaft/2 (no flux enters it; exact for a
  non-magnetic shaft up to the leakage through it, which the multi-pole field makes negligible).
- boundaries: A = 0 on the stator outer circle and the shaft circle; on the two radial sector cuts
  (through tooth centres: stator unchanged by the cut) antiperiodic for a one-pole sector, periodic
  for a pole pair. Rotor pieces are the full rotor's polygons rotated to the rotor angle and clipped
  to the sector (Sutherland-Hodgman against the wedge), so any rotor angle works.
- electrical angle: theta_e = p theta_r - phi_A, with phi_A the phase-A axis (the electrical angle at
  which the magnet flux linkage of phase A is largest, from the winding's slot phasors); rotor pole 0
  (N) lies at the mechanical angle theta_r. Phase x has axis phi_x; Park transform on those axes.

Groups: 1 rotor (iron, magnets, rotor air layer), 0 stator, 2 air-gap band.

A machine family that draws its own section (the outer rotor: stator inside with outward slots)
registers its builder for its topology (:func:`register_section_builder`); :func:`build_section`
hands those designs to it, so the flux maps, no-load and operating-point functions serve every
family alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from motoropt.constants import MU0
from motoropt.errors import InputError
from motoropt.geometry.polygons import clip_wedge, interior_point, polygon_area, pt, rotate
from motoropt.magnetics.fea.geometry2d import NO_MESH, Boundary, Circuit, Geometry, Material
from motoropt.magnetics.fea.post import arkkio_torque

PHASES = ("A", "B", "C")
GROUP_STATOR, GROUP_ROTOR, GROUP_BAND = 0, 1, 2
SECTORS = ("auto", "pole", "pole_pair", "unit", "full")


@dataclass(frozen=True)
class MeshSpec:
    """Element sizes (FEMM mesh size d, m) of the machine model; None = derived from the design.

    h_gap: element size in the air gap (default the thickness of one of its three layers, g/3); h_rotor, h_magnet, h_stator, h_coil: region sizes
    (defaults scale with the slot pitch); scale multiplies all defaults (smaller = finer).
    """

    h_gap: float | None = None
    h_rotor: float | None = None
    h_magnet: float | None = None
    h_stator: float | None = None
    h_coil: float | None = None
    scale: float = 1.0


@dataclass
class MachineSection:
    """A machine cross-section ready to mesh, with what post-processing needs.

    geometry: the Geometry; sectors: number of modelled sectors making the full machine; antiperiodic:
    True for a one-pole sector; sector_deg: (start, end) mechanical angles of the sector, deg;
    r_band: (r_1, r_2) radii of the Arkkio band, m; phase_axes_rad: electrical axis phi of phases A, B, C;
    rotor_angle_deg: mechanical angle of pole 0's axis; theta_e: electrical angle p theta_r - phi_A, rad;
    parallel_paths: a; R_i, R_tooth_root: the stator's gap-side and slot-bottom radii (teeth / yoke
    split; R_tooth_root < R_i when the slots open outwards), m; p: pole pairs; torque_sign: +1 for a
    rotor inside the band, -1 for an outer rotor.
    """

    geometry: Geometry
    sectors: int
    antiperiodic: bool
    sector_deg: tuple
    r_band: tuple
    phase_axes_rad: tuple
    rotor_angle_deg: float
    theta_e: float
    parallel_paths: int
    R_i: float
    R_tip: float
    R_tooth_root: float
    p: int
    info: dict = field(default_factory=dict)
    torque_sign: float = 1.0  # -1 when the rotor is outside the band (Arkkio gives the torque inside it)

    def torque(self, sol) -> float:
        """Arkkio torque on the rotor of the full machine, N m, from the middle air-gap layer (r_1 .. r_2)."""

        r1, r2 = self.r_band
        return arkkio_torque(sol, r1, r2) * self.sectors * self.torque_sign

    def phase_flux_linkage(self, circuit_psi: dict) -> np.ndarray:
        """Phase flux linkages (3,), Wb, of the full machine from the modelled circuits' (post.flux_linkage)."""
        return np.array([circuit_psi[n] for n in PHASES]) * self.sectors / self.parallel_paths


def phase_axes(winding) -> tuple:
    """Electrical angles (rad) of the phase axes: phi_x = arg(sum_sides s e^{j p theta_k}) - pi/2.

    With B_r = B cos(p(theta - theta_r)) at the gap, A_z = (r B / p) sin(p (theta - theta_r)) and a coil
    side of sign s in slot k links s A(theta_k); the sum is largest at p theta_r = phi_x.
    """
    Q, p = winding.slots, winding.pole_pairs
    lay = np.asarray(winding.layout)
    th = 2.0 * math.pi * np.arange(Q) / Q
    out = []
    for ph in range(3):
        z = 0j
        for layer in range(lay.shape[1]):
            sel = lay[:, layer, 0] == ph
            z += np.sum(lay[sel, layer, 1] * np.exp(1j * p * th[sel]))
        out.append(float(np.angle(z) - math.pi / 2))
    return tuple(out)


def dq_to_abc(i_d: float, i_q: float, theta_e_x) -> np.ndarray:
    """Phase currents i_x = i_d cos(th_x) - i_q sin(th_x) (amplitude-invariant), th_x = p theta_r - phi_x."""
    t = np.asarray(theta_e_x, float)
    return i_d * np.cos(t) - i_q * np.sin(t)


def abc_to_dq(x_abc, theta_e_x) -> tuple:
    """Amplitude-invariant Park: d = 2/3 sum x cos th_x, q = -2/3 sum x sin th_x."""
    t = np.asarray(theta_e_x, float)
    x = np.asarray(x_abc, float)
    return float(2.0 / 3.0 * np.sum(x * np.cos(t))), float(-2.0 / 3.0 * np.sum(x * np.sin(t)))


# ---------------------------------------------------------------------- builder
def _sector_symmetry(lay: np.ndarray, Q: int, p: int, n: int):
    """(ok, antiperiodic) of a sector of 1/n of the machine (Q/n slots, 2p/n poles): antiperiodic if it
    holds an odd number of poles and the slot layout rolled by Q/n slots is the negated layout,
    periodic if an even number and the rolled layout is the same."""
    if Q % n or (2 * p) % n:
        return False, False
    rolled = np.roll(lay, -Q // n, axis=0)
    if ((2 * p) // n) % 2:
        ok = np.array_equal(rolled[:, :, 0], lay[:, :, 0]) and np.array_equal(-rolled[:, :, 1], lay[:, :, 1])
        return ok, True
    return np.array_equal(rolled, lay), False


def sector_info(design, sector: str):
    """(sectors, antiperiodic, sector angle rad) of a sector choice; InputError if the winding lacks it.

    "pole": one pole, antiperiodic; "pole_pair": one pole pair, periodic; "full": the whole machine;
    "unit": the smallest sector the slot layout and the rotor repeat over (Q/n slots, 2p/n poles,
    antiperiodic for an odd pole count; e.g. a 48-slot 40-pole double-layer machine: 1/8, 6 slots and 5
    poles, antiperiodic); "auto": "pole" when the winding allows it, else "unit" (the default of the
    design pipeline)."""
    if sector not in SECTORS:
        raise InputError("sector", sector, f"one of {SECTORS}")
    Q, p = design.stator.Q, design.p
    lay = np.asarray(design.winding.layout)
    if sector == "full":
        return 1, False, 2 * math.pi
    if sector in ("auto", "unit"):
        if sector == "auto" and _sector_symmetry(lay, Q, p, 2 * p)[0]:
            return 2 * p, True, math.pi / p
        for n in range(2 * p, 1, -1):
            ok, anti = _sector_symmetry(lay, Q, p, n)
            if ok:
                return n, anti, 2 * math.pi / n
        return 1, False, 2 * math.pi
    if sector == "pole":
        if not _sector_symmetry(lay, Q, p, 2 * p)[0]:
            raise InputError("sector", sector, "'pole_pair', 'unit', 'auto' or 'full' (winding not antiperiodic "
                                               "over one pole)")
        return 2 * p, True, math.pi / p
    if p == 1:
        return 1, False, 2 * math.pi
    ok, _ = _sector_symmetry(lay, Q, p, p)
    if not ok:
        raise InputError("sector", sector, "'unit', 'auto' or 'full' (winding not periodic over one pole pair)")
    return p, False, 2 * math.pi / p


def _default_mesh(design, mesh: MeshSpec | None) -> dict:
    m = mesh or MeshSpec()
    s = design.stator
    tau = s.slot_pitch
    g = design.air_gap
    k = m.scale
    return dict(h_gap=m.h_gap or k * min(g / 3.0, tau / 16), h_rotor=m.h_rotor or k * tau / 12.0,
                h_magnet=m.h_magnet or k * min(tau / 12, 0.25 * design.rotor.magnet_thickness),
                h_stator=m.h_stator or k * tau / 7.0, h_coil=m.h_coil or k * tau / 6.0)


class SectionDrawer:
    """Draws a machine section into a :class:`Geometry`: segments without duplicates, arcs in
    pieces of <= 90 deg, the sector wedge c0..c1 (``full``: the whole machine) with the radii where
    contours meet its cut lines, and the parts every radial-flux section shares (shaft, outer and
    air-gap band circles, the slotted stator with its coils, the sector cut boundaries)."""

    def __init__(self, geo: Geometry, full: bool, c0: float, c1: float, radii=()):
        self.geo, self.full, self.c0, self.c1 = geo, full, c0, c1
        self.seg_keys: set = set()
        self.cut_radii = set(radii)

    def seg(self, pa, pb, boundary=None, group=0) -> None:
        geo = self.geo
        na, nb = geo.add_node(*pa, group=group), geo.add_node(*pb, group=group)
        if na == nb:
            return
        key = (min(na, nb), max(na, nb))
        if key in self.seg_keys:
            return
        self.seg_keys.add(key)
        geo.add_segment(pa, pb, boundary=boundary, group=group)

    def arc(self, rad, a0, a1, max_deg, boundary=None, group=0) -> None:
        """Counter-clockwise arc(s) a0 -> a1 (rad) of radius rad, pieces <= 180 deg (split in <= 90)."""
        tot = a1 - a0
        if tot <= 1e-12:
            return
        n = max(1, int(math.ceil(math.degrees(tot) / 90.0 - 1e-9)))
        for k in range(n):
            b0, b1 = a0 + tot * k / n, a0 + tot * (k + 1) / n
            self.geo.add_arc(pt(rad, b0), pt(rad, b1), math.degrees(b1 - b0), max_deg, boundary, group)

    def sector_arc(self, rad, max_deg, boundary=None, group=0) -> None:
        """The circle of radius ``rad`` over the whole sector."""
        if self.full:
            self.arc(rad, 0.0, 2 * math.pi, max_deg, boundary, group)
        else:
            self.arc(rad, self.c0, self.c1, max_deg, boundary, group)

    def on_cut(self, q):
        """Index of the cut line (0: c0, 1: c1) point q lies on, else None."""
        if self.full:
            return None
        for ci, c in enumerate((self.c0, self.c1)):
            if abs(-math.sin(c) * q[0] + math.cos(c) * q[1]) < 1e-9 and (math.cos(c) * q[0] + math.sin(c) * q[1]) > 0:
                return ci
        return None

    def circles(self, Rsh: float, Ro: float, r1: float, r2: float, gap_deg: float) -> None:
        """Shaft (A = 0; outside the domain), stator outer circle (A = 0) and the band's two circles."""
        self.sector_arc(Rsh, 3.0, "A0", GROUP_ROTOR)
        if self.full:
            self.geo.add_label(0.0, 0.0, NO_MESH, group=GROUP_ROTOR)  # the shaft is outside the domain
        self.sector_arc(Ro, 2.0, "A0", GROUP_STATOR)
        for rad in (r1, r2):
            self.sector_arc(rad, gap_deg, None, GROUP_BAND)

    def stator(self, design, h: dict, span: float, gap_deg: float, r2: float, steel_angle: float,
               air_angle: float, slots_outward: bool = False) -> tuple[float, float]:
        """Slots (openings, bodies, coil regions of the layout, single layer, radial halves or side by
        side for tooth coils) whose centres lie in the sector, the bore arcs, and the stator steel and
        gap-air labels at the given angles. Returns (x_tip, x_bot): slot radii of the tips and bottoms.
        ``slots_outward``: the stator of an outer-rotor machine (its gap surface is D_o / 2, the slots
        run inwards from it, the yoke lies between the slot bottoms and D_i / 2); ``r2`` is the band
        radius on the stator's side."""
        geo, s, w = self.geo, design.stator, design.winding
        Q, Ri, Ro = s.Q, 0.5 * s.D_i, 0.5 * s.D_o
        if slots_outward:  # gap at the outer diameter, yoke towards the inner one
            Ri, Ro = Ro, Ri
        sgn = -1.0 if slots_outward else 1.0
        x_tip = Ri + sgn * s.tip_height
        x_bot = Ri + sgn * s.slot_depth
        b0 = 0.5 * s.slot_opening
        wt, wb = 0.5 * s.slot_width_top, 0.5 * s.slot_width_bottom
        xb0 = math.sqrt(Ri * Ri - b0 * b0)
        n_slots = Q if self.full else int(round(span / (2 * math.pi / Q)))
        lay = np.asarray(w.layout)
        tooth_coil = w.coil_pitch == 1
        tpc = int(w.turns_per_coil)
        opening_angles = []
        for k in range(n_slots):
            ak = 2 * math.pi * k / Q
            op = rotate([(xb0, -b0), (x_tip, -b0), (x_tip, b0), (xb0, b0)], ak)  # opening, open to the gap
            self.seg(op[0], op[1], group=GROUP_STATOR)
            self.seg(op[2], op[3], group=GROUP_STATOR)
            body = rotate([(x_tip, -wt), (x_tip, -b0), (x_tip, b0), (x_tip, wt), (x_bot, wb), (x_bot, -wb)], ak)
            for i in range(len(body)):
                self.seg(body[i - 1], body[i], group=GROUP_STATOR)
            opening_angles.append((ak - math.asin(b0 / Ri), ak + math.asin(b0 / Ri)))
            ph_sign = [(int(lay[k, L, 0]), int(lay[k, L, 1])) for L in range(lay.shape[1])]
            if len(ph_sign) == 1:
                ph, sg = ph_sign[0]
                geo.add_label(*pt(0.5 * (x_tip + x_bot), ak), "copper", h["h_coil"], circuit=PHASES[ph],
                              group=GROUP_STATOR, turns=sg * tpc)
            elif tooth_coil:  # side by side: layer 0 on the +theta half
                sp = rotate([(x_tip, 0.0), (x_bot, 0.0)], ak)
                self.seg(sp[0], sp[1], group=GROUP_STATOR)
                for L, (ph, sg) in enumerate(ph_sign):
                    off = 0.5 * min(wt, wb) * (1 if L == 0 else -1)
                    geo.add_label(*rotate([(0.5 * (x_tip + x_bot), off)], ak)[0], "copper", h["h_coil"],
                                  circuit=PHASES[ph], group=GROUP_STATOR, turns=sg * tpc)
            else:  # radial halves: layer 0 near the gap
                xm, wm = 0.5 * (x_tip + x_bot), 0.5 * (wt + wb)
                sp = rotate([(xm, -wm), (xm, wm)], ak)
                self.seg(sp[0], sp[1], group=GROUP_STATOR)
                for L, (ph, sg) in enumerate(ph_sign):
                    xx = 0.5 * (x_tip + xm) if L == 0 else 0.5 * (xm + x_bot)
                    geo.add_label(*pt(xx, ak), "copper", h["h_coil"], circuit=PHASES[ph], group=GROUP_STATOR,
                                  turns=sg * tpc)
        for k in range(n_slots):  # bore arcs (tooth faces)
            a_start = opening_angles[k][1]
            if k + 1 < n_slots:
                a_end = opening_angles[k + 1][0]
            else:
                a_end = opening_angles[0][0] + 2 * math.pi if self.full else self.c1
            self.arc(Ri, a_start, a_end, gap_deg, None, GROUP_STATOR)
        if not self.full:
            self.arc(Ri, self.c0, opening_angles[0][0], gap_deg, None, GROUP_STATOR)
        geo.add_label(*pt(0.5 * (Ro + x_bot), steel_angle), "stator_steel", h["h_stator"], group=GROUP_STATOR)
        geo.add_label(*pt(0.5 * (r2 + Ri), air_angle), "air", h["h_gap"], group=GROUP_STATOR)
        return x_tip, x_bot

    def cuts(self, antiperiodic: bool) -> None:
        """The two radial cut lines as (anti)periodic boundaries, one per radial interval between the
        radii where contours meet them."""
        if self.full:
            return
        kind = "antiperiodic" if antiperiodic else "periodic"
        radii = sorted(self.cut_radii)
        merged = [radii[0]]
        for q in radii[1:]:
            if q - merged[-1] > 1e-8:
                merged.append(q)
        for i in range(len(merged) - 1):
            name = f"cut{i}"
            self.geo.add_boundary(Boundary(name, kind))
            for c in (self.c0, self.c1):
                self.geo.add_segment(pt(merged[i], c), pt(merged[i + 1], c), boundary=name)


def _bh_material(name: str, steel, lam_fill: float) -> Material:
    H, B = steel.bh_arrays()
    return Material(name, bh=tuple((float(b), float(hh)) for b, hh in zip(B, H) if b > 0 or hh > 0), lam_fill=lam_fill)


def _pm_rotor_poles(dr: SectionDrawer, design, h: dict, th_r: float, R: float) -> None:
    """The PM rotor's poles: every pole's polygons (rotated to the rotor angle, clipped to the
    sector) with magnet labels magnetised N/S alternately."""
    geo, r, p = dr.geo, design.rotor, design.p
    pole_polys = r.pole_polygons()
    if r.surface_mounted:  # the rotor surface R is the sleeve's, not a boundary of the iron
        dr.cut_radii.discard(R)
    area_tol = (0.02e-3) ** 2
    for j in range(2 * p):
        ang = th_r + j * math.pi / p
        sgn = 1.0 if j % 2 == 0 else -1.0
        for kind, poly, mdir in pole_polys:
            P = rotate(poly, ang)
            if not dr.full:
                P = clip_wedge(P, dr.c0, dr.c1)
                if not P or abs(polygon_area(P)) < area_tol:
                    continue
            for i in range(len(P)):
                qa, qb = P[i - 1], P[i]
                ca, cb = dr.on_cut(qa), dr.on_cut(qb)
                if ca is not None:
                    dr.cut_radii.add(math.hypot(*qa))
                if ca is not None and ca == cb:
                    continue  # replaced by the cut-line segments
                dr.seg(qa, qb, group=GROUP_ROTOR)
            x, y = interior_point(P)
            if kind == "magnet":
                if mdir is None:  # SPM radial: FEMM expression, outwards on N poles
                    expr = "theta" if sgn > 0 else "theta+180"
                    geo.add_label(x, y, "magnet", h["h_magnet"], magdir_deg=0.0, group=GROUP_ROTOR, magdir_expr=expr)
                else:
                    d = mdir + math.degrees(ang) + (0.0 if sgn > 0 else 180.0)
                    geo.add_label(x, y, "magnet", h["h_magnet"], magdir_deg=d, group=GROUP_ROTOR)
            else:
                geo.add_label(x, y, "air", h["h_magnet"], group=GROUP_ROTOR)


def _pm_rotor_surface(dr: SectionDrawer, design, h: dict, R: float, r1: float, Rsh: float, gap_deg: float,
                      mid: float) -> None:
    """The rotor surface (IPM: iron/air interface; SPM: the core surface R_core, the sleeve is air)
    and the rotor's steel and air labels."""
    geo, r = dr.geo, design.rotor
    if not r.surface_mounted:
        dr.sector_arc(R, gap_deg, None, GROUP_ROTOR)
        y_mid = Rsh + 0.5 * (R - r.barrier_depth - Rsh)
        geo.add_label(*pt(y_mid, mid), "rotor_steel", h["h_rotor"], group=GROUP_ROTOR)
        geo.add_label(*pt(0.5 * (R + r1), mid), "air", h["h_gap"], group=GROUP_ROTOR)
    else:
        geo.add_label(*pt(0.5 * (Rsh + r.R_core), mid), "rotor_steel", h["h_rotor"], group=GROUP_ROTOR)
        geo.add_label(*pt(0.5 * (r.R_magnet + r1), mid + 1e-3), "air", h["h_gap"], group=GROUP_ROTOR)


#: topology -> the builder of its section (same arguments as :func:`build_section`), registered by the
#: machine family that draws its own section (e.g. the outer-rotor family); the others use the
#: inner-rotor PM section below
SECTION_BUILDERS: dict[str, Callable[..., MachineSection]] = {}


def register_section_builder(topology: str, builder: Callable[..., MachineSection]) -> None:
    """Register a family's section builder for ``topology`` (called by the family's package)."""
    if SECTION_BUILDERS.get(topology, builder) is not builder:
        raise ValueError(f"section builder of {topology!r} registered twice")
    SECTION_BUILDERS[topology] = builder


def build_section(design, rotor_angle_deg: float = 0.0, i_abc=(0.0, 0.0, 0.0), sector: str = "auto",
                  mesh: MeshSpec | None = None, T_magnet_c: float | None = None,
                  i_dq: tuple | None = None) -> MachineSection:
    """The cross-section at mechanical rotor angle ``rotor_angle_deg`` (pole 0's axis), phase currents
    ``i_abc`` (A, peak instantaneous) or ``i_dq`` (A, amplitude-invariant, transformed at the rotor's
    electrical angle; overrides i_abc). See the module docstring for the model; a topology with a
    registered builder (:data:`SECTION_BUILDERS`) is drawn by it."""
    own = SECTION_BUILDERS.get(design.topology)
    if own is not None:
        return own(design, rotor_angle_deg, i_abc, sector, mesh, T_magnet_c, i_dq)
    s, r, w = design.stator, design.rotor, design.winding
    p, Q = design.p, s.Q
    n_sec, anti, span = sector_info(design, sector)
    h = _default_mesh(design, mesh)
    T_m = design.T_magnet_c if T_magnet_c is None else T_magnet_c
    Ri, Ro = 0.5 * s.D_i, 0.5 * s.D_o
    R = r.R
    g = Ri - R
    r1, r2 = R + g / 3.0, R + 2.0 * g / 3.0
    Rsh = 0.5 * r.D_shaft
    full = n_sec == 1
    c0 = -math.pi / Q if not full else 0.0
    c1 = c0 + span
    th_r = math.radians(rotor_angle_deg)
    axes = phase_axes(w)
    theta_e = p * th_r - axes[0]
    if i_dq is not None:
        i_abc = tuple(dq_to_abc(i_dq[0], i_dq[1], p * th_r - np.asarray(axes)))
    a_par = int(w.parallel_paths)

    geo = Geometry(depth=s.L, comment=f"{design.name}: {sector} sector, rotor at {rotor_angle_deg:.4f} deg")
    geo.add_material(_bh_material("stator_steel", design.steel, s.stacking_factor))
    geo.add_material(_bh_material("rotor_steel", design.rotor_steel, r.stacking_factor))
    Br = float(design.magnet.Br(T_m))
    mu_r = float(design.magnet.mu_r)
    geo.add_material(Material("magnet", mu_x=mu_r, mu_y=mu_r, H_c=Br / (MU0 * mu_r)))
    geo.add_material(Material("air"))
    geo.add_material(Material("copper"))
    geo.add_boundary(Boundary("A0", "dirichlet"))
    for k, name in enumerate(PHASES):
        geo.add_circuit(Circuit(name, float(i_abc[k]) / a_par, True))

    dr = SectionDrawer(geo, full, c0, c1, radii=(Rsh, R, r1, r2, Ri, Ro))
    gap_deg = math.degrees(h["h_gap"] / R)
    mid = 0.5 * (c0 + c1) if not full else math.pi / (2 * p) + th_r
    _pm_rotor_poles(dr, design, h, th_r, R)
    dr.circles(Rsh, Ro, r1, r2, gap_deg)
    _pm_rotor_surface(dr, design, h, R, r1, Rsh, gap_deg, mid)
    geo.add_label(*pt(0.5 * (r1 + r2), mid + 0.01), "air", h["h_gap"], group=GROUP_BAND)
    x_tip, x_bot = dr.stator(design, h, span, gap_deg, r2, mid, mid + 0.013)
    dr.cuts(anti)
    return MachineSection(geo, n_sec, anti, (math.degrees(c0), math.degrees(c1)), (r1, r2), axes,
                          float(rotor_angle_deg), float(theta_e), a_par, Ri, x_tip, x_bot, p,
                          {"i_abc": tuple(float(v) for v in i_abc), "Br": Br, "mu_r": mu_r, "T_magnet_c": T_m,
                           "mesh": h})


def machine_geometry(design, rotor_angle_deg: float = 0.0, i_abc=(0.0, 0.0, 0.0), sector: str = "auto",
                     mesh: MeshSpec | None = None, T_magnet_c: float | None = None,
                     i_dq: tuple | None = None) -> Geometry:
    """The :class:`Geometry` of :func:`build_section` (same arguments)."""
    return build_section(design, rotor_angle_deg, i_abc, sector, mesh, T_magnet_c, i_dq).geometry


def d_axis_angle_deg(design) -> float:
    """Mechanical rotor angle (deg) at which the d axis (pole 0) is aligned with phase A (theta_e = 0)."""
    return math.degrees(phase_axes(design.winding)[0] / design.p)
