"""Loading schemes: every kind of mistake is located; hostile files fail fast."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import MINI_SCHEME, SCHEME

from socmodel_cli.errors import SchemeError
from socmodel_cli.report.jsonout import dumps
from socmodel_cli.scheme import check_scheme, load_scheme, load_scheme_text
from socmodel_cli.scheme.jsonschema import scheme_json_schema


def problems_of(text: str) -> list[tuple[str, int | None, int | None, str | None]]:
    with pytest.raises(SchemeError) as info:
        load_scheme_text(text, "s.yaml")
    return [(p.kind, p.line, p.column, p.path) for p in info.value.problems]


def test_bundled_scheme_loads() -> None:
    scheme = load_scheme(SCHEME)
    assert scheme.id == "socialization-to-the-model"
    assert scheme.version == "1.0.0"
    assert {"concordance", "incongruent_principles", "resistance"} <= set(scheme.code_map)
    for code in scheme.codes:
        assert code.provenance is not None, code.id
        assert code.definition and code.when_to_use and code.when_not_to_use and code.example, (
            code.id
        )


def test_mini_scheme_defaults() -> None:
    scheme = load_scheme_text(MINI_SCHEME)
    assert scheme.reliability.min_alpha == pytest.approx(0.667)
    assert "" in scheme.missing_set and "NA" in scheme.missing_set
    goals = scheme.code_map["goals"]
    assert scheme.code_keys(goals) == ("session",)
    assert scheme.code_map["conc"].numeric and not scheme.code_map["kind"].numeric


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "level: ordinal\n    values: [0, 1, 2, 3]",
            "level: ordinl\n    values: [0, 1, 2, 3]",
            ("bad-choice", 10, 12, "codes[0].level"),
        ),
        ("  - id: count\n", "  - id: conc\n", ("duplicate-code", 12, 9, "codes[1].id")),
        (
            "values: [explain, link, plan]",
            "values: [explain, link, explain]",
            ("duplicate-value", 20, 29, "codes[2].values[2].value"),
        ),
        ("    values: [explain, link, plan]\n", "", ("missing-values", 19, 12, "codes[2].level")),
        (
            "range: {min: 0, max: 10}",
            "range: {min: 5, max: 1}",
            ("min-above-max", 16, 18, "codes[1].range.min"),
        ),
        ("version: 1.2.0", "version: 1.2", ("bad-value", 2, 10, "version")),
        ("version: 1.2.0", "version: one", ("bad-format", 2, 10, "version")),
        ("    integer: true\n", "    integr: true\n", ("unknown-field", 15, 5, "codes[1].integr")),
        ("title: Mini\n", "title: Mini\ntitle: Again\n", ("duplicate-key", 4, 1, "title")),
        (
            "    unit_keys: [session]\n",
            "    unit_keys: [therapist]\n",
            ("bad-unit-keys", 24, 16, "codes[3].unit_keys"),
        ),
    ],
)
def test_located_errors(old: str, new: str, expected: tuple[str, int, int, str]) -> None:
    assert old in MINI_SCHEME
    found = problems_of(MINI_SCHEME.replace(old, new, 1))
    assert expected in found, found


def test_unknown_field_suggests_the_right_name() -> None:
    with pytest.raises(SchemeError) as info:
        load_scheme_text(MINI_SCHEME.replace("    integer: true\n", "    integr: true\n"))
    assert "did you mean 'integer'" in info.value.problems[0].message


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = MINI_SCHEME.replace("level: ordinal", "level: ordinl", 1).replace("max: 10", "max: -1")
    kinds = {k for k, *_ in problems_of(text.replace("title: Mini\n", "title: Mini\ntitle: X\n"))}
    assert {"bad-choice", "duplicate-key"} <= kinds


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty-file"),
        ("   \n# only a comment\n", "empty-file"),
        ("- a\n- b\n", "not-a-mapping"),
        ("id: [unclosed\n", "yaml-syntax"),
        ("id: x\n\tversion: 1.0.0\n", "yaml-syntax"),
        ("id: !!python/object/apply:os.system ['echo hi']\n", "yaml-tag"),
        ("id: !custom x\n", "yaml-tag"),
    ],
)
def test_broken_yaml(text: str, kind: str) -> None:
    found = problems_of(text)
    assert found[0][0] == kind, found


def test_alias_bomb_fails_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    # CPU time, not wall time: the budget stops ~3.4e9 expansions after 50,000 nodes whatever
    # else the machine is doing.
    start = time.process_time()
    found = problems_of("\n".join(lines) + "\n")
    assert time.process_time() - start < 2.0
    assert found[0][0] == "yaml-too-large"


def test_deep_nesting_fails_cleanly() -> None:
    assert problems_of("a: " + "[" * 1000 + "]" * 1000 + "\n")[0][0] == "yaml-too-deep"
    nested = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "k: 1\n"
    assert problems_of(nested)[0][0] == "yaml-too-deep"


def test_huge_file_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB of NULs, no real disk used
    with pytest.raises(SchemeError) as info:
        load_scheme(big)
    assert info.value.problems[0].kind == "file-too-large"


def test_not_utf8(write: Callable[..., Path]) -> None:
    path = write("latin.yaml", "id: x\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    assert (info.value.problems[0].kind, info.value.problems[0].line) == ("undecodable-bytes", 2)


def test_json_schema_accepts_the_bundled_scheme() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(SCHEME.read_text(encoding="utf-8"))
    schema = scheme_json_schema()
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**data, "codes": [{"id": "x", "label": "X", "level": "ordinl"}]}, schema
        )


def test_committed_json_schema_is_current() -> None:
    from tests.conftest import ROOT

    committed = json.loads((ROOT / "docs" / "scheme.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(dumps(scheme_json_schema())), (
        "run: socmodel scheme json-schema > docs/scheme.schema.json"
    )


def test_folded_text_has_no_control_characters() -> None:
    scheme = load_scheme(SCHEME)
    texts = [scheme.description or "", *(c.definition or "" for c in scheme.codes)]
    assert all(ch.isprintable() or ch in "\n" for text in texts for ch in text)
    assert "therapy sessions" in (scheme.description or "").replace("\n", " ")


def test_every_error_of_a_scheme_in_one_run(tmp_path: Path) -> None:
    """Type errors and the cross-field rules are reported together, not in rounds."""
    from socmodel_cli.scheme import check_scheme

    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: Bad Id\nversion: 1.0\ntitle: T\nunit: {name: seg, keys: [segment]}\n"
        'missing: ["", "NA", "9"]\ncodes:\n'
        "  - {id: a, level: nominl, values: [x, y]}\n"
        "  - {id: b, level: nominal}\n"
        "  - {id: c, level: ordinal, values: [1, 2, 9]}\n"
        "  - {id: c, level: nominal, values: [p, q]}\n"
    )
    scheme, problems = check_scheme(path)
    assert scheme is None
    kinds = {(p.kind, p.path) for p in problems}
    assert ("bad-choice", "codes[0].level") in kinds
    assert ("missing-values", "codes[1].level") in kinds
    assert ("value-is-missing-token", "codes[2].values[2].value") in kinds
    assert ("duplicate-code", "codes[3].id") in kinds
    duplicate = next(p for p in problems if p.kind == "duplicate-code")
    assert "codes[2]" in duplicate.message and duplicate.line == 10


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("%YAML 1.3\n---\nid: x\n", "yaml-syntax", 1),  # ruamel's parser asserts
        ("a: !!float |\n\n    \n# x\n", "yaml-tag", 1),  # ruamel's constructor indexes ''
    ],
)
def test_texts_that_break_the_yaml_library_get_a_located_answer(
    tmp_path: Path, text: str, code: str, line: int | None
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    scheme, problems = check_scheme(path)
    assert scheme is None
    assert [(p.kind, p.line) for p in problems] == [(code, line)]
