"""The cage induction machine's FEA path: locked-rotor time-harmonic solves and magnetising solves on
the cross-section of :mod:`.cage_section`, reduced to the per-phase T-circuit quantities of
:class:`motoropt.machines.induction.circuit.CircuitParams` (peak, amplitude-invariant phasors, SI).

Definitions (phase A; i_x = I e^{-j phi_x} with phi_x the phase axes of :func:`.machine.phase_axes`
makes a forward field rotating at the slip frequency w_r over the locked rotor):
- air-gap (magnetising) flux linkage psi_m: from the forward p-pole-pair wave of A_z on the circle
  r_2 (the band's stator-side radius, g/3 from the bore), A_f = (1/S) integral A e^{j p theta} dtheta
  over the sector S (twice that for a real static snapshot), linked by the winding:
  psi_m = L A_f z / a, z = sum over phase A's coil sides of sign x turns x e^{-j p theta_k} (full
  machine; |z| / a = 2 k_w1 N_ph). It is the flux of the fundamental gap wave only: the gap
  harmonics belong to the leakages (the equivalent circuit's differential leakage), as in
  :meth:`motoropt.machines.induction.design.InductionDesign.circuit_params`.
- magnetising curve (static nonlinear solves, bars without current: the synchronous state): at a
  balanced 3-phase current snapshot the field is the rotating field frozen (exact for a rotating
  field of constant amplitude; slot harmonics aside): i_m = I, psi_m as above, and the stator 2-D
  leakage L_ss,2D = (psi_d - |psi_m|) / I with psi_d the d-axis (current-axis) phase flux linkage
  (slot, tooth-tip and differential leakage; the end winding is not in a 2-D model).
- locked rotor at slip frequency f_r (time-harmonic solves with conducting bars shorted by ideal
  rings; nonlinear iron with the effective permeability at the peak of the elliptic field,
  ``peak="ellipse"``, since the field rotates). The referred rotor current comes from the bar
  currents I_k (net current of bar k at axis alpha_k) by equal fundamental current-sheet waves:
  i_r = sum_k I_k e^{j p alpha_k} / (j 6 k_w1 N_ph) over the full machine (magnitude: peak bar
  current = (2 m k_w1 N_ph / Q_r) |i_r|, the circuit model's i_bar_ratio), in the frame where the
  phase-A current i_s is real, with the circuit model's sign (i_s = i_m - i_r). The rotor branch of
  0 = R_r i_r + j w_r (L_rs i_r + psi_m) gives Z_r = R_r + j w_r L_rs = -j w_r psi_m / i_r; the
  implied magnetising current i_m = i_s + i_r is returned as a check against the magnetising curve.
  Checks carried with each point: the bar loss gives R_r,loss = P_bars / (1.5 |i_r|^2) (equal to
  Re Z_r when the fundamental carries all the rotor loss), and the time-average stress-tensor
  torque T against p P_bars / w_r (equal for a pure fundamental; slot-harmonic fields add loss
  with torques of either sign).
- What the 2-D values contain: R_r,2D is the bar resistance inside the stack with its skin effect
  (ideal rings); L_rs,2D the bar slot, neck (or bridge) and rotor differential (harmonic) leakage.
  The equivalent circuit's bar extensions and rings (R_rest; ring leakage lambda_er) are added from
  the geometry in both the FEA-derived and the analytic parameters; the comparison is of the 2-D
  parts.

The FEA-derived equivalent circuit (:func:`fea_circuit_params`; the provider the evaluation uses
for ``[fea] fidelity = "fea"``: :class:`FeaCageCircuits`):
- psi_tab, im_tab <- the FEA magnetising curve through the origin (PCHIP, monotone, resampled on
  64 flux values); L_m0 <- its first secant;
- L_ss <- the FEA 2-D stator leakage at the rated air-gap flux (interpolated on the curve) + the
  end-winding leakage of the geometry model (a 2-D model has no end winding);
- rotor: tables of R_r = R_r,2D + R_rest and L_rs = L_rs,2D + k_mu_l lambda_er (ends from the
  geometry) over the slip frequency and the referred rotor current |i_r| that the circuit
  interpolates instead of Field's factors and the bridge permeance
  (:meth:`motoropt.machines.induction.circuit.CircuitParams.rotor_table`). At slip w_r a running
  machine's fundamental field in the rotor frame is the locked rotor's at the same w_r and stator
  current (the state at a given slip is one-parametric: I_s, |i_r| and psi_m are tied), so a
  table over (w_r, |i_r|) holds the running machine's rotor branch; stator-side frequency effects
  (eddy currents in the stator iron, which the model has none of) aside.
- everything else (R_s, iron and mechanical losses, the bar/ring loss split) from the geometry.

Which solves (:class:`CageGrid`): slip frequencies at fixed fractions of the analytic circuit's
breakdown slip R_r0 / L_r0 (default 0.05, 0.2, 0.6, 2: the operating slips and the envelope's
search range), at each two stator currents: the one giving 1.3 x the rated gap flux with the FEA
magnetising curve and the analytic rotor branch (at most the current limit) and 0.4 x that; the
magnetising curve at 0.25 .. 1 x the analytic circuit's rated magnetising current and four
geometric steps from there to min(1.1 I_max, the analytic table's top). One cross-section and mesh
per design serves every solve (the circuit currents and the frequency change, not the geometry).
Static solves warm-start from the previous current (energy line search); each locked-rotor solve
starts from the linear solve with the element reluctivities frozen at the previous slip's solution
(the first of a current level: at the static solution nearest in air-gap flux to the expected
one), then Newton to a relative residual of 1e-4 (the parameters agree with 1e-6 to 5 digits). Results are cached on disk
(:func:`cage_fea_data`) like the PM flux maps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator

from motoropt.errors import InputError
from motoropt.machines.induction.circuit import CircuitParams, rotor_rl, skin_factors
from motoropt.magnetics.analytic import leakage_inductance
from motoropt.magnetics.fea.cage_section import CAGE_SECTORS, CageMeshSpec, build_cage_section
from motoropt.magnetics.fea.harmonic import (
    build_harmonic_problem,
    circuit_results,
    current_density,
    resistive_loss,
    solve_harmonic,
    torque_time_average,
)
from motoropt.magnetics.fea.machine import PHASES, MachineSection
from motoropt.magnetics.fea.pipeline import cache_dir, code_hash, design_key, json_default
from motoropt.magnetics.fea.post import flux_linkage
from motoropt.magnetics.fea.settings import FeaSettings
from motoropt.magnetics.fea.solver import Problem, build_problem, solve

CACHE_VERSION = 1
N_PSI_TAB = 64


def winding_phasor(design) -> complex:
    """z = sum over phase A's coil sides (full machine) of sign x turns_per_coil x e^{-j p theta_k}."""
    w = design.winding
    lay = np.asarray(w.layout)
    Q, p = design.stator.Q, design.p
    th = 2 * math.pi * np.arange(Q) / Q
    z = 0j
    for layer in range(lay.shape[1]):
        sel = lay[:, layer, 0] == 0
        z += np.sum(lay[sel, layer, 1] * np.exp(-1j * p * th[sel]))
    return complex(z * int(w.turns_per_coil))


