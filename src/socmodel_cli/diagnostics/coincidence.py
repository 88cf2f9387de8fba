"""Where the disagreement is: coincidence and confusion matrices, the pairs of values most
often confused, and whether disagreements on an ordered scale are adjacent or wide.

Coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): over
the pairable units u (rated by m_u >= 2 coders), with n_uc the number of coders who put u in
category c,

    o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)

so each pairable value contributes one unit of mass, row sums are n_c (pairable values in
category c) and the total is n. Expected coincidences: e_ck = n_c (n_k - [c = k]) / (n - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socmodel_cli.diagnostics.scale import CodeView, FloatArray, IntArray
from socmodel_cli.stats import category_counts

# Distances up to this many steps count as "adjacent" (guards against float noise).
_ADJACENT = 1.0 + 1e-9


def coincidences(cats: IntArray, k: int) -> FloatArray:
    """Krippendorff's coincidence matrix (k x k) over the pairable units."""
    counts = category_counts(cats, k)
    m = counts.sum(axis=1)
    keep = m >= 2
    c = counts[keep]
    w = 1.0 / (m[keep] - 1.0)
    weighted = c * w[:, None]
    o: FloatArray = weighted.T @ c - np.diag(weighted.sum(axis=0))
    return o


def expected_coincidences(o: FloatArray) -> FloatArray:
    """What the coincidences would be if values were paired at random: n_c (n_k - [c=k]) / (n-1)."""
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n <= 1:
        return np.zeros_like(o)
    e: FloatArray = (np.outer(n_c, n_c) - np.diag(n_c)) / (n - 1.0)
    return e


def confusion(cats: IntArray, a: int, b: int, k: int) -> FloatArray:
    """Two coders' contingency table (coder ``a`` rows, coder ``b`` columns), units both rated."""
    both = (cats[:, a] >= 0) & (cats[:, b] >= 0)
    flat = np.bincount(cats[both, a] * k + cats[both, b], minlength=k * k)
    return flat.reshape(k, k).astype(np.float64)


@dataclass(frozen=True)
class ConfusedPair:
    """Two values that coders gave the same unit, and how much of the disagreement that is."""

    first: int  # category index (the lower one)
    second: int
    coincidences: float  # o_ck + o_kc
    coder_pairs: int  # unordered pairs of coders in a unit, one giving each value
    share: float  # of all off-diagonal coincidence mass
    expected_share: float  # the same share if values were paired at random
    steps: float | None  # distance on an ordered scale; None for nominal codes


@dataclass(frozen=True)
class Spread:
    """On an ordered scale: how far apart disagreeing values are (shares of off-diagonal mass)."""

    adjacent_share: float  # one step apart
    wide_share: float  # two or more steps apart
    mean_steps: float
    max_steps: float


@dataclass(frozen=True)
class Disagreement:
    """The categorical picture of one code's disagreement."""

    coincidence: FloatArray  # k x k
    expected: FloatArray  # k x k
    confusion: FloatArray | None  # k x k, exactly two coders
    pairs: tuple[ConfusedPair, ...]  # every pair with disagreement, most confused first
    spread: Spread | None  # ordered codes with some disagreement


def disagreement(view: CodeView) -> Disagreement | None:
    """The coincidence picture of a code with categories; ``None`` for one without."""
    if view.cats is None or view.k == 0:
        return None
    k = view.k
    o = coincidences(view.cats, k)
    e = expected_coincidences(o)
    two = len(view.coders) == 2
    return Disagreement(
        coincidence=o,
        expected=e,
        confusion=confusion(view.cats, 0, 1, k) if two else None,
        pairs=_confused_pairs(view, o, e),
        spread=_spread(view, o) if view.ordered else None,
    )


def _off_diagonal_pairs(m: FloatArray) -> FloatArray:
    """m_ck + m_kc for c < k (upper triangle), zero elsewhere."""
    upper: FloatArray = np.triu(m + m.T, k=1)
    return upper


def _confused_pairs(view: CodeView, o: FloatArray, e: FloatArray) -> tuple[ConfusedPair, ...]:
    assert view.cats is not None
    mass = _off_diagonal_pairs(o)
    total = float(mass.sum())
    if total <= 0:
        return ()
    expected = _off_diagonal_pairs(e)
    expected_total = float(expected.sum())
    counts = category_counts(view.cats, view.k)
    pairable = counts.sum(axis=1) >= 2
    # Raw coder pairs: in each unit, every coder with value c meets every coder with value k.
    raw = counts[pairable].T @ counts[pairable]
    found = []
    for c, k in zip(*np.nonzero(mass), strict=True):
        found.append(
            ConfusedPair(
                first=int(c),
                second=int(k),
                coincidences=float(mass[c, k]),
                coder_pairs=round(float(raw[c, k])),
                share=float(mass[c, k]) / total,
                expected_share=float(expected[c, k]) / expected_total if expected_total else 0.0,
                steps=float(view.steps[c, k]) if view.ordered else None,
            )
        )
    found.sort(key=lambda p: (-p.coincidences, p.first, p.second))
    return tuple(found)


def _spread(view: CodeView, o: FloatArray) -> Spread | None:
    mass = _off_diagonal_pairs(o)
    total = float(mass.sum())
    if total <= 0:
        return None
    steps = view.steps
    adjacent = float(mass[(steps > 0) & (steps <= _ADJACENT)].sum())
    used = mass > 0
    return Spread(
        adjacent_share=adjacent / total,
        wide_share=1.0 - adjacent / total,
        mean_steps=float((mass / total * steps).sum()),
        max_steps=float(steps[used].max()),
    )
