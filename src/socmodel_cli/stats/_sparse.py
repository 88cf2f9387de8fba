"""The sparse view of a ratings matrix: the ratings unit by unit, and the pairs inside units.

Statistics over pairs of coders (percent agreement, Light's kappa, the diagnostics' coder
pairs, ratio alpha's observed disagreement) only need the coder pairs that rated a unit
together. Listing the ratings unit by unit and pairing them inside each unit costs
O(sum_u m_u^2) = O(ratings x coders per unit) whatever the number of coders, where a loop
over every pair of coder columns costs O(coders^2 x units): with 1,000 coders and two or
three coders per unit, about a thousand times less.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import (
    CONTINUOUS_REASON,
    FloatArray,
    IntArray,
    check_category_values,
    value_indices,
)

# Rating pairs handled at once (a chunk of whole units): each statistic over pairs holds a few
# arrays of this length at a time, not arrays as long as all of a code's pairs.
PAIR_CHUNK = 1 << 15
# Keys up to this count are summed into dense arrays (bincount); above it, by sorting.
_DENSE_KEYS = 1 << 20


@dataclass(frozen=True, slots=True)
class RatingList:
    """Every rating of a ``(units, coders)`` matrix, sorted by unit and then coder."""

    unit: IntArray  # (R,) row of each rating, ascending
    coder: IntArray  # (R,) column of each rating, ascending within a unit
    value: FloatArray  # (R,)
    m: IntArray  # (n_units,) ratings per unit
    n_coders: int

    @property
    def n_units(self) -> int:
        return int(self.m.size)

    @property
    def size(self) -> int:
        return int(self.unit.size)

    def where(self, keep: NDArray[np.bool_]) -> RatingList:
        """The ratings selected by a boolean mask over the ratings (``m`` recounted)."""
        unit = self.unit[keep]
        return RatingList(
            unit=unit,
            coder=self.coder[keep],
            value=self.value[keep],
            m=np.bincount(unit, minlength=self.n_units),
            n_coders=self.n_coders,
        )

    def pairable(self) -> RatingList:
        """Only the ratings of units rated at least twice (``self`` when that is all of them)."""
        keep = self.m[self.unit] >= 2
        return self if keep.all() else self.where(keep)

    def first_of_unit(self) -> IntArray:
        """Index of each unit's first rating (for units with none: where it would be)."""
        out: IntArray = np.cumsum(self.m) - self.m
        return out


def rated_cells(x: FloatArray) -> IntArray:
    """Flat (row-major) indices of the cells that are not NaN, in one pass over ``x``."""
    flat = np.ascontiguousarray(x).ravel()
    return np.flatnonzero(flat == flat).astype(np.int64, copy=False)  # noqa: PLR0124 (NaN != NaN)


def rating_list(x: FloatArray) -> RatingList:
    """The ratings of a units x coders float matrix (NaN = not coded)."""
    flat = np.ascontiguousarray(x).ravel()
    at = rated_cells(x)
    value = flat[at]
    n_coders = int(x.shape[1])
    unit = at // max(n_coders, 1)
    coder = np.remainder(at, max(n_coders, 1), out=at)  # in place: at is not needed after
    return RatingList(
        unit=unit,
        coder=coder,
        value=value,
        m=np.bincount(unit, minlength=x.shape[0]).astype(np.int64),
        n_coders=n_coders,
    )


def narrow_keys(keys: IntArray, bound: int) -> NDArray[np.signedinteger[Any]]:
    """Keys in ``[0, bound)`` as int32 when that holds them: half the memory of int64."""
    return keys.astype(np.int32) if bound <= np.iinfo(np.int32).max + 1 else keys


