"""Run the command line with ``python -m socmodel_cli``."""

from socmodel_cli.cli import console

if __name__ == "__main__":
    console()
