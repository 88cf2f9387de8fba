"""xlsx workbooks (what coders fill in Excel): one worksheet, read as the coder saw it.

The sheet is the visible active one (the tab Excel opens on) unless ``--sheet`` names
another. Cells are read with python-calamine (values Excel saved, so formulas give their
results), after bounded checks of the archive (:mod:`xlsx_book`, :mod:`xlsx_scan`): nothing
is inflated or allocated past documented limits. Cells that would otherwise read wrongly
become located problems: a formula without a saved value, an Excel error value, a number
shown as a date.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Unpack

from socmodel_cli.a1 import cell_name
from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem, Where, error
from socmodel_cli.readers.table import Table, TableProblem
from socmodel_cli.readers.xlsx_book import (
    ZIP_ERRORS,
    SheetEntry,
    choose_sheet,
    corrupt,
    read_book,
)
from socmodel_cli.readers.xlsx_scan import (
    MAX_CELLS,
    MAX_SHARED_BYTES,
    MAX_SHARED_STRINGS,
    SheetScan,
    scan_sheet,
    shared_strings_size,
)

# A zip bomb decompresses to far more than any coder sheet; refuse before inflating it.
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200
MOMENTS = (dt.date, dt.time, dt.timedelta)  # dt.datetime is a dt.date


def _check_container(path: Path, zf: zipfile.ZipFile) -> None:
    file = str(path)
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 50 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise TableProblem(
            error(
                "xlsx-too-large",
                f"the workbook would expand to {total / 1e6:,.0f} MB (compression ratio {total / packed:,.0f}:1);"
                " refusing a likely zip bomb. Export the sheet as CSV instead",
                file=file,
            )
        )
    if "xl/workbook.xml" not in zf.NameToInfo:
        raise corrupt(file, "a zip file but not an xlsx workbook (no xl/workbook.xml)")


def number_text(value: float) -> str:
    """A number as Excel shows it at full precision (15 significant digits): 2.0 -> '2'."""
    text = format(value, ".15g")
    return "0" if text == "-0" else text


def cell_text(value: object) -> str:
    """A header cell as text; dates and times in ISO form (they are reported in data rows)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return "" if value is None else str(value)


def open_xlsx(path: Path, sheet: str | None = None) -> Table:
    file = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise corrupt(
            file, f"not a readable xlsx workbook (a damaged or truncated zip: {exc})"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with zf:
        _check_container(path, zf)
        book = read_book(zf, file)
        chosen = choose_sheet(book, sheet, file)
        show = chosen != book.first_visible()
        if chosen.part is None or chosen.part not in zf.NameToInfo:
            raise corrupt(
                file, f"the workbook lists sheet {chosen.name!r} but holds no data for it"
            )
        _check_shared_strings(zf, file)
        try:
            scan = scan_sheet(zf, chosen.part)
        except ZIP_ERRORS as exc:
            raise corrupt(file, f"a damaged part: {exc}", chosen.part) from None
    note = (
        f"; sheet {chosen.name!r} was read, of {book.describe()}: choose another with --sheet NAME|N"
        if len(book.sheets) > 1
        else ""
    )
    where = _Where(file, chosen.name, show, note, book.date1904, scan.booleans)
    if scan.area > MAX_CELLS:
        raise TableProblem(_too_large(where, scan))
    table = _table(where, _grid(path, chosen))
    table.problems.extend(_findings(where, scan))
    return table


@dataclass(frozen=True, slots=True)
class _Where:
    """The sheet being read, and what its cells' problems need to say."""

    file: str
    sheet: str
    show: bool  # name the sheet in locations (it is not the first visible one)
    note: str  # which sheets the workbook has, for problems about the header
    date1904: bool
    booleans: bool  # the sheet has TRUE/FALSE cells

    def error(self, kind: str, message: str, **where: Unpack[Where]) -> Problem:
        """A problem in this sheet (``where`` gives the cell and what it involves)."""
        found = error(kind, message, **where)
        return replace(found, file=self.file, sheet=self.sheet, show_sheet=self.show)


def _check_shared_strings(zf: zipfile.ZipFile, file: str) -> None:
    try:
        strings, size = shared_strings_size(zf)
    except ZIP_ERRORS as exc:
        raise corrupt(file, f"a damaged part: {exc}", "xl/sharedStrings.xml") from None
    if strings > MAX_SHARED_STRINGS or size > MAX_SHARED_BYTES:
        raise TableProblem(
            error(
                "xlsx-too-large",
                f"the workbook's shared-string table holds {strings:,} strings in {size / 1e6:,.0f} MB,"
                f" over the limits ({MAX_SHARED_STRINGS:,} strings, {MAX_SHARED_BYTES // 2**20} MB);"
                " export the sheet as CSV instead",
                file=file,
                path="xl/sharedStrings.xml",
            )
        )


def _too_large(where: _Where, scan: SheetScan) -> Problem:
    far = cell_name(scan.rows, scan.columns)
    return where.error(
        "xlsx-too-large",
        f"the sheet's data reaches {far}: {scan.area:,} cells to read, over the limit of"
        f" {MAX_CELLS:,}; delete what lies beyond your data (Ctrl+End in Excel goes there)"
        " or export the sheet as CSV",
        line=scan.rows,
        column=scan.columns,
    )


def _grid(path: Path, chosen: SheetEntry) -> Any:
    """The sheet's cells through python-calamine (only after the bounds above held)."""
    import python_calamine

    file = str(path)
    try:
        with path.open("rb") as fh:  # a file object: the reader would go by a .csv name
            wb = python_calamine.CalamineWorkbook.from_filelike(fh)
        try:
            return wb.get_sheet_by_name(chosen.name)
        finally:
            wb.close()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # its errors, and a Rust panic (a BaseException) on odd input
        raise corrupt(file, f"the sheet cannot be read: {exc}", chosen.part) from None


def _table(where: _Where, grid: Any) -> Table:
    start: tuple[int, int] | None = grid.start
    end: tuple[int, int] | None = grid.end
    if start is None or end is None:
        raise TableProblem(
            where.error(
                "empty-file",
                f"the sheet {where.sheet!r} is empty; expected a header row{where.note}",
            )
        )
    it: Iterator[list[Any]] = iter(grid.iter_rows())
    first = next(it, [])
    # The reader's rows may start at row 1 or at the first used row; columns likewise.
    line = 1 if start[0] > 0 and all(v == "" for v in first) else start[0] + 1
    pad = 0 if len(first) == end[1] + 1 else start[1]
    values: list[Any] | None = first
    while values is not None and all(v == "" for v in values):
        values = next(it, None)
        line += 1
    header = [*([""] * pad), *(cell_text(v) for v in values or ())]
    while header and header[-1] == "":
        header.pop()  # Excel pads rows to the widest used column
    table = Table(
        where.file,
        "xlsx",
        None,
        None,
        header,
        iter(()),
        header_line=line,
        sheet=where.sheet,
        show_sheet=where.show,
        sheets_note=where.note,
    )
    table.rows = _rows(it, line, len(header), pad, table.problems.append, where)
    return table


def _rows(
    it: Iterator[list[Any]],
    line: int,
    width: int,
    pad: int,
    report: Callable[[Problem], None],
    where: _Where,
) -> Iterator[tuple[int, list[str]]]:
    moments: list[object] = []
    texts = _CellTexts(moments.append)
    text = texts.__getitem__ if not where.booleans else texts.text
    padding = [""] * pad
    for values in it:
        line += 1
        cells = list(map(text, values))
        if moments:
            for i, v in enumerate(values):
                if isinstance(v, MOMENTS):
                    report(_date_cell(v, line, pad + i + 1, where))
            moments.clear()
        if pad:
            cells = padding + cells
        while len(cells) > width and cells[-1] == "":
            cells.pop()
        if cells and (cells[0] or any(cells)):  # rows Excel keeps for formatting are skipped
            yield line, cells


class _CellTexts(dict[object, str]):
    """Each cell value's text, made once: values and keys repeat, and one shared string per
    value keeps its hash for the lookups validation makes. Dates, times and durations are
    handed to ``moment`` (to be reported) and read as empty, never kept.

    As a dict it cannot tell TRUE from 1 (they are equal keys): with TRUE/FALSE cells in the
    sheet, :meth:`text` is used instead.
    """

    def __init__(self, moment: Callable[[object], None]) -> None:
        super().__init__()
        self.moment = moment

    def __missing__(self, value: object) -> str:
        if isinstance(value, MOMENTS):
            self.moment(value)
            return ""
        if len(self) >= 65536:
            self.clear()  # bounded, whatever the sheet
        text = self[value] = _text(value)
        return text

    def text(self, value: object) -> str:
        if value.__class__ is bool:
            return "TRUE" if value else "FALSE"
        return self[value]


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value)
    return str(value)


