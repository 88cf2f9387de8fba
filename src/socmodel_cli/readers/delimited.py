"""CSV and TSV exports: encoding, delimiter, numbered rows, streaming."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem, error
from socmodel_cli.readers.sniff import bom_encoding, detect_delimiter, likely_encoding
from socmodel_cli.readers.table import Table, TableProblem

MAX_FIELD = 1_000_000  # characters in one cell; a larger one is a broken quote, not data

csv.field_size_limit(MAX_FIELD)


def open_delimited(path: Path, encoding: str | None) -> Table:
    file = str(path)
    with path.open("rb") as fh:
        head = fh.read(65536)
    bom = bom_encoding(head)
    if encoding is None:
        encoding = bom or "utf-8"
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {encoding!r}; try utf-8, cp1252, latin-1 or utf-16"
            ) from None
        if bom == "utf-8-sig" and codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
    if b"\x00" in head and not encoding.startswith(("utf-16", "utf-32")):
        guess = "utf-16" if head[1:2] == b"\x00" or head[:1] == b"\x00" else None
        hint = (
            f" (it looks like {guess} without a byte-order mark: try --encoding {guess})"
            if guess
            else ""
        )
        raise TableProblem(
            error(
                "binary-file",
                f"the file contains NUL bytes: not a text CSV{hint}; expected a CSV/TSV or xlsx export",
                file=file,
                line=1,
            )
        )
    return _open_text(path, encoding)


def _open_text(path: Path, encoding: str) -> Table:
    file = str(path)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
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

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        try:
            line = 2
            for cells in reader:
                yield line, cells
                line = reader.line_num + 2
        except UnicodeDecodeError as exc:
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
    return Table(file, fmt, encoding, delimiter, header_cells, rows())


def _decode_problem(path: Path, encoding: str, exc: UnicodeDecodeError) -> Problem:
    """Locate the first undecodable byte (line and column) and name the likely encoding."""
    line, column, sample = _locate_bad_byte(path, encoding)
    guess = likely_encoding(sample) if sample else None
    if guess and codecs.lookup(guess).name == codecs.lookup(encoding).name:
        guess = None
    hint = (
        f"; it looks like {guess}: rerun with --encoding {guess}"
        if guess
        else "; rerun with --encoding NAME"
    )
    return error(
        "undecodable-bytes",
        f"bytes that are not valid {encoding} ({exc.reason}){hint}. Nothing from this file was used",
        file=str(path),
        line=line,
        column=column,
    )


def _locate_bad_byte(path: Path, encoding: str) -> tuple[int | None, int | None, bytes]:
    data_limit = 64 * 1024 * 1024
    with path.open("rb") as fh:
        data = fh.read(data_limit)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    for number, raw_line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            decoder.decode(raw_line)
        except UnicodeDecodeError as exc:
            column = len(raw_line[: exc.start].decode(encoding, errors="replace")) + 1
            return number, column, data[:65536]
    return None, None, data[:65536]
