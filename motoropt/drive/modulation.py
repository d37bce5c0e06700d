"""The inverter's output voltage as the drive sees it: the fundamental voltage limit of each
modulation mode and the harmonic voltage and flux linkage that come with the fundamental.

Modes (``Modulation.mode``; SI units, peak phase quantities, amplitude-invariant dq):

- ``"svpwm"``: carrier PWM with min-max zero-sequence injection, linear up to the fundamental
  V_lin = u_dc / sqrt(3) (modulation index m = 2 V1 / u_dc = 2/sqrt(3));
- ``"spwm"``: sine-triangle PWM without zero sequence, linear up to V_lin = u_dc / 2;
- ``"overmodulation"``: SVPWM, then over-modulation mode I up to 0.9517 of the six-step
  fundamental (Holtz, Lotzkat, Khambadkone, IEEE Trans. Power Electron. 8(4), 1993: the
  continuous overmodulation range that still switches in every carrier period);
- ``"six_step"``: SVPWM, over-modulation, and rectangular-wave (six-step) operation at the
  six-step fundamental V_6 = 2 u_dc / pi. In rectangular-wave operation the voltage magnitude is
  fixed and the torque is set by the voltage angle: the drive kernel's voltage-limited operating
  point (the torque curve meeting |v| = V_6) is exactly that point.

Fundamental limit: V_max = V_top(mode) - (4/pi) t_dead f_sw u_dc - V_device, with the dead-time
fundamental drop (a square wave of height t_dead f_sw u_dc opposing the current; carried into the
over-modulation range, conservative there) and the device drop V_device (an inverter's
(4/pi) V0 + r I at the current limit; 0 without an ``[inverter]``). The dead time's low-order
harmonics are not modelled.

Harmonic content (what the PWM-carrier and six-step harmonic losses need; see
:func:`harmonic_moments`): in the frame of the fundamental voltage vector (par = along it,
perp = 90 deg ahead), the time averages of the squared harmonic voltage <v_h^2> and harmonic
flux linkage <psi_h^2> (psi_h = integral of v_h, zero mean) and, for the copper loss at the
harmonic frequencies, the share of <|psi_h|^2> in each frequency band.

- carrier PWM (V1 <= V_lin): from a simulation of naturally sampled PWM (triangle carrier,
  f_sw = 99 f_e synchronous, 64 samples per carrier period holding the exact volt-seconds; the
  voltage moments from the exact pulse edges), normalised by u_dc^2 and (u_dc / f_sw)^2,
  tabulated against x = V1 / u_dc (checked against the closed form of the
  total rms, V_ph,rms^2 = (2 sqrt(3) / (3 pi)) u_dc V1, valid for any carrier PWM in the linear
  range: the line-to-neutral voltage is 0 in zero vectors and has sum of squares (2/3) u_dc^2 in
  active ones). Assumes f_sw >> f_e (the sidebands of an asynchronous carrier at low f_sw / f_e
  are not resolved);
- six-step (V1 = V_6): the rectangular-wave harmonics of orders n = 6k -+ 1 with v_n = V_6 / n;
  normalised by u_dc^2 and (u_dc / w_e)^2;
- over-modulation (V_lin < V1 < V_6): the moments are interpolated linearly in V1 between the
  carrier table at V_lin and six-step (stated approximation; the true over-modulated waveforms
  move from one to the other).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from motoropt.errors import InputError

MODES = ("svpwm", "spwm", "overmodulation", "six_step")
MODE_CODE = {m: k for k, m in enumerate(MODES)}
SIX_STEP = 2.0 / math.pi  # six-step fundamental / u_dc
OVERMOD_I = 0.9517  # end of over-modulation mode I as a fraction of the six-step fundamental (Holtz 1993)
LINEAR = {"svpwm": 1.0 / math.sqrt(3.0), "spwm": 0.5, "overmodulation": 1.0 / math.sqrt(3.0),
          "six_step": 1.0 / math.sqrt(3.0)}  # carrier (linear) limit V_lin / u_dc
TOP = {"svpwm": LINEAR["svpwm"], "spwm": LINEAR["spwm"], "overmodulation": OVERMOD_I * SIX_STEP,
       "six_step": SIX_STEP}  # largest fundamental / u_dc
N_BANDS = 4  # carrier bands k f_sw, k = 1..4 (k = 4 collects the rest)
SIX_STEP_ORDERS = np.array([n for k in range(1, 9) for n in (6 * k - 1, 6 * k + 1)], dtype=float)
_RATIO = 99  # f_sw / f_e of the simulation (odd multiple of 3)
_SAMPLES = 64  # samples per carrier period
_N_X = 25  # table points over 0 .. V_lin / u_dc


@dataclass(frozen=True)
class Modulation:
    """The case's modulation (``[limits]`` or ``[inverter]``): mode, switching frequency f_sw (Hz;
    None = not known, then no PWM harmonic losses are computed), dead time t_dead (s) and the
    inverter's device drop as a fundamental amplitude V_device (V)."""

    mode: str = "svpwm"
    f_sw: float | None = None
    t_dead: float = 0.0
    v_device: float = 0.0

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError("limits.modulation", self.mode, f"one of {list(MODES)}")
        if self.f_sw is not None and not (math.isfinite(self.f_sw) and self.f_sw > 0):
            raise InputError("limits.switching_frequency_khz", self.f_sw, "> 0")
        if not (math.isfinite(self.t_dead) and self.t_dead >= 0):
            raise InputError("limits.dead_time_us", self.t_dead, ">= 0")
        if self.f_sw is not None and 2.0 * self.t_dead * self.f_sw > 0.1:
            raise InputError("limits.dead_time_us", self.t_dead * 1e6, "such that 2 t_dead f_sw <= 0.1")
        if not (math.isfinite(self.v_device) and self.v_device >= 0):
            raise InputError("Modulation.v_device", self.v_device, ">= 0")

    def dead_time_drop(self, u_dc: float) -> float:
        """Fundamental dead-time voltage drop (4/pi) t_dead f_sw u_dc, V (0 without f_sw)."""
        return 0.0 if self.f_sw is None else 4.0 / math.pi * self.t_dead * self.f_sw * u_dc

    def v_linear(self, u_dc: float) -> float:
        """Largest fundamental of carrier PWM after the drops, V peak."""
        return max(LINEAR[self.mode] * u_dc - self.dead_time_drop(u_dc) - self.v_device, 0.0)

    def v_max(self, u_dc: float) -> float:
        """Largest fundamental of the mode after the drops, V peak (the drive's voltage limit)."""
        if self.mode == "six_step":  # rectangular wave: no carrier, dead time at 6 f_e only (neglected)
            return max(SIX_STEP * u_dc - self.v_device, 0.0)
        return max(TOP[self.mode] * u_dc - self.dead_time_drop(u_dc) - self.v_device, 0.0)


