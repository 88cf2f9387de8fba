"""Every problem ``kind`` socmodel reports, in one catalogue: slug, severity, description.

The slug is the stable interface of a problem (scripts filter on it), so it lives in one place:
``problems.Problem`` refuses a slug that is not here or has the wrong severity, and the tables
of kinds in ``docs/validation.md`` and ``docs/scheme-format.md`` are rendered from this list
(``tests/test_problem_kinds.py`` checks both). After editing it, regenerate the docs with::

    python -m socmodel_cli.problem_kinds --write docs/validation.md docs/scheme-format.md

Imported by every command that can report a problem: plain data, no third-party imports.
"""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):  # here rather than in problems.py, which imports this module
    ERROR = "error"
    WARNING = "warning"


class Group(StrEnum):
    """The table of the docs that lists a kind (the marker ``<!-- kinds:NAME -->``)."""

    FILE = "errors-file"  # validation.md: Errors: the file as a whole
    ROWS = "errors-rows"  # validation.md: Errors: rows and cells
    WARNINGS = "warnings"  # validation.md: Warnings
    SCHEME = "scheme"  # scheme-format.md: Rules checked beyond types


# The second column's heading, and the one severity each table holds.
HEADING = {Group.FILE: "when", Group.ROWS: "when", Group.WARNINGS: "when", Group.SCHEME: "the rule"}
GROUP_SEVERITY = {
    Group.FILE: Severity.ERROR,
    Group.ROWS: Severity.ERROR,
    Group.WARNINGS: Severity.WARNING,
    Group.SCHEME: Severity.ERROR,
}


class Kind(NamedTuple):  # not a dataclass: quicker to define at start-up
    slug: str
    group: Group
    description: str  # Markdown, one table cell

    @property
    def severity(self) -> Severity:
        return GROUP_SEVERITY[self.group]


_F, _R, _W, _S = Group.FILE, Group.ROWS, Group.WARNINGS, Group.SCHEME

