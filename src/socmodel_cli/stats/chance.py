"""Many-coder chance-corrected coefficients on per-unit category counts:
Fleiss' kappa, Brennan-Prediger and Gwet's AC1/AC2 with missing ratings and any agreement
weights, and weighted Scott's pi for two coders.

Notation (Gwet 2014, the definitions irrCAC implements): n units rated at least once,
r_ik coders who put unit i in category k, r_i = sum_k r_ik, agreement weights w (identity
unless weighted; see ``weights.py`` for the families), r*_ik = sum_l w_kl r_il, q declared
categories, T_w = sum_kl w_kl.

    p_a = mean over units with r_i >= 2 of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
    pi_k = mean over all n units of r_ik / r_i     (single ratings count here)
    Fleiss:           p_e = sum_kl w_kl pi_k pi_l
    Brennan-Prediger: p_e = T_w / q^2              (1/q unweighted)
    Gwet AC1/AC2:     p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)
    coefficient = (p_a - p_e) / (1 - p_e)

Standard error: Gwet's linearisation. Each unit gets
    c_i = (n / n_2) (p_a|i - p_e [r_i >= 2]) / (1 - p_e)
    c*_i = c_i - 2 (1 - c) (p_e|i - p_e) / (1 - p_e)
with p_e|i the unit's share of chance agreement (zero adjustment for Brennan-Prediger);
var = sum_i (c*_i - c)^2 / (n (n - 1)); interval c -/+ t(n - 1) se, upper limit capped at 1;
z = c / se with a two-sided p-value from the same t distribution (as irrCAC).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from socmodel_cli.stats._checks import CategoricalView, FloatArray, IntArray, categorical_view
from socmodel_cli.stats.distributions import t_interval
from socmodel_cli.stats.estimate import (
    NOT_BOTH,
    NOT_RATED,
    SINGLE_RATING,
    Estimate,
    nonzero,
    undefined,
)
from socmodel_cli.stats.stack import code_sums
from socmodel_cli.stats.weights import WeightSpec, code_weights
from socmodel_cli.stats.ztest import z_tests

Method = Literal["fleiss", "brennan_prediger", "gwet"]

_DEGENERATE = 1e-12


def category_counts(codes: IntArray, k: int) -> FloatArray:
    """``(n_units, k)``: how many coders put each unit in each category (-1 = not coded)."""
    n_units = codes.shape[0]
    # Each cell's (unit, category) bin; cells not coded go to one extra bin, dropped.
    cells = codes + (np.arange(n_units) * k)[:, None]
    cells[codes < 0] = n_units * k
    flat = np.bincount(cells.ravel(), minlength=n_units * k + 1)[:-1]
    return flat.reshape(n_units, k).astype(np.float64)


def unit_agreement(counts: FloatArray, r_star: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Each unit's weighted pairwise agreement p_a|i and whether it has r_i >= 2 ratings,
    given r* = counts W' (:func:`weighted_counts`), which it overwrites.

    p_a|i = sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)); 0 for units with fewer than two.
    """
    r = counts.sum(axis=1)
    two = r >= 2
    pair_den = np.where(two, r * (r - 1.0), 1.0)
    terms = r_star  # overwritten in place by r_ik (r*_ik - 1): one (n, q) array, not three
    terms -= 1.0
    terms *= counts
    pa_i = np.where(two, terms.sum(axis=1) / pair_den, 0.0)
    return pa_i, two


# A code with this many units (rows of its count table) is large enough to be computed alone.
_BLAS_FROM = 4096
_ROWS_AT_ONCE = 1 << 16


