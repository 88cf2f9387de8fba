"""Several codes' ratings one under another, for coefficients of many codes at once.

The registry reports a dozen coefficients for every code; with hundreds of small codes the
few dozen array operations each coefficient costs per code, not the arithmetic, were most
of the time. Codes with the same number of coder columns are therefore stacked: code ``g``
owns rows ``starts[g]:starts[g + 1]`` of one units x coders matrix. A unit stays a unit, so
every per-unit quantity is what it is for the code alone; only sums over a code (its coder
pairs, its pooled values) are taken code by code, keyed by the code's number.

Each single-code function is its ``*_of_stack`` twin on a stack of one, so there is one
implementation; and a code's numbers are the same to the last bit alone or stacked, because
every sum over a code adds the same terms in the same order either way (sums keyed by code
run in row order; sums of pair counts are whole numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import FloatArray, IntArray, as_ratings
from socmodel_cli.stats._sparse import RatingList, rating_list
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, Estimate, nonzero, undefined


@dataclass(frozen=True)
class Stack:
    """Codes' ``(units, coders)`` matrices with the same number of coders, stacked by rows."""

    x: FloatArray  # (all units, n_coders), NaN = not coded
    starts: IntArray  # (codes + 1,): code g's units are rows starts[g]:starts[g + 1]

    @classmethod
    def of(cls, matrices: Sequence[FloatArray]) -> Stack:
        xs = [as_ratings(m) for m in matrices]
        if len({x.shape[1] for x in xs}) > 1:
            raise ValueError("stacked codes need the same number of coder columns")
        x = xs[0] if len(xs) == 1 else np.concatenate(xs)
        return cls(x, np.concatenate([[0], np.cumsum([m.shape[0] for m in xs])]))

    @property
    def codes(self) -> int:
        return int(self.starts.size - 1)

    @property
    def n_coders(self) -> int:
        return int(self.x.shape[1])

    @property
    def units(self) -> IntArray:
        """Units of each code."""
        return np.diff(self.starts)

    @cached_property
    def ratings(self) -> RatingList:
        """Every rating, unit by unit (built once)."""
        return rating_list(self.x)

    def code_of_unit(self) -> IntArray:
        return np.repeat(np.arange(self.codes), self.units)

    def per_code(self, of_unit: NDArray[Any]) -> FloatArray:
        """A per-unit quantity summed code by code, in row order."""
        sums = np.bincount(self.code_of_unit(), weights=of_unit, minlength=self.codes)
        return np.asarray(sums, dtype=np.float64)

    def pairable(self, units: NDArray[np.bool_]) -> tuple[IntArray, list[dict[str, int]]]:
        """Each code's pairable units (``units`` marks them) and its exclusions."""
        used = self.per_code(units).astype(np.int64)
        excluded = [
            nonzero({FEWER_THAN_TWO: int(n - u)}) for n, u in zip(self.units, used, strict=True)
        ]
        return used, excluded

    def bounds(self, code_of: IntArray) -> IntArray:
        """Where each code's entries start in ``code_of``, sorted by code: ``(codes + 1,)``."""
        return np.searchsorted(code_of, np.arange(self.codes + 1))


def means_by_code(
    stack: Stack,
    shares: FloatArray,
    code_of: IntArray,
    used: IntArray,
    excluded: Sequence[dict[str, int]],
) -> list[Estimate]:
    """Each code's mean of its coder pairs' ``shares`` (``code_of`` sorted), or why it has none."""
    bounds = stack.bounds(code_of)
    out = []
    for g in range(stack.codes):
        mine = shares[bounds[g] : bounds[g + 1]]
        if not mine.size:
            out.append(
                undefined(
                    "nothing pairable: no unit was rated by at least two coders",
                    units_excluded=excluded[g],
                )
            )
        else:
            value = float(np.mean(mine))
            out.append(Estimate(value=value, units_used=int(used[g]), units_excluded=excluded[g]))
    return out


# A code with at least this many terms in a sum is summed pairwise (numpy's ``sum``: error
# growing as log n); smaller codes in one ``bincount`` pass (in order: error at most
# n eps, under 1e-12 here). The choice depends on the code's own size only, never on the
# codes beside it, so a code's sums are the same alone or stacked.
PAIRWISE_FROM = 1 << 12


def code_sums(values: FloatArray, bounds: IntArray) -> FloatArray:
    """Each code's sum of its run ``values[bounds[g]:bounds[g + 1]]`` (runs in code order)."""
    sizes = np.diff(bounds)
    codes = sizes.size
    large = sizes >= PAIRWISE_FROM
    if large.all():  # no code summed by bincount: no code index per value needed
        out = np.zeros(codes)
    else:
        out = np.asarray(
            np.bincount(np.repeat(np.arange(codes), sizes), weights=values, minlength=codes),
            dtype=np.float64,
        )
    for g in np.flatnonzero(large).tolist():
        out[g] = values[bounds[g] : bounds[g + 1]].sum()
    return out
