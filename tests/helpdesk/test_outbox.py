"""The outbox: kept through outages and restarts, delivered once, retried on schedule."""

import logging
import threading
from datetime import UTC, datetime

import httpx
import pytest
from langgraph.store.memory import InMemoryStore

from agent.errors import InputError
from agent.helpdesk.freshdesk import Freshdesk
from agent.helpdesk.item import parse_time
from agent.helpdesk.outbox import Outbox
from agent.helpdesk.settings import HelpdeskSettings
from agent.helpdesk.zendesk import Zendesk
from agent.package import HandoffPackage
from agent.storage import sqlite_storage
from tests.helpdesk.conftest import NOW, make_package
from tests.helpdesk.fakes import BrokenHelpdesk, CountingHelpdesk
from tests.helpdesk.test_freshdesk import SETTINGS as FD_SETTINGS
from tests.helpdesk.test_freshdesk import SITE as FD_SITE
from tests.helpdesk.test_freshdesk import note, ticket
from tests.helpdesk.test_zendesk import SETTINGS as ZD_SETTINGS
from tests.helpdesk.test_zendesk import TICKETS, created

ID = "HO-1A2B3C4D"


def zendesk_outbox(store, clock, settings=ZD_SETTINGS, **kw) -> Outbox:
    return Outbox(store, Zendesk(settings), clock, settings=settings, settle_s=0, **kw)


def next_in(item, clock) -> float:
    return (parse_time(item.next_attempt_at) - clock()).total_seconds()


def test_down_then_up_is_delivered_exactly_once(mock, package, clock):
    route = mock.post(TICKETS).mock(
        side_effect=[httpx.Response(503), httpx.ReadTimeout("read timed out"), created()]
    )
    outbox = zendesk_outbox(InMemoryStore(), clock)
    outbox.enqueue(package)

    assert outbox.deliver_due().retrying == [ID]
    assert next_in(outbox.get(ID), clock) == 30
    assert outbox.deliver_due().summary() == "0 delivered, 0 retrying later, 0 failed, 0 skipped"
    clock.advance(30)
    assert outbox.deliver_due().retrying == [ID]
    assert next_in(outbox.get(ID), clock) == 60
    clock.advance(60)
    assert outbox.deliver_due().delivered == [ID]

    clock.advance(86_400)
    assert outbox.deliver_due().delivered == [] and outbox.deliver(ID) == "skipped"
    assert route.call_count == 3
    assert {c.request.headers["idempotency-key"] for c in route.calls} == {ID}
    item = outbox.get(ID)
    assert (item.status, item.external_id, item.delivered_to) == ("delivered", "35436", "zendesk")
    assert item.external_url == "https://acme.zendesk.com/agent/tickets/35436"
    assert (item.attempts, item.failures, item.lease_owner) == (3, 2, None)
    assert [a.outcome for a in item.history] == ["retry", "retry", "delivered"]
    assert outbox.pending() == []


def test_the_same_key_twice_is_one_item(package, clock):
    outbox = Outbox(InMemoryStore(), CountingHelpdesk(), clock, settle_s=0)
    first = outbox.enqueue(package)
    clock.advance(5)
    again = outbox.enqueue(make_package(summary="a retried node wrote another summary"))
    assert again == first and len(outbox.items()) == 1
    outbox.deliver_due()
    assert outbox.enqueue(package).status == "delivered"  # not queued a second time
    assert outbox.deliver_due().delivered == [] and outbox.helpdesk.sent == [ID]


def test_pending_items_survive_a_restart(tmp_path, mock, package, clock):
    path = str(tmp_path / "conversations.sqlite")
    route = mock.post(TICKETS).mock(side_effect=[httpx.Response(500), created()])
    storage = sqlite_storage(path)
    outbox = zendesk_outbox(storage.store, clock)
    outbox.enqueue(package)
    outbox.deliver_due()
    storage.close()

    reopened = sqlite_storage(path)
    try:
        again = zendesk_outbox(reopened.store, clock)
        (item,) = again.pending()
        assert (item.id, item.failures, item.last_error) == (
            ID,
            1,
            "zendesk POST /api/v2/tickets: HTTP 500",
        )
        assert HandoffPackage(**item.package) == package
        clock.advance(30)
        assert again.deliver_due().delivered == [ID]
        assert route.call_count == 2
    finally:
        reopened.close()


def test_a_live_lease_held_by_another_sender_prevents_a_second_send(package, clock):
    store = InMemoryStore()
    helpdesk = CountingHelpdesk()
    ours = Outbox(store, helpdesk, clock, owner="host-b:2", settle_s=0)
    ours.enqueue(package)
    # another process has claimed it and is sending it right now
    theirs = Outbox(store, CountingHelpdesk(), clock, owner="host-a:1", settle_s=0)
    claimed = theirs.ledger.claim(ID, theirs.owner, clock(), lease_s=120)
    assert claimed.lease_owner.startswith("host-a:1:")

    assert ours.due() == [] and ours.deliver(ID) == "skipped"
    assert ours.deliver_due().delivered == [] and helpdesk.sent == []

    clock.advance(121)  # host-a died mid-send; its lease ran out
    assert ours.deliver_due().delivered == [ID]
    assert helpdesk.sent == [ID]


