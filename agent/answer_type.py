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

from agent.claims import STOPWORDS, content_words, quantities

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
    r"|\b(?:do|will|would) (?:i|we) get\b(?P<c>.*)"
    r"|\b(?:is it|it's|its) possible to (?:buy|purchase|order|get)\b(?P<d>.*)"
    r"|\b(?:is there|are there)\b(?P<e>.*)",
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
    "just only also any some one ones way option options available buy purchase get order thing things".split()
)


def _object_words(question: str) -> set[str]:
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


def unmet(question: str, quoted: list[str]) -> str | None:
    """Why the quoted sentences cannot answer ``question``, or None if they may."""
    said = " ".join(quoted)
    if _PRICE.search(question) and not any(u == "money" for _, u in quantities(said)):
        return "a price was asked and the quote states none"
    if _WHEN_STOCK.search(question) and not _STOCK.search(said):
        return "a restock time was asked and the quote says nothing about stock"
    if _PICKUP.search(question) and not _PICKUP.search(said):
        return "collection in person was asked about and the quote does not mention it"
    money = any(u == "money" for _, u in quantities(said))
    if _PURCHASE.search(question) and not (_SOLD.search(said) or money):
        return "a purchase was asked about and the quote neither prices nor sells it"
    wanted = _object_words(question)
    missing = wanted - content_words(said)
    if wanted and missing:
        return (
            f"asked whether we offer {', '.join(sorted(missing))}, which the quote does not mention"
        )
    return None
