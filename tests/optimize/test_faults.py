"""Faults of ``motoropt optimize`` (issue 19): killed parents leave no processes behind, one run
file has one writer, readers work while a run writes, stop signals and a full disk end the run
cleanly and ``--resume`` then gives the same designs as an uninterrupted run.

Reference for every "same file" check: an uninterrupted in-process run with the same seed
(compared exactly, rows sorted by id: ids, variables, objectives, and the Pareto front), as in
tests/test_optimize.py's SIGKILL test. Process checks read /proc (Linux only).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from motoropt.optimize import runner, storage
from motoropt.optimize.runner import RunStopped, run_optimization
from motoropt.optimize.storage import RunData, RunLockedError, read_checkpoint
from tests.optimize.test_optimize import _designs, _front, small_case

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "motoropt", "optimize"]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


# --- helpers ------------------------------------------------------------------------------------
def _parents() -> dict[int, int]:
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            out[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _descendants(pid: int) -> set[int]:
    par = _parents()
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for c, pp in par.items():
            if pp == p and c not in found:
                found.add(c)
                todo.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_until(cond, timeout: float, proc=None) -> bool:
    t_end = time.time() + timeout
    while time.time() < t_end:
        if cond():
            return True
        if proc is not None and proc.poll() is not None:
            return cond()
        time.sleep(0.02)
    return False


def _rows(out) -> int:
    try:
        return storage.n_rows(out)
    except (OSError, KeyError):
        return -1


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """reference(case, generations, seed) → path of an uninterrupted in-process run (pop 12),
    computed once per module for each (generations, seed)."""
    cache = {}
    tmp = tmp_path_factory.mktemp("ref")

    def get(case, generations, seed):
        key = (generations, seed)
        if key not in cache:
            c = small_case(tmp, f"ref_{generations}_{seed}.toml")
            assert c.read_text() == Path(case).read_text()
            cache[key] = tmp / f"ref_{generations}_{seed}.h5"
            run_optimization(c, cache[key], pop=12, generations=generations, seed=seed, progress=False)
        return cache[key]

    return get


def _same_designs(a_path, b_path) -> None:
    a, b = RunData(a_path), RunData(b_path)
    assert a.attrs["complete"] == 1
    assert np.array_equal(np.sort(a.id), np.arange(len(a.id)))  # every id once: nothing mixed or lost
    for u, v in zip(_designs(a), _designs(b)):
        assert np.array_equal(u, v, equal_nan=True)
    assert np.array_equal(_front(a), _front(b))


class _Proc(subprocess.Popen):
    """A CLI subprocess whose stderr goes to a file (an orphaned child holding a pipe open would
    make reading it hang instead of failing)."""

    def err(self) -> str:
        return Path(self.err_path).read_text()


def _popen(args, **kw):
    err_path = Path(str(args[args.index("--out") + 1]) + ".stderr")
    with open(err_path, "w") as fh:
        proc = _Proc(CLI + [str(a) for a in args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=fh, text=True, **kw)
    proc.err_path = err_path
    return proc


def _kill_all(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


# --- 1. no process outlives motoropt --------------------------------------------------------------
@linux_only
def test_pool_workers_die_with_killed_parent(tmp_path):
    """SIGKILL of `motoropt optimize --workers 2` while its pool evaluates: every descendant (the 2
    workers and multiprocessing's resource tracker) is gone within 5 s. On a0e762c the workers
    stayed alive, reparented (issue 19). (The dead run's lock is taken over by the next run:
    test_lock_held_by_live_process_refused_dead_taken_over.)"""
    c = small_case(tmp_path)
    out = tmp_path / "k.h5"
    proc = _popen([c, "--out", out, "--pop", 12, "--generations", 10, "--seed", 5, "--quiet", "--workers", 2])
    kids = set()
    try:
        assert _wait_until(lambda: _rows(out) >= 1 and len(_descendants(proc.pid)) >= 2, 120, proc), proc.err()
        kids = _descendants(proc.pid)
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait_until(lambda: not any(_alive(p) for p in kids), 5.0), \
            [Path(f"/proc/{p}/cmdline").read_text() for p in kids if _alive(p)]
    finally:
        _kill_all(kids)
        proc.kill()
    assert Path(storage.lock_path(out)).exists()  # left behind by the killed run: stale


_WATCHED_CHILD = """
import multiprocessing as mp, os, sys, time
from motoropt.parallel import start_parent_watchdog

def child(ppid):
    start_parent_watchdog(ppid)   # the portable fallback alone (no PR_SET_PDEATHSIG)
    time.sleep(300)

if __name__ == "__main__":
    p = mp.get_context("spawn").Process(target=child, args=(os.getpid(),))
    p.start()
    print(p.pid, flush=True)
    time.sleep(300)
"""


@linux_only
def test_parent_watchdog_alone_ends_orphan(tmp_path):
    """The portable fallback of motoropt.parallel (a thread waiting on the parent's pipe sentinel,
    no death signal): a spawned child of a SIGKILLed parent ends within 3 s."""
    script = tmp_path / "w.py"
    script.write_text(_WATCHED_CHILD)
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    try:
        assert _alive(child)
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait_until(lambda: not _alive(child), 3.0)
    finally:
        _kill_all([child])


_FAKE_WINE = """#!/bin/sh
echo $$ > "$HOME/femm.pid"
exec sleep 300
"""

_RUN_FEMM = """
from motoropt.magnetics.fea import Geometry
from motoropt.magnetics.fea.femm_backend import femm_available, run_femm
assert femm_available()
run_femm(Geometry(depth=0.05), timeout_s=120)
"""


@linux_only
def test_femm_under_wine_dies_with_motoropt(tmp_path):
    """pyfemm's FEMM process (wine femm.exe -filelink, here a fake `wine` that records its pid and
    sleeps) ends within 5 s of a SIGKILL of the motoropt process that started it. On a0e762c pyfemm
    started it with `os.system("wine ... &")`, detached, and it stayed."""
    home = tmp_path / "home"
    (home / ".wine/drive_c/femm42/bin").mkdir(parents=True)
    (home / ".wine/drive_c/femm42/bin/femm.exe").write_text("")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "wine").write_text(_FAKE_WINE)
    (bin_ / "wine").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "WINEPREFIX"}
    env.update(HOME=str(home), PATH=f"{bin_}:{env.get('PATH', '')}")
    err = tmp_path / "stderr.txt"
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", _RUN_FEMM], cwd=ROOT, env=env, stderr=fh, text=True)
    pidfile = home / "femm.pid"
    femm = None
    try:
        assert _wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 60, proc), err.read_text()
        femm = int(pidfile.read_text())
        assert _alive(femm)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait_until(lambda: not _alive(femm), 5.0)
    finally:
        proc.kill()
        if femm:
            _kill_all([femm])


# --- 2. one writer per run file ----------------------------------------------------------------------
def test_second_writer_refused_and_file_not_mixed(tmp_path, reference):
    """Two `motoropt optimize --out run.h5` on one file, the second (other seed) started while the
    first runs: the second exits with status 2 and one line naming the holder's pid and host; the
    first finishes, and the file holds exactly its designs (same as an uninterrupted run with its
    seed). On a0e762c both finished and the file held an interleaving of both runs. (20 generations:
    the first run must outlast the second's start-up, ~2 s.)"""
    c = small_case(tmp_path)
    out = tmp_path / "run.h5"
    a = _popen([c, "--out", out, "--pop", 12, "--generations", 20, "--seed", 1, "--quiet"])
    try:
        assert _wait_until(lambda: _rows(out) >= 1, 120, a), a.err()
        b = subprocess.run(CLI + [str(c), "--out", str(out), "--pop", "12", "--generations", "4", "--seed", "2",
                                  "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert a.wait(timeout=300) == 0, a.err()
    finally:
        a.kill()
    assert b.returncode == 2, b.stderr
    err = b.stderr.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"motoropt: error: run file {out} is being written by another motoropt "
                             f"(pid {a.pid} on host {socket.gethostname()}, started ")
    _same_designs(out, reference(c, 20, 1))
    assert RunData(out).attrs["seed"] == 1


_HOLD_LOCK = """
import sys, time
from motoropt.optimize.storage import writer_lock
with writer_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(300)
"""


def test_lock_held_by_live_process_refused_dead_taken_over(tmp_path, capsys):
    """In-process: a lock held by another live process → RunLockedError (an InputError) naming
    its pid, and the run file is not touched; once that process is SIGKILLed, its lock file is
    left behind and the next run takes it over with one warning line, finishes, and removes it."""
    c = small_case(tmp_path)
    out = tmp_path / "r.h5"
    out.write_bytes(b"precious")
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLockedError, match=f"pid {holder.pid} on host {socket.gethostname()}"):
            run_optimization(c, out, pop=4, generations=1, seed=1, progress=False)
        assert out.read_bytes() == b"precious"
    finally:
        holder.kill()
        holder.wait()
    assert Path(storage.lock_path(out)).exists()
    capsys.readouterr()
    run_optimization(c, out, pop=4, generations=1, seed=1, progress=False)
    warn = capsys.readouterr().err.strip().splitlines()
    assert len(warn) == 1 and warn[0].startswith(f"motoropt: warning: taking over the lock of {out} left by "
                                                 f"pid {holder.pid}")
    assert not Path(storage.lock_path(out)).exists()
    assert RunData(out).attrs["complete"] == 1


def test_lock_without_flock_decides_by_pid(tmp_path, monkeypatch, capsys):
    """Where flock is unsupported (ENOLCK, some network file systems) the pid/host in the lock
    file decide: a live pid on this host is refused, a dead one is taken over with a warning, a
    pid on another host is refused (it cannot be checked)."""
    def no_flock(fd, op):
        raise OSError(errno.ENOLCK, "no locks")

    monkeypatch.setattr(storage.fcntl, "flock", no_flock)
    run = tmp_path / "r.h5"
    lp = Path(storage.lock_path(run))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    for text, refused in ((f"pid={os.getppid()} host={host} started=x", True),
                          (f"pid={dead.pid} host={host} started=x", False),
                          (f"pid={dead.pid} host=other-{host} started=x", True)):
        lp.write_text(text)
        if refused:
            with pytest.raises(RunLockedError, match="is being written by another motoropt"):
                with storage.writer_lock(run):
                    pass
        else:
            with storage.writer_lock(run):
                assert f"pid={os.getpid()} " in lp.read_text()
            assert "taking over the lock" in capsys.readouterr().err
            assert not lp.exists()


def test_readers_keep_working_during_a_write(tmp_path):
    """While `motoropt optimize` appends, a reader loop (RunData, as report/show/scoreboard read,
    and the FEA-refinement reader) never fails and sees a growing, consistent file; the writer is
    not disturbed (exit 0, complete). On a0e762c HDF5's own file lock made either side fail
    ('unable to lock file, errno = 11') whenever they met."""
    from motoropt.optimize.report import refined_results

    c = small_case(tmp_path)
    out = tmp_path / "run.h5"
    w = _popen([c, "--out", out, "--pop", 12, "--generations", 5, "--seed", 3, "--quiet"])
    seen, errors = [], []
    try:
        assert _wait_until(lambda: out.exists(), 120, w)
        while w.poll() is None:
            try:
                r = RunData(out)
                refined_results(r)
            except Exception as e:
                errors.append(repr(e))
                continue
            assert len(r.id) == len(r.error) == r.x.shape[0] == r.kpis.shape[0]
            seen.append(len(r.id))
            time.sleep(0.01)  # a very eager reader (report/show/scoreboard are one-shot commands)
        assert w.wait() == 0, w.err()
    finally:
        w.kill()
    assert errors == []
    assert len(seen) > 20 and seen[-1] > seen[0]
    assert RunData(out).attrs["complete"] == 1 and len(RunData(out).id) == 60


# --- 3. stop signals ---------------------------------------------------------------------------------
def _resume_cmd(stderr: str) -> list[str]:
    line = stderr.strip().splitlines()[-1]
    cmd = line.split("resume with: ", 1)[1].split()
    assert cmd[:2] == ["motoropt", "optimize"] and cmd[-1] == "--resume"
    return [sys.executable, "-m", "motoropt"] + cmd[1:] + ["--quiet"]


@pytest.mark.slow
def test_sigterm_mid_generation_then_resume_is_identical(tmp_path, reference):
    """SIGTERM to `optimize --workers 2` in the middle of generation 2: exit status 143 within
    10 s, one line saying how to resume; the printed resume command then completes the run, the
    stored rows of the stopped generation being reused (not evaluated again), and the file has the
    same designs and front as an uninterrupted serial run. On a0e762c SIGTERM killed the process
    without a word (status -15)."""
    c = small_case(tmp_path)
    out = tmp_path / "t.h5"
    proc = _popen([c, "--out", out, "--pop", 12, "--generations", 6, "--seed", 5, "--quiet", "--workers", 2])
    try:
        assert _wait_until(lambda: _rows(out) > 12, 120, proc), proc.err()
        assert proc.poll() is None
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
        dt = time.time() - t0
    finally:
        proc.kill()
    err = proc.err()
    assert rc == 128 + signal.SIGTERM, err
    assert dt < 10.0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("motoropt: stopped by SIGTERM after "), err
    state = read_checkpoint(out)
    assert 1 <= state["generation"] < 6
    with h5py.File(out, "r") as f:
        assert f.attrs["complete"] == 0
    r = subprocess.run(_resume_cmd(err), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "--workers 2" in err
    _same_designs(out, reference(c, 6, 5))


def test_sigint_in_first_generation_then_resume_is_identical(tmp_path, reference):
    """SIGINT (Ctrl-C) as soon as the first designs are stored (generation 0, before the first
    generation's checkpoint on a0e762c): exit status 130, a resume hint, and `--resume` gives the
    uninterrupted run's designs. On a0e762c: a KeyboardInterrupt traceback, and no checkpoint to
    resume from."""
    c = small_case(tmp_path)
    out = tmp_path / "i.h5"
    proc = _popen([c, "--out", out, "--pop", 12, "--generations", 2, "--seed", 9, "--quiet"])
    try:
        assert _wait_until(lambda: _rows(out) >= 1, 120, proc), proc.err()
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=60)
    finally:
        proc.kill()
    err = proc.err()
    assert rc == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("motoropt: stopped by SIGINT after ")
    r = subprocess.run(_resume_cmd(err), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    _same_designs(out, reference(c, 2, 9))


def test_stop_request_in_process_reuses_stored_rows(tmp_path, monkeypatch, reference):
    """In-process: a SIGTERM arriving while the 3rd chunk of generation 1 is appended (serial,
    pop 12 → chunks of 6) → RunStopped with exit_status 143 after that chunk; the resume reuses the
    6 stored rows of the stopped generation and matches the uninterrupted run."""
    c = small_case(tmp_path)
    out = tmp_path / "s.h5"
    real = storage.append_rows
    calls = []

    def append_then_signal(path, rows):
        n = real(path, rows)
        calls.append(n)
        if len(calls) == 3:
            # (without a handler installed by the run, SIGTERM would end pytest itself)
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None), "no SIGTERM handler in the run"
            os.kill(os.getpid(), signal.SIGTERM)
        return n

    monkeypatch.setattr(runner.storage, "append_rows", append_then_signal)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(RunStopped) as ei:
        run_optimization(c, out, pop=12, generations=3, seed=4, progress=False)
    assert ei.value.exit_status == 143 and "stopped by SIGTERM after 18 designs (1 of 3 generations" in str(ei.value)
    assert signal.getsignal(signal.SIGTERM) == before  # handler restored
    monkeypatch.setattr(runner.storage, "append_rows", real)
    res = run_optimization(c, out, resume=True, progress=False)
    assert res.n_reused == 6
    _same_designs(out, reference(c, 3, 4))


# --- 4. full disk ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_fail", [1, 3, 5])
def test_full_disk_nth_write_stops_cleanly_and_resumes(tmp_path, monkeypatch, n_fail, reference):
    """The N-th space reservation of the run file fails with ENOSPC (what a full disk does to it):
    RunStopped with exit status 74 and one message (the OS error, that the file is unchanged, how
    many designs it holds, the resume command); the file reads; `--resume` on a disk with room
    gives the uninterrupted run's designs. N = 1 is the first append, 3 the generations_done
    attribute after generation 0, 5 the second append of generation 1 (pop 12, serial: 2 chunks
    per generation; the file's creation and the checkpoint pickles reserve nothing)."""
    c = small_case(tmp_path)
    out = tmp_path / "d.h5"
    real = storage._fallocate
    calls = []

    def failing(fd, offset, length):
        calls.append(1)
        if len(calls) >= n_fail:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, offset, length)

    monkeypatch.setattr(storage, "_fallocate", failing)
    with pytest.raises(RunStopped) as ei:
        run_optimization(c, out, pop=12, generations=2, seed=6, progress=False)
    msg = str(ei.value)
    assert ei.value.exit_status == runner.EXIT_WRITE_FAILED == 74
    assert "\n" not in msg and "No space left on device; the file was left as it was before this write" in msg
    assert f"resume with: motoropt optimize {c} --out {out} --resume" in msg
    n = len(RunData(out).id)
    assert f"holds {n} designs" in msg
    monkeypatch.setattr(storage, "_fallocate", real)
    run_optimization(c, out, resume=True, progress=False)
    _same_designs(out, reference(c, 2, 6))


