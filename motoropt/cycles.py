"""Drive cycles: public 1 Hz speed traces shipped as package data.

Each trace is a CSV file in ``motoropt/data/cycles/`` with columns ``time_s,speed_m_per_s``
(one leading ``#`` line names its source; full citations in ``data/cycles/SOURCES.md``).

Conventions (assumptions stated once):

* time in s, speed in m/s, sampled at 1 Hz (checked when loading);
* distance is the trapezoid integral of v(t), in km;
* the mean speed is distance / duration *with stops included* (not the "driving" speed that
  excludes idle);
* duration is ``t[-1] - t[0]``; a trace of N samples therefore lasts N-1 s (NEDC: 1180 samples,
  1179 s; the regulation's "1180 s" counts samples).

Shipped cycles: WLTC class 3b (UN GTR 15), UDDS / HWFET / US06 (US EPA), NEDC (UN ECE R101),
JC08 (Japan), and the Manhattan bus cycle (WVU; heavy vehicle).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np

from motoropt.errors import InputError

CYCLE_NAMES: tuple[str, ...] = ("wltc3b", "udds", "hwfet", "us06", "nedc", "jc08", "manhattan")

_CYCLE_SOURCES: dict[str, str] = {
    "wltc3b": "WLTC class 3b, UN GTR No. 15; trace: FASTSim (NREL) resources/cycles",
    "udds": "UDDS (FTP-72), US EPA; trace: FASTSim (NREL) resources/cycles",
    "hwfet": "HWFET, US EPA; trace: FASTSim (NREL) resources/cycles",
    "us06": "US06, US EPA; trace: FASTSim (NREL) resources/cycles",
    "nedc": "NEDC, UN ECE R101; trace: JRC wltp package",
    "jc08": "JC08, Japan MLIT (TRIAS); trace: jmaab-coopctrl/Jmaab_METI_TRAMI_VehSim "
    "param/JC08_100ms_spline.csv, integer-second points",
    "manhattan": "Manhattan bus cycle, West Virginia University; trace: NREL ADVISOR 2003 "
    "CYC_MANHATTAN.mat",
}


@dataclass(frozen=True)
class DriveCycle:
    """A speed trace: ``t`` in s (1 Hz), ``v`` in m/s, ``source`` a citation string."""

    name: str
    t: np.ndarray
    v: np.ndarray
    source: str

    @property
    def duration_s(self) -> float:
        """Duration t[-1] - t[0], s."""
        return float(self.t[-1] - self.t[0])

    @property
    def distance_km(self) -> float:
        """Distance, trapezoid integral of v dt, km."""
        return float(np.trapezoid(self.v, self.t) / 1000.0)

    @property
    def max_speed_kmh(self) -> float:
        """Maximum speed, km/h."""
        return float(np.max(self.v) * 3.6)

    @property
    def mean_speed_kmh(self) -> float:
        """Mean speed = distance / duration, km/h, stops (idle) INCLUDED."""
        return self.distance_km / (self.duration_s / 3600.0)

    def summary(self) -> dict:
        """Totals: duration_s, distance_km, max_speed_kmh, mean_speed_kmh (stops included)."""
        return {
            "duration_s": self.duration_s,
            "distance_km": self.distance_km,
            "max_speed_kmh": self.max_speed_kmh,
            "mean_speed_kmh": self.mean_speed_kmh,
        }


@functools.cache
def load_cycle(name: str) -> DriveCycle:
    """Load a shipped cycle by name (one of :data:`CYCLE_NAMES`); cached.

    The returned arrays are made read-only, since the object is shared by the cache.
    """
    if name not in CYCLE_NAMES:
        raise InputError("cycle", name, f"one of {list(CYCLE_NAMES)}")
    text = (resources.files("motoropt") / "data" / "cycles" / f"{name}.csv").read_text(
        encoding="utf-8"
    )
    rows = [
        line for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith("time_s")
    ]
    data = np.loadtxt(rows, delimiter=",", ndmin=2, dtype=float)
    t = np.ascontiguousarray(data[:, 0])
    v = np.ascontiguousarray(data[:, 1])
    if not np.allclose(np.diff(t), 1.0):  # pragma: no cover - guards the shipped data
        raise ValueError(f"cycle {name}: time is not sampled at 1 Hz")
    t.setflags(write=False)
    v.setflags(write=False)
    return DriveCycle(name=name, t=t, v=v, source=_CYCLE_SOURCES[name])

