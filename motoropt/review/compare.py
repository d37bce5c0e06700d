"""``motoropt compare RUN.h5 --designs A,B[,C] [--png DIR]``: two or three designs of a run side by
side (variables, objectives, constraints, the key KPIs and each cycle's efficiency and loss, as the
run stored them) with each design's difference from the first; with ``--png`` the designs are
re-evaluated (on the run's grids, or the case's with ``--full-map``) and the overlay plots written
(:mod:`motoropt.plots.compare`: efficiency-map difference, torque envelopes, cycle losses)."""

from __future__ import annotations

import math
import sys

from motoropt.errors import InputError
from motoropt.optimize.report import _fmt, _run, _table, evaluate_run_design, pareto_front_rows
from motoropt.plots.compare import compare_pngs
from motoropt.review.data import key_kpis, parse_ids

LETTERS = "ABC"


def compare_ids(r, text) -> list[int]:
    """The 2 or 3 distinct design ids of ``text`` ("12,40[,7]"), each a design of the run."""
    ids = parse_ids(text)
    if not 2 <= len(ids) <= 3:
        raise InputError("--designs", text, "2 or 3 different design ids of the run separated by commas, e.g. 12,40")
    last = int(r.id.max()) if len(r.id) else -1
    for did in ids:
        if did not in set(int(i) for i in r.id):
            raise InputError("--designs", text, f"design ids of this run (0..{last}); {did} is not one")
    return ids


def compare_rows(r, ids) -> list[tuple[str, list]]:
    """(label, [value of each design]) rows: status, variables (choices by name), then the key KPIs
    and each cycle's loss energy; values as the run file stores them."""
    rows_idx = [r.row(d) for d in ids]
    front = set(int(i) for i in pareto_front_rows(r))
    out = [("status", ["front" if i in front else ("feasible" if r.feasible[i] else "infeasible") for i in rows_idx]),
           ("generation", [str(int(r.generation[i])) for i in rows_idx])]
    for j, name in enumerate(r.var_names):
        if r.var_kinds[j] == "choice":
            out.append((name, [r.var_choices[j][int(round(r.x[i, j]))] for i in rows_idx]))
        else:
            out.append((name, [float(r.x[i, j]) for i in rows_idx]))
    cols = key_kpis(r) + [c for c in r.kpi_columns if c.startswith("cycles.") and c.endswith(".loss_wh")]
    for c in dict.fromkeys(cols):
        out.append((c, [float(r.kpis[i, r.kpi_columns.index(c)]) for i in rows_idx]))
    return out


def _diff(a, b) -> str:
    if isinstance(a, str) or isinstance(b, str):
        return ""
    if not (math.isfinite(a) and math.isfinite(b)):
        return "nan"
    d = b - a
    return f"{'+' if d > 0 else ''}{_fmt(d)}"


def compare_text(r, ids) -> str:
    """The side-by-side table (text), each design after the first with its difference from it."""
    header = ["", f"A: design {ids[0]}"]
    for k, did in enumerate(ids[1:], start=1):
        header += [f"{LETTERS[k]}: design {did}", f"{LETTERS[k]} − A"]
    body = []
    for label, vals in compare_rows(r, ids):
        cells = [label, vals[0] if isinstance(vals[0], str) else _fmt(vals[0])]
        for v in vals[1:]:
            cells += [v if isinstance(v, str) else _fmt(v), _diff(vals[0], v)]
        body.append([str(c) for c in cells])
    return _table(header, body)


def compare(run, designs, png=None, full_map: bool = False, out=None) -> dict:
    """Print the comparison; with ``png`` (a directory) re-evaluate the designs and write the
    overlay plots. Returns {"ids", "rows", "pngs"}."""
    out = out or sys.stdout
    r = _run(run)
    ids = compare_ids(r, designs)
    print(f"run {r.path}: designs {', '.join(f'{LETTERS[k]} = {d}' for k, d in enumerate(ids))} "
          f"(values as stored by the run)", file=out)
    print(compare_text(r, ids), file=out)
    pngs = []
    if png:
        evs = [evaluate_run_design(r, did, full_map=full_map) for did in ids]
        labels = [f"{LETTERS[k]} ({did})" for k, did in enumerate(ids)]
        pngs = compare_pngs(evs, labels, png)
        for p in pngs:
            print(f"wrote {p}", file=out)
    return {"ids": ids, "rows": compare_rows(r, ids), "pngs": pngs}
