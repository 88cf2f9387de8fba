"""Reading a large plain coder file column-wise, with the row reader's exact result.

:func:`socmodel_cli.validation._read_rows` reads a file row by row and reports every
problem where it is. For a *plain* file (:mod:`socmodel_cli.readers.columnar`) this module
produces the same ratings from whole columns: each distinct cell text is read once per
code, with the same :class:`~socmodel_cli.values.CodeReader`, and units, coders and
ratings are numbered in the order the row reader would give them. It only certifies clean
data: at the first cell that would be a problem (an empty coder or key, an unknown code, a
value the code does not take) it undoes what it added and returns ``None``, and the row
reader reads the file again and locates every problem. So a file is either read here
without a single problem or read by the row reader; the two never mix, and
``tests/test_validation_columnar.py`` checks both give the same result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from socmodel_cli.readers import columnar
from socmodel_cli.readers.table import Table
from socmodel_cli.safecells import restore
from socmodel_cli.unit_keys import base_key, normaliser
from socmodel_cli.values import CellError

if TYPE_CHECKING:
    from socmodel_cli.ratings import RatingsBuilder, UnitKey
    from socmodel_cli.scheme.model import Scheme
    from socmodel_cli.validation import Columns, RowPlan

# Below this many bytes in all the files given, the row reader is quicker: importing
# polars costs about 0.3 s, reading column-wise saves about 1.2 µs a row. The environment
# variable SOCMODEL_BULK_MIN_BYTES overrides it (0: always; docs/file-formats.md).
MIN_BYTES = 8 << 20

Stated = dict[str, tuple[str, int, int]]


_MISS = object()  # not in a reader's cache yet


class _Problem(Exception):
    """A cell the row reader would report: leave the file to it."""


def wanted(paths: Sequence[str | Path]) -> bool:
    """Whether files this large are worth reading column-wise (and polars is there)."""
    setting = os.environ.get("SOCMODEL_BULK_MIN_BYTES", "")
    limit = int(setting) if setting.isdigit() else MIN_BYTES
    total = 0
    for p in paths:
        try:
            total += Path(p).stat().st_size
        except OSError:
            continue
    return total >= limit and columnar.available()


def read_columnar(
    table: Table,
    scheme: Scheme,
    cols: Columns,
    plan: RowPlan,
    builder: RatingsBuilder,
    coder_no: int,
) -> tuple[int, int, Stated] | None:
    """(rows, ratings, stated scheme id/version) added to ``builder``, or ``None`` (nothing
    added) when the file needs the row reader."""
    mark = _Mark(builder)
    reading = _FileReading(scheme, cols, plan, builder, coder_no)
    used = [
        *cols.keys,
        *(c for c, _ in plan.code_cols),
        *(c for _, c in reading.versions),
        *(c for c in (cols.coder, cols.code, cols.value) if c is not None),
    ]
    path, delimiter, width = Path(table.path), table.delimiter or ",", len(table.header)
    try:
        for block in columnar.blocks(path, delimiter, width, sorted(set(used))):
            reading.add(block)
    except (columnar.NotPlain, _Problem):
        mark.rollback(builder)
        return None
    if reading.rows == 0:
        mark.rollback(builder)
        return None  # the row reader says so
    return reading.rows, reading.ratings, reading.stated


class _Mark:
    """How far ``builder`` had got, to undo a file's ratings, units and coders."""

    def __init__(self, builder: RatingsBuilder) -> None:
        self.ratings = len(builder.code)
        self.units = len(builder.units)
        self.coders = len(builder.coders)

    def rollback(self, builder: RatingsBuilder) -> None:
        for column in (builder.code, builder.unit, builder.coder, builder.value, builder.line):
            del column[self.ratings :]
        for key in list(builder.units)[self.units :]:
            del builder.units[key]
        del builder.labels[self.units :]
        for name in list(builder.coders)[self.coders :]:
            del builder.coders[name]


