"""xlsx against CSV: `socmodel validate` on the same 100,000-rating long sheet in both.

    python benchmarks/bench_xlsx.py [--ratings N] [--runs N]

Generates (seeded, reused while the parameters match) into benchmarks/data/:

- ``xlsx-long.csv``: ``session,segment,coder,code,value``, the ratings of bench_validate.py's
  generator (10 codes, 3 coders), one per row;
- ``xlsx-long-shared.xlsx``: the same rows as a workbook written the way Excel writes it (text
  in the shared-string table, numbers as numbers);
- ``xlsx-long-inline.xlsx``: the same with inline strings, as openpyxl and pandas write it
  (a larger sheet XML).

Each is validated by a fresh ``python -m socmodel_cli validate --format json`` subprocess
(this checkout's code: ``src/`` goes first on PYTHONPATH), one warm-up run then N runs; the
table gives the best and the median, and the ratio of the best xlsx time to the best CSV time
(target: at most 2). Raw numbers go to benchmarks/.results/xlsx.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from _harness import DATA, ROOT, child_env, fmt_time, markdown_table, save
from bench_validate import CODERS, CODES, SEED, _coder_value, _true_value, _units, scheme_yaml

GENERATOR_VERSION = 1
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def ratings(n: int) -> list[list[str]]:
    rng = random.Random(SEED)
    rows: list[list[str]] = []
    units = -(-n // (len(CODES) * len(CODERS)))
    for session, segment in _units(units):
        truth = [_true_value(rng, c) for c in CODES]
        for coder in CODERS:
            for code, t in zip(CODES, truth, strict=True):
                rows.append([session, segment, coder, code[0], _coder_value(rng, code, t)])
    return rows[:n]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_xlsx(path: Path, header: list[str], rows: list[list[str]], *, shared: bool) -> None:
    """A minimal valid workbook: one sheet, numbers as numbers, text shared or inline."""
    table: dict[str, int] = {}
    out = []
    for r, row in enumerate([header, *rows], start=1):
        cells = []
        for c, text in zip("ABCDE", row, strict=False):
            ref = f"{c}{r}"
            if r > 1 and _number(text):
                cells.append(f'<c r="{ref}"><v>{text}</v></c>')
            elif shared:
                cells.append(f'<c r="{ref}" t="s"><v>{table.setdefault(text, len(table))}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        f'<dimension ref="A1:E{len(rows) + 1}"/><sheetData>{"".join(out)}</sheetData></worksheet>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        f'{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        '<sheet name="ratings" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/'
        'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
        f'{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in table)
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(table)}" '
        f'uniqueCount="{len(table)}">{strings}</sst>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", package_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr("xl/sharedStrings.xml", sst)


def generate(n: int) -> dict[str, Path]:
    paths = {
        "scheme": DATA / "bench-scheme.yaml",
        "csv": DATA / "xlsx-long.csv",
        "shared": DATA / "xlsx-long-shared.xlsx",
        "inline": DATA / "xlsx-long-inline.xlsx",
        "manifest": DATA / "xlsx-manifest.json",
    }
    params = {"generator": GENERATOR_VERSION, "seed": SEED, "ratings": n}
    if all(p.exists() for p in paths.values()):
        try:
            if json.loads(paths["manifest"].read_text()) == params:
                return paths
        except ValueError:
            pass
    print(f"  generating {n:,} ratings ...", file=sys.stderr)
    DATA.mkdir(parents=True, exist_ok=True)
    if not paths["scheme"].exists():
        paths["scheme"].write_text(scheme_yaml())
    header = ["session", "segment", "coder", "code", "value"]
    rows = ratings(n)
    with paths["csv"].open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    write_xlsx(paths["shared"], header, rows, shared=True)
    write_xlsx(paths["inline"], header, rows, shared=False)
    paths["manifest"].write_text(json.dumps(params) + "\n")
    return paths


def run(argv: list[str], runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``runs`` runs after one warm-up; CPU (user + system, from
    ``os.wait4``) says how much of the wall time was work when other jobs share the machine."""
    found = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=child_env(), cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"exit {os.waitstatus_to_exitcode(status)}: {' '.join(argv)}")
        if i:
            found.append((wall, usage.ru_utime + usage.ru_stime))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="recorded runs (best and median)")
    args = parser.parse_args(argv)
    paths = generate(args.ratings)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    socmodel = [sys.executable, "-m", "socmodel_cli", "validate", str(paths["scheme"])]
    labels = {
        "csv": "CSV",
        "shared": "xlsx, shared strings (as Excel writes it)",
        "inline": "xlsx, inline strings (as openpyxl writes it)",
    }
    found = {}
    for key, label in labels.items():
        found[key] = run([*socmodel, str(paths[key]), "--format", "json"], args.runs)
        print(f"  {label}: best {fmt_time(min(w for w, _ in found[key]))}", file=sys.stderr)
    best_csv = min(w for w, _ in found["csv"])
    cpu_csv = min(c for _, c in found["csv"])
    table = []
    for key, runs in found.items():
        best, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        ratio = best / best_csv
        table.append(
            [
                labels[key],
                f"{paths[key].stat().st_size / 1e6:.1f} MB",
                fmt_time(best),
                fmt_time(statistics.median(w for w, _ in runs)),
                f"{ratio:.2f}",
                fmt_time(cpu),
                f"{cpu / cpu_csv:.2f}",
                "-" if key == "csv" else ("met" if ratio <= 2 else "**not met**"),
            ]
        )
    print(f"### xlsx against CSV (bench_xlsx.py): {args.ratings:,} ratings, long layout\n")
    headers = ["file", "size", "best wall", "median wall", "/ CSV", "best CPU", "/ CSV"]
    print(markdown_table([*headers, "target: wall <= 2x CSV"], table))
    print(
        f"\nBest and median of {args.runs} runs after one warm-up of "
        "`python -m socmodel_cli validate SCHEME FILE --format json`."
    )
    save("xlsx", {k: [{"wall": w, "cpu": c} for w, c in v] for k, v in found.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