def gap_wave(sec, p_problem, A, p: int, real_snapshot: bool) -> complex:
    """Forward p-pole-pair coefficient A_f of A_z on the circle r_2 (A ~ Re(A_f e^{-j p theta}) for a
    real snapshot; A = A_f e^{-j p theta} + ... for a phasor field)."""
    r2 = sec.r_band[1]
    xy = p_problem.nodes
    rr = np.hypot(xy[:, 0], xy[:, 1])
    on = np.nonzero(np.abs(rr - r2) < 1e-7 * r2)[0]
    th = np.arctan2(xy[on, 1], xy[on, 0])
    c0 = math.radians(sec.sector_deg[0])
    th = np.mod(th - c0, 2 * math.pi)
    span = 2 * math.pi / sec.sectors
    keep = th <= span + 1e-9
    th, vals = th[keep], A[on][keep]
    order = np.argsort(th)
    th, vals = th[order], vals[order]
    f = vals * np.exp(1j * p * (th + c0))
    coef = np.trapezoid(f, th) / span
    return complex(2.0 * coef if real_snapshot else coef)


@dataclass
class CageModel:
    """One meshed cross-section of a design that every static and locked-rotor solve reuses (the
    circuit currents and the frequency change, not the geometry): the section (zero currents), its
    static :class:`~motoropt.magnetics.fea.solver.Problem`, the phase axes phi (rad), the winding
    phasor z and the parallel paths a."""

    design: object
    section: MachineSection
    problem: Problem
    phi: np.ndarray
    z: complex
    a: int

    @classmethod
    def build(cls, design, mesh: CageMeshSpec | None = None, sector: str = "auto") -> CageModel:
        sec = build_cage_section(design, sector=sector, mesh=mesh)
        return cls(design, sec, build_problem(sec.geometry), np.asarray(sec.phase_axes_rad),
                   winding_phasor(design), int(design.winding.parallel_paths))

    @property
    def elements(self) -> int:
        return int(self.problem.tri.shape[0])

    def conductor_currents(self, phasors) -> dict:
        """Circuit (conductor) currents of phase currents ``phasors`` (A peak): i_x / a."""
        return {n: phasors[k] / self.a for k, n in enumerate(PHASES)}


def _as_model(design_or_model, mesh, sector) -> CageModel:
    return design_or_model if isinstance(design_or_model, CageModel) else CageModel.build(design_or_model, mesh, sector)


@dataclass
class MagnetisingCurve:
    """FEA magnetising curve (static, no rotor current): i_m (A peak), psi_m (Wb peak, gap
    fundamental), psi_d (Wb peak, total d-axis phase flux linkage), L_ss_2d (H)."""

    i_m: np.ndarray
    psi_m: np.ndarray
    psi_d: np.ndarray
    L_ss_2d: np.ndarray
    elements: int

    def L_m(self, psi: float) -> float:
        """Secant magnetising inductance at air-gap flux linkage psi (Wb), H (linear below the first
        point; InputError beyond the last: no extrapolation into saturation)."""
        if psi > self.psi_m[-1] * (1 + 1e-12):
            raise InputError("psi_m", psi, f"<= {self.psi_m[-1]:.6g} Wb (the magnetising curve's last point)")
        if psi <= self.psi_m[0]:
            return float(self.psi_m[0] / self.i_m[0])
        return float(psi / np.interp(psi, self.psi_m, self.i_m))


