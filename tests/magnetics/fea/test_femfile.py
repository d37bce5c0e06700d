"""FEMM .fem writer/reader: round trip and a hand-written file in FEMM 4.2's own layout."""

import math

import pytest

from motoropt.errors import InputError
from motoropt.magnetics.fea import (
    NO_MESH,
    Boundary,
    Circuit,
    Geometry,
    Material,
    build_problem,
    fem_text,
    parse_fem,
    read_fem,
    solve,
    write_fem,
)
from motoropt.magnetics.fea.solver import eval_magdir


def sample_geometry():
    g = Geometry(depth=0.08, comment="round trip")
    g.add_material(Material("air"))
    g.add_material(Material("steel", bh=((0.0, 0.0), (1.0, 200.0), (1.6, 3000.0)), lam_fill=0.97))
    g.add_material(Material("pm", 1.05, 1.05, H_c=9.0e5))
    g.add_circuit(Circuit("phA", 12.5))
    g.add_circuit(Circuit("par", -3.0, series=False))
    g.add_boundary(Boundary("zero", "dirichlet", a0=0.0, a1=0.1, a2=-0.2))
    g.add_boundary(Boundary("per", "antiperiodic"))
    g.add_polyline([(0, 0), (0.02, 0), (0.02, 0.02)], boundary="per", group=3, max_side_length=1e-3)
    g.add_arc((0.02, 0.02), (0.0, 0.0), 90.0, 2.5, boundary="zero", group=2)
    g.add_label(0.015, 0.005, "steel", 1e-3, circuit="phA", magdir_deg=30.0, group=2, turns=-7)
    g.add_label(0.001, 0.0005, NO_MESH, group=1)
    g.add_label(0.016, 0.004, "pm", magdir_expr="theta+90")
    return g


def test_round_trip_write_read_equal(tmp_path):
    """write -> read gives the same geometry (in metres, exact with LengthUnits = meters; to 1e-15
    relative with millimetres); holes come back as NO_MESH labels (FEMM stores them apart)."""
    g = sample_geometry()
    for units, tol in (("meters", 0.0), ("millimeters", 1e-15)):
        path = tmp_path / f"g_{units}.fem"
        write_fem(g, path, units=units)
        h = read_fem(path)
        assert h.depth == pytest.approx(g.depth, rel=tol)
        assert h.materials == g.materials
        assert h.circuits == g.circuits
        assert h.boundaries["per"] == g.boundaries["per"]
        assert h.boundaries["zero"].a1 == pytest.approx(0.1, rel=1e-14)
        assert len(h.nodes) == len(g.nodes)
        for a, b in zip(h.nodes, g.nodes):
            assert a == pytest.approx(b, rel=tol, abs=1e-18)
        for a, b in zip(h.segments, g.segments):
            assert (a.n0, a.n1, a.boundary, a.group) == (b.n0, b.n1, b.boundary, b.group)
            assert a.max_side_length == pytest.approx(b.max_side_length, rel=tol)
        assert h.arcs == g.arcs
        key = lambda lab: (lab.material, lab.group)  # noqa: E731
        for a, b in zip(sorted(h.labels, key=key), sorted(g.labels, key=key)):
            assert (a.material, a.circuit, a.magdir_deg, a.group, a.turns, a.magdir_expr) == \
                   (b.material, b.circuit, b.magdir_deg, b.group, b.turns, b.magdir_expr)
            assert a.x == pytest.approx(b.x, rel=tol)
        assert fem_text(h, units) == fem_text(read_fem(path), units)


