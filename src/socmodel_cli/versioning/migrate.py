"""Bring coder exports coded under an earlier MAJOR version forward with the scheme's migration.

A migration (declared in the NEW scheme) renames codes, recodes values and drops codes.
Two streaming passes over each file, so memory does not grow with its size:
:func:`plan_migration` reads every file once to learn its layout, stated scheme and version
and the migration it needs (a file that cannot be migrated at all stops the run before
anything is written); :func:`write_migration` reads each file again, rewrites it row by row
into a staging folder, counting every change, and moves all outputs into place only when
every file was written (:func:`socmodel_cli.fileout.staged_folder`). Cells are read back with
:func:`socmodel_cli.safecells.restore` and written with
:class:`~socmodel_cli.safecells.SafeWriter`, so a migrated file is formula-safe and migrating
it again gives the same values.
"""

from __future__ import annotations

import codecs
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from socmodel_cli.coder_file import VERSION_COLUMNS, Layout, column_names, layout_of
from socmodel_cli.errors import InputError, UsageError
from socmodel_cli.problems import Problem, error
from socmodel_cli.readers import Table, TableProblem, open_table
from socmodel_cli.safecells import SafeWriter, restored
from socmodel_cli.scheme.model import Migration, Scheme
from socmodel_cli.semver import parse_version
from socmodel_cli.values import CellError, CodeReader, parse_number
from socmodel_cli.versioning.cells import value_text

Row = tuple[int, list[str]]
_CHUNK = 1 << 16  # characters of CSV text encoded and written at a time


@dataclass(frozen=True)
class _Source:
    """How the second pass re-reads a file and writes its output; not part of any report."""

    read_encoding: str | None  # the --encoding option
    migration: Migration | None
    encoding: str  # the output's: the input's own (a UTF-8 BOM stays)
    delimiter: str
    newline: str


@dataclass
class FileMigration:
    """What happened to one file (counts are complete once :func:`write_migration` ran)."""

    input: str
    output: str
    format: str  # format written: "csv" or "tsv"
    converted_from: str | None  # "xlsx" when an xlsx input is written as CSV
    layout: Layout
    from_version: str
    migration_from: str | None  # the declared migration applied; None: none was needed
    renamed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (old, new) -> ratings
    recoded: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (code, old, new)
    dropped: Counter[str] = field(default_factory=Counter)  # code -> ratings
    version_cells: int = 0
    neutralised_cells: int = 0  # cells written with a protective quote (formula-like text)
    problems: list[Problem] = field(default_factory=list)
    source: _Source | None = field(default=None, repr=False)

    @property
    def status(self) -> str:
        if self.problems:
            return "incomplete"
        return "migrated" if self.migration_from is not None else "unchanged"


@dataclass
class MigrationResult:
    scheme_id: str
    version: str
    out_dir: str
    files: list[FileMigration]
    scheme: Scheme = field(repr=False)

    @property
    def ok(self) -> bool:
        return not any(f.problems for f in self.files)


def plan_migration(
    scheme: Scheme,
    paths: Sequence[Path],
    out_dir: Path,
    *,
    encoding: str | None = None,
    from_version: str | None = None,
) -> MigrationResult:
    """First pass over every file; raise (exit 2) if any cannot be migrated at all."""
    if from_version is not None and parse_version(from_version) is None:
        raise UsageError(f"--from {from_version!r} is not a semantic version such as 1.0.0")
    files: list[FileMigration] = []
    targets: dict[Path, str] = {}
    for path in paths:
        planned = _plan_file(scheme, path, out_dir, encoding, from_version)
        target = Path(planned.output).resolve()
        if target in targets:
            raise UsageError(
                f"{path} and {targets[target]} would both be written to {planned.output}; "
                "migrate them into different folders"
            )
        targets[target] = str(path)
        files.append(planned)
    return MigrationResult(scheme.id, scheme.version, str(out_dir), files, scheme)


def _open(path: Path, encoding: str | None) -> Table:
    try:
        return restored(open_table(path, encoding))
    except TableProblem as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: TableProblem) -> InputError:
    return InputError(f"{path}: cannot be read, so it cannot be migrated", [exc.problem])


