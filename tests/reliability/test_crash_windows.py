"""kill -9 at every named point of every turn path, on SQLite and on PostgreSQL: after a
restart nothing the shopper wrote is lost, what they were owed is told, and the outbox
holds exactly the saved handoff. (The full campaign: ``python -m tests.reliability.crash_campaign``.)
"""

from __future__ import annotations

import pytest

from agent.errors import InputError
from agent.journal import Entry
from agent.runtime import EscalationAgent
from agent.settings import Settings
from tests.fakes import SAMPLE_KB, LexicalRetriever
from tests.reliability.crash_campaign import ANSWER_Q, HANDOFF_Q, campaign, one_mode_each
from tests.scale.conftest import database_url  # noqa: F401  (the fixture)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_kill_at_any_turn_point_loses_and_hides_nothing(tmp_path, request, backend):
    url = request.getfixturevalue("database_url") if backend == "postgresql" else None
    scenarios = one_mode_each()
    results = campaign(tmp_path / "data", url, scenarios)
    assert [o for _, o in results if o.startswith("lost")] == []
    assert [s for s, o in results if o == "not reached"] == []  # every point was hit
    assert len(results) == len(scenarios) == 17


@pytest.fixture
def agent(tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data")
    with EscalationAgent(settings, retriever=LexicalRetriever(SAMPLE_KB)) as agent:
        yield agent


def test_a_retry_with_the_same_message_id_gets_the_same_reply_and_runs_nothing(agent):
    first = agent.send("c1", HANDOFF_Q, message_id="m-1")
    again = agent.send("c1", HANDOFF_Q, message_id="m-1")
    assert first.kind == "handoff" and again == first
    shopper = [t for t in agent.conversation("c1").transcript if t.role == "shopper"]
    assert [t.text for t in shopper] == [HANDOFF_Q]
    assert [i.id for i in agent.outbox.items()] == [first.handoff.id]
    other = agent.send("c1", HANDOFF_Q, message_id="m-2")  # a new id is a new message
    assert other.kind == "with_human"


def test_without_a_message_id_every_call_is_a_new_message(agent):
    agent.send("c2", ANSWER_Q)
    agent.send("c2", ANSWER_Q)
    shopper = [t for t in agent.conversation("c2").transcript if t.role == "shopper"]
    assert len(shopper) == 2


def test_a_message_left_open_runs_before_the_next_and_its_reply_is_owed(agent):
    # what a process killed right after accepting leaves behind
    agent.journal.accept(
        Entry(conversation_id="c3", message_id="lost-1", action="message", text=HANDOFF_Q)
    )
    reply = agent.send("c3", "Are you still there?", message_id="m-2")
    assert reply.kind == "handoff"  # told now, instead of with_human silence
    texts = [t.text for t in agent.conversation("c3").transcript if t.role == "shopper"]
    assert texts == [HANDOFF_Q, "Are you still there?"]
    assert agent.pending_notices() == []  # told once


def test_pending_notices_finishes_open_turns_and_returns_each_reply_once(agent):
    agent.journal.accept(
        Entry(conversation_id="c4", message_id="lost-1", action="message", text=ANSWER_Q)
    )
    [owed] = agent.pending_notices()
    assert owed.conversation_id == "c4" and owed.kind == "answer" and owed.messages
    assert agent.pending_notices() == []
    assert agent.send("c4", ANSWER_Q, message_id="lost-1") == owed  # the retry: same reply


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, "a\nb", 42])
def test_a_bad_message_id_is_refused_clearly(agent, bad):
    with pytest.raises(InputError, match="message_id"):
        agent.send("c5", "hello", message_id=bad)
