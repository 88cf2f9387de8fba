"""The diagnostics' numbers against direct recomputation and the krippendorff package.

Every check here recomputes a number another way: leaving a coder's column out and calling
``stats.alpha``; recoding a category and calling it; building coincidences with the
krippendorff package; summing unit contributions back into alpha.
"""

from __future__ import annotations

import itertools
from typing import Any

import krippendorff
import numpy as np
import pytest
from krippendorff.krippendorff import _coincidences, _reliability_data_to_value_counts

from socmodel_cli import stats
from socmodel_cli.diagnostics.artefacts import minimum_units
from socmodel_cli.diagnostics.categories import category_agreement
from socmodel_cli.diagnostics.coders import (
    attribute_bias,
    coder_bias,
    leave_one_out,
    pair_agreement,
)
from socmodel_cli.diagnostics.coincidence import coincidences, disagreement
from socmodel_cli.diagnostics.findings import is_biased
from socmodel_cli.diagnostics.scale import code_view
from socmodel_cli.diagnostics.units import unit_contributions, unit_disagreements
from socmodel_cli.ratings import CodeMatrix
from socmodel_cli.scheme.model import Code

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def make_code(level: str, k: int = 4, **extra: Any) -> Code:
    if level in ("nominal", "ordinal"):
        return Code(id="c", label="C", level=level, values=list(range(k)), **extra)  # type: ignore[arg-type]
    return Code(id="c", label="C", level=level, **extra)  # type: ignore[arg-type]


def matrix(code: Code, x: np.ndarray) -> CodeMatrix:
    units = tuple((f"u{i}",) for i in range(x.shape[0]))
    coders = tuple(f"c{j}" for j in range(x.shape[1]))
    return CodeMatrix(code=code, values=x.astype(float), units=units, coders=coders)


