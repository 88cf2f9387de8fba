"""The coefficient registry: the scheme chooses the deciding coefficient; ICC on rating scales."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXPORTS, ROOT, SCHEME, Run

from socmodel_cli.coefficients import COEFFICIENTS

RATING = """\
id: ratings
version: 1.0.0
title: Rating scale
unit: {name: session, keys: [session]}
reliability: {min_units: 0}
codes:
  - id: alliance
    level: interval
    values: [1, 2, 3, 4, 5, 6, 7]
    decide_by: DECIDER
    threshold: 0.75
"""


def _study(tmp: Path, decider: str) -> list[str]:
    (tmp / "s.yaml").write_text(RATING.replace("DECIDER", decider))
    a = [1, 2, 3, 4, 5, 6, 7, 2, 3, 5, 6, 4]
    b = [1, 3, 3, 4, 6, 6, 7, 2, 4, 5, 6, 3]
    for name, values in (("ann", a), ("bo", b)):
        rows = ["session,alliance", *(f"S{i},{v}" for i, v in enumerate(values))]
        (tmp / f"{name}.csv").write_text("\n".join(rows) + "\n")
    return ["reliability", "s.yaml", "ann.csv", "bo.csv", "-f", "json", "--bootstrap", "0"]


def test_a_code_verdict_can_rest_on_the_icc(tmp_path: Path, cli: Callable[..., Run]) -> None:
    doc = cli(*_study(tmp_path, "icc_a1"), exit=0, cwd=tmp_path).json()
    code = doc["codes"][0]
    assert code["decided_by"] == "icc_a1" and code["status"] == "pass"
    assert code["reason"].startswith("ICC(A,1) ") and code["icc_a1"] >= 0.75
    assert code["details"]["icc_a1"]["test"]["df1"] == 11.0
    assert code["details"]["icc_a1"]["ci"] is not None
    assert len(code["limits_of_agreement"]) == 1
    # The same data decided by a coefficient that misses the threshold fails.
    doc = cli(*_study(tmp_path, "cohen_kappa"), exit=1, cwd=tmp_path).json()
    assert doc["codes"][0]["status"] == "fail"
    assert doc["codes"][0]["reason"].startswith("kappa ")


def test_decide_by_must_name_a_coefficient_that_applies(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    (tmp_path / "a.yaml").write_text(RATING.replace("DECIDER", "icc2"))
    run = cli("scheme", "check", "a.yaml", exit=1, cwd=tmp_path)
    assert "unknown-coefficient" in run.out and "icc_a1" in run.out
    nominal = RATING.replace("level: interval", "level: nominal").replace("DECIDER", "icc_a1")
    (tmp_path / "b.yaml").write_text(nominal)
    run = cli("scheme", "check", "b.yaml", exit=1, cwd=tmp_path)
    assert "coefficient-does-not-apply" in run.out


def test_custom_weights_are_checked_where_the_scheme_says_them(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    bad = RATING.replace("DECIDER", "ac2").replace(
        "    threshold: 0.75\n", "    threshold: 0.75\n    weights: [[1, 0.5], [0.5, 1]]\n"
    )
    (tmp_path / "w.yaml").write_text(bad)
    run = cli("scheme", "check", "w.yaml", exit=1, cwd=tmp_path)
    assert "bad-weights" in run.out and "7 x 7" in run.out and "w.yaml:" in run.out


def test_the_bundled_examples_report_icc_for_the_ratio_code(cli: Callable[..., Run]) -> None:
    doc = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "-f", "json", exit=1).json()
    by_code = {c["code"]: c for c in doc["codes"]}
    count = by_code["incongruent_principles"]
    for key in ("icc1", "icc1k", "icc_a1", "icc_ak", "icc_c1", "icc_ck", "sem"):
        assert count[key] is not None and count["details"][key]["ci"] is not None, key
    assert count["limits_of_agreement"]
    assert by_code["concordance"]["icc_a1"] is None  # ordinal: only on request (icc: true)


def test_every_coefficient_is_documented() -> None:
    json_doc = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
    stats_doc = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
    from socmodel_cli.coefficients import registry_table

    assert registry_table() in stats_doc, "regenerate the table with registry_table()"
    for c in COEFFICIENTS:
        assert f"`{c.key}`" in json_doc, c.key


def test_the_decider_the_rules_take_on_trust_applies_to_every_code() -> None:
    """scheme/rules.py skips the registry for ALWAYS_APPLIES (validate then imports no
    statistics): that coefficient must be registered for every level and number of coders,
    whatever the code says."""
    from socmodel_cli.coefficients import ALL_LEVELS, BY_KEY, level_applies
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.scheme.rules import ALWAYS_APPLIES

    trusted = BY_KEY[ALWAYS_APPLIES]
    assert trusted.levels == ALL_LEVELS and trusted.coders == "any"
    for code in load_scheme(SCHEME).codes:
        assert trusted.for_code(code) is None and level_applies(trusted, code)


def test_validate_imports_no_statistics(tmp_path: Path) -> None:
    """`validate` and `scheme check` on a scheme deciding by alpha stay clear of the
    coefficient registry and everything it imports (about 0.1 s of start-up)."""
    import subprocess
    import sys

    code = (
        "import sys; from socmodel_cli.scheme import load_scheme; "
        f"load_scheme({str(SCHEME)!r}); "
        "print('socmodel_cli.coefficients' in sys.modules, 'socmodel_cli.stats' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    ).stdout
    assert out.split() == ["False", "False"]
