"""Embedded magnetostatic FE solver against closed-form 2-D solutions (scikit-fem style: the exact
solution is in each docstring)."""

import math

import numpy as np
import pytest

from motoropt.constants import MU0
from motoropt.errors import ConvergenceError, InputError
from motoropt.magnetics.fea import (
    Boundary,
    Circuit,
    Geometry,
    Material,
    build_problem,
    coenergy,
    energy,
    flux_linkage,
    solve,
)


def _centroid_r(p):
    c = p.nodes[p.tri].mean(axis=1)
    return np.hypot(c[:, 0], c[:, 1])


def conductor(h_cu=1e-3, h_air=4e-3, seg_deg=5.0, I=100.0, a=0.01, R=0.1):
    g = Geometry(depth=1.0)
    g.add_material(Material("air"))
    g.add_material(Material("cu"))
    g.add_circuit(Circuit("c", I))
    g.add_boundary(Boundary("A0", "dirichlet"))
    g.add_circle((0, 0), a, seg_deg)
    g.add_circle((0, 0), R, seg_deg / 2, boundary="A0")
    g.add_label(0, 0, "cu", mesh_size=h_cu, circuit="c")
    g.add_label(0.05, 0, "air", mesh_size=h_air)
    return g


def test_round_conductor_in_air():
    """Round conductor, I = 100 A, a = 10 mm, in air inside A = 0 at R = 100 mm.

    Exact: |B| = mu0 I r / (2 pi a^2) for r < a, mu0 I / (2 pi r) outside; energy per metre
    W = mu0 I^2 / (4 pi) (1/4 + ln(R/a)) = 2.5526e-3 J; flux linkage psi = 2 W / I (linear).
    Tolerances: 3 % relative L2 error of |B| on this mesh (h = 1 mm in copper), 0.5 % on energy.
    """
    I, a, R = 100.0, 0.01, 0.1
    p = build_problem(conductor())
    s = solve(p)
    r = _centroid_r(p)
    Bex = np.where(r < a, MU0 * I * r / (2 * np.pi * a * a), MU0 * I / (2 * np.pi * r))
    Bm = np.hypot(s.B[:, 0], s.B[:, 1])
    l2 = math.sqrt(np.sum(p.area * (Bm - Bex) ** 2) / np.sum(p.area * Bex ** 2))
    assert l2 < 0.03
    W_ex = MU0 * I ** 2 / (4 * np.pi) * (0.25 + math.log(R / a))
    assert energy(s) == pytest.approx(W_ex, rel=5e-3)
    assert flux_linkage(s)["c"] == pytest.approx(2 * energy(s) / I, rel=1e-9)
    assert coenergy(s) == pytest.approx(energy(s), rel=1e-9)  # linear, no magnets: W' = W
    assert s.newton_iterations == 1 and s.residuals[-1] < 1e-10


def _cylinder(mu_r=1.0, H_c=0.0, a2=0.0, a=0.01, R=0.05, h=0.75e-3):
    g = Geometry(depth=1.0)
    g.add_material(Material("air"))
    g.add_material(Material("cyl", mu_r, mu_r, H_c=H_c))
    g.add_boundary(Boundary("ext", "dirichlet", a2=a2))
    g.add_circle((0, 0), a, 3.0)
    g.add_circle((0, 0), R, 3.0, boundary="ext")
    g.add_label(0, 0, "cyl", mesh_size=h)
    g.add_label(0.03, 0, "air", mesh_size=2 * h)
    return g


def test_permeable_cylinder_in_uniform_field():
    """Cylinder mu_r = 100, radius a, in a uniform field B0 = 1 T along x.

    Exact (2-D): interior B = 2 mu_r / (mu_r + 1) B0 = 1.9802 T along x; exterior
    A = B0 (r - K a^2 / r) sin(theta), K = (1 - mu_r)/(1 + mu_r), so on r = R the exact A is linear:
    A = B0 (1 - K a^2/R^2) y, imposed as the Dirichlet condition (no truncation error).
    Tolerance 0.5 % on the mean interior field (observed 1.3 %, 0.3 %, 0.1 % at h = 1.5, 0.75, 0.5 mm),
    2 % on every interior element.
    """
    mu_r, B0, a, R = 100.0, 1.0, 0.01, 0.05
    K = (1 - mu_r) / (1 + mu_r)
    p = build_problem(_cylinder(mu_r=mu_r, a2=B0 * (1 - K * a * a / (R * R)), a=a, R=R))
    s = solve(p)
    inside = _centroid_r(p) < a
    Bx = s.B[inside, 0]
    exact = 2 * mu_r / (mu_r + 1) * B0
    assert np.sum(p.area[inside] * Bx) / np.sum(p.area[inside]) == pytest.approx(exact, rel=5e-3)
    assert np.max(np.abs(Bx - exact)) / exact < 0.02
    assert np.max(np.abs(s.B[inside, 1])) < 0.02 * exact


