"""``motoropt optimize``: pymoo NSGA-II/III over a case's design variables, evaluated serially, on
a local process pool or on a Dask cluster; every design stored as it is computed; resumable.

The runner drives the algorithm with pymoo's ask/tell interface: ``ask`` gives the population to
evaluate, the runner evaluates it in chunks (one task per chunk, ``problem.evaluate_chunk``, a
top-level function that pickles to spawned processes and Dask workers), appends each finished
chunk to ``RUN.h5``, hands F and G to the algorithm (``tell``) and checkpoints the algorithm (it
carries its own seeded ``numpy.random.Generator``, so a resumed run continues the same random
sequence: same seed → same designs → same front, whatever the parallel backend).

Scale-out with Dask (several machines)::

    # on the scheduler machine
    dask scheduler                       # listens on tcp://<host>:8786
    # on every worker machine (same motoropt version installed; one process per core, 1 thread)
    dask worker tcp://<host>:8786 --nworkers auto --nthreads 1
    # anywhere that can reach the scheduler
    motoropt optimize case.toml --out run.h5 --dask tcp://<host>:8786

The case is sent to the workers with each task, so they need no shared file system.

Faults (issue 19):

- Local pool workers die with motoropt, even after SIGKILL (:mod:`motoropt.parallel`).
- One writer per run file: the run holds ``RUN.h5.lock`` (:func:`.storage.writer_lock`); a second
  ``optimize`` on the same ``--out`` is refused (InputError, exit status 2) naming the holder.
- SIGINT/SIGTERM stop the run at the next chunk boundary: the chunks in flight are abandoned (pool
  workers killed, Dask futures cancelled), the rows already stored stay, and :class:`RunStopped`
  says how to resume (the CLI exits with 128 + the signal number: 130 for SIGINT, 143 for
  SIGTERM). A second signal aborts at once. The checkpoint on disk is always the last completed
  generation's (one is written before the first generation, so even a stop in generation 0
  resumes); ``--resume`` reuses the rows of the interrupted generation that were stored before the
  stop (same ids and variables as the resumed algorithm asks again), so only the abandoned chunks
  are evaluated again.
- A write that fails (full disk, quota) stops the run the same way (exit status 74, EX_IOERR),
  with the run file as it was before that write (:mod:`.storage` reserves the space first).
"""

from __future__ import annotations

import dataclasses
import math
import shlex
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motoropt.case import load_case
from motoropt.errors import InputError, MotoroptError
from motoropt.optimize import storage
from motoropt.optimize.problem import (
    ALGORITHMS,
    ERROR_OBJECTIVE,
    ERROR_VIOLATION,
    MotorProblem,
    bounds,
    check_kpi_names,
    decode,
    evaluate_assignment,
    evaluate_chunk,
    flatten_kpis,
    numeric_row,
    objective_constraint_rows,
    parse_optimization,
)
from motoropt.optimize.report import pareto_front_rows
from motoropt.parallel import default_single_blas_thread, fast_start_method, kill_pool, make_process_pool

EXIT_WRITE_FAILED = 74  # EX_IOERR (sysexits.h): the run stopped because its file could not be written
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunStopped(MotoroptError):
    """The run stopped before its last generation (a stop signal, or its file could not be
    written); the run file and checkpoint are consistent and ``--resume`` continues it.
    ``exit_status``: 128 + signal number, or EXIT_WRITE_FAILED."""

    def __init__(self, message: str, exit_status: int, signum: int | None = None):
        self.exit_status = exit_status
        self.signum = signum
        super().__init__(message)


@dataclass
class RunResult:
    """Summary of a finished run. Objective values are the KPI values as reported (not negated)."""

    path: str
    n_evaluated: int
    n_feasible: int
    n_errors: int
    front_ids: np.ndarray  # ids of the non-dominated feasible designs in the run file
    front_objectives: np.ndarray  # (n_front, n_obj)
    elapsed_s: float
    designs_per_s: float
    final_population_front: np.ndarray  # pymoo result: non-dominated of the final population (raw objectives)
    n_reused: int = 0  # rows of an interrupted generation taken over by --resume instead of re-evaluated