def _magnetising(cm: CageModel, currents) -> tuple:
    """(MagnetisingCurve, static solutions) at balanced phase currents of peak ``currents``."""
    currents = np.asarray(currents, float)
    if currents.ndim != 1 or currents.size < 1 or np.any(currents <= 0) or np.any(np.diff(currents) <= 0):
        raise InputError("currents", currents.tolist(), "increasing peak phase currents > 0 A")
    d, sec, pr = cm.design, cm.section, cm.problem
    psi_m, psi_d, sols = [], [], []
    A_prev = None
    for I in currents:
        sol = solve(pr, currents=cm.conductor_currents(I * np.cos(cm.phi)), A0=A_prev, line_search="energy")
        A_prev = sol.A
        sols.append(sol)
        Af = gap_wave(sec, pr, sol.A, d.p, True)
        psi_m.append(abs(d.stator.L * Af * cm.z / cm.a))
        ps = sec.phase_flux_linkage(flux_linkage(sol))
        psi_d.append(2.0 / 3.0 * float(np.sum(ps * np.cos(cm.phi))))
    psi_m, psi_d = np.array(psi_m), np.array(psi_d)
    return MagnetisingCurve(currents, psi_m, psi_d, (psi_d - psi_m) / currents, cm.elements), sols


def magnetising_curve(design, currents, mesh: CageMeshSpec | None = None, sector: str = "auto") -> MagnetisingCurve:
    """Static nonlinear solves at balanced phase currents of peak ``currents`` (A, increasing), each
    warm-started from the previous; ``design`` may be a :class:`CageModel` (its mesh reused;
    ``mesh`` and ``sector`` ignored)."""
    return _magnetising(_as_model(design, mesh, sector), currents)[0]


@dataclass
class LockedRotorPoint:
    """One locked-rotor solve (full-machine values, phasors in the frame of a real phase-A current):
    slip_hz, current_a (peak phase), psi_s (phase-A flux linkage), psi_m (air-gap fundamental), i_r
    (referred rotor current from the bars), i_m (= i_s + i_r, implied magnetising current), R_r,
    L_r (rotor branch, 2-D), R_r_loss (from the bar loss), P_bars_w, torque_nm (time average),
    I_bar (fundamental peak bar current, A), iterations, solve_time_s, elements."""

    slip_hz: float
    current_a: float
    psi_s: complex
    psi_m: complex
    i_r: complex
    i_m: complex
    R_r: float
    L_r: float
    R_r_loss: float
    P_bars_w: float
    torque_nm: float
    I_bar: float
    iterations: int
    solve_time_s: float
    elements: int


def locked_rotor(design, slip_hz: float, current_a: float, mesh: CageMeshSpec | None = None,
                 sector: str = "auto", A0=None) -> tuple:
    """Locked-rotor time-harmonic solve at ``slip_hz`` and peak phase current ``current_a``;
    returns (LockedRotorPoint, solution A for warm starts). ``design`` may be a :class:`CageModel`
    (its mesh reused; ``mesh`` and ``sector`` ignored)."""
    if not (slip_hz > 0 and current_a > 0):
        raise InputError("slip_hz, current_a", (slip_hz, current_a), "> 0")
    cm = _as_model(design, mesh, sector)
    hp = build_harmonic_problem(cm.section.geometry, static=cm.problem, frequency_hz=slip_hz)
    pt, sol = _locked_rotor_solve(cm, hp, slip_hz, current_a, A0)
    return pt, sol.A


def _locked_rotor_solve(cm: CageModel, hp, slip_hz: float, current_a: float, A0=None, tol: float = 1e-6) -> tuple:
    """(LockedRotorPoint, HarmonicSolution) of the locked-rotor problem ``hp`` (module docstring)."""
    d, sec, pr = cm.design, cm.section, cm.problem
    w_r = 2 * math.pi * slip_hz
    phi = cm.phi
    sol = solve_harmonic(hp, currents=cm.conductor_currents(current_a * np.exp(-1j * phi)), A0=A0, peak="ellipse",
                         tol=tol)
    n = sec.sectors
    a_par, z = cm.a, cm.z
    rot = np.exp(1j * phi[0])  # phase-A phasors referred to a real phase-A current
    psi_s = circuit_results(sol)["A"]["flux_linkage"] * n / a_par * rot
    psi_m = d.stator.L * gap_wave(sec, pr, sol.A, d.p, False) * z / a_par * rot
    labels = sec.geometry.labels
    cage = np.array([lab.material == "cage" for lab in labels])
    bars = cage[pr.label]
    P_bars = float(resistive_loss(sol)[bars].sum()) * n
    T = torque_time_average(sol, 1) * n
    Ja = current_density(sol).mean(axis=1) * pr.area
    lab_I = (np.bincount(pr.label, weights=Ja.real, minlength=len(labels))
             + 1j * np.bincount(pr.label, weights=Ja.imag, minlength=len(labels)))
    ax = np.asarray(sec.info["bar_axes_rad"])
    wave = n * complex(np.sum(lab_I[np.nonzero(cage)[0]] * np.exp(1j * d.p * ax)))  # full machine
    i_r = wave / (3j * abs(z) / a_par)  # 6 k_w1 N_ph = 3 |z| / a
    Z_r = -1j * w_r * psi_m / i_r
    pt = LockedRotorPoint(float(slip_hz), float(current_a), complex(psi_s), complex(psi_m), complex(i_r),
                          complex(current_a + i_r), float(Z_r.real), float(Z_r.imag / w_r),
                          P_bars / (1.5 * abs(i_r) ** 2), P_bars, float(T), abs(wave) / d.rotor.Q_r,
                          int(sol.iterations), float(sol.solve_time_s), int(pr.tri.shape[0]))
    return pt, sol


