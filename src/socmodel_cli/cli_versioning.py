"""Commands for scheme versions and interchange: ``scheme diff|export|import``, ``migrate``,
``template``. Registered in :mod:`socmodel_cli.cli`.

Like the CLI module, this imports only the standard library, typer and
:mod:`socmodel_cli.cli_common` at module level; each command loads what it needs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from socmodel_cli.cli_common import (
    EncodingOpt,
    FilesArg,
    ForceOpt,
    OutputOpt,
    QuietOpt,
    SchemeArg,
    TextOrJson,
    emit,
)


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ExportFormat(StrEnum):
    qdc = "qdc"


class SheetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _say(message: str) -> None:
    """A note on stderr; user text in it (names, paths) is escaped, never acts on the terminal."""
    from socmodel_cli.problems import printable

    typer.echo(f"socmodel: {printable(message)}", err=True)


def _wrote(path: Path, what: str, quiet: bool) -> None:
    if not quiet:
        _say(f"wrote {what} to {path}")


def _verdict_only(text: str, quiet: bool) -> str:
    """With --quiet, a text report shrinks to its last line: the verdict."""
    if not quiet:
        return text
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[-1] + "\n") if lines else ""


def scheme_diff(
    schemes: Annotated[
        list[Path],
        typer.Argument(
            help="OLD NEW; or, with --rev / --last-tag, one or more NEW files.",
            show_default=False,
            metavar="[OLD] NEW...",
        ),
    ],
    rev: Annotated[
        str | None,
        typer.Option("--rev", help="Compare each NEW with the same file at this git revision."),
    ] = None,
    last_tag: Annotated[
        bool,
        typer.Option("--last-tag", help="Compare each NEW with the same file at the latest tag."),
    ] = False,
    output_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="Output format (markdown: a changelog entry)."),
    ] = DiffFormat.text,
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List and classify every change (MAJOR/MINOR/PATCH) and name the smallest correct version.

    Exit 0 NEW's version is a large enough step, 1 it is too small (or goes down), 2 could not run.
    """
    from socmodel_cli.versioning.sources import diff_paths

    diffs = diff_paths(schemes, rev, last_tag)
    if output_format is DiffFormat.json:
        from socmodel_cli.report.diff_dict import diffs_dict
        from socmodel_cli.report.jsonout import dumps

        text = dumps(diffs_dict(diffs))
    elif output_format is DiffFormat.markdown:
        from socmodel_cli.report.diff_markdown import markdown_diffs

        text = markdown_diffs(diffs)
    else:
        from socmodel_cli.report.diff_text import render_diffs

        text = _verdict_only(render_diffs(diffs), quiet)
    emit(text, output, list(schemes), force)
    raise typer.Exit(0 if all(d.ok for d in diffs) else 1)


def scheme_export(
    scheme: SchemeArg,
    to: Annotated[
        ExportFormat, typer.Option("--to", help="Interchange format: qdc (REFI-QDA codebook).")
    ] = ExportFormat.qdc,
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
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
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
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
            help="Folder for the migrated files (never the inputs' own files).",
            show_default=False,
        ),
    ],
    from_version: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Version the files were coded with, if they have no scheme_version column.",
        ),
    ] = None,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Report format.")
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
    from socmodel_cli.versioning.migrate_report import migration_dict, migration_text

    loaded = load_scheme(scheme)
    result = plan_migration(loaded, files, out, encoding=encoding, from_version=from_version)
    write_migration(result, [scheme, *files], force=force)
    if output_format is TextOrJson.json:
        from socmodel_cli.report.jsonout import dumps

        sys.stdout.write(dumps(migration_dict(result)))
    else:
        sys.stdout.write(_verdict_only(migration_text(result), quiet))
    raise typer.Exit(0 if result.ok else 1)


def template(
    scheme: SchemeArg,
    units: Annotated[
        Path,
        typer.Option(
            "--units",
            help="CSV/xlsx listing the units (the scheme's key columns).",
            show_default=False,
        ),
    ],
    coder: Annotated[
        str, typer.Option("--coder", help="The coder this sheet is for.", show_default=False)
    ],
    sheet_format: Annotated[
        SheetFormat | None,
        typer.Option("--format", "-f", help="csv or xlsx (default: from the output's extension)."),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    encoding: EncodingOpt = None,
    quiet: QuietOpt = False,
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
