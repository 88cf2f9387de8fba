"""Golden cases: one folder per scenario under tests/cases/ (adding a case is adding a folder).

A folder holds its scheme and input files and a ``case.yaml``::

    args: [reliability, scheme.yaml, a.csv, --format, json]   # run in the folder
    exit: 0
    expect:                       # values at JSON paths (dots; list indices are numbers)
      - {path: codes.0.alpha, value: 0.743, tol: 0.0005}
    stdout_contains: [...]        # optional, for text output

and optionally ``expected.json``: the whole JSON document must equal it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from tests.conftest import Run

CASES = Path(__file__).parent / "cases"
FOLDERS = sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file())


def at(document: Any, path: str) -> Any:
    for part in path.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_case(folder: Path, cli: Callable[..., Run]) -> None:
    case = YAML(typ="safe").load((folder / "case.yaml").read_text(encoding="utf-8"))
    run = cli(*case["args"], exit=case["exit"], cwd=folder)
    for text in case.get("stdout_contains", []):
        assert text in run.out, run.out
    expected_file = folder / "expected.json"
    if expected_file.exists():
        assert run.json() == json.loads(expected_file.read_text(encoding="utf-8"))
    for check in case.get("expect", []):
        got = at(run.json(), check["path"])
        assert got is not None, f"{check['path']} is null"
        assert abs(got - check["value"]) <= check["tol"], (
            f"{check['path']}: {got} != {check['value']} ± {check['tol']}"
        )


def test_every_published_vector_has_a_case() -> None:
    from tests.conftest import REFERENCE

    ids = {v["id"].lower() for v in json.loads(REFERENCE.read_text())["vectors"]}
    assert ids <= {p.name.removeprefix("published_") for p in FOLDERS}
