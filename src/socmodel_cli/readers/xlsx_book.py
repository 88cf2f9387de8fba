"""An xlsx workbook's structure: its sheets, their visibility, the active tab, and the choice
of the sheet to read. Parts are read bounded and parsed with defusedxml."""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from socmodel_cli.problems import Problem, error
from socmodel_cli.readers.table import TableProblem

MAX_PART = 16 * 1024 * 1024  # workbook.xml and its relationships: a few KB in real workbooks
HIDDEN = ("hidden", "veryHidden")
# Failures of the zip layer while inflating a part: a truncated or damaged archive.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def corrupt(file: str, message: str, part: str | None = None) -> TableProblem:
    """A ``corrupt-file`` problem: the workbook cannot be read as it stands."""
    return TableProblem(
        error(
            "corrupt-file",
            f"{message}; open and save it again in Excel, or export the sheet as CSV",
            file=file,
            path=part,
        )
    )


@dataclass(frozen=True, slots=True)
class SheetEntry:
    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    kind: str  # "worksheet", "chartsheet", "dialogsheet", "macrosheet" or "unknown"
    part: str | None  # the zip member holding it, e.g. "xl/worksheets/sheet1.xml"

    @property
    def visible(self) -> bool:
        return self.state not in HIDDEN


@dataclass(frozen=True, slots=True)
class Book:
    sheets: tuple[SheetEntry, ...]
    active: int  # index into ``sheets`` of the tab Excel opens on (``activeTab``)
    date1904: bool = False  # dates count from 1904 (old Mac workbooks), not 1900

    @property
    def tabs(self) -> list[SheetEntry]:
        """The sheets a user sees as tabs, in order: what ``--sheet N`` counts."""
        return [s for s in self.sheets if s.visible]

    def describe(self) -> str:
        """``Instructions (1), Codes (2), Old (hidden)``: every sheet, with its tab number."""
        tabs = {id(s): n for n, s in enumerate(self.tabs, start=1)}
        return ", ".join(f"{s.name!r} ({tabs.get(id(s), s.state)})" for s in self.sheets)

    def default(self) -> SheetEntry | None:
        """The active tab if it is a visible worksheet, else the first visible worksheet."""
        if 0 <= self.active < len(self.sheets):
            active = self.sheets[self.active]
            if active.visible and active.kind == "worksheet":
                return active
        return self.first_visible()

    def first_visible(self) -> SheetEntry | None:
        return next((s for s in self.sheets if s.visible and s.kind == "worksheet"), None)


def read_part(zf: zipfile.ZipFile, name: str, file: str) -> bytes:
    """A small XML part, inflated with a bound."""
    try:
        with zf.open(name) as fh:
            data = fh.read(MAX_PART + 1)
    except KeyError:
        raise corrupt(file, f"the workbook has no {name}") from None
    except ZIP_ERRORS as exc:
        raise corrupt(file, f"a damaged part: {exc}", name) from None
    if len(data) > MAX_PART:
        raise corrupt(
            file, f"{name} is over {MAX_PART // 2**20} MB, far more than a workbook needs"
        )
    return data


def parse_xml(data: bytes, name: str, file: str) -> Element:
    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    try:
        root: Element = fromstring(data)
    except ParseError as exc:
        line, column = exc.position
        raise corrupt(file, f"broken XML at line {line}, column {column + 1}", name) from None
    except DefusedXmlException as exc:
        raise corrupt(file, f"refused XML ({exc})", name) from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_book(zf: zipfile.ZipFile, file: str) -> Book:
    root = parse_xml(read_part(zf, "xl/workbook.xml", file), "xl/workbook.xml", file)
    targets = _relationships(zf, file)
    sheets: list[SheetEntry] = []
    active: int | None = None
    date1904 = False
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = el.attrib.get("date1904", "0").lower() in {"1", "true"}
        elif tag == "workbookView" and active is None:  # the first view is the one Excel opens
            value = el.attrib.get("activeTab", "0")
            active = int(value) if value.isdigit() and len(value) < 6 else 0
        elif tag == "sheet":
            rel = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            kind, part = targets.get(rel or "", ("unknown", None))
            state = el.attrib.get("state", "visible")
            sheets.append(SheetEntry(el.attrib.get("name", ""), state, kind, part))
    return Book(tuple(sheets), active or 0, date1904)


def _relationships(zf: zipfile.ZipFile, file: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (sheet kind, zip member) from ``xl/_rels/workbook.xml.rels``."""
    name = "xl/_rels/workbook.xml.rels"
    if name not in zf.NameToInfo:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for el in parse_xml(read_part(zf, name, file), name, file).iter():
        if _local(el.tag) != "Relationship":
            continue
        target = el.attrib.get("Target", "")
        kind = el.attrib.get("Type", "").rsplit("/", 1)[-1]
        part = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        found[el.attrib.get("Id", "")] = (kind, posixpath.normpath(part))
    return found


def choose_sheet(book: Book, wanted: str | None, file: str) -> SheetEntry:
    """The sheet to read: ``wanted`` (a name, else a 1-based tab number) or the default."""
    if not book.sheets:
        raise TableProblem(error("empty-file", "the workbook has no worksheet", file=file))
    if wanted is None:
        chosen = book.default()
        if chosen is None:
            raise TableProblem(
                _missing(file, f"no visible worksheet (sheets: {book.describe()})", "NAME")
            )
        return chosen
    chosen = next((s for s in book.sheets if s.name == wanted), None)
    if chosen is None:
        chosen = next((s for s in book.sheets if s.name.casefold() == wanted.casefold()), None)
    if chosen is None and wanted.strip().isdigit():
        number = int(wanted)
        if 1 <= number <= len(book.tabs):
            chosen = book.tabs[number - 1]
    if chosen is None:
        raise TableProblem(
            _missing(file, f"no sheet {wanted!r}; the workbook has: {book.describe()}", "NAME|N")
        )
    if chosen.kind != "worksheet":
        raise TableProblem(
            _missing(file, f"sheet {chosen.name!r} is a {chosen.kind}, not a worksheet", "NAME|N")
        )
    return chosen


def _missing(file: str, what: str, metavar: str) -> Problem:
    return error("missing-sheet", f"{what}; choose a worksheet with --sheet {metavar}", file=file)
