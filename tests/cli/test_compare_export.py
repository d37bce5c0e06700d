"""``motoropt compare`` and ``motoropt export --dxf`` on a real run created here
(tests/review/runs.py: 20 designs of the Prius optimisation case), and on a result file.

References: the run file read with plain h5py (the printed values and differences are the stored
KPIs, formatted as the tables format them); the case's geometry (slot count, pole count, diameters
in mm); closed forms for the polygon areas read back from the DXF (shoelace formula): the slot's
trapezoid (``Stator.slot_area``, rel 1e-9) and the magnet blocks, whose area x stack length x
density is the design's magnet mass (rel 1e-9)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import ezdxf
import h5py
import numpy as np
import pytest

from motoropt.case import load_case, nominal_design
from motoropt.cli.main import main
from motoropt.optimize.report import _fmt
from motoropt.store import write_result
from tests.review.runs import small_run
from tests.shipped import ROOT

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    return small_run(tmp_path_factory.mktemp("cmp"))


def _stored(run_file):
    with h5py.File(run_file, "r") as f:
        cols = json.loads(f["designs/kpis"].attrs["columns"])
        return f["designs/id"][()].tolist(), cols, f["designs/kpis"][()], f["designs/feasible"][()]


def test_compare_prints_kpis_side_by_side_with_differences(run_file, tmp_path, capsys):
    """Three designs: each KPI row holds A, B, B − A, C, C − A from the run file; --png writes the
    three overlay plots."""
    ids, cols, K, _ = _stored(run_file)
    a, b, c = ids[3], ids[7], ids[12]
    assert main(["compare", str(run_file), "--designs", f"{a},{b},{c}", "--png", str(tmp_path / "png")]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    head = [ln for ln in out.splitlines() if "A: design" in ln][0]
    assert f"A: design {a}" in head and f"B: design {b}" in head and f"C: design {c}" in head
    for kpi in ("peak_torque_nm", "motor_mass_kg", "cycles.wltc3b.motor_efficiency", "cycles.udds.loss_wh"):
        va, vb, vc = (K[ids.index(i), cols.index(kpi)] for i in (a, b, c))
        got = rows[kpi]
        assert got[0] == _fmt(va) and got[1] == _fmt(vb) and got[3] == _fmt(vc), kpi
        assert got[2].lstrip("+") == _fmt(vb - va) and got[4].lstrip("+") == _fmt(vc - va), kpi
    names = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert names == ["cycle_losses.png", "efficiency_difference.png", "torque_envelopes.png"]
    for n in names:
        p = tmp_path / "png" / n
        assert p.read_bytes()[:8] == PNG and p.stat().st_size > 20_000


@pytest.mark.parametrize("designs, needle", [("3", "2 or 3"), ("3,3", "2 or 3"), ("1,2,3,4", "2 or 3"),
                                             ("3,999", "999 is not one"), ("3,x", "separated by commas")])
def test_compare_bad_designs_one_line_exit_2(run_file, designs, needle):
    r = subprocess.run([sys.executable, "-m", "motoropt", "compare", str(run_file), "--designs", designs],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and needle in r.stderr and "--designs" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def _area(points) -> float:
    x, y = np.asarray(points)[:, 0], np.asarray(points)[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def test_export_dxf_from_a_run_reads_back(run_file, tmp_path):
    """export --dxf (with --case) writes a DXF in mm whose layers are the material regions: two
    stator circles (outer diameter, bore), Q slot polygons of the slot's area, 2p x 2 magnet blocks
    whose area gives the design's magnet mass, the rotor and shaft circles."""
    ids, _, _, feasible = _stored(run_file)
    did = ids[int(np.argmax(feasible))]
    dxf, case = tmp_path / "d.dxf", tmp_path / "d.toml"
    assert main(["export", str(run_file), "--design", str(did), "--dxf", str(dxf), "--case", str(case)]) == 0
    d = nominal_design(load_case(case))
    doc = ezdxf.readfile(dxf)
    assert doc.header["$INSUNITS"] == 4
    msp = doc.modelspace()
    count = Counter((e.dxftype(), e.dxf.layer) for e in msp)
    assert {name for _, name in count} == {"STATOR_CORE", "SLOT_OPENING", "STATOR_WINDING", "ROTOR_CORE",
                                           "ROTOR_BARRIER", "MAGNET", "SHAFT"}
    assert doc.layers.get("MAGNET").description.endswith(d.magnet.name)
    circles = {(e.dxf.layer, round(e.dxf.radius, 9)) for e in msp.query("CIRCLE")}
    s, ro = d.stator, d.rotor
    assert circles == {("STATOR_CORE", round(s.D_o * 500, 9)), ("STATOR_CORE", round(s.D_i * 500, 9)),
                       ("ROTOR_CORE", round(ro.D_r * 500, 9)), ("SHAFT", round(ro.D_shaft * 500, 9))}
    slots = [e for e in msp.query("LWPOLYLINE") if e.dxf.layer == "STATOR_WINDING"]
    assert len(slots) == s.Q == 48 and all(e.closed for e in slots)
    for e in slots:
        assert _area(e.get_points("xy")) == pytest.approx(s.slot_area * 1e6, rel=1e-9)
    magnets = [e for e in msp.query("LWPOLYLINE") if e.dxf.layer == "MAGNET"]
    assert len(magnets) == 2 * d.p * 2
    assert Counter(e.dxf.color for e in magnets) == {1: 2 * d.p, 5: 2 * d.p}  # north red, south blue
    area_m2 = sum(_area(e.get_points("xy")) for e in magnets) * 1e-6
    assert area_m2 * ro.L * d.magnet.density == pytest.approx(d.masses()["magnets"], rel=1e-9)


def test_export_dxf_from_a_result_file(prius_ev, tmp_path):
    """A result file (evaluate --out) exports too: the cage-free Prius with 48 slots and 16 magnets."""
    res = tmp_path / "res.h5"
    write_result(res, prius_ev)
    assert main(["export", str(res), "--dxf", str(tmp_path / "p.dxf")]) == 0
    msp = ezdxf.readfile(tmp_path / "p.dxf").modelspace()
    count = Counter(e.dxf.layer for e in msp.query("LWPOLYLINE"))
    assert count["STATOR_WINDING"] == 48 and count["MAGNET"] == 16 and "ROTOR_BAR" not in count
    with h5py.File(res, "r") as f:
        assert f.attrs["format"] == "motoropt-result"


def test_export_needs_an_output(run_file, capsys):
    """export without --case, --fem or --dxf is a one-line error naming the three."""
    assert main(["export", str(run_file), "--design", "0"]) == 2
    err = capsys.readouterr().err
    assert "--dxf" in err and "--fem" in err and "--case" in err and len(err.strip().splitlines()) == 1
