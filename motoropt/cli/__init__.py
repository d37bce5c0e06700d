"""Command-line interface (``motoropt ...``): thin commands that parse arguments, call one library
function and print. :mod:`.main` holds the parser and the core commands; :mod:`.fea`,
:mod:`.optimize` and :mod:`.scoreboard` the command groups of their subsystems."""

from motoropt.parallel import default_single_blas_thread

default_single_blas_thread()  # before numpy loads (motoropt.cli.main imports it)

from motoropt.cli.main import main  # noqa: E402 - after the BLAS thread default

__all__ = ["main"]
