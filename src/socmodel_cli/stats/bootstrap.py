"""Bootstrap intervals for Krippendorff's alpha.

``bootstrap_alpha`` (the default to defend) resamples *units* with replacement and
recomputes alpha: the percentile interval reflects how alpha varies over samples of units.
Units with the same multiset of values contribute identically to alpha, so units are
grouped into P distinct patterns and a replicate is just a vector of pattern counts drawn
from ``multinomial(N, pattern shares)``. Alpha of a replicate is a function of weighted
per-pattern sums (see ``_Patterns``), so 10,000 replicates over 100,000 categorical units
take well under a second. Continuous codes have about one pattern per unit; the same
code then runs in O(replicates x units) time with memory bounded by chunking.

``kalpha_bootstrap`` reproduces the algorithm of Hayes & Krippendorff's KALPHA macro
(Krippendorff 2006/2011, "Algorithm for bootstrapping a distribution of alpha"): it
draws M value pairs from the observed coincidence matrix and holds the expected
disagreement fixed. Gwet (2015) and Zapf et al. (2016) point out that this is not a
sampling distribution of units: M is capped at 25 x (non-empty coincidence cells), so the
interval stops narrowing as units are added. It is provided for comparison with
published KALPHA output, clearly labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socmodel_cli.stats._checks import (
    FloatArray,
    IntArray,
    as_ratings,
    category_codes,
    check_level,
)
from socmodel_cli.stats._precision import frame
from socmodel_cli.stats._sparse import rating_list
from socmodel_cli.stats.alpha import agreeing_pairs, ordinal_ranks
from socmodel_cli.stats.estimate import Level
from socmodel_cli.stats.ratio_sums import ratio_delta, ratio_pair_sum, ratio_sums_of_counts

UNIT_METHOD = "unit bootstrap, percentile interval"
KALPHA_METHOD = (
    "KALPHA-compatible pair bootstrap (Hayes & Krippendorff 2007; expected disagreement "
    "held fixed, does not narrow as units grow)"
)

# Elements per working array when processing a chunk of replicates.
_CHUNK_ELEMENTS = 1 << 22
# Largest number of distinct values for which the ratio-metric distance matrix is held.
_RATIO_DENSE_VALUES = 2048


@dataclass(frozen=True, slots=True)
class BootstrapResult:
    """Percentile interval and P(alpha < threshold) from bootstrap replicates.

    ``q_below_threshold`` is the share of *defined* replicates with alpha below the
    threshold; replicates in which alpha is undefined (e.g. a resample without variation)
    are counted in ``undefined_replicates`` and left out of the interval and of q.
    Values are ``None`` when no replicate is defined.
    """

    ci_low: float | None
    ci_high: float | None
    q_below_threshold: float | None
    replicates: int
    method: str
    undefined_replicates: int


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Pairable units grouped by their multiset of values.

    ``values`` holds, per pattern, sorted indices into ``positions`` (-1 = not coded), as
    many columns as the most ratings any unit has (not one per coder); ``count`` how many
    units share the pattern; ``m`` the values per unit.
    """

    level: Level
    values: IntArray  # (P, most ratings in a unit)
    count: FloatArray  # (P,)
    m: FloatArray  # (P,)
    positions: FloatArray  # (V,) numeric value of each index (category index or value)
    n_coders: int

    @property
    def n_values(self) -> int:
        return int(self.positions.size)


def _patterns(ratings: FloatArray, level: str, n_categories: int | None) -> _Patterns | None:
    """Group the pairable units into patterns, or ``None`` if alpha is undefined anyway."""
    lvl = check_level(level)
    x = as_ratings(ratings)
    if x.shape[1] < 2:
        return None
    r = rating_list(x).pairable()
    if r.size == 0:
        return None
    if lvl in ("nominal", "ordinal"):
        k = n_categories if n_categories is not None else int(r.value.max()) + 1
        idx = category_codes(r.value, k)
        positions = np.arange(k, dtype=np.float64)
    else:
        positions = np.unique(r.value)
        if lvl == "ratio" and positions[0] < 0:
            return None
        idx = np.searchsorted(positions, r.value)
    if idx.min() == idx.max():
        return None  # no variation: alpha undefined in every replicate
    # Each pairable unit's value indices in a row as wide as the largest unit, -1 padded.
    kept = np.flatnonzero(r.m >= 2)
    row_of_unit = np.cumsum(r.m >= 2) - 1
    start = r.first_of_unit()
    grid = np.full((kept.size, int(r.m.max())), -1, dtype=np.int64)
    grid[row_of_unit[r.unit], np.arange(r.size) - start[r.unit]] = idx
    rows, count = np.unique(np.sort(grid, axis=1), axis=0, return_counts=True)
    return _Patterns(
        level=lvl,
        values=rows,
        count=count.astype(np.float64),
        m=(rows >= 0).sum(axis=1).astype(np.float64),
        positions=positions,
        n_coders=int(x.shape[1]),
    )


