"""Percent agreement: the share of jointly rated units on which two coders gave the same value.

For each pair of coders, the proportion of the units both rated on which their values are
exactly equal; the result is the mean over the coder pairs that share at least one unit
(ReCal's "average pairwise percent agreement"). It needs no categories, so it is also
reported for continuous codes. Pairs are found from the units' lists of ratings, so coder
pairs that never rated a unit together cost nothing.
"""

from __future__ import annotations

import numpy as np

from socmodel_cli.stats._checks import FloatArray
from socmodel_cli.stats._sparse import KeyedSums, pairs_in_units
from socmodel_cli.stats.estimate import Estimate, undefined
from socmodel_cli.stats.stack import Stack, means_by_code


def percent_agreement(ratings: FloatArray) -> Estimate:
    """Mean pairwise percent agreement as a proportion in [0, 1].

    Only coder pairs that rated a unit together are visited (pairs of ratings inside
    units), so the cost is O(ratings x coders per unit), not O(coders^2 x units).
    """
    (est,) = percent_agreement_of_stack(Stack.of([ratings]))
    return est


def percent_agreement_of_stack(stack: Stack) -> list[Estimate]:
    """:func:`percent_agreement` of every code of ``stack``."""
    n_coders = stack.n_coders
    r = stack.ratings.pairable()
    used, excluded = stack.pairable(r.m >= 2)
    if n_coders < 2:
        return [
            undefined("a single coder: agreement needs at least two coders", units_excluded=e)
            for e in excluded
        ]
    unit_code = stack.code_of_unit()
    pairs = n_coders * n_coders
    sums = KeyedSums(stack.codes * pairs, 2)
    for i, j in pairs_in_units(r):
        same = (r.value[i] == r.value[j]).astype(np.float64)
        key = unit_code[r.unit[i]] * pairs + r.coder[i] * n_coders + r.coder[j]
        sums.add(key, np.stack([np.ones(i.size), same], axis=1))
    keys, per_pair = sums.result()
    shares = per_pair[:, 1] / per_pair[:, 0]
    return means_by_code(stack, shares, keys // pairs, used, excluded)
