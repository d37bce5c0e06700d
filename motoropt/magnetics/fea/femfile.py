"""FEMM 4.2 magnetics ``.fem`` files: writer and general reader.

Format (FEMM 4.2, as written by femm's CFemmeDoc::OnSaveDocument): ``[Key] = value`` header lines
([Format], [Frequency], [Precision], [MinAngle], [DoSmartMesh], [Depth], [LengthUnits],
[ProblemType], [Coordinates], [ACSolver], [PrevType], [PrevSoln], [Comment]); property sections
[PointProps] (<BeginPoint>..<EndPoint>), [BdryProps] (<BeginBdry> with <BdryName>, <BdryType>
0 prescribed A, 1 small skin depth, 2 mixed, 3 strategic dual image, 4 periodic, 5 antiperiodic,
6/7 periodic/antiperiodic air gap, <A_0>, <A_1>, <A_2>, <Phi>, <c0>, <c1>, ...), [BlockProps]
(<BeginBlock> with <BlockName>, <Mu_x>, <Mu_y>, <H_c>, <J_re>, <Sigma>, <LamType>, <LamFill>,
<BHPoints> = n followed by n lines "B H"), [CircuitProps] (<BeginCircuit> <CircuitName>
<TotalAmps_re> <CircuitType> 1 = series); then the geometry:
[NumPoints] "x y pointprop group"; [NumSegments] "n0 n1 MaxSideLength(-1 auto) bdry hidden group";
[NumArcSegments] "n0 n1 ArcAngle(deg) MaxSegDeg bdry hidden group [as-meshed length]";
[NumHoles] "x y group"; [NumBlockLabels] "x y blockprop meshsize(-1 auto) circuit magdir group turns
isexternal [\"magdir expression\"]". Property references are 1-based, 0 = none. Keys are
case-insensitive; unknown keys are ignored (FEMM does the same).

Lengths in the file are in its [LengthUnits] (default inches, as in FEMM); the reader converts to
metres. The writer writes millimetres by default.

Time-harmonic files ([Frequency] > 0, Hz): the reader keeps the frequency (Geometry.frequency_hz) and
the fields FEMM gives them meaning at a frequency: <J_im> (MA/m^2), <Sigma> (MS/m), <d_lam>
(lamination thickness, mm), <Phi_h> (hysteresis lag of a nonlinear material, deg), <Phi_hx>, <Phi_hy>
(lags of a linear material, deg), <NStrands>, <WireD> (mm), <TotalAmps_im> (A) and the Dirichlet
phase <Phi> (deg). What FEMM itself refuses at a frequency (LamType 1, 2: laminations on edge) and
what the embedded harmonic solver does not model (FEMM's wire LamTypes 3.. with a conductivity:
their strand skin/proximity fits) raise InputError naming the block.
"""

from __future__ import annotations

import re
from pathlib import Path

from motoropt.errors import InputError
from motoropt.magnetics.fea.geometry2d import (
    NO_MESH,
    ArcSegment,
    BlockLabel,
    Boundary,
    Circuit,
    Geometry,
    Material,
    Segment,
)

UNIT_TO_M = {"inches": 0.0254, "millimeters": 1e-3, "centimeters": 1e-2, "meters": 1.0,
             "mils": 2.54e-5, "microns": 1e-6}
_BDRY_KIND = {0: "dirichlet", 4: "periodic", 5: "antiperiodic"}
_KIND_BDRY = {"dirichlet": 0, "periodic": 4, "antiperiodic": 5, "neumann": 2}


def _g(v: float) -> str:
    return f"{float(v):.17g}"


# ---------------------------------------------------------------------- writer
def write_fem(geom: Geometry, path, units: str = "millimeters") -> None:
    """Write ``geom`` as a FEMM 4.2 planar magnetics .fem file (lengths in ``units``; magnetostatic, or
    time-harmonic at ``geom.frequency_hz`` > 0)."""
    Path(path).write_text(fem_text(geom, units), encoding="utf-8")


