"""Solve a FEMM 4.2 magnetics file with the embedded solvers: the static Newton solver
(:mod:`.solver`) or, for ``[Frequency] > 0``, the time-harmonic one (:mod:`.harmonic`), and report
what ``motoropt fea solve`` prints.

Limits (each ends in a one-line MotoroptError, never in a hang): the mesh at most ``max_nodes``
nodes (InputError), the nonlinear iteration at most ``max_iter`` iterations and ``time_limit_s`` s
(ConvergenceError with the last residual and both limits); a result with a non-finite number is
refused (ConvergenceError naming the key).
"""

from __future__ import annotations

import math

import numpy as np

from motoropt.errors import ConvergenceError, InputError
from motoropt.magnetics.fea.femfile import read_fem
from motoropt.magnetics.fea.harmonic import solve_harmonic_geometry
from motoropt.magnetics.fea.mesh import build_mesh
from motoropt.magnetics.fea.post import flux_linkage, stress_tensor_torque
from motoropt.magnetics.fea.solver import TIME_LIMIT_S, build_problem, solve

MAX_NODES = 1_000_000  # default mesh size limit of solve_fem_file (nodes)
MAX_ITER_STATIC = 40  # Newton steps (solver.solve's default)
MAX_ITER_HARMONIC = 60  # time-harmonic iterations (harmonic.solve_harmonic's default)


def solve_fem_file(path, torque_group: int | None = None, *, max_iter: int | None = None,
                   time_limit_s: float | None = TIME_LIMIT_S, max_nodes: int | None = MAX_NODES) -> dict:
    """Mesh and solve a FEMM .fem file; the JSON-able summary ``motoropt fea solve`` prints (a file
    with [Frequency] > 0 is solved by :mod:`.harmonic` and answers its keys: ``harmonic_summary``).

    Keys: mesh_nodes, mesh_elements, newton_iterations, solve_time_s (Newton solve incl. assembly and
    factorisation, s), circuits {name: {current_a, flux_linkage_wb}}, and torque_nm (weighted stress
    tensor on the blocks of ``torque_group``, N m, for the modelled part) when a group is given.

    Limits: ``max_iter`` iterations (None: 40 Newton steps for a static file, 60 iterations for a
    time-harmonic one), ``time_limit_s`` of wall time for the nonlinear solve (default 600 s; None:
    none), ``max_nodes`` mesh nodes (default 1 000 000; None: none). A file that is not a FEMM 4.2
    magnetics file raises InputError naming the format line, the line and section, and the field.
    Floating-point overflow inside the solve is not printed (numpy's warnings are off here): the
    solvers stop on a non-finite residual and the result is checked to be finite.
    """
    with np.errstate(all="ignore"):
        return _solve_fem_file(path, torque_group, max_iter, time_limit_s, max_nodes)


def _solve_fem_file(path, torque_group, max_iter, time_limit_s, max_nodes) -> dict:
    geom = read_fem(path)
    try:
        return _solve_geometry(geom, torque_group, max_iter, time_limit_s, max_nodes)
    except InputError as exc:  # geometry, mesh and solver errors: name the file too
        raise InputError(exc.field, exc.value, exc.allowed, message=f"{path}: {exc}") from None
    except ConvergenceError as exc:
        raise ConvergenceError(f"{path}: {exc}", exc.residuals) from None


def _solve_geometry(geom, torque_group, max_iter, time_limit_s, max_nodes) -> dict:
    mesh = build_mesh(geom, max_nodes=max_nodes, check_crossings=True)
    if geom.frequency_hz > 0:  # time-harmonic file: keys of motoropt.magnetics.fea.harmonic.harmonic_summary
        out = solve_harmonic_geometry(geom, torque_group, mesh,
                                      max_iter=MAX_ITER_HARMONIC if max_iter is None else max_iter,
                                      time_limit_s=time_limit_s)
        return _finite(out)
    p = build_problem(geom, mesh)
    sol = solve(p, max_iter=MAX_ITER_STATIC if max_iter is None else max_iter, time_limit_s=time_limit_s)
    psi = flux_linkage(sol)
    out = {"mesh_nodes": int(p.nodes.shape[0]), "mesh_elements": int(p.tri.shape[0]),
           "newton_iterations": int(sol.newton_iterations), "solve_time_s": float(sol.solve_time_s),
           "circuits": {n: {"current_a": float(sol.currents[n]), "flux_linkage_wb": psi[n]} for n in p.circuit_names}}
    if torque_group is not None:
        out["torque_nm"] = stress_tensor_torque(sol, int(torque_group))
    return _finite(out)


def _finite(out: dict) -> dict:
    """``out`` if every number in it is finite, else ConvergenceError naming the first key that is not."""
    def walk(v, key):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{key}.{k}" if key else str(k))
        elif isinstance(v, (list, tuple)):
            for k, x in enumerate(v):
                walk(x, f"{key}[{k}]")
        elif isinstance(v, float) and not math.isfinite(v):
            raise ConvergenceError(f"the solution is not finite ({key} = {v}): check the magnitudes of the "
                                   "file's currents, permeabilities, conductivities and dimensions")

    walk(out, "")
    return out
