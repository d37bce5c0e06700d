"""Rotor mechanical stress at overspeed (analytic, SI units: m, kg, rad/s, Pa).

Margins are defined as (allowable - actual) / allowable with allowable = yield / safety_factor;
positive = safe. The check speed is normally 1.2 x the maximum speed (``overspeed_factor``).

Models and sources:
- IPM bridges and centre post: the centrifugal force of the iron pole piece and the magnets outside
  the flux barrier, F = m r_cg omega^2, is carried in tension by the two tangential (top) bridges
  and the radial centre post(s): sigma = F / (L_stack (n_bridges t_bridge + w_post)). Bending of
  the tangential bridges is neglected (their radial load is treated as direct tension), and the
  bridges' own mass is neglected. A stress-concentration factor k_t (default 1.5, typical of
  filleted bridge roots; 2-3 for sharp corners, Peterson's Stress Concentration Factors) multiplies
  the nominal stress. This is the standard pre-design estimate (e.g. Binder, Schneider, Eilenberger,
  "Design of high-speed PM machines", and textbook IPM design guides); FEA typically gives higher
  peaks at the bridge roots.
- SPM retaining sleeve (thin ring, radius r, thickness t << r): hoop stress = self-loading
  rho_s omega^2 r^2 + magnets' centrifugal pressure p_c r / t (p_c = rho_m h_m r_m omega^2, the
  magnet layer's mass per unit area times its centripetal acceleration) + pre-stress of the
  interference fit E_s delta / r (delta radial interference). Summing the three is conservative
  (a rigid hub would carry part of the load; Timoshenko, Strength of Materials II, thin rotating
  ring; Binder et al. 2006).
- Plain rotating disc with a central hole (plane stress, isotropic, Timoshenko & Goodier, Theory of
  Elasticity, sec. 32): the maximum hoop stress is at the bore,
  sigma_theta(r_i) = (3 + nu)/4 rho omega^2 (r_o^2 + (1 - nu)/(3 + nu) r_i^2).
- Cage end ring (thin rotating ring, mean radius r_m, rectangular section A_ring, no retaining
  ring): self-loading hoop stress rho_c omega^2 r_m^2 (Timoshenko, Strength of Materials II, thin
  rotating ring) + the centrifugal force of the Q_r unsupported bar ends between the stack and the
  ring, F_b = rho_c A_bar l_ext r_bar omega^2 each, taken entirely by the ring as a uniform radial
  line load q = Q_r F_b / (2 pi r_m): hoop force q r_m, stress Q_r F_b / (2 pi A_ring)
  (conservative: the stack end carries part of the bar-end load as a cantilever).
"""

from __future__ import annotations

import math

from ..errors import InputError


def _margin(sigma: float, yield_strength: float, safety_factor: float) -> float:
    allow = yield_strength / safety_factor
    return (allow - sigma) / allow


def ipm_bridge_stress(m_iron: float, m_magnets: float, r_cg: float, omega: float, stack_length: float,
                      bridge_thickness: float, n_bridges: int = 2, post_width: float = 0.0,
                      k_t: float = 1.5, yield_strength: float = 350e6, safety_factor: float = 1.5,
                      overspeed_factor: float = 1.0) -> dict:
    """Stress in the bridges/posts of ONE pole's flux barrier (masses per pole, whole stack).

    m_iron, m_magnets (kg): iron pole piece and magnets outside the barrier; r_cg (m): radius of
    their centre of gravity; omega (rad/s) multiplied by ``overspeed_factor``; bridge_thickness and
    post_width (m, total width of the radial post(s) of that pole). Returns dict(force N,
    sigma_nominal Pa, sigma_peak Pa, margin, ok).
    """
    area = stack_length * (n_bridges * bridge_thickness + post_width)
    if not area > 0:
        raise InputError("rotor.bridges", (bridge_thickness, post_width), "bridge/post section > 0")
    w = omega * overspeed_factor
    F = (m_iron + m_magnets) * r_cg * w**2
    s = F / area
    m = _margin(k_t * s, yield_strength, safety_factor)
    return {"force": F, "sigma_nominal": s, "sigma_peak": k_t * s, "margin": m, "ok": m > 0}


