"""Protocol conformance of every machine family (motoropt.machines.base): for each shipped case (and
a flat-magnet IPM variant of the Prius, the one registered topology without a shipped case) the
design has every MachineDesign member and its machine model every MachineModel member, and they
work.

References: the Protocols' own member lists (read from the classes, so a member added to a Protocol
is checked here too); conservation of energy at an operating point (P_elec = P_mech + losses, 1e-9
relative) and on the efficiency map; the design's own drive limits and masses as the reference for
what the model and the rotor heat body report (exact)."""

import copy
import inspect
import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.drive.control import Limits
from motoropt.drive.effmap import EfficiencyMap
from motoropt.machines import topologies
from motoropt.machines.base import MachineDesign, MachineModel, RotorHeatBody
from motoropt.magnetics.fluxmap import FluxMap
from motoropt.mechanics import StressLimits
from tests import shipped

FLAT = "prius2004 as ipm_flat"
NAMES = (*shipped.CASE_FILES, FLAT)


def _protocol_members(proto) -> set[str]:
    """Data members (annotations) and methods/properties a Protocol declares."""
    own = {n for n in vars(proto) if not n.startswith("_")}
    return own | set(getattr(proto, "__annotations__", {}))


def _design(name):
    if name != FLAT:
        return shipped.design(name)
    v = copy.deepcopy(shipped.case("prius2004").nominal())
    v["machine"]["topology"] = "ipm_flat"
    v["rotor"].update(magnet_depth_mm=5.0, magnet_width_mm=30.0, post_mm=2.0)
    return design_from_values(v, shipped.case("prius2004").free)


def test_every_registered_topology_is_covered():
    """The cases below reach every registered topology (so each family's design and model is
    checked)."""
    covered = {shipped.case(n).values["machine"]["topology"] for n in shipped.CASE_FILES} | {"ipm_flat"}
    assert covered == set(topologies())


def test_protocols_declare_the_interface():
    """The Protocols name what the evaluation uses (a guard against an emptied Protocol making the
    conformance checks below vacuous)."""
    assert {"masses", "R_s_20", "machine_model", "rotor_stress", "rotor_heat_body", "magnet", "p",
            "i_max", "values"} <= _protocol_members(MachineDesign)
    assert {"limits", "loss_kinds", "fluxmap", "pole_pairs", "bearing_drag_torque", "solve_operating_points",
            "envelope", "efficiency_map", "operating_point"} <= _protocol_members(MachineModel)


