"""Open a coder export as a :class:`Table`, whatever its container."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem

ZIP_MAGIC = b"PK\x03\x04"


class TableProblem(Exception):
    """The file cannot be read further (undecodable bytes, broken container); located."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


@dataclass
class Table:
    """A header and an iterator of ``(line, cells)``; line 1 is the header."""

    path: str
    format: str  # "csv", "tsv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_line: int = 1


def check_readable(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is a regular, readable file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory; expected a CSV, TSV or xlsx file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            f"{path}: is not a regular file (a FIFO or device?); expected a CSV, TSV or xlsx file"
        )
    try:
        with path.open("rb"):
            pass
    except PermissionError:
        raise InputError(f"{path}: permission denied; the file must be readable") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open: {exc.strerror or exc}") from None


def open_table(path: str | Path, encoding: str | None = None) -> Table:
    """Open ``path``; the container is decided by its first bytes, not its name."""
    path = Path(path)
    check_readable(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if head.startswith(ZIP_MAGIC):
        from socmodel_cli.readers.xlsx import open_xlsx

        return open_xlsx(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"} and head:
        from socmodel_cli.readers.sniff import looks_like_text

        hint = " it looks like text: rename it to .csv" if looks_like_text(path) else ""
        raise InputError(f"{path}: is not an xlsx workbook (not a zip container);{hint}")
    from socmodel_cli.readers.delimited import open_delimited

    return open_delimited(path, encoding)
