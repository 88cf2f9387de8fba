"""libyaml's parser and ruamel's pure one give the same located values, or the same error.

``read_yaml_text`` composes with libyaml's parser (ruamel.yaml.clib) where it can, for
speed, and falls back to ruamel's pure-Python parser on any failure; the pure parser is
the reference. The differential test here builds YAML-ish texts from fragments, the tricky
ones included (YAML 1.1 scalars, escapes, line breaks, anchors, block scalars, broken
indentation, control characters), and compares the two routes.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.composer import MaxDepthExceededError
from tests.conftest import MINI_SCHEME, SCHEME

from socmodel_cli.scheme import load_scheme, load_scheme_text
from socmodel_cli.scheme import yamlsource as ys

# --- Fragments ------------------------------------------------------------------------------
# Two texts in three are "tame": nothing in them sends them to the pure parser up front, so
# the libyaml route is really compared. A "wild" one adds one kind of what does (tabs, NEL /
# LS / PS, a BOM, directives, tags, odd anchor names) or of what libyaml refuses: one kind
# only, so that a rule of yamlsource._PURE_ONLY left out shows.

WILD_KINDS = ["tab", "break", "bom", "directive", "tag", "anchor", "escape", "key", "block"]
Wild = dict[str, list[str]]

PLAIN = [
    # YAML 1.1 against 1.2: booleans, octals, sexagesimals, underscores
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "False", "TRUE",
    "017", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30", "-1:20", "+12", "12.",
    "1e3", "1.5e-3", ".inf", "-.Inf", ".NaN", "0.", ".5", "1.2.3", "1,000", "0", "-0",
    "~", "null", "Null", "NULL", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "1.0.0",
    "123456789012345678901234567890",
    # text that looks like structure
    "a b", "a#b", "a: b", "a:b", "http://x.org/a?b=c", "-a", "?a", ":a", "a -", "%a", "@a",
    "`a", "a,b", "a]b", "a}b", "a'b", 'a"b', "<<", "=", "&", "*", "a *b*", "Q&A", "a b  c",
    # characters beyond ASCII
    "é", "Zoë", "日本語", "😀", "a\u00a0b", "\u200b", "\U0001d11e", "a\u3000b", "\ufffd",
]  # fmt: skip
PLAIN_WILD: Wild = {
    "tab": ["a\tb"],
    "break": ["a\u0085b", "a\u2028b", "a\u2029b"],
    "bom": ["a\ufeffb"],
    "tag": ["!", "a !b"],
}

ESCAPES = [
    "\\x41", "\\u00e9", "\\U0001F600", "\\N", "\\_", "\\L", "\\P", "\\e", "\\a", "\\0", "\\t",
    "\\ ", '\\"', "\\\\", "\\n", "\\\n", "\\x7f", "\\u2028", "\\r", "\\v", "\\b", "\\f",
]  # fmt: skip
ESCAPES_WILD: Wild = {
    "escape": ["\\ud800", "\\ud83d\\ude00", "\\uD800\\uDC00", "\\q", "\\x4", "\\x"],
    "tab": ["\\\t", "\t"],
}

KEYS = ["id", "a", "b", "codes", "values", "x y", "é", "1", "true", "null", "~", "<<", "0o17"]
KEYS_WILD: Wild = {"key": ["?", "-", "a b:", "[a]", "a:b", "&"]}

ANCHORS = ["a", "b", "a1-_", "A"]
ANCHORS_WILD: Wild = {"anchor": ["é", "a.b"]}
ALIASES_WILD: Wild = {"anchor": ["é", "a.b", "a:", "a?", "a@", "a%", "a`"]}
TAGS = [
    "!!str", "!!int", "!!map", "!!seq", "!!float", "!!binary", "!foo", "!", "!!map!",
    "!<tag:yaml.org,2002:str>", "!e!x", "!!python/tuple", "!!str%21",
]  # fmt: skip

BREAKS = ["\n"] * 8 + ["\r\n"] * 3 + ["\r"]
BREAKS_WILD: Wild = {"break": ["\u0085", "\u2028", "\u2029"]}

# inserted at random places: indentation errors, control characters, indicators
NOISE = [
    " ", "  ", "\n", "\r", "\x07", "\x1b", "\x7f", "\x00", "\ud800", ":", ": ",
    "- ", "#", " #", '"', "'", "[", "]", "{", "}", ",", "&a ", "*a", "|", ">", "@", "`",
    "? ", "---", "...", "\\", "😀", "é", "\x9f", "\ufffe",
]  # fmt: skip
NOISE_WILD: Wild = {
    "tab": ["\t"],
    "break": ["\x85", "\u2028"],
    "bom": ["\ufeff"],
    "directive": ["\n%YAML 1.1\n", "%"],
    "tag": ["!", "!!str "],
    "anchor": ["*a:", "&a?"],
}

DIRECTIVES = ["%YAML 1.1", "%YAML 1.2", "%YAML 1.3", "%TAG !e! tag:example.com,2000:", "%FOO"]


class _Texts:
    """Draws the parts of one text; a wild text also draws its kind's fragments."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.wild = None if draw(st.integers(0, 2)) else draw(st.sampled_from(WILD_KINDS))
        self.anchors: list[str] = []  # defined so far: aliases mostly point back to them

    def pick(self, tame: list[str], wild: Wild | None = None) -> str:
        extra = (wild or {}).get(self.wild or "", [])
        return self.draw(st.sampled_from([*tame, *extra]))

    def chance(self, one_in: int) -> bool:
        return self.draw(st.integers(0, one_in - 1)) == 0

    def double_quoted(self) -> str:
        parts = [
            self.pick([*ESCAPES, "a", " ", "é", "😀", "\n  ", "\n\n  "], ESCAPES_WILD)
            for _ in range(self.draw(st.integers(0, 4)))
        ]
        return '"' + "".join(parts) + '"'

    def single_quoted(self) -> str:
        parts = [
            self.pick(["a", "''", " ", '"', "\\", "\n  ", "\n\n  ", "#", "é"])
            for _ in range(self.draw(st.integers(0, 4)))
        ]
        return "'" + "".join(parts) + "'"

    def scalar(self) -> str:
        kind = self.draw(st.integers(0, 7))
        if kind == 0:
            return self.double_quoted()
        if kind == 1:
            return self.single_quoted()
        text = self.pick(PLAIN, PLAIN_WILD)
        if kind == 2:  # a plain scalar over more lines
            text += self.pick(["\n  more", "\n\n  more", "\n more #c", "\n   more  "])
        return text

    def anchor(self) -> str:
        name = self.pick(ANCHORS, ANCHORS_WILD)
        self.anchors.append(name)
        return f"&{name} "

    def alias(self) -> str:
        if self.anchors and not self.chance(8):
            return "*" + self.pick(self.anchors)
        return "*" + self.pick(["zz", *ANCHORS], ALIASES_WILD)

    def properties(self) -> str:
        """An anchor before a node now and then (a tag, or both, in wild texts)."""
        kind = self.draw(st.integers(0, 9))
        if kind == 0:
            return self.anchor()
        if self.wild == "tag" and kind == 1:
            return self.pick(TAGS) + " "
        if self.wild == "tag" and kind == 2:
            props = [self.anchor().strip(), self.pick(TAGS)]
            return " ".join(self.draw(st.permutations(props))) + self.pick([" ", "\n  "])
        return ""

    def flow(self, depth: int) -> str:
        if depth > 2 or self.chance(4):
            if self.chance(6):
                return self.alias()
            return self.pick(
                ["a", "1", "yes", "'q'", '"d\\x41"', "~", "é", "a b", "0o7", "1:20", "[]", "{}", ""]
            )
        items = []
        for _ in range(self.draw(st.integers(0, 3))):
            item = self.properties() + self.flow(depth + 1)
            if self.chance(4):  # a pair (a single-pair mapping in a sequence)
                item = f"{item}:{self.pick([' ', ' ', ' ', '  ', ''])}{self.flow(depth + 1)}"
            elif self.chance(8):
                item = f"? {item}"
            items.append(item)
        sep = self.pick([", ", ", ", ",", " , ", ",\n  ", ", # c\n  "])
        trailing = self.pick(["", "", ","])
        if self.draw(st.booleans()):
            return "[" + sep.join(items) + trailing + "]"
        return "{" + sep.join(items) + trailing + "}"

    def block_scalar(self, indent: int) -> str:
        header = self.pick(["|", ">", "|-", "|+", ">-", ">+", "|2", ">1", "|1-", "|+2", "| # c"])
        pad = " " * (indent + self.draw(st.integers(1, 3)))
        lines = [
            self.pick(
                ["text", "  more indented", "", "", " ", "# not a comment", "a: b"],
                {"tab": ["\ttab"]},
            )
            for _ in range(self.draw(st.integers(0, 4)))
        ]
        return header + "".join(f"\n{pad}{line}" if line else "\n" for line in lines)

    def node(self, indent: int, depth: int) -> str:
        """A value placed after ``key: `` or ``- ``: text that continues the current line."""
        kind = self.draw(st.integers(0, 10)) if depth < 4 else self.draw(st.integers(0, 4))
        props = self.properties()
        if kind <= 2:
            return props + self.scalar()
        if kind == 3:
            return props + self.flow(0)
        if kind == 4:
            return self.alias() if not self.chance(6) else self.pick(["", "~"])
        if kind == 5:
            return props + self.block_scalar(indent)
        inner = indent + self.draw(st.sampled_from([2, 2, 2, 4, 1, 3, 0]))
        return props.rstrip() + "\n" + self.block(inner, depth + 1, seq=kind in (6, 7))

    def block(self, indent: int, depth: int, *, seq: bool) -> str:
        pad = " " * indent
        lines = []
        for _ in range(self.draw(st.integers(1, 4))):
            if seq:
                lines.append(f"{pad}-{self.pick([' ', ' ', '  '])}{self.node(indent, depth)}")
                continue
            key_kind = self.draw(st.integers(0, 11))
            if key_kind == 0:  # a complex key
                key = self.node(indent + 2, depth + 1)
                lines.append(f"{pad}? {key}\n{pad}: {self.node(indent, depth)}")
                continue
            if key_kind == 1:
                key = self.double_quoted() if self.draw(st.booleans()) else self.flow(1)
            else:
                key = self.properties() + self.pick(KEYS, KEYS_WILD)
            gap = self.pick([" ", " ", " ", "  ", ""], {"tab": ["\t"]})
            comment = self.pick(["", "", "", " # note", " #", "  # é"])
            lines.append(f"{pad}{key}:{gap}{self.node(indent, depth)}{comment}")
        return "\n".join(lines)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    t = _Texts(draw)
    head = [t.pick(DIRECTIVES)] if t.wild == "directive" and not t.chance(3) else []
    start = t.pick(["", "", "", "---\n", "--- ", "--- # c\n", "# c\n\n"], {"bom": ["\ufeff"]})
    if head:
        start = t.pick(["---\n", "--- ", "# c\n---\n"])
    root = draw(st.integers(0, 9))
    if root == 0:
        body = t.node(0, 3)
    else:
        body = t.block(draw(st.sampled_from([0, 0, 0, 1, 2])), 0, seq=root <= 2)
    end = t.pick(["\n", "\n", "", "\n...\n", "\n# end", "\n\n\n", "\n# end\n", "\n---\nb: 2\n"])
    if t.chance(5):
        end += "\n# " + "x" * draw(st.integers(1, 3000))  # a very long line
    text = "\n".join([*head, start + body]) + end
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2] if t.wild else [0] * 5 + [1]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + t.pick(NOISE, NOISE_WILD) + text[at:]
    newline = t.pick(BREAKS, BREAKS_WILD)
    return text.replace("\n", newline) if newline != "\n" else text


