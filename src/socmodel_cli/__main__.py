"""Run the command line with ``python -m socmodel_cli``."""

from socmodel_cli.cli import main

if __name__ == "__main__":
    main()
