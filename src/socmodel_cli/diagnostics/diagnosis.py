"""Agreement diagnostics for every selected code: the pieces computed, then read as findings.

Pure: ratings in, frozen results out. Alpha, its interval and the kappa family come from
:func:`socmodel_cli.code_reliability.code_reliability`, so ``diagnose`` and
``reliability`` agree on every shared number and on each code's pass/fail status.
"""

from __future__ import annotations

from dataclasses import dataclass

from socmodel_cli.code_reliability import (
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    CodeReliability,
    Options,
    code_reliability,
    compute_reliability,
)
from socmodel_cli.diagnostics.artefacts import Artefacts, artefacts
from socmodel_cli.diagnostics.categories import CategoryAgreement, category_agreement
from socmodel_cli.diagnostics.coders import (
    CoderBias,
    LeaveOneOut,
    attribute_bias,
    coder_biases,
    leave_one_out,
)
from socmodel_cli.diagnostics.coincidence import Disagreement, disagreement
from socmodel_cli.diagnostics.findings import Finding, Inputs, code_findings, is_biased
from socmodel_cli.diagnostics.pairwise import PairAgreement, pair_agreement
from socmodel_cli.diagnostics.scale import CodeView, code_view
from socmodel_cli.diagnostics.units import UnitDisagreements, unit_disagreements
from socmodel_cli.problems import Problem
from socmodel_cli.ratings import CodeMatrix, Ratings, RatingsByCode
from socmodel_cli.scheme.model import Scheme

DEFAULT_TOP = 10


@dataclass(frozen=True)
class DiagnoseOptions:
    codes: tuple[str, ...] = ()
    min_alpha: float | None = None
    top: int = DEFAULT_TOP  # how many confused pairs and units reports show
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    ci: float = 0.95
    min_units: int | None = None
    # Keep each code's units x coders values on its view (the report's Bland-Altman plots
    # draw them); otherwise they are released once the code is diagnosed.
    keep_values: bool = False

    def reliability_options(self) -> Options:
        return Options(
            self.codes,
            self.min_alpha,
            self.replicates,
            self.seed,
            self.ci,
            "units",
            self.min_units,
        )


@dataclass(frozen=True)
class CodeDiagnosis:
    view: CodeView
    reliability: CodeReliability
    disagreement: Disagreement | None  # None: the code has no categorical view
    categories: tuple[CategoryAgreement, ...]
    coders: tuple[CoderBias, ...]  # each coder against all the others
    attributed_bias: tuple[CoderBias, ...]  # the coders the bias is put down to
    pairs: tuple[PairAgreement, ...]
    leave_one_out: tuple[LeaveOneOut, ...]
    units: UnitDisagreements  # every unit with disagreement, largest first (made when read)
    artefacts: Artefacts
    findings: tuple[Finding, ...]

    @property
    def status(self) -> str:
        return self.reliability.status


@dataclass(frozen=True)
class DiagnosisResult:
    scheme: Scheme
    options: DiagnoseOptions
    codes: tuple[CodeDiagnosis, ...]
    warnings: tuple[Problem, ...] = ()  # validation warnings about the data

    @property
    def ok(self) -> bool:
        return all(c.status == "pass" for c in self.codes)


def diagnose_code(matrix: CodeMatrix, threshold: float, options: DiagnoseOptions) -> CodeDiagnosis:
    """Diagnostics for one code's units x coders matrix."""
    rel = code_reliability(matrix, threshold, options.reliability_options())
    return explain(matrix, rel)


def explain(matrix: CodeMatrix, rel: CodeReliability, keep_values: bool = True) -> CodeDiagnosis:
    """Diagnostics for a code whose reliability has been computed."""
    view = code_view(matrix)
    picture = disagreement(view)
    cats = () if picture is None else category_agreement(view, picture)
    art = artefacts(view, rel, cats)
    attributed = attribute_bias(view, is_biased)
    loo = leave_one_out(view, rel.alpha)
    pairs = pair_agreement(view)
    findings = code_findings(Inputs(view, rel, picture, cats, attributed, loo, pairs, art))
    return CodeDiagnosis(
        view=view if keep_values else view.released(),
        reliability=rel,
        disagreement=picture,
        categories=cats,
        coders=coder_biases(view),
        attributed_bias=attributed,
        pairs=pairs,
        leave_one_out=loo,
        units=unit_disagreements(view),
        artefacts=art,
        findings=findings,
    )


def compute_diagnosis(
    ratings: Ratings | RatingsByCode, options: DiagnoseOptions | None = None
) -> DiagnosisResult:
    """Diagnostics for every selected code of ``ratings.scheme``.

    Code selection, thresholds and bootstrap seeds are those of ``compute_reliability``, so
    both commands agree on every shared number. Unknown codes raise ``UsageError``.
    """
    options = options or DiagnoseOptions()
    reliability = compute_reliability(ratings, options.reliability_options())
    codes = tuple(
        explain(ratings.matrix(r.code.id), r, options.keep_values) for r in reliability.codes
    )
    return DiagnosisResult(scheme=ratings.scheme, options=options, codes=codes)
