"""Edge cases: what each coefficient says when the data give it little or nothing to work on."""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest
from stats_helpers import assert_clean

from socmodel_cli.stats import (
    Estimate,
    alpha,
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_from_table,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    gwet_ac2,
    gwet_from_table,
    light_kappa,
    percent_agreement,
    scott_pi,
    weighted_kappa,
)

NaN = np.nan
Coef = Callable[..., Estimate]
CATEGORICAL: list[Coef] = [
    cohen_kappa,
    scott_pi,
    light_kappa,
    fleiss_kappa,
    brennan_prediger,
    gwet_ac1,
]


def _all(x: np.ndarray, k: int) -> dict[str, Estimate]:
    """Every coefficient on one categorical code (k declared categories)."""
    out = {lvl: alpha(x, lvl, k) for lvl in ("nominal", "ordinal")}
    out |= {lvl: alpha(x, lvl) for lvl in ("interval", "ratio")}
    out["percent_agreement"] = percent_agreement(x)
    for f in CATEGORICAL:
        out[f.__name__] = f(x, "nominal", k)
    out["weighted_kappa"] = weighted_kappa(x, "ordinal", k)
    out["gwet_ac2"] = gwet_ac2(x, "ordinal", k)
    for est in out.values():
        assert_clean(est)
    return out


# --- no variation -------------------------------------------------------------------


def test_no_variation_is_undefined_with_the_value_named() -> None:
    x = np.full((6, 2), 2.0)
    res = _all(x, 4)
    for name in ("nominal", "ordinal", "interval", "ratio"):
        assert res[name].value is None
        assert res[name].units_used == 6
    assert res["nominal"].reason == "no variation: every pairable value is category 2"
    assert res["interval"].reason == "no variation: every pairable value is 2"
    for name in ("cohen_kappa", "scott_pi", "fleiss_kappa", "weighted_kappa"):
        assert res[name].value is None
        assert "no variation" in (res[name].reason or "")
    # Coefficients whose chance agreement cannot reach 1 stay defined: that is their point.
    assert res["percent_agreement"].value == 1.0
    assert res["brennan_prediger"].value == 1.0
    assert res["gwet_ac1"].value == 1.0


def test_no_variation_among_pairable_values_ignores_single_ratings() -> None:
    # The lone 3 is in a unit nobody else rated, so it is not pairable.
    x = np.array([[1.0, 1.0], [1.0, 1.0], [3.0, NaN]])
    est = alpha(x, "interval")
    assert est.value is None
    assert est.reason == "no variation: every pairable value is 1"
    assert dict(est.units_excluded) == {"rated by fewer than 2 coders": 1}


# --- one deviant value: the kappa paradox in miniature --------------------------------


def test_one_deviant_value() -> None:
    x = np.zeros((10, 2))
    x[0, 1] = 1.0
    res = _all(x, 2)
    # alpha and kappa are 0 although 90% of ratings agree (Krippendorff 2011's example).
    assert res["nominal"].value == pytest.approx(0.0, abs=1e-12)
    assert res["cohen_kappa"].value == pytest.approx(0.0, abs=1e-12)
    assert res["percent_agreement"].value == pytest.approx(0.9)
    # AC1 and PABAK keep reporting high agreement: why they are shown beside kappa.
    assert res["gwet_ac1"].value == pytest.approx((0.9 - 0.095) / 0.905)
    assert res["brennan_prediger"].value == pytest.approx(0.8)


# --- tiny data --------------------------------------------------------------------------


def test_two_units_only() -> None:
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    res = _all(x, 2)
    assert res["nominal"].value == 1.0
    assert res["interval"].value == 1.0
    assert res["cohen_kappa"].value == 1.0
    assert res["cohen_kappa"].se == 0.0
    x2 = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert alpha(x2, "nominal", 2).value == pytest.approx(-0.5)  # 1 - (n-1) * 4 / 8 with n=4
    assert cohen_kappa(x2, "nominal", 2).value == pytest.approx(-1.0)


