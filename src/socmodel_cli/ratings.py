"""The ratings read from coder files, stored by column (a few bytes per rating).

One rating is (code, unit, coder, value) plus where it came from (file, line, column).
Units are tuples of key values; a code rated once per coarser unit (``unit_keys``)
has ``None`` in the keys it does not use.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from socmodel_cli.scheme.model import Code, Scheme

UnitKey = tuple[str | None, ...]


def unit_label(unit: UnitKey) -> str:
    """``("P01-S02", "3")`` -> ``P01-S02/3``; keys a code does not use are left out."""
    return "/".join(k for k in unit if k is not None)


class RatingsBuilder:
    """Accumulates ratings while files stream past."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.code_index = {c.id: i for i, c in enumerate(scheme.codes)}
        self.units: dict[UnitKey, int] = {}  # normalised key -> unit number
        self.labels: list[UnitKey] = []  # each unit as first written (for messages)
        self.coders: dict[str, int] = {}
        self.files: list[str] = []
        # Two bytes a rating for the code while the scheme has fewer than 32,768 codes.
        self.code = array("h" if len(scheme.codes) < 1 << 15 else "i")
        self.unit = array("i")
        # Two bytes a rating for the coder too, widened on the 32,769th coder (coder_id).
        self.coder = array("h")
        self.value = array("d")
        self.line = array("i")
        # Ratings arrive file by file, and a code sits in one column of a file: so the file
        # and column of a rating are kept as boundaries and a small map, not per rating.
        self.file_ends: list[int] = []
        self.columns: dict[tuple[int, int], int] = {}
        # The key strings of this file's units so far (see shared), by their text.
        self.parts: dict[str, str] = {}

    def add_file(self, path: str) -> int:
        self.files.append(path)
        return len(self.files) - 1

    def end_file(self) -> None:
        self.file_ends.append(len(self.code))
        self.parts.clear()

    def coder_id(self, name: str) -> int:
        """The coder's number; a new coder may replace ``self.coder`` by a wider array
        (so whoever holds ``self.coder.append`` takes it again after a new coder)."""
        found = self.coders.get(name)
        if found is None:
            found = self.coders[name] = len(self.coders)
            if found == 1 << 15 and self.coder.typecode == "h":
                self.coder = array("i", self.coder)
        return found

    def shared(self, key: UnitKey) -> UnitKey:
        """``key`` made of the same string objects as this file's earlier keys with the same
        parts: a unit then costs its tuple, not new strings (a session's segments all name
        the session; each row read brings its own copy of the text)."""
        parts = self.parts
        return tuple([None if k is None else parts.setdefault(k, k) for k in key])

    def unit_id(self, key: UnitKey, label: UnitKey | None = None) -> int:
        """The unit's number; a new unit keeps ``key`` (pass it through :meth:`shared`)."""
        found = self.units.get(key)
        if found is None:
            found = self.units[key] = len(self.units)
            # One tuple for both when the key was written as it is normalised (the usual).
            self.labels.append(key if label is None or label == key else self.shared(label))
        return found

    def build(self) -> Ratings:
        # Views on the arrays' buffers, not copies: the peak stays one set of columns.
        def view(a: array[int] | array[float]) -> npt.NDArray[Any]:
            dtype = np.dtype(a.typecode)  # the same C type: "h" int16, "i" int32, "d" float64
            return np.frombuffer(a, dtype=dtype) if len(a) else np.zeros(0, dtype=dtype)

        files = len(self.file_ends)

        return Ratings(
            scheme=self.scheme,
            units=tuple(self.labels),
            coders=tuple(self.coders),
            files=tuple(self.files),
            code=view(self.code),
            unit=view(self.unit),
            coder=view(self.coder),
            value=view(self.value),
            file=np.repeat(
                np.arange(files, dtype=np.uint16 if files < 1 << 16 else np.int32),
                np.diff(np.asarray([0, *self.file_ends], dtype=np.int64)),
            ),
            line=view(self.line),
            columns=dict(self.columns),
        )


# Ratings taken at once by :func:`group_stably`: its working memory is a few of these.
GROUP_CHUNK = 1 << 18


