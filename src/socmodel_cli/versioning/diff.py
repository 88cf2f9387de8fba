"""Compare two versions of a scheme and classify every change as MAJOR, MINOR or PATCH.

The rules follow Frictionless Data's data-package versioning recipe, read for codebooks:
a change that can make an export valid under OLD invalid (or mean something else) under
NEW is MAJOR; one that only lets coders say more is MINOR; wording is PATCH. A renamed
code is recognised only through a migration that NEW declares from OLD's major version;
without one it is a removed code and an added one. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from socmodel_cli.scheme.model import Code, CodeValue, Migration, Scheme
from socmodel_cli.semver import Bump, bumped, declared_bump

MAJOR, MINOR, PATCH = Bump.MAJOR, Bump.MINOR, Bump.PATCH

# Code fields that are wording only; a change is PATCH. (label first: it is what people see.)
_TEXT_FIELDS = ("label", "definition", "when_to_use", "when_not_to_use", "example")


@dataclass(frozen=True)
class Change:
    """One difference between the two schemes, with its class and where it is."""

    kind: str  # stable slug, e.g. "code-removed", "range-narrowed", "label-changed"
    bump: Bump
    path: str  # where in the scheme, e.g. "codes.resistance.values"
    message: str
    code: str | None = None  # the code concerned (its NEW id for renamed codes)
    old: Any = None  # JSON-able before / after, where one applies
    new: Any = None


@dataclass(frozen=True)
class SchemeDiff:
    old_file: str
    new_file: str
    scheme_id: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    migration: Migration | None  # the migration used to recognise renames and recodes
    note: str | None = None  # e.g. "not in revision v1.0.0: nothing to compare"

    @property
    def required(self) -> Bump:
        return max((c.bump for c in self.changes), default=Bump.NONE)

    @property
    def declared(self) -> Bump | None:
        """The step NEW's version makes from OLD's; ``None`` when it goes down."""
        return declared_bump(self.old_version, self.new_version)

    @property
    def suggested_version(self) -> str:
        """The smallest version after OLD's that is correct for these changes."""
        return bumped(self.old_version, self.required)

    @property
    def ok(self) -> bool:
        declared = self.declared
        return declared is not None and declared >= self.required

    def count(self, bump: Bump) -> int:
        return sum(1 for c in self.changes if c.bump is bump)


def diff_schemes(
    old: Scheme, new: Scheme, old_file: str = "OLD", new_file: str = "NEW"
) -> SchemeDiff:
    migration = _migration_from(new, old)
    changes = [*_scheme_level(old, new), *_codes(old, new, migration)]
    if old.migrations != new.migrations:
        changes.append(
            Change(
                "migrations-changed",
                PATCH,
                "migrations",
                "migrations changed (how exports of earlier major versions are brought forward)",
            )
        )
    return SchemeDiff(
        old_file,
        new_file,
        new.id,
        old.version,
        new.version,
        tuple(changes),
        migration,
    )


def unchanged(scheme: Scheme, file: str, note: str) -> SchemeDiff:
    """A diff with nothing to compare (e.g. the file is new since the revision)."""
    return SchemeDiff(file, file, scheme.id, scheme.version, scheme.version, (), None, note)


def _migration_from(new: Scheme, old: Scheme) -> Migration | None:
    if new.major <= old.major:
        return None
    for mig in new.migrations:
        if int(mig.from_version.split(".")[0]) == old.major:
            return mig
    return None


