"""socmodel end to end against the pandas scripts a researcher would otherwise write.

    .venv/bin/python benchmarks/bench_peers.py [--sizes 10000 100000 1000000 5000000]
                                               [--runs 3] [--quick] [--skip-frictionless]
                                               [--timeout 600] [--memory-limit 8]
                                               [--only mixed|coders|codes|ratio|validate]
                                               [--peer krippendorff|irrcac|statsmodels|sklearn|pingouin]

Generates (seeded, into benchmarks/data/peers-*/, git-ignored, reused while the parameters
match) one long-layout CSV (``session,segment,coder,code,value``) per shape and size:

- ``mixed``: bench_validate.py's 10-code scheme (3 ordinal, 3 nominal, 2 ratio counts,
  2 interval) and its generator, 3 coders who all rate every unit, at each ``--sizes``.
- ``coders``: the same scheme and generator, 50 coders, each unit rated by 3 of them drawn
  at random (a large team triple-coding a corpus), at the sizes from 100k to 1M ratings.
- ``codes``: bench_codes.py's data (ordinal codes 1-5, 3 coders), 10 codes against 500 codes
  for the same ratings (300,000; 60,000 with --quick), written in the long layout.
- ``ratio``: one ratio code, every value a distinct float, 3 coders: 100,000 values without a
  bootstrap; 10,000 values (and 10,000 units = 30,000 values) with 2,000 replicates.

Each shape times ``socmodel reliability SCHEME FILE --bootstrap 0 --format json`` and the
peer scripts in benchmarks/peers/ (pandas + krippendorff, irrCAC, statsmodels, scikit-learn,
pingouin) on the same file, each a fresh child process: one warm-up, then the median of
``--runs`` runs (a command whose warm-up takes over ``--long`` seconds gets one recorded run),
peak RSS from ``os.wait4``. Every child runs under ``--timeout`` and an address-space limit
(``--memory-limit`` GiB, RLIMIT_AS), so a peer that would allocate tens of GB fails with a
MemoryError instead of swapping the machine; either is reported, never dropped. Then
``socmodel validate --format json`` against the csv module's bare read and Frictionless with
bench_validate.py's Table Schema on the mixed files of 1M ratings and more.

The peers' values are compared with socmodel's JSON (1e-9). Markdown goes to stdout and to
benchmarks/.results/peers.md, raw numbers to benchmarks/.results/peers.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bench_codes
import bench_validate as bv
from _harness import (
    BENCH,
    DATA,
    RESULTS,
    ROOT,
    Measurement,
    Run,
    child_env,
    cpu_busy,
    fmt_time,
    load,
    machine_facts,
    markdown_table,
    save,
    socmodel_exe,
)

SEED = 20110221
GENERATOR_VERSION = 1
PEERS_DIR = BENCH / "peers"
SHAPES = ("mixed", "coders", "codes", "ratio", "validate")
TOL = 1e-9

# name, script, levels it has a coefficient for (None: all), what it computes
PEERS: list[tuple[str, str, frozenset[str] | None, str]] = [
    ("pandas + krippendorff", "krippendorff_alpha.py", None, "alpha at the code's level"),
    ("pandas + irrCAC", "irrcac_alpha.py", None, "alpha, weights of the code's level"),
    (
        "pandas + statsmodels",
        "statsmodels_fleiss.py",
        frozenset({"nominal", "ordinal"}),
        "Fleiss' kappa (nominal and ordinal codes)",
    ),
    (
        "pandas + scikit-learn",
        "sklearn_cohen.py",
        frozenset({"nominal", "ordinal", "integer"}),
        "Cohen's kappa per coder pair (categorical and integer codes)",
    ),
    (
        "pandas + pingouin",
        "pingouin_icc.py",
        frozenset({"interval", "ratio"}),
        "six ICCs (interval and ratio codes)",
    ),
]
PINGOUIN_ICC = {
    "ICC(1,1)": "icc1",
    "ICC(1,k)": "icc1k",
    "ICC(A,1)": "icc_a1",
    "ICC(A,k)": "icc_ak",
    "ICC(C,1)": "icc_c1",
    "ICC(C,k)": "icc_ck",
}


# ----------------------------------------------------------------------------- data


def _codebook(codes: Sequence[tuple], missing: Sequence[str]) -> dict[str, object]:  # type: ignore[type-arg]
    """What a researcher would write at the top of the script: each code's level and values."""
    return {
        "keys": ["session", "segment"],
        "missing": list(missing),
        "codes": [
            {
                "id": cid,
                "level": level,
                "values": values,
                "range": list(bounds) if bounds else None,
                "integer": integer,
            }
            for cid, level, values, bounds, integer in codes
        ],
    }


