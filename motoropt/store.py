"""HDF5 result files, readable with plain h5py.

Layout of a result written by ``motoropt evaluate CASE --out RESULT.h5`` (all SI unless the name
says otherwise; 2-D maps are indexed [torque, speed]):

```
/                          attrs: format ("motoropt-result"), format_version, motoropt_version,
                                  design_name, case_path, created_utc
/kpis                      attrs: every scalar KPI (e.g. peak_torque_nm, motor_mass_kg);
                                  attr "json": the whole KPI record as JSON (incl. per-cycle dicts)
/design                    attrs: case-file values as "section.key" (case-file units);
                                  dataset "case_toml": the values as TOML text (re-loadable)
/fluxmap/i_d, i_q          (n_d,), (n_q,) A (peak)      attrs: pole_pairs, T_magnet_c, source, regions
/fluxmap/psi_d, psi_q      (n_d, n_q) Wb
/fluxmap/torque            (n_d, n_q) N m
/fluxmap/B_iron            (n_regions, n_d, n_q) T
/map/speed_rpm             (n_s,)
/map/torque_nm             (n_t,)    negative = generating
/map/efficiency            (n_t, n_s) fraction, NaN outside the envelope
/map/losses/<kind>         (n_t, n_s) W, kind in copper, iron, magnet, mechanical (+ inverter
                           and gear kinds when those models are present)
/map/i_d, i_q              (n_t, n_s) A peak
/map/voltage_ll_rms        (n_t, n_s) V
/map/feasible              (n_t, n_s) uint8
/map/envelope/speed_rpm, torque_max_nm, torque_min_nm   (n_env,)
/map/extra/<name>          (n_t, n_s) maps added by the system and thermal models (e.g.
                           system_efficiency, inverter_loss_w, gear_loss_w)
/series/<name>             other arrays of those models (e.g. continuous envelope)
/cycles/<name>/time_s, dt_s, speed_rpm, torque_nm, p_mech_w, p_elec_w, feasible,
               loss_<kind>_w      per cycle interval      attrs: the cycle's KPIs
               + arrays added by the system/thermal models (e.g. inverter_loss_w, T_winding_c)
```
"""

from __future__ import annotations

import datetime as _dt
import json

import h5py
import numpy as np

from motoropt import __version__
from motoropt.drive.effmap import loss_kinds

FORMAT = "motoropt-result"
FORMAT_VERSION = 1


def _flatten_values(values: dict) -> dict:
    out = {}
    for sec, d in values.items():
        for k, v in d.items():
            if v is None:
                continue
            out[f"{sec}.{k}"] = list(v) if isinstance(v, tuple) else v
    return out


def values_to_toml(values: dict, free: dict | None = None) -> str:
    """Serialise case-file values (and free sections) back to TOML text."""

    def fmt(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(fmt(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {fmt(x)}" for k, x in v.items()) + "}"
        raise TypeError(type(v))

    lines = []
    free = dict(free or {})
    values = dict(values)
    for sec in list(values):  # free-section variables assigned in values: one table per section
        if sec in free:
            free[sec] = {**free[sec], **values.pop(sec)}
    for sec, d in list(values.items()) + list(free.items()):
        items = [(k, v) for k, v in d.items() if v is not None]
        if not items:
            continue
        lines.append(f"[{sec}]")
        for k, v in items:
            if isinstance(v, dict) and sec in (free or {}):
                continue
            lines.append(f"{k} = {fmt(v)}")
        for k, v in items:
            if isinstance(v, dict) and sec in (free or {}):
                lines.append(f"[{sec}.{k}]")
                for kk, vv in v.items():
                    lines.append(f"{kk} = {fmt(vv)}")
        lines.append("")
    return "\n".join(lines)


def write_result(path, evaluation) -> None:
    """Write an :class:`~motoropt.evaluation.pipeline.Evaluation` to ``path`` (see the module docstring)."""
    ev = evaluation
    with h5py.File(path, "w") as f:
        f.attrs.update(format=FORMAT, format_version=FORMAT_VERSION, motoropt_version=__version__,
                       design_name=ev.design.name, case_path=str(ev.case_path or ""),
                       created_utc=_dt.datetime.now(_dt.UTC).isoformat())
        k = f.create_group("kpis")
        for key, v in ev.kpis.items():
            if isinstance(v, (int, float, np.integer, np.floating, str, bool)) and v is not None:
                k.attrs[key] = v
        k.attrs["json"] = json.dumps(ev.kpis, default=float)
        d = f.create_group("design")
        for key, v in _flatten_values(ev.design.values).items():
            d.attrs[key] = v
        specs = ev.design.specs
        d.create_dataset("case_toml", data=values_to_toml(ev.design.values, dict(specs.tables) if specs else {}))
        fm = ev.fluxmap
        g = f.create_group("fluxmap")
        if fm is not None:
            for name in ("i_d", "i_q", "psi_d", "psi_q", "torque", "B_iron"):
                g.create_dataset(name, data=getattr(fm, name))
            g.attrs.update(pole_pairs=fm.pole_pairs, T_magnet_c=fm.T_magnet_c, source=fm.source,
                           regions=list(fm.regions))
        m = ev.emap
        g = f.create_group("map")
        g.create_dataset("speed_rpm", data=m.speed_rpm)
        g.create_dataset("torque_nm", data=m.torque_nm)
        opts = dict(compression="gzip", compression_opts=4)
        g.create_dataset("efficiency", data=m.efficiency, **opts)
        lg = g.create_group("losses")
        for kind in loss_kinds(m):
            lg.create_dataset(kind, data=m.losses[kind], **opts)
        g.create_dataset("i_d", data=m.i_d, **opts)
        g.create_dataset("i_q", data=m.i_q, **opts)
        g.create_dataset("voltage_ll_rms", data=m.voltage_ll_rms, **opts)
        g.create_dataset("feasible", data=m.feasible.astype(np.uint8))
        e = g.create_group("envelope")
        e.create_dataset("speed_rpm", data=m.envelope_speed_rpm)
        e.create_dataset("torque_max_nm", data=m.envelope_motoring_nm)
        e.create_dataset("torque_min_nm", data=-m.envelope_generating_nm)
        xg = g.create_group("extra")
        for name, arr in ev.map_arrays().items():
            xg.create_dataset(name, data=np.asarray(arr), **opts)
        sg = f.create_group("series")
        for name, arr in ev.series().items():
            sg.create_dataset(name, data=np.asarray(arr))
        cg = f.create_group("cycles")
        for name, c in ev.cycles.items():
            h = cg.create_group(name)
            for key in ("time_s", "dt_s", "speed_rpm", "torque_nm", "p_mech_w", "p_elec_w"):
                h.create_dataset(key, data=getattr(c, key))
            h.create_dataset("feasible", data=c.feasible.astype(np.uint8))
            for kind, arr in c.losses.items():
                h.create_dataset(f"loss_{kind}_w", data=arr)
            for key, arr in ev.cycle_arrays(name).items():
                h.create_dataset(key, data=np.asarray(arr))
            for key, v in ev.kpis.get("cycles", {}).get(name, c.summary).items():
                if isinstance(v, (int, float, np.integer, np.floating)):
                    h.attrs[key] = v


def read_kpis(path) -> dict:
    """The KPI record of a result file."""
    with h5py.File(path, "r") as f:
        return json.loads(f["kpis"].attrs["json"])