def _clean_header(table: Table) -> list[str]:
    """The header as written out: trimmed, but in the file's own spelling (matching uses
    :func:`~socmodel_cli.coder_file.column_names`)."""
    return [h.strip().lstrip("\ufeff").strip() for h in table.header]


def _plan_file(
    scheme: Scheme, path: Path, out_dir: Path, encoding: str | None, from_version: str | None
) -> FileMigration:
    table = _open(path, encoding)
    header = _clean_header(table)
    lowered = column_names(header)
    try:
        stated = _stated(path, lowered, table.rows, VERSION_COLUMNS)
    except TableProblem as exc:
        raise _unreadable(path, exc) from None
    if table.problems:  # cells that would be copied wrongly (formulas without values, dates)
        raise InputError(f"{path}: cells cannot be read as typed", table.problems)
    if stated["scheme_id"] is not None and stated["scheme_id"] != scheme.id:
        raise InputError(
            f"{path}: coded with scheme {stated['scheme_id']!r}, not {scheme.id!r}; "
            "nothing to migrate with"
        )
    version = stated["scheme_version"] or from_version
    if version is None:
        raise UsageError(
            f"{path}: no scheme_version column says which version it was coded with; "
            "name it with --from VERSION"
        )
    parsed = parse_version(version)
    if parsed is None:
        raise InputError(f"{path}: scheme_version {version!r} is not a semantic version")
    if parsed[0] > scheme.major:
        raise InputError(
            f"{path}: coded with {scheme.id} {version}, newer than the scheme ({scheme.version})"
        )
    migration = None if parsed[0] == scheme.major else find_migration(scheme, version)
    fmt, converted = (table.format, None) if table.format != "xlsx" else ("csv", "xlsx")
    name = path.name if converted is None else path.stem + ".csv"
    result = FileMigration(
        input=str(path),
        output=str(out_dir / name),
        format=fmt,
        converted_from=converted,
        layout=layout_of(lowered),
        from_version=version,
        migration_from=None if migration is None else migration.from_version,
    )
    if migration is not None:
        # a header the migration cannot apply to stops the run now, before anything is written
        _Rewriter(scheme, migration, result, str(path)).columns(header, lowered)
    newline = "\r\n" if table.format != "xlsx" and _crlf(path) else "\n"
    result.source = _Source(
        encoding, migration, table.encoding or "utf-8", table.delimiter or ",", newline
    )
    return result


def find_migration(scheme: Scheme, version: str) -> Migration:
    """The most specific declared migration whose ``from_version`` covers ``version``."""
    parsed = parse_version(version)
    assert parsed is not None
    best: Migration | None = None
    for mig in scheme.migrations:
        parts = tuple(int(p) for p in mig.from_version.split("."))
        if parsed[: len(parts)] == parts and (
            best is None or len(parts) > len(best.from_version.split("."))
        ):
            best = mig
    if best is None:
        declared = ", ".join(m.from_version for m in scheme.migrations)
        raise UsageError(
            f"{scheme.id} {scheme.version} declares no migration from {version} "
            f"(major {parsed[0]}); "
            + (f"it declares migrations from: {declared}" if declared else "it declares none")
        )
    return best


def _stated(
    path: Path, lowered: list[str], rows: Iterator[Row], names: tuple[str, ...]
) -> dict[str, str | None]:
    """The one value each of these columns holds (None: no column or no value), streaming."""
    cols = {name: lowered.index(name) for name in names if name in lowered}
    seen: dict[str, str] = {}
    if cols:
        for _, cells in rows:
            for name, col in cols.items():
                value = cells[col].strip() if col < len(cells) else ""
                if not value or seen.setdefault(name, value) == value:
                    continue
                both = ", ".join(sorted({seen[name], value}))
                raise InputError(
                    f"{path}: the {name} column holds several values ({both}); split the file"
                )
    return {name: seen.get(name) for name in names}


