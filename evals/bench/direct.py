"""One turn's work done by direct calls: the graph's own node functions, in the graph's order,
on a plain dict. Same embedding, query, triggers, draft and grounding checks as a turn through
the runtime; no LangGraph, no checkpointer, no state (de)serialisation."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any, cast, get_type_hints

from agent.context import Context
from agent.nodes.acknowledge import acknowledge
from agent.nodes.answer import answer
from agent.nodes.handoff import handoff
from agent.nodes.intake import intake
from agent.nodes.respond import respond
from agent.nodes.retrieve import retrieve
from agent.nodes.routes import after_triggers, after_verify
from agent.nodes.triggers import triggers
from agent.nodes.verify import verify
from agent.state import ConversationState

__all__ = ["direct_turn"]

_LAST = {"acknowledge": acknowledge, "respond": respond, "handoff": handoff}


@cache
def _accumulated() -> frozenset[str]:
    """State keys with a reducer (the transcript...): their updates are appended, not set."""
    hints = get_type_hints(ConversationState, include_extras=True)
    return frozenset(key for key, hint in hints.items() if getattr(hint, "__metadata__", None))


def direct_turn(ctx: Context, conversation_id: str, text: str, store: Any = None) -> dict[str, Any]:
    """The reply a first message gets, computed without the graph (a handoff stops at the
    package: the runtime's next step only waits for a person). ``store`` is the graph's
    records store, for the nodes that read it."""
    state: dict[str, Any] = {
        "conversation_id": conversation_id,
        "incoming": text,
        "action": "message",
        "agents_online": True,
    }
    runtime = SimpleNamespace(context=ctx, store=store)
    added = _accumulated()

    def run(node: Any) -> None:
        for key, value in node(state, runtime).items():
            state[key] = state.get(key, []) + value if key in added else value

    run(intake)
    run(triggers)
    after: str = after_triggers(cast(ConversationState, state))
    if after == "retrieve":
        run(retrieve)
        run(answer)
        run(verify)
        after = after_verify(cast(ConversationState, state))
    run(_LAST[after])
    return state["reply"]
