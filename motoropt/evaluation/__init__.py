"""The evaluation of one design (:mod:`.pipeline`): machine model, efficiency map, cycles
(:mod:`.cycles`), drive system and thermal stages, KPIs, in typed records (:mod:`.records`);
FEA-refined evaluations and the analytic-vs-FEA comparison (:mod:`.fea`)."""

from motoropt.evaluation.pipeline import evaluate_case, evaluate_design, machine_model, operating_point_case
from motoropt.evaluation.records import CycleData, Evaluation

__all__ = ["CycleData", "Evaluation", "evaluate_case", "evaluate_design", "machine_model", "operating_point_case"]
