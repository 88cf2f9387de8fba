"""Weight families and the weighted many-coder coefficients against irrCAC.

References: irrCAC 0.4.4 (Python, installed) computed live with ``digits=15``; numbers
printed in irrCAC's own documentation (Python module docstring; R vignette "Weighted
Chance-corrected Agreement Coefficients"), on Gwet's 4 raters x 12 units example stored
in tests/data/irrcac/.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from irrCAC.table import CAC as TableCAC
from irrCAC.weights import Weights
from stats_helpers import assert_clean, random_datasets, table_to_ratings

from socmodel_cli.stats import Estimate, fleiss_kappa, gwet_ac1, scott_pi
from socmodel_cli.stats.chance import brennan_prediger, gwet_ac2, weighted_scott_pi
from socmodel_cli.stats.conger import conger_kappa
from socmodel_cli.stats.weights import (
    WEIGHT_KINDS,
    agreement_weights,
    custom_weights,
    resolve_weights,
)
from socmodel_cli.stats.ztest import z_test

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]

TIGHT = 1e-9
DATA = Path(__file__).resolve().parents[1] / "data" / "irrcac" / "cac_raw4raters.csv"
Coefficient = Callable[..., Estimate]
METHODS: dict[str, Coefficient] = {
    "fleiss": fleiss_kappa,
    "gwet": gwet_ac2,
    "bp": brennan_prediger,
    "conger": conger_kappa,
}


def raw4raters() -> np.ndarray:
    """Gwet's 12 units x 4 raters, categories 1..5, NaN = not rated."""
    return np.genfromtxt(DATA, delimiter=",", skip_header=1)[:, 1:]


def _irr(x: np.ndarray, categories: list[float], weights: Any) -> CAC:
    return CAC(pd.DataFrame(x), weights=weights, categories=categories, digits=15)


def _assert_matches(ours: Estimate, est: dict[str, Any], *, one_sided_p: bool = False) -> None:
    """Value, SE, interval, z and p against an irrCAC result (unrounded)."""
    assert ours.value == pytest.approx(est["coefficient_value"], abs=TIGHT)
    if ours.se is None or ours.se <= 1e-12:
        return  # irrCAC replaces se = 0 by 1e-15 and prints z ~ 1e15
    assert ours.se == pytest.approx(est["se"], abs=TIGHT, rel=TIGHT)
    lo, hi = est["confidence_interval"]
    assert ours.ci is not None
    # irrCAC uses scipy's t.ppf, itself accurate to ~1e-9 relative.
    assert ours.ci[0] == pytest.approx(lo, abs=1e-8)
    assert ours.ci[1] == pytest.approx(hi, abs=1e-8)
    assert ours.z == pytest.approx(est["z"], rel=TIGHT, abs=TIGHT)
    # Python irrCAC 0.4.4 prints a one-sided p for Brennan-Prediger only (R irrCAC: two-sided).
    p = est["p_value"] * (2.0 if one_sided_p else 1.0)
    assert ours.p == pytest.approx(p, abs=1e-9)


# ---------------------------------------------------------------- the weight matrices


def test_families_equal_irrcac_weights_on_declared_positions() -> None:
    rng = np.random.default_rng(11)
    for trial in range(120):
        q = int(rng.integers(2, 9))
        if trial % 2:
            x = np.cumsum(rng.uniform(0.3, 3.0, q)) + rng.uniform(0.0, 2.0)
        else:
            x = np.arange(1.0, q + 1.0)
        ref = Weights([float(v) for v in x])
        for kind in WEIGHT_KINDS:
            np.testing.assert_allclose(agreement_weights(kind, x), ref[kind], atol=1e-13)


