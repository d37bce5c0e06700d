"""What an evaluation stage (the drive system, the thermal model) adds to an evaluation: KPIs and
arrays for storage and plots. The evaluation pipeline merges them into its record
(:class:`motoropt.evaluation.records.Evaluation`) and the HDF5 store writes the arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class StageResult:
    """KPIs and arrays of one stage.

    kpis: top-level KPIs (merged into the evaluation's KPI record);
    cycle_kpis: {cycle name: {KPI: value}} (merged into ``kpis["cycles"][name]``);
    map_arrays: {name: (n_torque, n_speed) array} on the efficiency-map grid (``/map/extra``);
    cycle_arrays: {cycle name: {name: (n,) array}} per cycle interval (``/cycles/<name>``);
    series: {name: 1-D array} (``/series``); timings: {name: seconds}.
    """

    kpis: dict = field(default_factory=dict)
    cycle_kpis: dict = field(default_factory=dict)
    map_arrays: dict[str, np.ndarray] = field(default_factory=dict)
    cycle_arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    series: dict[str, np.ndarray] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
