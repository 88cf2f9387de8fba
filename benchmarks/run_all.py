"""Run every socmodel benchmark and print the results as Markdown (what `make bench` does).

    .venv/bin/python benchmarks/run_all.py [--quick] [--peers]

Runs bench_cli.py, bench_validate.py, bench_xlsx.py, bench_codes.py, bench_diagnose.py and, when present,
bench_stats.py, one after another, and with ``--peers`` bench_peers.py last (the paired
runs against the pandas scripts: over an hour in full, a few minutes with --quick)
(never in parallel: they would compete for the CPUs they measure). Each script prints its own
Markdown tables; this prints the machine facts first and writes everything to
benchmarks/.results/results.md as well. Exit status 1 if any script failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _harness import BENCH, RESULTS, cpu_busy, load, machine_facts, markdown_table

QUICK = {
    "bench_cli.py": ["--runs", "5", "--slow-runs", "3"],
    "bench_validate.py": ["--runs", "1", "--frictionless-runs", "1"],
    "bench_stats.py": ["--quick"],
    "bench_xlsx.py": ["--runs", "1"],
    "bench_codes.py": ["--runs", "1", "--ratings", "60000"],
    "bench_diagnose.py": ["--runs", "1", "--units", "3334"],
    "bench_peers.py": ["--quick"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument(
        "--peers", action="store_true", help="also bench_peers.py (long: over an hour in full)"
    )
    args = parser.parse_args(argv)

    scripts = [
        "bench_cli.py",
        "bench_validate.py",
        "bench_xlsx.py",
        "bench_codes.py",
        "bench_diagnose.py",
    ]
    if (BENCH / "bench_stats.py").exists():
        scripts.append("bench_stats.py")
    if args.peers:
        scripts.append("bench_peers.py")

    facts = machine_facts()
    parts = [
        "## Machine\n",
        markdown_table(["fact", "value"], list(facts.items())),
        "",
    ]
    busy = cpu_busy()
    if busy is not None:
        parts.append(f"CPU busy in the 2 s before the run: {busy:.0f}% of {os.cpu_count()} CPUs.\n")
        if busy >= 20:
            parts.append(
                "> Note: other processes were using the CPUs when the run started, so times "
                "may be inflated; rerun on an idle machine for reference figures.\n"
            )
    print("\n".join(parts), flush=True)

    failed = []
    for script in scripts:
        cmd = [sys.executable, str(BENCH / script)]
        if args.quick:
            cmd += QUICK.get(script, [])
        start = time.perf_counter()
        # stderr (progress) goes straight to the terminal; stdout (Markdown) is collected.
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
        took = time.perf_counter() - start
        print(proc.stdout, end="", flush=True)
        parts.append(proc.stdout)
        if proc.returncode != 0:
            failed.append(script)
            msg = f"**{script} failed (exit {proc.returncode}); see its error output above.**\n"
            print(msg, flush=True)
            parts.append(msg)
        print(f"  {script} took {took:.0f} s", file=sys.stderr)

    parts.append(f"\nLoad average at the end (1, 5, 15 min): {load()}.\n")
    print(parts[-1])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.md").write_text("\n".join(parts))
    print(
        f"(also written to {(RESULTS / 'results.md').relative_to(BENCH.parent)})", file=sys.stderr
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
