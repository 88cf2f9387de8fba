"""``socmodel reliability`` for people: one table, a legend, pointers for failing codes."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from socmodel_cli.code_reliability import ReliabilityResult
from socmodel_cli.report.console import safe
from socmodel_cli.report.reliability_table import COLUMNS, legend, row

_STATUS = {"pass": "[green]pass[/]", "fail": "[red]fail[/]", "undefined": "[yellow]undefined[/]"}


def render_reliability(result: ReliabilityResult, console: Console, *, quiet: bool = False) -> None:
    s = result.scheme
    if not quiet:
        table = Table(
            title=f"Reliability: {safe(s.title)} ({safe(s.id)} {safe(s.version)})",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            padding=(0, 1),
            collapse_padding=True,
        )
        last = len(COLUMNS) - 1
        for i, name in enumerate(COLUMNS):
            table.add_column(
                name,
                justify="left" if i < 2 or i == last else "right",
                no_wrap=i > 0,
                overflow="fold",
                max_width=22 if i == 0 else None,
            )
        for c in result.codes:
            cells = [safe(x) for x in row(c)]
            cells[-1] = _STATUS[c.status]
            table.add_row(*cells)
        console.print(table)
        console.print(legend(result), style="dim", soft_wrap=False)
        for c in result.codes:
            if c.status != "pass":
                console.print(
                    f"{safe(c.code.id)}: {c.status}: {safe(c.reason)}"
                    + (
                        f" — run `socmodel diagnose SCHEME FILES --code {safe(c.code.id)}`"
                        if c.status == "fail"
                        else ""
                    )
                )
    passed = sum(c.status == "pass" for c in result.codes)
    console.print(f"{passed} of {len(result.codes)} code(s) pass.")
