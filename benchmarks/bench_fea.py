"""Embedded FEA solver benchmarks: `python benchmarks/bench_fea.py` prints numbers (no pass/fail).

1. One nonlinear solve of a one-pole model of the 2004 Prius (~14k elements): mesh, assembly and
   Newton solve times, Newton iterations; cold (A = 0) and warm-started (from the solution at a
   neighbouring current on the same mesh).
2. A full-model 12-slot / 4-pole SPM (the Prius case edited: topology spm, 12 slots, 2 pole pairs,
   double-layer tooth coils) meshed to ~40k elements: the same numbers, loaded (200 A rms on the q axis).
3. A 10 x 10 flux map x 1 rotor position of the Prius (snake-order warm starts). Goal: <= 30 s.
4. Accuracy of the benchmark meshes: phase flux linkage of each model against a mesh with half the
   element size (scale 0.5); the speed goal is stated at <= 1 % flux-linkage error.

Reference (issue 7): FEMM 4.2 solves a 40k-element nonlinear PM motor in about 1.9 s with 11
Newton steps on a 2-core machine; goal at least 2x faster at equal accuracy.
"""

from __future__ import annotations

import copy
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from motoropt.case import design_from_values, load_case  # noqa: E402
from motoropt.magnetics.fea import build_mesh, build_problem, flux_linkage, solve  # noqa: E402
from motoropt.magnetics.fea.fluxmap_fea import fea_fluxmap  # noqa: E402
from motoropt.magnetics.fea.machine import MeshSpec, abc_to_dq, build_section, d_axis_angle_deg, dq_to_abc  # noqa: E402

FEMM_REF_S, FEMM_REF_NEWTON, FEMM_REF_ELEMENTS = 1.9, 11, 40_000


def prius():
    return design_from_values(load_case(ROOT / "cases" / "prius2004.toml").values)


def spm_12_4():
    """12-slot / 4-pole SPM from the Prius case dictionary (same stator frame and stack)."""
    v = copy.deepcopy(load_case(ROOT / "cases" / "prius2004.toml").values)
    v["machine"].update(topology="spm", pole_pairs=2, name="SPM 12s/4p (Prius frame)")
    v["stator"].update(slots=12, slot_width_top_mm=None, slot_width_bottom_mm=None, tooth_width_mm=20.0,
                       slot_opening_mm=4.0, tip_height_mm=2.0)
    v["rotor"].update(pole_arc_ratio=0.8, sleeve_mm=0.5, magnet_thickness_mm=5.0)
    v["winding"].update(layers=2, coil_pitch_slots=1, turns_per_coil=20, strand_diameter_mm=0.9)
    return design_from_values(v)


def timed_solves(design, sector, mesh, i_dq, repeats=3):
    ang = d_axis_angle_deg(design) + 1.0
    sec = build_section(design, ang, sector=sector, mesh=mesh)
    t0 = time.perf_counter()
    m = build_mesh(sec.geometry)
    t_mesh = time.perf_counter() - t0
    t0 = time.perf_counter()
    P = build_problem(sec.geometry, m)
    t_asm = time.perf_counter() - t0
    th = design.p * math.radians(ang) - np.asarray(sec.phase_axes_rad)
    cur = dict(zip("ABC", dq_to_abc(*i_dq, th) / sec.parallel_paths))
    solve(P, cur)  # warm-up (numba)
    cold = []
    for _ in range(repeats):
        s = solve(P, cur)
        cold.append((s.solve_time_s, s.newton_iterations))
    # warm start: from the solution at 95 % of the current
    near = dict(zip("ABC", dq_to_abc(0.95 * i_dq[0], 0.95 * i_dq[1], th) / sec.parallel_paths))
    s0 = solve(P, near)
    warm = []
    for _ in range(repeats):
        s = solve(P, cur, A0=s0.A)
        warm.append((s.solve_time_s, s.newton_iterations))
    psi = sec.phase_flux_linkage(flux_linkage(s))
    return {"elements": int(P.tri.shape[0]), "nodes": int(P.nodes.shape[0]), "mesh_s": t_mesh,
            "problem_s": t_asm, "cold_s": statistics.median(c[0] for c in cold), "cold_newton": cold[0][1],
            "warm_s": statistics.median(w[0] for w in warm), "warm_newton": warm[0][1],
            "psi_dq": abc_to_dq(psi, th), "section": sec}


def report(title, r):
    print(f"{title}: {r['elements']} elements, {r['nodes']} nodes; mesh {r['mesh_s']:.3f} s, "
          f"problem set-up {r['problem_s']:.3f} s")
    print(f"  cold solve {r['cold_s']:.3f} s, {r['cold_newton']} Newton iterations; "
          f"warm-started {r['warm_s']:.3f} s, {r['warm_newton']} iterations")
    print(f"  psi_d, psi_q = {r['psi_dq'][0]:.5f}, {r['psi_dq'][1]:.5f} Wb")


def accuracy(design, sector, mesh, fine, i_dq, r):
    f = timed_solves(design, sector, fine, i_dq, repeats=1)
    pd, pq = r["psi_dq"]
    fd, fq = f["psi_dq"]
    amp = math.hypot(fd, fq)
    print(f"  vs {f['elements']}-element mesh (half size): psi_d {100 * (pd - fd) / amp:+.2f} %, "
          f"psi_q {100 * (pq - fq) / amp:+.2f} % of |psi|")


def main():
    d = prius()
    i_pk = 250.0
    g = math.radians(120)
    i_dq = (i_pk * math.cos(g), i_pk * math.sin(g))
    print("== 1. Prius 2004, one pole, 250 A peak at 120 deg (saturated)")
    r = timed_solves(d, "pole", None, i_dq)
    report("Prius pole", r)
    accuracy(d, "pole", None, MeshSpec(scale=0.5), i_dq, r)

    print("== 2. 12-slot / 4-pole SPM, full model, 200 A rms on the q axis")
    s = spm_12_4()
    n1 = build_mesh(build_section(s, 0.0, sector="full").geometry).n_elements
    k = math.sqrt(n1 / 40_000)  # mesh scale for ~40k elements (elements ~ 1 / scale^2)
    mesh = MeshSpec(scale=k)
    r2 = timed_solves(s, "full", mesh, (0.0, s.i_max))
    report("SPM full", r2)
    ratio = FEMM_REF_S / r2["cold_s"]
    print(f"  FEMM 4.2 reference: {FEMM_REF_S} s, {FEMM_REF_NEWTON} Newton steps at {FEMM_REF_ELEMENTS} elements "
          f"-> cold {ratio:.1f}x, warm {FEMM_REF_S / r2['warm_s']:.1f}x FEMM's speed "
          f"(per element: {FEMM_REF_S / FEMM_REF_ELEMENTS * r2['elements'] / r2['cold_s']:.1f}x)")
    accuracy(s, "full", mesh, MeshSpec(scale=0.5 * k), (0.0, s.i_max), r2)

    print("== 3. Prius 10 x 10 flux map x 1 position")
    i_d = np.linspace(-1.05 * d.i_max, 0.15 * d.i_max, 10)
    i_q = np.linspace(0.0, 1.05 * d.i_max, 10)
    t0 = time.perf_counter()
    fm = fea_fluxmap(d, i_d, i_q, positions=1)
    t = time.perf_counter() - t0
    print(f"  {t:.1f} s for 100 nonlinear solves ({1e3 * t / 100:.0f} ms per point incl. post-processing); "
          f"goal <= 30 s; psi_PM = {fm.psi_pm:.4f} Wb")


if __name__ == "__main__":
    main()
