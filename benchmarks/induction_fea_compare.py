"""Cage induction machines: FEA-derived equivalent-circuit quantities (locked-rotor time-harmonic
solves, static magnetising solves: motoropt.machines.induction.fea) against the analytic
equivalent circuit from the geometry (InductionDesign.circuit_params), printed per case.

    python benchmarks/induction_fea_compare.py [CASE.toml ...] [--json OUT.json]

Default cases: cases/induction_traction.toml and cases/programme/im_eaxle.toml (nominal designs).
Takes a few minutes per case (about 20 nonlinear solves on ~60-70k elements)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from motoropt.case import design_from_values, load_case
from motoropt.machines.induction.fea import cage_parameters

ROOT = Path(__file__).resolve().parents[1]
CASES = [ROOT / "cases" / "induction_traction.toml", ROOT / "cases" / "programme" / "im_eaxle.toml"]


def report(case_path) -> dict:
    c = load_case(case_path)
    d = design_from_values(c.nominal(), c.free)
    t0 = time.perf_counter()
    res = cage_parameters(d)
    out = res.summary()
    out["case"] = str(case_path)
    out["wall_s"] = time.perf_counter() - t0
    print(f"\n=== {d.name} ({Path(case_path).name}); {out['elements']} elements; {out['wall_s']:.0f} s")
    print("magnetising curve: i_m (A peak) | psi_m FEA (Wb) | model | FEA/model - 1 | L_ss,2D FEA (uH)")
    for i, pf, pm, r, ls in zip(out["magnetising_i_m_a"], out["magnetising_psi_m_wb"], out["model_psi_m_wb"],
                                out["psi_m_rel_diff"], out["L_ss_2d_h"]):
        print(f"  {i:8.1f} | {pf:.5f} | {pm:.5f} | {r:+.3f} | {ls * 1e6:.2f}")
    print(f"  model L_ss,2D (slot + tip + differential) = {out['model_L_ss_2d_h'] * 1e6:.2f} uH")
    print("rotor (2-D part, referred, per phase): I (A peak) f_r (Hz) | R_r FEA (mOhm) | model | diff | "
          "R from bar loss | L_r FEA (uH) | model | diff | T (N m) | p P_bars / w_r")
    p = d.p
    for i, I in enumerate(out["current_a"]):
        for j, f in enumerate(out["slip_hz"]):
            pb = out["P_bars_w"][i][j] * p / (2 * np.pi * f)
            print(f"  {I:7.1f} {f:5.1f} | {out['R_r_2d_ohm'][i][j] * 1e3:.4f} | {out['model_R_r_2d_ohm'][i][j] * 1e3:.4f} | "
                  f"{out['R_r_2d_rel_diff'][i][j]:+.3f} | {out['R_r_from_bar_loss_ohm'][i][j] * 1e3:.4f} | "
                  f"{out['L_r_2d_h'][i][j] * 1e6:.2f} | {out['model_L_r_2d_h'][i][j] * 1e6:.2f} | "
                  f"{out['L_r_2d_rel_diff'][i][j]:+.3f} | {out['torque_nm'][i][j]:.1f} | {pb:.1f}")
    print(f"  ends from the geometry (both): R_rest = {out['R_rest_ohm'] * 1e3:.4f} mOhm, "
          f"ring leakage = {out['L_ring_h'] * 1e6:.2f} uH")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", default=[str(c) for c in CASES])
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    res = [report(c) for c in a.cases]
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
