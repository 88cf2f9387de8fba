"""Intraclass correlations: the six Shrout & Fleiss (1979) / McGraw & Wong (1996) forms.

Ratings are one code's ``(n_units, n_coders)`` float array, NaN = not coded. Units rated by
fewer than two coders are left out (they say nothing about agreement); coders with no
rating left are dropped. With mean squares MSR (units), MSW (within units), MSC (coders),
MSE (error), ``k`` ratings per unit and ``n`` units:

    ICC(1)   = (MSR - MSW) / (MSR + (k - 1) MSW)       ICC(1,k) = (MSR - MSW) / MSR
    ICC(A,1) = (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)
    ICC(A,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n)
    ICC(C,1) = (MSR - MSE) / (MSR + (k - 1) MSE)       ICC(C,k) = (MSR - MSE) / MSR

F test (H0: ICC = 0): MSR / MSW on (n - 1, N - n) for the one-way forms, MSR / MSE on
(n - 1, df_E) for the two-way forms. Intervals (McGraw & Wong 1996, Tables 7-8), alpha =
1 - confidence, F = the observed ratio, F_p(a, b) the p quantile:
    one-way / consistency: F_L = F / F_{1-alpha/2}(df1, df2), F_U = F * F_{1-alpha/2}(df2, df1),
        single (F_L - 1) / (F_L + k - 1) .. (F_U - 1) / (F_U + k - 1); average 1 - 1/F_L .. 1 - 1/F_U;
    absolute agreement: with rho = ICC(A,1), a = k rho / (n (1 - rho)),
        b = 1 + k rho (n - 1) / (n (1 - rho)), Satterthwaite
        v = (a MSC + b MSE)^2 / ((a MSC)^2 / (k - 1) + (b MSE)^2 / df_E),
        F* = F_{1-alpha/2}(n - 1, v), F_* = F_{1-alpha/2}(v, n - 1),
        L = n (MSR - F* MSE) / (F* (k MSC + (k n - k - n) MSE) + n MSR),
        U = n (F_* MSR - MSE) / (k MSC + (k n - k - n) MSE + n F_* MSR),
        average forms: k L / (1 + (k - 1) L) .. k U / (1 + (k - 1) U).

Designs and methods (``method``):
* ``anova``: complete designs use the ANOVA table; the one-way forms also accept incomplete
  designs (unbalanced one-way ANOVA with k = k0, Donner 1986). The two-way forms need every
  unit rated by every coder and are otherwise undefined.
* ``reml``: variance components s_u^2, s_c^2, s_e^2 by REML on every rating (see
  ``stats.reml``), ICC(A,1) = s_u^2 / (s_u^2 + s_c^2 + s_e^2), ICC(C,1) = s_u^2 / (s_u^2 + s_e^2),
  average forms with k = k0. The interval plugs pseudo mean squares MSR = s_e^2 + k0 s_u^2,
  MSC = s_e^2 + n0 s_c^2, MSE = s_e^2 into the formulas above, with df_E from the fixed-effects
  additive model of the observed cells; on complete data (estimates inside the parameter space)
  this is exactly the ANOVA interval. The F test is the exact test of units adjusted for coders.
* ``listwise``: units rated by every coder only (``units_excluded`` counts the others), then ANOVA.
* ``auto`` (default): ANOVA when the design is complete; otherwise unbalanced ANOVA for the
  one-way forms and REML for the two-way forms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike

from socmodel_cli.stats._checks import FloatArray, as_ratings
from socmodel_cli.stats.anova import (
    OneWayTable,
    TwoWayTable,
    k0,
    one_way,
    two_way_complete,
    two_way_incomplete,
)
from socmodel_cli.stats.estimate import (
    FEWER_THAN_TWO,
    Estimate,
    finite_or_none,
    nonzero,
    undefined,
)
from socmodel_cli.stats.fdist import f_quantile, f_sf
from socmodel_cli.stats.reml import reml

Form = Literal["icc1", "icc1k", "icc_a1", "icc_ak", "icc_c1", "icc_ck"]
FORM_KEYS: tuple[str, ...] = get_args(Form)
Method = Literal["auto", "anova", "reml", "listwise"]
METHODS: tuple[str, ...] = get_args(Method)
Used = Literal["anova", "reml", "listwise"]

NOT_ALL_CODERS = "not rated by every coder (listwise deletion)"

_TINY = 1e-12  # relative to the variance of all ratings: below it a mean square is zero


@dataclass(frozen=True, slots=True)
class IccForm:
    """One ICC form and what other tools call it."""

    key: str
    model: Literal["one_way", "two_way"]
    agreement: Literal["absolute", "consistency"]
    unit: Literal["single", "average"]
    shrout_fleiss: str
    mcgraw_wong: str
    spss: str
    psych: str
    pingouin: str
    irr: str


def _form(key: str, sf: str, mw: str, spss: str, psych: str) -> IccForm:
    unit: Literal["single", "average"] = "average" if key.endswith("k") else "single"
    model: Literal["one_way", "two_way"] = "one_way" if key.startswith("icc1") else "two_way"
    consistency = key.startswith("icc_c")
    if model == "one_way":
        irr = f'icc(model="oneway", unit="{unit}")'
    else:
        kind = "consistency" if consistency else "agreement"
        irr = f'icc(model="twoway", type="{kind}", unit="{unit}")'
    return IccForm(
        key=key,
        model=model,
        agreement="consistency" if consistency else "absolute",
        unit=unit,
        shrout_fleiss=sf,
        mcgraw_wong=mw,
        spss=f"{spss}, {unit.title()} Measures",
        psych=psych,
        pingouin=sf if model == "one_way" else mw,
        irr=irr,
    )


_ABSOLUTE = "Two-Way Random, Absolute Agreement"
_CONSISTENCY = "Two-Way Mixed, Consistency"

FORMS: Mapping[str, IccForm] = {
    f.key: f
    for f in (
        _form("icc1", "ICC(1,1)", "ICC(1)", "One-Way Random", "ICC1"),
        _form("icc1k", "ICC(1,k)", "ICC(k)", "One-Way Random", "ICC1k"),
        _form("icc_a1", "ICC(2,1)", "ICC(A,1)", _ABSOLUTE, "ICC2"),
        _form("icc_ak", "ICC(2,k)", "ICC(A,k)", _ABSOLUTE, "ICC2k"),
        _form("icc_c1", "ICC(3,1)", "ICC(C,1)", _CONSISTENCY, "ICC3"),
        _form("icc_ck", "ICC(3,k)", "ICC(C,k)", _CONSISTENCY, "ICC3k"),
    )
}


@dataclass(frozen=True, slots=True)
class FTest:
    """The F test of H0: ICC = 0 (no variance between units)."""

    f: float
    df1: float
    df2: float
    p: float


@dataclass(frozen=True, slots=True)
class VarianceComponents:
    """Unit, coder (``None`` for the one-way model) and residual variances behind an ICC.

    ANOVA estimates may be negative (e.g. (MSR - MSE) / k when MSR < MSE); REML ones are >= 0.
    """

    unit: float
    coder: float | None
    residual: float


@dataclass(frozen=True, slots=True)
class IccResult:
    """One ICC form for one code.

    ``k`` is the number of ratings per unit the average-measures form refers to (k0 for
    incomplete designs); ``method`` says how it was computed (``anova``, ``reml``, ``listwise``).
    ``table`` holds the mean squares the value and interval come from: the ANOVA table, or
    for REML the pseudo mean squares built from the variance components (module doc); it is
    ``None`` for undefined results and when the coders agree exactly (value 1).
    """

    form: IccForm
    estimate: Estimate
    f_test: FTest | None
    method: Used
    coders_used: int
    k: float | None = None
    components: VarianceComponents | None = None
    table: OneWayTable | TwoWayTable | None = None

    @property
    def value(self) -> float | None:
        return self.estimate.value

    @property
    def ci(self) -> tuple[float, float] | None:
        return self.estimate.ci

    @property
    def reason(self) -> str | None:
        return self.estimate.reason


@dataclass(frozen=True, slots=True)
class _Selection:
    """The units and coders an ICC uses, or why there are none."""

    x: FloatArray  # used units x used coders
    excluded: dict[str, int]
    complete: bool
    exact: bool  # every unit's ratings are identical (but units differ)
    variance: float  # of all used ratings: the scale for "zero" mean squares
    reason: str | None


@dataclass(frozen=True, slots=True)
class _Fit:
    """A table for the values and intervals, one for the F test, and the components."""

    table: OneWayTable | TwoWayTable
    test: OneWayTable | TwoWayTable
    used: Used
    components: VarianceComponents
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _NoFit:
    """Why a model could not be fitted with the method asked for."""

    reason: str
    used: Used


def _select(ratings: ArrayLike, listwise: bool) -> _Selection:
    x = as_ratings(np.asarray(ratings, dtype=np.float64))
    rated = ~np.isnan(x)
    counts = rated.sum(axis=1)
    excluded = {FEWER_THAN_TWO: int((counts < 2).sum())}
    keep = counts >= 2
    n_coders = int(rated.any(axis=0).sum())
    if listwise:
        full = rated[:, rated.any(axis=0)].all(axis=1) & keep
        excluded[NOT_ALL_CODERS] = int((keep & ~full).sum())
        keep = full
    excluded = nonzero(excluded)
    empty = np.empty((0, 0))

    def fail(reason: str) -> _Selection:
        return _Selection(empty, excluded, False, False, 0.0, reason)

    if x.shape[1] < 2:
        return fail("a single coder: the ICC needs at least two coders")
    if not keep.any():
        if listwise and counts.max(initial=0) >= 2:
            return fail(f"listwise deletion left no unit rated by all {n_coders} coders")
        return fail("nothing pairable: no unit was rated by at least two coders")
    used = x[keep]
    used = used[:, ~np.isnan(used).all(axis=0)]
    if used.shape[0] < 2:
        return fail("only one unit was rated by at least two coders: the ICC needs two or more")
    vals = used[~np.isnan(used)]
    if vals.min() == vals.max():
        return fail(f"no variation: every rating is {vals[0]:g}")
    spread = np.nanmax(used, axis=1) - np.nanmin(used, axis=1)
    return _Selection(
        x=used,
        excluded=excluded,
        complete=not np.isnan(used).any(),
        exact=bool((spread == 0).all()),
        variance=float(vals.var()),
        reason=None,
    )


def _used(method: Method) -> Used:
    """The method a result reports before the design has chosen one (``auto`` -> ANOVA)."""
    if method == "auto":
        return "anova"
    return method


def _one_way_fit(sel: _Selection, method: Method) -> _Fit:
    test = one_way(sel.x)
    if method != "reml":
        comps = VarianceComponents((test.ms_units - test.ms_within) / test.k, None, test.ms_within)
        return _Fit(test, test, _used(method), comps)
    fit = reml(sel.x, coder_effect=False)
    table = replace(test, ms_units=fit.residual + test.k * fit.unit, ms_within=fit.residual)
    comps = VarianceComponents(fit.unit, None, fit.residual)
    return _Fit(table, test, "reml", comps, _reml_note(fit.converged))


def _moment_start(t: TwoWayTable) -> tuple[float, float]:
    """REML's starting variance ratios: the ANOVA table's moment estimates."""
    e = t.ms_error
    return (t.ms_units - e) / (t.k * e), (t.ms_coders - e) / (t.n * e)


def _reml_note(converged: bool) -> str | None:
    return None if converged else "REML did not converge; the estimate may be inaccurate"


def _two_way_fit(sel: _Selection, method: Method) -> _Fit | _NoFit:
    if sel.complete and method != "reml":
        t = two_way_complete(sel.x)
        comps = VarianceComponents(
            (t.ms_units - t.ms_error) / t.k, (t.ms_coders - t.ms_error) / t.n, t.ms_error
        )
        return _Fit(t, t, _used(method), comps)
    if method == "anova":
        n_incomplete = int(np.isnan(sel.x).any(axis=1).sum())
        return _NoFit(
            f"the two-way ANOVA needs every unit rated by every coder; {n_incomplete} units "
            "are not: use method 'reml' (all ratings) or 'listwise'",
            "anova",
        )
    test = two_way_complete(sel.x) if sel.complete else two_way_incomplete(sel.x)
    if test.df_error <= 0.0:
        return _NoFit(
            "too few ratings to separate unit, coder and residual variance "
            "(no residual degrees of freedom)",
            "reml",
        )
    if test.ms_error <= _TINY * sel.variance:
        return _NoFit(
            "the ratings differ only by constant coder offsets (no residual variation), "
            "so the REML variance components are degenerate; use method 'listwise'",
            "reml",
        )
    fit = reml(sel.x, start=_moment_start(test))
    table = replace(
        test,
        ms_units=fit.residual + test.k * fit.unit,
        ms_coders=fit.residual + test.n * fit.coder,
        ms_error=fit.residual,
        df_coders=sel.x.shape[1] - 1.0,
    )
    comps = VarianceComponents(fit.unit, fit.coder, fit.residual)
    return _Fit(table, test, "reml", comps, _reml_note(fit.converged))


def _f_test(test: OneWayTable | TwoWayTable) -> FTest | None:
    if isinstance(test, OneWayTable):
        num, den, df1, df2 = test.ms_units, test.ms_within, test.df_units, test.df_within
    else:
        num, den, df1, df2 = test.ms_units, test.ms_error, test.df_units, test.df_error
    if den <= 0.0 or df2 <= 0.0:
        return None
    f = num / den
    return FTest(f=f, df1=df1, df2=df2, p=f_sf(f, df1, df2))


def _ratio_interval(
    f: float, df1: float, df2: float, k: float, average: bool, confidence: float
) -> tuple[float, float]:
    """One-way and consistency forms: the interval from the F ratio's quantiles."""
    tail = 0.5 + confidence / 2.0
    f_lo = f / f_quantile(tail, df1, df2)
    f_hi = f * f_quantile(tail, df2, df1)
    if average:
        return 1.0 - 1.0 / f_lo, 1.0 - 1.0 / f_hi
    return (f_lo - 1.0) / (f_lo + k - 1.0), (f_hi - 1.0) / (f_hi + k - 1.0)


