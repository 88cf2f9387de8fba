"""The coefficient registry: every coefficient socmodel reports, in one table.

Each entry says what the coefficient is (key, names, definition, reference), when it applies
(levels of measurement, number of coders, whether it needs a finite set of values) and how it
is computed from one code's ratings at a given confidence. The result of a code holds its
estimates by key, and every renderer (text, JSON, CSV, Markdown) iterates this table, so adding
a coefficient is one stats function and one entry here.

Confidence reaches every coefficient through :class:`CodeData` alone: nothing computes an
interval at a level of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from socmodel_cli import stats
from socmodel_cli.scheme.model import Code
from socmodel_cli.stats import Estimate

# "any": computed whatever the number of coders (undefined, with its reason, below two).
Coders = Literal["any", "two", "three+"]
ALL_LEVELS = frozenset({"nominal", "ordinal", "interval", "ratio"})
ORDERED = frozenset({"ordinal", "interval", "ratio"})


@dataclass(frozen=True)
class CodeData:
    """One code's ratings as every coefficient receives them."""

    code: Code
    x: npt.NDArray[np.float64]  # units x coders, NaN = not coded
    confidence: float

    @property
    def n_coders(self) -> int:
        return int(self.x.shape[1])

    @property
    def k(self) -> int | None:
        """Declared categories of a nominal/ordinal code."""
        return len(self.code.values or ()) if self.code.categorical else None

    @property
    def categories(self) -> npt.NDArray[np.float64] | None:
        """Sorted declared values of an interval/ratio code with a finite value set."""
        if self.code.categorical or not self.code.values:
            return None
        return np.array(sorted(float(v) for v in self.code.declared), dtype=np.float64)

    @property
    def has_categories(self) -> bool:
        return self.code.categorical or bool(self.code.values)


@dataclass(frozen=True)
class Coefficient:
    key: str  # JSON/CSV key; stable
    name: str  # full name for people
    short: str  # column heading in tables
    definition: str  # one line, printed in the JSON `definitions`
    reference: str
    levels: frozenset[str]
    coders: Coders
    needs_categories: bool  # kappa-type: undefined (with the reason) without declared values
    compute: Callable[[CodeData], Estimate]

    def applies(self, data: CodeData) -> bool:
        if data.code.level not in self.levels:
            return False
        n = data.n_coders
        if self.coders == "two":
            return n == 2
        if self.coders == "three+":
            return n > 2
        return True

    def where(self) -> str:
        """When it applies, in words (for docs and help)."""
        coders = {
            "any": "two or more coders",
            "two": "exactly two coders",
            "three+": "three or more coders",
        }
        levels = "all levels" if self.levels == ALL_LEVELS else ", ".join(sorted(self.levels))
        values = "; declared values" if self.needs_categories else ""
        return f"{levels}; {coders[self.coders]}{values}"


def _cat(
    fn: Callable[..., Estimate], *, confidence: bool = True, **extra: str
) -> Callable[[CodeData], Estimate]:
    """A kappa-type coefficient called with the code's categories (and the confidence)."""

    def compute(d: CodeData) -> Estimate:
        kwargs: dict[str, object] = dict(extra)
        if confidence:
            kwargs["confidence"] = d.confidence
        return fn(d.x, d.code.level, d.k, categories=d.categories, **kwargs)

    return compute


def _alpha(d: CodeData) -> Estimate:
    return stats.alpha(d.x, d.code.level, d.k)


def _agreement(d: CodeData) -> Estimate:
    return stats.percent_agreement(d.x)


COEFFICIENTS: tuple[Coefficient, ...] = (
    Coefficient(
        "alpha",
        "Krippendorff's alpha",
        "alpha",
        "Krippendorff's alpha at the code's level; pairable values (units rated by 2+ coders)",
        "Krippendorff 2011; Hayes & Krippendorff 2007",
        ALL_LEVELS,
        "any",
        False,
        _alpha,
    ),
    Coefficient(
        "percent_agreement",
        "percent agreement",
        "agree",
        "mean over coder pairs of the share of jointly rated units with equal values",
        "ReCal's average pairwise percent agreement",
        ALL_LEVELS,
        "any",
        False,
        _agreement,
    ),
    Coefficient(
        "cohen_kappa",
        "Cohen's kappa",
        "kappa",
        "Cohen's kappa; exactly two coders; units both rated",
        "Cohen 1960; SE: Fleiss, Cohen & Everitt 1969",
        ALL_LEVELS,
        "two",
        True,
        _cat(stats.cohen_kappa),
    ),
    Coefficient(
        "weighted_kappa_linear",
        "Cohen's weighted kappa (linear)",
        "kappa_w lin",
        "Cohen's weighted kappa, linear weights over the declared values",
        "Cohen 1968",
        ORDERED,
        "two",
        True,
        _cat(stats.weighted_kappa, weights="linear"),
    ),
    Coefficient(
        "weighted_kappa_quadratic",
        "Cohen's weighted kappa (quadratic)",
        "kappa_w quad",
        "Cohen's weighted kappa, quadratic weights over the declared values",
        "Cohen 1968; Fleiss & Cohen 1973",
        ORDERED,
        "two",
        True,
        _cat(stats.weighted_kappa, weights="quadratic"),
    ),
    Coefficient(
        "fleiss_kappa",
        "Fleiss' kappa",
        "Fleiss",
        "Fleiss' kappa generalised to varying numbers of coders per unit",
        "Fleiss 1971; Gwet 2014",
        ALL_LEVELS,
        "any",
        True,
        _cat(stats.fleiss_kappa),
    ),
    Coefficient(
        "light_kappa",
        "Light's kappa",
        "Light",
        "Light's kappa: mean of pairwise Cohen's kappas (more than two coders)",
        "Light 1971",
        ALL_LEVELS,
        "three+",
        True,
        _cat(stats.light_kappa, confidence=False),
    ),
    Coefficient(
        "scott_pi",
        "Scott's pi",
        "pi",
        "Scott's pi; exactly two coders",
        "Scott 1955",
        ALL_LEVELS,
        "two",
        True,
        _cat(stats.scott_pi, confidence=False),
    ),
    Coefficient(
        "brennan_prediger",
        "Brennan-Prediger",
        "BP",
        "Brennan-Prediger kappa (chance = 1/number of declared values)",
        "Brennan & Prediger 1981",
        ALL_LEVELS,
        "any",
        True,
        _cat(stats.brennan_prediger),
    ),
    Coefficient(
        "ac1",
        "Gwet's AC1",
        "AC1",
        "Gwet's AC1",
        "Gwet 2008",
        ALL_LEVELS,
        "any",
        True,
        _cat(stats.gwet_ac1),
    ),
    Coefficient(
        "ac2",
        "Gwet's AC2 (quadratic)",
        "AC2",
        "Gwet's AC2, quadratic weights over the declared values (ordered codes)",
        "Gwet 2014",
        ORDERED,
        "any",
        True,
        _cat(stats.gwet_ac2),
    ),
)

BY_KEY: dict[str, Coefficient] = {c.key: c for c in COEFFICIENTS}


def compute_all(data: CodeData) -> dict[str, Estimate | None]:
    """Every registered coefficient for one code, by key; ``None`` where it does not apply."""
    return {c.key: c.compute(data) if c.applies(data) else None for c in COEFFICIENTS}


def applicable(data: CodeData) -> Iterator[Coefficient]:
    return (c for c in COEFFICIENTS if c.applies(data))
