"""Hostile and careless requests: too big (declared or chunked), binary, malformed JSON, the
wrong content type, wrong keys. Each gets a JSON error with a stable code, and the
conversation loses nothing. Plus the request log: one JSON line, no keys, no text."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.auth import hash_key, new_key, require_role
from agent.service.logs import HTTP_LOG
from tests.service.conftest import Live

QUESTION = "How many days do I have to return unworn items?"


def _error(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


def test_too_large_bodies_are_refused_before_they_are_read(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    limit = agent.settings.service.max_body_bytes
    with httpx.Client(base_url=live.url, timeout=30) as http:
        http.post("/v1/conversations/big/messages", json={"text": QUESTION})
        before = agent.conversation("big").transcript
        huge = json.dumps({"text": "a" * (limit + 10)})
        _error(
            http.post(
                "/v1/conversations/big/messages",
                content=huge,
                headers={"Content-Type": "application/json"},
            ),
            413,
            "body_too_large",
        )

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
            yield b'{"text": "'
            for _ in range(limit // 10_000 + 2):
                yield b"b" * 10_000
            yield b'"}'

        _error(
            http.post(
                "/v1/conversations/big/messages",
                content=chunks(),
                headers={"Content-Type": "application/json"},
            ),
            413,
            "body_too_large",
        )
        assert agent.conversation("big").transcript == before, "nothing was added"
        ok = http.post("/v1/conversations/big/messages", json={"text": QUESTION})
        assert ok.status_code == 200


def test_a_declared_length_over_the_limit_gets_413_without_sending_the_body(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    port = int(live.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/conversations/x/messages HTTP/1.1\r\nHost: t\r\n"
            b"Content-Type: application/json\r\nContent-Length: 900000000\r\n\r\n"
        )
        answer = sock.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")
    assert '"body_too_large"' in answer


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"text": "hi"', "application/json", 422, "invalid_request"),  # cut off
        (b"\xff\xfe\x00\x01garbage", "application/json", 400, "bad_request"),
        (b'{"text": 42}', "application/json", 422, "invalid_request"),
        (b'{"text": "hi", "admin": true}', "application/json", 422, "invalid_request"),
        (b"[1, 2, 3]", "application/json", 422, "invalid_request"),
        (b"text=hi", "application/x-www-form-urlencoded", 422, "invalid_request"),
        (b"", "application/json", 422, "invalid_request"),
    ],
)
def test_malformed_bodies_get_json_errors(
    agent: EscalationAgent, content: bytes, content_type: str, status: int, code: str
) -> None:
    client = TestClient(create_app(agent, dev=True))
    r = client.post(
        "/v1/conversations/c-bad/messages", content=content, headers={"Content-Type": content_type}
    )
    _error(r, status, code)
    assert agent.conversation("c-bad").transcript == []


def test_binaryish_and_odd_text_is_answered_not_crashed(agent: EscalationAgent) -> None:
    client = TestClient(create_app(agent, dev=True))
    for i, text in enumerate(["", "\u0000\u0007\ufffd\u202e", "🙂" * 500, "a\r\n" * 3000]):
        r = client.post(
            "/v1/conversations/odd/messages", json={"text": text, "message_id": f"m{i}"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["messages"], "the shopper always hears something"
    assert len([t for t in agent.conversation("odd").transcript if t.role == "shopper"]) >= 3


def test_bad_fields_are_the_runtimes_400(agent: EscalationAgent) -> None:
    client = TestClient(create_app(agent, dev=True))
    r = client.post("/v1/conversations/c1/messages", json={"text": "hi", "vertical": "weapons"})
    assert "vertical" in _error(r, 400, "invalid_input")["error"]["message"]
    r = client.post("/v1/conversations/c1/messages", json={"text": "hi", "timezone": "Mars/Base"})
    _error(r, 400, "invalid_input")
    r = client.post("/v1/conversations/" + "x" * 300 + "/messages", json={"text": "hi"})
    _error(r, 400, "invalid_input")
    _error(client.get("/v1/nothing"), 404, "not_found")
    _error(client.put("/v1/conversations/c1/messages", json={}), 405, "method_not_allowed")


def test_a_widget_key_opens_widget_routes_only(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    keys = {role: new_key() for role in ("widget", "agent", "curator", "admin")}
    app = create_app(agent, api_keys={r: [hash_key(k)] for r, k in keys.items()})
    for role in ("agent", "curator", "admin"):  # a protected route per role, this app only

        @app.get(f"/test-only/{role}")
        def protected(who: str = Depends(require_role(role))) -> dict:
            return {"role": who}

    live = Live(app).start()
    try:
        with httpx.Client(base_url=live.url, timeout=30) as http:
            widget = {"Authorization": f"Bearer {keys['widget']}"}
            assert (
                http.post(
                    "/v1/conversations/k/messages", json={"text": QUESTION}, headers=widget
                ).status_code
                == 200
            )
            for role in ("agent", "curator", "admin"):
                _error(http.get(f"/test-only/{role}", headers=widget), 403, "forbidden")
                mine = {"X-API-Key": keys[role]}
                assert http.get(f"/test-only/{role}", headers=mine).json() == {"role": role}
                _error(
                    http.post("/v1/conversations/k/messages", json={"text": "x"}, headers=mine),
                    403,
                    "forbidden",
                )
            _error(http.get("/metrics", headers=widget), 403, "forbidden")
            _error(
                http.post("/v1/conversations/k/messages", json={"text": "x"}), 401, "unauthorized"
            )
            _error(
                http.get("/v1/conversations/k/events", headers={"Authorization": "Bearer nope"}),
                403,
                "forbidden",
            )
        assert len([t for t in agent.conversation("k").transcript if t.role == "shopper"]) == 1
    finally:
        live.stop()


def test_one_json_log_line_per_request_without_keys_or_text(
    agent: EscalationAgent, caplog: pytest.LogCaptureFixture
) -> None:
    key = new_key()
    client = TestClient(create_app(agent, api_keys={"widget": [hash_key(key)]}))
    caplog.set_level(logging.INFO, logger=HTTP_LOG)
    secret_text = "my card number is 4111 1111 1111 1111"
    client.post(
        "/v1/conversations/c-log/messages",
        json={"text": secret_text},
        headers={"Authorization": f"Bearer {key}"},
    )
    client.get("/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == HTTP_LOG]
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["method"] == "POST" and first["status"] == 200
    assert first["route"] == "/v1/conversations/{conversation_id}/messages"
    assert first["conversation_id"] == "c-log" and first["role"] == "widget"
    assert first["ms"] > 0
    assert second["route"] == "/healthz" and "conversation_id" not in second
    joined = "\n".join(lines)
    assert key not in joined and "4111" not in joined
