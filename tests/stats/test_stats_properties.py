"""Laws the coefficients must obey, checked with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_helpers import assert_clean, assert_clean_bootstrap

from socmodel_cli.stats import (
    alpha,
    bootstrap_alpha,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    light_kappa,
    percent_agreement,
    scott_pi,
    weighted_kappa,
)
from socmodel_cli.stats.bootstrap import kalpha_bootstrap, pattern_alpha

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@st.composite
def codes(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 5) -> tuple[np.ndarray, int]:
    """A units x coders matrix of category indices with missing cells, and k."""
    k = draw(st.integers(2, 6))
    n = draw(st.integers(1, 25))
    c = draw(st.integers(min_coders, max_coders))
    cells = draw(
        st.lists(st.one_of(st.none(), st.integers(0, k - 1)), min_size=n * c, max_size=n * c)
    )
    x = np.array([np.nan if v is None else float(v) for v in cells]).reshape(n, c)
    return x, k


def _alpha(x: np.ndarray, level: str, k: int) -> float | None:
    return alpha(x, level, k if level in ("nominal", "ordinal") else None).value


@SETTINGS
@given(data=codes(), level=st.sampled_from(LEVELS))
def test_alpha_at_most_one_and_never_nan(data: tuple[np.ndarray, int], level: str) -> None:
    x, k = data
    est = alpha(x, level, k if level in ("nominal", "ordinal") else None)
    assert_clean(est)
    if est.value is not None:
        assert est.value <= 1.0 + 1e-12


@SETTINGS
@given(data=codes())
def test_every_coefficient_keeps_the_estimate_contract(data: tuple[np.ndarray, int]) -> None:
    x, k = data
    for f in (cohen_kappa, scott_pi, light_kappa, fleiss_kappa, brennan_prediger, gwet_ac1):
        est = f(x, "nominal", k)
        assert_clean(est)
        if est.value is not None:
            assert est.value <= 1.0 + 1e-12
    for f in (weighted_kappa, gwet_ac2):
        assert_clean(f(x, "ordinal", k))
    pa = percent_agreement(x)
    assert_clean(pa)
    assert pa.value is None or 0.0 <= pa.value <= 1.0


@SETTINGS
@given(
    truth=st.lists(st.integers(0, 4), min_size=2, max_size=30).filter(lambda t: len(set(t)) > 1),
    coders=st.integers(2, 5),
    level=st.sampled_from(LEVELS),
)
def test_identical_coders_with_variation_give_one(
    truth: list[int], coders: int, level: str
) -> None:
    x = np.repeat(np.array(truth, dtype=float)[:, None], coders, axis=1)
    assert _alpha(x, level, 5) == pytest.approx(1.0)
    assert fleiss_kappa(x, "nominal", 5).value == pytest.approx(1.0)
    assert gwet_ac1(x, "nominal", 5).value == pytest.approx(1.0)
    if coders == 2:
        assert cohen_kappa(x, "nominal", 5).value == pytest.approx(1.0)
        assert weighted_kappa(x, "ordinal", 5).value == pytest.approx(1.0)


@SETTINGS
@given(data=codes(), level=st.sampled_from(LEVELS), seed=st.integers(0, 2**32 - 1))
def test_invariant_under_permuting_units_and_coders(
    data: tuple[np.ndarray, int], level: str, seed: int
) -> None:
    x, k = data
    rng = np.random.default_rng(seed)
    y = x[rng.permutation(x.shape[0])][:, rng.permutation(x.shape[1])]
    a, b = _alpha(x, level, k), _alpha(y, level, k)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert a == pytest.approx(b, abs=1e-12)
    for f in (light_kappa, fleiss_kappa, brennan_prediger, gwet_ac1):
        fa, fb = f(x, "nominal", k).value, f(y, "nominal", k).value
        assert (fa is None) == (fb is None)
        if fa is not None and fb is not None:
            assert fa == pytest.approx(fb, abs=1e-12)
    pa, pb = percent_agreement(x).value, percent_agreement(y).value
    assert pa == pytest.approx(pb) if pa is not None else pb is None


@SETTINGS
@given(data=codes(), seed=st.integers(0, 2**32 - 1))
def test_nominal_coefficients_ignore_category_labels(
    data: tuple[np.ndarray, int], seed: int
) -> None:
    x, k = data
    relabel = np.random.default_rng(seed).permutation(k).astype(float)
    y = np.where(np.isnan(x), np.nan, relabel[np.nan_to_num(x).astype(int)])
    for f in (
        lambda z: alpha(z, "nominal", k),
        lambda z: cohen_kappa(z, "nominal", k),
        lambda z: scott_pi(z, "nominal", k),
        lambda z: light_kappa(z, "nominal", k),
        lambda z: fleiss_kappa(z, "nominal", k),
        lambda z: brennan_prediger(z, "nominal", k),
        lambda z: gwet_ac1(z, "nominal", k),
        percent_agreement,
    ):
        a, b = f(x), f(y)
        assert (a.value is None) == (b.value is None)
        if a.value is not None and b.value is not None:
            assert a.value == pytest.approx(b.value, abs=1e-12)
            if a.se is not None:
                assert a.se == pytest.approx(b.se, abs=1e-12)


@SETTINGS
@given(data=codes(), shift=st.floats(-50, 50), scale=st.floats(0.1, 20))
def test_interval_alpha_is_invariant_to_linear_rescaling(
    data: tuple[np.ndarray, int], shift: float, scale: float
) -> None:
    x, _ = data
    a, b = alpha(x, "interval").value, alpha(x * scale + shift, "interval").value
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert a == pytest.approx(b, abs=1e-9)


@SETTINGS
@given(data=codes(), level=st.sampled_from(LEVELS))
def test_bootstrap_kernel_reproduces_alpha(data: tuple[np.ndarray, int], level: str) -> None:
    x, k = data
    kk = k if level in ("nominal", "ordinal") else None
    a = alpha(x, level, kk).value
    b = pattern_alpha(x, level, kk)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert a == pytest.approx(b, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(data=codes(), level=st.sampled_from(LEVELS), seed=st.integers(0, 1000))
def test_bootstraps_are_deterministic_and_clean(
    data: tuple[np.ndarray, int], level: str, seed: int
) -> None:
    x, k = data
    kk = k if level in ("nominal", "ordinal") else None
    for f in (bootstrap_alpha, kalpha_bootstrap):
        r1 = f(x, level, kk, replicates=50, seed=seed)
        r2 = f(x, level, kk, replicates=50, seed=seed)
        assert r1 == r2
        assert_clean_bootstrap(r1)
        if r1.ci_low is not None and r1.ci_high is not None:
            assert r1.ci_low <= r1.ci_high
