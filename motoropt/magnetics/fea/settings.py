"""The case's ``[fea]`` section: which flux map the evaluation uses and how the FEA computes it.

Keys (all optional): ``fidelity`` ("analytic" | "fea"), ``positions``, ``mesh_scale``, ``sector``,
``fluxmap_n_d``, ``fluxmap_n_q``, ``cache``, ``waveform_losses``; see :class:`FeaSettings`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from motoropt.errors import InputError
from motoropt.magnetics.fea.machine import SECTORS, MeshSpec

FIDELITIES = ("analytic", "fea")
FEA_KEYS = ("fidelity", "positions", "mesh_scale", "sector", "fluxmap_n_d", "fluxmap_n_q", "cache", "waveform_losses")


@dataclass(frozen=True)
class FeaSettings:
    """The case's free ``[fea]`` section.

    fidelity: "analytic" (default) or "fea": which flux map Design.fluxmap returns; positions: rotor
    positions per current (over 60 elec. deg, >= 1, default 4); mesh_scale: multiplies every default
    element size (> 0, default 1: ~14k elements per Prius pole); sector: "auto" (default: one pole if the winding
    allows, else the smallest symmetric sector) | "pole" | "pole_pair" | "unit" | "full";
    fluxmap_n_d, fluxmap_n_q: FEA grid (default the case's [map] grid); cache: use the disk cache;
    waveform_losses: the map also carries the field-waveform iron and magnet loss terms
    (:mod:`motoropt.magnetics.fea.losses`; default true), which the loss model then uses instead of
    the fundamental with a build factor (8 positions or more resolve the slot harmonics).
    """

    fidelity: str = "analytic"
    positions: int = 4
    mesh_scale: float = 1.0
    sector: str = "auto"
    fluxmap_n_d: int | None = None
    fluxmap_n_q: int | None = None
    cache: bool = True
    waveform_losses: bool = True

    @property
    def mesh(self) -> MeshSpec:
        return MeshSpec(scale=self.mesh_scale)


def parse_fea(raw: dict | None) -> FeaSettings:
    """Validated :class:`FeaSettings` of a ``[fea]`` table (InputError naming ``fea.<key>``)."""
    raw = {} if raw is None else raw
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
        if raw["sector"] not in SECTORS:
            raise InputError("fea.sector", raw["sector"], f"one of {list(SECTORS)}")
        out["sector"] = raw["sector"]
    for k in ("cache", "waveform_losses"):
        if k in raw:
            if not isinstance(raw[k], bool):
                raise InputError(f"fea.{k}", raw[k], "true or false")
            out[k] = raw[k]
    return dataclasses.replace(s, **out)
