"""A frame of reference for numeric values that keeps sums of squares exact-ish at any magnitude.

Interval-level statistics are invariant under x -> a x + b, so they may be computed in any
affine frame. The frame used everywhere is

    y = ((x * 2^-e1) - o) * 2^-e2

with 2^e1 the power of two just above max |x|, o the lower median of the scaled values (a
data value, so every y of a value equal to o is exactly 0) and 2^e2 the power of two just
above max |x * 2^-e1 - o|. Multiplying by a power of two is exact (unless a value falls into
the subnormal range, i.e. is below 2^-1022 times the largest one, where it no longer matters
to any sum), and after the first step |x * 2^-e1| < 1, so the subtraction cannot overflow.
In the frame max |y| lies in [1/2, 1): squares neither overflow (values near 1e308) nor
underflow (values near 1e-308 or subnormal), and deviations are taken from a data value
inside the data, so no digits are lost to a large common offset (1e15 + small integers).

Exactness: if x + s is exactly representable for every value (integers below 2^53, dyadic
values), the frame of x + s gives exactly the same y as the frame of x, so every statistic
computed from y is bitwise shift-invariant; the same holds for scaling by a power of two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import FloatArray


def _exponent(m: float) -> int:
    """e with m * 2^-e in [1/2, 1) (0 for m == 0)."""
    return int(np.frexp(m)[1]) if m > 0 else 0


@dataclass(frozen=True, slots=True)
class Frame:
    """The affine change of units y = (x 2^-e1 - origin) 2^-e2 (see the module docstring)."""

    e1: int
    origin: float  # in units of 2^e1
    e2: int

    def apply(self, x: FloatArray) -> FloatArray:
        """The values in the frame; NaN stays NaN."""
        out: FloatArray = np.ldexp(np.ldexp(x, -self.e1) - self.origin, -self.e2)
        return out

    def back(self, y: FloatArray) -> FloatArray:
        """Values in the frame mapped back to the code's units (means, not differences)."""
        out: FloatArray = np.ldexp(np.ldexp(y, self.e2) + self.origin, self.e1)
        return out

    @property
    def unit(self) -> int:
        """A difference d in the frame is d * 2^unit in the code's units."""
        return self.e1 + self.e2


def frame(values: FloatArray, weights: FloatArray | None = None) -> Frame:
    """The frame of a set of finite values (no NaN), each counted ``weights`` times if given."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return Frame(0, 0.0, 0)
    e1 = _exponent(float(np.abs(v).max()))
    scaled = np.ldexp(v, -e1)
    if weights is None:
        mid = (scaled.size - 1) // 2
        origin = float(np.partition(scaled, mid)[mid])
    else:
        order = np.argsort(scaled, kind="stable")
        cum = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
        mid = (cum[-1] - 1.0) // 2.0  # the lower median's rank among the weighted values
        at = min(int(np.searchsorted(cum, mid, side="right")), order.size - 1)
        origin = float(scaled[order[at]])
    e2 = _exponent(float(np.abs(scaled - origin).max()))
    return Frame(e1, origin, e2)


def in_frame(values: FloatArray) -> FloatArray:
    """``values`` in their own frame."""
    return frame(values).apply(np.asarray(values, dtype=np.float64))


def in_frames(values: FloatArray, bounds: NDArray[np.int64]) -> FloatArray:
    """Each run ``values[bounds[g]:bounds[g + 1]]`` in its own frame, for many runs at once.

    The same numbers as :func:`in_frame` on each run, to the last bit: the same exponents
    and the same origin (the run's lower median, found here by one sort of all runs).
    """
    v = np.asarray(values, dtype=np.float64)
    sizes = np.diff(bounds)
    some = np.flatnonzero(sizes > 0)
    if not some.size:
        return v.copy()
    run = np.repeat(np.arange(sizes.size), sizes)
    e1 = np.zeros(sizes.size, dtype=np.int64)
    e1[some] = _exponents(np.maximum.reduceat(np.abs(v), bounds[:-1][some]))
    scaled = np.ldexp(v, -e1[run])
    order = np.lexsort((scaled, run))  # by run, then by value
    origin = np.zeros(sizes.size)
    origin[some] = scaled[order[bounds[:-1][some] + (sizes[some] - 1) // 2]]
    del order
    # In place from here: one array of the values' length instead of three.
    shifted = np.subtract(scaled, origin[run], out=scaled)
    e2 = np.zeros(sizes.size, dtype=np.int64)
    e2[some] = _exponents(np.maximum.reduceat(np.abs(shifted), bounds[:-1][some]))
    out: FloatArray = np.ldexp(shifted, -e2[run], out=shifted)
    return out


def _exponents(m: FloatArray) -> NDArray[np.int64]:
    """:func:`_exponent` of each entry."""
    return np.where(m > 0, np.frexp(m)[1], 0).astype(np.int64)
