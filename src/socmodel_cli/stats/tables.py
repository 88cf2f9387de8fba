"""Two-coder coefficients from a ``k x k`` contingency table (coder A rows, coder B columns).

With cell proportions p_ij = n_ij / n, row margins r_i, column margins c_j and agreement
weights w_ij (identity for unweighted coefficients):

    p_o = sum_ij w_ij p_ij
    Cohen:  p_e = sum_ij w_ij r_i c_j
    Scott:  p_e = sum_k pi_k^2,  pi_k = (r_k + c_k) / 2
    Gwet:   p_e = T_w / (k (k - 1)) * sum_k pi_k (1 - pi_k),  T_w = sum_ij w_ij
    coefficient = (p_o - p_e) / (1 - p_e)

Standard errors: Cohen's (weighted) kappa uses the large-sample variance of Fleiss,
Cohen & Everitt (1969) as SAS PROC FREQ prints it ("ASE"), with a normal interval; Gwet's
AC1/AC2 uses Gwet's (2008, 2014) two-rater variance with a Student t interval on
``n - 1`` degrees of freedom (as irrCAC's table module reports it). Upper limits are
capped at 1, the largest value a coefficient can take. A table of a single unit gets no
standard error (``se`` and ``ci`` are ``None``): one unit says nothing about sampling
variation, and the large-sample formulas degenerate there (Cohen's gives 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from socmodel_cli.stats._checks import FloatArray, IntArray
from socmodel_cli.stats._sparse import KeyedSums, RatingList, pairs_in_units
from socmodel_cli.stats.distributions import normal_interval, t_interval
from socmodel_cli.stats.estimate import Estimate, undefined

# 1 - p_e below this means chance agreement is (numerically) perfect: undefined.
_DEGENERATE = 1e-12
# Table cells per chunk of coder pairs' tables (each table is computed on its own).
_TABLE_CELLS = 1 << 22


def contingency_table(a: IntArray, b: IntArray, k: int) -> FloatArray:
    """Counts of (a, b) category pairs over units both coders rated (-1 = not coded)."""
    both = (a >= 0) & (b >= 0)
    flat = np.bincount(a[both] * k + b[both], minlength=k * k)
    return flat.reshape(k, k).astype(np.float64)


@dataclass(frozen=True, slots=True)
class PairTables:
    """Contingency tables of coder pairs that share units (coder ``first`` < ``second``)."""

    first: IntArray  # (P,)
    second: IntArray  # (P,)
    tables: FloatArray  # (P, k, k): rows the first coder's category, columns the second's


def coder_pair_tables(
    r: RatingList, k: int, *, max_cells: int = _TABLE_CELLS
) -> Iterator[PairTables]:
    """The contingency table of every pair of coders that rated a unit together.

    ``r`` holds category indices ``0..k-1``. Only pairs of ratings inside units are visited
    (O(ratings x coders per unit)); tables come in chunks of pairs, in (first, second)
    order, each chunk with at most ``max_cells`` cells unless one table is larger.
    """
    c = r.n_coders
    kk = k * k
    sums = KeyedSums(c * c * kk, 1)
    for i, j in pairs_in_units(r):
        cell = r.value[i].astype(np.int64) * k + r.value[j].astype(np.int64)
        key = (r.coder[i] * c + r.coder[j]) * kk + cell
        sums.add(key, np.ones((key.size, 1)))
    keys, counts = sums.result()
    pair_key = keys // kk
    pairs, first_entry = np.unique(pair_key, return_index=True)
    step = max(1, max_cells // kk)
    bounds = np.append(first_entry, keys.size)
    for lo in range(0, pairs.size, step):
        hi = min(pairs.size, lo + step)
        e0, e1 = int(bounds[lo]), int(bounds[hi])
        local = np.repeat(np.arange(hi - lo), np.diff(bounds[lo : hi + 1]))
        flat = np.bincount(
            local * kk + keys[e0:e1] % kk, weights=counts[e0:e1, 0], minlength=(hi - lo) * kk
        )
        yield PairTables(
            first=pairs[lo:hi] // c,
            second=pairs[lo:hi] % c,
            tables=flat.reshape(hi - lo, k, k).astype(np.float64),
        )


def _as_table(table: ArrayLike) -> FloatArray:
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {t.shape}")
    if (t < 0).any() or not np.isfinite(t).all():
        raise ValueError("a contingency table holds non-negative finite counts")
    return t


def no_variation_reason(table: FloatArray) -> str:
    return no_variation_reasons(table[None])[0]


def no_variation_reasons(tables: FloatArray) -> list[str]:
    """Why kappa is undefined for each table of a stack ``(P, k, k)`` with perfect chance
    agreement: one category used by both coders, or (with weights) perfect chance agreement."""
    used = (tables.sum(axis=1) + tables.sum(axis=2)) > 0
    single = used.sum(axis=1) == 1
    first = used.argmax(axis=1)
    return [
        f"no variation: both coders gave every unit category {c}"
        if one
        else "no variation: chance agreement is perfect"
        for one, c in zip(single.tolist(), first.tolist(), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class KappaTables:
    """Cohen's (weighted) kappa of many k x k tables at once; see :func:`kappa_of_tables`."""

    n: FloatArray  # (P,) units in each table
    value: FloatArray  # (P,) kappa; NaN where undefined
    se: FloatArray  # (P,) SAS's ASE; NaN where undefined or n < 2
    defined: NDArray[np.bool_]  # (P,) False where chance agreement is perfect (or n == 0)


