"""Health, readiness (each dependency on its own) and Prometheus metrics."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from agent.errors import LLMError
from agent.llm import OpenAIBackend
from agent.runtime import EscalationAgent
from agent.service.app import create_app
from agent.service.auth import hash_key, new_key
from agent.settings import LLMSettings, Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.service.conftest import Live


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def model_down_agent(tmp_path: Path) -> Iterator[EscalationAgent]:
    settings = Settings(
        data_dir=tmp_path,
        llm={"base_url": f"http://127.0.0.1:{_closed_port()}/v1", "timeout_s": 2},
    )
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB), warm_up=False) as a:
        yield a


def test_healthz_and_readyz_over_http(agent: EscalationAgent, serve: Callable[..., Live]) -> None:
    live = serve(agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        r = http.get("/readyz")
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert set(checks) == {"database", "vector_store", "model"}
    assert all(c["ok"] for c in checks.values())
    assert "not configured" in checks["model"]["detail"]
    assert str(agent.settings.data_dir) in checks["database"]["detail"]


def test_readyz_is_503_naming_the_model_when_its_endpoint_is_down(
    model_down_agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(model_down_agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        r = http.get("/readyz")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert r.json()["status"] == "not ready"
    assert not checks["model"]["ok"] and "unreachable" in checks["model"]["detail"]
    assert checks["database"]["ok"] and checks["vector_store"]["ok"]


def test_a_hung_check_fails_alone_within_its_timeout(agent: EscalationAgent) -> None:
    import threading

    release = threading.Event()

    class Hung(LexicalRetriever):
        def count(self) -> int:
            release.wait(10)
            return 0

    agent.context = agent.context.__class__(
        settings=agent.settings,
        llm=agent.context.llm,
        retriever=Hung(SAMPLE_KB),
        clock=agent.context.clock,
    )
    app = create_app(agent, dev=True)
    app.state.readyz_timeout_s = 0.3
    try:
        r = TestClient(app).get("/readyz")
    finally:
        release.set()
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["vector_store"]["ok"] is False
    assert "no answer in 0.3 s" in checks["vector_store"]["detail"]
    assert checks["vector_store"]["ms"] < 3000
    assert checks["database"]["ok"] and checks["model"]["ok"]


@respx.mock
def test_model_ping_through_the_one_door() -> None:
    backend = OpenAIBackend(LLMSettings(base_url="http://model.test/v1", model="m"))
    route = respx.get("http://model.test/v1/models")
    route.respond(
        200,
        json={
            "object": "list",
            "data": [{"id": "m", "object": "model", "created": 0, "owned_by": "me"}],
        },
    )
    assert backend.ping(1.0) == "http://model.test/v1 answered"
    route.respond(404, json={"error": {"message": "no such route"}})
    assert "answered 404" in backend.ping(1.0)
    route.respond(502, text="<html>Bad gateway</html>")
    with pytest.raises(LLMError, match="answered 502"):
        backend.ping(1.0)
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(LLMError, match="unreachable"):
        backend.ping(1.0)
    assert backend.usage.calls == 0


def test_metrics_count_turns_handoffs_and_requests(
    agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    live = serve(agent, dev=True)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        http.post(
            "/v1/conversations/m1/messages",
            json={"text": "How many days do I have to return unworn items?"},
        )
        http.post("/v1/conversations/m2/talk-to-person", json={})
        http.post(
            "/v1/conversations/m3/messages",
            json={"text": "How long does standard shipping take?"},
            headers={"Accept": "text/event-stream"},
        )
        r = http.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    got = samples(r.text)
    assert got[("escalate_turns_total", (("kind", "answer"),))] == 2
    assert got[("escalate_turns_total", (("kind", "handoff"),))] == 1
    handoffs = {k: v for k, v in got.items() if k[0] == "escalate_handoffs_total"}
    package = agent.conversation("m2").handoff
    assert package is not None
    assert handoffs == {
        (
            "escalate_handoffs_total",
            (("queue", package.route), ("trigger", package.triggers[0].kind)),
        ): 1
    }
    assert got[("escalate_turn_seconds_count", ())] == 3
    route = "/v1/conversations/{conversation_id}/messages"
    key = (
        "escalate_http_request_seconds_count",
        (("method", "POST"), ("route", route), ("status", "200")),
    )
    assert got[key] == 2
    outbox = {k: v for k, v in got.items() if k[0] == "escalate_outbox_items"}
    assert outbox[("escalate_outbox_items", (("status", "pending"),))] == len(
        agent.outbox.items("pending")
    )
    assert got[("escalate_llm_tokens_total", (("kind", "prompt"),))] == 0


def test_metrics_need_an_admin_key_outside_dev(agent: EscalationAgent) -> None:
    admin, widget = new_key(), new_key()
    app = create_app(agent, api_keys={"admin": [hash_key(admin)], "widget": [hash_key(widget)]})
    client = TestClient(app)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {widget}"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    assert client.get("/healthz").status_code == 200  # probes need no key
    assert client.get("/readyz").status_code == 200


def test_openapi_describes_the_widget_routes(agent: EscalationAgent) -> None:
    spec = TestClient(create_app(agent, dev=True)).get("/openapi.json").json()
    paths = spec["paths"]
    messages = paths["/v1/conversations/{conversation_id}/messages"]["post"]
    assert "text/event-stream" in messages["responses"]["200"]["content"]
    body = messages["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = spec["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert {"text", "customer", "vertical", "channel", "locale", "timezone", "message_id"} <= set(
        fields
    )
    for path in ("/healthz", "/readyz", "/metrics", "/v1/conversations/{conversation_id}/events"):
        assert path in paths


def test_a_streamed_handoff_is_counted_from_its_done_event(agent: EscalationAgent) -> None:
    app = create_app(agent, dev=True)
    client = TestClient(app)
    r = client.post(
        "/v1/conversations/s-ho/messages",
        json={"text": "Can I talk to a person about my refund, please?"},
        headers={"Accept": "text/event-stream"},
    )
    assert r.status_code == 200 and "event: done" in r.text
    package = agent.conversation("s-ho").handoff
    assert package is not None, "asked for a person"
    got = samples(client.get("/metrics").text)
    labels = (("queue", package.route), ("trigger", package.triggers[0].kind))
    assert got[("escalate_handoffs_total", labels)] == 1
    assert got[("escalate_turns_total", (("kind", "handoff"),))] == 1
    app.state.metrics.turn({}, 0.01)  # a done event without a reply is counted, not fatal
    assert (
        samples(client.get("/metrics").text)[("escalate_turns_total", (("kind", "unknown"),))] == 1
    )
