"""The content of ``socmodel report`` as a neutral document: headings, paragraphs, tables, figures.

Built from the same dictionaries as the JSON of ``reliability`` and ``diagnose``
(:func:`reliability_dict`, :func:`diagnosis_dict`), so every number on the page is a JSON
number rounded for display. Each number cell carries ``src``, the JSON pointer it was read
from (``r/codes/0/alpha`` in the reliability JSON, ``d/...`` in the diagnose JSON); the
HTML keeps it as ``data-src`` so tests (and curious readers) can check it. The HTML and
Markdown renderers only lay this document out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from socmodel_cli.code_reliability import ReliabilityResult
from socmodel_cli.coefficients import COEFFICIENTS
from socmodel_cli.diagnostics import DiagnosisResult
from socmodel_cli.report import figures
from socmodel_cli.report.diagnostics_dict import diagnosis_dict
from socmodel_cli.report.methods import methods_paragraph, references
from socmodel_cli.report.reliability_dict import reliability_dict
from socmodel_cli.report.study import Study

DIGITS = 3


@dataclass(frozen=True)
class Cell:
    text: str
    src: str | None = None  # JSON pointer of the number shown


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    status: str | None = None


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = ""  # "verdict", "methods", "note"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    svg: figures.Svg


Block = Heading | Para | Table | Figure | Bullets


@dataclass(frozen=True)
class Provenance:
    version: str
    command: str  # the command line, as the caller quotes it


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    reliability: dict[str, Any] = field(repr=False)
    diagnosis: dict[str, Any] = field(repr=False)

    @property
    def figures(self) -> tuple[figures.Svg, ...]:
        return tuple(b.svg for b in self.blocks if isinstance(b, Figure))


def reliability_of(result: DiagnosisResult) -> ReliabilityResult:
    """The reliability result inside a diagnosis (the numbers ``reliability`` prints)."""
    return ReliabilityResult(
        scheme=result.scheme,
        options=result.options.reliability_options(),
        codes=tuple(c.reliability for c in result.codes),
        warnings=result.warnings,
    )


def fmt(x: Any, digits: int = DIGITS) -> str:
    """A JSON number at display precision: integers as they are, floats to ``digits``."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _n(doc: dict[str, Any], prefix: str, *path: str | int) -> Cell:
    value: Any = doc
    for part in path:
        value = value[part]
    return Cell(fmt(value), f"{prefix}/" + "/".join(str(p) for p in path))


def _t(text: Any) -> Cell:
    return Cell("—" if text is None else str(text))


def build_document(result: DiagnosisResult, study: Study, provenance: Provenance) -> Document:
    rel = reliability_dict(reliability_of(result))
    diag = diagnosis_dict(result)
    blocks: list[Block] = []
    codes = rel["codes"]
    title = f"Reliability report: {result.scheme.title}"
    blocks.append(Para(_verdict(codes), "verdict"))
    blocks.extend(_failing(codes, diag["codes"]))
    blocks.extend(_study(study))
    blocks.append(Heading(2, "Reliability per code", "forest"))
    if codes:
        blocks.append(Figure(figures.forest(codes)))
    blocks.append(_forest_table(rel))
    blocks.append(Heading(2, "Methods", "methods"))
    blocks.append(Para(methods_paragraph(rel, study), "methods"))
    blocks.append(Bullets(references(rel)))
    for i, (r, d) in enumerate(zip(codes, diag["codes"], strict=True)):
        blocks.extend(_code(i, r, d, result))
    if rel["warnings"]:
        blocks.append(Heading(2, "Validation warnings", "warnings"))
        blocks.append(Bullets(tuple(w["message"] for w in rel["warnings"])))
    blocks.extend(_provenance(study, provenance, rel))
    return Document(title, tuple(blocks), rel, diag)


def _verdict(codes: Sequence[dict[str, Any]]) -> str:
    by: dict[str, list[str]] = {}
    for c in codes:
        by.setdefault(c["status"], []).append(c["code"])
    parts = [f"{len(v)} {k} ({', '.join(v)})" for k, v in by.items() if k != "pass"]
    passing = len(by.get("pass", []))
    head = f"{passing} of {len(codes)} code(s) pass."
    return head + (" Not passing: " + "; ".join(parts) + "." if parts else "")