# Top-level entries of a wild kind for scheme_texts: in an otherwise valid scheme, so that
# libyaml reads them and a difference shows.
WILD_ENTRIES: Wild = {
    "directive": ["%YAML 1.1\n---\nnotes: [yes, on, n, 017, 0o17, 1_0]", "%YAML 1.1\n---\nn: 1:20"],
    "tag": ["notes: !!str &n text", "notes: [!!str &n a, !!int 1]", "notes: !!map! {}", "n: ! 1"],
    "anchor": ["notes: &n [a]\nmore: {*n: 1}", "notes: &n a\n*n: b", "notes: [&n a, *n]"],
    "key": ['notes: ["a":1]', "notes: [[a]:1, 'b':2]", 'notes: {"a":1}', "notes: [a :1]"],
    "tab": ['notes:\t"x"', "notes: [a,\tb]", "notes: |\n  \tx"],
    "break": ["notes: a\u2028b: c", "notes:\u2029  - x"],
    "bom": ["notes: [x\ufeff, y]", "no\ufefftes: x"],
    "escape": ['notes: "\\ud800"', 'notes: "\\ud83d\\ude00"', 'notes: "\\/"'],
    "block": ["notes: |#c\n  x", "notes: |\n \n   x", "notes: >-\n  \n  x", "notes: |2\n   x"],
}


