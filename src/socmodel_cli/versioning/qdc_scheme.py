"""The scheme a socmodel export carries inside a codebook, read back and matched to its codes.

Export writes the whole scheme as one JSON line in the Description of the scheme set (see
:mod:`socmodel_cli.versioning.qdc`). On import each top-level code is matched to the
embedded scheme's codes by guid; a code whose name, description and sub-codes are still
what export wrote is taken from the embedded scheme exactly, one that someone edited in
the QDA program is read from its text like any other codebook's code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from socmodel_cli.errors import SchemeError
from socmodel_cli.scheme.load import scheme_from_located
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.scheme.yamlsource import Located
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.qdc_export import CodeView, code_view
from socmodel_cli.versioning.qdc_read import QdcBook, QdcCode


@dataclass(frozen=True)
class Embedded:
    """The embedded scheme, and for each top-level code of the book its match (or None)."""

    scheme: Scheme
    matches: tuple[Code | None, ...]
    exact: tuple[bool, ...]  # the code is unchanged since export

    @property
    def removed(self) -> list[str]:
        """Codes of the embedded scheme the book no longer has."""
        kept = {c.id for c in self.matches if c is not None}
        return [c.id for c in self.scheme.codes if c.id not in kept]


def embedded_scheme(book: QdcBook, notes: list[str]) -> Embedded | None:
    """The scheme a socmodel export embedded in ``book``; ``None`` if there is none (or it
    does not load: then a note says so and the codes are read from their text)."""
    for name, text in book.set_texts.items():
        line = next(
            (x.strip() for x in text.splitlines() if x.strip().startswith(qdc.DATA_LINE)), None
        )
        if line is None:
            continue
        try:
            data = json.loads(line[len(qdc.DATA_LINE) :])
            scheme = scheme_from_located(Located(data), f"set {name!r}")
        except (ValueError, SchemeError) as exc:
            why = exc.message if isinstance(exc, SchemeError) else "not valid JSON"
            notes.append(f"the scheme data in set {name!r} was not usable ({why}); read the codes")
            continue
        return _match(book, scheme)
    return None


def _match(book: QdcBook, scheme: Scheme) -> Embedded:
    by_guid = {_norm(guid(scheme, c)): c for c in scheme.codes}
    matches: list[Code | None] = []
    exact: list[bool] = []
    for code in book.codes:
        found = by_guid.pop(_norm(code.guid), None) if code.guid else None
        matches.append(found)
        exact.append(found is not None and view(code) == code_view(scheme, found).as_read())
    return Embedded(scheme, tuple(matches), tuple(exact))


def guid(scheme: Scheme, code: Code) -> str:
    """The guid export gives ``code``."""
    return code.qdc_guid or qdc.code_guid(scheme.id, code.id)


def view(code: QdcCode) -> CodeView:
    """A code of a read codebook as export's :class:`CodeView` (already as read)."""
    return CodeView(code.name, code.description or "", tuple(view(c) for c in code.children))


def _norm(text: str | None) -> str:
    return (text or "").strip().strip("{}").upper()
