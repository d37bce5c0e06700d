"""Outer-rotor rim hoop stress at overspeed (motoropt.mechanics.rim_stress) and its use by the
outer rotor (motoropt.geometry.outer_rotor.OuterRotor.stress_margins).

References (closed forms, thin rings; Timoshenko, Strength of Materials II): a free rotating ring
sigma = rho v^2; inner layers pressing on the ring add sum(rho_i t_i r_i^2) omega^2 / t; a ring
with a can: radial compatibility (equal radial growth u = r sigma / E of both rings without
interference) and conservation of the total hoop force; stress scales with omega^2."""

import math

import pytest

from motoropt.mechanics import CFRP_HOOP, TITANIUM_6AL4V, RingMaterial, StressLimits, rim_stress

STEEL = RingMaterial("steel", "test", density=7650.0, E=200e9, alpha=12e-6, yield_strength=400e6)


def test_free_ring_is_rho_v_squared():
    """No inner layers, no can: sigma = rho v^2 (v = omega r), margin = 1 - sigma / (yield / SF)."""
    w, r = 300.0, 0.18
    out = rim_stress(r, 3e-3, STEEL, [], w, safety_factor=1.5)
    assert out["sigma"] == pytest.approx(7650.0 * (w * r) ** 2, rel=1e-12)
    assert out["rim_margin"] == pytest.approx(1 - out["sigma"] / (400e6 / 1.5), rel=1e-12)
    assert out["can_margin"] is None and out["margin"] == out["rim_margin"]


def test_magnet_load_adds_line_load_over_thickness():
    """Magnets (7500 kg/m^3, 6 mm at r = 0.17 m) and a sleeve on the rim: sigma = rho v^2 +
    sum(rho_i t_i r_i^2) omega^2 / t_rim; x1.2 overspeed scales it by 1.44."""
    w, r, t = 250.0, 0.1745, 3e-3
    layers = [(7500.0, 6e-3, 0.170), (1600.0, 0.5e-3, 0.16675)]
    out = rim_stress(r, t, STEEL, layers, w)
    q = 7500.0 * 6e-3 * 0.170**2 + 1600.0 * 0.5e-3 * 0.16675**2
    assert out["sigma"] == pytest.approx(7650.0 * (w * r) ** 2 + q * w * w / t, rel=1e-12)
    assert rim_stress(r, t, STEEL, layers, w, overspeed_factor=1.2)["sigma"] == pytest.approx(1.44 * out["sigma"], rel=1e-12)


def test_can_shares_the_load_by_compatibility():
    """Rim + can, no interference, no temperature difference: equal radial growth
    r_rim sigma_rim / E_rim = r_can sigma_can / E_can, and the total hoop force equals the free
    rings' (rim with its magnet load + can self-load) (1e-9); the can relieves the rim."""
    w, r, t, tc = 250.0, 0.1745, 3e-3, 1.5e-3
    layers = [(7500.0, 6e-3, 0.170)]
    free = rim_stress(r, t, STEEL, layers, w)["sigma"]
    out = rim_stress(r, t, STEEL, layers, w, t_can=tc, can=CFRP_HOOP, can_strength=1200e6, delta_T=0.0)
    r_c = r + 0.5 * (t + tc)
    assert r * out["sigma"] / STEEL.E == pytest.approx(r_c * out["sigma_can"] / CFRP_HOOP.E, rel=1e-9)
    total_free = free * t + CFRP_HOOP.density * (w * r_c) ** 2 * tc
    assert out["sigma"] * t + out["sigma_can"] * tc == pytest.approx(total_free, rel=1e-9)
    assert out["sigma"] < free
    assert out["margin"] == min(out["rim_margin"], out["can_margin"])


def test_hot_rim_presses_on_the_can():
    """A hotter steel rim (alpha 12e-6 against the can's 0) grows into the can: at standstill the can
    is in tension and the rim in compression, by the compatibility (alpha_r - alpha_c) dT r."""
    out0 = rim_stress(0.17, 3e-3, STEEL, [], 0.0, t_can=1.5e-3, can=CFRP_HOOP, delta_T=0.0)
    out = rim_stress(0.17, 3e-3, STEEL, [], 0.0, t_can=1.5e-3, can=CFRP_HOOP, delta_T=100.0)
    assert out0["sigma_can"] == 0.0 and out["sigma_can"] > 0.0


def test_outer_rotor_margins_use_the_rim_model():
    """OuterRotor.stress_margins: the rim (laminated steel: density x stacking factor, the rotor
    steel's yield) with the magnets' and sleeve's load at overspeed_factor x speed; with a can the
    can's margin against the sleeve strength; a titanium rim with its own yield."""
    from motoropt.geometry.outer_rotor import OuterRotor

    r = OuterRotor(D_gap=0.333, D_shaft=0.06, L=0.09, p=20, magnet_thickness=6e-3, rim_thickness=3e-3,
                   halbach_segments=4, density=7650.0)
    lim = StressLimits(safety_factor=1.5, overspeed_factor=1.2)
    w = 1900 * math.pi / 30
    st = r.stress_margins(w, 420e6, 7550.0, lim)
    ref = rim_stress(0.174, 3e-3, r.rim_material(420e6), [(7550.0, 6e-3, 0.1695)], w, overspeed_factor=1.2)
    assert st["rim_margin"] == pytest.approx(ref["rim_margin"], rel=1e-12)
    assert st["margin"] == st["rim_margin"] and "can_margin" not in st
    ti = OuterRotor(D_gap=0.333, D_shaft=0.06, L=0.09, p=20, magnet_thickness=6e-3, rim_thickness=3e-3,
                    halbach_segments=4, rim=TITANIUM_6AL4V, can_thickness=1e-3, can=CFRP_HOOP)
    st = ti.stress_margins(w, 420e6, 7550.0, lim)
    assert {"rim_margin", "can_margin", "margin"} <= set(st)
    assert st["margin"] == min(st["rim_margin"], st["can_margin"])