def test_a_unit_rated_by_one_coder() -> None:
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, NaN]])
    a = alpha(x, "nominal", 2)
    assert a.units_used == 3
    assert dict(a.units_excluded) == {"rated by fewer than 2 coders": 1}
    assert a.value == alpha(x[:3], "nominal", 2).value
    k = cohen_kappa(x, "nominal", 2)
    assert k.units_used == 3
    assert dict(k.units_excluded) == {"not rated by both coders": 1}
    g = gwet_ac1(x, "nominal", 2)
    assert g.units_used == 3
    assert dict(g.units_excluded) == {"rated by one coder (counted only in chance agreement)": 1}
    # The single rating shifts the category shares, so AC1 differs from the 3-unit value.
    assert g.value != gwet_ac1(x[:3], "nominal", 2).value


def test_all_missing() -> None:
    x = np.full((5, 3), NaN)
    res = _all(x, 3)
    for est in res.values():
        assert est.value is None
        assert est.units_used == 0
    assert res["nominal"].reason == ("nothing pairable: no unit was rated by at least two coders")
    assert dict(res["nominal"].units_excluded) == {"rated by fewer than 2 coders": 5}
    assert dict(res["gwet_ac1"].units_excluded) == {"rated by no coder": 5}


def test_single_coder() -> None:
    x = np.array([[0.0], [1.0], [2.0]])
    res = _all(x, 3)
    for name, est in res.items():
        assert est.value is None, name
        assert "single coder" in (est.reason or ""), name


def test_two_coder_coefficients_refuse_three_coders_with_advice() -> None:
    x = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
    for f in (cohen_kappa, scott_pi):
        est = f(x, "nominal", 2)
        assert est.value is None
        assert "exactly two coders; this code has 3" in (est.reason or "")
    assert light_kappa(x, "nominal", 2).value is not None
    assert fleiss_kappa(x, "nominal", 2).value is not None


def test_no_shared_units_between_two_coders() -> None:
    x = np.array([[0.0, NaN], [NaN, 1.0], [1.0, NaN]])
    est = cohen_kappa(x, "nominal", 2)
    assert est.value is None
    assert est.reason == "nothing pairable: no unit was rated by both coders"
    assert dict(est.units_excluded) == {"not rated by both coders": 3}
    assert percent_agreement(x).value is None


# --- declared values ----------------------------------------------------------------------


def test_unused_declared_values() -> None:
    x = np.array([[0, 0], [1, 1], [1, 0], [2, 2], [0, 0], [2, 1]], dtype=float)
    # Alpha (all levels) and plain kappa ignore a category nobody used...
    for level in ("nominal", "ordinal"):
        assert alpha(x, level, 3).value == pytest.approx(alpha(x, level, 5).value)
    assert cohen_kappa(x, "nominal", 3).value == pytest.approx(cohen_kappa(x, "nominal", 5).value)
    assert fleiss_kappa(x, "nominal", 3).value == pytest.approx(fleiss_kappa(x, "nominal", 5).value)
    # ...weights, Brennan-Prediger and AC1 depend on the declared set, by definition.
    for f in (brennan_prediger, gwet_ac1):
        assert f(x, "nominal", 3).value != pytest.approx(f(x, "nominal", 5).value)
    # An unused value at the end only rescales distances, and kappa is scale-free...
    assert weighted_kappa(x, "ordinal", 3).value == pytest.approx(
        weighted_kappa(x, "ordinal", 5).value
    )
    # ...one in the middle of the scale moves the used values apart, and changes it.
    gap = np.where(x >= 1, x + 1, x)  # the same data on a 0..3 scale with 1 unused
    assert weighted_kappa(gap, "ordinal", 4).value != pytest.approx(
        weighted_kappa(x, "ordinal", 3).value
    )


def test_interval_codes_with_declared_values_use_numeric_distances() -> None:
    cats = np.array([1.0, 2.0, 4.0, 8.0])
    x = np.array([[1, 2], [2, 2], [4, 8], [8, 8], [1, 1], [4, 2]], dtype=float)
    idx = np.searchsorted(cats, x).astype(float)
    by_value = weighted_kappa(x, "interval", categories=cats, weights="quadratic")
    by_index = weighted_kappa(idx, "ordinal", 4, weights="quadratic")
    assert by_value.value != pytest.approx(by_index.value)
    # Plain kappa only needs the categories, not their distances.
    assert cohen_kappa(x, "interval", categories=cats).value == pytest.approx(
        cohen_kappa(idx, "nominal", 4).value
    )


