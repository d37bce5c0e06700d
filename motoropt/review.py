"""The HTML review of an optimisation run (``motoropt report RUN.h5 --html``): summary, front
table, Pareto plots, parallel coordinates, and for each selected design its cross-section and
efficiency map with the cycle points (re-evaluated on the case's full map grid); one self-contained
page (PNG images embedded as base64)."""

from __future__ import annotations

import base64
import html as _html
import sys
import tempfile
from pathlib import Path

import numpy as np

from motoropt.optimize.problem import flatten_kpis
from motoropt.optimize.report import _fmt, _kpi_cols, _run, evaluate_run_design, select_designs, summary_text
from motoropt.plots.maps import efficiency_map_png
from motoropt.plots.runs import parallel_coordinates_png, pareto_png
from motoropt.plots.sections import cross_section_png


def _b64(path) -> str:
    return base64.b64encode(Path(path).read_bytes()).decode("ascii")


def write_html(run, html_path, workdir=None, selected=None) -> Path:
    """Design-review HTML: summary, front table, Pareto plots, parallel coordinates, and for each
    selected design its cross-section and efficiency map with the cycle points."""
    r = _run(run)
    tmp = Path(workdir or tempfile.mkdtemp(prefix="motoropt_report_"))
    tmp.mkdir(parents=True, exist_ok=True)
    parts = [f"<h1>Optimisation run {_html.escape(Path(r.path).name)}</h1>",
             f"<pre>{_html.escape(summary_text(r))}</pre>"]
    if len(r.id) and np.isfinite(r.obj).any():
        parts.append(f'<h2>Pareto front</h2><img src="data:image/png;base64,{_b64(pareto_png(r, tmp / "pareto.png"))}">')
        parts.append(f'<h2>Variables (parallel coordinates)</h2>'
                     f'<img src="data:image/png;base64,{_b64(parallel_coordinates_png(r, tmp / "parallel.png"))}">')
    sel = select_designs(r) if selected is None else [r.row(i) for i in selected]
    for i in sel:
        did = int(r.id[i])
        ev = evaluate_run_design(r, did, full_map=True)
        xs = cross_section_png(ev.design, tmp / f"design_{did}_xs.png", title=f"design {did}")
        em = efficiency_map_png(ev, tmp / f"design_{did}_map.png", title=f"design {did}")
        flat = flatten_kpis(ev.kpis)
        rows = "".join(f"<tr><td>{_html.escape(k)}</td><td>{_fmt(flat[k])}</td></tr>"
                       for k in _kpi_cols(r) if k in flat)
        parts.append(f"<h2>Design {did}</h2><table border=1 cellpadding=3>{rows}</table>"
                     f'<img src="data:image/png;base64,{_b64(xs)}"><img src="data:image/png;base64,{_b64(em)}">')
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>motoropt run report</title>"
            "<style>body{font-family:sans-serif;margin:1em} img{max-width:100%} pre{font-size:11px}</style>"
            "</head><body>" + "\n".join(parts) + "</body></html>")
    p = Path(html_path)
    p.write_text(page, encoding="utf-8")
    return p


def report(run_path, html=None, out=None) -> str:
    """``motoropt report``: print the summary and front table; write the HTML review if asked."""
    out = out or sys.stdout
    r = _run(run_path)
    text = summary_text(r)
    print(text, file=out)
    if html:
        write_html(r, html)
        print(f"wrote {html}", file=out)
    return text
