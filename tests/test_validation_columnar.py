"""The column-wise reader of plain files gives exactly what the row reader gives.

validation_columnar only certifies clean plain files and hands everything else back to the
row reader, so for any file the two paths must agree on every rating (code, unit, coder,
value, file, line), the units and their labels, the coders, every problem and every file
fact. Hypothesis writes messy files (keys with spaces, leading zeros, decomposed accents,
missing tokens, unknown values, formula-quoted cells, CRLF, a BOM, ragged and blank lines,
quotes) in both layouts, and each is validated both ways with small blocks so that block
boundaries fall everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from tests.conftest import MINI_SCHEME

from socmodel_cli import validation, validation_columnar
from socmodel_cli.readers import columnar
from socmodel_cli.scheme.load import load_scheme
from socmodel_cli.validation import ValidationResult, validate_files

# The suite's mini scheme, with a numeric code of no range and a ``{normalize}`` slot.
SCHEME = (
    MINI_SCHEME.replace("{", "{{")
    .replace("}", "}}")
    .replace("  keys: [session, segment]\n", "  keys: [session, segment]\n{normalize}\n")
    + "  - id: pace\n    label: Pace\n    level: interval\n"
)
CODES = ("conc", "count", "kind", "pace", "goals")
GOOD = {
    "conc": ["0", "1", "2", "3", " 2", "2.0"],
    "count": ["0", "3", "10", "7"],
    "kind": ["explain", "link", "plan", " plan "],
    "pace": ["-1.5", "0", "2.25", "1e3", "12"],
    "goals": ["1", "3", "5"],
}
MISSING = ["", "NA", ".", "N/A"]
BAD = ["4", "x", "2.5", "-1", "'=1+1", "1,5", "planx", "nan"]
SESSIONS = ["S1", "S01", " S1", "s1", "Se\u0301", "S\u00e9", "'=S2", "S2"]
SEGMENTS = ["1", "01", "2", "3 ", "10"]
CODERS = ["ann", "bo", " ann", "cy", "'+cy"]


def _cell(draw: Any, code: str, clean: bool) -> str:
    pool = GOOD[code] + MISSING + ([] if clean else BAD)
    return str(draw(st.sampled_from(pool)))


@st.composite
def files(draw: Any) -> tuple[list[tuple[str, bytes]], str]:
    clean = draw(st.booleans())
    normalize = draw(st.sampled_from(["", "  normalize: [leading-zeros]", "  normalize: [case]"]))
    out = []
    for f in range(draw(st.integers(1, 2))):
        long = draw(st.booleans())
        with_coder = long or draw(st.booleans())
        version = draw(st.sampled_from([None, "1.2.0", "1.1.0", "", "2.0.0"]))
        header = ["session", "segment"]
        if with_coder:
            header.append("coder")
        header += ["code", "value"] if long else list(draw(st.permutations(CODES)))[:3]
        if version is not None:
            header.append("scheme_version")
        rows = []
        for _ in range(draw(st.integers(0, 25))):
            keys = [draw(st.sampled_from(SESSIONS)), draw(st.sampled_from(SEGMENTS))]
            if not clean and draw(st.integers(0, 30)) == 0:
                keys[draw(st.integers(0, 1))] = ""
            coder = [draw(st.sampled_from(CODERS + ([] if clean else [""])))] if with_coder else []
            if long:
                code = draw(st.sampled_from(CODES + (() if clean else ("conq",))))
                body = [code, _cell(draw, code, clean) if code in GOOD else "1"]
            else:
                body = [_cell(draw, c, clean) for c in header[len(keys) + len(coder) :][:3]]
            tail = [draw(st.sampled_from([version or "", ""]))] if version is not None else []
            rows.append(keys + coder + body + tail)
        eol = draw(st.sampled_from(["\n", "\r\n"]))
        lines = [",".join(header)] + [",".join(r) for r in rows]
        if not clean:
            trouble = draw(st.sampled_from(["", "blank", "ragged", "quote", "cr", "long"]))
            if trouble and len(lines) > 1:
                at = draw(st.integers(1, len(lines) - 1))
                lines[at] = {
                    "blank": "",
                    "ragged": lines[at] + ",extra",
                    "quote": '"' + lines[at].replace(",", '","', 1) + '"',
                    "cr": lines[at] + "\r",
                    "long": lines[at].rsplit(",", 1)[0],
                }[trouble]
        text = eol.join(lines) + (eol if draw(st.booleans()) else "")
        data = text.encode()
        if draw(st.integers(0, 5)) == 0:
            data = b"\xef\xbb\xbf" + data
        out.append((f"coder{f}.csv", data))
    return out, SCHEME.format(normalize=normalize)


def _same(a: ValidationResult, b: ValidationResult) -> None:
    for name in ("code", "unit", "coder", "value", "file", "line"):
        assert np.array_equal(getattr(a.ratings, name), getattr(b.ratings, name)), name
    assert a.ratings.units == b.ratings.units
    assert a.ratings.coders == b.ratings.coders
    assert a.ratings.columns == b.ratings.columns
    assert [p.render() for p in a.problems] == [p.render() for p in b.problems]
    assert [vars(f) for f in a.files] == [vars(f) for f in b.files]
    assert (a.errors, a.warnings, a.by_kind, a.units, a.coders) == (
        b.errors,
        b.warnings,
        b.by_kind,
        b.units,
        b.coders,
    )


def _both(
    monkeypatch: pytest.MonkeyPatch, scheme_text: str, paths: list[Path], tmp: Path
) -> tuple[ValidationResult, ValidationResult, list[bool]]:
    scheme_path = tmp / "scheme.yaml"
    scheme_path.write_text(scheme_text, encoding="utf-8")
    scheme = load_scheme(scheme_path)
    monkeypatch.setenv("SOCMODEL_BULK_MIN_BYTES", str(1 << 62))
    rows = validate_files(scheme, paths)
    monkeypatch.setenv("SOCMODEL_BULK_MIN_BYTES", "0")
    taken: list[bool] = []
    real = validation_columnar.read_columnar

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(validation_columnar, "read_columnar", spy)
    bulk = validate_files(scheme, paths)
    monkeypatch.setattr(validation_columnar, "read_columnar", real)
    return rows, bulk, taken


@given(case=files(), block=st.sampled_from([64, 100, 257, 1 << 20]))
def test_columnar_reader_equals_row_reader(
    case: tuple[list[tuple[str, bytes]], str], block: int, tmp_path_factory: Any
) -> None:
    contents, scheme_text = case
    tmp = tmp_path_factory.mktemp("columnar")
    paths = []
    for name, data in contents:
        (tmp / name).write_bytes(data)
        paths.append(tmp / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columnar, "BLOCK", block)
        rows, bulk, taken = _both(mp, scheme_text, paths, tmp)
    event(f"column-wise: {sum(taken)} of {len(contents)} files")
    _same(rows, bulk)


def _write_clean(tmp: Path, n: int, long: bool) -> Path:
    rng = np.random.default_rng(7)
    lines = ["session,segment,coder,code,value" if long else "session,segment,coder,conc,kind"]
    for unit in range(n):
        for coder in ("ann", "bo"):
            conc, kind = rng.integers(0, 4), ("explain", "link", "plan", "")[rng.integers(0, 4)]
            if long:
                lines += [f"S{unit // 10},{unit % 10},{coder},conc,{conc}"]
                lines += [f"S{unit // 10},{unit % 10},{coder},kind,{kind}"]
            else:
                lines.append(f"S{unit // 10},{unit % 10},{coder},{conc},{kind}")
    path = tmp / ("long.csv" if long else "wide.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("long", [True, False])
def test_clean_plain_files_are_read_column_wise(
    long: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spy sees the bulk path taken (so the comparison above is not of one path twice)."""
    monkeypatch.setattr(columnar, "BLOCK", 4096)
    path = _write_clean(tmp_path, 2000, long)
    rows, bulk, taken = _both(monkeypatch, SCHEME.format(normalize=""), [path], tmp_path)
    assert taken == [True]
    _same(rows, bulk)
    assert bulk.errors == 0 and len(bulk.ratings) > 3000