class _Rewriter:
    """Applies one migration to a table, one row at a time, counting every change."""

    def __init__(
        self, scheme: Scheme, migration: Migration, result: FileMigration, file: str
    ) -> None:
        self.scheme = scheme
        self.result = result
        self.file = file
        self.missing = scheme.missing_set
        self.rename = {r.old.lower(): r.to for r in migration.rename}
        self.drop = {d.lower() for d in migration.drop}
        self.recode = {r.code: r.map for r in migration.recode}
        self.origin = migration.from_version
        self.version = scheme.version
        self.width = 0
        self.renamed_cols: list[tuple[int, str, str]] = []
        self.dropped_cols: list[tuple[int, str]] = []
        self.keep: list[int] = []
        self.recode_at: dict[int, str] = {}
        self.version_at: int | None = None  # output column of scheme_version; None: appended
        self.code_col = self.value_col = -1

    def columns(self, header: list[str], lowered: list[str]) -> list[str]:
        """Plan the columns from the header; return the output's header."""
        names, low = list(header), list(lowered)
        self.width = len(header)
        if self.result.layout == "long":
            self.code_col, self.value_col = low.index("code"), low.index("value")
            self.keep = list(range(self.width))
        else:
            self._wide_columns(names, low)
        out = [names[i] for i in self.keep]
        out_low = [low[i] for i in self.keep]
        if "scheme_version" in out_low:
            self.version_at = out_low.index("scheme_version")
        else:
            out.append("scheme_version")
        return out

    def _wide_columns(self, names: list[str], low: list[str]) -> None:
        for col, name in enumerate(list(low)):
            if name in self.rename:
                new = self.rename[name]
                if new.lower() in low:
                    raise InputError(
                        f"{self.file}: has columns for both {names[col]} and {new}; "
                        f"the migration renames {names[col]} to {new}"
                    )
                self.renamed_cols.append((col, names[col], new))
                self.result.renamed[(names[col], new)] += 0
                names[col], low[col] = new, new.lower()
        self.dropped_cols = [(col, names[col]) for col, n in enumerate(low) if n in self.drop]
        for _, name in self.dropped_cols:
            self.result.dropped[name] += 0
        gone = {col for col, _ in self.dropped_cols}
        self.keep = [i for i in range(self.width) if i not in gone]
        for code_id in self.recode:
            at = next((i for i in self.keep if low[i] == code_id.lower()), None)
            if at is not None:
                self.recode_at[at] = code_id

    def _coded(self, cell: str) -> bool:
        return cell.strip() not in self.missing

    def row(self, line: int, cells: list[str]) -> list[str] | None:
        """The migrated row; None when the migration drops it (long layout)."""
        out = self._long(line, cells) if self.result.layout == "long" else self._wide(line, cells)
        if out is not None:
            self._set_version(out)
        return out

    def _wide(self, line: int, cells: list[str]) -> list[str]:
        for col, old, new in self.renamed_cols:
            if col < len(cells) and self._coded(cells[col]):
                self.result.renamed[(old, new)] += 1
        for col, name in self.dropped_cols:
            if col < len(cells) and self._coded(cells[col]):
                self.result.dropped[name] += 1
        out: list[str] = []
        for col in self.keep:
            if col >= len(cells):
                break
            code_id = self.recode_at.get(col)
            cell = cells[col]
            out.append(cell if code_id is None else self._recode(code_id, cell, line, col))
        out.extend(cells[self.width :])
        return out

    def _long(self, line: int, cells: list[str]) -> list[str] | None:
        code_col, value_col = self.code_col, self.value_col
        if max(code_col, value_col) >= len(cells):
            return cells
        out = list(cells)
        code = out[code_col].strip()
        if code.lower() in self.drop:
            self.result.dropped[code] += 1 if self._coded(out[value_col]) else 0
            return None
        if code.lower() in self.rename:
            new = self.rename[code.lower()]
            self.result.renamed[(code, new)] += 1 if self._coded(out[value_col]) else 0
            out[code_col] = code = new
        if code in self.recode:
            out[value_col] = self._recode(code, out[value_col], line, value_col)
        return out

    def _set_version(self, out: list[str]) -> None:
        if not any(c.strip() for c in out):
            return
        if self.version_at is None:
            out.extend([""] * (len(self.keep) - len(out)))
            out.append(self.version)
            self.result.version_cells += 1
        elif self.version_at < len(out) and out[self.version_at] != self.version:
            out[self.version_at] = self.version
            self.result.version_cells += 1

    def _recode(self, code_id: str, cell: str, line: int, col: int) -> str:
        text = cell.strip()
        if text in self.missing:
            return cell
        hit = _lookup(text, self.recode[code_id])
        if hit is not None:
            key, target = hit
            new = value_text(target)
            if new != text:
                self.result.recoded[(code_id, key, new)] += 1
            return new
        code = self.scheme.code_map[code_id]
        if isinstance(CodeReader(code, self.missing).read(text), CellError):
            self.result.problems.append(
                error(
                    "unmapped-value",
                    f"{text!r} has no mapping for {code_id} in the migration from {self.origin} "
                    f"and is not a value of {code_id} in {self.scheme.version}; left as it is: "
                    "recode it by hand or add it to the scheme's migration",
                    file=self.file,
                    line=line,
                    column=col + 1,
                    code=code_id,
                    value=text,
                )
            )
        return cell


