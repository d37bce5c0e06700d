"""MEC of the arc-cavity (bonded-magnet, topology "ipm_arc") rotor against the embedded 2-D FEA
(issue 5 part 3 / issue 8, brief H7), plus the geometry behind its mapping and its reciprocity.

References (independent of the MEC):
- the embedded finite-element solver (motoropt.magnetics.fea) on the same design: flux linkages
  (Park of the phase flux linkages) and the Arkkio torque (a second torque method), position-averaged;
- the circle geometry of ArcPMRotor (the gap-side edge is the circle |P - C| = rho through E+, E-, B);
- co-energy reciprocity of a lossless magnetic network: d psi_d / d i_q = d psi_q / d i_d.

Comparison convention: the MEC network alone (L_sigma = 0: the end-winding leakage, which the 2-D FEA
does not contain) on the FEA's currents. Tolerances were fixed before the comparison at 10 % for
psi_PM, the secant inductances and the torque (the Prius V-rotor MEC of the same network is within
6 % on psi_PM; tests/magnetics/mec/test_mec.py). Measured values are in each test's docstring.
"""

import dataclasses
import functools
import math

import numpy as np
import pytest

from motoropt.magnetics.analytic import compute_fluxmap
from tests import shipped

CASES = {"bonded": "dyfree_bonded", "programme": "programme/dyfree_eaxle_150kw"}
TOL = 0.10  # fixed before the comparison


def _axes(d):
    I = d.i_max
    return (np.array([-1.0, -0.7071, -0.5, -0.25, 0.0]) * I, np.array([0.0, 0.25, 0.7071, 0.866, 1.0]) * I)


def _mec_map(d):
    H, B = d.steel.bh_arrays()
    m = dataclasses.replace(d.mec_inputs(), L_sigma=0.0)  # network alone, as the 2-D FEA
    return compute_fluxmap(m, H, B, d.i_max, axes=_axes(d), T_magnet_c=d.T_magnet_c)


@functools.cache
def _fea_map(name):
    from motoropt.magnetics.fea.fluxmap_fea import fea_fluxmap
    from motoropt.magnetics.fea.machine import MeshSpec

    d = shipped.design(CASES[name])
    return fea_fluxmap(d, *_axes(d), positions=3, mesh=MeshSpec(scale=1.5))


def _quantities(fm, p):
    """psi_PM; secant L_d at 0.25 / 1 I_max (psi_d(0,0) - psi_d(-k I, 0)) / (k I); L_q = psi_q(0, k I) /
    (k I); torque 1.5 p (psi_d i_q - psi_q i_d) (MEC) or the Arkkio torque (FEA) at 120 and 135 deg."""
    i_d, i_q = fm.i_d, fm.i_q
    I = -i_d[0]
    out = {"psi_pm": fm.psi_d[4, 0],
           "L_d_0.25": (fm.psi_d[4, 0] - fm.psi_d[3, 0]) / (0.25 * I),
           "L_d_1": (fm.psi_d[4, 0] - fm.psi_d[0, 0]) / I,
           "L_q_0.25": fm.psi_q[4, 1] / i_q[1],
           "L_q_1": fm.psi_q[4, 4] / i_q[4]}
    for key, (a, b) in (("T_120deg", (2, 3)), ("T_135deg", (1, 2))):
        out[key] = fm.torque[a, b]
    return out


# quantities outside the 10 % tolerance: strict xfails with their measured numbers
XFAIL = {("bonded", "L_q_0.25"): "not reached: MEC 0.356 mH vs FEA 0.422 mH (-15.6 %); at 1 I_max -4.7 %. The "
                                 "arm-top bridge (1.2 mm) joins the pole piece to the rib: at low q current the "
                                 "FEA carries more q flux through it than the MEC's single saturated branch"}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("qty", ["psi_pm", "L_d_0.25", "L_d_1", "L_q_0.25", "L_q_1", "T_120deg", "T_135deg"])
def test_arc_mec_vs_fea(name, qty, request):
    """MEC (network alone) vs the embedded FEA (one pole sector, 3 positions over 60 elec. deg, mesh
    scale 1.5, magnets at the case's 100 degC) within 10 % (fixed beforehand).

    Measured MEC / FEA - 1 after the fix [before it: the arm tops at the q-axis iron's potential]:
    bonded case: psi_PM +0.3 % [0.0], L_d at 0.25 / 1 I_max -9.9 / -3.6 % [+11 / +13], L_q -15.6 (xfail)
    / -4.7 % [-11 / -2], torque at 120 / 135 deg -1.3 / -3.5 % [-8 / -9];
    programme case: psi_PM -2.6 % [-4], L_d -7.6 / -2.8 % [+59 / +43], L_q -5.0 / -9.5 % [-2 / -8],
    torque -8.0 / -5.1 % [-21 / -32]. FEA: 25 currents x 3 positions, ~6 s per case."""
    if (name, qty) in XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=XFAIL[(name, qty)]))
    d = shipped.design(CASES[name])
    a = _quantities(_mec_map(d), d.p)
    f = _quantities(_fea_map(name), d.p)
    err = a[qty] / f[qty] - 1.0
    print(f"{name} {qty}: MEC {a[qty]:.5g} FEA {f[qty]:.5g} ({100 * err:+.1f} %)")
    assert abs(err) <= TOL