def _date_cell(value: object, line: int, column: int, where: _Where) -> Problem:
    shown, what = _moment(value)
    serial = _serial(value, where.date1904)
    number = f" (the cell holds {number_text(serial)})" if serial is not None else ""
    return where.error(
        "date-cell",
        f"looks like {what} ({shown}): the column was formatted as a date or time in Excel{number};"
        " format it as a number (Format Cells > Number) and check the value",
        line=line,
        column=column,
        value=shown,
    )


def _moment(value: object) -> tuple[str, str]:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat(), "a date"
        return value.isoformat(sep=" ", timespec="seconds"), "a date and time"
    if isinstance(value, dt.date):
        return value.isoformat(), "a date"
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds"), "a time of day"
    assert isinstance(value, dt.timedelta)
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}", "a duration"


def _serial(value: object, date1904: bool) -> float | None:
    """The number behind a date cell: days since Excel's epoch, the fraction being the time.

    Excel's 1900 system counts a 29 February 1900 that never was, so its serials before
    1 March 1900 are one less than the day count; 59 and 60 both read as 28 February (None).
    """
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    assert isinstance(value, dt.date)
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    if date1904:
        return (moment - dt.datetime(1904, 1, 1)).total_seconds() / 86400
    if moment.date() == dt.date(1900, 2, 28):
        return None
    days = (moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return days - 1 if moment < dt.datetime(1900, 3, 1) else days


def _findings(where: _Where, scan: SheetScan) -> list[Problem]:
    found = []
    for f in scan.findings:
        if f.kind == "formula-without-value":
            formula = f"={f.text}" if f.text else "(a shared formula)"
            formula = formula if len(formula) <= 60 else formula[:57] + "..."
            message = (
                f"the formula {formula} has no saved value (the file was written by a program"
                " that does not calculate): open and save it in Excel or LibreOffice, or type"
                " the value"
            )
        else:
            message = (
                f"the cell shows the Excel error {f.text}: correct its formula or type the value"
            )
        found.append(
            where.error(f.kind, message, line=f.row, column=f.column, value=f.text or None)
        )
    listed = Counter(f.kind for f in scan.findings)
    for kind, count in scan.counts.items():
        if count > listed[kind]:
            message = f"{count:,} such cells in all; the first {listed[kind]:,} are listed"
            found.append(where.error(kind, message))
    return found