def _scheme_level(old: Scheme, new: Scheme) -> Iterator[Change]:
    if old.id != new.id:
        yield Change(
            "scheme-id-changed",
            MAJOR,
            "id",
            f"scheme id changed from {old.id} to {new.id}: exports naming the old id are refused",
            old=old.id,
            new=new.id,
        )
    old_keys = [k.strip().lower() for k in old.unit.keys]
    new_keys = [k.strip().lower() for k in new.unit.keys]
    if set(old_keys) != set(new_keys):
        yield Change(
            "unit-keys-changed",
            MAJOR,
            "unit.keys",
            f"unit key columns changed from {', '.join(old.unit.keys)} to {', '.join(new.unit.keys)}",
            old=list(old.unit.keys),
            new=list(new.unit.keys),
        )
    elif old_keys != new_keys:
        yield Change(
            "unit-keys-reordered",
            PATCH,
            "unit.keys",
            "unit key columns listed in another order (files are read by column name)",
            old=list(old.unit.keys),
            new=list(new.unit.keys),
        )
    removed = sorted(old.missing_set - new.missing_set)
    added = sorted(new.missing_set - old.missing_set)
    if removed:
        yield Change(
            "missing-removed",
            MAJOR,
            "missing",
            f"no longer read as 'not coded': {', '.join(repr(m) for m in removed)}",
            old=removed,
        )
    if added:
        yield Change(
            "missing-added",
            MINOR,
            "missing",
            f"now also read as 'not coded': {', '.join(repr(m) for m in added)}",
            new=added,
        )
    if old.reliability.min_alpha != new.reliability.min_alpha:
        yield Change(
            "threshold-changed",
            PATCH,
            "reliability.min_alpha",
            f"default alpha threshold changed from {old.reliability.min_alpha} to "
            f"{new.reliability.min_alpha} (exports are unaffected)",
            old=old.reliability.min_alpha,
            new=new.reliability.min_alpha,
        )
    for name, a, b in (
        ("title", old.title, new.title),
        ("description", old.description, new.description),
        ("references", old.references, new.references),
        ("unit.name", old.unit.name, new.unit.name),
        ("unit.description", old.unit.description, new.unit.description),
    ):
        if a != b:
            slug = name.replace(".", "-").replace("_", "-")
            yield Change(f"{slug}-changed", PATCH, name, f"{name} reworded", old=a, new=b)


def _codes(old: Scheme, new: Scheme, migration: Migration | None) -> Iterator[Change]:
    renames = _renames(old, new, migration)  # old id -> new id
    dropped = set(migration.drop) if migration else set()
    pairs: list[tuple[Code, Code]] = []
    for code in old.codes:
        target = renames.get(code.id, code.id)
        if target in new.code_map and (code.id in renames or code.id not in renames.values()):
            pairs.append((code, new.code_map[target]))
    matched_new = {b.id for _, b in pairs}
    matched_old = {a.id for a, _ in pairs}
    for code in old.codes:
        if code.id not in matched_old:
            why = (
                f" (dropped by the migration from {migration.from_version})"
                if code.id in dropped and migration
                else ""
            )
            yield Change(
                "code-removed",
                MAJOR,
                f"codes.{code.id}",
                f"code {code.id} removed{why}: exports that rate it no longer validate",
                code=code.id,
                old=code.id,
            )
    for a, b in pairs:
        if a.id != b.id:
            assert migration is not None
            yield Change(
                "code-renamed",
                MAJOR,
                f"codes.{b.id}.id",
                f"code {a.id} renamed to {b.id} (migration from {migration.from_version})",
                code=b.id,
                old=a.id,
                new=b.id,
            )
        yield from _code(old, new, a, b, migration)
    for code in new.codes:
        if code.id not in matched_new:
            yield Change(
                "code-added",
                MINOR,
                f"codes.{code.id}",
                f"code {code.id} added ({code.level})",
                code=code.id,
                new=code.id,
            )
    old_order = [renames.get(a.id, a.id) for a in old.codes if a.id in matched_old]
    new_order = [b.id for b in new.codes if b.id in matched_new]
    if old_order != new_order:
        yield Change(
            "codes-reordered",
            PATCH,
            "codes",
            "codes listed in another order (files are read by column name)",
            old=old_order,
            new=new_order,
        )


def _renames(old: Scheme, new: Scheme, migration: Migration | None) -> dict[str, str]:
    if migration is None:
        return {}
    return {
        r.old: r.to
        for r in migration.rename
        if r.old in old.code_map and r.to in new.code_map and r.old != r.to
    }


