"""Benchmark socmodel's statistics core against the reference packages, on the same data.

    .venv/bin/python benchmarks/bench_stats.py [--quick]

Prints Markdown tables:

(a) Krippendorff's alpha for one code, 3 coders x 1,000,000 units, every level, socmodel vs
    the ``krippendorff`` package (0.9). Where the package cannot run (continuous values: it
    builds a units x values x values array) it is shown failing at a few hundred units.
(b) 10,000 unit-bootstrap replicates over 100,000 units of a categorical code.
(c) Fleiss' kappa (statsmodels), Cohen's kappa (scikit-learn) and Gwet's AC1 (irrCAC)
    against socmodel on 100,000 units.

Time is wall-clock (best of ``--repeat`` runs for fast calls). Peak memory is the peak of
traced allocations (``tracemalloc``, which sees numpy's buffers) during a separate run, so
tracing does not slow the timed run. Each value is checked against the reference where
both ran. ``--quick`` uses 100,000 units in (a) for a smoke test.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
import tracemalloc
import warnings
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

from socmodel_cli.stats import (
    alpha,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    kalpha_bootstrap,
)

SEED = 20240611


def measure(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float, float]:
    """(result, best wall seconds, peak traced MiB); the peak comes from one extra traced run."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, best, peak / 2**20


def try_measure(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, str, str]:
    try:
        res, sec, mib = measure(fn, repeat)
    except MemoryError as exc:
        return None, "fails", f"MemoryError: {str(exc).split('(')[0].strip()}"
    return res, f"{sec:.2f} s", f"{mib:,.0f} MiB"


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def fmt(v: float | None) -> str:
    return "undefined" if v is None else f"{v:.6f}"


def coded(n: int, rng: np.random.Generator, k: int = 5, coders: int = 3) -> np.ndarray:
    """Categorical code: each coder reports the unit's true category 80% of the time; 10% of
    cells are not coded."""
    truth = rng.integers(0, k, n)
    cols = [np.where(rng.random(n) < 0.8, truth, rng.integers(0, k, n)) for _ in range(coders)]
    x = np.stack(cols, axis=1).astype(np.float64)
    x[rng.random(x.shape) < 0.1] = np.nan
    return x


def continuous(n: int, rng: np.random.Generator, coders: int = 3) -> np.ndarray:
    """Continuous positive code (e.g. minutes of resistance), all values distinct."""
    truth = rng.gamma(3.0, 2.0, size=n)
    x = np.abs(truth[:, None] + rng.normal(scale=1.0, size=(n, coders)))
    x[rng.random(x.shape) < 0.1] = np.nan
    return x


def kripp_pkg(x: np.ndarray, level: str, domain: np.ndarray | None = None) -> float:
    import krippendorff

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(
            krippendorff.alpha(
                reliability_data=x.T, level_of_measurement=level, value_domain=domain
            )
        )


def section_alpha(n: int, repeat: int) -> str:
    rng = np.random.default_rng(SEED)
    cat = coded(n, rng)
    scale = cat + 1.0  # the same code as a 1-5 rating scale
    cont = continuous(n, rng)
    rows: list[list[str]] = []
    cases: list[tuple[str, np.ndarray, str, int | None, np.ndarray | None]] = [
        ("nominal, 5 categories", cat, "nominal", 5, np.arange(5.0)),
        ("ordinal, 5 categories", cat, "ordinal", 5, np.arange(5.0)),
        ("interval, 1-5 scale", scale, "interval", None, None),
        ("ratio, 1-5 scale", scale, "ratio", None, None),
    ]
    for label, x, level, k, domain in cases:
        ours, t_ours, m_ours = try_measure(lambda x=x, level=level, k=k: alpha(x, level, k), repeat)
        theirs, t_pkg, m_pkg = try_measure(
            lambda x=x, level=level, domain=domain: kripp_pkg(x, level, domain), repeat
        )
        agree = "yes" if theirs is not None and abs(ours.value - theirs) < 1e-9 else "no"
        rows.append([label, f"{n:,}", t_ours, m_ours, t_pkg, m_pkg, fmt(ours.value), agree])
    ours, t_ours, m_ours = try_measure(lambda: alpha(cont, "interval"), repeat)
    rows.append(
        [
            "interval, continuous",
            f"{n:,}",
            t_ours,
            m_ours,
            "cannot run",
            "see below",
            fmt(ours.value),
            "-",
        ]
    )
    # Ratio with all-distinct values is O(V^2) in distinct values V for us too: smaller n.
    n_ratio = min(n, 10_000)
    sub = cont[:n_ratio]
    ours, t_ours, m_ours = try_measure(lambda: alpha(sub, "ratio"))
    rows.append(
        [
            "ratio, continuous (O(V^2))",
            f"{n_ratio:,}",
            t_ours,
            m_ours,
            "cannot run",
            "see below",
            fmt(ours.value),
            "-",
        ]
    )
    out = [
        "### (a) Krippendorff's alpha, one code, 3 coders, 10% of cells not coded\n",
        table(
            [
                "level / data",
                "units",
                "socmodel time",
                "socmodel peak",
                "krippendorff time",
                "krippendorff peak",
                "alpha",
                "same value (1e-9)",
            ],
            rows,
        ),
        "",
        "The krippendorff package on the continuous code (all values distinct):\n",
    ]
    fail_rows: list[list[str]] = []
    for small in (100, 200, 1_000):
        sub = cont[:small]
        theirs, t_pkg, m_pkg = try_measure(lambda sub=sub: kripp_pkg(sub, "interval"))
        ours = alpha(sub, "interval").value
        v = int(np.unique(sub[~np.isnan(sub)]).size)
        need = small * v * v * 8 / 2**30
        same = "-" if theirs is None else ("yes" if abs(ours - theirs) < 1e-9 else "no")
        fail_rows.append([f"{small:,}", f"{v:,}", t_pkg, m_pkg, f"{need:,.1f} GiB", same])
    out.append(
        table(
            [
                "units",
                "distinct values V",
                "time",
                "peak",
                "one units x V x V float64 array",
                "same value",
            ],
            fail_rows,
        )
    )
    return "\n".join(out)


