"""`socmodel template`: blank coding sheets (CSV, xlsx) that `validate` reads once filled."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from tests.conftest import SCHEME

UNITS = "session,segment,minutes\nS1,1,5\nS1,2,5\nS1,3,4\nS2,1,5\nS2,2,3\n"


@pytest.fixture
def units(write: Callable[..., Path]) -> Path:
    path: Path = write("units.csv", UNITS)
    return path


def test_csv_sheet(cli: Callable[..., Any], mini: Path, units: Path, tmp_path: Path) -> None:
    out = tmp_path / "zoe.csv"
    run = cli("template", mini, "--units", units, "--coder", "zoe", "-o", out, exit=0)
    assert "columns of" in run.err and "minutes" in run.err  # unused column named
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "session", "segment", "conc", "count", "kind", "goals", "coder", "scheme_id", "scheme_version",
    ]  # fmt: skip
    assert rows[1] == ["S1", "1", "", "", "", "", "zoe", "mini", "1.2.0"]
    assert len(rows) == 6
    cli("validate", mini, out, exit=0)  # blank sheet is valid (nothing coded yet)


def test_csv_to_stdout_and_filled_sheet_validates(
    cli: Callable[..., Any], mini: Path, units: Path, write: Callable[..., Path]
) -> None:
    text = cli("template", mini, "--units", units, "--coder", "zoe", exit=0).out
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        row[2:6] = ["2", "1", "plan", "4" if row[1] == "1" else ""]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    filled = write("zoe-filled.csv", buffer.getvalue())
    result = cli("validate", mini, filled, "--format", "json", exit=0).json()
    assert result["files"][0]["ratings"] == 5 * 3 + 2


def _sheet(path: Path) -> tuple[Any, Worksheet]:
    wb = openpyxl.load_workbook(path)
    ws = wb["ratings"]
    return wb, ws


def test_xlsx_sheet_has_validation_lists_and_comments(
    cli: Callable[..., Any], mini: Path, units: Path, tmp_path: Path
) -> None:
    out = tmp_path / "zoe.xlsx"
    cli("template", mini, "--units", units, "--coder", "zoe", "-o", out, exit=0)
    wb, ws = _sheet(out)
    assert wb.sheetnames == ["ratings", "codebook"]
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["session", "segment", "conc", "count", "kind", "goals"]
    assert [c.value for c in ws[2]] == ["S1", 1, None, None, None, None, "zoe", "mini", "1.2.0"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    conc = rules["C2:C6"]
    assert (conc.type, conc.formula1) == ("list", '"0,1,2,3"')
    kind = rules["E2:E6"]
    assert (kind.type, kind.formula1) == ("list", '"explain,link,plan"')
    count = rules["D2:D6"]
    assert (count.type, count.operator, count.formula1, count.formula2) == (
        "whole",
        "between",
        "0",
        "10",
    )
    goals = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"1,2,3,4,5"')
    assert str(goals.sqref) == "F2 F5"  # first row of each session only
    assert ws["F3"].fill.fgColor.rgb.endswith("D9D9D9") and ws["F2"].fill.fgColor.rgb == "00000000"
    assert ws["E1"].comment is not None and "explain" in ws["E1"].comment.text
    assert "Rated once per session" in (ws["F1"].comment.text if ws["F1"].comment else "")
    book = wb["codebook"]
    values = [(r[0], r[3]) for r in book.iter_rows(min_row=2, values_only=True) if r[3] is not None]
    assert ("kind", "explain") in values and (None, "plan") in values


def test_filled_xlsx_round_trips_through_validate(
    cli: Callable[..., Any], mini: Path, units: Path, tmp_path: Path
) -> None:
    out = tmp_path / "zoe.xlsx"
    cli("template", mini, "--units", units, "--coder", "zoe", "-o", out, exit=0)
    wb, ws = _sheet(out)
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=3, value=row % 4)  # conc 0-3
        ws.cell(row=row, column=4, value=row)  # count 2-6
        ws.cell(row=row, column=5, value=("explain", "link", "plan")[row % 3])
        if ws.cell(row=row, column=6).fill.fgColor.rgb == "00000000":
            ws.cell(row=row, column=6, value=3)
    wb.save(out)
    result = cli("validate", mini, out, "--format", "json", exit=0).json()
    assert result["files"][0]["ratings"] == 5 * 3 + 2
    assert result["files"][0]["scheme_version"] == "1.2.0"


def test_bundled_scheme_xlsx(
    cli: Callable[..., Any], tmp_path: Path, write: Callable[..., Path]
) -> None:
    units = write("u.csv", "session,segment\nP01-S01,1\nP01-S01,2\n")
    out = tmp_path / "alice.xlsx"
    cli("template", SCHEME, "--units", units, "--coder", "alice", "-o", out, exit=0)
    _, ws = _sheet(out)
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert (
        '"explains_model,links_symptoms_to_model,sets_activity_plan,reviews_homework,none"'
        in formulas
    )
    assert '"yes,no"' in formulas


def test_long_value_lists_refer_to_the_codebook_sheet(
    cli: Callable[..., Any], units: Path, tmp_path: Path, write: Callable[..., Path]
) -> None:
    values = ", ".join(f"category_number_{i:02d}" for i in range(20))
    scheme = write(
        "long.yaml",
        "id: long\nversion: 1.0.0\ntitle: L\nunit: {name: s, keys: [session, segment]}\n"
        f"codes:\n  - {{id: many, label: Many, level: nominal, values: [{values}]}}\n"
        '  - {id: comma, label: C, level: nominal, values: ["a,b", c]}\n',
    )
    out = tmp_path / "l.xlsx"
    cli("template", scheme, "--units", units, "--coder", "z", "-o", out, exit=0)
    wb, ws = _sheet(out)
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert formulas == ["codebook!$D$2:$D$21", "codebook!$D$22:$D$23"]
    assert wb["codebook"]["D21"].value == "category_number_19"


def test_refusals(
    cli: Callable[..., Any], mini: Path, units: Path, write: Callable[..., Path], tmp_path: Path
) -> None:
    run = cli("template", mini, "--units", units, "--coder", "z", "--format", "xlsx", exit=2)
    assert "needs a file" in run.err
    bad = write("bad.csv", "session,minute\nS1,1\n")
    run = cli("template", mini, "--units", bad, "--coder", "z", exit=2)
    assert "no column for unit key(s) segment" in run.err
    dup = write("dup.csv", "session,segment\nS1,1\nS1,1\n")
    run = cli("template", mini, "--units", dup, "--coder", "z", exit=2)
    assert "listed twice (first on line 2)" in run.err
    empty = write("empty.csv", "session,segment\nS1,\n")
    cli("template", mini, "--units", empty, "--coder", "z", exit=2)
    out = tmp_path / "z.csv"
    cli("template", mini, "--units", units, "--coder", "z", "-o", out, exit=0)
    cli("template", mini, "--units", units, "--coder", "z", "-o", out, exit=2)
    cli("template", mini, "--units", units, "--coder", "z", "-o", out, "--force", exit=0)
    cli("template", mini, "--units", units, "--coder", "z", "-o", units, "--force", exit=2)
    assert units.read_text(encoding="utf-8") == UNITS
