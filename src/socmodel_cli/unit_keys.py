"""Unit keys: how key cells from different files are made to match, and keys that almost match.

Surrounding spaces and the Unicode normal form (NFC, so macOS's decomposed accents match) are
always normalised. Anything else (case, leading zeros, ``3.0`` for ``3``) is merged only when
the scheme declares it in ``unit.normalize``; otherwise keys that would match under such a
rule are reported (:func:`near_matches`), because units whose keys differ never pair and a
code's reliability would silently rest on the few that do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

RULES: tuple[str, ...] = ("case", "leading-zeros", "number")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_WHOLE_NUMBER = re.compile(r"^([+-]?\d+)\.0+$")
_WHAT = {
    "case": "letter case",
    "leading-zeros": "leading zeros",
    "number": "a trailing .0 (a number written as a decimal)",
}


def base_key(cell: str) -> str:
    """What every key gets: spaces trimmed, NFC."""
    text = cell.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _apply(rule: str, text: str) -> str:
    if rule == "case":
        return text.casefold()
    if rule == "leading-zeros":
        return _LEADING_ZEROS.sub("", text)
    return _WHOLE_NUMBER.sub(r"\1", text)


def normaliser(rules: Iterable[str]) -> Callable[[str], str]:
    """The key function for a scheme's declared ``unit.normalize`` rules."""
    chosen = [r for r in RULES if r in set(rules)]
    if not chosen:
        return base_key

    def norm(cell: str) -> str:
        text = base_key(cell)
        for rule in chosen:
            text = _apply(rule, text)
        return text

    return norm


@dataclass(frozen=True)
class NearMatch:
    """Units whose keys differ only by undeclared rules, rated by different coders."""

    rules: tuple[str, ...]  # the rules that would make them one unit
    variants: tuple[tuple[int, ...], ...]  # groups of unit ids that would merge

    @property
    def what(self) -> str:
        return " and ".join(_WHAT[r] for r in self.rules)


def near_matches(
    units: Sequence[tuple[str | None, ...]],
    coders_of: Callable[[Sequence[int]], dict[int, frozenset[int]]],
    declared: Iterable[str],
) -> list[NearMatch]:
    """Groups of units that would merge under a rule the scheme does not declare.

    Only groups whose units were rated by different sets of coders are reported: those are
    the ones that fail to pair (one coder wrote ``1``, another ``01``). Work is bounded by the
    distinct values of each key column; units are visited again only when some column has
    values that collide.
    """
    undeclared = [r for r in RULES if r not in set(declared)]
    if not undeclared or not units:
        return []
    colliding = _colliding_values(units, undeclared)
    if not any(colliding):
        return []
    candidates = [
        u
        for u, key in enumerate(units)
        if any(k is not None and k in colliding[j] for j, k in enumerate(key))
    ]
    groups: dict[tuple[str | None, ...], list[int]] = {}
    for unit_no in candidates:
        folded = tuple(None if k is None else _fold(k, undeclared) for k in units[unit_no])
        groups.setdefault(folded, []).append(unit_no)
    multi = [members for members in groups.values() if len(members) > 1]
    coders = coders_of([u for members in multi for u in members])
    by_rules: dict[tuple[str, ...], list[tuple[int, ...]]] = {}
    for members in multi:
        if len({coders.get(u, frozenset()) for u in members}) < 2:
            continue
        rules = _needed(units, members, undeclared)
        by_rules.setdefault(rules, []).append(tuple(members))
    return [NearMatch(rules, tuple(v)) for rules, v in sorted(by_rules.items())]


def _colliding_values(
    units: Sequence[tuple[str | None, ...]], rules: Sequence[str]
) -> list[set[str]]:
    """Per key column, the values that share their folded form with another value."""
    width = len(units[0])
    out: list[set[str]] = []
    for j in range(width):
        folded: dict[str, list[str]] = {}
        for value in {key[j] for key in units if key[j] is not None}:
            assert value is not None
            folded.setdefault(_fold(value, rules), []).append(value)
        out.append({v for group in folded.values() if len(group) > 1 for v in group})
    return out


def _fold(text: str, rules: Sequence[str]) -> str:
    for rule in rules:
        text = _apply(rule, text)
    return text


def _needed(
    units: Sequence[tuple[str | None, ...]], members: list[int], rules: Sequence[str]
) -> tuple[str, ...]:
    """The undeclared rules that actually make a difference within one group."""
    first = units[members[0]]
    needed = []
    for rule in rules:
        others = [r for r in rules if r != rule]
        fold_first = tuple(None if k is None else _fold(k, others) for k in first)
        if any(
            tuple(None if k is None else _fold(k, others) for k in units[m]) != fold_first
            for m in members[1:]
        ):
            needed.append(rule)
    return tuple(needed or rules)
