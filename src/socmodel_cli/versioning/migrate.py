"""Bring coder exports coded under an earlier MAJOR version forward with the scheme's migration.

A migration (declared in the NEW scheme) renames codes, recodes values and drops codes.
Planning reads every file and builds the migrated text in memory, counting each change;
nothing is written until every file has been planned, so a file that cannot be migrated
at all stops the run before any output exists. Pure apart from reading the inputs.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from socmodel_cli.errors import InputError, UsageError
from socmodel_cli.problems import Problem, error
from socmodel_cli.readers import Table, TableProblem, open_table
from socmodel_cli.scheme.model import Migration, Scheme
from socmodel_cli.semver import parse_version
from socmodel_cli.values import CellError, CodeReader, parse_number
from socmodel_cli.versioning.cells import value_text


@dataclass
class FileMigration:
    """What happened to one file; ``data`` is the migrated file, not part of any report."""

    input: str
    output: str
    format: str  # format written: "csv" or "tsv"
    converted_from: str | None  # "xlsx" when an xlsx input is written as CSV
    layout: str  # "wide" or "long"
    from_version: str
    migration_from: str | None  # the declared migration applied; None: none was needed
    renamed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (old, new) -> ratings
    recoded: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (code, old, new)
    dropped: Counter[str] = field(default_factory=Counter)  # code -> ratings
    version_cells: int = 0
    problems: list[Problem] = field(default_factory=list)
    data: bytes = b""

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
    """Migrate every file in memory; raise (exit 2) if any cannot be migrated at all."""
    if from_version is not None and parse_version(from_version) is None:
        raise UsageError(f"--from {from_version!r} is not a semantic version such as 1.0.0")
    files: list[FileMigration] = []
    targets: dict[Path, str] = {}
    for path in paths:
        migrated = _plan_file(scheme, path, out_dir, encoding, from_version)
        target = Path(migrated.output).resolve()
        if target in targets:
            raise UsageError(
                f"{path} and {targets[target]} would both be written to {migrated.output}; "
                "migrate them into different folders"
            )
        targets[target] = str(path)
        files.append(migrated)
    return MigrationResult(scheme.id, scheme.version, str(out_dir), files)


def _plan_file(
    scheme: Scheme, path: Path, out_dir: Path, encoding: str | None, from_version: str | None
) -> FileMigration:
    try:
        table = open_table(path, encoding)
        rows = list(table.rows)
    except TableProblem as exc:
        raise InputError(
            f"{path}: cannot be read, so it cannot be migrated", [exc.problem]
        ) from None
    if table.problems:  # cells that would be copied wrongly (formulas without values, dates)
        raise InputError(f"{path}: cells cannot be read as typed", table.problems)
    header = [h.strip().lstrip("\ufeff").strip() for h in table.header]
    lowered = [h.lower() for h in header]
    stated = _stated(path, lowered, rows, "scheme_id")
    if stated is not None and stated != scheme.id:
        raise InputError(
            f"{path}: coded with scheme {stated!r}, not {scheme.id!r}; nothing to migrate with"
        )
    version = _stated(path, lowered, rows, "scheme_version") or from_version
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
        layout="long" if {"code", "value"} <= set(lowered) else "wide",
        from_version=version,
        migration_from=None if migration is None else migration.from_version,
    )
    if migration is not None:
        _Rewriter(scheme, migration, result, table.path).apply(header, lowered, rows)
    result.data = _serialise(header, rows, table, path)
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
    path: Path, lowered: list[str], rows: list[tuple[int, list[str]]], name: str
) -> str | None:
    if name not in lowered:
        return None
    col = lowered.index(name)
    seen = sorted(
        {cells[col].strip() for _, cells in rows if col < len(cells) and cells[col].strip()}
    )
    if len(seen) > 1:
        raise InputError(
            f"{path}: the {name} column holds several values ({', '.join(seen)}); split the file"
        )
    return seen[0] if seen else None


class _Rewriter:
    """Applies one migration to a table's header and rows in place, counting every change."""

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

    def apply(
        self, header: list[str], lowered: list[str], rows: list[tuple[int, list[str]]]
    ) -> None:
        if self.result.layout == "long":
            self._long(lowered, rows)
        else:
            self._wide(header, lowered, rows)
        self._version(header, lowered, rows)

    def _coded(self, cell: str) -> bool:
        return cell.strip() not in self.missing

    def _wide(
        self, header: list[str], lowered: list[str], rows: list[tuple[int, list[str]]]
    ) -> None:
        for col, name in enumerate(list(lowered)):
            if name in self.rename:
                new = self.rename[name]
                if new.lower() in lowered:
                    raise InputError(
                        f"{self.file}: has columns for both {header[col]} and {new}; "
                        f"the migration renames {header[col]} to {new}"
                    )
                count = sum(1 for _, cells in rows if col < len(cells) and self._coded(cells[col]))
                self.result.renamed[(header[col], new)] += count
                header[col], lowered[col] = new, new.lower()
        for col in sorted((i for i, n in enumerate(lowered) if n in self.drop), reverse=True):
            count = sum(1 for _, cells in rows if col < len(cells) and self._coded(cells[col]))
            self.result.dropped[header[col]] += count
            del header[col], lowered[col]
            for _, cells in rows:
                if col < len(cells):
                    del cells[col]
        for code_id, mapping in self.recode.items():
            if code_id.lower() in lowered:
                col = lowered.index(code_id.lower())
                for line, cells in rows:
                    if col < len(cells):
                        cells[col] = self._recode(code_id, mapping, cells[col], line, col)

    def _long(self, lowered: list[str], rows: list[tuple[int, list[str]]]) -> None:
        code_col, value_col = lowered.index("code"), lowered.index("value")
        kept: list[tuple[int, list[str]]] = []
        for line, cells in rows:
            if max(code_col, value_col) >= len(cells):
                kept.append((line, cells))
                continue
            code = cells[code_col].strip()
            if code.lower() in self.drop:
                self.result.dropped[code] += 1 if self._coded(cells[value_col]) else 0
                continue
            if code.lower() in self.rename:
                new = self.rename[code.lower()]
                self.result.renamed[(code, new)] += 1 if self._coded(cells[value_col]) else 0
                cells[code_col] = code = new
            if code in self.recode:
                cells[value_col] = self._recode(
                    code, self.recode[code], cells[value_col], line, value_col
                )
            kept.append((line, cells))
        rows[:] = kept

    def _recode(
        self, code_id: str, mapping: dict[str, int | float | str], cell: str, line: int, col: int
    ) -> str:
        text = cell.strip()
        if text in self.missing:
            return cell
        hit = _lookup(text, mapping)
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

    def _version(
        self, header: list[str], lowered: list[str], rows: list[tuple[int, list[str]]]
    ) -> None:
        version = self.scheme.version
        if "scheme_version" not in lowered:
            header.append("scheme_version")
            lowered.append("scheme_version")
            col = len(header) - 1
            for _, cells in rows:
                if any(c.strip() for c in cells):
                    cells.extend([""] * (col - len(cells)))
                    cells.append(version)
                    self.result.version_cells += 1
            return
        col = lowered.index("scheme_version")
        for _, cells in rows:
            if col < len(cells) and any(c.strip() for c in cells) and cells[col] != version:
                cells[col] = version
                self.result.version_cells += 1


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


def _serialise(
    header: list[str], rows: list[tuple[int, list[str]]], table: Table, path: Path
) -> bytes:
    delimiter = table.delimiter or ","
    encoding = table.encoding or "utf-8"
    newline = "\r\n" if table.format != "xlsx" and _crlf(path) else "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for _, cells in rows:
        writer.writerow(cells)
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{path}: a migrated value cannot be written in the file's encoding {encoding} ({exc.reason})"
        ) from None


def _crlf(path: Path) -> bool:
    with path.open("rb") as fh:
        return b"\r\n" in fh.read(65536)


def write_migration(result: MigrationResult, inputs: Sequence[Path], *, force: bool) -> None:
    """Write every planned file atomically, after checking all targets first."""
    from socmodel_cli.errors import OutputError
    from socmodel_cli.fileout import check_target, write_atomic

    out = Path(result.out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: not a directory; --out takes a folder")
    if out.exists():
        for f in result.files:
            check_target(Path(f.output), inputs, force=force)
    else:
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"{out}: cannot create the folder: {exc.strerror or exc}") from None
    for f in result.files:
        write_atomic(Path(f.output), f.data, inputs=inputs, force=force)
