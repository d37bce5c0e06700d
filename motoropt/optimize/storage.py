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

One writer, many readers:

- A writer holds ``RUN.h5.lock`` (:func:`writer_lock`): an exclusive ``flock`` on that file, which
  holds the writer's pid, host and start time. ``flock`` and not a lock on ``RUN.h5`` itself:
  HDF5 takes its own ``flock`` on ``RUN.h5`` whenever it opens it (so a second lock on it would
  conflict with our own appends), and a POSIX ``fcntl`` lock would be dropped each time h5py
  closes the file. The kernel releases the lock when its process dies, so a lock file that is
  present but not locked was left by a killed run and is taken over with a warning. A second
  writer gets :class:`RunLockedError` naming the holder. Where ``flock`` is not supported (some
  network file systems) the pid/host in the file decide.
- Readers (:class:`RunData`, report, show, scoreboard, export) open the file read-only between
  the writer's appends. HDF5's own file lock makes an open fail (errno 11) while the other side
  has the file open; :func:`open_h5` retries that for up to ``LOCK_WAIT_S``, for readers and the
  writer alike. With ``HDF5_USE_FILE_LOCKING=FALSE`` (needed on some network file systems) there is
  no such lock: a reader that opens the file in the middle of an append may then fail; retry it.
  SWMR is not used: it needs the newest file format and forbids the attribute and group updates
  the run and the FEA refinement make.

Full disk: before an append (or any other write) the space it can take is reserved beyond the end
of the file (:func:`reserve_space`: Linux ``fallocate`` with ``FALLOC_FL_KEEP_SIZE``; elsewhere a
``statvfs`` check), and released after it. A full disk (or quota) therefore fails the reservation,
before HDF5 has changed a byte, with :class:`RunWriteError`; the file stays readable and the run
resumable. This matters: a write that fails inside HDF5 leaves the file unreadable (measured: HDF5
rewrites the object headers in place before it writes the new space they point to, and the
superblock's end-of-allocation last). Such a failure (the reservation was not enough, or it cannot
hold: copy-on-write or compressing file systems) is still a RunWriteError, saying whether the file
can be read. The reservation keeps the file size unchanged on purpose: a larger file would be cut
back by HDF5 in the middle of its flush, between the object headers and the superblock, and a
SIGKILL in that window (measured: 13 of 40 random kills) leaves the file unreadable.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import errno
import json
import os
import pickle
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict

import h5py
import numpy as np

from motoropt import __version__
from motoropt.case import parse_case
from motoropt.errors import InputError, MotoroptError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

FORMAT = "motoropt-optrun"
FORMAT_VERSION = 1
_STR = h5py.string_dtype()

LOCK_WAIT_S = 60.0  # how long an open waits while another process has the file open (HDF5 lock)
RESERVE_MIN_BYTES = 1 << 20  # space reserved before any write, at least


# --- errors ---------------------------------------------------------------------------------------
class RunLockedError(InputError):
    """The run file is being written by another process (its lock is held)."""


class RunWriteError(MotoroptError):
    """Writing the run file (or its checkpoint) failed, e.g. the disk is full.

    ``errno``/``strerror`` are the operating system's; ``damaged`` is True when the file could not
    be read back afterwards (the write failed inside HDF5, after the space reservation)."""

    def __init__(self, path, what: str, exc: BaseException, damaged: bool = False):
        self.path = str(path)
        self.errno = getattr(exc, "errno", None)
        self.strerror = getattr(exc, "strerror", None) or str(exc)
        self.damaged = damaged
        state = (f"the file cannot be read any more ({damaged})" if damaged
                 else "the file was left as it was before this write")
        super().__init__(f"cannot {what} {self.path}: {self.strerror}; {state}")


def _warn(msg: str) -> None:
    print(f"motoropt: warning: {msg}", file=sys.stderr, flush=True)


def checkpoint_path(run_path) -> str:
    return str(run_path) + ".ckpt"


def lock_path(run_path) -> str:
    return str(run_path) + ".lock"


# --- HDF5 opens that wait for the other side's HDF5 file lock ---------------------------------------
def _is_lock_busy(exc: OSError) -> bool:
    return getattr(exc, "errno", None) in (errno.EAGAIN, errno.EWOULDBLOCK) or "unable to lock file" in str(exc)


def open_h5(path, mode: str = "r", wait_s: float | None = None) -> h5py.File:
    """``h5py.File(path, mode)``, retried (up to ``wait_s``, default LOCK_WAIT_S) while HDF5's file
    lock is held by another process (a reader while we append, or the writer while we read).
    A writer retries every 2 ms, a reader backs off up to 0.25 s, so that readers in a loop do
    not starve the run."""
    wait_s = LOCK_WAIT_S if wait_s is None else wait_s
    t_end = time.monotonic() + wait_s
    delay = 0.002
    while True:
        try:
            return h5py.File(path, mode)
        except OSError as e:
            if not _is_lock_busy(e) or time.monotonic() >= t_end:
                raise
        time.sleep(delay)
        if mode == "r":
            delay = min(2 * delay, 0.25)


