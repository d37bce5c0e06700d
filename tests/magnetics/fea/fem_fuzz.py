"""Helpers of the .fem fault tests (issue 19): small valid files written by motoropt's own writer,
their mutations (hypothesis strategies) and a forked worker that runs ``motoropt fea solve`` on a
file with a wall-clock timeout (a hang is reported, not waited for)."""

from __future__ import annotations

import io
import json
import math
import multiprocessing as mp
import os
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import strategies as st

from motoropt.magnetics.fea import fem_text
from motoropt.parallel import set_parent_death_signal
from tests.magnetics.fea.test_harmonic import _deep_bar, _mixed
from tests.magnetics.fea.test_solver import M19, c_core, conductor
from tests.magnetics.fea.test_torque_and_airgap_field import slotless_pole


def sample_files() -> dict:
    """Small valid FEMM 4.2 files (text), each solving in well under 0.2 s: a linear conductor in
    air (Dirichlet), a saturated C-core (B-H curve, Newton), a slotless SPM pole (magnets with a
    magnetisation expression, anti-periodic pairs), a deep bar at a frequency (eddy currents) and
    a mixed time-harmonic problem (stranded, solid series and parallel circuits, B-H curve)."""
    return {"conductor": fem_text(conductor(h_cu=4e-3, h_air=20e-3, seg_deg=20.0)),
            "c_core": fem_text(c_core(bh=M19, I=20.0, h=4e-3)),
            "slotless_spm": fem_text(slotless_pole(h=2e-3)),
            "deep_bar_ac": fem_text(_deep_bar(2.0)),
            "mixed_ac": fem_text(_mixed(bh=True))}


# ---------------------------------------------------------------------- mutations
EVIL_NUMBERS = ("nan", "NaN", "inf", "-inf", "1e999", "1e308", "-1e308", "0", "-0", "-1", "1e-300", "1e-30",
                "2147483648", "99999999999999999999", "3.5", "-7", "1e6", "-1e6", "1e-6", "0x10", "1,5", "")
UNKNOWN_SECTIONS = (b"[Bogus] = 3", b"<Bogus> = 1", b"[NumWidgets] = 2\n1\t2\n3\t4", b"<BeginWidget>\n<EndWidget>",
                    b"[BlockProps] = 1", b"[NumPoints] = 0", b"<BeginBlock>", b"<EndBlock>", b"[Format] = 4.0")


@st.composite
def mutations(draw, text: str) -> bytes:
    """``text`` with 1-3 faults: truncation, a deleted, duplicated or swapped line, a number made
    out of range, NaN or non-numeric, an unknown section or key inserted, binary garbage, a point
    moved onto or next to another one (0 to 1e-3 relative) or anywhere in the drawing."""
    lines = text.encode().split(b"\n")
    rnd = draw(st.randoms(use_true_random=True))  # positions uniform over the file (not drawn towards 0)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("truncate", "delete", "duplicate", "swap", "number", "unknown", "garbage",
                                     "move")))
        if not lines:
            break
        i = rnd.randrange(len(lines))
        if kind == "truncate":
            data = b"\n".join(lines)
            lines = data[:rnd.randrange(len(data) + 1)].split(b"\n")
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "number":
            toks = lines[i].replace(b"=", b" = ").split()
            num = [k for k, t in enumerate(toks) if _is_number(t)]
            if num:
                k = rnd.choice(num)
                new = draw(st.one_of(st.sampled_from(EVIL_NUMBERS),
                                     st.floats(allow_nan=True, allow_infinity=True).map(repr)))
                toks[k] = new.encode()
                lines[i] = b"\t".join(toks)
        elif kind == "move":  # a point moved onto (or next to) another, or anywhere: crossing segments
            pts = _point_lines(lines)
            if len(pts) >= 2:
                a, b = rnd.sample(pts, 2)
                xa, ya, *rest = lines[a].split(b"\t")
                xb, yb = (float(v) for v in lines[b].split(b"\t")[:2])
                eps = rnd.choice((0.0, 1e-13, 1e-9, 1e-6, 1e-3))
                if rnd.random() < 0.3:  # anywhere in the bounding box
                    xs = [float(lines[k].split(b"\t")[0]) for k in pts]
                    ys = [float(lines[k].split(b"\t")[1]) for k in pts]
                    xb, yb = rnd.uniform(min(xs), max(xs)), rnd.uniform(min(ys), max(ys))
                lines[a] = b"\t".join([repr(xb * (1 + eps)).encode(), repr(yb - eps).encode(), *rest])
        elif kind == "unknown":
            lines.insert(i, draw(st.sampled_from(UNKNOWN_SECTIONS)))
        elif kind == "garbage":
            junk = draw(st.binary(min_size=1, max_size=300))
            if draw(st.booleans()):
                lines[i] = junk
            else:
                lines.insert(i, junk)
    return b"\n".join(lines)


