"""Agreement diagnostics: where coders disagree, who disagrees, on which units, whether
a low coefficient is an artefact, and what usually helps (``socmodel diagnose``).

Pure computation: no printing, no typer, no rich. See ``docs/diagnostics.md``.
"""

from socmodel_cli.diagnostics.diagnosis import (
    DEFAULT_TOP,
    CodeDiagnosis,
    DiagnoseOptions,
    DiagnosisResult,
    compute_diagnosis,
    diagnose_code,
)
from socmodel_cli.diagnostics.findings import KINDS, Finding

__all__ = [
    "DEFAULT_TOP",
    "KINDS",
    "CodeDiagnosis",
    "DiagnoseOptions",
    "DiagnosisResult",
    "Finding",
    "compute_diagnosis",
    "diagnose_code",
]
