"""Rich consoles that respect NO_COLOR and pipes, and user text that prints literally."""

from __future__ import annotations

import os
import re
import sys

from rich.console import Console
from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        force_terminal=False if not tty else None,
        width=width or (None if tty else 100),
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def safe(text: object) -> str:
    """User data for a rich renderable: control characters shown as escapes, markup escaped."""
    s = str(text)
    s = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)
    return escape(s)