@pytest.mark.parametrize("name", NAMES)
def test_design_conforms_and_works(name):
    """MachineDesign: every member present (machine_model takes the Protocol's keywords); masses
    positive with active = the sum of its parts' keys as documented (> 0); R_s_20 > 0; magnet None
    exactly for the induction family; the drive limits carry the case's current, voltage and speed;
    rotor_stress gives finite margins with "margin" their minimum; the rotor heat body's mass is the
    magnets' (PM) or the cage's (induction)."""
    d = _design(name)
    missing = {m for m in _protocol_members(MachineDesign) if not hasattr(d, m)}
    assert not missing, missing
    sig = inspect.signature(d.machine_model).parameters
    assert {"fluxmaps", "limits", "T_magnet_c", "T_winding_c"} <= set(sig)
    assert d.topology == d.values["machine"]["topology"] and d.p == d.values["machine"]["pole_pairs"]
    ms = d.masses()
    assert ms["active"] > 0 and ms["housing_allowance"] >= 0 and ms["rotor"] > 0
    assert d.R_s_20 > 0 and d.i_max > 0 and d.u_dc == d.values["limits"]["dc_link_voltage_v"]
    assert d.speed_max == pytest.approx(d.values["limits"]["max_speed_rpm"] * math.pi / 30, rel=1e-12)
    assert (d.magnet is None) == (d.topology == "induction")
    lim = d.drive_limits()
    assert isinstance(lim, Limits) and (lim.i_max, lim.u_dc, lim.speed_max) == (d.i_max, d.u_dc, d.speed_max)
    st = d.rotor_stress(StressLimits())
    margins = [v for k, v in st.items() if k.endswith("_margin")]
    assert margins and all(math.isfinite(v) for v in margins)
    assert st["margin"] == min(margins)
    hb = d.rotor_heat_body()
    assert isinstance(hb, RotorHeatBody) and hb.count > 0 and hb.thickness > 0 and hb.width > 0
    assert hb.mass == pytest.approx(ms["cage"] if d.magnet is None else ms["magnets"], rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_model_conforms_and_works(name):
    """MachineModel of design.machine_model(limits=...): every member present; the limits are the
    ones passed in; pole pairs the design's; a PM flux map exactly when the design has magnets;
    envelope positive at low speed; an operating point at half the low-speed envelope torque and
    1/4 of the speed limit solves, reports every loss kind and balances P_elec = P_mech + losses
    (1e-9); solve_operating_points gives the same losses (1e-9); a coarse efficiency map reports the
    model's loss kinds and balances at every feasible point (1e-9)."""
    d = _design(name)
    lim = d.drive_limits()
    m = d.machine_model(limits=lim)
    missing = {k for k in _protocol_members(MachineModel) if not hasattr(m, k)}
    assert not missing, missing
    assert m.limits == lim and m.pole_pairs == d.p and m.bearing_drag_torque >= 0
    assert isinstance(m.name, str) and m.loss_kinds and all(isinstance(k, str) for k in m.loss_kinds)
    assert (m.fluxmap is None) == (d.magnet is None)
    if m.fluxmap is not None:
        assert isinstance(m.fluxmap, FluxMap) and m.fluxmap.pole_pairs == d.p
    w = 0.25 * d.speed_max
    env = m.envelope(np.array([0.05 * d.speed_max, w]))
    assert np.all(env["torque_motoring"] > 0) and np.all(env["torque_generating"] > 0)
    T = 0.5 * float(env["torque_motoring"][1])
    rpm = w * 30 / math.pi
    op = m.operating_point(rpm, T)
    assert set(op["losses_w"]) == {*m.loss_kinds, "total"}
    assert op["losses_w"]["total"] == pytest.approx(sum(op["losses_w"][k] for k in m.loss_kinds), rel=1e-12)
    assert op["p_mech_w"] == pytest.approx(w * T, rel=1e-9)
    assert op["p_elec_w"] == pytest.approx(op["p_mech_w"] + op["losses_w"]["total"], rel=1e-9)
    r = m.solve_operating_points(np.array([w]), np.array([T]))
    assert bool(r["feasible"][0])
    assert sum(float(r["p_" + k][0]) for k in m.loss_kinds) == pytest.approx(op["losses_w"]["total"], rel=1e-9)
    em = m.efficiency_map(8, 7)
    assert isinstance(em, EfficiencyMap) and set(em.losses) == {*m.loss_kinds, "total"}
    f = em.feasible
    assert f.sum() >= 10
    np.testing.assert_allclose(em.p_elec[f], em.p_mech[f] + em.losses["total"][f], rtol=1e-9,
                               atol=1e-9 * np.abs(em.p_elec[f]).max())


@pytest.mark.parametrize("name", NAMES)
def test_design_pickles_for_worker_processes(name):
    """A design crosses process boundaries (FEA map pools, Dask): it pickles, and the copy builds the
    same machine model (its flux map equal to the original's to the last bit)."""
    import pickle

    d = _design(name)
    d2 = pickle.loads(pickle.dumps(d))
    assert d2.specs == d.specs and d2.values == d.values
    m, m2 = d.machine_model(), d2.machine_model()
    if m.fluxmap is not None:
        assert np.array_equal(m.fluxmap.psi_d, m2.fluxmap.psi_d)


@pytest.mark.parametrize("name", ["prius2004", "outer_rotor_halbach"])
def test_mec_inputs_remembered_for_the_last_temperature(name):
    """mec_inputs is remembered for the last magnet temperature asked (the flux map, the kernel
    choice and the demag check share one build): the same object again for the same temperature, a
    fresh build with that temperature's Br for another, equal to a new design's."""
    d = _design(name)
    a = d.mec_inputs(80.0)
    assert d.mec_inputs(80.0) is a
    b = d.mec_inputs(140.0)
    assert b is not a and b.Br < a.Br
    assert b.Br == _design(name).mec_inputs(140.0).Br == float(d.magnet.Br(140.0))
    assert b.g_eff == a.g_eff and b.r_gap == a.r_gap  # the geometry the demag check reads
    assert d.mec_inputs(80.0).Br == a.Br
    c = d.mec_inputs(T_magnet_c=80.0)  # by keyword: the same memo
    assert c is d.mec_inputs(80.0) and c.Br == a.Br
    assert d.mec_inputs() is d.mec_inputs(None)  # the default, resolved as the method would


@pytest.mark.parametrize("name", ["prius2004", "induction_traction", "outer_rotor_halbach"])
def test_masses_computed_once_and_handed_out_as_copies(name):
    """masses() is computed once per design (remember_parts) and each call returns its own dict: a
    caller changing its copy changes no other's; the values are a new design's, to the last bit, and a
    design replaced with another stack length computes its own (longer stack: heavier core)."""
    import dataclasses

    d = _design(name)
    a = d.masses()
    a["active"] = -1.0
    b = d.masses()
    assert b is not a and b["active"] > 0
    assert b == _design(name).masses()
    longer = dataclasses.replace(d, stator=dataclasses.replace(d.stator, L=1.5 * d.stator.L))
    assert longer.masses()["stator_core"] == pytest.approx(1.5 * b["stator_core"], rel=1e-12)
