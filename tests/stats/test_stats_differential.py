"""Differential tests: socmodel against reference implementations on seeded random data.

Each test runs one chunk of datasets and also asserts that the chunk exercised what it
claims to (variation, missing cells, defined results), so a generator that silently
produced only trivial data would fail instead of passing vacuously.
"""

from __future__ import annotations

import warnings
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance
from sklearn.metrics import cohen_kappa_score
from stats_helpers import Dataset, assert_clean, random_datasets
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from socmodel_cli.stats import (
    alpha,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    light_kappa,
    percent_agreement,
    weighted_kappa,
)
from socmodel_cli.stats.chance import category_counts

# Reference packages are noisy on degenerate tables (0/0) and pandas copies; not our concern.
pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning"),
]

TIGHT = 1e-9
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _numeric_scale(k: int, seed: int) -> np.ndarray:
    """Distinct positive, unevenly spaced declared values for interval/ratio checks."""
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.uniform(0.3, 3.0, size=k)) + 0.5


def _kripp_pkg(x: np.ndarray, level: str, domain: np.ndarray | None) -> float | None:
    """krippendorff.alpha, with its errors and NaN mapped to None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            v = float(
                krippendorff.alpha(
                    reliability_data=x.T, level_of_measurement=level, value_domain=domain
                )
            )
    except ValueError:
        return None
    return None if not np.isfinite(v) else v


class Tally:
    """What a chunk of datasets actually exercised."""

    def __init__(self) -> None:
        self.compared = 0
        self.with_missing = 0
        self.seen = 0

    def see(self, d: Dataset) -> None:
        self.seen += 1
        self.with_missing += int(not d.complete)

    def check(self, *, min_compared: float = 0.7, min_missing: float = 0.4) -> None:
        assert self.seen > 0
        assert self.compared >= min_compared * self.seen, (self.compared, self.seen)
        assert self.with_missing >= min_missing * self.seen, (self.with_missing, self.seen)


@pytest.mark.parametrize("chunk", range(4))
def test_alpha_matches_krippendorff_package(chunk: int) -> None:
    tally = Tally()
    for d in random_datasets(500, seed=100 + chunk):
        tally.see(d)
        defined = 0
        for level in LEVELS:
            if level in ("nominal", "ordinal"):
                x, k = d.ratings, d.k
                ours = alpha(x, level, k)
                theirs = _kripp_pkg(x, level, np.arange(k, dtype=float))
            else:
                scale = _numeric_scale(d.k, d.seed)
                x = np.where(
                    np.isnan(d.ratings), np.nan, scale[np.nan_to_num(d.ratings).astype(int)]
                )
                ours = alpha(x, level)
                theirs = _kripp_pkg(x, level, None)
            assert_clean(ours)
            assert (ours.value is None) == (theirs is None), (d.seed, level, ours, theirs)
            if ours.value is not None and theirs is not None:
                assert ours.value == pytest.approx(theirs, abs=TIGHT, rel=TIGHT), (d.seed, level)
                defined += 1
        tally.compared += defined == len(LEVELS)
    tally.check()


@pytest.mark.parametrize("chunk", range(2))
def test_alpha_continuous_values_match_krippendorff_package(chunk: int) -> None:
    rng = np.random.default_rng(200 + chunk)
    compared = 0
    for _ in range(150):
        n = int(rng.integers(2, 40))
        c = int(rng.integers(2, 6))
        truth = rng.gamma(2.0, 2.0, size=n)
        x = truth[:, None] + rng.normal(scale=rng.uniform(0.1, 3.0), size=(n, c))
        x = np.abs(x)  # ratio needs non-negative values
        x[rng.random((n, c)) < rng.uniform(0, 0.4)] = np.nan
        for level in ("interval", "ratio"):
            ours = alpha(x, level)
            theirs = _kripp_pkg(x, level, None)
            assert (ours.value is None) == (theirs is None)
            if ours.value is not None and theirs is not None:
                assert ours.value == pytest.approx(theirs, abs=TIGHT, rel=TIGHT)
                compared += 1
    assert compared >= 250


def _irr(x: np.ndarray, categories: list[float], weights: str = "identity") -> CAC:
    return CAC(pd.DataFrame(x), weights=weights, categories=categories, digits=15)


def _check_against_irrcac(ours: Any, res: dict[str, Any]) -> None:
    est = res["est"]
    assert ours.value == pytest.approx(est["coefficient_value"], abs=TIGHT)
    if ours.se is not None and ours.se > 1e-12:
        assert ours.se == pytest.approx(est["se"], abs=TIGHT, rel=1e-9)
        lo, hi = est["confidence_interval"]
        # irrCAC uses scipy's t.ppf, itself accurate to ~1e-9 relative.
        assert ours.ci[0] == pytest.approx(lo, abs=1e-8)
        assert ours.ci[1] == pytest.approx(hi, abs=1e-8)


@pytest.mark.parametrize("chunk", range(3))
def test_chance_family_matches_irrcac_with_missing_data(chunk: int) -> None:
    tally = Tally()
    for d in random_datasets(110, seed=300 + chunk, units=(3, 40)):
        tally.see(d)
        x, k = d.ratings, d.k
        cats = [float(c) for c in range(k)]
        plain = _irr(x, cats)
        ac1 = gwet_ac1(x, "nominal", k)
        fk = fleiss_kappa(x, "nominal", k)
        bp = brennan_prediger(x, "nominal", k)
        al = alpha(x, "nominal", k)
        for est in (ac1, fk, bp, al):
            assert_clean(est)
        if ac1.value is None or int((~np.isnan(x)).any(axis=1).sum()) < 2:
            continue  # irrCAC's variance divides by n - 1 and raises for one unit
        _check_against_irrcac(ac1, plain.gwet())
        _check_against_irrcac(bp, plain.bp())
        if fk.value is not None:
            _check_against_irrcac(fk, plain.fleiss())
        if al.value is not None and al.units_used >= 2:  # irrCAC divides by n - 1 here
            got = plain.krippendorff()["est"]["coefficient_value"]
            assert al.value == pytest.approx(got, abs=TIGHT)
        ac2 = gwet_ac2(x, "ordinal", k, weights="quadratic")
        _check_against_irrcac(ac2, _irr(x, cats, "quadratic").gwet())
        tally.compared += fk.value is not None and al.value is not None
    tally.check()


def test_ac2_with_declared_numeric_values_matches_irrcac() -> None:
    compared = 0
    for d in random_datasets(80, seed=350, units=(3, 30)):
        scale = _numeric_scale(d.k, d.seed)
        x = np.where(np.isnan(d.ratings), np.nan, scale[np.nan_to_num(d.ratings).astype(int)])
        ours = gwet_ac2(x, "interval", categories=scale, weights="quadratic")
        if ours.value is None:
            continue
        res = _irr(x, [float(v) for v in scale], "quadratic").gwet()
        _check_against_irrcac(ours, res)
        compared += 1
    assert compared >= 60


def test_conger_equals_cohen_for_two_complete_coders() -> None:
    compared = 0
    for d in random_datasets(60, seed=360, coders=(2, 2), complete_share=1.0, units=(3, 40)):
        ours = cohen_kappa(d.ratings, "nominal", d.k)
        if ours.value is None:
            continue
        res = _irr(d.ratings, [float(c) for c in range(d.k)]).conger()
        assert ours.value == pytest.approx(res["est"]["coefficient_value"], abs=TIGHT)
        compared += 1
    assert compared >= 50


def _two_coder_table(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    both = ~np.isnan(x[:, 0]) & ~np.isnan(x[:, 1])
    a = x[both, 0].astype(int)
    b = x[both, 1].astype(int)
    table = np.zeros((k, k))
    np.add.at(table, (a, b), 1)
    return table, a, b


@pytest.mark.parametrize("chunk", range(3))
def test_cohen_and_weighted_kappa_match_statsmodels_and_sklearn(chunk: int) -> None:
    tally = Tally()
    for d in random_datasets(300, seed=400 + chunk, coders=(2, 2)):
        tally.see(d)
        x, k = d.ratings, d.k
        table, a, b = _two_coder_table(x, k)
        ours = cohen_kappa(x, "nominal", k)
        assert_clean(ours)
        assert ours.units_used == int(table.sum())
        if ours.value is None:
            # Undefined only when nothing is pairable or both coders used one category.
            assert table.sum() == 0 or np.count_nonzero(table.sum(0) + table.sum(1)) == 1
            continue
        sm = cohens_kappa(table)
        assert ours.value == pytest.approx(sm.kappa, abs=TIGHT)
        single = table.sum() == 1  # one jointly rated unit: no SE (statsmodels reports 0)
        if single:
            assert ours.se is None and ours.ci is None
        else:
            # Compare variances: at perfect agreement the variance is 0 up to rounding, and a
            # square root turns 1e-16 of rounding into 1e-8 of standard error (statsmodels
            # even returns NaN when rounding makes it negative; we clip at 0).
            assert ours.se**2 == pytest.approx(max(sm.var_kappa, 0.0), abs=1e-12)
            half = 1.959963984540054 * np.sqrt(max(sm.var_kappa, 0.0))
            assert ours.ci == pytest.approx((sm.kappa - half, min(1.0, sm.kappa + half)), abs=1e-7)
        labels = list(range(k))
        assert ours.value == pytest.approx(cohen_kappa_score(a, b, labels=labels), abs=TIGHT)
        for kind in ("linear", "quadratic"):
            wk = weighted_kappa(x, "ordinal", k, weights=kind)
            assert_clean(wk)
            assert wk.value is not None
            smw = cohens_kappa(table, wt=kind)
            assert wk.value == pytest.approx(smw.kappa, abs=TIGHT)
            if single:
                assert wk.se is None
            else:
                assert wk.se**2 == pytest.approx(max(smw.var_kappa, 0.0), abs=1e-12)
            sk = cohen_kappa_score(a, b, labels=labels, weights=kind)
            assert wk.value == pytest.approx(sk, abs=TIGHT)
        tally.compared += 1
    tally.check()


@pytest.mark.parametrize("chunk", range(2))
def test_fleiss_and_randolph_match_statsmodels_on_complete_data(chunk: int) -> None:
    compared = 0
    for d in random_datasets(300, seed=500 + chunk, complete_share=1.0):
        counts = category_counts(d.ratings.astype(np.int64), d.k)
        ours = fleiss_kappa(d.ratings, "nominal", d.k)
        assert_clean(ours)
        with np.errstate(all="ignore"):
            theirs = sm_fleiss(counts, method="fleiss")
        if ours.value is None:
            assert not np.isfinite(theirs) or np.count_nonzero(counts.sum(0)) == 1
            continue
        assert ours.value == pytest.approx(theirs, abs=TIGHT)
        bp = brennan_prediger(d.ratings, "nominal", d.k)
        assert bp.value == pytest.approx(sm_fleiss(counts, method="randolph"), abs=TIGHT)
        compared += 1
    assert compared >= 250


def _task(x: np.ndarray, distance: Any = binary_distance) -> AnnotationTask:
    data = [
        (f"c{c}", f"u{u}", int(x[u, c]) if distance is binary_distance else float(x[u, c]))
        for u in range(x.shape[0])
        for c in range(x.shape[1])
        if not np.isnan(x[u, c])
    ]
    return AnnotationTask(data=data, distance=distance)


def test_alpha_matches_nltk_with_missing_data() -> None:
    tally = Tally()
    for d in random_datasets(120, seed=600, units=(2, 25), coders=(2, 4)):
        tally.see(d)
        ours = alpha(d.ratings, "nominal", d.k)
        if ours.value is None:
            continue
        assert ours.value == pytest.approx(_task(d.ratings).alpha(), abs=TIGHT)
        ours_i = alpha(d.ratings, "interval")
        assert ours_i.value == pytest.approx(_task(d.ratings, interval_distance).alpha(), abs=TIGHT)
        tally.compared += 1
    tally.check()


def test_pi_kappa_s_match_nltk_on_complete_data() -> None:
    compared = 0
    for d in random_datasets(100, seed=700, units=(2, 25), coders=(2, 4), complete_share=1.0):
        x = d.ratings
        task = _task(x)
        fk = fleiss_kappa(x, "nominal", d.k)
        lk = light_kappa(x, "nominal", d.k)
        if fk.value is None or lk.value is None or lk.reason is not None:
            continue
        assert fk.value == pytest.approx(task.pi(), abs=TIGHT)  # nltk's multi-pi
        assert lk.value == pytest.approx(task.kappa(), abs=TIGHT)  # mean pairwise kappa
        assert percent_agreement(x).value == pytest.approx(task.avg_Ao(), abs=TIGHT)
        # nltk's S takes 1/K over the labels it saw; declare exactly those to match.
        observed = np.unique(x)
        relabelled = np.searchsorted(observed, x).astype(float)
        bp = brennan_prediger(relabelled, "nominal", observed.size)
        assert bp.value == pytest.approx(task.S(), abs=TIGHT)
        compared += 1
    assert compared >= 60