# ---------------------------------------------------------------------- the FEA circuit's solves
@dataclass(frozen=True)
class CageGrid:
    """Which solves the FEA-derived circuit uses (module docstring).

    slip_fractions: locked-rotor slip frequencies as fractions of the analytic breakdown slip
    R_r0 / L_r0; current_fractions: locked-rotor stator currents per slip as fractions of the one
    giving ``flux_high`` x the rated gap flux (FEA magnetising curve, analytic rotor branch; at
    most ``current_cap`` x I_max); magnetising_fractions: magnetising currents as fractions of the
    analytic circuit's i_m at rated flux, then ``saturation_points`` geometric steps from there to
    the top point min(``magnetising_top`` x I_max, the analytic table's top)."""

    slip_fractions: tuple = (0.05, 0.2, 0.6, 2.0)
    current_fractions: tuple = (0.4, 1.0)
    flux_high: float = 1.3
    current_cap: float = 1.0
    magnetising_fractions: tuple = (0.25, 0.5, 0.75, 1.0)
    saturation_points: int = 4
    magnetising_top: float = 1.1

    def validate(self) -> None:
        for name, v, lo in (("slip_fractions", self.slip_fractions, 2), ("current_fractions", self.current_fractions, 1),
                            ("magnetising_fractions", self.magnetising_fractions, 1)):
            a = np.asarray(v, float)
            if a.ndim != 1 or a.size < lo or np.any(a <= 0) or np.any(np.diff(a) <= 0):
                raise InputError(f"CageGrid.{name}", list(v), f">= {lo} increasing values > 0")
        for name, v in (("flux_high", self.flux_high), ("current_cap", self.current_cap),
                        ("magnetising_top", self.magnetising_top)):
            if not (v > 0 and math.isfinite(v)):
                raise InputError(f"CageGrid.{name}", v, "> 0")
        if isinstance(self.saturation_points, bool) or not isinstance(self.saturation_points, int) or self.saturation_points < 1:
            raise InputError("CageGrid.saturation_points", self.saturation_points, "an integer >= 1")

    @property
    def n_static(self) -> int:
        return len(self.magnetising_fractions) + self.saturation_points

    @property
    def n_harmonic(self) -> int:
        return len(self.slip_fractions) * len(self.current_fractions)


#: the full path the shortcuts are measured against (benchmarks/induction_fea_compare.py)
FULL_GRID = CageGrid(slip_fractions=(0.03, 0.08, 0.2, 0.45, 1.0, 2.0), current_fractions=(0.2, 0.45, 0.7, 1.0),
                     magnetising_fractions=(0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.0), saturation_points=7)


def slip_points(design, grid: CageGrid = CageGrid()) -> np.ndarray:
    """Locked-rotor slip frequencies, Hz: ``grid.slip_fractions`` x the analytic breakdown slip."""
    grid.validate()
    cp = design.circuit_params()
    x_bd = (cp.R_bar + cp.R_rest) / (cp.L_bar + cp.L_rc)
    return x_bd * np.asarray(grid.slip_fractions, float) / (2 * math.pi)


def magnetising_points(design, grid: CageGrid = CageGrid()) -> np.ndarray:
    """Magnetising currents, A peak (:class:`CageGrid`): fractions of the analytic i_m at rated flux,
    then geometric steps to the top point."""
    grid.validate()
    cp = design.circuit_params()
    top = min(grid.magnetising_top * design.i_max, float(cp.im_tab[-1]))
    i_rated = min(float(np.interp(design.psi_rated, cp.psi_tab, cp.im_tab)), 0.5 * top)
    i_m = i_rated * np.asarray(grid.magnetising_fractions, float)
    sat = np.geomspace(i_m[-1], top, grid.saturation_points + 1)[1:]
    return np.concatenate((i_m, sat))


def _locked_rotor_state(cp, mc: MagnetisingCurve, x: float, psi: float) -> complex:
    """Stator current phasor (A peak) of the locked rotor at slip x (rad/s) and air-gap flux psi (Wb):
    i_s = i_m(psi) - i_r with the FEA magnetising curve and the analytic rotor branch
    i_r = -j x psi / Z_r (fixed point on the closed bridge's current-dependent leakage)."""
    cv = cp.pack()
    H, B = np.ascontiguousarray(cp.bh_H, float), np.ascontiguousarray(cp.bh_B, float)
    kR, kX = skin_factors(cp.xi_coeff * math.sqrt(x))
    I_r = 0.0
    for _ in range(4):
        R, L = rotor_rl(cv, kR, kX, I_r, H, B)
        I_r = x * psi / abs(R + 1j * x * L)
    return complex(np.interp(psi, mc.psi_m, mc.i_m) + 1j * x * psi / (R + 1j * x * L))


def _expected_flux(cp, mc: MagnetisingCurve, x: float, I_s: float) -> float:
    """Air-gap flux (Wb) of the locked rotor at slip x and stator current I_s by
    :func:`_locked_rotor_state` (bisection; at most the curve's last point)."""
    lo, hi = 0.0, float(mc.psi_m[-1])
    if abs(_locked_rotor_state(cp, mc, x, hi)) <= I_s:
        return hi
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if abs(_locked_rotor_state(cp, mc, x, mid)) < I_s else (lo, mid)
    return 0.5 * (lo + hi)


