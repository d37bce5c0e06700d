"""Design evaluation with the finite-element flux map (the optimiser's ``--refine-fea`` evaluator)."""

from motoropt.magnetics.fea.pipeline import fea_evaluator as evaluate_values  # noqa: F401
