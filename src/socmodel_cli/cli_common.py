"""Pieces shared by the CLI's command modules: option types, output, validation gate.

Like :mod:`socmodel_cli.cli`, this imports only the standard library and typer at module
level so that ``socmodel --help`` starts fast.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # typing only: importing them would load numpy at start-up
    from socmodel_cli.problems import Problem
    from socmodel_cli.ratings import Ratings


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
    list[str] | None,
    typer.Option(
        "--coder",
        metavar="NAME|FILE=NAME",
        help="Coder for files without a coder column (default: each file's name); "
        "FILE=NAME for one file (repeatable).",
    ),
]
LenientOpt = Annotated[
    bool,
    typer.Option(
        "--lenient",
        help="Drop only the invalid cells and rows (each counted in the output) instead of "
        "stopping; the result is marked as computed on partial data.",
    ),
]
IgnoreColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore-column",
        metavar="NAME",
        help="A column that is not a code (e.g. Notes); repeatable. The scheme's "
        "ignore_columns are always skipped.",
    ),
]
DecimalOpt = Annotated[
    bool | None,
    typer.Option(
        "--decimal-comma/--decimal-point",
        help="Read 2,5 as 2.5 (default: in files whose delimiter is ';').",
        show_default=False,
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
        metavar="NAME",
        help="Encoding of CSV/TSV files that are not UTF-8, e.g. cp1252 (a UTF-8 file, or one "
        "with a byte-order mark, is always read as such).",
        callback=_text_encoding,
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME|N",
        help="Worksheet of xlsx files, by name or tab number (default: the visible active one).",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only the verdict line (text output).")
]
QuietNotesOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No notes on stderr (what was written, what to check)."),
]


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
# Bootstrap work is replicates x units, its memory one float per replicate. A million
# replicates put the Monte Carlo error of a 95% limit far below the third decimal that
# is reported; more only burns time (docs/bad-inputs.md, "Limits").
MAX_REPLICATES = 1_000_000
ReplicatesOpt = Annotated[
    int,
    typer.Option(
        "--replicates",
        "--bootstrap",
        min=0,
        max=MAX_REPLICATES,
        metavar="N",
        help="Bootstrap replicates for alpha's interval (0 = none); --bootstrap is the "
        "old spelling, kept until 0.3.",
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option("--seed", metavar="N", help="Seed of the bootstrap (same seed, same interval)."),
]
CiOpt = Annotated[
    float,
    typer.Option(
        "--ci", min=0.5, max=0.999, metavar="LEVEL", help="Confidence level of every interval."
    ),
]
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


_SUFFIX_FORMAT = {".json": "json", ".csv": "csv", ".md": "markdown", ".txt": "text"}


def format_for(given: str | None, output: Path | None, allowed: frozenset[str]) -> str:
    """The format: ``--format`` if given, else the one ``-o``'s suffix names, else text.

    A ``--format`` that contradicts the file name (``-f text -o rel.csv``) is a usage error.
    """
    from socmodel_cli.errors import UsageError

    implied = None if output is None else _SUFFIX_FORMAT.get(output.suffix.lower())
    implied = implied if implied in allowed else None
    if given is not None and implied is not None and given != implied:
        raise UsageError(
            f"--format {given} contradicts the output file name {output} ({implied}); "
            "change one of them"
        )
    return given or implied or "text"


BomOpt = Annotated[
    bool,
    typer.Option(
        "--bom/--no-bom",
        help="CSV files written with -o start with a UTF-8 byte-order mark, so Excel on Windows "
        "reads accents (default); --no-bom omits it.",
    ),
]


def emit(text: str, output: Path | None, inputs: list[Path], force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from socmodel_cli.fileout import write_atomic

    write_atomic(output, text, inputs=inputs, force=force)


# Errors about single cells or rows: --lenient drops just those ratings and goes on.
# Anything else (a file that cannot be read, keys that almost match) still stops the run.
LENIENT_KINDS = frozenset(
    {
        "unknown-value", "not-a-number", "not-finite", "not-integer", "out-of-range",
        "conflicting-ratings", "missing-unit-key", "missing-coder", "ragged-row",
        "unknown-code", "unknown-column", "formula-without-value", "date-cell",
    }
)  # fmt: skip


def coder_mapping(values: list[str] | None, files: list[Path]) -> tuple[str | None, dict[str, str]]:
    """``--coder NAME`` (files without a coder column) and ``--coder FILE=NAME`` (one file)."""
    from socmodel_cli.errors import UsageError

    default: str | None = None
    mapping: dict[str, str] = {}
    by_name = {p.name: str(p) for p in files}
    given = {str(p) for p in files}
    for value in values or []:
        left, sep, right = value.rpartition("=")
        if not sep:
            if default is not None:
                raise UsageError(
                    f"--coder {value!r}: a default coder was already given ({default!r}); "
                    "name each file's coder as FILE=NAME"
                )
            default = value
            continue
        target = left if left in given else by_name.get(left)
        if target is None or not right:
            raise UsageError(
                f"--coder {value!r}: expected FILE=NAME with FILE one of the files given "
                f"({', '.join(sorted(by_name))})"
            )
        mapping[target] = right
    return default, mapping


def validated_ratings(
    scheme: Path,
    files: list[Path],
    coder: list[str] | str | None,
    encoding: str | None,
    skip_invalid: bool,
    *,
    lenient: bool = False,
    ignore_columns: list[str] | None = None,
    decimal_comma: bool | None = None,
    sheet: str | None = None,
) -> "tuple[Ratings, list[Problem]]":
    """Validate before computing; invalid files stop the run (exit 2) unless skipped.

    Returns the ratings and the validation warnings, which the computing commands pass on:
    a warning about the data (keys that barely pair, an unversioned old export) must reach
    the person reading the coefficients. With ``lenient``, errors about single cells or rows
    (``LENIENT_KINDS``) drop only those ratings; each dropped group becomes a
    ``dropped-ratings`` warning (file, code, kind, count), so nothing is hidden.
    """
    from socmodel_cli.errors import InputError
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    default, mapping = coder_mapping([coder] if isinstance(coder, str) else coder, files)
    checked = validate_files(
        loaded,
        files,
        coder=default,
        encoding=encoding,
        max_issues=0,
        scheme_file=str(scheme),
        coders=mapping,
        ignore_columns=ignore_columns or (),
        decimal_comma=decimal_comma,
        sheet=sheet,
    )
    warnings = [p for p in checked.problems if not p.is_error]
    if not checked.errors:
        return checked.ratings, warnings
    errors = [p for p in checked.problems if p.is_error]
    if lenient and all(p.kind in LENIENT_KINDS for p in errors):
        return checked.ratings, [*warnings, *dropped_warnings(errors)]
    bad = checked.invalid_files()
    if not skip_invalid:
        hint = (
            "; --lenient drops only the invalid cells"
            if any(p.kind in LENIENT_KINDS for p in errors)
            else ""
        )
        raise InputError(
            f"{checked.errors} error(s) in {len(bad) or 'the'} coder file(s); fix them (see `socmodel validate`) "
            f"or pass --skip-invalid to leave those files out{hint}",
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
    return checked.ratings.without_files(bad), warnings


def dropped_warnings(errors: "list[Problem]") -> "list[Problem]":
    """One ``dropped-ratings`` warning per file, code and kind of the errors --lenient skipped."""
    from collections import Counter

    from socmodel_cli.problems import warning

    groups = Counter((p.file, p.code, p.kind) for p in errors)
    return [
        warning(
            "dropped-ratings",
            f"--lenient: {n} rating(s){f' of {code}' if code else ''} left out ({kind}); "
            "the numbers rest on partial data",
            file=file,
            code=code,
        )
        for (file, code, kind), n in sorted(groups.items(), key=lambda g: tuple(map(str, g[0])))
    ]


# Warnings that can change how a coefficient must be read: shown in full beside the numbers.
_SHOWN_IN_FULL = frozenset(
    {"few-shared-units", "unversioned-export", "older-minor-version", "dropped-ratings"}
)


def echo_warnings(warnings: "list[Problem]", quiet: bool) -> None:
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
