"""Bounded scans of a workbook's XML, before the cell reader builds anything.

The cell reader (python-calamine) allocates one slot per cell of the rectangle from the
first to the last cell holding a value: a single value at XFD1048576 would ask for 17
billion cells and abort the process. It also reads a formula without a saved value, and an
Excel error such as ``#N/A``, as an empty cell. One pass over the inflated sheet XML, in
chunks cut at cell boundaries, bounds that rectangle and finds those cells.

The usual pass searches at C speed: it looks one by one only at references beyond column Z
or row 99,999 (``_NOT_SMALL``) and bounds the rest by A1:Z99999. When that bound is over the
limit, a second pass takes every reference exactly. A sheet whose cells lack plain
references (no ``r``, namespace prefixes) goes to a tokenizer that positions every cell as
the reader does (slower, rare).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from socmodel_cli.a1 import column_number

CHUNK = (
    1024 * 1024
)  # of inflated XML per pass; the same CPU as larger ones, a fraction of the memory
MAX_CELLS = 10_000_000  # of the used range: the reader's grid takes 32 bytes a cell (320 MB)
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_BYTES = 256 * 1024 * 1024
MAX_LISTED = 1000  # cells listed per kind of finding; the rest are counted

_CUT = (b"<c ", b"<c>", b"<row ", b"<row>")
SMALL_ROWS, SMALL_COLUMNS = 99_999, 26  # references within A1:Z99999 are not looked at one by one
# A cell start that is not a small plain reference: a far one (captured), or an odd one.
_NOT_SMALL = re.compile(rb'<c(?=[ >])(?! r="[A-Z]\d{1,5}")(?: r="([A-Z]{1,3})(\d{1,7})"([^>]*)>)?')
_ROWS_OF_FILLED = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"[^>]*(?<!/)>')
_COLUMNS_OF_FILLED = re.compile(rb'<c r="([A-Z]{1,3})\d{1,7}"[^>]*(?<!/)>')
_ROW_REF = re.compile(rb'\br="(\d{1,12})"')
_NO_VALUE = re.compile(
    rb"<c\b([^>]*)(?<!/)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_ERROR = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)(?<!/)>(.*?)</c>', re.DOTALL)
_REF = re.compile(rb'\br="([A-Za-z]{1,7})(\d{0,12})"')
_TYPE = re.compile(rb'\bt="([^"]*)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|v|is|f)(?=[\s/>])([^>]*?)(/?)>")


@dataclass(frozen=True, slots=True)
class Finding:
    """A cell the reader would read as empty: a formula without a value, or an error value."""

    kind: str  # "formula-without-value" or "error-cell"
    row: int
    column: int
    text: str  # the formula, or the error value Excel shows


@dataclass
class SheetScan:
    rows: int  # the last row holding a value (an upper bound unless ``exact``)
    columns: int  # the last column holding a value (likewise)
    exact: bool = False
    booleans: bool = False  # TRUE/FALSE cells (``t="b"``) are present
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # every finding, listed or not

    @property
    def area(self) -> int:
        return self.rows * self.columns

    def add(self, kind: str, row: int, column: int, text: bytes) -> None:
        seen = self.counts[kind] = self.counts.get(kind, 0) + 1
        if seen <= MAX_LISTED:
            self.findings.append(Finding(kind, row, column, _unescape(text).strip()))


_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _unescape(text: bytes) -> str:
    """XML text as the user typed it (the five predefined entities; ``&amp;`` last)."""
    decoded = text.decode("utf-8", "replace")
    for entity, char in _ENTITIES:
        decoded = decoded.replace(entity, char)
    return decoded


def scan_sheet(zf: zipfile.ZipFile, member: str) -> SheetScan:
    """Bound the used range of ``member`` and find its unreadable cells.

    Raises the zip layer's errors (BadZipFile, zlib.error, EOFError) for a damaged part.
    """
    with zf.open(member) as fh:
        scan = _by_reference(_chunks(fh), exact=False)
    if scan is not None and scan.area > MAX_CELLS:
        with zf.open(member) as fh:
            scan = _by_reference(_chunks(fh), exact=True)
    if scan is None:
        with zf.open(member) as fh:
            scan = _by_token(_chunks(fh))
    return scan


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """The inflated XML in pieces that each end just before a cell or row starts."""
    tail = b""
    while True:
        block = fh.read(CHUNK)
        if not block:
            if tail:
                yield tail
            return
        buf = tail + block
        cut = _last_start(buf)
        if cut <= 0 and len(buf) > 8 * CHUNK:
            cut = buf.rfind(b"<")  # no plain cell starts (prefixed names): any tag start
        if cut <= 0:
            tail = buf  # one cell larger than a chunk: read on
            continue
        yield buf[:cut]
        tail = buf[cut:]


def _last_start(buf: bytes) -> int:
    """Where the last cell or row of ``buf`` starts (-1: none); looks near the end first."""
    window = max(0, len(buf) - 65536)
    cut = max(buf.rfind(mark, window) for mark in _CUT)
    return cut if cut >= 0 or window == 0 else max(buf.rfind(mark) for mark in _CUT)


def _by_reference(chunks: Iterator[bytes], *, exact: bool) -> SheetScan | None:
    """The pass over cell references (``<c r="C5" ...>``), at C speed.

    Not ``exact``, it looks only at references beyond column Z or row 99,999 and bounds the
    others by those; it returns None for an irregular sheet (a cell without a plain
    reference first, namespace prefixes), which needs :func:`_by_token`. ``exact`` (only
    for a sheet found regular) takes every reference. Formatted empty cells
    (``<c r="XFD1048576" s="1"/>``) hold nothing and do not count.
    """
    scan = SheetScan(rows=0, columns=0, exact=exact)
    for chunk in chunks:
        if exact:
            rows = _ROWS_OF_FILLED.findall(chunk)
            if rows:
                scan.rows = max(scan.rows, *map(int, rows))
                letters = set(_COLUMNS_OF_FILLED.findall(chunk))
                scan.columns = max(scan.columns, *(column_number(c.decode()) for c in letters))
        else:
            if b":c " in chunk:
                return None
            for letters, digits, rest in _NOT_SMALL.findall(chunk):
                if not letters:
                    return None
                if not rest.endswith(b"/"):
                    scan.rows = max(scan.rows, int(digits))
                    scan.columns = max(scan.columns, column_number(letters.decode()))
        _cells_of_note(scan, chunk)
    if not exact:
        scan.rows, scan.columns = max(scan.rows, SMALL_ROWS), max(scan.columns, SMALL_COLUMNS)
    return scan


def _cells_of_note(scan: SheetScan, chunk: bytes) -> None:
    """Formulas without a saved value and error values (``t="e"``), when the chunk has any;
    and whether it holds TRUE/FALSE cells."""
    scan.booleans = scan.booleans or b't="b"' in chunk
    if b"<f" in chunk:
        for m in _NO_VALUE.finditer(chunk):
            _formula(scan, m.group(1), m.group(2) or b"", m.group(3) is not None)
    if b't="e"' in chunk:
        for m in _ERROR.finditer(chunk):
            value = _VALUE.search(m.group(2))
            if value and value.group(1).strip():
                _place(scan, "error-cell", m.group(1), value.group(1))


def _formula(scan: SheetScan, attrs: bytes, formula: bytes, v_element: bool) -> None:
    kind = _TYPE.search(attrs)
    if v_element and kind is not None and kind.group(1) == b"str":
        return  # a saved empty text result
    _place(scan, "formula-without-value", attrs, formula)


def _place(scan: SheetScan, kind: str, attrs: bytes, text: bytes) -> None:
    ref = _REF.search(attrs)
    if ref is not None and ref.group(2):
        scan.add(kind, int(ref.group(2)), column_number(ref.group(1).decode()), text)


def _by_token(chunks: Iterator[bytes]) -> SheetScan:
    """Every cell tracked as the reader positions it (references, or one after the last)."""
    scan = SheetScan(rows=0, columns=0, exact=True)
    row = column = cell_row = 0
    in_cell = has_value = v_element = False
    kind: bytes | None = None
    formula: bytes | None = None
    value = b""
    for chunk in chunks:
        for m in _TOKEN.finditer(chunk):
            close, tag, attrs, self_closing = m.groups()
            if tag == b"c" and close:
                if in_cell:
                    if has_value:
                        scan.rows = max(scan.rows, cell_row)
                        scan.columns = max(scan.columns, column)
                        if kind == b"e":
                            scan.add("error-cell", cell_row, column, value)
                    elif formula is not None and not (v_element and kind == b"str"):
                        scan.add("formula-without-value", cell_row, column, formula)
                in_cell = False
            elif close:
                continue
            elif tag == b"row":
                ref = _ROW_REF.search(attrs)
                row = int(ref.group(1)) if ref else row + 1
                column = 0
            elif tag == b"c":
                ref = _REF.search(attrs)
                column = column_number(ref.group(1).decode()) if ref else column + 1
                cell_row = int(ref.group(2)) if ref and ref.group(2) else row
                found = _TYPE.search(attrs)
                kind = found.group(1) if found else None
                scan.booleans = scan.booleans or kind == b"b"
                in_cell = not self_closing
                has_value = v_element = False
                formula = None
            elif tag == b"v":
                v_element = True
                if not self_closing:
                    value = _text(chunk, m.end())
                    has_value = has_value or bool(value.strip())
            elif tag == b"is":
                has_value = True
            elif tag == b"f":
                formula = b"" if self_closing else _text(chunk, m.end())
    return scan


def _text(chunk: bytes, start: int) -> bytes:
    end = chunk.find(b"<", start)
    return chunk[start : end if end >= 0 else len(chunk)]


def shared_strings_size(zf: zipfile.ZipFile) -> tuple[int, int]:
    """(strings, bytes) of the shared-string table, counted with a bound on both."""
    info = zf.NameToInfo.get("xl/sharedStrings.xml")
    if info is None:
        return 0, 0
    if info.file_size > MAX_SHARED_BYTES:
        return 0, info.file_size
    strings = size = 0
    tail = b""
    with zf.open(info) as fh:
        while size <= MAX_SHARED_BYTES and strings <= MAX_SHARED_STRINGS:
            block = fh.read(CHUNK)
            if not block:
                break
            size += len(block)
            buf = tail + block
            strings += sum(buf.count(mark) for mark in (b"<si>", b"<si ", b":si>", b":si "))
            tail = buf[-3:]
    return strings, size