_FULL_DISK_DRIVER = """
import json, os, shutil, sys
from motoropt.optimize import runner, storage
from motoropt.optimize.storage import RunData
mnt, case, result_dir = sys.argv[1:4]
out = os.path.join(mnt, "run.h5")
real = storage.write_checkpoint
def fill_after_second(path, state):
    real(path, state)
    if state["generation"] == 2:   # generations 0 and 1 done: fill the file system
        with open(os.path.join(mnt, "filler"), "wb") as f:
            try:
                while True:
                    f.write(bytes(1 << 16))
                    f.flush()
            except OSError:
                pass
runner.storage.write_checkpoint = fill_after_second
res = {}
try:
    runner.run_optimization(case, out, pop=12, generations=3, seed=8, progress=False)
except Exception as e:
    res["error"] = f"{type(e).__name__}: {e}"
    res["exit_status"] = getattr(e, "exit_status", None)
try:
    res["rows_after_failure"] = len(RunData(out).id)
except Exception as e:
    res["unreadable"] = str(e)
os.unlink(os.path.join(mnt, "filler"))
runner.storage.write_checkpoint = real
if "unreadable" not in res:
    runner.run_optimization(case, out, resume=True, progress=False)
    shutil.copy(out, os.path.join(result_dir, "resumed.h5"))
json.dump(res, open(os.path.join(result_dir, "res.json"), "w"))
"""


