"""Unit bootstrap and the KALPHA-compatible pair bootstrap."""

from __future__ import annotations

import time

import numpy as np
import pytest
from stats_helpers import assert_clean_bootstrap

from socmodel_cli.stats import alpha, bootstrap_alpha, kalpha_bootstrap
from socmodel_cli.stats.bootstrap import (
    KALPHA_METHOD,
    UNIT_METHOD,
    _draw_counts,
    _Kernel,
    _patterns,
)


def _coded(n: int, seed: int, *, k: int = 5, coders: int = 3, accuracy: float = 0.8) -> np.ndarray:
    """n units, each coder reports the true category with probability ``accuracy``."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    cols = [np.where(rng.random(n) < accuracy, truth, rng.integers(0, k, n)) for _ in range(coders)]
    x = np.stack(cols, axis=1).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    return x


def _continuous(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.gamma(3.0, 1.0, size=n)
    x = np.abs(truth[:, None] + rng.normal(scale=0.6, size=(n, 3)))
    x[rng.random(x.shape) < 0.1] = np.nan
    return x


@pytest.mark.parametrize(
    ("level", "kind"),
    [
        ("nominal", "categorical"),
        ("ordinal", "categorical"),
        ("interval", "categorical"),
        ("ratio", "categorical"),
        ("interval", "continuous"),
        ("ratio", "continuous"),
    ],
)
def test_each_replicate_is_alpha_of_the_resampled_units(level: str, kind: str) -> None:
    """The fast kernel is exact: for drawn pattern counts it equals alpha() computed on the
    resampled units written out in full."""
    x = _coded(60, 1) if kind == "categorical" else _continuous(60, 1)
    k = 5 if level in ("nominal", "ordinal") else None
    p = _patterns(x, level, k)
    assert p is not None
    rng = np.random.default_rng(7)
    w = _draw_counts(rng, p, 20)
    assert (w.sum(axis=1) == p.count.sum()).all()
    got = _Kernel(p)(w)
    rows = np.where(p.values >= 0, p.positions[np.maximum(p.values, 0)], np.nan)
    for b in range(w.shape[0]):
        resampled = np.repeat(rows, w[b].astype(int), axis=0)
        expected = alpha(resampled, level, k).value
        assert expected is not None
        assert got[b] == pytest.approx(expected, abs=1e-10)


def test_same_seed_same_result_other_seed_other_result() -> None:
    x = _coded(300, 2)
    a = bootstrap_alpha(x, "nominal", 5, replicates=500, seed=11)
    b = bootstrap_alpha(x, "nominal", 5, replicates=500, seed=11)
    c = bootstrap_alpha(x, "nominal", 5, replicates=500, seed=12)
    assert a == b
    assert a != c
    assert a.method == UNIT_METHOD
    assert_clean_bootstrap(a)


def test_interval_brackets_the_estimate_and_q_is_consistent() -> None:
    x = _coded(400, 3, accuracy=0.75)
    point = alpha(x, "nominal", 5).value
    assert point is not None
    res = bootstrap_alpha(x, "nominal", 5, replicates=2000, seed=1, threshold=point)
    assert res.ci_low is not None and res.ci_high is not None
    assert res.ci_low < point < res.ci_high
    # With the threshold at the estimate, about half the replicates fall below it.
    assert res.q_below_threshold == pytest.approx(0.5, abs=0.08)
    far = bootstrap_alpha(x, "nominal", 5, replicates=2000, seed=1, threshold=-1.0)
    assert far.q_below_threshold == 0.0


def test_unit_bootstrap_agrees_with_a_naive_resampling_loop() -> None:
    """Distributional check against the textbook implementation (resample rows, call alpha)."""
    x = _coded(80, 4)
    fast = bootstrap_alpha(x, "ordinal", 5, replicates=4000, seed=3)
    rng = np.random.default_rng(99)
    keep = (~np.isnan(x)).sum(axis=1) >= 2
    xp = x[keep]
    naive = []
    for _ in range(1500):
        v = alpha(xp[rng.integers(0, xp.shape[0], xp.shape[0])], "ordinal", 5).value
        if v is not None:
            naive.append(v)
    lo, hi = np.quantile(naive, [0.025, 0.975])
    assert fast.ci_low == pytest.approx(lo, abs=0.03)
    assert fast.ci_high == pytest.approx(hi, abs=0.03)


def test_no_variation_makes_every_replicate_undefined() -> None:
    x = np.full((20, 2), 3.0)
    for f in (bootstrap_alpha, kalpha_bootstrap):
        res = f(x, "nominal", 5, replicates=100)
        assert res.ci_low is None and res.q_below_threshold is None
        assert res.undefined_replicates == 100


def test_resamples_without_variation_are_counted_not_hidden() -> None:
    # 2 of 3 units agree on 0: many resamples contain only those units.
    x = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    res = bootstrap_alpha(x, "nominal", 2, replicates=1000, seed=0)
    # P(no unit 2 drawn) = (2/3)^3 = 0.296; P(only unit 2) = 1/27
    assert res.undefined_replicates / 1000 == pytest.approx(8 / 27 + 1 / 27, abs=0.05)
    assert res.ci_low == res.ci_high == 1.0


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_continuous_codes_bootstrap_with_bounded_memory(level: str) -> None:
    x = _continuous(2000, 5)
    point = alpha(x, level).value
    res = bootstrap_alpha(x, level, replicates=200, seed=1)
    assert res.ci_low is not None and res.ci_high is not None and point is not None
    assert res.ci_low < point < res.ci_high


def test_ratio_bootstrap_with_more_distinct_values_than_the_dense_limit() -> None:
    x = _continuous(1200, 6)  # ~3,200 distinct values: expected disagreement per replicate
    res = bootstrap_alpha(x, "ratio", replicates=5, seed=1)
    point = alpha(x, "ratio").value
    assert res.ci_low is not None and point is not None
    assert abs(res.ci_low - point) < 0.05


def test_speed_target_categorical() -> None:
    """10,000 replicates over 100,000 units of a categorical code: target < 2 s on the
    project's 2-core machine (asserted with headroom for a loaded CI runner)."""
    x = _coded(100_000, 8)
    start = time.perf_counter()
    res = bootstrap_alpha(x, "nominal", 5, replicates=10_000, seed=1)
    elapsed = time.perf_counter() - start
    assert res.undefined_replicates == 0
    assert elapsed < 4.0, elapsed


