"""Rich consoles that respect NO_COLOR and pipes, and user text that prints literally."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from socmodel_cli.problems import printable


def _piped_width() -> int:
    """The width for output that is not a terminal: ``COLUMNS`` when set, else 100."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return 100
    return columns if 20 <= columns <= 1000 else 100


def make_console(
    *,
    stderr: bool = False,
    width: int | None = None,
    file: TextIO | None = None,
    terminal: bool | None = None,
) -> Console:
    """The one place consoles are made. ``file``: draw into it (a renderer capturing text);
    ``terminal``: whether that text is for a terminal (default: whether the stream is one)."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    tty = stream.isatty() if terminal is None else terminal
    if file is not None and tty and width is None:
        width = shutil.get_terminal_size().columns
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not tty,
        force_terminal=tty,
        width=width or (None if tty else _piped_width()),
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
