"""xlsx coder files: the sheet the coder saw, the values Excel saved, bounded work, A1 places.

Workbooks are built with openpyxl, then their XML is edited by hand where Excel (or another
program) writes what openpyxl does not: hidden sheets, an active tab, formulas without a
saved value, a formatted cell at XFD1048576, a lying <dimension>, damaged archives.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests.conftest import MINI_SCHEME, Run

from socmodel_cli.a1 import cell_name, column_letters, column_number, sheet_prefix
from socmodel_cli.readers import TableProblem, open_table, xlsx_scan

HEADER = ["session", "segment", "conc"]
ROWS = [["S1", 1, 2], ["S1", 2, 3]]
SHEET1 = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def edit(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of the archive (the others are copied as they are)."""
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            new = change(data) if info.filename == member else data
            assert info.filename != member or new != data, f"{member} unchanged"
            zout.writestr(info.filename, new)
    return path


def sub(pattern: str, repl: str) -> Callable[[bytes], bytes]:
    return lambda data: re.sub(pattern.encode(), repl.encode(), data, count=1)


@pytest.fixture
def scheme(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(MINI_SCHEME)
    return path


def validate(cli: Callable[..., Run], scheme: Path, *args: Any, exit: int) -> dict[str, Any]:
    result: dict[str, Any] = cli("validate", scheme, *args, "--format", "json", exit=exit).json()
    return result


def issues(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in report["issues"] if i["kind"] == kind]


# --- Which sheet -----------------------------------------------------------------------


def test_hidden_first_sheet_is_skipped(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Old": [["junk"]], "Codes": [HEADER, *ROWS]})
    edit(path, WORKBOOK, sub(r'(name="Old"[^>]*?)state="visible"', r'\1state="hidden"'))
    report = validate(cli, scheme, path, exit=0)
    assert report["files"][0]["sheet"] == "Codes"
    assert report["summary"]["ratings"] == 2


def test_active_tab_is_read_and_named_in_locations(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(
        tmp_path / "ann.xlsx",
        {"Instructions": [["Fill in the Codes sheet"]], "Codes": [HEADER, ["S1", 1, 7]]},
    )
    edit(path, WORKBOOK, sub(r'activeTab="0"', 'activeTab="1"'))
    report = validate(cli, scheme, path, exit=1)
    assert report["files"][0]["sheet"] == "Codes"
    [bad] = issues(report, "unknown-value")
    assert (bad["line"], bad["column"], bad["cell"], bad["sheet"]) == (2, 3, "C2", "Codes")
    text = cli("validate", "s.yaml", "ann.xlsx", exit=1, cwd=tmp_path).out
    assert "ann.xlsx:Codes!C2" in text and "ann.xlsx: xlsx sheet 'Codes'," in text


def test_first_sheet_without_header_lists_the_sheets(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(
        tmp_path / "ann.xlsx",
        {"Instructions": [["Fill in the Codes sheet"]], "Codes": [HEADER, *ROWS]},
    )
    report = validate(cli, scheme, path, exit=1)
    [missing] = issues(report, "missing-key-column")
    assert "'Instructions' (1), 'Codes' (2)" in missing["message"]
    assert "--sheet" in missing["message"]
    assert missing["cell"] == "A1" and missing["sheet"] == "Instructions"


@pytest.mark.parametrize("choice", ["Codes", "codes", "2"])
def test_sheet_option_by_name_or_tab_number(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path, choice: str
) -> None:
    path = book(
        tmp_path / "ann.xlsx",
        {"Instructions": [["Fill in the Codes sheet"]], "Codes": [HEADER, *ROWS]},
    )
    report = validate(cli, scheme, path, "--sheet", choice, exit=0)
    assert report["files"][0]["sheet"] == "Codes"


def test_tab_numbers_count_visible_sheets(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Old": [["x"]], "A": [["a"]], "B": [["b"]]})
    edit(path, WORKBOOK, sub(r'(name="Old"[^>]*?)state="visible"', r'\1state="veryHidden"'))
    assert open_table(path, sheet="2").sheet == "B"
    assert open_table(path, sheet="Old").sheet == "Old"  # by name, even a hidden sheet


def test_unknown_sheet_is_a_located_problem(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    report = validate(cli, scheme, path, "--sheet", "Ratings", exit=1)
    [missing] = issues(report, "missing-sheet")
    assert "no sheet 'Ratings'" in missing["message"] and "'Codes' (1)" in missing["message"]


def test_sheet_option_reaches_reliability_and_diagnose(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    files = []
    for coder in ("ann", "bo"):
        files.append(
            book(
                tmp_path / f"{coder}.xlsx",
                {"Instructions": [["read me"]], "Codes": [HEADER, ["S1", 1, 2], ["S1", 2, 3]]},
            )
        )
    cli("reliability", scheme, *files, "--code", "conc", exit=2)  # Instructions has no header
    run = cli(
        "reliability",
        scheme,
        *files,
        "--code",
        "conc",
        "--sheet",
        "Codes",
        "-f",
        "json",
        "--min-units",
        "0",
        exit=0,
    )
    assert run.json()["codes"][0]["alpha"] == 1.0
    cli(
        "diagnose", scheme, *files, "--code", "conc", "--sheet", "Codes", "--min-units", "0", exit=0
    )


def test_all_sheets_hidden(cli: Callable[..., Run], scheme: Path, tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, WORKBOOK, sub(r'state="visible"', 'state="hidden"'))
    [missing] = issues(validate(cli, scheme, path, exit=1), "missing-sheet")
    assert "no visible worksheet" in missing["message"]


# --- What the coder saw -------------------------------------------------------------------


def test_numbers_read_as_excel_shows_them(tmp_path: Path) -> None:
    path = book(tmp_path / "n.xlsx", {"S": [["a", "b", "c", "d"], [2.0, 0.1 + 0.2, True, -1.5]]})
    table = open_table(path)
    assert list(table.rows) == [(2, ["2", "0.3", "TRUE", "-1.5"])]


def test_formula_with_saved_value_is_read(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, ["S1", 1, 2]]})
    edit(path, SHEET1, sub(r'<c r="C2" t="n"><v>2</v></c>', '<c r="C2"><f>1+1</f><v>2</v></c>'))
    report = validate(cli, scheme, path, exit=0)
    assert report["summary"]["ratings"] == 1


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="C2"><f>B2*2</f></c>',  # no <v> at all
        '<c r="C2"><f>B2*2</f><v/></c>',  # openpyxl's empty <v/>
        '<c r="C2" t="n"><f>B2*2</f><v></v></c>',
    ],
)
def test_formula_without_value_is_located(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path, cell: str
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, ["S1", 1, 2], ["S1", 2, 3]]})
    edit(path, SHEET1, sub(r'<c r="C2" t="n"><v>2</v></c>', cell))
    report = validate(cli, scheme, path, exit=1)
    [found] = issues(report, "formula-without-value")
    assert (found["cell"], found["severity"], found["value"]) == ("C2", "error", "B2*2")
    assert "=B2*2" in found["message"]
    assert report["summary"]["ratings"] == 1  # C3 still counts; C2 is not taken as "not coded"
    assert "ann.xlsx:C2: " in cli("validate", "s.yaml", "ann.xlsx", exit=1, cwd=tmp_path).out


def test_saved_empty_text_result_is_not_a_problem(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, ["S1", 1, 2]]})
    edit(
        path, SHEET1, sub(r'<c r="C2" t="n"><v>2</v></c>', '<c r="C2" t="str"><f>""</f><v></v></c>')
    )
    table = open_table(path)
    list(table.rows)
    assert table.problems == []


