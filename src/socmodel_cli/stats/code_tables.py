"""One code's shared tables: what the coefficients of one code would otherwise each rebuild.

The registry reports a dozen coefficients per code, and most of them start from the same
few tables: the category index of every cell (the categorical view), the units x
categories count table, each unit's observed agreement under a weight matrix. A
:class:`CodeTables` builds each of them on first use and hands the same object to every
coefficient, so a code pays for each table once; the agreements of many small codes are
built together (:func:`agreements_of_codes`). With many small codes (500 codes of 200
units) rebuilding these tables, not the arithmetic on them, was most of the time.

The coefficients computed from these tables are the functions of :mod:`.chance` and
:mod:`.conger` on the same inputs (``tests/stats/test_code_tables.py`` compares the two
paths); the coefficients that work on the ratings unit by unit stack codes instead
(:mod:`.stack`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from socmodel_cli.stats._checks import CategoricalView, FloatArray, as_ratings, categorical_view
from socmodel_cli.stats.chance import (
    METHODS,
    Method,
    UnitAgreement,
    category_counts,
    view_weights,
)
from socmodel_cli.stats.conger import conger_of_codes
from socmodel_cli.stats.estimate import Estimate, undefined
from socmodel_cli.stats.weights import WeightSpec

Weighted = tuple[CategoricalView, FloatArray]


class CodeTables:
    """The tables of one code's ``(n_units, n_coders)`` ratings, each built on first use.

    Results that depend on a weight family are kept per family name; a custom weight
    matrix is resolved on every call (it is not hashable, and rare).
    """

    def __init__(
        self,
        ratings: FloatArray,
        level: str,
        n_categories: int | None = None,
        categories: FloatArray | None = None,
    ) -> None:
        self.x = as_ratings(ratings)
        self.level = level
        self.n_categories = n_categories
        self.categories = categories
        self._weighted: dict[str, Weighted | Estimate] = {}
        self._agreement: dict[str, UnitAgreement | Estimate] = {}
        # (weights, confidence) -> every chance-corrected method: they are computed together.
        self._chance: dict[tuple[str, float], dict[Method, Estimate]] = {}

    @cached_property
    def view(self) -> CategoricalView | str:
        """Category indices of every cell, or the reason the code has no categories."""
        return categorical_view(self.x, self.level, self.n_categories, self.categories)

    @cached_property
    def counts(self) -> FloatArray:
        """``(n_units, k)`` category counts; only for a code with categories."""
        view = self.view
        assert not isinstance(view, str), "counts of a code without categories"
        return category_counts(view.codes, view.k)

    def weighted(self, weights: WeightSpec) -> Weighted | Estimate:
        """The categorical view with its weight matrix, or the undefined estimate saying why not."""
        if not isinstance(weights, str):
            return self._resolve(weights)
        found = self._weighted.get(weights)
        if found is None:
            found = self._weighted[weights] = self._resolve(weights)
        return found

    def _resolve(self, weights: WeightSpec) -> Weighted | Estimate:
        view = self.view
        if isinstance(view, str):
            return undefined(view)
        return view_weights(view, self.level, weights)

    def cached_agreement(self, weights: WeightSpec) -> UnitAgreement | Estimate | None:
        """:meth:`agreement` if it was built already (for a weight family), else None."""
        return self._agreement.get(weights) if isinstance(weights, str) else None

    def keep_agreement(self, weights: WeightSpec, agreement: UnitAgreement) -> None:
        """Keep ``agreement``, built with other codes', as :meth:`agreement` of ``weights``."""
        if isinstance(weights, str):
            self._agreement[weights] = agreement

    def agreement(self, weights: WeightSpec) -> UnitAgreement | Estimate:
        """Each unit's observed agreement under ``weights`` (see :class:`UnitAgreement`)."""
        key = weights if isinstance(weights, str) else None
        found = self._agreement.get(key) if key is not None else None
        if found is None:
            got = self.weighted(weights)
            found = got if isinstance(got, Estimate) else UnitAgreement.of(self.counts, got[1])
            if key is not None:
                self._agreement[key] = found
        return found

    def chance(self, method: Method, weights: WeightSpec, confidence: float) -> Estimate:
        """Fleiss' kappa, Brennan-Prediger or Gwet's AC under ``weights``."""
        return chance_of_codes([self], method, [weights], [confidence])[0]

    def conger(self, weights: WeightSpec, confidence: float) -> Estimate:
        """Conger's kappa under ``weights``, sharing p_a with :meth:`chance`."""
        return conger_of_tables([self], [weights], [confidence])[0]


