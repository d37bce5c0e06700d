"""Meshing a :class:`~.geometry2d.Geometry` with Triangle (J. R. Shewchuk's mesher, which FEMM uses).

The planar straight-line graph is the geometry's nodes and segments, arcs discretised into pieces of
at most ``max_seg_deg``, straight segments split to ``max_side_length`` when given. Each block label
is a region point with an area constraint pi d^2/4 (FEMM's meaning of the mesh size d); automatic
sizes use d = bounding-box diagonal / 40. Triangle switches ``pq30Aa``: constrained Delaunay with a
30-degree minimum angle, regional attributes and area constraints. Segments of periodic and
anti-periodic boundaries are pre-split into the same number of pieces on both sides of a pair so the
nodes usually match (the solver interpolates when Triangle had to split them anyway).

Checks after meshing (InputError naming the region): a region reached by no label (a closed contour
without a block label), two labels in one region (duplicate labels, or an open contour letting two
regions leak into one), a label outside every closed contour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import triangle

from motoropt.errors import InputError
from motoropt.jit import njit
from motoropt.magnetics.fea.geometry2d import NO_MESH, Geometry, arc_center, arc_points


@dataclass(frozen=True)
class Mesh:
    """A first-order triangle mesh of a Geometry.

    Attributes:
        nodes: (N, 2) coordinates, m.
        tri: (E, 3) node indices, counter-clockwise.
        elem_label: (E,) index of the block label of each element (into geometry.labels).
        edges: (M, 2) node indices of the boundary/interface sub-segments that came from geometry
            segments or arcs.
        edge_entity: (M,) entity index: k < len(segments) is segments[k], else arcs[k - len(segments)],
            of ``geometry``.
        geometry: the meshed geometry (the input with segments/arcs split where nodes lie on them).
    """

    nodes: np.ndarray
    tri: np.ndarray
    elem_label: np.ndarray
    edges: np.ndarray
    edge_entity: np.ndarray
    geometry: object = None

    @property
    def n_nodes(self) -> int:
        return int(self.nodes.shape[0])

    @property
    def n_elements(self) -> int:
        return int(self.tri.shape[0])


def _periodic_counts(geom: Geometry, h_min: float) -> dict:
    """Number of pieces per entity of a periodic/antiperiodic pair (same count on both sides)."""
    ents = geom.segments + geom.arcs
    by_name = {}
    for k, e in enumerate(ents):
        b = geom.boundaries.get(e.boundary) if e.boundary is not None else None
        if b is not None and b.kind in ("periodic", "antiperiodic"):
            by_name.setdefault(e.boundary, []).append(k)
    counts = {}
    nseg = len(geom.segments)
    for name, ks in by_name.items():
        if len(ks) != 2:
            raise InputError(f"boundary '{name}'", f"{len(ks)} segments/arcs",
                             "exactly 2 (periodic boundaries join one pair of segments or arcs)")
        n = 1
        for k in ks:
            e = ents[k]
            p0, p1 = np.array(geom.nodes[e.n0]), np.array(geom.nodes[e.n1])
            if k < nseg:
                L = float(np.hypot(*(p1 - p0)))
                h = e.max_side_length if e.max_side_length > 0 else h_min
                n = max(n, int(math.ceil(L / h - 1e-9)))
            else:
                c = arc_center(p0, p1, e.angle_deg)
                L = math.hypot(p0[0] - c[0], p0[1] - c[1]) * math.radians(e.angle_deg)
                n = max(n, int(math.ceil(e.angle_deg / e.max_seg_deg - 1e-9)), int(math.ceil(L / h_min - 1e-9)))
        for k in ks:
            counts[k] = n
    return counts


def auto_mesh_size(geom: Geometry) -> float:
    xy = np.asarray(geom.nodes, dtype=float)
    return float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0)))) / 40.0


def build_mesh(geom: Geometry, min_angle: float = 30.0, max_nodes: int | None = None,
               check_crossings: bool = False) -> Mesh:
    """Mesh ``geom`` (validated first). Raises InputError naming the region on failure, and with
    ``max_nodes`` an InputError instead of a mesh of ``max_nodes`` nodes or more: the boundary pieces
    are counted before they are made, and Triangle inserts at most 2 ``max_nodes`` points (switch
    ``S``, a bound on its work; it counts points it later removes, so the bound is not the limit);
    a mesh stopped by that bound has triangles above their area constraint and is refused too.
    ``check_crossings``: InputError naming two lines (segments or arc pieces as meshed) that cross,
    overlap or touch other than at shared end points (FEMM puts a point at every crossing; Triangle
    given such lines can crash the process)."""
    geom = geom.split_at_nodes()
    geom.validate()
    d_auto = auto_mesh_size(geom)
    sizes = [lab.mesh_size if lab.mesh_size > 0 else d_auto for lab in geom.labels if lab.material != NO_MESH]
    h_min = min(sizes) if sizes else d_auto
    counts = _periodic_counts(geom, h_min)

    verts = [tuple(p) for p in geom.nodes]
    key = {}
    for i, p in enumerate(verts):
        key.setdefault((round(p[0] / geom.merge_tol), round(p[1] / geom.merge_tol)), i)

    def vid(p):
        k = (round(p[0] / geom.merge_tol), round(p[1] / geom.merge_tol))
        if k not in key:
            key[k] = len(verts)
            verts.append((float(p[0]), float(p[1])))
        return key[k]

    nseg = len(geom.segments)
    pieces = []
    for k, e in enumerate(geom.segments + geom.arcs):
        p0, p1 = geom.nodes[e.n0], geom.nodes[e.n1]
        if k in counts:
            npc = counts[k]
        elif k < nseg:
            npc = 1 if e.max_side_length <= 0 else \
                max(1, int(math.ceil(math.hypot(p1[0] - p0[0], p1[1] - p0[1]) / e.max_side_length - 1e-9)))
        else:
            npc = max(1, int(math.ceil(e.angle_deg / e.max_seg_deg - 1e-9)))
        pieces.append(npc)
    if max_nodes is not None and len(verts) + sum(pieces) - len(pieces) >= max_nodes:
        raise _too_many_nodes(max_nodes, geom)
    segs, marks = [], []
    for k, e in enumerate(geom.segments + geom.arcs):
        p0, p1 = geom.nodes[e.n0], geom.nodes[e.n1]
        if k < nseg:
            t = np.linspace(0.0, 1.0, pieces[k] + 1)
            pts = np.outer(1 - t, p0) + np.outer(t, p1)
            pts[0], pts[-1] = p0, p1
        else:
            pts = arc_points(p0, p1, e.angle_deg, e.angle_deg / pieces[k] if k in counts else e.max_seg_deg)
        ids = [e.n0] + [vid(p) for p in pts[1:-1]] + [e.n1]
        for a, b in zip(ids[:-1], ids[1:]):
            segs.append((a, b))
            marks.append(k + 2)
    if check_crossings and segs:
        V, S = np.asarray(verts, dtype=float), np.asarray(segs, dtype=np.int64)
        i, j, px, py = _first_crossing(V, S, geom.merge_tol)
        if i >= 0:
            raise InputError("geometry", f"{_entity(geom, marks[i] - 2)} and {_entity(geom, marks[j] - 2)} meet at "
                             f"({px * 1e3:.4g}, {py * 1e3:.4g}) mm",
                             "lines that meet only at their end points (a point at every crossing, as FEMM draws)")
    regions, holes = [], []
    for k, lab in enumerate(geom.labels):
        if lab.material == NO_MESH:
            holes.append((lab.x, lab.y))
        else:
            d = lab.mesh_size if lab.mesh_size > 0 else d_auto
            regions.append((lab.x, lab.y, k + 1, math.pi * d * d / 4.0))
    pslg = {"vertices": np.asarray(verts, dtype=float), "segments": np.asarray(segs, dtype=np.int32),
            "segment_markers": np.asarray(marks, dtype=np.int32).reshape(-1, 1),
            "regions": np.asarray(regions, dtype=float)}
    if holes:
        pslg["holes"] = np.asarray(holes, dtype=float)
    switches = f"pq{min_angle:g}AaQ" + (f"S{2 * max_nodes}" if max_nodes is not None else "")
    try:
        out = triangle.triangulate(pslg, switches)
    except Exception as exc:  # Triangle reports bad PSLGs through exceptions
        raise InputError("geometry", "mesh", f"a valid planar graph (Triangle failed: {exc})") from None
    if "triangles" not in out or len(out["triangles"]) == 0:
        k = geom.nearest_label(*geom.nodes[0])
        raise InputError(geom.labels[k].describe(k), "no elements", "a closed contour around the label")
    nodes = np.asarray(out["vertices"], dtype=float)
    if max_nodes is not None and nodes.shape[0] >= max_nodes:
        raise _too_many_nodes(max_nodes, geom)
    tri = np.asarray(out["triangles"], dtype=np.int64)
    attr = np.asarray(out["triangle_attributes"], dtype=float).ravel().round().astype(np.int64)
    # orientation: counter-clockwise
    x, y = nodes[:, 0], nodes[:, 1]
    det = (x[tri[:, 1]] - x[tri[:, 0]]) * (y[tri[:, 2]] - y[tri[:, 0]]) - (x[tri[:, 2]] - x[tri[:, 0]]) * (y[tri[:, 1]] - y[tri[:, 0]])
    if max_nodes is not None:  # Triangle stopped by S: some triangle left above its area constraint
        max_area = np.full(len(geom.labels) + 1, np.inf)
        for r in regions:
            max_area[int(r[2])] = r[3]
        if np.any(0.5 * np.abs(det) > max_area[np.clip(attr, 0, len(geom.labels))] * (1.0 + 1e-6)):
            raise _too_many_nodes(max_nodes, geom)
    neg = det < 0
    tri[neg] = tri[neg][:, [0, 2, 1]]
    if np.any(attr == 0):
        e = int(np.nonzero(attr == 0)[0][0])
        cx, cy = nodes[tri[e]].mean(axis=0)
        raise InputError(f"region around ({cx * 1e3:.4g}, {cy * 1e3:.4g}) mm", "no block label",
                         "a block label with a material in every closed region (region without material)")
    _check_labels(geom, nodes, tri, attr)
    sm = np.asarray(out.get("segment_markers", np.zeros((0, 1))), dtype=np.int64).ravel()
    sg = np.asarray(out.get("segments", np.zeros((0, 2))), dtype=np.int64)
    keep = sm >= 2
    return Mesh(nodes, tri, attr - 1, sg[keep], sm[keep] - 2, geom)


def _entity(geom: Geometry, k: int) -> str:
    """'segment (x0, y0)-(x1, y1) mm' or 'arc ...' of entity k of geom.segments + geom.arcs."""
    e = (geom.segments + geom.arcs)[k]
    (x0, y0), (x1, y1) = geom.nodes[e.n0], geom.nodes[e.n1]
    kind = "segment" if k < len(geom.segments) else "arc"
    return f"{kind} ({x0 * 1e3:.4g}, {y0 * 1e3:.4g})-({x1 * 1e3:.4g}, {y1 * 1e3:.4g}) mm"


@njit(cache=True)
def _orient(ax, ay, bx, by, cx, cy):
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


@njit(cache=True)
def _near_interior(px, py, ax, ay, bx, by, tol):
    """True if (px, py) lies within tol of segment a-b, away from its end points."""
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    if L2 == 0.0:
        return False
    t = ((px - ax) * dx + (py - ay) * dy) / L2
    if t <= 0.0 or t >= 1.0:
        return False
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy <= tol * tol and (px - ax) ** 2 + (py - ay) ** 2 > tol * tol \
        and (px - bx) ** 2 + (py - by) ** 2 > tol * tol


@njit(cache=True)
def _first_crossing(V, S, tol):
    """(i, j, x, y): the first two segments (rows of S, vertex indices into V) that cross, overlap or
    touch other than at a shared end point (within tol, m), and where (m); (-1, -1, 0, 0) if none.
    Sweep over x (sorted lower x ends), then orientation tests and point-to-segment distances."""
    n = S.shape[0]
    xlo = np.minimum(V[S[:, 0], 0], V[S[:, 1], 0])
    xhi = np.maximum(V[S[:, 0], 0], V[S[:, 1], 0])
    ylo = np.minimum(V[S[:, 0], 1], V[S[:, 1], 1])
    yhi = np.maximum(V[S[:, 0], 1], V[S[:, 1], 1])
    order = np.argsort(xlo)
    for a in range(n):
        i = order[a]
        i0, i1 = S[i, 0], S[i, 1]
        ax, ay, bx, by = V[i0, 0], V[i0, 1], V[i1, 0], V[i1, 1]
        for b in range(a + 1, n):
            j = order[b]
            if xlo[j] > xhi[i] + tol:
                break
            if ylo[j] > yhi[i] + tol or ylo[i] > yhi[j] + tol:
                continue
            j0, j1 = S[j, 0], S[j, 1]
            cx, cy, dx, dy = V[j0, 0], V[j0, 1], V[j1, 0], V[j1, 1]
            shared = (i0 == j0) + (i0 == j1) + (i1 == j0) + (i1 == j1)
            if shared >= 2:
                continue
            if shared == 0:
                d1 = _orient(cx, cy, dx, dy, ax, ay)
                d2 = _orient(cx, cy, dx, dy, bx, by)
                d3 = _orient(ax, ay, bx, by, cx, cy)
                d4 = _orient(ax, ay, bx, by, dx, dy)
                if ((d1 > 0.0 and d2 < 0.0) or (d1 < 0.0 and d2 > 0.0)) and \
                        ((d3 > 0.0 and d4 < 0.0) or (d3 < 0.0 and d4 > 0.0)):
                    t = d1 / (d1 - d2)
                    return i, j, ax + t * (bx - ax), ay + t * (by - ay)
            # touching or overlapping (with one shared end: folding back along the other line)
            if _near_interior(ax, ay, cx, cy, dx, dy, tol):
                return i, j, ax, ay
            if _near_interior(bx, by, cx, cy, dx, dy, tol):
                return i, j, bx, by
            if _near_interior(cx, cy, ax, ay, bx, by, tol):
                return i, j, cx, cy
            if _near_interior(dx, dy, ax, ay, bx, by, tol):
                return i, j, dx, dy
    return -1, -1, 0.0, 0.0


def _too_many_nodes(max_nodes: int, geom: Geometry) -> InputError:
    sized = [(lab.mesh_size, k) for k, lab in enumerate(geom.labels) if lab.material != NO_MESH and lab.mesh_size > 0]
    finest = ""
    if sized:
        h, k = min(sized)
        finest = f"; the finest block-label mesh size is {h * 1e3:.4g} mm, {geom.labels[k].describe(k)}"
    return InputError("mesh", f"{max_nodes} nodes or more", f"fewer than max_nodes = {max_nodes} nodes (larger "
                      "block-label mesh sizes, segment max side lengths or arc max segment angles, or a larger "
                      f"limit){finest}")


def _check_labels(geom, nodes, tri, attr):
    """Each non-hole label must lie in an element of its own region."""
    p = nodes[tri]
    for k, lab in enumerate(geom.labels):
        if lab.material == NO_MESH:
            continue
        q = np.array([lab.x, lab.y])
        a, b, c = p[:, 0], p[:, 1], p[:, 2]

        def cross(u, v, w):
            return (v[:, 0] - u[:, 0]) * (w[1] - u[:, 1]) - (v[:, 1] - u[:, 1]) * (w[0] - u[:, 0])

        tol = -1e-12 * float(np.max(np.abs(nodes))) ** 2
        inside = (cross(a, b, q) >= tol) & (cross(b, c, q) >= tol) & (cross(c, a, q) >= tol)
        hit = np.nonzero(inside)[0]
        if hit.size == 0:
            raise InputError(lab.describe(k), "outside every closed contour", "inside a closed region")
        owners = set(int(attr[e]) - 1 for e in hit)
        if k not in owners:
            j = sorted(owners)[0]
            raise InputError(lab.describe(k), "shares its region with " + geom.labels[j].describe(j),
                             "one label per region (overlapping/duplicate labels or an open contour)")
