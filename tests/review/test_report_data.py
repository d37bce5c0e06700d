"""The HTML review shows what the run computed: the data embedded in the page is read back and
checked against the run file, read with plain h5py (not through motoropt's reader).

References: the run file's own arrays (exact: JSON keeps every float); the definition of the
Pareto front (brute-force dominance over the stored objectives); the run's stored KPIs for the
details re-evaluated on the run's grids (same code, same grids: rel 1e-9); conservation: the loss
bars of a cycle add up to the cycle's total loss KPI (rel 1e-9); the plotted temperatures and
envelope are rounded to 4 and 5 significant digits, so they match their KPIs within that rounding.
"""

from __future__ import annotations

import json
import math
import re
import tomllib

import h5py
import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from motoropt.errors import InputError
from motoropt.optimize.runner import run_optimization
from motoropt.review import report
from motoropt.review.data import review_data
from motoropt.review.html import embedded_data, page, write_html
from motoropt.store import values_to_toml
from tests.review.runs import small_case, small_run


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    return small_run(tmp_path_factory.mktemp("review"))


@pytest.fixture(scope="module")
def page_data(run_file, tmp_path_factory):
    """The report of the run with the details of one infeasible design asked for too."""
    with h5py.File(run_file, "r") as f:
        infeasible = [int(i) for i, ok in zip(f["designs/id"][()], f["designs/feasible"][()]) if not ok]
    extra = infeasible[:1]
    html = tmp_path_factory.mktemp("page") / "report.html"
    write_html(run_file, html, designs=extra)
    text = html.read_text(encoding="utf-8")
    return text, embedded_data(text), extra


def _h5(run_file):
    with h5py.File(run_file, "r") as f:
        d = {name: ds[()] for name, ds in f["designs"].items()}
        d["kpi_columns"] = json.loads(f["designs/kpis"].attrs["columns"])
        d["attrs"] = dict(f.attrs)
        d["var_names"] = json.loads(f["variables"].attrs["names"])
    return d


def _same(a, b) -> bool:
    """Equal floats, or both missing (JSON null for NaN)."""
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and float(a) == float(b)


def test_designs_match_the_run_file(run_file, page_data):
    """Every design of the run is in the page with its id, generation, feasibility, variables,
    objectives, normalised constraints and every KPI column exactly as stored."""
    _, data, _ = page_data
    h = _h5(run_file)
    d = data["designs"]
    assert d["id"] == h["id"].tolist() and d["generation"] == h["generation"].tolist()
    assert d["feasible"] == h["feasible"].astype(int).tolist()
    assert d["error"] == [e.decode() if isinstance(e, bytes) else str(e) for e in h["error"]]
    assert list(d["x"]) == h["var_names"]
    for j, name in enumerate(h["var_names"]):
        assert all(_same(a, b) for a, b in zip(h["x"][:, j], d["x"][name])), name
    objectives = json.loads(h["attrs"]["objectives"])
    for j, o in enumerate(objectives):
        assert all(_same(a, b) for a, b in zip(h["objectives"][:, j], d["objectives"][o["kpi"]])), o["kpi"]
    labels = json.loads(h["attrs"]["constraint_labels"])
    assert list(d["g"]) == labels
    for j, lab in enumerate(labels):
        assert all(_same(a, b) for a, b in zip(h["constraints"][:, j], d["g"][lab])), lab
    assert list(d["kpis"]) == h["kpi_columns"]
    for j, col in enumerate(h["kpi_columns"]):
        assert all(_same(a, b) for a, b in zip(h["kpis"][:, j], d["kpis"][col])), col


def test_front_is_the_nondominated_feasible_set(run_file, page_data):
    """The page's front is exactly the feasible designs that no feasible design dominates (brute
    force over the stored objectives, senses applied), and the front flags agree."""
    _, data, _ = page_data
    h = _h5(run_file)
    sign = np.array([-1.0 if o["sense"] == "max" else 1.0 for o in json.loads(h["attrs"]["objectives"])])
    F = h["objectives"] * sign
    feas = np.nonzero(h["feasible"])[0]
    front = [int(h["id"][i]) for i in feas
             if not any(np.all(F[j] <= F[i]) and np.any(F[j] < F[i]) for j in feas)]
    assert sorted(data["front"]) == sorted(front) and len(front) >= 2
    assert [i for i, f in zip(data["designs"]["id"], data["designs"]["front"]) if f] == sorted(front)
    assert set(data["selected"]) <= set(front)


def test_run_metadata(run_file, page_data):
    """Case, algorithm, seed, budget, code version and the constraint definitions come from the run
    file's attributes."""
    _, data, _ = page_data
    a = _h5(run_file)["attrs"]
    r = data["run"]
    assert r["case_toml"] == a["case_toml"] and r["case_path"] == a["case_path"]
    assert (r["algorithm"], r["seed"], r["pop"], r["generations"]) == (a["algorithm"], int(a["seed"]), int(a["pop"]),
                                                                        int(a["generations"]))
    assert r["budget"] == int(a["pop"]) * int(a["generations"]) == r["evaluated"] == 20
    assert r["motoropt_version"] == a["motoropt_version"] and r["complete"] is True
    assert r["map_overrides"] == json.loads(a["map_overrides"])
    cons = json.loads(a["constraints"])
    assert [(c["kpi"], c["kind"], c["bound"]) for c in data["constraints"]] == \
        [(c["kpi"], k, c[k]) for c in cons for k in ("min", "max") if c[k] is not None]
    assert [c["label"] for c in data["constraints"]] == json.loads(a["constraint_labels"])
    assert data["objectives"] == [{"kpi": o["kpi"], "sense": o["sense"]} for o in json.loads(a["objectives"])]


