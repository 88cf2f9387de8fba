"""Quantiles of the normal and Student t distributions, without scipy.

Confidence intervals need two quantiles: the normal one (SAS-style kappa intervals) and
Student's t with ``n - 1`` degrees of freedom (Gwet's intervals, as irrCAC prints them).
The t quantile inverts the t distribution function, written through the regularised
incomplete beta function, by bisection to full double precision.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_STD_NORMAL = NormalDist()


def normal_quantile(p: float) -> float:
    """The ``p`` quantile of the standard normal distribution (0 < p < 1)."""
    return _STD_NORMAL.inv_cdf(p)


_TINY = 1e-300


def _floor(v: float) -> float:
    return _TINY if abs(v) < _TINY else v


def _floors(v: FloatArray) -> FloatArray:
    return np.where(np.abs(v) < _TINY, _TINY, v)


def _fraction_step(m: int, a: Any, b: Any, x: Any, c: Any, d: Any, h: Any, floor: Any) -> Any:
    """Step ``m`` (an even and an odd term) of the modified Lentz method: ``(c, d, h, step)``.

    Written once for floats and for arrays, whose elementwise arithmetic rounds the same,
    so :func:`t_cdf` and :func:`t_cdfs` agree to the last bit.
    """
    num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
    d = floor(1.0 + num * d)
    c = floor(1.0 + num / c)
    d = 1.0 / d
    h = h * (d * c)
    num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
    d = floor(1.0 + num * d)
    c = floor(1.0 + num / c)
    d = 1.0 / d
    step = d * c
    return c, d, h * step, step


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz method)."""
    c = 1.0
    d = 1.0 / _floor(1.0 - (a + b) * x / (a + 1.0))
    h = d
    for m in range(1, 10_000):
        c, d, h, step = _fraction_step(m, a, b, x, c, d, h, _floor)
        if abs(step - 1.0) < 1e-16:
            break
    return float(h)


def _beta_continued_fractions(a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
    """:func:`_beta_continued_fraction` of many arguments at once; each stops when it would
    (its result is kept from then on, and the arrays worked on shrink now and then)."""
    c = np.ones_like(x)
    d = 1.0 / _floors(1.0 - (a + b) * x / (a + 1.0))
    h = d.copy()
    out = h.copy()
    where = np.arange(x.size)  # of the entries still worked on, in ``out``
    live = np.ones(x.size, dtype=bool)
    for m in range(1, 10_000):
        c, d, h, step = _fraction_step(m, a, b, x, c, d, h, _floors)
        done = live & (np.abs(step - 1.0) < 1e-16)
        out[where[done]] = h[done]
        live &= ~done
        remaining = int(np.count_nonzero(live))
        if remaining == 0:
            return out
        if remaining <= live.size // 2:
            a, b, x, c, d, h, where = (v[live] for v in (a, b, x, c, d, h, where))
            live = np.ones(remaining, dtype=bool)
    out[where[live]] = h[live]
    return out


def _stirling_tail(z: float) -> float:
    """ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi) / 2], for large z."""
    z2 = z * z
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * z2)) / z2) / z2) / z


def _log_gamma_half_step(a: float) -> float:
    """ln Gamma(a + 1/2) - ln Gamma(a) without the cancellation of two huge lgammas."""
    if a < 100.0:
        return math.lgamma(a + 0.5) - math.lgamma(a)
    main = a * math.log1p(0.5 / a) + 0.5 * math.log(a) - 0.5
    return main + _stirling_tail(a + 0.5) - _stirling_tail(a)


def _log_inverse_beta(a: float, b: float) -> float:
    """-ln B(a, b) = ln Gamma(a + b) - ln Gamma(a) - ln Gamma(b).

    The t distribution needs b = 1/2 with a = df / 2, where subtracting two lgammas of
    size ~ a ln a would lose digits for large df; that case uses Stirling's series.
    """
    if b == 0.5:
        return _log_gamma_half_step(a) - math.lgamma(0.5)
    if a == 0.5:
        return _log_gamma_half_step(b) - math.lgamma(0.5)
    return math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    return _regularized_beta(a, b, x, 1.0 - x, math.log(x), math.log1p(-x))