def _failing(rel: Sequence[dict[str, Any]], diag: Sequence[dict[str, Any]]) -> list[Block]:
    """At a glance: each code that does not pass, its first finding and what usually helps."""
    items = []
    for r, d in zip(rel, diag, strict=True):
        if r["status"] == "pass":
            continue
        first = d["findings"][0] if d["findings"] else None
        what = (
            r["reason"]
            if first is None
            else f"{_sentence(first['message'])} Remedy: {first['remedy']}"
        )
        items.append(f"{r['code']} ({r['status']}): {what}")
    return [Heading(2, "What needs attention", "attention"), Bullets(tuple(items))] if items else []


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _study(study: Study) -> list[Block]:
    share = f"{study.double_coded_share:.1%}"
    rows = (
        (_t("scheme"), _t(f"{study.scheme_id} {study.scheme_version}")),
        (_t("scheme file"), _t(study.scheme_file.name)),
        (_t("scheme SHA-256"), _t(study.scheme_file.sha256)),
        (_t("coder files"), Cell(str(len(study.files)))),
        (_t("coders"), _t(", ".join(study.coders))),
        (_t("units"), Cell(str(study.units))),
        (_t("units coded by two or more coders"), Cell(f"{study.double_coded} ({share})")),
    )
    blocks: list[Block] = [
        Heading(2, "The study at a glance", "study"),
        Table("study-table", "Study", ("", ""), rows),
        Table(
            "files-table",
            "Coder files",
            ("file", "ratings", "SHA-256"),
            tuple((_t(f.name), Cell(str(f.ratings)), _t(f.sha256)) for f in study.files),
        ),
    ]
    if study.coders:
        blocks.append(
            Figure(
                figures.heatmap(
                    study.overlap,
                    study.coders,
                    study.coders,
                    name="overlap",
                    title="Who coded what: units rated by both coders",
                    row_label="coder",
                    column_label="coder",
                    integers=True,
                )
            )
        )
        blocks.append(
            Table(
                "overlap-table",
                "Units rated by both coders (diagonal: units each coder rated)",
                ("", *study.coders),
                tuple(
                    (_t(a), *(Cell(str(n)) for n in row))
                    for a, row in zip(study.coders, study.overlap, strict=True)
                ),
            )
        )
    return blocks


def _forest_table(rel: dict[str, Any]) -> Table:
    rows = []
    for i, c in enumerate(rel["codes"]):
        key = c["decided_by"]
        ci = (c["details"][key] or {}).get("ci")
        rows.append(
            (
                _t(c["code"]),
                _t(key),
                _n(rel, "r", "codes", i, "details", key, "value")
                if c["details"][key]
                else _t(None),
                _n(rel, "r", "codes", i, "details", key, "ci", 0) if ci else _t(None),
                _n(rel, "r", "codes", i, "details", key, "ci", 1) if ci else _t(None),
                _n(rel, "r", "codes", i, "threshold"),
                _n(rel, "r", "codes", i, "pairable_units"),
                _n(rel, "r", "codes", i, "min_units", "units"),
                _t(c["status"]),
            )
        )
    return Table(
        "forest-table",
        "Deciding coefficient of each code (the forest plot's numbers)",
        (
            "code",
            "decided by",
            "value",
            "CI low",
            "CI high",
            "threshold",
            "pairable units",
            "units needed",
            "status",
        ),
        tuple(rows),
    )


def _code(i: int, r: dict[str, Any], d: dict[str, Any], result: DiagnosisResult) -> list[Block]:
    anchor = f"code-{i}"
    label = f" — {r['label']}" if r["label"] else ""
    blocks: list[Block] = [
        Heading(2, f"{r['code']}{label}", anchor, r["status"]),
        Para(
            f"{r['status']}: {r['reason']}. Level {r['level']}; decided by {r['decided_by']} "
            f"against {fmt(r['threshold'])}; {r['pairable_units']} of {r['units']} units "
            f"pairable; {r['min_units']['units']} needed ({r['min_units']['rule']}).",
            "note",
        ),
    ]
    if d["findings"]:
        blocks.append(
            Table(
                f"{anchor}-findings",
                "Findings, most important first, with what usually helps",
                ("rank", "severity", "finding", "remedy"),
                tuple(
                    (Cell(str(f["rank"])), _t(f["severity"]), _t(f["message"]), _t(f["remedy"]))
                    for f in d["findings"]
                ),
            )
        )
    blocks.append(_coefficients(i, r))
    blocks.extend(_matrix(i, d))
    blocks.extend(_categories(i, d))
    blocks.extend(_bias(i, d))
    blocks.extend(_loo(i, d))
    blocks.extend(_units(i, d))
    blocks.extend(_limits(i, r, result))
    return blocks


