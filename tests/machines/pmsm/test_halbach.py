"""Halbach arrays on inner surface-PM rotors (topology spm, rotor.halbach_segments 2-5): the design,
its FEA section and its MEC (the tooth-coil network's layered rotor) against the embedded FEA.

References: the embedded 2-D FEA of the same design (run here); the magnet array's geometry (its
segments' directions, motoropt.geometry.magnet_array); exact annulus volumes."""

import copy
import dataclasses
import math

import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.magnetics.analytic import compute_fluxmap
from motoropt.magnetics.fea.machine import build_section


def _design(case, **over):
    v = copy.deepcopy(case.nominal())
    v["rotor"].update(pole_arc_ratio=None, halbach_segments=4)
    for k, val in over.items():
        sec, key = k.split("__")
        v[sec][key] = val
    return design_from_values(v, case.free)


def test_inner_halbach_design(multipole_case):
    """The multipole bus motor with a 4-segment Halbach array: the magnets fill the ring (volume of
    the annulus), 2p x 4 pieces for the thermal body, the MEC uses the layered rotor; the FEA draws
    one block per segment with the array's direction (pole 0's d-axis segment along +r)."""
    d = _design(multipole_case)
    r = d.rotor
    assert r.halbach_segments == 4 and r.magnets_per_pole == 4
    assert r.magnet_volume == pytest.approx(math.pi * (r.R_magnet**2 - r.R_core**2) * r.L, rel=1e-12)
    assert d.rotor_heat_body().count == 2 * d.p * 4
    assert d.mec_inputs().magnet_layer is not None
    mags = [lab for lab in build_section(d, 0.0).geometry.labels if lab.material == "magnet"]
    d_axis = [lab for lab in mags if abs(math.atan2(lab.y, lab.x)) < 1e-3]
    assert len(d_axis) == 1 and d_axis[0].magdir_deg == pytest.approx(0.0, abs=1e-9) and not d_axis[0].magdir_expr


def test_inner_halbach_needs_tooth_coils(prius_case):
    """A Halbach array with a distributed winding (the Prius stator as an SPM): InputError naming
    rotor.halbach_segments (the Halbach MEC is the tooth-coil network's)."""
    v = copy.deepcopy(prius_case.nominal())
    v["machine"]["topology"] = "spm"
    v["rotor"].update(halbach_segments=3, pole_arc_ratio=None, magnet_thickness_mm=5.0, shaft_diameter_mm=60.0)
    with pytest.raises(InputError) as e:
        design_from_values(v, prius_case.free)
    assert e.value.field == "rotor.halbach_segments"


@pytest.mark.slow
@pytest.mark.parametrize("n,tol", [(2, 0.05), (4, 0.07)])
def test_inner_halbach_mec_against_fea(multipole_case, n, tol):
    """The shipped multipole bus motor (48 slots / 40 poles, 6 mm magnets) with an n-segment Halbach
    array, 20 degC, network without end winding, against the embedded FEA (antiperiodic unit).
    Measured when written: n = 2: psi_PM -2.3 %, psi_d(-150, 0) -1.5 %, psi_d at (0, 150), (0, 300),
    (-150, 250) A -0.4, +4.3, +3.1 %, psi_q +1.2, -2.2, -4.3 %, torque -0.6, +4.4, -1.0 %; n = 4:
    psi_PM -0.9 %, psi_d(-150, 0) +1.8 %, psi_d +1.5, +4.8, +6.9 %, psi_q +3.2, -1.4, -2.9 %, torque
    +1.2, +4.9, +1.5 %. Asserted: every quantity within 5 % (n = 2) and 7 % (n = 4)."""
    from motoropt.magnetics.fea.fluxmap_fea import no_load, operating_point

    d = _design(multipole_case, rotor__halbach_segments=n)
    H, B = d.steel.bh_arrays()
    m = dataclasses.replace(d.mec_inputs(20.0), L_sigma=0.0)
    err = {}
    psi_pm = no_load(d, positions=6, T_magnet_c=20.0).psi_pm
    fm = compute_fluxmap(m, H, B, d.i_max, axes=((-150.0, 0.0), (0.0, 1.0)))
    err["psi_pm"] = fm.psi_d[1, 0] / psi_pm - 1
    f = operating_point(d, -150.0, 0.0, positions=3, T_magnet_c=20.0)
    err["psi_d(-150, 0)"] = fm.psi_d[0, 0] / f["psi_d_mean"] - 1
    for i_d, i_q in ((0.0, 150.0), (0.0, 300.0), (-150.0, 250.0)):
        f = operating_point(d, i_d, i_q, positions=3, T_magnet_c=20.0)
        fm = compute_fluxmap(m, H, B, d.i_max, axes=((i_d - 1.0, i_d), (0.0, i_q)))
        err[f"psi_d{i_d, i_q}"] = fm.psi_d[1, 1] / f["psi_d_mean"] - 1
        err[f"psi_q{i_d, i_q}"] = fm.psi_q[1, 1] / f["psi_q_mean"] - 1
        err[f"T{i_d, i_q}"] = fm.torque[1, 1] / f["torque_mean"] - 1
    assert len(err) == 11
    for k, e in err.items():
        assert abs(e) <= tol, (k, e)
