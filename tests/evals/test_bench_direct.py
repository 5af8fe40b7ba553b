"""The bench's "direct calls" do the same work as a turn through the runtime: same replies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.runtime import EscalationAgent
from agent.settings import Settings
from evals.bench.direct import direct_turn
from evals.bench.setup import close
from tests.fakes import SAMPLE_KB, LexicalRetriever

MESSAGES = [
    "How many days do I have to return unworn items?",
    "I want to talk to a real person",
    "Hi there!",
    "Is the serum certified by the Antarctic Sommelier Guild?",
]


@pytest.fixture
def agent(tmp_path):
    settings = Settings.load(data_dir=tmp_path / "data", store_name="Northwind")
    bot = EscalationAgent(
        settings,
        retriever=LexicalRetriever(SAMPLE_KB),
        clock=lambda: datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
    )
    yield bot
    close(bot)


@pytest.mark.parametrize("text", MESSAGES)
def test_direct_calls_reply_like_the_runtime(agent, text):
    through_runtime = agent.send("bench-runtime", text)
    direct = direct_turn(agent.context, "bench-direct", text, agent.graph.store)
    assert direct["kind"] == through_runtime.kind
    assert direct.get("messages", []) == through_runtime.messages