def locked_rotor_currents(design, slip_hz, mc: MagnetisingCurve, grid: CageGrid = CageGrid()) -> np.ndarray:
    """Locked-rotor stator currents (n_f, n_c), A peak: per slip the |i_s| giving ``grid.flux_high``
    x the rated gap flux (:func:`_locked_rotor_state`: the FEA magnetising curve ``mc``, the analytic
    rotor branch; the curve's last point if it ends below), at most ``current_cap`` x I_max, times
    ``grid.current_fractions``."""
    cp = design.circuit_params()
    psi = min(grid.flux_high * design.psi_rated, float(mc.psi_m[-1]))
    out = np.zeros((len(slip_hz), len(grid.current_fractions)))
    for j, f in enumerate(slip_hz):
        I_s = abs(_locked_rotor_state(cp, mc, 2 * math.pi * f, psi))
        out[j] = min(I_s, grid.current_cap * design.i_max) * np.asarray(grid.current_fractions, float)
    return out


@dataclass
class CageFEAData:
    """What the FEA computed for one design (cached on disk): the magnetising curve
    (:class:`MagnetisingCurve` arrays) and the locked-rotor points as arrays (n_f, n_c) over slip
    (``slip_hz``, (n_f,)) and stator current (``current_a``, (n_f, n_c)): |i_r| (``I_r``), R_r, L_r
    (2-D rotor branch), R_r_loss, torque_nm, P_bars_w, psi_m (|air-gap flux linkage|), i_m
    (|implied magnetising current|), iterations; elements, wall times (static_s, harmonic_s)."""

    slip_hz: np.ndarray
    current_a: np.ndarray
    I_r: np.ndarray
    R_r: np.ndarray
    L_r: np.ndarray
    R_r_loss: np.ndarray
    torque_nm: np.ndarray
    P_bars_w: np.ndarray
    psi_m: np.ndarray
    i_m: np.ndarray
    iterations: np.ndarray
    magnetising: MagnetisingCurve
    elements: int
    static_s: float
    harmonic_s: float
    from_cache: bool = False

    def arrays(self) -> dict:
        mc = self.magnetising
        out = {k: getattr(self, k) for k in ("slip_hz", "current_a", "I_r", "R_r", "L_r", "R_r_loss", "torque_nm",
                                             "P_bars_w", "psi_m", "i_m", "iterations")}
        out.update(mag_i_m=mc.i_m, mag_psi_m=mc.psi_m, mag_psi_d=mc.psi_d, elements=self.elements,
                   static_s=self.static_s, harmonic_s=self.harmonic_s)
        return out

    @classmethod
    def from_arrays(cls, z) -> CageFEAData:
        i_m, psi_m, psi_d = (np.asarray(z[k], float) for k in ("mag_i_m", "mag_psi_m", "mag_psi_d"))
        mc = MagnetisingCurve(i_m, psi_m, psi_d, (psi_d - psi_m) / i_m, int(z["elements"]))
        return cls(*(np.asarray(z[k], float) for k in ("slip_hz", "current_a", "I_r", "R_r", "L_r", "R_r_loss",
                                                       "torque_nm", "P_bars_w", "psi_m", "i_m")),
                   np.asarray(z["iterations"], int), mc, int(z["elements"]), float(z["static_s"]),
                   float(z["harmonic_s"]), True)


def _frozen_start(cm: CageModel, hp, currents: dict, nu_x, nu_y):
    """Starting field of a nonlinear locked-rotor solve: the linear solve of the same problem with the
    element reluctivities frozen at (nu_x, nu_y) (a nearby solution's, or a saturation guess)."""
    lin = dataclasses.replace(hp, nu_x=np.asarray(nu_x, complex), nu_y=np.asarray(nu_y, complex),
                              curve_idx=-np.ones_like(hp.curve_idx))
    return solve_harmonic(lin, currents=currents).A


def _static_nu(hp, sol_static) -> np.ndarray:
    """Reluctivity guess for a locked-rotor solve from a static solution: each nonlinear element's
    secant reluctivity of its effective (fundamental) curve at the static |B|; linear elements as
    they are."""
    nu = hp.nu_x.copy()
    b = np.hypot(sol_static.B[:, 0], sol_static.B[:, 1])
    for ci, c in enumerate(hp.curves):
        k = hp.curve_idx == ci
        nu[k] = c.nu(b[k])[0]
    return nu


