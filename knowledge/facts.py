"""Facts a KB states: quantities with a unit and the words they are said of, and the pairs
of facts that contradict each other (for `escalate kb lint`, knowledge.lint).

Each sentence's quantities with a unit (prices, percentages, durations, weights and sizes)
are facts; a fact's subject is the sentence's content words plus its other quantities
("8 oz" keeps the 8 oz candle apart from the 14 oz one); a sentence too short to name its
subject ("Within 30 days.") borrows its heading's words. Two facts with the same unit and
different values contradict when

- they are in different documents (a page listing its variants' values is not
  contradicting itself);
- one subject holds nearly all of the other's words (:data:`MIN_OVERLAP` of the smaller,
  at least :data:`MIN_SHARED` words): "Items can be returned within 14 days" against "You
  can return unworn items within 30 days of delivery", but not "Express shipping costs
  $14.95" against "Standard shipping costs $5.95";
- the two pages are about the same thing: one page's title is (at least half) named where
  the other fact is said, and they are not two pages of one kind ("Cedar Candle" and
  "Amber Candle" each keep a word the other's fact never says).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.models import Chunk

__all__ = ["Fact", "conflicts", "facts"]

MIN_OVERLAP = 0.8
MIN_SHARED = 2

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip
_UNIT_OF = {
    "%": "%", "percent": "%", "per cent": "%",
    "business day": "business day", "business days": "business day",
    "working day": "business day", "working days": "business day",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "hour": "hour", "hours": "hour",
    "hr": "hour", "hrs": "hour", "minute": "minute", "minutes": "minute", "min": "minute",
    "mins": "minute", "oz": "oz", "fl oz": "fl oz", "lb": "lb", "lbs": "lb", "kg": "kg",
    "g": "g", "ml": "ml", "cm": "cm", "mm": "mm", "inch": "inch", "inches": "inch",
    "ft": "ft", "mah": "mAh", "usd": "USD", "eur": "EUR", "gbp": "GBP",
    "dollar": "$", "dollars": "$", "euro": "€", "euros": "€",
}  # fmt: skip
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNITS = "|".join(sorted((re.escape(u) for u in _UNIT_OF), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?P<cur>[$€£])\s?(?P<money>{_NUM})"
    rf"|\b(?P<num>{_NUM}|{_WORDS})(?:\s?(?:-|–|to)\s?(?P<num2>{_NUM}))?"
    rf"(?:[\s-]?(?P<unit>{_UNITS})\b|(?P<pct>%))",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W_][\w'-]*[^\W_]")
_STOP = frozenset(
    """a about above after again all also an and any are as at be because been before being
    below between both but by can could did do does each few for from had has have here how if
    in into is it its just may might more most must no not of off on once only or other our
    out over own per same should so some such than that the their them then there these they
    this those through to too under until up upon very was we were what when where which
    while who why will with within would you your yours us get gets""".split()
)


@dataclass(frozen=True)
class Fact:
    chunk: Chunk
    sentence: str
    unit: str
    value: tuple[float, ...]
    shown: str
    subject: frozenset[str]
    title: frozenset[str]
    """The document title's words: what the page is about."""
    context: frozenset[str]
    """The subject with the title and heading words."""


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP}


def _number(raw: str) -> float:
    raw = raw.lower()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw.replace(",", ""))


def facts(chunk: Chunk) -> list[Fact]:
    """Each quantity with a unit in the chunk's sentences, with the subject it is said of."""
    out = []
    title = frozenset(_words(chunk.title))
    head = _words(f"{chunk.title} {chunk.heading}")
    for sentence in (s.strip(" \t-*•") for s in _SENTENCE.split(chunk.text)):
        found = list(_QUANTITY.finditer(sentence))
        if not found:
            continue
        rest = _QUANTITY.sub(" ", sentence)
        words = _words(rest)
        if len(words) < MIN_SHARED:  # "Within 30 days." under the heading "Returns"
            words |= head
        for m in found:
            value: tuple[float, ...]
            if m.group("cur"):
                unit, value = m.group("cur"), (_number(m.group("money")),)
            else:
                raw = (m.group("unit") or m.group("pct") or "").lower()
                unit = _UNIT_OF.get(raw, raw)
                value = (_number(m.group("num")),) + (
                    (_number(m.group("num2")),) if m.group("num2") else ()
                )
            others = {f"={o.group(0).strip().lower()}" for o in found if o.start() != m.start()}
            out.append(
                Fact(
                    chunk=chunk,
                    sentence=sentence,
                    unit=unit,
                    value=value,
                    shown=m.group(0).strip(),
                    subject=frozenset(words | others),
                    title=title,
                    context=frozenset(words | others | head),
                )
            )
    return out


def contradict(a: Fact, b: Fact) -> bool:
    if a.unit != b.unit or a.value == b.value or a.chunk.doc_id == b.chunk.doc_id:
        return False
    shared = len(a.subject & b.subject)
    smaller = min(len(a.subject), len(b.subject))
    if shared < MIN_SHARED or shared < MIN_OVERLAP * smaller:
        return False
    # the same words said of two products ("each bottle costs $24") are no contradiction:
    # one page's title must be (half) named where the other fact is said, and two pages of
    # one kind ("Cedar Candle", "Amber Candle") each keep a word the other fact never says
    named = _about(a.title, b.context) or _about(b.title, a.context)
    siblings = bool(a.title & b.title) and bool(a.title - b.context) and bool(b.title - a.context)
    return named and not siblings


def _about(title: frozenset[str], context: frozenset[str]) -> bool:
    return bool(title) and len(title & context) * 2 >= len(title)


def conflicts(chunks: Iterable[Chunk]) -> list[tuple[Fact, Fact]]:
    """Every pair of contradicting facts, once per pair of documents, units and values."""
    every = [f for c in chunks for f in facts(c)]
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, fact in enumerate(every):
        for word in fact.subject:
            index[(fact.unit, word)].append(n)
    found, seen = [], set()
    for n, fact in enumerate(every):
        shared = Counter(m for w in fact.subject for m in index[(fact.unit, w)] if m > n)
        for m, count in sorted(shared.items()):
            if count < MIN_SHARED or not contradict(fact, every[m]):
                continue
            other = every[m]
            key = (fact.chunk.doc_id, other.chunk.doc_id, fact.unit, fact.value, other.value)
            if key not in seen:
                seen.add(key)
                found.append((fact, other))
    return found
