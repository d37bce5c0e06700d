"""The FEA-derived equivalent circuit of cage induction machines (issue 16, item 4): rotor tables in
the circuit kernels, FEA data -> CircuitParams, the provider the evaluation uses for
``[fea] fidelity = "fea"``, its disk cache, and an end-to-end evaluation of a small machine.
Each docstring states the reference and the tolerance."""

import copy
import dataclasses
import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.evaluation.pipeline import evaluate_design, fluxmap_provider, machine_model
from motoropt.machines.induction.circuit import rotor_branch, rotor_current, skin_factors
from motoropt.machines.induction.fea import (
    CageFEAData,
    CageGrid,
    FeaCageCircuits,
    MagnetisingCurve,
    _model_parts,
    cage_fea_data,
    fea_circuit_params,
    slip_points,
)
from motoropt.magnetics.fea.cage_section import CageMeshSpec
from motoropt.magnetics.fea.pipeline import FeaFluxMaps
from motoropt.magnetics.fea.settings import parse_fea
from tests import shipped


@pytest.fixture(scope="module")
def tesla(induction_design):
    return induction_design


def small_values():
    """A small 4-pole cage machine (36 slots, 28 bars: a one-pole sector of ~10k elements at mesh
    scale 2) derived from the Tesla-like case, with its vehicle and cycles."""
    v = copy.deepcopy(shipped.case("induction_traction").nominal())
    v["machine"]["name"] = "small cage test machine"
    v["stator"].update(outer_diameter_mm=160.0, bore_diameter_mm=100.0, stack_length_mm=80.0, slots=36,
                       slot_depth_mm=16.0, tooth_width_mm=4.0, slot_opening_mm=2.0)
    v["winding"].update(coil_pitch_slots=8, turns_per_coil=3, parallel_paths=1, strand_diameter_mm=0.8)
    v["induction"].update(rotor_bars=28, bar_width_mm=3.0, bar_height_mm=12.0, bar_opening_mm=1.5,
                          opening_height_mm=1.0, end_ring_height_mm=12.0, end_ring_width_mm=10.0, air_gap_mm=0.5,
                          shaft_diameter_mm=30.0)
    v["limits"].update(max_current_rms_a=250, max_speed_rpm=12000)
    v["map"].update(n_speed=20, n_torque=20)
    return v


def _with_tables(cp, x, I, R, L):
    return dataclasses.replace(cp, rotor_x=np.asarray(x, float), rotor_I=np.asarray(I, float),
                               rotor_R=np.asarray(R, float), rotor_L=np.asarray(L, float), source="fea")


def test_rotor_table_interpolation_and_continuation(tesla):
    """The kernels' table lookup (circuit._rotor_table through rotor_branch): a function of the form
    a + b ln x + c I + d I ln x is reproduced exactly by bilinear interpolation in (ln x, I) (1e-12);
    I_r outside the table is clamped; beyond the slip range the value continues from the nearest
    edge by the bar's Field skin-effect change R_bar (k_R(x) - k_R(x_e)), L_bar (k_X(x) - k_X(x_e))
    (exact, 1e-12); without tables (rotor_table() == [0]) rotor_branch is the analytic branch."""
    cp = tesla.circuit_params()
    x = np.array([2.0, 10.0, 40.0, 150.0])
    I = np.array([100.0, 400.0, 1200.0])

    def fR(xx, ii):
        return 2e-3 + 1e-4 * np.log(xx) + 1e-7 * ii + 1e-8 * ii * np.log(xx)

    def fL(xx, ii):
        return 3e-5 - 1e-6 * np.log(xx) - 2e-9 * ii

    XX, II = np.meshgrid(x, I)
    P = _with_tables(cp, x, I, fR(XX, II), fL(XX, II))
    rt = P.rotor_table()
    cv = P.pack()
    H, B = P.bh_H, P.bh_B
    for xx, ii in ((3.3, 150.0), (20.0, 700.0), (149.0, 1199.0), (2.0, 100.0)):
        R, L = rotor_branch(cv, rt, xx, ii, H, B)
        assert R == pytest.approx(fR(xx, ii), rel=1e-12) and L == pytest.approx(fL(xx, ii), rel=1e-12)
    assert rotor_branch(cv, rt, 20.0, 5000.0, H, B) == pytest.approx(rotor_branch(cv, rt, 20.0, 1200.0, H, B), rel=1e-12)
    assert rotor_branch(cv, rt, 20.0, 1.0, H, B) == pytest.approx(rotor_branch(cv, rt, 20.0, 100.0, H, B), rel=1e-12)
    for xx, xe in ((600.0, 150.0), (0.3, 2.0)):
        kR, kX = skin_factors(cp.xi_coeff * math.sqrt(xx))
        kRe, kXe = skin_factors(cp.xi_coeff * math.sqrt(xe))
        R, L = rotor_branch(cv, rt, xx, 400.0, H, B)
        assert R == pytest.approx(fR(xe, 400.0) + cp.R_bar * (kR - kRe), rel=1e-12)
        assert L == pytest.approx(fL(xe, 400.0) + cp.L_bar * (kX - kXe), rel=1e-12)
    assert tesla.circuit_params().rotor_table().tolist() == [0.0]
    kR, kX = skin_factors(cp.xi_coeff * math.sqrt(30.0))
    assert rotor_branch(cv, np.zeros(1), 30.0, 500.0, H, B) == pytest.approx(
        (cp.R_bar * kR + cp.R_rest, cp.L_bar * kX + cp.L_rc), rel=1e-12)
    # the torque equation's fixed point: 1.5 p R(x, I_r) I_r^2 / x = T (1e-9)
    I_r, R, _ = rotor_current(cv, rt, 20.0, 300.0, H, B)
    assert 1.5 * cp.p * R * I_r**2 / 20.0 == pytest.approx(300.0, rel=1e-9)
    with pytest.raises(ValueError):
        _with_tables(cp, x[::-1], I, fR(XX, II), fL(XX, II)).rotor_table()


