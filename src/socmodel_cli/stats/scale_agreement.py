"""Agreement on interval and ordinal scales in the scale's own units.

Bland-Altman limits of agreement (Bland & Altman 1986, 1999), per coder pair, on the units
both coders rated: differences d = x_a - x_b, n pairs, mean dbar (the bias), standard
deviation s (n - 1 denominator), z the normal quantile for the ``coverage`` (1.96 for 95%):

    limits        dbar -/+ z s
    SE(bias)      s / sqrt(n)
    SE(limit)     sqrt(3 s^2 / n)      (Bland & Altman's approximation of
                                        sqrt(s^2 / n + z^2 s^2 / (2 (n - 1))))
    intervals     estimate -/+ t_{n-1} SE, t at the ``confidence`` level.

Standard error of measurement, from the variance components of the two-way ICC model
(de Vet et al. 2006): SEM_agreement = sqrt(s_c^2 + s_e^2), SEM_consistency = sqrt(s_e^2) =
sqrt(MSE). With mean squares and n units per coder, s_c^2 + s_e^2 = (MSC + (n - 1) MSE) / n;
its interval uses Satterthwaite's df
    v = (MSC + (n - 1) MSE)^2 / (MSC^2 / df_C + ((n - 1) MSE)^2 / df_E)
and chi-square quantiles: SEM^2 v / chi2_{1-alpha/2}(v) .. SEM^2 v / chi2_{alpha/2}(v)
(df_E for the consistency SEM). SD * sqrt(1 - ICC(A,1)) with SD^2 the model's total variance
is the same number as SEM_agreement; the components avoid choosing which SD to pool.

Agreement within a tolerance: for each coder pair, the share of units both rated whose
values differ by at most ``tolerance`` (plus 1e-9 of the values' magnitude, so that decimal
values such as 1.1 - 1.0 count as 0.1); the mean over the coder pairs that share a unit.
Tolerance 0 is exact agreement; 1 on a 1-7 scale (or on the category indices of an ordinal
code) is adjacent agreement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from socmodel_cli.stats._checks import FloatArray, IntArray, as_ratings
from socmodel_cli.stats._sparse import RatingList, narrow_keys, pairs_in_units, rating_list
from socmodel_cli.stats.agreement import pair_shares
from socmodel_cli.stats.anova import TwoWayTable
from socmodel_cli.stats.distributions import normal_quantile, t_quantile
from socmodel_cli.stats.estimate import NOT_BOTH, Estimate, nonzero, undefined
from socmodel_cli.stats.fdist import chi2_quantile
from socmodel_cli.stats.icc import IccResult, Method, icc
from socmodel_cli.stats.stack import Stack, means_by_code

_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class LimitsOfAgreement:
    """Bland-Altman statistics for coders ``coder_a`` and ``coder_b`` (column indices).

    Differences are ``coder_a - coder_b``; ``sd`` is their standard deviation (``None``
    with fewer than two jointly rated units).
    """

    coder_a: int
    coder_b: int
    bias: Estimate
    lower: Estimate
    upper: Estimate
    sd: float | None


def _check_level(name: str, p: float) -> None:
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p}")


def _interval(value: float, se: float, t: float) -> tuple[float, float]:
    return (value - t * se, value + t * se)


def _pair(
    d: FloatArray, a: int, b: int, excluded: dict[str, int], coverage: float, confidence: float
) -> LimitsOfAgreement:
    n = int(d.size)
    if n < 2:
        why = (
            "nothing pairable: no unit was rated by both coders"
            if n == 0
            else "one unit rated by both coders: limits of agreement need two or more"
        )
        none = undefined(why, units_used=n, units_excluded=excluded)
        return LimitsOfAgreement(a, b, none, none, none, None)
    bias = float(d.mean())
    sd = float(d.std(ddof=1))
    z = normal_quantile(0.5 + coverage / 2.0)
    t = t_quantile(0.5 + confidence / 2.0, n - 1.0)
    se_bias = sd / math.sqrt(n)
    se_limit = math.sqrt(3.0 * sd * sd / n)

    def est(value: float, se: float) -> Estimate:
        return Estimate(
            value=value,
            se=se,
            ci=_interval(value, se, t),
            units_used=n,
            units_excluded=excluded,
        )

    return LimitsOfAgreement(
        a,
        b,
        est(bias, se_bias),
        est(bias - z * sd, se_limit),
        est(bias + z * sd, se_limit),
        sd,
    )


def limits_of_agreement(
    ratings: ArrayLike, *, coverage: float = 0.95, confidence: float = 0.95
) -> tuple[LimitsOfAgreement, ...]:
    """Bland-Altman bias and limits for every coder pair ``a < b`` (see module doc)."""
    _check_level("coverage", coverage)
    _check_level("confidence", confidence)
    x = as_ratings(np.asarray(ratings, dtype=np.float64))
    q = int(x.shape[1])
    keys, diffs = _pair_differences(rating_list(x), q)
    diffs = diffs[np.argsort(keys, kind="stable")]  # by pair, each pair's units in unit order
    pairs, counts = np.unique(keys, return_counts=True)
    bounds = np.r_[0, np.cumsum(counts)]
    out: list[LimitsOfAgreement] = []
    for key, lo, hi in zip(pairs.tolist(), bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        a, b = divmod(key, q)
        excluded = nonzero({NOT_BOTH: int(x.shape[0]) - (hi - lo)})
        out.append(_pair(diffs[lo:hi], a, b, excluded, coverage, confidence))
    return tuple(out)


def _pair_differences(r: RatingList, q: int) -> tuple[NDArray[np.signedinteger[Any]], FloatArray]:
    """Every pair of ratings of one unit by coders a < b: key ``a * q + b`` and x_a - x_b.

    In unit order. Found from the units' own ratings (:mod:`._sparse`), so many coders who
    each rate a few units cost what their ratings cost, not coders squared.
    """
    keys, diffs = [], []
    for i, j in pairs_in_units(r):
        keys.append(narrow_keys(r.coder[i] * q + r.coder[j], q * q))
        diffs.append(r.value[i] - r.value[j])
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(keys), np.concatenate(diffs)


def agreement_within(ratings: ArrayLike, tolerance: float = 0.0) -> Estimate:
    """Mean over coder pairs of the share of jointly rated units within ``tolerance``."""
    x = np.asarray(ratings, dtype=np.float64)
    (est,) = agreement_within_of_stack(Stack.of([x]), [tolerance])
    return est


def agreement_within_of_stack(stack: Stack, tolerances: Sequence[float]) -> list[Estimate]:
    """:func:`agreement_within` of every code of ``stack``, each at its own tolerance."""
    for tolerance in tolerances:
        if not tolerance >= 0.0:
            raise ValueError(f"tolerance must be a non-negative number, got {tolerance}")
    r = stack.ratings
    used, excluded = stack.pairable(r.m >= 2)
    if stack.n_coders < 2:
        return [
            undefined("a single coder: agreement needs at least two coders", units_excluded=e)
            for e in excluded
        ]
    tol = np.asarray(tolerances, dtype=np.float64)

    def within(i: IntArray, j: IntArray, code: IntArray) -> NDArray[np.bool_]:
        va, vb = r.value[i], r.value[j]
        slack = _SLACK * np.maximum(1.0, np.maximum(np.abs(va), np.abs(vb)))
        close: NDArray[np.bool_] = np.abs(va - vb) <= tol[code] + slack
        return close

    keys, shares = pair_shares(stack, r, within)
    return means_by_code(stack, shares, keys // stack.n_coders**2, used, excluded)


def sem(
    ratings: ArrayLike,
    *,
    kind: Literal["agreement", "consistency"] = "agreement",
    confidence: float = 0.95,
    method: Method = "auto",
) -> Estimate:
    """Standard error of measurement in the scale's units (see module doc).

    ``agreement`` counts systematic coder differences as error (the error of one coder's
    rating); ``consistency`` leaves them out. Incomplete designs use REML (``method``).
    """
    if kind not in ("agreement", "consistency"):
        raise ValueError(f"kind must be 'agreement' or 'consistency', got {kind!r}")
    return sem_of_fit(
        icc(ratings, "icc_a1", confidence=confidence, method=method), kind, confidence
    )


def sem_of_fit(
    res: IccResult, kind: Literal["agreement", "consistency"], confidence: float
) -> Estimate:
    """:func:`sem` from an ICC(A,1) result already fitted to the ratings (no second fit)."""
    t = res.table
    used, excluded = res.estimate.units_used, res.estimate.units_excluded
    if res.value is not None and t is None:  # the coders agree exactly on every unit
        return Estimate(value=0.0, reason=res.reason, units_used=used, units_excluded=excluded)
    if res.value is None or not isinstance(t, TwoWayTable):
        return undefined(res.reason or "undefined", units_used=used, units_excluded=excluded)
    if kind == "consistency":
        var, df = t.ms_error, t.df_error
    else:
        part_c, part_e = t.ms_coders / t.n, (t.n - 1.0) * t.ms_error / t.n
        var = part_c + part_e
        df = var**2 / (part_c**2 / t.df_coders + part_e**2 / t.df_error) if var > 0 else 0.0
    ci: tuple[float, float] | None = None
    if var > 0.0 and df > 0.0:
        alpha = 1.0 - confidence
        ci = (
            math.sqrt(var * df / chi2_quantile(1.0 - alpha / 2.0, df)),
            math.sqrt(var * df / chi2_quantile(alpha / 2.0, df)),
        )
    return Estimate(
        value=math.sqrt(max(var, 0.0)),
        reason=res.reason,
        ci=ci,
        units_used=used,
        units_excluded=excluded,
    )
