"""Validate coder export files against a scheme and collect their ratings.

Every problem becomes a located :class:`Problem`; reading goes on after each one so a
single run reports them all. Only a file that cannot be opened at all raises.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from socmodel_cli import validation_columnar
from socmodel_cli.coder_file import (
    RESERVED,
    Layout,
    column_names,
    key_names,
    layout_of,
    missing_keys,
)
from socmodel_cli.problems import Problem, Severity, Where, error, warning
from socmodel_cli.ratings import Ratings, RatingsBuilder, UnitKey, unit_label
from socmodel_cli.ratings_checks import coverage, duplicates, near_match_keys
from socmodel_cli.readers import Table, TableProblem, open_table
from socmodel_cli.safecells import restored
from socmodel_cli.scheme.model import Scheme
from socmodel_cli.scheme_history import recoded_hints, renamed_hint, unversioned_export
from socmodel_cli.unit_keys import base_key, normaliser
from socmodel_cli.values import CellError, CodeReader


@dataclass
class FileInfo:
    path: str
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    layout: Layout | None = None
    coder: str | None = None  # the file-level coder when there is no coder column
    coder_source: str | None = None  # "column", "option" or "file name"
    decimal: str | None = None  # "." or "," (decimal commas read as numbers)
    rows: int = 0
    ratings: int = 0
    scheme_id: str | None = None
    scheme_version: str | None = None
    errors: int = 0
    warnings: int = 0
    sheet: str | None = None  # the worksheet read (xlsx)


class ProblemSink:
    """Keeps the first ``limit`` problems (0 = all) and counts every one."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.by_kind: Counter[str] = Counter()
        self.errors = 0
        self.warnings = 0
        self.by_file: Counter[tuple[str, Severity]] = Counter()

    def add(self, problem: Problem) -> None:
        self.by_kind[problem.kind] += 1
        if problem.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        self.by_file[(problem.file or "", problem.severity)] += 1
        if not self.limit or len(self.kept) < self.limit:
            self.kept.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)


@dataclass
class ValidationResult:
    scheme: Scheme
    files: list[FileInfo]
    problems: list[Problem]
    errors: int
    warnings: int
    by_kind: dict[str, int]
    ratings: Ratings
    units: int = 0
    coders: tuple[str, ...] = field(default_factory=tuple)

    @property
    def shown(self) -> int:
        return len(self.problems)

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)

    def invalid_files(self) -> list[int]:
        return [i for i, f in enumerate(self.files) if f.errors]


