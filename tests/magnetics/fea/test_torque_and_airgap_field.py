"""Machine-like FE checks: slotless SPM air-gap field vs Zhu, Howe & Chan (2002), and torque by
Maxwell stress vs Arkkio vs co-energy virtual work on a loaded PM case; solve_fem_file."""

import math

import numpy as np
import pytest
from matplotlib.tri import LinearTriInterpolator, Triangulation

from motoropt.constants import MU0
from motoropt.magnetics.fea import (
    Boundary,
    Circuit,
    Geometry,
    Material,
    arkkio_torque,
    build_problem,
    coenergy_torque,
    solve,
    solve_fem_file,
    stress_tensor_torque,
    write_fem,
)


def P(r, deg):
    return (r * math.cos(math.radians(deg)), r * math.sin(math.radians(deg)))


def zhu_Br(n, r, Rr=0.040, Rm=0.045, Rs=0.046, p=4, Br=1.2, mur=1.05, ap=0.8):
    """Radial air-gap flux density harmonic n (T), Zhu, Howe, Chan, IEEE Trans. Magn. 38(1) 2002,
    radial magnetisation, infinitely permeable iron (formula as in the project's reference notes)."""
    k = n * p
    mu0Mn = 2 * Br * ap * math.sin(n * math.pi * ap / 2) / (n * math.pi * ap / 2)
    num = (k - 1) + 2 * (Rr / Rm) ** (k + 1) - (k + 1) * (Rr / Rm) ** (2 * k)
    den = (mur + 1) / mur * (1 - (Rr / Rs) ** (2 * k)) - (mur - 1) / mur * ((Rm / Rs) ** (2 * k) - (Rr / Rm) ** (2 * k))
    KB = mu0Mn / mur * k / (k * k - 1) * num / den
    return KB * ((r / Rs) ** (k - 1) * (Rm / Rs) ** (k + 1) + (Rm / r) ** (k + 1))


def slotless_pole(h=0.25e-3):
    """One pole (45 deg) of the p = 4 slotless SPM: magnet 40-45 mm over 4.5..40.5 deg, gap to 46 mm.
    Infinitely permeable iron = natural (Neumann) condition on r = 40 and 46 mm; anti-periodic sides."""
    Rr, Rm, Rs = 0.040, 0.045, 0.046
    g = Geometry(depth=0.1)
    Br, mur = 1.2, 1.05
    g.add_material(Material("air"))
    g.add_material(Material("pm", mur, mur, H_c=Br / (MU0 * mur)))
    g.add_boundary(Boundary("ap1", "antiperiodic"))
    g.add_boundary(Boundary("ap2", "antiperiodic"))
    for r in (Rr, Rm, Rs):
        g.add_arc(P(r, 0), P(r, 4.5), 4.5, 1.0)
        g.add_arc(P(r, 4.5), P(r, 40.5), 36.0, 1.0)
        g.add_arc(P(r, 40.5), P(r, 45), 4.5, 1.0)
    g.add_segment(P(Rm, 4.5), P(Rr, 4.5))
    g.add_segment(P(Rm, 40.5), P(Rr, 40.5))
    g.add_segment(P(Rr, 0), P(Rm, 0), boundary="ap1")
    g.add_segment(P(Rr, 45), P(Rm, 45), boundary="ap1")
    g.add_segment(P(Rm, 0), P(Rs, 0), boundary="ap2")
    g.add_segment(P(Rm, 45), P(Rs, 45), boundary="ap2")
    g.add_label(*P(0.0425, 22.5), "pm", h, magdir_expr="theta")
    g.add_label(*P(0.0425, 2), "air", h)
    g.add_label(*P(0.0425, 43), "air", h)
    g.add_label(*P(0.0455, 20), "air", h)
    return g


def test_slotless_spm_airgap_field_zhu():
    """Zhu, Howe, Chan (2002) worked case (R_r 40 mm, magnet 5 mm, gap 1 mm, p = 4, B_r 1.2 T,
    mu_r 1.05, alpha_p 0.8, infinitely permeable iron): radial B at mid-gap r = 45.5 mm:
    fundamental 1.1187 T, 3rd -0.2103 T, 5th 0, 7th 0.0682 T (reference values; the formula here
    reproduces them). FE on one pole with anti-periodic sides; harmonics from A on the mid-gap circle
    (B_r = dA/(r dtheta)). Tolerance 1 % on the 1st, 3rd and 7th; |5th| < 0.005 T.
    """
    assert zhu_Br(1, 0.0455) == pytest.approx(1.1187, abs=1e-4)
    assert zhu_Br(3, 0.0455) == pytest.approx(-0.2103, abs=1e-4)
    assert zhu_Br(7, 0.0455) == pytest.approx(0.0682, abs=1e-4)
    p = build_problem(slotless_pole())
    s = solve(p)
    A = LinearTriInterpolator(Triangulation(p.nodes[:, 0], p.nodes[:, 1], p.tri), s.A)
    r, M = 0.0455, 720
    th = np.linspace(0.0, math.radians(45.0), M, endpoint=False)
    a = np.asarray(A(r * np.cos(th), r * np.sin(th)))
    assert np.all(np.isfinite(a))
    c = np.fft.rfft(np.concatenate([a, -a])) / (2 * M)  # anti-periodic continuation: one pole pair
    for n, tol in ((1, 0.01), (3, 0.01), (7, 0.01)):
        an = 2 * c[n] * np.exp(1j * n * 4 * math.radians(22.5))  # theta measured from the magnet centre
        Bn = (1j * n * 4 * an / r).real
        assert Bn == pytest.approx(zhu_Br(n, r), rel=tol), n
    assert abs((1j * 20 * 2 * c[5] / r).real) < 0.005


