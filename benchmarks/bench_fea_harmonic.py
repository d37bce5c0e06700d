"""Time-harmonic vs magnetostatic embedded FEA on the same mesh: `python benchmarks/bench_fea_harmonic.py`
prints numbers (no pass/fail). Timings are the minimum of ``--repeats`` runs (the machine is shared).

1. The cage induction traction motor (cases/induction_traction.toml, half machine): the static
   nonlinear solve of a magnetising snapshot (rated gap flux current, bars carry no current) and the
   nonlinear time-harmonic locked-rotor solve at 5 Hz slip and half the current limit (conducting
   bars, Newton on real and imaginary parts) -- same geometry, same mesh.
2. The same mesh with linear iron (mu_r 1000): one real symmetric solve against one complex
   symmetric solve (the cost of complex arithmetic and eddy-current terms alone).
Columns: elements, nodes, iterations, assembly+solve time (s), problem build time (s).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from motoropt.case import design_from_values, load_case  # noqa: E402
from motoropt.magnetics.fea.cage_section import build_cage_section  # noqa: E402
from motoropt.magnetics.fea.harmonic import build_harmonic_problem, solve_harmonic  # noqa: E402
from motoropt.magnetics.fea.mesh import build_mesh  # noqa: E402
from motoropt.magnetics.fea.solver import build_problem, solve  # noqa: E402


def _linear(geom):
    g = dataclasses.replace(geom, materials=dict(geom.materials))
    for name in ("stator_steel", "rotor_steel"):
        m = g.materials[name]
        g.materials[name] = dataclasses.replace(m, bh=(), mu_x=1000.0, mu_y=1000.0)
    return g


def _best(fn, repeats):
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)
    c = load_case(ROOT / "cases" / "induction_traction.toml")
    d = design_from_values(c.nominal(), c.free)
    cp, mm = d.circuit_params(), d.machine_model()
    phi = np.array(build_cage_section(d).phase_axes_rad)
    i_m = float(np.interp(mm.psi_rated, cp.psi_tab, cp.im_tab))
    I_lr = 0.5 * d.i_max
    g_s = build_cage_section(d, i_phase=tuple(i_m * np.cos(phi))).geometry
    g_h = build_cage_section(d, i_phase=tuple(I_lr * np.exp(-1j * phi)), frequency_hz=5.0).geometry
    mesh = build_mesh(g_s)
    print(f"{d.name}: half machine, {mesh.n_elements} elements, {mesh.n_nodes} nodes (one mesh for all rows)")
    print(f"{'case':48s} {'iter':>5s} {'solve_s':>8s} {'build_s':>8s}")
    rows = []
    for label, geo, harmonic in (("static nonlinear, magnetising snapshot", g_s, False),
                                 ("harmonic nonlinear, locked rotor 5 Hz", g_h, True),
                                 ("static, linear iron", _linear(g_s), False),
                                 ("harmonic, linear iron, locked rotor 5 Hz", _linear(g_h), True)):
        m = dataclasses.replace(mesh, geometry=geo.split_at_nodes())  # same nodes and elements, this geometry
        if harmonic:
            tb, hp = _best(lambda g=geo, mm=m: build_harmonic_problem(g, mm), 1)
            ts, sol = _best(lambda h=hp: solve_harmonic(h, peak="ellipse"), a.repeats)
            its = sol.iterations
        else:
            tb, pr = _best(lambda g=geo, mm=m: build_problem(g, mm), 1)
            ts, sol = _best(lambda q=pr: solve(q), a.repeats)
            its = sol.newton_iterations
        rows.append((label, its, ts, tb))
        print(f"{label:48s} {its:5d} {ts:8.2f} {tb:8.2f}")
    print(f"harmonic / static solve time: nonlinear {rows[1][2] / rows[0][2]:.1f}x, linear {rows[3][2] / rows[2][2]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
