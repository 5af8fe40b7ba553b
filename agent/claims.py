"""Pieces of text the grounding gate compares: sentences, content words, quantities.

A quantity is a (value, unit) pair: "$75" -> (75, "money"), "30-day" ->
(30, "day"), "15%" -> (15, "%"), "5–7 business days" -> (5, "day") and
(7, "day"), "thirty days" -> (30, "day"). The gate requires every quantity a
draft states to appear, with the same unit, in a chunk the sentence cites.
"""

from __future__ import annotations

import re
from functools import cache

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9¿¡])|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:'(?!s\b)[a-z]+)?")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "thirteen": 13, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# longest first, whole words only: "sixty" is not "six", "fourteen" is not "four"
_WORDS_ALT = r"\b(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b"
_UNITS = {
    "%": "%", "percent": "%", "per cent": "%",
    "day": "day", "days": "day", "business day": "day", "business days": "day",
    "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year", "hour": "hour", "hours": "hour", "hr": "hour",
    "hrs": "hour", "h": "hour", "minute": "minute", "minutes": "minute", "min": "minute",
    "mins": "minute",
}  # fmt: skip
_MONEY_WORDS = frozenset(
    "dollar dollars buck bucks euro euros pound pounds usd eur gbp cad".split()
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>" + _NUM + r"|" + _WORDS_ALT + r")"
    r"(?:\s?(?:–|-|to)\s?(?P<num2>" + _NUM + r"))?"
    r"(?:[\s-]?(?P<unit>%|per ?cent|business days?|days?|weeks?|months?|years?|hours?|hrs?|h|minutes?|mins?|dollars?|bucks|euros?|pounds?|usd|eur|gbp|cad)\b|%)?",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing don't down during each few for from
    further get got had has have having he her here hers him his how i i'd i'm i've if in into
    is it it's its just let me more most my myself no nor not now of off on once only or other
    our out over own please same she should so some such than thank thanks that that's the
    their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours hi hello hey ok
    okay yes
""".split()
)


def sentences(text: str) -> list[str]:
    """Split prose into sentences (keeps list items and lines apart)."""
    parts = (p.strip(" \t-*•") for p in _SENTENCE_END.split(text))
    return [p for p in parts if len(p) > 1]


@cache
def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> set[str]:
    """Lower-cased, lightly stemmed words that carry meaning (no stopwords)."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def _value(raw: str) -> float:
    raw = raw.lower()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw.replace(",", ""))


def quantities(text: str) -> set[tuple[float, str]]:
    """Every (value, unit) the text states; unit '' for a bare number."""
    found: set[tuple[float, str]] = set()
    for m in _QUANTITY.finditer(text):
        raw_unit = (m.group("unit") or ("%" if m.group(0).rstrip().endswith("%") else "")).lower()
        unit = (
            "money"
            if m.group("cur") or raw_unit in _MONEY_WORDS
            else _UNITS.get(raw_unit, raw_unit)
        )
        word = m.group("num").lower()
        if word in _NUMBER_WORDS and not unit:
            continue  # "one of our", "two colours": bare number words are not claims
        found.add((_value(m.group("num")), unit))
        if m.group("num2"):
            found.add((_value(m.group("num2")), unit))
    return found


def unsupported_quantities(sentence: str, sources: list[str]) -> list[tuple[float, str]]:
    """Quantities in ``sentence`` that no source states (same value; same unit when given)."""
    available = set().union(*(quantities(s) for s in sources)) if sources else set()
    values = {v for v, _ in available}
    missing = []
    for value, unit in sorted(quantities(sentence)):
        ok = (value, unit) in available if unit else value in values
        if not ok:
            missing.append((value, unit))
    return missing