def _can_mount_tmpfs() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    r = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || "
                        "mount -t tmpfs -o size=1m tmpfs /tmp"], capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare -rm and tmpfs (user namespaces)")
def test_real_full_disk_on_tmpfs(tmp_path, reference):
    """A real ENOSPC: the run writes to a 32 MB tmpfs (private mount namespace) that is filled up
    after its 2nd generation. The run stops with RunStopped (exit status 74, 'No space left on
    device'); the file reads; after the space is freed `--resume` completes it and it equals the
    uninterrupted run. On a0e762c the failed HDF5 write left the file unreadable ('len not
    positive after adjustment for EOA'), so neither report nor resume could use it."""
    c = small_case(tmp_path)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    (tmp_path / "driver.py").write_text(_FULL_DISK_DRIVER)
    r = subprocess.run(["unshare", "-rm", "sh", "-c", f'mount -t tmpfs -o size=32m tmpfs "{mnt}" && exec '
                        f'"{sys.executable}" "{tmp_path / "driver.py"}" "{mnt}" "{c}" "{tmp_path}"'],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    import json

    res = json.loads((tmp_path / "res.json").read_text())
    assert "unreadable" not in res, res
    assert res["exit_status"] == 74 and "No space left on device" in res["error"], res
    assert res["rows_after_failure"] >= 24
    _same_designs(tmp_path / "resumed.h5", reference(c, 3, 8))


_RLIMIT_APPEND = """
import resource, signal, sys
from motoropt.optimize import storage
path, limit = sys.argv[1], int(sys.argv[2])
rows = storage.read_rows(path, 0)
rows["id"] = rows["id"] + len(rows["id"])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
try:
    storage.append_rows(path, rows)
    print("ok")
except storage.RunWriteError as e:
    print(f"RunWriteError damaged={bool(e.damaged)}: {e}")
"""


@linux_only
def test_write_failing_inside_hdf5_is_reported_not_hidden(tmp_path):
    """A write that fails inside HDF5 although the space was reserved (here RLIMIT_FSIZE, which
    the reservation does not see: EFBIG) cannot be undone (HDF5 has rewritten object headers in
    place). It must be reported as a RunWriteError that says the file can no longer be read, not
    as a traceback, and never claim that the file is fine."""
    c = small_case(tmp_path)
    out = tmp_path / "f.h5"
    run_optimization(c, out, pop=12, generations=1, seed=2, progress=False)
    size = out.stat().st_size
    r = subprocess.run([sys.executable, "-c", _RLIMIT_APPEND, str(out), str(size)], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    readable = storage._readable(out) == ""
    if readable:  # HDF5 managed without new space: nothing to report
        assert line == "ok" or "damaged=False" in line, line
    else:
        assert line.startswith("RunWriteError damaged=True: cannot append designs to"), line
        assert "; the file cannot be read any more (" in line


def test_stored_rows_give_the_same_f_g_as_the_evaluation(tmp_path):
    """--resume hands pymoo F, G rebuilt from stored rows (runner._fg_from_rows); they must equal,
    bit for bit, what problem.rows gives from the evaluation results, for a good design, a failed
    one and one with a non-finite objective KPI (independent path: problem.objective_constraint_rows)."""
    import copy

    from motoropt.case import load_case
    from motoropt.optimize import problem as P

    case = load_case(small_case(tmp_path))
    spec = P.parse_optimization(case.free)
    prob = P.MotorProblem(case, spec)
    nominal = {v.path: v.nominal for v in case.variables}
    kpis, err = P.evaluate_assignment(case, nominal, spec.map_overrides)
    assert kpis is not None, err
    bad = copy.deepcopy(kpis)
    *parents, leaf = spec.objectives[0].kpi.split(".")  # cycles.wltc3b.motor_efficiency
    node = bad
    for part in parents:
        node = node[part]
    node[leaf] = float("nan")
    results = [(kpis, None), (None, "geometry: boom"), (bad, None)]
    cols = sorted(P.flatten_kpis(kpis))
    rows = runner._rows_for(prob, [0, 1, 2], 0, [nominal] * 3, results, cols)
    F, G = runner._fg_from_rows(spec, rows)
    F0, G0 = prob.rows(results)
    assert rows["error"][2].startswith("non-finite KPI")
    assert np.array_equal(F, F0) and np.array_equal(G, G0)