def fem_text(geom: Geometry, units: str = "millimeters") -> str:
    """The .fem file text of ``geom``."""
    if units not in UNIT_TO_M:
        raise InputError("units", units, f"one of {sorted(UNIT_TO_M)}")
    s = 1.0 / UNIT_TO_M[units]
    out = []
    w = out.append
    w(f"[Format]      =  4.0\n[Frequency]   =  {_g(geom.frequency_hz)}\n[Precision]   =  1e-08\n[MinAngle]    =  30\n")
    w("[DoSmartMesh] =  1\n")
    w(f"[Depth]       =  {_g(geom.depth * s)}\n[LengthUnits] =  {units}\n")
    w("[ProblemType] =  planar\n[Coordinates] =  cartesian\n[ACSolver]    =  0\n[PrevType]    =  0\n")
    w('[PrevSoln]    =  ""\n')
    w(f'[Comment]     =  "{geom.comment.replace(chr(10), " ").replace(chr(34), chr(39))}"\n')
    w("[PointProps]   = 0\n")
    bnames = list(geom.boundaries)
    w(f"[BdryProps]   = {len(bnames)}\n")
    for name in bnames:
        b = geom.boundaries[name]
        w(f'  <BeginBdry>\n    <BdryName> = "{name}"\n    <BdryType> = {_KIND_BDRY[b.kind]}\n')
        # FEMM multiplies A_1, A_2 by coordinates in the file units
        w(f"    <A_0> = {_g(b.a0)}\n    <A_1> = {_g(b.a1 / s)}\n    <A_2> = {_g(b.a2 / s)}\n    <Phi> = {_g(b.phi_deg)}\n")
        w("    <c0> = 0\n    <c0i> = 0\n    <c1> = 0\n    <c1i> = 0\n    <Mu_ssd> = 0\n    <Sigma_ssd> = 0\n")
        w("    <innerangle> = 0\n    <outerangle> = 0\n  <EndBdry>\n")
    mnames = list(geom.materials)
    w(f"[BlockProps]  = {len(mnames)}\n")
    for name in mnames:
        m = geom.materials[name]
        w(f'  <BeginBlock>\n    <BlockName> = "{name}"\n    <Mu_x> = {_g(m.mu_x)}\n    <Mu_y> = {_g(m.mu_y)}\n')
        w(f"    <H_c> = {_g(m.H_c)}\n    <H_cAngle> = 0\n    <J_re> = {_g(m.J_a_per_m2 * 1e-6)}\n"
          f"    <J_im> = {_g(m.J_im_a_per_m2 * 1e-6)}\n")
        w(f"    <Sigma> = {_g(m.sigma_ms)}\n    <d_lam> = {_g(m.lam_thickness * 1e3)}\n    <Phi_h> = {_g(m.phi_h_deg)}\n"
          f"    <Phi_hx> = {_g(m.phi_hx_deg)}\n    <Phi_hy> = {_g(m.phi_hy_deg)}\n")
        w(f"    <LamType> = {m.lam_type}\n    <LamFill> = {_g(m.lam_fill)}\n    <NStrands> = {int(m.n_strands)}\n"
          f"    <WireD> = {_g(m.wire_d * 1e3)}\n")
        w(f"    <BHPoints> = {len(m.bh)}\n")
        for B, H in m.bh:
            w(f"      {_g(B)}\t{_g(H)}\n")
        w("  <EndBlock>\n")
    cnames = list(geom.circuits)
    w(f"[CircuitProps]  = {len(cnames)}\n")
    for name in cnames:
        c = geom.circuits[name]
        w(f'  <BeginCircuit>\n    <CircuitName> = "{name}"\n    <TotalAmps_re> = {_g(c.current_a)}\n')
        w(f"    <TotalAmps_im> = {_g(c.current_im_a)}\n    <CircuitType> = {1 if c.series else 0}\n  <EndCircuit>\n")
    ng = geom.node_groups if len(geom.node_groups) == len(geom.nodes) else [0] * len(geom.nodes)
    w(f"[NumPoints] = {len(geom.nodes)}\n")
    for (x, y), gr in zip(geom.nodes, ng):
        w(f"{_g(x * s)}\t{_g(y * s)}\t0\t{gr}\n")

    def bidx(name):
        return 0 if name is None else bnames.index(name) + 1

    w(f"[NumSegments] = {len(geom.segments)}\n")
    for sg in geom.segments:
        msl = "-1" if sg.max_side_length <= 0 else _g(sg.max_side_length * s)
        w(f"{sg.n0}\t{sg.n1}\t{msl}\t{bidx(sg.boundary)}\t{int(sg.hidden)}\t{sg.group}\n")
    w(f"[NumArcSegments] = {len(geom.arcs)}\n")
    for a in geom.arcs:
        w(f"{a.n0}\t{a.n1}\t{_g(a.angle_deg)}\t{_g(a.max_seg_deg)}\t{bidx(a.boundary)}\t{int(a.hidden)}\t{a.group}\n")
    holes = [lab for lab in geom.labels if lab.material == NO_MESH]
    blocks = [lab for lab in geom.labels if lab.material != NO_MESH]
    w(f"[NumHoles] = {len(holes)}\n")
    for lab in holes:
        w(f"{_g(lab.x * s)}\t{_g(lab.y * s)}\t{lab.group}\n")
    w(f"[NumBlockLabels] = {len(blocks)}\n")
    for lab in blocks:
        mi = 0 if lab.material is None else mnames.index(lab.material) + 1
        ci = 0 if lab.circuit is None else cnames.index(lab.circuit) + 1
        ms = "-1" if lab.mesh_size <= 0 else _g(lab.mesh_size * s)
        line = (f"{_g(lab.x * s)}\t{_g(lab.y * s)}\t{mi}\t{ms}\t{ci}\t{_g(lab.magdir_deg)}\t{lab.group}\t"
                f"{lab.turns}\t{int(lab.is_external)}")
        if lab.magdir_expr:
            line += f'\t"{lab.magdir_expr}"'
        w(line + "\n")
    return "".join(out)


