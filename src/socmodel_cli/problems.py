"""Problems found in user input, as values: collected, sorted, rendered.

Every problem has a stable ``kind`` slug (catalogued with its severity in ``problem_kinds``,
from which the docs are rendered; any other slug is refused), a severity, a location (file,
1-based line and column) and the unit / coder / code / value involved where that applies.
Nothing here prints or exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict, Unpack

from socmodel_cli.a1 import cell_name, sheet_prefix
from socmodel_cli.problem_kinds import Severity, checked

__all__ = ["Problem", "Severity", "Where", "error", "printable", "warning"]

# What must never reach a terminal raw: C0/C1 controls (ANSI escapes, NUL, newline, tab),
# bidi controls that reorder what is shown (U+061C, U+200E/F, U+202A-E, U+2066-9), line and
# paragraph separators, the BOM, and lone surrogates (undecodable bytes in file names).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, bidi and separator character shown as an escape.

    User data (coder names, cells, file names) must print literally, never act on a terminal:
    a newline in a file name cannot start a fake verdict line, U+202E cannot reverse one.
    """
    return _UNSAFE.sub(_escape, text)


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    unit: str | None = None
    coder: str | None = None
    code: str | None = None
    value: str | None = None
    path: str | None = None  # a location inside a structured file, e.g. ``codes[2].level``
    sheet: str | None = None  # the worksheet of an xlsx file: locations then read ``C5``
    show_sheet: bool = False  # name the sheet in the location (it is not the first visible one)

    def __post_init__(self) -> None:
        checked(self.kind, self.severity)  # a slug missing from the catalogue is a bug: fail now

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def cell(self) -> str | None:
        """The A1 name of the cell (``C5``) for a located problem in a worksheet."""
        if self.sheet is None or self.line is None or self.column is None:
            return None
        return cell_name(self.line, self.column)

    def location(self) -> str:
        """``file:line:column`` with the parts that are known; ``file:C5`` in a worksheet
        (``file:Codes!C5`` when the sheet is not the workbook's first visible one)."""
        if self.sheet is not None:
            ref = self.cell or (str(self.line) if self.line is not None else "")
            prefix = sheet_prefix(self.sheet) if self.show_sheet else ""
            if not ref:
                return f"{self.file or '-'}:{prefix[:-1]}" if prefix else self.file or "-"
            return f"{self.file or '-'}:{prefix}{ref}"
        parts = [self.file or "-"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def sort_key(self) -> tuple[bool, str, int, int, str, str]:
        # Located problems in file order first; problems about the whole set (no file) last.
        return (
            self.file is None,
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.kind,
            self.code or "",
        )

    def render(self) -> str:
        """One line: ``file:line:column: severity[kind]: message`` (control characters escaped)."""
        where = f" ({self.path})" if self.path else ""
        return printable(f"{self.location()}: {self.severity}[{self.kind}]{where}: {self.message}")


class Where(TypedDict, total=False):
    """Where a problem is and what it involves; any subset of these keys."""

    file: str | None
    line: int | None
    column: int | None
    unit: str | None
    coder: str | None
    code: str | None
    value: str | None
    path: str | None
    sheet: str | None
    show_sheet: bool


def error(kind: str, message: str, **where: Unpack[Where]) -> Problem:
    return Problem(kind, Severity.ERROR, message, **where)


def warning(kind: str, message: str, **where: Unpack[Where]) -> Problem:
    return Problem(kind, Severity.WARNING, message, **where)
