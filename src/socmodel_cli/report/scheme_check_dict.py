"""The JSON contract of ``socmodel scheme check`` (documented in docs/json-output.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from socmodel_cli.problems import Problem, printable
from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.report.problems_dict import problem_dict
from socmodel_cli.scheme.model import Scheme


@dataclass(frozen=True)
class SchemeCheck:
    """What ``scheme check`` found: the scheme (if it loaded) and every problem."""

    file: str
    scheme: Scheme | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.scheme is not None


def scheme_check_dict(check: SchemeCheck) -> dict[str, Any]:
    s = check.scheme
    return {
        "json_version": JSON_VERSION,
        "ok": check.ok,
        "file": check.file,
        "scheme": None if s is None else {"id": s.id, "version": s.version},
        "issues": [problem_dict(p) for p in check.problems],
    }


def scheme_check_text(check: SchemeCheck) -> str:
    lines = [p.render() for p in check.problems]
    s = check.scheme
    name = printable(check.file)
    if s is not None:
        lines.append(f"{name}: valid scheme {s.id} {s.version} ({len(s.codes)} codes)")
    else:
        lines.append(f"{name}: invalid scheme ({len(check.problems)} error(s))")
    return "\n".join(lines) + "\n"
