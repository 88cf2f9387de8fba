"""Tests of a coefficient against zero: z = value / se and its two-sided p-value.

Two conventions are in use, and socmodel follows each peer where it computes the same SE:

* Gwet's linearised SE (Fleiss' kappa, Brennan-Prediger, AC1/AC2, Conger's kappa, weighted
  Scott's pi): z = c / se with p = 2 P(T > |z|), T Student's t on n - 1 degrees of freedom,
  the same distribution as the interval (irrCAC, R and Python). Python irrCAC 0.4.4 prints
  a one-sided p for Brennan-Prediger only; R irrCAC's is two-sided, as is socmodel's.
* The SE under H0: kappa = 0 (R ``irr``): z = kappa / se0 with p = 2 P(Z > |z|), Z normal.
  ``irr::kappam.fleiss`` prints this z for Fleiss' kappa on complete data
  (:func:`fleiss_kappa_null_se`); ``irr::kappam.fleiss(exact = TRUE)`` (Conger) prints none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from socmodel_cli.stats.distributions import t_cdf, t_cdfs

_STD_NORMAL = NormalDist()


def z_test(
    value: float, se: float | None, df: float | None = None
) -> tuple[float | None, float | None]:
    """``(z, p)`` for H0: coefficient = 0; p from Student's t on ``df`` or, if None, the normal.

    ``(None, None)`` when there is no positive standard error (e.g. perfect agreement
    with se = 0, where the statistic is not finite).
    """
    if se is None or not se > 0.0 or not math.isfinite(se):
        return None, None
    z = value / se
    if not math.isfinite(z):
        return None, None
    tail = _STD_NORMAL.cdf(-abs(z)) if df is None else t_cdf(-abs(z), df)
    return z, 2.0 * tail


def z_tests(
    values: Sequence[float], ses: Sequence[float | None], dfs: Sequence[float]
) -> list[tuple[float | None, float | None]]:
    """:func:`z_test` of many coefficients with Student's t, each on its own ``df``, equal
    to it to the last bit (the t distribution function of them all at once)."""
    zs: list[float | None] = []
    for value, se in zip(values, ses, strict=True):
        z = value / se if se is not None and se > 0.0 and math.isfinite(se) else math.nan
        zs.append(z if math.isfinite(z) else None)
    tested = [(i, z) for i, z in enumerate(zs) if z is not None]
    tails = t_cdfs([-abs(z) for _, z in tested], [dfs[i] for i, _ in tested])
    out: list[tuple[float | None, float | None]] = [(None, None)] * len(zs)
    for (i, z), tail in zip(tested, tails, strict=True):
        out[i] = (z, 2.0 * tail)
    return out


def fleiss_kappa_null_se(counts: ArrayLike) -> float | None:
    """Standard error of Fleiss' kappa under H0: kappa = 0 (Fleiss, Nee & Landis 1979).

    For n units each rated by the same m >= 2 coders, with overall category shares p_j and
    q_j = 1 - p_j:

        var0 = 2 [ (sum_j p_j q_j)^2 - sum_j p_j q_j (q_j - p_j) ] / ((sum_j p_j q_j)^2 n m (m - 1))

    This is the SE behind R ``irr::kappam.fleiss``'s z. ``None`` unless every unit has the
    same number m >= 2 of ratings (``irr`` drops incomplete units first) or when no
    category varies.
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] == 0:
        return None
    m = c.sum(axis=1)
    if m[0] < 2 or (m != m[0]).any():
        return None
    n, raters = float(c.shape[0]), float(m[0])
    p = c.sum(axis=0) / (n * raters)
    pq = p * (1.0 - p)
    spq = float(pq.sum())
    if spq <= 1e-12:
        return None
    var0 = (
        2.0
        * (spq**2 - float((pq * (1.0 - 2.0 * p)).sum()))
        / (spq**2 * n * raters * (raters - 1.0))
    )
    return math.sqrt(max(var0, 0.0))
