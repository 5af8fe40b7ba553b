"""Every fault shape of the model and embeddings endpoints, through the real openai client
(respx at the HTTP layer): the door raises only our errors, and a turn ends in a kept handoff."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from agent.deadline import turn_deadline
from agent.errors import KnowledgeError, LLMError
from agent.llm import OpenAIBackend
from agent.runtime import EscalationAgent
from agent.settings import LLMSettings, Settings
from knowledge.embeddings import OpenAIEmbedder
from tests.fakes import SAMPLE_KB, LexicalRetriever

BASE = "http://llm.test/v1"
JSON_TYPE = {"content-type": "application/json"}
HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>"


def completion(choices: object = ..., content: str | None = "{}", refusal: str | None = None):
    message = {"role": "assistant", "content": content, "refusal": refusal}
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1763700000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
    }
    if choices is not ...:
        body["choices"] = choices
    return body


# name -> what the endpoint does; each one is a way real servers and proxies fail
FAULTS: dict[str, object] = {
    "connection refused": httpx.ConnectError("[Errno 111] Connection refused"),
    "hang (read timeout)": httpx.ReadTimeout("timed out"),
    "body cut short": httpx.RemoteProtocolError("peer closed connection without a full body"),
    "429 Retry-After 60": httpx.Response(
        429, headers={"retry-after": "60"}, json={"error": {"message": "Rate limit"}}
    ),
    "500": httpx.Response(500, json={"error": {"message": "internal", "type": "server"}}),
    "503 html": httpx.Response(503, text=HTML, headers={"content-type": "text/html"}),
    "200 html": httpx.Response(200, text=HTML, headers={"content-type": "text/html"}),
    "200 choices null": httpx.Response(200, json=completion(choices=None)),
    "200 empty choices": httpx.Response(200, json=completion(choices=[])),
    "200 malformed json": httpx.Response(
        200, content=b'{"id": "chatcmpl-1", "choices": [{"mess', headers=JSON_TYPE
    ),
    "200 empty body": httpx.Response(200, content=b"", headers=JSON_TYPE),
    "200 wrong schema": httpx.Response(200, json=completion(content='{"answer": "30 days"}')),
    "200 partial json content": httpx.Response(200, json=completion(content='{"answerable": tr')),
    "200 refusal": httpx.Response(200, json=completion(content=None, refusal="I can't help.")),
    "200 json list": httpx.Response(200, json=[1, 2, 3]),
}
SETTINGS = LLMSettings(
    base_url=BASE, api_key="sk-test", timeout_s=2, max_retries=1, turn_deadline_s=2
)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        yield router


def _fail_with(mock: respx.MockRouter, path: str, fault: object) -> None:
    route = mock.post(path)
    if isinstance(fault, httpx.Response):
        route.mock(return_value=fault)
    else:
        route.mock(side_effect=fault)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_door_raises_only_llm_errors(mock: respx.MockRouter, fault: str) -> None:
    _fail_with(mock, "/chat/completions", FAULTS[fault])
    with pytest.raises(LLMError), turn_deadline(SETTINGS.turn_deadline_s):
        OpenAIBackend(SETTINGS).draft_answer("how long to return?", [], [])


@pytest.mark.parametrize("fault", [f for f in FAULTS if "refusal" not in f])
def test_embeddings_faults_are_knowledge_errors(mock: respx.MockRouter, fault: str) -> None:
    _fail_with(mock, "/embeddings", FAULTS[fault])
    backend = OpenAIBackend(SETTINGS)
    embedder = OpenAIEmbedder(lambda texts: backend.embed(texts, "emb"), model="emb")
    with pytest.raises(KnowledgeError), turn_deadline(SETTINGS.turn_deadline_s):
        embedder.embed(["where is my parcel"])


def _agent(tmp_path: Path) -> EscalationAgent:
    settings = Settings.load(data_dir=tmp_path, store_name="Northwind", llm=SETTINGS.model_dump())
    settings = settings.model_copy(update={"llm": SETTINGS})  # the api key as a secret
    return EscalationAgent(
        settings,
        retriever=LexicalRetriever(SAMPLE_KB),
        clock=lambda: datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_turn_ends_in_a_kept_handoff_that_says_why_and_the_next_turn_works(
    mock: respx.MockRouter, tmp_path: Path, fault: str
) -> None:
    _fail_with(mock, "/chat/completions", FAULTS[fault])
    agent = _agent(tmp_path)
    started = time.monotonic()
    reply = agent.send("c1", "How many days do I have to return unworn items?")
    assert time.monotonic() - started <= SETTINGS.turn_deadline_s + 1.5
    assert reply.kind == "handoff" and reply.handoff is not None
    assert agent.outbox.get(reply.handoff.id) is not None
    evidence = " ".join(t.evidence for t in reply.handoff.triggers)
    assert "model unavailable" in evidence  # the reason travels with the ticket
    assert agent.send("c1", "hello? still there?").kind == "with_human"
    assert agent.request_human("c2").kind == "handoff"
    assert agent.send("c3", "Hi there!").kind == "acknowledge"


def test_a_retry_after_longer_than_the_turn_is_not_waited_for(
    mock: respx.MockRouter, tmp_path: Path
) -> None:
    _fail_with(mock, "/chat/completions", FAULTS["429 Retry-After 60"])
    started = time.monotonic()
    with pytest.raises(LLMError, match="asked to wait 60s"), turn_deadline(5):
        OpenAIBackend(SETTINGS).draft_answer("q", [], [])
    assert time.monotonic() - started < 1.0
    assert mock.calls.call_count == 1


def test_a_short_retry_after_is_honoured_within_the_turn(mock: respx.MockRouter) -> None:
    mock.post("/chat/completions").mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after-ms": "50"}, json={"error": {}}),
            httpx.Response(
                200,
                json=completion(
                    content=json.dumps({"answerable": False, "sentences": [], "note": "x"})
                ),
            ),
        ]
    )
    assert OpenAIBackend(SETTINGS).draft_answer("q", [], []).answerable is False
    assert mock.calls.call_count == 2
