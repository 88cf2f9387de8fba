"""Help text that names things: ``SCHEME FILE...`` in usage lines, no Python types.

Typer renders a required argument as ``{SCHEME}`` in the usage line and appends the
argument's Python type to its help row (``FILE <list[Path]>``). :class:`Command` writes each
argument by its metavar instead (``SCHEME``, ``FILE...``, ``[DIR]``) and ends the usage line
with the options a command cannot run without (``--out DIR``); options name their value
through their own ``metavar``. Standard library and typer only, like the other ``cli*``
modules, so ``--help`` stays fast.
"""

from enum import StrEnum
from typing import Any

from typer.core import TyperCommand


def choices(kind: type[StrEnum]) -> str:
    """The metavar of an option with fixed choices: ``text|json``."""
    return "|".join(member.value for member in kind)


class Command(TyperCommand):
    """A Typer command whose usage line and argument rows show metavars only."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] SCHEME FILE... --out DIR``: arguments, then the required options."""
        pieces = [self.options_metavar] if self.options_metavar else []
        required: list[str] = []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_usage_name(param))
            elif param.required and param.opts:
                required.append(f"{max(param.opts, key=len)} {param.metavar or 'VALUE'}")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces + required

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_shown_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _shown_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return name if param.nargs == 1 or name.endswith("...") else f"{name}..."


def _usage_name(param: Any) -> str:
    name = _shown_name(param)
    return name if param.required or name.startswith("[") else f"[{name}]"
