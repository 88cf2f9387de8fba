"""Limits of agreement, SEM and agreement within a tolerance.

References: Bland & Altman (1986) peak flow data (their published bias, SD and limits);
scipy.stats t and chi-square quantiles for the intervals; statsmodels' two-way ANOVA table
for the SEM's mean squares.
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from socmodel_cli.stats import percent_agreement
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, NOT_BOTH
from socmodel_cli.stats.icc import icc
from socmodel_cli.stats.scale_agreement import agreement_within, limits_of_agreement, sem

DATA = Path(__file__).resolve().parents[1] / "data" / "icc"


def peak_flow() -> np.ndarray:
    df = pd.read_csv(DATA / "bland_altman_1986_pefr.csv")
    return df[["wright_first", "mini_wright_first"]].to_numpy(float)


def test_bland_altman_1986_published_values() -> None:
    # Bland & Altman (1986): mean difference -2.1 l/min, SD 38.8, limits -2.1 -/+ 2 SD
    # = -79.7 to 75.5 (computed from the rounded figures, hence the 0.1 tolerance).
    two_sd = 2.0 * NormalDist().cdf(2.0) - 1.0
    (loa,) = limits_of_agreement(peak_flow(), coverage=two_sd)
    assert loa.bias.value is not None and round(loa.bias.value, 1) == -2.1
    assert loa.sd is not None and round(loa.sd, 1) == 38.8
    assert loa.lower.value == pytest.approx(-79.7, abs=0.1)
    assert loa.upper.value == pytest.approx(75.5, abs=0.1)
    # SE of a limit: sqrt(3 s^2 / n) = 16.3 in their paper.
    assert loa.lower.se is not None and round(loa.lower.se, 1) == 16.3


def reference_pair(d: np.ndarray, coverage: float, confidence: float) -> dict[str, tuple]:
    n = d.size
    s = d.std(ddof=1)
    z = stats.norm.ppf(0.5 + coverage / 2)
    out = {}
    for name, value, se in (
        ("bias", d.mean(), s / math.sqrt(n)),
        ("lower", d.mean() - z * s, math.sqrt(3 * s**2 / n)),
        ("upper", d.mean() + z * s, math.sqrt(3 * s**2 / n)),
    ):
        out[name] = (value, se, stats.t.interval(confidence, n - 1, loc=value, scale=se))
    return out


@pytest.mark.parametrize(("coverage", "confidence"), [(0.95, 0.95), (0.9, 0.99)])
def test_limits_against_scipy_with_missing_ratings(coverage: float, confidence: float) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 1)) + rng.normal(size=(40, 3)) * 0.5 + np.array([0.0, 0.3, -0.2])
    x[rng.random(x.shape) < 0.25] = np.nan
    pairs = limits_of_agreement(x, coverage=coverage, confidence=confidence)
    assert [(p.coder_a, p.coder_b) for p in pairs] == [(0, 1), (0, 2), (1, 2)]
    for p in pairs:
        both = ~np.isnan(x[:, p.coder_a]) & ~np.isnan(x[:, p.coder_b])
        ref = reference_pair(x[both, p.coder_a] - x[both, p.coder_b], coverage, confidence)
        for name in ("bias", "lower", "upper"):
            est = getattr(p, name)
            value, se, ci = ref[name]
            assert est.value == pytest.approx(value, abs=1e-12)
            assert est.se == pytest.approx(se, abs=1e-12)
            assert est.ci == pytest.approx(ci, abs=1e-9)
            assert est.units_used == int(both.sum())
            assert est.units_excluded == {NOT_BOTH: int((~both).sum())}


def test_limits_undefined_for_fewer_than_two_joint_units() -> None:
    x = np.array([[1.0, 2.0, np.nan], [3.0, np.nan, 4.0], [np.nan, 5.0, np.nan]])
    pairs = limits_of_agreement(x)
    one = pairs[0]  # coders 0 and 1 share one unit
    assert one.bias.value is None and one.sd is None
    assert one.bias.reason is not None and one.bias.reason.startswith("one unit")
    # Coders 1 and 2 share no unit: no pair is listed for them (pairs come from the units).
    assert [(p.coder_a, p.coder_b) for p in pairs] == [(0, 1), (0, 2)]


def test_agreement_within_tolerance() -> None:
    x = np.array(
        [
            [1.0, 1.0, 2.0],
            [3.0, 5.0, 4.0],
            [2.0, 3.0, np.nan],
            [4.0, np.nan, np.nan],
        ]
    )
    # pairs (0,1): units 0,1,2 -> |0|,|2|,|1|; (0,2): units 0,1 -> |1|,|1|; (1,2): |1|,|1|
    exact = agreement_within(x, 0.0)
    assert exact.value == pytest.approx((1 / 3 + 0 + 0) / 3)
    adjacent = agreement_within(x, 1.0)
    assert adjacent.value == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert adjacent.units_used == 3
    assert adjacent.units_excluded == {FEWER_THAN_TWO: 1}
    assert agreement_within(x, 2.0).value == 1.0


def test_exact_agreement_equals_percent_agreement_on_integer_scales() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, size=(50, 4)).astype(float)
    x[rng.random(x.shape) < 0.3] = np.nan
    assert agreement_within(x).value == pytest.approx(percent_agreement(x).value)


def test_tolerance_absorbs_decimal_rounding() -> None:
    x = np.array([[0.4, 0.3], [0.3, 0.2], [1.1, 1.0], [0.5, 0.75]])
    assert 1.1 - 1.0 > 0.1 and 0.4 - 0.3 > 0.1  # the float noise the slack exists for
    assert agreement_within(x, 0.1).value == 0.75


def test_agreement_within_undefined_and_bad_tolerance() -> None:
    assert agreement_within(np.array([[1.0], [2.0]])).reason is not None
    assert agreement_within(np.array([[1.0, np.nan], [np.nan, 2.0]])).value is None
    with pytest.raises(ValueError, match="tolerance"):
        agreement_within(np.ones((2, 2)), -1.0)


def two_way_mean_squares(x: np.ndarray) -> tuple[float, float, float, float]:
    sm = pytest.importorskip("statsmodels.api")
    smf = pytest.importorskip("statsmodels.formula.api")
    n, k = x.shape
    df = pd.DataFrame(
        [(i, j, x[i, j]) for i in range(n) for j in range(k)], columns=["unit", "coder", "y"]
    )
    tab = sm.stats.anova_lm(smf.ols("y ~ C(unit) + C(coder)", df).fit(), typ=2)
    msc = tab.loc["C(coder)", "sum_sq"] / tab.loc["C(coder)", "df"]
    mse = tab.loc["Residual", "sum_sq"] / tab.loc["Residual", "df"]
    return msc, mse, tab.loc["C(coder)", "df"], tab.loc["Residual", "df"]


def test_sem_on_complete_data_against_statsmodels_anova() -> None:
    rng = np.random.default_rng(8)
    n = 30
    x = rng.normal(size=(n, 1)) * 2 + rng.normal(size=(1, 3)) + rng.normal(size=(n, 3)) * 0.7
    msc, mse, dfc, dfe = two_way_mean_squares(x)
    cons = sem(x, kind="consistency", confidence=0.9)
    assert cons.value == pytest.approx(math.sqrt(mse), rel=1e-10)
    assert cons.ci == pytest.approx(
        (
            math.sqrt(mse * dfe / stats.chi2.ppf(0.95, dfe)),
            math.sqrt(mse * dfe / stats.chi2.ppf(0.05, dfe)),
        ),
        rel=1e-9,
    )
    agree = sem(x)
    var = msc / n + (n - 1) * mse / n
    assert agree.value == pytest.approx(math.sqrt(var), rel=1e-10)
    v = var**2 / ((msc / n) ** 2 / dfc + ((n - 1) * mse / n) ** 2 / dfe)
    assert agree.ci == pytest.approx(
        (
            math.sqrt(var * v / stats.chi2.ppf(0.975, v)),
            math.sqrt(var * v / stats.chi2.ppf(0.025, v)),
        ),
        rel=1e-9,
    )
    # The same number as SD * sqrt(1 - ICC(A,1)) with the model's total variance.
    c = icc(x, "icc_a1").components
    assert c is not None and c.coder is not None
    total = c.unit + c.coder + c.residual
    assert agree.value == pytest.approx(math.sqrt(total * (1 - (icc(x, "icc_a1").value or 0))))


def test_sem_on_incomplete_data_uses_reml_components() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=(50, 1)) + rng.normal(size=(1, 5)) * 0.5 + rng.normal(size=(50, 5)) * 0.6
    for i in range(50):
        x[i, rng.choice(5, 3, replace=False)] = np.nan
    c = icc(x, "icc_a1").components
    assert c is not None and c.coder is not None
    assert sem(x).value == pytest.approx(math.sqrt(c.coder + c.residual), rel=1e-9)
    assert sem(x, kind="consistency").value == pytest.approx(math.sqrt(c.residual), rel=1e-9)


def test_sem_degenerate_cases() -> None:
    exact = sem(np.array([[1.0, 1.0], [3.0, 3.0], [4.0, 4.0]]))
    assert exact.value == 0.0 and exact.ci is None
    single = sem(np.array([[1.0], [2.0]]))
    assert (
        single.value is None
        and single.reason == "a single coder: the ICC needs at least two coders"
    )
    with pytest.raises(ValueError, match="kind"):
        sem(np.ones((3, 2)), kind="absolute")  # type: ignore[arg-type]


def test_pair_statistics_over_many_coders_match_a_loop_over_coder_columns() -> None:
    """The unit-by-unit pairing gives what a loop over every pair of columns gives."""
    rng = np.random.default_rng(11)
    n, q = 300, 40
    x = np.full((n, q), np.nan)
    for i in range(n):  # two to four coders per unit, as in a large team
        who = rng.choice(q, size=rng.integers(2, 5), replace=False)
        x[i, who] = rng.integers(1, 6, size=who.size)
    shares, expected = [], []
    for a in range(q):
        for b in range(a + 1, q):
            both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
            if both.any():
                shares.append(float((np.abs(x[both, a] - x[both, b]) <= 1.0).mean()))
                expected.append((a, b, x[both, a] - x[both, b]))
    assert agreement_within(x, 1.0).value == pytest.approx(float(np.mean(shares)), abs=1e-15)
    pairs = limits_of_agreement(x)
    assert [(p.coder_a, p.coder_b) for p in pairs] == [(a, b) for a, b, _ in expected]
    for p, (_, _, d) in zip(pairs, expected, strict=True):
        assert p.bias.units_used == d.size
        if d.size >= 2:
            assert p.bias.value == pytest.approx(float(d.mean()), abs=1e-12)
            assert p.sd == pytest.approx(float(d.std(ddof=1)), abs=1e-12)
