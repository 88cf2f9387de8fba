"""The project's one error hierarchy.

A problem found *in* user data (an unknown code, a ragged row) is a value: a
:class:`socmodel_cli.problems.Problem`. An exception here means the command could not
run at all; the CLI maps every one of them to exit code 2 in a single place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socmodel_cli.problems import Problem


class SocmodelError(Exception):
    """Base class: the command could not run. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)


class UsageError(SocmodelError):
    """Options that contradict each other or name things that do not exist."""


class InputError(SocmodelError):
    """A file could not be opened or read at all (missing, unreadable, wrong encoding)."""


class SchemeError(SocmodelError):
    """A coding scheme that does not load or does not validate; carries located problems."""


class OutputError(SocmodelError):
    """An output file could not be written safely (would overwrite an input, exists, no space)."""
