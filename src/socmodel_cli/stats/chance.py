"""Many-coder chance-corrected coefficients on per-unit category counts:
Fleiss' kappa, Brennan-Prediger and Gwet's AC1/AC2, with missing ratings.

Notation (Gwet 2014, the definitions irrCAC implements): n units rated at least once,
r_ik coders who put unit i in category k, r_i = sum_k r_ik, agreement weights w (identity
unless weighted), r*_ik = sum_l w_kl r_il, q declared categories, T_w = sum_kl w_kl.

    p_a = mean over units with r_i >= 2 of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
    pi_k = mean over all n units of r_ik / r_i     (single ratings count here)
    Fleiss:           p_e = sum_kl w_kl pi_k pi_l
    Brennan-Prediger: p_e = T_w / q^2              (1/q unweighted)
    Gwet AC1/AC2:     p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)
    coefficient = (p_a - p_e) / (1 - p_e)

Standard error: Gwet's linearisation. Each unit gets
    c_i = (n / n_2) (p_a|i - p_e [r_i >= 2]) / (1 - p_e)
    c*_i = c_i - 2 (1 - c) (p_e|i - p_e) / (1 - p_e)
with p_e|i the unit's share of chance agreement (zero adjustment for Brennan-Prediger);
var = sum_i (c*_i - c)^2 / (n (n - 1)); interval c -/+ t(n - 1) se, upper limit capped at 1.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from socmodel_cli.stats._checks import FloatArray, IntArray, categorical_view
from socmodel_cli.stats.distributions import t_interval
from socmodel_cli.stats.estimate import (
    NOT_RATED,
    SINGLE_RATING,
    Estimate,
    nonzero,
    undefined,
)
from socmodel_cli.stats.weights import agreement_weights

Method = Literal["fleiss", "brennan_prediger", "gwet"]

_DEGENERATE = 1e-12


def category_counts(codes: IntArray, k: int) -> FloatArray:
    """``(n_units, k)``: how many coders put each unit in each category (-1 = not coded)."""
    n_units = codes.shape[0]
    rated = codes >= 0
    unit = np.broadcast_to(np.arange(n_units)[:, None], codes.shape)[rated]
    flat = np.bincount(unit * k + codes[rated], minlength=n_units * k)
    return flat.reshape(n_units, k).astype(np.float64)


def chance_corrected(
    counts: ArrayLike,
    method: Method,
    weights: FloatArray | None = None,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """The coefficient ``method`` from a units x categories count table (see module doc)."""
    c_all = np.asarray(counts, dtype=np.float64)
    if c_all.ndim != 2 or (c_all < 0).any() or not np.isfinite(c_all).all():
        raise ValueError("counts must be a 2-D table of non-negative finite counts")
    q = c_all.shape[1]
    w = np.eye(q) if weights is None else np.asarray(weights, dtype=np.float64)
    r_all = c_all.sum(axis=1)
    excluded = nonzero({NOT_RATED: int((r_all == 0).sum()), SINGLE_RATING: int((r_all == 1).sum())})
    cnt = c_all[r_all >= 1]
    r = r_all[r_all >= 1]
    n = cnt.shape[0]
    two = r >= 2
    n2 = int(two.sum())
    if n2 == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    if method == "gwet" and q < 2:
        return undefined(
            "only one declared category: Gwet's AC needs at least two",
            units_used=n2,
            units_excluded=excluded,
        )
    r_star = cnt @ w.T
    pair_den = np.where(two, r * (r - 1.0), 1.0)
    pa_i = np.where(two, (cnt * (r_star - 1.0)).sum(axis=1) / pair_den, 0.0)
    pa = float(pa_i[two].mean())
    # Category shares average over every unit rated at least once (Gwet 2014; irrCAC):
    # a lone rating says nothing about agreement but does say how often a category is used.
    share = cnt / r[:, None]
    pi = share.mean(axis=0)
    tw = float(w.sum())
    if method == "fleiss":
        pe = float(pi @ w @ pi)
    elif method == "brennan_prediger":
        pe = tw / (q * q)
    else:
        pe = tw / (q * (q - 1)) * float((pi * (1.0 - pi)).sum())
    if 1.0 - pe <= _DEGENERATE:
        used = np.flatnonzero(pi)
        why = (
            f"no variation: every rating is category {int(used[0])}"
            if used.size == 1
            else "chance agreement is perfect"
        )
        return undefined(why, units_used=n2, units_excluded=excluded)
    coef = (pa - pe) / (1.0 - pe)
    # Per-unit contributions whose mean over all n units is the coefficient (hence n / n2).
    c_i = (n / n2) * (pa_i - pe * two) / (1.0 - pe)
    if method == "fleiss":
        pe_i = share @ ((w @ pi + w.T @ pi) / 2.0)
    elif method == "gwet":
        pe_i = tw / (q * (q - 1)) * (share @ (1.0 - pi))
    else:
        pe_i = np.full(n, pe)
    c_star = c_i - 2.0 * (1.0 - coef) * (pe_i - pe) / (1.0 - pe)
    se: float | None = None
    ci: tuple[float, float] | None = None
    if n >= 2:
        var = float(((c_star - coef) ** 2).sum()) / (n * (n - 1.0))
        se = math.sqrt(var)
        ci = t_interval(coef, se, n - 1.0, confidence)
    return Estimate(value=coef, se=se, ci=ci, units_used=n2, units_excluded=excluded)


def _from_ratings(
    ratings: FloatArray,
    level: str,
    n_categories: int | None,
    categories: FloatArray | None,
    method: Method,
    weights: str,
    confidence: float,
) -> Estimate:
    view = categorical_view(ratings, level, n_categories, categories)
    if isinstance(view, str):
        return undefined(view)
    if view.codes.shape[1] < 2:
        return undefined("a single coder: agreement needs at least two coders")
    w = agreement_weights(weights, view.positions)
    return chance_corrected(category_counts(view.codes, view.k), method, w, confidence=confidence)


def fleiss_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    confidence: float = 0.95,
) -> Estimate:
    """Fleiss' (1971) kappa, generalised to units with different numbers of coders.

    Equals classic Fleiss' kappa on complete data and Scott's pi for two coders.
    """
    return _from_ratings(ratings, level, n_categories, categories, "fleiss", "identity", confidence)


def fleiss_kappa_from_counts(counts: ArrayLike, *, confidence: float = 0.95) -> Estimate:
    """Fleiss' kappa from a units x categories table of rating counts."""
    return chance_corrected(counts, "fleiss", confidence=confidence)


def brennan_prediger(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    confidence: float = 0.95,
) -> Estimate:
    """Brennan & Prediger's (1981) coefficient: (p_a - 1/q) / (1 - 1/q), q declared categories.

    With two coders this is Bennett, Alpert & Goldstein's (1954) S, also called PABAK.
    """
    return _from_ratings(
        ratings, level, n_categories, categories, "brennan_prediger", "identity", confidence
    )


def gwet_ac1(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    confidence: float = 0.95,
) -> Estimate:
    """Gwet's (2008) AC1 for any number of coders, with Gwet's standard error."""
    return _from_ratings(ratings, level, n_categories, categories, "gwet", "identity", confidence)


def gwet_ac2(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: str = "quadratic",
    confidence: float = 0.95,
) -> Estimate:
    """Gwet's AC2: AC1 with agreement weights over the declared values (ordered codes only)."""
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'linear' or 'quadratic', got {weights!r}")
    if level == "nominal":
        return undefined("AC2 needs ordered categories; this code is nominal (use AC1)")
    return _from_ratings(ratings, level, n_categories, categories, "gwet", weights, confidence)
