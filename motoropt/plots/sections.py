"""The machine cross-section (mm) drawn from its geometry: the stator lamination with its slots
(copper) and openings, the rotor lamination with the rotor's own section polygons (the ones the FEA
meshes: magnets coloured by polarity, barriers and necks as air, cage bars as copper), the shaft."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from motoropt.geometry.polygons import rotate
from motoropt.plots.maps import _plt

STEEL, AIR, COPPER, SHAFT = "#b8bcc4", "white", "#d08a3a", "0.35"
POLE_COLOURS = ("#c0392b", "#2e6da4")  # N, S


def draw_cross_section(ax, design) -> None:
    """Draw ``design``'s cross-section on a matplotlib axis (mm)."""
    from matplotlib.patches import Circle, Polygon

    s, ro = design.stator, design.rotor
    k = 1e3
    ax.add_patch(Circle((0, 0), s.D_o / 2 * k, fc=STEEL, ec="k", lw=0.6))
    ax.add_patch(Circle((0, 0), s.D_i / 2 * k, fc=AIR, ec="k", lw=0.6))
    R_i = s.D_i / 2
    r_tip, r_bot = R_i + s.tip_height, R_i + s.slot_depth
    for q in range(s.Q):
        phi = 2 * math.pi * q / s.Q
        opening = [(R_i - 1e-5, -s.slot_opening / 2), (r_tip, -s.slot_opening / 2),
                   (r_tip, s.slot_opening / 2), (R_i - 1e-5, s.slot_opening / 2)]
        slot = [(r_tip, -s.slot_width_top / 2), (r_bot, -s.slot_width_bottom / 2),
                (r_bot, s.slot_width_bottom / 2), (r_tip, s.slot_width_top / 2)]
        ax.add_patch(Polygon(np.asarray(rotate(opening, phi)) * k, closed=True, fc=AIR, ec="none"))
        ax.add_patch(Polygon(np.asarray(rotate(slot, phi)) * k, closed=True, fc=COPPER, ec="k", lw=0.3))
    ax.add_patch(Circle((0, 0), ro.D_r / 2 * k, fc=STEEL, ec="k", lw=0.6))
    for kind, poly, pole in ro.section_polygons():
        fc = POLE_COLOURS[pole % 2] if kind == "magnet" else (COPPER if kind == "conductor" else AIR)
        ax.add_patch(Polygon(np.asarray(poly) * k, closed=True, fc=fc, ec="k", lw=0.3))
    ax.add_patch(Circle((0, 0), ro.D_shaft / 2 * k, fc=SHAFT, ec="k", lw=0.6))
    lim = s.D_o / 2 * k * 1.03
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("mm")


def cross_section_png(design, path, title: str | None = None) -> Path:
    """The cross-section as a PNG."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    draw_cross_section(ax, design)
    ax.set_title(title or design.name, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
