"""xlsx workbooks (what coders fill in Excel): the first worksheet, streamed."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

from socmodel_cli.errors import InputError
from socmodel_cli.problems import error
from socmodel_cli.readers.table import Table, TableProblem

# A zip bomb decompresses to far more than any coder sheet; refuse before openpyxl inflates it.
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_RATIO = 200


def _check_container(path: Path) -> None:
    file = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise TableProblem(
            error("broken-xlsx", f"not a readable xlsx workbook: {exc}", file=file)
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
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
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise TableProblem(
            error(
                "broken-xlsx", "a zip file but not an xlsx workbook (no xl/workbook.xml)", file=file
            )
        )


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold: 2 -> '2', 2.0 -> '2.0', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def open_xlsx(path: Path) -> Table:
    _check_container(path)
    import openpyxl

    file = str(path)
    handle = path.open("rb")  # a file object: openpyxl would refuse a workbook named .csv
    try:
        wb = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        handle.close()
        raise TableProblem(
            error("broken-xlsx", f"not a readable xlsx workbook: {exc}", file=file)
        ) from None
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        wb.close()
        handle.close()
        raise TableProblem(error("empty-file", "the workbook has no worksheet", file=file))
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    if header_row is None or all(v is None for v in header_row):
        wb.close()
        handle.close()
        raise TableProblem(
            error(
                "empty-file",
                "the first worksheet is empty; expected a header row",
                file=file,
                line=1,
            )
        )
    header = [cell_text(v) for v in header_row]
    while header and header[-1] == "":
        header.pop()  # Excel pads rows to the widest used column
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(it, start=2):
                cells = [cell_text(v) for v in values]
                while len(cells) > width and cells[-1] == "":
                    cells.pop()
                if not any(cells):
                    continue  # formatting-only rows Excel keeps at the end of a sheet
                yield line, cells
        finally:
            wb.close()
            handle.close()

    return Table(file, "xlsx", None, None, header, rows())
