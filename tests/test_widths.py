"""Text output at 80 and 120 columns (piped, COLUMNS set): lines fit and no code id is split."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from tests.conftest import EXAMPLES, EXPORTS, SCHEME, Run

from socmodel_cli.scheme import load_scheme

CODE_IDS = [c.id for c in load_scheme(SCHEME).codes]
COMMANDS = {
    "reliability": (["reliability", SCHEME, *EXPORTS, "--bootstrap", "50"], 1),
    "validate": (["validate", SCHEME, EXAMPLES / "flawed" / "dana.csv"], 1),
    "scheme-show": (["scheme", "show", SCHEME], 0),
    "diagnose": (["diagnose", SCHEME, *EXPORTS, "--code", "resistance"], 0),
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_text_fits_the_width_without_splitting_code_ids(
    name: str, width: int, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    args, code = COMMANDS[name]
    out = cli(*args, exit=code).out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width, max(lines, key=len)
    named = [c for c in CODE_IDS if c in out]
    assert named, out[:500]
    # Each code id that appears at all appears whole on one line at least once.
    for code_id in named:
        assert any(code_id in line for line in lines), code_id
    for code_id in CODE_IDS:
        for cut in range(3, len(code_id) - 2):
            head, tail = code_id[:cut], code_id[cut:]
            for a, b in itertools.pairwise(lines):
                assert not (a.rstrip().endswith(head) and b.lstrip().startswith(tail)), code_id
