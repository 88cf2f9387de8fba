"""The YAML depth pre-scan never refuses a document the builder would accept."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given, reject
from hypothesis import strategies as st
from ruamel.yaml import YAML

from socmodel_cli.scheme.yamldepth import PRESCAN_DEPTH, too_deep
from socmodel_cli.scheme.yamlsource import MAX_DEPTH, _Stop, read_yaml_text

# Prose that looks like structure: brackets, quotes, colons, comments, block indicators.
PROSE = st.text(alphabet=st.sampled_from(list("ab [](){}'\":#|>-,!&*?\n\t\\")), max_size=30)


def nested(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.one_of(PROSE, st.integers(), st.booleans(), st.none())
    if depth == 0:
        return leaf
    inner = nested(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b: c", "#d", "[e]", "f"]), inner, max_size=3),
    )


def dump(data: Any, flow: bool | None) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    yaml.width = 40  # folds long scalars over lines, as editors do
    buf = io.StringIO()
    yaml.dump({"root": data}, buf)
    return buf.getvalue()


@given(nested(6), st.sampled_from([None, True, False]))
def test_prescan_accepts_what_the_builder_accepts(data: Any, flow: bool | None) -> None:
    text = dump(data, flow)
    try:
        read_yaml_text(text, "t.yaml")
    except _Stop:
        reject()  # ruamel's dumper writes a few odd strings (`?>`) its own parser refuses
    assert too_deep(text) is None, text


def test_prescan_refuses_absurd_depth_in_every_style() -> None:
    data: Any = "x"
    for _ in range(PRESCAN_DEPTH + 10):
        data = [data]
    for flow in (None, True, False):
        found = too_deep(dump(data, flow))
        assert found is not None and found.depth > PRESCAN_DEPTH > MAX_DEPTH