def make_algorithm(spec, n_obj: int):
    """pymoo algorithm for the spec (NSGA-II, or NSGA-III with Das-Dennis reference directions,
    as many as fit in the population)."""
    if spec.algorithm == "nsga2":
        from pymoo.algorithms.moo.nsga2 import NSGA2

        return NSGA2(pop_size=spec.pop, eliminate_duplicates=True)
    from pymoo.algorithms.moo.nsga3 import NSGA3
    from pymoo.util.ref_dirs import get_reference_directions

    if n_obj == 1:
        ref = np.array([[1.0]])
    else:
        parts = 1
        while math.comb(parts + 1 + n_obj - 1, n_obj - 1) <= spec.pop:
            parts += 1
        ref = get_reference_directions("das-dennis", n_obj, n_partitions=parts)
    return NSGA3(pop_size=spec.pop, ref_dirs=ref, eliminate_duplicates=True)


# --- evaluation backends ------------------------------------------------------------------------
def _chunks(n: int, n_chunks: int) -> list[list[int]]:
    n_chunks = max(1, min(n, n_chunks))
    return [list(a) for a in np.array_split(np.arange(n), n_chunks) if len(a)]


def _guided_chunks(n: int, n_chunks: int) -> list[list[int]]:
    """n items in at most n_chunks consecutive chunks of decreasing size (sizes in proportion to
    n_chunks, n_chunks - 1, ..., 1): workers take the large chunks first and the small ones last, so
    a generation's end waits for a small chunk rather than an average one (the generation is a
    barrier), with the same number of chunks (and run-file appends) as equal chunks."""
    n_chunks = max(1, min(n, n_chunks))
    w = np.arange(n_chunks, 0, -1, dtype=float)
    sizes = np.floor(w / w.sum() * n).astype(int)
    sizes[: n - int(sizes.sum())] += 1  # the remainder to the largest chunks: sizes stay non-increasing
    ends = np.cumsum(sizes)
    starts = np.r_[0, ends[:-1]]
    return [list(range(a, b)) for a, b in zip(starts, ends) if b > a]


class SerialBackend:
    def __init__(self, chunk: int = 8):
        self.chunk = chunk

    def map(self, case, assignments, overrides, stop=None):
        for idx in _chunks(len(assignments), math.ceil(len(assignments) / self.chunk)):
            yield idx, evaluate_chunk(case, [assignments[i] for i in idx], overrides)

    def close(self, abandon: bool = False):
        pass


def _noop() -> None:
    """A task that only makes the pool start its workers."""


class PoolBackend:
    """Local process pool (processes that die with this one, see :mod:`motoropt.parallel`; forked
    on Linux, so that they start with the kernels the run's nominal evaluation loaded, else spawned;
    each keeps its numba kernels loaded across chunks)."""

    def __init__(self, workers: int, start_method: str | None = None):
        # One BLAS thread per worker: the models' small dense solves gain nothing from OpenBLAS
        # threads, which otherwise spin on every core and stop 2 workers from scaling (measured on
        # 2 cores: 26 -> 26 designs/s from 1 to 2 workers with default threads). Spawned workers
        # inherit the environment; a value the user set is kept.
        default_single_blas_thread()
        self.workers = workers
        self.ex = make_process_pool(workers, start_method=start_method or fast_start_method())
        self.ex.submit(_noop).result()  # start the workers now (forked before any other thread exists)

    def map(self, case, assignments, overrides, stop=None):
        """Yield (indices, results) per finished chunk; returns early (chunks still running) as
        soon as ``stop()`` is true (checked every 0.2 s)."""
        from concurrent.futures import FIRST_COMPLETED, wait

        futs = {}
        for idx in _guided_chunks(len(assignments), 4 * self.workers):
            futs[self.ex.submit(evaluate_chunk, case, [assignments[i] for i in idx], overrides)] = idx
        pending = set(futs)
        while pending:
            if stop is not None and stop():
                return
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: futs[f][0]):
                yield futs[fut], fut.result()

    def close(self, abandon: bool = False):
        if abandon:

            kill_pool(self.ex)
        else:
            self.ex.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """dask.distributed: one task per chunk on the cluster at ``address`` (or a Client given)."""

    def __init__(self, address):
        from dask.distributed import Client

        self.own = not hasattr(address, "submit")
        self.client = Client(address) if self.own else address
        n = sum(self.client.nthreads().values()) or 1
        self.n_chunks = 4 * n
        self.futs = []

    def map(self, case, assignments, overrides, stop=None):
        from dask.distributed import as_completed

        idxs = _guided_chunks(len(assignments), self.n_chunks)
        futs = [self.client.submit(evaluate_chunk, case, [assignments[i] for i in idx], overrides, pure=False)
                for idx in idxs]
        self.futs = futs
        pos = {f.key: i for i, f in enumerate(futs)}
        for fut, res in as_completed(futs, with_results=True):
            yield idxs[pos[fut.key]], res

    def close(self, abandon: bool = False):
        if abandon and self.futs:
            try:
                self.client.cancel(self.futs)
            except Exception:
                pass
        if self.own:
            self.client.close()


