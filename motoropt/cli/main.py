"""Command-line interface: thin wrappers, one library call per command.

Errors a user can cause (bad case, unknown cycle, a point outside the envelope) print one line
``motoropt: error: ...`` on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys

from motoropt.cli.compare import register as register_compare
from motoropt.cli.compile_progress import report_compilation
from motoropt.cli.export import write_dxf_export
from motoropt.cli.fea import add_fea_subcommands, cmd_fea_export, harmonic_solve_text
from motoropt.cli.format import kv_table, print_json
from motoropt.cli.optimize import register as register_optimize
from motoropt.cli.precompile import precompile_for_case
from motoropt.cli.scoreboard import add_scoreboard_parser
from motoropt.cycles import load_cycle
from motoropt.errors import InputError, MotoroptError
from motoropt.evaluation.pipeline import evaluate_case, operating_point_case
from motoropt.evaluation.validation import METRIC_KEYS, REGISTRY, metrics_json, model_map, points_table, validate
from motoropt.magnetics.fea.fem_solve import solve_fem_file
from motoropt.optimize.report import export
from motoropt.optimize.storage import open_h5
from motoropt.plots import write_plots
from motoropt.plots.validation import validation_pngs
from motoropt.store import write_result


def cmd_evaluate(args) -> int:
    precompile_for_case("evaluate", args.case)  # a cold numba cache: the kernels on every core
    with report_compilation("evaluate"):  # a cold numba cache: one line per kernel on stderr
        ev = evaluate_case(args.case, progress=not args.json)
    if args.out:

        write_result(args.out, ev)
    if args.plots:

        paths = write_plots(ev, args.plots)
        if not args.json:
            for p in paths:
                print(f"wrote {p}", file=sys.stderr)
    if args.json:
        print_json(ev.kpis)
    else:
        k = ev.kpis
        scalars = [(key, v) for key, v in k.items() if not isinstance(v, dict)]
        print(kv_table(scalars, f"{ev.design.name}: KPIs"))
        for name, c in k.get("cycles", {}).items():
            print()
            print(kv_table(list(c.items()), f"cycle {name}"))
    return 0


def cmd_point(args) -> int:
    with report_compilation("point"):
        res = operating_point_case(args.case, args.rpm, args.torque, winding_c=args.winding_c,
                                   magnet_c=args.magnet_c)
    for w in res.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        print_json(res)
    else:
        nested = ("losses_w", "harmonic_losses_w", "iron_by_region_w", "warnings")
        rows = [(k, v) for k, v in res.items() if k not in nested]
        rows += [(f"loss {k} (W)", v) for k, v in res["losses_w"].items()]
        rows += [(f"harmonic loss {k} (W)", v) for k, v in res.get("harmonic_losses_w", {}).items()]
        print(kv_table(rows, f"operating point {args.rpm:g} rpm, {args.torque:g} N m"))
    return 0


def _extra(key: str, v, pct):
    """A comparison's extra metric for the text table: fractions in %, *_k in K, per-step errors as lists."""
    if isinstance(v, dict):
        return "; ".join(f"{k}: " + " ".join(f"{e:+.1f}" for e in es) + " K" for k, es in v.items())
    if isinstance(v, float):
        return f"{v:.1f} K" if key.endswith("_k") else pct(v)
    return v