def _point_lines(lines: list) -> list:
    """Indices of the [NumPoints] records (as long as they still look like "x\ty\t...")."""
    out = []
    for k, ln in enumerate(lines):
        if ln.lower().startswith(b"[numpoints]"):
            for j in range(k + 1, len(lines)):
                f = lines[j].split(b"\t")
                if len(f) < 2 or not (_is_number(f[0]) and _is_number(f[1])):
                    break
                out.append(j)
            break
    return out


def _is_number(tok: bytes) -> bool:
    try:
        float(tok)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------- worker
def _worker(conn) -> None:
    """Serve ``motoropt fea solve PATH --json ARGS`` requests: (exit status, stdout, stderr)."""
    set_parent_death_signal()
    os.environ.pop("MOTOROPT_DEBUG", None)
    from motoropt.cli.main import main

    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        path, args = msg
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                rc = main(["fea", "solve", path, "--json", *args])
            except SystemExit as exc:  # argparse
                rc = exc.code
            except BaseException as exc:  # the test reports whatever escaped
                rc = f"escaped {type(exc).__name__}: {exc}"
        conn.send((rc, out.getvalue(), err.getvalue()))


class SolveWorker:
    """A forked process running ``motoropt fea solve`` (the parent's imports and compiled kernels
    are inherited: no start-up per file); :meth:`run` returns None after ``timeout`` s (the worker
    is killed and a new one started)."""

    def __init__(self):
        self._start()

    def _start(self):
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def run(self, path: str, args=(), timeout: float = 20.0):
        """(exit status, stdout, stderr); None after ``timeout`` s; ("died", exit code, "") if the
        worker process died (a crash in compiled code)."""
        try:
            self.conn.send((str(path), list(args)))
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (BrokenPipeError, EOFError, ConnectionResetError):
            self.proc.join(5)
            code = self.proc.exitcode
            self._start()
            return ("died", code, "")
        self.proc.kill()
        self.proc.join()
        self._start()
        return None

    def close(self):
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def finite_json(value) -> bool:
    """True if every number in a JSON value is finite."""
    if isinstance(value, dict):
        return all(finite_json(v) for v in value.values())
    if isinstance(value, list):
        return all(finite_json(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def check_outcome(result, data: bytes) -> str:
    """'' if ``result`` of :meth:`SolveWorker.run` is a clean end: exit 0 with a finite JSON summary
    and nothing on stderr, or exit 2 with one line ``motoropt: error: ...``; else what went wrong."""
    if result is None:
        return "hang (no answer within the timeout)"
    rc, out, err = result
    if rc == "died":
        return f"the process died (exit code {out}: a crash in compiled code)"
    if rc == 0:
        try:
            res = json.loads(out)
        except ValueError:
            return f"exit 0 without JSON: {out[:200]!r}"
        if not finite_json(res):
            return f"non-finite result {res}"
        if err:
            return f"exit 0 with stderr {err[:300]!r}"
        return ""
    lines = err.splitlines()
    if rc == 2 and len(lines) == 1 and lines[0].startswith("motoropt: error: ") and "Traceback" not in err:
        return ""
    return f"exit {rc}: {err[:500]!r}"
