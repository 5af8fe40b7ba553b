"""Conversation ids with URL-special characters (``/``, ``?``, ``#``, ``%``, spaces, accents):
every id the runtime accepts works in the API's paths, the inbox's links and its forms; an
id the runtime refuses is a 400, and an id sent unencoded is a 404 that says how to encode it."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from agent.service.app import create_app
from agent.service.client import conversation_path
from agent.service.paths import route_path, segment

ODD_IDS = ["shop/a 1", "x?y#z", "50%off", "a%2Fb", "café/ü+1", "//lead/"]


def test_the_routed_path_keeps_an_encoded_slash_inside_its_segment():
    assert route_path(b"/inbox/shop%2Fa%201") == "/inbox/shop%2Fa 1"
    assert route_path(b"/inbox/a%252Fb/reply") == "/inbox/a%252Fb/reply"
    assert route_path(b"/inbox/caf%C3%A9%2f") == "/inbox/café%2F"
    assert route_path(b"/inbox/plain%20id") is None  # nothing kept: the server's path stands
    assert route_path(b"/inbox/a%2Fb?x=%2F") == "/inbox/a%2Fb"  # never the query


@pytest.mark.parametrize("cid", ODD_IDS)
def test_the_widget_api_takes_any_id_the_runtime_accepts(agent, serve, cid):
    live = serve(agent, dev=True, scheduler=False)
    base = f"{live.url}/v1/conversations/{segment(cid)}"
    with httpx.Client(timeout=30) as http:
        sent = http.post(f"{base}/messages", json={"text": "Where is my order?"})
        assert sent.status_code == 200, sent.text
        assert sent.json()["conversation_id"] == cid
        button = http.post(f"{base}/talk-to-person", json={})
        assert button.status_code == 200 and button.json()["kind"] == "handoff"
        view = http.get(base)
        assert view.status_code == 200 and view.json()["conversation_id"] == cid
        outcome = http.post(f"{base}/outcomes", json={"kind": "purchase", "order_id": "NW-1"})
        assert outcome.status_code == 201 and outcome.json()["conversation_id"] == cid
        agent_view = http.get(f"{live.url}{conversation_path(cid)}")
        assert agent_view.status_code == 200 and agent_view.json()["mode"] == "human"
        with http.stream("GET", f"{base}/events", params={"after": 0}) as stream:
            assert stream.status_code == 200
    assert agent.conversation(cid).mode == "human"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.mark.parametrize("cid", ODD_IDS)
def test_the_inbox_links_and_forms_reach_the_conversation(agent, cid):
    agent.send(cid, "I want to talk to a person")
    agent.request_human(cid)
    client = TestClient(create_app(agent, dev=True, scheduler=False))
    inbox = client.get("/inbox").text
    href = f"/inbox/{segment(cid)}"
    assert f'href="{href}"' in inbox
    page = client.get(href)
    assert page.status_code == 200 and "Conversation" in page.text
    assert f'action="{href}/reply"' in page.text
    csrf = _csrf(page.text)
    picked = client.post(f"{href}/pickup", data={"csrf": csrf}, follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"] == f"{href}?done=picked_up"
    sent = client.post(f"{href}/reply", data={"csrf": csrf, "text": "On it."})
    assert sent.status_code == 200 and "Your reply was sent" in sent.text
    assert agent.conversation(cid).transcript[-1].text == "On it."


def test_a_login_sends_the_agent_back_to_the_same_odd_conversation(agent):
    from agent.service.auth import hash_key

    agent.request_human("shop/a 1")
    client = TestClient(
        create_app(agent, api_keys={"agent": [hash_key("k-agent")]}, scheduler=False)
    )
    refused = client.get(f"/inbox/{segment('shop/a 1')}", follow_redirects=False)
    assert refused.status_code == 303
    next_path = re.search(r"next=([^&]+)", refused.headers["location"]).group(1)
    form = {"csrf": _csrf(client.get("/login").text), "role": "agent", "key": "k-agent",
            "next": next_path}  # fmt: skip
    landed = client.post("/login", data=form, follow_redirects=False)
    assert landed.headers["location"] == "/inbox/shop%2Fa%201"
    assert client.get(landed.headers["location"]).status_code == 200


def test_a_bad_or_unencoded_id_is_a_clear_error(agent):
    client = TestClient(create_app(agent, dev=True, scheduler=False))
    control = client.post("/v1/conversations/a%0Ab/messages", json={"text": "hi"})
    assert control.status_code == 400
    assert control.json()["error"]["code"] == "invalid_input"
    assert "control characters" in control.json()["error"]["message"]
    long = client.post(f"/v1/conversations/{'x' * 201}/messages", json={"text": "hi"})
    assert long.status_code == 400 and "at most 200" in long.json()["error"]["message"]
    raw = client.post("/v1/conversations/shop/a/messages", json={"text": "hi"})
    assert raw.status_code == 404 and "%2F" in raw.json()["error"]["message"]
    assert agent.conversation("shop/a").mode == "new"  # nothing was written
    elsewhere = client.get("/v1/nothing-here")
    assert elsewhere.status_code == 404 and "%2F" not in elsewhere.json()["error"]["message"]


def test_the_http_log_and_metrics_name_the_route_template(agent, caplog):
    client = TestClient(create_app(agent, dev=True, scheduler=False))
    with caplog.at_level("INFO", logger="escalate.http"):
        client.post(f"/v1/conversations/{quote('a/b', safe='')}/messages", json={"text": "hi"})
    line = json.loads(next(r.getMessage() for r in caplog.records if r.name == "escalate.http"))
    assert line["route"] == "/v1/conversations/{conversation_id}/messages"
    assert line["conversation_id"] == "a/b"


def test_the_inbox_pages_log_their_conversation_id(agent, caplog):
    agent.request_human("shop/a 1")
    client = TestClient(create_app(agent, dev=True, scheduler=False))
    with caplog.at_level("INFO", logger="escalate.http"):
        assert client.get(f"/inbox/{segment('shop/a 1')}").status_code == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "escalate.http"]
    assert lines[-1]["route"] == "/inbox/{conversation_id}"
    assert lines[-1]["conversation_id"] == "shop/a 1"


def test_url_for_encodes_an_id_as_one_segment(agent):
    app = create_app(agent, dev=True, scheduler=False)
    path = app.url_path_for("post_message", conversation_id="shop/a 1?")
    assert path == "/v1/conversations/shop%2Fa%201%3F/messages"
    assert TestClient(app).post(path, json={"text": "hi"}).json()["conversation_id"] == "shop/a 1?"