def spm_2pole(nonlinear=False, I=200.0, rotor_deg=30.0):
    """Full 2-pole slotless SPM with a 3-phase belt winding in the gap: rotor iron r < 20 mm (group 1),
    magnets 20-24 mm (+-60 deg, group 1), air band 24.5-25.5 mm, coils 26-30 mm, stator iron 30-40 mm
    (group 2), A = 0 outside. Currents A = I, B = C = -I/2, 10 turns per belt."""
    g = Geometry(depth=0.05)
    bh = ((0, 0), (0.5, 60), (1.0, 120), (1.3, 300), (1.5, 1000), (1.7, 4000), (1.9, 15000), (2.05, 60000))
    g.add_material(Material("air"))
    g.add_material(Material("pm", 1.05, 1.05, H_c=1.2 / (MU0 * 1.05)))
    g.add_material(Material("iron", 1000, 1000, bh=bh if nonlinear else ()))
    g.add_material(Material("cu"))
    g.add_boundary(Boundary("A0"))
    for name, cur in (("A", I), ("B", -I / 2), ("C", -I / 2)):
        g.add_circuit(Circuit(name, cur))
    g.add_circle((0, 0), 0.020, 3, group=1)
    g.add_circle((0, 0), 0.040, 3, boundary="A0", group=2)
    g.add_circle((0, 0), 0.030, 3, group=2)
    for c0 in (0.0, 180.0):
        g.add_arc(P(0.024, c0 - 60), P(0.024, c0 + 60), 120, 2, group=1)
        g.add_segment(P(0.020, c0 - 60), P(0.024, c0 - 60), group=1)
        g.add_segment(P(0.020, c0 + 60), P(0.024, c0 + 60), group=1)
    g.add_circle((0, 0), 0.0245, 1)
    g.add_circle((0, 0), 0.0255, 1)
    g.add_circle((0, 0), 0.026, 2, group=2)
    for k in range(6):
        g.add_segment(P(0.026, 30 + 60 * k), P(0.030, 30 + 60 * k), group=2)
    for k, (ph, t) in enumerate([("A", 1), ("C", -1), ("B", 1), ("A", -1), ("C", 1), ("B", -1)]):
        g.add_label(*P(0.028, 60 * k), "cu", 1e-3, circuit=ph, turns=10 * t, group=2)
    g.add_label(*P(0.022, 0), "pm", 0.8e-3, magdir_expr="theta", group=1)
    g.add_label(*P(0.022, 180), "pm", 0.8e-3, magdir_expr="theta+180", group=1)
    g.add_label(0, 0, "iron", 2e-3, group=1)
    for r in (0.0242, 0.025, 0.0257):
        g.add_label(*P(r, 10), "air", 0.4e-3)
    g.add_label(*P(0.035, 10), "iron", 2e-3, group=2)
    return g.rotate_group(1, rotor_deg)


@pytest.mark.parametrize("nonlinear", [False, True])
def test_torque_methods_agree(nonlinear):
    """Loaded 2-pole SPM (rotor at 30 deg, I = 200 A): weighted Maxwell stress tensor torque on the
    rotor group, Arkkio's band integral and co-energy virtual work (dW'/dtheta at fixed currents,
    +-1e-4 rad on the same mesh) are three independent formulas and must agree within 1 %.
    Also: torque reverses with the current (magnet-current torque dominates; no saliency here)."""
    s = solve(build_problem(spm_2pole(nonlinear)), tol=1e-10)
    t_mst = stress_tensor_torque(s, 1)
    t_ark = arkkio_torque(s, 0.0245, 0.0255)
    t_coe = coenergy_torque(s, 0.025, 1e-4)
    assert abs(t_mst) > 1.0
    assert t_ark == pytest.approx(t_mst, rel=0.01)
    assert t_coe == pytest.approx(t_mst, rel=0.01)
    s_neg = solve(s.problem, currents={"A": -200.0, "B": 100.0, "C": 100.0}, A0=s.A)
    assert stress_tensor_torque(s_neg, 1) == pytest.approx(-t_mst, rel=0.02)


def test_solve_fem_file_summary(tmp_path):
    """solve_fem_file on the written SPM model (metres, exact round trip) returns exactly the CLI's
    JSON keys, the circuit currents as written, and the torque equal to the in-memory weighted-MST
    torque of the same geometry (same PSLG -> same mesh -> same numbers, 1e-6)."""
    g = spm_2pole(nonlinear=True)
    path = tmp_path / "spm.fem"
    write_fem(g, path, units="meters")
    out = solve_fem_file(path, torque_group=1)
    assert set(out) == {"mesh_nodes", "mesh_elements", "newton_iterations", "solve_time_s", "circuits", "torque_nm"}
    assert out["circuits"]["A"]["current_a"] == 200.0 and out["circuits"]["B"]["current_a"] == -100.0
    s = solve(build_problem(g))
    assert out["mesh_elements"] == s.problem.tri.shape[0]
    assert out["torque_nm"] == pytest.approx(stress_tensor_torque(s, 1), rel=1e-6)
    import json
    json.dumps(out)
