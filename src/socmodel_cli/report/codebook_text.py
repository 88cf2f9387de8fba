"""``socmodel scheme show``: the codebook as people read it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socmodel_cli.report.console import safe, safe_paragraphs
from socmodel_cli.scheme.model import Code, Scheme


def _values(code: Code) -> str:
    if code.values:
        return "\n".join(
            f"{safe(v.value)}" + (f" = {safe(v.label)}" if v.label else "") for v in code.values
        )
    parts = []
    if code.range is not None:
        lo = "" if code.range.min is None else f"{code.range.min} ≤ "
        hi = "" if code.range.max is None else f" ≤ {code.range.max}"
        parts.append(f"{lo}x{hi}")
    if code.integer:
        parts.append("whole numbers")
    return ", ".join(parts) or "any number"


def render_codebook(scheme: Scheme, console: Console, codes: Sequence[str] | None = None) -> None:
    console.print(f"[bold]{safe(scheme.title)}[/] ({safe(scheme.id)} {safe(scheme.version)})")
    if scheme.description:
        console.print(safe_paragraphs(scheme.description))
    keys = ", ".join(scheme.unit.keys)
    console.print(
        f"Unit: {safe(scheme.unit.name)} (keys: {safe(keys)}); not coded: "
        + ", ".join(safe(repr(m)) for m in scheme.missing)
        + f"; threshold alpha ≥ {scheme.reliability.min_alpha}"
    )
    chosen = [c for c in scheme.codes if not codes or c.id in codes]
    if console.width < _TABLE_WIDTH:
        _stacked(scheme, chosen, console)
    else:
        _table(scheme, chosen, console)
    _panels(chosen, console)


_TABLE_WIDTH = 120  # narrower terminals get one block per code instead of the summary table


def _stacked(scheme: Scheme, chosen: Sequence[Code], console: Console) -> None:
    """The summary for narrow terminals: a heading line per code, its values below."""
    for c in chosen:
        basis = f"; {c.provenance.basis}" if c.provenance else ""
        console.print(
            f"[bold]{safe(c.id)}[/] — {safe(c.label)} ({c.level}; unit "
            f"{safe(', '.join(scheme.code_keys(c)))}; min alpha {scheme.threshold(c):.3f}{basis})"
        )
        for line in _values(c).splitlines():
            console.print(f"  {line}")


def _table(scheme: Scheme, chosen: Sequence[Code], console: Console) -> None:
    summary = Table(title="Codes", expand=False)
    for col in ("code", "label", "level", "unit", "values", "min alpha", "provenance"):
        summary.add_column(col, overflow="fold")
    for c in chosen:
        summary.add_row(
            safe(c.id),
            safe(c.label),
            c.level,
            safe(", ".join(scheme.code_keys(c))),
            _values(c),
            f"{scheme.threshold(c):.3f}",
            c.provenance.basis if c.provenance else "",
        )
    console.print(summary)


def _panels(chosen: Sequence[Code], console: Console) -> None:
    for c in chosen:
        body: list[Text | str] = []
        for title, text in (
            ("Definition", c.definition),
            ("When to use", c.when_to_use),
            ("When not to use", c.when_not_to_use),
            ("Example", c.example),
            (
                "Provenance",
                f"{c.provenance.basis}: {c.provenance.note or ''}" if c.provenance else None,
            ),
        ):
            if text:
                body.append(f"[bold]{title}.[/] {safe_paragraphs(text.strip())}")
        if c.values and any(v.description for v in c.values):
            body.append(
                "[bold]Values.[/] "
                + "; ".join(
                    f"{safe(v.value)} {safe(v.label or '')}: {safe(v.description or '')}"
                    for v in c.values
                )
            )
        if body:
            console.print(
                Panel(Group(*body), title=f"{safe(c.id)} — {safe(c.label)}", title_align="left")
            )