def _absolute(t: TwoWayTable, average: bool) -> float:
    r, c, e, k, n = t.ms_units, t.ms_coders, t.ms_error, t.k, t.n
    # The denominators can vanish when the coder mean square is below the residual one
    # (c < e); the form is then undefined (NaN).
    if average:
        return _ratio(r - e, r + (c - e) / n)
    return _ratio(r - e, r + (k - 1.0) * e + k * (c - e) / n)


def _absolute_interval(t: TwoWayTable, average: bool, confidence: float) -> tuple[float, float]:
    """McGraw & Wong's interval for ICC(A,1) / ICC(A,k), Satterthwaite df ``v``.

    A bound the formulas cannot give (a zero denominator, e.g. a lower bound of exactly
    -1/(k-1) under the Spearman-Brown step, or no Satterthwaite df) is NaN, so the caller
    reports no interval instead of failing.
    """
    r, c, e, k, n = t.ms_units, t.ms_coders, t.ms_error, t.k, t.n
    rho = _absolute(t, average=False)
    a = _ratio(k * rho, n * (1.0 - rho))
    b = 1.0 + _ratio(k * rho * (n - 1.0), n * (1.0 - rho))
    v = _ratio((a * c + b * e) ** 2, (a * c) ** 2 / t.df_coders + (b * e) ** 2 / t.df_error)
    if not (math.isfinite(v) and v > 0.0):
        return math.nan, math.nan
    tail = 0.5 + confidence / 2.0
    f_star = f_quantile(tail, t.df_units, v)
    f_low_star = f_quantile(tail, v, t.df_units)
    extra = k * c + (k * n - k - n) * e
    lo = _ratio(n * (r - f_star * e), f_star * extra + n * r)
    hi = _ratio(n * (f_low_star * r - e), extra + n * f_low_star * r)
    if average:
        return _ratio(k * lo, 1.0 + (k - 1.0) * lo), _ratio(k * hi, 1.0 + (k - 1.0) * hi)
    return lo, hi


