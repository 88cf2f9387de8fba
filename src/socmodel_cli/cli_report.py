"""``socmodel report``: one self-contained page (or Markdown and figures) for the meeting and the paper.

Like :mod:`socmodel_cli.cli`, this imports only the standard library, typer and the shared
option types at module level; matplotlib and the computation load when the command runs.
"""

import shlex
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from socmodel_cli.cli_common import (
    CiOpt,
    CoderOpt,
    CodesOpt,
    EncodingOpt,
    FilesArg,
    ForceOpt,
    MinAlphaOpt,
    MinUnitsOpt,
    QuietNotesOpt,
    ReplicatesOpt,
    SchemeArg,
    SeedOpt,
    SkipInvalidOpt,
    echo_warnings,
    validated_ratings,
)
from socmodel_cli.cli_help import choices


class PageFormat(StrEnum):
    html = "html"
    md = "md"


def command_line(
    scheme: Path, files: list[Path], output: Path, settings: list[tuple[str, object]]
) -> str:
    """The command as it could be typed again: options in a fixed order, as parsed."""
    words = ["socmodel", "report", str(scheme), *(str(f) for f in files), "-o", str(output)]
    for name, value in settings:
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            for v in value:
                words += [name, str(v)]
        elif value is True:
            words.append(name)
        else:
            words += [name, str(value)]
    return shlex.join(words)


def report(
    scheme: SchemeArg,
    files: FilesArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to FILE (atomically); md also writes FILE's stem + _files/.",
        ),
    ],
    output_format: Annotated[
        PageFormat,
        typer.Option(
            "--format",
            "-f",
            metavar=choices(PageFormat),
            help="html: one self-contained page; md: Markdown with SVG figures beside it.",
        ),
    ] = PageFormat.html,
    code: CodesOpt = None,
    min_alpha: MinAlphaOpt = None,
    replicates: ReplicatesOpt = 2000,
    seed: SeedOpt = 20110221,
    ci: CiOpt = 0.95,
    top: Annotated[
        int,
        typer.Option("--top", min=1, metavar="N", help="Units to discuss first, per code."),
    ] = 10,
    min_units: MinUnitsOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
    quiet: QuietNotesOpt = False,
) -> None:
    """A report of reliability and diagnostics: study, forest plot, per-code tables and
    plots, a methods paragraph and provenance. Offline, no JavaScript.

    Exit 0 every selected code passes, 1 any fails, is undefined or rests on too few units,
    2 could not run.
    """
    from dataclasses import replace

    from socmodel_cli import __version__
    from socmodel_cli.diagnostics import DiagnoseOptions, compute_diagnosis
    from socmodel_cli.fileout import check_target
    from socmodel_cli.report.report_doc import Provenance, build_document
    from socmodel_cli.report.study import InputFile, sha256_file, study_summary

    inputs = [scheme, *files]
    check_target(output, inputs, force=force)
    folder = output.with_name(f"{output.stem}_files")
    if output_format is PageFormat.md and folder.exists() and not folder.is_dir():
        from socmodel_cli.errors import OutputError

        raise OutputError(f"{folder}: not a folder; the Markdown report's figures go there")
    ratings, warnings = validated_ratings(scheme, files, coder, encoding, skip_invalid)
    options = DiagnoseOptions(
        codes=tuple(code or ()),
        min_alpha=min_alpha,
        top=top,
        replicates=replicates,
        seed=seed,
        ci=ci,
        min_units=min_units,
        keep_values=True,  # the Bland-Altman figures plot every pair of ratings
    )
    result = replace(compute_diagnosis(ratings, options), warnings=tuple(warnings))
    study = study_summary(
        ratings,
        InputFile(str(scheme), sha256_file(scheme), None),
        [(str(f), sha256_file(f)) for f in files],
    )
    settings: list[tuple[str, object]] = [
        ("--format", output_format.value),
        ("--code", code),
        ("--min-alpha", min_alpha),
        ("--replicates", replicates),
        ("--seed", seed),
        ("--ci", ci),
        ("--top", top),
        ("--min-units", min_units),
        ("--skip-invalid", skip_invalid),
        ("--coder", coder),
        ("--encoding", encoding),
    ]
    provenance = Provenance(__version__, command_line(scheme, files, output, settings))
    document = build_document(result, study, provenance)
    echo_warnings(warnings, quiet)
    if output_format is PageFormat.html:
        from socmodel_cli.fileout import write_atomic
        from socmodel_cli.report.report_html import render_html

        write_atomic(output, render_html(document, provenance), inputs=inputs, force=force)
    else:
        from urllib.parse import quote

        from socmodel_cli.fileout import staged_folder, write_atomic
        from socmodel_cli.report.report_md import render_markdown

        text, figures = render_markdown(document, quote(folder.name))
        with staged_folder(folder, inputs, force=force) as stage:
            for name, data in figures.items():
                with stage.open(name) as fh:
                    fh.write(data)
        write_atomic(output, text, inputs=inputs, force=force)
    if not quiet:
        typer.echo(f"socmodel: wrote {output}", err=True)
    raise typer.Exit(0 if result.ok else 1)
