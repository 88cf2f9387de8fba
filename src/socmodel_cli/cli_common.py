"""Pieces shared by the CLI's command modules: option types, output, validation gate.

Like :mod:`socmodel_cli.cli`, this imports only the standard library and typer at module
level so that ``socmodel --help`` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # typing only: importing them would load numpy at start-up
    from socmodel_cli.problems import Problem
    from socmodel_cli.ratings import Ratings


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


def scheme_path(ctx: typer.Context, value: Path | None) -> Path | None:
    """SCHEME: a path, or the name of a bundled scheme (``socmodel scheme list``)."""
    if value is None or ctx.resilient_parsing:
        return value
    from socmodel_cli.bundled import resolve_scheme

    return resolve_scheme(value)


SchemeArg = Annotated[
    Path,
    typer.Argument(
        help="The coding scheme: a YAML file, or a bundled scheme's name.",
        show_default=False,
        metavar="SCHEME",
        callback=scheme_path,
    ),
]
FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Coder export files (CSV, TSV or xlsx).", show_default=False, metavar="FILE..."
    ),
]
CoderOpt = Annotated[
    str | None,
    typer.Option(
        "--coder",
        metavar="NAME",
        help="Coder for files without a coder column (default: each file's name).",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of CSV/TSV files (default: UTF-8, BOM honoured).",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only the verdict line (text output).")
]
QuietNotesOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No notes on stderr (what was written, what to check)."),
]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class BootstrapChoice(StrEnum):
    units = "units"
    kalpha = "kalpha"


def output_option(what: str) -> Any:
    """``-o FILE`` for a command that writes ``what`` (e.g. "the report") to stdout by default."""
    return typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=f"Write {what} to FILE (atomically) instead of stdout.",
    )


OutputOpt = Annotated[Path | None, output_option("the report")]
CodesOpt = Annotated[
    list[str] | None, typer.Option("--code", metavar="CODE", help="Only this code (repeatable).")
]
MinAlphaOpt = Annotated[
    float | None,
    typer.Option(
        "--min-alpha",
        min=0.0,
        max=1.0,
        metavar="ALPHA",
        help="Threshold for every code (overrides the scheme).",
    ),
]
SkipInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid", help="Leave out files that do not validate instead of stopping."
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]
MinUnitsOpt = Annotated[
    int | None,
    typer.Option(
        "--min-units",
        min=0,
        metavar="N",
        help="Pairable units every code needs before it can pass (default: the scheme's, "
        "else Krippendorff's sample-size rule).",
    ),
]


def emit(text: str, output: Path | None, inputs: list[Path], force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from socmodel_cli.fileout import write_atomic

    write_atomic(output, text, inputs=inputs, force=force)


def validated_ratings(
    scheme: Path, files: list[Path], coder: str | None, encoding: str | None, skip_invalid: bool
) -> tuple[Ratings, list[Problem]]:
    """Validate before computing; invalid files stop the run (exit 2) unless skipped.

    Returns the ratings and the validation warnings, which the computing commands pass on:
    a warning about the data (keys that barely pair, an unversioned old export) must reach
    the person reading the coefficients.
    """
    from socmodel_cli.errors import InputError
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    checked = validate_files(
        loaded, files, coder=coder, encoding=encoding, max_issues=0, scheme_file=str(scheme)
    )
    warnings = [p for p in checked.problems if not p.is_error]
    if not checked.errors:
        return checked.ratings, warnings
    errors = [p for p in checked.problems if p.is_error]
    bad = checked.invalid_files()
    if not skip_invalid:
        raise InputError(
            f"{checked.errors} error(s) in {len(bad) or 'the'} coder file(s); fix them (see `socmodel validate`) "
            "or pass --skip-invalid to leave those files out",
            errors[:50],
        )
    for i in bad:
        typer.echo(
            f"socmodel: skipping invalid file {checked.files[i].path} ({checked.files[i].errors} error(s))",
            err=True,
        )
    if len(bad) == len(checked.files):
        raise InputError("every file is invalid; nothing left to compute on", errors[:50])
    return checked.ratings.without_files(bad), warnings


# Warnings that can change how a coefficient must be read: shown in full beside the numbers.
_SHOWN_IN_FULL = frozenset({"few-shared-units", "unversioned-export", "older-minor-version"})


def echo_warnings(warnings: list[Problem], quiet: bool) -> None:
    """Validation warnings on stderr for the computing commands: in full or counted by kind."""
    from collections import Counter

    if quiet or not warnings:
        return
    rest: Counter[str] = Counter()
    for p in warnings:
        if p.kind in _SHOWN_IN_FULL:
            typer.echo(f"socmodel: {p.render()}", err=True)
        else:
            rest[p.kind] += 1
    if rest:
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(rest.items()))
        typer.echo(f"socmodel: validation warnings: {counted} (see `socmodel validate`)", err=True)
