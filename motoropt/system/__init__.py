"""The drive system: motor + inverter (+ reduction gear) evaluated together (:mod:`.evaluation`)."""

from motoropt.system.evaluation import LOSS_BAR_KINDS, cycle_loss_breakdown, system_evaluation

__all__ = ["LOSS_BAR_KINDS", "cycle_loss_breakdown", "system_evaluation"]
