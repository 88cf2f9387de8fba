"""Readers: encodings, delimiters, containers. Nothing decoded by guesswork."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from socmodel_cli.readers import TableProblem, open_table
from socmodel_cli.scheme import load_scheme
from socmodel_cli.validation import validate_files

ROWS = [["session", "segment", "conc"], ["S1", "1", "2"], ["S1", "2", "3"]]


def read_all(
    path: Path, encoding: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    table = open_table(path, encoding)
    return table.header, list(table.rows)


@pytest.mark.parametrize(
    ("delimiter", "suffix"),
    [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("\t", ".csv"), ("|", ".txt")],
)
def test_delimiter_is_detected(write: Callable[..., Path], delimiter: str, suffix: str) -> None:
    path = write("f" + suffix, "\n".join(delimiter.join(r) for r in ROWS) + "\n")
    header, rows = read_all(path)
    assert header == ROWS[0]
    assert rows == [(2, ROWS[1]), (3, ROWS[2])]
    assert open_table(path).delimiter == delimiter


def test_utf8_bom_and_crlf(write: Callable[..., Path]) -> None:
    path = write("bom.csv", b"\xef\xbb\xbfsession,segment,conc\r\nS1,1,2\r\nS1,2,3\r\n")
    header, rows = read_all(path)
    assert header == ROWS[0] and rows[1] == (3, ROWS[2])
    assert open_table(path).encoding == "utf-8-sig"


def test_utf16_with_bom_is_read(write: Callable[..., Path]) -> None:
    text = "session\tsegment\tconc\r\nS1\t1\t2\r\n"
    path = write("unicode.txt", text.encode("utf-16"))
    header, rows = read_all(path)
    assert header == ROWS[0] and rows == [(2, ["S1", "1", "2"])]


def test_quoted_newline_keeps_line_numbers(write: Callable[..., Path]) -> None:
    path = write("q.csv", 'a,b\n"x\ny",1\nz,2\n')
    _, rows = read_all(path)
    assert rows == [(2, ["x\ny", "1"]), (4, ["z", "2"])]


def test_cp1252_is_refused_with_likely_encoding(write: Callable[..., Path], mini: Path) -> None:
    path = write("cp.csv", "session,segment,coder,conc\nS1,1,José,2\nS1,2,Zoë,3\n".encode("cp1252"))
    result = validate_files(load_scheme(mini), [path])
    problem = result.problems[0]
    assert (problem.kind, problem.line, problem.column) == ("undecodable-bytes", 2, 9)
    assert "--encoding" in problem.message
    assert result.files[0].errors == 1
    # with the encoding named, the names come through intact (no mojibake)
    result = validate_files(load_scheme(mini), [path], encoding="cp1252")
    assert result.errors == 0 and set(result.coders) == {"José", "Zoë"}


def test_nul_bytes_are_refused(write: Callable[..., Path]) -> None:
    path = write("bin.csv", b"session,segment\x00\x01\x02\n")
    with pytest.raises(TableProblem) as info:
        open_table(path)
    assert info.value.problem.kind == "binary-file"


def test_empty_file(write: Callable[..., Path]) -> None:
    with pytest.raises(TableProblem) as info:
        open_table(write("e.csv", ""))
    assert info.value.problem.kind == "empty-file"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_is_read_with_typed_cells(tmp_path: Path, mini: Path) -> None:
    path = _xlsx(
        tmp_path / "ann.xlsx",
        [["session", "segment", "conc", "kind"], ["S1", 1, 2.0, "plan"], ["S1", 2, None, "link"]],
    )
    header, rows = read_all(path)
    assert header == ["session", "segment", "conc", "kind"]
    assert rows == [(2, ["S1", "1", "2", "plan"]), (3, ["S1", "2", "", "link"])]
    result = validate_files(load_scheme(mini), [path])
    assert result.errors == 0 and result.files[0].format == "xlsx"


def test_renamed_csv_is_not_an_xlsx(write: Callable[..., Path]) -> None:
    from socmodel_cli.errors import InputError

    with pytest.raises(InputError, match=r"rename it to \.csv"):
        open_table(write("fake.xlsx", "session,segment\nS1,1\n"))


def test_xlsx_named_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "sheet.xlsx", [["a", "b"], [1, 2]])
    renamed = path.rename(tmp_path / "sheet.csv")
    assert open_table(renamed).format == "xlsx"


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(1100):
                fh.write(chunk)
    assert path.stat().st_size < 5_000_000
    with pytest.raises(TableProblem) as info:
        open_table(path)
    assert info.value.problem.kind == "xlsx-too-large"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    path = tmp_path / "x.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(TableProblem) as info:
        open_table(path)
    assert info.value.problem.kind == "corrupt-file"
