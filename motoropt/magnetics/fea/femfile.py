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

Reading is strict about structure and values, lenient where FEMM is: the format line
``[Format] = 4.0`` (FEMM 4.x magnetics) comes first; a property section holds exactly the announced
number of <Begin..> .. <End..> blocks and <BHPoints> = n exactly n "B H" lines; a geometry section
exactly the announced number of records, each with at least its leading fields (points and holes
2, segments 2, arcs 3, block labels 3); every number is finite, an integer where FEMM writes one,
references lie in their lists, points are distinct, arcs span (0, 180] deg, coordinates lie within
+-10 km, a linear block has mu_r >= 1e-6, 0 < LamFill <= 1, [Depth] > 0, conductivities and
thicknesses >= 0. Unknown ``[Key] = value`` lines between sections and unknown <Key> lines in a
block are ignored. Messages: "FILE: not a FEMM 4.2 magnetics file: ..." (no or another format
line, binary data, empty), "FILE: not a valid FEMM 4.2 magnetics file ([Format] = 4.0 on line 1):
line N (section): field = value: must be ..." (malformed or truncated), "FILE line N (section):
field = value: must be ..." (a valid file with something the embedded solvers do not model).

Time-harmonic files ([Frequency] > 0, Hz): the reader keeps the frequency (Geometry.frequency_hz) and
the fields FEMM gives them meaning at a frequency: <J_im> (MA/m^2), <Sigma> (MS/m), <d_lam>
(lamination thickness, mm), <Phi_h> (hysteresis lag of a nonlinear material, deg), <Phi_hx>, <Phi_hy>
(lags of a linear material, deg), <NStrands>, <WireD> (mm), <TotalAmps_im> (A) and the Dirichlet
phase <Phi> (deg). What FEMM itself refuses at a frequency (LamType 1, 2: laminations on edge) and
what the embedded harmonic solver does not model (FEMM's wire LamTypes 3.. with a conductivity:
their strand skin/proximity fits) raise InputError naming the block.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from motoropt.errors import InputError, check_number
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
FORMAT_LINE = "[Format] = 4.0"  # FEMM 4.x magnetics files (FEMM reads 10 x version + 0.5 as an integer: 40)
MAX_COORDINATE_M = 1.0e4  # |x|, |y| of points, holes and labels, m
MIN_MU_R = 1e-6  # smallest relative permeability of a linear block (none is physical below ~1; 0 overflows nu)
_BLOCK_SECTIONS = {  # section -> (begin tag, end tag, what one block is, end tag as FEMM writes it)
    "[pointprops]": ("<beginpoint>", "<endpoint>", "point property", "<EndPoint>"),
    "[bdryprops]": ("<beginbdry>", "<endbdry>", "boundary", "<EndBdry>"),
    "[blockprops]": ("<beginblock>", "<endblock>", "block", "<EndBlock>"),
    "[circuitprops]": ("<begincircuit>", "<endcircuit>", "circuit", "<EndCircuit>"),
}
_BEGIN = {v[0]: k for k, v in _BLOCK_SECTIONS.items()}
_END = {v[1]: k for k, v in _BLOCK_SECTIONS.items()}
_RECORD_SECTIONS = {  # section -> (what one record is, fewest fields, fields FEMM 4.2 writes)
    "[numpoints]": ("point", 2, "x y pointprop group"),
    "[numsegments]": ("segment", 2, "n0 n1 MaxSideLength bdry hidden group"),
    "[numarcsegments]": ("arc segment", 3, "n0 n1 ArcAngle MaxSegDeg bdry hidden group"),
    "[numholes]": ("hole", 2, "x y group"),
    "[numblocklabels]": ("block label", 3, "x y blockprop MeshSize circuit magdir group turns isexternal"),
}
_REQUIRED = ("[numpoints]", "[numsegments]", "[numarcsegments]", "[numblocklabels]")


def _show(value) -> str:
    """A value for a one-line message: repr, at most 60 characters."""
    s = repr(value)
    return s if len(s) <= 60 else s[:57] + "..."


