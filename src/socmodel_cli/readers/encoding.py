"""The text encoding of one CSV/TSV file, decided for that file alone.

The rules (docs/file-formats.md, "Encodings"):

1. A byte-order mark decides: UTF-8, UTF-16 or UTF-32, whatever ``--encoding`` says.
2. NUL bytes in the first 64 KiB mean UTF-16/32 without a mark, or not text at all: read only
   when ``--encoding`` names UTF-16/32 (the byte order is taken from where the NULs sit),
   otherwise refused as ``binary-file`` with the advice to name it.
3. Otherwise the file is UTF-8 if it decodes as UTF-8: a legacy code page given with
   ``--encoding`` applies only to files that are *not* valid UTF-8 (it is a fallback, so a
   UTF-8 file beside a cp1252 one keeps its names intact). A file that is partly UTF-8 and
   partly not is refused (``mixed-encoding``): either reading would garble half of it.

Nothing here guesses silently: :func:`describe_guess` only *suggests* an encoding in the
message about bytes that did not decode, showing the offending line read that way.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
COMMON = (
    "utf-8, cp1252 (Windows, Western Europe), latin-1, cp1250 (Central Europe), mac-roman, utf-16"
)
# Text codecs that are not character sets of files: they would "decode" anything, or nothing.
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"}
)


def bom_encoding(head: bytes) -> str | None:
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return None


def check_encoding(name: str) -> str:
    """``name`` if it is a text encoding of files; ``ValueError`` saying what to use instead."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, UnicodeError):
        info = None
    if info is None:
        raise ValueError(f"unknown encoding {_short(name)!r}; common choices: {COMMON}")
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise ValueError(
            f"{_short(name)!r} is not a text encoding of files; common choices: {COMMON}"
        )
    return name


def family(name: str) -> str:
    """``utf-8``, ``utf-16``, ``utf-32`` or ``legacy`` (a code page)."""
    canonical = codecs.lookup(name).name
    for wide in ("utf-16", "utf-32"):
        if canonical.startswith(wide):
            return wide
    return "utf-8" if canonical in {"utf-8", "utf-8-sig"} else "legacy"


def wide_byte_order(head: bytes, wide: str) -> str:
    """``utf-16-le`` / ``utf-16-be`` (or utf-32) for a file without a mark: where ASCII's NULs sit."""
    width = 2 if wide == "utf-16" else 4
    sample = head[: len(head) - len(head) % width]
    first_zero = sum(1 for i in range(0, len(sample), width) if sample[i] == 0)
    last_zero = sum(1 for i in range(width - 1, len(sample), width) if sample[i] == 0)
    return f"{wide}-be" if first_zero > last_zero else f"{wide}-le"


def looks_wide(head: bytes) -> str | None:
    """``utf-16`` when NULs alternate with ASCII (text saved as UTF-16 without a mark)."""
    even = head[0::2]
    odd = head[1::2]
    if not even or not odd:
        return None
    share = max(even.count(0) / len(even), odd.count(0) / len(odd))
    return "utf-16" if share > 0.3 else None


@dataclass(frozen=True, slots=True)
class BadBytes:
    """Where a file first fails to decode."""

    line: int
    column: int | None
    offset: int  # of the first bad byte
    raw_line: bytes | None  # the line's bytes around it (ASCII-compatible encodings), <= 4 KiB
    at: int  # index of the bad byte in ``raw_line``
    earlier_non_ascii: int | None  # line of non-ASCII text that did decode, before ``line``


def find_undecodable(path: Path, encoding: str) -> BadBytes | None:
    """The first place ``path`` does not decode as ``encoding``; ``None`` if it all does.

    Streams the file in 1 MiB chunks, so a file of any size (with or without line breaks)
    is scanned in bounded memory.
    """
    if family(encoding) in {"utf-16", "utf-32"}:
        return _find_undecodable_wide(path, encoding)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = LineCounter()
    offset = 0
    non_ascii: int | None = None
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                bad = max(offset - pending + exc.start, 0)
                before = chunk[: max(bad - offset, 0)]
                if non_ascii is None and not before.isascii():
                    non_ascii = lines.line_at(before, _first_non_ascii(before))
                lines.advance(before, offset)
                raw, at, column = _line_around(fh, lines.line_start, bad, encoding)
                return BadBytes(lines.line, column, bad, raw, at, non_ascii)
            if not chunk:
                return None
            if non_ascii is None and not chunk.isascii():
                non_ascii = lines.line_at(chunk, _first_non_ascii(chunk))
            lines.advance(chunk, offset)
            offset += len(chunk)


