"""PNGs of ``motoropt validate``: model against measurement for one machine
(:class:`motoropt.evaluation.validation.ValidationResult`).

1. ``<name>_efficiency_current.png``: motor efficiency and phase current over speed, measured and
   model, with the points excluded from the efficiency metrics marked;
2. ``<name>_map_points.png``: the model's motor efficiency map (case conditions) with the measured
   points on it, coloured by the efficiency error (model - measured, points);
3. with the machine's extra comparisons: ``<name>_inverter.png`` (inverter efficiency, model and
   measured, over the compared points) and ``<name>_thermal.png``
   (:func:`motoropt.plots.validation_thermal.thermal_comparison_png`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from motoropt.plots.maps import EFF_LEVELS, _plt, save_figure
from motoropt.plots.validation_thermal import thermal_comparison_png


def _num(v) -> float:
    return np.nan if v is None else float(v)


def _arrays(result):
    rows = [p.row for p in result.points]
    ok = np.array([p.feasible for p in result.points])
    sp = np.array([r["speed_rpm"] for r in rows])
    tq = np.array([r["torque_Nm"] for r in rows])
    i_m = np.array([_num(r.get("i_ac_A")) for r in rows])
    e_m = np.array([r["eta_motor"] for r in rows])
    i_c = np.array([p.result["current_rms_a"] if p.feasible else np.nan for p in result.points])
    e_c = np.array([p.result["motor_efficiency"] if p.feasible else np.nan for p in result.points])
    return sp, tq, i_m, e_m, i_c, e_c, ok


def efficiency_current_png(result, path, efficiency_ok=None) -> Path:
    """Efficiency and current over speed, measured (circles) and model (crosses), joined per point."""
    plt = _plt()
    sp, tq, i_m, e_m, i_c, e_c, ok = _arrays(result)
    eff_ok = np.array([efficiency_ok(p.row) if efficiency_ok else True for p in result.points])
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8.5, 8), dpi=110, sharex=True)
    for k in range(len(sp)):
        a1.plot([sp[k], sp[k]], [100 * e_m[k], 100 * e_c[k]], color="0.6", lw=0.8)
        a2.plot([sp[k], sp[k]], [i_m[k], i_c[k]], color="0.6", lw=0.8)
    a1.scatter(sp[eff_ok], 100 * e_m[eff_ok], marker="o", facecolors="none", edgecolors="C0", label="measured")
    a1.scatter(sp[~eff_ok], 100 * e_m[~eff_ok], marker="o", facecolors="none", edgecolors="0.6",
               label="measured (not in the efficiency metrics)")
    a1.scatter(sp[ok], 100 * e_c[ok], marker="x", color="C3", label="model")
    a2.scatter(sp, i_m, marker="o", facecolors="none", edgecolors="C0", label="measured")
    a2.scatter(sp[ok], i_c[ok], marker="x", color="C3", label="model")
    for k in range(len(sp)):
        y = i_m[k] if np.isfinite(i_m[k]) else i_c[k]
        if np.isfinite(y):
            a2.annotate(f"{tq[k]:.0f} N m", (sp[k], y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    m = result.metrics
    a1.set_ylabel("motor efficiency (%)")
    a1.set_title(f"{result.name}: mean |d eta| {100 * (m['mean_abs_motor_efficiency_error'] or np.nan):.2f} pt, "
                 f"max {100 * (m['max_abs_motor_efficiency_error'] or np.nan):.2f} pt; "
                 + ("current not measured" if m["mean_abs_current_error"] is None
                    else f"mean |dI|/I {100 * m['mean_abs_current_error']:.1f} %"))
    a2.set_ylabel("phase current (A rms)" if np.any(np.isfinite(i_m)) else "phase current (A rms), model only")
    a2.set_xlabel("speed (rpm)")
    for a in (a1, a2):
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    return save_figure(plt, fig, path)


def map_points_png(result, emap, path) -> Path:
    """The model's efficiency map with the measured points coloured by the efficiency error."""
    plt = _plt()
    sp, tq, i_m, e_m, i_c, e_c, ok = _arrays(result)
    S, T = np.meshgrid(emap.speed_rpm, emap.torque_nm)
    e = np.where(np.isfinite(emap.efficiency) & (T > 0), emap.efficiency * 100.0, np.nan)
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    cf = ax.contourf(S, T, e, levels=[0, 50, 60] + EFF_LEVELS + [100], cmap="Greys", alpha=0.6)
    cs = ax.contour(S, T, e, levels=EFF_LEVELS, colors="k", linewidths=0.5)
    ax.clabel(cs, fmt="%g %%", fontsize=7, inline=True)
    fig.colorbar(cf, ax=ax, label="model motor efficiency (%)")
    ax.plot(emap.envelope_speed_rpm, emap.envelope_motoring_nm, "r-", lw=1.5, label="model envelope")
    err = 100 * (e_c - e_m)
    lim = max(1.0, float(np.nanmax(np.abs(err)))) if np.any(np.isfinite(err)) else 1.0
    sc = ax.scatter(sp[ok], tq[ok], c=err[ok], cmap="coolwarm", vmin=-lim, vmax=lim, s=60, edgecolors="k",
                    label="measured points")
    if np.any(~ok):
        ax.scatter(sp[~ok], tq[~ok], marker="x", color="red", s=50, label="outside the model's envelope")
    fig.colorbar(sc, ax=ax, label="model - measured efficiency (points)")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("speed (rpm)")
    ax.set_ylabel("torque (N m)")
    ax.set_title(f"{result.name}: measured points on the model's motor efficiency map")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(alpha=0.2)
    return save_figure(plt, fig, path)


