"""Conger's (1980) kappa for any number of coders, with missing ratings and weights.

Conger keeps Fleiss' observed agreement p_a but takes chance agreement from each coder's
*own* category shares, averaged over coder pairs: Cohen's kappa generalised to r coders
(on complete two-coder data it is Cohen's kappa; R ``irr`` calls it Fleiss' kappa
``exact = TRUE``). With missing ratings it follows Gwet (2014) and irrCAC's ``conger``:

    n units rated at least once; coder g rated n_g of them, p_gk = share of those in k
    p_a = mean over units with r_i >= 2 of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
    p_e = 1 / (r (r - 1)) * sum_{g != h} sum_kl w_kl p_gk p_hl
        = sum_kl w_kl (pbar_k pbar_l - s_kl / r),  s_kl the covariance of p_.k, p_.l
    kappa_C = (p_a - p_e) / (1 - p_e)

Standard error: Gwet's linearisation (``chance.linearised_estimates``) with the unit's
share of chance agreement

    p_e|i = 1 / (r (r - 1)) * sum_g u_ig' b_g,   b_g = W (S - p_g),  S = sum_h p_h,
    u_ig = p_g + (n / n_g) (delta_ig - e_ig p_g)

(delta_ig the indicator of coder g's category for unit i, e_ig = 1 if g rated i), whose
mean over units is p_e. Interval c -/+ t(n - 1) se; z = c / se with a two-sided t p-value.
Coders who rated none of the units have no category shares and are left out (noted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import FloatArray, IntArray
from socmodel_cli.stats.chance import (
    UnitAgreement,
    category_counts,
    linearised_estimates,
    no_variation_reason,
    weighted_view,
)
from socmodel_cli.stats.estimate import (
    NOT_RATED,
    SINGLE_RATING,
    Estimate,
    nonzero,
    undefined,
)
from socmodel_cli.stats.weights import WeightSpec

_DEGENERATE = 1e-12


def conger_from_codes(
    codes: IntArray,
    w: FloatArray,
    *,
    confidence: float = 0.95,
    agreement: UnitAgreement | None = None,
) -> Estimate:
    """Conger's kappa from category indices ``(n_units, n_coders)`` (-1 = not coded).

    ``agreement``: the same codes' :class:`UnitAgreement` under ``w``, when the caller has
    it already (Conger shares p_a with Fleiss' kappa).
    """
    (est,) = conger_of_codes([codes], w, [agreement], confidence=confidence)
    return est


@dataclass(frozen=True, slots=True)
class _Code:
    """One code's category indices, rated units and active coders only."""

    codes: IntArray  # (n, r)
    agreement: UnitAgreement
    excluded: dict[str, int]
    dropped: int  # coders who rated none of its units


def conger_of_codes(
    codes: Sequence[IntArray],
    w: FloatArray,
    agreements: Sequence[UnitAgreement | None],
    *,
    confidence: float = 0.95,
) -> list[Estimate]:
    """:func:`conger_from_codes` of many codes under the same weights ``w``.

    Codes with the same number of active coders are computed as one stack.
    """
    out: dict[int, Estimate] = {}
    stacks: dict[int, list[tuple[int, _Code]]] = {}
    for i, (one, agreement) in enumerate(zip(codes, agreements, strict=True)):
        got = _prepare(one, w, agreement)
        if isinstance(got, Estimate):
            out[i] = got
        else:
            stacks.setdefault(got.codes.shape[1], []).append((i, got))
    for members in stacks.values():
        for (i, _), est in zip(
            members, _stacked([c for _, c in members], w, confidence), strict=True
        ):
            out[i] = est
    return [out[i] for i in range(len(codes))]


def _prepare(codes: IntArray, w: FloatArray, agreement: UnitAgreement | None) -> _Code | Estimate:
    rated_any = (codes >= 0).any(axis=1)
    r_all = (codes >= 0).sum(axis=1)
    excluded = nonzero({NOT_RATED: int((~rated_any).sum()), SINGLE_RATING: int((r_all == 1).sum())})
    if not rated_any.all():
        codes = codes[rated_any]
    active = (codes >= 0).any(axis=0)
    if not active.all():
        codes = codes[:, active]
    if codes.shape[1] < 2:
        return undefined(
            "fewer than two coders rated any unit: Conger's kappa needs two",
            units_excluded=excluded,
        )
    if agreement is None:
        agreement = UnitAgreement.of(category_counts(codes, w.shape[0]), w)
    if agreement.pairable == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    return _Code(codes, agreement, excluded, int((~active).sum()))


def _stacked(members: Sequence[_Code], w: FloatArray, confidence: float) -> list[Estimate]:
    """Conger's kappa of codes with the same number r of active coders, stacked by units."""
    codes = members[0].codes if len(members) == 1 else np.concatenate([m.codes for m in members])
    groups, r = len(members), codes.shape[1]
    n = np.array([m.codes.shape[0] for m in members])
    starts = np.concatenate([[0], np.cumsum(n)])
    gid = np.repeat(np.arange(groups), n)
    rated = codes >= 0
    n_g, p = _coder_shares(codes, rated, gid, groups, w.shape[0])
    total = p.sum(axis=1)  # (groups, q)
    b = (w + w.T) / 2.0
    # Products as broadcast sums, not matmul/einsum: a code's sums then run in the same
    # order in a stack as alone, so its numbers do not depend on the codes beside it.
    pair_pe = (total[:, :, None] * b * total[:, None, :]).sum(axis=(1, 2)) - (
        p[:, :, :, None] * b * p[:, :, None, :]
    ).sum(axis=(1, 2, 3))
    pe = pair_pe / (r * (r - 1.0))
    bg = ((total[:, None, :] - p)[:, :, :, None] * b).sum(axis=2)  # (groups, r, q): b_g
    base = (p * bg).sum(axis=2)  # (groups, r): p_g' b_g
    pe_i = _unit_chance(codes, rated, gid, n[:, None] / n_g, bg, base)
    estimates = linearised_estimates(
        np.concatenate([m.agreement.pa_i for m in members]),
        np.concatenate([m.agreement.two for m in members]),
        pe,
        pe_i,
        starts,
        confidence=confidence,
        excluded=[m.excluded for m in members],
    )
    return [
        _finish(m, float(pe[g]), est)
        for g, (m, est) in enumerate(zip(members, estimates, strict=True))
    ]


def _coder_shares(
    codes: IntArray, rated: NDArray[np.bool_], gid: IntArray, groups: int, q: int
) -> tuple[FloatArray, FloatArray]:
    """Units each coder rated, n_g ``(groups, r)``, and p[g, c, k]: coder c's share of
    category k over the units c rated, in code g ``(groups, r, q)``."""
    r = codes.shape[1]
    slot = (gid[:, None] * r + np.arange(r)[None, :])[rated]  # (code, coder) of each rating
    n_g = np.bincount(slot, minlength=groups * r).reshape(groups, r).astype(np.float64)
    cells = np.bincount(slot * q + codes[rated], minlength=groups * r * q)
    return n_g, cells.reshape(groups, r, q) / n_g[:, :, None]


def _unit_chance(
    codes: IntArray,
    rated: NDArray[np.bool_],
    gid: IntArray,
    weight: FloatArray,
    bg: FloatArray,
    base: FloatArray,
) -> FloatArray:
    """p_e|i of each unit: 1 / (r (r - 1)) sum_g u_ig' b_g, with ``weight`` = n / n_g.

    u_ig' b_g = base + weight (own - e base), evaluated in place: each array as large as
    the ratings matrix is made once.
    """
    r = codes.shape[1]
    own = bg[gid[:, None], np.arange(r)[None, :], np.maximum(codes, 0)]
    own[~rated] = 0.0
    unit_base = base[gid]
    term = np.multiply(rated, unit_base)
    np.subtract(own, term, out=term)
    del own
    term *= weight[gid]
    term += unit_base
    out: FloatArray = term.sum(axis=1) / (r * (r - 1.0))
    return out


def _finish(m: _Code, pe: float, est: Estimate) -> Estimate:
    if 1.0 - pe <= _DEGENERATE:
        return undefined(
            no_variation_reason(m.agreement.share.sum(axis=0) > 0),
            units_used=m.agreement.pairable,
            units_excluded=m.excluded,
        )
    if not m.dropped:
        return est
    word = "coder" if m.dropped == 1 else "coders"
    return replace(est, reason=f"{m.dropped} {word} rated no unit and left out")


def conger_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: WeightSpec = "identity",
    confidence: float = 0.95,
) -> Estimate:
    """Conger's (1980) kappa for two or more coders, weighted if ``weights`` is given.

    ``weights`` is a family name (see ``weights.py``) or a q x q matrix; families other
    than identity need ordered codes. Gwet's SE, t interval and t test (module doc).
    """
    got = weighted_view(ratings, level, n_categories, categories, weights)
    if isinstance(got, Estimate):
        return got
    view, w = got
    return conger_from_codes(view.codes, w, confidence=confidence)
