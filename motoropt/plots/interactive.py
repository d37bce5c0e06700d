"""Interactive plots of one evaluated design (plotly figures as JSON-ready dicts) for the HTML
review (:mod:`motoropt.review`): cross-section, efficiency map with the envelope, the thermal
continuous envelope and the cycle points, the loss breakdown over each cycle, and the winding
hotspot and magnet (or cage) temperature over each cycle.

The figures are built with plotly's Python API and returned as plain dicts (``to_plotly_json``)
whose arrays are lists rounded to the precision a plot needs (:func:`rounded`), so the report's
embedded data stays small and readable by any JSON parser; the page template (one for all figures)
is applied by the page, not stored in each figure.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from motoropt.plots.sections import MAGNET, POLE_COLOURS, region_materials, section_regions

FONT = 11
CYCLE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
LOSS_COLOURS = {"copper": "#d08a3a", "rotor_copper": "#a0522d", "iron": "#7f7f7f", "magnet": "#c0392b",
                "mechanical": "#2e6da4", "inverter conduction": "#9467bd", "inverter switching": "#e377c2",
                "gear": "#17becf"}


def rounded(a, digits: int = 4) -> list:
    """``a`` as a list of floats rounded to ``digits`` significant digits (None for NaN/inf)."""
    x = np.asarray(a, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x)
    if ok.any():
        mag = np.floor(np.log10(np.where(ok & (x != 0), np.abs(x), 1.0)))
        scale = 10.0 ** (digits - 1 - mag)
        out[ok] = np.round(x[ok] * scale[ok]) / scale[ok]
    return [[None if not math.isfinite(v) else float(v) for v in row] for row in out.tolist()] if x.ndim == 2 \
        else [None if not math.isfinite(v) else float(v) for v in out.tolist()]


def figure_dict(fig: go.Figure) -> dict:
    """The figure as a plain dict without its template (the page applies one template)."""
    d = fig.to_plotly_json()
    d["layout"].pop("template", None)
    return {"data": d["data"], "layout": d["layout"]}


def _layout(title: str, **kw) -> dict:
    return {"title": dict(text=title, font=dict(size=FONT + 2)), "font": dict(size=FONT),
            "margin": dict(l=55, r=20, t=40, b=45), "legend": dict(font=dict(size=FONT - 1)), **kw}


def section_figure(design, title: str | None = None) -> dict:
    """The cross-section (mm) from :func:`motoropt.plots.sections.section_regions`: one filled
    trace per region and fill (polygons separated by gaps), drawn in the regions' order."""
    materials = region_materials(design)
    fig = go.Figure()
    # the polygons of one region and fill in one trace (they do not overlap each other), circles alone,
    # in the order of their first outline
    groups: list[tuple[str, str, list]] = []
    index: dict[tuple[str, str], int] = {}
    for it in section_regions(design):
        xy = it.outline(121) * 1e3
        key = (it.region, it.fill)
        if it.radius is None and key in index:
            groups[index[key]][2].append(xy)
            continue
        if it.radius is None:
            index[key] = len(groups)
        groups.append((it.region, it.fill, [xy]))
    for region, fill, polys in groups:
        xs, ys = [], []
        for xy in polys:
            xs += rounded(xy[:, 0], 5) + [None]
            ys += rounded(xy[:, 1], 5) + [None]
        name = f"{region.lower().replace('_', ' ')}: {materials.get(region, '')}"
        if region == MAGNET:
            name += " (N)" if fill == POLE_COLOURS[0] else " (S)"
        fig.add_trace(go.Scatter(x=xs[:-1], y=ys[:-1], mode="lines", fill="toself", fillcolor=_css(fill),
                                 line=dict(color="black", width=0.6), name=name, hoverinfo="name",
                                 showlegend=False))
    lim = design.stator.D_o / 2 * 1e3 * 1.03
    fig.update_layout(**_layout(title or design.name, xaxis=dict(range=[-lim, lim], title="mm", zeroline=False),
                                yaxis=dict(range=[-lim, lim], scaleanchor="x", scaleratio=1, zeroline=False),
                                plot_bgcolor="white", height=420))
    return figure_dict(fig)


def _css(colour: str) -> str:
    """matplotlib grey levels ("0.35") as CSS colours."""
    try:
        g = float(colour)
    except ValueError:
        return colour
    v = int(round(255 * g))
    return f"rgb({v},{v},{v})"