def kappa_of_tables(tables: FloatArray, weights: FloatArray | None = None) -> KappaTables:
    """Cohen's (weighted) kappa and its ASE for a stack of tables ``(P, k, k)``.

    The formulas are those of :func:`cohen_kappa_from_table`, applied to every table at
    once (per coder pair in Light's kappa and in the diagnostics). A table of a single unit
    has no standard error: the large-sample variance is 0/0-like there (it returns 0 for
    two disagreeing ratings), so it is reported as missing.
    """
    t = np.asarray(tables, dtype=np.float64)
    k = t.shape[1]
    w = np.eye(k) if weights is None else np.asarray(weights, dtype=np.float64)
    n = t.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = t / n[:, None, None]
        r = p.sum(axis=2)
        c = p.sum(axis=1)
        po = (w * p).sum(axis=(1, 2))
        pe = (w * (r[:, :, None] * c[:, None, :])).sum(axis=(1, 2))
        defined = (n > 0) & (1.0 - pe > _DEGENERATE)
        kappa = np.where(defined, (po - pe) / (1.0 - pe), np.nan)
        # Broadcast sums, not matmul: a table's numbers then do not depend on the tables
        # computed with it (BLAS may order a row's sums differently in a larger product).
        wr = (c[:, None, :] * w[None]).sum(axis=2)  # (P, k): sum_j c_j w_ij
        wc = (r[:, :, None] * w[None]).sum(axis=1)  # (P, k): sum_i r_i w_ij
        spread = (wr[:, :, None] + wc[:, None, :]) * (1.0 - kappa)[:, None, None]
        inner = (p * (w - spread) ** 2).sum(axis=(1, 2))
        var = (inner - (kappa - pe * (1.0 - kappa)) ** 2) / (n * (1.0 - pe) ** 2)
        se = np.where(defined & (n >= 2), np.sqrt(np.maximum(var, 0.0)), np.nan)
    return KappaTables(n=n, value=kappa, se=se, defined=defined)


