"""ICC: published values, pingouin on complete data, statsmodels for incomplete designs.

References: Shrout & Fleiss (1979) Table 2 (their published two-decimal values); pingouin's
``intraclass_corr`` (values, F, df, p and 95% CI) on the published sets and on seeded random
complete data; an independent scipy.stats transcription of McGraw & Wong's intervals for
confidence levels pingouin does not offer; statsmodels (OLS ANOVA tables and MixedLM REML
with crossed variance components) for incomplete designs. R is not available here.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from socmodel_cli.stats.anova import OneWayTable, TwoWayTable
from socmodel_cli.stats.estimate import FEWER_THAN_TWO
from socmodel_cli.stats.icc import FORM_KEYS, FORMS, NOT_ALL_CODERS, icc, icc_all
from socmodel_cli.stats.reml import reml

DATA = Path(__file__).resolve().parents[1] / "data" / "icc"


def shrout_fleiss() -> np.ndarray:
    return pd.read_csv(DATA / "shrout_fleiss_1979.csv").set_index("target").to_numpy(float)


def wine() -> np.ndarray:
    long = pd.read_csv(DATA / "pingouin_wine.csv")
    return long.pivot(index="Wine", columns="Judge", values="Scores").to_numpy(float)


def long_form(x: np.ndarray) -> pd.DataFrame:
    rows = [
        (i, j, x[i, j])
        for i in range(x.shape[0])
        for j in range(x.shape[1])
        if np.isfinite(x[i, j])
    ]
    return pd.DataFrame(rows, columns=["unit", "coder", "y"])


def pingouin_table(x: np.ndarray, nan_policy: str = "raise") -> pd.DataFrame:
    pg = pytest.importorskip("pingouin")
    # pingouin rounds the CI column to 2 decimals by default; switch that off so the
    # bounds can be compared at full precision.
    pg.options["round.column.CI95"] = None
    df = long_form(x)
    return pg.intraclass_corr(
        df, targets="unit", raters="coder", ratings="y", nan_policy=nan_policy
    ).set_index("Type")


def assert_matches_pingouin(x: np.ndarray, *, method: str = "auto", tol: float = 1e-6) -> None:
    ref = pingouin_table(x, nan_policy="omit" if method == "listwise" else "raise")
    ours = icc_all(x, method=method)  # type: ignore[arg-type]
    for key, res in ours.items():
        row = ref.loc[res.form.pingouin]
        assert res.value == pytest.approx(row["ICC"], abs=tol), key
        assert res.f_test is not None
        assert res.f_test.f == pytest.approx(row["F"], rel=tol), key
        assert res.f_test.df1 == row["df1"]
        assert res.f_test.df2 == row["df2"]
        assert res.f_test.p == pytest.approx(row["pval"], abs=tol), key
        assert res.ci is not None
        assert res.ci == pytest.approx(tuple(row["CI95"]), abs=tol), key


# --- published values ------------------------------------------------------------------


SF_PUBLISHED = {  # Shrout & Fleiss (1979), Table 4
    "icc1": 0.17,
    "icc_a1": 0.29,
    "icc_c1": 0.71,
    "icc1k": 0.44,
    "icc_ak": 0.62,
    "icc_ck": 0.91,
}


def test_shrout_fleiss_published_values() -> None:
    res = icc_all(shrout_fleiss())
    for key, expected in SF_PUBLISHED.items():
        assert res[key].value is not None
        assert round(res[key].value, 2) == expected, key
        assert res[key].method == "anova"
        assert res[key].estimate.units_used == 6
        assert res[key].coders_used == 4


def test_shrout_fleiss_matches_pingouin() -> None:
    assert_matches_pingouin(shrout_fleiss())


def test_wine_matches_pingouin_and_its_documented_output() -> None:
    x = wine()
    assert_matches_pingouin(x)
    # pingouin's docstring prints these (3 decimals).
    res = icc_all(x)
    printed = {"icc1": 0.728, "icc_a1": 0.728, "icc_c1": 0.729, "icc1k": 0.914}
    for key, value in printed.items():
        assert round(res[key].value or 0.0, 3) == value
    assert res["icc1"].f_test is not None
    assert round(res["icc1"].f_test.f, 3) == 11.680


def random_complete(rng: np.random.Generator) -> np.ndarray:
    n = int(rng.integers(3, 25))
    k = int(rng.integers(2, 7))
    su, sc, se = rng.uniform(0.0, 2.0, size=3)
    x = (
        rng.normal(size=(n, 1)) * su
        + rng.normal(size=(1, k)) * sc
        + rng.normal(size=(n, k)) * (se + 0.05)
    )
    if rng.random() < 0.3:  # rating-scale data with ties
        x = np.round(x * 2)
    return x


@pytest.mark.slow
def test_matches_pingouin_on_random_complete_data() -> None:
    rng = np.random.default_rng(20240611)
    checked = 0
    for _ in range(200):
        x = random_complete(rng)
        if np.ptp(x) == 0 or (np.ptp(x, axis=1) == 0).all():
            continue
        assert_matches_pingouin(x)
        checked += 1
    assert checked >= 190


def mcgraw_wong_reference(x: np.ndarray, confidence: float) -> dict[str, tuple[float, float]]:
    """McGraw & Wong (1996) Tables 7-8 with scipy.stats quantiles, written out separately."""
    n, k = x.shape
    g = x.mean()
    msr = k * ((x.mean(axis=1) - g) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - g) ** 2).sum() / (k - 1)
    sst = ((x - g) ** 2).sum()
    msw = (sst - msr * (n - 1)) / (n * (k - 1))
    mse = (sst - msr * (n - 1) - msc * (k - 1)) / ((n - 1) * (k - 1))
    a = 1 - confidence
    out = {}
    f1 = msr / msw
    fl = f1 / stats.f.ppf(1 - a / 2, n - 1, n * (k - 1))
    fu = f1 * stats.f.ppf(1 - a / 2, n * (k - 1), n - 1)
    out["icc1"] = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
    out["icc1k"] = (1 - 1 / fl, 1 - 1 / fu)
    f3 = msr / mse
    fl = f3 / stats.f.ppf(1 - a / 2, n - 1, (n - 1) * (k - 1))
    fu = f3 * stats.f.ppf(1 - a / 2, (n - 1) * (k - 1), n - 1)
    out["icc_c1"] = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
    out["icc_ck"] = (1 - 1 / fl, 1 - 1 / fu)
    p = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    aa = k * p / (n * (1 - p))
    bb = 1 + k * p * (n - 1) / (n * (1 - p))
    v = (aa * msc + bb * mse) ** 2 / (
        (aa * msc) ** 2 / (k - 1) + (bb * mse) ** 2 / ((n - 1) * (k - 1))
    )
    fs = stats.f.ppf(1 - a / 2, n - 1, v)
    fs2 = stats.f.ppf(1 - a / 2, v, n - 1)
    lo = n * (msr - fs * mse) / (fs * (k * msc + (k * n - k - n) * mse) + n * msr)
    hi = n * (fs2 * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fs2 * msr)
    out["icc_a1"] = (lo, hi)
    lo_k = n * (msr - fs * mse) / (fs * (msc - mse) + n * msr)
    hi_k = n * (fs2 * msr - mse) / (msc - mse + n * fs2 * msr)
    out["icc_ak"] = (lo_k, hi_k)
    return out


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
def test_intervals_at_other_confidence_levels(confidence: float) -> None:
    # pingouin fixes 95%; check other levels against the scipy transcription above.
    rng = np.random.default_rng(7)
    for x in [shrout_fleiss(), wine()] + [random_complete(rng) for _ in range(30)]:
        ref = mcgraw_wong_reference(x, confidence)
        res = icc_all(x, confidence=confidence)
        for key, bounds in ref.items():
            assert res[key].ci == pytest.approx(bounds, abs=1e-9), key


def test_names_of_each_form() -> None:
    assert tuple(FORMS) == FORM_KEYS
    a1 = FORMS["icc_a1"]
    assert (a1.shrout_fleiss, a1.mcgraw_wong, a1.psych, a1.pingouin) == (
        "ICC(2,1)",
        "ICC(A,1)",
        "ICC2",
        "ICC(A,1)",
    )
    assert a1.spss == "Two-Way Random, Absolute Agreement, Single Measures"
    assert a1.irr == 'icc(model="twoway", type="agreement", unit="single")'
    assert FORMS["icc_ck"].spss == "Two-Way Mixed, Consistency, Average Measures"
    assert FORMS["icc1k"].irr == 'icc(model="oneway", unit="average")'
    assert [f.psych for f in FORMS.values()] == ["ICC1", "ICC1k", "ICC2", "ICC2k", "ICC3", "ICC3k"]


def test_invariant_under_permutation_and_linear_rescaling() -> None:
    rng = np.random.default_rng(3)
    x = random_complete(rng)
    base = icc_all(x)
    moved = icc_all(-2.5 * x[rng.permutation(x.shape[0])][:, rng.permutation(x.shape[1])] + 7.0)
    for key in FORM_KEYS:
        assert moved[key].value == pytest.approx(base[key].value, abs=1e-10)
        assert moved[key].ci == pytest.approx(base[key].ci, abs=1e-9)


# --- incomplete designs ----------------------------------------------------------------


def pairs_design(
    rng: np.random.Generator, n: int, q: int, su: float, sc: float, se: float, per: int = 2
) -> np.ndarray:
    """Each unit rated by ``per`` coders drawn at random from ``q``: the reliability subsample."""
    x = (
        rng.normal(size=(n, 1)) * np.sqrt(su)
        + rng.normal(size=(1, q)) * np.sqrt(sc)
        + rng.normal(size=(n, q)) * np.sqrt(se)
    )
    keep = np.zeros((n, q), bool)
    for i in range(n):
        keep[i, rng.choice(q, per, replace=False)] = True
    return np.where(keep, x, np.nan)


def statsmodels_crossed(x: np.ndarray) -> tuple[dict[str, float], float, object]:
    smf = pytest.importorskip("statsmodels.formula.api")
    df = long_form(x)
    df["all"] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm(
            "y ~ 1",
            df,
            groups="all",
            re_formula="0",
            vc_formula={"unit": "0 + C(unit)", "coder": "0 + C(coder)"},
        )
        fit = model.fit(reml=True, method=["lbfgs"])
    return dict(zip(model.exog_vc.names, fit.vcomp, strict=True)), float(fit.scale), fit


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_reml_components_match_statsmodels_mixedlm(seed: int) -> None:
    from statsmodels.regression.mixed_linear_model import MixedLMParams

    rng = np.random.default_rng(seed)
    x = pairs_design(rng, 50, 5, 1.0, 0.4, 0.5, per=int(rng.integers(2, 4)))
    ours = reml(x)
    vc, scale, fit = statsmodels_crossed(x)
    assert ours.converged
    assert ours.unit == pytest.approx(vc["unit"], rel=2e-3, abs=1e-4)
    assert ours.coder == pytest.approx(vc["coder"], rel=2e-3, abs=1e-4)
    assert ours.residual == pytest.approx(scale, rel=2e-3)
    # Where the two optimisers differ in the last digits, ours is not the worse optimum:
    # statsmodels' own REML likelihood at our estimates is at least its maximum.
    names = fit.model.exog_vc.names
    ratios = np.array([{"unit": ours.unit, "coder": ours.coder}[n] for n in names]) / ours.residual
    params = MixedLMParams.from_components(
        fe_params=np.array([ours.mean]), cov_re=np.zeros((0, 0)), vcomp=ratios
    )
    assert fit.model.loglike(params, profile_fe=True) >= fit.llf - 1e-7


def test_one_way_reml_matches_statsmodels_random_intercept() -> None:
    smf = pytest.importorskip("statsmodels.formula.api")
    rng = np.random.default_rng(11)
    x = pairs_design(rng, 40, 6, 1.0, 0.2, 0.6, per=3)
    x[rng.random(x.shape) < 0.15] = np.nan  # some units now have 1 or 2 ratings
    x = x[(~np.isnan(x)).sum(axis=1) >= 2]
    ours = reml(x, coder_effect=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("y ~ 1", long_form(x), groups="unit").fit(reml=True)
    assert ours.unit == pytest.approx(float(fit.cov_re.iloc[0, 0]), rel=2e-3)
    assert ours.residual == pytest.approx(float(fit.scale), rel=2e-3)


def anova_table(x: np.ndarray, formula: str) -> pd.DataFrame:
    sm = pytest.importorskip("statsmodels.api")
    smf = pytest.importorskip("statsmodels.formula.api")
    return sm.stats.anova_lm(smf.ols(formula, long_form(x)).fit(), typ=2)


def test_unbalanced_one_way_against_statsmodels_anova() -> None:
    rng = np.random.default_rng(5)
    x = pairs_design(rng, 30, 5, 1.0, 0.0, 0.5, per=4)
    x[rng.random(x.shape) < 0.2] = np.nan
    x = x[(~np.isnan(x)).sum(axis=1) >= 2]
    tab = anova_table(x, "y ~ C(unit)")
    msb = tab.loc["C(unit)", "sum_sq"] / tab.loc["C(unit)", "df"]
    msw = tab.loc["Residual", "sum_sq"] / tab.loc["Residual", "df"]
    m = (~np.isnan(x)).sum(axis=1)
    big_n = m.sum()
    k0 = (big_n - (m**2).sum() / big_n) / (len(m) - 1)
    res = icc_all(x)
    assert res["icc1"].method == "anova"
    assert res["icc1"].value == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), rel=1e-10)
    assert res["icc1k"].value == pytest.approx((msb - msw) / msb, rel=1e-10)
    assert res["icc1"].k == pytest.approx(k0)
    f = res["icc1"].f_test
    assert f is not None
    assert f.f == pytest.approx(tab.loc["C(unit)", "F"], rel=1e-10)
    assert f.p == pytest.approx(tab.loc["C(unit)", "PR(>F)"], rel=1e-8)
    assert (f.df1, f.df2) == (tab.loc["C(unit)", "df"], tab.loc["Residual", "df"])
    # Donner's interval: the balanced formula with k0.
    a = 0.05
    fl = f.f / stats.f.ppf(1 - a / 2, f.df1, f.df2)
    fu = f.f * stats.f.ppf(1 - a / 2, f.df2, f.df1)
    assert res["icc1"].ci == pytest.approx(((fl - 1) / (fl + k0 - 1), (fu - 1) / (fu + k0 - 1)))


def test_incomplete_two_way_f_test_is_units_adjusted_for_coders() -> None:
    rng = np.random.default_rng(8)
    x = pairs_design(rng, 40, 6, 1.0, 0.5, 0.5)
    tab = anova_table(x, "y ~ C(unit) + C(coder)")
    res = icc_all(x)
    for key in ("icc_a1", "icc_ak", "icc_c1", "icc_ck"):
        f = res[key].f_test
        assert res[key].method == "reml"
        assert f is not None
        assert f.f == pytest.approx(tab.loc["C(unit)", "F"], rel=1e-9)
        assert f.p == pytest.approx(tab.loc["C(unit)", "PR(>F)"], rel=1e-7)
        assert (f.df1, f.df2) == (tab.loc["C(unit)", "df"], tab.loc["Residual", "df"])


def test_incomplete_two_way_values_are_reml_ratios() -> None:
    rng = np.random.default_rng(9)
    x = pairs_design(rng, 60, 6, 1.0, 0.3, 0.5)
    vc, scale, _ = statsmodels_crossed(x)
    su, sc, se = vc["unit"], vc["coder"], scale
    res = icc_all(x)
    assert res["icc_a1"].value == pytest.approx(su / (su + sc + se), rel=2e-3)
    assert res["icc_c1"].value == pytest.approx(su / (su + se), rel=2e-3)
    assert res["icc_ak"].k == 2.0
    assert res["icc_ak"].value == pytest.approx(su / (su + (sc + se) / 2), rel=2e-3)
    assert res["icc_ck"].value == pytest.approx(su / (su + se / 2), rel=2e-3)
    comps = res["icc_a1"].components
    assert comps is not None
    assert comps.coder == pytest.approx(sc, rel=2e-3)


def positive_components(rng: np.random.Generator) -> np.ndarray:
    while True:
        x = random_complete(rng)
        res = icc_all(x)
        t, one = res["icc_a1"].table, res["icc1"].table
        if (
            isinstance(t, TwoWayTable)
            and isinstance(one, OneWayTable)
            and t.ms_units > t.ms_error * 1.01
            and t.ms_coders > t.ms_error * 1.01
            and one.ms_units > one.ms_within * 1.01
        ):
            return x


def test_reml_equals_anova_on_complete_data() -> None:
    # REML's estimates equal ANOVA's when these lie inside the parameter space (MSR > MSE,
    # MSC > MSE, MSR > MSW); the intervals are then McGraw & Wong's exactly.
    rng = np.random.default_rng(12)
    for x in [shrout_fleiss(), wine()] + [positive_components(rng) for _ in range(20)]:
        anova = icc_all(x, method="anova")
        by_reml = icc_all(x, method="reml")
        for key in FORM_KEYS:
            a, r = anova[key], by_reml[key]
            assert r.method == "reml"
            assert r.value == pytest.approx(a.value, abs=1e-6), key
            assert r.ci == pytest.approx(a.ci, abs=1e-6), key
            assert r.f_test is not None and a.f_test is not None
            assert r.f_test.f == pytest.approx(a.f_test.f, rel=1e-9)
            assert r.f_test.p == pytest.approx(a.f_test.p, rel=1e-9)


def test_reml_interval_coverage_by_simulation() -> None:
    # 150 seeded pairs designs (60 units, 6 coders, 2 per unit). McGraw & Wong's interval is
    # itself approximate for the absolute-agreement form; ask for roughly nominal coverage.
    rng = np.random.default_rng(20240612)
    su, sc, se = 1.0, 0.3, 0.5
    truth = {"icc_a1": su / (su + sc + se), "icc_c1": su / (su + se)}
    hits = dict.fromkeys(truth, 0)
    reps = 150
    for _ in range(reps):
        res = icc_all(pairs_design(rng, 60, 6, su, sc, se))
        for key, value in truth.items():
            ci = res[key].ci
            assert ci is not None
            hits[key] += ci[0] <= value <= ci[1]
    for key in truth:
        assert 0.88 <= hits[key] / reps <= 0.99, (key, hits[key] / reps)


def test_listwise_matches_pingouin_omit_and_counts_dropped_units() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 3)) + rng.normal(size=(30, 1)) * 2
    x[[1, 4, 9], 0] = np.nan  # two ratings left: dropped by listwise deletion
    x[[2, 3], [1, 2]] = np.nan
    x[5, [0, 1]] = np.nan  # one rating left: not pairable at all
    assert_matches_pingouin(x, method="listwise")
    res = icc(x, "icc_a1", method="listwise")
    assert res.method == "listwise"
    assert res.estimate.units_used == 24
    assert res.estimate.units_excluded == {FEWER_THAN_TWO: 1, NOT_ALL_CODERS: 5}


def test_auto_dispatch_and_anova_on_incomplete_two_way() -> None:
    rng = np.random.default_rng(2)
    x = pairs_design(rng, 30, 4, 1.0, 0.2, 0.5)
    res = icc_all(x)
    assert res["icc1"].method == "anova"
    assert res["icc_c1"].method == "reml"
    only = icc(x, "icc_c1", method="anova")
    assert only.value is None
    assert only.reason is not None and "every unit rated by every coder" in only.reason
    assert icc(x, "icc1", method="anova").value == res["icc1"].value


def test_units_with_one_rating_are_excluded() -> None:
    x = shrout_fleiss()
    padded = np.vstack([x, [[3.0, np.nan, np.nan, np.nan]], [[np.nan] * 4]])
    res = icc(padded, "icc_c1")
    assert res.value == pytest.approx(icc(x, "icc_c1").value)
    assert res.estimate.units_excluded == {FEWER_THAN_TWO: 2}
    assert res.method == "anova"


# --- undefined and degenerate cases -----------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "reason"),
    [
        (np.array([[1.0], [2.0], [3.0]]), "a single coder"),
        (np.array([[1.0, np.nan], [np.nan, 2.0]]), "nothing pairable"),
        (np.full((4, 3), 2.0), "no variation: every rating is 2"),
        (np.array([[1.0, 2.0], [np.nan, 3.0]]), "only one unit"),
        # Units share a mean, coders differ: no variance between units.
        (np.array([[1.0, 3.0], [1.0, 3.0], [1.0, 3.0]]), "no variation between units"),
    ],
)
def test_undefined_cases(ratings: np.ndarray, reason: str) -> None:
    for res in icc_all(ratings).values():
        assert res.value is None
        assert res.reason is not None and res.reason.startswith(reason), res.reason
        assert res.ci is None and res.f_test is None


def test_exact_agreement_is_one_without_test_or_interval() -> None:
    x = np.array([[1.0, 1.0], [2.0, 2.0], [5.0, 5.0], [3.0, np.nan]])
    for method in ("auto", "reml", "anova", "listwise"):
        for res in icc_all(x, method=method).values():  # type: ignore[arg-type]
            assert res.value == 1.0
            assert res.f_test is None and res.ci is None
            assert res.reason is not None and "agree exactly" in res.reason


def test_listwise_with_no_complete_unit() -> None:
    rng = np.random.default_rng(1)
    res = icc(pairs_design(rng, 10, 4, 1, 0, 1), "icc_a1", method="listwise")
    assert res.value is None
    assert res.reason == "listwise deletion left no unit rated by all 4 coders"


def test_pure_coder_offsets_under_reml_are_undefined() -> None:
    x = np.array([[1.0, 2.0, np.nan], [3.0, np.nan, 5.0], [np.nan, 6.0, 7.0], [4.0, 5.0, 6.0]])
    res = icc(x, "icc_a1")
    assert res.value is None
    assert res.reason is not None and "constant coder offsets" in res.reason


def test_reml_without_residual_degrees_of_freedom_is_undefined() -> None:
    # 4 ratings = mean + 1 unit + 2 coder effects: nothing left for the residual.
    x = np.array([[1.0, 2.0, np.nan], [np.nan, 4.0, 7.0]])
    res = icc_all(x)
    assert res["icc_a1"].value is None
    assert res["icc_a1"].reason is not None and "no residual degrees" in res["icc_a1"].reason
    assert res["icc1"].value is not None  # the one-way model still has N - n = 2 df


def test_negative_anova_estimates_are_kept() -> None:
    x = np.array([[1.0, 5.0], [4.0, 2.0], [2.0, 3.0], [3.0, 4.0]])  # MSR < MSE
    res = icc_all(x)
    assert res["icc_c1"].value is not None and res["icc_c1"].value < 0
    assert res["icc1"].components is not None and res["icc1"].components.unit < 0


def test_bad_arguments_raise() -> None:
    x = shrout_fleiss()
    with pytest.raises(ValueError, match="form"):
        icc(x, "icc2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method"):
        icc_all(x, method="ml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confidence"):
        icc_all(x, confidence=95)
    with pytest.raises(ValueError, match="2-D"):
        icc_all(np.arange(4.0))


def test_absolute_interval_at_the_spearman_brown_pole_is_no_interval() -> None:
    """Found by the CLI fuzz target: a lower ICC(A,1) bound of exactly -1/(k-1) made the
    average-measures step divide by zero (an internal error); now no interval is given."""
    res = icc_all(np.array([[0.0, 3.0], [2.0, 2.0]]))
    assert res["icc_ak"].value == pytest.approx(-8.0)
    assert res["icc_ak"].ci is None
    assert res["icc_a1"].value == pytest.approx(-0.8)


def test_absolute_average_form_with_a_zero_denominator_is_undefined() -> None:
    """Found by the CLI fuzz target: MSR + (MSC - MSE) / n = 0 divided by zero."""
    res = icc_all(np.array([[1.0, 3.0], [2.0, 1.0], [3.0, 2.0]]))
    assert res["icc_ak"].value is None and res["icc_ak"].ci is None
    assert res["icc_ak"].reason is not None and "denominator is zero" in res["icc_ak"].reason
    assert res["icc_a1"].value == pytest.approx(-1.0)


@given(
    st.integers(2, 5).flatmap(
        lambda n: st.integers(2, 4).flatmap(
            lambda k: st.lists(
                st.lists(
                    st.sampled_from([0.0, 1.0, 2.0, 3.0, 7.5, np.nan]), min_size=k, max_size=k
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_every_form_is_a_number_or_undefined_on_small_tables(rows: list[list[float]]) -> None:
    """Tiny tables are where the formulas' denominators vanish (two fuzz finds): every form
    is then finite with a finite interval, or undefined with a reason; never an exception."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy or scipy warning either
        res = icc_all(np.array(rows))
    for r in res.values():
        if r.value is None:
            assert r.reason
        else:
            assert np.isfinite(r.value)
            assert r.ci is None or all(np.isfinite(b) for b in r.ci)
