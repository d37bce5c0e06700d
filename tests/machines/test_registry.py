"""The machine-family registry (motoropt.machines): every case topology has a registered builder, the
builder of each is its family's, and an unknown topology is an InputError naming machine.topology.

Reference: the case schema's list of topologies (motoropt.case.schema.SCHEMA) and the families'
own builders (motoropt.machines.pmsm.build_pm_design, motoropt.machines.induction.build_induction_design)."""

import pytest

from motoropt.case import SCHEMA, design_from_values
from motoropt.errors import InputError
from motoropt.machines import Family, build_design, family_for, topologies
from motoropt.machines.induction import InductionDesign, build_induction_design
from motoropt.machines.outer_rotor import OuterDesign, build_outer_design
from motoropt.machines.pmsm import Design, build_pm_design

FAMILIES = {"spm": "pmsm", "ipm_v": "pmsm", "ipm_flat": "pmsm", "ipm_arc": "pmsm", "induction": "induction",
            "spm_outer": "outer_rotor"}
BUILDERS = {"pmsm": build_pm_design, "induction": build_induction_design, "outer_rotor": build_outer_design}


@pytest.mark.parametrize("topology,family", sorted(FAMILIES.items()))
def test_every_topology_is_registered(topology, family):
    """spm, ipm_v, ipm_flat, ipm_arc (PM family), induction and spm_outer (outer-rotor family) are
    registered with their family's builder and a description."""
    f = family_for(topology)
    assert isinstance(f, Family)
    assert f.topology == topology and f.family == family
    assert f.build is BUILDERS[family]
    assert f.doc


def test_registry_matches_the_case_schema():
    """The registered topologies are exactly the case schema's allowed machine.topology values (a
    case can name nothing the registry cannot build, and no builder is unreachable)."""
    assert set(topologies()) == set(FAMILIES)
    assert set(SCHEMA["machine"]["topology"].choices) == set(topologies())
    assert list(topologies()) == sorted(topologies())


@pytest.mark.parametrize("bad", ["switched_reluctance", "IPM_V", ""])
def test_unknown_topology_names_machine_topology(bad):
    """An unknown topology: InputError with field machine.topology, the value and the registered
    choices in the message (from the registry and from build_design)."""
    with pytest.raises(InputError) as e:
        family_for(bad)
    assert e.value.field == "machine.topology" and e.value.value == bad
    for t in FAMILIES:
        assert repr(t) in str(e.value)
    with pytest.raises(InputError) as e2:
        build_design({"machine": {"topology": bad}})
    assert e2.value.field == "machine.topology"


def test_build_design_dispatches_on_the_topology(shipped):
    """build_design hands the case values to the registered family: the Prius case (ipm_v) gives a
    PM Design, the induction case an InductionDesign, the outer-rotor case an OuterDesign, and the
    same values through design_from_values give the same design (the case layer goes through the
    registry)."""
    for name, cls in (("prius2004", Design), ("induction_traction", InductionDesign),
                      ("outer_rotor_halbach", OuterDesign)):
        c = shipped.case(name)
        d = build_design(c.nominal())
        assert type(d) is cls and d.topology == c.values["machine"]["topology"]
        d2 = design_from_values(c.nominal(), c.free)
        assert type(d2) is cls and d2.masses() == pytest.approx(d.masses(), rel=1e-12)


def test_registering_a_topology_twice_is_refused():
    """A second family for a registered topology is an error (the registry maps each topology to
    one builder)."""
    from motoropt.machines.base import register

    with pytest.raises(ValueError, match="ipm_v"):
        register(Family(topology="ipm_v", family="other", build=build_pm_design))
    assert family_for("ipm_v").family == "pmsm"


def test_case_with_unknown_topology_is_rejected_by_the_schema(shipped):
    """A case file naming an unknown topology fails at parse time with machine.topology."""
    import tomllib

    from motoropt.case import parse_case

    data = tomllib.loads(shipped.case_path("prius2004").read_text())
    data["machine"]["topology"] = "axial_flux"
    with pytest.raises(InputError) as e:
        parse_case(data)
    assert e.value.field == "machine.topology"
