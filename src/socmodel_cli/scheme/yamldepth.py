"""A cheap look at how deeply a YAML text nests, before any YAML parser sees it.

ruamel's scanner does work proportional to the nesting depth for every token, so 10 KB of
``[`` cost it 20 s before the node builder could say "too deep". This pre-scan walks the text
once, line by line, and estimates the depth as the block indentation levels (and ``- ``
entries) open on the line plus the flow brackets (``[``, ``{``) open at that point. It skips
quoted scalars, comments and block scalars (``|``, ``>``), and only counts a bracket that
starts a node, so brackets in prose (``see [1]``, ``[0, 5)``) are not mistaken for nesting.

It is an estimate used only to refuse absurd input early: the limit it is checked against
(:data:`PRESCAN_DEPTH`) is twice the builder's exact limit, so a scheme the builder accepts
is never refused here, and anything it lets through is bounded to cheap parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESCAN_DEPTH = 128
_INTERESTING = re.compile(r"""[\[\]{}"'#,:|>!&*-]""")
_MARKERS = re.compile(r"(?:[-?:](?: +|$))+")  # "- - key" opens two entries before the key
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]{0,2}\s*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class TooDeep:
    line: int  # 1-based
    column: int  # 1-based
    depth: int


def too_deep(text: str, limit: int = PRESCAN_DEPTH) -> TooDeep | None:
    """Where the estimated nesting first exceeds ``limit``, or ``None``."""
    scan = _Scan(limit)
    for number, line in enumerate(text.splitlines(), start=1):
        found = scan.line(line, number)
        if found is not None:
            return found
    return None


class _Scan:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.indents: list[int] = []  # block indentation levels open
        self.flow = 0  # brackets open
        self.quote = ""  # inside a quoted scalar that runs on over lines
        self.block_scalar: int | None = None  # indentation of a | or > scalar's parent line

    def line(self, line: str, number: int) -> TooDeep | None:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if self.block_scalar is not None:
            if not stripped or indent > self.block_scalar:
                return None
            self.block_scalar = None
        pos = 0
        if self.quote:
            pos = self._close_quote(line, 0)
            if pos < 0:
                return None
        elif self.flow == 0:
            if not stripped or stripped.startswith("#"):
                return None
            while self.indents and self.indents[-1] >= indent:
                self.indents.pop()
            self.indents.append(indent)
            markers = _MARKERS.match(stripped)
            entries = markers.group().count("-") if markers else 0
            depth = len(self.indents) + entries
            if depth > self.limit:
                return TooDeep(number, indent + 1, depth)
            pos = indent + (markers.end() if markers else 0)
        return self._tokens(line, pos, number, indent)

    def _tokens(self, line: str, pos: int, number: int, indent: int) -> TooDeep | None:
        node_start = True  # at a place where a new node may begin
        for m in _INTERESTING.finditer(line, pos):
            i = m.start()
            if line[pos:i].strip():
                node_start = False
            pos = m.end()
            ch = m.group()
            if ch == "#":
                if i == 0 or line[i - 1] in " \t":
                    return None
                node_start = False
            elif ch in "\"'":
                if not node_start:
                    continue
                self.quote = ch
                end = self._close_quote(line, i + 1)
                if end < 0:
                    return None
                pos = end
                node_start = False
            elif ch in "[{":
                if self.flow == 0 and not node_start:
                    continue  # a bracket inside plain text: see [1]
                self.flow += 1
                depth = len(self.indents) + self.flow
                if depth > self.limit:
                    return TooDeep(number, i + 1, depth)
                node_start = True
            elif ch in "]}":
                if self.flow:
                    self.flow -= 1
                node_start = False
            elif ch == ",":
                node_start = self.flow > 0
            elif ch in ":-":
                follows = line[i + 1 : i + 2]
                node_start = follows in {"", " ", "\t"} or (self.flow > 0 and ch == ":")
            elif ch in "!&*":
                pass  # a tag, anchor or alias: what follows it may still start a node
            elif ch in "|>" and node_start and self.flow == 0:
                if _BLOCK_HEADER.match(line, i):
                    self.block_scalar = indent
                    return None
                node_start = False
            else:
                node_start = False
        return None

    def _close_quote(self, line: str, pos: int) -> int:
        """Index just after the closing quote, or -1 when the scalar runs on."""
        quote = self.quote
        while True:
            i = line.find(quote, pos)
            if i < 0:
                return -1
            if quote == '"':
                j = i
                while j > pos and line[j - 1] == "\\":
                    j -= 1
                if (i - j) % 2:  # an escaped quote
                    pos = i + 1
                    continue
            elif line.startswith("''", i):
                pos = i + 2
                continue
            self.quote = ""
            return i + 1
