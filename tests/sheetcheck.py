"""An oracle for formula injection, written apart from socmodel's own rule (safecells.py).

A cell is unsafe when a spreadsheet could take it as a formula: its first character is a tab
or CR, or its first visible character (after spaces, invisible format characters and quote
marks) is = + - @ or a full-width / small form of one, unless the cell is a plain number.
A cell starting with the protective apostrophe is text in every spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

_TRIGGER = set("=+-@＝＋－＠﹦﹢﹣﹫")
_QUOTE_LIKE = set('"`´‘’‚‛“”„‟′″＂＇')
_PLAIN_NUMBER = re.compile(r"\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\s*", re.ASCII)


def unsafe(cell: str) -> bool:
    if not cell or cell[0] == "'":
        return False
    if cell[0] in "\t\r":
        return True
    visible = next(
        (
            ch
            for ch in cell
            if not (ch.isspace() or ch in _QUOTE_LIKE or unicodedata.category(ch) == "Cf")
        ),
        "",
    )
    if visible not in _TRIGGER:
        return False
    start = cell.index(visible)
    return _PLAIN_NUMBER.fullmatch(cell[start:]) is None


def unsafe_csv_cells(text: str, delimiter: str = ",") -> list[str]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [cell for row in rows for cell in row if unsafe(cell)]


def unsafe_xlsx_cells(path: Path) -> list[tuple[str, str, str, object]]:
    """(sheet, cell, data type, value) of every formula, error value or unsafe string."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                bad_type = c.data_type not in {"s", "n"}
                if bad_type or (isinstance(c.value, str) and unsafe(c.value)):
                    found.append((ws.title, c.coordinate, c.data_type, c.value))
    return found