def test_uniformly_magnetised_cylinder():
    """Infinite cylinder, mu_r = 1, B_r = 1.2 T along x (H_c = B_r / mu0).

    Exact: interior B = B_r / 2 = 0.6 T along x; exterior A = (B_r/2)(a^2/r^2) y, linear in y on
    r = R, imposed as the Dirichlet condition. Tolerance 0.5 % on the mean, 2 % per element.
    """
    Br, a, R = 1.2, 0.01, 0.05
    p = build_problem(_cylinder(mu_r=1.0, H_c=Br / MU0, a2=Br / 2 * a * a / (R * R), a=a, R=R))
    s = solve(p)
    inside = _centroid_r(p) < a
    Bx = s.B[inside, 0]
    assert np.sum(p.area[inside] * Bx) / np.sum(p.area[inside]) == pytest.approx(Br / 2, rel=5e-3)
    assert np.max(np.abs(Bx - Br / 2)) < 0.02 * Br / 2


def test_error_falls_with_mesh_size():
    """Round conductor (test above) on meshes h, h/2, h/4 (arc pieces scaled with h).

    Theory for first-order triangles: L2 error of B = O(h), energy error = O(h^2). Observed rates
    must lie in [0.8, 1.4] for B and >= 1.6 for energy.
    """
    I, a, R = 100.0, 0.01, 0.1
    W_ex = MU0 * I ** 2 / (4 * np.pi) * (0.25 + math.log(R / a))
    eB, eW, hs = [], [], []
    for f in (1.0, 0.5, 0.25):
        p = build_problem(conductor(h_cu=2e-3 * f, h_air=2e-3 * f, seg_deg=12 * f))
        s = solve(p)
        r = _centroid_r(p)
        Bex = np.where(r < a, MU0 * I * r / (2 * np.pi * a * a), MU0 * I / (2 * np.pi * r))
        Bm = np.hypot(s.B[:, 0], s.B[:, 1])
        eB.append(math.sqrt(np.sum(p.area * (Bm - Bex) ** 2) / np.sum(p.area * Bex ** 2)))
        eW.append(abs(energy(s) - W_ex) / W_ex)
        hs.append(f)
    rB = np.polyfit(np.log(hs), np.log(eB), 1)[0]
    rW = np.polyfit(np.log(hs), np.log(eW), 1)[0]
    assert 0.8 <= rB <= 1.4, (eB, rB)
    assert rW >= 1.6, (eW, rW)


def c_core(mu_r=1e4, bh=(), I=1.0, N=100, w=0.01, gap=0.5e-3, depth=0.05, h=1e-3):
    """Square C-core: outer 60 x 60 mm, limb width w, air gap in the right limb, coil on the left limb
    (go and return sides), everything in an air box with A = 0."""
    g = Geometry(depth=depth)
    g.add_material(Material("air"))
    g.add_material(Material("iron", mu_r, mu_r, bh=bh))
    g.add_material(Material("cu"))
    g.add_circuit(Circuit("coil", I))
    g.add_boundary(Boundary("A0"))
    L = 0.06
    g.add_polyline([(-0.1, -0.1), (0.1, -0.1), (0.1, 0.1), (-0.1, 0.1)], closed=True, boundary="A0")
    x0, x1, y0, y1 = -L / 2, L / 2, -L / 2, L / 2
    gy0, gy1 = -gap / 2, gap / 2
    # outer contour of the core with the gap cut in the right limb
    g.add_polyline([(x1, gy1), (x1, y1), (x0, y1), (x0, y0), (x1, y0), (x1, gy0),
                    (x1 - w, gy0), (x1 - w, y0 + w), (x0 + w, y0 + w), (x0 + w, y1 - w), (x1 - w, y1 - w),
                    (x1 - w, gy1)], closed=True)
    g.add_segment((x1, gy0), (x1, gy1))  # closes the gap region (air)
    g.add_segment((x1 - w, gy0), (x1 - w, gy1))
    g.add_polyline([(x0 - 0.008, -0.01), (x0, -0.01), (x0, 0.01), (x0 - 0.008, 0.01)], closed=False)
    g.add_segment((x0 - 0.008, 0.01), (x0 - 0.008, -0.01))
    g.add_polyline([(x0 + w, -0.01), (x0 + w + 0.008, -0.01), (x0 + w + 0.008, 0.01), (x0 + w, 0.01)])
    g.add_label(x0 + w / 2, 0.0, "iron", h)
    g.add_label(x1 - w / 2, 0.0, "air", gap / 2)
    g.add_label(x0 - 0.004, 0.0, "cu", h, circuit="coil", turns=N)
    g.add_label(x0 + w + 0.004, 0.0, "cu", h, circuit="coil", turns=-N)
    g.add_label(0.0, 0.0, "air", 3e-3)
    g.add_label(0.08, 0.08, "air", 8e-3)
    return g


