"""The review of an optimisation run (``motoropt report RUN.h5 --html report.html``) and the
comparison of its designs (``motoropt compare``).

- :mod:`.data`: what the page embeds (the run's designs, the front, metadata and, for the front
  and the designs asked for, each design's details: KPIs, envelope, cycle losses, figures);
- :mod:`.html`: the self-contained interactive page (plotly.js inlined; works offline);
- :mod:`.compare`: KPIs of two or three designs side by side, the overlay plots.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from motoropt.optimize.report import _run, select_designs, summary_text
from motoropt.review.html import embedded_data, write_html


def _human_size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def next_steps_text(r, html_path=None, design_id: int | None = None) -> str:
    """Where the report is and the command that opens a chosen design (the knee of the front): in
    the report (``report.html#design=ID`` opens with that design selected) or, without a report,
    in the terminal."""
    run = shlex.quote(str(r.path))
    lines = []
    p = Path(html_path).resolve() if html_path is not None else None
    if p is not None:
        lines.append(f"wrote {p} ({_human_size(p.stat().st_size)}, one file, works offline)")
    if design_id is None:
        if p is not None:
            lines.append(f"open it: python -m webbrowser {shlex.quote(p.as_uri())}")
        return "\n".join(lines)
    if p is not None:
        lines.append(f"open the chosen design {design_id} (the knee of the front) in the report: "
                     f"python -m webbrowser {shlex.quote(p.as_uri() + f'#design={design_id}')}")
        lines.append(f"  in the terminal: motoropt show {run} --design {design_id}")
    else:
        lines.append(f"open the chosen design {design_id} (the knee of the front): motoropt show {run} --design {design_id}")
    lines.append(f"  for CAD: motoropt export {run} --design {design_id} --dxf design_{design_id}.dxf; "
                 f"side by side: motoropt compare {run} --designs {design_id},ID")
    return "\n".join(lines)


def report(run_path, html=None, out=None, designs=None, full_map: bool = False, progress: bool = False) -> str:
    """``motoropt report``: print the summary and front table; write the HTML review if asked
    (details for the front and ``designs``), then where it is and how to open a chosen design."""
    out = out or sys.stdout
    r = _run(run_path)
    text = summary_text(r)
    print(text, file=out)
    sel = select_designs(r)
    knee = int(r.id[sel[-1]]) if sel else None
    if html:
        write_html(r, html, designs=designs, full_map=full_map, progress=progress)
    steps = next_steps_text(r, html, knee)
    if steps:
        print(steps, file=out)
    return text


__all__ = ["embedded_data", "next_steps_text", "report", "write_html"]
