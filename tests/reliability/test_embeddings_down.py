"""With the embeddings endpoint down, the agent still starts, and hands off with the reason."""

from __future__ import annotations

import time
from pathlib import Path

from agent.runtime import EscalationAgent
from tests.reliability.campaign import QUESTION, closed_port_url, settings_for

DEADLINE = 2.0


def test_the_agent_starts_and_serves_handoffs_with_the_embeddings_endpoint_refusing(
    tmp_path: Path,
) -> None:
    down = closed_port_url()
    settings = settings_for(
        down, tmp_path, DEADLINE, embedding={"backend": "openai", "base_url": down}
    )
    started = time.monotonic()
    agent = EscalationAgent(settings)  # the real vector store, on disk; nothing to embed with
    assert time.monotonic() - started < 30
    button = agent.request_human("b")
    assert button.kind == "handoff" and agent.outbox.get(button.handoff.id) is not None
    asked = agent.send("q", QUESTION)
    assert asked.kind == "handoff"
    low = [t for t in asked.handoff.triggers if t.kind == "low_confidence"]
    assert low and "knowledge base unavailable" in low[0].evidence
    assert agent.send("q", "hello?").kind == "with_human"  # the next turn works
