"""Rules that relate several fields of a structurally valid scheme.

Each returns problems with a path into the document (``codes[2].values[1].value``)
so the loader can point at the line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from socmodel_cli.scheme.model import Scheme

Finding = tuple[tuple[str | int, ...], str, str]  # (path, kind, message)

RESERVED_COLUMNS = frozenset({"coder", "code", "value", "scheme_id", "scheme_version"})


def check(scheme: Scheme) -> Iterator[Finding]:
    yield from _unit(scheme)
    seen: dict[str, int] = {}
    for i, code in enumerate(scheme.codes):
        here: tuple[str | int, ...] = ("codes", i)
        if code.id in seen:
            yield (
                (*here, "id"),
                "duplicate-code",
                f"code id {code.id!r} is already used by codes[{seen[code.id]}]; ids must be unique",
            )
        seen.setdefault(code.id, i)
        if code.id in RESERVED_COLUMNS or code.id in {k.lower() for k in scheme.unit.keys}:
            yield (
                (*here, "id"),
                "reserved-id",
                f"code id {code.id!r} is a reserved or unit-key column name",
            )
        yield from _values(scheme, i)
        yield from _numeric(scheme, i)
        yield from _decider(scheme, i)
        yield from _weights(scheme, i)
        if code.unit_keys is not None:
            unknown = [k for k in code.unit_keys if k not in scheme.unit.keys]
            if unknown or not code.unit_keys:
                yield (
                    (*here, "unit_keys"),
                    "bad-unit-keys",
                    f"unit_keys must be a non-empty subset of unit.keys {scheme.unit.keys}; got {code.unit_keys}",
                )
    yield from _migrations(scheme)


def _unit(scheme: Scheme) -> Iterator[Finding]:
    lowered = [k.strip().lower() for k in scheme.unit.keys]
    for j, key in enumerate(lowered):
        if key in lowered[:j]:
            yield (("unit", "keys", j), "duplicate-key-column", f"unit key {key!r} is listed twice")
        if key in RESERVED_COLUMNS:
            yield (("unit", "keys", j), "reserved-id", f"{key!r} is a reserved column name")


def _values(scheme: Scheme, i: int) -> Iterator[Finding]:
    code = scheme.codes[i]
    here: tuple[str | int, ...] = ("codes", i)
    if code.categorical and not code.values:
        yield (
            (*here, "level"),
            "missing-values",
            f"a {code.level} code needs `values` (the categories coders may use, in rank order for ordinal)",
        )
        return
    seen: dict[object, int] = {}
    for j, v in enumerate(code.values or ()):
        # 2 and 2.0 are one value; text compares exactly.
        key: object = ("num", float(v.value)) if not isinstance(v.value, str) else ("text", v.value)
        if key in seen:
            yield (
                (*here, "values", j, "value"),
                "duplicate-value",
                f"value {v.value!r} is already declared at values[{seen[key]}]",
            )
        seen.setdefault(key, j)
        clash = _missing_index(scheme, v.value)
        if clash is not None:
            yield (
                (*here, "values", j, "value"),
                "value-is-missing-token",
                f"value {v.value!r} is also listed in `missing` (missing[{clash}]: "
                f"{scheme.missing[clash]!r}), so every {v.value!r} in the data would be read as "
                "'not coded'; remove it from one of the two lists",
            )
    if not code.categorical and code.values and any(isinstance(v.value, str) for v in code.values):
        yield (
            (*here, "values"),
            "text-value-in-numeric-code",
            f"a {code.level} code takes numbers; use level nominal or ordinal for text categories",
        )


def _missing_index(scheme: Scheme, value: int | float | str) -> int | None:
    """Where ``value`` is also a missing token, compared as values (99, "99", 99.0, -9)."""
    from socmodel_cli.values import parse_number

    number = value if not isinstance(value, str) else parse_number(value)
    for i, (text, parsed) in enumerate(_missing_tokens(tuple(scheme.missing))):
        if isinstance(value, str) and text == value:
            return i
        if (
            isinstance(number, int | float)
            and isinstance(parsed, float)
            and parsed == float(number)
        ):
            return i
    return None


@functools.lru_cache(maxsize=8)
def _missing_tokens(missing: tuple[str, ...]) -> tuple[tuple[str, object], ...]:
    """Each missing token stripped and read as a number: once per scheme, not per value."""
    from socmodel_cli.values import parse_number

    return tuple((token.strip(), parse_number(token.strip())) for token in missing)


def _numeric(scheme: Scheme, i: int) -> Iterator[Finding]:
    code = scheme.codes[i]
    here: tuple[str | int, ...] = ("codes", i)
    rng = code.range
    if (rng is not None or code.integer) and not code.numeric:
        yield (
            (*here, "range" if rng is not None else "integer"),
            "range-on-text-code",
            "`range` and `integer` apply to numeric codes only",
        )
    if rng is not None and rng.min is not None and rng.max is not None and rng.min > rng.max:
        yield (
            (*here, "range", "min"),
            "min-above-max",
            f"range min {rng.min} is above max {rng.max}",
        )
    if code.level == "ratio":
        if rng is not None and rng.min is not None and rng.min < 0:
            yield (
                (*here, "range", "min"),
                "negative-ratio",
                "a ratio code has a true zero; its values cannot be negative (use interval)",
            )
        for j, v in enumerate(code.values or ()):
            if not isinstance(v.value, str) and v.value < 0:
                yield (
                    (*here, "values", j, "value"),
                    "negative-ratio",
                    "a ratio code has a true zero; its values cannot be negative (use interval)",
                )
    for j, v in enumerate(code.values or ()):
        if isinstance(v.value, str):
            continue
        if code.integer and float(v.value) != int(v.value):
            yield (
                (*here, "values", j, "value"),
                "not-integer",
                f"value {v.value} is not a whole number",
            )
        if rng is not None and (
            (rng.min is not None and v.value < rng.min)
            or (rng.max is not None and v.value > rng.max)
        ):
            yield (
                (*here, "values", j, "value"),
                "value-out-of-range",
                f"value {v.value} is outside the range",
            )


# The default decider, Krippendorff's alpha, is registered for every level and every code
# (tests/test_registry.py pins it), so a scheme deciding by it needs no look at the registry.
ALWAYS_APPLIES = "alpha"


def _decider(scheme: Scheme, i: int) -> Iterator[Finding]:
    """``decide_by`` names a registered coefficient that applies to the code's level."""
    code = scheme.codes[i]
    key = scheme.decider(code)
    if key == ALWAYS_APPLIES:
        return  # so that `validate` and `scheme check` need not import every statistic
    from socmodel_cli.coefficients import BY_KEY, level_applies

    path: tuple[str | int, ...] = (
        ("codes", i, "decide_by") if code.decide_by else ("reliability", "decide_by")
    )
    if key not in BY_KEY:
        yield (
            path,
            "unknown-coefficient",
            f"{key!r} is not a coefficient socmodel computes; expected one of: {', '.join(BY_KEY)}",
        )
    elif not level_applies(BY_KEY[key], code):
        yield (
            path,
            "coefficient-does-not-apply",
            f"{key} is not computed for {code.id} (a {code.level} code); "
            f"{BY_KEY[key].name} applies to: {BY_KEY[key].where()}",
        )


def _weights(scheme: Scheme, i: int) -> Iterator[Finding]:
    """A custom weight matrix: k x k over the declared values, symmetric, unit diagonal."""
    code = scheme.codes[i]
    if not isinstance(code.weights, list):
        return
    from socmodel_cli.stats.weights import custom_weights

    k = len(code.values or ())
    try:
        custom_weights(code.weights, k)
    except ValueError as exc:
        yield (("codes", i, "weights"), "bad-weights", f"{exc} (the code declares {k} values)")


def _migrations(scheme: Scheme) -> Iterator[Finding]:
    for i, mig in enumerate(scheme.migrations):
        here: tuple[str | int, ...] = ("migrations", i)
        if int(mig.from_version.split(".")[0]) >= scheme.major:
            yield (
                (*here, "from_version"),
                "bad-migration",
                f"a migration must start from an earlier major version than {scheme.major}",
            )
        for j, rec in enumerate(mig.recode):
            if rec.code not in scheme.code_map:
                yield (
                    (*here, "recode", j, "code"),
                    "bad-migration",
                    f"recode names unknown code {rec.code!r}",
                )
