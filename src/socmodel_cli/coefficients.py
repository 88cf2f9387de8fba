"""The coefficient registry: every coefficient socmodel reports, in one table.

Each entry says what the coefficient is (key, names, definition, reference), when it applies
(levels of measurement, number of coders, whether it needs a finite set of values) and how it
is computed from one code's ratings at a given confidence. The result of a code holds its
estimates by key, and every renderer (text, JSON, CSV, Markdown) iterates this table, so adding
a coefficient is one stats function and one entry here.

Confidence reaches every coefficient through :class:`CodeData` alone: nothing computes an
interval at a level of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from socmodel_cli import stats
from socmodel_cli.scheme.model import Code
from socmodel_cli.stats import Estimate
from socmodel_cli.stats.agreement import percent_agreement_of_stack
from socmodel_cli.stats.alpha import alpha_of_stack
from socmodel_cli.stats.code_tables import CodeTables, chance_of_codes, conger_of_tables
from socmodel_cli.stats.estimate import finite_or_none
from socmodel_cli.stats.kappa import light_kappa_of_stack
from socmodel_cli.stats.scale_agreement import agreement_within_of_stack
from socmodel_cli.stats.stack import Stack

# "any": computed whatever the number of coders (undefined, with its reason, below two).
Coders = Literal["any", "two", "three+"]
ALL_LEVELS = frozenset({"nominal", "ordinal", "interval", "ratio"})
ORDERED = frozenset({"ordinal", "interval", "ratio"})


@dataclass(frozen=True)
class CodeData:
    """One code's ratings as every coefficient receives them."""

    code: Code
    x: npt.NDArray[np.float64]  # units x coders, NaN = not coded
    confidence: float

    @property
    def n_coders(self) -> int:
        return int(self.x.shape[1])

    @property
    def k(self) -> int | None:
        """Declared categories of a nominal/ordinal code."""
        return len(self.code.values or ()) if self.code.categorical else None

    @property
    def categories(self) -> npt.NDArray[np.float64] | None:
        """Sorted declared values of an interval/ratio code with a finite value set."""
        if self.code.categorical or not self.code.values:
            return None
        return np.array(sorted(float(v) for v in self.code.declared), dtype=np.float64)

    @property
    def has_categories(self) -> bool:
        return self.code.categorical or bool(self.code.values)

    @property
    def weights(self) -> stats.WeightSpec:
        """The code's agreement weights for the weighted coefficients (default quadratic)."""
        w = self.code.weights
        return "quadratic" if w is None else w

    @cached_property
    def scale(self) -> npt.NDArray[np.float64]:
        """Ratings on the code's numeric scale: an ordinal code's declared numbers (ranks
        1..k for text values); interval/ratio values as they are."""
        if not self.code.categorical:
            return self.x
        declared = self.code.declared
        if self.code.numeric:
            positions = np.array([float(v) for v in declared], dtype=np.float64)
        else:
            positions = np.arange(1.0, len(declared) + 1.0)
        filled = np.where(np.isnan(self.x), 0, self.x).astype(np.int64)
        return np.where(np.isnan(self.x), np.nan, positions[filled])

    @cached_property
    def frame(self) -> tuple[npt.NDArray[np.float64], float, float]:
        """``(z, origin, unit)`` with ``scale = origin + unit * z``: the scale centred on its
        median and divided by a power of two, so sums of squares neither overflow nor lose
        digits (values near 1e300 or 1e15 + small differences). ICCs are invariant to it."""
        x = self.scale
        present = x[~np.isnan(x)]
        if not present.size:
            return x, 0.0, 1.0
        origin = float(np.median(present))
        spread = float(np.max(np.abs(present - origin))) if np.isfinite(origin) else 0.0
        if not np.isfinite(spread) or spread == 0.0:
            # Values spanning the float range: halve first so the difference is finite.
            origin = 0.0
            spread = float(np.max(np.abs(present)))
        unit = float(2.0 ** np.floor(np.log2(spread))) if spread > 0 else 1.0
        return (x - origin) / unit, origin, unit

    @cached_property
    def tables(self) -> CodeTables:
        """The tables the kappa family shares (category counts, agreement per unit)."""
        return CodeTables(self.x, self.code.level, self.k, self.categories)

    @cached_property
    def icc(self) -> dict[str, stats.IccResult]:
        """All six ICC forms, fitted once per code (the design decides ANOVA or REML)."""
        return stats.icc_all(self.frame[0], confidence=self.confidence)