def random_ratings(seed: int, units: int = 60, coders: int = 3, k: int = 4) -> np.ndarray:
    """A latent value per unit plus coder noise, some cells missing: data with variation."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, units)
    x = np.clip(truth[:, None] + rng.integers(-1, 2, (units, coders)) * (rng.random((units, coders)) < 0.3), 0, k - 1).astype(float)  # fmt: skip
    x[rng.random((units, coders)) < 0.15] = np.nan
    assert ((~np.isnan(x)).sum(axis=1) >= 2).sum() > units // 2
    return x


def kripp(x: np.ndarray, level: str, k: int | None = None) -> float:
    domain = None if k is None else list(range(k))
    return float(
        krippendorff.alpha(reliability_data=x.T, level_of_measurement=level, value_domain=domain)
    )


@pytest.mark.parametrize("seed", range(6))
def test_coincidence_matrix_equals_krippendorff_package(seed: int) -> None:
    x = random_ratings(seed)
    view = code_view(matrix(make_code("nominal"), x))
    assert view.cats is not None
    ours = coincidences(view.cats, 4)
    counts = _reliability_data_to_value_counts(x.T, np.arange(4.0))
    # The package keeps unpairable units (dividing by max(m, 2) - 1); they add nothing
    # only when dropped, so compare on the pairable units.
    pairable = counts.sum(axis=1) >= 2
    theirs = _coincidences(counts[pairable])
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert ours.sum() == pytest.approx((~np.isnan(x[(~np.isnan(x)).sum(axis=1) >= 2])).sum())


@pytest.mark.parametrize(("seed", "level"), list(itertools.product(range(4), LEVELS)))
def test_alpha_from_our_coincidences_equals_stats_alpha(seed: int, level: str) -> None:
    """1 - sum(o * delta) / sum(e * delta) with our matrices reproduces alpha at every level."""
    # Ratio values start at 1 so that the delta matrix below needs no 0/0 case.
    x = random_ratings(seed) + (1.0 if level == "ratio" else 0.0)
    code = make_code(level) if level in ("nominal", "ordinal") else make_code(level, integer=True)
    view = code_view(matrix(code, x))
    picture = disagreement(view)
    assert picture is not None
    pos = view.positions
    n_c = picture.coincidence.sum(axis=1)
    if level == "nominal":
        delta = 1.0 - np.eye(view.k)
    elif level == "ordinal":
        ranks = np.cumsum(n_c) - n_c / 2.0
        delta = (ranks[:, None] - ranks[None, :]) ** 2
    elif level == "interval":
        delta = (pos[:, None] - pos[None, :]) ** 2
    else:
        delta = ((pos[:, None] - pos[None, :]) / (pos[:, None] + pos[None, :])) ** 2
    ours = 1.0 - (picture.coincidence * delta).sum() / (picture.expected * delta).sum()
    k = view.k if level in ("nominal", "ordinal") else None
    assert ours == pytest.approx(stats.alpha(x, level, k).value, abs=1e-10)
    assert ours == pytest.approx(kripp(x, level, k), abs=1e-9)


@pytest.mark.parametrize(("seed", "level"), list(itertools.product(range(4), LEVELS)))
def test_unit_contributions_sum_back_to_alpha(seed: int, level: str) -> None:
    """Observed disagreement is the sum of the unit contributions; expected is brute force."""
    x = random_ratings(seed)
    code = make_code(level) if level in ("nominal", "ordinal") else make_code(level, integer=True)
    view = code_view(matrix(code, x + (1.0 if level == "ratio" else 0.0)))
    contrib = unit_contributions(view)
    keep = (~np.isnan(view.x)).sum(axis=1) >= 2
    if level == "ordinal":
        assert view.cats is not None
        n_g = np.bincount(view.cats[keep][view.cats[keep] >= 0], minlength=4).astype(float)
        ranks = np.cumsum(n_g) - n_g / 2.0
        values = ranks[view.cats[keep][view.cats[keep] >= 0]]
    else:
        values = view.x[keep][~np.isnan(view.x[keep])]
    a, b = np.meshgrid(values, values)
    if level == "nominal":
        d = (a != b).astype(float)
    elif level == "ratio":
        d = ((a - b) / (a + b)) ** 2
    else:
        d = (a - b) ** 2
    n = values.size
    ours = 1.0 - (n - 1) * contrib.sum() / d.sum()
    k = 4 if level in ("nominal", "ordinal") else None
    assert ours == pytest.approx(stats.alpha(view.x, level, k).value, abs=1e-10)
    shares = [u.share for u in unit_disagreements(view)]
    assert sum(shares) == pytest.approx(1.0)
    assert shares == sorted(shares, reverse=True)


@pytest.mark.parametrize(
    ("seed", "level"), list(itertools.product(range(4), ("nominal", "ordinal", "interval")))
)
def test_leave_one_out_equals_alpha_without_the_column(seed: int, level: str) -> None:
    x = random_ratings(seed, coders=4)
    code = make_code(level)
    view = code_view(matrix(code, x))
    k = 4 if level != "interval" else None
    everyone = stats.alpha(x, level, k)
    loo = leave_one_out(view, everyone)
    assert [r.coder for r in loo] == list(view.coders)
    for c, result in enumerate(loo):
        rest = np.delete(x, c, axis=1)
        assert result.alpha.value == pytest.approx(stats.alpha(rest, level, k).value, abs=1e-12)
        assert result.alpha.value == pytest.approx(kripp(rest, level, k), abs=1e-9)
        assert result.change == pytest.approx(result.alpha.value - everyone.value)


def test_leave_one_out_with_two_coders_is_undefined() -> None:
    x = random_ratings(1, coders=2)
    view = code_view(matrix(make_code("nominal"), x))
    out = leave_one_out(view, stats.alpha(x, "nominal", 4))
    assert all(r.alpha.value is None and r.change is None for r in out)


@pytest.mark.parametrize("seed", range(4))
def test_category_alpha_equals_alpha_of_the_recoded_code(seed: int) -> None:
    x = random_ratings(seed)
    view = code_view(matrix(make_code("nominal"), x))
    picture = disagreement(view)
    assert picture is not None
    cats = category_agreement(view, picture)
    assert [c.value for c in cats] == ["0", "1", "2", "3"]
    for c in cats:
        recoded = np.where(np.isnan(x), np.nan, (x == c.index).astype(float))
        expected = stats.alpha(recoded, "nominal", 2).value
        assert c.alpha.value == pytest.approx(expected, abs=1e-12)
        if expected is not None:
            assert c.alpha.value == pytest.approx(kripp(recoded, "nominal", 2), abs=1e-9)
        o = picture.coincidence
        assert c.specific_agreement == pytest.approx(o[c.index, c.index] / o[c.index].sum())


def test_byrt_indices_for_two_coders_and_a_binary_code() -> None:
    """PI = |a - d| / n and BI = |b - c| / n from the 2 x 2 table (Byrt et al. 1993)."""
    a, b, c, d = 40, 9, 3, 8
    rows = [[1, 1]] * a + [[1, 0]] * b + [[0, 1]] * c + [[0, 0]] * d
    x = np.array(rows, dtype=float)
    view = code_view(matrix(make_code("nominal", k=2), x))
    picture = disagreement(view)
    assert picture is not None
    assert picture.confusion is not None
    np.testing.assert_array_equal(picture.confusion, [[d, c], [b, a]])
    n = a + b + c + d
    for cat in category_agreement(view, picture):
        assert cat.prevalence_index == pytest.approx(abs(a - d) / n)
        assert cat.bias_index == pytest.approx(abs(b - c) / n)
        assert cat.bias_pair == ("c0", "c1")


def test_pairwise_coder_matrix_matches_two_column_coefficients() -> None:
    x = random_ratings(3, coders=3)
    code = make_code("ordinal")
    view = code_view(matrix(code, x))
    pairs = pair_agreement(view)
    assert [(p.first, p.second) for p in pairs] == [("c0", "c1"), ("c0", "c2"), ("c1", "c2")]
    for p, (i, j) in zip(pairs, [(0, 1), (0, 2), (1, 2)], strict=True):
        two = x[:, [i, j]]
        both = ~np.isnan(two).any(axis=1)
        assert p.units_shared == both.sum()
        assert p.alpha.value == pytest.approx(stats.alpha(two[both], "ordinal", 4).value)
        assert p.agreement == pytest.approx((two[both, 0] == two[both, 1]).mean())
        wk = stats.weighted_kappa(two[both], "ordinal", 4, weights="linear")
        assert p.kappa is not None and p.kappa.value == pytest.approx(wk.value)


def test_confused_pair_share_and_raw_coder_pairs() -> None:
    # Two coders; categories 0 and 1 are swapped on 6 units, 2 vs 3 once, else agreement.
    rows = [[0, 1]] * 3 + [[1, 0]] * 3 + [[2, 3]] + [[k, k] for k in range(4) for _ in range(5)]
    view = code_view(matrix(make_code("nominal"), np.array(rows, dtype=float)))
    picture = disagreement(view)
    assert picture is not None
    top = picture.pairs[0]
    assert (top.first, top.second, top.coder_pairs) == (0, 1, 6)
    assert top.share == pytest.approx(6 / 7)
    assert picture.pairs[1].coder_pairs == 1
    assert picture.spread is None  # nominal: no adjacency


def test_spread_counts_adjacent_and_wide_steps() -> None:
    rows = [[0, 1]] * 6 + [[0, 3]] * 2 + [[k, k] for k in range(4) for _ in range(4)]
    view = code_view(matrix(make_code("ordinal"), np.array(rows, dtype=float)))
    picture = disagreement(view)
    assert picture is not None and picture.spread is not None
    assert picture.spread.adjacent_share == pytest.approx(6 / 8)
    assert picture.spread.wide_share == pytest.approx(2 / 8)
    assert picture.spread.max_steps == 3


def test_integer_count_steps_are_value_differences() -> None:
    x = np.array([[0, 1], [0, 2], [4, 2], [3, 3], [1, 1]], dtype=float)
    view = code_view(matrix(make_code("ratio", integer=True), x))
    assert view.labels == ("0", "1", "2", "3", "4")
    assert view.steps[0, 2] == 2 and view.steps[2, 4] == 2


def shifted(seed: int, shift: float, biased: int = 2) -> np.ndarray:
    """Five-point scale; coder ``biased`` rates ``shift`` higher than the truth."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, 300).astype(float)
    x = np.clip(truth[:, None] + rng.normal(0, 0.5, (300, 3)).round(), 0, 4)
    x[:, biased] = np.clip(x[:, biased] + shift, 0, 4)
    x[rng.random((300, 3)) < 0.2] = np.nan
    return x