# In the order of the docs. A slug may sit in two tables (an empty coder file, an empty scheme).
CATALOGUE: tuple[Kind, ...] = (
    Kind("empty-file", _F, "nothing in the file (or in the worksheet read)"),
    Kind("binary-file", _F, "NUL bytes in a text file without a byte-order mark (at the line and column of the first, anywhere in the file)"),
    Kind("undecodable-bytes", _F, "bytes that are not valid in the encoding (UTF-8 unless `--encoding` applies); names the likely encoding and shows the line read that way; nothing from the file is used"),
    Kind("mixed-encoding", _F, "with `--encoding`: a file with UTF-8 text on one line and bytes that are not UTF-8 on another"),
    Kind("line-too-long", _F, "a line, or a row whose quoted cells span lines, longer than 1 MiB; the file is not read further"),
    Kind("too-many-cells", _F, "a row (or the header) with more than 100,000 cells; the file is not read further"),
    Kind("malformed-csv", _F, "the CSV parser cannot go on (e.g. a field over 1,000,000 characters from an unterminated quote)"),
    Kind("corrupt-file", _F, "an xlsx that cannot be read as it stands: a damaged or truncated zip, a part that does not inflate, broken XML in the workbook or the sheet (with the part in `path`, and the XML line and column), a zip that is not a workbook (formerly `broken-xlsx`); also a `.qdpx` project given to `scheme import` that is not a readable zip"),
    Kind("xlsx-too-large", _F, "a workbook past the limits of [bad-inputs.md](bad-inputs.md#excel-workbooks-xlsx): it would inflate past 1 GB (zip bomb), its used range spans more than 10,000,000 cells (located at the farthest cell holding a value), or its shared-string table holds more than 2,000,000 strings or 256 MB"),
    Kind("missing-sheet", _F, "`--sheet` names no sheet of the workbook (the message lists them, with their tab numbers), names a chart sheet, or no worksheet is visible"),
    Kind("empty-column-name", _F, "a header cell is empty: which column holds what would be a guess, so the file is not read further (an unnamed first column gets the hint that R's `write.csv` writes row names unless `row.names = FALSE`, pandas unless `index=False`)"),
    Kind("duplicate-column", _F, "a header cell is repeated (the message names the first position): which column holds what would be a guess, so the file is not read further"),
    Kind("missing-key-column", _F, "a unit-key column of the scheme is absent; the file is not read further (in a workbook of several sheets the message names the sheet read and lists the others, for `--sheet`)"),
    Kind("no-code-columns", _F, "a wide file with no column naming a code"),
    Kind("unknown-code", _F, 'a wide-layout column that is not a code (with "did you mean"; a column a declared migration renamed or dropped says so and names `socmodel migrate`), or a long-layout `code` cell that is not a code'),
    Kind("unknown-column", _F, "a long-layout column that is not a key, `coder`, `code`, `value`, `scheme_id` or `scheme_version`"),
    Kind("wrong-scheme", _F, "the `scheme_id` column names another scheme"),
    Kind("incompatible-version", _F, "the `scheme_version` column names another MAJOR version (hint: `socmodel migrate`)"),
    Kind("bad-version", _F, "the `scheme_version` cell is not a semantic version"),
    Kind("ragged-row", _R, "more or fewer cells than the header (trailing empty cells excepted); the row is skipped"),
    Kind("missing-unit-key", _R, "a unit-key cell the code needs is empty"),
    Kind("missing-coder", _R, "the `coder` cell is empty"),
    Kind("unknown-value", _R, "a value not among the code's declared values; a value that differs from a declared one only invisibly (a zero-width space, a no-break space) is shown with the code points of both; a value a declared migration recodes says so"),
    Kind("not-a-number", _R, "text where a number is required (also decimal commas and non-ASCII digits, said so)"),
    Kind("not-finite", _R, "a number too large to be finite (`1e309`)"),
    Kind("not-integer", _R, "a fraction where the code has `integer: true`"),
    Kind("out-of-range", _R, "outside the code's `range`, or negative for a ratio code"),
    Kind("near-match-keys", _R, "unit keys that differ between coders only by letter case, leading zeros or a trailing `.0` (`1` vs `001`, `T01` vs `t01`, `3` vs `3.0`): examples from each side, and how many units are affected. Such units never pair. Declare `unit.normalize` if they are the same units, or correct the keys"),
    Kind("formula-without-value", _R, 'an xlsx formula cell with no saved result (written by a program that does not calculate); it would otherwise read as "not coded"'),
    Kind("error-cell", _R, "an xlsx cell showing an Excel error (`#N/A`, `#DIV/0!`, …)"),
    Kind("date-cell", _R, "an xlsx number shown as a date, time or duration (a column formatted as a date): the message says what Excel shows and the number the cell holds; the cell is not used (never read as ISO text or as a number)"),
    Kind("conflicting-ratings", _R, "the same unit × coder × code rated twice with different values (in any files); the first rating is kept for the record, but the run fails"),
    Kind("unmapped-value", _R, "(`socmodel migrate`) a cell of a recoded code that the migration's map does not cover and that is not a value of the code in the new version; it is left as it was (see [versioning.md](versioning.md))"),
    Kind("duplicate-rating", _W, "the same unit × coder × code rated twice with the same value (not reported for codes with `unit_keys`, whose value may repeat on every row of a wide sheet)"),
    Kind("unpairable-units", _W, "per code: units rated by one coder only (count and examples); they add nothing to reliability"),
    Kind("too-few-coders", _W, "a code rated by fewer than two coders"),
    Kind("few-shared-units", _W, "the two coders with the most units of a code (each at least 20) share fewer than a tenth of the smaller set: most likely their unit keys are written differently"),
    Kind("unversioned-export", _W, "a file without a `scheme_version` column, checked against a scheme whose declared migrations rename codes or recode values: if it was coded with an older version its values now mean other scale points. Names the migrations and the exact `socmodel migrate ... --from X.Y.Z --out migrated/` command"),
    Kind("unused-code", _W, "a declared code that no file rates"),
    Kind("no-rows", _W, "a header and no coded rows"),
    Kind("older-minor-version", _W, "coded with an older MINOR version of the scheme (compatible; new values were not available to the coder)"),
    Kind("newer-version", _W, "coded with a newer version than the scheme file given"),
    Kind("dropped-ratings", _W, "(`reliability`, `diagnose` with `--lenient`) the invalid ratings left out, one warning per file, code and kind of error, with their count: the numbers rest on partial data"),
    Kind("duplicate-code", _S, "code ids are unique"),
    Kind("duplicate-key", _S, "a YAML key appears once per mapping (YAML would silently keep the last)"),
    Kind("missing-values", _S, "nominal and ordinal codes declare `values`"),
    Kind("duplicate-value", _S, "a value is declared once (`1` and `1.0` are the same value)"),
    Kind("value-is-missing-token", _S, 'a declared value is not also a "not coded" token, compared as values (`99`, `"99"`, `99.0`, `-9`); the message names the value and `missing[i]`'),
    Kind("text-value-in-numeric-code", _S, "interval/ratio codes take numbers"),
    Kind("range-on-text-code", _S, "`range` and `integer` only on numeric codes"),
    Kind("min-above-max", _S, "`range.min <= range.max`"),
    Kind("negative-ratio", _S, "ratio codes have a true zero: no negative values or minimum"),
    Kind("not-integer", _S, "declared values are whole numbers where the code has `integer: true`"),
    Kind("value-out-of-range", _S, "declared values lie within the code's `range`"),
    Kind("bad-unit-keys", _S, "`unit_keys` is a non-empty subset of `unit.keys`"),
    Kind("reserved-id", _S, "code ids and unit keys are not reserved column names (`coder`, `code`, `value`, `scheme_id`, `scheme_version`)"),
    Kind("duplicate-key-column", _S, "a unit key is listed once"),
    Kind("unknown-coefficient", _S, "`decide_by` names a coefficient socmodel computes"),
    Kind("coefficient-does-not-apply", _S, "the deciding coefficient applies to the code's level"),
    Kind("bad-weights", _S, "a weight matrix is k × k over the declared values, symmetric, in [0, 1], with a unit diagonal"),
    Kind("bad-migration", _S, "migrations start from an earlier major version and name existing codes"),
    Kind("unknown-field", _S, 'every field is known; a typo gets "did you mean …"'),
    Kind("not-a-mapping", _S, "the document is a mapping (with `id`, `version`, `unit` and `codes`)"),
    Kind("missing-field", _S, "required fields are present"),
    Kind("bad-choice", _S, "a field with fixed choices has one of them (`level`, `provenance.basis`, …)"),
    Kind("bad-format", _S, "ids, keys and versions match their patterns"),
    Kind("empty-list", _S, "lists that must not be empty (`codes`, `unit.keys`) are not"),
    Kind("bad-value", _S, "every other value has its field's type and bounds"),
    Kind("yaml-syntax", _S, "the file is valid YAML (indented with spaces, not tabs; no control characters)"),
    Kind("yaml-tag", _S, "no tag outside plain YAML (`!!python/object`, merge keys `<<`): nothing is constructed"),
    Kind("yaml-key", _S, "mapping keys are plain text"),
    Kind("yaml-too-large", _S, "at most 50,000 values after aliases are expanded (an alias bomb is refused as it expands)"),
    Kind("yaml-too-deep", _S, "nesting at most 64 levels deep (refused where the parser first reaches level 65, so a text nested far deeper costs no more)"),
    Kind("bad-number", _S, "numbers short enough to read (not thousands of digits; quote it if it is text)"),
    Kind("invalid-unicode", _S, 'text without a lone surrogate (`"\\ud800"`), which is not a character'),
    Kind("empty-file", _S, "something in the file"),
    Kind("file-too-large", _S, "at most 5 MB (also for `scheme diff --rev`)"),
    Kind("undecodable-bytes", _S, "UTF-8 text"),
    Kind("not-a-file", _S, "the path is a regular file (not a directory or FIFO)"),
    Kind("unreadable-file", _S, 'the file can be read, or names a bundled scheme (a near miss gets "did you mean")'),
)  # fmt: skip

