"""The event log: a namespace per UTC day, windows across midnight, paging, persistence."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from langgraph.store.memory import InMemoryStore

from agent.errors import InputError, StorageError
from agent.metrics import ConversationStarted, EventLog
from agent.metrics.log import PAGE
from agent.storage import sqlite_storage
from tests.fakes import CountingStore
from tests.metrics.streams import Clock, answered, scenario, started

MIDNIGHT = datetime(2026, 11, 22, tzinfo=UTC)
clock = Clock(MIDNIGHT)


class SpyStore(InMemoryStore):
    """Remembers which namespaces were searched."""

    def __init__(self) -> None:
        super().__init__()
        self.searched: list[tuple[str, ...]] = []

    def search(self, namespace_prefix, /, **kwargs):  # type: ignore[override]
        self.searched.append(namespace_prefix)
        return super().search(namespace_prefix, **kwargs)


class BrokenStore(InMemoryStore):
    def batch(self, ops):  # type: ignore[override]
        raise OSError("disk on fire")


def test_events_go_to_the_namespace_of_their_utc_day():
    store = InMemoryStore()
    log = EventLog(store)
    log.record(started(clock, "late", -30))
    log.record(started(clock, "early", 30))
    # 00:30 in Paris is 23:30 UTC on the 21st
    log.record(ConversationStarted(conversation_id="tz", at="2026-11-22T00:30:00+01:00"))
    assert sorted(store.list_namespaces(prefix=("events",))) == [
        ("events", "2026-11-21"),
        ("events", "2026-11-22"),
    ]
    assert {i.key for i in store.search(("events", "2026-11-21"))} == {
        "conversation_started:tz",
        "conversation_started:late",
    }


def test_a_window_across_midnight_reads_both_days_and_cuts_at_the_bounds():
    log = EventLog(InMemoryStore())
    for s, cid in [(-3600, "a"), (-30, "b"), (30, "c"), (3600, "d")]:
        log.record(started(clock, cid, s))
    ids = [e.conversation_id for e in log.events(since=clock(-60), until=clock(60))]
    assert ids == ["b", "c"]
    assert [e.conversation_id for e in log.events(since=clock(-60), until=clock(0))] == ["b"]
    assert [e.conversation_id for e in log.events(since=clock(0))] == ["c", "d"]
    assert [e.conversation_id for e in log.events(until=clock(-30))] == ["a"]
    assert log.events(since=clock(60), until=clock(60)) == []


def test_a_seven_day_window_reads_only_its_days():
    store = SpyStore()
    log = EventLog(store)
    for day in range(-20, 5):
        log.record(started(clock, f"c{day}", day * 86400 + 60))
    found = log.events(since=clock(-7 * 86400), until=clock(0))
    assert len(found) == 7
    days = sorted({ns[1] for ns in store.searched})
    assert days == [f"2026-11-{d}" for d in range(15, 22)]


def test_type_filter_and_paging_past_the_store_default():
    log = EventLog(InMemoryStore())
    count = PAGE * 2 + 50
    for n in range(count):
        log.record(started(clock, f"c{n}", n))
        log.record(answered(clock, f"c{n}", n, "returns:policy"))
    assert len(log.events()) == 2 * count
    answers = log.events(type="bot_answered", since=clock(0), until=clock(86399))
    assert len(answers) == count
    assert {e.type for e in answers} == {"bot_answered"}
    assert [e.at for e in answers] == sorted(e.at for e in answers)


def test_bounds_must_be_aware():
    with pytest.raises(InputError):
        EventLog(InMemoryStore()).events(since=datetime(2026, 11, 21))


def test_events_persist_in_the_sqlite_file(tmp_path):
    path = str(tmp_path / "x.sqlite")
    first = sqlite_storage(path)
    events = scenario(clock)
    try:
        for event in events:
            assert EventLog(first.store).record(event)
    finally:
        first.close()
    second = sqlite_storage(path)
    try:
        log = EventLog(second.store)
        assert log.events() == sorted(events, key=lambda e: (e.at, e.key))
        assert log.record(events[0]) is False  # still idempotent after a restart
        assert len(log.events(type="handoff")) == 3
        assert log.days() == ["2026-11-22"]
    finally:
        second.close()


def test_a_failing_store_loses_the_event_with_a_log_line_but_reading_fails_loudly(caplog):
    log = EventLog(BrokenStore())
    with caplog.at_level(logging.ERROR, logger="agent.metrics.log"):
        assert log.record(started(clock, "c", 0)) is False
    assert (
        "conversation_started:c (at 2026-11-22 00:00:00+00:00) was not recorded: disk on fire"
        in caplog.text
    )
    with pytest.raises(StorageError, match="disk on fire"):
        log.events(since=clock(0), until=clock(0) + timedelta(days=1))


def test_a_malformed_stored_event_is_skipped(caplog):
    store = InMemoryStore()
    store.put(("events", "2026-11-22"), "junk", {"type": "handoff", "oops": 1})
    log = EventLog(store)
    log.record(started(clock, "c", 10))
    assert [e.conversation_id for e in log.events()] == ["c"]
    assert "malformed" in caplog.text


def test_record_all_keeps_each_new_event_once_in_one_read_and_one_write():
    store = CountingStore()
    log = EventLog(store)
    first, second = started(clock, "a", 0), started(clock, "b", 0)
    assert log.record_all([first, second, first]) == 2
    assert store.batches == 2  # one read, one write
    assert log.record_all([first, started(clock, "c", 0)]) == 1  # only c is new
    assert log.record_all([first]) == 0 and store.batches == 5  # nothing new: no write
    found = log.events(since=clock(0), until=clock(0) + timedelta(days=1))
    assert [e.conversation_id for e in found] == ["a", "b", "c"]


def test_record_all_on_a_failing_store_logs_and_records_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="agent.metrics.log"):
        assert EventLog(BrokenStore()).record_all([started(clock, "c", 0)]) == 0
    assert "conversation_started:c" in caplog.text and "disk on fire" in caplog.text
