"""Input checks shared by the coefficients, and the categorical view of a code.

Wrong shapes, unknown levels and cells that break the documented encoding are
programmer errors (``ValueError``); everything about the data itself (missing cells,
no variation) is handled by the coefficients as an undefined ``Estimate``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats.estimate import LEVELS, Level

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

CONTINUOUS_REASON = (
    "continuous code: kappa-type coefficients need a finite set of values; "
    "declare values to get kappa"
)


def as_ratings(ratings: FloatArray) -> FloatArray:
    """The ratings as a 2-D float64 array ``(n_units, n_coders)``; NaN = not coded."""
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"ratings must be 2-D (units x coders), got shape {x.shape}")
    if np.isinf(x).any():
        raise ValueError("ratings contain infinite values; use NaN for 'not coded'")
    return x


def check_level(level: str) -> Level:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    return level  # type: ignore[return-value]


def category_codes(x: FloatArray, k: int) -> IntArray:
    """Category indices as int64 with -1 for 'not coded'; checks they lie in ``0..k-1``."""
    present = ~np.isnan(x)
    vals = x[present]
    check_category_values(vals, k)
    codes = np.full(x.shape, -1, dtype=np.int64)
    codes[present] = vals.astype(np.int64)
    return codes


def check_category_values(vals: FloatArray, k: int) -> None:
    """Raise ``ValueError`` unless every value (no NaN) is a category index ``0..k-1``."""
    if k < 1:
        raise ValueError(f"n_categories must be at least 1, got {k}")
    if vals.size and ((vals != np.round(vals)).any() or vals.min() < 0 or vals.max() > k - 1):
        bad = vals[(vals != np.round(vals)) | (vals < 0) | (vals > k - 1)][0]
        raise ValueError(f"categorical cells must hold category indices 0..{k - 1}; found {bad!r}")


def value_codes(x: FloatArray, categories: FloatArray) -> IntArray:
    """Indices of numeric cells in the sorted declared values (-1 for 'not coded')."""
    present = ~np.isnan(x)
    codes = np.full(x.shape, -1, dtype=np.int64)
    codes[present] = value_indices(x[present], categories)
    return codes


def value_indices(vals: FloatArray, categories: FloatArray) -> IntArray:
    """Index of each value (no NaN) in the sorted declared values; ``ValueError`` if undeclared."""
    cats = np.asarray(categories, dtype=np.float64)
    if cats.ndim != 1 or cats.size < 1:
        raise ValueError("categories must be a non-empty 1-D array of declared values")
    if (np.diff(cats) <= 0).any():
        raise ValueError("categories must be sorted and distinct")
    idx = np.clip(np.searchsorted(cats, vals), 0, cats.size - 1)
    # Values read from files ("2.0", "2") round-trip exactly; allow only float noise.
    ok = np.isclose(cats[idx], vals, rtol=1e-12, atol=0.0)
    if not ok.all():
        raise ValueError(f"value {vals[~ok][0]!r} is not one of the declared categories")
    out: IntArray = idx.astype(np.int64)
    return out


@dataclass(frozen=True, slots=True)
class CategoricalView:
    """A code seen as categories: indices, their count and their positions on the scale."""

    codes: IntArray  # (n_units, n_coders), -1 = not coded
    k: int  # declared categories, used or not
    positions: FloatArray  # (k,) numeric position of each category (index or declared value)
    ordered: bool  # False for nominal codes


def categorical_view(
    ratings: FloatArray,
    level: str,
    n_categories: int | None,
    categories: FloatArray | None,
) -> CategoricalView | str:
    """The categorical view of a code, or the reason it has none (a continuous code)."""
    lvl = check_level(level)
    x = as_ratings(ratings)
    if lvl in ("nominal", "ordinal"):
        if n_categories is None:
            raise ValueError(f"n_categories is required for {lvl} codes")
        k = int(n_categories)
        return CategoricalView(
            codes=category_codes(x, k),
            k=k,
            positions=np.arange(k, dtype=np.float64),
            ordered=lvl == "ordinal",
        )
    if categories is None:
        return CONTINUOUS_REASON
    cats = np.asarray(categories, dtype=np.float64)
    return CategoricalView(
        codes=value_codes(x, cats), k=int(cats.size), positions=cats, ordered=True
    )


def describe_value(v: float, *, categorical: bool) -> str:
    """How a single value is named in reasons: ``category 2`` or ``3.5``."""
    return f"category {int(v)}" if categorical else f"{v:g}"
