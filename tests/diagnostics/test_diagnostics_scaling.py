"""The diagnostics computed for all coders at once equal the one-at-a-time definitions.

pair_agreement, leave_one_out and the coder biases are computed from the units' rating
lists and from per-unit sufficient statistics; each is checked here against the direct
computation (``stats`` on the two columns, on the matrix without the coder, the paired
difference on shared units), on sparse designs with many coders and on dense ones.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socmodel_cli import stats
from socmodel_cli.diagnostics.categories import category_agreement
from socmodel_cli.diagnostics.coders import coder_bias, coder_biases, leave_one_out
from socmodel_cli.diagnostics.coincidence import disagreement
from socmodel_cli.diagnostics.diagnosis import DiagnoseOptions, diagnose_code
from socmodel_cli.diagnostics.pairwise import pair_agreement
from socmodel_cli.diagnostics.scale import CodeView, code_view
from socmodel_cli.diagnostics.units import unit_contributions, unit_disagreements
from socmodel_cli.ratings import CodeMatrix
from socmodel_cli.report.diagnostics_dict import code_dict
from socmodel_cli.scheme.model import Code
from socmodel_cli.stats import Estimate

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _code(level: str, k: int, declared: bool) -> Code:
    if level in ("nominal", "ordinal"):
        return Code(id="c", label="C", level=level, values=list(range(k)))  # type: ignore[arg-type]
    if declared:
        return Code(id="c", label="C", level=level, values=[0.5 * v for v in range(k)])  # type: ignore[arg-type]
    return Code(id="c", label="C", level=level)  # type: ignore[arg-type]


def _view(level: str, x: np.ndarray, k: int, declared: bool = False) -> CodeView:
    units = tuple((f"u{i}",) for i in range(x.shape[0]))
    coders = tuple(f"c{j}" for j in range(x.shape[1]))
    return code_view(
        CodeMatrix(code=_code(level, k, declared), values=x, units=units, coders=coders)
    )


def _data(seed: int, level: str, *, sparse: bool, declared: bool = False) -> tuple[np.ndarray, int]:
    """Ratings with agreement structure; sparse: many coders, 2-3 per unit."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    units = int(rng.integers(3, 40)) if sparse else int(rng.integers(3, 90))
    coders = int(rng.integers(6, 25)) if sparse else int(rng.integers(2, 6))
    truth = rng.integers(0, k, units)
    noise = rng.integers(-1, 2, (units, coders)) * (rng.random((units, coders)) < 0.35)
    x = np.clip(truth[:, None] + noise, 0, k - 1).astype(float)
    if sparse:
        keep = np.zeros_like(x, dtype=bool)
        for u in range(units):
            keep[u, rng.choice(coders, size=int(rng.integers(1, 4)), replace=False)] = True
        x[~keep] = np.nan
    else:
        x[rng.random(x.shape) < 0.2] = np.nan
    if level in ("interval", "ratio") and not declared:
        x = x * 1.7 + (0.0 if level == "ratio" else -2.0)
        x = np.where(rng.random(x.shape) < 0.3, x + rng.normal(size=x.shape).round(2), x)
        if level == "ratio":
            x = np.abs(x)
    elif declared:
        x = x * 0.5
    if rng.random() < 0.15:  # some data without variation in some pairs
        x[: units // 2] = np.where(
            np.isnan(x[: units // 2]), np.nan, x[0, 0] if not np.isnan(x[0, 0]) else 0.0
        )
    return x, k


def _k(view: CodeView) -> int | None:
    return view.k if view.code.categorical else None


def _same_estimate(got: Estimate, want: Estimate, tol: float = 1e-12) -> None:
    assert (got.value is None) == (want.value is None), (got, want)
    if want.value is not None:
        assert got.value == pytest.approx(want.value, abs=tol)
    assert got.reason == want.reason
    assert got.units_used == want.units_used
    assert dict(got.units_excluded) == dict(want.units_excluded)
    assert (got.se is None) == (want.se is None), (got, want)
    if want.se is not None:
        assert got.se == pytest.approx(want.se, abs=tol)
        assert got.ci == pytest.approx(want.ci, abs=tol)


def _same_value(got: Estimate, want: Estimate) -> None:
    """The same number (reasons may name the values themselves)."""
    assert (got.value is None) == (want.value is None), (got, want)
    if want.value is not None:
        assert got.value == pytest.approx(want.value, rel=1e-12, abs=1e-12)
    assert got.units_used == want.units_used


CASES = [
    (seed, level, sparse, declared)
    for seed, level, sparse in itertools.product(range(12), LEVELS, (True, False))
    for declared in ((False, True) if level in ("interval", "ratio") else (False,))
]


@pytest.mark.parametrize(("seed", "level", "sparse", "declared"), CASES)
def test_pair_agreement_equals_the_two_column_coefficients(
    seed: int, level: str, sparse: bool, declared: bool
) -> None:
    x, k = _data(seed, level, sparse=sparse, declared=declared)
    view = _view(level, x, k, declared)
    got = {(p.first, p.second): p for p in pair_agreement(view)}
    cats = view.positions if view.code.values and not view.code.categorical else None
    expected_pairs = 0
    for a, b in itertools.combinations(range(x.shape[1]), 2):
        both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
        key = (f"c{a}", f"c{b}")
        if not both.any():
            assert key not in got
            continue
        expected_pairs += 1
        p = got[key]
        two = x[both][:, [a, b]]
        assert p.units_shared == int(both.sum())
        assert p.agreement == pytest.approx(stats.percent_agreement(two).value, abs=1e-15)
        _same_estimate(p.alpha, stats.alpha(two, level, _k(view)))
        if p.kappa is None:
            assert view.cats is None or not (view.code.categorical or view.code.values)
            continue
        want = (
            stats.weighted_kappa(two, level, _k(view), weights="linear", categories=cats)
            if view.code.ordered
            else stats.cohen_kappa(two, level, _k(view), categories=cats)
        )
        _same_estimate(p.kappa, want)
    assert len(got) == expected_pairs


@pytest.mark.parametrize(("seed", "level", "sparse", "declared"), CASES)
def test_leave_one_out_equals_alpha_without_the_column(
    seed: int, level: str, sparse: bool, declared: bool
) -> None:
    x, k = _data(seed, level, sparse=sparse, declared=declared)
    view = _view(level, x, k, declared)
    everyone = stats.alpha(x, level, _k(view))
    for c, got in enumerate(leave_one_out(view, everyone)):
        assert got.coder == f"c{c}"
        if x.shape[1] < 3:
            assert got.alpha.value is None and got.alpha.reason
            continue
        want = stats.alpha(np.delete(x, c, axis=1), level, _k(view))
        _same_estimate(got.alpha, want)
        if want.value is not None and everyone.value is not None:
            assert got.change == pytest.approx(want.value - everyone.value, abs=1e-12)
        else:
            assert got.change is None


def _direct_bias(view: CodeView, c: int, others: list[int]) -> dict[str, Any]:
    """The paired difference on shared units, written out (ordered codes)."""
    nums = view.numbers
    theirs = nums[:, others]
    shared = ~np.isnan(nums[:, c]) & (~np.isnan(theirs)).any(axis=1)
    mine = nums[shared, c]
    means = np.array([np.nanmean(row) for row in theirs[shared]]) if mine.size else mine
    d = mine - means
    pooled = np.concatenate([mine, theirs[shared][~np.isnan(theirs[shared])]])
    return {"n": int(shared.sum()), "d": d, "mine": mine, "theirs": means, "pooled": pooled}


@pytest.mark.parametrize(("seed", "level", "sparse", "declared"), CASES)
def test_every_coder_against_the_others_equals_one_at_a_time(
    seed: int, level: str, sparse: bool, declared: bool
) -> None:
    x, k = _data(seed, level, sparse=sparse, declared=declared)
    view = _view(level, x, k, declared)
    everyone = list(range(x.shape[1]))
    all_at_once = coder_biases(view)
    for c, got in enumerate(all_at_once):
        others = [o for o in everyone if o != c]
        assert got == coder_bias(view, c, others)
        assert got.units == int((~np.isnan(x[:, c])).sum())
        if view.ordered:
            want = _direct_bias(view, c, others)
            assert got.shared_units == want["n"]
            if want["n"] == 0:
                assert got.scale is None
                continue
            s = got.scale
            assert s is not None
            assert s.difference == pytest.approx(want["d"].mean(), abs=1e-12)
            assert s.mean == pytest.approx(want["mine"].mean(), abs=1e-12)
            assert s.others_mean == pytest.approx(want["theirs"].mean(), abs=1e-12)
            sd = want["d"].std(ddof=1) if want["n"] >= 2 else 0.0
            if sd > 1e-9:
                assert s.t == pytest.approx(
                    want["d"].mean() / (sd / math.sqrt(want["n"])), rel=1e-9
                )
        else:
            _check_categories(view, c, others, got.categories)


def _check_categories(view: CodeView, c: int, others: list[int], got: Any) -> None:
    cats = view.cats
    assert cats is not None
    theirs = cats[:, others]
    rated = (theirs >= 0).sum(axis=1)
    shared = (cats[:, c] >= 0) & (rated > 0)
    if not shared.any():
        assert got == ()
        return
    by_index = {s.index: s.shift for s in got}
    assert sorted(by_index) == list(range(view.k))
    for g in range(view.k):
        own = (cats[shared, c] == g).astype(float)
        share = (theirs[shared] == g).sum(axis=1) / rated[shared]
        s = by_index[g]
        assert s.units == int(shared.sum())
        assert s.mean == pytest.approx(own.mean(), abs=1e-12)
        assert s.others_mean == pytest.approx(share.mean(), abs=1e-12)
        assert s.difference == pytest.approx((own - share).mean(), abs=1e-12)
    order = [(-abs(s.shift.t or 0.0), -abs(s.shift.difference), s.index) for s in got]
    assert order == sorted(order)


EDGE = {
    "constant": np.array([[1.0, 1.0, 1.0], [1.0, 1.0, np.nan], [np.nan, 1.0, 1.0]]),
    "only-in-pairs": np.array([[0.0, 1.0, np.nan], [1.0, np.nan, 0.0], [np.nan, 2.0, 2.0]]),
    "one-coder-makes-the-variation": np.array(
        [[1.0, 1.0, 3.0], [2.0, 2.0, np.nan], [2.0, 2.0, 0.0], [1.0, 1.0, 1.0]]
    ),
    "unit-of-all-coders": np.array(
        [[0.0, 1.0, 2.0, 1.0], [np.nan, 1.0, 1.0, np.nan], [2.0, np.nan, np.nan, 2.0]]
    ),
    "single-ratings": np.array([[0.0, np.nan, np.nan], [np.nan, 1.0, np.nan], [2.0, 2.0, 1.0]]),
}


@pytest.mark.parametrize("name", sorted(EDGE))
@pytest.mark.parametrize("level", LEVELS)
def test_leave_one_out_special_cases(name: str, level: str) -> None:
    x = EDGE[name]
    view = _view(level, x, 4)
    everyone = stats.alpha(x, level, _k(view))
    for c, got in enumerate(leave_one_out(view, everyone)):
        _same_estimate(got.alpha, stats.alpha(np.delete(x, c, axis=1), level, _k(view)))


@pytest.mark.parametrize(
    ("seed", "sparse", "level"),
    list(itertools.product(range(10), (True, False), ("nominal", "interval"))),
)
def test_bias_indices_are_the_largest_over_coder_pairs(seed: int, sparse: bool, level: str) -> None:
    declared = level == "interval"  # categories from declared values 0, .5, 1, ...
    x, k = _data(seed, level, sparse=sparse, declared=declared)
    view = _view(level, x, k, declared)
    x = np.where(np.isnan(x), np.nan, view.cats)
    picture = disagreement(view)
    assert picture is not None
    got = category_agreement(view, picture)
    for c in range(view.k):
        best: tuple[float | None, tuple[str, str] | None] = (None, None)
        for a, b in itertools.combinations(range(x.shape[1]), 2):
            both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
            if both.any():
                bi = abs((x[both, a] == c).mean() - (x[both, b] == c).mean())
                if best[0] is None or bi > best[0]:  # the first pair wins exact ties
                    best = (bi, (f"c{a}", f"c{b}"))
        assert got[c].bias_pair == best[1]
        recoded = np.where(np.isnan(x), np.nan, (x == c).astype(float))
        _same_estimate(got[c].alpha, stats.alpha(recoded, "nominal", 2))
        assert got[c].bias_index == pytest.approx(best[0], abs=1e-15)


@pytest.mark.parametrize(
    ("seed", "level", "sparse"), list(itertools.product(range(8), LEVELS, (True, False)))
)
def test_unit_contributions_are_sums_over_pairs_in_the_unit(
    seed: int, level: str, sparse: bool
) -> None:
    x, k = _data(seed, level, sparse=sparse)
    view = _view(level, x, k)
    got = unit_contributions(view)
    pos = x
    if level == "ordinal":
        pairable = (~np.isnan(x)).sum(axis=1) >= 2
        vals = x[pairable][~np.isnan(x[pairable])].astype(int)
        n_g = np.bincount(vals, minlength=k)
        ranks = np.cumsum(n_g) - n_g / 2.0
        pos = np.where(np.isnan(x), np.nan, ranks[np.nan_to_num(x).astype(int)])
    for u in range(x.shape[0]):
        row = pos[u][~np.isnan(pos[u])]
        if row.size < 2:
            assert got[u] == 0.0
            continue
        total = 0.0
        for a, b in itertools.permutations(row, 2):
            if level == "nominal":
                total += float(a != b)
            elif level == "ratio":
                total += 0.0 if a + b == 0 else ((a - b) / (a + b)) ** 2
            else:
                total += (a - b) ** 2
        assert got[u] == pytest.approx(total / (row.size - 1), rel=1e-12, abs=1e-12)


# --- any magnitude: finite numbers, no warnings, shift-invariant shifts ---------------------


def _interval_matrix(x: np.ndarray, level: str = "interval") -> CodeMatrix:
    units = tuple((f"u{i}",) for i in range(x.shape[0]))
    coders = tuple(f"c{j}" for j in range(x.shape[1]))
    return CodeMatrix(code=_code(level, 0, False), values=x, units=units, coders=coders)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    exponent=st.integers(-300, 300),
    level=st.sampled_from(["interval", "ratio"]),
)
def test_diagnose_at_extreme_magnitudes_is_finite_and_quiet(
    seed: int, exponent: int, level: str
) -> None:
    x, _ = _data(seed, level, sparse=False)
    x = np.abs(x) if level == "ratio" else x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = diagnose_code(
            _interval_matrix(x * 10.0**exponent, level), 0.8, DiagnoseOptions(replicates=50)
        )
        doc = code_dict(got, 10, ["unit"])
    json.dumps(doc, allow_nan=False)  # raises on NaN or infinity


def test_diagnose_with_values_spanning_the_float_range() -> None:
    x = np.array([[-1.7e308, 1.7e308, 0.0], [1.7e308, 1.6e308, np.nan], [5e-324, 0.0, -1e-300]] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = diagnose_code(_interval_matrix(x), 0.8, DiagnoseOptions(replicates=50))
        json.dumps(code_dict(got, 10, ["unit"]), allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), shift=st.integers(-(10**15), 10**15), sparse=st.booleans())
def test_diagnostic_scale_statistics_are_shift_invariant(
    seed: int, shift: int, sparse: bool
) -> None:
    x, k = _data(seed, "ordinal", sparse=sparse)  # small integers
    a = _view("interval", x, k)
    b = _view("interval", x + float(shift), k)  # exact below 2**53
    for p, q in zip(coder_biases(a), coder_biases(b), strict=True):
        assert (p.scale is None) == (q.scale is None)
        if p.scale is not None and q.scale is not None:
            assert q.scale.difference == pytest.approx(p.scale.difference, abs=1e-12)
            assert q.scale.mean - shift == pytest.approx(p.scale.mean, abs=0.25)
            for f in ("t", "effect"):
                u, v = getattr(p.scale, f), getattr(q.scale, f)
                assert (u is None) == (v is None)
                if u is not None:
                    assert v == pytest.approx(u, rel=1e-12, abs=1e-12)
    for p, q in zip(pair_agreement(a), pair_agreement(b), strict=True):
        _same_value(q.alpha, p.alpha)
    ua, ub = unit_disagreements(a), unit_disagreements(b)
    assert [u.share for u in ub] == pytest.approx([u.share for u in ua], abs=1e-12)
    for p, q in zip(
        leave_one_out(a, stats.alpha(x, "interval")),
        leave_one_out(b, stats.alpha(x + float(shift), "interval")),
        strict=True,
    ):
        _same_value(q.alpha, p.alpha)
