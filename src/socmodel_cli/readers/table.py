"""Open a coder export as a :class:`Table`, whatever its container."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
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
    """A header and an iterator of ``(line, cells)``; line 1 is the header.

    A workbook's table also names its worksheet, and collects the located problems its
    reader found in cells (formulas without a value, date cells) in ``problems``, complete
    once ``rows`` is exhausted.
    """

    path: str
    format: str  # "csv", "tsv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_line: int = 1
    sheet: str | None = None  # the worksheet read (xlsx)
    show_sheet: bool = False  # the sheet is not the first visible one: locations name it
    sheets_note: str = ""  # appended to header problems: which sheets the workbook has
    problems: list[Problem] = field(default_factory=list)
    # A UTF-8 text file without quotes or lone carriage returns: every row is one line, so
    # its columns may be read in bulk (:mod:`socmodel_cli.readers.columnar`) instead of
    # through ``rows``; ``close`` then releases the file ``rows`` would have read.
    plain: bool = False
    close: Callable[[], None] | None = None
    # False when no cell can begin with the apostrophe socmodel writes before formula-like
    # text (the bytes hold none), so cells need no restoring (:func:`safecells.restored`).
    apostrophes: bool = True

    def locate(self, problem: Problem) -> Problem:
        """``problem`` placed in this table's worksheet (so it renders as ``file:C5``)."""
        if self.sheet is None or problem.sheet is not None or problem.file != self.path:
            return problem
        return replace(problem, sheet=self.sheet, show_sheet=self.show_sheet)


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


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about how to read a file; each reader takes what applies to it."""

    encoding: str | None = None  # text files that are not UTF-8
    sheet: str | None = None  # workbooks: a sheet name or 1-based tab number


Opener = Callable[[Path, ReadOptions], Table]


@dataclass(frozen=True)
class Reader:
    """One file format: how to recognise it and how to open it.

    A reader with ``magic`` claims every file that starts with those bytes, whatever its
    name; its ``suffixes`` only serve to explain a file that is named like it but is not.
    The reader without ``magic`` reads everything else (text). ``opener`` imports its module
    on first use, so commands that read no such file never pay for it.
    """

    name: str
    suffixes: frozenset[str]
    magic: bytes | None
    opener: Opener


def _open_xlsx(path: Path, options: ReadOptions) -> Table:
    from socmodel_cli.readers.xlsx import open_xlsx

    return open_xlsx(path, options.sheet)


def _open_delimited(path: Path, options: ReadOptions) -> Table:
    from socmodel_cli.readers.delimited import open_delimited

    return open_delimited(path, options.encoding)


# The formats, most specific first (the model: check-jsonschema's parser set).
READERS: tuple[Reader, ...] = (
    Reader("xlsx", frozenset({".xlsx", ".xlsm"}), ZIP_MAGIC, _open_xlsx),
    Reader("delimited", frozenset({".csv", ".tsv", ".txt"}), None, _open_delimited),
)


def reader_for(path: Path, head: bytes) -> Reader:
    """The reader of a file that starts with ``head``: its content decides, not its name."""
    for reader in READERS:
        if reader.magic is not None and head.startswith(reader.magic):
            return reader
    for reader in READERS:
        if reader.magic is not None and path.suffix.lower() in reader.suffixes and head:
            from socmodel_cli.readers.sniff import looks_like_text

            hint = " it looks like text: rename it to .csv" if looks_like_text(path) else ""
            raise InputError(
                f"{path}: is not an {reader.name} workbook (not a zip container);{hint}"
            )
    return next(r for r in READERS if r.magic is None)


def open_table(path: str | Path, encoding: str | None = None, *, sheet: str | None = None) -> Table:
    """Open ``path`` with the reader its first bytes call for (:func:`reader_for`).

    ``sheet`` picks a workbook's worksheet by name or 1-based tab number (default: the
    visible active one); ``encoding`` applies to text files that are not UTF-8.
    """
    path = Path(path)
    check_readable(path)
    longest = max(len(r.magic) for r in READERS if r.magic is not None)
    try:
        with path.open("rb") as fh:
            head = fh.read(longest)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return reader_for(path, head).opener(path, ReadOptions(encoding, sheet))
