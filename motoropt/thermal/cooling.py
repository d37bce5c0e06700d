"""Cooling options and their heat-transfer coefficients (SI units).

Each option is a frozen dataclass of plain numbers; :func:`cooling_boundaries` turns a
:class:`Cooling` selection plus the housing geometry into conductances the network builder uses.

Fluid heat pick-up: a coolant (jacket water-glycol, spray oil) is represented by one node at the
fluid's *mean* temperature, joined to its inlet temperature by the conductance 2 m_dot c_p. This is
exact for the mean temperature of a fluid stream whose temperature rises linearly from inlet to
outlet (T_mean = T_in + Q / (2 m_dot c_p)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from motoropt.errors import InputError
from motoropt.thermal import correlations as cr
from motoropt.thermal.air_cooling import DirectAir


def _positive(name, value):
    if not (value > 0):
        raise InputError(name, value, "> 0")


@dataclass(frozen=True)
class WaterJacket:
    """Water-glycol (50/50) jacket around the stator: rectangular channel(s) in the housing.

    Attributes:
        flow_lpm: volumetric flow rate, l/min (total, split over ``n_parallel`` channels).
        inlet_c: coolant inlet temperature, degC.
        channel_width: channel width facing the stator (axial pitch of the helix), m.
        channel_height: channel radial height, m.
        path_length: flow-path length of one channel (helix length or sum of axial passes), m.
        n_parallel: number of parallel channels.
        laminar_nu: laminar Nusselt number (3.66 constant wall temperature).
    Heat transfer: Nu from :func:`correlations.nusselt_pipe` (laminar 3.66 / Gnielinski 2013
    transition / Gnielinski 1976 turbulent) on the hydraulic diameter 2ab/(a+b); the heated area is
    the inner (stator-side) wall only, a x path length per channel (side walls neglected:
    conservative). Properties at the inlet temperature + 5 K (assumed mean-film temperature).
    """

    flow_lpm: float = 8.0
    inlet_c: float = 65.0
    channel_width: float = 0.012
    channel_height: float = 0.006
    path_length: float = 2.0
    n_parallel: int = 1
    laminar_nu: float = 3.66

    def __post_init__(self):
        for f in ("flow_lpm", "channel_width", "channel_height", "path_length", "n_parallel"):
            _positive(f"cooling.jacket.{f}", getattr(self, f))

    @property
    def hydraulic_diameter(self) -> float:
        a, b = self.channel_width, self.channel_height
        return 2.0 * a * b / (a + b)

    def flow_state(self):
        """(Re, Pr, Nu, h W/m^2/K, velocity m/s, m_dot kg/s, cp J/kg/K) of the jacket flow."""
        rho, mu, k, cp, Pr = cr.glycol50_properties(self.inlet_c + 5.0)
        Q = self.flow_lpm / 60000.0
        v = Q / (self.n_parallel * self.channel_width * self.channel_height)
        Dh = self.hydraulic_diameter
        Re = rho * v * Dh / mu
        Nu = cr.nusselt_pipe(Re, Pr, self.laminar_nu)
        return Re, Pr, Nu, Nu * k / Dh, v, rho * Q, cp

    @property
    def h(self) -> float:
        return self.flow_state()[3]

    @property
    def area(self) -> float:
        return self.n_parallel * self.channel_width * self.path_length

    @property
    def fluid_capacitance(self) -> float:
        """Heat capacity of the fluid held in the channels, J/K."""
        rho, _, _, cp, _ = cr.glycol50_properties(self.inlet_c)
        vol = self.n_parallel * self.channel_width * self.channel_height * self.path_length
        return rho * cp * vol


@dataclass(frozen=True)
class OilSpray:
    """Direct oil spray (or drip) onto both end windings.

    h = h_ref (flow / flow_ref)^0.5 on the wetted fraction of the end-winding surface. This is a
    stated engineering assumption, not a validated correlation: spray/jet impingement on end
    windings is reported in the range ~300-3000 W/m^2/K (e.g. Davin et al., Appl. Therm. Eng. 80
    (2015) 371-383; Liu et al., "Experimental study of direct oil spray cooling", review in
    Energies 2021), and laminar impinging-jet correlations scale as Re^0.5. Default h_ref = 1000
    W/m^2/K at 4 l/min total. Oil properties: ATF-type mineral oil (see correlations.OIL_*).
    """

    flow_lpm: float = 4.0
    inlet_c: float = 70.0
    h_ref: float = 1000.0
    flow_ref_lpm: float = 4.0
    wetted_fraction: float = 0.6
    holdup_mass: float = 0.1  # kg of oil in the end spaces at any time (film + drops), assumption

    def __post_init__(self):
        for f in ("flow_lpm", "h_ref", "flow_ref_lpm", "holdup_mass"):
            _positive(f"cooling.oil.{f}", getattr(self, f))
        if not (0 < self.wetted_fraction <= 1):
            raise InputError("cooling.oil.wetted_fraction", self.wetted_fraction, "in (0, 1]")

    @property
    def h(self) -> float:
        return self.h_ref * math.sqrt(self.flow_lpm / self.flow_ref_lpm)

    @property
    def m_dot(self) -> float:
        return self.flow_lpm / 60000.0 * cr.OIL_RHO


@dataclass(frozen=True)
class OilDrip:
    """Passive splash / drip oil (e.g. a motor inside a transaxle: gear-splashed oil dripping onto
    the end windings and running down the end-space walls, collected in a sump that an oil cooler
    holds near ``inlet_c``). No spray nozzles, no pump pressure: the oil moves as gravity films.

    Heat transfer (:func:`correlations.falling_film_h`): a laminar falling film, thermally
    developed (Nu_delta = 1.88 on the Nusselt film thickness), viscosity at the oil temperature
    ``inlet_c`` (Walther, ATF-type defaults of :mod:`.correlations`), k 0.14 W/m/K:
    - end windings: per end, flow_lpm / 2 runs down both sides of the end-winding ring (a horizontal
      cylinder of the overhang's axial width w_ew): Gamma = m_dot / (4 w_ew), circumferential mean
      (x 0.824), on ``wetted_fraction`` of the end-winding surface;
    - housing: the same flow then runs down the housing's inner surface in the end spaces (shell
      beyond the stack and end caps), Gamma = m_dot / (4 w_es) with w_es the axial end-space length
      per side, on ``wall_wetted_fraction`` of that surface (either fraction may be 0: no film there).
    The oil is one node at its mean temperature joined to ``inlet_c`` by 2 m_dot c_p (as the spray).

    No published heat-transfer coefficient for drip/splash-cooled end windings could be cited
    (Davin et al., Appl. Therm. Eng. 75 (2015) 1-13 measured dripping and injection at 40-360 l/h;
    only the abstract was readable): the film model above is physics, and ``flow_lpm`` (how much
    oil actually reaches the end windings) and the wetted fractions are ASSUMPTIONS. The default
    2 l/min total is the geometric middle of Davin's tested range, not a measured value of any
    machine; h ~ flow^(-1/3) (a thicker film), so 40..360 l/h spans a factor 2.1 in h. The film's
    wall side is taken isothermal; the entry length of the thermal layer (a few % of the path) and
    waves (wavy-laminar films transfer more) are neglected: conservative.
    """

    flow_lpm: float = 2.0
    inlet_c: float = 70.0
    wetted_fraction: float = 0.6
    wall_wetted_fraction: float = 0.5
    nu40_cst: float = cr.OIL_NU40_CST
    nu100_cst: float = cr.OIL_NU100_CST
    holdup_mass: float = 0.1

    def __post_init__(self):
        for f in ("flow_lpm", "holdup_mass", "nu100_cst"):
            _positive(f"cooling.drip.{f}", getattr(self, f))
        for f in ("wetted_fraction", "wall_wetted_fraction"):
            if not (0 <= getattr(self, f) <= 1):
                raise InputError(f"cooling.drip.{f}", getattr(self, f), "in [0, 1]")
        if not self.nu40_cst > self.nu100_cst:
            raise InputError("cooling.drip.nu40_cst", self.nu40_cst, f"> nu100_cst ({self.nu100_cst})")

    @property
    def m_dot(self) -> float:
        return self.flow_lpm / 60000.0 * cr.OIL_RHO

    @property
    def nu(self) -> float:
        """Kinematic viscosity at the oil temperature, m^2/s."""
        return cr.walther_viscosity(self.inlet_c, self.nu40_cst, self.nu100_cst)

    def h(self, width: float, horizontal_cylinder: bool) -> float:
        """Film coefficient (W/m^2/K) for the flow of one end split over both sides of a surface of
        axial width ``width`` (m)."""
        if not width > 0:
            raise InputError("cooling.drip.width", width, "> 0")
        return cr.falling_film_h(self.m_dot / (4.0 * width), self.nu, horizontal_cylinder=horizontal_cylinder)

    def film_reynolds(self, width: float) -> float:
        """4 Gamma / mu of that film (laminar below ~1000)."""
        return 4.0 * self.m_dot / (4.0 * width) / (self.nu * cr.OIL_RHO)


@dataclass(frozen=True)
class ForcedAirFins:
    """Axial fins on the housing with forced air (fan or flight speed) along them.

    Attributes: n_fins, fin_height (m), fin_thickness (m), air_speed (m/s, in the fin channels),
    ambient_c (degC), k_fin (W/m/K, cast aluminium ~150-200; IDBL Table A.1 Al alloy 2024: 177).
    Fin length along the flow = housing length. Pitch follows from n_fins and the housing
    circumference (must exceed the fin thickness).

    h: average flat-plate Nusselt number over the fin length (IDBL eq. 7.30/7.38) at the air speed,
    on both fin faces and the exposed base (assumes the channel is wide enough that boundary
    layers do not merge: spacing > ~2 delta; otherwise this overestimates h). Fin efficiency
    tanh(m Lc)/(m Lc). Properties at ambient + 20 K.
    """

    n_fins: int = 36
    fin_height: float = 0.02
    fin_thickness: float = 0.002
    air_speed: float = 10.0
    ambient_c: float = 40.0
    k_fin: float = 170.0

    def __post_init__(self):
        for f in ("n_fins", "fin_height", "fin_thickness", "air_speed", "k_fin"):
            _positive(f"cooling.air.{f}", getattr(self, f))

    def h(self, length: float) -> float:
        rho, mu, k, _, Pr = cr.air_properties(self.ambient_c + 20.0)
        Re = rho * self.air_speed * length / mu
        return cr.flat_plate_nusselt(Re, Pr) * k / length

    def conductance(self, D_out: float, length: float) -> float:
        """Housing-to-ambient conductance h (A_base + eta A_fins), W/K."""
        pitch = math.pi * D_out / self.n_fins
        if pitch <= self.fin_thickness:
            raise InputError("cooling.air.n_fins", self.n_fins, f"pitch {pitch:.4g} m > fin thickness")
        h = self.h(length)
        eta = cr.fin_efficiency(h, self.k_fin, self.fin_thickness, self.fin_height)
        A_fin = self.n_fins * (2.0 * self.fin_height + self.fin_thickness) * length
        A_base = (math.pi * D_out - self.n_fins * self.fin_thickness) * length
        return h * (A_base + eta * A_fin)


@dataclass(frozen=True)
class NaturalConvection:
    """Natural convection + radiation from the housing outer cylinder (always present).

    Churchill-Chu horizontal cylinder plus linearised radiation, both evaluated at an assumed
    surface temperature ``surface_c`` (the network is linear, so h is fixed once); emissivity 0.9
    (painted/anodised housing). End faces are added with the same h.
    """

    ambient_c: float = 40.0
    surface_c: float = 80.0
    emissivity: float = 0.9

    def h(self, D_out: float) -> float:
        return cr.natural_convection_cylinder_h(D_out, self.surface_c, self.ambient_c) + cr.radiation_h(
            self.emissivity, self.surface_c, self.ambient_c
        )


@dataclass(frozen=True)
class InverterThermal:
    """Power-module thermal path: junction -> case (R_th_jc) -> coolant (R_th_ch + R_th_hc).

    R values in K/W for the whole module set carrying the inverter loss; heat capacities in J/K
    (defaults: typical 6-pack automotive module, a few J/K junction, ~100 J/K baseplate). The
    coolant is at ``coolant_c`` (or the jacket inlet if ``None`` and a jacket is present).
    """

    R_th_jc: float = 0.05
    R_th_ch: float = 0.03
    C_junction: float = 5.0
    C_case: float = 150.0
    coolant_c: float | None = None


@dataclass(frozen=True)
class Cooling:
    """Selected cooling: any combination of jacket, oil spray, drip oil, finned forced air and direct
    air through the gap and slot channels (:mod:`.air_cooling`); natural convection from the housing is
    always included. ``Cooling()`` is natural convection only."""

    jacket: WaterJacket | None = None
    oil: OilSpray | None = None
    drip: OilDrip | None = None
    air: ForcedAirFins | None = None
    natural: NaturalConvection = field(default_factory=NaturalConvection)
    inverter: InverterThermal | None = None
    direct_air: DirectAir | None = None
