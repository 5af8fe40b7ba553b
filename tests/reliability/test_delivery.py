"""Delivery against a fake helpdesk on 127.0.0.1: a hung helpdesk never slows a turn, two
deliverers never send one handoff twice, and a vendor that answers after our timeout
gets no second ticket. (The full table: ``python -m tests.reliability.delivery_campaign``.)
"""

from __future__ import annotations

import time

import pytest

from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.reliability.crash_campaign import HANDOFF_Q
from tests.reliability.delivery_campaign import (
    answered_too_late,
    killed_while_delivering,
    two_deliverers,
    vendor,
)
from tests.reliability.fake_helpdesk import FakeHelpdesk, serving
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)

WEBHOOK_SECRET = "a-plain-shared-secret"


def test_a_hung_helpdesk_adds_nothing_to_a_turn(tmp_path):
    fake = FakeHelpdesk(mode="hang")
    with serving(fake) as url:
        helpdesk = {"kind": "webhook", "webhook": {"url": url, "secret": WEBHOOK_SECRET}}
        settings = Settings.load(
            data_dir=tmp_path / "data", helpdesk={**helpdesk, "timeout_s": 3, "lease_s": 9}
        )
        with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
            started = time.monotonic()
            reply = agent.send("h1", HANDOFF_Q)
            took = time.monotonic() - started
            assert reply.kind == "handoff" and reply.messages
            assert fake.requests == []  # nothing reached the helpdesk during the turn
            assert took < 3.0  # well under the helpdesk timeout
            assert [i.status for i in agent.outbox.items()] == ["pending"]

            report = agent.deliver_pending()  # the wait happens here, off the turn
            assert report.retrying == [reply.handoff.id]
            assert fake.requests == ["POST / (hung)"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_delivering_at_once_make_one_ticket_per_handoff(tmp_path, request, backend):
    url = request.getfixturevalue("database_url") if backend == "postgresql" else None
    for run in range(2):
        tried, survived, lost = two_deliverers(tmp_path / f"run{run}", url)
        assert (tried, survived, lost) == (20, 20, 0)


@pytest.mark.parametrize("kind", ["freshdesk", "gorgias"])
def test_a_ticket_created_but_answered_too_late_is_found_not_made_twice(tmp_path, kind):
    assert answered_too_late(tmp_path, kind) == (8, 8, 0)


@pytest.mark.parametrize("point", ["delivery_claimed", "delivery_sent"])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_deliverer_killed_mid_delivery_leaves_one_ticket(tmp_path, request, backend, point):
    url = request.getfixturevalue("database_url") if backend == "postgresql" else None
    assert killed_while_delivering(tmp_path, url, point) == (1, 1, 0)


def test_the_fake_counts_a_second_create_as_a_duplicate(tmp_path):
    """The checks above can fail: a create with no look-up first does make a second ticket."""
    from agent.helpdesk.freshdesk import Freshdesk
    from agent.helpdesk.settings import HelpdeskSettings
    from tests.helpdesk.conftest import make_package

    with serving(fake := FakeHelpdesk()) as url:
        adapter = Freshdesk(HelpdeskSettings(**vendor("freshdesk", url)))
        adapter.deliver(make_package(), "k")
        adapter.deliver(make_package(), "k")  # no progress kept: it cannot know
        assert fake.created()["ho_1a2b3c4d"] == 2


def test_the_background_deliverer_sends_what_turns_queued_and_stops_on_close(tmp_path):
    with serving(fake := FakeHelpdesk()) as url:
        helpdesk = vendor("freshdesk", url, timeout_s=2, lease_s=6)
        settings = Settings.load(data_dir=tmp_path / "data", helpdesk=helpdesk)
        agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
        reply = agent.send("b1", HANDOFF_Q)
        deliverer = agent.start_delivery(every_s=0.1)
        deadline = time.monotonic() + 30
        while agent.outbox.get(reply.handoff.id).status != "delivered":
            assert time.monotonic() < deadline, "not delivered in the background"
            time.sleep(0.1)
        agent.close()
        assert not deliverer._thread.is_alive()
        assert sum(fake.created().values()) == 1
