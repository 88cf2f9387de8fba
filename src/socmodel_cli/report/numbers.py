"""How numbers look in everything socmodel prints for people (text and Markdown).

One style across commands, so a value reads the same in ``reliability``, ``diagnose``,
``validate`` and the report's tables: coefficients with three decimals and their leading
zero (``0.869``, ``-0.120``), intervals with the same decimals (``[0.834, 0.902]``), counts
with thousands separators (``1,359``), shares as whole percentages (``80%``), and a dash
for a value that does not exist. JSON and CSV carry full-precision numbers instead; the
report's methods paragraph follows APA and drops the leading zero (``report/methods.py``).
"""

from __future__ import annotations

DASH = "—"


def coefficient(x: float | None, digits: int = 3) -> str:
    return DASH if x is None else f"{x:.{digits}f}"


def interval(ci: tuple[float, float] | None, digits: int = 3) -> str:
    """``[low, high]``, or the empty string when there is no interval."""
    return "" if ci is None else f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"


def count(n: int) -> str:
    return f"{n:,}"


def percent(x: float | None) -> str:
    return DASH if x is None else f"{100 * x:.0f}%"