def make_backend(workers: int | None, dask_address):
    if dask_address is not None and workers not in (None, 1):
        raise InputError("--workers", workers, "left out when --dask is given (the cluster sets the parallelism)")
    if dask_address is not None:
        return DaskBackend(dask_address)
    w = 1 if workers is None else workers
    if isinstance(w, bool) or not isinstance(w, int) or w < 1:
        raise InputError("--workers", workers, "an integer >= 1")
    return SerialBackend() if w == 1 else PoolBackend(w)


# --- progress ---------------------------------------------------------------------------------------
class _Progress:
    def __init__(self, spec, total: int, initial: int, enabled: bool):
        self.spec = spec
        self.best = np.full(len(spec.objectives), np.nan)
        self.n = initial
        self.n_feas = 0
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="design", dynamic_ncols=True, file=sys.stderr,
                            desc="optimize")

    def update(self, raw_obj: np.ndarray, feasible: np.ndarray):
        for j, o in enumerate(self.spec.objectives):
            v = raw_obj[feasible, j]
            v = v[np.isfinite(v)]
            if len(v):
                b = v.max() if o.sense == "max" else v.min()
                if not np.isfinite(self.best[j]) or (b > self.best[j] if o.sense == "max" else b < self.best[j]):
                    self.best[j] = b
        self.n_feas += int(feasible.sum())
        self.n += len(feasible)
        if self.bar is not None:
            post = {o.kpi.split(".")[-1][:24]: f"{b:.4g}" for o, b in zip(self.spec.objectives, self.best)}
            post["feasible"] = f"{self.n_feas / max(self.n, 1):.0%}" if self.n else "-"
            self.bar.set_postfix(post, refresh=False)
            self.bar.update(len(feasible))

    def close(self):
        if self.bar is not None:
            self.bar.close()


# --- the run --------------------------------------------------------------------------------------
def _rows_for(problem, ids, gen, assignments, results, kpi_columns):
    spec = problem.spec
    n = len(results)
    rows = {
        "id": np.asarray(ids, np.int64), "generation": np.full(n, gen, np.int32),
        "x": np.array([numeric_row(problem.variables, a) for a in assignments]).reshape(n, problem.n_var),
        "objectives": np.empty((n, problem.n_obj)), "constraints": np.empty((n, len(spec.constraint_terms))),
        "violation": np.empty(n), "feasible": np.empty(n, np.uint8), "kpis": np.full((n, len(kpi_columns)), np.nan),
        "error": [],
    }
    for i, (k, e) in enumerate(results):
        raw, F, G, err = objective_constraint_rows(spec, k, e)
        rows["objectives"][i] = raw
        rows["constraints"][i] = G[:-1]
        rows["violation"][i] = float(np.sum(np.maximum(G, 0.0)))
        rows["feasible"][i] = 1 if err is None and np.all(G <= 0.0) else 0
        rows["error"].append(err or "")
        if k is not None:
            flat = flatten_kpis(k)
            rows["kpis"][i] = [flat.get(c, np.nan) for c in kpi_columns]
    return rows


