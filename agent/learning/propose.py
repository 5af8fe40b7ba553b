"""From a resolved handoff to a proposed learned answer (or a merge into one we have).

What is stored is never what was typed: the question and the answer are
scrubbed of personal data first. A proposal is flagged for the curator when
it still looks personal, gives the bot instructions, reads like an action on
one shopper's account, contradicts the knowledge base, or answers a question
we already have a different learned answer for.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from agent.claims import content_words, quantities, sentences
from agent.context import Context, Retriever
from agent.extract import extract
from agent.learning.book import AuditEntry, Proposal, ProposalBook, Source
from agent.learning.injection import instructions_to_bot
from agent.learning.money import promise_flags
from agent.learning.names import other_names
from agent.learning.noise import teaches_nothing
from agent.learning.privacy import KnownPersonal, scrub
from agent.learning.safety import (
    contact_points,
    credential_requests,
    decoded_tags,
    hidden_text,
    unknown_contacts,
)
from agent.settings import Settings
from agent.smalltalk import classify
from agent.state import TriggerHit, Turn
from knowledge.models import ScoredChunk
from knowledge.vocabulary import words_of

log = logging.getLogger(__name__)

SAME_QUESTION = 0.86
"""Cosine (MiniLM) at or above which two questions are the same question."""
SAME_ANSWER = 0.80
"""...and two answers the same answer (so the proposals merge)."""
RELATED_QUESTION = 0.60
SAME_WORDS = 0.95
"""Related questions (cosine >= 0.60) that got the same answer (>= 0.95) merge too:
"Do you have a student discount?" and "Is there any discount for students?"."""

_ACTION = re.compile(
    r"\b(?:I|we)(?:'ve| have| just)?\s+(?:refunded|cancell?ed|issued|processed|updated|changed|"
    r"reset|sent|shipped|credited|applied|reshipped|replaced|escalated|added|removed|noted|emailed|"
    r"arranged|booked|waived|extended|upgraded|adjusted|scheduled|contacted|called|cancel+ed)\b",
    re.IGNORECASE,
)

Similarity = Callable[[str, str], float]


def similarity_for(ctx: Context) -> Similarity:
    """Cosine of the store's own embeddings when there are any; else word overlap."""
    embedder = getattr(ctx.retriever, "embedder", None)
    if embedder is None:
        return lambda a, b: fuzz.token_set_ratio(a.lower(), b.lower()) / 100

    def cosine(a: str, b: str) -> float:
        va, vb = embedder.embed([a, b])
        return float(sum(x * y for x, y in zip(va, vb, strict=True)))  # unit vectors

    return cosine


def handed_off_question(transcript: Sequence[Turn]) -> str | None:
    """The shopper's question the bot could not answer: their last real message before it."""
    for turn in reversed(transcript):
        if turn.role != "shopper" or turn.kind != "message":
            continue
        if classify(turn.text, extract(turn.text)) is None and len(content_words(turn.text)) >= 2:
            return turn.text
    return None


@dataclass
class Checked:
    """Scrubbed text and the reasons a curator must look twice."""

    question: str
    answer: str
    flags: list[str]
    redactions: dict[str, int]


class Checks:
    """Scrub a question and answer, then flag what still needs a curator's eye."""

    def __init__(self, retriever: Retriever | None, settings: Settings) -> None:
        self.retriever, self.settings = retriever, settings

    def __call__(self, question: str, answer: str, known: KnownPersonal | None = None) -> Checked:
        known = known or KnownPersonal()
        keep = self.settings.learning.public_contacts
        q, a = scrub(question, known, keep=keep), scrub(answer, known, keep=keep)
        flags = [f"still looks personal: {why}" for why in [*q.still_personal, *a.still_personal]]
        for text in (answer, question, decoded_tags(answer), decoded_tags(question)):
            flags += [f"instructions to the bot: {why}" for why in instructions_to_bot(text)]
        flags += hidden_text(answer) + hidden_text(question) + credential_requests(answer)
        if _ACTION.search(a.text):
            flags.append(
                "reads like an action on one shopper's account, not an answer for everyone"
            )
        if a.redactions:
            removed = ", ".join(f"{r.count} {r.kind}" for r in a.redactions)
            flags.append(f"the answer held personal data ({removed} removed): is it general?")
        flags += self.against_kb(answer, a.text, q.text)
        redactions: dict[str, int] = {}
        for r in [*q.redactions, *a.redactions]:
            redactions[r.kind] = redactions.get(r.kind, 0) + r.count
        return Checked(q.text, a.text, list(dict.fromkeys(flags)), redactions)

    def against_kb(self, raw: str, answer: str, question: str) -> list[str]:
        """Links, names, promises and values the knowledge base does not have or contradicts."""
        allowed = self.settings.learning.public_contacts
        if self.retriever is None:
            return unknown_contacts(raw, [], allowed) + other_names(answer, frozenset())
        try:
            k = self.settings.knowledge.top_k
            chunks = self.retriever.search(f"{question} {answer}", k)
            chunks += self.retriever.search(answer, k)  # what the KB says about the claim itself
            for _, value in contact_points(raw)[:3]:  # the page that gives this link, if any
                chunks += self.retriever.search(value, 2)
            vocabulary = self.retriever.vocabulary()
        except Exception as exc:  # noqa: BLE001 - a proposal is never lost to a store hiccup
            log.warning("could not check a proposal against the KB: %s", exc)
            return [f"not checked against the knowledge base ({exc})"]
        floor = self.settings.grounding.min_retrieval_score
        return [
            *unknown_contacts(raw, chunks, allowed),
            *other_names(answer, vocabulary | words_of(question)),  # "Puerto Rico", asked about
            *promise_flags(answer, chunks, floor),
            *self.contradictions(answer, chunks),
        ]

    def contradictions(self, answer: str, chunks: list[ScoredChunk]) -> list[str]:
        """KB chunks on the same subject that state another value with the same unit."""
        floor = self.settings.grounding.min_retrieval_score
        in_kb = {q for sc in chunks if sc.chunk.source == "kb" for q in quantities(sc.chunk.text)}
        found = []
        for said in sentences(answer):
            for value, unit in quantities(said) - in_kb:
                for sc in chunks if unit else []:
                    if sc.chunk.source != "kb" or sc.score < floor:
                        continue
                    for kb_sentence in sentences(sc.chunk.text):
                        theirs = {v for v, u in quantities(kb_sentence) if u == unit}
                        if theirs and value not in theirs and _same_subject(kb_sentence, said):
                            says = ", ".join(f"{v:g}" for v in sorted(theirs))
                            found.append(
                                f"contradicts {sc.chunk.id}: the KB says {says} ({unit}), "
                                f"the answer says {value:g}"
                            )
        return list(dict.fromkeys(found))


