"""Commands for the bundled schemes: ``scheme list`` and ``init``. Registered in
:mod:`socmodel_cli.cli`.

Like the CLI module, this imports only the standard library, typer and the shared option
types at module level; each command loads what it needs.
"""

import shlex
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socmodel_cli.cli_help import choices
from socmodel_cli.output_formats import TextOrJson

if TYPE_CHECKING:
    from socmodel_cli.bundled import ProjectFile


def scheme_list(
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar=choices(TextOrJson), help="Output format."),
    ] = TextOrJson.text,
) -> None:
    """List the schemes that ship with socmodel; name one instead of a path (SCHEME)."""
    from socmodel_cli.bundled import bundled_schemes

    found = bundled_schemes()
    if output_format is TextOrJson.json:
        from socmodel_cli.report.jsonout import JSON_VERSION, dumps

        document = {
            "json_version": JSON_VERSION,
            "schemes": [
                {
                    "name": s.name,
                    "id": s.id,
                    "version": s.version,
                    "title": s.title,
                    "codes": list(s.codes),
                    "path": str(s.path),
                }
                for s in found
            ],
        }
        sys.stdout.write(dumps(document))
        return
    if not found:
        typer.echo("no bundled schemes in this installation")
        return
    for s in found:
        typer.echo(f"{s.name}  {s.version}  {s.title}")
        typer.echo(
            textwrap.fill(
                ", ".join(s.codes),
                width=78,
                initial_indent=f"  {len(s.codes)} codes: ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    typer.echo("Name one instead of a path, e.g. `socmodel scheme show NAME`; copy one with")
    typer.echo("`socmodel init DIR --scheme NAME`.")


def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Project folder to start in (default: the current folder; created if missing).",
            show_default=False,
            metavar="[DIR]",
        ),
    ] = Path(),
    scheme: Annotated[
        str,
        typer.Option(
            "--scheme",
            metavar="NAME",
            help="The bundled scheme to copy (see `socmodel scheme list`).",
        ),
    ] = "socialization-to-the-model",
    force: Annotated[
        bool, typer.Option("--force", help="Replace files of the same name in DIR.")
    ] = False,
) -> None:
    """Start a project: copy a bundled scheme (and its example coder files) into DIR.

    Never replaces a file without --force. Prints what it wrote and the command to run next.
    """
    from socmodel_cli.bundled import project_files
    from socmodel_cli.errors import OutputError
    from socmodel_cli.fileout import check_target, write_atomic

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: not a folder; give a folder for the project")
    files = project_files(scheme, folder)
    existing = [str(f.target) for f in files if f.target.exists()]
    if existing and not force:
        raise OutputError(
            f"{len(existing)} file(s) already exist: {', '.join(existing)}; "
            "pass --force to replace them"
        )
    inputs = [f.source for f in files if f.source is not None]
    for f in files:
        try:
            f.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"{f.target.parent}: cannot create the folder: {exc.strerror}"
            ) from None
        check_target(f.target, inputs, force=force)  # never over a bundled file
    for f in files:
        write_atomic(f.target, f.data, inputs=inputs, force=force)
        typer.echo(f"wrote {f.target}: {f.what}")
    typer.echo(_next_command(folder, files))


def _next_command(folder: Path, files: "list[ProjectFile]") -> str:
    """The command to paste next: validate the example, or check the scheme."""
    from socmodel_cli.bundled import EXAMPLE_CODER_FILES

    scheme_file = files[0].target.name
    written = {f.target for f in files}
    examples = [
        f"examples/{name}" for name in EXAMPLE_CODER_FILES if folder / "examples" / name in written
    ]
    words = ["socmodel", "validate", scheme_file, *examples]
    if not examples:
        words = ["socmodel", "scheme", "check", scheme_file]
    here = folder.resolve() == Path.cwd().resolve()
    return "next: " + ("" if here else f"cd {shlex.quote(str(folder))} && ") + shlex.join(words)
