"""``socmodel diagnose`` end to end: it names the seeded flaws of the example study without
being told where they are, keeps the CLI contract, and its findings rules fire (and stay
quiet) where they should.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.conftest import EXAMPLES, EXPORTS, SCHEME, Run

from socmodel_cli.diagnostics import KINDS, DiagnoseOptions, compute_diagnosis, diagnose_code
from socmodel_cli.ratings import CodeMatrix
from socmodel_cli.report.diagnostics_dict import diagnosis_dict
from socmodel_cli.scheme import load_scheme
from socmodel_cli.scheme.model import Code
from socmodel_cli.validation import validate_files

FLAWED = EXAMPLES / "flawed" / "dana.csv"
CODE_KEYS = {
    "code", "label", "level", "threshold", "status", "reason", "decided_by", "coders", "coder_names", "units",
    "pairable_units", "min_units", "alpha", "alpha_ci", "scale", "coincidence", "expected_coincidence",
    "confusion", "confused_pairs", "spread", "categories", "coder_bias", "attributed_bias",
    "pairs", "leave_one_out", "units_with_disagreement", "top_units", "artefacts", "findings",
}  # fmt: skip
FINDING_KEYS = {"rank", "kind", "severity", "message", "remedy", "evidence"}


@pytest.fixture(scope="module")
def examples_doc() -> dict[str, Any]:
    """The library's diagnosis of the example study, rendered to the JSON contract."""
    scheme = load_scheme(SCHEME)
    checked = validate_files(
        scheme, EXPORTS, coder=None, encoding=None, max_issues=0, scheme_file=str(SCHEME)
    )
    warnings = tuple(p for p in checked.problems if not p.is_error)
    result = compute_diagnosis(checked.ratings, DiagnoseOptions())
    return diagnosis_dict(replace(result, warnings=warnings))


def by_code(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in doc["codes"]}


def kinds(code: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in code["findings"]]


def test_cli_json_names_the_seeded_flaws(
    cli: Callable[..., Run], examples_doc: dict[str, Any]
) -> None:
    doc = cli("diagnose", SCHEME, *EXPORTS, "--format", "json", exit=1).json()
    # Parity: the CLI's document is the library result rendered to a dict.
    assert doc == examples_doc
    codes = by_code(doc)
    assert doc["ok"] is False

    # chloe rates resistance about one point higher; without her alpha recovers.
    res = codes["resistance"]
    bias = [f for f in res["findings"] if f["kind"] == "coder-bias"]
    assert [f["evidence"]["coder"] for f in bias] == ["chloe"]
    assert 0.7 < bias[0]["evidence"]["difference"] < 1.2
    drag = [f for f in res["findings"] if f["kind"] == "coder-drags-alpha"]
    assert [f["evidence"]["coder"] for f in drag] == ["chloe"]
    assert drag[0]["evidence"]["alpha_without"] > 0.8 > res["alpha"]
    assert res["attributed_bias"] == ["chloe"]
    assert {f["kind"] for f in res["findings"][:2]} == {"coder-bias", "coder-drags-alpha"}

    # explains_model and links_symptoms_to_model are confused: the top finding.
    tmw = codes["therapist_model_work"]
    top = tmw["findings"][0]
    assert top["kind"] == "confused-categories"
    assert set(top["evidence"]["values"]) == {"explains_model", "links_symptoms_to_model"}
    assert top["evidence"]["share"] > 0.5
    poor = {f["evidence"]["value"] for f in tmw["findings"] if f["kind"] == "poor-category"}
    assert poor == {"explains_model", "links_symptoms_to_model"}

    # incongruent_principles is the poor code: fails, and no coder or value pair is blamed.
    inc = codes["incongruent_principles"]
    assert inc["status"] == "fail"
    assert kinds(inc)[0] == "poor-code"
    assert not {"coder-bias", "coder-drags-alpha", "confused-categories"} & set(kinds(inc))

    # The small print of the README: 78% "yes" gives the kappa paradox.
    assert "kappa-paradox" in kinds(codes["model_presentation"])