def group_stably(
    keys: npt.NDArray[np.signedinteger[Any]], n_keys: int, chunk: int = GROUP_CHUNK
) -> tuple[npt.NDArray[np.signedinteger[Any]], npt.NDArray[np.intp]]:
    """``np.argsort(keys, kind="stable")`` for keys in ``range(n_keys)``, and each key's
    bounds in it (``order[bounds[k] : bounds[k + 1]]`` are key ``k``'s positions).

    The order is int32 while there are fewer than 2^31 keys (4 bytes a position, kept for
    the run), and it is made without a whole-array transient: a counting sort, ``chunk``
    positions at a time (each chunk sorted stably on its own and written into every key's
    segment after what earlier chunks put there). A whole argsort would return 8-byte
    positions for every key, and numpy's bincount would copy every key to 8 bytes.
    """
    n = int(keys.size)
    counts = np.zeros(n_keys, dtype=np.intp)
    for start in range(0, n, chunk):
        counts += np.bincount(keys[start : start + chunk], minlength=n_keys)
    bounds = np.zeros(n_keys + 1, dtype=np.intp)
    np.cumsum(counts, out=bounds[1:])
    order = np.empty(n, dtype=np.int32 if n < 1 << 31 else np.intp)
    cursor = bounds[:-1].copy()  # where each key's next position goes
    steps = np.arange(min(n, chunk), dtype=np.intp)
    for start in range(0, n, chunk):
        part = keys[start : start + chunk]
        sorted_at = np.argsort(part, kind="stable")
        in_part = np.bincount(part, minlength=n_keys)
        # The j-th of the sorted chunk is the (j - first)-th of its key in the chunk, where
        # first is how many of the chunk's keys are smaller: it goes to cursor + j - first.
        shift = cursor - (np.cumsum(in_part) - in_part)
        to = shift[part[sorted_at]]
        to += steps[: part.size]
        sorted_at += start
        order[to] = sorted_at
        cursor += in_part
    return order, bounds


@dataclass(frozen=True)
class CodeMatrix:
    """One code's ratings as a units x coders array (NaN = not coded)."""

    code: Code
    values: npt.NDArray[np.float64]
    units: tuple[UnitKey, ...]
    coders: tuple[str, ...]


@dataclass(frozen=True)
class Ratings:
    scheme: Scheme
    units: tuple[UnitKey, ...]
    coders: tuple[str, ...]
    files: tuple[str, ...]
    code: npt.NDArray[np.signedinteger[Any]]  # int16 (int32 for 32,768 codes or more)
    unit: npt.NDArray[np.int32]
    coder: npt.NDArray[np.signedinteger[Any]]  # int16 (int32 for 32,768 coders or more)
    value: npt.NDArray[np.float64]
    file: npt.NDArray[np.integer[Any]]  # uint16 (int32 for 65,536 files or more)
    line: npt.NDArray[np.int32]
    columns: dict[tuple[int, int], int]  # (file, code) -> 1-based column

    @cached_property
    def _by_code(self) -> tuple[npt.NDArray[np.signedinteger[Any]], npt.NDArray[np.intp]]:
        """The ratings grouped by code once: a stable order and each code's bounds in it."""
        return group_stably(self.code, len(self.scheme.codes))

    @cached_property
    def by_code(self) -> RatingsByCode:
        """What the computing commands use of these ratings: the same arrays (no copy) but
        not the code, file and line of each rating (validation's messages need them)."""
        order, bounds = self._by_code
        return RatingsByCode(
            self.scheme, self.units, self.coders, self.unit, self.coder, self.value, order, bounds
        )

    def rows_of(self, code_no: int) -> npt.NDArray[np.signedinteger[Any]]:
        """Indices of code ``code_no``'s ratings, in reading order.

        Work per code is then proportional to that code's ratings, not to all of them
        (500 codes would otherwise scan every rating 500 times).
        """
        order, bounds = self._by_code
        return order[bounds[code_no] : bounds[code_no + 1]]

    def column_of(self, i: int) -> int | None:
        """The column of rating ``i`` in its file."""
        return self.columns.get((int(self.file[i]), int(self.code[i])))

    def __len__(self) -> int:
        return int(self.code.size)

    def select(self, keep: npt.NDArray[np.bool_]) -> Ratings:
        """The ratings where ``keep`` is true (units and coders keep their ids)."""
        return Ratings(
            self.scheme,
            self.units,
            self.coders,
            self.files,
            self.code[keep],
            self.unit[keep],
            self.coder[keep],
            self.value[keep],
            self.file[keep],
            self.line[keep],
            self.columns,
        )

    def compacted(self, keep: npt.NDArray[np.bool_]) -> Ratings:
        """:meth:`select`, written over this object's own columns: the kept ratings move to
        the front of each array, a chunk of ratings at a time, so the peak is a chunk's
        copy, not a column's. This object's columns are garbage afterwards; call it only on
        ratings nobody else holds (validation does, on the ratings it has just built)."""
        kept = int(np.count_nonzero(keep))

        def compact(original: npt.NDArray[Any]) -> npt.NDArray[Any]:
            column = original if original.flags.writeable else original.copy()
            to = 0  # never past the chunk being read: what is written was read already
            for start in range(0, column.size, GROUP_CHUNK):
                part = column[start : start + GROUP_CHUNK][keep[start : start + GROUP_CHUNK]]
                column[to : to + part.size] = part
                to += part.size
            return column[:kept]

        return Ratings(
            self.scheme,
            self.units,
            self.coders,
            self.files,
            compact(self.code),
            compact(self.unit),
            compact(self.coder),
            compact(self.value),
            compact(self.file),
            compact(self.line),
            self.columns,
        )

    def without_files(self, files: Sequence[int]) -> Ratings:
        return self.select(~np.isin(self.file, np.asarray(files, dtype=np.int32)))

    def matrix(self, code_id: str) -> CodeMatrix:
        """Units x coders for one code: only units and coders with a rating of it."""
        return self.by_code.matrix(code_id)


