"""Rich consoles that respect NO_COLOR and pipes, and user text that prints literally."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.markup import escape

from socmodel_cli.problems import printable


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
    return escape(printable(str(text)))


def safe_paragraphs(text: str) -> str:
    """Like :func:`safe` but keeps line breaks: for a scheme's own multi-line prose (definitions)."""
    return "\n".join(safe(line) for line in text.splitlines())