def _find_undecodable_wide(path: Path, encoding: str) -> BadBytes | None:
    with path.open("rb") as fh:
        head = fh.read(4)
        mark = bom_encoding(head)
        wide = family(encoding)
        name = codecs.lookup(encoding).name
        if name in {"utf-16", "utf-32"}:  # byte order from the mark, else as the reader chose
            big = head.startswith((b"\xfe\xff", b"\x00\x00\xfe\xff"))
            name = f"{wide}-{'be' if big else 'le'}"
        fh.seek(0 if mark is None else (2 if wide == "utf-16" else 4))
        decoder = codecs.getincrementaldecoder(name)(errors="strict")
        line, column, offset = 1, 0, 0
        while True:
            chunk = fh.read(CHUNK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                text = (pending + chunk)[: exc.start].decode(name, errors="replace")
                line, column = _advance_text(text, line, column)
                return BadBytes(line, column + 1, offset + exc.start, None, 0, None)
            if not chunk:
                return None
            line, column = _advance_text(text, line, column)
            offset += len(chunk)


def _advance_text(text: str, line: int, column: int) -> tuple[int, int]:
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    last = max(text.rfind("\n"), text.rfind("\r"))
    return line + breaks, (len(text) - last - 1) if last >= 0 else column + len(text)


class LineCounter:
    """Line numbers over a byte stream where ``\\r\\n``, ``\\r`` and ``\\n`` each end a line."""

    def __init__(self) -> None:
        self.line = 1
        self.line_start = 0
        self._cr = False  # the previous chunk ended with \r

    def advance(self, data: bytes, base: int) -> None:
        if not data:
            return
        breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        if self._cr and data.startswith(b"\n"):
            breaks -= 1
        last = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if last >= 0:
            self.line_start = base + last + 1
        self.line += breaks
        self._cr = data.endswith(b"\r")

    def line_at(self, data: bytes, index: int) -> int:
        part = data[:index]
        extra = part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")
        if self._cr and part.startswith(b"\n"):
            extra -= 1
        return self.line + extra


def _first_non_ascii(data: bytes) -> int:
    m = re.search(rb"[\x80-\xff]", data)
    return m.start() if m else 0


def _line_around(
    fh: BinaryIO, start: int, bad: int, encoding: str
) -> tuple[bytes, int, int | None]:
    """The line's bytes around the bad byte (at most 4 KiB), its index there, and its column."""
    column = None
    if bad - start <= 4 * CHUNK:  # a column beyond 4 MiB into a line helps nobody
        fh.seek(start)
        column = len(fh.read(bad - start).decode(encoding, errors="replace")) + 1
    low = max(start, bad - 2048)
    fh.seek(low)
    data = fh.read(4096)
    ends = [i for i in (data.find(b"\n", bad - low), data.find(b"\r", bad - low)) if i >= 0]
    return data[: min(ends, default=len(data))], bad - low, column


# --- Suggesting an encoding -----------------------------------------------------------------

# In order of preference when equally plausible. Only the first three (the code pages of most
# European exports) are named as the rival of an unsure guess; the others must read better.
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("cp1252", "Windows Western European"),
    ("cp1250", "Windows Central European"),
    ("cp1251", "Windows Cyrillic"),
    ("cp1253", "Windows Greek"),
    ("cp1254", "Windows Turkish"),
    ("cp1257", "Windows Baltic"),
    ("mac-roman", "Mac Western European"),
    ("cp850", "DOS Western European"),
)
_RIVALS = 3
_WORD = re.compile(r"[^\s!-@\[-`{-~]+")  # runs of letters and non-ASCII: ASCII punctuation splits
_TYPOGRAPHY = frozenset("’‘“”„«»‚‹›–—·ºª…")  # may touch a word: «mot», Nº, “Zoë”
_IN_WORD = frozenset("’‘·")  # may sit inside one: l’été, col·lega


