"""``motoropt compare RUN.h5 --designs A,B[,C] [--png DIR] [--full-map]``: two or three designs
of a run side by side with their differences (:mod:`motoropt.review.compare`)."""

from __future__ import annotations

from motoropt.review.compare import compare


def cmd_compare(args) -> int:
    compare(args.run, args.designs, png=args.png, full_map=args.full_map)
    return 0


def register(subparsers) -> None:
    """Add the ``compare`` subcommand."""
    p = subparsers.add_parser("compare", help="two or three designs of a run side by side, with overlay plots")
    p.add_argument("run", help="RUN.h5 of `motoropt optimize`")
    p.add_argument("--designs", required=True, metavar="A,B[,C]", help="2 or 3 design ids, e.g. 12,40")
    p.add_argument("--png", metavar="DIR", help="write the overlay plots (efficiency-map difference, torque "
                                                 "envelopes, cycle losses) into DIR")
    p.add_argument("--full-map", action="store_true",
                   help="--png: evaluate on the case's own grids instead of the run's")
    p.set_defaults(func=cmd_compare)
