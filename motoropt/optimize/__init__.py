"""Multi-objective optimisation of a case's design variables (pymoo NSGA-II/III), run storage,
resume, the run's results (front, designs, FEA refinement). See :mod:`.runner` and :mod:`.report`;
the HTML review is :mod:`motoropt.review`."""

from motoropt.optimize.problem import (  # noqa: F401
    Constraint,
    MotorProblem,
    Objective,
    OptimizationSpec,
    evaluate_assignment,
    evaluate_chunk,
    parse_optimization,
)
from motoropt.optimize.report import export, refine_fea, show  # noqa: F401
from motoropt.optimize.runner import RunResult, run_optimization  # noqa: F401
from motoropt.optimize.storage import RunData  # noqa: F401