def validate_files(
    scheme: Scheme,
    paths: Sequence[str | Path],
    *,
    coder: str | None = None,
    encoding: str | None = None,
    max_issues: int = 1000,
    scheme_file: str | None = None,
    coders: Mapping[str, str] | None = None,
    ignore_columns: Sequence[str] = (),
    decimal_comma: bool | None = None,
    sheet: str | None = None,
) -> ValidationResult:
    """Read and check every file; raises :class:`InputError` only for unopenable files.

    ``scheme_file`` (the scheme's path, if it came from one) goes into the commands that
    messages suggest. ``coders`` maps a file (as given) to its coder, for files without a
    coder column whose names are not the coders'; ``coder`` is the default for the others.
    ``ignore_columns`` adds to the scheme's list of non-code columns. ``decimal_comma``:
    read ``2,5`` as 2.5 (``None``: in files whose delimiter is ``;``). ``sheet`` picks the
    worksheet of xlsx files (name or 1-based tab number).
    """
    sink = ProblemSink(max_issues)
    builder = RatingsBuilder(scheme)
    recoded = recoded_hints(scheme)
    reader_sets: dict[bool, dict[str, CodeReader]] = {}

    def readers_for(comma: bool) -> dict[str, CodeReader]:
        if comma not in reader_sets:
            reader_sets[comma] = {
                c.id: CodeReader(c, scheme.missing_set, recoded.get(c.id, {}), decimal_comma=comma)
                for c in scheme.codes
            }
        return reader_sets[comma]

    ignored = frozenset(base_key(c).lower() for c in [*scheme.ignore_columns, *ignore_columns])
    bulk = validation_columnar.wanted(paths)
    infos: list[FileInfo] = []
    tables: dict[str, Table] = {}
    for path in paths:
        info = FileInfo(str(path))
        infos.append(info)
        file_no = builder.add_file(info.path)
        before = (sink.errors, sink.warnings)
        try:
            table = restored(open_table(path, encoding, sheet=sheet))
            info.sheet, tables[info.path] = table.sheet, table
            comma = decimal_comma if decimal_comma is not None else table.delimiter == ";"
            info.decimal = "," if comma else "."
            file_coder = (coders or {}).get(str(path), coder)
            _read_table(
                table,
                info,
                file_no,
                scheme,
                builder,
                readers_for(comma),
                sink,
                file_coder,
                ignored,
                bulk=bulk,
            )
            sink.extend(table.problems)
            if info.layout is not None and info.scheme_version is None:
                sink.extend(unversioned_export(scheme, info.path, scheme_file))
        except TableProblem as exc:
            sink.add(exc.problem)
        finally:
            builder.end_file()
        info.errors = sink.errors - before[0]
        info.warnings = sink.warnings - before[1]
    ratings = builder.build()
    # The columns live on in the ratings; the builder's lookup of units and coders by name
    # (about 80 bytes a unit) is not needed past this point.
    del builder
    ratings = duplicates(ratings, sink.add)
    sink.extend(near_match_keys(ratings))
    if all(info.layout is not None for info in infos):
        # Coverage of a study with an unreadable file would only repeat that it is missing.
        sink.extend(coverage(ratings))
    for info in infos:
        info.errors = sink.by_file[(info.path, Severity.ERROR)]
        info.warnings = sink.by_file[(info.path, Severity.WARNING)]
    located = (tables[p.file].locate(p) if p.file in tables else p for p in sink.kept)
    problems = sorted(located, key=Problem.sort_key)
    return ValidationResult(
        scheme=scheme,
        files=infos,
        problems=problems,
        errors=sink.errors,
        warnings=sink.warnings,
        by_kind=dict(sorted(sink.by_kind.items())),
        ratings=ratings,
        units=int(np.count_nonzero(_present(ratings.unit, len(ratings.units)))),
        coders=tuple(
            ratings.coders[c] for c in np.flatnonzero(_present(ratings.coder, len(ratings.coders)))
        ),
    )


def _present(ids: npt.NDArray[np.signedinteger[Any]], size: int) -> npt.NDArray[np.bool_]:
    """Which of ``range(size)`` occur in ``ids``: a table the size of the ids' range, filled a
    million at a time (numpy indexes with 8-byte integers, so all at once would copy ``ids``
    at twice its size; a sorted copy for np.unique costs more)."""
    seen = np.zeros(size, dtype=bool)
    step = 1 << 20
    for start in range(0, ids.size, step):
        seen[ids[start : start + step]] = True
    return seen


@dataclass
class Columns:
    keys: list[int]
    coder: int | None
    code: int | None
    value: int | None
    scheme_id: int | None
    scheme_version: int | None
    codes: dict[int, str]  # wide layout: column -> code id


