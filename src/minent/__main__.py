"""`python -m minent` runs the command-line interface."""

from .cli import main

main()