def test_no_flaw_is_blamed_where_none_was_seeded(examples_doc: dict[str, Any]) -> None:
    codes = by_code(examples_doc)
    assert codes["concordance"]["findings"] == []
    for code, entry in codes.items():
        if code != "resistance":
            assert not {"coder-bias", "coder-drags-alpha"} & set(kinds(entry)), code
        if code != "therapist_model_work":
            assert "confused-categories" not in kinds(entry), code


def test_json_shape_every_key_always_present(examples_doc: dict[str, Any]) -> None:
    assert set(examples_doc) == {"json_version", "ok", "scheme", "settings", "codes", "warnings"}
    for code in examples_doc["codes"]:
        assert set(code) == CODE_KEYS, code["code"]
        assert len(code["top_units"]) <= examples_doc["settings"]["top"]
        assert set(code["artefacts"]) == set(examples_doc["codes"][0]["artefacts"])
        for rank, f in enumerate(code["findings"], start=1):
            assert set(f) == FINDING_KEYS
            assert f["rank"] == rank and f["kind"] in KINDS
            assert f["severity"] in {"high", "medium", "low"}
    # A count without declared values has no declared scale; its categories are observed values.
    inc = by_code(examples_doc)["incongruent_principles"]
    assert inc["scale"]["declared"] is False and inc["artefacts"]["unused_values"] is None
    assert by_code(examples_doc)["concordance"]["artefacts"]["unused_values"] == []
    json.dumps(examples_doc, allow_nan=False)


def test_two_coders_get_a_confusion_matrix(cli: Callable[..., Run]) -> None:
    doc = cli(
        "diagnose", SCHEME, *EXPORTS[:2], "--code", "therapist_model_work", "-f", "json", exit=0
    ).json()
    code = doc["codes"][0]
    confusion = code["confusion"]
    assert (confusion["rows"], confusion["columns"]) == ("alice", "ben")
    matrix = np.array(confusion["matrix"])
    # Rows + columns of the confusion matrix give the coincidence matrix for two coders.
    np.testing.assert_allclose(matrix + matrix.T, code["coincidence"])
    assert matrix.sum() == code["pairable_units"]
    assert all(loo["alpha"] is None for loo in code["leave_one_out"])


def test_text_output_fits_100_columns_and_names_the_flaws(cli: Callable[..., Run]) -> None:
    run = cli("diagnose", SCHEME, *EXPORTS, exit=1)
    lines = run.out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "without coder chloe, alpha rises from 0.686 to 0.842" in run.out
    assert "explains_model and links_symptoms_to_model are confused" in run.out
    assert "poor-code" in run.out
    # The session-level codes have 35 double-coded sessions: too few for a verdict.
    assert lines[-1] == "3 of 6 code(s) pass."


def test_quiet_prints_one_line_per_code(cli: Callable[..., Run]) -> None:
    run = cli("diagnose", SCHEME, *EXPORTS, "--code", "resistance", "-q", exit=0)
    assert run.out.splitlines() == [
        "resistance: pass: alpha 0.686 >= 0.667; coder-drags-alpha, coder-bias, wide-interval",
        "1 of 1 code(s) pass.",
    ]


def test_exit_codes(cli: Callable[..., Run]) -> None:
    cli("diagnose", SCHEME, *EXPORTS, "--code", "concordance", exit=0)
    cli("diagnose", SCHEME, *EXPORTS, "--code", "incongruent_principles", exit=1)
    run = cli("diagnose", SCHEME, *EXPORTS, "--code", "empathy", exit=2)
    assert "unknown code(s) empathy" in run.err
    cli("diagnose", SCHEME, *EXPORTS, "--top", "0", exit=2)
    run = cli("diagnose", SCHEME, EXPORTS[0], FLAWED, exit=2)
    assert "--skip-invalid" in run.err
    run = cli("diagnose", SCHEME, EXPORTS[0], EXPORTS[1], FLAWED, "--skip-invalid", "-q", exit=1)
    assert "skipping invalid file" in run.err


def test_min_alpha_overrides_thresholds(cli: Callable[..., Run]) -> None:
    doc = cli(
        "diagnose",
        SCHEME,
        *EXPORTS,
        "--min-alpha",
        "0.4",
        "--min-units",
        "30",
        "-f",
        "json",
        exit=0,
    ).json()
    assert {c["threshold"] for c in doc["codes"]} == {0.4}