def test_c_core_inductance():
    """Linear C-core inductor, N = 100, limb width w = 10 mm, depth 50 mm, gap g = 0.2 mm, mu_r = 1e4.

    Magnetic circuit: L = N^2 / (g / (mu0 w d) + l_fe / (mu0 mu_r w d)), l_fe = 4 (60 - 10) mm mean
    path -> 28.56 mH. Fringing caveat: the 2-D gap permeance with Roters' fringing term,
    P_g = mu0 d (w/g + (2/pi) ln(1 + pi w / g)), gives 30.22 mH; FE must exceed both, and exceed the
    fringing estimate only by the window leakage flux of the coil (a few %; observed 4.3 %,
    bound 6 %). Second method: L from flux linkage psi / I equals 2 W / I^2 from the energy (1e-6).
    """
    N, w, d, gap, mu_r = 100, 0.01, 0.05, 0.2e-3, 1e4
    p = build_problem(c_core(mu_r=mu_r, N=N, w=w, gap=gap, depth=d))
    s = solve(p)
    L_psi = flux_linkage(s)["coil"] / 1.0
    L_W = 2 * energy(s) / 1.0 ** 2
    assert L_psi == pytest.approx(L_W, rel=1e-6)
    R_fe = 4 * (0.06 - w) / (mu_r * MU0 * w * d)
    L_ideal = N ** 2 / (gap / (MU0 * w * d) + R_fe)
    P_g = MU0 * d * (w / gap + 2 / math.pi * math.log(1 + math.pi * w / gap))
    L_fringe = N ** 2 / (1 / P_g + R_fe)
    assert L_ideal == pytest.approx(28.56e-3, rel=1e-3)
    assert L_ideal < L_fringe < L_psi < 1.06 * L_fringe, (L_ideal, L_fringe, L_psi)


M19 = ((0.0, 0.0), (0.3, 40.0), (0.6, 70.0), (0.9, 100.0), (1.1, 140.0), (1.3, 250.0), (1.45, 600.0),
       (1.55, 1500.0), (1.65, 4000.0), (1.75, 9000.0), (1.85, 20000.0), (1.95, 45000.0))
# generic non-oriented electrical steel curve shape (illustrative points, not a datasheet)


def test_nonlinear_newton_quadratic_and_matches_fixed_point():
    """Saturated C-core (B-H table above, 2000 A-turns through a 0.5 mm gap: iron around 1.7 T).

    Newton: the residual history must decrease monotonically after the first step and the last
    steps converge quadratically: log(r_k+1) / log(r_k) >= 1.6 for the final step.
    Fixed-point (secant/Picard) iteration converges to the same field: flux linkage within 1e-6.
    A linear solve with the initial permeability gives a much larger flux (saturation check).
    """
    g = c_core(bh=M19, I=20.0, N=100)
    p = build_problem(g)
    s = solve(p, tol=1e-10)
    r = s.residuals
    assert r[-1] < 1e-10 and s.newton_iterations <= 25
    assert all(b < a for a, b in zip(r[1:-1], r[2:]))
    assert math.log(r[-1]) / math.log(r[-2]) >= 1.6, r
    sp_ = solve(p, newton=False, tol=1e-10, max_iter=400)
    assert sp_.newton_iterations > s.newton_iterations
    psi_n, psi_p = flux_linkage(s)["coil"], flux_linkage(sp_)["coil"]
    assert psi_p == pytest.approx(psi_n, rel=1e-6)
    Bmax = np.max(np.hypot(s.B[:, 0], s.B[:, 1]))
    assert 1.5 < Bmax < 2.6
    mu_initial = (0.3 / 40.0) / MU0  # initial slope of the B-H table
    s_lin = solve(build_problem(c_core(mu_r=mu_initial, I=20.0)))
    assert flux_linkage(s_lin)["coil"] > 1.2 * psi_n
    # warm start from the converged field: converged at once
    s2 = solve(p, A0=s.A, tol=1e-8)
    assert s2.newton_iterations <= 1


