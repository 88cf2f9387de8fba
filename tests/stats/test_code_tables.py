"""The registry's shared tables give exactly what each coefficient function gives on its own.

The registry computes the kappa family of a code from one :class:`CodeTables` (category
counts and per-unit agreement built once); the public functions build their own. Both
paths must agree to the last bit, on data with missing cells, unrated units, one coder,
one category and every weight family.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmodel_cli import stats
from socmodel_cli.coefficients import BY_KEY, CodeData, compute_all, compute_many
from socmodel_cli.scheme import load_scheme_text
from socmodel_cli.stats import _sparse
from socmodel_cli.stats._precision import in_frame, in_frames
from socmodel_cli.stats.code_tables import CodeTables
from socmodel_cli.stats.weights import WEIGHT_KINDS

FUNCTIONS: dict[stats.Method, Callable[..., stats.Estimate]] = {
    "fleiss": stats.fleiss_kappa,
    "brennan_prediger": stats.brennan_prediger,
    "gwet": stats.gwet_ac2,
}


@st.composite
def codes(draw: st.DrawFn) -> tuple[np.ndarray, str, int | None, np.ndarray | None]:
    level = draw(st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
    k = draw(st.integers(1, 6))
    units = draw(st.integers(0, 12))
    coders = draw(st.integers(1, 4))
    cells = draw(st.lists(st.integers(-1, k - 1), min_size=units * coders, max_size=units * coders))
    idx = np.asarray(cells, dtype=np.float64).reshape(units, coders)
    x = np.where(idx < 0, np.nan, idx)
    if level in ("nominal", "ordinal"):
        return x, level, k, None
    categories = np.cumsum(draw(st.lists(st.integers(1, 5), min_size=k, max_size=k))) - 1.0
    values = np.where(np.isnan(x), np.nan, categories[np.nan_to_num(x).astype(int)])
    return values, level, None, categories.astype(np.float64)


def weight_specs(k: int) -> list[stats.WeightSpec]:
    rng = np.random.default_rng(k)
    m = rng.uniform(0, 1, (k, k))
    custom = (m + m.T) / 2
    np.fill_diagonal(custom, 1.0)
    return [*WEIGHT_KINDS, custom]


@settings(max_examples=150, deadline=None)
@given(codes(), st.sampled_from([0.9, 0.95]))
def test_shared_tables_equal_the_functions(
    code: tuple[np.ndarray, str, int | None, np.ndarray | None], confidence: float
) -> None:
    x, level, k, categories = code
    tables = CodeTables(x, level, k, categories)
    n_categories = k if categories is None else categories.size
    for weights in weight_specs(n_categories):
        for method, fn in FUNCTIONS.items():
            if (
                method == "gwet"
                and level == "nominal"
                and isinstance(weights, str)
                and weights != "identity"
            ):
                continue  # AC2 words its own refusal; the registry asks it of ordered codes only
            alone = fn(x, level, k, categories=categories, weights=weights, confidence=confidence)
            assert tables.chance(method, weights, confidence) == alone, (method, weights)
        alone = stats.conger_kappa(
            x, level, k, categories=categories, weights=weights, confidence=confidence
        )
        assert tables.conger(weights, confidence) == alone, weights


SCHEME = """\
id: b
version: 1.0.0
title: B
unit: {name: u, keys: [u]}
codes:
  - {id: n3, label: N, level: nominal, values: [a, b, c]}
  - {id: n1, label: N1, level: nominal, values: [a]}
  - {id: o4, label: O, level: ordinal, values: [1, 2, 3, 4]}
  - {id: o4l, label: OL, level: ordinal, values: [1, 2, 3, 4], weights: linear}
  - {id: o2, label: O2, level: ordinal, values: [0, 1]}
  - {id: i4, label: I, level: interval, values: [0, 1, 2, 5], icc: false}
  - {id: r3, label: R, level: ratio, values: [1, 2, 4], weights: ratio, icc: false}
"""


def test_the_registry_reports_what_the_functions_compute() -> None:
    """The registry entries call the shared tables with the code's own weights."""
    scheme = load_scheme_text(SCHEME)
    rng = np.random.default_rng(7)
    for code in scheme.codes:
        k = len(code.values or ())
        idx = rng.integers(-1, k, size=(30, 3)).astype(np.float64)
        if code.categorical:
            x, n, cats = np.where(idx < 0, np.nan, idx), k, None
        else:
            cats = np.array(sorted(float(v) for v in code.declared))
            x, n = np.where(idx < 0, np.nan, cats[np.maximum(idx, 0).astype(int)]), None
        data = CodeData(code=code, x=x, confidence=0.9)
        got = compute_all(data)
        w = data.weights
        expected = {
            "fleiss_kappa": stats.fleiss_kappa(x, code.level, n, categories=cats, confidence=0.9),
            "brennan_prediger": stats.brennan_prediger(
                x, code.level, n, categories=cats, confidence=0.9
            ),
            "ac1": stats.gwet_ac1(x, code.level, n, categories=cats, confidence=0.9),
            "conger_kappa": stats.conger_kappa(x, code.level, n, categories=cats, confidence=0.9),
        }
        if code.ordered:
            weighted = {"categories": cats, "weights": w, "confidence": 0.9}
            expected |= {
                "ac2": stats.gwet_ac2(x, code.level, n, **weighted),  # type: ignore[arg-type]
                "weighted_fleiss_kappa": stats.fleiss_kappa(x, code.level, n, **weighted),  # type: ignore[arg-type]
                "weighted_brennan_prediger": stats.brennan_prediger(x, code.level, n, **weighted),  # type: ignore[arg-type]
                "weighted_conger_kappa": stats.conger_kappa(x, code.level, n, **weighted),  # type: ignore[arg-type]
            }
        for key, estimate in expected.items():
            assert BY_KEY[key].applies(data)
            assert got[key] == estimate, (code.id, key)


