"""The JSON contract of ``socmodel validate`` (documented in docs/json-output.md)."""

from __future__ import annotations

from typing import Any

from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.report.problems_dict import problem_dict
from socmodel_cli.validation import FileInfo, ValidationResult


def file_dict(f: FileInfo) -> dict[str, Any]:
    return {
        "path": f.path,
        "format": f.format,
        "encoding": f.encoding,
        "delimiter": f.delimiter,
        "layout": f.layout,
        "coder": f.coder,
        "coder_source": f.coder_source,
        "decimal": f.decimal,
        "rows": f.rows,
        "ratings": f.ratings,
        "scheme_id": f.scheme_id,
        "scheme_version": f.scheme_version,
        "errors": f.errors,
        "warnings": f.warnings,
        "sheet": f.sheet,
    }


def validation_dict(result: ValidationResult, *, strict: bool) -> dict[str, Any]:
    return {
        "json_version": JSON_VERSION,
        "ok": result.ok(strict),
        "strict": strict,
        "scheme": {"id": result.scheme.id, "version": result.scheme.version},
        "summary": {
            "files": len(result.files),
            "rows": sum(f.rows for f in result.files),
            "ratings": len(result.ratings),
            "units": result.units,
            "coders": len(result.coders),
            "codes": len(result.scheme.codes),
            "errors": result.errors,
            "warnings": result.warnings,
            "issues_shown": result.shown,
            "by_kind": result.by_kind,
        },
        "coders": list(result.coders),
        "files": [file_dict(f) for f in result.files],
        "issues": [problem_dict(p) for p in result.problems],
    }