def test_tables_sampled_from_the_analytic_branch_reproduce_the_analytic_model(tesla):
    """Plumbing check against the analytic model itself: rotor tables sampled from the analytic
    rotor branch (Field's factors; semi-closed slots, so no current dependence) on 24 slips from
    1e-3 to 3 x the breakdown slip give the same envelope (0.1 %) and operating points (efficiency
    within 0.0005, current within 0.2 %) as the analytic circuit: the residual is the table's
    interpolation in ln x, bounded by Field's curvature between the nodes."""
    cp = tesla.circuit_params()
    x_bd = (cp.R_bar + cp.R_rest) / (cp.L_bar + cp.L_rc)
    x = np.geomspace(1e-3 * x_bd, 3 * x_bd, 24)
    I = np.array([10.0, 2000.0])
    cv, H, B = cp.pack(), cp.bh_H, cp.bh_B
    RL = np.array([[rotor_branch(cv, np.zeros(1), xx, ii, H, B) for xx in x] for ii in I])
    lim = tesla.drive_limits()
    m_a = tesla.machine_model(limits=lim)
    m_t = tesla.machine_model(fluxmaps=lambda d, T=None: _with_tables(cp, x, I, RL[..., 0], RL[..., 1]), limits=lim)
    assert m_t.params.source == "fea"
    w = np.array([500.0, 4000.0, 9000.0, 15000.0]) * math.pi / 30
    ea, et = m_a.envelope(w), m_t.envelope(w)
    assert et["torque_motoring"] == pytest.approx(ea["torque_motoring"], rel=1e-3)
    assert et["torque_generating"] == pytest.approx(ea["torque_generating"], rel=1e-3)
    for rpm, T in ((2000.0, 150.0), (8000.0, 40.0), (12000.0, -30.0)):
        pa, pt = m_a.operating_point(rpm, T), m_t.operating_point(rpm, T)
        assert pt["motor_efficiency"] == pytest.approx(pa["motor_efficiency"], abs=5e-4)
        assert pt["current_rms_a"] == pytest.approx(pa["current_rms_a"], rel=2e-3)
        total = pt["p_mech_w"] + pt["losses_w"]["total"]
        assert pt["p_elec_w"] == pytest.approx(total, rel=1e-9)  # energy conservation with tables


GRID = CageGrid()