def _split_key(line: str):
    """(lower-case key, key as written, value text) of a ``[Key] = value`` or ``<Key> = value`` line,
    or None for any other line (a record, garbage)."""
    s = line.strip()
    if len(s) < 3 or s[0] not in "[<":
        return None
    j = s.find("]" if s[0] == "[" else ">")
    if j < 2:
        return None
    rest = s[j + 1:].lstrip()
    if rest.startswith("="):
        rest = rest[1:]
    return s[:j + 1].lower(), s[:j + 1], rest.strip()


def _val(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return v[1:-1]
    return v


def _tokens(line: str) -> list:
    """Whitespace-separated fields; a double-quoted field is kept whole (without quotes)."""
    return [m.group(1) if m.group(1) is not None else m.group(2)
            for m in re.finditer(r'"([^"]*)"|(\S+)', line)]


class _Item:
    """A property block (<BeginBlock> .. <EndBlock>) or a record line: where it is and its fields."""

    def __init__(self, kind: str, line: int, index: int):
        self.kind, self.line, self.index = kind, line, index
        self.keys = {}  # <key> -> (value text, line, key as written)
        self.bh = []  # (B, H)
        self.tokens = []

    @property
    def name(self) -> str:
        for key in ("<blockname>", "<bdryname>", "<circuitname>", "<pointname>"):
            if key in self.keys:
                return _val(self.keys[key][0])
        return f"{self.kind} {self.index}"


class _FemReader:
    """Line-by-line reader of FEMM 4.2 magnetics text; every fault is an InputError naming the file,
    the format line, the line and section where reading stopped, and the field."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.lines = text.split("\n")  # line numbers as an editor counts them ("\r\n" ends lines too)
        if self.lines and not self.lines[-1].strip():
            self.lines.pop()
        self.fmt = None  # (line, version text) of the format line

    # ------------------------------------------------------------------ errors
    def bad(self, line: int, where: str, field: str, value, allowed: str, supported: bool = False) -> InputError:
        """InputError for ``field`` = ``value`` on ``line`` (in ``where``): a malformed file (not a valid
        FEMM 4.2 magnetics file), or with ``supported`` a valid file this reader does not solve."""
        loc = f"line {line}" + (f" ({where})" if where else "")
        detail = f"{field} = {_show(value)}: must be {allowed}"
        if supported:
            msg = f"{self.source} {loc}: {detail}"
        else:
            msg = (f"{self.source}: not a valid FEMM 4.2 magnetics file ([Format] = {self.fmt[1]} on line "
                   f"{self.fmt[0]}): {loc}: {detail}")
        return InputError(f"{self.source} {loc}: {field}", value, allowed, message=msg)

    def number(self, text: str, line: int, where: str, field: str, lo=None, hi=None, lo_open=False,
               integer=False, allowed: str | None = None) -> float:
        """The first token of ``text`` as a finite number (an integer below 2^31 in magnitude with
        ``integer``) in [lo, hi] (> lo with ``lo_open``), else :meth:`bad` (errors.check_number's rule)."""
        toks = _val(text).split()
        try:
            v = float(toks[0])
        except (ValueError, IndexError):
            v = None
        if integer and v is not None and not abs(v) < 2.0 ** 31:  # FEMM's integers are C ints
            v = math.nan
        try:
            return check_number(field, v, lo, hi, lo_open, integer, allowed)
        except InputError as exc:
            raise self.bad(line, where, field, _val(text) if toks else text, exc.allowed) from None

    # ------------------------------------------------------------------ structure
    def format_line(self) -> int:
        """Index of the line after the format line, which must come first."""
        for i, raw in enumerate(self.lines):
            s = raw.strip().lstrip("\ufeff")
            if not s:
                continue
            k = _split_key(s)
            if k is None or k[0] != "[format]":
                binary = any(c == "\ufffd" or (c < " " and c != "\t") for c in s)
                raise InputError(f"{self.source} line {i + 1}", s, FORMAT_LINE, message=(
                    f"{self.source}: not a FEMM 4.2 magnetics file: the format line '{FORMAT_LINE}' must come "
                    f"first, line {i + 1} " + (f"holds binary data ({_show(s[:20])})" if binary else
                                               f"reads {_show(s)}")))
            try:
                vers = int(10.0 * float(_val(k[2]).split()[0]) + 0.5)
            except (ValueError, IndexError, OverflowError):
                vers = None
            if vers != 40:
                raise InputError(f"{self.source} line {i + 1}: [Format]", k[2], "4.0", message=(
                    f"{self.source}: not a FEMM 4.2 magnetics file: line {i + 1}: format line {_show(s)}: "
                    f"must be '{FORMAT_LINE}'"))
            self.fmt = (i + 1, _val(k[2]))
            return i + 1
        raise InputError(f"{self.source}", "empty", FORMAT_LINE, message=(
            f"{self.source}: not a FEMM 4.2 magnetics file: the file is empty (a FEMM file starts with "
            f"'{FORMAT_LINE}')"))

    def read(self):
        """(header {key: (value, line)}, {section: [_Item]}, {section: line}) of the whole file."""
        lines, n = self.lines, len(self.lines)
        header, items, seen = {}, {}, {}
        i = self.format_line()
        section = None  # the current property section: (key, written, announced count, line)
        cur = None  # the open property block
        last_records = None  # (section as written, count, line) of the last record section

        def next_line(r, count, where, announced, what):
            """(number, stripped text) of the next non-blank line: record r + 1 of the ``count`` that
            ``announced`` promises, or :meth:`bad` where the file ends."""
            nonlocal i
            while i < n and not lines[i].strip():
                i += 1
            if i >= n:
                raise self.bad(n, where, announced, count,
                               f"the number of {what} that follow it: the file ends after {r} (truncated?)")
            i += 1
            return i, lines[i - 1].strip()

        def close_section(line):
            if section is not None and len(items[section[0]]) != section[2]:
                what = _BLOCK_SECTIONS[section[0]][2]
                raise self.bad(line, section[1], f"{section[1]} (line {section[3]})", section[2],
                               f"the number of {what} blocks that follow it: found {len(items[section[0]])}")

        while i < n:
            line = i + 1
            s = lines[i].strip()
            i += 1
            if not s:
                continue
            k = _split_key(s)
            if cur is not None:  # inside <Begin..> .. <End..>
                begin, end, what, end_tag = _BLOCK_SECTIONS[section[0]]
                where = f"{section[1]} {what} {cur.index} '{cur.name}' opened on line {cur.line}"
                if k is None:
                    raise self.bad(line, where, "line", s, f"'<Key> = value' or {end_tag}")
                key, written, val = k
                if key == end:
                    items[section[0]].append(cur)
                    cur = None
                    continue
                if key[0] == "[" or key in _BEGIN or key in _END:
                    raise self.bad(line, where, written, val, f"after the block's {end_tag} (the block is not closed)")
                cur.keys[key] = (val, line, written)
                if key == "<bhpoints>":
                    count = self.number(val, line, where, written, lo=0, integer=True)
                    for r in range(count):
                        ln, rec = next_line(r, count, where, f"{written} (line {line})", "B-H lines")
                        toks = rec.split()
                        if len(toks) < 2 or _split_key(rec) is not None:
                            raise self.bad(ln, where, f"B-H point {r + 1} of {count}", rec, "two numbers 'B H' (T, A/m)")
                        B = self.number(toks[0], ln, where, f"B-H point {r + 1} B", lo=0.0)
                        H = self.number(toks[1], ln, where, f"B-H point {r + 1} H", lo=0.0)
                        cur.bh.append((B, H))
                continue
            if k is None:
                if last_records is not None:
                    raise self.bad(line, last_records[0], "line", s, (
                        f"a '[Section] = value' line: the {last_records[1]} records that {last_records[0]} on line "
                        f"{last_records[2]} announces end before it"))
                raise self.bad(line, section[1] if section else "header", "line", s, "a '[Key] = value' line")
            key, written, val = k
            if key in _BEGIN:
                if section is None or _BEGIN[key] != section[0]:
                    here = section[1] if section else "header"
                    raise self.bad(line, here, written, val, f"inside its section {_BEGIN[key]}")
                if len(items[section[0]]) >= section[2]:
                    raise self.bad(line, section[1], written, val, (
                        f"absent: {section[1]} on line {section[3]} announces {section[2]} blocks"))
                cur = _Item(_BLOCK_SECTIONS[section[0]][2], line, len(items[section[0]]) + 1)
                continue
            if key in _END or key[0] == "<":
                raise self.bad(line, section[1] if section else "header", written, val,
                               "inside a property block (<Begin...> .. <End...>)")
            # a [Section] line: the previous property section is complete
            close_section(line)
            section, last_records = None, None
            if key in _BLOCK_SECTIONS or key in _RECORD_SECTIONS:
                if key in seen:
                    raise self.bad(line, written, written, val, f"given once (first on line {seen[key]})")
                seen[key] = line
                count = self.number(val, line, written, written, lo=0, integer=True)
                items[key] = []
            if key in _BLOCK_SECTIONS:
                section = (key, written, count, line)
                continue
            if key in _RECORD_SECTIONS:
                what, fewest, layout = _RECORD_SECTIONS[key]
                for r in range(count):
                    ln, rec = next_line(r, count, written, f"{written} (line {line})", f"{what} records")
                    toks = _tokens(rec)
                    if _split_key(rec) is not None or len(toks) < fewest:
                        raise self.bad(ln, written, f"{what} {r + 1} of {count}", rec,
                                       f"a record '{layout}' (at least {fewest} fields)")
                    it = _Item(what, ln, r)
                    it.tokens = toks
                    items[key].append(it)
                last_records = (written, count, line)
                continue
            header[key] = (val, line)
        if cur is not None:
            raise self.bad(n, f"{section[1]} {cur.kind} {cur.index} '{cur.name}' opened on line {cur.line}",
                           _BLOCK_SECTIONS[section[0]][3], "absent",
                           "present to close the block: the file ends before it (truncated?)")
        close_section(n)
        for key in _REQUIRED:
            if key not in seen:
                name = {"[numpoints]": "[NumPoints]", "[numsegments]": "[NumSegments]",
                        "[numarcsegments]": "[NumArcSegments]", "[numblocklabels]": "[NumBlockLabels]"}[key]
                raise self.bad(n, "end of file", name, "absent", "present: the file ends before it (truncated?)")
        return header, items, seen


def read_fem(path) -> Geometry:
    """Read a FEMM 4.2 magnetics .fem file (planar; magnetostatic or time-harmonic) into a Geometry (SI).
    A file that is not one (wrong or missing format line, binary data, truncated, malformed lines or
    values) raises InputError naming the format line, the line and section, and the field."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
        # the format line first: a large binary file is refused without reading it whole
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if len(start) >= 8 and start[:8].lower() != b"[format]":
            _FemReader(head.decode("utf-8", errors="replace"), str(path)).format_line()
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError("fem file", str(path), f"a readable file ({exc.strerror or exc})") from None
    return parse_fem(text, source=str(path))


def parse_fem(text: str, source: str = "<text>") -> Geometry:
    """Parse .fem text. Malformed text raises InputError ("not a valid FEMM 4.2 magnetics file",
    the format line, the line and section, the field and what it must be); valid files with features
    the embedded solvers lack (axisymmetric, air-gap or skin-depth boundaries, mixed boundaries with
    c0 or c1 != 0, point properties with a current or potential, a Dirichlet phase in a static file,
    at a frequency: laminations on edge and conducting wire LamTypes) raise InputError naming them."""
    rd = _FemReader(text, source)
    header, items, seen = rd.read()

    # header
    def hval(key, default):
        return header.get(key, (default, rd.fmt[0]))

    v, ln = hval("[problemtype]", "planar")
    if _val(v).lower() != "planar":
        raise rd.bad(ln, "header", "[ProblemType]", _val(v), "planar (the embedded solvers are planar)",
                     supported=True)
    v, ln = hval("[frequency]", "0")
    freq = rd.number(v or "0", ln, "header", "[Frequency]", lo=0.0, allowed=">= 0 Hz (0: magnetostatics)")
    v, ln = hval("[lengthunits]", "inches")
    units = _val(v).lower()
    if units not in UNIT_TO_M:
        raise rd.bad(ln, "header", "[LengthUnits]", units, f"one of {sorted(UNIT_TO_M)}")
    s = UNIT_TO_M[units]
    v, ln = hval("[depth]", "1")
    depth = rd.number(v or "1", ln, "header", "[Depth]", lo=0.0, lo_open=True, hi=MAX_COORDINATE_M / s)
    v, ln = hval("[coordinates]", "cartesian")
    if _val(v).lower() not in ("cartesian", "polar", "0", "1"):
        raise rd.bad(ln, "header", "[Coordinates]", _val(v), "cartesian or polar")
    g = Geometry(depth=depth * s, comment=_val(hval("[comment]", "")[0]), frequency_hz=freq)

    def prop(it, key, where, default="0", **kw):
        val, line, written = it.keys.get(key, (default, it.line, key))
        return rd.number(val, line, where, written if key in it.keys else f"{key} (default)", **kw)

    def unique(kind, its, where_of):
        names = {}
        for it in its:
            if it.name in names:
                raise rd.bad(it.line, where_of(it), f"<{kind}Name>", it.name,
                             f"unique: also {kind.lower()} {names[it.name].index} on line {names[it.name].line}")
            names[it.name] = it
        return [it.name for it in its]

    # point properties: the solvers have no point currents or potentials
    pprops = items.get("[pointprops]", [])
    pp_active = set()
    for it in pprops:
        where = f"[PointProps] point property {it.index} '{it.name}'"
        for key in ("<i_re>", "<i_im>", "<a_re>", "<a_im>"):
            if prop(it, key, where) != 0.0:
                pp_active.add(it.index)

    # boundaries
    bdry = items.get("[bdryprops]", [])
    bnames = unique("Bdry", bdry, lambda it: f"[BdryProps] boundary {it.index}")
    for it in bdry:
        name = it.name
        where = f"[BdryProps] boundary {it.index} '{name}'"
        t = prop(it, "<bdrytype>", where, integer=True)
        if t == 2:
            c0, c1 = prop(it, "<c0>", where), prop(it, "<c1>", where)
            if c0 != 0.0 or c1 != 0.0:
                raise rd.bad(it.line, where, "mixed <c0>, <c1>", (c0, c1),
                             "0, 0 (only the natural Neumann condition is supported)", supported=True)
            kind = "neumann"
        elif t in _BDRY_KIND:
            kind = _BDRY_KIND[t]
        else:
            raise rd.bad(it.keys.get("<bdrytype>", ("", it.line))[1], where, "<BdryType>", t,
                         "0, 2 (c0 = c1 = 0), 4 or 5", supported=0 <= t <= 7)
        phi = prop(it, "<phi>", where) if kind == "dirichlet" else 0.0
        if phi != 0.0 and freq == 0.0:
            raise rd.bad(it.keys["<phi>"][1], where, "<Phi>", phi, "0 (a phase needs [Frequency] > 0)",
                         supported=True)
        # FEMM's A_1, A_2 multiply coordinates in the file's length units: convert to metres
        g.add_boundary(Boundary(name, kind, prop(it, "<a_0>", where), prop(it, "<a_1>", where) / s,
                                prop(it, "<a_2>", where) / s, phi))

    # block properties
    blocks = items.get("[blockprops]", [])
    mnames = unique("Block", blocks, lambda it: f"[BlockProps] block {it.index}")
    for it in blocks:
        name = it.name
        where = f"[BlockProps] block {it.index} '{name}'"
        linear = not it.bh
        mu_rule = (f"a relative permeability >= {MIN_MU_R:g}" if linear else
                   "a finite number >= 0 (unused: the block has a B-H curve)")
        mat = Material(
            name=name,
            mu_x=prop(it, "<mu_x>", where, "1", lo=MIN_MU_R if linear else 0.0, allowed=mu_rule),
            mu_y=prop(it, "<mu_y>", where, "1", lo=MIN_MU_R if linear else 0.0, allowed=mu_rule),
            H_c=prop(it, "<h_c>", where), bh=tuple(it.bh),
            sigma_ms=prop(it, "<sigma>", where, lo=0.0),
            J_a_per_m2=prop(it, "<j_re>", where) * 1e6,
            lam_fill=prop(it, "<lamfill>", where, "1", lo=0.0, lo_open=True, hi=1.0),
            lam_type=prop(it, "<lamtype>", where, lo=0, integer=True),
            J_im_a_per_m2=prop(it, "<j_im>", where) * 1e6,
            lam_thickness=prop(it, "<d_lam>", where, lo=0.0) * 1e-3,
            phi_h_deg=prop(it, "<phi_h>", where),
            phi_hx_deg=prop(it, "<phi_hx>", where),
            phi_hy_deg=prop(it, "<phi_hy>", where),
            n_strands=prop(it, "<nstrands>", where, lo=0, integer=True),
            wire_d=prop(it, "<wired>", where, lo=0.0) * 1e-3)
        if freq > 0.0:
            check_harmonic_material(mat, f"{source} line {it.line} ({where}):")
        hca = prop(it, "<h_cangle>", where)
        if hca != 0.0:
            raise rd.bad(it.keys["<h_cangle>"][1], where, "<H_cAngle>", hca, "0", supported=True)
        g.add_material(mat)

    # circuits
    circs = items.get("[circuitprops]", [])
    cnames = unique("Circuit", circs, lambda it: f"[CircuitProps] circuit {it.index}")
    for it in circs:
        where = f"[CircuitProps] circuit {it.index} '{it.name}'"
        ctype = prop(it, "<circuittype>", where, "1", lo=0, hi=1, integer=True, allowed="0 (parallel) or 1 (series)")
        g.add_circuit(Circuit(it.name, prop(it, "<totalamps_re>", where), ctype == 1,
                              prop(it, "<totalamps_im>", where)))

    # geometry records
    def field(it, k, section, name, default=None, **kw):
        if k >= len(it.tokens):
            return default
        return rd.number(it.tokens[k], it.line, f"{section} {it.kind} {it.index}", name, **kw)

    def coordinate(it, k, section, name):
        return field(it, k, section, name, lo=-MAX_COORDINATE_M / s, hi=MAX_COORDINATE_M / s,
                     allowed=f"a finite coordinate within +-{MAX_COORDINATE_M / s:g} {units}") * s

    def ref(it, k, section, name, names, what):
        t = field(it, k, section, name, 0, lo=0, hi=len(names), integer=True,
                  allowed=f"an integer in [0, {len(names)}]: 0 = none, else one of the {len(names)} {what}")
        return None if t == 0 else names[t - 1]

    npts = len(items["[numpoints]"])
    where_at = {}
    for it in items["[numpoints]"]:
        x, y = coordinate(it, 0, "[NumPoints]", "x"), coordinate(it, 1, "[NumPoints]", "y")
        pp = field(it, 2, "[NumPoints]", "pointprop", 0, lo=0, hi=len(pprops), integer=True,
                   allowed=f"an integer in [0, {len(pprops)}] (the point properties)")
        if pp in pp_active:
            raise rd.bad(it.line, f"[NumPoints] point {it.index}", "pointprop", pp,
                         "0 or a point property without current or potential (point sources are not modelled)",
                         supported=True)
        key = (round(x / g.merge_tol), round(y / g.merge_tol))
        if key in where_at:
            raise rd.bad(it.line, f"[NumPoints] point {it.index}", "x, y", (x / s, y / s),
                         f"distinct from point {where_at[key].index} on line {where_at[key].line}")
        where_at[key] = it
        g.nodes.append((x, y))
        g.node_groups.append(field(it, 3, "[NumPoints]", "group", 0, integer=True))

    def ends(it, section):
        n0 = field(it, 0, section, "n0", lo=0, hi=npts - 1, integer=True,
                   allowed=f"a point index in [0, {npts - 1}]" if npts else "a point index (there are no points)")
        n1 = field(it, 1, section, "n1", lo=0, hi=npts - 1, integer=True,
                   allowed=f"a point index in [0, {npts - 1}]" if npts else "a point index (there are no points)")
        if n0 == n1:
            raise rd.bad(it.line, f"{section} {it.kind} {it.index}", "n0, n1", (n0, n1), "two different points")
        return n0, n1

    for it in items["[numsegments]"]:
        n0, n1 = ends(it, "[NumSegments]")
        msl = field(it, 2, "[NumSegments]", "MaxSideLength", -1.0, hi=MAX_COORDINATE_M / s)
        g.segments.append(Segment(n0, n1, msl * s if msl > 0 else -1.0,
                                  ref(it, 3, "[NumSegments]", "bdry", bnames, "boundaries"),
                                  bool(field(it, 4, "[NumSegments]", "hidden", 0, integer=True)),
                                  field(it, 5, "[NumSegments]", "group", 0, integer=True)))
    for it in items["[numarcsegments]"]:
        n0, n1 = ends(it, "[NumArcSegments]")
        ang = field(it, 2, "[NumArcSegments]", "ArcAngle", lo=0.0, lo_open=True, hi=180.0,
                    allowed="an angle in (0, 180] deg")
        seg = field(it, 3, "[NumArcSegments]", "MaxSegDeg", 1.0, lo=0.0, lo_open=True, hi=180.0,
                    allowed="an angle in (0, 180] deg")
        g.arcs.append(ArcSegment(n0, n1, ang, seg, ref(it, 4, "[NumArcSegments]", "bdry", bnames, "boundaries"),
                                 bool(field(it, 5, "[NumArcSegments]", "hidden", 0, integer=True)),
                                 field(it, 6, "[NumArcSegments]", "group", 0, integer=True)))
    for it in items.get("[numholes]", []):
        g.labels.append(BlockLabel(coordinate(it, 0, "[NumHoles]", "x"), coordinate(it, 1, "[NumHoles]", "y"),
                                   NO_MESH, group=field(it, 2, "[NumHoles]", "group", 0, integer=True)))
    labs = items["[numblocklabels]"]
    if not labs:
        raise rd.bad(seen["[numblocklabels]"], "[NumBlockLabels]", "[NumBlockLabels]", 0,
                     "at least 1 (a block label in each region to solve)", supported=True)
    for it in labs:
        sec = "[NumBlockLabels]"
        x, y = coordinate(it, 0, sec, "x"), coordinate(it, 1, sec, "y")
        mat = ref(it, 2, sec, "blockprop", mnames, "block properties")
        ms = field(it, 3, sec, "MeshSize", -1.0, hi=MAX_COORDINATE_M / s)
        ext = field(it, 8, sec, "isexternal", 0, integer=True)
        g.labels.append(BlockLabel(
            x, y, mat, ms * s if ms > 0 else -1.0, ref(it, 4, sec, "circuit", cnames, "circuits"),
            field(it, 5, sec, "magdir", 0.0), field(it, 6, sec, "group", 0, integer=True),
            field(it, 7, sec, "turns", 1, integer=True), bool(ext & 1),
            it.tokens[9] if len(it.tokens) > 9 else ""))
    return g
