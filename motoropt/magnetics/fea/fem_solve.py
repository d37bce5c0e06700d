"""Solve a FEMM 4.2 magnetics file with the embedded solvers: the static Newton solver
(:mod:`.solver`) or, for ``[Frequency] > 0``, the time-harmonic one (:mod:`.harmonic`), and report
what ``motoropt fea solve`` prints."""

from __future__ import annotations

from motoropt.magnetics.fea.femfile import read_fem
from motoropt.magnetics.fea.harmonic import solve_harmonic_geometry
from motoropt.magnetics.fea.post import flux_linkage, stress_tensor_torque
from motoropt.magnetics.fea.solver import build_problem, solve


def solve_fem_file(path, torque_group: int | None = None) -> dict:
    """Mesh and solve a FEMM .fem file; the JSON-able summary ``motoropt fea solve`` prints (a file
    with [Frequency] > 0 is solved by :mod:`.harmonic` and answers its keys: ``harmonic_summary``).

    Keys: mesh_nodes, mesh_elements, newton_iterations, solve_time_s (Newton solve incl. assembly and
    factorisation, s), circuits {name: {current_a, flux_linkage_wb}}, and torque_nm (weighted stress
    tensor on the blocks of ``torque_group``, N m, for the modelled part) when a group is given.
    """

    geom = read_fem(path)
    if geom.frequency_hz > 0:  # time-harmonic file: keys of motoropt.magnetics.fea.harmonic.harmonic_summary
        return solve_harmonic_geometry(geom, torque_group)
    p = build_problem(geom)
    sol = solve(p)
    psi = flux_linkage(sol)
    out = {"mesh_nodes": int(p.nodes.shape[0]), "mesh_elements": int(p.tri.shape[0]),
           "newton_iterations": int(sol.newton_iterations), "solve_time_s": float(sol.solve_time_s),
           "circuits": {n: {"current_a": float(sol.currents[n]), "flux_linkage_wb": psi[n]} for n in p.circuit_names}}
    if torque_group is not None:
        out["torque_nm"] = stress_tensor_torque(sol, int(torque_group))
    return out
