"""Blank coding sheets: one row per unit, a column per code, in the wide layout ``validate`` reads.

Columns: the unit keys (from the units file), the codes in scheme order, then ``coder``,
``scheme_id`` and ``scheme_version`` filled in so the file says who coded it with what.
A code rated once per coarser unit (``unit_keys: [session]``) is rated on the first row
of each session; its other rows stay empty.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from socmodel_cli.coder_file import VERSION_COLUMNS, column_names, key_columns, missing_keys
from socmodel_cli.errors import InputError
from socmodel_cli.readers import TableProblem, open_table
from socmodel_cli.safecells import SafeWriter, restored
from socmodel_cli.scheme.model import Scheme

META = ("coder", *VERSION_COLUMNS)


@dataclass(frozen=True)
class Template:
    scheme: Scheme
    coder: str
    keys: tuple[str, ...]
    units: tuple[tuple[str, ...], ...]
    rated: dict[str, tuple[bool, ...]]  # code id -> is it rated on this row?
    ignored_columns: tuple[str, ...]  # columns of the units file not used

    @property
    def header(self) -> list[str]:
        return [*self.keys, *(c.id for c in self.scheme.codes), *META]

    def row(self, i: int) -> list[str]:
        meta = [self.coder, self.scheme.id, self.scheme.version]
        return [*self.units[i], *("" for _ in self.scheme.codes), *meta]


def build_template(
    scheme: Scheme, units_path: Path, coder: str, encoding: str | None = None
) -> Template:
    if not coder.strip():
        raise InputError("--coder must name the coder")
    try:
        table = restored(open_table(units_path, encoding))
        rows = list(table.rows)
    except TableProblem as exc:
        raise InputError(f"{units_path}: the units file cannot be read", [exc.problem]) from None
    if table.problems:
        raise InputError(f"{units_path}: cells cannot be read as typed", table.problems)
    names = column_names(table.header)
    keys = tuple(scheme.unit.keys)
    absent = set(missing_keys(names, keys))
    missing = [k for k in keys if k.lower() in absent]  # as the scheme spells them
    if missing:
        raise InputError(
            f"{units_path}: no column for unit key(s) {', '.join(missing)}; the scheme's unit is "
            f"identified by {', '.join(keys)} (found: {', '.join(n for n in names if n)})"
        )
    cols = key_columns(names, keys)
    units: list[tuple[str, ...]] = []
    first_line: dict[tuple[str, ...], int] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        unit = tuple(cells[c].strip() if c < len(cells) else "" for c in cols)
        if not all(unit):
            empty = [k for k, v in zip(keys, unit, strict=True) if not v]
            raise InputError(f"{units_path}:{line}: empty unit key {', '.join(empty)}")
        if unit in first_line:
            raise InputError(
                f"{units_path}:{line}: unit {', '.join(unit)} is listed twice "
                f"(first on line {first_line[unit]})"
            )
        first_line[unit] = line
        units.append(unit)
    if not units:
        raise InputError(f"{units_path}: no units listed below the header")
    rated: dict[str, tuple[bool, ...]] = {}
    for code in scheme.codes:
        used = [keys.index(k) for k in scheme.code_keys(code)]
        seen: set[tuple[str, ...]] = set()
        flags: list[bool] = []
        for unit in units:
            sub = tuple(unit[i] for i in used)
            flags.append(sub not in seen)
            seen.add(sub)
        rated[code.id] = tuple(flags)
    ignored = tuple(h for i, h in enumerate(table.header) if i not in cols and h.strip())
    return Template(scheme, coder.strip(), keys, tuple(units), rated, ignored)


def template_csv(template: Template) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows non-ASCII names correctly; formula-safe."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, newline="\r\n")
    writer.writerow(template.header)
    for i in range(len(template.units)):
        writer.writerow(template.row(i))
    return buffer.getvalue().encode("utf-8-sig")
