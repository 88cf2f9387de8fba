"""Writing output files: atomically, never over an input, never over a file without --force.

The data goes to a temporary file in the destination folder and is renamed into place,
so an interrupted run (Ctrl-C, SIGTERM, a full disk) leaves either the old file or the
new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from socmodel_cli.errors import OutputError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def check_target(path: Path, inputs: Iterable[Path], *, force: bool) -> None:
    """Refuse before any work is done: an input, a folder, or an existing file without force."""
    for source in inputs:
        if _same(path, Path(source)) or path.resolve() == Path(source).resolve():
            raise OutputError(
                f"{path}: refusing to write over an input file; choose another output path"
            )
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; expected a file path for the output")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; pass --force to replace it")
    if not path.parent.exists():
        raise OutputError(f"{path.parent}: no such directory for the output")


def write_atomic(
    path: Path, data: str | bytes, *, inputs: Iterable[Path] = (), force: bool = False
) -> None:
    check_target(path, inputs, force=force)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_why(exc)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "the folder is on a read-only file system"
    if exc.errno in {errno.EACCES, errno.EPERM}:
        return "permission denied (is the folder read-only?)"
    return exc.strerror or str(exc)
