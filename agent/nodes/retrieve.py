"""retrieve: knowledge-base chunks for the question, with similarity scores."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.questions import asked_part, split_questions
from agent.state import ConversationState
from knowledge.models import ScoredChunk

log = logging.getLogger(__name__)


def question_of(state: ConversationState) -> str:
    """The question to look up: a short follow-up ("and express?") borrows the one before it."""
    shopper = [
        t["text"]
        for t in state.get("transcript", [])
        if t["role"] == "shopper" and t["kind"] == "message"
    ]
    if not shopper:
        return state.get("incoming", "")
    if len(shopper) > 1 and len(shopper[-1].split()) <= 4:
        return f"{shopper[-2]} {shopper[-1]}"
    return shopper[-1]


def search_all(ctx: Context, question: str) -> list[ScoredChunk]:
    """Top chunks for each sub-question, merged: a chunk keeps its best score."""
    best: dict[str, ScoredChunk] = {}
    queries = split_questions(question) or [question]
    # "Can I still return it" is also looked up without the sweater around it
    queries += [asked_part(q) for q in queries]
    for query in dict.fromkeys(queries):
        for sc in ctx.retriever.search(query, ctx.settings.knowledge.top_k):
            if sc.chunk.id not in best or sc.score > best[sc.chunk.id].score:
                best[sc.chunk.id] = sc
    return sorted(best.values(), key=lambda sc: -sc.score)


def retrieve(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Search the store; a store failure yields nothing found (and so a handoff), never a crash."""
    ctx = runtime.context
    try:
        found = search_all(ctx, question_of(state))
    except KnowledgeError as exc:
        log.error("retrieval failed, the turn will be handed off: %s", exc)
        return {"retrieved": [], "notes": [f"knowledge base unavailable: {exc}"]}
    return {"retrieved": [sc.model_dump() for sc in found]}
