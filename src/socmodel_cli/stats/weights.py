"""Agreement weights over the declared categories of a code.

A weight ``w[i, j]`` in ``[0, 1]`` says how much a pair of ratings ``(i, j)`` counts as
agreement: 1 on the diagonal, 0 for the most distant pair. Weights are built over the
*declared* values, so a value nobody used still sets the scale (unlike R ``irr``, whose
weighted kappa ranks only the observed levels).

``positions`` are the numeric positions of the categories: ``0..k-1`` for ordinal codes,
the declared numeric values for interval/ratio codes with a finite value set.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

WeightKind = Literal["identity", "linear", "quadratic"]
WEIGHT_KINDS: tuple[str, ...] = ("identity", "linear", "quadratic")


def agreement_weights(kind: str, positions: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(k, k)`` agreement weights.

    identity:  w_ij = [i == j]
    linear:    w_ij = 1 - |x_i - x_j| / (x_max - x_min)
    quadratic: w_ij = 1 - (x_i - x_j)^2 / (x_max - x_min)^2
    """
    x = np.asarray(positions, dtype=np.float64)
    k = x.size
    if kind not in WEIGHT_KINDS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHT_KINDS)}; got {kind!r}")
    if kind == "identity" or k < 2:
        return np.eye(k)
    span = float(x.max() - x.min())
    diff = np.abs(x[:, None] - x[None, :]) / span
    if kind == "linear":
        return 1.0 - diff
    return 1.0 - diff**2
