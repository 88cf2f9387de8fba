"""How many pairable units a code needs before its coefficient can carry a verdict.

Krippendorff (2019, after Bloch & Kraemer 1989, eq. 3.7) gives the smallest number of units
for which an observed alpha is significantly above a minimum acceptable alpha ``a``:

    N = m z^2 [ (1 + a)(3 - a) / (4 (1 - a) p_c (1 - p_c)) - a ]

with z the one-sided normal quantile at the significance level, m = 2 coders and p_c the
probability of the rarest category that matters. Without data on category shares the rule is
applied with equally likely declared values, p_c = 1/k (the most lenient choice). The ATLAS.ti
manual's example (k = 4, a = .800, p = .05) gives 139.

Codes without a finite set of values (continuous interval/ratio codes) have no p_c; they get
the figure of a two-valued code at the same threshold, a stated floor rather than a rule.
The scheme can set its own minimum (``reliability.min_units`` or a code's ``min_units``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from socmodel_cli.scheme.model import Code, Scheme

SIGNIFICANCE = 0.05
_CODERS = 2
_MAX_ALPHA = 0.99  # a = 1 would need infinitely many units


@dataclass(frozen=True)
class MinUnits:
    units: int
    rule: str  # how the number was obtained, in words


def krippendorff_min_units(threshold: float, p_c: float, significance: float = SIGNIFICANCE) -> int:
    """Bloch & Kraemer's minimum number of units (see the module docstring)."""
    a = min(max(threshold, 0.0), _MAX_ALPHA)
    z = NormalDist().inv_cdf(1.0 - significance)
    n = _CODERS * z * z * ((1 + a) * (3 - a) / (4 * (1 - a) * p_c * (1 - p_c)) - a)
    return max(2, math.ceil(n - 1e-9))


def required_units(
    scheme: Scheme, code: Code, threshold: float, override: int | None = None
) -> MinUnits:
    """The pairable units ``code`` needs: the option, the code's or scheme's setting, or the rule."""
    if override is not None:
        return MinUnits(override, "set with --min-units")
    if code.min_units is not None:
        return MinUnits(code.min_units, f"set by the scheme for {code.id} (min_units)")
    if scheme.reliability.min_units is not None:
        return MinUnits(scheme.reliability.min_units, "set by the scheme (reliability.min_units)")
    k = len(code.values or ())
    if k >= 2:
        p_c = 1.0 / k
        n = krippendorff_min_units(threshold, p_c)
        basis = f"{k} equally likely values"
    else:
        n = krippendorff_min_units(threshold, 0.5)
        basis = "no finite value set: the figure for a two-valued code"
    return MinUnits(
        n,
        f"Krippendorff's rule after Bloch & Kraemer 1989 for alpha >= {threshold:.3f} at "
        f"p = {SIGNIFICANCE:g} ({basis})",
    )
