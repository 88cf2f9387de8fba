"""Krippendorff's alpha at the four levels of measurement, in O(ratings x coders per unit).

alpha = 1 - D_o / D_e over the *pairable* values: the ratings of units that at least two
coders rated. With ``n`` pairable values, ``m_u`` of them in unit ``u``:

    D_o = 1/n * sum_u sum_{i != j in u} delta(x_i, x_j) / (m_u - 1)
    D_e = 1/(n (n - 1)) * sum_{i != j over all pairable values} delta(x_i, x_j)

The ratings are taken unit by unit from the sparse list of rated cells
(:mod:`socmodel_cli.stats._sparse`), so the cost does not depend on how many coders there
are, only on how many ratings and how many per unit. No coincidence matrix over distinct
values is ever built for nominal, ordinal or interval codes, so memory does not grow with
the number of distinct values:

* interval: delta = (x_i - x_j)^2, and within a set of values
  sum_{i != j} (x_i - x_j)^2 = 2 m sum (x - mean)^2, both for a unit and for the pool;
  the values are first moved into a frame centred on their median and scaled by a power
  of two (:mod:`socmodel_cli.stats._precision`), so the result is shift-invariant and
  finite at any magnitude;
* ordinal: interval alpha on the cumulative-midpoint rank of each category,
  rank_c = sum_{g < c} n_g + n_c / 2 (n_g = pairable values in category g, declared order),
  which reproduces Krippendorff's ordinal metric
  delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 exactly;
* nominal: only agreeing pairs matter: sum_c n_uc (n_uc - 1) per unit, from category counts;
* ratio: delta = ((x_i - x_j) / (x_i + x_j))^2 per unit over the pairs of ratings in it;
  the expected disagreement is summed over the V distinct values with their counts, exactly
  in blocks (O(V^2)) up to a few thousand values, by a quadrature with a proven error bound
  below 1e-16 (O(V x 200)) above (:mod:`socmodel_cli.stats.ratio_sums`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from socmodel_cli.stats._checks import (
    FloatArray,
    IntArray,
    check_category_values,
    check_level,
    describe_value,
)
from socmodel_cli.stats._precision import in_frames
from socmodel_cli.stats._sparse import RatingList, count_keys, pairs_in_units
from socmodel_cli.stats.estimate import Estimate, undefined
from socmodel_cli.stats.ratio_sums import ratio_delta, ratio_pair_sum
from socmodel_cli.stats.stack import Stack, code_sums

NOT_REPRESENTABLE = (
    "alpha could not be computed in double precision for these values (report this data)"
)


def alpha(ratings: FloatArray, level: str, n_categories: int | None = None) -> Estimate:
    """Krippendorff's alpha for one code.

    ``ratings`` is ``(n_units, n_coders)`` float64 with NaN for "not coded". Nominal and
    ordinal cells hold category indices ``0..n_categories-1`` in the declared order;
    interval and ratio cells hold the numeric values. Units rated by fewer than two coders
    are excluded (and counted). No analytic standard error is given: use
    :func:`socmodel_cli.stats.bootstrap.bootstrap_alpha` for an interval.
    """
    check_level(level)
    (est,) = alpha_of_stack(Stack.of([ratings]), level, n_categories)
    return est


def alpha_of_stack(stack: Stack, level: str, n_categories: int | None = None) -> list[Estimate]:
    """:func:`alpha` of every code of ``stack`` (the same level and categories)."""
    lvl = check_level(level)
    categorical = lvl in ("nominal", "ordinal")
    everyone = stack.ratings
    k = 0
    if categorical:
        k = n_categories if n_categories is not None else _infer_k(everyone.value)
        check_category_values(everyone.value, k)
    used, excluded = stack.pairable(everyone.m >= 2)
    if stack.n_coders < 2:
        return [
            undefined("a single coder: reliability needs at least two coders", units_excluded=e)
            for e in excluded
        ]
    r = everyone.pairable()
    code = stack.code_of_unit()[r.unit]  # ascending: units are stacked code by code
    if lvl == "nominal":
        values = _nominal_by_code(r, k, code, stack.codes)
    elif lvl == "ordinal":
        values = _interval_by_code(_as_ranks(r, k, code, stack.codes), code, stack)
    elif lvl == "interval":
        values = _interval_by_code(r, code, stack)
    else:
        values = _ratio_by_code(r, code, stack)
    bounds = stack.bounds(code)
    return [
        _estimate(
            lvl, r.value[bounds[g] : bounds[g + 1]], float(values[g]), int(used[g]), excluded[g]
        )
        for g in range(stack.codes)
    ]


def _estimate(
    level: str, pairable: FloatArray, value: float, used: int, excluded: dict[str, int]
) -> Estimate:
    """One code's alpha, or why it has none."""
    if used == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    if pairable.min() == pairable.max():
        label = describe_value(float(pairable[0]), categorical=level in ("nominal", "ordinal"))
        return undefined(
            f"no variation: every pairable value is {label}",
            units_used=used,
            units_excluded=excluded,
        )
    if level == "ratio" and pairable.min() < 0:
        return undefined(
            f"ratio metric needs non-negative values; found {pairable.min():g}",
            units_used=used,
            units_excluded=excluded,
        )
    if not math.isfinite(value):
        return undefined(NOT_REPRESENTABLE, units_used=used, units_excluded=excluded)
    return Estimate(value=value, units_used=used, units_excluded=excluded)


