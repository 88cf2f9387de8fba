"""JSON output: orjson's text equals the standard library's, value for value and byte for byte
except how some floats are spelled; documents orjson refuses are written by the library."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from socmodel_cli.report.jsonout import dumps

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)  # controls, emoji, é
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), TEXT)


def documents(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    tree = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
        max_leaves=25,
    )
    return st.dictionaries(TEXT, tree, max_size=5)


def standard(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


@given(documents(SCALARS))
def test_without_floats_the_text_is_the_standard_librarys(document: dict[str, Any]) -> None:
    assert dumps(document) == standard(document)


@given(documents(st.one_of(SCALARS, st.floats(allow_nan=False, allow_infinity=False))))
def test_every_value_reads_back_the_same(document: dict[str, Any]) -> None:
    text = dumps(document)
    assert json.loads(text) == document
    assert text.count("\n") == standard(document).count("\n")  # the same layout


def test_documents_orjson_refuses_are_written_by_the_standard_library() -> None:
    for document in (
        {"path": "caf\udce9.csv"},  # an undecodable file name, as Python holds it
        {"n": 2**64},
        {"counts": {1: 2}},
    ):
        assert dumps(document) == standard(document)