def _fg_from_rows(spec, rows):
    """F, G as pymoo minimises them, from rows as stored: the inverse of
    :func:`objective_constraint_rows` for what the file keeps (objectives as reported; constraints
    without the evaluation-ok column, which is 0 exactly when the error text is empty)."""
    sign = np.array([-1.0 if o.sense == "max" else 1.0 for o in spec.objectives])
    err = np.array([bool(e) for e in rows["error"]], bool)
    F = np.where(err[:, None], ERROR_OBJECTIVE, np.asarray(rows["objectives"]) * sign)
    G = np.column_stack([np.asarray(rows["constraints"]).reshape(len(err), -1), np.where(err, ERROR_VIOLATION, 0.0)])
    return F, G


def _reusable(carried: dict, ids, gen: int, problem, assignments):
    """Rows of an interrupted generation (read before ``--resume`` truncated them) that the resumed
    algorithm asked again: same id, generation and variable values. Returns (positions in this
    generation, rows dict in id order)."""
    first, n = int(ids[0]), len(ids)
    keep = {}
    for r, did in enumerate(carried["id"]):
        i = int(did) - first
        if 0 <= i < n and i not in keep and int(carried["generation"][r]) == gen:
            x = np.asarray(numeric_row(problem.variables, assignments[i]), float)
            if np.array_equal(carried["x"][r], x, equal_nan=True):
                keep[i] = r
    pos = np.array(sorted(keep), int)
    rs = [keep[i] for i in pos]
    rows = {k: ([v[r] for r in rs] if isinstance(v, list) else np.asarray(v)[rs]) for k, v in carried.items()}
    return pos, rows


