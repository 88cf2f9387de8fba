"""Start-up and end-to-end wall time of the socmodel CLI on the bundled example study.

    .venv/bin/python benchmarks/bench_cli.py [--runs N] [--slow-runs N]

Each command is a fresh subprocess (what a user or a shell loop pays), stdout to /dev/null.
``python -c pass`` is the floor: the interpreter's own start-up on this machine.
Prints a Markdown table; raw numbers go to benchmarks/.results/cli.json.
"""

from __future__ import annotations

import argparse
import sys

from _harness import (
    Measurement,
    fmt_time,
    machine_facts,
    markdown_table,
    measure,
    save,
    socmodel_exe,
    verdict,
)

SCHEME = "schemes/socialization-to-the-model.yaml"
EXPORTS = ["examples/alice.csv", "examples/ben.csv", "examples/chloe.csv"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of the fast commands")
    parser.add_argument("--slow-runs", type=int, default=10, help="runs of validate/reliability")
    args = parser.parse_args(argv)

    exe = socmodel_exe()
    py = sys.executable
    # (name, argv, runs, accepted exit codes, target seconds)
    plan: list[tuple[str, list[str], int, tuple[int, ...], float | None]] = [
        ("python -c pass (floor)", [py, "-c", "pass"], args.runs, (0,), None),
        ("socmodel --help", [exe, "--help"], args.runs, (0,), 0.150),
        ("socmodel --version", [exe, "--version"], args.runs, (0,), None),
        ("socmodel validate", [exe, "validate", SCHEME, *EXPORTS], args.slow_runs, (0,), None),
        (
            "socmodel reliability --bootstrap 2000",
            [exe, "reliability", SCHEME, *EXPORTS, "--bootstrap", "2000"],
            args.slow_runs,
            # Exit 1 = a code is below its alpha threshold: a finding, not a failure to run.
            (0, 1),
            1.0,
        ),
    ]
    print("bench_cli: timing CLI commands ...", file=sys.stderr)
    results: list[tuple[Measurement, float | None]] = []
    for name, cmd, runs, ok, target in plan:
        results.append((measure(name, cmd, runs=runs, ok=ok), target))

    floor = results[0][0].median
    rows = []
    for m, target in results:
        q1, q3 = m.quartiles
        rows.append(
            [
                m.name,
                len(m.runs),
                fmt_time(m.median),
                f"{fmt_time(q1)} - {fmt_time(q3)}",
                f"{fmt_time(min(m.walls))} - {fmt_time(max(m.walls))}",
                "-" if "floor" in m.name else fmt_time(m.median - floor),
                f"{m.peak_mb:.0f}",
                "-" if target is None else f"< {fmt_time(target)}",
                verdict(m.median, target),
            ]
        )
    print("### CLI wall time (bench_cli.py)\n")
    print(
        f"Subprocess wall time, stdout to /dev/null, 1 warm-up run then N recorded runs. "
        f"Files: `{SCHEME}` with `{' '.join(EXPORTS)}`.\n"
    )
    print(
        markdown_table(
            [
                "command",
                "N",
                "median",
                "IQR",
                "min - max",
                "median above floor",
                "peak RSS (MB)",
                "target",
                "verdict",
            ],
            rows,
        )
    )
    print()
    print("Commands (run from the repository root):\n")
    for m, _ in results:
        print(f"- {m.name}: `{m.command}`")
    print()
    save(
        "cli",
        {
            "machine": machine_facts(),
            "measurements": [m.as_dict() | {"target": t} for m, t in results],
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
