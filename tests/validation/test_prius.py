"""The 2004 Toyota Prius traction motor (cases/prius2004.toml) against public measurements.

References (numbers copied here with their sources):
- back-EMF: ORNL/TM-2004/247 Table 3.4 (oil at 25 degC), line-to-line V rms vs rpm;
- torque vs current angle at 250 A peak, 2000 rpm: Yang et al., IEMDC 2013 (as used in pyleecan's
  validation);
- efficiency points: ORNL/TM-2006/423 Table B-1 (15 of its 428 points; motor efficiency P_mech/P_ac,
  stator temperature per point).
Each test states the accuracy the analytic model reaches; the issue's targets (torque and back-EMF
within 5 %, efficiency within 1.5 points) are recorded as strict xfails while they are not reached,
so that reaching them turns the suite red until the expectation is updated.
"""

import dataclasses
import math

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator

from motoropt.drive.control import operating_point

EMF_RPM = [502, 1000, 1502, 1999, 2501, 2999, 3501, 3999, 4501, 4999, 5500, 5998]
EMF_V_LL_RMS = [42.0, 85.7, 132.3, 181.6, 221.8, 269.3, 315.7, 354.6, 405.5, 440.4, 503.4, 539.8]
YANG_ANGLE = [60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170]
YANG_TORQUE = [79, 125, 160, 192, 237, 281, 319, 343, 353, 332, 266, 164]
# speed_rpm, torque_Nm, eta_motor, t_stator_C   (ORNL/TM-2006/423 Table B-1; rows >= 300 N m ran
# with 0 degC coolant and their electrical columns are flagged unreliable by the report)
ORNL_POINTS = [
    (303, 20.2, 0.836, 58.6), (503, 148.8, 0.832, 125.6), (905, 109.5, 0.901, 104.5),
    (1104, 59.4, 0.917, 70.6), (1306, 89.6, 0.925, 83.0), (1704, 129.5, 0.929, 100.8),
    (1904, 249.0, 0.885, 193.8), (2102, 217.8, 0.897, 180.7), (2329, 197.7, 0.909, 197.6),
    (3004, 69.1, 0.932, 97.4), (3409, 119.2, 0.893, 140.8), (4204, 59.8, 0.901, 106.6),
    (5406, 59.9, 0.864, 119.8),
]


@pytest.fixture(scope="module")
def design(prius_design):
    return prius_design


@pytest.fixture(scope="module")
def emf_ratio(design):
    """Model / measured line-to-line back-EMF at 25 degC magnets, per speed."""
    fm = design.mec_fluxmap(25.0)
    w = np.array(EMF_RPM) * 2 * math.pi / 60 * design.p
    model = fm.psi_pm * w * math.sqrt(1.5)  # amplitude-invariant: V_ll,rms = sqrt(3/2) w psi
    return model / np.array(EMF_V_LL_RMS)


@pytest.fixture(scope="module")
def torque_angle(design):
    fm = design.mec_fluxmap(20.0)
    fd = RegularGridInterpolator((fm.i_d, fm.i_q), fm.psi_d)
    fq = RegularGridInterpolator((fm.i_d, fm.i_q), fm.psi_q)
    out = []
    for a in YANG_ANGLE:
        i_d, i_q = 250 * math.cos(math.radians(a)), 250 * math.sin(math.radians(a))
        i_d = max(i_d, fm.i_d[0])
        if i_d > fm.i_d[-1]:
            out.append(np.nan)
            continue
        pd, pq = fd([i_d, i_q])[0], fq([i_d, i_q])[0]
        out.append(1.5 * design.p * (pd * i_q - pq * i_d))
    return np.array(out)


def test_back_emf_is_line_to_line_and_linear(emf_ratio):
    """The ORNL EMF is proportional to speed (model/measured constant to +-5 % over 500-6000 rpm),
    and the line-to-line reading is the physical one: read as phase voltage the measured EMF would
    need a flux linkage ~1.7x the model's."""
    assert np.ptp(emf_ratio) / np.mean(emf_ratio) < 0.10
    assert 0.8 < np.mean(emf_ratio) < 1.3
    assert np.mean(emf_ratio) / math.sqrt(3) < 0.8


def test_back_emf_accuracy_reached(emf_ratio):
    """Reached: the MEC's EMF is 22-35 % above ORNL's; the embedded FEA of the same geometry and magnet is
    ~19 % above too (tests/validation/test_validate_prius.py). The rotor bridges and centre post are not the
    cause: an independent trace of the 2004 lamination (digital-twin-distiller Prius2004_Rotor_SB.dxf)
    shows one V pocket without a post and 1.42 mm bridges, as pyleecan's 1.5 mm (a 3 mm post would remove
    the gap in the FEA, tests/validation/test_validate_prius.py). The magnet grade (Br 1.24 T, pyleecan's
    assumption) is not published; 3-D end leakage and the magnet length (83.1 vs 83.82 mm, -0.9 %) are
    the remaining suspects. No remanence is fitted to the EMF."""
    assert 1.0 < np.mean(emf_ratio) < 1.30 and np.max(emf_ratio) < 1.35


@pytest.mark.xfail(strict=True, reason="target not reached: back-EMF within 5 % of ORNL (MEC +22..+35 %; the magnet "
                                       "grade is not published, the lamination trace rules out the bridges)")
def test_back_emf_target(emf_ratio):
    assert np.all(np.abs(emf_ratio - 1) < 0.05)


