"""The catalogue of bad inputs (docs/bad-inputs.md): each entry, its message and exit code.

Every entry builds its input in a temporary folder, runs the real CLI and checks the exit
code and the problem kind (or message). The test at the end checks that the document lists
exactly these entries.
"""

from __future__ import annotations

import json
import os
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests import hostile as h
from tests.conftest import MINI_SCHEME, ROOT, Run
from tests.test_outputs import OUTPUT_IDS

HEADER = "session,segment,conc,count,kind,goals\n"
ROW = "S1,1,2,0,explain,4\n"


@dataclass(frozen=True)
class Entry:
    id: str
    build: Callable[[Path], list[str]]  # writes files, returns the CLI arguments
    exit: int
    expect: str  # a problem kind or a fragment of the output (stdout + stderr)


def _csv(
    content: str | bytes, name: str = "coder.csv", extra: tuple[str, ...] = ()
) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(MINI_SCHEME)
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return ["validate", "s.yaml", name, "--format", "json", *extra]

    return build


def _scheme(content: str | bytes) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_bytes(
            content if isinstance(content, bytes) else content.encode("utf-8")
        )
        return ["scheme", "check", "s.yaml", "--format", "json"]

    return build


def _binary(tmp: Path) -> list[str]:
    rng = random.Random(7)
    return _csv(bytes(rng.randrange(256) for _ in range(4096)))(tmp)


