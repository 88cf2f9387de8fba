"""``scheme diff`` as plain text for people: changes grouped by class, then the verdict."""

from __future__ import annotations

from collections.abc import Sequence

from socmodel_cli.problems import printable
from socmodel_cli.semver import Bump
from socmodel_cli.versioning.diff import SchemeDiff

ORDER = (Bump.MAJOR, Bump.MINOR, Bump.PATCH)


def render_diffs(diffs: Sequence[SchemeDiff], *, quiet: bool = False) -> str:
    """Every diff in full, or with ``quiet`` each one's verdict line only."""
    if quiet:
        return "".join(verdict(d) + "\n" for d in diffs)
    return "\n".join(render_diff(d) for d in diffs)


def render_diff(diff: SchemeDiff) -> str:
    lines = [
        f"{printable(diff.new_file)}: {diff.scheme_id} {diff.old_version} -> {diff.new_version}"
        f" (compared with {printable(diff.old_file)})"
    ]
    if diff.note:
        lines.append(f"  {printable(diff.note)}")
    for bump in ORDER:
        changes = [c for c in diff.changes if c.bump is bump]
        if not changes:
            continue
        lines.append(f"{bump.name} ({len(changes)})")
        width = max(len(c.kind) for c in changes)
        lines += [f"  {c.kind:<{width}}  {printable(c.message)}" for c in changes]
    if not diff.changes and not diff.note:
        lines.append("  no changes")
    lines.append(verdict(diff))
    return "\n".join(lines) + "\n"


def verdict(diff: SchemeDiff) -> str:
    declared = diff.declared
    need = f"changes require {diff.required.name}" if diff.changes else "no changes"
    if declared is None:
        return (
            f"FAIL: version goes down ({diff.old_version} -> {diff.new_version}); {need}: "
            f"use {diff.suggested_version}"
        )
    step = (
        f"{diff.new_version} is a {declared.name} step from {diff.old_version}"
        if declared is not Bump.NONE
        else f"the version is unchanged ({diff.new_version})"
    )
    if not diff.ok:
        return (
            f"FAIL: {step} but the {need}; the smallest correct version is {diff.suggested_version}"
        )
    if not diff.changes:
        return "ok: no changes" + ("" if declared is Bump.NONE else f"; {step}")
    extra = ""
    if declared > diff.required:
        extra = f" (a larger step than needed; {diff.suggested_version} would do)"
    return (
        f"ok: {need}; {diff.new_version} is a {declared.name} step"
        if declared is not Bump.NONE
        else f"ok: {need}; version unchanged"
    ) + extra
