"""Agreement per category: each value of a code against all the others.

For category c the code is recoded to "c" vs "any other value" and three things are read:

* category alpha: nominal Krippendorff's alpha of the recoded code;
* specific agreement o_cc / n_c: when a coder gives c, the share of the other coders'
  values in that unit that are c too (from the coincidence matrix);
* Byrt, Bishop & Carlin's (1993) indices of the recoded 2 x 2 table. With a = pairs both
  "c", d = pairs both "other", b and c' the discordant pairs, n pairs:
  prevalence index PI = |a - d| / n, read from the coincidence matrix (any number of
  coders; equal to Byrt's for two coders); bias index BI = |b - c'| / n, which for one
  pair of coders equals the difference of their shares of c on the units both rated. With
  more coders the largest BI over coder pairs is given, with the pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from socmodel_cli.diagnostics.coincidence import Disagreement
from socmodel_cli.diagnostics.scale import CodeView, FloatArray
from socmodel_cli.stats import Estimate
from socmodel_cli.stats.estimate import FEWER_THAN_TWO, nonzero, undefined
from socmodel_cli.stats.tables import coder_pair_tables


@dataclass(frozen=True)
class CategoryAgreement:
    index: int
    value: str
    label: str | None
    ratings: int  # every rating of this value, pairable or not
    pairable_values: float  # n_c
    share: float | None  # n_c / n
    specific_agreement: float | None  # o_cc / n_c
    alpha: Estimate  # category-vs-rest nominal alpha
    prevalence_index: float | None
    bias_index: float | None
    bias_pair: tuple[str, str] | None  # the coder pair with the largest bias index


def category_agreement(view: CodeView, picture: Disagreement) -> tuple[CategoryAgreement, ...]:
    assert view.cats is not None
    cats = view.cats
    o = picture.coincidence
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    bias = _bias_indices(view)
    r = view.ratings
    pairable = r.m[r.unit] >= 2
    exact = np.bincount(cats[r.unit[pairable], r.coder[pairable]], minlength=view.k)
    units_used = int((r.m >= 2).sum())
    ratings = np.bincount(cats[r.unit, r.coder], minlength=view.k)
    out = []
    for c in range(view.k):
        agree_c = float(o[c, c])
        # Pairs both "other": everything outside row c and column c.
        agree_rest = n - 2.0 * float(n_c[c]) + agree_c
        bi, pair = bias[c]
        out.append(
            CategoryAgreement(
                index=c,
                value=view.labels[c],
                label=view.value_labels[c],
                ratings=int(ratings[c]),
                pairable_values=float(n_c[c]),
                share=float(n_c[c]) / n if n else None,
                specific_agreement=agree_c / float(n_c[c]) if n_c[c] else None,
                alpha=_category_alpha(view, o, c, int(exact[c]), units_used),
                prevalence_index=abs(agree_c - agree_rest) / n if n else None,
                bias_index=bi,
                bias_pair=pair,
            )
        )
    return tuple(out)


def _category_alpha(view: CodeView, o: FloatArray, c: int, n_c: int, units_used: int) -> Estimate:
    """Nominal alpha of the code recoded to c vs the rest, from the coincidence matrix; the
    same Estimate as ``stats.alpha`` on the recoded matrix (reasons and counts included).

    alpha = 1 - (n - 1)(n - A) / (n^2 - n_c^2 - (n - n_c)^2),  A = o_cc + (n - 2 n_c + o_cc)
    with n_c the pairable values in c and o restricted to the rest summing to n - 2 n_c + o_cc.
    """
    excluded = nonzero({FEWER_THAN_TWO: view.x.shape[0] - units_used})
    if len(view.coders) < 2:
        return undefined(
            "a single coder: reliability needs at least two coders", units_excluded=excluded
        )
    if units_used == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders", units_excluded=excluded
        )
    n = float(view.ratings.pairable().size)
    if n_c in (0, n):
        label = "category 1" if n_c else "category 0"
        return undefined(
            f"no variation: every pairable value is {label}",
            units_used=units_used,
            units_excluded=excluded,
        )
    agree = 2.0 * float(o[c, c]) + (n - 2.0 * float(o[c].sum()))
    value = 1.0 - (n - 1.0) * (n - agree) / (n * n - float(n_c) ** 2 - (n - n_c) ** 2)
    return Estimate(value=value, units_used=units_used, units_excluded=excluded)


def _bias_indices(view: CodeView) -> list[tuple[float | None, tuple[str, str] | None]]:
    """Per category, the largest |share of c by coder a - share by coder b| over coder pairs
    (units both rated), and that pair (the first in coder order on ties). Only pairs that
    rated a unit together are visited, from the units' rating lists."""
    assert view.cats is not None
    cats = view.cats
    k = view.k
    best: list[tuple[float | None, tuple[str, str] | None]] = [(None, None)] * k
    r = view.ratings
    r = replace(r, value=cats[r.unit, r.coder].astype(np.float64)).pairable()
    for chunk in coder_pair_tables(r, k):
        n = chunk.tables.sum(axis=(1, 2))[:, None]
        bi = np.abs(chunk.tables.sum(axis=2) / n - chunk.tables.sum(axis=1) / n)  # (P, k)
        top = bi.argmax(axis=0)
        for c in range(k):
            value = float(bi[top[c], c])
            current = best[c][0]
            if current is None or value > current:
                pair = (
                    view.coders[int(chunk.first[top[c]])],
                    view.coders[int(chunk.second[top[c]])],
                )
                best[c] = (value, pair)
    return best