@dataclass(frozen=True)
class Coefficient:
    key: str  # JSON/CSV key; stable
    name: str  # full name for people
    short: str  # column heading in tables
    definition: str  # one line, printed in the JSON `definitions`
    reference: str
    levels: frozenset[str]
    coders: Coders
    needs_categories: bool  # kappa-type: undefined (with the reason) without declared values
    compute: Callable[[CodeData], Estimate]
    # Also by the code's own settings (e.g. ICC on an ordinal rating scale on request).
    for_code: Callable[[Code], bool | None] = lambda _code: None
    interval: bool = True  # reports a confidence interval (at CodeData.confidence)
    # The same as ``compute`` for many codes at once (a run with hundreds of small codes).
    batch: Callable[[Sequence[CodeData]], list[Estimate]] | None = None

    def applies(self, data: CodeData) -> bool:
        if not level_applies(self, data.code):
            return False
        n = data.n_coders
        if self.coders == "two":
            return n == 2
        if self.coders == "three+":
            return n > 2
        return True

    def where(self) -> str:
        """When it applies, in words (for docs and help)."""
        coders = {
            "any": "two or more coders",
            "two": "exactly two coders",
            "three+": "three or more coders",
        }
        levels = "all levels" if self.levels == ALL_LEVELS else ", ".join(sorted(self.levels))
        values = "; declared values" if self.needs_categories else ""
        return f"{levels}; {coders[self.coders]}{values}"


def level_applies(coefficient: Coefficient, code: Code) -> bool:
    """Whether ``coefficient`` is computed for codes like ``code`` (whatever the coders)."""
    chosen = coefficient.for_code(code)
    if chosen is not None:
        return chosen
    return code.level in coefficient.levels


def _cat(
    fn: Callable[..., Estimate], *, confidence: bool = True, **extra: str
) -> Callable[[CodeData], Estimate]:
    """A kappa-type coefficient called with the code's categories (and the confidence)."""

    def compute(d: CodeData) -> Estimate:
        kwargs: dict[str, object] = dict(extra)
        if confidence:
            kwargs["confidence"] = d.confidence
        return fn(d.x, d.code.level, d.k, categories=d.categories, **kwargs)

    return compute


def _weighted(fn: Callable[..., Estimate]) -> Callable[[CodeData], Estimate]:
    """A weighted coefficient with the code's weights."""

    def compute(d: CodeData) -> Estimate:
        return fn(
            d.x, d.code.level, d.k, categories=d.categories, weights=d.weights,
            confidence=d.confidence,
        )  # fmt: skip

    return compute


def _chance_weights(d: CodeData, weighted: bool) -> stats.WeightSpec:
    return d.weights if weighted else "identity"


def _chance(method: stats.Method, *, weighted: bool) -> dict[str, Any]:
    """Fleiss' kappa, Brennan-Prediger or Gwet's AC from the codes' shared tables,
    unweighted or with each code's weights: ``compute`` and ``batch`` of the entry."""

    def compute(d: CodeData) -> Estimate:
        return d.tables.chance(method, _chance_weights(d, weighted), d.confidence)

    def batch(ds: Sequence[CodeData]) -> list[Estimate]:
        weights = [_chance_weights(d, weighted) for d in ds]
        return chance_of_codes([d.tables for d in ds], method, weights, [d.confidence for d in ds])

    return {"compute": compute, "batch": batch}


def _cohen(weights: str | None) -> dict[str, Any]:
    """Cohen's kappa (``weights`` None) or weighted kappa from the codes' categorical views:
    ``compute`` and ``batch`` of the entry (codes' tables stacked)."""

    def batch(ds: Sequence[CodeData]) -> list[Estimate]:
        out: dict[int, Estimate] = {}
        alike: dict[float, list[int]] = {}
        for i, d in enumerate(ds):
            alike.setdefault(d.confidence, []).append(i)
        for confidence, members in alike.items():
            views = [ds[i].tables.view for i in members]
            got = stats.cohen_kappa_of_views(views, weights, confidence)
            out.update(zip(members, got, strict=True))
        return [out[i] for i in range(len(ds))]

    def compute(d: CodeData) -> Estimate:
        return batch([d])[0]

    return {"compute": compute, "batch": batch}


