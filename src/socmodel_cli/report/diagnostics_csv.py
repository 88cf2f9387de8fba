"""``diagnose --units-csv``: every disagreeing unit of every selected code, for a consensus
meeting. One row per code x unit, largest disagreement first within a code; the unit's key
columns, then one column per coder with the value they gave (empty = not coded).
"""

from __future__ import annotations

import io

from socmodel_cli.diagnostics import DiagnosisResult
from socmodel_cli.safecells import SafeWriter


def _coders(result: DiagnosisResult) -> list[str]:
    seen: dict[str, None] = {}
    for c in result.codes:
        for name in c.view.coders:
            seen.setdefault(name)
    return list(seen)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def units_csv(result: DiagnosisResult) -> str:
    keys = list(result.scheme.unit.keys)
    coders = _coders(result)
    buffer = io.StringIO()
    out = SafeWriter(buffer)
    header = [
        "code",
        "rank",
        *keys,
        # "coder:NAME" so a coder called like a key or a fixed column cannot collide with it
        *(f"coder:{name}" for name in coders),
        "share_of_disagreement",
        "disagreeing_pairs",
        "pairs",
        "spread",
    ]
    out.writerow(header)
    for c in result.codes:
        for rank, u in enumerate(c.units, start=1):
            given = dict(zip(c.view.coders, u.values, strict=True))
            row = [
                c.view.code.id,
                str(rank),
                *(k or "" for k in u.unit),
                *(given.get(name) or "" for name in coders),
                _fmt(u.share),
                str(u.disagreeing_pairs),
                str(u.pairs),
                _fmt(u.spread),
            ]
            out.writerow(row)
    return buffer.getvalue()
