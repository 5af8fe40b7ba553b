"""The widget's API over real HTTP on 127.0.0.1: messages as JSON and as server-sent events,
the button, the conversation view, the events stream."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import httpx

from agent.runtime import EscalationAgent
from agent.service.hub import changed
from tests.service.conftest import Live


def parse_sse(text: str) -> list[dict]:
    """Server-sent events as dicts with ``event``, ``data`` (parsed JSON) and ``id``."""
    events = []
    for block in text.split("\n\n"):
        fields: dict = {}
        for raw in block.split("\n"):
            if not raw or raw.startswith(":") or ":" not in raw:
                continue
            name, _, value = raw.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "data" in fields:
            events.append(
                {
                    "event": fields.get("event"),
                    "data": json.loads(fields["data"]),
                    "id": fields.get("id"),
                }
            )
    return events


def test_a_message_over_http_returns_the_reply(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        r = http.post(
            "/v1/conversations/c-http/messages",
            json={
                "text": "How many days do I have to return unworn items?",
                "channel": "chat",
                "locale": "en-US",
            },
        )
        assert r.status_code == 200, r.text
        reply = r.json()
        assert reply["conversation_id"] == "c-http" and reply["kind"] == "answer"
        assert any("within 30 days" in m for m in reply["messages"])
        assert reply["citations"][0]["chunk_id"].startswith("policies/returns.md")
        view = http.get("/v1/conversations/c-http").json()
        assert view["mode"] == "bot"
        assert [t["role"] for t in view["transcript"]][:1] == ["shopper"]
        assert view["transcript"][0]["text"] == "How many days do I have to return unworn items?"
        assert agent.conversation("c-http").transcript == [
            type(agent.conversation("c-http").transcript[0])(**t) for t in view["transcript"]
        ]


def test_the_reply_streams_as_events_with_the_same_content(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        r = http.post(
            "/v1/conversations/c-sse/messages",
            json={"text": "How many days do I have to return unworn items?"},
            headers={"Accept": "text/event-stream"},
        )
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(r.text)
        names = [e["event"] for e in events]
        done = events[-1]["data"]["reply"]
        assert names == ["message"] * len(done["messages"]) + ["citations", "done"]
        assert [e["data"]["text"] for e in events[:-2]] == done["messages"]
        assert events[-2]["data"]["citations"] == done["citations"]
        assert done["kind"] == "answer" and done["conversation_id"] == "c-sse"


def test_a_bad_conversation_id_is_a_json_400_streamed_or_not(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    bad = "%E2%80%8Bx%07"  # percent-encoded control character in the id
    with httpx.Client(base_url=live.url, timeout=30) as http:
        for accept in ("application/json", "text/event-stream"):
            r = http.post(
                f"/v1/conversations/{bad}/messages", json={"text": "hi"}, headers={"Accept": accept}
            )
            assert r.status_code == 400, r.text
            assert r.json()["error"]["code"] == "invalid_input"
            assert "control characters" in r.json()["error"]["message"]


def test_the_button_hands_off_and_the_view_shows_it(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        assert http.get("/v1/conversations/c-btn").status_code == 404
        assert http.get("/v1/conversations/c-btn").json()["error"]["code"] == "not_found"
        r = http.post(
            "/v1/conversations/c-btn/talk-to-person",
            json={"channel": "chat", "timezone": "Europe/Lisbon", "customer": {"name": "Dana"}},
        )
        assert r.status_code == 200, r.text
        assert r.json()["kind"] == "handoff" and r.json()["handoff"]["id"]
        view = http.get("/v1/conversations/c-btn").json()
        assert view["mode"] == "human"
        assert view["handoff"]["id"] == r.json()["handoff"]["id"]
        assert agent.conversation("c-btn").mode == "human"


def _read_events(response: httpx.Response, wanted: int) -> list[dict]:
    """Read an open event stream until ``wanted`` events (the read timeout bounds it)."""
    buffer, events = "", []
    for chunk in response.iter_text():
        buffer += chunk
        events = parse_sse(buffer)
        if len(events) >= wanted:
            break
    return events


def test_events_deliver_a_persons_turn_woken_by_the_hub(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    live.app.state.events_poll_s = 60.0  # only the hub can wake the stream in time
    agent.request_human("c-ev")
    with (
        httpx.Client(base_url=live.url, timeout=httpx.Timeout(10, read=10)) as http,
        http.stream("GET", "/v1/conversations/c-ev/events") as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        deadline = time.monotonic() + 10
        while live.app.state.hub.subscribers("c-ev") == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        agent.picked_up("c-ev", agent="Ana")
        changed(live.app, "c-ev")
        agent.agent_message("c-ev", "Hi, I'm Ana; looking now.", agent="Ana")
        changed(live.app, "c-ev")
        events = _read_events(stream, 2)
    assert [e["event"] for e in events] == ["picked_up", "agent_message"]
    assert events[1]["data"]["text"] == "Hi, I'm Ana; looking now."
    assert events[1]["data"]["agent"] == "Ana"
    assert [int(e["id"]) for e in events] == [i.seq for i in agent.feed.since("c-ev")]
    deadline = time.monotonic() + 10
    while live.app.state.hub.subscribers("c-ev"):  # the stream noticed the client left
        assert time.monotonic() < deadline, "the event stream outlived its client"
        time.sleep(0.05)


def test_events_resume_after_the_last_id_and_see_other_replicas_writes(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    live.app.state.events_poll_s = 0.2
    agent.request_human("c-re")
    agent.picked_up("c-re", agent="Ana")
    first = agent.feed.since("c-re")[0].seq
    with httpx.Client(base_url=live.url, timeout=httpx.Timeout(10, read=10)) as http:
        with http.stream(
            "GET", "/v1/conversations/c-re/events", headers={"Last-Event-ID": str(first)}
        ) as stream:
            # no publish: as if another replica wrote it; the stream re-reads the feed
            agent.agent_message("c-re", "Back in a minute.", agent="Ana")
            events = _read_events(stream, 1)
        assert [e["event"] for e in events] == ["agent_message"]
        with http.stream("GET", f"/v1/conversations/c-re/events?after={first}") as stream:
            assert [e["event"] for e in _read_events(stream, 1)] == ["agent_message"]
        bad = http.get("/v1/conversations/c-re/events", headers={"Last-Event-ID": "x"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_input"


def test_a_restored_transcript_resumes_events_after_what_it_shows(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    """A reloaded widget shows the transcript, then only what came after it, even when a
    person resolves within the same second as their last line (timestamps are whole
    seconds; the feed cursor is not)."""
    live = serve(agent, dev=True)
    live.app.state.events_poll_s = 0.2
    agent.request_human("c-rl")
    agent.picked_up("c-rl", agent="Ana")
    agent.agent_message("c-rl", "Found it, one moment.", agent="Ana")
    with httpx.Client(base_url=live.url, timeout=httpx.Timeout(10, read=10)) as http:
        view = http.get("/v1/conversations/c-rl").json()
        assert view["events_after"] == agent.feed.since("c-rl")[-1].seq
        assert "Found it, one moment." in [t["text"] for t in view["transcript"]]
        agent.resolve("c-rl", "Gift wrap is £3 per item.", agent="Ana")
        with http.stream(
            "GET", f"/v1/conversations/c-rl/events?after={view['events_after']}"
        ) as stream:
            events = _read_events(stream, 1)
    assert [(e["event"], e["data"]["agent"]) for e in events] == [("resolved", "Ana")]
    assert agent.conversation("c-rl").events_after == int(events[0]["id"])
    assert agent.conversation("never-seen").events_after == 0


def test_an_event_stream_ends_after_its_lifetime_with_heartbeats(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    state = live.app.state
    state.events_poll_s, state.events_heartbeat_s, state.events_lifetime_s = 0.05, 0.2, 1.0
    with httpx.Client(base_url=live.url, timeout=10) as http:
        started = time.monotonic()
        r = http.get("/v1/conversations/quiet/events")
        took = time.monotonic() - started
    assert r.status_code == 200 and 0.9 <= took < 8
    assert r.text.startswith("retry: 3000\n\n")
    assert r.text.count(": keep-alive\n\n") >= 3
    assert parse_sse(r.text) == []


def test_stopping_the_server_ends_open_event_streams_at_once(agent: EscalationAgent) -> None:
    from agent.service.app import create_app

    live = Live(create_app(agent, dev=True)).start()
    live.app.state.events_poll_s = 0.1
    with httpx.Client(base_url=live.url, timeout=httpx.Timeout(10, read=10)) as http:
        with http.stream("GET", "/v1/conversations/bye/events") as stream:
            chunks = stream.iter_text()
            first = next(chunks)
            assert first.startswith("retry:")
            started = time.monotonic()
            stopper = threading.Thread(target=live.stop)
            stopper.start()
            rest = "".join(chunks)  # ends when the server closes the stream
            stopper.join(15)
        took = time.monotonic() - started
    assert parse_sse(rest) == []
    assert took < 3, f"the stream held the shutdown for {took:.1f} s (grace is 5 s)"