def test_details_reproduce_the_stored_kpis(run_file, page_data):
    """Details exist for the front and the design asked for (an infeasible one), none for the
    others. Re-evaluated on the run's grids they reproduce every stored KPI; each cycle's loss bars
    are the stored loss KPIs and add up to its total loss; the hotspot maximum is the stored one
    and the plotted hotspot trace reaches it (4 significant digits); the plotted envelope peaks at
    the stored peak torque (5 significant digits)."""
    _, data, extra = page_data
    h = _h5(run_file)
    assert extra and set(map(int, data["details"])) == set(data["front"]) | set(extra)
    row = {int(i): k for k, i in enumerate(h["id"])}
    col = {c: j for j, c in enumerate(h["kpi_columns"])}
    for sid, det in data["details"].items():
        stored = h["kpis"][row[int(sid)]]
        for c, j in col.items():
            v = det["kpis"].get(c)
            assert (v is None and math.isnan(stored[j])) or v == pytest.approx(stored[j], rel=1e-9, abs=1e-12), (sid, c)
        for cyc, bars in det["cycle_losses_wh"].items():
            for kind, wh in bars.items():
                assert wh == pytest.approx(stored[col[f"cycles.{cyc}.{kind}_loss_wh"]], rel=1e-12)
            assert sum(bars.values()) == pytest.approx(stored[col[f"cycles.{cyc}.loss_wh"]], rel=1e-9)
            hot = stored[col[f"cycles.{cyc}.winding_hotspot_c_max"]]
            assert det["hotspot_c_max"][cyc] == pytest.approx(hot, rel=1e-12)
            trace = [t for t in det["figures"]["thermal"]["data"] if t["name"] == f"{cyc}: winding hotspot"][0]
            assert max(v for v in trace["y"] if v is not None) == pytest.approx(hot, rel=5e-4)
        assert max(det["envelope"]["motoring_nm"]) == pytest.approx(stored[col["peak_torque_nm"]], rel=5e-5)
        assert set(det["figures"]) == {"section", "map", "losses", "thermal"}


def test_page_is_self_contained(page_data):
    """One file: plotly.js and the page's script inlined, no script, style or image loaded from
    elsewhere; the embedded data parses back; the size is plotly.js plus a few hundred kB here."""
    text, data, _ = page_data
    assert not re.search(r"<script[^>]+src=", text) and "<link" not in text and "<img" not in text
    assert get_plotlyjs()[:2000] in text
    assert text.count("<script type=") == text.count("</script>") == 3
    assert data["format"] == "motoropt-review" and data["report"]["detail_grid"] == "run"
    assert len(text.encode()) < len(get_plotlyjs().encode()) + 2_000_000


def test_embedded_text_cannot_break_out_of_its_script(page_data):
    """A case text containing '</script>' stays data: the page keeps its three scripts and the
    text reads back unchanged."""
    _, data, _ = page_data
    evil = dict(data, run=dict(data["run"], case_toml="# </script><script>alert(1)</script> <!-- x"))
    text = page(evil)
    assert text.count("</script>") == 3
    assert embedded_data(text)["run"]["case_toml"] == evil["run"]["case_toml"]


def test_unknown_design_is_an_input_error(run_file):
    """--designs with an id the run does not have, or not a number, is an InputError."""
    with pytest.raises(InputError, match="--design"):
        review_data(run_file, designs="999")
    with pytest.raises(InputError, match="--designs"):
        review_data(run_file, designs="3,x")


def test_report_prints_where_and_how_to_open(run_file, tmp_path, capsys):
    """report --html prints the front table, the report's path and the command that opens the
    knee design."""
    report(run_file, html=tmp_path / "r.html")
    out = capsys.readouterr().out
    assert "non-dominated feasible designs" in out
    assert f"wrote {(tmp_path / 'r.html').resolve()}" in out
    m = re.search(r"open the chosen design (\d+) \(the knee of the front\) in the report: "
                  r"python -m webbrowser '?file://\S+r.html#design=(\d+)", out)
    assert m and m.group(1) == m.group(2)
    assert f"motoropt show {run_file} --design {m.group(1)}" in out


def test_without_a_feasible_design_the_closest_get_details(tmp_path):
    """A run whose constraint no design meets: empty front; the page opens with the three designs
    of smallest summed violation (stored /designs/violation) and has their details."""
    d = tomllib.loads(small_case(tmp_path / "c.toml").read_text())
    d["optimization"].update(pop=6, generations=1, constraints=[{"kpi": "peak_torque_nm", "min": 5000}])
    (tmp_path / "c.toml").write_text(values_to_toml(d))
    run_optimization(tmp_path / "c.toml", tmp_path / "inf.h5", progress=False)
    data = review_data(tmp_path / "inf.h5")
    with h5py.File(tmp_path / "inf.h5", "r") as f:
        assert not f["designs/feasible"][()].any()
        closest = f["designs/id"][()][np.argsort(f["designs/violation"][()], kind="stable")[:3]].tolist()
    assert data["front"] == [] and data["selected"] == closest
    assert sorted(map(int, data["details"])) == sorted(closest)
