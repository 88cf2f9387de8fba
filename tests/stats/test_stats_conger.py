"""Conger's (1980) kappa: R irr's documented example, irrCAC's ``conger``, Cohen's kappa.

References: ``irr::kappam.fleiss(diagnoses, exact = TRUE)`` = 0.442 (irr's documentation;
data in tests/data/irr/); irrCAC 0.4.4 (Python, installed) live with ``digits=15``; the
R irrCAC weighting vignette (see test_stats_weight_families.py); fleissci's documentation
(quadratic Conger on ``cac.raw4raters[2:9, ]`` = 0.6719243, by least squares).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from stats_helpers import assert_clean, random_datasets

from socmodel_cli.stats import cohen_kappa, fleiss_kappa, light_kappa, weighted_kappa
from socmodel_cli.stats.chance import category_counts
from socmodel_cli.stats.conger import conger_kappa
from socmodel_cli.stats.weights import WEIGHT_KINDS
from socmodel_cli.stats.ztest import fleiss_kappa_null_se, z_test

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]

TIGHT = 1e-9
DATA = Path(__file__).resolve().parents[1] / "data"


def diagnoses() -> np.ndarray:
    """irr's 30 patients x 6 raters as category indices 0..4."""
    return np.loadtxt(DATA / "irr" / "diagnoses.csv", delimiter=",", skiprows=1)[:, 1:] - 1.0


def raw4raters() -> np.ndarray:
    return np.genfromtxt(DATA / "irrcac" / "cac_raw4raters.csv", delimiter=",", skip_header=1)[
        :, 1:
    ]


def _irr_conger(x: np.ndarray, categories: list[float], weights: str = "identity") -> dict:
    res = CAC(pd.DataFrame(x), weights=weights, categories=categories, digits=15).conger()
    return res["est"]  # type: ignore[no-any-return]


def _pairwise_cohen_chance(x: np.ndarray, k: int) -> float:
    """Conger's chance agreement by its definition on complete data: the mean over coder
    pairs of Cohen's p_e = sum_k p_gk p_hk."""
    shares = [np.bincount(x[:, g].astype(int), minlength=k) / x.shape[0] for g in range(x.shape[1])]
    pes = [
        float(shares[g] @ shares[h]) for g in range(x.shape[1]) for h in range(g + 1, x.shape[1])
    ]
    return float(np.mean(pes))


def test_irr_diagnoses_exact_kappa_is_0442() -> None:
    x = diagnoses()
    est = conger_kappa(x, "nominal", 5)
    assert_clean(est)
    assert round(est.value or 0.0, 3) == 0.442  # irr: "Kappa = 0.442" (exact value)
    assert est.units_used == 30
    ref = _irr_conger(x, [float(c) for c in range(5)])
    assert est.value == pytest.approx(ref["coefficient_value"], abs=TIGHT)
    assert est.se == pytest.approx(ref["se"], abs=TIGHT)
    assert est.p == pytest.approx(ref["p_value"], abs=TIGHT)
    # the definition, independently: Fleiss' p_a with the mean pairwise Cohen p_e
    counts = category_counts(x.astype(np.int64), 5)
    p_a = float(((counts * (counts - 1)).sum(axis=1) / (6 * 5)).mean())
    p_e = _pairwise_cohen_chance(x, 5)
    assert est.value == pytest.approx((p_a - p_e) / (1 - p_e), abs=1e-12)


def test_irr_diagnoses_fleiss_and_its_null_z() -> None:
    """irr prints Fleiss' kappa 0.430 with z = 17.7 (SE under H0), p = 0; pyirr (its port)
    prints z = 17.652; for raters 1-3: 0.534, z = 9.89."""
    x = diagnoses()
    for cols, kappa, z, tol in (
        (slice(None), 0.430, 17.652, 5e-4),
        (slice(0, 3), 0.534, 9.89, 5e-3),
    ):
        sub = x[:, cols]
        est = fleiss_kappa(sub, "nominal", 5)
        se0 = fleiss_kappa_null_se(category_counts(sub.astype(np.int64), 5))
        assert est.value is not None
        assert se0 is not None
        assert round(est.value, 3) == kappa
        z0, p0 = z_test(est.value, se0)
        assert z0 == pytest.approx(z, abs=tol)
        assert p0 is not None
        assert p0 < 1e-20
    # Same data, two more numbers irr prints: Cohen (raters 1-2) and Light (raters 1-3).
    assert round(cohen_kappa(x[:, :2], "nominal", 5).value or 0.0, 3) == 0.651
    assert round(light_kappa(x[:, :3], "nominal", 5).value or 0.0, 3) == 0.555


def test_fleiss_null_se_needs_equal_complete_units() -> None:
    assert fleiss_kappa_null_se([[2, 0], [1, 0]]) is None  # unequal numbers of ratings
    assert fleiss_kappa_null_se([[1, 0], [0, 1]]) is None  # one rating per unit
    assert fleiss_kappa_null_se([[3, 0], [3, 0]]) is None  # no variation
    assert fleiss_kappa_null_se(np.zeros((0, 3))) is None


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_diagnoses_weighted_conger_matches_irrcac(kind: str) -> None:
    x = diagnoses()
    ref = _irr_conger(x + 1.0, [1.0, 2.0, 3.0, 4.0, 5.0], kind)
    est = conger_kappa(x, "ordinal", 5, weights=kind)
    assert est.value == pytest.approx(ref["coefficient_value"], abs=TIGHT)
    assert est.se == pytest.approx(ref["se"], abs=TIGHT)
    assert est.ci == pytest.approx(ref["confidence_interval"], abs=1e-8)
    assert est.z == pytest.approx(ref["z"], rel=TIGHT)


