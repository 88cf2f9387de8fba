"""``socmodel reliability`` for people: one table, a legend, pointers for codes that do not pass."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from socmodel_cli.code_reliability import ReliabilityResult
from socmodel_cli.report.console import safe
from socmodel_cli.report.reliability_table import COLUMNS, detail_rows, legend, row

_STATUS = {
    "pass": "[green]pass[/]",
    "fail": "[red]fail[/]",
    "insufficient": "[yellow]insufficient[/]",
    "undefined": "[yellow]undefined[/]",
}


def _table(title: str, columns: tuple[str, ...], left: set[int]) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for i, name in enumerate(columns):
        table.add_column(
            name,
            justify="left" if i in left else "right",
            no_wrap=i > 0,
            overflow="fold",
            max_width=22 if i == 0 else None,
        )
    return table


_TABLE_WIDTH = 110  # below this the table would cut code names: each code gets two lines


def _stacked(result: ReliabilityResult, console: Console, title: str) -> None:
    """The table for narrow terminals: the code on one line, its numbers on the next."""
    console.print(title)
    for c in result.codes:
        code, level, units, coders, alpha, kappa, ac1, agree, _ = (safe(x) for x in row(c))
        console.print(f"[bold]{code}[/] ({level}): {units} units, {coders} coders")
        console.print(
            f"  alpha {alpha}  kappa {kappa}  AC1 {ac1}  agree {agree}  {_STATUS[c.status]}"
        )


def _details(result: ReliabilityResult, console: Console) -> None:
    """Every coefficient of every code: one line each, the reason or note below it."""
    ci = f"{round(result.options.ci * 100)}% CI"
    console.print(f"\nEvery coefficient (value, {ci}, SE, units used):")
    for c in result.codes:
        console.print(f"{safe(c.code.id)}", style="bold")
        for coef, cells in detail_rows(c):
            _, _, value, interval, se, units, note = cells
            line = f"  {coef.name:<36} {value:>6}  {interval or '—':<16} SE {se:<6} n {units}"
            console.print(safe(line))
            if note:
                console.print(f"      {safe(note)}", style="dim")


def render_reliability(
    result: ReliabilityResult,
    console: Console,
    *,
    quiet: bool = False,
    details: bool = False,
    diagnose_command: str | None = None,
) -> None:
    """``diagnose_command`` is the user's own ``socmodel diagnose ...`` prefix for the hint."""
    s = result.scheme
    if not quiet:
        title = f"Reliability: {safe(s.title)} ({safe(s.id)} {safe(s.version)})"
        if console.width < _TABLE_WIDTH:
            _stacked(result, console, title)
        else:
            table = _table(title, COLUMNS, {0, 1, len(COLUMNS) - 1})
            for c in result.codes:
                cells = [safe(x) for x in row(c)]
                cells[-1] = _STATUS[c.status]
                table.add_row(*cells)
            console.print(table)
        console.print(legend(result), style="dim", soft_wrap=False)
        if details:
            _details(result, console)
        for c in result.codes:
            if c.status == "pass":
                continue
            hint = ""
            if c.status == "fail":
                command = diagnose_command or "socmodel diagnose SCHEME FILES"
                hint = f" — run `{safe(command)} --code {safe(c.code.id)}`"
            console.print(f"{safe(c.code.id)}: {c.status}: {safe(c.reason)}{hint}")
    passed = sum(c.status == "pass" for c in result.codes)
    console.print(f"{passed} of {len(result.codes)} code(s) pass.")