def check_harmonic_material(m, where: str) -> None:
    """InputError for block properties the time-harmonic solvers cannot give FEMM's meaning:
    LamType 1 or 2 (FEMM 4.2 refuses laminations on edge at a frequency), FEMM's wire LamTypes >= 3
    with a conductivity (their strand skin/proximity-effect fits are not modelled here; a stranded
    region is a LamType-0 block with |turns| > 1), negative conductivity, lamination thickness or a
    fill factor outside (0, 1]."""
    if m.lam_type in (1, 2):
        raise InputError(f"{where} <LamType>", m.lam_type, "0 or >= 3 at a frequency (FEMM: laminations on edge "
                                                           "are not supported in AC problems)")
    if m.lam_type >= 3 and m.sigma_ms != 0.0:
        raise InputError(f"{where} <LamType>", m.lam_type, "0 (a stranded coil: |turns| > 1) or a wire type with "
                                                           "<Sigma> = 0 (FEMM's AC wire models are not implemented)")
    if m.sigma_ms < 0 or m.lam_thickness < 0:
        raise InputError(f"{where} <Sigma>, <d_lam>", (m.sigma_ms, m.lam_thickness * 1e3), ">= 0")
    if not 0.0 < m.lam_fill <= 1.0:
        raise InputError(f"{where} <LamFill>", m.lam_fill, "in (0, 1]")


# ---------------------------------------------------------------------- reader
_KEY = re.compile(r"^\s*([\[<][^\]>]+[\]>])\s*=?\s*(.*?)\s*$")


def _val(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1]
    return v


def _num(v: str, field: str) -> float:
    try:
        return float(_val(v).split()[0])
    except (ValueError, IndexError):
        raise InputError(field, v, "a number") from None


def _tokens(line: str) -> list:
    """Whitespace-separated fields; a double-quoted field is kept whole (without quotes)."""
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in re.finditer(r'"([^"]*)"|(\S+)', line)]