@st.composite
def code_batches(draw: st.DrawFn) -> list[CodeData]:
    scheme = load_scheme_text(SCHEME)
    out = []
    for _ in range(draw(st.integers(1, 8))):
        code = draw(st.sampled_from(scheme.codes))
        k = len(code.values or ())
        units, coders = draw(st.integers(0, 8)), draw(st.integers(1, 4))
        cells = draw(
            st.lists(st.integers(-1, k - 1), min_size=units * coders, max_size=units * coders)
        )
        idx = np.asarray(cells, dtype=np.float64).reshape(units, coders)
        if code.categorical:
            x = np.where(idx < 0, np.nan, idx)
        else:
            cats = np.array(sorted(float(v) for v in code.declared))
            x = np.where(idx < 0, np.nan, cats[np.maximum(idx, 0).astype(int)])
        out.append(CodeData(code=code, x=x, confidence=draw(st.sampled_from([0.9, 0.95]))))
    return out


@settings(max_examples=100, deadline=None)
@given(code_batches())
def test_codes_computed_together_equal_codes_computed_alone(datas: list[CodeData]) -> None:
    """The registry's batches (codes stacked) give each code exactly its own result."""
    together = compute_many(datas)
    for data, got in zip(datas, together, strict=True):
        alone = compute_all(CodeData(code=data.code, x=data.x, confidence=data.confidence))
        assert got == alone, data.code.id


@settings(max_examples=100, deadline=None)
@given(code_batches(), st.integers(1, 7))
def test_pairs_taken_a_few_units_at_a_time_give_the_same_numbers(
    datas: list[CodeData], chunk: int
) -> None:
    """Statistics over pairs of ratings take them a chunk of whole units at a time
    (``_sparse.PAIR_CHUNK`` pairs); no number depends on the chunk size."""

    def every(d: CodeData) -> tuple[object, ...]:
        lims = stats.limits_of_agreement(d.x) if d.n_coders else ()
        return compute_all(d), lims, stats.agreement_within(d.x, 0.5)

    whole = [every(d) for d in datas]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sparse, "PAIR_CHUNK", chunk)
        assert [every(d) for d in datas] == whole
        assert compute_many(datas) == [w[0] for w in whole]


def test_a_large_code_gives_the_same_numbers_with_small_ones() -> None:
    """A code large enough for pairwise sums (stack.PAIRWISE_FROM) and for BLAS's product
    (chance._BLAS_FROM units) is summed the same way whether it is computed alone or in a
    stack with small codes."""
    scheme = load_scheme_text(SCHEME)
    rng = np.random.default_rng(3)
    datas = []
    for code, units in zip(scheme.codes, [3000, 5, 5000, 7, 2, 4500, 4], strict=True):
        k = len(code.values or ())
        idx = rng.integers(-1, k, size=(units, 3)).astype(np.float64)
        if code.categorical:
            x = np.where(idx < 0, np.nan, idx)
        else:
            cats = np.array(sorted(float(v) for v in code.declared))
            x = np.where(idx < 0, np.nan, cats[np.maximum(idx, 0).astype(int)])
        datas.append(CodeData(code=code, x=x, confidence=0.95))
    for data, got in zip(datas, compute_many(datas), strict=True):
        assert got == compute_all(CodeData(code=data.code, x=data.x, confidence=0.95)), data.code.id


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.floats(allow_nan=False, allow_infinity=False, width=64)
            | st.integers(-5, 5).map(float),
            max_size=9,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_frames_of_many_runs_are_each_runs_own_frame(runs: list[list[float]]) -> None:
    values = np.array([v for run in runs for v in run], dtype=np.float64)
    bounds = np.concatenate([[0], np.cumsum([len(run) for run in runs])]).astype(np.int64)
    together = in_frames(values, bounds)
    alone = [in_frame(np.array(run, dtype=np.float64)) for run in runs if run]
    expected = np.concatenate(alone) if alone else np.zeros(0)
    np.testing.assert_array_equal(together, expected)


def test_weighted_counts_of_a_stack_are_each_tables_own() -> None:
    """Tables below chance._BLAS_FROM rows are summed a row at a time, larger ones by BLAS:
    stacked in any company, each table's rows are bitwise what it gives alone."""
    from socmodel_cli.stats.chance import _BLAS_FROM, weighted_counts

    rng = np.random.default_rng(5)
    w = 1.0 - (np.subtract.outer(np.arange(5), np.arange(5)) / 4.0) ** 2  # quadratic
    sizes = [3, _BLAS_FROM + 7, 1, 40, _BLAS_FROM, 0, 9]
    tables = [rng.integers(0, 3, size=(n, 5)).astype(np.float64) for n in sizes]
    stacked = weighted_counts(tables, w)
    alone = np.concatenate([weighted_counts([t], w) for t in tables])
    assert stacked.tobytes() == alone.tobytes()
    np.testing.assert_allclose(stacked, np.concatenate(tables) @ w.T, rtol=1e-15)
