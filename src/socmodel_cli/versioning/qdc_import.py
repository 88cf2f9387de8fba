"""Turn a REFI-QDA codebook into a scheme YAML draft for people to complete.

A codebook says which codes exist, not how they are measured. A codebook socmodel
exported carries the whole scheme (:mod:`socmodel_cli.versioning.qdc_scheme`) and comes
back exactly, except for codes edited in the QDA program, which are read from their text.
Codes that socmodel exported carry their level, unit and range in the description too;
for other codes the draft guesses (sub-codes -> a nominal code with those values; no
sub-codes -> a nominal yes/no code: applied to the unit or not) and marks every guess
with a ``TODO`` comment. Guids are kept in ``qdc_guid`` so a re-export matches.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from socmodel_cli.scheme.model import DEFAULT_MISSING, LEVELS, Code, Scheme
from socmodel_cli.scheme.rules import RESERVED_COLUMNS
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.cells import value_text
from socmodel_cli.versioning.qdc_export import code_view
from socmodel_cli.versioning.qdc_read import QdcBook, QdcCode
from socmodel_cli.versioning.qdc_scheme import Embedded, embedded_scheme, view

DEFAULT_KEYS = ("session", "segment")
# At most 15 digits a side: exact as a float, and never a digit string int() refuses.
_NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,15})?$")


@dataclass
class _Parsed:
    """A code description split into its text fields and structure lines."""

    definition: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    level: str | None = None
    unit: str | None = None
    keys: list[str] | None = None
    range: dict[str, int | float] | None = None
    integer: bool = False
    code_id: str | None = None
    scheme: tuple[str, str] | None = None  # (id, version) from a socmodel export


@dataclass
class Draft:
    yaml: str
    codes: int
    guessed: list[str]  # code ids whose level was guessed
    notes: list[str]


def draft_scheme(book: QdcBook, source: Path) -> Draft:
    notes = list(book.notes)
    embedded = embedded_scheme(book, notes)
    if embedded is not None:
        return _draft_embedded(book, embedded, source, notes)
    parsed = [_parse(c.description) for c in book.codes]
    origin = next((p.scheme for p in parsed if p.scheme), None)
    full_keys = max((p.keys for p in parsed if p.keys), key=len, default=list(DEFAULT_KEYS))
    unit_name = next((p.unit for p in parsed if p.unit and p.keys == full_keys), None)
    taken = RESERVED_COLUMNS | {k.lower() for k in full_keys}
    ids: set[str] = set()
    guessed: list[str] = []
    codes = CommentedSeq()
    for code, p in zip(book.codes, parsed, strict=True):
        code_id = _unique(p.code_id or _slug(code.name, "code"), ids, taken)
        ids.add(code_id)
        entry, was_guessed = _code(code, p, code_id, full_keys, _membership(book, code))
        if was_guessed:
            guessed.append(code_id)
        codes.append(entry)
    doc = CommentedMap()
    doc["id"] = origin[0] if origin else _scheme_id(source.stem)
    doc["version"] = DoubleQuotedScalarString(origin[1] if origin else "0.1.0")
    doc["title"] = source.stem if not origin else origin[0].replace("-", " ").capitalize()
    doc["description"] = f"Imported from the REFI-QDA codebook {source.name}" + (
        f" (origin: {book.origin})." if book.origin else "."
    )
    unit = CommentedMap()
    unit["name"] = unit_name or "segment"
    unit["keys"] = CommentedSeq(full_keys)
    unit["keys"].fa.set_flow_style()
    if not unit_name:
        unit.yaml_add_eol_comment("TODO: what one coded unit is", "name")
        unit.yaml_add_eol_comment("TODO: the columns identifying a unit in coder files", "keys")
    doc["unit"] = unit
    doc["codes"] = codes
    doc.yaml_set_start_comment(_header(source, book, guessed, origin is not None))
    return Draft(_dump(doc), len(codes), guessed, notes)


def _dump(doc: CommentedMap, width: int = 100) -> str:
    out = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = width
    yaml.dump(doc, out)
    return out.getvalue()


def _draft_embedded(book: QdcBook, embedded: Embedded, source: Path, notes: list[str]) -> Draft:
    """The embedded scheme, with the codes as the codebook now has them."""
    scheme = embedded.scheme
    keys = list(scheme.unit.keys)
    taken = RESERVED_COLUMNS | {k.lower() for k in keys}
    ids = {c.id for c in embedded.matches if c is not None}
    codes = CommentedSeq()
    guessed: list[str] = []
    edited: list[str] = []
    for code, match, exact in zip(book.codes, embedded.matches, embedded.exact, strict=True):
        if match is not None and exact:
            codes.append(
                _exact(match.model_dump(mode="json", by_alias=True, exclude_defaults=True))
            )
            continue
        if match is not None:
            edited.append(match.id)
            codes.append(_edited(code, match, scheme))
            continue
        p = _parse(code.description)
        code_id = _unique(p.code_id or _slug(code.name, "code"), ids, taken)
        ids.add(code_id)
        ours = f"{scheme.id}: "
        sets = [name for name in _membership(book, code) if not name.startswith(ours)]
        entry, was_guessed = _code(code, p, code_id, keys, sets)
        guessed += [code_id] if was_guessed else []
        codes.append(entry)
    if edited:
        notes.append(
            f"edited in the QDA program, read from the codebook's text: {', '.join(edited)}"
        )
    if embedded.removed:
        notes.append(f"not in the codebook any more, left out: {', '.join(embedded.removed)}")
    doc = _exact(scheme.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    doc["codes"] = codes
    lines = [
        f"Scheme imported by `socmodel scheme import` from {source.name}"
        + (f" (origin: {book.origin})" if book.origin else ""),
        "",
        "Exported by socmodel: the scheme was read back from the codebook exactly"
        + ("." if not (edited or guessed) else ", except for the codes noted below."),
    ]
    if edited:
        lines.append(f"Edited in the QDA program (read from their text): {', '.join(edited)}.")
    if guessed:
        lines.append(
            f"Added in the QDA program (levels guessed, marked TODO): {', '.join(guessed)}."
        )
    doc.yaml_set_start_comment("\n".join(lines))
    # No wrapping by the emitter (it leaves trailing spaces); exact_text folds long lines.
    return Draft(_dump(doc, width=10_000), len(codes), guessed, notes)


def _edited(code: QdcCode, match: Code, scheme: Scheme) -> CommentedMap:
    """A code changed in the QDA program: the exported code, with the parts that changed
    (name, description, sub-codes) read from the codebook as it is now."""
    before, now = code_view(scheme, match).as_read(), view(code)
    data = match.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    p = _parse(code.description)
    if now.name != before.name:
        data["label"] = code.name
    if now.description != before.description:
        texts = {"definition": p.definition, **{n: p.texts.get(n) for n in qdc.TEXT_PREFIXES}}
        for name, text in texts.items():
            data[name] = text
        if p.level is not None:  # its structure lines are still there
            data.update(level=p.level, range=p.range, integer=p.integer)
            data["unit_keys"] = p.keys if p.keys and p.keys != list(scheme.unit.keys) else None
    if now.children != before.children:
        p.level = p.level or match.level
        known = {value_text(v.value): v.value for v in match.values or ()}
        data["values"] = _values(code, p, known)
    entry: CommentedMap = _exact(
        {k: v for k, v in data.items() if v is not None and v is not False}
    )
    return entry


def _exact(data: Any) -> Any:
    """JSON-like data as ruamel nodes that load back to the same values, and read well."""
    if isinstance(data, dict):
        out = CommentedMap()
        for key, value in data.items():
            quote = key in {"value", "version"} and isinstance(value, str)
            out[key] = DoubleQuotedScalarString(value) if quote else _exact(value)
        return out
    if isinstance(data, list):
        seq = CommentedSeq(_exact(v) for v in data)
        short = sum(len(str(v)) + 2 for v in data) < _FLOW_WIDTH
        if data and short and all(_flow_safe(v) for v in data):
            seq.fa.set_flow_style()
        return seq
    if isinstance(data, str):
        return exact_text(data)
    return data


def _flow_safe(value: Any) -> bool:
    """Short lists of these read well as ``[a, b]`` (ruamel misquotes e.g. ``?0`` there)."""
    if isinstance(value, str):
        return value == "" or _FLOW_WORD.match(value) is not None
    return isinstance(value, int | float) and not isinstance(value, bool)


_FLOW_WORD = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_./-]*$")
_FLOW_WIDTH = 60
_FOLD_WIDTH = 80
# Characters YAML reads as line breaks, or that no block scalar may hold.
_NOT_IN_BLOCKS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def exact_text(text: str) -> str:
    """A string as a YAML scalar that loads back exactly: ``|`` for text with line breaks,
    ``>-`` folded at single spaces for long lines, else plain (ruamel quotes when needed).

    A folded line break reads back as one space, so folds go only where one space sits
    between two other characters. Control characters and YAML's other line breaks (U+0085,
    U+2028) go in double quotes, escaped; other unusual text stays plain, quoted by ruamel.
    """
    if _NOT_IN_BLOCKS.search(text):
        quoted: str = DoubleQuotedScalarString(text)  # escapes what a plain scalar would lose
        return quoted
    if text != text.strip(" ") or text.startswith("\n"):
        return text
    if "\n" in text:
        if any(line != line.rstrip(" ") for line in text.split("\n")):
            return text
        literal: str = LiteralScalarString(text)
        return literal
    if len(text) <= _FOLD_WIDTH:
        return text
    folds: list[int] = []
    line_start, last = 0, -1
    for i in range(1, len(text) - 1):
        if text[i] != " " or text[i - 1] == " " or text[i + 1] == " ":
            continue
        if i - line_start > _FOLD_WIDTH and last >= line_start:
            folds.append(last)
            line_start = last + 1
        last = i
    if len(text) - line_start > _FOLD_WIDTH and last >= line_start:
        folds.append(last)
    folded = FoldedScalarString(text)
    folded.fold_pos = folds
    shown: str = folded
    return shown


def _header(source: Path, book: QdcBook, guessed: list[str], ours: bool) -> str:
    lines = [
        f"Scheme draft imported by `socmodel scheme import` from {source.name}"
        + (f" (origin: {book.origin})" if book.origin else ""),
        "",
        "A codebook lists codes, not how they are measured. Before using this scheme:",
        "  - check every `level` marked TODO (nominal, ordinal, interval or ratio), and its values",
        "    (ordinal: list them in rank order; numeric codes: a `range`, `integer: true`);",
        "  - set `unit` (name, and the key columns of your coder files) and each code's `unit_keys`",
        "    if it is rated once per coarser unit (e.g. [session]);",
        "  - write `definition`, `when_to_use`, `when_not_to_use` and `example` for coders;",
        "  - set `id`, `version` and `title`, then run `socmodel scheme check` on this file.",
        "`qdc_guid` keeps each code's guid so a re-export matches the QDA project.",
    ]
    if ours:
        lines[2:9] = ["Exported by socmodel: levels, units and ranges were read back."]
    elif not guessed:
        lines.insert(2, "Every level was read from the codebook.")
    return "\n".join(lines)


def _membership(book: QdcBook, code: QdcCode) -> list[str]:
    return [name for name, members in book.sets.items() if code.guid and code.guid in members]


def _code(
    code: QdcCode, p: _Parsed, code_id: str, full_keys: list[str], sets: list[str]
) -> tuple[CommentedMap, bool]:
    entry = CommentedMap()
    entry["id"] = code_id
    entry["label"] = code.name
    guessed = p.level is None
    values = _values(code, p)
    if p.level is not None:
        entry["level"] = p.level
    else:
        entry["level"] = "nominal"
        why = "sub-codes became its values" if code.children else "no sub-codes: applied or not"
        entry.yaml_add_eol_comment(
            f"TODO: guessed ({why}); nominal, ordinal, interval or ratio?", "level"
        )
    if values is not None:
        entry["values"] = values
    if p.range:
        rng = CommentedMap(p.range)
        rng.fa.set_flow_style()
        entry["range"] = rng
    if p.integer:
        entry["integer"] = True
    if p.keys and p.keys != full_keys:
        keys = CommentedSeq(p.keys)
        keys.fa.set_flow_style()
        entry["unit_keys"] = keys
    if p.definition:
        entry["definition"] = _text(p.definition)
    for name in qdc.TEXT_PREFIXES:
        if name in p.texts:
            entry[name] = _text(p.texts[name])
    if code.guid and qdc.GUID.match(code.guid.strip()):
        entry["qdc_guid"] = code.guid.strip()
    if sets:
        entry.yaml_add_eol_comment(f"in QDA set(s): {', '.join(sets)}", "id")
    return entry, guessed


def _values(
    code: QdcCode, p: _Parsed, known: dict[str, int | float | str] | None = None
) -> CommentedSeq | None:
    """The sub-codes as values; ``known`` gives the exported value for a ``Value:`` line."""
    leaves = list(_flatten(code.children, ""))
    if not leaves:
        if p.level in {"interval", "ratio"}:
            return None
        if p.level is None:
            seq = CommentedSeq([DoubleQuotedScalarString("yes"), DoubleQuotedScalarString("no")])
            seq.fa.set_flow_style()
            return seq
        return None
    seq = CommentedSeq()
    seen: set[str] = set()
    for label, child in leaves:
        stated = _value_line(child.description)
        value: Any = None
        if stated is not None:
            value = (known or {}).get(stated, _typed(stated))
        if value is None:
            value = _unique(
                _slug(label, "value", lead_digit=True), seen, set(DEFAULT_MISSING), "_value"
            )
        seen.add(str(value))
        item = CommentedMap()
        item["value"] = DoubleQuotedScalarString(value) if isinstance(value, str) else value
        if label != str(value):
            item["label"] = label
        text = _strip_value_line(child.description)
        if text:
            item["description"] = _text(text)
        seq.append(item)
    return seq


def _flatten(children: list[QdcCode], prefix: str) -> Any:
    """Sub-codes at any depth, as (label, code); a grouping node's own name is not a value."""
    for child in children:
        label = f"{prefix}{child.name}"
        if child.codable or not child.children:
            yield label, child
        yield from _flatten(child.children, f"{label} / ")


