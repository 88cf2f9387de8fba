"""Guesses about a file's shape that are only ever *reported*, never silently acted upon."""

from __future__ import annotations

from pathlib import Path

DELIMITERS = (",", ";", "\t", "|")


def looks_like_text(path: Path) -> bool:
    with path.open("rb") as fh:
        sample = fh.read(4096)
    return bool(sample) and b"\x00" not in sample and sum(b < 9 for b in sample) == 0


def detect_delimiter(header_line: str, suffix: str) -> str:
    """The delimiter used by the header: the candidate occurring most often outside quotes.

    Ties and headers without any candidate fall back on the file's extension.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line[:65536]:  # enough to tell; a longer header is not a guess to refine
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    default = "\t" if suffix == ".tsv" else ","
    best = max(DELIMITERS, key=lambda d: (counts[d], d == default))
    return best if counts[best] else default
