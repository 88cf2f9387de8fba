"""Scheme values as the text a coder file holds."""

from __future__ import annotations


def value_text(value: int | float | str) -> str:
    """``2`` -> ``"2"``, ``2.0`` -> ``"2"``, ``2.5`` -> ``"2.5"``, text unchanged."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