class _FileReading:
    def __init__(
        self,
        scheme: Scheme,
        cols: Columns,
        plan: RowPlan,
        builder: RatingsBuilder,
        coder_no: int,
    ) -> None:
        self.cols = cols
        self.plan = plan
        self.versions = [
            (name, col)
            for name, col in (
                ("scheme_id", cols.scheme_id),
                ("scheme_version", cols.scheme_version),
            )
            if col is not None
        ]
        self.builder = builder
        self.coder_no = coder_no
        self.norm = normaliser(scheme.unit.normalize)
        self.all_keys = tuple(range(len(scheme.unit.keys)))
        self.code_ids = [c.id for c in scheme.codes]
        projections = sorted({plan.projection[c] or () for c in self.code_ids})
        self.projections: list[tuple[int, ...] | None] = [p or None for p in projections]
        self.projection_of = np.asarray(
            [projections.index(plan.projection[c] or ()) for c in self.code_ids],
            dtype=np.intp,
        )
        # Which unit keys each projection uses (None: all of them).
        self.uses_key = np.asarray(
            [[p is None or k in p for k in self.all_keys] for p in self.projections], dtype=bool
        )
        self.rows = 0
        self.ratings = 0
        self.stated: Stated = {}

    def add(self, block: columnar.Block) -> None:
        cells = {i: ([restore(v) for v in c.values], c.codes) for i, c in block.columns.items()}
        self._versions(block, cells)
        coder = self._coders(cells, block.rows)
        if self.cols.code is not None:
            row, code, value = self._long(cells)
        else:
            row, code, value = self._wide(cells, block.rows)
        unit = self._units(cells, row, code)
        b = self.builder
        for column, values in (
            (b.code, code),
            (b.unit, unit),
            (b.coder, coder[row]),
            (b.value, value),
            (b.line, row + block.first_line),
        ):
            column.frombytes(values.astype(column.typecode).tobytes())
        self.rows += block.rows
        self.ratings += int(row.size)

    def _versions(self, block: columnar.Block, cells: _Cells) -> None:
        for name, col in self.versions:
            if name in self.stated:
                continue
            values, codes = cells[col]
            filled = [i for i, v in enumerate(values) if v.strip()]
            if filled:
                first = int(np.flatnonzero(np.isin(codes, filled))[0])
                text = values[codes[first]].strip()
                self.stated[name] = (text, block.first_line + first, col + 1)

    def _coders(self, cells: _Cells, rows: int) -> npt.NDArray[np.intp]:
        if self.cols.coder is None:
            return np.full(rows, self.coder_no, dtype=np.intp)
        values, codes = cells[self.cols.coder]
        names = [base_key(v) for v in values]
        if "" in names:
            raise _Problem("missing-coder")
        lut = np.zeros(len(values), dtype=np.intp)
        # Coders are numbered as the row reader meets them: in order of their first row.
        for d in _in_order_of_first(codes):
            lut[d] = self.builder.coder_id(names[d])
        return lut[codes]

    def _long(self, cells: _Cells) -> tuple[_Ints, _Ints, _Floats]:
        assert self.cols.code is not None and self.cols.value is not None
        code_index = self.builder.code_index
        id_values, id_codes = cells[self.cols.code]
        ids = [base_key(v) for v in id_values]
        if any(i not in code_index for i in ids):
            raise _Problem("unknown-code")
        code = np.asarray([code_index[i] for i in ids], dtype=np.intp)[id_codes]
        values, value_codes = cells[self.cols.value]
        pair = code * len(values) + value_codes
        distinct, _, inverse = _distinct(pair)
        read = np.empty(distinct.size)
        for k, p in enumerate(distinct.tolist()):
            code_no, v = divmod(p, len(values))
            read[k] = self._read(self.code_ids[code_no], values[v])
        value = read[inverse]
        row = np.flatnonzero(~np.isnan(value))
        return row, code[row], value[row]

    def _wide(self, cells: _Cells, rows: int) -> tuple[_Ints, _Ints, _Floats]:
        code_index = self.builder.code_index
        cols = self.plan.code_cols
        table = np.empty((rows, len(cols)))
        for j, (col, code_id) in enumerate(cols):
            values, codes = cells[col]
            read = np.asarray([self._read(code_id, v) for v in values], dtype=np.float64)
            table[:, j] = read[codes]
        # Row by row, and within a row in column order: the row reader's order.
        flat = table.ravel()
        kept = np.flatnonzero(~np.isnan(flat))
        row, column = np.divmod(kept, len(cols))
        code_nos = np.asarray([code_index[c] for _, c in cols], dtype=np.intp)
        return row, code_nos[column], flat[kept]

    def _read(self, code_id: str, raw: str) -> float:
        """The stored value of one cell; NaN for "not coded" (values are finite)."""
        value = self.plan.cache_of[code_id].get(raw, _MISS)
        if value is _MISS:
            value = self.plan.read_of[code_id](raw)
        if value is None:
            return float("nan")
        if isinstance(value, CellError):
            raise _Problem(value.kind)
        assert isinstance(value, float)
        return value

    def _units(self, cells: _Cells, row: _Ints, code: _Ints) -> _Ints:
        """The unit number of each rating, numbered as the row reader would number them.

        Units are numbered as the row reader meets them: in the order of the ratings (a
        unit only some of whose codes are rated on it, ``unit_keys``, is its own unit).
        Key cells are normalised once per distinct text, not once per rating.
        """
        key_cells = [cells[k] for k in self.cols.keys]
        combined = key_cells[0][1].astype(np.int64)
        for values, codes in key_cells[1:]:
            if (int(combined.max(initial=0)) + 1) * len(values) >= 1 << 62:  # renumber densely
                combined = np.unique(combined, return_inverse=True)[1].astype(np.int64)
            combined = combined * len(values) + codes
        tuples, first_row, tuple_of_row = _distinct(combined)
        n_tuples = tuples.size
        group = self.projection_of[code] * n_tuples + tuple_of_row[row]
        groups, first, inverse = _distinct(group)
        order = np.argsort(first, kind="stable")
        projection, of_tuple = np.divmod(groups[order], n_tuples)
        at = first_row[of_tuple]  # a row with the group's key cells
        normed: list[list[str | None]] = []
        written: list[list[str | None]] = []
        for k, (values, codes) in enumerate(key_cells):
            cell = codes[at]
            norm = [self.norm(v) for v in values]
            used = self.uses_key[projection, k]
            empty = np.asarray([n == "" for n in norm], dtype=bool)
            if bool((empty[cell] & used).any()):
                raise _Problem("missing-unit-key")
            strip = [v.strip() for v in values]
            keep = used.tolist()
            normed.append(
                [norm[i] if u else None for i, u in zip(cell.tolist(), keep, strict=True)]
            )
            written.append(
                [strip[i] if u else None for i, u in zip(cell.tolist(), keep, strict=True)]
            )
        units: list[UnitKey] = list(zip(*normed, strict=True))
        labels: list[UnitKey] = list(zip(*written, strict=True))
        known = self.builder.units
        numbers = [known.get(u) for u in units]
        unit_id, shared = self.builder.unit_id, self.builder.shared
        for i, found in enumerate(numbers):
            if found is None:
                numbers[i] = unit_id(shared(units[i]), labels[i])
        lut = np.empty(groups.size, dtype=np.intp)
        lut[order] = numbers
        return lut[inverse]


