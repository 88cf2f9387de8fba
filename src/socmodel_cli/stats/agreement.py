"""Percent agreement: the share of jointly rated units on which two coders gave the same value.

For each pair of coders, the proportion of the units both rated on which their values are
exactly equal; the result is the mean over the coder pairs that share at least one unit
(ReCal's "average pairwise percent agreement"). It needs no categories, so it is also
reported for continuous codes.
"""

from __future__ import annotations

import numpy as np

from socmodel_cli.stats._checks import FloatArray, as_ratings
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, Estimate, nonzero, undefined


def percent_agreement(ratings: FloatArray) -> Estimate:
    """Mean pairwise percent agreement as a proportion in [0, 1]."""
    x = as_ratings(ratings)
    n_units, n_coders = x.shape
    rated = ~np.isnan(x)
    pairable = rated.sum(axis=1) >= 2
    excluded = nonzero({FEWER_THAN_TWO: n_units - int(pairable.sum())})
    if n_coders < 2:
        return undefined(
            "a single coder: agreement needs at least two coders", units_excluded=excluded
        )
    shares: list[float] = []
    for a in range(n_coders):
        for b in range(a + 1, n_coders):
            both = rated[:, a] & rated[:, b]
            n_both = int(both.sum())
            if n_both:
                shares.append(float((x[both, a] == x[both, b]).sum()) / n_both)
    if not shares:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    return Estimate(
        value=float(np.mean(shares)),
        units_used=int(pairable.sum()),
        units_excluded=excluded,
    )
