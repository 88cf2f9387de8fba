"""Outputs that cannot hurt: the "Outputs" entries of docs/bad-inputs.md, through the real CLI.

Formula-like text from any source (data, scheme text, coder and file names) is written
neutralised by every CSV and xlsx writer; ``-o`` replaces only regular files, keeps a
replaced file's mode and owner, refuses to break hard links and gives new files the umask's
mode; ``migrate`` is all-or-nothing on a full disk, a failed rename or an interrupt, and
streams its files. Each test names its catalogue id (``OUTPUT_IDS`` lists them all).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import socket
import stat
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import MINI_SCHEME, Run
from tests.sheetcheck import unsafe_csv_cells, unsafe_xlsx_cells
from tests.test_migrate import MINI_V2

OUTPUT_IDS = {
    "output-formula-reliability-csv",
    "output-formula-diagnose-csv",
    "output-formula-migrate",
    "output-formula-template-csv",
    "output-formula-template-xlsx",
    "output-fifo",
    "output-device",
    "output-socket",
    "output-dangling-symlink",
    "output-symlink-to-file",
    "output-hard-link",
    "output-mode-preserved",
    "output-umask",
    "migrate-disk-full",
    "migrate-rename-fails",
    "migrate-interrupted",
    "migrate-streams",
}

HEADER = "session,segment,conc,count,kind,goals\n"


def _scheme(tmp: Path, text: str = MINI_SCHEME) -> Path:
    path = tmp / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _coders(tmp: Path, session: str) -> list[Path]:
    """Two coders who disagree on conc and kind for two units of ``session``."""
    rows = {"a": ("0", "3", "explain", "link"), "b": ("3", "0", "link", "explain")}
    paths = []
    for name, (conc1, conc2, kind1, kind2) in rows.items():
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(HEADER.strip().split(","))
        out.writerow([session, "1", conc1, "1", kind1, ""])
        out.writerow([session, "2", conc2, "0", kind2, ""])
        out.writerow(["S9", "1", "2", "0", "plan", ""])
        path = tmp / f"{name}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


# --- Formula-like text, each writer ---------------------------------------------------


def test_reliability_csv_neutralises_labels(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-formula-reliability-csv: labels hidden behind a quote mark or a space."""
    scheme = MINI_SCHEME.replace("label: Concordance", "label: '\"=HYPERLINK(1)'").replace(
        "label: Kind", "label: ' @SUM(1)'"
    )
    s = _scheme(tmp_path, scheme)
    out = tmp_path / "rel.csv"
    args = ["reliability", s, *_coders(tmp_path, "S1"), "--format", "csv", "--bootstrap", "0"]
    cli(*args, "--code", "conc", "--code", "kind", "-o", out, exit=1)
    text = out.read_text(encoding="utf-8")
    labels = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert labels == ["'\"=HYPERLINK(1)", "' @SUM(1)"]
    assert unsafe_csv_cells(text) == []