SEVERITY: dict[str, Severity] = {k.slug: k.severity for k in CATALOGUE}


class UnknownKind(LookupError):
    """A problem was made with a slug the catalogue lacks, or with another severity: a bug."""


def checked(slug: str, severity: Severity) -> str:
    """``slug``, if the catalogue has it with this severity; a dict lookup, cheap to run always."""
    known = SEVERITY.get(slug)
    if known is not severity:
        why = f"catalogued as {known}" if known else "not in socmodel_cli/problem_kinds.py"
        raise UnknownKind(f"problem kind {slug!r} made as {severity}: {why}")
    return slug


# -- the docs ------------------------------------------------------------------------------

_BLOCK = re.compile(r"(<!-- kinds:([a-z-]+) -->\n).*?(<!-- /kinds -->)", re.DOTALL)


def render_table(group: Group) -> str:
    """The Markdown table of one group, in catalogue order."""
    rows = [f"| `{k.slug}` | {k.description} |" for k in CATALOGUE if k.group is group]
    return "\n".join([f"| kind | {HEADING[group]} |", "|---|---|", *rows, ""])


def render_docs(text: str) -> str:
    """``text`` with every ``<!-- kinds:GROUP -->`` ... ``<!-- /kinds -->`` block re-rendered."""
    return _BLOCK.sub(lambda m: m.group(1) + render_table(Group(m.group(2))) + m.group(3), text)


def marked_groups(text: str) -> list[Group]:
    return [Group(m.group(2)) for m in _BLOCK.finditer(text)]


def main(argv: list[str]) -> int:
    """``--write FILE...`` re-renders the tables in place; ``--check FILE...`` exits 1 if stale."""
    from pathlib import Path

    if len(argv) < 2 or argv[0] not in {"--write", "--check"}:
        print("usage: python -m socmodel_cli.problem_kinds --write|--check FILE...")
        return 2
    stale = []
    for name in argv[1:]:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        fresh = render_docs(text)
        if fresh != text:
            stale.append(name)
            if argv[0] == "--write":
                path.write_text(fresh, encoding="utf-8")
    verb = "rewrote" if argv[0] == "--write" else "out of date"
    for name in stale:
        print(f"{verb}: {name}")
    return 1 if stale and argv[0] == "--check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