def _fresh(folder: Path, params: dict[str, object]) -> bool:
    manifest = folder / "manifest.json"
    try:
        return json.loads(manifest.read_text()) == params and (folder / "long.csv").exists()
    except (OSError, ValueError):
        return False


def _done(folder: Path, params: dict[str, object]) -> None:
    (folder / "manifest.json").write_text(json.dumps(params) + "\n")


def mixed_data(units: int, coders: int, per_unit: int | None) -> Path:
    """bench_validate's scheme and generator; ``per_unit`` coders of ``coders`` per unit."""
    tag = "mixed" if per_unit is None else f"coders{coders}"
    folder = DATA / f"peers-{tag}-{units}"
    params = {
        "generator": GENERATOR_VERSION,
        "bench_validate": bv.GENERATOR_VERSION,
        "seed": SEED,
        "units": units,
        "coders": coders,
        "per_unit": per_unit,
        "codes": hashlib.sha256(repr(bv.CODES).encode()).hexdigest()[:16],
    }
    if _fresh(folder, params):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    names = list(bv.CODERS) if coders == 3 else [f"coder{i + 1:02d}" for i in range(coders)]
    n = units * (per_unit or coders) * len(bv.CODES)
    print(f"  generating {folder.name}: {n:,} ratings ...", file=sys.stderr)
    (folder / "scheme.yaml").write_text(bv.scheme_yaml())
    (folder / "long.schema.json").write_text(json.dumps(bv.table_schema(), indent=2) + "\n")
    (folder / "codebook.json").write_text(json.dumps(_codebook(bv.CODES, bv.MISSING)) + "\n")
    rng = random.Random(SEED)
    ids = [c[0] for c in bv.CODES]
    with (folder / "long.csv").open("w", newline="") as f:
        f.write("session,segment,coder,code,value\n")
        for session, segment in bv._units(units):
            truth = [bv._true_value(rng, c) for c in bv.CODES]
            raters = names if per_unit is None else sorted(rng.sample(names, per_unit))
            for coder in raters:
                prefix = f"{session},{segment},{coder},"
                f.write(
                    "".join(
                        f"{prefix}{i},{bv._coder_value(rng, c, t)}\n"
                        for i, c, t in zip(ids, bv.CODES, truth, strict=True)
                    )
                )
    _done(folder, params)
    return folder


def codes_data(n_codes: int, ratings: int) -> Path:
    """bench_codes.py's wide files for ``n_codes`` codes, rewritten as one long CSV."""
    folder = DATA / f"peers-codes{n_codes}-{ratings}"
    params = {"generator": GENERATOR_VERSION, "n_codes": n_codes, "ratings": ratings}
    if _fresh(folder, params):
        return folder
    source = bench_codes.generate(n_codes, ratings)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"  generating {folder.name} from {source.name} ...", file=sys.stderr)
    (folder / "scheme.yaml").write_text((source / "scheme.yaml").read_text())
    ids = [f"c{i:03d}" for i in range(n_codes)]
    codes = [(c, "ordinal", [1, 2, 3, 4, 5], None, False) for c in ids]
    (folder / "codebook.json").write_text(json.dumps(_codebook(codes, ["", "NA"])) + "\n")
    with (folder / "long.csv").open("w", newline="") as out:
        out.write("session,segment,coder,code,value\n")
        for coder in bench_codes.CODERS:
            lines = (source / f"{coder}.csv").read_text().splitlines()
            header = lines[0].split(",")
            assert header[2:] == ids, header[:5]
            for line in lines[1:]:
                cells = line.split(",")
                prefix = f"{cells[0]},{cells[1]},{coder},"
                out.write(
                    "".join(f"{prefix}{c},{v}\n" for c, v in zip(ids, cells[2:], strict=True))
                )
    _done(folder, params)
    return folder