def test_coder_bias_is_the_paired_difference_on_shared_units() -> None:
    x = shifted(0, 1.0)
    view = code_view(matrix(make_code("ordinal", k=5), x))
    b = coder_bias(view, 2, [0, 1])
    shared = ~np.isnan(x[:, 2]) & (~np.isnan(x[:, :2])).any(axis=1)
    d = x[shared, 2] - np.nanmean(x[shared][:, :2], axis=1)
    assert b.scale is not None
    assert b.shared_units == shared.sum()
    assert b.scale.difference == pytest.approx(d.mean())
    assert b.scale.t == pytest.approx(d.mean() / (d.std(ddof=1) / np.sqrt(d.size)))
    assert b.scale.difference > 0.7


def test_attribute_bias_names_only_the_shifted_coder() -> None:
    view = code_view(matrix(make_code("ordinal", k=5), shifted(1, 1.0)))
    assert [b.coder for b in attribute_bias(view, is_biased)] == ["c2"]
    clean = code_view(matrix(make_code("ordinal", k=5), shifted(1, 0.0)))
    assert attribute_bias(clean, is_biased) == ()


def test_nominal_coder_bias_uses_category_shares() -> None:
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 3, 400).astype(float)
    x = np.stack([truth, truth, truth], axis=1)
    # Coder 1 turns a third of everything into category 2.
    x[rng.random(400) < 0.33, 1] = 2
    view = code_view(matrix(make_code("nominal", k=3), x))
    found = attribute_bias(view, is_biased)
    assert [b.coder for b in found] == ["c1"]
    assert found[0].categories[0].value == "2"
    assert found[0].categories[0].shift.difference > 0.15


