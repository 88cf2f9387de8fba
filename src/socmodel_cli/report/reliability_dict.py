"""The JSON contract of ``socmodel reliability`` (documented in docs/json-output.md)."""

from __future__ import annotations

from typing import Any

from socmodel_cli.code_reliability import CodeReliability, ReliabilityResult
from socmodel_cli.coefficients import COEFFICIENTS
from socmodel_cli.report.jsonout import JSON_VERSION
from socmodel_cli.report.problems_dict import problem_dict
from socmodel_cli.stats import LimitsOfAgreement
from socmodel_cli.stats.estimate import Estimate


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
        "z": _num(e.z),
        "p": _num(e.p),
        "test": None if e.test is None else {k: _num(v) for k, v in e.test.items()},
    }


def _value(e: Estimate | None) -> float | None:
    return None if e is None else _num(e.value)


DEFINITIONS = {c.key: c.definition for c in COEFFICIENTS}
# Deprecated flat key: it always meant linear weights; kept for json_version 1 readers.
DEPRECATED_ALIASES = {"weighted_kappa": "weighted_kappa_linear"}


def _limits(c: CodeReliability, lim: LimitsOfAgreement) -> dict[str, Any]:
    def part(e: Estimate) -> dict[str, Any]:
        ci = e.ci
        return {
            "value": _num(e.value),
            "ci": None if ci is None else [_num(ci[0]), _num(ci[1])],
            "reason": e.reason,
        }

    return {
        "coders": [c.coders[lim.coder_a], c.coders[lim.coder_b]],
        "units": lim.bias.units_used,
        "bias": part(lim.bias),
        "lower": part(lim.lower),
        "upper": part(lim.upper),
        "sd": _num(lim.sd),
    }


def code_dict(c: CodeReliability) -> dict[str, Any]:
    b = c.bootstrap
    ci = c.alpha_ci
    flat = {key: _value(c.estimates.get(key)) for key in DEFINITIONS}
    return {
        "code": c.code.id,
        "label": c.code.label,
        "level": c.code.level,
        "threshold": c.threshold,
        "units": c.units,
        "pairable_units": c.pairable_units,
        "min_units": {"units": c.min_units.units, "rule": c.min_units.rule},
        "coders": len(c.coders),
        "coder_names": list(c.coders),
        "pairable_values": c.pairable_values,
        "alpha": flat["alpha"],
        "alpha_ci": None if ci is None else [_num(ci[0]), _num(ci[1])],
        "q_below_threshold": None if b is None else _num(b.q_below_threshold),
        **flat,
        **{old: flat[new] for old, new in DEPRECATED_ALIASES.items()},
        "status": c.status,
        "reason": c.reason,
        "decided_by": c.decided_by,
        "bootstrap": None
        if b is None
        else {
            "method": b.method,
            "replicates": b.replicates,
            "undefined_replicates": b.undefined_replicates,
        },
        "details": {key: estimate_dict(c.estimates.get(key)) for key in DEFINITIONS},
        "limits_of_agreement": [_limits(c, lim) for lim in c.limits],
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
            "min_units": o.min_units,
        },
        "definitions": DEFINITIONS,
        "codes": [code_dict(c) for c in result.codes],
        "warnings": [problem_dict(p) for p in result.warnings],
    }
