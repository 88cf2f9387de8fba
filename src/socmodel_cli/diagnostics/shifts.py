"""Each coder against the pooled others on shared units, for all coders at once.

For a coder c and a unit u that c rated with at least one other (active) coder, with m_u
active ratings summing to S_u, the others' mean there is (S_u - x_uc) / (m_u - 1), and
d_u = x_uc - that mean. Per coder: the mean and standard deviation of d over its shared
units (two passes), the paired t, and the standard deviation of the pooled values of those
units, SS = sum_u [SS_u + m_u (mean_u - mean)^2] (no cancellation). For nominal codes the
same per category with d_u = [c gave the category] - (share of the others who gave it).

Everything is read from the units' rating lists: O(ratings x categories), however many
coders there are. Scale values are first moved into a frame (median 0, a power-of-two unit;
:mod:`socmodel_cli.stats._precision`), so the shifts are shift-invariant and finite at any
magnitude; means and differences are mapped back to the code's units. A spread of d that is
exactly zero (every difference equal) gives no t, whatever rounding says.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.diagnostics.scale import CodeView, FloatArray, IntArray
from socmodel_cli.stats._precision import frame
from socmodel_cli.stats._sparse import RatingList

# Ratings (times categories) handled at once for nominal codes.
_CHUNK = 1 << 22


@dataclass(frozen=True)
class Shift:
    """A paired comparison of one coder with the pooled others on shared units."""

    units: int
    mean: float  # the coder's mean (or share of the category)
    others_mean: float  # the others' mean on the same units
    difference: float
    t: float | None  # None when the differences do not vary (or n < 2)
    effect: float | None  # difference / sd of the pooled pairable values (ordered codes)


@dataclass(frozen=True)
class CategoryShift:
    index: int
    value: str
    shift: Shift


@dataclass(frozen=True, slots=True)
class _Groups:
    """Mean, sd (ddof 1) and whether the values are all equal, per group."""

    n: FloatArray
    mean: FloatArray
    sd: FloatArray
    constant: NDArray[np.bool_]


def _groups(group: IntArray, values: FloatArray, size: int) -> _Groups:
    n = np.bincount(group, minlength=size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(group, weights=values, minlength=size) / n
        dev = values - mean[group]
        ss = np.bincount(group, weights=dev * dev, minlength=size)
        sd = np.where(n >= 2, np.sqrt(ss / (n - 1.0)), 0.0)
    lo = np.full(size, np.inf)
    hi = np.full(size, -np.inf)
    np.minimum.at(lo, group, values)
    np.maximum.at(hi, group, values)
    return _Groups(n=n, mean=mean, sd=sd, constant=lo == hi)


def _t(g: _Groups, i: int) -> float | None:
    sd = float(g.sd[i])
    if g.constant[i] or not sd > 0:
        return None
    return float(g.mean[i]) / (sd / math.sqrt(float(g.n[i])))


def _active(view: CodeView, active: Sequence[int]) -> RatingList:
    """The shared ratings: of the active coders, in units two or more of them rated."""
    r = view.scale_ratings
    keep = np.zeros(r.n_coders, dtype=bool)
    keep[list(active)] = True
    return r.where(keep[r.coder]).pairable()


def scale_shifts(view: CodeView, active: Sequence[int]) -> dict[int, Shift | None]:
    """Each active coder's shift against the other active coders (ordered codes)."""
    r = _active(view, active)
    out: dict[int, Shift | None] = dict.fromkeys(active)
    if r.size == 0:
        return out
    f = frame(r.value)
    y = f.apply(r.value)
    m = r.m[r.unit].astype(np.float64)
    unit_sum = np.bincount(r.unit, weights=y, minlength=r.n_units)[r.unit]
    theirs = (unit_sum - y) / (m - 1.0)
    size = r.n_coders
    d = _groups(r.coder, y - theirs, size)
    mine = _groups(r.coder, y, size)
    others = _groups(r.coder, theirs, size)
    # Pooled values of each coder's shared units: per unit mean and SS, then combined.
    unit_mean = unit_sum / m
    unit_dev = y - unit_mean
    unit_ss = np.bincount(r.unit, weights=unit_dev * unit_dev, minlength=r.n_units)[r.unit]
    pooled_n = np.bincount(r.coder, weights=m, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_mean = np.bincount(r.coder, weights=unit_sum, minlength=size) / pooled_n
        between = m * (unit_mean - pooled_mean[r.coder]) ** 2
        pooled_ss = np.bincount(r.coder, weights=unit_ss + between, minlength=size)
        pooled_sd = np.where(pooled_n >= 2, np.sqrt(pooled_ss / (pooled_n - 1.0)), 0.0)
    for c in active:
        if d.n[c] == 0:
            continue
        means = f.back(np.array([mine.mean[c], others.mean[c]]))
        difference = float(np.ldexp(d.mean[c], f.unit))
        if not (np.isfinite(means).all() and math.isfinite(difference)):
            continue  # the values span more than the float range: no shift in the code's units
        sd = float(pooled_sd[c])
        out[c] = Shift(
            units=int(d.n[c]),
            mean=float(means[0]),
            others_mean=float(means[1]),
            difference=difference,
            t=_t(d, c),
            effect=float(d.mean[c]) / sd if sd else None,
        )
    return out


def category_shifts(view: CodeView, active: Sequence[int]) -> dict[int, tuple[CategoryShift, ...]]:
    """Each active coder's shift per category against the other active coders (any code with
    categories), categories ordered by |t|, then |difference|, then index."""
    assert view.cats is not None
    cats = view.cats
    r = _active(view, active)
    out: dict[int, tuple[CategoryShift, ...]] = dict.fromkeys(active, ())
    if r.size == 0:
        return out
    k = view.k
    size = r.n_coders * k
    sums = np.zeros((4, size))  # n, own, share, d
    for group, own, share in _category_chunks(r, cats, k):
        sums[0] += np.bincount(group, minlength=size)
        sums[1] += np.bincount(group, weights=own, minlength=size)
        sums[2] += np.bincount(group, weights=share, minlength=size)
        sums[3] += np.bincount(group, weights=own - share, minlength=size)
    n = sums[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_d = sums[3] / n
    ss = np.zeros(size)
    lo = np.full(size, np.inf)
    hi = np.full(size, -np.inf)
    for group, own, share in _category_chunks(r, cats, k):
        dev = own - share - mean_d[group]
        ss += np.bincount(group, weights=dev * dev, minlength=size)
        np.minimum.at(lo, group, own - share)
        np.maximum.at(hi, group, own - share)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = _Groups(
            n=n,
            mean=mean_d,
            sd=np.where(n >= 2, np.sqrt(ss / (n - 1.0)), 0.0),
            constant=lo == hi,
        )
        mine_mean = sums[1] / n
        others_mean = sums[2] / n
    for c in active:
        if d.n[c * k] == 0:
            continue
        found = []
        for g in range(k):
            i = c * k + g
            found.append(
                CategoryShift(
                    g,
                    view.labels[g],
                    Shift(
                        units=int(d.n[i]),
                        mean=float(mine_mean[i]),
                        others_mean=float(others_mean[i]),
                        difference=float(d.mean[i]),
                        t=_t(d, i),
                        effect=None,
                    ),
                )
            )
        found.sort(key=lambda s: (-abs(s.shift.t or 0.0), -abs(s.shift.difference), s.index))
        out[c] = tuple(found)
    return out


def _category_chunks(
    r: RatingList, cats: IntArray, k: int
) -> Iterator[tuple[IntArray, FloatArray, FloatArray]]:
    """Per shared rating and category (flattened): the group coder * k + category, whether the
    coder gave it, and the share of the unit's other ratings that did; a run of units at a time."""
    cat = cats[r.unit, r.coder]
    start = r.first_of_unit()
    step = max(1, _CHUNK // max(k, 1))
    a = 0
    while a < r.size:
        u0 = int(r.unit[a])
        u1 = int(r.unit[min(r.size, a + step) - 1]) + 1
        b = int(start[u1 - 1] + r.m[u1 - 1])  # whole units
        counts = np.bincount((r.unit[a:b] - u0) * k + cat[a:b], minlength=(u1 - u0) * k).reshape(
            u1 - u0, k
        )
        own = np.zeros((b - a, k))
        own[np.arange(b - a), cat[a:b]] = 1.0
        m = r.m[r.unit[a:b]].astype(np.float64)
        share = (counts[r.unit[a:b] - u0] - own) / (m - 1.0)[:, None]
        group = (r.coder[a:b, None] * k + np.arange(k)[None, :]).ravel()
        yield group, own.ravel(), share.ravel()
        a = b


def shared_units(view: CodeView, active: Sequence[int]) -> dict[int, int]:
    """Per active coder, its units also rated by another active coder."""
    r = _active(view, active)
    counts = np.bincount(r.coder, minlength=r.n_coders)
    return {c: int(counts[c]) for c in active}
