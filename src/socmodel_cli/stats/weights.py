"""Agreement weights over the declared categories of a code.

A weight ``w[k, l]`` in ``[0, 1]`` says how much a pair of ratings ``(k, l)`` counts as
agreement: 1 on the diagonal, 0 for the most distant pair. Weights are built over the
*declared* values, so a value nobody used still sets the scale (unlike R ``irr``, whose
weighted kappa ranks only the observed levels).

``positions`` ``x`` are the numeric positions of the categories, sorted: the declared
numeric values for interval/ratio codes with a finite value set, the ranks ``1..q`` for
ordinal codes (see :func:`code_weights`). The families are those of Gwet (2014, ch. 3)
as irrCAC defines them, with ``q`` categories, ranks ``k, l = 0..q-1``,
``d = |x_k - x_l|`` and ``S = x_max - x_min``:

    identity:  w = [k == l]
    linear:    w = 1 - d / S
    quadratic: w = 1 - (d / S)^2
    radical:   w = 1 - sqrt(d / S)
    ordinal:   w = 1 - m (m + 1) / (q (q - 1)),  m = |k - l|  (ranks only, not positions)
    ratio:     w = 1 - [((x_k - x_l) / (x_k + x_l)) / (S / (x_max + x_min))]^2,  x >= 0
    circular:  w = 1 - sin^2(pi d / U) / max_kl sin^2(pi d / U),  U = S + 1
    bipolar:   w = 1 - b_kl / max_kl b_kl,
               b_kl = d^2 / ((x_k + x_l - 2 x_min) (2 x_max - x_k - x_l)) for k != l, b_kk = 0

A custom matrix may replace a family: it must be ``q x q``, symmetric, within ``[0, 1]``
and have ones on the diagonal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import CategoricalView

FloatMatrix = NDArray[np.float64]

WeightKind = Literal[
    "identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"
]
WEIGHT_KINDS: tuple[str, ...] = get_args(WeightKind)
# Every family but identity gives credit for "near" categories, so it needs an order.
ORDERED_KINDS: tuple[str, ...] = tuple(k for k in WEIGHT_KINDS if k != "identity")

# A family name or a q x q matrix of agreement weights.
WeightSpec = str | FloatMatrix | Sequence[Sequence[float]]


def agreement_weights(kind: str, positions: NDArray[np.float64]) -> FloatMatrix:
    """``(q, q)`` agreement weights of family ``kind`` over sorted ``positions``.

    Formulas in the module docstring. With fewer than two categories every family is the
    identity. ``ratio`` needs non-negative positions (``ValueError`` otherwise); a pair of
    zeros counts as agreement, where irrCAC refuses a category 0 altogether.
    """
    x = np.asarray(positions, dtype=np.float64)
    k = x.size
    if kind not in WEIGHT_KINDS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHT_KINDS)}; got {kind!r}")
    if kind == "ratio" and k and x.min() < 0:
        raise ValueError("ratio weights need non-negative category positions")
    if kind == "identity" or k < 2:
        return np.eye(k)
    if kind == "ordinal":
        m = np.abs(np.arange(k)[:, None] - np.arange(k)[None, :]).astype(np.float64)
        return 1.0 - m * (m + 1.0) / (k * (k - 1.0))
    span = float(x.max() - x.min())
    dist = np.abs(x[:, None] - x[None, :])
    diff = dist / span
    if kind == "linear":
        return 1.0 - diff
    if kind == "quadratic":
        return 1.0 - diff**2
    if kind == "radical":
        root: FloatMatrix = np.sqrt(diff)
        return 1.0 - root
    if kind == "ratio":
        return _ratio(x)
    if kind == "circular":
        return _normalised_disagreement(np.sin(np.pi * dist / (span + 1.0)) ** 2)
    return _bipolar(x)


def _normalised_disagreement(raw: FloatMatrix) -> FloatMatrix:
    """Weights 1 - raw / max(raw) from a disagreement matrix that is 0 on the diagonal."""
    w = 1.0 - raw / float(raw.max())
    np.fill_diagonal(w, 1.0)
    return w


def _ratio(x: FloatMatrix) -> FloatMatrix:
    total = x[:, None] + x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(total > 0, (x[:, None] - x[None, :]) / total, 0.0)
    top = float((x.max() - x.min()) / (x.max() + x.min()))
    out: FloatMatrix = 1.0 - (rel / top) ** 2
    return out


def _bipolar(x: FloatMatrix) -> FloatMatrix:
    lo, hi = float(x.min()), float(x.max())
    pair_sum = x[:, None] + x[None, :]
    den = (pair_sum - 2.0 * lo) * (2.0 * hi - pair_sum)
    off = ~np.eye(x.size, dtype=bool)
    raw = np.zeros((x.size, x.size))
    # Off the diagonal the denominator is positive: a pair sums to 2 x_min (or 2 x_max)
    # only when both ratings are that extreme, i.e. on the diagonal.
    raw[off] = (x[:, None] - x[None, :])[off] ** 2 / den[off]
    return _normalised_disagreement(raw)


def custom_weights(matrix: WeightSpec, q: int) -> FloatMatrix:
    """A user-given ``q x q`` weight matrix, checked: symmetric, in [0, 1], unit diagonal.

    Raises ``ValueError`` naming the first offending cell (0-based row and column).
    """
    if isinstance(matrix, str):
        raise ValueError(f"expected a weight matrix, got the name {matrix!r}")
    try:
        w = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"custom weights must be a {q} x {q} matrix of numbers") from exc
    if w.shape != (q, q):
        raise ValueError(
            f"custom weights must be a {q} x {q} matrix (one row and column per declared "
            f"category); got shape {w.shape}"
        )
    bad = np.argwhere(~np.isfinite(w) | (w < 0) | (w > 1))
    if bad.size:
        i, j = bad[0]
        raise ValueError(f"custom weights: w[{i}][{j}] = {w[i, j]!r} is not within [0, 1]")
    diag = np.flatnonzero(np.diag(w) != 1.0)
    if diag.size:
        i = diag[0]
        raise ValueError(f"custom weights: w[{i}][{i}] = {w[i, i]!r}; the diagonal must be 1")
    asym = np.argwhere(w != w.T)
    if asym.size:
        i, j = asym[0]
        raise ValueError(
            f"custom weights must be symmetric: w[{i}][{j}] = {w[i, j]!r} but "
            f"w[{j}][{i}] = {w[j, i]!r}"
        )
    return w


def resolve_weights(weights: WeightSpec, positions: NDArray[np.float64]) -> FloatMatrix:
    """A family by name over ``positions``, or a custom matrix checked against their number."""
    if isinstance(weights, str):
        return agreement_weights(weights, positions)
    return custom_weights(weights, int(np.asarray(positions).size))


def code_weights(weights: WeightSpec, view: CategoricalView, level: str) -> FloatMatrix | str:
    """The weight matrix for one code, or the reason it has none.

    Ordered families need ordered categories (a nominal code has no "near" category);
    identity and custom matrices apply to any code. Ordinal codes sit at ranks ``1..q``
    (where irrCAC puts non-numeric categories; only ratio weights depend on where the
    ranks start), interval/ratio codes at their declared values.
    """
    if isinstance(weights, str) and weights in ORDERED_KINDS and not view.ordered:
        return f"{weights} weights need ordered categories; this code is nominal"
    ranks = level in ("nominal", "ordinal")
    positions = np.arange(1.0, view.k + 1.0) if ranks else view.positions
    if isinstance(weights, str) and weights == "ratio" and view.k and positions.min() < 0:
        return "ratio weights need non-negative declared values"
    return resolve_weights(weights, positions)