def test_torque_vs_current_angle_shape(torque_angle):
    """Reluctance torque moves the maximum beyond 90 deg: the model's best angle at 250 A lies within
    10 deg of the measured 140 deg; torque rises from 90 to 130 deg and falls from 150 to 170 deg as
    measured (angles below 90 deg need i_d > 0 beyond the flux map and are not evaluated)."""
    best = YANG_ANGLE[int(np.nanargmax(torque_angle))]
    assert abs(best - 140) <= 10
    assert np.all(np.diff(torque_angle[3:8]) > 0)
    assert np.all(np.diff(torque_angle[9:]) < 0)


def test_torque_accuracy_reached_up_to_140_degrees(torque_angle):
    """Reached from 90 to 140 deg: 15-25 % above Yang et al. (measured: +22 % at 90, +17 % at 120, +18 % at
    140 deg). The excess follows the magnet flux (the MEC's back-EMF is +25 % above ORNL's, see above): at
    90 deg the torque is the magnet torque 1.5 p psi_d i_q. With pyleecan's wider slots (216 mm^2, stator
    core 17 % below ORNL's measured mass) the teeth saturated early and hid this (within 5 % then); the
    slot traced from the lamination (143 mm^2, core within 5 % of ORNL's 19.05 kg) no longer does."""
    ref = np.array(YANG_TORQUE)
    err = torque_angle[3:9] / ref[3:9] - 1
    assert np.all(err > 0.10) and np.all(err < 0.25)


def test_torque_accuracy_reached_beyond_140_degrees(torque_angle):
    """Reached at 150-170 deg (deep negative i_d): within +40 % of Yang et al. (measured +22, +36, +37 %): the
    magnet-flux excess above plus the MEC's d-axis inductance ~25 % below the embedded FEA's (test_mec)."""
    ref = np.array(YANG_TORQUE)
    err = torque_angle[9:] / ref[9:] - 1
    assert np.all(err > 0.10) and np.all(err < 0.40)


@pytest.mark.xfail(strict=True, reason="target not reached at 90-170 deg: torque within 5 % of Yang et al. (measured "
                                       "+17..+37 %: the magnet flux, back-EMF +25 % in the MEC)")
def test_torque_target(torque_angle):
    ref = np.array(YANG_TORQUE)
    assert np.all(np.abs(torque_angle[3:] / ref[3:] - 1) < 0.05)


@pytest.fixture(scope="module")
def efficiency_errors(design):
    """Model - measured motor efficiency (points) at each ORNL point, with the winding at the
    measured stator temperature and the magnets 20 K cooler (assumption: rotor cooler than stator)."""
    errs = []
    for rpm, T, eta, t_st in ORNL_POINTS:
        d = dataclasses.replace(design, T_winding_c=t_st, T_magnet_c=t_st - 20.0)
        op = operating_point(d.machine_model(), rpm, T)
        errs.append(100 * (op["motor_efficiency"] - eta))
    return np.array(errs)


def test_efficiency_points_reached(efficiency_errors):
    """Reached with the analytic MEC at the case's DC link (the full comparison at each row's measured
    conditions with the FEA's field-waveform losses is ``motoropt validate``,
    tests/validation/test_validate_prius.py): at 300-3000 rpm within -1.5 / +2 points of each measured
    point, above 3000 rpm 2-5 points high (measured: -1.1 .. +1.7 and +2.6 .. +4.8). Before the spin loss,
    the PWM harmonic and the strand circulating-current losses the model was 9 points high at 303 rpm
    and 5-11 points high above 3000 rpm."""
    low = np.array([rpm <= 3100 for rpm, *_ in ORNL_POINTS])
    assert np.all(efficiency_errors[low] > -1.5) and np.all(efficiency_errors[low] < 2.0)
    assert np.all(efficiency_errors[~low] > 2.0) and np.all(efficiency_errors[~low] < 5.0)


@pytest.mark.xfail(strict=True, reason="target not reached by the MEC at the case's DC link: every point within 1.5 "
                                       "points of ORNL (measured: 3409, 4204, 5406 rpm +3.2, +2.6, +4.8)")
def test_efficiency_target(efficiency_errors):
    assert np.all(np.abs(efficiency_errors) < 1.5)


def test_map_main_regions(prius_ev):
    """ORNL/TM-2006/423: peak efficiency (95.0 %) at 2303 rpm / 110.8 N m; 70-80 % at <= 500 rpm and
    high torque; >= 90 % over ~1100-4200 rpm below ~150 N m. The model's map reproduces the regions:
    its best point lies in 1500-4500 rpm below 200 N m, low speed / high torque is below 85 %, and
    2000-4000 rpm at 50-120 N m is above 90 %."""
    m = prius_ev.emap
    eff = np.where(m.feasible & (m.torque_nm[:, None] > 0), m.efficiency, np.nan)  # motoring
    j, i = np.unravel_index(np.nanargmax(eff), eff.shape)
    assert 1500 <= m.speed_rpm[i] <= 4500 and 0 < m.torque_nm[j] < 200
    S, T = np.meshgrid(m.speed_rpm, m.torque_nm)
    low = (S > 100) & (S <= 500) & (T >= 250)
    assert np.nanmax(eff[low]) < 0.85
    mid = (S >= 2000) & (S <= 4000) & (T >= 50) & (T <= 120)
    assert np.nanmin(eff[mid]) > 0.90
