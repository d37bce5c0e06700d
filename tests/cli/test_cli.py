"""The command-line contract: commands, flags, JSON keys, exit codes, one-line errors."""

import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

from motoropt.errors import OperatingPointError
from tests.shipped import ROOT, case_path

CASE = case_path("prius2004")


def run(*args, check=True):
    r = subprocess.run([sys.executable, "-m", "motoropt", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    out = tmp_path_factory.mktemp("ev")
    r = run("evaluate", CASE, "--json", "--out", out / "res.h5", "--plots", out / "plots")
    return json.loads(r.stdout), out


def test_evaluate_json_keys(evaluated):
    k, _ = evaluated
    for key in ("peak_torque_nm", "peak_power_kw", "max_speed_rpm", "motor_mass_kg", "magnet_mass_kg",
                "rare_earth_mass_kg", "dysprosium_mass_kg", "motor_power_density_kw_per_kg"):
        assert isinstance(k[key], (int, float)), key
    assert set(k["cycles"]) == {"wltc3b", "udds", "hwfet"}
    for c in k["cycles"].values():
        assert set(c) >= {"motor_efficiency", "energy_in_wh", "energy_out_wh", "loss_wh"}
        assert 0.5 < c["motor_efficiency"] < 1.0
        assert c["loss_wh"] == pytest.approx(c["energy_in_wh"] - c["energy_out_wh"], rel=1e-9)
    assert k["rare_earth_mass_kg"] < k["magnet_mass_kg"]
    assert k["motor_power_density_kw_per_kg"] == pytest.approx(k["peak_power_kw"] / k["motor_mass_kg"])


def test_result_file_layout(evaluated):
    k, out = evaluated
    with h5py.File(out / "res.h5") as f:
        assert f.attrs["format"] == "motoropt-result"
        assert json.loads(f["kpis"].attrs["json"])["peak_torque_nm"] == pytest.approx(k["peak_torque_nm"])
        eff = f["map/efficiency"][()]
        assert eff.shape == (len(f["map/torque_nm"]), len(f["map/speed_rpm"]))
        for kind in ("copper", "iron", "magnet", "mechanical"):
            assert f[f"map/losses/{kind}"].shape == eff.shape
        assert np.nanmax(eff) < 1.0
        c = f["cycles/wltc3b"]
        assert len(c["speed_rpm"]) == len(c["torque_nm"]) == 1800
        assert c.attrs["motor_efficiency"] == pytest.approx(k["cycles"]["wltc3b"]["motor_efficiency"])
        toml_text = f["design/case_toml"][()].decode()
    # the stored design re-loads and evaluates to the same KPIs
    p = out / "again.toml"
    p.write_text(toml_text)
    k2 = json.loads(run("evaluate", p, "--json").stdout)
    assert k2["peak_torque_nm"] == pytest.approx(k["peak_torque_nm"], rel=1e-9)


def test_plots_written(evaluated):
    _, out = evaluated
    for name in ("efficiency_map.png", "loss_maps.png", "cycle_losses.png"):
        p = out / "plots" / name
        assert p.stat().st_size > 10_000
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_point_json_and_generating():
    k = json.loads(run("point", CASE, "--rpm", 2000, "--torque", 100, "--json").stdout)
    for key in ("motor_efficiency", "id_a", "iq_a", "current_rms_a", "voltage_ll_rms_v"):
        assert isinstance(k[key], float)
    assert set(k["losses_w"]) >= {"copper", "iron", "magnet", "mechanical"}
    P_mech = 100 * 2000 * 2 * np.pi / 60
    assert k["motor_efficiency"] == pytest.approx(P_mech / (P_mech + k["losses_w"]["total"]), rel=1e-6)
    g = json.loads(run("point", CASE, "--rpm", 2000, "--torque", -100, "--json").stdout)
    assert g["iq_a"] < 0 < k["iq_a"]


@pytest.mark.parametrize("args,needle", [
    (("point", CASE, "--rpm", 2000, "--torque", 2000), "outside the envelope"),
    (("point", CASE, "--rpm", 9000, "--torque", 10), "outside the envelope"),
    (("cycle", "moon"), "cycle"),
    (("evaluate", "nope.toml"), "case"),
])
def test_errors_are_one_line_exit_2(args, needle):
    r = run(*args, check=False)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cycle_command():
    k = json.loads(run("cycle", "wltc3b", "--json").stdout)
    assert k["duration_s"] == 1800
    assert k["distance_km"] == pytest.approx(23.266, abs=5e-4)
    assert set(k) == {"duration_s", "distance_km", "max_speed_kmh", "mean_speed_kmh"}
    r = run("cycle", "udds")
    assert "distance_km" in r.stdout


def test_fea_solve_command(tmp_path):
    """`motoropt fea solve FILE.fem --json` on the hand-written FEMM-layout file of the .fem tests:
    prints mesh size, Newton iterations, solve time and each circuit's current and flux linkage."""
    from tests.magnetics.fea.test_femfile import FEMM_STYLE

    p = tmp_path / "c.fem"
    p.write_text(FEMM_STYLE)
    k = json.loads(run("fea", "solve", p, "--json", "--torque-group", 1).stdout)
    assert k["mesh_elements"] > 100 and k["newton_iterations"] >= 2
    assert k["circuits"]["Coil 1"]["current_a"] == 5.0
    assert np.isfinite(k["circuits"]["Coil 1"]["flux_linkage_wb"])
    assert "torque_nm" in k
    r = run("fea", "solve", tmp_path / "missing.fem", check=False)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_export_result_to_fem_and_case(evaluated):
    """`motoropt export RESULT.h5 --fem d.fem --case d.toml`: the .fem file solves with the embedded
    solver (three phase circuits, no current, magnets give flux linkage) and the case re-loads."""
    _, out = evaluated
    run("export", out / "res.h5", "--fem", out / "d.fem", "--case", out / "d.toml")
    k = json.loads(run("fea", "solve", out / "d.fem", "--json").stdout)
    assert set(k["circuits"]) == {"A", "B", "C"}
    assert abs(k["circuits"]["A"]["flux_linkage_wb"]) > 1e-3
    assert json.loads(run("evaluate", out / "d.toml", "--json").stdout)["peak_torque_nm"] > 0
    r = run("export", out / "res.h5", check=False)
    assert r.returncode == 2 and "--case" in r.stderr


@pytest.mark.parametrize("rpm,torque,expect", [(600.0, 1000.0, "parallel"), (100.0, 4500.0, "series")])
def test_point_on_changeover_case_reports_the_lower_loss_connection(shipped, rpm, torque, expect):
    """`motoropt point` on the multipole case ([winding] changeover = "series_parallel") runs the
    point in the connection with the lower total loss, as the efficiency map does, and reports it as
    "connection". Reference: each connection's own operating point (the two models of the case's
    switched model, inverter limit applied as in the evaluation), losses equal to 1e-9. At 600 rpm,
    1000 N m (field weakening) parallel loses ~1.2 kW against ~3.4 kW in series; at 100 rpm, 4500 N m
    only the series connection reaches the torque (parallel: 3195 N m there)."""
    k = json.loads(run("point", shipped.case_path("multipole"), "--rpm", rpm, "--torque", torque, "--json").stdout)
    assert k["connection"] == expect
    sm = shipped.model("multipole")
    own = {}
    for m, name in zip(sm.models, sm.connection_names):
        try:
            own[name] = m.operating_point(rpm, torque)["losses_w"]["total"]
        except OperatingPointError:
            own[name] = np.inf
    assert min(own, key=own.get) == expect
    assert k["losses_w"]["total"] == pytest.approx(own[expect], rel=1e-9)
    if expect == "parallel":  # the text table names it too (one run is enough)
        text = run("point", shipped.case_path("multipole"), "--rpm", rpm, "--torque", torque).stdout
        assert "connection" in text and expect in text


def test_point_temperatures_overspeed_and_inverter_keys(shipped):
    """`point --winding-c T --magnet-c T`: the winding temperature sets the resistance, R ~ 1 + alpha (T - 20):
    100 -> 150 degC, copper loss per A^2 x (1 + 0.00393 x 130) / (1 + 0.00393 x 80) within 1 % (300 rpm: the
    AC and harmonic parts are small); only --winding-c given: the magnets stay at the case's magnet_c (the
    JSON says so); --magnet-c 20 (stronger magnets) needs less current. A point 0.08 % above the 6000 rpm
    limit (ORNL's 6005 rpm) is evaluated with a warning on stderr, 3.3 % above is refused (exit 2). With an
    [inverter] the JSON adds inverter_efficiency and system_efficiency = motor x inverter (1e-9)."""
    a = json.loads(run("point", CASE, "--rpm", 300, "--torque", 50, "--json", "--winding-c", 100).stdout)
    b = json.loads(run("point", CASE, "--rpm", 300, "--torque", 50, "--json", "--winding-c", 150).stdout)
    assert a["winding_c"] == 100 and a["magnet_c"] == shipped.design("prius2004").T_magnet_c
    assert a["current_rms_a"] == pytest.approx(b["current_rms_a"], rel=1e-3)
    ra = a["losses_w"]["copper"] / a["current_rms_a"] ** 2
    rb = b["losses_w"]["copper"] / b["current_rms_a"] ** 2
    assert rb / ra == pytest.approx((1 + 0.00393 * 130) / (1 + 0.00393 * 80), rel=0.01)
    c = json.loads(run("point", CASE, "--rpm", 300, "--torque", 50, "--json", "--magnet-c", 20).stdout)
    assert c["magnet_c"] == 20 and c["current_rms_a"] < a["current_rms_a"]  # stronger magnets: less current
    r = run("point", CASE, "--rpm", 6005, "--torque", 20, "--json")
    assert "warning:" in r.stderr and "above the speed limit" in r.stderr
    assert len(json.loads(r.stdout)["warnings"]) == 1
    assert run("point", CASE, "--rpm", 6200, "--torque", 20, check=False).returncode == 2
    assert "inverter_efficiency" not in a
    s = json.loads(run("point", case_path("prius2004_system"), "--rpm", 3000, "--torque", 60, "--json").stdout)
    assert 0.9 < s["inverter_efficiency"] < 1.0
    assert s["system_efficiency"] == pytest.approx(s["motor_efficiency"] * s["inverter_efficiency"], rel=1e-9)


def test_cli_starts_numpy_with_one_blas_thread_unless_set():
    """Importing the CLI (as the ``motoropt`` command does) sets OMP/OPENBLAS/MKL_NUM_THREADS to 1
    before numpy loads (motoropt.parallel, which sets them, loads without numpy), and keeps a count
    the user set (a fresh interpreter each: the variables are read once, when numpy loads)."""
    import os
    import subprocess
    import sys

    code = ("import os, sys; import motoropt.parallel; assert 'numpy' not in sys.modules; "
            "import motoropt.cli; assert 'numpy' in sys.modules; "
            "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], os.environ['MKL_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1", "1"]
    out = subprocess.run([sys.executable, "-c", code], env={**env, "OPENBLAS_NUM_THREADS": "4"}, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["1", "4", "1"]
