"""What a scheme's declared migrations say about exports coded under an older version.

A file that does not state its scheme version, checked against a scheme whose migrations
recode values or rename codes, may be an old export whose values now mean other scale points:
that is said, with the exact ``socmodel migrate`` command. Names and values that a migration
renamed get a hint instead of a bare "unknown".
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from socmodel_cli.problems import Problem, warning
from socmodel_cli.scheme.model import Migration, Scheme


def _changes(m: Migration) -> list[str]:
    out = [f"renames {r.old} -> {r.to}" for r in m.rename]
    for rec in m.recode:
        pairs = ", ".join(f"{old} -> {new}" for old, new in list(rec.map.items())[:6])
        more = ", ..." if len(rec.map) > 6 else ""
        out.append(f"recodes {rec.code} ({pairs}{more})")
    return out


def _from_version(m: Migration) -> str:
    parts = m.from_version.split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))


def migrate_command(scheme_file: str | None, file: str, m: Migration) -> str:
    scheme = shlex.quote(scheme_file) if scheme_file else "SCHEME"
    return (
        f"socmodel migrate {scheme} {shlex.quote(file)} --from {_from_version(m)} --out migrated/"
    )


def unversioned_export(scheme: Scheme, file: str, scheme_file: str | None) -> Iterator[Problem]:
    """A warning for a file without ``scheme_version`` when migrations change its meaning."""
    meaningful = [m for m in scheme.migrations if m.rename or m.recode]
    if not meaningful:
        return
    described = "; ".join(f"from {m.from_version}: {', '.join(_changes(m))}" for m in meaningful)
    yield warning(
        "unversioned-export",
        f"the file does not say which version of {scheme.id} it was coded with (no "
        f"scheme_version column), and {scheme.version} declares migrations that change what "
        f"values mean ({described}). If it was coded with an older version, bring it forward: "
        f"`{migrate_command(scheme_file, file, meaningful[0])}`; if it was coded with "
        f"{scheme.version}, add a scheme_version column saying so",
        file=file,
        line=1,
    )


def renamed_hint(scheme: Scheme, name: str) -> str:
    """`` (renamed to 'x' in 2.0.0 ...)`` for a column a migration renamed or dropped, else ''."""
    for m in scheme.migrations:
        for r in m.rename:
            if r.old.lower() == name.lower():
                return (
                    f"; it was renamed to {r.to!r} in {scheme.version} (migration from "
                    f"{m.from_version}): migrate the file with `socmodel migrate`, or did you "
                    f"mean {r.to!r}?"
                )
        if any(d.lower() == name.lower() for d in m.drop):
            return (
                f"; it was dropped in {scheme.version} (migration from {m.from_version}): "
                "migrate the file with `socmodel migrate`"
            )
    return ""


def recoded_hints(scheme: Scheme) -> dict[str, dict[str, str]]:
    """Per code, old values a migration recoded -> a hint naming the migration."""
    out: dict[str, dict[str, str]] = {}
    for m in scheme.migrations:
        for rec in m.recode:
            hints = out.setdefault(rec.code, {})
            for old, new in rec.map.items():
                hints.setdefault(
                    old,
                    f" (the migration from {m.from_version} recodes {old} to {new}: if the file "
                    "was coded with the older version, migrate it with `socmodel migrate`)",
                )
    return out
