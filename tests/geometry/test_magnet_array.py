"""Magnet arrays (motoropt.geometry.magnet_array): radial arcs and segmented Halbach arrays.

References: the closed forms of the segmented Halbach array's fundamental (radially oriented
segments: sin(pi/2n) / (pi/2n) of the ideal array's; parallel blocks: sin(x)/x with
x = (p +- 1) pi / (2 p n)), the radial arc's Fourier coefficient (2 / pi) sin(alpha pi / 2) (half
the cos amplitude), the array's harmonic orders (no counter-rotating fundamental for n >= 2), and
direct numerical quadrature of the magnetisation for the exact segment integrals."""

import math

import numpy as np
import pytest

from motoropt.errors import InputError
from motoropt.geometry.magnet_array import MagnetArray, halbach_fundamental_ratio, magnet_array


def _radially_oriented(a: MagnetArray) -> MagnetArray:
    """The same segments with each direction fixed relative to the local radial (no parallel blocks)."""
    return MagnetArray(a.p, a.start, a.end, a.rel, (False,) * len(a.rel), a.halbach_segments)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_halbach_fundamental_closed_form_radially_oriented(n):
    """n radially oriented segments per pole: fundamental = sin(pi/2n) / (pi/2n) of the ideal array
    (0.900, 0.955, 0.974, 0.984) to 1e-6, for inner and outer rotors."""
    for outer in (True, False):
        c = _radially_oriented(magnet_array(10, 1.0, n, outer)).fundamental()
        assert abs(c) == pytest.approx(halbach_fundamental_ratio(n), rel=1e-6)
        assert abs(c) == pytest.approx(math.sin(math.pi / (2 * n)) / (math.pi / (2 * n)), rel=1e-6)


@pytest.mark.parametrize("n,p", [(2, 3), (4, 10), (5, 20)])
def test_halbach_fundamental_closed_form_parallel_blocks(n, p):
    """Parallel-magnetised blocks: sin(x)/x with x = (p + 1) pi / (2 p n) (outer rotor) or
    (p - 1) pi / (2 p n) (inner rotor), to 1e-6."""
    for outer in (True, False):
        c = magnet_array(p, 1.0, n, outer).fundamental()
        x = (p + (1 if outer else -1)) * math.pi / (2 * p * n)
        assert abs(c) == pytest.approx(math.sin(x) / x, rel=1e-6)
        assert abs(c) == pytest.approx(halbach_fundamental_ratio(n, p, outer), rel=1e-6)


def test_radial_arc_fundamental():
    """Radial arcs of pole-arc ratio alpha: the e^{-jp theta} coefficient of m_r is half the cos
    amplitude (4 / pi) sin(alpha pi / 2), to 1e-6."""
    for alpha in (0.7, 0.85, 1.0):
        c = magnet_array(8, alpha, 1, True).fundamental()
        assert abs(c) == pytest.approx(2.0 / math.pi * math.sin(alpha * math.pi / 2), rel=1e-6)


@pytest.mark.parametrize("outer", [True, False])
def test_no_counter_rotating_fundamental(outer):
    """For n >= 2 the array's harmonics have orders p (1 - 2 n k): the counter-rotating fundamental
    (order -p) vanishes (< 1e-9 of the co-rotating one); so m_r and m_theta carry equal fundamentals
    in quadrature (the ideal array's m = exp(+-j p theta))."""
    p, n = 6, 3
    a = magnet_array(p, 1.0, n, outer)
    edges = np.linspace(0.0, 2 * math.pi, 2 * p * n * 2000 + 1)
    _, ir, it = a.integrals(edges[:-1], edges[1:])
    th = 0.5 * (edges[:-1] + edges[1:])
    m = ir + 1j * it  # integrals over the bins
    sgn = 1 if outer else -1
    co = np.sum(m * np.exp(-1j * sgn * p * th)) / (2 * math.pi)
    counter = np.sum(m * np.exp(1j * sgn * p * th)) / (2 * math.pi)
    assert abs(counter) < 1e-9 * abs(co)
    cr = np.sum(ir * np.cos(p * th)) / math.pi
    ct = np.sum(it * np.sin(p * th)) / math.pi
    assert abs(ct) == pytest.approx(abs(cr), rel=1e-9)