_Ints = npt.NDArray[np.intp]
_Floats = npt.NDArray[np.float64]
_Cells = dict[int, tuple[list[str], _Ints]]


def _in_order_of_first(codes: _Ints) -> list[int]:
    """The distinct entries of ``codes``, in the order they first occur."""
    distinct, first, _ = _distinct(codes)
    return [int(d) for d in distinct[np.argsort(first, kind="stable")]]


def _distinct(x: npt.NDArray[np.integer[Any]]) -> tuple[_Ints, _Ints, _Ints]:
    """``np.unique(x, return_index=True, return_inverse=True)`` for non-negative integers,
    in linear time when they are small (as category numbers are): a table, not a sort."""
    top = int(x.max(initial=-1)) + 1
    if top > 4 * x.size + 4096:
        distinct, first, inverse = np.unique(x, return_index=True, return_inverse=True)
        return distinct, first, inverse.reshape(-1)
    first_at = np.full(top, -1, dtype=np.intp)
    # Assigned in reverse, so the earliest position of each value is written last.
    first_at[x[::-1]] = np.arange(x.size - 1, -1, -1, dtype=np.intp)
    distinct = np.flatnonzero(first_at >= 0)
    number = np.empty(top, dtype=np.intp)
    number[distinct] = np.arange(distinct.size, dtype=np.intp)
    return distinct, first_at[distinct], number[x]
