"""Field-waveform iron and magnet losses on the FEA flux-map grid (motoropt.magnetics.fea.losses) against
closed forms, the machine's symmetry (a direct solve as the second method) and Gram-matrix properties."""

import math

import numpy as np
import pytest

from motoropt.magnetics.fea.fluxmap_fea import _position, _positions, fea_fluxmap
from motoropt.magnetics.fea.losses import (
    PositionSampler,
    _harmonic_sums,
    plate_end_factor,
    sixty_degree_symmetry,
    wave_grid,
)
from motoropt.magnetics.fea.machine import MeshSpec, dq_to_abc
from motoropt.magnetics.fea.solver import solve


def test_harmonic_sums_closed_form():
    """B_x = 1.2 cos(t) + 0.1 cos(5 t + 0.3), B_y = 0, 48 samples per period:
    S_h = 1.2^2 + 5 0.1^2, S_c = 1.2^2 + 25 0.1^2, S_e = 1.2^1.5 + 0.5^1.5 (1e-12); a rotating field of
    amplitude B counts as two alternating components: S_h = 2 B^2 (the superposition convention)."""
    t = 2 * math.pi * np.arange(48) / 48
    w = np.zeros((48, 1, 2))
    w[:, 0, 0] = 1.2 * np.cos(t) + 0.1 * np.cos(5 * t + 0.3)
    Sh, Sc, Se = _harmonic_sums(w, 1.0)
    assert Sh[0] == pytest.approx(1.44 + 0.05, rel=1e-12)
    assert Sc[0] == pytest.approx(1.44 + 0.25, rel=1e-12)
    assert Se[0] == pytest.approx(1.2 ** 1.5 + 0.5 ** 1.5, rel=1e-12)
    r = np.stack([np.cos(t), np.sin(t)], axis=-1)[:, None, :] * 1.5
    assert _harmonic_sums(r, 6.0)[0][0] == pytest.approx(6 * 2 * 1.5 ** 2, rel=1e-12)  # rotor-frame order unit 6


def test_plate_end_factor_limits():
    """Eddy loss of a b x L plate in a uniform normal field relative to the long plate: the torsion-constant
    series; long plates 1 - 0.630 b/L (b/L = 0.01: 1e-4), the square 0.4218 (torsion constant of a square
    bar 0.1406 a^4 against a^4/3, Timoshenko & Goodier), symmetric in (b, L)."""
    assert plate_end_factor(0.01, 1.0) == pytest.approx(1 - 0.6302 * 0.01, abs=1e-4)
    assert plate_end_factor(1.0, 1.0) == pytest.approx(0.1406 * 3, abs=5e-4)
    assert plate_end_factor(0.3, 1.0) == pytest.approx(plate_end_factor(1.0, 0.3), rel=1e-12)


def test_sixty_degree_symmetry(shipped):
    """Integer slots per pole and phase (Prius, q = 2): the 60-degree rule holds; tooth coils (q = 0.4): not
    (then the map carries no waveform losses)."""
    assert sixty_degree_symmetry(shipped.design("prius2004"))
    assert not sixty_degree_symmetry(shipped.design("multipole"))


