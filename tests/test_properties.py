"""Properties: readers never raise anything but our own errors; CSV text round-trips."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st
from tests.conftest import MINI_SCHEME

from socmodel_cli.errors import SocmodelError
from socmodel_cli.readers import TableProblem, open_table
from socmodel_cli.scheme import load_scheme_text
from socmodel_cli.validation import validate_files
from socmodel_cli.values import CellError, CodeReader

SCHEME = load_scheme_text(MINI_SCHEME)
cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@given(st.sampled_from(SCHEME.codes), cells)
def test_code_reader_never_raises(code: object, raw: str) -> None:
    from socmodel_cli.scheme.model import Code

    assert isinstance(code, Code)
    result = CodeReader(code, SCHEME.missing_set).read(raw)
    assert result is None or isinstance(result, CellError | float)
    if isinstance(result, float) and code.categorical:
        assert 0 <= result < len(code.values or ())


@given(st.lists(st.lists(cells, min_size=1, max_size=7), min_size=0, max_size=8))
def test_validate_never_raises_on_arbitrary_cells(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["session", "segment", "conc", "count", "kind", "goals"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        result = validate_files(SCHEME, [path])
        assert result.errors + result.warnings >= 0
        assert len(result.ratings) <= sum(len(r) for r in rows)


# Hand-picked edge cases kept as regressions beside the random ones (the 160,000-example fuzz
# run of `make fuzz` found no failure to add).
@example(b"\xef\xbb\xbf")
@example(b'"')
@example(b"\xff\xfe")
@example(b'session,segment,conc\n"S1,1,2')
@example(b"session;segment;conc\r\rS1;1;2\r")
@example(b"session,segment,conc\nS1,1,\xff\n")
@given(st.binary(max_size=300))
def test_open_table_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        try:
            result = validate_files(SCHEME, [path])
        except SocmodelError:
            return
        assert result.files[0].path == str(path)


@given(
    st.lists(
        st.lists(
            st.text(
                st.characters(
                    codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\x00"
                ),
                max_size=10,
            ),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.booleans(),
)
def test_csv_round_trip(rows: list[list[str]], delimiter: str, bom: bool) -> None:
    header = ["alpha", "beta", "gamma"]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
        try:
            table = open_table(path)
        except TableProblem:
            return
        assert table.header == header
        read = [cells for _, cells in table.rows]
        # csv writes an empty row for [""] * 0 ... rows of empty strings come back as such
        assert [r for r in read if r] == [r for r in rows if r]


yaml_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _loads_or_explains(text: str) -> None:
    """The loader's contract: a Scheme, or a SchemeError carrying located problems; nothing else."""
    try:
        scheme = load_scheme_text(text)
    except SocmodelError as exc:
        problems = exc.problems
    else:
        assert scheme.codes
        return
    assert problems
    assert all(p.kind and p.message for p in problems)


@given(st.text(max_size=400))
def test_scheme_loader_on_arbitrary_text(text: str) -> None:
    _loads_or_explains(text)


@given(yaml_like)
def test_scheme_loader_on_arbitrary_structures(data: object) -> None:
    _loads_or_explains(json.dumps(data))  # JSON is YAML


@given(
    st.dictionaries(
        st.sampled_from(["id", "version", "title", "unit", "codes", "missing", "reliability"]),
        yaml_like,
        max_size=7,
    )
)
def test_scheme_loader_on_near_schemes(data: dict[str, object]) -> None:
    base: dict[str, object] = {
        "id": "x",
        "version": "1.0.0",
        "title": "t",
        "unit": {"name": "u", "keys": ["k"]},
        "codes": [{"id": "c", "label": "c", "level": "nominal", "values": [1, 2]}],
    }
    base.update(data)
    _loads_or_explains(json.dumps(base))


@given(
    st.binary(max_size=400)
    | st.text(max_size=300).map(lambda t: f"<CodeBook><Codes>{t}</Codes></CodeBook>".encode())
)
def test_qdc_reader_on_arbitrary_input(data: bytes) -> None:
    from socmodel_cli.versioning.qdc_import import draft_scheme
    from socmodel_cli.versioning.qdc_read import read_qdc

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.qdc"
        path.write_bytes(data)
        try:
            draft = draft_scheme(read_qdc(path), path)
        except SocmodelError as exc:
            message = exc.message
        else:
            message = draft.yaml
        assert message
