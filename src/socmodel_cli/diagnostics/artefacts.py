"""Is it an artefact: the numbers that tell a coding problem from a property of the sample.

* Prevalence and bias (Byrt, Bishop & Carlin 1993): the most prevalent value's share of
  the pairable values and its category-vs-rest prevalence and bias indices (for a binary
  code these are Byrt's PI and BI; see :mod:`socmodel_cli.diagnostics.categories`).
* The coefficients that react differently to prevalence, side by side: percent agreement,
  alpha, unweighted kappa (Cohen's for two coders, Fleiss' otherwise), Gwet's AC1 and
  PABAK (= Brennan-Prediger, chance = 1/q).
* Declared values nobody used (they still count in PABAK's and AC1's chance terms).
* Sample size: pairable units against Krippendorff's minimum (Krippendorff 2004, sec.
  11.4.4, after Bloch & Kraemer 1989, eq. 3.7) for the code's threshold at p = .05:

      N = 2 z^2 [ (1 + a)(3 - a) / (4 (1 - a) p_c (1 - p_c)) - a ],  z = 1.645

  with a the threshold and p_c the share of the least frequent value used. It is given
  for codes with declared values; it assumes two coders.
* The width of alpha's bootstrap interval and whether it straddles the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from socmodel_cli.code_reliability import CodeReliability
from socmodel_cli.diagnostics.categories import CategoryAgreement
from socmodel_cli.diagnostics.scale import CodeView
from socmodel_cli.sample_size import krippendorff_min_units

KappaKind = Literal["cohen", "fleiss"]


@dataclass(frozen=True)
class Prevalence:
    value: str  # the most prevalent value
    share: float  # its share of the pairable values
    prevalence_index: float | None
    bias_index: float | None
    bias_pair: tuple[str, str] | None


@dataclass(frozen=True)
class Artefacts:
    percent_agreement: float | None
    alpha: float | None
    kappa: float | None
    kappa_kind: KappaKind
    ac1: float | None
    pabak: float | None
    prevalence: Prevalence | None  # codes with categories
    unused_values: tuple[str, ...] | None  # None: the code declares no values
    pairable_units: int
    minimum_units: int | None  # Krippendorff's minimum; None when not applicable
    smallest_share: float | None  # p_c used for the minimum
    ci: tuple[float, float] | None
    ci_width: float | None
    ci_straddles_threshold: bool | None
    q_below_threshold: float | None


def minimum_units(threshold: float, smallest_share: float) -> int | None:
    """Krippendorff's (2004) minimum number of units (two coders) for ``alpha >= threshold``."""
    if not 0.0 < smallest_share < 1.0 or threshold >= 1.0:
        return None
    return krippendorff_min_units(threshold, smallest_share)


def _value(rel: CodeReliability, key: str) -> float | None:
    e = rel.estimate(key)
    return None if e is None else e.value


def artefacts(
    view: CodeView, rel: CodeReliability, categories: Sequence[CategoryAgreement]
) -> Artefacts:
    two = len(rel.coders) == 2
    cohen = rel.estimate("cohen_kappa")
    kappa = cohen if two and cohen is not None else rel.estimate("fleiss_kappa")
    assert kappa is not None
    prevalence: Prevalence | None = None
    smallest: float | None = None
    used = [c for c in categories if c.pairable_values > 0 and c.share is not None]
    if used:
        top = max(used, key=lambda c: (c.pairable_values, -c.index))
        assert top.share is not None
        prevalence = Prevalence(
            value=top.value,
            share=top.share,
            prevalence_index=top.prevalence_index,
            bias_index=top.bias_index,
            bias_pair=top.bias_pair,
        )
        if len(used) >= 2 and view.declared:
            smallest = min(c.share for c in used if c.share is not None)
    ci = rel.alpha_ci
    boot = rel.bootstrap
    return Artefacts(
        percent_agreement=_value(rel, "percent_agreement"),
        alpha=rel.alpha.value,
        kappa=kappa.value,
        kappa_kind="cohen" if two and cohen is not None else "fleiss",
        ac1=_value(rel, "ac1"),
        pabak=_value(rel, "brennan_prediger"),
        prevalence=prevalence,
        unused_values=tuple(c.value for c in categories if c.ratings == 0)
        if view.declared
        else None,
        pairable_units=rel.pairable_units,
        minimum_units=None if smallest is None else minimum_units(rel.threshold, smallest),
        smallest_share=smallest,
        ci=ci,
        ci_width=None if ci is None else ci[1] - ci[0],
        ci_straddles_threshold=None if ci is None else ci[0] < rel.threshold <= ci[1],
        q_below_threshold=None if boot is None else boot.q_below_threshold,
    )