def chance_of_codes(
    tables: Sequence[CodeTables],
    method: Method,
    weights: Sequence[WeightSpec],
    confidence: Sequence[float],
) -> list[Estimate]:
    """:meth:`CodeTables.chance` of many codes, each under its own weights and confidence.

    Codes with equal weight matrices and confidence are computed as one stack
    (:class:`UnitAgreement`), all three methods at once: the other two are kept on each
    code's tables for the next call.
    """
    out: dict[int, Estimate] = {}
    stacks: dict[tuple[float, bytes], list[int]] = {}
    for i, (t, spec, level) in enumerate(zip(tables, weights, confidence, strict=True)):
        known = t._chance.get((spec, level)) if isinstance(spec, str) else None
        if known is not None:
            out[i] = known[method]
            continue
        got = t.weighted(spec)
        if isinstance(got, Estimate):
            out[i] = got
            continue
        w = got[1]
        stacks.setdefault((level, _matrix_key(w)), []).append(i)
    for (level, _), members in stacks.items():
        stack = agreements_of_codes(tables, members, weights)
        every = {m: stack.coefficients(m, confidence=level) for m in METHODS}
        for j, i in enumerate(members):
            out[i] = every[method][j]
            spec = weights[i]
            if isinstance(spec, str):
                tables[i]._chance[(spec, level)] = {m: every[m][j] for m in METHODS}
    return [out[i] for i in range(len(tables))]


def _matrix(got: Weighted | Estimate) -> FloatArray:
    assert not isinstance(got, Estimate)
    return got[1]


def conger_of_tables(
    tables: Sequence[CodeTables], weights: Sequence[WeightSpec], confidence: Sequence[float]
) -> list[Estimate]:
    """:meth:`CodeTables.conger` of many codes; codes with equal weights and confidence are
    computed as one stack (:func:`conger_of_codes`)."""
    out: dict[int, Estimate] = {}
    stacks: dict[tuple[float, bytes], list[int]] = {}
    for i, (t, spec, level) in enumerate(zip(tables, weights, confidence, strict=True)):
        got = t.weighted(spec)
        if isinstance(got, Estimate):
            out[i] = got
        else:
            stacks.setdefault((level, _matrix_key(got[1])), []).append(i)
    for (level, _), members in stacks.items():
        views = [tables[i].weighted(weights[i]) for i in members]
        shared = agreements_of_codes(tables, members, weights)
        estimates = conger_of_codes(
            [_view(v).codes for v in views],
            _matrix(views[0]),
            [shared.part(j) for j in range(len(members))],
            confidence=level,
        )
        out.update(zip(members, estimates, strict=True))
    return [out[i] for i in range(len(tables))]


def agreements_of_codes(
    tables: Sequence[CodeTables], members: Sequence[int], weights: Sequence[WeightSpec]
) -> UnitAgreement:
    """The stacked :meth:`CodeTables.agreement` of ``tables[i]`` for ``i`` in ``members``,
    whose weight matrices are equal and defined: the codes not yet holding theirs get them
    from one :meth:`UnitAgreement.of_codes`, which each then keeps for the next coefficient."""
    w = _matrix(tables[members[0]].weighted(weights[members[0]]))
    missing = [i for i in members if tables[i].cached_agreement(weights[i]) is None]
    if missing:
        built = UnitAgreement.of_codes([tables[i].counts for i in missing], w)
        for g, i in enumerate(missing):
            tables[i].keep_agreement(weights[i], built.part(g))
        if len(missing) == len(members):
            return built
    return UnitAgreement.stack([_agreement(tables[i].agreement(weights[i])) for i in members])


def _agreement(got: UnitAgreement | Estimate) -> UnitAgreement:
    assert isinstance(got, UnitAgreement)
    return got


def _matrix_key(w: FloatArray) -> bytes:
    return np.asarray(w.shape).tobytes() + w.tobytes()


def _view(got: Weighted | Estimate) -> CategoricalView:
    assert not isinstance(got, Estimate)
    return got[0]
