"""Validation of coder files: every kind of problem, located; layouts; merging."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import MINI_SCHEME

from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem
from socmodel_cli.ratings import RatingsBuilder
from socmodel_cli.ratings_checks import duplicates
from socmodel_cli.scheme import load_scheme
from socmodel_cli.validation import ValidationResult, validate_files

WIDE_HEADER = "session,segment,conc,count,kind,goals\n"


def run(mini: Path, *files: Path, **kw: object) -> ValidationResult:
    return validate_files(load_scheme(mini), list(files), **kw)  # type: ignore[arg-type]


def kinds(result: ValidationResult) -> list[tuple[str, int | None, int | None]]:
    return [(p.kind, p.line, p.column) for p in result.problems]


def test_valid_wide_and_long_files_merge(mini: Path, write: Callable[..., Path]) -> None:
    a = write("ann.csv", WIDE_HEADER + "S1,1,2,0,explain,4\nS1,2,3,1,link,\nS2,1,0,2,plan,2\n")
    b = write(
        "b.csv",
        "session,segment,coder,code,value\n"
        "S1,1,bo,conc,2\nS1,2,bo,conc,3.0\nS2,1,bo,conc, 1 \nS1,,bo,goals,4\n"
        "S1,1,bo,count,0\nS1,2,bo,count,1\nS2,1,bo,count,2\nS1,1,bo,kind,explain\nS1,2,bo,kind,plan\n"
        "S2,,bo,goals,2\n",
    )
    result = run(mini, a, b)
    assert result.errors == 0, kinds(result)
    assert [f.layout for f in result.files] == ["wide", "long"]
    assert (result.files[0].coder, result.files[0].coder_source) == ("ann", "file name")
    assert result.files[1].coder_source == "column"
    conc = result.ratings.matrix("conc")
    assert conc.coders == ("ann", "bo")
    # ordinal cells hold the rank (index) of the declared value; '3.0' and ' 1 ' read numerically
    assert np.array_equal(conc.values, [[2, 2], [3, 3], [0, 1]])
    goals = result.ratings.matrix("goals")
    assert goals.units == (("S1", None), ("S2", None))
    assert np.array_equal(goals.values, [[3, 3], [1, 1]])


def test_coder_option_names_files_without_coder_column(
    mini: Path, write: Callable[..., Path]
) -> None:
    a = write("export.csv", WIDE_HEADER + "S1,1,2,0,explain,4\n")
    result = run(mini, a, coder="zoe")
    assert (result.files[0].coder, result.files[0].coder_source) == ("zoe", "option")


@pytest.mark.parametrize(
    ("row", "kind", "column"),
    [
        ("S1,1,7,0,explain,4", "unknown-value", 3),
        ("S1,1,2,11,explain,4", "out-of-range", 4),
        ("S1,1,2,many,explain,4", "not-a-number", 4),
        ("S1,1,2,1.5,explain,4", "not-integer", 4),
        ("S1,1,2,1e400,explain,4", "not-finite", 4),
        ("S1,1,2,1,Explain,4", "unknown-value", 5),
        ("S1,1,2,1,explain,4,9", "ragged-row", 7),
        ("S1,1,2,1,explain", "ragged-row", 6),
        (",1,2,1,explain,4", "missing-unit-key", 1),
        ("S1,1,2,２,explain,4", "not-a-number", 4),
        ('S1,1,2,"1,5",explain,4', "not-a-number", 4),
    ],
)
def test_cell_problems_are_located(
    mini: Path, write: Callable[..., Path], row: str, kind: str, column: int
) -> None:
    path = write("c.csv", WIDE_HEADER + "S0,1,1,1,link,3\n" + row + "\n")
    result = run(mini, path)
    assert (kind, 3, column) in kinds(result), kinds(result)
    problem = next(p for p in result.problems if p.kind == kind)
    assert problem.file == str(path)
    assert problem.message


def test_problem_names_unit_coder_code_value(mini: Path, write: Callable[..., Path]) -> None:
    result = run(mini, write("c.csv", WIDE_HEADER + "S1,4,9,0,plan,\n"))
    p = next(p for p in result.problems if p.kind == "unknown-value")
    assert (p.unit, p.coder, p.code, p.value) == ("S1/4", "c", "conc", "9")


def test_missing_tokens_are_not_coded(mini: Path, write: Callable[..., Path]) -> None:
    result = run(mini, write("c.csv", WIDE_HEADER + "S1,1,NA,.,,\nS1,2, N/A ,0,plan,\n"))
    assert result.errors == 0
    assert len(result.ratings) == 2


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("session,segment,conc,cnc\n", "unknown-code"),
        ("session,segment,conc,conc\n", "duplicate-column"),
        ("session,conc\n", "missing-key-column"),
        ("session,segment,notes\n", "unknown-code"),
        ("session,segment,coder\n", "no-code-columns"),
        ("session,segment,,conc\n", "empty-column-name"),
    ],
)
def test_header_problems(mini: Path, write: Callable[..., Path], header: str, kind: str) -> None:
    result = run(mini, write("h.csv", header + "S1,1,2,2\n"))
    assert kind in [k for k, *_ in kinds(result)], kinds(result)
    assert result.errors


def test_unknown_code_in_long_layout_suggests(mini: Path, write: Callable[..., Path]) -> None:
    result = run(mini, write("l.csv", "session,segment,coder,code,value\nS1,1,a,cnoc,2\n"))
    p = next(p for p in result.problems if p.kind == "unknown-code")
    assert "did you mean 'conc'" in p.message
    assert (p.line, p.column) == (2, 4)


def test_duplicates_conflicting_and_identical(mini: Path, write: Callable[..., Path]) -> None:
    # One problem per repeated row: a conflict in any code makes it an error.
    path = write("d.csv", WIDE_HEADER + "S1,1,2,0,,\nS1,1,2,1,,\nS1,1,2,0,,\n")
    result = run(mini, path)
    found = [(p.kind, p.code, p.line) for p in result.problems if p.line in (3, 4)]
    assert found == [("conflicting-ratings", "count", 3), ("duplicate-rating", None, 4)]
    assert next(p for p in result.problems if p.kind == "conflicting-ratings").is_error
    repeated = next(p for p in result.problems if p.kind == "duplicate-rating")
    assert repeated.severity == "warning" and "conc (first at" in repeated.message
    assert "count (first at" in repeated.message


def test_session_level_code_repeated_on_segment_rows_is_fine(
    mini: Path, write: Callable[..., Path]
) -> None:
    result = run(mini, write("s.csv", WIDE_HEADER + "S1,1,2,0,plan,4\nS1,2,2,0,plan,4\n"))
    assert "duplicate-rating" not in result.by_kind
    result = run(mini, write("t.csv", WIDE_HEADER + "S1,1,2,0,plan,4\nS1,2,2,0,plan,3\n"))
    assert result.by_kind.get("conflicting-ratings") == 1


def test_coverage_warnings(mini: Path, write: Callable[..., Path]) -> None:
    a = write("a.csv", WIDE_HEADER + "S1,1,2,0,,\nS1,2,2,0,,\n")
    b = write("b.csv", "session,segment,conc\nS1,1,2\n")
    result = run(mini, a, b)
    assert result.errors == 0
    assert result.by_kind == {"too-few-coders": 1, "unpairable-units": 1, "unused-code": 2}
    unpairable = next(p for p in result.problems if p.kind == "unpairable-units")
    assert "conc 1 of 2" in unpairable.message and unpairable.code == "conc"


def test_max_issues_caps_shown_not_counted(mini: Path, write: Callable[..., Path]) -> None:
    rows = "".join(f"S1,{i},9,,,\n" for i in range(50))
    result = run(mini, write("m.csv", WIDE_HEADER + rows), max_issues=5)
    assert result.errors == 50 and result.shown == 5


def test_scheme_version_column(mini: Path, write: Callable[..., Path]) -> None:
    def version_kinds(version: str, sid: str = "mini") -> set[str]:
        path = write(
            "v.csv", f"session,segment,scheme_id,scheme_version,conc\nS1,1,{sid},{version},2\n"
        )
        return set(run(mini, path).by_kind)

    assert not {"incompatible-version", "older-minor-version"} & version_kinds("1.2.0")
    assert "older-minor-version" in version_kinds("1.1.3")
    assert "incompatible-version" in version_kinds("0.9.0")
    assert "incompatible-version" in version_kinds("2.0.0")
    assert "wrong-scheme" in version_kinds("1.2.0", sid="other")


def test_unopenable_files_raise(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        run(mini, tmp_path / "missing.csv")
    with pytest.raises(InputError, match="directory"):
        run(mini, tmp_path)


@given(
    rows=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 1), st.integers(0, 3)),
        max_size=80,
    )
)
def test_duplicates_keep_the_first_rating_of_each_key(
    rows: list[tuple[int, int, int, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Against a dictionary of first-seen ratings: runs of any length, any order."""
    folder = tmp_path_factory.mktemp("dups")
    (folder / "mini.yaml").write_text(MINI_SCHEME, encoding="utf-8")
    scheme = load_scheme(folder / "mini.yaml")
    builder = RatingsBuilder(scheme)
    builder.add_file("f.csv")
    first: dict[tuple[int, int, int], tuple[float, int]] = {}
    for unit, coder, _code, _value in rows:
        builder.unit_id((f"S{unit}", "1"))
        builder.coder_id(f"c{coder}")
    for line, (unit, coder, code, value) in enumerate(rows, start=2):
        u, c = builder.units[(f"S{unit}", "1")], builder.coders[f"c{coder}"]
        for column, item in ((builder.code, code), (builder.unit, u), (builder.coder, c)):
            column.append(item)
        builder.value.append(float(value))
        builder.line.append(line)
        first.setdefault((u, c, code), (float(value), line))
    builder.end_file()
    problems: list[Problem] = []
    kept = duplicates(builder.build(), problems.append)
    got = {
        (int(u), int(c), int(k)): (float(v), int(ln))
        for u, c, k, v, ln in zip(
            kept.unit, kept.coder, kept.code, kept.value, kept.line, strict=True
        )
    }
    assert got == first and len(kept) == len(first)
    assert sorted(kept.line.tolist()) == kept.line.tolist()  # reading order kept
    assert len(problems) == len(set(range(2, len(rows) + 2)) - {v[1] for v in first.values()})
