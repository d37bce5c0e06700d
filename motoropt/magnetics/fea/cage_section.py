"""Finite-element cross-section of a cage induction machine (:class:`motoropt.machines.induction.design.
InductionDesign`): the stator of :mod:`.machine` and a squirrel-cage rotor
(:class:`motoropt.geometry.cage.CageRotor`), for the embedded static and time-harmonic solvers.

Model (SI; planar, depth = stack length; conventions of :mod:`.machine`, whose stator drawing this
follows: same slot shape, winding regions, air-gap layers, groups, sector cuts, phase axes):
- stator lamination and winding exactly as :func:`.machine.build_section` draws them: trapezoidal
  slots with a rectangular opening, one stranded region per slot (single layer) or half slot
  (double layer) with turns = sign x turns_per_coil of circuit "A", "B" or "C"; the circuit
  current is the conductor current (phase current / parallel paths), a complex peak phasor in a
  time-harmonic problem. The winding copper has no conductivity in the model (stranded, as FEMM's
  |turns| > 1 regions; its resistance belongs to the equivalent circuit's R_s).
- rotor: Q_r rectangular bars (width ``bar_width``, radial height ``bar_height``, flat top
  ``opening_height`` below the surface on the bar axis); semi-closed slots: an air neck of width
  ``bar_opening`` from the bar top to the surface (its own region, closed by the rotor circle);
  closed slots: a steel
  bridge (the rotor surface is unbroken). Bar k's axis is at ``rotor_angle_deg`` + (k + 1/2)
  360/Q_r measured from the sector's first cut (default 0: rotor teeth on both cuts).
- bars: material "cage" with the cage conductor's conductivity at ``T_rotor_c`` (default the
  design's rotor temperature), no circuit: FEMM's conductor with zero voltage gradient, i.e. the
  bars are short-circuited by ideal end rings (ring and bar-extension impedances are not in the 2-D
  model; they stay in the equivalent circuit). ``bars_conducting=False``: conductivity 0 (no rotor
  current: synchronous / magnetising tests).
- iron: the design's steels with the stacking factor as fill (laminated in plane, no lamination
  thickness: lamination eddy currents at slip frequency are negligible and not modelled).
- shaft: A = 0 at D_shaft/2, as :mod:`.machine`.
- sector: the smallest 1/n of the machine (n | Q_s, n | 2p, n | Q_r, winding periodic or
  antiperiodic over it: :func:`.machine._sector_symmetry`), the cut lines through stator tooth
  centres; "full" for the whole machine.

Groups: 0 stator, 1 rotor (iron, bars, rotor-side air layer), 2 air-gap band (Arkkio / stress
tensor layer r_1..r_2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from motoropt.errors import InputError
from motoropt.geometry.polygons import pt, rotate
from motoropt.magnetics.fea.geometry2d import Boundary, Circuit, Geometry, Material
from motoropt.magnetics.fea.machine import (
    GROUP_BAND,
    GROUP_ROTOR,
    PHASES,
    MachineSection,
    SectionDrawer,
    _bh_material,
    _sector_symmetry,
    phase_axes,
)

CAGE_SECTORS = ("auto", "full")


@dataclass(frozen=True)
class CageMeshSpec:
    """Element sizes (FEMM mesh size d, m); None = derived from the design (slot pitches, air gap,
    and ``bar_skin_depth`` if given: the bar mesh resolves it with 4 elements); ``scale`` multiplies
    all defaults."""

    h_gap: float | None = None
    h_rotor: float | None = None
    h_bar: float | None = None
    h_stator: float | None = None
    h_coil: float | None = None
    bar_skin_depth: float | None = None
    scale: float = 1.0


def cage_sector(design, sector: str = "auto") -> tuple:
    """(n, antiperiodic, span rad): 1/n of the machine that winding and cage both repeat over."""
    if sector not in CAGE_SECTORS:
        raise InputError("sector", sector, f"one of {CAGE_SECTORS}")
    if sector == "full":
        return 1, False, 2 * math.pi
    Q, p, Qr = design.stator.Q, design.p, design.rotor.Q_r
    lay = np.asarray(design.winding.layout)
    for n in range(2 * p, 1, -1):
        if Qr % n:
            continue
        ok, anti = _sector_symmetry(lay, Q, p, n)
        if ok:
            return n, anti, 2 * math.pi / n
    return 1, False, 2 * math.pi


def _mesh_sizes(design, mesh: CageMeshSpec | None) -> dict:
    m = mesh or CageMeshSpec()
    s, r = design.stator, design.rotor
    k = m.scale
    tau, tau_r = s.slot_pitch, r.slot_pitch
    h_bar = min(r.bar_width / 2.0, tau_r / 5.0)
    if m.bar_skin_depth:
        h_bar = min(h_bar, m.bar_skin_depth / 4.0)
    return dict(h_gap=m.h_gap or k * min(design.air_gap / 3.0, tau / 16), h_rotor=m.h_rotor or k * tau_r / 5.0,
                h_bar=m.h_bar or k * h_bar, h_stator=m.h_stator or k * tau / 7.0, h_coil=m.h_coil or k * tau / 6.0)


def build_cage_section(design, i_phase=(0.0, 0.0, 0.0), frequency_hz: float = 0.0, rotor_angle_deg: float = 0.0,
                       sector: str = "auto", mesh: CageMeshSpec | None = None, bars_conducting: bool = True,
                       T_rotor_c: float | None = None) -> MachineSection:
    """The cross-section of a cage induction design (module docstring): phase currents ``i_phase``
    (A peak; complex phasors for a time-harmonic problem at ``frequency_hz`` > 0, instantaneous
    values for a static one), rotor offset ``rotor_angle_deg`` (mechanical), ``sector`` "auto" or
    "full". Returns a :class:`.machine.MachineSection` (its ``rotor_angle_deg`` is the offset;
    ``info`` holds the bar axes (rad), the cage conductivity (S/m) and the mesh sizes)."""
    s, r, w = design.stator, design.rotor, design.winding
    p, Q, Qr = design.p, s.Q, r.Q_r
    if not (frequency_hz >= 0 and math.isfinite(frequency_hz)):
        raise InputError("frequency_hz", frequency_hz, ">= 0")
    n_sec, anti, span = cage_sector(design, sector)
    h = _mesh_sizes(design, mesh)
    Ri, Ro = 0.5 * s.D_i, 0.5 * s.D_o
    R = r.R
    g = Ri - R
    if g <= 0:
        raise InputError("induction.air_gap_mm", g * 1e3, "> 0")
    r1, r2 = R + g / 3.0, R + 2.0 * g / 3.0
    Rsh = 0.5 * r.D_shaft
    full = n_sec == 1
    c0 = -math.pi / Q if not full else 0.0
    c1 = c0 + span
    axes = phase_axes(w)
    a_par = int(w.parallel_paths)
    T_r = design.T_rotor_c if T_rotor_c is None else float(T_rotor_c)
    sigma = 1.0 / float(design.cage_conductor.resistivity(T_r))

    geo = Geometry(depth=s.L, frequency_hz=float(frequency_hz),
                   comment=f"{design.name}: cage rotor, 1/{n_sec} of the machine, rotor offset {rotor_angle_deg:.4f} deg")
    geo.add_material(_bh_material("stator_steel", design.steel, s.stacking_factor))
    geo.add_material(_bh_material("rotor_steel", design.rotor_steel, r.stacking_factor))
    geo.add_material(Material("air"))
    geo.add_material(Material("copper"))
    geo.add_material(Material("cage", sigma_ms=sigma * 1e-6 if bars_conducting else 0.0))
    geo.add_boundary(Boundary("A0", "dirichlet"))
    for k, name in enumerate(PHASES):
        z = complex(i_phase[k]) / a_par
        geo.add_circuit(Circuit(name, z.real, True, z.imag))

    dr = SectionDrawer(geo, full, c0, c1, radii=(Rsh, R, r1, r2, Ri, Ro))
    seg, arc = dr.seg, dr.arc
    gap_deg = math.degrees(h["h_gap"] / R)

    # ---- rotor: bars and necks (bar frame: axis +x)
    rt, rb = r.r_bar_top, r.r_bar_bottom
    bw, bo = 0.5 * r.bar_width, 0.5 * r.bar_opening
    closed = bool(r.closed) or bo <= 0
    xR = math.sqrt(R * R - bo * bo) if not closed else R
    if math.hypot(rt, bw) >= R or (not closed and bo >= R):
        raise InputError("induction.opening_height_mm", r.opening_height * 1e3, "a bar top inside the rotor surface")
    n_bars = Qr if full else Qr // n_sec
    bar_axes = []
    opening_r = []  # angular extents of the necks on the rotor surface
    off = math.radians(rotor_angle_deg)
    top_y = sorted({-bw, bw} | (set() if closed else {-bo, bo}))
    for k in range(n_bars):
        ak = c0 + off + 2 * math.pi * (k + 0.5) / Qr
        bar_axes.append(ak)
        # bar sides and bottom, then the top line (through the neck corners of a semi-closed slot)
        P = rotate([(rt, -bw), (rb, -bw), (rb, bw), (rt, bw)], ak)
        for qa, qb in zip(P[:-1], P[1:]):
            seg(qa, qb, group=GROUP_ROTOR)
        top = rotate([(rt, y) for y in top_y], ak)
        for qa, qb in zip(top[:-1], top[1:]):
            seg(qa, qb, group=GROUP_ROTOR)
        geo.add_label(*pt(0.5 * (rt + rb), ak), "cage", h["h_bar"], group=GROUP_ROTOR)
        if not closed:
            for y in (-bo, bo):
                qa, qb = rotate([(rt, y), (xR, y)], ak)
                seg(qa, qb, group=GROUP_ROTOR)
            half = math.atan2(bo, xR)
            opening_r.append((ak - half, ak + half))
            geo.add_label(*pt(0.5 * (rt + xR), ak), "air", max(h["h_gap"], 0.5 * bo), group=GROUP_ROTOR)
    if not full:
        ok = all(c0 <= a0 and a1 <= c1 for a0, a1 in opening_r)
        inside = all(c0 + 1e-9 < a < c1 - 1e-9 for a in bar_axes)
        if not (ok and inside):
            raise InputError("rotor_angle_deg", rotor_angle_deg,
                             f"an offset keeping the bars inside the sector (|offset| < {180.0 / Qr - math.degrees(math.atan2(max(bw, bo), rt)):.3f} deg) "
                             "or sector = 'full'")
    # rotor surface (arcs between the necks) and the gap layers
    if closed or not opening_r:
        dr.sector_arc(R, gap_deg, None, GROUP_ROTOR)
    else:
        spans = sorted(opening_r)
        # the surface arcs between the necks and across each neck mouth (air | air: the neck is its
        # own region so that it gets its own element size)
        if full:
            for (a0, a1), (b0, _b1) in zip(spans, spans[1:] + [(spans[0][0] + 2 * math.pi, 0.0)]):
                arc(R, a0, a1, gap_deg, None, GROUP_ROTOR)
                arc(R, a1, b0, gap_deg, None, GROUP_ROTOR)
        else:
            arc(R, c0, spans[0][0], gap_deg, None, GROUP_ROTOR)
            for (a0, a1), (b0, _b1) in zip(spans, spans[1:] + [(c1, c1)]):
                arc(R, a0, a1, gap_deg, None, GROUP_ROTOR)
                arc(R, a1, b0, gap_deg, None, GROUP_ROTOR)
    mid = 0.5 * (c0 + c1) if not full else math.pi / Qr * 0.5
    dr.circles(Rsh, Ro, r1, r2, gap_deg)
    a_t = c0 + off  # a rotor tooth centre (between bars)
    a_t = a_t + 2 * math.pi / Qr if a_t <= c0 + 1e-9 else a_t
    geo.add_label(*pt(0.5 * (Rsh + rb), a_t), "rotor_steel", h["h_rotor"], group=GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (R + r1), a_t), "air", h["h_gap"], group=GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (r1 + r2), mid + 1e-4), "air", h["h_gap"], group=GROUP_BAND)

    # ---- stator (as machine.build_section: slots whose centres lie in the sector) and sector cuts
    a_mid_tooth = math.pi / Q  # a stator tooth centre
    x_tip, x_bot = dr.stator(design, h, span, gap_deg, r2, a_mid_tooth, a_mid_tooth)
    dr.cuts(anti)
    return MachineSection(geo, n_sec, anti, (math.degrees(c0), math.degrees(c1)), (r1, r2), axes,
                          float(rotor_angle_deg), 0.0, a_par, Ri, x_tip, x_bot, p,
                          {"i_phase": tuple(complex(v) for v in i_phase), "bar_axes_rad": tuple(bar_axes),
                           "sigma_cage_s_per_m": sigma, "T_rotor_c": T_r, "mesh": h, "r_bar": (rb, rt)})
