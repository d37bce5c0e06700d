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
- Cage end ring with a shrink-fitted retaining ring (:func:`retained_end_ring_stress`): a
  non-magnetic hoop of radial thickness t (default Inconel 718) over the copper ring's outer
  surface, the same axial width. Both are thin rings (hoop stress only, uniform over the section,
  radial stress and radial compliance of the sections neglected; each ring's displacement is
  u = r_mean sigma / E at its mean radius). Free hoop stresses: copper rho_c w^2 r_c^2 + the bar-end
  load (as above), retainer rho_s w^2 r_s^2. The contact transfers a hoop force N (>= 0; N = 0 if the
  rings lift off) from copper to retainer: sigma_c = sigma_c0 - N / A_c, sigma_s = sigma_s0 + N / A_s;
  radial compatibility u_c + delta = u_s gives
  N = (r_c sigma_c0 / E_c - r_s sigma_s0 / E_s + delta) / (r_c / (E_c A_c) + r_s / (E_s A_s)),
  with delta the radial interference (shrink fit) plus the differential thermal growth
  (alpha_c - alpha_s) dT r_interface. The total hoop force is conserved (sigma_c A_c + sigma_s A_s =
  sigma_c0 A_c + sigma_s0 A_s); for r_c -> r_s and delta = 0 this is the equal-strain composite
  load share eps = (sigma_c0 A_c + sigma_s0 A_s) / (E_c A_c + E_s A_s). Four states are checked:
  standstill and overspeed, each at assembly temperature and at the hot rotor limit. The shrink
  fit is a design choice: unless given it is sized per design (closed form, piecewise-linear
  max-min) for the best of the copper margin (|sigma_c| in tension at overspeed, in compression at
  standstill with the hot interference) and the retainer margin. Copper is taken elastic up to its
  yield (a copper ring that yields plastically would shed more load onto the retainer).
- Outer-rotor rim (:func:`rim_stress`): a thin rotating ring carrying the magnets (and sleeve)
  inside it, which are segmented and carry no hoop load: sigma = rho v^2 + sum(rho_i t_i r_i^2)
  omega^2 / t_rim; with a retaining can wound over it, the two rings share the load by radial
  compatibility as the retained end ring does (no winding pre-tension; standstill and overspeed,
  cold and hot).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from motoropt.errors import InputError


@dataclass(frozen=True)
class StressLimits:
    """Allowables and factors of the overspeed check (the ``[thermal]`` keys that set them).

    safety_factor: allowable = yield / safety_factor; overspeed_factor: check speed / max speed;
    bridge_kt: stress concentration at IPM bridge roots; sleeve_strength: SPM sleeve hoop strength,
    Pa; cage_yield: cage end-ring yield strength, Pa (None: the cage conductor's default);
    hot_delta_T: hottest rotor temperature - 20 degC, K (retained end rings' thermal growth).
    """

    safety_factor: float = 1.5
    overspeed_factor: float = 1.2
    bridge_kt: float = 1.5
    sleeve_strength: float = 1200e6
    cage_yield: float | None = None
    hot_delta_T: float = 180.0


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


@dataclass(frozen=True)
class RingMaterial:
    """Elastic ring material (SI): density kg/m^3, E Pa, alpha 1/K, yield_strength Pa (0.2 % proof)."""

    name: str
    source: str
    density: float
    E: float
    alpha: float
    yield_strength: float = 0.0


# Retaining-ring material: precipitation-hardened Inconel 718 (non-magnetic, the usual high-speed
# rotor retaining-ring / sleeve alloy). Special Metals, "INCONEL alloy 718", publication SMC-045:
# density 8.19 g/cm^3, Young's modulus 200 GPa (room temperature), mean expansion 13.0 um/m/K
# (21-93 degC); yield (0.2 %) >= 150 ksi = 1034 MPa, the AMS 5662/5663 minimum for aged bar (the
# datasheet's typical values are higher).
INCONEL_718 = RingMaterial("inconel_718", "Special Metals SMC-045; AMS 5662/5663 minimum yield",
                           density=8190.0, E=200e9, alpha=13.0e-6, yield_strength=1034e6)

