"""FEA flux maps of designs (cached on disk), the flux-map provider that puts them into the same
control, loss, efficiency-map and drive-cycle code as the analytic model (:class:`FeaFluxMaps`; the
case's ``[fea]`` settings: :mod:`.settings`), apparent inductances and MTPA from a map, torque
ripple, and the magnet field for the demagnetisation check. The evaluation-level uses (FEA-refined
evaluations, the analytic-vs-FEA comparison) are in :mod:`motoropt.evaluation.fea`.

Conventions and assumptions (SI units; A peak phase current, Wb peak phase flux linkage):
- current grid: the analytic map's (:func:`motoropt.magnetics.analytic.compute_fluxmap`):
  i_d from -1.05 I_max to +0.15 I_max (n_d points), i_q from 0 to 1.05 I_max (n_q points), with
  n_d, n_q = the case's ``map.fluxmap_n_d``, ``map.fluxmap_n_q`` unless given.
- flux linkages and torque are averages over ``positions`` rotor positions over 60 electrical
  degrees (:func:`.fluxmap_fea.fea_fluxmap`); the iron regions are the FEA map's "stator_teeth",
  "stator_yoke"; the design's machine model adds "rotor_surface" (slot-ripple field computed from
  the FEA tooth field as for the analytic map), so the same
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
from motoropt.errors import InputError
from motoropt.magnetics.fea.fluxmap_fea import fea_fluxmap, operating_point
from motoropt.magnetics.fea.machine import MeshSpec, build_section, d_axis_angle_deg, sector_info
from motoropt.magnetics.fea.settings import FeaSettings
from motoropt.magnetics.fea.solver import build_problem, solve
from motoropt.magnetics.fluxmap import FluxMap

CACHE_VERSION = 1


# ---------------------------------------------------------------------- cache
def cache_dir() -> Path:
    """Directory of cached FEA flux maps: $MOTOROPT_CACHE_DIR/fea or ~/.cache/motoropt/fea."""
    base = os.environ.get("MOTOROPT_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "motoropt"
    return root / "fea"


def code_hash(paths) -> str:
    """16 hex digits of the SHA-256 of the files' bytes (a cache entry is stale once its code changes)."""
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def _code_hash() -> str:
    here = Path(__file__).parent
    return code_hash(here / name for name in ("geometry2d.py", "mesh.py", "solver.py", "post.py", "machine.py",
                                               "fluxmap_fea.py", "losses.py"))


def json_default(o):
    """json.dumps fallback for cache keys: arrays and numpy scalars as values, anything else by repr."""
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
        # the case values that shape the 2-D field (limits, temperatures, mechanical and winding data
        # enter through i_max, T_magnet and the winding layout below)
        "values": {k: v for k, v in (design.values or {}).items()
                   if k not in ("map", "cycles", "vehicle", "limits", "temperatures", "mechanical", "winding")},
        "stator": repr(design.stator), "rotor": repr(design.rotor), "p": design.p,
        "steel": mat(design.steel), "rotor_steel": mat(design.rotor_steel), "magnet": repr(design.magnet),
        "winding": [np.asarray(w.layout).tolist(), int(w.turns_per_coil), int(w.parallel_paths), w.coil_pitch],
        "air_gap": design.air_gap, "i_max": design.i_max,
    }


def _cache_key(design, i_d, i_q, positions, sector, mesh, T_m, span, waves=False) -> str:
    n_sec, anti, _ = sector_info(design, sector)  # the modelled sector, not its name ("auto" = "pole"...)
    blob = json.dumps({"v": CACHE_VERSION, "code": _code_hash(), "design": design_key(design),
                       "i_d": np.round(i_d, 9).tolist(), "i_q": np.round(i_q, 9).tolist(),
                       "positions": int(positions), "sector": [int(n_sec), bool(anti)],
                       "mesh": dataclasses.asdict(mesh),
                       "T_m": round(float(T_m), 9), "span": float(span), "waves": bool(waves)},
                      sort_keys=True, default=json_default)
    return hashlib.sha256(blob.encode()).hexdigest()


def _save(path: Path, fm: FluxMap) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    extra = {}
    if fm.loss_terms is not None:
        extra = {"loss_terms": fm.loss_terms, "loss_regions": np.array(fm.loss_regions, dtype=str),
                 "loss_region_mass": np.array(fm.loss_region_mass, float), "magnet_loss": fm.magnet_loss,
                 "magnet_pwm": fm.magnet_pwm}
    np.savez(tmp, i_d=fm.i_d, i_q=fm.i_q, psi_d=fm.psi_d, psi_q=fm.psi_q, torque=fm.torque, B_iron=fm.B_iron,
             regions=np.array(fm.regions, dtype=str), pole_pairs=fm.pole_pairs, T_magnet_c=fm.T_magnet_c, **extra)
    os.replace(tmp, path)