@pytest.mark.slow
def test_stator_waveform_symmetry_against_a_direct_solve(prius_design):
    """The stator field m x 60 electrical degrees later, predicted from one position by the symmetry
    B(x, theta + m alpha) = R(m alpha) B(R(-m alpha) x, theta), against direct solves at theta + m alpha with
    the currents of that instant, at (i_d, i_q) = (-60, 80) A, over the stator steel points:
    m = 3 (half a period: the same mesh, antiperiodic images) agrees to 1e-3 (round-off of the solver);
    m = 1 (another mesh) differs by less than the sampling noise of the element-constant field between two
    meshes (the same position on a 7 % finer mesh), x 1.2; the opposite sign would give 200 %."""
    d = prius_design
    th0 = _positions(d, 1, 60.0)[0]
    alpha_deg = 60.0 / d.p
    grid = wave_grid(d, _position(d, th0, "auto", None, d.T_magnet_c))

    def sample(ang, mesh=None):
        pos = _position(d, ang, "auto", mesh, d.T_magnet_c)
        cur = dq_to_abc(-60.0, 80.0, pos.theta_x) / pos.section.parallel_paths
        sol = solve(pos.problem, dict(zip(("A", "B", "C"), cur)))
        return PositionSampler(grid, pos.problem, math.radians(ang)).sample(sol.A, sol.B)[0]

    def rel(x, y):
        return float(np.sqrt(np.mean(np.sum((x - y) ** 2, axis=-1)) / np.mean(np.sum(y ** 2, axis=-1))))

    s0 = sample(th0)
    s1 = sample(th0 + alpha_deg)
    s3 = sample(th0 + 3 * alpha_deg)
    noise = rel(sample(th0 + alpha_deg, MeshSpec(scale=0.93))[:, 0], s1[:, 0])
    assert rel(s0[:, 3], s3[:, 0]) < 1e-3
    assert rel(s0[:, 1], s1[:, 0]) < 1.2 * noise and noise < 0.15
    assert rel(s0[:, 1], -s1[:, 0]) > 1.9


@pytest.fixture(scope="module")
def small_wave_map(prius_design):
    return fea_fluxmap(prius_design, np.array([-150.0, -60.0, 0.0]), np.array([0.0, 60.0, 150.0]), positions=8,
                       waveform_losses=True)


@pytest.mark.slow
def test_wave_map_regions_and_magnet_gram(small_wave_map, prius_design):
    """Sampled region masses within 15 % of the design's (teeth incl. tips, yoke, rotor iron; the polar
    sample grid resolves the slots coarsely, so the loss uses the design's masses and the map's per-kg
    terms); the classical sums exceed the hysteresis sums (harmonics n > 1 weigh n^2 against n) and
    both exceed the fundamental B_iron^2 of the teeth at no load; the magnet PWM coefficients form a
    Gram matrix: M_dd, M_qq > 0 and M_dq^2 <= M_dd M_qq (exact property); loss terms even in i_q by
    construction of the map (stored for i_q >= 0)."""
    fm, d = small_wave_map, prius_design
    ms = d.masses()
    for got, want in zip(fm.loss_region_mass, (ms["stator_teeth"], ms["stator_yoke"], ms["rotor_core"])):
        assert got == pytest.approx(want, rel=0.15)
    S = fm.loss_terms
    assert np.all(S[:, 1] >= S[:, 0] * (1 - 1e-12)) and np.all(S >= 0)
    k0 = (2, 0)  # i_d = 0, i_q = 0: no load
    assert S[0, 0][k0] > fm.B_iron[0][k0] ** 2
    M = fm.magnet_pwm
    assert np.all(M[0] > 0) and np.all(M[2] > 0) and np.all(M[1] ** 2 <= M[0] * M[2] * (1 + 1e-9))
    assert np.all(fm.magnet_loss >= 0)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="open-circuit iron loss from the FEA waveforms with the M19 coefficients is "
                                       "1.3-1.4 x ORNL/TM-2004/247 Table 3.7's whole 'motor rotor (windage + eddy)' "
                                       "loss (1000-6006 rpm, 25 degC oil): the steel data (the 2004 grade is not "
                                       "published) or that rig's loss split; not tuned")
def test_open_circuit_iron_below_ornl_spin_loss(shipped):
    """Open circuit (magnets at 25 degC, the oil temperature of the test): the FEA field-waveform iron loss
    alone must stay below Table 3.7's motor-rotor loss at 1000, 3007 and 6006 rpm (31.6, 161.7, 472.8 W)."""
    from motoropt.drive.losses import compute_losses
    from motoropt.evaluation import validation as V
    from motoropt.evaluation.pipeline import point_model

    vs = V.REGISTRY["prius2004"]
    d = shipped.design("prius2004")
    m = point_model(d, magnet_c=25.0, winding_c=25.0, fluxmaps=V._provider(vs, d))
    for rpm, meas in ((1000, 31.6), (3007, 161.7), (6006, 472.8)):
        iron = float(compute_losses(m.fluxmap, m.loss_params, 0.0, 0.0, rpm * math.pi / 30)["iron"][0])
        assert iron < meas
