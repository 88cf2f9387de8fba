"""Every pair of coders on the units both rated: percent agreement, alpha and kappa.

Only pairs of coders that rated at least one unit together are listed (with 1,000 coders
who each rate a few units, almost all of the 499,500 possible pairs share nothing). They
are found from the units' rating lists, and all pairs are computed together: the cost is
O(ratings x coders per unit), not one call per pair over every unit.

For a pair (a, b) with n shared units, every unit has m = 2 values, so with the 2n pooled
values of the pair (Krippendorff 2011):

    alpha = 1 - (2n - 1) * sum_u 2 delta(x_ua, x_ub) / sum_{i != j in pool} delta(x_i, x_j)

nominal: the denominator is (2n)^2 - sum_c n_c^2; ordinal: interval alpha on the pair's
own cumulative-midpoint ranks; interval: sum_{i != j} = 2 (2n) SS_pool, computed in a frame
centred on one of the pair's values and scaled by a power of two; ratio: the pooled sum over
value pairs. Kappa is Cohen's (linear weighted for ordered codes) from each pair's table.
Each number equals ``stats.alpha`` / ``stats.cohen_kappa`` / ``stats.weighted_kappa`` on the
pair's two columns (tests check it), reasons included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.diagnostics.scale import CodeView, FloatArray, IntArray
from socmodel_cli.stats import Estimate
from socmodel_cli.stats._checks import describe_value, value_indices
from socmodel_cli.stats._sparse import pairs_in_units
from socmodel_cli.stats.alpha import NOT_REPRESENTABLE
from socmodel_cli.stats.estimate import undefined
from socmodel_cli.stats.ratio_sums import ratio_delta, ratio_pair_sum
from socmodel_cli.stats.tables import kappa_estimate, kappa_of_tables, no_variation_reasons
from socmodel_cli.stats.weights import agreement_weights

# Pairs whose pooled values are at most this many have their ratio sums enumerated together.
_SMALL_POOL = 64
# Table cells per chunk when computing kappa for many pairs at once.
_TABLE_CELLS = 1 << 22


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    units_shared: int
    agreement: float | None
    alpha: Estimate
    kappa: Estimate | None  # Cohen's (linear weighted for ordered codes); None: no categories


@dataclass(frozen=True, slots=True)
class _Shared:
    """Each shared unit of each coder pair: the pair's values there, grouped by pair."""

    first: IntArray  # (P,) coder a
    second: IntArray  # (P,) coder b > a
    start: IntArray  # (P + 1,) entries of pair p are start[p]:start[p + 1]
    pair: IntArray  # (E,) pair index of each entry
    va: FloatArray  # (E,) value of coder a
    vb: FloatArray  # (E,) value of coder b

    n: IntArray  # (P,) shared units of each pair


def _shared(view: CodeView) -> _Shared:
    r = view.ratings.pairable()
    c = r.n_coders
    keys, va, vb = [], [], []
    for i, j in pairs_in_units(r):
        keys.append(r.coder[i] * c + r.coder[j])
        va.append(r.value[i])
        vb.append(r.value[j])
    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")  # by pair, then by unit
    key = key[order]
    pairs, first_entry, counts = np.unique(key, return_index=True, return_counts=True)
    return _Shared(
        first=pairs // c,
        second=pairs % c,
        start=np.append(first_entry, key.size).astype(np.int64),
        n=counts.astype(np.int64),
        pair=np.repeat(np.arange(pairs.size), counts),
        va=np.concatenate(va)[order] if va else np.zeros(0),
        vb=np.concatenate(vb)[order] if vb else np.zeros(0),
    )


def _per_pair(s: _Shared, weights: FloatArray) -> FloatArray:
    return np.bincount(s.pair, weights=weights, minlength=s.first.size).astype(np.float64)


def pair_agreement(view: CodeView) -> tuple[PairAgreement, ...]:
    """Alpha, kappa and percent agreement for every pair of coders that shares a unit."""
    s = _shared(view)
    if s.first.size == 0:
        return ()
    n = s.n
    agreement = _per_pair(s, (s.va == s.vb).astype(np.float64)) / n
    alphas = _alphas(view, s)
    kappas = _kappas(view, s)
    names = view.coders
    return tuple(
        PairAgreement(
            first=names[int(s.first[p])],
            second=names[int(s.second[p])],
            units_shared=int(n[p]),
            agreement=float(agreement[p]),
            alpha=alphas[p],
            kappa=None if kappas is None else kappas[p],
        )
        for p in range(s.first.size)
    )


