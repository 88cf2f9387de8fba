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

Standard error: Gwet's linearisation (``chance.linearised_estimate``) with the unit's
share of chance agreement

    p_e|i = 1 / (r (r - 1)) * sum_g u_ig' b_g,   b_g = W (S - p_g),  S = sum_h p_h,
    u_ig = p_g + (n / n_g) (delta_ig - e_ig p_g)

(delta_ig the indicator of coder g's category for unit i, e_ig = 1 if g rated i), whose
mean over units is p_e. Interval c -/+ t(n - 1) se; z = c / se with a two-sided t p-value.
Coders who rated none of the units have no category shares and are left out (noted).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from socmodel_cli.stats._checks import FloatArray, IntArray
from socmodel_cli.stats.chance import (
    UnitAgreement,
    category_counts,
    linearised_estimate,
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
    q = w.shape[0]
    rated_any = (codes >= 0).any(axis=1)
    r_all = (codes >= 0).sum(axis=1)
    excluded = nonzero({NOT_RATED: int((~rated_any).sum()), SINGLE_RATING: int((r_all == 1).sum())})
    codes = codes[rated_any]
    active = (codes >= 0).any(axis=0)
    dropped = int((~active).sum())
    codes = codes[:, active]
    n, r = codes.shape
    if r < 2:
        return undefined(
            "fewer than two coders rated any unit: Conger's kappa needs two",
            units_excluded=excluded,
        )
    if agreement is None:
        agreement = UnitAgreement.of(category_counts(codes, q), w)
    pa_i, two = agreement.pa_i, agreement.two
    n2 = agreement.pairable
    if n2 == 0:
        return undefined(
            "nothing pairable: no unit was rated by at least two coders",
            units_excluded=excluded,
        )
    rated = codes >= 0
    n_g = rated.sum(axis=0).astype(np.float64)
    # p[g, k]: coder g's share of category k over the units g rated.
    p = category_counts(codes.T, q) / n_g[:, None]
    total = p.sum(axis=0)
    b = (w + w.T) / 2.0
    pair_pe = float(total @ b @ total - np.einsum("gk,kl,gl->", p, b, p))
    pe = pair_pe / (r * (r - 1.0))
    if 1.0 - pe <= _DEGENERATE:
        return undefined(
            no_variation_reason(agreement.share.sum(axis=0) > 0),
            units_used=n2,
            units_excluded=excluded,
        )
    bg = (total[None, :] - p) @ b  # (r, q): b_g as rows
    base = (p * bg).sum(axis=1)  # p_g' b_g
    own = np.where(rated, np.take_along_axis(bg.T, np.maximum(codes, 0), axis=0), 0.0)
    term = base[None, :] + (n / n_g)[None, :] * (own - rated * base[None, :])
    pe_i = term.sum(axis=1) / (r * (r - 1.0))
    est = linearised_estimate(pa_i, two, pe, pe_i, confidence=confidence, units_excluded=excluded)
    if not dropped:
        return est
    word = "coder" if dropped == 1 else "coders"
    return replace(est, reason=f"{dropped} {word} rated no unit and left out")


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
