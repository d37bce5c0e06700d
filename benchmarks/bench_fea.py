"""Embedded FEA solver benchmarks: `python benchmarks/bench_fea.py [--sections 1,2,3,4,5,6]` prints
numbers (no pass/fail).

1. One nonlinear solve of a one-pole model of the 2004 Prius (~14k elements): mesh, assembly and
   Newton solve times, Newton iterations; cold (A = 0) and warm-started (from the solution at a
   neighbouring current on the same mesh).
2. A full-model 12-slot / 4-pole SPM (the Prius case edited: topology spm, 12 slots, 2 pole pairs,
   double-layer tooth coils) meshed to ~40k elements: the same numbers, loaded (200 A rms on the q axis).
3. Flux map of the Prius, 10 x 10 currents x 4 positions (issue 20; goal <= 5 s wall on an idle
   2-core machine, 42 s before): the reference path (method="reference": today's solver path) once,
   the fast path serially and in the pool (first map with the pool's start-up, then min of
   --repeats), wall and CPU time, solves/s, Newton steps, factorisations and CG iterations per solve,
   and the fast map's error against the reference (largest |difference| / largest |value| of psi,
   torque and each B_iron region; limits 0.5 %, 1 %, 2 %).
4. The same for a tooth-coil machine (cases/multipole_direct_drive.toml, 40 poles, 'auto' sector).
5. Positions: Prius 5 x 5 maps with K = 2, 3, 4, 6 positions over 60 electrical degrees against
   K = 12 (what fewer positions would cost in accuracy).
6. ``scoreboard --refine-fea`` per design: the FEA evaluation (FEA flux map on the case's map grid,
   4 positions, then the same efficiency map and cycles) of each programme PM case's nominal design,
   cache off, with the reference and the fast flux-map path.

Reference (issue 7): FEMM 4.2 solves a 40k-element nonlinear PM motor in about 1.9 s with 11
Newton steps on a 2-core machine; goal at least 2x faster at equal accuracy. The machine's load
(1-minute load average) is printed with each timed section: timings on a shared machine are noisy,
so minima of repeats and CPU times are reported.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import statistics
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from motoropt.case import design_from_values, load_case  # noqa: E402
from motoropt.magnetics.fea import (  # noqa: E402
    build_mesh,
    build_problem,
    flux_linkage,
    fluxmap_fea,
    solve,
)
from motoropt.magnetics.fea.fluxmap_fea import default_workers, fea_fluxmap  # noqa: E402
from motoropt.magnetics.fea.machine import MeshSpec, abc_to_dq, build_section, d_axis_angle_deg, dq_to_abc  # noqa: E402
from motoropt.magnetics.fea.pipeline import fluxmap_axes  # noqa: E402

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


def load():
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


def map_errors(fm, ref) -> dict:
    """Largest |fm - ref| as % of the largest |ref| value: psi (d and q together), torque, B_iron regions."""
    pm = max(np.abs(ref.psi_d).max(), np.abs(ref.psi_q).max())
    out = {"psi": 100 * max(np.abs(fm.psi_d - ref.psi_d).max(), np.abs(fm.psi_q - ref.psi_q).max()) / pm,
           "torque": 100 * np.abs(fm.torque - ref.torque).max() / np.abs(ref.torque).max()}
    for k in range(ref.B_iron.shape[0]):
        out[f"B_{ref.regions[k]}"] = 100 * np.abs(fm.B_iron[k] - ref.B_iron[k]).max() / np.abs(ref.B_iron[k]).max()
    return out


def timed_map(design, n, K, **kw):
    st = {}
    t0, c0 = time.perf_counter(), time.process_time()
    fm = fea_fluxmap(design, *fluxmap_axes(design, n, n), positions=K, stats=st, **kw)
    st["total_wall_s"] = time.perf_counter() - t0
    st["parent_cpu_s"] = time.process_time() - c0
    return fm, st


def map_line(label, st):
    s = st["solves"]
    cpu = st["cpu_s"] if st.get("method") == "fast" else st["parent_cpu_s"]
    return (f"  {label}: {st['total_wall_s']:.2f} s wall, {cpu:.2f} s CPU in the solving processes "
            f"({s / st['total_wall_s']:.0f} solves/s wall, {1e3 * cpu / s:.1f} ms CPU per solve); "
            f"per solve {st['newton_steps'] / s:.2f} Newton steps, {st['factorizations'] / s:.2f} factorisations, "
            f"{st['cg_iterations'] / s:.1f} CG iterations; {st['tasks']} tasks on {st['workers']} process(es) "
            f"[{load()}]")


def bench_map(design, title, n=10, K=4, repeats=3, reference=True):
    print(f"== {title}: {n} x {n} currents x {K} positions ({n * n * K} solves); "
          f"{default_workers()} workers by default")
    ref = None
    if reference:
        ref, st = timed_map(design, n, K, method="reference")
        print(map_line("reference path (remesh, LU per Newton step, tol 1e-7)", st))
    fm, st = timed_map(design, n, K, workers=1)
    print(map_line("fast path, 1 process", st))
    fluxmap_fea._shutdown_pool()
    fm2, st = timed_map(design, n, K)
    print(map_line("fast path, pool (first map: includes starting the pool)", st))
    best = None
    for _ in range(repeats):
        fm2, st = timed_map(design, n, K)
        if best is None or st["total_wall_s"] < best["total_wall_s"]:
            best = st
    print(map_line(f"fast path, pool started (min of {repeats})", best))
    print(f"  per-task wall times (s): {np.round(best['task_wall_s'], 2).tolist()}; mesh + problem + operators "
          f"{best['setup_s']:.2f} s CPU in total")
    same = all(np.array_equal(getattr(fm, k), getattr(fm2, k)) for k in ("psi_d", "psi_q", "torque", "B_iron"))
    print(f"  1-process and pool maps bit-identical: {same}")
    if ref is not None:
        e = map_errors(fm, ref)
        print("  fast vs reference, largest error in % of the largest value: "
              + ", ".join(f"{k} {v:.4f}" for k, v in e.items()) + " (limits: psi 0.5, torque 1, B 2)")


def bench_positions(design, n=5, Ks=(2, 3, 4, 6), K_ref=12):
    print(f"== 5. Positions: {design.name}, {n} x {n} currents, K positions over 60 elec. deg vs K = {K_ref}")
    ref, _ = timed_map(design, n, K_ref)
    for K in Ks:
        fm, _ = timed_map(design, n, K)
        e = map_errors(fm, ref)
        print(f"  K = {K}: " + ", ".join(f"{k} {v:.3f} %" for k, v in e.items()))


def bench_refine(reference=True):
    """FEA evaluation per design (what `scoreboard --refine-fea` runs per design)."""
    from motoropt.case import load_case as lc
    from motoropt.evaluation.fea import fea_evaluator
    from motoropt.magnetics.fea import pipeline as fea_pipeline

    print("== 6. scoreboard --refine-fea per design: FEA evaluation of each programme PM case's nominal design "
          "(cache off)")
    for path in sorted((ROOT / "cases" / "programme").glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if raw.get("machine", {}).get("topology") == "induction":
            continue
        case = lc(path)
        free = dict(case.free or {})
        free["fea"] = {**(free.get("fea") or {}), "cache": False}
        values = case.nominal()
        times = {}
        orig = fea_pipeline.fea_fluxmap
        for method in (("reference", "fast") if reference else ("fast",)):
            st = {"map_s": 0.0}

            def timed(*args, _method=method, _st=st, _orig=orig, **kw):
                t0 = time.perf_counter()
                out = _orig(*args, method=_method, **kw)
                _st["map_s"] += time.perf_counter() - t0
                return out
            fea_pipeline.fea_fluxmap = timed  # the pipeline's reference to the map function
            try:
                t0 = time.perf_counter()
                fea_evaluator(values, free)
                times[method] = (time.perf_counter() - t0, st["map_s"])
            finally:
                fea_pipeline.fea_fluxmap = orig
        d = design_from_values(values, free)
        print(f"  {path.name} ({d.fm_n_d} x {d.fm_n_q} currents x 4 positions): " + "; ".join(
            f"{m} {t:.1f} s per design (FEA map {tm:.1f} s)" for m, (t, tm) in times.items()) + f" [{load()}]")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sections", default="1,2,3,4,5,6", help="comma-separated section numbers")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the pool map timings (minimum reported)")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference-path maps and evaluations")
    a = ap.parse_args(argv)
    sections = {int(x) for x in a.sections.split(",") if x.strip()}
    d = prius()
    if 1 in sections:
        i_pk = 250.0
        g = math.radians(120)
        i_dq = (i_pk * math.cos(g), i_pk * math.sin(g))
        print("== 1. Prius 2004, one pole, 250 A peak at 120 deg (saturated)")
        r = timed_solves(d, "pole", None, i_dq)
        report("Prius pole", r)
        accuracy(d, "pole", None, MeshSpec(scale=0.5), i_dq, r)
    if 2 in sections:
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
    if 3 in sections:
        bench_map(d, "3. Prius 2004 flux map (issue 20: <= 5 s on an idle 2-core machine; 42 s before)",
                  repeats=a.repeats, reference=not a.no_reference)
    if 4 in sections:
        mdd = design_from_values(load_case(ROOT / "cases" / "multipole_direct_drive.toml").values)
        bench_map(mdd, f"4. Tooth-coil machine: {mdd.name}", repeats=a.repeats, reference=not a.no_reference)
    if 5 in sections:
        bench_positions(d)
    if 6 in sections:
        bench_refine(reference=not a.no_reference)


if __name__ == "__main__":
    main()
