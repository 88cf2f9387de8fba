"""REML variance components for ratings with missing cells: units crossed with coders.

Model for the observed cells of a units x coders table (no listwise deletion):

    y_ij = mu + u_i + c_j + e_ij,   u ~ N(0, s_u^2), c ~ N(0, s_c^2), e ~ N(0, s_e^2)

(or without ``c_j``: the one-way model). With V = s_e^2 H, H = I + g_u Z_u Z_u' + g_c Z_c Z_c'
and g = s^2 / s_e^2, the REML deviance profiled over s_e^2 is, up to a constant,

    d(g_u, g_c) = log|H| + log(1' H^-1 1) + (N - 1) log(y' P y),
    P = H^-1 - H^-1 1 (1' H^-1 1)^-1 1' H^-1,   s_e^2 = y' P y / (N - 1).

H is never formed. W = I + g_u Z_u Z_u' is block diagonal (one block I + g_u J per unit, with
inverse I - g_u / (1 + g_u m_i) J), and Woodbury's identity over the q coder effects gives

    H^-1 = W^-1 - g_c W^-1 Z_c G^-1 Z_c' W^-1,   G = I_q + g_c Z_c' W^-1 Z_c,
    log|H| = sum_i log(1 + g_u m_i) + log|G|,

so one evaluation costs O(N r + q^3) for N ratings, r coders per unit and q coders (the
incidence Z_c is sparse: :mod:`socmodel_cli.stats.incidence`). The gradient is analytic,
d d / d g_k = tr(Z_k' P Z_k) - (N - 1) |Z_k' P y|^2 / (y' P y), with the same pieces.
The deviance is minimised over g >= 0 by L-BFGS-B (``scipy.optimize``, imported lazily), so
a component whose estimate would be negative is 0 (REML's parameter space). The data are
centred and scaled first; the components are returned on the original scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from socmodel_cli.stats import incidence as inc
from socmodel_cli.stats._checks import FloatArray

if TYPE_CHECKING:
    from scipy.sparse import csr_array

_G_MAX = 1e10


@dataclass(frozen=True, slots=True)
class RemlFit:
    """REML estimates: unit, coder (0 for the one-way model) and residual variances."""

    unit: float
    coder: float
    residual: float
    mean: float
    converged: bool


@dataclass(frozen=True, slots=True)
class _Design:
    """Sufficient pieces of the centred, scaled ratings."""

    z: csr_array  # (n, q) 0/1, sparse: unit i rated by coder j
    m: FloatArray  # ratings per unit
    d: FloatArray  # ratings per coder
    sy: FloatArray  # per-unit sums of y
    cy: FloatArray  # per-coder sums of y
    yy: float
    total: float  # sum of y
    n_obs: float


def _design(z: FloatArray) -> _Design:
    rated = ~np.isnan(z)
    y = np.where(rated, z, 0.0)
    return _Design(
        z=inc.incidence(rated),
        m=rated.sum(axis=1).astype(np.float64),
        d=rated.sum(axis=0).astype(np.float64),
        sy=y.sum(axis=1),
        cy=y.sum(axis=0),
        yy=float(np.einsum("ij,ij->", y, y)),
        total=float(y.sum()),
        n_obs=float(rated.sum()),
    )


def _deviance(
    g: FloatArray, des: _Design, coder_effect: bool
) -> tuple[float, FloatArray, float, float]:
    """(deviance, gradient, residual variance, mean) at variance ratios ``g``."""
    gu = float(g[0])
    gc = float(g[1]) if coder_effect else 0.0
    m, sy = des.m, des.sy
    inv = 1.0 / (1.0 + gu * m)
    w = gu * inv
    q_yy = des.yy - float((w * sy * sy).sum())
    q_y1 = des.total - float((w * sy * m).sum())
    q_11 = des.n_obs - float((w * m * m).sum())
    log_det = float(np.log1p(gu * m).sum())
    if coder_effect:
        zc = des.z
        c = np.diag(des.d) - inc.weighted_gram(zc, w)
        b_y = des.cy - inc.coder_sums(zc, w * sy)
        b_1 = des.d - inc.coder_sums(zc, w * m)
        q = c.shape[0]
        gmat = np.eye(q) + gc * c
        chol, g_inv = _cholesky_and_inverse(gmat)
        log_det += 2.0 * float(np.log(np.diag(chol)).sum())
        gi_by = g_inv @ b_y
        gi_b1 = g_inv @ b_1
        q_yy -= gc * float(b_y @ gi_by)
        q_y1 -= gc * float(b_y @ gi_b1)
        q_11 -= gc * float(b_1 @ gi_b1)
    mu = q_y1 / q_11
    r2 = max(q_yy - q_y1 * q_y1 / q_11, 1e-300)
    n1 = des.n_obs - 1.0
    dev = n1 * math.log(r2) + log_det + math.log(q_11)
    # Unit component: Z_u' H^-1 1, Z_u' P y and tr(Z_u' H^-1 Z_u).
    zu_h1 = m * inv
    zu_py = (sy - mu * m) * inv
    tr_u = float((m * inv).sum())
    grad = np.zeros(2)
    if coder_effect:
        # E = diag(inv) Z_c: E'E and E v from the sparse incidence.
        tr_u -= gc * float((g_inv * inc.weighted_gram(zc, inv * inv)).sum())
        zu_h1 = zu_h1 - gc * inv * inc.unit_sums(zc, gi_b1)
        zu_py = zu_py - gc * inv * inc.unit_sums(zc, gi_by - mu * gi_b1)
        zc_py = gi_by - mu * gi_b1
        tr_c = float((c * g_inv).sum()) - float(gi_b1 @ gi_b1) / q_11
        grad[1] = tr_c - n1 * float(zc_py @ zc_py) / r2
    tr_pu = tr_u - float(zu_h1 @ zu_h1) / q_11
    grad[0] = tr_pu - n1 * float(zu_py @ zu_py) / r2
    return dev, grad, r2 / n1, mu


def _cholesky_and_inverse(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The lower Cholesky factor of a symmetric positive definite matrix, and its inverse
    from that factor (LAPACK potri: a third of the work of a general inverse)."""
    from scipy.linalg import lapack

    chol, info = lapack.dpotrf(a, lower=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"matrix not positive definite (potrf info {info})")
    inv, info = lapack.dpotri(chol, lower=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"singular matrix (potri info {info})")
    lower = np.tril(inv)
    return np.tril(chol), lower + np.tril(lower, -1).T


