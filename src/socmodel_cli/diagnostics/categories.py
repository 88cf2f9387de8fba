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

from dataclasses import dataclass

import numpy as np

from socmodel_cli import stats
from socmodel_cli.diagnostics.coincidence import Disagreement
from socmodel_cli.diagnostics.scale import CodeView
from socmodel_cli.stats import Estimate
from socmodel_cli.stats._sparse import rating_list
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
    rated = cats >= 0
    bias = _bias_indices(view)
    out = []
    for c in range(view.k):
        binary = np.where(rated, (cats == c).astype(np.float64), np.nan)
        agree_c = float(o[c, c])
        # Pairs both "other": everything outside row c and column c.
        agree_rest = n - 2.0 * float(n_c[c]) + agree_c
        bi, pair = bias[c]
        out.append(
            CategoryAgreement(
                index=c,
                value=view.labels[c],
                label=view.value_labels[c],
                ratings=int((cats == c).sum()),
                pairable_values=float(n_c[c]),
                share=float(n_c[c]) / n if n else None,
                specific_agreement=agree_c / float(n_c[c]) if n_c[c] else None,
                alpha=stats.alpha(binary, "nominal", 2),
                prevalence_index=abs(agree_c - agree_rest) / n if n else None,
                bias_index=bi,
                bias_pair=pair,
            )
        )
    return tuple(out)


def _bias_indices(view: CodeView) -> list[tuple[float | None, tuple[str, str] | None]]:
    """Per category, the largest |share of c by coder a - share by coder b| over coder pairs
    (units both rated), and that pair (the first in coder order on ties). Only pairs that
    rated a unit together are visited, from the units' rating lists."""
    assert view.cats is not None
    cats = view.cats
    k = view.k
    best: list[tuple[float | None, tuple[str, str] | None]] = [(None, None)] * k
    r = rating_list(np.where(cats >= 0, cats, np.nan).astype(np.float64)).pairable()
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
