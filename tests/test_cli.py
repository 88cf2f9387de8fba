"""The CLI contract: exit codes, one JSON document on stdout, parity with the library."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from tests.conftest import EXAMPLES, EXPORTS, ROOT, SCHEME, Run

from socmodel_cli.code_reliability import DEFAULT_SEED, Options, reliability
from socmodel_cli.report.reliability_dict import reliability_dict
from socmodel_cli.report.validation_dict import validation_dict
from socmodel_cli.scheme import load_scheme
from socmodel_cli.validation import validate_files

FLAWED = EXAMPLES / "flawed" / "dana.csv"
ISSUE_KEYS = {
    "kind",
    "severity",
    "file",
    "line",
    "column",
    "message",
    "unit",
    "coder",
    "code",
    "value",
}
CODE_KEYS = {
    "code", "level", "units", "pairable_units", "coders", "pairable_values", "alpha", "alpha_ci",
    "q_below_threshold", "percent_agreement", "cohen_kappa", "weighted_kappa", "fleiss_kappa",
    "light_kappa", "scott_pi", "brennan_prediger", "ac1", "status", "reason",
}  # fmt: skip


def test_validate_examples_exit_0(cli: Callable[..., Run]) -> None:
    run = cli("validate", SCHEME, *EXPORTS, exit=0)
    assert "valid" in run.out


def test_validate_flawed_exit_1_located_text_and_json(cli: Callable[..., Run]) -> None:
    run = cli("validate", SCHEME, FLAWED, exit=1)
    assert "dana.csv:4:4" in run.out and "out-of-range" in run.out
    doc = cli("validate", SCHEME, FLAWED, "--format", "json", exit=1).json()
    assert doc["ok"] is False
    assert doc["scheme"] == {"id": "socialization-to-the-model", "version": "1.0.0"}
    assert doc["summary"]["errors"] >= 8
    for issue in doc["issues"]:
        assert issue.keys() >= ISSUE_KEYS
    kinds = {i["kind"] for i in doc["issues"]}
    expected = {
        "unknown-code",
        "unknown-value",
        "out-of-range",
        "not-a-number",
        "not-integer",
        "missing-unit-key",
        "ragged-row",
        "conflicting-ratings",
        "duplicate-rating",
    }
    assert expected <= kinds


def test_validate_json_equals_library_result(cli: Callable[..., Run]) -> None:
    run = cli("validate", SCHEME, FLAWED, *EXPORTS, "--format", "json", exit=1)
    result = validate_files(load_scheme(SCHEME), [FLAWED, *EXPORTS])
    assert run.json() == json.loads(json.dumps(validation_dict(result, strict=False)))


def test_strict_turns_warnings_into_findings(cli: Callable[..., Run]) -> None:
    cli("validate", SCHEME, *EXPORTS, exit=0)
    run = cli("validate", SCHEME, *EXPORTS, "--strict", "--format", "json", exit=1)
    assert run.json()["ok"] is False and run.json()["summary"]["warnings"] > 0


def test_max_issues(cli: Callable[..., Run]) -> None:
    doc = cli("validate", SCHEME, FLAWED, "--format", "json", "--max-issues", "2", exit=1).json()
    assert len(doc["issues"]) == 2 == doc["summary"]["issues_shown"]
    assert doc["summary"]["errors"] + doc["summary"]["warnings"] > 2


def test_broken_scheme_exits_2_with_line_and_column(
    cli: Callable[..., Run], write: Callable[..., Path]
) -> None:
    bad = write(
        "bad.yaml", SCHEME.read_text(encoding="utf-8").replace("level: ordinal", "level: ordinl", 1)
    )
    run = cli("validate", bad, *EXPORTS, exit=2)
    assert "bad.yaml:" in run.err and "bad-choice" in run.err
    assert run.out == ""
    check = cli("scheme", "check", bad, exit=1)
    assert "ordinl" in check.out


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", str(SCHEME)],
        ["validate", str(SCHEME), "missing.csv"],
        ["validate", "missing.yaml", str(EXPORTS[0])],
        ["validate", str(SCHEME), str(EXAMPLES)],
        ["reliability", str(SCHEME), str(FLAWED)],
        ["reliability", str(SCHEME), *map(str, EXPORTS), "--code", "nope"],
        ["validate", str(SCHEME), str(EXPORTS[0]), "--format", "xml"],
        ["nonsense"],
    ],
)
def test_could_not_run_exits_2(cli: Callable[..., Run], args: list[str]) -> None:
    run = cli(*args, exit=2)
    assert run.err and "Traceback" not in run.err


def test_reliability_examples(cli: Callable[..., Run]) -> None:
    run = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "200", exit=1)
    assert "incongruent_principles" in run.out and "fail" in run.out and "diagnose" in run.out
    doc = cli(
        "reliability", SCHEME, *EXPORTS, "--bootstrap", "200", "--format", "json", exit=1
    ).json()
    assert doc["ok"] is False and doc["threshold"] == pytest.approx(0.667)
    assert doc["scheme"]["version"] == "1.0.0"
    for code in doc["codes"]:
        assert code.keys() >= CODE_KEYS
        if code["alpha"] is not None:
            lo, hi = code["alpha_ci"]
            assert lo <= code["alpha"] <= hi
    statuses = {c["code"]: c["status"] for c in doc["codes"]}
    assert statuses["concordance"] == "pass" and statuses["incongruent_principles"] == "fail"


def test_reliability_json_equals_library(cli: Callable[..., Run]) -> None:
    run = cli(
        "reliability",
        SCHEME,
        *EXPORTS,
        "--bootstrap",
        "100",
        "--seed",
        "7",
        "--format",
        "json",
        exit=1,
    )
    result = reliability(SCHEME, EXPORTS, replicates=100, seed=7)
    assert result.warnings, "the examples' single-coded units are reported"
    assert run.json() == json.loads(json.dumps(reliability_dict(result)))


def test_reliability_is_deterministic_for_a_seed(cli: Callable[..., Run]) -> None:
    a = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "300", "--format", "json", exit=1).out
    b = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "300", "--format", "json", exit=1).out
    c = cli(
        "reliability",
        SCHEME,
        *EXPORTS,
        "--bootstrap",
        "300",
        "--seed",
        "1",
        "--format",
        "json",
        exit=1,
    ).out
    assert a == b and a != c


def test_cli_defaults_match_library() -> None:
    import inspect

    from socmodel_cli import cli

    params = inspect.signature(cli.reliability).parameters
    assert params["seed"].default == DEFAULT_SEED
    assert params["replicates"].default == Options().replicates


def test_reliability_passing_selection_exits_0(cli: Callable[..., Run]) -> None:
    cli("reliability", SCHEME, *EXPORTS, "--code", "concordance", "--bootstrap", "50", exit=0)
    cli(
        "reliability",
        SCHEME,
        *EXPORTS,
        "--code",
        "incongruent_principles",
        "--min-alpha",
        "0.4",
        "--bootstrap",
        "0",
        exit=0,
    )


def test_reliability_skip_invalid(cli: Callable[..., Run]) -> None:
    run = cli(
        "reliability",
        SCHEME,
        *EXPORTS,
        FLAWED,
        "--skip-invalid",
        "--bootstrap",
        "0",
        "--format",
        "json",
        exit=1,
    )
    assert "skipping invalid file" in run.err
    assert all("dana" not in c["coder_names"] for c in run.json()["codes"])


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_reliability_other_formats(cli: Callable[..., Run], fmt: str) -> None:
    out = cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "--format", fmt, exit=1).out
    assert "concordance" in out
    if fmt == "csv":
        assert out.splitlines()[0].startswith("code,label,level,threshold")
    else:
        assert out.count("\n| `") == 6


def test_output_file_is_written_atomically_and_guarded(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    target = tmp_path / "rel.json"
    cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "-f", "json", "-o", target, exit=1)
    assert json.loads(target.read_text())["codes"]
    cli("reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "-f", "json", "-o", target, exit=2)
    cli(
        "reliability",
        SCHEME,
        *EXPORTS,
        "--bootstrap",
        "0",
        "-f",
        "json",
        "-o",
        target,
        "--force",
        exit=1,
    )
    before = EXPORTS[0].read_bytes()
    run = cli(
        "reliability", SCHEME, *EXPORTS, "--bootstrap", "0", "-o", EXPORTS[0], "--force", exit=2
    )
    assert "input" in run.err and EXPORTS[0].read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["rel.json"]


def test_scheme_show_and_json_schema(cli: Callable[..., Run]) -> None:
    out = cli("scheme", "show", SCHEME, exit=0).out
    assert "concordance" in out and "When to use" in out
    schema = cli("scheme", "json-schema", exit=0).json()
    assert schema["title"] == "socmodel coding scheme" and "codes" in schema["properties"]


def test_version_and_help(cli: Callable[..., Run]) -> None:
    assert cli("--version", exit=0).out.startswith("socmodel ")
    assert "validate" in cli("--help", exit=0).out


def test_module_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "socmodel_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("socmodel ")


def test_console_exits_with_mains_code_and_leaves_the_last_sweep_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from socmodel_cli.cli import console

    monkeypatch.setattr(sys, "argv", ["socmodel", "validate"])  # a usage error: exit 2
    assert gc.get_freeze_count() == 0  # so the count below is console's doing
    try:
        with pytest.raises(SystemExit) as stop:
            console()
        assert stop.value.code == 2 and "Missing argument" in capsys.readouterr().err
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_installed_command_is_the_console_entry() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"] == {"socmodel": "socmodel_cli.cli:console"}


def test_command_annotations_are_objects_not_strings() -> None:
    """typer compiles and evaluates string annotations at every start (cli.py says why)."""
    import inspect

    from socmodel_cli.cli import app

    def callbacks(group: typer.Typer) -> list[Callable[..., object]]:
        found = [c.callback for c in group.registered_commands if c.callback is not None]
        if group.registered_callback is not None and group.registered_callback.callback:
            found.append(group.registered_callback.callback)
        for sub in group.registered_groups:
            assert sub.typer_instance is not None
            found += callbacks(sub.typer_instance)
        return found

    commands = callbacks(app)
    assert len(commands) >= 15  # every command, the root callback among them
    for fn in commands:
        strings = [k for k, v in inspect.get_annotations(fn).items() if isinstance(v, str)]
        assert strings == [], f"{fn.__module__}.{fn.__name__}: {strings}"


def test_fast_start_imports_no_heavy_modules() -> None:
    code = (
        "import sys, socmodel_cli.cli\n"
        "heavy = [m for m in ('numpy', 'pydantic', 'rich', 'ruamel', 'openpyxl', 'python_calamine', 'krippendorff') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\nfrom socmodel_cli.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(','.join(m for m in ('numpy', 'pydantic', 'ruamel') if m in sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip() == ""


def test_library_exports_resolve() -> None:
    import socmodel_cli

    for name in socmodel_cli.__all__:
        assert getattr(socmodel_cli, name) is not None


def test_undefined_reason_names_the_declared_value(
    cli: Callable[..., Run], mini: Path, write: Callable[..., Path]
) -> None:
    a = write("a.csv", "session,segment,kind\nS1,1,plan\nS1,2,plan\n")
    b = write("b.csv", "session,segment,kind\nS1,1,plan\nS1,2,plan\n")
    doc = cli("reliability", mini, a, b, "--code", "kind", "--format", "json", exit=1).json()
    code = doc["codes"][0]
    assert code["status"] == "undefined" and code["alpha"] is None
    assert "no variation" in code["reason"] and "'plan'" in code["reason"]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", str(SCHEME), *map(str, EXPORTS)],
        ["reliability", str(SCHEME), *map(str, EXPORTS), "--bootstrap", "0"],
        ["diagnose", str(SCHEME), *map(str, EXPORTS), "--code", "resistance"],
        [
            "scheme",
            "diff",
            str(SCHEME),
            str(EXAMPLES / "versioning" / "socialization-to-the-model-v2.yaml"),
        ],
    ],
)
def test_quiet_keeps_only_the_verdict(cli: Callable[..., Run], args: list[str]) -> None:
    loud = cli(*args, exit=1 if args[0] == "reliability" else 0)
    quiet = cli(*args, "--quiet", exit=loud.code)
    assert 0 < len(quiet.out.splitlines()) < len(loud.out.splitlines())
    assert quiet.err == ""


def test_no_color_and_pipes_give_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from socmodel_cli.report.console import make_console

    monkeypatch.setenv("NO_COLOR", "1")
    assert make_console().no_color
    monkeypatch.delenv("NO_COLOR")
    assert make_console().no_color  # stdout is not a terminal under pytest


def test_user_text_prints_literally(cli: Callable[..., Run], tmp_path: Path) -> None:
    export = tmp_path / "[bold]eve.csv"
    export.write_text(
        "session,segment,therapist_model_work\nS1,1,[red]none\nS1,2,\x1b[31mnone\n",
        encoding="utf-8",
    )
    out = cli("validate", SCHEME, export.name, exit=1, cwd=tmp_path).out
    assert "[bold]eve" in out and "[red]none" in out
    assert "\x1b" not in out
