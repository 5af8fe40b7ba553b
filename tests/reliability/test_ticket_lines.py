"""A shopper writing while a person owns the chat: each line reaches their ticket, once, in
order, through the outbox's lease and retries (against a fake helpdesk over real HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.reliability.fake_helpdesk import FakeHelpdesk, serving
from tests.service.hooks_support import DANA, hand_off, hooks_settings, make_agent

LINES = ["Also the second tee has a stain.", "Order NW-10482, size M."]


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def _texts(vendor: str, lines: list) -> list[str]:
    if vendor == "zendesk":
        assert all(line["public"] is False for line in lines)  # never emailed to the shopper
        return [line["body"] for line in lines]
    if vendor == "freshdesk":
        assert all(line["private"] is True for line in lines)
        return [line["body"] for line in lines]
    if vendor == "webhook":
        assert all(line["event"] == "shopper.message" for line in lines)
        return [line["text"] for line in lines]
    assert all(line["from_agent"] is False for line in lines)  # Gorgias: the customer's message
    assert all(line["sender"]["email"] == DANA["email"] for line in lines)
    return [line["body_text"] for line in lines]


@pytest.mark.parametrize("vendor", ["zendesk", "freshdesk", "gorgias", "webhook"])
def test_lines_wait_for_the_ticket_then_arrive_once_in_order(tmp_path, vendor):
    fake, clock = FakeHelpdesk(), Clock()
    with serving(fake) as url:
        agent = make_agent(hooks_settings(tmp_path, kind=vendor, base_url=url), clock)
        try:
            hid = hand_off(agent)
            fake.fail_next = 1  # the ticket's create fails once: the lines must wait for it
            for line in LINES:
                clock.advance(1)
                reply = agent.send("web-7f3a", line, customer=DANA)
                assert reply.kind == "with_human"
            report = agent.deliver_pending()
            assert report.delivered == [] and len(report.retrying) == 3
            waiting = [i for i in agent.outbox.items() if i.kind == "comment"]
            assert [i.text for i in waiting] == LINES
            assert all(
                i.failures == 0 and "not delivered yet" in (i.last_error or "") for i in waiting
            )
            clock.advance(120)
            report = agent.deliver_pending()
            assert len(report.delivered) == 3, report.summary()
            ticket = agent.outbox.get(hid)
            assert ticket is not None and ticket.status == "delivered"
            clock.advance(3600)
            assert agent.deliver_pending().delivered == []  # nothing is sent twice
            texts = _texts(vendor, fake.lines(ticket.external_id))
            assert [t.removeprefix("Shopper (via chat): ") for t in texts] == LINES
            assert list(fake.created().values()) == [1]  # one ticket, whatever the retries
        finally:
            agent.close()


def test_a_retried_message_queues_its_line_once(tmp_path):
    agent = make_agent(hooks_settings(tmp_path))
    try:
        hand_off(agent)
        for _ in range(2):  # the widget retries with the same message id
            agent.send("web-7f3a", LINES[0], customer=DANA, message_id="m-77")
        assert [i.text for i in agent.outbox.items() if i.kind == "comment"] == [LINES[0]]
    finally:
        agent.close()


def test_the_local_inbox_needs_no_lines(tmp_path):
    agent = make_agent(hooks_settings(tmp_path, kind="local"))
    try:
        hand_off(agent)
        agent.send("web-7f3a", LINES[0], customer=DANA)
        assert [i.kind for i in agent.outbox.items()] == ["handoff"]
    finally:
        agent.close()