def _conger(*, weighted: bool) -> dict[str, Any]:
    """Conger's kappa from the codes' shared tables: ``compute`` and ``batch`` of the entry."""

    def compute(d: CodeData) -> Estimate:
        return d.tables.conger(_chance_weights(d, weighted), d.confidence)

    def batch(ds: Sequence[CodeData]) -> list[Estimate]:
        weights = [_chance_weights(d, weighted) for d in ds]
        return conger_of_tables([d.tables for d in ds], weights, [d.confidence for d in ds])

    return {"compute": compute, "batch": batch}


def _icc(form: str) -> Callable[[CodeData], Estimate]:
    def compute(d: CodeData) -> Estimate:
        r = d.icc[form]
        e = r.estimate
        test = None
        if r.f_test is not None:
            test = {"f": r.f_test.f, "df1": r.f_test.df1, "df2": r.f_test.df2}
        note = e.reason
        if e.value is not None and r.method == "reml":
            note = "incomplete design: two-way variance components by REML (no listwise deletion)"
        elif (
            e.value is not None
            and r.method == "anova"
            and r.k is not None
            and not float(r.k).is_integer()
        ):
            note = f"incomplete design: unbalanced one-way ANOVA, k0 = {r.k:.3f}"
        p = None if r.f_test is None else r.f_test.p
        return replace(e, reason=note, p=p, test=test)

    return compute


def _icc_default(code: Code) -> bool | None:
    return code.icc


def _tolerance(code: Code) -> float | None:
    """Default: one step of the declared scale (ordinal codes: one category)."""
    if code.tolerance is not None:
        return code.tolerance
    if code.categorical:
        return 1.0 if code.level == "ordinal" else None
    values = sorted(float(v) for v in code.declared)
    steps = [b - a for a, b in itertools.pairwise(values)]
    return min(steps) if steps else None


def _within(d: CodeData) -> Estimate:
    return _within_batch([d])[0]


def _within_batch(ds: Sequence[CodeData]) -> list[Estimate]:
    def of_stack(stack: Stack, members: Sequence[CodeData]) -> list[Estimate]:
        tolerances = [_tolerance(d.code) for d in members]
        got = agreement_within_of_stack(stack, [0.0 if t is None else t for t in tolerances])
        return [
            e
            if tol is None
            else replace(e, reason=e.reason or f"within +/- {tol:g} on the code's scale")
            for e, tol in zip(got, tolerances, strict=True)
        ]

    return _by_stack(ds, of_stack, lambda _d: ())


def _scale_code(code: Code) -> bool | None:
    return code.ordered and _tolerance(code) is not None


def _sem(d: CodeData) -> Estimate:
    # From the code's cached ICC(A,1) fit: one REML per code, not two.
    return in_units(stats.sem_of_fit(d.icc["icc_a1"], "agreement", d.confidence), d.frame[2])


def in_units(e: Estimate, unit: float) -> Estimate:
    """An estimate computed in the scaled frame, back in the code's units."""
    if unit == 1.0:
        return e

    def back(v: float | None) -> float | None:
        return None if v is None else finite_or_none(v * unit)

    ci = None if e.ci is None else (back(e.ci[0]), back(e.ci[1]))
    return replace(
        e,
        value=back(e.value),
        se=back(e.se),
        ci=None if ci is None or None in ci else ci,  # type: ignore[arg-type]
    )


def _alpha(d: CodeData) -> Estimate:
    return stats.alpha(d.x, d.code.level, d.k)


def _alpha_batch(ds: Sequence[CodeData]) -> list[Estimate]:
    return _by_stack(
        ds,
        lambda stack, m: alpha_of_stack(stack, m[0].code.level, m[0].k),
        lambda d: (d.code.level, d.k),
    )


def _agreement(d: CodeData) -> Estimate:
    return stats.percent_agreement(d.x)


def _agreement_batch(ds: Sequence[CodeData]) -> list[Estimate]:
    return _by_stack(ds, lambda stack, _m: percent_agreement_of_stack(stack), lambda _d: ())


def _light_batch(ds: Sequence[CodeData]) -> list[Estimate]:
    return _by_stack(
        ds,
        lambda stack, m: light_kappa_of_stack(stack, m[0].code.level, m[0].k, m[0].categories),
        lambda d: (d.code.level, d.k, None if d.categories is None else d.categories.tobytes()),
    )


