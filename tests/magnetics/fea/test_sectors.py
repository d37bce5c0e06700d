"""Symmetry sectors of the embedded FEA model (motoropt.magnetics.fea.machine.sector_info):
the smallest sector ("unit") of a fractional-slot winding gives the same machine quantities as the
full model (second method: the whole cross-section), and "auto" keeps one pole where it can."""

import copy
import math

import numpy as np
import pytest

from motoropt.case import design_from_values
from motoropt.errors import InputError
from motoropt.magnetics.fea.fluxmap_fea import no_load, operating_point
from motoropt.magnetics.fea.machine import sector_info
from tests import shipped


def _spm(slots: int, pole_pairs: int):
    """A tooth-coil SPM in the 2004 Prius stator frame (stack, diameters), ``slots`` / 2 ``pole_pairs``."""
    v = copy.deepcopy(shipped.case("prius2004").nominal())
    v["machine"].update(topology="spm", pole_pairs=pole_pairs, name=f"SPM {slots}s/{2 * pole_pairs}p")
    v["stator"].update(slots=slots, slot_width_top_mm=None, slot_width_bottom_mm=None, tooth_width_mm=240.0 / slots,
                       slot_opening_mm=4.0, tip_height_mm=2.0)
    v["rotor"].update(pole_arc_ratio=0.8, sleeve_mm=0.5, magnet_thickness_mm=5.0)
    v["winding"].update(layers=2, coil_pitch_slots=1, turns_per_coil=20, strand_diameter_mm=0.9)
    return design_from_values(v)


def test_sector_choices(prius_design):
    """Exact symmetry counts: Prius 48 slots / 8 poles -> one pole (1/8, antiperiodic) for "auto";
    12 slots / 10 poles double layer: unit machine 6 slots / 5 poles, antiperiodic (1/2); 48 / 40:
    24 / 20: 1/4 (6 slots / 5 poles), antiperiodic; 12 / 8: 3 slots / 2 poles, periodic (1/4); "pole" on a
    q < 1 winding is an InputError naming the sector."""
    assert sector_info(prius_design, "auto") == (8, True, pytest.approx(math.pi / 4))
    assert sector_info(_spm(12, 5), "auto") == (2, True, pytest.approx(math.pi))
    assert sector_info(_spm(24, 10), "unit") == (4, True, pytest.approx(math.pi / 2))
    assert sector_info(_spm(12, 4), "auto") == (4, False, pytest.approx(math.pi / 2))
    with pytest.raises(InputError, match="sector"):
        sector_info(_spm(12, 5), "pole")


@pytest.mark.slow
def test_unit_sector_matches_full_model():
    """12-slot / 10-pole SPM: no-load phase flux-linkage fundamental and the mean torque at 100 A on
    the q axis from the unit sector (half the machine, antiperiodic) equal the full model's within
    1 % (the two meshes differ; same mesh sizes)."""
    d = _spm(12, 5)
    a = no_load(d, positions=4, T_magnet_c=20.0, sector="unit")
    b = no_load(d, positions=4, T_magnet_c=20.0, sector="full")
    assert a.psi_pm == pytest.approx(b.psi_pm, rel=0.01)
    fa = operating_point(d, 0.0, 100.0, positions=2, T_magnet_c=20.0, sector="unit")
    fb = operating_point(d, 0.0, 100.0, positions=2, T_magnet_c=20.0, sector="full")
    assert fa["torque_mean"] == pytest.approx(fb["torque_mean"], rel=0.01)
    assert np.isfinite(fa["psi_q_mean"]) and fa["psi_q_mean"] == pytest.approx(fb["psi_q_mean"], rel=0.01)