def spm_sleeve_stress(r_sleeve: float, t_sleeve: float, rho_sleeve: float, rho_magnet: float,
                      h_magnet: float, omega: float, interference: float = 0.0, E_sleeve: float = 0.0,
                      strength: float = 1200e6, safety_factor: float = 1.5,
                      overspeed_factor: float = 1.0) -> dict:
    """Hoop stress of a thin SPM retaining sleeve (mean radius r_sleeve, thickness t_sleeve).

    Magnets of radial thickness h_magnet lie just inside the sleeve (mean radius r_sleeve - t/2 -
    h_m/2). ``strength``: hoop tensile strength (default 1200 MPa: carbon-fibre/epoxy hoop winding;
    use ~1000 MPa yield for Inconel 718). Returns dict(sigma Pa and its parts, pressure Pa, margin, ok).
    """
    if not (t_sleeve > 0 and r_sleeve > t_sleeve):
        raise InputError("rotor.sleeve", (r_sleeve, t_sleeve), "r > t > 0")
    w = omega * overspeed_factor
    r_m = r_sleeve - 0.5 * t_sleeve - 0.5 * h_magnet
    p_c = rho_magnet * h_magnet * r_m * w**2
    s_self = rho_sleeve * w**2 * r_sleeve**2
    s_mag = p_c * r_sleeve / t_sleeve
    s_fit = E_sleeve * interference / r_sleeve
    s = s_self + s_mag + s_fit
    m = _margin(s, strength, safety_factor)
    return {"sigma": s, "sigma_self": s_self, "sigma_magnets": s_mag, "sigma_fit": s_fit, "pressure": p_c,
            "margin": m, "ok": m > 0}


def disc_hoop_stress(r: float, r_i: float, r_o: float, rho: float, nu: float, omega: float) -> float:
    """Hoop stress at radius r of a rotating disc with a free central hole (Timoshenko & Goodier):
    (3 + nu)/8 rho omega^2 (r_i^2 + r_o^2 + r_i^2 r_o^2 / r^2 - (1 + 3 nu)/(3 + nu) r^2)."""
    return (3 + nu) / 8 * rho * omega**2 * (r_i**2 + r_o**2 + r_i**2 * r_o**2 / r**2 - (1 + 3 * nu) / (3 + nu) * r**2)


def disc_bore_hoop_stress(r_i: float, r_o: float, rho: float = 7650.0, nu: float = 0.29, omega: float = 0.0,
                          yield_strength: float = 350e6, safety_factor: float = 1.5,
                          overspeed_factor: float = 1.0) -> dict:
    """Bore hoop stress of a plain rotor lamination disc: (3+nu)/4 rho w^2 (r_o^2 + (1-nu)/(3+nu) r_i^2).

    Returns dict(sigma Pa, margin, ok). Holes/barriers are ignored (a plain-disc lower bound).
    """
    if not (0 <= r_i < r_o):
        raise InputError("rotor.disc", (r_i, r_o), "0 <= r_i < r_o")
    w = omega * overspeed_factor
    s = (3 + nu) / 4 * rho * w**2 * (r_o**2 + (1 - nu) / (3 + nu) * r_i**2)
    m = _margin(s, yield_strength, safety_factor)
    return {"sigma": s, "margin": m, "ok": m > 0}


def end_ring_hoop_stress(r_ring: float, ring_area: float, rho_cage: float, n_bars: int, bar_area: float,
                         bar_extension: float, r_bar: float, omega: float, yield_strength: float = 200e6,
                         safety_factor: float = 1.5, overspeed_factor: float = 1.0) -> dict:
    """Hoop stress of a cage end ring (mean radius r_ring, section ring_area) at omega x overspeed_factor:
    rho_c w^2 r_ring^2 + n_bars rho_c bar_area bar_extension r_bar w^2 / (2 pi ring_area) (module doc).

    Returns dict(sigma Pa, sigma_self Pa, sigma_bars Pa, margin, ok)."""
    if not (r_ring > 0 and ring_area > 0 and rho_cage > 0 and n_bars >= 1):
        raise InputError("induction.end_ring", (r_ring, ring_area, rho_cage, n_bars), "r, A, rho > 0, bars >= 1")
    if not (bar_area >= 0 and bar_extension >= 0 and r_bar >= 0):
        raise InputError("induction.bar_extension", (bar_area, bar_extension, r_bar), ">= 0")
    w = omega * overspeed_factor
    s_self = rho_cage * w**2 * r_ring**2
    F_b = rho_cage * bar_area * bar_extension * r_bar * w**2
    s_bars = n_bars * F_b / (2.0 * math.pi * ring_area)
    s = s_self + s_bars
    m = _margin(s, yield_strength, safety_factor)
    return {"sigma": s, "sigma_self": s_self, "sigma_bars": s_bars, "margin": m, "ok": m > 0}


def overspeed(omega_max: float, factor: float = 1.2) -> float:
    """Check speed, rad/s (default 1.2 x maximum speed)."""
    return factor * omega_max


__all__ = ["ipm_bridge_stress", "spm_sleeve_stress", "disc_hoop_stress", "disc_bore_hoop_stress", "end_ring_hoop_stress",
           "overspeed"]
