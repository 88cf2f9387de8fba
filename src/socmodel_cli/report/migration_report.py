"""``socmodel migrate`` results as a JSON-ready dict and as text (see docs/versioning.md)."""

from __future__ import annotations

from typing import Any

from socmodel_cli.problems import printable
from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.report.problems_dict import problem_dict
from socmodel_cli.versioning.migrate import FileMigration, MigrationResult


def migration_dict(result: MigrationResult) -> dict[str, Any]:
    return {
        "json_version": JSON_VERSION,
        "ok": result.ok,
        "scheme_id": result.scheme_id,
        "scheme_version": result.version,
        "out_dir": result.out_dir,
        "files": [_file(f) for f in result.files],
        "totals": {
            "files": len(result.files),
            "migrated": sum(f.status == "migrated" for f in result.files),
            "unchanged": sum(f.status == "unchanged" for f in result.files),
            "incomplete": sum(f.status == "incomplete" for f in result.files),
            "unmapped_values": sum(len(f.problems) for f in result.files),
        },
    }


def _file(f: FileMigration) -> dict[str, Any]:
    return {
        "input": f.input,
        "output": f.output,
        "status": f.status,
        "format": f.format,
        "converted_from": f.converted_from,
        "layout": f.layout,
        "from_version": f.from_version,
        "migration_from": f.migration_from,
        "renamed": [
            {"from": old, "to": new, "ratings": n} for (old, new), n in sorted(f.renamed.items())
        ],
        "recoded": [
            {"code": code, "from": old, "to": new, "cells": n}
            for (code, old, new), n in sorted(f.recoded.items())
        ],
        "dropped": [{"code": code, "ratings": n} for code, n in sorted(f.dropped.items())],
        "version_cells": f.version_cells,
        "neutralised_cells": f.neutralised_cells,
        "issues": [problem_dict(p) for p in f.problems],
    }


def migration_text(result: MigrationResult, *, quiet: bool = False) -> str:
    """What happened to each file, then the verdict; with ``quiet`` the verdict only."""
    if quiet:
        return _verdict(result) + "\n"
    lines: list[str] = []
    for f in result.files:
        lines += [p.render() for p in f.problems]
    for f in result.files:
        how = {
            "migrated": f"migrated from {f.from_version} (migration from {f.migration_from})",
            "unchanged": f"coded with {f.from_version}: same major version, copied unchanged",
            "incomplete": f"migrated from {f.from_version} with {len(f.problems)} unmapped value(s)",
        }[f.status]
        converted = f" (xlsx written as {f.format.upper()})" if f.converted_from else ""
        lines.append(f"{printable(f.input)} -> {printable(f.output)}{converted}: {printable(how)}")
        for (old, new), n in sorted(f.renamed.items()):
            lines.append(f"  renamed {printable(old)} -> {printable(new)}: {n} rating(s)")
        for (code, old, new), n in sorted(f.recoded.items()):
            lines.append(f"  recoded {code} {printable(old)} -> {printable(new)}: {n} cell(s)")
        for code, n in sorted(f.dropped.items()):
            lines.append(f"  dropped {code}: {n} rating(s)")
        if f.version_cells:
            lines.append(f"  scheme_version set to {result.version}: {f.version_cells} row(s)")
        if f.neutralised_cells:
            lines.append(
                f"  formula-like text written with a protective quote: {f.neutralised_cells} cell(s)"
            )
    lines.append(_verdict(result))
    return "\n".join(lines) + "\n"


def _verdict(result: MigrationResult) -> str:
    verdict = "ok" if result.ok else "incomplete"
    return (
        f"{verdict}: {len(result.files)} file(s) written to {printable(result.out_dir)} for "
        f"{result.scheme_id} {result.version}"
        + ("" if result.ok else "; fix the unmapped values, then run `socmodel validate`")
    )
