"""What each turn tells the metrics log (``escalate report``, ``escalate kb gaps``).

Called by the runtime after a turn's state is saved. Questions are scrubbed of
personal data before they are written: the metrics log is read by people who
never saw the conversation. Recording never fails a turn (EventLog.record
logs and returns False on a store error).
"""

from __future__ import annotations

from typing import Any

from agent.learning.privacy import KnownPersonal, scrub
from agent.metrics import (
    AgentMessage,
    BotAnswered,
    ConversationStarted,
    Event,
    EventLog,
    Handoff,
    PickedUp,
    Resolved,
    ShopperMessageWithHuman,
)


def _known(values: dict[str, Any]) -> KnownPersonal:
    customer = values.get("customer") or {}
    return KnownPersonal.from_conversation(
        customer,
        list(customer.get("orders", [])),
        [t["text"] for t in values.get("transcript", []) if t.get("role") == "shopper"],
    )


def topic_key(intent: str, retrieved: list[dict], min_score: float = 0.0) -> str:
    """The intent and the best knowledge-base document about the question (never a learned
    answer, so a topic keeps its name after an answer for it is approved). A document scored
    below ``min_score`` is not about the question: the intent alone names the topic."""
    for r in retrieved:
        if r["chunk"].get("source", "kb") == "kb":
            return f"{intent}:{r['chunk']['doc_id']}" if r["score"] >= min_score else intent
    return intent


def record_turn(log: EventLog, cid: str, values: dict[str, Any], min_score: float = 0.0) -> None:
    """The events of a turn the bot handled: a start, an answer, or a handoff.

    ``min_score``: the retrieval score below which a chunk is not about the question
    (``grounding.min_retrieval_score``), so an unrelated document never names a topic."""
    transcript = values.get("transcript") or []
    if not transcript:
        return
    channel, locale, zone = values.get("channel"), values.get("locale"), values.get("timezone")
    events: list[Event] = [
        ConversationStarted(
            conversation_id=cid,
            at=transcript[0]["at"],
            channel=channel,
            locale=locale,
            timezone=zone,
        )
    ]
    outcome = _outcome(values, cid, transcript, min_score)
    log.record_all(events if outcome is None else [*events, outcome])  # one read, one write


def _outcome(
    values: dict[str, Any], cid: str, transcript: list[dict], min_score: float
) -> Event | None:
    """The turn's answer or handoff event, if it was either."""
    channel, locale, zone = values.get("channel"), values.get("locale"), values.get("timezone")
    reply = values.get("reply") or {}
    intent = values.get("intent") or "other"
    topic = topic_key(intent, values.get("retrieved") or [], min_score)
    known = _known(values)
    if reply.get("kind") == "answer" and values.get("answered"):
        question = values["answered"][-1]["question"]
        return BotAnswered(
            conversation_id=cid,
            at=transcript[-1]["at"],
            question=scrub(question, known).text,
            intent=intent,
            topic=topic,
        )
    elif reply.get("kind") == "handoff" and values.get("handoff"):
        p = values["handoff"]
        resolution = values.get("resolution") or {}
        started = resolution.get("at") if resolution.get("at", "") < p["created_at"] else None
        return Handoff(
            conversation_id=cid,
            handoff_id=p["id"],
            at=p["created_at"],
            conversation_started_at=started or transcript[0]["at"],
            questions=[scrub(q, known).text for q in _unanswered(p)],
            intent=p["intent"],
            topic=topic,
            triggers=list(dict.fromkeys(h["kind"] for h in p["triggers"])),
            sensitive_topics=list(values.get("topics") or []),
            route=p["route"],
            rule=p.get("route_rule"),
            delivery=p["shopper_messages"]["mode"],
            sentiment_before=p["sentiment"]["compound"],
            channel=p.get("channel") or channel,
            locale=p.get("locale") or locale,
            timezone=p.get("timezone") or zone,
        )
    return None


def _unanswered(package: dict) -> list[str]:
    """The questions of the handoff: the shopper's messages the bot did not answer."""
    answered = {a["question"] for a in package["product_context"]["bot_answered"]}
    asked = [q for q in package["product_context"]["questions"] if q not in answered]
    return asked[-1:] or package["product_context"]["questions"][-1:]


def record_shopper_with_human(
    log: EventLog, cid: str, values: dict[str, Any], compound: float, repeated: bool
) -> None:
    p = values.get("handoff") or {}
    if p and values.get("transcript"):
        log.record(
            ShopperMessageWithHuman(
                conversation_id=cid,
                handoff_id=p["id"],
                at=values["transcript"][-1]["at"],
                sentiment=compound,
                repeated_info=repeated,
            )
        )


def record_agent_message(log: EventLog, cid: str, handoff_id: str, at: str, agent: str) -> None:
    event = {"conversation_id": cid, "handoff_id": handoff_id, "at": at, "agent": agent}
    log.record(AgentMessage.model_validate(event))


def record_pickup(log: EventLog, cid: str, handoff_id: str, at: str, agent: str) -> None:
    event = {"conversation_id": cid, "handoff_id": handoff_id, "at": at, "agent": agent}
    log.record(PickedUp.model_validate(event))


def record_resolution(log: EventLog, cid: str, resolution: dict[str, Any]) -> None:
    hid = resolution.get("handoff_id")
    if not hid:
        return
    log.record(
        AgentMessage(
            conversation_id=cid,
            handoff_id=hid,
            at=resolution["at"],
            agent=resolution.get("agent") or "agent",
            message_id="resolution",
        )
    )
    log.record(
        Resolved(
            conversation_id=cid,
            handoff_id=hid,
            at=resolution["at"],
            agent=resolution.get("agent") or "agent",
        )
    )