def envelope_arrays(ev) -> dict:
    """The torque envelope (speed rpm, motoring and generating torque magnitudes N m), rounded."""
    m = ev.emap
    return {"speed_rpm": rounded(m.envelope_speed_rpm, 5), "motoring_nm": rounded(m.envelope_motoring_nm, 5),
            "generating_nm": rounded(m.envelope_generating_nm, 5)}


def efficiency_map_figure(ev, title: str | None = None) -> dict:
    """Efficiency map (%, contours from 70 % in 2-point steps), the torque envelope, the thermal
    continuous envelope (where the thermal stage ran) and every cycle's moving points (points
    beyond the envelope as red crosses)."""
    m = ev.emap
    eff = np.where(m.feasible & np.isfinite(m.efficiency), m.efficiency * 100.0, np.nan)
    fig = go.Figure(go.Contour(
        x=rounded(m.speed_rpm, 5), y=rounded(m.torque_nm, 5), z=rounded(eff, 4), zmin=70, zmax=98,
        contours=dict(start=70, end=98, size=2, showlabels=True, labelfont=dict(size=9, color="white")),
        colorscale="Viridis", colorbar=dict(title=dict(text="η (%)"), thickness=12), connectgaps=False,
        hovertemplate="%{x:.0f} rpm, %{y:.1f} N m: η = %{z:.2f} %<extra></extra>", name="efficiency"))
    env = envelope_arrays(ev)
    fig.add_trace(go.Scatter(x=env["speed_rpm"], y=env["motoring_nm"], mode="lines", line=dict(color="red", width=2),
                             name="torque envelope", legendgroup="env"))
    fig.add_trace(go.Scatter(x=env["speed_rpm"], y=[None if v is None else -v for v in env["generating_nm"]],
                             mode="lines", line=dict(color="red", width=2), name="torque envelope",
                             legendgroup="env", showlegend=False))
    sr = ev.series()
    if "continuous_speed_rpm" in sr and "continuous_torque_nm" in sr:
        fig.add_trace(go.Scatter(x=rounded(sr["continuous_speed_rpm"], 5), y=rounded(sr["continuous_torque_nm"], 5),
                                 mode="lines", line=dict(color="#222222", width=2, dash="dash"),
                                 name="continuous (thermal)"))
    for k, (name, c) in enumerate(ev.cycles.items()):
        moving = c.speed_rpm > 1.0
        ok = moving & c.feasible
        col = CYCLE_COLOURS[k % len(CYCLE_COLOURS)]
        fig.add_trace(go.Scatter(x=rounded(c.speed_rpm[ok], 4), y=rounded(c.torque_nm[ok], 4), mode="markers",
                                   marker=dict(size=3, color=col, opacity=0.6), name=f"{name} points",
                                   hovertemplate=f"{name}: %{{x:.0f}} rpm, %{{y:.1f}} N m<extra></extra>"))
        bad = moving & ~c.feasible
        if bad.any():
            fig.add_trace(go.Scatter(x=rounded(c.speed_rpm[bad], 4), y=rounded(c.torque_nm[bad], 4), mode="markers",
                                     marker=dict(size=7, color="red", symbol="x"),
                                     name=f"{name}: beyond envelope ({int(bad.sum())})"))
    fig.update_layout(**_layout(title or f"{ev.design.name}: motor efficiency",
                                xaxis=dict(title="speed (rpm)"), yaxis=dict(title="torque (N m)"), height=420,
                                legend=dict(orientation="h", y=-0.18, font=dict(size=FONT - 2))))
    return figure_dict(fig)


def cycle_loss_wh(ev) -> dict[str, dict[str, float]]:
    """{cycle: {loss kind: Wh}} from the KPI record: the motor's loss kinds (``<kind>_loss_wh``)
    and, where the drive-system stage ran, the inverter's conduction and switching losses and the
    gear's (the bars therefore add up to the cycle's system loss)."""
    out = {}
    for name, c in ev.cycles.items():
        k = ev.kpis.get("cycles", {}).get(name, {})
        row = {kind: float(k[f"{kind}_loss_wh"]) for kind in c.losses if f"{kind}_loss_wh" in k}
        for label, key in (("inverter conduction", "inverter_conduction_loss_wh"),
                           ("inverter switching", "inverter_switching_loss_wh"), ("gear", "gear_loss_wh")):
            if key in k:
                row[label] = float(k[key])
        out[name] = row
    return out