# Cage conductors (elastic data only; their yield is thermal.cage_yield_mpa): Copper Development
# Association datasheet C10100 (OFE copper): E 17,000 ksi = 117 GPa, expansion 9.4 uin/in/degF =
# 16.9e-6 /K (20-100 degC); aluminium 1350/1060 (ASM Handbook vol. 2): E 69 GPa, 23.6e-6 /K, used
# for the die-cast rotor aluminium as well.
CAGE_ELASTIC = {
    "copper": RingMaterial("copper", "CDA C10100 datasheet", density=8900.0, E=117e9, alpha=16.9e-6),
    "aluminium": RingMaterial("aluminium", "ASM Handbook vol. 2, 1350/1060", density=2700.0, E=69e9, alpha=23.6e-6),
    "die_cast_aluminium": RingMaterial("die_cast_aluminium", "ASM Handbook vol. 2, 1350/1060 (pure-Al die cast)",
                                       density=2700.0, E=69e9, alpha=23.6e-6),
}


def _ring_pair(w, delta, r_c, A_c, E_c, s_c_bars, rho_c, r_s, A_s, E_s, rho_s, clip=True):
    """Hoop stresses (copper, retainer) and contact hoop force N of the two-ring assembly (module doc)."""
    s_c0 = rho_c * w * w * r_c * r_c + s_c_bars * (w * w)
    s_s0 = rho_s * w * w * r_s * r_s
    N = (r_c * s_c0 / E_c - r_s * s_s0 / E_s + delta) / (r_c / (E_c * A_c) + r_s / (E_s * A_s))
    if clip and N < 0.0:
        N = 0.0
    return s_c0 - N / A_c, s_s0 + N / A_s, N


def retained_end_ring_stress(r_ring: float, ring_height: float, ring_width: float, cage: RingMaterial,
                             n_bars: int, bar_area: float, bar_extension: float, r_bar: float, omega: float,
                             t_retainer: float, retainer: RingMaterial = INCONEL_718,
                             interference: float | None = None, delta_T: float = 0.0,
                             cage_yield: float = 200e6, safety_factor: float = 1.5,
                             overspeed_factor: float = 1.0) -> dict:
    """Cage end ring (mean radius r_ring, radial height ring_height, axial width ring_width; all m)
    held by a shrink-fitted retaining ring of radial thickness t_retainer (m) over its outer surface
    (model and assumptions: module docstring, "Cage end ring with a shrink-fitted retaining ring").

    cage: elastic data of the ring conductor (CAGE_ELASTIC[...]); retainer: its material
    (yield_strength used); n_bars, bar_area (m^2), bar_extension (m), r_bar (m): the bar ends loading
    the ring; omega (rad/s) x overspeed_factor; interference: radial shrink fit at assembly
    temperature, m (None: sized for the best margin); delta_T: hot rotor limit minus assembly
    temperature, K (the hot states add (alpha_c - alpha_s) delta_T r_interface to the interference);
    cage_yield (Pa) and safety_factor as elsewhere in this module.

    Returns dict(sigma Pa = copper at overspeed, cold; sigma_ring_max Pa (largest |copper|),
    sigma_retainer Pa (retainer, overspeed hot), interference m, contact_force N (overspeed, cold),
    ring_margin, retainer_margin, margin = the smaller, ok).
    """
    if not (t_retainer > 0):
        raise InputError("induction.end_ring_retainer_mm", t_retainer * 1e3, "> 0 (0 = no retainer: end_ring_hoop_stress)")
    if not (r_ring > 0.5 * ring_height > 0 and ring_width > 0 and n_bars >= 1):
        raise InputError("induction.end_ring", (r_ring, ring_height, ring_width, n_bars), "r > h/2 > 0, width > 0, bars >= 1")
    if not (bar_area >= 0 and bar_extension >= 0 and r_bar >= 0):
        raise InputError("induction.bar_extension", (bar_area, bar_extension, r_bar), ">= 0")
    if interference is not None and not interference >= 0:
        raise InputError("induction.end_ring_retainer_interference", interference, ">= 0 m")
    if not (retainer.yield_strength > 0 and cage_yield > 0):
        raise InputError("induction.end_ring_retainer", (retainer.name, cage_yield), "yield strengths > 0")
    A_c = ring_height * ring_width
    A_s = t_retainer * ring_width
    r_c = r_ring
    r_i = r_ring + 0.5 * ring_height          # interface radius
    r_s = r_i + 0.5 * t_retainer
    s_bars_per_w2 = n_bars * cage.density * bar_area * bar_extension * r_bar / (2.0 * math.pi * A_c)
    w_os = omega * overspeed_factor
    d_th = (cage.alpha - retainer.alpha) * delta_T * r_i
    allow_c = cage_yield / safety_factor
    allow_s = retainer.yield_strength / safety_factor
    geo = (r_c, A_c, cage.E, s_bars_per_w2, cage.density, r_s, A_s, retainer.E, retainer.density)
    states = ((w_os, 0.0), (w_os, d_th), (0.0, 0.0), (0.0, d_th))

    def margins(delta):
        mc, ms, smax = math.inf, math.inf, 0.0
        for w, dd in states:
            sc, ss, _ = _ring_pair(w, delta + dd, *geo)
            mc = min(mc, 1.0 - abs(sc) / allow_c)
            ms = min(ms, 1.0 - ss / allow_s)
            smax = max(smax, abs(sc))
        return mc, ms, smax

    if interference is None:
        # every stress is linear in delta while the rings touch: margin lines m = a + b delta; the
        # best min over them lies at delta = 0 or where two lines of opposite slope cross
        lines = []
        for w, dd in states:
            sc0, ss0, _ = _ring_pair(w, dd, *geo, clip=False)
            sc1, ss1, _ = _ring_pair(w, dd + 1e-6, *geo, clip=False)
            dsc, dss = (sc1 - sc0) / 1e-6, (ss1 - ss0) / 1e-6
            lines += [(1.0 - sc0 / allow_c, -dsc / allow_c), (1.0 + sc0 / allow_c, dsc / allow_c),
                      (1.0 - ss0 / allow_s, -dss / allow_s)]
        cands = [0.0]
        for i, (a1, b1) in enumerate(lines):
            for a2, b2 in lines[i + 1:]:
                if b1 * b2 < 0:
                    d = (a2 - a1) / (b1 - b2)
                    if d > 0:
                        cands.append(d)
        interference = max(cands, key=lambda d: min(margins(d)[:2]))
    mc, ms, smax = margins(interference)
    sc, _, N = _ring_pair(w_os, interference, *geo)
    ss = _ring_pair(w_os, interference + d_th, *geo)[1]
    m = min(mc, ms)
    return {"sigma": sc, "sigma_ring_max": smax, "sigma_retainer": ss, "interference": interference,
            "contact_force": N, "ring_margin": mc, "retainer_margin": ms, "margin": m, "ok": m > 0}


