"""Without a model the turn runs whole and each message is one event; bad input is refused
before any event."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import InputError
from agent.runtime import EscalationAgent
from agent.settings import Settings
from agent.streaming import stream_turn
from tests.fakes import SAMPLE_KB, LexicalRetriever


@pytest.fixture
def agent(tmp_path: Path) -> EscalationAgent:
    return EscalationAgent(Settings.load(data_dir=tmp_path), retriever=LexicalRetriever(SAMPLE_KB))


def test_offline_one_event_per_message_then_citations_and_done(agent: EscalationAgent) -> None:
    events = list(stream_turn(agent, "o1", "How many days do I have to return unworn items?"))
    reply = events[-1].data["reply"]
    assert reply["kind"] == "answer"
    assert [e.data["text"] for e in events if e.event == "message"] == reply["messages"]
    assert all("citations" not in e.data for e in events if e.event == "message")
    assert [e.event for e in events[-2:]] == ["citations", "done"]


@pytest.mark.parametrize("streams", [False, True])
def test_bad_input_is_refused_before_any_event(agent: EscalationAgent, streams: bool) -> None:
    with pytest.raises(InputError, match="channel"):
        if streams:
            agent.stream("o2", "hello", channel="fax")
        else:
            next(stream_turn(agent, "o2", "hello", channel="fax"))
    assert agent.conversation("o2").mode == "new"  # nothing was journaled or run