def _code(
    old_scheme: Scheme, new_scheme: Scheme, a: Code, b: Code, migration: Migration | None
) -> Iterator[Change]:
    here = f"codes.{b.id}"
    if a.level != b.level:
        yield Change(
            "level-changed",
            MAJOR,
            f"{here}.level",
            f"{b.id}: level changed from {a.level} to {b.level}",
            code=b.id,
            old=a.level,
            new=b.level,
        )
    old_keys = set(old_scheme.code_keys(a))
    new_keys = set(new_scheme.code_keys(b))
    if {k.lower() for k in old_keys} != {k.lower() for k in new_keys}:
        yield Change(
            "code-unit-keys-changed",
            MAJOR,
            f"{here}.unit_keys",
            f"{b.id}: rated per {', '.join(new_scheme.code_keys(b))} instead of per "
            f"{', '.join(old_scheme.code_keys(a))}",
            code=b.id,
            old=list(old_scheme.code_keys(a)),
            new=list(new_scheme.code_keys(b)),
        )
    recode = next((r.map for r in migration.recode if r.code == b.id), None) if migration else None
    yield from _values(a, b, recode)
    yield from _numeric(a, b)
    for name in _TEXT_FIELDS:
        before, after = getattr(a, name), getattr(b, name)
        if before != after:
            yield Change(
                f"{name.replace('_', '-')}-changed",
                PATCH,
                f"{here}.{name}",
                f"{b.id}: {name.replace('_', ' ')} reworded",
                code=b.id,
                old=before,
                new=after,
            )
    if a.provenance != b.provenance:
        yield Change(
            "provenance-changed",
            PATCH,
            f"{here}.provenance",
            f"{b.id}: provenance changed",
            code=b.id,
            old=None if a.provenance is None else a.provenance.model_dump(),
            new=None if b.provenance is None else b.provenance.model_dump(),
        )
    if a.min_alpha != b.min_alpha:
        yield Change(
            "threshold-changed",
            PATCH,
            f"{here}.min_alpha",
            f"{b.id}: alpha threshold changed from {a.min_alpha} to {b.min_alpha} "
            "(exports are unaffected)",
            code=b.id,
            old=a.min_alpha,
            new=b.min_alpha,
        )
    if a.qdc_guid != b.qdc_guid:
        yield Change(
            "qdc-guid-changed",
            PATCH,
            f"{here}.qdc_guid",
            f"{b.id}: REFI-QDA guid changed",
            code=b.id,
            old=a.qdc_guid,
            new=b.qdc_guid,
        )


def value_key(value: int | float | str) -> tuple[str, float | str]:
    """2 and 2.0 are one value; text compares exactly."""
    return ("text", value) if isinstance(value, str) else ("num", float(value))


def recode_target(
    value: int | float | str, recode: dict[str, int | float | str]
) -> int | float | str | None:
    """The new value a migration maps ``value`` to, or ``None`` if it does not map it."""
    for key, target in recode.items():
        if key.strip() == str(value):
            return target
        if not isinstance(value, str):
            try:
                if float(key) == float(value):
                    return target
            except ValueError:
                continue
    return None


