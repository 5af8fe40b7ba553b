"""A streamed answer through the real openai client (respx at the HTTP layer): each sentence
goes out once the gate has passed it, a draft that fails part-way ends in a handoff, and a
broken or hung stream never sends what was not checked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from agent.draft_stream import ClaimScanner
from agent.errors import LLMError
from agent.llm import OpenAIBackend
from agent.runtime import EscalationAgent
from agent.settings import LLMSettings, Settings
from agent.streaming import StreamEvent, reply_events, stream_turn
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.streaming.sse import (
    BAD_SECOND,
    GOOD,
    Body,
    chunk,
    completes_claim,
    draft_json,
    events,
    model,
    response,
    split,
)

BASE = "http://llm.test/v1"
QUESTION = "How many days do I have to return unworn items?"
SETTINGS = LLMSettings(
    base_url=BASE, api_key="sk-test", timeout_s=2, max_retries=1, turn_deadline_s=2
)
NOTICE = "I can't confirm the rest of that from our help centre, so I'm passing you to a person."


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        yield router


def _agent(tmp_path: Path) -> EscalationAgent:
    settings = Settings.load(data_dir=tmp_path, store_name="Northwind", llm=SETTINGS.model_dump())
    settings = settings.model_copy(update={"llm": SETTINGS})  # the api key as a secret
    return EscalationAgent(
        settings,
        retriever=LexicalRetriever(SAMPLE_KB),
        clock=lambda: datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
    )


def _texts(got: list[StreamEvent]) -> list[str]:
    return [e.data["text"] for e in got if e.event == "message"]


def test_the_scanner_hands_out_each_claim_when_its_object_closes() -> None:
    text = draft_json([('A "quoted" } [bracket].', "a#1"), ("B.", "b#2")])
    scanner, when = ClaimScanner(), []
    for n, piece in enumerate(split(text, 3)):
        when += [(n, c.text) for c in scanner.feed(piece)]
    first_close = text.index('"]}') + 3
    assert when[0] == ((first_close - 1) // 3, 'A "quoted" } [bracket].')
    assert [t for _, t in when] == ['A "quoted" } [bracket].', "B."]
    assert scanner.answerable is True and scanner.draft().sentences[1].citations == ["b#2"]


def test_each_sentence_is_sent_as_soon_as_it_is_complete_and_checked(
    mock: respx.MockRouter, tmp_path: Path
) -> None:
    pieces = events(draft_json(GOOD))
    body = Body(pieces, hold_after=completes_claim(pieces, 0))
    route = mock.post("/chat/completions").mock(side_effect=model(body))
    agent = _agent(tmp_path)
    got = []
    for event in stream_turn(agent, "s1", QUESTION, message_id="m1"):
        got.append(event)
        if event.event == "message":
            body.release.set()  # the model may go on only once the widget has sentence 1
    assert body.released_in_time is True  # sentence 1 was out while the model still wrote
    assert _texts(got) == [t for t, _ in GOOD]
    assert got[0].data["citations"] == ["policies/returns.md#0"]
    assert [e.event for e in got[-2:]] == ["citations", "done"]
    reply = got[-1].data["reply"]
    assert reply["kind"] == "answer" and "30 days" in reply["messages"][0]
    sent = json.loads(route.calls[0].request.content)
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["response_format"]["json_schema"]["name"] == "Draft"
    assert agent.context.llm.usage.completion_tokens == 57  # from the final usage chunk
    # the journal filed it: a retry of the same message replays the reply, running nothing
    again = list(agent.stream("s1", QUESTION, message_id="m1"))
    assert route.call_count == 1  # the answer; no handoff, so no notes
    assert again == list(reply_events(agent.send("s1", QUESTION, message_id="m1")))
    assert _texts(again) == reply["messages"]


def test_a_draft_that_fails_at_sentence_two_sends_one_then_hands_off(
    mock: respx.MockRouter, tmp_path: Path
) -> None:
    pieces = events(draft_json(BAD_SECOND))
    body = Body(pieces)
    mock.post("/chat/completions").mock(side_effect=model(body))
    agent = _agent(tmp_path)
    got = list(agent.stream("s2", QUESTION, message_id="m1"))
    texts = _texts(got)
    assert texts[0] == BAD_SECOND[0][0]
    assert "gift card" not in " ".join(texts)  # the refused sentence never went out
    assert texts[1] == NOTICE
    assert body.read < completes_claim(pieces, 2)  # the model was not read to its end
    reply = got[-1].data["reply"]
    assert reply["kind"] == "handoff" and reply["messages"] == texts
    package = agent.conversation("s2").handoff
    assert package is not None
    assert any(t.role == "bot" and t.text == BAD_SECOND[0][0] for t in package.transcript)
    evidence = " ".join(t.evidence for t in package.triggers)
    assert "1 sentence(s) streamed before the gate refused the rest" in evidence
    assert "gift card" in evidence  # why: the gate's own words on sentence 2
    assert agent.outbox.get(package.id) is not None  # queued for the helpdesk
    replayed = list(agent.stream("s2", QUESTION, message_id="m1"))
    assert _texts(replayed) == texts  # a retry shows the shopper the same lines


def test_the_notice_is_in_the_shoppers_language(mock: respx.MockRouter, tmp_path: Path) -> None:
    mock.post("/chat/completions").mock(side_effect=model(Body(events(draft_json(BAD_SECOND)))))
    agent = _agent(tmp_path)
    assert agent.send("s3", "¡Hola, buenos días!").language == "es"
    texts = _texts(list(agent.stream("s3", QUESTION)))  # an English question keeps it
    say = agent.settings.language.catalogue(agent.conversation("s3").handoff.language)  # type: ignore[union-attr]
    assert texts[1] == say.text("handoff.unconfirmed_rest")
    lines = {c: agent.settings.language.catalogue(c).text("handoff.unconfirmed_rest")
             for c in ("en", "es", "fr", "de", "pt")}  # fmt: skip
    assert len(set(lines.values())) == 5 and lines["en"] == NOTICE


@pytest.mark.parametrize(
    "fail",
    [
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        "error event",
    ],
)
def test_a_stream_cut_by_a_server_error_keeps_what_was_checked_and_hands_off(
    mock: respx.MockRouter, tmp_path: Path, fail: object
) -> None:
    pieces = events(draft_json(GOOD))
    cut = completes_claim(pieces, 0) + 2
    error = b'data: {"error": {"message": "internal server error", "type": "server_error"}}\n\n'
    if fail == "error event":
        body = Body([*pieces[:cut], error])
    else:
        assert isinstance(fail, Exception)
        body = Body(pieces[:cut], fail=fail)
    mock.post("/chat/completions").mock(side_effect=model(body))
    agent = _agent(tmp_path)
    got = list(agent.stream("s4", QUESTION))
    assert _texts(got)[:2] == [GOOD[0][0], NOTICE]
    reply = got[-1].data["reply"]
    assert reply["kind"] == "handoff"
    evidence = " ".join(t["evidence"] for t in reply["handoff"]["triggers"])
    assert "model unavailable" in evidence
    assert "broke off" in evidence or "internal server error" in evidence
    # the next turn works when the model does
    mock.post("/chat/completions").mock(side_effect=model(Body(events(draft_json(GOOD)))))
    agent.resolve("s4", "Told them about the 30-day window.")
    assert _texts(list(agent.stream("s4", QUESTION)))[0] == GOOD[0][0]


def test_a_hung_stream_ends_at_the_turn_deadline(mock: respx.MockRouter, tmp_path: Path) -> None:
    pieces = events(draft_json(GOOD))
    held = pieces[: completes_claim(pieces, 0) + 1]
    mock.post("/chat/completions").mock(side_effect=model(Body(held, keep_alive_s=0.1)))
    agent = _agent(tmp_path)
    started = time.monotonic()
    got = list(agent.stream("s5", QUESTION))
    took = time.monotonic() - started
    assert took < SETTINGS.turn_deadline_s + 1.5
    assert _texts(got)[:2] == [GOOD[0][0], NOTICE]
    reply = got[-1].data["reply"]
    evidence = " ".join(t["evidence"] for t in reply["handoff"]["triggers"])
    assert "deadline" in evidence


def test_a_refusal_mid_stream_sends_nothing_unchecked(
    mock: respx.MockRouter, tmp_path: Path
) -> None:
    pieces = [
        chunk({"role": "assistant", "content": ""}),
        chunk({"refusal": "I can't help with that."}),
        b"data: [DONE]\n\n",
    ]
    mock.post("/chat/completions").mock(side_effect=model(Body(pieces)))
    agent = _agent(tmp_path)
    got = list(agent.stream("s6", QUESTION))
    reply = got[-1].data["reply"]
    assert reply["kind"] == "handoff"
    assert NOTICE not in _texts(got)  # nothing was shown, so there is no "rest"
    assert _texts(got) == reply["messages"]


def test_opening_the_stream_is_retried_like_any_call(mock: respx.MockRouter) -> None:
    route = mock.post("/chat/completions")
    route.side_effect = [
        httpx.Response(500, json={"error": {"message": "internal", "type": "server"}}),
        response(Body(events(draft_json(GOOD)))),
    ]
    llm = OpenAIBackend(SETTINGS.model_copy(update={"max_retries": 1}))
    stream = llm.stream_answer(QUESTION, [], [])
    assert [c.text for c in stream] == [t for t, _ in GOOD]
    assert stream.draft is not None and stream.draft.answerable
    assert route.call_count == 2 and llm.breaker.state == "closed"


def test_streams_that_break_off_open_the_breaker(mock: respx.MockRouter) -> None:
    pieces = events(draft_json(GOOD))
    cut = httpx.RemoteProtocolError("peer closed connection without sending complete message body")
    bodies = [Body(pieces[:9], fail=cut) for _ in range(3)]
    route = mock.post("/chat/completions").mock(side_effect=model(*bodies))
    llm = OpenAIBackend(SETTINGS.model_copy(update={"breaker_failures": 3}))
    for _ in range(3):
        with pytest.raises(LLMError, match="broke off"):
            list(llm.stream_answer(QUESTION, [], []))
    assert llm.breaker.state == "open"
    with pytest.raises(LLMError, match="circuit open"):
        llm.stream_answer(QUESTION, [], [])
    assert route.call_count == 3  # the open breaker sent nothing
