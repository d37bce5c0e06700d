"""The shipped measured data of the validations (``motoropt/data/validation/``; sources, checks and
caveats in ``SOURCES.md`` there): one reader for every table."""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "validation"


def read_points(filename: str) -> list[dict]:
    """Rows of a shipped CSV (lines starting with '#' are its header notes) as dicts: numbers as
    floats, empty cells as None, other text kept as str."""
    with open(DATA_DIR / filename, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    out = []
    for row in csv.DictReader(lines):
        r = {}
        for k, v in row.items():
            if v is None or v == "":
                r[k] = None
                continue
            try:
                r[k] = float(v)
            except ValueError:
                r[k] = v
        out.append(r)
    return out