def cmd_validate(args) -> int:
    names = args.names or sorted(REGISTRY)
    for n in names:
        if n not in REGISTRY:
            raise InputError("validate", n, f"one of {sorted(REGISTRY)}")
    results = [validate(n) for n in names]
    if args.png:
        for r in results:
            for path in validation_pngs(r, model_map(r), args.png, REGISTRY[r.name].efficiency_ok):
                print(f"wrote {path}", file=sys.stderr)
    if args.json:
        print_json(metrics_json(results))
        return 0
    for r in results:
        m = r.metrics
        pct = lambda v: "n/a" if v is None else f"{100 * v:.2f} %"  # noqa: E731
        print(kv_table([("points compared", m["n_points"]), ("mean |dI|/I", pct(m["mean_abs_current_error"])),
                        ("mean |d eta_motor|", pct(m["mean_abs_motor_efficiency_error"])),
                        ("max |d eta_motor|", pct(m["max_abs_motor_efficiency_error"])),
                        ("back-EMF error", pct(m["back_emf_error"])),
                        ("mean |d eta_inverter|", pct(m["inverter_efficiency_mean_abs_error"]))]
                       + [(k, _extra(k, v, pct)) for k, v in m.items() if k not in METRIC_KEYS],
                       f"{r.name}: model against measurement ({REGISTRY[r.name].description})"))
        print()
        print(f"{'rpm':>6} {'N m':>6} {'I meas':>7} {'I model':>7} {'dI %':>6} {'eta meas':>8} {'eta model':>9} {'d eta pt':>8}")
        for row in points_table(r):
            i_meas = "n/a" if row[2] is None else f"{row[2]:.1f}"
            if row[3] is None:
                print(f"{row[0]:6.0f} {row[1]:6.1f} {i_meas:>7}  outside the model's envelope")
            else:
                dI = "n/a" if row[4] is None else f"{row[4]:.1f}"
                print(f"{row[0]:6.0f} {row[1]:6.1f} {i_meas:>7} {row[3]:7.1f} {dI:>6} {row[5]:8.3f} {row[6]:9.3f} "
                      f"{row[7]:8.2f}")
        for label, c in r.checks.items():
            e = c["current_error"]
            print(f"{label}: current {c['model_current_rms_a'] or float('nan'):.1f} A rms model, "
                  f"{c['measured_current_rms_a']:.1f} A measured ({'n/a' if e is None else f'{100 * e:+.1f} %'})")
        print()
    return 0


def cmd_cycle(args) -> int:
    c = load_cycle(args.name)
    s = c.summary()
    if args.json:
        print_json(s)
    else:
        print(kv_table(list(s.items()), f"cycle {args.name}"))
    return 0


def cmd_fea_solve(args) -> int:
    res = solve_fem_file(args.file, torque_group=args.torque_group, max_iter=args.max_iterations,
                         time_limit_s=args.time_limit, max_nodes=args.max_nodes)
    if args.json:
        print_json(res)
    elif "frequency_hz" in res:  # time-harmonic file
        print(harmonic_solve_text(res, args.file))
    else:
        rows = [(k, v) for k, v in res.items() if k != "circuits"]
        rows += [(f"circuit {n}: current (A), flux linkage (Wb)", f"{c['current_a']:.6g}, {c['flux_linkage_wb']:.6g}")
                 for n, c in res.get("circuits", {}).items()]
        print(kv_table(rows, f"FEA solve of {args.file}"))
    return 0


