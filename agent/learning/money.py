"""Promises of money, discounts, refunds or exceptions, checked against the knowledge base.

A learned answer that says "customers get 50% off whenever they ask" becomes standing
policy once approved. Each sentence that gives the shopper something of value (a
discount, a percentage or amount off, a refund, credit, a voucher, something free, a
waived fee, an exception) is compared with the KB chunks retrieved for it:

- **open-ended**: the promise has no limit ("whenever they ask", "always", "every
  customer", "no questions asked"): once approved it is standing policy;
- **contradicts**: a KB sentence on the same kind of benefit, sharing a word with
  the promise, says no to it in words,
  the negation within a few words of the benefit ("we don't match prices", "no
  refunds on Final Sale items", "never", "can't be combined") or limits it ("only
  once per order"), or states another amount for the same subject;
- **not stated in the knowledge base**: no KB sentence on the same subject states it
  (with the same amounts). This one asks the curator to confirm a new policy.

Missed: a promise without a benefit word ("we'll sort you out next time"), a
contradiction that needs reasoning across sentences, and a KB negation more than a few
words from its benefit word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.claims import content_words, quantities, sentences
from knowledge.models import ScoredChunk

NOT_STATED = "promise not stated in the knowledge base"
"""The prefix of the one flag that asks the curator to confirm a new policy, nothing more."""

_FAMILIES: dict[str, str] = {
    "price": r"discounts?|\d+\s?%\s*off|%\s*off|\boff\b|price[- ]?match\w*|match\w*\s+(?:\w+\s+)?prices?"
    r"|prices?|coupons?|promo(?:tion)?s?|codes?|vouchers?|markdowns?",
    "refund": r"refund\w*|money\s+back|reimburs\w+|cash\s*back|cashback|compensat\w+|goodwill",
    "credit": r"store\s+credit|credits?|gift\s+cards?|points",
    "free": r"free|no\s+charge|waiv\w+|fees?|charges?|shipping\s+costs?",
    "exception": r"exceptions?|extend\w*|extensions?|overrides?|regardless|whenever|any\s+time",
}
_BENEFIT = {k: re.compile(rf"\b(?:{v})", re.IGNORECASE) for k, v in _FAMILIES.items()}
_GIVES = re.compile(
    r"\b(?:get|gets|give|gives|offer|offers|receive|receives|qualif\w+|entitled|eligible|enjoy|grant"
    r"|honou?r|match|apply|applies|refund\w*|waiv\w+|free|off|back|credit\w*|can\s+have|will\s+have)\b"
    r"|\d\s?%|[$£€]\s?\d",
    re.IGNORECASE,
)
_NO = r"(?:don't|do\s+not|doesn't|does\s+not|can't|cannot|can\s+not|won't|will\s+not|isn't|aren't|never|no|not|only)"
_OPEN_ENDED = re.compile(
    r"\b(?:whenever|any\s*time|always|every\s+(?:customer|shopper|order|time)|everyone|anyone"
    r"|no\s+questions\s+asked|regardless|on\s+request|just\s+ask|if\s+(?:they|you)\s+ask"
    r"|all\s+customers|no\s+matter)\b",
    re.IGNORECASE,
)
_DENIES = {
    k: re.compile(rf"\b{_NO}\b(?:\s+[\w'-]+){{0,3}}?\s+(?:{v})", re.IGNORECASE)
    for k, v in _FAMILIES.items()
}


def benefits(sentence: str) -> set[str]:
    """The kinds of benefit a sentence gives the shopper ({} when it gives none)."""
    if not _GIVES.search(sentence):
        return set()
    return {k for k, rx in _BENEFIT.items() if rx.search(sentence)} - (
        {"exception"} if not _BENEFIT["price"].search(sentence) else set()
    )


def promise_flags(answer: str, chunks: Iterable[ScoredChunk], floor: float) -> list[str]:
    """Each promise in ``answer`` the KB contradicts or does not state."""
    kb = [sc for sc in chunks if sc.chunk.source == "kb"]
    near = [s for sc in kb for s in sentences(sc.chunk.embed_text)]  # a "no" counts at any score
    supported = [sc.chunk.text for sc in kb if sc.score >= floor]
    flags = []
    for said in sentences(answer):
        kinds = {k for k in benefits(said) if not _DENIES[k].search(said)}  # "we don't offer"
        if not kinds:
            continue
        denied = [s for s in near for k in kinds if _denies(s, said, k)]
        if _OPEN_ENDED.search(said):
            flags.append(f"an open-ended promise, standing policy once approved: {said[:80]!r}")
        if denied:
            flags.append(
                f"contradicts the knowledge base: {said[:70]!r} against {denied[0][:90]!r}"
            )
        elif not any(_states(s, said, kinds) for s in supported):
            flags.append(f"{NOT_STATED}: {said[:90]!r}")
    return list(dict.fromkeys(flags))


def _denies(kb_sentence: str, said: str, kind: str) -> bool:
    """The KB says no to the very benefit the sentence gives, about the same thing."""
    m = _DENIES[kind].search(kb_sentence)
    if m is None:
        return False
    *_, last = _BENEFIT[kind].finditer(m.group(0))  # the benefit the "no" is about
    refused = content_words(last.group(0))
    same_benefit = bool(refused & content_words(said))
    return same_benefit and bool(_subject(kb_sentence, kind) & _subject(said, kind))


_GENERIC = content_words("item items order orders product products customer customers purchase")


def _subject(text: str, kind: str) -> set[str]:
    """What a sentence is about, without the benefit's own words or words every policy uses."""
    return content_words(_BENEFIT[kind].sub(" ", text)) - _GENERIC


def _states(kb_text: str, said: str, kinds: set[str]) -> bool:
    """A KB passage gives the same kind of benefit, with the same amounts, and covers most of
    what the sentence is about."""
    if not any(kinds & benefits(s) for s in sentences(kb_text)):
        return False
    if not quantities(said) <= quantities(kb_text):
        return False
    ours = content_words(said)
    return len(ours & content_words(kb_text)) >= 0.6 * len(ours)
