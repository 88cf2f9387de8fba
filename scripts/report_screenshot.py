"""Regenerate docs/img/report.png: `socmodel report` on the bundled examples, in headless Chromium.

    python scripts/report_screenshot.py            # needs chromium on PATH
    python scripts/report_screenshot.py --keep DIR # also keep report.html in DIR

The page is byte-reproducible; the PNG depends on the fonts of the machine that takes it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Relative to ROOT (the command runs there), so the page names them as a user would.
EXAMPLES = [Path("examples") / f"{name}.csv" for name in ("alice", "ben", "chloe")]
SCHEME = Path("schemes") / "socialization-to-the-model.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="folder to keep report.html in")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "report.html"
        report = [sys.executable, "-m", "socmodel_cli", "report", str(SCHEME)]
        report += [*map(str, EXAMPLES), "-o", str(page), "--force"]
        done = subprocess.run(report, cwd=ROOT, check=False)
        if done.returncode not in {0, 1}:  # 1: a code fails, as it should on the examples
            return done.returncode
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shot = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--screenshot={args.out}",
            "--window-size=1100,1500",
            page.resolve().as_uri(),
        ]
        subprocess.run(shot, check=True, capture_output=True, timeout=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
