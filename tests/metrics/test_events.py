"""The event models: times in UTC, natural ids, a discriminated round trip, idempotent records."""

from __future__ import annotations

from datetime import datetime

import pytest
from langgraph.store.memory import InMemoryStore
from pydantic import ValidationError

from agent.metrics import (
    AgentMessage,
    ConversationStarted,
    EventLog,
    Handoff,
    Resolved,
    ShopperMessageWithHuman,
)
from agent.metrics.events import EVENT
from tests.metrics.streams import T0, Clock, answered, handoff, scenario

clock = Clock()


def test_times_must_be_aware_and_are_kept_in_utc():
    with pytest.raises(ValidationError):
        ConversationStarted(conversation_id="c", at=datetime(2026, 11, 21, 9, 0))
    event = ConversationStarted(conversation_id="c", at="2026-11-21T10:00:00+01:00")
    assert event.at == T0
    assert event.at.utcoffset().total_seconds() == 0


def test_natural_ids():
    assert ConversationStarted(conversation_id="c", at=T0).key == "conversation_started:c"
    assert handoff(clock, "c", "H1", 0, 0).key == "handoff:H1"
    resolved = Resolved(conversation_id="c", handoff_id="H1", at=T0, agent="a")
    assert resolved.key == "resolved:H1"
    message = AgentMessage(conversation_id="c", handoff_id="H1", at=T0, agent="a")
    assert message.event_id == "H1:2026-11-21T09:00:00+00:00"
    with_id = AgentMessage(conversation_id="c", handoff_id="H1", at=T0, agent="a", message_id="m7")
    assert with_id.event_id == "H1:m7"
    given = ConversationStarted(conversation_id="c", at=T0, event_id="mine")
    assert given.key == "conversation_started:mine"


def test_an_answer_is_identified_by_its_question_whatever_the_spacing_or_case():
    a = answered(clock, "c", 0, "returns:policy", "Can I return shoes?")
    b = answered(clock, "c", 30, "returns:policy", "can i  return SHOES?")
    c = answered(clock, "c", 30, "returns:policy", "Can I return a coat?")
    assert a.event_id == b.event_id != c.event_id


def test_every_event_survives_a_json_round_trip_as_its_own_class():
    for event in scenario(clock):
        back = EVENT.validate_python(event.model_dump(mode="json"))
        assert type(back) is type(event)
        assert back == event


def test_bad_values_are_rejected():
    with pytest.raises(ValidationError):
        ShopperMessageWithHuman(conversation_id="c", handoff_id="H", at=T0, sentiment=1.5)
    with pytest.raises(ValidationError):
        Handoff(  # an unknown field is a typo, not data
            conversation_id="c",
            handoff_id="H",
            at=T0,
            conversation_started_at=T0,
            intent="x",
            route="general",
            triger=["explicit"],
        )
    with pytest.raises(ValidationError):
        EVENT.validate_python({"type": "nonsense", "conversation_id": "c", "at": T0})


def test_recording_an_event_twice_keeps_one_the_first():
    log = EventLog(InMemoryStore())
    first = handoff(clock, "c", "H1", 10, 0, route="orders")
    retried = handoff(clock, "c", "H1", 10, 0, route="billing")  # a retried node
    assert log.record(first) is True
    assert log.record(retried) is False
    assert log.events() == [first]


def test_two_types_may_share_an_id():
    log = EventLog(InMemoryStore())
    log.record(handoff(clock, "c", "H1", 10, 0))
    log.record(Resolved(conversation_id="c", handoff_id="H1", at=clock(20), agent="a"))
    assert [e.type for e in log.events()] == ["handoff", "resolved"]


def test_the_public_surface_is_pinned():
    import agent.metrics

    assert agent.metrics.__all__ == [
        "AgentMessage",
        "BotAnswered",
        "CommerceOutcome",
        "ConversationStarted",
        "Event",
        "EventLog",
        "EventType",
        "Handoff",
        "HandoffReport",
        "PeriodRate",
        "PickedUp",
        "Rate",
        "Resolved",
        "SentimentShift",
        "ShopperMessageWithHuman",
        "Spread",
        "compute_report",
        "handoff_report",
        "rate_by_period",
    ]