def section_bootstrap() -> str:
    rng = np.random.default_rng(SEED + 1)
    x = coded(100_000, rng)
    rows = []
    for level in ("nominal", "ordinal", "interval"):
        res, sec, mib = measure(
            lambda level=level: bootstrap_alpha(x, level, 5, replicates=10_000, seed=1)
        )
        rows.append(
            [
                f"unit bootstrap, {level}",
                "10,000",
                f"{sec:.2f} s",
                f"{mib:,.0f} MiB",
                f"[{res.ci_low:.4f}, {res.ci_high:.4f}]",
            ]
        )
    res, sec, mib = measure(lambda: kalpha_bootstrap(x, "nominal", 5, replicates=10_000, seed=1))
    rows.append(
        [
            "KALPHA-compatible, nominal",
            "10,000",
            f"{sec:.2f} s",
            f"{mib:,.0f} MiB",
            f"[{res.ci_low:.4f}, {res.ci_high:.4f}]",
        ]
    )
    xc = continuous(100_000, rng)
    res, sec, mib = measure(lambda: bootstrap_alpha(xc, "interval", replicates=2_000, seed=1))
    rows.append(
        [
            "unit bootstrap, interval, continuous",
            "2,000",
            f"{sec:.2f} s",
            f"{mib:,.0f} MiB",
            f"[{res.ci_low:.4f}, {res.ci_high:.4f}]",
        ]
    )
    return "\n".join(
        [
            "### (b) Bootstrap of alpha, 100,000 units, 3 coders\n",
            table(["method", "replicates", "time", "peak", "95% interval"], rows),
        ]
    )


def section_kappas() -> str:
    import pandas as pd
    from irrCAC.raw import CAC
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    rng = np.random.default_rng(SEED + 2)
    n = 100_000
    complete = coded(n, rng)
    complete = np.where(np.isnan(complete), 0.0, complete)  # statsmodels needs complete data
    missing = coded(n, rng)
    rows = []

    def sm() -> float:
        counts, _ = aggregate_raters(complete.astype(int), n_cat=5)
        return float(sm_fleiss(counts))

    ref, t_ref, m_ref = measure(sm, 3)
    ours, t_ours, m_ours = measure(lambda: fleiss_kappa(complete, "nominal", 5), 3)
    rows.append(
        ["Fleiss' kappa, complete", "statsmodels", t_ref, m_ref, t_ours, m_ours, ref, ours.value]
    )

    a, b = complete[:, 0].astype(int), complete[:, 1].astype(int)
    ref, t_ref, m_ref = measure(lambda: float(cohen_kappa_score(a, b, labels=list(range(5)))), 3)
    two = complete[:, :2]
    ours, t_ours, m_ours = measure(lambda: cohen_kappa(two, "nominal", 5), 3)
    rows.append(
        ["Cohen's kappa (+ASE)", "scikit-learn", t_ref, m_ref, t_ours, m_ours, ref, ours.value]
    )

    def irr() -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = CAC(pd.DataFrame(missing), categories=[0.0, 1.0, 2.0, 3.0, 4.0], digits=15).gwet()
        return float(res["est"]["coefficient_value"])

    ref, t_ref, m_ref = measure(irr, 3)
    ours, t_ours, m_ours = measure(lambda: gwet_ac1(missing, "nominal", 5), 3)
    rows.append(
        [
            "Gwet's AC1 (+SE, CI), 10% missing",
            "irrCAC",
            t_ref,
            m_ref,
            t_ours,
            m_ours,
            ref,
            ours.value,
        ]
    )

    body = [
        [
            name,
            tool,
            f"{tr:.3f} s",
            f"{mr:,.0f} MiB",
            f"{to:.3f} s",
            f"{mo:,.0f} MiB",
            "yes" if abs(r - o) < 1e-9 else "no",
        ]
        for name, tool, tr, mr, to, mo, r, o in rows
    ]
    return "\n".join(
        [
            f"### (c) Kappa-type coefficients, {n:,} units, 3 coders (Cohen: the first two)\n",
            table(
                [
                    "coefficient",
                    "reference",
                    "reference time",
                    "reference peak",
                    "socmodel time",
                    "socmodel peak",
                    "same value (1e-9)",
                ],
                body,
            ),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 units in (a)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per fast timing (best of)")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in ("numpy", "krippendorff", "statsmodels", "scikit-learn", "irrCAC")
    )
    print("## Statistics core\n")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {versions}.\n")
    print(section_alpha(n, args.repeat))
    print()
    print(section_bootstrap())
    print()
    print(section_kappas())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