def inverter_png(cmp, path, title: str = "") -> Path:
    """Inverter efficiency at the compared points, measured and model (an
    :class:`motoropt.evaluation.validation_inverter.InverterComparison`), with the +-1 point band."""
    plt = _plt()
    pts = cmp.points
    x = np.arange(len(pts))
    em = np.array([p.eta_measured for p in pts]) * 100.0
    ec = np.array([p.eta_model for p in pts]) * 100.0
    fig, ax = plt.subplots(figsize=(9, 5), dpi=110)
    ax.fill_between(x, em - 1.0, em + 1.0, color="tab:green", alpha=0.15, label="measured +-1 point (target)")
    ax.plot(x, em, "o", mfc="none", color="C0", label="measured (ORNL/TM-2006/423 Table B-1)")
    ax.plot(x, ec, "x", color="C3", label=f"model ({cmp.source} inputs, f_sw {cmp.f_sw / 1e3:g} kHz)")
    ax.set_xticks(x, [f"{p.speed_rpm:.0f} rpm\n{p.torque_nm:.0f} N m" for p in pts], fontsize=7)
    ax.set_ylabel("inverter efficiency P_ac / P_dc (%)")
    ax.set_title(f"{title}inverter: mean |d eta| {100 * cmp.mean_abs_error:.2f} pt, max {100 * cmp.max_abs_error:.2f} pt")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return save_figure(plt, fig, path)


def validation_pngs(result, emap, directory, efficiency_ok=None) -> list[Path]:
    """The PNGs of one machine into ``directory`` (created; module docstring); returns their paths."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    out = [efficiency_current_png(result, d / f"{result.name}_efficiency_current.png", efficiency_ok),
           map_points_png(result, emap, d / f"{result.name}_map_points.png")]
    comps = result.comparisons
    if comps.get("inverter") is not None:
        out.append(inverter_png(comps["inverter"], d / f"{result.name}_inverter.png", f"{result.name} "))
    if comps.get("thermal") is not None:
        out.append(thermal_comparison_png(comps["thermal"], d / f"{result.name}_thermal.png"))
    return out
