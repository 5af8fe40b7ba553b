"""retrieve: knowledge-base chunks for the question, with similarity scores."""

from __future__ import annotations

import logging
import re

from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore

from agent.context import Context
from agent.errors import KnowledgeError
from agent.learning.book import ProposalBook
from agent.noise import content, has_words
from agent.policy_query import without_product
from agent.questions import asked_part, split_questions
from agent.shorthand import expand
from agent.state import ConversationState
from knowledge.models import ScoredChunk

log = logging.getLogger(__name__)


FOLLOW_UP = re.compile(r"^(?:and|or|also|plus|what about|how about|same for)\b", re.IGNORECASE)


def question_of(state: ConversationState) -> str:
    """The question to look up, without the noise around it (agent/noise.py): a follow-up
    ("and for express?") borrows the one just answered.

    Only an explicit follow-up borrows, and only from the exchange right before
    it, never across a handoff or a person's resolution.
    """
    transcript = state.get("transcript", [])
    shopper = [t for t in transcript if t["role"] == "shopper" and t["kind"] == "message"]
    current = _asked(shopper[-1]["text"] if shopper else state.get("incoming", ""))
    if not FOLLOW_UP.match(current.strip()) or len(transcript) < 3:
        return current
    before, answer = transcript[-3], transcript[-2]
    if before["role"] == "shopper" and before["kind"] == "message" and answer["role"] == "bot":
        return f"{_asked(before['text'])} {current}"
    return current


def matched_question(state: ConversationState) -> str:
    """The question as it is matched against the knowledge base (retrieval, the draft, the
    grounding gate): :func:`question_of` with chat shorthand written out ("do u ship to
    canada"; :mod:`agent.shorthand`). The transcript keeps the shopper's own words."""
    return expand(question_of(state), state.get("language"))


def _asked(text: str) -> str:
    """The message without its noise; all of it when nothing of a question would be left."""
    kept = content(text)
    return kept if has_words(kept) else text


def search_all(ctx: Context, question: str) -> list[ScoredChunk]:
    """Top chunks for each sub-question, merged: a chunk keeps its best score."""
    best: dict[str, ScoredChunk] = {}
    queries = split_questions(question) or [question]
    # "Can I still return it" is also looked up without the sweater around it
    queries += [asked_part(q) for q in queries]
    done: set[str] = set()
    for query in dict.fromkeys(queries):
        found = _search(ctx, query, best, done)
        # "can I return the Merino Crew?" is also looked up without the product's name
        for stripped in without_product(query, found):
            _search(ctx, stripped, best, done)
    return sorted(best.values(), key=lambda sc: -sc.score)


def _search(
    ctx: Context, query: str, best: dict[str, ScoredChunk], done: set[str]
) -> list[ScoredChunk]:
    """Search once per distinct query, merging into ``best`` (a chunk keeps its best score)."""
    if query in done:
        return []
    done.add(query)
    found = ctx.retriever.search(query, ctx.settings.knowledge.top_k)
    for sc in found:
        if sc.chunk.id not in best or sc.score > best[sc.chunk.id].score:
            best[sc.chunk.id] = sc
    return found


def approved_only(found: list[ScoredChunk], store: BaseStore | None) -> list[ScoredChunk]:
    """Drop a learned answer whose proposal is not approved now (say, revoked a moment ago)."""
    if store is None or not any(sc.chunk.source == "learned" for sc in found):
        return found
    book = ProposalBook(store)
    keep = []
    for sc in found:
        if sc.chunk.source == "learned":
            proposal = book.get(sc.chunk.doc_id.removeprefix("learned/"))
            if proposal is None or proposal.status != "approved":
                log.warning("ignoring %s: its proposal is not approved", sc.chunk.doc_id)
                continue
        keep.append(sc)
    return keep


def retrieve(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Search the store; a store failure yields nothing found (and so a handoff), never a crash."""
    ctx = runtime.context
    try:
        found = approved_only(search_all(ctx, matched_question(state)), runtime.store)
    except KnowledgeError as exc:
        log.error("retrieval failed, the turn will be handed off: %s", exc)
        return {
            "retrieved": [],
            "retrieved_internal": [],
            "notes": [f"knowledge base unavailable: {exc}"],
        }
    shopper, internal = by_audience(found)
    return {
        "retrieved": [sc.model_dump() for sc in shopper],
        "retrieved_internal": [sc.model_dump() for sc in internal],
    }


def by_audience(found: list[ScoredChunk]) -> tuple[list[ScoredChunk], list[ScoredChunk]]:
    """(what an answer may quote, what only the person taking a handoff sees): internal text
    (written for staff, see knowledge.audience) is never quoted to a shopper."""
    shopper = [sc for sc in found if sc.chunk.audience != "internal"]
    return shopper, [sc for sc in found if sc.chunk.audience == "internal"]
