"""Cells a spreadsheet will not run as formulas (CSV / formula injection), and reading them back.

OWASP's advice: Excel, LibreOffice and Google Sheets may take a cell whose first character is
``=`` ``+`` ``-`` ``@``, tab or carriage return as a formula (``=HYPERLINK(...)``,
``=WEBSERVICE(...)``, DDE); prefix such a cell with a single quote so it is read as text.
:func:`neutralise` does that for every text cell socmodel writes to CSV or xlsx, and it also
looks past what can hide the trigger: leading whitespace (any Unicode space or line break),
invisible format characters (zero-width space, byte-order mark, bidi marks) and quote marks
(``"=1+1``, ``“=1+1``). Full-width and small forms (``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``) count as triggers.
Plain numbers (``-1``, ``+2.5``, ``-1e3``, ``-1,5``) are left alone.

The quote is reversible: ``restore(neutralise(x)) == x`` for every text ``x``. A cell read back
loses one leading quote exactly when the rest would itself have been protected, so socmodel
reads its own files as the values it wrote (docs/file-formats.md, "Cells socmodel writes").
"""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from socmodel_cli.readers import Table

TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
# Characters that start a formula on their own (OWASP), even before text that is not one.
CONTROL_TRIGGERS = frozenset("\t\r")
QUOTES = frozenset(
    "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\uff02\uff07"
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def _hides(ch: str) -> bool:
    """Characters a spreadsheet may skip or that hide what follows from a reader."""
    return ch.isspace() or ch in QUOTES or unicodedata.category(ch) == "Cf"


def formula_like(text: str) -> bool:
    """Would a spreadsheet (or a careless copy into one) take this cell as a formula?"""
    if not text or text[0].isalnum():  # most cells: a word or a number
        return False
    i, n = 0, len(text)
    while (
        i < n and text[i] == "'"
    ):  # protective quotes first: formula_like("'" + x) == formula_like(x)
        i += 1
    if i < n and text[i] in CONTROL_TRIGGERS:
        return True
    while i < n and _hides(text[i]):
        i += 1
    if i == n or text[i] not in TRIGGERS:
        return False
    return _NUMBER.fullmatch(text, i) is None


def neutralise(text: str) -> str:
    """The cell as written: a single quote before formula-like text; anything else unchanged."""
    return "'" + text if formula_like(text) else text


def restore(text: str) -> str:
    """The value of a cell socmodel wrote: the inverse of :func:`neutralise`."""
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


class SafeWriter:
    """The CSV writer of every socmodel output: each cell neutralised exactly once, and a
    cell holding CR or LF always quoted. (The csv module quotes only the characters of its
    own line terminator: with ``"\n"`` a bare CR would end the row in a spreadsheet, and the
    text after it would start a new row, a formula again.) Rows end with ``newline``.
    Neutralise nowhere else: a second quote would be read back as part of the value.
    """

    def __init__(self, stream: _TextSink, *, delimiter: str = ",", newline: str = "\n") -> None:
        self._stream = stream
        self._newline = newline
        self._line = _Line()
        self._csv = csv.writer(self._line, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, cells: Iterable[object]) -> int:
        """Write one row (None as an empty cell, numbers as text); return how many of its
        cells got a protective quote."""
        raw = ["" if c is None else c if isinstance(c, str) else str(c) for c in cells]
        safe = [neutralise(cell) for cell in raw]
        self._csv.writerow(safe)
        self._stream.write(self._line.take()[:-2] + self._newline)
        return sum(len(a) != len(b) for a, b in zip(safe, raw, strict=True))


class _TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class _Line:
    """Collects what the csv module writes for one row."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return len(text)

    def take(self) -> str:
        line = "".join(self._parts)
        self._parts.clear()
        return line


def restored(table: Table) -> Table:
    """The table with every header and data cell restored (for files socmodel may have written)."""
    header = [restore(h) for h in table.header]
    if not table.apostrophes:  # no cell can start with the quote: rows stay as they are
        return dataclasses.replace(table, header=header)
    rows = ((line, [restore(c) for c in cells]) for line, cells in table.rows)
    return dataclasses.replace(table, header=header, rows=rows)