@st.composite
def scheme_texts(draw: st.DrawFn) -> str:
    """The suite's small scheme with a few lines changed: near what a researcher writes."""
    t = _Texts(draw)
    lines = MINI_SCHEME.splitlines()
    if t.wild in WILD_ENTRIES:
        entry = draw(st.sampled_from(WILD_ENTRIES[t.wild]))
        if entry.startswith("%"):
            lines.insert(0, entry)
        else:
            lines.insert(draw(st.sampled_from([3, 6, len(lines)])), entry)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        head, colon, _ = line.partition(": ")
        change = draw(st.integers(0, 5))
        if change <= 1 and colon:  # another value
            lines[i] = f"{head}: {t.node(len(head) - len(head.lstrip()) + 2, 2)}"
        elif change == 2:  # indented otherwise
            lines[i] = " " * draw(st.integers(0, 6)) + line.lstrip()
        elif change == 3:
            lines.insert(
                i,
                draw(
                    st.sampled_from(
                        [line, "", "# comment", "  # é", "...", "---", "notes:", "notes: [a: ]"]
                    )
                ),
            )
        elif change == 4:
            del lines[i]
        else:
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + t.pick(NOISE, NOISE_WILD) + line[at:]
    return t.pick(BREAKS, BREAKS_WILD).join(lines) + "\n"


