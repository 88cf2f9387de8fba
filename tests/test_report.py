"""``socmodel report``: the page as a reader (and a browser) sees it.

Numbers are checked against the JSON of ``reliability`` and ``diagnose`` run separately on
the same inputs; the study summary against counts made here from the CSV files themselves.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import EXPORTS, SCHEME, Run

from socmodel_cli.cli import main

FAST = ["--bootstrap", "200", "--seed", "7"]


def _run(*args: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            main([str(a) for a in args])
        except SystemExit as stop:
            return int(stop.code or 0), out.getvalue()
    raise AssertionError("main always exits")  # pragma: no cover


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    code, _ = _run("report", SCHEME, *EXPORTS, "-o", out, *FAST)
    assert code == 1  # incongruent_principles fails on the examples
    return out


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    code_r, rel = _run("reliability", SCHEME, *EXPORTS, "-f", "json", *FAST)
    code_d, diag = _run("diagnose", SCHEME, *EXPORTS, "-f", "json")
    assert code_r == code_d == 1
    return {"r": json.loads(rel), "d": json.loads(diag)}


class Page(HTMLParser):
    """Cells (with their data-src), SVGs with their title/desc, tags and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str | None, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.svgs: list[dict[str, str]] = []
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._src: str | None = None
        self._svg_part: str | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in {"td", "th"}:
            self._cell, self._src = [], a.get("data-src")
        elif tag == "svg":
            self.svgs.append({"title": "", "desc": ""})
        elif tag in {"title", "desc"} and self.svgs:
            self._svg_part = tag
        elif tag == "table":
            self.tables.append({"id": a.get("id"), "caption": ""})
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.cells.append((self._src, "".join(self._cell).strip()))
            self._cell = None
        elif tag in {"title", "desc"}:
            self._svg_part = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption)
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._svg_part is not None:
            self.svgs[-1][self._svg_part] += data
        if self._caption is not None:
            self._caption.append(data)


