"""``POST /v1/conversations/{id}/outcomes`` over real HTTP on 127.0.0.1 (uvicorn, a free port),
with the app's lifespan running the scheduler."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from agent.metrics import EventLog
from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.auth import hash_key, new_key
from agent.settings import Settings

WIDGET, AGENT = new_key(), new_key()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, EscalationAgent]]:
    agent = EscalationAgent(Settings(data_dir=tmp_path), warm_up=False)
    keys = {"widget": [hash_key(WIDGET)], "agent": [hash_key(AGENT)]}
    app = create_app(agent, api_keys=keys)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    assert app.state.scheduler.running  # the lifespan started it
    try:
        yield f"http://127.0.0.1:{port}", agent
    finally:
        server.should_exit = True
        thread.join(30)
        assert not app.state.scheduler.running  # ...and stopped it
        agent.close()


def test_outcomes_are_recorded_once_per_order_with_the_widget_key(served) -> None:
    url, agent = served
    agent.request_human("c-1", channel="chat")
    path = f"{url}/v1/conversations/c-1/outcomes"
    purchase = {"kind": "purchase", "value": 129.0, "currency": "EUR", "order_id": "NW-1"}
    with httpx.Client(headers={"Authorization": f"Bearer {WIDGET}"}, timeout=10) as http:
        first = http.post(path, json=purchase)
        assert first.status_code == 201
        assert first.json() == {"conversation_id": "c-1", "kind": "purchase", "recorded": True}
        again = http.post(path, json=purchase)
        assert again.status_code == 200 and again.json()["recorded"] is False

        wrong_kind = http.post(path, json={"kind": "sale"})
        assert wrong_kind.status_code == 422
        assert wrong_kind.json()["error"]["code"] == "invalid_request"
        no_currency = http.post(path, json={"kind": "purchase", "value": 5})
        assert no_currency.status_code == 400
        assert "currency" in no_currency.json()["error"]["message"]
        naive = http.post(path, json={"kind": "purchase", "at": "2026-03-02T09:00:00"})
        assert naive.status_code == 422
        unknown = http.post(f"{url}/v1/conversations/nobody/outcomes", json=purchase)
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"

    as_agent = httpx.post(path, json=purchase, headers={"X-API-Key": AGENT}, timeout=10)
    assert as_agent.status_code == 403
    assert httpx.post(path, json=purchase, timeout=10).status_code == 401
    [kept] = EventLog(agent.store).events("commerce_outcome")
    assert (kept.conversation_id, kept.value, kept.currency, kept.order_id) == (
        "c-1",
        129.0,
        "EUR",
        "NW-1",
    )
