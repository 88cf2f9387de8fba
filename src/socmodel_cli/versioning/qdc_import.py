"""Turn a REFI-QDA codebook into a scheme YAML draft for people to complete.

A codebook says which codes exist, not how they are measured. Codes that socmodel
exported carry their level, unit and range in the description and come back complete;
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
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from socmodel_cli.scheme.model import DEFAULT_MISSING, LEVELS
from socmodel_cli.scheme.rules import RESERVED_COLUMNS
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.qdc_read import QdcBook, QdcCode

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
    out = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.dump(doc, out)
    return Draft(out.getvalue(), len(codes), guessed, list(book.notes))


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


def _values(code: QdcCode, p: _Parsed) -> CommentedSeq | None:
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
        value: Any = _typed(stated) if stated is not None else None
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
