"""The ``socmodel`` command line: parse options, call the core, render, return an exit code.

Start-up matters (shell loops call this thousands of times), so this module imports only
the standard library and typer; each command imports what it needs when it runs.
Exit codes: 0 all well, 1 findings, 2 could not run, 130/143 interrupted.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer

from socmodel_cli import __version__, cli_diagnose, cli_versioning, streams
from socmodel_cli.cli_common import (
    BootstrapChoice,
    CoderOpt,
    CodesOpt,
    EncodingOpt,
    FilesArg,
    ForceOpt,
    MinAlphaOpt,
    OutputOpt,
    QuietOpt,
    ReportFormat,
    SchemeArg,
    SkipInvalidOpt,
    TextOrJson,
    emit,
    validated_ratings,
)
from socmodel_cli.errors import SocmodelError

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
    help="Check, show and describe coding schemes.", no_args_is_help=True, rich_markup_mode=None
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


@app.command()
def validate(
    scheme: SchemeArg,
    files: FilesArg,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    max_issues: Annotated[
        int,
        typer.Option(
            "--max-issues", min=0, help="Show at most N problems (0 = all); counts stay exact."
        ),
    ] = 1000,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check coder export files against a scheme; report every problem with its location.

    Exit 0 valid, 1 problems found (or warnings with --strict), 2 could not run.
    """
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    result = validate_files(loaded, files, coder=coder, encoding=encoding, max_issues=max_issues)
    if output_format is TextOrJson.json:
        from socmodel_cli.report.jsonout import dumps
        from socmodel_cli.report.validation_dict import validation_dict

        sys.stdout.write(dumps(validation_dict(result, strict=strict)))
    else:
        from socmodel_cli.report.console import make_console
        from socmodel_cli.report.validation_text import render_validation

        render_validation(result, make_console(), strict=strict, quiet=quiet)
    raise typer.Exit(0 if result.ok(strict) else 1)


@app.command()
def reliability(
    scheme: SchemeArg,
    files: FilesArg,
    code: CodesOpt = None,
    min_alpha: MinAlphaOpt = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.text,
    replicates: Annotated[
        int,
        typer.Option(
            "--bootstrap", min=0, help="Bootstrap replicates for alpha's interval (0 = none)."
        ),
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the bootstrap (same seed, same interval).")
    ] = 20110221,
    ci: Annotated[
        float, typer.Option("--ci", min=0.5, max=0.999, help="Confidence level of intervals.")
    ] = 0.95,
    method: Annotated[
        BootstrapChoice,
        typer.Option(
            "--bootstrap-method",
            help="units: resample units (default); kalpha: Hayes' KALPHA algorithm.",
        ),
    ] = BootstrapChoice.units,
    skip_invalid: SkipInvalidOpt = False,
    coder: CoderOpt = None,
    encoding: EncodingOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Per-code reliability: Krippendorff's alpha with a bootstrap interval, the kappa family, AC1.

    Exit 0 every selected code passes, 1 any fails or is undefined, 2 could not run.
    """
    from socmodel_cli.code_reliability import Options, compute_reliability

    if output is not None:
        from socmodel_cli.fileout import check_target

        check_target(output, [scheme, *files], force=force)
    ratings = validated_ratings(scheme, files, coder, encoding, skip_invalid)
    options = Options(tuple(code or ()), min_alpha, replicates, seed, ci, method.value)
    result = compute_reliability(ratings, options)
    if output_format is ReportFormat.json:
        from socmodel_cli.report.jsonout import dumps
        from socmodel_cli.report.reliability_dict import reliability_dict

        emit(dumps(reliability_dict(result)), output, [scheme, *files], force)
    elif output_format is ReportFormat.csv:
        from socmodel_cli.report.reliability_table import csv_text

        emit(csv_text(result), output, [scheme, *files], force)
    elif output_format is ReportFormat.markdown:
        from socmodel_cli.report.reliability_table import markdown

        emit(markdown(result), output, [scheme, *files], force)
    else:
        from socmodel_cli.report.console import make_console
        from socmodel_cli.report.reliability_text import render_reliability

        if output is not None:
            import io

            from rich.console import Console

            buffer = io.StringIO()
            render_reliability(
                result, Console(file=buffer, width=120, no_color=True, highlight=False), quiet=quiet
            )
            emit(buffer.getvalue(), output, [scheme, *files], force)
        else:
            render_reliability(result, make_console(), quiet=quiet)
    raise typer.Exit(0 if result.ok else 1)


app.command("diagnose")(cli_diagnose.diagnose)


@scheme_app.command("check")
def scheme_check(
    scheme: SchemeArg,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
) -> None:
    """Check a scheme file. Exit 0 valid, 1 invalid (located errors), 2 unreadable."""
    from socmodel_cli.scheme import check_scheme

    loaded, problems = check_scheme(scheme)
    fatal = [p for p in problems if p.kind in {"unreadable-file", "not-a-file"}]
    if fatal:
        raise SocmodelError(fatal[0].message, fatal)
    if output_format is TextOrJson.json:
        from socmodel_cli.report.jsonout import JSON_VERSION, dumps
        from socmodel_cli.report.problems_dict import problem_dict

        sys.stdout.write(
            dumps(
                {
                    "json_version": JSON_VERSION,
                    "ok": loaded is not None,
                    "file": str(scheme),
                    "scheme": None
                    if loaded is None
                    else {"id": loaded.id, "version": loaded.version},
                    "issues": [problem_dict(p) for p in problems],
                }
            )
        )
    else:
        from socmodel_cli.problems import printable

        for p in problems:
            typer.echo(p.render())
        name = printable(str(scheme))
        if loaded is not None:
            typer.echo(
                f"{name}: valid scheme {loaded.id} {loaded.version} ({len(loaded.codes)} codes)"
            )
        else:
            typer.echo(f"{name}: invalid scheme ({len(problems)} error(s))")
    raise typer.Exit(0 if loaded is not None else 1)


@scheme_app.command("show")
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


@scheme_app.command("json-schema")
def scheme_json_schema() -> None:
    """Print the JSON Schema of the scheme format (for editors and the YAML language server)."""
    from socmodel_cli.report.jsonout import dumps
    from socmodel_cli.scheme.jsonschema import scheme_json_schema as build

    sys.stdout.write(dumps(build()))


scheme_app.command("diff")(cli_versioning.scheme_diff)
scheme_app.command("export")(cli_versioning.scheme_export)
scheme_app.command("import")(cli_versioning.scheme_import)
app.command("migrate")(cli_versioning.migrate)
app.command("template")(cli_versioning.template)


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


def _run(argv: list[str] | None) -> int:
    import signal

    def _terminate(signum: int, _frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(args=argv, standalone_mode=False, prog_name="socmodel")
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
