"""pyfemm backend for time-harmonic problems (issue 16): the mi_* calls carry the frequency and the
harmonic properties, and FEMM's complex answers come back in the embedded solver's keys. FEMM is
replaced by a fake module that records the calls (as tests/test_fea_femm_backend.py)."""

import pytest

from motoropt.magnetics.fea import Boundary, Circuit, Geometry, Material
from motoropt.magnetics.fea.femm_backend import femm_available, run_femm


class FakeFemmAC:
    """Records calls; answers like FEMM does at a frequency (complex circuit properties, block
    integrals: 3 iron loss, 4 resistive loss per selected group, 22 torque)."""

    def __init__(self):
        self.calls = []
        self.group = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def fn(*args):
            self.calls.append((name, args))
            if name == "mo_getcircuitproperties":
                return [3 + 1j, 0.5 + 2j, 0.01 - 0.002j]
            if name == "mo_groupselectblock":
                self.group = args[0] if args else "all"
            if name == "mo_blockintegral":
                return {3: 0.25 + 0j, 4: {1: 2.0 + 0j, 2: 0.5 + 0j}.get(self.group, 0.0), 22: 1.5 + 0j}[args[0]]
            return None

        return fn


def ac_geometry():
    g = Geometry(depth=0.05, frequency_hz=60.0)
    g.add_material(Material("air"))
    g.add_material(Material("lam", 2000, 2000, sigma_ms=2.0, lam_thickness=0.35e-3, lam_fill=0.96,
                            phi_hx_deg=5.0, phi_hy_deg=6.0))
    g.add_material(Material("bar", sigma_ms=35.0, J_a_per_m2=1e6, J_im_a_per_m2=-2e6))
    g.add_circuit(Circuit("c1", 3.0, True, 1.0))
    g.add_boundary(Boundary("A0", "dirichlet", a0=0.0, phi_deg=30.0))
    g.add_circle((0, 0), 0.01, 10.0, boundary="A0")
    g.add_polyline([(-0.002, -0.002), (0.002, -0.002), (0.002, 0.002), (-0.002, 0.002)], closed=True, group=1)
    g.add_label(0, 0, "bar", 1e-3, circuit="c1", turns=1, group=1)
    g.add_label(0.006, 0, "lam", group=2)
    return g


def test_harmonic_calls_and_keys(tmp_path):
    """mi_probdef(60 Hz, mm, planar, 1e-8, depth 50 mm, 30); mi_addmaterial(name, mu_x, mu_y, H_c,
    J (complex MA/m^2), sigma MS/m, d_lam mm, Phi_hmax, fill, LamType, Phi_hx, Phi_hy, strands,
    wire mm) in pyfemm's order; the complex circuit current and the Dirichlet phase; the answers:
    circuits as [re, im], resistive loss per group (block integral 4) and in total, iron loss
    (block integral 3), time-average torque (block integral 22) with its method."""
    fake = FakeFemmAC()
    out = run_femm(ac_geometry(), torque_group=1, femm_module=fake, workdir=str(tmp_path))
    calls = dict((n, a) for n, a in fake.calls if n in ("mi_probdef",))
    assert calls["mi_probdef"] == (60.0, "millimeters", "planar", 1e-8, pytest.approx(50.0), 30)
    mats = {a[0]: a for n, a in fake.calls if n == "mi_addmaterial"}
    assert mats["lam"] == ("lam", 2000, 2000, 0.0, 0.0, 2.0, pytest.approx(0.35), 0.0, 0.96, 0, 5.0, 6.0, 0, 0.0)
    assert mats["bar"][4] == pytest.approx(1.0 - 2.0j) and mats["bar"][5] == 35.0
    assert ("mi_addcircprop", ("c1", 3 + 1j, 1)) in fake.calls
    bd = [a for n, a in fake.calls if n == "mi_addboundprop"][0]
    assert bd[0] == "A0" and bd[4] == 30.0 and bd[9] == 0
    assert out["frequency_hz"] == 60.0
    assert out["circuits"]["c1"] == {"current_a": [3.0, 1.0], "voltage_v": [0.5, 2.0],
                                     "flux_linkage_wb": [0.01, -0.002]}
    assert out["losses_w"] == {"total": 2.5, "by_group": {"1": 2.0, "2": 0.5}}
    assert out["iron_loss_w"] == 0.25
    assert out["torque_nm"] == 1.5 and "time average" in out["torque_method"]


def test_static_calls_unchanged(tmp_path):
    """A magnetostatic geometry still gets mi_probdef(0, ...) and the static keys only."""
    g = ac_geometry()
    g.frequency_hz = 0.0

    class FakeDC(FakeFemmAC):
        def __getattr__(self, name):
            fn = super().__getattr__(name)
            if name == "mo_getcircuitproperties":
                return lambda *a: (3.0, 0.0, 0.0123)
            if name == "mo_blockintegral":
                return lambda *a: 4.5
            return fn

    fake = FakeDC()
    out = run_femm(g, torque_group=1, femm_module=fake, workdir=str(tmp_path))
    assert [a for n, a in fake.calls if n == "mi_probdef"][0][0] == 0.0
    assert set(out) == {"circuits", "torque_nm", "fem_file"}
    assert out["circuits"]["c1"] == {"current_a": 3.0, "flux_linkage_wb": 0.0123}


@pytest.mark.skipif(not femm_available(), reason="FEMM 4.2 + pyfemm (and wine on Linux) not installed here")
def test_real_femm_deep_bar_matches_embedded(tmp_path):  # pragma: no cover - needs FEMM
    """With FEMM installed: FEMM's own solution of the deep-bar problem (xi = 2) gives the circuit
    voltage and the resistive loss of the embedded solver within 1 %."""
    from motoropt.magnetics.fea.harmonic import build_harmonic_problem, harmonic_summary, solve_harmonic

    from .test_fea_harmonic import _deep_bar

    g = _deep_bar(2.0)
    out = run_femm(g, workdir=str(tmp_path))
    ref = harmonic_summary(solve_harmonic(build_harmonic_problem(g)))
    v, vr = complex(*out["circuits"]["bar"]["voltage_v"]), complex(*ref["circuits"]["bar"]["voltage_v"])
    assert abs(v - vr) < 0.01 * abs(vr)
    assert out["losses_w"]["total"] == pytest.approx(ref["losses_w"]["total"], rel=0.01)
