"""Commands for scheme versions and interchange: ``scheme diff|export|import``, ``migrate``,
``template``. Registered in :mod:`socmodel_cli.cli`.

Like the CLI module, this imports only the standard library, typer and
:mod:`socmodel_cli.cli_common` at module level; each command loads what it needs.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from socmodel_cli.cli_common import (
    EncodingOpt,
    FilesArg,
    ForceOpt,
    QuietNotesOpt,
    QuietOpt,
    SchemeArg,
    emit,
    output_option,
    scheme_path,
)
from socmodel_cli.cli_help import choices
from socmodel_cli.output_formats import DiffFormat, TextOrJson


class ExportFormat(StrEnum):
    qdc = "qdc"


class SheetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _scheme_paths(ctx: typer.Context, value: list[Path] | None) -> list[Path] | None:
    """Each of OLD and NEW is a path or a bundled scheme's name, as for SCHEME."""
    if value is None:
        return value
    return [p for p in (scheme_path(ctx, v) for v in value) if p is not None]


def _say(message: str) -> None:
    """A note on stderr; user text in it (names, paths) is escaped, never acts on the terminal."""
    from socmodel_cli.problems import printable

    typer.echo(f"socmodel: {printable(message)}", err=True)


def _wrote(path: Path, what: str, quiet: bool) -> None:
    if not quiet:
        _say(f"wrote {what} to {path}")


def scheme_diff(
    schemes: Annotated[
        list[Path],
        typer.Argument(
            help="OLD NEW (files or bundled schemes' names); or, with --rev / --last-tag, "
            "one or more NEW files.",
            show_default=False,
            metavar="[OLD] NEW...",
            callback=_scheme_paths,
        ),
    ],
    rev: Annotated[
        str | None,
        typer.Option(
            "--rev", metavar="REV", help="Compare each NEW with the same file at this git revision."
        ),
    ] = None,
    last_tag: Annotated[
        bool,
        typer.Option("--last-tag", help="Compare each NEW with the same file at the latest tag."),
    ] = False,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            metavar=choices(DiffFormat),
            help="Output format (markdown: a changelog entry).",
        ),
    ] = DiffFormat.text,
    output: Annotated[Path | None, output_option("the comparison")] = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List and classify every change (MAJOR/MINOR/PATCH) and name the smallest correct version.

    Exit 0 NEW's version is a large enough step, 1 it is too small (or goes down), 2 could not run.
    """
    from socmodel_cli.versioning.sources import diff_paths

    diffs = diff_paths(schemes, rev, last_tag)
    from socmodel_cli.report.formats import RenderOptions, diff_renderer

    text = diff_renderer(output_format)(diffs, RenderOptions(quiet=quiet))
    emit(text, output, list(schemes), force)
    raise typer.Exit(0 if all(d.ok for d in diffs) else 1)


def scheme_export(
    scheme: SchemeArg,
    to: Annotated[
        ExportFormat,
        typer.Option(
            "--to",
            metavar=choices(ExportFormat),
            help="Interchange format: qdc (REFI-QDA codebook).",
        ),
    ] = ExportFormat.qdc,
    output: Annotated[Path | None, output_option("the codebook")] = None,
    force: ForceOpt = False,
    quiet: QuietNotesOpt = False,
) -> None:
    """Write the scheme as a REFI-QDA codebook (.qdc) for ATLAS.ti, NVivo, MAXQDA, QualCoder."""
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.versioning.qdc_export import export_qdc

    data = export_qdc(load_scheme(scheme))
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    from socmodel_cli.fileout import write_atomic

    write_atomic(output, data, inputs=[scheme], force=force)
    _wrote(output, f"the {to.value} codebook", quiet)


def scheme_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="A REFI-QDA codebook (.qdc) or project (.qdpx).",
            show_default=False,
            metavar="FILE",
        ),
    ],
    output: Annotated[Path | None, output_option("the scheme draft (YAML)")] = None,
    force: ForceOpt = False,
    quiet: QuietNotesOpt = False,
) -> None:
    """Draft a scheme (YAML) from a REFI-QDA codebook; complete the levels marked TODO.

    Exit 0 the draft loads as a scheme, 1 it is written but does not load yet (the problems
    are listed), 2 could not run.
    """
    from socmodel_cli.errors import SchemeError
    from socmodel_cli.scheme import load_scheme_text
    from socmodel_cli.versioning.qdc_import import draft_scheme
    from socmodel_cli.versioning.qdc_read import read_qdc

    if output is not None:
        from socmodel_cli.fileout import check_target

        check_target(output, [file], force=force)
    draft = draft_scheme(read_qdc(file), file)
    emit(draft.yaml, output, [file], force)
    for note in [] if quiet else draft.notes:
        _say(f"note: {note}")
    if draft.guessed and not quiet:
        _say(
            f"{len(draft.guessed)} of {draft.codes} code(s) need their level checked "
            f"(marked TODO): {', '.join(draft.guessed)}"
        )
    if output is not None:
        _wrote(output, f"a scheme draft with {draft.codes} code(s)", quiet)
    # The draft is checked by the loader every other command uses: a draft socmodel itself
    # cannot read is a finding, not a success.
    try:
        load_scheme_text(draft.yaml, str(output) if output is not None else "<draft>")
    except SchemeError as exc:
        _say(
            f"the draft does not load as a scheme yet ({len(exc.problems)} problem(s)); "
            "fix these before using it:"
        )
        for p in exc.problems:
            typer.echo(f"  {p.render()}", err=True)
        raise typer.Exit(1) from None


def migrate(
    scheme: SchemeArg,
    files: FilesArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for the migrated files (never the inputs' own files).",
            show_default=False,
        ),
    ],
    from_version: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="VERSION",
            help="Version the files were coded with, if they have no scheme_version column.",
        ),
    ] = None,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar=choices(TextOrJson), help="Report format."),
    ] = TextOrJson.text,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Bring exports coded under an earlier MAJOR version forward with the scheme's migration.

    Exit 0 all migrated, 1 some values had no mapping (left as they were), 2 could not run.
    """
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.versioning.migrate import plan_migration, write_migration

    loaded = load_scheme(scheme)
    result = plan_migration(loaded, files, out, encoding=encoding, from_version=from_version)
    try:
        write_migration(result, [scheme, *files], force=force)
    except (KeyboardInterrupt, SystemExit) as stop:  # Ctrl-C, SIGTERM: say what was left
        for note in getattr(stop, "__notes__", ()):
            typer.echo(f"socmodel: interrupted: {note}", err=True)
        raise
    from socmodel_cli.report.formats import RenderOptions, migration_renderer

    sys.stdout.write(migration_renderer(output_format)(result, RenderOptions(quiet=quiet)))
    raise typer.Exit(0 if result.ok else 1)


