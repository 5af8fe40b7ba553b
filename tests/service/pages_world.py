"""A real agent for the pages' tests: Chroma with the sample KB, MiniLM, SQLite, role keys."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.runtime import EscalationAgent
from agent.service.auth import hash_key, new_key
from agent.settings import Settings
from knowledge.embeddings import LocalMiniLM
from knowledge.store import VectorStore
from tests.fakes import SAMPLE_KB

GIFT_Q = "Do you offer gift wrapping for presents?"
GIFT_A = "Yes. Gift wrapping costs $4.95 per order, and you can add it at checkout."


@dataclass
class World:
    agent: EscalationAgent
    vectors: VectorStore
    keys: dict[str, str]

    @property
    def hashes(self) -> dict[str, list[str]]:
        return {role: [hash_key(key)] for role, key in self.keys.items()}


def make_world(path: Path, embedder: LocalMiniLM | None = None) -> World:
    embedder = embedder or LocalMiniLM()
    vectors = VectorStore(embedder, path=path / "chroma")
    for doc_id in dict.fromkeys(c.doc_id for c in SAMPLE_KB):
        chunks = [c for c in SAMPLE_KB if c.doc_id == doc_id]
        vectors.replace_document(doc_id, chunks, embedder.embed([c.embed_text for c in chunks]))
    settings = Settings.load(data_dir=path / "data", store_name="Northwind")
    agent = EscalationAgent(settings, retriever=vectors)
    keys = {role: new_key() for role in ("widget", "agent", "curator", "admin")}
    return World(agent, vectors, keys)
