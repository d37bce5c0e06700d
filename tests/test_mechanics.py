"""Rotor stress models (motoropt.mechanics): rotating disc, IPM bridges, SPM sleeve, cage end rings
with shrink-fitted retainers, against hand calculations, closed forms (Timoshenko & Goodier) and a
numerical solution of the elasticity equation (the demagnetisation check: tests/thermal/test_demag.py)."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_bvp

from motoropt.errors import InputError
from motoropt.mechanics import (
    disc_bore_hoop_stress,
    disc_hoop_stress,
    ipm_bridge_stress,
    spm_sleeve_stress,
)


def test_disc_bore_stress_against_numerical_elasticity():
    """Plain rotating disc with a hole, plane stress: the bore formula is checked against (a) the
    general Timoshenko & Goodier hoop-stress distribution at r = r_i and (b) an independent numerical
    solution of the displacement equation u'' + u'/r - u/r^2 = -(1 - nu^2) rho w^2 r / E with free
    edges (sigma_r = 0), by scipy solve_bvp (within 1e-4). Steel 7650 kg/m^3, nu 0.29, E 200 GPa,
    r 25/80 mm, 1.2 x 12000 rpm. Also: a vanishing hole doubles the solid-disc centre stress."""
    rho, nu, E = 7650.0, 0.29, 200e9
    ri, ro, w = 0.025, 0.08, 1.2 * 12000 * math.pi / 30
    s = disc_bore_hoop_stress(ri, ro, rho, nu, w)["sigma"]
    assert s == pytest.approx(disc_hoop_stress(ri, ri, ro, rho, nu, w), rel=1e-12)
    c = (1 - nu**2) * rho * w**2 / E

    def f(r, y):
        return np.vstack([y[1], -c * r - y[1] / r + y[0] / r**2])

    def sig_r(r, y):
        return E / (1 - nu**2) * (y[1] + nu * y[0] / r)

    def bc(ya, yb):
        return np.array([sig_r(ri, ya), sig_r(ro, yb)])

    r = np.linspace(ri, ro, 200)
    sol = solve_bvp(f, bc, r, np.zeros((2, r.size)), tol=1e-10, max_nodes=100000)
    assert sol.success
    u, up = sol.sol(ri)
    s_num = E / (1 - nu**2) * (u / ri + nu * up)
    assert s_num == pytest.approx(s, rel=1e-4)
    solid_centre = (3 + nu) / 8 * rho * w**2 * ro**2
    assert disc_bore_hoop_stress(1e-6, ro, rho, nu, w)["sigma"] == pytest.approx(2 * solid_centre, rel=1e-6)


def test_ipm_bridge_hand_calculation():
    """One pole: 0.20 kg iron + 0.154 kg magnets at r_cg 70 mm, 2 bridges x 1.0 mm + 2.0 mm post over
    83.6 mm stack, 6000 rpm x 1.2: F = m r w^2, sigma = F / (L (2 t + w_post)), peak = 1.5 sigma;
    margin = (350/1.5 MPa - peak) / (350/1.5 MPa). Stress scales with w^2."""
    w = 6000 * math.pi / 30
    r = ipm_bridge_stress(0.20, 0.154, 0.070, w, 0.0836, 1.0e-3, 2, 2.0e-3, overspeed_factor=1.2)
    F = 0.354 * 0.070 * (1.2 * w) ** 2
    s = F / (0.0836 * 4.0e-3)
    assert r["force"] == pytest.approx(F)
    assert r["sigma_peak"] == pytest.approx(1.5 * s)
    assert r["margin"] == pytest.approx((350e6 / 1.5 - 1.5 * s) / (350e6 / 1.5))
    r2 = ipm_bridge_stress(0.20, 0.154, 0.070, 2 * w, 0.0836, 1.0e-3, 2, 2.0e-3, overspeed_factor=1.2)
    assert r2["sigma_nominal"] == pytest.approx(4 * r["sigma_nominal"])
    # thin bridges at high speed fail
    assert not ipm_bridge_stress(0.20, 0.154, 0.070, 3 * w, 0.0836, 0.5e-3, 2, 0.0, overspeed_factor=1.2)["ok"]


def test_spm_sleeve():
    """Thin ring without magnets or fit: sigma = rho v^2 (Timoshenko, rotating thin ring). With magnets
    add p r / t, p = rho_m h_m r_m w^2; with interference add E delta / r (hand values)."""
    w, r, t = 20000 * math.pi / 30, 0.05, 3e-3
    bare = spm_sleeve_stress(r, t, 1600.0, 7500.0, 0.0, w)
    assert bare["sigma"] == pytest.approx(1600.0 * (w * r) ** 2)
    full = spm_sleeve_stress(r, t, 1600.0, 7500.0, 5e-3, w, interference=0.1e-3, E_sleeve=120e9)
    rm = r - t / 2 - 2.5e-3
    expect = 1600.0 * (w * r) ** 2 + 7500.0 * 5e-3 * rm * w**2 * r / t + 120e9 * 0.1e-3 / r
    assert full["sigma"] == pytest.approx(expect)
    assert full["margin"] < bare["margin"]


# ---- end ring + shrink-fitted retaining ring (issue 8, programme case im_eaxle) -------------------


def _retained(**kw):
    from motoropt.mechanics import CAGE_ELASTIC, retained_end_ring_stress

    args = {"r_ring": 0.055, "ring_height": 10e-3, "ring_width": 16e-3, "cage": CAGE_ELASTIC["copper"], "n_bars": 74,
                "bar_area": 1.65e-3 * 21.6e-3, "bar_extension": 1e-3, "r_bar": 0.055, "omega": 20000 * math.pi / 30,
                "t_retainer": 3e-3, "overspeed_factor": 1.2}
    args.update(kw)
    return retained_end_ring_stress(**args)


def test_retained_ring_lift_off_gives_free_thin_ring_rho_v2():
    """Reference: thin rotating ring hoop stress sigma = rho v^2 (Timoshenko, Strength of Materials II).
    A 'retainer' of the cage's own material at a larger radius grows more than the ring it holds
    (u/r = rho w^2 r^2 / E), so without interference the rings lift off and each carries rho v^2
    at its own mean radius (bars removed: bar_area = 0)."""
    from motoropt.mechanics import CAGE_ELASTIC, RingMaterial

    cu = CAGE_ELASTIC["copper"]
    same = RingMaterial("cu_as_retainer", "test", density=cu.density, E=cu.E, alpha=cu.alpha, yield_strength=1e9)
    w = 20000 * math.pi / 30
    out = _retained(bar_area=0.0, retainer=same, interference=0.0, overspeed_factor=1.0, delta_T=0.0)
    r_s = 0.055 + 5e-3 + 1.5e-3
    assert out["contact_force"] == 0.0
    assert out["sigma"] == pytest.approx(cu.density * (w * 0.055) ** 2, rel=1e-12)
    assert out["sigma_retainer"] == pytest.approx(cu.density * (w * r_s) ** 2, rel=1e-12)


def test_retained_ring_thin_limit_equal_strain_load_share():
    """Reference: composite two-ring load share. With both rings very thin (radii equal to 1e-5) and no
    interference, compatibility gives equal hoop strain: eps = (s_c0 A_c + s_s0 A_s) / (E_c A_c + E_s A_s),
    s_c0 = rho_c v^2 (+ bar-end load), s_s0 = rho_s v^2; each ring's stress E eps (assumption: hoop
    stress only, radial compliance neglected). Copper (rho/E 7.6e-8) grows more than Inconel 718
    (4.1e-8), so the rings stay in contact and the copper is relieved."""
    from motoropt.mechanics import CAGE_ELASTIC, INCONEL_718

    cu, inc = CAGE_ELASTIC["copper"], INCONEL_718
    r, h, t, b = 0.1, 1e-6, 0.5e-6, 16e-3
    w = 2000.0
    out = _retained(r_ring=r, ring_height=h, ring_width=b, bar_area=0.0, r_bar=r, omega=w, t_retainer=t,
                    interference=0.0, delta_T=0.0, overspeed_factor=1.0)
    A_c, A_s = h * b, t * b
    s_c0, s_s0 = cu.density * (w * r) ** 2, inc.density * (w * r) ** 2
    eps = (s_c0 * A_c + s_s0 * A_s) / (cu.E * A_c + inc.E * A_s)
    assert out["sigma"] == pytest.approx(cu.E * eps, rel=1e-4)
    assert out["sigma"] < s_c0
    # the retainer is checked in its hot state (delta_T = 0 here: same state)
    assert out["sigma_retainer"] == pytest.approx(inc.E * eps, rel=1e-4)


def test_retained_ring_force_conservation_and_standstill_self_equilibrium():
    """Conservation law: the contact is internal, so the total hoop force of the pair equals that of the
    free rings, sigma_c A_c + sigma_s A_s = rho_c v_c^2 A_c + (bar-end load) + rho_s v_s^2 A_s; at
    standstill a shrink fit delta gives sigma_c A_c = -sigma_s A_s with N = delta / (r_c/(E_c A_c) +
    r_s/(E_s A_s)) (thin-ring compliances)."""
    from motoropt.mechanics import CAGE_ELASTIC, INCONEL_718, _ring_pair

    cu, inc = CAGE_ELASTIC["copper"], INCONEL_718
    r_c, h, b, t = 0.055, 10e-3, 16e-3, 3e-3
    A_c, A_s, r_s = h * b, t * b, r_c + 0.5 * h + 0.5 * t
    bars = 74 * cu.density * 35.64e-6 * 1e-3 * r_c / (2 * math.pi * A_c)
    geo = (r_c, A_c, cu.E, bars, cu.density, r_s, A_s, inc.E, inc.density)
    w = 2513.0
    sc, ss, N = _ring_pair(w, 80e-6, *geo)
    assert N > 0
    total_free = (cu.density * (w * r_c) ** 2 + bars * w * w) * A_c + inc.density * (w * r_s) ** 2 * A_s
    assert sc * A_c + ss * A_s == pytest.approx(total_free, rel=1e-12)
    sc0, ss0, N0 = _ring_pair(0.0, 80e-6, *geo)
    assert sc0 * A_c == pytest.approx(-ss0 * A_s, rel=1e-12)
    assert N0 == pytest.approx(80e-6 / (r_c / (cu.E * A_c) + r_s / (inc.E * A_s)), rel=1e-12)


def test_retained_ring_fit_sizing_matches_brute_force_search():
    """Second method: the shrink fit sized in closed form (max-min over piecewise-linear margins) gives
    the same best margin as a brute-force scan of the interference over 0..400 um (1 um steps), and
    relieves the copper compared with no retainer (end_ring_hoop_stress, same ring)."""
    from motoropt.mechanics import end_ring_hoop_stress

    kw = {"delta_T": 180.0}
    best = _retained(**kw)
    scan = max(_retained(interference=d * 1e-6, **kw)["margin"] for d in range(401))
    assert best["margin"] >= scan - 1e-9
    assert best["margin"] == pytest.approx(scan, abs=5e-3)
    assert best["ring_margin"] >= best["margin"] and best["retainer_margin"] >= best["margin"]
    free = end_ring_hoop_stress(0.055, 160e-6, 8900.0, 74, 1.65e-3 * 21.6e-3, 1e-3, 0.055, 20000 * math.pi / 30,
                                overspeed_factor=1.2)
    assert best["ring_margin"] > free["margin"]
    with pytest.raises(InputError):
        _retained(t_retainer=0.0)


def test_cage_rotor_retainer_mass_and_fit_check():
    """Mass of two thin Inconel hoops: 2 x 2 pi r_mean t b rho (r_mean = ring outer radius + t/2, rho
    8190 kg/m^3, Special Metals SMC-045), included in the cage mass; a retainer that would stand
    proud of the rotor surface is rejected naming induction.end_ring_retainer_mm."""
    from dataclasses import replace

    from motoropt.geometry.cage import CageRotor

    base = CageRotor(D_r=0.13, D_shaft=0.04, L=0.1, Q_r=74, bar_width=1.6e-3, bar_height=16e-3, bar_opening=1e-3,
                     opening_height=1.5e-3, closed=False, ring_height=10e-3, ring_width=16e-3, bar_extension=1e-3)
    ret = replace(base, retainer_thickness=3e-3)
    ret.validate()
    r_out = 0.065 - 1.5e-3 - 8e-3 + 5e-3
    assert ret.ring_outer_radius == pytest.approx(r_out)
    m = 2 * 2 * math.pi * (r_out + 1.5e-3) * 3e-3 * 16e-3 * 8190.0
    assert ret.retainer_mass == pytest.approx(m, rel=1e-12)
    assert ret.cage_mass - base.cage_mass == pytest.approx(m, rel=1e-12)
    with pytest.raises(InputError) as e:
        replace(base, retainer_thickness=5e-3).validate()
    assert "end_ring_retainer_mm" in str(e.value)
