"""The JSON contract of ``socmodel diagnose`` (documented in docs/diagnostics.md).

Every key is always present (null when it does not apply); numbers are plain floats at
full precision; lists that can grow with the data (confused pairs, units) are cut to ``top``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from socmodel_cli.diagnostics import CodeDiagnosis, DiagnosisResult, Finding
from socmodel_cli.diagnostics.artefacts import Artefacts
from socmodel_cli.diagnostics.coders import CoderBias, Shift, compared_with
from socmodel_cli.diagnostics.coincidence import Disagreement
from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.report.problems_dict import problem_dict


def _num(x: float | None) -> float | None:
    """A plain float at full precision (as ``reliability`` writes them), or None."""
    return None if x is None else float(x)


def _matrix(m: npt.NDArray[np.float64] | None) -> list[list[float | None]] | None:
    return None if m is None else [[_num(v) for v in row] for row in m]


def _evidence(evidence: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _num(v) if isinstance(v, float) else v for k, v in evidence.items()}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rank": f.rank,
        "kind": f.kind,
        "severity": f.severity,
        "message": f.message,
        "remedy": f.remedy,
        "evidence": _evidence(f.evidence),
    }


def _shift(s: Shift | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "units": s.units,
        "mean": _num(s.mean),
        "others_mean": _num(s.others_mean),
        "difference": _num(s.difference),
        "t": _num(s.t),
        "effect": _num(s.effect),
    }


def _coder(b: CoderBias, coders: Sequence[str]) -> dict[str, Any]:
    main = b.main
    return {
        "coder": b.coder,
        "units": b.units,
        "shared_units": b.shared_units,
        **compared_with(b, coders),
        "mean": None if b.scale is None else _num(b.scale.mean),
        "others_mean": None if b.scale is None else _num(b.scale.others_mean),
        "difference": None if main is None else _num(main.difference),
        "t": None if main is None else _num(main.t),
        "effect": None if b.scale is None else _num(b.scale.effect),
        "most_shifted_value": b.categories[0].value if b.categories else None,
        "categories": None
        if b.scale is not None or not b.categories
        else [
            {
                "value": c.value,
                "share": _num(c.shift.mean),
                "others_share": _num(c.shift.others_mean),
                "difference": _num(c.shift.difference),
                "t": _num(c.shift.t),
            }
            for c in sorted(b.categories, key=lambda c: c.index)
        ],
    }


def _disagreement(c: CodeDiagnosis, top: int) -> dict[str, Any]:
    d: Disagreement | None = c.disagreement
    labels = c.view.labels
    spread = None if d is None else d.spread
    return {
        "coincidence": None if d is None else _matrix(d.coincidence),
        "expected_coincidence": None if d is None else _matrix(d.expected),
        "confusion": None
        if d is None or d.confusion is None
        else {
            "rows": c.view.coders[0],
            "columns": c.view.coders[1],
            "matrix": _matrix(d.confusion),
        },
        "confused_pairs": []
        if d is None
        else [
            {
                "values": [labels[p.first], labels[p.second]],
                "coincidences": _num(p.coincidences),
                "coder_pairs": p.coder_pairs,
                "share": _num(p.share),
                "expected_share": _num(p.expected_share),
                "steps": _num(p.steps),
            }
            for p in d.pairs[:top]
        ],
        "spread": None
        if spread is None
        else {
            "adjacent_share": _num(spread.adjacent_share),
            "wide_share": _num(spread.wide_share),
            "mean_steps": _num(spread.mean_steps),
            "max_steps": _num(spread.max_steps),
        },
    }


def _artefacts(a: Artefacts) -> dict[str, Any]:
    p = a.prevalence
    return {
        "percent_agreement": _num(a.percent_agreement),
        "alpha": _num(a.alpha),
        "kappa": _num(a.kappa),
        "kappa_kind": a.kappa_kind,
        "ac1": _num(a.ac1),
        "pabak": _num(a.pabak),
        "most_prevalent": None
        if p is None
        else {
            "value": p.value,
            "share": _num(p.share),
            "prevalence_index": _num(p.prevalence_index),
            "bias_index": _num(p.bias_index),
            "bias_pair": None if p.bias_pair is None else list(p.bias_pair),
        },
        "unused_values": None if a.unused_values is None else list(a.unused_values),
        "pairable_units": a.pairable_units,
        "minimum_units": a.minimum_units,
        "smallest_share": _num(a.smallest_share),
        "ci_width": _num(a.ci_width),
        "ci_straddles_threshold": a.ci_straddles_threshold,
        "q_below_threshold": _num(a.q_below_threshold),
    }


def _unit_keys(keys: Sequence[str], unit: Sequence[str | None]) -> dict[str, str | None]:
    return dict(zip(keys, unit, strict=True))


def code_dict(c: CodeDiagnosis, top: int, unit_keys: Sequence[str]) -> dict[str, Any]:
    r = c.reliability
    v = c.view
    ci = r.alpha_ci
    has_scale = v.cats is not None
    return {
        "code": v.code.id,
        "label": v.code.label,
        "level": v.code.level,
        "threshold": r.threshold,
        "status": r.status,
        "reason": r.reason,
        "decided_by": r.decided_by,
        "coders": len(v.coders),
        "coder_names": list(v.coders),
        "units": r.units,
        "pairable_units": r.pairable_units,
        "min_units": {"units": r.min_units.units, "rule": r.min_units.rule},
        "alpha": _num(r.alpha.value),
        "alpha_ci": None if ci is None else [_num(ci[0]), _num(ci[1])],
        "scale": {
            "values": list(v.labels),
            "value_labels": list(v.value_labels),
            "positions": [_num(x) for x in v.positions],
            "position_kind": v.position_kind,
            "declared": v.declared,
        }
        if has_scale
        else None,
        **_disagreement(c, top),
        "categories": None
        if not has_scale
        else [
            {
                "value": k.value,
                "label": k.label,
                "ratings": k.ratings,
                "pairable_values": _num(k.pairable_values),
                "share": _num(k.share),
                "specific_agreement": _num(k.specific_agreement),
                "alpha": _num(k.alpha.value),
                "alpha_reason": k.alpha.reason,
                "prevalence_index": _num(k.prevalence_index),
                "bias_index": _num(k.bias_index),
                "bias_pair": None if k.bias_pair is None else list(k.bias_pair),
            }
            for k in c.categories
        ],
        "coder_bias": [_coder(b, c.view.coders) for b in c.coders],
        "attributed_bias": [b.coder for b in c.attributed_bias],
        "pairs": [
            {
                "coders": [p.first, p.second],
                "units_shared": p.units_shared,
                "agreement": _num(p.agreement),
                "alpha": _num(p.alpha.value),
                "alpha_reason": p.alpha.reason,
                "kappa": None if p.kappa is None else _num(p.kappa.value),
                "kappa_kind": None
                if p.kappa is None
                else ("weighted_linear" if v.ordered else "cohen"),
            }
            for p in c.pairs
        ],
        "leave_one_out": [
            {
                "coder": loo.coder,
                "alpha": _num(loo.alpha.value),
                "change": _num(loo.change),
                "pairable_units": loo.alpha.units_used,
                "reason": loo.alpha.reason,
            }
            for loo in c.leave_one_out
        ],
        "units_with_disagreement": len(c.units),
        "top_units": [
            {
                "rank": n,
                "unit": u.label,
                "keys": _unit_keys(unit_keys, u.unit),
                "values": dict(zip(v.coders, u.values, strict=True)),
                "share": _num(u.share),
                "contribution": _num(u.contribution),
                "disagreeing_pairs": u.disagreeing_pairs,
                "pairs": u.pairs,
                "spread": _num(u.spread),
            }
            for n, u in enumerate(c.units[:top], start=1)
        ],
        "artefacts": _artefacts(c.artefacts),
        "findings": [finding_dict(f) for f in c.findings],
    }


def diagnosis_dict(result: DiagnosisResult) -> dict[str, Any]:
    o = result.options
    keys = list(result.scheme.unit.keys)
    return {
        "json_version": JSON_VERSION,
        "ok": result.ok,
        "scheme": {"id": result.scheme.id, "version": result.scheme.version},
        "settings": {
            "top": o.top,
            "min_alpha": o.min_alpha,
            "bootstrap": "units",
            "replicates": o.replicates,
            "seed": o.seed,
            "ci": o.ci,
            "min_units": o.min_units,
        },
        "codes": [code_dict(c, o.top, keys) for c in result.codes],
        "warnings": [problem_dict(p) for p in result.warnings],
    }
