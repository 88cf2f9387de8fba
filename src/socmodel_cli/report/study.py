"""The study at a glance: which files, which coders, how many units, who coded what.

Pure except for :func:`sha256_file`, which the command calls to fingerprint its inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from socmodel_cli.ratings import Ratings


@dataclass(frozen=True)
class InputFile:
    name: str  # as given on the command line
    sha256: str
    ratings: int | None  # ratings read from it; None: the scheme file


@dataclass(frozen=True)
class Study:
    scheme_id: str
    scheme_version: str
    scheme_file: InputFile
    files: tuple[InputFile, ...]
    coders: tuple[str, ...]
    units: int  # units with at least one rating of any code
    double_coded: int  # units rated by two or more coders (any code)
    overlap: tuple[tuple[int, ...], ...]  # coders x coders: units both rated (diagonal: own)

    @property
    def double_coded_share(self) -> float:
        """Share of units rated by two or more coders (0 without units)."""
        return self.double_coded / self.units if self.units else 0.0


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def study_summary(
    ratings: Ratings, scheme_file: InputFile, files: Sequence[tuple[str, str]]
) -> Study:
    """``files``: (name, SHA-256) of each coder file in the order given (ratings.files)."""
    counts = (
        np.bincount(ratings.file, minlength=len(files))
        if len(ratings)
        else np.zeros(len(files), int)
    )
    n_coders = len(ratings.coders)
    coded = np.zeros((len(ratings.units), n_coders), dtype=bool)
    coded[ratings.unit, ratings.coder] = True
    seen = coded.any(axis=1)
    coded = coded[seen]
    both = coded.T.astype(np.int64) @ coded.astype(np.int64)
    used = coded.any(axis=0)
    keep = np.flatnonzero(used)
    return Study(
        scheme_id=ratings.scheme.id,
        scheme_version=ratings.scheme.version,
        scheme_file=scheme_file,
        files=tuple(
            InputFile(name, digest, int(counts[i])) for i, (name, digest) in enumerate(files)
        ),
        coders=tuple(ratings.coders[i] for i in keep),
        units=int(seen.sum()),
        double_coded=int((coded.sum(axis=1) >= 2).sum()),
        overlap=tuple(tuple(int(both[i, j]) for j in keep) for i in keep),
    )
