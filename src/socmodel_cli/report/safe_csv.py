"""CSV cells that a spreadsheet will not execute (formula injection)."""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula; numbers pass unchanged."""
    if text.startswith(_TRIGGERS):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text