def _zip_bomb(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    with zipfile.ZipFile(tmp / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(1100):
                fh.write(b"\x00" * (1 << 20))
    return ["validate", "s.yaml", "bomb.xlsx", "--format", "json"]


def _truncated_xlsx(tmp: Path) -> list[str]:
    import openpyxl

    (tmp / "s.yaml").write_text(MINI_SCHEME)
    wb = openpyxl.Workbook()
    wb.save(tmp / "full.xlsx")
    data = (tmp / "full.xlsx").read_bytes()
    (tmp / "cut.xlsx").write_bytes(data[: len(data) // 2])
    return ["validate", "s.yaml", "cut.xlsx", "--format", "json"]


def _fifo(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    os.mkfifo(tmp / "pipe.csv")
    return ["validate", "s.yaml", "pipe.csv"]


def _directory(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / "folder.csv").mkdir()
    return ["validate", "s.yaml", "folder.csv"]


def _missing(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    return ["validate", "s.yaml", "nowhere.csv"]


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _huge_scheme(tmp: Path) -> list[str]:
    with (tmp / "s.yaml").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    return ["scheme", "check", "s.yaml", "--format", "json"]


def _wide(n: int) -> str:
    return (
        "session,segment," + ",".join(f"c{i}" for i in range(n)) + "\n" + "S1,1" + ",1" * n + "\n"
    )


CP1252 = "session,segment,coder,conc\nS1,1,José,2\nS1,2,Zoë,3\n".encode("cp1252")

# --- Excel workbooks (tests/test_xlsx.py has the finer cases) ------------------------------


def _workbook(
    sheets: dict[str, list[list[object]]],
    edits: tuple[tuple[str, str, str], ...] = (),
    extra: tuple[str, ...] = (),
) -> Callable[[Path], list[str]]:
    """A workbook built with openpyxl, then parts edited by hand: (part, regex, replacement)."""

    def build(tmp: Path) -> list[str]:
        from tests.test_xlsx import book, edit, sub

        (tmp / "s.yaml").write_text(MINI_SCHEME)
        path = book(tmp / "ann.xlsx", sheets)
        for part, pattern, repl in edits:
            edit(path, part, sub(pattern, repl))
        return ["validate", "s.yaml", "ann.xlsx", "--format", "json", *extra]

    return build


NUMERIC_SCHEME = """\
id: numeric
version: 1.0.0
title: Numeric
unit:
  name: segment
  keys: [session, segment]
codes:
  - id: pace
    label: Pace
    level: interval
  - id: amount
    label: Amount
    level: ratio
  - id: kind
    label: Kind
    level: nominal
    values: [a, b, c]
"""
# Krippendorff-style 8-unit example of two coders; interval alpha .893617 (issue #9).
EIGHT = [(1, 2), (2, 2), (3, 4), (4, 4), (5, 5), (2, 3), (3, 3), (1, 1)]


def _numeric(
    value: Callable[[int], str], command: str = "reliability", extra: tuple[str, ...] = ()
) -> Callable[[Path], list[str]]:
    """The 8-unit example with every value v written as ``value(v)`` (pace and amount); kind
    is rated jointly on one unit only (a vs b)."""

    def build(tmp: Path) -> list[str]:
        (tmp / "n.yaml").write_text(NUMERIC_SCHEME)
        lines = ["session,segment,coder,pace,amount,kind"]
        for i, (a, b) in enumerate(EIGHT, start=1):
            lines.append(f"S1,{i},ann,{value(a)},{value(a)},a")
            lines.append(f"S1,{i},bob,{value(b)},{value(b)},{'b' if i == 1 else ''}")
        (tmp / "data.csv").write_text("\n".join(lines) + "\n")
        return [command, "n.yaml", "data.csv", "--format", "json", *extra]

    return build


def _xlsx_date(tmp: Path) -> list[str]:
    import openpyxl

    (tmp / "s.yaml").write_text(MINI_SCHEME)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(XL_HEADER)
    ws.append(["S1", 1, 2])
    ws["C2"].number_format = "yyyy-mm-dd"
    wb.save(tmp / "ann.xlsx")
    return ["validate", "s.yaml", "ann.xlsx", "--format", "json"]


def _xlsx_shared_strings(tmp: Path) -> list[str]:
    build = _workbook({"Codes": [XL_HEADER, *XL_ROWS]})
    args = build(tmp)
    with (
        zipfile.ZipFile(tmp / "ann.xlsx", "a", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/sharedStrings.xml", "w") as fh,
    ):
        fh.write(b"<sst>")
        for _ in range(2_100):
            fh.write(b"<si><t>a</t></si>" * 1000)
        fh.write(b"</sst>")
    return args


def _xlsx_damaged(tmp: Path) -> list[str]:
    args = _workbook({"Codes": [XL_HEADER, *XL_ROWS * 200]})(tmp)
    path = tmp / "ann.xlsx"
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(XL_SHEET)
    middle = info.header_offset + 30 + len(XL_SHEET) + info.compress_size // 2
    data[middle : middle + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    return args


XL_HEADER: list[object] = ["session", "segment", "conc"]
XL_ROWS: list[list[object]] = [["S1", 1, 2], ["S1", 2, 3]]
XL_SHEET = "xl/worksheets/sheet1.xml"
XL_BOOK = "xl/workbook.xml"
XL_INSTRUCTIONS = {"Instructions": [["Fill in the Codes sheet"]], "Codes": [XL_HEADER, *XL_ROWS]}
XL_C2 = r'<c r="C2" t="n"><v>2</v></c>'
XL_END = "</sheetData>"


def _many_coders(tmp: Path) -> list[str]:
    """1,000 coders, 2,000 units, each rated by 2 or 3 of them (benchmarks/gen_many_coders.py)."""
    rng = random.Random(11)
    (tmp / "n.yaml").write_text(NUMERIC_SCHEME)
    names = [f"coder{i:04d}" for i in range(1000)]
    lines = ["session,segment,coder,pace,amount,kind"]
    for u in range(2000):
        truth = rng.randrange(5)
        # the first 500 units go to coders 2u and 2u + 1, so that all 1,000 take part
        chosen = names[2 * u : 2 * u + 2] if u < 500 else rng.sample(names, rng.choice((2, 3)))
        for coder in chosen:
            v = truth if rng.random() < 0.8 else rng.randrange(5)
            lines.append(f"S{u // 100},{u % 100},{coder},{v},{v},{'abc'[v % 3]}")
    (tmp / "data.csv").write_text("\n".join(lines) + "\n")
    return ["diagnose", "n.yaml", "data.csv", "--format", "json"]


def _two_coders(pairs: list[tuple[float, float]]) -> h.Build:
    """Two coders' ``pace`` ratings, one pair per unit, through ``reliability``."""

    def build(tmp: Path) -> list[str]:
        (tmp / "n.yaml").write_text(NUMERIC_SCHEME)
        for i, who in enumerate(("ann", "bo")):
            rows = "".join(f"S1,{u},{p[i]:g}\n" for u, p in enumerate(pairs))
            (tmp / f"{who}.csv").write_text("session,segment,pace\n" + rows)
        return ["reliability", "n.yaml", "ann.csv", "bo.csv", "--format", "json"]

    return build


def _many_coders_text(tmp: Path) -> list[str]:
    return [*_many_coders(tmp)[:3], "--format", "text"]


def test_many_coders_json_names_no_quadratic_list(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """With 1,000 coders a bias entry gives the count, not 999 names (the output would
    otherwise hold a million names a code)."""
    bias = cli(*_many_coders(tmp_path), exit=1, cwd=tmp_path).json()["codes"][0]["coder_bias"]
    assert len(bias) == 1000
    assert {(b["compared_with"], b["compared_with_count"]) for b in bias} == {(None, 999)}
    assert all(b["not_compared_with"] == [] for b in bias)


CATALOGUE = [
    Entry("csv-empty", _csv(""), 1, "empty-file"),
    Entry("csv-whitespace-only", _csv("   \n\n  \n"), 1, "empty-file"),
    Entry("csv-header-only", _csv(HEADER), 0, "no-rows"),
    Entry("csv-binary-garbage", _binary, 1, "binary-file"),
    Entry(
        "csv-utf16-excel-unicode-text",
        _csv(
            HEADER.replace(",", "\t").encode("utf-16") + ROW.replace(",", "\t").encode("utf-16-le"),
            "u.txt",
        ),
        0,
        '"encoding": "utf-16"',
    ),
    Entry(
        "csv-utf16-without-bom", _csv((HEADER + ROW).encode("utf-16-le")), 1, "--encoding utf-16"
    ),
    Entry("csv-cp1252-accented-coders", _csv(CP1252), 1, "undecodable-bytes"),
    Entry(
        "csv-cp1252-with-encoding-option", _csv(CP1252, extra=("--encoding", "cp1252")), 0, '"José"'
    ),
    Entry(
        "csv-latin1-with-encoding-option",
        _csv(
            "session,segment,coder,conc\nS1,1,Müller,2\n".encode("latin-1"),
            extra=("--encoding", "latin-1"),
        ),
        0,
        "Müller",
    ),
    Entry(
        "csv-mixed-line-endings",
        _csv(HEADER + "S1,1,2,0,explain,4\r\nS1,2,1,0,plan,\rS1,3,0,1,link,\n"),
        0,
        '"ratings": 10',
    ),
    Entry("csv-nul-byte", _csv((HEADER + "S1,1,2\x00,0,explain,4\n").encode()), 1, "binary-file"),
    Entry(
        "csv-unterminated-quote",
        _csv(HEADER + 'S1,1,"2,0,explain,4\nS1,2,1,0,plan,\n'),
        1,
        "unterminated quote",
    ),
    Entry(
        "csv-ragged-rows", _csv(HEADER + ROW + "S1,2,1,0\nS1,3,1,0,plan,,,,x\n"), 1, "ragged-row"
    ),
    Entry(
        "csv-duplicate-headers",
        _csv("session,segment,conc,conc\nS1,1,2,2\n"),
        1,
        "duplicate-column",
    ),
    Entry("csv-10000-columns", _csv(_wide(10_000)), 1, "unknown-code"),
    Entry(
        "csv-semicolon-excel",
        _csv(HEADER.replace(",", ";") + ROW.replace(",", ";")),
        0,
        '"delimiter": ";"',
    ),
    Entry(
        "csv-bom-utf8",
        _csv(b"\xef\xbb\xbf" + (HEADER + ROW).encode()),
        0,
        '"encoding": "utf-8-sig"',
    ),
    Entry("number-1e309", _csv(HEADER + "S1,1,2,1e309,,\n"), 1, "not-finite"),
    Entry("number-nan", _csv(HEADER + "S1,1,2,NaN,,\n"), 1, "not-a-number"),
    Entry("number-inf", _csv(HEADER + "S1,1,2,inf,,\n"), 1, "not-a-number"),
    Entry("number-minus-zero", _csv(HEADER + "S1,1,2,-0,,\n"), 0, '"ratings": 2'),
    Entry("number-full-width-digit", _csv(HEADER + "S1,1,2,１,,\n"), 1, "non-ASCII digits"),
    Entry("number-decimal-comma", _csv(HEADER + 'S1,1,2,"1,5",,\n'), 1, "decimal comma"),
    Entry(
        "number-decimal-comma-semicolon-file",
        _csv(HEADER.replace(",", ";") + "S1;1;2,0;1,0;;\n"),
        0,
        '"decimal": ","',
    ),
    Entry(
        "number-decimal-comma-option",
        _csv(HEADER + 'S1,1,"2,0","1,0",,\n', extra=("--decimal-comma",)),
        0,
        '"ratings": 2',
    ),
    Entry("xlsx-zip-bomb", _zip_bomb, 1, "xlsx-too-large"),
    Entry("xlsx-renamed-csv", _csv(HEADER + ROW, "sheet.xlsx"), 2, "rename it to .csv"),
    Entry("xlsx-truncated", _truncated_xlsx, 1, "corrupt-file"),
    Entry("file-directory", _directory, 2, "is a directory"),
    Entry("file-fifo", _fifo, 2, "not a regular file"),
    Entry("file-missing", _missing, 2, "no such file"),
    Entry("yaml-empty", _scheme(""), 1, "empty-file"),
    Entry(
        "yaml-custom-tag", _scheme("id: !!python/object/apply:os.system ['true']\n"), 1, "yaml-tag"
    ),
    Entry("yaml-alias-bomb", _scheme(_alias_bomb()), 1, "yaml-too-large"),
    Entry("yaml-1000-deep", _scheme("a: " + "[" * 1000 + "]" * 1000 + "\n"), 1, "yaml-too-deep"),
    Entry("yaml-directive-1-1", _scheme("%YAML 1.1\n---\n" + MINI_SCHEME), 1, "read as YAML 1.2"),
    Entry("yaml-duplicate-keys", _scheme(MINI_SCHEME + "title: Again\n"), 1, "duplicate-key"),
    Entry(
        "yaml-tabs",
        _scheme(MINI_SCHEME.replace("  name: segment", "\tname: segment")),
        1,
        "yaml-syntax",
    ),
    Entry("yaml-100-mb", _huge_scheme, 1, "file-too-large"),
    Entry("yaml-not-utf8", _scheme("id: caf\xe9\n".encode("latin-1")), 1, "undecodable-bytes"),
    Entry("yaml-binary", _scheme(b"\x00\x01\x02garbage"), 1, "undecodable-bytes"),
    Entry(
        "xlsx-hidden-first-sheet",
        _workbook(
            {"Old": [["junk"]], "Codes": [XL_HEADER, *XL_ROWS]},
            ((XL_BOOK, r'(name="Old"[^>]*?)state="visible"', r'\1state="hidden"'),),
        ),
        0,
        '"sheet": "Codes"',
    ),
    Entry(
        "xlsx-active-tab",
        _workbook(XL_INSTRUCTIONS, ((XL_BOOK, 'activeTab="0"', 'activeTab="1"'),)),
        0,
        '"sheet": "Codes"',
    ),
    Entry("xlsx-instructions-sheet-first", _workbook(XL_INSTRUCTIONS), 1, "--sheet NAME|N"),
    Entry(
        "xlsx-sheet-option", _workbook(XL_INSTRUCTIONS, extra=("--sheet", "2")), 0, '"ratings": 2'
    ),
    Entry(
        "xlsx-no-such-sheet",
        _workbook(XL_INSTRUCTIONS, extra=("--sheet", "Ratings")),
        1,
        "missing-sheet",
    ),
    Entry(
        "xlsx-formula-without-value",
        _workbook(
            {"Codes": [XL_HEADER, *XL_ROWS]}, ((XL_SHEET, XL_C2, '<c r="C2"><f>1+1</f></c>'),)
        ),
        1,
        "formula-without-value",
    ),
    Entry(
        "xlsx-error-value",
        _workbook(
            {"Codes": [XL_HEADER, *XL_ROWS]},
            ((XL_SHEET, XL_C2, '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),),
        ),
        1,
        "error-cell",
    ),
    Entry("xlsx-date-formatted-number", _xlsx_date, 1, "date-cell"),
    Entry(
        "xlsx-styled-cell-xfd1048576",
        _workbook(
            {"Codes": [XL_HEADER, *XL_ROWS]},
            ((XL_SHEET, XL_END, '<row r="1048576"><c r="XFD1048576" s="1"/></row>' + XL_END),),
        ),
        0,
        '"ratings": 2',
    ),
    Entry(
        "xlsx-value-at-xfd1048576",
        _workbook(
            {"Codes": [XL_HEADER, *XL_ROWS]},
            ((XL_SHEET, XL_END, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + XL_END),),
        ),
        1,
        "xlsx-too-large",
    ),
    Entry(
        "xlsx-dimension-lie",
        _workbook(
            {"Codes": [XL_HEADER, *XL_ROWS]},
            ((XL_SHEET, r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"'),),
        ),
        0,
        '"ratings": 2',
    ),
    Entry(
        "xlsx-cells-without-references",
        _workbook({"Codes": [XL_HEADER, *XL_ROWS]}, ((XL_SHEET, r' r="C2"', ""),)),
        0,
        '"ratings": 2',
    ),
    Entry("xlsx-2-million-shared-strings", _xlsx_shared_strings, 1, "xlsx-too-large"),
    Entry("xlsx-damaged-part", _xlsx_damaged, 1, "corrupt-file"),
    Entry(
        "xlsx-broken-xml",
        _workbook({"Codes": [XL_HEADER, *XL_ROWS]}, ((XL_BOOK, "<sheets>", "<sheets><"),)),
        1,
        "broken XML at line 1",
    ),
    # --- Extreme numbers and many coders ---
    Entry(
        "interval-shifted-by-1e15",
        _numeric(lambda v: str(10**15 + v), extra=("--bootstrap", "0")),
        1,
        '"alpha": 0.8936170212765957',
    ),
    Entry(
        "interval-values-near-1e300",
        _numeric(lambda v: f"{v}e300", extra=("--bootstrap", "0")),
        1,
        '"alpha": 0.89361702127',
    ),
    Entry(
        "interval-values-near-1e-300",
        _numeric(lambda v: f"{v}e-300", extra=("--bootstrap", "0")),
        1,
        '"alpha": 0.89361702127',
    ),
    Entry(
        "interval-values-subnormal",
        _numeric(lambda v: f"{v}e-320", extra=("--bootstrap", "0")),
        1,
        '"alpha": 0.89361702127',
    ),
    Entry(
        "bootstrap-values-near-1e300",
        _numeric(lambda v: f"{v}e300", extra=("--bootstrap", "200")),
        1,
        '"alpha_ci": [',
    ),
    Entry(
        "diagnose-values-near-1e300",
        _numeric(lambda v: f"{v}e300", command="diagnose"),
        1,
        '"alpha": 0.89361702127',
    ),
    Entry(
        "kappa-one-jointly-rated-unit",
        _numeric(str, extra=("--bootstrap", "0")),
        1,
        '"cohen_kappa": {\n          "value": 0.0,\n          "se": null,\n          "ci": null,',
    ),
    Entry("coders-1000-few-per-unit", _many_coders, 1, '"coders": 1000'),
    Entry("icc-interval-at-its-pole", _two_coders([(0, 3), (2, 2)]), 1, '"icc_ak": -8.0'),
    Entry(
        "icc-denominator-zero",
        _two_coders([(1, 3), (2, 1), (3, 2)]),
        1,
        "the form's denominator is zero for these ratings",
    ),
    Entry(
        "coders-1000-diagnose-text",
        _many_coders_text,
        1,
        "Showing 30 of 1,000 coders",
    ),
    # --- Hostile text inputs and streams (tests/hostile.py builds them) ---
    Entry(
        "enc-cp1252-western-names",
        h.validate(h.coders(*h.WESTERN, encoding="cp1252")),
        1,
        "it looks like cp1252 (Windows Western European)",
    ),
    Entry(
        "enc-unsure-shows-both",
        h.validate(h.coders("Muñoz", encoding="cp1252")),
        1,
        "as cp1250 “S1,1,Muńoz,2”",
    ),
    Entry(
        "enc-option-spares-utf8-files",
        h.validate_many(
            {
                "a.csv": h.coders("Muñoz", encoding="cp1252"),
                "b.csv": h.coders("Zoë"),
                "c.csv": b"\xef\xbb\xbf" + h.coders("Søren"),
            },
            "--encoding",
            "cp1252",
        ),
        0,
        '"coders": [\n    "Muñoz",\n    "Zoë",\n    "Søren"\n  ]',
    ),
    Entry(
        "enc-utf16-without-bom-as-advised",
        h.validate(h.coders("Zoë", encoding="utf-16-le"), "u.csv", "--encoding", "utf-16"),
        0,
        '"encoding": "utf-16-le"',
    ),
    Entry(
        "enc-mixed-in-one-file",
        h.validate(
            h.coders("Zoë") + "S1,9,Muñoz,2\n".encode("cp1252"), "m.csv", "--encoding", "cp1252"
        ),
        1,
        "mixed-encoding",
    ),
    Entry(
        "enc-not-a-text-codec",
        h.validate(h.coders("a"), "c.csv", "--encoding", "rot13"),
        2,
        "Invalid value for '--encoding': 'rot13' is not a text encoding of files; common choices",
    ),
    Entry("csv-line-without-breaks", h.long_line, 1, "line-too-long"),
    Entry("csv-row-of-200000-cells", h.wide_row, 1, "too-many-cells"),
    Entry("csv-quoted-row-spanning-lines", h.spanning_row, 1, "running from line 2 to line"),
    Entry("csv-nul-after-64-kib", h.late_nul, 1, '"line": 20002'),
    Entry(
        "cell-number-5000-digits",
        h.validate((h.HEADER + "S1,1,2," + "9" * 5000 + ",,\n").encode()),
        1,
        "(5,000 characters)",
    ),
    Entry(
        "cell-scheme-version-5000-digits",
        h.validate(
            ("session,segment,scheme_version,conc\nS1,1," + "9" * 5000 + ".0.0,2\n").encode()
        ),
        1,
        "bad-version",
    ),
    Entry("yaml-number-5000-digits", h.scheme_value("9" * 5000), 1, "bad-number"),
    Entry("yaml-value-beyond-2-53", h.scheme_value("9" * 400), 1, "at most 9,007,199,254,740,992"),
    Entry("yaml-range-beyond-float", h.scheme_range_max("9" * 400), 1, "below about 1.8e308"),
    Entry("yaml-version-5000-digits", h.scheme_version("1.2." + "9" * 5000), 1, "bad-format"),
    Entry(
        "yaml-lone-surrogate",
        h.scheme_check(MINI_SCHEME.replace("title: Mini", 'title: "Mini\\ud800"')),
        1,
        "invalid-unicode",
    ),
    Entry("qdc-nested-3000-deep", h.nested_qdc, 2, "nested deeper than 50 levels"),
    Entry("qdpx-truncated", h.truncated_qdpx, 2, "error[corrupt-file]"),
    Entry("qdpx-corrupt-data", h.corrupt_qdpx, 2, "error[corrupt-file] (project.qde)"),
    Entry(
        "qdc-import-draft-does-not-load",
        h.unloadable_draft,
        1,
        "the draft does not load as a scheme yet",
    ),
    Entry("name-newline-fake-verdict", h.newline_name, 1, "x.csv\\nvalid: 0 error(s)"),
    Entry("name-bidi-override", h.bidi_coder, 0, "ann\\u202elin.exe"),
    Entry("name-undecodable-bytes", h.undecodable_name, 0, "caf\\xe9.csv"),
    Entry("name-undecodable-bytes-json", h.undecodable_name_json, 0, '"path": "caf\\udce9.csv"'),
    Entry("name-too-long-output", h.long_output_name, 2, "file name is too long"),
    Entry("name-too-long-input", h.long_input_name, 2, "File name too long"),
    Entry(
        "replicates-100-million",
        h.replicates_100_million,
        2,
        "'--replicates' / '--bootstrap': Input should be less than or equal to 1000000",
    ),
]


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.id for e in CATALOGUE])
def test_catalogue_entry(entry: Entry, tmp_path: Path, cli: Callable[..., Run]) -> None:
    args = entry.build(tmp_path)
    run = cli(*args, exit=entry.exit, cwd=tmp_path)
    text = run.out + run.err
    assert entry.expect in text, text[:2000]
    assert "Traceback" not in text


def test_no_read_permission(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catalogue entry file-no-permission (root reads everything, so the refusal is simulated)."""
    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    locked = tmp_path / "locked.csv"
    locked.write_text(HEADER + ROW)
    locked.chmod(0)
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded)
    run = cli("validate", "s.yaml", "locked.csv", exit=2, cwd=tmp_path)
    assert "permission denied" in run.err


def test_document_lists_every_entry() -> None:
    doc = (ROOT / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, flags=re.MULTILINE))
    from tests.test_trust import TRUST

    tested = {e.id for e in CATALOGUE} | {e.id for e in TRUST}
    tested |= {"file-no-permission", "csv-200-mb-export"}
    tested |= OUTPUT_IDS  # dedicated tests in tests/test_outputs.py
    tested |= set(h.DEDICATED)
    assert listed == tested, (sorted(listed - tested), sorted(tested - listed))


@pytest.mark.slow
def test_200_mb_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    """Catalogue entry csv-200-mb-export: read row by row; memory ~80 bytes per rating."""
    import resource
    import subprocess
    import sys

    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    path = tmp_path / "big.csv"
    values = {"conc": "0123", "count": "0125", "kind": ("explain", "link", "plan", "link")}
    with path.open("w", encoding="utf-8") as fh:
        fh.write("session,segment,coder,code,value\n")
        unit = 0
        while fh.tell() < 200 * 1024 * 1024:
            block = []
            for _ in range(20_000):
                unit += 1
                for coder in ("ann", "bob", "cy"):
                    for code, options in values.items():
                        block.append(
                            f"S{unit // 20},{unit % 20},{coder},{code},{options[(unit + len(coder)) % 4]}\n"
                        )
            fh.write("".join(block))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "socmodel_cli", "validate", "s.yaml", "big.csv", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    assert proc.returncode == 0, proc.stderr
    ratings = json.loads(proc.stdout)["summary"]["ratings"]
    assert ratings > 9_000_000
    # Far below the text held as Python objects (several GB); proportional to the ratings.
    assert peak_mb < 1200, f"peak {peak_mb:.0f} MB for {ratings} ratings"