def test_nonconvergence_reports_residual_history():
    """Too few Newton steps for a saturated core: ConvergenceError carrying the residual history."""
    p = build_problem(c_core(bh=M19, I=20.0))
    with pytest.raises(ConvergenceError) as ei:
        solve(p, max_iter=2)
    assert len(ei.value.residuals) == 3 and ei.value.residuals[0] == 1.0


def test_bad_input_named():
    """Open contour, region without material, duplicate labels, unknown material/circuit: InputError
    naming the region (block label index and position)."""
    g = conductor()
    g.labels[0].material = None
    with pytest.raises(InputError, match="block label 0 .*region without material"):
        build_problem(g)
    g = conductor()
    g.labels[0].material = "unobtainium"
    with pytest.raises(InputError, match="block label 0.*unobtainium"):
        build_problem(g)
    g = conductor()
    g.labels[0].circuit = "nope"
    with pytest.raises(InputError, match="block label 0.*circuit"):
        build_problem(g)
    g = conductor()
    g.add_label(0.002, 0.0, "cu")  # second label in the conductor region
    with pytest.raises(InputError, match="block label .*shares its region"):
        build_problem(g)
    g = conductor()
    g.add_label(0.0, 0.0, "cu")  # exact duplicate
    with pytest.raises(InputError, match="duplicate"):
        build_problem(g)
    g = Geometry()
    g.add_material(Material("air"))
    g.add_polyline([(0, 0), (1, 0), (1, 1), (0, 1)], closed=False)
    g.add_label(0.5, 0.5, "air")
    with pytest.raises(InputError, match="block label 0 .*open"):
        build_problem(g)
    g = conductor()
    g.labels = g.labels[:1]  # the air region has no label
    with pytest.raises(InputError, match="region around .*no block label"):
        build_problem(g)


def test_low_field_bh_replaced_by_max_permeability_chord():
    """concave_bh: cobalt iron's rising low-field permeability (mu_r 3600 at 20 A/m -> 23600 at
    50 A/m, 1.48 T) is replaced by the chord from the origin to the maximum-permeability point, so
    nu(B) = H/B is constant up to 1.48 T and non-decreasing beyond; the silicon steels,
    whose permeability is highest at their first point, are returned unchanged."""
    from motoropt.magnetics.fea.solver import concave_bh
    from motoropt.materials import get_steel

    H, B = get_steel("FeCo_49Co2V").bh_arrays()
    bh = concave_bh(np.column_stack((B, H)))
    assert bh[1, 0] == pytest.approx(1.4799) and bh[1, 1] == pytest.approx(50.0)
    nu = bh[1:, 1] / bh[1:, 0]
    assert np.all(np.diff(nu) >= 0)
    for name in ("M19_29Ga", "M235-35A", "NO20-1200H", "M400-50A"):
        H, B = get_steel(name).bh_arrays()
        raw = np.column_stack((B, H))
        assert np.array_equal(concave_bh(raw), raw)


@pytest.mark.slow
def test_cobalt_iron_machine_converges(shipped):
    """The air-mobility programme case's nominal design (49Co-2V stator, 36 slots / 30 poles, unit
    sector 6 slots / 5 poles) solves at no load; the flux linkage is positive and finite. (Before the
    low-field chord, Newton stalled at a relative residual of 4e-3.)"""
    from motoropt.magnetics.fea.fluxmap_fea import no_load

    d = shipped.design("programme/aircooled_air_mobility")
    assert d.steel.name == "FeCo_49Co2V"
    nl = no_load(d, positions=2)
    assert np.isfinite(nl.psi_pm) and nl.psi_pm > 0
