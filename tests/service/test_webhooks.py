"""Inbound helpdesk webhooks: each vendor's scheme, the runtime calls, replays, the loop guard.

Payload shapes: tests/fixtures/webhooks/ (SOURCES.md says where each comes from).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.service.app import create_app
from tests.service.hooks_support import (
    FIXTURES,
    fixture,
    hand_off,
    hooks_settings,
    live_server,
    make_agent,
    mark_delivered,
    relay_headers,
    shared_headers,
    standard_headers,
    zendesk_headers,
)

SAM = "Hi Dana, I've issued a full refund for order NW-10482; you'll see it within 2 days."


@pytest.fixture
def agent(tmp_path):
    agent = make_agent(hooks_settings(tmp_path))
    yield agent
    agent.close()


@pytest.fixture
def client(agent):
    app = create_app(agent)
    published: list[tuple[str, dict]] = []
    app.state.hub.publish = lambda cid, event: published.append((cid, event))
    client = TestClient(app)
    client.published = published  # type: ignore[attr-defined]
    return client


def feed(agent, cid="web-7f3a"):
    return [(i.kind, i.text, i.agent) for i in agent.feed.since(cid)]


def zendesk_post(client, name, handoff_id, **changes):
    body = fixture(name, **{"external_id": handoff_id, **changes})
    return client.post("/v1/webhooks/zendesk", content=body, headers=zendesk_headers(body))


def test_zendesk_reply_reaches_the_shopper_once(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    body = fixture("zendesk_reply.json", external_id=hid)
    headers = zendesk_headers(body)
    first = client.post("/v1/webhooks/zendesk", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "applied" and first.json()["action"] == "agent_message"
    assert feed(agent) == [("agent_message", SAM, "Sam Lee")]
    assert client.published == [
        ("web-7f3a", {"kind": "agent_message", "conversation_id": "web-7f3a"})
    ]
    transcript = agent.conversation("web-7f3a").transcript
    assert transcript[-1].role == "agent" and transcript[-1].text == SAM
    # the very same request again (a replay, or Zendesk retrying): nothing changes
    again = client.post("/v1/webhooks/zendesk", content=body, headers=headers)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    # and so with a fresh signature: the event (ticket + comment id) was taken
    assert zendesk_post(client, "zendesk_reply.json", hid).json()["status"] == "duplicate"
    assert feed(agent) == [("agent_message", SAM, "Sam Lee")]
    assert len(agent.conversation("web-7f3a").transcript) == len(transcript)


def test_zendesk_found_by_ticket_id_when_the_external_id_is_not_sent(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    answer = zendesk_post(client, "zendesk_reply.json", hid, external_id="")
    assert answer.json()["conversation_id"] == "web-7f3a"
    other = zendesk_post(client, "zendesk_reply.json", hid, external_id="", ticket_id="99999")
    assert other.json()["status"] == "ignored" and "no handoff" in other.json()["detail"]


def test_zendesk_signature_and_timestamp_are_checked(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    body = fixture("zendesk_reply.json", external_id=hid)
    forged = client.post(
        "/v1/webhooks/zendesk", content=body, headers=zendesk_headers(body, secret="not-the-secret")
    )
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_signature"
    tampered = client.post(
        "/v1/webhooks/zendesk",
        content=body.replace(b"2 days", b"2 hours"),
        headers=zendesk_headers(body),
    )
    assert tampered.status_code == 401
    stale = datetime.now(UTC) - timedelta(minutes=10)
    old = client.post("/v1/webhooks/zendesk", content=body, headers=zendesk_headers(body, stale))
    assert old.status_code == 401 and "tolerance" in old.json()["error"]["message"]
    unsigned = client.post("/v1/webhooks/zendesk", content=body)
    assert unsigned.status_code == 401
    assert feed(agent) == []


def test_zendesk_internal_note_never_reaches_the_shopper(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    answer = zendesk_post(client, "zendesk_note.json", hid)
    assert answer.status_code == 200 and answer.json()["status"] == "ignored"
    assert feed(agent) == [] and client.published == []
    assert all(t.role != "agent" for t in agent.conversation("web-7f3a").transcript)


def test_zendesk_assignment_then_solved(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    assigned = zendesk_post(client, "zendesk_assigned.json", hid)
    assert assigned.json()["action"] == "picked_up"
    assert zendesk_post(client, "zendesk_assigned.json", hid).json()["status"] == "duplicate"
    zendesk_post(client, "zendesk_reply.json", hid)
    solved = zendesk_post(client, "zendesk_solved.json", hid)
    assert solved.json()["action"] == "resolve", solved.json()
    assert [k for k, _, _ in feed(agent)] == ["picked_up", "agent_message", "resolved"]
    view = agent.conversation("web-7f3a")
    assert view.mode == "bot"
    # no resolution field (the placeholder was empty): the ticket's last public reply
    assert SAM in view.resolution["text"]
    assert zendesk_post(client, "zendesk_solved.json", hid).json()["status"] == "duplicate"
    # closed after solved is the same event
    assert (
        zendesk_post(client, "zendesk_solved.json", hid, status="closed").json()["status"]
        == "duplicate"
    )


def test_a_reply_after_the_conversation_went_back_is_ignored_not_an_error(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    agent.resolve("web-7f3a", "Refunded.", agent="Sam")
    late = zendesk_post(client, "zendesk_reply.json", hid)
    assert late.status_code == 200 and late.json()["status"] == "ignored"
    assert "not waiting for a person" in late.json()["detail"]


def test_freshdesk_shared_secret_reply_assignment_and_resolution(agent, client):
    hand = hand_off(agent)
    mark_delivered(agent, hand, "freshdesk", "1287")
    body = fixture("freshdesk_reply.json")
    assert client.post("/v1/webhooks/freshdesk", content=body).status_code == 401
    wrong = client.post("/v1/webhooks/freshdesk", content=body, headers=shared_headers("x" * 20))
    assert wrong.status_code == 401
    ok = client.post("/v1/webhooks/freshdesk", content=body, headers=shared_headers())
    assert ok.json()["action"] == "agent_message", ok.json()
    line = "Hi Dana,\nI've sent a prepaid return label to dana@example.com.\nPriya"
    assert feed(agent) == [("agent_message", line, "Priya Shah")]
    replay = client.post("/v1/webhooks/freshdesk", content=body, headers=shared_headers())
    assert replay.json()["status"] == "duplicate" and len(feed(agent)) == 1
    assigned = fixture("freshdesk_assigned.json")
    assert (
        client.post(
            "/v1/webhooks/freshdesk", content=assigned, headers=relay_headers(assigned)
        ).json()["action"]
        == "picked_up"
    )
    resolved = fixture("freshdesk_resolved.json")
    done = client.post("/v1/webhooks/freshdesk", content=resolved, headers=shared_headers())
    assert done.json()["action"] == "resolve"
    view = agent.conversation("web-7f3a")
    assert (
        view.mode == "bot"
        and view.resolution["text"] == "Sent a prepaid return label; refund on receipt."
    )


def test_the_relay_signature_is_checked_with_its_timestamp(agent, client):
    hand = hand_off(agent)
    mark_delivered(agent, hand, "freshdesk", "1287")
    body = fixture("freshdesk_reply.json")
    old = relay_headers(body, at=int(datetime.now(UTC).timestamp()) - 900)
    assert client.post("/v1/webhooks/freshdesk", content=body, headers=old).status_code == 401
    signed_other = relay_headers(b"{}")
    assert (
        client.post("/v1/webhooks/freshdesk", content=body, headers=signed_other).status_code == 401
    )
    assert feed(agent) == []


def test_gorgias_agent_message_customer_message_assignment_and_close(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "gorgias", "8812345")

    def post(name):
        body = fixture(name, external_id=hid)
        return client.post("/v1/webhooks/gorgias", content=body, headers=shared_headers()).json()

    assert post("gorgias_message_customer.json")["status"] == "ignored"  # the shopper's own line
    assert post("gorgias_updated_assigned.json")["action"] == "picked_up"
    assert post("gorgias_message_agent.json")["action"] == "agent_message"
    assert post("gorgias_message_agent.json")["status"] == "duplicate"
    assert post("gorgias_updated_closed.json")["action"] == "resolve"
    kinds = [k for k, _, _ in feed(agent)]
    assert kinds == ["picked_up", "agent_message", "resolved"]
    view = agent.conversation("web-7f3a")
    assert view.resolution["text"].startswith("Hello Dana, a replacement tee ships today")


def test_generic_standard_webhooks(agent, client):
    hid = hand_off(agent)
    body = fixture("generic_reply.json", handoff_id=hid)
    headers = standard_headers(body, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
    assert (
        client.post("/v1/webhooks/generic", content=body, headers=headers).json()["status"]
        == "applied"
    )
    assert (
        client.post("/v1/webhooks/generic", content=body, headers=headers).json()["status"]
        == "duplicate"
    )
    bad = dict(headers, **{"webhook-signature": "v1,AAAA"})
    assert client.post("/v1/webhooks/generic", content=body, headers=bad).status_code == 401
    assert feed(agent) == [("agent_message", "Hi Dana, your replacement is on its way.", "Jo")]


def test_unconfigured_or_unknown_vendor_and_bad_bodies(tmp_path, agent, client):
    assert client.post("/v1/webhooks/intercom", content=b"{}").json()["error"]["code"] == (
        "webhook_not_configured"
    )
    bare = make_agent_without_secrets(tmp_path)
    try:
        refused = TestClient(create_app(bare)).post("/v1/webhooks/zendesk", content=b"{}")
        assert refused.status_code == 404
    finally:
        bare.close()
    junk = b"not json"
    answer = client.post("/v1/webhooks/freshdesk", content=junk, headers=shared_headers())
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_payload"
    no_ticket = b'{"event": "reply"}'
    assert (
        client.post(
            "/v1/webhooks/freshdesk", content=no_ticket, headers=shared_headers()
        ).status_code
        == 400
    )


def make_agent_without_secrets(tmp_path):
    from agent.runtime import EscalationAgent
    from agent.settings import Settings
    from tests.fakes import SAMPLE_KB, LexicalRetriever

    return EscalationAgent(
        Settings.load(data_dir=tmp_path / "bare", store_name="Northwind"),
        retriever=LexicalRetriever(SAMPLE_KB),
    )


def test_our_own_line_coming_back_does_not_loop(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    agent.send("web-7f3a", "Also the second tee has a stain.", customer={"name": "Dana Reyes"})
    [line] = [i for i in agent.outbox.items() if i.kind == "comment"]
    assert line.text == "Also the second tee has a stain." and line.handoff_id == hid
    # an admin's trigger that also fires on our comment (made public by someone) sends it back
    comment = {
        "id": "9012345700",
        "public": True,
        "author": "Escalation Bot",
        "body": "Shopper (via chat): Also the second tee has a stain.",
    }
    back = zendesk_post(client, "zendesk_reply.json", hid, comment=comment)
    assert back.json()["status"] == "ignored" and "our own line" in back.json()["detail"]
    assert feed(agent) == []


def test_over_real_http(agent):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    with live_server(create_app(agent)) as base:
        body = fixture("zendesk_reply.json", external_id=hid)
        answer = httpx.post(
            f"{base}/v1/webhooks/zendesk", content=body, headers=zendesk_headers(body)
        )
        assert answer.status_code == 200 and answer.json()["status"] == "applied"
        forged = httpx.post(
            f"{base}/v1/webhooks/zendesk", content=body, headers=zendesk_headers(body, secret="x")
        )
        assert forged.status_code == 401
    assert feed(agent) == [("agent_message", SAM, "Sam Lee")]


def test_fixtures_are_listed_in_sources():
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    for path in FIXTURES.glob("*.json"):
        assert path.name.split("_")[0] + "_" in sources, path.name


def test_erasing_the_conversation_erases_the_sync_records(agent, client):
    hid = hand_off(agent)
    mark_delivered(agent, hid, "zendesk", "35436")
    zendesk_post(client, "zendesk_reply.json", hid)
    agent.send("web-7f3a", "Also the second tee has a stain.", customer={"name": "Dana Reyes"})
    assert agent.store.search(("webhook_events", "zendesk")) and agent.store.search(
        ("ticket_lines", hid)
    )
    agent.forget(conversation="web-7f3a")
    assert agent.store.search(("webhook_events", "zendesk")) == []
    assert agent.store.search(("ticket_lines", hid)) == []
    assert [i for i in agent.outbox.items() if i.conversation_id == "web-7f3a"] == []


def test_zendesk_rendered_placeholders_quoted_empty_or_left_unrendered():
    from agent.helpdesk.inbound.common import fingerprint
    from agent.helpdesk.inbound.zendesk import parse

    def comment(**fields):
        return parse(fixture("zendesk_reply.json", comment={"author": "Sam", **fields}))

    assert comment(public="false", body="x", id="1").kind == "note"  # the quoted template
    assert comment(public="true", body="Sent.", id="1").kind == "reply"
    for missing in ("", "{{ticket.latest_comment.id}}"):  # an id Zendesk did not render
        event = comment(public="true", body="Refund sent.", id=missing)
        assert event.event_id == f"zendesk:35436:comment:{fingerprint('Refund sent.')}"
    assert comment(public="", body="Refund sent.", id="7").kind == "reply"
