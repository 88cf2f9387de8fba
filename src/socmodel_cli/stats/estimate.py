"""The result type every coefficient returns, and the words it uses for excluded units.

A coefficient never returns NaN or infinity: when it is undefined for the data at hand
(no variation, nothing pairable, a single coder, ...) its ``value`` is ``None`` and
``reason`` says why in plain language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)

# Keys of ``Estimate.units_excluded``. Only reasons with a non-zero count are present.
FEWER_THAN_TWO = "rated by fewer than 2 coders"
NOT_BOTH = "not rated by both coders"
NOT_RATED = "rated by no coder"
SINGLE_RATING = "rated by one coder (counted only in chance agreement)"


@dataclass(frozen=True, slots=True)
class Estimate:
    """One coefficient for one code.

    ``value`` is ``None`` when the coefficient is undefined; ``reason`` then says why.
    For a few coefficients (Light's kappa) ``reason`` may also carry a note next to a
    defined value, e.g. how many coder pairs were left out.
    ``units_excluded`` maps a reason (see the module constants) to a count of units.
    ``z`` and ``p`` test the coefficient against zero where one is computed: ``z`` is the
    test statistic and ``p`` its two-sided p-value (the coefficient's docstring says which
    standard error and reference distribution it uses).
    """

    value: float | None
    reason: str | None = None
    se: float | None = None
    ci: tuple[float, float] | None = None
    units_used: int = 0
    units_excluded: Mapping[str, int] = field(default_factory=dict)
    z: float | None = None
    p: float | None = None
    # The test statistic behind ``p`` when it is not ``z`` (ICC: {"f", "df1", "df2"}).
    test: Mapping[str, float] | None = None


def undefined(
    reason: str, *, units_used: int = 0, units_excluded: Mapping[str, int] | None = None
) -> Estimate:
    """An undefined coefficient with its reason."""
    return Estimate(
        value=None,
        reason=reason,
        units_used=units_used,
        units_excluded=dict(units_excluded or {}),
    )


def finite_or_none(x: float | None) -> float | None:
    """``x`` as a Python float, or ``None`` if it is missing, NaN or infinite."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def nonzero(counts: Mapping[str, int]) -> dict[str, int]:
    """Only the reasons that actually excluded units, as plain ints."""
    return {k: int(v) for k, v in counts.items() if v}
