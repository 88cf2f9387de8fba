"""Scheme versions and interchange: diff and classify, migrate exports, REFI-QDA, templates.

Every module here is pure of the CLI: no printing, no exiting, no typer or rich.
"""
