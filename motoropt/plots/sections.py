"""The machine cross-section drawn from its geometry: the stator lamination with its slots
(copper) and openings, the rotor lamination with the rotor's own section polygons (the ones the FEA
meshes: magnets coloured by polarity, barriers and necks as air, cage bars as copper), the shaft.

:func:`section_regions` lists the regions once (metres, in drawing order); the matplotlib drawing
(:func:`draw_cross_section`), the interactive report's section (:mod:`.interactive`) and the DXF
export (:mod:`.dxf`) all draw that list, so they show the same geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motoropt.geometry.polygons import rotate
from motoropt.plots.maps import _plt

STEEL, AIR, COPPER, SHAFT = "#b8bcc4", "white", "#d08a3a", "0.35"
POLE_COLOURS = ("#c0392b", "#2e6da4")  # N, S

# region names (= DXF layers): each is one material region of the section
STATOR_CORE, SLOT_OPENING, STATOR_WINDING = "STATOR_CORE", "SLOT_OPENING", "STATOR_WINDING"
ROTOR_CORE, ROTOR_BARRIER, MAGNET, ROTOR_BAR, SHAFT_REGION = "ROTOR_CORE", "ROTOR_BARRIER", "MAGNET", "ROTOR_BAR", "SHAFT"
REGIONS = (STATOR_CORE, SLOT_OPENING, STATOR_WINDING, ROTOR_CORE, ROTOR_BARRIER, MAGNET, ROTOR_BAR, SHAFT_REGION)
_ROTOR_KIND = {"magnet": MAGNET, "air": ROTOR_BARRIER, "conductor": ROTOR_BAR}


@dataclass(frozen=True)
class SectionItem:
    """One closed outline of the cross-section (m): a circle about the axis (``radius``) or a
    polygon (``polygon``, (n, 2), closed implicitly). ``region``: the material region whose
    boundary it is (STATOR_CORE has two circles, the outer diameter and the bore); ``fill``: the
    colour of the area it encloses when drawn in order (the bore circle is filled with air, the
    air gap); ``pole``: pole (or bar) index of rotor polygons, else -1."""

    region: str
    fill: str
    radius: float | None = None
    polygon: np.ndarray | None = None
    pole: int = -1

    def outline(self, n_circle: int = 181) -> np.ndarray:
        """The outline as an (n, 2) array (m); circles as ``n_circle`` points (closed)."""
        if self.radius is not None:
            a = np.linspace(0.0, 2 * math.pi, n_circle)
            return np.column_stack([self.radius * np.cos(a), self.radius * np.sin(a)])
        return np.asarray(self.polygon, float)


def section_regions(design) -> list[SectionItem]:
    """The cross-section's outlines in drawing order: stator outer circle, bore, each slot's
    opening (air) and winding area (copper), rotor outer circle, the rotor's section polygons
    (``rotor.section_polygons()``: magnets by polarity, barriers / necks as air, cage bars), shaft."""
    s, ro = design.stator, design.rotor
    items = [SectionItem(STATOR_CORE, STEEL, radius=s.D_o / 2), SectionItem(STATOR_CORE, AIR, radius=s.D_i / 2)]
    R_i = s.D_i / 2
    r_tip, r_bot = R_i + s.tip_height, R_i + s.slot_depth
    opening = [(R_i, -s.slot_opening / 2), (r_tip, -s.slot_opening / 2), (r_tip, s.slot_opening / 2),
               (R_i, s.slot_opening / 2)]
    slot = [(r_tip, -s.slot_width_top / 2), (r_bot, -s.slot_width_bottom / 2), (r_bot, s.slot_width_bottom / 2),
            (r_tip, s.slot_width_top / 2)]
    for q in range(s.Q):
        phi = 2 * math.pi * q / s.Q
        if s.tip_height > 0:
            items.append(SectionItem(SLOT_OPENING, AIR, polygon=np.asarray(rotate(opening, phi)), pole=q))
        items.append(SectionItem(STATOR_WINDING, COPPER, polygon=np.asarray(rotate(slot, phi)), pole=q))
    items.append(SectionItem(ROTOR_CORE, STEEL, radius=ro.D_r / 2))
    for kind, poly, pole in ro.section_polygons():
        region = _ROTOR_KIND.get(kind, ROTOR_BARRIER)
        fill = POLE_COLOURS[pole % 2] if kind == "magnet" else (COPPER if kind == "conductor" else AIR)
        items.append(SectionItem(region, fill, polygon=np.asarray(poly, float), pole=int(pole)))
    items.append(SectionItem(SHAFT_REGION, SHAFT, radius=ro.D_shaft / 2))
    return items


def region_materials(design) -> dict[str, str]:
    """The material of each region of the design's section (names as in the case file; the
    defaults of the case schema where the case leaves them out)."""
    v = design.values
    ind = v.get("induction", {})
    steel = str(v.get("stator", {}).get("steel", "steel"))
    materials = {STATOR_CORE: steel, SLOT_OPENING: "air", STATOR_WINDING: str(v.get("winding", {}).get("conductor", "copper")),
                 ROTOR_CORE: str(v.get("rotor", {}).get("steel") or ind.get("rotor_steel") or steel),
                 ROTOR_BARRIER: "air", MAGNET: design.magnet.name if design.magnet is not None else "magnet",
                 ROTOR_BAR: str(ind.get("bar_material", "copper")), SHAFT_REGION: "steel"}
    present = {it.region for it in section_regions(design)}
    return {k: m for k, m in materials.items() if k in present}


def draw_cross_section(ax, design) -> None:
    """Draw ``design``'s cross-section on a matplotlib axis (mm)."""
    from matplotlib.patches import Circle, Polygon

    k = 1e3
    for it in section_regions(design):
        lw = 0.3 if it.polygon is not None else 0.6
        if it.radius is not None:
            ax.add_patch(Circle((0, 0), it.radius * k, fc=it.fill, ec="k", lw=lw))
        else:
            ec = "none" if it.region == SLOT_OPENING else "k"
            ax.add_patch(Polygon(it.polygon * k, closed=True, fc=it.fill, ec=ec, lw=lw))
    lim = design.stator.D_o / 2 * k * 1.03
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
