"""Multi-objective optimisation of a case's design variables (pymoo NSGA-II/III), run storage,
resume, Pareto review and the FEA refinement hook. See :mod:`.runner` and :mod:`.report`."""

from .problem import (  # noqa: F401
    Constraint, MotorProblem, Objective, OptimizationSpec, evaluate_assignment, evaluate_chunk,
    parse_optimization,
)
from .report import export, refine_fea, report, show  # noqa: F401
from .runner import RunResult, run_optimization  # noqa: F401
from .storage import RunData  # noqa: F401
