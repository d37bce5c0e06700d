"""The review page in a real browser: headless Chromium (the system's, Debian packages chromium and
chromium-driver; ``.ci/run`` installs them) driven by Playwright. Skips, saying why, where
Playwright or a Chromium binary is missing (``MOTOROPT_CHROMIUM`` names another binary), and fails
instead where ``MOTOROPT_REQUIRE_BROWSER`` is set (``.ci/run`` sets it in CI).

Checked as a user would: the page opens from a file with every network request refused (it works
offline); hovering a front point shows that design's id and objectives; clicking it opens the
design (title, KPI table with the constraint margins, the four figures drawn); shift+click adds a
design to the comparison; brushing a parallel-coordinates axis filters the front to the designs in
the range (compared with the same filter computed here from the embedded data); and the page logs
no JavaScript error (uncaught exceptions and console errors) and requests nothing from the network.
"""

from __future__ import annotations

import os
import shutil

import pytest

from motoropt.review.html import embedded_data, write_html
from tests.review.runs import small_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for p in (os.environ.get("MOTOROPT_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
              "/usr/bin/chromium"):
        if p and os.path.exists(p):
            return p
    return None


def _unavailable(reason: str):
    """Skip (fail where MOTOROPT_REQUIRE_BROWSER is set, as .ci/run sets it in CI)."""
    if os.environ.get("MOTOROPT_REQUIRE_BROWSER"):
        pytest.fail(f"browser test required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    exe = _chromium()
    if exe is None:
        _unavailable("no Chromium installed (Debian: apt-get install chromium chromium-driver; or set MOTOROPT_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    html = tmp / "report.html"
    write_html(small_run(tmp), html)
    return html


def _points(page) -> dict:
    """{design id: [x, y]} page coordinates of the designs drawn in the front plot (from plotly's
    own axis mapping)."""
    return page.evaluate("""() => {
        const gd = document.getElementById('front'), fl = gd._fullLayout, r = gd.getBoundingClientRect();
        const out = {};
        gd._fullData.filter(d => d.name !== 'selected').forEach(d => (d.customdata || []).forEach((id, k) => {
            out[id] = [r.left + fl._size.l + fl.xaxis.l2p(d.x[k]), r.top + fl._size.t + fl.yaxis.l2p(d.y[k])];
        }));
        return out;
    }""")


def _isolated(points: dict, candidates) -> int:
    """The candidate farthest (in pixels) from every other drawn design, so that hovering it can
    only pick it."""
    def gap(i):
        x, y = points[str(i)]
        return min(((x - u) ** 2 + (y - v) ** 2) ** 0.5 for j, (u, v) in points.items() if j != str(i))
    return max(candidates, key=gap)


def test_report_in_headless_chromium(browser, report_file):
    data = embedded_data(report_file.read_text(encoding="utf-8"))
    errors, requests = [], []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "blob:"))
               else (requests.append(route.request.url), route.abort()))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.goto(report_file.resolve().as_uri())
    page.wait_for_selector("#front .scatterlayer .point")
    page.wait_for_selector("#design-title")

    # hover and click a front design other than the one the page opened with
    opened = int(page.inner_text("#design-title").split()[-1])
    points = _points(page)
    target = _isolated(points, [i for i in data["front"] if i != opened])
    x, y = points[str(target)]
    page.mouse.move(x, y)
    page.wait_for_selector("#front .hoverlayer .hovertext")
    hover = page.locator("#front .hoverlayer").text_content()
    assert f"design {target}" in hover
    for o in data["objectives"]:
        assert o["kpi"] in hover
    page.mouse.click(x, y)
    page.wait_for_function(f"document.getElementById('design-title').textContent === 'design {target}'")
    for fig in ("section", "map", "losses", "thermal"):
        page.wait_for_selector(f"#fig-{fig}.js-plotly-plot .main-svg")
    table = page.inner_text("#design table.kpis")
    for c in data["constraints"]:
        assert c["kpi"] in table
    assert page.locator("#design tr.constraint").count() == len(data["constraints"])

    # shift+click adds a design to the comparison (after making room)
    for _ in range(page.locator("#compare .chip").count()):
        page.locator("#compare .chip").first.click()
    assert page.locator("#compare .chip").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    x, y = _points(page)[str(target)]
    page.keyboard.down("Shift")
    page.mouse.click(x, y)
    page.keyboard.up("Shift")
    page.wait_for_selector("#compare .chip")
    assert f"design {target}" in page.inner_text("#compare .chip")
    page.wait_for_selector("#compare table.compare")

    # brush the first variable to the lower half of its range: the front shows only the designs inside
    name = data["variables"][0]["name"]
    vals = [v for v, e in zip(data["designs"]["x"][name], data["designs"]["error"]) if not e]
    lo, hi = min(vals), min(vals) + 0.5 * (max(vals) - min(vals))
    page.evaluate(f"Plotly.restyle('parcoords', {{'dimensions[0].constraintrange': [[{lo}, {hi}]]}})")
    page.wait_for_function("document.getElementById('brush-info').textContent.startsWith('brushed')")
    shown = page.evaluate("""() => document.getElementById('front')._fullData
        .filter(d => d.name !== 'selected').reduce((a, d) => a.concat(d.customdata || []), [])""")
    expect = {i for i, v, e in zip(data["designs"]["id"], data["designs"]["x"][name], data["designs"]["error"])
              if not e and lo <= v <= hi}
    assert set(shown) == expect and 0 < len(expect) < len(data["designs"]["id"])
    page.click("#reset-brush")
    page.wait_for_function("document.getElementById('brush-info').textContent === ''")

    # the address report.html#design=ID (the command `report` prints) opens with that design selected,
    # on loading the page and when the address changes
    other = next(i for i in data["designs"]["id"] if i not in data["front"])
    page.goto(report_file.resolve().as_uri() + f"#design={other}")
    page.wait_for_function(f"document.getElementById('design-title').textContent === 'design {other}'")
    assert "details" in page.inner_text("#design .note")  # not on the front: no details computed, says how
    page.close()
    fresh = browser.new_page(viewport={"width": 1400, "height": 1000})
    fresh.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    fresh.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    fresh.goto(report_file.resolve().as_uri() + f"#design={target}")
    fresh.wait_for_function(f"document.getElementById('design-title').textContent === 'design {target}'")
    fresh.wait_for_selector("#fig-map.js-plotly-plot .main-svg")
    fresh.close()
    assert errors == [], errors
    assert requests == [], requests
