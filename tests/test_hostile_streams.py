"""Catalogue entries of docs/bad-inputs.md ("Hostile text inputs and streams") that need a
test of their own: real pipes and full devices, time and memory bounds, git, and the
encoding guess over names from each language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import MINI_SCHEME, ROOT, Run
from tests.hostile import CODER_HEADER, DEDICATED, HEADER

SRC = str(ROOT / "src")


def _socmodel(*args: str, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC, **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.run(
        [sys.executable, "-m", "socmodel_cli", *args],
        cwd=cwd,
        env=env,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    (tmp_path / "ok.csv").write_text(HEADER + "S1,1,2,0,plan,3\nS1,2,1,1,link,3\n")
    return tmp_path


def test_every_dedicated_entry_has_a_test() -> None:
    here = Path(__file__).read_text(encoding="utf-8")
    assert [e for e in DEDICATED if f"Catalogue entry {e}:" not in here] == []


# --- Encodings ----------------------------------------------------------------------------

LANGUAGES = {
    "French": ("François", "Hélène", "Gaëlle", "Cécile"),
    "Spanish": ("Muñoz", "José", "Núñez", "Begoña"),
    "German": ("Müller", "Strauß", "Jürgen", "Zoë"),
    "Scandinavian": ("Søren", "Åsa", "Ørsted", "Bjørn"),
}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_western_names_are_recognised(
    language: str, encoding: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    """Catalogue entry enc-western-names-each-language: Windows Excel's cp1252 (and latin-1)
    is named cp1252, the line is shown as it would read, and following the advice gives the
    names intact, byte for byte."""
    names = LANGUAGES[language]
    (tmp_path / "s.yaml").write_text(MINI_SCHEME.replace("values: [0, 1, 2, 3]", "values: [2]"))
    rows = "".join(f"S1,{i},{n},2\n" for i, n in enumerate(names, 1))
    (tmp_path / "c.csv").write_bytes((CODER_HEADER + rows).encode(encoding))
    run = cli("validate", "s.yaml", "c.csv", "--format", "json", exit=1, cwd=tmp_path)
    [problem] = [p for p in run.json()["issues"] if p["kind"] == "undecodable-bytes"]
    assert problem["line"] == 2
    assert "it looks like cp1252 (Windows Western European)" in problem["message"]
    assert f"line 2 would read “S1,1,{names[0]},2”" in problem["message"]
    for advised in ("cp1252", encoding):
        run = cli(
            "validate", "s.yaml", "c.csv", "--format", "json", "--encoding", advised,
            exit=0, cwd=tmp_path,
        )  # fmt: skip
        assert run.json()["coders"] == list(names)
        assert run.json()["files"][0]["encoding"] == advised


@pytest.mark.parametrize(
    "name",
    ["rot13", "zlib_codec", "base64", "uu", "hex", "bz2", "idna", "punycode", "undefined",
     "unicode_escape", "raw_unicode_escape", "utf-7", "nonsense", "", "a\x00b", "x" * 10_000,
     os.fsdecode(b"\xff\xfe")],
)  # fmt: skip
def test_any_codec_name(name: str, valid: Path, cli: Callable[..., Run]) -> None:
    """Catalogue entry enc-any-codec-name: a usage error listing common choices, never a
    traceback, whatever the name."""
    run = cli("validate", "s.yaml", "ok.csv", "--encoding", name, exit=2, cwd=valid)
    assert "Invalid value for '--encoding'" in run.err
    assert "common choices: utf-8, cp1252" in run.err
    assert "internal error" not in run.err


# --- Bounded work ---------------------------------------------------------------------------


def test_64_mb_without_line_breaks(tmp_path: Path) -> None:
    """Catalogue entry csv-64-mb-without-line-breaks: refused after the first MiB, in bounded
    memory (before: the whole file became one string, 2 bytes a byte, then an internal error)."""
    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    with (tmp_path / "flat.csv").open("wb") as fh:
        fh.write(HEADER.encode())
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
    probe = (
        "import resource, subprocess, sys;"
        "p = subprocess.run([sys.executable, '-m', 'socmodel_cli', 'validate', 's.yaml',"
        " 'flat.csv', '--format', 'json'], capture_output=True, text=True);"
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "print(p.stdout)"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    head, body = proc.stdout.split("\n", 1)
    code, peak_kb = (int(x) for x in head.split())
    assert code == 1
    [problem] = [p for p in json.loads(body)["issues"] if p["severity"] == "error"]
    assert (problem["kind"], problem["line"]) == ("line-too-long", 2)
    assert peak_kb < 150_000, f"peak {peak_kb / 1024:.0f} MB"
    assert elapsed < 30


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ("yaml-10-kb-of-brackets", "a: " + "[" * 10_000 + "\n"),
        ("yaml-3000-indentation-levels", "".join(" " * i + "k:\n" for i in range(3000))),
        (
            "yaml-depth-after-a-block-scalar",
            "- - |\n   text\n  - " + "[" * 100_000 + "x" + "]" * 100_000 + "\n",
        ),
        ("yaml-depth-after-a-quote-mark", 'a: [a:"' + "[" * 50_000 + '"' + "]" * 50_000 + "\n"),
    ],
)
def test_deep_yaml_is_refused_early(
    entry: str, text: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    """Catalogue entry yaml-10-kb-of-brackets: refused in well under a second (before: 20 s).
    Catalogue entry yaml-3000-indentation-levels: the same for block nesting (before: 7 s).
    Catalogue entry yaml-depth-after-a-block-scalar: the same where the old pre-scan took the
    brackets for the block's text (before: 17 s, and no line).
    Catalogue entry yaml-depth-after-a-quote-mark: the same where it took them for quoted."""
    (tmp_path / "s.yaml").write_text(text)
    start = time.perf_counter()
    run = cli("scheme", "check", "s.yaml", "--format", "json", exit=1, cwd=tmp_path)
    assert time.perf_counter() - start < 1.0, entry
    [problem] = run.json()["issues"]
    assert problem["kind"] == "yaml-too-deep" and problem["line"] is not None


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_scheme_diff_rev_applies_the_size_limit(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Catalogue entry scheme-diff-rev-over-5-mb: OLD read from git gets the same 5 MB limit
    as a file, asked of git before the blob is read (before: read and compared)."""
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "s.yaml").write_text(MINI_SCHEME + "#" * (6 << 20) + "\n")
    subprocess.run([*git, "add", "s.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "big"], check=True)
    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    run = cli("scheme", "diff", "--rev", "HEAD", "s.yaml", exit=2, cwd=tmp_path)
    assert "error[file-too-large]: the file is 6.3 MB at HEAD" in run.err


# --- Streams ------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "verdict"), [("S1,1,2,0,plan,3\n", 0), ("S1,1,9,0,plan,3\n", 1)])
def test_reader_leaving_keeps_the_verdict(tmp_path: Path, rows: str, verdict: int) -> None:
    """Catalogue entry stdout-reader-leaves: `| head -0` on valid files exits 0 (before: 1),
    on invalid ones 1: the run's own verdict, whatever the reader did."""
    (tmp_path / "s.yaml").write_text(MINI_SCHEME)
    (tmp_path / "c.csv").write_text(HEADER + rows * 2000)
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-m", "socmodel_cli", "validate", "s.yaml", "c.csv", "--format", "json"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader leaves before a byte is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == verdict, err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_stdout(valid: Path) -> None:
    """Catalogue entry stdout-full: output that cannot be written exits 2 and says why
    (before: an internal error)."""
    with open("/dev/full", "wb") as full:
        proc = _socmodel(
            "validate", "s.yaml", "ok.csv", cwd=valid, stdout=full, stderr=subprocess.PIPE
        )
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "could not write the output to standard output: No space left on device" in err
    assert "internal error" not in err


def test_closed_stdout(valid: Path) -> None:
    """Catalogue entry stdout-closed: `>&-` exits 2 and says so (before: an internal error)."""
    proc = _socmodel(
        "validate", "s.yaml", "ok.csv", "--format", "json", cwd=valid,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "could not write the output to standard output: the stream is closed" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_stderr_keeps_exit_2(valid: Path) -> None:
    """Catalogue entry stderr-full-missing-input: a missing input exits 2 even when the
    message cannot be written (before: 1)."""
    with open("/dev/full", "wb") as full:
        proc = _socmodel("validate", "s.yaml", "missing.csv", cwd=valid, stderr=full)
    assert proc.returncode == 2


def test_ascii_locale(valid: Path) -> None:
    """Catalogue entry stdout-ascii-locale: text the terminal's encoding cannot carry is
    written with escapes (before: an internal error)."""
    proc = _socmodel(
        "validate", "s.yaml", "ok.csv", "--coder", "Zoë", cwd=valid,
        capture_output=True, env={"PYTHONIOENCODING": "ascii"},
    )  # fmt: skip
    out, err = proc.stdout.decode("ascii"), proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "coder Zo\\xeb" in out
