"""``socmodel diagnose``: why a code's agreement is what it is, and what usually helps.

Like :mod:`socmodel_cli.cli`, this imports only the standard library, typer and the
shared option types at module level; the computation loads when the command runs.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from socmodel_cli.cli_common import (
    BomOpt,
    CoderOpt,
    CodesOpt,
    DecimalOpt,
    EncodingOpt,
    FilesArg,
    ForceOpt,
    IgnoreColumnOpt,
    LenientOpt,
    MinAlphaOpt,
    MinUnitsOpt,
    QuietOpt,
    SchemeArg,
    SheetOpt,
    SkipInvalidOpt,
    echo_warnings,
    validated_ratings,
)
from socmodel_cli.cli_help import choices
from socmodel_cli.output_formats import TextOrJson


def diagnose(
    scheme: SchemeArg,
    files: FilesArg,
    code: CodesOpt = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", min=1, metavar="N", help="Show the N most confused value pairs and units."
        ),
    ] = 10,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar=choices(TextOrJson), help="Output format."),
    ] = TextOrJson.text,
    units_csv: Annotated[
        Path | None,
        typer.Option(
            "--units-csv",
            metavar="FILE",
            help="Also write every disagreeing unit with each coder's value to this CSV file.",
        ),
    ] = None,
    min_alpha: MinAlphaOpt = None,
    min_units: MinUnitsOpt = None,
    bom: BomOpt = True,
    lenient: LenientOpt = False,
    ignore_column: IgnoreColumnOpt = None,
    decimal_comma: DecimalOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Agreement diagnostics per code: where coders disagree, who, on which units, whether it
    is an artefact, and findings with the usual remedies.

    Exit 0 every selected code passes, 1 any fails, is undefined or rests on too few units,
    2 could not run.
    """
    from dataclasses import replace

    from socmodel_cli.diagnostics import DiagnoseOptions, compute_diagnosis

    inputs = [scheme, *files]
    if units_csv is not None:
        from socmodel_cli.fileout import check_target

        # Refuse before the work: an input, a folder, or an existing file without --force.
        check_target(units_csv, inputs, force=force)
    checked, warnings = validated_ratings(
        scheme,
        files,
        coder,
        encoding,
        skip_invalid,
        lenient=lenient,
        ignore_columns=ignore_column,
        decimal_comma=decimal_comma,
        sheet=sheet,
    )
    # Computed on code by code from here: the code, file and line of each rating (8 bytes a
    # rating, for validation's messages) go with the validated ratings.
    ratings = checked.by_code
    del checked
    options = DiagnoseOptions(
        codes=tuple(code or ()), min_alpha=min_alpha, top=top, min_units=min_units
    )
    result = replace(compute_diagnosis(ratings, options), warnings=tuple(warnings))
    if units_csv is not None:
        from socmodel_cli.fileout import write_atomic
        from socmodel_cli.report.diagnostics_csv import units_csv as csv_text

        mark = "\ufeff" if bom else ""
        write_atomic(units_csv, mark + csv_text(result), inputs=inputs, force=force)
    from socmodel_cli.report.formats import RenderOptions, diagnosis_renderer

    if output_format is not TextOrJson.json:
        echo_warnings(warnings, quiet)
    render = diagnosis_renderer(output_format)
    sys.stdout.write(render(result, RenderOptions(quiet=quiet, terminal=sys.stdout.isatty())))
    raise typer.Exit(0 if result.ok else 1)
