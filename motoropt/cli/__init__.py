"""Command-line interface (``motoropt ...``): thin commands that parse arguments, call one library
function and print. :mod:`.main` holds the parser and the core commands; :mod:`.fea`,
:mod:`.optimize` and :mod:`.scoreboard` the command groups of their subsystems."""

from motoropt.cli.main import main

__all__ = ["main"]
