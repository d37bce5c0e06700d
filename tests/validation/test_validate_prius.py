"""``motoropt validate prius2004``: the 2004 Prius MG2 model at ORNL's measured points, at each row's
DC link and winding temperature (motoropt.evaluation.validation; data and sources in
motoropt/data/validation/SOURCES.md). The model is the one the registry names: the embedded FEA flux
map (8 positions) with its field-waveform iron and magnet losses, SVPWM with the dead-time drop,
PWM-carrier losses at 5 kHz, the measured spin loss (1.64 N m) and the strand circulating currents.

The issue's targets (mean |dI|/I <= 8 %, mean |d eta| <= 1.5 points, max <= 4, back-EMF within 5 %,
892 rpm / 374.8 N m within 5 % in current) are asserted where reached and strict xfails recording the
measured gap where not. The numbers are the ones ``motoropt validate --json`` prints.
"""

import copy
import dataclasses
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from motoropt.case import design_from_values, load_case
from motoropt.evaluation import validation as V
from motoropt.evaluation.pipeline import design_specs
from motoropt.magnetics.fea.settings import parse_fea

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result():
    return V.validate("prius2004")


def _design(paralleling=None, rotor=None):
    vs = V.REGISTRY["prius2004"]
    case = load_case(vs.case_path)
    v = copy.deepcopy(case.nominal())
    if paralleling is not None:
        v["winding"]["strand_paralleling"] = paralleling
    v["rotor"].update(rotor or {})
    d = design_from_values(v, case.free)
    return dataclasses.replace(d, specs=dataclasses.replace(design_specs(d), fea=parse_fea(vs.fea)))


def test_metrics_reached(result):
    """Reached (measured: 15 points, mean |dI|/I 10.3 %, mean |d eta| 1.07 points, max 2.84 at 5406 rpm,
    back-EMF +18.9 %): the efficiency targets are met; current and back-EMF carry the magnet-flux error
    (the model's currents are 5-17 % low, as its EMF is 19 % high)."""
    m = result.metrics
    assert m["n_points"] == 15
    assert m["mean_abs_motor_efficiency_error"] <= 0.015
    assert m["max_abs_motor_efficiency_error"] <= 0.04
    assert 0.08 < m["mean_abs_current_error"] < 0.12
    assert 0.15 < m["back_emf_error"] < 0.22
    assert all(p.current_error < 0 for p in result.points)  # all low: the magnet flux


@pytest.mark.xfail(strict=True, reason="mean |dI|/I 10.3 % (target 8 %): model currents 5-17 % low everywhere, "
                                       "consistent with its back-EMF 19 % above ORNL's (magnet grade unpublished)")
def test_current_target(result):
    assert result.metrics["mean_abs_current_error"] <= 0.08


@pytest.mark.xfail(strict=True, reason="back-EMF +18.9 % (FEA, 25 degC); the lamination trace rules out the bridges "
                                       "and post (see test_back_emf_sensitivity_to_the_centre_post); no remanence "
                                       "is fitted")
def test_back_emf_target(result):
    assert abs(result.metrics["back_emf_error"]) <= 0.05


@pytest.mark.xfail(strict=True, reason="892 rpm / 374.8 N m: 179.7 A rms model vs 191.4 A measured (-6.1 %, target "
                                       "5 %): too much magnet torque per ampere")
def test_highest_torque_point_target(result):
    c = result.checks["892 rpm / 374.8 N m (highest measured torque)"]
    assert abs(c["current_error"]) <= 0.05


def test_highest_torque_point_reached(result):
    """Reached: the 892 rpm / 374.8 N m point is inside the model's envelope, its current 4-8 % low."""
    c = result.checks["892 rpm / 374.8 N m (highest measured torque)"]
    assert -0.08 < c["current_error"] < -0.04


def test_inverter_and_thermal_reported(result):
    """Issue 14's comparisons join prius2004's metrics: inverter efficiency of
    cases/prius2004_system.toml at the 13 shared points with P_ac >= 5 kW and torque < 300 N m, mean
    0.71 points (target 1 point: reached; max 2.84, strict xfail in test_inverter_ornl), and the
    thermal comparison's drip-step gap 18.9 K (test_thermal_ornl)."""
    m = result.metrics
    assert m["inverter_efficiency_mean_abs_error"] == pytest.approx(0.0071, abs=5e-4)
    assert m["inverter_efficiency_mean_abs_error"] <= 0.01
    assert m["inverter_efficiency_max_abs_error"] == pytest.approx(0.0284, abs=5e-4)
    assert m["winding_temperature_max_abs_error_k"] == pytest.approx(18.9, abs=0.1)
    assert set(result.comparisons) == {"inverter", "thermal"}


