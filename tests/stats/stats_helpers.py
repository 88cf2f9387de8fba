"""Shared helpers for the statistics tests: reference vectors and seeded random datasets."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socmodel_cli.stats import BootstrapResult, Estimate

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "published_vectors.json"


def vectors() -> dict[str, dict[str, Any]]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return {v["id"]: v for v in data["vectors"]}


def coders_by_units(data: list[list[float | None]]) -> np.ndarray:
    """A published coders x units matrix (None = not coded) as our units x coders array."""
    return np.array([[np.nan if c is None else c for c in row] for row in data], float).T


def table_to_ratings(table: list[list[int]]) -> np.ndarray:
    """Expand a two-coder contingency table (A rows, B columns) into units x 2 ratings."""
    rows = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            rows += [[i, j]] * int(count)
    return np.array(rows, dtype=float)


def counts_to_ratings(counts: list[list[int]]) -> np.ndarray:
    """Expand a units x categories count table into units x coders ratings (NaN-padded)."""
    width = max(sum(r) for r in counts)
    out = np.full((len(counts), width), np.nan)
    for u, row in enumerate(counts):
        vals = [c for c, n in enumerate(row) for _ in range(n)]
        out[u, : len(vals)] = vals
    return out


@dataclass(frozen=True)
class Dataset:
    ratings: np.ndarray  # units x coders, category indices or NaN
    k: int
    seed: int

    @property
    def complete(self) -> bool:
        return not np.isnan(self.ratings).any()


def random_datasets(
    count: int,
    seed: int,
    *,
    units: tuple[int, int] = (2, 60),
    coders: tuple[int, int] = (2, 6),
    categories: tuple[int, int] = (2, 7),
    missing: tuple[float, float] = (0.0, 0.4),
    complete_share: float = 0.25,
) -> Iterator[Dataset]:
    """Seeded datasets with real structure: each unit has a true category that coders
    report with unit-specific reliability, plus cells left uncoded at random."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        n = int(rng.integers(units[0], units[1] + 1))
        c = int(rng.integers(coders[0], coders[1] + 1))
        k = int(rng.integers(categories[0], categories[1] + 1))
        prevalence = rng.dirichlet(np.full(k, 0.7))
        truth = rng.choice(k, size=n, p=prevalence)
        accuracy = rng.uniform(0.2, 0.95)
        noise = rng.integers(0, k, size=(n, c))
        shift = np.clip(truth[:, None] + rng.integers(-1, 2, size=(n, c)), 0, k - 1)
        wrong = np.where(rng.random((n, c)) < 0.5, noise, shift)
        x = np.where(rng.random((n, c)) < accuracy, truth[:, None], wrong).astype(float)
        if rng.random() >= complete_share:
            x[rng.random((n, c)) < rng.uniform(*missing)] = np.nan
        yield Dataset(ratings=x, k=k, seed=seed * 100_000 + i)


def assert_clean(est: Estimate) -> None:
    """The Estimate contract: no NaN or infinity anywhere; None values carry a reason."""
    for x in (est.value, est.se):
        assert x is None or (isinstance(x, float) and math.isfinite(x)), est
    if est.ci is not None:
        assert all(math.isfinite(v) for v in est.ci), est
    if est.value is None:
        assert est.reason, est
    assert all(isinstance(v, int) and v > 0 for v in est.units_excluded.values()), est


def assert_clean_bootstrap(res: BootstrapResult) -> None:
    for x in (res.ci_low, res.ci_high, res.q_below_threshold):
        assert x is None or math.isfinite(x), res
    assert 0 <= res.undefined_replicates <= res.replicates
