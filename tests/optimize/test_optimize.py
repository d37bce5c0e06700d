"""Optimiser wiring tests (issue 6): objectives/constraints reach pymoo correctly, every design is
stored, failures are recorded, resume after SIGKILL reproduces an uninterrupted run, same seed →
same front, the Pareto review and export round-trip, bad input is reported clearly.

The test cases are cases/prius_opt.toml (Prius 2004 MG2 with ranges) reduced to a few variables,
a coarse efficiency map and small populations so that each run takes a few seconds.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import h5py
import numpy as np
import pytest

from motoropt.case import design_from_values, load_case
from motoropt.errors import InputError
from motoropt.evaluation.fea import fea_evaluator
from motoropt.evaluation.pipeline import evaluate_design
from motoropt.optimize import problem as P
from motoropt.optimize.report import (
    export,
    front_table,
    infeasibility_text,
    pareto_front_rows,
    refine_fea,
    resolve_fea_evaluator,
    select_designs,
    show,
)
from motoropt.optimize.runner import run_optimization
from motoropt.optimize.storage import RunData, read_checkpoint
from motoropt.review import embedded_data, report
from tests import shipped
from tests.shipped import ROOT

OPT_CASE = shipped.case_path("prius_opt")


def _fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_fmt(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def _dump(d: dict) -> str:
    out = []
    for sec, t in d.items():
        out.append(f"[{sec}]")
        out += [f"{k} = {_fmt(v)}" for k, v in t.items()]
        out.append("")
    return "\n".join(out)


def base_dict() -> dict:
    return tomllib.loads(OPT_CASE.read_text())


def small_case(tmp_path, name="case.toml", variables=("stator.stack_length_mm", "rotor.magnet_thickness_mm"),
               objectives=None, constraints=None, **ranges) -> Path:
    """The Prius optimisation case with only ``variables`` free (others fixed at the Prius values),
    a 12 x 12 efficiency map and a 7 x 7 flux map."""
    d = base_dict()
    prius = tomllib.loads(shipped.case_path("prius2004").read_text())
    for sec in ("stator", "rotor", "winding"):
        for k, v in d[sec].items():
            if isinstance(v, list) and f"{sec}.{k}" not in variables:
                d[sec][k] = prius[sec][k]
    for path, rng in ranges.items():
        sec, k = path.split("__")
        d[sec][k] = rng
    o = d["optimization"]
    o.update(pop=12, generations=3, map_n_speed=12, map_n_torque=12, fluxmap_n_d=7, fluxmap_n_q=7)
    if objectives is not None:
        o["objectives"] = objectives
    if constraints is not None:
        o["constraints"] = constraints
    p = tmp_path / name
    p.write_text(_dump(d))
    return p


TRADEOFF_OBJ = [{"kpi": "motor_mass_kg", "sense": "min"}, {"kpi": "peak_torque_nm", "sense": "max"}]


def _check_constraints(run: RunData):
    """Recompute feasibility from the stored KPI columns (independently of the g vector)."""
    ok = np.array([not e for e in run.error])
    sat = ok.copy()
    for c in run.constraints:
        v = run.kpi(c["kpi"])
        if c.get("min") is not None:
            sat &= v >= c["min"]
        if c.get("max") is not None:
            sat &= v <= c["max"]
    return sat


def _dominates(a, b):
    return bool(np.all(a <= b) and np.any(a < b))


# --- wiring ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tradeoff_runs(tmp_path_factory):
    """Two runs of the mass / peak-torque trade-off (stack length and magnet thickness free),
    identical except for the required peak torque (300 vs 420 N m)."""
    tmp = tmp_path_factory.mktemp("tradeoff")
    runs = {}
    for T in (300, 420):
        c = small_case(tmp, f"t{T}.toml", objectives=TRADEOFF_OBJ,
                       constraints=[{"kpi": "peak_torque_nm", "min": T}, {"kpi": "max_speed_rpm", "min": 5999.5}],
                       stator__stack_length_mm=[40.0, 120.0])
        run_optimization(c, tmp / f"t{T}.h5", pop=16, generations=4, seed=3, progress=False)
        runs[T] = RunData(tmp / f"t{T}.h5")
    return runs


def test_front_is_nondominated_and_feasible(tradeoff_runs):
    """Reference: definitions. Every front member is feasible per the stored KPIs, no evaluated
    feasible design dominates a front member (brute force over all pairs), every feasible design
    meets every constraint and every infeasible one that evaluated violates one."""
    for T, run in tradeoff_runs.items():
        assert len(run.id) == 16 * 4
        assert np.array_equal(run.id, np.arange(len(run.id)))  # every design stored, dense ids
        sat = _check_constraints(run)
        assert np.array_equal(sat, run.feasible)
        fr = pareto_front_rows(run)
        assert len(fr) >= 2
        F = run.minimised()
        for i in fr:
            assert run.feasible[i]
            for j in np.nonzero(run.feasible)[0]:
                assert not _dominates(F[j], F[i])
        # mass/torque trade-off: along the front (sorted by mass) torque rises strictly
        o = fr[np.argsort(run.kpi("motor_mass_kg")[fr])]
        assert np.all(np.diff(run.kpi("peak_torque_nm")[o]) > 0)
        assert np.all(run.kpi("peak_torque_nm")[run.feasible] >= T)


def test_raising_torque_requirement_removes_light_designs(tradeoff_runs):
    """Physics: peak torque grows with stack length and magnet thickness (torque ~ D^2 L B), and
    so does mass; requiring 420 instead of 300 N m must make the lightest feasible design heavier,
    and on the 300-N m front the designs the new requirement removes are exactly the lightest ones
    (a non-empty prefix of the front sorted by mass)."""
    r3, r4 = tradeoff_runs[300], tradeoff_runs[420]
    m3 = r3.kpi("motor_mass_kg")[r3.feasible].min()
    m4 = r4.kpi("motor_mass_kg")[r4.feasible].min()
    assert m4 > m3
    fr = pareto_front_rows(r3)
    fr = fr[np.argsort(r3.kpi("motor_mass_kg")[fr])]
    removed = r3.kpi("peak_torque_nm")[fr] < 420
    assert removed.any() and not removed.all()
    k = int(removed.sum())
    assert removed[:k].all() and not removed[k:].any()


def test_kpi_columns_and_objectives_stored(tradeoff_runs):
    """The stored objective columns are the KPI values named in the case (not sign-flipped)."""
    run = tradeoff_runs[300]
    assert np.allclose(run.obj[:, 0], run.kpi("motor_mass_kg"), equal_nan=True)
    assert np.allclose(run.obj[:, 1], run.kpi("peak_torque_nm"), equal_nan=True)
    assert "cycles.wltc3b.motor_efficiency" in run.kpi_columns
    # minimised form: mass as is, torque negated
    assert np.allclose(run.minimised()[:, 1], -run.kpi("peak_torque_nm"), equal_nan=True)


def test_encoding_round_trip():
    """Integer and choice variables: every value in the range is reachable and equally wide;
    decode(encode) is the identity on the stored numeric row."""
    case = shipped.case("prius_opt")
    xl, xu = P.bounds(case.variables)
    for j, v in enumerate(case.variables):
        if v.kind == "int":
            xs = np.linspace(xl[j], xu[j], 1001)
            vals = [P.decode([v], [x])[v.path] for x in xs]
            assert set(vals) == set(range(int(v.lo), int(v.hi) + 1))
            counts = np.bincount(np.array(vals) - int(v.lo))
            assert counts.max() - counts.min() <= 2
        if v.kind == "choice":
            vals = {P.decode([v], [x])[v.path] for x in np.linspace(xl[j], xu[j], 101)}
            assert vals == set(v.choices)
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = xl + rng.random(len(xl)) * (xu - xl)
        a = P.decode(case.variables, x)
        assert P.assignment_from_row(case.variables, P.numeric_row(case.variables, a)) == a


def test_constraint_normalisation_and_errors():
    """g = (min - v)/|min| and (v - max)/|max|; a failed design gets ERROR_VIOLATION everywhere."""
    spec = P.OptimizationSpec(objectives=(P.Objective("a", "max"),),
                              constraints=(P.Constraint("b", min=200.0, max=400.0), P.Constraint("c.d", max=0.0)))
    raw, F, G, err = P.objective_constraint_rows(spec, {"a": 2.0, "b": 300.0, "c": {"d": 1.5}}, None)
    assert err is None and F[0] == -2.0
    assert np.allclose(G, [(200 - 300) / 200, (300 - 400) / 400, 1.5, 0.0])
    raw, F, G, err = P.objective_constraint_rows(spec, None, "InputError: x")
    assert err == "InputError: x" and np.all(G == P.ERROR_VIOLATION) and np.isnan(raw[0])
    raw, F, G, err = P.objective_constraint_rows(spec, {"a": float("nan"), "b": 300.0, "c": {"d": 0}}, None)
    assert "non-finite KPI: a" in err and G[-1] == P.ERROR_VIOLATION


# --- failures recorded ---------------------------------------------------------------------------------
def test_evaluate_assignment_never_raises():
    """Infeasible geometry → InputError text naming the field; a type error → its text; no raise."""
    case = shipped.case("prius_opt")
    nom = {v.path: v.nominal for v in case.variables}
    k, e = P.evaluate_assignment(case, {**nom, "rotor.magnet_width_mm": 60.0}, {"n_speed": 10, "n_torque": 10})
    assert k is None and e.startswith("InputError") and "rotor.magnet_width_mm" in e
    k, e = P.evaluate_assignment(case, {**nom, "stator.stack_length_mm": "abc"})
    assert k is None and "TypeError" in e
    k, e = P.evaluate_assignment(str(OPT_CASE), nom, {"n_speed": 10, "n_torque": 10})
    assert e is None and k["peak_torque_nm"] > 0


def test_error_designs_recorded_and_run_goes_on(tmp_path):
    """Magnet width up to 40 mm exceeds the V leg (~25 mm): those designs fail in the geometry
    check, are stored with the error text and infeasible, and the run completes."""
    c = small_case(tmp_path, variables=("stator.stack_length_mm", "rotor.magnet_width_mm"),
                   rotor__magnet_width_mm=[15.0, 40.0])
    res = run_optimization(c, tmp_path / "err.h5", pop=12, generations=2, seed=1, progress=False)
    run = RunData(tmp_path / "err.h5")
    err = np.array([bool(e) for e in run.error])
    assert res.n_errors == err.sum() > 0 and (~err).sum() > 0
    assert all("rotor.magnet_width_mm" in e for e in run.error if e)
    assert not run.feasible[err].any()
    assert np.all(run.violation[err] >= P.ERROR_VIOLATION)
    assert np.all(np.isnan(run.kpis[err]))


# --- resume & determinism ---------------------------------------------------------------------------
def _designs(run: RunData):
    o = np.argsort(run.id)
    return run.id[o], run.x[o], run.obj[o]


def _front(run: RunData):
    fr = pareto_front_rows(run)
    return np.array(sorted(map(tuple, np.column_stack([run.obj[fr], run.x[fr]]))))


def test_determinism_same_seed_same_front(tmp_path):
    """Same seed → identical designs and front; a different seed → different designs."""
    c = small_case(tmp_path)
    for n in ("a", "b"):
        run_optimization(c, tmp_path / f"{n}.h5", pop=12, generations=3, seed=7, progress=False)
    run_optimization(c, tmp_path / "c.h5", pop=12, generations=3, seed=8, progress=False)
    a, b, cc = (RunData(tmp_path / f"{n}.h5") for n in "abc")
    for u, v in zip(_designs(a), _designs(b)):
        assert np.array_equal(u, v, equal_nan=True)
    assert np.array_equal(_front(a), _front(b))
    assert not np.array_equal(a.x, cc.x)


@pytest.mark.slow
def test_resume_after_sigkill(tmp_path):
    """A real SIGKILL of `python -m motoropt.cli.optimize optimize` after its first
    checkpoint; `--resume` then reaches the same designs and front as an uninterrupted run."""
    c = small_case(tmp_path)
    gens = 16  # long enough that the kill lands before the run ends, even on a fast machine
    out = tmp_path / "killed.h5"
    cmd = [sys.executable, "-m", "motoropt.cli.optimize", "optimize", str(c), "--out", str(out),
           "--pop", "12", "--generations", str(gens), "--seed", "5", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.time()
    ck = Path(str(out) + ".ckpt")
    while not ck.exists() and time.time() - t0 < 120 and proc.poll() is None:
        time.sleep(0.01)
    # wait until part of the next generation has been appended (rows beyond the checkpoint),
    # so that the kill lands mid-generation and resume must drop and redo those rows
    while time.time() - t0 < 120 and proc.poll() is None:
        try:
            with h5py.File(out, "r") as f:
                if f["designs/id"].shape[0] > 12:
                    break
        except OSError:  # the writer holds the file for an append
            pass
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    state = read_checkpoint(out)
    assert 1 <= state["generation"] < gens
    with h5py.File(out, "r") as f:
        n_killed = f["designs/id"].shape[0]
    assert n_killed >= state["n_rows"]  # nothing evaluated before the checkpoint was lost
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 0
    r = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    ref = tmp_path / "ref.h5"
    run_optimization(c, ref, pop=12, generations=gens, seed=5, progress=False)
    a, b = RunData(out), RunData(ref)
    assert a.attrs["complete"] == 1
    for u, v in zip(_designs(a), _designs(b)):
        assert np.array_equal(u, v, equal_nan=True)
    assert np.array_equal(_front(a), _front(b))


@pytest.mark.slow
def test_process_pool_and_dask_match_serial(tmp_path):
    """2 spawned worker processes and a Dask LocalCluster of 2 worker processes evaluate the same
    designs to the same values as the serial run (same seed)."""
    from dask.distributed import LocalCluster

    c = small_case(tmp_path)
    run_optimization(c, tmp_path / "s.h5", pop=12, generations=2, seed=2, progress=False)
    run_optimization(c, tmp_path / "p.h5", pop=12, generations=2, seed=2, workers=2, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        run_optimization(c, tmp_path / "d.h5", pop=12, generations=2, seed=2, dask_address=cl.scheduler_address,
                         progress=False)
    s = RunData(tmp_path / "s.h5")
    for n in ("p", "d"):
        o = RunData(tmp_path / f"{n}.h5")
        for u, v in zip(_designs(s), _designs(o)):
            assert np.array_equal(u, v, equal_nan=True)
        oo, so = np.argsort(o.id), np.argsort(s.id)
        assert np.array_equal(o.kpis[oo], s.kpis[so], equal_nan=True)


# --- bad input ------------------------------------------------------------------------------------------
def test_range_min_greater_than_max(tmp_path):
    """A range [110, 50] is caught by the case loader naming the field."""
    c = small_case(tmp_path, stator__stack_length_mm=[110.0, 50.0])
    with pytest.raises(InputError) as e:
        run_optimization(c, tmp_path / "x.h5", progress=False)
    assert e.value.field == "stator.stack_length_mm" and "min <= max" in str(e.value)
    assert not (tmp_path / "x.h5").exists()


@pytest.mark.parametrize("opt,field", [
    ({"objectives": [{"kpi": "peak_torgue_nm", "sense": "max"}]}, "optimization.objectives[0].kpi"),
    ({"constraints": [{"kpi": "cycles.wltc3b.motor_eff", "min": 0.9}]}, "optimization.constraints[0].kpi"),
    ({"objectives": [{"kpi": "peak_torque_nm", "sense": "maximise"}]}, "optimization.objectives[0].sense"),
    ({"constraints": [{"kpi": "peak_torque_nm", "min": 5, "max": 1}]}, "optimization.constraints[0]"),
    ({"constraints": [{"kpi": "peak_torque_nm"}]}, "optimization.constraints[0]"),
    ({"algorithm": "cmaes"}, "optimization.algorithm"),
    ({"pop": 2}, "optimization.pop"),
    ({"popsize": 20}, "optimization.popsize"),
    ({"map_torque_nodes": "quantiles"}, "optimization.map_torque_nodes"),
])
def test_bad_optimization_table(tmp_path, opt, field):
    """Unknown KPIs (checked against the nominal design's KPIs before the run) and malformed
    entries raise InputError naming the field; no run file is written."""
    d = base_dict()
    d["optimization"].update(opt)
    d["optimization"].update(map_n_speed=10, map_n_torque=10)
    p = tmp_path / "bad.toml"
    p.write_text(_dump(d))
    with pytest.raises(InputError) as e:
        run_optimization(p, tmp_path / "bad.h5", progress=False)
    assert e.value.field == field
    assert not (tmp_path / "bad.h5").exists()


def test_impossible_constraint_reported_with_closest(tmp_path):
    """Peak torque >= 5000 N m is out of reach (the Prius-size machine makes < 700 N m at 200 A):
    no feasible design; the report says the constraint is violated by all, with the best value
    reached, and lists the closest designs (largest torque first)."""
    c = small_case(tmp_path, objectives=TRADEOFF_OBJ, constraints=[{"kpi": "peak_torque_nm", "min": 5000}])
    res = run_optimization(c, tmp_path / "imp.h5", pop=12, generations=2, seed=1, progress=False)
    assert res.n_feasible == 0 and len(res.front_ids) == 0
    run = RunData(tmp_path / "imp.h5")
    txt = infeasibility_text(run)
    T = run.kpi("peak_torque_nm")
    assert "NO FEASIBLE DESIGN" in txt and "peak_torque_nm >= 5000: VIOLATED BY ALL" in txt
    assert f"best value reached {T[np.isfinite(T)].max():.4g}" in txt
    best_id = int(run.id[np.nanargmax(T)])
    assert f"id {best_id}:" in txt.split("violation: ")[1].split(",")[0]
    r = subprocess.run([sys.executable, "-m", "motoropt.cli.optimize", "report", str(tmp_path / "imp.h5")],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "VIOLATED BY ALL" in r.stdout


# --- review, show, export, refine ---------------------------------------------------------------
def test_export_show_report_refine(tradeoff_runs, tmp_path, capsys):
    """Export → load → evaluate reproduces the run's stored KPIs (same values, same map grid);
    show prints the same; the HTML review has the details of the front designs; refine_fea wires a fake FEA evaluator to the
    selected designs and refuses to run without one."""
    run = tradeoff_runs[300]
    fr = pareto_front_rows(run)
    did = int(run.id[fr[0]])
    out = export(run, did, tmp_path / "d.toml")
    case = load_case(out)
    assert case.variables == [] and "optimization" not in case.free
    # the run solved only the reachable flux-map points; the exported design keeps its whole map
    assert run.map_overrides["fluxmap_nodes"] == "current_limit" and case.values["map"]["fluxmap_nodes"] == "all"
    kp = P.flatten_kpis(evaluate_design(design_from_values(case.nominal(), case.free)).kpis)
    i = run.row(did)
    for col, v in zip(run.kpi_columns, run.kpis[i]):
        assert math.isclose(kp[col], v, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(v) and math.isnan(kp[col])), col
    shown = P.flatten_kpis(show(run, did))
    assert shown["peak_torque_nm"] == kp["peak_torque_nm"]
    text = report(run.path, html=tmp_path / "r.html")
    assert str(did) in front_table(run) and "non-dominated feasible designs" in text
    data = embedded_data((tmp_path / "r.html").read_text())  # the interactive review: details for the front
    assert set(map(int, data["details"])) == {int(run.id[i]) for i in fr} >= {int(run.id[i]) for i in select_designs(run)}
    # the default evaluator is the embedded-FEA one (motoropt.evaluation.fea); the real FEA run is
    # covered by tests/magnetics/fea/test_pipeline.py, here the wiring is checked with a fake evaluator
    assert resolve_fea_evaluator() is fea_evaluator
    calls = []

    def fake(values, free):
        calls.append(values)
        return {"peak_torque_nm": 1.0 * values["stator"]["stack_length_mm"], "cycles": {"x": {"eff": 0.5}}}

    res = refine_fea(run.path, 2, evaluator=fake, name="fake")
    assert [r["id"] for r in res] == [int(run.id[j]) for j in select_designs(run)[:2]]
    assert calls[0]["map"]["n_speed"] == 50  # the case's own map grid, not the optimisation's
    with h5py.File(run.path, "r") as f:
        g = f["refined/fake"]
        assert list(g["id"][:]) == [r["id"] for r in res]
        assert json.loads(g["kpis"].attrs["columns"]) == ["cycles.x.eff", "peak_torque_nm"]
        assert np.allclose(g["kpis"][:, 1], [c["stator"]["stack_length_mm"] for c in calls])


def test_nsga3_and_plain_pymoo_minimize(tmp_path):
    """NSGA-III runs through the same wiring (front non-dominated, feasible per stored KPIs), and
    MotorProblem works on its own with pymoo's minimize (serial _evaluate, pymoo style)."""
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.optimize import minimize

    c = small_case(tmp_path, objectives=TRADEOFF_OBJ)
    run_optimization(c, tmp_path / "n3.h5", pop=12, generations=2, algorithm="nsga3", seed=1, progress=False)
    run = RunData(tmp_path / "n3.h5")
    assert run.attrs["algorithm"] == "nsga3" and len(run.id) == 24
    assert np.array_equal(_check_constraints(run), run.feasible)
    F = run.minimised()
    fr = pareto_front_rows(run)
    assert len(fr) >= 1
    assert not any(_dominates(F[j], F[i]) for i in fr for j in np.nonzero(run.feasible)[0])

    case = load_case(c)
    prob = P.MotorProblem(case, P.parse_optimization(case.free))
    res = minimize(prob, NSGA2(pop_size=6), ("n_gen", 2), seed=1)
    assert res.F is not None and np.all(np.isfinite(res.F))
    assert len(prob.last_results) == 6 and all(e is None or isinstance(e, str) for _, e in prob.last_results)


def test_cli_entry_points(tradeoff_runs, tmp_path, capsys):
    """The argparse subcommands (as registered for the main CLI) run show/export/report and turn
    InputError into exit status 2 with a one-line message."""
    from motoropt.cli.optimize import main

    run = tradeoff_runs[300]
    did = int(run.id[pareto_front_rows(run)[0]])
    assert main(["show", run.path, "--design", str(did)]) == 0
    assert "peak_torque_nm = " in capsys.readouterr().out
    assert main(["export", run.path, "--design", str(did), "--case", str(tmp_path / "e.toml"), "--full-map"]) == 0
    assert load_case(tmp_path / "e.toml").values["map"]["n_speed"] == 50
    assert main(["show", run.path, "--design", "99999"]) == 2
    assert "--design = 99999" in capsys.readouterr().err
    assert main(["optimize", str(OPT_CASE), "--out", str(tmp_path / "r.h5"), "--resume"]) == 2


@pytest.mark.slow
def test_nsga3_resume_after_interrupt(tmp_path, monkeypatch):
    """NSGA-III's checkpoint (cloudpickle) restores: a run interrupted right after its 2nd
    checkpoint and resumed stores the same designs as an uninterrupted run (same seed)."""
    from motoropt.optimize import runner, storage

    c = small_case(tmp_path, objectives=TRADEOFF_OBJ)
    run_optimization(c, tmp_path / "ref.h5", pop=12, generations=3, algorithm="nsga3", seed=4, progress=False)
    real = storage.write_checkpoint
    calls = []

    def interrupting(path, state):
        real(path, state)
        calls.append(state["generation"])
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(runner.storage, "write_checkpoint", interrupting)
    with pytest.raises(KeyboardInterrupt):
        run_optimization(c, tmp_path / "int.h5", pop=12, generations=3, algorithm="nsga3", seed=4, progress=False)
    monkeypatch.setattr(runner.storage, "write_checkpoint", real)
    assert RunData(tmp_path / "int.h5").attrs["complete"] == 0
    run_optimization(c, tmp_path / "int.h5", resume=True, progress=False)
    a, b = RunData(tmp_path / "int.h5"), RunData(tmp_path / "ref.h5")
    for u, v in zip(_designs(a), _designs(b)):
        assert np.array_equal(u, v, equal_nan=True)
    assert np.array_equal(_front(a), _front(b))


def test_guided_chunks_cover_the_generation_largest_first():
    """The process pool's chunks: every index once, in order, at most n_chunks chunks, sizes not
    increasing (the generation's last chunk is its smallest), down to one design per chunk."""
    from motoropt.optimize.runner import _guided_chunks

    for n, k in [(100, 8), (40, 8), (7, 8), (1, 4), (1000, 64)]:
        chunks = _guided_chunks(n, k)
        assert [i for c in chunks for i in c] == list(range(n))
        sizes = [len(c) for c in chunks]
        assert len(chunks) <= min(n, k) and min(sizes) >= 1
        assert all(a >= b for a, b in zip(sizes, sizes[1:]))
    assert [len(c) for c in _guided_chunks(100, 8)] == [23, 20, 17, 14, 11, 8, 5, 2]