def test_krippendorff_minimum_reproduces_his_table() -> None:
    # Krippendorff (2004, Table 11.4) as quoted by ATLAS.ti: p_c = .25, p = .05.
    assert minimum_units(0.800, 0.25) == 139
    assert minimum_units(0.667, 0.25) == 81
    assert minimum_units(1.0, 0.25) is None
    assert minimum_units(0.8, 0.0) is None


def test_declared_numeric_values_become_categories() -> None:
    code = Code(id="c", label="C", level="interval", values=[10, 0, 5])  # type: ignore[list-item]
    x = np.array([[0, 5], [10, 10], [5, 5], [0, 10]], dtype=float)
    view = code_view(matrix(code, x))
    assert view.labels == ("0", "5", "10")
    assert view.declared and view.ordered
    assert view.cats is not None
    np.testing.assert_array_equal(view.cats[:, 0], [0, 2, 1, 0])


def test_bias_index_with_three_coders_is_the_largest_pair() -> None:
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 200).astype(float)
    x = np.stack([truth, truth, truth], axis=1)
    x[rng.random(200) < 0.3, 2] = 0  # coder c2 over-uses category 0
    view = code_view(matrix(make_code("nominal", k=3), x))
    picture = disagreement(view)
    assert picture is not None
    zero = category_agreement(view, picture)[0]
    both = ~np.isnan(x).any(axis=1)
    expected = {
        (f"c{a}", f"c{b}"): abs((x[both, a] == 0).mean() - (x[both, b] == 0).mean())
        for a, b in ((0, 1), (0, 2), (1, 2))
    }
    assert zero.bias_pair in {("c0", "c2"), ("c1", "c2")}
    assert zero.bias_index == pytest.approx(max(expected.values()))
