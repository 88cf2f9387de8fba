"""A scheme survives a REFI-QDA round trip: export, import, export gives the same bytes and
``scheme diff`` finds no changes; edits made in a QDA program are read from the codebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap
from tests.conftest import ROOT, SCHEME, Run

from socmodel_cli.scheme import load_scheme
from socmodel_cli.scheme.yamlsource import read_yaml_text
from socmodel_cli.versioning import qdc
from socmodel_cli.versioning.qdc_import import _dump, _exact, exact_text

XSD = xmlschema.XMLSchema(ROOT / "tests" / "data" / "refi-qda" / "Codebook.xsd")
NS = {"q": qdc.NS}
V2 = ROOT / "examples" / "versioning" / "socialization-to-the-model-v2.yaml"

# Everything a scheme can hold, with text that is awkward to carry: blank lines, a trailing
# line break, a paragraph that starts like one of export's own lines, quotes, non-ASCII.
EVERYTHING = """\
id: lab-scheme
version: 2.1.0
title: "Lab scheme: everything"
description: |-
  First paragraph.

  Second paragraph, after a blank line; "quoted" and 'single'.
references: [Doe, J. (2020). A paper., "Roe, R. (2021): another"]
unit:
  name: turn
  keys: [session, turn]
  description: One speaking turn.
missing: ["", "-99", skipped]
reliability: {min_alpha: 0.75}
codes:
  - id: stance
    label: Patient stance – Haltung
    level: ordinal
    values:
      - {value: 0, label: Rejects, description: "Disputes the model.\\n\\nSays so twice."}
      - {value: 1, label: Ambivalent}
      - {value: 2}
    min_alpha: 0.8
    definition: |
      How far the patient accepts the model.

      When to use: this line is part of the definition, not a when_to_use.
    when_to_use: Every turn.
    when_not_to_use: |-
      Therapist turns.

      Level: nominal
    example: 'P: "Yes, but..."'
    provenance: {basis: adapted, note: After a neighbouring instrument.}
    qdc_guid: "{3F2C8E51-7A0B-4C1D-9E2F-0A1B2C3D4E5F}"
  - id: kind
    label: Kind
    level: nominal
    values: ["01", "yes", "no", "1.5"]
    provenance: {basis: inferred}
  - id: minutes
    label: Minutes
    level: interval
    values: [0.5, 1.5, 2]
    unit_keys: [session]
  - id: count
    label: Count
    level: ratio
    integer: true
    range: {min: 0, max: 12.5}
migrations:
  - from_version: "1"
    rename: [{from: old_kind, to: kind}]
    recode: [{code: stance, map: {"1": 0, "2": 1, "3": 2}}]
    drop: [notes]
    note: Version 1 had a 1-3 stance.
