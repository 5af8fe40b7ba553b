"""retrieve: knowledge-base chunks for the question, with similarity scores."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.state import ConversationState

log = logging.getLogger(__name__)


def question_of(state: ConversationState) -> str:
    """The question to look up: a short follow-up ("and express?") borrows the one before it."""
    shopper = [t["text"] for t in state.get("transcript", []) if t["role"] == "shopper" and t["kind"] == "message"]
    if not shopper:
        return state.get("incoming", "")
    if len(shopper) > 1 and len(shopper[-1].split()) <= 4:
        return f"{shopper[-2]} {shopper[-1]}"
    return shopper[-1]


def retrieve(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Search the store; a store failure yields nothing found (and so a handoff), never a crash."""
    ctx = runtime.context
    try:
        found = ctx.retriever.search(question_of(state), ctx.settings.knowledge.top_k)
    except KnowledgeError as exc:
        log.error("retrieval failed, the turn will be handed off: %s", exc)
        return {"retrieved": [], "notes": [f"knowledge base unavailable: {exc}"]}
    return {"retrieved": [sc.model_dump() for sc in found]}
