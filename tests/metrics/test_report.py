"""Each metric of the report, worked out by hand from a known stream of events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from langgraph.store.memory import InMemoryStore

from agent.errors import InputError
from agent.metrics import EventLog, Rate, Spread, compute_report, handoff_report
from agent.metrics.stats import percentile
from tests.metrics.streams import Clock, answered, handoff, scenario, started

clock = Clock()
DAY = 24 * 3600


@pytest.fixture
def report():
    events = sorted(scenario(clock), key=lambda e: e.at)
    return compute_report(events, clock(0), clock(DAY))


def test_counts_and_the_overall_rate(report):
    assert report.conversations == 6  # c1..c6
    assert report.handoffs == 3
    assert report.handoff_rate == Rate(count=3, total=6)
    assert report.handoff_rate.value == 0.5


def test_rate_per_topic_is_over_the_conversations_where_the_topic_came_up(report):
    assert report.by_topic == {
        "refund:status": Rate(count=1, total=1),
        "returns:policy": Rate(count=1, total=2),  # c1 handed off, c3 answered
        "shipping:times": Rate(count=0, total=1),
    }
    assert list(report.by_topic) == ["refund:status", "returns:policy", "shipping:times"]


def test_rate_per_trigger_and_route_is_over_all_conversations(report):
    sixth = Rate(count=1, total=6)
    assert report.by_trigger == {
        "(none)": sixth,
        "explicit": sixth,
        "sensitive": sixth,
        "sentiment": sixth,
    }
    assert report.by_route == {"billing": sixth, "general": sixth, "orders": sixth}


def test_time_to_handoff(report):
    # 60, 300, 900 seconds: p50 = 300; p90 at rank 1.8 = 300 + 0.8 * 600
    assert report.time_to_handoff == Spread(count=3, p50=300.0, p90=780.0)


def test_time_to_first_agent_message_counts_live_handoffs_only(report):
    # H1: 150 - 60 = 90; H2: 430 - 400 = 30; H3 is an offline ticket
    assert report.time_to_first_agent_message.count == 2
    assert report.time_to_first_agent_message.p50 == 60.0
    assert report.time_to_first_agent_message.p90 == pytest.approx(84.0)


def test_success_is_resolved_after_pickup_over_picked_up(report):
    # picked up: H1 (explicitly), H2 and H3 (by a first message); solved: H1 only
    assert report.success_rate == Rate(count=1, total=3)


def test_repeat_info_from_the_handoff_or_a_later_shopper_line(report):
    # H1 no; H2 unknown at handoff but a line repeated; H3 yes
    assert report.repeat_info_rate == Rate(count=2, total=3)


def test_sentiment_before_and_after_over_the_same_handoffs(report):
    # H1: -0.5 -> 0.3 (at close); H2: -0.8 -> -0.2 (last line); H3 had no 'before'
    assert report.sentiment.pairs == 2
    assert report.sentiment.before == pytest.approx(-0.65)
    assert report.sentiment.after == pytest.approx(0.05)


def test_no_data_is_missing_not_zero():
    report = compute_report([], clock(0), clock(DAY))
    assert report.conversations == 0
    assert report.handoff_rate.value is None
    assert report.success_rate.value is None
    assert report.repeat_info_rate.value is None
    assert report.time_to_handoff == Spread(count=0, p50=None, p90=None)
    assert report.time_to_first_agent_message.p50 is None
    assert (report.sentiment.before, report.sentiment.after) == (None, None)
    assert report.by_topic == report.by_trigger == report.by_route == {}
    dumped = report.model_dump(mode="json")
    assert dumped["handoff_rate"] == {"count": 0, "total": 0, "value": None}


def test_conversations_without_handoffs_have_a_rate_of_zero_but_the_rest_missing():
    events = [started(clock, "a", 0), answered(clock, "a", 5, "sizing:fit")]
    report = compute_report(events, clock(0), clock(DAY))
    assert report.handoff_rate.value == 0.0
    assert report.success_rate.value is None
    assert report.time_to_handoff.p50 is None


def test_a_conversation_handed_off_twice_counts_once_in_the_rate():
    events = [
        started(clock, "a", 0),
        handoff(clock, "a", "H1", 10, 0, topic="t"),
        handoff(clock, "a", "H2", 70, 0, topic="t"),
    ]
    report = compute_report(events, clock(0), clock(DAY))
    assert report.handoffs == 2
    assert report.handoff_rate == Rate(count=1, total=1)
    assert report.by_topic == {"t": Rate(count=1, total=1)}
    assert report.time_to_handoff == Spread(count=2, p50=40.0, p90=64.0)


def test_a_resolution_before_the_pickup_is_not_a_success():
    from agent.metrics import PickedUp, Resolved

    events = [
        handoff(clock, "a", "H1", 10, 0),
        Resolved(conversation_id="a", handoff_id="H1", at=clock(50), agent="x"),
        PickedUp(conversation_id="a", handoff_id="H1", at=clock(100), agent="x"),
    ]
    assert compute_report(events, clock(0), clock(DAY)).success_rate == Rate(count=0, total=1)


def test_the_window_holds_handoffs_made_in_it_with_their_later_follow_ups():
    from agent.metrics import AgentMessage

    events = [
        handoff(clock, "old", "H0", -10, -20),  # before the window
        handoff(clock, "a", "H1", 10, 0),
        AgentMessage(conversation_id="a", handoff_id="H1", at=clock(DAY + 50), agent="x"),
    ]
    report = compute_report(events, clock(0), clock(DAY))
    assert report.handoffs == 1
    assert report.time_to_first_agent_message == Spread(count=1, p50=DAY + 40.0, p90=DAY + 40.0)


def test_a_start_stamped_after_the_handoff_by_a_skewed_clock_counts_as_zero():
    report = compute_report([handoff(clock, "a", "H1", 10, 15)], clock(0), clock(DAY))
    assert report.time_to_handoff.p50 == 0.0


def test_handoff_report_reads_the_trailing_days_from_the_log():
    log = EventLog(InMemoryStore())
    for event in scenario(clock):
        log.record(event)
    log.record(handoff(clock, "old", "H0", -8 * DAY, -8 * DAY))  # outside a 7-day window
    report = handoff_report(log, days=7, now=clock(DAY))
    assert report.since == clock(DAY) - timedelta(days=7)
    assert report.handoffs == 3
    assert report.success_rate == Rate(count=1, total=3)
    with pytest.raises(InputError):
        handoff_report(log, days=0, now=clock(DAY))


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([10, 20, 30, 40], 0.5, 25.0), ([40, 10, 30, 20], 0.9, 37.0), ([7], 0.9, 7.0)],
)
def test_percentile_interpolates_between_ranks(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None