# Structural ring materials of outer-rotor rims and retaining cans (non-magnetic):
# - Ti-6Al-4V grade 5, annealed (ASM Aerospace Specification Metals data for AMS 4911, as listed by
#   MatWeb): density 4430 kg/m^3, E 113.8 GPa, expansion 8.6 um/m/K (20-100 degC), yield 880 MPa;
# - aluminium 7075-T6 (ASM Handbook vol. 2 / MatWeb): 2810 kg/m^3, E 71.7 GPa, 23.6 um/m/K, yield 503 MPa;
# - hoop-wound carbon fibre / epoxy (Toray T700S data sheet, 60 % fibre volume, 0 deg: tensile
#   modulus 135 GPa, strength 2550 MPa): density 1600 kg/m^3 (the SPM sleeve's), expansion ~0 along
#   the fibres; its allowable is the sleeve strength of StressLimits (1200 MPa by default), not a yield.
TITANIUM_6AL4V = RingMaterial("titanium", "ASM Aerospace Specification Metals (AMS 4911), annealed",
                              density=4430.0, E=113.8e9, alpha=8.6e-6, yield_strength=880e6)
ALUMINIUM_7075 = RingMaterial("aluminium", "ASM Handbook vol. 2, 7075-T6", density=2810.0, E=71.7e9, alpha=23.6e-6,
                              yield_strength=503e6)
CFRP_HOOP = RingMaterial("cfrp", "Toray T700S data sheet (60 % Vf, 0 deg); allowable = StressLimits.sleeve_strength",
                         density=1600.0, E=135e9, alpha=0.0, yield_strength=0.0)
ELECTRICAL_STEEL_E = 200e9  # Young's modulus of a laminated steel rim, Pa (Si-steels 185-210 GPa; assumption)


