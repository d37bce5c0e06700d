"""The plotting layer (motoropt.plots): every plot an evaluation's stages produce is written as a PNG,
and the cross-section draws each rotor's own section polygons.

References: the PNG signature and a minimum size (a blank figure is ~5 kB); the file names of the
plotting contract (``evaluate --plots``); the geometry's own counts for the cross-section (2p poles
x magnets per pole, Q_r cage bars, Q stator slots)."""

import matplotlib
import pytest

from motoropt.plots import write_plots
from motoropt.plots.sections import COPPER, POLE_COLOURS, cross_section_png, draw_cross_section
from motoropt.plots.system import cycle_loss_breakdown_plot, system_efficiency_map_plot
from motoropt.plots.thermal import plot_continuous_envelope, plot_cycle_temperatures

PNG = b"\x89PNG\r\n\x1a\n"


def _is_png(p, min_bytes=10_000):
    return p.read_bytes()[:8] == PNG and p.stat().st_size > min_bytes


def test_thermal_plots_written(prius_ev, tmp_path):
    """The thermal plot functions write one temperature-vs-time PNG per cycle and the efficiency map
    with the continuous envelope."""
    paths = plot_cycle_temperatures(prius_ev, tmp_path) + plot_continuous_envelope(prius_ev, tmp_path)
    names = {p.name for p in paths}
    assert {"thermal_wltc3b.png", "thermal_udds.png", "thermal_hwfet.png", "efficiency_map_continuous.png"} <= names
    assert all(_is_png(p) for p in paths)


def test_system_plots_written(prius_system_ev, tmp_path):
    """The drive-system plot functions write the system efficiency map and the per-cycle loss bars."""
    paths = system_efficiency_map_plot(prius_system_ev, tmp_path) + cycle_loss_breakdown_plot(prius_system_ev, tmp_path)
    assert {p.name for p in paths} == {"system_efficiency_map.png", "system_cycle_losses.png"}
    assert all(_is_png(p) for p in paths)


def test_write_plots_covers_every_stage(shipped, tmp_path):
    """write_plots writes the map plots and each stage's plots where the stage ran: the induction case
    (no [inverter]) gets the map and thermal plots (cage rotor: the rotor temperature) and no system
    plots (the system plots themselves: test_system_plots_written; write_plots on a PM case: the CLI's
    ``evaluate --plots`` test)."""
    ev = shipped.evaluation("induction_traction")
    paths = write_plots(ev, tmp_path / "plots")
    names = {p.name for p in paths}
    assert {"efficiency_map.png", "loss_maps.png", "cycle_losses.png", "efficiency_map_continuous.png"} <= names
    assert {f"thermal_{c}.png" for c in ev.cycles} <= names
    assert ("system_efficiency_map.png" in names) == (ev.system is not None)
    assert all(_is_png(p) for p in paths)


@pytest.mark.parametrize("name", ["prius2004", "multipole", "dyfree_bonded", "induction_traction"])
def test_cross_section_draws_the_rotor_polygons(shipped, name, tmp_path):
    """The cross-section (V, surface, arc and cage rotors) draws the rotor's section polygons: 2p x the
    magnet blocks of one pole (rotor.pole_polygons; at least the rotor's magnets per pole), half in
    each pole colour, the Q stator slots in copper, and for the cage the Q_r bars in copper too; the
    PNG is written."""
    from matplotlib.colors import to_hex

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = shipped.design(name)
    fig, ax = plt.subplots()
    try:
        draw_cross_section(ax, d)
        colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    finally:
        plt.close(fig)
    n_magnet = sum(colours.count(c) for c in POLE_COLOURS)
    n_copper = colours.count(to_hex(COPPER))
    if d.magnet is None:
        assert n_magnet == 0 and n_copper == d.stator.Q + d.rotor.Q_r
    else:
        per_pole = [k for k, _, _ in d.rotor.pole_polygons()].count("magnet")  # blocks of one pole
        assert per_pole >= d.rotor.magnets_per_pole and n_magnet == 2 * d.p * per_pole
        assert colours.count(POLE_COLOURS[0]) == colours.count(POLE_COLOURS[1])
        assert n_copper == d.stator.Q
    assert _is_png(cross_section_png(d, tmp_path / "x.png"), min_bytes=5_000)
