"""Rows for ``socmodel reliability``: shared by the text, Markdown and CSV renderers.

The summary row shows the headline numbers; the detail rows and the CSV columns iterate the
coefficient registry, so every registered coefficient reaches every format.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from socmodel_cli.code_reliability import CodeReliability, ReliabilityResult
from socmodel_cli.coefficients import COEFFICIENTS, Coefficient
from socmodel_cli.report import numbers
from socmodel_cli.stats.estimate import Estimate

COLUMNS = ("code", "level", "units", "coders", "alpha [CI]", "kappa", "AC1", "agree", "status")
LEVEL_SHORT = {"nominal": "nom", "ordinal": "ord", "interval": "int", "ratio": "ratio"}
DETAIL_COLUMNS = ("code", "coefficient", "value", "interval", "SE", "units", "note")


def fmt(x: float | None, digits: int = 3) -> str:
    return numbers.coefficient(x, digits)


def _e(e: Estimate | None) -> str:
    return fmt(None if e is None else e.value)


def kappa_cell(c: CodeReliability) -> str:
    """Cohen's (weighted for ordered codes) with two coders, Fleiss' otherwise."""
    for key, mark in (("weighted_kappa_linear", " w"), ("cohen_kappa", " c")):
        e = c.estimates.get(key)
        if e is not None:
            return _e(e) + mark
    return _e(c.estimates.get("fleiss_kappa")) + " f"


def interval(ci: tuple[float, float] | None) -> str:
    return numbers.interval(ci)


def row(c: CodeReliability) -> list[str]:
    pa = c.estimates["percent_agreement"]
    ci = interval(c.alpha_ci)
    return [
        c.code.id,
        LEVEL_SHORT[c.code.level],
        f"{numbers.count(c.pairable_units)}/{numbers.count(c.units)}",
        str(len(c.coders)),
        _e(c.alpha) + (f" {ci}" if ci else ""),
        kappa_cell(c),
        _e(c.estimates.get("ac1")),
        numbers.percent(None if pa is None else pa.value),
        c.status,
    ]


def detail_rows(c: CodeReliability) -> Iterator[tuple[Coefficient, list[str]]]:
    """One row per registered coefficient that applies to the code."""
    for coef in COEFFICIENTS:
        e = c.estimates.get(coef.key)
        if e is None:
            continue
        yield (
            coef,
            [
                c.code.id,
                coef.name,
                _e(e),
                interval(e.ci),
                fmt(e.se),
                str(e.units_used),
                e.reason or "",
            ],
        )


LEGEND = (
    "units: rated by 2+ coders / all; alpha: Krippendorff's alpha at the code's level "
    "[{ci} unit-bootstrap percentile interval] "
    "({replicates} replicates, seed {seed}); kappa: w = weighted (linear, 2 coders, ordered code), "
    "c = Cohen (2 coders), f = Fleiss (3+ coders); AC1: Gwet; agree: mean pairwise percent agreement; "
    "status: pass when alpha >= the code's threshold on enough pairable units "
    "(insufficient: too few)."
)


def legend(result: ReliabilityResult) -> str:
    o = result.options
    text = LEGEND.format(ci=f"{round(o.ci * 100)}%", replicates=o.replicates, seed=o.seed)
    if o.bootstrap == "kalpha":
        text = text.replace(
            "unit-bootstrap", "KALPHA-compatible (Hayes & Krippendorff 2007) bootstrap"
        )
    return text


def _md_table(header: tuple[str, ...], rows: list[list[str]], right: set[int]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
    ]
    for cells in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def markdown(result: ReliabilityResult) -> str:
    s = result.scheme
    summary = []
    for c in result.codes:
        cells = row(c)
        cells[0] = f"`{cells[0]}`"
        summary.append(cells)
    details = [cells for c in result.codes for _, cells in detail_rows(c)]
    ci = f"{round(result.options.ci * 100)}%"
    header = tuple(h if h != "interval" else f"{ci} CI" for h in DETAIL_COLUMNS)
    lines = [
        f"### Inter-coder reliability: {s.title} ({s.id} {s.version})",
        "",
        *_md_table(COLUMNS, summary, set(range(2, len(COLUMNS) - 1))),
        "",
        legend(result),
        "",
        "#### Every coefficient",
        "",
        *_md_table(header, details, {2, 4, 5}),
        "",
    ]
    return "\n".join(lines)


def csv_header() -> list[str]:
    head = ["code", "label", "level", "threshold", "units", "pairable_units", "min_units"]
    head += ["coders", "pairable_values"]
    for coef in COEFFICIENTS:
        head += [coef.key, f"{coef.key}_ci_low", f"{coef.key}_ci_high", f"{coef.key}_se"]
    return [*head, "q_below_threshold", "status", "reason"]


def _n(x: float | None) -> str:
    return "" if x is None else repr(round(float(x), 6))


def csv_row(c: CodeReliability) -> dict[str, str]:
    out = {
        "code": c.code.id,
        "label": c.code.label,
        "level": c.code.level,
        "threshold": _n(c.threshold),
        "units": str(c.units),
        "pairable_units": str(c.pairable_units),
        "min_units": str(c.min_units.units),
        "coders": str(len(c.coders)),
        "pairable_values": str(c.pairable_values),
        "q_below_threshold": _n(c.bootstrap.q_below_threshold if c.bootstrap else None),
        "status": c.status,
        "reason": c.reason,
    }
    for coef in COEFFICIENTS:
        e = c.estimates.get(coef.key)
        ci = None if e is None else e.ci
        out[coef.key] = _n(None if e is None else e.value)
        out[f"{coef.key}_ci_low"] = _n(ci[0] if ci else None)
        out[f"{coef.key}_ci_high"] = _n(ci[1] if ci else None)
        out[f"{coef.key}_se"] = _n(None if e is None else e.se)
    return out


def csv_text(result: ReliabilityResult) -> str:
    from socmodel_cli.safecells import SafeWriter

    out = io.StringIO()
    writer = SafeWriter(out)  # neutralises every cell
    header = csv_header()
    writer.writerow(header)
    for c in result.codes:
        row = csv_row(c)
        writer.writerow([row[name] for name in header])
    return out.getvalue()
