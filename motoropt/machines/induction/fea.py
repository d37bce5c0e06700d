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

Mapping onto CircuitParams (proposed interface; not wired into the evaluation here):
- psi_tab, im_tab <- ``magnetising_psi_m``, ``magnetising_i_m`` (the FEA magnetising curve);
- L_ss <- ``L_ss_2d`` + the end-winding leakage of the geometry model;
- rotor: R_bar k_R(xi(w_r)) + R_rest <- ``R_r_2d``(w_r) + R_rest; L_bar k_X(xi(w_r)) + L_rc <-
  ``L_r_2d``(w_r, I) + k_mu_l lambda_er: tables over slip frequency (and current, for leakage
  saturation) that the kernels would interpolate instead of Field's k_R, k_X
  (:func:`motoropt.machines.induction.circuit.rotor_rl`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from motoropt.errors import InputError
from motoropt.machines.induction.circuit import rotor_rl, skin_factors
from motoropt.magnetics.analytic import leakage_inductance
from motoropt.magnetics.fea.cage_section import CageMeshSpec, build_cage_section
from motoropt.magnetics.fea.harmonic import (
    build_harmonic_problem,
    circuit_results,
    current_density,
    resistive_loss,
    solve_harmonic,
    torque_time_average,
)
from motoropt.magnetics.fea.post import flux_linkage
from motoropt.magnetics.fea.solver import build_problem, solve


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


def magnetising_curve(design, currents, mesh: CageMeshSpec | None = None, sector: str = "auto") -> MagnetisingCurve:
    """Static nonlinear solves at balanced phase currents of peak ``currents`` (A, increasing)."""
    currents = np.asarray(currents, float)
    if currents.ndim != 1 or currents.size < 1 or np.any(currents <= 0) or np.any(np.diff(currents) <= 0):
        raise InputError("currents", currents.tolist(), "increasing peak phase currents > 0 A")
    sec0 = build_cage_section(design, sector=sector, mesh=mesh)
    phi = np.asarray(sec0.phase_axes_rad)
    z = winding_phasor(design)
    a_par = int(design.winding.parallel_paths)
    psi_m, psi_d = [], []
    A_prev, ne = None, 0
    for I in currents:
        sec = build_cage_section(design, i_phase=tuple(I * np.cos(phi)), sector=sector, mesh=mesh)
        pr = build_problem(sec.geometry)
        sol = solve(pr, A0=A_prev)
        A_prev, ne = sol.A, pr.tri.shape[0]
        Af = gap_wave(sec, pr, sol.A, design.p, True)
        psi_m.append(abs(design.stator.L * Af * z / a_par))
        ps = sec.phase_flux_linkage(flux_linkage(sol))
        psi_d.append(2.0 / 3.0 * float(np.sum(ps * np.cos(phi))))
    psi_m, psi_d = np.array(psi_m), np.array(psi_d)
    return MagnetisingCurve(currents, psi_m, psi_d, (psi_d - psi_m) / currents, ne)


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
    returns (LockedRotorPoint, solution A for warm starts)."""
    if not (slip_hz > 0 and current_a > 0):
        raise InputError("slip_hz, current_a", (slip_hz, current_a), "> 0")
    w_r = 2 * math.pi * slip_hz
    sec0 = build_cage_section(design, sector=sector, mesh=mesh)
    phi = np.asarray(sec0.phase_axes_rad)
    sec = build_cage_section(design, i_phase=tuple(current_a * np.exp(-1j * phi)), frequency_hz=slip_hz,
                             sector=sector, mesh=mesh)
    hp = build_harmonic_problem(sec.geometry)
    sol = solve_harmonic(hp, A0=A0, peak="ellipse")
    p = hp.static
    n = sec.sectors
    a_par = int(design.winding.parallel_paths)
    z = winding_phasor(design)
    rot = np.exp(1j * phi[0])  # phase-A phasors referred to a real phase-A current
    psi_s = circuit_results(sol)["A"]["flux_linkage"] * n / a_par * rot
    psi_m = design.stator.L * gap_wave(sec, p, sol.A, design.p, False) * z / a_par * rot
    labels = sec.geometry.labels
    cage = np.array([lab.material == "cage" for lab in labels])
    bars = cage[p.label]
    P_bars = float(resistive_loss(sol)[bars].sum()) * n
    T = torque_time_average(sol, 1) * n
    Ja = current_density(sol).mean(axis=1) * p.area
    lab_I = (np.bincount(p.label, weights=Ja.real, minlength=len(labels))
             + 1j * np.bincount(p.label, weights=Ja.imag, minlength=len(labels)))
    ax = np.asarray(sec.info["bar_axes_rad"])
    wave = n * complex(np.sum(lab_I[np.nonzero(cage)[0]] * np.exp(1j * design.p * ax)))  # full machine
    i_r = wave / (3j * abs(z) / a_par)  # 6 k_w1 N_ph = 3 |z| / a
    Z_r = -1j * w_r * psi_m / i_r
    pt = LockedRotorPoint(float(slip_hz), float(current_a), complex(psi_s), complex(psi_m), complex(i_r),
                          complex(current_a + i_r), float(Z_r.real), float(Z_r.imag / w_r),
                          P_bars / (1.5 * abs(i_r) ** 2), P_bars, float(T), abs(wave) / design.rotor.Q_r,
                          int(sol.iterations), float(sol.solve_time_s), int(p.tri.shape[0]))
    return pt, sol.A


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


def cage_parameters(design, slip_hz=(0.5, 1.0, 2.0, 5.0, 10.0), currents=None, magnetising_currents=None,
                    mesh: CageMeshSpec | None = None, sector: str = "auto") -> CageFEAParameters:
    """Locked-rotor solves over ``slip_hz`` x ``currents`` (peak phase A; default 0.25, 0.5, 1 x the
    design's current limit) and the magnetising curve (default: the analytic model's i_m at 0.2 ..
    1.2 x the rated gap flux), with the analytic model's values on the same grid."""

    cp = design.circuit_params()
    mm = design.machine_model()
    if currents is None:
        currents = design.i_max * np.array([0.25, 0.5, 1.0])
    if magnetising_currents is None:
        magnetising_currents = np.interp(mm.psi_rated * np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2]), cp.psi_tab, cp.im_tab)
    slip_hz = np.asarray(slip_hz, float)
    currents = np.asarray(currents, float)
    mc = magnetising_curve(design, magnetising_currents, mesh, sector)
    shape = (currents.size, slip_hz.size)
    out = {k: np.zeros(shape) for k in ("R", "L", "Rl", "T", "P", "ratio", "mR", "mL")}
    L_ss2, L_ring = _model_parts(design, cp)
    cv = cp.pack()
    H, B = np.ascontiguousarray(cp.bh_H, float), np.ascontiguousarray(cp.bh_B, float)
    pts = []
    for i, I in enumerate(currents):
        A0 = None
        for j, f in enumerate(slip_hz):
            pt, A0 = locked_rotor(design, f, I, mesh, sector, A0)
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