def compute_cage_fea_data(design, grid: CageGrid = CageGrid(), mesh: CageMeshSpec | None = None,
                          sector: str = "auto", tol: float = 1e-4) -> CageFEAData:
    """Run the magnetising and locked-rotor solves of ``grid`` on one mesh (no cache).

    Static solves: increasing currents, each warm-started from the previous field (energy line
    search). Locked-rotor solves: per current level, increasing slip; each starts from the linear
    solve with the reluctivities frozen at the previous slip's solution (the first of a level: at
    the static solution nearest in air-gap flux to the expected one), then Newton to the relative
    residual ``tol``."""
    slip = slip_points(design, grid)
    cm = CageModel.build(design, mesh, sector)
    t0 = time.perf_counter()
    mc, statics = _magnetising(cm, magnetising_points(design, grid))
    t1 = time.perf_counter()
    currents = locked_rotor_currents(design, slip, mc, grid)
    cp = design.circuit_params()
    shape = currents.shape
    out = {k: np.zeros(shape) for k in ("I_r", "R_r", "L_r", "R_r_loss", "torque_nm", "P_bars_w", "psi_m", "i_m")}
    its = np.zeros(shape, int)
    for c in range(shape[1]):
        nu = None
        for j, f in enumerate(slip):
            I = currents[j, c]
            hp = build_harmonic_problem(cm.section.geometry, static=cm.problem, frequency_hz=f)
            cur = cm.conductor_currents(I * np.exp(-1j * cm.phi))
            if nu is None:  # frozen at the static field nearest in air-gap flux to the expected one
                psi = _expected_flux(cp, mc, 2 * math.pi * f, I)
                nu = (_static_nu(hp, statics[int(np.argmin(np.abs(mc.psi_m - psi)))]),) * 2
            A0 = _frozen_start(cm, hp, cur, *nu)
            pt, sol = _locked_rotor_solve(cm, hp, f, I, A0, tol)
            nu = (sol.nu_x, sol.nu_y)
            for key, v in (("I_r", abs(pt.i_r)), ("R_r", pt.R_r), ("L_r", pt.L_r), ("R_r_loss", pt.R_r_loss),
                           ("torque_nm", pt.torque_nm), ("P_bars_w", pt.P_bars_w), ("psi_m", abs(pt.psi_m)),
                           ("i_m", abs(pt.i_m))):
                out[key][j, c] = v
            its[j, c] = pt.iterations
    t2 = time.perf_counter()
    return CageFEAData(slip, currents, out["I_r"], out["R_r"], out["L_r"], out["R_r_loss"], out["torque_nm"],
                       out["P_bars_w"], out["psi_m"], out["i_m"], its, mc, cm.elements, t1 - t0, t2 - t1)


# ---------------------------------------------------------------------- cache
_CODE_FILES = ("cage_section.py", "harmonic.py", "solver.py", "mesh.py", "geometry2d.py", "machine.py", "post.py")


def _code_hash() -> str:
    fea_dir = Path(build_cage_section.__code__.co_filename).parent
    return code_hash([*(fea_dir / name for name in _CODE_FILES), Path(__file__)])


def cage_cache_path(design, grid: CageGrid, mesh: CageMeshSpec, sector: str) -> Path:
    """Cache file of a design's FEA circuit data: a SHA-256 of the design (as the PM flux maps:
    :func:`motoropt.magnetics.fea.pipeline.design_key`), the grid, mesh spec, sector and the source
    of the FEA modules and of this one (a code change invalidates the cache)."""
    blob = json.dumps({"v": CACHE_VERSION, "code": _code_hash(), "design": design_key(design),
                       "cage_conductor": design.cage_conductor.name, "T_rotor_c": design.T_rotor_c,
                       "grid": dataclasses.asdict(grid), "mesh": dataclasses.asdict(mesh), "sector": sector},
                      sort_keys=True, default=json_default)
    return cache_dir() / f"cage-{hashlib.sha256(blob.encode()).hexdigest()}.npz"


def cage_fea_data(design, grid: CageGrid = CageGrid(), mesh: CageMeshSpec | None = None, sector: str = "auto",
                  cache: bool = True, progress: bool = False) -> CageFEAData:
    """:func:`compute_cage_fea_data`, cached on disk (``$MOTOROPT_CACHE_DIR/fea``, as the PM flux
    maps; written atomically; a missing or corrupt file is recomputed, a read-only cache directory
    does not stop the computation). ``progress`` prints start and end to stderr."""
    mesh = mesh or CageMeshSpec()
    if sector not in CAGE_SECTORS:
        raise InputError("fea.sector", sector, f"one of {list(CAGE_SECTORS)} for topology 'induction'")
    path = cage_cache_path(design, grid, mesh, sector)
    if cache:
        try:
            with np.load(path, allow_pickle=False) as z:
                return CageFEAData.from_arrays(z)
        except (OSError, KeyError, ValueError):
            pass  # missing or corrupt: recompute
    t0 = time.perf_counter()
    if progress:
        print(f"FEA equivalent circuit of {design.name}: {grid.n_static} static + {grid.n_harmonic} locked-rotor "
              "solves...", file=sys.stderr, flush=True)
    data = compute_cage_fea_data(design, grid, mesh, sector)
    if progress:
        print(f"FEA equivalent circuit done in {time.perf_counter() - t0:.1f} s ({data.elements} elements)",
              file=sys.stderr, flush=True)
    if cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, **data.arrays())
            os.replace(tmp, path)
        except OSError as e:  # a read-only home must not stop an evaluation
            if progress:
                print(f"FEA cache not written ({e})", file=sys.stderr)
    return data