def cmd_export(args) -> int:
    """One ``export`` for both file kinds: a run (needs --design) or an evaluation result."""
    import tempfile

    if not (args.case or args.fem or args.dxf):
        raise InputError("export", args.file, "given --case OUT.toml, --fem OUT.fem and/or --dxf OUT.dxf")
    try:
        with open_h5(args.file, "r") as f:  # waits while a running optimisation appends
            is_result = f.attrs.get("format") == "motoropt-result"
            case_text = f["design/case_toml"][()].decode() if is_result else None
    except OSError:
        raise InputError("export", args.file, "an HDF5 run or result file of motoropt") from None
    with tempfile.TemporaryDirectory() as tmp:
        case_path = args.case or str(__import__("pathlib").Path(tmp) / "design.toml")
        if is_result:
            __import__("pathlib").Path(case_path).write_text(case_text)
        else:
            if args.design is None:
                raise InputError("--design", None, "given for a run file (a design id of the run)")

            export(args.file, args.design, case_path, full_map=args.full_map)
        if args.case:
            print(f"wrote {args.case}", file=sys.stderr)
        if args.dxf:
            write_dxf_export(case_path, args.dxf, args.file, args.design)
        if args.fem:

            ns = argparse.Namespace(case=case_path, fem=args.fem, rotor_angle=args.rotor_angle, id=args.id,
                                    iq=args.iq, sector="auto")
            cmd_fea_export(ns)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="motoropt", description="Design and optimise electric traction motors and their inverters.")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("evaluate", help="evaluate a case's nominal design and print its KPIs")
    e.add_argument("case")
    e.add_argument("--json", action="store_true", help="one JSON object on stdout")
    e.add_argument("--out", help="write the result to this HDF5 file")
    e.add_argument("--plots", help="write plots (PNG) into this directory")
    e.set_defaults(func=cmd_evaluate)

    pt = sub.add_parser("point", help="one operating point of the nominal design")
    pt.add_argument("case")
    pt.add_argument("--rpm", type=float, required=True)
    pt.add_argument("--torque", type=float, required=True, help="N m; negative = generating")
    pt.add_argument("--winding-c", type=float, default=None,
                    help="winding temperature, degC (default the case's temperatures.winding_c)")
    pt.add_argument("--magnet-c", type=float, default=None,
                    help="magnet temperature, degC (default the case's temperatures.magnet_c, also when only "
                         "--winding-c is given: a winding temperature says nothing about the rotor)")
    pt.add_argument("--json", action="store_true")
    pt.set_defaults(func=cmd_point)

    va = sub.add_parser("validate", help="compare shipped machines with their measurements (current, efficiency, "
                                         "back-EMF)")
    va.add_argument("names", nargs="*", metavar="NAME", help="machines (default all)")
    va.add_argument("--json", action="store_true", help="{name: metrics} as one JSON object (fractions)")
    va.add_argument("--png", metavar="DIR", help="write model-vs-measurement PNGs into DIR")
    va.set_defaults(func=cmd_validate)

    c = sub.add_parser("cycle", help="a shipped drive cycle's duration, distance and speeds")
    c.add_argument("name")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_cycle)


    register_optimize(sub, with_export=False)  # optimize, report, show
    register_compare(sub)

    add_scoreboard_parser(sub)

    x = sub.add_parser("export", help="export a design: from a run (--design ID) or a result file; "
                                      "as a case file (--case) and/or a FEMM .fem file (--fem)")
    x.add_argument("file", help="RUN.h5 of `motoropt optimize` or RESULT.h5 of `motoropt evaluate --out`")
    x.add_argument("--design", type=int, help="design id (run files)")
    x.add_argument("--case", help="write the design as a case file (TOML)")
    x.add_argument("--fem", help="write the design's cross-section as a FEMM 4.2 .fem file")
    x.add_argument("--dxf", help="write the design's cross-section as a DXF drawing (mm, a layer per material region)")
    x.add_argument("--full-map", action="store_true", help="run files: evaluate on the case's own map grid")
    x.add_argument("--rotor-angle", type=float, default=None, help="--fem: mechanical rotor angle of pole 0, deg")
    x.add_argument("--id", type=float, default=0.0, help="--fem: d-axis current, A peak")
    x.add_argument("--iq", type=float, default=0.0, help="--fem: q-axis current, A peak")
    x.set_defaults(func=cmd_export)

    fea = sub.add_parser("fea", help="finite-element commands (embedded solver)")
    fsub = fea.add_subparsers(dest="fea_command", required=True)
    fs = fsub.add_parser("solve", help="solve a FEMM 4.2 magnetics .fem file")
    fs.add_argument("file")
    fs.add_argument("--json", action="store_true")
    fs.add_argument("--torque-group", type=int, default=None, help="block group for the stress-tensor torque")
    fs.add_argument("--max-iterations", type=int, default=None,
                    help="nonlinear iteration limit (default 40 Newton steps static, 60 time-harmonic)")
    fs.add_argument("--time-limit", type=float, default=600.0, help="wall-time limit of the solve, s (default 600)")
    fs.add_argument("--max-nodes", type=int, default=1_000_000, help="mesh size limit, nodes (default 1000000)")
    fs.set_defaults(func=cmd_fea_solve)

    add_fea_subcommands(fsub)  # compare, export, noload
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MotoroptError as e:
        msg = str(e).replace("\n", " ")
        print(f"motoropt: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("motoropt: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not a user error: one line, traceback on request
        import os

        if os.environ.get("MOTOROPT_DEBUG"):
            raise
        print(f"motoropt: internal error: {type(e).__name__}: {e} (set MOTOROPT_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
