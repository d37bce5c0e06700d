"""The interactive figures of a design (motoropt.plots.interactive), the DXF drawing (plots.dxf) and
the comparison's efficiency difference (plots.compare).

References: one list of section outlines (plots.sections.section_regions) drawn three ways, so the
matplotlib patches, the plotly polygons and the DXF entities count the same per region; energy
conservation for the loss bars (their sum is the cycle's loss KPI: motor only, or motor + inverter
+ gear = system loss, rel 1e-9); the map figure carries the map's own efficiency (4 significant
digits) and blanks the infeasible points; bilinear interpolation is exact at the grid's own nodes,
and a design differs from itself by exactly zero."""

from __future__ import annotations

from collections import Counter

import ezdxf
import matplotlib
import numpy as np
import pytest

from motoropt.plots.compare import efficiency_difference, efficiency_on
from motoropt.plots.dxf import write_dxf
from motoropt.plots.interactive import cycle_loss_wh, cycle_losses_figure, efficiency_map_figure, section_figure
from motoropt.plots.sections import draw_cross_section, region_materials, section_regions


def _polygons(trace) -> int:
    """Closed outlines in a trace (segments separated by None)."""
    xs = trace["x"]
    return sum(1 for k, v in enumerate(xs) if v is not None and (k == 0 or xs[k - 1] is None))


@pytest.mark.parametrize("name", ["prius2004", "multipole", "dyfree_bonded", "induction_traction"])
def test_one_section_three_drawings(shipped, name, tmp_path):
    """The matplotlib drawing, the plotly section and the DXF draw the same outlines: one patch,
    one closed plotly polygon and one DXF entity per outline of section_regions, per region; the
    DXF has a layer for each region, described by its material."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = shipped.design(name)
    items = section_regions(d)
    per_region = Counter(it.region for it in items)
    fig, ax = plt.subplots()
    try:
        draw_cross_section(ax, d)
        assert len(ax.patches) == len(items)
    finally:
        plt.close(fig)
    figure = section_figure(d)
    drawn = Counter()
    for t in figure["data"]:
        drawn[t["name"].split(":")[0].upper().replace(" ", "_")] += _polygons(t)
    assert drawn == per_region
    doc = ezdxf.readfile(write_dxf(d, tmp_path / "s.dxf"))
    assert Counter(e.dxf.layer for e in doc.modelspace()) == per_region
    mats = region_materials(d)
    assert set(mats) == set(per_region)
    for region, material in mats.items():
        assert doc.layers.get(region).description.endswith(material)


@pytest.mark.parametrize("fixture, total", [("prius_ev", "loss_wh"), ("prius_system_ev", "system_loss_wh")])
def test_cycle_loss_bars_add_up(request, fixture, total):
    """Each cycle's bars add up to its total loss KPI (motor; with the drive system: motor +
    inverter conduction + switching + gear = system loss); the figure plots them."""
    ev = request.getfixturevalue(fixture)
    bars = cycle_loss_wh(ev)
    assert set(bars) == set(ev.cycles)
    for name, row in bars.items():
        assert sum(row.values()) == pytest.approx(ev.kpis["cycles"][name][total], rel=1e-9)
        assert row["copper"] == ev.kpis["cycles"][name]["copper_loss_wh"]
    fig = cycle_losses_figure(ev)
    copper = [t for t in fig["data"] if t.get("name") == "copper"][0]
    assert copper["y"] == pytest.approx([bars[n]["copper"] for n in copper["x"]], rel=1e-4)


def test_efficiency_map_figure_carries_the_map(prius_ev):
    """The contour's z is the map's efficiency in % (4 significant digits) where the point is
    feasible and null elsewhere; the envelope trace is the map's envelope."""
    m = prius_ev.emap
    fig = efficiency_map_figure(prius_ev)
    z = fig["data"][0]["z"]
    ok = m.feasible & np.isfinite(m.efficiency)
    for (i, j), feasible in np.ndenumerate(ok):
        if feasible:
            assert z[i][j] == pytest.approx(m.efficiency[i, j] * 100, rel=5e-4)
        else:
            assert z[i][j] is None
    env = [t for t in fig["data"] if t.get("name") == "torque envelope"][0]
    assert max(env["y"]) == pytest.approx(float(np.max(m.envelope_motoring_nm)), rel=5e-5)


def test_efficiency_difference_closed_forms(shipped):
    """Interpolated onto the design's own axes the efficiency is the map's own (bilinear, exact at
    nodes, NaN where the point is infeasible); a design minus itself is 0 wherever it is defined."""
    ev = shipped.evaluation("prius2004")
    m = ev.emap
    own = efficiency_on(ev, m.speed_rpm, m.torque_nm)
    ok = m.feasible & np.isfinite(m.efficiency)
    assert np.allclose(own[ok], m.efficiency[ok], rtol=0, atol=1e-12)
    assert np.all(np.isnan(own[~m.feasible]))
    s, t, (diff,) = efficiency_difference([ev, ev])
    assert np.isfinite(diff).sum() > 0.3 * diff.size and np.all(diff[np.isfinite(diff)] == 0.0)
    assert s[0] == 0.0 and s[-1] == pytest.approx(float(m.speed_rpm[-1]))
