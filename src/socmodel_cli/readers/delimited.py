"""CSV and TSV exports: encoding, delimiter, numbered rows, streaming, bounded work.

Every physical line is read with a size limit and every row's cells are counted before
the csv module builds them, so a file with no line breaks or a row of millions of cells
costs bounded memory and ends in a located problem (limits in docs/bad-inputs.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem, error
from socmodel_cli.readers import encoding as enc
from socmodel_cli.readers.sniff import detect_delimiter
from socmodel_cli.readers.table import Table, TableProblem

MAX_FIELD = 1_000_000  # characters in one cell; a larger one is a broken quote, not data
MAX_LINE = (
    1024 * 1024
)  # characters in one row (one line, or several when a quoted cell spans lines)
MAX_CELLS = 100_000  # cells in one row; the widest real exports have a few thousand columns
# A row is parsed before its cells can be counted; MAX_LINE bounds what that costs (about
# 10 MB at worst), so MAX_CELLS is checked on a bounded list.
HEAD = 65536

csv.field_size_limit(MAX_FIELD)


def open_delimited(path: Path, encoding: str | None) -> Table:
    if encoding is not None:
        try:
            encoding = enc.check_encoding(encoding)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    with path.open("rb") as fh:
        head = fh.read(HEAD)
    return _open_text(path, _decide(path, head, encoding))


def _decide(path: Path, head: bytes, requested: str | None) -> str:
    """The encoding this file is read with (rules in :mod:`socmodel_cli.readers.encoding`)."""
    bom = enc.bom_encoding(head)
    if bom is not None:
        return bom
    wanted = enc.family(requested) if requested else None
    if b"\x00" in head:
        if requested is not None and wanted in {"utf-16", "utf-32"}:
            exact = requested.lower().replace("_", "-").endswith(("-le", "-be"))
            return requested if exact else enc.wide_byte_order(head, wanted)
        raise TableProblem(_binary(path, head))
    if requested is None or wanted != "legacy":
        return "utf-8"
    bad = enc.find_undecodable(path, "utf-8")
    if bad is None:
        return "utf-8"  # valid UTF-8 is never read with a code page
    if bad.earlier_non_ascii is not None:
        raise TableProblem(
            error(
                "mixed-encoding",
                f"line {bad.earlier_non_ascii} is UTF-8 text but line {bad.line} is not UTF-8: "
                "the file mixes encodings (rows pasted from another export?), so reading it as "
                f"{requested} would garble the UTF-8 rows; re-save the whole file as UTF-8",
                file=str(path),
                line=bad.line,
                column=bad.column,
            )
        )
    return requested


def _binary(path: Path, head: bytes) -> Problem:
    nul = head.index(b"\x00")
    part = head[:nul]
    line = part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n") + 1
    guess = enc.looks_wide(head)
    hint = (
        f" (it looks like {guess} without a byte-order mark: try --encoding {guess})"
        if guess
        else ""
    )
    return error(
        "binary-file",
        f"the file contains NUL bytes: not a text CSV{hint}; expected a CSV/TSV or xlsx export",
        file=str(path),
        line=1 if guess else line,
    )


@dataclass(frozen=True, slots=True)
class _Scan:
    quotes: bool  # some cell is quoted, so a row may span lines
    lone_cr: bool  # a carriage return that does not end a CRLF (an old-Mac line end?)
    apostrophe: bool  # some cell may be one socmodel protected from spreadsheets ('=...)


def _prescan(path: Path) -> _Scan:
    """One pass over the bytes, 1 MiB at a time: over-long lines and NUL bytes, located.

    For encodings where a line break is the byte ``\n`` or ``\r`` (UTF-8 and code pages),
    this costs a fraction of reading the rows, and lets a file without quotes be read by the
    csv module at full speed: its lines are known to be short and its rows one line each.
    """
    file = str(path)
    lines = enc.LineCounter()
    quotes = lone_cr = apostrophe = False
    run = 0  # bytes of the current line seen so far
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(enc.CHUNK):
            nul = chunk.find(b"\x00")
            breaks = [i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0]
            first = min(breaks, default=-1)
            if run + (len(chunk) if first < 0 else first) > MAX_LINE:
                raise TableProblem(_too_long(file, lines.line, lines.line))
            if nul >= 0:
                before = max(chunk.rfind(b"\n", 0, nul), chunk.rfind(b"\r", 0, nul))
                column = nul - before if before >= 0 else run + nul + 1
                raise TableProblem(_nul(file, lines.line_at(chunk, nul), column))
            quotes = quotes or b'"' in chunk
            apostrophe = apostrophe or b"'" in chunk
            # (a CRLF split between two chunks counts as lone: only the bulk path is lost)
            lone_cr = lone_cr or (b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"))
            last = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            run = run + len(chunk) if last < 0 else len(chunk) - last - 1
            lines.advance(chunk, offset)
            offset += len(chunk)
    return _Scan(quotes, lone_cr, apostrophe)


def _open_text(path: Path, encoding: str) -> Table:
    file = str(path)
    fast = plain = False
    apostrophes = True
    if enc.family(encoding) not in {"utf-16", "utf-32"}:
        scan = _prescan(path)
        fast = not scan.quotes
        plain = fast and not scan.lone_cr and enc.family(encoding) == "utf-8"
        apostrophes = scan.apostrophe
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    readline = text.readline
    try:
        first = readline(MAX_LINE + 1)
        if len(first) > MAX_LINE:
            raise TableProblem(_too_long(file, 1, 1))
        if "\x00" in first:
            raise TableProblem(_nul(file, 1, first.index("\x00") + 1))
    except TableProblem:
        raw.close()
        raise
    except UnicodeError as exc:
        raw.close()
        raise TableProblem(_decode_problem(path, encoding, exc)) from None
    if not first.strip():
        raw.close()
        raise TableProblem(
            error(
                "empty-file",
                "the file is empty; expected a header row and coded rows",
                file=file,
                line=1,
            )
        )
    delimiter = detect_delimiter(first, path.suffix.lower())
    header_cells = next(csv.reader([first], delimiter=delimiter), [])
    if len(header_cells) > MAX_CELLS:
        raw.close()
        raise TableProblem(_too_many(file, 1, len(header_cells)))
    # Shared by the two generators below: the row being read starts at line ``start`` and
    # has ``row_chars`` characters so far (the csv module asks for more lines while a quoted
    # cell is open). This runs once per line, so it is kept to a few operations.
    start = 2
    row_chars = 0
    reader: Any = None

    def lines() -> Iterator[str]:
        nonlocal row_chars
        limit = MAX_LINE + 1
        while line := readline(limit):
            row_chars += len(line)
            if row_chars > MAX_LINE:
                raise TableProblem(_too_long(file, start, reader.line_num + 2))
            if "\x00" in line:
                raise TableProblem(_nul(file, reader.line_num + 2, line.index("\x00") + 1))
            yield line

    def rows() -> Iterator[tuple[int, list[str]]]:
        nonlocal start, row_chars, reader
        # Without quotes every row is one checked line: the csv module reads the file itself.
        reader = csv.reader(text if fast else lines(), delimiter=delimiter, strict=False)
        try:
            for cells in reader:
                if len(cells) > MAX_CELLS:
                    raise TableProblem(_too_many(file, start, len(cells)))
                yield start, cells
                start = reader.line_num + 2
                row_chars = 0
        except UnicodeError as exc:
            raise TableProblem(_decode_problem(path, encoding, exc)) from None
        except csv.Error as exc:
            raise TableProblem(
                error(
                    "malformed-csv",
                    f"{exc}; expected a well-formed CSV (check for an unterminated quote)",
                    file=file,
                    line=reader.line_num + 1,
                )
            ) from None
        finally:
            raw.close()

    fmt = "tsv" if delimiter == "\t" else "csv"
    return Table(
        file,
        fmt,
        encoding,
        delimiter,
        header_cells,
        rows(),
        plain=plain,
        close=raw.close,
        apostrophes=apostrophes,
    )


_STOP = "The file was not read further"


def _too_long(file: str, start: int, line: int) -> Problem:
    what = (
        f"a row longer than 1 MiB ({MAX_LINE:,} characters), running from line {start} to "
        f"line {line}: an unterminated quote?"
        if line > start
        else f"a line longer than 1 MiB ({MAX_LINE:,} characters): a file without line "
        "breaks, or not a CSV?"
    )
    return error(
        "line-too-long",
        f"{what}; expected rows of a coder export. {_STOP}",
        file=file,
        line=start,
    )


def _too_many(file: str, line: int, cells: int) -> Problem:
    return error(
        "too-many-cells",
        f"a row with {cells:,} cells, more than {MAX_CELLS:,}; expected the columns of a coder "
        f"export. {_STOP}",
        file=file,
        line=line,
    )


def _nul(file: str, line: int, column: int) -> Problem:
    return error(
        "binary-file",
        "a NUL character: not a text CSV (a binary file, or files run together?); "
        f"expected a CSV/TSV or xlsx export. {_STOP}",
        file=file,
        line=line,
        column=column,
    )


def _decode_problem(path: Path, encoding: str, exc: UnicodeError) -> Problem:
    """Locate the first undecodable byte (line and column) and suggest an encoding."""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    bad = enc.find_undecodable(path, encoding)
    hint = "; rerun with --encoding NAME (e.g. cp1252 for Windows Excel in Western Europe)"
    if enc.family(encoding) in {"utf-16", "utf-32"}:
        hint = (
            "; the file looks damaged (cut short, or edited as another encoding): export it again"
        )
    elif bad is not None and bad.raw_line is not None:
        sample = _sample(path, bad.offset)
        guess = enc.describe_guess(bad.raw_line, bad.at, sample, encoding)
        if guess is not None:
            hint = _hint(guess, bad.line)
    return error(
        "undecodable-bytes",
        f"bytes that are not valid {encoding} ({reason}){hint}. Nothing from this file was used",
        file=str(path),
        line=bad.line if bad else None,
        column=bad.column if bad else None,
    )


def _sample(path: Path, offset: int) -> list[bytes]:
    """Up to 200 lines with non-ASCII bytes, from the bad byte's line on (64 KiB at most)."""
    with path.open("rb") as fh:
        fh.seek(max(offset - 4096, 0))
        data = fh.read(HEAD)
    return [line for line in data.splitlines() if not line.isascii()][:200]


def _hint(guess: enc.Guess, line: int) -> str:
    label = f" ({guess.label})" if guess.label else ""
    shown = f"line {line} would read {_excerpt(guess.reads)}"
    if guess.other is not None:
        name, reads = guess.other
        return (
            f"; it looks like {guess.encoding}{label}, though {name} is possible: as "
            f"{guess.encoding} {shown}, as {name} {_excerpt(reads)}; rerun with "
            f"--encoding {guess.encoding} (or --encoding {name}, whichever reads right)"
        )
    how = "it looks like" if guess.sure else "it may be"
    return f"; {how} {guess.encoding}{label}: {shown}; rerun with --encoding {guess.encoding}"


def _excerpt(text: str) -> str:
    return f"“{text}”"