def read_fem(path) -> Geometry:
    """Read a FEMM 4.2 magnetics .fem file (planar; magnetostatic or time-harmonic) into a Geometry (SI)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError("fem file", str(path), f"a readable file ({exc})") from None
    return parse_fem(text, source=str(path))


def parse_fem(text: str, source: str = "<text>") -> Geometry:
    """Parse .fem text; unsupported features (axisymmetric, air-gap or skin-depth boundaries, mixed
    boundaries with c0 or c1 != 0, a Dirichlet phase in a static file, at a frequency: laminations on
    edge and conducting wire LamTypes) raise InputError naming them."""
    lines = text.splitlines()
    header = {}
    bdry, blocks, circs = [], [], []
    pts, segs, arcs, holes, labs = [], [], [], [], []
    i = 0
    n = len(lines)
    cur = None

    def take(count, dest, what):
        nonlocal i
        got = 0
        while got < count and i < n:
            ln = lines[i].strip()
            i += 1
            if not ln:
                continue
            dest.append(_tokens(ln))
            got += 1
        if got < count:
            raise InputError(f"{source}: {what}", got, f"{count} records")

    while i < n:
        raw = lines[i]
        i += 1
        m = _KEY.match(raw)
        if not m:
            continue
        key, val = m.group(1).lower(), m.group(2)
        if key in ("<beginbdry>", "<beginblock>", "<begincircuit>", "<beginpoint>"):
            cur = {"_kind": key}
            continue
        if key in ("<endbdry>", "<endblock>", "<endcircuit>", "<endpoint>"):
            if cur is not None:
                {"<beginbdry>": bdry, "<beginblock>": blocks, "<begincircuit>": circs}.get(cur["_kind"], []).append(cur)
            cur = None
            continue
        if key.startswith("<"):
            if cur is not None:
                cur[key] = val
                if key == "<bhpoints>":
                    k = int(_num(val, "<BHPoints>"))
                    rows = []
                    take(k, rows, "BHPoints")
                    cur["_bh"] = [(float(r[0]), float(r[1])) for r in rows]
            continue
        count_keys = {"[numpoints]": (pts, "points"), "[numsegments]": (segs, "segments"),
                      "[numarcsegments]": (arcs, "arc segments"), "[numholes]": (holes, "holes"),
                      "[numblocklabels]": (labs, "block labels")}
        if key in count_keys:
            dest, what = count_keys[key]
            take(int(_num(val, key)), dest, what)
            continue
        header[key] = _val(val)

    # header
    if header.get("[problemtype]", "planar").lower() != "planar":
        raise InputError(f"{source}: [ProblemType]", header.get("[problemtype]"), "planar")
    freq = _num(header.get("[frequency]", "0") or "0", f"{source}: [Frequency]")
    if not (freq >= 0.0 and freq < float("inf")):
        raise InputError(f"{source}: [Frequency]", freq, ">= 0 Hz (0: magnetostatics)")
    units = header.get("[lengthunits]", "inches").lower()
    if units not in UNIT_TO_M:
        raise InputError(f"{source}: [LengthUnits]", units, f"one of {sorted(UNIT_TO_M)}")
    s = UNIT_TO_M[units]
    depth = float(header.get("[depth]", "1") or 1)
    if header.get("[coordinates]", "cartesian").lower() not in ("cartesian", "polar", "0", "1"):
        raise InputError(f"{source}: [Coordinates]", header.get("[coordinates]"), "cartesian or polar")

    g = Geometry(depth=depth * s, comment=header.get("[comment]", ""), frequency_hz=freq)
    bnames = []
    for k, b in enumerate(bdry):
        name = _val(b.get("<bdryname>", f"bdry{k + 1}"))
        t = int(_num(b.get("<bdrytype>", "0"), f"{source}: boundary '{name}' <BdryType>"))
        if t == 2:
            c0 = _num(b.get("<c0>", "0"), "c0")
            c1 = _num(b.get("<c1>", "0"), "c1")
            if c0 != 0.0 or c1 != 0.0:
                raise InputError(f"{source}: boundary '{name}' mixed <c0>, <c1>", (c0, c1),
                                 "0, 0 (only the natural Neumann condition is supported)")
            kind = "neumann"
        elif t in _BDRY_KIND:
            kind = _BDRY_KIND[t]
        else:
            raise InputError(f"{source}: boundary '{name}' <BdryType>", t, "0, 2 (c0 = c1 = 0), 4 or 5")
        phi = _num(b.get("<phi>", "0"), "phi") if kind == "dirichlet" else 0.0
        if phi != 0.0 and freq == 0.0:
            raise InputError(f"{source}: boundary '{name}' <Phi>", b.get("<phi>"), "0 (a phase needs [Frequency] > 0)")
        # FEMM's A_1, A_2 multiply coordinates in the file's length units: convert to metres
        g.add_boundary(Boundary(name, kind, _num(b.get("<a_0>", "0"), "A_0"),
                                _num(b.get("<a_1>", "0"), "A_1") / s, _num(b.get("<a_2>", "0"), "A_2") / s, phi))
        bnames.append(name)
    mnames = []
    for k, b in enumerate(blocks):
        name = _val(b.get("<blockname>", f"block{k + 1}"))
        bh = tuple(b.get("_bh", ()))
        g.add_material(Material(
            name=name, mu_x=_num(b.get("<mu_x>", "1"), f"{name} Mu_x"), mu_y=_num(b.get("<mu_y>", "1"), f"{name} Mu_y"),
            H_c=_num(b.get("<h_c>", "0"), f"{name} H_c"), bh=bh,
            sigma_ms=_num(b.get("<sigma>", "0"), f"{name} Sigma"),
            J_a_per_m2=_num(b.get("<j_re>", "0"), f"{name} J_re") * 1e6,
            lam_fill=_num(b.get("<lamfill>", "1"), f"{name} LamFill"),
            lam_type=int(_num(b.get("<lamtype>", "0"), f"{name} LamType")),
            J_im_a_per_m2=_num(b.get("<j_im>", "0"), f"{name} J_im") * 1e6,
            lam_thickness=_num(b.get("<d_lam>", "0"), f"{name} d_lam") * 1e-3,
            phi_h_deg=_num(b.get("<phi_h>", "0"), f"{name} Phi_h"),
            phi_hx_deg=_num(b.get("<phi_hx>", "0"), f"{name} Phi_hx"),
            phi_hy_deg=_num(b.get("<phi_hy>", "0"), f"{name} Phi_hy"),
            n_strands=int(_num(b.get("<nstrands>", "0"), f"{name} NStrands")),
            wire_d=_num(b.get("<wired>", "0"), f"{name} WireD") * 1e-3))
        if freq > 0.0:
            check_harmonic_material(g.materials[name], f"{source}: block '{name}'")
        hca = _num(b.get("<h_cangle>", "0"), "H_cAngle")
        if hca != 0.0:
            raise InputError(f"{source}: block '{name}' <H_cAngle>", hca, "0")
        mnames.append(name)
    cnames = []
    for k, c in enumerate(circs):
        name = _val(c.get("<circuitname>", f"circuit{k + 1}"))
        g.add_circuit(Circuit(name, _num(c.get("<totalamps_re>", "0"), f"{name} TotalAmps_re"),
                              int(_num(c.get("<circuittype>", "1"), "CircuitType")) == 1,
                              _num(c.get("<totalamps_im>", "0"), f"{name} TotalAmps_im")))
        cnames.append(name)

    def ref(tok, names, what):
        t = int(float(tok))
        if t <= 0 or t > len(names):
            return None
        return names[t - 1]

    for r in pts:
        g.nodes.append((float(r[0]) * s, float(r[1]) * s))
        g.node_groups.append(int(float(r[3])) if len(r) > 3 else 0)
    for r in segs:
        msl = float(r[2]) if len(r) > 2 else -1.0
        g.segments.append(Segment(int(r[0]), int(r[1]), msl * s if msl > 0 else -1.0,
                                  ref(r[3], bnames, "boundary") if len(r) > 3 else None,
                                  bool(int(float(r[4]))) if len(r) > 4 else False,
                                  int(float(r[5])) if len(r) > 5 else 0))
    for r in arcs:
        g.arcs.append(ArcSegment(int(r[0]), int(r[1]), float(r[2]), float(r[3]) if len(r) > 3 else 1.0,
                                 ref(r[4], bnames, "boundary") if len(r) > 4 else None,
                                 bool(int(float(r[5]))) if len(r) > 5 else False,
                                 int(float(r[6])) if len(r) > 6 else 0))
    for r in holes:
        g.labels.append(BlockLabel(float(r[0]) * s, float(r[1]) * s, NO_MESH,
                                   group=int(float(r[2])) if len(r) > 2 else 0))
    for r in labs:
        t = int(float(r[2]))
        if t > len(mnames):
            raise InputError(f"{source}: block label at ({r[0]}, {r[1]}) block property", t, f"<= {len(mnames)}")
        mat = None if t == 0 else mnames[t - 1]
        ms = float(r[3]) if len(r) > 3 else -1.0
        ext = int(float(r[8])) if len(r) > 8 else 0
        g.labels.append(BlockLabel(
            float(r[0]) * s, float(r[1]) * s, mat, ms * s if ms > 0 else -1.0,
            ref(r[4], cnames, "circuit") if len(r) > 4 else None,
            float(r[5]) if len(r) > 5 else 0.0, int(float(r[6])) if len(r) > 6 else 0,
            int(float(r[7])) if len(r) > 7 else 1, bool(ext & 1), r[9] if len(r) > 9 else ""))
    return g
