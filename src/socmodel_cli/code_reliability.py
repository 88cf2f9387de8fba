"""Per-code reliability: every coefficient, its counts, its interval and a verdict.

Pure: ratings in, frozen result objects out. The statistics themselves live in
:mod:`socmodel_cli.stats`; this module decides which apply to which code and how a
code passes (alpha at or above its threshold, on enough pairable units).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from socmodel_cli import stats
from socmodel_cli.coefficients import BY_KEY, CodeData, compute_all, compute_many, in_units
from socmodel_cli.errors import InputError
from socmodel_cli.problems import Problem
from socmodel_cli.ratings import CodeMatrix, Ratings, RatingsByCode
from socmodel_cli.sample_size import MinUnits, required_units
from socmodel_cli.scheme.model import Code, Scheme
from socmodel_cli.scheme.selection import selected_codes
from socmodel_cli.stats import BootstrapResult, Estimate
from socmodel_cli.stats.estimate import undefined

Status = Literal["pass", "fail", "insufficient", "undefined"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "insufficient", "undefined")
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
    min_units: int | None = None  # overrides the scheme's setting and the sample-size rule


@dataclass(frozen=True)
class CodeReliability:
    code: Code
    threshold: float
    units: int  # units with at least one rating of the code
    pairable_units: int  # units rated by two or more coders
    coders: tuple[str, ...]
    pairable_values: int  # ratings in pairable units
    estimates: Mapping[str, Estimate | None]  # by registry key; None: does not apply
    bootstrap: BootstrapResult | None
    min_units: MinUnits
    status: Status
    reason: str
    decided_by: str = "alpha"  # the registry key of the coefficient behind the status
    # Bland-Altman limits per coder pair (interval/ratio codes, or with `icc: true`).
    limits: tuple[stats.LimitsOfAgreement, ...] = ()

    def estimate(self, key: str) -> Estimate | None:
        """The coefficient registered as ``key`` (see :mod:`socmodel_cli.coefficients`)."""
        if key not in BY_KEY:
            raise KeyError(f"no coefficient {key!r}; registered: {', '.join(BY_KEY)}")
        return self.estimates.get(key)

    @property
    def alpha(self) -> Estimate:
        a = self.estimates["alpha"]
        assert a is not None
        return a

    @property
    def alpha_ci(self) -> tuple[float, float] | None:
        return self.alpha.ci


@dataclass(frozen=True)
class ReliabilityResult:
    scheme: Scheme
    options: Options
    codes: tuple[CodeReliability, ...]
    # Validation warnings about the data the numbers rest on (passed on to every output).
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.status == "pass" for c in self.codes)


def code_seed(seed: int, code_id: str) -> int:
    """Each code's own bootstrap stream: stable whichever codes are selected with it."""
    return (seed + zlib.crc32(code_id.encode("utf-8"))) % 2**32


def code_reliability(
    matrix: CodeMatrix,
    threshold: float,
    options: Options,
    needed: MinUnits | None = None,
    decided_by: str = "alpha",
    computed: tuple[CodeData, Mapping[str, Estimate | None]] | None = None,
) -> CodeReliability:
    """Every registered coefficient for one code's units x coders matrix, and its verdict.

    ``computed``: the code's data and coefficients when the caller computed them already,
    with other codes (:func:`compute_reliability`).
    """
    code = matrix.code
    x = matrix.values
    if computed is None:
        data = CodeData(code=code, x=x, confidence=options.ci)
        computed = data, compute_all(data)
    data = computed[0]
    estimates = {key: _named(code, e) for key, e in computed[1].items()}
    a = estimates["alpha"]
    assert a is not None
    boot: BootstrapResult | None = None
    if a.value is not None and options.replicates > 0:
        run = stats.bootstrap_alpha if options.bootstrap == "units" else stats.kalpha_bootstrap
        boot = run(
            x,
            code.level,
            data.k,
            replicates=options.replicates,
            seed=code_seed(options.seed, code.id),
            ci=options.ci,
            threshold=threshold,
        )
        if boot.ci_low is not None and boot.ci_high is not None:
            estimates["alpha"] = replace(a, ci=(boot.ci_low, boot.ci_high))
    rated = (~np.isnan(x)).sum(axis=1)
    pairable = rated >= 2
    needed = needed or MinUnits(0, "no minimum")
    n_pairable = int(pairable.sum())
    decider = estimates.get(decided_by)
    if decider is None:
        decider = undefined(
            f"{BY_KEY[decided_by].name} decides this code but does not apply to it "
            f"({len(matrix.coders)} coders; it needs {BY_KEY[decided_by].where()})"
        )
    status, reason = verdict(
        decider, threshold, len(matrix.coders), n_pairable, needed, BY_KEY[decided_by].short
    )
    return CodeReliability(
        code=code,
        threshold=threshold,
        units=int(x.shape[0]),
        pairable_units=n_pairable,
        coders=matrix.coders,
        pairable_values=int(rated[pairable].sum()),
        estimates=estimates,
        bootstrap=boot,
        min_units=needed,
        status=status,
        reason=reason,
        decided_by=decided_by,
        limits=_limits(data) if estimates.get("icc_a1") is not None else (),
    )


