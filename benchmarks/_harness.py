"""Shared timing harness for the socmodel benchmarks (standard library only).

Every measured command runs as its own child process. Wall time is taken with
``time.perf_counter`` around spawn-to-reap; peak memory is the child's maximum resident
set size from ``os.wait4``, the same rusage record ``/usr/bin/time -v`` prints as
"Maximum resident set size", but per process and without a wrapper process in the way.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DATA = BENCH / "data"
RESULTS = BENCH / ".results"
PYCACHE = RESULTS / "pycache"


def child_env() -> dict[str, str]:
    """The environment of measured commands: ordinary bytecode caching, kept under benchmarks/.

    Some sandboxes export PYTHONDONTWRITEBYTECODE=1 with no .pyc files in site-packages, so
    every start would recompile typer, pydantic, numpy, ... (roughly doubling start-up). A user's
    installed socmodel has its bytecode cached, so the children get a cache of their own in
    benchmarks/.results/pycache (git-ignored), filled by the warm-up run.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def socmodel_exe() -> str:
    """The venv's ``socmodel`` entry point (the one `make setup` installs)."""
    for candidate in (
        ROOT / ".venv" / "bin" / "socmodel",
        Path(sys.executable).parent / "socmodel",
    ):
        if candidate.exists():
            return str(candidate)
    raise SystemExit("socmodel entry point not found; run `make setup` first")


@dataclass
class Run:
    wall: float  # seconds
    max_rss_kb: int
    returncode: int


def run_once(argv: Sequence[str], *, cwd: Path = ROOT) -> tuple[Run, str]:
    """Run ``argv`` once with stdout to /dev/null; return the run and the tail of stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=cwd,
            env=child_env(),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Run(wall, int(usage.ru_maxrss), proc.returncode), tail


@dataclass
class Measurement:
    name: str
    command: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def quartiles(self) -> tuple[float, float]:
        w = sorted(self.walls)
        if len(w) < 4:
            return w[0], w[-1]
        q = statistics.quantiles(w, n=4, method="inclusive")
        return q[0], q[2]

    @property
    def peak_mb(self) -> float:
        return max(r.max_rss_kb for r in self.runs) / 1024

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        if not self.runs:  # killed before a run completed (a timed-out peer)
            return d
        d.update(
            median=self.median,
            q1=self.quartiles[0],
            q3=self.quartiles[1],
            min=min(self.walls),
            max=max(self.walls),
            peak_mb=self.peak_mb,
        )
        return d


def measure(
    name: str,
    argv: Sequence[str],
    *,
    runs: int,
    warmup: int = 1,
    ok: Sequence[int] = (0,),
    shown: str | None = None,
) -> Measurement:
    """``warmup`` unrecorded runs (page cache, .pyc files), then ``runs`` recorded ones."""
    m = Measurement(name, shown or shlex.join(_relative(a) for a in argv))
    for i in range(warmup + runs):
        run, tail = run_once(argv)
        if run.returncode not in ok:
            raise SystemExit(
                f"{name}: exit code {run.returncode} (expected {list(ok)})\n{m.command}\n{tail}"
            )
        if i >= warmup:
            m.runs.append(run)
    print(f"  {name}: median {fmt_time(m.median)} over {runs} run(s)", file=sys.stderr)
    return m


def _relative(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(ROOT))
    except ValueError:
        return arg


def fmt_time(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float, limit: float | None) -> str:
    if limit is None:
        return "-"
    return "met" if value < limit else "**not met**"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_state() -> str:
    """The commit measured, and whether socmodel's sources had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}" + (" + uncommitted changes in src/" if dirty else "")


def cpu_busy(seconds: float = 2.0) -> float | None:
    """Share (0-100) of all CPUs' time spent busy over the next ``seconds`` (Linux only)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields[:8]), fields[3] + fields[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return 100.0 * (1 - (idle1 - idle0) / total) if total else None


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_facts() -> dict[str, str]:
    return {
        "nproc (usable CPUs)": str(len(os.sched_getaffinity(0))),
        "cpu model": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "socmodel commit": git_state(),
        "load average (1, 5, 15 min)": load(),
        "PYTHONDONTWRITEBYTECODE in caller's env": os.environ.get(
            "PYTHONDONTWRITEBYTECODE", "unset"
        ),
        **{
            d: _version(d)
            for d in ("socmodel", "typer", "click", "pydantic", "numpy", "frictionless")
        },
    }


def save(name: str, payload: dict[str, object]) -> Path:
    """Write raw results to benchmarks/.results/NAME.json (git-ignored)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
