"""Alpha without each coder, for every coder at once, from per-unit sufficient statistics.

Recomputing alpha without coder c for each of C coders costs O(C x units x coders). But
alpha = 1 - (n - 1) D / E is a ratio of sums over units (D, observed) and over the pool of
pairable values (E, expected), and removing coder c changes only the units c rated: a unit
with m ratings loses one (m >= 3) or drops out with its other value (m = 2). So

    D'_c = D - sum_{u rated by c} D_u + sum_{u rated by c, m_u >= 3} D_u without c
    E'_c = E of the pool minus the values removed with c

with, per level (y the values; D_u = (1 / (m_u - 1)) sum_{i != j in u} delta):

* nominal: D counts agreeing pairs, A_u = sum_cat n_uc (n_uc - 1) / (m_u - 1); without a
  rating of category g the sum loses 2 (n_ug - 1); E = n^2 - sum_v N_v^2 from the counts N;
* interval: D_u = 2 m SS_u / (m - 1), SS without rating i = SS - (y_i - mean)^2 m / (m - 1);
  E = 2 n SS_pool from the moments of the pool and of the removed values;
* ordinal: the ranks depend on the remaining counts, so with each coder's own ranks r'
  (centred), D' = sum_ab o_ab (r'_a - r'_b)^2 over the full coincidence matrix o, minus
  the units c rated and plus them without c, each unit through
  sum_{i != j} (y_i - y_j)^2 = 2 (m sum y^2 - (sum y)^2);
* ratio: per unit the sum of pair distances and each rating's row of it; E' = E -
  2 sum_v Delta_v phi_v + sum_vw Delta_v Delta_w delta_vw with phi_v = sum_w N_w delta_vw and
  Delta the removed counts.

The cost is O(ratings x coders per unit + coders x categories^2) instead of quadratic in the
coders. Downdating subtracts, so every result carries a rounding bound; a coder whose bound
exceeds 1e-13 (one whose removal takes away nearly all the variation) is recomputed
directly, as are the rare special cases. Reasons and counts are those of ``stats.alpha``.
"""

from __future__ import annotations

import math

import numpy as np

from socmodel_cli import stats
from socmodel_cli.diagnostics.scale import CodeView, FloatArray
from socmodel_cli.stats import Estimate
from socmodel_cli.stats._checks import describe_value
from socmodel_cli.stats._precision import in_frame
from socmodel_cli.stats._sparse import RatingList, count_keys, pairs_in_units
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, nonzero, undefined
from socmodel_cli.stats.ratio_sums import ratio_delta, ratio_pair_sum, ratio_potentials

_EPS = 2.0**-52
# Results whose rounding bound exceeds this are recomputed directly.
_TOLERANCE = 1e-13
# Expanded (rating, category) entries per chunk for the ordinal sums.
_CHUNK = 1 << 22
# Rating pairs per chunk for the coincidences: fractions summed across units chunk by chunk,
# so the chunk size is part of their last bits; large, so most codes take one bincount.
_PAIR_CHUNK = 1 << 22


def leave_one_out_alphas(view: CodeView) -> list[Estimate]:
    """``stats.alpha`` of the code without each coder's column, in coder order (>= 3 coders)."""
    x = view.x
    level = view.code.level
    k = view.k if view.code.categorical else None
    n_coders = x.shape[1]
    r = view.ratings.pairable()
    n_units = x.shape[0]
    if r.size == 0:
        nothing = undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=nonzero({FEWER_THAN_TWO: n_units}),
        )
        return [nothing] * n_coders
    p = _Removal(r, view)
    out: list[Estimate] = []
    values = p.fast_values(level)
    for c in range(n_coders):
        used = int(p.used[c])
        excluded = nonzero({FEWER_THAN_TWO: n_units - used})
        if used == 0:
            out.append(
                undefined(
                    "nothing pairable: no unit was rated by at least two coders",
                    units_excluded=excluded,
                )
            )
        elif p.distinct[c] < 2:
            label = describe_value(p.remaining_value(c), categorical=view.code.categorical)
            out.append(
                undefined(
                    f"no variation: every pairable value is {label}",
                    units_used=used,
                    units_excluded=excluded,
                )
            )
        elif level == "ratio" and p.remaining_min(c) < 0:
            out.append(
                undefined(
                    f"ratio metric needs non-negative values; found {p.remaining_min(c):g}",
                    units_used=used,
                    units_excluded=excluded,
                )
            )
        elif values is None or not math.isfinite(values[0][c]) or values[1][c] > _TOLERANCE:
            out.append(stats.alpha(np.delete(x, c, axis=1), level, k))
        else:
            out.append(
                Estimate(value=float(values[0][c]), units_used=used, units_excluded=excluded)
            )
    return out