def test_segment_integrals_exact():
    """integrals() over arbitrary arcs (spanning block edges, pole pairs and negative angles, with the
    rotor turned) equal Gauss-Legendre quadrature (20 points) of m_r = cos(alpha - theta),
    m_theta = sin(alpha - theta) on each piece between the blocks' edges (alpha: the block's fixed
    direction), to 1e-12; and the arcs given together, each as given alone."""
    p, n = 4, 3
    a = magnet_array(p, 1.0, n, True)
    theta_r = 0.137
    P = 2 * math.pi / p
    blocks = [(s0 + theta_r + j * P, s1 + theta_r + j * P, 0.5 * (s0 + s1) + theta_r + j * P + rel)
              for j in range(-3, 6) for s0, s1, rel in zip(a.start, a.end, a.rel)]
    x, w = np.polynomial.legendre.leggauss(20)
    for lo, hi in ((-0.9, -0.2), (0.05, 0.61), (1.3, 2.95), (4.0, 7.1)):
        ref_r = ref_t = 0.0
        for b0, b1, alpha in blocks:
            u0, u1 = max(lo, b0), min(hi, b1)
            if u1 > u0:
                t = 0.5 * (u0 + u1) + 0.5 * (u1 - u0) * x
                ref_r += 0.5 * (u1 - u0) * np.sum(w * np.cos(alpha - t))
                ref_t += 0.5 * (u1 - u0) * np.sum(w * np.sin(alpha - t))
        cov, ir, it = a.integrals(np.array([lo]), np.array([hi]), theta_r)
        assert cov[0] == pytest.approx(hi - lo, rel=1e-12)  # a Halbach array covers everything
        assert ir[0] == pytest.approx(ref_r, rel=1e-12, abs=1e-12)
        assert it[0] == pytest.approx(ref_t, rel=1e-12, abs=1e-12)
    # the arcs together (each meeting other copies of the blocks): each arc's integrals as alone, exactly
    arcs = np.array([(-0.9, -0.2), (0.05, 0.61), (1.3, 2.95), (4.0, 7.1)])
    together = a.integrals(arcs[:, 0], arcs[:, 1], theta_r)
    for i, (lo, hi) in enumerate(arcs):
        alone = a.integrals(np.array([lo]), np.array([hi]), theta_r)
        assert [float(v[i]) for v in together] == [float(v[0]) for v in alone]


def test_radial_arc_coverage_and_sign():
    """Radial arcs: coverage = pole_arc x circumference; m_r +1 on pole 0, -1 on pole 1; m_theta 0."""
    a = magnet_array(5, 0.8, 1, False)
    cov, ir, it = a.integrals(np.array([0.0]), np.array([2 * math.pi]))
    assert cov[0] == pytest.approx(0.8 * 2 * math.pi, rel=1e-12)
    assert abs(ir[0]) < 1e-12 and abs(it[0]) < 1e-12
    half = 0.4 * math.pi / 5
    _, ir0, _ = a.integrals(np.array([-half]), np.array([half]))
    _, ir1, _ = a.integrals(np.array([math.pi / 5 - half]), np.array([math.pi / 5 + half]))
    assert ir0[0] == pytest.approx(2 * half) and ir1[0] == pytest.approx(-2 * half)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_pole_segments_fill_the_pole(n):
    """pole_segments(): pieces tile pole 0 exactly (total pi / p); for even n the q-axis segment is
    cut in two halves: pole 0's right half and pole 1's left half (pole 0's left half turned by
    pi / p and reversed, as the FEA draws the poles) have the same direction; the d-axis segment is
    magnetised along +r (0 deg)."""
    p = 7
    segs = magnet_array(p, 1.0, n, True).pole_segments()
    assert sum(hi - lo for lo, hi, _, _ in segs) == pytest.approx(math.pi / p, rel=1e-12)
    assert len(segs) == n + (1 if n % 2 == 0 else 0)
    centre = [s for s in segs if s[0] < 0 < s[1]][0]
    assert centre[3] == pytest.approx(0.0, abs=1e-12)
    if n % 2 == 0:
        left_of_pole1 = segs[0][3] + 180.0 / p + 180.0
        d = (left_of_pole1 - segs[-1][3]) % 360.0
        assert min(d, 360.0 - d) < 1e-9


def test_invalid_inputs_name_their_field():
    """Segment counts outside 1..5 and a pole-arc ratio other than 1 for a Halbach array are
    InputErrors naming rotor.halbach_segments / rotor.pole_arc_ratio."""
    with pytest.raises(InputError) as e:
        magnet_array(4, 1.0, 6, True)
    assert e.value.field == "rotor.halbach_segments"
    with pytest.raises(InputError) as e:
        magnet_array(4, 0.8, 3, True)
    assert e.value.field == "rotor.pole_arc_ratio"
    with pytest.raises(InputError) as e:
        magnet_array(4, 0.2, 1, True)
    assert e.value.field == "rotor.pole_arc_ratio"
