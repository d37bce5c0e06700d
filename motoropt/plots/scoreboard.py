"""The programme scoreboard's trade-off plot (:mod:`motoropt.scoreboard`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.optimize.report import pareto_front_rows, refined_results
from motoropt.optimize.storage import RunData
from motoropt.plots.maps import _plt
from motoropt.scoreboard import TARGETS, _column, refined_violations


def scoreboard_png(run_paths, path, sb: dict, targets=TARGETS) -> Path:
    """Trade-off plot: cycle motor+inverter efficiency vs motor kW/kg (left) and vs motor+inverter
    kW/kg (right), every run's feasible designs (front filled), target lines drawn. Designs refined
    with the FEA field model (``--refine-fea``, the run's ``/refined/fea``) are drawn where the FEA
    puts them, joined to their run value by a line: a diamond when the refined design still meets
    the run's constraints, a cross when it violates one."""
    plt = _plt()
    if isinstance(run_paths, (str, Path)):
        run_paths = [run_paths]
    tb = {t.key: t for t in targets}
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    xs = (("motor_power_density_kw_per_kg", "motor_kw_per_kg", "motor kW/kg (active mass)"),
          ("system_power_density_kw_per_kg", "system_kw_per_kg", "motor + inverter kW/kg"))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (p, rec) in enumerate(zip(run_paths, sb["runs"])):
        r = RunData(p)
        if rec["cycle"] is None:
            continue
        y = _column(r, f"cycles.{rec['cycle']}.motor_inverter_efficiency")
        fr = pareto_front_rows(r)
        feas = np.nonzero(r.feasible)[0]
        c = colors[k % len(colors)]
        lab = f"{rec['name'] or Path(p).stem} ({rec['cycle']})"
        for ax, (col, _, _) in zip(axes, xs):
            x = _column(r, col)
            ax.scatter(x[feas], y[feas], s=10, color=c, alpha=0.25)
            ax.scatter(x[fr], y[fr], s=28, color=c, edgecolor="k", linewidth=0.5, label=lab)
        _draw_refined(axes, xs, r, rec["cycle"], c)
    for ax, (_, key, xl) in zip(axes, xs):
        if key in tb:
            ax.axvline(tb[key].bound, color="r", ls="--", lw=1)
        for ek, ls in (("cycle_eff_85", "--"), ("cycle_eff_90", ":")):
            if ek in tb:
                ax.axhline(tb[ek].bound, color="r", ls=ls, lw=1)
        ax.set_xlabel(xl)
        ax.set_ylabel("cycle motor+inverter efficiency")
        ax.grid(alpha=0.3)
    if any(refined_results(RunData(p)) for p in run_paths):
        axes[0].scatter([], [], marker="D", s=40, facecolor="none", edgecolor="k", label="FEA-refined, constraints met")
        axes[0].scatter([], [], marker="X", s=50, color="k", label="FEA-refined, violates a constraint")
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle("Programme scoreboard: feasible designs (front outlined); red: targets (85 % / 90 %, 8 and 3 kW/kg)")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def _draw_refined(axes, xs, run: RunData, cycle: str, color) -> None:
    """The run's FEA-refined designs on both panels (see :func:`scoreboard_png`)."""
    ycol = f"cycles.{cycle}.motor_inverter_efficiency"
    refined = refined_results(run)
    if not refined:
        return
    rows = {int(i): j for j, i in enumerate(run.id)}
    y_run = _column(run, ycol)
    x_run = [_column(run, col) for col, _, _ in xs]
    for did, fea in refined.items():
        k = fea["kpis"]
        if not k or did not in rows:
            continue
        ok = not refined_violations(run.constraints, k)
        for ax, (col, _, _), xr in zip(axes, xs, x_run):
            x0, y0 = xr[rows[did]], y_run[rows[did]]
            x1, y1 = k.get(col, np.nan), k.get(ycol, np.nan)
            if not (np.isfinite(x1) and np.isfinite(y1)):
                continue
            ax.plot([x0, x1], [y0, y1], color="k", lw=0.6, alpha=0.6)
            if ok:
                ax.scatter([x1], [y1], marker="D", s=40, facecolor="none", edgecolor=color, linewidth=1.5)
            else:
                ax.scatter([x1], [y1], marker="X", s=50, color=color, edgecolor="k", linewidth=0.5)