def _limits(data: CodeData) -> tuple[stats.LimitsOfAgreement, ...]:
    """Bland-Altman limits per coder pair, computed in the scaled frame, in the code's units."""
    if data.n_coders < 2:
        return ()
    z, _, unit = data.frame
    return tuple(
        replace(
            lim,
            bias=in_units(lim.bias, unit),
            lower=in_units(lim.lower, unit),
            upper=in_units(lim.upper, unit),
            sd=None if lim.sd is None else lim.sd * unit,
        )
        for lim in stats.limits_of_agreement(z, confidence=data.confidence)
    )


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


def verdict(
    a: Estimate,
    threshold: float,
    n_coders: int,
    pairable: int,
    needed: MinUnits,
    name: str = "alpha",
) -> tuple[Status, str]:
    """pass / fail on the deciding coefficient (``name``, alpha by default) and its threshold,
    but never on fewer pairable units than needed."""
    if a.value is None:
        why = a.reason or f"{name} is undefined"
        if n_coders < 2:
            why = f"rated by {n_coders} coder(s); reliability needs two or more"
        return "undefined", why
    compared = f"{name} {a.value:.3f} {'>=' if a.value >= threshold else '<'} {threshold:.3f}"
    if pairable < needed.units:
        return "insufficient", (
            f"{compared}, but on {pairable} pairable unit(s); {needed.units} are needed "
            f"({needed.rule}): code more units by two or more coders"
        )
    if a.value >= threshold:
        return "pass", compared
    return "fail", compared


# A code of at most this many units x coders cells is computed together with others like it
# (the registry's ``batch``: with hundreds of small codes the per-code overhead dominated),
# and a batch holds at most BATCH_CELLS cells, so memory stays a few MB whatever the codes.
SMALL_CODE_CELLS = 1 << 16
BATCH_CELLS = 1 << 20


def compute_reliability(
    ratings: Ratings | RatingsByCode, options: Options | None = None
) -> ReliabilityResult:
    """Reliability of every selected code of ``ratings.scheme``."""
    options = options or Options()
    scheme = ratings.scheme
    results: list[CodeReliability] = []
    waiting: list[tuple[CodeMatrix, float, MinUnits, str]] = []
    cells = 0  # in the waiting matrices

    def flush() -> None:
        datas = [CodeData(code=m.code, x=m.values, confidence=options.ci) for m, *_ in waiting]
        for (matrix, threshold, needed, decider), data, estimates in zip(
            waiting, datas, compute_many(datas), strict=True
        ):
            results.append(
                code_reliability(
                    matrix, threshold, options, needed, decider, computed=(data, estimates)
                )
            )
        waiting.clear()

    for code in selected_codes(scheme, options.codes):
        threshold = options.min_alpha if options.min_alpha is not None else scheme.threshold(code)
        needed = required_units(scheme, code, threshold, options.min_units)
        matrix = ratings.matrix(code.id)
        waiting.append((matrix, threshold, needed, scheme.decider(code)))
        cells += matrix.values.size
        if matrix.values.size > SMALL_CODE_CELLS or cells >= BATCH_CELLS:
            flush()
            cells = 0
    flush()
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
    min_units: int | None = None,
    sheet: str | None = None,
) -> ReliabilityResult:
    """The notebook entry point: load, validate and compute in one call.

    Raises :class:`InputError` (with every problem) when a coder file does not validate.
    """
    from socmodel_cli.scheme import load_scheme
    from socmodel_cli.validation import validate_files

    loaded = scheme if isinstance(scheme, Scheme) else load_scheme(scheme)
    checked = validate_files(
        loaded,
        files,
        coder=coder,
        encoding=encoding,
        max_issues=0,
        scheme_file=None if isinstance(scheme, Scheme) else str(scheme),
        sheet=sheet,
    )
    if checked.errors:
        raise InputError(
            f"{checked.errors} error(s) in the coder files; fix them or validate first",
            [p for p in checked.problems if p.is_error],
        )
    options = Options(tuple(codes), min_alpha, replicates, seed, ci, bootstrap, min_units)
    warnings = tuple(p for p in checked.problems if not p.is_error)
    ratings = checked.ratings.by_code  # the codes, files and lines of the ratings can go
    del checked
    return replace(compute_reliability(ratings, options), warnings=warnings)
