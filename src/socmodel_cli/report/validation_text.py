"""``socmodel validate`` for people: a table of problems and a summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from socmodel_cli.report.console import safe
from socmodel_cli.report.numbers import count
from socmodel_cli.validation import ValidationResult

_TABLE_WIDTH = 120  # the problem table needs this much to keep messages readable


def render_validation(
    result: ValidationResult, console: Console, *, strict: bool, quiet: bool = False
) -> None:
    if result.problems and not quiet and console.width < _TABLE_WIDTH:
        # Narrow terminals: one problem per paragraph, wrapped at spaces (compiler style).
        for p in result.problems:
            style = "red" if p.is_error else "yellow"
            console.print(
                f"{safe(p.location())}: [{style}]{p.severity}[/]\\[{safe(p.kind)}]: {safe(p.message)}"
            )
    elif result.problems and not quiet:
        table = Table(title=None, show_lines=False, expand=False, pad_edge=False)
        table.add_column("where", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("message", overflow="fold")
        for p in result.problems:
            style = "red" if p.is_error else "yellow"
            table.add_row(
                safe(p.location()), f"[{style}]{p.severity}[/]", safe(p.kind), safe(p.message)
            )
        console.print(table)
    if not quiet:
        for f in result.files:
            coder = (
                f" coder {safe(f.coder)} (from the {f.coder_source})"
                if f.coder
                else " coders from the coder column"
            )
            layout = f"{f.layout} layout" if f.layout else "not read"
            container = f"{f.format} sheet {safe(repr(f.sheet))}" if f.sheet else f.format or "?"
            console.print(
                f"{safe(f.path)}: {container}, {layout},{coder}; {count(f.rows)} rows, {count(f.ratings)} ratings"
            )
    hidden = result.errors + result.warnings - result.shown
    more = f" ({count(hidden)} not shown; use --max-issues 0 for all)" if hidden > 0 else ""
    verdict = "[green]valid[/]" if result.ok(strict) else "[red]invalid[/]"
    strict_note = " (warnings count as failures: --strict)" if strict and result.warnings else ""
    console.print(
        f"{verdict}: {count(result.errors)} error(s), {count(result.warnings)} warning(s)"
        f"{more}{strict_note}; {len(result.files)} file(s), {count(len(result.ratings))} ratings, "
        f"{count(result.units)} units, {count(len(result.coders))} coder(s), scheme {safe(result.scheme.id)} {safe(result.scheme.version)}"
    )