class _Removal:
    """What removing each coder takes away: units, pooled values, per-unit statistics."""

    def __init__(self, r: RatingList, view: CodeView) -> None:
        self.r = r
        self.view = view
        c = r.n_coders
        m = r.m[r.unit]
        self.m = m.astype(np.float64)
        self.coder = r.coder
        start = r.first_of_unit()
        # In a unit of two, the other rating leaves the pool too.
        pair_unit = m == 2
        is_first = np.arange(r.size) == start[r.unit]
        partner = np.where(is_first, np.arange(r.size) + 1, np.arange(r.size) - 1)
        self.used = (r.m >= 2).sum() - np.bincount(r.coder[pair_unit], minlength=c)
        removed_values = np.bincount(r.coder, weights=np.where(pair_unit, 2.0, 1.0), minlength=c)
        self.n = float(r.size)
        self.n_after = self.n - removed_values
        if view.code.categorical:
            self.vals = np.arange(view.k, dtype=np.float64)
            self.index = r.value.astype(np.int64)
        else:
            self.vals, inverse = np.unique(r.value, return_inverse=True)
            self.index = inverse.astype(np.int64)
        n_vals = self.vals.size
        self.counts = np.bincount(self.index, minlength=n_vals).astype(np.float64)
        # Removed pooled values per coder: its own, and its partner's in units of two.
        rm_coder = np.concatenate([r.coder, r.coder[pair_unit]])
        rm_value = np.concatenate([self.index, self.index[partner[pair_unit]]])
        self.rm_pos = np.concatenate([np.arange(r.size), partner[pair_unit]])
        keys, self.rm_count = count_keys(rm_coder * n_vals + rm_value, c * n_vals)
        self.rm_coder = keys // n_vals
        self.rm_value = keys % n_vals
        self.rm_entries = (rm_coder, rm_value)
        gone = self.counts[self.rm_value] - self.rm_count == 0
        present = int((self.counts > 0).sum())
        self.distinct = present - np.bincount(self.rm_coder[gone], minlength=c)

    # --- the special cases, one coder at a time (rare) --------------------------------------

    def _remaining_counts(self, c: int) -> FloatArray:
        left = self.counts.copy()
        mine = self.rm_coder == c
        left[self.rm_value[mine]] -= self.rm_count[mine]
        return left

    def remaining_value(self, c: int) -> float:
        return float(self.vals[np.flatnonzero(self._remaining_counts(c) > 0)[0]])

    def remaining_min(self, c: int) -> float:
        if self.vals[0] >= 0:
            return 0.0
        return self.remaining_value(c)

    # --- the values and their rounding bounds ----------------------------------------------

    def fast_values(self, level: str) -> tuple[FloatArray, FloatArray] | None:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if level == "nominal":
                return self._nominal()
            if level == "interval":
                return self._interval()
            if level == "ordinal":
                return self._ordinal()
            return self._ratio() if self.vals[0] >= 0 else None

    def _per_coder(self, weights: FloatArray) -> FloatArray:
        out = np.bincount(self.coder, weights=weights, minlength=self.r.n_coders)
        return out.astype(np.float64)

    def _removed_sums(self, per_value: FloatArray) -> FloatArray:
        """Per coder, sum over the pooled values it removes of ``per_value[value]``."""
        weights = self.rm_count * per_value[self.rm_value]
        out = np.bincount(self.rm_coder, weights=weights, minlength=self.r.n_coders)
        return out.astype(np.float64)

    def _alpha(
        self, observed: FloatArray, observed_size: FloatArray, expected: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        n1 = self.n_after - 1.0
        value = 1.0 - n1 * observed / expected
        bound = 64.0 * _EPS * n1 * observed_size / np.abs(expected)
        return value, np.where(expected > 0, bound, np.inf)

    def _nominal(self) -> tuple[FloatArray, FloatArray]:
        r, k = self.r, self.view.k
        keys, inverse, n_uc = np.unique(
            r.unit * k + self.index, return_inverse=True, return_counts=True
        )
        n_uc = n_uc.astype(np.float64)
        agree2 = np.bincount(keys // k, weights=n_uc * (n_uc - 1.0), minlength=r.n_units)[r.unit]
        a_unit = agree2 / (self.m - 1.0)
        same = n_uc[inverse] - 1.0
        a_without = np.where(self.m >= 3, (agree2 - 2.0 * same) / (self.m - 2.0), 0.0)
        a_total = float(np.bincount(r.unit, weights=a_unit / self.m).sum())
        agreement = a_total + self._per_coder(a_without - a_unit)
        # sum_v (N_v - D_v)^2 = sum N^2 - sum over removed (N_v^2 - (N_v - D_v)^2)
        left = self.counts[self.rm_value] - self.rm_count
        squares = float((self.counts**2).sum()) - np.bincount(
            self.rm_coder,
            weights=self.counts[self.rm_value] ** 2 - left**2,
            minlength=r.n_coders,
        )
        n = self.n_after
        size = a_total + self._per_coder(np.abs(a_without) + a_unit) + n
        return self._alpha(n - agreement, size, n * n - squares)

    def _interval(self) -> tuple[FloatArray, FloatArray]:
        r = self.r
        y = in_frame(r.value)
        m = self.m
        unit_mean = np.bincount(r.unit, weights=y, minlength=r.n_units)[r.unit] / m
        dev = y - unit_mean
        ss_unit = np.bincount(r.unit, weights=dev * dev, minlength=r.n_units)[r.unit]
        d_unit = 2.0 * m * ss_unit / (m - 1.0)
        ss_without = np.maximum(ss_unit - dev * dev * m / (m - 1.0), 0.0)
        d_without = np.where(m >= 3, 2.0 * (m - 1.0) * ss_without / (m - 2.0), 0.0)
        d_total = float(np.bincount(r.unit, weights=d_unit / m).sum())
        observed = d_total + self._per_coder(d_without - d_unit)
        size = d_total + self._per_coder(d_without + d_unit + 2.0 * m * ss_unit / (m - 1.0))
        # Pool moments about the pool mean, minus those of the removed values.
        z = y - y.mean()
        rm_coder, _ = self.rm_entries
        rm_z = z[self.rm_pos]
        s1 = -np.bincount(rm_coder, weights=rm_z, minlength=r.n_coders) + float(z.sum())
        sq_all = float((z * z).sum())
        s2 = sq_all - np.bincount(rm_coder, weights=rm_z * rm_z, minlength=r.n_coders)
        n = self.n_after
        ss_pool = s2 - s1 * s1 / n
        value, bound = self._alpha(observed, size, 2.0 * n * ss_pool)
        # the pool's sum of squares is a difference too
        bound = bound + 64.0 * _EPS * np.abs(1.0 - value) * (sq_all + s2) / np.abs(ss_pool)
        return value, bound

    def _ordinal(self) -> tuple[FloatArray, FloatArray]:
        r, k = self.r, self.view.k
        c = r.n_coders
        removed = np.bincount(
            self.rm_coder * k + self.rm_value, weights=self.rm_count, minlength=c * k
        ).reshape(c, k)
        left = self.counts[None, :] - removed  # (C, k) remaining counts
        n = self.n_after
        ranks = np.cumsum(left, axis=1) - left / 2.0
        ranks -= ((left * ranks).sum(axis=1) / n)[:, None]  # centred: mean 0
        expected = 2.0 * n * (left * ranks * ranks).sum(axis=1)
        o = self._coincidences()
        full = 2.0 * ((ranks * ranks) @ o.sum(axis=1) - ((ranks @ o) * ranks).sum(axis=1))
        s1, s2 = self._unit_rank_sums(ranks)
        m = self.m
        y = ranks[self.coder, self.index]
        with_c = 2.0 * (m * s2 - s1 * s1) / (m - 1.0)
        without = np.where(
            m >= 3, 2.0 * ((m - 1.0) * (s2 - y * y) - (s1 - y) ** 2) / (m - 2.0), 0.0
        )
        observed = full - self._per_coder(with_c) + self._per_coder(without)
        size = np.abs(full) + self._per_coder(np.abs(with_c) + np.abs(without) + 2.0 * m * s2)
        size += 2.0 * ((ranks * ranks) @ o.sum(axis=1))
        return self._alpha(observed, size, expected)

    def _coincidences(self) -> FloatArray:
        r, k = self.r, self.view.k
        o = np.zeros(k * k)
        for i, j in pairs_in_units(r, _PAIR_CHUNK):
            w = 1.0 / (r.m[r.unit[i]] - 1.0)
            o += np.bincount(self.index[i] * k + self.index[j], weights=w, minlength=k * k)
        half = o.reshape(k, k)
        full: FloatArray = half + half.T
        return full

    def _unit_rank_sums(self, ranks: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per rating i of coder c in unit u: sum_j r'_c[cat_j] and sum_j r'_c[cat_j]^2 over u."""
        r, k = self.r, self.view.k
        keys, n_uc = count_keys(r.unit * k + self.index, r.n_units * k)
        entry_unit = keys // k
        per_unit = np.bincount(entry_unit, minlength=r.n_units)
        first = np.cumsum(per_unit) - per_unit
        s1 = np.zeros(r.size)
        s2 = np.zeros(r.size)
        reps = per_unit[r.unit]
        ends = np.cumsum(reps)
        a = 0
        while a < r.size:
            done = int(ends[a - 1]) if a else 0
            b = max(int(np.searchsorted(ends, done + _CHUNK, side="right")), a + 1)
            rep = reps[a:b]
            i = np.repeat(np.arange(a, b), rep)
            e = first[r.unit[i]] + (np.arange(i.size) - np.repeat(np.cumsum(rep) - rep, rep))
            y = ranks[self.coder[i], keys[e] % k]
            s1[a:b] = np.bincount(i - a, weights=n_uc[e] * y, minlength=b - a)
            s2[a:b] = np.bincount(i - a, weights=n_uc[e] * y * y, minlength=b - a)
            a = b
        return s1, s2

    def _ratio(self) -> tuple[FloatArray, FloatArray]:
        r = self.r
        unit_sum = np.zeros(r.n_units)
        row = np.zeros(r.size)
        for i, j in pairs_in_units(r):
            d = ratio_delta(r.value[i], r.value[j])
            unit_sum += np.bincount(r.unit[i], weights=d, minlength=r.n_units)
            row += np.bincount(i, weights=d, minlength=r.size)
            row += np.bincount(j, weights=d, minlength=r.size)
        m = self.m
        pairs_u = unit_sum[r.unit]
        d_unit = 2.0 * pairs_u / (m - 1.0)
        d_without = np.where(m >= 3, 2.0 * np.maximum(pairs_u - row, 0.0) / (m - 2.0), 0.0)
        d_total = float(np.bincount(r.unit, weights=d_unit / m).sum())
        observed = d_total + self._per_coder(d_without - d_unit)
        size = d_total + self._per_coder(d_without + 2.0 * d_unit)
        vals, counts = self.vals, self.counts
        e_all = ratio_pair_sum(vals, counts)
        phi = ratio_potentials(vals, counts)
        expected = e_all - 2.0 * self._removed_sums(phi)
        bounds = np.searchsorted(self.rm_coder, np.arange(r.n_coders + 1))
        for c in range(r.n_coders):
            lo, hi = int(bounds[c]), int(bounds[c + 1])
            if hi > lo:
                expected[c] += ratio_pair_sum(vals[self.rm_value[lo:hi]], self.rm_count[lo:hi])
        value, bound = self._alpha(observed, size, expected)
        bound = bound + 64.0 * _EPS * np.abs(1.0 - value) * 3.0 * e_all / np.abs(expected)
        return value, bound
