"""Three-phase stator windings: layout by the star of slots, winding factors, MMF, turns, resistance.

Covers integral- and fractional-slot distributed windings and fractional-slot concentrated windings
(FSCW, tooth coils), single and double layer.

Method (star of slots): Bianchi & Dai Pre, "Use of the star of slots in designing fractional-slot
single-layer synchronous motors", IEE Proc. Electr. Power Appl. 153(3), 2006; Pyrhonen, Jokinen,
Hrabovcova, *Design of Rotating Electrical Machines*, Wiley 2008, ch. 2.

Conventions (used by every function here):

- Slot ``k`` (0 .. Q-1) has its centre at the mechanical angle ``theta_k = 2 pi k / Q`` and at the
  electrical angle ``p theta_k``.
- Phases 0, 1, 2 (a, b, c) have their magnetic axes at 0, +120, +240 electrical degrees, i.e. phase
  ``b`` lies 120 electrical degrees *ahead* in the +theta direction; with the balanced currents
  ``i_m = I cos(w t - 2 pi m / 3)`` the working MMF wave travels towards +theta.
- A *coil* has a go side in slot ``g`` and a return side in slot ``(g + y) mod Q`` (y = coil pitch in
  slots).  Its sign s = +1 or -1 says in which sense it is connected into its phase; a coil side
  carries ``s`` (go side) or ``-s`` (return side) times the conductor current.
- Double layer: one coil starts in every slot (Q coils); layer 0 of slot k holds the go side of coil
  k, layer 1 of slot k holds the return side of the coil that started in slot k - y.  Each coil is
  assigned by the 60-degree phase belts of the star of slots (electrical angle of its go slot):
  [-30, 30) a+, [30, 90) c-, [90, 150) b+, [150, 210) a-, [210, 270) c+, [270, 330) b-.
- Single layer: Q/2 coils, one coil side per slot.  Two constructions:
    * integral slot (q integer) with full pitch y = Q/(2p): the phase belts are applied to the slots
      themselves (Pyrhonen ch. 2); the coil joins slot k (positive belt) to slot k + Q/(2p).
    * otherwise (fractional slot, FSCW): Bianchi & Dai Pre -- go sides in the even slots
      0, 2, 4, ..., y odd so the returns fill the odd slots, and the *coil* phasors (electrical angle
      of the go slot, 2 alpha_s apart) are split by the same 60-degree belts.
- Harmonic orders: ``winding_factor(nu)`` takes the ELECTRICAL order nu, i.e. the space harmonic
  with ``nu * p`` pole pairs (nu = 1 is the working wave; FSCW sub-harmonics have fractional nu such
  as 1/5 for 12 slots / 10 poles, which is accepted as a Fraction or float as long as nu p is an
  integer).  ``winding_factor_mech(n)`` and ``mmf_harmonics(n_max)`` use the MECHANICAL order n =
  number of pole pairs of the space harmonic (n = p is the working wave).
- Winding factors are magnitudes of the normalised phasor sum of the phase's coil sides,
  ``k_w(n) = |sum_sides s e^{j n theta}| / (number of sides)`` (no skew or slot-opening factor).
  For equal-pitch coils it factorises exactly as ``k_w = k_p k_d`` with
  ``k_p(n) = |sin(n y pi / Q)|`` and ``k_d(n) = |sum_coils s e^{j n theta_axis}| / n_coils``.

Feasibility rules (t = gcd(Q, p), the machine periodicity; m = 3 phases):

- balanced three-phase (any layers): Q / (3 t) integer  (Bianchi & Dai Pre 2006).
- single layer, additionally: Q even and (Q/2) / gcd(Q/2, p) divisible by 3; equivalently
  Q/(6t) integer when Q/t is even, Q/(3t) integer when Q/t is odd (Bianchi & Dai Pre 2006, sec. 3).
  The coil pitch of a fractional-slot single-layer winding must be odd.
- q = Q / (2 p m) >= 1/4 (q < 1/4 windings have k_w1 <= 0.5 and are rejected); Q >= 3.
- parallel paths a must divide the number of identical sections of the phase (a_max):
  double layer 2t if Q/t is even, else t; single-layer FSCW 2t' if (Q/2)/t' is even, else t'
  with t' = gcd(Q/2, p); single-layer integral slot: p (one coil group per pole pair).

Turns: every coil has ``turns_per_coil`` turns; a phase has Q/3 coils (double layer) or Q/6 coils
(single layer); the series turns per phase are ``N_ph = coils_per_phase * turns_per_coil / a`` and
the conductors per slot ``z_Q = layers * turns_per_coil`` (Pyrhonen ch. 2: N = Q z_Q / (2 m a)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from motoropt.errors import InputError

N_PHASES = 3

# 60-degree belt index (0..5) -> (phase, sign): a+, c-, b+, a-, c+, b-
_BELT_PHASE = np.array([0, 2, 1, 0, 2, 1], dtype=np.int64)
_BELT_SIGN = np.array([1, -1, 1, -1, 1, -1], dtype=np.int64)


def _belt(elec_units: np.ndarray, Q: int) -> np.ndarray:
    """60-degree belt index of electrical angles given as integers m (angle = 360 m / Q degrees).

    Exact integer arithmetic: belt = floor(angle/60 + 1/2) mod 6 = floor((12 m + Q) / (2 Q)) mod 6,
    so a phasor exactly on a belt boundary (+30 deg) goes to the next belt (half-open belts).
    """
    m = np.mod(elec_units, Q)
    return ((12 * m + Q) // (2 * Q)) % 6


def _default_pitch(Q: int, p: int, layers: int) -> int:
    """Default coil pitch in slots.

    q < 1: tooth coils, y = 1.  q >= 1: y = Q/(2p) rounded half down (full pitch when integral;
    a fractional pole pitch is shortened, e.g. 4.5 -> 4).  Single layer needs y = Q/(2p) when that is
    an integer, otherwise an odd y: the odd integer nearest Q/(2p) (ties down).
    """
    q = Fraction(Q, 2 * p * N_PHASES)
    tau = Fraction(Q, 2 * p)
    if q < 1:
        y = 1
    else:
        y = max(1, math.ceil(tau - Fraction(1, 2)))
    if layers == 1 and tau.denominator != 1 and y % 2 == 0:
        # nearest odd integer to tau (ties down)
        lo = y - 1 if y - 1 >= 1 else y + 1
        hi = y + 1
        y = lo if abs(tau - lo) <= abs(tau - hi) else hi
    return int(y)


@dataclass(frozen=True)
class Winding:
    """A three-phase winding (see the module docstring for every convention).

    Fields:
        slots: Q, number of stator slots.
        pole_pairs: p.
        layers: 1 (single layer) or 2 (double layer).
        coil_pitch: y, coil span in slot pitches (None -> default, see :func:`_default_pitch`).
        turns_per_coil: turns of each coil.
        parallel_paths: a, parallel paths per phase.

    Construct through :func:`make_winding` to get field-named errors with your prefix; direct
    construction validates with the prefix "winding".  Derived quantities are computed once and
    cached (the dataclass stays frozen; arrays returned are read-only).
    """

    slots: int
    pole_pairs: int
    layers: int = 2
    coil_pitch: int | None = None
    turns_per_coil: int = 1
    parallel_paths: int = 1

    def __post_init__(self):
        _validate(self.slots, self.pole_pairs, self.layers, self.coil_pitch, self.turns_per_coil,
                  self.parallel_paths, "winding")
        if self.coil_pitch is None:
            object.__setattr__(self, "coil_pitch", _default_pitch(self.slots, self.pole_pairs, self.layers))

    # ------------------------------------------------------------------ basic numbers
    @property
    def q(self) -> Fraction:
        """Slots per pole per phase, q = Q / (2 p m)."""
        return Fraction(self.slots, 2 * self.pole_pairs * N_PHASES)

    @property
    def periodicity(self) -> int:
        """Machine periodicity t = gcd(Q, p) (number of repetitions of the star of slots)."""
        return math.gcd(self.slots, self.pole_pairs)

    @property
    def slot_angle_elec(self) -> float:
        """Electrical angle between adjacent slots, alpha_s = 2 pi p / Q, rad."""
        return 2.0 * math.pi * self.pole_pairs / self.slots

    @property
    def coils_per_phase(self) -> int:
        """Coils per phase: Q/3 (double layer) or Q/6 (single layer)."""
        return self.slots * self.layers // (2 * N_PHASES)

    @property
    def conductors_per_slot(self) -> int:
        """Conductors (turns' sides) per slot z_Q = layers * turns_per_coil."""
        return self.layers * self.turns_per_coil

    @property
    def series_turns(self) -> int:
        """Series turns per phase N_ph = coils_per_phase * turns_per_coil / a (exact integer)."""
        return self.coils_per_phase * self.turns_per_coil // self.parallel_paths

    @property
    def max_parallel_paths(self) -> int:
        """Largest number of identical parallel paths (see module docstring)."""
        return _max_parallel_paths(self.slots, self.pole_pairs, self.layers, self.coil_pitch)

    @property
    def is_integral_single_layer(self) -> bool:
        """Single layer, q integer and full pitch: laid out by phase belts on the slots."""
        return self.layers == 1 and self.q.denominator == 1 and self.coil_pitch * 2 * self.pole_pairs == self.slots

    # ------------------------------------------------------------------ layout
    @cached_property
    def coils(self) -> np.ndarray:
        """Coil table, int array (n_coils, 4): go slot, return slot, phase (0..2), sign (+1/-1).

        Return slot = (go + y) mod Q.  Read-only.
        """
        Q, p, y = self.slots, self.pole_pairs, self.coil_pitch
        if self.layers == 2:
            go = np.arange(Q, dtype=np.int64)
            belt = _belt(go * p, Q)
        elif self.is_integral_single_layer:
            k = np.arange(Q, dtype=np.int64)
            belt_all = _belt(k * p, Q)
            go = k[_BELT_SIGN[belt_all] > 0]  # positive belts are go sides
            belt = belt_all[go]
        else:
            go = 2 * np.arange(Q // 2, dtype=np.int64)
            belt = _belt(go * p, Q)
        out = np.stack([go, (go + y) % Q, _BELT_PHASE[belt], _BELT_SIGN[belt]], axis=1)
        out.setflags(write=False)
        return out

    @cached_property
    def layout(self) -> np.ndarray:
        """Slot layout, int array (Q, layers, 2): [..., 0] phase index 0..2, [..., 1] sign +1/-1.

        Double layer: layer 0 = go side of the coil starting in that slot, layer 1 = return side of
        the coil that started y slots earlier.  Single layer: the one coil side of that slot.
        """
        Q = self.slots
        out = np.zeros((Q, self.layers, 2), dtype=np.int64)
        c = self.coils
        if self.layers == 2:
            out[c[:, 0], 0, 0] = c[:, 2]
            out[c[:, 0], 0, 1] = c[:, 3]
            out[c[:, 1], 1, 0] = c[:, 2]
            out[c[:, 1], 1, 1] = -c[:, 3]
        else:
            out[c[:, 0], 0, 0] = c[:, 2]
            out[c[:, 0], 0, 1] = c[:, 3]
            out[c[:, 1], 0, 0] = c[:, 2]
            out[c[:, 1], 0, 1] = -c[:, 3]
        out.setflags(write=False)
        return out

    def layout_string(self) -> str:
        """Human-readable layout, e.g. 'A+ A- B- B+ ...' (layers joined with '/')."""
        names = "ABC"
        cells = []
        for k in range(self.slots):
            cells.append("/".join(f"{names[ph]}{'+' if s > 0 else '-'}" for ph, s in self.layout[k]))
        return " ".join(cells)

    # ------------------------------------------------------------------ phasor sums
    def _side_sum(self, n: np.ndarray, phase: int = 0) -> np.ndarray:
        """Complex sum over the coil sides of a phase of s e^{-j n theta} (n = mechanical orders)."""
        c = self.coils[self.coils[:, 2] == phase]
        th_go = 2.0 * np.pi * c[:, 0] / self.slots
        th_ret = 2.0 * np.pi * (c[:, 0] + self.coil_pitch) / self.slots
        n = np.asarray(n, dtype=float)[..., None]
        s = c[:, 3]
        return np.sum(s * (np.exp(-1j * n * th_go) - np.exp(-1j * n * th_ret)), axis=-1)

    def winding_factor_mech(self, n) -> np.ndarray | float:
        """Winding factor of the space harmonic with n pole pairs (n = p is the working wave)."""
        n_arr = np.asarray(n)
        kw = np.abs(self._side_sum(n_arr)) / (2.0 * self.coils_per_phase)
        return float(kw) if np.ndim(kw) == 0 else kw

    def pitch_factor_mech(self, n) -> np.ndarray | float:
        """Pitch (chording) factor k_p(n) = |sin(n y pi / Q)| (all coils have the same pitch y)."""
        kp = np.abs(np.sin(np.asarray(n, dtype=float) * self.coil_pitch * np.pi / self.slots))
        return float(kp) if np.ndim(kp) == 0 else kp

    def distribution_factor_mech(self, n) -> np.ndarray | float:
        """Distribution factor k_d(n) = |sum_coils s e^{j n theta_axis}| / n_coils (coil axes)."""
        c = self.coils[self.coils[:, 2] == 0]
        th_ax = 2.0 * np.pi * (c[:, 0] + 0.5 * self.coil_pitch) / self.slots
        n_arr = np.asarray(n, dtype=float)[..., None]
        kd = np.abs(np.sum(c[:, 3] * np.exp(1j * n_arr * th_ax), axis=-1)) / len(c)
        return float(kd) if np.ndim(kd) == 0 else kd

    def _mech_order(self, nu, name: str = "nu") -> int:
        n = Fraction(nu).limit_denominator(10**6) * self.pole_pairs
        if n.denominator != 1 or n <= 0:
            raise InputError(name, nu, f"> 0 with nu * p an integer (p = {self.pole_pairs})")
        return int(n)

    def winding_factor(self, nu=1) -> float:
        """Winding factor of the ELECTRICAL harmonic order nu (space wave with nu p pole pairs)."""
        return self.winding_factor_mech(self._mech_order(nu))

    def pitch_factor(self, nu=1) -> float:
        """Pitch factor of electrical order nu: |sin(nu (y/tau_p) pi/2)|."""
        return self.pitch_factor_mech(self._mech_order(nu))

    def distribution_factor(self, nu=1) -> float:
        """Distribution factor of electrical order nu."""
        return self.distribution_factor_mech(self._mech_order(nu))

    @cached_property
    def k_w1(self) -> float:
        """Fundamental winding factor k_w1 = k_p1 k_d1."""
        return self.winding_factor_mech(self.pole_pairs)

    @cached_property
    def k_p1(self) -> float:
        """Fundamental pitch factor."""
        return self.pitch_factor_mech(self.pole_pairs)

    @cached_property
    def k_d1(self) -> float:
        """Fundamental distribution factor."""
        return self.distribution_factor_mech(self.pole_pairs)

    @cached_property
    def is_balanced(self) -> bool:
        """True when the three phases are equal windings displaced by 120 electrical degrees.

        Checked numerically on the layout: equal numbers of coils per phase; for every space
        harmonic n = 1..Q the three phase side-sums have equal magnitude; and at the working wave
        n = p they are c_b = c_a e^{-j 2 pi/3}, c_c = c_a e^{+j 2 pi/3}.
        """
        counts = np.bincount(self.coils[:, 2], minlength=3)
        if not np.all(counts == counts[0]) or counts[0] == 0:
            return False
        n = np.arange(1, self.slots + 1)
        ca, cb, cc = (self._side_sum(n, ph) for ph in range(3))
        if not (np.allclose(np.abs(cb), np.abs(ca), atol=1e-9) and np.allclose(np.abs(cc), np.abs(ca), atol=1e-9)):
            return False
        p = self.pole_pairs
        a1, b1, c1 = (self._side_sum(np.array([p]), ph)[0] for ph in range(3))
        rot = np.exp(-2j * np.pi / 3)
        return bool(abs(a1) > 1e-9 and abs(b1 - a1 * rot) < 1e-9 * abs(a1) + 1e-12
                    and abs(c1 - a1 / rot) < 1e-9 * abs(a1) + 1e-12)

    # ------------------------------------------------------------------ MMF
    def mmf_spectrum(self, n_max: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rotating MMF space harmonics of the three-phase winding with balanced sinusoidal currents.

        Currents ``i_m = I cos(w t - 2 pi m / 3)`` (I = peak phase current, a paths share it).  The
        air-gap MMF (ampere-turns, slots as point conductors at the bore, no slot opening) is
        ``F(theta, t) = sum_n F_n cos(n theta -+ w t - phi_n)``.

        Returns ``(n, F_n / I, direction)`` for n = 0..n_max: n mechanical order (pole pairs of the
        wave), amplitude per ampere of peak phase current (A-turns/A), direction +1 = travels with
        the working wave (+theta), -1 = against it, 0 = absent (F_n < 1e-12 of the largest).
        Derivation: conductor density Fourier coefficient c_{m,n} = (N_c / (a pi)) sum s e^{-j n theta},
        MMF = integral of it, so each travelling wave has amplitude |sum_m c_{m,n} e^{-+j 2 pi m/3}| / (2 n).
        """
        if int(n_max) < 1:
            raise InputError("n_max", n_max, ">= 1")
        n = np.arange(0, int(n_max) + 1)
        nn = n[1:]
        scale = self.turns_per_coil / (self.parallel_paths * np.pi)
        c = [self._side_sum(nn, ph) * scale for ph in range(3)]
        phi = 2.0 * np.pi * np.arange(3) / 3.0
        fwd = np.abs(sum(c[m] * np.exp(1j * phi[m]) for m in range(3))) / (2.0 * nn)
        bwd = np.abs(sum(c[m] * np.exp(-1j * phi[m]) for m in range(3))) / (2.0 * nn)
        amp = np.zeros(len(n))
        amp[1:] = fwd + bwd  # for a balanced winding at most one of them is non-zero
        tol = 1e-12 * max(amp.max(), 1e-300)
        direction = np.zeros(len(n), dtype=np.int64)
        direction[1:] = np.where(fwd > tol, 1, np.where(bwd > tol, -1, 0))
        amp[amp <= tol] = 0.0
        return n, amp, direction

    def mmf_harmonics(self, n_max: int) -> np.ndarray:
        """Normalised MMF space-harmonic amplitudes F_n / F_p for mechanical orders n = 0..n_max.

        Index n of the returned array is the pole-pair number of the wave; the working wave n = p
        has 1 (n_max must be >= p).  For a balanced winding F_n / F_p = (p k_w(n)) / (n k_w1).
        """
        if int(n_max) < self.pole_pairs:
            raise InputError("n_max", n_max, f">= pole_pairs ({self.pole_pairs})")
        _, amp, _ = self.mmf_spectrum(n_max)
        return amp / amp[self.pole_pairs]

    def mmf_fundamental_per_amp(self) -> float:
        """Working-wave MMF amplitude per ampere of peak phase current, A-turns/A.

        Closed form (Pyrhonen ch. 2): F_1 = (m / 2)(4 / pi)(k_w1 N_ph / (2 p)) I.
        """
        return 1.5 * 4.0 / np.pi * self.k_w1 * self.series_turns / (2 * self.pole_pairs)

    # ------------------------------------------------------------------ lengths
    def end_winding_length(self, bore_diameter: float, slot_depth: float, straight_extension: float = 0.0) -> float:
        """Length of one coil end (one end of one turn), m.  See :func:`end_winding_length`."""
        return end_winding_length(self.coil_pitch, self.slots, bore_diameter, slot_depth, straight_extension)

    def mean_turn_length(self, stack_length: float, bore_diameter: float, slot_depth: float,
                         straight_extension: float = 0.0) -> float:
        """Mean length of one turn, m: 2 (stack_length + end_winding_length)."""
        return mean_turn_length(self, stack_length, bore_diameter, slot_depth, straight_extension)


# ---------------------------------------------------------------------- validation / builder
def _max_parallel_paths(Q: int, p: int, layers: int, y: int | None) -> int:
    t = math.gcd(Q, p)
    if layers == 2:
        return 2 * t if (Q // t) % 2 == 0 else t
    if Fraction(Q, 6 * p).denominator == 1 and (y is None or 2 * p * y == Q):
        return p
    tc = math.gcd(Q // 2, p)
    return 2 * tc if ((Q // 2) // tc) % 2 == 0 else tc


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _validate(Q, p, layers, y, turns, a, prefix: str) -> None:
    f = prefix + "."
    for name, v in (("slots", Q), ("pole_pairs", p), ("turns_per_coil", turns), ("parallel_paths", a)):
        if not _is_int(v) or v < 1:
            raise InputError(f + name, v, "a positive integer")
    if not _is_int(layers) or layers not in (1, 2):
        raise InputError(f + "layers", layers, "1 (single layer) or 2 (double layer)")
    if Q < 3:
        raise InputError(f + "slots", Q, ">= 3 for a three-phase winding")
    t = math.gcd(Q, p)
    if Q % (3 * t) != 0:
        raise InputError(f + "slots", Q,
                         f"such that Q/(3 t) is an integer, t = gcd(Q, p) = {t}, for a balanced three-phase "
                         f"winding with {f}pole_pairs = {p}")
    q = Fraction(Q, 6 * p)
    if q < Fraction(1, 4):
        raise InputError(f + "pole_pairs", p,
                         f"<= 2 Q / 3 = {Fraction(2 * Q, 3)} (q = Q/(6p) >= 1/4) for {f}slots = {Q}")
    if layers == 1:
        if Q % 2 != 0:
            raise InputError(f + "layers", layers, f"2 for an odd {f}slots = {Q} (single layer needs Q even)")
    if y is not None:
        if not _is_int(y) or y < 1 or y >= Q:
            raise InputError(f + "coil_pitch", y, f"an integer in 1 .. {Q - 1} slots")
    y_eff = y if y is not None else _default_pitch(Q, p, layers)
    if layers == 1:
        integral = q.denominator == 1 and 2 * p * y_eff == Q
        if not integral:
            tc = math.gcd(Q // 2, p)
            if ((Q // 2) // tc) % 3 != 0:
                raise InputError(f + "layers", layers,
                                 f"2: a single-layer winding with {f}slots = {Q}, {f}pole_pairs = {p} is not "
                                 "balanced ((Q/2)/gcd(Q/2, p) must be divisible by 3)")
            if y_eff % 2 == 0:
                if q.denominator == 1:
                    allowed = f"{Q // (2 * p)} (full pitch) or odd for a single-layer winding"
                else:
                    allowed = "odd for a fractional-slot single-layer winding"
                raise InputError(f + "coil_pitch", y_eff, allowed)
    a_max = _max_parallel_paths(Q, p, layers, y_eff)
    if a_max % a != 0:
        divisors = [d for d in range(1, a_max + 1) if a_max % d == 0]
        raise InputError(f + "parallel_paths", a, f"a divisor of {a_max} (one of {divisors})")


def make_winding(slots: int, pole_pairs: int, layers: int = 2, coil_pitch: int | None = None,
                 turns_per_coil: int = 1, parallel_paths: int = 1, field_prefix: str = "winding") -> Winding:
    """Validated :class:`Winding`; errors are :class:`InputError` naming ``field_prefix + ".<field>"``.

    Raises when the combination is not a balanced three-phase winding (rules in the module docstring).
    """
    key = (slots, pole_pairs, layers, coil_pitch, turns_per_coil, parallel_paths)
    hit = _WINDING_MEMO.get(key)
    if hit is not None:  # validated and balanced before (the checks do not depend on field_prefix)
        return hit
    _validate(slots, pole_pairs, layers, coil_pitch, turns_per_coil, parallel_paths, field_prefix)
    if coil_pitch is None:
        coil_pitch = _default_pitch(slots, pole_pairs, layers)
    w = Winding(int(slots), int(pole_pairs), int(layers), int(coil_pitch), int(turns_per_coil), int(parallel_paths))
    if not w.is_balanced:  # the rules above are sufficient; this guards the construction itself
        raise InputError(field_prefix + ".slots", slots,
                         f"a slot/pole/layer combination giving a balanced winding (p = {pole_pairs}, "
                         f"layers = {layers}, coil_pitch = {coil_pitch})")
    if len(_WINDING_MEMO) >= 64:
        _WINDING_MEMO.clear()
    _WINDING_MEMO[key] = w
    return w


# make_winding's results per argument tuple: an optimisation's designs share a few slot/pole/turn
# combinations, and the balance check (the star of slots) costs ~0.8 ms a design. Windings are frozen.
_WINDING_MEMO: dict = {}


# ---------------------------------------------------------------------- lengths, area, resistance
def end_winding_length(coil_pitch: int, slots: int, bore_diameter: float, slot_depth: float,
                       straight_extension: float = 0.0) -> float:
    """Length of one coil end (one end of one turn), m -- semicircular end-turn model.

    Assumptions: the end turn is a half circle whose diameter is the coil span measured at the
    middle of the slot depth, ``w_c = y pi (D + h_s) / Q``, plus a straight axial extension ``l_x``
    out of the core at each side of the coil: ``l_ew = (pi / 2) w_c + 2 l_x``.  (Semicircular
    model as used e.g. in Hendershot & Miller, *Design of Brushless PM Motors*, and Pyrhonen sec. 9;
    Pyrhonen's empirical l_av = 2 l + 2.4 W + 0.1 m targets large industrial machines.)

    Args: coil_pitch y (slots), slots Q, bore_diameter D (m), slot_depth h_s (m), straight_extension
    l_x (m, >= 0).
    """
    if bore_diameter <= 0:
        raise InputError("bore_diameter", bore_diameter, "> 0 (m)")
    if slot_depth < 0:
        raise InputError("slot_depth", slot_depth, ">= 0 (m)")
    if straight_extension < 0:
        raise InputError("straight_extension", straight_extension, ">= 0 (m)")
    span = coil_pitch * math.pi * (bore_diameter + slot_depth) / slots
    return 0.5 * math.pi * span + 2.0 * straight_extension


def mean_turn_length(winding: Winding, stack_length: float, bore_diameter: float, slot_depth: float,
                     straight_extension: float = 0.0) -> float:
    """Mean turn length l_av = 2 (L_stk + l_ew), m (two active sides, two coil ends)."""
    if stack_length <= 0:
        raise InputError("stack_length", stack_length, "> 0 (m)")
    return 2.0 * (stack_length + end_winding_length(winding.coil_pitch, winding.slots, bore_diameter,
                                                    slot_depth, straight_extension))


def copper_area_per_slot(slot_area: float, fill_factor: float) -> float:
    """Copper cross-section in one slot, m^2 = slot_area * fill_factor (fill = copper / slot area)."""
    if slot_area <= 0:
        raise InputError("slot_area", slot_area, "> 0 (m^2)")
    if not 0.0 < fill_factor < 1.0:
        raise InputError("fill_factor", fill_factor, "in (0, 1)")
    return slot_area * fill_factor


def copper_area_per_conductor(winding: Winding, slot_area: float, fill_factor: float) -> float:
    """Copper area of one conductor (one turn's cross-section), m^2 = slot copper / z_Q."""
    return copper_area_per_slot(slot_area, fill_factor) / winding.conductors_per_slot


def phase_resistance(winding: Winding, rho: float, stack_length: float, mean_turn_length: float,
                     copper_area_per_conductor: float) -> float:
    """DC phase resistance, ohm: R = rho N_ph l_av / (a A_c).

    Each of the a parallel paths has N_ph series turns of mean length l_av and copper area A_c per
    turn; the a paths are in parallel.  ``stack_length`` is used to check l_av > 2 L_stk (a turn has
    two active sides).  rho in ohm m at the temperature wanted (copper 1.724e-8 at 20 degC, IEC 60028).
    """
    if rho <= 0:
        raise InputError("rho", rho, "> 0 (ohm m)")
    if stack_length <= 0:
        raise InputError("stack_length", stack_length, "> 0 (m)")
    if mean_turn_length <= 2.0 * stack_length:
        raise InputError("mean_turn_length", mean_turn_length, f"> 2 * stack_length = {2 * stack_length} m")
    if copper_area_per_conductor <= 0:
        raise InputError("copper_area_per_conductor", copper_area_per_conductor, "> 0 (m^2)")
    return rho * winding.series_turns * mean_turn_length / (winding.parallel_paths * copper_area_per_conductor)