def test_error_value_is_located(cli: Callable[..., Run], scheme: Path, tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, ["S1", 1, 2]]})
    edit(
        path,
        SHEET1,
        sub(
            r'<c r="C2" t="n"><v>2</v></c>', '<c r="C2" t="e"><f>VLOOKUP(A2,X,2)</f><v>#N/A</v></c>'
        ),
    )
    [found] = issues(validate(cli, scheme, path, exit=1), "error-cell")
    assert found["cell"] == "C2" and "#N/A" in found["message"]


@pytest.mark.parametrize(
    ("value", "number_format", "shown", "number"),
    [
        (2, "yyyy-mm-dd", "1900-01-02", "2"),
        (61, "dd/mm/yyyy", "1900-03-01", "61"),
        (45000.5, "yyyy-mm-dd hh:mm", "2023-03-15 12:00:00", "45000.5"),
        (0.4375, "hh:mm", "10:30:00", "0.4375"),
        (1.25, "[h]:mm", "30:00:00", "1.25"),
    ],
)
def test_date_formatted_number_is_reported_with_its_number(
    cli: Callable[..., Run],
    scheme: Path,
    tmp_path: Path,
    value: float,
    number_format: str,
    shown: str,
    number: str,
) -> None:
    path = tmp_path / "ann.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append(["S1", 1, value])
    ws["C2"].number_format = number_format
    wb.save(path)
    report = validate(cli, scheme, path, exit=1)
    [found] = issues(report, "date-cell")
    assert found["cell"] == "C2" and found["value"] == shown
    assert f"({shown})" in found["message"] and f"the cell holds {number})" in found["message"]
    assert "format it as a number" in found["message"]
    assert report["summary"]["ratings"] == 0  # never read as a number or as ISO text
    assert [i["kind"] for i in report["issues"] if i["severity"] == "error"] == ["date-cell"]


