"""Case loading and validation: every bad input is an InputError naming the field."""

import copy
import tomllib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motoropt.case import design_from_values, load_case, parse_case
from motoropt.errors import InputError, MotoroptError
from tests.shipped import case_path

CASE = case_path("prius2004")
RAW = tomllib.loads(CASE.read_text())


def _mod(section, key, value):
    d = copy.deepcopy(RAW)
    d[section][key] = value
    return d


def _design(data):
    c = parse_case(data)
    return design_from_values(c.nominal(), c.free)


@pytest.mark.parametrize("section,key,value,field", [
    ("rotor", "magnet", "unobtainium", "rotor.magnet"),
    ("stator", "steel", "M999", "stator.steel"),
    ("stator", "stack_length_mm", -5, "stator.stack_length_mm"),
    ("stator", "bore_diameter_mm", 300, "stator.bore_diameter_mm"),
    ("stator", "slot_depth_mm", 60, "stator.slot_depth_mm"),
    ("stator", "slot_width_top_mm", 12, "stator.slot_width_top_mm"),
    ("rotor", "magnet_width_mm", 30, "rotor.magnet_width_mm"),
    ("rotor", "bridge_mm", 0.1, "rotor.bridge_mm"),
    ("rotor", "v_opening_mm", 70, "rotor.v_opening_mm"),
    ("rotor", "magnet_thickness_mm", 30, "rotor.magnet_thickness_mm"),
    ("winding", "turns_per_coil", 0, "winding.turns_per_coil"),
    ("winding", "parallel_paths", 3, "winding.parallel_paths"),
    ("limits", "dc_link_voltage_v", "high", "limits.dc_link_voltage_v"),
    ("stator", "stack_length_mm", [100, 50], "stator.stack_length_mm"),
    ("machine", "topology", "switched_reluctance", "machine.topology"),
    ("stator", "slot_widht_top_mm", 5, "stator.slot_widht_top_mm"),
])
def test_bad_values_name_the_field(section, key, value, field):
    with pytest.raises(InputError) as e:
        _design(_mod(section, key, value))
    assert e.value.field.startswith(field), str(e.value)
    assert field in str(e.value)


def test_unknown_cycle_and_slot_pole_combination():
    d = copy.deepcopy(RAW)
    d["cycles"]["names"] = ["wltc3b", "moon_landing"]
    with pytest.raises(InputError, match="cycles.names"):
        _design(d)
    d = copy.deepcopy(RAW)
    d["stator"]["slots"] = 50  # 50 slots / 8 poles cannot make a balanced three-phase winding
    with pytest.raises(InputError, match="winding"):
        _design(d)


def test_ranges_make_variables_and_nominal_midpoint():
    d = copy.deepcopy(RAW)
    d["stator"]["stack_length_mm"] = [70, 90]
    d["winding"]["turns_per_coil"] = {"min": 7, "max": 12, "nominal": 9}
    d["rotor"]["magnet"] = ["prius2004", "N42UH"]
    c = parse_case(d)
    paths = {v.path: v for v in c.variables}
    assert paths["stator.stack_length_mm"].lo == 70 and paths["stator.stack_length_mm"].hi == 90
    assert c.values["stator"]["stack_length_mm"] == 80
    assert c.values["winding"]["turns_per_coil"] == 9
    assert paths["rotor.magnet"].choices == ("prius2004", "N42UH")
    assert c.values["rotor"]["magnet"] == "prius2004"


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(InputError, match="case"):
        load_case(tmp_path / "nope.toml")
    p = tmp_path / "bad.toml"
    p.write_text("[machine\nname = 1")
    with pytest.raises(InputError, match="valid TOML"):
        load_case(p)


# --- fuzzing: no input produces anything but a MotoroptError -------------------------------------
_numeric = [(s, k) for s, sec in RAW.items() for k, v in sec.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)]
_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-10**6, max_value=10**6),
    st.text(max_size=5), st.booleans(), st.none(),
    st.lists(st.floats(-1e4, 1e4), max_size=3),
    st.dictionaries(st.sampled_from(["min", "max", "nominal", "x"]), st.floats(-1e4, 1e4), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_numeric), _values, st.floats(0.2, 3.0)), min_size=1, max_size=4))
def test_fuzz_loader_and_geometry(mutations):
    """Random values (wrong types, NaN, ranges, scaled dimensions) in the Prius case: loading and
    building the design either succeed or raise a MotoroptError; nothing else escapes."""
    d = copy.deepcopy(RAW)
    for (sec, key), val, scale in mutations:
        if val is None:
            val = d[sec][key] * scale if isinstance(d[sec][key], float) else d[sec][key]
        d[sec][key] = val
    try:
        design = _design(d)
    except MotoroptError as e:
        assert str(e)  # a message naming the field
        return
    # a design that builds is physical (positive masses) and gives a finite flux map or a clear error
    assert design.masses()["active"] > 0 and design.stator.slot_area > 0
    try:
        fm = design.mec_fluxmap()
    except MotoroptError:
        return
    assert np.all(np.isfinite(fm.psi_d)) and np.all(np.isfinite(fm.psi_q))