def weighted_counts(tables: Sequence[FloatArray], w: FloatArray) -> FloatArray:
    """``t @ w.T`` (r*_ik = sum_l w_kl r_il) of each count table ``t``, stacked in order.

    A table of ``_BLAS_FROM`` rows or more gets BLAS's product. Smaller ones, stacked, get
    the same sums accumulated over the categories a block of rows at a time: each row is
    then summed on its own, which BLAS does not promise in a bigger product. The choice is
    by each table's own size, so a code's r* is the same to the last bit whichever codes it
    is computed with. The result is a new array, never one of ``tables``.
    """
    parts: list[FloatArray] = []
    small: list[FloatArray] = []
    for t in tables:
        if t.shape[0] < _BLAS_FROM:
            small.append(t)
            continue
        if small:
            parts.append(_accumulated(small, w))
            small = []
        parts.append(t @ w.T)
    if small:
        parts.append(_accumulated(small, w))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _accumulated(tables: Sequence[FloatArray], w: FloatArray) -> FloatArray:
    counts = tables[0] if len(tables) == 1 else np.concatenate(tables)
    if np.array_equal(w, np.eye(w.shape[0])):
        # What the sums give, exactly (and BLAS's product too): unweighted. A copy, as the
        # callers overwrite r*.
        return counts.copy() if len(tables) == 1 else counts
    out = np.empty((counts.shape[0], w.shape[0]))
    for start in range(0, counts.shape[0], _ROWS_AT_ONCE):
        block = counts[start : start + _ROWS_AT_ONCE]
        acc = block[:, :1] * w[:, 0]
        for k in range(1, w.shape[1]):
            acc += block[:, k : k + 1] * w[:, k]
        out[start : start + _ROWS_AT_ONCE] = acc
    return out