# --- the writer lock -------------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _parse_holder(text: str) -> dict:
    out = {}
    for tok in text.split():
        k, _, v = tok.partition("=")
        if v:
            out[k] = v
    return out


def _holder_text(h: dict) -> str:
    if not h:
        return "another process (it has not written its pid yet)"
    return f"pid {h.get('pid', '?')} on host {h.get('host', '?')}, started {h.get('started', '?')}"


class _Lock:
    """An acquired writer lock (see :func:`writer_lock`)."""

    def __init__(self, run_path):
        self.run_path = str(run_path)
        self.path = lock_path(run_path)
        self.fd = None
        self.depth = 0

    def _read(self, fd) -> dict:
        os.lseek(fd, 0, os.SEEK_SET)
        return _parse_holder(os.read(fd, 4096).decode("utf-8", "replace"))

    def _refuse(self, holder: dict):
        raise RunLockedError("run", self.run_path, message=(
            f"run file {self.run_path} is being written by another motoropt ({_holder_text(holder)}); wait for it "
            f"to finish or stop it, or write to another file (lock {self.path})"))

    def _stale(self, holder: dict) -> None:
        if holder:
            _warn(f"taking over the lock of {self.run_path} left by {_holder_text(holder)}, which is no longer "
                  f"running (the run it wrote can be resumed with --resume)")

    def acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except (FileNotFoundError, NotADirectoryError):
                raise InputError("run", self.run_path, "a file in an existing directory") from None
            except PermissionError:
                raise InputError("run", self.run_path, "a file in a directory you can write to") from None
            try:
                flocked = fcntl is not None
                if flocked:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        holder = {}
                        for _ in range(20):  # the holder may be between its flock and its write
                            holder = self._read(fd)
                            if holder:
                                break
                            time.sleep(0.05)
                        self._refuse(holder)
                    except OSError as e:  # flock not supported here: decide by pid/host below
                        if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                            raise
                        flocked = False
                    else:  # a holder releasing the lock unlinks the file: make sure ours is the live one
                        try:
                            same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
                        except FileNotFoundError:
                            same = False
                        if not same:
                            os.close(fd)
                            continue
                holder = self._read(fd)
                if not flocked and holder:
                    mine = holder.get("host") == socket.gethostname()
                    pid = int(holder.get("pid", "0") or 0) if holder.get("pid", "").isdigit() else 0
                    if not mine or (pid != os.getpid() and _pid_alive(pid)):
                        self._refuse(holder)
                self._stale(holder)
                started = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"pid={os.getpid()} host={socket.gethostname()} started={started}\n".encode())
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                raise
            self.fd = fd
            return

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still locked, so a waiting opener sees a fresh file
        except FileNotFoundError:
            pass
        os.close(self.fd)  # releases the flock
        self.fd = None


_HELD: dict[str, _Lock] = {}


@contextmanager
def writer_lock(run_path):
    """Hold the run file's writer lock (``RUN.h5.lock``) for the ``with`` block; re-entrant
    within a process. Raises :class:`RunLockedError` (an InputError) naming the holder when
    another process writes the file; takes over a lock left by a dead process with a warning."""
    key = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(str(run_path)))),
                       os.path.basename(str(run_path)))
    lk = _HELD.get(key)
    if lk is None:
        lk = _Lock(run_path)
        lk.acquire()
        _HELD[key] = lk
    lk.depth += 1
    try:
        yield lk
    finally:
        lk.depth -= 1
        if lk.depth == 0:
            del _HELD[key]
            lk.release()


# --- writes that cannot damage the file on a full disk ---------------------------------------------
FALLOC_FL_KEEP_SIZE = 0x01  # <linux/falloc.h>
_LIBC = None


