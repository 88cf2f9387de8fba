"""``--help`` of every command, rendered at 80 columns: usage lines pinned, values named.

A new command fails the first test until its usage line is added to USAGE below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import typer
from tests.conftest import Run

from socmodel_cli.cli import app

USAGE = {
    "": "socmodel [OPTIONS] COMMAND [ARGS]...",
    "validate": "socmodel validate [OPTIONS] SCHEME FILE...",
    "reliability": "socmodel reliability [OPTIONS] SCHEME FILE...",
    "diagnose": "socmodel diagnose [OPTIONS] SCHEME FILE...",
    "init": "socmodel init [OPTIONS] [DIR]",
    "report": "socmodel report [OPTIONS] SCHEME FILE... --output FILE",
    "migrate": "socmodel migrate [OPTIONS] SCHEME FILE... --out DIR",
    "template": "socmodel template [OPTIONS] SCHEME --units FILE --coder NAME",
    "scheme": "socmodel scheme [OPTIONS] COMMAND [ARGS]...",
    "scheme check": "socmodel scheme check [OPTIONS] SCHEME",
    "scheme show": "socmodel scheme show [OPTIONS] SCHEME",
    "scheme list": "socmodel scheme list [OPTIONS]",
    "scheme json-schema": "socmodel scheme json-schema [OPTIONS]",
    "scheme diff": "socmodel scheme diff [OPTIONS] [OLD] NEW...",
    "scheme export": "socmodel scheme export [OPTIONS] SCHEME",
    "scheme import": "socmodel scheme import [OPTIONS] FILE",
}

# What Typer shows when a value is not named: <path>, <list[Path]>, <int range>, {SCHEME}.
PYTHON_TYPE = re.compile(r"<[A-Za-z][A-Za-z |\[\]]*>|[{}]|\blist\[|\bPath\b|\b(str|int|float)\b")

# What -o says it writes, per command (only `reliability` writes a report).
OUTPUT_WORDING = {
    "reliability": "Write the report to FILE",
    "report": "Write the report to FILE",
    "scheme diff": "Write the comparison to FILE",
    "scheme export": "Write the codebook to FILE",
    "scheme import": "Write the scheme draft (YAML) to FILE",
    "template": "Write the coding sheet to FILE",
}


def _commands(group: object, prefix: str = "") -> Iterator[str]:
    yield prefix.strip()
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, f"{prefix} {name}")


ALL = sorted(_commands(typer.main.get_command(app)))


def test_every_command_has_a_pinned_usage_line() -> None:
    assert sorted(USAGE) == ALL


@pytest.fixture
def help_of(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    monkeypatch.setenv("COLUMNS", "80")

    def render(command: str) -> str:
        return cli(*command.split(), "--help", exit=0).out

    return render


@pytest.mark.parametrize("command", ALL, ids=lambda c: c or "socmodel")
def test_help_names_things(help_of: Callable[[str], str], command: str) -> None:
    text = help_of(command)
    assert text.splitlines()[0] == f"Usage: {USAGE[command]}"
    assert not PYTHON_TYPE.search(text), PYTHON_TYPE.findall(text)
    assert max(len(line) for line in text.splitlines()) <= 80
    if "--output" in text:
        assert OUTPUT_WORDING[command] in " ".join(text.split())
    else:
        assert command not in OUTPUT_WORDING


def test_the_type_check_would_catch_typers_defaults() -> None:
    for shown in ("FILE <list[Path]>", "{SCHEME}", "--top <int range>", "--coder <str>", "<path>"):
        assert PYTHON_TYPE.search(shown), shown
    for fine in ("--ci LEVEL  [default: 0.95; 0.5<=x<=0.999]", "-f, --format text|json"):
        assert not PYTHON_TYPE.search(fine), fine


def test_options_name_their_value(help_of: Callable[[str], str]) -> None:
    text = help_of("reliability")
    for shown in (
        "--code CODE",
        "--min-alpha ALPHA",
        "--replicates, --bootstrap N",
        "--seed N",
        "-o, --output FILE",
    ):
        assert shown in text
    assert "--top N" in help_of("diagnose")
    assert "--out DIR" in help_of("migrate")
    assert "--scheme NAME" in help_of("init")