@pytest.mark.parametrize(
    ("trouble", "kind"),
    [
        (lambda t: t.replace("S3,4,bo,conc,", "S3,4,bo,conc,9", 1), "unknown-value"),
        (lambda t: t.replace("S3,4,bo,", "S3,4,,", 1), "missing-coder"),
        (lambda t: t.replace("S3,4,bo,conc", "S3,4,bo,concx", 1), "unknown-code"),
        (lambda t: t.replace("S3,4,bo,", "S3,4,bo,x,", 1), "ragged-row"),
        (lambda t: t.replace("S3,4,bo,", '"S3",4,bo,', 1), None),
    ],
)
def test_a_problem_hands_the_file_to_the_row_reader(
    trouble: Callable[[str], str],
    kind: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One bad cell deep in the file: nothing of the bulk attempt stays, the row reader
    locates the problem, and the result equals the row reader's alone."""
    monkeypatch.setattr(columnar, "BLOCK", 2048)
    path = _write_clean(tmp_path, 500, True)
    path.write_text(trouble(path.read_text(encoding="utf-8")), encoding="utf-8")
    rows, bulk, taken = _both(monkeypatch, SCHEME.format(normalize=""), [path], tmp_path)
    assert taken in ([False], [])  # quoted files never reach it: not plain
    _same(rows, bulk)
    if kind is not None:
        assert bulk.by_kind.get(kind) == 1


def test_the_threshold_and_its_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _write_clean(tmp_path, 10, True)
    monkeypatch.delenv("SOCMODEL_BULK_MIN_BYTES", raising=False)
    assert not validation_columnar.wanted([small])
    monkeypatch.setenv("SOCMODEL_BULK_MIN_BYTES", "0")
    assert validation_columnar.wanted([small])
    monkeypatch.setenv("SOCMODEL_BULK_MIN_BYTES", "not a number")
    assert not validation_columnar.wanted([small])
    assert validation.validation_columnar is validation_columnar


def test_a_polars_failure_falls_back_to_the_row_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever polars raises while encoding costs speed, never the run."""
    path = _write_clean(tmp_path, 200, True)

    def broken(series: Any) -> columnar.Column:
        raise RuntimeError("a polars surprise")

    monkeypatch.setattr(columnar, "_column", broken)
    rows, bulk, taken = _both(monkeypatch, SCHEME.format(normalize=""), [path], tmp_path)
    assert taken == [False]
    _same(rows, bulk)