def _ratio(num: float, den: float) -> float:
    """num / den, NaN for a zero denominator (an interval bound that does not exist)."""
    return num / den if den != 0.0 else math.nan


def _value_and_interval(
    form: IccForm, t: OneWayTable | TwoWayTable, confidence: float
) -> tuple[float, tuple[float, float] | None]:
    """The form's value and interval from table ``t`` (MSR > 0, so the value is finite)."""
    average = form.unit == "average"
    bounds: tuple[float, float] | None = None
    if isinstance(t, OneWayTable) or form.agreement == "consistency":
        if isinstance(t, OneWayTable):
            r, e, df2 = t.ms_units, t.ms_within, t.df_within
        else:
            r, e, df2 = t.ms_units, t.ms_error, t.df_error
        value = (r - e) / r if average else (r - e) / (r + (t.k - 1.0) * e)
        if e > 0.0 and df2 > 0.0:
            bounds = _ratio_interval(r / e, t.df_units, df2, t.k, average, confidence)
    else:
        value = _absolute(t, average)
        if t.df_error > 0.0 and t.ms_error > 0.0 and value < 1.0:
            bounds = _absolute_interval(t, average, confidence)
    if bounds is None:
        return value, None
    lo, hi = finite_or_none(bounds[0]), finite_or_none(bounds[1])
    return value, (lo, hi) if lo is not None and hi is not None else None


