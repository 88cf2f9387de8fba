"""Problems about the set of ratings as a whole, once every file has been read.

Duplicated ratings, what reliability will be able to use (coverage, coders who share few
units) and unit keys that almost match between coders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from socmodel_cli.problems import Problem, Where, error, warning
from socmodel_cli.ratings import GROUP_CHUNK, Ratings, unit_label
from socmodel_cli.unit_keys import NearMatch, near_matches
from socmodel_cli.values import display

# Two coders who each rated at least this many units of a code but share under a tenth of
# the smaller set have most likely written their unit keys differently.
_FEW_SHARED_MIN_UNITS = 20
_FEW_SHARED_SHARE = 0.1


def duplicates(ratings: Ratings, sink: Callable[[Problem], None]) -> Ratings:
    """Report the same unit x coder x code rated twice, and keep the first rating.

    The ratings a duplicate drops are removed in place (:meth:`Ratings.compacted`): the
    check costs one key per rating (4 bytes when the study is small enough, else 8) and,
    only when there is a duplicate, the order of the ratings whose key is repeated; never a
    copy of every column nor an 8-byte position for every rating.
    """
    if len(ratings) < 2:
        return ratings
    # Most studies have no duplicate: find that out with one in-place sort of the keys.
    key = _rating_keys(ratings)
    key.sort()
    again = key[1:] == key[:-1]
    if not again.any():
        return ratings
    repeated = np.unique(key[1:][again])  # the keys rated more than once
    del key, again
    # From here only the ratings of those keys take part (their runs are whole).
    rows = _rows_with_keys(ratings, repeated)
    key = _rating_keys(ratings, rows)
    # A stable sort keeps reading order (file, then line) within a key.
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    del key
    same = sorted_key[1:] == sorted_key[:-1]  # position j + 1 repeats position j
    del sorted_key
    # The first rating of each run of equal keys is the one that stands.
    starts = np.zeros(rows.size, dtype=np.intp)
    starts[1:][~same] = np.flatnonzero(~same) + 1
    run_start = np.maximum.accumulate(starts)
    later = np.flatnonzero(same) + 1  # sorted positions of the ratings that repeat one
    firsts, repeats = rows[order[run_start[later]]], rows[order[later]]
    del order, starts, run_start, same, rows
    # One problem per repeated row (a wide row repeats every code), conflicts first.
    by_row: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b in zip(firsts.tolist(), repeats.tolist(), strict=True):
        by_row.setdefault((int(ratings.file[b]), int(ratings.line[b])), []).append((a, b))
    for pairs in by_row.values():
        problem = _repeated_row(ratings, pairs)
        if problem is not None:
            sink(problem)
    keep = np.ones(len(ratings), dtype=bool)
    keep[repeats] = False
    return ratings.compacted(keep)


_Keys = npt.NDArray[np.unsignedinteger[Any] | np.signedinteger[Any]]


def _rating_keys(ratings: Ratings, at: slice | npt.NDArray[np.integer[Any]] = slice(None)) -> _Keys:
    """One integer per rating (of those ``at``), equal exactly for the same unit x coder x
    code: 4 bytes a rating while codes x units x coders stays below 2^32, else 8."""
    units, coders = len(ratings.units), max(len(ratings.coders), 1)
    dtype = np.uint32 if len(ratings.scheme.codes) * units * coders < 1 << 32 else np.int64
    key: npt.NDArray[Any] = ratings.code[at].astype(dtype)  # in place from here: one array
    key *= units
    np.add(key, ratings.unit[at], out=key, casting="unsafe")  # ids are >= 0: no sign to lose
    key *= coders
    np.add(key, ratings.coder[at], out=key, casting="unsafe")
    return key


def _rows_with_keys(ratings: Ratings, wanted: _Keys) -> npt.NDArray[np.intp]:
    """The ratings whose key is one of ``wanted`` (sorted), in reading order; the keys are
    made a chunk of ratings at a time, so this costs what the chunk and the result do."""
    found = []
    for start in range(0, len(ratings), GROUP_CHUNK):
        key = _rating_keys(ratings, slice(start, start + GROUP_CHUNK))
        at = np.searchsorted(wanted, key)
        np.minimum(at, wanted.size - 1, out=at)
        found.append(np.flatnonzero(wanted[at] == key) + start)
    return np.concatenate(found)


def _repeated_row(ratings: Ratings, pairs: list[tuple[int, int]]) -> Problem | None:
    """The problem for one row whose ratings repeat earlier ones: ``pairs`` of (first, again)."""
    scheme = ratings.scheme
    conflicts, repeats = [], []
    for a, b in pairs:
        code = scheme.codes[int(ratings.code[b])]
        va, vb = float(ratings.value[a]), float(ratings.value[b])
        first = f"{ratings.files[int(ratings.file[a])]}:{int(ratings.line[a])}"
        if va != vb:
            conflicts.append(
                (b, f"{code.id} {display(code, va)} at {first}, now {display(code, vb)}")
            )
        elif code.unit_keys is None:
            # A session-level code repeated on every segment row of a wide sheet is normal.
            repeats.append((b, f"{code.id} (first at {first})"))
    chosen = conflicts or repeats
    if not chosen:
        return None
    b = chosen[0][0]
    single = len(chosen) == 1
    code = scheme.codes[int(ratings.code[b])]
    where: Where = {
        "file": ratings.files[int(ratings.file[b])],
        "line": int(ratings.line[b]),
        "column": ratings.column_of(b),
        "unit": unit_label(ratings.units[int(ratings.unit[b])]),
        "coder": ratings.coders[int(ratings.coder[b])],
        "code": code.id if single else None,
        "value": display(code, float(ratings.value[b])) if single else None,
    }
    listed = "; ".join(text for _, text in chosen)
    if conflicts:
        return error(
            "conflicting-ratings",
            f"rated again with a different value ({listed}); keep one rating per unit, coder "
            "and code",
            **where,
        )
    return warning(
        "duplicate-rating",
        f"rated twice with the same value: {listed}; the duplicate is ignored",
        **where,
    )


def coverage(ratings: Ratings) -> Iterator[Problem]:
    """Warnings about what reliability will be able to use.

    Units rated by one coder only are summed up in one warning for the whole study: a
    reliability subsample (10-30% double-coded) is the normal design, not a problem per code.
    """
    scheme = ratings.scheme
    single_coded: list[tuple[str, int, int, int]] = []  # code, single, units, first rating
    for code_no, code in enumerate(scheme.codes):
        rows = ratings.rows_of(code_no)
        if not rows.size:
            yield warning(
                "unused-code",
                f"no file rates {code.id}; its reliability cannot be computed",
                code=code.id,
            )
            continue
        coders = np.unique(ratings.coder[rows])
        if coders.size < 2:
            yield warning(
                "too-few-coders",
                f"{code.id} is rated by one coder only ({ratings.coders[int(coders[0])]}); reliability needs two or more",
                code=code.id,
            )
            continue
        few = _few_shared(ratings, code_no, rows)
        if few is not None:
            yield few
        units, counts = np.unique(ratings.unit[rows], return_counts=True)
        single = units[counts == 1]
        if single.size:
            first = int(rows[np.flatnonzero(ratings.unit[rows] == single[0])[0]])
            single_coded.append((code.id, int(single.size), int(units.size), first))
    if single_coded:
        yield _single_coded(ratings, single_coded)


def _single_coded(ratings: Ratings, per_code: list[tuple[str, int, int, int]]) -> Problem:
    single = sum(s for _, s, _, _ in per_code)
    total = sum(u for _, _, u, _ in per_code)
    share = 100.0 * (total - single) / total
    listed = ", ".join(f"{code} {s} of {u}" for code, s, u, _ in per_code)
    first = per_code[0][3]
    return warning(
        "unpairable-units",
        f"units rated by one coder only: {listed} ({share:.0f}% of coded units double-coded, as "
        "in a reliability subsample); they add nothing to reliability",
        file=ratings.files[int(ratings.file[first])],
        line=int(ratings.line[first]),
        code=per_code[0][0] if len(per_code) == 1 else None,
    )


def _few_shared(ratings: Ratings, code_no: int, rows: npt.NDArray[np.intp]) -> Problem | None:
    """The two coders with the most units of a code, if they share very few of them."""
    coder, unit = ratings.coder[rows], ratings.unit[rows]
    coders, counts = np.unique(coder, return_counts=True)
    if coders.size < 2:
        return None
    top = coders[np.argsort(-counts, kind="stable")[:2]]
    units_of = [np.unique(unit[coder == c]) for c in top]
    smaller = min(u.size for u in units_of)
    shared = int(np.intersect1d(units_of[0], units_of[1], assume_unique=True).size)
    if smaller < _FEW_SHARED_MIN_UNITS or shared >= _FEW_SHARED_SHARE * smaller:
        return None
    code = ratings.scheme.codes[code_no]
    a, b = (ratings.coders[int(c)] for c in top)
    return warning(
        "few-shared-units",
        f"{a} and {b} rate {code.id} on {units_of[0].size} and {units_of[1].size} units but share "
        f"only {shared}: check that both files name the units the same way (unit keys)",
        code=code.id,
    )


def near_match_keys(ratings: Ratings) -> Iterator[Problem]:
    """Units whose keys differ only by case, leading zeros or ``.0`` between coders."""
    if not len(ratings):
        return

    def coders_of(units: Sequence[int]) -> dict[int, frozenset[int]]:
        found: dict[int, set[int]] = {}
        for start, rows in _rows_of_units(ratings, units):
            coders = ratings.coder[start + rows]
            for u, c in zip(ratings.unit[start + rows].tolist(), coders.tolist(), strict=True):
                found.setdefault(u, set()).add(c)
        return {u: frozenset(c) for u, c in found.items()}

    for match in near_matches(ratings.units, coders_of, ratings.scheme.unit.normalize):
        yield _near_match_problem(ratings, match)


def _rows_of_units(
    ratings: Ratings, units: Sequence[int]
) -> Iterator[tuple[int, npt.NDArray[np.intp]]]:
    """(start, positions in the chunk from ``start``) of the ratings of ``units``, a chunk of
    ratings at a time: what a search costs is the chunk's, not a copy of every rating."""
    wanted = np.unique(np.asarray(units, dtype=ratings.unit.dtype))
    for start in range(0, len(ratings), GROUP_CHUNK):
        at = np.flatnonzero(np.isin(ratings.unit[start : start + GROUP_CHUNK], wanted))
        if at.size:
            yield start, at


