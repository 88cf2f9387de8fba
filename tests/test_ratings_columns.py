"""The compact columns of :mod:`socmodel_cli.ratings` give what the plain numpy would."""

from __future__ import annotations

import numpy as np
import pytest

from socmodel_cli.ratings import group_stably


@pytest.mark.parametrize("n_keys", [1, 2, 3, 10, 500, 40_000])
@pytest.mark.parametrize(
    ("size", "chunk"),
    [(0, 7), (1, 1), (5, 2), (1_000, 1), (1_000, 7), (20_011, 1 << 10), (20_011, 1 << 18)],
)
def test_group_stably_is_the_stable_argsort(n_keys: int, size: int, chunk: int) -> None:
    rng = np.random.default_rng(n_keys * 7919 + size)
    # int16 keys while they fit, as the code column is; int32 for 32,768 keys or more.
    keys = rng.integers(0, n_keys, size).astype(np.int16 if n_keys < 1 << 15 else np.int32)
    if n_keys > 3:
        keys[keys % 3 == 1] = 0  # keys that never occur
    order, bounds = group_stably(keys, n_keys, chunk)
    expected = np.argsort(keys, kind="stable")
    assert order.dtype == np.int32
    assert np.array_equal(order, expected)
    assert np.array_equal(bounds, np.searchsorted(keys[expected], np.arange(n_keys + 1)))
    for k in range(min(n_keys, 12)):
        assert np.array_equal(order[bounds[k] : bounds[k + 1]], np.flatnonzero(keys == k))


def test_group_stably_of_one_key_is_reading_order() -> None:
    keys = np.zeros(3_000, dtype=np.int16)
    order, bounds = group_stably(keys, 4, chunk=512)
    assert np.array_equal(order, np.arange(3_000))
    assert bounds.tolist() == [0, 3_000, 3_000, 3_000, 3_000]
