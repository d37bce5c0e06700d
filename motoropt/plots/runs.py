"""Plots of an optimisation run: Pareto pairs (colour = a third objective, or the generation) and
parallel coordinates of the variables (normalised to their ranges), from the run file
(:class:`motoropt.optimize.storage.RunData`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.optimize.report import _run, pareto_front_rows
from motoropt.plots.maps import _plt


def pareto_png(run, path) -> Path:
    """2-D Pareto plots of every objective pair; feasible designs coloured by a third objective
    (or the generation), infeasible ones as grey crosses, the front as circled points."""
    plt = _plt()
    r = _run(run)
    n = len(r.objectives)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)] or [(0, 0)]
    fig, axs = plt.subplots(1, len(pairs), figsize=(5.5 * len(pairs), 4.5), squeeze=False)
    fr = pareto_front_rows(r)
    feas = r.feasible
    for ax, (a, b) in zip(axs[0], pairs):
        third = [k for k in range(n) if k not in (a, b)]
        c = r.obj[:, third[0]] if third else r.generation.astype(float)
        clabel = r.objectives[third[0]]["kpi"] if third else "generation"
        ok = np.isfinite(r.obj[:, a]) & np.isfinite(r.obj[:, b])
        ax.scatter(r.obj[ok & ~feas, a], r.obj[ok & ~feas, b], marker="x", c="0.75", s=12, label="infeasible")
        sc = ax.scatter(r.obj[ok & feas, a], r.obj[ok & feas, b], c=c[ok & feas], s=14, cmap="viridis", label="feasible")
        if len(fr):
            o = fr[np.argsort(r.obj[fr, a])]
            ax.plot(r.obj[o, a], r.obj[o, b], "o-", mfc="none", mec="r", color="r", lw=0.8, ms=7, label="front")
        if feas.any():
            fig.colorbar(sc, ax=ax, label=clabel)
        ax.set_xlabel(f"{r.objectives[a]['kpi']} ({r.objectives[a]['sense']})")
        ax.set_ylabel(f"{r.objectives[b]['kpi']} ({r.objectives[b]['sense']})")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def parallel_coordinates_png(run, path) -> Path:
    """Variables normalised to their ranges: all feasible designs in grey, the front coloured by
    the first objective."""
    plt = _plt()
    r = _run(run)
    span = np.where(r.var_hi > r.var_lo, r.var_hi - r.var_lo, 1.0)
    lo = r.var_lo.copy()
    for j, k in enumerate(r.var_kinds):
        if k == "choice":
            lo[j], span[j] = 0.0, max(len(r.var_choices[j]) - 1, 1)
    Xn = (r.x - lo) / span
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(r.var_names)), 4.5))
    xs = np.arange(len(r.var_names))
    feas = np.nonzero(r.feasible)[0]
    for i in feas[:: max(1, len(feas) // 400)]:
        ax.plot(xs, Xn[i], color="0.85", lw=0.5)
    fr = pareto_front_rows(r)
    if len(fr):
        v = r.obj[fr, 0]
        cmap = plt.get_cmap("viridis")
        vn = (v - v.min()) / (np.ptp(v) or 1.0)
        for i, t in zip(fr, vn):
            ax.plot(xs, Xn[i], color=cmap(t), lw=1.2)
        sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(v.min(), v.max()))
        fig.colorbar(sm, ax=ax, label=f"front: {r.objectives[0]['kpi']}")
    ax.set_xticks(xs)
    ax.set_xticklabels([n.split(".")[-1] for n in r.var_names], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("position in range (0 = min, 1 = max)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
