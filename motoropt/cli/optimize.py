"""Command-line subcommands ``optimize``, ``report``, ``show``, ``export`` (argparse).

``register(subparsers)`` adds them to an existing ``argparse`` sub-parser set (the main CLI calls
it); each parser's ``func`` default takes the parsed namespace and returns an exit status.
``python -m motoropt.cli.optimize optimize CASE.toml --out RUN.h5 ...`` runs them standalone.
InputError messages are printed on one line with exit status 2 (also a second writer on a run
file). ``optimize`` stopped by SIGINT/SIGTERM prints how to resume and exits with 128 + the signal
number (130, 143); stopped because its file could not be written (disk full), with 74.
"""

from __future__ import annotations

import argparse
import sys

from motoropt.cli.precompile import precompile_for_case
from motoropt.errors import InputError, MotoroptError
from motoropt.optimize.report import export, infeasibility_text, refine_fea, show
from motoropt.optimize.runner import RunStopped, run_optimization
from motoropt.review import report
from motoropt.review.data import parse_ids


def _optimize(a) -> int:
    precompile_for_case("optimize", a.case)  # a cold numba cache: the kernels on every core
    if not a.quiet and not a.resume:  # the kernels are compiled by now (at install, or just above)
        print(f"optimize: checking {a.case} on its nominal design", file=sys.stderr, flush=True)
    try:
        res = run_optimization(a.case, a.out, pop=a.pop, generations=a.generations, algorithm=a.algorithm,
                               workers=a.workers, dask_address=a.dask, seed=a.seed, resume=a.resume,
                               progress=not a.quiet)
    except RunStopped as e:
        print(f"motoropt: {e}", file=sys.stderr)
        return e.exit_status
    print(f"{res.n_evaluated} designs in {res.path} ({res.n_feasible} feasible, {res.n_errors} failed to evaluate); "
          f"{res.designs_per_s:.1f} designs/s this session")
    if res.n_feasible == 0:
        print(infeasibility_text(res.path))
    else:
        print(f"non-dominated feasible designs: {len(res.front_ids)} (ids {', '.join(map(str, res.front_ids[:20]))}"
              f"{' ...' if len(res.front_ids) > 20 else ''}); review with: motoropt report {res.path}")
    if a.refine_fea:
        for r in refine_fea(res.path, a.refine_fea):
            print(f"refined design {r['id']}: {'ok' if not r['error'] else r['error']}")
    return 0


def _report(a) -> int:
    if (a.designs or a.full_map) and not a.html:
        raise InputError("--designs" if a.designs else "--full-map", a.designs or True, "used with --html REPORT.html")
    report(a.run, html=a.html, designs=parse_ids(a.designs), full_map=a.full_map, progress=not a.quiet)
    return 0


def _show(a) -> int:
    show(a.run, a.design, full_map=a.full_map)
    return 0


def _export(a) -> int:
    p = export(a.run, a.design, a.case, full_map=a.full_map)
    print(f"wrote {p}")
    return 0


def register(subparsers, with_export: bool = True) -> None:
    """Add the optimize/report/show/export subcommands to ``subparsers`` (``with_export=False``: the
    caller provides its own ``export`` that also covers other file kinds, as motoropt's CLI does)."""
    p = subparsers.add_parser("optimize", help="multi-objective optimisation of a case's design variables (pymoo)")
    p.add_argument("case", help="case file with ranges and an [optimization] table")
    p.add_argument("--out", required=True, help="run file (HDF5), e.g. run.h5")
    p.add_argument("--pop", type=int, help="population size (default: the case's optimization.pop)")
    p.add_argument("--generations", type=int, help="number of generations")
    p.add_argument("--algorithm", choices=("nsga2", "nsga3"))
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, help="local worker processes (default 1)")
    g.add_argument("--dask", metavar="SCHEDULER_ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786")
    p.add_argument("--seed", type=int)
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    p.add_argument("--refine-fea", type=int, default=0, metavar="K",
                   help="re-evaluate the top K designs with the finite-element path afterwards")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_optimize)

    p = subparsers.add_parser("report", help="Pareto review of an optimisation run")
    p.add_argument("run")
    p.add_argument("--html", help="write the interactive design review (one HTML file, works offline)")
    p.add_argument("--designs", metavar="ID,...", help="--html: also compute the details of these designs "
                                                        "(the front's are always computed)")
    p.add_argument("--full-map", action="store_true",
                   help="--html: evaluate the details on the case's own grids instead of the run's")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_report)

    cmds = [("show", _show, "re-evaluate one design of a run and print its KPIs")]
    if with_export:
        cmds.append(("export", _export, "write one design of a run as a case file"))
    for name, fn, hlp in cmds:
        p = subparsers.add_parser(name, help=hlp)
        p.add_argument("run")
        p.add_argument("--design", type=int, required=True, help="design id")
        p.add_argument("--full-map", action="store_true",
                       help="use the case's own map grid instead of the optimisation's (coarser) grid")
        if name == "export":
            p.add_argument("--case", required=True, help="output case file (TOML)")
        p.set_defaults(func=fn)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m motoropt.cli.optimize")
    register(ap.add_subparsers(dest="command", required=True))
    a = ap.parse_args(argv)
    try:
        return a.func(a)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MotoroptError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