# ---------------------------------------------------------------------- FEA data -> circuit parameters
def _model_parts(design, cp):
    """The analytic model's 2-D parts: (L_ss without end winding, ring leakage k_mu_l lambda_er),
    with the arguments of InductionDesign.circuit_params."""

    s, w, r, p = design.stator, design.winding, design.rotor, design.p
    q = s.Q / (6.0 * p)
    pitch_ratio = min(1.0, w.coil_pitch / (s.Q / (2.0 * p)))
    args = (s.Q, design.N_ph, s.L, s.slot_depth, s.tip_height, 0.5 * (s.slot_width_top + s.slot_width_bottom),
            s.slot_opening, q)
    L_end = (leakage_inductance(*args, 2.0 * design.end_winding_length, w.layers, pitch_ratio)
             - leakage_inductance(*args, 0.0, w.layers, pitch_ratio))
    sin_a = math.sin(math.pi * p / r.Q_r)
    D_er = r.ring_mean_diameter
    lam_er = 2.3 * D_er / (r.Q_r * s.L * 4.0 * sin_a * sin_a) * math.log10(4.7 * D_er / (r.ring_height + 2.0 * r.ring_width))
    return cp.L_ss - L_end, cp.k_mu_l * lam_er


def rotor_tables(data: CageFEAData, R_rest: float, L_ring: float) -> tuple:
    """(x (n_x,) rad/s, I (n_i,) A, R (n_i, n_x), L (n_i, n_x)): the locked-rotor rotor branch plus
    the ends from the geometry, per slip interpolated in |i_r| (clamped) onto the union of the
    points' |i_r| values (merged within 1e-6 relative)."""
    x = 2 * math.pi * np.asarray(data.slip_hz, float)
    I_all = np.sort(data.I_r.ravel())
    keep = np.concatenate(([True], np.diff(I_all) > 1e-6 * I_all[1:]))
    I = I_all[keep]
    R = np.zeros((I.size, x.size))
    L = np.zeros_like(R)
    for j in range(x.size):
        o = np.argsort(data.I_r[j])
        R[:, j] = np.interp(I, data.I_r[j][o], data.R_r[j][o]) + R_rest
        L[:, j] = np.interp(I, data.I_r[j][o], data.L_r[j][o]) + L_ring
    return x, I, R, L


def fea_circuit_params(design, data: CageFEAData, n_psi: int = N_PSI_TAB) -> CircuitParams:
    """The FEA-derived :class:`~motoropt.machines.induction.circuit.CircuitParams` (module docstring):
    the analytic circuit with the FEA magnetising curve, 2-D stator leakage and rotor tables."""
    cp = design.circuit_params()
    mc = data.magnetising
    if np.any(np.diff(mc.psi_m) <= 0):
        raise InputError("FEA magnetising curve", mc.psi_m.tolist(), "increasing flux linkage with current")
    curve = PchipInterpolator(np.concatenate(([0.0], mc.psi_m)), np.concatenate(([0.0], mc.i_m)))
    psi_tab = np.linspace(0.0, float(mc.psi_m[-1]), n_psi)
    im_tab = curve(psi_tab)
    L_ss_2d_model, L_ring = _model_parts(design, cp)
    psi_rated = design.psi_rated
    L_ss_2d = float(np.interp(psi_rated, mc.psi_m, mc.L_ss_2d))
    x, I, R, L = rotor_tables(data, cp.R_rest, L_ring)
    return dataclasses.replace(cp, psi_tab=psi_tab, im_tab=im_tab, L_m0=float(mc.psi_m[0] / mc.i_m[0]),
                               L_ss=cp.L_ss - L_ss_2d_model + L_ss_2d, rotor_x=x, rotor_I=I, rotor_R=R, rotor_L=L,
                               source="fea")


def cage_mesh(settings: FeaSettings) -> CageMeshSpec:
    """The cage model's mesh spec of the ``[fea]`` settings (mesh_scale)."""
    return CageMeshSpec(scale=settings.mesh_scale)


def cage_sector_of(settings: FeaSettings) -> str:
    """The ``[fea]`` sector for a cage model: "auto" or "full" (InputError naming fea.sector else)."""
    if settings.sector not in CAGE_SECTORS:
        raise InputError("fea.sector", settings.sector, f"one of {list(CAGE_SECTORS)} for topology 'induction'")
    return settings.sector


@dataclass(frozen=True)
class FeaCageCircuits:
    """The induction family's FEA provider (what :meth:`InductionDesign.machine_model` takes as
    ``fluxmaps``, chosen by ``[fea] fidelity = "fea"``): ``FeaCageCircuits(settings)(design)`` is the
    FEA-derived circuit (:func:`fea_circuit_params`) from cached solves on ``grid`` with the
    settings' mesh_scale, sector ("auto" | "full") and cache. The PM keys (positions, fluxmap_n_d,
    fluxmap_n_q) do not apply."""

    settings: FeaSettings = FeaSettings(fidelity="fea")
    grid: CageGrid = CageGrid()
    progress: bool = False

    def data(self, design) -> CageFEAData:
        s = self.settings
        return cage_fea_data(design, self.grid, cage_mesh(s), cage_sector_of(s), s.cache, self.progress)

    def __call__(self, design, T_magnet_c: float | None = None) -> CircuitParams:
        return fea_circuit_params(design, self.data(design))


def analytic_circuit(design, T_magnet_c: float | None = None) -> CircuitParams:
    """The induction family's analytic provider: the circuit from the geometry."""
    return design.circuit_params()


