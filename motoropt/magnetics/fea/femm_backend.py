"""Drive FEMM 4.2 through pyfemm (``mi_*`` calls) from a :class:`~.geometry2d.Geometry`.

pyfemm talks to FEMM (on Linux through wine) and waits forever when FEMM does not answer, so every
call goes through :class:`FemmSession`, which runs it in a worker thread with a timeout and raises
:class:`FemmError` (a MotoroptError) saying what to do. ``femm_available()`` never hangs: it only
checks that pyfemm imports and that a FEMM executable (or wine) can be found, without starting FEMM.
Fallback when FEMM is absent: the embedded solver (``motoropt.magnetics.fea.solve_fem_file`` or
``build_problem`` + ``solve``), which reads the same .fem file.

``run_femm(geom, femm_module=...)`` builds the model (materials, boundaries, circuits, points,
segments, arcs, labels), saves the .fem, meshes, solves, and reads circuit currents/flux linkages
and optionally the weighted-stress-tensor torque of a group (FEMM's block integral 22). A fake module
recording the calls can be passed for testing.

Time-harmonic geometries (``geom.frequency_hz`` > 0, issue 16): mi_probdef gets the frequency;
materials carry their conductivity, lamination thickness (mm), hysteresis lags, strands; circuit
currents and Dirichlet phases are complex; the result has the keys of the embedded solver's
:func:`.harmonic.harmonic_summary`: frequency_hz, circuits {name: {current_a, voltage_v,
flux_linkage_wb}} as [re, im] (FEMM's mo_getcircuitproperties), losses_w {total, by_group} (block
integral 4, resistive, per group), iron_loss_w (block integral 3, hysteresis and lamination) and
torque_nm (block integral 22: FEMM's time-average weighted stress tensor torque).
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import math
import os
import shutil
import subprocess
import tempfile

from motoropt.errors import MotoroptError
from motoropt.magnetics.fea.geometry2d import NO_MESH, Geometry, arc_center
from motoropt.parallel import popen_dies_with_parent

FALLBACK = ("use the embedded solver instead: motoropt.magnetics.fea.solve_fem_file(path) "
            "or `motoropt fea solve FILE.fem`")


class FemmError(MotoroptError):
    """FEMM is missing, failed, or did not answer in time."""


def _femm_exe() -> str | None:
    """femm.exe in the wine prefix (WINEPREFIX or ~/.wine), or None."""
    prefix = os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine"))
    for sub in ("drive_c/femm42/bin/femm.exe", "drive_c/Program Files/femm42/bin/femm.exe",
                "drive_c/Program Files (x86)/femm42/bin/femm.exe"):
        if os.path.exists(os.path.join(prefix, sub)):
            return os.path.join(prefix, sub)
    return None


def femm_available() -> bool:
    """True when pyfemm imports and FEMM looks installed (never starts FEMM, never blocks)."""
    try:
        importlib.import_module("femm")
    except Exception:
        return False
    if os.name == "nt":
        return True
    return shutil.which("wine") is not None and _femm_exe() is not None


def _launch_femm(m):
    """Start FEMM under wine as a child that dies with motoropt, even on SIGKILL
    (:func:`motoropt.parallel.popen_dies_with_parent`), and point pyfemm's file link at it.
    pyfemm's own ``openfemm`` starts it with ``os.system("wine femm.exe -filelink &")``, a detached
    process that outlives motoropt. Returns the Popen."""

    exe = _femm_exe()
    d = os.path.dirname(exe)
    m.ifile, m.ofile = m.fixpath(d + "/ifile.txt"), m.fixpath(d + "/ofile.txt")
    for f in (m.ifile, m.ofile):
        if os.path.exists(f):
            os.unlink(f)
    return popen_dies_with_parent([shutil.which("wine"), exe, "-filelink"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class FemmSession:
    """Calls into a pyfemm-like module with a timeout per call (seconds)."""

    def __init__(self, module, timeout_s: float = 60.0):
        self.m = module
        self.timeout_s = float(timeout_s)
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="femm")

    def call(self, name: str, *args):
        fn = getattr(self.m, name, None)
        if fn is None:
            raise FemmError(f"pyfemm has no function {name}")
        fut = self._pool.submit(fn, *args)
        try:
            return fut.result(timeout=self.timeout_s)
        except cf.TimeoutError:
            raise FemmError(f"FEMM did not answer {name}{args!r} within {self.timeout_s:g} s "
                            f"(is FEMM/wine running?); {FALLBACK}") from None
        except FemmError:
            raise
        except Exception as exc:
            raise FemmError(f"FEMM call {name} failed: {exc}; {FALLBACK}") from None

    def close(self):
        self._pool.shutdown(wait=False, cancel_futures=True)


def _mm(v):
    return v * 1e3


def build_in_femm(s: FemmSession, geom: Geometry) -> None:
    """Issue the mi_* calls that draw ``geom`` (lengths in millimetres)."""
    geom = geom.split_at_nodes()
    geom.validate()
    s.call("newdocument", 0)
    s.call("mi_probdef", geom.frequency_hz, "millimeters", "planar", 1e-8, _mm(geom.depth), 30)
    for m in geom.materials.values():
        J = m.J_a_per_m2 * 1e-6 if m.J_im_a_per_m2 == 0.0 else complex(m.J_a_per_m2, m.J_im_a_per_m2) * 1e-6
        s.call("mi_addmaterial", m.name, m.mu_x, m.mu_y, m.H_c, J, m.sigma_ms, _mm(m.lam_thickness), m.phi_h_deg,
               m.lam_fill, m.lam_type, m.phi_hx_deg, m.phi_hy_deg, m.n_strands, _mm(m.wire_d))
        for B, H in m.bh:
            s.call("mi_addbhpoint", m.name, B, H)
    for b in geom.boundaries.values():
        fmt = {"dirichlet": 0, "neumann": 2, "periodic": 4, "antiperiodic": 5}[b.kind]
        # FEMM's A_1, A_2 multiply coordinates in drawing units (mm here)
        s.call("mi_addboundprop", b.name, b.a0, b.a1 * 1e-3, b.a2 * 1e-3, b.phi_deg, 0, 0, 0, 0, fmt, 0, 0)
    for c in geom.circuits.values():
        cur = c.current_a if c.current_im_a == 0.0 else complex(c.current_a, c.current_im_a)
        s.call("mi_addcircprop", c.name, cur, 1 if c.series else 0)
    for x, y in geom.nodes:
        s.call("mi_addnode", _mm(x), _mm(y))
    for sg in geom.segments:
        (x0, y0), (x1, y1) = geom.nodes[sg.n0], geom.nodes[sg.n1]
        s.call("mi_addsegment", _mm(x0), _mm(y0), _mm(x1), _mm(y1))
        xm, ym = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
        s.call("mi_selectsegment", _mm(xm), _mm(ym))
        s.call("mi_setsegmentprop", sg.boundary or "<None>", _mm(sg.max_side_length) if sg.max_side_length > 0 else 0,
               1 if sg.max_side_length <= 0 else 0, int(sg.hidden), sg.group)
        s.call("mi_clearselected")
    for a in geom.arcs:
        p0, p1 = geom.nodes[a.n0], geom.nodes[a.n1]
        s.call("mi_addarc", _mm(p0[0]), _mm(p0[1]), _mm(p1[0]), _mm(p1[1]), a.angle_deg, a.max_seg_deg)
        c = arc_center(p0, p1, a.angle_deg)
        r = math.hypot(p0[0] - c[0], p0[1] - c[1])
        am = math.atan2(p0[1] - c[1], p0[0] - c[0]) + math.radians(a.angle_deg) / 2
        s.call("mi_selectarcsegment", _mm(c[0] + r * math.cos(am)), _mm(c[1] + r * math.sin(am)))
        s.call("mi_setarcsegmentprop", a.max_seg_deg, a.boundary or "<None>", int(a.hidden), a.group)
        s.call("mi_clearselected")
    for lab in geom.labels:
        s.call("mi_addblocklabel", _mm(lab.x), _mm(lab.y))
        s.call("mi_selectlabel", _mm(lab.x), _mm(lab.y))
        auto = lab.mesh_size <= 0
        s.call("mi_setblockprop", NO_MESH if lab.material == NO_MESH else lab.material, 1 if auto else 0,
               0 if auto else _mm(lab.mesh_size), lab.circuit or "<None>", lab.magdir_expr or lab.magdir_deg,
               lab.group, lab.turns)
        s.call("mi_clearselected")


def _pair(z) -> list:
    z = complex(z)
    return [z.real, z.imag]


def _harmonic_results(s: FemmSession, geom: Geometry) -> dict:
    """FEMM's answers for a time-harmonic problem, in the keys of harmonic_summary (no torque)."""
    out = {"frequency_hz": float(geom.frequency_hz), "circuits": {}}
    for name in geom.circuits:
        I, V, psi = s.call("mo_getcircuitproperties", name)[:3]
        out["circuits"][name] = {"current_a": _pair(I), "voltage_v": _pair(V), "flux_linkage_wb": _pair(psi)}
    by = {}
    for gr in sorted({lab.group for lab in geom.labels if lab.material != NO_MESH}):
        s.call("mo_groupselectblock", int(gr))
        by[str(gr)] = float(complex(s.call("mo_blockintegral", 4)).real)
        s.call("mo_clearblock")
    out["losses_w"] = {"total": float(sum(by.values())), "by_group": by}
    s.call("mo_groupselectblock")
    out["iron_loss_w"] = float(complex(s.call("mo_blockintegral", 3)).real)
    s.call("mo_clearblock")
    return out


