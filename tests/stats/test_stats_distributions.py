"""The pure-Python normal and t quantiles against scipy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from socmodel_cli.stats.distributions import (
    normal_quantile,
    t_cdf,
    t_cdfs,
    t_interval,
    t_quantile,
)
from socmodel_cli.stats.ztest import z_test, z_tests

PROBS = [1e-6, 0.001, 0.025, 0.05, 0.3, 0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.9995]
DFS = [1, 2, 3, 4.5, 9, 29, 99, 1000, 1e6]


# The continued fraction loses a few digits in the far tail when df is huge (about 4e-11
# relative at df = 1e6, t = -3); confidence intervals never notice.
def _rel(df: float) -> float:
    return 1e-12 if df <= 1e4 else 1e-10


@pytest.mark.parametrize("df", DFS)
def test_t_cdf_matches_scipy(df: float) -> None:
    for t in [-40.0, -3.0, -1.0, -0.1, 0.0, 0.2, 1.3, 2.0, 5.0, 60.0]:
        assert t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), rel=_rel(df), abs=1e-15)


@pytest.mark.parametrize("df", DFS)
def test_t_quantile_matches_scipy(df: float) -> None:
    for p in PROBS:
        # scipy's own ppf is accurate to about 1e-9 relative; our inversion is exact to
        # rounding, which the round trip through the CDF shows.
        q = t_quantile(p, df)
        assert q == pytest.approx(stats.t.ppf(p, df), rel=1e-8, abs=1e-12)
        assert t_cdf(q, df) == pytest.approx(p, rel=_rel(df))


def test_normal_quantile() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, abs=1e-14)


def test_t_interval_caps_upper_limit_at_one() -> None:
    lo, hi = t_interval(0.95, 0.1, 10, 0.95)
    assert hi == 1.0
    assert lo == pytest.approx(0.95 - stats.t.ppf(0.975, 10) * 0.1)


def test_invalid_quantile_arguments() -> None:
    with pytest.raises(ValueError, match="strictly between"):
        t_quantile(1.0, 5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.5, 0)


@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.floats(-1e6, 1e6, allow_nan=False),
                st.sampled_from([0.0, -0.0, 1e-300, -40.0, 1e-8, 3.2]),
            ),
            st.one_of(st.floats(0.5, 1e7), st.integers(1, 5000).map(float)),
        ),
        max_size=40,
    )
)
def test_t_cdfs_equal_t_cdf_to_the_last_bit(pairs: list[tuple[float, float]]) -> None:
    """The array form of the continued fraction rounds as the scalar one does."""
    got = t_cdfs([t for t, _ in pairs], [df for _, df in pairs])
    assert [x.hex() for x in got] == [t_cdf(t, df).hex() for t, df in pairs]


def test_z_tests_equal_z_test() -> None:
    values = [0.3, -0.2, 0.5, 0.9, 0.0, 1e-3, float("inf")]
    ses = [0.1, 0.05, 0.0, None, 0.2, 1e-310, 1.0]
    dfs = [3.0, 150.0, 10.0, 5.0, 2.0, 7.0, 9.0]
    assert z_tests(values, ses, dfs) == [
        z_test(v, se, df) for v, se, df in zip(values, ses, dfs, strict=True)
    ]


@pytest.mark.parametrize(
    ("t", "df"), [(1e-300, 5.0), (-4e-185, 1.0), (-1e308, 3.0), (1e308, 3.0), (-1e200, 1e6)]
)
def test_t_cdf_where_t_squared_over_df_under_or_overflows(t: float, df: float) -> None:
    """t^2 / df of 0 or infinity (a math domain error and a NaN before): scipy's values."""
    assert t_cdf(t, df) == stats.t.cdf(t, df)
    assert t_cdfs([t], [df]) == [t_cdf(t, df)]
