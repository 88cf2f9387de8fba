"""Which units: every pairable unit's part of the observed disagreement, largest first.

Alpha's observed disagreement is a sum over units (Krippendorff 2011):

    D_o = 1/n sum_u sum_{i != j in u} delta(x_i, x_j) / (m_u - 1)

so each unit contributes sum_{i != j} delta / (m_u - 1), with delta the code's metric:
nominal [x_i != x_j]; ordinal (r_i - r_j)^2 on the cumulative-midpoint ranks of the
pooled pairable values (Krippendorff's ordinal metric); interval (x_i - x_j)^2; ratio
((x_i - x_j) / (x_i + x_j))^2. A unit's ``share`` is its contribution over the total: the
units at the top are the ones whose resolution would raise alpha most. Next to it are the
share of disagreeing coder pairs in the unit and the spread (largest minus smallest value
on the scale, ordered codes). Pairs are taken inside units from the rating lists, so the
cost does not grow with the number of coders; interval differences are formed in the
values' frame (shift-invariant shares at any magnitude).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import overload

import numpy as np

from socmodel_cli.diagnostics.scale import CodeView, FloatArray, IntArray
from socmodel_cli.ratings import UnitKey, unit_label
from socmodel_cli.stats._precision import frame
from socmodel_cli.stats._sparse import RatingList, count_keys, pairs_in_units
from socmodel_cli.stats.ratio_sums import ratio_delta
from socmodel_cli.values import display


@dataclass(frozen=True)
class UnitDisagreement:
    unit: UnitKey
    label: str
    values: tuple[str | None, ...]  # each coder's value as written; None = not coded
    contribution: float | None  # sum_{i != j} delta / (m_u - 1), metric's units; None: overflow
    share: float  # of the code's total observed disagreement
    disagreeing_pairs: int
    pairs: int
    spread: float | None  # max - min on the scale (ordered codes)


def _delta_positions(view: CodeView) -> tuple[RatingList, int]:
    """The ratings with the number the metric compares as value (ordinal ranks, interval
    values moved into their frame, or the values), and the power of two that takes a
    squared difference of them back to the metric's units."""
    r = view.ratings
    level = view.code.level
    if level == "interval":
        f = frame(r.value)
        return replace(r, value=f.apply(r.value)), 2 * f.unit
    if level != "ordinal":
        return r, 0
    pooled = r.value[r.m[r.unit] >= 2].astype(np.int64)
    n_g = np.bincount(pooled, minlength=view.k).astype(np.float64)
    # Cumulative-midpoint ranks: sum_{g<c} n_g + n_c / 2 (Krippendorff's ordinal metric).
    ranks = np.cumsum(n_g) - n_g / 2.0
    return replace(r, value=ranks[r.value.astype(np.int64)]), 0


def _delta(level: str, a: FloatArray, b: FloatArray) -> FloatArray:
    if level == "nominal":
        same: FloatArray = (a != b).astype(np.float64)
        return same
    if level == "ratio":
        return ratio_delta(a, b)
    diff: FloatArray = a - b
    return diff * diff


def _contributions(view: CodeView) -> tuple[FloatArray, int]:
    """Each unit's contribution to n * D_o in the frame of ``_delta_positions``, from the pairs
    of ratings inside units (O(ratings x coders per unit)), and the exponent back."""
    everyone, exponent = _delta_positions(view)
    r = everyone.pairable()
    total = np.zeros(r.n_units, dtype=np.float64)
    for i, j in pairs_in_units(r):
        d = _delta(view.code.level, r.value[i], r.value[j])
        total += np.bincount(r.unit[i], weights=d, minlength=r.n_units)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(r.m >= 2, 2.0 * total / np.maximum(r.m - 1, 1), 0.0)
    return out, exponent


def unit_contributions(view: CodeView) -> FloatArray:
    """Each unit's contribution to n * D_o (zero for units that are not pairable), in the
    metric's units (infinite where that overflows the float range, values near 1e154+)."""
    contrib, exponent = _contributions(view)
    with np.errstate(over="ignore"):
        out: FloatArray = np.ldexp(contrib, exponent)
    return out