def test_weights_on_three_categories_as_printed_by_irrcac() -> None:
    """R irrCAC vignette: the seven families on 1:3 (off-diagonal 1-2 / 1-3 cells)."""
    x = np.arange(1.0, 4.0)
    printed = {
        "identity": (0.0, 0.0),
        "radical": (0.2928932, 0.0),
        "linear": (0.5, 0.0),
        "ordinal": (0.6666667, 0.0),
        "quadratic": (0.75, 0.0),
        "circular": (0.0, 0.0),  # printed as 3.330669e-16: sin^2 is the same at d = 1, 2
        "bipolar": (0.6666667, 0.0),
    }
    for kind, (near, far) in printed.items():
        w = agreement_weights(kind, x)
        assert w[0, 1] == pytest.approx(near, abs=5e-8), kind
        assert w[0, 2] == pytest.approx(far, abs=5e-8), kind


def test_existing_kinds_are_unchanged() -> None:
    """identity, linear and quadratic keep the formulas (and bits) they had before."""
    x = np.array([1.0, 2.5, 3.0, 7.25])
    span = x.max() - x.min()
    d = np.abs(x[:, None] - x[None, :]) / span
    assert np.array_equal(agreement_weights("identity", x), np.eye(4))
    assert np.array_equal(agreement_weights("linear", x), 1.0 - d)
    assert np.array_equal(agreement_weights("quadratic", x), 1.0 - d**2)


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_every_family_is_a_valid_weight_matrix(kind: str) -> None:
    rng = np.random.default_rng(12)
    for _ in range(50):
        q = int(rng.integers(2, 9))
        x = np.cumsum(rng.uniform(0.1, 3.0, q))
        w = agreement_weights(kind, x)
        assert np.array_equal(w, w.T)
        assert np.array_equal(np.diag(w), np.ones(q))
        assert (w >= -1e-15).all()
        assert (w <= 1.0 + 1e-15).all()
        assert np.array_equal(custom_weights(w.clip(0.0, 1.0), q), w.clip(0.0, 1.0))
        if kind not in ("identity", "circular"):
            assert w[0, -1] == pytest.approx(0.0, abs=1e-15)  # the extremes disagree fully
        if kind not in ("identity", "circular", "ordinal", "bipolar"):
            # Distance-based families: farther from the first category, less agreement.
            assert (np.diff(w[0]) <= 1e-15).all()


def test_one_category_is_always_the_identity() -> None:
    for kind in WEIGHT_KINDS:
        assert np.array_equal(agreement_weights(kind, np.array([3.0])), np.eye(1))


def test_ratio_weights_with_zero_and_negative_values() -> None:
    # irrCAC refuses a category 0; the ratio metric's limit gives (0, 0) full agreement
    # and (0, x) none, as Krippendorff's ratio difference does.
    w = agreement_weights("ratio", np.array([0.0, 1.0, 2.0]))
    assert np.diag(w).tolist() == [1.0, 1.0, 1.0]
    assert w[0, 1] == 0.0
    assert w[0, 2] == 0.0
    assert w[1, 2] == pytest.approx(1.0 - 1.0 / 9.0)
    with pytest.raises(ValueError, match="non-negative"):
        agreement_weights("ratio", np.array([-1.0, 1.0]))
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    est = fleiss_kappa(x, "interval", categories=np.array([-1.0, 1.0]), weights="ratio")
    assert est.value is None
    assert "non-negative" in (est.reason or "")


def test_unknown_family_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match="weights must be one of"):
        agreement_weights("cubic", np.arange(3.0))


