"""The pairs of ratings inside units, taken a chunk of whole units at a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socmodel_cli import stats
from socmodel_cli.stats import _sparse
from socmodel_cli.stats._sparse import pairs_in_units, rating_list


@st.composite
def matrices(
    draw: st.DrawFn,
    units: tuple[int, int] = (0, 12),
    coders: tuple[int, int] = (1, 6),
    top: int = 3,
) -> np.ndarray:
    """Units x coders of values 0..top, NaN where not coded."""
    n, m = draw(st.integers(*units)), draw(st.integers(*coders))
    cells = draw(st.lists(st.none() | st.integers(0, top), min_size=n * m, max_size=n * m))
    return np.array([np.nan if v is None else float(v) for v in cells]).reshape(n, m)


@settings(max_examples=200, deadline=None)
@given(matrices(), st.none() | st.integers(1, 9))
def test_every_pair_once_in_unit_order_and_whole_units_per_chunk(
    x: np.ndarray, chunk: int | None
) -> None:
    r = rating_list(x)
    expected = [
        (i, j) for i in range(r.size) for j in range(i + 1, r.size) if r.unit[i] == r.unit[j]
    ]
    chunks = list(pairs_in_units(r, chunk))
    assert [(int(a), int(b)) for i, j in chunks for a, b in zip(i, j, strict=True)] == expected
    seen: set[int] = set()
    for i, _ in chunks:
        units = set(r.unit[i].tolist())
        assert i.size and not units & seen  # no empty chunk; a unit's pairs in one chunk
        assert chunk is None or i.size <= chunk or len(units) == 1
        seen |= units


@settings(max_examples=200, deadline=None)
# Many coders a unit, so that a unit has many pairs to be split (or not) over chunks.
@given(matrices(units=(1, 6), coders=(3, 8), top=30), st.integers(1, 7))
def test_statistics_over_pairs_do_not_depend_on_the_chunk(x: np.ndarray, chunk: int) -> None:
    """Sums over a unit's pairs (ratio alpha's observed disagreement) stay in one chunk; the
    sums across chunks are counts."""

    def every() -> tuple[object, ...]:
        return (
            stats.alpha(x, "ratio"),
            stats.percent_agreement(x),
            stats.agreement_within(x, 2.0),
            stats.limits_of_agreement(x),
            stats.light_kappa(np.minimum(x, 4.0), "nominal", 5),
        )

    whole = every()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sparse, "PAIR_CHUNK", chunk)
        assert every() == whole