def test_true_date_in_a_key_column_is_reported(tmp_path: Path) -> None:
    path = book(tmp_path / "d.xlsx", {"S": [HEADER, [dt.datetime(2024, 3, 1), 1, 2]]})
    table = open_table(path)
    assert list(table.rows) == [(2, ["", "1", "2"])]
    [found] = table.problems
    assert (found.kind, found.cell, found.value) == ("date-cell", "A2", "2024-03-01")


def test_header_below_row_one_keeps_sheet_positions(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    def sheet(path: Path, first_column: int) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        for r, row in enumerate([HEADER, ["S1", 1, 9]], start=3):
            for c, value in enumerate(row, start=first_column):
                ws.cell(row=r, column=c, value=value)
        wb.save(path)
        return path

    shifted = open_table(sheet(tmp_path / "b.xlsx", 2))
    assert shifted.header_line == 3 and shifted.header == ["", *HEADER]
    report = validate(cli, scheme, tmp_path / "b.xlsx", exit=1)
    assert [i["cell"] for i in issues(report, "empty-column-name")] == ["A3"]
    report = validate(cli, scheme, sheet(tmp_path / "a.xlsx", 1), exit=1)
    assert [i["cell"] for i in issues(report, "unknown-value")] == ["C4"]


# --- Bounded work -----------------------------------------------------------------------


def test_formatted_cell_at_xfd1048576_costs_milliseconds(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(
        path,
        SHEET1,
        sub("</sheetData>", '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'),
    )
    assert path.stat().st_size < 10_000
    start = time.process_time()
    table = open_table(path)
    assert len(list(table.rows)) == 2
    assert time.process_time() - start < 1.0
    assert validate(cli, scheme, path, exit=0)["summary"]["ratings"] == 2


def test_lying_dimension_is_ignored(cli: Callable[..., Run], scheme: Path, tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, SHEET1, sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"'))
    assert validate(cli, scheme, path, exit=0)["summary"]["ratings"] == 2


@pytest.mark.parametrize(
    "stray",
    [
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',  # a value at the far corner
        '<row r="4"><c r="XFD1048576"><v>1</v></c></row>',  # the cell says more than its row
        '<row r="1048576"><c r="XFD1048576" s="1"></c><c><v>1</v></c></row>',  # no r: after XFD
    ],
)
def test_far_value_is_refused_before_allocation(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path, stray: str
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, SHEET1, sub("</sheetData>", stray + "</sheetData>"))
    start = time.process_time()
    report = validate(cli, scheme, path, exit=1)
    assert time.process_time() - start < 5.0
    [found] = issues(report, "xlsx-too-large")
    assert found["line"] == 1048576 and found["column"] >= 16384
    assert "Ctrl+End" in found["message"]


def test_far_value_in_a_prefixed_sheet_is_refused(tmp_path: Path) -> None:
    """Namespace prefixes (some .NET writers) take the exact pass; it bounds them too."""
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})

    def prefix(data: bytes) -> bytes:
        data = data.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        )
        data = re.sub(rb"<(/?)(sheetData|row|c|v|is|t)\b", rb"<\1x:\2", data)
        return data.replace(
            b"<worksheet ",
            b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
        )

    edit(path, SHEET1, prefix)
    with pytest.raises(TableProblem) as info:
        open_table(path)
    assert info.value.problem.kind == "xlsx-too-large" and info.value.problem.cell == "XFD1048576"


def test_cells_without_references_are_read(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, SHEET1, lambda data: re.sub(rb' r="[A-Z]+\d+"', b"", data))
    scan = xlsx_scan.scan_sheet(zipfile.ZipFile(path), SHEET1)
    assert (scan.exact, scan.rows, scan.columns) == (True, 3, 3)
    assert list(open_table(path).rows) == [(2, ["S1", "1", "2"]), (3, ["S1", "2", "3"])]


def test_wide_sheet_gets_an_exact_bound(tmp_path: Path) -> None:
    """References beyond column Z make the counting bound loose; the exact one then decides."""
    path = book(tmp_path / "w.xlsx", {"S": [[f"c{i}" for i in range(120)], *[[1] * 120] * 3]})
    scan = xlsx_scan.scan_sheet(zipfile.ZipFile(path), SHEET1)
    assert (scan.exact, scan.rows, scan.columns) == (True, 4, 120)


