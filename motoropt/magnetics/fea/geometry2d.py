"""The one 2-D cross-section data model of motoropt's finite-element path (FEMM's data model).

A :class:`Geometry` holds nodes (points), straight segments, arc segments, block labels (regions),
materials, circuits and boundary conditions, exactly the entities of a FEMM 4.2 magnetics problem.
It is consumed by the ``.fem`` writer (:mod:`.femfile`), by the embedded solver (:mod:`.mesh`,
:mod:`.solver`, :mod:`.post`) and by the pyfemm driver (:mod:`.femm_backend`).

Conventions (SI inside):
- coordinates in metres, ``depth`` (stack length) in metres; planar problems only;
- an arc goes counter-clockwise from ``n0`` to ``n1`` through ``angle_deg`` (0 < angle <= 180, FEMM's
  rule), discretised into pieces of at most ``max_seg_deg`` degrees;
- a block label's ``mesh_size`` is FEMM's: a length d (m) with the triangle area constraint pi d^2/4;
  ``mesh_size <= 0`` means automatic;
- ``material = NO_MESH`` ("<No Mesh>") makes the region a hole; ``material = None`` is FEMM's
  "<None>" and is an error when solving;
- a magnet's magnetisation direction ``magdir_deg`` is measured from +x, counter-clockwise; an optional
  ``magdir_expr`` (FEMM's Lua expression in x, y, r, theta, degrees) overrides it element by element;
- a stranded coil region carries ``turns`` (signed) of its circuit: current density
  J = turns * I / region_area for series circuits (FEMM's convention);
- boundary kinds: "dirichlet" (A = a0 + a1 x + a2 y, x, y in m), "periodic", "antiperiodic",
  "neumann" (FEMM's mixed condition with c0 = c1 = 0, which is also the default of an unmarked
  outer edge).

Builder helpers (``add_node`` merges coincident points, ``add_polyline``, ``add_arc``, ``add_circle``,
``rotate_points``, ``mirror_points``, ``add_air_gap_band``) let a parametric machine builder produce a
cross-section in a few lines; rotor motion is done by rotating the nodes of a group and remeshing
(Triangle meshes 40k elements in about 30 ms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from motoropt.errors import InputError

NO_MESH = "<No Mesh>"
BOUNDARY_KINDS = ("dirichlet", "periodic", "antiperiodic", "neumann")


@dataclass(frozen=True)
class Material:
    """A block property.

    Attributes:
        name: unique name.
        mu_x, mu_y: relative permeabilities of a linear material (used when ``bh`` is empty).
        H_c: coercivity of a magnet, A/m (B = mu0 mu_r (H + H_c m) for a linear magnet, so
            B_r = mu0 mu_r H_c).
        bh: B-H curve as ((B_T, H_A_per_m), ...) starting at (0, 0); empty for linear materials.
            Beyond the last point the curve continues with slope mu0 (saturated tail, not clamped).
        sigma_ms: electrical conductivity, MS/m (ignored by magnetostatics; kept for FEMM).
        J_a_per_m2: source current density of the block, A/m^2 (FEMM's J_re).
        lam_fill: lamination fill factor (in-plane laminations: B_eff(H) = f B(H) + (1 - f) mu0 H).
        lam_type: FEMM's LamType (0 = laminated in plane / not laminated).
        Time-harmonic fields (FEMM's meaning; ignored by the magnetostatic solver):
        J_im_a_per_m2: imaginary part of the block source current density, A/m^2 (FEMM's J_im).
        lam_thickness: lamination thickness, m (FEMM's d_lam in mm; 0 = no lamination eddy currents).
        phi_h_deg: maximum hysteresis lag angle of a nonlinear material, deg (FEMM's Phi_h).
        phi_hx_deg, phi_hy_deg: hysteresis lag angles of a linear material, deg (FEMM's Phi_hx, Phi_hy).
        n_strands, wire_d: strands and strand diameter (m) of FEMM's wire LamTypes 3..; kept for FEMM.
    """

    name: str
    mu_x: float = 1.0
    mu_y: float = 1.0
    H_c: float = 0.0
    bh: tuple = ()
    sigma_ms: float = 0.0
    J_a_per_m2: float = 0.0
    lam_fill: float = 1.0
    lam_type: int = 0
    J_im_a_per_m2: float = 0.0
    lam_thickness: float = 0.0
    phi_h_deg: float = 0.0
    phi_hx_deg: float = 0.0
    phi_hy_deg: float = 0.0
    n_strands: int = 0
    wire_d: float = 0.0

    @property
    def nonlinear(self) -> bool:
        return len(self.bh) > 0


@dataclass(frozen=True)
class Circuit:
    """A circuit: ``current_a`` total current, A; ``series`` (FEMM CircuitType 1) or parallel (0).

    ``current_im_a``: imaginary part of the current phasor (A peak) of a time-harmonic problem."""

    name: str
    current_a: float = 0.0
    series: bool = True
    current_im_a: float = 0.0


@dataclass(frozen=True)
class Boundary:
    """A boundary condition: kind in BOUNDARY_KINDS; for "dirichlet" A = a0 + a1 x + a2 y (Wb/m, x,y in m),
    times exp(j phi_deg) in a time-harmonic problem (FEMM's Phi)."""

    name: str
    kind: str = "dirichlet"
    a0: float = 0.0
    a1: float = 0.0
    a2: float = 0.0
    phi_deg: float = 0.0


@dataclass
class Segment:
    """Straight segment between node indices n0 and n1; ``max_side_length`` in m (<= 0: automatic)."""

    n0: int
    n1: int
    max_side_length: float = -1.0
    boundary: str | None = None
    hidden: bool = False
    group: int = 0


@dataclass
class ArcSegment:
    """Arc counter-clockwise from n0 to n1 through ``angle_deg``, pieces of at most ``max_seg_deg``."""

    n0: int
    n1: int
    angle_deg: float
    max_seg_deg: float = 1.0
    boundary: str | None = None
    hidden: bool = False
    group: int = 0


@dataclass
class BlockLabel:
    """A region: the closed contour around (x, y) (m) gets this material, circuit, turns, group."""

    x: float
    y: float
    material: str | None
    mesh_size: float = -1.0
    circuit: str | None = None
    magdir_deg: float = 0.0
    group: int = 0
    turns: int = 1
    is_external: bool = False
    magdir_expr: str = ""

    def describe(self, index: int) -> str:
        mat = "<None>" if self.material is None else self.material
        return (f"block label {index} at ({self.x * 1e3:.4g}, {self.y * 1e3:.4g}) mm "
                f"(material '{mat}', group {self.group})")


@dataclass
class Geometry:
    """A planar magnetics problem: nodes (m), segments, arcs, labels and properties.

    ``depth`` is the axial length in m; ``comment`` is free text; ``frequency_hz`` > 0 makes it a
    time-harmonic problem (FEMM's [Frequency]; solved by :mod:`.harmonic`), 0 magnetostatic.
    """

    nodes: list = field(default_factory=list)
    segments: list = field(default_factory=list)
    arcs: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    materials: dict = field(default_factory=dict)
    circuits: dict = field(default_factory=dict)
    boundaries: dict = field(default_factory=dict)
    node_groups: list = field(default_factory=list)
    depth: float = 1.0
    comment: str = ""
    merge_tol: float = 1e-9
    frequency_hz: float = 0.0

    # ------------------------------------------------------------------ properties
    def add_material(self, material: Material) -> Material:
        self.materials[material.name] = material
        return material

    def add_circuit(self, circuit: Circuit) -> Circuit:
        self.circuits[circuit.name] = circuit
        return circuit

    def add_boundary(self, boundary: Boundary) -> Boundary:
        if boundary.kind not in BOUNDARY_KINDS:
            raise InputError(f"boundary '{boundary.name}'.kind", boundary.kind, f"one of {BOUNDARY_KINDS}")
        self.boundaries[boundary.name] = boundary
        return boundary

    # ------------------------------------------------------------------ drawing
    def add_node(self, x: float, y: float, group: int = 0) -> int:
        """Index of the node at (x, y) (m); an existing node within ``merge_tol`` is reused."""
        for i, (xi, yi) in enumerate(self.nodes):
            if abs(xi - x) <= self.merge_tol and abs(yi - y) <= self.merge_tol:
                return i
        self.nodes.append((float(x), float(y)))
        self.node_groups.append(int(group))
        return len(self.nodes) - 1

    def add_segment(self, p0, p1, boundary=None, group=0, max_side_length=-1.0) -> Segment:
        n0 = self.add_node(*p0, group=group)
        n1 = self.add_node(*p1, group=group)
        seg = Segment(n0, n1, max_side_length, boundary, False, group)
        self.segments.append(seg)
        return seg

    def add_polyline(self, points, closed=False, boundary=None, group=0, max_side_length=-1.0) -> list:
        pts = list(points)
        if closed:
            pts = pts + [pts[0]]
        return [self.add_segment(pts[i], pts[i + 1], boundary, group, max_side_length)
                for i in range(len(pts) - 1)]

    def add_arc(self, p0, p1, angle_deg, max_seg_deg=1.0, boundary=None, group=0) -> ArcSegment:
        """Arc counter-clockwise from p0 to p1 through ``angle_deg`` (split if > 180 deg)."""
        if not 0.0 < angle_deg <= 360.0:
            raise InputError("arc.angle_deg", angle_deg, "in (0, 360]")
        if angle_deg > 180.0:
            c = arc_center(p0, p1, angle_deg)
            mid = rotate_points([p0], angle_deg / 2.0, c)[0]
            self.add_arc(p0, mid, angle_deg / 2.0, max_seg_deg, boundary, group)
            return self.add_arc(mid, p1, angle_deg / 2.0, max_seg_deg, boundary, group)
        n0 = self.add_node(*p0, group=group)
        n1 = self.add_node(*p1, group=group)
        arc = ArcSegment(n0, n1, float(angle_deg), float(max_seg_deg), boundary, False, group)
        self.arcs.append(arc)
        return arc

    def add_arc_center(self, center, radius, start_deg, end_deg, max_seg_deg=1.0, boundary=None, group=0):
        """Arc of ``radius`` about ``center`` from start_deg to end_deg (counter-clockwise)."""
        cx, cy = center
        a0, a1 = math.radians(start_deg), math.radians(end_deg)
        p0 = (cx + radius * math.cos(a0), cy + radius * math.sin(a0))
        p1 = (cx + radius * math.cos(a1), cy + radius * math.sin(a1))
        return self.add_arc(p0, p1, end_deg - start_deg, max_seg_deg, boundary, group)

    def add_circle(self, center, radius, max_seg_deg=1.0, boundary=None, group=0):
        """Full circle as two 180-degree arcs."""
        self.add_arc_center(center, radius, 0.0, 180.0, max_seg_deg, boundary, group)
        self.add_arc_center(center, radius, 180.0, 360.0, max_seg_deg, boundary, group)

    def add_label(self, x, y, material, mesh_size=-1.0, circuit=None, magdir_deg=0.0, group=0,
                  turns=1, magdir_expr="") -> BlockLabel:
        lab = BlockLabel(float(x), float(y), material, float(mesh_size), circuit, float(magdir_deg),
                         int(group), int(turns), False, magdir_expr)
        self.labels.append(lab)
        return lab

    def add_air_gap_band(self, center, r_in, r_out, material, mesh_size, max_seg_deg=1.0, group=0):
        """Two concentric circles r_in < r_out in the air gap and a label between them.

        The band is the layer used by Arkkio's torque (:func:`motoropt.magnetics.fea.post.arkkio_torque`)
        and the layer whose elements deform when the rotor turns (co-energy virtual work).
        """
        if not 0.0 < r_in < r_out:
            raise InputError("air_gap_band.r_in, r_out", (r_in, r_out), "0 < r_in < r_out")
        self.add_circle(center, r_in, max_seg_deg, group=group)
        self.add_circle(center, r_out, max_seg_deg, group=group)
        rm = 0.5 * (r_in + r_out)
        return self.add_label(center[0] + rm * math.cos(0.123), center[1] + rm * math.sin(0.123),
                              material, mesh_size, group=group)

    def rotate_group(self, group: int, angle_deg: float, center=(0.0, 0.0)) -> Geometry:
        """Copy with every node, label (and magnetisation) of ``group`` rotated by ``angle_deg``."""
        import copy
        g = copy.deepcopy(self)
        idx = set()
        for s in g.segments + g.arcs:
            if s.group == group:
                idx.update((s.n0, s.n1))
        for i in idx:
            g.nodes[i] = tuple(rotate_points([g.nodes[i]], angle_deg, center)[0])
        for lab in g.labels:
            if lab.group == group:
                lab.x, lab.y = rotate_points([(lab.x, lab.y)], angle_deg, center)[0]
                lab.magdir_deg += angle_deg
        return g

    # ------------------------------------------------------------------ checks
    def validate(self) -> None:
        """Raise InputError naming the region for: no labels, a label without or with an unknown
        material, an unknown circuit, an unknown boundary name, a bad node index, an open contour
        (a segment end that touches no other segment), coincident labels."""
        n = len(self.nodes)
        if not self.labels:
            raise InputError("geometry.labels", 0, "at least one block label")
        for k, s in enumerate(self.segments + self.arcs):
            if not (0 <= s.n0 < n and 0 <= s.n1 < n) or s.n0 == s.n1:
                raise InputError(f"segment {k}", (s.n0, s.n1), f"two distinct node indices in [0, {n})")
            if s.boundary is not None and s.boundary not in self.boundaries:
                raise InputError(f"segment {k}.boundary", s.boundary, f"one of {sorted(self.boundaries)}")
        for k, a in enumerate(self.arcs):
            if not 0.0 < a.angle_deg <= 180.0 or a.max_seg_deg <= 0.0:
                raise InputError(f"arc {k}", (a.angle_deg, a.max_seg_deg), "0 < angle <= 180 deg, max_seg > 0")
        for k, lab in enumerate(self.labels):
            if lab.material is None:
                raise InputError(lab.describe(k) + ".material", None, "a material (region without material)")
            if lab.material != NO_MESH and lab.material not in self.materials:
                raise InputError(lab.describe(k) + ".material", lab.material, f"one of {sorted(self.materials)}")
            if lab.circuit is not None and lab.circuit not in self.circuits:
                raise InputError(lab.describe(k) + ".circuit", lab.circuit, f"one of {sorted(self.circuits)}")
        # open contour: a node used by exactly one segment/arc end
        deg = np.zeros(n, dtype=int)
        for s in self.segments + self.arcs:
            deg[s.n0] += 1
            deg[s.n1] += 1
        loose = np.nonzero(deg == 1)[0]
        if loose.size:
            i = int(loose[0])
            x, y = self.nodes[i]
            k = self.nearest_label(x, y)
            raise InputError(f"{self.labels[k].describe(k)}: contour", f"open at node {i} ({x * 1e3:.4g}, {y * 1e3:.4g}) mm",
                             "closed (every segment end must meet another segment)")
        # coincident labels
        for k, a in enumerate(self.labels):
            for j in range(k):
                b = self.labels[j]
                if abs(a.x - b.x) <= self.merge_tol and abs(a.y - b.y) <= self.merge_tol:
                    raise InputError(f"{a.describe(k)}", "duplicate of " + b.describe(j), "one label per region")

    def split_at_nodes(self) -> Geometry:
        """Copy in which every segment or arc with a node lying inside it is split there (FEMM splits
        lines when a point is drawn on them); returns ``self`` when nothing needs splitting."""
        import copy
        xy = np.asarray(self.nodes, dtype=float)
        tol = max(self.merge_tol, 1e-9 * float(np.max(np.abs(xy))) if xy.size else 0.0)
        g = None
        work = list(self.segments)
        out_s = []
        while work:
            s = work.pop()
            p0, p1 = xy[s.n0], xy[s.n1]
            d = p1 - p0
            L2 = float(d @ d)
            t = (xy - p0) @ d / L2
            dist = np.abs((xy[:, 0] - p0[0]) * d[1] - (xy[:, 1] - p0[1]) * d[0]) / math.sqrt(L2)
            hit = np.nonzero((dist <= tol) & (t > 1e-9) & (t < 1 - 1e-9))[0]
            if hit.size:
                k = int(hit[np.argmin(np.abs(t[hit] - 0.5))])
                work.append(Segment(s.n0, k, s.max_side_length, s.boundary, s.hidden, s.group))
                work.append(Segment(k, s.n1, s.max_side_length, s.boundary, s.hidden, s.group))
                g = True
            else:
                out_s.append(s)
        work = list(self.arcs)
        out_a = []
        while work:
            a = work.pop()
            p0, p1 = xy[a.n0], xy[a.n1]
            c = np.asarray(arc_center(p0, p1, a.angle_deg))
            R = float(np.hypot(*(p0 - c)))
            ang = np.mod(np.arctan2(xy[:, 1] - c[1], xy[:, 0] - c[0]) - math.atan2(p0[1] - c[1], p0[0] - c[0]),
                         2 * math.pi)
            tot = math.radians(a.angle_deg)
            hit = np.nonzero((np.abs(np.hypot(xy[:, 0] - c[0], xy[:, 1] - c[1]) - R) <= tol)
                             & (ang > 1e-9) & (ang < tot - 1e-9))[0]
            if hit.size:
                k = int(hit[0])
                d1 = math.degrees(ang[k])
                work.append(ArcSegment(a.n0, k, d1, a.max_seg_deg, a.boundary, a.hidden, a.group))
                work.append(ArcSegment(k, a.n1, a.angle_deg - d1, a.max_seg_deg, a.boundary, a.hidden, a.group))
                g = True
            else:
                out_a.append(a)
        if g is None:
            return self
        new = copy.deepcopy(self)
        new.segments = out_s[::-1]
        new.arcs = out_a[::-1]
        return new

    def nearest_label(self, x, y) -> int:
        d = [(lab.x - x) ** 2 + (lab.y - y) ** 2 for lab in self.labels]
        return int(np.argmin(d))


# ---------------------------------------------------------------------- point helpers
def rotate_points(points, angle_deg, center=(0.0, 0.0)) -> np.ndarray:
    """Points (N, 2) rotated counter-clockwise by angle_deg about center."""
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    d = p - np.asarray(center, dtype=float)
    return np.column_stack((c * d[:, 0] - s * d[:, 1], s * d[:, 0] + c * d[:, 1])) + np.asarray(center, float)


def mirror_points(points, axis_angle_deg=0.0, center=(0.0, 0.0)) -> np.ndarray:
    """Points mirrored about the line through center at axis_angle_deg from +x."""
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    a = 2.0 * math.radians(axis_angle_deg)
    c, s = math.cos(a), math.sin(a)
    d = p - np.asarray(center, dtype=float)
    return np.column_stack((c * d[:, 0] + s * d[:, 1], s * d[:, 0] - c * d[:, 1])) + np.asarray(center, float)


def arc_center(p0, p1, angle_deg):
    """Centre of the counter-clockwise arc from p0 to p1 through angle_deg (0 < angle < 360)."""
    x0, y0 = p0
    x1, y1 = p1
    dx, dy = x1 - x0, y1 - y0
    chord = math.hypot(dx, dy)
    half = math.radians(angle_deg) / 2.0
    h = 0.5 * chord / math.tan(half)  # distance from chord midpoint to centre (signed)
    return (0.5 * (x0 + x1) - h * dy / chord, 0.5 * (y0 + y1) + h * dx / chord)


def arc_points(p0, p1, angle_deg, max_seg_deg):
    """Points of the arc from p0 to p1 (both included), pieces of at most max_seg_deg."""
    nseg = max(1, int(math.ceil(angle_deg / max_seg_deg - 1e-9)))
    c = arc_center(p0, p1, angle_deg)
    r = math.hypot(p0[0] - c[0], p0[1] - c[1])
    a0 = math.atan2(p0[1] - c[1], p0[0] - c[0])
    t = a0 + np.linspace(0.0, math.radians(angle_deg), nseg + 1)
    pts = np.column_stack((c[0] + r * np.cos(t), c[1] + r * np.sin(t)))
    pts[0] = p0
    pts[-1] = p1
    return pts
