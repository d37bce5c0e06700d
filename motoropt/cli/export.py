"""``motoropt export ... --dxf OUT.dxf``: the exported design's cross-section as a DXF drawing
(:mod:`motoropt.plots.dxf`)."""

from __future__ import annotations

import sys
from pathlib import Path

from motoropt.case import load_case, nominal_design
from motoropt.plots.dxf import write_dxf
from motoropt.plots.sections import region_materials


def write_dxf_export(case_path, dxf_path, source, design_id=None) -> Path:
    """Write the cross-section of the design in ``case_path`` (the case file the export wrote) to
    ``dxf_path``; ``source``/``design_id`` name it in the drawing."""
    design = nominal_design(load_case(case_path))
    what = f"design {design_id} of {Path(source).name}" if design_id is not None else Path(source).name
    p = write_dxf(design, dxf_path, title=f"{design.name}: {what}")
    layers = ", ".join(f"{k} ({m})" for k, m in region_materials(design).items())
    print(f"wrote {p} (cross-section in mm; layers {layers})", file=sys.stderr)
    return p
