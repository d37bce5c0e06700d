"""Shared check of the machine models' envelope kernels (PM and induction)."""

from __future__ import annotations


def envelope_speeds_together_vs_alone(model, speeds) -> tuple[dict, float]:
    """(the envelope at ``speeds`` evaluated together, the largest relative difference of its
    motoring and generating torques from evaluating each speed alone). The kernels carry each
    speed's search state to the next as starting points only, so the two agree to the searches'
    tolerances."""
    env = model.envelope(speeds)
    worst = 0.0
    for k in range(len(speeds)):
        one = model.envelope(speeds[k : k + 1])
        for key in ("torque_motoring", "torque_generating"):
            worst = max(worst, abs(env[key][k] - one[key][0]) / abs(one[key][0]))
    return env, float(worst)