@pytest.mark.parametrize("name", list(CASES))
def test_pole_piece_profile_follows_the_arc(name):
    """The MEC's pole-piece depth profile (Design.mec_inputs, arc branch): every point over the
    gap-side edge (u <= a_E / a_E') lies on the edge's circle |P - C| = rho (1e-9 m), the centre depth
    is arc_depth (the circle's lowest point B = (R - arc_depth, 0)), the depth at E is the bridge (E lies
    on R - bridge: the depth there is the bridge where E is the ray's nearer intersection with the
    circle, programme case; on the bonded case E lies just beyond the ray's tangent point, so the pole
    piece at a_E reaches down the arm's inner face), and beyond E (over the arm top) the depth is the
    bridge. The pole arc reaches the lower corner E' and the magnets' arc the end E (polar angles of
    ArcPMRotor's corners)."""
    d = shipped.design(CASES[name])
    r, m = d.rotor, d.mec_inputs()
    xE, yE = r._end()
    xL, yL = r.lower_corner
    aE, aL = math.atan2(yE, xE), math.atan2(yL, xL)
    assert aL > aE
    pole = math.pi / d.p
    assert m.pole_arc == pytest.approx(2 * aL / pole, rel=1e-12)
    assert m.magnet_arc == pytest.approx(2 * aE / pole, rel=1e-12)
    prof = np.asarray(m.pp_depth_profile)
    assert prof[0, 1] == pytest.approx(r.arc_depth, abs=1e-9)
    for u, dep in prof:
        th = u * aL
        rad = r.R - dep
        if u <= aE / aL * (1 + 1e-12):
            assert math.hypot(rad * math.cos(th) - r.arc_centre, rad * math.sin(th)) == pytest.approx(r.arc_radius, abs=1e-9)
        else:
            assert dep == pytest.approx(r.bridge, abs=1e-12)
    xc, rho = r.arc_centre, r.arc_radius
    beyond_tangent = r.arc_half_angle > math.acos(rho / xc)  # the ray through E touches the circle earlier
    assert beyond_tangent == (name == "bonded")
    k = int(np.flatnonzero(prof[:, 0] <= aE / aL * (1 + 1e-12))[-1])  # the point at E
    assert prof[k, 0] == pytest.approx(aE / aL, rel=1e-12)
    if not beyond_tangent:
        assert prof[k, 1] == pytest.approx(r.bridge, abs=1e-9)
    assert np.all(np.diff(prof[:, 0]) >= 0) and np.all(np.diff(prof[:, 1]) <= 1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_arc_mec_reciprocity(name):
    """Co-energy reciprocity of the (lossless) network: d psi_d / d i_q = d psi_q / d i_d by central
    differences (step 0.5 A) at three loaded points, within 2 % of the larger magnitude (the brief's
    tolerance); both derivatives are non-zero there (cross-saturation). Measured: within 0.6 %; the
    step matters where the cross derivative is small (programme case at (-0.5, 0.5) I_max: -9.9e-6 H,
    -3.4 % with 2 A steps, -10 % with 8 A: truncation error, it falls with the step)."""
    d = shipped.design(CASES[name])
    H, B = d.steel.bh_arrays()
    m = d.mec_inputs()
    I, h = d.i_max, 0.5
    for fd, fq in ((-0.5, 0.5), (-0.25, 1.0), (-0.75, 0.25)):
        i_d, i_q = fd * I, fq * I
        fm = compute_fluxmap(m, H, B, I, axes=((i_d - h, i_d, i_d + h), (0.0, i_q - h, i_q, i_q + h)))
        dpd_diq = (fm.psi_d[1, 3] - fm.psi_d[1, 1]) / (2 * h)
        dpq_did = (fm.psi_q[2, 2] - fm.psi_q[0, 2]) / (2 * h)
        big = max(abs(dpd_diq), abs(dpq_did))
        assert big > 1e-6
        assert abs(dpd_diq - dpq_did) <= 0.02 * big, (fd, fq, dpd_diq, dpq_did)
