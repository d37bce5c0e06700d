"""Plots (PNG, matplotlib with the Agg backend): efficiency and loss maps with cycle points
(:mod:`.maps`), the drive system's (:mod:`.system`) and the thermal stage's (:mod:`.thermal`).
:func:`write_plots` writes all that apply to an evaluation."""

from __future__ import annotations

from pathlib import Path

from motoropt.plots.maps import cycle_losses_png, efficiency_map_png, loss_maps_png
from motoropt.plots.system import cycle_loss_breakdown_plot, system_efficiency_map_plot
from motoropt.plots.thermal import plot_continuous_envelope, plot_cycle_temperatures


def write_plots(evaluation, outdir) -> list[Path]:
    """All standard plots of an evaluation into ``outdir`` (the stages' plots where they ran)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [efficiency_map_png(evaluation, out / "efficiency_map.png"),
             loss_maps_png(evaluation, out / "loss_maps.png")]
    if evaluation.cycles:
        paths.append(cycle_losses_png(evaluation, out / "cycle_losses.png"))
    if evaluation.system is not None:
        paths += system_efficiency_map_plot(evaluation, out) + cycle_loss_breakdown_plot(evaluation, out)
    if evaluation.thermal is not None:
        paths += plot_cycle_temperatures(evaluation, out) + plot_continuous_envelope(evaluation, out)
    return paths


__all__ = ["cycle_losses_png", "efficiency_map_png", "loss_maps_png", "write_plots"]
