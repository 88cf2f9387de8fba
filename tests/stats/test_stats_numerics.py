"""Numerics that hold at any magnitude: shift and scale invariance, extreme values, n = 1.

Shifted data are built so that the shifted values are exactly representable (integers
below 2**53, scaling by powers of two); the expected alpha is the one of the unshifted data.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_helpers import assert_clean, assert_clean_bootstrap

from socmodel_cli.stats import (
    alpha,
    bootstrap_alpha,
    cohen_kappa,
    cohen_kappa_from_table,
    cohen_kappa_null_se,
    gwet_ac1,
    gwet_from_table,
    kalpha_bootstrap,
    percent_agreement,
    weighted_kappa,
)
from socmodel_cli.stats.bootstrap import pattern_alpha

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The issue's example: 8 units, 2 coders (alpha .893617).
EIGHT = np.array([[1, 2], [2, 2], [3, 4], [4, 4], [5, 5], [2, 3], [3, 3], [1, 1]], float)


@st.composite
def integer_codes(draw: st.DrawFn) -> np.ndarray:
    """Integer ratings (spread up to 2,000) with missing cells, at least some variation."""
    n = draw(st.integers(2, 20))
    c = draw(st.integers(2, 5))
    top = draw(st.sampled_from([1, 4, 30, 2000]))
    cells = draw(
        st.lists(st.one_of(st.none(), st.integers(-top, top)), min_size=n * c, max_size=n * c)
    )
    return np.array([np.nan if v is None else float(v) for v in cells]).reshape(n, c)


def _same(a: float | None, b: float | None, rel: float = 1e-12) -> None:
    assert (a is None) == (b is None), (a, b)
    if a is not None and b is not None:
        assert a == pytest.approx(b, rel=rel, abs=rel)


def test_the_issue_example_is_shift_invariant() -> None:
    expected = 0.8936170212765957
    for shift in (0.0, 1e6, 1e12, 1e15, -1e15):
        assert alpha(EIGHT + shift, "interval").value == pytest.approx(expected, abs=1e-15)
        assert pattern_alpha(EIGHT + shift, "interval") == pytest.approx(expected, abs=1e-15)


@SETTINGS
@given(
    x=integer_codes(),
    shift=st.integers(-(10**15), 10**15),
    power=st.integers(-900, 900),
)
def test_interval_statistics_are_shift_and_scale_invariant(
    x: np.ndarray, shift: int, power: int
) -> None:
    y = np.ldexp(x + float(shift), power)  # exact: integers below 2**53, a power of two
    assert np.array_equal(np.ldexp(y, -power) - float(shift), x, equal_nan=True)
    _same(alpha(x, "interval").value, alpha(y, "interval").value)
    _same(pattern_alpha(x, "interval"), pattern_alpha(y, "interval"))
    for f in (bootstrap_alpha, kalpha_bootstrap):
        a, b = f(x, "interval", replicates=40, seed=3), f(y, "interval", replicates=40, seed=3)
        _same(a.ci_low, b.ci_low)
        _same(a.ci_high, b.ci_high)
        assert a.undefined_replicates == b.undefined_replicates


@SETTINGS
@given(x=integer_codes(), power=st.integers(-1000, 1000))
def test_ratio_alpha_is_scale_invariant(x: np.ndarray, power: int) -> None:
    x = np.abs(x)
    y = np.ldexp(x, power)
    _same(alpha(x, "ratio").value, alpha(y, "ratio").value)
    _same(pattern_alpha(x, "ratio"), pattern_alpha(y, "ratio"))


@SETTINGS
@given(
    x=integer_codes(),
    exponent=st.integers(-300, 300),
    level=st.sampled_from(["interval", "ratio"]),
)
def test_extreme_magnitudes_give_a_number_or_a_reason_and_no_warning(
    x: np.ndarray, exponent: int, level: str
) -> None:
    """Values near 1e300 or 1e-300: alpha as for the plain integers, never NaN, no warning."""
    if level == "ratio":
        x = np.abs(x)
    y = x * 10.0**exponent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = alpha(y, level)
        boot = bootstrap_alpha(y, level, replicates=30, seed=1)
        kboot = kalpha_bootstrap(y, level, replicates=30, seed=1)
        agree = percent_agreement(y)
    assert_clean(est)
    assert_clean(agree)
    assert_clean_bootstrap(boot)
    assert_clean_bootstrap(kboot)
    # Multiplying by 10**e rounds each value, so only nearly the same alpha.
    _same(est.value, alpha(x, level).value, rel=1e-9)


@pytest.mark.parametrize("level", ["interval", "ratio"])
@pytest.mark.parametrize("scale", [1e-320, 5e-324 * 3, 1e-300, 1e300, 1.5e307])
def test_subnormal_and_huge_values(level: str, scale: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = alpha(EIGHT * scale, level).value
    assert got is not None and math.isfinite(got)
    if scale > 1e-300:
        assert got == pytest.approx(alpha(EIGHT, level).value, rel=1e-12)


def test_values_spanning_the_whole_float_range() -> None:
    x = np.array([[-1.7e308, 1.7e308], [1.0, 1.0], [1.7e308, 1.6e308], [0.0, -1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = alpha(x, "interval")
        boot = bootstrap_alpha(x, "interval", replicates=50)
    assert_clean(est)
    assert est.value is not None
    assert_clean_bootstrap(boot)


def test_interval_codes_with_declared_extreme_values_get_kappa() -> None:
    cats = np.array([1e300, 2e300, 3e300])
    x = np.array([[1e300, 1e300], [2e300, 3e300], [3e300, 3e300], [2e300, 2e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for est in (
            cohen_kappa(x, "interval", categories=cats),
            weighted_kappa(x, "interval", categories=cats),
            gwet_ac1(x, "interval", categories=cats),
        ):
            assert_clean(est)
            assert est.value is not None


# --- one jointly rated unit: no standard error ---------------------------------------------


def test_one_jointly_rated_unit_has_no_standard_error() -> None:
    """Cohen's kappa gave SE 0 and the interval [0, 0] here."""
    x = np.array([[0.0, 1.0], [2.0, np.nan]])
    for est in (cohen_kappa(x, "nominal", 3), weighted_kappa(x, "ordinal", 3)):
        assert est.value == 0.0
        assert est.units_used == 1
        assert est.se is None and est.ci is None
    table = np.array([[0.0, 1.0], [0.0, 0.0]])
    assert cohen_kappa_from_table(table).se is None
    assert cohen_kappa_null_se(table) is None
    gwet = gwet_from_table(table)
    assert gwet.value is not None and gwet.se is None and gwet.ci is None


def test_two_jointly_rated_units_do_have_a_standard_error() -> None:
    est = cohen_kappa(np.array([[0.0, 1.0], [1.0, 1.0]]), "nominal", 2)
    assert est.se is not None and est.ci is not None


def test_one_pairable_unit_has_no_bootstrap_interval() -> None:
    x = np.array([[1.0, 3.0], [2.0, np.nan], [np.nan, 4.0]])
    assert alpha(x, "interval").value == 0.0  # defined, but from one unit
    res = bootstrap_alpha(x, "interval", replicates=20)
    assert res.ci_low is None and res.ci_high is None and res.q_below_threshold is None
