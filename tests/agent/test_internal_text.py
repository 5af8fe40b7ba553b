"""Internal KB text (an agent-facing wiki) is never quoted to a shopper, and it still reaches
the person who takes the handoff, through the real ingest, store and graph."""

from __future__ import annotations

from pathlib import Path

from agent.runtime import EscalationAgent
from agent.settings import Settings
from knowledge.ingest import ingest
from knowledge.store import VectorStore
from tests.knowledge.conftest import FakeEmbedder

WIKI = """# Refund desk

As a support agent, you can issue refunds for delivered orders.

## Refund timing

- The customer needs to confirm the order id before you issue the refund.
- Ask the user which card to refund; the refund reaches the original card in 5 to 7 business days.
"""
SHIPPING = """# Shipping

Standard shipping takes 3 to 5 business days within the US.
"""


def _agent(tmp_path: Path) -> tuple[EscalationAgent, VectorStore]:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "refund-desk.md").write_text(WIKI)
    (kb / "shipping.md").write_text(SHIPPING)
    embedder = FakeEmbedder()
    store = VectorStore(embedder, path=tmp_path / "chroma")
    ingest(kb, store, embedder)
    agent = EscalationAgent(Settings.load(data_dir=tmp_path / "d"), retriever=store, warm_up=False)
    return agent, store


def test_internal_text_is_not_quoted_but_feeds_the_suggested_resolution(tmp_path: Path) -> None:
    agent, store = _agent(tmp_path)
    with agent:
        question = "How many business days until the refund reaches my card?"
        assert any(sc.chunk.audience == "internal" for sc in store.search(question, 4))
        reply = agent.send("c-internal", question)
        said = " ".join(reply.messages)
        assert "5 to 7" not in said and "The customer needs" not in said
        assert reply.kind == "handoff"
        package = reply.handoff
        assert package is not None
        cited = [c.doc_id for c in package.suggested_resolution.citations]
        assert any(d.endswith("refund-desk.md") for d in cited)


def test_shopper_text_in_the_same_store_is_still_answered(tmp_path: Path) -> None:
    agent, _ = _agent(tmp_path)
    with agent:
        reply = agent.send("c-ship", "How long does standard shipping take within the US?")
        assert reply.kind == "answer"
        assert "3 to 5 business days" in " ".join(reply.messages)
        assert all(c.doc_id.endswith("shipping.md") for c in reply.citations)