def _infer_k(vals: FloatArray) -> int:
    return int(vals.max()) + 1 if vals.size else 1


def _as_ranks(r: RatingList, k: int, code: IntArray, codes: int) -> RatingList:
    """The ratings (category indices) as their categories' ranks within their code."""
    categories = r.value.astype(np.int64)
    counts = np.bincount(code * k + categories, minlength=codes * k).reshape(-1, k)
    ranks = ordinal_ranks(counts)  # per code, row by row
    return RatingList(
        unit=r.unit, coder=r.coder, value=ranks[code, categories], m=r.m, n_coders=r.n_coders
    )


def ordinal_ranks(counts: ArrayLike) -> FloatArray:
    """Cumulative-midpoint rank of each category: sum_{g<c} n_g + n_c / 2 (along the last
    axis: one code per row)."""
    n = np.asarray(counts, dtype=np.float64)
    return np.cumsum(n, axis=-1) - n / 2.0


def _nominal_by_code(r: RatingList, k: int, code: IntArray, codes: int) -> FloatArray:
    """Nominal alpha of each code's pairable ratings ``r`` (values: category indices).

    With A = sum of the diagonal of the coincidence matrix (agreeing ordered pairs,
    each unit's pairs weighted 1 / (m_u - 1)):  alpha = 1 - (n - 1)(n - A)/(n^2 - sum n_c^2),
    A = sum_u sum_c n_uc (n_uc - 1) / (m_u - 1), n_uc = coders who put unit u in category c.
    """
    values = r.value.astype(np.int64)
    cells = r.unit * k
    cells += values  # in place: (unit, category) of each rating
    keys, n_uc = count_keys(cells, r.n_units * k)
    del cells
    unit_of = keys // k
    code_of_unit = np.zeros(r.n_units, dtype=np.int64)
    code_of_unit[r.unit] = code
    key_code = code_of_unit[unit_of]  # ascending: keys are sorted by unit
    terms = n_uc * (n_uc - 1.0) / (r.m[unit_of] - 1.0)
    a = code_sums(terms, np.searchsorted(key_code, np.arange(codes + 1)))
    n = np.bincount(code, minlength=codes).astype(np.float64)
    n_c = np.bincount(code * k + values, minlength=codes * k).reshape(codes, k).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = 1.0 - (n - 1.0) * (n - a) / (n * n - (n_c**2).sum(axis=1))
    return out