def _coefficients(i: int, r: dict[str, Any]) -> Table:
    rows = []
    p = ("codes", i, "details")
    for c in COEFFICIENTS:
        e = r["details"][c.key]
        if e is None:
            continue
        ci = e["ci"]
        rows.append(
            (
                _t(c.name + (" (decides)" if c.key == r["decided_by"] else "")),
                _t(c.key),
                _n(r_root(r, i), "r", *p, c.key, "value"),
                _n(r_root(r, i), "r", *p, c.key, "ci", 0) if ci else _t(None),
                _n(r_root(r, i), "r", *p, c.key, "ci", 1) if ci else _t(None),
                _n(r_root(r, i), "r", *p, c.key, "se"),
                _n(r_root(r, i), "r", *p, c.key, "units_used"),
                _t(e["reason"] or ""),
            )
        )
    return Table(
        f"code-{i}-coefficients",
        "Every applicable coefficient",
        ("coefficient", "key", "value", "CI low", "CI high", "SE", "units", "note"),
        tuple(rows),
    )


def r_root(r: dict[str, Any], i: int) -> dict[str, Any]:
    """A stand-in document where ``codes/i`` is ``r`` (to read a pointer into one code)."""
    return {"codes": {i: r}}


def _matrix(i: int, d: dict[str, Any]) -> list[Block]:
    root = r_root(d, i)
    if d["confusion"] is not None:
        conf = d["confusion"]
        matrix, rows, cols = conf["matrix"], d["scale"]["values"], d["scale"]["values"]
        what = f"Confusion matrix: {conf['rows']} (rows) by {conf['columns']} (columns)"
        path: tuple[str | int, ...] = ("codes", i, "confusion", "matrix")
        labels = (f"{conf['rows']}'s value", f"{conf['columns']}'s value")
    elif d["coincidence"] is not None:
        matrix, rows = d["coincidence"], d["scale"]["values"]
        cols = rows
        what = "Coincidence matrix (pairable values, Krippendorff 2004)"
        path = ("codes", i, "coincidence")
        labels = ("value", "value")
    else:
        return []
    name = f"code-{i}-matrix"
    heat = figures.heatmap(
        matrix,
        rows,
        cols,
        name=name,
        title=f"{what} of {d['code']}",
        row_label=labels[0],
        column_label=labels[1],
    )
    table = Table(
        f"{name}-table",
        what,
        ("", *cols),
        tuple(
            (_t(v), *(_n(root, "d", *path, a, b) for b in range(len(cols))))
            for a, v in enumerate(rows)
        ),
    )
    return [Heading(3, "Where coders disagree", f"{name}-h"), Figure(heat), table]


def _categories(i: int, d: dict[str, Any]) -> list[Block]:
    if not d["categories"]:
        return []
    root = r_root(d, i)
    keys = ("ratings", "share", "specific_agreement", "alpha", "prevalence_index", "bias_index")
    return [
        Table(
            f"code-{i}-categories",
            "Each value against the rest (specific agreement, alpha of the value vs the rest)",
            ("value", "label", *keys),
            tuple(
                (
                    _t(k["value"]),
                    _t(k["label"]),
                    *(_n(root, "d", "codes", i, "categories", j, key) for key in keys),
                )
                for j, k in enumerate(d["categories"])
            ),
        )
    ]


def _bias(i: int, d: dict[str, Any]) -> list[Block]:
    root = r_root(d, i)
    keys = ("units", "shared_units", "mean", "others_mean", "difference", "t", "effect")
    blocks: list[Block] = [
        Heading(3, "Coders", f"code-{i}-coders"),
        Table(
            f"code-{i}-bias",
            "Coder bias: each coder against all the others",
            ("coder", *keys, "most shifted value"),
            tuple(
                (
                    _t(b["coder"]),
                    *(_n(root, "d", "codes", i, "coder_bias", j, k) for k in keys),
                    _t(b["most_shifted_value"]),
                )
                for j, b in enumerate(d["coder_bias"])
            ),
        ),
    ]
    if d["pairs"]:
        keys2 = ("units_shared", "agreement", "alpha", "kappa")
        blocks.append(
            Table(
                f"code-{i}-pairs",
                "Coder pairs",
                ("coders", *keys2),
                tuple(
                    (
                        _t(" & ".join(p["coders"])),
                        *(_n(root, "d", "codes", i, "pairs", j, k) for k in keys2),
                    )
                    for j, p in enumerate(d["pairs"])
                ),
            )
        )
    return blocks


