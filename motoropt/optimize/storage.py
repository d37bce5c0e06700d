"""Optimisation run files (HDF5, readable with plain h5py) and the algorithm checkpoint.

Layout of ``RUN.h5``::

    /                 attrs: format ("motoropt-optrun"), format_version, motoropt_version,
                             case_path, case_toml (the case file's text, so the run is self-contained),
                             algorithm, pop, generations, seed, objectives (JSON), constraints (JSON),
                             constraint_labels (JSON), map_overrides (JSON), created_utc,
                             complete (0/1), generations_done
    /variables        attrs: names, kinds, lo, hi, choices (JSON list of lists; choice values are
                             stored as their index)
    /designs/id           (n,) int64       design id (= evaluation order; ids are dense from 0)
    /designs/generation   (n,) int32       0 = initial population
    /designs/x            (n, n_var)       variable values (case-file units; choices: index)
    /designs/objectives   (n, n_obj)       objective KPI values as reported (not sign-flipped)
    /designs/constraints  (n, n_con)       normalised g (<= 0 satisfied; see problem.py)
    /designs/violation    (n,)             sum of positive g (incl. the evaluation_ok column)
    /designs/feasible     (n,) uint8
    /designs/kpis         (n, n_kpi)       every numeric scalar KPI, attrs columns = dotted names
                                           (fixed at the start from the nominal design's KPIs)
    /designs/error        (n,) str         "" or the evaluation error
    /refined/<evaluator>/ ids, kpis (+ attrs columns)  results of refine_fea

Rows are appended as evaluations complete (the file is opened, appended and closed for every
batch, so a killed run leaves a consistent file). The algorithm state is pickled (cloudpickle; loads with
the standard pickle module) after every generation to ``RUN.h5.ckpt`` (write to a temporary file, fsync, ``os.replace``), together with the
number of rows it accounts for: ``--resume`` truncates rows written after it (a generation that was
being evaluated when the run died is evaluated again, deterministically).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import pickle
from dataclasses import asdict

import h5py
import numpy as np

from motoropt import __version__
from motoropt.case import parse_case
from motoropt.errors import InputError

FORMAT = "motoropt-optrun"
FORMAT_VERSION = 1
_STR = h5py.string_dtype()


def checkpoint_path(run_path) -> str:
    return str(run_path) + ".ckpt"


def create_run(path, case, case_text: str, spec, kpi_columns: list[str]) -> None:
    """Create an empty run file (overwrites)."""
    vs = case.variables
    n_var, n_obj, n_con = len(vs), len(spec.objectives), len(spec.constraint_terms)
    with h5py.File(path, "w") as f:
        f.attrs.update(
            format=FORMAT, format_version=FORMAT_VERSION, motoropt_version=__version__,
            case_path=str(case.path), case_toml=case_text, algorithm=spec.algorithm, pop=spec.pop,
            generations=spec.generations, seed=spec.seed,
            objectives=json.dumps([asdict(o) for o in spec.objectives]),
            constraints=json.dumps([asdict(c) for c in spec.constraints]),
            constraint_labels=json.dumps(spec.constraint_labels),
            map_overrides=json.dumps(spec.map_overrides),
            created_utc=_dt.datetime.now(_dt.UTC).isoformat(), complete=0, generations_done=0)
        g = f.create_group("variables")
        g.attrs.update(names=json.dumps([v.path for v in vs]), kinds=json.dumps([v.kind for v in vs]),
                       lo=json.dumps([v.lo for v in vs]), hi=json.dumps([v.hi for v in vs]),
                       choices=json.dumps([list(v.choices) for v in vs]))
        d = f.create_group("designs")
        d.create_dataset("id", (0,), np.int64, maxshape=(None,), chunks=(1024,))
        d.create_dataset("generation", (0,), np.int32, maxshape=(None,), chunks=(1024,))
        for name, w in (("x", n_var), ("objectives", n_obj), ("constraints", n_con), ("kpis", len(kpi_columns))):
            d.create_dataset(name, (0, w), np.float64, maxshape=(None, w), chunks=(256, max(w, 1)))
        d["kpis"].attrs["columns"] = json.dumps(kpi_columns)
        d.create_dataset("violation", (0,), np.float64, maxshape=(None,), chunks=(1024,))
        d.create_dataset("feasible", (0,), np.uint8, maxshape=(None,), chunks=(1024,))
        d.create_dataset("error", (0,), _STR, maxshape=(None,), chunks=(1024,))


def append_rows(path, rows: dict) -> int:
    """Append rows (dict of arrays keyed by dataset name, same length) and flush; returns n rows."""
    n_new = len(rows["id"])
    with h5py.File(path, "a") as f:
        d = f["designs"]
        n = d["id"].shape[0]
        for name, arr in rows.items():
            ds = d[name]
            ds.resize(n + n_new, axis=0)
            if name == "error":
                ds[n:] = np.array([str(s) for s in arr], dtype=object)
            else:
                ds[n:] = arr
        f.flush()
        return n + n_new


def n_rows(path) -> int:
    with h5py.File(path, "r") as f:
        return int(f["designs/id"].shape[0])


def truncate_rows(path, n: int) -> None:
    with h5py.File(path, "a") as f:
        for ds in f["designs"].values():
            if ds.shape[0] > n:
                ds.resize(n, axis=0)


def set_attrs(path, **attrs) -> None:
    with h5py.File(path, "a") as f:
        f.attrs.update(attrs)


def write_checkpoint(run_path, state: dict) -> None:
    """Pickle ``state`` to RUN.h5.ckpt atomically."""
    p = checkpoint_path(run_path)
    tmp = p + ".tmp"
    try:  # cloudpickle (a dask dependency) also handles pymoo's locally decorated operators (NSGA-III)
        import cloudpickle as _pk
    except ImportError:  # pragma: no cover
        _pk = pickle
    with open(tmp, "wb") as fh:
        _pk.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)


def read_checkpoint(run_path) -> dict | None:
    p = checkpoint_path(run_path)
    if not os.path.exists(p):
        return None
    with open(p, "rb") as fh:
        return pickle.load(fh)


class RunData:
    """Everything in a run file, loaded into memory (numpy arrays, lists)."""

    def __init__(self, path):
        self.path = str(path)
        if not os.path.isfile(self.path):
            raise InputError("run", self.path, "an existing run file (RUN.h5 written by 'motoropt optimize')")
        try:
            f = h5py.File(self.path, "r")
        except OSError as e:
            raise InputError("run", self.path, f"a readable HDF5 file ({e})") from None
        with f:
            if f.attrs.get("format") != FORMAT:
                raise InputError("run", self.path, f"a '{FORMAT}' file (this is {f.attrs.get('format')!r})")
            a = dict(f.attrs)
            self.attrs = a
            self.case_toml = str(a["case_toml"])
            self.case_path = str(a["case_path"])
            self.objectives = json.loads(a["objectives"])
            self.constraints = json.loads(a["constraints"])
            self.constraint_labels = json.loads(a["constraint_labels"])
            self.map_overrides = json.loads(a["map_overrides"])
            v = f["variables"].attrs
            self.var_names = json.loads(v["names"])
            self.var_kinds = json.loads(v["kinds"])
            self.var_choices = json.loads(v["choices"])
            self.var_lo = np.array(json.loads(v["lo"]), float)
            self.var_hi = np.array(json.loads(v["hi"]), float)
            d = f["designs"]
            self.id = d["id"][:]
            self.generation = d["generation"][:]
            self.x = d["x"][:]
            self.obj = d["objectives"][:]
            self.con = d["constraints"][:]
            self.violation = d["violation"][:]
            self.feasible = d["feasible"][:].astype(bool)
            self.kpis = d["kpis"][:]
            self.kpi_columns = json.loads(d["kpis"].attrs["columns"])
            self.error = [e.decode() if isinstance(e, bytes) else str(e) for e in d["error"][:]]

    def case(self):
        """The run's case (from the stored TOML text)."""
        import tomllib


        return parse_case(tomllib.loads(self.case_toml), self.case_path)

    def row(self, design_id: int) -> int:
        idx = np.nonzero(self.id == int(design_id))[0]
        if len(idx) == 0:
            raise InputError("--design", design_id, f"a design id of this run (0..{int(self.id.max()) if len(self.id) else -1})")
        return int(idx[0])

    def kpi(self, name: str) -> np.ndarray:
        return self.kpis[:, self.kpi_columns.index(name)]

    def minimised(self) -> np.ndarray:
        """Objectives as minimised (sense 'max' negated)."""
        s = np.array([-1.0 if o["sense"] == "max" else 1.0 for o in self.objectives])
        return self.obj * s
