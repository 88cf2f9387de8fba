"""Excel's A1 cell references: column letters, cells and sheet-qualified names."""

from __future__ import annotations

import re

_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def column_letters(column: int) -> str:
    """1 -> ``A``, 26 -> ``Z``, 27 -> ``AA``, 16384 -> ``XFD`` (bijective base 26)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384; the inverse of :func:`column_letters`."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def cell_name(line: int, column: int) -> str:
    """Row 5, column 3 -> ``C5``."""
    return f"{column_letters(column)}{line}"


def sheet_prefix(sheet: str) -> str:
    """``Codes`` -> ``Codes!``; names with spaces or punctuation are quoted as Excel does."""
    if _PLAIN_SHEET.fullmatch(sheet) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", sheet):
        return f"{sheet}!"
    return "'" + sheet.replace("'", "''") + "'!"
