"""Safe, located, bounded YAML reading.

ruamel.yaml composes the document into a node graph (fed by libyaml's parser where
ruamel.yaml.clib is installed and the text is one the two parsers read alike, else by
ruamel's pure-Python parser); we then build plain Python values ourselves, so that:

* no tag outside the YAML core schema is honoured (no object construction at all);
* every mapping key and value keeps its ``line:column`` for error messages;
* duplicate keys are errors with both locations, not a silent last-one-wins;
* an alias bomb ("billion laughs") or deep nesting stops after a fixed budget of
  nodes / depth instead of exhausting memory or time. Depth is checked by ruamel's composer
  as each node starts, and the parsers read lazily, so a text nested 100,000 deep is
  refused after its first few hundred tokens: the scanner's work per token grows with the
  depth, and used to make such a text cost 20 s before it was refused.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import main as ruamel_main
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner

from socmodel_cli.problems import Problem, error, printable

MAX_BYTES = 5 * 1024 * 1024  # a scheme is a few KB; anything this large is a mistake or hostile
MAX_NODES = 50_000  # nodes visited while building values, aliases counted each time they are used
MAX_DEPTH = 64  # of a value below the root; the composer counts the root as 1
_COMPOSER_DEPTH = MAX_DEPTH + 1

Path_ = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null")}
_STR = f"{_CORE}str"
_INT = f"{_CORE}int"
_DECIMAL = re.compile(r"[1-9][0-9]{0,15}|0")  # what int() reads as YAML 1.2 does, cheaply
_TIMESTAMP = f"{_CORE}timestamp"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Located:
    """A YAML document as plain values plus the position of every key and value."""

    data: Any
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # non-fatal, e.g. duplicate keys

    def mark(self, path: Path_, *, key: bool = False) -> Mark | None:
        """Position of ``path`` (its key if ``key``), else of the nearest ancestor."""
        table = self.keys if key else self.values
        while True:
            found = table.get(path) or self.values.get(path)
            if found is not None or not path:
                return found
            path = path[:-1]


class _Stop(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def format_path(path: Path_) -> str:
    """``("codes", 2, "level")`` -> ``codes[2].level``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes = 0
        self.located = Located(None)
        self._scalar = YAML(typ="safe", pure=True).constructor

    def fail(self, kind: str, message: str, node: Node, path: Path_) -> _Stop:
        m = _mark(node)
        return _Stop(
            error(
                kind,
                message,
                file=self.file,
                line=m.line,
                column=m.column,
                path=format_path(path) or None,
            )
        )

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                "yaml-too-large",
                f"the document expands to more than {MAX_NODES:,} values (an alias bomb?); "
                "a coding scheme needs far fewer",
                node,
                path,
            )
        if depth > MAX_DEPTH:
            raise self.fail(
                "yaml-too-deep",
                f"nesting deeper than {MAX_DEPTH} levels; a coding scheme needs a handful",
                node,
                path,
            )
        self.located.values[path] = _mark(node)
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag != f"{_CORE}map":
                raise self.fail(
                    "yaml-tag", f"tag {tag!r} is not allowed; use a plain mapping", node, path
                )
            return self._mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            if tag != f"{_CORE}seq":
                raise self.fail(
                    "yaml-tag", f"tag {tag!r} is not allowed; use a plain list", node, path
                )
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self._check_text(node, path)
        if tag == _TIMESTAMP:
            return str(node.value)  # dates in references or notes stay text
        if tag not in _SCALAR_TAGS:
            raise self.fail(
                "yaml-tag",
                f"tag {tag!r} is not allowed; only plain strings, numbers, booleans and null",
                node,
                path,
            )
        value = node.value
        if tag == _STR:  # most of a scheme; ruamel's constructor would return the same text
            return value
        if tag == _INT and _DECIMAL.fullmatch(value):
            return int(value)
        try:
            return self._scalar.construct_object(node)
        except ValueError:  # Python's limit on converting long digit strings to int
            digits = sum(ch.isdigit() for ch in str(node.value))
            raise self.fail(
                "bad-number",
                f"a number with {digits:,} digits is too long to read; "
                "quote it if it is meant as text",
                node,
                path,
            ) from None
        except MemoryError:
            raise
        except Exception:  # ruamel's constructors assume well-formed text (!!float "")
            kind = tag.rsplit(":", 1)[-1]
            raise self.fail(
                "yaml-tag",
                f"the text {str(node.value)[:40]!r} cannot be read as a {kind}; "
                "write the value without a tag",
                node,
                path,
            ) from None

    def _check_text(self, node: ScalarNode, path: Path_) -> None:
        """Text must be characters: a ``\\ud800`` escape would make a lone surrogate.

        JSON-style pairs (``\\ud83d\\ude00``, as ``json.dumps`` writes an emoji) are joined
        into the character they stand for.
        """
        value = str(node.value)
        if _SURROGATE.search(value) is None:
            return
        try:
            node.value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError as exc:
            lone = exc.object[exc.start : exc.start + 2].decode("utf-16-le", "surrogatepass")
            raise self.fail(
                "invalid-unicode",
                f"the text contains U+{ord(lone):04X}, half of a surrogate pair and not "
                "a character (an escape such as \\ud800 in a quoted string?); remove it",
                node,
                path,
            ) from None

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if str(key_node.tag) == f"{_CORE}merge":
                raise self.fail(
                    "yaml-tag", "merge keys (<<) are not allowed in a scheme", key_node, path
                )
            if not isinstance(key_node, ScalarNode):
                raise self.fail("yaml-key", "mapping keys must be plain text", key_node, path)
            self._check_text(key_node, path)
            key = str(key_node.value)
            here = _mark(key_node)
            if key in first:
                # Reported, and the first occurrence kept, so the rest of the file is still checked.
                before = first[key]
                self.located.problems.append(
                    self.fail(
                        "duplicate-key",
                        f"duplicate key {key!r} (first at line {before.line}, column {before.column}); "
                        "each key may appear once",
                        key_node,
                        (*path, key),
                    ).problem
                )
                self.build(value_node, (*path, key, "<duplicate>"), depth + 1)
                continue
            first[key] = here
            self.located.keys[(*path, key)] = here
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


