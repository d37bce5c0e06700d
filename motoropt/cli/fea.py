"""Command-line entry points of the FEA path (registered by :mod:`motoropt.cli.main`):

- ``motoropt fea compare CASE.toml [--json] [--positions K] [--n-d N] [--n-q N] [--mesh-scale S]``:
  analytic vs FEA table (:func:`motoropt.evaluation.fea.compare_analytic_fea`);
- ``motoropt fea export CASE.toml --fem OUT.fem [--rotor-angle DEG] [--id A --iq A] [--sector S]``:
  the design's cross-section as a FEMM 4.2 .fem file;
- ``motoropt fea noload CASE.toml [--json] [--positions N] [--cogging-positions M]``: psi_PM,
  back-EMF per 1000 rpm with harmonics, cogging torque peak-to-peak;
- ``motoropt export RESULT.h5 --fem OUT.fem``: the .fem file of a stored result's design.

Each ``cmd_*`` takes the argparse namespace and returns the exit status; user errors are raised as
:class:`~motoropt.errors.InputError` (the CLI prints them on one line, status 2).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from motoropt.case import load_case, nominal_design, parse_case
from motoropt.cli.format import kv_table, print_json
from motoropt.errors import InputError
from motoropt.evaluation.fea import compare_analytic_fea, compare_text
from motoropt.magnetics.fea.femfile import write_fem
from motoropt.magnetics.fea.fluxmap_fea import no_load
from motoropt.magnetics.fea.machine import MeshSpec, build_section, d_axis_angle_deg


def _design(case_path):
    return nominal_design(load_case(case_path))


def _overrides(args) -> dict:
    out = {}
    for attr, key in (("positions", "positions"), ("n_d", "fluxmap_n_d"), ("n_q", "fluxmap_n_q"),
                      ("mesh_scale", "mesh_scale")):
        v = getattr(args, attr, None)
        if v is not None:
            out[key] = v
    return out


def cmd_fea_compare(args) -> int:
    """``motoropt fea compare CASE.toml [--json]``."""

    d = _design(args.case)
    tab = compare_analytic_fea(d, **_overrides(args))
    if args.json:
        print_json(tab)
    else:
        print(compare_text(tab))
    return 0


def export_fem(design, fem_path, rotor_angle_deg: float | None = None, i_d: float = 0.0, i_q: float = 0.0,
               sector: str = "auto", mesh_scale: float = 1.0) -> dict:
    """Write the design's cross-section (rotor at ``rotor_angle_deg`` mechanical, default the d axis
    on phase A; currents i_d, i_q A peak, amplitude-invariant) as a FEMM .fem file (millimetres).
    Returns {"path", "rotor_angle_deg", "i_abc_a", "sector", "sectors"}."""

    for name, v in (("--id", i_d), ("--iq", i_q)):
        if not math.isfinite(float(v)):
            raise InputError(name, v, "a finite current, A peak")
    ang = d_axis_angle_deg(design) if rotor_angle_deg is None else float(rotor_angle_deg)
    sec = build_section(design, ang, sector=sector, mesh=MeshSpec(scale=mesh_scale), i_dq=(float(i_d), float(i_q)))
    geo = sec.geometry.split_at_nodes()  # segments ending on another segment (double-layer slot split) are split
    geo.validate()
    path = Path(fem_path)
    if path.parent and not path.parent.exists():
        raise InputError("--fem", str(fem_path), "a path in an existing directory")
    write_fem(geo, path)
    return {"path": str(path), "rotor_angle_deg": ang, "i_abc_a": list(sec.info["i_abc"]), "sector": sector,
            "sectors": sec.sectors}


def cmd_fea_export(args) -> int:
    """``motoropt fea export CASE.toml --fem OUT.fem [--rotor-angle DEG] [--id A --iq A]``."""
    res = export_fem(_design(args.case), args.fem, args.rotor_angle, args.id or 0.0, args.iq or 0.0,
                     getattr(args, "sector", "auto") or "auto")
    print(f"wrote {res['path']} ({res['sector']} sector, 1/{res['sectors']} of the machine, rotor at "
          f"{res['rotor_angle_deg']:.4f} deg)", file=sys.stderr)
    return 0


def noload_summary(design, positions: int = 12, cogging_positions: int = 8) -> dict:
    """JSON-able no-load results: psi_pm_wb (phase fundamental, peak), emf_ll_rms_v_per_krpm (incl.
    harmonics), emf_phase_fund_peak_v_per_krpm, emf_ll_harmonics_v_per_krpm {order: V peak},
    emf_ll_thd_pct, cogging_pp_nm (over one slot pitch; 0 if cogging_positions = 0)."""
    if int(positions) < 2:
        raise InputError("--positions", positions, ">= 2")
    if int(cogging_positions) < 0:
        raise InputError("--cogging-positions", cogging_positions, ">= 0")
    nl = no_load(design, positions=int(positions), cogging_positions=int(cogging_positions))
    E = nl.emf_ll_harmonics
    thd = 100.0 * math.sqrt(float((E[1:] ** 2).sum())) / float(E[0]) if E.size and E[0] > 0 else float("nan")
    return {"design": design.name, "T_magnet_c": design.T_magnet_c, "psi_pm_wb": nl.psi_pm,
            "emf_ll_rms_v_per_krpm": nl.emf_ll_rms_per_krpm,
            "emf_phase_fund_peak_v_per_krpm": nl.emf_phase_fund_peak_per_krpm,
            "emf_ll_harmonics_v_per_krpm": {str(int(o)): float(e) for o, e in zip(nl.harmonics, E)},
            "emf_ll_thd_pct": thd, "cogging_pp_nm": nl.cogging_peak_to_peak,
            "cogging_torque_nm": nl.cogging_torque.tolist()}


def cmd_fea_noload(args) -> int:
    """``motoropt fea noload CASE.toml [--json]``."""
    res = noload_summary(_design(args.case), getattr(args, "positions", None) or 12,
                         8 if getattr(args, "cogging_positions", None) is None else args.cogging_positions)
    if args.json:
        print_json(res)
    else:

        rows = [(k, v) for k, v in res.items() if not isinstance(v, (dict, list)) and k != "design"]
        rows += [(f"EMF harmonic {o} (V peak, line-line, per 1000 rpm)", v)
                 for o, v in res["emf_ll_harmonics_v_per_krpm"].items() if v > 1e-3 * res["emf_phase_fund_peak_v_per_krpm"]]
        print(kv_table(rows, f"{res['design']}: no-load FEA"))
    return 0


def export_fem_from_result(result_h5, fem_path, rotor_angle_deg: float | None = None, i_d: float = 0.0,
                           i_q: float = 0.0, sector: str = "auto") -> dict:
    """``motoropt export RESULT.h5 --fem OUT.fem``: re-load the result's design from /design/case_toml
    and write its cross-section (see :func:`export_fem`)."""
    import tomllib

    import h5py


    p = Path(result_h5)
    if not p.is_file():
        raise InputError("result", str(result_h5), "an existing HDF5 result file")
    try:
        with h5py.File(p, "r") as f:
            if "design" not in f or "case_toml" not in f["design"]:
                raise InputError("result", str(result_h5), "a motoropt result with /design/case_toml")
            raw = f["design"]["case_toml"][()]
    except OSError as e:
        raise InputError("result", str(result_h5), f"a readable HDF5 file ({e})") from None
    text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    case = parse_case(tomllib.loads(text), str(p))
    design = nominal_design(case)
    return export_fem(design, fem_path, rotor_angle_deg, i_d, i_q, sector)


def cmd_export(args) -> int:
    """``motoropt export RESULT.h5 --fem OUT.fem [--rotor-angle DEG] [--id A --iq A]``."""
    res = export_fem_from_result(args.result, args.fem, getattr(args, "rotor_angle", None),
                                 getattr(args, "id", None) or 0.0, getattr(args, "iq", None) or 0.0)
    print(f"wrote {res['path']}", file=sys.stderr)
    return 0


def harmonic_solve_text(res: dict, source: str = "") -> str:
    """Table of a time-harmonic ``motoropt fea solve`` result (:func:`.harmonic.harmonic_summary`):
    peak phasors as magnitude and angle, time-average losses and torque."""
    import cmath


    def ph(z):
        c = complex(z[0], z[1])
        return f"{abs(c):.6g} at {math.degrees(cmath.phase(c)):.2f} deg"

    rows = [(k, res[k]) for k in ("frequency_hz", "mesh_nodes", "mesh_elements", "iterations", "solve_time_s")]
    for n, c in res["circuits"].items():
        rows.append((f"circuit {n}: current (A peak)", ph(c["current_a"])))
        rows.append((f"circuit {n}: voltage (V peak)", ph(c["voltage_v"])))
        rows.append((f"circuit {n}: flux linkage (Wb peak)", ph(c["flux_linkage_wb"])))
    rows.append(("resistive loss, time average (W)", res["losses_w"]["total"]))
    rows += [(f"  group {g} (W)", v) for g, v in res["losses_w"]["by_group"].items() if v != 0.0]
    rows.append(("hysteresis + lamination loss (W)", res["iron_loss_w"]))
    if "torque_nm" in res:
        rows.append(("torque, time average (N m)", res["torque_nm"]))
        rows.append(("torque method", res["torque_method"]))
    return kv_table(rows, f"time-harmonic FEA solve of {source}")


def _export_options(p) -> None:
    p.add_argument("--fem", required=True, help="output FEMM 4.2 .fem file")
    p.add_argument("--rotor-angle", type=float, default=None,
                   help="mechanical rotor angle of pole 0, deg (default: d axis on phase A)")
    p.add_argument("--id", type=float, default=0.0, help="d-axis current, A peak")
    p.add_argument("--iq", type=float, default=0.0, help="q-axis current, A peak")


def add_fea_subcommands(fea_subparsers) -> None:
    """Add ``compare``, ``export`` and ``noload`` to the ``motoropt fea`` sub-parsers."""
    c = fea_subparsers.add_parser("compare", help="analytic vs FEA flux map, efficiency and cycle KPIs")
    c.add_argument("case")
    c.add_argument("--json", action="store_true")
    c.add_argument("--positions", type=int, default=None, help="rotor positions per current (default [fea] or 4)")
    c.add_argument("--n-d", dest="n_d", type=int, default=None, help="FEA grid points along i_d")
    c.add_argument("--n-q", dest="n_q", type=int, default=None, help="FEA grid points along i_q")
    c.add_argument("--mesh-scale", type=float, default=None, help="element size factor (smaller = finer)")
    c.set_defaults(func=cmd_fea_compare)

    e = fea_subparsers.add_parser("export", help="write the design's cross-section as a FEMM .fem file")
    e.add_argument("case")
    _export_options(e)
    e.add_argument("--sector", default="auto", choices=("auto", "pole", "pole_pair", "unit", "full"))
    e.set_defaults(func=cmd_fea_export)

    n = fea_subparsers.add_parser("noload", help="no-load flux linkage, back-EMF harmonics, cogging torque")
    n.add_argument("case")
    n.add_argument("--json", action="store_true")
    n.add_argument("--positions", type=int, default=12, help="rotor positions over half an electrical period")
    n.add_argument("--cogging-positions", type=int, default=8, help="rotor positions over one slot pitch (0: none)")
    n.set_defaults(func=cmd_fea_noload)


def add_export_parser(subparsers) -> None:
    """Add ``motoropt export RESULT.h5 --fem OUT.fem`` to the top-level sub-parsers."""
    x = subparsers.add_parser("export", help="export a stored result's design (--fem: FEMM .fem file)")
    x.add_argument("result")
    _export_options(x)
    x.set_defaults(func=cmd_export)


def register(subparsers, fea_subparsers=None) -> None:
    """Add ``export`` to the top-level sub-parsers and, if given, the FEA sub-commands."""
    add_export_parser(subparsers)
    if fea_subparsers is not None:
        add_fea_subcommands(fea_subparsers)
