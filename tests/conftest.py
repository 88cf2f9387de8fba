"""Shared test helpers: run the real CLI entry point in-process and always check its exit code."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from socmodel_cli.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEME = ROOT / "schemes" / "socialization-to-the-model.yaml"
EXAMPLES = ROOT / "examples"
EXPORTS = [EXAMPLES / "alice.csv", EXAMPLES / "ben.csv", EXAMPLES / "chloe.csv"]
# A copy of the published reference vectors: the suite needs nothing outside the repository.
REFERENCE = ROOT / "tests" / "data" / "published_vectors.json"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cli(*args, exit=N)`` runs ``socmodel args`` and asserts the exit code."""

    def run(*args: str | os.PathLike[str], exit: int, cwd: Path | None = None) -> Run:
        capsys.readouterr()
        with chdir(cwd or Path.cwd()):
            try:
                main([str(a) for a in args])
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
            else:  # pragma: no cover - main always exits
                code = -1
        out, err = capsys.readouterr()
        assert code == exit, f"exit {code} != {exit}\n--- stdout\n{out}\n--- stderr\n{err}"
        return Run(code, out, err)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``write(name, text_or_bytes)`` creates a file under a temporary folder."""

    def make(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


MINI_SCHEME = """\
id: mini
version: 1.2.0
title: Mini
unit:
  name: segment
  keys: [session, segment]
codes:
  - id: conc
    label: Concordance
    level: ordinal
    values: [0, 1, 2, 3]
  - id: count
    label: Count
    level: ratio
    integer: true
    range: {min: 0, max: 10}
  - id: kind
    label: Kind
    level: nominal
    values: [explain, link, plan]
  - id: goals
    label: Goal agreement
    level: ordinal
    unit_keys: [session]
    values: [1, 2, 3, 4, 5]
"""


@pytest.fixture
def mini(write: Callable[..., Path]) -> Path:
    return write("mini.yaml", MINI_SCHEME)


# --- Nothing lost, nothing altered -------------------------------------------------------
# Every input file the suite reads (examples, schemes, case folders, fixtures) must keep its
# bytes and its modification time across the whole run; the session fails if one changes.
WATCHED = ("examples", "schemes", "tests/cases", "tests/data")
_snapshot: dict[Path, tuple[int, str]] = {}


def _fingerprints() -> dict[Path, tuple[int, str]]:
    import hashlib

    found = {}
    for folder in WATCHED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path] = (
                    path.stat().st_mtime_ns,
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                )
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    _snapshot.update(_fingerprints())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    after = _fingerprints()
    changed = sorted(str(p.relative_to(ROOT)) for p, fp in _snapshot.items() if after.get(p) != fp)
    if changed:
        print(f"\nINPUT FILES CHANGED DURING THE TEST RUN: {', '.join(changed)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- Hypothesis budgets -------------------------------------------------------------------
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=25_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped text output follows COLUMNS; tests start from the default width (100)."""
    monkeypatch.delenv("COLUMNS", raising=False)
