"""The fault campaign end to end: a fake OpenAI-compatible server process on 127.0.0.1,
the real runtime, the real openai client, a short per-turn deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.runtime import EscalationAgent
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.reliability.campaign import (
    CHAT_MODES,
    EMBEDDING_MODES,
    QUESTION,
    campaign,
    fake_server,
    set_mode,
    settings_for,
    table,
)

DEADLINE = 2.0
MARGIN = 1.5  # the turn's own work (graph, SQLite) on a loaded 2-core machine


@pytest.fixture
def server() -> Iterator[str]:
    with fake_server() as base_url:
        yield base_url


def test_no_fault_mode_loses_a_turn_or_overruns_the_deadline(server: str, tmp_path: Path) -> None:
    outcomes = campaign(server, tmp_path, DEADLINE)
    report = table(outcomes, DEADLINE)
    assert [(o.endpoint, o.mode) for o in outcomes] == [
        *(("chat", m) for m in CHAT_MODES),
        *(("embeddings", m) for m in EMBEDDING_MODES),
    ]
    assert all(o.lost == 0 for o in outcomes), report
    assert max(o.worst_s for o in outcomes) <= DEADLINE + MARGIN, report
    by_mode = {(o.endpoint, o.mode): o.first_reply for o in outcomes}
    assert by_mode[("chat", "ok")] == "answer" and by_mode[("embeddings", "ok")] == "answer"
    faulty = {k: v for k, v in by_mode.items() if k[1] != "ok"}
    assert set(faulty.values()) == {"handoff"}, report  # no draft without a working model


def test_the_button_and_an_explicit_request_work_with_both_endpoints_down(
    server: str, tmp_path: Path
) -> None:
    set_mode(server, chat="hang", embeddings="hang")
    settings = settings_for(server, tmp_path, DEADLINE, embedding={"backend": "openai"})
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    for cid, turn in [
        ("b", lambda: agent.request_human("b")),
        ("e", lambda: agent.send("e", "Can I speak to a human agent?")),
    ]:
        started = time.monotonic()
        reply = turn()
        assert time.monotonic() - started <= DEADLINE + MARGIN
        assert reply.kind == "handoff" and reply.handoff is not None
        assert reply.handoff.triggers[0].kind == "explicit"
        assert agent.conversation(cid).handoff is not None
        assert agent.outbox.get(reply.handoff.id) is not None


def test_an_open_circuit_hands_later_turns_off_in_well_under_the_deadline(
    server: str, tmp_path: Path
) -> None:
    set_mode(server, chat="hang")
    settings = settings_for(server, tmp_path, DEADLINE)
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    for n in range(settings.llm.breaker_failures):  # each hung call fails at the deadline
        assert agent.send(f"slow{n}", QUESTION).kind == "handoff"
    started = time.monotonic()
    reply = agent.send("fast", QUESTION)
    assert time.monotonic() - started < 1.0
    assert reply.kind == "handoff"
    low = [t for t in reply.handoff.triggers if t.kind == "low_confidence"]
    assert low and "circuit open" in low[0].evidence  # the ticket says why


def test_after_the_cool_down_a_recovered_endpoint_answers_again(
    server: str, tmp_path: Path
) -> None:
    set_mode(server, chat="server_error")
    settings = settings_for(server, tmp_path, DEADLINE)
    settings = settings.model_copy(
        update={"llm": settings.llm.model_copy(update={"breaker_cooldown_s": 0.5})}
    )
    agent = EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB))
    assert agent.send("down", QUESTION).kind == "handoff"
    assert agent.context.llm.breaker.state == "open"  # type: ignore[attr-defined]
    set_mode(server, chat="ok")
    time.sleep(0.6)
    assert agent.send("up", QUESTION).kind == "answer"
    assert agent.context.llm.breaker.state == "closed"  # type: ignore[attr-defined]
