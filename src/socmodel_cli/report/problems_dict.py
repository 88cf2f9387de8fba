"""Problems as JSON objects: every key always present (null when not applicable)."""

from __future__ import annotations

from typing import Any

from socmodel_cli.problems import Problem


def problem_dict(p: Problem) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "severity": str(p.severity),
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "path": p.path,
        "message": p.message,
        "unit": p.unit,
        "coder": p.coder,
        "code": p.code,
        "value": p.value,
        "cell": p.cell,
        "sheet": p.sheet,
    }
