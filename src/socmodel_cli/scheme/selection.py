"""Choosing codes by id (``--code``): the one place unknown ids become a usage error."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from socmodel_cli.errors import UsageError
from socmodel_cli.scheme.model import Code, Scheme


def selected_codes(scheme: Scheme, wanted: Sequence[str] | None) -> list[Code]:
    """The codes named in ``wanted`` (all when empty), in scheme order."""
    unknown = [c for c in wanted or () if c not in scheme.code_map]
    if unknown:
        raise UsageError(
            f"unknown code(s) {', '.join(unknown)}{_suggestions(unknown, list(scheme.code_map))}; "
            f"the scheme has: {', '.join(scheme.code_map)}"
        )
    return [c for c in scheme.codes if not wanted or c.id in wanted]


def _suggestions(unknown: list[str], known: list[str]) -> str:
    """`` (did you mean 'empathy'?)`` for the unknown ids close to a known one."""
    close = {
        name: match[0]
        for name in unknown
        if (match := difflib.get_close_matches(name, known, n=1, cutoff=0.6))
    }
    if not close:
        return ""
    if len(unknown) == 1:
        return f" (did you mean {next(iter(close.values()))!r}?)"
    shown = ", ".join(f"{match!r} for {name}" for name, match in close.items())
    return f" (did you mean {shown}?)"
