"""handoff: build the package for the human, tell the shopper what happens next."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import Context
from agent.errors import KnowledgeError
from agent.handoff import build_package
from agent.nodes.retrieve import question_of, search_all
from agent.state import ConversationState, TriggerHit, Turn
from knowledge.models import ScoredChunk

log = logging.getLogger(__name__)


def _knowledge(state: ConversationState, ctx: Context) -> list[ScoredChunk]:
    """What the KB says on the question, for the suggested resolution (even on an immediate trigger)."""
    if state.get("retrieved"):
        return [ScoredChunk(**c) for c in state["retrieved"]]
    try:
        return search_all(ctx, question_of(state))
    except KnowledgeError as exc:
        log.error("no KB context for the handoff: %s", exc)
        return []


def handoff(state: ConversationState, runtime: Runtime[Context]) -> dict:
    """Assemble the package; the conversation now belongs to a person."""
    ctx = runtime.context
    hits = [TriggerHit(**h) for h in state.get("triggers", [])]
    package = build_package(
        state, ctx, hits, _knowledge(state, ctx), state.get("conversation_id", "")
    )
    messages = package.shopper_messages.as_list()
    now = ctx.now()
    return {
        "transcript": [Turn(role="bot", text=m, at=now).model_dump() for m in messages],
        "mode": "human",
        "handoff": package.model_dump(mode="json"),
        "reply": {"kind": "handoff", "messages": messages, "actions": []},
    }
