"""Semantic versions: parsing and the size of a bump."""

from __future__ import annotations

import re

from socmodel_cli.scheme.model import SEMVER

_SEMVER = re.compile(SEMVER)


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``"1.2.3-rc.1"`` -> ``(1, 2, 3)``; ``None`` if it is not a semantic version."""
    m = _SEMVER.match(text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))
