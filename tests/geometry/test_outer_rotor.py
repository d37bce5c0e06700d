"""Outer-rotor geometry (motoropt.geometry.outer_rotor): masses of simple shapes, slot widths of
parallel teeth on an outward-slotted stator, validation naming the case fields.

References: areas of annuli, rectangles and trapezoids (exact), times length, stacking factor and
density; the slot pitch 2 pi r / Q at the radii where the widths are taken."""

import math

import pytest

from motoropt.errors import InputError
from motoropt.geometry.outer_rotor import OuterRotor, OuterStator, outward_parallel_tooth_slot
from motoropt.mechanics import CFRP_HOOP, TITANIUM_6AL4V

MM = 1e-3


def _stator(**kw):
    D_o, Q, depth, tip = 330 * MM, 48, 26 * MM, 1.5 * MM
    top, bot = outward_parallel_tooth_slot(D_o, Q, depth, tip, 11 * MM)
    args = dict(D_o=D_o, D_i=262 * MM, L=90 * MM, Q=Q, slot_depth=depth, slot_width_top=top, slot_width_bottom=bot,
                slot_opening=2.5 * MM, tip_height=tip, stacking_factor=0.95, density=7650.0)
    args.update(kw)
    return OuterStator(**args)


def _rotor(**kw):
    args = dict(D_gap=333 * MM, D_shaft=60 * MM, L=90 * MM, p=20, magnet_thickness=6 * MM, rim_thickness=3 * MM,
                halbach_segments=4, sleeve=0.5 * MM, can_thickness=1.5 * MM, can=CFRP_HOOP, density=7650.0)
    args.update(kw)
    return OuterRotor(**args)


def test_parallel_teeth_on_outward_slots():
    """tooth_width_mm gives parallel teeth: the tooth is 11 mm wide below the tip and at the root; the
    slot is wider at its top (gap side) by 2 pi (depth - tip) / Q."""
    s = _stator()
    assert s.tooth_width_top == pytest.approx(11 * MM, rel=1e-12)
    assert s.tooth_width_bottom == pytest.approx(11 * MM, rel=1e-12)
    assert s.slot_width_top - s.slot_width_bottom == pytest.approx(2 * math.pi * (26 - 1.5) * MM / 48, rel=1e-12)
    s.validate()


def test_stator_masses():
    """Yoke = annulus between the slot bottoms and the bore; teeth = Q (tip + body rectangles); both
    x L x stacking factor x density (exact)."""
    s = _stator()
    k = s.L * 0.95 * 7650.0
    r_y = 0.165 - 0.026
    assert s.yoke_mass == pytest.approx(math.pi * (r_y**2 - 0.131**2) * k, rel=1e-12)
    tip = (math.pi * 0.330 / 48 - 2.5 * MM) * 1.5 * MM
    body = 11 * MM * (26 - 1.5) * MM
    assert s.teeth_mass == pytest.approx(48 * (tip + body) * k, rel=1e-12)
    assert s.slot_area == pytest.approx(0.5 * (s.slot_width_top + s.slot_width_bottom) * 24.5 * MM, rel=1e-12)


def test_rotor_radii_and_masses():
    """Radii stack from the gap outwards (sleeve, magnets, rim, can); magnet volume (full ring for a
    Halbach array, pole-arc share for radial arcs), rim (laminated: x stacking factor; a titanium
    rim: its density), can and sleeve annuli (exact)."""
    r = _rotor()
    assert (r.R_magnet_inner, r.R_magnet_outer, r.R_rim_outer, r.R) == pytest.approx(
        (0.167, 0.173, 0.176, 0.1775), rel=1e-12)
    L = 0.09
    assert r.magnet_volume == pytest.approx(math.pi * (0.173**2 - 0.167**2) * L, rel=1e-12)
    assert r.rim_mass == pytest.approx(math.pi * (0.176**2 - 0.173**2) * L * 0.95 * 7650.0, rel=1e-12)
    assert r.can_mass == pytest.approx(math.pi * (0.1775**2 - 0.176**2) * L * 1600.0, rel=1e-12)
    assert r.sleeve_mass == pytest.approx(math.pi * (0.167**2 - 0.1665**2) * L * 1600.0 + r.can_mass, rel=1e-12)
    radial = _rotor(halbach_segments=1, pole_arc_ratio=0.8)
    assert radial.magnet_volume == pytest.approx(0.8 * r.magnet_volume, rel=1e-12)
    assert radial.magnets_per_pole == 1 and r.magnets_per_pole == 4
    assert r.magnet_width == pytest.approx(math.pi / 20 * 0.170 / 4, rel=1e-12)
    ti = _rotor(rim=TITANIUM_6AL4V)
    assert not ti.magnetic_rim and r.magnetic_rim
    assert ti.rim_mass == pytest.approx(math.pi * (0.176**2 - 0.173**2) * L * 4430.0, rel=1e-12)


def test_pole_polygons_are_the_array():
    """FEA polygons of pole 0: Halbach segments between the magnet radii with their directions (the
    d-axis one along +r), covering the pole; radial arcs: one magnet (direction None: radial) and the
    inter-polar air."""
    r = _rotor()
    polys = r.pole_polygons()
    assert all(k == "magnet" for k, _, _ in polys) and len(polys) == 5
    radii = [math.hypot(*q) for _, poly, _ in polys for q in poly]
    assert min(radii) == pytest.approx(0.167, rel=1e-9) and max(radii) == pytest.approx(0.173, rel=1e-9)
    assert any(m == pytest.approx(0.0, abs=1e-12) for _, _, m in polys)
    radial = _rotor(halbach_segments=1, pole_arc_ratio=0.8).pole_polygons()
    assert [k for k, _, _ in radial] == ["magnet", "air"] and radial[0][2] is None


@pytest.mark.parametrize("change,field", [
    (dict(D_i=340 * MM), "stator.bore_diameter_mm"),
    (dict(slot_depth=33 * MM), "stator.slot_depth_mm"),
    (dict(tip_height=14 * MM), "stator.tip_height_mm"),
    (dict(slot_opening=15 * MM), "stator.slot_opening_mm"),
])
def test_stator_validation_names_the_field(change, field):
    """Inconsistent stators: InputError naming the [stator] key."""
    with pytest.raises(InputError) as e:
        _stator(**change).validate()
    assert e.value.field == field


@pytest.mark.parametrize("change,field", [
    (dict(rim_thickness=0.0), "rotor.rim_thickness_mm"),
    (dict(can_thickness=-1e-3), "rotor.can_thickness_mm"),
    (dict(halbach_segments=7), "rotor.halbach_segments"),
    (dict(halbach_segments=3, pole_arc_ratio=0.9), "rotor.pole_arc_ratio"),
])
def test_rotor_validation_names_the_field(change, field):
    """Inconsistent rotors: InputError naming the [rotor] key."""
    with pytest.raises(InputError) as e:
        _rotor(**change).validate()
    assert e.value.field == field
