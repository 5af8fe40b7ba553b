"""The settings every benchmark runs with: the store's own, pointed at a bench KB and a scratch
data folder, with the local embedder, the offline backend and the default SQLite checkpointer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent.settings import Settings
from knowledge.models import Chunk

if TYPE_CHECKING:
    from agent.runtime import EscalationAgent

__all__ = ["approve_learned", "bench_settings", "close"]


def bench_settings(base: Settings, chroma: Path, data_dir: Path) -> Settings:
    """``base`` with the KB at ``chroma`` and conversations under ``data_dir``."""
    update: dict = {
        "data_dir": data_dir,
        "knowledge": base.knowledge.model_copy(update={"chroma_path": chroma, "chroma_url": None}),
        "llm": base.llm.model_copy(update={"base_url": None}),
        "embedding": base.embedding.model_copy(update={"backend": "local"}),
    }
    if "database_url" in Settings.model_fields:
        update["database_url"] = None
    return base.model_copy(update=update)


def close(agent: EscalationAgent) -> None:
    """Close the databases an agent opened itself."""
    closer = getattr(agent, "close", None)
    if closer is not None:
        closer()
        return
    conn = getattr(agent.graph.checkpointer, "conn", None)
    if conn is not None:
        conn.close()


def approve_learned(agent: EscalationAgent, chunks: list[Chunk]) -> int:
    """Record the bench KB's learned answers as approved proposals in the agent's records
    store, as curation would have: retrieval keeps a learned answer only when it is approved.
    Returns how many were recorded (0 when this version has no proposal book)."""
    try:
        from agent.learning.book import Proposal, ProposalBook, Source
    except ImportError:
        return 0
    book = ProposalBook(agent.store)
    at = "2026-01-01T00:00:00+00:00"
    for chunk in chunks:
        source = Source(conversation_id="bench", agent="bench", at=at)
        book.put(Proposal(id=chunk.doc_id.removeprefix("learned/"), status="approved",
                          questions=[chunk.heading], answer=chunk.text, sources=[source],
                          created_at=at, updated_at=at, decided_by="bench", decided_at=at))  # fmt: skip
    return len(chunks)
