"""The CLI itself under random input: schemes, coder files and argument lists.

Whatever arrives, `socmodel` exits 0, 1 or 2, never with an internal error or a traceback,
`--format json` below exit 2 prints exactly one JSON document, and no CSV cell it writes
(`--format csv`, `diagnose --units-csv`) is a live formula. The budget comes from the
hypothesis profile (tests/conftest.py), per command: 60 examples in CI, 25,000 with
`make fuzz` (``HYPOTHESIS_PROFILE=fuzz``), so 100,000 invocations in all.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from tests.sheetcheck import unsafe_csv_cells

from socmodel_cli.cli import main

HOSTILE_TEXT = [
    "", " ", "NA", ".", "0", "1", "2", "-0", "1e309", "nan", "inf", "9" * 400, "9" * 5000,
    "1.2.3", "=HYPERLINK(1)", "\x1b[31m", "a\nvalid: 0 error(s)", "\u202eevil", "\u2066x\u2069",
    "\t", "\r", '"', '""', "\x00", "é", "Zoë", "Muñoz", "１", "1,5", "\ufeff", "\u2028", "\udcff", "\ud800",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "cp1250", "utf-16", "utf-16-le", "utf-32"]
OPTION_ENCODINGS = ["cp1252", "utf-16", "latin-1", "utf-8", "rot13", "nope", "utf-32-be", ""]

text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
number = st.one_of(
    st.integers(-(10**20), 10**20),
    st.integers(min_value=10**300, max_value=10**310),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def codes(draw: st.DrawFn, clean: bool) -> list[dict[str, Any]]:
    """Mostly codes that load, so the run gets to read files and compute; some hostile."""
    out = []
    for i in range(draw(st.integers(1, 3))):
        level = draw(st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
        code: dict[str, Any] = {"id": f"c{i}", "label": f"C{i}", "level": level}
        if level in {"nominal", "ordinal"}:
            code["values"] = (
                [0, 1, 2, 3]
                if clean
                else draw(
                    st.sampled_from([[0, 1, 2, 3], ["a", "b", "Zoë"], [1, 2], [0, 1, 2, 3, 4, 5]])
                )
            )
        elif draw(st.booleans()):
            code["range"] = {"min": 0, "max": draw(st.sampled_from([3, 10, 1e300]))}
        if level == "ratio" and draw(st.booleans()):
            code["integer"] = True
        if not clean and draw(st.integers(0, 4)) == 4:  # hostile: any field, any value
            field = draw(st.sampled_from(["label", "definition", "values", "range", "level"]))
            code[field] = draw(
                st.one_of(
                    text,
                    number,
                    st.lists(st.one_of(number, text), max_size=4),
                    st.fixed_dictionaries({"min": number, "max": number}),
                )
            )
        elif draw(st.booleans()):
            code["definition"] = draw(text) or "d"
        out.append(code)
    return out


@st.composite
def scheme_text(draw: st.DrawFn, clean: bool) -> bytes:
    doc: dict[str, Any] = {
        "id": "mini",
        "version": "1.0.0",
        "title": "Mini" if clean else draw(text) or "T",
        "unit": {"name": "segment", "keys": ["session", "segment"]},
        "codes": draw(codes(clean)),
    }
    if not clean and draw(st.integers(0, 4)) == 4:
        doc["version"] = draw(st.sampled_from(["2.0.0-rc.1", "1.2." + "9" * 30, "1.0", "x"]))
    if not clean and draw(st.integers(0, 3)) == 3:
        doc["missing"] = draw(st.lists(text, max_size=3))
    # JSON is YAML. With escapes, astral characters become surrogate pairs (\ud83d\ude00)
    # and "\ud800" a lone surrogate; without, a lone surrogate becomes bytes that are not UTF-8.
    ascii_only = draw(st.integers(0, 3)) == 3
    raw = json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    shape = "as is" if clean else draw(st.sampled_from(["as is", "cut", "noise", "deep"]))
    if shape == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif shape == "noise":
        raw = raw + draw(st.binary(max_size=40))
    elif shape == "deep":
        raw = b"a: " + b"[" * draw(st.integers(60, 3000))
    return raw


VALID = st.sampled_from(["0", "1", "2", "3", ""])
cell = st.one_of(VALID, st.sampled_from(["a", "b", "Zoë"]), text)


@dataclass
class Sheet:
    name: str
    data: bytes


@st.composite
def sheet(draw: st.DrawFn, index: int, clean: bool) -> Sheet:
    name = draw(
        st.sampled_from([f"coder{index}.csv"] * 4 + [f"c{index}.tsv", f"x\n\u202e{index}.csv"])
    )
    if not clean and draw(st.integers(0, 4)) == 4:
        return Sheet(name, draw(st.binary(max_size=300)))
    columns = ["session", "segment"]
    if draw(st.integers(0, 3)) == 3:
        columns.append("coder")
    columns += [f"c{i}" for i in range(draw(st.integers(0, 3)))] or ["c0"]
    if draw(st.integers(0, 5)) == 5:
        columns.append(draw(st.sampled_from(["scheme_version", "scheme_id", "c9", ""])))
    delimiter = "\t" if name.endswith(".tsv") else draw(st.sampled_from([",", ";"]))
    rows = [columns]
    for r in range(draw(st.integers(0, 12))):
        if clean:
            cells = ["S1", str(r)]
        else:
            cells = [draw(st.sampled_from(["S1", "S2", "S1", ""])), str(r % 6)]
        cells += [draw(VALID if clean else cell) for _ in columns[2:]]
        rows.append(cells)
    body = io.StringIO()
    csv.writer(body, delimiter=delimiter, lineterminator="\n").writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"] if clean else ENCODINGS))
    return Sheet(name, body.getvalue().encode(encoding, errors="replace"))


COMMANDS = ["validate", "reliability", "diagnose", "scheme check"]


@st.composite
def invocation(draw: st.DrawFn, command: str) -> tuple[list[str], bytes, list[Sheet]]:
    clean = draw(st.booleans())  # half the runs get far: a scheme that loads, readable files
    scheme = draw(scheme_text(clean))
    files = [draw(sheet(i, clean)) for i in range(draw(st.integers(1, 3)))]
    names = list(dict.fromkeys(f.name for f in files))
    if command == "scheme check":
        args = ["scheme", "check", "s.yaml"]
    else:
        args = [command, "s.yaml", *names]
    formats = {"reliability": ["text", "json", "csv", "markdown"]}.get(command, ["text", "json"])
    args += ["--format", draw(st.sampled_from(formats))]
    if command != "scheme check":
        if draw(st.booleans()):
            args += ["--encoding", "cp1252" if clean else draw(st.sampled_from(OPTION_ENCODINGS))]
        if draw(st.booleans()):
            args += ["--coder", draw(text)]
        if command != "validate" and (clean or draw(st.booleans())):
            args += ["--skip-invalid"]
        if command != "validate" and draw(st.booleans()):
            args += ["--code", draw(st.sampled_from(["c0", "c1", "zz"]))]
        if command == "validate" and draw(st.booleans()):
            args += ["--strict", "--max-issues", str(draw(st.integers(0, 3)))]
    if command == "diagnose" and draw(st.booleans()):
        args += ["--units-csv", "units.csv"]
    if command == "reliability":
        args += ["--bootstrap", str(draw(st.sampled_from([0, 20]))), "--seed", "1"]
    return args, scheme, files


def _run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else -1
            else:  # pragma: no cover - main always exits
                code = -1
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
@given(data=st.data())
def test_cli_never_breaks_its_contract(command: str, data: st.DataObject) -> None:
    # One test per command, so the budget is per command and pytest-xdist spreads them.
    args, scheme, files = data.draw(invocation(command), label="invocation")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "s.yaml").write_bytes(scheme)
        for f in files:
            (folder / f.name).write_bytes(f.data)
        code, out, err = _run(args, folder)
        units_csv = folder / "units.csv"
        written = units_csv.read_text("utf-8-sig") if units_csv.exists() else ""
    event(f"{args[0]} exit {code}")  # shown by --hypothesis-show-statistics
    shown = f"args={args!r}\nexit={code}\n--- stdout\n{out[:2000]}\n--- stderr\n{err[:2000]}"
    assert code in {0, 1, 2}, shown
    assert "internal error" not in err, shown
    assert "Traceback" not in out + err, shown
    output_format = args[args.index("--format") + 1]
    if output_format == "json" and code < 2:
        json.loads(out)
    # No cell written to a spreadsheet format runs as a formula (oracle apart from ours).
    assert not unsafe_csv_cells(out if output_format == "csv" else ""), shown
    assert not unsafe_csv_cells(written), shown


def test_diagnose_of_a_numeric_code_nobody_rated() -> None:
    """Found by this target (an internal error in diagnostics/scale.py); now fixed."""
    scheme = (
        b'{"id": "mini", "version": "1.0.0", "title": "T", "unit": {"name": "segment", '
        b'"keys": ["session", "segment"]}, "codes": [{"id": "c0", "label": "C0", '
        b'"level": "interval"}]}'
    )
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "s.yaml").write_bytes(scheme)
        (Path(tmp) / "a.csv").write_bytes(b"session,segment,c0\n")
        code, _, err = _run(["diagnose", "s.yaml", "a.csv"], Path(tmp))
    assert code in {0, 1, 2} and "internal error" not in err, err


def test_icc_interval_at_its_pole() -> None:
    """Found by this target in the 100,000-input runs (ZeroDivisionErrors in stats/icc.py)."""
    scheme = (
        b'{"id": "mini", "version": "1.0.0", "title": "T", "unit": {"name": "segment", '
        b'"keys": ["session", "segment"]}, "codes": [{"id": "c0", "label": "C0", '
        b'"level": "interval"}]}'
    )
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "s.yaml").write_bytes(scheme)
        for a, b in (  # an interval bound at the pole; a value whose denominator is zero
            (b"S1,0,0\nS1,1,2\n", b"S1,0,3\nS1,1,2\n"),
            (b"S1,0,1\nS1,1,2\nS1,2,3\n", b"S1,0,3\nS1,1,1\nS1,2,2\n"),
        ):
            (Path(tmp) / "a.csv").write_bytes(b"session,segment,c0\n" + a)
            (Path(tmp) / "b.csv").write_bytes(b"session,segment,c0\n" + b)
            for command in ("reliability", "diagnose"):
                code, _, err = _run([command, "s.yaml", "a.csv", "b.csv"], Path(tmp))
                assert code == 1 and "internal error" not in err, err
