"""Permanent-magnet synchronous machines: surface PM (with distributed or tooth-coil windings),
interior PM with V, flat or arc (bonded-magnet) barriers. One :class:`~.design.Design` class; the
topology selects the rotor builder and the MEC's rotor network (:data:`.design.ROTORS`,
:data:`.design.MEC_INPUTS`)."""

from motoropt.machines.base import Family, register
from motoropt.machines.pmsm.design import MEC_INPUTS, ROTORS, Design, build_pm_design

_DOC = {"spm": "surface PM (tooth-coil windings: real-tooth MEC network)", "ipm_v": "interior PM, V barrier",
        "ipm_flat": "interior PM, flat barrier", "ipm_arc": "interior PM, arc barrier (bonded magnet)"}
for _topology in ROTORS:
    register(Family(topology=_topology, family="pmsm", build=build_pm_design, doc=_DOC[_topology]))

__all__ = ["MEC_INPUTS", "ROTORS", "Design", "build_pm_design"]
