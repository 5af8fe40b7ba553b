"""The journal's turn-start and turn-end reads: the same answers as the one-call-each methods,
in fewer round trips to the store."""

from __future__ import annotations

import pytest
from langgraph.store.memory import InMemoryStore

from agent.journal import Entry, Journal
from agent.storage import sqlite_storage
from tests.fakes import CountingStore


def entry(mid: str, cid: str = "c1") -> Entry:
    return Entry(conversation_id=cid, message_id=mid, action="message", text=f"text {mid}")


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStore()
        return
    storage = sqlite_storage(str(tmp_path / "j.sqlite"))
    yield storage.store
    storage.close()


def test_begin_accepts_a_new_message_and_lists_the_other_open_ones_oldest_first(store):
    journal = Journal(store)
    older = journal.accept(entry("m1"))
    newer = journal.accept(entry("m2"))
    journal.accept(entry("x", cid="other"))  # another conversation's: not listed
    done, accepted, others = journal.begin(entry("m3"))
    assert done is None and accepted.received_ns > 0
    assert [e.message_id for e in others] == ["m1", "m2"]
    assert [e.received_ns for e in others] == [older.received_ns, newer.received_ns]
    assert [e.message_id for e in journal.open_entries("c1")] == ["m1", "m2", "m3"]


def test_begin_on_an_open_message_gives_the_stored_one_and_not_itself(store):
    journal = Journal(store)
    first = journal.accept(entry("m1"))
    done, again, others = journal.begin(entry("m1"))
    assert done is None and again.received_ns == first.received_ns and others == []


def test_begin_on_a_finished_message_gives_its_filed_reply_and_stores_nothing(store):
    journal = Journal(store)
    journal.finish(journal.accept(entry("m1")), {"kind": "answer"}, owed=False)
    done, _, others = journal.begin(entry("m1"))
    assert done is not None and done.reply == {"kind": "answer"} and others == []
    assert journal.open_entries("c1") == []


def test_begin_is_one_read_and_one_write():
    store = CountingStore()
    Journal(store).begin(entry("m1"))
    assert store.batches == 2


def test_told_then_owed_clears_this_notice_and_returns_the_others(store):
    journal = Journal(store)
    for mid in ("m1", "m2", "m3"):
        journal.finish(journal.accept(entry(mid)), {"kind": "answer", "id": mid}, owed=True)
    journal.finish(journal.accept(entry("x", cid="other")), {"kind": "answer"}, owed=True)
    owed = journal.told_then_owed("c1", "m2")
    assert [o["message_id"] for o in owed] == ["m1", "m3"]
    assert [o["message_id"] for o in journal.owed("c1")] == ["m1", "m3"]  # m2 told
    assert [o["message_id"] for o in journal.owed("other")] == ["x"]
    assert journal.told_then_owed("c1", "m9") == owed  # nothing to clear


def test_start_lists_what_the_conversation_still_owes_oldest_first(store):
    journal = Journal(store)
    for mid in ("m2", "m1"):
        journal.finish(journal.accept(entry(mid)), {"kind": "answer", "id": mid}, owed=True)
    journal.finish(journal.accept(entry("x", cid="other")), {"kind": "answer"}, owed=True)
    started = journal.start(entry("m3"))
    assert started.done is None and started.earlier == []
    assert [o["message_id"] for o in started.owed] == ["m2", "m1"]  # in the order received
    assert started.owed == journal.owed("c1")


def test_finish_returns_the_notice_it_files(store):
    journal = Journal(store)
    notice = journal.finish(journal.accept(entry("m1")), {"kind": "answer"}, owed=True)
    assert notice is not None and journal.owed("c1") == [notice]
    assert journal.finish(journal.accept(entry("m2")), {"kind": "answer"}, owed=False) is None