def test_two_threads_delivering_at_once_send_once(tmp_path, clock):
    storage = sqlite_storage(str(tmp_path / "conversations.sqlite"))
    helpdesk = CountingHelpdesk(delay_s=0.2)
    senders = [Outbox(storage.store, helpdesk, clock, owner=f"t{n}") for n in range(2)]
    for n in range(3):
        senders[0].enqueue(make_package(id=f"HO-0000000{n}"))
    start = threading.Barrier(2)
    reports = []

    def run(outbox):
        start.wait()
        reports.append(outbox.deliver_due())

    threads = [threading.Thread(target=run, args=(o,)) for o in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    storage.close()
    assert sorted(helpdesk.sent) == ["HO-00000000", "HO-00000001", "HO-00000002"]
    assert sorted(i for r in reports for i in r.delivered) == sorted(helpdesk.sent)


def test_the_backoff_doubles_up_to_the_cap_then_gives_up_kept(mock, package, clock):
    settings = ZD_SETTINGS.model_copy(
        update={"backoff_s": 30, "backoff_cap_s": 240, "max_attempts": 6}
    )
    route = mock.post(TICKETS).respond(500, json={"error": "InternalError"})
    outbox = zendesk_outbox(InMemoryStore(), clock, settings)
    outbox.enqueue(package)
    waits = []
    for _ in range(5):
        assert outbox.deliver_due().retrying == [ID]
        item = outbox.get(ID)
        waits.append(next_in(item, clock))
        clock.advance(waits[-1] - 1)
        assert outbox.deliver_due().retrying == []  # one second early: nothing is sent
        clock.advance(1)
    assert waits == [30, 60, 120, 240, 240]
    assert outbox.deliver_due().failed == [ID]
    item = outbox.get(ID)
    assert item.status == "failed" and item.last_error.startswith("gave up after 6 failed attempts")
    clock.advance(86_400)
    outbox.deliver_due()
    assert route.call_count == 6  # failed items wait for a person


def test_429_waits_what_retry_after_says_and_is_not_a_failure(mock, package, clock):
    mock.post(TICKETS).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "93"}),
            httpx.Response(503, headers={"Retry-After": "600"}),
            created(),
        ]
    )
    outbox = zendesk_outbox(InMemoryStore(), clock)
    outbox.enqueue(package)
    outbox.deliver_due()
    item = outbox.get(ID)
    assert (next_in(item, clock), item.failures, item.attempts) == (93, 0, 1)
    assert item.history[-1].outcome == "rate_limited"
    clock.advance(93)
    outbox.deliver_due()
    item = outbox.get(ID)
    assert (next_in(item, clock), item.failures) == (600, 1)  # longer than the 30 s backoff
    clock.advance(600)
    assert outbox.deliver_due().delivered == [ID]


def test_a_refusal_is_kept_as_failed_until_retried_by_hand(mock, package, clock, caplog):
    route = mock.post(TICKETS).mock(
        side_effect=[
            httpx.Response(401, json={"error": "Couldn't authenticate you"}),
            created(),
        ]
    )
    outbox = zendesk_outbox(InMemoryStore(), clock)
    outbox.enqueue(package)
    with caplog.at_level(logging.INFO, logger="agent.helpdesk.outbox"):
        assert outbox.deliver_due().failed == [ID]
    item = outbox.get(ID)
    assert item.status == "failed" and "HTTP 401: Couldn't authenticate you" in item.last_error
    (line,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert f"escalate outbox --retry {ID}" in line.getMessage()

    clock.advance(86_400)
    assert outbox.deliver_due().failed == [] and route.call_count == 1  # not hammered
    assert outbox.retry(ID).status == "pending"
    assert outbox.deliver_due().delivered == [ID]


def test_retry_refuses_what_it_cannot_do(package, clock):
    outbox = Outbox(InMemoryStore(), CountingHelpdesk(), clock, settle_s=0)
    with pytest.raises(InputError, match="no outbox item 'HO-NOPE'"):
        outbox.retry("HO-NOPE")
    outbox.enqueue(package)
    outbox.deliver_due()
    with pytest.raises(InputError, match="already delivered to counting as T-HO-1A2B3C4D"):
        outbox.retry(ID)


def test_a_failed_freshdesk_note_resumes_on_the_same_ticket_after_a_restart(
    tmp_path, mock, package, clock
):
    create = mock.post(f"{FD_SITE}/api/v2/tickets").respond(201, json=ticket())
    add_note = mock.post(f"{FD_SITE}/api/v2/tickets/1042/notes").mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json=note())]
    )
    path = str(tmp_path / "conversations.sqlite")
    storage = sqlite_storage(path)
    outbox = Outbox(storage.store, Freshdesk(FD_SETTINGS), clock, settings=FD_SETTINGS, settle_s=0)
    outbox.enqueue(package)
    assert outbox.deliver_due().retrying == [ID]
    assert outbox.get(ID).progress == {"create_sent": True, "ticket_id": 1042}
    storage.close()

    reopened = sqlite_storage(path)
    try:
        again = Outbox(reopened.store, Freshdesk(FD_SETTINGS), clock, settings=FD_SETTINGS)
        clock.advance(30)
        assert again.deliver_due().delivered == [ID]
    finally:
        reopened.close()
    assert create.call_count == 1 and add_note.call_count == 2


