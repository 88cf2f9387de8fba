"""No silent wrong verdicts: files made the way labs make them never give a quiet wrong answer.

Each entry of ``TRUST`` is also a row of docs/bad-inputs.md (section "Answers that must hold");
the catalogue test in tests/test_bad_inputs.py checks the two list the same ids. The other
tests pin the mechanisms: the minimum of pairable units, ``--ci`` reaching every interval, and
the coefficient registry reaching every output.
"""

from __future__ import annotations

import csv
import io
import json
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import EXPORTS, SCHEME, Run
from tests.test_bad_inputs import Entry

from socmodel_cli.coefficients import COEFFICIENTS

LAB_SCHEME = """\
id: lab
version: 2.0.0
title: Lab scheme
unit:
  name: segment
  keys: [session, segment]
codes:
  - id: empathy
    label: Empathy
    level: nominal
    values: [low, high]
"""


def _ratings(n: int = 120, seed: int = 3) -> tuple[list[str], list[str]]:
    """Two coders who agree on about 95% of ``n`` segments."""
    rng = random.Random(seed)
    a = [rng.choice(["low", "high"]) for _ in range(n)]
    b = [v if rng.random() < 0.95 else ("low" if v == "high" else "high") for v in a]
    return a, b


def _two_coders(
    key_a: Callable[[int], tuple[str, str]],
    key_b: Callable[[int], tuple[str, str]],
    scheme: str = LAB_SCHEME,
    encoding: str = "utf-8",
    command: str = "validate",
    n: int = 120,
) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(scheme, encoding="utf-8")
        a, b = _ratings(n)
        for name, key, values in (("alice", key_a, a), ("ben", key_b, b)):
            rows = ["session,segment,empathy"]
            rows += [",".join([*key(i + 1), v]) for i, v in enumerate(values)]
            (tmp / f"{name}.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
        return [command, "s.yaml", "alice.csv", "ben.csv", "--format", "json"]

    return build


def plain(i: int) -> tuple[str, str]:
    return ("T01", str(i))


def _scheme_only(text: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(text, encoding="utf-8")
        return ["scheme", "check", "s.yaml", "--format", "json"]

    return build


MIGRATING = """\
id: lab
version: 2.0.0
title: Lab scheme
unit: {name: segment, keys: [session, segment]}
codes:
  - id: warmth
    label: Warmth
    level: ordinal
    values: [0, 1, 2, 3, 4]
migrations:
  - from_version: "1"
    rename: [{from: empathy, to: warmth}]
    recode: [{code: warmth, map: {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4}}]
"""


def _old_export(header: str) -> Callable[[Path], list[str]]:
    """An export coded with 1.x (values 1-5), without a scheme_version column."""

    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(MIGRATING, encoding="utf-8")
        rows = [f"session,segment,{header}", "T01,1,2", "T01,2,4", "T01,3,3"]
        (tmp / "old.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        return ["validate", "s.yaml", "old.csv", "--format", "json"]

    return build


def _value_file(cell: str) -> Callable[[Path], list[str]]:
    scheme = LAB_SCHEME.replace("values: [low, high]", "values: [Muñoz, Zoë]")

    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(scheme, encoding="utf-8")
        (tmp / "mac.csv").write_text(f"session,segment,empathy\nT01,1,{cell}\n", encoding="utf-8")
        return ["validate", "s.yaml", "mac.csv", "--format", "json"]

    return build


NFD_SESSION = unicodedata.normalize("NFD", "Muñoz-01")

TRUST = [
    Entry(
        "keys-leading-zeros",
        _two_coders(plain, lambda i: ("T01", f"{i:03d}")),
        1,
        "differing only by leading zeros",
    ),
    Entry(
        "keys-letter-case",
        _two_coders(plain, lambda i: ("t01", str(i))),
        1,
        "differing only by letter case",
    ),
    Entry(
        "keys-pandas-float",
        _two_coders(plain, lambda i: ("T01", f"{i}.0")),
        1,
        "a trailing .0",
    ),
    Entry(
        "keys-declared-normalisation",
        _two_coders(
            plain,
            lambda i: ("t01", f"{i:03d}"),
            scheme=LAB_SCHEME.replace(
                "  keys: [session, segment]",
                "  keys: [session, segment]\n  normalize: [case, leading-zeros]",
            ),
            command="reliability",
        ),
        0,
        '"pairable_units": 120',
    ),
    Entry(
        "keys-unicode-normal-form",
        _two_coders(
            lambda i: ("Muñoz-01", str(i)), lambda i: (NFD_SESSION, str(i)), command="reliability"
        ),
        0,
        '"pairable_units": 120',
    ),
    Entry(
        "keys-few-shared-units",
        _two_coders(plain, lambda i: ("T01", f"{i + 110}"), n=120),
        0,
        "few-shared-units",
    ),
    Entry(
        "six-pairable-units-never-pass",
        _two_coders(plain, plain, command="reliability", n=6),
        1,
        '"status": "insufficient"',
    ),
    Entry(
        "missing-token-equals-text-value",
        _scheme_only(
            LAB_SCHEME.replace("values: [low, high]", "values: [a, b, 99]").replace(
                "codes:", 'missing: [NA, "99"]\ncodes:'
            )
        ),
        1,
        "value-is-missing-token",
    ),
    Entry(
        "missing-token-equals-number-value",
        _scheme_only(
            LAB_SCHEME.replace(
                "level: nominal\n    values: [low, high]", "level: ordinal\n    values: [-9, 1, 2]"
            ).replace("codes:", 'missing: ["", "-9.0"]\ncodes:')
        ),
        1,
        "missing[1]",
    ),
    Entry(
        "missing-unquoted-number",
        _scheme_only(LAB_SCHEME.replace("codes:", "missing: [NA, -9, 99]\ncodes:")),
        0,
        '"ok": true',
    ),
    Entry("old-export-without-version", _old_export("warmth"), 0, "--from 1.0.0 --out migrated/"),
    Entry("old-export-renamed-column", _old_export("empathy"), 1, "renamed to 'warmth' in 2.0.0"),
    Entry(
        "value-decomposed-unicode",
        _value_file(unicodedata.normalize("NFD", "Muñoz")),
        0,
        '"ratings": 1',
    ),
    Entry("value-invisible-difference", _value_file("Zoë\u200b"), 1, "U+200B"),
    Entry(
        "code-without-label",
        _scheme_only(LAB_SCHEME.replace("    label: Empathy\n", "")),
        0,
        '"ok": true',
    ),
]


@pytest.mark.parametrize("entry", TRUST, ids=[e.id for e in TRUST])
def test_trust_entry(entry: Entry, tmp_path: Path, cli: Callable[..., Run]) -> None:
    args = entry.build(tmp_path)
    run = cli(*args, exit=entry.exit, cwd=tmp_path)
    text = run.out + run.err
    assert entry.expect in text, text[:3000]
    assert "Traceback" not in text


def test_split_keys_stop_reliability_instead_of_passing_on_the_few_that_pair(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    args = _two_coders(plain, lambda i: ("T01", f"{i:02d}"), command="reliability")(tmp_path)
    run = cli(*args, exit=2, cwd=tmp_path)
    assert "near-match-keys" in run.err and "pass" not in run.out


def test_a_numeric_missing_token_matches_the_number_however_written(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    scheme = LAB_SCHEME.replace("codes:", "missing: ['', -9]\ncodes:")
    (tmp_path / "s.yaml").write_text(scheme)
    (tmp_path / "spss.csv").write_text("session,segment,empathy\nT01,1,-9.00\nT01,2,low\n")
    doc = cli("validate", "s.yaml", "spss.csv", "-f", "json", exit=0, cwd=tmp_path).json()
    assert doc["summary"]["ratings"] == 1


def _reliability_doc(cli: Callable[..., Run], *extra: str) -> dict[str, object]:
    run = cli(
        "reliability", SCHEME, *EXPORTS[:2], "--bootstrap", "200", "-f", "json", *extra, exit=1
    )
    return run.json()  # type: ignore[no-any-return]


def test_every_interval_follows_ci(cli: Callable[..., Run]) -> None:
    wide = _reliability_doc(cli, "--ci", "0.99")
    narrow = _reliability_doc(cli, "--ci", "0.8")
    assert wide["settings"]["ci"] == 0.99  # type: ignore[index]
    checked = set()
    for cw, cn in zip(wide["codes"], narrow["codes"], strict=True):  # type: ignore[call-overload]
        for key, dw in cw["details"].items():
            dn = cn["details"][key]
            if dw is None or dw["ci"] is None:
                continue
            width_w = dw["ci"][1] - dw["ci"][0]
            width_n = dn["ci"][1] - dn["ci"][0]
            assert width_w > width_n, (cw["code"], key, dw["ci"], dn["ci"])
            checked.add(key)
    with_interval = {c.key for c in COEFFICIENTS if c.interval}
    assert with_interval <= checked, with_interval - checked


def test_the_minimum_reaches_every_output_and_diagnose(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    args = _two_coders(plain, plain, command="reliability", n=30)(tmp_path)
    doc = cli(*args, exit=1, cwd=tmp_path).json()
    code = doc["codes"][0]
    assert code["alpha"] > 0.8 and code["status"] == "insufficient"
    assert code["min_units"]["units"] == 60 and "Bloch & Kraemer" in code["min_units"]["rule"]
    base = args[:4]
    text = cli(*base, exit=1, cwd=tmp_path).out
    assert "insufficient" in text and "60 are needed" in text and "pass." in text
    table = cli(*base, "-f", "csv", exit=1, cwd=tmp_path).out
    assert next(csv.DictReader(io.StringIO(table)))["status"] == "insufficient"
    assert "| insufficient |" in cli(*base, "-f", "markdown", exit=1, cwd=tmp_path).out
    diag = cli("diagnose", *base[1:], "-f", "json", exit=1, cwd=tmp_path).json()
    assert diag["codes"][0]["status"] == "insufficient"
    # The scheme (or --min-units) may set its own minimum, stated where it applies.
    assert cli(*base, "--min-units", "25", exit=0, cwd=tmp_path)
    scheme = (tmp_path / "s.yaml").read_text() + "reliability:\n  min_units: 20\n"
    (tmp_path / "s.yaml").write_text(scheme)
    doc = cli(*args, exit=0, cwd=tmp_path).json()
    assert doc["codes"][0]["min_units"] == {
        "units": 20,
        "rule": "set by the scheme (reliability.min_units)",
    }


def test_the_library_gives_the_same_verdict(tmp_path: Path) -> None:
    from socmodel_cli import reliability

    _two_coders(plain, plain, n=30)(tmp_path)
    result = reliability(tmp_path / "s.yaml", [tmp_path / "alice.csv", tmp_path / "ben.csv"])
    assert [c.status for c in result.codes] == ["insufficient"]
    assert not result.ok


def test_krippendorff_rule_reproduces_the_published_figures() -> None:
    from socmodel_cli.sample_size import krippendorff_min_units

    # The ATLAS.ti manual's worked example (Krippendorff 2019, after Bloch & Kraemer 1989).
    assert krippendorff_min_units(0.800, 0.25) == 139
    assert krippendorff_min_units(0.667, 0.25) == 81


def test_every_registered_coefficient_reaches_every_output(cli: Callable[..., Run]) -> None:
    """Each coefficient by key in the JSON and CSV, by name in Markdown and text --details."""
    three = _reliability_doc(cli)
    two_coder_run = cli(
        "reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "-f", "json", exit=1
    ).json()
    for doc in (three, two_coder_run):
        assert set(doc["definitions"]) == {c.key for c in COEFFICIENTS}
        for code in doc["codes"]:
            assert {c.key for c in COEFFICIENTS} <= set(code["details"]) & set(code)
            for c in COEFFICIENTS:
                d = code["details"][c.key]
                assert code[c.key] == (None if d is None else d["value"])
    seen_json = {
        k
        for doc in (three, two_coder_run)
        for code in doc["codes"]
        for k, d in code["details"].items()
        if d
    }
    assert seen_json == {c.key for c in COEFFICIENTS}
    for extra in ([], EXPORTS[2:]):
        files = [*EXPORTS[:2], *extra]
        table = cli("reliability", SCHEME, *files, "--bootstrap", "0", "-f", "csv", exit=1).out
        doc = cli("reliability", SCHEME, *files, "--bootstrap", "0", "-f", "json", exit=1).json()
        for row, code in zip(csv.DictReader(io.StringIO(table)), doc["codes"], strict=True):
            for c in COEFFICIENTS:
                value = code[c.key]
                assert row[c.key] == ("" if value is None else repr(round(value, 6))), c.key
        md = cli("reliability", SCHEME, *files, "--bootstrap", "0", "-f", "markdown", exit=1).out
        text = cli("reliability", SCHEME, *files, "--bootstrap", "0", "--details", exit=1).out
        for c in COEFFICIENTS:
            if any(code["details"][c.key] for code in doc["codes"]):
                assert f"| {c.name} |" in md, c.name
                assert c.name in text, c.name


def test_json_documents_the_deprecated_weighted_kappa_alias(cli: Callable[..., Run]) -> None:
    doc = _reliability_doc(cli)
    for code in doc["codes"]:  # type: ignore[attr-defined]
        assert code["weighted_kappa"] == code["weighted_kappa_linear"]
    assert json.dumps(doc, allow_nan=False)
