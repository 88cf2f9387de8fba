"""Flat rows for ``socmodel reliability``: shared by the text, Markdown and CSV renderers."""

from __future__ import annotations

import io

from socmodel_cli.code_reliability import CodeReliability, ReliabilityResult
from socmodel_cli.stats.estimate import Estimate

COLUMNS = ("code", "level", "units", "coders", "alpha [CI]", "kappa", "AC1", "agree", "status")
LEVEL_SHORT = {"nominal": "nom", "ordinal": "ord", "interval": "int", "ratio": "ratio"}


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _short(x: float) -> str:
    """Two decimals without the leading zero, as APA style prints bounded coefficients."""
    return f"{x:.2f}".replace("0.", ".", 1) if abs(x) < 1 else f"{x:.2f}"


def _e(e: Estimate | None) -> str:
    return fmt(None if e is None else e.value)


def kappa_cell(c: CodeReliability) -> str:
    """Cohen's (weighted for ordered codes) with two coders, Fleiss' otherwise."""
    if c.weighted_kappa_linear is not None:
        return _e(c.weighted_kappa_linear) + " w"
    if c.cohen_kappa is not None:
        return _e(c.cohen_kappa) + " c"
    return _e(c.fleiss_kappa) + " f"


def row(c: CodeReliability) -> list[str]:
    ci = c.alpha_ci
    pa = c.percent_agreement.value
    interval = "" if ci is None else f" [{_short(ci[0])}, {_short(ci[1])}]"
    return [
        c.code.id,
        LEVEL_SHORT[c.code.level],
        f"{c.pairable_units}/{c.units}",
        str(len(c.coders)),
        _e(c.alpha) + interval,
        kappa_cell(c),
        _e(c.ac1),
        "—" if pa is None else f"{100 * pa:.0f}%",
        c.status,
    ]


LEGEND = (
    "units: rated by 2+ coders / all; alpha: Krippendorff's alpha at the code's level "
    "[{ci} unit-bootstrap percentile interval] "
    "({replicates} replicates, seed {seed}); kappa: w = weighted (linear, 2 coders, ordered code), "
    "c = Cohen (2 coders), f = Fleiss (3+ coders); AC1: Gwet; agree: mean pairwise percent agreement; "
    "status: pass when alpha >= the code's threshold."
)


def legend(result: ReliabilityResult) -> str:
    o = result.options
    text = LEGEND.format(ci=f"{round(o.ci * 100)}%", replicates=o.replicates, seed=o.seed)
    if o.bootstrap == "kalpha":
        text = text.replace(
            "unit-bootstrap", "KALPHA-compatible (Hayes & Krippendorff 2007) bootstrap"
        )
    return text


def markdown(result: ReliabilityResult) -> str:
    s = result.scheme
    lines = [
        f"### Inter-coder reliability: {s.title} ({s.id} {s.version})",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|"
        + "|".join("---" if i < 2 or i == len(COLUMNS) - 1 else "---:" for i in range(len(COLUMNS)))
        + "|",
    ]
    for c in result.codes:
        cells = [cell.replace("|", "\\|") for cell in row(c)]
        cells[0] = f"`{cells[0]}`"
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", legend(result), ""]
    return "\n".join(lines)


CSV_HEADER = (
    "code", "label", "level", "threshold", "units", "pairable_units", "coders", "pairable_values",
    "alpha", "alpha_ci_low", "alpha_ci_high", "q_below_threshold", "percent_agreement", "cohen_kappa",
    "weighted_kappa_linear", "weighted_kappa_quadratic", "fleiss_kappa", "light_kappa", "scott_pi",
    "brennan_prediger", "ac1", "ac2", "status", "reason",
)  # fmt: skip


def _n(x: float | None) -> str:
    return "" if x is None else repr(round(float(x), 6))


def csv_text(result: ReliabilityResult) -> str:
    from socmodel_cli.safecells import SafeWriter

    out = io.StringIO()
    writer = SafeWriter(out)  # neutralises every cell
    writer.writerow(CSV_HEADER)
    for c in result.codes:
        ci = c.alpha_ci
        b = c.bootstrap

        def v(e: Estimate | None) -> str:
            return "" if e is None else _n(e.value)

        writer.writerow(
            [
                c.code.id, c.code.label, c.code.level, _n(c.threshold),
                c.units, c.pairable_units, len(c.coders), c.pairable_values,
                v(c.alpha), _n(ci[0] if ci else None), _n(ci[1] if ci else None),
                _n(b.q_below_threshold if b else None), v(c.percent_agreement), v(c.cohen_kappa),
                v(c.weighted_kappa_linear), v(c.weighted_kappa_quadratic), v(c.fleiss_kappa),
                v(c.light_kappa), v(c.scott_pi), v(c.brennan_prediger), v(c.ac1), v(c.ac2),
                c.status, c.reason,
            ]
        )  # fmt: skip
    return out.getvalue()
