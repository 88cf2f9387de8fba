"""The layout of a coder export, decided once for every command that reads one.

``validate`` (and everything built on it), ``migrate`` and ``template`` all need the same
answers about a header: what each column is called once cleaned up, whether the file is in
the wide layout (one column per code) or the long one (``code`` and ``value`` columns),
where the unit keys are and which columns state the scheme a file was coded with. They ask
here, so a header that one command reads cannot mean something else to another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from socmodel_cli.scheme.rules import RESERVED_COLUMNS
from socmodel_cli.unit_keys import base_key

Layout = Literal["wide", "long"]
RESERVED = tuple(sorted(RESERVED_COLUMNS))  # coder, code, value, scheme_id, scheme_version
VERSION_COLUMNS = ("scheme_id", "scheme_version")


def column_name(cell: str) -> str:
    """A header cell as columns are matched: BOM and spaces trimmed, NFC, lower case."""
    return base_key(cell.lstrip("\ufeff")).lower()


def column_names(header: Sequence[str]) -> list[str]:
    return [column_name(h) for h in header]


def layout_of(names: Sequence[str]) -> Layout:
    """Long when the header has both ``code`` and ``value`` columns; wide otherwise."""
    return "long" if "code" in names and "value" in names else "wide"


def key_names(keys: Sequence[str]) -> list[str]:
    """The scheme's unit keys as header names are matched."""
    return [k.lower() for k in keys]


def missing_keys(names: Sequence[str], keys: Sequence[str]) -> list[str]:
    """The unit keys (matched names) that no column of ``names`` holds."""
    present = set(names)
    return [k for k in key_names(keys) if k not in present]


def key_columns(names: Sequence[str], keys: Sequence[str]) -> list[int]:
    """The 0-based column of each unit key, in the scheme's order (all must be present)."""
    return [names.index(k) for k in key_names(keys)]
