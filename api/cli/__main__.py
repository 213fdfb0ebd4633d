"""`python -m api.cli`: the same as the `afterline` command."""

from api.cli import main

main(prog_name="afterline")
