"""Where socmodel's definitions legitimately differ from other tools, pinned on small examples.

Each test shows the other tool's number and ours side by side; docs/statistics.md has the
table that explains them. If a reference package changes behaviour, the test says so.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from stats_helpers import coders_by_units, vectors
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from socmodel_cli.stats import (
    alpha,
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_from_table,
    fleiss_kappa,
    weighted_kappa,
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),  # sklearn's single-label warnings
]

K3 = coders_by_units(vectors()["K3"]["data"])  # values 1..5


def _irr_alpha(weights: str) -> float:
    cac = CAC(pd.DataFrame(K3), weights=weights, categories=[1.0, 2.0, 3.0, 4.0, 5.0], digits=15)
    return float(cac.krippendorff()["est"]["coefficient_value"])


def test_ordinal_means_three_different_things() -> None:
    """Krippendorff's ordinal metric (ranks from the pooled marginals) vs irrCAC's
    'ordinal' weights (counts of categories between, not weighted by use) vs squared
    differences of the values (R krippendorffsalpha's default, = interval alpha)."""
    ours = alpha(K3 - 1, "ordinal", 5).value
    assert ours == pytest.approx(0.815388, abs=5e-7)  # Krippendorff (2011)
    assert _irr_alpha("ordinal") == pytest.approx(0.833638, abs=5e-7)
    assert _irr_alpha("quadratic") == pytest.approx(alpha(K3, "interval").value, abs=1e-12)
    assert alpha(K3, "interval").value == pytest.approx(0.849107, abs=5e-7)


def test_weighted_kappa_over_declared_values_not_observed_levels() -> None:
    """R irr's kappa2 (and sklearn without ``labels``) place only the observed levels on
    the scale. Here the declared 0..3 scale has 1 unused: we keep the gap, they close it."""
    y = np.array([[0, 0], [0, 2], [2, 2], [3, 3], [2, 3], [0, 0], [3, 2], [2, 0]], float)
    ours = weighted_kappa(y, "ordinal", 4).value
    observed_only = cohen_kappa_score(y[:, 0], y[:, 1], weights="linear")
    declared = cohen_kappa_score(y[:, 0], y[:, 1], weights="linear", labels=range(4))
    assert ours == pytest.approx(declared, abs=1e-12)
    assert ours == pytest.approx(0.428571, abs=5e-7)
    assert observed_only == pytest.approx(0.407407, abs=5e-7)
    # Relabelling to the observed levels reproduces the other tools' number.
    relabelled = np.searchsorted([0, 2, 3], y).astype(float)
    assert weighted_kappa(relabelled, "ordinal", 3).value == pytest.approx(observed_only)


def test_nltk_s_counts_only_the_labels_it_saw() -> None:
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 1]], float)  # a 3-value code, value 2 unused
    task = AnnotationTask([(f"c{c}", f"u{u}", int(x[u, c])) for u in range(4) for c in range(2)])
    assert task.S() == pytest.approx(0.5)  # 1/K with K = 2 observed labels
    assert brennan_prediger(x, "nominal", 3).value == pytest.approx(0.625)  # 1/q, q = 3


@pytest.mark.parametrize(
    ("tool", "behaviour"),
    [
        ("krippendorff", "raises"),
        ("krippendorff_single_extra", "nan"),
        ("sklearn", "nan"),
        ("nltk", "one"),
    ],
)
def test_no_variation_is_undefined_not_a_number(tool: str, behaviour: str) -> None:
    """Other tools raise, return NaN or return 1 when every value is the same; we return
    an undefined estimate with the reason."""
    same = np.ones((3, 2))
    ours = alpha(same, "nominal", 2)
    assert ours.value is None and "no variation" in (ours.reason or "")
    assert cohen_kappa(same, "nominal", 2).value is None
    if tool == "krippendorff":
        with pytest.raises(ValueError, match="more than one value"):
            krippendorff.alpha(same.T, level_of_measurement="nominal")
    elif tool == "krippendorff_single_extra":
        # a second value in an unpairable unit: the package returns NaN (0/0)
        x = np.array([[1, 1, 1, 2], [1, 1, 1, np.nan]])
        assert np.isnan(krippendorff.alpha(x, level_of_measurement="nominal"))
        assert alpha(x.T - 1, "nominal", 2).value is None
    elif tool == "sklearn":
        assert np.isnan(cohen_kappa_score([1, 1, 1], [1, 1, 1]))
    else:
        task = AnnotationTask([(c, u, 1) for c in "ab" for u in "123"])
        assert task.alpha() == 1


def test_statsmodels_fleiss_needs_complete_data() -> None:
    counts = np.array([[2, 0], [1, 0], [0, 2]])  # unit 2 rated by one coder only
    with pytest.raises(AssertionError):
        sm_fleiss(counts)
    x = np.array([[0, 0], [0, np.nan], [1, 1]])
    assert fleiss_kappa(x, "nominal", 2).value == pytest.approx(1.0)


def test_kappa_interval_capped_at_one() -> None:
    table = np.array([[40, 1], [1, 8]])
    sm = cohens_kappa(table)
    ours = cohen_kappa_from_table(table)
    assert sm.kappa_upp > 1.0  # statsmodels and SAS print an upper limit above 1
    assert ours.ci is not None
    assert ours.ci[1] == 1.0
    assert ours.ci[0] == pytest.approx(sm.kappa_low, abs=1e-12)