def test_quadratic_conger_on_complete_units_of_raw4raters() -> None:
    """fleissci (least squares) 0.6719243 and irrCAC 0.67192 on cac.raw4raters[2:9, ]."""
    x = raw4raters()[1:9] - 1.0
    assert conger_kappa(x, "ordinal", 5, weights="quadratic").value == pytest.approx(
        0.6719243, abs=5e-8
    )


@pytest.mark.parametrize("chunk", range(2))
def test_conger_matches_irrcac_on_random_data_with_missing(chunk: int) -> None:
    """60 datasets per chunk, dataset i with weight family i mod 8 (irrCAC's conger takes
    ~40 ms a dataset, hence fewer than for the other coefficients)."""
    compared = dict.fromkeys(WEIGHT_KINDS, 0)
    with_missing = with_single = 0
    for i, d in enumerate(random_datasets(60, seed=950 + chunk, units=(3, 25), coders=(2, 5))):
        kind = WEIGHT_KINDS[(i + chunk) % len(WEIGHT_KINDS)]
        x = d.ratings
        ours = conger_kappa(x, "ordinal", d.k, weights=kind)
        assert_clean(ours)
        # irrCAC gives NaN for a coder who rated nothing; socmodel leaves them out.
        active = ~np.isnan(x).all(axis=0)
        if active.sum() < 2 or int((~np.isnan(x)).any(axis=1).sum()) < 2:
            continue
        if not active.all():
            assert ours.reason is not None
            assert "rated no unit" in ours.reason
        if ours.value is None:
            assert any(w in (ours.reason or "") for w in ("pairable", "variation", "perfect"))
            continue
        with_missing += int(not d.complete)
        with_single += int(((~np.isnan(x)).sum(axis=1) == 1).any())
        ref = _irr_conger(x[:, active] + 1.0, [float(c) for c in range(1, d.k + 1)], kind)
        assert ours.value == pytest.approx(ref["coefficient_value"], abs=TIGHT), d.seed
        assert ours.se is not None
        if ours.se > 1e-12:
            assert ours.se == pytest.approx(ref["se"], abs=TIGHT, rel=TIGHT), d.seed
            assert ours.ci == pytest.approx(ref["confidence_interval"], abs=1e-8)
            assert ours.z == pytest.approx(ref["z"], rel=TIGHT, abs=TIGHT)
            assert ours.p == pytest.approx(ref["p_value"], abs=1e-9)
        compared[kind] += 1
    assert min(compared.values()) >= 4, compared
    assert with_missing >= 25
    assert with_single >= 10


def test_two_complete_coders_give_cohen_and_weighted_kappa() -> None:
    compared = 0
    for d in random_datasets(80, seed=990, coders=(2, 2), complete_share=1.0, units=(3, 40)):
        ours = conger_kappa(d.ratings, "ordinal", d.k)
        cohen = cohen_kappa(d.ratings, "ordinal", d.k)
        if cohen.value is None:
            continue
        assert ours.value == pytest.approx(cohen.value, abs=TIGHT)
        for kind in ("linear", "quadratic"):
            wk = weighted_kappa(d.ratings, "ordinal", d.k, weights=kind)
            got = conger_kappa(d.ratings, "ordinal", d.k, weights=kind).value
            assert got == pytest.approx(wk.value, abs=TIGHT)
        compared += 1
    assert compared >= 60


def test_complete_data_equals_mean_pairwise_cohen_chance() -> None:
    compared = 0
    for d in random_datasets(100, seed=991, complete_share=1.0, coders=(3, 6)):
        x = d.ratings
        est = conger_kappa(x, "nominal", d.k)
        counts = category_counts(x.astype(np.int64), d.k)
        m = x.shape[1]
        p_a = float(((counts * (counts - 1)).sum(axis=1) / (m * (m - 1))).mean())
        p_e = _pairwise_cohen_chance(x, d.k)
        if est.value is None:
            assert p_e == pytest.approx(1.0)
            continue
        assert est.value == pytest.approx((p_a - p_e) / (1 - p_e), abs=1e-12)
        compared += 1
    assert compared >= 80


def test_a_coder_without_ratings_is_left_out_and_noted() -> None:
    x = raw4raters() - 1.0
    with_empty = np.column_stack([x, np.full(x.shape[0], np.nan)])
    a = conger_kappa(x, "ordinal", 5)
    b = conger_kappa(with_empty, "ordinal", 5)
    assert b.value == a.value
    assert b.se == a.se
    assert b.reason == "1 coder rated no unit and left out"
    assert a.reason is None


def test_undefined_cases_say_why() -> None:
    one = np.array([[0.0], [1.0]])
    assert "single coder" in (conger_kappa(one, "nominal", 2).reason or "")
    lone = np.array([[0.0, np.nan], [np.nan, 1.0], [np.nan, np.nan]])
    est = conger_kappa(lone, "nominal", 2)
    assert "nothing pairable" in (est.reason or "")
    assert est.units_excluded == {
        "rated by no coder": 1,
        "rated by one coder (counted only in chance agreement)": 2,
    }
    same = np.zeros((4, 3))
    assert "no variation" in (conger_kappa(same, "nominal", 3).reason or "")
    half = np.array([[0.0, np.nan, np.nan], [np.nan, 0.0, np.nan], [np.nan, np.nan, 1.0]])
    assert "nothing pairable" in (conger_kappa(half, "nominal", 2).reason or "")
    assert "nominal" in (
        conger_kappa(raw4raters() - 1, "nominal", 5, weights="linear").reason or ""
    )
    cont = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert "continuous" in (conger_kappa(cont, "interval").reason or "")
