"""Real lab files in: lenient reading, extra columns, per-file coders, formats from file names."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXPORTS, SCHEME, Run

LAB = """\
id: lab
version: 1.0.0
title: Lab
unit: {name: segment, keys: [segment]}
reliability: {min_units: 0}
codes:
  - id: warmth
    level: ordinal
    values: [1, 2, 3, 4, 5]
"""


def _files(tmp: Path, a: list[str], b: list[str], extra: str = "") -> list[Path]:
    (tmp / "s.yaml").write_text(LAB)
    out = []
    for name, values in (("export1.csv", a), ("export2.csv", b)):
        rows = [f"segment,warmth{extra}"] + [
            f"{i},{v}{',note' if extra else ''}" for i, v in enumerate(values, 1)
        ]
        (tmp / name).write_text("\n".join(rows) + "\n")
        out.append(tmp / name)
    return out


GOOD_A = ["1", "2", "3", "4", "5", "1", "2", "3", "4", "5"]
GOOD_B = ["1", "2", "3", "4", "5", "1", "2", "3", "4", "4"]


def test_lenient_drops_only_the_invalid_cells_and_says_so(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    a, b = _files(tmp_path, GOOD_A, [*GOOD_B[:9], "six"])
    args = ["reliability", "s.yaml", a, b, "--bootstrap", "0", "-f", "json"]
    assert "--lenient drops only the invalid cells" in cli(*args, exit=2, cwd=tmp_path).err
    doc = cli(*args, "--lenient", exit=0, cwd=tmp_path).json()
    assert doc["codes"][0]["pairable_units"] == 9
    dropped = [w for w in doc["warnings"] if w["kind"] == "dropped-ratings"]
    assert len(dropped) == 1 and dropped[0]["file"].endswith("export2.csv")
    assert "1 rating(s) of warmth left out (unknown-value)" in dropped[0]["message"]
    text = cli(*args[:-2], "--lenient", exit=0, cwd=tmp_path)
    assert "dropped-ratings" in text.err and "partial data" in text.err


def test_keys_that_almost_match_are_never_lenient(tmp_path: Path, cli: Callable[..., Run]) -> None:
    a, b = _files(tmp_path, GOOD_A, GOOD_B)
    b.write_text(b.read_text().replace("\n1,", "\n01,").replace("\n2,", "\n02,"))
    cli("reliability", "s.yaml", a, b, "--lenient", exit=2, cwd=tmp_path)


def test_a_notes_column_is_ignored_on_request(tmp_path: Path, cli: Callable[..., Run]) -> None:
    a, b = _files(tmp_path, GOOD_A, GOOD_B, extra=",Notes")
    doc = cli("validate", "s.yaml", a, b, "-f", "json", exit=1, cwd=tmp_path).json()
    assert doc["summary"]["by_kind"] == {"unknown-code": 2}
    cli("validate", "s.yaml", a, b, "--ignore-column", "notes", exit=0, cwd=tmp_path)
    (tmp_path / "s.yaml").write_text(LAB + "ignore_columns: [Notes]\n")
    cli("validate", "s.yaml", a, b, exit=0, cwd=tmp_path)


def test_each_file_can_name_its_coder(tmp_path: Path, cli: Callable[..., Run]) -> None:
    a, b = _files(tmp_path, GOOD_A, GOOD_B)
    doc = cli(
        "validate", "s.yaml", a, b, "--coder", "export1.csv=maria", "--coder", f"{b}=tomás",
        "-f", "json", exit=0, cwd=tmp_path,
    ).json()  # fmt: skip
    assert doc["coders"] == ["maria", "tomás"]
    # One --coder for both files makes them one coder: every unit conflicts.
    doc = cli("validate", "s.yaml", a, b, "--coder", "x", "-f", "json", exit=1, cwd=tmp_path).json()
    assert doc["summary"]["by_kind"]["conflicting-ratings"] == 1
    run = cli("validate", "s.yaml", a, b, "--coder", "nope.csv=x", exit=2, cwd=tmp_path)
    assert "FILE=NAME" in run.err


def test_r_row_names_get_a_hint(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "s.yaml").write_text(LAB)
    (tmp_path / "r.csv").write_text('"","segment","warmth"\n"1","1","2"\n')
    run = cli("validate", "s.yaml", "r.csv", exit=1, cwd=tmp_path)
    assert "row.names = FALSE" in run.out and "index=False" in run.out


def test_the_output_name_picks_the_format(tmp_path: Path, cli: Callable[..., Run]) -> None:
    base = ["reliability", SCHEME, *EXPORTS, "--bootstrap", "0"]
    cli(*base, "-o", tmp_path / "rel.json", exit=1)
    assert json.loads((tmp_path / "rel.json").read_text())["json_version"] == 1
    cli(*base, "-o", tmp_path / "rel.csv", exit=1)
    data = (tmp_path / "rel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcode,label")  # a BOM, so Excel reads accents
    cli(*base, "-o", tmp_path / "plain.csv", "--no-bom", exit=1)
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"code,label")
    cli(*base, "-o", tmp_path / "rel.md", exit=1)
    assert (tmp_path / "rel.md").read_text().startswith("### Inter-coder reliability")
    run = cli(*base, "-f", "text", "-o", tmp_path / "x.csv", exit=2)
    assert "contradicts" in run.err and not (tmp_path / "x.csv").exists()


def test_piped_text_follows_columns(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "0", exit=1).out
    assert max(len(line) for line in out.splitlines()) <= 80


import pytest  # noqa: E402