# ------------------------------------------------------------------------------ harmonic tables
# The helpers take x = V1 / u_dc as a scalar or as an array (X,); for an array their arrays carry a
# leading x axis (phases on axis -2, samples on axis -1): carrier_table computes all x at once.
def _phase_refs(theta, x, pattern):
    """Pole references (-1..1, fraction of u_dc/2) of the three phases at fundamental angle theta (n,):
    (3, n), or (X, 3, n) for an array x."""
    m = 2.0 * np.asarray(x, dtype=float)[..., None, None]
    r = m * np.stack([np.cos(theta - k * 2.0 * math.pi / 3.0) for k in range(3)])
    if pattern == "svpwm":
        r = r - 0.5 * (r.max(axis=-2, keepdims=True) + r.min(axis=-2, keepdims=True))
    return r


def _frame_pair(w_ab, theta):
    """<w_par^2>, <w_perp^2> of alpha-beta vectors w_ab (..., 2, n) in the frame of angle theta (n,):
    means over the samples, of shape (...)."""
    c, s = np.cos(theta), np.sin(theta)
    par = w_ab[..., 0, :] * c
    par += w_ab[..., 1, :] * s
    perp = -w_ab[..., 0, :]
    perp *= s
    perp += w_ab[..., 1, :] * c
    return np.mean(np.square(par, out=par), axis=-1), np.mean(np.square(perp, out=perp), axis=-1)


