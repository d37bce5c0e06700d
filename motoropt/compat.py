"""Import paths of motoropt before its package layers (``motoropt.design``, ``motoropt.evaluate``,
``motoropt.losses`` ...), kept for users' scripts.

Importing an old path gives a module whose names are looked up, in order, in the modules that now
hold them (:data:`OLD_PATHS`); the first import warns once with a DeprecationWarning naming the new
place. Nothing inside motoropt imports these paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
import warnings

#: old module -> (modules that hold its names now, in lookup order)
OLD_PATHS: dict[str, tuple[str, ...]] = {
    "motoropt.design": ("motoropt.machines.pmsm.design", "motoropt.machines.common", "motoropt.case",
                        "motoropt.vehicle"),
    "motoropt.evaluate": ("motoropt.evaluation.pipeline", "motoropt.evaluation.records", "motoropt.evaluation.cycles"),
    "motoropt.evaluate_fea": ("motoropt.evaluation.fea",),
    "motoropt.losses": ("motoropt.drive.losses",),
    "motoropt.effmap": ("motoropt.drive.effmap",),
    "motoropt.switching": ("motoropt.drive.changeover",),
    "motoropt.fluxmap": ("motoropt.magnetics.fluxmap",),
    "motoropt.fluxmap_models": ("motoropt.magnetics.fluxmap",),
    "motoropt.induction": ("motoropt.machines.induction",),
    "motoropt.induction.model": ("motoropt.machines.induction.design", "motoropt.machines.induction.model"),
    "motoropt.induction.circuit": ("motoropt.machines.induction.circuit",),
    "motoropt.induction.control": ("motoropt.machines.induction.control",),
    "motoropt.induction.geometry": ("motoropt.geometry.cage",),
    "motoropt.thermal.stress": ("motoropt.mechanics",),
    "motoropt.magnetics.fea.commands": ("motoropt.cli.fea",),
    "motoropt.optimize.commands": ("motoropt.cli.optimize",),
}
#: names that changed as well: old path -> {old name: new name}
RENAMED: dict[str, dict[str, str]] = {
    "motoropt.evaluate_fea": {"evaluate_values": "fea_evaluator"},
    "motoropt.design": {"vehicle_from_values": "vehicle_from_table"},
    "motoropt.induction.model": {"induction_design_from_values": "build_induction_design"},
}


class _OldPathFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in OLD_PATHS:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname == "motoropt.induction")

    def create_module(self, spec):
        name = spec.name
        warnings.warn(f"{name} is an old import path; its names are in {', '.join(OLD_PATHS[name])}", DeprecationWarning, stacklevel=3)
        mod = types.ModuleType(name, f"Old import path of {', '.join(OLD_PATHS[name])} (motoropt.compat).")
        renamed = RENAMED.get(name, {})

        def __getattr__(attr):
            for target in OLD_PATHS[name]:
                m = importlib.import_module(target)
                if hasattr(m, renamed.get(attr, attr)):
                    return getattr(m, renamed.get(attr, attr))
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")

        mod.__getattr__ = __getattr__
        if name == "motoropt.induction":
            mod.__path__ = []
        return mod

    def exec_module(self, module):
        return None


def install() -> None:
    """Put the old-path finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _OldPathFinder) for f in sys.meta_path):
        sys.meta_path.append(_OldPathFinder())
