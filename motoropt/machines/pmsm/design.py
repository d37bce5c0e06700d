"""One design: case-file values → SI objects (geometry, winding, materials, limits) → machine model.

This is where the object model is converted once per design into the plain numbers the numba
kernels take (:class:`~motoropt.magnetics.analytic.MECInputs`, :class:`~motoropt.drive.losses.LossParams`,
:class:`~motoropt.drive.control.Limits`).

Stated approximations beyond those of the models themselves:
- mean turn length = 2 (L + l_end) with the end-winding length per side from :mod:`motoropt.windings`;
- AC copper loss: proximity effect of round strands in the slot-leakage field (low-frequency,
  resistance-limited: P = pi sigma w^2 d^4 B^2 / 128 per unit length of strand, with the slot field
  rising linearly from the slot bottom to mu0 n_c i / b_s), applied to the active length only;
- iron build factor 1.5 on the Bertotti loss of the fundamental (rotational fields, PWM and
  harmonics, punching damage; a common design allowance, e.g. SyR-e and Pyrhönen §3.6 quote 1.5–2);
- magnet eddy loss from the slot-opening ripple (Heller–Hamata dip amplitude), which a buried
  magnet sees attenuated by exp(-2 pi d / tau_s) (Laplace decay through the pole-piece depth d);
- bearings: Coulomb drag torque mu F d/2 with mu = 0.0015 (SKF, deep-groove ball bearings) for
  the rotor weight plus a 200 N preload per bearing; windage by the Couette formula in losses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from motoropt.constants import MU0, RPM_TO_RAD_S
from motoropt.errors import InputError
from motoropt.geometry.rotor import ArcPMRotor, InteriorPMRotor, SurfacePMRotor, flat_ipm
from motoropt.geometry.stator import Stator, parallel_tooth_slot

HOUSING_NOTE = "housing, shaft and bearings are an allowance (mechanical.housing_mass_fraction x active mass)"


class StatorWinding:
    """Winding-derived quantities shared by every machine with the slotted stator of
    :mod:`motoropt.geometry.stator` (needs ``stator``, ``winding``, ``conductor``, ``fill_factor``
    and ``end_extension``)."""

    # --- winding-derived ----------------------------------------------------------------------
    @property
    def conductors_per_slot(self) -> int:
        return int(self.winding.conductors_per_slot)

    @property
    def turn_area(self) -> float:
        """Copper cross-section of one turn (all strands in hand), m^2."""
        return self.stator.slot_area * self.fill_factor / self.conductors_per_slot

    @property
    def end_winding_length(self) -> float:
        """Length of one coil end (one end of one turn), m: half circle over the coil span plus the
        straight extensions (:func:`motoropt.windings.end_winding_length`)."""
        return self.winding.end_winding_length(self.stator.D_i, self.stator.slot_depth, self.end_extension)

    @property
    def mean_turn_length(self) -> float:
        return 2.0 * (self.stator.L + self.end_winding_length)

    @property
    def N_ph(self) -> float:
        """Series turns per phase (per parallel path)."""
        return float(self.winding.series_turns)

    @property
    def R_s_20(self) -> float:
        """Phase resistance at 20 degC, ohm."""
        a = self.winding.parallel_paths
        return self.conductor.resistivity(20.0) * self.N_ph * self.mean_turn_length / (self.turn_area * a)



@dataclass(frozen=True)
class Design(StatorWinding):
    """A fully specified design (SI units)."""

    name: str
    topology: str
    p: int
    stator: Stator
    rotor: object  # InteriorPMRotor | SurfacePMRotor | ArcPMRotor
    winding: object  # motoropt.windings.Winding
    steel: object
    rotor_steel: object
    magnet: object
    conductor: object
    air_gap: float
    fill_factor: float
    strand_diameter: float
    end_extension: float  # straight axial part of each coil side outside the core, m
    u_dc: float
    i_max: float  # peak phase current, A
    speed_max: float  # rad/s
    voltage_utilisation: float
    T_winding_c: float
    T_magnet_c: float
    T_coolant_c: float
    bearing_torque: float | None
    housing_mass_fraction: float
    vehicle: object | None
    cycles: tuple
    n_speed: int
    n_torque: int
    fm_n_d: int
    fm_n_q: int
    free: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # the case-file values it came from

    # --- masses -------------------------------------------------------------------------------
    def masses(self) -> dict:
        """Part masses, kg. 'active' = stator + rotor incl. coils, magnets and cores."""
        s, r = self.stator, self.rotor
        copper = 3 * self.N_ph * self.winding.parallel_paths * self.mean_turn_length * self.turn_area * self.conductor.density
        magnets = r.magnet_volume * self.magnet.density
        rotor_core = r.core_mass
        sleeve = getattr(r, "sleeve_mass", 0.0)
        active = s.core_mass + copper + magnets + rotor_core + sleeve
        return {
            "stator_teeth": s.teeth_mass, "stator_yoke": s.yoke_mass, "stator_core": s.core_mass,
            "copper": copper, "magnets": magnets, "rotor_core": rotor_core, "sleeve": sleeve,
            "rotor": rotor_core + magnets + sleeve, "active": active,
            "housing_allowance": self.housing_mass_fraction * active,
        }

    # --- model inputs ---------------------------------------------------------------------------
    def mec_inputs(self, T_magnet_c: float | None = None):
        """MECInputs of this design. The stator is tooth-level: the slot and tooth-tip leakage is a
        network permeance between adjacent tooth tips (so it saturates with the teeth) and L_sigma is
        the end-winding leakage only. IPM: the magnets end before the pole-piece tips (air pocket
        under the tip, leaking to the core), the pole-piece depth falls from v_depth at the centre to
        the bridge at the tip, and the whole inter-polar arc is iron joined to the q-axis rib (the
        barrier ends in the cap at the V's outer tip, as the geometry draws it). SPM with tooth coils
        (coil pitch 1, q < 1): a real-tooth network over the winding's unit (ToothCoilStator: the
        actual coil MMFs in the teeth, the real slot's leakage, tip iron; see the analytic module's
        docstring) replaces the smeared cells."""
        from motoropt.magnetics.analytic import (
            MECInputs,
            ToothCoilStator,
            leakage_inductance,
            slot_leakage_lambdas,
            tooth_coil_unit,
        )

        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        s, r = self.stator, self.rotor
        kfe = s.stacking_factor
        r_gap = 0.5 * s.D_i - 0.5 * self.air_gap
        tau_gap = 2 * math.pi * r_gap / s.Q
        h_y = s.yoke_height
        w = self.winding
        q = s.Q / (6.0 * self.p)
        pitch_ratio = min(1.0, w.coil_pitch / (s.Q / (2.0 * self.p)))
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        L_total = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening,
                                     q, 2.0 * self.end_winding_length, w.layers, pitch_ratio)
        L_slot = leakage_inductance(s.Q, self.N_ph, s.L, s.slot_depth, s.tip_height, b_s, s.slot_opening,
                                    q, 0.0, w.layers, pitch_ratio)
        g_mag = self.air_gap + getattr(r, "sleeve", 0.0)
        lam_u, lam_tt = slot_leakage_lambdas(s.slot_depth, s.tip_height, b_s, s.slot_opening, g_mag,
                                             w.layers, pitch_ratio)
        # the network's slot MMFs are those of the fundamental: 1/k_w1^2 restores the slot-leakage
        # energy of the real slot currents (sum of squares of the slot ampere-turns)
        P_slot = MU0 * s.L * (lam_u + lam_tt) / float(w.k_w1) ** 2
        # The air-gap harmonic ("differential") leakage of the winding's MMF harmonics
        # (differential_leakage_coefficient) is NOT added: against the embedded FEA on a q = 1/2 SPM
        # (tests/test_multipole.py) the network alone gives psi_q within 6 % at i_q = 200 A and
        # psi_d(-200, 0) within 3 %; adding sigma_delta L_m made psi_q +18 % (the network's slot
        # leakage, scaled by 1/k_w1^2, already carries that energy for tooth coils).
        common = dict(p=self.p, kw1=float(w.k_w1), N_ph=self.N_ph, r_gap=r_gap, L=s.L,
                      tooth_fraction=s.tooth_width_top / tau_gap * kfe,
                      tooth_fraction_root=s.tooth_width_bottom / tau_gap * kfe,
                      tooth_length=s.slot_depth, yoke_area=h_y * s.L * kfe,
                      yoke_radius=0.5 * (s.D_o - h_y), Br=float(self.magnet.Br(T_m)),
                      mu_r=float(self.magnet.mu_r), h_m=r.magnet_thickness, A_m=r.magnet_area_per_pole,
                      L_sigma=L_total - L_slot, slot_permeance=P_slot, slots=s.Q)
        if isinstance(r, SurfacePMRotor):
            # Carter with the magnetic gap seen by the slot openings (gap + sleeve + magnet/mu_r)
            g_mag = self.air_gap + r.sleeve + r.magnet_thickness / self.magnet.mu_r
            # the MEC adds the magnet's h_m/mu_r itself
            g_eff = g_mag * s.carter_coefficient(g_mag) - r.magnet_thickness / self.magnet.mu_r
            tc = None
            if w.coil_pitch == 1 and q < 1:
                # tooth coils: real-tooth network (ToothCoilStator) with the actual coil MMFs, so the
                # real slot's leakage permeance (no 1/k_w1^2) between the tips of adjacent teeth
                # (the network has the real slot currents: no chording factors, layers side by side)
                _, lam_tt1 = slot_leakage_lambdas(s.slot_depth, s.tip_height, b_s, s.slot_opening, g_mag)
                teeth, anti, units, turns = tooth_coil_unit(s.Q, self.p, w.coils, w.turns_per_coil,
                                                            w.parallel_paths)
                tc = ToothCoilStator(Q=s.Q, teeth=teeth, antiperiodic=anti, units=units,
                                     turns=tuple(map(tuple, turns.tolist())), tooth_width=s.tooth_width_top,
                                     tooth_width_root=s.tooth_width_bottom,
                                     tooth_length=s.slot_depth, tip_height=s.tip_height,
                                     slot_opening=s.slot_opening, R_bore=0.5 * s.D_i, k_fe=kfe,
                                     slot_permeance=MU0 * s.L * (s.tip_height / s.slot_opening + lam_tt1),
                                     slot_body_permeance=MU0 * s.L * (s.slot_depth - s.tip_height) / (3 * b_s))
            return MECInputs(g_eff=g_eff, pole_arc=r.pole_arc_ratio, spm=True, tooth_coil=tc, **common)
        if isinstance(r, ArcPMRotor):
            return self._arc_mec_inputs(common)
        R = r.R
        kfr = r.stacking_factor
        rib = 2 * (math.pi / (2 * self.p) - r.half_opening_angle) * (R - r.bridge) - r.magnet_thickness * math.sin(r.leg_angle)
        if r.rib is not None:  # q-axis rib between adjacent poles' barrier ends
            rib = r.rib
        # outer end of the magnet on the barrier's upper edge (vertex P0 -> outer tip P1)
        a = r.half_opening_angle
        P0 = (R - r.v_depth, 0.5 * r.post)
        P1 = ((R - r.bridge) * math.cos(a), (R - r.bridge) * math.sin(a))
        leg = math.hypot(P1[0] - P0[0], P1[1] - P0[1])
        wm = min(r.magnet_width, leg)
        M1 = (P0[0] + wm * (P1[0] - P0[0]) / leg, P0[1] + wm * (P1[1] - P0[1]) / leg)
        magnet_arc = 2 * math.atan2(M1[1], M1[0]) / (math.pi / self.p)
        # air pocket beyond the magnet: pole piece above (length leg - wm) and core below, h_m apart
        P_pocket = MU0 * r.L * (leg - wm) / r.magnet_thickness
        yoke_r = R - r.barrier_depth - 0.5 * r.D_shaft
        return MECInputs(g_eff=self.air_gap * s.carter_coefficient(self.air_gap), pole_arc=r.pole_arc_ratio,
                         spm=False, pp_depth_centre=r.v_depth, pp_depth_tip=r.bridge,
                         R_r=R, bridge_area=r.bridge * r.L * kfr, bridge_length=r.magnet_thickness,
                         post_area=r.post * r.L * kfr, post_length=r.magnet_thickness,
                         rib_area=max(rib, 1e-4) * r.L * kfr, rib_length=r.barrier_depth,
                         rotor_yoke_area=yoke_r * r.L * kfr,
                         rotor_yoke_length=math.pi / self.p * (0.5 * r.D_shaft + 0.5 * yoke_r),
                         k_fe_rotor=kfr, rib_arc=0.0, pocket_depth=0.0, magnet_arc=magnet_arc,
                         pocket_permeance=P_pocket, **common)

    @property
    def tooth_flux_factor(self) -> float:
        """Fundamental of one tooth's flux / (fundamental gap flux density x slot pitch area), for the
        iron-loss flux density of tooth-coil windings (q < 1): sin(a/2) / (a/2), a = 2 pi p / Q the
        electrical slot angle (the tooth integrates the gap wave over its slot pitch: 0.83 for
        q = 1/2, 0.74 for q = 2/5). The network's saturation keeps the local (cell) flux: the FEA
        check on a q = 1/2 SPM gave psi_PM -2 % with the local flux and +13 % with the averaged one
        (a flat-topped pole field fills a tooth spanning 2/3 of the pole). 1 for q >= 1. Applied in
        fluxmap only for the cell network (IPM tooth coils): the tooth-coil network of SPM designs
        (mec_inputs: tooth_coil) returns the real teeth's flux fundamental itself."""
        if self.winding.q >= 1:
            return 1.0
        a_s = 2.0 * math.pi * self.p / self.stator.Q
        return math.sin(0.5 * a_s) / (0.5 * a_s)

    def differential_leakage_coefficient(self) -> float:
        """sigma_delta = sum over the winding's MMF space harmonics n != p below the first slot
        harmonic (mechanical orders n < Q) of (F_n / F_p)^2 = (p k_w(n) / (n k_w1))^2 (Pyrhonen et
        al. 2014, eq. 4.40; the slot harmonics Q -+ p are the zig-zag field the tooth-tip permeance of
        the network carries). Multiplies the magnetising inductance 6 mu0 r L (k_w1 N)^2 / (pi p^2 g)."""
        import numpy as np

        n, amp, _ = self.winding.mmf_spectrum(max(self.stator.Q - 1, self.p))
        F = amp / amp[self.p]
        keep = (n != self.p) & (n > 0)
        return float(np.sum(F[keep] ** 2))

    def _arc_mec_inputs(self, common: dict):
        """MECInputs of an arc-barrier (ipm_arc) rotor (MEC cells in electrical angle, d axis at 0).

        The band's two ends are cut along the bridge circle R1 = R - bridge between E (end of the
        gap-side edge, polar angle a_E) and E' (end of the lower edge, a_E'); a_E' > a_E on every arc
        rotor (the arms rise towards the gap), so over a_E < |theta| < a_E' the rotor surface is only
        the bridge lying over the top of the magnet arm. Mapping onto the cell network:
        - pole piece over |theta| <= a_E' (pole_arc); the magnet (log-mean face A_m, thickness h_m:
          the band's whole internal permeance) feeds the cells over |theta| <= a_E (magnet_arc); the
          cell over each arm top (a_E .. a_E') is the tip node, joined to the pole piece by the bridge
          iron (pp_depth_profile: the true depth from the surface to the circular upper edge,
          R - (x_C cos th - sqrt(rho^2 - x_C^2 sin^2 th)), then the bridge thickness over the arm top)
          and to the q-axis rib by the other half of the bridge (bridge_length = |E E'| / 2);
        - no tip pocket permeance: the arm is magnet, whose permeance is already in A_m (the V rotor's
          pocket is the air beyond its magnet);
        - the inter-polar rib (rib_width, between the E' corners) joins the q-axis iron to the rotor
          yoke under the arc (path length = barrier depth).
        Diagnosed against the embedded FEA (tests/test_arc_mec.py): the earlier mapping put the arm tops
        (a_E .. a_E') at the q-axis iron's potential, i.e. iron directly behind the gap, so with i_d
        alone they took 3x the FEA's d-axis flux (programme case at -0.25 I_max: 0.59 vs 0.21 mWb per
        side; bonded case 0.15 vs 0.02 mWb): L_d +59 % / +11 % (network alone)."""
        from motoropt.magnetics.analytic import MECInputs

        s, r = self.stator, self.rotor
        kfr = r.stacking_factor
        yoke_r = r.R - r.barrier_depth - 0.5 * r.D_shaft
        xE, yE = r._end()
        xL, yL = r.lower_corner
        aE, aL = math.atan2(yE, xE), math.atan2(yL, xL)
        aL = max(aL, aE * (1.0 + 1e-9))
        EE = (r.R - r.bridge) * (aL - aE)  # bridge over the arm top, along the circle R1, m
        xc, rho = r.arc_centre, r.arc_radius
        prof = []
        for k in range(41):  # upper edge at polar angle th: nearer intersection of the ray with the circle
            th = aE * k / 40
            t = xc * math.cos(th) - math.sqrt(max(rho * rho - (xc * math.sin(th)) ** 2, 0.0))
            prof.append((th / aL, max(r.R - t, r.bridge)))
        # over the arm top only the bridge (a step at a_E where E lies beyond the ray's tangent point
        # on the circle, i.e. where the pole piece reaches down the arm's inner face)
        prof += [(aE / aL * (1.0 + 1e-9), r.bridge), (1.0, r.bridge)]
        pole = math.pi / self.p
        return MECInputs(g_eff=self.air_gap * s.carter_coefficient(self.air_gap), pole_arc=2 * aL / pole,
                         spm=False, pp_depth_centre=r.arc_depth, pp_depth_tip=r.bridge, R_r=r.R,
                         bridge_area=r.bridge * r.L * kfr, bridge_length=0.5 * EE,
                         post_area=0.0, post_length=r.magnet_thickness,
                         rib_area=max(r.rib_width, 1e-4) * r.L * kfr, rib_length=r.barrier_depth,
                         rotor_yoke_area=yoke_r * r.L * kfr,
                         rotor_yoke_length=math.pi / self.p * (0.5 * r.D_shaft + 0.5 * yoke_r),
                         k_fe_rotor=kfr, rib_arc=0.0, pocket_depth=0.0, magnet_arc=2 * aE / pole,
                         pocket_permeance=0.0, pp_depth_profile=tuple(prof), **common)

    def fluxmap(self, T_magnet_c: float | None = None):
        from motoropt.magnetics.analytic import compute_fluxmap
        from motoropt.magnetics.fea.pipeline import fluxmap_for_fidelity

        fm = fluxmap_for_fidelity(self, T_magnet_c)  # [fea] fidelity = "fea": the embedded FEA's map
        if fm is not None:
            return fm
        T_m = self.T_magnet_c if T_magnet_c is None else T_magnet_c
        H, B = self.steel.bh_arrays()
        m = self.mec_inputs(T_m)
        fm = compute_fluxmap(m, H, B, self.i_max, self.fm_n_d, self.fm_n_q, T_m)
        kt = self.tooth_flux_factor
        # the tooth-coil network gives the real teeth's flux (kt already in it); the cell network the local
        if kt != 1.0 and m.tooth_coil is None:  # tooth coils: the tooth flux's fundamental (iron loss) is kt x the local one
            import dataclasses

            Bi = fm.B_iron.copy()
            Bi[fm.regions.index("stator_teeth")] *= kt
            fm = dataclasses.replace(fm, B_iron=Bi)
        return self.with_rotor_surface_region(fm)

    # --- rotor iron: slot-ripple (pole-face) loss ------------------------------------------------
    def slot_ripple_ratio(self) -> float:
        """Slot-opening ripple amplitude / mean gap flux density at the rotor surface (Heller-Hamata
        dip: beta = 1/2 - 1/(2 sqrt(1 + (b_o/2g)^2)), g the magnetic gap seen by the openings)."""
        r = self.rotor
        g = self.air_gap + getattr(r, "sleeve", 0.0)
        if isinstance(r, SurfacePMRotor):
            g += r.magnet_thickness / self.magnet.mu_r
        u = self.stator.slot_opening / (2.0 * g)
        return 0.5 - 0.5 / math.sqrt(1.0 + u * u)

    @property
    def rotor_surface_depth(self) -> float:
        """Depth over which the slot-frequency field decays into the rotor iron, tau_s / (2 pi), m."""
        return self.stator.slot_pitch / (2.0 * math.pi)

    @property
    def rotor_surface_mass(self) -> float:
        """Iron mass of the rotor surface layer that carries the slot-ripple field, kg."""
        r = self.rotor
        radius = r.R_core if isinstance(r, SurfacePMRotor) else r.R
        return 2 * math.pi * radius * r.L * self.rotor_surface_depth * r.stacking_factor * r.density

    def with_rotor_surface_region(self, fm):
        """Add the region "rotor_surface": slot-ripple flux density beta * B_gap (B_gap from the
        teeth's fundamental), at the slot frequency Q/p * f_e. For SPM rotors the ripple reaches the
        core under the magnets attenuated by exp(-2 pi h_m / tau_s) (Laplace decay)."""
        import dataclasses

        import numpy as np

        if "rotor_surface" in fm.regions:
            return fm
        s = self.stator
        i_t = fm.regions.index("stator_teeth")
        tau_gap = 2 * math.pi * (0.5 * s.D_i - 0.5 * self.air_gap) / s.Q
        B_gap = fm.B_iron[i_t] * s.tooth_width_top / tau_gap * s.stacking_factor / self.tooth_flux_factor
        B_r = self.slot_ripple_ratio() * B_gap
        if isinstance(self.rotor, SurfacePMRotor):
            B_r = B_r * math.exp(-2 * math.pi * self.rotor.magnet_thickness / s.slot_pitch)
        return dataclasses.replace(fm, B_iron=np.concatenate((fm.B_iron, B_r[None])),
                                   regions=tuple(fm.regions) + ("rotor_surface",))

    def k_ac(self) -> float:
        """AC copper-loss factor coefficient: R_ac/R_dc = 1 + k_ac (f_e / 1 kHz)^2 (see module doc)."""
        s = self.stator
        sigma = 1.0 / self.conductor.resistivity(self.T_winding_c)
        d = self.strand_diameter
        n_strands = max(1.0, self.turn_area / (math.pi / 4 * d * d))
        n_c = self.conductors_per_slot
        b_s = 0.5 * (s.slot_width_top + s.slot_width_bottom)
        w = 2 * math.pi * 1000.0
        # per unit peak phase current: B_max = mu0 n_c / b_s, <B^2> = B_max^2 / 3 over the height
        B2 = (MU0 * n_c / b_s) ** 2 / 3.0
        p_prox = n_c * n_strands * math.pi * sigma * w**2 * d**4 * B2 / 128.0  # W/m per slot at 1 A peak
        p_dc = n_c * 0.5 / (sigma * self.turn_area)  # W/m per slot at 1 A peak (rms^2 = 1/2)
        return p_prox / p_dc * s.L / (0.5 * self.mean_turn_length)

    def magnet_eddy_coeff(self) -> float:
        """Magnet eddy loss at f_e = 1 kHz and no load, W (see module doc)."""
        from motoropt.drive.losses import magnet_eddy_coefficient

        s, r = self.stator, self.rotor
        B_gap = 0.8 * float(self.magnet.Br(self.T_magnet_c))  # typical working point of the gap field
        B_ripple = self.slot_ripple_ratio() * B_gap
        if not isinstance(r, SurfacePMRotor):  # buried (V, flat or arc)
            B_ripple *= math.exp(-2 * math.pi * r.bridge / s.slot_pitch) * math.exp(-2 * math.pi * 0.5 * r.v_depth / s.slot_pitch)
        return magnet_eddy_coefficient(r.magnet_volume, r.magnet_width, self.magnet.resistivity, B_ripple,
                                       s.Q / self.p, r.magnet_segments)

    def bearing_drag_torque(self) -> float:
        if self.bearing_torque is not None:
            return self.bearing_torque
        m_rot = self.masses()["rotor"] * 1.3  # + shaft
        F = m_rot * 9.81 + 2 * 200.0
        return 0.0015 * F * 0.5 * max(self.rotor.D_shaft * 0.5, 0.02)

    def machine_model(self, T_magnet_c: float | None = None, T_winding_c: float | None = None):
        """Flux map + loss parameters + limits: everything the drive pipeline needs."""
        from motoropt.drive.control import Limits, MachineModel
        from motoropt.drive.losses import LossParams

        fm = self.fluxmap(T_magnet_c)
        ms = self.masses()
        st, rs = self.steel, self.rotor_steel
        lp = LossParams(
            R_s_20=self.R_s_20, alpha_R=self.conductor.alpha,
            T_winding_c=self.T_winding_c if T_winding_c is None else T_winding_c,
            k_ac=self.k_ac(),
            regions=("stator_teeth", "stator_yoke", "rotor_surface"),
            region_mass=(ms["stator_teeth"], ms["stator_yoke"], self.rotor_surface_mass),
            kh=(st.kh, st.kh, rs.kh), kc=(st.kc, st.kc, rs.kc), ke=(st.ke, st.ke, rs.ke),
            k_build=(1.5, 1.5, 1.5), region_freq_factor=(1.0, 1.0, self.stator.Q / self.p),
            magnet_eddy_coeff=self.magnet_eddy_coeff(),
            T_b0=self.bearing_drag_torque(), rotor_radius=0.5 * self.rotor.D_r, stack_length=self.rotor.L,
            air_gap=self.air_gap,
        )
        from motoropt.system.evaluation import inverter_voltage_limit

        lim = Limits(u_dc=self.u_dc, i_max=self.i_max, speed_max=self.speed_max,
                     voltage_utilisation=self.voltage_utilisation,
                     u_ph_max_override=inverter_voltage_limit(self))  # None without an [inverter]
        return MachineModel(fluxmap=fm, loss_params=lp, limits=lim, name=self.name)


