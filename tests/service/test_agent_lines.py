"""An agent's reply written on our side (the inbox page, the API) reaches the vendor's ticket
too, as an internal note through the outbox (respx stands in for each vendor's API); it never
comes back to the shopper as a second reply, and a reply taken from the ticket is not copied
back to it."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from agent.service.app import create_app
from tests.service.hooks_support import (
    fixture,
    hand_off,
    hooks_settings,
    make_agent,
    shared_headers,
    zendesk_headers,
)

BASE = "http://127.0.0.1:9"  # hooks_settings' base_url: respx answers, nothing is sent
TICKET = "35436"
LINE = "Hi Dana, I've refunded order NW-10482 in full; it shows within 2 days."
NOTE = f"Sam (in the chat, sent to the shopper): {LINE}"


def vendor_api(mock: respx.MockRouter, vendor: str) -> respx.Route:
    """The create-ticket answer, and the route the ticket's lines go to."""
    if vendor == "zendesk":
        mock.post("/api/v2/tickets").mock(
            return_value=httpx.Response(201, json={"ticket": {"id": int(TICKET)}})
        )
        return mock.put(f"/api/v2/tickets/{TICKET}").mock(
            return_value=httpx.Response(200, json={"ticket": {"id": int(TICKET)}})
        )
    if vendor == "freshdesk":
        mock.post("/api/v2/tickets").mock(return_value=httpx.Response(201, json={"id": 35436}))
        return mock.post(f"/api/v2/tickets/{TICKET}/notes").mock(
            return_value=httpx.Response(201, json={"id": 5001})
        )
    mock.post("/api/tickets").mock(return_value=httpx.Response(201, json={"id": 35436}))
    return mock.post(f"/api/tickets/{TICKET}/messages").mock(
        return_value=httpx.Response(201, json={"id": 7001})
    )


def posted_note(vendor: str, body: dict[str, Any]) -> str:
    """The line as the vendor got it, checked to be private (never sent to the shopper)."""
    if vendor == "zendesk":
        comment = body["ticket"]["comment"]
        assert comment["public"] is False
        return str(comment["body"])
    if vendor == "freshdesk":
        assert body["private"] is True
        return str(body["body"])
    assert body["channel"] == "internal-note" and body["from_agent"] is True
    assert body["sender"]["email"] == "bot@northwind.example"  # the API user, not the shopper
    return str(body["body_text"])


def echo(client: TestClient, vendor: str, hid: str, text: str, comment_id: str) -> dict:
    """The vendor's webhook sending a line back as if an agent had replied publicly."""
    if vendor == "zendesk":
        comment = {"id": comment_id, "public": True, "author": "Sam", "body": text}
        body = fixture("zendesk_reply.json", external_id=hid, ticket_id=TICKET, comment=comment)
        headers = zendesk_headers(body)
    elif vendor == "freshdesk":
        body = fixture("freshdesk_reply.json", ticket_id=TICKET, comment=f"<div>{text}</div>")
        headers = shared_headers()
    else:
        message = {"id": comment_id, "from_agent": "True", "public": "True", "channel": "email",
                   "sender": "Sam", "body_text": text}  # fmt: skip
        body = fixture("gorgias_message_agent.json", external_id=hid, ticket_id=TICKET,
                       message=message)  # fmt: skip
        headers = shared_headers()
    answer = client.post(f"/v1/webhooks/{vendor}", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.mark.parametrize("vendor", ["zendesk", "freshdesk", "gorgias"])
def test_a_reply_on_our_inbox_page_reaches_the_ticket_once_and_never_loops(tmp_path, vendor):
    agent = make_agent(hooks_settings(tmp_path, kind=vendor, base_url=BASE))
    try:
        with respx.mock(base_url=BASE, assert_all_called=False) as mock:
            lines = vendor_api(mock, vendor)
            hid = hand_off(agent)
            assert agent.deliver_pending().delivered == [hid]
            assert agent.outbox.get(hid).external_id == TICKET
            before = lines.call_count  # Freshdesk's ticket has its context note already

            client = TestClient(create_app(agent, dev=True, scheduler=False))
            login = {"csrf": csrf(client.get("/login").text), "role": "agent", "name": "Sam"}
            client.post("/login", data=login)
            token = csrf(client.get("/inbox/web-7f3a").text)
            client.post("/inbox/web-7f3a/pickup", data={"csrf": token})
            sent = client.post("/inbox/web-7f3a/reply", data={"csrf": token, "text": LINE})
            assert sent.status_code == 200 and "Your reply was sent" in sent.text

            [queued] = [i for i in agent.outbox.items() if i.kind == "comment"]
            assert (queued.text, queued.author, queued.handoff_id) == (LINE, "Sam", hid)
            report = agent.deliver_pending()
            assert report.delivered == [queued.id], report.summary()
            assert lines.call_count == before + 1
            note = posted_note(vendor, json.loads(lines.calls.last.request.content))
            assert note == NOTE or note == NOTE.replace("'", "&#x27;")  # Freshdesk's is HTML
            assert agent.deliver_pending().delivered == []  # delivered once

            # the vendor sends it back (a trigger on any comment): neither form is a new reply
            for n, text in enumerate((NOTE, LINE)):
                back = echo(client, vendor, hid, text, f"90000{n}")
                assert back["status"] in ("ignored", "duplicate"), back
            # a real reply written on the ticket reaches the shopper, and is not copied back
            fresh = "Your refund reference is RF-2291."
            taken = echo(client, vendor, hid, fresh, "900099")
            assert taken["action"] == "agent_message", taken
            agent.deliver_pending()
            assert lines.call_count == before + 1
        shown = [(i.kind, i.text) for i in agent.feed.since("web-7f3a")]
        assert shown == [("picked_up", ""), ("agent_message", LINE), ("agent_message", fresh)]
        assert [i.author for i in agent.outbox.items() if i.kind == "comment"] == ["Sam"]
    finally:
        agent.close()


def test_the_agent_api_and_the_webhook_adapter_copy_the_line_too(tmp_path):
    agent = make_agent(hooks_settings(tmp_path, kind="webhook"))
    try:
        with respx.mock(assert_all_called=False) as mock:
            hook = mock.post("http://127.0.0.1:9/").mock(
                return_value=httpx.Response(200, json={"ticket_id": "T-9"})
            )
            hid = hand_off(agent)
            agent.deliver_pending()
            client = TestClient(create_app(agent, dev=True, scheduler=False))
            done = client.post(
                "/v1/agent/conversations/web-7f3a/reply", json={"text": LINE, "agent": "Sam"}
            )
            assert done.status_code == 200, done.text
            agent.deliver_pending()
            event = json.loads(hook.calls.last.request.content)
        assert event["event"] == "agent.message"
        assert (event["agent"], event["text"], event["handoff_id"]) == ("Sam", LINE, hid)
    finally:
        agent.close()


def test_the_local_inbox_and_a_conversation_without_a_ticket_queue_nothing(tmp_path):
    agent = make_agent(hooks_settings(tmp_path, kind="local"))
    try:
        hand_off(agent)
        agent.agent_message("web-7f3a", LINE, agent="Sam")
        assert [i.kind for i in agent.outbox.items()] == ["handoff"]
    finally:
        agent.close()
