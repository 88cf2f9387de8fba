"""``socmodel diagnose`` for people: per code, the findings first, then the tables behind
them (where, who, which units, artefacts), each fitting a 100-column terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table

from socmodel_cli.diagnostics import CodeDiagnosis, DiagnosisResult
from socmodel_cli.diagnostics.coders import CoderBias, Shift
from socmodel_cli.diagnostics.scale import FloatArray
from socmodel_cli.report import numbers
from socmodel_cli.report.console import safe

_STATUS = {
    "pass": "[green]pass[/]",
    "fail": "[red]fail[/]",
    "insufficient": "[yellow]insufficient[/]",
    "undefined": "[yellow]undefined[/]",
}
_SEVERITY = {"high": "[red]high[/]", "medium": "[yellow]medium[/]", "low": "low"}
# Coincidence and confusion matrices with more values than this are left to the JSON.
_MAX_MATRIX = 12
# With many coders the per-coder and per-pair tables and the coder list grow without
# bound (1,000 coders: 1,000 rows and ~40,000 pairs a code); text shows the rows that
# matter most and says how many it left to ``--format json``.
_MAX_ROWS = 30
_MAX_NAMES = 12
# Above this many coders the units table lists each unit's ratings in one column.
_MAX_CODER_COLUMNS = 8


def _names(names: Sequence[str]) -> str:
    if len(names) <= _MAX_NAMES:
        return ", ".join(names)
    return f"{', '.join(names[:_MAX_NAMES])} and {len(names) - _MAX_NAMES:,} more"


def _shown(total: int, what: str, console: Console) -> None:
    """Below a heading: which rows a table shows when it cannot show them all."""
    if total > _MAX_ROWS:
        console.print(f"Showing {_MAX_ROWS} of {total:,} {what}; all are in --format json.")


def _f(x: float | None, digits: int = 3) -> str:
    return numbers.coefficient(x, digits)


def _pct(x: float | None) -> str:
    return numbers.percent(x)


def _signed(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:+.{digits}f}"


def _table() -> Table:
    return Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )


def render_diagnosis(result: DiagnosisResult, console: Console, *, quiet: bool = False) -> None:
    s = result.scheme
    if not quiet:
        console.print(f"Diagnostics: {safe(s.title)} ({safe(s.id)} {safe(s.version)})")
    for c in result.codes:
        if quiet:
            _verdict_line(c, console)
        else:
            _render_code(c, result.options.top, console)
    passed = sum(c.status == "pass" for c in result.codes)
    console.print(f"{passed} of {len(result.codes)} code(s) pass.")


def _verdict_line(c: CodeDiagnosis, console: Console) -> None:
    kinds = ", ".join(dict.fromkeys(f.kind for f in c.findings)) or "no findings"
    console.print(
        f"{safe(c.view.code.id)}: {_STATUS[c.status]}: {safe(c.reliability.reason)}; {kinds}"
    )


def _heading(console: Console, title: str) -> None:
    """A table's title on its own line, so it never wraps to the table's width."""
    console.print()
    console.print(title, style="bold")


def _render_code(c: CodeDiagnosis, top: int, console: Console) -> None:
    r = c.reliability
    code = c.view.code
    ci = r.alpha_ci
    console.print()
    console.rule(f"[bold]{safe(code.id)}[/] — {safe(code.label)}", align="left")
    console.print(
        f"{code.level}; alpha {_f(r.alpha.value)}"
        + ("" if ci is None else f" {numbers.interval(ci)}")
        + f", threshold {r.threshold:.3f}: {_STATUS[r.status]}; "
        f"{numbers.count(r.pairable_units)} pairable of {numbers.count(r.units)} units; "
        f"coders {safe(_names(r.coders))}"
    )
    _findings(c, console)
    if r.pairable_units == 0:
        console.print("Nothing more to show: no unit was rated by two or more coders.")
        return
    _where(c, top, console)
    _who(c, console)
    _units(c, top, console)
    _artefacts(c, console)


def _findings(c: CodeDiagnosis, console: Console) -> None:
    if not c.findings:
        console.print("No findings: nothing in the diagnostics points at a problem.")
        return
    _heading(console, "Findings")
    t = _table()
    t.add_column("#", justify="right")
    t.add_column("severity")
    t.add_column("finding and usual remedy", overflow="fold", ratio=1)
    for f in c.findings:
        t.add_row(
            str(f.rank),
            _SEVERITY[f.severity],
            f"[bold]{f.kind}[/]: {safe(f.message)}\n[dim]→ {safe(f.remedy)}[/]",
        )
    console.print(t)


def _keys(labels: Sequence[str]) -> list[str]:
    """Column headers for a matrix: short values as they are, long ones numbered."""
    if all(len(v) <= 6 for v in labels):
        return list(labels)
    return [f"[{n}]" for n in range(1, len(labels) + 1)]


def _matrix(title: str, labels: Sequence[str], rows: FloatArray, console: Console) -> None:
    heads = _keys(labels)
    numbered = heads != list(labels)
    _heading(console, title)
    t = _table()
    t.add_column("", overflow="ellipsis", max_width=30)
    for h in heads:
        t.add_column(safe(h), justify="right")
    for i, row in enumerate(rows):
        name = f"[{i + 1}] {labels[i]}" if numbered else labels[i]
        t.add_row(safe(name), *(_cell(float(v)) for v in row))
    console.print(t)


def _cell(v: float) -> str:
    if v == 0:
        return "."
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def _where(c: CodeDiagnosis, top: int, console: Console) -> None:
    d = c.disagreement
    labels = c.view.labels
    if d is None:
        console.print(
            "Where: too many distinct values for a coincidence table; see the units below."
        )
        return
    if c.view.k <= _MAX_MATRIX:
        _matrix(
            "Coincidence matrix (pairable values; diagonal = agreement)",
            labels,
            d.coincidence,
            console,
        )
        if d.confusion is not None:
            a, b = c.view.coders
            _matrix(
                f"Confusion matrix ({safe(a)} rows, {safe(b)} columns)",
                labels,
                d.confusion,
                console,
            )
    else:
        console.print(f"Coincidence matrix: {c.view.k} values; see --format json.")
    _heading(console, "Per value (that value vs any other)")
    t = _table()
    t.add_column("value", overflow="ellipsis", max_width=26)
    for name in ("n", "share", "agree", "alpha", "PI", "BI"):
        t.add_column(name, justify="right")
    t.add_column("BI pair", overflow="ellipsis", max_width=20)
    for k in c.categories:
        t.add_row(
            safe(k.value),
            _cell(k.pairable_values),
            _pct(k.share),
            _pct(k.specific_agreement),
            _f(k.alpha.value),
            _f(k.prevalence_index, 2),
            _f(k.bias_index, 2),
            "" if k.bias_pair is None else safe("/".join(k.bias_pair)),
        )
    console.print(t)
    console.print(
        "n: pairable values; agree: when a coder gives the value, the share of the others' values "
        "that match; alpha: the value vs the rest; PI, BI: Byrt's prevalence and bias indices "
        "(BI: the coder pair with the largest).",
        style="dim",
    )
    if d.pairs and c.view.k > 2:
        _heading(console, "Values most often confused")
        t = _table()
        t.add_column("values", overflow="fold", max_width=52)
        for name in ("coder pairs", "share", "by chance"):
            t.add_column(name, justify="right")
        if c.view.ordered:
            t.add_column("steps", justify="right")
        for p in d.pairs[:top]:
            cells = [
                safe(f"{labels[p.first]} / {labels[p.second]}"),
                str(p.coder_pairs),
                _pct(p.share),
                _pct(p.expected_share),
            ]
            if c.view.ordered:
                cells.append(_f(p.steps, 0))
            t.add_row(*cells)
        console.print(t)
    if d.spread is not None:
        console.print(
            f"Disagreements {_pct(d.spread.adjacent_share)} between neighbouring values, "
            f"{_pct(d.spread.wide_share)} two or more steps apart "
            f"(mean {d.spread.mean_steps:.2f} steps, max {d.spread.max_steps:.0f})."
        )


def _who(c: CodeDiagnosis, console: Console) -> None:
    ordered = c.view.ordered
    word = "rank" if c.view.position_kind == "rank" else "mean"
    _heading(console, "Each coder against the others (shared units) and alpha without the coder")
    _shown(len(c.coders), "coders: those whose leaving out moves alpha most", console)
    t = _table()
    t.add_column("coder", overflow="ellipsis", max_width=18)
    t.add_column("rated", justify="right")
    t.add_column("shared", justify="right")
    if ordered:
        t.add_column(word, justify="right")
        t.add_column("others", justify="right")
    else:
        t.add_column("most shifted value", overflow="ellipsis", max_width=24)
        t.add_column("share", justify="right")
        t.add_column("others", justify="right")
    for name in ("diff", "t", "alpha w/o", "change"):
        t.add_column(name, justify="right")
    loo = {x.coder: x for x in c.leave_one_out}
    coders: Sequence[CoderBias] = c.coders
    if len(coders) > _MAX_ROWS:
        moved = sorted(coders, key=lambda b: -abs(loo[b.coder].change or 0.0))[:_MAX_ROWS]
        keep = {b.coder for b in moved}
        coders = [b for b in coders if b.coder in keep]  # in the usual order
    for b in coders:
        out = loo[b.coder]
        cells = [safe(b.coder), str(b.units), str(b.shared_units), *_shift_cells(b, ordered)]
        t_value = None if b.main is None else b.main.t
        cells += [_f(t_value, 1), _f(out.alpha.value), _signed(out.change)]
        t.add_row(*cells)
    console.print(t)
    _heading(console, "Pairs of coders (units both rated)")
    _shown(len(c.pairs), "pairs: the least agreeing of those with the most units", console)
    t = _table()
    t.add_column("coders", overflow="ellipsis", max_width=36)
    for name in ("units", "agree", "alpha", "kappa"):
        t.add_column(name, justify="right")
    pairs = c.pairs
    if len(pairs) > _MAX_ROWS:
        busiest = sorted(pairs, key=lambda p: -p.units_shared)[: 4 * _MAX_ROWS]
        worst = sorted(busiest, key=lambda p: (p.agreement is None, p.agreement or 0.0))
        keep_pairs = {(p.first, p.second) for p in worst[:_MAX_ROWS]}
        pairs = tuple(p for p in pairs if (p.first, p.second) in keep_pairs)
    for p in pairs:
        t.add_row(
            safe(f"{p.first} / {p.second}"),
            str(p.units_shared),
            _pct(p.agreement),
            _f(p.alpha.value),
            "" if p.kappa is None else _f(p.kappa.value),
        )
    console.print(t)
    console.print(
        "kappa: Cohen's"
        + (" (linear weights over the declared values)." if c.view.ordered else "."),
        style="dim",
    )


def _shift_cells(b: CoderBias, ordered: bool) -> list[str]:
    """Own value, the others' and the difference: means (ordered) or the most shifted share."""
    s: Shift | None = b.main
    if ordered:
        if s is None:
            return ["—", "—", "—"]
        return [_f(s.mean, 2), _f(s.others_mean, 2), _signed(s.difference, 2)]
    if s is None or not b.categories:
        return ["—", "—", "—", "—"]
    return [
        safe(b.categories[0].value),
        _pct(s.mean),
        _pct(s.others_mean),
        f"{100 * s.difference:+.0f}%",
    ]


