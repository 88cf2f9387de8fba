"""Guesses that are only ever *reported*, never silently acted upon."""

from __future__ import annotations

from pathlib import Path

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

DELIMITERS = (",", ";", "\t", "|")


def bom_encoding(head: bytes) -> str | None:
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return None


def likely_encoding(sample: bytes) -> str | None:
    """The encoding charset-normalizer finds most plausible for ``sample``, if any."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return None if best is None else str(best.encoding)


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
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    default = "\t" if suffix == ".tsv" else ","
    best = max(DELIMITERS, key=lambda d: (counts[d], d == default))
    return best if counts[best] else default
