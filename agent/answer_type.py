"""What kind of answer a question needs, so a quote that cannot be one is not sent.

The offline backend quotes sentences; a sentence can be on topic without
answering. Three question shapes are checked because a wrong answer to them
is easy to spot and costly: a price question needs an amount ("How much is
the Loft Fleece?" is not answered by "Oversized cut with dropped shoulders."),
a when-back-in-stock question needs a word about stock, a purchase question a
price or a word about selling, a pick-up question a word about collection, and
an availability question
("do you sell replacement carafes?") needs a sentence that names the thing.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from agent.answerability import YES_NO
from agent.claims import STOPWORDS, content_words, quantities

SYNONYM_FILE = Path(__file__).with_name("synonyms.toml")

_PRICE = re.compile(
    r"\b(how much (?:is|are|does|do|for|would)|what(?:'s| is| are| do| does) (?:the )?(?:price|cost)|price of|cost of|what do .{1,40} cost|how much .{1,40} cost)\b",
    re.I,
)
_WHEN_STOCK = re.compile(
    r"\b(when|how soon)\b.{0,60}\b(back in stock|restock|in stock again|available again|come back|be back|restocked)\b",
    re.I,
)
_AVAILABLE = re.compile(
    r"\b(?:do you|does northwind|do u|can you) (?:sell|offer|have|carry|stock|make|do)\b(?P<a>.*)"
    r"|\b(?:can|could|may) (?:i|we) (?:buy|purchase|order|get)\b(?P<b>.*)"
    r"|(?<!how )\b(?:do|will|would) (?:i|we) get\b(?P<c>.*)"
    r"|\b(?:is it|it's|its) possible to (?:buy|purchase|order|get)\b(?P<d>.*)",
    re.I,
)
_PURCHASE = re.compile(
    r"\b(?:buy|purchase|sell|order (?:a|an|just|one|some|extra|spare|replacement))\b", re.I
)
_SOLD = re.compile(
    r"\b(?:sell|sells|sold|buy|purchase|available|in stock|add(?:ed)? to (?:your|the) (?:cart|basket))\b",
    re.I,
)
_PICKUP = re.compile(
    r"\b(?:pick (?:it |them |my order )?up|pickup|collect(?:ion)?|click and collect|in[- ]store)\b",
    re.I,
)
_STOCK = re.compile(r"\b(?:restock\w*|back in stock|in stock|backorder\w*|available)\b", re.I)
_GENERIC = frozenset(
    "just only also any some one ones way option options available buy purchase get order thing things"
    " back out off away".split()
)
"""Words that name no thing on offer: "get the difference back" asks for the difference."""
_CONDITION = re.compile(r"\b(?:if|when|once|after|before|because|since|unless)\b[^?.!;]*", re.I)
"""A clause that sets a condition ("... if I then buy a bike"): not what is asked."""
_PRICE_WORD = re.compile(r"\b(?:price|cost|fee|fees)[- ]+(?P<next>[a-z]+)", re.I)
_NOT_HEADED = frozenset("involved apply applies charged extra more anything much".split())
"""Words after a price word that leave it the thing asked about ("does it cost extra?")."""


@cache
def _synonyms() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(phrase -> word, word -> the KB's words for it) from :data:`SYNONYM_FILE`."""
    data = tomllib.loads(SYNONYM_FILE.read_text(encoding="utf-8"))
    phrases = {k.lower(): v.lower() for k, v in data.get("phrases", {}).items()}
    words: dict[str, tuple[str, ...]] = {}
    for key, alts in data.get("words", {}).items():
        for stemmed in content_words(key) or {key.lower()}:
            words[stemmed] = tuple(a.lower() for a in alts)
    return phrases, words


