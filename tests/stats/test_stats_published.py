"""Every value in published_vectors.json, reproduced at function level within its tol."""

from __future__ import annotations

import numpy as np
import pytest
from stats_helpers import (
    coders_by_units,
    counts_to_ratings,
    table_to_ratings,
    vectors,
)

from socmodel_cli.stats import (
    alpha,
    brennan_prediger,
    cohen_kappa,
    cohen_kappa_from_table,
    cohen_kappa_null_se,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    gwet_ac2,
    gwet_from_table,
    percent_agreement,
    scott_pi,
    weighted_kappa,
)
from socmodel_cli.stats.weights import agreement_weights

V = vectors()


def _close(got: float | None, expected: float, tol: float) -> None:
    assert got is not None
    assert abs(got - expected) <= tol, (got, expected, tol)


def test_every_vector_is_covered() -> None:
    # If someone adds a vector, this test makes them add its check here.
    assert set(V) == {"K3", "K4", "F1", "C1", "C3", "C4", "C5", "G2"}


@pytest.mark.parametrize("vid", ["K3", "K4"])
def test_alpha_vectors(vid: str) -> None:
    v = V[vid]
    x = coders_by_units(v["data"])
    k = int(np.nanmax(x))
    for level, expected in v["level"].items():
        # nominal/ordinal: values 1..k become category indices 0..k-1 in declared order
        categorical = level in ("nominal", "ordinal")
        est = alpha(x - 1, level, k) if categorical else alpha(x, level)
        _close(est.value, expected, v["tol"])


def test_k3_exact_values_from_source() -> None:
    # The source note gives six decimals; we match them to the last printed digit.
    x = coders_by_units(V["K3"]["data"])
    assert alpha(x - 1, "nominal", 5).value == pytest.approx(0.743421, abs=5e-7)
    assert alpha(x - 1, "ordinal", 5).value == pytest.approx(0.815388, abs=5e-7)
    assert alpha(x, "interval").value == pytest.approx(0.849107, abs=5e-7)
    assert alpha(x, "ratio").value == pytest.approx(0.797403, abs=5e-7)


def test_k3_units_accounting() -> None:
    est = alpha(coders_by_units(V["K3"]["data"]) - 1, "nominal", 5)
    assert est.units_used == 11
    assert dict(est.units_excluded) == {"rated by fewer than 2 coders": 1}


def test_f1_fleiss_from_counts_and_from_ratings() -> None:
    v = V["F1"]
    _close(fleiss_kappa_from_counts(v["table"]).value, v["expected"], v["tol"])
    x = counts_to_ratings(v["table"])
    _close(fleiss_kappa(x, "nominal", 5).value, v["expected"], v["tol"])


def test_c1_cohen() -> None:
    v = V["C1"]
    _close(cohen_kappa(table_to_ratings(v["table"]), "nominal", 2).value, v["expected"], v["tol"])
    _close(cohen_kappa_from_table(v["table"]).value, v["expected"], v["tol"])


def test_c3_cohen_scott_s_and_agreement() -> None:
    v = V["C3"]
    x = table_to_ratings(v["table"])
    tol = v["tol"]
    _close(cohen_kappa(x, "nominal", 3).value, v["expected"], tol)
    _close(scott_pi(x, "nominal", 3).value, v["also"]["scott_pi"], tol)
    _close(brennan_prediger(x, "nominal", 3).value, v["also"]["bennett_S"], tol)
    _close(percent_agreement(x).value, v["also"]["percent_agreement"], tol)


def test_c4_unweighted_and_weighted() -> None:
    v = V["C4"]
    x = np.array([v["y1"], v["y2"]], dtype=float).T
    exp = v["expected"]
    _close(cohen_kappa(x, "ordinal", 3).value, exp["none"], v["tol"])
    _close(weighted_kappa(x, "ordinal", 3, weights="linear").value, exp["linear"], v["tol"])
    _close(weighted_kappa(x, "ordinal", 3, weights="quadratic").value, exp["quadratic"], v["tol"])


def test_c5_sas_printout() -> None:
    v = V["C5"]
    exp = v["expected"]
    x = table_to_ratings(v["table"])
    # Printed to 4 decimals; tol 5e-5 covers the rounding.
    tol = v["tol"]
    est = cohen_kappa(x, "ordinal", 3)
    _close(est.value, exp["kappa"], tol)
    _close(est.se, exp["ASE"], 5e-4)  # printed as .138: three decimals
    assert est.ci is not None
    _close(est.ci[0], exp["ci95"][0], tol)
    _close(est.ci[1], exp["ci95"][1], tol)
    se0 = cohen_kappa_null_se(v["table"])
    _close(se0, exp["ASE_H0"], tol)
    assert se0 is not None and est.value is not None
    _close(est.value / se0, exp["z"], tol)
    wk = weighted_kappa(x, "ordinal", 3, weights="linear")
    _close(wk.value, exp["weighted_linear"], tol)
    _close(wk.se, exp["weighted_ASE"], tol)


def test_g2_irrcac_table() -> None:
    v = V["G2"]
    exp = v["expected"]
    tol = v["tol"]
    x = table_to_ratings(v["table"])
    _close(gwet_ac1(x, "nominal", 3).value, exp["AC1"], tol)
    # The printed interval comes from Gwet's two-rater (contingency-table) variance.
    ac1 = gwet_from_table(v["table"])
    _close(ac1.value, exp["AC1"], tol)
    assert ac1.ci is not None
    _close(ac1.ci[0], exp["AC1_ci95"][0], tol)
    _close(ac1.ci[1], exp["AC1_ci95"][1], tol)
    _close(gwet_ac2(x, "ordinal", 3, weights="quadratic").value, exp["AC2_quadratic"], tol)
    quad = agreement_weights("quadratic", np.arange(3.0))
    _close(gwet_from_table(v["table"], quad).value, exp["AC2_quadratic"], tol)
    _close(cohen_kappa(x, "nominal", 3).value, exp["cohen"], tol)
    _close(scott_pi(x, "nominal", 3).value, exp["scott"], tol)
    _close(alpha(x, "nominal", 3).value, exp["alpha"], tol)
    _close(percent_agreement(x).value, exp["PA"], tol)
    _close(brennan_prediger(x, "nominal", 3).value, exp["BP"], tol)


def test_g2_raw_ac1_interval_uses_the_many_coder_variance() -> None:
    """Pinned difference: Gwet's many-coder variance divides by n(n-1), the two-rater
    table formula by n^2, so on the same complete two-coder data the raw-ratings SE is
    larger by sqrt(n / (n - 1)) and its interval is wider than the printed one."""
    v = V["G2"]
    x = table_to_ratings(v["table"])
    raw = gwet_ac1(x, "nominal", 3)
    table = gwet_from_table(v["table"])
    assert raw.se is not None and table.se is not None
    n = x.shape[0]
    assert raw.se == pytest.approx(table.se * np.sqrt(n / (n - 1)), rel=1e-12)
    assert raw.ci is not None
    assert raw.ci[0] == pytest.approx(0.763146, abs=5e-6)
