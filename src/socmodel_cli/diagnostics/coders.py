"""Who disagrees: each coder against the others, every pair of coders, and alpha without
each coder.

Systematic bias is measured on *shared* units (units the coder rated together with at
least one other coder). For every shared unit u, d_u = the coder's value minus the mean
of the other coders' values in u, on the code's scale (declared values, or ranks 1..k for
ordinal codes with text values). The coder's bias is mean(d), with a paired t statistic
t = mean(d) / (sd(d) / sqrt(n)) and a standardised size mean(d) / sd(pooled pairable
values). For nominal codes the same is done per category with d_u = [coder gave c] -
(share of the others who gave c): the bias is the category with the largest |t|.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# pair_agreement lives in pairwise.py; re-exported here where it used to be.
from socmodel_cli.diagnostics.leave_out import leave_one_out_alphas
from socmodel_cli.diagnostics.pairwise import PairAgreement, pair_agreement
from socmodel_cli.diagnostics.scale import CodeView
from socmodel_cli.diagnostics.shifts import (
    CategoryShift,
    Shift,
    category_shifts,
    scale_shifts,
    shared_units,
)
from socmodel_cli.stats import Estimate

__all__ = [
    "CategoryShift",
    "CoderBias",
    "LeaveOneOut",
    "PairAgreement",
    "Shift",
    "attribute_bias",
    "coder_bias",
    "coder_biases",
    "compared_with",
    "leave_one_out",
    "pair_agreement",
]


@dataclass(frozen=True)
class CoderBias:
    coder: str
    units: int  # units the coder rated
    shared_units: int  # of them, also rated by another coder (in the compared set)
    active: tuple[str, ...]  # the coders in the comparison, this one included (shared)
    scale: Shift | None  # ordered codes
    categories: tuple[CategoryShift, ...]  # nominal codes (ordered by |t|, largest first)

    @property
    def compared_with(self) -> tuple[str, ...]:
        """The coders this one is compared with (built on demand: q names for each of q)."""
        return tuple(name for name in self.active if name != self.coder)

    @property
    def compared_count(self) -> int:
        return len(self.active) - 1

    @property
    def main(self) -> Shift | None:
        """The shift that sums the bias up: the scale, or the most shifted category."""
        if self.scale is not None:
            return self.scale
        return self.categories[0].shift if self.categories else None


@dataclass(frozen=True)
class LeaveOneOut:
    coder: str
    alpha: Estimate  # alpha of the code without this coder's ratings
    change: float | None  # alpha without - alpha with everyone


# Names listed in a bias entry's ``compared_with``; beyond this the list would make the
# output quadratic in coders (1,000 coders: a million names per code), so only the count
# and the code's coders left out of the comparison are given.
MAX_LISTED_COMPARED = 50


def compared_with(b: CoderBias, coders: Sequence[str]) -> dict[str, list[str] | int | None]:
    """The JSON keys naming whom ``b`` was compared with (docs/diagnostics.md)."""
    # b.active is a subset of the code's coders: all of them unless bias was attributed.
    inside = set(b.active) if len(b.active) < len(coders) else None
    return {
        "compared_with": list(b.compared_with) if b.compared_count <= MAX_LISTED_COMPARED else None,
        "compared_with_count": b.compared_count,
        "not_compared_with": [] if inside is None else [n for n in coders if n not in inside],
    }


def coder_bias(view: CodeView, coder: int, others: Sequence[int]) -> CoderBias:
    """One coder against the pooled ``others`` (column indices) on the units they share."""
    return _biases(view, [coder, *others])[0]


def coder_biases(view: CodeView) -> tuple[CoderBias, ...]:
    """Every coder against all the others."""
    return tuple(_biases(view, range(len(view.coders))))


def _biases(view: CodeView, active: Sequence[int]) -> list[CoderBias]:
    """Each coder in ``active`` against the other active coders, computed together."""
    active = list(active)
    shared = shared_units(view, active)
    if view.ordered:
        scales = scale_shifts(view, active)
    else:
        categories = category_shifts(view, active)
    rated = np.bincount(view.ratings.coder, minlength=len(view.coders))
    names = view.coders
    active_names = tuple(names[c] for c in sorted(active))  # column order, however given
    out = []
    for c in active:
        out.append(
            CoderBias(
                coder=names[c],
                units=int(rated[c]),
                shared_units=shared[c],
                active=active_names,
                scale=scales[c] if view.ordered else None,
                categories=() if view.ordered else categories[c],
            )
        )
    return out


def leave_one_out(view: CodeView, alpha_all: Estimate) -> tuple[LeaveOneOut, ...]:
    """Alpha of the code with each coder's ratings left out in turn.

    Computed for all coders at once from per-unit sufficient statistics
    (:mod:`socmodel_cli.diagnostics.leave_out`); equal to ``stats.alpha`` of the matrix
    without the coder's column.
    """
    n = len(view.coders)
    if n < 3:
        alphas = [Estimate(value=None, reason="fewer than two coders would remain")] * n
    else:
        alphas = leave_one_out_alphas(view)
    out = []
    for name, est in zip(view.coders, alphas, strict=True):
        change = (
            est.value - alpha_all.value
            if est.value is not None and alpha_all.value is not None
            else None
        )
        out.append(LeaveOneOut(coder=name, alpha=est, change=change))
    return tuple(out)


def attribute_bias(view: CodeView, is_biased: Callable[[CoderBias], bool]) -> tuple[CoderBias, ...]:
    """The coders whose bias explains the differences, one at a time.

    Against the pooled others, one biased coder makes everyone else look biased the other
    way (alice looks low next to a chloe who rates high). So the most shifted coder that
    ``is_biased`` is taken, left out, and the rest compared again. With two coders left
    the difference is mutual and reported once. Each round compares every remaining coder
    at once (O(ratings x coders per unit)).
    """
    active = list(range(len(view.coders)))
    found: list[CoderBias] = []
    while len(active) >= 2:
        candidates = [b for b in _biases(view, active) if is_biased(b)]
        if not candidates:
            break
        worst = max(candidates, key=_magnitude)
        found.append(worst)
        if len(active) == 2:
            break
        active.remove(view.coders.index(worst.coder))
    return tuple(found)


def _magnitude(b: CoderBias) -> float:
    s = b.main
    if s is None:
        return 0.0
    return abs(s.effect) if s.effect is not None else abs(s.difference)