def _by_stack(
    ds: Sequence[CodeData],
    of_stack: Callable[[Stack, Sequence[CodeData]], list[Estimate]],
    key: Callable[[CodeData], Hashable],
) -> list[Estimate]:
    """A coefficient of many codes: codes alike (``key``, and the number of coders) are
    stacked and computed at once (:mod:`socmodel_cli.stats.stack`)."""
    alike: dict[tuple[int, Hashable], list[int]] = {}
    for i, d in enumerate(ds):
        alike.setdefault((d.n_coders, key(d)), []).append(i)
    out: dict[int, Estimate] = {}
    for members in alike.values():
        chosen = [ds[i] for i in members]
        got = of_stack(Stack.of([d.x for d in chosen]), chosen)
        out.update(zip(members, got, strict=True))
    return [out[i] for i in range(len(ds))]


COEFFICIENTS: tuple[Coefficient, ...] = (
    Coefficient(
        "alpha",
        "Krippendorff's alpha",
        "alpha",
        "Krippendorff's alpha at the code's level; pairable values (units rated by 2+ coders)",
        "Krippendorff 2011; Hayes & Krippendorff 2007",
        ALL_LEVELS,
        "any",
        False,
        _alpha,
        batch=_alpha_batch,
    ),
    Coefficient(
        "percent_agreement",
        "percent agreement",
        "agree",
        "mean over coder pairs of the share of jointly rated units with equal values",
        "ReCal's average pairwise percent agreement",
        ALL_LEVELS,
        "any",
        False,
        _agreement,
        interval=False,
        batch=_agreement_batch,
    ),
    Coefficient(
        "cohen_kappa",
        "Cohen's kappa",
        "kappa",
        "Cohen's kappa; exactly two coders; units both rated",
        "Cohen 1960; SE: Fleiss, Cohen & Everitt 1969",
        ALL_LEVELS,
        "two",
        True,
        **_cohen(None),
    ),
    Coefficient(
        "weighted_kappa_linear",
        "Cohen's weighted kappa (linear)",
        "kappa_w lin",
        "Cohen's weighted kappa, linear weights over the declared values",
        "Cohen 1968",
        ORDERED,
        "two",
        True,
        **_cohen("linear"),
    ),
    Coefficient(
        "weighted_kappa_quadratic",
        "Cohen's weighted kappa (quadratic)",
        "kappa_w quad",
        "Cohen's weighted kappa, quadratic weights over the declared values",
        "Cohen 1968; Fleiss & Cohen 1973",
        ORDERED,
        "two",
        True,
        **_cohen("quadratic"),
    ),
    Coefficient(
        "fleiss_kappa",
        "Fleiss' kappa",
        "Fleiss",
        "Fleiss' kappa generalised to varying numbers of coders per unit",
        "Fleiss 1971; Gwet 2014",
        ALL_LEVELS,
        "any",
        True,
        **_chance("fleiss", weighted=False),
    ),
    Coefficient(
        "light_kappa",
        "Light's kappa",
        "Light",
        "Light's kappa: mean of pairwise Cohen's kappas (more than two coders)",
        "Light 1971",
        ALL_LEVELS,
        "three+",
        True,
        _cat(stats.light_kappa, confidence=False),
        interval=False,
        batch=_light_batch,
    ),
    Coefficient(
        "scott_pi",
        "Scott's pi",
        "pi",
        "Scott's pi; exactly two coders",
        "Scott 1955",
        ALL_LEVELS,
        "two",
        True,
        _cat(stats.scott_pi, confidence=False),
        interval=False,
    ),
    Coefficient(
        "brennan_prediger",
        "Brennan-Prediger",
        "BP",
        "Brennan-Prediger kappa (chance = 1/number of declared values)",
        "Brennan & Prediger 1981",
        ALL_LEVELS,
        "any",
        True,
        **_chance("brennan_prediger", weighted=False),
    ),
    Coefficient(
        "ac1",
        "Gwet's AC1",
        "AC1",
        "Gwet's AC1",
        "Gwet 2008",
        ALL_LEVELS,
        "any",
        True,
        **_chance("gwet", weighted=False),
    ),
    Coefficient(
        "ac2",
        "Gwet's AC2 (quadratic)",
        "AC2",
        "Gwet's AC2, quadratic weights over the declared values (ordered codes)",
        "Gwet 2014",
        ORDERED,
        "any",
        True,
        **_chance("gwet", weighted=True),
    ),
    Coefficient(
        "conger_kappa",
        "Conger's kappa",
        "Conger",
        "Conger's kappa: chance from each coder's own category shares (irr kappam.fleiss exact)",
        "Conger 1980; Gwet 2014",
        ALL_LEVELS,
        "any",
        True,
        **_conger(weighted=False),
    ),
    Coefficient(
        "weighted_fleiss_kappa",
        "Fleiss' kappa (weighted)",
        "Fleiss w",
        "Fleiss' kappa with the code's agreement weights (default quadratic; ordered codes)",
        "Gwet 2014, ch. 3",
        ORDERED,
        "any",
        True,
        **_chance("fleiss", weighted=True),
    ),
    Coefficient(
        "weighted_brennan_prediger",
        "Brennan-Prediger (weighted)",
        "BP w",
        "Brennan-Prediger with the code's agreement weights (default quadratic; ordered codes)",
        "Gwet 2014, ch. 3",
        ORDERED,
        "any",
        True,
        **_chance("brennan_prediger", weighted=True),
    ),
    Coefficient(
        "weighted_scott_pi",
        "Scott's pi (weighted)",
        "pi w",
        "Scott's pi with the code's agreement weights (default quadratic); exactly two coders",
        "Scott 1955; Gwet 2014",
        ORDERED,
        "two",
        True,
        _weighted(stats.weighted_scott_pi),
    ),
    Coefficient(
        "weighted_conger_kappa",
        "Conger's kappa (weighted)",
        "Conger w",
        "Conger's kappa with the code's agreement weights (default quadratic; ordered codes)",
        "Conger 1980; Gwet 2014",
        ORDERED,
        "any",
        True,
        **_conger(weighted=True),
    ),
    Coefficient(
        "agreement_within",
        "agreement within tolerance",
        "within",
        "mean over coder pairs of the share of jointly rated units within the code's tolerance "
        "(default one scale step: adjacent agreement)",
        "rating-manual practice (exact and adjacent agreement)",
        ORDERED,
        "any",
        False,
        _within,
        _scale_code,
        interval=False,
        batch=_within_batch,
    ),
    *(
        Coefficient(
            key,
            f"{form.mcgraw_wong} (Shrout & Fleiss {form.shrout_fleiss})",
            form.mcgraw_wong,
            f"intraclass correlation {form.mcgraw_wong} (Shrout & Fleiss {form.shrout_fleiss}; "
            f"SPSS {form.spss}; psych/pingouin {form.psych}); F test and F-based interval",
            "Shrout & Fleiss 1979; McGraw & Wong 1996",
            frozenset({"interval", "ratio"}),
            "any",
            False,
            _icc(key),
            _icc_default,
        )
        for key, form in stats.FORMS.items()
    ),
    Coefficient(
        "sem",
        "standard error of measurement",
        "SEM",
        "standard error of measurement in the code's units: sqrt(coder + residual variance), "
        "from the ICC(A,1) variance components",
        "Weir 2005; McGraw & Wong 1996",
        frozenset({"interval", "ratio"}),
        "any",
        False,
        _sem,
        _icc_default,
    ),
)

