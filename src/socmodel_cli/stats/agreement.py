"""Percent agreement: the share of jointly rated units on which two coders gave the same value.

For each pair of coders, the proportion of the units both rated on which their values are
exactly equal; the result is the mean over the coder pairs that share at least one unit
(ReCal's "average pairwise percent agreement"). It needs no categories, so it is also
reported for continuous codes. Pairs are found from the units' lists of ratings, so coder
pairs that never rated a unit together cost nothing.
"""

from __future__ import annotations

import numpy as np

from socmodel_cli.stats._checks import FloatArray, as_ratings
from socmodel_cli.stats._sparse import KeyedSums, pairs_in_units, rating_list
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, Estimate, nonzero, undefined


def percent_agreement(ratings: FloatArray) -> Estimate:
    """Mean pairwise percent agreement as a proportion in [0, 1].

    Only coder pairs that rated a unit together are visited (pairs of ratings inside
    units), so the cost is O(ratings x coders per unit), not O(coders^2 x units).
    """
    x = as_ratings(ratings)
    n_units, n_coders = x.shape
    r = rating_list(x).pairable()
    units_used = int((r.m >= 2).sum())
    excluded = nonzero({FEWER_THAN_TWO: n_units - units_used})
    if n_coders < 2:
        return undefined(
            "a single coder: agreement needs at least two coders", units_excluded=excluded
        )
    sums = KeyedSums(n_coders * n_coders, 2)
    for i, j in pairs_in_units(r):
        same = (r.value[i] == r.value[j]).astype(np.float64)
        sums.add(r.coder[i] * n_coders + r.coder[j], np.stack([np.ones(i.size), same], axis=1))
    _, per_pair = sums.result()
    if not per_pair.shape[0]:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    shares = per_pair[:, 1] / per_pair[:, 0]
    return Estimate(value=float(np.mean(shares)), units_used=units_used, units_excluded=excluded)
