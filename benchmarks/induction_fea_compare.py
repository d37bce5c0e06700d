"""Cage induction machines: the equivalent circuit from the geometry (InductionDesign.circuit_params)
against the FEA-derived one (motoropt.machines.induction.fea: static magnetising solves and
locked-rotor time-harmonic solves), per case: the circuit quantities (magnetising curve, stator
leakage, rotor resistance and leakage vs slip frequency) and the resulting KPIs (peak torque and
power, cycle efficiencies) with the same control, loss, map and cycle pipeline; plus the cost and
the accuracy of the FEA path's shortcuts (fewer solves, coarser meshes) against the full path.

    python benchmarks/induction_fea_compare.py [CASE.toml ...] [--full] [--mesh-scales 1.5,2]
                                               [--json OUT.json]

Default cases: cases/induction_traction.toml and cases/programme/im_eaxle.toml (nominal designs).
The default path (CageGrid(), mesh scale 1) is what ``[fea] fidelity = "fea"`` runs; ``--full``
adds the full path (FULL_GRID: 24 locked-rotor and 15 static solves) as the reference for the
shortcuts; ``--mesh-scales`` the default grid on coarser meshes. No disk cache (timed)."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from motoropt.case import design_from_values, load_case
from motoropt.evaluation.pipeline import evaluate_design
from motoropt.machines.induction.circuit import rotor_rl, skin_factors
from motoropt.machines.induction.fea import (
    FULL_GRID,
    CageGrid,
    _model_parts,
    compute_cage_fea_data,
    fea_circuit_params,
)
from motoropt.magnetics.fea.cage_section import CageMeshSpec

ROOT = Path(__file__).resolve().parents[1]
CASES = [ROOT / "cases" / "induction_traction.toml", ROOT / "cases" / "programme" / "im_eaxle.toml"]


def kpis(design, cp=None) -> dict:
    """Envelope and cycle KPIs with the circuit ``cp`` (None: the geometry's)."""
    ev = evaluate_design(design, fluxmaps=None if cp is None else (lambda d, T=None: cp))
    k = ev.kpis
    out = {"peak_torque_nm": k["peak_torque_nm"], "peak_power_kw": k["peak_power_kw"],
           "max_speed_rpm": k["max_speed_rpm"], "peak_motor_efficiency": k["peak_motor_efficiency"]}
    for name, c in k.get("cycles", {}).items():
        out[f"{name}.motor_efficiency"] = c["motor_efficiency"]
        if "motor_inverter_efficiency" in c:
            out[f"{name}.motor_inverter_efficiency"] = c["motor_inverter_efficiency"]
    return out


def circuit_table(design, data) -> dict:
    """The FEA-derived vs the geometry's circuit quantities on the FEA points (2-D parts)."""
    cp = design.circuit_params()
    mc = data.magnetising
    L_ss2, L_ring = _model_parts(design, cp)
    cv = cp.pack()
    H, B = np.ascontiguousarray(cp.bh_H, float), np.ascontiguousarray(cp.bh_B, float)
    rotor = []
    for j, f in enumerate(data.slip_hz):
        kR, kX = skin_factors(cp.xi_coeff * math.sqrt(2 * math.pi * f))
        for c in range(data.current_a.shape[1]):
            Rm, Lm = rotor_rl(cv, kR, kX, data.I_r[j, c], H, B)
            rotor.append({"slip_hz": float(f), "I_s_a": float(data.current_a[j, c]), "I_r_a": float(data.I_r[j, c]),
                          "psi_m_wb": float(data.psi_m[j, c]), "R_r_2d_fea": float(data.R_r[j, c]),
                          "R_r_2d_model": Rm - cp.R_rest, "R_r_from_bar_loss": float(data.R_r_loss[j, c]),
                          "L_r_2d_fea": float(data.L_r[j, c]), "L_r_2d_model": Lm - L_ring,
                          "torque_nm": float(data.torque_nm[j, c]),
                          "p_P_bars_over_w_r": float(design.p * data.P_bars_w[j, c] / (2 * math.pi * f)),
                          "iterations": int(data.iterations[j, c])})
    return {"magnetising": {"i_m_a": mc.i_m.tolist(), "psi_m_fea_wb": mc.psi_m.tolist(),
                            "psi_m_model_wb": np.interp(mc.i_m, cp.im_tab, cp.psi_tab).tolist(),
                            "L_ss_2d_fea_h": mc.L_ss_2d.tolist()},
            "L_ss_2d_model_h": L_ss2, "L_end_h": cp.L_ss - L_ss2, "R_rest_ohm": cp.R_rest, "L_ring_h": L_ring,
            "L_m0_model_h": cp.L_m0, "L_m0_fea_h": float(mc.psi_m[0] / mc.i_m[0]), "rotor": rotor}


def run_path(design, grid, scale) -> tuple:
    t0 = time.perf_counter()
    data = compute_cage_fea_data(design, grid, CageMeshSpec(scale=scale))
    wall = time.perf_counter() - t0
    cp = fea_circuit_params(design, data)
    return data, cp, {"wall_s": wall, "static_s": data.static_s, "harmonic_s": data.harmonic_s,
                      "elements": data.elements, "static_solves": int(data.magnetising.i_m.size),
                      "harmonic_solves": int(data.slip_hz.size * data.current_a.shape[1]),
                      "harmonic_iterations": int(data.iterations.sum())}


def print_circuit(t: dict) -> None:
    m = t["magnetising"]
    print("magnetising curve: i_m (A peak) | psi_m FEA (Wb) | geometry model | FEA/model - 1 | L_ss,2D FEA (uH)")
    for i, pf, pm, ls in zip(m["i_m_a"], m["psi_m_fea_wb"], m["psi_m_model_wb"], m["L_ss_2d_fea_h"]):
        print(f"  {i:8.1f} | {pf:.5f} | {pm:.5f} | {pf / pm - 1:+.3f} | {ls * 1e6:.2f}")
    print(f"  unsaturated L_m: FEA {t['L_m0_fea_h'] * 1e6:.1f} uH, model (air gap + Carter) {t['L_m0_model_h'] * 1e6:.1f} uH")
    print(f"  model L_ss,2D (slot + tip + differential) = {t['L_ss_2d_model_h'] * 1e6:.2f} uH; both add the end "
          f"winding {t['L_end_h'] * 1e6:.2f} uH")
    print("rotor (2-D part, referred, per phase): f_r (Hz) I_s (A) |i_r| (A) psi_m (Wb) | R_r FEA (mOhm) | model | diff "
          "| from bar loss | L_r FEA (uH) | model | diff | T (N m) | p P_bars / w_r | Newton its")
    for r in t["rotor"]:
        print(f"  {r['slip_hz']:6.2f} {r['I_s_a']:7.1f} {r['I_r_a']:7.1f} {r['psi_m_wb']:.4f} | "
              f"{r['R_r_2d_fea'] * 1e3:.4f} | {r['R_r_2d_model'] * 1e3:.4f} | {r['R_r_2d_fea'] / r['R_r_2d_model'] - 1:+.3f} | "
              f"{r['R_r_from_bar_loss'] * 1e3:.4f} | {r['L_r_2d_fea'] * 1e6:.2f} | {r['L_r_2d_model'] * 1e6:.2f} | "
              f"{r['L_r_2d_fea'] / r['L_r_2d_model'] - 1:+.3f} | {r['torque_nm']:.1f} | {r['p_P_bars_over_w_r']:.1f} | "
              f"{r['iterations']}")
    print(f"  ends from the geometry (both): R_rest = {t['R_rest_ohm'] * 1e3:.4f} mOhm, ring leakage = "
          f"{t['L_ring_h'] * 1e6:.2f} uH")


def report(case_path, full: bool, scales) -> dict:
    c = load_case(case_path)
    d = design_from_values(c.nominal(), c.free)
    print(f"\n=== {d.name} ({Path(case_path).name})", flush=True)
    out = {"case": str(case_path), "design": d.name, "paths": {}, "kpis": {"analytic": kpis(d)}}
    paths = [("default", CageGrid(), 1.0)]
    paths += [(f"default, mesh scale {s:g}", CageGrid(), s) for s in scales]
    if full:
        paths.append(("full", FULL_GRID, 1.0))
    for label, grid, scale in paths:
        data, cp, cost = run_path(d, grid, scale)
        out["paths"][label] = cost
        out["kpis"][label] = kpis(d, cp)
        print(f"{label}: {cost['static_solves']} static + {cost['harmonic_solves']} locked-rotor solves "
              f"({cost['harmonic_iterations']} Newton iterations), {cost['elements']} elements: {cost['wall_s']:.0f} s "
              f"(static {cost['static_s']:.0f} s, harmonic {cost['harmonic_s']:.0f} s)", flush=True)
        if label == "default":
            out["circuit"] = circuit_table(d, data)
            print_circuit(out["circuit"])
        if label == "full":
            out["circuit_full"] = circuit_table(d, data)
    labels = list(out["kpis"])
    print("KPI | " + " | ".join(labels) + (" | default vs full" if full else ""))
    for key in out["kpis"]["analytic"]:
        vals = [out["kpis"][lab][key] for lab in labels]
        line = f"  {key}: " + " | ".join(f"{v:.4g}" for v in vals)
        a = vals[0]
        line += "  (FEA/analytic - 1: " + ", ".join(f"{v / a - 1:+.3%}" for v in vals[1:]) + ")"
        if full:
            line += f"  default/full - 1: {out['kpis']['default'][key] / out['kpis']['full'][key] - 1:+.3%}"
        print(line, flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", default=[str(c) for c in CASES])
    ap.add_argument("--full", action="store_true", help="also the full path (FULL_GRID), the shortcuts' reference")
    ap.add_argument("--mesh-scales", default="", help="comma-separated mesh scales for the default grid")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    scales = [float(x) for x in a.mesh_scales.split(",") if x.strip()]
    res = [report(c, a.full, scales) for c in a.cases]
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