def _alphas(view: CodeView, s: _Shared) -> list[Estimate]:
    level = view.code.level
    categorical = view.code.categorical
    n = s.n.astype(np.float64)
    pooled = 2.0 * n
    lo = np.minimum(_pair_min(s, s.va), _pair_min(s, s.vb))
    hi = np.maximum(_pair_max(s, s.va), _pair_max(s, s.vb))
    varied = lo < hi
    with np.errstate(divide="ignore", invalid="ignore"):
        if level in ("nominal", "ordinal"):
            value = _categorical_alpha(s, view.k, level == "ordinal", pooled)
        elif level == "interval":
            value = _interval_alpha(s, pooled)
        else:
            value = np.full(n.size, np.nan)
            ok = varied & (lo >= 0)
            value[ok] = _ratio_alpha(s, pooled, ok)
    out = []
    for p, used in enumerate(s.n.tolist()):
        if not varied[p]:
            label = describe_value(float(s.va[s.start[p]]), categorical=categorical)
            out.append(undefined(f"no variation: every pairable value is {label}", units_used=used))
        elif level == "ratio" and lo[p] < 0:
            out.append(
                undefined(
                    f"ratio metric needs non-negative values; found {lo[p]:g}", units_used=used
                )
            )
        elif not math.isfinite(value[p]):
            out.append(undefined(NOT_REPRESENTABLE, units_used=used))
        else:
            out.append(Estimate(value=float(value[p]), units_used=used))
    return out


def _pair_min(s: _Shared, v: FloatArray) -> FloatArray:
    out: FloatArray = np.minimum.reduceat(v, s.start[:-1])
    return out


def _pair_max(s: _Shared, v: FloatArray) -> FloatArray:
    out: FloatArray = np.maximum.reduceat(v, s.start[:-1])
    return out


def _categorical_alpha(s: _Shared, k: int, ordinal: bool, pooled: FloatArray) -> FloatArray:
    """Nominal alpha, or ordinal alpha on each pair's own ranks, from category counts."""
    ca, cb = s.va.astype(np.int64), s.vb.astype(np.int64)
    size = s.first.size
    n_c = (
        np.bincount(s.pair * k + ca, minlength=size * k)
        + np.bincount(s.pair * k + cb, minlength=size * k)
    ).reshape(size, k)
    n_c = n_c.astype(np.float64)
    if not ordinal:
        agree = 2.0 * _per_pair(s, (ca == cb).astype(np.float64))
        value: FloatArray = 1.0 - (pooled - 1.0) * (pooled - agree) / (
            pooled * pooled - (n_c**2).sum(axis=1)
        )
        return value
    ranks = np.cumsum(n_c, axis=1) - n_c / 2.0
    mean = (n_c * ranks).sum(axis=1) / pooled
    centred = ranks - mean[:, None]
    ss_pool = (n_c * centred * centred).sum(axis=1)
    d = ranks[s.pair, ca] - ranks[s.pair, cb]
    observed = 2.0 * _per_pair(s, d * d)
    ordinal_value: FloatArray = 1.0 - (pooled - 1.0) * observed / (2.0 * pooled * ss_pool)
    return ordinal_value


def _interval_alpha(s: _Shared, pooled: FloatArray) -> FloatArray:
    # Common power-of-two scale first (no overflow when subtracting), then per pair an
    # origin at one of its values and a power-of-two scale of its own.
    top = float(np.abs(np.concatenate([s.va, s.vb])).max())
    e1 = int(np.frexp(top)[1]) if top > 0 else 0
    a, b = np.ldexp(s.va, -e1), np.ldexp(s.vb, -e1)
    origin = a[s.start[:-1]][s.pair]
    a, b = a - origin, b - origin
    spread = np.maximum(
        np.maximum.reduceat(np.abs(a), s.start[:-1]), np.maximum.reduceat(np.abs(b), s.start[:-1])
    )
    e2 = np.where(spread > 0, np.frexp(spread)[1], 0)[s.pair]
    a, b = np.ldexp(a, -e2), np.ldexp(b, -e2)
    mean = (_per_pair(s, a) + _per_pair(s, b)) / pooled
    da, db = a - mean[s.pair], b - mean[s.pair]
    ss_pool = _per_pair(s, da * da + db * db)
    d = a - b
    observed = 2.0 * _per_pair(s, d * d)
    value: FloatArray = 1.0 - (pooled - 1.0) * observed / (2.0 * pooled * ss_pool)
    return value