def _width(r: object) -> float:
    lo, hi = r.ci_low, r.ci_high  # type: ignore[attr-defined]
    assert lo is not None and hi is not None
    return float(hi - lo)


def test_kalpha_interval_does_not_narrow_as_units_grow() -> None:
    """Demonstrates the criticism of Gwet (2015) and Zapf et al. (2016).

    Same coding process, 1,000 vs 100,000 units. A sampling distribution of alpha must
    narrow like 1/sqrt(units), here about 10x; the unit bootstrap does. KALPHA draws at
    most 25 x (non-empty coincidence cells) pairs per replicate whatever the number of
    units (625 here, reached already at 1,000 units), so its interval does not narrow.
    """
    small = _coded(1_000, 10, coders=2, accuracy=0.7)
    large = _coded(100_000, 11, coders=2, accuracy=0.7)
    u_small = bootstrap_alpha(small, "nominal", 5, replicates=2000, seed=1)
    u_large = bootstrap_alpha(large, "nominal", 5, replicates=2000, seed=1)
    k_small = kalpha_bootstrap(small, "nominal", 5, replicates=2000, seed=1)
    k_large = kalpha_bootstrap(large, "nominal", 5, replicates=2000, seed=1)
    assert k_large.method == KALPHA_METHOD
    unit_ratio = _width(u_small) / _width(u_large)
    kalpha_ratio = _width(k_small) / _width(k_large)
    assert 7.0 < unit_ratio < 13.0, unit_ratio
    assert 0.8 < kalpha_ratio < 1.25, kalpha_ratio
    # At 100,000 units the KALPHA interval is about ten times wider than the unit bootstrap's.
    assert _width(k_large) > 5 * _width(u_large)
    # ...yet both bracket the same point estimate.
    point = alpha(large, "nominal", 5).value
    assert point is not None
    assert k_large.ci_low is not None and k_large.ci_high is not None
    assert k_large.ci_low < point < k_large.ci_high


def test_kalpha_centres_on_alpha_for_small_samples() -> None:
    # Where the cap does not bind, KALPHA behaves like a sensible interval around alpha.
    x = _coded(40, 12, coders=3)
    point = alpha(x, "interval").value
    res = kalpha_bootstrap(x, "interval", replicates=3000, seed=2)
    assert res.ci_low is not None and res.ci_high is not None and point is not None
    assert res.ci_low < point < res.ci_high


def test_invalid_arguments_raise() -> None:
    x = _coded(10, 13)
    with pytest.raises(ValueError, match="replicates"):
        bootstrap_alpha(x, "nominal", 5, replicates=0)
    with pytest.raises(ValueError, match="ci"):
        kalpha_bootstrap(x, "nominal", 5, ci=1.5)