def _result(form: IccForm, sel: _Selection, fit: _Fit | _NoFit, confidence: float) -> IccResult:
    coders = int(sel.x.shape[1])
    n_units = int(sel.x.shape[0])
    if isinstance(fit, _NoFit):
        est = undefined(fit.reason, units_excluded=sel.excluded)
        return IccResult(form, est, None, fit.used, coders)
    k, comps = fit.table.k, fit.components
    if fit.table.ms_units <= _TINY * sel.variance:
        # Coders vary, units do not: the average forms are -infinity, the single forms
        # meaningless; report neither.
        est = undefined(
            "no variation between units: every unit has the same mean rating",
            units_used=n_units,
            units_excluded=sel.excluded,
        )
        return IccResult(form, est, None, fit.used, coders, k, comps, fit.table)
    value, ci = _value_and_interval(form, fit.table, confidence)
    if not math.isfinite(value):
        est = undefined(
            "the form's denominator is zero for these ratings (the coder mean square is well "
            "below the residual one): it has no value",
            units_used=n_units,
            units_excluded=sel.excluded,
        )
        return IccResult(form, est, _f_test(fit.test), fit.used, coders, k, comps, fit.table)
    est = Estimate(
        value=value, reason=fit.note, ci=ci, units_used=n_units, units_excluded=sel.excluded
    )
    return IccResult(form, est, _f_test(fit.test), fit.used, coders, k, comps, fit.table)


