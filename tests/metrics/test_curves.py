"""A topic's handoff rate over time, by day and by week; an empty period is missing."""

from __future__ import annotations

from datetime import date

import pytest
from langgraph.store.memory import InMemoryStore

from agent.errors import InputError
from agent.metrics import EventLog, Rate, rate_by_period
from tests.metrics.streams import Clock, answered, handoff

clock = Clock()  # T0 is Saturday 2026-11-21, 09:00 UTC
DAY = 86400
TOPIC = "returns:policy"


@pytest.fixture
def log():
    log = EventLog(InMemoryStore())
    events = [
        # day 0: two conversations on the topic, one handed off
        answered(clock, "a", 0, TOPIC),
        handoff(clock, "b", "H1", 60, 0, topic=TOPIC),
        handoff(clock, "x", "H2", 70, 0, topic="other:thing"),
        # day 1: nothing on the topic
        answered(clock, "c", DAY, "sizing:fit"),
        # day 2: answered once, then handed off in the same conversation; another answered
        answered(clock, "d", 2 * DAY, TOPIC),
        handoff(clock, "d", "H3", 2 * DAY + 60, 2 * DAY, topic=TOPIC),
        answered(clock, "e", 2 * DAY + 120, TOPIC),
        answered(clock, "f", 2 * DAY + 180, TOPIC),
        # day 3 (Tuesday): the approved answer works
        answered(clock, "g", 3 * DAY, TOPIC),
    ]
    for event in events:
        log.record(event)
    return log


def test_by_day(log):
    points = rate_by_period(log, TOPIC, since=clock(-9 * 3600), until=clock(4 * DAY))
    assert [p.start for p in points] == [date(2026, 11, d) for d in (21, 22, 23, 24, 25)]
    assert [p.rate for p in points] == [
        Rate(count=1, total=2),
        Rate(count=0, total=0),
        Rate(count=1, total=3),
        Rate(count=0, total=1),
        Rate(count=0, total=0),
    ]
    assert [p.rate.value for p in points][1] is None


def test_by_week_starting_monday(log):
    points = rate_by_period(log, TOPIC, period="week", since=clock(0), until=clock(4 * DAY))
    assert [p.start for p in points] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert [p.rate for p in points] == [Rate(count=1, total=2), Rate(count=1, total=4)]


def test_the_default_window_is_28_days_to_now(log):
    points = rate_by_period(log, TOPIC, until=clock(3 * DAY + 3600))
    assert len(points) == 29  # a partial day at each end
    assert points[-1].rate == Rate(count=0, total=1)


def test_an_unknown_period_is_refused(log):
    with pytest.raises(InputError):
        rate_by_period(log, TOPIC, period="month")  # type: ignore[arg-type]
