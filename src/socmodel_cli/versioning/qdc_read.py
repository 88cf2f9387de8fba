"""Read REFI-QDA codebooks leniently and safely.

Real exports from ATLAS.ti, NVivo, MAXQDA, QualCoder and Taguette bend the XSD: an empty
``<Sets/>``, a wrong or missing ``schemaLocation``, no ``color``, extra attributes, another
or no default namespace, a byte-order mark, a whole ``.qdpx`` project instead of a
codebook. All of that is accepted. What is refused, with a clear error, is XML that could
hurt: entity declarations (billion laughs), external entities or DTDs that fetch files.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from socmodel_cli.errors import InputError
from socmodel_cli.problems import error

MAX_BYTES = 20 * 1024 * 1024  # codebooks are kilobytes; a project file can be larger
MAX_DEPTH = 50  # levels of codes inside codes; real codebooks have two or three


@dataclass
class QdcCode:
    guid: str | None
    name: str
    codable: bool
    color: str | None
    description: str | None
    children: list[QdcCode] = field(default_factory=list)


@dataclass
class QdcBook:
    origin: str | None
    codes: list[QdcCode]
    sets: dict[str, list[str]]  # set name -> member code guids
    notes: list[str] = field(default_factory=list)  # what was lenient about this file
    set_texts: dict[str, str] = field(default_factory=dict)  # set name -> its Description


def read_qdc(path: Path) -> QdcBook:
    data = _bytes(path)
    if data.startswith(b"PK\x03\x04"):
        data = _project_from_zip(path, data)
    try:
        root: Element = fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise InputError(
            f"{path}: refusing XML with entity declarations or external references ({type(exc).__name__}); "
            "a REFI-QDA codebook needs neither"
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise InputError(f"{path}:{line}:{column + 1}: not well-formed XML: {exc}") from None
    return _book(root, str(path))


def _bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size / 1e6:.0f} MB is too large for a codebook")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; expected a .qdc file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _project_from_zip(path: Path, data: bytes) -> bytes:
    """A ``.qdpx`` project: its ``project.qde`` holds the codebook."""
    member = None
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = [i for i in zf.infolist() if i.filename.lower().endswith(".qde")]
            if not names:
                raise InputError(f"{path}: a zip file without a .qde project inside")
            if names[0].file_size > MAX_BYTES:
                raise InputError(f"{path}: the project inside is too large")
            member = names[0].filename
            return zf.read(names[0])
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # Truncated downloads, flipped bits, encrypted or exotic compression: all "damaged".
        where = f" (in {member})" if member else ""
        raise InputError(
            f"{path}: the project file is damaged",
            [
                error(
                    "corrupt-file",
                    f"not a readable .qdpx project{where}: {exc}; expected a REFI-QDA project "
                    "(a zip archive): export or download it again",
                    file=str(path),
                    path=member,
                )
            ],
        ) from None


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attrs(element: Element) -> dict[str, str]:
    """Attributes by lower-case local name: ``isCodable``, ``iscodable`` and ``ns:isCodable`` agree."""
    return {_local(k).lower(): v for k, v in element.attrib.items()}


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in element if _local(c.tag) == name]


def _book(root: Element, file: str) -> QdcBook:
    notes: list[str] = []
    if _local(root.tag) not in {"CodeBook", "Project"}:
        notes.append(f"root element is <{_local(root.tag)}>, not <CodeBook>; read anyway")
    codes_el = next((e for e in root.iter() if _local(e.tag) == "Codes"), None)
    if codes_el is None:
        raise InputError(f"{file}: no <Codes> element: not a REFI-QDA codebook")
    codes = [
        _code(c, notes, f"Codes/Code[{i}]", file)
        for i, c in enumerate(_children(codes_el, "Code"), 1)
    ]
    if not codes:
        raise InputError(f"{file}: the codebook has no codes")
    sets: dict[str, list[str]] = {}
    set_texts: dict[str, str] = {}
    for sets_el in (e for e in root.iter() if _local(e.tag) == "Sets"):
        for s in _children(sets_el, "Set"):
            a = _attrs(s)
            text = "".join(t for d in _children(s, "Description") for t in d.itertext()).strip()
            if text:
                set_texts[a.get("name") or "unnamed set"] = text
            members = [
                m_attrs.get("guid") or m_attrs.get("targetguid") or ""
                for m in s
                if _local(m.tag) in {"MemberCode", "CodeRef"}
                for m_attrs in [_attrs(m)]
            ]
            sets[a.get("name") or "unnamed set"] = [m for m in members if m]
    return QdcBook(_attrs(root).get("origin"), codes, sets, notes, set_texts)


def _code(element: Element, notes: list[str], where: str, file: str, depth: int = 1) -> QdcCode:
    if depth > MAX_DEPTH:
        shown = where if len(where) <= 80 else where[:40] + "/…/" + where.rsplit("/", 1)[-1]
        raise InputError(
            f"{file}: codes nested deeper than {MAX_DEPTH} levels (at {shown}); "
            "a codebook needs a few"
        )
    a = _attrs(element)
    name = " ".join((a.get("name") or "").split())
    if not name:
        name = f"unnamed {where}"
        notes.append(f"{where} has no name; called it {name!r}")
    description_el = next(iter(_children(element, "Description")), None)
    text = "".join(description_el.itertext()).strip() if description_el is not None else ""
    codable = (a.get("iscodable") or "true").strip().lower() not in {"false", "0", "no"}
    children = [
        _code(c, notes, f"{where}/Code[{i}]", file, depth + 1)
        for i, c in enumerate(_children(element, "Code"), 1)
    ]
    return QdcCode(a.get("guid"), name, codable, a.get("color"), text or None, children)
