"""The compact columns of :mod:`socmodel_cli.ratings` give what the plain numpy would."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import MINI_SCHEME

from socmodel_cli import ratings as ratings_module
from socmodel_cli import ratings_checks
from socmodel_cli.problems import Problem
from socmodel_cli.ratings import Ratings, RatingsBuilder, group_stably, used_ids
from socmodel_cli.ratings_checks import duplicates
from socmodel_cli.readers import columnar
from socmodel_cli.scheme.load import load_scheme
from socmodel_cli.validation import validate_files


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


@pytest.mark.parametrize("bulk", [False, True])
@pytest.mark.parametrize("n_coders", [3, (1 << 15) + 5])
def test_coder_ids_widen_past_32767_coders(
    bulk: bool, n_coders: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Coder ids take two bytes while there are fewer than 32,768 coders; the 32,769th
    widens the column, in the row reader and the column-wise one, without losing a rating."""
    (tmp_path / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    scheme = load_scheme(tmp_path / "mini.yaml")
    names = [f"c{i}" for i in range(n_coders)]
    # Each coder rates a unit; then the first and the last coders rate once more.
    rows = [(f"S{i}", n) for i, n in enumerate(names)] + [("S0", names[-1]), ("S1", names[0])]
    path = tmp_path / "long.csv"
    path.write_text(
        "session,segment,coder,code,value\n" + "".join(f"{s},1,{c},conc,1\n" for s, c in rows),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOCMODEL_BULK_MIN_BYTES", "0" if bulk else str(1 << 62))
    monkeypatch.setattr(columnar, "BLOCK", 5_000)
    result = validate_files(scheme, [path])
    ratings = result.ratings
    assert ratings.coder.dtype == (np.int16 if n_coders < 1 << 15 else np.int32)
    assert ratings.coders == tuple(names)
    assert [ratings.coders[c] for c in ratings.coder.tolist()] == [c for _, c in rows]


def _ratings_with_repeats(tmp_path: Path, seed: int, n: int) -> Ratings:
    (tmp_path / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    builder = RatingsBuilder(load_scheme(tmp_path / "mini.yaml"))
    rng = np.random.default_rng(seed)
    for f in range(2):
        builder.add_file(f"f{f}.csv")
        for line in range(2, n // 2 + 2):
            unit = builder.unit_id((f"S{rng.integers(0, 6)}", "1"))
            coder = builder.coder_id(f"c{rng.integers(0, 3)}")
            for column, item in zip(
                (builder.code, builder.unit, builder.coder, builder.line),
                (int(rng.integers(0, 4)), unit, coder, line),
                strict=True,
            ):
                column.append(item)
            builder.value.append(float(rng.integers(0, 2)))
        builder.end_file()
    return builder.build()


@pytest.mark.parametrize("seed", range(6))
def test_duplicates_in_chunks_keep_the_first_rating(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of a few ratings find the same repeats, report the same problems and keep the
    same ratings (the first of each unit x coder x code, in reading order)."""
    results = []
    for chunk in (1 << 18, 7, 1):
        monkeypatch.setattr(ratings_checks, "GROUP_CHUNK", chunk)
        monkeypatch.setattr(ratings_module, "GROUP_CHUNK", chunk)
        problems: list[Problem] = []
        kept = duplicates(_ratings_with_repeats(tmp_path, seed, 300), problems.append)
        columns = [getattr(kept, c).tolist() for c in ("code", "unit", "coder", "value")]
        results.append((columns, kept.file.tolist(), kept.line.tolist(), problems))
    assert results[0] == results[1] == results[2]
    columns, files, lines, problems = results[0]
    assert problems
    seen = set()
    expected = []
    whole = _ratings_with_repeats(tmp_path, seed, 300)
    for i in range(len(whole)):
        key = (int(whole.code[i]), int(whole.unit[i]), int(whole.coder[i]))
        if key not in seen:
            seen.add(key)
            expected.append((int(whole.file[i]), int(whole.line[i])))
    assert list(zip(files, lines, strict=True)) == expected


def test_near_match_keys_in_chunks_name_the_same_first_ratings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units whose keys differ by leading zeros or case between coders are found, and named
    by their first rating, the same whatever the size of the chunks searched."""
    (tmp_path / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    scheme = load_scheme(tmp_path / "mini.yaml")
    lines = ["session,segment,coder,code,value"]
    for s in range(1, 8):
        for seg in range(1, 4):
            lines.append(f"S{s},{seg},ann,conc,{(s + seg) % 4}")
            session = f"S0{s}" if s % 2 else (f"s{s}" if s % 3 else f"S{s}")
            lines.append(f"{session},{seg},bo,conc,{s % 4}")
            lines.append(f"S{s},{seg},cy,kind,plan")
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rendered = []
    for chunk in (1 << 18, 5, 1):
        monkeypatch.setattr(ratings_checks, "GROUP_CHUNK", chunk)
        monkeypatch.setattr(ratings_module, "GROUP_CHUNK", chunk)
        result = validate_files(scheme, [path])
        rendered.append([p.render() for p in result.problems])
    assert rendered[0] == rendered[1] == rendered[2]
    near = [p for p in rendered[0] if "near-match-keys" in p]
    assert len(near) == 2, rendered[0]  # leading zeros; letter case
    assert "'S1/1' (ann, " in near[0] and "'s2/1' (bo, " in near[1]


def test_ratings_by_code_give_the_same_matrices_and_let_the_rest_go(tmp_path: Path) -> None:
    """What reliability and diagnose keep after validation: the same matrices, and not the
    code, file and line columns (they are freed with the validated ratings)."""
    (tmp_path / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    scheme = load_scheme(tmp_path / "mini.yaml")
    path = tmp_path / "long.csv"
    rows = [
        f"S{u // 3},{u % 3},{coder},{code},{(u + len(coder)) % 4}\n"
        for u in range(60)
        for coder in ("ann", "bo")
        for code in ("conc", "count")
        if (u + len(code) + len(coder)) % 5
    ]
    path.write_text("session,segment,coder,code,value\n" + "".join(rows), encoding="utf-8")
    ratings = validate_files(scheme, [path]).ratings
    expected = {c.id: ratings.matrix(c.id) for c in scheme.codes}
    gone = [weakref.ref(getattr(ratings, name)) for name in ("code", "file", "line")]
    by_code = ratings.by_code
    del ratings
    gc.collect()
    assert [ref() for ref in gone] == [None, None, None]
    for code_id, matrix in expected.items():
        got = by_code.matrix(code_id)
        assert (got.code, got.units, got.coders) == (matrix.code, matrix.units, matrix.coders)
        assert np.array_equal(got.values, matrix.values, equal_nan=True)
    assert expected["conc"].values.size and expected["count"].values.size


@given(
    st.integers(1, 400).flatmap(
        lambda size: st.tuples(st.just(size), st.lists(st.integers(0, size - 1), max_size=120))
    )
)
def test_used_ids_are_np_unique_with_the_inverse(case: tuple[int, list[int]]) -> None:
    """Both ways (a table of ids in use, or a sort where the ids are few beside the size)."""
    size, listed = case
    ids = np.asarray(listed, dtype=np.int16)
    distinct, where = used_ids(ids, size)
    expected, inverse = np.unique(ids, return_inverse=True)
    assert distinct.tolist() == expected.tolist()
    assert where.tolist() == inverse.tolist()