def _header(
    table: Table, scheme: Scheme, sink: ProblemSink, ignored: frozenset[str] = frozenset()
) -> Columns | None:
    file = table.path
    names = column_names(table.header)
    position: dict[str, int] = {}
    ok = True
    for i, name in enumerate(names):
        where: Where = {"file": file, "line": table.header_line, "column": i + 1}
        if not name:
            sink.add(
                error(
                    "empty-column-name",
                    "a column has no name; every column needs a header"
                    + (
                        " (a first column without a name is usually row numbers: R's write.csv "
                        "writes them unless row.names = FALSE; pandas' to_csv unless index=False)"
                        if i == 0
                        else ""
                    ),
                    **where,
                )
            )
            ok = False
        elif name in position:
            sink.add(
                error(
                    "duplicate-column",
                    f"column {name!r} appears twice (first in column {position[name] + 1}); names must be unique",
                    **where,
                )
            )
            ok = False
        else:
            position[name] = i
    keys = key_names(scheme.unit.keys)
    missing = missing_keys(names, scheme.unit.keys)
    if missing:
        sink.add(
            error(
                "missing-key-column",
                f"no column for unit key(s) {', '.join(missing)}; expected the key columns "
                f"{', '.join(keys)} (found: {', '.join(n for n in names if n)}){table.sheets_note}",
                file=file,
                line=table.header_line,
                column=1,
            )
        )
        return None
    long = layout_of(names) == "long"
    codes: dict[int, str] = {}
    code_ids = {c.id.lower(): c.id for c in scheme.codes}
    known = set(keys) | set(RESERVED) | ignored
    for name, i in position.items():
        if name in known:
            continue
        if not long and name in code_ids:
            codes[i] = code_ids[name]
            continue
        expected = sorted(code_ids) if not long else []
        close = difflib.get_close_matches(name, [*expected, *RESERVED, *keys], n=1, cutoff=0.7)
        hint = (None if long else renamed_hint(scheme, name)) or (
            f"; did you mean {close[0]!r}?" if close else ""
        )
        what = (
            "a code of the scheme or a known column" if not long else "a column of the long layout"
        )
        sink.add(
            error(
                "unknown-column" if long or name in RESERVED else "unknown-code",
                f"column {name!r} is not {what}{hint}",
                file=file,
                line=table.header_line,
                column=i + 1,
            )
        )
    if not ok:
        return None  # with duplicate or unnamed columns, which cell holds what is a guess
    if not long and not codes:
        hint = (
            " (for the long layout add 'code' and 'value' columns)"
            if ("code" in position) != ("value" in position)
            else ""
        )
        sink.add(
            error(
                "no-code-columns",
                f"no column names a code of scheme {scheme.id!r}{hint}; expected one of: {', '.join(sorted(code_ids))}{table.sheets_note}",
                file=file,
                line=table.header_line,
                column=1,
            )
        )
        return None
    return Columns(
        keys=[position[k] for k in keys],
        coder=position.get("coder"),
        code=position.get("code") if long else None,
        value=position.get("value") if long else None,
        scheme_id=position.get("scheme_id"),
        scheme_version=position.get("scheme_version"),
        codes=codes,
    )


def _read_table(
    table: Table,
    info: FileInfo,
    file_no: int,
    scheme: Scheme,
    builder: RatingsBuilder,
    readers: dict[str, CodeReader],
    sink: ProblemSink,
    coder_option: str | None,
    ignored: frozenset[str] = frozenset(),
    *,
    bulk: bool = False,
) -> None:
    """Read one table into ``builder``, in the steps every reader's table goes through:
    the header gives the columns (:func:`_header`), the file or its ``coder`` column gives
    the coder (:func:`_file_coder`), each code gets its reader and unit keys
    (:class:`RowPlan`), then the rows are read (:func:`_read_rows`, or column-wise when
    ``bulk`` and the file is plain: :mod:`socmodel_cli.validation_columnar`) and what the
    file states about its scheme is checked (:func:`_stated_version`)."""
    info.format, info.encoding, info.delimiter = table.format, table.encoding, table.delimiter
    cols = _header(table, scheme, sink, ignored)
    if cols is None:
        for _ in table.rows:  # still drain the iterator so the file closes
            pass
        return
    info.layout = "long" if cols.code is not None else "wide"
    coder_no = _file_coder(info, cols, builder, coder_option)
    plan = RowPlan.build(scheme, cols, readers, builder, file_no)
    stated: dict[str, tuple[str, int, int]] = {}
    done = (
        validation_columnar.read_columnar(table, scheme, cols, plan, builder, coder_no)
        if bulk and table.plain
        else None
    )
    if done is not None:
        info.rows, info.ratings, stated = done
        if table.close is not None:
            table.close()
    else:
        info.rows, info.ratings = _read_rows(
            table, scheme, cols, plan, builder, sink, info.coder or "", coder_no, stated
        )
    if info.rows == 0:
        sink.add(
            warning("no-rows", "the file has a header but no coded rows", file=table.path, line=1)
        )
    _stated_version(scheme, info, stated, sink)


