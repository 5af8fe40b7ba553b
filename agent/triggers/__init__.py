"""Escalation triggers: every reason to hand the shopper to a person, found in one call.

``detect`` runs every trigger family on the shopper's current message and
returns all hits, most important first; the graph hands off on any hit.
(``low_confidence`` is not here: the verify step adds it after drafting.)

    explicit        asked for a person (button, or words in EN/ES/FR/DE/PT/IT/NL, typos too)
    sensitive       legal, payment dispute, fraud, safety, medical: global + vertical packs
    account_action  changes only an authenticated person can make (cancel, address, refund...)
    sentiment       angry, frustrated or distressed (VADER, English; stated complaints, 5 languages)
    loop            the same question a third time, or answers rejected again and again
    vip             a VIP from the customer record, by the store's policy
    purchase_intent bulk, B2B or high-value buying
    complexity      many questions at once, or topic hopping with no answer
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent import noise
from agent.intents import Intent, classify_intent
from agent.settings import TriggerSettings
from agent.state import Customer, Sentiment, TriggerHit, Turn
from agent.triggers import (
    account_action,
    complexity,
    explicit,
    loop,
    purchase,
    sensitive,
    sentiment,
    vip,
)
from agent.triggers.banks import ESCALATING
from agent.triggers.nearest import Verdict
from agent.triggers.text import Text

__all__ = ["TriggerContext", "TriggerResult", "detect", "sensitive_topics"]


class TriggerContext(BaseModel):
    """Everything the triggers look at for one shopper message."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    message: str
    """The shopper's current message (already cleaned, may be "")."""
    action: Literal["message", "talk_to_person"] = "message"
    """talk_to_person: the chat menu's "talk to a person" button."""
    history: list[Turn] = []
    """The transcript before this message (shopper, bot, agent and system lines)."""
    customer: Customer = Customer()
    vertical: str = "general"
    """apparel, beauty, supplements, electronics, home or general: selects sensitive packs."""
    failed_answers: int = 0
    """Consecutive bot answers the shopper already rejected, before this message."""
    language: str = "en"
    """The conversation's language (ISO 639-1): VADER scores English only (the sentiment
    pack's complaint cues work in every supported language)."""
    examples: list[Verdict] = []
    """Sure nearest-example verdicts of the message's questions (agent/triggers/nearest.py):
    they add what the rules missed and name the intent."""


class TriggerResult(BaseModel):
    """What ``detect`` found."""

    model_config = ConfigDict(extra="forbid")
    hits: list[TriggerHit]
    """Every trigger that fired, most important first (any hit means hand off)."""
    sentiment: Sentiment
    """Of the current message."""
    intent: Intent
    """What the current message is about."""
    answer_rejected: bool
    """This message says the previous bot answer did not help."""
    topics: list[str]
    """Names of the sensitive topics that fired (e.g. "supplements.dosage")."""
    declinable: bool = False
    """Nothing fired and the message is like the off-topic or injection examples, or carries
    an injection, an off-topic ask, an insult at the bot or no words at all (agent/noise.py):
    when the knowledge base has no answer, the bot declines politely instead of handing off."""


def detect(ctx: TriggerContext, settings: TriggerSettings) -> TriggerResult:
    """Run every trigger on ``ctx.message``; hits ordered explicit, sensitive, account_action,
    sentiment, loop, vip, purchase_intent, complexity."""
    text = Text(ctx.message)
    mood = sentiment.score(text, settings, ctx.language)
    # an insult at the bot, a jailbreak or an off-topic ask is not the shopper's mood about
    # the shop: sentiment is read on what is left of the message without them
    declined_by = noise.signal(ctx.message)
    said = Text(noise.content(ctx.message))
    said_mood = mood if said.raw == ctx.message else sentiment.score(said, settings, ctx.language)
    sure = ctx.examples
    intent = sure[0].bank.intent if sure else classify_intent(ctx.message)
    topic_hits = sensitive.check(text, ctx.vertical, settings)
    groups: list[list[TriggerHit | None]] = [
        [explicit.check(text, ctx.action, settings.explicit_extra_phrases)],
        [hit for _, hit in topic_hits],
        [account_action.check(text)],
        [sentiment.check(said, said_mood, settings)],
        # a jailbreak sent again is not a shopper stuck on an answer, nor a sales lead
        list(loop.check(text, ctx.history, ctx.failed_answers, settings))
        if not declined_by or noise.has_words(said.raw)
        else [],
        [vip.check(ctx.customer, ctx.history, intent, mood, settings)],
        [purchase.check(said, settings)],
        [complexity.check(text, ctx.history, settings, classify_intent)],
    ]
    hits = [hit for group in groups for hit in group if hit is not None]
    topics = [name for name, _ in topic_hits]
    for verdict in sure:  # what the rules missed, by example
        kind = verdict.bank.trigger
        if kind in ESCALATING and all(h.kind != kind for h in hits):
            hits.append(_by_example(verdict, ctx.message))
            if kind == "sensitive":
                topics.append(f"examples.{verdict.bank.topic}")
    hits.sort(key=lambda h: _ORDER.index(h.kind) if h.kind in _ORDER else len(_ORDER))
    return TriggerResult(
        hits=hits,
        sentiment=mood,
        intent=intent,
        answer_rejected=loop.rejection(text, ctx.history) is not None,
        topics=topics,
        declinable=not hits
        and (
            noise.declines(ctx.message) is not None
            or (bool(sure) and all(v.bank.trigger == "decline" for v in sure))
        ),
    )


_ORDER = ("explicit", "sensitive", "account_action", "sentiment")


def _by_example(verdict: Verdict, message: str) -> TriggerHit:
    return TriggerHit(
        kind=verdict.bank.trigger,  # type: ignore[arg-type]
        reason=f"like the {verdict.label} examples ({verdict.votes} nearest, "
        f"similarity {verdict.score:.2f})",
        evidence=message.strip()[:200],
        score=round(verdict.score, 3),
    )


def sensitive_topics(vertical: str, settings: TriggerSettings) -> list[str]:
    """Names of the sensitive topics in force for a store (for ``escalate triggers``)."""
    defaults, store = sensitive.topic_rules(vertical, settings)
    return [rule.name for rule in (*defaults, *store)]
