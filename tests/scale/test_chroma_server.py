"""Both real engines at once: conversations in PostgreSQL, the knowledge base in a Chroma server."""

from __future__ import annotations

from agent.knowledge_base import open_store
from agent.runtime import EscalationAgent
from agent.settings import Settings
from knowledge.ingest import ingest
from tests.scale.proxy import TcpProxy

RETURNS = "How many days do I have to return unworn items?"


def test_an_agent_on_postgres_answers_from_a_kb_in_a_chroma_server(
    chroma_url, database_url, tmp_path
):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "returns.md").write_text(
        "# Returns\n\n## Return window\n\n"
        "You can return unworn items within 30 days of delivery. "
        "Items must have their original tags.\n"
    )
    (kb / "shipping.md").write_text(
        "# Shipping\n\n## Rates\n\n"
        "Standard shipping costs $5.95 and takes 5-7 business days. Orders over $75 ship free.\n"
    )
    settings = Settings.load(
        data_dir=tmp_path / "data",
        database_url=database_url,
        knowledge={"chroma_url": chroma_url},
        store_name="Northwind",
    )
    store = open_store(settings)  # what `escalate ingest` opens: the server, not a folder
    assert sorted(ingest(kb, store, store.embedder).added) == ["kb:returns.md", "kb:shipping.md"]

    with EscalationAgent(settings) as first:  # one runtime process...
        reply = first.send("c1", RETURNS)
    assert reply.kind == "answer", reply
    assert "30 days" in reply.messages[0]
    assert [c.chunk_id.split("#")[0] for c in reply.citations] == ["kb:returns.md"]

    with EscalationAgent(settings) as second:  # ...and another, sharing both servers
        assert second.conversation("c1").transcript[0].text == RETURNS
        follow = second.send("c1", "How much does standard shipping cost?")
    assert follow.kind == "answer", follow
    assert "$5.95" in follow.messages[0]

    data = tmp_path / "data"  # nothing was kept on local disk
    assert not (data / "chroma").exists() and not (data / "conversations.sqlite").exists()


def test_a_vector_server_that_is_down_ends_in_a_handoff_kept_in_postgres(database_url, tmp_path):
    port = TcpProxy(("127.0.0.1", 1)).port  # a free port: no Chroma server there
    settings = Settings.load(
        data_dir=tmp_path / "data",
        database_url=database_url,
        knowledge={"chroma_url": f"http://127.0.0.1:{port}"},
    )
    with EscalationAgent(settings) as agent:
        reply = agent.send("c1", RETURNS)
    assert reply.kind == "handoff"
    assert any("knowledge base unavailable" in t.evidence for t in reply.handoff.triggers)
    with EscalationAgent(settings) as other:  # kept: another process picks it up
        kept = other.conversation("c1")
    assert kept.mode == "human" and kept.handoff.id == reply.handoff.id
