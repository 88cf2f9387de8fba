"""The one way JSON leaves socmodel: deterministic, no NaN, one document."""

from __future__ import annotations

import json
from typing import Any

JSON_VERSION = 1  # bumped only for incompatible changes; within a version changes are additive


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
