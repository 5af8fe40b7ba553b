"""Does a quoted unit answer *this* question, or a true sentence about something else?

"Once opened, use within 6 months." is verbatim and cited, and wrong for a
question about the vitamin C serum when it sits under the retinal serum's
heading. The checks here compare the question with the unit's own section:

- **variant**: a size the question names ("14 oz", "24 lb") must be the one the
  unit states when the unit states sizes of that kind;
- **entity**: when the question names a sibling section ("Vitamin C Serum" next to
  "Retinal Night Serum", a sibling row of a table, another product's page) and not
  the unit's own, the unit is about the sibling's neighbour, not what was asked;
- **restriction**: a yes/no question answered with a yes while the same section says
  "only", "except" or "not" about the question's subject.

Each check has a name; the grounding gate reports the one that declined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from agent.claim_check import polarity
from agent.claims import STOPWORDS, content_words
from agent.passages import Unit
from knowledge.tokens import cl100k

__all__ = [
    "CHECKS",
    "EVERYDAY_RANK",
    "YES_NO",
    "conflict",
    "everyday",
    "heights",
    "restriction",
    "sizes",
]

CHECKS = ("entity", "variant", "attribute", "restriction", "answer_type", "low_score")
"""The names of the checks that can decline an answer (``Verdict.declined_by``)."""
_UNITS = (
    r"(?P<unit>lbs?|pounds?|oz|ounces?|kg|g|grams?|ml|"
    r"l|litres?|liters?|gallons?|gal|in|inch(?:es)?|cm|mm|ft|packs?|count|ct|pieces?|pcs?)"
    r"(?![a-z])"
)
_SIZE = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s?-?" + _UNITS, re.I)
_RANGE = re.compile(
    r"(?<![\w.])(?P<lo>\d+(?:\.\d+)?)\s?[–-]\s?(?P<num>\d+(?:\.\d+)?)\s?" + _UNITS, re.I
)
"""A range of sizes ("165–180 cm"): the last number carries the unit."""
_KIND = {
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "oz": "oz", "ounce": "oz",
    "ounces": "oz", "kg": "kg", "g": "g", "gram": "g", "grams": "g", "ml": "ml", "l": "l",
    "litre": "l", "liter": "l", "litres": "l", "liters": "l", "gallon": "gal", "gallons": "gal",
    "gal": "gal", "in": "in", "inch": "in", "inches": "in", "cm": "cm", "mm": "mm", "ft": "ft",
    "pack": "pack", "packs": "pack", "count": "count", "ct": "count", "piece": "count",
    "pieces": "count", "pc": "count", "pcs": "count",
}  # fmt: skip
YES_NO = re.compile(
    r"^\s*(?:\w+,\s*)?(?:can|could|do|does|did|is|are|will|would|may|should)\b", re.I
)
EVERYDAY_RANK = 15_000
_CM = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s?cm\b", re.I)
_FEET = re.compile(
    r"(?<!\d)([3-7])\s?(?:'|’|ft|foot|feet)\s?(?:(\d{1,2})\s?(?:\"|”|''|in(?:ches)?\b)?)?", re.I
)
_CM_RANGE = re.compile(r"(\d{2,3})\s?[–-]\s?(\d{2,3})\s?cm\b", re.I)
_INCH_WORDS = re.compile(r"\b\d+\s?in\s+(?:the|a|an|my|your|our|stock|store|person)\b", re.I)


@lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    return frozenset(content_words(text))


def sizes(text: str) -> set[tuple[float, str]]:
    """The sizes a text names: "14 oz" -> (14, "oz"), "24-lb" -> (24, "lb")."""
    text = _INCH_WORDS.sub(" ", text)  # "2 in stock" is not two inches
    return {(float(m["num"]), _KIND[m["unit"].lower()]) for m in _SIZE.finditer(text)}


def everyday(word: str) -> bool:
    """A word so common in English ("across", "weekend") that its absence from the KB means nothing.

    cl100k's byte-pair ranks follow corpus frequency: a word that is one token
    ranked under ``EVERYDAY_RANK`` is everyday; "vegan" (30249) and
    "antarctica" (three tokens) are not.
    """
    tokens = cl100k().encode(" " + word)
    return len(tokens) == 1 and tokens[0] < EVERYDAY_RANK


def heights(text: str) -> set[float]:
    """A shopper's height in centimetres, however given: "178 cm" or "6'1\"" (185.4)."""
    found = {float(m[1]) for m in _CM.finditer(text)}
    for m in _FEET.finditer(text):
        found.add(round(int(m[1]) * 30.48 + int(m[2] or 0) * 2.54, 1))
    return found


def _in_range(value: float, kind: str, text: str) -> bool:
    """Whether ``text`` states a range of that kind holding ``value`` ("165–180 cm" holds 178)."""
    return any(
        _KIND[m["unit"].lower()] == kind and float(m["lo"]) <= value <= float(m["num"])
        for m in _RANGE.finditer(text)
    )


def _fits(height: float, unit: Unit) -> bool:
    """Whether a row states a centimetre range that holds ``height``."""
    return any(float(lo) <= height <= float(hi) for lo, hi in _CM_RANGE.findall(unit.body))


def conflict(question: str, unit: Unit, others: Iterable[Unit]) -> tuple[str, str] | None:
    """(check, why) when ``unit`` is about another variant or entity than the question asks
    about; ``others`` are the units it was retrieved with (its siblings among them)."""
    wanted = sizes(question)
    if wanted:
        stated = sizes(unit.embed_text)
        for value, kind in sorted(wanted):
            same = {v for v, k in stated if k == kind}
            if same and value not in same and not _in_range(value, kind, unit.embed_text):
                shown = ", ".join(f"{v:g} {kind}" for v in sorted(same))
                return "variant", f"asked about {value:g} {kind}; the quote is about {shown}"
    asked = _words(question)
    body = _words(unit.body)
    others = list(others)
    tall = heights(question)
    for other in others:
        if other.kind == "row" and unit.kind == "row" and _measured(tall, other, others):
            continue  # the shopper's height picks a row: the question spans the table's rows
        why = _sibling(asked, body, unit, other)
        if why:
            return "entity", why
    return None


def _measured(tall: set[float], other: Unit, rows: list[Unit]) -> bool:
    """The shopper's height falls in a row of ``other``'s table that is not ``other``."""
    return any(
        row is not other and row.kind == "row" and row.heading == other.heading and _fits(h, row)
        for row in rows
        for h in tall
    )


def _generic(mine: str, theirs: str) -> bool:
    """A section that names no thing of its own ("Between two sizes?") beside one that names
    a product ("Ridgeline 29 Hardtail"): its advice holds for every product of the page."""
    a, b = _plain(mine), _plain(theirs)
    own, other = a - b, b - a
    return bool(own) and all(map(_common, own)) and not all(map(_common, other))


def _common(word: str) -> bool:
    """An everyday word, or an everyday word inflected ("choosing", "tuning")."""
    bases = {word}
    for suffix, back in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) > 2:
            bases.add(word[: -len(suffix)] + back)
    return any(map(everyday, bases))


def _plain(heading: str) -> set[str]:
    """A heading's words as written (a stem such as "choos" is no word of English)."""
    return {w for w in re.findall(r"[a-z]+", heading.lower()) if len(w) > 1 and w not in STOPWORDS}