# --- Comparing the routes -------------------------------------------------------------------


def outcome(text: str, *, pure: bool) -> tuple[Any, ...]:
    """What ``read_yaml_text`` gives: the located values, or the problem it stops with."""
    try:
        located = ys.read_yaml_text(text, "t.yaml", pure=pure)
    except ys._Stop as stop:
        p = stop.problem
        return ("stop", p.kind, p.message, p.line, p.column, p.path)
    except Exception as exc:  # not expected; the two routes must still agree
        return ("raised", type(exc).__name__, str(exc))
    return (
        "ok",
        repr(located.data),  # repr: NaN equals itself, and key order counts
        located.values,
        located.keys,
        located.problems,
    )


# One text for each way the two parsers were found to differ (yamlsource._PURE_ONLY, the
# empty-value check in _LibyamlComposer, the root-scalar check): each fails without its rule.
KNOWN = [
    "%YAML 1.2\n---\na: yes\nb: 017\nc: 0o17\nd: 1:20\n",  # YAML 1.1 scalars read as 1.2
    "# c\r%YAML 1.2\r---\ra: yes\r",  # a directive after a CR line break
    'b:\t""\n',  # a tab
    "b:\u2029 - x\u2029c: y\n",  # PS, a line break to libyaml only
    "a: x\u0085b: y\n",  # NEL
    "a: [x\ufeff, y]\n",  # U+FEFF after the start
    "k: !!str &a x\n",  # a tag, then an anchor
    " !!map! <<:\n   - .5\n",  # a tag only libyaml reads
    "- &x a\n- {*x: 1}\n",  # an alias run into ':'
    "a: |#c\n b\n",  # a block scalar header run into '#'
    "k: |+\n       \n         x\n",  # a line of spaces first in a block scalar
    '["a":1]\n',  # ':' run into a value after a quoted key
    "a:\nb: 1\n",  # an empty value in a block mapping
    "x: {a: }\n",  # an empty value in a flow mapping
    "---\n|\n# xxx\n",  # a block scalar at the root
    '? &a ""\n: y\n...\n...',  # a second document end marker (found by the fuzz profile)
    "a: 1\n...\n# c\r...\n",
]
# Texts libyaml refuses and ruamel reads: the pure parser reads them after libyaml failed.
REFUSED = [
    'a: "\\ud83d\\ude00 \\ud800"\n',  # surrogate escapes
    "[a:1]\n",  # ':' inside a plain scalar in a flow collection
    "- &é x\n- *é\n",  # an anchor name beyond ASCII
]
# Texts libyaml reads, and reads as ruamel does: YAML 1.1 / 1.2 differences that the resolver
# (ruamel's, on both routes) decides, escapes, columns of text beyond ASCII, and the rest.
ALIKE = [
    "a: yes\nb: 017\nc: 1:20\nd: 0o17\ne: 1_000\nf: on\ng: 0x1F\nh: .NaN\n",
    'a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\/"\nb: Zoë 😀 日本語\nc: [é, 😀, x]\n',
    "a: &x [1, 2]\nb: *x\nc: {<<: *x}\n? [k]\n: v\n",
    "a: |2-\n    x\n   y\nb: >+\n  folded\n  text\n\n\nc: 'it''s'\n",
    "a: 1\r\nb:\r\n  - x\r\n  - y\r\n...\r\n",
    "- - |\n   text\n  - x\n",  # a block scalar, then nesting beside it
    "a: &x 1\nb: &x 2\n",  # an anchor defined twice
    MINI_SCHEME,
]


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
@given(st.one_of(yaml_texts(), scheme_texts()))
@settings(max_examples=max(150, settings().max_examples))  # HYPOTHESIS_PROFILE=fuzz: 25,000
def test_libyaml_and_pure_parsers_agree(text: str) -> None:
    assert outcome(text, pure=False) == outcome(text, pure=True), text