def test_cli_json_and_pngs_are_the_same(result, tmp_path):
    """`motoropt validate --json --png DIR` (every registered name) prints the six metric keys first,
    then the comparisons' keys, with the numbers of validate() (fractions, null for a missing
    reference), and writes per machine the efficiency/current and map PNGs, plus the inverter and
    thermal comparison PNGs for prius2004."""
    r = subprocess.run([sys.executable, "-m", "motoropt.cli.main", "validate", "--json", "--png", str(tmp_path)],
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert sorted(out) == sorted(V.REGISTRY) == ["prius2004", "prius2010"]
    for name, res in (("prius2004", result), ("prius2010", V.validate("prius2010"))):
        assert list(out[name])[:6] == list(V.METRIC_KEYS)
        assert set(out[name]) == set(res.metrics)
        for k, v in res.metrics.items():
            if v is None:
                assert out[name][k] is None
            elif isinstance(v, float):
                assert out[name][k] == pytest.approx(v, rel=1e-9)
            else:
                assert out[name][k] == pytest.approx(v) if not isinstance(v, dict) else out[name][k] == v
    pngs = sorted(p.name for p in tmp_path.iterdir())
    assert pngs == ["prius2004_efficiency_current.png", "prius2004_inverter.png", "prius2004_map_points.png",
                    "prius2004_thermal.png", "prius2010_efficiency_current.png", "prius2010_map_points.png"]
    assert all((tmp_path / n).stat().st_size > 20_000 for n in pngs)


def _table_b1(design):
    fm = V._provider(V.REGISTRY["prius2004"], design)
    rows = [r for r in V.read_points("prius2004_ornl_tm2006_423_tableB1.csv")
            if r["torque_Nm"] < 300 and r["p_ac_W"] >= 5000]
    models = {}
    pts = [V.evaluate_point(design, r, fm, models) for r in rows]
    assert all(p.feasible for p in pts)
    sp = np.array([p.row["speed_rpm"] for p in pts])
    de = np.array([p.efficiency_error for p in pts])
    bias = [float(np.mean(de[(sp >= lo) & (sp < hi)])) for lo, hi in ((0, 2000), (2000, 4000), (4000, 7000))]
    return float(np.mean(np.abs(de))), bias


def test_whole_table_b1_and_the_circulating_current_hypothesis():
    """All 360 Table B-1 rows below 300 N m with P_ac >= 5 kW (the 15 points are a subset): with the strand
    circulating currents (random strand positions, strands joined per coil) mean |d eta| 0.83 points and
    the efficiency bias at 4000-7000 rpm +1.6 points (below 2000 rpm +0.2); without them 1.21 points and
    +3.1 (+0.6): the high-speed residual that grows with I^2 f^2. The hypothesis removes ~45 % of the
    speed structure (2.55 -> 1.37 points between the bands); it is a lower bound (random positions are the
    least coherent case), the rest is unexplained."""
    with_c, b_with = _table_b1(_design("coil"))
    without, b_without = _table_b1(_design("none"))
    assert with_c < 0.010 and without > 0.011
    assert b_with[2] < 0.025 and b_without[2] > 0.025
    assert b_without[2] - b_without[0] > 1.6 * (b_with[2] - b_with[0]) > 0


def _light_load_drag(result_design):
    """Drag torque left over at the 20 N m rows of Table B-1 (303-3404 rpm): P_ac - P_mech - copper (the
    model's at the measured current) - iron - magnet (incl. harmonic), / w."""
    fm = V._provider(V.REGISTRY["prius2004"], result_design)
    rows = [r for r in V.read_points("prius2004_ornl_tm2006_423_tableB1.csv")
            if 15 < r["torque_Nm"] < 25 and r["speed_rpm"] < 3500]
    out = []
    for r in rows:
        p = V.evaluate_point(result_design, r, fm)
        L = p.result["losses_w"]
        cu = L["copper"] * (r["i_ac_A"] / p.result["current_rms_a"]) ** 2
        out.append((r["p_ac_W"] - r["p_mech_W"] - cu - L["iron"] - L["magnet"]) / (r["speed_rpm"] * math.pi / 30))
    return np.array(out)


def test_light_load_residual_drag_reached(result):
    """The independent check of the spin loss: at the 15 rows at 20 N m from 303 to 3404 rpm the loss the
    model does not explain is a drag torque of 0.6-1.5 N m, roughly constant with speed (measured mean
    1.1 N m, no trend above 0.3 N m per 1000 rpm): a Coulomb-like drag, as the case models it."""
    t = _light_load_drag(result.design)
    sp = np.array([r["speed_rpm"] for r in V.read_points("prius2004_ornl_tm2006_423_tableB1.csv")
                   if 15 < r["torque_Nm"] < 25 and r["speed_rpm"] < 3500])
    assert len(t) == 15 and np.all((t > 0.5) & (t < 1.6))
    assert abs(np.polyfit(sp / 1000, t, 1)[0]) < 0.3


@pytest.mark.xfail(strict=True, reason="light-load residual 1.1 N m vs the case's 1.64 N m from ORNL/TM-2005/33 "
                                       "Table 10 (-33 %): with the PWM and waveform iron losses the Table B-1 rows "
                                       "leave less drag; TM-2005/33's own no-load line-fed input (130 W at 900 rpm) "
                                       "also bounds the drag below 1.35 N m; the case keeps the reported figure")
def test_light_load_residual_equals_case_drag(result):
    assert np.mean(_light_load_drag(result.design)) == pytest.approx(1.64, rel=0.15)


def test_back_emf_sensitivity_to_the_centre_post():
    """Sensitivity, not a fit: the FEA's no-load EMF at 25 degC with the traced rotor (no centre post) and
    with a 3 mm centre post (what it would take): the post removes ~15 % (bridge leakage), i.e. a post of
    that size would explain the gap, but the lamination trace (Prius2004_Rotor_SB.dxf) shows none."""
    from motoropt.magnetics.fea.fluxmap_fea import no_load

    e0 = no_load(_design(), positions=6, T_magnet_c=25.0).emf_ll_rms_per_krpm
    e3 = no_load(_design(rotor={"post_mm": 3.0}), positions=6, T_magnet_c=25.0).emf_ll_rms_per_krpm
    assert 0.10 < 1 - e3 / e0 < 0.22
    assert e0 / 89.8 - 1 > 0.12