def cycle_losses_figure(ev, title: str | None = None) -> dict:
    """Stacked bars: the loss energy of each kind over each cycle (Wh), the cycle's motor
    efficiency written above its bar."""
    data = cycle_loss_wh(ev)
    names = list(data)
    kinds = list(dict.fromkeys(k for row in data.values() for k in row))
    fig = go.Figure()
    for kind in kinds:
        fig.add_trace(go.Bar(x=names, y=rounded([data[n].get(kind, 0.0) for n in names], 5), name=kind,
                             marker_color=LOSS_COLOURS.get(kind),
                             hovertemplate=f"%{{x}}: {kind} %{{y:.2f}} Wh<extra></extra>"))
    tops = [sum(data[n].values()) for n in names]
    effs = [ev.kpis.get("cycles", {}).get(n, {}).get("motor_efficiency", float("nan")) for n in names]
    fig.add_trace(go.Scatter(x=names, y=rounded(tops, 5), mode="text", showlegend=False, hoverinfo="skip",
                             text=[f"η {e * 100:.2f} %" if math.isfinite(e) else "" for e in effs],
                             textposition="top center"))
    fig.update_layout(**_layout(title or f"{ev.design.name}: loss over each cycle", barmode="stack",
                                yaxis=dict(title="loss over the cycle (Wh)"), height=380))
    return figure_dict(fig)


def thermal_figure(ev, title: str | None = None) -> dict | None:
    """Winding hotspot (solid) and magnet or cage temperature (dotted) over each cycle (coupled
    thermal network), with the winding and magnet (rotor) limits; None without the thermal stage."""
    fig = go.Figure()
    n = 0
    rotor_key = "T_magnet_c"
    for k, (name, c) in enumerate(ev.cycles.items()):
        arrs = ev.cycle_arrays(name)
        if "T_winding_c" not in arrs:
            continue
        n += 1
        col = CYCLE_COLOURS[k % len(CYCLE_COLOURS)]
        dt = np.asarray(c.dt_s, float)
        # time at the end of each interval; a uniform step is stored as x0 + dx, not as an array
        tx = dict(x0=float(dt[0]), dx=float(dt[0])) if np.allclose(dt, dt[0]) else dict(x=rounded(np.cumsum(dt), 5))
        fig.add_trace(go.Scatter(**tx, y=rounded(arrs["T_winding_c"], 4), mode="lines",
                                 line=dict(color=col, width=1.6), name=f"{name}: winding hotspot", legendgroup=name))
        rotor_key = "T_rotor_c" if "T_rotor_c" in arrs else "T_magnet_c"
        if rotor_key in arrs:
            fig.add_trace(go.Scatter(**tx, y=rounded(arrs[rotor_key], 4), mode="lines",
                                     line=dict(color=col, width=1.2, dash="dot"),
                                     name=f"{name}: {'rotor' if rotor_key == 'T_rotor_c' else 'magnets'}",
                                     legendgroup=name))
    if n == 0:
        return None
    for key, label, dash, pos in (("winding_limit_c", "winding limit", "dash", "top left"),
                                  ("rotor_limit_c" if rotor_key == "T_rotor_c" else "magnet_limit_c",
                                   "rotor limit" if rotor_key == "T_rotor_c" else "magnet limit", "dot", "bottom right")):
        v = ev.kpis.get(key)
        if v is not None and math.isfinite(v):
            fig.add_hline(y=float(v), line=dict(color="red", dash=dash, width=1), annotation_text=label,
                          annotation_position=pos, annotation_font_size=9)
    fig.update_layout(**_layout(title or f"{ev.design.name}: temperatures over the cycles",
                                xaxis=dict(title="time (s)"), yaxis=dict(title="temperature (°C)"), height=380,
                                legend=dict(orientation="h", y=-0.2, font=dict(size=FONT - 2))))
    return figure_dict(fig)


def design_figures(ev, title: str | None = None) -> dict[str, dict]:
    """Every interactive figure of one evaluated design: ``section``, ``map``, ``losses`` and,
    with the thermal stage, ``thermal``."""
    t = f"{title}: " if title else ""
    figs = {"section": section_figure(ev.design, f"{t}cross-section"),
            "map": efficiency_map_figure(ev, f"{t}efficiency map and cycle points"),
            "losses": cycle_losses_figure(ev, f"{t}loss over each cycle")}
    th = thermal_figure(ev, f"{t}winding hotspot and magnets over the cycles")
    if th is not None:
        figs["thermal"] = th
    return figs
