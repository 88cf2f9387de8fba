"""The report's figures as SVG text, drawn with matplotlib (loaded only by ``socmodel report``).

Every figure is byte-reproducible: no date or creator in the metadata, text kept as text
(``svg.fonttype = none``) and a hash salt per figure, so the ids inside one page differ
between figures but not between runs. No pyplot: a bare :class:`Figure` has no global state.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

STATUS_COLOURS = {
    "pass": "#1b7837",
    "fail": "#b2182b",
    "insufficient": "#b35806",
    "undefined": "#6b6b6b",
}
STATUS_MARKERS = {"pass": "o", "fail": "X", "insufficient": "s", "undefined": "D"}


@dataclass(frozen=True)
class Svg:
    """A figure: standalone SVG text plus its title and description (the text alternative)."""

    name: str  # file name stem, unique within a report
    title: str
    desc: str
    text: str  # a standalone SVG document (with its XML namespace)


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _svg(fig: Any, name: str, title: str, desc: str) -> Svg:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(
        {"svg.hashsalt": f"socmodel-{name}", "svg.fonttype": "none", "font.size": 10}
    ):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = text[text.index("<svg") :]
    return Svg(name, title, desc, _label(text, name, title, desc))


def _label(text: str, name: str, title: str, desc: str) -> str:
    """Put ``<title>`` and ``<desc>`` first inside the root element (what screen readers read)."""
    from html import escape

    end = text.index(">") + 1
    root = text[: end - 1] + f' role="img" aria-labelledby="{name}-title {name}-desc">'
    inner = (
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>'
    )
    return root + inner + text[end:]


def inline(svg: Svg) -> str:
    """The SVG for inline use in HTML: no XML namespaces (HTML's parser supplies them)."""
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg.text, count=2)


def forest(codes: Sequence[dict[str, Any]], name: str = "forest") -> Svg:
    """Each code's deciding coefficient with its interval, against the code's threshold."""
    fig = _figure(7.0, 0.9 + 0.45 * len(codes))
    ax = fig.add_subplot()
    lines = []
    for y, c in enumerate(codes):
        key = c["decided_by"]
        est = c["details"][key] or {}
        value, ci = est.get("value"), est.get("ci")
        colour = STATUS_COLOURS[c["status"]]
        ax.plot([c["threshold"]] * 2, [y - 0.35, y + 0.35], color="#333333", lw=1.2)
        if ci is not None and None not in ci:
            ax.plot(ci, [y, y], color=colour, lw=2)
        if value is not None:
            ax.plot([value], [y], marker=STATUS_MARKERS[c["status"]], color=colour, ms=8)
        else:
            ax.text(
                0.02, y, "undefined", va="center", color=colour, transform=ax.get_yaxis_transform()
            )
        shown = "undefined" if value is None else f"{value:.3f}"
        lines.append(f"{c['code']}: {key} {shown}, threshold {c['threshold']:.3f}, {c['status']}")
    ax.set_yticks(range(len(codes)), [c["code"] for c in codes])
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, *_lows(codes)), 1.0)
    ax.set_xlabel("deciding coefficient with its interval (bar: the code's threshold)")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    return _svg(
        fig, name, "Forest plot of every code's deciding coefficient", "; ".join(lines) + "."
    )


def _lows(codes: Sequence[dict[str, Any]]) -> list[float]:
    lows = []
    for c in codes:
        est = c["details"][c["decided_by"]] or {}
        for x in [est.get("value"), *(est.get("ci") or [])]:
            if x is not None:
                lows.append(float(x) - 0.05)
    return lows or [0.0]


def heatmap(
    matrix: Sequence[Sequence[float | None]],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    name: str,
    title: str,
    row_label: str,
    column_label: str,
    integers: bool = False,
) -> Svg:
    """A matrix as shaded cells with their numbers (vector quads, no embedded raster)."""
    import numpy as np

    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix])
    side = max(2.6, 0.55 * max(len(rows), len(columns)) + 1.6)
    fig = _figure(side + 0.8, side)
    ax = fig.add_subplot()
    mesh = ax.pcolormesh(data, cmap="Blues", edgecolors="white", lw=0.5)
    top = np.nanmax(data) if np.isfinite(data).any() else 0.0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            if np.isnan(v):
                continue
            text = f"{int(v)}" if integers else f"{v:g}"
            dark = top > 0 and v > 0.6 * top
            ax.text(
                j + 0.5,
                i + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.set_xticks([j + 0.5 for j in range(len(columns))], list(columns), rotation=45, ha="right")
    ax.set_yticks([i + 0.5 for i in range(len(rows))], list(rows))
    ax.invert_yaxis()
    ax.set_xlabel(column_label)
    ax.set_ylabel(row_label)
    bar = fig.colorbar(mesh, ax=ax, shrink=0.8)
    if bar.solids is not None:  # vector, not an embedded PNG: sharp when printed
        bar.solids.set_rasterized(False)
    desc = f"{len(rows)} by {len(columns)} matrix, {row_label} by {column_label}; the numbers are in the table beside it."
    return _svg(fig, name, title, desc)


def bland_altman(
    means: Sequence[float],
    differences: Sequence[float],
    limits: dict[str, Any],
    *,
    name: str,
    code: str,
) -> Svg:
    """Differences against means of one coder pair, with the bias and the limits of agreement."""
    fig = _figure(5.5, 3.6)
    ax = fig.add_subplot()
    a, b = limits["coders"]
    ax.scatter(means, differences, s=12, color="#2c7fb8", alpha=0.6, linewidths=0)
    parts = []
    for key, style in (("bias", "-"), ("lower", "--"), ("upper", "--")):
        value = limits[key]["value"]
        if value is not None:
            ax.axhline(value, color="#b2182b" if key == "bias" else "#555555", ls=style, lw=1)
            parts.append(f"{key} {value:.3f}")
    ax.set_xlabel(f"mean of {a} and {b}")
    ax.set_ylabel(f"{a} − {b}")
    ax.grid(color="#eeeeee", lw=0.6)
    desc = (
        f"{len(means)} units rated by both {a} and {b}: "
        + ", ".join(parts)
        + ". The numbers are in the table of limits of agreement."
    )
    return _svg(fig, name, f"Bland-Altman plot of {code}, {a} against {b}", desc)