def vehicle_from_values(v: dict):
    """A :class:`~motoropt.vehicle.Vehicle` from the case's [vehicle] table: a preset (optional)
    with any given field overriding it; without a preset every field is required."""
    import dataclasses

    from motoropt.vehicle import VEHICLES, Vehicle

    given = {k: val for k, val in v.items() if val is not None and k != "preset"}
    if v.get("preset") is not None:
        if v["preset"] not in VEHICLES:
            raise InputError("vehicle.preset", v["preset"], f"one of {sorted(VEHICLES)}")
        return dataclasses.replace(VEHICLES[v["preset"]], **given)
    required = ("mass_kg", "drag_coefficient", "frontal_area_m2", "rolling_resistance", "wheel_radius_m",
                "gear_ratio", "gear_efficiency", "regen_fraction")
    for k in required:
        if k not in given:
            raise InputError(f"vehicle.{k}", None, "given (or a vehicle.preset)")
    return Vehicle(**given)


def stator_from_values(st: dict, steel) -> Stator:
    """The stator lamination from the case's [stator] values (case-file units), validated: parallel
    teeth from tooth_width_mm, or a trapezoidal slot from slot_width_top_mm / slot_width_bottom_mm."""
    mm = 1e-3
    D_o, D_i, L = st["outer_diameter_mm"] * mm, st["bore_diameter_mm"] * mm, st["stack_length_mm"] * mm
    Q = int(st["slots"])
    depth, tip = st["slot_depth_mm"] * mm, st["tip_height_mm"] * mm
    if st.get("tooth_width_mm") is not None:
        if st.get("slot_width_top_mm") is not None or st.get("slot_width_bottom_mm") is not None:
            raise InputError("stator.tooth_width_mm", st["tooth_width_mm"],
                             "given alone: either tooth_width_mm (parallel teeth) or slot_width_top_mm + slot_width_bottom_mm")
        w_top, w_bot = parallel_tooth_slot(D_i, Q, depth, tip, st["tooth_width_mm"] * mm)
    else:
        if st.get("slot_width_top_mm") is None or st.get("slot_width_bottom_mm") is None:
            raise InputError("stator.tooth_width_mm", None, "given, or both slot_width_top_mm and slot_width_bottom_mm")
        w_top, w_bot = st["slot_width_top_mm"] * mm, st["slot_width_bottom_mm"] * mm
    if w_top <= 0.3e-3 or w_bot <= 0.3e-3:
        raise InputError("stator.tooth_width_mm", st.get("tooth_width_mm"), "small enough to leave slots of >= 0.3 mm")
    stator = Stator(D_o=D_o, D_i=D_i, L=L, Q=Q, slot_depth=depth, slot_width_top=w_top, slot_width_bottom=w_bot,
                    slot_opening=st["slot_opening_mm"] * mm, tip_height=tip, stacking_factor=st["stacking_factor"],
                    density=steel.density)
    stator.validate()
    return stator


