"""The ``socmodel`` command line: parse options, call the core, render, return an exit code.

Start-up matters (shell loops call this thousands of times), so this module imports only
the standard library and typer; each command imports what it needs when it runs.
Exit codes: 0 all well, 1 findings, 2 could not run, 130/143 interrupted.

The CLI modules do not use ``from __future__ import annotations``: typer reads every
command's annotations, and as strings it would compile and evaluate each one at start-up
(about 30 ms of ``socmodel --help``); ``tests/test_cli.py`` checks every command.
"""

import functools
import gc
import os
import sys
from typing import Annotated, NoReturn

import typer

from socmodel_cli import __version__, cli_diagnose, cli_project, cli_report, cli_versioning, streams
from socmodel_cli.cli_common import (
    BomOpt,
    BootstrapChoice,
    CiOpt,
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
    OutputOpt,
    QuietOpt,
    ReplicatesOpt,
    SchemeArg,
    SeedOpt,
    SheetOpt,
    SkipInvalidOpt,
    coder_mapping,
    echo_warnings,
    emit,
    format_for,
    validated_ratings,
)
from socmodel_cli.cli_help import Command, choices
from socmodel_cli.errors import SocmodelError
from socmodel_cli.output_formats import ReportFormat, TextOrJson

app = typer.Typer(
    name="socmodel",
    help="Coding schemes, coder-file validation and per-code inter-coder reliability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
scheme_app = typer.Typer(
    help="Check, show, list and describe coding schemes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(scheme_app, name="scheme")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socmodel {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """socmodel: reliability evidence for coded psychotherapy sessions."""


@app.command(cls=Command)
def validate(
    scheme: SchemeArg,
    files: FilesArg,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar=choices(TextOrJson), help="Output format."),
    ] = TextOrJson.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    max_issues: Annotated[
        int,
        typer.Option(
            "--max-issues",
            min=0,
            metavar="N",
            help="Show at most N problems (0 = all); counts stay exact.",
        ),
    ] = 1000,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    ignore_column: IgnoreColumnOpt = None,
    decimal_comma: DecimalOpt = None,
    sheet: SheetOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check coder export files against a scheme; report every problem with its location.

    Exit 0 valid, 1 problems found (or warnings with --strict), 2 could not run.
    """
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    default, mapping = coder_mapping(coder, files)
    result = validate_files(
        loaded,
        files,
        coder=default,
        encoding=encoding,
        max_issues=max_issues,
        scheme_file=str(scheme),
        coders=mapping,
        ignore_columns=ignore_column or (),
        decimal_comma=decimal_comma,
        sheet=sheet,
    )
    from socmodel_cli.report.formats import RenderOptions, validation_renderer

    render = validation_renderer(output_format)
    sys.stdout.write(render(result, RenderOptions(quiet=quiet, strict=strict, terminal=_tty())))
    raise typer.Exit(0 if result.ok(strict) else 1)


@app.command(cls=Command)
def reliability(
    scheme: SchemeArg,
    files: FilesArg,
    code: CodesOpt = None,
    min_alpha: MinAlphaOpt = None,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar=choices(ReportFormat),
            help="Output format (default: from -o's suffix .json/.csv/.md/.txt, else text).",
            show_default=False,
        ),
    ] = None,
    replicates: ReplicatesOpt = 2000,
    seed: SeedOpt = 20110221,
    ci: CiOpt = 0.95,
    method: Annotated[
        BootstrapChoice,
        typer.Option(
            "--bootstrap-method",
            metavar=choices(BootstrapChoice),
            help="units: resample units (default); kalpha: Hayes' KALPHA algorithm.",
        ),
    ] = BootstrapChoice.units,
    min_units: MinUnitsOpt = None,
    details: Annotated[
        bool,
        typer.Option("--details", help="Text: also list every coefficient with its interval."),
    ] = False,
    bom: BomOpt = True,
    lenient: LenientOpt = False,
    ignore_column: IgnoreColumnOpt = None,
    decimal_comma: DecimalOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    sheet: SheetOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Per-code reliability: Krippendorff's alpha with a bootstrap interval, the kappa family, AC1.

    Exit 0 every selected code passes, 1 any fails, is undefined or rests on too few units,
    2 could not run.
    """
    from dataclasses import replace

    from socmodel_cli.code_reliability import Options, compute_reliability

    inputs = [scheme, *files]
    if output is not None:
        from socmodel_cli.fileout import check_target

        check_target(output, inputs, force=force)
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
    options = Options(tuple(code or ()), min_alpha, replicates, seed, ci, method.value, min_units)
    result = replace(compute_reliability(ratings, options), warnings=tuple(warnings))
    fmt = ReportFormat(
        format_for(
            None if output_format is None else output_format.value,
            output,
            frozenset(ReportFormat),
        )
    )
    import shlex

    from socmodel_cli.report.formats import RenderOptions, reliability_renderer

    if fmt is not ReportFormat.json:
        echo_warnings(warnings, quiet)
    render = reliability_renderer(fmt)
    text = render(
        result,
        RenderOptions(
            quiet=quiet,
            details=details,
            terminal=output is None and _tty(),
            diagnose_command=shlex.join(["socmodel", "diagnose", *(str(p) for p in inputs)]),
        ),
    )
    if fmt is ReportFormat.csv and bom and output is not None:
        text = "\ufeff" + text  # Excel on Windows reads UTF-8 only with the mark
    emit(text, output, inputs, force)
    raise typer.Exit(0 if result.ok else 1)


app.command("diagnose", cls=Command)(cli_diagnose.diagnose)
app.command("init", cls=Command)(cli_project.init)
app.command("report", cls=Command)(cli_report.report)


@scheme_app.command("check", cls=Command)
def scheme_check(
    scheme: SchemeArg,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar=choices(TextOrJson), help="Output format."),
    ] = TextOrJson.text,
) -> None:
    """Check a scheme file. Exit 0 valid, 1 invalid (located errors), 2 unreadable."""
    from socmodel_cli.scheme import check_scheme

    loaded, problems = check_scheme(scheme)
    fatal = [p for p in problems if p.kind in {"unreadable-file", "not-a-file"}]
    if fatal:
        raise SocmodelError(fatal[0].message, fatal)
    from socmodel_cli.report.formats import RenderOptions, scheme_check_renderer
    from socmodel_cli.report.scheme_check_dict import SchemeCheck

    check = SchemeCheck(str(scheme), loaded, tuple(problems))
    sys.stdout.write(scheme_check_renderer(output_format)(check, RenderOptions()))
    raise typer.Exit(0 if loaded is not None else 1)


@scheme_app.command("show", cls=Command)
def scheme_show(
    scheme: SchemeArg,
    code: CodesOpt = None,
) -> None:
    """Print the codebook: codes, levels, values with labels, definitions."""
    from socmodel_cli.report.codebook_text import render_codebook
    from socmodel_cli.report.console import make_console
    from socmodel_cli.scheme import load_scheme

    loaded = load_scheme(scheme)
    from socmodel_cli.scheme.selection import selected_codes

    selected_codes(loaded, code)
    render_codebook(loaded, make_console(), codes=code)


@scheme_app.command("json-schema", cls=Command)
def scheme_json_schema() -> None:
    """Print the JSON Schema of the scheme format (for editors and the YAML language server)."""
    from socmodel_cli.report.jsonout import dumps
    from socmodel_cli.scheme.jsonschema import scheme_json_schema as build

    sys.stdout.write(dumps(build()))


scheme_app.command("list", cls=Command)(cli_project.scheme_list)
scheme_app.command("diff", cls=Command)(cli_versioning.scheme_diff)
scheme_app.command("export", cls=Command)(cli_versioning.scheme_export)
scheme_app.command("import", cls=Command)(cli_versioning.scheme_import)
app.command("migrate", cls=Command)(cli_versioning.migrate)
app.command("template", cls=Command)(cli_versioning.template)


def _tty() -> bool:
    return sys.stdout.isatty()


def _report_error(exc: SocmodelError) -> None:
    from socmodel_cli.problems import printable

    typer.echo(f"socmodel: error: {printable(exc.message)}", err=True)
    for p in exc.problems:
        typer.echo(f"  {p.render()}", err=True)


def _report_usage(exc: typer.TyperException) -> None:
    """The parser's own report (usage, hint, error), with the user's text escaped."""
    from socmodel_cli.problems import printable

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(
            f"{ctx.get_usage()}\nTry '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n",
            err=True,
        )
    describe = getattr(exc, "format_message", None)
    message = describe() if callable(describe) else str(exc)
    typer.echo(f"Error: {printable(message)}", err=True)


def console() -> NoReturn:
    """The installed ``socmodel`` command: :func:`main`, and an exit without the last sweep.

    At exit the interpreter searches everything the run built for reference cycles, and
    again after clearing the modules: 0.03 s after ``--help``, 0.3 s after validating a
    million rows. Nothing is left to flush by then (:func:`main` flushed both streams, and
    every output file is closed when written), and the operating system frees the memory,
    so the objects are frozen out of that search. Only the real process does this; tests
    call :func:`main`.
    """
    try:
        main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point: the one place exceptions become exit codes.

    Both standard streams are guarded (:mod:`socmodel_cli.streams`): a reader that leaves
    early keeps the run's verdict as the exit code; output that cannot be written exits 2.
    """
    guard = streams.install()
    try:
        code = _run(argv)
    except BaseException:
        guard.finish(2)
        raise
    sys.exit(guard.finish(code))


@functools.cache
def _command() -> typer.core.TyperGroup:
    """The click command tree, built once per process.

    Typer rebuilds it from the function signatures on every call (about 10-20 ms); a process
    that runs the CLI many times (the test suite, the fuzz target) pays that once.
    """
    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    return command


def _run(argv: list[str] | None) -> int:
    import signal

    def _terminate(signum: int, _frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = _command()(args=argv, standalone_mode=False, prog_name="socmodel")
        return code if isinstance(code, int) else 0
    except SocmodelError as exc:
        _report_error(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("socmodel: interrupted", err=True)
        return 130
    except typer.TyperException as exc:
        # Usage errors from the option parser (missing argument, bad choice): could not run.
        _report_usage(exc)
        return 2
    except KeyboardInterrupt:
        typer.echo("socmodel: interrupted", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except OSError as exc:
        # The environment refused (a name too long for the file system, a device error):
        # could not run, and not a bug of ours.
        from socmodel_cli.problems import printable

        where = f"{printable(str(exc.filename))}: " if exc.filename is not None else ""
        typer.echo(f"socmodel: error: {where}{exc.strerror or exc}", err=True)
        return 2
    except MemoryError:
        typer.echo("socmodel: error: out of memory", err=True)
        return 2
    except Exception as exc:
        if os.environ.get("SOCMODEL_DEBUG"):
            raise
        from socmodel_cli.problems import printable

        typer.echo(
            f"socmodel: internal error: {type(exc).__name__}: {printable(str(exc))[:500]} "
            "(please report it; set SOCMODEL_DEBUG=1 for the traceback)",
            err=True,
        )
        return 2
