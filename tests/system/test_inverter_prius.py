"""The 2004 Prius MG2 inverter device entry (motoropt.inverter.devices, ``toyota_prius2004_mg2``)
recomputed from its sources (issue 14).

Reference data: the Fuji 2MBI400U2B-060 datasheet curves (tests/system/data/
fuji_2mbi400u2b060_curves.json, source named in the file) and the ORNL/TM-2010/253 Table 2.5 die
areas of the 2004 Prius motor inverter (12 IGBT dies x 131.9 mm^2, 12 diode dies x 40.7 mm^2 for six
switch positions). The entry's numbers are rounded to 4 significant digits: they must equal the
fit + scaling stated in the entry's notes within 0.1 %.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from motoropt.inverter import DEVICES, inverter_losses
from motoropt.inverter.devices import PRIUS2004_MG2

CURVES = json.loads((Path(__file__).resolve().parent / "data" / "fuji_2mbi400u2b060_curves.json").read_text())
DEV = DEVICES[PRIUS2004_MG2]

# ORNL/TM-2010/253 Table 2.5 (2004 Prius motor inverter), per switch position (12 dies / 6 positions)
A_PRIUS_T = 12 * 131.9e-6 / 6
A_PRIUS_D = 12 * 40.7e-6 / 6
# Fuji reference silicon per position: an estimate (listed in the entry's `estimates`)
A_FUJI_T = 2 * 144e-6
A_FUJI_D = 2 * 72e-6
K_T = A_PRIUS_T / A_FUJI_T
K_D = A_PRIUS_D / A_FUJI_D
FIT_A = (30.0, 300.0)  # fit range at the Prius scale, A (per-position peak currents of the ORNL map)
TEMPS = ("25", "125")


def _line_fit(curve, k):
    """(V0, r) of a straight-line fit V = V0 + r I over the reference currents FIT_A / k."""
    v, i = np.array(curve["v"]), np.array(curve["i"])
    m = (i >= FIT_A[0] / k) & (i <= FIT_A[1] / k)
    r, V0 = np.polyfit(i[m], v[m], 1)
    return V0, r


def _power_fit(curve, k, I_ref):
    """(E at I_ref / k, K) of a power-law fit E = E0 (I / (I_ref / k))^K over FIT_A / k."""
    i, e = np.array(curve["i"]), np.array(curve["e"])
    m = (i >= FIT_A[0] / k) & (i <= FIT_A[1] / k)
    K, lnE = np.polyfit(np.log(i[m] / (I_ref / k)), np.log(e[m]), 1)
    return math.exp(lnE), K


def test_die_areas_give_two_dies_per_switch():
    """ORNL/TM-2010/253 T2.5: 12 + 12 dies over 6 positions = 2 IGBT + 2 diode dies per switch; the
    entry's rating is the Fuji 400 A scaled by k_T (0.916)."""
    assert A_PRIUS_T == pytest.approx(263.8e-6)
    assert A_PRIUS_D == pytest.approx(81.4e-6)
    assert DEV.I_rating == pytest.approx(400.0 * K_T, rel=1e-3)
    assert DEV.V_rating == CURVES["V_CES_V"] == 600.0


@pytest.mark.parametrize("j", range(2))
def test_conduction_is_the_scaled_datasheet_fit(j):
    """V0 unchanged, r = r_Fuji / k (equal current density), each within 0.1 % of the entry."""
    T = TEMPS[j]
    V0, r = _line_fit(CURVES["igbt_output_V_CE_vs_I_C"][T], K_T)
    assert DEV.V0_T[j] == pytest.approx(V0, rel=1e-3) and DEV.r_T[j] == pytest.approx(r / K_T, rel=1e-3)
    V0, r = _line_fit(CURVES["diode_forward_V_F_vs_I_F"][T], K_D)
    assert DEV.V0_D[j] == pytest.approx(V0, rel=1e-3) and DEV.r_D[j] == pytest.approx(r / K_D, rel=1e-3)


