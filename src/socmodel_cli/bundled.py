"""The schemes and example files that ship with socmodel, and naming a scheme by its id.

The canonical files are the repository's top-level ``schemes/`` and ``examples/``. A wheel
carries copies under ``socmodel_cli/data/`` (hatch ``force-include`` in pyproject.toml); a
source checkout or an editable install reads the top-level folders. Both are found here and
nowhere else.

A command's SCHEME argument is a path or the id of a bundled scheme: :func:`resolve_scheme`
is the one place that decides which. This module is imported while the CLI parses its
arguments, so it loads only the standard library at import time.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from socmodel_cli.errors import SchemeError, UsageError
from socmodel_cli.problems import error

# The example study belongs to this scheme; `socmodel init` copies it along with it.
EXAMPLE_SCHEME = "socialization-to-the-model"
# The example's valid coder files (what `init`'s next command validates), then the rest.
EXAMPLE_CODER_FILES = ("alice.csv", "ben.csv", "chloe.csv")
EXAMPLE_FILES = (*EXAMPLE_CODER_FILES, "units.csv", "flawed/dana.csv")


@dataclass(frozen=True, slots=True)
class BundledScheme:
    """What ``socmodel scheme list`` shows of one bundled scheme."""

    name: str  # what to type instead of a path (the file name without .yaml)
    id: str
    version: str
    title: str
    codes: tuple[str, ...]
    path: Path


def data_root() -> Path | None:
    """The folder holding ``schemes/`` and ``examples/``: the wheel's data or the checkout."""
    packaged = resources.files("socmodel_cli") / "data"
    if isinstance(packaged, Path) and (packaged / "schemes").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "schemes").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return None


def scheme_paths() -> dict[str, Path]:
    """Bundled scheme files by name (``socialization-to-the-model`` -> its YAML), sorted."""
    root = data_root()
    if root is None:
        return {}
    return {p.stem: p for p in sorted((root / "schemes").glob("*.yaml")) if p.is_file()}


def example_paths() -> list[tuple[Path, str]]:
    """The example files as (bundled path, path relative to the examples folder)."""
    root = data_root()
    if root is None:
        return []
    return [(root / "examples" / name, name) for name in EXAMPLE_FILES]


def resolve_scheme(value: str | Path) -> Path:
    """A SCHEME argument as a path: an existing path wins, else a bundled scheme's id.

    Neither: the path unchanged (loading it then reports "no such file"), unless it is close
    to a bundled scheme's name; then a :class:`SchemeError` that names it.
    """
    path = Path(value)
    if path.exists():
        return path
    bundled = scheme_paths()
    if str(value) in bundled:
        return bundled[str(value)]
    close = difflib.get_close_matches(str(value), list(bundled), n=1, cutoff=0.6)
    close += difflib.get_close_matches(path.stem, list(bundled), n=1, cutoff=0.6)
    if close:
        raise SchemeError(
            f"{path}: the scheme could not be read",
            [
                error(
                    "unreadable-file",
                    f"no such file or bundled scheme; did you mean the bundled scheme "
                    f"{close[0]!r}? (see `socmodel scheme list`)",
                    file=str(path),
                )
            ],
        )
    return path


def bundled_schemes() -> list[BundledScheme]:
    """Every bundled scheme, loaded (so a broken one is an error, not a silent omission)."""
    from socmodel_cli.scheme import load_scheme

    out = []
    for name, path in scheme_paths().items():
        scheme = load_scheme(path)
        codes = tuple(c.id for c in scheme.codes)
        out.append(BundledScheme(name, scheme.id, scheme.version, scheme.title, codes, path))
    return out


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """One file ``socmodel init`` writes: where, what, and from which bundled file."""

    target: Path
    data: bytes
    source: Path | None  # None for generated files (the JSON Schema)
    what: str


SCHEMA_FILE = "scheme.schema.json"
_EXAMPLE_NOTES = {
    "units.csv": "the example's units, for `socmodel template`",
    "flawed/dana.csv": "a deliberately broken export, to see what `validate` finds",
}
_MODELINE = "# yaml-language-server: $schema="


def project_files(name: str, folder: Path) -> list[ProjectFile]:
    """What ``socmodel init`` writes into ``folder`` for the bundled scheme ``name``.

    The scheme (its editor modeline pointed at a JSON Schema written next to it) and, for
    the scheme the example study belongs to, the example files under ``examples/``.
    """
    from socmodel_cli.report.jsonout import dumps
    from socmodel_cli.scheme.jsonschema import scheme_json_schema

    bundled = scheme_paths()
    if name not in bundled:
        known = ", ".join(bundled) or "none in this installation"
        close = difflib.get_close_matches(name, list(bundled), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(f"no bundled scheme {name!r}; {hint}bundled schemes: {known}")
    source = bundled[name]
    files = [
        ProjectFile(
            folder / source.name,
            _point_modeline(source.read_bytes()),
            source,
            f"the scheme {name}",
        ),
        ProjectFile(
            folder / SCHEMA_FILE,
            dumps(scheme_json_schema()).encode("utf-8"),
            None,
            "the JSON Schema of the scheme format, for editors",
        ),
    ]
    if name == EXAMPLE_SCHEME:
        for path, relative in example_paths():
            what = _EXAMPLE_NOTES.get(relative, "an example coder file")
            files.append(ProjectFile(folder / "examples" / relative, path.read_bytes(), path, what))
    return files


def _point_modeline(data: bytes) -> bytes:
    """The bundled scheme's ``$schema`` modeline, pointed at the file init writes beside it."""
    text = data.decode("utf-8")
    first, sep, rest = text.partition("\n")
    if first.startswith(_MODELINE):
        return f"{_MODELINE}{SCHEMA_FILE}{sep}{rest}".encode()
    return data