def rim_stress(r_rim: float, t_rim: float, rim: RingMaterial, inner_layers, omega: float, t_can: float = 0.0,
               can: RingMaterial = CFRP_HOOP, can_strength: float = 1200e6, delta_T: float = 0.0,
               safety_factor: float = 1.5, overspeed_factor: float = 1.0) -> dict:
    """Hoop stress of an outer rotor's rim (mean radius r_rim, radial thickness t_rim, m) at
    overspeed, carrying the layers inside it (magnets, sleeve: ``inner_layers`` = ((density kg/m^3,
    thickness m, mean radius m), ...), segmented circumferentially so that they carry no hoop load),
    with or without a retaining can of thickness t_can wound over it.

    Thin rings (hoop stress only, uniform over the section; Timoshenko, Strength of Materials II):
    a free rotating ring has sigma = rho omega^2 r^2 = rho v^2; the inner layers press on the rim
    with the line load q = sum rho_i t_i r_i^2 omega^2 per radian and unit length, which a thin ring
    carries as the hoop force N = q (sigma = q / t_rim). With a can, the two rings share the load by
    radial compatibility (:func:`_ring_pair`, the retained end ring's model; no pre-stress from
    winding tension: conservative for the rim) at standstill and overspeed, each cold (assembly) and
    hot (``delta_T`` = hot rotor - assembly temperature, the rim's expansion (alpha_rim - alpha_can)
    delta_T r pressing on the can). Returns dict(sigma = rim at overspeed (cold), sigma_can (its
    largest), rim_margin, can_margin (None without a can), margin, ok)."""
    if not (t_rim > 0 and r_rim > 0.5 * t_rim):
        raise InputError("rotor.rim_thickness_mm", t_rim * 1e3, "> 0 and < the rim diameter")
    if t_can < 0:
        raise InputError("rotor.can_thickness_mm", t_can * 1e3, ">= 0")
    w = omega * overspeed_factor
    q_per_w2 = sum(rho * t * r * r for rho, t, r in inner_layers)
    allow_r = rim.yield_strength / safety_factor
    if t_can <= 0:
        s = rim.density * w * w * r_rim * r_rim + q_per_w2 * w * w / t_rim
        m = 1.0 - s / allow_r
        return {"sigma": s, "sigma_self": rim.density * w * w * r_rim * r_rim, "sigma_can": 0.0, "rim_margin": m,
                "can_margin": None, "margin": m, "ok": m > 0}
    r_s = r_rim + 0.5 * (t_rim + t_can)
    allow_c = can_strength / safety_factor
    geo = (r_rim, t_rim, rim.E, q_per_w2 / t_rim, rim.density, r_s, t_can, can.E, can.density)
    d_th = (rim.alpha - can.alpha) * delta_T * (r_rim + 0.5 * t_rim)
    mr, mc, s_can = math.inf, math.inf, 0.0
    for om, dd in ((w, 0.0), (w, d_th), (0.0, 0.0), (0.0, d_th)):
        sr, sc, _ = _ring_pair(om, dd, *geo)
        mr = min(mr, 1.0 - abs(sr) / allow_r)
        mc = min(mc, 1.0 - sc / allow_c)
        s_can = max(s_can, sc)
    sr = _ring_pair(w, 0.0, *geo)[0]
    m = min(mr, mc)
    return {"sigma": sr, "sigma_self": rim.density * w * w * r_rim * r_rim, "sigma_can": s_can, "rim_margin": mr,
            "can_margin": mc, "margin": m, "ok": m > 0}


def overspeed(omega_max: float, factor: float = 1.2) -> float:
    """Check speed, rad/s (default 1.2 x maximum speed)."""
    return factor * omega_max


__all__ = [
    "ALUMINIUM_7075",
    "CAGE_ELASTIC",
    "CFRP_HOOP",
    "ELECTRICAL_STEEL_E",
    "INCONEL_718",
    "TITANIUM_6AL4V",
    "RingMaterial",
    "disc_bore_hoop_stress",
    "disc_hoop_stress",
    "end_ring_hoop_stress",
    "ipm_bridge_stress",
    "overspeed",
    "retained_end_ring_stress",
    "rim_stress",
    "spm_sleeve_stress",
]
