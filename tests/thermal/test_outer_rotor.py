"""The outer-rotor thermal network (motoropt.thermal.outer_rotor): chosen for designs whose rotor heat
body declares a rim, energy conservation, the inverted heat paths, and its speed dependence.

References: conservation of energy (steady state: the losses equal the heat through the boundary
conductances, 1e-9); the exact conduction of a cylindrical shell 2 pi k L / ln(r2 / r1) for the
laminar (centrifugally stable) gap; the rotating-cylinder correlation of the module docstring
(Nu_D = 0.133 Re_D^(2/3) Pr^(1/3)) evaluated by hand at one speed."""

import dataclasses
import math

import numpy as np
import pytest

from motoropt.thermal import correlations as cr
from motoropt.thermal.cooling import Cooling, ForcedAirFins, NaturalConvection, WaterJacket
from motoropt.thermal.evaluation import thermal_network
from motoropt.thermal.lptn import steady_state
from motoropt.thermal.network import Coupling
from motoropt.thermal.nodes import LOSS_COMPONENTS
from motoropt.thermal.outer_rotor import (
    AMBIENT_NODE,
    build_outer_rotor_network,
    outer_thermal_geometry,
    rotating_cylinder_h,
)
from motoropt.thermal.settings import thermal_settings

CASE = "outer_rotor_halbach"


@pytest.fixture(scope="module")
def geom(shipped_module):
    d = shipped_module.design(CASE)
    return outer_thermal_geometry(d, thermal_settings(d, d.specs.thermal))


@pytest.fixture(scope="module")
def shipped_module():
    from tests import shipped

    return shipped


def _losses(**kw):
    P = np.zeros(len(LOSS_COMPONENTS))
    for k, v in kw.items():
        P[LOSS_COMPONENTS.index(k)] = v
    return P


def test_evaluation_picks_the_outer_network(shipped_module):
    """thermal_network: the outer-rotor case gets the outer network (with the rotor's ambient node),
    the Prius the inner one (without it)."""
    for name, outer in ((CASE, True), ("prius2004", False)):
        ev = shipped_module.evaluation(name, cycles=False)
        net = thermal_network(ev, thermal_settings(ev.design, ev.design.specs.thermal))
        assert (AMBIENT_NODE in net.names) == outer
        assert net.names[:13] == ("housing", "stator_yoke", "stator_teeth", "winding_active", "end_winding_front",
                                  "end_winding_rear", "rotor_core", "magnets", "shaft", "bearing_front",
                                  "bearing_rear", "end_air_front", "end_air_rear")


@pytest.mark.parametrize("cooling", ["jacket", "air", "natural"])
def test_steady_state_conserves_energy(geom, cooling):
    """Losses in every component except the inverter, uncoupled, at 150 rad/s: the heat leaving
    through all boundary conductances equals the losses (1e-9)."""
    c = {"jacket": Cooling(jacket=WaterJacket(flow_lpm=6.0, inlet_c=40.0, path_length=0.8)),
         "air": Cooling(air=ForcedAirFins(n_fins=36, fin_height=0.015, air_speed=20.0)),
         "natural": Cooling(natural=NaturalConvection())}[cooling]
    net = build_outer_rotor_network(geom, c, Coupling(enabled=False), max_speed=200.0, n_speed=9)
    P = _losses(copper_active=900.0, copper_end=400.0, iron_teeth=300.0, iron_yoke=120.0, iron_rotor=20.0,
                magnet=15.0, mechanical_bearings=10.0, windage=5.0)
    T = steady_state(net, P, speed=150.0).T
    out = float(np.sum(net.g_b * (T - net.T_b)))
    assert out == pytest.approx(P.sum(), rel=1e-9)


def test_heat_paths_are_inverted(geom):
    """Stator loss with a jacket in the hub: the stator is coldest on its hub side (yoke < teeth <
    winding) and most of the heat leaves through the jacket; rotor (magnet) loss leaves mostly
    through the rotor's ambient node, the magnets hotter than the rim outside them."""
    net = build_outer_rotor_network(geom, Cooling(jacket=WaterJacket(flow_lpm=6.0, inlet_c=40.0, path_length=0.8)),
                                    Coupling(enabled=False), max_speed=200.0, n_speed=9)
    i = net.index
    T = steady_state(net, _losses(copper_active=1000.0, iron_teeth=300.0), speed=150.0).T
    assert T[i("stator_yoke")] < T[i("stator_teeth")] < T[i("winding_active")]
    j = i("jacket_coolant")
    q_jacket = net.g_b[j] * (T[j] - net.T_b[j])
    assert q_jacket > 0.6 * 1300.0
    T = steady_state(net, _losses(magnet=200.0), speed=150.0).T
    a = i(AMBIENT_NODE)
    assert net.g_b[a] * (T[a] - net.T_b[a]) > 0.5 * 200.0
    assert T[i("magnets")] > T[i("rotor_core")]


def test_gap_is_stable_couette_conduction_and_rim_convection_rises_with_speed(geom):
    """The gap edge (teeth - magnets) does not change with speed (outer cylinder rotating: stable
    Couette flow, conduction) and contains the shell conduction 2 pi k L / ln(r_m / r_s) (it is no
    larger); the rim's edge to the ambient node grows with speed and at 200 rad/s contains
    h A_rim with h = 0.133 Re^(2/3) Pr^(1/3) k / D by hand."""
    net = build_outer_rotor_network(geom, Cooling(), Coupling(enabled=False), max_speed=200.0, n_speed=5)
    gap = net.G_var[:, 0]
    assert np.all(gap == gap[0])
    r_s, r_m = 0.5 * geom.stator_outer_diameter, 0.5 * geom.stator_outer_diameter + geom.gap
    k = cr.air_properties(80.0)[2]
    assert gap[0] < 2 * math.pi * k * geom.stack_length / math.log(r_m / r_s)
    rim = net.G_var[:, 1]
    assert np.all(np.diff(rim) > 0)
    D = geom.rim_outer_diameter + 2 * geom.can_thickness
    rho, mu, k60, _, Pr = cr.air_properties(60.0)
    h = 0.133 * (200.0 * D * D * rho / mu) ** (2 / 3) * Pr ** (1 / 3) * k60 / D
    assert rotating_cylinder_h(200.0, D) == pytest.approx(h, rel=1e-12)
    assert rim[-1] > h * math.pi * D * geom.stack_length * 0.5


def test_hub_thickness_checked(geom):
    """A hub that would not clear the shaft is an InputError naming thermal.housing_thickness_mm."""
    from motoropt.errors import InputError

    with pytest.raises(InputError) as e:
        dataclasses.replace(geom, hub_thickness=0.5 * geom.stator_inner_diameter)
    assert e.value.field == "thermal.housing_thickness_mm"