# --- Which parser reads what ---------------------------------------------------------------


@pytest.fixture
def routes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records ``pure`` of every ``_compose`` call."""
    calls: list[bool] = []
    real = ys._compose

    def spy(text: str, *, pure: bool) -> Any:
        calls.append(pure)
        return real(text, pure=pure)

    monkeypatch.setattr(ys, "_compose", spy)
    return calls


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
@pytest.mark.parametrize("text", KNOWN + REFUSED)
def test_texts_libyaml_reads_otherwise_or_refuses_are_read_by_the_pure_parser(
    text: str, routes: list[bool]
) -> None:
    expected = outcome(text, pure=True)
    routes.clear()
    assert outcome(text, pure=False) == expected
    assert routes[-1] is True


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
@pytest.mark.parametrize("text", ALIKE)
def test_texts_read_alike_are_read_by_libyaml(text: str, routes: list[bool]) -> None:
    expected = outcome(text, pure=True)
    routes.clear()
    assert outcome(text, pure=False) == expected
    assert routes == [False]


def test_the_bundled_scheme_is_read_by_libyaml(routes: list[bool]) -> None:
    assert load_scheme(SCHEME).id == "socialization-to-the-model"
    assert routes == [False]  # and nothing after it: no fallback


def test_a_large_scheme_is_read_by_libyaml(routes: list[bool]) -> None:
    codes = "".join(
        f"  - {{id: c{i:03d}, level: ordinal, values: [1, 2, 3, 4, 5]}}\n" for i in range(500)
    )
    text = f'id: many\nversion: "1.0.0"\ntitle: Many\nunit: {{name: s, keys: [s]}}\ncodes:\n{codes}'
    assert len(load_scheme_text(text).codes) == 500
    assert routes == [False]


@pytest.mark.parametrize("error", [RuntimeError, MemoryError, RecursionError])
@pytest.mark.parametrize("where", ["at the start", "some way in"])
def test_any_failure_of_the_libyaml_route_falls_back_to_the_pure_parser(
    monkeypatch: pytest.MonkeyPatch, routes: list[bool], where: str, error: type[Exception]
) -> None:
    expected = outcome(MINI_SCHEME, pure=True)
    routes.clear()
    if where == "at the start":

        def c_parser(text: str) -> Any:
            raise error("libyaml failed")

        monkeypatch.setattr(ys.ruamel_main, "CParser", c_parser)
    else:
        real = ys._LibyamlComposer.compose_scalar_node
        scalars = itertools.count()

        def compose_scalar_node(self: ys._LibyamlComposer, anchor: Any) -> Any:
            if next(scalars) == 5:
                raise error("libyaml failed")
            return real(self, anchor)

        monkeypatch.setattr(ys._LibyamlComposer, "compose_scalar_node", compose_scalar_node)
    assert outcome(MINI_SCHEME, pure=False) == expected
    assert routes == [False, True]


def test_without_libyaml_the_pure_parser_reads(
    monkeypatch: pytest.MonkeyPatch, routes: list[bool]
) -> None:
    expected = outcome(MINI_SCHEME, pure=True)
    routes.clear()
    monkeypatch.setattr(ys.ruamel_main, "CParser", None)
    assert outcome(MINI_SCHEME, pure=False) == expected
    assert routes == [False, True]


def test_a_syntax_error_is_worded_by_the_pure_parser(routes: list[bool]) -> None:
    stop = outcome("a: [b\nc: d\n", pure=False)
    assert routes == [False, True]
    assert stop == outcome("a: [b\nc: d\n", pure=True)
    assert stop[:2] == ("stop", "yaml-syntax")


def test_a_directive_goes_straight_to_the_pure_parser(routes: list[bool]) -> None:
    located = ys.read_yaml_text("%YAML 1.2\n---\na: yes\nb: 017\n", "t.yaml")
    assert located.data == {"a": "yes", "b": 17}
    assert routes == [True]


@pytest.mark.parametrize("version", ["1.1", "1.0"])
def test_a_directive_for_another_yaml_version_is_refused_at_its_line(version: str) -> None:
    # ruamel would resolve 1.1's booleans and octals, then build 017 as 17: half of 1.1.
    with pytest.raises(ys._Stop) as stop:
        ys.read_yaml_text(f"# scheme\n%YAML {version}\n---\na: 017\n", "t.yaml")
    assert (stop.value.problem.kind, stop.value.problem.line) == ("yaml-syntax", 2)
    assert "YAML 1.2" in stop.value.problem.message


def test_deep_nesting_raises_in_the_libyaml_route_instead_of_crashing() -> None:
    # libyaml's own composer (YAML(pure=False).compose) recurses on the C stack and kills the
    # interpreter near 30,000 levels; ruamel's Python composer over libyaml's events stops.
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(MaxDepthExceededError) as raised:
        ys._compose(text, pure=False)
    assert raised.value.problem_mark.column == ys.MAX_DEPTH + 1  # the 66th [, 0-based


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("blocks", [0, 1, 30, 64])
def test_the_depth_limit_is_exact_on_both_routes(blocks: int, pure: bool) -> None:
    """A value 64 levels below the root is read; one level more is refused, at its place."""

    def nested(depth: int) -> str:  # `- ` entries, then brackets, then the value
        inner = depth - min(blocks, depth)
        return "- " * min(blocks, depth) + "[" * inner + "x" + "]" * inner + "\n"

    value = ys.read_yaml_text(nested(ys.MAX_DEPTH), "t.yaml", pure=pure).data
    for _ in range(ys.MAX_DEPTH):
        [value] = value
    assert value == "x"
    with pytest.raises(ys._Stop) as stop:
        ys.read_yaml_text(nested(ys.MAX_DEPTH + 1), "t.yaml", pure=pure)
    problem = stop.value.problem
    assert (problem.kind, problem.line) == ("yaml-too-deep", 1)
    assert problem.column is not None


PLAIN_TEXTS = st.text(
    alphabet=st.sampled_from(list("0123456789_+-.eExXoO:abnoyNTrue ")), max_size=8
)


@given(st.lists(PLAIN_TEXTS.map(str.strip).filter(bool), min_size=1, max_size=6))
def test_scalars_are_the_values_ruamels_constructor_makes(texts: list[str]) -> None:
    """The builder's shortcuts (text, decimal integers) and the resolver's memory of tags
    give what ruamel's safe loader gives, each text repeated plain and quoted."""
    from ruamel.yaml import YAML

    text = "a: [" + ", ".join([*texts, *texts, *(f"'{t}'" for t in texts)]) + "]\n"
    try:
        expected = YAML(typ="safe", pure=True).load(text)
    except Exception:
        return  # ruamel refuses or misreads it (1:2 as a base-60 number, ...): not compared
    for pure in (False, True):
        try:
            got = ys.read_yaml_text(text, "t.yaml", pure=pure).data
        except ys._Stop:
            continue  # a located refusal (too long a number, ...)
        assert got == expected
        assert [type(v) for v in got["a"]] == [type(v) for v in expected["a"]]
