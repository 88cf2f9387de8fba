"""Pairwise coefficients from raw ratings: Cohen's kappa (plain and weighted), Scott's pi
and Light's kappa (the mean of Cohen's kappa over coder pairs).

Cohen, weighted kappa and Scott need exactly two coders and use the units both rated;
the others are excluded and counted. Categories are the code's declared values, so a
value nobody used still counts (it sets k and the weights). Interval/ratio codes need
declared values (``categories``) to be treated as categories; continuous codes give an
undefined estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import (
    CategoricalView,
    FloatArray,
    IntArray,
    categorical_view,
    check_level,
)
from socmodel_cli.stats._sparse import RatingList, categorical_of, pairs_in_units
from socmodel_cli.stats.estimate import (
    NOT_BOTH,
    Estimate,
    nonzero,
    undefined,
)
from socmodel_cli.stats.stack import Stack
from socmodel_cli.stats.tables import (
    coder_pair_tables,
    cohen_kappas,
    contingency_table,
    kappa_of_tables,
    scott_pi_from_table,
)
from socmodel_cli.stats.weights import agreement_weights


def _two_coder_view(
    name: str,
    ratings: FloatArray,
    level: str,
    n_categories: int | None,
    categories: FloatArray | None,
) -> tuple[CategoricalView, NDArray[np.float64], dict[str, int]] | Estimate:
    """The contingency table of a two-coder code, or the undefined estimate explaining why not."""
    return _two_coder_table(name, categorical_view(ratings, level, n_categories, categories))


def _two_coder_table(
    name: str, view: CategoricalView | str
) -> tuple[CategoricalView, NDArray[np.float64], dict[str, int]] | Estimate:
    """:func:`_two_coder_view` of a view already built."""
    if isinstance(view, str):
        return undefined(view)
    n_coders = view.codes.shape[1]
    if n_coders < 2:
        return undefined(f"a single coder: {name} needs two coders")
    if n_coders > 2:
        return undefined(
            f"{name} needs exactly two coders; this code has {n_coders} "
            "(Light's kappa averages Cohen's kappa over pairs; Fleiss' kappa generalises "
            "Scott's pi)"
        )
    a, b = view.codes[:, 0], view.codes[:, 1]
    table = contingency_table(a, b, view.k)
    excluded = nonzero({NOT_BOTH: view.codes.shape[0] - int(table.sum())})
    return view, table, excluded


def _with_exclusions(est: Estimate, excluded: dict[str, int]) -> Estimate:
    return replace(est, units_excluded=excluded)


def cohen_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    confidence: float = 0.95,
) -> Estimate:
    """Cohen's (1960) kappa for exactly two coders, with SAS's ASE and a normal interval.

    kappa = (p_o - p_e) / (1 - p_e), p_o = share of jointly rated units on which the coders
    agree, p_e = sum_k r_k c_k from each coder's own category shares.
    """
    view = categorical_view(ratings, level, n_categories, categories)
    return cohen_kappa_of_views([view], None, confidence)[0]


def weighted_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
    weights: str = "linear",
    confidence: float = 0.95,
) -> Estimate:
    """Cohen's (1968) weighted kappa over the declared categories, with SAS's ASE.

    Agreement weights: linear w_ij = 1 - |x_i - x_j| / (x_max - x_min), quadratic
    w_ij = 1 - ((x_i - x_j) / (x_max - x_min))^2, where x are category indices for ordinal
    codes and the declared numeric values for interval/ratio codes with ``categories``.
    """
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'linear' or 'quadratic', got {weights!r}")
    if level == "nominal":
        return undefined(
            "weighted kappa needs ordered categories; this code is nominal (use Cohen's kappa)"
        )
    view = categorical_view(ratings, level, n_categories, categories)
    return cohen_kappa_of_views([view], weights, confidence)[0]


def cohen_kappa_of_views(
    views: Sequence[CategoricalView | str], weights: str | None, confidence: float
) -> list[Estimate]:
    """Cohen's kappa (``weights`` None) or weighted kappa of many codes at once: their
    contingency tables are stacked (one stack per set of categories)."""
    name = "Cohen's kappa" if weights is None else "weighted kappa"
    out: dict[int, Estimate] = {}
    stacks: dict[bytes, list[tuple[int, CategoricalView, FloatArray, dict[str, int]]]] = {}
    for i, view in enumerate(views):
        found = _two_coder_table(name, view)
        if isinstance(found, Estimate):
            out[i] = found
        else:
            shown, table, excluded = found
            key = np.asarray(shown.k).tobytes() + shown.positions.tobytes()
            stacks.setdefault(key, []).append((i, shown, table, excluded))
    for members in stacks.values():
        view = members[0][1]
        w = None if weights is None else agreement_weights(weights, view.positions)
        tables = np.stack([table for _, _, table, _ in members])
        for (i, _, _, excluded), est in zip(
            members, cohen_kappas(tables, w, confidence=confidence), strict=True
        ):
            out[i] = _with_exclusions(est, excluded)
    return [out[i] for i in range(len(views))]


def scott_pi(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
) -> Estimate:
    """Scott's (1955) pi for exactly two coders: chance agreement from pooled margins.

    Fleiss' kappa (:func:`socmodel_cli.stats.chance.fleiss_kappa`) is its generalisation
    to more coders; on complete two-coder data the two are equal.
    """
    got = _two_coder_view("Scott's pi", ratings, level, n_categories, categories)
    if isinstance(got, Estimate):
        return got
    _, table, excluded = got
    return _with_exclusions(scott_pi_from_table(table), excluded)


def light_kappa(
    ratings: FloatArray,
    level: str,
    n_categories: int | None = None,
    *,
    categories: FloatArray | None = None,
) -> Estimate:
    """Light's (1971) kappa: the mean of Cohen's kappa over coder pairs.

    Each pair uses the units both coders rated. Pairs that share no unit, or whose kappa is
    undefined (e.g. no variation), are left out of the mean and counted in ``reason``. Only
    pairs that rated a unit together are visited (from the units' rating lists), so the cost
    is O(ratings x coders per unit), not O(coders^2 x units).
    """
    check_level(level)
    (est,) = light_kappa_of_stack(Stack.of([ratings]), level, n_categories, categories)
    return est


def light_kappa_of_stack(
    stack: Stack, level: str, n_categories: int | None, categories: FloatArray | None
) -> list[Estimate]:
    """:func:`light_kappa` of every code of ``stack`` (the same level and categories)."""
    coded = categorical_of(stack.ratings, level, n_categories, categories)
    if isinstance(coded, str):
        return [undefined(coded)] * stack.codes
    n_coders, codes = stack.n_coders, stack.codes
    if n_coders < 2:
        return [undefined("a single coder: Light's kappa needs at least two coders")] * codes
    r = coded.ratings.pairable()
    _, excluded = stack.pairable(r.m >= 2)
    # Each code's coders numbered apart (code * n_coders + coder): its pairs stay its own.
    coder = r.coder if codes == 1 else stack.code_of_unit()[r.unit] * n_coders + r.coder
    own = RatingList(
        unit=r.unit,
        coder=coder,
        value=r.value,
        m=r.m,
        n_coders=codes * n_coders,
    )
    kappa_parts: list[FloatArray] = []
    firsts: list[IntArray] = []
    defined_keys: list[IntArray] = []
    for chunk in coder_pair_tables(own, coded.k):
        got = kappa_of_tables(chunk.tables)
        firsts.append(chunk.first)
        kappa_parts.append(got.value[got.defined])
        defined_keys.append((chunk.first * own.n_coders + chunk.second)[got.defined])
    kappas = np.concatenate(kappa_parts) if kappa_parts else np.zeros(0)
    keys = np.concatenate(defined_keys) if defined_keys else np.zeros(0, dtype=np.int64)
    shared = np.bincount(
        np.concatenate(firsts) // n_coders if firsts else np.zeros(0, dtype=np.int64),
        minlength=codes,
    )
    units_used = stack.per_code(_units_of_pairs(own, keys)).astype(np.int64)
    bounds = stack.bounds(keys // (own.n_coders * n_coders))
    n_pairs = n_coders * (n_coders - 1) // 2
    out = []
    for g in range(codes):
        mine = kappas[bounds[g] : bounds[g + 1]]
        no_shared, undefined_pairs = n_pairs - int(shared[g]), int(shared[g]) - mine.size
        notes = []
        if no_shared:
            notes.append(f"{no_shared} shared no unit")
        if undefined_pairs:
            notes.append(f"{undefined_pairs} had undefined kappa (no variation)")
        if not mine.size:
            why = "; ".join(notes) if notes else "no coder pair could be compared"
            out.append(
                undefined(
                    f"no coder pair has a defined Cohen's kappa ({why})",
                    units_excluded=excluded[g],
                )
            )
            continue
        note = None
        if notes:
            note = f"mean over {mine.size} of {n_pairs} coder pairs; " + "; ".join(notes)
        out.append(
            Estimate(
                value=float(np.mean(mine)),
                reason=note,
                units_used=int(units_used[g]),
                units_excluded=excluded[g],
            )
        )
    return out


def _units_of_pairs(r: RatingList, pair_keys: IntArray) -> NDArray[np.bool_]:
    """Which units were rated by at least one of the coder pairs ``pair_keys`` (sorted)."""
    used = np.zeros(r.n_units, dtype=bool)
    for i, j in pairs_in_units(r):
        key = r.coder[i] * r.n_coders + r.coder[j]
        at = np.minimum(np.searchsorted(pair_keys, key), max(pair_keys.size - 1, 0))
        hit = pair_keys[at] == key if pair_keys.size else np.zeros(key.size, dtype=bool)
        used[r.unit[i][hit]] = True
    return used
