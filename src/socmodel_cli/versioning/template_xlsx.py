"""The coding sheet as an Excel workbook that helps coders enter only allowed values.

Sheet "ratings" (first, so ``validate`` reads it): frozen header row and key columns, a
dropdown of the declared values for nominal and ordinal codes, whole-number or decimal
validation with the range for numeric codes, the value labels in each code's header
comment, and grey cells where a code is not rated (session-level codes below the first row
of a session). Sheet "codebook": every code and value with its label and description.
Every text cell is a string cell (never a formula or an error value) whose text went through
:func:`socmodel_cli.safecells.neutralise`, whatever its source (units file, coder name, scheme).
"""

from __future__ import annotations

import io
import re
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from socmodel_cli.safecells import neutralise
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.versioning.cells import value_text, xml_text
from socmodel_cli.versioning.template import Template

GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER = PatternFill("solid", fgColor="BDD7EE")
_INT = re.compile(r"^(0|-?[1-9]\d{0,14})$")
INLINE_LIMIT = 255  # Excel's limit for a list typed into the validation itself


def template_xlsx(template: Template) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "ratings"
    book = wb.create_sheet("codebook")
    value_rows = _codebook(book, template.scheme)
    header = template.header
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col)
        _text(cell, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER
        ws.column_dimensions[get_column_letter(col)].width = max(10, len(name) + 2)
    for i in range(len(template.units)):
        for col, text in enumerate(template.row(i), start=1):
            if text:
                _put(ws.cell(row=i + 2, column=col), text)
    first_code_col = len(template.keys) + 1
    for offset, code in enumerate(template.scheme.codes):
        col = first_code_col + offset
        letter = get_column_letter(col)
        rated = template.rated[code.id]
        comment = Comment(xml_text(_comment(template, code)), "socmodel")
        comment.width, comment.height = 320, 40 + 16 * (len(code.values or ()) + 3)
        ws.cell(row=1, column=col).comment = comment
        validation = _validation(code, value_rows.get(code.id))
        if validation is not None:
            ws.add_data_validation(validation)
        for i, ok in enumerate(rated):
            if not ok:
                ws.cell(row=i + 2, column=col).fill = GREY
        if validation is not None:
            for start, end in _true_runs(rated):
                validation.add(f"{letter}{start + 2}:{letter}{end + 2}")
    ws.freeze_panes = f"{get_column_letter(first_code_col)}2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _put(cell: Cell | MergedCell, text: str) -> None:
    """Numbers that are plainly integers as numbers (no 'number stored as text'), else text."""
    if _INT.match(text):
        cell.value = int(text)
    else:
        _text(cell, text)


def _text(cell: Cell | MergedCell, text: str) -> None:
    """A string cell: formula-like text quoted; the type forced, since openpyxl makes text
    starting with '=' a formula and '#N/A' (and the other error codes) an error value."""
    cell.value = neutralise(xml_text(text))
    cell.data_type = "s"


def _true_runs(flags: tuple[bool, ...]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate((*flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _comment(template: Template, code: Code) -> str:
    lines = [f"{code.label} ({code.level})"]
    if code.categorical:
        lines += [
            f"{value_text(v.value)} = {v.label}" if v.label else value_text(v.value)
            for v in code.values or ()
        ]
    else:
        lines.append(_numeric_rule(code))
    keys = template.scheme.code_keys(code)
    if tuple(keys) != template.keys:
        lines.append(f"Rated once per {', '.join(keys)}: on its first row (grey cells stay empty).")
    lines.append("Leave a cell empty for 'not coded'.")
    return "\n".join(lines)


def _numeric_rule(code: Code) -> str:
    kind = "a whole number" if code.integer else "a number"
    rng = code.range
    low = rng.min if rng is not None else None
    high = rng.max if rng is not None else None
    if low is None and code.level == "ratio":
        low = 0
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    if low is not None:
        return f"{kind} of at least {low}"
    if high is not None:
        return f"{kind} of at most {high}"
    return kind


def _validation(code: Code, rows: tuple[int, int] | None) -> DataValidation | None:
    if code.categorical:
        texts = [neutralise(xml_text(value_text(v.value))) for v in code.values or ()]
        inline = ",".join(texts)
        if len(inline) + 2 <= INLINE_LIMIT and not any(("," in t or '"' in t) for t in texts):
            formula = f'"{inline}"'
        else:
            assert rows is not None
            formula = f"codebook!$D${rows[0]}:$D${rows[1]}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = f"Expected one of: {', '.join(texts)}"[:255]
    else:
        rng = code.range
        low = rng.min if rng is not None else None
        high = rng.max if rng is not None else None
        if low is None and code.level == "ratio":
            low = 0
        kind: Literal["whole", "decimal"] = "whole" if code.integer else "decimal"
        if low is not None and high is not None:
            dv = DataValidation(
                type=kind, operator="between", formula1=str(low), formula2=str(high)
            )
        elif low is not None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
        elif high is not None:
            dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(high))
        elif code.integer:
            dv = DataValidation(
                type="whole", operator="between", formula1="-1000000000", formula2="1000000000"
            )
        else:
            return None
        dv.allow_blank = True
        dv.error = f"Expected {_numeric_rule(code)}"
    dv.errorTitle = f"{code.id}: not an allowed value"
    dv.showErrorMessage = True
    dv.promptTitle = code.id[:32]
    dv.prompt = xml_text(code.label)[:255]
    dv.showInputMessage = True
    return dv


def _codebook(ws: Worksheet, scheme: Scheme) -> dict[str, tuple[int, int]]:
    """Write the codebook sheet; return each categorical code's rows of values (column D)."""
    header = ["code", "label", "level", "value", "value label", "value meaning", "definition"]
    for col, name in enumerate(header, start=1):
        _text(ws.cell(row=1, column=col), name)
        ws.cell(row=1, column=col).font = Font(bold=True)
    widths = (24, 36, 10, 26, 28, 60, 80)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    row = 2
    spans: dict[str, tuple[int, int]] = {}
    for code in scheme.codes:
        start = row
        _text(ws.cell(row=row, column=1), code.id)
        _text(ws.cell(row=row, column=2), code.label)
        _text(ws.cell(row=row, column=3), code.level)
        if code.categorical:
            for v in code.values or ():
                if isinstance(v.value, str):
                    _text(ws.cell(row=row, column=4), v.value)
                else:
                    ws.cell(row=row, column=4, value=v.value)
                _optional(ws.cell(row=row, column=5), v.label)
                _optional(ws.cell(row=row, column=6), v.description)
                row += 1
            spans[code.id] = (start, row - 1)
        else:
            _text(ws.cell(row=row, column=6), _numeric_rule(code))
            row += 1
        _optional(ws.cell(row=start, column=7), code.definition)
    return spans


def _optional(cell: Cell | MergedCell, text: str | None) -> None:
    if text is not None:
        _text(cell, text)