def run_femm(geom: Geometry, torque_group: int | None = None, femm_module=None, timeout_s: float = 120.0,
             workdir: str | None = None) -> dict:
    """Build, mesh, solve and post-process ``geom`` in FEMM; same keys as solve_fem_file (no mesh counts;
    a time-harmonic geometry: the keys of harmonic_summary).

    Raises FemmError (with the fallback) if FEMM is missing or does not answer within ``timeout_s``.
    """
    proc, quitting = None, False
    if femm_module is None:
        if not femm_available():
            raise FemmError(f"FEMM 4.2 / pyfemm not found; {FALLBACK}")
        femm_module = importlib.import_module("femm")
        if os.name != "nt":  # FEMM under wine: our child, so that it dies with us
            proc = _launch_femm(femm_module)
    s = FemmSession(femm_module, timeout_s)
    try:
        if proc is None:
            s.call("openfemm", 1)
        else:  # what pyfemm's openfemm(1) does once FEMM runs
            s.call("callfemm", "setcurrentdirectory(" + femm_module.quote(femm_module.fixpath(os.getcwd())) + ")")
        build_in_femm(s, geom)
        d = workdir or tempfile.mkdtemp(prefix="motoropt_femm_")
        path = os.path.join(d, "model.fem")
        s.call("mi_saveas", path)
        s.call("mi_createmesh")
        s.call("mi_analyze", 1)
        s.call("mi_loadsolution")
        if geom.frequency_hz > 0:
            out = _harmonic_results(s, geom)
        else:
            out = {"circuits": {}}
            for name in geom.circuits:
                props = s.call("mo_getcircuitproperties", name)
                out["circuits"][name] = {"current_a": float(props[0]), "flux_linkage_wb": float(props[2])}
        if torque_group is not None:
            s.call("mo_groupselectblock", int(torque_group))
            out["torque_nm"] = float(complex(s.call("mo_blockintegral", 22)).real)
            s.call("mo_clearblock")
            if geom.frequency_hz > 0:
                out["torque_method"] = "weighted Maxwell stress tensor, time average (FEMM block integral 22)"
        s.call("closefemm")
        quitting = True
        out["fem_file"] = path
        return out
    finally:
        s.close()
        if proc is not None:  # closefemm asked FEMM to quit: give it 5 s; on an error end it at once
            try:
                proc.wait(timeout=5.0 if quitting else 0.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
