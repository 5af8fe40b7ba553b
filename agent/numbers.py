"""Numbers written in words, rewritten as digits before quantities are compared.

"forty-five days" -> "45 days", "a dozen" -> "12", "half a dozen" -> "6",
"a hundred" -> "100", "the fourteenth" -> "the 14th". Single number words
("thirty days", "one of our") are left alone: :mod:`agent.claims` already reads
them with a unit and ignores them without one. "first" to "third" stay words:
"your first order" and "a second pair" are not claims about a number.
"""

from __future__ import annotations

import re

_UNITS = "one two three four five six seven eight nine".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_CARDINAL = {w: i + 1 for i, w in enumerate(_UNITS)}
_CARDINAL |= {w: 10 + i for i, w in enumerate(_TEENS)}
_CARDINAL |= {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_ORDINAL = {
    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "ninetieth": 90,
    "first": 1, "second": 2, "third": 3,
}  # fmt: skip
_ORD_UNIT = "|".join(sorted(_ORDINAL, key=len, reverse=True))
_COMPOUND = re.compile(
    r"\b(?P<tens>" + "|".join(_TENS) + r")[\s-](?:(?P<unit>" + "|".join(_UNITS) + r")\b"
    r"|(?P<ord>" + _ORD_UNIT + r")\b)",
    re.IGNORECASE,
)
_ORDINAL_WORD = re.compile(
    r"\b(?P<w>" + "|".join(w for w in _ORDINAL if _ORDINAL[w] > 3) + r")\b", re.IGNORECASE
)
_DOZEN = re.compile(r"\b(?:(?P<half>half\s+a)|(?P<n>a|one|two|three))?\s*dozen\b", re.IGNORECASE)
_HUNDRED = re.compile(
    r"\b(?P<n>a|one|two|three|four|five|six|seven|eight|nine)\s+hundred\b", re.IGNORECASE
)


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _compound(m: re.Match[str]) -> str:
    tens = _CARDINAL[m["tens"].lower()]
    if m["ord"]:
        n = tens + _ORDINAL[m["ord"].lower()]
        return f"{n}{_suffix(n)}"
    return str(tens + _CARDINAL[m["unit"].lower()])


def _dozen(m: re.Match[str]) -> str:
    if m["half"]:
        return "6"
    n = (m["n"] or "a").lower()
    return str(12 * (1 if n in ("a", "one") else _CARDINAL[n]))


def _hundred(m: re.Match[str]) -> str:
    n = m["n"].lower()
    return str(100 * (1 if n in ("a", "one") else _CARDINAL[n]))


def _ordinal(m: re.Match[str]) -> str:
    n = _ORDINAL[m["w"].lower()]
    return f"{n}{_suffix(n)}"


def normalise_numbers(text: str) -> str:
    """``text`` with compound, dozen, hundred and ordinal number words as digits."""
    text = _COMPOUND.sub(_compound, text)
    text = _DOZEN.sub(_dozen, text)
    text = _HUNDRED.sub(_hundred, text)
    return _ORDINAL_WORD.sub(_ordinal, text)
