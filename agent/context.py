"""What the graph's nodes get from outside, in one object (LangGraph's run context)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from agent.llm import LLM
from agent.settings import Settings
from knowledge.models import ScoredChunk


class Retriever(Protocol):
    """Anything that finds knowledge for a question (the vector store, a test fake)."""

    def search(self, query: str, k: int) -> list[ScoredChunk]: ...

    def vocabulary(self) -> frozenset[str]:
        """Every word the knowledge base uses (lower-cased)."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """The model, the knowledge, the settings and the clock, injected per run."""

    settings: Settings
    llm: LLM
    retriever: Retriever
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")
