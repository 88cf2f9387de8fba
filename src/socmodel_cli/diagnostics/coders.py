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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

# pair_agreement lives in pairwise.py; re-exported here where it used to be.
from socmodel_cli.diagnostics.leave_out import leave_one_out_alphas
from socmodel_cli.diagnostics.pairwise import PairAgreement, pair_agreement
from socmodel_cli.diagnostics.scale import CodeView, FloatArray
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
    "leave_one_out",
    "pair_agreement",
]


@dataclass(frozen=True)
class Shift:
    """A paired comparison of one coder with the pooled others on shared units."""

    units: int
    mean: float  # the coder's mean (or share of the category)
    others_mean: float  # the others' mean on the same units
    difference: float
    t: float | None  # None when the differences do not vary (or n < 2)
    effect: float | None  # difference / sd of the pooled pairable values (ordered codes)


@dataclass(frozen=True)
class CategoryShift:
    index: int
    value: str
    shift: Shift


@dataclass(frozen=True)
class CoderBias:
    coder: str
    units: int  # units the coder rated
    shared_units: int  # of them, also rated by another coder (in the compared set)
    compared_with: tuple[str, ...]
    scale: Shift | None  # ordered codes
    categories: tuple[CategoryShift, ...]  # nominal codes (ordered by |t|, largest first)

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


def _shift(d: FloatArray, mine: FloatArray, theirs: FloatArray, scale_sd: float | None) -> Shift:
    n = int(d.size)
    diff = float(d.mean())
    sd = float(d.std(ddof=1)) if n >= 2 else 0.0
    t = diff / (sd / math.sqrt(n)) if sd > 0 else None
    return Shift(
        units=n,
        mean=float(mine.mean()),
        others_mean=float(theirs.mean()),
        difference=diff,
        t=t,
        effect=diff / scale_sd if scale_sd else None,
    )


def coder_bias(view: CodeView, coder: int, others: Sequence[int]) -> CoderBias:
    """One coder against the pooled ``others`` (column indices) on the units they share."""
    numbers = view.numbers
    mine_all = numbers[:, coder]
    theirs = numbers[:, list(others)]
    has_others = (~np.isnan(theirs)).any(axis=1) if len(others) else np.zeros(len(mine_all), bool)
    shared = ~np.isnan(mine_all) & has_others
    mine = mine_all[shared]
    base = _result(view, coder, others, int(shared.sum()))
    if mine.size == 0:
        return base
    if view.ordered:
        theirs_mean = np.nanmean(theirs[shared], axis=1)
        pooled = np.concatenate([mine, theirs[shared][~np.isnan(theirs[shared])]])
        sd = float(pooled.std(ddof=1)) if pooled.size >= 2 else 0.0
        return _with(base, scale=_shift(mine - theirs_mean, mine, theirs_mean, sd or None))
    assert view.cats is not None
    cats_mine = view.cats[shared, coder]
    cats_theirs = view.cats[shared][:, list(others)]
    rated = (cats_theirs >= 0).sum(axis=1)
    shifts = []
    for c in range(view.k):
        own = (cats_mine == c).astype(np.float64)
        share = (cats_theirs == c).sum(axis=1) / rated
        shifts.append(CategoryShift(c, view.labels[c], _shift(own - share, own, share, None)))
    shifts.sort(key=lambda s: (-abs(s.shift.t or 0.0), -abs(s.shift.difference), s.index))
    return _with(base, categories=tuple(shifts))


def _result(view: CodeView, coder: int, others: Sequence[int], shared: int) -> CoderBias:
    return CoderBias(
        coder=view.coders[coder],
        units=int((~np.isnan(view.x[:, coder])).sum()),
        shared_units=shared,
        compared_with=tuple(view.coders[o] for o in others),
        scale=None,
        categories=(),
    )


def _with(
    b: CoderBias, *, scale: Shift | None = None, categories: tuple[CategoryShift, ...] = ()
) -> CoderBias:
    return replace(b, scale=scale, categories=categories)


def coder_biases(view: CodeView) -> tuple[CoderBias, ...]:
    """Every coder against all the others."""
    n = len(view.coders)
    return tuple(coder_bias(view, c, [o for o in range(n) if o != c]) for c in range(n))


def _categories(view: CodeView) -> tuple[int | None, FloatArray | None]:
    if view.code.categorical:
        return view.k, None
    if view.code.values:
        return None, view.positions
    return None, None


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
    the difference is mutual and reported once.
    """
    active = list(range(len(view.coders)))
    found: list[CoderBias] = []
    while len(active) >= 2:
        candidates = [
            b for c in active if is_biased(b := coder_bias(view, c, [o for o in active if o != c]))
        ]
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