def _values(a: Code, b: Code, recode: dict[str, int | float | str] | None) -> Iterator[Change]:
    here = f"codes.{b.id}.values"
    if a.values is None or b.values is None:
        if a.values is not None:
            yield Change(
                "values-unrestricted",
                MINOR,
                here,
                f"{b.id}: any number is accepted instead of the declared values",
                code=b.id,
                old=list(a.declared),
            )
        elif b.values is not None:
            yield Change(
                "values-restricted",
                MAJOR,
                here,
                f"{b.id}: only the declared values {_shown(b.declared)} are accepted now",
                code=b.id,
                new=list(b.declared),
            )
        return
    new_by_key = {value_key(v.value): (i, v) for i, v in enumerate(b.values)}
    targets: list[tuple[CodeValue, int, CodeValue]] = []  # old value, rank in new, new value
    recoded: list[tuple[int | float | str, int | float | str]] = []
    removed: list[int | float | str] = []
    for v in a.values:
        target = recode_target(v.value, recode) if recode else None
        hit = new_by_key.get(value_key(target if target is not None else v.value))
        if hit is None:
            removed.append(v.value)
            continue
        if target is not None and value_key(target) != value_key(v.value):
            recoded.append((v.value, hit[1].value))
        targets.append((v, hit[0], hit[1]))
    for value in removed:
        yield Change(
            "value-removed",
            MAJOR,
            here,
            f"{b.id}: value {value} removed: exports using it no longer validate",
            code=b.id,
            old=value,
        )
    if recoded:
        shown = ", ".join(f"{x} -> {y}" for x, y in recoded)
        yield Change(
            "values-recoded",
            MAJOR,
            here,
            f"{b.id}: values recoded ({shown})",
            code=b.id,
            old=[x for x, _ in recoded],
            new=[y for _, y in recoded],
        )
    reached = {value_key(t.value) for _, _, t in targets}
    for v in b.values:
        if value_key(v.value) not in reached:
            yield Change(
                "value-added",
                MINOR,
                here,
                f"{b.id}: value {v.value} added",
                code=b.id,
                new=v.value,
            )
    ranks = [rank for _, rank, _ in targets]
    if a.level == b.level and ranks != sorted(ranks):
        ordinal = b.level == "ordinal"
        yield Change(
            "value-order-changed",
            MAJOR if ordinal else PATCH,
            here,
            f"{b.id}: values in another order"
            + (" (their ranks change)" if ordinal else " (nominal: order has no meaning)"),
            code=b.id,
            old=[v.value for v, _, _ in targets],
            new=[t.value for _, _, t in sorted(targets, key=lambda x: x[1])],
        )
    for v, _, t in targets:
        for field in ("label", "description"):
            before, after = getattr(v, field), getattr(t, field)
            if before != after:
                yield Change(
                    f"value-{field}-changed",
                    PATCH,
                    here,
                    f"{b.id}: {field} of value {t.value} reworded"
                    + ("" if value_key(v.value) == value_key(t.value) else f" (was {v.value})"),
                    code=b.id,
                    old=before,
                    new=after,
                )


def _numeric(a: Code, b: Code) -> Iterator[Change]:
    here = f"codes.{b.id}"
    if b.integer and not a.integer:
        yield Change(
            "integer-required",
            MAJOR,
            f"{here}.integer",
            f"{b.id}: only whole numbers are accepted now",
            code=b.id,
            old=False,
            new=True,
        )
    elif a.integer and not b.integer:
        yield Change(
            "integer-relaxed",
            MINOR,
            f"{here}.integer",
            f"{b.id}: decimals are accepted now",
            code=b.id,
            old=True,
            new=False,
        )
    bounds = (
        ("min", _bound(a, "min"), _bound(b, "min"), -1),
        ("max", _bound(a, "max"), _bound(b, "max"), 1),
    )
    for name, before, after, outward in bounds:
        if before == after:
            continue
        wider = (after - before) * outward > 0
        yield Change(
            "range-widened" if wider else "range-narrowed",
            MINOR if wider else MAJOR,
            f"{here}.range.{name}",
            f"{b.id}: range {name} {_fmt(before)} -> {_fmt(after)} "
            + ("(widened)" if wider else "(narrowed: some values valid before are not now)"),
            code=b.id,
            old=None if math.isinf(before) else before,
            new=None if math.isinf(after) else after,
        )


def _bound(code: Code, side: str) -> float:
    rng = code.range
    value = None if rng is None else getattr(rng, side)
    bound = (-math.inf if side == "min" else math.inf) if value is None else float(value)
    if side == "min" and code.level == "ratio":
        bound = max(bound, 0.0)  # a ratio code has a true zero: never below 0 anyway
    return bound


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "none"
    return str(int(x)) if x.is_integer() else repr(x)


def _shown(values: tuple[int | float | str, ...]) -> str:
    return ", ".join(str(v) for v in values)