def _file_coder(
    info: FileInfo, cols: Columns, builder: RatingsBuilder, coder_option: str | None
) -> int:
    """The coder of every row (its id), or -1 when a ``coder`` column names it per row."""
    if cols.coder is not None:
        info.coder_source = "column"
        return -1
    info.coder = base_key(coder_option or Path(info.path).stem)
    info.coder_source = "option" if coder_option else "file name"
    return builder.coder_id(info.coder)


@dataclass(frozen=True)
class RowPlan:
    """Per code: how its cells are read and which unit keys it is rated on."""

    read_of: dict[str, Callable[[str], float | CellError | None]]
    cache_of: dict[str, dict[str, float | CellError | None]]
    # Codes rated once per coarser unit keep only their keys; None means "all the keys".
    projection: dict[str, tuple[int, ...] | None]
    code_cols: list[tuple[int, str]]  # wide layout: (column, code id), in column order

    @classmethod
    def build(
        cls,
        scheme: Scheme,
        cols: Columns,
        readers: dict[str, CodeReader],
        builder: RatingsBuilder,
        file_no: int,
    ) -> RowPlan:
        all_keys = tuple(range(len(scheme.unit.keys)))
        projection: dict[str, tuple[int, ...] | None] = {}
        for c in scheme.codes:
            own = tuple(scheme.unit.keys.index(k) for k in scheme.code_keys(c))
            projection[c.id] = None if own == all_keys else own
        code_cols = sorted(cols.codes.items())
        value_col = cols.value
        # Where each code's cells are, for messages about a code's ratings in this file.
        for col, code_id in [
            *code_cols,
            *([(value_col, c.id) for c in scheme.codes] if value_col is not None else []),
        ]:
            builder.columns[(file_no, builder.code_index[code_id])] = col + 1
        return cls(
            read_of={cid: r.read for cid, r in readers.items()},
            cache_of={cid: r.cache for cid, r in readers.items()},
            projection=projection,
            code_cols=code_cols,
        )


