"""The F and chi-square distributions the ICC intervals and tests need, from ``scipy.special``.

``scipy.special`` is imported inside each function: loading it costs about a tenth of a
second, which commands that never compute an ICC should not pay (``scipy.stats`` would
cost several times more). Degrees of freedom may be fractional (Satterthwaite).
"""

from __future__ import annotations


def f_sf(f: float, df1: float, df2: float) -> float:
    """P(F > f) for F with (df1, df2) degrees of freedom."""
    from scipy import special

    return float(special.fdtrc(df1, df2, f))


def f_quantile(p: float, df1: float, df2: float) -> float:
    """The ``p`` quantile of F with (df1, df2) degrees of freedom (0 < p < 1)."""
    from scipy import special

    return float(special.fdtri(df1, df2, p))


def chi2_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of chi-square with ``df`` degrees of freedom (0 < p < 1)."""
    from scipy import special

    return float(special.chdtri(df, 1.0 - p))
