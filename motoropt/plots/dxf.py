"""The cross-section as a DXF drawing for CAD (``motoropt export RUN.h5 --design ID --dxf OUT.dxf``).

The outlines of :func:`motoropt.plots.sections.section_regions`, in millimetres about the machine
axis, one DXF layer per material region: STATOR_CORE (outer and bore circles), SLOT_OPENING,
STATOR_WINDING (one closed polyline per slot), ROTOR_CORE (outer circle), ROTOR_BARRIER (flux
barriers, cage necks), MAGNET (colour 1 = north, 5 = south poles), ROTOR_BAR (cage bars), SHAFT.
Each layer's description names its material. Circles are DXF CIRCLEs, everything else closed
LWPOLYLINEs with the geometry's own vertices (arcs of the rotor polygons are the polylines the FEA
meshes). Units: ``$INSUNITS`` = 4 (mm), ``$MEASUREMENT`` = 1 (metric).
"""

from __future__ import annotations

from pathlib import Path

from motoropt.plots.sections import (
    MAGNET,
    REGIONS,
    ROTOR_BAR,
    ROTOR_BARRIER,
    ROTOR_CORE,
    SHAFT_REGION,
    SLOT_OPENING,
    STATOR_CORE,
    STATOR_WINDING,
    region_materials,
    section_regions,
)

# AutoCAD colour index of each layer (and of north / south magnets)
LAYER_COLOURS = {STATOR_CORE: 8, SLOT_OPENING: 9, STATOR_WINDING: 30, ROTOR_CORE: 8, ROTOR_BARRIER: 9,
                 MAGNET: 1, ROTOR_BAR: 30, SHAFT_REGION: 250}
POLE_ACI = (1, 5)  # north red, south blue
MM = 1e3


def write_dxf(design, path, title: str | None = None) -> Path:
    """Write ``design``'s cross-section to ``path`` (DXF R2010, mm, a layer per material region)."""
    import ezdxf  # imported here: ~0.8 s, needed only for this export
    from ezdxf import units

    doc = ezdxf.new("R2010", setup=False)
    doc.units = units.MM
    doc.header["$MEASUREMENT"] = 1
    materials = region_materials(design)
    for name in REGIONS:
        if name in materials:
            layer = doc.layers.add(name, color=LAYER_COLOURS[name])
            layer.description = f"{name.lower().replace('_', ' ')}: {materials[name]}"
    msp = doc.modelspace()
    for it in section_regions(design):
        attribs = {"layer": it.region}
        if it.region == MAGNET:
            attribs["color"] = POLE_ACI[it.pole % 2]
        if it.radius is not None:
            msp.add_circle((0.0, 0.0), it.radius * MM, dxfattribs=attribs)
        else:
            msp.add_lwpolyline([(float(x) * MM, float(y) * MM) for x, y in it.polygon], close=True, dxfattribs=attribs)
    if title:
        doc.header["$PROJECTNAME"] = title[:250]
    out = Path(path)
    doc.saveas(out)
    return out
