"""The finite-element path inside the design pipeline: FEA flux maps (cached on disk) for the same
control, loss, efficiency-map and drive-cycle code as the analytic model; the analytic-vs-FEA
comparison; torque ripple; the magnet field for the demagnetisation check; the case option
``[fea] fidelity`` and the optimiser's ``--refine-fea`` evaluator.

Conventions and assumptions (SI units; A peak phase current, Wb peak phase flux linkage):
- current grid: the analytic map's (:func:`motoropt.magnetics.analytic.compute_fluxmap`):
  i_d from -1.05 I_max to +0.15 I_max (n_d points), i_q from 0 to 1.05 I_max (n_q points), with
  n_d, n_q = the case's ``map.fluxmap_n_d``, ``map.fluxmap_n_q`` unless given.
- flux linkages and torque are averages over ``positions`` rotor positions over 60 electrical
  degrees (:func:`.fluxmap_fea.fea_fluxmap`); the iron regions are the FEA map's "stator_teeth",
  "stator_yoke" plus "rotor_surface" (slot-ripple field, :meth:`Design.with_rotor_surface_region`,
  computed from the FEA tooth field as for the analytic map), so the same
  :class:`~motoropt.drive.losses.LossParams` apply.
- cache: ``$MOTOROPT_CACHE_DIR/fea`` (default ``~/.cache/motoropt/fea``), one ``.npz`` per map,
  keyed by a SHA-256 of the design (case-file values, the derived stator/rotor/winding/material
  parameters), the grid, positions, sector, mesh spec, magnet temperature and the source text of the
  FEA modules (a code change invalidates the cache). Files are written atomically.
- demagnetisation: H in a magnet element is nu B - H_c m (linear recoil line, see :mod:`.solver`);
  its component along the magnetisation m is H_m = B.m / (mu0 mu_r) - H_c; demagnetising fields are
  negative, and irreversible loss is assumed where -H_m exceeds the knee field
  :meth:`Magnet.H_knee` at the magnet temperature.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motoropt.constants import RPM_TO_RAD_S
from motoropt.errors import InputError, OperatingPointError
from motoropt.machines.pmsm.design import Design
from motoropt.magnetics.fea.machine import MeshSpec
from motoropt.magnetics.fluxmap import FluxMap

CACHE_VERSION = 1
FIDELITIES = ("analytic", "fea")
FEA_KEYS = ("fidelity", "positions", "mesh_scale", "sector", "fluxmap_n_d", "fluxmap_n_q", "cache")


# ---------------------------------------------------------------------- [fea] case section
@dataclass(frozen=True)
class FeaSettings:
    """The case's free ``[fea]`` section.

    fidelity: "analytic" (default) or "fea": which flux map Design.fluxmap returns; positions: rotor
    positions per current (over 60 elec. deg, >= 1, default 4); mesh_scale: multiplies every default
    element size (> 0, default 1: ~14k elements per Prius pole); sector: "auto" (default: one pole if the winding
    allows, else the smallest symmetric sector) | "pole" | "pole_pair" | "unit" | "full";
    fluxmap_n_d, fluxmap_n_q: FEA grid (default the case's [map] grid); cache: use the disk cache.
    """

    fidelity: str = "analytic"
    positions: int = 4
    mesh_scale: float = 1.0
    sector: str = "auto"
    fluxmap_n_d: int | None = None
    fluxmap_n_q: int | None = None
    cache: bool = True

    @property
    def mesh(self) -> MeshSpec:
        return MeshSpec(scale=self.mesh_scale)


def fea_settings(design) -> FeaSettings:
    """Validated :class:`FeaSettings` from ``design.free["fea"]`` (InputError naming the key)."""
    raw = (getattr(design, "free", None) or {}).get("fea") or {}
    if not isinstance(raw, dict):
        raise InputError("fea", raw, "a table")
    for k in raw:
        if k not in FEA_KEYS:
            raise InputError(f"fea.{k}", raw[k], f"a known key of [fea]: {list(FEA_KEYS)}")
    s = FeaSettings()
    out = {}
    if "fidelity" in raw:
        if raw["fidelity"] not in FIDELITIES:
            raise InputError("fea.fidelity", raw["fidelity"], f"one of {list(FIDELITIES)}")
        out["fidelity"] = raw["fidelity"]
    for k, lo, hi in (("positions", 1, 360), ("fluxmap_n_d", 2, 61), ("fluxmap_n_q", 2, 61)):
        if k in raw:
            v = raw[k]
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise InputError(f"fea.{k}", v, f"an integer in [{lo}, {hi}]")
            out[k] = v
    if "mesh_scale" in raw:
        v = raw["mesh_scale"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0.1 <= v <= 10.0):
            raise InputError("fea.mesh_scale", v, "a number in [0.1, 10]")
        out["mesh_scale"] = float(v)
    if "sector" in raw:
        from motoropt.magnetics.fea.machine import SECTORS

        if raw["sector"] not in SECTORS:
            raise InputError("fea.sector", raw["sector"], f"one of {list(SECTORS)}")
        out["sector"] = raw["sector"]
    if "cache" in raw:
        if not isinstance(raw["cache"], bool):
            raise InputError("fea.cache", raw["cache"], "true or false")
        out["cache"] = raw["cache"]
    return dataclasses.replace(s, **out)


# ---------------------------------------------------------------------- cache
def cache_dir() -> Path:
    """Directory of cached FEA flux maps: $MOTOROPT_CACHE_DIR/fea or ~/.cache/motoropt/fea."""
    base = os.environ.get("MOTOROPT_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "motoropt"
    return root / "fea"


def _code_hash() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("geometry2d.py", "mesh.py", "solver.py", "post.py", "machine.py", "fluxmap_fea.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def _json_default(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer, np.floating)):
        return o.item()
    return repr(o)


def design_key(design) -> dict:
    """What determines a design's FEA field: case values and the derived model parameters."""
    def mat(m):
        H, B = m.bh_arrays()
        return [m.name, hashlib.sha256(np.asarray(H, float).tobytes() + np.asarray(B, float).tobytes()).hexdigest()[:16]]

    w = design.winding
    return {
        "values": {k: v for k, v in (design.values or {}).items() if k not in ("map", "cycles", "vehicle")},
        "stator": repr(design.stator), "rotor": repr(design.rotor), "p": design.p,
        "steel": mat(design.steel), "rotor_steel": mat(design.rotor_steel), "magnet": repr(design.magnet),
        "winding": [np.asarray(w.layout).tolist(), int(w.turns_per_coil), int(w.parallel_paths), w.coil_pitch],
        "air_gap": design.air_gap, "i_max": design.i_max,
    }


def _cache_key(design, i_d, i_q, positions, sector, mesh, T_m, span) -> str:
    from motoropt.magnetics.fea.machine import sector_info

    n_sec, anti, _ = sector_info(design, sector)  # the modelled sector, not its name ("auto" = "pole"...)
    blob = json.dumps({"v": CACHE_VERSION, "code": _code_hash(), "design": design_key(design),
                       "i_d": np.round(i_d, 9).tolist(), "i_q": np.round(i_q, 9).tolist(),
                       "positions": int(positions), "sector": [int(n_sec), bool(anti)],
                       "mesh": dataclasses.asdict(mesh),
                       "T_m": round(float(T_m), 9), "span": float(span)},
                      sort_keys=True, default=_json_default)
    return hashlib.sha256(blob.encode()).hexdigest()


def _save(path: Path, fm: FluxMap) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(tmp, i_d=fm.i_d, i_q=fm.i_q, psi_d=fm.psi_d, psi_q=fm.psi_q, torque=fm.torque, B_iron=fm.B_iron,
             regions=np.array(fm.regions, dtype=str), pole_pairs=fm.pole_pairs, T_magnet_c=fm.T_magnet_c)
    os.replace(tmp, path)


def _load(path: Path) -> FluxMap | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            return FluxMap(i_d=z["i_d"], i_q=z["i_q"], psi_d=z["psi_d"], psi_q=z["psi_q"], torque=z["torque"],
                           B_iron=z["B_iron"], regions=tuple(str(r) for r in z["regions"]),
                           pole_pairs=int(z["pole_pairs"]), T_magnet_c=float(z["T_magnet_c"]), source="fea")
    except (OSError, KeyError, ValueError):
        return None  # missing or corrupt: recompute


# ---------------------------------------------------------------------- flux maps and models
def fluxmap_axes(design, n_d: int | None = None, n_q: int | None = None):
    """The analytic map's current axes (A peak): i_d in [-1.05, 0.15] I_max, i_q in [0, 1.05] I_max."""
    n_d = design.fm_n_d if n_d is None else int(n_d)
    n_q = design.fm_n_q if n_q is None else int(n_q)
    for name, n in (("n_d", n_d), ("n_q", n_q)):
        if n < 2:
            raise InputError(name, n, ">= 2")
    return np.linspace(-1.05 * design.i_max, 0.15 * design.i_max, n_d), np.linspace(0.0, 1.05 * design.i_max, n_q)


def fea_fluxmap_for_design(design, n_d: int | None = None, n_q: int | None = None, positions: int = 4,
                           progress: bool = False, T_magnet_c: float | None = None, mesh: MeshSpec | None = None,
                           sector: str = "auto", cache: bool = True) -> FluxMap:
    """FEA :class:`FluxMap` (source "fea") of a design on the analytic map's grid, with the
    "rotor_surface" region added; cached on disk (see the module docstring). ``progress`` prints
    start and end of a computation to stderr."""
    from motoropt.magnetics.fea.fluxmap_fea import fea_fluxmap

    i_d, i_q = fluxmap_axes(design, n_d, n_q)
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    mesh = mesh or MeshSpec()
    if int(positions) < 1:
        raise InputError("positions", positions, ">= 1")
    path = cache_dir() / f"{_cache_key(design, i_d, i_q, positions, sector, mesh, T_m, 60.0)}.npz"
    fm = _load(path) if cache else None
    if fm is None:
        t0 = time.perf_counter()
        if progress:
            print(f"FEA flux map of {design.name}: {i_d.size} x {i_q.size} currents x {positions} positions "
                  f"({i_d.size * i_q.size * int(positions)} solves)...", file=sys.stderr, flush=True)
        fm = fea_fluxmap(design, i_d, i_q, positions=int(positions), T_magnet_c=T_m, sector=sector, mesh=mesh)
        if progress:
            print(f"FEA flux map done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if cache:
            try:
                _save(path, fm)
            except OSError as e:  # a read-only home must not stop an evaluation
                if progress:
                    print(f"FEA cache not written ({e})", file=sys.stderr)
    return design.with_rotor_surface_region(fm)


def _settings_kwargs(s: FeaSettings) -> dict:
    return dict(n_d=s.fluxmap_n_d, n_q=s.fluxmap_n_q, positions=s.positions, mesh=s.mesh, sector=s.sector,
                cache=s.cache)


def fluxmap_for_fidelity(design, T_magnet_c: float | None = None):
    """The FEA flux map if the case's ``[fea] fidelity = "fea"``, else None (use the analytic map).

    For :meth:`Design.fluxmap`: ``fm = fluxmap_for_fidelity(self, T_magnet_c)``; ``if fm is not None:
    return fm``."""
    s = fea_settings(design)
    if s.fidelity != "fea":
        return None
    return fea_fluxmap_for_design(design, T_magnet_c=T_magnet_c, **_settings_kwargs(s))


def _plain_design(design, fidelity: str):
    """A plain :class:`~motoropt.machines.pmsm.design.Design` copy whose [fea] fidelity is ``fidelity``."""
    kw = {f.name: getattr(design, f.name) for f in dataclasses.fields(Design)}
    free = dict(kw.get("free") or {})
    free["fea"] = {**(free.get("fea") or {}), "fidelity": fidelity}
    kw["free"] = free
    return Design(**kw)


class FeaDesign(Design):
    """A :class:`~motoropt.machines.pmsm.design.Design` whose flux map is the FEA one (settings from its free
    ["fea"] section), so ``machine_model`` and ``evaluate_design`` use it unchanged."""

    def fluxmap(self, T_magnet_c: float | None = None):
        return fea_fluxmap_for_design(self, T_magnet_c=T_magnet_c, **_settings_kwargs(fea_settings(self)))


def fea_design(design, **overrides):
    """The design with the FEA flux map (``machine_model``, ``evaluate_design`` then use it).

    ``overrides``: [fea] keys (positions, mesh_scale, sector, fluxmap_n_d, fluxmap_n_q, cache)."""
    if not isinstance(design, Design):
        raise InputError("machine.topology", getattr(design, "topology", type(design).__name__),
                         "a permanent-magnet machine for the FEA flux-map path (induction designs are "
                         "evaluated with their equivalent circuit only)")
    kw = {f.name: getattr(design, f.name) for f in dataclasses.fields(Design)}
    free = dict(kw.get("free") or {})
    free["fea"] = {**(free.get("fea") or {}), **overrides, "fidelity": "fea"}
    kw["free"] = free
    d = FeaDesign(**kw)
    fea_settings(d)  # validate
    return d


def fea_machine_model(design, T_magnet_c: float | None = None, T_winding_c: float | None = None, **overrides):
    """``design.machine_model()`` (same LossParams and Limits) with the FEA flux map."""
    base = _plain_design(design, "analytic").machine_model(T_magnet_c, T_winding_c)
    fd = fea_design(design, **overrides)
    return dataclasses.replace(base, fluxmap=fd.fluxmap(T_magnet_c))


def fea_evaluate(design, **overrides):
    """:func:`motoropt.evaluation.pipeline.evaluate_design` with the FEA flux map (an Evaluation)."""
    from motoropt.evaluation.pipeline import evaluate_design

    return evaluate_design(fea_design(design, **overrides))


def fea_evaluator(values: dict, free: dict | None = None) -> dict:
    """The optimiser's ``--refine-fea`` evaluator: KPIs of the design of case-file ``values`` with the
    FEA flux map ([fea] settings from ``free``), plus ``fea_positions`` and ``fea_mesh_scale``."""
    from motoropt.machines.pmsm.design import design_from_values

    d = fea_design(design_from_values(values, free))
    s = fea_settings(d)
    ev = fea_evaluate(d)
    k = dict(ev.kpis)
    k["fea_positions"] = s.positions
    k["fea_mesh_scale"] = s.mesh_scale
    return k


# ---------------------------------------------------------------------- comparison
def _interp(fm: FluxMap):
    from scipy.interpolate import RegularGridInterpolator

    f_d = RegularGridInterpolator((fm.i_d, fm.i_q), fm.psi_d)
    f_q = RegularGridInterpolator((fm.i_d, fm.i_q), fm.psi_q)

    def psi(i_d, i_q):
        pts = np.column_stack((np.atleast_1d(i_d), np.atleast_1d(i_q)))
        return f_d(pts), f_q(pts)

    return psi


def inductances(fm: FluxMap, fractions=(0.25, 0.5, 1.0)) -> dict:
    """Apparent (secant) inductances, H: L_d(i_d) = (psi_d(i_d, 0) - psi_PM) / i_d at i_d = -k I_max,
    L_q(i_q) = psi_q(0, i_q) / i_q at i_q = k I_max (k in ``fractions``, I_max = the map's i_max/1.05)."""
    I = fm.i_max / 1.05
    psi = _interp(fm)
    out = {}
    pm = fm.psi_pm
    for k in fractions:
        pd, _ = psi(-k * I, 0.0)
        _, pq = psi(0.0, k * I)
        out[f"L_d_{k:g}"] = float((pd[0] - pm) / (-k * I))
        out[f"L_q_{k:g}"] = float(pq[0] / (k * I))
    return out


def mtpa_at(fm: FluxMap, i_amp: float, n: int = 721) -> tuple:
    """(torque N m, current angle deg) of the largest 1.5 p (psi_d i_q - psi_q i_d) on |i| = i_amp,
    angle measured from the +d axis (90 deg = pure i_q), scanned over [90, 180] deg."""
    g = np.linspace(math.pi / 2, math.pi, n)
    i_d, i_q = i_amp * np.cos(g), i_amp * np.sin(g)
    pd, pq = _interp(fm)(np.clip(i_d, fm.i_d[0], fm.i_d[-1]), np.clip(i_q, fm.i_q[0], fm.i_q[-1]))
    T = 1.5 * fm.pole_pairs * (pd * i_q - pq * i_d)
    k = int(np.argmax(T))
    return float(T[k]), float(math.degrees(g[k]))


def compare_analytic_fea(design, points=None, cycles: bool = True, **overrides) -> dict:
    """Analytic vs FEA on the same design, same control/loss/map/cycle pipeline.

    Returns {"design": name, "settings": {...}, "rows": [{"quantity", "unit", "analytic", "fea",
    "diff_pct"}]}; diff_pct = 100 (fea - analytic) / |analytic|. Rows: psi_PM, back-EMF per krpm,
    L_d/L_q at 0.25/0.5/1 I_max, MTPA torque and angle at I_max, peak torque/power, max speed, peak
    efficiency, efficiency at ``points`` [(rpm, N m)] (default: (0.25, 0.5), (0.5, 0.2), (0.75, 0.1)
    x (max speed, peak torque) of the analytic envelope; NaN where outside an envelope) and each
    cycle's motor efficiency.
    """
    from motoropt.drive.control import operating_point
    from motoropt.evaluation.pipeline import evaluate_design

    plain = _plain_design(design, "analytic")
    ev_a = evaluate_design(plain, cycles=cycles)
    fd = fea_design(design, **overrides)
    ev_f = evaluate_design(fd, cycles=cycles)
    rows = []

    def row(q, unit, a, f):
        a, f = float(a), float(f)
        d = 100.0 * (f - a) / abs(a) if (math.isfinite(a) and math.isfinite(f) and a != 0) else float("nan")
        rows.append({"quantity": q, "unit": unit, "analytic": a, "fea": f, "diff_pct": d})

    ka, kf = ev_a.kpis, ev_f.kpis
    fa, ff = ev_a.fluxmap, ev_f.fluxmap
    row("psi_PM", "Wb", fa.psi_pm, ff.psi_pm)
    row("back-EMF (line-line rms) per 1000 rpm", "V", ka["back_emf_ll_rms_v_per_krpm"], kf["back_emf_ll_rms_v_per_krpm"])
    La, Lf = inductances(fa), inductances(ff)
    for key in La:
        name, k = key.rsplit("_", 1)
        row(f"{name} at {k} I_max", "mH", 1e3 * La[key], 1e3 * Lf[key])
    Ta, ga = mtpa_at(fa, design.i_max)
    Tf, gf = mtpa_at(ff, design.i_max)
    row("torque at I_max on the MTPA angle", "N m", Ta, Tf)
    row("MTPA current angle at I_max", "deg", ga, gf)
    row("peak torque (envelope)", "N m", ka["peak_torque_nm"], kf["peak_torque_nm"])
    row("peak power (envelope)", "kW", ka["peak_power_kw"], kf["peak_power_kw"])
    row("max speed with torque", "rpm", ka["max_speed_rpm"], kf["max_speed_rpm"])
    row("peak motor efficiency", "%", 100 * ka["peak_motor_efficiency"], 100 * kf["peak_motor_efficiency"])
    if points is None:
        n_max, T_pk = ka["max_speed_rpm"], ka["peak_torque_nm"]
        points = [(round(a * n_max, -1), round(b * T_pk)) for a, b in ((0.25, 0.5), (0.5, 0.2), (0.75, 0.1))]
    for rpm, T in points:
        eff = []
        for ev in (ev_a, ev_f):
            try:
                eff.append(100 * operating_point(ev.model, rpm, T)["motor_efficiency"])
            except OperatingPointError:
                eff.append(float("nan"))
        row(f"efficiency at {rpm:g} rpm, {T:g} N m", "%", *eff)
    for name in ka.get("cycles", {}):
        row(f"{name} motor efficiency", "%", 100 * ka["cycles"][name]["motor_efficiency"],
            100 * kf["cycles"][name]["motor_efficiency"])
    s = fea_settings(fd)
    return {"design": design.name, "settings": {"positions": s.positions, "mesh_scale": s.mesh_scale,
                                                "sector": s.sector, "n_d": ff.i_d.size, "n_q": ff.i_q.size},
            "rows": rows}


def compare_text(table: dict) -> str:
    """The comparison table as fixed-width text."""
    rows = table["rows"]
    w = max(len(r["quantity"]) + len(r["unit"]) + 3 for r in rows)
    s = table["settings"]
    out = [f"{table['design']}: analytic vs FEA ({s['n_d']} x {s['n_q']} currents, {s['positions']} positions, "
           f"mesh scale {s['mesh_scale']:g}, {s['sector']} sector)",
           f"{'quantity':<{w}}  {'analytic':>10}  {'FEA':>10}  {'diff %':>7}"]
    for r in rows:
        q = f"{r['quantity']} ({r['unit']})"
        out.append(f"{q:<{w}}  {r['analytic']:>10.4g}  {r['fea']:>10.4g}  {r['diff_pct']:>7.1f}")
    return "\n".join(out)


# ---------------------------------------------------------------------- ripple and magnets
def torque_ripple(design, i_d: float, i_q: float, positions: int = 24, span_elec_deg: float | None = None,
                  T_magnet_c: float | None = None, mesh: MeshSpec | None = None, sector: str = "auto") -> dict:
    """Arkkio torque over ``positions`` rotor positions spanning ``span_elec_deg`` electrical degrees
    (default one slot pitch, 360 p / Q; 60 is the other natural choice).

    Returns theta_e (rad), torque (N m) per position, mean_nm, peak_to_peak_nm, ripple_pct
    (= 100 p-p / |mean|), span_elec_deg, torque_dq_nm (1.5 p (psi_d i_q - psi_q i_d) of the
    position-mean flux linkages: a second torque method)."""
    from motoropt.magnetics.fea.fluxmap_fea import operating_point

    if int(positions) < 2:
        raise InputError("positions", positions, ">= 2")
    span = 360.0 * design.p / design.stator.Q if span_elec_deg is None else float(span_elec_deg)
    r = operating_point(design, float(i_d), float(i_q), positions=int(positions), T_magnet_c=T_magnet_c,
                        sector=sector, mesh=mesh, span_elec_deg=span)
    T = r["torque"]
    mean = float(np.mean(T))
    p2p = float(np.ptp(T))
    return {"theta_e": r["theta_e"], "torque": T, "mean_nm": mean, "peak_to_peak_nm": p2p,
            "ripple_pct": 100.0 * p2p / abs(mean) if mean != 0 else float("inf"), "span_elec_deg": span,
            "torque_dq_nm": float(r["torque_dq"])}


def magnet_field(design, i_d: float, i_q: float, rotor_angle_deg: float | None = None,
                 T_magnet_c: float | None = None, mesh: MeshSpec | None = None, sector: str = "auto") -> dict:
    """Field along the magnetisation in the magnets at one (i_d, i_q) (A peak), for the demag check.

    Rotor at ``rotor_angle_deg`` (mechanical, default the d axis on phase A). Returns
    H_min_a_per_m: the minimum (most demagnetising, negative) H_m = H.m over all magnet elements;
    per_magnet: list of {"H_min_a_per_m", "area_m2", "fraction_beyond_knee"} per magnet block;
    H_knee_a_per_m: the knee field magnitude at the magnet temperature (> 0);
    fraction_beyond_knee: magnet area fraction (modelled sector) with -H_m > H_knee;
    B_m_mean_t: area-mean flux density along m, T."""
    from motoropt.magnetics.fea.machine import build_section, d_axis_angle_deg
    from motoropt.magnetics.fea.solver import build_problem, solve

    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    ang = d_axis_angle_deg(design) if rotor_angle_deg is None else float(rotor_angle_deg)
    sec = build_section(design, ang, sector=sector, mesh=mesh, T_magnet_c=T_m, i_dq=(float(i_d), float(i_q)))
    P = build_problem(sec.geometry)
    sol = solve(P)
    mag = P.H_c > 0
    if not np.any(mag):
        raise InputError("design.rotor", type(design.rotor).__name__, "a rotor with magnets in the model")
    m = P.mats
    e = np.nonzero(mag)[0]
    mx, my = P.mdir[e, 0], P.mdir[e, 1]
    Bm = sol.B[e, 0] * mx + sol.B[e, 1] * my
    H_m = m.nu_x[P.emat[e]] * sol.B[e, 0] * mx + m.nu_y[P.emat[e]] * sol.B[e, 1] * my - P.H_c[e]
    knee = float(design.magnet.H_knee(T_m))
    a = P.area[e]
    beyond = -H_m > knee
    per = []
    for lab in np.unique(P.label[e]):
        s = P.label[e] == lab
        per.append({"H_min_a_per_m": float(H_m[s].min()), "area_m2": float(a[s].sum()),
                    "fraction_beyond_knee": float(a[s & beyond].sum() / a[s].sum())})
    return {"H_min_a_per_m": float(H_m.min()), "per_magnet": per, "H_knee_a_per_m": knee,
            "fraction_beyond_knee": float(a[beyond].sum() / a.sum()), "B_m_mean_t": float(np.sum(a * Bm) / a.sum()),
            "T_magnet_c": T_m, "i_d": float(i_d), "i_q": float(i_q)}


def emf_per_krpm(psi_pm: float, p: int) -> float:
    """Line-to-line rms back-EMF per 1000 rpm, V, of a sinusoidal psi_PM (Wb peak)."""
    return psi_pm * 1000 * RPM_TO_RAD_S * p * math.sqrt(1.5)
