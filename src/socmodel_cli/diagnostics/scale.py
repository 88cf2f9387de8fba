"""How the diagnostics see one code's values: as numbers on its scale and, when it has a
finite set of values, as categories.

* Categorical codes (nominal, ordinal) store the index of the declared value. Their
  categories are the declared values, used or not. On the scale a value sits at its
  declared number when every declared value is a number (``resistance`` 1..5), otherwise
  at its rank 1..k (``position_kind = "rank"``).
* Interval and ratio codes with declared values take those values as categories.
* Interval and ratio codes without declared values (a count of instances) take the
  distinct values coders actually used as categories, as long as there are at most
  :data:`MAX_OBSERVED_CATEGORIES` of them; beyond that they have no categorical view and
  the tables that need one (coincidences, per category) are left out.

Distances between categories are counted in *steps*: neighbouring declared values are one
step apart; for observed numeric values one step is 1 for integer codes and the smallest
gap between used values otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from socmodel_cli.ratings import CodeMatrix
from socmodel_cli.scheme.model import Code
from socmodel_cli.stats._sparse import RatingList, rated_cells, rating_list
from socmodel_cli.values import display

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# A continuous code with more distinct values than this is not tabulated as categories.
MAX_OBSERVED_CATEGORIES = 30

_T = TypeVar("_T", bound=np.generic)

# Distances in steps are capped here (values spanning more than the float range).
MAX_STEPS = 1e300

PositionKind = Literal["value", "rank"]


@dataclass(frozen=True)
class CodeView:
    """One code's ratings (units x coders) seen as numbers and, if possible, categories."""

    code: Code
    matrix: CodeMatrix
    numbers: FloatArray  # position of each rating on the scale; NaN = not coded
    cats: IntArray | None  # category index of each rating, -1 = not coded; None = no categories
    labels: tuple[str, ...]  # one per category (the value as coders write it)
    value_labels: tuple[str | None, ...]  # the scheme's label of each category, if any
    positions: FloatArray  # position of each category on the scale
    steps: FloatArray  # k x k distance between categories, in steps
    declared: bool  # the categories are the declared values (unused ones included)
    position_kind: PositionKind

    @property
    def k(self) -> int:
        return len(self.labels)

    def released(self) -> CodeView:
        """The view without its per-rating arrays, for results that outlive the analysis.

        A diagnosis keeps its code's view for the renderers, which need only the code, the
        coders and the categories; the units x coders arrays (and the rating lists cached on
        this view) would otherwise stay alive for every code until the output is written.
        """
        empty = np.zeros((0, len(self.coders)))
        return replace(
            self,
            matrix=replace(self.matrix, values=empty, units=()),
            numbers=empty,
            cats=None if self.cats is None else np.zeros((0, len(self.coders)), dtype=np.int64),
        )

    @property
    def ordered(self) -> bool:
        return self.code.ordered

    @property
    def x(self) -> FloatArray:
        return self.matrix.values

    @property
    def coders(self) -> tuple[str, ...]:
        return self.matrix.coders

    @cached_property
    def ratings(self) -> RatingList:
        """The ratings unit by unit (values as stored), computed once per view."""
        return rating_list(self.x)

    @cached_property
    def scale_ratings(self) -> RatingList:
        """The same ratings with their positions on the scale as values."""
        r = self.ratings
        return replace(r, value=self.numbers[r.unit, r.coder])

    def text(self, stored: float) -> str:
        """A stored value as coders wrote it."""
        return display(self.code, stored)


def code_view(matrix: CodeMatrix) -> CodeView:
    code = matrix.code
    x = matrix.values
    flat = np.ascontiguousarray(x).ravel()
    at = rated_cells(x)
    if code.categorical:
        k = len(code.declared)
        cats = _filled(x.shape, at, flat[at].astype(np.int64), -1)
        if code.numeric:
            positions = np.array([float(v) for v in code.declared], dtype=np.float64)
            kind: PositionKind = "value"
        else:
            positions = np.arange(1.0, k + 1.0)
            kind = "rank"
        numbers = _filled(x.shape, at, positions[flat[at].astype(np.int64)], np.nan)
        labels = tuple(str(v) for v in code.declared)
        return CodeView(
            code=code,
            matrix=matrix,
            numbers=numbers,
            cats=cats,
            labels=labels,
            value_labels=tuple(v.label for v in code.values or ()),
            positions=positions,
            steps=_index_steps(k),
            declared=True,
            position_kind=kind,
        )
    if code.values:
        declared = sorted((float(v.value), v.label) for v in code.values)
        positions = np.array([d[0] for d in declared], dtype=np.float64)
        return CodeView(
            code=code,
            matrix=matrix,
            numbers=x,
            cats=_lookup(x, at, positions),
            labels=tuple(display(code, p) for p in positions),
            value_labels=tuple(d[1] for d in declared),
            positions=positions,
            steps=_index_steps(positions.size),
            declared=True,
            position_kind="value",
        )
    observed = np.unique(flat[at])
    if observed.size > MAX_OBSERVED_CATEGORIES:
        return CodeView(
            code=code,
            matrix=matrix,
            numbers=x,
            cats=None,
            labels=(),
            value_labels=(),
            positions=np.zeros(0),
            steps=np.zeros((0, 0)),
            declared=False,
            position_kind="value",
        )
    return CodeView(
        code=code,
        matrix=matrix,
        numbers=x,
        cats=_lookup(x, at, observed),
        labels=tuple(display(code, p) for p in observed),
        value_labels=(None,) * observed.size,
        positions=observed,
        steps=_value_steps(observed, bool(code.integer)),
        declared=False,
        position_kind="value",
    )


def _value_steps(values: FloatArray, integer: bool) -> FloatArray:
    """|v - w| in steps of the smallest gap between used values (1 for integer codes).

    A difference that overflows (values near +-1.8e308 of both signs) is taken between
    halves and doubled; a distance of more than 1e300 steps is reported as 1e300 (so that
    sums of shares times steps stay finite).
    """
    with np.errstate(over="ignore"):
        gap = 1.0 if integer or values.size < 2 else float(np.diff(values).min())
        d = np.abs(values[:, None] - values[None, :])
        half = values / 2.0
        steps = np.where(np.isfinite(d), d / gap, np.abs(half[:, None] - half[None, :]) / gap * 2.0)
    capped: FloatArray = np.minimum(steps, MAX_STEPS)
    return capped


def _index_steps(k: int) -> FloatArray:
    idx = np.arange(k, dtype=np.float64)
    return np.abs(idx[:, None] - idx[None, :])


def _filled(
    shape: tuple[int, ...], at: IntArray, values: npt.NDArray[_T], fill: float
) -> npt.NDArray[_T]:
    """An array of ``shape`` holding ``values`` at the flat positions ``at``, ``fill`` elsewhere."""
    out = np.full(shape, fill, dtype=values.dtype)
    out.ravel()[at] = values
    return out


def _lookup(x: FloatArray, at: IntArray, positions: FloatArray) -> IntArray:
    """Index of each rating among ``positions`` (sorted); -1 where not coded."""
    idx = np.clip(np.searchsorted(positions, x.ravel()[at]), 0, positions.size - 1)
    return _filled(x.shape, at, idx.astype(np.int64), -1)