def _same_subject(a: str, b: str) -> bool:
    """Two sentences about the same thing: most of the shorter one's words are in the other."""
    wa, wb = content_words(a), content_words(b)
    shared = wa & wb
    return len(shared) >= 2 and len(shared) >= 0.5 * min(len(wa), len(wb))


def not_worth_learning(values: dict, resolution: dict) -> str | None:
    """Why this resolved handoff teaches the KB nothing (None: draft a proposal)."""
    package = values.get("handoff") or {}
    transcript = [Turn(**t) for t in package.get("transcript") or values.get("transcript", [])]
    question = handed_off_question(transcript)
    if question is None:
        return "no question to learn from"
    kinds = [TriggerHit(**h).kind for h in package.get("triggers", [])]
    return teaches_nothing(kinds, question, resolution.get("text") or "")


def draft_proposal(values: dict, resolution: dict, checks: Checks) -> Proposal | None:
    """A scrubbed, flagged proposal from a conversation a person just resolved (None: no question)."""
    package = values.get("handoff") or {}
    transcript = [Turn(**t) for t in package.get("transcript") or values.get("transcript", [])]
    question = handed_off_question(transcript)
    if question is None:
        return None
    customer = values.get("customer") or {}
    known = KnownPersonal.from_conversation(
        customer,
        [*customer.get("orders", []), *package.get("orders", [])],
        [t.text for t in transcript if t.role in ("shopper", "agent")],
    )
    checked = checks(question, resolution["text"], known)
    hits = [TriggerHit(**h) for h in package.get("triggers", [])]
    source = Source(
        conversation_id=values.get("conversation_id") or package.get("conversation_id", ""),
        handoff_id=resolution.get("handoff_id"),
        agent=resolution.get("agent") or "agent",
        at=resolution["at"],
        triggers=list(dict.fromkeys(h.kind for h in hits)),
        route=package.get("route"),
        kb_chunks=[r["chunk"]["id"] for r in values.get("retrieved", [])][:8],
    )
    key = f"{source.conversation_id}|{source.handoff_id}|{source.at}"
    return Proposal(
        id=f"p-{hashlib.sha256(key.encode()).hexdigest()[:10]}",  # a retried step: same id
        questions=[checked.question],
        answer=checked.answer,
        flags=checked.flags,
        redactions=checked.redactions,
        sources=[source],
        intent=package.get("intent") or values.get("intent") or "other",
        created_at=resolution["at"],
        updated_at=resolution["at"],
    )


def file_proposal(proposal: Proposal, book: ProposalBook, similar: Similarity) -> Proposal:
    """Store it, merged into a near-duplicate pending or approved one when there is one."""
    for other in book.all("pending") + book.all("approved"):
        same_q = similar(proposal.question, other.question)
        if same_q < RELATED_QUESTION:
            continue
        same_a = similar(proposal.answer, other.answer)
        if same_q < SAME_QUESTION and same_a < SAME_WORDS:
            continue  # related questions with different answers: two answers, no conflict
        if same_a >= SAME_ANSWER:
            merged = other.model_copy(
                update={
                    "questions": list(dict.fromkeys([*other.questions, *proposal.questions])),
                    "sources": [*other.sources, *proposal.sources],
                    "updated_at": proposal.created_at,
                }
            )
            book.put(merged)
            book.log(
                AuditEntry(
                    at=proposal.created_at,
                    who=proposal.sources[0].agent,
                    action="merged",
                    proposal_id=other.id,
                    note=f"same question and answer from conversation "
                    f"{proposal.sources[0].conversation_id}",
                )
            )
            return merged
        proposal.flags.append(
            f"answers the same question as {other.status} learned answer {other.id} differently"
        )
    book.put(proposal)
    book.log(
        AuditEntry(
            at=proposal.created_at,
            who=proposal.sources[0].agent,
            action="proposed",
            proposal_id=proposal.id,
            note="; ".join(proposal.flags),
        )
    )
    return proposal
