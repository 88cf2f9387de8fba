"""The units x coders incidence of an incomplete design, kept sparse.

In a study with many coders each unit is rated by a few of them, so the 0/1 table "unit i
rated by coder j" is mostly zeros. The two-way ANOVA and REML need only products of it
with vectors and the q x q matrix Z' diag(w) Z; built sparse these cost O(ratings x coders
per unit) instead of O(units x coders^2).
``scipy.sparse`` is imported here, on the first incomplete two-way fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from socmodel_cli.stats._checks import FloatArray

if TYPE_CHECKING:
    from scipy.sparse import csr_array


def incidence(rated: NDArray[np.bool_]) -> csr_array:
    """The 0/1 incidence (units x coders) of a boolean "rated" table, as a sparse matrix.

    Built from the rated cells' indices, never from a dense float copy of the table (with
    1,000 coders and 20,000 units that copy alone would be 160 MB).
    """
    from scipy.sparse import csr_array

    units, coders = np.nonzero(rated)
    return csr_array((np.ones(units.size), (units, coders)), shape=rated.shape)


def weighted_gram(z: csr_array, w: FloatArray) -> FloatArray:
    """Z' diag(w) Z as a dense q x q array (w: one weight per unit)."""
    zw = z.multiply(w[:, None]).tocsr()
    return np.asarray((z.T @ zw).toarray(), dtype=np.float64)


def coder_sums(z: csr_array, v: FloatArray) -> FloatArray:
    """Z' v: for each coder, the sum of ``v`` over the units the coder rated."""
    return np.asarray(z.T @ v, dtype=np.float64)


def unit_sums(z: csr_array, v: FloatArray) -> FloatArray:
    """Z v: for each unit, the sum of ``v`` over the coders who rated it."""
    return np.asarray(z @ v, dtype=np.float64)
