"""diagnose against reliability on the same file: time and peak memory (issue #14).

    python benchmarks/bench_diagnose.py [--units N] [--runs N]

Uses bench_validate.py's seeded 10-code long file (N units x 3 coders x 10 codes; 33,334
units = 1,000,020 ratings by default) and times, as fresh subprocesses after one warm-up,
``reliability --format json`` (its default bootstrap, as diagnose runs it),
``reliability --bootstrap 0`` for reference, and ``diagnose --format json``. Targets: diagnose
at most 2x reliability's time, and no more peak memory than reliability.
"""

from __future__ import annotations

import argparse

import bench_validate
from _harness import fmt_time, markdown_table, measure, save, socmodel_exe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=33_334)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = bench_validate.generate(args.units, force=False)
    exe = socmodel_exe()
    base = [str(paths["scheme"]), str(paths["long"]), "--format", "json"]
    runs = {
        name: measure(name, [exe, *argv], runs=args.runs, ok=(0, 1))
        for name, argv in (
            ("reliability", ["reliability", *base]),
            ("reliability --bootstrap 0", ["reliability", *base, "--bootstrap", "0"]),
            ("diagnose", ["diagnose", *base]),
        )
    }
    rel, diag = runs["reliability"], runs["diagnose"]
    time_ratio, memory = diag.median / rel.median, (diag.peak_mb, rel.peak_mb)
    rows = [[name, fmt_time(m.median), f"{m.peak_mb:.0f}"] for name, m in runs.items()]
    print(markdown_table(["command", "median wall", "peak RSS (MB)"], rows))
    print()
    print(
        f"diagnose / reliability: {time_ratio:.2f}x time "
        f"({'met' if time_ratio <= 2 else '**not met**'}, target <= 2), "
        f"{memory[0]:.0f} against {memory[1]:.0f} MB "
        f"({'met' if memory[0] <= memory[1] else '**not met**'}, target <=)"
    )
    save("diagnose", {"units": args.units, "runs": {n: m.as_dict() for n, m in runs.items()}})


if __name__ == "__main__":
    main()