def synonyms_of(word: str) -> tuple[str, ...]:
    """What a help centre may call the shopper's ``word`` ("discount" -> "save", "savings")."""
    table = _synonyms()[1]
    return next((table[w] for w in content_words(word) if w in table), ())


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase of the table as a pattern; ``*`` stands for one word ("send * back")."""
    parts = [r"[\w'’-]+" if p == "*" else re.escape(p) for p in phrase.split()]
    return re.compile(rf"\b{' '.join(parts)}\b", re.I)


def phrases_in(text: str) -> list[tuple[str, str]]:
    """The (shopper's phrase, KB word) pairs of the synonym table that ``text`` uses
    ("send it back" -> "return")."""
    return [
        (phrase, word)
        for phrase, word in _synonyms()[0].items()
        if re.search(_phrase_pattern(phrase), text)
    ]


def _phrased(text: str) -> str:
    """``text`` with a shopper's several-word phrase as the one word a KB uses for it
    ("my money back" -> "my refund")."""
    phrases, _ = _synonyms()
    for phrase, word in phrases.items():
        text = re.sub(_phrase_pattern(phrase), word, text)
    return text


def mentioned(word: str, said: set[str], text: str = "") -> bool:
    """Whether the quote (its content words ``said``, its ``text``) names ``word`` or what a
    help centre calls it ("discount" -> "saves 5%", "ship" -> "dispatch")."""
    if _mentions(word, said):
        return True
    for alt in _synonyms()[1].get(word, ()):
        if not alt[0].isalpha():
            if alt in text:
                return True
        elif any(_mentions(w, said) for w in content_words(alt) or {alt}):
            return True
    return False


def names_asked(question: str, text: str) -> bool | None:
    """Whether ``text`` names every thing an availability question asks about ("do you sell
    replacement carafes?", "do I get the autoship discount?"); None when none is asked."""
    wanted = _object_words(question)
    if not wanted:
        return None
    words = content_words(text)
    return all(mentioned(w, words, text) for w in wanted)


def _object_words(question: str) -> set[str]:
    question = _phrased(question)
    m = _AVAILABLE.search(question)
    if not m:
        return set()
    rest = next(g for g in m.groups() if g is not None)
    # the thing asked for ends at the first preposition: "replacement carafes | for the set"
    rest = re.split(
        r"[?.!,;]| (?:if|because|since|so|for|of|with|in|on|from|to|at|before|when)\b",
        rest,
        maxsplit=1,
    )[0]
    return {
        w
        for w in content_words(rest)
        if w not in STOPWORDS and w not in _GENERIC and not w.isdigit()
    }


def _mentions(word: str, said: set[str]) -> bool:
    """``word`` or a word built on it ("charge" in "surcharge", "shipp" for "ship")."""
    return word in said or any(
        min(len(word), len(s)) >= 4 and (word in s or s in word) for s in said
    )


def unmet(question: str, quoted: list[str]) -> str | None:
    """Why the quoted sentences cannot answer ``question``, or None if they may."""
    found = unmet_check(question, quoted)
    return found[1] if found else None


def unmet_check(question: str, quoted: list[str]) -> tuple[str, str] | None:
    """(check, why) when the quoted sentences cannot answer ``question``: ``answer_type``
    when they state no answer of the kind asked for (a price, a duration, a size),
    ``attribute`` when they do not mention the thing asked about; None if they may."""
    found = _unmet(question, quoted)
    if found:
        return ("attribute" if found.startswith("asked whether") else "answer_type"), found
    said = " ".join(quoted)
    kind = expected(question)
    if kind in ("duration", "measure") and not gives(said, kind):
        return "answer_type", f"a {kind} was asked and the quote states none"
    return None


_FREE = re.compile(r"\b(?:free|no charge|at no cost)\b", re.I)


def _free(question: str, quoted: list[str]) -> bool:
    """A quote that says the very thing asked about costs nothing ("do I pay the label fee
    for an exchange?" and "Exchange labels are free"): a sentence saying "free" that names
    what the question names, not just any free thing ("Free returns" for a jacket's price)."""
    asked = content_words(question) - _PRICE_WORDS
    return any(_FREE.search(q) and asked & content_words(q) for q in quoted)


_PRICE_WORDS = frozenset(content_words("price cost costs fee fees charge pay much free"))


def _unmet(question: str, quoted: list[str]) -> str | None:
    said = " ".join(quoted)
    if (
        expected(question) == "money"
        and not any(u == "money" for _, u in quantities(said))
        and not _free(question, quoted)
    ):
        return "a price was asked and the quote states none"
    if _WHEN_STOCK.search(question) and not _STOCK.search(said):
        return "a restock time was asked and the quote says nothing about stock"
    if _PICKUP.search(question) and not _PICKUP.search(said):
        return "collection in person was asked about and the quote does not mention it"
    money = any(u == "money" for _, u in quantities(said))
    if _PURCHASE.search(_CONDITION.sub(" ", question)) and not (_SOLD.search(said) or money):
        return "a purchase was asked about and the quote neither prices nor sells it"
    wanted = _object_words(question)
    words = content_words(said)
    missing = {w for w in wanted if not mentioned(w, words, said)}
    if wanted and missing:
        return (
            f"asked whether we offer {', '.join(sorted(missing))}, which the quote does not mention"
        )
    return None


_EXPECT = (
    ("measure", re.compile(r"\bhow (?:heavy|big|tall|wide|large|much does .{1,30} weigh)\b"
                           r"|\b(?:weigh|weight|dimensions?|measurements)\b", re.I)),
    ("money", _PRICE),
    ("money", re.compile(r"\b(?:price|cost|costs|fee|fees|charge for|surcharge)\b", re.I)),
    (
        "duration",
        re.compile(
            r"\bhow (?:long|many (?:days|weeks|months|years|hours))\b"
            r"|\b(?:how soon|how quickly|how fast)\b|\bwithin how\b",
            re.I,
        ),
    ),
    ("time", re.compile(r"\b(?:what time|which days?|what days?|what hours|when (?:are|is) "
                        r"(?:you|the \w+) open|opening hours|business hours|(?:are|is) (?:you|"
                        r"your \w+|the \w+|\w+ support) (?:open|closed)(?! to\b)|(?:open|closed|close) "
                        r"(?:on|at|over) (?:the )?(?:weekends?|holidays?|(?:mon|tues|wednes|thurs|"
                        r"fri|satur|sun)days?))\b", re.I)),
)  # fmt: skip
_MEASURE = re.compile(
    r"\d\s?(?:lb|lbs|pounds?|oz|ounces?|kg|g|grams?|ml|l|litres?|liters?|gallons?|gal|in|inch(?:es)?|cm|mm|ft|feet|\")(?![a-z])",
    re.I,
)
_TIME = re.compile(
    r"\b(?:\d{1,2}(?::\d{2})?\s?(?:am|pm)|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|weekdays?|weekends?|business days?|noon|midnight)\b",
    re.I,
)
_DURATION_UNITS = frozenset("day week month year hour minute".split())


def expected(question: str) -> str | None:
    """The kind of answer ``question`` needs: money, duration, measure, time, or None.

    A yes/no question asks for an amount only when a price word is what it asks about
    ("is there a fee for exchanges?"), not when it names a policy ("do you price match
    e-bikes?", "is the delivery fee refundable?"): the answer to those is yes or no."""
    if YES_NO.search(question):
        question = _PRICE_WORD.sub(_unheaded, question)
    for kind, pattern in _EXPECT:
        if pattern.search(question):
            return kind
    return None


def _unheaded(m: re.Match[str]) -> str:
    """A price word that qualifies the word after it, dropped; one that heads its phrase kept."""
    following = m["next"].lower()
    if following in STOPWORDS or following in _NOT_HEADED or len(following) < 3:
        return m[0]
    return m["next"]


def gives(text: str, kind: str) -> bool:
    """Whether ``text`` states an answer of that kind."""
    if kind == "money":
        return any(u == "money" for _, u in quantities(text)) or "free" in text.lower()
    if kind == "duration":
        return any(u in _DURATION_UNITS for _, u in quantities(text)) or bool(_TIME.search(text))
    if kind == "measure":
        return bool(_MEASURE.search(text))
    if kind == "time":
        return bool(_TIME.search(text))
    return True
