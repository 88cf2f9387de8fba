"""Scheme values as the text a coder file holds."""

from __future__ import annotations

import re


def value_text(value: int | float | str) -> str:
    """``2`` -> ``"2"``, ``2.0`` -> ``"2"``, ``2.5`` -> ``"2.5"``, text unchanged."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 (and so xlsx) cannot hold."""
    return _NOT_XML.sub("", text)