def cohen_kappa_from_table(
    table: ArrayLike,
    weights: FloatArray | None = None,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """Cohen's kappa (weighted if agreement ``weights`` are given) with SAS's ASE.

    var = [sum_ij p_ij (w_ij - (wr_i + wc_j)(1 - kappa))^2 - (kappa - p_e (1 - kappa))^2]
          / (n (1 - p_e)^2),  wr_i = sum_j c_j w_ij,  wc_j = sum_i r_i w_ij.
    A table of one unit gets no standard error and no interval.
    """
    t = _as_table(table)
    (est,) = cohen_kappas(t[None], weights, confidence=confidence)
    return est


def cohen_kappas(
    tables: FloatArray, weights: FloatArray | None = None, *, confidence: float = 0.95
) -> list[Estimate]:
    """:func:`cohen_kappa_from_table` of each table of a stack ``(P, k, k)``."""
    got = kappa_of_tables(tables, weights)
    out = []
    for j, table in enumerate(tables):
        n = int(got.n[j])
        if n == 0:
            out.append(undefined("nothing pairable: no unit was rated by both coders"))
        elif not got.defined[j]:
            out.append(undefined(no_variation_reason(table), units_used=n))
        else:
            out.append(kappa_estimate(float(got.value[j]), float(got.se[j]), n, confidence))
    return out


def kappa_estimate(kappa: float, se: float, n: int, confidence: float) -> Estimate:
    """The Estimate of one defined kappa; ``se`` NaN means none (a single unit)."""
    if math.isnan(se):
        return Estimate(value=kappa, units_used=n)
    return Estimate(value=kappa, se=se, ci=normal_interval(kappa, se, confidence), units_used=n)


def cohen_kappa_null_se(
    table: ArrayLike, weights: NDArray[np.float64] | None = None
) -> float | None:
    """Standard error of (weighted) kappa under H0: kappa = 0 (SAS's "ASE under H0").

    var0 = [sum_ij r_i c_j (w_ij - (wr_i + wc_j))^2 - p_e^2] / (n (1 - p_e)^2); the test
    statistic is z = kappa / se0. ``None`` when kappa itself is undefined.
    """
    t = _as_table(table)
    k = t.shape[0]
    w = np.eye(k) if weights is None else np.asarray(weights, dtype=np.float64)
    n = float(t.sum())
    if n < 2:
        return None  # no standard error from a single unit
    p = t / n
    r = p.sum(axis=1)
    c = p.sum(axis=0)
    pe = float((w * np.outer(r, c)).sum())
    if 1.0 - pe <= _DEGENERATE:
        return None
    wr = w @ c
    wc = r @ w
    inner = (np.outer(r, c) * (w - (wr[:, None] + wc[None, :])) ** 2).sum()
    var0 = (float(inner) - pe**2) / (n * (1.0 - pe) ** 2)
    return math.sqrt(max(var0, 0.0))


def scott_pi_from_table(table: ArrayLike) -> Estimate:
    """Scott's (1955) pi: chance agreement from the pooled margins of the two coders."""
    t = _as_table(table)
    n = float(t.sum())
    if n == 0:
        return undefined("nothing pairable: no unit was rated by both coders")
    p = t / n
    pi = (p.sum(axis=0) + p.sum(axis=1)) / 2.0
    pe = float((pi**2).sum())
    if 1.0 - pe <= _DEGENERATE:
        return undefined(no_variation_reason(t), units_used=int(n))
    return Estimate(value=(float(np.trace(p)) - pe) / (1.0 - pe), units_used=int(n))


def gwet_from_table(
    table: ArrayLike,
    weights: FloatArray | None = None,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """Gwet's AC1 (AC2 with ``weights``) for two coders, with Gwet's two-rater variance.

    var = [sum_kl p_kl (w_kl - 2 (1 - AC) T_w (1 - (pi_k + pi_l) / 2) / (k (k - 1)))^2
           - (p_o - 2 (1 - AC) p_e)^2] / (n (1 - p_e)^2)
    This divides by n where the many-coder formula (``gwet_ac1``) divides by n - 1; on
    complete two-coder data the two standard errors differ by the factor sqrt(n / (n - 1)).
    """
    t = _as_table(table)
    k = t.shape[0]
    if k < 2:
        return undefined("only one declared category: Gwet's AC1 needs at least two")
    w = np.eye(k) if weights is None else np.asarray(weights, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return undefined("nothing pairable: no unit was rated by both coders")
    p = t / n
    pi = (p.sum(axis=0) + p.sum(axis=1)) / 2.0
    tw = float(w.sum())
    scale = tw / (k * (k - 1))
    po = float((w * p).sum())
    pe = scale * float((pi * (1.0 - pi)).sum())
    if 1.0 - pe <= _DEGENERATE:
        return undefined("chance agreement is perfect under these weights", units_used=int(n))
    ac = (po - pe) / (1.0 - pe)
    term = w - 2.0 * (1.0 - ac) * scale * (1.0 - (pi[:, None] + pi[None, :]) / 2.0)
    var = ((p * term**2).sum() - (po - 2.0 * (1.0 - ac) * pe) ** 2) / (n * (1.0 - pe) ** 2)
    if n < 2:
        return Estimate(value=ac, units_used=int(n))  # no standard error from a single unit
    se = math.sqrt(max(float(var), 0.0))
    return Estimate(value=ac, se=se, ci=t_interval(ac, se, n - 1.0, confidence), units_used=int(n))
