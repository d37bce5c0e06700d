"""A small real optimisation run for the review, compare and export tests: the Prius optimisation
case (cases/prius_opt.toml) with four variables free (stack length and magnet thickness, the magnet
grade as a choice, turns per coil as an integer), two constraints, coarse grids and a population of
10 over 2 generations (20 designs, a few seconds)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from motoropt.optimize.runner import run_optimization
from motoropt.store import values_to_toml
from tests import shipped

FREE = {("stator", "stack_length_mm"), ("rotor", "magnet_thickness_mm"), ("rotor", "magnet"),
        ("winding", "turns_per_coil")}


def small_case(path: Path) -> Path:
    """The reduced case file (variables outside FREE fixed at the 2004 Prius values)."""
    d = tomllib.loads(shipped.case_path("prius_opt").read_text())
    prius = tomllib.loads(shipped.case_path("prius2004").read_text())
    for sec in ("stator", "rotor", "winding"):
        for k, v in d[sec].items():
            if isinstance(v, list) and (sec, k) not in FREE:
                d[sec][k] = prius[sec][k]
    o = d["optimization"]
    o.update(pop=10, generations=2, seed=5, map_n_speed=12, map_n_torque=12, fluxmap_n_d=7, fluxmap_n_q=7,
             constraints=[{"kpi": "peak_torque_nm", "min": 250},
                          {"kpi": "cycles.wltc3b.winding_hotspot_c_max", "max": 180}])
    path.write_text(values_to_toml(d))
    return path


def small_run(tmp: Path) -> Path:
    """Run the reduced case; returns the run file."""
    case = small_case(tmp / "small_opt.toml")
    out = tmp / "small_run.h5"
    run_optimization(case, out, progress=False)
    return out