# ---------------------------------------------------------------------- comparison with the analytic circuit
@dataclass
class CageFEAParameters:
    """FEA-derived equivalent-circuit quantities and the geometry model's, on the same grid.

    slip_hz (n_f,), current_a (n_i,); R_r_2d, L_r_2d, R_r_loss, torque_nm, P_bars_w, I_bar_ratio:
    (n_i, n_f); magnetising: MagnetisingCurve; model_*: the analytic equivalent circuit's 2-D parts
    (InductionDesign.circuit_params): model_R_r_2d, model_L_r_2d (n_i, n_f) at the FEA's |i_r|,
    model_psi_m (at the FEA i_m), model_L_ss_2d; R_rest, L_ring: the ends, from the geometry."""

    slip_hz: np.ndarray
    current_a: np.ndarray
    R_r_2d: np.ndarray
    L_r_2d: np.ndarray
    R_r_loss: np.ndarray
    torque_nm: np.ndarray
    P_bars_w: np.ndarray
    I_bar_ratio: np.ndarray
    magnetising: MagnetisingCurve
    model_R_r_2d: np.ndarray
    model_L_r_2d: np.ndarray
    model_psi_m: np.ndarray
    model_L_ss_2d: float
    model_I_bar_ratio: float
    R_rest: float
    L_ring: float
    points: list = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-able numbers: the arrays as lists and the relative differences FEA / model - 1."""
        mc = self.magnetising
        rel = lambda a, b: (np.asarray(a) / np.asarray(b) - 1.0).tolist()  # noqa: E731
        return {
            "slip_hz": self.slip_hz.tolist(), "current_a": self.current_a.tolist(),
            "R_r_2d_ohm": self.R_r_2d.tolist(), "model_R_r_2d_ohm": self.model_R_r_2d.tolist(),
            "R_r_2d_rel_diff": rel(self.R_r_2d, self.model_R_r_2d),
            "L_r_2d_h": self.L_r_2d.tolist(), "model_L_r_2d_h": self.model_L_r_2d.tolist(),
            "L_r_2d_rel_diff": rel(self.L_r_2d, self.model_L_r_2d),
            "R_r_from_bar_loss_ohm": self.R_r_loss.tolist(), "torque_nm": self.torque_nm.tolist(),
            "P_bars_w": self.P_bars_w.tolist(), "I_bar_ratio": self.I_bar_ratio.tolist(),
            "model_I_bar_ratio": self.model_I_bar_ratio,
            "magnetising_i_m_a": mc.i_m.tolist(), "magnetising_psi_m_wb": mc.psi_m.tolist(),
            "model_psi_m_wb": self.model_psi_m.tolist(), "psi_m_rel_diff": rel(mc.psi_m, self.model_psi_m),
            "L_ss_2d_h": mc.L_ss_2d.tolist(), "model_L_ss_2d_h": self.model_L_ss_2d,
            "R_rest_ohm": self.R_rest, "L_ring_h": self.L_ring, "elements": mc.elements,
        }


def cage_parameters(design, slip_hz=(0.5, 1.0, 2.0, 5.0, 10.0), currents=None, magnetising_currents=None,
                    mesh: CageMeshSpec | None = None, sector: str = "auto") -> CageFEAParameters:
    """Locked-rotor solves over ``slip_hz`` x ``currents`` (peak phase A; default 0.25, 0.5, 1 x the
    design's current limit) and the magnetising curve (default: the analytic model's i_m at 0.2 ..
    1.2 x the rated gap flux), with the analytic model's values on the same grid (one mesh)."""

    cp = design.circuit_params()
    mm = design.machine_model()
    if currents is None:
        currents = design.i_max * np.array([0.25, 0.5, 1.0])
    if magnetising_currents is None:
        magnetising_currents = np.interp(mm.psi_rated * np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2]), cp.psi_tab, cp.im_tab)
    slip_hz = np.asarray(slip_hz, float)
    currents = np.asarray(currents, float)
    cm = CageModel.build(design, mesh, sector)
    mc = magnetising_curve(cm, magnetising_currents)
    shape = (currents.size, slip_hz.size)
    out = {k: np.zeros(shape) for k in ("R", "L", "Rl", "T", "P", "ratio", "mR", "mL")}
    L_ss2, L_ring = _model_parts(design, cp)
    cv = cp.pack()
    H, B = np.ascontiguousarray(cp.bh_H, float), np.ascontiguousarray(cp.bh_B, float)
    pts = []
    for i, I in enumerate(currents):
        A0 = None
        for j, f in enumerate(slip_hz):
            pt, A0 = locked_rotor(cm, f, I, A0=A0)
            pts.append(pt)
            out["R"][i, j], out["L"][i, j], out["Rl"][i, j] = pt.R_r, pt.L_r, pt.R_r_loss
            out["T"][i, j], out["P"][i, j] = pt.torque_nm, pt.P_bars_w
            out["ratio"][i, j] = pt.I_bar / abs(pt.i_r)
            kR, kX = skin_factors(cp.xi_coeff * math.sqrt(2 * math.pi * f))
            Rm, Lm = rotor_rl(cv, kR, kX, abs(pt.i_r), H, B)
            out["mR"][i, j], out["mL"][i, j] = Rm - cp.R_rest, Lm - L_ring
    return CageFEAParameters(slip_hz, currents, out["R"], out["L"], out["Rl"], out["T"], out["P"], out["ratio"], mc,
                             out["mR"], out["mL"], np.interp(mc.i_m, cp.im_tab, cp.psi_tab), L_ss2, cp.i_bar_ratio,
                             cp.R_rest, L_ring, pts)