def _parse(description: str | None) -> _Parsed:
    p = _Parsed()
    if not description:
        return p
    paragraphs = [
        para.strip() for para in re.split(r"\n\s*\n", description.strip()) if para.strip()
    ]
    free: list[str] = []
    for para in paragraphs:
        lines = para.splitlines()
        if _meta(lines, p):
            continue
        for name, prefix in qdc.TEXT_PREFIXES.items():
            if para.startswith(prefix):
                p.texts[name] = para[len(prefix) :]
                break
        else:
            free.append(para)
    p.definition = "\n\n".join(free) or None
    return p


def _meta(lines: list[str], p: _Parsed) -> bool:
    """Read a paragraph of structure lines; ``False`` (and nothing set) if it is not one."""
    found: _Parsed = _Parsed()
    for raw in lines:
        line = raw.strip()
        if line.startswith(qdc.LEVEL_LINE) and line[len(qdc.LEVEL_LINE) :] in LEVELS:
            found.level = line[len(qdc.LEVEL_LINE) :]
        elif line.startswith(qdc.UNIT_LINE) and qdc.KEYS_MARK in line:
            unit, keys = line[len(qdc.UNIT_LINE) :].split(qdc.KEYS_MARK, 1)
            found.unit, found.keys = unit.strip(), [k.strip() for k in keys.split(",") if k.strip()]
        elif line.startswith(qdc.RANGE_LINE) and (rng := _range(line[len(qdc.RANGE_LINE) :])):
            found.range = rng
        elif line == qdc.WHOLE_LINE:
            found.integer = True
        elif line.startswith(qdc.ID_LINE) and (
            m := re.match(r"^([a-z][a-z0-9_]*) \(scheme (\S+) (\S+)\)$", line[len(qdc.ID_LINE) :])
        ):
            found.code_id, found.scheme = m.group(1), (m.group(2), m.group(3))
        else:
            return False
    if found.level is None:
        return False
    p.level, p.unit, p.keys, p.range = found.level, found.unit, found.keys, found.range
    p.integer, p.code_id, p.scheme = found.integer, found.code_id, found.scheme
    return True


