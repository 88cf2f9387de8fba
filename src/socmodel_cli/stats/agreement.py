"""Percent agreement: the share of jointly rated units on which two coders gave the same value.

For each pair of coders, the proportion of the units both rated on which their values are
exactly equal; the result is the mean over the coder pairs that share at least one unit
(ReCal's "average pairwise percent agreement"). It needs no categories, so it is also
reported for continuous codes. Pairs are found from the units' lists of ratings, so coder
pairs that never rated a unit together cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import FloatArray, IntArray
from socmodel_cli.stats._sparse import KeyedSums, RatingList, pairs_in_units
from socmodel_cli.stats.estimate import Estimate, undefined
from socmodel_cli.stats.stack import Stack, means_by_code

# Whether the ratings i and j (index arrays into the rating list) of pairs in units of the
# codes ``code`` agree.
Agree = Callable[[IntArray, IntArray, IntArray], NDArray[np.bool_]]


def percent_agreement(ratings: FloatArray) -> Estimate:
    """Mean pairwise percent agreement as a proportion in [0, 1].

    Only coder pairs that rated a unit together are visited (pairs of ratings inside
    units), so the cost is O(ratings x coders per unit), not O(coders^2 x units).
    """
    (est,) = percent_agreement_of_stack(Stack.of([ratings]))
    return est


def percent_agreement_of_stack(stack: Stack) -> list[Estimate]:
    """:func:`percent_agreement` of every code of ``stack``."""
    r = stack.ratings.pairable()
    used, excluded = stack.pairable(r.m >= 2)
    if stack.n_coders < 2:
        return [
            undefined("a single coder: agreement needs at least two coders", units_excluded=e)
            for e in excluded
        ]

    def same(i: IntArray, j: IntArray, _code: IntArray) -> NDArray[np.bool_]:
        equal: NDArray[np.bool_] = r.value[i] == r.value[j]
        return equal

    keys, shares = pair_shares(stack, r, same)
    return means_by_code(stack, shares, keys // stack.n_coders**2, used, excluded)


def pair_shares(stack: Stack, r: RatingList, agree: Agree) -> tuple[IntArray, FloatArray]:
    """For each coder pair a < b of each code that rated a unit together, its key
    ``code * q^2 + a * q + b`` (ascending) and the share of those units where they ``agree``.

    The pairs are taken a chunk at a time; the counts are whole numbers, which any chunking
    adds exactly, so the shares do not depend on the chunks.
    """
    q = stack.n_coders
    unit_code = stack.code_of_unit()
    sums = KeyedSums(stack.codes * q * q, 2)
    for i, j in pairs_in_units(r):
        code = unit_code[r.unit[i]]
        key = code * (q * q) + r.coder[i] * q + r.coder[j]
        sums.add(key, np.stack([np.ones(i.size), agree(i, j, code)], axis=1))
    keys, per_pair = sums.result()
    return keys, per_pair[:, 1] / per_pair[:, 0]