def _exact(form: IccForm, sel: _Selection, method: Method) -> IccResult:
    """Every unit's ratings identical, units differing: every form is 1."""
    est = Estimate(
        value=1.0,
        reason="the coders agree exactly on every unit: no F test or interval",
        units_used=int(sel.x.shape[0]),
        units_excluded=sel.excluded,
    )
    m = (~np.isnan(sel.x)).sum(axis=1).astype(np.float64)
    return IccResult(form, est, None, _used(method), int(sel.x.shape[1]), k0(m))


def _check(method: str, confidence: float) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")


def icc_all(
    ratings: ArrayLike, *, confidence: float = 0.95, method: Method = "auto"
) -> dict[str, IccResult]:
    """All six forms, keyed ``icc1, icc1k, icc_a1, icc_ak, icc_c1, icc_ck`` (see module doc)."""
    return _compute(ratings, FORM_KEYS, confidence, method)


def icc(
    ratings: ArrayLike, form: Form, *, confidence: float = 0.95, method: Method = "auto"
) -> IccResult:
    """One ICC form (``icc1``, ``icc1k``, ``icc_a1``, ``icc_ak``, ``icc_c1``, ``icc_ck``)."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORM_KEYS)}; got {form!r}")
    return _compute(ratings, (form,), confidence, method)[form]


def _compute(
    ratings: ArrayLike, keys: tuple[str, ...], confidence: float, method: Method
) -> dict[str, IccResult]:
    _check(method, confidence)
    sel = _select(ratings, listwise=method == "listwise")
    fits: dict[str, _Fit | _NoFit] = {}
    out: dict[str, IccResult] = {}
    for key in keys:
        form = FORMS[key]
        if sel.reason is not None:
            est = undefined(sel.reason, units_excluded=sel.excluded)
            out[key] = IccResult(form, est, None, _used(method), int(sel.x.shape[1]))
        elif sel.exact:
            out[key] = _exact(form, sel, method)
        else:
            if form.model not in fits:
                fits[form.model] = (
                    _one_way_fit(sel, method)
                    if form.model == "one_way"
                    else _two_way_fit(sel, method)
                )
            out[key] = _result(form, sel, fits[form.model], confidence)
    return out