"""


def _round_trip(cli: Callable[..., Run], scheme: Path, tmp: Path) -> tuple[Path, Path, Path]:
    first, draft, second = tmp / "first.qdc", tmp / "draft.yaml", tmp / "second.qdc"
    cli("scheme", "export", scheme, "-o", first, exit=0)
    run = cli("scheme", "import", first, "-o", draft, exit=0)
    assert "need their level checked" not in run.err and "note:" not in run.err
    cli("scheme", "export", draft, "-o", second, exit=0)
    return first, draft, second


@pytest.mark.parametrize("name", ["bundled", "v2", "everything"])
def test_export_import_export_is_exact(
    cli: Callable[..., Run], write: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    scheme = {"bundled": SCHEME, "v2": V2}.get(name) or write("everything.yaml", EVERYTHING)
    first, draft, second = _round_trip(cli, scheme, tmp_path)
    XSD.validate(str(first))
    assert first.read_bytes() == second.read_bytes()
    original, imported = load_scheme(scheme), load_scheme(draft)
    assert imported.model_dump() == original.model_dump()
    run = cli("scheme", "diff", scheme, draft, exit=0)
    assert run.out.splitlines()[1:] == ["  no changes", "ok: no changes"]
    assert (
        cli("scheme", "diff", scheme, draft, "-f", "json", exit=0).json()["diffs"][0]["changes"]
        == []
    )


def test_the_everything_scheme_is_valid_and_awkward(write: Callable[..., Path]) -> None:
    """Guard the fixture: it must hold what the text of a code cannot carry alone."""
    s = load_scheme(write("everything.yaml", EVERYTHING))
    stance = s.codes[0]
    assert stance.definition is not None and "\n\nWhen to use: " in stance.definition
    assert stance.definition.endswith("\n") and stance.when_not_to_use == (
        "Therapist turns.\n\nLevel: nominal"
    )
    assert s.code_map["kind"].declared == ("01", "yes", "no", "1.5")
    assert s.code_map["minutes"].declared == (0.5, 1.5, 2)
    assert s.missing == ["", "-99", "skipped"] and s.reliability.min_alpha == 0.75


def test_the_scheme_travels_in_a_set_description(cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "s.qdc"
    cli("scheme", "export", SCHEME, "-o", out, exit=0)
    sets = ET.parse(out).getroot().findall("q:Sets/q:Set", NS)
    carrier = sets[-1]
    assert carrier.get("name") == qdc.scheme_set_name("socialization-to-the-model")
    assert len(carrier.findall("q:MemberCode", NS)) == 6
    text = carrier.findtext("q:Description", namespaces=NS) or ""
    assert text.splitlines()[-1].startswith(qdc.DATA_LINE + '{"id":"socialization-to-the-model"')


def _edit(path: Path, change: Callable[[ET.Element], None]) -> None:
    ET.register_namespace("", qdc.NS)
    tree = ET.parse(path)
    change(tree.getroot())
    tree.write(path, encoding="utf-8", xml_declaration=True)


def test_edits_in_the_qda_program_are_read(cli: Callable[..., Run], tmp_path: Path) -> None:
    book, draft = tmp_path / "s.qdc", tmp_path / "d.yaml"
    cli("scheme", "export", SCHEME, "-o", book, exit=0)

    def rename_and_add(root: ET.Element) -> None:
        codes = root.find("q:Codes", NS)
        assert codes is not None
        concordance = codes.findall("q:Code", NS)[0]
        concordance.set("name", "Concordance (renamed in NVivo)")
        new = ET.SubElement(codes, f"{{{qdc.NS}}}Code")
        new.attrib.update(
            {"guid": "0B5F3C1E-8A2D-4E6F-9B7C-1D2E3F4A5B6C", "name": "Humour", "isCodable": "true"}
        )
        codes.remove(codes.findall("q:Code", NS)[5])  # model_presentation

    _edit(book, rename_and_add)
    run = cli("scheme", "import", book, "-o", draft, exit=0)
    assert "edited in the QDA program, read from the codebook's text: concordance" in run.err
    assert "not in the codebook any more, left out: model_presentation" in run.err
    assert "1 of 6 code(s) need their level checked (marked TODO): humour" in run.err
    original, imported = load_scheme(SCHEME), load_scheme(draft)
    concordance = imported.code_map["concordance"]
    assert concordance.label == "Concordance (renamed in NVivo)"
    assert concordance.min_alpha == 0.8 and concordance.provenance == original.codes[0].provenance
    assert concordance.qdc_guid is None  # the derived guid, as before
    assert imported.missing == original.missing and imported.references == original.references
    changes = cli("scheme", "diff", SCHEME, draft, "-f", "json", exit=1).json()["diffs"][0]
    assert sorted(c["kind"] for c in changes["changes"]) == [
        "code-added",
        "code-removed",
        "label-changed",
    ]


def test_unusable_scheme_data_falls_back_to_the_codes(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    book, draft = tmp_path / "s.qdc", tmp_path / "d.yaml"
    cli("scheme", "export", SCHEME, "-o", book, exit=0)

    def corrupt(root: ET.Element) -> None:
        carrier = root.findall("q:Sets/q:Set", NS)[-1]
        description = carrier.find("q:Description", NS)
        assert description is not None and description.text
        description.text = description.text.replace('"level":"ordinal"', '"level":"ordinl"', 1)

    _edit(book, corrupt)
    run = cli("scheme", "import", book, "-o", draft, exit=0)
    assert "was not usable" in run.err
    imported = load_scheme(draft)  # still complete: levels, units and ranges from the codes
    assert [c.level for c in imported.codes] == [c.level for c in load_scheme(SCHEME).codes]
    assert imported.codes[0].min_alpha is None  # what only the scheme data carried is gone


def test_a_codebook_without_scheme_data_imports_as_before(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    """Codebooks from earlier socmodel versions: levels, units and ranges from the codes."""
    book, draft = tmp_path / "s.qdc", tmp_path / "d.yaml"
    cli("scheme", "export", SCHEME, "-o", book, exit=0)

    def drop_carrier(root: ET.Element) -> None:
        sets = root.find("q:Sets", NS)
        assert sets is not None
        sets.remove(sets.findall("q:Set", NS)[-1])

    _edit(book, drop_carrier)
    run = cli("scheme", "import", book, "-o", draft, exit=0)
    assert "need their level checked" not in run.err
    text = draft.read_text(encoding="utf-8")
    assert "levels, units and ranges were read back" in text
    assert [c.id for c in load_scheme(draft).codes] == [c.id for c in load_scheme(SCHEME).codes]


def _loads_back(*texts: str) -> list[Any]:
    """Texts through the importer's YAML writing: in a block mapping, a list, a flow list."""
    doc = _exact({"codes": [{"description": texts[0]}], "references": list(texts)})
    doc["keys"] = _exact([t[:5] for t in texts][:3])  # short: a flow sequence
    data = read_yaml_text(_dump(doc, width=10_000), "t").data
    assert data["keys"] == [t[:5] for t in texts][:3]
    return [data["codes"][0]["description"], *data["references"]]