def used_ids(
    ids: npt.NDArray[np.signedinteger[Any]], size: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The distinct ids among ``ids`` (each in ``0..size-1``), sorted, and the position of
    each id among them: ``np.unique(ids, return_inverse=True)``.

    Where ``size`` is small beside ``ids`` (a code's coders; its units when the codes share
    units) a table of the ids in use replaces the sort: a sort per code was most of the
    time of 500 small codes' matrices.
    """
    if size > 4 * ids.size + 64:
        distinct, where = np.unique(ids, return_inverse=True)
        return distinct.astype(np.intp, copy=False), where
    used = np.zeros(size, dtype=bool)
    used[ids] = True
    rank = np.cumsum(used, dtype=np.intp) - 1
    return np.flatnonzero(used), rank[ids]


@dataclass(frozen=True)
class RatingsByCode:
    """The ratings as the computing commands need them: each code's units x coders matrix.

    Made by :attr:`Ratings.by_code` from the same arrays. Holding this rather than the
    :class:`Ratings` after validation lets the code, file and line of every rating go
    (8 bytes a rating): a matrix needs only the unit, coder and value of the code's ratings.
    """

    scheme: Scheme
    units: tuple[UnitKey, ...]
    coders: tuple[str, ...]
    unit: npt.NDArray[np.int32]
    coder: npt.NDArray[np.signedinteger[Any]]
    value: npt.NDArray[np.float64]
    order: npt.NDArray[np.signedinteger[Any]]  # the ratings grouped by code (group_stably)
    bounds: npt.NDArray[np.intp]  # code k's ratings are order[bounds[k] : bounds[k + 1]]

    @cached_property
    def _code_numbers(self) -> dict[str, int]:
        # By id: list.index would compare the (pydantic) codes one by one, codes^2 in all.
        return {c.id: i for i, c in enumerate(self.scheme.codes)}

    def matrix(self, code_id: str) -> CodeMatrix:
        """Units x coders for one code: only units and coders with a rating of it."""
        code_no = self._code_numbers[code_id]
        rows = self.order[self.bounds[code_no] : self.bounds[code_no + 1]]
        units, unit_pos = used_ids(self.unit[rows], len(self.units))
        coders, coder_pos = used_ids(self.coder[rows], len(self.coders))
        values = np.full((units.size, coders.size), np.nan)
        # Duplicates were reported during validation; the first rating stands.
        values[unit_pos[::-1], coder_pos[::-1]] = self.value[rows][::-1]
        return CodeMatrix(
            code=self.scheme.code_map[code_id],
            values=values,
            units=tuple(map(self.units.__getitem__, units.tolist())),
            coders=tuple(self.coders[c] for c in coders),
        )
