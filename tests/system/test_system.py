"""Tests of the drive-system evaluation (motoropt.system.evaluation): motor + inverter (+ gear).

References used: conservation of energy (every map point and cycle), the inverter voltage-limit
formula evaluated by hand from the device table, the vehicle model's constant-efficiency gear as a
second method for the geared demand, and the physics of the device models (IGBT knee voltage vs
MOSFET resistance; switching loss proportional to f_sw at fixed junction temperature).

The motor model's PWM-harmonic losses (motoropt.drive.losses) make the switching frequency move
motor loss too: the ripple copper loss falls with f_sw, the resistance-limited eddy (iron) loss does
not (checked with zero dead time, where f_sw does not move the voltage limit).
"""

import dataclasses
import json
import math
import subprocess
import sys

import h5py
import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.cycles import load_cycle
from motoropt.drive.effmap import map_cells
from motoropt.errors import InputError
from motoropt.evaluation.cycles import cycle_points
from motoropt.evaluation.pipeline import evaluate_design, machine_model
from motoropt.gear import Gear, gear_motor_side, gear_wheel_side
from motoropt.inverter import inverter_operating_points
from motoropt.inverter.spec import inverter_voltage_limit
from motoropt.system import evaluation as system_eval
from motoropt.vehicle import cycle_demand, motor_demand, motor_demand_with_gear
from tests import shipped

CASE_IGBT = "prius2004_system"
CASE_SIC = "prius2004_sic"


def _design(name, inverter=None, gear=None, drop=(), limits=None):
    """The shipped case's nominal design with [inverter] / [gear] / [limits] keys changed or sections
    dropped. A changed device or switching frequency drops the case's carrier modes (they are the
    Prius controller's) unless new ones are given."""
    case = shipped.case(name)
    free = {k: dict(v) for k, v in case.free.items() if k not in drop}
    if inverter:
        free["inverter"] = {**free.get("inverter", {}), **inverter}
        if {"device", "switching_frequency_khz"} & set(inverter) and "carrier_modes_khz" not in inverter:
            free["inverter"].pop("carrier_modes_khz", None)
    if gear:
        free["gear"] = {**free.get("gear", {}), **gear}
    values = case.nominal()
    if limits:
        values["limits"].update(limits)
    return design_from_values(values, free)


@pytest.fixture(scope="module")
def ev_igbt(prius_system_ev):
    return prius_system_ev


@pytest.fixture(scope="module")
def ev_sic():
    return shipped.evaluation(CASE_SIC)


@pytest.fixture(scope="module")
def ev_nogear():
    return evaluate_design(_design(CASE_IGBT, drop=("gear",)))


# --- energy balance ---------------------------------------------------------------------------

def test_map_energy_balance_without_gear(ev_nogear):
    """Conservation at every feasible map point: P_dc = P_mech + motor losses + inverter losses
    (conduction + switching), and the system efficiency is P_mech/P_dc (motoring), P_dc/P_mech
    (generating). Reference: energy conservation; tolerance 1e-9 relative (round-off)."""
    ev = ev_nogear
    em, x = ev.emap, ev.map_arrays()
    F = em.feasible
    assert F.sum() > 500
    motor_losses = sum(em.losses[k] for k in em.losses if k != "total")
    p_inv = x["inverter_conduction_w"] + x["inverter_switching_w"]
    np.testing.assert_allclose(x["inverter_loss_w"][F], p_inv[F], rtol=1e-12)
    np.testing.assert_allclose(x["p_dc_w"][F], (em.p_mech + motor_losses + p_inv)[F], rtol=1e-9, atol=1e-6)
    assert np.all(p_inv[F] > 0) and np.all(np.isnan(x["p_dc_w"][~F]))
    T = np.broadcast_to(em.torque_nm[:, None], F.shape)
    mot = F & (T > 0) & (em.p_mech > 0)
    gen = F & (T < 0) & (x["p_dc_w"] < 0)
    np.testing.assert_allclose(x["system_efficiency"][mot], em.p_mech[mot] / x["p_dc_w"][mot], rtol=1e-12)
    np.testing.assert_allclose(x["system_efficiency"][gen], x["p_dc_w"][gen] / em.p_mech[gen], rtol=1e-12)
    # the system is less efficient than the motor alone wherever power flows
    both = mot | gen
    assert np.all(x["system_efficiency"][both] < em.efficiency[both])
    assert "gear_loss_w" not in x and "gear_mass_kg" not in ev.kpis


