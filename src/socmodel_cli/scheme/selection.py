"""Choosing codes by id (``--code``): the one place unknown ids become a usage error."""

from __future__ import annotations

from collections.abc import Sequence

from socmodel_cli.errors import UsageError
from socmodel_cli.scheme.model import Code, Scheme


def selected_codes(scheme: Scheme, wanted: Sequence[str] | None) -> list[Code]:
    """The codes named in ``wanted`` (all when empty), in scheme order."""
    unknown = [c for c in wanted or () if c not in scheme.code_map]
    if unknown:
        raise UsageError(
            f"unknown code(s) {', '.join(unknown)}; the scheme has: {', '.join(scheme.code_map)}"
        )
    return [c for c in scheme.codes if not wanted or c.id in wanted]
