"""Findings in words: the diagnostics read as a short ranked list, each with its numbers
and the usual remedy.

Every rule below is a heuristic with its thresholds named here and documented in
``docs/diagnostics.md``; a finding says what was seen and what usually helps, never that
a coder is "wrong". Each finding has a stable ``kind`` slug.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from socmodel_cli.code_reliability import CodeReliability
from socmodel_cli.diagnostics.artefacts import Artefacts
from socmodel_cli.diagnostics.categories import CategoryAgreement
from socmodel_cli.diagnostics.coders import CoderBias, LeaveOneOut, compared_with
from socmodel_cli.diagnostics.coincidence import ConfusedPair, Disagreement
from socmodel_cli.diagnostics.pairwise import PairAgreement
from socmodel_cli.diagnostics.scale import CodeView

Severity = Literal["high", "medium", "low"]
EvidenceValue = float | int | str | bool | None | list[str]

# coder-bias: a paired t of at least this size ...
BIAS_MIN_T = 3.0
# ... and a shift of at least this many SDs of the pooled values (ordered codes) ...
BIAS_MIN_EFFECT = 0.25
# ... or this difference in a category's share (nominal codes).
BIAS_MIN_SHARE = 0.05
# coder-drags-alpha: alpha without the coder is at least this much higher, ...
DRAG_MIN_GAIN = 0.10
# ... or at least this much higher and then reaches the threshold the code misses.
DRAG_MIN_GAIN_CROSSING = 0.05
# ... computed on at least this many pairable units.
DRAG_MIN_UNITS = 10
# confused-categories: a pair of values with this share of all disagreement, ...
CONFUSED_MIN_SHARE = 0.25
# ... this many times the share chance pairing would give it, ...
CONFUSED_MIN_LIFT = 2.0
# ... from at least this many coder pairs (codes with three or more values).
CONFUSED_MIN_PAIRS = 10
# wide-disagreements: share of the disagreement two or more steps apart (ordered codes).
WIDE_MIN_SHARE = 0.25
# kappa-paradox: agreement at least this, the most prevalent value at least this share,
# and AC1 at least this much above alpha (or alpha below the threshold).
PARADOX_MIN_AGREEMENT = 0.80
PARADOX_MIN_SHARE = 0.60
PARADOX_MIN_GAP = 0.10
# poor-category: nominal codes with 3+ values; a value with at least this many pairable values
# whose category-vs-rest alpha is below the threshold and this much below the code's alpha
# (when every value is as poor as the code, the code is the problem: poor-code).
POOR_CATEGORY_MIN_VALUES = 10
POOR_CATEGORY_MARGIN = 0.10
# few-pairable-units: fewer pairable units than this is too few whatever the minimum says.
FEW_UNITS = 30
# wide-interval: an alpha interval wider than this cannot support a conclusion.
WIDE_INTERVAL = 0.20

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
KINDS = (
    "alpha-undefined",
    "coder-drags-alpha",
    "coder-bias",
    "confused-categories",
    "poor-code",
    "poor-category",
    "wide-disagreements",
    "kappa-paradox",
    "few-pairable-units",
    "wide-interval",
    "unused-values",
)
# Findings that say *why* a code disagrees; without any of them a failing code is a poor-code.
_EXPLAINING = frozenset(
    {
        "coder-drags-alpha",
        "coder-bias",
        "confused-categories",
        "poor-category",
        "wide-disagreements",
        "kappa-paradox",
    }
)


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: Severity
    message: str
    remedy: str
    evidence: Mapping[str, EvidenceValue]
    score: float = 0.0  # orders findings of one severity and kind (larger first)
    rank: int = 0  # 1 = most important, set by :func:`rank_findings`


@dataclass(frozen=True)
class Inputs:
    """Everything the rules read for one code."""

    view: CodeView
    rel: CodeReliability
    picture: Disagreement | None
    categories: Sequence[CategoryAgreement]
    attributed: Sequence[CoderBias]
    leave_one_out: Sequence[LeaveOneOut]
    pairs: Sequence[PairAgreement]
    artefacts: Artefacts


def f3(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def is_biased(b: CoderBias) -> bool:
    """The coder-bias rule: a clear and not tiny shift against the other coders."""
    s = b.main
    if s is None or s.t is None or abs(s.t) < BIAS_MIN_T:
        return False
    if s.effect is not None:
        return abs(s.effect) >= BIAS_MIN_EFFECT
    return b.scale is None and abs(s.difference) >= BIAS_MIN_SHARE


def code_findings(i: Inputs) -> tuple[Finding, ...]:
    found: list[Finding] = []
    found += _undefined(i)
    found += _coder_bias(i)
    found += _drags(i)
    found += _confused(i)
    found += _poor_categories(i)
    found += _wide(i)
    found += _paradox(i)
    found += _few_units(i)
    found += _wide_interval(i)
    found += _unused(i)
    if i.rel.status == "fail" and not any(f.kind in _EXPLAINING for f in found):
        found += _poor_code(i)
    return rank_findings(found)


def rank_findings(found: Sequence[Finding]) -> tuple[Finding, ...]:
    ordered = sorted(
        found, key=lambda f: (_SEVERITY_ORDER[f.severity], KINDS.index(f.kind), -f.score)
    )
    return tuple(replace(f, rank=n) for n, f in enumerate(ordered, start=1))


def _undefined(i: Inputs) -> list[Finding]:
    if i.rel.status != "undefined":
        return []
    reason = i.rel.reason
    x = i.view.x
    pairable = x[(~np.isnan(x)).sum(axis=1) >= 2]
    if len(i.view.coders) < 2 or pairable.size == 0:
        remedy = "have a second coder rate (a sample of) the same units"
    elif np.unique(pairable[~np.isnan(pairable)]).size == 1:
        remedy = (
            "double-code units where the code takes different values (sample sessions "
            "where it varies); agreement on a constant says nothing about reliability"
        )
    else:
        remedy = "double-code more units so that the code can be compared"
    return [
        Finding(
            "alpha-undefined",
            "high",
            f"alpha is undefined: {reason}",
            remedy,
            {"reason": reason, "pairable_units": i.rel.pairable_units},
            1.0,
        )
    ]


def _scale_word(i: Inputs) -> str:
    return "mean rank" if i.view.position_kind == "rank" else "mean"


def _coder_bias(i: Inputs) -> list[Finding]:
    out = []
    code = i.view.code.id
    for b in i.attributed:
        s = b.main
        assert s is not None
        mutual = b.compared_count == 1
        others = b.compared_with[0] if mutual else "the other coders"
        evidence: dict[str, EvidenceValue] = {
            "coder": b.coder,
            **compared_with(b, i.view.coders),
            "shared_units": s.units,
            "value": None,
            "mean": s.mean,
            "others_mean": s.others_mean,
            "difference": s.difference,
            "t": s.t,
            "effect": s.effect,
        }
        if b.scale is not None:
            direction = "higher" if s.difference > 0 else "lower"
            message = (
                f"coder {b.coder} rates {code} {direction} than {others}: "
                f"{_scale_word(i)} {s.mean:.2f} vs {s.others_mean:.2f} on {s.units} shared units "
                f"(difference {s.difference:+.2f}, t = {s.t:.1f})"
            )
            remedy = (
                f"recalibrate {b.coder} on the anchors of the scale: review the disagreeing "
                "units below together, then double-code a fresh batch"
            )
            severity: Severity = "high" if abs(s.effect or 0.0) >= 2 * BIAS_MIN_EFFECT else "medium"
            score = abs(s.effect or 0.0)
        else:
            cat = b.categories[0]
            evidence["value"] = cat.value
            direction = "more" if s.difference > 0 else "less"
            message = (
                f"coder {b.coder} uses {cat.value} {direction} often than {others}: "
                f"{pct(s.mean)} vs {pct(s.others_mean)} of {s.units} shared units "
                f"(t = {s.t:.1f})"
            )
            remedy = (
                f"review with {b.coder} when {cat.value} applies and when it does not "
                "(the definition's when-to-use and when-not-to-use), on the disagreeing units"
            )
            severity = "high" if abs(s.difference) >= 3 * BIAS_MIN_SHARE else "medium"
            score = abs(s.difference)
        if mutual:
            message += "; with two coders the data cannot say which of them is off"
            remedy = "recalibrate both coders against expert-coded units to find who is off"
        out.append(Finding("coder-bias", severity, message, remedy, evidence, score))
    return out


def _drags(i: Inputs) -> list[Finding]:
    a = i.rel.alpha.value
    thr = i.rel.threshold
    if a is None:
        return []
    out = []
    for loo in i.leave_one_out:
        b = loo.alpha.value
        if b is None or loo.change is None or loo.alpha.units_used < DRAG_MIN_UNITS:
            continue
        crosses = a < thr <= b
        if not (loo.change >= DRAG_MIN_GAIN or (crosses and loo.change >= DRAG_MIN_GAIN_CROSSING)):
            continue
        message = (
            f"without coder {loo.coder}, alpha rises from {f3(a)} to {f3(b)} "
            f"({loo.alpha.units_used} pairable units remain)"
        )
        if crosses:
            message += f" and reaches the threshold {f3(thr)}"
        out.append(
            Finding(
                "coder-drags-alpha",
                "high",
                message,
                f"retrain or recalibrate {loo.coder} before their codings are used; the coder "
                "table shows how their values differ",
                {
                    "coder": loo.coder,
                    "alpha": a,
                    "alpha_without": b,
                    "change": loo.change,
                    "pairable_units_without": loo.alpha.units_used,
                    "threshold": thr,
                    "reaches_threshold": crosses,
                },
                loo.change,
            )
        )
    return out


def _lift(p: ConfusedPair) -> float | None:
    return p.share / p.expected_share if p.expected_share > 0 else None


def _confused(i: Inputs) -> list[Finding]:
    if i.picture is None or i.view.k < 3:
        return []
    out = []
    for p in i.picture.pairs:
        lift = _lift(p)
        if (
            p.share < CONFUSED_MIN_SHARE
            or p.coder_pairs < CONFUSED_MIN_PAIRS
            or (lift is not None and lift < CONFUSED_MIN_LIFT)
        ):
            continue
        v1, v2 = i.view.labels[p.first], i.view.labels[p.second]
        lift_text = "" if lift is None else f", {lift:.1f} times what chance pairing would give"
        out.append(
            Finding(
                "confused-categories",
                "high" if p.share >= 0.4 else "medium",
                f"{v1} and {v2} are confused: {pct(p.share)} of all disagreement "
                f"({p.coder_pairs} coder pairs){lift_text}",
                f"sharpen the definitions of {v1} and {v2} with a decision rule and contrasting "
                "examples; if coders still cannot tell them apart, merge them",
                {
                    "values": [v1, v2],
                    "share": p.share,
                    "expected_share": p.expected_share,
                    "coder_pairs": p.coder_pairs,
                    "coincidences": p.coincidences,
                    "steps": p.steps,
                },
                p.share,
            )
        )
    return out


def _partner(i: Inputs, c: int) -> str | None:
    """The value most often paired with value ``c`` in a disagreement."""
    if i.picture is None:
        return None
    for p in i.picture.pairs:
        if c in (p.first, p.second):
            return i.view.labels[p.second if p.first == c else p.first]
    return None


def _poor_categories(i: Inputs) -> list[Finding]:
    # On an ordered scale middle values always meet their neighbours; see wide-disagreements.
    if i.view.ordered or i.view.k < 3:
        return []
    thr = i.rel.threshold
    overall = i.rel.alpha.value
    if overall is None:
        return []
    out = []
    for c in i.categories:
        a = c.alpha.value
        if (
            a is None
            or a >= thr
            or a > overall - POOR_CATEGORY_MARGIN
            or c.pairable_values < POOR_CATEGORY_MIN_VALUES
        ):
            continue
        partner = _partner(i, c.index)
        spec = c.specific_agreement
        message = (
            f"{c.value} agrees poorly: category-vs-rest alpha {f3(a)} < {f3(thr)} "
            f"(the code: {f3(overall)})"
        )
        if spec is not None:
            message += f"; when a coder says {c.value}, another says so too {pct(spec)} of the time"
        if partner is not None:
            message += f" (most often confused with {partner})"
        out.append(
            Finding(
                "poor-category",
                "medium",
                message,
                f"sharpen the definition of {c.value} (when to use, when not to, examples)"
                + (f"; consider merging it with {partner}" if partner else "")
                + " or splitting it if it covers two things",
                {
                    "value": c.value,
                    "alpha": a,
                    "code_alpha": overall,
                    "threshold": thr,
                    "specific_agreement": spec,
                    "pairable_values": c.pairable_values,
                    "confused_with": partner,
                },
                thr - a,
            )
        )
    return out


def _wide(i: Inputs) -> list[Finding]:
    spread = None if i.picture is None else i.picture.spread
    if spread is None or spread.wide_share < WIDE_MIN_SHARE:
        return []
    return [
        Finding(
            "wide-disagreements",
            "medium",
            f"{pct(spread.wide_share)} of the disagreement on {i.view.code.id} is two or more "
            f"steps apart (mean {spread.mean_steps:.1f} steps, up to {spread.max_steps:.0f})",
            "coders read the anchors differently, not just the boundaries between neighbouring "
            "values: recalibrate on anchor examples and check that nobody reverses the scale",
            {
                "wide_share": spread.wide_share,
                "adjacent_share": spread.adjacent_share,
                "mean_steps": spread.mean_steps,
                "max_steps": spread.max_steps,
            },
            spread.wide_share,
        )
    ]


def _paradox(i: Inputs) -> list[Finding]:
    art = i.artefacts
    prev = art.prevalence
    pa, a, ac1 = art.percent_agreement, art.alpha, art.ac1
    if prev is None or pa is None or a is None or ac1 is None:
        return []
    if pa < PARADOX_MIN_AGREEMENT or prev.share < PARADOX_MIN_SHARE:
        return []
    fails = a < i.rel.threshold
    if not (ac1 - a >= PARADOX_MIN_GAP or fails):
        return []
    pi = prev.prevalence_index
    message = (
        f"{pct(pa)} agreement but alpha {f3(a)} (kappa {f3(art.kappa)}): {pct(prev.share)} of "
        f"the values are {prev.value}"
        + ("" if pi is None else f" (prevalence index {pi:.2f})")
        + f", so chance agreement is high (the kappa paradox); AC1 {f3(ac1)} and "
        f"PABAK {f3(art.pabak)} depend less on prevalence"
    )
    return [
        Finding(
            "kappa-paradox",
            "medium" if fails else "low",
            message,
            "report agreement, AC1/PABAK and the prevalence index beside alpha; to test the code "
            f"on its rarer values, double-code more units where they occur (not {prev.value})",
            {
                "percent_agreement": pa,
                "alpha": a,
                "kappa": art.kappa,
                "kappa_kind": art.kappa_kind,
                "ac1": ac1,
                "pabak": art.pabak,
                "most_prevalent": prev.value,
                "share": prev.share,
                "prevalence_index": pi,
                "bias_index": prev.bias_index,
            },
            ac1 - a,
        )
    ]


def _few_units(i: Inputs) -> list[Finding]:
    art = i.artefacts
    n = art.pairable_units
    minimum = art.minimum_units
    if n == 0 or (n >= FEW_UNITS and (minimum is None or n >= minimum)):
        return []
    parts = []
    if n < FEW_UNITS:
        parts.append(f"fewer than {FEW_UNITS}")
    if minimum is not None and n < minimum and art.smallest_share is not None:
        parts.append(
            f"Krippendorff's minimum for alpha >= {f3(i.rel.threshold)} with the rarest value "
            f"at {pct(art.smallest_share)} is {minimum}"
        )
    target = max(FEW_UNITS, minimum or 0)
    return [
        Finding(
            "few-pairable-units",
            "high" if n < FEW_UNITS else "medium",
            f"only {n} pairable units: " + "; ".join(parts),
            f"double-code more units (at least {target} pairable units) before drawing conclusions",
            {
                "pairable_units": n,
                "minimum_units": minimum,
                "rule_of_thumb": FEW_UNITS,
                "smallest_share": art.smallest_share,
                "threshold": i.rel.threshold,
            },
            float(target - n),
        )
    ]


def _wide_interval(i: Inputs) -> list[Finding]:
    art = i.artefacts
    if art.ci is None or art.ci_width is None:
        return []
    straddles = bool(art.ci_straddles_threshold)
    wide = art.ci_width > WIDE_INTERVAL
    if not (wide or straddles):
        return []
    lo, hi = art.ci
    thr = i.rel.threshold
    what = []
    if wide:
        what.append(f"is {art.ci_width:.2f} wide")
    if straddles:
        what.append(f"includes the threshold {f3(thr)}")
    return [
        Finding(
            "wide-interval",
            "medium" if straddles else "low",
            f"alpha's interval [{lo:.3f}, {hi:.3f}] "
            + " and ".join(what)
            + ": the data cannot settle whether the code is reliable enough",
            "double-code more units to narrow the interval before reporting the code as reliable "
            "(or as not)",
            {
                "ci_low": lo,
                "ci_high": hi,
                "width": art.ci_width,
                "threshold": thr,
                "straddles_threshold": straddles,
                "q_below_threshold": art.q_below_threshold,
            },
            art.ci_width,
        )
    ]


def _unused(i: Inputs) -> list[Finding]:
    unused = i.artefacts.unused_values
    if not unused or i.rel.status == "undefined":
        return []
    return [
        Finding(
            "unused-values",
            "low",
            f"declared value(s) never used by any coder: {', '.join(unused)}",
            "check whether the anchors make them reachable; drop or merge values nobody uses "
            "(they still count in the chance terms of PABAK and AC1), or sample units where "
            "they occur",
            {"values": list(unused), "declared": len(i.view.labels)},
            float(len(unused)),
        )
    ]


def _poor_code(i: Inputs) -> list[Finding]:
    a = i.rel.alpha.value
    thr = i.rel.threshold
    spread = None if i.picture is None else i.picture.spread
    message = (
        f"alpha {f3(a)} < {f3(thr)} and no single coder or pair of values accounts for it: "
        "the disagreement is spread over coders and values"
    )
    pair_alphas = [p.alpha.value for p in i.pairs if p.alpha.value is not None]
    if len(pair_alphas) > 1:
        message += f" (pairwise alpha {f3(min(pair_alphas))} to {f3(max(pair_alphas))})"
    if spread is not None:
        message += f"; {pct(spread.adjacent_share)} of it is between neighbouring values"
    return [
        Finding(
            "poor-code",
            "high",
            message,
            "sharpen the definition and its decision rules (what counts, where the boundaries "
            "between values lie, with examples), retrain all coders together and double-code "
            "a fresh sample",
            {
                "alpha": a,
                "threshold": thr,
                "percent_agreement": i.artefacts.percent_agreement,
                "adjacent_share": None if spread is None else spread.adjacent_share,
                "pair_alpha_min": min(pair_alphas) if pair_alphas else None,
                "pair_alpha_max": max(pair_alphas) if pair_alphas else None,
            },
            thr - (a or 0.0),
        )
    ]