def template(
    scheme: SchemeArg,
    units: Annotated[
        Path,
        typer.Option(
            "--units",
            metavar="FILE",
            help="CSV/xlsx listing the units (the scheme's key columns).",
            show_default=False,
        ),
    ],
    coder: Annotated[
        str,
        typer.Option(
            "--coder", metavar="NAME", help="The coder this sheet is for.", show_default=False
        ),
    ],
    sheet_format: Annotated[
        SheetFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar=choices(SheetFormat),
            help="csv or xlsx (default: from the output's extension).",
        ),
    ] = None,
    output: Annotated[Path | None, output_option("the coding sheet")] = None,
    force: ForceOpt = False,
    encoding: EncodingOpt = None,
    quiet: QuietNotesOpt = False,
) -> None:
    """Write a blank coding sheet for one coder (xlsx: dropdowns, range checks, codebook sheet)."""
    from socmodel_cli.errors import UsageError

    if sheet_format is None:
        suffix = output.suffix.lower() if output is not None else ""
        sheet_format = SheetFormat.xlsx if suffix in {".xlsx", ".xlsm"} else SheetFormat.csv
    if sheet_format is SheetFormat.xlsx and output is None:
        raise UsageError("an xlsx sheet needs a file: add -o FILE.xlsx")
    inputs = [scheme, units]
    if output is not None:
        from socmodel_cli.fileout import check_target

        check_target(output, inputs, force=force)
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.versioning.template import build_template, template_csv

    sheet = build_template(load_scheme(scheme), units, coder, encoding)
    if sheet_format is SheetFormat.xlsx:
        from socmodel_cli.versioning.template_xlsx import template_xlsx

        data = template_xlsx(sheet)
    else:
        data = template_csv(sheet)
    if sheet.ignored_columns and not quiet:
        _say(f"note: columns of {units} not used: {', '.join(sheet.ignored_columns)}")
    if output is None:
        sys.stdout.write(data.decode("utf-8-sig"))
        return
    from socmodel_cli.fileout import write_atomic

    write_atomic(output, data, inputs=inputs, force=force)
    _wrote(
        output,
        f"the {sheet_format.value} sheet for {sheet.coder} ({len(sheet.units)} units)",
        quiet,
    )
