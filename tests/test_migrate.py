"""`socmodel migrate`: old-major exports refused by validate, migrated, then accepted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests.conftest import ROOT, SCHEME

EXAMPLE = ROOT / "examples" / "versioning"
V2 = EXAMPLE / "socialization-to-the-model-v2.yaml"
ALICE_V1 = EXAMPLE / "alice-v1.csv"

MINI_V2 = """\
id: mini
version: 2.0.0
title: Mini
unit: {name: segment, keys: [session, segment]}
codes:
  - {id: conc, label: C, level: ordinal, values: [0, 1, 2]}
  - {id: kind, label: K, level: nominal, values: [explain, plan]}
  - {id: goals, label: G, level: ordinal, unit_keys: [session], values: [1, 2, 3, 4, 5]}
migrations:
  - from_version: "1"
    rename: [{from: concordance, to: conc}]
    recode:
      - {code: conc, map: {"1": 0, "2": 1, "3": 2}}
      - {code: kind, map: {link: explain}}
    drop: [count]
"""


@pytest.fixture
def v2(write: Callable[..., Path]) -> Path:
    path: Path = write("mini-v2.yaml", MINI_V2)
    return path


def test_example_end_to_end(cli: Callable[..., Any], tmp_path: Path) -> None:
    """The worked example of docs/versioning.md, through the real CLI."""
    cli("validate", SCHEME, ALICE_V1, exit=0)
    refused = cli("validate", V2, ALICE_V1, "--format", "json", exit=1).json()
    kinds = {p["kind"] for p in refused["issues"]}
    assert "incompatible-version" in kinds
    hint = next(p for p in refused["issues"] if p["kind"] == "incompatible-version")
    assert "socmodel migrate" in hint["message"]
    out = tmp_path / "migrated"
    run = cli("migrate", V2, ALICE_V1, "--out", out, "--format", "json", exit=0)
    report = run.json()
    (f,) = report["files"]
    assert f["status"] == "migrated" and f["migration_from"] == "1"
    assert f["renamed"] == [{"from": "model_presentation", "to": "model_reviewed", "ratings": 2}]
    recoded = {(r["code"], r["from"], r["to"]): r["cells"] for r in f["recoded"]}
    assert recoded[("resistance", "1", "0")] == 14
    assert recoded[("therapist_model_work", "explains_model", "works_on_model")] == 5
    assert recoded[("therapist_model_work", "links_symptoms_to_model", "works_on_model")] == 6
    assert f["version_cells"] == 22
    migrated = out / "alice-v1.csv"
    accepted = cli("validate", V2, migrated, "--format", "json", exit=0).json()
    assert accepted["files"][0]["scheme_version"] == "2.0.0"
    assert ALICE_V1.read_text(encoding="utf-8").count("1.0.0") == 22  # input untouched


def test_migrated_values_are_the_recoded_ones(cli: Callable[..., Any], tmp_path: Path) -> None:
    cli("migrate", V2, ALICE_V1, "--out", tmp_path, exit=0)
    lines = (tmp_path / "alice-v1.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[8] == "model_reviewed"
    assert lines[1] == "P01-S01,1,alice,3,0,0,none,4,yes,socialization-to-the-model,2.0.0"
    assert lines[3] == "P01-S01,3,alice,1,0,2,works_on_model,,,socialization-to-the-model,2.0.0"


def test_wide_rename_recode_drop(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    src = write(
        "in/ann.csv",
        "session;segment;concordance;count;kind;goals;scheme_version\r\n"
        "S1;1;3;2;link;4;1.1.0\r\nS1;2;1;;plan;;1.1.0\r\nS1;3;2.0;1;NA;;1.1.0\r\n",
    )
    run = cli("migrate", v2, src, "--out", tmp_path / "out", "--format", "json", exit=0)
    f = run.json()["files"][0]
    assert f["renamed"] == [{"from": "concordance", "to": "conc", "ratings": 3}]
    assert f["dropped"] == [{"code": "count", "ratings": 2}]
    assert {(r["code"], r["from"], r["to"]): r["cells"] for r in f["recoded"]} == {
        ("conc", "3", "2"): 1,
        ("conc", "1", "0"): 1,
        ("conc", "2", "1"): 1,  # '2.0' found the mapping of '2'
        ("kind", "link", "explain"): 1,
    }
    data = (tmp_path / "out" / "ann.csv").read_bytes()
    assert data.startswith(b"session;segment;conc;kind;goals;scheme_version\r\n")  # delimiter, CRLF
    assert b"S1;1;2;explain;4;2.0.0\r\n" in data
    assert b"S1;3;1;NA;;2.0.0" in data  # 'not coded' stays as it was
    cli("validate", v2, tmp_path / "out" / "ann.csv", exit=0)


def test_long_layout(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    src = write(
        "in/bo.csv",
        "session,segment,coder,code,value\n"
        "S1,1,bo,concordance,3\nS1,1,bo,count,2\nS1,1,bo,kind,link\nS1,,bo,goals,4\n",
    )
    run = cli("migrate", v2, src, "--out", tmp_path, "--from", "1.0.0", "--format", "json", exit=0)
    f = run.json()["files"][0]
    assert f["layout"] == "long" and f["from_version"] == "1.0.0"
    assert f["dropped"] == [{"code": "count", "ratings": 1}]
    text = (tmp_path / "bo.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "session,segment,coder,code,value,scheme_version",
        "S1,1,bo,conc,2,2.0.0",
        "S1,1,bo,kind,explain,2.0.0",
        "S1,,bo,goals,4,2.0.0",
    ]
    cli("validate", v2, tmp_path / "bo.csv", exit=0)


def test_unmapped_value_is_left_and_reported(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    src = write(
        "in/ann.csv", "session,segment,concordance,kind,scheme_version\nS1,1,7,review,1.0.0\n"
    )
    run = cli("migrate", v2, src, "--out", tmp_path, "--format", "json", exit=1)
    doc = run.json()
    assert doc["ok"] is False and doc["totals"]["unmapped_values"] == 2
    issues = doc["files"][0]["issues"]
    assert [(p["kind"], p["line"], p["column"], p["code"], p["value"]) for p in issues] == [
        ("unmapped-value", 2, 3, "conc", "7"),
        ("unmapped-value", 2, 4, "kind", "review"),
    ]
    assert doc["files"][0]["status"] == "incomplete"
    assert "S1,1,7,review,2.0.0" in (tmp_path / "ann.csv").read_text(encoding="utf-8")
    text = cli("migrate", v2, src, "--out", tmp_path, "--force", exit=1).out
    assert "unmapped-value" in text and "fix the unmapped values" in text


def test_could_not_run(
    cli: Callable[..., Any], v2: Path, mini: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    old = write("in/old.csv", "session,segment,conc,scheme_version\nS1,1,2,0.9.0\n")
    run = cli("migrate", v2, old, "--out", tmp_path / "a", exit=2)
    assert "declares no migration from 0.9.0" in run.err and "from: 1" in run.err
    run = cli("migrate", mini, old, "--out", tmp_path / "a", exit=2)
    assert "it declares none" in run.err
    bare = write("in/bare.csv", "session,segment,conc\nS1,1,2\n")
    run = cli("migrate", v2, bare, "--out", tmp_path / "a", exit=2)
    assert "--from VERSION" in run.err
    other = write(
        "in/other.csv", "session,segment,conc,scheme_id,scheme_version\nS1,1,2,xyz,1.0.0\n"
    )
    run = cli("migrate", v2, other, "--out", tmp_path / "a", exit=2)
    assert "coded with scheme 'xyz'" in run.err
    newer = write("in/newer.csv", "session,segment,conc,scheme_version\nS1,1,2,3.0.0\n")
    cli("migrate", v2, newer, "--out", tmp_path / "a", exit=2)
    assert not (tmp_path / "a").exists()  # nothing written when a file cannot be migrated


def test_same_major_is_copied_unchanged(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    src = write("in/cur.csv", "session,segment,conc,scheme_version\nS1,1,2,2.0.0\n")
    run = cli("migrate", v2, src, "--out", tmp_path / "o", exit=0)
    assert "copied unchanged" in run.out
    assert (tmp_path / "o" / "cur.csv").read_bytes() == src.read_bytes()


def test_never_over_inputs_and_force(cli: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    src = shutil.copy(ALICE_V1, folder / "alice-v1.csv")
    before = Path(src).read_bytes()
    run = cli("migrate", V2, src, "--out", folder, exit=2)
    assert "refusing to write over an input" in run.err
    cli("migrate", V2, src, "--out", folder, "--force", exit=2)
    assert Path(src).read_bytes() == before
    out = tmp_path / "out"
    cli("migrate", V2, src, "--out", out, exit=0)
    run = cli("migrate", V2, src, "--out", out, exit=2)
    assert "pass --force" in run.err
    cli("migrate", V2, src, "--out", out, "--force", exit=0)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cli("migrate", V2, src, "--out", tmp_path / "file", exit=2)


def test_two_inputs_with_one_name(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    a = write("a/x.csv", "session,segment,conc,scheme_version\nS1,1,2,1.0.0\n")
    b = write("b/x.csv", "session,segment,conc,scheme_version\nS1,2,2,1.0.0\n")
    run = cli("migrate", v2, a, b, "--out", tmp_path / "o", exit=2)
    assert "would both be written" in run.err


def test_encoding_and_bom_kept(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    cp = write(
        "in/cp.csv", "session,segment,kind,scheme_version\nSé1,1,link,1.0.0\n".encode("cp1252")
    )
    bom = write(
        "in/bom.csv", "\ufeffsession,segment,kind,scheme_version\nSé1,1,link,1.0.0\n".encode()
    )
    cli("migrate", v2, cp, "--out", tmp_path / "o", "--encoding", "cp1252", exit=0)
    assert (tmp_path / "o" / "cp.csv").read_bytes().decode("cp1252").splitlines()[
        1
    ] == "Sé1,1,explain,2.0.0"
    cli("migrate", v2, bom, "--out", tmp_path / "o", exit=0)
    assert (tmp_path / "o" / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbfsession,")


def test_xlsx_is_written_as_csv(cli: Callable[..., Any], v2: Path, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["session", "segment", "concordance", "kind", "scheme_version"])
    ws.append(["S1", 1, 3, "link", "1.0.0"])
    src = tmp_path / "ann.xlsx"
    wb.save(src)
    run = cli("migrate", v2, src, "--out", tmp_path / "o", "--format", "json", exit=0)
    f = run.json()["files"][0]
    assert f["converted_from"] == "xlsx" and f["format"] == "csv"
    assert f["output"].endswith("ann.csv")
    text = cli("migrate", v2, src, "--out", tmp_path / "o", "--force", exit=0).out
    assert "(xlsx written as CSV)" in text
    assert (tmp_path / "o" / "ann.csv").read_text(encoding="utf-8").splitlines()[
        1
    ] == "S1,1,2,explain,2.0.0"


def test_json_keys_always_present(cli: Callable[..., Any], tmp_path: Path) -> None:
    doc = cli("migrate", V2, ALICE_V1, "--out", tmp_path, "--format", "json", exit=0).json()
    assert set(doc) == {
        "json_version",
        "ok",
        "scheme_id",
        "scheme_version",
        "out_dir",
        "files",
        "totals",
    }
    assert set(doc["files"][0]) == {
        "input", "output", "status", "format", "converted_from", "layout", "from_version",
        "migration_from", "renamed", "recoded", "dropped", "version_cells", "neutralised_cells",
        "issues",
    }  # fmt: skip
    assert set(doc["totals"]) == {"files", "migrated", "unchanged", "incomplete", "unmapped_values"}


def test_validate_checks_the_stated_scheme(
    cli: Callable[..., Any], v2: Path, write: Callable[..., Path]
) -> None:
    """The scheme_id / scheme_version columns, through the CLI (see validation.py)."""

    def kinds(sid: str, version: str, exit: int) -> set[str]:
        f = write(
            "f.csv", f"session,segment,conc,scheme_id,scheme_version\nS1,1,2,{sid},{version}\n"
        )
        doc = cli("validate", v2, f, "--format", "json", exit=exit).json()
        return {p["kind"] for p in doc["issues"]}

    assert not {"wrong-scheme", "incompatible-version"} & kinds("mini", "2.0.0", 0)
    minor = write("m.yaml", MINI_V2.replace("version: 2.0.0", "version: 2.3.0"))
    f = write("g.csv", "session,segment,conc,scheme_id,scheme_version\nS1,1,2,mini,2.1.0\n")
    doc = cli("validate", minor, f, "--format", "json", exit=0).json()
    assert "older-minor-version" in {p["kind"] for p in doc["issues"]}
    cli("validate", minor, f, "--strict", exit=1)
    assert "wrong-scheme" in kinds("other", "2.0.0", 1)
    assert "incompatible-version" in kinds("mini", "1.4.0", 1)
