"""`scheme diff`: every MAJOR/MINOR/PATCH rule, the version verdict, formats and git revisions."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ROOT, SCHEME

from socmodel_cli.scheme import load_scheme_text
from socmodel_cli.semver import Bump, bumped, declared_bump
from socmodel_cli.versioning.diff import SchemeDiff, diff_schemes

V2 = ROOT / "examples" / "versioning" / "socialization-to-the-model-v2.yaml"

BASE: dict[str, Any] = {
    "id": "mini",
    "version": "1.2.0",
    "title": "Mini",
    "references": ["A. Author (2011)."],
    "unit": {"name": "segment", "keys": ["session", "segment"], "description": "5 minutes"},
    "codes": [
        {
            "id": "conc",
            "label": "Concordance",
            "level": "ordinal",
            "values": [{"value": 0, "label": "none", "description": "no sign"}, 1, 2, 3],
            "definition": "How far the patient uses the model.",
            "example": "P: I walked.",
            "when_to_use": "Always.",
            "provenance": {"basis": "paper"},
        },
        {
            "id": "count",
            "label": "Count",
            "level": "ratio",
            "range": {"min": 1, "max": 10},
        },
        {"id": "kind", "label": "Kind", "level": "nominal", "values": ["explain", "link", "plan"]},
        {
            "id": "goals",
            "label": "Goals",
            "level": "ordinal",
            "unit_keys": ["session"],
            "values": [1, 2, 3, 4, 5],
        },
    ],
}


def scheme(doc: dict[str, Any]) -> Any:
    return load_scheme_text(json.dumps(doc))  # JSON is YAML


def changed(edit: Callable[[dict[str, Any]], None], version: str = "3.0.0") -> SchemeDiff:
    new = copy.deepcopy(BASE)
    edit(new)
    new["version"] = version
    return diff_schemes(scheme(BASE), scheme(new))


def code(doc: dict[str, Any], code_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in doc["codes"] if c["id"] == code_id)
    return found


def _set(code_id: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        code(doc, code_id)[key] = value

    return edit


def _drop_code(code_id: str) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        doc["codes"] = [c for c in doc["codes"] if c["id"] != code_id]

    return edit


def _rename_with_migration(doc: dict[str, Any]) -> None:
    code(doc, "kind")["id"] = "activity"
    doc["migrations"] = [{"from_version": "1", "rename": [{"from": "kind", "to": "activity"}]}]


def _recode_goals(doc: dict[str, Any]) -> None:
    code(doc, "goals")["values"] = [0, 1, 2, 3, 4]
    doc["migrations"] = [
        {
            "from_version": "1",
            "recode": [{"code": "goals", "map": {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}}],
        }
    ]


def _add_code(doc: dict[str, Any]) -> None:
    doc["codes"].append({"id": "plan", "label": "Plan", "level": "nominal", "values": ["y", "n"]})


def _top(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        doc[key] = value

    return edit


def _unit(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        doc["unit"][key] = value

    return edit


def _value_label(doc: dict[str, Any]) -> None:
    code(doc, "conc")["values"][0]["label"] = "no concordance"


def _value_description(doc: dict[str, Any]) -> None:
    code(doc, "conc")["values"][0]["description"] = "not a sign of it"


def _reorder_codes(doc: dict[str, Any]) -> None:
    doc["codes"].reverse()


MAJOR_RULES = [
    ("code removed", _drop_code("kind"), "code-removed"),
    ("code renamed (migration)", _rename_with_migration, "code-renamed"),
    ("level changed", _set("kind", "level", "ordinal"), "level-changed"),
    ("value removed", _set("kind", "values", ["explain", "link"]), "value-removed"),
    ("values recoded (migration)", _recode_goals, "values-recoded"),
    ("range narrowed (max)", _set("count", "range", {"min": 1, "max": 5}), "range-narrowed"),
    ("range narrowed (min)", _set("count", "range", {"min": 2, "max": 10}), "range-narrowed"),
    ("unit keys changed", _unit("keys", ["session", "minute"]), "unit-keys-changed"),
    ("code's unit_keys changed", _set("conc", "unit_keys", ["session"]), "code-unit-keys-changed"),
    ("integer turned on", _set("count", "integer", True), "integer-required"),
    ("ordinal values reordered", _set("conc", "values", [3, 2, 1, 0]), "value-order-changed"),
    ("missing token removed", _top("missing", [""]), "missing-removed"),
    ("scheme id changed", _top("id", "other"), "scheme-id-changed"),
    ("numeric code restricted to values", _set("count", "values", [1, 2]), "values-restricted"),
]

MINOR_RULES = [
    ("code added", _add_code, "code-added"),
    ("value added", _set("kind", "values", ["explain", "link", "plan", "review"]), "value-added"),
    ("range widened (max)", _set("count", "range", {"min": 1, "max": 20}), "range-widened"),
    ("range widened (min removed)", _set("count", "range", {"max": 10}), "range-widened"),
    (
        "missing token added",
        _top("missing", ["", "NA", "N/A", "n/a", "na", ".", "-"]),
        "missing-added",
    ),
]

PATCH_RULES = [
    ("label", _set("conc", "label", "Concordance with the model"), "label-changed"),
    ("definition", _set("conc", "definition", "Another definition."), "definition-changed"),
    ("example", _set("conc", "example", "P: I rested."), "example-changed"),
    ("when to use", _set("conc", "when_to_use", "Every segment."), "when-to-use-changed"),
    ("when not to use", _set("conc", "when_not_to_use", "Never."), "when-not-to-use-changed"),
    ("value label", _value_label, "value-label-changed"),
    ("value description", _value_description, "value-description-changed"),
    ("title", _top("title", "Mini scheme"), "title-changed"),
    ("description", _top("description", "A scheme."), "description-changed"),
    ("references", _top("references", ["B. Author (2012)."]), "references-changed"),
    (
        "provenance note",
        _set("conc", "provenance", {"basis": "paper", "note": "n"}),
        "provenance-changed",
    ),
    ("code threshold", _set("conc", "min_alpha", 0.8), "threshold-changed"),
    ("scheme threshold", _top("reliability", {"min_alpha": 0.8}), "threshold-changed"),
    (
        "nominal values reordered",
        _set("kind", "values", ["plan", "link", "explain"]),
        "value-order-changed",
    ),
    ("codes reordered", _reorder_codes, "codes-reordered"),
    ("unit description", _unit("description", "five minutes"), "unit-description-changed"),
    ("unit keys reordered", _unit("keys", ["segment", "session"]), "unit-keys-reordered"),
    (
        "qdc guid",
        _set("conc", "qdc_guid", "3F2C8E51-7A0B-4C1D-9E2F-0A1B2C3D4E5F"),
        "qdc-guid-changed",
    ),
]


@pytest.mark.parametrize(
    ("edit", "kind", "bump"),
    [pytest.param(e, k, Bump.MAJOR, id=n) for n, e, k in MAJOR_RULES]
    + [pytest.param(e, k, Bump.MINOR, id=n) for n, e, k in MINOR_RULES]
    + [pytest.param(e, k, Bump.PATCH, id=n) for n, e, k in PATCH_RULES],
)
def test_each_rule_is_classified(
    edit: Callable[[dict[str, Any]], None], kind: str, bump: Bump
) -> None:
    diff = changed(edit)
    assert (kind, bump) in [(c.kind, c.bump) for c in diff.changes], diff.changes
    assert diff.required is bump
    assert all(c.bump <= bump for c in diff.changes)


def test_no_change_requires_nothing() -> None:
    diff = diff_schemes(scheme(BASE), scheme(BASE))
    assert diff.changes == ()
    assert diff.required is Bump.NONE and diff.ok and diff.suggested_version == "1.2.0"


def test_rename_without_migration_is_removed_plus_added() -> None:
    diff = changed(_set("kind", "id", "activity"))
    kinds = {(c.kind, c.code) for c in diff.changes}
    assert {("code-removed", "kind"), ("code-added", "activity")} <= kinds
    assert not any(c.kind == "code-renamed" for c in diff.changes)


def test_renamed_code_is_compared_with_its_old_self() -> None:
    def edit(doc: dict[str, Any]) -> None:
        _rename_with_migration(doc)
        code(doc, "activity")["label"] = "Activity"

    diff = changed(edit)
    assert [(c.kind, c.code) for c in diff.changes if c.kind != "migrations-changed"] == [
        ("code-renamed", "activity"),
        ("label-changed", "activity"),
    ]


def test_migration_from_another_major_is_not_used() -> None:
    def edit(doc: dict[str, Any]) -> None:
        _rename_with_migration(doc)
        doc["migrations"][0]["from_version"] = "2"

    diff = changed(edit)
    assert {c.kind for c in diff.changes} >= {"code-removed", "code-added"}


def test_partial_recode_keeps_unmapped_values_and_merges() -> None:
    def edit(doc: dict[str, Any]) -> None:
        code(doc, "kind")["values"] = ["explain_or_link", "plan"]
        doc["migrations"] = [
            {
                "from_version": "1",
                "recode": [
                    {
                        "code": "kind",
                        "map": {"explain": "explain_or_link", "link": "explain_or_link"},
                    }
                ],
            }
        ]

    diff = changed(edit)
    kinds = [c.kind for c in diff.changes if c.code == "kind"]
    assert kinds == ["values-recoded"]  # 'plan' kept; the merged value is not "added"


@pytest.mark.parametrize(
    ("old", "new", "declared"),
    [
        ("1.2.0", "1.2.0", Bump.NONE),
        ("1.2.0", "1.2.1", Bump.PATCH),
        ("1.2.3", "1.3.0", Bump.MINOR),
        ("1.2.3", "2.0.0", Bump.MAJOR),
        ("1.2.3", "2.0.0-rc.1", Bump.MAJOR),
        ("1.2.3", "1.2.2", None),
    ],
)
def test_declared_bump(old: str, new: str, declared: Bump | None) -> None:
    assert declared_bump(old, new) is declared


def test_bumped() -> None:
    assert [bumped("1.2.3", b) for b in Bump] == ["1.2.3", "1.2.4", "1.3.0", "2.0.0"]


@pytest.mark.parametrize(
    ("version", "ok"),
    [("1.2.0", False), ("1.2.1", False), ("1.3.0", True), ("2.0.0", True), ("1.1.0", False)],
)
def test_verdict_needs_a_large_enough_step(version: str, ok: bool) -> None:
    diff = changed(_add_code, version=version)  # a MINOR change
    assert diff.ok is ok
    assert diff.suggested_version == "1.3.0"


def doc_file(write: Callable[..., Path], name: str, doc: dict[str, Any]) -> Path:
    path: Path = write(name, json.dumps(doc, indent=2))
    return path


def test_cli_exit_codes_and_text(cli: Callable[..., Any], write: Callable[..., Path]) -> None:
    old = doc_file(write, "old.yaml", BASE)
    new_doc = copy.deepcopy(BASE)
    _add_code(new_doc)
    new = doc_file(write, "new.yaml", new_doc)
    run = cli("scheme", "diff", old, new, exit=1)
    assert "MINOR (1)" in run.out and "code-added" in run.out
    assert "smallest correct version is 1.3.0" in run.out
    new_doc["version"] = "1.3.0"
    new = doc_file(write, "new.yaml", new_doc)
    run = cli("scheme", "diff", old, new, exit=0)
    assert run.out.rstrip().endswith("1.3.0 is a MINOR step")


def test_cli_json_every_key_present(cli: Callable[..., Any]) -> None:
    run = cli("scheme", "diff", SCHEME, V2, "--format", "json", exit=0)
    doc = run.json()
    assert set(doc) == {"json_version", "ok", "diffs"}
    (diff,) = doc["diffs"]
    assert set(diff) == {
        "old_file", "new_file", "scheme_id", "old_version", "new_version", "declared_bump",
        "required_bump", "suggested_version", "ok", "note", "migration_from", "counts", "changes",
    }  # fmt: skip
    assert diff["required_bump"] == "major" and diff["suggested_version"] == "2.0.0"
    assert diff["migration_from"] == "1"
    for change in diff["changes"]:
        assert set(change) == {"kind", "bump", "path", "code", "message", "old", "new"}
    recode = next(
        c for c in diff["changes"] if c["code"] == "resistance" and c["kind"] == "values-recoded"
    )
    assert recode["old"] == [1, 2, 3, 4, 5] and recode["new"] == [0, 1, 2, 3, 4]
    assert {"code-renamed", "code-added"} <= {c["kind"] for c in diff["changes"]}


def test_cli_markdown_changelog_to_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "CHANGELOG-entry.md"
    cli("scheme", "diff", SCHEME, V2, "--format", "markdown", "-o", out, exit=0)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## socialization-to-the-model 2.0.0\n")
    assert "### Breaking changes (MAJOR)" in text and "### Additions (MINOR)" in text
    assert "`socmodel migrate`" in text
    cli("scheme", "diff", SCHEME, V2, "--format", "markdown", "-o", out, exit=2)  # exists


def test_cli_usage_errors(cli: Callable[..., Any], mini: Path) -> None:
    run = cli("scheme", "diff", mini, exit=2)
    assert "expected two schemes" in run.err
    cli("scheme", "diff", mini, mini, "--rev", "x", "--last-tag", exit=2)


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env=env,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "study"
    (root / "schemes").mkdir(parents=True)
    _git(root, "init", "-q")
    (root / "schemes" / "mini.yaml").write_text(json.dumps(BASE), encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "v1.2.0")
    _git(root, "tag", "v1.2.0")
    return root


def test_cli_rev_and_last_tag(cli: Callable[..., Any], repo: Path) -> None:
    path = repo / "schemes" / "mini.yaml"
    new = copy.deepcopy(BASE)
    _set("count", "integer", True)(new)
    path.write_text(json.dumps(new), encoding="utf-8")
    run = cli("scheme", "diff", "--rev", "v1.2.0", path, exit=1)
    assert "integer-required" in run.out and "v1.2.0:schemes/mini.yaml" in run.out
    new["version"] = "2.0.0"
    path.write_text(json.dumps(new), encoding="utf-8")
    run = cli("scheme", "diff", "--last-tag", path, "--format", "json", exit=0)
    assert run.json()["diffs"][0]["old_file"] == "v1.2.0:schemes/mini.yaml"


def test_cli_rev_errors(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    path = repo / "schemes" / "mini.yaml"
    run = cli("scheme", "diff", "--rev", "v9", path, exit=2)
    assert "unknown git revision 'v9'" in run.err
    run = cli("scheme", "diff", "--rev", "--upload-pack=x", path, exit=2)
    outside = tmp_path / "loose.yaml"
    outside.write_text(json.dumps(BASE), encoding="utf-8")
    run = cli("scheme", "diff", "--rev", "HEAD", outside, exit=2)
    assert "not inside a git repository" in run.err
    added = repo / "schemes" / "added.yaml"
    added.write_text(json.dumps(BASE), encoding="utf-8")
    run = cli("scheme", "diff", "--rev", "v1.2.0", added, exit=0)
    assert "not in v1.2.0: nothing to compare" in run.out


def test_bundled_example_diff_is_major_with_migration() -> None:
    from socmodel_cli.scheme import load_scheme

    diff = diff_schemes(load_scheme(SCHEME), load_scheme(V2))
    by_kind = {(c.kind, c.code) for c in diff.changes}
    assert ("code-renamed", "model_reviewed") in by_kind
    assert ("values-recoded", "resistance") in by_kind
    assert ("values-recoded", "therapist_model_work") in by_kind
    assert ("code-added", "homework_agreed") in by_kind
    assert not any(c.kind in {"code-removed", "value-removed"} for c in diff.changes)
    assert diff.ok and diff.required is Bump.MAJOR
