"""Plots of the drive system (motor + inverter (+ gear)): system efficiency map and the per-cycle
loss breakdown."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.plots.maps import _plt, efficiency_map_png
from motoropt.system.evaluation import LOSS_BAR_KINDS, cycle_loss_breakdown


def system_efficiency_map_plot(ev, outdir) -> list[Path]:
    """System efficiency map PNG (motor x inverter (x gear)) on the motor's torque-speed grid."""
    maps = ev.system.map_arrays
    eta = maps.get("system_efficiency")
    if eta is None:
        return []
    label = "system efficiency (motor x inverter x gear)" if "gear_loss_w" in maps else \
        "system efficiency (motor x inverter)"
    return [efficiency_map_png(ev, Path(outdir) / "system_efficiency_map.png", efficiency=eta, label=label)]


def cycle_loss_breakdown_plot(ev, outdir) -> list[Path]:
    """Per-cycle stacked loss bar (Wh): copper, iron, magnet, mechanical, inverter conduction,
    inverter switching, gear; the system efficiency written above each bar."""
    data = cycle_loss_breakdown(ev)
    if not data:
        return []
    plt = _plt()
    names = list(data)
    fig, ax = plt.subplots(figsize=(1.8 * len(names) + 3.5, 4.8), dpi=100)
    bottom = np.zeros(len(names))
    for kind in LOSS_BAR_KINDS:
        wh = np.array([data[n][kind] for n in names])
        ax.bar(names, wh, bottom=bottom, label=kind)
        bottom += wh
    for x, n in enumerate(names):
        eff = ev.kpis["cycles"][n].get("system_efficiency", float("nan"))
        ax.text(x, bottom[x], f"{eff * 100:.1f} %", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("loss over the cycle (Wh)")
    ax.legend(fontsize=8)
    ax.set_title(f"{ev.design.name}\nloss per cycle (label: system efficiency)", fontsize=10)
    fig.tight_layout()
    path = Path(outdir) / "system_cycle_losses.png"
    fig.savefig(path)
    plt.close(fig)
    return [path]