def test_units_csv_lists_every_disagreeing_unit(cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "units.csv"
    doc = cli(
        "diagnose", SCHEME, *EXPORTS, "--code", "resistance", "--units-csv", target, "-f", "json",
        exit=0,
    ).json()  # fmt: skip
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for Excel
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    code = doc["codes"][0]
    assert len(rows) == code["units_with_disagreement"]
    first = rows[0]
    top = code["top_units"][0]
    assert (first["session"], first["segment"]) == (top["keys"]["session"], top["keys"]["segment"])
    assert {name: first[f"coder:{name}"] or None for name in ("alice", "ben", "chloe")} == top[
        "values"
    ]
    shares = [float(r["share_of_disagreement"]) for r in rows]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) == pytest.approx(1.0, abs=1e-3)
    # Existing file: refused without --force (exit 2, nothing computed), replaced with it.
    cli("diagnose", SCHEME, *EXPORTS, "--units-csv", target, exit=2)
    cli(
        "diagnose",
        SCHEME,
        *EXPORTS,
        "--code",
        "concordance",
        "--units-csv",
        target,
        "--force",
        exit=0,
    )
    assert {r["code"] for r in csv.DictReader(io.StringIO(target.read_text("utf-8-sig")))} == {
        "concordance"
    }


def test_units_csv_never_over_an_input(cli: Callable[..., Run], tmp_path: Path) -> None:
    copy = tmp_path / "alice.csv"
    copy.write_bytes(EXPORTS[0].read_bytes())
    run = cli("diagnose", SCHEME, copy, EXPORTS[1], "--units-csv", copy, "--force", exit=2)
    assert "input" in run.err
    assert copy.read_bytes() == EXPORTS[0].read_bytes()


def test_units_csv_neutralises_formulas(
    cli: Callable[..., Run], mini: Path, write: Callable[..., Path]
) -> None:
    header = "session,segment,conc,count,kind,goals\n"
    a = write("a.csv", header + "=HYPERLINK(1),1,0,1,explain,\n=HYPERLINK(1),2,1,0,link,\n")
    b = write("b.csv", header + "=HYPERLINK(1),1,1,1,explain,\n=HYPERLINK(1),2,1,2,plan,\n")
    target = a.parent / "out.csv"
    cli("diagnose", mini, a, b, "--code", "conc", "--units-csv", target, "-q", exit=1)
    text = target.read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text
    assert ",=" not in text and not text.startswith("=")


# Findings rules on small synthetic codes: each fires on the pattern it describes.


def code_matrix(code: Code, rows: list[list[float]]) -> CodeMatrix:
    x = np.array(rows, dtype=float)
    return CodeMatrix(
        code=code,
        values=x,
        units=tuple((f"S{i:03d}", "1") for i in range(x.shape[0])),
        coders=tuple(f"coder{j}" for j in range(x.shape[1])),
    )


def found(code: Code, rows: list[list[float]], threshold: float = 0.667) -> dict[str, Any]:
    result = diagnose_code(code_matrix(code, rows), threshold, DiagnoseOptions(replicates=200))
    return {f.kind: f for f in result.findings}


NOMINAL = Code(id="n", label="N", level="nominal", values=["a", "b", "c", "d"])  # type: ignore[list-item]
ORDINAL = Code(id="o", label="O", level="ordinal", values=[1, 2, 3, 4, 5])  # type: ignore[list-item]


def test_kappa_paradox_when_agreement_is_high_but_alpha_is_not() -> None:
    rows = [[0, 0]] * 88 + [[0, 1]] * 5 + [[1, 0]] * 5 + [[1, 1]] * 2
    f = found(NOMINAL, rows)
    assert "kappa-paradox" in f and "unused-values" in f
    ev = f["kappa-paradox"].evidence
    assert ev["percent_agreement"] == pytest.approx(0.90)
    assert ev["alpha"] < 0.3 and ev["ac1"] > 0.8
    assert f["unused-values"].evidence["values"] == ["c", "d"]