def test_continuous_codes_get_no_kappa_but_get_agreement_and_alpha() -> None:
    x = np.array([[1.5, 1.5], [2.25, 2.0], [3.0, 3.1]])
    for f in (cohen_kappa, scott_pi, light_kappa, fleiss_kappa, brennan_prediger, gwet_ac1):
        est = f(x, "interval")
        assert est.value is None
        assert (est.reason or "").startswith("continuous code:")
        assert "declare values" in (est.reason or "")
    assert weighted_kappa(x, "ratio").value is None
    assert percent_agreement(x).value == pytest.approx(1 / 3)
    assert alpha(x, "interval").value is not None


def test_nominal_codes_get_no_weighted_coefficients() -> None:
    x = np.array([[0, 1], [1, 1], [2, 2]], dtype=float)
    assert "nominal" in (weighted_kappa(x, "nominal", 3).reason or "")
    assert "nominal" in (gwet_ac2(x, "nominal", 3).reason or "")


def test_ratio_needs_non_negative_values() -> None:
    x = np.array([[-1.0, 2.0], [3.0, 3.0]])
    est = alpha(x, "ratio")
    assert est.value is None
    assert "non-negative" in (est.reason or "")


# --- programmer errors raise -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: alpha(np.zeros(3), "nominal", 2), "2-D"),
        (lambda: alpha(np.zeros((3, 2)), "cardinal", 2), "level must be one of"),
        (lambda: alpha(np.array([[0.0, 5.0]]), "nominal", 3), "category indices 0..2"),
        (lambda: alpha(np.array([[0.0, 0.5]]), "nominal", 3), "category indices"),
        (lambda: alpha(np.array([[0.0, np.inf]]), "interval"), "infinite"),
        (lambda: cohen_kappa(np.zeros((3, 2)), "nominal"), "n_categories is required"),
        (
            lambda: cohen_kappa(
                np.array([[1.0, 3.0]]), "interval", categories=np.array([1.0, 2.0])
            ),
            "not one of the declared",
        ),
        (lambda: weighted_kappa(np.zeros((3, 2)), "ordinal", 2, weights="cubic"), "weights"),
        (lambda: cohen_kappa_from_table([[1, 2, 3]]), "square"),
    ],
)
def test_programmer_errors_raise_value_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- tables and counts ---------------------------------------------------------------------


def test_empty_tables() -> None:
    empty = np.zeros((3, 3))
    for est in (cohen_kappa_from_table(empty), gwet_from_table(empty)):
        assert est.value is None
        assert "nothing pairable" in (est.reason or "")
    assert fleiss_kappa_from_counts(np.zeros((4, 3))).value is None


def test_light_kappa_reports_skipped_pairs() -> None:
    # coder 2 only ever says 0 on units where coder 0 also only says 0: pair (0, 2) undefined
    x = np.array(
        [[0, 0, 0], [0, 1, 0], [1, 1, NaN], [1, 0, NaN], [0, 0, 0]],
        dtype=float,
    )
    est = light_kappa(x, "nominal", 2)
    assert est.value is not None
    assert est.reason == "mean over 2 of 3 coder pairs; 1 had undefined kappa (no variation)"


def test_fleiss_equals_scott_for_two_complete_coders() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 4, size=(40, 2)).astype(float)
    assert fleiss_kappa(x, "nominal", 4).value == pytest.approx(scott_pi(x, "nominal", 4).value)


# --- scale: O(units x coders) -----------------------------------------------------------------


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_memory_does_not_grow_with_distinct_values(level: str) -> None:
    """200,000 units of continuous values: the krippendorff package would need a
    units x values x values array (terabytes); we stay within a few arrays of the input."""
    rng = np.random.default_rng(9)
    n = 200_000
    truth = rng.normal(size=n)
    x = truth[:, None] + rng.normal(scale=0.3, size=(n, 3))
    if level != "interval":
        x = np.clip(np.round(x + 3), 0, 6)
    x[rng.random(x.shape) < 0.1] = np.nan
    tracemalloc.start()
    est = alpha(x, level, 7 if level != "interval" else None)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert est.value is not None and 0.5 < est.value < 1.0
    assert peak < 20 * x.nbytes, peak


def test_ratio_alpha_with_many_distinct_values_runs_blockwise() -> None:
    rng = np.random.default_rng(10)
    x = np.abs(rng.normal(5, 1, size=(3000, 2)))  # 6000 distinct values
    est = alpha(x, "ratio")
    assert est.value is not None and math.isfinite(est.value)