# A small file written by hand in FEMM 4.2's layout (tabs, CRLF-free, mixed-case keys, inches,
# a mixed boundary with c0 = c1 = 0, a hole, a MagDirFctn string, extra unknown keys). Not copied
# from any public file.
FEMM_STYLE = """[Format]      =  4.0
[Frequency]   =  0
[Precision]   =  1e-008
[MinAngle]    =  30
[DoSmartMesh] =  1
[Depth]       =  1
[LengthUnits] =  inches
[ProblemType] =  planar
[Coordinates] =  cartesian
[ACSolver]    =  0
[PrevType]    =  0
[PrevSoln]    =  ""
[Comment]     =  "hand-written test"
[PointProps]   = 1
  <BeginPoint>
    <PointName> = "pt"
    <I_re> = 0
    <A_re> = 0
  <EndPoint>
[BdryProps]   = 2
  <BeginBdry>
    <BdryName> = "A=0"
    <BdryType> = 0
    <A_0> = 0
    <A_1> = 0
    <A_2> = 0
    <Phi> = 0
    <c0> = 0
    <c0i> = 0
    <c1> = 0
    <c1i> = 0
    <Mu_ssd> = 0
    <Sigma_ssd> = 0
    <innerangle> = 0
    <outerangle> = 0
  <EndBdry>
  <BeginBdry>
    <BdryName> = "neu"
    <BdryType> = 2
    <c0> = 0
    <c1> = 0
  <EndBdry>
[BlockProps]  = 2
  <BeginBlock>
    <BlockName> = "Air"
    <Mu_x> = 1
    <Mu_y> = 1
    <H_c> = 0
    <H_cAngle> = 0
    <J_re> = 0
    <J_im> = 0
    <Sigma> = 0
    <d_lam> = 0
    <Phi_h> = 0
    <Phi_hx> = 0
    <Phi_hy> = 0
    <LamType> = 0
    <LamFill> = 1
    <NStrands> = 0
    <WireD> = 0
    <BHPoints> = 0
  <EndBlock>
  <BeginBlock>
    <BlockName> = "Pure Iron"
    <Mu_x> = 1
    <Mu_y> = 1
    <H_c> = 0
    <J_re> = 0
    <Sigma> = 10.44
    <LamType> = 0
    <LamFill> = 1
    <BHPoints> = 3
      0\t0
      1.2\t300
      1.7\t5000
  <EndBlock>
[CircuitProps]  = 1
  <BeginCircuit>
    <CircuitName> = "Coil 1"
    <TotalAmps_re> = 5
    <TotalAmps_im> = 0
    <CircuitType> = 1
  <EndCircuit>
[NumPoints] = 8
-2\t-2\t0\t0
2\t-2\t0\t0
2\t2\t0\t0
-2\t2\t0\t0
-0.5\t-0.5\t1\t1
0.5\t-0.5\t0\t1
0.5\t0.5\t0\t1
-0.5\t0.5\t0\t1
[NumSegments] = 6
0\t1\t-1\t1\t0\t0
1\t2\t-1\t1\t0\t0
2\t3\t-1\t2\t0\t0
3\t0\t-1\t1\t0\t0
4\t5\t0.1\t0\t0\t1
5\t6\t-1\t0\t1\t1
[NumArcSegments] = 2
6\t7\t90\t5\t0\t0\t1\t-1
7\t4\t90\t5\t0\t0\t1
[NumHoles] = 0
[NumBlockLabels] = 2
0\t0\t2\t0.2\t1\t0\t1\t50\t0\t"theta"
1.5\t1.5\t1\t-1\t0\t0\t0\t1\t0
"""


def test_reads_femm_style_file(tmp_path):
    """The hand-written FEMM-layout file parses into the documented structure: inches converted to
    metres (0.0254), 1-based property references, <None> boundaries, a mixed c0 = c1 = 0 boundary as
    Neumann, BH points, series circuit, label mesh size, turns and magdir string; and it solves."""
    path = tmp_path / "femm_style.fem"
    path.write_text(FEMM_STYLE)
    g = read_fem(path)
    assert g.depth == pytest.approx(0.0254)
    assert g.nodes[1] == pytest.approx((2 * 0.0254, -2 * 0.0254))
    assert [s.boundary for s in g.segments] == ["A=0", "A=0", "neu", "A=0", None, None]
    assert g.boundaries["neu"].kind == "neumann"
    assert g.segments[4].max_side_length == pytest.approx(0.1 * 0.0254)
    assert g.segments[5].hidden and g.segments[5].group == 1
    assert g.arcs[0].angle_deg == 90.0 and g.arcs[0].max_seg_deg == 5.0 and g.arcs[0].group == 1
    iron = g.materials["Pure Iron"]
    assert iron.bh == ((0.0, 0.0), (1.2, 300.0), (1.7, 5000.0)) and iron.sigma_ms == 10.44
    assert g.circuits["Coil 1"].current_a == 5.0 and g.circuits["Coil 1"].series
    lab = g.labels[0]
    assert (lab.material, lab.circuit, lab.group, lab.turns, lab.magdir_expr) == ("Pure Iron", "Coil 1", 1, 50, "theta")
    assert lab.mesh_size == pytest.approx(0.2 * 0.0254)
    assert g.labels[1].mesh_size == -1.0
    s = solve(build_problem(g))
    assert s.newton_iterations >= 2 and s.residuals[-1] < 1e-8


def test_unsupported_features_named():
    """Axisymmetric and air-gap boundary files are refused with the offending key named; an AC file
    (issue 16) is read with its frequency, but FEMM's on-edge laminations are refused at a frequency."""
    with pytest.raises(InputError, match="ProblemType"):
        parse_fem(FEMM_STYLE.replace("=  planar", "=  axisymmetric"))
    assert parse_fem(FEMM_STYLE.replace("[Frequency]   =  0", "[Frequency]   =  60")).frequency_hz == 60.0
    with pytest.raises(InputError, match="LamType"):
        parse_fem(FEMM_STYLE.replace("[Frequency]   =  0", "[Frequency]   =  60").replace("<LamType> = 0", "<LamType> = 1"))
    with pytest.raises(InputError, match="BdryType"):
        parse_fem(FEMM_STYLE.replace("<BdryType> = 2", "<BdryType> = 6"))
    with pytest.raises(InputError, match="NumPoints|points"):
        parse_fem(FEMM_STYLE.replace("[NumPoints] = 8", "[NumPoints] = 80"))


def test_magdir_expression():
    """FEMM magnetisation expressions: 'theta' is the polar angle in degrees; 'theta+90' adds 90;
    anything else than arithmetic is refused."""
    assert eval_magdir("theta", 0.0, 1.0) == pytest.approx(90.0)
    assert eval_magdir("theta+90", -1.0, 0.0) == pytest.approx(270.0)
    assert eval_magdir("2*theta - 10", math.cos(0.1), math.sin(0.1)) == pytest.approx(2 * math.degrees(0.1) - 10)
    with pytest.raises(InputError):
        eval_magdir("__import__('os')", 0.0, 1.0)
