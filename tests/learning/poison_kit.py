"""A small KB, a proposal drafted from a question and a resolution, and vectors in memory."""

from __future__ import annotations

from langgraph.store.memory import InMemoryStore

from agent.learning.book import ProposalBook
from agent.learning.curation import Curator
from agent.learning.propose import Checks, draft_proposal, file_proposal
from agent.settings import Settings
from knowledge.models import Chunk
from tests.fakes import SAMPLE_KB, LexicalRetriever, chunk

KB = [
    *SAMPLE_KB,
    chunk(
        "faq/general.json#3",
        "No, we don't match prices from other retailers or marketplaces.",
        "FAQ",
        "Do you price match other retailers?",
    ),
    chunk(
        "policies/account.md#0",
        "Select Forgot password on the sign-in page and we email you a reset link. "
        "Our team will never ask you for your password.",
        "Account",
        "Passwords",
    ),
    chunk(
        "policies/returns.md#2",
        "Final Sale items can't be returned or exchanged, and we don't refund them.",
        "Returns",
        "Final Sale",
    ),
    chunk(
        "about/contact.md#0",
        "Email support@northwindgoods.example or call 1-800-555-0142; returns start at "
        "northwindgoods.example/returns.",
        "Contact us",
        "Contact",
    ),
    chunk(
        "policies/shipping.md#1",
        "Express shipping costs $14.95 and arrives in 1-2 business days.",
        "Shipping",
        "Express",
    ),
]


class Embedder:
    max_tokens = None

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [[1.0] for _ in texts]

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class MemoryVectors:
    """The learned documents a curator wrote, in memory."""

    def __init__(self) -> None:
        self.embedder = Embedder()
        self.docs: dict[str, list[Chunk]] = {}

    def replace_document(self, doc_id: str, chunks: list[Chunk], vectors: list) -> None:
        self.docs[doc_id] = chunks

    def delete_document(self, doc_id: str) -> None:
        self.docs.pop(doc_id, None)

    def learned_ids(self) -> list[str]:
        return sorted(self.docs)


def settings() -> Settings:
    return Settings.load(
        learning={"public_contacts": ["support@northwindgoods.example", "1-800-555-0142"]}
    )


def checks() -> Checks:
    return Checks(LexicalRetriever(KB), settings())


def values(question: str, trigger: str = "low_confidence", cid: str = "c1") -> dict:
    at = "2026-11-21T15:00:00+00:00"
    return {
        "conversation_id": cid,
        "handoff": {
            "transcript": [{"role": "shopper", "text": question, "at": at}],
            "triggers": [{"kind": trigger, "reason": trigger}],
        },
    }


def desk() -> tuple[ProposalBook, Curator, MemoryVectors]:
    book = ProposalBook(InMemoryStore())
    vectors = MemoryVectors()
    return book, Curator(book, vectors, checks(), lambda: "2026-11-22T09:00:00"), vectors


def propose(book: ProposalBook, question: str, resolution: str, cid: str = "c1"):
    at = "2026-11-21T15:05:00+00:00"
    draft = draft_proposal(
        values(question, cid=cid), {"text": resolution, "at": at, "agent": "sam"}, checks()
    )
    assert draft is not None
    return file_proposal(draft, book, lambda a, b: 0.0)
