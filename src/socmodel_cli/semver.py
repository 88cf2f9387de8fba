"""Semantic versions: parsing and the size of a bump."""

from __future__ import annotations

import re
from enum import IntEnum

from socmodel_cli.scheme.model import SEMVER

_SEMVER = re.compile(SEMVER)


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``"1.2.3-rc.1"`` -> ``(1, 2, 3)``; ``None`` if it is not a semantic version."""
    m = _SEMVER.match(text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


class Bump(IntEnum):
    """How large a step between two versions is; ordered, so ``max`` gives the required one."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def word(self) -> str:
        return self.name.lower()


def declared_bump(old: str, new: str) -> Bump | None:
    """The step from ``old`` to ``new``; ``None`` when ``new`` is lower (a step back).

    Pre-release and build suffixes are ignored: ``2.0.0-rc.1`` declares a MAJOR step from 1.x.
    """
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None:
        raise ValueError(f"not a semantic version: {old if a is None else new!r}")
    if b < a:
        return None
    if b[0] > a[0]:
        return Bump.MAJOR
    if b[1] > a[1]:
        return Bump.MINOR
    if b[2] > a[2]:
        return Bump.PATCH
    return Bump.NONE


def bumped(version: str, bump: Bump) -> str:
    """The smallest version after ``version`` that makes a ``bump`` step (``NONE``: itself)."""
    parsed = parse_version(version)
    if parsed is None:
        raise ValueError(f"not a semantic version: {version!r}")
    major, minor, patch = parsed
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version.strip()
