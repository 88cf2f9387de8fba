"""Per-code inter-coder reliability: pure numpy, no I/O.

Every coefficient takes one code's ratings as a float64 array ``(n_units, n_coders)``
with NaN for "not coded" and returns an :class:`Estimate`; undefined results carry
``value=None`` and a plain-language ``reason``. See ``docs/statistics.md``.
"""

from socmodel_cli.stats.agreement import percent_agreement
from socmodel_cli.stats.alpha import alpha
from socmodel_cli.stats.bootstrap import BootstrapResult, bootstrap_alpha, kalpha_bootstrap
from socmodel_cli.stats.chance import (
    Method,
    brennan_prediger,
    category_counts,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gwet_ac1,
    gwet_ac2,
    weighted_scott_pi,
)
from socmodel_cli.stats.conger import conger_kappa
from socmodel_cli.stats.estimate import Estimate, Level
from socmodel_cli.stats.icc import FORMS, FTest, IccForm, IccResult, icc, icc_all
from socmodel_cli.stats.kappa import (
    cohen_kappa,
    cohen_kappa_of_views,
    light_kappa,
    scott_pi,
    weighted_kappa,
)
from socmodel_cli.stats.scale_agreement import (
    LimitsOfAgreement,
    agreement_within,
    limits_of_agreement,
    sem,
    sem_of_fit,
)
from socmodel_cli.stats.tables import (
    cohen_kappa_from_table,
    cohen_kappa_null_se,
    gwet_from_table,
    scott_pi_from_table,
)
from socmodel_cli.stats.weights import WEIGHT_KINDS, WeightSpec, agreement_weights
from socmodel_cli.stats.ztest import fleiss_kappa_null_se, z_test

__all__ = [
    "FORMS",
    "WEIGHT_KINDS",
    "BootstrapResult",
    "Estimate",
    "FTest",
    "IccForm",
    "IccResult",
    "Level",
    "LimitsOfAgreement",
    "Method",
    "WeightSpec",
    "agreement_weights",
    "agreement_within",
    "alpha",
    "bootstrap_alpha",
    "brennan_prediger",
    "category_counts",
    "cohen_kappa",
    "cohen_kappa_from_table",
    "cohen_kappa_null_se",
    "cohen_kappa_of_views",
    "conger_kappa",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "fleiss_kappa_null_se",
    "gwet_ac1",
    "gwet_ac2",
    "gwet_from_table",
    "icc",
    "icc_all",
    "kalpha_bootstrap",
    "light_kappa",
    "limits_of_agreement",
    "percent_agreement",
    "scott_pi",
    "scott_pi_from_table",
    "sem",
    "sem_of_fit",
    "weighted_kappa",
    "weighted_scott_pi",
    "z_test",
]
