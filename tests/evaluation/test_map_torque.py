"""Every feasible point of a shipped case's efficiency map delivers the torque of its row and
conserves energy."""

from __future__ import annotations

import numpy as np
import pytest

from motoropt.constants import RPM_TO_RAD_S
from tests.shipped import CASE_FILES


@pytest.mark.parametrize("name", sorted(CASE_FILES))
def test_feasible_map_points_deliver_their_torque(shipped, name):
    """P_mech / w = T at every feasible map point with w > 0, to 1e-9 max(1 N m, |T|), on each
    shipped case's nominal evaluation (every family: V-IPM, SPM, tooth-coil, outer rotor,
    induction). A state that misses its torque is no operating point, however low its loss: the
    induction drive once returned -0.03 N m for -29 N m (tests/machines/induction)."""
    em = shipped.evaluation(name).emap
    W = em.speed_rpm[None, :] * RPM_TO_RAD_S
    T = em.torque_nm[:, None]
    ok = em.feasible & (W > 0.0)
    assert ok.sum() >= 0.2 * ok.size  # coverage guard
    miss = np.abs(em.p_mech / np.where(W > 0.0, W, 1.0) - T) / np.maximum(1.0, np.abs(T))
    assert miss[ok].max() <= 1e-9


@pytest.mark.parametrize("name", sorted(CASE_FILES))
def test_feasible_map_points_conserve_energy(shipped, name):
    """P_elec = w T + the sum of the loss kinds at every feasible map point of each shipped case's
    nominal evaluation, to 1e-9 of the map's largest |P_elec| (conservation of energy; every family,
    with the PWM-harmonic and changeover terms where the case has them)."""
    em = shipped.evaluation(name).emap
    W = em.speed_rpm[None, :] * RPM_TO_RAD_S
    T = em.torque_nm[:, None]
    f = em.feasible
    kinds = sum(v for k, v in em.losses.items() if k != "total")
    np.testing.assert_allclose(em.losses["total"][f], kinds[f], rtol=1e-12)
    scale = np.abs(em.p_elec[f]).max()
    assert np.abs(em.p_elec - W * T - em.losses["total"])[f].max() <= 1e-9 * scale
