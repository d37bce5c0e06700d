"""pyfemm backend: the generated mi_* call sequence (recorded by a fake femm module), timeouts, and
FEMM detection. Real-FEMM runs are skipped when FEMM is absent."""

import threading
import time

import pytest

from motoropt.magnetics.fea import Boundary, Circuit, Geometry, Material
from motoropt.magnetics.fea.femm_backend import FemmError, FemmSession, femm_available, run_femm


class FakeFemm:
    """Records every call; answers the post-processor queries with fixed numbers."""

    def __init__(self, hang_on=None):
        self.calls = []
        self.hang_on = hang_on
        self.release = threading.Event()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def fn(*args):
            self.calls.append((name, args))
            if name == self.hang_on:
                self.release.wait(5.0)
            if name == "mo_getcircuitproperties":
                return (3.0, 0.0, 0.0123)
            if name == "mo_blockintegral":
                return 4.5
            return None

        return fn


def small_geometry():
    g = Geometry(depth=0.05)
    g.add_material(Material("air"))
    g.add_material(Material("iron", bh=((0, 0), (1.0, 100.0), (1.8, 10000.0))))
    g.add_circuit(Circuit("c1", 3.0))
    g.add_boundary(Boundary("A0"))
    g.add_circle((0, 0), 0.01, 10.0, boundary="A0")
    g.add_polyline([(-0.002, -0.002), (0.002, -0.002), (0.002, 0.002), (-0.002, 0.002)], closed=True, group=1)
    g.add_label(0, 0, "iron", 1e-3, circuit="c1", turns=20, group=1)
    g.add_label(0.006, 0, "air")
    return g


def test_mi_call_sequence_recorded(tmp_path):
    """The FEMM model is built with the documented pyfemm API: newdocument(0), mi_probdef in mm,
    one mi_addmaterial per material with its BH points, boundary 0 = prescribed A, series circuit,
    all nodes, segments with properties, arcs (2 half circles), labels with mesh size in mm, circuit
    and turns; then save, mesh, analyse, load, circuit properties and block integral 22 (torque)."""
    fake = FakeFemm()
    out = run_femm(small_geometry(), torque_group=1, femm_module=fake, workdir=str(tmp_path))
    names = [c[0] for c in fake.calls]
    assert names[:3] == ["openfemm", "newdocument", "mi_probdef"]
    assert fake.calls[2][1] == (0, "millimeters", "planar", 1e-8, pytest.approx(50.0), 30)
    assert names.count("mi_addmaterial") == 2 and names.count("mi_addbhpoint") == 3
    assert ("mi_addboundprop", ("A0", 0.0, 0.0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0)) in fake.calls
    assert ("mi_addcircprop", ("c1", 3.0, 1)) in fake.calls
    assert names.count("mi_addsegment") == 4 and names.count("mi_addarc") == 2
    blk = [c[1] for c in fake.calls if c[0] == "mi_setblockprop"]
    assert blk[0] == ("iron", 0, pytest.approx(1.0), "c1", 0.0, 1, 20)
    assert blk[1][:4] == ("air", 1, 0, "<None>")
    tail = names[names.index("mi_saveas"):]
    assert tail[:4] == ["mi_saveas", "mi_createmesh", "mi_analyze", "mi_loadsolution"]
    assert ("mo_groupselectblock", (1,)) in fake.calls and ("mo_blockintegral", (22,)) in fake.calls
    assert out["circuits"]["c1"] == {"current_a": 3.0, "flux_linkage_wb": 0.0123}
    assert out["torque_nm"] == 4.5


def test_hanging_femm_times_out_with_fallback():
    """A FEMM that never answers: the call returns FemmError after the timeout (0.3 s here), naming
    the call and the embedded-solver fallback, instead of blocking forever."""
    fake = FakeFemm(hang_on="mi_analyze")
    t0 = time.perf_counter()
    with pytest.raises(FemmError, match="mi_analyze.*embedded solver"):
        run_femm(small_geometry(), femm_module=fake, timeout_s=0.3)
    assert time.perf_counter() - t0 < 3.0
    fake.release.set()


def test_session_wraps_errors():
    """An exception inside a pyfemm call becomes FemmError with the call named."""
    class Broken:
        def openfemm(self, *a):
            raise RuntimeError("wine: cannot find femm.exe")
    s = FemmSession(Broken(), 1.0)
    with pytest.raises(FemmError, match="openfemm failed: wine"):
        s.call("openfemm", 1)
    s.close()


def test_femm_available_does_not_hang():
    """Detection returns a bool quickly (no FEMM start)."""
    t0 = time.perf_counter()
    assert isinstance(femm_available(), bool)
    assert time.perf_counter() - t0 < 2.0


@pytest.mark.skipif(not femm_available(), reason="FEMM 4.2 + pyfemm (and wine on Linux) not installed here")
def test_real_femm_matches_embedded(tmp_path):  # pragma: no cover - needs FEMM
    """With FEMM installed: FEMM's flux linkage equals the embedded solver's within 1 %."""
    from motoropt.magnetics.fea import build_problem, flux_linkage, solve
    g = small_geometry()
    out = run_femm(g, workdir=str(tmp_path))
    psi = flux_linkage(solve(build_problem(g)))["c1"]
    assert out["circuits"]["c1"]["flux_linkage_wb"] == pytest.approx(psi, rel=0.01)
