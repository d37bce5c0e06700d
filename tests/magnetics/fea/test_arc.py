"""Arc-cavity (bonded-magnet, topology "ipm_arc") rotor in the embedded FEA and the FEMM export
(build_section with the pole polygons of motoropt.geometry.rotor.arc_pole_polygons; the polygons
themselves: tests/geometry/test_arc_rotor.py).

References used here:
- the analytic magnetic equivalent circuit (the design's MEC flux map, source "analytic") for psi_PM;
- the V rotor's sign convention (N pole towards the gap: psi_d(0, 0) > 0 with the d axis on phase A);
- the in-memory geometry's solution for the .fem round trip.
"""

import functools
import math

import numpy as np
import pytest

from motoropt.geometry.rotor import ArcPMRotor, arc_pole_polygons
from motoropt.magnetics.fea import (
    build_mesh,
    build_problem,
    flux_linkage,
    read_fem,
    solve,
    write_fem,
)
from motoropt.magnetics.fea.fluxmap_fea import no_load
from motoropt.magnetics.fea.machine import (
    abc_to_dq,
    build_section,
    d_axis_angle_deg,
)

CASES = {"bonded": "dyfree_bonded", "programme": "programme/dyfree_eaxle_150kw"}


def test_section_builds_and_meshes(bonded_design):
    """build_section accepts the arc rotor (it raised InputError("design.rotor", "ArcPMRotor") before);
    the one-pole sector (48 slots / 8 poles: antiperiodic) meshes into 10-25k elements at two rotor
    angles; the magnet labels carry magdirs (no expression) and one label per block of the pole's band
    that falls in the sector."""
    d = bonded_design
    for ang in (d_axis_angle_deg(d), 4.321):
        sec = build_section(d, ang)
        assert sec.sectors == 8 and sec.antiperiodic
        mesh = build_mesh(sec.geometry)
        assert 10_000 < mesh.n_elements < 25_000
    mags = [lab for lab in sec.geometry.labels if lab.material == "magnet"]
    assert len(mags) >= len(arc_pole_polygons(d.rotor)) // 2
    assert all(lab.magdir_expr == "" for lab in mags)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_no_load_psi_pm_fea_vs_mec(name, shipped):
    """FEA no-load psi_PM (phase fundamental, one pole sector, 6 positions over half a period, magnets at
    the case's 100 degC: MF18C Br 0.806 T) vs the analytic MEC's psi_d(0, 0) (Design.mec_fluxmap,
    source "analytic"). Tolerance 10 %, fixed before the comparison: on the 2004 Prius (V rotor, same solver,
    same network structure of bridges and rib) the MEC is 6.1 % above this FEA; the arc rotor's network
    adds the linearly tapered pole piece. Measured: bonded case FEA 0.0918 Wb, MEC 0.0915 Wb (-0.3 %);
    programme case (71 mm stack since issue 17's re-nominal) FEA 0.0305 Wb, MEC 0.0290 Wb (-4.8 %). Sign convention: at the d-axis position
    psi_d > 0 and |psi_q| < 3 % of psi_d, as for the Prius (N pole towards the gap)."""
    d = shipped.design(CASES[name])
    fm = d.mec_fluxmap()
    assert fm.source == "analytic"
    nl = no_load(d, positions=6)
    assert nl.psi_pm > 0.0
    assert abs(fm.psi_pm / nl.psi_pm - 1) < 0.10
    sec = build_section(d, d_axis_angle_deg(d))
    sol = solve(build_problem(sec.geometry))
    psi = sec.phase_flux_linkage(flux_linkage(sol))
    th = d.p * math.radians(d_axis_angle_deg(d)) - np.asarray(sec.phase_axes_rad)
    pd, pq = abc_to_dq(psi, th)
    assert pd > 0 and abs(pq) < 0.03 * pd


@pytest.mark.slow
def test_segmentation_converged(monkeypatch, bonded_design):
    """The magnetisation of the arc is piecewise constant over segments of <= 6 deg about C; finer
    segments (2 deg, polylines 1 deg) change the FEA psi_PM by less than 0.2 %: the direction error
    bound 1 - sinc(3 deg) = 0.046 % plus the remeshing noise of different polygons (about 0.1 %:
    mesh_scale 0.7 / 1.0 / 1.5 gave 0.0919 / 0.0918 / 0.0918 Wb). Measured +0.03 %; coarse 15-deg
    segments give -0.12 % (bound 1 - sinc(7.5 deg) = 0.29 %)."""
    d = bonded_design
    base = no_load(d, positions=6).psi_pm
    fine_polygons = functools.partial(arc_pole_polygons, seg_deg=2.0, arc_deg=1.0)
    monkeypatch.setattr(ArcPMRotor, "pole_polygons", lambda self: fine_polygons(self))
    assert len(d.rotor.pole_polygons()) > len(arc_pole_polygons(d.rotor))
    fine = no_load(d, positions=6).psi_pm
    assert abs(fine / base - 1) < 0.002


@pytest.mark.slow
def test_fem_file_has_arc_magnet_blocks(tmp_path, bonded_design):
    """The arc rotor's section written as a FEMM .fem file (femfile.write_fem of the geometry split at
    its T-junctions, as femm_backend does): re-read, it holds the magnet blocks with the in-memory
    magnetisation directions (1e-9 deg) and solves to the in-memory circuit flux linkages within 0.5 %
    (the file re-meshes from rounded coordinates; tolerance as in test_fea_pipeline's round trip) at a
    loaded point (i_d = -100 A, i_q = 150 A)."""
    d = bonded_design
    ang = d_axis_angle_deg(d) + 1.3
    sec = build_section(d, ang, i_dq=(-100.0, 150.0))
    g = sec.geometry.split_at_nodes()
    g.validate()
    path = tmp_path / "arc.fem"
    write_fem(g, path)
    gf = read_fem(path)
    mem = sorted(lab.magdir_deg for lab in sec.geometry.labels if lab.material == "magnet")
    fil = sorted(lab.magdir_deg for lab in gf.labels if lab.material == "magnet")
    assert len(fil) == len(mem) >= 10
    assert np.allclose(fil, mem, atol=1e-9)
    assert gf.materials["magnet"].H_c == pytest.approx(sec.info["Br"] / (4e-7 * math.pi * sec.info["mu_r"]), rel=1e-6)
    pf = flux_linkage(solve(build_problem(gf)))
    pm = flux_linkage(solve(build_problem(sec.geometry)))
    scale = max(abs(v) for v in pm.values())
    for n in pm:
        assert abs(pf[n] - pm[n]) < 0.005 * scale


def test_export_fem_command_on_arc_case(tmp_path, bonded_design):
    """motoropt fea export on the bonded case writes a .fem file with magnet blocks."""
    from motoropt.cli.fea import export_fem

    res = export_fem(bonded_design, tmp_path / "x.fem")
    g = read_fem(res["path"])
    assert sum(lab.material == "magnet" for lab in g.labels) >= 10