@dataclass(frozen=True, slots=True)
class Guess:
    encoding: str
    label: str
    reads: str  # the offending line decoded with it
    sure: bool
    other: tuple[str, str] | None  # (encoding, how the line reads) when the guess is unsure


def describe_guess(raw_line: bytes, at: int, sample: list[bytes], tried: str) -> Guess | None:
    """The most plausible single-byte encoding of ``sample`` (lines that did not decode as ``tried``).

    Plausible text is words: each non-ASCII letter sits in a word of one script, a capital
    does not follow a small letter (``MŸller``), a Latin word is not a run of accents
    (``Èâàíîâ`` is Cyrillic read as cp1252), and symbols do not sit inside words
    (``Wa³êsa`` is cp1250 read as cp1252). Western European (cp1252) wins ties: ``Muñoz`` and
    ``Muńoz`` are both words, so the message then shows both readings.
    """
    tried_name = codecs.lookup(tried).name
    scored: list[tuple[int, int, str, str, str]] = []
    for rank, (name, label) in enumerate(CANDIDATES):
        if codecs.lookup(name).name == tried_name:
            continue
        score = _plausibility(sample, name)
        if score is not None:
            reads = around(raw_line, at, name)
            scored.append((-score, rank, name, label, reads))
    scored.sort()
    if not scored or -scored[0][0] <= 0:
        return _fallback_guess(raw_line, at, sample, tried_name)
    best, rank, name, label, reads = scored[0]
    rival = next((s for s in scored[1:] if s[4] != reads and s[1] < _RIVALS), None)
    close = rival is not None and rival[0] <= best and -rival[0] > 0
    other = (rival[2], rival[4]) if close and rival is not None else None
    return Guess(name, label, reads, sure=other is None, other=other)


def _plausibility(sample: list[bytes], encoding: str) -> int | None:
    score = 0
    for raw in sample:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            return None
        for word in _WORD.findall(text):
            if not word.isascii():
                score += 1 if _coherent(word) else -3
    return score


def _coherent(word: str) -> bool:
    scripts = set()
    run = 0
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if unicodedata.category(ch) in {"Cc", "Co", "Cn"}:
            return False
        if ch.isascii():
            run = 0
            scripts.add("LATIN")
            continue
        if not ch.isalpha():
            run = 0
            inside = prev.isalpha() and nxt.isalpha()
            misplaced = ch not in _TYPOGRAPHY or (inside and ch not in _IN_WORD)
            if misplaced and (prev.isalpha() or nxt.isalpha()):
                return False
            continue
        scripts.add(_script(ch))
        run += 1
        if run >= 3 and _script(ch) == "LATIN":
            return False
        if ch.isupper() and i and (prev.islower() or nxt.islower()):
            return False  # MŸller: a capital inside a word
    return len(scripts) <= 1


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _fallback_guess(raw_line: bytes, at: int, sample: list[bytes], tried: str) -> Guess | None:
    """No single-byte code page reads as words: ask charset-normalizer, but say it is unsure."""
    from charset_normalizer import from_bytes

    best = from_bytes(b"\n".join(sample)).best()
    if best is None or codecs.lookup(best.encoding).name == tried:
        return None
    try:
        reads = around(raw_line, at, str(best.encoding), errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None
    if (_plausibility(sample, str(best.encoding)) or 0) <= 0:
        return None  # it does not read as words either
    return Guess(str(best.encoding), "", reads, sure=False, other=None)


def around(raw: bytes, at: int, encoding: str, errors: str = "replace") -> str:
    """``raw`` decoded, cut to about 100 characters around byte ``at``."""
    left = raw[:at].decode(encoding, errors)
    right = raw[at:].decode(encoding, errors)
    left = left if len(left) <= 45 else "…" + left[-44:]
    right = right if len(right) <= 55 else right[:54] + "…"
    return (left + right).strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
