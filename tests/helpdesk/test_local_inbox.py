"""The built-in inbox: persistent, idempotent on the key, listable."""

from langgraph.store.memory import InMemoryStore

from agent.helpdesk.local_inbox import LocalInbox
from agent.storage import sqlite_storage
from tests.helpdesk.conftest import make_package


def test_a_delivery_is_a_ticket_with_the_handoff_id(package, clock):
    inbox = LocalInbox(InMemoryStore(), clock)
    receipt = inbox.deliver(package, "HO-1A2B3C4D")
    assert receipt.external_id == "HO-1A2B3C4D" and receipt.url is None
    (ticket,) = inbox.tickets()
    assert ticket.subject == "Order problem: Dana Reyes [HO-1A2B3C4D]"
    assert ticket.route == "orders" and ticket.status == "open"
    assert "escalate_trigger_explicit" in ticket.tags
    assert ticket.handoff() == package
    assert inbox.ticket("HO-1A2B3C4D") == ticket


def test_the_same_key_twice_is_one_ticket(package, clock):
    inbox = LocalInbox(InMemoryStore(), clock)
    first = inbox.deliver(package, "HO-1A2B3C4D")
    clock.advance(60)
    assert inbox.deliver(package, "HO-1A2B3C4D") == first
    assert len(inbox.tickets()) == 1


def test_tickets_survive_a_restart(tmp_path, clock):
    path = str(tmp_path / "conversations.sqlite")
    storage = sqlite_storage(path)
    LocalInbox(storage.store, clock).deliver(make_package(), "HO-1A2B3C4D")
    LocalInbox(storage.store, clock).deliver(make_package(id="HO-99999999"), "HO-99999999")
    storage.close()

    reopened = sqlite_storage(path)
    try:
        tickets = LocalInbox(reopened.store, clock).tickets(status="open")
        assert [t.id for t in tickets] == ["HO-1A2B3C4D", "HO-99999999"]
    finally:
        reopened.close()
