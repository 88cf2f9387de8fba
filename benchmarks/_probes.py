"""What each validator catches: tiny files with one seeded flaw each (not timed).

Each probe is a handful of ratings for the benchmark scheme: two coders rate every code of
one unit correctly, then one flawed rating (or row) is added. The same ratings are written in
long and wide layout and checked by socmodel (its Python API) and by frictionless with the
long and the wide Table Schema from bench_validate.py. The verdict is "error" when the
validator fails the file, "warning" when socmodel passes it with a warning, "-" when nothing
is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Rating = tuple[str, str, str, str, str]  # session, segment, coder, code, value

BASE: list[Rating] = [
    ("S00001", "1", coder, code, value)
    for coder in ("c1", "c2")
    for code, value in (
        ("concordance", "2"),
        ("engagement", "1"),
        ("resistance", "3"),
        ("therapist_work", "sets_plan"),
        ("model_presented", "yes"),
        ("topic", "sleep"),
        ("incongruent_principles", "2"),
        ("change_talk", "0"),
        ("affect", "-0.5"),
        ("pace", "48.2"),
    )
]


def _one(code: str, value: str, coder: str = "c3", segment: str = "1") -> list[Rating]:
    return [("S00001", segment, coder, code, value)]


PROBES: list[tuple[str, list[Rating]]] = [
    ("control: no flaw", []),
    (
        "ordinal code given another code's text category (concordance = explains_model)",
        _one("concordance", "explains_model"),
    ),
    ("ordinal code given an undeclared number (concordance = 7)", _one("concordance", "7")),
    ("nominal code given another code's category (topic = yes)", _one("topic", "yes")),
    ("count above its range (incongruent_principles = 31)", _one("incongruent_principles", "31")),
    ("negative count in a ratio code (change_talk = -1)", _one("change_talk", "-1")),
    ("fraction in an integer code (change_talk = 2.5)", _one("change_talk", "2.5")),
    ("interval value outside its range (affect = 4.5)", _one("affect", "4.5")),
    ("text in a numeric code (pace = fast)", _one("pace", "fast")),
    ("not a finite number (pace = NaN)", _one("pace", "NaN")),
    (
        "whole number written as 2.0 in an integer code (change_talk = 2.0)",
        _one("change_talk", "2.0"),
    ),
    ("decimal comma (affect = 1,5)", _one("affect", "1,5")),
    ("code id not in the scheme (concordanse)", _one("concordanse", "1")),
    ("same rating twice, same value", _one("concordance", "2", coder="c1")),
    ("same rating twice, different value", _one("concordance", "3", coder="c1")),
    ("empty coder cell", _one("concordance", "2", coder="")),
    ("empty unit key (segment)", _one("concordance", "2", segment="")),
]


def _cell(v: str) -> str:
    return f'"{v}"' if "," in v else v


def write_long(path: Path, ratings: list[Rating]) -> None:
    lines = ["session,segment,coder,code,value"]
    lines += [",".join(_cell(c) for c in r) for r in ratings]
    path.write_text("\n".join(lines) + "\n")


def write_wide(path: Path, ratings: list[Rating], code_ids: list[str]) -> None:
    """One row per unit x coder; a rating whose cell is already filled starts a new row."""
    extra = [r[3] for r in ratings if r[3] not in code_ids]
    columns = [*code_ids, *dict.fromkeys(extra)]
    rows: list[tuple[tuple[str, str, str], dict[str, str]]] = []
    for session, segment, coder, code, value in ratings:
        key = (session, segment, coder)
        if not rows or rows[-1][0] != key or code in rows[-1][1]:
            rows.append((key, {}))
        rows[-1][1][code] = value
    lines = ["session,segment,coder," + ",".join(columns)]
    for key, cells in rows:
        lines.append(",".join([*key, *(_cell(cells.get(c, "")) for c in columns)]))
    path.write_text("\n".join(lines) + "\n")


def run(
    data: Path, scheme: Path, long_schema: dict[str, object], wide_schema: dict[str, object]
) -> list[tuple[str, str, str, str, str]]:
    """(probe, socmodel long, socmodel wide, frictionless long, frictionless wide)."""
    from frictionless import Schema, system, validate

    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = load_scheme(scheme)
    code_ids = [c.id for c in loaded.codes]
    folder = data / "probes"
    folder.mkdir(parents=True, exist_ok=True)
    schemas = {
        "long": Schema.from_descriptor(long_schema),
        "wide": Schema.from_descriptor(wide_schema),
    }

    def socmodel_finds(path: Path) -> str:
        result = validate_files(loaded, [path], max_issues=0)
        return "error" if result.errors else "warning" if result.warnings else "-"

    def frictionless_finds(path: Path, layout: str) -> str:
        with system.use_context(trusted=True):
            return "-" if validate(str(path), schema=schemas[layout]).valid else "error"

    writers: dict[str, Callable[[Path, list[Rating]], None]] = {
        "long": write_long,
        "wide": lambda p, r: write_wide(p, r, code_ids),
    }
    out = []
    for i, (name, flaw) in enumerate(PROBES):
        found: dict[str, tuple[str, str]] = {}
        for layout, write in writers.items():
            path = folder / f"probe{i:02d}-{layout}.csv"
            write(path, BASE + flaw)
            found[layout] = (socmodel_finds(path), frictionless_finds(path, layout))
        out.append((name, found["long"][0], found["wide"][0], found["long"][1], found["wide"][1]))
    return out
