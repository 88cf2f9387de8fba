"""Krippendorff's alpha at the four levels of measurement, in O(units x coders).

alpha = 1 - D_o / D_e over the *pairable* values: the ratings of units that at least two
coders rated. With ``n`` pairable values, ``m_u`` of them in unit ``u``:

    D_o = 1/n * sum_u sum_{i != j in u} delta(x_i, x_j) / (m_u - 1)
    D_e = 1/(n (n - 1)) * sum_{i != j over all pairable values} delta(x_i, x_j)

No coincidence matrix over distinct values is ever built for nominal, ordinal or interval
codes, so memory does not grow with the number of distinct values:

* interval: delta = (x_i - x_j)^2, and within a set of values
  sum_{i != j} (x_i - x_j)^2 = 2 m sum (x - mean)^2, both for a unit and for the pool;
* ordinal: interval alpha on the cumulative-midpoint rank of each category,
  rank_c = sum_{g < c} n_g + n_c / 2 (n_g = pairable values in category g, declared order),
  which reproduces Krippendorff's ordinal metric
  delta_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 exactly;
* nominal: only agreeing pairs matter; they are counted per unit from sorted rows;
* ratio: delta = ((x_i - x_j) / (x_i + x_j))^2 per unit over coder pairs (O(m^2) per unit);
  the expected disagreement is summed over distinct values with their counts, in blocks,
  so memory stays bounded but time is O(V^2) in the number V of distinct values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from socmodel_cli.stats._checks import (
    FloatArray,
    IntArray,
    as_ratings,
    category_codes,
    check_level,
    describe_value,
)
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, Estimate, nonzero, undefined

# Elements per block when summing the ratio metric over pairs of distinct values.
_RATIO_BLOCK = 1 << 22


def alpha(ratings: FloatArray, level: str, n_categories: int | None = None) -> Estimate:
    """Krippendorff's alpha for one code.

    ``ratings`` is ``(n_units, n_coders)`` float64 with NaN for "not coded". Nominal and
    ordinal cells hold category indices ``0..n_categories-1`` in the declared order;
    interval and ratio cells hold the numeric values. Units rated by fewer than two coders
    are excluded (and counted). No analytic standard error is given: use
    :func:`socmodel_cli.stats.bootstrap.bootstrap_alpha` for an interval.
    """
    lvl = check_level(level)
    x = as_ratings(ratings)
    categorical = lvl in ("nominal", "ordinal")
    codes: IntArray | None = None
    if categorical:
        k = n_categories if n_categories is not None else _infer_k(x)
        codes = category_codes(x, k)
    n_units, n_coders = x.shape
    m_all = (~np.isnan(x)).sum(axis=1)
    keep = m_all >= 2
    units_used = int(keep.sum())
    excluded = nonzero({FEWER_THAN_TWO: n_units - units_used})
    if n_coders < 2:
        return undefined(
            "a single coder: reliability needs at least two coders",
            units_excluded=excluded,
        )
    if units_used == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    xp = x[keep]
    values = xp[~np.isnan(xp)]
    if values.min() == values.max():
        label = describe_value(float(values[0]), categorical=categorical)
        return undefined(
            f"no variation: every pairable value is {label}",
            units_used=units_used,
            units_excluded=excluded,
        )
    m = m_all[keep]
    if lvl == "nominal":
        assert codes is not None
        value = nominal_alpha(codes[keep], m)
    elif lvl == "ordinal":
        assert codes is not None
        cp = codes[keep]
        ranks = ordinal_ranks(np.bincount(cp[cp >= 0], minlength=int(cp.max()) + 1))
        value = interval_alpha(np.where(cp >= 0, ranks[np.maximum(cp, 0)], np.nan), m)
    elif lvl == "interval":
        value = interval_alpha(xp, m)
    else:
        if values.min() < 0:
            return undefined(
                f"ratio metric needs non-negative values; found {values.min():g}",
                units_used=units_used,
                units_excluded=excluded,
            )
        value = ratio_alpha(xp, m)
    return Estimate(value=value, units_used=units_used, units_excluded=excluded)


def _infer_k(x: FloatArray) -> int:
    vals = x[~np.isnan(x)]
    return int(vals.max()) + 1 if vals.size else 1


def ordinal_ranks(counts: ArrayLike) -> FloatArray:
    """Cumulative-midpoint rank of each category: sum_{g<c} n_g + n_c / 2."""
    n = np.asarray(counts, dtype=np.float64)
    return np.cumsum(n) - n / 2.0


def nominal_alpha(codes: IntArray, m: IntArray) -> float:
    """Nominal alpha of pairable units given as category codes (-1 = not coded).

    With A = sum of the diagonal of the coincidence matrix (agreeing ordered pairs,
    each unit's pairs weighted 1 / (m_u - 1)):  alpha = 1 - (n - 1)(n - A) / (n^2 - sum n_c^2).
    """
    agree = agreeing_pairs(codes)
    n = float(m.sum())
    a = float((2.0 * agree / (m - 1)).sum())
    n_c = np.bincount(codes[codes >= 0]).astype(np.float64)
    return 1.0 - (n - 1.0) * (n - a) / (n * n - float((n_c**2).sum()))


def agreeing_pairs(codes: IntArray) -> FloatArray:
    """Per unit, the number of unordered coder pairs that gave the same category.

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


def interval_alpha(x: FloatArray, m: IntArray) -> float:
    """Interval alpha of pairable units (NaN = not coded), from per-unit sums of squares.

    alpha = 1 - (n - 1) * sum_u [2 m_u SS_u / (m_u - 1)] / (2 n SS_pool), where SS is the sum
    of squared deviations from the mean (of the unit, or of all pairable values).
    """
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    unit_mean = filled.sum(axis=1) / m
    dev = np.where(present, x - unit_mean[:, None], 0.0)
    within = (dev * dev).sum(axis=1)
    observed = float((2.0 * m * within / (m - 1)).sum())
    values = x[present]
    n = float(values.size)
    pooled = values - values.mean()
    expected = 2.0 * n * float((pooled * pooled).sum())
    return 1.0 - (n - 1.0) * observed / expected


def ratio_alpha(x: FloatArray, m: IntArray) -> float:
    """Ratio alpha of pairable units with non-negative values (NaN = not coded)."""
    n_coders = x.shape[1]
    per_unit = np.zeros(x.shape[0], dtype=np.float64)
    for a in range(n_coders):
        for b in range(a + 1, n_coders):
            per_unit += np.nan_to_num(ratio_delta(x[:, a], x[:, b]), nan=0.0)
    observed = float((2.0 * per_unit / (m - 1)).sum())
    vals, counts = np.unique(x[~np.isnan(x)], return_counts=True)
    n = float(counts.sum())
    expected = ratio_pair_sum(vals, counts.astype(np.float64))
    return 1.0 - (n - 1.0) * observed / expected


def ratio_delta(a: FloatArray, b: FloatArray) -> FloatArray:
    """((a - b) / (a + b))^2, with 0 where a + b == 0 (both zero); NaN propagates."""
    s = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(s != 0, (a - b) / np.where(s != 0, s, 1.0), 0.0)
    return np.where(np.isnan(s), np.nan, d * d)


def ratio_pair_sum(vals: FloatArray, counts: FloatArray) -> float:
    """sum_{v, w} c_v c_w delta_ratio(v, w) over distinct non-negative values, blockwise.

    ``vals`` must be sorted and distinct. The sum is symmetric with a zero diagonal, so only
    pairs v < w are visited (twice their sum is returned): for a block of rows, the
    distances to every larger value are formed in one buffer and reduced with a
    matrix-vector product. A zero value is handled apart: delta(0, w) = 1 for w > 0.
    """
    total = 0.0
    if vals.size and vals[0] == 0.0:
        # pairs (0, w), w > 0: delta = 1
        total += 2.0 * float(counts[0]) * float(counts[1:].sum())
        vals, counts = vals[1:], counts[1:]
    size = vals.size
    step = max(1, _RATIO_BLOCK // max(size, 1))
    for start in range(0, size, step):
        stop = min(size, start + step)
        rows = vals[start:stop, None]
        cols = vals[None, start:]
        d = rows - cols
        d /= rows + cols
        d *= d
        # rows of the block against every value from the block's start on; the part left
        # of the diagonal inside the block holds pairs v > w, which are zeroed.
        d[np.tril_indices(stop - start, k=0, m=d.shape[1])] = 0.0
        total += 2.0 * float(counts[start:stop] @ (d @ counts[start:]))
    return total
