"""The output formats of each command, as enums (standard library only: the CLI imports them
at start-up). Each enum member has exactly one renderer in :mod:`socmodel_cli.report.formats`,
checked by mypy (``assert_never``) and by a test.
"""

from __future__ import annotations

from enum import StrEnum


class TextOrJson(StrEnum):
    """validate, diagnose, scheme check, migrate, scheme list."""

    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """reliability."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class DiffFormat(StrEnum):
    """scheme diff."""

    text = "text"
    json = "json"
    markdown = "markdown"
