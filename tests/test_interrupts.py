"""Nothing lost: interrupted runs leave no partial output; failed writes leave no debris."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import EXPORTS, SCHEME

from socmodel_cli.errors import OutputError
from socmodel_cli.fileout import write_atomic


def _running_reliability(out: Path) -> subprocess.Popen[bytes]:
    # A test runner's worker may ignore SIGINT, and children inherit that: start socmodel with
    # Python's usual Ctrl-C handler, as from a user's shell.
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'socmodel'; runpy.run_module('socmodel_cli', run_name='__main__')"
    )
    args = [sys.executable, "-c", start, "reliability", str(SCHEME), *map(str, EXPORTS)]
    args += ["--bootstrap", "400000", "--format", "json", "-o", str(out)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_handler(pid: int, sig: signal.Signals, timeout: float = 60.0) -> None:
    """Wait until process ``pid`` catches ``sig`` (its SigCgt mask in /proc)."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            caught = next(
                line for line in status.read_text().splitlines() if line.startswith("SigCgt:")
            )
        except (OSError, StopIteration):
            return  # no /proc (not Linux) or the process ended: the assertions below say so
        if int(caught.split()[1], 16) & (1 << (sig - 1)):
            return
        time.sleep(0.05)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_real_signal_leaves_no_output(tmp_path: Path, sig: signal.Signals, code: int) -> None:
    out = tmp_path / "report.json"
    for _attempt in range(2):
        proc = _running_reliability(out)
        # Signal only once socmodel's own handlers are in place (main() sets SIGTERM's; SIGINT's
        # comes with the interpreter): on a loaded machine start-up alone can take seconds.
        _wait_for_handler(proc.pid, signal.SIGTERM)
        _wait_for_handler(proc.pid, sig)
        time.sleep(1.0)  # into the bootstrap (the whole run takes several seconds)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if proc.returncode in (0, 1) and not err and out.exists():
            # The run had finished its work as the signal came (it has failed CI this way
            # with exit 1 and nothing on stderr): what it wrote must be whole; try again.
            json.loads(out.read_text(encoding="utf-8"))
            out.unlink()
            continue
        break
    assert proc.returncode == code, (proc.returncode, err.decode())
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_interrupt_during_rename_keeps_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new\n", force=True)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize(
    ("err", "words"),
    [
        (errno.ENOSPC, "no space left"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_write_failures_are_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, words: str
) -> None:
    def failing(fd: int) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "fsync", failing)
    target = tmp_path / "out.json"
    with pytest.raises(OutputError, match=words):
        write_atomic(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_write_refuses_inputs_existing_files_and_folders(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("x\n")
    with pytest.raises(OutputError, match="input"):
        write_atomic(source, "y", inputs=[source], force=True)
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(source, "y")
    with pytest.raises(OutputError, match="directory"):
        write_atomic(tmp_path, "y", force=True)
    with pytest.raises(OutputError, match="no such directory"):
        write_atomic(tmp_path / "nope" / "x.json", "y")
    assert source.read_text() == "x\n"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root writes anywhere; covered by the EROFS/EACCES cases above",
)
def test_read_only_folder_as_a_normal_user(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    code = (
        "import sys; from pathlib import Path; from socmodel_cli.fileout import write_atomic\n"
        "from socmodel_cli.errors import OutputError\n"
        f"try:\n    write_atomic(Path({str(folder / 'x.json')!r}), '{{}}')\n"
        "except OutputError as e:\n    print(e.message); sys.exit(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 3, proc.stderr
    assert "read-only" in proc.stdout or "permission denied" in proc.stdout
    assert list(folder.iterdir()) == []
