"""Writing output files: atomically, only over regular files, with the permissions users expect.

One file (:func:`write_atomic`): the data goes to a temporary file in the destination folder,
is flushed to disk and renamed into place, so an interrupted run (Ctrl-C, SIGTERM, a full
disk) leaves either the old file or the new one, never half of one, and no temporary file.

Several files (:func:`staged_folder`, for ``migrate --out DIR``): every file is written into a
staging folder inside DIR; only when all are written are they moved into place, with Ctrl-C
and SIGTERM held back for those few renames. On a failure or an interrupt before that, every
output and every folder the run created is removed, and the message says so.

What may be replaced: only a regular file (through a symbolic link: the file it points to),
and only with ``--force``. Never an input, a folder, a FIFO, a device or a socket, and never
a file with other hard links (the other names would keep the old content).

Permissions: a new file is created with mode 0666, which the kernel narrows by the umask,
as for any file the user creates; a replaced file keeps its permission bits and, where the
user may set them, its owner and group.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from socmodel_cli.errors import OutputError, SocmodelError

_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True)
class Target:
    """Where an output goes (a symbolic link resolved) and the file it replaces, if any."""

    path: Path
    existing: os.stat_result | None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def inspect_target(path: Path, inputs: Iterable[Path], *, force: bool) -> Target:
    """Refuse before any work is done; otherwise say where the output goes and what it replaces."""
    for source in inputs:
        if _same(path, Path(source)) or path.resolve() == Path(source).resolve():
            raise OutputError(
                f"{path}: refusing to write over an input file; choose another output path"
            )
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot check the output path: {_why(exc)}") from None
    real, link = path, st is not None and stat.S_ISLNK(st.st_mode)
    if link:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise OutputError(
                f"{path}: is a symbolic link to {os.readlink(path)}, which does not exist; "
                "remove the link or choose another output path"
            ) from None
        except OSError as exc:
            raise OutputError(f"{path}: cannot follow the symbolic link: {_why(exc)}") from None
        real = Path(os.path.realpath(path))
    if st is None:
        if not path.parent.is_dir():
            raise OutputError(f"{path.parent}: no such directory for the output")
        return Target(path, None)
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a directory; expected a file path for the output")
    if not stat.S_ISREG(st.st_mode):
        via = " (through a symbolic link)" if link else ""
        raise OutputError(
            f"{path}: is {_kind(st.st_mode)}{via}, not a regular file; socmodel only writes "
            "regular files, even with --force (without -o a report goes to stdout)"
        )
    if not force:
        raise OutputError(f"{path}: already exists; pass --force to replace it")
    if st.st_nlink > 1:
        raise OutputError(
            f"{path}: has {st.st_nlink} hard links; replacing it would leave the other "
            f"{st.st_nlink - 1} name(s) with the old content. Remove it first (the other names "
            "keep their copy), or choose another output path"
        )
    return Target(real, st)


def check_target(path: Path, inputs: Iterable[Path], *, force: bool) -> None:
    """Refuse before any work is done (see :func:`inspect_target`)."""
    inspect_target(path, inputs, force=force)


def write_atomic(
    path: Path, data: str | bytes, *, inputs: Iterable[Path] = (), force: bool = False
) -> None:
    target = inspect_target(path, inputs, force=force)
    # A lone surrogate (a name from undecodable bytes) is written as its escape, as on stdout.
    payload = data.encode("utf-8", errors="backslashreplace") if isinstance(data, str) else data
    tmp: Path | None = None
    try:
        with _signals_held():
            fd, tmp = _create_temp(target.path.parent, target.path.name, target.existing)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            _seal(fh, target.existing)
        os.replace(tmp, target.path)
        tmp = None
        _sync_folder(target.path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_why(exc)}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def staged_folder(folder: Path, inputs: Iterable[Path], *, force: bool) -> Iterator[Stage]:
    """All-or-nothing output of several files into ``folder`` (see the module docstring)."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: not a directory; --out takes a folder")
    stage = Stage(folder, list(inputs), force)
    try:
        stage.begin()
        yield stage
        stage.commit()
    except BaseException as exc:
        if stage.committed:  # an interrupt held back during the renames: all is in place
            raise
        stage.abort()
        if isinstance(exc, SocmodelError):
            raise type(exc)(f"{exc.message}; {stage.nothing_written()}", exc.problems) from None
        exc.add_note(stage.nothing_written())  # Ctrl-C, SIGTERM: the CLI prints the note
        raise
    finally:
        stage.tidy()


