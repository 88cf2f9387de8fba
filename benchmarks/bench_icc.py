"""Benchmark socmodel's ICC against pingouin.intraclass_corr on the same data.

    .venv/bin/python benchmarks/bench_icc.py [--sizes 1000 10000 100000 1000000]
                                             [--timeout 900] [--skip-pingouin] [--no-reml]

Data: one interval code, ``n`` units x 3 coders, complete, seeded (unit SD 1, coder SD 0.5,
residual SD 0.7). Every measurement is a fresh child process (``--child``) that builds the
data, imports what it needs, then times the call alone (``time.perf_counter``): socmodel's
``icc_all`` on the wide array, pingouin's ``intraclass_corr`` on the long DataFrame it
requires (building that frame is not timed). Memory is the child's peak resident set size
(``ru_maxrss``) and its increase over the resident size just before the call. The parent
checks that the six values agree to 1e-6 wherever both ran, and prints a Markdown table.

``socmodel, REML`` is the same data with one rating per unit removed at random (each unit
double-coded by a varying pair), computed by REML: the incomplete-design path, which
pingouin cannot run (it would drop every unit). ``--timeout`` bounds each child (a row then
reads "timed out").
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SEED = 20240613
CODERS = 3
RUNNERS = ("socmodel", "pingouin", "socmodel-reml")


def make_data(n: int, incomplete: bool) -> Any:
    import numpy as np

    rng = np.random.default_rng(SEED)
    x = (
        rng.normal(size=(n, 1))
        + rng.normal(scale=0.5, size=(1, CODERS))
        + rng.normal(scale=0.7, size=(n, CODERS))
    )
    if incomplete:
        x[np.arange(n), rng.integers(0, CODERS, n)] = np.nan
    return x


def rss_now_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(runner: str, n: int) -> None:
    """Build the data, time one call, print one JSON line."""
    x = make_data(n, incomplete=runner == "socmodel-reml")
    if runner == "pingouin":
        import numpy as np
        import pandas as pd
        import pingouin as pg

        df = pd.DataFrame(
            {
                "unit": np.repeat(np.arange(n), CODERS),
                "coder": np.tile(np.arange(CODERS), n),
                "y": x.ravel(),
            }
        )
        before = rss_now_kb()
        start = time.perf_counter()
        table = pg.intraclass_corr(df, targets="unit", raters="coder", ratings="y")
        wall = time.perf_counter() - start
        values = dict(zip(table["Type"], table["ICC"].astype(float), strict=True))
        keyed = {
            "icc1": values["ICC(1,1)"],
            "icc1k": values["ICC(1,k)"],
            "icc_a1": values["ICC(A,1)"],
            "icc_ak": values["ICC(A,k)"],
            "icc_c1": values["ICC(C,1)"],
            "icc_ck": values["ICC(C,k)"],
        }
    else:
        from socmodel_cli.stats.icc import icc_all

        icc_all(make_data(10, runner == "socmodel-reml"))  # load scipy outside the timing
        before = rss_now_kb()
        start = time.perf_counter()
        res = icc_all(x)
        wall = time.perf_counter() - start
        keyed = {k: r.value for k, r in res.items()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "peak_kb": peak, "before_kb": before, "values": keyed}))


def measure(runner: str, n: int, timeout: float) -> dict[str, Any] | str:
    cmd = [sys.executable, __file__, "--child", runner, "--units", str(n)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "timed out"
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        return f"failed ({tail[0][:60]})"
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def cells(r: dict[str, Any] | str) -> list[str]:
    if isinstance(r, str):
        return [r, "-", "-"]
    peak = r["peak_kb"] / 1024
    extra = max(r["peak_kb"] - r["before_kb"], 0) / 1024
    return [f"{r['wall']:.3f} s", f"{peak:,.0f} MiB", f"{extra:,.0f} MiB"]


def agree(a: dict[str, Any] | str, b: dict[str, Any] | str) -> str:
    if isinstance(a, str) or isinstance(b, str):
        return "-"
    ok = all(abs(a["values"][k] - b["values"][k]) <= 1e-6 for k in a["values"])
    return "yes" if ok else "**no**"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--skip-pingouin", action="store_true")
    ap.add_argument("--no-reml", action="store_true")
    ap.add_argument("--child", choices=RUNNERS, help=argparse.SUPPRESS)
    ap.add_argument("--units", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.units)
        return 0
    header = ["units x 3 coders", "runner", "time", "peak RSS", "RSS added", "same values"]
    rows = []
    failed = False
    for n in args.sizes:
        ours = measure("socmodel", n, args.timeout)
        rows.append([f"{n:,}", "socmodel `icc_all` (ANOVA)", *cells(ours), "-"])
        if not args.skip_pingouin:
            theirs = measure("pingouin", n, args.timeout)
            verdict = agree(ours, theirs)
            failed |= verdict == "**no**"
            rows.append([f"{n:,}", "pingouin `intraclass_corr`", *cells(theirs), verdict])
        if not args.no_reml:
            reml = measure("socmodel-reml", n, args.timeout)
            rows.append([f"{n:,}", "socmodel, REML (2 of 3 coders per unit)", *cells(reml), "-"])
        print(f"  {n:,} units done", file=sys.stderr)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    print("\n".join(out))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
