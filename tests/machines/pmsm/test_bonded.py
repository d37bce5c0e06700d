"""Dy-free bonded-magnet rotors (issue 5, part 3): Br swap, demag margin, re-sizing for the bonded
grade, magnet KPIs, bad input (the arc-barrier geometry: tests/geometry/test_arc_rotor.py)."""

import copy

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from tests import shipped

EAXLE = "dyfree_bonded"
BUS = "multipole"


def _v(name, **over):
    """The shipped case's nominal values with ``section__key=value`` overrides (a copy)."""
    v = copy.deepcopy(shipped.case(name).nominal())
    for k, val in over.items():
        sec, key = k.split("__")
        v[sec][key] = val
    return v


def test_spm_br_swap_follows_magnet_circuit():
    """Same SPM rotor (bus case), N42UH -> MF18C at 80 degC. With ideal iron (mu_r 1e5) the no-load
    flux follows the 1-D magnet circuit: psi_PM ratio = Br ratio x [(h/mu2)/(g+h/mu2)] /
    [(h/mu1)/(g+h/mu1)] (mu_r 1.10 vs 1.05, g the Carter gap), within 0.5 %. With the real steel the
    sintered grade saturates the teeth (B ~ 2 T) and loses more: the ratio is higher than that."""
    from motoropt.constants import MU0
    from motoropt.magnetics.analytic import compute_fluxmap

    H = np.array([0.0, 1e5])
    B = np.array([0.0, 1e5 * MU0 * 1e5])
    d1 = design_from_values(_v(BUS, rotor__magnet="N42UH"))
    d2 = design_from_values(_v(BUS, rotor__magnet="MF18C"))
    lin = [compute_fluxmap(d.mec_inputs(), H, B, d.i_max, axes=((-1.0, 0.0), (0.0, 1.0))).psi_d[1, 0]
           for d in (d1, d2)]
    br = float(d2.magnet.Br(80.0) / d1.magnet.Br(80.0))
    m = d1.mec_inputs()
    h = m.h_m

    def work(mu):
        return (h / mu) / (m.g_eff + h / mu)

    expect = br * work(d2.magnet.mu_r) / work(d1.magnet.mu_r)
    assert lin[1] / lin[0] == pytest.approx(expect, rel=0.005)
    assert d2.mec_fluxmap().psi_pm / d1.mec_fluxmap().psi_pm > expect


def test_arc_rotor_br_swap_and_demag():
    """Same arc rotor (e-axle case), N42UH -> MF18C: psi_PM falls (ratio between the Br ratio 0.68
    and 1: the sintered grade saturates the pole piece and teeth, so the flux is not proportional),
    the thermal hook's demag margin tightens, Dy mass goes to 0 and the rare-earth mass falls."""
    from motoropt.evaluation.pipeline import evaluate_design

    evs = {}
    for mag in ("N42UH", "MF18C"):
        evs[mag] = evaluate_design(design_from_values(_v(EAXLE, rotor__magnet=mag)), cycles=False)
    a, b = evs["N42UH"], evs["MF18C"]
    br = float(b.design.magnet.Br(100.0) / a.design.magnet.Br(100.0))
    ratio = b.kpis["psi_pm_wb"] / a.kpis["psi_pm_wb"]
    assert br < ratio < 1.0
    assert b.kpis["demag_margin"] < a.kpis["demag_margin"]
    assert b.kpis["dysprosium_mass_kg"] == 0.0 < a.kpis["dysprosium_mass_kg"]
    assert 0 < b.kpis["rare_earth_mass_kg"] < a.kpis["rare_earth_mass_kg"]
    assert b.kpis["magnet_cost_usd"] > 0


@pytest.mark.slow
def test_resized_bonded_design_recovers_torque_with_more_magnet():
    """Explicit scan (stack length 100..145 mm x magnet thickness 6..8 mm; combinations whose band
    leaves no 0.3 mm rib are skipped) of the bonded arc rotor: the smallest-magnet design that reaches
    the N42UH rotor's peak torque exists and uses more magnet volume than the N42UH rotor."""
    from motoropt.evaluation.pipeline import evaluate_design

    ref = evaluate_design(design_from_values(_v(EAXLE, rotor__magnet="N42UH")), cycles=False)
    T_ref = ref.kpis["peak_torque_nm"]
    V_ref = ref.design.rotor.magnet_volume
    best = None
    for L in (100.0, 115.0, 130.0, 145.0):
        for h in (6.0, 7.0, 8.0):
            try:
                d = design_from_values(_v(EAXLE, stator__stack_length_mm=L, rotor__magnet_thickness_mm=h))
            except InputError:  # the thicker band leaves no 0.3 mm rib between poles: does not fit
                continue
            ev = evaluate_design(d, cycles=False)
            if ev.kpis["peak_torque_nm"] >= T_ref and (best is None or d.rotor.magnet_volume < best[0]):
                best = (d.rotor.magnet_volume, ev.kpis["peak_torque_nm"])
    assert best is not None
    assert best[0] > V_ref


def test_arc_bad_input():
    """Arc cavity that does not fit: InputError naming the rotor field."""
    with pytest.raises(InputError, match="rotor.arc_opening_mm"):
        design_from_values(_v(EAXLE, rotor__arc_opening_mm=56.0))
    with pytest.raises(InputError, match="rotor.arc_depth_mm"):
        design_from_values(_v(EAXLE, rotor__arc_depth_mm=2.0))
    with pytest.raises(InputError, match="rotor.arc_opening_mm"):
        design_from_values(_v(EAXLE, rotor__magnet_thickness_mm=10.0))
    v = _v(EAXLE)
    v["rotor"]["arc_depth_mm"] = None
    with pytest.raises(InputError, match="rotor.arc_depth_mm"):
        design_from_values(v)
