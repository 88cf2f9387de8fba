"""The encoding suggested for bytes that are not UTF-8 (readers/encoding.py): plausible words."""

from __future__ import annotations

import pytest

from socmodel_cli.readers.encoding import check_encoding, describe_guess, family


def guess(text: str, encoding: str) -> tuple[str, bool, str]:
    raw = f"S1,1,{text},2".encode(encoding)
    found = describe_guess(raw, 0, [raw], "utf-8")
    assert found is not None
    return found.encoding, found.sure, found.reads


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Zoë Müller", "cp1252", "cp1252"),
        ("François Strauß", "latin-1", "cp1252"),
        ("Łódź Wałęsa", "cp1250", "cp1250"),  # ł and ą are symbols in cp1252: ³ ¹
        ("Иванов Пётр", "cp1251", "cp1251"),  # cp1252 would give runs of accents: Èâàíîâ
        ("Ελένη Παπαδοπούλου", "cp1253", "cp1253"),
    ],
)
def test_the_reading_that_gives_words_wins(text: str, encoding: str, expected: str) -> None:
    name, _, reads = guess(text, encoding)
    assert name == expected
    assert reads == f"S1,1,{text},2"


def test_ties_go_to_cp1252_and_say_so() -> None:
    raw = "S1,1,Muñoz,2".encode("cp1252")
    found = describe_guess(raw, 0, [raw], "utf-8")
    assert found is not None and found.encoding == "cp1252" and not found.sure
    assert found.other == ("cp1250", "S1,1,Muńoz,2")


def test_the_encoding_that_failed_is_never_suggested() -> None:
    raw = "S1,1,Zoë\x81,2".encode("latin-1")  # 0x81 is undefined in cp1252
    found = describe_guess(raw, 0, [raw], "cp1252")
    assert found is None or found.encoding != "cp1252"


@pytest.mark.parametrize("name", ["rot13", "base64", "zlib_codec", "uu", "idna", "utf-7", "nope"])
def test_only_text_encodings_of_files(name: str) -> None:
    with pytest.raises(ValueError, match="common choices"):
        check_encoding(name)


def test_families() -> None:
    assert [family(n) for n in ("UTF8", "utf-8-sig", "UTF-16LE", "utf_32", "latin-1")] == [
        "utf-8", "utf-8", "utf-16", "utf-32", "legacy",
    ]  # fmt: skip