def test_free_section_variables_reach_the_models():
    """[inverter] device as a choice and switching frequency as a range become design variables;
    an assignment changes the evaluated inverter (SiC at 20 kHz switches more than at 5 kHz), and
    the design's case text holds one [inverter] table that re-loads."""
    import tomllib as _t

    from motoropt.evaluation.pipeline import evaluate_design
    from motoropt.store import values_to_toml

    d = _t.loads((CASE.parent / "prius2004_sic.toml").read_text())
    dev = d["inverter"]["device"]
    d["inverter"]["device"] = [dev, "wolfspeed_cab530m12bm3"]
    d["inverter"]["switching_frequency_khz"] = [5, 20]
    c = parse_case(d)
    paths = {v.path: v for v in c.variables}
    assert paths["inverter.device"].choices == (dev, "wolfspeed_cab530m12bm3")
    assert paths["inverter.switching_frequency_khz"].lo == 5 and c.free["inverter"]["switching_frequency_khz"] == 12.5
    sw = {}
    for f_khz in (5.0, 20.0):
        values = c.with_values({"inverter.switching_frequency_khz": f_khz})
        design = design_from_values(values, c.free)
        assert design.specs.tables["inverter"]["switching_frequency_khz"] == f_khz
        assert design.specs.inverter.f_sw == pytest.approx(f_khz * 1e3, rel=1e-12)
        sw[f_khz] = evaluate_design(design).kpis["cycles"]["wltc3b"]["inverter_switching_loss_wh"]
        text = values_to_toml(design.values, design.specs.tables)
        assert text.count("[inverter]") == 1
        assert _t.loads(text)["inverter"]["switching_frequency_khz"] == f_khz
    assert sw[20.0] > 2.5 * sw[5.0]
    other = design_from_values(c.with_values({"inverter.device": "wolfspeed_cab530m12bm3"}), c.free)
    assert evaluate_design(other).kpis["inverter_device"] != evaluate_design(design).kpis["inverter_device"]


def test_shipped_case_list_is_complete(shipped, root):
    """The tests' list of shipped cases (tests/shipped.py) names every case file under cases/ (so the
    fixtures, the Protocol-conformance tests and the programme checks cover each one), and each
    loads."""
    files = set(root.glob("cases/*.toml")) | set(root.glob("cases/programme/*.toml"))
    assert files == set(shipped.CASE_FILES.values())
    for name in shipped.CASE_FILES:
        assert shipped.case(name).values["machine"]["topology"]


def test_drive_keys_cross_checks():
    """The modulation / dead-time / drag keys belong to one place each: [limits] modulation keys not with an
    [inverter] (its own apply), switching_frequency_khz and dead_time_us only with limits.modulation,
    drag_viscous_nm_per_krpm only with drag_torque_nm, drag_torque_nm not with bearing_torque_nm; a bad
    modulation name is refused with the allowed list (InputError naming the field)."""
    base = tomllib.loads(case_path("prius2004").read_text())
    sys_case = tomllib.loads(case_path("prius2004_system").read_text())
    for data, field in (
        ({**sys_case, "limits": {**sys_case["limits"], "modulation": "svpwm"}}, "limits.modulation"),
        ({**base, "limits": {k: v for k, v in base["limits"].items() if k != "modulation"}},
         "limits.switching_frequency_khz"),
        ({**base, "limits": {**base["limits"], "modulation": "sine"}}, "limits.modulation"),
        ({**base, "mechanical": {"drag_viscous_nm_per_krpm": 0.1}}, "mechanical.drag_viscous_nm_per_krpm"),
        ({**base, "mechanical": {**base["mechanical"], "bearing_torque_nm": 0.2}}, "mechanical.bearing_torque_nm"),
        ({**sys_case, "inverter": {**sys_case["inverter"], "modulation": "sixstep"}}, "inverter.modulation"),
    ):
        with pytest.raises(InputError, match=field.replace(".", r"\.")):
            _design(data)
    d = _design(base)
    assert d.drive_limits().modulation.mode == "svpwm" and d.drive_limits().p_max == 50e3


def test_section_specs_are_shared_per_table_and_follow_each_designs_values():
    """Designs of one case share the parsed spec of an unchanged section table (case_specs parses
    each distinct table once), and a design whose variables change the table gets its own spec,
    also when designs with the two tables alternate (A, B, A: no stale spec)."""
    import tomllib as _t

    d = _t.loads((CASE.parent / "prius2004_sic.toml").read_text())
    d["inverter"]["switching_frequency_khz"] = [5, 20]
    c = parse_case(d)
    designs = [design_from_values(c.with_values({"inverter.switching_frequency_khz": f}), c.free)
               for f in (5.0, 20.0, 5.0)]
    assert [x.specs.inverter.f_sw for x in designs] == [5e3, 20e3, 5e3]
    assert designs[0].specs.inverter is designs[2].specs.inverter
    assert designs[0].specs.thermal is designs[1].specs.thermal  # the unchanged [thermal] table
    assert designs[0].vehicle is designs[1].vehicle
