"""Overlay plots of two or three evaluated designs (``motoropt compare --png DIR``): the efficiency
difference of each design from the first on a common torque-speed grid, the torque and power
envelopes, and the loss energy of each kind over each cycle.

Each function takes the evaluations and their labels and writes one PNG (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from motoropt.plots.interactive import LOSS_COLOURS, cycle_loss_wh
from motoropt.plots.maps import _plt, save_figure

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")


def common_grid(evs, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A speed axis from 0 to the highest map speed and a torque axis over the widest torque range
    of the designs' maps (``n`` points each; default: 4 x the finest of their grids, at least 80, so
    that the interpolated difference is drawn smoothly; it carries no more detail than the maps)."""
    n_s = n or max(80, 4 * max(len(ev.emap.speed_rpm) for ev in evs))
    n_t = n or max(80, 4 * max(len(ev.emap.torque_nm) for ev in evs))
    s_max = max(float(np.max(ev.emap.speed_rpm)) for ev in evs)
    t_lo = min(float(np.min(ev.emap.torque_nm)) for ev in evs)
    t_hi = max(float(np.max(ev.emap.torque_nm)) for ev in evs)
    return np.linspace(0.0, s_max, n_s), np.linspace(t_lo, t_hi, n_t)


def efficiency_on(ev, speed_rpm: np.ndarray, torque_nm: np.ndarray) -> np.ndarray:
    """The design's motor efficiency (fraction) bilinearly interpolated onto (torque, speed) axes;
    NaN outside its map, and wherever a grid point with a non-zero interpolation weight is
    infeasible (so exact at the map's own nodes, and never extrapolated past the envelope)."""
    m = ev.emap
    valid = m.feasible & np.isfinite(m.efficiency)
    axes = (m.torque_nm, m.speed_rpm)
    f_eff = RegularGridInterpolator(axes, np.where(valid, m.efficiency, 0.0), bounds_error=False, fill_value=np.nan)
    f_ok = RegularGridInterpolator(axes, valid.astype(float), bounds_error=False, fill_value=np.nan)
    T, S = np.meshgrid(torque_nm, speed_rpm, indexing="ij")
    pts = np.column_stack([T.ravel(), S.ravel()])
    eff, ok = f_eff(pts), f_ok(pts)
    return np.where(ok > 1.0 - 1e-9, eff, np.nan).reshape(T.shape)


def efficiency_difference(evs) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(speed axis, torque axis, [eta_k - eta_0 for k >= 1]) in fractions on the common grid,
    NaN where either design cannot run the point."""
    s, t = common_grid(evs)
    base = efficiency_on(evs[0], s, t)
    return s, t, [efficiency_on(ev, s, t) - base for ev in evs[1:]]


def efficiency_difference_png(evs, labels, path) -> Path:
    """One panel per design after the first: its efficiency minus the first's (percentage points),
    with both torque envelopes."""
    plt = _plt()
    s, t, diffs = efficiency_difference(evs)
    fig, axes = plt.subplots(1, len(diffs), figsize=(7.5 * len(diffs), 5.8), dpi=100, squeeze=False)
    # colour range: the 98th percentile of |difference| (near standstill the efficiencies, and so
    # their differences, run to tens of points; those cells saturate)
    big = [float(np.nanpercentile(np.abs(d), 98)) * 100 for d in diffs if np.isfinite(d).any()]
    lim = float(np.ceil(max(big + [0.5]) * 2) / 2)
    levels = np.linspace(-lim, lim, 21)
    S, T = np.meshgrid(s, t)
    for k, (ax, d) in enumerate(zip(axes[0], diffs), start=1):
        cf = ax.contourf(S, T, d * 100.0, levels=levels, cmap="RdBu", extend="both")
        fig.colorbar(cf, ax=ax, label=f"{labels[k]} − {labels[0]} (efficiency points)")
        for j in (0, k):
            m = evs[j].emap
            ax.plot(m.envelope_speed_rpm, m.envelope_motoring_nm, color=COLOURS[j], lw=1.8, label=f"{labels[j]} envelope")
            ax.plot(m.envelope_speed_rpm, -m.envelope_generating_nm, color=COLOURS[j], lw=1.8)
        ax.axhline(0, color="0.3", lw=0.5)
        ax.set_xlabel("speed (rpm)")
        ax.set_ylabel("torque (N m)")
        ax.set_title(f"motor efficiency: {labels[k]} − {labels[0]} (blue: {labels[k]} better)", fontsize=10)
        ax.legend(fontsize=8, loc="upper right")
        ax.grid(alpha=0.2)
    return save_figure(plt, fig, path)


def torque_envelopes_png(evs, labels, path) -> Path:
    """Torque (left) and power (right) envelopes of the designs, motoring solid, generating dashed."""
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5), dpi=100)
    for k, (ev, lab) in enumerate(zip(evs, labels)):
        m = ev.emap
        w = m.envelope_speed_rpm * np.pi / 30.0
        a1.plot(m.envelope_speed_rpm, m.envelope_motoring_nm, color=COLOURS[k], lw=2, label=lab)
        a1.plot(m.envelope_speed_rpm, -m.envelope_generating_nm, color=COLOURS[k], lw=1.5, ls="--")
        a2.plot(m.envelope_speed_rpm, w * m.envelope_motoring_nm / 1e3, color=COLOURS[k], lw=2, label=lab)
        a2.plot(m.envelope_speed_rpm, -w * m.envelope_generating_nm / 1e3, color=COLOURS[k], lw=1.5, ls="--")
    for ax, yl in ((a1, "torque (N m)"), (a2, "power (kW)")):
        ax.axhline(0, color="0.3", lw=0.5)
        ax.set_xlabel("speed (rpm)")
        ax.set_ylabel(yl)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    a1.set_title("torque envelopes (dashed: generating)", fontsize=10)
    a2.set_title("power envelopes (dashed: generating)", fontsize=10)
    return save_figure(plt, fig, path)


def cycle_losses_compare_png(evs, labels, path) -> Path:
    """For each cycle, one stacked bar per design: loss energy of each kind (Wh)."""
    plt = _plt()
    data = [cycle_loss_wh(ev) for ev in evs]
    cycles = list(dict.fromkeys(c for d in data for c in d))
    kinds = list(dict.fromkeys(k for d in data for row in d.values() for k in row))
    n = len(evs)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(2.2 * len(cycles) * n / 2 + 4, 5), dpi=100)
    x = np.arange(len(cycles))
    for j, (d, lab) in enumerate(zip(data, labels)):
        pos = x - 0.4 + width * (j + 0.5)
        bottom = np.zeros(len(cycles))
        for kind in kinds:
            wh = np.array([d.get(c, {}).get(kind, 0.0) for c in cycles])
            ax.bar(pos, wh, width * 0.92, bottom=bottom, color=LOSS_COLOURS.get(kind), edgecolor="k", linewidth=0.3,
                   label=kind if j == 0 else None)
            bottom += wh
        for p, b in zip(pos, bottom):
            ax.text(p, b, lab, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(cycles)
    ax.set_ylabel("loss over the cycle (Wh)")
    ax.set_title("loss over each cycle by kind (" + ", ".join(labels) + ")", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return save_figure(plt, fig, path)


def compare_pngs(evs, labels, outdir) -> list[Path]:
    """All three overlay plots into ``outdir``."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    return [efficiency_difference_png(evs, labels, out / "efficiency_difference.png"),
            torque_envelopes_png(evs, labels, out / "torque_envelopes.png"),
            cycle_losses_compare_png(evs, labels, out / "cycle_losses.png")]
