"""Where an evaluation's time goes: per pipeline stage, per numba kernel, and the Python around them.

:class:`StageProfile` wraps, for the duration of a ``with`` block,
- every numba dispatcher that motoropt's Python code calls (module-level names in ``motoropt.*``
  modules bound to a numba ``Dispatcher``): each call's wall time is booked to the kernel and to
  the innermost stage running;
- the stage functions named in ``STAGES`` (the pipeline's machine model, map, cycles, system and
  thermal stages and the thermal stage's parts): each call's wall time is booked to that stage.
A stage's "python" time is its time minus its kernels and its sub-stages: NumPy, object
construction and interpreter work. Times are CPU times of the calling thread (``time.thread_time``):
on a machine shared with other processes they are far steadier than wall times.

Calls between kernels inside compiled code are not seen (they are one compiled call). Wrap only
after warm-up (every kernel compiled), as a kernel compiled while wrapped would see the wrapper.
Overhead: ~1 us per wrapped call.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from contextlib import contextmanager
from time import thread_time as clock

# (module, function name, stage label); patched wherever motoropt's modules bind that function
STAGES = (
    ("motoropt.evaluation.pipeline", "machine_model", "model"),
    ("motoropt.drive.effmap", "efficiency_map", "map"),
    ("motoropt.evaluation.cycles", "evaluate_cycles", "cycles"),
    ("motoropt.system.evaluation", "system_evaluation", "system"),
    ("motoropt.thermal.evaluation", "thermal_evaluation", "thermal"),
    ("motoropt.thermal.evaluation", "thermal_network", "thermal.network"),
    ("motoropt.thermal.evaluation", "rating_grid", "thermal.rating_grid"),
    ("motoropt.thermal.evaluation", "continuous_envelope", "thermal.continuous"),
    ("motoropt.thermal.evaluation", "pulse_envelope", "thermal.pulse"),
    ("motoropt.thermal.evaluation", "cycles_components", "thermal.cycle_losses"),
    ("motoropt.thermal.evaluation", "cycle_transient", "thermal.cycle_transient"),
    ("motoropt.thermal.evaluation", "_demag_kpis", "thermal.demag"),
)


def _motoropt_modules():
    return [m for name, m in list(sys.modules.items()) if name.startswith("motoropt") and m is not None]


def _rebind(obj, new) -> list:
    """Replace every module-level binding of ``obj`` in motoropt's modules by ``new``; returns the
    (module, name) pairs for restoring."""
    done = []
    for mod in _motoropt_modules():
        for name, val in list(vars(mod).items()):
            if val is obj:
                setattr(mod, name, new)
                done.append((mod, name))
    return done


class StageProfile:
    """Accumulates (stage -> wall s, calls), (stage, kernel) -> wall s, calls over the evaluations
    run inside ``with prof.active():``."""

    def __init__(self):
        self.stage_time = defaultdict(float)
        self.stage_calls = defaultdict(int)
        self.kernel_time = defaultdict(float)  # (stage, kernel) -> s
        self.kernel_calls = defaultdict(int)
        self.child_time = defaultdict(float)  # stage -> time in its direct sub-stages
        self._stack = ["(outside)"]

    def _stage_wrapper(self, fn, label):
        def wrapped(*a, **k):
            parent = self._stack[-1]
            self._stack.append(label)
            t0 = clock()
            try:
                return fn(*a, **k)
            finally:
                dt = clock() - t0
                self._stack.pop()
                self.stage_time[label] += dt
                self.stage_calls[label] += 1
                self.child_time[parent] += dt
        wrapped.__wrapped__ = fn
        return wrapped

    def _kernel_wrapper(self, disp, name):
        def wrapped(*a, **k):
            t0 = clock()
            try:
                return disp(*a, **k)
            finally:
                key = (self._stack[-1], name)
                self.kernel_time[key] += clock() - t0
                self.kernel_calls[key] += 1
        wrapped.__wrapped__ = disp
        return wrapped

    @contextmanager
    def active(self):
        """Wrap kernels and stage functions (restored on exit)."""
        from numba.core.dispatcher import Dispatcher

        restore = []
        seen = set()
        for mod in _motoropt_modules():
            for _name, val in list(vars(mod).items()):
                if isinstance(val, Dispatcher) and id(val) not in seen:
                    seen.add(id(val))
                    label = f"{val.py_func.__module__.removeprefix('motoropt.')}.{val.py_func.__name__}"
                    restore += [(m, n, val) for m, n in _rebind(val, self._kernel_wrapper(val, label))]
        for modname, fname, label in STAGES:
            mod = sys.modules.get(modname)
            fn = getattr(mod, fname, None) if mod is not None else None
            if fn is not None:
                restore += [(m, n, fn) for m, n in _rebind(fn, self._stage_wrapper(fn, label))]
        try:
            yield self
        finally:
            for m, n, v in restore:
                setattr(m, n, v)

    def table(self, n_evals: int, total_s: float) -> str:
        """Per stage (CPU ms per evaluation): total, kernels (name ms), python = total - kernels - sub-stages."""
        lines = []
        stages = [s for _, _, s in STAGES if s in self.stage_time]
        top = sum(self.stage_time[s] for s in stages if "." not in s)
        for s in stages + ["(outside)"]:
            ks = sorted(((k, v) for (st, k), v in self.kernel_time.items() if st == s), key=lambda kv: -kv[1])
            kt = sum(v for _, v in ks)
            if s == "(outside)":
                wall, py, label = total_s - top, total_s - top - kt, "other (design, KPIs)"
            else:
                wall = self.stage_time[s]
                py = wall - kt - self.child_time[s]
                label = ("  " if "." in s else "") + s
            kern = ", ".join(f"{k.split('.')[-1]} {1e3 * v / n_evals:.2f}" for k, v in ks[:4])
            lines.append(f"    {label:24s} {1e3 * wall / n_evals:7.2f} ms  python {1e3 * py / n_evals:6.2f}"
                         + (f"  kernels: {kern}" if kern else ""))
        return "\n".join(lines)


def profile_evaluations(evaluate, n: int = 5) -> tuple[float, str]:
    """Run ``evaluate()`` n times under a :class:`StageProfile` (after one unprofiled warm-up call);
    returns (CPU ms per evaluation, the profile table)."""
    evaluate()
    prof = StageProfile()
    with prof.active():
        t0 = clock()
        for _ in range(n):
            evaluate()
        total = clock() - t0
    return 1e3 * total / n, prof.table(n, total)