def agreeing_pairs(codes: IntArray) -> FloatArray:
    """Per row of a small dense array of codes, the unordered pairs that gave the same category.

    Sorting each row puts equal categories next to each other; the length of the current
    run of equal values, summed along the row, counts sum_c n_c (n_c - 1) / 2.
    """
    s = np.sort(codes, axis=1)
    run = np.zeros(s.shape[0], dtype=np.float64)
    total = np.zeros(s.shape[0], dtype=np.float64)
    for j in range(1, s.shape[1]):
        same = (s[:, j] == s[:, j - 1]) & (s[:, j - 1] >= 0)
        run = np.where(same, run + 1.0, 0.0)
        total += run
    return total


def _interval_by_code(r: RatingList, code: IntArray, stack: Stack) -> FloatArray:
    """Interval alpha of each code's pairable ratings ``r``, from per-unit sums of squares.

    alpha = 1 - (n - 1) * sum_u [2 m_u SS_u / (m_u - 1)] / (2 n SS_pool), where SS is the sum
    of squared deviations from the mean (of the unit, or of all the code's pairable values),
    computed in two passes on the values in the code's frame (median 0, largest deviation in
    [1/2, 1)).
    """
    bounds = stack.bounds(code)
    y = in_frames(r.value, bounds)
    observed = _observed(r, y, stack)
    n = np.diff(bounds).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = code_sums(y, bounds) / n
        # In place (y is ours): deviations from the code's mean, then their squares.
        np.subtract(y, mean[code], out=y)
        expected = 2.0 * n * code_sums(np.multiply(y, y, out=y), bounds)
        out: FloatArray = 1.0 - (n - 1.0) * observed / expected
    return out


def _observed(r: RatingList, y: FloatArray, stack: Stack) -> FloatArray:
    """Each code's sum over units of 2 m_u SS_u / (m_u - 1), ``y`` the ratings' values."""
    rated = r.m > 0
    m = r.m[rated].astype(np.float64)
    unit_sum = np.bincount(r.unit, weights=y, minlength=r.n_units)
    unit_mean = np.zeros(r.n_units)
    unit_mean[rated] = unit_sum[rated] / m
    dev = unit_mean[r.unit]
    np.subtract(y, dev, out=dev)  # in place: one array of the ratings' length, not two
    within = np.bincount(r.unit, weights=np.multiply(dev, dev, out=dev), minlength=r.n_units)
    unit_bounds = np.searchsorted(stack.code_of_unit()[rated], np.arange(stack.codes + 1))
    return code_sums(2.0 * m * within[rated] / (m - 1.0), unit_bounds)


def _ratio_by_code(r: RatingList, code: IntArray, stack: Stack) -> FloatArray:
    """Ratio alpha of each code's pairable ratings ``r`` (non-negative values)."""
    codes, bounds = stack.codes, stack.bounds(code)
    per_unit = np.zeros(r.n_units, dtype=np.float64)
    for i, j in pairs_in_units(r):
        delta = ratio_delta(r.value[i], r.value[j])
        per_unit += np.bincount(r.unit[i], weights=delta, minlength=r.n_units)
    rated = r.m > 0
    unit_bounds = np.searchsorted(stack.code_of_unit()[rated], np.arange(codes + 1))
    observed = code_sums(2.0 * per_unit[rated] / (r.m[rated] - 1.0), unit_bounds)
    out = np.full(codes, np.nan)
    for g in range(codes):
        vals, counts = np.unique(r.value[bounds[g] : bounds[g + 1]], return_counts=True)
        if vals.size < 2 or vals[0] < 0:
            continue  # no variation, or a negative value: refused with its reason
        n = float(counts.sum())
        out[g] = 1.0 - (n - 1.0) * observed[g] / ratio_pair_sum(vals, counts.astype(np.float64))
    return out