def test_diagnose_units_csv_neutralises_keys(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-formula-diagnose-csv: a unit key behind a zero-width space."""
    s = _scheme(tmp_path)
    out = tmp_path / "units.csv"
    files = _coders(tmp_path, "\u200b=HYPERLINK(1)")
    cli("diagnose", s, *files, "--code", "conc", "--units-csv", out, "-q", exit=1)
    text = out.read_text(encoding="utf-8")
    assert "'\u200b=HYPERLINK(1)" in text
    assert unsafe_csv_cells(text) == []


def _xlsx_with_text(path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text in the workbook, not a formula
    wb.save(path)


def test_migrate_neutralises_xlsx_text(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-formula-migrate: text that was inert in xlsx must not become live in CSV."""
    v2 = _scheme(tmp_path, MINI_V2)
    src = tmp_path / "ann.xlsx"
    _xlsx_with_text(
        src,
        [
            ["session", "segment", "concordance", "kind", "scheme_version"],
            ['=HYPERLINK("http://example.invalid","x")', 1, 3, "link", "1.0.0"],
            ["S2", 2, 1, "+cmd|' /C calc'!A0", "1.0.0"],
        ],
    )
    run = cli("migrate", v2, src, "--out", tmp_path / "o", "--format", "json", exit=1)
    assert run.json()["files"][0]["neutralised_cells"] == 2
    text = (tmp_path / "o" / "ann.csv").read_text(encoding="utf-8")
    assert unsafe_csv_cells(text) == []
    assert (
        text.splitlines()[1] == '"\'=HYPERLINK(""http://example.invalid"",""x"")",1,2,explain,2.0.0'
    )


def test_migrated_cells_read_back_as_written(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Round trip: migrating socmodel's own output again changes nothing, values intact."""
    v2 = _scheme(tmp_path, MINI_V2)
    src = tmp_path / "in.csv"
    cells = ["=1+2", "'=1+2", "-1", "@home", "\t=x", "plain"]
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["session", "segment", "kind", "scheme_version"])
    for i, cell in enumerate(cells):
        out.writerow([cell, str(i), "link", "1.0.0"])
    src.write_text(buffer.getvalue(), encoding="utf-8")
    cli("migrate", v2, src, "--out", tmp_path / "one", exit=0)
    first = (tmp_path / "one" / "in.csv").read_bytes()
    assert unsafe_csv_cells(first.decode("utf-8")) == []
    from socmodel_cli.safecells import restore

    rows = list(csv.reader(io.StringIO(first.decode("utf-8"), newline="")))
    # Read back, every cell is the value socmodel reads from the input (a leading quote before
    # formula-like text is the protective one: "'=1+2" is the value "=1+2" in both files).
    assert [restore(r[0]) for r in rows[1:]] == [restore(c) for c in cells]
    assert [restore(c) for c in cells] == ["=1+2", "=1+2", "-1", "@home", "\t=x", "plain"]
    cli("migrate", v2, tmp_path / "one" / "in.csv", "--out", tmp_path / "two", exit=0)
    assert (tmp_path / "two" / "in.csv").read_bytes() == first


def test_validate_reads_migrated_trigger_values(tmp_path: Path, cli: Callable[..., Run]) -> None:
    v2 = _scheme(tmp_path, MINI_V2.replace("values: [explain, plan]", "values: [explain, '+ve']"))
    src = tmp_path / "in.csv"
    src.write_text("session,segment,kind,scheme_version\n@S1,1,+ve,1.0.0\n", encoding="utf-8")
    cli("migrate", v2, src, "--out", tmp_path / "o", exit=0)
    assert "'+ve" in (tmp_path / "o" / "in.csv").read_text(encoding="utf-8")
    doc = cli("validate", v2, tmp_path / "o" / "in.csv", "--format", "json", exit=0).json()
    assert doc["summary"]["ratings"] == 1


def test_template_csv_neutralises_units_and_coder(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-formula-template-csv: units-file cells and the coder name."""
    s = _scheme(tmp_path)
    units = tmp_path / "units.csv"
    units.write_text('session,segment\n=1+2,1\n"-2+3",2\n@SUM(1),3\n', encoding="utf-8")
    out = tmp_path / "t.csv"
    cli("template", s, "--units", units, "--coder", "+evil()", "-o", out, exit=0)
    text = out.read_bytes().decode("utf-8-sig")
    assert unsafe_csv_cells(text) == []
    assert "'=1+2" in text and "'-2+3" in text and "'@SUM(1)" in text and "'+evil()" in text


def test_template_xlsx_writes_no_formula_cell(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-formula-template-xlsx: scheme labels, definitions, values, coder and keys."""
    scheme = (
        MINI_SCHEME.replace("label: Concordance", "label: '=WEBSERVICE(\"http://x.invalid\")'")
        .replace("label: Kind", "label: '#N/A'\n    definition: '=HYPERLINK(\"http://x\")'")
        .replace("values: [explain, link, plan]", "values: ['-explain', '@link', plan]")
    )
    s = _scheme(tmp_path, scheme)
    units = tmp_path / "units.csv"
    units.write_text("session,segment\n=1+2,1\n", encoding="utf-8")
    out = tmp_path / "t.xlsx"
    cli("template", s, "--units", units, "--coder", "@evil", "-o", out, exit=0)
    assert unsafe_xlsx_cells(out) == []
    book = openpyxl.load_workbook(out)["codebook"]
    texts = {c.value for row in book.iter_rows() for c in row if isinstance(c.value, str)}
    assert {'\'=WEBSERVICE("http://x.invalid")', "#N/A", "'-explain", "'@link"} <= texts


# --- What -o may replace ----------------------------------------------------------------


def _export(tmp: Path, target: Path, cli: Callable[..., Run], exit: int) -> Run:
    s = _scheme(tmp)
    return cli("scheme", "export", s, "-o", target, "--force", exit=exit)


def test_fifo_is_never_replaced(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-fifo"""
    fifo = tmp_path / "pipe.qdc"
    os.mkfifo(fifo)
    run = _export(tmp_path, fifo, cli, exit=2)
    assert "a named pipe (FIFO)" in run.err and "not a regular file" in run.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_device_is_never_replaced(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-device: a symbolic link to /dev/null, and a device node where one can be made."""
    link = tmp_path / "null.qdc"
    link.symlink_to("/dev/null")
    run = _export(tmp_path, link, cli, exit=2)
    assert "a character device (through a symbolic link)" in run.err
    assert link.is_symlink()
    node = tmp_path / "node.qdc"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        return
    run = _export(tmp_path, node, cli, exit=2)
    assert "a character device" in run.err
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_socket_is_never_replaced(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-socket"""
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        run = _export(tmp_path, path, cli, exit=2)
    finally:
        server.close()
    assert "a socket" in run.err
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_dangling_symlink_is_refused(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-dangling-symlink: nothing is created where the link points."""
    link = tmp_path / "out.qdc"
    link.symlink_to(tmp_path / "elsewhere" / "x.qdc")
    run = _export(tmp_path, link, cli, exit=2)
    assert "symbolic link" in run.err and "does not exist" in run.err
    assert link.is_symlink() and not (tmp_path / "elsewhere").exists()


def test_symlink_to_file_replaces_the_file(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-symlink-to-file: the link stays a link; the file it names gets the output."""
    real = tmp_path / "real.qdc"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.qdc"
    link.symlink_to(real)
    _export(tmp_path, link, cli, exit=0)
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("<?xml")


def test_hard_link_is_not_broken(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-hard-link"""
    target = tmp_path / "out.qdc"
    target.write_text("old", encoding="utf-8")
    other = tmp_path / "other-name.qdc"
    os.link(target, other)
    run = _export(tmp_path, target, cli, exit=2)
    assert "2 hard links" in run.err and "Remove it first" in run.err
    assert os.stat(target).st_ino == os.stat(other).st_ino
    assert target.read_text(encoding="utf-8") == "old"


def test_force_keeps_mode_and_owner(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """output-mode-preserved"""
    target = tmp_path / "out.qdc"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    owner = None
    if os.geteuid() == 0:
        owner = (4242, 4243)
        os.chown(target, *owner)
    _export(tmp_path, target, cli, exit=0)
    st = os.stat(target)
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    if owner is not None:
        assert (st.st_uid, st.st_gid) == owner


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for one test (``umask(0o022)``), restored afterwards."""
    old = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_new_files_get_the_umask_mode(
    tmp_path: Path, cli: Callable[..., Run], umask: Callable[[int], int], mask: int
) -> None:
    """output-umask: -o files, migrated files and the folders migrate makes."""
    umask(mask)
    _export(tmp_path, tmp_path / "new.qdc", cli, exit=0)
    assert stat.S_IMODE(os.stat(tmp_path / "new.qdc").st_mode) == 0o666 & ~mask
    v2 = tmp_path / "v2.yaml"
    v2.write_text(MINI_V2, encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text("session,segment,conc,scheme_version\nS1,1,2,1.0.0\n", encoding="utf-8")
    cli("migrate", v2, src, "--out", tmp_path / "made" / "out", exit=0)
    assert stat.S_IMODE(os.stat(tmp_path / "made" / "out" / "in.csv").st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "made").st_mode) == 0o777 & ~mask
    assert sorted(p.name for p in (tmp_path / "made" / "out").iterdir()) == ["in.csv"]


# --- migrate: all or nothing -------------------------------------------------------------


def _three_inputs(tmp: Path) -> tuple[Path, list[Path]]:
    v2 = tmp / "v2.yaml"
    v2.write_text(MINI_V2, encoding="utf-8")
    files = []
    for name in ("ann", "bob", "cy"):
        path = tmp / "in" / f"{name}.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_text("session,segment,conc,scheme_version\nS1,1,2,1.0.0\n", encoding="utf-8")
        files.append(path)
    return v2, files


def _fail_on_call(
    monkeypatch: pytest.MonkeyPatch, name: str, call: int, exc: BaseException
) -> None:
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == call:
            raise exc
        return real(*args)

    monkeypatch.setattr(os, name, failing)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_disk_full_mid_migrate_leaves_nothing(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """migrate-disk-full: the second file hits ENOSPC; no output, no folder, says so."""
    v2, files = _three_inputs(tmp_path)
    out = tmp_path / "new" / "migrated"
    _fail_on_call(monkeypatch, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    run = cli("migrate", v2, *files, "--out", out, exit=2)
    assert "no space left on the device" in run.err
    assert f"nothing was written to {out}" in run.err
    assert not (tmp_path / "new").exists()


def test_disk_full_keeps_earlier_outputs(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """migrate-disk-full, with --force over the outputs of an earlier run."""
    v2, files = _three_inputs(tmp_path)
    out = tmp_path / "migrated"
    out.mkdir()
    for f in files:
        (out / f.name).write_text("earlier\n", encoding="utf-8")
    before = _tree(out)
    _fail_on_call(monkeypatch, "fsync", 3, OSError(errno.ENOSPC, "No space left on device"))
    cli("migrate", v2, *files, "--out", out, "--force", exit=2)
    assert _tree(out) == before and sorted(p.name for p in out.iterdir()) == sorted(before)


def test_failed_rename_puts_everything_back(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """migrate-rename-fails: the second move into place fails; the first is undone."""
    v2, files = _three_inputs(tmp_path)
    out = tmp_path / "migrated"
    out.mkdir()
    (out / "ann.csv").write_text("earlier\n", encoding="utf-8")
    before = _tree(out)
    real = os.replace
    moved = {"n": 0}

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).parent == out and Path(dst).suffix == ".csv":
            moved["n"] += 1
            if moved["n"] == 2:
                raise PermissionError(errno.EPERM, "Operation not permitted")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    run = cli("migrate", v2, *files, "--out", out, "--force", exit=2)
    assert "cannot move into place" in run.err and "nothing was written" in run.err
    assert _tree(out) == before and sorted(p.name for p in out.iterdir()) == ["ann.csv"]


@pytest.mark.parametrize(
    ("exc", "code"), [(KeyboardInterrupt(), 130), (SystemExit(143), 143)], ids=["int", "term"]
)
def test_interrupted_migrate_leaves_nothing(
    tmp_path: Path,
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
    code: int,
) -> None:
    """migrate-interrupted: Ctrl-C or SIGTERM while the second file is written."""
    v2, files = _three_inputs(tmp_path)
    out = tmp_path / "migrated"
    _fail_on_call(monkeypatch, "fsync", 2, exc)
    run = cli("migrate", v2, *files, "--out", out, exit=code)
    assert f"nothing was written to {out}" in run.err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "v2.yaml"]


def test_migrate_streams_rows(tmp_path: Path) -> None:
    """migrate-streams: memory does not grow with the file (the old in-memory plan held
    about 25 bytes per byte of CSV: ~8 MB for this 300 KB file; streaming stays near 1 MB)."""
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.versioning.migrate import plan_migration, write_migration

    v2 = _scheme(tmp_path, MINI_V2)
    src = tmp_path / "big.csv"
    with src.open("w", encoding="utf-8") as fh:
        fh.write("session,segment,concordance,kind,scheme_version\n")
        for i in range(15_000):
            fh.write(f"S{i // 50},{i % 50},{1 + i % 3},link,1.0.0\n")
    scheme = load_scheme(v2)
    tracemalloc.start()
    try:
        result = plan_migration(scheme, [src], tmp_path / "o")
        write_migration(result, [v2, src], force=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.files[0].recoded[("kind", "link", "explain")] == 15_000
    assert (tmp_path / "o" / "big.csv").stat().st_size > src.stat().st_size
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
