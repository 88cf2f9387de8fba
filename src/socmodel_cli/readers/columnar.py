"""Whole columns of a large plain CSV/TSV at C speed (polars), block by block.

A *plain* file is UTF-8, has no quote character and no carriage return outside a CRLF
line end: every row is then exactly one line, so the row read ``i``-th in a block is line
``first_line + i``. Each block is checked to be plain before it is used: its rows must all
have the header's width (counted by delimiters, since polars pads short rows) and its text
must be valid UTF-8. A block that is not plain raises :class:`NotPlain`; the caller then
reads the file with the row reader (:mod:`socmodel_cli.readers.delimited`), which locates
every problem. Nothing here decides what a cell means.

Each column comes as the distinct strings of the block plus one small integer per row
(its position among them), so work that depends on a cell's text is done once per distinct
value, not once per row. Memory is bounded by the block size, not the file size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

BLOCK = 4 << 20  # bytes parsed at a time (longer than any line: rows are at most 1 MiB)


class NotPlain(Exception):
    """The file needs the row reader (a quote, a lone CR, a ragged row, bad UTF-8...)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a block: ``codes[i]`` indexes the distinct strings of ``values``."""

    codes: npt.NDArray[np.intp]
    values: list[str]


@dataclass(frozen=True, slots=True)
class Block:
    first_line: int  # line number of the block's first row
    rows: int
    columns: dict[int, Column]  # 0-based column -> its cells


def available() -> bool:
    """Whether polars imports (it is a dependency; a broken install falls back, never fails)."""
    try:
        import polars  # noqa: F401
    except Exception:  # ImportError, or a broken native library (OSError and the like)
        return False
    return True


def blocks(path: Path, delimiter: str, width: int, wanted: Sequence[int]) -> Iterator[Block]:
    """The rows after the header of ``path``, ``wanted`` columns only, one block at a time."""
    if width < 2 or len(delimiter) != 1:
        raise NotPlain("one-column file")
    sep = delimiter.encode()
    line = 2
    with path.open("rb") as fh:
        head = fh.readline(1 << 20)  # the header: rows are at most 1 MiB (the prescan checked)
        if not head.endswith(b"\n"):
            raise NotPlain("no line break after the header")
        _check_plain(head, sep, 1, width)
        rest = b""
        while True:
            data = fh.read(BLOCK)
            chunk = rest + data
            if not chunk:
                return
            cut = chunk.rfind(b"\n") + 1 if data else len(chunk)
            if cut == 0:
                raise NotPlain("a line longer than a block")
            body, rest = chunk[:cut], chunk[cut:]
            rows = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
            _check_plain(body, sep, rows, width)
            yield Block(line, rows, _parse(body, delimiter, width, wanted, rows))
            line += rows


def _check_plain(body: bytes, sep: bytes, rows: int, width: int) -> None:
    if b'"' in body or (b"\r" in body and body.count(b"\r") != body.count(b"\r\n")):
        raise NotPlain("quotes or a lone carriage return")
    # Without quotes a delimiter always separates cells: every row has width - 1 of them
    # exactly when the total matches and no row has more (polars refuses longer rows).
    if body.count(sep) != rows * (width - 1):
        raise NotPlain("a row of another width, or a blank line")


def _parse(
    body: bytes, delimiter: str, width: int, wanted: Sequence[int], rows: int
) -> dict[int, Column]:
    import polars as pl

    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            separator=delimiter,
            quote_char=None,
            schema=dict.fromkeys(names, pl.Categorical),
            columns=sorted(set(wanted)),
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            raise_if_empty=False,
            encoding="utf8",
        )
    except Exception as exc:  # polars' parse errors have no common base class of their own
        raise NotPlain(f"polars could not read the block: {exc}") from None
    if frame.height != rows:
        raise NotPlain("polars read another number of rows")
    try:
        return {i: _column(frame.get_column(f"c{i}")) for i in sorted(set(wanted))}
    except Exception as exc:  # a polars surprise costs speed (the row reader), never a crash
        raise NotPlain(f"polars could not encode a column: {exc}") from None


def _column(series: Any) -> Column:
    """A categorical column as (position among its distinct strings, the strings).

    polars reads an empty cell as null in a categorical column; it is the empty string here
    (rows are known to have every cell, so null cannot mean a missing one).
    """
    import polars as pl

    distinct = series.unique()
    ids = distinct.to_physical()
    null = np.iinfo(np.uint32).max
    known = np.asarray(ids.fill_null(null).to_numpy(), dtype=np.int64)
    known[known == null] = -1  # sorts first
    strings = distinct.cast(pl.String).to_list()
    values = ["" if v is None else v for v in strings]
    physical = np.asarray(series.to_physical().fill_null(-1).to_numpy(), dtype=np.int64)
    top = int(known.max(initial=0))
    if top < 4 * physical.size + 4096:  # category ids are small: a lookup table
        lut = np.zeros(top + 2, dtype=np.intp)
        lut[known] = np.arange(known.size)  # -1 (the empty cell) lands in the last slot
        return Column(lut[physical], values)
    order = np.argsort(known)
    position = np.searchsorted(known[order], physical)
    return Column(order[position].astype(np.intp, copy=False), values)