def linearised_estimates(
    pa_i: FloatArray,
    two: NDArray[np.bool_],
    pe: FloatArray,
    pe_i: FloatArray,
    starts: IntArray,
    *,
    confidence: float,
    excluded: Sequence[dict[str, int]],
) -> list[Estimate]:
    """(p_a - p_e) / (1 - p_e) with Gwet's linearised SE, t interval and t test (module doc),
    for one or more codes, their units stacked.

    Code ``g`` owns rows ``starts[g]:starts[g + 1]`` of ``pa_i``, ``two`` and ``pe_i``, and
    ``pe[g]``. Entries for codes that fail the caller's checks (nothing pairable, degenerate
    1 - p_e) are meaningless; the caller replaces them.
    """
    groups = pe.size
    n = np.diff(starts)
    gid = np.repeat(np.arange(groups), n)
    n2 = np.bincount(gid, weights=two, minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        free = 1.0 - pe
        coef = (code_sums(pa_i, starts) / n2 - pe) / free
        # Per-unit contributions whose mean over a code's n units is its coefficient.
        c_i = (n / n2)[gid] * (pa_i - pe[gid] * two) / free[gid]
        c_star = c_i - 2.0 * (1.0 - coef)[gid] * (pe_i - pe[gid]) / free[gid]
        squares = code_sums((c_star - coef[gid]) ** 2, starts)
    values, used, units = coef.tolist(), n2.astype(np.int64).tolist(), n.tolist()
    ses = [
        math.sqrt(float(squares[g]) / (units[g] * (units[g] - 1.0))) if units[g] >= 2 else None
        for g in range(groups)
    ]
    tests = z_tests(values, ses, [u - 1.0 for u in units])  # (None, None) where se is None
    out = []
    for g, (se, (z, p)) in enumerate(zip(ses, tests, strict=True)):
        if se is None:
            out.append(Estimate(value=values[g], units_used=used[g], units_excluded=excluded[g]))
            continue
        out.append(
            Estimate(
                value=values[g],
                se=se,
                ci=t_interval(values[g], se, units[g] - 1.0, confidence),
                units_used=used[g],
                units_excluded=excluded[g],
                z=z,
                p=p,
            )
        )
    return out


def no_variation_reason(used: NDArray[np.bool_]) -> str:
    """Why chance agreement is perfect, given which categories were used."""
    idx = np.flatnonzero(used)
    if idx.size == 1:
        return f"no variation: every rating is category {int(idx[0])}"
    return "chance agreement is perfect"


METHODS: tuple[Method, ...] = ("fleiss", "brennan_prediger", "gwet")


@dataclass(frozen=True, slots=True)
class UnitAgreement:
    """Count tables' rated units and their observed agreement under weights ``w``.

    What Fleiss' kappa, Brennan-Prediger and Gwet's AC share for one weight matrix (Conger's
    kappa too, for p_a): built once, each coefficient is then a few sums. It may hold
    several codes' tables stacked (code ``g`` owns rows ``starts[g]:starts[g + 1]``), so that
    many small codes cost a few array operations in all rather than a few each.
    """

    w: FloatArray  # (q, q)
    share: FloatArray  # (n, q): r_ik / r_i over the n units rated at least once
    pa_i: FloatArray  # (n,) p_a|i, 0 where r_i < 2
    two: NDArray[np.bool_]  # (n,) r_i >= 2
    starts: IntArray  # (codes + 1,)
    excluded: tuple[dict[str, int], ...]  # per code

    @classmethod
    def of(cls, counts: FloatArray, w: FloatArray) -> UnitAgreement:
        """From one code's checked units x categories table (finite, non-negative)."""
        return cls.of_codes([counts], w)

    @classmethod
    def of_codes(cls, tables: Sequence[FloatArray], w: FloatArray) -> UnitAgreement:
        """:meth:`of` of several codes' tables at once, stacked in their order: every step
        works a unit at a time (:func:`weighted_counts` says how), so each code's rows are
        those it would have alone, and many small codes cost a few array operations in all."""
        counts = tables[0] if len(tables) == 1 else np.concatenate(tables)
        groups = len(tables)
        code = np.repeat(np.arange(groups), [t.shape[0] for t in tables])
        r_all = counts.sum(axis=1)
        rated = r_all >= 1
        not_rated = np.bincount(code[~rated], minlength=groups).tolist()
        single = np.bincount(code[r_all == 1], minlength=groups).tolist()
        excluded = tuple(
            nonzero({NOT_RATED: a, SINGLE_RATING: b})
            for a, b in zip(not_rated, single, strict=True)
        )
        everything = bool(rated.all())
        cnt = counts if everything else counts[rated]
        r_star = weighted_counts(tables, w)
        pa_i, two = unit_agreement(cnt, r_star if everything else r_star[rated])
        starts = np.concatenate([[0], np.cumsum(np.bincount(code[rated], minlength=groups))])
        return cls(w, cnt / r_all[rated][:, None], pa_i, two, starts, excluded)

    def part(self, g: int) -> UnitAgreement:
        """Code ``g``'s rows alone (views, not copies)."""
        a, b = int(self.starts[g]), int(self.starts[g + 1])
        rows = slice(a, b)
        return UnitAgreement(
            self.w,
            self.share[rows],
            self.pa_i[rows],
            self.two[rows],
            np.array([0, b - a]),
            (self.excluded[g],),
        )

    @classmethod
    def stack(cls, parts: Sequence[UnitAgreement]) -> UnitAgreement:
        """Several codes' agreements under the same weights, as one.

        Each code's rows are computed alone (:meth:`of`) and only then stacked, and every
        later step works row by row or code by code: a code's numbers are the same to the
        last bit whichever codes it is computed with.
        """
        if len(parts) == 1:
            return parts[0]
        sizes = [p.share.shape[0] for p in parts]
        return cls(
            parts[0].w,
            np.concatenate([p.share for p in parts]),
            np.concatenate([p.pa_i for p in parts]),
            np.concatenate([p.two for p in parts]),
            np.concatenate([[0], np.cumsum(sizes)]),
            tuple(e for p in parts for e in p.excluded),
        )

    @property
    def pairable(self) -> int:
        """Units rated at least twice (over every code held)."""
        return int(self.two.sum())

    def coefficient(self, method: Method, *, confidence: float = 0.95) -> Estimate:
        """The coefficient ``method`` of a single code, with Gwet's linearised SE."""
        (est,) = self.coefficients(method, confidence=confidence)
        return est

    def coefficients(self, method: Method, *, confidence: float = 0.95) -> list[Estimate]:
        """The coefficient ``method`` of every code held, with Gwet's linearised SE."""
        w, share, starts = self.w, self.share, self.starts
        groups, q = starts.size - 1, w.shape[0]
        n = np.diff(starts)
        gid = np.repeat(np.arange(groups), n)
        n2 = np.bincount(gid, weights=self.two, minlength=groups)
        # Category shares average over every unit rated at least once (Gwet 2014; irrCAC):
        # a lone rating says nothing about agreement but does say how often a category is used.
        sums = np.zeros((groups, q))
        some = n > 0
        if some.any():
            sums[some] = np.add.reduceat(share, starts[:-1][some], axis=0)
        pi = sums / np.maximum(n, 1)[:, None]
        tw = float(w.sum())
        # Products as broadcast sums, not matmul: BLAS may order a row's sums differently
        # in a stack than alone.
        if method == "fleiss":
            pe = (pi[:, :, None] * w[None] * pi[:, None, :]).sum(axis=(1, 2))
            wpi = (w[None] * pi[:, None, :]).sum(axis=2)  # (W pi)_k
            wtpi = (w.T[None] * pi[:, None, :]).sum(axis=2)  # (W' pi)_k
            pe_i = (share * ((wpi + wtpi) / 2.0)[gid]).sum(axis=1)
        elif method == "brennan_prediger":
            pe = np.full(groups, tw / (q * q))
            pe_i = pe[gid]
        else:
            scale = tw / (q * (q - 1)) if q > 1 else 0.0
            pe = scale * (pi * (1.0 - pi)).sum(axis=1)
            pe_i = scale * (share * (1.0 - pi)[gid]).sum(axis=1)
        estimates = linearised_estimates(
            self.pa_i, self.two, pe, pe_i, starts, confidence=confidence, excluded=self.excluded
        )
        return [
            _refusal(method, q, int(n2[g]), float(pe[g]), pi[g], self.excluded[g]) or est
            for g, est in enumerate(estimates)
        ]


def _refusal(
    method: Method,
    q: int,
    used: int,
    pe: float,
    pi: FloatArray,
    excluded: dict[str, int],
) -> Estimate | None:
    """Why a code's coefficient is undefined (nothing pairable, one category, perfect chance
    agreement), or None when it is defined."""
    if used == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    if method == "gwet" and q < 2:
        return undefined(
            "only one declared category: Gwet's AC needs at least two",
            units_used=used,
            units_excluded=excluded,
        )
    if 1.0 - pe <= _DEGENERATE:
        return undefined(no_variation_reason(pi > 0), units_used=used, units_excluded=excluded)
    return None


def chance_corrected(
    counts: ArrayLike,
    method: Method,
    weights: FloatArray | None = None,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """The coefficient ``method`` from a units x categories count table (see module doc).

    ``weights`` is a ``q x q`` agreement-weight matrix (identity if None).
    """
    c_all = np.asarray(counts, dtype=np.float64)
    if c_all.ndim != 2 or (c_all < 0).any() or not np.isfinite(c_all).all():
        raise ValueError("counts must be a 2-D table of non-negative finite counts")
    q = c_all.shape[1]
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (q, q):
        raise ValueError(f"weights must be {q} x {q} for {q} categories; got shape {w.shape}")
    return UnitAgreement.of(c_all, w).coefficient(method, confidence=confidence)


def weighted_view(
    ratings: FloatArray,
    level: str,
    n_categories: int | None,
    categories: FloatArray | None,
    weights: WeightSpec,
) -> tuple[CategoricalView, FloatArray] | Estimate:
    """A code's categorical view with its weight matrix, or the undefined estimate saying why not."""
    view = categorical_view(ratings, level, n_categories, categories)
    if isinstance(view, str):
        return undefined(view)
    return view_weights(view, level, weights)


def view_weights(
    view: CategoricalView, level: str, weights: WeightSpec
) -> tuple[CategoricalView, FloatArray] | Estimate:
    """:func:`weighted_view` for a view already built."""
    if view.codes.shape[1] < 2:
        return undefined("a single coder: agreement needs at least two coders")
    w = code_weights(weights, view, level)
    if isinstance(w, str):
        return undefined(w)
    return view, w


def _from_ratings(
    ratings: FloatArray,
    level: str,
    n_categories: int | None,
    categories: FloatArray | None,
    method: Method,
    weights: WeightSpec,
    confidence: float,
) -> Estimate:
    got = weighted_view(ratings, level, n_categories, categories, weights)
    if isinstance(got, Estimate):
        return got
    view, w = got
    return chance_corrected(category_counts(view.codes, view.k), method, w, confidence=confidence)


def fleiss_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: WeightSpec = "identity",
    confidence: float = 0.95,
) -> Estimate:
    """Fleiss' (1971) kappa, generalised to units with different numbers of coders.

    Equals classic Fleiss' kappa on complete data and Scott's pi for two coders. With
    ``weights`` (a family name or a q x q matrix) it is Gwet's weighted generalisation.
    """
    return _from_ratings(ratings, level, n_categories, categories, "fleiss", weights, confidence)


def fleiss_kappa_from_counts(counts: ArrayLike, *, confidence: float = 0.95) -> Estimate:
    """Fleiss' kappa from a units x categories table of rating counts."""
    return chance_corrected(counts, "fleiss", confidence=confidence)


def brennan_prediger(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: WeightSpec = "identity",
    confidence: float = 0.95,
) -> Estimate:
    """Brennan & Prediger's (1981) coefficient: (p_a - T_w/q^2) / (1 - T_w/q^2).

    Unweighted (T_w = q) and with two coders this is Bennett, Alpert & Goldstein's (1954)
    S, also called PABAK.
    """
    return _from_ratings(
        ratings, level, n_categories, categories, "brennan_prediger", weights, confidence
    )


def gwet_ac1(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    confidence: float = 0.95,
) -> Estimate:
    """Gwet's (2008) AC1 for any number of coders, with Gwet's standard error."""
    return _from_ratings(ratings, level, n_categories, categories, "gwet", "identity", confidence)


def gwet_ac2(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: WeightSpec = "quadratic",
    confidence: float = 0.95,
) -> Estimate:
    """Gwet's AC2: AC1 with agreement weights (a family name or a q x q matrix).

    Families other than identity need ordered codes; a custom matrix applies to any code.
    """
    if level == "nominal" and isinstance(weights, str) and weights != "identity":
        return undefined("AC2 needs ordered categories; this code is nominal (use AC1)")
    return _from_ratings(ratings, level, n_categories, categories, "gwet", weights, confidence)


def weighted_scott_pi(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: WeightSpec = "identity",
    confidence: float = 0.95,
) -> Estimate:
    """Scott's (1955) pi for exactly two coders, weighted, with Gwet's SE.

    Uses the units both coders rated (as :func:`socmodel_cli.stats.kappa.scott_pi` and
    irrCAC's ``scott`` on the contingency table do): p_o = sum_kl w_kl p_kl,
    p_e = sum_kl w_kl pi_k pi_l with pi the pooled margins. That is weighted Fleiss' kappa
    on the jointly rated units; on complete data it equals :func:`fleiss_kappa`. The SE is
    Gwet's raw-ratings linearisation (divisor n (n - 1)); irrCAC's table formula divides
    by n^2 instead.
    """
    got = weighted_view(ratings, level, n_categories, categories, weights)
    if isinstance(got, Estimate):
        return got
    view, w = got
    n_coders = view.codes.shape[1]
    if n_coders != 2:
        return undefined(
            f"Scott's pi needs exactly two coders; this code has {n_coders} "
            "(Fleiss' kappa generalises it)"
        )
    both = (view.codes >= 0).all(axis=1)
    excluded = nonzero({NOT_BOTH: int((~both).sum())})
    if not both.any():
        return undefined(
            "nothing pairable: no unit was rated by both coders", units_excluded=excluded
        )
    counts = category_counts(view.codes[both], view.k)
    est = chance_corrected(counts, "fleiss", w, confidence=confidence)
    return replace(est, units_excluded=excluded)