def _load(path: Path) -> FluxMap | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            extra = {}
            if "loss_terms" in z:
                extra = {"loss_terms": z["loss_terms"], "loss_regions": tuple(str(r) for r in z["loss_regions"]),
                         "loss_region_mass": tuple(float(m) for m in z["loss_region_mass"]),
                         "magnet_loss": z["magnet_loss"], "magnet_pwm": z["magnet_pwm"]}
            return FluxMap(i_d=z["i_d"], i_q=z["i_q"], psi_d=z["psi_d"], psi_q=z["psi_q"], torque=z["torque"],
                           B_iron=z["B_iron"], regions=tuple(str(r) for r in z["regions"]),
                           pole_pairs=int(z["pole_pairs"]), T_magnet_c=float(z["T_magnet_c"]), source="fea", **extra)
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
                           sector: str = "auto", cache: bool = True, waveform_losses: bool = False) -> FluxMap:
    """FEA :class:`FluxMap` (source "fea") of a design on the analytic map's grid; cached on disk
    (see the module docstring). The design's machine model adds the "rotor_surface" region (not
    used for the loss when the map carries field-waveform loss terms, ``waveform_losses``).
    ``progress`` prints start and end of a computation to stderr."""

    i_d, i_q = fluxmap_axes(design, n_d, n_q)
    T_m = design.T_magnet_c if T_magnet_c is None else float(T_magnet_c)
    mesh = mesh or MeshSpec()
    if int(positions) < 1:
        raise InputError("positions", positions, ">= 1")
    path = cache_dir() / f"{_cache_key(design, i_d, i_q, positions, sector, mesh, T_m, 60.0, waveform_losses)}.npz"
    fm = _load(path) if cache else None
    if fm is None:
        t0 = time.perf_counter()
        if progress:
            print(f"FEA flux map of {design.name}: {i_d.size} x {i_q.size} currents x {positions} positions "
                  f"({i_d.size * i_q.size * int(positions)} solves)...", file=sys.stderr, flush=True)
        fm = fea_fluxmap(design, i_d, i_q, positions=int(positions), T_magnet_c=T_m, sector=sector, mesh=mesh,
                         waveform_losses=waveform_losses)
        if progress:
            print(f"FEA flux map done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        if cache:
            try:
                _save(path, fm)
            except OSError as e:  # a read-only home must not stop an evaluation
                if progress:
                    print(f"FEA cache not written ({e})", file=sys.stderr)
    return fm


@dataclass(frozen=True)
class FeaFluxMaps:
    """Flux-map provider (:data:`motoropt.machines.base.FluxMapProvider`) of the embedded FEA with
    the case's ``[fea]`` settings: ``FeaFluxMaps(settings)(design, T_magnet_c)`` is the cached FEA
    flux map on the settings' grid (default the design's [map] grid)."""

    settings: FeaSettings = FeaSettings(fidelity="fea")
    progress: bool = False

    def __call__(self, design, T_magnet_c: float | None = None) -> FluxMap:
        s = self.settings
        return fea_fluxmap_for_design(design, n_d=s.fluxmap_n_d, n_q=s.fluxmap_n_q, positions=s.positions,
                                      progress=self.progress, T_magnet_c=T_magnet_c, mesh=s.mesh, sector=s.sector,
                                      cache=s.cache, waveform_losses=s.waveform_losses)


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


# ---------------------------------------------------------------------- ripple and magnets
def torque_ripple(design, i_d: float, i_q: float, positions: int = 24, span_elec_deg: float | None = None,
                  T_magnet_c: float | None = None, mesh: MeshSpec | None = None, sector: str = "auto") -> dict:
    """Arkkio torque over ``positions`` rotor positions spanning ``span_elec_deg`` electrical degrees
    (default one slot pitch, 360 p / Q; 60 is the other natural choice).

    Returns theta_e (rad), torque (N m) per position, mean_nm, peak_to_peak_nm, ripple_pct
    (= 100 p-p / |mean|), span_elec_deg, torque_dq_nm (1.5 p (psi_d i_q - psi_q i_d) of the
    position-mean flux linkages: a second torque method)."""

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