class _StopRequest:
    """SIGINT/SIGTERM → a request to stop at the next chunk boundary (installed only in the main
    thread; the previous handlers are restored on exit). A second signal aborts at once
    (KeyboardInterrupt)."""

    def __init__(self):
        self.signum = None
        self._old = {}

    def requested(self) -> bool:
        return self.signum is not None

    def _handle(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for s in STOP_SIGNALS:
                self._old[s] = signal.signal(s, self._handle)
        return self

    def __exit__(self, *exc):
        for s, h in self._old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        return False


def _resume_hint(case_path, out, workers, dask_address) -> str:
    cmd = ["motoropt", "optimize", str(case_path) if case_path is not None else "CASE.toml", "--out", str(out)]
    if isinstance(dask_address, str):
        cmd += ["--dask", dask_address]
    elif workers not in (None, 1):
        cmd += ["--workers", str(workers)]
    return " ".join(shlex.quote(c) for c in cmd + ["--resume"])


def _apply_overrides(spec, pop, generations, algorithm, seed):
    ch = {}
    if pop is not None:
        if isinstance(pop, bool) or not isinstance(pop, int) or pop < 4:
            raise InputError("--pop", pop, "an integer >= 4")
        ch["pop"] = pop
    if generations is not None:
        if isinstance(generations, bool) or not isinstance(generations, int) or generations < 1:
            raise InputError("--generations", generations, "an integer >= 1")
        ch["generations"] = generations
    if algorithm is not None:
        if algorithm not in ALGORITHMS:
            raise InputError("--algorithm", algorithm, f"one of {list(ALGORITHMS)}")
        ch["algorithm"] = algorithm
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise InputError("--seed", seed, "an integer >= 0")
        ch["seed"] = seed
    return dataclasses.replace(spec, **ch)


N_PROBE = 16  # sampled designs tried when the nominal design does not evaluate


def prepare(case_path, pop=None, generations=None, algorithm=None, seed=None):
    """Load and validate the case and its [optimization] table, evaluate the nominal design and
    check every KPI name (if the nominal fails, up to N_PROBE designs sampled from the ranges
    are tried). Returns (case, case_text, spec, nominal_kpis)."""

    case = load_case(case_path)
    spec = _apply_overrides(parse_optimization(case.free), pop, generations, algorithm, seed)
    if not case.variables:
        raise InputError("case", str(case_path), "a case with at least one range [min, max] (a design variable)")
    nominal = {v.path: v.nominal for v in case.variables}
    kpis, err = evaluate_assignment(case, nominal, spec.map_overrides)
    if kpis is None:
        # the nominal (range midpoints) may be infeasible: try a few designs from the ranges

        xl, xu = bounds(case.variables)
        rng = np.random.default_rng(12345)
        for _ in range(N_PROBE):
            kpis, _e = evaluate_assignment(case, decode(case.variables, xl + rng.random(len(xl)) * (xu - xl)),
                                           spec.map_overrides)
            if kpis is not None:
                break
    if kpis is None:
        raise InputError("case", str(case_path), f"a case whose nominal design (range midpoints / nominal values) or one of "
                                                 f"{N_PROBE} sampled designs evaluates, to check the KPI names "
                                                 f"(the nominal failed: {err})")
    check_kpi_names(spec, kpis)
    return case, Path(case_path).read_text(encoding="utf-8"), spec, kpis


def run_optimization(case_path, out, pop=None, generations=None, algorithm=None, workers=None,
                     dask_address=None, seed=None, resume=False, progress=True) -> RunResult:
    """Run (or resume) an optimisation; see the module docstring. Returns a :class:`RunResult`.

    ``pop``/``generations``/``algorithm``/``seed`` override the case's [optimization] values
    (ignored on resume: the checkpointed run's settings are used). ``dask_address`` may also be
    a ``dask.distributed.Client``. Raises :class:`.storage.RunLockedError` when another process
    writes ``out`` and :class:`RunStopped` after a stop signal or a failed write.
    """
    out = str(out)
    t_start = time.perf_counter()
    with storage.writer_lock(out), _StopRequest() as stop:
        st = {"gen": 0, "generations": None}
        try:
            algo, spec, next_id, n0, n_reused = _run(case_path, out, pop, generations, algorithm, workers,
                                                     dask_address, seed, resume, progress, stop, st)
        except storage.RunWriteError as e:
            raise RunStopped(_write_failed_message(e, out, st, _resume_hint(case_path, out, workers, dask_address)),
                             EXIT_WRITE_FAILED) from None
        if stop.requested() and algo.has_next():
            try:
                n = storage.n_rows(out)
            except OSError:
                n = next_id
            name = signal.Signals(stop.signum).name
            raise RunStopped(f"stopped by {name} after {n} designs ({st['gen']} of {spec.generations} generations "
                             f"complete); {out} and its checkpoint are consistent; resume with: "
                             f"{_resume_hint(case_path, out, workers, dask_address)}", 128 + stop.signum, stop.signum)
    elapsed = time.perf_counter() - t_start
    n_new = next_id - n0 - n_reused
    res = algo.result()
    sign = np.array([-1.0 if o.sense == "max" else 1.0 for o in spec.objectives])
    final_front = np.atleast_2d(res.F) * sign if res.F is not None else np.empty((0, len(sign)))
    run = storage.RunData(out)

    fr = pareto_front_rows(run)
    return RunResult(path=out, n_evaluated=len(run.id), n_feasible=int(run.feasible.sum()),
                     n_errors=sum(1 for e in run.error if e), front_ids=run.id[fr], front_objectives=run.obj[fr],
                     elapsed_s=elapsed, designs_per_s=n_new / elapsed if elapsed > 0 else float("nan"),
                     final_population_front=final_front, n_reused=n_reused)


def _write_failed_message(e, out, st, hint) -> str:
    if st["generations"] is None or e.damaged:
        return (f"stopped: {e}. Start the run again (without --resume"
                f"{', after moving the damaged file away' if e.damaged else ''}) once the disk has room")
    try:
        n = f"{storage.n_rows(out)} designs"
    except OSError:
        n = "its designs"
    return (f"stopped: {e}. {out} holds {n} ({st['gen']} of {st['generations']} generations complete); "
            f"free some disk space, then resume with: {hint}")


def _checkpoint(out, algo, spec, kpi_columns, gen, next_id):
    storage.write_checkpoint(out, {"algorithm": algo, "spec": spec, "kpi_columns": kpi_columns,
                                   "generation": gen, "next_id": next_id, "n_rows": next_id})


def _run(case_path, out, pop, generations, algorithm, workers, dask_address, seed, resume, progress, stop, st):
    """The body of :func:`run_optimization` (lock and signal handlers held by the caller); ``st``
    records how far the run got (for the stop messages). Returns (algo, spec, next_id, n0, n_reused)."""
    from pymoo.core.evaluator import Evaluator
    from pymoo.problems.static import StaticProblem

    ckpt = storage.read_checkpoint(out) if resume else None
    if resume and ckpt is None:
        raise InputError("--resume", out, f"a run with a checkpoint ({storage.checkpoint_path(out)} not found)")
    carried = None
    if ckpt is not None:
        algo, spec, kpi_columns = ckpt["algorithm"], ckpt["spec"], ckpt["kpi_columns"]
        gen, next_id = ckpt["generation"], ckpt["next_id"]
        st.update(gen=gen, generations=spec.generations)
        if storage.n_rows(out) > ckpt["n_rows"]:  # the generation in progress when the run stopped
            carried = storage.read_rows(out, ckpt["n_rows"])
        storage.truncate_rows(out, ckpt["n_rows"])
        problem = algo.problem
    else:
        case, text, spec, kpis = prepare(case_path, pop, generations, algorithm, seed)
        kpi_columns = sorted(flatten_kpis(kpis))
        problem = MotorProblem(case, spec)
        storage.create_run(out, case, text, spec, kpi_columns)
        if Path(storage.checkpoint_path(out)).exists():
            Path(storage.checkpoint_path(out)).unlink()
        algo = make_algorithm(spec, problem.n_obj)
        algo.setup(problem, termination=("n_gen", spec.generations), seed=spec.seed, verbose=False)
        gen, next_id = 0, 0
        _checkpoint(out, algo, spec, kpi_columns, gen, next_id)  # a stop in generation 0 can resume
        st.update(gen=0, generations=spec.generations)

    n0, n_reused = next_id, 0
    backend = make_backend(workers, dask_address) if algo.has_next() else None
    prog = _Progress(spec, spec.pop * spec.generations, next_id, progress and backend is not None)
    clean = False
    try:
        while algo.has_next() and not stop.requested():
            pop_ = algo.ask()
            X = pop_.get("X")
            assignments = problem.assignments(X)
            n = len(assignments)
            ids = np.arange(next_id, next_id + n)
            F = np.empty((n, problem.n_obj))
            G = np.empty((n, len(spec.constraint_terms) + 1))
            have = np.zeros(n, bool)
            if carried is not None:
                pos, rows = _reusable(carried, ids, gen, problem, assignments)
                carried = None
                if len(pos):
                    storage.append_rows(out, rows)
                    F[pos], G[pos] = _fg_from_rows(spec, rows)
                    have[pos] = True
                    n_reused += len(pos)
                    prog.update(rows["objectives"], rows["feasible"].astype(bool))
            todo = np.nonzero(~have)[0]
            if len(todo):
                for idx, res in backend.map(problem.case, [assignments[i] for i in todo], spec.map_overrides,
                                            stop=stop.requested):
                    pos = todo[idx]
                    rows = _rows_for(problem, ids[pos], gen, [assignments[i] for i in pos], res, kpi_columns)
                    storage.append_rows(out, rows)
                    F[pos], G[pos] = _fg_from_rows(spec, rows)
                    have[pos] = True
                    prog.update(rows["objectives"], rows["feasible"].astype(bool))
                    if stop.requested():
                        break
            if not have.all():  # stopped within the generation: its stored rows are reused on resume
                break
            Evaluator().eval(StaticProblem(problem, F=F, G=G), pop_)
            algo.tell(infills=pop_)
            gen += 1
            next_id += n
            _checkpoint(out, algo, spec, kpi_columns, gen, next_id)
            st["gen"] = gen
            storage.set_attrs(out, generations_done=gen)
        clean = not stop.requested()
    finally:
        prog.close()
        if backend is not None:
            backend.close(abandon=not clean)
    if not algo.has_next():
        storage.set_attrs(out, complete=1)
    return algo, spec, next_id, n0, n_reused
