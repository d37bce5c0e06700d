"""Text and JSON output of the CLI: one JSON object per command (non-finite numbers as null) and
plain fixed-width tables."""

from __future__ import annotations

import json
import math


def print_json(obj) -> None:
    """Print ``obj`` as one line of JSON; NaN/inf become null, numpy scalars numbers."""

    def default(o):
        try:
            return float(o)
        except (TypeError, ValueError):
            return str(o)

    def clean(o):
        if isinstance(o, float) and not math.isfinite(o):
            return None
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [clean(v) for v in o]
        return o

    print(json.dumps(clean(json.loads(json.dumps(obj, default=default))), indent=None))


def kv_table(rows, title=None) -> str:
    """Two columns, key and value (floats to 4 significant digits), under an optional title."""
    w = max(len(k) for k, _ in rows) if rows else 0
    out = [title, "-" * len(title)] if title else []
    for k, v in rows:
        if isinstance(v, float):
            v = f"{v:.4g}" if abs(v) < 1e5 else f"{v:.6g}"
        out.append(f"{k:<{w}}  {v}")
    return "\n".join(out)
