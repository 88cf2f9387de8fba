"""``scheme diff`` as a Markdown changelog entry (Keep a Changelog style headings)."""

from __future__ import annotations

from collections.abc import Sequence

from socmodel_cli.problems import printable
from socmodel_cli.semver import Bump
from socmodel_cli.versioning.diff import SchemeDiff

_HEADINGS = {
    Bump.MAJOR: "Breaking changes (MAJOR)",
    Bump.MINOR: "Additions (MINOR)",
    Bump.PATCH: "Wording and metadata (PATCH)",
}


def markdown_diffs(diffs: Sequence[SchemeDiff]) -> str:
    return "\n".join(markdown_diff(d) for d in diffs)


def markdown_diff(diff: SchemeDiff) -> str:
    out = [f"## {diff.scheme_id} {diff.new_version}", ""]
    if diff.note:
        out += [_text(diff.note), ""]
    if diff.changes:
        out.append(
            f"Changes since {diff.old_version} require a {diff.required.name} version "
            f"(at least {diff.suggested_version})."
        )
    else:
        out.append(f"No changes since {diff.old_version}.")
    if not diff.ok:
        out += ["", f"**Version check failed**: {diff.new_version} is too small a step."]
    if diff.migration is not None:
        note = f": {_text(diff.migration.note)}" if diff.migration.note else ""
        out += [
            "",
            f"Exports coded under {diff.old_version} can be brought forward with "
            f"`socmodel migrate` (migration from {diff.migration.from_version}){note}",
        ]
    for bump, heading in _HEADINGS.items():
        changes = [c for c in diff.changes if c.bump is bump]
        if changes:
            out += ["", f"### {heading}", ""]
            out += [f"- {_text(c.message)} (`{c.kind}`)" for c in changes]
    return "\n".join(out) + "\n"


def _text(text: str) -> str:
    """One line, with characters that would start Markdown or HTML markup escaped, and
    controls and bidi characters shown as escapes."""
    flat = printable(" ".join(text.split()))
    for ch in "\\`*<[]":
        flat = flat.replace(ch, "\\" + ch)
    return flat
