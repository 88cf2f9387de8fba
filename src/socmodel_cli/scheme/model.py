"""The coding-scheme format as pydantic models (documented in docs/scheme-format.md).

Structure and types live here; rules that relate several fields (duplicate ids,
values a categorical code needs, ...) live in :mod:`socmodel_cli.scheme.rules` so each
can be reported at the exact place it concerns.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
CATEGORICAL: frozenset[str] = frozenset({"nominal", "ordinal"})

# Cells meaning "not coded" when a scheme does not say.
DEFAULT_MISSING: tuple[str, ...] = ("", "NA", "N/A", "n/a", "na", ".")

# Version numbers have at most 18 digits (npm's semver caps them too): exact as Python ints,
# and never a 5,000-digit string for int() to refuse.
SEMVER = (
    r"^(0|[1-9]\d{0,17})\.(0|[1-9]\d{0,17})\.(0|[1-9]\d{0,17})"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
SCHEME_ID = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
CODE_ID = r"^[a-z][a-z0-9_]*$"
COLUMN = r"^[A-Za-z_][A-Za-z0-9_. -]*$"

EXACT_INT = 2**53  # the largest whole numbers a float (how values are compared) holds exactly
Text = Annotated[str, Field(min_length=1)]


def label_from_id(code_id: str) -> str:
    """``incongruent_principles`` -> ``Incongruent principles``."""
    words = code_id.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def number_text(v: int | float) -> str:
    """A YAML number as the text a cell would hold: 99 -> '99', -9.0 -> '-9.0'."""
    return str(v) if isinstance(v, int) else repr(v)


ValueLiteral = StrictInt | StrictFloat | StrictStr


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeValue(_Model):
    """One declared value of a code, with an optional label for people."""

    value: ValueLiteral = Field(description="The value as it appears in coder files.")
    label: str | None = Field(None, description="Short label shown in tables and templates.")
    description: str | None = Field(None, description="What the value means, for the codebook.")

    @field_validator("value")
    @classmethod
    def _finite(cls, v: int | float | str) -> int | float | str:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("a value must be a finite number or text")
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > EXACT_INT:
            raise ValueError(
                f"a whole-number value must be at most {EXACT_INT:,} in size (beyond it, "
                "numbers cannot be told apart exactly); quote it to make it text"
            )
        if isinstance(v, str) and not v.strip():
            raise ValueError("a value must not be empty text (empty cells mean 'not coded')")
        # Text compares in one Unicode normal form (NFC), so macOS's NFD still matches.
        return unicodedata.normalize("NFC", v.strip()) if isinstance(v, str) else v


class Range(_Model):
    """Bounds for a numeric code (inclusive)."""

    min: StrictInt | StrictFloat | None = None
    max: StrictInt | StrictFloat | None = None

    @field_validator("min", "max")
    @classmethod
    def _representable(cls, v: int | float | None) -> int | float | None:
        if isinstance(v, int) and abs(v) > sys.float_info.max:
            raise ValueError("a bound must be a number below about 1.8e308")
        return v


class Provenance(_Model):
    """Where a code comes from: the source paper, adapted from it, or designed here."""

    basis: Literal["paper", "adapted", "inferred"]
    note: str | None = None


class Code(_Model):
    """One code of the scheme: what coders rate for every unit."""

    id: Annotated[str, Field(pattern=CODE_ID, description="Column / code name in coder files.")]
    label: Text = Field(
        description="Name shown to people; derived from the id when left out "
        "(incongruent_principles -> 'Incongruent principles')."
    )
    level: Level = Field(description="Level of measurement: nominal, ordinal, interval or ratio.")
    values: list[CodeValue] | None = Field(
        None, description="Allowed values; required for nominal and ordinal codes; order = rank."
    )
    range: Range | None = None
    integer: bool = Field(False, description="Numeric values must be whole numbers.")
    unit_keys: list[str] | None = Field(
        None,
        description="The key columns identifying this code's unit when it is rated once per "
        "coarser unit (e.g. [session]); a subset of the scheme's unit keys.",
    )
    min_alpha: Annotated[float, Field(ge=0, le=1)] | None = None
    min_units: Annotated[int, Field(ge=0)] | None = Field(
        None,
        description="Pairable units this code needs before it can pass (overrides "
        "reliability.min_units and Krippendorff's sample-size rule).",
    )
    decide_by: str | None = Field(
        None,
        description="The coefficient whose value decides the code's status (a key such as "
        "alpha, icc_a1, ac2); default: reliability.decide_by (alpha).",
    )
    threshold: Annotated[float, Field(ge=-1, le=1)] | None = Field(
        None,
        description="The value the deciding coefficient must reach (default: min_alpha, "
        "else reliability.min_alpha).",
    )
    weights: (
        Literal[
            "identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"
        ]
        | list[list[StrictInt | StrictFloat]]
        | None
    ) = Field(
        None,
        description="Agreement weights of the weighted coefficients (AC2, weighted Fleiss, "
        "Brennan-Prediger, Scott, Conger): a family, or a k x k matrix over the declared "
        "values; default quadratic.",
    )
    icc: bool | None = Field(
        None,
        description="Report the intraclass correlation (default: for interval and ratio codes; "
        "set true for an ordinal rating scale).",
    )
    tolerance: Annotated[float, Field(ge=0)] | None = Field(
        None,
        description="Ratings within this distance count as agreeing for `agreement_within` "
        "(default: one scale step of the declared values, e.g. adjacent agreement on a 1-7 "
        "rating).",
    )
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    provenance: Provenance | None = None
    qdc_guid: (
        Annotated[
            str,
            Field(
                pattern=r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
            ),
        ]
        | None
    ) = Field(
        None,
        description="The code's guid in REFI-QDA codebooks (.qdc), kept so that re-exports "
        "match what a QDA program already knows; derived from the scheme and code ids if unset.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_label(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("label") is None and isinstance(data.get("id"), str):
            return {**data, "label": label_from_id(data["id"])}
        return data

    @field_validator("values", mode="before")
    @classmethod
    def _plain_values(cls, v: Any) -> Any:
        # `values: [0, 1, 2]` is shorthand for `[{value: 0}, {value: 1}, {value: 2}]`.
        if isinstance(v, list):
            return [{"value": item} if not isinstance(item, dict) else item for item in v]
        return v

    @property
    def categorical(self) -> bool:
        return self.level in CATEGORICAL

    @property
    def ordered(self) -> bool:
        return self.level != "nominal"

    @property
    def numeric(self) -> bool:
        """Cells compare as numbers: interval/ratio codes, or every declared value a number."""
        if not self.categorical:
            return True
        return bool(self.values) and all(not isinstance(v.value, str) for v in self.values or ())

    @property
    def declared(self) -> tuple[int | float | str, ...]:
        return tuple(v.value for v in self.values or ())


KeyNormalisation = Literal["case", "leading-zeros", "number"]


class Unit(_Model):
    name: Text = Field(description="What one coded unit is, e.g. 'segment'.")
    keys: Annotated[list[Annotated[str, Field(pattern=COLUMN)]], Field(min_length=1)] = Field(
        description="The column(s) that together identify one unit."
    )
    description: str | None = None
    normalize: list[KeyNormalisation] = Field(
        default_factory=list,
        description="How unit keys from different files are made to match: case (T01 = t01), "
        "leading-zeros (001 = 1), number (3.0 = 3). Surrounding spaces and Unicode normal form "
        "(NFC) are always normalised; nothing else is merged unless listed here.",
    )


class Reliability(_Model):
    min_alpha: Annotated[float, Field(ge=0, le=1)] = Field(
        0.667, description="Alpha a code must reach (Krippendorff: .667 tentative, .800 firm)."
    )
    min_units: Annotated[int, Field(ge=0)] | None = Field(
        None,
        description="Pairable units every code needs before it can pass; default: "
        "Krippendorff's sample-size rule (after Bloch & Kraemer 1989) for the code's threshold.",
    )
    decide_by: str = Field(
        "alpha", description="The coefficient that decides every code's status by default."
    )


class RenamedCode(_Model):
    # `from` is a Python keyword, hence the alias.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    old: Annotated[str, Field(alias="from")]
    to: str


class Recode(_Model):
    code: str
    map: dict[str, ValueLiteral]


class Migration(_Model):
    """How exports coded under an earlier major version are brought to this one."""

    from_version: Annotated[str, Field(pattern=r"^(0|[1-9]\d{0,17})(\.\d{1,18}){0,2}$")] = Field(
        description="The major version (e.g. '1' or '1.x') this migration starts from."
    )
    rename: list[RenamedCode] = Field(default_factory=list)
    recode: list[Recode] = Field(default_factory=list)
    drop: list[str] = Field(default_factory=list)
    note: str | None = None


class Scheme(_Model):
    """A versioned coding scheme."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="socmodel coding scheme")

    id: Annotated[str, Field(pattern=SCHEME_ID, description="Slug naming the scheme.")]
    version: Annotated[str, Field(pattern=SEMVER, description="Semantic version, e.g. 1.0.0.")]
    title: Text
    description: str | None = None
    references: list[str] = Field(default_factory=list)
    unit: Unit
    missing: list[str] = Field(
        default_factory=lambda: list(DEFAULT_MISSING),
        description="Cell values meaning 'not coded' (compared after trimming spaces); a "
        "number (e.g. -9) also matches the same number written otherwise (-9.0).",
    )
    codes: Annotated[list[Code], Field(min_length=1)]
    ignore_columns: list[str] = Field(
        default_factory=list,
        description="Columns coder files may carry that are not codes (e.g. Notes, Comments); "
        "they are skipped without a problem. Compared without case.",
    )
    reliability: Reliability = Field(default_factory=Reliability)
    migrations: list[Migration] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        # YAML reads `version: 1.0` as a float; say so rather than "not a string".
        if isinstance(v, int | float) and not isinstance(v, bool):
            raise ValueError(
                f"version {v!r} was read as a number; write a semantic version such as 1.0.0"
            )
        return v

    @field_validator("missing", mode="before")
    @classmethod
    def _missing_text(cls, v: Any) -> Any:
        # `missing: [NA, -9]`: an unquoted number means its text.
        if isinstance(v, list):
            return [number_text(m) if _is_number(m) else m for m in v]
        return v

    @cached_property
    def code_map(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}

    @property
    def missing_set(self) -> frozenset[str]:
        return frozenset(unicodedata.normalize("NFC", m.strip()) for m in self.missing)

    def threshold(self, code: Code) -> float:
        """What the deciding coefficient must reach."""
        if code.threshold is not None:
            return code.threshold
        return code.min_alpha if code.min_alpha is not None else self.reliability.min_alpha

    def decider(self, code: Code) -> str:
        """The key of the coefficient that decides ``code``'s status."""
        return code.decide_by or self.reliability.decide_by

    def code_keys(self, code: Code) -> tuple[str, ...]:
        return tuple(code.unit_keys) if code.unit_keys else tuple(self.unit.keys)

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])