def test_an_adapter_bug_is_recorded_then_raised(package, clock):
    outbox = Outbox(InMemoryStore(), BrokenHelpdesk(), clock, settle_s=0)
    outbox.enqueue(package)
    with pytest.raises(KeyError):
        outbox.deliver_due()
    item = outbox.get(ID)
    assert item.status == "pending" and item.lease_owner is None
    assert item.last_error == "internal error: KeyError('ticket')"
    assert next_in(item, clock) == 30  # not retried in a tight loop


def test_each_transient_failure_is_one_clear_log_line(package, clock, caplog):
    outbox = Outbox(InMemoryStore(), CountingHelpdesk(failures=1), clock, settle_s=0)
    outbox.enqueue(package)
    with caplog.at_level(logging.INFO, logger="agent.helpdesk.outbox"):
        outbox.deliver_due()
    (line,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert line.getMessage() == (
        f"handoff {ID} not delivered to counting (attempt 1): counting: HTTP 503: down; "
        "kept, next attempt at 2026-11-21T15:00:30+00:00 (in 30s)"
    )


def test_deliver_due_takes_the_longest_waiting_first_up_to_the_limit(clock):
    helpdesk = CountingHelpdesk()
    outbox = Outbox(InMemoryStore(), helpdesk, clock, settle_s=0)
    for n in range(5):
        outbox.enqueue(make_package(id=f"HO-{n}"))
        clock.advance(1)
    report = outbox.deliver_due(limit=2)
    assert report.delivered == ["HO-0", "HO-1"] and helpdesk.sent == ["HO-0", "HO-1"]
    seen = []
    outbox.deliver_due(on_each=lambda item_id, outcome: seen.append((item_id, outcome)))
    assert seen == [("HO-2", "delivered"), ("HO-3", "delivered"), ("HO-4", "delivered")]


def test_a_lost_lease_only_keeps_a_delivery(package, clock):
    store = InMemoryStore()
    outbox = Outbox(store, CountingHelpdesk(), clock, settle_s=0)
    outbox.enqueue(package)
    mine = outbox.ledger.claim(ID, "a", clock(), 120)
    taken = mine.model_copy(update={"lease_owner": "b:1"})
    outbox.ledger.put(taken)  # our lease expired and b claimed the item
    assert outbox.ledger.release(mine, status="failed", last_error="x") == "b:1"
    assert outbox.get(ID).lease_owner == "b:1" and outbox.get(ID).status == "pending"
    assert outbox.ledger.release(mine, status="delivered", external_id="T-1") == "b:1"
    assert outbox.get(ID).status == "delivered"


def test_programming_errors_raise_clearly(package):
    naive = Outbox(InMemoryStore(), CountingHelpdesk(), lambda: datetime(2026, 11, 21))
    with pytest.raises(ValueError, match="timezone-aware"):
        naive.enqueue(package)
    outbox = Outbox(InMemoryStore(), CountingHelpdesk(), lambda: NOW)
    for key in ("", "   ", "k" * 256):
        with pytest.raises(InputError, match="outbox key"):
            outbox.enqueue(package, key)


def test_a_real_handoff_reaches_the_local_inbox_during_the_turn(tmp_path):
    from agent.helpdesk import make_outbox
    from agent.helpdesk.local_inbox import LocalInbox
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever
    from tests.helpdesk.conftest import DANA

    def clock():
        return datetime(2026, 11, 21, 15, 0, tzinfo=UTC)

    settings = Settings.load(data_dir=tmp_path / "data", store_name="Northwind")
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), clock=clock)
    reply = agent.send(
        "c1", "My order NW-10482 arrived torn. Can I talk to a human please?", customer=DANA
    )
    assert reply.kind == "handoff"
    outbox = make_outbox(HelpdeskSettings(), agent.store, clock=clock)
    # the handoff node queued it and the runtime sent it at once: nothing is left to send
    assert outbox.enqueue(reply.handoff).status == "delivered"
    assert outbox.deliver_due().delivered == []
    (t,) = LocalInbox(agent.store).tickets()
    assert t.id == reply.handoff.id and t.handoff() == reply.handoff
    assert t.subject.endswith(f"[{reply.handoff.id}]") and "escalate_trigger_explicit" in t.tags
    assert outbox.get(reply.handoff.id).delivered_at == clock().isoformat()
