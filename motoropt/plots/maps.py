"""Plots a design engineer expects: efficiency map with labelled contours, envelope and cycle points.

matplotlib with the Agg backend (no display needed). Each function writes one PNG and returns its path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(plt, fig, path) -> Path:
    """Lay out, write and close a figure; returns the path."""
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out


EFF_LEVELS = [70, 80, 85, 88, 90, 92, 93, 94, 95, 96, 97, 98]


def efficiency_map_png(evaluation, path, cycles: bool = True, title: str | None = None,
                       efficiency=None, label: str = "motor efficiency") -> Path:
    """Efficiency map (%, filled + labelled contour lines), torque envelope, cycle operating points."""
    plt = _plt()
    m = evaluation.emap
    eff = m.efficiency if efficiency is None else efficiency
    S, T = np.meshgrid(m.speed_rpm, m.torque_nm)
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    e = np.where(np.isfinite(eff), eff * 100.0, np.nan)
    cf = ax.contourf(S, T, e, levels=[0, 50, 60] + EFF_LEVELS + [100], cmap="viridis", extend="neither")
    cs = ax.contour(S, T, e, levels=EFF_LEVELS, colors="k", linewidths=0.6)
    ax.clabel(cs, fmt="%g %%", fontsize=7, inline=True)
    fig.colorbar(cf, ax=ax, label=f"{label} (%)")
    ax.plot(m.envelope_speed_rpm, m.envelope_motoring_nm, "r-", lw=2, label="torque envelope")
    ax.plot(m.envelope_speed_rpm, -m.envelope_generating_nm, "r-", lw=2)
    ax.axhline(0, color="0.3", lw=0.5)
    if cycles:
        markers = "ox^sv<>"
        for i, (name, c) in enumerate(evaluation.cycles.items()):
            moving = c.speed_rpm > 1.0
            ok = moving & c.feasible
            ax.scatter(c.speed_rpm[ok], c.torque_nm[ok], s=6, marker=markers[i % len(markers)],
                       alpha=0.5, label=f"{name} points")
            bad = moving & ~c.feasible
            if np.any(bad):
                ax.scatter(c.speed_rpm[bad], c.torque_nm[bad], s=14, marker="x", color="red",
                           label=f"{name}: beyond envelope ({int(bad.sum())})")
    ax.set_xlabel("speed (rpm)")
    ax.set_ylabel("torque (N m)")
    ax.set_title(title or f"{evaluation.design.name}: {label}")
    ax.legend(loc="upper right", fontsize=7, markerscale=2)
    ax.grid(alpha=0.2)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def loss_maps_png(evaluation, path) -> Path:
    """One panel per loss kind, W."""
    plt = _plt()
    m = evaluation.emap
    kinds = [k for k in m.losses if k != "total"]
    n = len(kinds)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.5 * cols, 3.6 * rows), dpi=100, squeeze=False)
    S, T = np.meshgrid(m.speed_rpm, m.torque_nm)
    for ax, kind in zip(axes.flat, kinds):
        L = np.where(m.feasible, m.losses[kind], np.nan)
        cf = ax.contourf(S, T, L, levels=20, cmap="magma")
        fig.colorbar(cf, ax=ax, label="W")
        ax.plot(m.envelope_speed_rpm, m.envelope_motoring_nm, "c-", lw=1)
        ax.plot(m.envelope_speed_rpm, -m.envelope_generating_nm, "c-", lw=1)
        ax.set_title(f"{kind} loss")
        ax.set_xlabel("rpm")
        ax.set_ylabel("N m")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def cycle_losses_png(evaluation, path) -> Path:
    """Per-cycle loss breakdown (Wh) as stacked bars."""
    plt = _plt()
    names = list(evaluation.cycles)
    kinds = sorted({k for c in evaluation.cycles.values() for k in c.losses})
    fig, ax = plt.subplots(figsize=(1.8 * len(names) + 3, 4.5), dpi=100)
    bottom = np.zeros(len(names))
    for kind in kinds:
        wh = np.array([float(np.sum(evaluation.cycles[n].losses.get(kind, 0.0) * evaluation.cycles[n].dt_s
                                    * evaluation.cycles[n].feasible)) / 3600.0 for n in names])
        ax.bar(names, wh, bottom=bottom, label=kind)
        bottom += wh
    ax.set_ylabel("loss over the cycle (Wh)")
    ax.legend(fontsize=8)
    ax.set_title(f"{evaluation.design.name}: cycle loss breakdown")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
