"""No cell socmodel writes is a formula, whatever the input text (property tests).

Every writer of CSV or xlsx is driven with text built from the tricks formula injection
uses (triggers, leading spaces, invisible characters, quote marks, full-width forms)
followed by arbitrary Unicode; the written file is read back with the csv module or
openpyxl and checked with an oracle written apart from socmodel's rule (tests/sheetcheck.py).
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.sheetcheck import unsafe, unsafe_csv_cells, unsafe_xlsx_cells

from socmodel_cli.safecells import formula_like, neutralise, restore
from socmodel_cli.scheme.model import Scheme

TRICKS = [
    "=", "+", "-", "@", "\t", "\r", "\n", " ", "\u00a0", "\u3000", "\u200b", "\ufeff", "\u202e",
    "'", '"', "\u201c", "`", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "-1", "+1", "1",
    "=HYPERLINK(", "@SUM(", "cmd|",
]  # fmt: skip
ANY_CHAR = st.characters(exclude_categories=("Cs",))  # no lone surrogates: no file holds one
tricky = st.tuples(
    st.lists(st.sampled_from(TRICKS), max_size=4).map("".join), st.text(ANY_CHAR, max_size=10)
).map("".join)
# Cells that a coder file can hold (no NUL: the readers refuse binary files).
file_text = tricky.filter(lambda t: "\x00" not in t)
label_text = tricky.filter(bool)  # a label is never empty
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(tricky)
def test_neutralise_is_safe_and_restore_inverts_it(text: str) -> None:
    written = neutralise(text)
    assert not unsafe(written)
    assert restore(written) == text
    assert neutralise(restore(written)) == written  # read and written again: unchanged
    assert formula_like("'" + text) == formula_like(text)


@FAST
@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_are_left_alone(number: float) -> None:
    for text in (str(number), repr(number), f"{number:+}", f"{number:.3e}"):
        assert neutralise(text) == text


def _scheme(label: str, values: list[str], definition: str) -> Scheme:
    return Scheme.model_validate(
        {
            "id": "p",
            "version": "1.0.0",
            "title": "P",
            "unit": {"name": "segment", "keys": ["session", "segment"]},
            "codes": [
                {
                    "id": "kind",
                    "label": label,
                    "level": "nominal",
                    "values": values,
                    "definition": definition,
                },
                {"id": "conc", "label": "C", "level": "ordinal", "values": [0, 1, 2]},
            ],
        }
    )


def _values(raw: list[str]) -> list[str]:
    values = list(dict.fromkeys(v.strip() for v in raw))
    assume(len(values) >= 2 and all(values) and not set(values) & {"NA", "N/A", "n/a", "na", "."})
    return values


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)  # quotes cells with CR or LF
    return buffer.getvalue()


@SLOW
@given(
    label=label_text,
    definition=tricky,
    raw_values=st.lists(file_text, min_size=2, max_size=3),
    keys=st.lists(file_text, min_size=2, max_size=2),
    coder=tricky,
)
def test_templates_write_no_formula(
    label: str, definition: str, raw_values: list[str], keys: list[str], coder: str
) -> None:
    from socmodel_cli.versioning.template import Template, template_csv
    from socmodel_cli.versioning.template_xlsx import template_xlsx

    scheme = _scheme(label, _values(raw_values), definition)
    units = tuple((k, str(i)) for i, k in enumerate(keys))
    rated = {c.id: (True,) * len(units) for c in scheme.codes}
    sheet = Template(scheme, coder, ("session", "segment"), units, rated, ())
    assert unsafe_csv_cells(template_csv(sheet).decode("utf-8-sig")) == []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        path.write_bytes(template_xlsx(sheet))
        assert unsafe_xlsx_cells(path) == []


def _ratings(
    tmp: Path, scheme: Scheme, keys: list[str], coders: list[str], values: list[str]
) -> Any:
    from socmodel_cli.validation import validate_files

    files = []
    for j, coder in enumerate(coders):
        rows = [["session", "segment", "coder", "kind", "conc"]]
        for i, key in enumerate(keys):
            rows.append([key, str(i), coder, values[(i + j) % len(values)], str((i * j) % 3)])
        path = tmp / f"c{j}.csv"
        path.write_text(_csv(rows), encoding="utf-8")
        files.append(path)
    return validate_files(scheme, files).ratings


@SLOW
@given(
    label=label_text,
    raw_values=st.lists(file_text, min_size=2, max_size=3),
    keys=st.lists(file_text, min_size=3, max_size=3),
    coders=st.lists(file_text, min_size=2, max_size=2),
)
def test_reliability_and_diagnose_csv_write_no_formula(
    label: str, raw_values: list[str], keys: list[str], coders: list[str]
) -> None:
    from socmodel_cli.code_reliability import Options, compute_reliability
    from socmodel_cli.diagnostics import DiagnoseOptions, compute_diagnosis
    from socmodel_cli.report.diagnostics_csv import units_csv
    from socmodel_cli.report.reliability_table import csv_text

    values = _values(raw_values)
    scheme = _scheme(label, values, "d")
    with tempfile.TemporaryDirectory() as tmp:
        ratings = _ratings(Path(tmp), scheme, keys, coders, values)
    reliability = compute_reliability(ratings, Options(replicates=0))
    assert unsafe_csv_cells(csv_text(reliability)) == []
    diagnosis = compute_diagnosis(ratings, DiagnoseOptions(replicates=0))
    assert unsafe_csv_cells(units_csv(diagnosis)) == []


MIGRATION = {
    "id": "p",
    "version": "2.0.0",
    "title": "P",
    "unit": {"name": "segment", "keys": ["session", "segment"]},
    "codes": [{"id": "kind", "label": "K", "level": "nominal", "values": ["a", "b"]}],
    "migrations": [{"from_version": "1", "recode": [{"code": "kind", "map": {"x": "a"}}]}],
}


@SLOW
@given(cells=st.lists(st.tuples(file_text, file_text, file_text), min_size=1, max_size=4))
def test_migrate_writes_no_formula_and_keeps_values(cells: list[tuple[str, str, str]]) -> None:
    from socmodel_cli.versioning.migrate import plan_migration, write_migration

    scheme = Scheme.model_validate(MIGRATION)
    rows = [["session", "segment", "kind", "note", "scheme_version"]]
    rows += [[key, str(i), kind, note, "1.0.0"] for i, (key, kind, note) in enumerate(cells)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        src.write_text(_csv(rows), encoding="utf-8")
        result = plan_migration(scheme, [src], Path(tmp) / "out")
        write_migration(result, [src], force=False)
        text = (Path(tmp) / "out" / "in.csv").read_bytes().decode("utf-8")
    assert unsafe_csv_cells(text) == []
    back = list(csv.reader(io.StringIO(text, newline="")))
    keys = [restore(r[0]) for r in back[1:]]
    assert keys == [restore(r[0]) for r in rows[1:]]  # the values socmodel reads, intact


def test_a_protected_cell_is_restored_wherever_it_is(tmp_path: Path) -> None:
    """Rows are restored cell by cell only when the bytes hold an apostrophe; the prescan
    looks at the whole file, so one protected cell past the first MiB still counts."""
    from socmodel_cli.readers.table import open_table
    from socmodel_cli.safecells import restored

    plain = tmp_path / "plain.csv"
    plain.write_text("session,segment,kind\ns,1,a\n", encoding="utf-8")
    first = open_table(plain, None)
    assert not first.apostrophes
    assert first.close is not None
    first.close()
    late = tmp_path / "late.csv"
    late.write_text("session,segment,kind\n" + "s,1,a\n" * 200_000 + "'=1+2,2,a\n", "utf-8")
    table = open_table(late, None)
    assert table.apostrophes
    *_, (line, cells) = restored(table).rows
    assert (line, cells) == (200_002, ["=1+2", "2", "a"])