def _frame_moments(v_ab, psi_ab, theta):
    """<v_par^2>, <v_perp^2>, <psi_par^2>, <psi_perp^2> of alpha-beta vectors in the frame of angle theta."""
    return [*_frame_pair(v_ab, theta), *_frame_pair(psi_ab, theta)]


def _clarke(v3):
    """Amplitude-invariant alpha-beta (..., 2, n) of three phase quantities (..., 3, n)."""
    a, b, c = v3[..., 0, :], v3[..., 1, :], v3[..., 2, :]
    out = np.empty(v3.shape[:-2] + (2, v3.shape[-1]))
    alpha = np.multiply(a, 2.0, out=out[..., 0, :])  # (2 a - b - c) / 3
    alpha -= b
    alpha -= c
    alpha /= 3.0
    beta = np.subtract(b, c, out=out[..., 1, :])  # (b - c) / sqrt(3)
    beta /= math.sqrt(3.0)
    return out


def _line_to_neutral(pole, out=None):
    """Line-to-neutral voltages of three pole voltages (..., 3, n) (the common mode removed; into out)."""
    return np.subtract(pole, pole.mean(axis=-2, keepdims=True), out=out)


def _band_shares(psi_a, n_per_period, f_unit):
    """Shares of the phase-a harmonic flux power in the bands k f_unit (k = 1 .. N_BANDS, the last
    collecting everything above), from one period sampled at n_per_period points: psi_a (..., n) ->
    (..., N_BANDS), 0 without harmonic flux."""
    F = np.abs(np.fft.rfft(psi_a, axis=-1)) ** 2
    order = np.arange(F.shape[-1])  # harmonic order of the fundamental
    k = np.clip(np.rint(order / f_unit), 1, N_BANDS).astype(int)
    Fh, kh = F[..., 1:], k[1:]
    tot = Fh.sum(axis=-1, keepdims=True)
    band = np.stack([Fh.compress(kh == b, axis=-1).sum(axis=-1) for b in range(1, N_BANDS + 1)], axis=-1)
    return np.divide(band, tot, out=np.zeros_like(band), where=tot > 0)


def _pwm_samples(x: float | np.ndarray, pattern: str, ratio: int, samples: int):
    """Per sample of one fundamental period of naturally sampled carrier PWM (triangle carrier,
    ``ratio`` carrier periods per fundamental period, ``samples`` per carrier period, peaks on sample
    edges, the reference constant over a sample): theta (n,), the share f (3, n) of each sample in
    which each pole is high ((X, 3, n) for an array x), and whether the carrier rises over the
    sample (n,)."""
    n = ratio * samples
    theta = 2.0 * math.pi * (np.arange(n) + 0.5) / n
    ref = _phase_refs(theta, x, pattern)

    def tri(tt):
        return 4.0 * np.abs((tt * ratio) % 1.0 - 0.5) - 1.0  # triangle -1..1

    c0, c1 = tri(np.arange(n) / n), tri((np.arange(n) + 1.0) / n)
    up = c1 > c0
    span = np.abs(c1 - c0)
    # d = (ref - c0) / span; rising: f = clip(d, 0, 1), falling: f = 1 - clip(-d, 0, 1) = 1 + clip(d, -1, 0)
    f = np.subtract(ref, c0, out=ref)  # d, in place
    f /= span
    np.clip(f, np.where(up, 0.0, -1.0), np.where(up, 1.0, 0.0), out=f)
    f += np.where(up, 0.0, 1.0)
    return theta, f, up


def pwm_waveform(x: float | np.ndarray, pattern: str = "svpwm", ratio: int = _RATIO, samples: int = _SAMPLES):
    """One fundamental period of naturally sampled carrier PWM at fundamental x = V1 / u_dc as
    sample averages (exact volt-seconds per sample): (theta (n,), line-to-neutral voltages (3, n) / u_dc);
    for an array x the voltages are (X, 3, n)."""
    theta, f, _ = _pwm_samples(x, pattern, ratio, samples)
    return theta, _line_to_neutral(f - 0.5)