AWKWARD = st.sampled_from([*"ab c\n-:#'\"é\t\x07\r>|{}[],&*!%@`?", "\u2028", "\x85", "\ufeff"])


@given(st.lists(st.one_of(st.text(AWKWARD, max_size=300), st.text(max_size=120)), min_size=1))
def test_every_text_loads_back_exactly(texts: list[str]) -> None:
    assert _loads_back(*texts) == [texts[0], *texts]


def test_long_text_is_folded_readably() -> None:
    text = " ".join(["word"] * 60)
    folded = _dump(_as_doc(exact_text(text)), width=10_000)
    assert folded.startswith("t: >-\n") and max(map(len, folded.splitlines())) <= 90
    assert _loads_back(text) == [text, text]


def _as_doc(value: str) -> CommentedMap:
    doc = CommentedMap()
    doc["t"] = value
    return doc


def test_dump_has_no_trailing_spaces(cli: Callable[..., Run], tmp_path: Path) -> None:
    _, draft, _ = _round_trip(cli, SCHEME, tmp_path)
    lines = draft.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line != line.rstrip()] == []


def test_only_what_was_edited_changes(
    cli: Callable[..., Run], write: Callable[..., Path], tmp_path: Path
) -> None:
    """A renamed code and a relabelled value: the rest of those codes stays exact, including
    a definition that reads like two fields and values that look like numbers."""
    scheme = write("everything.yaml", EVERYTHING)
    book, draft = tmp_path / "e.qdc", tmp_path / "e.yaml"
    cli("scheme", "export", scheme, "-o", book, exit=0)

    def edit(root: ET.Element) -> None:
        stance, kind = root.findall("q:Codes/q:Code", NS)[:2]
        stance.set("name", "Stance")
        kind.findall("q:Code", NS)[0].set("name", "Zero-one")  # the value "01"

    _edit(book, edit)
    run = cli("scheme", "import", book, "-o", draft, exit=0)
    assert "read from the codebook's text: stance, kind" in run.err
    changes = cli("scheme", "diff", scheme, draft, "-f", "json", exit=1).json()["diffs"][0]
    assert [(c["kind"], c["code"], c["new"]) for c in changes["changes"]] == [
        ("label-changed", "stance", "Stance"),
        ("value-label-changed", "kind", "Zero-one"),
    ]
    assert load_scheme(draft).code_map["kind"].declared == ("01", "yes", "no", "1.5")