def _data_from_model(design, grid=GRID):
    """CageFEAData holding the analytic circuit's own values on the grid's points."""
    cp = design.circuit_params()
    L_ss2, L_ring = _model_parts(design, cp)
    slip = slip_points(design, grid)
    cur = np.array([[200.0, 600.0]] * slip.size)
    cv, H, B = cp.pack(), cp.bh_H, cp.bh_B
    I_r = cur * np.array([0.9, 0.95])
    R = np.zeros_like(cur)
    L = np.zeros_like(cur)
    for j, f in enumerate(slip):
        for c in range(2):
            r, ll = rotor_branch(cv, np.zeros(1), 2 * math.pi * f, I_r[j, c], H, B)
            R[j, c], L[j, c] = r - cp.R_rest, ll - L_ring
    i_m = np.array([20.0, 60.0, 120.0, 211.0, 400.0, 1000.0])
    psi_m = np.interp(i_m, cp.im_tab, cp.psi_tab)
    mc = MagnetisingCurve(i_m, psi_m, psi_m + L_ss2 * i_m, np.full(i_m.size, L_ss2), 1000)
    z = np.zeros_like(cur)
    return CageFEAData(slip, cur, I_r, R, L, R.copy(), z, z, z, z, z.astype(int), mc, 1000, 0.0, 0.0), cp


def test_fea_params_from_the_models_own_values_are_the_model(tesla):
    """Assembly of the FEA-derived circuit (fea_circuit_params) from data that hold the analytic
    circuit's own values (magnetising curve, 2-D stator leakage, 2-D rotor branch at the grid's
    points): L_ss equals the analytic L_ss (the end winding kept once; 1e-12); the magnetising
    table passes through the data points (PCHIP through them, 1e-9) and L_m0 is the first secant;
    the rotor tables equal the analytic branch at the nodes, ends included once (1e-12); the other
    parameters are the analytic ones."""
    data, cp = _data_from_model(tesla)
    P = fea_circuit_params(tesla, data)
    assert P.source == "fea" and P.L_ss == pytest.approx(cp.L_ss, rel=1e-12)
    mc = data.magnetising
    assert np.interp(mc.psi_m, P.psi_tab, P.im_tab) == pytest.approx(mc.i_m, rel=2e-2)  # linear between 64 nodes
    from scipy.interpolate import PchipInterpolator

    curve = PchipInterpolator(np.r_[0.0, mc.psi_m], np.r_[0.0, mc.i_m])
    assert P.im_tab == pytest.approx(curve(P.psi_tab), rel=1e-9, abs=1e-9)
    assert P.psi_tab[-1] == pytest.approx(mc.psi_m[-1], rel=1e-12)
    assert P.L_m0 == pytest.approx(mc.psi_m[0] / mc.i_m[0], rel=1e-12)
    cv, rt = P.pack(), P.rotor_table()
    for j, f in enumerate(data.slip_hz):
        for c in range(2):
            ref = rotor_branch(cv, np.zeros(1), 2 * math.pi * f, data.I_r[j, c], P.bh_H, P.bh_B)
            assert rotor_branch(cv, rt, 2 * math.pi * f, data.I_r[j, c], P.bh_H, P.bh_B) == pytest.approx(ref, rel=1e-12)
    for k in ("R_s", "R_bar", "R_rest", "ahs", "T_b0", "ring_fraction_dc", "i_bar_ratio"):
        assert getattr(P, k) == getattr(cp, k)


def test_provider_wiring_and_errors(tesla, prius_design):
    """The evaluation picks the family's FEA provider from [fea] fidelity (induction: the FEA
    circuit, PM: the FEA flux maps, both with the case's settings); a PM sector name is refused for a
    cage model (InputError naming fea.sector, before any solve); a provider that returns no circuit
    is refused by the induction design (InputError); fidelity "analytic" keeps the geometry's circuit."""
    assert fluxmap_provider(tesla) is None and machine_model(tesla).params.source == "analytic"
    s = parse_fea({"fidelity": "fea", "mesh_scale": 2.0})
    d = dataclasses.replace(tesla, specs=dataclasses.replace(tesla.specs, fea=s))
    prov = fluxmap_provider(d)
    assert isinstance(prov, FeaCageCircuits) and prov.settings == s
    assert isinstance(prius_design.fea_provider(s), FeaFluxMaps)
    with pytest.raises(InputError) as e:
        FeaCageCircuits(dataclasses.replace(s, sector="pole"))(tesla)
    assert e.value.field == "fea.sector"
    with pytest.raises(InputError):
        tesla.machine_model(fluxmaps=lambda dd, T=None: object())