def _sort3(e):
    """e (..., 3, n) sorted along the phase axis (the values of np.sort(e, axis=-2) from a min-max
    network, faster for three entries)."""
    a, b, c = e[..., 0, :], e[..., 1, :], e[..., 2, :]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.stack([np.minimum(lo, c), np.maximum(lo, np.minimum(hi, c)), np.maximum(hi, c)], axis=-2)


def _pole_states(high):
    """Pole state 0..7 (bit k: pole k high) of high (..., 3, n) (bool): (..., n)."""
    h = high.view(np.uint8)
    return (h[..., 0, :] | (h[..., 1, :] << 1) | (h[..., 2, :] << 2)).astype(np.intp)


def _pulse_moments(theta, f, up, x):
    """<v_h,par^2>, <v_h,perp^2> / u_dc^2 (shape of x) of the pulse train of _pwm_samples' (theta, f, up)
    at fundamental x: each sample split at the poles' switching instants into <= 4 intervals, each
    in one of the 8 pole states with its constant line-to-neutral voltage. A sample in which no pole
    switches (f = 0 or 1) is one interval in the state f = 1 (the same sum, bit for bit: the other
    intervals have zero length)."""
    n = theta.size
    c, s = np.cos(theta), np.sin(theta)
    # v_par + x and v_perp of each pole state (bit k: pole k high) at each sample, at state * n + sample
    states = ((np.arange(8)[:, None, None] >> np.arange(3)[:, None]) & 1).astype(float)  # (8, 3, 1)
    ab = _clarke(_line_to_neutral(states - 0.5))  # (8, 2, 1)
    a, b = ab[:, 0], ab[:, 1]
    tab_par, tab_perp = (a * c + b * s).ravel(), (-a * s + b * c).ravel()
    f = f.reshape(-1, 3, n)  # (X, 3, n), X = 1 for a scalar x
    x = np.asarray(x, dtype=float)
    xb = x.reshape(-1, 1)
    sample = np.arange(n)
    k = _pole_states(f > 0.5)
    k *= n
    k += sample
    acc_p = tab_par.take(k)
    acc_p -= xb
    acc_p *= acc_p
    acc_q = tab_perp.take(k)
    acc_q *= acc_q  # (X, n)
    del k
    # samples with switching instants (flat indices i_x n + i_n): the intervals between the sorted instants
    inner = f > 0.0
    inner &= f < 1.0
    sw = np.flatnonzero(inner.any(axis=1))
    i_x, i_n = np.divmod(sw, n)
    fs = f.take(i_x * 3 * n + i_n + n * np.arange(3)[:, None])  # (3, S)
    sgn = np.where(up[i_n], 1.0, -1.0)  # carrier rising / falling
    edge = np.where(sgn > 0.0, fs, 1.0 - fs)  # switching instant of each pole within the sample
    # a pole is high in an interval of midpoint t if t < f (rising) or t > 1 - f (falling): if sgn t < lim
    lim = sgn * edge
    bounds = np.concatenate([np.zeros((1, sw.size)), _sort3(edge), np.ones((1, sw.size))])  # (5, S)
    p_sw, q_sw = np.zeros(sw.size), np.zeros(sw.size)
    xs = xb[i_x, 0]
    for j in range(4):
        lo, hi = bounds[j], bounds[j + 1]
        k = _pole_states(sgn * (0.5 * (lo + hi)) < lim) * n + i_n
        par = tab_par.take(k) - xs
        perp = tab_perp.take(k)
        p_sw += (hi - lo) * par * par
        q_sw += (hi - lo) * perp * perp
    acc_p.put(sw, p_sw)
    acc_q.put(sw, q_sw)
    return acc_p.mean(axis=-1).reshape(x.shape), acc_q.mean(axis=-1).reshape(x.shape)


