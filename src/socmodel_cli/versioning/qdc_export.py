"""Write a scheme as a REFI-QDA codebook (``.qdc``), strictly valid against Codebook.xsd."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from socmodel_cli import __version__
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.cells import value_text, xml_text


def _tag(name: str) -> str:
    # Plain names with xmlns set on the root: ElementTree's default_namespace option
    # refuses unqualified attributes, which REFI-QDA requires.
    return name


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
        item = ET.SubElement(
            sets, _tag("Set"), {"guid": qdc.set_guid(scheme.id, name), "name": name}
        )
        ET.SubElement(item, _tag("Description")).text = (
            f"Codes of {scheme.title} ({scheme.id} {scheme.version}) rated once per "
            f"{_unit_name(scheme, keys)} (key columns: {', '.join(keys)})."
        )
        for guid in members:
            ET.SubElement(item, _tag("MemberCode"), {"guid": guid})
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _code(parent: ET.Element, scheme: Scheme, code: Code) -> str:
    guid = code.qdc_guid or qdc.code_guid(scheme.id, code.id)
    shades = len(code.values or ()) + 1
    element = ET.SubElement(
        parent,
        _tag("Code"),
        {
            "guid": guid,
            "name": code.label,
            "isCodable": "true",
            "color": qdc.color(scheme.id, code.id),
        },
    )
    ET.SubElement(element, _tag("Description")).text = description(scheme, code)
    for i, v in enumerate(code.values or () if code.categorical else ()):
        text = value_text(v.value)
        child = ET.SubElement(
            element,
            _tag("Code"),
            {
                "guid": qdc.value_guid(guid, text),
                "name": v.label or text,
                "isCodable": "true",
                "color": qdc.color(scheme.id, code.id, i + 1, shades),
            },
        )
        parts = [v.description] if v.description else []
        parts.append(f"{qdc.VALUE_LINE}{text}")
        ET.SubElement(child, _tag("Description")).text = "\n\n".join(parts)
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
