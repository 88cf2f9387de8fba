"""Builders for the catalogue's "Hostile text inputs and streams" entries (docs/bad-inputs.md).

Each builder writes its files into a temporary folder and returns the CLI arguments, like the
builders in tests/test_bad_inputs.py. ``DEDICATED`` names the entries tested by a test of
their own (streams, timing, memory, git) in tests/test_hostile_streams.py.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MINI_SCHEME

Build = Callable[[Path], list[str]]

DEDICATED = (
    "enc-western-names-each-language",
    "enc-any-codec-name",
    "csv-64-mb-without-line-breaks",
    "yaml-10-kb-of-brackets",
    "yaml-3000-indentation-levels",
    "yaml-depth-after-a-block-scalar",
    "yaml-depth-after-a-quote-mark",
    "scheme-diff-rev-over-5-mb",
    "stdout-reader-leaves",
    "stdout-full",
    "stdout-closed",
    "stderr-full-missing-input",
    "stdout-ascii-locale",
)


def validate(content: bytes, name: str = "coder.csv", *extra: str, fmt: str = "json") -> Build:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(MINI_SCHEME)
        (tmp / name).write_bytes(content)
        return ["validate", "s.yaml", name, "--format", fmt, *extra]

    return build


def validate_many(files: dict[str, bytes], *extra: str) -> Build:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(MINI_SCHEME)
        for name, content in files.items():
            (tmp / name).write_bytes(content)
        return ["validate", "s.yaml", *files, "--format", "json", *extra]

    return build


def scheme_check(text: str) -> Build:
    def build(tmp: Path) -> list[str]:
        (tmp / "s.yaml").write_text(text, encoding="utf-8")
        return ["scheme", "check", "s.yaml", "--format", "json"]

    return build


CODER_HEADER = "session,segment,coder,conc\n"


def coders(*names: str, encoding: str = "utf-8") -> bytes:
    rows = "".join(f"S1,{i},{n},2\n" for i, n in enumerate(names, 1))
    return (CODER_HEADER + rows).encode(encoding)


WESTERN = ("Muñoz", "Zoë", "Søren", "Müller", "François", "Strauß")
HEADER = "session,segment,conc,count,kind,goals\n"


def long_line(tmp: Path) -> list[str]:
    return validate((HEADER + "S1,1," + "x" * (2 << 20)).encode())(tmp)


def wide_row(tmp: Path) -> list[str]:
    return validate((HEADER + "S1,1,2,0,plan,3" + "," * 200_000 + "\n").encode())(tmp)


def spanning_row(tmp: Path) -> list[str]:
    return validate((HEADER + "S1,1," + '"\n",' * 300_000 + "\n").encode())(tmp)


def late_nul(tmp: Path) -> list[str]:
    rows = "".join(f"S1,{i},2,0,plan,3\n" for i in range(1, 20_001))
    return validate((HEADER + rows + "S1,x\x00,2,0,plan,3\n").encode())(tmp)


def scheme_value(value: str, where: str = "values: [0, 1, 2, 3]") -> Build:
    return scheme_check(MINI_SCHEME.replace(where, where.replace("3", value)))


def scheme_range_max(value: str) -> Build:
    return scheme_check(MINI_SCHEME.replace("max: 10", f"max: {value}"))


def scheme_version(value: str) -> Build:
    return scheme_check(MINI_SCHEME.replace("version: 1.2.0", f"version: {value}"))


def qdc_text(codes: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>'
        f"{codes}</Codes></CodeBook>\n"
    )


def qdc_import(content: bytes, name: str = "book.qdc") -> Build:
    def build(tmp: Path) -> list[str]:
        (tmp / name).write_bytes(content)
        return ["scheme", "import", name]

    return build


def nested_qdc(tmp: Path) -> list[str]:
    depth = 3000
    codes = '<Code name="c" isCodable="true">' * depth + "</Code>" * depth
    return qdc_import(qdc_text(codes).encode())(tmp)


def _qdpx(tmp: Path) -> bytes:
    codes = '<Code name="Warmth" isCodable="true"><Description>warm</Description></Code>' * 200
    with zipfile.ZipFile(tmp / "full.qdpx", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qdc_text(codes).replace("CodeBook", "Project"))
    return (tmp / "full.qdpx").read_bytes()


def truncated_qdpx(tmp: Path) -> list[str]:
    data = _qdpx(tmp)
    return qdc_import(data[: len(data) // 2], "cut.qdpx")(tmp)


def corrupt_qdpx(tmp: Path) -> list[str]:
    data = bytearray(_qdpx(tmp))
    start = data.index(b"project.qde") + 40  # inside the compressed stream
    for i in range(start, start + 64):
        data[i] ^= 0x55
    return qdc_import(bytes(data), "bad.qdpx")(tmp)


def unloadable_draft(tmp: Path) -> list[str]:
    # socmodel's own export format says "ordinal" but the codebook lists no values.
    codes = '<Code name="Warmth" isCodable="true"><Description>Level: ordinal</Description></Code>'
    return qdc_import(qdc_text(codes).encode())(tmp)


FAKE_VERDICT = "x.csv\nvalid: 0 error(s), 0 warning(s)"


def newline_name(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / FAKE_VERDICT).write_text(HEADER + "S1,1,9,0,plan,3\n")
    return ["validate", "s.yaml", FAKE_VERDICT]


def bidi_coder(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / "c.csv").write_text(HEADER + "S1,1,2,0,plan,3\n")
    return ["validate", "s.yaml", "c.csv", "--coder", "ann\u202elin.exe"]


def undecodable_name(tmp: Path, *extra: str) -> list[str]:
    name = os.fsdecode(b"caf\xe9.csv")  # Latin-1 bytes in a file name: not UTF-8
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / name).write_text(HEADER + "S1,1,2,0,plan,3\n")
    return ["validate", "s.yaml", name, *extra]


def undecodable_name_json(tmp: Path) -> list[str]:
    return undecodable_name(tmp, "--format", "json")


def long_output_name(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / "c.csv").write_text(HEADER + "S1,1,2,0,plan,3\n")
    return ["reliability", "s.yaml", "c.csv", "-o", "r" * 300 + ".json", "--format", "json"]


def replicates_100_million(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    (tmp / "c.csv").write_text(HEADER + "S1,1,2,0,plan,3\n")
    return ["reliability", "s.yaml", "c.csv", "--replicates", "100000000"]


def long_input_name(tmp: Path) -> list[str]:
    (tmp / "s.yaml").write_text(MINI_SCHEME)
    return ["validate", "s.yaml", "c" * 300 + ".csv"]
