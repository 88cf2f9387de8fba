"""Write a scheme as a REFI-QDA codebook (``.qdc``), strictly valid against Codebook.xsd."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass

from socmodel_cli import __version__
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.cells import value_text, xml_text


def _tag(name: str) -> str:
    # Plain names with xmlns set on the root: ElementTree's default_namespace option
    # refuses unqualified attributes, which REFI-QDA requires.
    return name


@dataclass(frozen=True)
class CodeView:
    """A ``Code`` element as a QDA program shows it: name, description, sub-codes.

    Export writes exactly this; import compares a codebook's code with the view of the
    embedded scheme's code to tell whether someone edited it in the QDA program.
    """

    name: str
    description: str
    children: tuple[CodeView, ...] = ()

    def as_read(self) -> CodeView:
        """What a reader gets back: XML-legal text, line ends normalized, names collapsed."""
        return CodeView(
            " ".join(xml_text(self.name).split()),
            _read_text(self.description),
            tuple(c.as_read() for c in self.children),
        )


def _read_text(text: str) -> str:
    return xml_text(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def code_view(scheme: Scheme, code: Code) -> CodeView:
    values = code.values or () if code.categorical else ()
    children = []
    for v in values:
        text = value_text(v.value)
        parts = [v.description] if v.description else []
        parts.append(f"{qdc.VALUE_LINE}{text}")
        children.append(CodeView(v.label or text, "\n\n".join(parts)))
    return CodeView(code.label, description(scheme, code), tuple(children))


def export_qdc(scheme: Scheme) -> bytes:
    root = ET.Element(
        _tag("CodeBook"),
        {
            "xmlns": qdc.NS,
            "xmlns:xsi": qdc.XSI,
            "xsi:schemaLocation": qdc.SCHEMA_LOCATION,
            "origin": f"socmodel {__version__}",
        },
    )
    codes = ET.SubElement(root, _tag("Codes"))
    guids: dict[str, str] = {}
    for code in scheme.codes:
        guids[code.id] = _code(codes, scheme, code)
    by_unit: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for code in scheme.codes:
        by_unit[scheme.code_keys(code)].append(guids[code.id])
    sets = ET.SubElement(root, _tag("Sets"))
    for keys, members in by_unit.items():
        name = f"{scheme.id}: rated per {_unit_name(scheme, keys)}"
        _set(
            sets,
            qdc.set_guid(scheme.id, name),
            name,
            f"Codes of {scheme.title} ({scheme.id} {scheme.version}) rated once per "
            f"{_unit_name(scheme, keys)} (key columns: {', '.join(keys)}).",
            members,
        )
    name = qdc.scheme_set_name(scheme.id)
    _set(sets, qdc.set_guid(scheme.id, name), name, scheme_set_text(scheme), list(guids.values()))
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _set(parent: ET.Element, guid: str, name: str, text: str, members: list[str]) -> None:
    item = ET.SubElement(parent, _tag("Set"), {"guid": guid, "name": name})
    ET.SubElement(item, _tag("Description")).text = text
    for member in members:
        ET.SubElement(item, _tag("MemberCode"), {"guid": member})


def scheme_set_text(scheme: Scheme) -> str:
    """For people a sentence, for ``scheme import`` the whole scheme as one line of JSON."""
    return (
        f"All codes of the socmodel scheme {scheme.title} ({scheme.id} {scheme.version}). "
        "The last line holds the whole scheme (thresholds, missing-value tokens, references, "
        "provenance, migrations) for `socmodel scheme import`; edits to codes made here are "
        "still read from the codes themselves.\n\n" + qdc.DATA_LINE + scheme_json(scheme)
    )


def scheme_json(scheme: Scheme) -> str:
    """The scheme as compact ASCII JSON: a function of its value, not of how it was written.

    Fields at their default are left out, so equal schemes give equal codebooks.
    """
    data = scheme.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def _code(parent: ET.Element, scheme: Scheme, code: Code) -> str:
    guid = code.qdc_guid or qdc.code_guid(scheme.id, code.id)
    view = code_view(scheme, code)
    shades = len(view.children) + 1
    element = ET.SubElement(
        parent,
        _tag("Code"),
        {
            "guid": guid,
            "name": view.name,
            "isCodable": "true",
            "color": qdc.color(scheme.id, code.id),
        },
    )
    ET.SubElement(element, _tag("Description")).text = view.description
    values = code.values or () if code.categorical else ()
    for i, (v, child_view) in enumerate(zip(values, view.children, strict=True)):
        child = ET.SubElement(
            element,
            _tag("Code"),
            {
                "guid": qdc.value_guid(guid, value_text(v.value)),
                "name": child_view.name,
                "isCodable": "true",
                "color": qdc.color(scheme.id, code.id, i + 1, shades),
            },
        )
        ET.SubElement(child, _tag("Description")).text = child_view.description
    return guid


def description(scheme: Scheme, code: Code) -> str:
    """The code's text for people, then the lines import reads back."""
    paragraphs = [code.definition] if code.definition else []
    for name, prefix in qdc.TEXT_PREFIXES.items():
        text = getattr(code, name)
        if text:
            paragraphs.append(prefix + text)
    keys = scheme.code_keys(code)
    meta = [
        f"{qdc.LEVEL_LINE}{code.level}",
        f"{qdc.UNIT_LINE}{_unit_name(scheme, keys)}{qdc.KEYS_MARK}{', '.join(keys)}",
    ]
    rng = code.range
    if rng is not None and (rng.min is not None or rng.max is not None):
        if rng.min is not None and rng.max is not None:
            shown = f"{rng.min} to {rng.max}"
        elif rng.min is not None:
            shown = f"at least {rng.min}"
        else:
            shown = f"at most {rng.max}"
        meta.append(qdc.RANGE_LINE + shown)
    if code.integer:
        meta.append(qdc.WHOLE_LINE)
    meta.append(f"{qdc.ID_LINE}{code.id} (scheme {scheme.id} {scheme.version})")
    paragraphs.append("\n".join(meta))
    return "\n\n".join(paragraphs)


def _unit_name(scheme: Scheme, keys: tuple[str, ...]) -> str:
    if tuple(keys) == tuple(scheme.unit.keys):
        return scheme.unit.name
    return " x ".join(keys)
