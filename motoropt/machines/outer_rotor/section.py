"""Finite-element cross-section of an outer-rotor surface-PM design (:class:`.design.OuterDesign`) for
the embedded solver, the .fem writer and FEMM: the conventions of
:mod:`motoropt.magnetics.fea.machine` (same slot shapes and winding regions, air-gap layers with the
Arkkio band in the middle, groups, sector cuts, phase axes, magnet N poles magnetised towards +r),
drawn with its :class:`~motoropt.magnetics.fea.machine.SectionDrawer`.

Model (SI; planar, magnetostatic, depth = stack length):
- stator inside: lamination between D_i / 2 (the hub: A = 0, no flux enters the non-magnetic hub)
  and D_o / 2, slots opening outwards (:meth:`SectionDrawer.stator` with ``slots_outward``);
- air gap D_o / 2 .. D_o / 2 + g in three layers (band r_1 .. r_2 in the middle); the Arkkio torque
  is that of everything inside the band, so the rotor's is its negative (``torque_sign`` = -1);
- rotor outside: sleeve (air), the magnet layer (radial arcs with their inter-polar air, or the
  Halbach segments, each block magnetised in its own direction), the rim (rotor steel with the
  stacking factor as fill, or air for a non-magnetic rim), the can (air) and an air shell of 1.5 pole
  pitches over the rotor, closed by A = 0 (the exterior field of a pole-pitch wave decays by
  exp(-1.5 pi) = 0.9 % over it);
- sector cuts through stator tooth centres, (anti)periodic as the inner-rotor section.
Groups: 0 stator, 1 rotor, 2 air-gap band.
"""

from __future__ import annotations

import math

import numpy as np

from motoropt.constants import MU0
from motoropt.geometry.polygons import pt
from motoropt.magnetics.fea.geometry2d import NO_MESH, Boundary, Circuit, Geometry, Material
from motoropt.magnetics.fea.machine import (
    GROUP_BAND,
    GROUP_ROTOR,
    GROUP_STATOR,
    PHASES,
    MachineSection,
    MeshSpec,
    SectionDrawer,
    _bh_material,
    _default_mesh,
    _pm_rotor_poles,
    dq_to_abc,
    phase_axes,
    sector_info,
)

AIR_SHELL_POLE_PITCHES = 1.5


def build_outer_section(design, rotor_angle_deg: float = 0.0, i_abc=(0.0, 0.0, 0.0), sector: str = "auto",
                        mesh: MeshSpec | None = None, T_magnet_c: float | None = None,
                        i_dq: tuple | None = None) -> MachineSection:
    """The cross-section at mechanical rotor angle ``rotor_angle_deg`` (pole 0's axis) with phase
    currents ``i_abc`` or ``i_dq`` (as :func:`motoropt.magnetics.fea.machine.build_section`)."""
    s, r, w = design.stator, design.rotor, design.winding
    p, Q = design.p, s.Q
    n_sec, anti, span = sector_info(design, sector)
    h = _default_mesh(design, mesh)
    T_m = design.T_magnet_c if T_magnet_c is None else T_magnet_c
    R_hub, R_s = 0.5 * s.D_i, 0.5 * s.D_o
    g = design.air_gap
    r1, r2 = R_s + g / 3.0, R_s + 2.0 * g / 3.0
    R_out = r.R + AIR_SHELL_POLE_PITCHES * math.pi * r.R / p
    full = n_sec == 1
    c0 = -math.pi / Q if not full else 0.0
    c1 = c0 + span
    th_r = math.radians(rotor_angle_deg)
    axes = phase_axes(w)
    if i_dq is not None:
        i_abc = tuple(dq_to_abc(i_dq[0], i_dq[1], p * th_r - np.asarray(axes)))
    a_par = int(w.parallel_paths)

    geo = Geometry(depth=s.L, comment=f"{design.name}: {sector} sector, rotor at {rotor_angle_deg:.4f} deg")
    geo.add_material(_bh_material("stator_steel", design.steel, s.stacking_factor))
    geo.add_material(_bh_material("rotor_steel", design.rotor_steel, r.stacking_factor))
    Br, mu_r = float(design.magnet.Br(T_m)), float(design.magnet.mu_r)
    geo.add_material(Material("magnet", mu_x=mu_r, mu_y=mu_r, H_c=Br / (MU0 * mu_r)))
    geo.add_material(Material("air"))
    geo.add_material(Material("copper"))
    geo.add_boundary(Boundary("A0", "dirichlet"))
    for k, name in enumerate(PHASES):
        geo.add_circuit(Circuit(name, float(i_abc[k]) / a_par, True))

    dr = SectionDrawer(geo, full, c0, c1, radii=(R_hub, R_s, r1, r2, r.R_rim_outer, R_out))
    gap_deg = math.degrees(h["h_gap"] / R_s)
    mid = 0.5 * (c0 + c1) if not full else math.pi / (2 * p) + th_r
    _pm_rotor_poles(dr, design, h, th_r, r.R_gap)
    # circles: hub (A = 0, the stator's), band, rim outer, outer boundary (A = 0)
    dr.sector_arc(R_hub, 3.0, "A0", GROUP_STATOR)
    if full:
        geo.add_label(0.0, 0.0, NO_MESH, group=GROUP_STATOR)  # the hub is outside the domain
    for rad in (r1, r2):
        dr.sector_arc(rad, gap_deg, None, GROUP_BAND)
    dr.sector_arc(r.R_rim_outer, 2.0, None, GROUP_ROTOR)
    dr.sector_arc(R_out, 3.0, "A0", GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (r.R_magnet_outer + r.R_rim_outer), mid),
                  "rotor_steel" if r.magnetic_rim else "air", h["h_rotor"], group=GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (r.R_rim_outer + R_out), mid), "air", 2.0 * h["h_rotor"], group=GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (r2 + r.R_magnet_inner), mid + 1e-3), "air", h["h_gap"], group=GROUP_ROTOR)
    geo.add_label(*pt(0.5 * (r1 + r2), mid + 0.01), "air", h["h_gap"], group=GROUP_BAND)
    x_tip, x_bot = dr.stator(design, h, span, gap_deg, r1, mid, mid + 0.013, slots_outward=True)
    dr.cuts(anti)
    return MachineSection(geo, n_sec, anti, (math.degrees(c0), math.degrees(c1)), (r1, r2), axes,
                          float(rotor_angle_deg), float(p * th_r - axes[0]), a_par, R_s, x_tip, x_bot, p,
                          {"i_abc": tuple(float(v) for v in i_abc), "Br": Br, "mu_r": mu_r, "T_magnet_c": T_m,
                           "mesh": h}, torque_sign=-1.0)