def test_inverter_sees_the_motor_power(ev_nogear):
    """The inverter model is fed the motor's own terminal quantities: its AC power
    1.5 v_ph,peak i_peak cos(phi) (with v_ph,peak = sqrt(2/3) V_ll,rms, i_peak = |i_dq|) equals the
    motor's fundamental P_elec (its P_elec minus the harmonic losses the inverter's PWM causes in the
    motor), and an independent call at sampled points reproduces the stored loss map."""
    ev = ev_nogear
    em, x = ev.emap, ev.map_arrays()
    idx = np.argwhere(em.feasible)[::37]
    j, i = idx[:, 0], idx[:, 1]
    spec = ev.design.specs.inverter
    assert (spec.u_dc, spec.T_coolant_c, spec.t_dead) == (500.0, 65.0, 4e-6)
    r = inverter_operating_points(np.hypot(em.i_d[j, i], em.i_q[j, i]), em.voltage_ll_rms[j, i] * math.sqrt(2 / 3),
                                  em.power_factor[j, i], 4 * em.speed_rpm[i] / 60, 500.0, spec.f_sw, 65.0,
                                  "toyota_prius2004_mg2", "svpwm", 4e-6, "water_cold_plate")
    h = ev.model.solve_operating_points(em.speed_rpm[i] * math.pi / 30, em.torque_nm[j])
    harm = h["p_harmonic_copper"] + h["p_harmonic_iron"] + h["p_harmonic_magnet"]
    np.testing.assert_allclose(r["p_ac"], em.p_elec[j, i] - harm, rtol=1e-9, atol=1e-6)
    assert np.all(harm >= 0) and np.any(harm > 0)
    np.testing.assert_allclose(r["p_loss"], x["inverter_loss_w"][j, i], rtol=1e-12)