RATIO_SCHEME = """\
# Generated by benchmarks/bench_peers.py: one continuous ratio code.
id: peers-ratio
version: "1.0.0"
title: One continuous ratio code (synthetic)
unit:
  name: segment
  keys: [session, segment]
codes:
  - id: size
    label: Size
    level: ratio
"""


def ratio_data(units: int) -> Path:
    """One ratio code, 3 coders, every value a distinct float (lognormal, 10% coder noise)."""
    folder = DATA / f"peers-ratio-{units}"
    params = {"generator": GENERATOR_VERSION, "seed": SEED, "units": units}
    if _fresh(folder, params):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    print(f"  generating {folder.name}: {units * 3:,} values ...", file=sys.stderr)
    (folder / "scheme.yaml").write_text(RATIO_SCHEME)
    book = _codebook([("size", "ratio", None, None, False)], ["", "NA"])
    (folder / "codebook.json").write_text(json.dumps(book) + "\n")
    rng = random.Random(SEED)
    seen: set[str] = set()
    with (folder / "long.csv").open("w", newline="") as f:
        f.write("session,segment,coder,code,value\n")
        for session, segment in bv._units(units):
            truth = rng.lognormvariate(3.0, 0.5)
            for coder in bv.CODERS:
                while True:  # all values distinct: the O(V^2) worst case of ratio alpha
                    value = f"{truth * math.exp(rng.gauss(0.0, 0.1)):.9f}"
                    if value not in seen:
                        break
                seen.add(value)
                f.write(f"{session},{segment},{coder},size,{value}\n")
    _done(folder, params)
    return folder


def ratings_in(folder: Path) -> int:
    with (folder / "long.csv").open("rb") as f:
        return sum(1 for _ in f) - 1


# ----------------------------------------------------------------------------- running