def _read_rows(
    table: Table,
    scheme: Scheme,
    cols: Columns,
    plan: RowPlan,
    builder: RatingsBuilder,
    sink: ProblemSink,
    coder_name: str,
    coder_no: int,
    stated: dict[str, tuple[str, int, int]],
) -> tuple[int, int]:
    """The rows of ``table`` into ``builder``: (rows read, ratings kept)."""
    file = table.path
    width = len(table.header)
    all_keys = tuple(range(len(scheme.unit.keys)))
    code_no_of = builder.code_index
    key_pos = cols.keys
    read_of, cache_of, projection, code_cols = (
        plan.read_of,
        plan.cache_of,
        plan.projection,
        plan.code_cols,
    )
    miss = object()
    get_keys = itemgetter(*key_pos) if len(key_pos) > 1 else (lambda cells: (cells[key_pos[0]],))
    # Raw key cells -> unit number, for codes using all keys (None: a key cell is empty).
    unit_of_raw: dict[UnitKey, int | None] = {}
    coder_col, code_col, value_col = cols.coder, cols.code, cols.value
    track_version = cols.scheme_id is not None or cols.scheme_version is not None
    units, coders, shared = builder.units, builder.coders, builder.shared
    norm = normaliser(scheme.unit.normalize)
    add_code, add_unit, add_coder = builder.code.append, builder.unit.append, builder.coder.append
    add_value, add_line = builder.value.append, builder.line.append
    rows = ratings = 0
    # The hot loop: locals only, no per-row allocation beyond the key tuple.
    for line, row in table.rows:
        cells = row if len(row) == width else _fit(row, width, table, line, sink)
        if cells is None:
            continue
        rows += 1
        raw_keys = get_keys(cells)
        if track_version:
            _note_version(cells, cols, line, stated)
        if coder_col is not None:
            coder_name = base_key(cells[coder_col])
            if not coder_name:
                sink.add(
                    error(
                        "missing-coder",
                        "the coder cell is empty; every row needs its coder",
                        file=file,
                        line=line,
                        column=coder_col + 1,
                    )
                )
                continue
            found = coders.get(coder_name)
            if found is None:
                found = builder.coder_id(coder_name)
                add_coder = builder.coder.append  # the column may have been widened
            coder_no = found
        if code_col is not None:
            assert value_col is not None
            code_id = base_key(cells[code_col])
            if code_id not in code_no_of:
                sink.add(
                    _unknown_code(code_id, scheme, code_no_of, file, line, code_col, coder_name)
                )
                continue
            pairs: Sequence[tuple[int, str]] = ((value_col, code_id),)
        else:
            pairs = code_cols
        key_reported = False
        for col, code_id in pairs:
            raw = cells[col]
            value = cache_of[code_id].get(raw, miss)
            if value is miss:
                value = read_of[code_id](raw)
            if value is None:
                continue
            used = projection[code_id]
            unit_no = unit_of_raw.get(raw_keys, miss) if used is None else miss
            if unit_no is miss or unit_no is None:
                keys = tuple([norm(k) for k in raw_keys])
                unit: UnitKey = (
                    keys
                    if used is None
                    else tuple([keys[k] if k in used else None for k in all_keys])
                )
                if "" in unit:
                    if used is None:
                        unit_of_raw[raw_keys] = None
                    if not key_reported:
                        key_reported = True
                        sink.add(
                            _missing_key(
                                scheme,
                                used or all_keys,
                                keys,
                                key_pos,
                                file,
                                line,
                                coder_name,
                                code_id,
                            )
                        )
                    continue
                unit_no = units.get(unit)
                if unit_no is None:
                    unit = shared(unit)  # the row's strings go with the row
                    written = tuple([k.strip() for k in raw_keys])
                    unit_no = builder.unit_id(
                        unit,
                        written
                        if used is None
                        else tuple([written[k] if k in used else None for k in all_keys]),
                    )
                if used is None:
                    # Share the tuple when nothing was stripped, so the cache costs one slot.
                    unit_of_raw[raw_keys if raw_keys != unit else unit] = unit_no
            if value.__class__ is not float:
                assert isinstance(value, CellError)
                sink.add(
                    error(
                        value.kind,
                        value.message,
                        file=file,
                        line=line,
                        column=col + 1,
                        unit=unit_label(
                            tuple(k.strip() for k in raw_keys)
                            if used is None
                            else _project(raw_keys, used, all_keys)
                        ),
                        coder=coder_name,
                        code=code_id,
                        value=raw.strip(),
                    )
                )
                continue
            add_code(code_no_of[code_id])
            add_unit(unit_no)  # type: ignore[arg-type]
            add_coder(coder_no)
            add_value(value)
            add_line(line)
            ratings += 1
    return rows, ratings


def _project(
    raw_keys: tuple[str, ...], used: tuple[int, ...], all_keys: tuple[int, ...]
) -> UnitKey:
    return tuple([raw_keys[k].strip() if k in used else None for k in all_keys])


def _fit(
    row: list[str], width: int, table: Table, line: int, sink: ProblemSink
) -> list[str] | None:
    """A row whose length differs from the header's: blank, padded, or ragged (reported)."""
    if not row or (len(row) == 1 and not row[0].strip()):
        return None  # a blank line
    if len(row) > width and not any(c.strip() for c in row[width:]):
        return row[:width]  # trailing empty cells, as Excel writes them
    if table.format == "xlsx" and len(row) < width:
        return row + [""] * (width - len(row))
    # A cell holding a line break in a ragged row is the mark of an unclosed quote.
    cause = (
        "an unterminated quote swallowed the following lines"
        if any("\n" in c or "\r" in c for c in row)
        else "check for a stray delimiter or a missing cell"
    )
    sink.add(
        error(
            "ragged-row",
            f"{len(row)} cells where the header has {width}; the row is skipped ({cause})",
            file=table.path,
            line=line,
            column=min(len(row), width) + 1,
        )
    )
    return None


