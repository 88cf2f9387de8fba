"""REFI-QDA codebook (``.qdc``) conventions shared by export and import.

What goes where (documented in docs/versioning.md):

* every scheme code is a top-level ``Code``; the values of a nominal or ordinal code are
  nested ``Code`` elements, in rank order;
* ``guid``: the code's ``qdc_guid`` if the scheme has one (imported codebooks keep theirs),
  else a UUID5 of the scheme id and code id, so re-exports match; a value's guid is a UUID5
  of its code's guid and the value;
* ``color``: derived from the scheme and code ids, so it is stable across exports;
* the ``Description`` holds the definition and codebook text, then one line each for the
  level, unit, range and the socmodel code id, which import reads back;
* one more ``Set`` holds every code, and in its ``Description`` the whole scheme as one line
  of JSON after :data:`DATA_LINE`: what the codes' own text cannot carry (title, thresholds,
  missing-value tokens, references, provenance, migrations) comes back from it exactly. The
  Codebook XSD allows no elements of another namespace, so a ``Description`` is the place.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
import uuid

NS = "urn:QDA-XML:codebook:1.0"
SCHEMA_LOCATION = f"{NS} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# A fixed namespace for socmodel's UUID5s; never change it, or every exported guid changes.
GUID_NAMESPACE = uuid.UUID("6f1c1f52-4b7e-5d0e-9a51-3c0de5b0c0de")
GUID = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)

# Lines of a Description that carry structure (written by export, read by import).
LEVEL_LINE = "Level: "
UNIT_LINE = "Unit: "
KEYS_MARK = "; keys: "
RANGE_LINE = "Range: "
WHOLE_LINE = "Whole numbers only."
ID_LINE = "socmodel code: "
VALUE_LINE = "Value: "
# The scheme set's name and the line of its Description that carries the scheme.
DATA_LINE = "socmodel scheme data: "


def scheme_set_name(scheme_id: str) -> str:
    return f"{scheme_id}: socmodel scheme"


TEXT_PREFIXES = {
    "when_to_use": "When to use: ",
    "when_not_to_use": "When not to use: ",
    "example": "Example: ",
}


def code_guid(scheme_id: str, code_id: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{scheme_id}/{code_id}")).upper()


def value_guid(parent_guid: str, value: str) -> str:
    parent = uuid.UUID(parent_guid.strip("{}"))
    return str(uuid.uuid5(parent, f"value:{value}")).upper()


def set_guid(scheme_id: str, name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{scheme_id}/set/{name}")).upper()


def color(scheme_id: str, code_id: str, shade: int = 0, shades: int = 1) -> str:
    """``#RRGGBB`` from a hash of the ids: the same code always gets the same colour."""
    digest = hashlib.sha256(f"{scheme_id}/{code_id}".encode()).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.42 + (0.4 * shade / shades if shades > 1 else 0.0)
    r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.62)
    return f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
