"""Test doubles: a lexical retriever and a scripted model."""

from __future__ import annotations

from collections.abc import Iterable

from langgraph.store.memory import InMemoryStore

from agent.claims import content_words
from agent.llm import Draft, HandoffFacts, HandoffNotes, Usage
from agent.offline import OfflineBackend
from knowledge.embeddings import Embedder
from knowledge.models import Chunk, ScoredChunk
from knowledge.vocabulary import words_of


def chunk(cid: str, text: str, title: str = "", heading: str = "") -> Chunk:
    doc = cid.split("#")[0]
    return Chunk(
        id=cid,
        doc_id=doc,
        title=title or doc,
        heading=heading,
        text=text,
        n_tokens=len(text.split()),
        doc_sha256="x",
    )


class LexicalRetriever:
    """Scores chunks by shared content words: deterministic, no model."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.chunks = list(chunks)
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        self.queries.append(query)
        asked = content_words(query)
        scored = []
        for c in self.chunks:
            words = content_words(c.embed_text)
            score = len(asked & words) / len(asked) if asked else 0.0
            scored.append(ScoredChunk(chunk=c, score=round(0.2 + 0.7 * score, 4)))
        scored.sort(key=lambda s: -s.score)
        return scored[:k]

    def vocabulary(self) -> frozenset[str]:
        return frozenset(w for c in self.chunks for w in words_of(c.embed_text))


class ScriptedLLM:
    """Returns queued drafts; handoff notes come from the offline writer."""

    name = "scripted"
    extractive = False

    def __init__(self, drafts: Iterable[Draft | Exception] = ()) -> None:
        self.drafts = list(drafts)
        self.usage = Usage()
        self.calls: list[str] = []

    def draft_answer(
        self,
        question: str,
        chunks: list[ScoredChunk],
        history: list[str],
        language: str = "en",
    ) -> Draft:
        self.calls.append(question)
        item = self.drafts.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def handoff_notes(
        self, transcript: list[str], facts: HandoffFacts, chunks: list[ScoredChunk]
    ) -> HandoffNotes:
        return OfflineBackend().handoff_notes(transcript, facts, chunks)


SAMPLE_KB = [
    chunk(
        "policies/returns.md#0",
        "You can return unworn items within 30 days of delivery. Items must have their original tags.",
        "Returns",
        "Return window",
    ),
    chunk(
        "policies/returns.md#1",
        "Refunds are issued to the original payment method within 5 business days of receiving your return.",
        "Returns",
        "Refund timing",
    ),
    chunk(
        "policies/shipping.md#0",
        "Standard shipping costs $5.95 and takes 5-7 business days. Orders over $75 ship free.",
        "Shipping",
        "Rates",
    ),
    chunk(
        "products/aero-buds.md#0",
        "Aero Buds Pro give 8 hours of battery life per charge and 32 hours with the case.",
        "Aero Buds Pro",
        "Battery",
    ),
]


# A customer record as a store's runtime would send it (CRM plus orders).
DANA = {
    "name": "Dana Reyes",
    "email": "dana@example.com",
    "tier": "standard",
    "orders": [
        {
            "id": "NW-10482",
            "status": "delivered",
            "total": 129.0,
            "currency": "USD",
            "items": [{"sku": "TEE-M", "name": "Black tee", "qty": 2}],
        }
    ],
}


class CountingStore(InMemoryStore):
    """An in-memory store that counts its round trips (each ``batch`` call)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def batch(self, ops):  # type: ignore[override]
        self.batches += 1
        return super().batch(ops)


class EmbeddingRetriever(LexicalRetriever):
    """The lexical fake over the sample KB, plus the shipped embedder's query vectors (as the
    vector store has); ``embedded`` lists the queries it embedded."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__(SAMPLE_KB)
        self.embedder = embedder
        self.embedded: list[str] = []

    def query_vectors(self, queries: list[str]) -> list[list[float]]:
        self.embedded += queries
        return self.embedder.embed(queries)
