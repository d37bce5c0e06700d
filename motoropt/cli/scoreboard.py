"""``motoropt scoreboard``: the programme targets met or missed by optimisation runs (text table,
JSON, trade-off PNG; ``--refine-fea`` adds an FEA-refined column). The scores are
:mod:`motoropt.scoreboard`'s."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from motoropt.optimize.report import _table
from motoropt.plots.scoreboard import scoreboard_png
from motoropt.scoreboard import refine_scoreboard_designs, scoreboard


def _f(v, nd=4):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return f"{v:.{nd}g}"


def scoreboard_table(sb: dict) -> str:
    """Text table (one block per run)."""
    blocks = []
    for run in sb["runs"]:
        head = (f"{Path(run['run']).name}  [{run['name'] or run['case']}]  cycle {run['cycle'] or '-'}: "
                f"{run['n_designs']} designs, {run['n_feasible']} feasible, {run['n_candidates']} on the "
                f"{'feasible front' if run['population'] == 'front' else 'feasible set'}")
        rows = []
        fea = any("fea_met" in t for t in run["targets"])
        for t in run["targets"]:
            row = [t["label"], f"{t['sense']} {t['bound']:g}", _f(t["value"]), _f(t["margin"], 3),
                   "-" if t["design_id"] is None else str(t["design_id"]),
                   "MET" if t["met"] else ("n/a" if t.get("evaluated") is False else "missed")]
            if fea:
                who = "" if t["design_id"] is not None or "fea_met" not in t else f"(design {t['fea_design_id']}) "
                viol = t.get("fea_violates") or []
                row.append("-" if "fea_met" not in t else who + ("error" if t["fea_error"] else
                           f"{_f(t['fea_value'])} {'MET' if t['fea_met'] else 'missed'}"
                           + (f" but violates {', '.join(viol)}" if viol else "")))
            rows.append(row + ["" if t["met"] else (t.get("limit") or "")])
        head_cols = ["target", "bound", "best", "margin", "design", "status"] + (["FEA-refined"] if fea else [])
        tab = _table(head_cols + ["limited by"], rows)
        re = next((t.get("rare_earth_mass_kg") for t in run["targets"] if t["target"] == "dy_free"), None)
        a, s = run["all_at_once"], run["all_at_once_with_stretch"]

        def line(x, what):
            if x["closest_design_id"] is None:
                return f"{what}: no feasible design"
            tail = ""
            if "fea_met" in x:
                viol = x.get("fea_violates") or []
                tail = ("; FEA re-evaluation failed: " + x["fea_error"] if x["fea_error"] else
                        f"; with the FEA field model design {x['closest_design_id']} "
                        f"{'meets' if x['fea_met'] else 'does not meet'} them all"
                        + (f" (violates {', '.join(viol)})" if viol else ""))
            if x["met"]:
                return f"{what}: MET by {x['n_designs']} design(s), e.g. {x['closest_design_id']}{tail}"
            miss = ", ".join(f"{k} {_f(m, 3)}" for k, m in x["margins"].items() if not (m is not None and m >= 0))
            return f"{what}: not met; closest design {x['closest_design_id']} misses {miss}{tail}"

        blocks.append("\n".join([head, tab, f"rare-earth mass of the Dy-target design: {_f(re)} kg",
                                 line(a, "all primary targets at once"), line(s, "all targets incl. 90 % stretch")]))
    return "\n\n".join(blocks)


def cmd_scoreboard(args) -> int:
    """``motoropt scoreboard`` entry point (argparse namespace: runs, json, png, cycle, all_feasible)."""
    pop = "feasible" if getattr(args, "all_feasible", False) else "front"
    if getattr(args, "refine_fea", False):
        for p in args.runs:
            print(f"{Path(p).name}: re-evaluating the scoreboard's designs with the FEA field model", file=sys.stderr)
            refine_scoreboard_designs(p, cycle=getattr(args, "cycle", None), population=pop)
    sb = scoreboard(args.runs, cycle=getattr(args, "cycle", None), population=pop)
    if args.json:
        print(json.dumps(sb, indent=1))
    else:
        print(scoreboard_table(sb))
    if getattr(args, "png", None):
        p = scoreboard_png(args.runs, args.png, sb)
        print(f"wrote {p}", file=sys.stderr if args.json else sys.stdout)
    return 0


def add_scoreboard_parser(subparsers):
    """Add ``scoreboard`` to an argparse sub-parser set; ``func`` = :func:`cmd_scoreboard`."""
    p = subparsers.add_parser("scoreboard", help="programme targets met/missed by optimisation runs")
    p.add_argument("runs", nargs="+", help="RUN.h5 files of `motoropt optimize`")
    p.add_argument("--json", action="store_true", help="print the scoreboard as JSON")
    p.add_argument("--png", default=None, help="write the trade-off plot (efficiency vs kW/kg) here")
    p.add_argument("--cycle", default=None, help="cycle for the efficiency targets (default: the run's objective cycle)")
    p.add_argument("--all-feasible", action="store_true", help="score every feasible design, not only the front")
    p.add_argument("--refine-fea", action="store_true",
                   help="re-evaluate the designs named in the table with the finite-element field model (flux map; "
                        "cage rotors: the FEA-derived circuit; stored in the run's /refined/fea; shown in an "
                        "FEA-refined column)")
    p.set_defaults(func=cmd_scoreboard)
    return p
