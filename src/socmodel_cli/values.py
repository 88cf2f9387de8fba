"""Reading one cell as a value of one code.

Numeric codes compare numerically (``2``, ``2.0`` and `` 2 `` are the value 2); text
values compare exactly after trimming. Categorical codes are stored as the index of the
declared value (its rank, for ordinal codes); interval and ratio codes as the number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from socmodel_cli.scheme.model import Code

# ASCII digits only: Python's float() would also take '１' (full-width) or '1_000', a silent guess.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)
_CACHE_LIMIT = 65536


@dataclass(frozen=True, slots=True)
class CellError:
    kind: str
    message: str


def parse_number(text: str) -> float | CellError:
    if not _NUMBER.fullmatch(text):
        if _DECIMAL_COMMA.fullmatch(text):
            return CellError(
                "not-a-number",
                f"{_shown(text)} uses a decimal comma; expected a number with a decimal point (e.g. "
                f"{text.replace(',', '.')}), or pass --decimal-comma",
            )
        if any(ch.isdigit() for ch in text) and not text.isascii():
            return CellError(
                "not-a-number", f"{_shown(text)} contains non-ASCII digits; expected a plain number"
            )
        return CellError("not-a-number", f"{_shown(text)} is text where a number is required")
    number = float(text)
    if not math.isfinite(number):
        return CellError("not-finite", f"{_shown(text)} is too large to be a finite number")
    return number + 0.0  # normalises -0.0 to 0.0


class CodeReader:
    """Turns raw cells into stored values for one code, caching repeated cells."""

    def __init__(
        self,
        code: Code,
        missing: frozenset[str],
        hints: dict[str, str] | None = None,
        *,
        decimal_comma: bool = False,
    ) -> None:
        self.code = code
        self.decimal_comma = decimal_comma  # "2,5" is 2.5 (European Excel, `;` files)
        self.missing = missing
        self.hints = hints or {}  # value text -> why it is unknown (a migration recoded it)
        # A numeric missing token (-9) also matches the number written otherwise (-9.0).
        self._missing_numbers = frozenset(
            n for n in (parse_number(m) for m in missing) if isinstance(n, float)
        )
        # raw cell -> result; read directly by the validation loop on its hot path
        self.cache: dict[str, float | CellError | None] = {}
        self._by_number: dict[float, int] = {}
        self._by_text: dict[str, int] = {}
        for i, v in enumerate(code.values or ()):
            if isinstance(v.value, str):
                self._by_text[v.value] = i
            else:
                self._by_number[float(v.value)] = i
        self._index = code.categorical

    def read(self, raw: str) -> float | CellError | None:
        """The stored value, ``None`` for "not coded", or a :class:`CellError`."""
        hit = self.cache.get(raw, self)
        if hit is not self:
            return hit  # type: ignore[return-value]
        result = self._read(raw.strip())
        if isinstance(result, CellError) and self.hints:
            hint = self.hints.get(raw.strip())
            if hint:
                result = CellError(result.kind, result.message + hint)
        if len(self.cache) < _CACHE_LIMIT:
            self.cache[raw] = result
        return result

    def _read(self, text: str) -> float | CellError | None:
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        if self.decimal_comma and _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        if text in self.missing:
            return None
        if self._missing_numbers:
            as_number = parse_number(text)
            if isinstance(as_number, float) and as_number in self._missing_numbers:
                return None
        code = self.code
        if text in self._by_text:
            return float(self._by_text[text])
        if not code.numeric and not self._by_number:
            return CellError(
                "unknown-value",
                f"{_shown(text)} is not a value of {code.id}"
                f"{invisible_difference(text, code.declared)}; expected {_allowed(code)}",
            )
        number = parse_number(text)
        if isinstance(number, CellError):
            if self._by_text or code.values:
                return CellError(
                    "unknown-value",
                    f"{_shown(text)} is not a value of {code.id}"
                    f"{invisible_difference(text, code.declared)}; expected {_allowed(code)}",
                )
            return number
        if self._by_number or self._by_text:
            index = self._by_number.get(number)
            if index is None:
                return CellError(
                    "unknown-value",
                    f"{_shown(text, quote=False)} is not a value of {code.id}; expected {_allowed(code)}",
                )
            return float(index) if self._index else number
        if code.integer and not number.is_integer():
            return CellError(
                "not-integer",
                f"{_shown(text, quote=False)} is not a whole number; {code.id} takes integers",
            )
        rng = code.range
        if rng is not None and (
            (rng.min is not None and number < rng.min) or (rng.max is not None and number > rng.max)
        ):
            return CellError(
                "out-of-range",
                f"{_shown(text, quote=False)} is outside {code.id}'s range {_range(code)}",
            )
        if code.level == "ratio" and number < 0:
            return CellError(
                "out-of-range",
                f"{_shown(text, quote=False)} is negative; {code.id} is a ratio code (values >= 0)",
            )
        return number


_INVISIBLE = {"\u00a0": " ", "\u2007": " ", "\u202f": " "}


def _visible(text: str) -> str:
    """``text`` without what a person cannot see: format characters, odd spaces, width forms."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(_INVISIBLE.get(ch, ch) for ch in folded)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").strip()


def code_points(text: str) -> str:
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


def invisible_difference(text: str, candidates: tuple[object, ...]) -> str:
    """A note when ``text`` differs from a candidate only invisibly, showing both code points."""
    seen = _visible(text)
    for c in candidates:
        if isinstance(c, str) and c != text and _visible(c) == seen:
            return (
                f" (it looks like {c!r} but differs invisibly: the cell is {code_points(text)}, "
                f"the value is {code_points(c)})"
            )
    return ""


def _shown(text: str, *, quote: bool = True) -> str:
    """A cell as a message shows it: quoted (``repr``), and cut short when it is long."""
    if len(text) > 60:
        text = f"{text[:40]}… ({len(text):,} characters)"
    return repr(text) if quote else text


def _range(code: Code) -> str:
    rng = code.range
    lo = "" if rng is None or rng.min is None else f"{rng.min} <= "
    hi = "" if rng is None or rng.max is None else f" <= {rng.max}"
    return f"{lo}x{hi}"


def _allowed(code: Code) -> str:
    shown = [str(v) for v in code.declared[:12]]
    more = ", ..." if len(code.declared) > 12 else ""
    return "one of " + ", ".join(shown) + more


def display(code: Code, stored: float) -> str:
    """The stored value as people wrote it: the declared value for categorical codes."""
    if code.categorical:
        return str(code.declared[int(stored)])
    return str(int(stored)) if stored.is_integer() else repr(stored)
