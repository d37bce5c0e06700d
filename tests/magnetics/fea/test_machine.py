"""Finite-element machine model (motoropt.magnetics.fea.machine / fluxmap_fea) on the 2004 Prius and
variants: geometry, mesh and solve per topology, phase axes and Park transform, sectors, torque by
two methods, the FEA flux map's structure. References in each test's docstring (symmetry, the
amplitude-invariant Park transform, Arkkio vs Maxwell stress tensor, 1.5 p (psi_d i_q - psi_q i_d));
the comparisons with ORNL's back-EMF and Yang et al.'s torque: tests/validation/test_prius_fea.py."""

import copy
import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.magnetics.fea import build_mesh, build_problem, flux_linkage, solve, stress_tensor_torque
from motoropt.magnetics.fea.fluxmap_fea import fea_fluxmap
from motoropt.magnetics.fea.machine import (
    GROUP_ROTOR,
    abc_to_dq,
    build_section,
    d_axis_angle_deg,
    dq_to_abc,
    machine_geometry,
    phase_axes,
)


@pytest.fixture(scope="module")
def prius(prius_design):
    return prius_design


@pytest.fixture(scope="module")
def prius_values(prius_case):
    return prius_case.nominal()


def _variant(values, kind):
    """The Prius with a surface-PM or a flat-magnet interior-PM rotor."""
    v = copy.deepcopy(values)
    ro = v["rotor"]
    if kind == "spm":
        v["machine"]["topology"] = "spm"
        ro.update(pole_arc_ratio=0.8, sleeve_mm=0.5, magnet_thickness_mm=5.0)
    else:
        v["machine"]["topology"] = "ipm_flat"
        ro.update(magnet_depth_mm=5.0, magnet_width_mm=30.0, post_mm=2.0)
    return design_from_values(v)


@pytest.mark.parametrize("kind", ["prius", "spm", "ipm_flat"])
def test_geometry_validates_meshes_and_solves(kind, prius, prius_values):
    """Each topology gives a valid closed geometry, a ~10-20k element one-pole mesh and a converged
    no-load field. At theta_e = 0 (d axis on phase A) psi_a(theta) is even, so psi_b = psi_a(-120 deg)
    equals psi_c = psi_a(+120 deg) (the sum is not zero: 3x the triplen harmonics, k_w3 = 0.71 here)."""
    d = prius if kind == "prius" else _variant(prius_values, kind)
    for ang in (0.0, 1.234, d_axis_angle_deg(d)):
        sec = build_section(d, ang)
        sec.geometry.validate()
        mesh = build_mesh(sec.geometry)
        assert 5_000 < mesh.n_elements < 25_000
    sol = solve(build_problem(sec.geometry, mesh))
    psi = sec.phase_flux_linkage(flux_linkage(sol))
    assert abs(psi[1] - psi[2]) < 0.01 * psi[0]
    # at theta_e = 0 the d axis is on phase A: psi_q = 0 up to slotting, psi_d > 0
    th = d.p * math.radians(d_axis_angle_deg(d)) - np.asarray(sec.phase_axes_rad)
    pd, pq = abc_to_dq(psi, th)
    assert pd > 0 and abs(pq) < 0.03 * pd


def test_phase_axes_and_park_roundtrip(prius):
    """Phase axes 120 electrical degrees apart; dq -> abc -> dq is the identity (amplitude invariant)."""
    ax = np.asarray(phase_axes(prius.winding))
    diff = np.mod(np.diff(ax), 2 * math.pi)
    assert np.allclose(diff, 2 * math.pi / 3) or np.allclose(diff, 4 * math.pi / 3)
    th = 0.37 - ax
    i = dq_to_abc(-120.0, 80.0, th)
    assert abs(i.sum()) < 1e-9 and np.allclose(abc_to_dq(i, th), (-120.0, 80.0))
    assert abs(np.hypot(*abc_to_dq(i, th)) - np.abs(dq_to_abc(0.0, math.hypot(120, 80), th)).max()) < 50


def test_sector_choice_and_bad_input(prius):
    """The Prius winding is antiperiodic over one pole; unknown sectors raise InputError naming the field."""
    sec = build_section(prius, 0.0, sector="pole")
    assert sec.sectors == 8 and sec.antiperiodic
    with pytest.raises(InputError, match="sector"):
        machine_geometry(prius, 0.0, sector="half")


def test_arkkio_equals_stress_tensor_loaded(prius):
    """Second method: Arkkio's air-gap torque and FEMM's weighted Maxwell stress tensor on the rotor agree
    within 1 % on a loaded, saturated Prius (250 A at 120 deg)."""
    idq = (250 * math.cos(math.radians(120)), 250 * math.sin(math.radians(120)))
    sec = build_section(prius, d_axis_angle_deg(prius) + 0.9, i_dq=idq)
    sol = solve(build_problem(sec.geometry))
    t_ark = sec.torque(sol)
    t_mst = stress_tensor_torque(sol, GROUP_ROTOR) * sec.sectors
    assert t_ark > 100
    assert abs(t_ark - t_mst) < 0.01 * abs(t_mst)


def test_fluxmap_structure_and_torque_consistency(prius):
    """FEA FluxMap: source "fea", i_q = 0 row has psi_q = 0 and no torque (d-axis symmetry of the pole),
    and the averaged Arkkio torque equals 1.5 p (psi_d i_q - psi_q i_d) within 3 % (K = 3 positions
    over 60 electrical degrees cancel the 6th and 12th ripple harmonics in both)."""
    fm = fea_fluxmap(prius, [-150.0, 0.0], [0.0, 150.0], positions=3, T_magnet_c=20.0)
    assert fm.source == "fea" and fm.regions == ("stator_teeth", "stator_yoke")
    assert np.all(np.abs(fm.psi_q[:, 0]) < 2e-3) and np.all(np.abs(fm.torque[:, 0]) < 2.0)
    T_dq = 1.5 * prius.p * (fm.psi_d * fm.i_q[None, :] - fm.psi_q * fm.i_d[:, None])
    assert np.allclose(fm.torque[:, 1], T_dq[:, 1], rtol=0.03)
    assert fm.psi_d[0, 0] < fm.psi_d[1, 0]  # field weakening lowers psi_d
    assert np.all(fm.B_iron > 0) and np.all(fm.B_iron < 2.6)