def _ratio_alpha(s: _Shared, pooled: FloatArray, ok: NDArray[np.bool_]) -> FloatArray:
    """Ratio alpha of the pairs selected by ``ok`` (varied, non-negative)."""
    observed = 2.0 * _per_pair(s, ratio_delta(s.va, s.vb))
    expected = np.zeros(s.first.size)
    small = ok & (pooled <= _SMALL_POOL)
    expected[small] = _small_pool_sums(s, small)
    for p in np.flatnonzero(ok & ~small):
        e0, e1 = int(s.start[p]), int(s.start[p + 1])
        vals, counts = np.unique(np.concatenate([s.va[e0:e1], s.vb[e0:e1]]), return_counts=True)
        expected[p] = ratio_pair_sum(vals, counts.astype(np.float64))
    out: FloatArray = (1.0 - (pooled - 1.0) * observed / expected)[ok]
    return out


def _small_pool_sums(s: _Shared, chosen: NDArray[np.bool_]) -> FloatArray:
    """sum_{i != j} delta over each chosen pair's pooled values, enumerated a chunk at a time."""
    picked = np.flatnonzero(chosen)
    cost = np.cumsum((2 * s.n[picked]) ** 2)
    out = np.zeros(picked.size)
    lo = 0
    while lo < picked.size:
        done = int(cost[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(cost, done + _TABLE_CELLS, side="right")), lo + 1)
        out[lo:hi] = _pool_sums(s, picked[lo:hi])
        lo = hi
    return out


def _pool_sums(s: _Shared, pairs: IntArray) -> FloatArray:
    e = np.concatenate([np.arange(s.start[p], s.start[p + 1]) for p in pairs])
    local = np.repeat(np.arange(pairs.size), s.n[pairs])
    pair = np.concatenate([local, local])
    vals = np.concatenate([s.va[e], s.vb[e]])
    order = np.argsort(pair, kind="stable")
    pair, vals = pair[order], vals[order]
    size = np.bincount(pair, minlength=pairs.size)
    start = np.cumsum(size) - size
    # every ordered (i, j) inside a pool: i over the pool, j over the same pool
    reps = size[pair]
    i = np.repeat(np.arange(pair.size), reps)
    j = start[pair[i]] + (np.arange(i.size) - np.repeat(np.cumsum(reps) - reps, reps))
    deltas = ratio_delta(vals[i], vals[j])
    return np.bincount(pair[i], weights=deltas, minlength=pairs.size).astype(np.float64)


def _kappas(view: CodeView, s: _Shared) -> list[Estimate] | None:
    """Cohen's kappa (linear weighted for ordered codes) per pair, as ``stats`` computes it."""
    code = view.code
    if view.cats is None or not (code.categorical or code.values):
        return None
    if code.categorical:
        ca, cb = s.va.astype(np.int64), s.vb.astype(np.int64)
        positions = np.arange(view.k, dtype=np.float64)
    else:
        ca, cb = value_indices(s.va, view.positions), value_indices(s.vb, view.positions)
        positions = view.positions
    k = positions.size
    weights = agreement_weights("linear", positions) if code.ordered else None
    out: list[Estimate] = []
    step = max(1, _TABLE_CELLS // (k * k))
    for lo in range(0, s.first.size, step):
        hi = min(s.first.size, lo + step)
        e0, e1 = int(s.start[lo]), int(s.start[hi])
        local = s.pair[e0:e1] - lo
        flat = np.bincount(
            (local * k + ca[e0:e1]) * k + cb[e0:e1], minlength=(hi - lo) * k * k
        ).astype(np.float64)
        tables = flat.reshape(hi - lo, k, k)
        got = kappa_of_tables(tables, weights)
        reasons = no_variation_reasons(tables)
        for n, defined, value, se, reason in zip(
            got.n.tolist(),
            got.defined.tolist(),
            got.value.tolist(),
            got.se.tolist(),
            reasons,
            strict=True,
        ):
            if defined:
                out.append(kappa_estimate(value, se, int(n), 0.95))
            else:
                out.append(undefined(reason, units_used=int(n)))
    return out