class Stage:
    """The files of one :func:`staged_folder` run: staged, then moved into place together."""

    def __init__(self, folder: Path, inputs: list[Path], force: bool) -> None:
        self.folder = folder
        self.inputs = inputs
        self.force = force
        self.created: list[Path] = []  # folders this run made, outermost first
        self.staging: Path | None = None
        self.staged: list[tuple[Path, Target]] = []  # (temporary file, where it goes)
        self.moved: list[tuple[Target, Path | None]] = []  # (placed, backup of the old file)
        self.committed = False

    def check(self, name: str) -> Target:
        """Refuse an output that may not be written (before any is)."""
        path = self.folder / name
        if not self.folder.is_dir():  # to be created: nothing in it yet
            return Target(path, None)
        return inspect_target(path, self.inputs, force=self.force)

    def begin(self) -> None:
        missing: list[Path] = []
        folder = self.folder
        while not folder.exists() and not folder.is_symlink():
            missing.append(folder)
            folder = folder.parent
        try:
            for new in reversed(missing):
                new.mkdir()
                self.created.append(new)
            self.staging = Path(tempfile.mkdtemp(prefix=".socmodel-staging-", dir=self.folder))
        except OSError as exc:
            raise OutputError(f"{self.folder}: cannot create the folder: {_why(exc)}") from None

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """A staged file for ``folder/name``, sealed (mode, owner, fsync) when the block ends."""
        assert self.staging is not None, "begin() comes first"
        target = self.check(name)
        where = self.staging if target.path == self.folder / name else target.path.parent
        try:
            with _signals_held():
                fd, tmp = _create_temp(where, name, target.existing)
                self.staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                yield fh
                _seal(fh, target.existing)
        except OSError as exc:
            raise OutputError(f"{self.folder / name}: cannot write: {_why(exc)}") from None

    def commit(self) -> None:
        """Move every staged file into place; on a failure put back what was there."""
        with _signals_held():
            current = self.folder
            try:
                for tmp, planned in self.staged:
                    current = planned.path  # checked again: time has passed since the first check
                    target = inspect_target(planned.path, self.inputs, force=self.force)
                    backup = _backup(target) if target.existing is not None else None
                    try:
                        os.replace(tmp, target.path)
                    except OSError:
                        if backup is not None:
                            os.replace(backup, target.path)
                        raise
                    self.moved.append((target, backup))
            except OSError as exc:
                self._put_back()
                raise OutputError(f"{current}: cannot move into place: {_why(exc)}") from None
            except BaseException:
                self._put_back()
                raise
            for _, backup in self.moved:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(backup)
            self.staged.clear()
            self.committed = True
        _sync_folder(self.folder)

    def _put_back(self) -> None:
        for target, backup in reversed(self.moved):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target.path)
                else:
                    os.unlink(target.path)
        self.moved.clear()

    def abort(self) -> None:
        """Remove every staged file, the staging folder and the folders this run created."""
        with _signals_held():
            for tmp, _ in self.staged:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self.staged.clear()
            self.tidy()
            for folder in reversed(self.created):
                with contextlib.suppress(OSError):
                    folder.rmdir()

    def tidy(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    def nothing_written(self) -> str:
        made = f" ({self.created[0]} was made for this run and removed)" if self.created else ""
        return f"nothing was written to {self.folder}{made}"


def _backup(target: Target) -> Path:
    """A second name for the file about to be replaced, in its folder, to put it back."""
    backup = target.path.parent / f".{target.path.name[:100]}.{secrets.token_hex(4)}.old"
    try:
        os.link(target.path, backup)
    except OSError:  # no hard links on this file system: move it aside instead
        os.replace(target.path, backup)
    return backup


def _create_temp(folder: Path, name: str, existing: os.stat_result | None) -> tuple[int, Path]:
    # New: 0666 narrowed by the umask, as any file the user creates. Replacing: private until
    # it gets the old file's mode in _seal.
    mode = 0o600 if existing is not None else 0o666
    while True:
        tmp = folder / f".{name[:100]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, _FLAGS, mode), tmp
        except FileExistsError:
            continue


def _seal(fh: BinaryIO, existing: os.stat_result | None) -> None:
    """Flush and fsync; a replacement gets the old file's owner (where allowed) and mode."""
    fh.flush()
    fd = fh.fileno()
    if existing is not None:
        if hasattr(os, "fchown"):
            try:
                os.fchown(fd, existing.st_uid, existing.st_gid)
            except OSError:  # only root gives files away; a group the user is in still works
                with contextlib.suppress(OSError):
                    os.fchown(fd, -1, existing.st_gid)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, stat.S_IMODE(existing.st_mode) & 0o777)
    os.fsync(fd)


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (POSIX); a failure here loses nothing already written."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (where signals can be blocked)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "the folder is on a read-only file system"
    if exc.errno in {errno.EACCES, errno.EPERM}:
        return "permission denied (is the folder read-only?)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long for this file system"
    return exc.strerror or str(exc)