def reml(
    x: FloatArray, *, coder_effect: bool = True, start: tuple[float, float] | None = None
) -> RemlFit:
    """REML variance components of ``x`` (units x coders, NaN = not coded).

    Every unit must have at least one rating and the ratings must vary (callers check).
    ``start``: variance ratios (unit, coder) to the residual to start from, e.g. the ANOVA's
    moment estimates; with many coders each iteration costs O(q^3), so a start near the
    optimum matters.
    """
    from scipy import optimize

    vals = x[~np.isnan(x)]
    centre = float(vals.mean())
    scale = float(vals.std())
    des = _design((x - centre) / scale)
    if start is None:
        start = (1.0, 0.1)
    start_g = np.array(
        [
            min(max(start[0], 1e-3), _G_MAX),
            min(max(start[1], 1e-3), _G_MAX) if coder_effect else 0.0,
        ]
    )
    bounds = [(0.0, _G_MAX), (0.0, _G_MAX if coder_effect else 0.0)]
    res = optimize.minimize(
        lambda g: _deviance(g, des, coder_effect)[:2],
        start_g,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 500},
    )
    g = np.asarray(res.x, dtype=np.float64)
    _, grad, s_e, mu = _deviance(g, des, coder_effect)
    # L-BFGS-B often stops with a failed line search once the deviance is flat to rounding;
    # that is convergence if the projected gradient is negligible.
    projected = np.where(g <= 0.0, np.minimum(grad, 0.0), grad)
    converged = bool(res.success) or float(np.abs(projected).max()) <= 1e-6 * des.n_obs
    var = scale * scale
    return RemlFit(
        unit=float(g[0]) * s_e * var,
        coder=float(g[1]) * s_e * var if coder_effect else 0.0,
        residual=s_e * var,
        mean=centre + scale * mu,
        converged=converged,
    )