def _sibling(asked: frozenset[str], body: frozenset[str], unit: Unit, other: Unit) -> str:
    """Why ``other``'s section (or row) is the one asked about rather than ``unit``'s, or ''."""
    rows = unit.kind == "row" and other.kind == "row" and other.heading == unit.heading
    if rows and _points_elsewhere(asked, _words(unit.text), _words(other.text), body):
        return f"the question names another row of the table: {other.text[:60]!r}"
    mine, theirs = unit.heading, other.heading
    for depth in range(min(len(mine), len(theirs))):
        if mine[depth] == theirs[depth]:
            continue
        if mine[:depth] != theirs[:depth]:
            return ""
        a, b = _words(mine[depth]), _words(theirs[depth])
        if depth == 0 and not a & b:
            return ""  # two unrelated pages (shipping, returns), not two of a kind
        if _generic(mine[depth], theirs[depth]):
            return ""  # a guide's general advice, not another product's page or section
        if _points_elsewhere(asked, a, b, body):
            return f"the question is about {theirs[depth]!r}; the quote is from {mine[depth]!r}"
        return ""
    return ""


def _points_elsewhere(
    asked: frozenset[str], mine: frozenset[str], theirs: frozenset[str], body: frozenset[str]
) -> bool:
    """The question uses words only the other side has, none only this side has, and the
    unit's own words do not name the other side either."""
    only_mine, only_theirs = mine - theirs, theirs - mine
    return bool(asked & only_theirs) and not asked & only_mine and not only_theirs & asked & body


def restriction(question: str, quoted: list[Unit], section: Iterable[Unit]) -> str | None:
    """Why a yes/no ``question`` answered by ``quoted`` leaves out a rule of the same section
    that limits it ("only", "except", "not") and speaks to the question, or None."""
    if not YES_NO.search(question) or not quoted:
        return None
    if any(polarity(u.body) for u in quoted):
        return None  # the quote states the rule itself
    asked = _words(question)
    said = set().union(*(_words(u.body) for u in quoted))
    for unit in section:
        if unit in quoted or not polarity(unit.body):
            continue
        shared = asked & _words(unit.body)
        if len(shared - said) >= 1 and len(shared) >= 2:
            return f"the section limits this: {unit.body[:80]!r}"
    return None