def design_from_values(values: dict, free: dict | None = None) -> Design:
    """Build and validate a :class:`Design` from case-file values (see :mod:`motoropt.case.schema`)."""
    from motoropt.case.schema import VARIABLE_FREE_SECTIONS
    from motoropt.materials import get_conductor, get_magnet, get_steel
    from motoropt.windings import make_winding

    free = dict(free or {})
    for sec in VARIABLE_FREE_SECTIONS:  # optimiser assignments of free-section variables
        if sec in values and sec in free:
            free[sec] = {**free[sec], **values[sec]}
    if values["machine"]["topology"] == "induction":
        from motoropt.machines.induction.model import induction_design_from_values

        return induction_design_from_values(values, free)
    m, st, ro, wi, li = values["machine"], values["stator"], values["rotor"], values["winding"], values["limits"]
    te, me, ma = values["temperatures"], values["mechanical"], values["map"]
    mm = 1e-3
    p = int(m["pole_pairs"])
    topology = m["topology"]
    steel = get_steel(st["steel"], field="stator.steel")
    rotor_steel = get_steel(ro["steel"], field="rotor.steel") if ro.get("steel") else steel
    magnet = get_magnet(ro["magnet"], field="rotor.magnet")
    conductor = get_conductor(wi["conductor"], field="winding.conductor")

    stator = stator_from_values(st, steel)
    D_i, L, Q = stator.D_i, stator.L, stator.Q

    g = ro["air_gap_mm"] * mm
    D_r = D_i - 2 * g
    D_sh = ro["shaft_diameter_mm"] * mm
    h_m = ro["magnet_thickness_mm"] * mm
    seg = int(ro["magnet_segments"])
    if topology == "spm":
        if ro.get("pole_arc_ratio") is None:
            raise InputError("rotor.pole_arc_ratio", None, "given for topology 'spm' (in [0.3, 1.0])")
        rotor = SurfacePMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_thickness=h_m, pole_arc_ratio=ro["pole_arc_ratio"],
                               sleeve=ro["sleeve_mm"] * mm, magnet_segments=seg, density=rotor_steel.density)
    elif topology == "ipm_arc":
        for k in ("arc_depth_mm", "arc_opening_mm", "bridge_mm"):
            if ro.get(k) is None:
                raise InputError(f"rotor.{k}", None, "given for topology 'ipm_arc'")
        rotor = ArcPMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_thickness=h_m, arc_depth=ro["arc_depth_mm"] * mm,
                           arc_opening=ro["arc_opening_mm"] * mm, bridge=ro["bridge_mm"] * mm, magnet_segments=seg,
                           density=rotor_steel.density)
    else:
        for k in ("magnet_width_mm", "bridge_mm"):
            if ro.get(k) is None:
                raise InputError(f"rotor.{k}", None, f"given for topology '{topology}'")
        if topology == "ipm_v":
            for k in ("v_depth_mm", "v_opening_mm"):
                if ro.get(k) is None:
                    raise InputError(f"rotor.{k}", None, "given for topology 'ipm_v'")
            rotor = InteriorPMRotor(D_r=D_r, D_shaft=D_sh, L=L, p=p, magnet_width=ro["magnet_width_mm"] * mm,
                                    magnet_thickness=h_m, v_depth=ro["v_depth_mm"] * mm, v_opening=ro["v_opening_mm"] * mm,
                                    bridge=ro["bridge_mm"] * mm, post=ro["post_mm"] * mm, magnet_segments=seg,
                                    density=rotor_steel.density,
                                    rib=None if ro.get("rib_mm") is None else ro["rib_mm"] * mm)
        else:
            if ro.get("magnet_depth_mm") is None:
                raise InputError("rotor.magnet_depth_mm", None, "given for topology 'ipm_flat'")
            rotor = flat_ipm(D_r, D_sh, L, p, ro["magnet_width_mm"] * mm / 2, h_m, ro["magnet_depth_mm"] * mm,
                             ro["bridge_mm"] * mm, ro["post_mm"] * mm, magnet_segments=seg, density=rotor_steel.density)
    if g >= 0.25 * (D_i - D_sh):
        raise InputError("rotor.air_gap_mm", ro["air_gap_mm"], "much smaller than the rotor radius")
    rotor.validate()
    # pole count vs diameter: a pole pitch of at least 2 magnet thicknesses and 4 mm, and (the MEC's
    # gap is one-dimensional) at least pi x the magnetic gap (air gap + sleeve, + magnet for SPM): at
    # k delta = pi delta / tau_p <= 1 the 2-D field of a pole (sinh(k h)/sinh(k delta) against h/delta)
    # differs from the 1-D one by <= ~6 %; beyond it the poles short-circuit through the gap
    pole_pitch = math.pi * D_r / (2 * p)
    delta = g + (ro["sleeve_mm"] * mm + h_m if topology == "spm" else 0.0)
    pitch_min = max(4e-3, 2.0 * h_m, math.pi * delta)
    if pole_pitch < pitch_min:
        raise InputError("machine.pole_pairs", p, f"<= {int(math.pi * D_r / (2 * pitch_min))} for this rotor diameter "
                         f"(pole pitch {pole_pitch * 1e3:.2f} mm < {pitch_min * 1e3:.2f} mm = max(4 mm, 2 x magnet, "
                         f"pi x magnetic gap))")

    winding = make_winding(slots=Q, pole_pairs=p, layers=int(wi["layers"]), coil_pitch=wi.get("coil_pitch_slots"),
                           turns_per_coil=int(wi["turns_per_coil"]), parallel_paths=int(wi["parallel_paths"]),
                           field_prefix="winding")

    fill = wi["fill_factor"]
    n_c = winding.conductors_per_slot
    turn_area = stator.slot_area * fill / n_c
    if li.get("max_current_rms_a") is not None:
        i_rms = li["max_current_rms_a"]
    elif li.get("max_current_density_a_per_mm2") is not None:
        i_rms = li["max_current_density_a_per_mm2"] * turn_area * 1e6 * winding.parallel_paths
    else:
        raise InputError("limits.max_current_rms_a", None, "given (or limits.max_current_density_a_per_mm2)")
    d_strand = wi["strand_diameter_mm"] * mm
    if d_strand * d_strand * math.pi / 4 > turn_area * 1.0001:
        raise InputError("winding.strand_diameter_mm", wi["strand_diameter_mm"],
                         f"<= {2e3 * math.sqrt(turn_area / math.pi):.3f} (the copper area of one turn is {turn_area * 1e6:.3f} mm^2)")

    vehicle = None
    if values.get("vehicle") and any(v is not None for v in values["vehicle"].values()):
        vehicle = vehicle_from_values(values["vehicle"])
    cycles = tuple(values["cycles"]["names"])
    from motoropt.cycles import CYCLE_NAMES
    from motoropt.mission import mission_spec

    mission = mission_spec(free or {})  # an aircraft mission profile used as a "cycle"
    for c in cycles:
        if c not in CYCLE_NAMES and (mission is None or c != mission["name"]):
            raise InputError("cycles.names", c, f"one of {list(CYCLE_NAMES)} or the [mission] name")

    return Design(
        name=m["name"], topology=topology, p=p, stator=stator, rotor=rotor, winding=winding, steel=steel,
        rotor_steel=rotor_steel, magnet=magnet, conductor=conductor, air_gap=g, fill_factor=fill,
        strand_diameter=d_strand, end_extension=wi["end_extension_mm"] * mm, u_dc=li["dc_link_voltage_v"],
        i_max=i_rms * math.sqrt(2.0), speed_max=li["max_speed_rpm"] * RPM_TO_RAD_S,
        voltage_utilisation=li["voltage_utilisation"], T_winding_c=te["winding_c"], T_magnet_c=te["magnet_c"],
        T_coolant_c=te["coolant_c"], bearing_torque=me.get("bearing_torque_nm"),
        housing_mass_fraction=me["housing_mass_fraction"], vehicle=vehicle, cycles=cycles,
        n_speed=int(ma["n_speed"]), n_torque=int(ma["n_torque"]), fm_n_d=int(ma["fluxmap_n_d"]),
        fm_n_q=int(ma["fluxmap_n_q"]), free=dict(free or {}), values=values,
    )
