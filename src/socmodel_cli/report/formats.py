"""One renderer interface for every command: ``render(result, options) -> str``.

Each command's format enum (:mod:`socmodel_cli.output_formats`) maps to one renderer through
a ``match`` that ends in ``assert_never``: a format without a renderer is a type error (mypy)
and a test failure. Text renderers draw into a console made in one place
(:func:`socmodel_cli.report.console.make_console`) and hand back its text; ``quiet`` (the
verdict line only) is a renderer option, not an edit of the rendered string.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, assert_never

from rich.console import Console

from socmodel_cli.output_formats import DiffFormat, ReportFormat, TextOrJson
from socmodel_cli.report.console import make_console
from socmodel_cli.report.jsonout import dumps

if TYPE_CHECKING:
    from socmodel_cli.code_reliability import ReliabilityResult
    from socmodel_cli.diagnostics import DiagnosisResult
    from socmodel_cli.report.scheme_check_dict import SchemeCheck
    from socmodel_cli.validation import ValidationResult
    from socmodel_cli.versioning.diff import SchemeDiff
    from socmodel_cli.versioning.migrate import MigrationResult

R = TypeVar("R")


@dataclass(frozen=True)
class RenderOptions:
    quiet: bool = False  # text: the verdict line only
    details: bool = False  # reliability text: every coefficient too
    strict: bool = False  # validate: warnings fail
    terminal: bool = False  # text for a terminal (its width, colour unless NO_COLOR)
    diagnose_command: str | None = None  # the user's own `socmodel diagnose ...` for hints


Renderer = Callable[[R, RenderOptions], str]


def drawn(draw: Callable[[Console], None], options: RenderOptions) -> str:
    """The text a console-drawing renderer produces, from the one console factory."""
    buffer = io.StringIO()
    draw(make_console(file=buffer, terminal=options.terminal))
    return buffer.getvalue()


def validation_renderer(fmt: TextOrJson) -> Renderer[ValidationResult]:
    from socmodel_cli.report.validation_dict import validation_dict
    from socmodel_cli.report.validation_text import render_validation

    match fmt:
        case TextOrJson.text:
            return lambda r, o: drawn(
                lambda c: render_validation(r, c, strict=o.strict, quiet=o.quiet), o
            )
        case TextOrJson.json:
            return lambda r, o: dumps(validation_dict(r, strict=o.strict))
        case _:
            assert_never(fmt)


def reliability_renderer(fmt: ReportFormat) -> Renderer[ReliabilityResult]:
    from socmodel_cli.report.reliability_dict import reliability_dict
    from socmodel_cli.report.reliability_table import csv_text, markdown
    from socmodel_cli.report.reliability_text import render_reliability

    match fmt:
        case ReportFormat.text:
            return lambda r, o: drawn(
                lambda c: render_reliability(
                    r, c, quiet=o.quiet, details=o.details, diagnose_command=o.diagnose_command
                ),
                o,
            )
        case ReportFormat.json:
            return lambda r, _: dumps(reliability_dict(r))
        case ReportFormat.csv:
            return lambda r, _: csv_text(r)
        case ReportFormat.markdown:
            return lambda r, _: markdown(r)
        case _:
            assert_never(fmt)


def diagnosis_renderer(fmt: TextOrJson) -> Renderer[DiagnosisResult]:
    from socmodel_cli.report.diagnostics_dict import diagnosis_dict
    from socmodel_cli.report.diagnostics_text import render_diagnosis

    match fmt:
        case TextOrJson.text:
            return lambda r, o: drawn(lambda c: render_diagnosis(r, c, quiet=o.quiet), o)
        case TextOrJson.json:
            return lambda r, _: dumps(diagnosis_dict(r))
        case _:
            assert_never(fmt)


def scheme_check_renderer(fmt: TextOrJson) -> Renderer[SchemeCheck]:
    from socmodel_cli.report.scheme_check_dict import scheme_check_dict, scheme_check_text

    match fmt:
        case TextOrJson.text:
            return lambda r, _: scheme_check_text(r)
        case TextOrJson.json:
            return lambda r, _: dumps(scheme_check_dict(r))
        case _:
            assert_never(fmt)


def diff_renderer(fmt: DiffFormat) -> Renderer[Sequence[SchemeDiff]]:
    from socmodel_cli.report.diff_dict import diffs_dict
    from socmodel_cli.report.diff_markdown import markdown_diffs
    from socmodel_cli.report.diff_text import render_diffs

    match fmt:
        case DiffFormat.text:
            return lambda r, o: render_diffs(r, quiet=o.quiet)
        case DiffFormat.json:
            return lambda r, _: dumps(diffs_dict(r))
        case DiffFormat.markdown:
            return lambda r, _: markdown_diffs(r)
        case _:
            assert_never(fmt)


def migration_renderer(fmt: TextOrJson) -> Renderer[MigrationResult]:
    from socmodel_cli.report.migration_report import migration_dict, migration_text

    match fmt:
        case TextOrJson.text:
            return lambda r, o: migration_text(r, quiet=o.quiet)
        case TextOrJson.json:
            return lambda r, _: dumps(migration_dict(r))
        case _:
            assert_never(fmt)
