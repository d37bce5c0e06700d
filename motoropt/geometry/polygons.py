"""Plane polygons (lists of (x, y) in m) for the cross-sections: points on circles, rotation,
clipping to a sector wedge, area, interior points. Used by the rotor pole polygons
(:mod:`motoropt.geometry.rotor`) and the finite-element sections (:mod:`motoropt.magnetics.fea.machine`)."""

from __future__ import annotations

import math

import numpy as np

from motoropt.errors import InputError


def pt(r, a):
    return (r * math.cos(a), r * math.sin(a))


def clip_halfplane(poly, nx, ny):
    """Sutherland-Hodgman: keep nx x + ny y >= 0."""
    out = []
    n = len(poly)
    for i in range(n):
        P, S = poly[i], poly[i - 1]
        dp, ds = nx * P[0] + ny * P[1], nx * S[0] + ny * S[1]
        if dp >= 0:
            if ds < 0:
                t = ds / (ds - dp)
                out.append((S[0] + t * (P[0] - S[0]), S[1] + t * (P[1] - S[1])))
            out.append(P)
        elif ds >= 0:
            t = ds / (ds - dp)
            out.append((S[0] + t * (P[0] - S[0]), S[1] + t * (P[1] - S[1])))
    return out


def clip_wedge(poly, c0, c1):
    """Polygon clipped to the wedge c0 <= angle <= c1 (c1 - c0 <= pi)."""
    poly = clip_halfplane(poly, -math.sin(c0), math.cos(c0))
    if len(poly) < 3:
        return []
    poly = clip_halfplane(poly, math.sin(c1), -math.cos(c1))
    return poly if len(poly) >= 3 else []


def polygon_area(poly):
    x = np.array([q[0] for q in poly])
    y = np.array([q[1] for q in poly])
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def point_inside(poly, x, y):
    inside = False
    n = len(poly)
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i - 1], poly[i]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def interior_point(poly):
    """A point well inside a simple polygon (centroid, else the best of a few candidates)."""
    P = np.asarray(poly, float)
    A = polygon_area(poly)
    x, y = P[:, 0], P[:, 1]
    cr = x * np.roll(y, -1) - np.roll(x, -1) * y
    cx = float(np.sum((x + np.roll(x, -1)) * cr) / (6 * A))
    cy = float(np.sum((y + np.roll(y, -1)) * cr) / (6 * A))
    cands = [(cx, cy)]
    n = len(poly)
    for i in range(n):  # near each edge midpoint, stepped inwards
        a, b = P[i - 1], P[i]
        m = 0.5 * (a + b)
        d = b - a
        L = float(np.hypot(*d))
        if L == 0:
            continue
        nrm = np.array([-d[1], d[0]]) / L * (1 if A > 0 else -1)
        for f in (0.3, 0.1, 0.03):
            cands.append(tuple(m + nrm * f * math.sqrt(abs(A))))
    best, bd = None, -1.0
    Pa = np.roll(P, 1, axis=0)  # edge i runs P[i - 1] -> P[i]
    for q in cands:
        if not point_inside(poly, *q):
            continue
        dmin = min_edge_distance(q, Pa, P)
        if dmin > bd:
            best, bd = q, dmin
    if best is None:
        raise InputError("machine geometry", "polygon", "a region with an interior point")
    return best


def min_edge_distance(q, A, B):
    """Smallest distance from point q to the segments A[i] -> B[i] (vectorised)."""
    q = np.asarray(q, float)
    d = B - A
    dd = np.maximum(np.einsum("ij,ij->i", d, d), 1e-30)
    t = np.clip(np.einsum("ij,ij->i", q - A, d) / dd, 0.0, 1.0)
    e = q - A - t[:, None] * d
    return float(np.sqrt(np.einsum("ij,ij->i", e, e).min()))


def rotate(poly, ang):
    c, s = math.cos(ang), math.sin(ang)
    return [(c * x - s * y, s * x + c * y) for x, y in poly]


def arc_polyline(r, a0, a1, max_deg):
    n = max(1, int(math.ceil(abs(math.degrees(a1 - a0)) / max_deg)))
    return [pt(r, a0 + (a1 - a0) * k / n) for k in range(n + 1)]
