"""Per-code reliability: every coefficient, its counts, its interval and a verdict.

Pure: ratings in, frozen result objects out. The statistics themselves live in
:mod:`socmodel_cli.stats`; this module decides which apply to which code and how a
code passes (alpha at or above its threshold).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from socmodel_cli import stats
from socmodel_cli.errors import InputError
from socmodel_cli.ratings import CodeMatrix, Ratings
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.scheme.selection import selected_codes
from socmodel_cli.stats import BootstrapResult, Estimate

Status = Literal["pass", "fail", "undefined"]
BootstrapMethod = Literal["units", "kalpha"]

DEFAULT_REPLICATES = 2000
DEFAULT_SEED = 20110221  # any fixed number: the same input and seed give the same interval


@dataclass(frozen=True)
class Options:
    codes: tuple[str, ...] = ()
    min_alpha: float | None = None
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    ci: float = 0.95
    bootstrap: BootstrapMethod = "units"


@dataclass(frozen=True)
class CodeReliability:
    code: Code
    threshold: float
    units: int  # units with at least one rating of the code
    pairable_units: int  # units rated by two or more coders
    coders: tuple[str, ...]
    pairable_values: int  # ratings in pairable units
    alpha: Estimate
    bootstrap: BootstrapResult | None
    percent_agreement: Estimate
    cohen_kappa: Estimate | None  # exactly two coders
    weighted_kappa_linear: Estimate | None  # two coders, ordered code
    weighted_kappa_quadratic: Estimate | None
    fleiss_kappa: Estimate
    light_kappa: Estimate | None  # more than two coders
    scott_pi: Estimate | None
    brennan_prediger: Estimate
    ac1: Estimate
    ac2: Estimate | None  # ordered codes
    status: Status
    reason: str

    @property
    def alpha_ci(self) -> tuple[float, float] | None:
        b = self.bootstrap
        if b is None or b.ci_low is None or b.ci_high is None:
            return None
        return (b.ci_low, b.ci_high)


@dataclass(frozen=True)
class ReliabilityResult:
    scheme: Scheme
    options: Options
    codes: tuple[CodeReliability, ...]

    @property
    def ok(self) -> bool:
        return all(c.status == "pass" for c in self.codes)


def _categories(code: Code) -> tuple[int | None, npt.NDArray[np.float64] | None]:
    if code.categorical:
        return len(code.values or ()), None
    if code.values:
        return None, np.array(sorted(float(v) for v in code.declared), dtype=np.float64)
    return None, None


def code_seed(seed: int, code_id: str) -> int:
    """Each code's own bootstrap stream: stable whichever codes are selected with it."""
    return (seed + zlib.crc32(code_id.encode("utf-8"))) % 2**32


def code_reliability(matrix: CodeMatrix, threshold: float, options: Options) -> CodeReliability:
    """Every coefficient for one code's units x coders matrix."""
    code = matrix.code
    x = matrix.values
    k, cats = _categories(code)
    level = code.level
    rated = (~np.isnan(x)).sum(axis=1)
    pairable = rated >= 2
    n_coders = len(matrix.coders)
    a = _named(code, stats.alpha(x, level, k))
    assert a is not None

    def named(e: Estimate) -> Estimate:
        out = _named(code, e)
        assert out is not None
        return out

    boot: BootstrapResult | None = None
    if a.value is not None and options.replicates > 0:
        run = stats.bootstrap_alpha if options.bootstrap == "units" else stats.kalpha_bootstrap
        boot = run(
            x,
            level,
            k,
            replicates=options.replicates,
            seed=code_seed(options.seed, code.id),
            ci=options.ci,
            threshold=threshold,
        )
    two = n_coders == 2
    ordered = code.ordered
    result = CodeReliability(
        code=code,
        threshold=threshold,
        units=int(x.shape[0]),
        pairable_units=int(pairable.sum()),
        coders=matrix.coders,
        pairable_values=int(rated[pairable].sum()),
        alpha=a,
        bootstrap=boot,
        percent_agreement=named(stats.percent_agreement(x)),
        cohen_kappa=named(stats.cohen_kappa(x, level, k, categories=cats)) if two else None,
        weighted_kappa_linear=named(
            stats.weighted_kappa(x, level, k, weights="linear", categories=cats)
        )
        if two and ordered
        else None,
        weighted_kappa_quadratic=named(
            stats.weighted_kappa(x, level, k, weights="quadratic", categories=cats)
        )
        if two and ordered
        else None,
        fleiss_kappa=named(stats.fleiss_kappa(x, level, k, categories=cats)),
        light_kappa=named(stats.light_kappa(x, level, k, categories=cats))
        if n_coders > 2
        else None,
        scott_pi=named(stats.scott_pi(x, level, k, categories=cats)) if two else None,
        brennan_prediger=named(stats.brennan_prediger(x, level, k, categories=cats)),
        ac1=named(stats.gwet_ac1(x, level, k, categories=cats)),
        ac2=named(stats.gwet_ac2(x, level, k, categories=cats)) if ordered else None,
        status="undefined",
        reason="",
    )
    status, reason = verdict(result.alpha, threshold, n_coders)
    return replace(result, status=status, reason=reason)


_CATEGORY = re.compile(r"\bcategory (\d+)\b")


def _named(code: Code, e: Estimate | None) -> Estimate | None:
    """Reasons from the statistics name category indices; show the declared value instead."""
    if e is None or not e.reason or not code.categorical:
        return e
    values = code.declared

    def name(m: re.Match[str]) -> str:
        i = int(m.group(1))
        return repr(values[i]) if i < len(values) else m.group(0)

    return replace(e, reason=_CATEGORY.sub(name, e.reason))


def verdict(a: Estimate, threshold: float, n_coders: int) -> tuple[Status, str]:
    if a.value is None:
        why = a.reason or "alpha is undefined"
        if n_coders < 2:
            why = f"rated by {n_coders} coder(s); reliability needs two or more"
        return "undefined", why
    if a.value >= threshold:
        return "pass", f"alpha {a.value:.3f} >= {threshold:.3f}"
    return "fail", f"alpha {a.value:.3f} < {threshold:.3f}"


def compute_reliability(ratings: Ratings, options: Options | None = None) -> ReliabilityResult:
    """Reliability of every selected code of ``ratings.scheme``."""
    options = options or Options()
    scheme = ratings.scheme
    results = []
    for code in selected_codes(scheme, options.codes):
        threshold = options.min_alpha if options.min_alpha is not None else scheme.threshold(code)
        results.append(code_reliability(ratings.matrix(code.id), threshold, options))
    return ReliabilityResult(scheme=scheme, options=options, codes=tuple(results))


def reliability(
    scheme: Scheme | str | Path,
    files: Sequence[str | Path],
    *,
    codes: Sequence[str] = (),
    min_alpha: float | None = None,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    ci: float = 0.95,
    bootstrap: BootstrapMethod = "units",
    coder: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ReliabilityResult:
    """The notebook entry point: load, validate and compute in one call.

    Raises :class:`InputError` (with every problem) when a coder file does not validate.
    """
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = scheme if isinstance(scheme, Scheme) else load_scheme(scheme)
    checked = validate_files(
        loaded, files, coder=coder, encoding=encoding, max_issues=0, sheet=sheet
    )
    if checked.errors:
        raise InputError(
            f"{checked.errors} error(s) in the coder files; fix them or validate first",
            [p for p in checked.problems if p.is_error],
        )
    options = Options(tuple(codes), min_alpha, replicates, seed, ci, bootstrap)
    return compute_reliability(checked.ratings, options)
