"""Physical constants and fixed conventions (one source of truth)."""

import math

MU0 = 4e-7 * math.pi  # vacuum permeability, H/m (exact enough: CODATA 2018 differs by 5e-10 rel.)
G_ACCEL = 9.80665  # standard gravity, m/s^2
RHO_AIR = 1.2  # air density for road load, kg/m^3 (FASTSim convention)
T_REF_C = 20.0  # reference temperature of material data, degC
ZERO_C_K = 273.15  # 0 degC in K
RPM_TO_RAD_S = 2.0 * math.pi / 60.0

#: the map's torque axis ends this fraction inside the envelope's extremes (and the thermal rating
#: grid's top torques as much inside the envelope): a point at exactly the peak torque is reachable
#: only at one current vector (one slip), so whether its solve succeeds would be decided by the last
#: bits of two different searches (the envelope's and the point solver's)
ENVELOPE_MARGIN = 1e-6