@dataclass
class Result:
    """One command at one size: its runs, or why it has none."""

    shape: str
    label: str
    n: int
    measurement: Measurement | None = None
    status: str = "ok"  # ok | partial | cannot run | timed out | failed | not applicable
    note: str = ""
    output: dict | None = None  # type: ignore[type-arg]
    target: str = ""
    verdict: str = "-"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return self.measurement.median if self.measurement and self.measurement.runs else None

    def as_dict(self) -> dict[str, object]:
        return {
            "shape": self.shape,
            "label": self.label,
            "n": self.n,
            "status": self.status,
            "note": self.note,
            "target": self.target,
            "verdict": self.verdict,
            "measurement": self.measurement.as_dict() if self.measurement else None,
            **self.extra,
        }


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.timeout: float = args.timeout
        self.memory = int(args.memory_limit * 2**30) if args.memory_limit > 0 else None
        self.runs: int = args.runs
        self.warmup: int = args.warmup
        self.long: float = args.long
        self.peers: set[str] = set(args.peer or ())

    def _limit(self) -> None:  # in the child, before exec
        if self.memory:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory, self.memory))

    def once(self, argv: Sequence[str]) -> tuple[Run, str, str, bool]:
        """One run: (run, stdout, stderr tail, timed out)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=ROOT,
                env=child_env(),
                preexec_fn=self._limit,  # noqa: PLW1509 (only setrlimit before exec)
            )
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                proc.kill()

            timer = threading.Timer(self.timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            tail = err.read()[-1500:].decode("utf-8", "replace")
        return Run(wall, int(usage.ru_maxrss), proc.returncode), stdout, tail, killed.is_set()

    def measure(
        self,
        result: Result,
        argv: Sequence[str],
        *,
        ok: Sequence[int] = (0,),
        warmup: int | None = None,
        shown: str | None = None,
    ) -> Result:
        """Warm-up run(s), then the recorded runs; stops at the first timeout or failure."""
        warmup = self.warmup if warmup is None else warmup
        m = Measurement(result.label, shown or shlex.join(_rel(a) for a in argv))
        result.measurement = m
        total = warmup + self.runs
        i = 0
        while i < total:
            run, stdout, tail, timed_out = self.once(argv)
            if timed_out:
                result.status = "timed out"
                result.note = f"killed after {fmt_time(self.timeout)}"
                result.extra["timed_out_run"] = {"wall": run.wall, "max_rss_kb": run.max_rss_kb}
                break
            if run.returncode not in ok:
                last = tail.strip().splitlines()[-1] if tail.strip() else ""
                result.status = "failed"
                result.note = f"exit {run.returncode}: {last[:200]}"
                result.extra["stderr_tail"] = tail
                result.extra["failed_run"] = {"wall": run.wall, "max_rss_kb": run.max_rss_kb}
                break
            if i >= warmup:
                m.runs.append(run)
            elif run.wall > self.long:
                total = warmup + 1  # a long command: its warm-up did its job, one run will do
            result.output = _json_or_none(stdout)
            i += 1
        shown_t = fmt_time(m.median) if m.runs else result.status
        print(f"  {result.label} @ {result.n:,}: {shown_t} ({len(m.runs)} run(s))", file=sys.stderr)
        return result


def _json_or_none(text: str) -> dict | None:  # type: ignore[type-arg]
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _rel(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(ROOT))
    except ValueError:
        return arg


# ----------------------------------------------------------------------------- shapes


def _levels(book: dict) -> set[str]:  # type: ignore[type-arg]
    out = set()
    for c in book["codes"]:
        out.add(c["level"])
        if c["level"] in ("interval", "ratio") and c.get("integer"):
            out.add("integer")
    return out


def _applies(levels: frozenset[str] | None, code: dict) -> bool:  # type: ignore[type-arg]
    if levels is None:
        return True
    return code["level"] in levels or ("integer" in levels and bool(code.get("integer")))


def reliability_rows(
    runner: Runner,
    shape: str,
    folder: Path,
    *,
    replicates: int = 0,
    peers: bool = True,
    label_extra: str = "",
) -> list[Result]:
    n = ratings_in(folder)
    exe = socmodel_exe()
    csv_path, scheme = str(folder / "long.csv"), str(folder / "scheme.yaml")
    book = json.loads((folder / "codebook.json").read_text())
    label = f"socmodel reliability --bootstrap {replicates}{label_extra}"
    argv = [exe, "reliability", scheme, csv_path, "--bootstrap", str(replicates)]
    rows = [runner.measure(Result(shape, label, n), [*argv, "--format", "json"], ok=(0, 1))]
    if not peers:
        return rows
    levels = _levels(book)
    for name, script, applies, _ in PEERS:
        if runner.peers and script.split("_")[0] not in runner.peers:
            continue
        r = Result(shape, name + label_extra, n)
        if applies is not None and not levels & applies:
            r.status = "not applicable"
            r.note = "no code of a level it has a coefficient for"
            rows.append(r)
            continue
        runner.measure(
            r, [sys.executable, str(PEERS_DIR / script), csv_path, str(folder / "codebook.json")]
        )
        if r.status == "ok" and r.output:
            codes = r.output.get("codes", {})
            errors = {k: v["error"] for k, v in codes.items() if "error" in v}
            wanted = [c for c in book["codes"] if _applies(applies, c)]
            if errors and len(errors) >= len(wanted):
                r.status = "cannot run"
                first = next(iter(errors.items()))
                r.note = f"every code failed, e.g. {first[0]}: {first[1][:160]}"
                r.extra["failed_after"] = r.median
            elif errors:
                r.status = "partial"
                first = next(iter(errors.items()))
                r.note = (
                    f"{len(wanted) - len(errors)} of {len(wanted)} codes; "
                    f"{len(errors)} failed, e.g. {first[0]}: {first[1][:160]}"
                )
            else:
                r.note = f"{len(wanted)} of {len(book['codes'])} codes"
        rows.append(r)
    return rows


def compare(rows: list[Result], book: dict) -> list[list[object]]:  # type: ignore[type-arg]
    """Peers' values against socmodel's JSON, per code, to TOL."""
    soc = rows[0].output
    if not soc:
        return []
    by_code = {c["code"]: c for c in soc.get("codes", [])}
    level = {c["id"]: c["level"] for c in book["codes"]}
    out: list[list[object]] = []
    for r in rows[1:]:
        if not r.output:
            continue
        pairs: list[tuple[str, str, float, float]] = []  # code, field, peer, socmodel
        notes: list[str] = []
        for cid, got in r.output.get("codes", {}).items():
            s = by_code.get(cid)
            if s is None or "error" in got or "skipped" in got:
                continue
            if "alpha" in got:
                if "irrCAC" in r.label and level[cid] == "ordinal":
                    notes.append(
                        "irrCAC's ordinal weights (Gwet's, by rank) are not Krippendorff's ordinal metric: ordinal codes left out"
                    )
                    continue
                pairs.append((cid, "alpha", got["alpha"], s.get("alpha")))
            elif "fleiss_kappa" in got:
                pairs.append((cid, "fleiss_kappa", got["fleiss_kappa"], s.get("fleiss_kappa")))
            elif "mean_kappa" in got:
                if level[cid] != "nominal":
                    continue  # weighted pairwise means have no socmodel field of their own
                pairs.append((cid, "light_kappa", got["mean_kappa"], s.get("light_kappa")))
            else:
                pairs += [(cid, f, got[k], s.get(f)) for k, f in PINGOUIN_ICC.items() if k in got]
        if not pairs:
            continue
        diffs = [
            (cid, f, abs(p - q))
            if isinstance(q, float) and isinstance(p, float)
            else (cid, f, math.inf)
            for cid, f, p, q in pairs
        ]
        bad = [d for d in diffs if not d[2] <= TOL]
        worst = max(d[2] for d in diffs)
        fields = sorted({f for _, f, _ in diffs})
        out.append(
            [
                r.shape,
                r.label,
                f"{r.n:,}",
                ", ".join(fields) if len(fields) < 3 else f"{len(fields)} ICC forms",
                len({d[0] for d in diffs}),
                "agree" if not bad else f"**disagree** ({_few(sorted({d[0] for d in bad}))})",
                f"{worst:.1e}" if math.isfinite(worst) else "n/a",
                "; ".join(sorted(set(notes))) or "-",
            ]
        )
    return out


# ----------------------------------------------------------------------------- tables


def _few(items: Sequence[str], k: int = 4) -> str:
    return ", ".join(items[:k]) + (f" and {len(items) - k} more" if len(items) > k else "")


def _ratio_cells(r: Result, soc: Result, timeout: float) -> tuple[str, str]:
    if r is soc or soc.median is None:
        return "-", "-"
    if r.status == "timed out":
        return f"< {soc.median / timeout:.3f}", f"> {timeout / soc.median:.1f}"
    if r.median is None:
        return "-", "-"
    return f"{soc.median / r.median:.2f}", f"{r.median / soc.median:.2f}"


def peer_verdicts(rows: list[Result]) -> None:
    """Target: socmodel reliability --bootstrap 0 faster than every peer at >= 100k ratings."""
    soc = rows[0]
    if soc.n < 100_000 or soc.median is None:
        return
    beaten, lost, unknown = [], [], []
    for r in rows[1:]:
        r.target = "socmodel faster"
        if r.status in ("ok", "partial") and r.median is not None:
            met = soc.median < r.median
            r.verdict = "met" if met else "**not met**"
            (beaten if met else lost).append(r.label)
        elif r.status == "timed out":
            r.verdict = "met (peer timed out)"
            beaten.append(r.label)
        else:
            r.target, r.verdict = "-", "-"
            unknown.append(r.label)
    soc.target = "faster than every peer"
    soc.verdict = "met" if not lost else f"**not met** (slower than {', '.join(lost)})"
    if unknown and not lost:
        soc.verdict += f" ({len(unknown)} peer(s) could not run)"


def table(rows: list[Result], timeout: float) -> str:
    body = []
    soc = rows[0]
    for r in rows:
        m = r.measurement
        s_over_p, p_over_s = _ratio_cells(r, soc, timeout)
        wall = fmt_time(r.median) if r.median is not None else r.status
        if r.status == "cannot run":
            wall = f"cannot run (failed after {fmt_time(r.median or 0)})"
            s_over_p = p_over_s = "-"
        elif r.status == "timed out":
            wall = f"timed out (> {fmt_time(timeout)})"
        elif r.status == "failed":
            wall = "failed"
        peak = "-"
        if m and m.runs:
            peak = f"{m.peak_mb:,.0f}"
        elif "failed_run" in r.extra or "timed_out_run" in r.extra:
            run = r.extra.get("failed_run") or r.extra.get("timed_out_run")
            peak = f"{run['max_rss_kb'] / 1024:,.0f} (at the end)"  # type: ignore[index]
        body.append(
            [
                r.label,
                f"{r.n:,}",
                len(m.runs) if m else 0,
                wall,
                peak,
                s_over_p,
                p_over_s,
                r.target or "-",
                r.verdict,
                r.note or ("-" if r.status == "ok" else r.status),
            ]
        )
    return markdown_table(
        [
            "command",
            "N (ratings)",
            "runs",
            "median wall",
            "peak RSS (MB)",
            "socmodel / peer",
            "peer / socmodel",
            "target",
            "verdict",
            "note",
        ],
        body,
    )


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000, 5_000_000]
    )
    parser.add_argument("--runs", type=int, default=3, help="recorded runs per command")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded runs first")
    parser.add_argument("--quick", action="store_true", help="10k and 100k ratings, 1 run")
    parser.add_argument("--skip-frictionless", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per child run")
    parser.add_argument(
        "--memory-limit", type=float, default=8.0, help="GiB of address space per child (0: none)"
    )
    parser.add_argument(
        "--long", type=float, default=120.0, help="a warm-up longer than this: one recorded run"
    )
    parser.add_argument("--codes-ratings", type=int, default=None, help="default 300000")
    parser.add_argument("--only", choices=SHAPES, action="append", help="repeatable")
    parser.add_argument(
        "--peer",
        action="append",
        choices=[script.split("_")[0] for _, script, _, _ in PEERS],
        help="only these peers (repeatable; default all)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [s for s in args.sizes if s <= 100_000] or [10_000, 100_000]
        args.runs = 1
    codes_ratings = args.codes_ratings or (60_000 if args.quick else 300_000)
    only = set(args.only or SHAPES)
    runner = Runner(args)
    sizes = sorted(set(args.sizes))
    busy = cpu_busy()
    facts = machine_facts()
    print("bench_peers: " + ", ".join(sorted(only)) + f" at {sizes}", file=sys.stderr)

    parts: list[str] = ["## Paired with the pandas scripts (bench_peers.py)\n"]
    parts.append(
        f"Python {facts['python']}, {facts['nproc (usable CPUs)']} CPUs, socmodel commit "
        f"{facts['socmodel commit']}; load average at the start {load()}"
        + (f", CPU busy in the 2 s before: {busy:.0f}%" if busy is not None else "")
        + f". {args.runs} recorded run(s) after {args.warmup} warm-up; every child limited to "
        f"{fmt_time(args.timeout)} and {args.memory_limit:g} GiB of address space.\n"
    )
    if busy is not None and busy >= 20:
        parts.append("> Note: the CPUs were busy when the run started; times may be inflated.\n")
    all_rows: list[Result] = []
    checks: list[list[object]] = []

    def shape_section(title: str, blurb: str, groups: list[list[Result]], book: dict) -> None:  # type: ignore[type-arg]
        parts.append(f"### {title}\n")
        parts.append(blurb + "\n")
        flat = [r for g in groups for r in g]
        parts.append(table_of_groups(groups))
        parts.append("")
        for g in groups:
            checks.extend(compare(g, book))
        all_rows.extend(flat)
        print("\n".join(parts[-4:]), flush=True)

    def table_of_groups(groups: list[list[Result]]) -> str:
        lines = [table(g, args.timeout) for g in groups]
        head, sep = lines[0].splitlines()[:2]
        return "\n".join([head, sep] + [ln for t in lines for ln in t.splitlines()[2:]])

    mixed_book = _codebook(bv.CODES, bv.MISSING)
    if "mixed" in only:
        groups = []
        for size in sizes:
            folder = mixed_data(math.ceil(size / 30), 3, None)
            g = reliability_rows(runner, "mixed", folder)
            peer_verdicts(g)
            groups.append(g)
        shape_section(
            "1. 3 coders x 10 mixed codes, long layout",
            "bench_validate.py's scheme and generator: 3 ordinal, 3 nominal (text), 2 ratio "
            "integer counts 0-30, 2 interval codes (one -3..3 at one decimal, one unbounded, "
            "about 1,000 distinct values), every unit rated by all 3 coders, one CSV file. "
            "socmodel computes every coefficient of its registry for each code; each peer "
            "computes its own coefficient (see the list below). Ratio columns: socmodel / "
            "peer < 1 means socmodel is faster; peer / socmodel is how many times longer the "
            "peer takes.",
            groups,
            mixed_book,
        )
    if "coders" in only:
        groups = []
        for size in [s for s in sizes if 100_000 <= s <= 1_000_000] or [min(sizes)]:
            folder = mixed_data(math.ceil(size / 30), 50, 3)
            g = reliability_rows(runner, "coders", folder)
            peer_verdicts(g)
            groups.append(g)
        shape_section(
            "2. 50 coders, 3 per unit, 10 mixed codes",
            "The same scheme and generator; a team of 50 coders, each unit rated by 3 of "
            "them drawn at random (so a coder pair shares about 1 unit in 400). Cohen's kappa "
            "runs over all 1,225 coder pairs; pingouin's ICC needs every coder on every unit.",
            groups,
            mixed_book,
        )
    if "codes" in only:
        groups, medians = [], {}
        for n_codes in (10, 500):
            folder = codes_data(n_codes, codes_ratings)
            g = reliability_rows(runner, "codes", folder, label_extra=f" ({n_codes} codes)")
            peer_verdicts(g)
            medians[n_codes] = g[0]
            groups.append(g)
        a, b = medians[10], medians[500]
        if a.median and b.median:
            ratio = b.median / a.median
            b.extra["ratio_500_10"] = ratio
            b.target = (b.target + "; " if b.target else "") + "500 codes <= 1.3 x 10 codes"
            v = "met" if ratio <= 1.3 else "**not met**"
            b.verdict = (b.verdict + "; " if b.verdict != "-" else "") + f"{v} ({ratio:.2f}x)"
        shape_section(
            "3. 500 codes against 10 codes, same ratings",
            f"bench_codes.py's data ({codes_ratings:,} ratings, 3 coders, ordinal codes 1-5, "
            "90% agreement): 10 codes x "
            f"{codes_ratings // 30:,} units and 500 codes x {codes_ratings // 1500:,} units, "
            "rewritten as one long CSV so every command reads the same file.",
            groups,
            {"codes": [{"id": f"c{i:03d}", "level": "ordinal"} for i in range(500)]},
        )
    if "ratio" in only:
        ratio_book = _codebook([("size", "ratio", None, None, False)], [])
        g0 = reliability_rows(runner, "ratio", ratio_data(33_334))
        peer_verdicts(g0)
        g0[0].target = "< 5 s" + (f"; {g0[0].target}" if g0[0].target else "")
        if g0[0].median is not None:
            v = "met" if g0[0].median < 5 else "**not met**"
            g0[0].verdict = v + ("" if g0[0].verdict == "-" else f"; {g0[0].verdict}")
        g1 = reliability_rows(runner, "ratio", ratio_data(3_334), replicates=2000, peers=False)
        g1[0].target = "< 10 s"
        if g1[0].median is not None:
            g1[0].verdict = "met" if g1[0].median < 10 else "**not met**"
        g2 = reliability_rows(runner, "ratio", ratio_data(10_000), replicates=2000, peers=False)
        g2[0].note = "10,000 units (30,000 values): no target"
        shape_section(
            "4. One continuous ratio code, all values distinct",
            "3 coders, lognormal values with 10% coder noise, every value distinct (the O(V^2) "
            "worst case of ratio alpha). Targets: 100,000 values without a bootstrap under "
            "5 s; 2,000 replicates at 10,000 values under 10 s. No peer bootstraps alpha, so "
            "the bootstrap rows have socmodel alone.",
            [g0, g1, g2],
            ratio_book,
        )
    if "validate" in only:
        big = [s for s in sizes if s >= 1_000_000] or [max(sizes)]
        rows_v: list[list[object]] = []
        py = sys.executable
        for size in big:
            folder = mixed_data(math.ceil(size / 30), 3, None)
            n = ratings_in(folder)
            csv_path = str(folder / "long.csv")
            floor = runner.measure(
                Result("validate", "csv module, bare read (floor)", n),
                [py, "-c", bv.CSV_FLOOR, csv_path],
                shown=f"python -c '<csv.reader loop>' {_rel(csv_path)}",
            )
            soc = runner.measure(
                Result("validate", "socmodel validate --format json", n),
                [
                    socmodel_exe(),
                    "validate",
                    str(folder / "scheme.yaml"),
                    csv_path,
                    "--format",
                    "json",
                ],
            )
            group = [floor, soc]
            if not args.skip_frictionless:
                runner.once([py, "-c", "import frictionless"])  # fills its .pyc cache
                group.append(
                    runner.measure(
                        Result("validate", "frictionless validate + Table Schema", n),
                        # relative paths: frictionless refuses absolute ones as "not safe"
                        [
                            py,
                            "-c",
                            bv.FRICTIONLESS,
                            _rel(csv_path),
                            _rel(str(folder / "long.schema.json")),
                        ],
                        warmup=0,
                        shown="python -c '<frictionless validate(csv, schema=...)>' "
                        f"{_rel(csv_path)} {_rel(str(folder / 'long.schema.json'))}",
                    )
                )
            if soc.median and floor.median:
                ratio = soc.median / floor.median
                soc.extra["ratio_to_csv"] = ratio
                if n >= 1_000_000 and n < 2_000_000:
                    soc.target = "<= 2x csv read"
                    soc.verdict = "met" if ratio <= 2 else "**not met**"
            for r in group:
                s_over = "-"
                if r is not floor and r.median and floor.median:
                    s_over = f"{r.median / floor.median:.2f}"
                rows_v.append(
                    [
                        r.label,
                        f"{r.n:,}",
                        len(r.measurement.runs) if r.measurement else 0,
                        fmt_time(r.median) if r.median is not None else r.status,
                        f"{r.measurement.peak_mb:,.0f}" if r.median is not None else "-",
                        s_over,
                        r.target or "-",
                        r.verdict,
                    ]
                )
            all_rows.extend(group)
        start = len(parts)
        parts.append("### 5. Validation: socmodel against the csv module and Frictionless\n")
        parts.append(
            "The mixed files of shape 1 (long layout). The floor is `csv.reader` over the "
            "file; Frictionless uses bench_validate.py's long Table Schema (one `value` column "
            "for every code, so it checks far less: see benchmarks/README.md). "
            "Frictionless runs have no warm-up (one `import frictionless` fills its cache).\n"
        )
        parts.append(
            markdown_table(
                [
                    "command",
                    "N (rows)",
                    "runs",
                    "median wall",
                    "peak RSS (MB)",
                    "x csv read",
                    "target",
                    "verdict",
                ],
                rows_v,
            )
        )
        parts.append("")
        print("\n".join(parts[start:]), flush=True)

    tail_from = len(parts)
    parts.append("### Same values (socmodel's JSON against each peer, per code)\n")
    if checks:
        parts.append(
            markdown_table(
                [
                    "shape",
                    "peer",
                    "N",
                    "compared with",
                    "codes",
                    f"within {TOL:g}",
                    "max |diff|",
                    "note",
                ],
                checks,
            )
        )
    else:
        parts.append("(nothing to compare)")
    parts.append("")
    parts.append("Peers (benchmarks/peers/, each `python SCRIPT long.csv codebook.json`):\n")
    parts += [f"- {name} (`{script}`): {what}" for name, script, _, what in PEERS]
    parts.append("")
    parts.append(
        "Commands (run from the repository root; `$D` is the shape's data folder, "
        "`benchmarks/data/peers-<shape>-<units>/`):\n"
    )
    seen: set[str] = set()
    folders: dict[str, set[str]] = {}
    for r in all_rows:
        if not r.measurement:
            continue
        command = re.sub(r"benchmarks/data/(peers-[^/ ]+)/", "$D/", r.measurement.command)
        for name in re.findall(r"benchmarks/data/(peers-[^/ ]+)/", r.measurement.command):
            folders.setdefault(r.shape, set()).add(name)
        if command not in seen:
            seen.add(command)
            parts.append(f"- {r.label}: `{command}`")
    parts.append(
        "\nData folders (benchmarks/data/): "
        + "; ".join(
            f"{shape}: {', '.join(sorted(names, key=lambda x: int(x.rsplit('-', 1)[1])))}"
            for shape, names in folders.items()
        )
        + "."
    )
    parts.append(f"\nLoad average at the end (1, 5, 15 min): {load()}.\n")
    print("\n".join(parts[tail_from:]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "peers.md").write_text("\n".join(parts))
    save(
        "peers",
        {
            "machine": facts,
            "cpu_busy_before": busy,
            "args": vars(args),
            "results": [r.as_dict() for r in all_rows],
            "checks": checks,
        },
    )
    print(f"(also written to {(RESULTS / 'peers.md').relative_to(ROOT)})", file=sys.stderr)
    failed_soc = [r for r in all_rows if r.label.startswith("socmodel") and r.status != "ok"]
    return 1 if failed_soc else 0


if __name__ == "__main__":
    raise SystemExit(main())
