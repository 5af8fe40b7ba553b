"""Which resolutions are worth learning from, and which handoffs say nothing about the KB.

A handoff made because the shopper asked for a person, was upset, wanted something
done to their account, or is a VIP says nothing about what the knowledge base
lacks. The person's resolution is usually an action ("Called her back, sorted."),
not an answer. Such a handoff teaches something only when the shopper asked an
information question (:func:`asks_for_information`) and the person answered it
with a general statement (:func:`states_general_facts`).

A note that only records an action (``Refunded £3.50 shipping as goodwill.``,
``Replacement sent.``, ``I've cancelled the order.``) is never an answer, whatever
the handoff was for (:func:`is_action_note`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.claims import sentences
from agent.intents import classify_intent

PERSONAL_TRIGGERS = frozenset({"explicit", "sentiment", "account_action", "vip"})
"""Handoffs for the person, not for a gap in the knowledge base."""

_DONE = (
    r"refunded|reimbursed|credited|sent|resent|re-sent|reshipped|shipped|posted|called|rang|phoned"
    r"|emailed|e-mailed|messaged|texted|issued|reissued|processed|cancell?ed|voided|reversed|replaced"
    r"|applied|waived|escalated|chased|arranged|booked|organi[sz]ed|authori[sz]ed|approved|honou?red"
    r"|updated|changed|amended|corrected|reset|unlocked|raised|logged|spoke|talked|explained|advised"
    r"|told|gave|offered|sorted|fixed|resolved|handled|added|removed|upgraded|adjusted|extended"
    r"|contacted|confirmed|checked|verified|merged|closed|reopened|paid|swapped|exchanged|granted"
)
_SUBJECTLESS = re.compile(
    rf"^\s*(?:(?:just|already|also|have|has|then|and)\s+)*(?:{_DONE})\b(?!-)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PARTICLE = re.compile(
    r"^\s*(?:the|a|an|her|him|them|their|his|it|this|that|both|all|customer|client|shopper|back"
    r"|over|out|up|to|with|through|as|via|for|[£$€]|\d)",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|can|can't|cannot|will|won't|do|does|don't|doesn't|must|may|should"
    r"|have|has|get|gets|need|needs|takes?|costs?|ships?|arrives?|applies|apply|includes?|covers?"
    r"|comes?|works?|lasts?|fits?|expires?|contains?|stays?|goes|go|runs?|means?)\b",
    re.IGNORECASE,
)
_AGENT_DID = re.compile(
    rf"\b(?:i|we)(?:'ve|'d| have| had| just| also| already)*\s+(?:{_DONE})\b", re.I
)
_PASSIVE_DONE = re.compile(
    rf"^\s*(?:(?!(?:is|are|get|gets|can|will)\b)[\w'-]+\s+){{0,3}}(?:(?:has|have|was|were|been)\s+)*(?:{_DONE})"
    r"(?:\s+(?:today|now|already|back|again|over|out|in\s+full|as\s+(?:a\s+)?goodwill|as\s+agreed"
    r"|to\s+(?:her|him|them)))?\s*[.!]*\s*$",
    re.IGNORECASE,
)
_DONE_WORD = re.compile(r"^\s*(?:done|sorted|fixed|resolved|all sorted|all done|closed)\b", re.I)
_ABOUT_THEM = re.compile(
    r"\b(?:her|him|his|she|he|the customer|the client|the shopper|cx|this order)\b",
    re.IGNORECASE,
)
_OWN_ACCOUNT = re.compile(
    r"\b(?:my|our)\s+(?:order|orders|parcel|package|delivery|refund|account|card|payment"
    r"|subscription|return|exchange|item|items|purchase|money|invoice|password|address)\b",
    re.IGNORECASE,
)
_INTERROGATIVE = re.compile(
    r"^\s*(?:(?:hi|hello|hey|so|and|also|quick question|just wondering)[,!.\s]+)*"
    r"(?:how|what|whats|what's|when|where|which|who|why|can|could|do|does|did|is|are|will|would"
    r"|should|may|have|has)\b|\b(?:i(?:'d| would) like to know|i(?:'m| am) wondering|wondering"
    r"|tell me (?:how|what|when|where|if|whether)|do you know)\b",
    re.IGNORECASE,
)
_PERSON = r"(?:person|human|agent|someone|somebody|representative|manager|supervisor|operator)"
_REACH = r"(?:talk|speak|chat|call|contact|transfer|connect|put\s+me\s+through)"
_FOR_A_PERSON = re.compile(
    rf"\b{_REACH}\b[^.?!]{{0,30}}\b{_PERSON}\b|\b{_PERSON}\b[^.?!]{{0,30}}\b{_REACH}\b",
    re.IGNORECASE,
)
_HAPPENED_TO_ME = re.compile(
    r"\b(?:was i|i was|i've been|i have been|have i been|did you|why did|you (?:sent|charged|gave))\s+"
    r"(?:\w+\s+)?(?:charged|billed|refunded|sent|given|cancell?ed|double)",
    re.IGNORECASE,
)


def is_action_sentence(sentence: str) -> bool:
    """An agent's note of something done: "Refunded £3.50.", "I've sent a new one.", "Label sent."."""
    if _AGENT_DID.search(sentence) or _DONE_WORD.match(sentence) or _PASSIVE_DONE.match(sentence):
        return True
    m = _SUBJECTLESS.match(sentence)
    if m is None:
        return False
    rest = m.group("rest")
    short = len(rest.split()) <= 6
    return bool(_PARTICLE.match(rest)) or (short and not _FINITE.search(rest))


def is_action_note(resolution: str) -> bool:
    """Every sentence records an action on this account or talks about this shopper."""
    said = [s for s in sentences(resolution) if s.strip(" .!-")]
    return bool(said) and all(is_action_sentence(s) or _ABOUT_THEM.search(s) for s in said)


def states_general_facts(resolution: str) -> bool:
    """At least one sentence states something true for every shopper (not an action, not 'her')."""
    return any(
        not is_action_sentence(s) and not _ABOUT_THEM.search(s)
        for s in sentences(resolution)
        if s.strip(" .!-")
    )


def asks_for_information(question: str) -> bool:
    """A question the KB could answer: interrogative, not for a person, not about their account."""
    parts = [p for p in sentences(question) if "?" in p or _INTERROGATIVE.search(p)]
    for part in parts:
        if _FOR_A_PERSON.search(part) or classify_intent(part) == "human":
            continue
        if _OWN_ACCOUNT.search(part) or _HAPPENED_TO_ME.search(part):
            continue
        return True
    return False


def teaches_nothing(triggers: Iterable[str], question: str, resolution: str) -> str | None:
    """Why this resolution is not proposed (None: propose it)."""
    if is_action_note(resolution):
        return "the resolution records an action on one account, not an answer"
    kinds = set(triggers)
    if kinds and kinds <= PERSONAL_TRIGGERS:
        if not asks_for_information(question):
            return f"handed off for {', '.join(sorted(kinds))}: no information question"
        if not states_general_facts(resolution):
            return "the resolution answers only this shopper"
    return None


def counts_as_gap(triggers: Iterable[str], question: str) -> bool:
    """Does this handoff say the KB lacks something? Not when it was for the person alone."""
    kinds = set(triggers)
    return not (kinds and kinds <= PERSONAL_TRIGGERS) or asks_for_information(question)