def _pwm_voltage_moments(x: float | np.ndarray, pattern: str, ratio: int = _RATIO, samples: int = _SAMPLES):
    """Exact <v_h,par^2>, <v_h,perp^2> / u_dc^2 of the pulse train (each sample split at the poles'
    switching instants into <= 4 intervals of constant line-to-neutral voltage): floats, or arrays (X,)
    for an array x."""
    theta, f, up = _pwm_samples(x, pattern, ratio, samples)
    vp, vq = _pulse_moments(theta, f, up, x)
    return (float(vp), float(vq)) if np.ndim(x) == 0 else (vp, vq)


def _harmonic_part(theta, v_ln, v1, out=None):
    """Harmonic part v_h (3, n) of v_ln (3, n) with fundamental amplitude v1 at angle theta (n,) (into out,
    which may be v_ln); (X, 3, n) for v_ln (X, 3, n) and v1 (X,)."""
    out = np.empty_like(v_ln) if out is None else out
    v1 = np.asarray(v1, dtype=float)[..., None]
    for k in range(3):
        np.subtract(v_ln[..., k, :], v1 * np.cos(theta - k * 2.0 * math.pi / 3.0), out=out[..., k, :])
    return out


def _harmonic_flux(vh, per_unit_time):
    """Flux linkage psi_h of the harmonic voltages vh (..., n) over one period of per_unit_time
    (time step per_unit_time / n; zero mean, no fundamental), by spectral integration (exact for the
    sampled waveform, no drift)."""
    P = np.fft.rfft(vh, axis=-1)
    order = np.arange(2, P.shape[-1])
    P[..., 2:] /= 1j * 2.0 * math.pi * order / per_unit_time
    P[..., :2] = 0.0  # no mean, no fundamental in the harmonic flux
    return np.fft.irfft(P, n=vh.shape[-1], axis=-1)


def _harmonic_stats(theta, v_ln, v1, per_unit_time):
    """Frame moments [<v_par^2>, <v_perp^2>, <psi_par^2>, <psi_perp^2>] of the harmonic part of v_ln
    (3, n) with fundamental amplitude v1, and the phase-a psi_h (n,), psi_h integrated with time step
    per_unit_time / n (zero mean, no fundamental)."""
    vh = _harmonic_part(theta, v_ln, v1)
    psi = _harmonic_flux(vh, per_unit_time)
    return _frame_moments(_clarke(vh), _clarke(psi), theta), psi[..., 0, :]


@cache
def carrier_table(pattern: str = "svpwm"):
    """Carrier-PWM harmonic table of ``pattern`` ("svpwm" | "spwm") over x = V1/u_dc in [0, V_lin/u_dc]:
    array (N_X, 5 + N_BANDS) with columns x, <v_par^2>/u_dc^2, <v_perp^2>/u_dc^2,
    <psi_par^2> (f_sw/u_dc)^2, <psi_perp^2> (f_sw/u_dc)^2, band shares of <|psi_h|^2> at k f_sw.
    Computed for all x at once (arrays N_X x 3 x n, n = 6336 samples per fundamental period: 3.8 MB each)."""
    xs = np.linspace(0.0, LINEAR[pattern], _N_X)
    theta, f, up = _pwm_samples(xs, pattern, _RATIO, _SAMPLES)
    # the voltage moments from the exact pulse train
    vp, vq = _pulse_moments(theta, f, up, xs)
    # the flux moments from the sample averages (as pwm_waveform; f reused for v_ln, then v_h); time unit:
    # one carrier period = 1 -> psi in units of u_dc / f_sw (exact volt-seconds per sample)
    vh = _harmonic_part(theta, _line_to_neutral(np.subtract(f, 0.5, out=f), out=f), xs, out=f)
    psi = _harmonic_flux(vh, float(_RATIO))
    pp, pq = _frame_pair(_clarke(psi), theta)
    shares = _band_shares(psi[:, 0], theta.size, _RATIO)
    return np.column_stack([xs, vp, vq, pp, pq, shares])