def _fallocate(fd: int, offset: int, length: int) -> None:
    """Linux ``fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length)``: allocate disk blocks beyond the
    end of the file without changing its size. Raises OSError (ENOSPC, EDQUOT, EOPNOTSUPP, ...).
    A separate function so that tests can make it fail."""
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
        _LIBC.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
    if _LIBC.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def reserve_space(path, nbytes: int) -> None:
    """Make sure ``nbytes`` (at least RESERVE_MIN_BYTES) can be written beyond the end of ``path``.

    Linux: the blocks are allocated with ``fallocate(FALLOC_FL_KEEP_SIZE)`` (charged to the quota,
    the file size unchanged, so HDF5 does not see or trim them); :func:`release_space` frees what
    the write did not use. Where that is unsupported (other systems, some file systems) the free
    space reported by ``statvfs`` is checked instead (no quota check, and a race with other
    writers). Raises OSError (ENOSPC or EDQUOT) when the space is not there."""
    nbytes = max(int(nbytes), RESERVE_MIN_BYTES)
    if sys.platform.startswith("linux"):
        fd = os.open(str(path), os.O_WRONLY)
        try:
            _fallocate(fd, os.fstat(fd).st_size, nbytes)
            return
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL, errno.ENODEV):
                raise
        except (AttributeError, TypeError):  # no usable libc fallocate
            pass
        finally:
            os.close(fd)
    if hasattr(os, "statvfs"):
        v = os.statvfs(os.path.dirname(os.path.abspath(str(path))))
        if v.f_bavail * v.f_frsize < nbytes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def release_space(path) -> None:
    """Free blocks reserved beyond the end of ``path`` (``ftruncate`` to its own size does that)."""
    try:
        fd = os.open(str(path), os.O_WRONLY)
    except OSError:
        return
    try:
        os.ftruncate(fd, os.fstat(fd).st_size)
    except OSError:
        pass
    finally:
        os.close(fd)


def _readable(path) -> str:
    """"" when ``path`` opens and its designs read; else the reason."""
    try:
        with open_h5(path, "r", wait_s=5.0) as f:
            for ds in f["designs"].values():
                ds[:]
        return ""
    except Exception as e:
        return str(e).split("\n")[0][:200]


@contextmanager
def writing(path, what: str, reserve: int = 0, mode: str = "a"):
    """Open ``path`` for writing after reserving space; any OSError/HDF5 error becomes a
    RunWriteError saying whether the file is still readable."""
    try:
        if mode != "w":
            reserve_space(path, reserve)
        f = open_h5(path, mode)
    except OSError as e:
        if _is_lock_busy(e):
            raise RunWriteError(path, what, OSError(e.errno, f"another program has kept it open for more than "
                                                                f"{LOCK_WAIT_S:g} s (close it)")) from None
        raise RunWriteError(path, what, e) from None
    try:
        with f:
            yield f
    except (OSError, RuntimeError) as e:
        reason = "it was being created" if mode == "w" else _readable(path)
        raise RunWriteError(path, what, e, damaged=reason or False) from None
    finally:
        if mode != "w":
            release_space(path)


def _append_bound(rows: dict) -> int:
    """Upper bound (bytes) of the file growth of one append: per dataset two new chunks of up to
    1024 rows beside the rows themselves, the strings twice, and 256 KiB of metadata."""
    n = max(len(rows["id"]), 1)
    total = 256 * 1024
    for name, arr in rows.items():
        if name == "error":
            total += 2 * sum(len(str(s).encode()) + 32 for s in arr) + (2 * 1024 + n) * 16 + 8192
        else:
            a = np.asarray(arr)
            total += (2 * 1024 + n) * (a.nbytes // n if a.size else 8)
    return 2 * total


def create_run(path, case, case_text: str, spec, kpi_columns: list[str]) -> None:
    """Create an empty run file (overwrites)."""
    vs = case.variables
    n_var, n_obj, n_con = len(vs), len(spec.objectives), len(spec.constraint_terms)
    with writing(path, "create", mode="w") as f:
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
    """Append rows (dict of arrays keyed by dataset name, same length) and flush; returns n rows.
    Raises RunWriteError (file unchanged) when the disk has no room for them."""
    n_new = len(rows["id"])
    with writing(path, "append designs to", reserve=_append_bound(rows)) as f:
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
    with open_h5(path, "r") as f:
        return int(f["designs/id"].shape[0])


def read_rows(path, start: int) -> dict:
    """Rows from index ``start`` on, as a dict of arrays keyed by dataset name (errors as str)."""
    with open_h5(path, "r") as f:
        d = f["designs"]
        out = {name: ds[start:] for name, ds in d.items()}
    out["error"] = [e.decode() if isinstance(e, bytes) else str(e) for e in out["error"]]
    return out


def truncate_rows(path, n: int) -> None:
    with writing(path, "truncate") as f:
        for ds in f["designs"].values():
            if ds.shape[0] > n:
                ds.resize(n, axis=0)


def set_attrs(path, **attrs) -> None:
    with writing(path, "update the attributes of") as f:
        f.attrs.update(attrs)


def write_checkpoint(run_path, state: dict) -> None:
    """Pickle ``state`` to RUN.h5.ckpt atomically (the previous checkpoint stays if this fails:
    RunWriteError)."""
    p = checkpoint_path(run_path)
    tmp = p + ".tmp"
    try:  # cloudpickle (a dask dependency) also handles pymoo's locally decorated operators (NSGA-III)
        import cloudpickle as _pk
    except ImportError:  # pragma: no cover
        _pk = pickle
    data = _pk.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise RunWriteError(p, "write the checkpoint", e) from None


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
            f = open_h5(self.path, "r")  # waits while a running optimisation appends
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
