"""Pieces shared by the CLI's command modules: option types, output, validation gate.

Like :mod:`socmodel_cli.cli`, this imports only the standard library and typer at module
level so that ``socmodel --help`` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # typing only: importing it would load numpy at start-up
    from socmodel_cli.ratings import Ratings


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


SchemeArg = Annotated[
    Path, typer.Argument(help="The coding scheme (YAML).", show_default=False, metavar="SCHEME")
]
FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Coder export files (CSV, TSV or xlsx).", show_default=False, metavar="FILE"
    ),
]
CoderOpt = Annotated[
    str | None,
    typer.Option(
        "--coder", help="Coder for files without a coder column (default: each file's name)."
    ),
]


def _text_encoding(value: str | None) -> str | None:
    """A usage error (exit 2) for names that are not text encodings: rot13, zlib, base64."""
    if value is None:
        return None
    from socmodel_cli.readers.encoding import check_encoding

    try:
        return check_encoding(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Encoding of CSV/TSV files that are not UTF-8, e.g. cp1252 (a UTF-8 file, or one "
        "with a byte-order mark, is always read as such).",
        callback=_text_encoding,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only the verdict line (text output).")
]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class BootstrapChoice(StrEnum):
    units = "units"
    kalpha = "kalpha"


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the report to this file (atomically) instead of stdout."
    ),
]
CodesOpt = Annotated[list[str] | None, typer.Option("--code", help="Only this code (repeatable).")]
MinAlphaOpt = Annotated[
    float | None,
    typer.Option(
        "--min-alpha", min=0.0, max=1.0, help="Threshold for every code (overrides the scheme)."
    ),
]
SkipInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--skip-invalid", help="Leave out files that do not validate instead of stopping."
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


def emit(text: str, output: Path | None, inputs: list[Path], force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from socmodel_cli.fileout import write_atomic

    write_atomic(output, text, inputs=inputs, force=force)


def validated_ratings(
    scheme: Path, files: list[Path], coder: str | None, encoding: str | None, skip_invalid: bool
) -> Ratings:
    """Validate before computing; invalid files stop the run (exit 2) unless skipped."""
    from socmodel_cli.errors import InputError
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    checked = validate_files(loaded, files, coder=coder, encoding=encoding, max_issues=0)
    if not checked.errors:
        return checked.ratings
    errors = [p for p in checked.problems if p.is_error]
    bad = checked.invalid_files()
    if not skip_invalid:
        raise InputError(
            f"{checked.errors} error(s) in {len(bad) or 'the'} coder file(s); fix them (see `socmodel validate`) "
            "or pass --skip-invalid to leave those files out",
            errors[:50],
        )
    from socmodel_cli.problems import printable

    for i in bad:
        typer.echo(
            f"socmodel: skipping invalid file {printable(checked.files[i].path)} "
            f"({checked.files[i].errors} error(s))",
            err=True,
        )
    if len(bad) == len(checked.files):
        raise InputError("every file is invalid; nothing left to compute on", errors[:50])
    return checked.ratings.without_files(bad)