def test_wide_disagreements_when_a_coder_reverses_the_scale() -> None:
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 5, 80)
    rows = [[t, t] for t in truth[:50]] + [[t, 4 - t] for t in truth[50:]]
    f = found(ORDINAL, rows)
    assert "wide-disagreements" in f
    assert f["wide-disagreements"].evidence["wide_share"] > 0.5


def test_undefined_alpha_and_few_units() -> None:
    f = found(ORDINAL, [[2, 2]] * 12)
    assert "alpha-undefined" in f and "variation" in f["alpha-undefined"].message
    assert "different values" in f["alpha-undefined"].remedy
    f = found(ORDINAL, [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [1, 2]] * 3)
    assert f["few-pairable-units"].evidence["pairable_units"] == 18
    assert "poor-code" not in f


def test_a_clean_code_has_no_findings() -> None:
    rng = np.random.default_rng(8)
    truth = rng.integers(0, 4, 400)
    rows = [[t, t, t if rng.random() > 0.03 else (t + 1) % 4] for t in truth]
    assert found(NOMINAL, rows) == {}


def test_a_single_coder_gives_alpha_undefined_and_exit_1(cli: Callable[..., Run]) -> None:
    doc = cli("diagnose", SCHEME, EXPORTS[0], "-f", "json", exit=1).json()
    for code in doc["codes"]:
        assert code["status"] == "undefined"
        assert kinds(code) == ["alpha-undefined"]
        assert code["pairs"] == [] and code["top_units"] == []
    run = cli("diagnose", SCHEME, EXPORTS[0], "--code", "resistance", exit=1)
    assert "no unit was rated by two or more coders" in run.out


def test_continuous_code_without_categories_renders(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.console import Console

    from socmodel_cli.diagnostics import DiagnosisResult
    from socmodel_cli.report.diagnostics_text import render_diagnosis

    rng = np.random.default_rng(2)
    truth = rng.normal(50, 10, 120)
    rows = [[t + rng.normal(0, 2), t + rng.normal(0, 2), t + 8 + rng.normal(0, 2)] for t in truth]
    code = Code(id="minutes", label="Minutes", level="interval")
    diag = diagnose_code(code_matrix(code, rows), 0.8, DiagnoseOptions(replicates=100))
    assert diag.disagreement is None and diag.categories == ()
    assert [b.coder for b in diag.attributed_bias] == ["coder2"]
    doc = diagnosis_dict(DiagnosisResult(load_scheme(SCHEME), DiagnoseOptions(), (diag,)))
    entry = doc["codes"][0]
    assert set(entry) == CODE_KEYS
    assert entry["coincidence"] is None and entry["scale"] is None and entry["categories"] is None
    assert len(entry["top_units"]) == 10 and entry["units_with_disagreement"] == 120
    render_diagnosis(
        DiagnosisResult(load_scheme(SCHEME), DiagnoseOptions(), (diag,)),
        Console(width=100, no_color=True),
    )
    out = capsys.readouterr().out
    assert "too many distinct values" in out and "coder2 rates minutes higher" in out


def test_noise_on_every_value_is_a_poor_code_not_poor_categories() -> None:
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 4, 300)
    rows = [[t if rng.random() > 0.35 else rng.integers(0, 4) for _ in range(3)] for t in truth]
    f = found(NOMINAL, rows, threshold=0.8)
    assert "poor-code" in f
    assert not {"poor-category", "confused-categories", "coder-bias"} & set(f)


def test_diagnose_and_reliability_agree_on_shared_numbers(examples_doc: dict[str, Any]) -> None:
    from socmodel_cli.code_reliability import compute_reliability
    from socmodel_cli.report.reliability_dict import reliability_dict

    scheme = load_scheme(SCHEME)
    ratings = validate_files(scheme, EXPORTS, coder=None, encoding=None, max_issues=0).ratings
    rel = {c["code"]: c for c in reliability_dict(compute_reliability(ratings))["codes"]}
    for code in examples_doc["codes"]:
        other = rel[code["code"]]
        for key in ("alpha", "alpha_ci", "status", "threshold", "pairable_units", "units"):
            assert code[key] == other[key], (code["code"], key)
        assert code["artefacts"]["ac1"] == other["ac1"]
        assert code["artefacts"]["pabak"] == other["brennan_prediger"]
