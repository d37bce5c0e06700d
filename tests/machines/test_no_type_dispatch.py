"""Code that uses a machine does not ask which machine it has (issue 12): outside the families'
packages (motoropt/machines/) and the geometry (motoropt/geometry/), no module dispatches on machine,
model or rotor classes.

Checked on the source with ``ast`` (not by grep): calls isinstance / issubclass naming one of the
family classes, ``type(x) is/== Class`` comparisons and ``match`` class patterns naming them, and
hasattr / three-argument getattr on an object whose name says it is a design, model, rotor or machine
(``design``, ``ev.model``, ``d.rotor``, ``machine`` ...). The scanner itself is checked on a snippet
with each kind of dispatch (so an empty result is not vacuous)."""

import ast
from pathlib import Path

import motoropt

PACKAGE = Path(motoropt.__file__).resolve().parent
ALLOWED = ("machines/", "geometry/")
CLASSES = {"SurfacePMRotor", "InteriorPMRotor", "ArcPMRotor", "BuriedMagnetRotor", "CageRotor", "Design",
           "InductionDesign", "InductionModel", "FluxMapModel", "MachineModel", "SwitchedModel"}
OBJECT_WORDS = ("design", "model", "rotor", "machine")


def _names(node) -> set[str]:
    """Class names an isinstance/issubclass second argument or a comparison operand refers to."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_names(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | Y
        return _names(node.left) | _names(node.right)
    return set()


def _is_machine_object(node) -> bool:
    """Whether an expression names a design / model / rotor / machine object (its last name)."""
    last = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return any(w in last.lower() for w in OBJECT_WORDS)


def dispatches(source: str) -> list[tuple[int, str]]:
    """(line, code) of every type dispatch on machine classes or machine objects in ``source``."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            f, args = node.func.id, node.args
            if f in ("isinstance", "issubclass") and len(args) == 2 and _names(args[1]) & CLASSES:
                hits.append((node.lineno, ast.unparse(node)))
            elif (f == "hasattr" and len(args) == 2 or f == "getattr" and len(args) == 3) and _is_machine_object(args[0]):
                hits.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            is_type = any(isinstance(o, ast.Call) and isinstance(o.func, ast.Name) and o.func.id == "type"
                          or isinstance(o, ast.Attribute) and o.attr == "__class__" for o in operands)
            if is_type and set().union(*(_names(o) for o in operands)) & CLASSES:
                hits.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.MatchClass) and _names(node.cls) & CLASSES:
            hits.append((node.lineno, ast.unparse(node.cls)))
    return hits


def test_scanner_finds_each_kind_of_dispatch():
    """The scanner flags isinstance on rotor / design / model classes (also in tuples, X | Y and
    module attributes), issubclass, type() comparisons, __class__ comparisons, match class patterns,
    hasattr and getattr-with-default on design / model / rotor objects; it leaves plain type checks
    (isinstance(x, dict)) and hasattr on other objects alone."""
    snippet = """
isinstance(design.rotor, CageRotor)
isinstance(r, (SurfacePMRotor, ArcPMRotor))
isinstance(m, geometry.rotor.InteriorPMRotor | dict)
issubclass(cls, InductionDesign)
type(model) is SwitchedModel
d.rotor.__class__ == CageRotor
hasattr(model, "efficiency_map")
hasattr(ev.design.rotor, "Q_r")
getattr(machine, "magnet", None)
match rotor:
    case ArcPMRotor():
        pass
isinstance(x, dict)
hasattr(run, "path")
getattr(args, "png", None)
"""
    hits = dispatches(snippet)
    assert [line for line, _ in hits] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]


def test_no_type_dispatch_on_machines_outside_their_packages():
    """No module of motoropt outside machines/ and geometry/ dispatches on machine, model or rotor
    types (the count of scanned modules guards against scanning nothing)."""
    found, scanned = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(ALLOWED):
            continue
        scanned += 1
        found += [f"motoropt/{rel}:{line}: {code}" for line, code in dispatches(path.read_text())]
    assert scanned > 50
    assert not found, "\n".join(found)
