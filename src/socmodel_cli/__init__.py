"""socmodel: coding schemes, coder-file validation and inter-coder reliability.

The library API for notebooks and scripts::

    from socmodel_cli import load_scheme, validate_files, reliability

Names load on first use, so ``import socmodel_cli`` (and the CLI's start-up) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_scheme": "socmodel_cli.scheme",
    "Scheme": "socmodel_cli.scheme",
    "validate_files": "socmodel_cli.validation",
    "ValidationResult": "socmodel_cli.validation",
    "reliability": "socmodel_cli.code_reliability",
    "compute_reliability": "socmodel_cli.code_reliability",
    "ReliabilityResult": "socmodel_cli.code_reliability",
    "CodeReliability": "socmodel_cli.code_reliability",
    "Options": "socmodel_cli.code_reliability",
    "compute_diagnosis": "socmodel_cli.diagnostics.diagnosis",
    "DiagnoseOptions": "socmodel_cli.diagnostics.diagnosis",
}

__all__ = [
    "CodeReliability",
    "DiagnoseOptions",
    "Options",
    "ReliabilityResult",
    "Scheme",
    "ValidationResult",
    "__version__",
    "compute_diagnosis",
    "compute_reliability",
    "load_scheme",
    "reliability",
    "validate_files",
]

if TYPE_CHECKING:
    from socmodel_cli.code_reliability import (
        CodeReliability,
        Options,
        ReliabilityResult,
        compute_reliability,
        reliability,
    )
    from socmodel_cli.diagnostics.diagnosis import DiagnoseOptions, compute_diagnosis
    from socmodel_cli.scheme import Scheme, load_scheme
    from socmodel_cli.validation import ValidationResult, validate_files


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'socmodel_cli' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
