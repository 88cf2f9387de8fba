"""Coding schemes: the format (pydantic), safe located YAML loading, and rules."""

from socmodel_cli.scheme.load import check_scheme, load_scheme, load_scheme_text
from socmodel_cli.scheme.model import Code, CodeValue, Level, Scheme

__all__ = [
    "Code",
    "CodeValue",
    "Level",
    "Scheme",
    "check_scheme",
    "load_scheme",
    "load_scheme_text",
]
