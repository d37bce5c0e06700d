"""motoropt: design and optimisation of electric traction motors and their inverters.

SI units everywhere inside the package (m, A, T, W, kg, rad/s, K). Case files may use engineering
units where the key says so (``stack_length_mm``).
"""

__version__ = "0.1.0"

from motoropt import compat as _compat

_compat.install()  # old import paths (motoropt.design, motoropt.evaluate, ...) for users' scripts