def pairs_in_units(r: RatingList, chunk: int | None = None) -> Iterator[tuple[IntArray, IntArray]]:
    """Index pairs (i, j) into ``r`` with i < j and the same unit, whole units at a time.

    Within a unit ratings are sorted by coder, so ``r.coder[i] < r.coder[j]``. A chunk holds
    at most ``chunk`` pairs (default :data:`PAIR_CHUNK`), more only when one unit has more.
    A unit's pairs are never split over chunks, so a sum over each unit's pairs is the same
    whatever the chunk size. Sums across chunks (by coder pair) should be of whole numbers,
    which any chunking adds exactly; a consumer that sums fractions across units fixes its
    own ``chunk``.
    """
    size = PAIR_CHUNK if chunk is None else chunk
    stops = np.cumsum(r.m)  # one past each unit's last rating
    ends = np.cumsum(r.m * (r.m - 1) // 2)  # pairs up to and including each unit
    total = int(ends[-1]) if ends.size else 0
    done, u = 0, 0  # pairs yielded; first unit not yet paired
    while done < total:
        v = max(int(np.searchsorted(ends, done + size, side="right")), u + 1)
        if int(ends[v - 1]) > done:
            a, b = int(stops[u] - r.m[u]), int(stops[v - 1])
            after = stops[r.unit[a:b]] - np.arange(a + 1, b + 1)  # partners after each rating
            i = np.repeat(np.arange(a, b), after)
            offsets = np.arange(i.size) - np.repeat(np.cumsum(after) - after, after) + 1
            yield i, i + offsets
            done = int(ends[v - 1])
        u = v


class KeyedSums:
    """Sums of weight columns per integer key in ``[0, n_keys)``, accumulated chunk by chunk."""

    def __init__(self, n_keys: int, width: int) -> None:
        self.n_keys = n_keys
        self.width = width
        self._dense: FloatArray | None = (
            np.zeros((width, n_keys)) if n_keys <= _DENSE_KEYS else None
        )
        self._keys: list[IntArray] = []
        self._sums: list[FloatArray] = []

    def add(self, keys: IntArray, weights: FloatArray) -> None:
        """Add ``weights`` (n, width) to the sums of ``keys`` (n,)."""
        if self._dense is not None:
            for j in range(self.width):
                self._dense[j] += np.bincount(keys, weights=weights[:, j], minlength=self.n_keys)
            return
        uniq, inverse = np.unique(keys, return_inverse=True)
        sums = np.stack(
            [np.bincount(inverse, weights=weights[:, j]) for j in range(self.width)], axis=1
        )
        self._keys.append(uniq.astype(np.int64))
        self._sums.append(sums.reshape(uniq.size, self.width).astype(np.float64))

    def result(self) -> tuple[IntArray, FloatArray]:
        """The keys with a non-zero first column (sorted) and their sums ``(n, width)``."""
        if self._dense is not None:
            keys = np.flatnonzero(self._dense[0])
            return keys.astype(np.int64), self._dense[:, keys].T.copy()
        if not self._keys:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.width))
        keys_all = np.concatenate(self._keys)
        sums_all = np.concatenate(self._sums)
        uniq, inverse = np.unique(keys_all, return_inverse=True)
        sums = np.stack(
            [np.bincount(inverse, weights=sums_all[:, j]) for j in range(self.width)], axis=1
        ).reshape(uniq.size, self.width)
        nz = sums[:, 0] != 0
        return uniq[nz].astype(np.int64), sums[nz]


def count_keys(keys: IntArray, n_keys: int) -> tuple[IntArray, FloatArray]:
    """The distinct keys in ``[0, n_keys)`` (sorted) and how often each occurs."""
    if n_keys <= max(_DENSE_KEYS, 4 * keys.size):
        counts = np.bincount(keys, minlength=n_keys)
        present = np.flatnonzero(counts)
        return present.astype(np.int64, copy=False), counts[present].astype(np.float64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq.astype(np.int64), counts.astype(np.float64)


@dataclass(frozen=True, slots=True)
class CategoricalList:
    """A code's ratings as category indices (``ratings.value``), with ``k`` categories."""

    ratings: RatingList
    k: int


def categorical_of(
    r: RatingList, level: str, n_categories: int | None, categories: FloatArray | None
) -> CategoricalList | str:
    """The sparse twin of :func:`socmodel_cli.stats._checks.categorical_view`: the ratings
    as category indices, or the reason the code has no categories (a continuous code)."""
    if level in ("nominal", "ordinal"):
        if n_categories is None:
            raise ValueError(f"n_categories is required for {level} codes")
        check_category_values(r.value, int(n_categories))
        return CategoricalList(r, int(n_categories))
    if categories is None:
        return CONTINUOUS_REASON
    idx = value_indices(r.value, categories).astype(np.float64)
    coded = RatingList(unit=r.unit, coder=r.coder, value=idx, m=r.m, n_coders=r.n_coders)
    return CategoricalList(coded, int(np.asarray(categories).size))