def test_switching_energies_are_the_scaled_datasheet_fits():
    """E(I_ref) = k E_Fuji(I_ref / k) and K_i, K_i,D = mean power-law exponents, within 0.1 %."""
    ks = []
    for j, T in enumerate(TEMPS):
        for key, attr in (("E_on_vs_I_C", "E_on"), ("E_off_vs_I_C", "E_off")):
            E0, K = _power_fit(CURVES[key][T], K_T, DEV.I_ref)
            assert getattr(DEV, attr)[j] == pytest.approx(K_T * E0, rel=1e-3)
            ks.append(K)
    assert DEV.K_i == pytest.approx(np.mean(ks), rel=1e-3)
    kd = []
    for j, T in enumerate(TEMPS):
        E0, K = _power_fit(CURVES["E_rr_vs_I_F"][T], K_D, DEV.I_ref)
        assert DEV.E_rr[j] == pytest.approx(K_D * E0, rel=1e-3)
        kd.append(K)
    assert DEV.K_i_D == pytest.approx(np.mean(kd), rel=1e-3)
    assert DEV.V_ref == CURVES["switching_conditions"]["V_CC_V"]


def test_thermal_resistances_scale_with_area():
    """R_th,jc = R_th,jc,Fuji / k (heat flux through the same stack over a scaled area)."""
    assert DEV.R_th_jc_T == pytest.approx(CURVES["R_th_jc_igbt_K_per_W"] / K_T, rel=1e-3)
    assert DEV.R_th_jc_D == pytest.approx(CURVES["R_th_jc_diode_K_per_W"] / K_D, rel=1e-3)


def test_fit_reproduces_the_curves():
    """The simple forms are fair over the fitted range: the straight-line conduction fits reproduce
    the digitised V-I curves with an RMS relative deviation <= 3 % (reached 1.7-2.8 %; the largest
    single deviations, 4-8 %, sit at the low-current end where the knee starts), and the power
    laws every digitised energy within 15 % (reached 2.3-13.5 %, E_rr at 25 degC the worst)."""
    for T in TEMPS:
        for key, k in (("igbt_output_V_CE_vs_I_C", K_T), ("diode_forward_V_F_vs_I_F", K_D)):
            c = CURVES[key][T]
            V0, r = _line_fit(c, k)
            v, i = np.array(c["v"]), np.array(c["i"])
            m = (i >= FIT_A[0] / k) & (i <= FIT_A[1] / k)
            assert np.sqrt(np.mean(((V0 + r * i[m] - v[m]) / v[m]) ** 2)) <= 0.03
        for key, k in (("E_on_vs_I_C", K_T), ("E_off_vs_I_C", K_T), ("E_rr_vs_I_F", K_D)):
            c = CURVES[key][T]
            E0, K = _power_fit(c, k, DEV.I_ref)
            i, e = np.array(c["i"]), np.array(c["e"])
            m = (i >= FIT_A[0] / k) & (i <= FIT_A[1] / k)
            assert np.max(np.abs(E0 * (i[m] / (DEV.I_ref / k)) ** K - e[m]) / e[m]) < 0.15


def test_equal_current_density_scaling_is_loss_density_neutral():
    """Closed form of the scaling: at the same current density (I_Prius = k_T I_Fuji on a device with
    k = 1 parameters divided/multiplied as stated), conduction and switching losses scale by k (loss
    per silicon area unchanged). Checked on the entry against an unscaled twin at 5 kHz, 300 V."""
    import dataclasses

    k = 2.0
    twin = dataclasses.replace(DEV, r_T=tuple(x * k for x in DEV.r_T), r_D=tuple(x * k for x in DEV.r_D),
                               E_on=tuple(x / k for x in DEV.E_on), E_off=tuple(x / k for x in DEV.E_off),
                               E_rr=tuple(x / k for x in DEV.E_rr), I_ref=DEV.I_ref / k,
                               R_th_jc_T=DEV.R_th_jc_T * k, R_th_jc_D=DEV.R_th_jc_D * k, R_th_ch=DEV.R_th_ch * k)
    a = inverter_losses(100.0, 0.9, 0.8, 300.0, 5e3, 55.0, DEV)
    b = inverter_losses(100.0 / k, 0.9, 0.8, 300.0, 5e3, 55.0, twin)
    assert float(a["p_loss"]) == pytest.approx(k * float(b["p_loss"]), rel=1e-9)
    assert float(a["T_j_T"]) == pytest.approx(float(b["T_j_T"]), rel=1e-9)