def test_cache_round_trip(tesla, tmp_path, monkeypatch):
    """cage_fea_data caches the FEA data on disk keyed by the design, grid, mesh and sector: the
    second call loads (no computation) the same arrays (exact); another mesh scale is another file;
    a corrupt file is recomputed; cache=False neither reads nor writes."""
    import motoropt.machines.induction.fea as F

    monkeypatch.setenv("MOTOROPT_CACHE_DIR", str(tmp_path))
    calls = []
    data, _ = _data_from_model(tesla)

    def fake(design, grid=GRID, mesh=None, sector="auto"):
        calls.append(mesh.scale)
        return data

    monkeypatch.setattr(F, "compute_cage_fea_data", fake)
    a = cage_fea_data(tesla, mesh=CageMeshSpec(scale=2.0))
    b = cage_fea_data(tesla, mesh=CageMeshSpec(scale=2.0))
    assert calls == [2.0] and b.from_cache and not a.from_cache
    for k, v in a.arrays().items():
        assert np.array_equal(np.asarray(v), np.asarray(b.arrays()[k]))
    cage_fea_data(tesla, mesh=CageMeshSpec(scale=3.0))
    assert calls == [2.0, 3.0]
    files = sorted((tmp_path / "fea").glob("cage-*.npz"))
    assert len(files) == 2
    for f in files:
        f.write_bytes(b"not an npz")
    cage_fea_data(tesla, mesh=CageMeshSpec(scale=2.0))
    assert calls == [2.0, 3.0, 2.0]
    for f in files:
        f.unlink()
    cage_fea_data(tesla, mesh=CageMeshSpec(scale=2.0), cache=False)
    assert calls == [2.0, 3.0, 2.0, 2.0] and not list((tmp_path / "fea").glob("cage-*.npz"))


@pytest.mark.slow
def test_small_case_fidelity_fea_end_to_end(tmp_path, monkeypatch):
    """A small cage machine evaluated with [fea] fidelity = "fea" (mesh scale 2, default grid; ~20 s):
    the evaluation's model is the FEA-derived circuit; energy is conserved at an operating point
    (1e-9); KPIs are finite. Consistency with the analytic circuit where the two should agree:
    - rotor resistance (2-D, at the lower current of each slip: little saturation) vs Field's
      rectangular-bar formula (the bar in a slot with a neck): within 1.5 %;
    - rotor branch resistance vs the bar loss's P_bars / (1.5 |i_r|^2) at every point: within 1.5 %
      (the fundamental carries the rotor loss; slot harmonics add a little);
    - unsaturated magnetising inductance (first FEA point) vs the analytic magnetic circuit's secant
      at the same current: within 5 % (measured -2.0 %);
    - the cached second evaluation's model equals the first (same parameters)."""
    monkeypatch.setenv("MOTOROPT_CACHE_DIR", str(tmp_path))
    case = shipped.case("induction_traction")
    free = dict(case.free, fea={"fidelity": "fea", "mesh_scale": 2.0})
    d = design_from_values(small_values(), free)
    ev = evaluate_design(d)
    P = ev.model.params
    assert P.source == "fea" and P.rotor_x is not None
    for k in ("peak_torque_nm", "peak_power_kw", "max_speed_rpm"):
        assert math.isfinite(ev.kpis[k]) and ev.kpis[k] > 0
    assert 0.5 < ev.kpis["cycles"]["wltc3b"]["motor_efficiency"] < 1.0
    op = ev.model.operating_point(3000.0, 0.5 * ev.kpis["peak_torque_nm"])
    assert op["p_elec_w"] == pytest.approx(op["p_mech_w"] + op["losses_w"]["total"], rel=1e-9)
    data = d.fea_provider(d.specs.fea).data(d)
    assert data.from_cache
    cp = d.circuit_params()
    cv, H, B = cp.pack(), cp.bh_H, cp.bh_B
    _, L_ring = _model_parts(d, cp)
    for j, f in enumerate(data.slip_hz):
        R_model = rotor_branch(cv, np.zeros(1), 2 * math.pi * f, data.I_r[j, 0], H, B)[0] - cp.R_rest
        assert data.R_r[j, 0] == pytest.approx(R_model, rel=0.015)
    assert data.R_r == pytest.approx(data.R_r_loss, rel=0.015)
    mc = data.magnetising
    psi_model = np.interp(mc.i_m[0], cp.im_tab, cp.psi_tab)
    assert mc.psi_m[0] == pytest.approx(psi_model, rel=0.05)
    m2 = machine_model(d)
    assert m2.params.L_ss == P.L_ss and np.array_equal(m2.params.rotor_R, P.rotor_R)