def parsed(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def shown(value: Any) -> str:
    """How the page must show a JSON value: floats to 3 decimals, a dash for null."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def resolve(truth: dict[str, Any], pointer: str) -> Any:
    which, *path = pointer.split("/")
    value: Any = truth[which]
    for part in path:
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_every_number_equals_the_json(page: Path, truth: dict[str, Any]) -> None:
    p = parsed(page)
    sourced = [(src, text) for src, text in p.cells if src is not None]
    assert len(sourced) > 500
    for src, text in sourced:
        assert text == shown(resolve(truth, src)), src
    # No decimal number on the page escapes the check.
    for src, text in p.cells:
        if re.fullmatch(r"-?\d+\.\d+", text):
            assert src is not None, text


def test_every_applicable_coefficient_is_in_its_table(page: Path, truth: dict[str, Any]) -> None:
    p = parsed(page)
    sources = {src for src, _ in p.cells if src}
    for i, code in enumerate(truth["r"]["codes"]):
        for key, est in code["details"].items():
            assert (f"r/codes/{i}/details/{key}/value" in sources) == (est is not None), key
        for j, _ in enumerate(code["limits_of_agreement"]):
            assert f"r/codes/{i}/limits_of_agreement/{j}/bias/value" in sources
    # diagnose: leave-one-out, coder bias and the value-vs-rest agreement of every code
    for i, code in enumerate(truth["d"]["codes"]):
        assert {
            f"d/codes/{i}/leave_one_out/{j}/alpha" for j in range(len(code["leave_one_out"]))
        } <= sources
        assert {
            f"d/codes/{i}/coder_bias/{j}/mean" for j in range(len(code["coder_bias"]))
        } <= sources
        for j, _ in enumerate(code["categories"] or []):
            assert f"d/codes/{i}/categories/{j}/specific_agreement" in sources


def test_the_failing_code_shows_its_problem_and_remedy(page: Path, truth: dict[str, Any]) -> None:
    text = page.read_text(encoding="utf-8")
    (failing,) = [c for c in truth["d"]["codes"] if c["status"] == "fail"]
    attention = text[text.index('id="attention"') : text.index('id="study"')]
    assert failing["code"] in attention
    import html

    assert html.escape(failing["findings"][0]["remedy"]) in attention


def _units_by_coder() -> dict[str, set[tuple[str, ...]]]:
    """Units per coder counted from the CSVs: (session, segment), or (session,) for
    the session-level codes of the scheme."""
    session_codes = {"goal_agreement", "model_presentation"}
    found: dict[str, set[tuple[str, ...]]] = {}
    for path in EXPORTS:
        units = found.setdefault(path.stem, set())
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                # wide files: one column per code; long files (chloe): code and value columns
                pairs = [(row["code"], row["value"])] if "code" in row else list(row.items())
                for code, value in pairs:
                    if code in {"session", "segment"} or value.strip() in {"", "NA", "N/A", "."}:
                        continue
                    key = (
                        (row["session"],)
                        if code in session_codes
                        else (row["session"], row["segment"])
                    )
                    units.add(key)
    return found


def test_study_counts_match_the_files(page: Path) -> None:
    by = _units_by_coder()
    p = parsed(page)
    every = set().union(*by.values())
    double = {u for u in every if sum(u in s for s in by.values()) >= 2}
    cells = [text for _, text in p.cells]
    assert cells[cells.index("units") + 1] == str(len(every))
    assert cells[cells.index("units coded by two or more coders") + 1] == (
        f"{len(double)} ({len(double) / len(every):.1%})"
    )
    overlap = cells.index("alice", cells.index("ratings"))  # the overlap table's first row
    html = page.read_text(encoding="utf-8")
    table = html[html.index('id="overlap-table"') :]
    table = table[: table.index("</table>")]
    got = re.findall(r"<tr><th[^>]*>(\w+)</th>((?:<td[^>]*>\d+</td>)+)</tr>", table)
    names = sorted(by)
    assert [g[0] for g in got] == names
    for a, tds in got:
        numbers = [int(n) for n in re.findall(r">(\d+)<", tds)]
        assert numbers == [len(by[a] & by[b]) for b in names]
    assert overlap > 0


def test_nothing_loads_from_the_network(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for needle in ("http:", "https:", "//", "@import", "data:"):
        assert needle not in text, needle
    assert set(re.findall(r"url\((.)", text)) <= {"#"}  # only the SVGs' own clip paths
    p = parsed(page)
    assert not [t for t, _ in p.tags if t in {"script", "link", "iframe", "img", "object"}]
    assert not [a for _, a in p.tags if "src" in a]


def test_every_figure_and_table_has_a_text_alternative(page: Path) -> None:
    p = parsed(page)
    assert len(p.svgs) >= 6  # overlap, forest, matrices, Bland-Altman
    for svg in p.svgs:
        assert svg["title"].strip() and svg["desc"].strip()
    assert all(t["caption"].strip() for t in p.tables)
    text = page.read_text(encoding="utf-8")
    assert "@media print" in text and "size: A4" in text
    assert 'name="viewport"' in text


def test_same_input_same_bytes(tmp_path: Path) -> None:
    args = [SCHEME, *EXPORTS, "--code", "incongruent_principles", "--bootstrap", "50"]
    outs = []
    for name, seed in (("a.html", "1"), ("b.html", "1"), ("c.html", "2")):
        code, _ = _run("report", *args, "--seed", seed, "-o", tmp_path / name)
        assert code == 1
        outs.append((tmp_path / name).read_bytes())
    # the page names its own output in the command line: same name, same bytes
    a, b, c = (
        o.replace(n.encode(), b"OUT")
        for o, n in zip(outs, ["a.html", "b.html", "c.html"], strict=True)
    )
    assert a == b
    assert a != c  # a different seed gives a different interval


MINI = """\
id: mini
version: 1.0.0
title: Mini <b>bold</b>
unit:
  name: segment
  keys: [session, segment]
codes:
  - id: conc
    label: Concordance <img src=x onerror=alert(1)>
    level: ordinal
    values: [0, 1, 2, 3]
"""


def _mini(tmp_path: Path, coder: str) -> list[Path]:
    (tmp_path / "mini.yaml").write_text(MINI, encoding="utf-8")
    rows_a = "".join(f"S1,{i},{i % 4}\n" for i in range(1, 31))
    rows_b = "".join(f"S1,{i},{(i + (i % 5 == 0)) % 4}\n" for i in range(1, 31))
    (tmp_path / "a.csv").write_text("session,segment,conc\n" + rows_a, encoding="utf-8")
    (tmp_path / "b.csv").write_text("session,segment,conc\n" + rows_b, encoding="utf-8")
    return [tmp_path / "mini.yaml", tmp_path / "a.csv", tmp_path / "b.csv"]


def test_user_text_is_escaped(tmp_path: Path, cli: Callable[..., Run]) -> None:
    evil = "<script>alert(1)</script>"
    scheme, a, b = _mini(tmp_path, evil)
    named = tmp_path / f"{evil.replace('/', '_')}.csv"
    shutil.copy(a, named)
    code, _ = _run("report", scheme, named, b, "-o", tmp_path / "r.html", "--bootstrap", "20")
    assert code in {0, 1}
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    tags = {t for t, _ in parsed(tmp_path / "r.html").tags}
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert "&lt;script&gt;alert(1)&lt;_script&gt;" in text  # the coder, named after its file
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_markdown_with_a_folder_of_figures(tmp_path: Path) -> None:
    scheme, a, b = _mini(tmp_path, "x")
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    code, _ = _run("report", scheme, a, b, "-o", out, "-f", "md", "--bootstrap", "20")
    assert code in {0, 1}
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"\]\((report_files/[^)]+\.svg)\)", text)
    assert len(links) >= 3
    for link in links:
        root = ET.parse(out.parent / link).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert sorted(p.name for p in (out.parent / "report_files").iterdir()) == sorted(
        Path(link).name for link in links
    )
    assert "<img" not in text and "&lt;img src=x" in text
    # Again without --force: refused, nothing changed.
    before = out.read_bytes()
    code, _ = _run("report", scheme, a, b, "-o", out, "-f", "md", "--bootstrap", "20")
    assert code == 2 and out.read_bytes() == before
    # With --force: both the page and its figures are replaced.
    code, _ = _run("report", scheme, a, b, "-o", out, "-f", "md", "--bootstrap", "20", "--force")
    assert code in {0, 1} and out.read_bytes() == before


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    scheme, a, b = _mini(tmp_path, "x")
    before = a.read_bytes()
    code, _ = _run("report", scheme, a, b, "-o", a, "--force")
    assert code == 2 and a.read_bytes() == before


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page: Path, png: Path, width: int, profile: Path) -> None:
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},2000",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it)")
@pytest.mark.parametrize("width", [1280, 390])
def test_a_real_browser_renders_the_page(page: Path, tmp_path: Path, width: int) -> None:
    from PIL import Image

    png = tmp_path / f"shot-{width}.png"
    screenshot(page, png, width, tmp_path / "profile")
    assert png.stat().st_size > 20_000
    with Image.open(png) as img:
        assert img.size == (width, 2000)
        grey = img.convert("L")
        low, high = grey.getextrema()
        assert high - low > 100  # not one colour: text and plots were drawn
        # ink in most horizontal bands: the page is laid out top to bottom, not blank below
        bands = [grey.crop((0, y, width, y + 200)).getextrema() for y in range(0, 2000, 200)]
        assert sum(hi - lo > 50 for lo, hi in bands) >= 8
    # the DOM as the browser built it keeps every figure
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count("<svg") == page.read_text(encoding="utf-8").count("<svg")