def _lookup(
    text: str, mapping: dict[str, int | float | str]
) -> tuple[str, int | float | str] | None:
    """The map entry for a cell: exact text first, then numerically (``2.0`` finds ``"2"``)."""
    for key, target in mapping.items():
        if key.strip() == text:
            return key.strip(), target
    number = parse_number(text)
    if isinstance(number, CellError):
        return None
    for key, target in mapping.items():
        other = parse_number(key.strip())
        if not isinstance(other, CellError) and other == number:
            return key.strip(), target
    return None


def _crlf(path: Path) -> bool:
    with path.open("rb") as fh:
        return b"\r\n" in fh.read(65536)


def write_migration(result: MigrationResult, inputs: Sequence[Path], *, force: bool) -> None:
    """Second pass: write every file into a staging folder, then move them all into place.

    On any failure or interrupt no output is left and no folder the run created remains.
    """
    from socmodel_cli.fileout import staged_folder

    with staged_folder(Path(result.out_dir), inputs, force=force) as stage:
        for f in result.files:
            stage.check(Path(f.output).name)
        for f in result.files:
            with stage.open(Path(f.output).name) as fh:
                _write_file(result.scheme, f, fh)


def _write_file(scheme: Scheme, f: FileMigration, fh: BinaryIO) -> None:
    source = f.source
    assert source is not None, "plan_migration gives every file its source"
    path = Path(f.input)
    table = _open(path, source.read_encoding)
    header = _clean_header(table)
    rewriter = None
    if source.migration is not None:
        rewriter = _Rewriter(scheme, source.migration, f, f.input)
        header = rewriter.columns(header, column_names(header))
    out = _EncodedCsv(fh, source, f)
    try:
        out.row(header)
        for line, cells in table.rows:
            migrated = cells if rewriter is None else rewriter.row(line, cells)
            if migrated is not None:
                out.row(migrated)
        out.close()
    except TableProblem as exc:
        raise _unreadable(path, exc) from None
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{path}: a migrated value cannot be written in the file's encoding "
            f"{source.encoding} ({exc.reason})"
        ) from None


class _EncodedCsv:
    """CSV rows, neutralised, encoded in the input's encoding and written in chunks."""

    def __init__(self, fh: BinaryIO, source: _Source, f: FileMigration) -> None:
        self.fh = fh
        self.f = f
        self.encoder = codecs.getincrementalencoder(source.encoding)(errors="strict")
        self.buffer = io.StringIO()
        self.writer = SafeWriter(self.buffer, delimiter=source.delimiter, newline=source.newline)

    def row(self, cells: list[str]) -> None:
        self.f.neutralised_cells += self.writer.writerow(cells)
        if self.buffer.tell() >= _CHUNK:
            self._flush()

    def _flush(self, final: bool = False) -> None:
        self.fh.write(self.encoder.encode(self.buffer.getvalue(), final))
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self) -> None:
        self._flush(final=True)
