"""The ratio metric's pool sums by quadrature against the exact O(V^2) sums."""

from __future__ import annotations

import math

import numpy as np
import pytest

from socmodel_cli.stats import alpha
from socmodel_cli.stats.ratio_sums import (
    LOW,
    QUADRATURE_FROM,
    STEP,
    TAIL,
    _exact_pair_sum,
    ratio_delta,
    ratio_pair_sum,
    ratio_potentials,
    ratio_sums_of_counts,
)

N = QUADRATURE_FROM + 1500


def _pools() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "lognormal": np.exp(rng.normal(0, 2, N)),
        "near 1e6": 1e6 + rng.random(N),
        "1e-100..1e100": 10.0 ** rng.uniform(-100, 100, N),
        "with zeros": np.concatenate([[0.0], rng.gamma(0.5, 3.0, N)]),
        "huge": 1e300 * rng.random(N) + 1e299,
        "tiny": 1e-300 * rng.random(N) + 1e-301,
    }


POOLS = _pools()


def _exact(vals: np.ndarray, counts: np.ndarray) -> float:
    total = 0.0
    if vals[0] == 0.0:
        total = 2.0 * counts[0] * counts[1:].sum()
        vals, counts = vals[1:], counts[1:]
    return total + _exact_pair_sum(vals, counts)


@pytest.mark.parametrize("name", sorted(POOLS))
def test_quadrature_equals_the_exact_pair_sum(name: str) -> None:
    rng = np.random.default_rng(len(name))
    vals = np.unique(POOLS[name])
    counts = rng.integers(1, 6, vals.size).astype(float)
    assert vals.size > QUADRATURE_FROM  # the quadrature path
    assert ratio_pair_sum(vals, counts) == pytest.approx(_exact(vals, counts), rel=1e-12)


@pytest.mark.parametrize("name", sorted(POOLS))
def test_quadrature_potentials_equal_the_exact_ones(name: str) -> None:
    rng = np.random.default_rng(len(name) + 1)
    vals = np.unique(POOLS[name])[: QUADRATURE_FROM + 200]
    counts = rng.integers(1, 4, vals.size).astype(float)
    got = ratio_potentials(vals, counts)
    want = np.array([float(ratio_delta(np.full(vals.size, v), vals) @ counts) for v in vals[::97]])
    np.testing.assert_allclose(got[::97], want, rtol=1e-12)


def test_bootstrap_replicate_sums_equal_the_exact_ones() -> None:
    rng = np.random.default_rng(8)
    vals = np.unique(POOLS["lognormal"])
    full = rng.integers(1, 4, vals.size).astype(float)
    replicates = rng.poisson(full, size=(3, vals.size)).astype(float)
    got = ratio_sums_of_counts(vals, full, replicates)
    assert got is not None
    for row, value in zip(replicates, got, strict=True):
        nz = row > 0
        assert value == pytest.approx(_exact(vals[nz], row[nz]), rel=1e-12)


def test_few_values_or_too_wide_a_range_use_the_exact_sum() -> None:
    vals = np.array([1.0, 2.0, 5.0])
    counts = np.array([1.0, 2.0, 1.0])
    assert ratio_sums_of_counts(vals, counts, counts[None]) is None
    wide = np.unique(np.concatenate([10.0 ** np.linspace(-307, 307, N)]))
    assert ratio_sums_of_counts(wide, np.ones(wide.size), np.ones((1, wide.size))) is None
    assert ratio_pair_sum(wide, np.ones(wide.size)) == _exact(wide, np.ones(wide.size))


def test_the_documented_error_bound() -> None:
    """The bound of docs/statistics.md, recomputed: discretisation and both tails."""
    a = 1.3
    discretisation = 2.0 / (math.cos(a) ** 2 * (math.exp(2 * math.pi * a / STEP) - 1.0))
    low_tail = 4.0 * math.exp(2 * LOW) * STEP / (1.0 - math.exp(-2 * STEP))
    high_tail = (TAIL + 1.0) * math.exp(-TAIL)
    assert discretisation < 6e-17
    assert low_tail < 1e-17
    assert high_tail < 2e-18


def test_ratio_alpha_on_many_continuous_values() -> None:
    """6,000 distinct values: the quadrature path gives the exact path's alpha."""
    rng = np.random.default_rng(10)
    x = np.abs(rng.normal(5, 1, size=(3000, 2)))
    x[:, 1] = np.abs(x[:, 0] + rng.normal(0, 0.5, 3000))
    got = alpha(x, "ratio").value
    vals, counts = np.unique(x, return_counts=True)
    n = float(x.size)
    d = ratio_delta(x[:, 0], x[:, 1])
    observed = float((2.0 * d).sum())
    want = 1.0 - (n - 1.0) * observed / _exact(vals, counts.astype(float))
    assert got == pytest.approx(want, abs=1e-12)