def _value_counts(p: _Patterns, w: FloatArray) -> FloatArray:
    """Per replicate, how many pairable values fall on each value index: ``(b, V)``."""
    b = w.shape[0]
    v = p.n_values
    out = np.zeros(b * v, dtype=np.float64)
    offsets = (np.arange(b) * v)[:, None]
    for j in range(p.values.shape[1]):
        col = p.values[:, j]
        ok = col >= 0
        if ok.any():
            out += np.bincount(
                (offsets + col[ok][None, :]).ravel(),
                weights=w[:, ok].ravel(),
                minlength=b * v,
            )
    return out.reshape(b, v)


def _gather_sums(p: _Patterns, scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per replicate and pattern, sum and sum of squares of ``scores[b, value]``: (b, P)."""
    s1 = np.zeros((scores.shape[0], p.values.shape[0]))
    s2 = np.zeros_like(s1)
    for j in range(p.values.shape[1]):
        col = p.values[:, j]
        g = np.where(col[None, :] >= 0, scores[:, np.maximum(col, 0)], 0.0)
        s1 += g
        s2 += g * g
    return s1, s2


class _Kernel:
    """Alpha of weighted pattern counts, for a chunk of replicates at a time."""

    def __init__(self, p: _Patterns) -> None:
        self.p = p
        pos = p.positions
        vals = np.where(p.values >= 0, pos[np.maximum(p.values, 0)], np.nan)
        if p.level == "nominal":
            self.agree = 2.0 * agreeing_pairs(p.values) / (p.m - 1.0)
        elif p.level == "interval":
            # In the values' frame (median 0, largest deviation in [1/2, 1)) so that
            # n T2 - T1^2 keeps its digits at any magnitude or offset.
            counts = _value_counts(p, p.count[None, :])[0]
            y = frame(pos, weights=counts).apply(pos)
            c = np.where(p.values >= 0, y[np.maximum(p.values, 0)], np.nan)
            self.s1 = np.nansum(c, axis=1)
            self.s2 = np.nansum(c * c, axis=1)
            within = self.s2 - self.s1**2 / p.m
            self.obs = 2.0 * p.m * within / (p.m - 1.0)
            lo = np.where(p.values >= 0, p.values, p.n_values).min(axis=1)
            self.lo, self.hi = lo, p.values.max(axis=1)
        elif p.level == "ratio":
            per = np.zeros(p.values.shape[0])
            for a in range(vals.shape[1]):
                for b in range(a + 1, vals.shape[1]):
                    per += np.nan_to_num(ratio_delta(vals[:, a], vals[:, b]), nan=0.0)
            self.obs = 2.0 * per / (p.m - 1.0)
            self.delta = (
                ratio_delta(pos[:, None], pos[None, :]) if pos.size <= _RATIO_DENSE_VALUES else None
            )
            self.full_counts = _value_counts(p, p.count[None, :])[0]

    def __call__(self, w: FloatArray) -> FloatArray:
        """Alpha per row of ``w`` (b x P pattern counts); NaN where undefined."""
        p = self.p
        n = w @ p.m
        with np.errstate(divide="ignore", invalid="ignore"):
            if p.level == "interval":
                drawn = w > 0
                lo = np.where(drawn, self.lo, p.n_values).min(axis=1)
                hi = np.where(drawn, self.hi, -1).max(axis=1)
                t1, t2 = w @ self.s1, w @ self.s2
                spread = n * t2 - t1 * t1
                a = 1.0 - (n - 1.0) * (w @ self.obs) / (2.0 * spread)
                return np.where((lo == hi) | (spread <= 0), np.nan, a)
            counts = _value_counts(p, w)
            varied = (counts > 0).sum(axis=1) > 1
            if p.level == "nominal":
                a = 1.0 - (n - 1.0) * (n - w @ self.agree) / (n * n - (counts**2).sum(axis=1))
            elif p.level == "ordinal":
                ranks = np.cumsum(counts, axis=1) - counts / 2.0
                g1, g2 = _gather_sums(p, ranks)
                obs = (w * 2.0 * (p.m * g2 - g1 * g1) / (p.m - 1.0)).sum(axis=1)
                c1 = (counts * ranks).sum(axis=1)
                c2 = (counts * ranks * ranks).sum(axis=1)
                a = 1.0 - (n - 1.0) * obs / (2.0 * (n * c2 - c1 * c1))
            else:
                a = 1.0 - (n - 1.0) * (w @ self.obs) / self._ratio_expected(counts)
        return np.where(varied, a, np.nan)

    def _ratio_expected(self, counts: FloatArray) -> FloatArray:
        if self.delta is not None:
            out_dense: FloatArray = ((counts @ self.delta) * counts).sum(axis=1)
            return out_dense
        # Many distinct values: by quadrature, three matrix products per node (O(b V K)),
        # or, when it does not apply, the distance matrix a block of rows at a time applied
        # to the whole chunk of replicates: O(b V^2) multiply-adds, memory O(block x V).
        pos = self.p.positions
        quadrature = ratio_sums_of_counts(pos, self.full_counts, counts)
        if quadrature is not None:
            return quadrature
        out = np.zeros(counts.shape[0])
        step = max(1, _CHUNK_ELEMENTS // pos.size)
        for start in range(0, pos.size, step):
            block = ratio_delta(pos[start : start + step, None], pos[None, :])
            out += (counts[:, start : start + step] * (counts @ block.T)).sum(axis=1)
        return out


def _summarise(alphas: FloatArray, ci: float, threshold: float, method: str) -> BootstrapResult:
    ok = alphas[~np.isnan(alphas)]
    n_undefined = int(alphas.size - ok.size)
    if ok.size == 0:
        return BootstrapResult(None, None, None, int(alphas.size), method, n_undefined)
    lo, hi = np.quantile(ok, [(1.0 - ci) / 2.0, (1.0 + ci) / 2.0])
    return BootstrapResult(
        ci_low=float(lo),
        ci_high=float(hi),
        q_below_threshold=float((ok < threshold).mean()),
        replicates=int(alphas.size),
        method=method,
        undefined_replicates=n_undefined,
    )


def _check_args(replicates: int, ci: float) -> None:
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, got {replicates}")
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci}")


def bootstrap_alpha(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    replicates: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
    threshold: float = 0.667,
) -> BootstrapResult:
    """Unit-level (cluster) bootstrap of Krippendorff's alpha.

    Resamples the pairable units (those alpha uses) with replacement, ``replicates`` times,
    recomputes alpha and reports the percentile interval and the share of replicates below
    ``threshold``. The same input and ``seed`` give the same result. With a single pairable
    unit there is no interval (every replicate would be that unit).
    """
    _check_args(replicates, ci)
    p = _patterns(ratings, level, n_categories)
    if p is None or p.count.sum() < 2:
        # One pairable unit resampled is always itself: no sampling variation to show.
        return BootstrapResult(None, None, None, replicates, UNIT_METHOD, replicates)
    rng = np.random.default_rng(seed)
    kernel = _Kernel(p)
    n_units = int(p.count.sum())
    width = max(p.values.shape[0], p.n_values if p.level != "interval" else 1)
    chunk = max(1, _CHUNK_ELEMENTS // max(width, n_units if _many_patterns(p) else 1))
    out = np.empty(replicates, dtype=np.float64)
    for start in range(0, replicates, chunk):
        b = min(chunk, replicates - start)
        out[start : start + b] = kernel(_draw_counts(rng, p, b))
    return _summarise(out, ci, threshold, UNIT_METHOD)


def _many_patterns(p: _Patterns) -> bool:
    """True when most units have a pattern of their own (continuous values)."""
    return bool(p.values.shape[0] * 8 > p.count.sum())


def _draw_counts(rng: np.random.Generator, p: _Patterns, b: int) -> FloatArray:
    """``b`` resamples of the units, as counts per pattern: multinomial(N, pattern shares).

    With few patterns numpy's multinomial sampler is fastest; with about one pattern per
    unit, drawing N unit indices and counting them per pattern gives the same distribution
    several times faster.
    """
    n_units = int(p.count.sum())
    n_pat = p.values.shape[0]
    if not _many_patterns(p):
        return rng.multinomial(n_units, p.count / n_units, size=b).astype(np.float64)
    pattern_of_unit = np.repeat(np.arange(n_pat), p.count.astype(np.int64))
    drawn = pattern_of_unit[rng.integers(0, n_units, size=(b, n_units))]
    drawn += (np.arange(b) * n_pat)[:, None]
    flat = np.bincount(drawn.ravel(), minlength=b * n_pat)
    return flat.reshape(b, n_pat).astype(np.float64)


def pattern_alpha(ratings: FloatArray, level: str, n_categories: int | None = None) -> float | None:
    """Alpha through the bootstrap's pattern kernel with the observed counts.

    Equals :func:`socmodel_cli.stats.alpha.alpha`; exposed so tests can prove the
    replicate formula is the point formula.
    """
    p = _patterns(ratings, level, n_categories)
    if p is None:
        return None
    a = float(_Kernel(p)(p.count[None, :])[0])
    return None if np.isnan(a) else a


def _coincidence_cells(p: _Patterns) -> tuple[IntArray, IntArray, FloatArray]:
    """Non-empty cells (c <= k) of the coincidence matrix and their mass.

    Each unordered pair of values in a unit with m values adds 2 / (m - 1) to its cell, so
    the masses sum to n: off-diagonal mass is o_ck + o_kc, diagonal mass o_cc.
    """
    lo_parts, hi_parts, mass_parts = [], [], []
    cols = p.values.shape[1]
    for a in range(cols):
        for b in range(a + 1, cols):
            va, vb = p.values[:, a], p.values[:, b]
            ok = (va >= 0) & (vb >= 0)
            lo_parts.append(np.minimum(va[ok], vb[ok]))
            hi_parts.append(np.maximum(va[ok], vb[ok]))
            mass_parts.append(2.0 * p.count[ok] / (p.m[ok] - 1.0))
    lo = np.concatenate(lo_parts)
    hi = np.concatenate(hi_parts)
    mass = np.concatenate(mass_parts)
    key = lo * p.n_values + hi
    cells, inverse = np.unique(key, return_inverse=True)
    cells = cells.astype(np.int64)
    cell_mass = np.bincount(inverse, weights=mass).astype(np.float64)
    return cells // p.n_values, cells % p.n_values, cell_mass


def kalpha_bootstrap(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    replicates: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
    threshold: float = 0.667,
) -> BootstrapResult:
    """KALPHA-compatible bootstrap (Hayes & Krippendorff 2007). See the module docstring.

    Each replicate draws M pairs from the coincidence cells (probability = cell mass / n),
    M = min(25 q, (coders - 1) n / 2) with q the non-empty cells of the full coincidence
    matrix, and sets alpha* = 1 - sum(delta of drawn pairs) / (M D_e) with the observed
    D_e, floored at -1. As in the macro, about B * sum_c (o_cc / n)^M replicates that
    drew only identical pairs (alpha* = 1) are set to 0, the value for indeterminate samples.
    """
    _check_args(replicates, ci)
    p = _patterns(ratings, level, n_categories)
    if p is None:
        return BootstrapResult(None, None, None, replicates, KALPHA_METHOD, replicates)
    lo, hi, mass = _coincidence_cells(p)
    n = float(mass.sum())
    counts = _value_counts(p, p.count[None, :])[0]
    if p.level == "nominal":
        delta = (lo != hi).astype(np.float64)
        expected_sum = n * n - float((counts**2).sum())
    else:
        pos = ordinal_ranks(counts) if p.level == "ordinal" else p.positions
        if p.level == "ratio":
            delta = ratio_delta(pos[lo], pos[hi])
            nz = counts > 0
            expected_sum = ratio_pair_sum(pos[nz], counts[nz])
        else:
            y = frame(pos, weights=counts).apply(pos)  # shift- and scale-free, see _precision
            delta = (y[lo] - y[hi]) ** 2
            mean = float((counts * y).sum() / n)
            expected_sum = 2.0 * n * float((counts * (y - mean) ** 2).sum())
    d_e = expected_sum / (n * (n - 1.0))
    q = int((lo == hi).sum() + 2 * (lo != hi).sum())
    n_coders = p.n_coders
    m_draws = int(min(25 * q, (n_coders - 1) * n / 2.0))
    rng = np.random.default_rng(seed)
    prob = mass / n
    chunk = max(1, _CHUNK_ELEMENTS // max(prob.size, 1))
    out = np.empty(replicates, dtype=np.float64)
    for start in range(0, replicates, chunk):
        b = min(chunk, replicates - start)
        drawn = rng.multinomial(m_draws, prob, size=b).astype(np.float64)
        out[start : start + b] = 1.0 - (drawn @ delta) / (m_draws * d_e)
    out = np.maximum(out, -1.0)
    diag = mass[lo == hi] / n
    n_indeterminate = round(replicates * float((diag**m_draws).sum()))
    ones = np.flatnonzero(out == 1.0)[:n_indeterminate]
    out[ones] = 0.0
    return _summarise(out, ci, threshold, KALPHA_METHOD)