def _units(c: CodeDiagnosis, top: int, console: Console) -> None:
    if not c.units:
        console.print("Units: no unit has any disagreement.")
        return
    shown = c.units[:top]
    _heading(console, f"Units with the largest disagreement ({len(shown)} of {len(c.units)})")
    t = _table()
    t.add_column("#", justify="right")
    t.add_column("unit", overflow="ellipsis", max_width=20)
    names = c.view.coders
    compact = len(names) > _MAX_CODER_COLUMNS
    if compact:  # one column of "coder value" for the coders who rated the unit
        t.add_column("ratings", overflow="fold", max_width=60)
    else:
        width = max(8, min(24, 60 // max(1, len(names))))
        for name in names:
            t.add_column(safe(name), overflow="ellipsis", max_width=width)
    t.add_column("share", justify="right")
    for n, u in enumerate(shown, start=1):
        if compact:
            cells = [
                safe(
                    "; ".join(
                        f"{who} {v}"
                        for who, v in zip(names, u.values, strict=True)
                        if v is not None
                    )
                )
            ]
        else:
            cells = ["·" if v is None else safe(v) for v in u.values]
        t.add_row(
            str(n),
            safe(u.label),
            *cells,
            _pct(u.share) if u.share >= 0.005 else f"{100 * u.share:.1f}%",
        )
    console.print(t)


def _artefacts(c: CodeDiagnosis, console: Console) -> None:
    a = c.artefacts
    parts = [
        f"agreement {_pct(a.percent_agreement)}",
        f"alpha {_f(a.alpha)}",
        f"kappa ({a.kappa_kind}) {_f(a.kappa)}",
        f"AC1 {_f(a.ac1)}",
        f"PABAK {_f(a.pabak)}",
    ]
    p = a.prevalence
    if p is not None:
        parts.append(
            f"most prevalent value {safe(p.value)}: {_pct(p.share)} "
            f"(PI {_f(p.prevalence_index, 2)}, BI {_f(p.bias_index, 2)})"
        )
    if a.unused_values is not None:
        parts.append(
            "unused values: " + (safe(", ".join(a.unused_values)) if a.unused_values else "none")
        )
    units = f"{numbers.count(a.pairable_units)} pairable units"
    if a.minimum_units is not None:
        units += f" (Krippendorff's minimum {numbers.count(a.minimum_units)})"
    parts.append(units)
    if a.ci_width is not None:
        parts.append(
            f"interval width {a.ci_width:.2f}"
            + (" (includes the threshold)" if a.ci_straddles_threshold else "")
        )
    console.print("Artefacts: " + "; ".join(parts) + ".")
