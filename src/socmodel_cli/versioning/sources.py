"""Where ``scheme diff`` finds OLD: a file, or the same file at a git revision.

Git is run as a subprocess (``git show REV:PATH``) with an argument list, never a shell.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from socmodel_cli.errors import InputError, SchemeError, UsageError
from socmodel_cli.problems import error
from socmodel_cli.scheme import load_scheme, load_scheme_text
from socmodel_cli.scheme.yamlsource import MAX_BYTES
from socmodel_cli.versioning.diff import SchemeDiff, diff_schemes, unchanged

GIT_TIMEOUT = 60


def diff_paths(paths: Sequence[Path], rev: str | None, last_tag: bool) -> list[SchemeDiff]:
    """``OLD NEW`` from files, or each NEW against itself at ``rev`` (or the last tag)."""
    if rev is not None and last_tag:
        raise UsageError("give --rev REV or --last-tag, not both")
    if rev is None and not last_tag:
        if len(paths) != 2:
            raise UsageError(
                f"expected two schemes, OLD and NEW (got {len(paths)}); "
                "or compare NEW with a git revision: --rev REV NEW"
            )
        old_path, new_path = paths
        return [
            diff_schemes(load_scheme(old_path), load_scheme(new_path), str(old_path), str(new_path))
        ]
    if not paths:
        raise UsageError("name the scheme file(s) to compare with the revision")
    out: list[SchemeDiff] = []
    for path in paths:
        new = load_scheme(path)
        repo = git_root(path)
        wanted = rev if rev is not None else last_git_tag(repo)
        if wanted is None:
            out.append(unchanged(new, str(path), "no git tag yet: nothing to compare with"))
            continue
        text, where = show_at(repo, path, wanted)
        if text is None:
            out.append(unchanged(new, str(path), f"not in {wanted}: nothing to compare with"))
            continue
        out.append(diff_schemes(load_scheme_text(text, where), new, where, str(path)))
    return out


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed (needed for --rev / --last-tag)") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None


def git_root(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    proc = _git(path.resolve().parent, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise UsageError(
            f"{path}: not inside a git repository, so --rev / --last-tag cannot be used; "
            "give OLD as a file instead"
        )
    return Path(proc.stdout.decode("utf-8", "replace").strip())


def last_git_tag(repo: Path) -> str | None:
    proc = _git(repo, "describe", "--tags", "--abbrev=0")
    return proc.stdout.decode("utf-8", "replace").strip() or None if proc.returncode == 0 else None


def show_at(repo: Path, path: Path, rev: str) -> tuple[str | None, str]:
    """The file's text at ``rev`` (``None`` if it did not exist there) and a name for it."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"{rev!r} is not a revision name")
    check = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if check.returncode != 0:
        raise UsageError(
            f"unknown git revision {rev!r} in {repo}; expected a tag, branch or commit "
            "(see `git tag`)"
        )
    rel = path.resolve().relative_to(repo.resolve()).as_posix()
    where = f"{rev}:{rel}"
    size = _git(repo, "cat-file", "-s", f"{rev}:{rel}")
    if size.returncode != 0:
        return None, where
    # Asked before the blob is read: the same limit as for a scheme file on disk.
    if int(size.stdout.strip() or b"0") > MAX_BYTES:
        raise SchemeError(
            f"{where}: the scheme could not be read",
            [
                error(
                    "file-too-large",
                    f"the file is {int(size.stdout) / 1e6:.1f} MB at {rev}; a coding scheme is "
                    f"at most {MAX_BYTES // 1024 // 1024} MB",
                    file=where,
                )
            ],
        )
    proc = _git(repo, "show", f"{rev}:{rel}")
    if proc.returncode != 0:
        return None, where
    try:
        return proc.stdout.decode("utf-8-sig"), where
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None