def _rows_of(r: RatingList, units: IntArray) -> IntArray:
    """Indices of the ratings of ``units``, unit after unit."""
    start = r.first_of_unit()[units]
    m = r.m[units]
    out: IntArray = np.repeat(start - (np.cumsum(m) - m), m) + np.arange(int(m.sum()))
    return out


class UnitDisagreements(Sequence[UnitDisagreement]):
    """Every unit with some disagreement, the largest contribution first, as columns.

    A study's list can hold a hundred thousand units while the text and JSON show the top
    few and only ``--units-csv`` goes through them all, so each entry is made when it is
    read: the list costs a few numbers per unit and the values of its ratings, not an
    object with a tuple of strings per unit (and keeps no reference to the code's arrays).
    """

    def __init__(
        self,
        view: CodeView,
        order: IntArray,
        columns: dict[str, FloatArray | IntArray],
    ) -> None:
        self._units = view.matrix.units
        self._n_coders = len(view.coders)
        self._text = partial(display, view.code)  # not view.text: that would keep the view
        self._order = order
        self._c = columns

    def __len__(self) -> int:
        return int(self._order.size)

    @overload
    def __getitem__(self, i: int) -> UnitDisagreement: ...
    @overload
    def __getitem__(self, i: slice) -> list[UnitDisagreement]: ...
    def __getitem__(self, i: int | slice) -> UnitDisagreement | list[UnitDisagreement]:
        if isinstance(i, slice):
            return [self._entry(k) for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._entry(i % len(self))

    def _entry(self, k: int) -> UnitDisagreement:
        c = self._c
        u = int(self._order[k])
        lo, hi = int(c["start"][k]), int(c["start"][k + 1])
        row: list[str | None] = [None] * self._n_coders
        for coder, value in zip(
            c["coder"][lo:hi].tolist(), c["value"][lo:hi].tolist(), strict=True
        ):
            row[coder] = self._text(value)
        metric, spread = float(c["metric"][k]), float(c["spread"][k])
        pairs = int(c["pairs"][k])
        return UnitDisagreement(
            unit=self._units[u],
            label=unit_label(self._units[u]),
            values=tuple(row),
            contribution=metric if math.isfinite(metric) else None,
            share=float(c["share"][k]),
            disagreeing_pairs=pairs - int(c["agreeing"][k]),
            pairs=pairs,
            spread=spread if math.isfinite(spread) else None,
        )


def unit_disagreements(view: CodeView) -> UnitDisagreements:
    """Every unit with some disagreement, the largest contribution first."""
    contrib, exponent = _contributions(view)
    total = float(contrib.sum())
    r = view.ratings
    units = np.flatnonzero(contrib > 0) if total > 0 else np.zeros(0, dtype=np.intp)
    order = units[np.lexsort((units, -contrib[units]))]
    # Agreeing coder pairs per unit: sum over equal values of n (n - 1) / 2.
    _, value_index = np.unique(r.value, return_inverse=True)
    n_vals = int(value_index.max()) + 1 if value_index.size else 1
    keys, same = count_keys(r.unit * n_vals + value_index, r.n_units * n_vals)
    agreeing = np.bincount(keys // n_vals, weights=same * (same - 1) / 2, minlength=r.n_units)
    numbers = view.numbers[r.unit, r.coder]
    with np.errstate(over="ignore", invalid="ignore"):
        metrics = np.ldexp(contrib[order], exponent)
        low = np.full(r.n_units, np.inf)
        high = np.full(r.n_units, -np.inf)
        np.minimum.at(low, r.unit, numbers)
        np.maximum.at(high, r.unit, numbers)
        spread = high[order] - low[order] if view.ordered else np.full(order.size, np.nan)
    m = r.m[order]
    rows = _rows_of(r, order)
    columns: dict[str, FloatArray | IntArray] = {
        "start": np.concatenate([[0], np.cumsum(m)]).astype(np.intp),
        "coder": r.coder[rows],
        "value": r.value[rows],
        "metric": metrics,
        "share": contrib[order] / total if total > 0 else contrib[order],
        "agreeing": np.rint(agreeing[order]).astype(np.int64),
        "pairs": (m * (m - 1) // 2).astype(np.int64),
        "spread": spread,
    }
    return UnitDisagreements(view, order, columns)