def _loo(i: int, d: dict[str, Any]) -> list[Block]:
    if not d["leave_one_out"]:
        return []
    root = r_root(d, i)
    keys = ("alpha", "change", "pairable_units")
    return [
        Table(
            f"code-{i}-loo",
            "Leave one coder out: alpha without each coder",
            ("without", *keys, "note"),
            tuple(
                (
                    _t(x["coder"]),
                    *(_n(root, "d", "codes", i, "leave_one_out", j, k) for k in keys),
                    _t(x["reason"] or ""),
                )
                for j, x in enumerate(d["leave_one_out"])
            ),
        )
    ]


def _units(i: int, d: dict[str, Any]) -> list[Block]:
    if not d["top_units"]:
        return []
    root = r_root(d, i)
    coders = d["coder_names"]
    return [
        Table(
            f"code-{i}-units",
            f"Units to discuss first ({len(d['top_units'])} of "
            f"{d['units_with_disagreement']} with disagreement)",
            ("rank", "unit", *coders, "contribution", "spread"),
            tuple(
                (
                    Cell(str(u["rank"])),
                    _t(u["unit"]),
                    *(_t(u["values"][c]) for c in coders),
                    _n(root, "d", "codes", i, "top_units", j, "contribution"),
                    _n(root, "d", "codes", i, "top_units", j, "spread"),
                )
                for j, u in enumerate(d["top_units"])
            ),
        )
    ]


def _limits(i: int, r: dict[str, Any], result: DiagnosisResult) -> list[Block]:
    lims = r["limits_of_agreement"]
    if not lims:
        return []
    root = r_root(r, i)
    blocks: list[Block] = [Heading(3, "Bland-Altman limits of agreement", f"code-{i}-ba")]
    view = result.codes[i].view
    x = view.numbers
    for j, lim in enumerate(lims):
        a, b = (view.coders.index(c) for c in lim["coders"])
        both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
        means = ((x[both, a] + x[both, b]) / 2).tolist()
        diffs = (x[both, a] - x[both, b]).tolist()
        blocks.append(
            Figure(figures.bland_altman(means, diffs, lim, name=f"code-{i}-ba-{j}", code=r["code"]))
        )
    p = ("codes", i, "limits_of_agreement")
    rows = []
    for j, lim in enumerate(lims):
        cells = [_t(" − ".join(lim["coders"])), _n(root, "r", *p, j, "units")]
        for part in ("bias", "lower", "upper"):
            cells.append(_n(root, "r", *p, j, part, "value"))
            ci = lim[part]["ci"]
            cells.append(Cell(f"{fmt(ci[0])} to {fmt(ci[1])}") if ci else _t(None))
        cells.append(_n(root, "r", *p, j, "sd"))
        rows.append(tuple(cells))
    blocks.append(
        Table(
            f"code-{i}-limits",
            "Limits of agreement per coder pair (differences first minus second coder)",
            ("coders", "units", "bias", "bias CI", "lower", "lower CI", "upper", "upper CI", "SD"),
            tuple(rows),
        )
    )
    return blocks


def _provenance(study: Study, prov: Provenance, rel: dict[str, Any]) -> list[Block]:
    s = rel["settings"]
    rows = [
        (_t("socmodel"), _t(prov.version)),
        (_t("command"), _t(prov.command)),
        (_t("seed"), Cell(str(s["seed"]), "r/settings/seed")),
        (_t("bootstrap replicates"), Cell(str(s["replicates"]), "r/settings/replicates")),
        (_t("confidence level"), Cell(fmt(s["ci"]), "r/settings/ci")),
        (_t(f"scheme {study.scheme_file.name}"), _t(study.scheme_file.sha256)),
        *((_t(f.name), _t(f.sha256)) for f in study.files),
    ]
    return [
        Heading(2, "Provenance", "provenance"),
        Table(
            "provenance-table",
            "How this report was made (inputs by SHA-256)",
            ("", ""),
            tuple(rows),
        ),
    ]
