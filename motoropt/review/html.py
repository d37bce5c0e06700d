"""The review page: one self-contained HTML file (plotly.js, the page's script and style and the
data all inlined, no network access needed) built from :func:`motoropt.review.data.review_data`.

The data sits in ``<script type="application/json" id="motoropt-data">``; :func:`embedded_data`
reads it back from a page (the tests compare it with the run file).
"""

from __future__ import annotations

import html as _html
import json
import re
from importlib import resources
from pathlib import Path

from plotly.offline import get_plotlyjs

from motoropt.optimize.report import _run
from motoropt.review.data import review_data

DATA_ID = "motoropt-data"
_DATA_RE = re.compile(r'<script type="application/json" id="motoropt-data">(.*?)</script>', re.S)


def _asset(name: str) -> str:
    return resources.files("motoropt.review").joinpath(name).read_text(encoding="utf-8")


def _json_script(data: dict) -> str:
    """JSON that cannot end the <script> element it is inlined in ("<" only occurs inside JSON
    strings, where ``\\u003c`` is the same character)."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def _js(text: str) -> str:
    if "</script" in text.lower():  # never in plotly.js or app.js; refuse rather than break the page
        raise ValueError("a script to inline contains '</script'")
    return text


def page(data: dict) -> str:
    """The HTML page for review data."""
    payload = _json_script(data)
    title = f"motoropt run review: {data['run']['file']}"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_html.escape(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{_asset('style.css')}</style>",
        f'<script type="text/javascript">{_js(get_plotlyjs())}</script>',
        "</head><body>",
        f"<header><h1>Optimisation run {_html.escape(data['run']['file'])}</h1><div id=\"summary\"></div></header>",
        '<section id="front-panel"><h2>Pareto front</h2>',
        '<div class="controls"><label>x <select id="x-axis" data-key="x"></select></label>'
        '<label>y <select id="y-axis" data-key="y"></select></label>'
        '<label>colour <select id="colour-by" data-key="colour"></select></label>'
        '<span id="brush-info"></span><button id="reset-brush">clear brushing</button></div>',
        '<div id="front"></div>',
        '<p class="hint">Hover a point for the design; click it to open it below; shift+click adds it to the '
        "comparison. Brushing the parallel coordinates (drag along an axis) filters the designs shown.</p></section>",
        '<section id="parcoords-panel"><h2>Parallel coordinates: variables and KPIs</h2>'
        '<p class="hint" id="parcoords-info"></p><div id="parcoords"></div></section>',
        '<section id="design-panel"><h2>Selected design: <span id="design-title"></span></h2><div id="design"></div></section>',
        '<section id="compare-panel"><h2>Comparison (up to 3 designs)</h2><div id="compare"></div></section>',
        '<section id="run-panel"><h2>Run</h2><div id="run"></div></section>',
        f'<script type="application/json" id="{DATA_ID}">{payload}</script>',
        f'<script type="text/javascript">{_js(_asset("app.js"))}</script>',
        "</body></html>", ""])


def write_html(run, html_path, workdir=None, selected=None, designs=None, full_map: bool = False,
               progress: bool = False) -> Path:
    """Write the interactive review of ``run`` (path or RunData) to ``html_path``: the front with
    details for the front designs and ``designs`` (ids; ``selected``: row indices, as before).
    ``workdir`` is accepted for compatibility (the page needs no image files)."""
    r = _run(run)
    ids = list(designs or [])
    if selected is not None:
        ids += [int(r.id[i]) for i in selected]
    data = review_data(r, designs=ids, full_map=full_map, progress=progress)
    p = Path(html_path)
    p.write_text(page(data), encoding="utf-8")
    return p


def embedded_data(html_text: str) -> dict:
    """The review data embedded in a page written by :func:`write_html`."""
    m = _DATA_RE.search(html_text)
    if m is None:
        raise ValueError("no motoropt review data in this page")
    return json.loads(m.group(1))
