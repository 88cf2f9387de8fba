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
from dataclasses import dataclass

import numpy as np

from socmodel_cli.diagnostics.scale import CodeView, FloatArray
from socmodel_cli.ratings import UnitKey, unit_label
from socmodel_cli.stats._precision import frame
from socmodel_cli.stats._sparse import pairs_in_units, rating_list
from socmodel_cli.stats.alpha import ratio_delta


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


def _delta_positions(view: CodeView) -> tuple[FloatArray, int]:
    """Per rating, the number the metric compares (ordinal ranks, interval values moved into
    their frame, or the values), and the power of two that takes a squared difference of
    them back to the metric's units."""
    x = view.x
    level = view.code.level
    if level == "interval":
        present = x[~np.isnan(x)]
        f = frame(present)
        return f.apply(x), 2 * f.unit
    if level != "ordinal":
        return x, 0
    assert view.cats is not None
    cats = view.cats
    pairable = (cats >= 0).sum(axis=1) >= 2
    pooled = cats[pairable]
    n_g = np.bincount(pooled[pooled >= 0], minlength=view.k).astype(np.float64)
    # Cumulative-midpoint ranks: sum_{g<c} n_g + n_c / 2 (Krippendorff's ordinal metric).
    ranks = np.cumsum(n_g) - n_g / 2.0
    return np.where(cats >= 0, ranks[np.maximum(cats, 0)], np.nan), 0


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
    p, exponent = _delta_positions(view)
    r = rating_list(p).pairable()
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


def unit_disagreements(view: CodeView) -> tuple[UnitDisagreement, ...]:
    """Every unit with some disagreement, the largest contribution first."""
    contrib, exponent = _contributions(view)
    total = float(contrib.sum())
    if total <= 0:
        return ()
    r = rating_list(view.x)
    start = r.first_of_unit()
    numbers = view.numbers[r.unit, r.coder]
    units = np.flatnonzero(contrib > 0)
    order = units[np.lexsort((units, -contrib[units]))]
    n_coders = len(view.coders)
    out = []
    for u in order.tolist():
        lo, hi = int(start[u]), int(start[u] + r.m[u])
        vals = r.value[lo:hi]
        pairs = vals.size * (vals.size - 1) // 2
        _, counts = np.unique(vals, return_counts=True)
        agreeing = int((counts * (counts - 1) // 2).sum())
        row: list[str | None] = [None] * n_coders
        for c, v in zip(r.coder[lo:hi].tolist(), vals.tolist(), strict=True):
            row[c] = view.text(v)
        nums = numbers[lo:hi]
        with np.errstate(over="ignore"):
            spread = float(nums.max() - nums.min()) if view.ordered else None
            metric = float(np.ldexp(contrib[u], exponent))
        out.append(
            UnitDisagreement(
                unit=view.matrix.units[u],
                label=unit_label(view.matrix.units[u]),
                values=tuple(row),
                contribution=metric if math.isfinite(metric) else None,
                share=float(contrib[u]) / total,
                disagreeing_pairs=pairs - agreeing,
                pairs=int(pairs),
                spread=spread if spread is None or math.isfinite(spread) else None,
            )
        )
    return tuple(out)