def test_map_energy_balance_with_gear(ev_igbt):
    """With the gear the output is the wheel: P_dc = P_wheel + motor losses + inverter losses + gear
    loss at every feasible point; gear loss >= 0; and the wheel-side inverse reproduces the motor
    torque through gear_motor_side (second method). Reference: conservation, tolerance 1e-9."""
    ev = ev_igbt
    em, x = ev.emap, ev.map_arrays()
    F = em.feasible
    motor_losses = sum(em.losses[k] for k in em.losses if k != "total")
    lhs = x["p_dc_w"][F]
    rhs = (x["p_wheel_w"] + motor_losses + x["inverter_loss_w"] + x["gear_loss_w"])[F]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-6)
    assert np.all(x["gear_loss_w"][F] >= -1e-9)
    gear = ev.design.specs.gear.gear
    T = np.broadcast_to(em.torque_nm[:, None], F.shape)[F]
    w = np.broadcast_to(em.speed_rpm[None, :] * 2 * math.pi / 60, F.shape)[F]
    T_w, w_w, _ = gear_wheel_side(T, w, gear)
    T_m, w_m, _ = gear_motor_side(T_w, w_w, gear)
    np.testing.assert_allclose(T_m, T, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(w_m, w, rtol=1e-12)
    # gear present: the system map is below the motor x inverter map where power flows
    flow = F & np.isfinite(x["system_efficiency"]) & (x["system_efficiency"] > 0)
    assert np.all(x["system_efficiency"][flow] <= x["motor_inverter_efficiency"][flow] + 1e-12)


def test_cycle_energy_balance(ev_igbt):
    """Per cycle: system loss = motor loss + inverter loss + gear loss (Wh), and the per-interval
    arrays integrate to the KPIs; combined efficiency lies between the generating and motoring
    ones. Reference: conservation, tolerance 1e-9 relative."""
    ev = ev_igbt
    for name, s in ev.kpis["cycles"].items():
        assert s["system_loss_wh"] == pytest.approx(s["loss_wh"] + s["inverter_loss_wh"] + s["gear_loss_wh"], rel=1e-9)
        assert s["inverter_loss_wh"] == pytest.approx(s["inverter_conduction_loss_wh"] + s["inverter_switching_loss_wh"],
                                                      rel=1e-12)
        a, c = ev.cycle_arrays(name), ev.cycles[name]
        assert float(np.sum(a["inverter_loss_w"] * c.dt_s)) / 3600 == pytest.approx(s["inverter_loss_wh"], rel=1e-12)
        assert float(np.sum(a["gear_loss_w"] * c.dt_s)) / 3600 == pytest.approx(s["gear_loss_wh"], rel=1e-12)
        ok = c.feasible & (c.speed_rpm > 0) & (c.torque_nm != 0)
        np.testing.assert_allclose(a["p_dc_w"][ok], (c.p_elec_w + a["inverter_loss_w"])[ok], rtol=1e-12)
        lo, hi = sorted((s["system_motoring_efficiency"], s["system_generating_efficiency"]))
        assert lo <= s["system_efficiency"] <= hi
        assert s["system_efficiency"] < s["motor_inverter_efficiency"] < s["motor_efficiency"]


def test_geared_demand_matches_vehicle_model_for_ideal_gear(prius_system_design):
    """Second method: with a lossless gear (eta_mesh 1, no drag) motor_demand_with_gear equals the
    vehicle model's constant-efficiency gear at efficiency 1 (same road load and braking blend);
    with the default gear, sum of gear losses = sum(T_m w_m - T_w w_w) over the cycle."""
    d = prius_system_design
    cyc = load_cycle("udds")
    veh1 = dataclasses.replace(d.vehicle, gear_efficiency=1.0)
    ideal = Gear(ratio=d.vehicle.gear_ratio, eta_mesh=1.0, T_drag_ref=0.0)
    a = motor_demand_with_gear(cyc, veh1, ideal)
    b = motor_demand(cyc, veh1)
    np.testing.assert_allclose(a.torque_nm, b.torque_nm, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.speed_rad_s, b.speed_rad_s, rtol=1e-12)
    g = d.specs.gear.gear
    dem = motor_demand_with_gear(cyc, d.vehicle, g)
    lhs = dem.torque_nm * dem.speed_rad_s - dem.wheel_torque_nm * dem.wheel_speed_rad_s
    np.testing.assert_allclose(dem.gear_loss_w, lhs, rtol=1e-12, atol=1e-9)
    assert np.all(dem.gear_loss_w >= -1e-9) and dem.gear_loss_w.sum() > 0


def test_cycle_points_routed_through_gear(ev_igbt, ev_nogear):
    """The evaluation's cycle points go through the [gear] model: for every cycle the motor points
    (evaluation.cycles.cycle_points and the evaluated CycleData) equal motor_demand_with_gear with the
    case's gear (second computation, 1e-12), and without [gear] the vehicle's constant-efficiency
    gear (motor_demand); the two differ. The drive-system stage works on the same points (its p_dc
    per interval = the motor's P_elec + inverter loss there). The stand-in's flag KPI
    gear_in_cycle_points is gone."""
    d = ev_igbt.design
    for name, c in ev_igbt.cycles.items():
        cyc = load_cycle(name)
        dem = motor_demand_with_gear(cyc, d.vehicle, d.specs.gear.gear)
        rpm, T, dt, _ = cycle_points(d, name)
        np.testing.assert_allclose(T, dem.torque_nm, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(rpm * 2 * math.pi / 60, dem.speed_rad_s, rtol=1e-12)
        np.testing.assert_allclose(c.torque_nm, T, rtol=1e-12, atol=1e-12)
        plain = motor_demand(cyc, d.vehicle)
        np.testing.assert_allclose(ev_nogear.cycles[name].torque_nm, plain.torque_nm, rtol=1e-12, atol=1e-12)
        assert not np.allclose(plain.torque_nm, dem.torque_nm, rtol=1e-6)
        a = ev_igbt.cycle_arrays(name)
        ok = c.feasible & (c.speed_rpm > 0) & (c.torque_nm != 0)
        np.testing.assert_allclose(a["p_dc_w"][ok], (c.p_elec_w + a["inverter_loss_w"])[ok], rtol=1e-12)
    assert "gear_in_cycle_points" not in ev_igbt.kpis


def test_cycle_demand_is_shared_and_read_only(prius_system_design):
    """vehicle.cycle_demand equals motor_demand_with_gear (with the case's gear) and motor_demand
    (without), is one object per (cycle, vehicle, gear) for the cycle and system stages, and its
    arrays cannot be written (a caller changing them would change every later design's cycle)."""
    d = prius_system_design
    g = d.specs.gear.gear
    a = cycle_demand("udds", d.vehicle, g)
    assert cycle_demand("udds", d.vehicle, g) is a
    ref = motor_demand_with_gear(load_cycle("udds"), d.vehicle, g)
    for f in ("speed_rad_s", "torque_nm", "dt", "wheel_torque_nm", "wheel_speed_rad_s", "gear_loss_w"):
        np.testing.assert_array_equal(getattr(a, f), getattr(ref, f))
        with pytest.raises(ValueError):
            getattr(a, f)[0] = 1.0
    np.testing.assert_array_equal(cycle_demand("udds", d.vehicle).torque_nm,
                                  motor_demand(load_cycle("udds"), d.vehicle).torque_nm)


def test_inverter_look_up_over_all_cycles_equals_each_cycles_own():
    """The system stage's inverter losses come from one look-up over all cycles' points; each
    cycle's own look-up (_cycle_inverter on its points alone) gives the same values exactly (the
    look-up is pointwise), including the points solved exactly at the envelope edge (a coarse
    12 x 10 map, so that some cycle points fall in cells the map does not serve)."""
    case = shipped.case(CASE_IGBT)
    values = case.nominal()
    values["map"].update(n_speed=12, n_torque=10)
    ev = evaluate_design(design_from_values(values, case.free))
    _, inv_maps = system_eval._system_maps(ev, ev.design.specs.inverter, ev.design.specs.gear)
    batched = system_eval._cycles_inverter(ev, ev.design.specs.inverter, inv_maps)
    assert set(batched) == set(ev.cycles)
    for name, c in ev.cycles.items():
        own = system_eval._cycle_inverter(ev, ev.design.specs.inverter, inv_maps, c.speed_rpm, c.torque_nm,
                                          system_eval._served(c))
        np.testing.assert_array_equal(batched[name][0], own[0])
        np.testing.assert_array_equal(batched[name][1], own[1])
        np.testing.assert_array_equal(ev.cycle_arrays(name)["inverter_conduction_w"], own[0])
    assert any(np.any(~map_cells(ev.emap, c.speed_rpm, c.torque_nm).ok & system_eval._served(c))
               for c in ev.cycles.values()), "no cycle point was solved exactly: the test would miss that path"


# --- IGBT vs SiC, switching frequency ----------------------------------------------------------

def _load_bins(ev_a, ev_b, name):
    pa = ev_a.cycle_arrays(name)["inverter_loss_w"]
    pb = ev_b.cycle_arrays(name)["inverter_loss_w"]
    P = np.abs(ev_a.cycles[name].p_mech_w)
    both = (pa > 0) & (pb > 0)
    light = both & (P < 5e3)
    heavy = both & (P > 20e3)
    return pb[light].sum() / pa[light].sum(), pb[heavy].sum() / pa[heavy].sum()


@pytest.mark.parametrize("igbt", ["toyota_prius2004_mg2", "fuji_2mbi600xee065_50"])
def test_sic_lowers_cycle_inverter_loss_most_at_light_load(igbt, ev_sic):
    """Prius case, same motor, same 10 kHz: the SiC MOSFET inverter (CAB450M12XM3) has lower
    cycle-average inverter loss than the Si IGBT (the Prius's own, scaled from a datasheet; and the
    Fuji 650 V dual whose data are datasheet values), and its relative saving is largest at light
    load (|P| < 5 kW vs > 20 kW). Reference (physics of the device models): the IGBT's conduction
    has a knee voltage V_CE0 (loss ~ I) while the MOSFET's is R_DS(on) I^2, so the SiC/IGBT loss
    ratio rises with current; SiC switching energies are also far lower."""
    assert ev_sic.design.specs.inverter.f_sw == 10e3
    ev_a = evaluate_design(_design(CASE_IGBT, {"device": igbt, "switching_frequency_khz": 10}))
    for name in ev_sic.kpis["cycles"]:
        a, b = ev_a.kpis["cycles"][name], ev_sic.kpis["cycles"][name]
        assert b["inverter_loss_wh"] < 0.5 * a["inverter_loss_wh"]
        assert b["system_efficiency"] > a["system_efficiency"]
        r_light, r_heavy = _load_bins(ev_a, ev_sic, name)
        assert r_light < r_heavy < 1.0, (name, r_light, r_heavy)


def test_switching_frequency_moves_ripple_copper_loss_and_inverter_loss():
    """IGBT case at 5 and 15 kHz with zero dead time (so f_sw does not change the voltage limit): the
    motor's iron, magnet and mechanical losses are identical (the resistance-limited eddy loss of the
    PWM harmonics depends on <v_h^2>, not on f_sw; the MEC map has no magnet-PWM term), its copper loss
    is lower at 15 kHz wherever a carrier runs (ripple current ~ 1/f_sw), the inverter's switching loss
    grows by 3 x E(T_j,15)/E(T_j,5): between 3 and 3 x E_sw(T_j,max at 15 kHz)/E_sw(T_coolant)
    (AN: P_sw = f_sw E(T_j) ... linear in f_sw)."""
    ev5 = evaluate_design(_design(CASE_IGBT, {"switching_frequency_khz": 5, "dead_time_us": 0.0}))
    ev15 = evaluate_design(_design(CASE_IGBT, {"switching_frequency_khz": 15, "dead_time_us": 0.0}))
    for k in ("iron", "magnet", "mechanical"):
        np.testing.assert_array_equal(ev5.emap.losses[k], ev15.emap.losses[k])
    F = ev5.emap.feasible
    c5, c15 = ev5.emap.losses["copper"][F], ev15.emap.losses["copper"][F]
    assert np.all(c15 <= c5 * (1 + 1e-12)) and np.mean(c15 < c5) > 0.5
    dev = ev5.design.specs.inverter.device
    E = np.array(dev.E_on) + np.array(dev.E_off)

    def E_at(T):
        return np.interp(T, dev.T_sw_c, E)

    bound = 3.0 * E_at(ev15.kpis["inverter_max_junction_c"]) / E_at(65.0)
    for name in ev5.kpis["cycles"]:
        a, b = ev5.kpis["cycles"][name], ev15.kpis["cycles"][name]
        assert b["loss_wh"] < a["loss_wh"]
        ratio = b["inverter_switching_loss_wh"] / a["inverter_switching_loss_wh"]
        assert 3.0 <= ratio <= bound, (name, ratio, bound)
        assert b["system_efficiency"] < a["system_efficiency"]


def test_inverter_voltage_limit_by_hand(prius_system_design):
    """Linear range (inverter.modulation "svpwm", limits.voltage_utilisation 1.10):
    V = 1.10 x 500/sqrt(3) - (4/pi) V0 - r i_max - (4/pi) t_dead f_sw u_dc at T_j,max = 150 degC,
    with the Prius device's table values extrapolated linearly from 25/125 to 150 degC
    (x(150) = x(125) + 0.25 (x(125) - x(25))): V0 = (V0_T + V0_D)/2, r = (r_T + r_D)/2,
    i_max = 200 sqrt(2) A, t_dead 4 us, f_sw 5 kHz (hand evaluation of the stated formula); the
    evaluation's machine model runs at it. The shipped case's six-step mode: V = 2/pi 500 - (4/pi) V0
    - r i_max (rectangular wave: no carrier dead time). Without [inverter] there is no override (None)."""

    def at150(a25, a125):
        return a125 + 0.25 * (a125 - a25)

    v0 = 0.5 * (at150(0.8407, 0.7949) + at150(1.003, 0.8204))
    r = 0.5 * (at150(3.006, 3.932) + at150(2.643, 3.647)) * 1e-3
    i = 200 * math.sqrt(2)
    six = prius_system_design
    assert six.specs.inverter.mode == "six_step" and machine_model(six).limits.u_ph_max_override is None
    assert machine_model(six).limits.v_max == pytest.approx(2 / math.pi * 500 - 4 / math.pi * v0 - r * i, rel=1e-12)
    d = _design(CASE_IGBT, {"modulation": "svpwm"}, limits={"voltage_utilisation": 1.10})
    hand = 1.10 * 500 / math.sqrt(3) - 4 / math.pi * v0 - r * i - 4 / math.pi * 4e-6 * 5e3 * 500
    v = inverter_voltage_limit(d.specs.inverter, d.i_max, d.voltage_utilisation)
    assert v == pytest.approx(hand, rel=1e-12)
    assert v < 1.10 * 500 / math.sqrt(3)  # below the case's modulator-only limit
    assert machine_model(d).limits.u_ph_max_override == pytest.approx(hand, rel=1e-12)
    assert d.drive_limits(d.specs.inverter).u_ph_max_override == pytest.approx(hand, rel=1e-12)
    d0 = _design(CASE_IGBT, drop=("inverter", "gear"))
    assert d0.specs.inverter is None and machine_model(d0).limits.u_ph_max_override is None


# --- KPIs, plots, CLI --------------------------------------------------------------------------

def test_kpis(ev_igbt):
    """KPI record: masses add up (system = motor active + inverter; e-axle = system + gear), the
    inverter mass shares sum to 1 (the system plots: tests/plots/test_plots.py)."""
    k = ev_igbt.kpis
    assert k["system_mass_kg"] == pytest.approx(k["motor_mass_kg"] + k["inverter_mass_kg"], rel=1e-12)
    assert k["e_axle_mass_kg"] == pytest.approx(k["system_mass_kg"] + k["gear_mass_kg"], rel=1e-12)
    assert sum(k["inverter_mass_shares"].values()) == pytest.approx(1.0, rel=1e-12)
    assert k["system_power_density_kw_per_kg"] == pytest.approx(k["peak_power_kw"] / k["system_mass_kg"])
    assert 0.9 < k["peak_system_efficiency"] < k["peak_motor_efficiency"]
    assert ev_igbt.system is not None and set(ev_igbt.system.kpis) <= set(k)


def test_no_inverter_section_adds_nothing():
    """Without [inverter] the system hook adds no KPI (keys absent, not zero)."""
    ev = evaluate_design(_design(CASE_IGBT, drop=("inverter", "gear")), cycles=False)
    for key in ("inverter_mass_kg", "system_mass_kg", "peak_system_efficiency", "gear_mass_kg"):
        assert key not in ev.kpis
    assert ev.system is None and "system_efficiency" not in ev.map_arrays()


@pytest.mark.slow
def test_cli_json_hdf5_keys(tmp_path, prius_system_path):
    """`python -m motoropt evaluate cases/prius2004_system.toml --json --out R.h5` carries the
    issue's KPI names, and the HDF5 result holds the loss maps and per-interval arrays."""
    r = subprocess.run([sys.executable, "-m", "motoropt", "evaluate", str(prius_system_path), "--json", "--out",
                        str(tmp_path / "r.h5")], capture_output=True, text=True, cwd=shipped.ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    k = json.loads(r.stdout)
    for key in ("inverter_mass_kg", "inverter_power_density_kw_per_kg", "system_mass_kg",
                "system_power_density_kw_per_kg", "gear_mass_kg", "e_axle_mass_kg",
                "e_axle_power_density_kw_per_kg", "peak_system_efficiency"):
        assert isinstance(k[key], float) and k[key] > 0, key
    assert isinstance(k["inverter_mass_shares"], dict)
    for s in k["cycles"].values():
        for key in ("system_efficiency", "system_motoring_efficiency", "system_generating_efficiency",
                    "inverter_loss_wh", "inverter_conduction_loss_wh", "inverter_switching_loss_wh",
                    "gear_loss_wh"):
            assert isinstance(s[key], float), key
        assert 0.8 < s["system_efficiency"] < 1.0
    with h5py.File(tmp_path / "r.h5") as f:
        for name in ("system_efficiency", "inverter_loss_w", "inverter_conduction_w", "inverter_switching_w",
                     "T_j_c", "gear_loss_w"):
            assert f["map/extra"][name].shape == f["map/efficiency"].shape
        for key in ("inverter_loss_w", "gear_loss_w", "p_dc_w"):
            assert f["cycles/wltc3b"][key].shape == f["cycles/wltc3b/dt_s"].shape


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("inverter, field", [
    ({"device": "no_such_module"}, "inverter.device"),
    ({"device": "fuji_2mbi600xee065_50", "switching_frequency_khz": 25}, "inverter.switching_frequency_khz"),
    ({"switching_frequency_khz": 0.5}, "inverter.switching_frequency_khz"),
    ({"switching_frequency_khz": 10, "carrier_modes_khz": {"low": 1.25, "normal": 5}}, "inverter.switching_frequency_khz"),
    ({"carrier_modes_khz": {"low": 0.5, "normal": 5}}, "inverter.carrier_modes_khz.low"),
    ({"carrier_modes_khz": [1.25, 5]}, "inverter.carrier_modes_khz"),
    ({"modulation": "spwm"}, "inverter.modulation"),
    ({"cooling": "oil_spray"}, "inverter.cooling"),
    ({"dead_time_us": -1}, "inverter.dead_time_us"),
    ({"dead_time_us": 20}, "inverter.dead_time_us"),
    ({"switching_frequency_khz": "10"}, "inverter.switching_frequency_khz"),
    ({"coolant_c": 300}, "inverter.coolant_c"),
    ({"dc_link_ripple": 0}, "inverter.dc_link_ripple"),
    ({"fsw": 10}, "inverter.fsw"),
])
def test_bad_inverter_input_names_the_field(inverter, field):
    """Bad [inverter] input: InputError naming the field (device, ranges, unknown keys) when the
    case's sections are parsed."""
    with pytest.raises(InputError) as e:
        _design(CASE_IGBT, inverter)
    assert e.value.field == field
    assert field in str(e.value)


def test_dc_link_above_device_rating():
    """The Fuji 650 V module allows 0.8 x 650 = 520 V: a 600 V DC link is refused, naming the DC-link
    field and the device; the same case is accepted at 500 V."""
    case = shipped.case(CASE_IGBT)
    vals = case.nominal()
    vals["limits"] = {**vals["limits"], "dc_link_voltage_v": 600}
    free = {**case.free, "inverter": {**case.free["inverter"], "device": "fuji_2mbi600xee065_50"}}
    free["inverter"].pop("carrier_modes_khz")
    with pytest.raises(InputError) as e:
        design_from_values(vals, free)
    assert e.value.field == "limits.dc_link_voltage_v" and "fuji_2mbi600xee065_50" in str(e.value)
    assert _design(CASE_IGBT, {"device": "fuji_2mbi600xee065_50"}).specs.inverter.u_dc == 500.0


@pytest.mark.parametrize("gear, field", [
    ({"ratio": 0.5}, "gear.ratio"),
    ({"stages": 3}, "gear.stages"),
    ({"eta_mesh": 1.2}, "gear.eta_mesh"),
    ({"oil": "ATF"}, "gear.oil"),
    ({"stages": 2, "stage_ratios": [2.0, 3.0]}, "gear.stage_ratios"),
])
def test_bad_gear_input_names_the_field(gear, field):
    """Bad [gear] input: InputError naming the field when the case's sections are parsed."""
    with pytest.raises(InputError) as e:
        _design(CASE_IGBT, gear=gear)
    assert e.value.field == field


def test_cycle_points_are_shared_and_read_only():
    """cycle_points gives a design's map and cycle stages (and an optimisation's designs) the same
    arrays for a cycle, made once from the remembered vehicle demand: read-only, so that no caller
    can change another's points; equal to the demand's own values."""
    from motoropt.case import load_case
    from motoropt.evaluation.cycles import cycle_points
    from motoropt.vehicle import cycle_demand

    c = load_case("cases/prius2004.toml")
    design = design_from_values(c.with_values({}), c.free)
    first, again = cycle_points(design, "wltc3b"), cycle_points(design, "wltc3b")
    assert all(a is b for a, b in zip(first, again))
    rpm, T, dt, t_mid = first
    gear = design.specs.gear.gear if design.specs.gear is not None else None
    dem = cycle_demand("wltc3b", design.vehicle, gear)
    np.testing.assert_array_equal(T, dem.torque_nm)
    np.testing.assert_array_equal(dt, dem.dt)
    assert len(t_mid) == len(rpm) == len(T)
    for a in first:
        with pytest.raises(ValueError):
            a[0] = 1.0
