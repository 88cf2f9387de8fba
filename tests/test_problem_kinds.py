"""The catalogue of problem kinds against the code that makes problems and the docs that list them.

Slugs are found by walking the AST of ``src/`` for the calls that take a kind (``KIND_ARGUMENT``),
so a new slug fails here until it is catalogued, and a catalogued one no code makes fails too.
"""

from __future__ import annotations

import ast
import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import ROOT

from socmodel_cli import problem_kinds
from socmodel_cli.problem_kinds import CATALOGUE, SEVERITY, Group, Severity, UnknownKind
from socmodel_cli.problems import Problem, error, warning

DOCS = [ROOT / "docs" / "validation.md", ROOT / "docs" / "scheme-format.md"]
REGENERATE = "python -m socmodel_cli.problem_kinds --write docs/validation.md docs/scheme-format.md"

# Calls (as written) whose argument at this position is a kind, and the severity they make
# (None: read it from a ``Severity.X`` argument). Besides problems.error/warning/Problem, these
# carry a slug that later becomes a problem's kind.
KIND_ARGUMENT: dict[str, tuple[int, Severity | None]] = {
    "error": (0, Severity.ERROR),
    "warning": (0, Severity.WARNING),
    "Problem": (0, None),
    "where.error": (0, Severity.ERROR),  # readers/xlsx.py: a problem in one sheet
    "_at": (3, Severity.ERROR),  # scheme/load.py: a located scheme problem
    "self.fail": (0, Severity.ERROR),  # scheme/yamlsource.py: _Builder.fail
    "CellError": (0, Severity.ERROR),  # values.py: what is wrong with one cell
    "_place": (1, Severity.ERROR),  # readers/xlsx_scan.py: formula and error cells
}
RULES = "scheme/rules.py"  # yields (path, kind, message) findings, made errors by scheme/load.py
PYDANTIC_KINDS = "_KIND"  # scheme/load.py: pydantic error type -> kind, with a .get default

# Slugs no code spells out (made from a computed string); none today.
DYNAMIC: frozenset[str] = frozenset()


def _strings(node: ast.AST) -> list[str]:
    # A kind argument is a literal, or a choice of literals ("a" if long else "b").
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _severity_in(call: ast.Call) -> Severity | None:
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(arg, ast.Attribute) and arg.attr in Severity.__members__:
            return Severity[arg.attr]
    return None


