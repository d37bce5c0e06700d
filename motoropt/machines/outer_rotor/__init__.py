"""Outer-rotor surface-PM machines (topology ``spm_outer``): the stator inside with outward slots and
tooth-coil windings, magnets (radial arcs or a Halbach array) on the inside of a rotor rim, an
optional retaining can. The design (:mod:`.design`) and its finite-element section (:mod:`.section`,
registered as the embedded solver's section of the topology)."""

from motoropt.machines.base import Family, register
from motoropt.machines.outer_rotor.design import OuterDesign, build_outer_design
from motoropt.machines.outer_rotor.section import build_outer_section
from motoropt.magnetics.fea.machine import register_section_builder

register(Family(topology="spm_outer", family="outer_rotor", build=build_outer_design,
                doc="outer-rotor surface PM (radial arcs or Halbach array, tooth coils, rim + can)"))
register_section_builder("spm_outer", build_outer_section)

__all__ = ["OuterDesign", "build_outer_design", "build_outer_section"]
