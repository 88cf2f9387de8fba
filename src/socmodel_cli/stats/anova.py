"""Mean squares of a units x coders design: the tables the ICC forms are computed from.

Notation: ``n`` units (rows), ``q`` coders (columns), ``m_i`` ratings of unit ``i``,
``d_j`` ratings by coder ``j``, ``N = sum m_i`` ratings. Every unit passed here has at least
one rating; NaN = not coded.

One-way (units only; any design). With unit means ybar_i and grand mean ybar:
    SSB = sum_i m_i (ybar_i - ybar)^2,  df n - 1
    SSW = sum_ij (y_ij - ybar_i)^2,     df N - n
    k0  = (N - sum_i m_i^2 / N) / (n - 1)   (= k when every unit has k ratings)
E[MSB] = sigma_e^2 + k0 sigma_u^2 and E[MSW] = sigma_e^2 (Searle, Casella & McCulloch 1992,
ch. 3; Donner 1986).

Two-way, complete (every unit rated by all k coders; Shrout & Fleiss 1979):
    SSR = k sum_i (ybar_i. - ybar)^2        df n - 1
    SSC = n sum_j (ybar_.j - ybar)^2        df k - 1
    SSE = sum_ij (y_ij - ybar_i. - ybar_.j + ybar)^2   df (n - 1)(k - 1)

Two-way, incomplete: the additive fixed-effects model y_ij = mu + a_i + b_j + e_ij fitted by
least squares on the observed cells. Unit effects are absorbed, leaving the q x q reduced
normal equations for the coder effects
    C b = r,   C = diag(d) - M' diag(1/m) M,   r_j = sum_i M_ij (y_ij - ybar_i)
with M the 0/1 table of which unit each coder rated. Then
    RSS = SSW - b'r                          df N - n - rank(C)
    SS(units | coders) = RSS(coders only) - RSS   df n - 1
and MS(units | coders) / MSE is exactly F-distributed when the unit variance is zero, whatever
the coder effects (the test of units adjusted for coders). On complete data it equals the
two-way table above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from socmodel_cli.stats import incidence as inc
from socmodel_cli.stats._checks import FloatArray

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, slots=True)
class OneWayTable:
    """Mean squares between and within units, and the ratings per unit ``k`` (k0)."""

    ms_units: float
    ms_within: float
    df_units: float
    df_within: float
    k: float


@dataclass(frozen=True, slots=True)
class TwoWayTable:
    """Mean squares for units, coders and error; ``k`` ratings per unit, ``n`` units per coder.

    For incomplete designs ``k`` and ``n`` are the k0-type coefficients of the unbalanced
    design (``n`` computed like k0 over coders).
    """

    ms_units: float
    ms_coders: float
    ms_error: float
    df_units: float
    df_coders: float
    df_error: float
    k: float
    n: float


def k0(counts: FloatArray) -> float:
    """(N - sum c^2 / N) / (g - 1) for ``g`` groups with ``counts`` observations each."""
    total = float(counts.sum())
    return (total - float((counts**2).sum()) / total) / (counts.size - 1.0)


def one_way(x: FloatArray) -> OneWayTable:
    """The one-way table of ``x`` (n >= 2 units, each with at least one rating)."""
    rated = ~np.isnan(x)
    m = rated.sum(axis=1).astype(np.float64)
    n = x.shape[0]
    y = np.where(rated, x, 0.0)
    means = y.sum(axis=1) / m
    grand = float(y.sum()) / float(m.sum())
    ssb = float((m * (means - grand) ** 2).sum())
    ssw = float((np.where(rated, x - means[:, None], 0.0) ** 2).sum())
    df_w = float(m.sum()) - n
    return OneWayTable(
        ms_units=ssb / (n - 1.0),
        ms_within=ssw / df_w if df_w > 0 else 0.0,
        df_units=n - 1.0,
        df_within=df_w,
        k=k0(m),
    )


def two_way_complete(x: FloatArray) -> TwoWayTable:
    """The two-way table of complete ``x`` (n >= 2 units, k >= 2 coders, no NaN)."""
    n, k = x.shape
    grand = float(x.mean())
    row = x.mean(axis=1)
    col = x.mean(axis=0)
    ssr = k * float(((row - grand) ** 2).sum())
    ssc = n * float(((col - grand) ** 2).sum())
    resid = x - row[:, None]
    resid -= col[None, :] - grand
    sse = float(np.einsum("ij,ij->", resid, resid))
    df_e = (n - 1.0) * (k - 1.0)
    return TwoWayTable(
        ms_units=ssr / (n - 1.0),
        ms_coders=ssc / (k - 1.0),
        ms_error=sse / df_e,
        df_units=n - 1.0,
        df_coders=k - 1.0,
        df_error=df_e,
        k=float(k),
        n=float(n),
    )


def two_way_incomplete(x: FloatArray) -> TwoWayTable:
    """The additive fixed-effects table of ``x`` with missing cells (see the module doc).

    ``ms_units`` is adjusted for coders and ``ms_coders`` for units; ``df_error`` may be 0
    or less when the design has too few ratings, and ``ms_error`` is then 0.
    """
    rated = ~np.isnan(x)
    m = rated.sum(axis=1).astype(np.float64)
    d = rated.sum(axis=0).astype(np.float64)
    n = x.shape[0]
    y = np.where(rated, x, 0.0)
    dev_unit = np.where(rated, x - (y.sum(axis=1) / m)[:, None], 0.0)
    ssw = float((dev_unit**2).sum())
    col_mean = y.sum(axis=0) / np.where(d > 0, d, 1.0)
    rss_coders = float((np.where(rated, x - col_mean[None, :], 0.0) ** 2).sum())
    # The coders' reduced normal equations C b = r, C = diag(d) - Z' diag(1/m) Z, symmetric
    # and positive semi-definite: one eigendecomposition gives both the minimum-norm
    # solution and the rank (with numpy's matrix_rank / lstsq tolerance).
    reduced = np.diag(d) - inc.weighted_gram(inc.incidence(rated), 1.0 / m)
    r = dev_unit.sum(axis=0)
    eigvals, eigvecs = np.linalg.eigh(reduced)
    keep = eigvals > float(np.abs(eigvals).max(initial=0.0)) * len(d) * _EPS
    proj = eigvecs[:, keep].T @ r
    ss_coders = max(float((proj * proj / eigvals[keep]).sum()), 0.0)
    rank = int(keep.sum())
    rss = max(ssw - ss_coders, 0.0)
    df_e = float(m.sum()) - n - rank
    return TwoWayTable(
        ms_units=max(rss_coders - rss, 0.0) / (n - 1.0),
        ms_coders=ss_coders / rank if rank else 0.0,
        ms_error=rss / df_e if df_e > 0 else 0.0,
        df_units=n - 1.0,
        df_coders=float(rank),
        df_error=df_e,
        k=k0(m),
        n=k0(d[d > 0]) if (d > 0).sum() > 1 else float(d.sum()),
    )
