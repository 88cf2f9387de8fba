"""Bundled schemes: listed, copied into a project by ``init``, named instead of a path, and
shipped in the wheel (the slow test builds and installs it in a fresh venv)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tomllib
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import ROOT, SCHEME, Run

from socmodel_cli import bundled
from socmodel_cli.scheme import load_scheme

NAME = "socialization-to-the-model"


def test_the_checkout_is_the_data_root() -> None:
    assert bundled.data_root() == ROOT
    assert bundled.scheme_paths() == {NAME: SCHEME}
    for path, relative in bundled.example_paths():
        assert path == ROOT / "examples" / relative and path.is_file()


def test_every_bundled_scheme_is_named_by_its_id() -> None:
    for name, path in bundled.scheme_paths().items():
        assert load_scheme(path).id == name


def test_the_wheel_ships_what_bundled_finds() -> None:
    """pyproject's force-include and bundled.EXAMPLE_FILES name the same files."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included.pop("schemes") == "socmodel_cli/data/schemes"
    assert included == {
        f"examples/{name}": f"socmodel_cli/data/examples/{name}" for name in bundled.EXAMPLE_FILES
    }


def test_scheme_list(cli: Callable[..., Run]) -> None:
    text = cli("scheme", "list", exit=0).out
    assert text.startswith(f"{NAME}  1.0.0  Socialization to the model\n")
    assert "6 codes: concordance, incongruent_principles," in text
    assert all(len(line) <= 80 for line in text.splitlines())
    document = cli("scheme", "list", "--format", "json", exit=0).json()
    loaded = load_scheme(SCHEME)
    assert document == {
        "json_version": 1,
        "schemes": [
            {
                "name": NAME,
                "id": loaded.id,
                "version": loaded.version,
                "title": loaded.title,
                "codes": [c.id for c in loaded.codes],
                "path": str(SCHEME),
            }
        ],
    }


def test_a_bundled_name_instead_of_a_path(cli: Callable[..., Run], tmp_path: Path) -> None:
    alice = ROOT / "examples" / "alice.csv"
    by_name = cli("validate", NAME, alice, "--format", "json", exit=0, cwd=tmp_path).json()
    by_path = cli("validate", SCHEME, alice, "--format", "json", exit=0, cwd=tmp_path).json()
    assert by_name == by_path
    assert cli("scheme", "check", NAME, exit=0, cwd=tmp_path).out.startswith(f"{SCHEME}: valid")
    run = cli("scheme", "diff", NAME, SCHEME, exit=0, cwd=tmp_path)
    assert run.out.rstrip().endswith("ok: no changes")


def test_a_path_that_exists_wins(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    run = cli("scheme", "check", NAME, exit=2, cwd=tmp_path)
    assert "not a regular file" in run.err


def test_a_misspelt_name_gets_did_you_mean(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("validate", "socialisation-to-the-model", "x.csv", exit=2, cwd=tmp_path)
    assert f"did you mean the bundled scheme {NAME!r}?" in run.err
    run = cli("validate", "my-scheme.yaml", "x.csv", exit=2, cwd=tmp_path)
    assert "cannot read the file: No such file" in run.err and "did you mean" not in run.err


def test_the_bundled_file_is_never_an_output(cli: Callable[..., Run], tmp_path: Path) -> None:
    before = SCHEME.read_bytes()
    run = cli("scheme", "export", NAME, "-o", SCHEME, "--force", exit=2, cwd=tmp_path)
    assert "refusing to write over an input file" in run.err
    assert SCHEME.read_bytes() == before


def test_init_writes_a_project_that_validates(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("init", "study", exit=0, cwd=tmp_path)
    project = tmp_path / "study"
    expected = [
        project / f"{NAME}.yaml",
        project / bundled.SCHEMA_FILE,
        *(project / "examples" / name for name in bundled.EXAMPLE_FILES),
    ]
    assert [line.split(":")[0] for line in run.out.splitlines()[:-1]] == [
        f"wrote {p.relative_to(tmp_path)}" for p in expected
    ]
    for name in bundled.EXAMPLE_FILES:
        assert (project / "examples" / name).read_bytes() == (ROOT / "examples" / name).read_bytes()
    scheme_text = (project / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert scheme_text.splitlines()[0] == "# yaml-language-server: $schema=scheme.schema.json"
    assert scheme_text.splitlines()[1:] == SCHEME.read_text(encoding="utf-8").splitlines()[1:]
    schema = cli("scheme", "json-schema", exit=0).json()
    assert json.loads((project / bundled.SCHEMA_FILE).read_text(encoding="utf-8")) == schema
    nxt = run.out.splitlines()[-1]
    assert nxt == (
        "next: cd study && socmodel validate socialization-to-the-model.yaml "
        "examples/alice.csv examples/ben.csv examples/chloe.csv"
    )
    words = shlex.split(nxt.split("&& ", 1)[1])[1:]
    cli(*words, exit=0, cwd=project)  # the printed command works as printed


def test_init_never_overwrites_without_force(cli: Callable[..., Run], tmp_path: Path) -> None:
    cli("init", exit=0, cwd=tmp_path)
    mine = tmp_path / f"{NAME}.yaml"
    mine.write_text("my edits\n", encoding="utf-8")
    run = cli("init", exit=2, cwd=tmp_path)
    assert "already exist" in run.err and "--force" in run.err
    assert mine.read_text(encoding="utf-8") == "my edits\n"
    run = cli("init", "--force", exit=0, cwd=tmp_path)
    assert run.out.splitlines()[-1].startswith("next: socmodel validate ")  # here: no cd
    assert mine.read_text(encoding="utf-8") != "my edits\n"


def test_init_refusals(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("init", "--scheme", "cbt", exit=2, cwd=tmp_path)
    assert f"no bundled scheme 'cbt'; bundled schemes: {NAME}" in run.err
    run = cli("init", "--scheme", "socialisation-to-the-model", exit=2, cwd=tmp_path)
    assert f"did you mean {NAME!r}?" in run.err
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "not a folder" in cli("init", "file", exit=2, cwd=tmp_path).err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.slow
def test_pip_install_then_init_then_validate(tmp_path: Path) -> None:
    """The wheel, installed with its dependencies in a fresh venv, in an empty folder."""
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", str(ROOT), "-w", str(wheels)], check=True)
    (wheel,) = wheels.glob("socmodel-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        data = sorted(n for n in zf.namelist() if n.startswith("socmodel_cli/data/"))
    assert data == sorted(
        [f"socmodel_cli/data/examples/{n}" for n in bundled.EXAMPLE_FILES]
        + [f"socmodel_cli/data/schemes/{p.name}" for p in (ROOT / "schemes").glob("*.yaml")]
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "-q", "install", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, f"pip install of the wheel failed:\n{install.stderr}"
    empty = tmp_path / "empty"
    empty.mkdir()
    socmodel = str(env_dir / "bin" / "socmodel")
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [socmodel, *args], cwd=empty, env=clean, capture_output=True, text=True, check=False
        )

    init = run("init")
    assert init.returncode == 0, init.stderr
    nxt = init.stdout.splitlines()[-1]
    assert nxt.startswith("next: socmodel validate ")
    validate = run(*shlex.split(nxt.removeprefix("next: "))[1:])
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert run("validate", NAME, "examples/alice.csv", "-q").returncode == 0
    listed = json.loads(run("scheme", "list", "--format", "json").stdout)
    assert "site-packages" in listed["schemes"][0]["path"]  # found in the wheel, not a checkout
