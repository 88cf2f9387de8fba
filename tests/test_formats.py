"""Every output format of every command has exactly one renderer (the enum is exhaustive)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import pytest

from socmodel_cli.output_formats import DiffFormat, ReportFormat, TextOrJson
from socmodel_cli.report import formats

TABLES: list[tuple[Callable[..., object], type[StrEnum]]] = [
    (formats.validation_renderer, TextOrJson),
    (formats.reliability_renderer, ReportFormat),
    (formats.diagnosis_renderer, TextOrJson),
    (formats.scheme_check_renderer, TextOrJson),
    (formats.diff_renderer, DiffFormat),
    (formats.migration_renderer, TextOrJson),
]


@pytest.mark.parametrize(("table", "enum"), TABLES, ids=[t.__name__ for t, _ in TABLES])
def test_every_format_has_a_renderer(table: Callable[..., object], enum: type[StrEnum]) -> None:
    renderers = [table(member) for member in enum]
    assert all(callable(r) for r in renderers)
    assert len({id(r) for r in renderers}) == len(renderers)