def _range(text: str) -> dict[str, int | float] | None:
    number = _NUMBER.pattern.strip("^$")
    m = re.match(rf"^({number}) to ({number})$", text)
    if m:
        return {"min": _number(m.group(1)), "max": _number(m.group(3))}
    m = re.match(rf"^at (least|most) ({number})$", text)
    if m:
        return {"min" if m.group(1) == "least" else "max": _number(m.group(2))}
    return None


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _value_line(description: str | None) -> str | None:
    if not description:
        return None
    last = description.strip().splitlines()[-1].strip()
    return last[len(qdc.VALUE_LINE) :].strip() or None if last.startswith(qdc.VALUE_LINE) else None


def _strip_value_line(description: str | None) -> str | None:
    if not description:
        return None
    if _value_line(description) is None:
        return description.strip()
    return "\n".join(description.strip().splitlines()[:-1]).strip() or None


def _typed(text: str) -> int | float | str:
    if _NUMBER.match(text):
        return _number(text)
    return text


def _text(text: str) -> str:
    return LiteralScalarString(text + "\n") if "\n" in text else text


def _slug(name: str, fallback: str, *, lead_digit: bool = False) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug:
        return fallback
    if slug[0].isdigit() and not lead_digit:
        slug = f"{fallback}_{slug}"
    return slug


def _unique(
    candidate: str, used: set[str], taken: set[str] | frozenset[str], suffix: str = "_code"
) -> str:
    """``candidate``, or with a suffix if it is a reserved name, or numbered if already used."""
    if candidate.lower() in {t.lower() for t in taken}:
        candidate += suffix
    name, n = candidate, 2
    while name in used:
        name, n = f"{candidate}_{n}", n + 1
    return name


def _scheme_id(stem: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"imported-{slug}".rstrip("-")
