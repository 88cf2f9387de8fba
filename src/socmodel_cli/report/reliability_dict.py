"""The JSON contract of ``socmodel reliability`` (documented in docs/json-output.md)."""

from __future__ import annotations

from typing import Any

from socmodel_cli.code_reliability import CodeReliability, ReliabilityResult
from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.stats.estimate import Estimate

# What each coefficient key means, stated once in the output itself.
DEFINITIONS = {
    "alpha": "Krippendorff's alpha at the code's level; pairable values (units rated by 2+ coders)",
    "percent_agreement": "mean over coder pairs of the share of jointly rated units with equal values",
    "cohen_kappa": "Cohen's kappa; exactly two coders; units both rated",
    "weighted_kappa_linear": "Cohen's weighted kappa, linear weights over the declared values",
    "weighted_kappa_quadratic": "Cohen's weighted kappa, quadratic weights over the declared values",
    "fleiss_kappa": "Fleiss' kappa generalised to varying numbers of coders per unit",
    "light_kappa": "Light's kappa: mean of pairwise Cohen's kappas (more than two coders)",
    "scott_pi": "Scott's pi; exactly two coders",
    "brennan_prediger": "Brennan-Prediger kappa (chance = 1/number of declared values)",
    "ac1": "Gwet's AC1",
    "ac2": "Gwet's AC2, quadratic weights over the declared values (ordered codes)",
}


def _num(x: float | None) -> float | None:
    return None if x is None else float(x)


def estimate_dict(e: Estimate | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "value": _num(e.value),
        "se": _num(e.se),
        "ci": None if e.ci is None else [_num(e.ci[0]), _num(e.ci[1])],
        "units_used": e.units_used,
        "units_excluded": dict(sorted(e.units_excluded.items())),
        "reason": e.reason,
    }


def _value(e: Estimate | None) -> float | None:
    return None if e is None else _num(e.value)


def coefficients(c: CodeReliability) -> dict[str, Estimate | None]:
    return {
        "alpha": c.alpha,
        "percent_agreement": c.percent_agreement,
        "cohen_kappa": c.cohen_kappa,
        "weighted_kappa_linear": c.weighted_kappa_linear,
        "weighted_kappa_quadratic": c.weighted_kappa_quadratic,
        "fleiss_kappa": c.fleiss_kappa,
        "light_kappa": c.light_kappa,
        "scott_pi": c.scott_pi,
        "brennan_prediger": c.brennan_prediger,
        "ac1": c.ac1,
        "ac2": c.ac2,
    }


def code_dict(c: CodeReliability) -> dict[str, Any]:
    b = c.bootstrap
    ci = c.alpha_ci
    return {
        "code": c.code.id,
        "label": c.code.label,
        "level": c.code.level,
        "threshold": c.threshold,
        "units": c.units,
        "pairable_units": c.pairable_units,
        "coders": len(c.coders),
        "coder_names": list(c.coders),
        "pairable_values": c.pairable_values,
        "alpha": _value(c.alpha),
        "alpha_ci": None if ci is None else [_num(ci[0]), _num(ci[1])],
        "q_below_threshold": None if b is None else _num(b.q_below_threshold),
        "percent_agreement": _value(c.percent_agreement),
        "cohen_kappa": _value(c.cohen_kappa),
        "weighted_kappa": _value(c.weighted_kappa_linear),
        "fleiss_kappa": _value(c.fleiss_kappa),
        "light_kappa": _value(c.light_kappa),
        "scott_pi": _value(c.scott_pi),
        "brennan_prediger": _value(c.brennan_prediger),
        "ac1": _value(c.ac1),
        "ac2": _value(c.ac2),
        "status": c.status,
        "reason": c.reason,
        "bootstrap": None
        if b is None
        else {
            "method": b.method,
            "replicates": b.replicates,
            "undefined_replicates": b.undefined_replicates,
        },
        "details": {name: estimate_dict(e) for name, e in coefficients(c).items()},
    }


def reliability_dict(result: ReliabilityResult) -> dict[str, Any]:
    o = result.options
    return {
        "json_version": JSON_VERSION,
        "ok": result.ok,
        "scheme": {"id": result.scheme.id, "version": result.scheme.version},
        "threshold": o.min_alpha
        if o.min_alpha is not None
        else result.scheme.reliability.min_alpha,
        "settings": {
            "bootstrap": o.bootstrap,
            "replicates": o.replicates,
            "seed": o.seed,
            "ci": o.ci,
        },
        "definitions": DEFINITIONS,
        "codes": [code_dict(c) for c in result.codes],
    }