BY_KEY: dict[str, Coefficient] = {c.key: c for c in COEFFICIENTS}


def compute_all(data: CodeData) -> dict[str, Estimate | None]:
    """Every registered coefficient for one code, by key; ``None`` where it does not apply."""
    return compute_many([data])[0]


def compute_many(datas: Sequence[CodeData]) -> list[dict[str, Estimate | None]]:
    """:func:`compute_all` of many codes: coefficients with a ``batch`` take them all at once."""
    out: list[dict[str, Estimate | None]] = [{} for _ in datas]
    for c in COEFFICIENTS:
        chosen = [i for i, d in enumerate(datas) if c.applies(d)]
        if c.batch is not None and len(chosen) > 1:
            values = c.batch([datas[i] for i in chosen])
        else:
            values = [c.compute(datas[i]) for i in chosen]
        for one in out:
            one[c.key] = None
        for i, e in zip(chosen, values, strict=True):
            out[i][c.key] = e
    return out


def applicable(data: CodeData) -> Iterator[Coefficient]:
    return (c for c in COEFFICIENTS if c.applies(data))


def registry_table() -> str:
    """The registry as the Markdown table in docs/statistics.md (a test keeps them equal)."""
    lines = [
        "| key | coefficient | applies to | interval | reference |",
        "|---|---|---|---|---|",
    ]
    for c in COEFFICIENTS:
        interval = "yes" if c.interval else "no"
        lines.append(f"| `{c.key}` | {c.name} | {c.where()} | {interval} | {c.reference} |")
    return "\n".join(lines) + "\n"