class _Resolver(VersionedResolver):
    """ruamel's resolver, remembering the tag of each plain scalar's text.

    A scheme repeats a few texts hundreds of times (``ordinal``, ``1`` ... ``5``, its keys)
    and each resolution tries a list of patterns. The tag of a plain scalar depends only on
    its text once the YAML version is fixed (1.2: other versions are refused) and no path
    resolvers are registered (none are).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: dict[str, Any] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        tag = self._plain.get(value)
        if tag is None:
            tag = self._plain[value] = super().resolve(kind, value, implicit)
        return tag


class _LibyamlLoader:
    """What ruamel's Composer asks of its loader: a parser (here libyaml's) and a resolver."""

    max_depth = _COMPOSER_DEPTH
    yaml_version = None  # as ruamel's scanner has it without a %YAML directive: YAML 1.2

    def __init__(self, parser: Any) -> None:
        self._parser = parser
        self._scanner = self  # where the resolver looks for the version, once per node
        self._resolver = _Resolver(loadumper=self)


class _AskPure(Exception):
    """The libyaml route would mark this text otherwise than the pure parser."""


class _LibyamlComposer(Composer):
    def compose_scalar_node(self, anchor: Any) -> Any:
        event = self.parser.peek_event()
        if not event.value and not event.style:
            # An empty value (``key:`` with nothing after it), key or entry: ruamel marks it
            # at the next token in a block mapping and just after ``:`` in a flow one,
            # libyaml the other way round.
            raise _AskPure
        return super().compose_scalar_node(anchor)


class _BoundedScanner(Scanner):
    """ruamel's scanner, stopping where collections open deeper than the composer allows.

    Its work for every token grows with the flow collections open (one possible simple key
    each), and it reads up to 1,024 characters ahead of the composer, so a line of 100,000
    ``[`` would still cost a second before the composer's own depth check. Every open
    block indentation level and flow collection is a collection nested in the one before,
    so this refuses nothing the composer would accept.
    """

    def _open(self) -> None:
        if len(self.indents) + self.flow_level >= _COMPOSER_DEPTH:
            raise MaxDepthExceededError(None, None, "nesting too deep", self.reader.get_mark())

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        self._open()
        super().fetch_flow_collection_start(TokenClass, to_push)

    def add_indent(self, column: int) -> bool:
        if self.indent < column:
            self._open()
        return bool(super().add_indent(column))


def _compose(text: str, *, pure: bool) -> Node | None:
    """The node graph of ``text``'s single document, from ruamel's composer.

    ``pure``: ruamel's pure-Python reader, scanner and parser feed it: the authority for
    every error message and mark. Otherwise libyaml's (ruamel.yaml.clib's ``CParser``) feed
    it, about four times faster; raises ``ImportError`` when that is not installed. The
    composer stays ruamel's Python one even then: libyaml's own composer (what
    ``YAML(pure=False).compose`` runs) has no depth limit and recurses on the C stack, while
    ruamel's stops at ``max_depth`` as each node starts.
    """
    node: Node | None
    if pure:
        yaml = YAML(typ="safe", pure=True)  # round-trip would mark folds with BEL
        yaml.Scanner = _BoundedScanner
        yaml.Resolver = _Resolver
        yaml.max_depth = _COMPOSER_DEPTH
        node = yaml.compose(text)
        return node
    c_parser = getattr(ruamel_main, "CParser", None)  # None where ruamel could not import it
    if c_parser is None:
        raise ImportError("ruamel.yaml.clib (libyaml) is not available")
    node = _LibyamlComposer(loader=_LibyamlLoader(c_parser(text))).get_single_node()
    return node


# Texts that libyaml (a YAML 1.1 parser; 0.1.7 in ruamel.yaml.clib) may accept and read
# otherwise than ruamel's parser go to the pure parser. tests/test_yaml_composers.py looks
# for more; each pattern also matches texts that would be read alike, which costs only time.
# (Each starts with a character, not an anchor or a lookbehind, so that re can skip ahead.)
_PURE_ONLY = tuple(
    re.compile(pattern)
    for pattern in (
        # a directive: %YAML 1.1 switches ruamel to 1.1's booleans and octals (yes, 017),
        # which the libyaml route cannot pass on to the resolver
        r"%(?<![^\r\n]%)",
        # a tab: libyaml takes it for a separator where ruamel refuses it (key:<tab>"x");
        # U+0085, U+2028, U+2029: line breaks to libyaml, text to ruamel (lines shift);
        # U+FEFF after the start: libyaml counts it as two columns, or refuses it
        r"[\t\u0085\u2028\u2029\ufeff]",
        # a tag (a scheme has none): libyaml allows more characters in one (!!map!), and
        # marks `!!str &a x` at the tag where ruamel marks it at the anchor
        r"!(?<![^\s\[{,:]!)",
        # an anchor or alias name run into ?:%@` : ruamel reads `*a:` as the alias `a:`,
        # libyaml as `*a` then `:`
        r"[&*][0-9A-Za-z_-]+[?:%@`]",
        # a block scalar's header run into `#` (|-#): a comment to libyaml, an error to
        # ruamel; or followed by a line of spaces only: ruamel then refuses a later line
        # indented deeper ("more indented follow up line"), libyaml does not
        r"[|>][-+0-9]*(?:#| *(?:#[^\r\n]*)?(?:\r\n?|\n) +(?:\r\n?|\n))",
        # `:` run into a value after a quoted or bracketed key: ["a":1] is a pair to
        # libyaml, an error to ruamel
        r"[\"'\]}] *:[^ \r\n]",
        # a second document end marker `...`: libyaml skips it, ruamel sees a second document
        r"\.\.\.(?<![^\r\n]\.\.\.)[\s\S]*?[\r\n]\.\.\.",
    )
)


def _compose_fast(text: str) -> Node | None:
    """libyaml's parser first; on any failure ruamel's pure one, whose errors are reported."""
    if not any(pattern.search(text) for pattern in _PURE_ONLY):
        with suppress(Exception):  # a syntax error, a missing extension, anything at all
            node = _compose(text, pure=False)
            # A document that is one scalar is no scheme, and libyaml indents a block scalar
            # at the root otherwise (``|`` then ``# text`` at column 1: a comment to libyaml).
            if not isinstance(node, ScalarNode):
                return node
    return _compose(text, pure=True)


# The directives, comments and blank lines before a document: where a %YAML directive can be.
_VERSION_DIRECTIVE = re.compile(
    r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n?|\n)|%[^\r\n]*(?:\r\n?|\n))*?%YAML[ \t]+([^\s#]*)"
)


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _check_version(text: str, file: str) -> None:
    """A ``%YAML`` directive other than 1.2 is refused: ruamel would resolve YAML 1.1's
    booleans and octals and then build ``017`` as 17, half of 1.1, and it refuses 1.0 and 1.3
    with no line."""
    directive = _VERSION_DIRECTIVE.match(text, 1 if text.startswith("\ufeff") else 0)
    if directive is None or directive.group(1) == "1.2":
        return
    version = printable(directive.group(1))[:20]
    raise _Stop(
        error(
            "yaml-syntax",
            f"the text declares YAML {version!r} (%YAML {version}); schemes are read as YAML "
            "1.2, where yes, no, on, off and 017 mean other things than in 1.1: remove the "
            "directive",
            file=file,
            line=len(_LINE_BREAK.findall(text, 0, directive.start(1))) + 1,
            column=1,
        )
    )


def read_yaml_text(text: str, file: str, *, pure: bool = False) -> Located:
    """Compose and build ``text``; raise ``_Stop`` (via ``load_yaml_*``) on any problem.

    ``pure``: compose with ruamel's pure-Python parser only (the tests compare the two).
    """
    _check_version(text, file)
    builder = _Builder(file)
    try:
        node = _compose(text, pure=True) if pure else _compose_fast(text)
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise _Stop(
            error(
                "yaml-too-deep",
                f"nesting deeper than {MAX_DEPTH} levels; a coding scheme needs a handful",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise _Stop(
            error(
                "yaml-syntax",
                f"{what}; expected valid YAML (indent with spaces, not tabs; quote text with ': ')",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except ReaderError as exc:
        raise _Stop(_unacceptable(exc, text, file)) from None
    except YAMLError as exc:
        raise _Stop(error("yaml-syntax", f"invalid YAML: {exc}", file=file)) from None
    except MemoryError:
        raise
    except Exception as exc:  # ruamel's parser asserts on some texts (it did on %YAML 1.3)
        raise _Stop(
            error(
                "yaml-syntax",
                f"the YAML parser refused the text ({printable(str(exc))[:200]}); expected "
                "valid YAML 1.2 without directives",
                file=file,
            )
        ) from None
    if node is None:
        raise _Stop(
            error(
                "empty-file",
                "the file is empty; expected a coding scheme (a YAML mapping)",
                file=file,
                line=1,
                column=1,
            )
        )
    builder.located.data = builder.build(node, (), 0)
    return builder.located


def _unacceptable(exc: ReaderError, text: str, file: str) -> Problem:
    """A control character YAML does not allow in a file, at its line and column."""
    position = exc.position if isinstance(exc.position, int) else 0
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else 0
    return error(
        "yaml-syntax",
        f"the control character U+{code:04X} is not allowed in YAML; remove it, or write it as "
        "an escape inside a double-quoted string",
        file=file,
        line=line,
        column=column,
    )


def load_yaml(path: Path) -> Located:
    """Read a YAML file safely. Raises :class:`YamlProblem` carrying one located problem."""
    file = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise YamlProblem(
                error("not-a-file", "not a regular file; expected a YAML scheme file", file=file)
            )
        if size > MAX_BYTES:
            raise YamlProblem(_too_large(file, size))
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(
            error("unreadable-file", f"cannot read the file: {exc.strerror or exc}", file=file)
        ) from None
    return load_yaml_bytes(raw, file)


def load_yaml_bytes(raw: bytes, file: str) -> Located:
    if len(raw) > MAX_BYTES:
        raise YamlProblem(_too_large(file, len(raw)))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise YamlProblem(
            error(
                "undecodable-bytes",
                "the file contains NUL bytes (binary or UTF-16); expected UTF-8 YAML text",
                file=file,
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(
            error(
                "undecodable-bytes",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the scheme as UTF-8",
                file=file,
                line=line,
            )
        ) from None
    if not text.strip():
        raise YamlProblem(
            error(
                "empty-file",
                "the file is empty; expected a coding scheme (a YAML mapping)",
                file=file,
                line=1,
                column=1,
            )
        )
    try:
        return read_yaml_text(text, file)
    except _Stop as stop:
        raise YamlProblem(stop.problem) from None


def _too_large(file: str, size: int) -> Problem:
    return error(
        "file-too-large",
        f"the file is {size / 1e6:.1f} MB; a coding scheme is at most {MAX_BYTES // 1024 // 1024} MB",
        file=file,
    )


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem
