"""``scheme diff`` as JSON-ready dicts: the contract lives here (see docs/versioning.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.semver import Bump
from socmodel_cli.versioning.diff import Change, SchemeDiff


def diffs_dict(diffs: Sequence[SchemeDiff]) -> dict[str, Any]:
    return {
        "json_version": JSON_VERSION,
        "ok": all(d.ok for d in diffs),
        "diffs": [diff_dict(d) for d in diffs],
    }


def diff_dict(diff: SchemeDiff) -> dict[str, Any]:
    declared = diff.declared
    return {
        "old_file": diff.old_file,
        "new_file": diff.new_file,
        "scheme_id": diff.scheme_id,
        "old_version": diff.old_version,
        "new_version": diff.new_version,
        "declared_bump": None if declared is None else declared.word,
        "required_bump": diff.required.word,
        "suggested_version": diff.suggested_version,
        "ok": diff.ok,
        "note": diff.note,
        "migration_from": None if diff.migration is None else diff.migration.from_version,
        "counts": {b.word: diff.count(b) for b in (Bump.MAJOR, Bump.MINOR, Bump.PATCH)},
        "changes": [change_dict(c) for c in diff.changes],
    }


def change_dict(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "bump": change.bump.word,
        "path": change.path,
        "code": change.code,
        "message": change.message,
        "old": change.old,
        "new": change.new,
    }