def _regularized_beta(a: float, b: float, x: float, y: float, log_x: float, log_y: float) -> float:
    """I_x(a, b) given x, y = 1 - x and their logs, each computed without rounding loss.

    Passing y separately matters: when x is within 1e-5 of 1, ``1 - x`` would keep only
    about 11 significant digits.
    """
    front, a_, b_, x_, flip = _beta_terms(a, b, x, y, log_x, log_y)
    return _beta_from(front, a_, flip, _beta_continued_fraction(a_, b_, x_))


def _beta_terms(
    a: float, b: float, x: float, y: float, log_x: float, log_y: float
) -> tuple[float, float, float, float, bool]:
    """``(front, a', b', x', flipped)``: I_x(a, b) = front * CF(a', b', x') / a', or one minus
    that where flipped."""
    front = math.exp(_log_inverse_beta(a, b) + a * log_x + b * log_y)
    # The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the
    # symmetry I_x(a, b) = 1 - I_y(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0):
        return front, a, b, x, False
    return front, b, a, y, True


def _beta_from(front: float, a: float, flip: bool, fraction: float) -> float:
    return 1.0 - front * fraction / a if flip else front * fraction / a


def _t_terms(t: float, df: float) -> tuple[float, float, float, float, bool]:
    """:func:`_beta_terms` of P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t^2)."""
    # Written through z = t^2/df so that x, 1 - x and both logs keep full precision even
    # when x is close to 1.
    z = t * t / df
    x = 1.0 / (1.0 + z)
    y = z / (1.0 + z)
    log_x = -math.log1p(z)
    log_y = math.log(z) - math.log1p(z)
    return _beta_terms(df / 2.0, 0.5, x, y, log_x, log_y)


def _t_edge(t: float, df: float) -> float | None:
    """t_cdf where t^2 / df is 0 or infinite (t = 0, |t| below 1e-154, |t| near 1e308),
    which the logs below cannot take; else None."""
    z = t * t / df
    if z == 0.0:
        return 0.5
    if math.isinf(z):
        return 0.0 if t < 0 else 1.0
    return None


def t_cdf(t: float, df: float) -> float:
    """Distribution function of Student's t with ``df`` degrees of freedom."""
    edge = _t_edge(t, df)
    if edge is not None:
        return edge
    front, a, b, x, flip = _t_terms(t, df)
    tail = 0.5 * _beta_from(front, a, flip, _beta_continued_fraction(a, b, x))
    return 1.0 - tail if t > 0 else tail


def t_cdfs(ts: Sequence[float], dfs: Sequence[float]) -> list[float]:
    """:func:`t_cdf` of many ``(t, df)`` at once, equal to it to the last bit: the continued
    fractions, most of the work, run as array operations (a p-value for every code of a
    many-code run)."""
    edges = [_t_edge(t, df) for t, df in zip(ts, dfs, strict=True)]
    inner = [i for i, edge in enumerate(edges) if edge is None]
    terms = [_t_terms(ts[i], dfs[i]) for i in inner]
    found: dict[int, float] = {}
    if terms:
        fractions = _beta_continued_fractions(
            np.array([a for _, a, _, _, _ in terms]),
            np.array([b for _, _, b, _, _ in terms]),
            np.array([x for _, _, _, x, _ in terms]),
        ).tolist()
        for i, (front, a, _, _, flip), fraction in zip(inner, terms, fractions, strict=True):
            tail = 0.5 * _beta_from(front, a, flip, fraction)
            found[i] = 1.0 - tail if ts[i] > 0 else tail
    return [found[i] if edge is None else edge for i, edge in enumerate(edges)]


# Many estimates share a level and a df (one per coder pair, per code): remember them.
@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1, got {p}")
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
        if hi > 1e300:
            return hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def normal_interval(value: float, se: float, confidence: float) -> tuple[float, float]:
    """value -/+ z * se, the upper limit capped at 1 (no agreement coefficient exceeds 1)."""
    z = normal_quantile(0.5 + confidence / 2.0)
    return (value - z * se, min(1.0, value + z * se))


def t_interval(value: float, se: float, df: float, confidence: float) -> tuple[float, float]:
    """value -/+ t(df) * se, the upper limit capped at 1."""
    t = t_quantile(0.5 + confidence / 2.0, df)
    return (value - t * se, min(1.0, value + t * se))
