"""Which units: every pairable unit's part of the observed disagreement, largest first.

Alpha's observed disagreement is a sum over units (Krippendorff 2011):

    D_o = 1/n sum_u sum_{i != j in u} delta(x_i, x_j) / (m_u - 1)

so each unit contributes sum_{i != j} delta / (m_u - 1), with delta the code's metric:
nominal [x_i != x_j]; ordinal (r_i - r_j)^2 on the cumulative-midpoint ranks of the
pooled pairable values (Krippendorff's ordinal metric); interval (x_i - x_j)^2; ratio
((x_i - x_j) / (x_i + x_j))^2. A unit's ``share`` is its contribution over the total: the
units at the top are the ones whose resolution would raise alpha most. Next to it are the
share of disagreeing coder pairs in the unit and the spread (largest minus smallest value
on the scale, ordered codes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socmodel_cli.diagnostics.scale import CodeView, FloatArray
from socmodel_cli.ratings import UnitKey, unit_label


@dataclass(frozen=True)
class UnitDisagreement:
    unit: UnitKey
    label: str
    values: tuple[str | None, ...]  # each coder's value as written; None = not coded
    contribution: float  # sum_{i != j} delta / (m_u - 1), in the metric's units
    share: float  # of the code's total observed disagreement
    disagreeing_pairs: int
    pairs: int
    spread: float | None  # max - min on the scale (ordered codes)


def _delta_positions(view: CodeView) -> FloatArray:
    """Per rating, the number the metric compares: ordinal ranks, or the values themselves."""
    x = view.x
    if view.code.level != "ordinal":
        return x
    assert view.cats is not None
    cats = view.cats
    pairable = (cats >= 0).sum(axis=1) >= 2
    pooled = cats[pairable]
    n_g = np.bincount(pooled[pooled >= 0], minlength=view.k).astype(np.float64)
    # Cumulative-midpoint ranks: sum_{g<c} n_g + n_c / 2 (Krippendorff's ordinal metric).
    ranks = np.cumsum(n_g) - n_g / 2.0
    return np.where(cats >= 0, ranks[np.maximum(cats, 0)], np.nan)


def _delta(level: str, a: FloatArray, b: FloatArray) -> FloatArray:
    if level == "nominal":
        same: FloatArray = (a != b).astype(np.float64)
        return same
    if level == "ratio":
        s = a + b
        with np.errstate(invalid="ignore", divide="ignore"):
            r: FloatArray = np.where(s != 0, (a - b) / np.where(s != 0, s, 1.0), 0.0)
        return r * r
    diff: FloatArray = a - b
    return diff * diff


def unit_contributions(view: CodeView) -> FloatArray:
    """Each unit's contribution to n * D_o (zero for units that are not pairable)."""
    p = _delta_positions(view)
    level = view.code.level
    m = (~np.isnan(p)).sum(axis=1)
    total = np.zeros(p.shape[0], dtype=np.float64)
    for i in range(p.shape[1]):
        for j in range(i + 1, p.shape[1]):
            d = _delta(level, p[:, i], p[:, j])
            total += np.where(np.isnan(p[:, i]) | np.isnan(p[:, j]), 0.0, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m >= 2, 2.0 * total / np.maximum(m - 1, 1), 0.0)


def unit_disagreements(view: CodeView) -> tuple[UnitDisagreement, ...]:
    """Every unit with some disagreement, the largest contribution first."""
    x = view.x
    contrib = unit_contributions(view)
    total = float(contrib.sum())
    if total <= 0:
        return ()
    present = ~np.isnan(x)
    order = sorted(np.flatnonzero(contrib > 0), key=lambda u: (-contrib[u], u))
    out = []
    for u in order:
        row = x[u]
        vals = row[present[u]]
        pairs = vals.size * (vals.size - 1) // 2
        _, counts = np.unique(vals, return_counts=True)
        agreeing = int((counts * (counts - 1) // 2).sum())
        nums = view.numbers[u][present[u]]
        out.append(
            UnitDisagreement(
                unit=view.matrix.units[u],
                label=unit_label(view.matrix.units[u]),
                values=tuple(view.text(v) if not np.isnan(v) else None for v in row),
                contribution=float(contrib[u]),
                share=float(contrib[u]) / total,
                disagreeing_pairs=pairs - agreeing,
                pairs=int(pairs),
                spread=float(nums.max() - nums.min()) if view.ordered else None,
            )
        )
    return tuple(out)