def test_shared_strings_are_bounded(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    table = "".join(f"<si><t>s{i}</t></si>" for i in range(50))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", f'<sst count="50" uniqueCount="50">{table}</sst>')
    monkeypatch.setattr(xlsx_scan, "MAX_SHARED_STRINGS", 40)
    monkeypatch.setattr("socmodel_cli.readers.xlsx.MAX_SHARED_STRINGS", 40)
    [found] = issues(validate(cli, scheme, path, exit=1), "xlsx-too-large")
    assert "50 strings" in found["message"] and found["path"] == "xl/sharedStrings.xml"


# --- Damaged workbooks ------------------------------------------------------------------


def test_truncated_zip_is_corrupt(cli: Callable[..., Run], scheme: Path, tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    path.write_bytes(path.read_bytes()[:-200])  # the central directory is gone
    [found] = issues(validate(cli, scheme, path, exit=1), "corrupt-file")
    assert "truncated" in found["message"]


def test_damaged_sheet_data_is_corrupt(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS * 200]})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET1)
    # Flip bytes inside the compressed sheet (after its 30-byte local header and name).
    middle = info.header_offset + 30 + len(SHEET1) + info.compress_size // 2
    data[middle : middle + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(TableProblem) as info_:
        open_table(path)
    assert info_.value.problem.kind == "corrupt-file"
    assert info_.value.problem.path == SHEET1


def test_broken_workbook_xml_is_located(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, WORKBOOK, sub("<sheets>", "<sheets><"))
    [found] = issues(validate(cli, scheme, path, exit=1), "corrupt-file")
    assert found["path"] == WORKBOOK and re.search(r"line 1, column \d+", found["message"])


def test_broken_sheet_xml_is_corrupt(cli: Callable[..., Run], scheme: Path, tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    edit(path, SHEET1, sub("</sheetData>", "</sheetDat>"))
    [found] = issues(validate(cli, scheme, path, exit=1), "corrupt-file")
    assert found["path"] == SHEET1


def test_entity_in_workbook_xml_is_refused(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS]})
    bomb = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
    edit(path, WORKBOOK, lambda data: bomb + data.replace(b'name="Codes"', b'name="&a;"'))
    with pytest.raises(TableProblem) as info:
        open_table(path)
    assert info.value.problem.kind == "corrupt-file"


def test_chart_sheet_is_not_read(tmp_path: Path) -> None:
    path = book(tmp_path / "ann.xlsx", {"Codes": [HEADER, *ROWS], "Chart": [["x"]]})
    edit(
        path,
        "xl/_rels/workbook.xml.rels",
        sub(
            r"relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml",
            'relationships/chartsheet" Target="/xl/worksheets/sheet2.xml',
        ),
    )
    with pytest.raises(TableProblem) as info:
        open_table(path, sheet="Chart")
    assert info.value.problem.kind == "missing-sheet" and "chartsheet" in info.value.problem.message


def test_migrate_refuses_cells_it_would_copy_wrongly(
    cli: Callable[..., Run], scheme: Path, tmp_path: Path
) -> None:
    path = book(
        tmp_path / "ann.xlsx", {"Codes": [[*HEADER, "scheme_version"], ["S1", 1, 2, "1.2.0"]]}
    )
    edit(path, SHEET1, sub(r'<c r="C2" t="n"><v>2</v></c>', '<c r="C2"><f>1+1</f></c>'))
    run = cli("migrate", scheme, path, "--out", tmp_path / "out", exit=2)
    assert "formula-without-value" in run.err and "ann.xlsx:C2" in run.err


# --- A1 names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "letters"),
    [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"), (16384, "XFD")],
)
def test_column_letters(number: int, letters: str) -> None:
    assert column_letters(number) == letters and column_number(letters) == number


def test_cell_and_sheet_names() -> None:
    assert cell_name(5, 3) == "C5"
    assert sheet_prefix("Codes") == "Codes!"
    assert sheet_prefix("Maria's codes") == "'Maria''s codes'!"
    assert sheet_prefix("AB12") == "'AB12'!"  # would read as a cell


@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_chunks_cut_before_a_tag_and_lose_nothing(
    prefix: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(xlsx_scan, "CHUNK", 1000)
    p = prefix
    rows = b"".join(
        b'<%srow r="%d"><%sc r="A%d"><%sf>B%d+1</%sf></%sc></%srow>' % (p, i, p, i, p, i, p, p, p)
        for i in range(1, 3000)
    )
    data = b"<%ssheetData>%s</%ssheetData>" % (p, rows, p)
    chunks = list(xlsx_scan._chunks(io.BytesIO(data)))
    assert b"".join(chunks) == data and len(chunks) > 10
    assert all(c.endswith(b">") for c in chunks)  # never inside a tag
    assert max(map(len, chunks)) <= 9 * 1000 + 100  # bounded even without plain cell starts
    scan = xlsx_scan._by_token(iter(chunks))
    assert scan.counts == {"formula-without-value": 2999}
