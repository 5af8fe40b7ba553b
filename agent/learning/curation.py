"""A curator's decisions: approve (maybe edited), reject, revoke; and the vector store kept in step.

An approval is written ahead: the proposal becomes ``approving`` with the
decision on it (who, when, the edit, the overridden flags and the reason), then
the vector is written, then the audit entries (with fixed keys, so writing them
twice is harmless), and only then does the status become ``approved``. A
process killed at any point leaves either a pending proposal or an
``approving`` one, which :meth:`Curator.sync` (run by ``escalate kb learned
--sync`` and before every review) completes, or puts back to pending if the
vector store refuses it. So "approved" always means retrievable and audited.
Retrieval serves a learned chunk only while its proposal is approved, so a
half-done approval, or a revoked answer whose vector is still stored (revoke
writes the book first), never reaches a shopper.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from agent.errors import CurationError, KnowledgeError
from agent.learning.book import Approval, AuditEntry, Proposal, ProposalBook
from agent.learning.crashpoint import crash_point
from agent.learning.propose import Checks
from knowledge.embeddings import Embedder
from knowledge.models import Chunk
from knowledge.tokens import count_tokens

LEARNED_TITLE = "Learned answer"


class LearnedVectors(Protocol):
    """What curation needs of the vector store (knowledge.store.VectorStore has it)."""

    embedder: Embedder

    def replace_document(self, doc_id: str, chunks: list[Chunk], vectors: list) -> None: ...
    def delete_document(self, doc_id: str) -> None: ...
    def learned_ids(self) -> list[str]: ...


def learned_chunk(p: Proposal) -> Chunk:
    """The one chunk an approved answer becomes: its question as heading, its answer as text."""
    return Chunk(
        id=f"{p.doc_id}#0",
        doc_id=p.doc_id,
        title=LEARNED_TITLE,
        heading=p.question,
        text=p.answer,
        n_tokens=count_tokens(p.answer),
        doc_sha256=hashlib.sha256(f"{p.question}\n{p.answer}".encode()).hexdigest(),
        source="learned",
        provenance=p.provenance(),
    )


@dataclass
class SyncReport:
    written: list[str]
    removed: list[str]
    completed: list[str] = field(default_factory=list)
    """Approvals a crash interrupted, finished now."""


class Curator:
    """Every decision goes through here, and into the audit log."""

    def __init__(
        self,
        book: ProposalBook,
        vectors: LearnedVectors,
        checks: Checks,
        clock: Callable[[], str],
    ) -> None:
        self.book, self.vectors, self.checks, self.now = book, vectors, checks, clock

    def approve(
        self,
        proposal_id: str,
        who: str,
        *,
        answer: str | None = None,
        question: str | None = None,
        override_flags: bool = False,
        reason: str | None = None,
        edit_note: str = "",
    ) -> Proposal:
        """Approve as is, or edited; a flagged proposal needs an edit that clears it, or an
        override with a reason (both go into the audit log). ``edit_note``: why the text was
        changed (kept with the "edited" entry)."""
        p = self._pending(proposal_id)
        before = p.model_dump(mode="json")
        changes: dict[str, dict[str, str]] = {}
        if answer is not None or question is not None:
            p, changes = self._edited(p, answer, question)
        why = _override_reason(p, override_flags, reason)
        self._fits(p)
        at = self.now()
        approval = Approval(
            who=who,
            at=at,
            changes=changes,
            overridden=p.flags,
            override_reason=why,
            edit_note=edit_note.strip() if changes else "",
            before=before,
        )
        intent = p.model_copy(
            update={
                "status": "approving",
                "decided_by": who,
                "decided_at": at,
                "updated_at": at,
                "approving": approval,
            }
        )
        crash_point("approve:before-intent")
        self.book.put(intent)  # written ahead: from here a repair completes or undoes it
        return self._complete(intent)

    def _complete(self, p: Proposal) -> Proposal:
        """Vector, audit entries, then the approved status: each step safe to run twice."""
        a = p.approving
        if a is None:
            raise CurationError(f"{p.id} has no approval to complete")
        crash_point("approve:before-vector")
        try:
            self._write(p)
        except KnowledgeError as exc:
            self.book.put(Proposal(**a.before))  # back to pending: never approved unretrievable
            self.book.log(
                AuditEntry(at=a.at, who=a.who, action="failed", proposal_id=p.id, note=str(exc))
            )
            raise CurationError(f"{p.id} stays pending: the vector store failed: {exc}") from exc
        crash_point("approve:after-vector")
        if a.changes:
            edited = AuditEntry(
                at=a.at,
                who=a.who,
                action="edited",
                proposal_id=p.id,
                changes=a.changes,
                note=a.edit_note,
            )
            self.book.log(edited, key=f"{a.at}-{p.id}-edited")
        note = f"flags overridden: {'; '.join(a.overridden)}" if a.overridden else ""
        entry = AuditEntry(
            at=a.at,
            who=a.who,
            action="approved",
            proposal_id=p.id,
            note=note,
            override_reason=a.override_reason,
        )
        self.book.log(entry, key=f"{a.at}-{p.id}-approved")
        crash_point("approve:after-audit")
        approved = p.model_copy(update={"status": "approved", "approving": None})
        self.book.put(approved)
        crash_point("approve:after-approved")
        return approved

    def _fits(self, p: Proposal) -> None:
        """Measured before anything is written: the embedder would cut a longer answer."""
        chunk = learned_chunk(p)
        window = self.vectors.embedder.max_tokens
        if (
            window is not None
            and (n := self.vectors.embedder.count_tokens(chunk.embed_text)) > window
        ):
            raise CurationError(
                f"{p.id} is too long for the embedder ({n} of {window} word-pieces): shorten the answer"
            )

    def reject(self, proposal_id: str, who: str, reason: str) -> Proposal:
        if not reason.strip():
            raise CurationError("a rejection needs a reason")
        p = self._pending(proposal_id)
        at = self.now()
        done = p.model_copy(
            update={
                "status": "rejected",
                "decided_by": who,
                "decided_at": at,
                "updated_at": at,
                "reason": reason.strip(),
            }
        )
        self.book.put(done)
        self.book.log(
            AuditEntry(at=at, who=who, action="rejected", proposal_id=p.id, note=reason.strip())
        )
        return done

    def revoke(self, proposal_id: str, who: str, reason: str) -> Proposal:
        """Take an approved answer out of retrieval (the record and its history stay)."""
        if not reason.strip():
            raise CurationError("a revocation needs a reason")
        p = self.book.get(proposal_id)
        if p is None or p.status != "approved":
            raise CurationError(f"{proposal_id} is not an approved learned answer")
        at = self.now()
        done = p.model_copy(
            update={"status": "revoked", "updated_at": at, "reason": reason.strip()}
        )
        self.book.put(done)  # the book first: retrieval drops it from this moment
        self.book.log(
            AuditEntry(at=at, who=who, action="revoked", proposal_id=p.id, note=reason.strip())
        )
        try:
            self.vectors.delete_document(p.doc_id)
        except KnowledgeError as exc:
            raise CurationError(
                f"{p.id} is revoked, but its vector is still stored ({exc}); "
                "retrieval ignores it, and `escalate kb learned --sync` removes it"
            ) from exc
        return done

    def repair(self) -> list[str]:
        """Complete approvals a crash interrupted (or put them back to pending if the vector
        store refuses them now)."""
        done = []
        for p in self.book.all("approving"):
            try:
                self._complete(p)
                done.append(p.id)
            except CurationError:
                continue  # back to pending, with a "failed" entry in the audit log
        return done

    def sync(self, who: str = "system") -> SyncReport:
        """Finish interrupted approvals, then make the vector store hold exactly the approved
        answers."""
        repaired = self.repair()
        approved = {p.doc_id: p for p in self.book.all("approved")}
        stored = set(self.vectors.learned_ids())
        removed = sorted(stored - set(approved))
        for doc_id in removed:
            self.vectors.delete_document(doc_id)
        written = sorted(set(approved) - stored)
        for doc_id in written:
            self._write(approved[doc_id])
        if removed or written or repaired:
            note = f"wrote {len(written)}, removed {len(removed)}, completed {len(repaired)}"
            self.book.log(
                AuditEntry(at=self.now(), who=who, action="synced", proposal_id="*", note=note)
            )
        return SyncReport(written=written, removed=removed, completed=repaired)

    def _pending(self, proposal_id: str) -> Proposal:
        p = self.book.get(proposal_id)
        if p is None:
            raise CurationError(f"no proposal {proposal_id!r}")
        if p.status != "pending":
            raise CurationError(f"{proposal_id} is already {p.status}")
        return p

    def _edited(
        self, p: Proposal, answer: str | None, question: str | None
    ) -> tuple[Proposal, dict[str, dict[str, str]]]:
        """The curator's text, scrubbed and checked again: the new flags replace the old."""
        for name, text in (("answer", answer), ("question", question)):
            if text is not None and not text.strip():
                raise CurationError(f"the edited {name} is empty")
        checked = self.checks((question or p.question).strip(), (answer or p.answer).strip())
        changes = {
            name: {"before": before, "after": after}
            for name, before, after in (
                ("question", p.question, checked.question),
                ("answer", p.answer, checked.answer),
            )
            if before != after
        }
        edited = p.model_copy(
            update={
                "questions": [checked.question, *p.questions[1:]],
                "answer": checked.answer,
                "flags": checked.flags,
            }
        )
        return edited, changes

    def _write(self, p: Proposal) -> None:
        chunk = learned_chunk(p)
        vector = self.vectors.embedder.embed([chunk.embed_text])[0]
        self.vectors.replace_document(p.doc_id, [chunk], [vector])


def _override_reason(p: Proposal, override_flags: bool, reason: str | None) -> str:
    """A flagged proposal is approved only with an explicit override and a reason."""
    why = (reason or "").strip()
    if p.flags and not override_flags:
        raise CurationError(
            f"{p.id} is flagged ({'; '.join(p.flags)}): edit it, or approve with "
            "--override-flags and a --reason"
        )
    if p.flags and not why:
        raise CurationError(f"{p.id} is flagged: overriding its flags needs a reason")
    return why
