"""A methods paragraph a lab can paste, generated from the numbers (APA style).

Coefficients are written without the leading zero (APA: statistics that cannot exceed 1);
every number comes from the reliability/diagnose dictionaries or the study summary.
"""

from __future__ import annotations

from typing import Any

from socmodel_cli.coefficients import BY_KEY
from socmodel_cli.report.study import Study

KRIPPENDORFF = (
    "Krippendorff, K. (2004). Reliability in content analysis: Some common misconceptions "
    "and recommendations. Human Communication Research, 30(3), 411-433.",
    "Krippendorff, K. (2018). Content analysis: An introduction to its methodology "
    "(4th ed.). Sage.",
)
KOO_LI = (
    "Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass "
    "correlation coefficients for reliability research. Journal of Chiropractic Medicine, "
    "15(2), 155-163."
)
BLOCH_KRAEMER = (
    "Bloch, D. A., & Kraemer, H. C. (1989). 2 x 2 kappa coefficients: Measures of "
    "agreement or association. Biometrics, 45(1), 269-287."
)
BLAND_ALTMAN = (
    "Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement "
    "between two methods of clinical measurement. The Lancet, 327(8476), 307-310."
)


def apa(x: float | None) -> str:
    """A coefficient in APA style: three decimals, no leading zero (``.869``, ``-.120``)."""
    if x is None:
        return "undefined"
    text = f"{x:.3f}"
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f", and {items[-1]}"


def methods_paragraph(rel: dict[str, Any], study: Study) -> str:
    codes = rel["codes"]
    s = rel["settings"]
    coders = len(study.coders)
    share = f"{study.double_coded_share:.1%}"
    pairable = _join([f"{c['code']}: {c['pairable_units']}" for c in codes])
    parts = [
        f"Of {study.units} units, {study.double_coded} ({share}) were coded independently by "
        f"two or more of {coders} coders; reliability was assessed for {len(codes)} code(s) of "
        f"the scheme {study.scheme_id} (version {study.scheme_version}) on the pairable units "
        f"of each code ({pairable})."
    ]
    levels = sorted({c["level"] for c in codes})
    deciders = sorted({c["decided_by"] for c in codes})
    names = _join([BY_KEY[k].name for k in deciders])
    parts.append(
        f"Agreement was quantified per code with {names} at the code's level of measurement "
        f"({', '.join(levels)}; Krippendorff, 2004, 2018), alongside percent agreement and the "
        "kappa family (Fleiss, Conger, Brennan-Prediger, Gwet's AC1/AC2) where they apply."
    )
    ci = f"{s['ci']:.0%}"
    if s["replicates"]:
        parts.append(
            f"{ci} confidence intervals for alpha were obtained by a bootstrap over units "
            f"({s['replicates']} replicates, seed {s['seed']}); intervals of the other "
            "coefficients are analytic (standard errors; F-based for intraclass correlations)."
        )
    else:
        parts.append(
            f"Alpha was reported without a bootstrap interval; other intervals are {ci} analytic intervals."
        )
    thresholds = sorted({c["threshold"] for c in codes})
    parts.append(
        f"A code was considered reliable when its deciding coefficient reached its threshold "
        f"({_join([apa(t) for t in thresholds])}; Krippendorff, 2004) on at least the minimum "
        "number of pairable units (Krippendorff's sample-size rule after Bloch & Kraemer, 1989, "
        "unless the scheme sets one)."
    )
    if any(c["details"].get("icc_a1") for c in codes):
        parts.append(
            "For interval and ratio codes, intraclass correlations (McGraw & Wong forms) were "
            "interpreted following Koo and Li (2016), and Bland-Altman limits of agreement are "
            "reported per coder pair (Bland & Altman, 1986)."
        )
    results = []
    for c in codes:
        key = c["decided_by"]
        e = c["details"][key] or {}
        interval = e.get("ci")
        shown = f"{BY_KEY[key].short} = {apa(e.get('value'))}"
        if interval:
            shown += f", {ci} CI [{apa(interval[0])}, {apa(interval[1])}]"
        results.append(f"{c['code']}: {shown} ({c['status']})")
    if results:
        parts.append("Results: " + "; ".join(results) + ".")
    return " ".join(parts)


def references(rel: dict[str, Any]) -> tuple[str, ...]:
    refs = [*KRIPPENDORFF, BLOCH_KRAEMER]
    if any(c["details"].get("icc_a1") for c in rel["codes"]):
        refs += [KOO_LI, BLAND_ALTMAN]
    return tuple(sorted(refs))
