"""The typed records of one design's evaluation: per-cycle results and the evaluation itself, with
what the drive-system and thermal stages added (:class:`~motoropt.results.StageResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from motoropt.drive.effmap import EfficiencyMap
from motoropt.results import StageResult

if TYPE_CHECKING:
    from motoropt.machines.base import MachineDesign, MachineModel
    from motoropt.magnetics.fluxmap import FluxMap


@dataclass
class CycleData:
    """One drive cycle's motor operating points (per interval) and results: interval mid-times,
    lengths (s), speed (rpm), torque (N m), mechanical and electrical power (W), losses by kind (W),
    feasibility (inside the envelope), and the summary KPIs (definitions in
    :mod:`motoropt.evaluation.cycles`)."""

    name: str
    time_s: np.ndarray
    dt_s: np.ndarray
    speed_rpm: np.ndarray
    torque_nm: np.ndarray
    p_mech_w: np.ndarray
    p_elec_w: np.ndarray
    losses: dict
    feasible: np.ndarray
    summary: dict


@dataclass
class Evaluation:
    """One design evaluated: machine model, efficiency map, cycles, KPI record (the ``evaluate
    --json`` object) and the stages' results (None when a stage did not run: no ``[inverter]``)."""

    design: MachineDesign
    model: MachineModel
    emap: EfficiencyMap
    cycles: dict[str, CycleData]
    kpis: dict
    case_path: str | None = None
    timings: dict = field(default_factory=dict)
    system: StageResult | None = None
    thermal: StageResult | None = None

    @property
    def fluxmap(self) -> FluxMap | None:
        """The machine's PM flux map (None for machines without one)."""
        return self.model.fluxmap

    @property
    def stages(self) -> tuple[StageResult, ...]:
        return tuple(s for s in (self.system, self.thermal) if s is not None)

    def map_arrays(self) -> dict[str, np.ndarray]:
        """Arrays on the efficiency-map grid beyond the map's own (winding connection, the stages')."""
        out = {} if self.emap.connection is None else {"connection": self.emap.connection}
        for s in self.stages:
            out.update(s.map_arrays)
        return out

    def cycle_arrays(self, name: str) -> dict[str, np.ndarray]:
        """Per-interval arrays of a cycle that the stages added."""
        out = {}
        for s in self.stages:
            out.update(s.cycle_arrays.get(name, {}))
        return out

    def series(self) -> dict[str, np.ndarray]:
        """1-D series the stages added (e.g. the continuous envelope)."""
        out = {}
        for s in self.stages:
            out.update(s.series)
        return out
