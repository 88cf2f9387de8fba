"""Sums of the ratio metric over a pool of distinct values: exactly, or by quadrature.

Ratio alpha's expected disagreement needs

    E = sum_{v, w} c_v c_w delta(v, w),   delta(v, w) = ((v - w) / (v + w))^2,

over the V distinct values with counts c: O(V^2) pairs. For v + w > 0,
1 / (v + w)^2 = int_0^inf t exp(-t (v + w)) dt, so with t = e^x

    E = int_R f(x) dx,  f(x) = 2 W(t) S(t),  W = sum_v c_v e^{-t v},
    S = sum_v c_v e^{-t v} (t (v - mu_t))^2,  mu_t = sum_v c_v v e^{-t v} / W,

using sum_{v,w} a_v a_w (v - w)^2 = 2 (sum a)(sum a (v - mu)^2). Every term is positive: no
cancellation. The trapezoid rule with step h on the nodes x_lo <= x_k <= x_hi costs O(V) per
node. Its relative error is bounded, whatever the data (docs/statistics.md proves it):

* discretisation: each pair's integrand (v - w)^2 e^{2x} exp(-e^x (v + w)) is analytic in the
  strip |Im x| < pi/2 with integral delta / cos^2(y) along Im x = y, so by the trapezoid
  theorem for analytic functions (Trefethen & Weideman 2014, Thm 5.1) the relative error is at
  most 2 / (cos^2(a) (exp(2 pi a / h) - 1)) for any a < pi/2: with h = 0.2 and a = 1.3,
  below 6e-17;
* the tails: with the values scaled so that the largest lies in [1/2, 1), nodes below
  x_lo = -21 add at most 4 e^{2 x_lo} h / (1 - e^{-2h}) < 1e-17 of each pair's value, and
  nodes above x_hi = ln(45 / v_min) + h at most 46 e^{-45} < 2e-18 (v_min the smallest
  positive value).

With floating-point rounding the result agrees with the exact sum to about 1e-14 (a test
checks 1e-12 on random pools). The quadrature is used above :data:`QUADRATURE_FROM` distinct
values; the exact blockwise sum below it, and whenever the positive values span more than
about 300 orders of magnitude (t would overflow).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from socmodel_cli.stats._checks import FloatArray
from socmodel_cli.stats._precision import _exponent

# Distinct values from which the quadrature replaces the O(V^2) exact sum.
QUADRATURE_FROM = 4096
STEP = 0.2
LOW = -21.0
TAIL = 45.0
# Below this smallest positive value (after scaling the largest to [1/2, 1)) t would overflow.
_SMALLEST = 1e-300
# Elements per block when summing exactly over pairs of distinct values.
_BLOCK = 1 << 22
# exp(-745) is 0 in double precision.
_EXP_ZERO = 745.0


def ratio_delta(a: FloatArray, b: FloatArray) -> FloatArray:
    """((a - b) / (a + b))^2 for a, b >= 0, with 0 where both are zero; NaN propagates.

    Written as u / (2 - u) with u = (hi - lo) / hi (hi = max(a, b), lo = min(a, b)), which
    equals (hi - lo) / (hi + lo) but never forms a + b: no overflow near the largest float,
    and subnormal values keep every digit they have.
    """
    hi = np.maximum(a, b)
    lo = np.minimum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (hi - lo) / hi
        d = u / (2.0 - u)
    d = np.where(hi == 0, 0.0, d)
    out: FloatArray = d * d
    return out


def _scaled(vals: FloatArray) -> FloatArray | None:
    """Positive sorted values scaled by a power of two (largest in [1/2, 1)), or None when
    the quadrature does not apply (too few values, or too wide a range)."""
    if vals.size <= QUADRATURE_FROM:
        return None
    v: FloatArray = np.ldexp(vals, -_exponent(float(vals[-1])))
    return v if float(v[0]) >= _SMALLEST else None


def _deviations(v: FloatArray, weights: FloatArray, total: float) -> FloatArray:
    """v - mu for the weighted mean mu of ``v``, formed as (v - o) - (mu - o) with o the data
    value nearest mu: differences of nearby values keep their digits, so values clustered
    near 1e6 (differing in the sixth digit) or spread over 200 orders of magnitude lose none."""
    rough = float(weights @ v) / total
    o = v[min(int(np.searchsorted(v, rough)), v.size - 1)]
    dv = v - o
    out: FloatArray = dv - float(weights @ dv) / total
    return out


def _nodes(v: FloatArray) -> Iterator[tuple[float, slice]]:
    """The quadrature nodes t_k = e^{x_k} and the values with e^{-t v} > 0 at each."""
    high = math.log(TAIL / float(v[0])) + STEP
    for k in range(math.ceil((high - LOW) / STEP) + 1):
        t = math.exp(LOW + k * STEP)
        yield t, slice(0, int(np.searchsorted(v, _EXP_ZERO / t, side="left")))


def ratio_pair_sum(vals: FloatArray, counts: FloatArray) -> float:
    """sum_{v, w} c_v c_w delta_ratio(v, w) over sorted distinct non-negative values.

    A zero value is handled apart (delta(0, w) = 1 for w > 0); the positive values are summed
    exactly in blocks, or by quadrature when there are many (see the module docstring).
    """
    total = 0.0
    if vals.size and vals[0] == 0.0:
        total += 2.0 * float(counts[0]) * float(counts[1:].sum())
        vals, counts = vals[1:], counts[1:]
    v = _scaled(vals)
    if v is None:
        return total + _exact_pair_sum(vals, counts)
    acc = 0.0
    for t, ok in _nodes(v):
        c, e = counts[ok], np.exp(-t * v[ok])
        w = float(c @ e)
        if w > 0:
            d = t * _deviations(v[ok], c * e, w)
            acc += 2.0 * w * float((c * e) @ (d * d))
    return total + STEP * acc


def _exact_pair_sum(vals: FloatArray, counts: FloatArray) -> float:
    """Only pairs v < w are visited (twice their sum is returned): for a block of rows, the
    distances to every larger value in one buffer, reduced by a matrix-vector product."""
    total = 0.0
    size = vals.size
    step = max(1, _BLOCK // max(size, 1))
    for start in range(0, size, step):
        stop = min(size, start + step)
        rows = vals[start:stop, None]
        cols = vals[None, start:]
        # u = (w - v) / w and delta = (u / (2 - u))^2, as in ratio_delta (w > 0 here)
        d = cols - rows
        # left of the diagonal (w < v, zeroed below) a tiny w can overflow: harmless
        with np.errstate(over="ignore", invalid="ignore"):
            d /= cols
            d /= 2.0 - d
            d *= d
        d[np.tril_indices(stop - start, k=0, m=d.shape[1])] = 0.0
        total += 2.0 * float(counts[start:stop] @ (d @ counts[start:]))
    return total


def ratio_potentials(vals: FloatArray, counts: FloatArray) -> FloatArray:
    """phi_v = sum_w c_w delta_ratio(v, w) for every sorted distinct non-negative value v.

    Used to take values out of a pool without summing it again:
    sum over the pool without D = E - 2 sum_v D_v phi_v + sum_vw D_v D_w delta_vw. By
    quadrature phi_v = h sum_k e^{-t_k v} [W_k (t_k (v - mu_k))^2 + S_k], again all positive.
    """
    out = np.zeros(vals.size)
    first = 1 if vals.size and vals[0] == 0.0 else 0
    if first:
        out[0] = float(counts[1:].sum())
        out[1:] += float(counts[0])
    pos, c = vals[first:], counts[first:]
    v = _scaled(pos)
    if v is None:
        step = max(1, _BLOCK // max(pos.size, 1))
        for start in range(0, pos.size, step):
            block = ratio_delta(pos[start : start + step, None], pos[None, :])
            out[first + start : first + start + step] += block @ c
        return out
    acc = np.zeros(v.size)
    for t, ok in _nodes(v):
        cc, e = c[ok], np.exp(-t * v[ok])
        w = float(cc @ e)
        if w > 0:
            d = t * _deviations(v[ok], cc * e, w)
            acc[ok] += e * (w * d * d + float((cc * e) @ (d * d)))
    out[first:] += STEP * acc
    return out


def ratio_sums_of_counts(
    vals: FloatArray, full_counts: FloatArray, counts: FloatArray
) -> FloatArray | None:
    """The pair sum for each row of ``counts`` ``(b, V)`` (bootstrap replicates), by
    quadrature; None when the quadrature does not apply. Each node is centred on the full
    data's weighted mean, so sum c e (t(v - mu_b))^2 = A2 - A1^2 / W loses no digits for
    replicates near the data."""
    first = 1 if vals.size and vals[0] == 0.0 else 0
    v = _scaled(vals[first:])
    if v is None:
        return None
    out = np.zeros(counts.shape[0])
    if first:
        out += 2.0 * counts[:, 0] * counts[:, 1:].sum(axis=1)
    c_full, c = full_counts[first:], counts[:, first:]
    for t, ok in _nodes(v):
        e = np.exp(-t * v[ok])
        full_weights = c_full[ok] * e
        d = t * _deviations(v[ok], full_weights, float(full_weights.sum()))
        w = c[:, ok] @ e
        a1 = c[:, ok] @ (e * d)
        a2 = c[:, ok] @ (e * d * d)
        with np.errstate(invalid="ignore", divide="ignore"):
            out += STEP * np.where(w > 0, 2.0 * (w * a2 - a1 * a1), 0.0)
    return out
