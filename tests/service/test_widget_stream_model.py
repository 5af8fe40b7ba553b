"""The widget's SSE reply with a model configured, end to end over real HTTP on 127.0.0.1:
the service, the runtime, the real openai client and the fake OpenAI-compatible server
process streaming at a fixed rate. Sentences reach the widget while the model still writes;
a draft that fails part-way reaches it as a handoff with a plain notice."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from agent.runtime import EscalationAgent
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.reliability.campaign import QUESTION, fake_server, settings_for
from tests.service.conftest import Live
from tests.service.test_widget_http import parse_sse
from tests.streaming.test_stream_fake_server import FIRST, NOTICE, control, stream_mode


@pytest.fixture(scope="module")
def model() -> Iterator[str]:
    with fake_server() as base_url:
        yield base_url


@pytest.fixture
def streaming_agent(model: str, tmp_path: Path) -> Iterator[EscalationAgent]:
    settings = settings_for(model, tmp_path, 5.0)
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        yield agent


def _events(live: Live, cid: str, body: dict) -> Iterator[tuple[float, dict]]:
    """Each event with the moment it arrived, read as the bytes come."""
    with (
        httpx.Client(base_url=live.url, timeout=30) as http,
        http.stream(
            "POST",
            f"/v1/conversations/{cid}/messages",
            json=body,
            headers={"Accept": "text/event-stream"},
        ) as r,
    ):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        buffer = ""
        for text in r.iter_text():
            buffer += text
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                for event in parse_sse(block + "\n\n"):
                    yield time.monotonic(), event


def test_sentences_reach_the_widget_while_the_model_writes(
    model: str, streaming_agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    stream_mode(model, "ok", interval_s=0.04)
    live = serve(streaming_agent, dev=True)
    got = list(_events(live, "w1", {"text": QUESTION, "message_id": "m1"}))
    log = control(model, "/_stream")
    first_at, first = next((t, e) for t, e in got if e["event"] == "message")
    assert first["data"] == {"text": FIRST, "citations": ["policies/returns.md#0"]}
    assert first_at < log["claims_done"][1]  # at the widget before the model wrote sentence 2
    assert [e["event"] for _, e in got[-2:]] == ["citations", "done"]
    reply = got[-1][1]["data"]["reply"]
    assert reply["kind"] == "answer" and "30 days" in reply["messages"][0]
    # a retry of the message over HTTP replays the filed reply, running nothing
    calls = json.loads(httpx.get(model.rsplit("/v1", 1)[0] + "/_calls", timeout=5).text)
    again = [e for _, e in _events(live, "w1", {"text": QUESTION, "message_id": "m1"})]
    after = json.loads(httpx.get(model.rsplit("/v1", 1)[0] + "/_calls", timeout=5).text)
    assert after == calls
    assert again[-1]["data"]["reply"]["messages"] == reply["messages"]


def test_a_draft_failing_part_way_reaches_the_widget_as_a_handoff(
    model: str, streaming_agent: EscalationAgent, serve: Callable[..., Live]
) -> None:
    stream_mode(model, "bad_second")
    live = serve(streaming_agent, dev=True)
    got = [e for _, e in _events(live, "w2", {"text": QUESTION, "channel": "chat"})]
    texts = [e["data"]["text"] for e in got if e["event"] == "message"]
    assert texts[:2] == [FIRST, NOTICE] and "gift card" not in " ".join(texts)
    assert got[-1]["event"] == "done" and got[-1]["data"]["reply"]["kind"] == "handoff"
    with httpx.Client(base_url=live.url, timeout=30) as http:
        view = http.get("/v1/conversations/w2").json()
    assert view["mode"] == "human"
    assert FIRST in [t["text"] for t in view["transcript"] if t["role"] == "bot"]


def test_a_streamed_turn_reaches_the_widget_without_the_thread_pool(
    model: str,
    streaming_agent: EscalationAgent,
    serve: Callable[..., Live],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The turn's own thread wakes the event loop for each sentence: no pool thread waits on
    it (each such hop delays a sentence on a busy machine)."""
    import anyio.to_thread

    trips: list[object] = []
    real = anyio.to_thread.run_sync

    async def counting(func, *args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(func)
        return await real(func, *args, **kwargs)

    stream_mode(model, "ok", interval_s=0.01)
    live = serve(streaming_agent, dev=True)
    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    got = [e for _, e in _events(live, "w3", {"text": QUESTION})]
    assert [e["event"] for e in got[-2:]] == ["citations", "done"]
    assert got[0]["data"]["citations"] == ["policies/returns.md#0"]
    assert trips == []