@cache
def six_step_moments():
    """(<v_par^2>/u_dc^2, <v_perp^2>/u_dc^2, <psi_par^2> (w_e/u_dc)^2, <psi_perp^2> (w_e/u_dc)^2,
    shares of <|psi_h|^2> per order in SIX_STEP_ORDERS) of the rectangular wave."""
    n = 6 * 2048
    theta = 2.0 * math.pi * (np.arange(n) + 0.5) / n
    pole = np.stack([np.where(np.cos(theta - k * 2.0 * math.pi / 3.0) >= 0, 0.5, -0.5) for k in range(3)])
    v = _line_to_neutral(pole)
    # time unit: 1 / w_e (theta is time) -> psi in units of u_dc / w_e
    (vp, vq, pp, pq), _ = _harmonic_stats(theta, v, SIX_STEP, 2.0 * math.pi)
    w = SIX_STEP_ORDERS ** -4.0  # |psi_n|^2 ~ (v_n / n)^2 with v_n ~ 1/n
    return vp, vq, pp, pq, w / w.sum()


def harmonic_moments(mode: str, v1: float, u_dc: float, f_sw: float | None, w_e: float) -> dict:
    """Harmonic voltage and flux-linkage moments at fundamental v1 (V peak) in the voltage frame
    (module docstring). Returns dict with v_par2, v_perp2 (V^2), psi_par2, psi_perp2 (Wb^2), and
    the frequency content as (frequencies Hz, shares of <|psi_h|^2>) in "freqs", "shares".
    Carrier PWM needs f_sw (None: no carrier -> zero moments below the six-step range)."""
    x = v1 / u_dc
    lin = LINEAR[mode]
    tab = carrier_table("spwm" if mode == "spwm" else "svpwm")
    zero = {"v_par2": 0.0, "v_perp2": 0.0, "psi_par2": 0.0, "psi_perp2": 0.0, "freqs": np.zeros(0),
            "shares": np.zeros(0)}

    def carrier(xc):
        if f_sw is None:
            return None
        r = [float(np.interp(xc, tab[:, 0], tab[:, c])) for c in range(1, 5 + N_BANDS)]
        s = np.asarray(r[4:])
        return {"v_par2": r[0] * u_dc ** 2, "v_perp2": r[1] * u_dc ** 2, "psi_par2": r[2] * (u_dc / f_sw) ** 2,
                "psi_perp2": r[3] * (u_dc / f_sw) ** 2, "freqs": f_sw * np.arange(1, N_BANDS + 1, dtype=float),
                "shares": s / s.sum() if s.sum() > 0 else s}

    if x <= lin * (1 + 1e-12) or mode in ("svpwm", "spwm"):
        c = carrier(min(x, lin))
        return zero if c is None else c
    vp, vq, pp, pq, sh = six_step_moments()
    six = {"v_par2": vp * u_dc ** 2, "v_perp2": vq * u_dc ** 2, "psi_par2": pp * (u_dc / max(w_e, 1e-9)) ** 2,
           "psi_perp2": pq * (u_dc / max(w_e, 1e-9)) ** 2, "freqs": SIX_STEP_ORDERS * w_e / (2.0 * math.pi),
           "shares": sh}
    c = carrier(lin) or {k: (0.0 if not isinstance(v, np.ndarray) else v[:0]) for k, v in zero.items()}
    a = min(max((x - lin) / (SIX_STEP - lin), 0.0), 1.0)
    out = {k: (1 - a) * c[k] + a * six[k] for k in ("v_par2", "v_perp2", "psi_par2", "psi_perp2")}
    pc = c["psi_par2"] + c["psi_perp2"]
    ps = six["psi_par2"] + six["psi_perp2"]
    wc, ws = (1 - a) * pc, a * ps
    tot = wc + ws
    out["freqs"] = np.concatenate([c["freqs"], six["freqs"]])
    out["shares"] = (np.concatenate([c["shares"] * wc, six["shares"] * ws]) / tot) if tot > 0 else \
        np.concatenate([c["shares"], six["shares"]]) * 0.0
    return out


def total_rms_closed_form(v1: float, u_dc: float) -> float:
    """Line-to-neutral rms voltage (fundamental + harmonics) of carrier PWM in the linear range:
    sqrt(2 sqrt(3) / (3 pi) u_dc V1), V (see the module docstring)."""
    return math.sqrt(2.0 * math.sqrt(3.0) / (3.0 * math.pi) * u_dc * v1)