def _note_version(
    cells: list[str], cols: Columns, line: int, stated: dict[str, tuple[str, int, int]]
) -> None:
    for name, col in (("scheme_id", cols.scheme_id), ("scheme_version", cols.scheme_version)):
        if col is not None and name not in stated and cells[col].strip():
            stated[name] = (cells[col].strip(), line, col + 1)


def _unknown_code(
    code_id: str, scheme: Scheme, known: dict[str, int], file: str, line: int, col: int, coder: str
) -> Problem:
    close = difflib.get_close_matches(code_id, list(known), n=1, cutoff=0.7)
    hint = renamed_hint(scheme, code_id) or (
        f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(known)}"
    )
    return error(
        "unknown-code",
        f"{code_id!r} is not a code of scheme {scheme.id!r}{hint}",
        file=file,
        line=line,
        column=col + 1,
        coder=coder,
        code=code_id,
    )


def _missing_key(
    scheme: Scheme,
    used: tuple[int, ...],
    keys: tuple[str, ...],
    key_pos: list[int],
    file: str,
    line: int,
    coder: str,
    code_id: str,
) -> Problem:
    empty = [scheme.unit.keys[k] for k in used if not keys[k]]
    first = next(k for k in used if not keys[k])
    return error(
        "missing-unit-key",
        f"empty unit key {', '.join(empty)}: the rating of {code_id} cannot be tied to a unit",
        file=file,
        line=line,
        column=key_pos[first] + 1,
        coder=coder,
        code=code_id,
    )


def _stated_version(
    scheme: Scheme, info: FileInfo, stated: dict[str, tuple[str, int, int]], sink: ProblemSink
) -> None:
    """Exports may say which scheme (version) they were coded with; check it fits."""
    file = info.path
    if "scheme_id" in stated:
        sid, line, col = stated["scheme_id"]
        info.scheme_id = sid
        if sid != scheme.id:
            sink.add(
                error(
                    "wrong-scheme",
                    f"coded with scheme {sid!r}, but validating against {scheme.id!r}",
                    file=file,
                    line=line,
                    column=col,
                )
            )
    if "scheme_version" not in stated:
        return
    version, line, col = stated["scheme_version"]
    info.scheme_version = version
    from socmodel_cli.semver import parse_version

    parsed = parse_version(version)
    current = parse_version(scheme.version)
    assert current is not None
    where: Where = {"file": file, "line": line, "column": col}
    if parsed is None:
        sink.add(
            error(
                "bad-version",
                f"scheme_version {version!r} is not a semantic version such as 1.0.0",
                **where,
            )
        )
    elif parsed[0] != current[0]:
        hint = (
            f"; bring it forward with `socmodel migrate SCHEME {file} --out DIR`"
            if parsed[0] < current[0]
            else "; validate against the newer scheme"
        )
        sink.add(
            error(
                "incompatible-version",
                f"coded with {scheme.id} {version}, a different MAJOR version than {scheme.version}{hint}",
                **where,
            )
        )
    elif parsed[:2] < current[:2]:
        sink.add(
            warning(
                "older-minor-version",
                f"coded with {scheme.id} {version}, an older MINOR version than {scheme.version}: the file is "
                "compatible, but values or codes added since were not available to the coder",
                **where,
            )
        )
    elif parsed[:3] > current[:3]:
        sink.add(
            warning(
                "newer-version",
                f"coded with {scheme.id} {version}, newer than the scheme file ({scheme.version}); update the scheme",
                **where,
            )
        )