def _kinds_in(tree: ast.Module, rules: bool) -> list[tuple[str, Severity | None]]:
    found: list[tuple[str, Severity | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := ast.unparse(node.func)) in KIND_ARGUMENT:
            position, severity = KIND_ARGUMENT[name]
            arg = next((k.value for k in node.keywords if k.arg == "kind"), None)
            if arg is None and len(node.args) > position:
                arg = node.args[position]
            severity = severity or _severity_in(node)
            found += [(s, severity) for s in _strings(arg)] if arg is not None else []
        elif isinstance(node, ast.Call) and isinstance(f := node.func, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id == PYDANTIC_KINDS and f.attr == "get":
                found += [(s, Severity.ERROR) for s in _strings(node.args[1])]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            if any(isinstance(t, ast.Name) and t.id == PYDANTIC_KINDS for t in node.targets):
                found += [(s, Severity.ERROR) for v in node.value.values for s in _strings(v)]
        elif rules and isinstance(node, ast.Yield) and isinstance(t := node.value, ast.Tuple):
            found += [(s, Severity.ERROR) for s in _strings(t.elts[1])] if len(t.elts) == 3 else []
    return found


def _kinds_in_src() -> dict[str, set[Severity | None]]:
    package = ROOT / "src" / "socmodel_cli"
    found: dict[str, set[Severity | None]] = {}
    for path in sorted(package.rglob("*.py")):
        if path.name == "problem_kinds.py":
            continue
        rel = path.relative_to(package).as_posix()
        for slug, severity in _kinds_in(ast.parse(path.read_text(encoding="utf-8")), rel == RULES):
            found.setdefault(slug, set()).add(severity)
    return found


FOUND = _kinds_in_src()


def test_the_walk_finds_the_kinds_it_should() -> None:
    # Not vacuous: one of each way a kind is made, and about as many as there are.
    assert len(FOUND) >= 75, sorted(FOUND)
    for slug in [
        "no-rows",  # warning()
        "unknown-value",  # CellError
        "unknown-column",  # either branch of a conditional
        "yaml-too-deep",  # error()
        "bad-number",  # _Builder.fail
        "invalid-unicode",
        "not-a-mapping",  # _at
        "duplicate-code",  # a rule's finding
        "bad-choice",  # pydantic's error types
        "bad-value",  # ... and the default
        "error-cell",  # xlsx scan findings
        "date-cell",  # _Where.error
        "unmapped-value",  # migrate
    ]:
        assert slug in FOUND, slug


def test_every_kind_the_code_makes_is_catalogued_with_its_severity() -> None:
    missing = sorted(set(FOUND) - set(SEVERITY))
    assert not missing, f"not in src/socmodel_cli/problem_kinds.py: {missing}"
    wrong = {s: v for s, v in FOUND.items() if v - {None} != {SEVERITY[s]}}
    assert not wrong, f"made with another severity than catalogued: {wrong}"


def test_every_catalogued_kind_is_made_somewhere() -> None:
    assert not DYNAMIC & set(FOUND), "found in the code: no longer dynamic"
    assert set(SEVERITY) >= DYNAMIC
    dead = sorted(set(SEVERITY) - set(FOUND) - DYNAMIC)
    assert not dead, f"catalogued but never made (remove them, or list them in DYNAMIC): {dead}"


def test_the_catalogue_is_well_formed() -> None:
    twice = [e for e, n in Counter((k.group, k.slug) for k in CATALOGUE).items() if n > 1]
    assert not twice
    # A slug in two tables (an empty coder file, an empty scheme) keeps one severity.
    for slug in SEVERITY:
        assert len({k.severity for k in CATALOGUE if k.slug == slug}) == 1, slug
    for k in CATALOGUE:
        assert k.slug.replace("-", "").isalpha() and k.slug.islower(), k.slug
        assert "|" not in k.description and "\n" not in k.description, k.slug
        assert k.description == k.description.strip() and k.description, k.slug


def test_the_docs_tables_are_the_catalogue() -> None:
    groups: list[Group] = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        groups += problem_kinds.marked_groups(text)
        assert problem_kinds.render_docs(text) == text, (
            f"{doc.relative_to(ROOT)} differs from the catalogue; run `{REGENERATE}`"
        )
    assert sorted(groups) == sorted(Group), "each group's table appears once in the docs"


def test_the_docs_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "kinds.md"
    doc.write_text("# Kinds\n\n<!-- kinds:warnings -->\n| old |\n<!-- /kinds -->\n\nEnd.\n")
    assert problem_kinds.main(["--check", str(doc)]) == 1
    assert problem_kinds.main(["--write", str(doc)]) == 0
    assert problem_kinds.main(["--check", str(doc)]) == 0
    text = doc.read_text()
    assert "| `no-rows` | a header and no coded rows |" in text
    assert text.startswith("# Kinds\n\n<!-- kinds:warnings -->\n| kind | when |\n|---|---|\n")
    assert text.endswith("|\n<!-- /kinds -->\n\nEnd.\n")
    assert "out of date" in capsys.readouterr().out


def test_a_problem_with_an_unknown_slug_or_severity_is_refused() -> None:
    assert error("unknown-value", "x").severity is Severity.ERROR
    assert warning("no-rows", "x", file="a.csv").location() == "a.csv"
    with pytest.raises(UnknownKind, match=r"'no-such-kind'.*not in"):
        error("no-such-kind", "x")
    with pytest.raises(UnknownKind, match=r"'no-rows' made as error: catalogued as warning"):
        error("no-rows", "x")
    with pytest.raises(UnknownKind):
        Problem("unknown-value", Severity.WARNING, "x")
    with pytest.raises(UnknownKind):
        dataclasses.replace(warning("no-rows", "x"), kind="no-such-kind")
