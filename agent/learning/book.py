"""Proposals and the audit log, kept in the records store (LangGraph's BaseStore).

A proposal is a human agent's answer, stripped of personal data, waiting for a
curator. Only an *approved* proposal is ever written to the vector store; the
vector store follows this book, never the other way round.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, Literal

from langgraph.store.base import BaseStore
from pydantic import BaseModel, ConfigDict, Field

Status = Literal["pending", "approving", "approved", "rejected", "revoked"]
"""approving: a curator's approval written ahead of the vector write; the curator's
repair step (:meth:`agent.learning.curation.Curator.sync`) completes or undoes it."""
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]

PROPOSALS = ("learning", "proposals")
AUDIT = ("learning", "audit")
_PAGE = 200


class Source(BaseModel):
    """Where a proposal came from: one resolved handoff."""

    model_config = ConfigDict(extra="forbid")
    conversation_id: str
    handoff_id: str | None = None
    agent: str
    at: str
    """When the agent resolved the conversation (ISO-8601)."""
    triggers: list[str] = []
    route: str | None = None
    kb_chunks: list[str] = []
    """The knowledge-base chunks the bot had when it handed off."""


class Approval(BaseModel):
    """A decision to approve, kept on the proposal until the vector store and the audit log have it."""

    model_config = ConfigDict(extra="forbid")
    who: str
    at: str
    changes: dict[str, Any] = {}
    overridden: list[str] = []
    """The flags the curator approved it despite."""
    override_reason: str = ""
    edit_note: str = ""
    """Why the curator changed the text (the "edited" audit entry's note)."""
    before: dict[str, Any]
    """The pending proposal as it was, to put back if the vector store refuses it."""


class Proposal(BaseModel):
    """A learned answer, from proposal to approval (or rejection, or revocation)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    status: Status = "pending"
    questions: list[str]
    """The shopper's question, then other phrasings merged into this proposal."""
    answer: str
    flags: list[str] = []
    """Why a curator must look twice: still personal, instructions to the bot, contradictions."""
    redactions: dict[str, int] = {}
    """What the scrubber removed, by kind and count (never the values)."""
    sources: list[Source] = Field(min_length=1)
    intent: str = "other"
    created_at: str
    updated_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    """Why it was rejected or revoked."""
    approving: Approval | None = None
    """Set while an approval is being written (status ``approving``)."""

    @property
    def question(self) -> str:
        return self.questions[0]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def doc_id(self) -> str:
        """Its document id in the vector store."""
        return f"learned/{self.id}"

    def provenance(self) -> str:
        """One line an agent reads next to a citation of this answer."""
        first = self.sources[0]
        more = f" (+{len(self.sources) - 1} similar)" if len(self.sources) > 1 else ""
        approved = (
            f"; approved by {self.decided_by} on {(self.decided_at or '')[:10]}"
            if self.status in ("approving", "approved")
            else ""
        )
        return (
            f"learned answer {self.id}: agent {first.agent} in conversation "
            f"{first.conversation_id} on {first.at[:10]}{more}{approved}"
        )


class AuditEntry(BaseModel):
    """One decision: who, when, what, and what changed."""

    model_config = ConfigDict(extra="forbid")
    at: str
    who: str
    action: Literal[
        "proposed", "merged", "approved", "edited", "rejected", "revoked", "synced", "failed"
    ]
    proposal_id: str
    changes: dict[str, Any] = {}
    """Field -> {"before": ..., "after": ...} for what the decision changed."""
    note: str = ""
    override_reason: str = ""
    """Why a curator approved a flagged proposal (the flags are in ``note``)."""


def new_id() -> str:
    return f"p-{uuid.uuid4().hex[:10]}"


class ProposalBook:
    """Proposals and their audit log in a LangGraph store (SQLite or PostgreSQL)."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store

    def get(self, proposal_id: str) -> Proposal | None:
        item = self.store.get(PROPOSALS, proposal_id)
        return Proposal(**item.value) if item else None

    def put(self, proposal: Proposal) -> None:
        self.store.put(PROPOSALS, proposal.id, proposal.model_dump(mode="json"), index=False)

    def all(self, status: Status | None = None) -> list[Proposal]:
        """Every proposal (of one status), oldest first."""
        wanted = {"status": status} if status else None
        items = sorted(
            self._pages(PROPOSALS, wanted), key=lambda i: (i.value["created_at"], i.created_at)
        )
        return [Proposal(**item.value) for item in items]  # filed order within a second too

    def log(self, entry: AuditEntry, key: str | None = None) -> None:
        """Append an entry; a fixed ``key`` makes writing it again (a repair) a no-op."""
        key = key or f"{entry.at}-{uuid.uuid4().hex[:8]}"
        self.store.put(AUDIT, key, entry.model_dump(mode="json"), index=False)

    def audit(self, proposal_id: str | None = None) -> list[AuditEntry]:
        """The audit log (of one proposal), oldest first."""
        wanted = {"proposal_id": proposal_id} if proposal_id else None
        items = sorted(self._pages(AUDIT, wanted), key=lambda i: (i.value["at"], i.created_at))
        return [AuditEntry(**item.value) for item in items]

    def _pages(self, namespace: tuple[str, ...], wanted: dict | None) -> Iterator[Any]:
        offset = 0
        while True:
            page = self.store.search(namespace, filter=wanted, limit=_PAGE, offset=offset)
            yield from page
            if len(page) < _PAGE:
                return
            offset += _PAGE
