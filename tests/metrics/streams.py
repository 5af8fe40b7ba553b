"""Event streams for the metric tests, timed by an injected clock (seconds after T0)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.metrics import (
    AgentMessage,
    BotAnswered,
    ConversationStarted,
    Event,
    Handoff,
    PickedUp,
    Resolved,
    ShopperMessageWithHuman,
)

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Clock:
    """Times as seconds after a fixed start, so every duration is known by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.start = start

    def __call__(self, seconds: float = 0) -> datetime:
        return self.start + timedelta(seconds=seconds)


def started(clock: Clock, cid: str, s: float) -> ConversationStarted:
    return ConversationStarted(conversation_id=cid, at=clock(s))


def answered(clock: Clock, cid: str, s: float, topic: str, question: str = "") -> BotAnswered:
    return BotAnswered(
        conversation_id=cid,
        at=clock(s),
        question=question or f"a question about {topic}",
        intent=topic.split(":")[0],
        topic=topic,
    )


def handoff(clock: Clock, cid: str, hid: str, s: float, began: float, **fields) -> Handoff:
    fields.setdefault("intent", "other")
    fields.setdefault("route", "general")
    return Handoff(
        conversation_id=cid,
        handoff_id=hid,
        at=clock(s),
        conversation_started_at=clock(began),
        **fields,
    )


def scenario(clock: Clock) -> list[Event]:
    """Six conversations, three handoffs; every metric's value is worked out in test_report."""
    return [
        # c1: answered, then handed off (explicit) and resolved after pickup
        started(clock, "c1", 0),
        answered(clock, "c1", 10, "returns:policy"),
        handoff(
            clock,
            "c1",
            "H1",
            60,
            0,
            topic="returns:policy",
            triggers=["explicit"],
            route="orders",
            sentiment_before=-0.5,
            repeat_info=False,
            intent="returns",
            questions=["how do returns work", "I want a person"],
        ),
        PickedUp(conversation_id="c1", handoff_id="H1", at=clock(120), agent="ann"),
        AgentMessage(conversation_id="c1", handoff_id="H1", at=clock(150), agent="ann"),
        Resolved(
            conversation_id="c1", handoff_id="H1", at=clock(600), agent="ann", sentiment_after=0.3
        ),
        # c2: upset, sensitive; picked up by a first message only; never resolved
        started(clock, "c2", 100),
        handoff(
            clock,
            "c2",
            "H2",
            400,
            100,
            topic="refund:status",
            triggers=["sentiment", "sensitive"],
            sensitive_topics=["chargeback"],
            route="billing",
            sentiment_before=-0.8,
        ),
        AgentMessage(conversation_id="c2", handoff_id="H2", at=clock(430), agent="bo"),
        ShopperMessageWithHuman(
            conversation_id="c2", handoff_id="H2", at=clock(450), sentiment=-0.6
        ),
        ShopperMessageWithHuman(
            conversation_id="c2",
            handoff_id="H2",
            at=clock(500),
            sentiment=-0.2,
            repeated_info=True,
        ),
        # c3, c4: the bot answered; c6: said nothing we counted
        started(clock, "c3", 200),
        answered(clock, "c3", 210, "returns:policy"),
        started(clock, "c4", 300),
        answered(clock, "c4", 310, "shipping:times"),
        # c5: an offline ticket with no trigger and no topic, closed unsolved
        started(clock, "c5", 400),
        handoff(
            clock,
            "c5",
            "H3",
            1300,
            400,
            delivery="offline_ticket",
            repeat_info=True,
        ),
        AgentMessage(conversation_id="c5", handoff_id="H3", at=clock(5000), agent="cy"),
        Resolved(conversation_id="c5", handoff_id="H3", at=clock(6000), agent="cy", solved=False),
        started(clock, "c6", 500),
    ]