# ---------------------------------------------------------------- custom matrices


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([[1.0, 1.5], [1.5, 1.0]], "within"),
        ([[1.0, -0.1], [-0.1, 1.0]], "within"),
        ([[0.9, 0.5], [0.5, 1.0]], "diagonal"),
        ([[1.0, float("nan")], [float("nan"), 1.0]], "within"),
        ([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5]], "2 x 2"),
        ([[1.0, 0.5], [0.5, 1.0], [0.0, 0.0]], "2 x 2"),
        ([["a", "b"], ["c", "d"]], "matrix of numbers"),
        ("quadratic", "name"),
    ],
)
def test_custom_weights_are_checked(matrix: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        custom_weights(matrix, 2)


def test_custom_weights_name_the_offending_cell() -> None:
    w = np.eye(3)
    w[2, 0] = 0.3
    with pytest.raises(ValueError, match=r"w\[0\]\[2\] = 0.0 but w\[2\]\[0\] = 0.3"):
        custom_weights(w, 3)


def test_custom_matrix_equals_the_family_it_spells_and_matches_irrcac() -> None:
    x = raw4raters() - 1.0
    pos = np.arange(1.0, 6.0)
    for kind in ("linear", "bipolar"):
        matrix = agreement_weights(kind, pos).tolist()
        assert np.array_equal(resolve_weights(matrix, pos), agreement_weights(kind, pos))
        for f in METHODS.values():
            assert f(x, "ordinal", 5, weights=matrix) == f(x, "ordinal", 5, weights=kind)
    # A hand-made matrix (partial credit between categories 1 and 2 only), irrCAC's
    # "Custom Weights" path; it applies to nominal codes too.
    custom = np.eye(5)
    custom[0, 1] = custom[1, 0] = 0.5
    irr = _irr(raw4raters(), [1.0, 2.0, 3.0, 4.0, 5.0], custom)
    for name, f in METHODS.items():
        for level in ("nominal", "ordinal"):
            _assert_matches(
                f(x, level, 5, weights=custom),
                getattr(irr, name)()["est"],
                one_sided_p=name == "bp",
            )


def test_ordered_families_need_ordered_codes() -> None:
    x = raw4raters() - 1.0
    for f in (fleiss_kappa, brennan_prediger, conger_kappa, weighted_scott_pi):
        est = f(x[:, :2] if f is weighted_scott_pi else x, "nominal", 5, weights="quadratic")
        assert est.value is None
        assert "nominal" in (est.reason or "")
    assert "nominal" in (gwet_ac2(x, "nominal", 5).reason or "")
    # identity weights are fine for nominal codes and give the unweighted coefficients
    assert gwet_ac2(x, "nominal", 5, weights="identity") == gwet_ac1(x, "nominal", 5)


# ---------------------------------------------------------------- Gwet's 4 raters example


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
@pytest.mark.parametrize("method", sorted(METHODS))
def test_raw4raters_every_family_and_method_match_irrcac(kind: str, method: str) -> None:
    x = raw4raters()
    ref = getattr(_irr(x, [1.0, 2.0, 3.0, 4.0, 5.0], kind), method)()["est"]
    for level, kwargs in (
        ("ordinal", {"n_categories": 5}),
        ("interval", {"categories": np.arange(1.0, 6.0)}),
    ):
        data = x - 1.0 if level == "ordinal" else x
        ours = METHODS[method](data, level, weights=kind, **kwargs)
        assert_clean(ours)
        assert ours.units_used == 11  # unit 12 has a single rating
        _assert_matches(ours, ref, one_sided_p=method == "bp")


def test_raw4raters_as_printed_in_irrcacs_python_docstring() -> None:
    x = raw4raters() - 1.0
    printed = [
        # (estimate, value, (ci low, ci high), p, z, se) from irrCAC.raw's module docstring
        (gwet_ac1(x, "nominal", 5), 0.77544, (0.46081, 1.0), 0.00021, 5.42458, 0.14295),
        (fleiss_kappa(x, "nominal", 5), 0.76117, (0.42438, 1.0), 0.00042, 4.97434, 0.15302),
        (
            gwet_ac2(x, "ordinal", 5, weights="bipolar"),
            0.90037,
            (0.66747, 1.0),
            0.0,
            8.50888,
            0.10582,
        ),
    ]
    for est, value, ci, p, z, se in printed:
        assert est.value == pytest.approx(value, abs=5e-6)
        assert est.ci == pytest.approx(ci, abs=5e-6)
        assert est.p == pytest.approx(p, abs=5e-6)
        assert est.z == pytest.approx(z, abs=5e-6)
        assert est.se == pytest.approx(se, abs=5e-6)


def test_raw4raters_quadratic_as_printed_in_the_r_weighting_vignette() -> None:
    """R irrCAC, vignette "Weighted Chance-corrected Agreement Coefficients" (2019)."""
    x = raw4raters() - 1.0
    printed = {
        # method: (coeff.val, coeff.se, p.value) as printed
        "gwet": (0.914, 0.10396, 2.634438e-06),
        "fleiss": (0.86494, 0.14603, 9.976081e-05),
        "conger": (0.85771, 0.14367, 9.319979e-05),
        "bp": (0.90152, 0.11089, 5.60548e-06),  # two-sided in R
    }
    for method, (value, se, p) in printed.items():
        est = METHODS[method](x, "ordinal", 5, weights="quadratic")
        assert est.value == pytest.approx(value, abs=5e-6), method
        assert est.se == pytest.approx(se, abs=5e-6), method
        assert est.p == pytest.approx(p, rel=1e-6), method
        assert est.ci is not None
        assert est.ci[1] == 1.0


# ---------------------------------------------------------------- random data, missing cells


@pytest.mark.parametrize("chunk", range(3))
def test_weighted_family_matches_irrcac_on_random_data_with_missing(chunk: int) -> None:
    """100 datasets per chunk; dataset i uses family i mod 8, every method, as an ordinal
    code (ranks 1..k, irrCAC's positions for labels) or on a declared numeric scale."""
    compared = dict.fromkeys(WEIGHT_KINDS, 0)
    with_missing = 0
    for i, d in enumerate(random_datasets(100, seed=800 + chunk, units=(3, 30))):
        kind = WEIGHT_KINDS[(i + chunk) % len(WEIGHT_KINDS)]
        if i % 3 == 0:
            scale = np.cumsum(np.random.default_rng(d.seed).uniform(0.3, 3.0, d.k)) + 0.5
            x = np.where(np.isnan(d.ratings), np.nan, scale[np.nan_to_num(d.ratings).astype(int)])
            ours_x, level, kwargs = x, "interval", {"categories": scale}
            irr_x, cats = x, [float(v) for v in scale]
        else:
            ours_x, level, kwargs = d.ratings, "ordinal", {"n_categories": d.k}
            irr_x, cats = d.ratings + 1.0, [float(c) for c in range(1, d.k + 1)]
        if int((~np.isnan(irr_x)).any(axis=1).sum()) < 2:
            continue  # irrCAC's variance divides by n - 1
        with_missing += int(not d.complete)
        irr = _irr(irr_x, cats, kind)
        for method in ("fleiss", "gwet", "bp"):
            ours = METHODS[method](ours_x, level, weights=kind, **kwargs)
            assert_clean(ours)
            if ours.value is None:
                # undefined only without pairs or when chance agreement is perfect
                assert (
                    "nothing pairable" in (ours.reason or "")
                    or "variation" in (ours.reason or "")
                    or "perfect" in (ours.reason or "")
                ), ours
                continue
            _assert_matches(ours, getattr(irr, method)()["est"], one_sided_p=method == "bp")
            compared[kind] += 1
    assert min(compared.values()) >= 20, compared
    assert with_missing >= 50


# ---------------------------------------------------------------- weighted Scott's pi


def test_weighted_scott_matches_irrcac_table_scott() -> None:
    """Jointly rated units as irrCAC's table ``scott``; SE differs by sqrt(n / (n - 1))."""
    compared = 0
    for i, d in enumerate(random_datasets(120, seed=900, coders=(2, 2), units=(3, 40))):
        kind = WEIGHT_KINDS[i % len(WEIGHT_KINDS)]
        x = d.ratings
        both = ~np.isnan(x).any(axis=1)
        table = np.zeros((d.k, d.k))
        np.add.at(table, (x[both, 0].astype(int), x[both, 1].astype(int)), 1)
        n = int(table.sum())
        ours = weighted_scott_pi(x, "ordinal", d.k, weights=kind)
        assert_clean(ours)
        assert ours.units_used == n
        assert sum(ours.units_excluded.values()) == x.shape[0] - n
        if kind == "identity":
            plain = scott_pi(x, "ordinal", d.k).value
            assert (ours.value is None) == (plain is None)
            if plain is not None:
                assert ours.value == pytest.approx(plain, abs=1e-12)
        if ours.value is None or n < 2:
            continue
        ref = TableCAC(pd.DataFrame(table), weights=kind, digits=15).scott()["est"]
        assert ours.value == pytest.approx(ref["coefficient_value"], abs=TIGHT)
        assert ours.se is not None
        assert ours.se * math.sqrt((n - 1) / n) == pytest.approx(ref["se"], abs=TIGHT)
        if d.complete:
            assert ours == fleiss_kappa(x, "ordinal", d.k, weights=kind)
        compared += 1
    assert compared >= 90


def test_weighted_scott_as_printed_by_r_scott2_table() -> None:
    """R irrCAC vignette: scott2.table(cont3x3abstractors, quadratic) 0.8921093, se 0.03539506."""
    x = table_to_ratings([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    est = weighted_scott_pi(x, "ordinal", 3, weights="quadratic")
    assert est.value == pytest.approx(0.8921093, abs=5e-8)
    assert est.se is not None
    assert est.se * math.sqrt(99 / 100) == pytest.approx(0.03539506, abs=5e-9)


def test_weighted_scott_is_not_fleiss_with_missing_data() -> None:
    """Fleiss counts a lone rating in the category shares; Scott's pi uses only pairs."""
    x = np.array([[0, 0], [1, 1], [0, 1], [2, np.nan], [2, np.nan], [1, 2]], dtype=float)
    pi = weighted_scott_pi(x, "ordinal", 3, weights="linear")
    fk = fleiss_kappa(x, "ordinal", 3, weights="linear")
    assert pi.units_used == fk.units_used == 4
    assert pi.value is not None
    assert fk.value is not None
    assert abs(pi.value - fk.value) > 0.05
    assert pi.units_excluded == {"not rated by both coders": 2}


def test_weighted_scott_needs_two_coders() -> None:
    x = raw4raters() - 1.0
    assert "exactly two" in (weighted_scott_pi(x, "ordinal", 5).reason or "")
    lone = np.array([[0.0, np.nan], [np.nan, 1.0]])
    assert "nothing pairable" in (weighted_scott_pi(lone, "ordinal", 2).reason or "")


# ---------------------------------------------------------------- z and p


def test_z_is_value_over_se_and_p_is_two_sided_t() -> None:
    x = raw4raters() - 1.0  # 12 units rated at least once: t on 11 degrees of freedom
    for f in METHODS.values():
        est = f(x, "ordinal", 5, weights="linear")
        assert est.value is not None
        assert est.se is not None
        assert est.z == est.value / est.se
        assert (est.z, est.p) == z_test(est.value, est.se, 11.0)
        _, p_normal = z_test(est.value, est.se)
        assert est.p is not None
        assert p_normal is not None
        assert p_normal < est.p  # the t distribution has the heavier tails


def test_z_test_against_known_quantiles() -> None:
    z, p = z_test(1.959963984540054, 1.0)
    assert z == pytest.approx(1.959963984540054)
    assert p == pytest.approx(0.05, abs=1e-15)
    # t(10) 97.5% quantile to 16 digits (scipy's t.ppf is 2e-11 off here; its cdf is not)
    _, p = z_test(-2.228138851986274, 1.0, 10.0)
    assert p == pytest.approx(0.05, abs=1e-14)
    assert z_test(0.5, 0.0) == (None, None)
    assert z_test(0.5, None) == (None, None)


def test_perfect_agreement_has_no_test_statistic() -> None:
    """se = 0: no finite z (irrCAC substitutes se = 1e-15 and prints z ~ 1e15, p = 0)."""
    x = np.array([[0, 0, 0], [1, 1, 1], [2, 2, 2], [1, 1, 1]], dtype=float)
    for f in METHODS.values():
        est = f(x, "ordinal", 3, weights="quadratic")
        assert est.value == pytest.approx(1.0)
        assert est.se == 0.0
        assert (est.z, est.p) == (None, None)
