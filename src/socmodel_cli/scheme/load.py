"""Load a coding scheme from YAML: safe reading, pydantic structure, rules, located errors."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from socmodel_cli.bundled import resolve_scheme
from socmodel_cli.errors import SchemeError
from socmodel_cli.problems import Problem, error
from socmodel_cli.scheme import rules
from socmodel_cli.scheme.model import Scheme
from socmodel_cli.scheme.yamlsource import (
    Located,
    YamlProblem,
    format_path,
    load_yaml,
    load_yaml_bytes,
)


def load_scheme(path: str | Path) -> Scheme:
    """Load and check a scheme file; raise :class:`SchemeError` with every located problem.

    ``path`` may also name a bundled scheme (``"socialization-to-the-model"``); a path that
    exists wins (see :func:`socmodel_cli.bundled.resolve_scheme`).
    """
    path = resolve_scheme(path)
    try:
        located = load_yaml(path)
    except YamlProblem as exc:
        raise SchemeError(f"{path}: the scheme could not be read", [exc.problem]) from None
    return scheme_from_located(located, str(path))


def load_scheme_text(text: str, file: str = "<scheme>") -> Scheme:
    try:
        located = load_yaml_bytes(text.encode("utf-8"), file)
    except YamlProblem as exc:
        raise SchemeError(f"{file}: the scheme could not be read", [exc.problem]) from None
    return scheme_from_located(located, file)


def check_scheme(path: str | Path) -> tuple[Scheme | None, list[Problem]]:
    """Like :func:`load_scheme` but returns the problems instead of raising."""
    try:
        return load_scheme(path), []
    except SchemeError as exc:
        return None, list(exc.problems)


def scheme_from_located(located: Located, file: str) -> Scheme:
    data = located.data
    if not isinstance(data, dict):
        raise SchemeError(
            f"{file}: not a scheme",
            [
                _at(
                    located,
                    file,
                    (),
                    "not-a-mapping",
                    "expected a mapping with id, version, unit and codes",
                )
            ],
        )
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        problems = [*located.problems, *_pydantic_problems(exc, located, file)]
        # Report the rules' findings in the same run, on the parts that did validate.
        seen = {(p.path, p.kind) for p in problems}
        for path, kind, msg in _rules_on_valid_parts(data, exc):
            problem = _at(located, file, path, kind, msg)
            if (problem.path, problem.kind) not in seen:
                problems.append(problem)
        raise SchemeError(
            f"{file}: the scheme is invalid", sorted(problems, key=Problem.sort_key)
        ) from None
    found = [*located.problems]
    found += [_at(located, file, path, kind, msg) for path, kind, msg in rules.check(scheme)]
    if found:
        raise SchemeError(f"{file}: the scheme is invalid", sorted(found, key=Problem.sort_key))
    return scheme


_PLACEHOLDERS = {"id": "x", "version": "1.0.0", "title": "x"}


def _rules_on_valid_parts(
    data: dict[str, Any], exc: ValidationError
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """The cross-field rules on a copy without the parts pydantic refused.

    Codes with errors are left out (their indices mapped back), refused names get
    placeholders, and migrations are skipped when the version itself is refused. Nothing is
    reported when the unit or the code list itself is unusable.
    """
    bad_top: set[str] = set()
    bad_codes: set[int] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
            bad_codes.add(loc[1])
        elif loc:
            bad_top.add(str(loc[0]))
    codes = data.get("codes")
    if not isinstance(codes, list) or bad_top & {"unit", "codes", "missing"}:
        return []
    kept = [i for i in range(len(codes)) if i not in bad_codes]
    if not kept:
        return []
    partial = {k: v for k, v in data.items() if k not in bad_top}
    partial.update({k: v for k, v in _PLACEHOLDERS.items() if k in bad_top})
    partial["codes"] = [codes[i] for i in kept]
    if "version" in bad_top or "migrations" in bad_top:
        partial["migrations"] = []
    if "reliability" in bad_top:
        partial.pop("reliability", None)
    try:
        scheme = Scheme.model_validate(partial)
    except ValidationError:
        return []

    def original(m: re.Match[str]) -> str:
        return f"codes[{kept[int(m.group(1))]}]"

    out = []
    for path, kind, msg in rules.check(scheme):
        where = path
        if len(path) >= 2 and path[0] == "codes" and isinstance(path[1], int):
            where = ("codes", kept[path[1]], *path[2:])
        out.append((where, kind, re.sub(r"codes\[(\d+)\]", original, msg)))
    return out


def _at(
    located: Located,
    file: str,
    path: tuple[str | int, ...],
    kind: str,
    message: str,
    *,
    key: bool = False,
) -> Problem:
    mark = located.mark(path, key=key)
    return error(
        kind,
        message,
        file=file,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        path=format_path(path) or None,
    )


_KIND = {
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
    "literal_error": "bad-choice",
    "string_pattern_mismatch": "bad-format",
    "too_short": "empty-list",
}


def _pydantic_problems(exc: ValidationError, located: Located, file: str) -> Iterable[Problem]:
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        etype = err["type"]
        kind = _KIND.get(etype, "bad-value")
        if (loc, kind) in seen:
            continue
        seen.add((loc, kind))
        yield _at(located, file, loc, kind, _message(err, loc), key=etype == "extra_forbidden")


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # Union members and validator names ("int", "function-before[...]") are not document paths.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in {"int", "float", "str", "dict", "list"} or "[" in part
        ):
            continue
        out.append(part)
    return tuple(out)


_FIELD_HINTS = {
    "level": "one of nominal, ordinal, interval, ratio",
    "version": "a semantic version such as 1.0.0",
    "id": "a slug of lowercase letters, digits and '-' (codes: letters, digits and '_'), starting with a letter",
    "basis": "one of paper, adapted, inferred",
}


def _message(err: Any, loc: tuple[str | int, ...]) -> str:
    etype = err["type"]
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if etype == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
        )
        return f"unknown field {name!r} (a typo?){hint}"
    if etype == "missing":
        return f"required field {name!r} is missing"
    got = err.get("input")
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if name in _FIELD_HINTS and etype in {"literal_error", "string_pattern_mismatch"}:
        return f"{shown} is not valid here; expected {_FIELD_HINTS[name]}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{msg} (got {shown})"


def _allowed_fields(parent: tuple[str | int, ...]) -> list[str]:
    from socmodel_cli.scheme import model

    model_for: dict[tuple[str, ...], type[BaseModel]] = {
        (): model.Scheme,
        ("unit",): model.Unit,
        ("reliability",): model.Reliability,
        ("codes",): model.Code,
        ("codes", "values"): model.CodeValue,
        ("codes", "range"): model.Range,
        ("codes", "provenance"): model.Provenance,
        ("migrations",): model.Migration,
    }
    shape = tuple(p for p in parent if isinstance(p, str))
    cls = model_for.get(shape)
    if cls is None:
        return []
    return [f.alias or n for n, f in cls.model_fields.items()]