def _near_match_problem(ratings: Ratings, match: NearMatch) -> Problem:
    first_rating: dict[int, int] = {}  # each unit's first rating in reading order
    for start, rows in _rows_of_units(ratings, [u for group in match.variants for u in group]):
        units, first = np.unique(ratings.unit[start + rows], return_index=True)
        for u, i in zip(units.tolist(), (start + rows[first]).tolist(), strict=True):
            first_rating.setdefault(u, i)

    def where(u: int) -> str:
        i = first_rating.get(u)
        if i is None:
            return unit_label(ratings.units[u])
        coder = ratings.coders[int(ratings.coder[i])]
        return f"{unit_label(ratings.units[u])!r} ({coder}, {ratings.files[int(ratings.file[i])]})"

    examples = "; ".join(" vs ".join(where(u) for u in g[:3]) for g in match.variants[:3])
    more = len(match.variants) - 3
    affected = sum(len(g) for g in match.variants)
    rules = ", ".join(match.rules)
    first = first_rating.get(match.variants[0][-1])
    at: Where = {}
    if first is not None:
        at = {
            "file": ratings.files[int(ratings.file[first])],
            "line": int(ratings.line[first]),
            "unit": unit_label(ratings.units[match.variants[0][-1]]),
        }
    return error(
        "near-match-keys",
        f"{len(match.variants)} unit(s) are written differently by different coders, differing "
        f"only by {match.what}: {examples}"
        + (f"; and {more} more" if more > 0 else "")
        + f" ({affected} unit keys affected). Such units never pair, so agreement would rest on "
        f"the few that match. If they are the same units, declare `unit.normalize: [{rules}]` in "
        "the scheme; otherwise correct the keys in the files",
        **at,
    )
