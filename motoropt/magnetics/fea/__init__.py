"""Finite-element path: one 2-D cross-section (:mod:`.geometry2d`) -> FEMM .fem files (:mod:`.femfile`),
FEMM through pyfemm (:mod:`.femm_backend`), the embedded nonlinear magnetostatic solver
(:mod:`.mesh`, :mod:`.solver`, :mod:`.post`) and its time-harmonic counterpart (:mod:`.harmonic`);
cage induction machines: :mod:`.cage_section` (its cage parameters: :mod:`motoropt.machines.induction.fea`)."""

from motoropt.magnetics.fea.fem_solve import solve_fem_file
from motoropt.magnetics.fea.femfile import fem_text, parse_fem, read_fem, write_fem
from motoropt.magnetics.fea.geometry2d import (
                   NO_MESH,
                   ArcSegment,
                   BlockLabel,
                   Boundary,
                   Circuit,
                   Geometry,
                   Material,
                   Segment,
)
from motoropt.magnetics.fea.mesh import Mesh, build_mesh
from motoropt.magnetics.fea.post import (
                   arkkio_torque,
                   coenergy,
                   coenergy_torque,
                   energy,
                   field_at,
                   flux_linkage,
                   stress_tensor_torque,
)
from motoropt.magnetics.fea.solver import Problem, Solution, build_problem, solve

__all__ = ["NO_MESH", "ArcSegment", "BlockLabel", "Boundary", "Circuit", "Geometry", "Material", "Segment",
           "Mesh", "build_mesh", "Problem", "Solution", "build_problem", "solve", "fem_text", "parse_fem",
           "read_fem", "write_fem", "arkkio_torque", "coenergy", "coenergy_torque", "energy", "field_at",
           "flux_linkage", "solve_fem_file", "stress_tensor_torque"]
